"""The user data header parser and builder (TS 23.040 §9.2.3.24)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec import ArgumentError, UdhError, udh
from smscodec.udh import Concat, InformationElement, NationalLanguage, PortAddress


def test_vonage_port_addressing_example() -> None:
    # Vonage's binary SMS example: 16-bit application port addressing 0x1581 -> 0x1581.
    assert udh.parse(bytes.fromhex("06050415811581")) == [PortAddress(0x1581, 0x1581, 16)]
    element = udh.parse(bytes.fromhex("06050415811581"))[0]
    assert (element.iei, element.data) == (0x05, bytes.fromhex("15811581"))


def test_concat_helper() -> None:
    assert udh.concat(0x42, 3, 1) == bytes.fromhex("050003420301")
    assert udh.concat(0x1234, 3, 2, bits=16) == bytes.fromhex("06080412340302")
    assert udh.parse(udh.concat(0x1234, 3, 2, bits=16)) == [Concat(0x1234, 3, 2, 16)]


def test_typed_elements() -> None:
    header = bytes([15]) + bytes.fromhex("0003420301040201ff240101250106")
    assert udh.parse(header) == [
        Concat(0x42, 3, 1),
        PortAddress(1, 255, 8),
        NationalLanguage(1, False),
        NationalLanguage(6, True),
    ]
    generic = udh.parse(bytes.fromhex("0470020102"))
    assert generic == [InformationElement(0x70, b"\x01\x02")]
    assert type(generic[0]) is InformationElement


def test_octets_after_the_header_are_ignored() -> None:
    assert udh.parse(bytes.fromhex("0500034203014869")) == [Concat(0x42, 3, 1)]
    assert udh.parse(b"\x00rest") == []


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (b"", 0),  # no UDHL octet
        (bytes.fromhex("05000342"), 0),  # UDHL past the data
        (bytes.fromhex("0100"), 1),  # IEI without its length octet
        (bytes.fromhex("03000501"), 1),  # element overruns the header
        (bytes.fromhex("0604020102000501"), 5),  # second element overruns
        (bytes.fromhex("0400020101"), 1),  # concat with 2 data octets, not 3
        (bytes.fromhex("0408030101"), 1),  # 16-bit concat with 3, not 4
        (bytes.fromhex("050003010000"), 1),  # total 0
        (bytes.fromhex("050003010200"), 1),  # sequence 0
        (bytes.fromhex("050003010203"), 1),  # sequence above total
        (bytes.fromhex("097001ff080412340001"), 4),  # 16-bit concat total 0, second element
        (bytes.fromhex("050503158115"), 1),  # 16-bit ports with 3 octets
        (bytes.fromhex("040403010203"), 1),  # 8-bit ports with 3 octets
        (bytes.fromhex("0424020101"), 1),  # single shift with 2 octets
        (bytes.fromhex("022500"), 1),  # locking shift with 0 octets
    ],
)
def test_malformed_headers(data: bytes, offset: int) -> None:
    with pytest.raises(UdhError) as exc:
        udh.parse(data)
    assert exc.value.offset == offset
    assert isinstance(exc.value, ValueError)


def test_parse_rejects_non_bytes() -> None:
    with pytest.raises(TypeError):
        udh.parse("050003420301")  # type: ignore[arg-type]
    assert udh.parse(bytearray(b"\x00")) == []


def test_build() -> None:
    assert udh.build([]) == b"\x00"
    assert udh.build([PortAddress(0x1581, 0x1581), Concat(1, 2, 1)]) == bytes.fromhex(
        "0b0504158115810003010201"
    )
    big = InformationElement(0x70, bytes(137))
    assert len(udh.build([big])) == 140
    with pytest.raises(UdhError) as exc:
        udh.build([InformationElement(0x70, bytes(100)), InformationElement(0x71, bytes(40))])
    assert exc.value.offset == 103
    with pytest.raises(TypeError):
        udh.build([b"\x00\x03\x01\x01\x01"])  # type: ignore[list-item]


def test_construction_checks() -> None:
    with pytest.raises(ArgumentError) as exc:
        Concat(256, 2, 1)
    assert exc.value.argument == "reference"
    assert Concat(65535, 2, 1, bits=16).data == bytes.fromhex("ffff0201")
    with pytest.raises(ArgumentError):
        Concat(1, 0, 1)
    with pytest.raises(ArgumentError):
        Concat(1, 2, 3)
    with pytest.raises(ArgumentError):
        Concat(1, 2, 0)
    with pytest.raises(ArgumentError):
        Concat(1, 2, 1, bits=12)
    with pytest.raises(ArgumentError):
        PortAddress(256, 1, bits=8)
    with pytest.raises(ArgumentError):
        PortAddress(65536, 1)
    with pytest.raises(ArgumentError):
        InformationElement(256, b"")
    with pytest.raises(ArgumentError):
        InformationElement(1, bytes(256))
    with pytest.raises(TypeError):
        Concat("1", 2, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        NationalLanguage(1, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        InformationElement(1, "ab")  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        Concat(1, 2, 1).total = 3  # type: ignore[misc]


@given(st.binary(max_size=300))
def test_parse_is_total(data: bytes) -> None:
    # Every input either parses (and builds back to the header octets) or raises UdhError
    # pointing inside the data; nothing else escapes.
    error: UdhError | None = None
    try:
        elements = udh.parse(data)
    except UdhError as exc:
        error = exc
    if error is None:
        assert udh.build(elements) == data[: 1 + data[0]]
    else:
        assert 0 <= error.offset < max(1, len(data))


_generic = st.builds(
    InformationElement,
    st.integers(0, 255).filter(lambda i: i not in (0x00, 0x04, 0x05, 0x08, 0x24, 0x25)),
    st.binary(max_size=12),
)
_concat = st.integers(1, 255).flatmap(
    lambda total: st.builds(Concat, st.integers(0, 255), st.just(total), st.integers(1, total), st.just(8))
)
_concat16 = st.builds(Concat, st.integers(0, 65535), st.just(5), st.just(5), st.just(16))
_ports = st.one_of(
    st.builds(PortAddress, st.integers(0, 255), st.integers(0, 255), st.just(8)),
    st.builds(PortAddress, st.integers(0, 65535), st.integers(0, 65535), st.just(16)),
)
_shift = st.builds(NationalLanguage, st.integers(0, 255), st.booleans())


@given(st.lists(st.one_of(_generic, _concat, _concat16, _ports, _shift), max_size=8))
def test_build_parse_round_trip(elements: list[InformationElement]) -> None:
    data = udh.build(elements)
    assert data[0] == len(data) - 1
    assert udh.parse(data) == elements
