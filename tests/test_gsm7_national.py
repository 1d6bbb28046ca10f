"""National language tables in the GSM-7 codec (TS 23.038 §6.2.1.2.4, Annex A).

``locking_shift`` replaces the default alphabet, ``single_shift`` the extension table.
Expected values come straight from tests/vectors/national_language_tables.json; kernel
tests run on both twins through the ``kernel`` fixture.
"""

from __future__ import annotations

import codecs
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
    _gsm7_py,
    decode_gsm7,
    encode_gsm7,
    gsm7_septets,
    is_gsm7,
    non_gsm7_chars,
)
from smscodec.errors import SmsCodecError

Kernel = Callable[[str], ModuleType]
STRICT, REPLACE, IGNORE = 0, 1, 2

_VECTORS = load_vector("national_language_tables.json")
#: name -> (identifier, locking cells or None, single shift cells); cells are code points or None.
TABLES: dict[str, tuple[int, list[int | None] | None, list[int | None]]] = {
    name: (entry["nli"], entry["locking"], entry["single"])
    for name, entry in _VECTORS.items()
    if isinstance(entry, dict) and "nli" in entry
}
BY_ID = {nli: (name, lock, single) for name, (nli, lock, single) in TABLES.items()}
LOCKING_IDS = sorted(nli for nli, (_n, lock, _s) in BY_ID.items() if lock is not None)
ALL_IDS = sorted(BY_ID)


def _reference_septets(text: str, locking: int, single: int) -> bytes | None:
    """The encoding the reference tables give: locking cell first, else the lowest single shift cell."""
    lock = BY_ID[locking][1]
    shift = BY_ID[single][2]
    assert lock is not None
    out = bytearray()
    for ch in text:
        if ord(ch) in lock:
            out.append(lock.index(ord(ch)))
        elif ord(ch) in shift:
            out += bytes((0x1B, shift.index(ord(ch))))
        else:
            return None
    return bytes(out)


def _chars(nli: int, which: int) -> str:
    cells = BY_ID[nli][which]
    return "".join(chr(cp) for cp in cells or () if cp is not None)


def test_reference_covers_every_language() -> None:
    assert list(range(14)) == ALL_IDS
    assert BY_ID[2][1] is None  # Spanish: single shift only (A.2.2)
    assert [0, 1, *range(3, 14)] == LOCKING_IDS


# --- every cell of every table --------------------------------------------------------------


@pytest.mark.parametrize("nli", LOCKING_IDS)
def test_every_locking_cell_round_trips(kernel: Kernel, nli: int) -> None:
    k = kernel("gsm7")
    name, lock, _single = BY_ID[nli]
    assert lock is not None
    for code, cp in enumerate(lock):
        if cp is None:
            continue
        ch = chr(cp)
        for locking_shift in (nli, name):
            assert k.encode_gsm7(ch, STRICT, locking_shift=locking_shift) == bytes([code]), (name, hex(code))
            assert k.decode_gsm7(bytes([code]), STRICT, locking_shift=locking_shift) == ch
        assert k.gsm7_septets(ch, locking_shift=nli) == 1
    # The whole table at once, decoded in one call (the compiled decoder's word paths).
    codes = bytes(code for code, cp in enumerate(lock) if cp is not None)
    text = "".join(chr(cp) for cp in lock if cp is not None)
    assert k.decode_gsm7(codes, STRICT, locking_shift=nli) == text
    assert k.encode_gsm7(text, STRICT, locking_shift=nli) == codes


@pytest.mark.parametrize("nli", ALL_IDS)
def test_every_single_shift_cell_round_trips(kernel: Kernel, nli: int) -> None:
    k = kernel("gsm7")
    name, _lock, shift = BY_ID[nli]
    for code, cp in enumerate(shift):
        if cp is None:
            continue
        ch = chr(cp)
        # Decoding is exact: the escape and this code give this character.
        assert k.decode_gsm7(bytes([0x1B, code]), STRICT, single_shift=name) == ch
        # Encoding sends the default alphabet's own septet for a character it holds, else
        # the escape and the lowest code of the character in this table.
        expected = _reference_septets(ch, 0, nli)
        assert expected is not None
        assert k.encode_gsm7(ch, STRICT, single_shift=nli) == expected, (name, hex(code))
        assert expected == bytes([0x1B, shift.index(cp)]) or len(expected) == 1
        assert k.decode_gsm7(expected, STRICT, single_shift=nli) == ch


