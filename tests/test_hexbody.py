"""Strict hex (smscodec.hexbody): an even number of [0-9A-Fa-f] and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec import HexError, from_hex, to_hex


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("", b""),
        ("00", b"\x00"),
        ("ff", b"\xff"),
        ("FF", b"\xff"),
        ("0aFb", b"\x0a\xfb"),
        ("E8329BFD", b"\xe8\x32\x9b\xfd"),
    ],
)
def test_valid(text: str, data: bytes) -> None:
    assert from_hex(text) == data


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("0x12", 1),  # no 0x prefix
        (" 12", 0),  # no whitespace, which bytes.fromhex would skip
        ("12 34", 2),
        ("1234 ", 4),
        ("12\n", 2),
        ("12\t34", 2),
        ("1", 0),  # odd length: the last character
        ("123", 2),
        ("zz", 0),
        ("1g", 1),
        ("0G", 1),
        ("١٢", 0),  # Arabic-Indic digits: isdigit(), but not hex
        ("１２", 0),  # fullwidth digits
        ("ａｂ", 0),  # fullwidth letters
        ("12é4", 2),
        ("abc-", 3),
        ("12\x00", 2),
        ("+1", 0),
        ("1_2", 1),  # int() would accept underscores
        ("123z", 3),  # a bad character beats the odd length
    ],
)
def test_strict_positions(text: str, position: int) -> None:
    with pytest.raises(HexError) as info:
        from_hex(text)
    assert info.value.position == position
    assert isinstance(info.value, ValueError)
    assert f"position {position}" in str(info.value)


def test_messages() -> None:
    with pytest.raises(HexError, match=r"non-hex character 'x' at position 1"):
        from_hex("0x")
    with pytest.raises(HexError, match=r"odd-length hex string \(3 characters\)"):
        from_hex("abc")


@given(st.binary(max_size=200), st.booleans())
def test_round_trip(data: bytes, upper: bool) -> None:
    text = to_hex(data, upper=upper)
    assert text == (data.hex().upper() if upper else data.hex())
    assert from_hex(text) == data


@given(st.text(max_size=40))
def test_arbitrary_text_parses_or_raises_hex_error(text: str) -> None:
    strict_ok = len(text) % 2 == 0 and all(ch in "0123456789abcdefABCDEF" for ch in text)
    if strict_ok:
        assert from_hex(text) == bytes.fromhex(text)
    else:
        with pytest.raises(HexError) as info:
            from_hex(text)
        assert 0 <= info.value.position < len(text)


def test_to_hex() -> None:
    assert to_hex(b"\x00\xab") == "00ab"
    assert to_hex(b"\x00\xab", upper=True) == "00AB"
    assert to_hex(bytearray(b"\x01")) == "01"
    assert to_hex(memoryview(b"\x01\x02")[1:]) == "02"
    assert to_hex(b"") == ""


def test_bad_types() -> None:
    with pytest.raises(TypeError, match="text must be str"):
        from_hex(b"00")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data must be bytes"):
        to_hex("00")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="upper must be bool"):
        to_hex(b"", upper=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_hex(b"", True)  # type: ignore[misc]


@pytest.mark.slow
def test_huge() -> None:
    data = bytes(range(256)) * 16_384  # 4 MB
    text = to_hex(data)
    assert from_hex(text) == data
    with pytest.raises(HexError) as info:
        from_hex(text + "0")
    assert info.value.position == len(text)
    with pytest.raises(HexError) as info:
        from_hex(text[:-3] + "x" + text[-2:])
    assert info.value.position == len(text) - 3
