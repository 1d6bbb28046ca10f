"""The public API contract (the names and behaviour smscodec promises), statement by statement.

Every test here checks one sentence of the contract with exact expected values, through
the public names only, so the whole file runs under whichever backend is live (CI runs it
compiled and with ``SMSCODEC_NO_EXTENSIONS=1``).  Sections follow the contract's, from
errors to the command line, then its rule for wrong arguments.
"""

from __future__ import annotations

import dataclasses
import decimal
import hashlib
import hmac
import inspect
import json
import os
import pathlib
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import smscodec
from conftest import load_vector
from smscodec import batch, errors, signing, udh, vonage
from smscodec.cli import main as cli_main

SRC = pathlib.Path(smscodec.__file__).resolve().parent.parent

# Text that mixes every PEP 393 width: ASCII, Greek (GSM-7, 2-byte kind), € (extension), emoji.
GSM_TEXTS = st.text(alphabet=st.sampled_from("aZ0 @Δ€[]{}^|~\\\nÇéÆ"), max_size=400)
ANY_TEXTS = st.text(alphabet=st.sampled_from("aZ0 @Δ€[]ÇéЖ😀ß’"), max_size=400)


def signature(func: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(func)


def params_of(func: Callable[..., Any]) -> dict[str, inspect.Parameter]:
    return dict(signature(func).parameters)


def assert_parameters(func: Callable[..., Any], expected: list[tuple[str, str, object]]) -> None:
    """``expected``: (name, kind, default) with kind "pos" (positional or keyword), "kw"
    (keyword-only) and default ``inspect.Parameter.empty`` for a required one."""
    kinds = {
        "pos": (inspect.Parameter.POSITIONAL_OR_KEYWORD,),
        "kw": (inspect.Parameter.KEYWORD_ONLY,),
    }
    got = params_of(func)
    for name, kind, default in expected:
        assert name in got, f"{func.__qualname__} has no parameter {name!r}"
        assert got[name].kind in kinds[kind], (func.__qualname__, name, got[name].kind)
        assert got[name].default == default, (func.__qualname__, name, got[name].default)


EMPTY = inspect.Parameter.empty


# ======================================================================================
# Errors (smscodec.errors, re-exported from smscodec)
# ======================================================================================

ERROR_CLASSES = {
    "EncodingError": ("char", "position"),
    "DecodeError": ("position",),
    "UdhError": ("offset",),
    "HexError": ("position",),
    "PayloadError": ("field",),
    "SignatureError": (),
    "WebhookError": ("field",),
}


def test_errors_importable_from_both_places() -> None:
    for name in ["SmsCodecError", *ERROR_CLASSES]:
        assert getattr(errors, name) is getattr(smscodec, name)


def test_error_hierarchy() -> None:
    assert issubclass(errors.SmsCodecError, Exception)
    for name in ERROR_CLASSES:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.SmsCodecError), name
        assert issubclass(cls, ValueError), name


def test_encoding_error_attributes() -> None:
    with pytest.raises(errors.EncodingError) as info:
        smscodec.encode_gsm7("abЖ")
    assert info.value.char == "Ж"
    assert info.value.position == 2


def test_decode_error_attributes() -> None:
    with pytest.raises(errors.DecodeError) as info:
        smscodec.decode_gsm7(b"ab\x80")
    assert info.value.position == 2


def test_udh_error_attributes() -> None:
    with pytest.raises(errors.UdhError) as info:
        udh.parse(b"\x05\x00\x03")
    assert info.value.offset == 0


def test_hex_error_attributes() -> None:
    with pytest.raises(errors.HexError) as info:
        smscodec.from_hex("00zz")
    assert info.value.position == 2


def test_payload_error_attributes() -> None:
    with pytest.raises(errors.PayloadError) as info:
        vonage.build_send_payload({"from": "AcmeInc", "to": "12", "text": "hi"})
    assert info.value.field == "to"


def test_signature_error_for_unknown_method() -> None:
    with pytest.raises(errors.SignatureError):
        signing.sign({"a": "1"}, "secret", "crc32")


def test_webhook_error_attributes() -> None:
    with pytest.raises(errors.WebhookError) as info:
        vonage.parse_delivery_receipt({"msisdn": "447700900001", "to": "Acme", "messageId": "1"})
    assert info.value.field == "status"


def test_bad_signature_is_not_an_error() -> None:
    params = {"a": "1", "timestamp": "1617187200", "sig": "0" * 32}
    assert signing.verify(params, "secret") is False


# ======================================================================================
# GSM 03.38 and UCS-2
# ======================================================================================


def test_gsm_names_and_signatures() -> None:
    assert_parameters(smscodec.encode_gsm7, [("text", "pos", EMPTY), ("errors", "pos", "strict")])
    assert_parameters(smscodec.decode_gsm7, [("data", "pos", EMPTY), ("errors", "pos", "strict")])
    assert_parameters(smscodec.pack_septets, [("septets", "pos", EMPTY), ("fill_bits", "pos", 0)])
    assert_parameters(
        smscodec.unpack_septets,
        [("data", "pos", EMPTY), ("count", "pos", None), ("fill_bits", "pos", 0)],
    )
    assert_parameters(smscodec.encode_ucs2, [("text", "pos", EMPTY)])
    assert_parameters(smscodec.decode_ucs2, [("data", "pos", EMPTY)])


@pytest.mark.parametrize("func", ["is_gsm7", "gsm7_septets", "non_gsm7_chars"])
def test_text_functions_take_text_by_name(func: str) -> None:
    # The contract writes `is_gsm7(text: str)`: `text=` works as a keyword too.
    fn = getattr(smscodec, func)
    assert fn(text="a€") == fn("a€")
    assert next(iter(params_of(fn))) == "text"


def test_septet_0x09_is_capital_c_cedilla() -> None:
    assert smscodec.encode_gsm7("\u00c7") == b"\x09"
    assert smscodec.decode_gsm7(b"\x09") == "\u00c7"
    assert smscodec.is_gsm7("\u00e7") is False  # small ç is not in the default alphabet


def test_is_gsm7() -> None:
    assert smscodec.is_gsm7("") is True
    assert smscodec.is_gsm7("Hello @Δ€[]{}~^|\\") is True
    assert smscodec.is_gsm7("Hello Ж") is False
    assert smscodec.is_gsm7("😀") is False


def test_gsm7_septets() -> None:
    assert smscodec.gsm7_septets("") == 0
    assert smscodec.gsm7_septets("abc") == 3
    assert smscodec.gsm7_septets("a€") == 3  # extension characters cost 2
    assert smscodec.gsm7_septets("{}[]~^|\\€") == 18
    with pytest.raises(errors.EncodingError) as info:
        smscodec.gsm7_septets("ab😀")
    assert (info.value.char, info.value.position) == ("😀", 2)


def test_non_gsm7_chars_distinct_in_order_of_first_appearance() -> None:
    assert smscodec.non_gsm7_chars("aЖb😀Жćé€ć") == ["Ж", "😀", "ć"]
    assert smscodec.non_gsm7_chars("plain €") == []


def test_encode_gsm7_unpacked_with_escape() -> None:
    assert smscodec.encode_gsm7("@a€") == b"\x00\x61\x1b\x65"
    assert smscodec.encode_gsm7("{}") == b"\x1b\x28\x1b\x29"


def test_encode_gsm7_errors() -> None:
    with pytest.raises(errors.EncodingError):
        smscodec.encode_gsm7("aЖb")
    assert smscodec.encode_gsm7("aЖb", "replace") == b"a?b"
    assert smscodec.encode_gsm7("aЖb", errors="ignore") == b"ab"
    with pytest.raises(errors.SmsCodecError) as info:
        smscodec.encode_gsm7("a", "surrogateescape")
    assert isinstance(info.value, ValueError)


def test_decode_gsm7_high_bytes() -> None:
    with pytest.raises(errors.DecodeError) as info:
        smscodec.decode_gsm7(b"a\x80b")
    assert info.value.position == 1
    assert smscodec.decode_gsm7(b"a\x80b", "replace") == "a\ufffdb"
    assert smscodec.decode_gsm7(b"a\x80b", "ignore") == "ab"


def test_decode_gsm7_undefined_extension_code_is_default_character() -> None:
    # TS 23.038 §6.2.1.1 note: 1B 41 is not in the extension table: decode as 0x41, "A".
    assert smscodec.decode_gsm7(b"\x1b\x41") == "A"
    assert smscodec.decode_gsm7(b"\x1b\x65") == "€"


def test_decode_gsm7_trailing_lone_escape() -> None:
    with pytest.raises(errors.DecodeError) as info:
        smscodec.decode_gsm7(b"ab\x1b")
    assert info.value.position == 2


def test_pack_septets_known_value() -> None:
    # The classic "hellohello" example of GSM 7-bit packing.
    assert smscodec.pack_septets(smscodec.encode_gsm7("hellohello")) == bytes.fromhex("e8329bfd4697d9ec37")
    assert smscodec.unpack_septets(bytes.fromhex("e8329bfd4697d9ec37"), 10) == b"hellohello"


def test_pack_with_fill_bits() -> None:
    # One fill bit (after a 6-octet UDH, TS 23.040 §9.2.3.24): "a" (0x61) shifted left by one.
    assert smscodec.pack_septets(b"\x61", 1) == b"\xc2"
    assert smscodec.unpack_septets(b"\xc2", 1, 1) == b"\x61"


@pytest.mark.parametrize("fill_bits", [-1, 7])
def test_fill_bits_range(fill_bits: int) -> None:
    with pytest.raises(errors.SmsCodecError) as info:
        smscodec.pack_septets(b"a", fill_bits)
    assert isinstance(info.value, ValueError)
    with pytest.raises(errors.SmsCodecError):
        smscodec.unpack_septets(b"a", None, fill_bits)