@pytest.mark.parametrize("nli", LOCKING_IDS)
def test_matching_pair_carries_both_tables(kernel: Kernel, nli: int) -> None:
    k = kernel("gsm7")
    single = 13 if nli == 0 else nli  # default locking with a national single shift table too
    text = _chars(nli, 1) + _chars(single, 2)
    expected = _reference_septets(text, nli, single)
    assert expected is not None
    assert k.encode_gsm7(text, STRICT, locking_shift=nli, single_shift=single) == expected
    assert k.gsm7_septets(text, locking_shift=nli, single_shift=single) == len(expected)
    assert k.decode_gsm7(expected, STRICT, locking_shift=nli, single_shift=single) == text
    assert k.is_gsm7(text, locking_shift=nli, single_shift=single)


def test_duplicate_single_shift_cells_send_the_lowest_code(kernel: Kernel) -> None:
    # Indic tables hold U+00A1 at 0x13 and 0x15, "*" at 0x0B and 0x18 (the vectors' notes).
    k = kernel("gsm7")
    hindi = BY_ID[6][2]
    assert [code for code, cp in enumerate(hindi) if cp == 0xA1] == [0x13, 0x15]
    # The Hindi locking table has no "¡": only the single shift table (twice).
    assert k.encode_gsm7("¡", STRICT, locking_shift=6, single_shift=6) == b"\x1b\x13"
    assert k.decode_gsm7(b"\x1b\x13\x1b\x15", STRICT, locking_shift=6, single_shift=6) == "¡¡"


@pytest.mark.parametrize("locking", LOCKING_IDS)
@pytest.mark.parametrize("single", ALL_IDS)
def test_space_is_0x20_in_every_pair(kernel: Kernel, locking: int, single: int) -> None:
    k = kernel("gsm7")
    assert k.encode_gsm7(" ", STRICT, locking_shift=locking, single_shift=single) == b"\x20"
    assert k.decode_gsm7(b"\x20", STRICT, locking_shift=locking, single_shift=single) == " "
    # 1B 1B (reserved, §6.2.1.1) shows a space in every pair too.
    assert k.decode_gsm7(b"\x1b\x1b", STRICT, locking_shift=locking, single_shift=single) == " "


def test_hindi_locking_signs(kernel: Kernel) -> None:
    # Android and the spec (not warthog618/sms's Bengali code points): U+0901-U+0903.
    k = kernel("gsm7")
    assert k.decode_gsm7(b"\x00\x01\x02", STRICT, locking_shift="hindi") == "\u0901\u0902\u0903"
    assert k.encode_gsm7("\u0901\u0902\u0903", STRICT, locking_shift=6) == b"\x00\x01\x02"


# --- real text ----------------------------------------------------------------------------

TURKISH = "Şule ğüzel ıslık çaldı"


def test_turkish_single_shift_uses_escape_pairs() -> None:
    assert not is_gsm7(TURKISH)
    assert non_gsm7_chars(TURKISH) == ["Ş", "ğ", "ı", "ç"]
    septets = encode_gsm7(TURKISH, single_shift="turkish")
    # Ş 0x53, ğ 0x67, ı 0x69, ç 0x63 in the Turkish single shift table (A.3.1).
    assert septets == b"\x1bSule \x1bg\x7ezel \x1bisl\x1bik \x1bcald\x1bi"
    assert gsm7_septets(TURKISH, single_shift=1) == len(septets) == len(TURKISH) + 6
    assert decode_gsm7(septets, single_shift="Turkish") == TURKISH


def test_turkish_locking_uses_single_septets() -> None:
    septets = encode_gsm7(TURKISH, locking_shift="turkish")
    # Ş 0x1C, ğ 0x0C, ı 0x07, ç 0x60 in the Turkish locking table (A.3.1).
    assert septets == b"\x1cule \x0c\x7ezel \x07sl\x07k \x60ald\x07"
    assert gsm7_septets(TURKISH, locking_shift="turkish") == len(TURKISH)
    assert decode_gsm7(septets, locking_shift=1) == TURKISH
    # A character both tables hold goes as its one-septet locking code.
    assert encode_gsm7("ş", locking_shift=1, single_shift=1) == b"\x1d"


def test_hindi_text_fits_hindi_tables() -> None:
    text = "नमस्ते, आपका कोड 4821 है।"
    assert not is_gsm7(text)
    assert is_gsm7(text, locking_shift="hindi", single_shift="hindi")
    assert non_gsm7_chars(text, locking_shift="hindi", single_shift="hindi") == []
    septets = encode_gsm7(text, locking_shift="hindi", single_shift="hindi")
    assert septets == _reference_septets(text, 6, 6)
    assert decode_gsm7(septets, locking_shift="hindi", single_shift="hindi") == text


def test_non_gsm7_chars_follows_the_tables() -> None:
    assert non_gsm7_chars("ş€😀ş", single_shift="turkish") == ["😀"]
    # The Turkish locking table has no "è" (its cell 0x04 is "€"): the default extension table
    # does not have it either.
    assert non_gsm7_chars("èş", locking_shift="turkish") == ["è"]


