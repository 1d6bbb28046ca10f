"""GSM 7-bit packing (TS 23.038 §6.1.2.1.1) with 0-6 fill bits (TS 23.040 §9.2.3.24)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec import (
    ArgumentError,
    DecodeError,
    _gsm7_py,
    decode_gsm7,
    encode_gsm7,
    pack_septets,
    unpack_septets,
)

Kernel = Callable[[str], ModuleType]
septet_strings = st.binary(max_size=300).map(lambda b: bytes(x & 0x7F for x in b))


def _reference_pack(septets: bytes, fill_bits: int) -> bytes:
    # The definition read literally: septet k's bit j is bit fill_bits + 7k + j of the
    # stream; octet m holds stream bits 8m (least significant) to 8m + 7; the fill bits
    # and the spare bits of the last octet are zero, and every bit takes its octet.
    total = fill_bits + 7 * len(septets)
    stream = [0] * (8 * ((total + 7) // 8))
    for k, septet in enumerate(septets):
        for j in range(7):
            stream[fill_bits + 7 * k + j] = (septet >> j) & 1
    return bytes(sum(stream[8 * m + b] << b for b in range(8)) for m in range(len(stream) // 8))


def test_hellohello_vector() -> None:
    # The classic example (TS 23.038 §6.1.2.1.1 and every PDU tutorial since).
    packed = pack_septets(encode_gsm7("hellohello"))
    assert packed.hex().upper() == "E8329BFD4697D9EC37"
    assert decode_gsm7(unpack_septets(bytes.fromhex("E8329BFD4697D9EC37"), 10)) == "hellohello"


@pytest.mark.parametrize(
    ("septets", "fill_bits", "packed"),
    [
        (b"", 0, ""),
        # No septets after fill bits (a header-only message): the fill bits' octet.
        (b"", 1, "00"),
        (b"", 6, "00"),
        (b"\x7f", 0, "7F"),
        (b"\x7f", 1, "FE"),
        (b"\x01", 6, "4000"),  # bit 0 of the septet lands on bit 6, the rest in octet 2
        (b"\x7f", 2, "FC01"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08", 0, "01C18050301C10"),  # 8 septets in 7 octets
        (b"\x41", 0, "41"),
        (b"\x41\x42", 0, "4121"),
        (b"\x41\x42", 1, "8242"),
    ],
)
def test_known_vectors(kernel: Kernel, septets: bytes, fill_bits: int, packed: str) -> None:
    k = kernel("gsm7")
    assert k.pack_septets(septets, fill_bits).hex().upper() == packed
    assert _reference_pack(septets, fill_bits).hex().upper() == packed
    assert k.unpack_septets(bytes.fromhex(packed), len(septets), fill_bits) == septets


@pytest.mark.parametrize("fill_bits", range(7))
@given(septets=septet_strings)
def test_round_trip_every_fill(kernel: Kernel, fill_bits: int, septets: bytes) -> None:
    k = kernel("gsm7")
    packed = k.pack_septets(septets, fill_bits)
    assert packed == _reference_pack(septets, fill_bits)
    assert len(packed) == (fill_bits + 7 * len(septets) + 7) // 8
    assert k.unpack_septets(packed, len(septets), fill_bits) == septets
    # count=None: every whole septet, which is one 0x00 more when 7 spare bits end the data.
    everything = k.unpack_septets(packed, -1, fill_bits)
    if (fill_bits + 7 * len(septets)) % 8 == 1:
        assert everything == septets + b"\x00"
    else:
        assert everything == septets


@pytest.mark.parametrize("fill_bits", range(7))
@pytest.mark.parametrize("length", range(10))
def test_octets_for_every_fill_and_short_length(kernel: Kernel, fill_bits: int, length: int) -> None:
    # ceil((fill_bits + 7 * length) / 8) octets (TS 23.038 §6.1.2.1.1, TS 23.040 §9.2.3.24),
    # length 0 included: fill bits alone take one octet.
    k = kernel("gsm7")
    septets = bytes((0x41 + 13 * i) & 0x7F for i in range(length))
    expected = -(-(fill_bits + 7 * length) // 8)
    packed = k.pack_septets(septets, fill_bits)
    assert len(packed) == expected
    assert packed == _reference_pack(septets, fill_bits)
    # The fill bits are zero: the stream shifted back down is the septets' bits alone.
    assert int.from_bytes(packed, "little") & ((1 << fill_bits) - 1) == 0
    assert k.unpack_septets(packed, length, fill_bits) == septets
    # count=None reads every whole septet: one 0x00 more exactly when 7 spare bits end it.
    extra = b"\x00" if (fill_bits + 7 * length) % 8 == 1 else b""
    assert k.unpack_septets(packed, -1, fill_bits) == septets + extra
    assert pack_septets(septets, fill_bits) == packed


@pytest.mark.parametrize("fill_bits", range(7))
def test_header_only_message(kernel: Kernel, fill_bits: int) -> None:
    # A 7-bit message that is all header: the header's octets, then fill bits up to the
    # next septet boundary (TS 23.040 §9.2.3.24), then no text.  TP-UDL (§9.2.3.16) counts
    # the header's septets, fill bits included, and the user data holds
    # ceil(7 * TP-UDL / 8) octets: one more than the header whenever fill bits are needed.
    k = kernel("gsm7")
    header_octets = next(h for h in range(1, 141) if (7 - 8 * h % 7) % 7 == fill_bits)
    udl = -(-8 * header_octets // 7)
    body = k.pack_septets(b"", fill_bits)
    assert header_octets + len(body) == -(-7 * udl // 8)
    assert body == (b"\x00" if fill_bits else b"")
    # Read back with the septet count that TP-UDL leaves for the text: nothing.
    assert k.unpack_septets(body, 0, fill_bits) == b""
    assert decode_gsm7(unpack_septets(body, 0, fill_bits)) == ""


@given(septets=septet_strings, fill_bits=st.integers(0, 6))
def test_twins_agree(kernel: Kernel, septets: bytes, fill_bits: int) -> None:
    # The live kernel and the pure one give the very same octets, and each reads the
    # other's back (empty septets included, for every fill).
    k = kernel("gsm7")
    packed = k.pack_septets(septets, fill_bits)
    assert packed == _gsm7_py.pack_septets(septets, fill_bits)
    assert _gsm7_py.unpack_septets(packed, len(septets), fill_bits) == septets
    assert k.unpack_septets(packed, -1, fill_bits) == _gsm7_py.unpack_septets(packed, -1, fill_bits)


@pytest.mark.parametrize("fill_bits", range(7))
@given(septets=septet_strings)
def test_public_round_trip(fill_bits: int, septets: bytes) -> None:
    packed = pack_septets(septets, fill_bits)
    assert unpack_septets(packed, len(septets), fill_bits) == septets
    assert unpack_septets(packed, fill_bits=fill_bits)[: len(septets)] == septets


def test_padding_ambiguity_extra_at_sign() -> None:
    # 7 septets fill 49 bits: 7 octets, whose last 7 bits look like an 8th septet, "@".
    text = "ABCDEFG"
    packed = pack_septets(encode_gsm7(text))
    assert len(packed) == 7
    assert decode_gsm7(unpack_septets(packed)) == text + "@"
    assert decode_gsm7(unpack_septets(packed, count=7)) == text


@pytest.mark.parametrize(
    ("length", "fill_bits", "count"),
    [(0, 0, 0), (1, 0, 1), (7, 0, 8), (1, 1, 1), (1, 2, 0), (2, 2, 2), (140, 0, 160), (140, 1, 159)],
)
def test_count_none_is_floor(length: int, fill_bits: int, count: int) -> None:
    # floor((8 * len - fill_bits) / 7); 140 octets carry 160 septets (TS 23.040 §9.2.3.24).
    assert len(unpack_septets(bytes(length), fill_bits=fill_bits)) == count


def test_count_beyond_data_is_decode_error(kernel: Kernel) -> None:
    k = kernel("gsm7")
    with pytest.raises(DecodeError) as info:
        k.unpack_septets(bytes(7), 9, 0)
    assert info.value.position == 7
    assert "9 septets after 0 fill bits need 8 octets, but the data has 7" in str(info.value)
    with pytest.raises(DecodeError):
        k.unpack_septets(b"", 1, 0)
    with pytest.raises(DecodeError):
        k.unpack_septets(bytes(1), 1, 2)  # 2 + 7 bits do not fit in one octet


def test_pack_rejects_non_septets(kernel: Kernel) -> None:
    k = kernel("gsm7")
    with pytest.raises(DecodeError) as info:
        k.pack_septets(b"ab\x80", 0)
    assert info.value.position == 2
    assert "byte 0x80 at position 2 is not a septet" in str(info.value)


@pytest.mark.parametrize("fill_bits", [-1, 7, 8, 100])
def test_fill_bits_out_of_range(kernel: Kernel, fill_bits: int) -> None:
    k = kernel("gsm7")
    for call in (lambda: pack_septets(b"a", fill_bits), lambda: unpack_septets(b"a", None, fill_bits)):
        with pytest.raises(ArgumentError) as info:
            call()
        assert info.value.argument == "fill_bits"
    # The kernels refuse it themselves too (they shift by it).
    with pytest.raises(ArgumentError, match="fill_bits must be 0-6"):
        k.pack_septets(b"a", fill_bits)
    with pytest.raises(ArgumentError, match="fill_bits must be 0-6"):
        k.unpack_septets(b"a", -1, fill_bits)


def test_negative_count() -> None:
    with pytest.raises(ArgumentError) as info:
        unpack_septets(b"abc", -1)
    assert info.value.argument == "count"


@pytest.mark.parametrize(
    "call",
    [
        lambda: pack_septets("abc"),
        lambda: pack_septets(None),
        lambda: pack_septets(b"a", 1.0),
        lambda: pack_septets(b"a", True),
        lambda: pack_septets(b"a", "1"),
        lambda: unpack_septets("abc"),
        lambda: unpack_septets(b"a", 1.5),
        lambda: unpack_septets(b"a", True),
        lambda: unpack_septets(b"a", None, None),
    ],
)
def test_bad_types(call: Callable[[], object]) -> None:
    with pytest.raises(TypeError):
        call()


def test_bytes_like_inputs() -> None:
    assert pack_septets(bytearray(encode_gsm7("hellohello"))).hex() == "e8329bfd4697d9ec37"
    assert unpack_septets(memoryview(bytes.fromhex("E8329BFD4697D9EC37")), 10) == encode_gsm7("hellohello")


@pytest.mark.slow
def test_huge_round_trip() -> None:
    septets = bytes(range(128)) * 40_000  # 5 MB
    for fill_bits in (0, 3, 6):
        packed = pack_septets(septets, fill_bits)
        assert len(packed) == (fill_bits + 7 * len(septets) + 7) // 8
        assert unpack_septets(packed, len(septets), fill_bits) == septets
