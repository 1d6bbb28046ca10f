"""Threads (issue 8): concurrent use gives the sequential results.

* The batch kernels release the GIL while counting: several Python threads counting at
  once, and ``threads=N`` inside one call, give exactly the single-threaded counts.
* The scalar kernels (GSM-7, segments, signing) keep no shared mutable state: results
  from a pool equal the sequential ones.
* ``split``'s reference counter hands out distinct values under contention.
* ``Reassembler`` completes each message exactly once when its parts arrive from many
  threads, and loses nothing when ``expire``/``flush`` run at the same time.

A tiny switch interval makes the interpreter change threads every few bytecodes, so the
races these tests look for have many chances to happen.
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

import smscodec
from smscodec import batch, signing, vonage

THREADS = 6
# Messages per batch test: the pure twins count ~50x slower and hold the GIL anyway.
BATCH_SIZE = 3000 if smscodec.USE_EXTENSIONS else 500


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def _texts(n: int, seed: int = 8) -> list[str]:
    rng = random.Random(seed)
    pieces = ["Hello ", "€", "ΔΩ ", "çé", "😀", "a" * 70, "[]{}", "Привет ", "’…", "x" * 150, "\u00a0"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 30))) for _ in range(n)]


def _together(work: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    """Run ``work(i)`` for i in range(n) on n threads released at the same moment."""
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


# --- batch: the GIL-free kernels ---------------------------------------------------------

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
    texts = _texts(BATCH_SIZE)
    expected = np.array([smscodec.count_segments(t, **options) for t in texts], dtype=np.int32)
    for source in _containers(texts):
        assert np.array_equal(batch.count_segments(source, **options), expected)

        # Several Python threads in the kernels at once, each also splitting its call.
        def count(i: int, source: Any = source) -> Any:
            return batch.count_segments(source, threads=1 + i % 4, **options)

        results = _together(count)
        for got in results:
            assert np.array_equal(got, expected)


def test_batch_analyze_threads_match_sequential() -> None:
    texts = _texts(BATCH_SIZE, seed=3)
    single = batch.analyze(texts)
    for got in _together(lambda i: batch.analyze(texts, threads=i + 1)):
        assert got.keys() == single.keys()
        for key, values in single.items():
            assert np.array_equal(got[key], values), key


def test_batch_errors_under_threads_name_the_same_element() -> None:
    texts = _texts(BATCH_SIZE)
    bad = BATCH_SIZE * 2 // 3
    texts[bad] = "ok \ud800"  # a lone surrogate: UCS-2 cannot carry it
    messages = set()
    for error in _together(lambda i: _error_of(lambda: batch.count_segments(texts, threads=i + 1))):
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


# --- scalar kernels ----------------------------------------------------------------------


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
    texts = _texts(400, seed=5)
    expected = _scalar_work(texts)
    # Each thread starts at a different message, so the threads work on different texts
    # at any moment; the rotation is undone when comparing.
    results = _together(lambda i: _scalar_work(texts[i:] + texts[:i]))
    for i, got in enumerate(results):
        assert got == expected[i:] + expected[:i]


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

    for got in _together(work):
        assert got == want


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

    drawn = [ref for refs in _together(draw) for ref in refs]
    assert len(drawn) == THREADS * per_thread
    assert len(set(drawn)) == len(drawn)  # 2400 draws from a 16-bit counter: no repeats


# --- Reassembler -------------------------------------------------------------------------


def _parts(messages: int, total: int, *, sender: str = "447700900001") -> list[vonage.InboundMessage]:
    out = []
    for m in range(messages):
        for k in range(1, total + 1):
            out.append(
                vonage.InboundMessage(
                    msisdn=sender,
                    to="447700900000",
                    message_id=f"{m}-{k}",
                    type=vonage.InboundType.TEXT,
                    text=f"<{m}.{k}>",
                    concat=vonage.ConcatInfo(reference=str(m), total=total, part=k),
                )
            )
    return out


def test_reassembler_completes_each_message_once_under_concurrency() -> None:
    box = vonage.Reassembler()
    parts = _parts(300, 4)
    feed = parts + random.Random(1).sample(parts, 200)  # retries too
    random.Random(2).shuffle(feed)

    def work(i: int) -> list[vonage.InboundMessage]:
        return [whole for p in feed[i::THREADS] if (whole := box.add(p)) is not None]

    completed = [whole for chunk in _together(work) for whole in chunk]
    assert box.pending == 0
    assert sorted(int(w.part_ids[0].split("-")[0]) for w in completed) == list(range(300))
    for whole in completed:
        m = whole.part_ids[0].split("-")[0]
        assert whole.text == "".join(f"<{m}.{k}>" for k in range(1, 5))
        assert whole.part_ids == tuple(f"{m}-{k}" for k in range(1, 5))


def test_reassembler_loses_nothing_while_expire_and_evict_run_concurrently() -> None:
    clock_lock = threading.Lock()
    now = [0.0]

    def clock() -> float:
        with clock_lock:
            now[0] += 0.001
            return now[0]

    box = vonage.Reassembler(max_pending=40, timeout=0.05, clock=clock)
    parts = _parts(400, 3)
    random.Random(3).shuffle(parts)
    abandoned: list[vonage.InboundMessage] = []
    done = threading.Event()

    def reaper() -> None:
        while not done.is_set():
            for group in box.expire():
                abandoned.extend(group)

    def work(i: int) -> list[vonage.InboundMessage]:
        return [whole for p in parts[i::THREADS] if (whole := box.add(p)) is not None]

    thread = threading.Thread(target=reaper)
    thread.start()
    try:
        completed = [whole for chunk in _together(work) for whole in chunk]
    finally:
        done.set()
        thread.join()
    for group in box.flush():
        abandoned.extend(group)
    assert box.pending == 0
    ids = [i for whole in completed for i in whole.part_ids] + [p.message_id for p in abandoned]
    assert len(ids) == len(set(ids))  # nothing handed back twice
    if box.discarded == 0:
        assert sorted(ids) == sorted(p.message_id for p in parts)  # and nothing lost
    else:
        assert len(ids) < len(parts)
