"""The viewer and the HTML report (issue 13): what drawing costs.

Run the real measurement::

    SMSCODEC_BENCH_N=1000000 PYTHONPATH=src python -m pytest benchmarks/test_bench_report.py \\
        --benchmark-enable -p no:cacheprovider -s

With ``--benchmark-disable`` (pyproject's default) every case runs once: a smoke test.

* ``view``: a 1,600-character message drawn as HTML, GSM-7 (with extension characters:
  12 parts) and UCS-2 (with emoji: 25 parts), the drawing alone (``_view`` from the
  analysis and parts) and the whole :func:`smscodec.report.view_html` (analysis and split
  included), reported per part.  Target: under a millisecond a part.
* ``--html`` on ``analyze``: the report of the benchmark corpus (``SMSCODEC_BENCH_N`` rows,
  50,000 by default) in process, with and without the sample and the page, and the command
  end to end in a child process with and without ``--html``.  Target: at most 10% more.

Reported, never asserted: the machine is shared.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

import smscodec
from smscodec import _view, report

N = int(os.environ.get("SMSCODEC_BENCH_N", "50000"))
SRC = pathlib.Path(__file__).resolve().parents[1] / "src"
GSM7 = ("Your parcel [#42] costs 5€ — no, 5 EUR {today}. " * 40)[:1600].replace("—", "-")
UCS2 = ("Ваш заказ 😀 готов, спасибо! " * 60)[:1600]
#: label -> (seconds, per) for the summary
RESULTS: dict[str, tuple[float, int, str]] = {}


def _record(benchmark: Any, label: str, func: Callable[[], Any], per: int, unit: str, rounds: int = 5) -> Any:
    started = time.perf_counter()
    result = benchmark.pedantic(func, rounds=rounds, iterations=1)
    elapsed = (time.perf_counter() - started) / rounds
    stats = getattr(benchmark, "stats", None)
    RESULTS[label] = (float(stats.stats.min) if stats is not None else elapsed, per, unit)
    return result


@pytest.mark.parametrize(("name", "text"), [("gsm7", GSM7), ("ucs2", UCS2)])
def test_view_drawing_per_part(benchmark: Any, name: str, text: str) -> None:
    assert len(text) == 1600
    info = smscodec.analyze(text)
    parts = smscodec.split(text, reference=1)

    def draw() -> str:
        return _view.html_body(_view.message(info, parts, original=text))

    page = _record(benchmark, f"view {name}: drawing", draw, len(parts), "part")
    assert page.count('class="part"') == info.segments


@pytest.mark.parametrize(("name", "text"), [("gsm7", GSM7), ("ucs2", UCS2)])
def test_view_html_per_part(benchmark: Any, name: str, text: str) -> None:
    parts = smscodec.count_segments(text)
    page = _record(
        benchmark, f"view {name}: view_html", lambda: report.view_html(text, reference=1), parts, "part"
    )
    assert page.count('class="part"') == parts


def _corpus() -> list[str]:
    path = pathlib.Path(__file__).resolve().parents[1] / "tools" / "gen_bench_corpus.py"
    spec = importlib.util.spec_from_file_location("gen_bench_corpus", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.generate(N)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], pathlib.Path]:
    texts = _corpus()
    path = tmp_path_factory.mktemp("report-bench") / "corpus.txt"
    path.write_text("\n".join(t.replace("\n", " ") for t in texts) + "\n", encoding="utf-8")
    return texts, path


def test_report_in_process(benchmark: Any, corpus: tuple[list[str], pathlib.Path]) -> None:
    from smscodec import _report

    texts = corpus[0]
    chunk = 100_000

    def plain() -> dict[str, Any]:
        campaign = _report.Campaign(_report.ReportOptions())
        for lo in range(0, len(texts), chunk):
            campaign.add(texts[lo : lo + chunk])
        return campaign.record()

    def with_html() -> str:
        campaign = _report.Campaign(_report.ReportOptions(), sample=5)
        for lo in range(0, len(texts), chunk):
            campaign.add(texts[lo : lo + chunk])
        return report.campaign_html(campaign.record())

    _record(benchmark, "report in process", plain, N, "message", rounds=3)
    # The same rounds, interleaved with the plain report's, best of them (the page alone
    # is a few milliseconds: the difference is mostly the sample's per-chunk cost).
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        page = with_html()
        best = min(best, time.perf_counter() - start)
        plain()
    RESULTS["report in process + sample + page"] = (best, N, "message")
    RESULTS["page size"] = (float(len(page.encode())), 1, "octets")


def _child(argv: list[str]) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    subprocess.run(
        [sys.executable, "-m", "smscodec", *argv], capture_output=True, env=env, check=True, timeout=600
    )


@pytest.mark.parametrize("html", [False, True], ids=["json", "json+html"])
def test_analyze_end_to_end(
    benchmark: Any, corpus: tuple[list[str], pathlib.Path], tmp_path: pathlib.Path, html: bool
) -> None:
    argv = ["analyze", str(corpus[1]), "--json", "--no-progress"]
    if html:
        argv += ["--html", str(tmp_path / "report.html")]
    _record(
        benchmark, f"analyze --json{' --html' if html else ''}", lambda: _child(argv), N, "message", rounds=3
    )


def test_zz_summary() -> None:
    """Print the results (run last: tests run in file order)."""
    if not RESULTS:
        pytest.skip("no case ran")
    lines = [f"viewer and HTML report ({N:,} corpus rows)"]
    for label, (seconds, per, unit) in RESULTS.items():
        if unit == "octets":
            lines.append(f"  {label:40} {seconds / 1024:10.1f} KiB")
        elif unit == "part":
            lines.append(f"  {label:40} {seconds * 1e6 / per:10.1f} µs per part ({per} parts)")
        else:
            lines.append(f"  {label:40} {seconds:10.3f} s  ({per / seconds / 1e6:.2f} M {unit}s/s)")
    for base, more in (
        ("report in process", "report in process + sample + page"),
        ("analyze --json", "analyze --json --html"),
    ):
        if base in RESULTS and more in RESULTS:
            lines.append(f"  {more} / {base}: {RESULTS[more][0] / RESULTS[base][0]:.3f}x (target <= 1.10)")
    print("\n".join(lines))
