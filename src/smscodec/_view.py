"""Drawing one message part by part: the segment viewer, as HTML or terminal text.

Theory of operation
-------------------
Nothing here counts or splits.  :func:`message` takes what the segment API already
computed (a :class:`~smscodec.SegmentInfo`-like object and the message's parts, any
objects with the same attributes) and turns it into a :class:`Message`: per part, its
decoded header and one :class:`Cell` per character sent, each with the units it costs
and the units it is sent as, read off the part's own payload (so the drawing is the
encoding, not a second opinion of it):

* GSM-7: the payload is unpacked septets.  A character is one septet, or two when the
  payload has the escape 0x1B before it (TS 23.038 §6.2.1.1: the single shift table);
  an escape pair is one cell of cost 2, and never straddles two parts because the split
  never cuts one.  With national language tables (TS 23.038 §6.2.1.2.4) a character the
  default tables lack is marked as national.
* UCS-2: the payload is UTF-16BE.  A character above U+FFFF is one cell of two code
  units (a surrogate pair, cost 2); the characters no enabled GSM-7 table carries (the
  ones that forced UCS-2) are marked with their code point and Unicode name.
* 8-bit data (:func:`binary`): one cell per octet.

With the text as written (``original``) and smart encoding's replacements, each sent
character that a replacement produced points back at the character it replaced, and a
character replaced by nothing is drawn as an empty cell of cost 0.

:func:`html_fragment` / :func:`html_page` draw a :class:`Message` as HTML (inline CSS, no
script, every text escaped, readable without JavaScript and printable) and
:func:`text` draws it for a terminal (ANSI colours only when asked).  Control, format
and bidirectional characters are never written raw: each has a visible stand-in, so a
hostile text can neither run markup nor drive a terminal.
"""

from __future__ import annotations

import functools
import html
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from . import udh as _udh
from ._spec import ESCAPE, USER_DATA_OCTETS
from ._tables import LOCK_CODES, NATIONAL_TABLES, SINGLE_CODES
from .errors import ArgumentError, UdhError
from .smart import SMART_MAP

__all__ = [
    "CSS",
    "ESCAPE_PAIR",
    "FORCING",
    "NATIONAL",
    "OCTET",
    "REMOVED",
    "REPLACED",
    "SURROGATE_PAIR",
    "Cell",
    "Element",
    "Message",
    "Part",
    "attribute",
    "binary",
    "escape",
    "html_fragment",
    "html_page",
    "language_name",
    "message",
    "message_dict",
    "summary_table",
    "text",
    "visible",
]

# --- the model ----------------------------------------------------------------------------

#: Cell flags.  An escape pair: 0x1B + code, two septets (TS 23.038 §6.2.1.1).
ESCAPE_PAIR = 1
#: A UTF-16 surrogate pair: a character above U+FFFF, two code units (RFC 2781 §2.1).
SURROGATE_PAIR = 2
#: A character no enabled GSM-7 table carries: it made the message UCS-2.
FORCING = 4
#: A character of a national language table that the default tables lack.
NATIONAL = 8
#: Sent in place of another character by smart encoding.
REPLACED = 16
#: A character smart encoding removed (replaced by nothing): cost 0.
REMOVED = 32
#: One octet of 8-bit data.
OCTET = 64


class Cell(NamedTuple):
    """One character as sent (or one octet of 8-bit data).

    Attributes:
        char: the character (``""`` for an octet).
        cost: septets, UTF-16 code units or octets it takes.
        units: the septets, code units or octet it is sent as.
        flags: a sum of :data:`ESCAPE_PAIR`, :data:`SURROGATE_PAIR`, :data:`FORCING`,
            :data:`NATIONAL`, :data:`REPLACED`, :data:`REMOVED`, :data:`OCTET`.
        origin: the character smart encoding replaced by this one (``""`` for none).
    """

    char: str
    cost: int
    units: tuple[int, ...]
    flags: int
    origin: str = ""


@dataclass(frozen=True)
class Element:
    """One information element of a part's header, decoded.

    Attributes:
        octets: the element as sent (IEI, length, data).
        kind: ``"concat"``, ``"ports"``, ``"locking"``, ``"single"`` or ``"other"``.
        label: what it is, in words.
        detail: what it says, in words.
    """

    octets: bytes
    kind: str
    label: str
    detail: str


@dataclass(frozen=True)
class Part:
    """One part of a message.

    Attributes:
        number: 1 for the first part.
        header: the part's whole header, UDHL first (``b""`` for none).
        elements: the header's elements, decoded.
        cells: the characters (or octets) of the part, in order.
        units: units the part's payload holds.
        capacity: units a part of this message can hold.
        error: why the header could not be decoded (``""`` when it could).
    """

    number: int
    header: bytes
    elements: tuple[Element, ...]
    cells: tuple[Cell, ...]
    units: int
    capacity: int
    error: str = ""