@given(st.binary(max_size=60), st.integers(0, 6))
def test_unpack_count_none_formula(data: bytes, fill_bits: int) -> None:
    expected = max(0, (8 * len(data) - fill_bits) // 7)
    assert len(smscodec.unpack_septets(data, None, fill_bits)) == expected
    assert len(smscodec.unpack_septets(data, fill_bits=fill_bits)) == expected


@given(st.binary(max_size=60).map(lambda b: bytes(x & 0x7F for x in b)), st.integers(0, 6))
def test_pack_unpack_round_trip(septets: bytes, fill_bits: int) -> None:
    packed = smscodec.pack_septets(septets, fill_bits)
    # ceil((fill_bits + 7n) / 8) octets: a header-only 7-bit message still carries its
    # fill octet (pack_septets(b"", fill_bits=n) is one octet for n > 0).
    assert len(packed) == (fill_bits + 7 * len(septets) + 7) // 8
    assert smscodec.unpack_septets(packed, len(septets), fill_bits) == septets


def test_ucs2() -> None:
    assert smscodec.encode_ucs2("aЖ😀") == b"\x00a\x04\x16\xd8\x3d\xde\x00"
    assert smscodec.decode_ucs2(b"\x00a\x04\x16\xd8\x3d\xde\x00") == "aЖ😀"
    with pytest.raises(errors.DecodeError):
        smscodec.decode_ucs2(b"\x00a\x00")
    with pytest.raises(errors.DecodeError) as info:
        smscodec.decode_ucs2(b"\x00a\xd8\x3d")
    assert info.value.position == 2
    with pytest.raises(errors.DecodeError):
        smscodec.decode_ucs2(b"\xde\x00")


@pytest.mark.parametrize("name", ["gsm-7", "gsm7", "gsm03.38", "gsm0338"])
def test_codec_examples(name: str) -> None:
    assert "€".encode(name) == b"\x1b\x65"
    assert b"\x00".decode(name) == "@"
    assert "Ç@{".encode(name).decode(name) == "Ç@{"


def test_codec_follows_python_error_conventions() -> None:
    with pytest.raises(UnicodeEncodeError):
        "aЖ".encode("gsm-7")
    with pytest.raises(UnicodeDecodeError):
        b"a\x80".decode("gsm-7")
    assert "aЖ".encode("gsm-7", "replace") == b"a?"
    assert "aЖ".encode("gsm-7", "ignore") == b"a"
    assert "aЖ".encode("gsm-7", "xmlcharrefreplace") == b"a&#1046;"
    assert "aЖ".encode("gsm-7", "backslashreplace") == b"a" + smscodec.encode_gsm7("\\u0416")
    assert b"a\x80".decode("gsm-7", "replace") == "a\ufffd"
    assert b"a\x80".decode("gsm-7", "ignore") == "a"
    assert b"a\x80".decode("gsm-7", "backslashreplace") == "a\\x80"
    assert b"a\x80".decode("gsm-7", "surrogateescape") == "a\udc80"


# ======================================================================================
# Segments
# ======================================================================================

SEGMENT_OPTIONS = [
    ("encoding", "kw", "auto"),
    ("udh", "kw", b""),
    ("reference_bits", "kw", 8),
    ("smart", "kw", False),
    ("languages", "kw", ()),
]


def test_segment_signatures() -> None:
    assert_parameters(smscodec.analyze, [("text", "pos", EMPTY), *SEGMENT_OPTIONS])
    assert_parameters(smscodec.split, [("text", "pos", EMPTY), *SEGMENT_OPTIONS, ("reference", "kw", None)])
    assert_parameters(
        smscodec.split_binary,
        [("body", "pos", EMPTY), ("udh", "kw", b""), ("reference", "kw", None), ("reference_bits", "kw", 8)],
    )
    assert_parameters(
        smscodec.estimate_cost,
        [("texts", "pos", EMPTY), ("price_per_segment", "pos", EMPTY), *SEGMENT_OPTIONS],
    )


def test_count_segments_options_are_keyword_only() -> None:
    assert smscodec.count_segments(text="a" * 161) == 2
    for name, value in [("encoding", "ucs2"), ("udh", b""), ("reference_bits", 16), ("smart", True)]:
        assert smscodec.count_segments("a", **{name: value}) == 1
    assert smscodec.count_segments("ş", languages=("turkish",)) == 1
    with pytest.raises(TypeError):
        smscodec.count_segments("a", "auto")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "units", "per_segment", "remaining"),
    [
        ("", "gsm7", 1, 0, 160, 160),
        ("a" * 160, "gsm7", 1, 160, 160, 0),
        ("a" * 161, "gsm7", 2, 161, 153, 145),
        ("a" * 306, "gsm7", 2, 306, 153, 0),
        ("a" * 307, "gsm7", 3, 307, 153, 152),
        ("€" * 80, "gsm7", 1, 160, 160, 0),
        ("Ж" * 70, "ucs2", 1, 70, 70, 0),
        ("Ж" * 71, "ucs2", 2, 71, 67, 63),
        ("😀" * 35, "ucs2", 1, 70, 70, 0),
        ("a😀", "ucs2", 1, 3, 70, 67),
    ],
)
def test_analyze_bare_texts(
    text: str, encoding: str, segments: int, units: int, per_segment: int, remaining: int
) -> None:
    info = smscodec.analyze(text)
    assert isinstance(info, smscodec.SegmentInfo)
    assert (info.encoding, info.segments, info.units, info.per_segment, info.remaining) == (
        encoding,
        segments,
        units,
        per_segment,
        remaining,
    )
    assert info.text == text
    assert (info.locking_shift, info.single_shift) == (0, 0)
    assert smscodec.count_segments(text) == segments


def test_escape_pair_moves_whole_to_next_part() -> None:
    # 81 euros = 162 septets: 76 euros (152 septets) fit the first 153-septet part.
    parts = smscodec.split("€" * 81)
    assert [p.units for p in parts] == [152, 10]
    assert [p.text for p in parts] == ["€" * 76, "€" * 5]


def test_surrogate_pair_moves_whole_to_next_part() -> None:
    text = "ab" + "😀" * 40  # 82 UTF-16 units: 2 + 2*32 = 66 fit the first 67-unit part
    parts = smscodec.split(text)
    assert [p.units for p in parts] == [66, 16]
    assert parts[0].text == "ab" + "😀" * 32
    assert "".join(p.text for p in parts) == text
    for part in parts:
        assert part.payload.decode("utf-16-be") == part.text


def test_segment_info_fields_and_frozen() -> None:
    info = smscodec.analyze("Olá Ж")
    assert info.encoding == "ucs2"
    assert info.non_gsm7 == ("á", "Ж")
    assert isinstance(info.non_gsm7, tuple)
    assert info.segments == 1
    assert info.units == 5
    assert info.per_segment == 70
    assert info.remaining == 65
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.segments = 2  # type: ignore[misc]
    assert smscodec.analyze("plain").non_gsm7 == ()


def test_encoding_option() -> None:
    assert smscodec.analyze("abc", encoding="ucs2").encoding == "ucs2"
    assert smscodec.analyze("abc", encoding="ucs2").units == 3
    assert smscodec.analyze("abc", encoding="gsm7").encoding == "gsm7"
    with pytest.raises(errors.EncodingError) as info:
        smscodec.analyze("abЖ", encoding="gsm7")
    assert (info.value.char, info.value.position) == ("Ж", 2)
    with pytest.raises(errors.SmsCodecError) as bad:
        smscodec.analyze("abc", encoding="latin1")
    assert isinstance(bad.value, ValueError)
    assert "encoding" in str(bad.value)


PORT_UDH = bytes.fromhex("0404021020")  # application port addressing, 8-bit (§9.2.3.24.3)


def test_caller_udh_shrinks_every_part() -> None:
    # 5-octet header: floor(135 * 8 / 7) = 154 septets; with the 5-octet concat element too,
    # floor(130 * 8 / 7) = 148.
    assert smscodec.analyze("a" * 154, udh=PORT_UDH).per_segment == 154
    assert smscodec.analyze("a" * 154, udh=PORT_UDH).segments == 1
    info = smscodec.analyze("a" * 155, udh=PORT_UDH)
    assert (info.segments, info.per_segment, info.remaining) == (2, 148, 141)
    # UCS-2: (140 - 5) // 2 = 67, (140 - 10) // 2 = 65.
    assert smscodec.analyze("Ж", udh=PORT_UDH).per_segment == 67
    assert smscodec.analyze("Ж" * 68, udh=PORT_UDH).per_segment == 65


def test_split_with_caller_udh() -> None:
    (single,) = smscodec.split("hi", udh=PORT_UDH)
    assert single.udh == PORT_UDH
    parts = smscodec.split("a" * 155, udh=PORT_UDH, reference=0x42)
    assert [p.udh for p in parts] == [bytes.fromhex("0904021020000342") + bytes((2, seq)) for seq in (1, 2)]
    assert [p.units for p in parts] == [148, 7]


@pytest.mark.parametrize("bad", [bytes.fromhex("0504021020"), bytes.fromhex("030402102000"), b"\x00\x00"])
def test_caller_udh_must_be_one_plus_udhl_octets(bad: bytes) -> None:
    with pytest.raises(errors.UdhError):
        smscodec.analyze("hi", udh=bad)


def test_reference_bits() -> None:
    info = smscodec.analyze("a" * 161, reference_bits=16)
    assert (info.segments, info.per_segment) == (2, 152)
    assert smscodec.analyze("Ж" * 71, reference_bits=16).per_segment == 66
    parts = smscodec.split("a" * 161, reference_bits=16, reference=0x1234)
    assert [p.udh for p in parts] == [bytes.fromhex("060804123402") + bytes((seq,)) for seq in (1, 2)]
    parts = smscodec.split("a" * 161, reference=0xAB)
    assert [p.udh for p in parts] == [bytes.fromhex("050003ab02") + bytes((seq,)) for seq in (1, 2)]
    with pytest.raises(errors.SmsCodecError) as info_err:
        smscodec.analyze("a", reference_bits=12)
    assert isinstance(info_err.value, ValueError)


