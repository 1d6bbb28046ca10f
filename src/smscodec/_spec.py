"""The numbers of TS 23.038 / TS 23.040 that segment counting rests on, each defined once.

Every layer takes them from here: the public modules, the option plans and the pure
kernel twins import this module; the compiled kernels ``cimport`` the same values from
``_spec.pxd``, and ``tests/test_spec.py`` checks the two agree.

Theory of operation
-------------------
An SMS carries at most :data:`USER_DATA_OCTETS` octets of user data (TS 23.040
§9.2.3.16 TP-UDL, §9.2.3.24 TP-UD).  A user data header, when present, comes first and
takes ``UDHL_OCTETS + UDHL`` octets of them.  What is left holds

* GSM-7: ``floor((140 - header octets) * 8 / 7)`` septets.  The septets after a header
  start on a septet boundary (§9.2.3.24: fill bits pad the header to whole septets):
  160 with no header, 153 with the 6-octet 8-bit concatenation header;
* UCS-2: ``floor((140 - header octets) / 2)`` UTF-16 code units: 70 / 67;
* 8-bit data: ``140 - header octets`` octets: 140 / 134.

:func:`capacity` is that rule; :func:`header_room` is the "does a caller's header leave
room" rule: every part must still hold one two-unit item (an escape pair or a surrogate
pair, :data:`MIN_ITEM_OCTETS`) after the caller's header, the concatenation element and,
with national language tables, both shift elements.
"""

from __future__ import annotations

__all__ = [
    "CONCAT_OCTETS",
    "DCS_8BIT",
    "DCS_GSM7",
    "DCS_UCS2",
    "ESCAPE",
    "IEI_CONCAT_8",
    "IEI_CONCAT_16",
    "IEI_LOCKING_SHIFT",
    "IEI_PORT_8",
    "IEI_PORT_16",
    "IEI_SINGLE_SHIFT",
    "MAX_PARTS",
    "MIN_ITEM_OCTETS",
    "REFERENCE_BITS",
    "SEPTET_BITS",
    "SHIFT_IE_OCTETS",
    "UDHI",
    "UDHL_OCTETS",
    "USER_DATA_OCTETS",
    "binary_capacity",
    "capacity",
    "fill_bits",
    "header_room",
]

#: TS 23.040 §9.2.3.16 / §9.2.3.24: octets of user data one SMS carries (TP-UDL limit).
USER_DATA_OCTETS = 140
#: TS 23.040 §9.2.3.24: the user data header length octet (UDHL) that starts a header.
UDHL_OCTETS = 1
#: TS 23.040 §9.2.3.24.1: the concatenation element's total is one octet.
MAX_PARTS = 255
#: TS 23.040 §9.2.3.24.1 / §9.2.3.24.8: octets of the concatenation element (IEI, IEDL,
#: reference, total, sequence) by reference width: IEI 0x00 (8-bit), 0x08 (16-bit).
CONCAT_OCTETS: dict[int, int] = {8: 5, 16: 6}
#: TS 23.040 §9.2.3.24: information element identifiers this library reads and writes.
IEI_CONCAT_8 = 0x00  # §9.2.3.24.1: concatenated short messages, 8-bit reference
IEI_PORT_8 = 0x04  # §9.2.3.24.3: application port addressing, 8-bit ports
IEI_PORT_16 = 0x05  # §9.2.3.24.4: application port addressing, 16-bit ports
IEI_CONCAT_16 = 0x08  # §9.2.3.24.8: concatenated short messages, 16-bit reference
IEI_SINGLE_SHIFT = 0x24  # §9.2.3.24.15: national language single shift
IEI_LOCKING_SHIFT = 0x25  # §9.2.3.24.16: national language locking shift
#: The reference widths a concatenation element can have.
REFERENCE_BITS = (8, 16)
#: TS 23.040 §9.2.3.24.15-16: a national language shift element is IEI + IEDL + identifier.
SHIFT_IE_OCTETS = 3
#: TS 23.038 §6.2.1.1: the septet that escapes to the single shift (extension) table.
ESCAPE = 0x1B
#: TS 23.038 §6.1.2.1: bits per GSM 7-bit character.
SEPTET_BITS = 7
#: Every part must hold one two-unit item: an escape pair (2 septets) or a UTF-16
#: surrogate pair (2 units = 4 octets, the larger of the two).
MIN_ITEM_OCTETS = 4
#: TS 23.038 §4, general data coding group (00xx) with no message class: the data coding
#: scheme octet of each alphabet (bits 3-2: 00 GSM 7-bit default alphabet, 01 8-bit data,
#: 10 UCS2).  SMPP 3.4 §5.2.19 ``data_coding`` gives 0x04 and 0x08 the same meaning; its
#: 0x00 is "SMSC default alphabet", GSM-7 on GSM routes.
DCS_GSM7 = 0x00
DCS_8BIT = 0x04
DCS_UCS2 = 0x08
#: TS 23.040 §9.2.3.23 TP-UDHI, carried as bit 6 of SMPP 3.4 §5.2.12 ``esm_class``: the
#: user data starts with a header.
UDHI = 0x40


def capacity(header: int, extra: int, ucs2: bool | int) -> int:
    """Units one part carries: ``header`` octets of the caller's header (UDHL included,
    0 for none) plus ``extra`` octets of elements the library adds.

    A UDHL octet is counted when the caller has no header but elements are added.
    GSM-7: ``floor((140 - octets) * 8 / 7)`` septets (160, 153, 152, ...); UCS-2 (``ucs2``
    true): ``floor((140 - octets) / 2)`` UTF-16 units (70, 67, 66, ...).  Never negative.
    """
    octets = header if extra == 0 else (header or UDHL_OCTETS) + extra
    free = max(0, USER_DATA_OCTETS - octets)
    return free // 2 if ucs2 else free * 8 // SEPTET_BITS


def binary_capacity(header: int, extra: int) -> int:
    """Octets of 8-bit data one part carries, with the same header accounting as :func:`capacity`."""
    octets = header if extra == 0 else (header or UDHL_OCTETS) + extra
    return max(0, USER_DATA_OCTETS - octets)


def header_room(concat: int, national: bool) -> int:
    """The most octets a caller's own header may take so that every part still holds one
    two-unit item after it, the ``concat``-octet concatenation element and, when
    ``national`` tables are enabled, both shift elements."""
    shifts = 2 * SHIFT_IE_OCTETS if national else 0
    return USER_DATA_OCTETS - MIN_ITEM_OCTETS - concat - shifts


def fill_bits(header_octets: int) -> int:
    """Fill bits after a ``header_octets``-octet header so that the septets start on a
    septet boundary (TS 23.040 §9.2.3.24): 0 with no header, 1 after 6 octets."""
    return (SEPTET_BITS - (8 * header_octets) % SEPTET_BITS) % SEPTET_BITS