@dataclass(frozen=True)
class Message:
    """A message drawn part by part: what :func:`message` and :func:`binary` build.

    Attributes:
        encoding: ``"gsm7"``, ``"ucs2"`` or ``"binary"``.
        parts: the parts.
        units: units of the whole message as sent.
        per_segment: units one part of this message can hold.
        remaining: units free in the last part.
        locking_shift, single_shift: national language identifiers (0: default tables).
        forcing: the characters that forced UCS-2, each with how often it occurs.
        replacements: smart encoding's ``(character, replacement, occurrences)``; the
            occurrences are ``-1`` when the text as written is not known.
        original_segments: parts the text as written would need (smart encoding).
        comparison: ``(label, encoding, segments, units)`` of the message sent another
            way (as written, or with smart encoding), or None.
        no_lookalike: characters forcing UCS-2 that the smart map has no look-alike for
            (given with a smart-encoding comparison that found nothing to replace).
        reference_known: False when the concatenation reference is a placeholder (the
            real one is chosen when the message is sent).
    """

    encoding: str
    parts: tuple[Part, ...]
    units: int
    per_segment: int
    remaining: int
    locking_shift: int = 0
    single_shift: int = 0
    forcing: tuple[tuple[str, int], ...] = ()
    replacements: tuple[tuple[str, str, int], ...] = ()
    original_segments: int = 0
    comparison: tuple[str, str, int, int] | None = None
    no_lookalike: tuple[str, ...] = ()
    reference_known: bool = True

    @property
    def segments(self) -> int:
        """The number of parts."""
        return len(self.parts)

    @property
    def unit_name(self) -> str:
        """``"septets"``, ``"UTF-16 units"`` or ``"octets"``."""
        return {"gsm7": "septets", "ucs2": "UTF-16 units"}.get(self.encoding, "octets")


def language_name(nli: int) -> str:
    """``"Turkish"`` for 1; ``"default"`` for 0; ``"reserved (N)"`` for an unknown identifier."""
    if nli == 0:
        return "default"
    entry = NATIONAL_TABLES.get(nli)
    return entry[0].capitalize() if entry is not None else f"reserved ({nli})"


def _elements(header: bytes, reference_known: bool) -> tuple[tuple[Element, ...], str]:
    """The decoded elements of ``header`` (TS 23.040 §9.2.3.24), or why it cannot be read."""
    if not header:
        return (), ""
    try:
        parsed = _udh.parse(header)
    except UdhError as exc:
        return (), str(exc)
    out = []
    for element in parsed:
        octets = element.to_bytes()
        if isinstance(element, _udh.Concat):
            ref = f"reference {element.reference}" if reference_known else "reference chosen when sent"
            out.append(
                Element(
                    octets,
                    "concat",
                    f"concatenation, {element.bits}-bit reference",
                    f"{ref}, part {element.sequence} of {element.total}",
                )
            )
        elif isinstance(element, _udh.PortAddress):
            out.append(
                Element(
                    octets,
                    "ports",
                    f"application ports, {element.bits}-bit",
                    f"destination {element.destination}, source {element.source}",
                )
            )
        elif isinstance(element, _udh.NationalLanguage):
            kind = "locking" if element.locking else "single"
            out.append(
                Element(
                    octets,
                    kind,
                    f"national language {kind} shift",
                    f"{language_name(element.language)} ({element.language})",
                )
            )
        else:
            out.append(
                Element(octets, "other", f"element 0x{element.iei:02X}", f"{len(element.data)} octets")
            )
    return tuple(out), ""


def _origins(
    original: str, sent: str, replaced: Mapping[str, str]
) -> tuple[list[str], dict[int, str]] | None:
    """Per character of ``sent``, the character of ``original`` smart encoding replaced by
    it (``""``: none), and the characters replaced by nothing, by the index in ``sent``
    they stood before.  None when ``sent`` is not ``original`` with ``replaced`` applied."""
    origins: list[str] = []
    removed: dict[int, str] = {}
    for ch in original:
        new = replaced.get(ch)
        if new is None:
            origins.append("")
        elif new:
            origins.extend(ch * len(new))
        else:
            removed[len(origins)] = removed.get(len(origins), "") + ch
    if len(origins) != len(sent):
        return None
    return origins, removed


def _check_payload(number: int, ok: bool) -> None:
    if not ok:
        raise ArgumentError(f"part {number}: its payload does not hold its text", argument="segments")


