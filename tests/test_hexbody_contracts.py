"""Hostile input to ``smscodec.hexbody``: strict hex parses or raises the library's own error."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import smscodec
from hostile import hostile, only_ours, texts


@hostile
@given(text=texts | st.text(alphabet="0123456789abcdefABCDEF xg", max_size=60))
def test_from_hex_hostile(text: str) -> None:
    result = only_ours(smscodec.from_hex, text)
    assert result is None or smscodec.to_hex(result) == text.lower()