def test_smart_replacements() -> None:
    text = (
        "\u2018a\u2019 \u201a \u2032 \u201cb\u201d \u201e \u2033 "
        "1\u20132\u20143\u20124\u22125\u2026\u00a0x\u2002y\u2009z"
    )
    info = smscodec.analyze(text, smart=True)
    assert info.encoding == "gsm7"
    assert info.text == "'a' ' ' \"b\" \" \" 1-2-3-4-5... x y z"
    assert smscodec.analyze(text).encoding == "ucs2"
    assert smscodec.count_segments(text, smart=True) == info.segments


# Every Unicode space separator (category Zs) but the ASCII space itself.
UNICODE_SPACES = "\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"


@pytest.mark.parametrize("space", UNICODE_SPACES)
def test_smart_unicode_spaces_become_space(space: str) -> None:
    info = smscodec.analyze(f"a{space}b", smart=True)
    assert (info.text, info.encoding) == ("a b", "gsm7")


@pytest.mark.parametrize(
    ("char", "replacement"),
    [
        *((c, "'") for c in "\u2018\u2019\u201a\u2032"),
        *((c, '"') for c in "\u201c\u201d\u201e\u2033"),
        *((c, "-") for c in "\u2013\u2014\u2012\u2212"),
        ("\u2026", "..."),
    ],
)
def test_smart_each_listed_character(char: str, replacement: str) -> None:
    assert smscodec.analyze(char, smart=True).text == replacement
    assert smscodec.split(char, smart=True)[0].text == replacement


def test_smart_never_touches_gsm7_characters() -> None:
    text = "Ça coûte 5€ à Zürich: \"ok\" 'yes' - ... ñ Ü ß Δ"
    text = text.replace("û", "u")  # û is not GSM-7
    info = smscodec.analyze(text, smart=True)
    assert info.text == text
    assert info.encoding == "gsm7"


def test_smart_text_is_what_split_sends() -> None:
    parts = smscodec.split("it\u2019s \u2026", smart=True)
    assert "".join(p.text for p in parts) == "it's ..."
    assert parts[0].payload == smscodec.encode_gsm7("it's ...")


def test_languages_by_name_and_identifier() -> None:
    # ş (U+015F) is in the Turkish locking (one septet) and single shift (two) tables:
    # the locking table leaves more units (fewest parts, then most units left).
    for languages in (["turkish"], [1], ("turkish", "portuguese"), (1,)):
        info = smscodec.analyze("ş", languages=languages)
        assert info.encoding == "gsm7"
        assert (info.locking_shift, info.single_shift) == (1, 0)
        assert info.units == 1
        # UDHL + one national language element (3 octets): floor(136 * 8 / 7) = 155
        assert info.per_segment == 155
    assert smscodec.analyze("ş").encoding == "ucs2"


def test_languages_default_tables_first() -> None:
    info = smscodec.analyze("plain text", languages=["turkish", "hindi"])
    assert (info.locking_shift, info.single_shift, info.per_segment) == (0, 0, 160)


def test_languages_split_carries_shift_elements() -> None:
    (part,) = smscodec.split("ş", languages=["turkish"])
    assert part.udh == bytes.fromhex("03250101")
    parsed = udh.parse(part.udh)
    assert isinstance(parsed[0], udh.NationalLanguage)
    assert parsed[0].locking is True
    assert parsed[0].language == 1


@pytest.mark.parametrize("bad", ["klingon", 0.5, 14, -1])
def test_languages_unknown(bad: object) -> None:
    with pytest.raises((errors.SmsCodecError, TypeError)) as info:
        smscodec.analyze("a", languages=[bad])  # type: ignore[list-item]
    if isinstance(bad, float):
        assert isinstance(info.value, TypeError)
    else:
        assert isinstance(info.value, ValueError)


def test_empty_text_is_one_part_with_zero_units() -> None:
    for encoding in ("auto", "gsm7", "ucs2"):
        info = smscodec.analyze("", encoding=encoding)
        assert (info.segments, info.units) == (1, 0)
        assert smscodec.count_segments("", encoding=encoding) == 1
    (part,) = smscodec.split("")
    assert (part.text, part.udh, part.payload, part.units) == ("", b"", b"", 0)


@given(ANY_TEXTS, st.sampled_from(["auto", "ucs2"]), st.sampled_from([8, 16]), st.booleans())
def test_split_agrees_with_count_and_joins_back(text: str, encoding: str, bits: int, smart: bool) -> None:
    options: dict[str, Any] = {"encoding": encoding, "reference_bits": bits, "smart": smart}
    parts = smscodec.split(text, **options)
    info = smscodec.analyze(text, **options)
    assert len(parts) == smscodec.count_segments(text, **options) == info.segments
    assert "".join(p.text for p in parts) == info.text
    assert sum(p.units for p in parts) == info.units
    for part in parts:
        if info.encoding == "gsm7":
            assert part.payload == smscodec.encode_gsm7(part.text)
            assert part.units == len(part.payload)
        else:
            assert part.payload == part.text.encode("utf-16-be")
            assert part.units == len(part.payload) // 2
        assert part.units <= info.per_segment
        assert not part.payload.endswith(b"\x1b")  # an escape pair never straddles
    if len(parts) == 1:
        assert parts[0].udh == b""
    else:
        refs = set()
        for seq, part in enumerate(parts, 1):
            (element,) = udh.parse(part.udh)
            assert isinstance(element, udh.Concat)
            assert (element.total, element.sequence, element.bits) == (len(parts), seq, bits)
            refs.add(element.reference)
        assert len(refs) == 1


@given(GSM_TEXTS)
def test_gsm_split_payload_decodes_to_part_text(text: str) -> None:
    for part in smscodec.split(text):
        assert smscodec.decode_gsm7(part.payload) == part.text


