"""GSM 03.38 (TS 23.038 §6.2.1): membership, septet counts, encoding and decoding.

Kernel-level tests run on both twins through the ``kernel`` fixture; the public API
follows whichever backend is live (CI runs the suite both ways).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

import smscodec
from conftest import load_vector
from smscodec import (
    ArgumentError,
    DecodeError,
    EncodingError,
    decode_gsm7,
    encode_gsm7,
    gsm7_septets,
    is_gsm7,
    non_gsm7_chars,
)

Kernel = Callable[[str], ModuleType]

_REFERENCE = load_vector("national_language_tables.json")["default"]
#: TS 23.038 §6.2.1 (locking = default alphabet) and §6.2.1.1 (single = extension table).
DEFAULT = {chr(c): i for i, c in enumerate(_REFERENCE["locking"]) if c is not None}
EXTENSION = {chr(c): i for i, c in enumerate(_REFERENCE["single"]) if c is not None}
#: The reference cost of every GSM-7 character (a default-table cell wins over an extension one).
COST = dict.fromkeys(EXTENSION, 2) | dict.fromkeys(DEFAULT, 1)

GSM_ALPHABET = "".join(sorted(COST))
STRICT, REPLACE, IGNORE = 0, 1, 2


def _septets(text: str) -> bytes:
    """The reference encoding, straight from the JSON tables."""
    out = bytearray()
    for ch in text:
        out += bytes([DEFAULT[ch]]) if ch in DEFAULT else bytes([0x1B, EXTENSION[ch]])
    return bytes(out)


# --- every code point against the reference ---------------------------------------------


def test_reference_table_shape() -> None:
    assert len(DEFAULT) == 127  # 128 cells less the escape (0x1B)
    assert len(EXTENSION) == 10
    assert "\x1b" not in COST
    assert DEFAULT["Ç"] == 0x09


def test_every_code_point_is_gsm7(kernel: Kernel) -> None:
    k = kernel("gsm7")
    chars = [chr(cp) for cp in range(0x110000)]
    got = {ch for ch, ok in zip(chars, map(k.is_gsm7, chars), strict=True) if ok}
    assert got == set(COST)


def test_every_code_point_septets(kernel: Kernel) -> None:
    k = kernel("gsm7")
    wrong = []
    for cp in range(0x110000):
        ch = chr(cp)
        got: int | tuple[str, int]
        try:
            got = k.gsm7_septets(ch)
        except EncodingError as exc:
            got = (exc.char, exc.position)
        if got != COST.get(ch, (ch, 0)):
            wrong.append(f"U+{cp:04X}: {got!r}")
    assert wrong == []


@pytest.mark.parametrize("width", [1, 2, 4])
def test_every_code_point_in_long_strings(kernel: Kernel, width: int) -> None:
    # Chunks of 4096 consecutive code points: the kernels' block and word paths see every
    # character in every position, at each PEP 393 width ("Ā" widens to 2, "😀" to 4).
    k = kernel("gsm7")
    widen = {1: "", 2: "Ā", 4: "😀"}[width]
    for start in range(0, 0x110000, 4096):
        chunk = "".join(map(chr, range(start, min(start + 4096, 0x110000)))) + widen
        members = "".join(ch for ch in chunk if ch in COST)
        outsiders = list(dict.fromkeys(ch for ch in chunk if ch not in COST))
        assert k.non_gsm7_chars(chunk) == outsiders
        assert k.is_gsm7(chunk) is not outsiders
        assert k.gsm7_septets(members) == sum(COST[ch] for ch in members)
        with pytest.raises(EncodingError) as info:
            k.gsm7_septets(chunk)
        assert info.value.position == chunk.index(outsiders[0])


# --- counting and membership on real text ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "septets"),
    [
        ("", 0),
        ("hello", 5),
        ("@£$¥èéùìòÇ\nØø\rÅå", 16),
        ("ΔΦΓΛΩΠΨΣΘΞ", 10),  # Greek capitals: GSM-7, but a 2-byte str
        ("{}[]~^|\\€\f", 20),  # the whole extension table costs 2 each
        ("Price: 5€", 10),
        ("ÆæßÉ¤¡§¿ÄÖÑÜäöñüà", 17),
    ],
)
def test_septets(text: str, septets: int) -> None:
    assert gsm7_septets(text) == septets
    assert is_gsm7(text)
    assert len(encode_gsm7(text)) == septets


@pytest.mark.parametrize(
    ("text", "char", "position"),
    [
        ("ç", "ç", 0),  # lower-case c cedilla: only the capital is in the table (0x09)
        ("hello`", "`", 5),
        ("abc\x1b", "\x1b", 3),  # ESC itself is not GSM-7: 0x1B is the escape code
        ("ΔΔá", "á", 2),
        ("ok 😀", "😀", 3),
        ("\t", "\t", 0),
        ("x\ud800", "\ud800", 1),
    ],
)
def test_septets_error(text: str, char: str, position: int) -> None:
    assert not is_gsm7(text)
    with pytest.raises(EncodingError) as info:
        gsm7_septets(text)
    assert (info.value.char, info.value.position) == (char, position)
    assert f"at position {position}" in str(info.value)
    assert f"U+{ord(char):04X}" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_non_gsm7_chars_distinct_in_order() -> None:
    assert non_gsm7_chars("") == []
    assert non_gsm7_chars("plain GSM €") == []
    assert non_gsm7_chars("a😀bçc😀dç`\x1b") == ["😀", "ç", "`", "\x1b"]
    assert non_gsm7_chars("ÀàÁ") == ["À", "Á"]


# --- encoding -----------------------------------------------------------------------------


def test_encode_known_septets() -> None:
    assert encode_gsm7("@") == b"\x00"
    assert encode_gsm7("$_") == b"\x02\x11"
    assert encode_gsm7("Ç") == b"\x09"
    assert encode_gsm7("€") == b"\x1b\x65"
    assert encode_gsm7("\f") == b"\x1b\x0a"
    assert encode_gsm7("ΔΩ") == b"\x10\x15"
    assert encode_gsm7("a{b}") == b"a\x1b\x28b\x1b\x29"


@pytest.mark.parametrize(("errors", "expected"), [("replace", b"a?b??c\x1be?"), ("ignore", b"abc\x1be")])
def test_encode_errors_modes(errors: str, expected: bytes) -> None:
    assert encode_gsm7("a😀bçÀc€`", errors) == expected


@pytest.mark.parametrize("mode", [STRICT, REPLACE, IGNORE])
def test_encode_modes_on_kernel(kernel: Kernel, mode: int) -> None:
    k = kernel("gsm7")
    text = "a😀bçÀc€`"
    expected = {
        STRICT: None,
        REPLACE: b"a?b??c\x1be?",
        IGNORE: b"abc\x1be",
    }[mode]
    if expected is None:
        with pytest.raises(EncodingError) as info:
            k.encode_gsm7(text, mode)
        assert (info.value.char, info.value.position) == ("😀", 1)
    else:
        assert k.encode_gsm7(text, mode) == expected


@pytest.mark.parametrize("mode", [REPLACE, IGNORE])
@pytest.mark.parametrize("text", ["😀", "😀😀😀", "€😀", "a€😀", "€" * 9 + "ç" * 9, "ç" * 33 + "€"])
def test_encode_lenient_edges(kernel: Kernel, mode: int, text: str) -> None:
    # Unencodable characters at the very end: the compiled encoder's two-byte stores
    # must stay inside the result.
    k = kernel("gsm7")
    expected = b"".join(_septets(ch) if ch in COST else (b"?" if mode == REPLACE else b"") for ch in text)
    assert k.encode_gsm7(text, mode) == expected


# --- round trips at every string width ---------------------------------------------------

SPECIALS = ["Δ", "€", "Ç", "ß", "{", "@", "\n", "\f", "Ω", "^"]
WIDTHS = {1: "hello world", 2: "hello ΔΦ world", 4: "hello world"}


@pytest.mark.parametrize("special", SPECIALS)
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_round_trip_special_positions(kernel: Kernel, special: str, where: str) -> None:
    k = kernel("gsm7")
    body = "The quick brown fox jumps over the lazy dog 0123456789 " * 3
    text = {"start": special + body, "middle": body + special + body, "end": body + special}[where]
    septets = k.encode_gsm7(text, STRICT)
    assert septets == _septets(text)
    assert k.gsm7_septets(text) == len(septets)
    assert k.decode_gsm7(septets, STRICT) == text


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_round_trip_each_width(kernel: Kernel, where: str) -> None:
    # 1-byte (Latin-1: ß, Ç), 2-byte (Δ, €) and 4-byte (an emoji that replace turns into "?").
    k = kernel("gsm7")
    for special in ("ßÇ", "Δ€", "😀"):
        body = "Message body with accents èéù and brackets [x] " * 2
        text = {"start": special + body, "middle": body + special + body, "end": body + special}[where]
        if special == "😀":
            assert not k.is_gsm7(text)
            encoded = k.encode_gsm7(text, REPLACE)
            assert k.decode_gsm7(encoded, STRICT) == text.replace("😀", "?")
        else:
            assert k.decode_gsm7(k.encode_gsm7(text, STRICT), STRICT) == text


@given(st.text(alphabet=GSM_ALPHABET, max_size=300))
def test_round_trip_property(text: str) -> None:
    septets = encode_gsm7(text)
    assert septets == _septets(text)
    assert decode_gsm7(septets) == text
    assert gsm7_septets(text) == len(septets)


@given(st.text(max_size=200))
def test_is_gsm7_agrees_with_reference(text: str) -> None:
    assert is_gsm7(text) == all(ch in COST for ch in text)
    assert non_gsm7_chars(text) == list(dict.fromkeys(ch for ch in text if ch not in COST))


# --- decoding edge cases in every errors mode --------------------------------------------

DECODE_CASES = [
    # data, strict (text or fault position), replace, ignore
    (b"", "", "", ""),
    (b"\x00\x09\x10\x1b\x65", "@ÇΔ€", "@ÇΔ€", "@ÇΔ€"),
    (b"a\x80b", 1, "a\ufffdb", "ab"),
    (b"\xff", 0, "\ufffd", ""),
    (b"ab\x1b", 2, "ab\ufffd", "ab"),  # trailing lone escape
    (b"\x1b", 0, "\ufffd", ""),
    (b"\x1b\x80", 0, "\ufffd\ufffd", ""),  # escape with no septet after it, then a bad byte
    (b"a\x1b\xffb", 1, "a\ufffd\ufffdb", "ab"),
    (b"\x1b\x41", "A", "A", "A"),  # undefined extension code: the default-table character
    (b"\x1b\x09", "Ç", "Ç", "Ç"),
    (b"\x1b\x0d", "\r", "\r", "\r"),  # 0x0D (CR2) is reserved: shown as the default CR
    (b"\x1b\x1b", " ", " ", " "),  # reserved escape to another table: a space (§6.2.1.1)
    (b"\x1b\x1b\x41", " A", " A", " A"),
    (b"\x1b\x1b\x1b", 2, " \ufffd", " "),
    (b"\x1b\x0a\x1b\x14\x1b\x40", "\f^|", "\f^|", "\f^|"),
    (b"\x1b\x65\x80\x1b", 2, "€\ufffd\ufffd", "€"),
]


@pytest.mark.parametrize(("data", "strict", "replace", "ignore"), DECODE_CASES)
def test_decode_edge_cases(kernel: Kernel, data: bytes, strict: str | int, replace: str, ignore: str) -> None:
    k = kernel("gsm7")
    assert k.decode_gsm7(data, REPLACE) == replace
    assert k.decode_gsm7(data, IGNORE) == ignore
    if isinstance(strict, str):
        assert k.decode_gsm7(data, STRICT) == strict
    else:
        with pytest.raises(DecodeError) as info:
            k.decode_gsm7(data, STRICT)
        assert info.value.position == strict
        assert f"at position {strict}" in str(info.value)


def test_decode_messages_say_what_was_wrong() -> None:
    with pytest.raises(DecodeError, match=r"byte 0x80 at position 1 is not a GSM 7-bit septet"):
        decode_gsm7(b"a\x80")
    with pytest.raises(DecodeError, match=r"escape 0x1B at position 1 ends the data"):
        decode_gsm7(b"a\x1b")
    with pytest.raises(DecodeError, match=r"escape 0x1B at position 0 is followed by byte 0xC3"):
        decode_gsm7(b"\x1b\xc3")


def test_decode_every_single_septet(kernel: Kernel) -> None:
    k = kernel("gsm7")
    for code in range(128):
        if code == 0x1B:
            continue
        assert k.decode_gsm7(bytes([code]), STRICT) == chr(_REFERENCE["locking"][code])
        escaped = _REFERENCE["single"][code] or _REFERENCE["locking"][code]
        assert k.decode_gsm7(bytes([0x1B, code]), STRICT) == chr(escaped)


def test_decode_string_widths_are_canonical() -> None:
    # The compiled decoder sizes its str by the widest character: equality and hashing
    # with ordinary strings must hold at every width.
    for data, text in [(b"abc", "abc"), (b"\x00bc", "@bc"), (b"\x10bc", "Δbc"), (b"a\x80", "a\ufffd")]:
        decoded = decode_gsm7(data, "replace")
        assert decoded == text
        assert hash(decoded) == hash(text)
        assert decoded.isascii() == text.isascii()


@given(st.binary(max_size=300))
def test_decode_replace_and_ignore_never_fail(data: bytes) -> None:
    replaced = decode_gsm7(data, "replace")
    ignored = decode_gsm7(data, "ignore")
    assert ignored == replaced.replace("\ufffd", "")
    if "\ufffd" in replaced:
        with pytest.raises(DecodeError) as info:
            decode_gsm7(data)
        assert data[info.value.position] >= 0x80 or data[info.value.position] == 0x1B
    else:
        assert decode_gsm7(data) == replaced


# --- argument checking --------------------------------------------------------------------


@pytest.mark.parametrize("func", [is_gsm7, gsm7_septets, non_gsm7_chars, encode_gsm7])
@pytest.mark.parametrize("bad", [b"abc", None, 5, ["a"], bytearray(b"a")])
def test_text_functions_reject_non_str(func: Callable[[object], object], bad: object) -> None:
    with pytest.raises(TypeError, match="text must be str"):
        func(bad)


@pytest.mark.parametrize("bad", ["abc", None, 5, [1]])
def test_decode_rejects_non_bytes(bad: object) -> None:
    with pytest.raises(TypeError, match="data must be bytes"):
        decode_gsm7(bad)  # type: ignore[arg-type]


def test_decode_accepts_bytes_like() -> None:
    assert decode_gsm7(bytearray(b"\x10\x1b\x65")) == "Δ€"
    assert decode_gsm7(memoryview(b"xyz")[1:]) == "yz"


def test_str_subclass_is_read_as_str() -> None:
    class Text(str):
        def __str__(self) -> str:
            return "not this"

    assert encode_gsm7(Text("€")) == b"\x1b\x65"
    assert gsm7_septets(Text("ab")) == 2


@pytest.mark.parametrize("errors", ["xmlcharrefreplace", "STRICT", "", "surrogateescape"])
def test_unknown_errors_value(errors: str) -> None:
    with pytest.raises(ArgumentError) as info:
        encode_gsm7("a", errors)
    assert info.value.argument == "errors"
    with pytest.raises(ArgumentError):
        decode_gsm7(b"a", errors)


def test_errors_must_be_str() -> None:
    with pytest.raises(TypeError, match="errors must be str"):
        encode_gsm7("a", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="errors must be str"):
        decode_gsm7(b"a", 1)  # type: ignore[arg-type]


# --- huge inputs --------------------------------------------------------------------------


@pytest.mark.slow
def test_huge_inputs() -> None:
    unit = "Grüße aus Köln {ok} 5€ ΔΩ. "
    text = unit * (4_000_000 // len(unit))  # about 4 MB of 2-byte str
    septets = encode_gsm7(text)
    assert len(septets) == gsm7_septets(text) == len(text) + 3 * (len(text) // len(unit))
    assert decode_gsm7(septets) == text
    bad = text + "😀"
    assert not is_gsm7(bad)
    assert non_gsm7_chars(bad) == ["😀"]
    with pytest.raises(EncodingError) as info:
        gsm7_septets(bad)
    assert info.value.position == len(text)
    assert len(encode_gsm7(bad, "replace")) == len(septets) + 1
    garbage = bytes(range(256)) * 20_000  # 5 MB, half of it faults
    assert len(decode_gsm7(garbage, "ignore")) < len(decode_gsm7(garbage, "replace"))


def test_backend_is_reported() -> None:
    assert smscodec.BACKEND in ("c", "python")
