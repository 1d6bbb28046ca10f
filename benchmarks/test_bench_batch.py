"""Batch counting speed and memory on a realistic corpus (issue 7).

Run the real measurement (1,000,000 messages, about 100 characters each)::

    SMSCODEC_BENCH_N=1000000 PYTHONPATH=src python -m pytest benchmarks/test_bench_batch.py \\
        --benchmark-enable -p no:cacheprovider -s

Without ``SMSCODEC_BENCH_N`` the corpus has 50,000 messages, and with ``--benchmark-disable``
(pyproject's default) every case runs once: a quick smoke test.  The last test prints
messages per second for each input container, the ratio against a per-message loop over
the scalar API and against the fastest installed peer (smsutil, smpplib, smssafe; timed
on a 10,000-message subset and scaled), the ``threads=2`` speed-up, and peak memory
against input + output size.

The ``smart`` cases count the same corpus with smart encoding (default map and a caller's
map), and a variant of it with a typographic look-alike (’ “ — … NBSP •) in every third
message, each checked against the scalar API.

Targets (reported, not asserted; the machine is shared): from a list >= 5M messages/s on
one core; from a pyarrow array >= 10M/s on one core and nearly twice that with
``threads=2``; peak memory no more than input + output arrays.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import pathlib
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import smscodec
from smscodec import batch

N = int(os.environ.get("SMSCODEC_BENCH_N", "50000"))
# Peers are slow: they are timed on a subset and scaled per message.
PEER_N = min(N, 10_000)
SCALAR_N = N
UNICODE_N = min(N, 100_000)
ROUNDS = 5

#: label -> (seconds for one pass, messages in that pass)
RESULTS: dict[str, tuple[float, int]] = {}
MEMORY: dict[str, tuple[int, int, int]] = {}


def _load_generator() -> Callable[[int], list[str]]:
    path = pathlib.Path(__file__).resolve().parents[1] / "tools" / "gen_bench_corpus.py"
    spec = importlib.util.spec_from_file_location("gen_bench_corpus", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.generate  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def corpus() -> list[str]:
    """``N`` messages in the issue 7 mix (deterministic)."""
    return _load_generator()(N)


@pytest.fixture(scope="session")
def expected(corpus: list[str]) -> np.ndarray:
    """Parts per message from the scalar API, computed once (the reference for every case)."""
    return np.array([smscodec.count_segments(t) for t in corpus], dtype=np.int32)


@pytest.fixture(scope="session")
def arrow_corpus(corpus: list[str]) -> Any:
    pa = pytest.importorskip("pyarrow")
    return pa.array(corpus, pa.string())


def _record(benchmark: Any, label: str, count: int, func: Callable[[], Any], rounds: int = ROUNDS) -> Any:
    """Benchmark ``func`` and keep its best time (one timed call when benchmarks are disabled)."""
    started = time.perf_counter()
    result = benchmark.pedantic(func, rounds=rounds, iterations=1)
    elapsed = time.perf_counter() - started
    stats = getattr(benchmark, "stats", None)
    seconds = float(stats.stats.min) if stats is not None else elapsed
    RESULTS[label] = (seconds, count)
    benchmark.extra_info["messages_per_second"] = count / seconds
    return result


def test_corpus_mix(corpus: list[str]) -> None:
    mean = sum(map(len, corpus)) / len(corpus)
    assert 85 <= mean <= 115
    ascii_share = sum(t.isascii() for t in corpus) / len(corpus)
    # 70% plain ASCII plus the extension-character messages that have no euro sign.
    assert 0.70 <= ascii_share <= 0.85


def test_list(benchmark: Any, corpus: list[str], expected: np.ndarray) -> None:
    result = _record(benchmark, "list", N, lambda: batch.count_segments(corpus))
    assert np.array_equal(result, expected)


def test_list_threads2(benchmark: Any, corpus: list[str], expected: np.ndarray) -> None:
    result = _record(benchmark, "list, threads=2", N, lambda: batch.count_segments(corpus, threads=2))
    assert np.array_equal(result, expected)


def test_arrow(benchmark: Any, arrow_corpus: Any, expected: np.ndarray) -> None:
    result = _record(benchmark, "pyarrow", N, lambda: batch.count_segments(arrow_corpus))
    assert np.array_equal(result, expected)


def test_arrow_threads2(benchmark: Any, arrow_corpus: Any, expected: np.ndarray) -> None:
    result = _record(
        benchmark, "pyarrow, threads=2", N, lambda: batch.count_segments(arrow_corpus, threads=2)
    )
    assert np.array_equal(result, expected)


def test_arrow_analyze(benchmark: Any, arrow_corpus: Any, expected: np.ndarray) -> None:
    result = _record(benchmark, "pyarrow, analyze", N, lambda: batch.analyze(arrow_corpus))
    assert np.array_equal(result["segments"], expected)


def test_numpy_unicode(benchmark: Any, corpus: list[str], expected: np.ndarray) -> None:
    # A U array pads every element to the longest (here ~440 characters, 1.7 kB): a subset.
    array = np.array(corpus[:UNICODE_N])
    result = _record(benchmark, "numpy U", UNICODE_N, lambda: batch.count_segments(array))
    assert np.array_equal(result, expected[:UNICODE_N])


# Typographic look-alikes of the smart map (apostrophe, quotes, dashes, ellipsis, NBSP),
# one of which goes into every third plain message of the typographic corpus below.
_LOOK_ALIKES = ("it\u2019s", "\u201cnew\u201d", " \u2014 ", "wait\u2026", "5\u00a0km", "\u2022 item")
# A caller's own map: the default look-alikes plus a few accented letters of the corpus.
_CALLER_MAP = {
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2022": "-",
    "\u00e1": "a",
    "\u00e7": "c",
    "\u00f3": "o",
}


@pytest.fixture(scope="session")
def typographic_corpus(corpus: list[str]) -> list[str]:
    """The corpus with a smart-map look-alike in every third message (deterministic)."""
    out = []
    for i, text in enumerate(corpus):
        if i % 3 == 0:
            cut = text.find(" ", len(text) // 2)
            cut = len(text) if cut < 0 else cut
            text = text[:cut] + " " + _LOOK_ALIKES[i % len(_LOOK_ALIKES)] + text[cut:]
        out.append(text)
    return out


def _scalar_smart(texts: list[str], smart: bool | dict[str, str]) -> np.ndarray:
    return np.array([smscodec.count_segments(t, smart=smart) for t in texts], dtype=np.int32)


@pytest.fixture(scope="session")
def expected_smart(corpus: list[str]) -> np.ndarray:
    return _scalar_smart(corpus, True)


@pytest.fixture(scope="session")
def expected_typographic(typographic_corpus: list[str]) -> np.ndarray:
    return _scalar_smart(typographic_corpus, True)


def test_list_smart(benchmark: Any, corpus: list[str], expected_smart: np.ndarray) -> None:
    result = _record(benchmark, "list, smart=True", N, lambda: batch.count_segments(corpus, smart=True), 2)
    assert np.array_equal(result, expected_smart)


def test_arrow_smart(benchmark: Any, arrow_corpus: Any, expected_smart: np.ndarray) -> None:
    result = _record(
        benchmark, "pyarrow, smart=True", N, lambda: batch.count_segments(arrow_corpus, smart=True), 2
    )
    assert np.array_equal(result, expected_smart)


def test_arrow_smart_threads2(benchmark: Any, arrow_corpus: Any, expected_smart: np.ndarray) -> None:
    result = _record(
        benchmark,
        "pyarrow, smart, threads=2",
        N,
        lambda: batch.count_segments(arrow_corpus, smart=True, threads=2),
        2,
    )
    assert np.array_equal(result, expected_smart)


def test_list_smart_typographic(
    benchmark: Any, typographic_corpus: list[str], expected_typographic: np.ndarray
) -> None:
    # A third of the messages carry a look-alike that smart encoding replaces.
    result = _record(
        benchmark,
        "list, smart, look-alikes",
        N,
        lambda: batch.count_segments(typographic_corpus, smart=True),
        2,
    )
    assert np.array_equal(result, expected_typographic)


def test_arrow_smart_typographic(
    benchmark: Any, typographic_corpus: list[str], expected_typographic: np.ndarray
) -> None:
    pa = pytest.importorskip("pyarrow")
    array = pa.array(typographic_corpus, pa.string())
    result = _record(
        benchmark, "pyarrow, smart, look-alikes", N, lambda: batch.count_segments(array, smart=True), 2
    )
    assert np.array_equal(result, expected_typographic)


def test_arrow_smart_caller_map(benchmark: Any, typographic_corpus: list[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    array = pa.array(typographic_corpus, pa.string())
    result = _record(
        benchmark,
        "pyarrow, smart=caller map",
        N,
        lambda: batch.count_segments(array, smart=_CALLER_MAP),
        2,
    )
    assert np.array_equal(result, _scalar_smart(typographic_corpus, _CALLER_MAP))


def test_scalar_loop(benchmark: Any, corpus: list[str], expected: np.ndarray) -> None:
    subset = corpus[:SCALAR_N]
    count = smscodec.count_segments
    result = _record(benchmark, "scalar loop", SCALAR_N, lambda: [count(t) for t in subset], 3)
    assert result == expected[:SCALAR_N].tolist()


def _peer(name: str) -> Callable[[str], int]:
    """A peer library's segment count for one text (skipped when it is not installed)."""
    if name == "smsutil":
        smsutil: Any = pytest.importorskip("smsutil")
        return lambda text: len(smsutil.split(text).parts)
    if name == "smpplib":
        gsm: Any = pytest.importorskip("smpplib.gsm")
        return lambda text: len(gsm.make_parts(text)[0])
    smssafe: Any = pytest.importorskip("smssafe")
    return lambda text: int(smssafe.sanitize(text, drop_unknown=False).segments)