def message(
    info: Any,
    segments: Sequence[Any],
    *,
    original: str | None = None,
    comparison: Any = None,
    comparison_label: str = "",
    reference_known: bool = True,
) -> Message:
    """The drawing of a message from its analysis and its parts.

    Args:
        info: a :class:`~smscodec.SegmentInfo` (or any object with its attributes).
        segments: the message's parts as :func:`smscodec.split` gives them (``text``,
            ``udh``, ``payload``, ``units``).
        original: the text as written, before smart encoding (to mark what it replaced).
        comparison: the analysis of the same text sent another way (as written when
            ``info`` has smart encoding, with smart encoding when it has not), or None.
        comparison_label: what ``comparison`` is, in words.
        reference_known: False when the parts carry a placeholder reference.

    Raises:
        ArgumentError: a part's payload does not hold its text.
    """
    encoding = info.encoding
    gsm7 = encoding == "gsm7"
    locking, single = info.locking_shift, info.single_shift
    forcing_set = frozenset(info.non_gsm7)
    national_lock = LOCK_CODES[0] if locking else None
    national_single = SINGLE_CODES[0] if single else None
    sent: str = info.text
    replaced = dict(info.replacements)
    aligned = _origins(original, sent, replaced) if original is not None and replaced else None
    origins, removed = aligned if aligned is not None else (None, {})
    parts: list[Part] = []
    index = 0  # of the current character in the whole text sent
    for number, segment in enumerate(segments, 1):
        cells: list[Cell] = []
        add = cells.append
        payload: bytes = segment.payload
        at = 0
        units: tuple[int, ...]
        for ch in segment.text:
            if removed and index in removed:
                for gone in removed[index]:
                    add(Cell("", 0, (), REMOVED, gone))
            if gsm7:
                _check_payload(number, at < len(payload))
                code = payload[at]
                if code == ESCAPE:
                    # TS 23.038 §6.2.1.1: 0x1B, then the single shift table's code.
                    _check_payload(number, at + 1 < len(payload))
                    cost, units, flags = 2, (code, payload[at + 1]), ESCAPE_PAIR
                    if national_single is not None and ch not in national_single:
                        flags |= NATIONAL
                else:
                    cost, units, flags = 1, (code,), 0
                    if national_lock is not None and ch not in national_lock:
                        flags |= NATIONAL
                at += cost
            else:
                # UTF-16BE: one code unit, or a surrogate pair above U+FFFF (RFC 2781 §2.1).
                cost = 2 if ord(ch) > 0xFFFF else 1
                _check_payload(number, at + 2 * cost <= len(payload))
                first = payload[at] << 8 | payload[at + 1]
                if cost == 2:
                    units, flags = (first, payload[at + 2] << 8 | payload[at + 3]), SURROGATE_PAIR
                else:
                    units, flags = (first,), 0
                at += 2 * cost
                if ch in forcing_set:
                    flags |= FORCING
            origin = origins[index] if origins is not None else ""
            if origin:
                flags |= REPLACED
            add(Cell(ch, cost, units, flags, origin))
            index += 1
        _check_payload(number, at == len(payload))
        if removed and number == len(segments) and index in removed:
            for gone in removed[index]:
                add(Cell("", 0, (), REMOVED, gone))
        elements, error = _elements(segment.udh, reference_known)
        parts.append(
            Part(number, segment.udh, elements, tuple(cells), segment.units, info.per_segment, error)
        )
    counts: dict[str, int] = {}
    if original is not None:
        for ch in original:
            if ch in replaced:
                counts[ch] = counts.get(ch, 0) + 1
    replacements = tuple((ch, new, counts.get(ch, -1)) for ch, new in info.replacements)
    forcing = tuple((ch, sent.count(ch)) for ch in info.non_gsm7)
    compared = None
    no_lookalike: tuple[str, ...] = ()
    if comparison is not None:
        compared = (comparison_label, comparison.encoding, comparison.segments, comparison.units)
        if not info.replacements and not comparison.replacements:
            no_lookalike = tuple(ch for ch in info.non_gsm7 if ch not in SMART_MAP)
    return Message(
        encoding=encoding,
        parts=tuple(parts),
        units=info.units,
        per_segment=info.per_segment,
        remaining=info.remaining,
        locking_shift=locking,
        single_shift=single,
        forcing=forcing,
        replacements=replacements,
        original_segments=info.original_segments or len(parts),
        comparison=compared,
        no_lookalike=no_lookalike,
        reference_known=reference_known,
    )


