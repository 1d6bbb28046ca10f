"""Helpers for the thread tests (``tests/test_*_threads.py``), not a test module.

Concurrent use must give the sequential results.  :func:`together` releases several
threads into the code under test at the same moment, and :func:`switch_often` makes the
interpreter change threads every few bytecodes, so the races those tests look for have
many chances to happen.
"""

from __future__ import annotations

import contextlib
import random
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

THREADS = 6


@contextlib.contextmanager
def switch_often() -> Iterator[None]:
    """A tiny switch interval for the duration of the block (restored afterwards)."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def together(work: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    """Run ``work(i)`` for i in range(n) on n threads released at the same moment."""
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def mixed_texts(n: int, seed: int = 8) -> list[str]:
    """``n`` deterministic texts mixing every PEP 393 width, GSM-7 extensions and long runs."""
    rng = random.Random(seed)
    pieces = ["Hello ", "€", "ΔΩ ", "çé", "😀", "a" * 70, "[]{}", "Привет ", "’…", "x" * 150, "\u00a0"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 30))) for _ in range(n)]
