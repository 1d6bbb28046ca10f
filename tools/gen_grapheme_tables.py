"""Generate ``src/smscodec/_grapheme_tables.py``: the grapheme cluster break properties.

Two rule sets, one property table each (see ``smscodec._grapheme_py`` for the rules):

* **Unicode** (``RULES_UNICODE``): UAX #29 extended grapheme clusters of the pinned
  Unicode version, from three files of the Unicode Character Database of that one
  version, committed under ``tools/ucd/<version>/``:
  ``GraphemeBreakProperty.txt`` (Grapheme_Cluster_Break), ``emoji-data.txt``
  (Extended_Pictographic) and ``DerivedCoreProperties.txt`` (Indic_Conjunct_Break,
  "InCB", used by rule GB9c).  Their SHA-256 digests are checked below, so a changed
  input is a deliberate edit of this file.
* **Twilio** (``RULES_TWILIO``): the property data of the npm package
  ``grapheme-splitter`` 1.0.4 (Unicode 10.0.0 Grapheme_Cluster_Break with the emoji
  values E_Base, E_Modifier, Glue_After_Zwj and E_Base_GAZ of that era), which
  Twilio's segment calculator uses.  Its ranges are facts transcribed into
  ``tools/ucd/grapheme-splitter-1.0.4.txt`` (UCD file format) by
  ``--extract-splitter path/to/grapheme-splitter/index.js``: only the ranges and
  their values are read from that file, in its order (the first match wins there).

Each table is written as a sorted run-length list: ``*_STARTS`` (the first code point
of each run) and ``*_VALUES`` (the property byte of the run), both twins derive their
lookups from these.

    python tools/gen_grapheme_tables.py            # rewrite the generated module
    python tools/gen_grapheme_tables.py --check    # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import hashlib
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
UNICODE_VERSION = "16.0.0"
UCD = HERE / "ucd" / UNICODE_VERSION
SPLITTER = HERE / "ucd" / "grapheme-splitter-1.0.4.txt"
OUTPUT = HERE.parent / "src" / "smscodec" / "_grapheme_tables.py"

# The official files of Unicode 16.0.0 (https://www.unicode.org/Public/16.0.0/ucd/).
SOURCES = {
    "GraphemeBreakProperty.txt": "c29360bd6f7132811d701d29069541e827eb44bfc4c8fbde8c370d6982689dc1",
    "emoji-data.txt": "f1365a5173eee18e1f98b240cdc492e84a25f1ce7e0c9d1094eb29c41a22696a",
    "DerivedCoreProperties.txt": "39d35161f2954497f69e08bdb9e701493f476a3d30222de20028feda36c1dabd",
}

MAX_CODE_POINT = 0x10FFFF

# Grapheme_Cluster_Break values, low 4 bits of a Unicode property byte; the Twilio table
# uses the same numbers and adds its four emoji values (14-17).
GCB = {
    "Other": 0,
    "CR": 1,
    "LF": 2,
    "Control": 3,
    "Extend": 4,
    "ZWJ": 5,
    "Regional_Indicator": 6,
    "Prepend": 7,
    "SpacingMark": 8,
    "L": 9,
    "V": 10,
    "T": 11,
    "LV": 12,
    "LVT": 13,
}
TWILIO = dict(GCB, E_Base=14, E_Modifier=15, Glue_After_Zwj=16, E_Base_GAZ=17)
# Bit 4: Extended_Pictographic (emoji-data.txt); bits 5-6: InCB (DerivedCoreProperties.txt).
EXT_PICT = 0x10
INCB = {"Consonant": 1 << 5, "Extend": 2 << 5, "Linker": 3 << 5}

_LINE = re.compile(r"^([0-9A-F]{4,6})(?:\.\.([0-9A-F]{4,6}))?\s*;\s*([^#]*?)\s*(?:#.*)?$")


def _entries(text: str) -> list[tuple[int, int, str]]:
    """``(first, last, value)`` of every data line of a UCD-format file (value fields joined by ';')."""
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise SystemExit(f"unreadable UCD line: {raw!r}")
        first = int(match.group(1), 16)
        last = int(match.group(2) or match.group(1), 16)
        value = ";".join(part.strip() for part in match.group(3).split(";"))
        out.append((first, last, value))
    return out


def _read_source(name: str) -> str:
    data = (UCD / name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SOURCES[name]:
        raise SystemExit(f"{UCD / name}: SHA-256 {digest} is not the pinned Unicode {UNICODE_VERSION} file")
    return data.decode("utf-8")


def unicode_table() -> bytearray:
    """The Unicode property byte of every code point: GCB | ExtPict bit | InCB field."""
    table = bytearray(MAX_CODE_POINT + 1)  # @missing: 0000..10FFFF; Other (= 0)
    gcb_text = _read_source("GraphemeBreakProperty.txt")
    if f"GraphemeBreakProperty-{UNICODE_VERSION}.txt" not in gcb_text.splitlines()[0]:
        raise SystemExit("GraphemeBreakProperty.txt is not of the pinned version")
    for first, last, value in _entries(gcb_text):
        for cp in range(first, last + 1):
            if table[cp]:
                raise SystemExit(f"U+{cp:04X} has two Grapheme_Cluster_Break values")
            table[cp] = GCB[value]
    emoji_text = _read_source("emoji-data.txt")
    if f"Emoji Version {UNICODE_VERSION.rsplit('.', 1)[0]}" not in emoji_text:
        raise SystemExit("emoji-data.txt is not of the pinned version")
    for first, last, value in _entries(emoji_text):
        if value == "Extended_Pictographic":
            for cp in range(first, last + 1):
                table[cp] |= EXT_PICT
    core_text = _read_source("DerivedCoreProperties.txt")
    if f"DerivedCoreProperties-{UNICODE_VERSION}.txt" not in core_text.splitlines()[0]:
        raise SystemExit("DerivedCoreProperties.txt is not of the pinned version")
    seen = 0
    for first, last, value in _entries(core_text):
        if value.startswith("InCB;"):
            bits = INCB[value.split(";", 1)[1]]
            for cp in range(first, last + 1):
                table[cp] |= bits
                seen += 1
    if not seen:
        raise SystemExit("DerivedCoreProperties.txt has no InCB values")
    return table


def twilio_table() -> bytearray:
    """grapheme-splitter 1.0.4's property of every code point (0 = Other)."""
    table = bytearray(MAX_CODE_POINT + 1)
    for first, last, value in _entries(SPLITTER.read_text(encoding="utf-8")):
        for cp in range(first, last + 1):
            # grapheme-splitter tests its ranges in order and returns the first match;
            # the transcription keeps that order, so an earlier value wins here too.
            if not table[cp]:
                table[cp] = TWILIO[value]
    return table