def test_segment_frozen_and_types() -> None:
    (part,) = smscodec.split("hi")
    assert isinstance(part, smscodec.Segment)
    assert (part.text, part.udh, part.payload, part.units) == ("hi", b"", b"hi", 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        part.text = "x"  # type: ignore[misc]


def test_reference_counter_takes_next_value() -> None:
    first = udh.parse(smscodec.split("a" * 161, reference_bits=16)[0].udh)[0]
    second = udh.parse(smscodec.split("a" * 161, reference_bits=16)[0].udh)[0]
    assert isinstance(first, udh.Concat)
    assert isinstance(second, udh.Concat)
    assert second.reference == (first.reference + 1) % 65536


def test_reference_counter_is_thread_safe() -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        mine = []
        for _ in range(200):
            element = udh.parse(smscodec.split("a" * 161, reference_bits=16)[0].udh)[0]
            assert isinstance(element, udh.Concat)
            mine.append(element.reference)
        with lock:
            seen.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 800
    assert len(set(seen)) == 800


@pytest.mark.parametrize(("reference", "bits"), [(256, 8), (-1, 8), (65536, 16), (-1, 16)])
def test_explicit_reference_out_of_range(reference: int, bits: int) -> None:
    with pytest.raises(errors.SmsCodecError) as info:
        smscodec.split("a" * 200, reference=reference, reference_bits=bits)
    assert isinstance(info.value, ValueError)
    assert "reference" in str(info.value)
    with pytest.raises(errors.SmsCodecError):
        smscodec.split_binary(b"\x00" * 200, reference=reference, reference_bits=bits)


def test_explicit_reference_edges() -> None:
    assert udh.parse(smscodec.split("a" * 200, reference=255)[0].udh)[0] == udh.Concat(
        reference=255, total=2, sequence=1, bits=8
    )
    assert smscodec.split("a" * 200, reference=65535, reference_bits=16)[1].udh == bytes.fromhex(
        "0608 04ffff 0202".replace(" ", "")
    )


def test_more_than_255_parts() -> None:
    text = "a" * (153 * 255 + 1)
    assert smscodec.count_segments(text) == 256
    assert smscodec.analyze(text).segments == 256
    assert len(smscodec.split("a" * (153 * 255))) == 255
    with pytest.raises(errors.SmsCodecError) as info:
        smscodec.split(text)
    assert isinstance(info.value, ValueError)
    assert "255" in str(info.value)


def test_split_binary() -> None:
    (single,) = smscodec.split_binary(b"\x01" * 140)
    assert (single.text, single.udh, single.payload, single.units) == ("", b"", b"\x01" * 140, 140)
    body = bytes(range(200))
    parts = smscodec.split_binary(body, reference=7)
    assert [p.units for p in parts] == [134, 66]
    assert [p.udh for p in parts] == [bytes.fromhex("0500030702") + bytes((s,)) for s in (1, 2)]
    assert b"".join(p.payload for p in parts) == body
    for part in parts:
        assert part.text == ""
        assert len(part.udh) + len(part.payload) <= 140
        assert part.units == len(part.payload)


def test_split_binary_with_udh_and_16_bit_references() -> None:
    (single,) = smscodec.split_binary(b"\x01" * 135, udh=PORT_UDH)
    assert single.udh == PORT_UDH
    assert single.units == 135
    parts = smscodec.split_binary(b"\x01" * 136, udh=PORT_UDH, reference=1)
    assert [p.units for p in parts] == [130, 6]
    assert parts[0].udh == bytes.fromhex("09040210200003010201")
    parts = smscodec.split_binary(b"\x01" * 141, reference_bits=16, reference=1)
    assert [p.units for p in parts] == [133, 8]
    assert all(len(p.udh) + len(p.payload) <= 140 for p in parts)
    with pytest.raises(errors.SmsCodecError) as info:
        smscodec.split_binary(b"\x00" * (134 * 255 + 1))
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("price", [Decimal("0.0075"), "0.0075"])
def test_estimate_cost_prices(price: Decimal | str) -> None:
    cost = smscodec.estimate_cost("a" * 161, price)
    assert isinstance(cost, Decimal)
    assert cost == Decimal("0.0150")


def test_estimate_cost_int_price_and_iterables() -> None:
    assert smscodec.estimate_cost(["a", "a" * 161, "Ж" * 71], 2) == Decimal(10)
    assert smscodec.estimate_cost((t for t in ["a", "a" * 161]), "0.5") == Decimal("1.5")
    assert smscodec.estimate_cost("’" * 161, "1", smart=True) == Decimal(2)
    assert smscodec.estimate_cost("’" * 161, "1") == Decimal(3)
    assert smscodec.estimate_cost([], "1") == Decimal(0)


def test_estimate_cost_bad_prices() -> None:
    with pytest.raises(TypeError):
        smscodec.estimate_cost("a", 0.0075)  # type: ignore[arg-type]
    for bad in ("abc", "-1", "NaN"):
        with pytest.raises(errors.SmsCodecError) as info:
            smscodec.estimate_cost("a", bad)
        assert isinstance(info.value, ValueError)
    with pytest.raises(TypeError):
        smscodec.estimate_cost([b"a"], "1")  # type: ignore[list-item]


# ======================================================================================
# User data header (smscodec.udh)
# ======================================================================================


def test_udh_signatures() -> None:
    assert_parameters(udh.parse, [("data", "pos", EMPTY)])
    assert_parameters(udh.build, [("elements", "pos", EMPTY)])
    assert_parameters(
        udh.concat,
        [
            ("reference", "pos", EMPTY),
            ("total", "pos", EMPTY),
            ("sequence", "pos", EMPTY),
            ("bits", "pos", 8),
        ],
    )


def test_udh_vonage_concat_example() -> None:
    # Vonage's "concatenated binary" example header 050003CC0201: ref 0xCC, 2 parts, part 1.
    data = smscodec.from_hex("050003CC0201")
    (element,) = udh.parse(data)
    assert isinstance(element, udh.Concat)
    assert (element.iei, element.data) == (0x00, b"\xcc\x02\x01")
    assert (element.reference, element.total, element.sequence, element.bits) == (0xCC, 2, 1, 8)
    assert udh.concat(0xCC, 2, 1) == data
    assert udh.build([element]) == data


def test_udh_concat_16_bit() -> None:
    data = bytes.fromhex("0608041234020 1".replace(" ", ""))
    (element,) = udh.parse(data)
    assert isinstance(element, udh.Concat)
    assert (element.iei, element.reference, element.total, element.sequence, element.bits) == (
        0x08,
        0x1234,
        2,
        1,
        16,
    )
    assert udh.concat(0x1234, 2, 1, bits=16) == data
    assert udh.concat(0x1234, 2, 1, 16) == data


def test_udh_ports() -> None:
    (p8,) = udh.parse(PORT_UDH)
    assert isinstance(p8, udh.PortAddress)
    assert (p8.iei, p8.destination, p8.source, p8.bits) == (0x04, 0x10, 0x20, 8)
    wap = bytes.fromhex("0605040b8423f0")  # WAP push: destination 2948, source 9200
    (p16,) = udh.parse(wap)
    assert isinstance(p16, udh.PortAddress)
    assert (p16.iei, p16.destination, p16.source, p16.bits, p16.data) == (
        0x05,
        2948,
        9200,
        16,
        bytes.fromhex("0b8423f0"),
    )


def test_udh_national_language() -> None:
    single, locking = udh.parse(bytes.fromhex("06240101250102"))
    assert isinstance(single, udh.NationalLanguage)
    assert isinstance(locking, udh.NationalLanguage)
    assert (single.iei, single.language, single.locking) == (0x24, 1, False)
    assert (locking.iei, locking.language, locking.locking) == (0x25, 2, True)


def test_udh_other_iei_is_plain_element() -> None:
    (element,) = udh.parse(bytes.fromhex("037001aa"))
    assert type(element) is udh.InformationElement
    assert (element.iei, element.data) == (0x70, b"\xaa")


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        ("050003", 0),  # UDHL past the data
        ("", 0),  # no UDHL at all
        ("03000501", 1),  # element overrunning the header
        ("0400020101", 1),  # wrong length for a known IEI (concat needs 3)
        ("0404031020", 1),  # wrong length for a port element
        ("050003010001", 1),  # total 0
        ("050003010100", 1),  # sequence 0
        ("050003010203", 1),  # sequence above total
        ("09040210200003010001", 5),  # the fault in the second element
    ],
)
def test_udh_parse_errors(data: str, offset: int) -> None:
    with pytest.raises(errors.UdhError) as info:
        udh.parse(bytes.fromhex(data))
    assert info.value.offset == offset


def test_udh_parse_reads_only_the_header() -> None:
    data = bytes.fromhex("050003cc0201") + b"hello"
    assert udh.parse(data) == udh.parse(data[:6])


@given(st.lists(st.tuples(st.integers(0x70, 0x7F), st.binary(max_size=8)), max_size=8))
def test_udh_build_is_the_inverse_of_parse(raw: list[tuple[int, bytes]]) -> None:
    elements = [udh.InformationElement(iei=iei, data=data) for iei, data in raw]
    header = udh.build(elements)
    assert header[0] == len(header) - 1
    assert udh.parse(header) == elements
    assert udh.build(udh.parse(header)) == header


def test_udh_build_too_long() -> None:
    udh.build([udh.InformationElement(iei=0x70, data=b"\x00" * 137)])  # 1 + 2 + 137 = 140
    with pytest.raises(errors.UdhError):
        udh.build([udh.InformationElement(iei=0x70, data=b"\x00" * 138)])


def test_udh_concat_bad_values() -> None:
    for args in [(0, 0, 1), (0, 2, 3), (256, 2, 1), (0, 256, 1)]:
        with pytest.raises(errors.SmsCodecError) as info:
            udh.concat(*args)
        assert isinstance(info.value, ValueError)
    with pytest.raises(errors.SmsCodecError):
        udh.concat(0, 2, 1, bits=12)


# ======================================================================================
# Hex
# ======================================================================================


def test_hex() -> None:
    assert smscodec.from_hex("") == b""
    assert smscodec.from_hex("0aFf") == b"\x0a\xff"
    assert smscodec.to_hex(b"\x0a\xff") == "0aff"
    assert smscodec.to_hex(b"\x0a\xff", upper=True) == "0AFF"
    with pytest.raises(TypeError):
        smscodec.to_hex(b"\x0a", True)  # type: ignore[misc]
    assert params_of(smscodec.to_hex)["upper"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("abc", 2),  # odd length
        ("0x12", 1),
        (" 012", 0),
        ("01 2", 2),
        ("0g", 1),
        ("12\n", 2),
        ("١٢", 0),  # non-ASCII digits
        ("ab\u00e9f", 2),
    ],
)
def test_from_hex_errors(text: str, position: int) -> None:
    with pytest.raises(errors.HexError) as info:
        smscodec.from_hex(text)
    assert info.value.position == position


# ======================================================================================
# Request signing (smscodec.signing)
# ======================================================================================

SIG_VECTORS = load_vector("vonage_signatures.json")["vectors"]
PUBLISHED = next(v for v in SIG_VECTORS if v["name"] == "published_inbound_vector")
METHODS = ["md5hash", "md5", "sha1", "sha256", "sha512"]


def test_signing_signatures() -> None:
    assert_parameters(signing.base_string, [("params", "pos", EMPTY)])
    assert_parameters(
        signing.sign, [("params", "pos", EMPTY), ("secret", "pos", EMPTY), ("method", "pos", "md5hash")]
    )
    assert_parameters(
        signing.verify,
        [
            ("params", "pos", EMPTY),
            ("secret", "pos", EMPTY),
            ("method", "pos", "md5hash"),
            ("max_age", "kw", None),
            ("now", "kw", None),
        ],
    )


def test_base_string() -> None:
    assert signing.base_string(PUBLISHED["params"]) == PUBLISHED["base_string"]
    assert signing.base_string({"b": "x&y=z", "a": 1, "sig": "ignored", "B": "2"}) == "&B=2&a=1&b=x_y_z"


@pytest.mark.parametrize("method", METHODS)
def test_sign_published_vector(method: str) -> None:
    expected = PUBLISHED["expected_lowercase"][method]
    assert signing.sign(PUBLISHED["params"], PUBLISHED["secret"], method) == expected
    # The definitions, independently: MD5 of base + secret, or HMAC keyed by the secret.
    base = signing.base_string(PUBLISHED["params"]).encode()
    secret = PUBLISHED["secret"].encode()
    if method == "md5hash":
        assert expected == hashlib.md5(base + secret).hexdigest()
    else:
        assert expected == hmac.new(secret, base, method).hexdigest()


@pytest.mark.parametrize("value", [True, None, 1.5, b"x", ["a"]])
def test_sign_refuses_values_that_are_not_str_or_int(value: object) -> None:
    with pytest.raises(errors.SignatureError):
        signing.sign({"a": value}, "secret")  # type: ignore[dict-item]


@pytest.mark.parametrize("method", METHODS)
def test_verify(method: str) -> None:
    params = dict(PUBLISHED["params"])
    sig = PUBLISHED["expected_lowercase"][method]
    assert signing.verify({**params, "sig": sig}, PUBLISHED["secret"], method) is True
    assert signing.verify({**params, "sig": sig.upper()}, PUBLISHED["secret"], method) is True
    flipped = sig[:-1] + ("1" if sig[-1] == "0" else "0")
    assert signing.verify({**params, "sig": flipped}, PUBLISHED["secret"], method) is False
    assert signing.verify(params, PUBLISHED["secret"], method) is False  # no sig
    assert signing.verify({**params, "sig": sig}, "other", method) is False


