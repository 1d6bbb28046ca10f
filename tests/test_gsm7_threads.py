"""Threads in ``smscodec.gsm7``: national tables built on first use are complete in every thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import smscodec
from concurrency import switch_often, together


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    with switch_often():
        yield


def test_national_tables_built_concurrently_on_first_use() -> None:
    # The compiled GSM-7 kernel builds each (locking, single shift) table pair the first
    # time it is asked for; threads asking together must all see complete tables.
    from smscodec import _gsm7_py

    text = "Ağır şey çğış ÇĞİŞ ₺ € [x] ऀऄ অআ Ⴀ à ñ 123 @£$"
    pairs = [(lk, ss) for lk in range(14) for ss in range(14) if lk != 2]  # Spanish: no locking table

    def expected(lk: int, ss: int) -> tuple[bytes, str]:
        septets = _gsm7_py.encode_gsm7(text, _gsm7_py.REPLACE, locking_shift=lk, single_shift=ss)
        return septets, _gsm7_py.decode_gsm7(septets, _gsm7_py.STRICT, locking_shift=lk, single_shift=ss)

    want = {pair: expected(*pair) for pair in pairs}

    def work(i: int) -> dict[tuple[int, int], tuple[bytes, str]]:
        order = pairs[i * 29 % len(pairs) :] + pairs[: i * 29 % len(pairs)]
        out = {}
        for lk, ss in order:
            septets = smscodec.encode_gsm7(text, "replace", locking_shift=lk, single_shift=ss)
            out[lk, ss] = (septets, smscodec.decode_gsm7(septets, locking_shift=lk, single_shift=ss))
        return out

    for got in together(work):
        assert got == want
