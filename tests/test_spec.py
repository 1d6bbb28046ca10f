"""The TS 23.038 / 23.040 numbers of ``smscodec._spec`` are the ones every layer uses: the
compiled kernels (built from ``_spec.pxd``) agree with ``_spec.py`` value for value and
rule for rule, and the rules give the spec's own figures."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

from smscodec import _spec, udh

Kernel = Callable[[str], ModuleType]


def test_compiled_values_equal_the_python_definition(kernel: Kernel) -> None:
    values = kernel("segments").SPEC_VALUES
    assert values == {name: getattr(_spec, name) for name in values}
    assert set(values) >= {"USER_DATA_OCTETS", "MAX_PARTS", "CONCAT_OCTETS", "SHIFT_IE_OCTETS", "ESCAPE"}


def test_capacity_rule_agrees_in_both_twins_for_every_header(kernel: Kernel) -> None:
    k = kernel("segments")
    for header in range(141):
        for extra in (0, 3, 5, 6, 8, 9, 11, 12):
            for ucs2 in (0, 1):
                assert k.capacity(header, extra, ucs2) == _spec.capacity(header, extra, ucs2)


def test_header_room_agrees_in_both_twins(kernel: Kernel) -> None:
    k = kernel("segments")
    for concat in (5, 6):
        for national in (False, True):
            assert k.header_room_of(concat, national) == _spec.header_room(concat, national)


@pytest.mark.parametrize(
    ("header", "extra", "ucs2", "units"),
    [
        (0, 0, False, 160),  # TS 23.038 §6.1.2.1: 140 octets * 8 / 7
        (0, 5, False, 153),  # 8-bit concatenation: UDHL + 5 octets -> 153 septets
        (0, 6, False, 152),  # 16-bit concatenation
        (0, 3, False, 155),  # one national language shift element
        (0, 5 + 3, False, 149),
        (0, 5 + 6, False, 146),  # 8-bit concatenation and both shift elements
        (0, 6 + 6, False, 145),
        (0, 0, True, 70),
        (0, 5, True, 67),
        (0, 6, True, 66),
        (6, 0, False, 153),  # a caller's 6-octet header (UDHL included)
        (140, 0, False, 0),
        (140, 5, True, 0),  # never negative
    ],
)
def test_capacity_gives_the_spec_figures(header: int, extra: int, ucs2: bool, units: int) -> None:
    assert _spec.capacity(header, extra, ucs2) == units


def test_binary_capacity_and_room() -> None:
    assert _spec.binary_capacity(0, 0) == 140
    assert _spec.binary_capacity(0, 5) == 134
    assert _spec.binary_capacity(0, 6) == 133
    # A part keeps room for a surrogate pair (4 octets) after the caller's header, the
    # concatenation element and both shift elements.
    assert _spec.header_room(5, False) == 140 - 4 - 5
    assert _spec.header_room(6, True) == 140 - 4 - 6 - 6


@pytest.mark.parametrize(("octets", "bits"), [(0, 0), (1, 6), (6, 1), (7, 0), (3, 4), (12, 2), (140, 0)])
def test_fill_bits_pad_the_header_to_a_septet_boundary(octets: int, bits: int) -> None:
    assert _spec.fill_bits(octets) == bits
    assert (8 * octets + _spec.fill_bits(octets)) % 7 == 0


def test_udh_module_uses_the_same_identifiers() -> None:
    assert (udh.IEI_CONCAT_8, udh.IEI_CONCAT_16) == (0x00, 0x08)
    assert (udh.IEI_SINGLE_SHIFT, udh.IEI_LOCKING_SHIFT) == (0x24, 0x25)
    assert udh.MAX_OCTETS == _spec.USER_DATA_OCTETS