def runs(table: bytearray) -> tuple[list[int], bytes]:
    """Run-length form: the first code point of each run of equal bytes, and the bytes."""
    starts, values = [0], [table[0]]
    for cp in range(1, len(table)):
        if table[cp] != values[-1]:
            starts.append(cp)
            values.append(table[cp])
    return starts, bytes(values)


def _check_latin1(table: bytearray, name: str) -> None:
    # Both twins count a text of code points <= U+00FF as one cluster per code point
    # except CR LF (GB3): true only while no such code point joins its neighbours.
    plain = {GCB["Other"], GCB["CR"], GCB["LF"], GCB["Control"]}
    for cp in range(0x100):
        if table[cp] & 0x0F not in plain or table[cp] & 0x60:
            raise SystemExit(f"{name}: U+{cp:04X} would join a cluster: the Latin-1 shortcut is wrong")


def _format_ints(name: str, values: list[int]) -> list[str]:
    lines = [f"{name}: tuple[int, ...] = ("]
    for i in range(0, len(values), 10):
        lines.append("    " + " ".join(f"0x{v:X}," for v in values[i : i + 10]))
    lines.append(")")
    return lines


def _format_bytes(name: str, data: bytes) -> list[str]:
    lines = [f"{name}: bytes = ("]
    for i in range(0, len(data), 32):
        lines.append('    b"' + "".join(f"\\x{b:02x}" for b in data[i : i + 32]) + '"')
    lines.append(")")
    return lines