def test_gsm_7_codec_keeps_the_default_tables() -> None:
    with pytest.raises(UnicodeEncodeError):
        "ş".encode("gsm-7")
    assert b"\x1b\x73".decode("gsm-7") == "s"  # not "ş": no single shift table there
    assert codecs.lookup("gsm-7").name == "gsm-7"


# --- decoding faults with national tables -----------------------------------------------------


def test_unassigned_locking_septet_is_a_fault(kernel: Kernel) -> None:
    k = kernel("gsm7")
    # Bengali locking 0x0C is unassigned (A.3.4).
    bengali = BY_ID[4][1]
    assert bengali is not None
    assert bengali[0x0C] is None
    data = b"a\x0cb"
    first, last = chr(bengali[0x61] or 0), chr(bengali[0x62] or 0)
    assert k.decode_gsm7(data, REPLACE, locking_shift="bengali") == first + "\ufffd" + last
    assert k.decode_gsm7(data, IGNORE, locking_shift="bengali") == first + last
    with pytest.raises(DecodeError) as info:
        k.decode_gsm7(data, STRICT, locking_shift="bengali")
    assert info.value.position == 1
    assert "septet 0x0C at position 1 is not assigned in the Bengali locking shift table" in str(info.value)


def test_escape_and_code_neither_table_assigns_is_one_fault(kernel: Kernel) -> None:
    k = kernel("gsm7")
    # Bengali: 0x5B is unassigned in both the locking and the single shift table.
    data = b"\x1b\x5b\x20"
    assert k.decode_gsm7(data, REPLACE, locking_shift=4, single_shift=4) == "\ufffd "
    assert k.decode_gsm7(data, IGNORE, locking_shift=4, single_shift=4) == " "
    with pytest.raises(DecodeError) as info:
        k.decode_gsm7(data, STRICT, locking_shift=4, single_shift=4)
    assert info.value.position == 0
    assert "neither the Bengali single shift table nor the Bengali locking shift table" in str(info.value)


def test_undefined_single_shift_code_shows_the_locking_character(kernel: Kernel) -> None:
    # §6.2.1.1 note 1, generalised: 1B + a code the single shift table leaves undefined.
    k = kernel("gsm7")
    hindi_lock = BY_ID[6][1]
    assert hindi_lock is not None
    assert BY_ID[1][2][0x00] is None
    assert k.decode_gsm7(b"\x1b\x00", STRICT, locking_shift=6, single_shift=1) == chr(hindi_lock[0])


def test_encoding_error_names_the_tables() -> None:
    with pytest.raises(EncodingError) as info:
        gsm7_septets("abç😀", locking_shift="hindi")
    assert (info.value.char, info.value.position) == ("ç", 2)
    assert "not in the Hindi locking shift table or the default extension table" in str(info.value)
    with pytest.raises(EncodingError, match="the Turkish single shift table"):
        encode_gsm7("😀", single_shift="turkish")


# --- choosing tables: names, identifiers, errors --------------------------------------------


@pytest.mark.parametrize("value", ["turkish", "TURKISH", " Turkish ", 1])
def test_names_and_identifiers_are_equal(value: str | int) -> None:
    assert encode_gsm7("ş", single_shift=value) == b"\x1b\x73"
    assert gsm7_septets("ş", single_shift=value) == 2


@pytest.mark.parametrize("value", [0, "default", "Default"])
def test_default_by_name_or_identifier(value: str | int) -> None:
    assert encode_gsm7("€{", locking_shift=value, single_shift=value) == b"\x1b\x65\x1b\x28"
    assert is_gsm7("ş", locking_shift=value) is False


@pytest.mark.parametrize("func", [is_gsm7, gsm7_septets, non_gsm7_chars, encode_gsm7])
@pytest.mark.parametrize("argument", ["locking_shift", "single_shift"])
@pytest.mark.parametrize(
    ("value", "match"), [("klingon", "unknown national language 'klingon'"), (14, "14"), (-1, "-1")]
)
def test_unknown_table_is_argument_error(
    func: Callable[..., object], argument: str, value: object, match: str
) -> None:
    with pytest.raises(ArgumentError, match=match) as info:
        func("a", **{argument: value})
    assert info.value.argument == argument
    assert str(info.value).startswith(f"{argument}: ")


def test_unknown_table_in_decode() -> None:
    with pytest.raises(ArgumentError) as info:
        decode_gsm7(b"a", single_shift="elvish")
    assert info.value.argument == "single_shift"


