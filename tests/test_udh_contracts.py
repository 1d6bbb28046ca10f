"""Hostile input to ``smscodec.udh`` and its size limit at the edge (TS 23.040 §9.2.3.24)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile import blobs, error_of, hostile
from smscodec import udh
from smscodec.errors import UdhError


@hostile
@given(data=blobs | st.binary(max_size=20))
def test_udh_parse_hostile(data: bytes) -> None:
    error = error_of(lambda: udh.parse(data))
    if error is not None:
        assert isinstance(error, UdhError)
        assert 0 <= error.offset < max(1, len(data))
        return
    elements = udh.parse(data)
    header = data[: 1 + data[0]]
    if len(header) <= udh.MAX_OCTETS:
        assert udh.build(elements) == header


def test_udh_build_limit() -> None:
    element = udh.InformationElement(0x70, bytes(136))
    assert len(udh.build([element])) == 139
    with pytest.raises(UdhError, match="140"):
        udh.build([element, udh.InformationElement(0x71, b"")])