def test_verify_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, object]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    params = {**PUBLISHED["params"], "sig": PUBLISHED["expected_lowercase"]["sha256"].upper()}
    assert signing.verify(params, PUBLISHED["secret"], "sha256") is True
    assert calls, "verify must compare with hmac.compare_digest"


def test_verify_max_age_with_now() -> None:
    params = {**PUBLISHED["params"], "sig": PUBLISHED["expected_lowercase"]["md5hash"]}
    stamp = int(PUBLISHED["params"]["timestamp"])
    secret = PUBLISHED["secret"]
    assert signing.verify(params, secret, max_age=300, now=stamp + 300) is True
    assert signing.verify(params, secret, max_age=300, now=stamp + 301) is False
    assert signing.verify(params, secret, max_age=300, now=stamp - 100) is True
    # Default now: the current time, and the vector is from 2013.
    assert signing.verify(params, secret, max_age=300) is False
    assert signing.verify(params, secret) is True


# ======================================================================================
# Vonage SMS API (smscodec.vonage)
# ======================================================================================

SIMPLE = next(v for v in SIG_VECTORS if v["name"] == "simple_outbound_send")


def test_vonage_signatures() -> None:
    assert_parameters(
        vonage.build_send_payload,
        [
            ("fields", "pos", EMPTY),
            ("api_key", "kw", None),
            ("api_secret", "kw", None),
            ("signature_secret", "kw", None),
            ("signature_method", "kw", "md5hash"),
            ("timestamp", "kw", None),
        ],
    )
    assert_parameters(vonage.encode_form, [("payload", "pos", EMPTY)])
    assert_parameters(vonage.basic_auth_header, [("api_key", "pos", EMPTY), ("api_secret", "pos", EMPTY)])
    assert_parameters(vonage.parse_send_response, [("body", "pos", EMPTY), ("format", "pos", "json")])
    assert_parameters(vonage.parse_delivery_receipt, [("data", "pos", EMPTY)])
    assert_parameters(vonage.parse_inbound, [("data", "pos", EMPTY)])
    assert_parameters(
        vonage.Reassembler,
        [("max_pending", "kw", 10_000), ("timeout", "kw", 86_400.0)],
    )
    assert params_of(vonage.Reassembler)["clock"].kind is inspect.Parameter.KEYWORD_ONLY
    assert_parameters(
        vonage.verify_webhook,
        [
            ("data", "pos", EMPTY),
            ("secret", "pos", EMPTY),
            ("method", "pos", "md5hash"),
            ("max_age", "kw", 300),
        ],
    )


def test_build_send_payload_plain() -> None:
    payload = vonage.build_send_payload({"from": "AcmeInc", "to": "447700900000", "text": "Hello World"})
    assert isinstance(payload, dict)
    assert dict(payload) == {"from": "AcmeInc", "to": "447700900000", "type": "text", "text": "Hello World"}
    assert all(type(k) is str and type(v) is str for k, v in payload.items())


def test_build_send_payload_signed_matches_vector() -> None:
    params = SIMPLE["params"]
    payload = vonage.build_send_payload(
        {"from": params["from"], "to": params["to"], "text": params["text"], "type": params["type"]},
        api_key=params["api_key"],
        signature_secret=SIMPLE["secret"],
        timestamp=int(params["timestamp"]),
    )
    assert payload["api_key"] == "abcd1234"
    assert payload["timestamp"] == "1617187200"
    assert payload["sig"] == signing.sign(params, SIMPLE["secret"])
    assert payload["sig"] == SIMPLE["expected_lowercase"]["md5hash"]
    assert "api_secret" not in payload
    assert signing.verify(payload, SIMPLE["secret"]) is True


def test_build_send_payload_signature_secret_wins_over_api_secret() -> None:
    payload = vonage.build_send_payload(
        {"from": "AcmeInc", "to": "447700900000", "text": "hi"},
        api_key="abcd1234",  # the API reference: api_key is exactly 8 characters
        api_secret="topsecret",
        signature_secret="sigsecret",
        signature_method="sha256",
        timestamp=1,
    )
    assert "api_secret" not in payload
    assert "topsecret" not in payload.values()
    assert payload["timestamp"] == "1"
    assert signing.verify(payload, "sigsecret", "sha256") is True


def test_build_send_payload_api_secret_alone() -> None:
    payload = vonage.build_send_payload(
        {"from": "AcmeInc", "to": "447700900000", "text": "hi"}, api_key="abcd1234", api_secret="topsecret"
    )
    assert payload["api_key"] == "abcd1234"
    assert payload["api_secret"] == "topsecret"
    assert "sig" not in payload
    assert "timestamp" not in payload


def test_build_send_payload_type_defaults() -> None:
    fields = {"from": "AcmeInc", "to": "447700900000"}
    assert vonage.build_send_payload({**fields, "text": "Hi €"})["type"] == "text"
    assert vonage.build_send_payload({**fields, "text": "Привет"})["type"] == "unicode"
    assert vonage.build_send_payload({**fields, "text": "hi", "type": "unicode"})["type"] == "unicode"


def test_build_send_payload_explicit_text_type_with_non_gsm7() -> None:
    # The text holds what type=text cannot carry: the error names `text`, where the
    # offending character is (its message names the character, its index and the fix).
    with pytest.raises(errors.PayloadError) as info:
        vonage.build_send_payload({"from": "AcmeInc", "to": "447700900000", "text": "Привет", "type": "text"})
    assert info.value.field == "text"
    assert "'П'" in str(info.value)
    assert "type=unicode" in str(info.value)


def test_build_send_payload_booleans_and_ints() -> None:
    payload = vonage.build_send_payload(
        {
            "from": "447700900001",
            "to": "+447700900000",
            "text": "hi",
            "status-report-req": True,
            "trusted-number": False,
            "ttl": 60_000,
            "message-class": 1,
            "protocol-id": 0,
            "callback": "https://example.com/dlr",
            "client-ref": "ref-1",
            "account-ref": "acct",
            "entity-id": "e1",
            "content-id": "c1",
            "pool-id": "p1",
        }
    )
    assert payload["status-report-req"] == "true"
    assert payload["trusted-number"] == "false"
    assert payload["ttl"] == "60000"
    assert payload["message-class"] == "1"
    assert payload["to"] == "447700900000"


def test_build_send_payload_binary() -> None:
    payload = vonage.build_send_payload(
        {"from": "AcmeInc", "to": "447700900000", "body": b"\x01\x02", "udh": bytes.fromhex("050003cc0201")}
    )
    assert payload["type"] == "binary"
    assert smscodec.from_hex(payload["body"]) == b"\x01\x02"
    assert smscodec.from_hex(payload["udh"]) == bytes.fromhex("050003cc0201")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"to": "447700900000", "text": "hi"}, "from"),
        ({"from": "AcmeInc", "text": "hi"}, "to"),
        ({"from": "AcmeInc", "to": "447700900000"}, "text"),
        ({"from": "AcmeInc", "to": "447700900000", "text": ""}, "text"),
        ({"from": "AcmeInc", "to": "447700900000", "text": "x" * 3201}, "text"),
        ({"from": "AcmeInc", "to": "447700900000", "text": "hi", "ttl": 100}, "ttl"),
        ({"from": "AcmeInc", "to": "447700900000", "text": "hi", "ttl": "60000"}, "ttl"),
        ({"from": "AcmeInc", "to": "447700900000", "text": "hi", "message-class": 4}, "message-class"),
        (
            {"from": "AcmeInc", "to": "447700900000", "text": "hi", "status-report-req": "yes"},
            "status-report-req",
        ),
        ({"from": "AcmeInc", "to": "447700900000", "text": "hi", "callback": "ftp://x"}, "callback"),
        ({"from": "AcmeInc", "to": "447700900000", "text": "hi", "client-ref": "x" * 101}, "client-ref"),
        ({"from": "AcmeInc", "to": "447700900000", "text": "hi", "type": "mms"}, "type"),
        ({"from": "AcmeInc", "to": "447700900000", "text": "hi", "udh": "0500"}, "udh"),
        ({"from": "TooLongSenderId", "to": "447700900000", "text": "hi"}, "from"),
        ({"from": "AcmeInc", "to": "447700900000", "text": "hi", "unknown": "x"}, "unknown"),
        ({"from": "AcmeInc", "to": "447700900000", "type": "binary", "body": "zz"}, "body"),
    ],
)
def test_build_send_payload_rules(fields: dict[str, object], field: str) -> None:
    with pytest.raises(errors.PayloadError) as info:
        vonage.build_send_payload(fields)
    assert info.value.field == field


def test_encode_form_and_basic_auth() -> None:
    assert vonage.encode_form({"a b": "c&d=e", "text": "€ +"}) == "a+b=c%26d%3De&text=%E2%82%AC+%2B"
    assert vonage.basic_auth_header("abc", "def") == "Basic YWJjOmRlZg=="