def binary(segments: Sequence[Any], *, reference_known: bool = True) -> Message:
    """The drawing of 8-bit data from its parts (:func:`smscodec.split_binary`)."""
    parts = []
    for number, segment in enumerate(segments, 1):
        payload = bytes(segment.payload)
        cells = tuple(Cell("", 1, (octet,), OCTET) for octet in payload)
        elements, error = _elements(segment.udh, reference_known)
        # TS 23.040 §9.2.3.24: the header travels inside the 140 octets of user data.
        room = USER_DATA_OCTETS - len(segment.udh)
        parts.append(Part(number, segment.udh, elements, cells, segment.units, room, error))
    units = sum(part.units for part in parts)
    capacity = parts[0].capacity if parts else USER_DATA_OCTETS
    return Message(
        encoding="binary",
        parts=tuple(parts),
        units=units,
        per_segment=capacity,
        remaining=(parts[-1].capacity - parts[-1].units) if parts else capacity,
        original_segments=len(parts),
        reference_known=reference_known,
    )


def message_dict(view: Message) -> dict[str, Any]:
    """``view`` as JSON-ready data (what ``smscodec view --json`` prints)."""
    names = {
        ESCAPE_PAIR: "escape_pair",
        SURROGATE_PAIR: "surrogate_pair",
        FORCING: "forces_ucs2",
        NATIONAL: "national",
        REPLACED: "replaced",
        REMOVED: "removed",
    }
    width = 4 if view.encoding == "ucs2" else 2
    return {
        "encoding": view.encoding,
        "segments": view.segments,
        "units": view.units,
        "per_segment": view.per_segment,
        "remaining": view.remaining,
        "locking_shift": view.locking_shift,
        "single_shift": view.single_shift,
        "forcing": [
            {"char": ch, "codepoint": f"U+{ord(ch):04X}", "name": unicodedata.name(ch, ""), "count": n}
            for ch, n in view.forcing
        ],
        "replacements": [{"char": ch, "replacement": new, "count": n} for ch, new, n in view.replacements],
        "original_segments": view.original_segments,
        "parts": [
            {
                "number": part.number,
                "udh": part.header.hex(),
                "elements": [
                    {"octets": e.octets.hex(), "kind": e.kind, "label": e.label, "detail": e.detail}
                    for e in part.elements
                ],
                "units": part.units,
                "capacity": part.capacity,
                "cells": [
                    {
                        "char": cell.char,
                        "cost": cell.cost,
                        "units": " ".join(f"{u:0{width}X}" for u in cell.units),
                        "flags": [name for bit, name in names.items() if cell.flags & bit],
                        **({"origin": cell.origin} if cell.origin else {}),
                    }
                    for cell in part.cells
                ],
            }
            for part in view.parts
        ],
    }


# --- characters made visible --------------------------------------------------------------

# Stand-ins for the characters a cell cannot show as they are.
_STAND_INS = {" ": "␣", "\n": "↵", "\r": "␍", "\t": "⇥", "\x0c": "␌", "\x1b": "␛"}


@functools.lru_cache(maxsize=4096)
def visible(ch: str) -> tuple[str, bool]:
    """What to show for the character ``ch``, and whether that is a stand-in (True: a
    symbol or a code point in its place) or the character itself."""
    stand_in = _STAND_INS.get(ch)
    if stand_in is not None:
        return stand_in, True
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Mc"):
        return "◌" + ch, False  # a combining mark on a dotted circle, as the Unicode charts show it
    if category[0] in "CZ":  # controls, format (bidi controls, joiners), surrogates, separators
        return f"U+{ord(ch):04X}", True
    return ch, False


def _name(ch: str) -> str:
    if "\ud800" <= ch <= "\udfff":
        return "lone surrogate"
    return unicodedata.name(ch, "") or f"<{unicodedata.category(ch)}>"


def escape(text: str) -> str:
    """``text`` as HTML text: markup escaped (quotes too), and every character HTML cannot
    carry as text (controls, lone surrogates, noncharacters) shown as its code point."""
    if text.isprintable():
        return html.escape(text)
    out = []
    for ch in text:
        if ch.isprintable() or ch in "\n\t ":
            out.append(html.escape(ch))
        else:
            out.append(f'<span class="cp">U+{ord(ch):04X}</span>')
    return "".join(out)


