"""Threads in ``smscodec.segments`` and the scalar kernels under it.

* The scalar kernels (segments, with the GSM-7 and signing calls a sender makes around
  them) keep no shared mutable state: results from a pool equal the sequential ones.
* ``split``'s reference counter hands out distinct values under contention.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import smscodec
from concurrency import THREADS, mixed_texts, switch_often, together
from smscodec import signing


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    with switch_often():
        yield


def _scalar_work(texts: list[str]) -> list[Any]:
    out: list[Any] = []
    for text in texts:
        info = smscodec.analyze(text, smart=True, languages=("turkish",))
        septets = smscodec.encode_gsm7(text, "replace")
        out.append(
            (
                smscodec.count_segments(text),
                info,
                smscodec.is_gsm7(text),
                smscodec.non_gsm7_chars(text),
                septets,
                smscodec.decode_gsm7(septets),
                smscodec.unpack_septets(smscodec.pack_septets(septets, 3), len(septets), 3),
                [(p.text, p.payload, p.udh) for p in smscodec.split(text, reference=7)],
                signing.sign(
                    {"text": text.encode("utf-8", "replace").decode(), "n": len(text)}, "s3cret", "sha256"
                ),
            )
        )
    return out


def test_scalar_kernels_in_threads_match_sequential() -> None:
    texts = mixed_texts(400, seed=5)
    expected = _scalar_work(texts)
    # Each thread starts at a different message, so the threads work on different texts
    # at any moment; the rotation is undone when comparing.
    results = together(lambda i: _scalar_work(texts[i:] + texts[:i]))
    for i, got in enumerate(results):
        assert got == expected[i:] + expected[:i]


# --- split's reference counter -----------------------------------------------------------


def test_split_references_are_distinct_under_contention() -> None:
    text = "x" * 400  # three parts: every call draws one reference
    per_thread = 400

    def draw(_: int) -> list[int]:
        refs = []
        for _ in range(per_thread):
            parts = smscodec.split(text, reference_bits=16)
            (concat,) = [e for e in smscodec.udh.parse(parts[0].udh) if isinstance(e, smscodec.udh.Concat)]
            assert all(smscodec.udh.parse(p.udh)[0] == smscodec.udh.Concat(concat.reference, 3, k + 1, 16)
                       for k, p in enumerate(parts))  # fmt: skip
            refs.append(concat.reference)
        return refs

    drawn = [ref for refs in together(draw) for ref in refs]
    assert len(drawn) == THREADS * per_thread
    assert len(set(drawn)) == len(drawn)  # 2400 draws from a 16-bit counter: no repeats