def render() -> str:
    uni, twi = unicode_table(), twilio_table()
    _check_latin1(uni, "unicode")
    _check_latin1(twi, "twilio")
    u_starts, u_values = runs(uni)
    t_starts, t_values = runs(twi)
    out = [
        '"""Grapheme cluster break properties of the two rule sets of ``_grapheme_py`` / ``_grapheme_c``.',
        "",
        "Generated by tools/gen_grapheme_tables.py: do not edit by hand.  Sources:",
        f"Unicode {UNICODE_VERSION} GraphemeBreakProperty.txt, emoji-data.txt and DerivedCoreProperties.txt",
        "(SHA-256 pinned in the generator), and the property data of the npm package",
        "grapheme-splitter 1.0.4 (Unicode 10.0.0 with its emoji values), which Twilio's segment",
        "calculator uses.",
        "",
        "Each table is a run-length list over U+0000..U+10FFFF: run i covers",
        "``STARTS[i] <= cp < STARTS[i + 1]`` and has the property byte ``VALUES[i]``.",
        "",
        "Unicode byte: bits 0-3 Grapheme_Cluster_Break (``GCB_*``), bit 4 Extended_Pictographic,",
        "bits 5-6 Indic_Conjunct_Break (``INCB_*``; UAX #29 rule GB9c).  Twilio byte: one of the",
        '``GCB_*`` / ``TW_*`` values."""',
        "",
        "from __future__ import annotations",
        "",
        f'UNICODE_VERSION = "{UNICODE_VERSION}"',
        "",
        "# Grapheme_Cluster_Break values (UAX #29 Table 2), shared by both tables.",
    ]
    for name, value in TWILIO.items():
        if name in GCB:
            const = (
                "GCB_" + {"Regional_Indicator": "RI", "SpacingMark": "SPACING_MARK"}.get(name, name).upper()
            )
        else:
            const = "TW_" + name.upper()
            if value == 14:
                out.append("# grapheme-splitter 1.0.4's emoji values (UAX #29 of Unicode 10.0.0).")
        out.append(f"{const} = {value}")
    out += [
        "# Unicode byte fields.",
        "GCB_MASK = 0x0F",
        f"EXT_PICT = 0x{EXT_PICT:02X}",
        "INCB_MASK = 0x60",
        f"INCB_CONSONANT = 0x{INCB['Consonant']:02X}",
        f"INCB_EXTEND = 0x{INCB['Extend']:02X}",
        f"INCB_LINKER = 0x{INCB['Linker']:02X}",
        "",
    ]
    out += _format_ints("UNICODE_STARTS", u_starts)
    out += _format_bytes("UNICODE_VALUES", u_values)
    out.append("")
    out += _format_ints("TWILIO_STARTS", t_starts)
    out += _format_bytes("TWILIO_VALUES", t_values)
    return "\n".join(out) + "\n"


def extract_splitter(index_js: pathlib.Path) -> str:
    """Transcribe grapheme-splitter's property ranges (facts only) into UCD file format."""
    source = index_js.read_text(encoding="utf-8")
    body = source[source.index("function getGraphemeBreakProperty") :]
    out = [
        "# grapheme-splitter 1.0.4: the Grapheme_Cluster_Break data of getGraphemeBreakProperty",
        "# (Unicode 10.0.0 GraphemeBreakProperty.txt with the emoji values of that version),",
        "# transcribed by tools/gen_grapheme_tables.py --extract-splitter.  Listed in the",
        "# package's order; the first range that holds a code point gives its value.",
        "",
    ]
    pending: list[tuple[int, int]] = []
    for line in body.splitlines():
        for lo, hi in re.findall(r"\(0x([0-9A-Fa-f]+) <= code && code <= 0x([0-9A-Fa-f]+)\)", line):
            pending.append((int(lo, 16), int(hi, 16)))
        for single in re.findall(r"(?<![<=] )0x([0-9A-Fa-f]+) == code", line):
            pending.append((int(single, 16), int(single, 16)))
        value = re.search(r"return (\w+);", line)
        if value:
            name = value.group(1)
            if name == "Other":
                break
            if name not in TWILIO or not pending:
                raise SystemExit(f"unexpected grapheme-splitter block returning {name}")
            for lo, hi in pending:
                span = f"{lo:04X}" if lo == hi else f"{lo:04X}..{hi:04X}"
                out.append(f"{span:<14}; {name}")
            out.append("")
            pending = []
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the generated module is stale")
    parser.add_argument("--extract-splitter", type=pathlib.Path, metavar="INDEX_JS")
    args = parser.parse_args()
    if args.extract_splitter:
        SPLITTER.write_text(extract_splitter(args.extract_splitter), encoding="utf-8")
        return 0
    text = render()
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run tools/gen_grapheme_tables.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
