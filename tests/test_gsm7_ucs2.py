"""UCS-2 as SMS carries it: UTF-16BE with surrogate pairs (TS 23.038 §6.2.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec import DecodeError, EncodingError, decode_ucs2, encode_ucs2


@pytest.mark.parametrize(
    ("text", "hex_"),
    [
        ("", ""),
        ("A", "0041"),
        ("Δ€", "039420AC"),
        ("😀", "D83DDE00"),  # U+1F600: a surrogate pair, two 16-bit units
        ("a😀b", "0061D83DDE000062"),
        ("\U0010ffff", "DBFFDFFF"),
        ("\ufeff", "FEFF"),  # a BOM is an ordinary character here: no BOM is written or eaten
    ],
)
def test_vectors(text: str, hex_: str) -> None:
    assert encode_ucs2(text).hex().upper() == hex_
    assert decode_ucs2(bytes.fromhex(hex_)) == text


@pytest.mark.parametrize("special", ["Δ", "€", "😀", "Ç", "ß"])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_round_trip_special_positions(special: str, where: str) -> None:
    body = "Message text, ünïcödé and more "
    text = {"start": special + body, "middle": body + special + body, "end": body + special}[where]
    assert decode_ucs2(encode_ucs2(text)) == text


@given(st.text(max_size=300))
def test_round_trip_property(text: str) -> None:
    data = encode_ucs2(text)
    assert data == text.encode("utf-16-be")
    assert len(data) == 2 * sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
    assert decode_ucs2(data) == text


@pytest.mark.parametrize(
    ("hex_", "position", "what"),
    [
        ("00", 0, "odd length"),
        ("004100", 2, "odd length"),
        ("D800", 0, "high surrogate 0xD800 at position 0"),
        ("D83D0041", 0, "high surrogate 0xD83D at position 0"),
        ("D83DDE", 0, "high surrogate 0xD83D at position 0"),  # truncated pair
        ("0041DC00", 2, "low surrogate 0xDC00 at position 2"),
        ("DE00D83D", 0, "low surrogate 0xDE00 at position 0"),  # pair in the wrong order
        ("D83DDE0000", 4, "odd length"),
        ("0041D800DC00DC00", 6, "low surrogate 0xDC00 at position 6"),
    ],
)
def test_decode_errors(hex_: str, position: int, what: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_ucs2(bytes.fromhex(hex_))
    assert info.value.position == position
    assert what in str(info.value)


@given(st.binary(max_size=64))
def test_decode_raises_only_decode_error(data: bytes) -> None:
    try:
        expected = data.decode("utf-16-be")
    except UnicodeDecodeError:
        with pytest.raises(DecodeError) as info:
            decode_ucs2(data)
        assert 0 <= info.value.position < len(data)
    else:
        assert decode_ucs2(data) == expected


@pytest.mark.parametrize(("text", "position"), [("\ud800", 0), ("ab\udfff", 2), ("\udc00\ud800", 0)])
def test_encode_lone_surrogate(text: str, position: int) -> None:
    with pytest.raises(EncodingError) as info:
        encode_ucs2(text)
    assert info.value.position == position
    assert info.value.char == text[position]
    assert "lone surrogate" in str(info.value)


def test_bad_types() -> None:
    with pytest.raises(TypeError, match="text must be str"):
        encode_ucs2(b"abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data must be bytes"):
        decode_ucs2("0041")  # type: ignore[arg-type]
    assert decode_ucs2(bytearray(b"\x00A")) == "A"
    assert decode_ucs2(memoryview(b"\x00A\x00B")[2:]) == "B"


@pytest.mark.slow
def test_huge() -> None:
    text = "Grüße 😀 ΔΩ € " * 300_000  # 4.2 M characters
    data = encode_ucs2(text)
    assert decode_ucs2(data) == text
    with pytest.raises(DecodeError) as info:
        decode_ucs2(data + b"\x00")
    assert info.value.position == len(data)
