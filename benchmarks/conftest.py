"""Benchmark fixtures: the same c/py backend split as ``tests/conftest.py``, and a
results board that prints throughput and ratios at the end of the run.

Run (pyproject's addopts disable benchmarks by default)::

    PYTHONPATH=src python -m pytest benchmarks/test_bench_codec.py --benchmark-enable -p no:cacheprovider

With ``--benchmark-disable`` every benchmark runs its function once: a quick smoke test.
The compiled backend's cases are skipped when it is not built, unless
``SMSCODEC_REQUIRE_EXTENSIONS=1`` says it must be there.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

REQUIRE_EXTENSIONS = os.environ.get("SMSCODEC_REQUIRE_EXTENSIONS", "") not in ("", "0")


@pytest.fixture(params=["c", "py"], scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """``"c"`` or ``"py"``: which twin a kernel benchmark measures."""
    return str(request.param)


@pytest.fixture(scope="session")
def kernel(backend: str) -> Callable[[str], ModuleType]:
    """``kernel("gsm7")`` -> ``smscodec._gsm7_c`` or ``smscodec._gsm7_py`` for this case's backend."""

    def load(name: str) -> ModuleType:
        try:
            return importlib.import_module(f"smscodec._{name}_{backend}")
        except ImportError:
            if backend == "c" and not REQUIRE_EXTENSIONS:
                pytest.skip(f"compiled kernel smscodec._{name}_c is not built")
            raise

    return load


@dataclass
class Entry:
    """One measured case: its benchmark fixture (stats filled after the run) and its size."""

    bench: Any
    chars: int

    def seconds(self) -> float | None:
        stats = getattr(self.bench, "stats", None)
        return None if stats is None else float(stats.stats.min)


#: (group, label) -> Entry, filled by the ``measure`` fixture.
BOARD: dict[tuple[str, str], Entry] = {}


@pytest.fixture
def measure(benchmark: Any) -> Callable[..., Any]:
    """``measure(group, label, chars, func, *args)``: benchmark ``func(*args)`` and record it."""

    def run(group: str, label: str, chars: int, func: Callable[..., Any], *args: Any) -> Any:
        benchmark.group = group
        benchmark.extra_info["label"] = label
        benchmark.extra_info["chars"] = chars
        result = benchmark(func, *args)
        BOARD[(group, label)] = Entry(benchmark, chars)
        return result

    return run


def _ratio(board: dict[tuple[str, str], float], group: str, slow: str, fast: str) -> str | None:
    a, b = board.get((group, slow)), board.get((group, fast))
    if a is None or b is None:
        return None
    return f"{group:34} {fast:>24} is {a / b:8.1f}x {slow}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    times = {key: t for key, entry in BOARD.items() if (t := entry.seconds()) is not None}
    if not times:
        return
    write = terminalreporter.write_line
    terminalreporter.section("smscodec throughput (best of the rounds)")
    for (group, label), seconds in sorted(times.items()):
        chars = BOARD[(group, label)].chars
        write(f"{group:34} {label:>24} {seconds * 1e6:12.3f} us {chars / (seconds * 1e9):9.3f} chars/ns")
    terminalreporter.section("smscodec ratios (>1: the first name is faster)")
    groups = sorted({group for group, _ in times})
    for group in groups:
        labels = {label for g, label in times if g == group}
        lines = []
        if {"c", "py"} <= labels:
            lines.append(_ratio(times, group, "py", "c"))
        for ours in ("c", "smscodec (public)"):
            if ours not in labels:
                continue
            for other in sorted(labels - {"c", "py", "smscodec (public)"}):
                lines.append(_ratio(times, group, other, ours))
        for line in lines:
            if line is not None:
                write(line)