SEND_JSON = json.dumps(
    {
        "message-count": "2",
        "messages": [
            {
                "to": "447700900000",
                "message-id": "0A0000000123ABCD1",
                "status": "0",
                "remaining-balance": "3.14159265",
                "message-price": "0.03330000",
                "network": "12345",
                "client-ref": "my-personal-reference",
                "account-ref": "customer1234",
            },
            {
                "to": "447700900000",
                "message-id": "0A0000000123ABCD2",
                "status": "0",
                "remaining-balance": "3.10829265",
                "message-price": "0.03330000",
                "network": "12345",
            },
        ],
    }
)
SEND_XML = (
    '<?xml version="1.0" encoding="UTF-8" ?>'
    "<mt-submission-response>"
    '<messages count="1">'
    "<message>"
    "<to>447700900000</to>"
    "<messageId>0A0000000123ABCD1</messageId>"
    "<status>0</status>"
    "<remainingBalance>3.14159265</remainingBalance>"
    "<messagePrice>0.03330000</messagePrice>"
    "<network>12345</network>"
    "<clientRef>my-personal-reference</clientRef>"
    "<accountRef>customer1234</accountRef>"
    "</message>"
    "</messages>"
    "</mt-submission-response>"
)


@pytest.mark.parametrize("as_bytes", [False, True])
def test_parse_send_response_json(as_bytes: bool) -> None:
    response = vonage.parse_send_response(SEND_JSON.encode() if as_bytes else SEND_JSON)
    assert response.message_count == 2
    assert response.ok is True
    assert response.total_price == Decimal("0.06660000")
    first = response.messages[0]
    assert first.to == "447700900000"
    assert first.message_id == "0A0000000123ABCD1"
    assert first.status == 0
    assert isinstance(first.status, int)
    assert first.error_text is None
    assert first.remaining_balance == Decimal("3.14159265")
    assert first.message_price == Decimal("0.03330000")
    assert first.network == "12345"
    assert first.client_ref == "my-personal-reference"
    assert first.account_ref == "customer1234"
    assert response.messages[1].client_ref is None


def test_parse_send_response_xml() -> None:
    response = vonage.parse_send_response(SEND_XML, "xml")
    assert response.message_count == 1
    (first,) = response.messages
    assert first.message_id == "0A0000000123ABCD1"
    assert first.status == 0
    assert first.message_price == Decimal("0.03330000")
    assert first.client_ref == "my-personal-reference"
    assert first.account_ref == "customer1234"
    assert response.total_price == Decimal("0.03330000")
    assert vonage.parse_send_response(SEND_XML.encode(), format="xml") == response


def test_parse_send_response_error_and_no_price() -> None:
    body = '{"message-count": "1", "messages": [{"status": "2", "error-text": "Missing to param"}]}'
    response = vonage.parse_send_response(body)
    assert response.ok is False
    assert response.total_price == Decimal(0)
    assert isinstance(response.total_price, Decimal)
    (message,) = response.messages
    assert message.status == 2
    assert message.status == vonage.StatusCode.MISSING_PARAMETERS
    assert message.error_text == "Missing to param"
    assert message.message_price is None


def test_parse_send_response_unknown_status_is_plain_int() -> None:
    body = '{"message-count": "1", "messages": [{"status": "99", "error-text": "new"}]}'
    (message,) = vonage.parse_send_response(body).messages
    assert message.status == 99
    assert type(message.status) is int


def test_parse_send_response_refuses_xml_entities() -> None:
    evil = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><mt-submission-response/>'
    with pytest.raises(errors.SmsCodecError) as info:
        vonage.parse_send_response(evil, "xml")
    assert isinstance(info.value, ValueError)


def test_status_code() -> None:
    assert issubclass(vonage.StatusCode, int)
    assert vonage.StatusCode(1) == 1
    for code in vonage.StatusCode:
        assert isinstance(code.description, str)
        assert code.description
        assert isinstance(code.resolution, str)
        assert isinstance(code.retryable, bool)
    assert vonage.StatusCode(1).retryable is True  # Throttled
    assert vonage.StatusCode(4).retryable is False  # Invalid credentials
    assert vonage.StatusCode.lookup(99) == 99
    assert type(vonage.StatusCode.lookup(99)) is int


DLR_QUERY = (
    "msisdn=447547232824&to=Nexmo+CLI&network-code=23410&messageId=0B00000127FDBC63"
    "&price=0.03330000&status=delivered&scts=1810251310&err-code=0"
    "&message-timestamp=2018-10-25+12%3A10%3A29&client-ref=ref-1"
)
DLR_MAPPING = {
    "msisdn": "447547232824",
    "to": "Nexmo CLI",
    "network-code": "23410",
    "messageId": "0B00000127FDBC63",
    "price": "0.03330000",
    "status": "delivered",
    "scts": "1810251310",
    "err-code": "0",
    "message-timestamp": "2018-10-25 12:10:29",
    "client-ref": "ref-1",
}


@pytest.mark.parametrize(
    "data",
    [DLR_MAPPING, DLR_QUERY, DLR_QUERY.encode(), json.dumps(DLR_MAPPING), json.dumps(DLR_MAPPING).encode()],
    ids=["mapping", "query", "form-bytes", "json", "json-bytes"],
)
def test_parse_delivery_receipt_inputs(data: Any) -> None:
    receipt = vonage.parse_delivery_receipt(data)
    assert receipt.msisdn == "447547232824"
    assert receipt.to == "Nexmo CLI"
    assert receipt.network_code == "23410"
    assert receipt.message_id == "0B00000127FDBC63"
    assert receipt.price == Decimal("0.03330000")
    assert receipt.status is vonage.DeliveryStatus.DELIVERED
    assert receipt.err_code == 0
    assert isinstance(receipt.err_code, int)
    assert receipt.scts == datetime(2018, 10, 25, 13, 10)
    assert receipt.message_timestamp == datetime(2018, 10, 25, 12, 10, 29, tzinfo=timezone.utc)
    assert receipt.message_timestamp is not None
    assert receipt.message_timestamp.utcoffset() is not None
    assert receipt.message_timestamp.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert receipt.client_ref == "ref-1"
    assert (receipt.api_key, receipt.timestamp, receipt.nonce, receipt.sig) == (None, None, None, None)


def test_delivery_status_is_a_str_enum_of_wire_words() -> None:
    assert vonage.DeliveryStatus("delivered") is vonage.DeliveryStatus.DELIVERED
    assert isinstance(vonage.DeliveryStatus.DELIVERED, str)
    words = {s.value for s in vonage.DeliveryStatus}
    assert {"delivered", "expired", "failed", "rejected", "accepted", "buffered", "unknown"} <= words


def test_delivery_receipt_optional_fields_missing() -> None:
    receipt = vonage.parse_delivery_receipt(
        {"msisdn": "447547232824", "to": "Acme", "messageId": "1", "status": "failed"}
    )
    assert receipt.status is vonage.DeliveryStatus.FAILED
    for name in (
        "network_code",
        "price",
        "err_code",
        "scts",
        "message_timestamp",
        "client_ref",
        "api_key",
        "timestamp",
        "nonce",
        "sig",
    ):
        assert getattr(receipt, name) is None, name


@pytest.mark.parametrize("missing", ["msisdn", "to", "messageId", "status"])
def test_delivery_receipt_required_fields(missing: str) -> None:
    fields = {k: v for k, v in DLR_MAPPING.items() if k != missing}
    with pytest.raises(errors.WebhookError) as info:
        vonage.parse_delivery_receipt(fields)
    assert info.value.field == missing


@pytest.mark.parametrize(
    ("name", "value"),
    [("err-code", "abc"), ("price", "cheap"), ("message-timestamp", "yesterday"), ("status", "teleported")],
)
def test_delivery_receipt_unreadable_field_is_kept_raw(name: str, value: str) -> None:
    # 0.2 ("Vonage additions", issue 14): an unknown status word is never an error, and an
    # optional field that cannot be read is None with its raw value kept.
    receipt = vonage.parse_delivery_receipt({**DLR_MAPPING, name: value})
    assert receipt.raw[name] == value
    assert receipt.message_id == DLR_MAPPING["messageId"]
    if name == "status":
        assert receipt.status is vonage.DeliveryStatus.UNKNOWN
        assert receipt.status_word == value
    else:
        assert getattr(receipt, name.replace("-", "_")) is None
        assert receipt.unreadable == (name,)


def test_delivery_receipt_error_field_is_the_wire_name() -> None:
    # What still makes a receipt unparseable names the wire field.
    with pytest.raises(errors.WebhookError) as info:
        vonage.parse_delivery_receipt({**DLR_MAPPING, "messageId": ""})
    assert info.value.field == "messageId"


INBOUND = {
    "msisdn": "447700900001",
    "to": "447700900000",
    "messageId": "0A0000000123ABCD1",
    "text": "Hello world",
    "type": "text",
    "keyword": "HELLO",
    "message-timestamp": "2020-01-01 12:00:00",
    "api-key": "abcd1234",
}


@pytest.mark.parametrize("shape", ["mapping", "query", "json", "bytes"])
def test_parse_inbound_inputs(shape: str) -> None:
    import urllib.parse

    data: Any = {
        "mapping": INBOUND,
        "query": urllib.parse.urlencode(INBOUND),
        "json": json.dumps(INBOUND),
        "bytes": json.dumps(INBOUND).encode(),
    }[shape]
    message = vonage.parse_inbound(data)
    assert message.msisdn == "447700900001"
    assert message.to == "447700900000"
    assert message.message_id == "0A0000000123ABCD1"
    assert message.type == "text"
    assert message.text == "Hello world"
    assert message.keyword == "HELLO"
    assert message.message_timestamp == datetime(2020, 1, 1, 12, tzinfo=timezone.utc)
    assert message.api_key == "abcd1234"
    assert (message.timestamp, message.nonce, message.sig) == (None, None, None)
    assert message.concat is None
    assert message.data is None


def test_parse_inbound_concat_and_binary() -> None:
    part = vonage.parse_inbound(
        {**INBOUND, "concat": "true", "concat-ref": "08B5", "concat-total": "3", "concat-part": "2"}
    )
    assert part.concat is not None
    assert (part.concat.reference, part.concat.total, part.concat.part) == ("08B5", 3, 2)
    binary = vonage.parse_inbound(
        {
            "msisdn": "1",
            "to": "2",
            "messageId": "3",
            "type": "binary",
            "data": "0102",
            "udh": "0605040b8423f0",
        }
    )
    assert binary.data == b"\x01\x02"
    assert binary.udh == bytes.fromhex("0605040b8423f0")
    assert binary.text is None


