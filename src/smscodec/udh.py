"""The user data header: parse and build (3GPP TS 23.040 §9.2.3.24).

Theory of operation
-------------------
A header is a length octet (UDHL, §9.2.3.24) followed by that many octets of
information elements, each an identifier (IEI), a length (IEDL) and its data::

    UDHL | IEI IEDL data... | IEI IEDL data... | ...

``parse`` is strict and total: it reads exactly ``1 + data[0]`` octets, never past the
input, and either returns one element per IEI or raises :class:`UdhError` whose
``offset`` is 0 when the UDHL itself is at fault and the index of the element's IEI
octet otherwise.  Elements whose layout this module knows become typed subclasses:

========  ==============================================  ====================
IEI       meaning                                         class
========  ==============================================  ====================
``0x00``  concatenation, 8-bit reference (§9.2.3.24.1)    :class:`Concat`
``0x08``  concatenation, 16-bit reference (§9.2.3.24.8)   :class:`Concat`
``0x04``  application port, 8-bit (§9.2.3.24.3)           :class:`PortAddress`
``0x05``  application port, 16-bit (§9.2.3.24.4)          :class:`PortAddress`
``0x24``  national language single shift (§9.2.3.24.15)   :class:`NationalLanguage`
``0x25``  national language locking shift (§9.2.3.24.16)  :class:`NationalLanguage`
========  ==============================================  ====================

Any other IEI is a plain :class:`InformationElement` holding its raw octets.

Elements are frozen dataclasses that check their fields on construction: a value out
of range raises :class:`~smscodec.errors.ArgumentError` (a ``ValueError`` naming the
field), a wrong type ``TypeError``.  Faults found in *octets* (``parse``) and a header
too long to send (``build``) raise :class:`~smscodec.errors.UdhError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import _spec
from .errors import ArgumentError, UdhError

__all__ = [
    "IEI_CONCAT_8",
    "IEI_CONCAT_16",
    "IEI_LOCKING_SHIFT",
    "IEI_PORT_8",
    "IEI_PORT_16",
    "IEI_SINGLE_SHIFT",
    "MAX_OCTETS",
    "Concat",
    "InformationElement",
    "NationalLanguage",
    "PortAddress",
    "build",
    "concat",
    "parse",
]

# The identifiers are spec constants, defined once in smscodec._spec.
IEI_CONCAT_8 = _spec.IEI_CONCAT_8  # §9.2.3.24.1
IEI_PORT_8 = _spec.IEI_PORT_8  # §9.2.3.24.3
IEI_PORT_16 = _spec.IEI_PORT_16  # §9.2.3.24.4
IEI_CONCAT_16 = _spec.IEI_CONCAT_16  # §9.2.3.24.8
IEI_SINGLE_SHIFT = _spec.IEI_SINGLE_SHIFT  # §9.2.3.24.15
IEI_LOCKING_SHIFT = _spec.IEI_LOCKING_SHIFT  # §9.2.3.24.16

#: TS 23.040 §9.2.3.24: the whole header travels inside the 140 octets of user data.
MAX_OCTETS = _spec.USER_DATA_OCTETS


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not low <= value <= high:
        raise ArgumentError(f"{name} must be {low}-{high}, got {value}", argument=name)
    return value


def _check_bits(bits: object) -> int:
    if isinstance(bits, bool) or not isinstance(bits, int):
        raise TypeError(f"bits must be an int, not {type(bits).__name__}")
    if bits not in (8, 16):
        raise ArgumentError(f"bits must be 8 or 16, got {bits}", argument="bits")
    return bits


@dataclass(frozen=True)
class InformationElement:
    """One information element: its identifier and its raw data octets.

    Attributes:
        iei: the information element identifier, 0-255.
        data: the element's data (without IEI and length octets), at most 255 octets.
    """

    iei: int
    data: bytes

    def __post_init__(self) -> None:
        _check_int("iei", self.iei, 0, 255)
        if not isinstance(self.data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(self.data).__name__}")
        data = bytes(self.data)
        if len(data) > 255:
            raise ArgumentError(
                f"element data is {len(data)} octets; the length octet allows 255", argument="data"
            )
        object.__setattr__(self, "data", data)

    def to_bytes(self) -> bytes:
        """The element as sent: IEI, length, data."""
        return bytes((self.iei, len(self.data))) + self.data


@dataclass(frozen=True)
class Concat(InformationElement):
    """Concatenated short message (IEI 0x00 with an 8-bit reference, 0x08 with a 16-bit one).

    Attributes:
        reference: the message reference shared by every part (0-255, or 0-65535 with ``bits=16``).
        total: how many parts the message has, 1-255.
        sequence: this part's number, 1-``total``.
        bits: 8 or 16, the width of ``reference``.
    """

    iei: int = field(init=False)
    data: bytes = field(init=False)
    reference: int
    total: int
    sequence: int
    bits: int = 8

    def __post_init__(self) -> None:
        bits = _check_bits(self.bits)
        _check_int("reference", self.reference, 0, (1 << bits) - 1)
        _check_int("total", self.total, 1, 255)
        _check_int("sequence", self.sequence, 1, self.total)
        if bits == 8:
            object.__setattr__(self, "iei", IEI_CONCAT_8)
            head = bytes((self.reference,))
        else:
            object.__setattr__(self, "iei", IEI_CONCAT_16)
            head = self.reference.to_bytes(2, "big")
        object.__setattr__(self, "data", head + bytes((self.total, self.sequence)))


@dataclass(frozen=True)
class PortAddress(InformationElement):
    """Application port addressing (IEI 0x04 with 8-bit ports, 0x05 with 16-bit ports).

    Attributes:
        destination: the destination port (0-255, or 0-65535 with ``bits=16``).
        source: the originator port, same range.
        bits: 8 or 16.
    """

    iei: int = field(init=False)
    data: bytes = field(init=False)
    destination: int
    source: int
    bits: int = 16

    def __post_init__(self) -> None:
        bits = _check_bits(self.bits)
        _check_int("destination", self.destination, 0, (1 << bits) - 1)
        _check_int("source", self.source, 0, (1 << bits) - 1)
        width = bits // 8
        object.__setattr__(self, "iei", IEI_PORT_8 if bits == 8 else IEI_PORT_16)
        object.__setattr__(
            self, "data", self.destination.to_bytes(width, "big") + self.source.to_bytes(width, "big")
        )


@dataclass(frozen=True)
class NationalLanguage(InformationElement):
    """A national language shift (IEI 0x24 single shift, 0x25 locking shift).

    Attributes:
        language: the TS 23.038 §6.2.1.2.4 national language identifier (1-13 are
            defined; other values are reserved and kept as read).
        locking: True for the locking shift (0x25), False for the single shift (0x24).
    """

    iei: int = field(init=False)
    data: bytes = field(init=False)
    language: int
    locking: bool

    def __post_init__(self) -> None:
        _check_int("language", self.language, 0, 255)
        if not isinstance(self.locking, bool):
            raise TypeError(f"locking must be a bool, not {type(self.locking).__name__}")
        object.__setattr__(self, "iei", IEI_LOCKING_SHIFT if self.locking else IEI_SINGLE_SHIFT)
        object.__setattr__(self, "data", bytes((self.language,)))


# Data lengths of the elements this module types (the IEDL they must carry).
_KNOWN_LENGTHS = {
    IEI_CONCAT_8: 3,
    IEI_CONCAT_16: 4,
    IEI_PORT_8: 2,
    IEI_PORT_16: 4,
    IEI_SINGLE_SHIFT: 1,
    IEI_LOCKING_SHIFT: 1,
}


def _typed(iei: int, data: bytes, offset: int) -> InformationElement:
    if iei in (IEI_CONCAT_8, IEI_CONCAT_16):
        wide = iei == IEI_CONCAT_16
        reference = int.from_bytes(data[:2], "big") if wide else data[0]
        total, sequence = data[-2], data[-1]
        if total == 0:
            raise UdhError(f"concatenation element at offset {offset}: total of parts is 0", offset=offset)
        if sequence == 0 or sequence > total:
            raise UdhError(
                f"concatenation element at offset {offset}: sequence {sequence} outside 1-{total}",
                offset=offset,
            )
        return Concat(reference, total, sequence, 16 if wide else 8)
    if iei in (IEI_PORT_8, IEI_PORT_16):
        half = len(data) // 2
        return PortAddress(
            int.from_bytes(data[:half], "big"),
            int.from_bytes(data[half:], "big"),
            8 if iei == IEI_PORT_8 else 16,
        )
    if iei in (IEI_SINGLE_SHIFT, IEI_LOCKING_SHIFT):
        return NationalLanguage(data[0], iei == IEI_LOCKING_SHIFT)
    return InformationElement(iei, data)


def parse(data: bytes) -> list[InformationElement]:
    """Parse a user data header that starts with its UDHL octet.

    Reads exactly ``1 + data[0]`` octets; whatever follows (the message text) is ignored.

    Returns:
        One element per IEI, typed where the layout is known (see the module docstring).

    Raises:
        TypeError: ``data`` is not bytes-like.
        UdhError: an empty input or a UDHL past the end of ``data`` (offset 0); an
            element whose length octet is missing or whose data overruns the header, a
            known element of the wrong length, a concatenation total of 0 or a sequence
            of 0 or above the total (offset: the element's IEI octet).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    raw = bytes(data)
    if not raw:
        raise UdhError("empty user data header: the UDHL octet is missing", offset=0)
    end = 1 + raw[0]
    if end > len(raw):
        raise UdhError(f"UDHL says {raw[0]} octets follow but only {len(raw) - 1} do", offset=0)
    elements: list[InformationElement] = []
    i = 1
    while i < end:
        iei = raw[i]
        if i + 1 >= end:
            raise UdhError(
                f"element 0x{iei:02X} at offset {i} has no length octet before the header ends", offset=i
            )
        length = raw[i + 1]
        if i + 2 + length > end:
            raise UdhError(
                f"element 0x{iei:02X} at offset {i} says {length} octets "
                f"but the header has {end - i - 2} left",
                offset=i,
            )
        expected = _KNOWN_LENGTHS.get(iei)
        if expected is not None and length != expected:
            raise UdhError(
                f"element 0x{iei:02X} at offset {i} has {length} data octets; expected {expected}", offset=i
            )
        elements.append(_typed(iei, raw[i + 2 : i + 2 + length], i))
        i += 2 + length
    return elements


def build(elements: Iterable[InformationElement]) -> bytes:
    """The header (UDHL first) carrying ``elements`` in order: the inverse of :func:`parse`.

    Returns:
        ``UDHL || element...``; ``b"\\x00"`` for no elements.

    Raises:
        TypeError: an item is not an :class:`InformationElement`.
        UdhError: the header would exceed 140 octets (offset: the IEI of the first element
            that does not fit).
    """
    out = bytearray(b"\x00")
    for element in elements:
        if not isinstance(element, InformationElement):
            raise TypeError(f"elements must be InformationElement, not {type(element).__name__}")
        octets = element.to_bytes()
        if len(out) + len(octets) > MAX_OCTETS:
            raise UdhError(
                f"element 0x{element.iei:02X} at offset {len(out)} makes the header "
                f"{len(out) + len(octets)} octets; at most {MAX_OCTETS} fit in a message",
                offset=len(out),
            )
        out += octets
    out[0] = len(out) - 1
    return bytes(out)


def concat(reference: int, total: int, sequence: int, bits: int = 8) -> bytes:
    """A whole header holding one concatenation element (IEI 0x00, or 0x08 with ``bits=16``).

    ``concat(0x42, 3, 1) == bytes.fromhex("050003420301")``.

    Raises:
        TypeError: a non-int argument.
        ArgumentError: ``bits`` not 8 or 16; ``reference`` outside 0-255 (0-65535);
            ``total`` outside 1-255; ``sequence`` outside 1-``total``.
    """
    return build([Concat(reference, total, sequence, bits)])
