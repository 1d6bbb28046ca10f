"""Threads in ``smscodec.batch``: the batch kernels release the GIL while counting.

Several Python threads counting at once, and ``threads=N`` inside one call, give exactly
the single-threaded counts, for every container, and an error names the same element.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import smscodec
from concurrency import mixed_texts, switch_often, together
from smscodec import batch

# Messages per batch test: the pure twins count ~50x slower and hold the GIL anyway.
BATCH_SIZE = 3000 if smscodec.USE_EXTENSIONS else 500


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    with switch_often():
        yield


OPTION_SETS: list[dict[str, Any]] = [
    {},
    {"encoding": "ucs2"},
    {"smart": True},
    {"languages": ("turkish", "portuguese")},
    {"reference_bits": 16},
]


def _containers(texts: list[str]) -> list[Any]:
    out: list[Any] = [texts, np.array(texts, dtype=str), np.array(texts, dtype=object)]
    try:
        import pyarrow as pa
    except ImportError:
        return out
    return [*out, pa.array(texts), pa.chunked_array([texts[:99], texts[99:]], type=pa.large_string())]


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: ",".join(o) or "default")
def test_batch_threads_match_sequential(options: dict[str, Any]) -> None:
    texts = mixed_texts(BATCH_SIZE)
    expected = np.array([smscodec.count_segments(t, **options) for t in texts], dtype=np.int32)
    for source in _containers(texts):
        assert np.array_equal(batch.count_segments(source, **options), expected)

        # Several Python threads in the kernels at once, each also splitting its call.
        def count(i: int, source: Any = source) -> Any:
            return batch.count_segments(source, threads=1 + i % 4, **options)

        results = together(count)
        for got in results:
            assert np.array_equal(got, expected)


def test_batch_analyze_threads_match_sequential() -> None:
    texts = mixed_texts(BATCH_SIZE, seed=3)
    single = batch.analyze(texts)
    for got in together(lambda i: batch.analyze(texts, threads=i + 1)):
        assert got.keys() == single.keys()
        for key, values in single.items():
            assert np.array_equal(got[key], values), key


def test_batch_errors_under_threads_name_the_same_element() -> None:
    texts = mixed_texts(BATCH_SIZE)
    bad = BATCH_SIZE * 2 // 3
    texts[bad] = "ok \ud800"  # a lone surrogate: UCS-2 cannot carry it
    messages = set()
    for error in together(lambda i: _error_of(lambda: batch.count_segments(texts, threads=i + 1))):
        assert isinstance(error, smscodec.EncodingError)
        messages.add(str(error))
    assert len(messages) == 1
    assert f"texts[{bad}]" in messages.pop()


def _error_of(call: Callable[[], object]) -> BaseException | None:
    try:
        call()
    except Exception as exc:
        return exc
    return None


def test_a_list_is_counted_in_place_and_keeps_its_references() -> None:
    # A list is read without a copy: the kernel holds a reference to each string of the
    # block it counts, and gives every one back, also when an element is refused.
    import gc
    import sys

    texts = [f"message {k} " * (k % 40 + 1) + "€" * (k % 3) for k in range(2000)]
    before = [sys.getrefcount(t) for t in texts]
    assert batch.count_segments(texts).tolist() == [smscodec.count_segments(t) for t in texts]
    assert [sys.getrefcount(t) for t in texts] == before
    bad = [*texts[:1500], 7, *texts[1500:]]
    with pytest.raises(TypeError, match=r"texts\[1500\] is a int, not a str"):
        batch.count_segments(bad)
    assert [sys.getrefcount(t) for t in texts] == [n + 1 for n in before]  # + bad's own
    del bad
    gc.collect()  # (the traceback pytest.raises kept refers to the list)
    assert [sys.getrefcount(t) for t in texts] == before


def test_a_list_emptied_by_another_thread_is_never_read_after_free() -> None:
    # The strings are the list's alone: emptying it frees every one not held by the kernel.
    # The count either finishes (then exactly, on what the list held) or stops with the
    # RuntimeError.
    import threading

    def empty(target: list[str], started: threading.Event) -> None:
        started.wait()
        del target[:]

    outcomes = []
    for _ in range(20):
        texts = [f"x{k:05d} " * 30 + "[" for k in range(20000)]  # the same count each
        first = smscodec.count_segments(texts[0])
        started = threading.Event()
        thief = threading.Thread(target=empty, args=(texts, started))
        thief.start()
        started.set()
        try:
            counts = batch.count_segments(texts)
        except RuntimeError as exc:
            outcomes.append(str(exc))
        else:
            # Emptied before the call looked at it (no message), or counted whole first.
            assert counts.tolist() in ([], [first] * 20000)
            outcomes.append("finished")
        thief.join()
    for outcome in outcomes:
        assert outcome == "finished" or outcome.startswith("the list changed size while it was counted: ")