def test_parse_inbound_error_field_is_the_wire_name() -> None:
    with pytest.raises(errors.WebhookError) as info:
        vonage.parse_inbound(
            {**INBOUND, "concat": "true", "concat-ref": "1", "concat-total": "2", "concat-part": "3"}
        )
    assert info.value.field == "concat-part"
    with pytest.raises(errors.WebhookError) as info:
        vonage.parse_inbound({k: v for k, v in INBOUND.items() if k != "messageId"})
    assert info.value.field == "messageId"


def inbound_part(
    ref: str, total: int, part: int, text: str, *, sender: str = "447700900001", mid: str | None = None
) -> Any:
    return vonage.parse_inbound(
        {
            "msisdn": sender,
            "to": "447700900000",
            "messageId": mid or f"{sender}-{ref}-{part}",
            "type": "text",
            "text": text,
            "concat": "true",
            "concat-ref": ref,
            "concat-total": str(total),
            "concat-part": str(part),
        }
    )


def test_reassembler_any_order_and_duplicates() -> None:
    r = vonage.Reassembler()
    assert r.add(inbound_part("9", 3, 3, "c")) is None
    assert r.add(inbound_part("9", 3, 1, "a")) is None
    assert r.add(inbound_part("9", 3, 1, "a")) is None  # duplicate
    whole = r.add(inbound_part("9", 3, 2, "b"))
    assert whole is not None
    assert whole.text == "abc"
    assert whole.msisdn == "447700900001"
    # Duplicates after completion are ignored too (webhook retries).
    for part in (1, 2, 3):
        assert r.add(inbound_part("9", 3, part, "abc"[part - 1])) is None
    assert r.expire() == []


def test_reassembler_keys_by_sender_recipient_reference() -> None:
    r = vonage.Reassembler()
    assert r.add(inbound_part("1", 2, 1, "a", sender="111111111")) is None
    assert r.add(inbound_part("1", 2, 2, "B", sender="222222222")) is None
    done = r.add(inbound_part("1", 2, 2, "b", sender="111111111"))
    assert done is not None
    assert done.text == "ab"


def test_reassembler_keys_by_recipient_too() -> None:
    r = vonage.Reassembler()
    first = inbound_part("1", 2, 1, "a")
    other = vonage.parse_inbound(
        {
            "msisdn": "447700900001",
            "to": "447700900999",
            "messageId": "other-2",
            "type": "text",
            "text": "X",
            "concat": "true",
            "concat-ref": "1",
            "concat-total": "2",
            "concat-part": "2",
        }
    )
    assert r.add(first) is None
    assert r.add(other) is None  # same sender and reference, another recipient
    done = r.add(inbound_part("1", 2, 2, "b"))
    assert done is not None
    assert done.text == "ab"


def test_reassembler_single_part_straight_back() -> None:
    r = vonage.Reassembler()
    message = vonage.parse_inbound(INBOUND)
    assert r.add(message) is message


def test_reassembler_max_pending_evicts_oldest() -> None:
    r = vonage.Reassembler(max_pending=2)
    first = inbound_part("1", 2, 1, "a")
    assert r.add(first) is None
    assert r.add(inbound_part("2", 2, 1, "b")) is None
    assert r.add(inbound_part("3", 2, 1, "c")) is None  # evicts message "1"
    assert r.add(inbound_part("2", 2, 2, "B")) is not None  # "2" was kept
    assert r.expire() == [[first]]


def test_reassembler_expire_by_clock() -> None:
    now = [1000.0]
    r = vonage.Reassembler(timeout=60.0, clock=lambda: now[0])
    part = inbound_part("5", 2, 1, "a")
    assert r.add(part) is None
    now[0] = 1059.0
    assert r.expire() == []
    now[0] = 1061.0
    expired = r.expire()
    assert isinstance(expired, list)
    assert expired == [[part]]
    assert r.expire() == []


def test_reassembler_defaults() -> None:
    p = params_of(vonage.Reassembler)
    assert p["max_pending"].default == 10_000
    assert p["timeout"].default == 86_400.0
    import time

    assert p["clock"].default is time.monotonic


def signed_inbound(secret: str = "sekret", stamp: int = 1_600_000_000) -> dict[str, str]:
    fields = {**INBOUND, "timestamp": str(stamp), "nonce": "abc"}
    return {**fields, "sig": signing.sign(fields, secret)}


def test_verify_webhook() -> None:
    fields = signed_inbound()
    stamp = 1_600_000_000
    assert vonage.verify_webhook(fields, "sekret", now=stamp + 300) is True
    assert vonage.verify_webhook(fields, "sekret", now=stamp + 301) is False  # default max_age=300
    assert vonage.verify_webhook(fields, "sekret") is False  # 2020 is more than 300 s ago
    assert vonage.verify_webhook(fields, "sekret", max_age=None) is True
    assert vonage.verify_webhook(fields, "wrong", max_age=None) is False
    unsigned = {k: v for k, v in fields.items() if k != "sig"}
    assert vonage.verify_webhook(unsigned, "sekret", max_age=None) is False
    import urllib.parse

    assert vonage.verify_webhook(urllib.parse.urlencode(fields), "sekret", now=stamp) is True
    assert vonage.verify_webhook(json.dumps(fields).encode(), "sekret", now=stamp) is True


# ======================================================================================
# Batch (smscodec.batch)
# ======================================================================================

BATCH_TEXTS = ["", "a", "a" * 161, "Ж" * 71, "€" * 81, "😀" * 40, "’" * 161]


def test_batch_count_segments_matches_scalar() -> None:
    counts = batch.count_segments(BATCH_TEXTS)
    assert isinstance(counts, np.ndarray)
    assert counts.dtype == np.int32
    assert counts.tolist() == [smscodec.count_segments(t) for t in BATCH_TEXTS] == [1, 1, 2, 2, 2, 2, 3]
    assert batch.count_segments(BATCH_TEXTS, smart=True).tolist() == [
        smscodec.count_segments(t, smart=True) for t in BATCH_TEXTS
    ]
    assert batch.count_segments(BATCH_TEXTS, reference_bits=16, encoding="ucs2").tolist() == [
        smscodec.count_segments(t, reference_bits=16, encoding="ucs2") for t in BATCH_TEXTS
    ]
    assert batch.count_segments(["ş" * 200], languages=["turkish"]).tolist() == [
        smscodec.count_segments("ş" * 200, languages=["turkish"])
    ]


def test_batch_signature() -> None:
    for func in (batch.count_segments, batch.analyze):
        assert_parameters(
            func,
            [
                ("texts", "pos", EMPTY),
                ("encoding", "kw", "auto"),
                ("reference_bits", "kw", 8),
                ("smart", "kw", False),
                ("languages", "kw", ()),
                ("threads", "kw", None),
            ],
        )


def test_batch_input_shapes() -> None:
    expected = [smscodec.count_segments(t) for t in BATCH_TEXTS]
    shapes: list[Any] = [
        tuple(BATCH_TEXTS),
        np.array(BATCH_TEXTS),
        np.array(BATCH_TEXTS, dtype=object),
        iter(BATCH_TEXTS),
        (t for t in BATCH_TEXTS),
    ]
    if hasattr(np.dtypes, "StringDType"):
        shapes.append(np.array(BATCH_TEXTS, dtype=np.dtypes.StringDType()))
    for texts in shapes:
        assert batch.count_segments(texts).tolist() == expected
    assert batch.count_segments(BATCH_TEXTS, threads=2).tolist() == expected


def test_batch_pandas_and_arrow() -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    expected = [smscodec.count_segments(t) for t in BATCH_TEXTS]
    assert batch.count_segments(pd.Series(BATCH_TEXTS)).tolist() == expected
    assert batch.count_segments(pa.array(BATCH_TEXTS)).tolist() == expected
    assert batch.count_segments(pa.chunked_array([BATCH_TEXTS[:3], BATCH_TEXTS[3:]])).tolist() == expected
    assert batch.count_segments(pa.array(BATCH_TEXTS, type=pa.large_string())).tolist() == expected


def test_batch_missing_values_count_zero() -> None:
    assert batch.count_segments(["a", None, "b"]).tolist() == [1, 0, 1]
    assert batch.count_segments(np.array(["a", None, float("nan")], dtype=object)).tolist() == [1, 0, 0]


def test_batch_missing_values_pandas_arrow() -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    assert batch.count_segments(pd.Series(["a", None, float("nan"), pd.NA], dtype=object)).tolist() == [
        1,
        0,
        0,
        0,
    ]
    assert batch.count_segments(pd.Series(["a", None, pd.NA], dtype="string")).tolist() == [1, 0, 0]
    assert batch.count_segments(pa.array(["a", None, "a" * 161])).tolist() == [1, 0, 2]
    assert batch.count_segments([pd.NA, "a", float("nan")]).tolist() == [0, 1, 0]


def test_batch_analyze() -> None:
    result = batch.analyze(BATCH_TEXTS)
    assert {"segments", "units", "remaining", "encoding"} <= set(result)
    assert result["encoding"].dtype == np.uint8
    infos = [smscodec.analyze(t) for t in BATCH_TEXTS]
    assert result["segments"].tolist() == [i.segments for i in infos]
    assert result["units"].tolist() == [i.units for i in infos]
    assert result["remaining"].tolist() == [i.remaining for i in infos]
    assert result["encoding"].tolist() == [0 if i.encoding == "gsm7" else 1 for i in infos]