@pytest.mark.parametrize("func", [is_gsm7, gsm7_septets, non_gsm7_chars, encode_gsm7])
def test_spanish_has_no_locking_table(func: Callable[..., object]) -> None:
    with pytest.raises(ArgumentError, match=r"Spanish \(2\) has no locking shift table") as info:
        func("a", locking_shift="spanish")
    assert info.value.argument == "locking_shift"
    with pytest.raises(ArgumentError, match="Spanish"):
        func("a", locking_shift=2)
    # As a single shift table it is fine: ç is 1B 09 there (A.2.2).
    assert is_gsm7("ç", single_shift="spanish")


@pytest.mark.parametrize("bad", [True, 1.0, None, b"turkish", ["turkish"]])
def test_table_of_wrong_type_is_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match=f"locking_shift must be str or int, not {type(bad).__name__}"):
        is_gsm7("a", locking_shift=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="single_shift must be str or int"):
        encode_gsm7("a", single_shift=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="single_shift must be str or int"):
        decode_gsm7(b"a", single_shift=bad)  # type: ignore[arg-type]


def test_tables_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        is_gsm7("a", 1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        encode_gsm7("a", "strict", 1)  # type: ignore[misc]


def test_public_counting_functions_are_the_kernels() -> None:
    live = smscodec.gsm7._kernel
    assert smscodec.is_gsm7 is live.is_gsm7
    assert smscodec.gsm7_septets is live.gsm7_septets
    assert smscodec.non_gsm7_chars is live.non_gsm7_chars
    for func in (is_gsm7, gsm7_septets, non_gsm7_chars):
        assert func.__doc__
        assert "locking_shift" in func.__doc__
        assert "Raises" in func.__doc__


# --- parity: random tables and text -------------------------------------------------------

_EVERY_TABLE_CHAR = sorted(
    {chr(cp) for _n, lock, single in BY_ID.values() for cp in (*(lock or ()), *single) if cp}
)
_OUTSIDERS = "😀\x1b\t`\u4e2d\ud800\u2100\u22ff\u2300"
table_ids = st.sampled_from(ALL_IDS) | st.sampled_from(sorted(TABLES))
texts = st.text(alphabet=st.sampled_from(_EVERY_TABLE_CHAR + list(_OUTSIDERS)), max_size=200)


def _outcome(func: Callable[..., object], *args: object, **kwargs: object) -> object:
    try:
        return ("ok", func(*args, **kwargs))
    except SmsCodecError as exc:
        attrs = {name: getattr(exc, name) for name in exc._attrs}
        return (type(exc).__name__, str(exc), attrs)


@given(text=texts, locking=table_ids, single=table_ids)
def test_parity_random_tables(kernel: Kernel, text: str, locking: int | str, single: int | str) -> None:
    live = kernel("gsm7")
    options = {"locking_shift": locking, "single_shift": single}
    for name in ("is_gsm7", "gsm7_septets", "non_gsm7_chars"):
        assert _outcome(getattr(live, name), text, **options) == _outcome(
            getattr(_gsm7_py, name), text, **options
        )
    for mode in (STRICT, REPLACE, IGNORE):
        got = _outcome(live.encode_gsm7, text, mode, **options)
        assert got == _outcome(_gsm7_py.encode_gsm7, text, mode, **options)
        if mode == REPLACE and got[0] == "ok":
            data = got[1]
            assert isinstance(data, bytes)
            for decode_mode in (STRICT, REPLACE, IGNORE):
                assert _outcome(live.decode_gsm7, data, decode_mode, **options) == _outcome(
                    _gsm7_py.decode_gsm7, data, decode_mode, **options
                )


@given(data=st.binary(max_size=200), locking=st.sampled_from(LOCKING_IDS), single=st.sampled_from(ALL_IDS))
def test_parity_decode_random_bytes(kernel: Kernel, data: bytes, locking: int, single: int) -> None:
    live = kernel("gsm7")
    for mode in (STRICT, REPLACE, IGNORE):
        assert _outcome(live.decode_gsm7, data, mode, locking_shift=locking, single_shift=single) == _outcome(
            _gsm7_py.decode_gsm7, data, mode, locking_shift=locking, single_shift=single
        )


@given(data=st.data(), locking=st.sampled_from(LOCKING_IDS), single=st.sampled_from(ALL_IDS))
def test_round_trip_random_pair(kernel: Kernel, data: st.DataObject, locking: int, single: int) -> None:
    live = kernel("gsm7")
    alphabet = _chars(locking, 1) + _chars(single, 2)
    text = data.draw(st.text(alphabet=alphabet, max_size=200))
    septets = live.encode_gsm7(text, STRICT, locking_shift=locking, single_shift=single)
    assert septets == _reference_septets(text, locking, single)
    assert live.decode_gsm7(septets, STRICT, locking_shift=locking, single_shift=single) == text
    assert live.gsm7_septets(text, locking_shift=locking, single_shift=single) == len(septets)