@pytest.mark.parametrize("peer", ["smsutil", "smpplib", "smssafe"])
def test_peer(benchmark: Any, corpus: list[str], peer: str) -> None:
    count = _peer(peer)
    subset = corpus[:PEER_N]
    result = _record(benchmark, f"peer {peer}", PEER_N, lambda: [count(t) for t in subset], 1)
    assert len(result) == PEER_N


def _peak(func: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory(corpus: list[str], arrow_corpus: Any) -> None:
    """Peak memory allocated during a call (tracemalloc sees numpy's arrays and Python's
    objects) against the input's size plus the output arrays' size."""
    list_input = sys.getsizeof(corpus) + sum(sys.getsizeof(t) for t in corpus)
    arrow_input = arrow_corpus.nbytes
    for label, func, size, out in (
        ("list -> count_segments", lambda: batch.count_segments(corpus), list_input, 4 * N),
        ("pyarrow -> count_segments", lambda: batch.count_segments(arrow_corpus), arrow_input, 4 * N),
        ("pyarrow -> analyze", lambda: batch.analyze(arrow_corpus), arrow_input, 13 * N),
        ("pyarrow threads=2", lambda: batch.count_segments(arrow_corpus, threads=2), arrow_input, 4 * N),
    ):
        peak = _peak(func)
        MEMORY[label] = (peak, size, out)
        assert peak <= size + out


def test_zz_report(capsys: pytest.CaptureFixture[str]) -> None:
    """Print the results table (run last: tests run in file order)."""
    if not RESULTS:
        pytest.skip("no case ran")
    rate = {label: count / seconds for label, (seconds, count) in RESULTS.items()}
    lines = [f"batch throughput, {N:,} messages (mean ~100 characters)"]
    for label, value in rate.items():
        lines.append(f"  {label:24} {value / 1e6:8.2f} M messages/s")
    peers = {label: value for label, value in rate.items() if label.startswith("peer ")}
    best_peer = max(peers, key=peers.__getitem__) if peers else None
    for ours in ("list", "pyarrow", "pyarrow, threads=2", "numpy U"):
        if ours not in rate:
            continue
        if "scalar loop" in rate:
            lines.append(f"  {ours} vs scalar loop: {rate[ours] / rate['scalar loop']:8.1f}x")
        if best_peer is not None:
            lines.append(f"  {ours} vs fastest peer ({best_peer[5:]}): {rate[ours] / peers[best_peer]:8.0f}x")
    for single, double in (
        ("pyarrow", "pyarrow, threads=2"),
        ("list", "list, threads=2"),
        ("pyarrow, smart=True", "pyarrow, smart, threads=2"),
    ):
        if single in rate and double in rate:
            lines.append(f"  {double} speed-up: {rate[double] / rate[single]:.2f}x")
    for plain, smart in (("list", "list, smart=True"), ("pyarrow", "pyarrow, smart=True")):
        if plain in rate and smart in rate:
            lines.append(f"  {smart} vs without smart: {rate[smart] / rate[plain]:.2f}x")
    for label, (peak, size, out) in MEMORY.items():
        lines.append(
            f"  peak {label}: {peak / 1e6:.2f} MB (input {size / 1e6:.1f} MB + output {out / 1e6:.1f} MB)"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert all(value > 0 for value in rate.values())