def test_batch_bad_arguments() -> None:
    with pytest.raises(TypeError):
        batch.count_segments(["a", b"b"])
    with pytest.raises(TypeError):
        batch.count_segments(42)
    with pytest.raises(errors.SmsCodecError) as info:
        batch.count_segments(["a"], encoding="latin1")
    assert isinstance(info.value, ValueError)


# ======================================================================================
# Command line
# ======================================================================================


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_count_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "count", "--json", "Olá " + "a" * 70)
    assert code == 0
    record = json.loads(out)
    assert record["segments"] == 2
    assert record["encoding"] == "ucs2"
    assert record["units"] == 74
    assert record["per_segment"] == 67
    assert record["remaining"] == 60
    assert record["non_gsm7"] == ["á"]


def test_cli_split_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "split", "--json", "--reference", "7", "a" * 161)
    assert code == 0
    parts = json.loads(out)
    assert isinstance(parts, list)
    assert len(parts) == 2
    assert [p["text"] for p in parts] == ["a" * 153, "a" * 8]
    assert [p["udh"] for p in parts] == ["0500030702" + "01", "0500030702" + "02"]
    assert parts[1]["payload"] == "61" * 8


def test_cli_analyze_json_lines(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "messages.txt"
    path.write_text("hello\n" + "a" * 161 + "\nПривет\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "analyze", "--json", "--no-progress", "--price", "0.01", str(path))
    assert code == 0
    record = json.loads(out)
    assert record["messages"] == 3
    assert record["segments"] == 4
    assert record["gsm7"] == 2
    assert record["ucs2"] == 1
    assert isinstance(record["cost"], str)
    assert Decimal(record["cost"]) == Decimal("0.04")


def test_cli_analyze_csv_column(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.csv"
    path.write_text("id,text,body\n1,hello,x\n2,Привет,y\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "analyze", "--json", "--no-progress", str(path))
    assert code == 0
    assert json.loads(out)["ucs2"] == 1
    code, out, _ = run_cli(capsys, "analyze", "--json", "--no-progress", "--column", "body", str(path))
    assert code == 0
    assert json.loads(out)["ucs2"] == 0


def test_cli_missing_file_and_column(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "analyze", "--no-progress", str(tmp_path / "nope.txt"))
    assert code == 2
    assert err.count("\n") == 1
    assert "Traceback" not in err
    path = tmp_path / "m.csv"
    path.write_text("id,body\n1,hello\n", encoding="utf-8")
    code, _out, err = run_cli(capsys, "analyze", "--no-progress", str(path))
    assert code == 2
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert "text" in err


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    return env


def test_python_dash_m_smscodec(tmp_path: pathlib.Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "smscodec", "count", "--json", "€"],
        capture_output=True,
        text=True,
        env=cli_env(),
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["units"] == 2
    done = subprocess.run(
        [sys.executable, "-m", "smscodec", "analyze", str(tmp_path / "missing.csv")],
        capture_output=True,
        text=True,
        env=cli_env(),
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


# ======================================================================================
# "Every function rejects a wrong argument type with TypeError and a bad value with the
# library's own error, naming what was wrong"
# ======================================================================================

WRONG_TYPES: list[tuple[str, Callable[[], object], str]] = [
    ("is_gsm7", lambda: smscodec.is_gsm7(b"a"), "text"),
    ("gsm7_septets", lambda: smscodec.gsm7_septets(1), "text"),
    ("non_gsm7_chars", lambda: smscodec.non_gsm7_chars(None), "text"),
    ("encode_gsm7", lambda: smscodec.encode_gsm7(b"a"), "text"),
    ("encode_gsm7 errors", lambda: smscodec.encode_gsm7("a", 1), "errors"),
    ("decode_gsm7", lambda: smscodec.decode_gsm7("a"), "data"),
    ("pack_septets", lambda: smscodec.pack_septets("a"), "septets"),
    ("pack_septets fill", lambda: smscodec.pack_septets(b"a", 1.0), "fill_bits"),
    ("unpack_septets", lambda: smscodec.unpack_septets("a"), "data"),
    ("unpack_septets count", lambda: smscodec.unpack_septets(b"a", "1"), "count"),
    ("encode_ucs2", lambda: smscodec.encode_ucs2(b"a"), "text"),
    ("decode_ucs2", lambda: smscodec.decode_ucs2("a"), "data"),
    ("analyze", lambda: smscodec.analyze(b"a"), "text"),
    ("analyze udh", lambda: smscodec.analyze("a", udh="0500"), "udh"),
    ("analyze bits", lambda: smscodec.analyze("a", reference_bits="8"), "reference_bits"),
    ("analyze encoding", lambda: smscodec.analyze("a", encoding=None), "encoding"),
    ("count_segments", lambda: smscodec.count_segments(b"a"), "text"),
    ("count_segments int", lambda: smscodec.count_segments(160), "text"),
    ("split", lambda: smscodec.split(None), "text"),
    ("split reference", lambda: smscodec.split("a", reference="1"), "reference"),
    ("split_binary", lambda: smscodec.split_binary("a"), "body"),
    ("estimate_cost", lambda: smscodec.estimate_cost("a", 1.5), "price"),
    ("from_hex", lambda: smscodec.from_hex(b"00"), "text"),
    ("to_hex", lambda: smscodec.to_hex("00"), "data"),
    ("udh.parse", lambda: udh.parse("0500"), "data"),
    ("udh.concat", lambda: udh.concat("1", 2, 1), "reference"),
    ("signing.sign params", lambda: signing.sign([("a", "1")], "s"), "params"),
    ("signing.sign secret", lambda: signing.sign({"a": "1"}, b"s"), "secret"),
    ("signing.verify max_age", lambda: signing.verify({"a": "1"}, "s", max_age="5"), "max_age"),
    ("build_send_payload", lambda: vonage.build_send_payload([("to", "1")]), "fields"),
    ("build_send_payload key", lambda: vonage.build_send_payload({}, api_key=1), "api_key"),
    ("encode_form", lambda: vonage.encode_form({"a": 1}), ""),
    ("basic_auth_header", lambda: vonage.basic_auth_header(1, "s"), "api_key"),
    ("parse_send_response", lambda: vonage.parse_send_response(1), "body"),
    ("parse_delivery_receipt", lambda: vonage.parse_delivery_receipt(1), ""),
    ("parse_inbound", lambda: vonage.parse_inbound([1]), ""),
    ("Reassembler", lambda: vonage.Reassembler(max_pending="1"), "max_pending"),
    ("Reassembler.add", lambda: vonage.Reassembler().add({"msisdn": "1"}), ""),
    ("verify_webhook", lambda: vonage.verify_webhook({}, 1), "secret"),
]


@pytest.mark.parametrize(("label", "call", "name"), WRONG_TYPES, ids=[w[0] for w in WRONG_TYPES])
def test_wrong_types_are_type_errors(label: str, call: Callable[[], object], name: str) -> None:
    with pytest.raises(TypeError) as info:
        call()
    assert str(info.value)
    assert name in str(info.value)


BAD_VALUES: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    ("encode_gsm7 errors", lambda: smscodec.encode_gsm7("a", "loud"), errors.SmsCodecError, "errors"),
    ("decode_gsm7 errors", lambda: smscodec.decode_gsm7(b"a", "loud"), errors.SmsCodecError, "errors"),
    ("unpack count", lambda: smscodec.unpack_septets(b"a", -1), errors.SmsCodecError, "count"),
    ("unpack short", lambda: smscodec.unpack_septets(b"a", 5), errors.DecodeError, ""),
    ("pack high byte", lambda: smscodec.pack_septets(b"\x80"), errors.DecodeError, ""),
    ("analyze encoding", lambda: smscodec.analyze("a", encoding="utf8"), errors.SmsCodecError, "encoding"),
    (
        "count encoding",
        lambda: smscodec.count_segments("a", encoding="utf8"),
        errors.SmsCodecError,
        "encoding",
    ),
    (
        "count language",
        lambda: smscodec.count_segments("a", languages=["klingon"]),
        errors.SmsCodecError,
        "klingon",
    ),
    (
        "count bits",
        lambda: smscodec.count_segments("a", reference_bits=9),
        errors.SmsCodecError,
        "reference_bits",
    ),
    (
        "udh.build",
        lambda: udh.build([udh.InformationElement(iei=0x70, data=b"\0" * 200)]),
        errors.UdhError,
        "",
    ),
    ("verify method", lambda: signing.verify({"sig": "0"}, "s", "rot13"), errors.SignatureError, "rot13"),
    ("verify_webhook body", lambda: vonage.verify_webhook("{not json", "s"), errors.WebhookError, ""),
    ("parse_send_response", lambda: vonage.parse_send_response("not json"), errors.SmsCodecError, ""),
    (
        "parse_send_response format",
        lambda: vonage.parse_send_response("{}", "yaml"),
        errors.SmsCodecError,
        "format",
    ),
    ("parse_inbound body", lambda: vonage.parse_inbound(b"\xff\xfe"), errors.WebhookError, ""),
    ("Reassembler", lambda: vonage.Reassembler(max_pending=0), errors.SmsCodecError, "max_pending"),
    ("basic_auth_header", lambda: vonage.basic_auth_header("a:b", "s"), errors.PayloadError, "api_key"),
]


@pytest.mark.parametrize(("label", "call", "cls", "name"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_bad_values_are_library_errors(
    label: str, call: Callable[[], object], cls: type[Exception], name: str
) -> None:
    with pytest.raises(cls) as info:
        call()
    assert isinstance(info.value, errors.SmsCodecError)
    assert isinstance(info.value, ValueError)
    assert name in str(info.value)


def test_decimal_context_independent() -> None:
    # Prices are exact whatever the caller's decimal context.
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        assert smscodec.estimate_cost(["a"] * 3, "0.0075") == Decimal("0.0225")
