"""Hostile input to the GSM-7 and UCS-2 functions of ``smscodec.gsm7`` and their kernels.

Random bytes go into decoding, packing and unpacking: the result is a typed value or the
library's own error, never anything else, and the compiled and pure twins agree on the
result or on the error's type and message (``kernel`` fixture).  Then regression tests
for bugs the fuzzers found (see SECURITY.md).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import smscodec
from hostile import Kernel, blobs, hostile, only_ours, twins


@hostile
@given(data=blobs, mode=st.sampled_from(["strict", "replace", "ignore"]))
def test_decode_gsm7_hostile(kernel: Kernel, data: bytes, mode: str) -> None:
    twins(kernel, "gsm7", "decode_gsm7", data, ("strict", "replace", "ignore").index(mode))
    result = only_ours(smscodec.decode_gsm7, data, mode)
    assert result is None or isinstance(result, str)


@hostile
@given(
    data=blobs,
    count=st.none() | st.integers(min_value=0, max_value=4000) | st.integers(min_value=0, max_value=2**70),
    fill_bits=st.integers(min_value=-2, max_value=9),
)
def test_unpack_septets_hostile(data: bytes, count: int | None, fill_bits: int) -> None:
    result = only_ours(smscodec.unpack_septets, data, count, fill_bits)
    if result is not None:
        assert all(b < 0x80 for b in result)


@hostile
@given(data=blobs, count=st.integers(min_value=-1, max_value=2**63 - 1), fill_bits=st.integers(0, 6))
def test_unpack_septets_twins(kernel: Kernel, data: bytes, count: int, fill_bits: int) -> None:
    twins(kernel, "gsm7", "unpack_septets", data, count, fill_bits)


@hostile
@given(septets=blobs, fill_bits=st.integers(min_value=0, max_value=6))
def test_pack_septets_hostile(kernel: Kernel, septets: bytes, fill_bits: int) -> None:
    twins(kernel, "gsm7", "pack_septets", septets, fill_bits)


@hostile
@given(data=blobs)
def test_decode_ucs2_hostile(data: bytes) -> None:
    result = only_ours(smscodec.decode_ucs2, data)
    assert result is None or smscodec.encode_ucs2(result) == data


# --- regressions (each from a fuzzer finding; see SECURITY.md) ------------------------------


@pytest.mark.parametrize("count", [2**62, 2**63 - 1, 2**63, 2**64, 2**100])
def test_unpack_septets_huge_count_is_a_decode_error(count: int) -> None:
    # Found by fuzz target unpack_septets: the compiled kernel raised OverflowError for a count
    # past Py_ssize_t and computed the octets needed with an overflowing 7 * count below it.
    with pytest.raises(
        smscodec.DecodeError, match=f"^{count} septets after 0 fill bits need {(7 * count + 7) // 8} octets"
    ):
        smscodec.unpack_septets(b"\x01\x02", count)


def test_unpack_septets_huge_count_twins_agree(kernel: Kernel) -> None:
    for count in (2**60, 2**62, 2**63 - 1):
        twins(kernel, "gsm7", "unpack_septets", b"ab", count, 3)