def attribute(text: str) -> str:
    """``text`` as the value of a quoted HTML attribute: escaped, and every character that
    is not printable written as its code point."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else f"U+{ord(ch):04X}" for ch in text)
    return html.escape(text, quote=True)


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X} {_name(ch)}"


# --- HTML ---------------------------------------------------------------------------------

#: The viewer's and the campaign report's style sheet, scoped to ``.smscodec``.
CSS = """
.smscodec{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232a;max-width:72rem}
.smscodec h1{font-size:1.5rem;margin:.5rem 0}.smscodec h2{font-size:1.2rem;margin:1.2rem 0 .4rem}
.smscodec h3{font-size:1rem;margin:.6rem 0 .3rem}
.smscodec .summary{display:flex;flex-wrap:wrap;gap:.3rem 1.4rem;margin:.4rem 0}
.smscodec .summary div{display:flex;flex-direction:column}
.smscodec .summary dt{font-size:.75rem;color:#5b6570;text-transform:uppercase;letter-spacing:.03em}
.smscodec .summary dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.smscodec .part{border:1px solid #c9d1d9;border-radius:6px;padding:.4rem .6rem;margin:.6rem 0;
break-inside:avoid;page-break-inside:avoid}
.smscodec .part h3 span{font-weight:400;color:#5b6570}
.smscodec .gauge{height:6px;background:#e6ebf0;border-radius:3px;margin:.2rem 0 .4rem}
.smscodec .gauge span{display:block;height:100%;background:#4a7bd0;border-radius:3px}
.smscodec .udh{margin:.2rem 0;display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;
font-size:.85rem}
.smscodec .udh dt{font-family:ui-monospace,Menlo,Consolas,monospace}.smscodec .udh dd{margin:0}
.smscodec ol.cells{list-style:none;margin:.3rem 0;padding:0;display:flex;flex-wrap:wrap;gap:2px;direction:ltr}
.smscodec ol.cells li{display:flex;flex-direction:column;align-items:center;min-width:1.45rem;
border:1px solid #d8dee4;border-radius:3px;padding:1px 2px;background:#fff}
.smscodec ol.cells b{font-weight:400;font-size:1rem;unicode-bidi:isolate;white-space:pre;min-height:1.3rem}
.smscodec ol.cells i{font-style:normal;font-size:.65rem;color:#5b6570}
.smscodec ol.cells u{text-decoration:none;font-size:.6rem;color:#5b6570;
font-family:ui-monospace,Menlo,Consolas,monospace}
.smscodec ol.cells .k b{color:#8a939c;font-size:.8rem}
.smscodec ol.cells .e,.smscodec ol.cells .s{min-width:3rem;border:3px double #b08800;background:#fff8c5}
.smscodec ol.cells .f{background:#ffebe9;border-color:#cf222e}
.smscodec ol.cells .f u{color:#a40e26;font-weight:600}
.smscodec ol.cells .n{background:#ddf4ff;border-color:#0969da}
.smscodec ol.cells .r{background:#dafbe1;border-color:#1a7f37}
.smscodec ol.cells .x{border-style:dashed;background:#f6f8fa;opacity:.8}
.smscodec ol.cells .o b{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
.smscodec table{border-collapse:collapse;margin:.4rem 0;font-variant-numeric:tabular-nums}
.smscodec th,.smscodec td{border-bottom:1px solid #d8dee4;padding:.2rem .6rem;text-align:left;
vertical-align:top}
.smscodec td.num,.smscodec th.num{text-align:right}.smscodec td.glyph{unicode-bidi:isolate}
.smscodec .legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.8rem;color:#5b6570;padding:0;
list-style:none}
.smscodec .legend span{display:inline-block;width:.9rem;height:.9rem;border:1px solid #d8dee4;
vertical-align:middle;margin-right:.25rem}
.smscodec .legend .f{background:#ffebe9;border-color:#cf222e}
.smscodec .legend .e{background:#fff8c5;border-color:#b08800}
.smscodec .legend .n{background:#ddf4ff;border-color:#0969da}
.smscodec .legend .r{background:#dafbe1;border-color:#1a7f37}
.smscodec .note{color:#5b6570;font-size:.85rem}.smscodec .warn{color:#9a6700}
.smscodec .cp{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8em;border:1px solid #d8dee4;
border-radius:2px;padding:0 2px}
.smscodec svg text{font:12px system-ui,sans-serif;fill:#1d232a}
.smscodec footer{margin-top:2rem;color:#5b6570;font-size:.8rem}
@media print{.smscodec{max-width:none}.smscodec *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""

# A page may load nothing and run nothing: no script, no font, no image from anywhere.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def html_page(body: str, *, title: str, generator: str = "") -> str:
    """A whole self-contained HTML document around ``body`` (HTML made by this module).

    ``generator`` (the library's version) goes in a ``data-volatile`` element so that
    structure tests can leave it out.
    """
    footer = f'<footer data-volatile="">{escape(generator)}</footer>' if generator else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n"
        f'<body><main class="smscodec">\n{body}{footer}</main></body></html>\n'
    )


_NAMES = {"gsm7": "GSM-7", "ucs2": "UCS-2", "binary": "8-bit data"}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _encoding_label(view: Message) -> str:
    if view.encoding == "binary":
        return "8-bit data"
    if view.encoding == "ucs2":
        return "UCS-2"
    if view.locking_shift or view.single_shift:
        return (
            f"GSM-7, {language_name(view.locking_shift)} locking shift, "
            f"{language_name(view.single_shift)} single shift"
        )
    return "GSM-7"


def _cell_html(cell: Cell, ucs2: bool) -> str:
    flags = cell.flags
    if flags & OCTET:
        return f'<li class="o"><b>{cell.units[0]:02X}</b><i>1</i></li>'
    if flags & REMOVED:
        return (
            f'<li class="x" title="{attribute(_describe(cell.origin))} removed by smart encoding">'
            "<b></b><i>0</i></li>"
        )
    shown, stand_in = visible(cell.char)
    classes = []
    if stand_in:
        classes.append("k")
    if flags & ESCAPE_PAIR:
        classes.append("e")
    if flags & SURROGATE_PAIR:
        classes.append("s")
    if flags & FORCING:
        classes.append("f")
    if flags & NATIONAL:
        classes.append("n")
    if flags & REPLACED:
        classes.append("r")
    glyph = escape(shown)
    if not classes and cell.char < "\x7f":
        return f"<li><b>{glyph}</b><i>1</i></li>"
    width = 4 if ucs2 else 2
    units = " ".join(f"{u:0{width}X}" for u in cell.units)
    title = [_describe(cell.char), f"{_plural(cell.cost, 'code unit' if ucs2 else 'septet')}: {units}"]
    extra = ""
    if flags & FORCING:
        title.append("forces UCS-2")
        extra = f"<u>U+{ord(cell.char):04X}</u>"
    elif flags & (ESCAPE_PAIR | SURROGATE_PAIR):
        title.append("escape pair" if flags & ESCAPE_PAIR else "surrogate pair")
        extra = f"<u>{units}</u>"
    if flags & NATIONAL:
        title.append("national language table")
    if flags & REPLACED:
        title.append(f"smart encoding: replaces {_describe(cell.origin)}")
    cls = " ".join(classes)
    tip = attribute(" · ".join(title))
    return f'<li class="{cls}" title="{tip}"><b>{glyph}</b><i>{cell.cost}</i>{extra}</li>'


def _part_html(view: Message, part: Part, cell_limit: int | None) -> str:
    unit = view.unit_name
    ucs2 = view.encoding == "ucs2"
    total = len(view.parts)
    fill = 100 * part.units // part.capacity if part.capacity else 100
    head = f"{len(part.header)} octets" if part.header else "none"
    out = [
        f'<section class="part" data-part="{part.number}" data-units="{part.units}">',
        f"<h3>Part {part.number} of {total} <span>· {part.units:,} of {part.capacity:,} {unit}"
        f" · header {head}</span></h3>",
        f'<div class="gauge" aria-hidden="true"><span style="width:{min(fill, 100)}%"></span></div>',
    ]
    if part.header:
        out.append('<dl class="udh">')
        out.append(
            f"<dt>{part.header[:1].hex(' ').upper()}</dt><dd>UDHL: {part.header[0]} octets follow</dd>"
        )
        for element in part.elements:
            out.append(
                f'<dt>{element.octets.hex(" ").upper()}</dt><dd data-kind="{element.kind}">'
                f"{escape(element.label)}: {escape(element.detail)}</dd>"
            )
        if part.error:
            out.append(f'<dt>{part.header.hex(" ").upper()}</dt><dd class="warn">{escape(part.error)}</dd>')
        out.append("</dl>")
    cells = part.cells if cell_limit is None else part.cells[:cell_limit]
    out.append('<ol class="cells">')
    out.extend(_cell_html(cell, ucs2) for cell in cells)
    out.append("</ol>")
    if len(cells) < len(part.cells):
        out.append(f'<p class="note">{len(part.cells) - len(cells):,} more cells not drawn</p>')
    out.append("</section>")
    return "".join(out)


def _legend(view: Message) -> str:
    if view.encoding == "binary":
        return ""
    items = []
    flags = 0
    for part in view.parts:
        for cell in part.cells:
            flags |= cell.flags
    if flags & FORCING:
        items.append('<li><span class="f"></span>forces UCS-2 (code point shown)</li>')
    if flags & ESCAPE_PAIR:
        items.append('<li><span class="e"></span>escape pair: 2 septets, never split</li>')
    if flags & SURROGATE_PAIR:
        items.append('<li><span class="e"></span>surrogate pair: 2 UTF-16 units, never split</li>')
    if flags & NATIONAL:
        items.append('<li><span class="n"></span>national language table</li>')
    if flags & (REPLACED | REMOVED):
        items.append('<li><span class="r"></span>put there by smart encoding</li>')
    return f'<ul class="legend">{"".join(items)}</ul>' if items else ""


def _smart_html(view: Message) -> str:
    out = []
    if view.replacements:
        saved = view.original_segments - len(view.parts)
        out.append(
            '<div class="smart"><h3>Smart encoding</h3>'
            f"<p>Replaced {_plural(len(view.replacements), 'character')}: as written the message needs "
            f"{_plural(view.original_segments, 'part')}, sent it takes {_plural(len(view.parts), 'part')}"
            f' (<strong data-k="smart_saved">{saved:,}</strong> saved). Every replacement is needed: '
            "any one left out keeps the message UCS-2.</p>"
            "<table><thead><tr><th>character</th><th>code point</th><th>name</th><th>sent as</th>"
            '<th class="num">times</th></tr></thead><tbody>'
        )
        for ch, new, count in view.replacements:
            shown = escape(visible(new)[0]) if len(new) == 1 else escape(new) or "<em>nothing</em>"
            times = f"{count:,}" if count >= 0 else "—"
            out.append(
                f"<tr><td>{escape(visible(ch)[0])}</td><td>U+{ord(ch):04X}</td><td>{escape(_name(ch))}</td>"
                f'<td>{shown}</td><td class="num">{times}</td></tr>'
            )
        out.append("</tbody></table></div>")
    if view.comparison is not None:
        label, encoding, segments, units = view.comparison
        unit = "septets" if encoding == "gsm7" else "UTF-16 units"
        delta = segments - len(view.parts)
        verdict = (
            f"{_plural(-delta, 'part')} fewer"
            if delta < 0
            else f"{_plural(delta, 'part')} more"
            if delta > 0
            else "the same number of parts"
        )
        out.append(
            f'<p class="compare" data-k="comparison">{escape(label)}: {_NAMES[encoding]}, '
            f"{_plural(segments, 'part')}, {units:,} {unit}: {verdict}.</p>"
        )
    if view.no_lookalike:
        chars = ", ".join(escape(_describe(ch)) for ch in view.no_lookalike)
        out.append(f'<p class="note">No look-alike in the smart map for: {chars}.</p>')
    return "".join(out)


def html_fragment(view: Message, *, max_parts: int | None = None, max_cells: int | None = None) -> str:
    """``view`` as one ``<div class="smscodec">`` (with its style sheet: what a notebook shows).

    Args:
        max_parts: draw at most this many parts (the others are listed in one line each).
        max_cells: draw at most this many cells of a part.
    """
    body = html_body(view, max_parts=max_parts, max_cells=max_cells)
    return f'<div class="smscodec"><style>{CSS}</style>{body}</div>'


def html_body(view: Message, *, max_parts: int | None = None, max_cells: int | None = None) -> str:
    """``view`` as HTML without a style sheet (for a page that has one)."""
    unit = view.unit_name
    summary: list[tuple[str, str, str, object]] = [
        ("encoding", _encoding_label(view), "encoding", view.encoding),
        ("parts", f"{len(view.parts):,}", "segments", len(view.parts)),
        (unit, f"{view.units:,}", "units", view.units),
        ("per part", f"{view.per_segment:,}", "per_segment", view.per_segment),
        ("free in the last part", f"{view.remaining:,}", "remaining", view.remaining),
    ]
    out = [f'<div class="message" data-encoding="{view.encoding}"><dl class="summary">']
    for label, shown, key, value in summary:
        out.append(
            f'<div><dt>{escape(label)}</dt><dd data-k="{key}" data-v="{value}">{escape(shown)}</dd></div>'
        )
    out.append("</dl>")
    if view.forcing:
        out.append('<p class="forcing">Forced to UCS-2 by: ')
        out.append(
            ", ".join(
                f'<span data-char="U+{ord(ch):04X}">{escape(visible(ch)[0])} U+{ord(ch):04X} '
                f"{escape(_name(ch))} (×{n:,})</span>"
                for ch, n in view.forcing
            )
        )
        out.append("</p>")
    out.append(_smart_html(view))
    out.append(_legend(view))
    drawn = view.parts if max_parts is None else view.parts[:max_parts]
    out.extend(_part_html(view, part, max_cells) for part in drawn)
    if len(drawn) < len(view.parts):
        rest = view.parts[len(drawn) :]
        out.append(f'<p class="note">{_plural(len(rest), "more part")} not drawn: ')
        out.append(", ".join(f"part {p.number}: {p.units:,} {unit}" for p in rest[:20]))
        out.append("…</p>" if len(rest) > 20 else "</p>")
    out.append("</div>")
    return "".join(out)


def summary_table(rows: Iterable[tuple[str, str]], *, caption: str = "") -> str:
    """A two-column HTML table (with the style sheet) of already formatted ``(label, value)`` rows."""
    body = "".join(f'<tr><th>{escape(k)}</th><td class="num">{escape(v)}</td></tr>' for k, v in rows)
    head = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'<div class="smscodec"><style>{CSS}</style><table>{head}<tbody>{body}</tbody></table></div>'


# --- terminal text ------------------------------------------------------------------------

_RESET = "\x1b[0m"
# SGR colours (ECMA-48 §8.3.117): reverse red, yellow, cyan, green; dim.
_COLOURS = {FORCING: "\x1b[1;41;97m", ESCAPE_PAIR: "\x1b[30;43m", SURROGATE_PAIR: "\x1b[30;43m"}
_COLOURS |= {NATIONAL: "\x1b[30;46m", REPLACED: "\x1b[30;42m", REMOVED: "\x1b[2m"}
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"
# One letter per flag for the marker row of a plain (colourless) drawing.
_MARKS = ((FORCING, "!"), (ESCAPE_PAIR, "e"), (SURROGATE_PAIR, "s"), (NATIONAL, "n"), (REPLACED, "r"))


def _columns(shown: str) -> int:
    """Terminal columns ``shown`` takes: 2 for wide and fullwidth characters (UAX #11)."""
    width = 0
    for ch in shown:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _terminal_glyph(cell: Cell) -> str:
    if cell.flags & OCTET:
        return f"{cell.units[0]:02X}"
    if cell.flags & REMOVED:
        return "∅"
    shown = visible(cell.char)[0]
    return shown if len(shown) <= 2 else "·"  # code points are listed below the drawing


def text(view: Message, *, color: bool = False, width: int = 80) -> str:
    """``view`` for a terminal: per part its header, then rows of cells (glyph over cost).

    Args:
        color: mark cells with ANSI colours (else with a row of marker letters).
        width: the terminal's width in columns.
    """
    unit = view.unit_name
    style = (lambda code, s: f"{code}{s}{_RESET}") if color else (lambda code, s: s)
    lines = [
        style(_BOLD, f"{_encoding_label(view)} · {_plural(len(view.parts), 'part')} · {view.units:,} {unit}")
        + f" · {view.per_segment:,} per part · {view.remaining:,} free in the last part"
    ]
    for ch, n in view.forcing:
        lines.append(
            f"forces UCS-2: {style(_COLOURS[FORCING], _terminal_glyph(Cell(ch, 1, (), 0)))} "
            f"{_describe(ch)} (×{n:,})"
        )
    if view.replacements:
        saved = view.original_segments - len(view.parts)
        lines.append(
            f"smart encoding: {_plural(view.original_segments, 'part')} as written, "
            f"{_plural(len(view.parts), 'part')} sent ({saved:,} saved)"
        )
        for ch, new, count in view.replacements:
            times = f" (×{count:,})" if count >= 0 else ""
            lines.append(f"  {_describe(ch)} -> {new!r}{times}")
    if view.comparison is not None:
        label, encoding, segments, units = view.comparison
        named = "septets" if encoding == "gsm7" else "UTF-16 units"
        lines.append(f"{label}: {_NAMES[encoding]}, {_plural(segments, 'part')}, {units:,} {named}")
    if view.no_lookalike:
        lines.append(
            "no look-alike in the smart map for: " + ", ".join(_describe(c) for c in view.no_lookalike)
        )
    total = len(view.parts)
    for part in view.parts:
        lines.append("")
        head = part.header.hex(" ").upper() if part.header else "none"
        lines.append(
            style(_BOLD, f"part {part.number} of {total}")
            + f" · {part.units:,} of {part.capacity:,} {unit} · header {head}"
        )
        for element in part.elements:
            lines.append(f"  {element.octets.hex(' ').upper():<18} {element.label}: {element.detail}")
        if part.error:
            lines.append(f"  header: {part.error}")
        lines.extend(_rows(part.cells, color, max(20, width - 2)))
    return "\n".join(lines) + "\n"


def _rows(cells: Sequence[Cell], color: bool, width: int) -> list[str]:
    out: list[str] = []
    glyphs: list[str] = []
    costs: list[str] = []
    marks: list[str] = []
    used = 0
    flagged = False

    def flush() -> None:
        out.append("  " + " ".join(glyphs).rstrip())
        row = " ".join(costs).rstrip()
        out.append(f"  {_DIM}{row}{_RESET}" if color else f"  {row}")
        if flagged and not color:
            out.append("  " + " ".join(marks).rstrip())

    for cell in cells:
        glyph = _terminal_glyph(cell)
        cost = str(cell.cost)
        cols = max(_columns(glyph), len(cost))
        if used and used + cols > width:
            flush()
            glyphs, costs, marks, used, flagged = [], [], [], 0, False
        pad = " " * (cols - _columns(glyph))
        mark = next((letter for bit, letter in _MARKS if cell.flags & bit), "")
        code = next((c for bit, c in _COLOURS.items() if cell.flags & bit), "")
        glyphs.append(f"{code}{glyph}{_RESET}{pad}" if color and code else glyph + pad)
        costs.append(f"{cost:<{cols}}")
        marks.append(f"{mark:<{cols}}")
        flagged = flagged or bool(mark)
        used += cols + 1
    if glyphs:
        flush()
    return out
