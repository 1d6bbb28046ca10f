"""``smscodec analyze`` end to end on files of the benchmark corpus (issue 12).

Run the real measurement (1,000,000 rows)::

    SMSCODEC_BENCH_N=1000000 PYTHONPATH=src python -m pytest benchmarks/test_bench_cli.py \\
        --benchmark-enable -p no:cacheprovider -s

Without ``SMSCODEC_BENCH_N`` the files have 50,000 rows; with ``--benchmark-disable``
(pyproject's default) every case runs once: a smoke test.  Measured in the same run:

* ``read + count_segments``: the Parquet column read a record batch at a time and counted
  by ``batch.count_segments``, the floor any report on that file stands on; and
  ``count_segments`` alone on the column in memory;
* ``report (in process)``: the same file through the CLI's reader and the report
  (``_inputs`` + ``_report.Campaign``), without interpreter start-up;
* ``analyze FILE --json``: the command in a child process, end to end (start-up, imports,
  reading, counting, the report), for Parquet, CSV and one message per line, on one thread
  (``--threads 1``), with ``--threads 2`` and with the default (counting on one thread,
  Parquet read and ``--output`` written in threads of their own on a machine of 2+ CPUs);
* peak memory of the child (``VmHWM``, Linux) on the whole file and on a quarter of it.

The last test prints messages per second, the ratios between them, and the memory.
Targets (reported, never asserted; the machine is shared): ``analyze FILE.parquet --json``
at least 2 million messages a second and within 3x of read + count_segments; peak memory
that does not grow with the file.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from smscodec import _inputs, _report, batch

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

N = int(os.environ.get("SMSCODEC_BENCH_N", "50000"))
ROUNDS = 3
SRC = pathlib.Path(__file__).resolve().parents[1] / "src"
PRICES = pathlib.Path(__file__).resolve().parents[1] / "examples" / "pricing.json"

#: label -> (seconds, messages)
RESULTS: dict[str, tuple[float, int]] = {}
#: label -> peak resident memory of the child, KiB (0 where /proc is not there)
MEMORY: dict[str, int] = {}

# The child prints its own peak memory to stderr after the command's own output: VmHWM,
# not ru_maxrss, which Linux carries over from the parent through fork and exec.
CHILD = (
    "import sys\n"
    "from smscodec.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "with open('/proc/self/status') as f:\n"
    "    peak = next((line.split()[1] for line in f if line.startswith('VmHWM:')), '0')\n"
    "print('maxrss', peak, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


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
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    texts = _load_generator()(N)
    folder = tmp_path_factory.mktemp("cli-bench")
    # Destinations: distinct numbers in eight countries of examples/pricing.json, as in a
    # real campaign (each number is placed by phonenumbers once).
    prefixes = ("447700", "4915", "3361", "3462", "4670", "4860", "7916", "1416")
    to = [f"{prefixes[i % len(prefixes)]}{1000000 + i:07d}" for i in range(N)]
    table = pa.table(
        {
            "id": pa.array(range(N), pa.int64()),
            "to": pa.array(to, pa.string()),
            "text": pa.array(texts, pa.string()),
        }
    )
    pq.write_table(table, folder / "corpus.parquet", row_group_size=128 * 1024)
    pq.write_table(table.slice(0, N // 4), folder / "quarter.parquet", row_group_size=128 * 1024)
    with (folder / "corpus.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerows(enumerate(texts))
    # One message per line: the corpus has no line breaks inside messages.
    (folder / "corpus.txt").write_text(
        "\n".join(t.replace("\n", " ") for t in texts) + "\n", encoding="utf-8"
    )
    parts = int(batch.count_segments(table.column("text")).sum())
    return {"folder": folder, "parts": parts, "texts": table.column("text")}


def _record(benchmark: Any, label: str, func: Callable[[], Any], rounds: int = ROUNDS) -> Any:
    started = time.perf_counter()
    result = benchmark.pedantic(func, rounds=rounds, iterations=1)
    elapsed = time.perf_counter() - started
    stats = getattr(benchmark, "stats", None)
    seconds = float(stats.stats.min) if stats is not None else elapsed
    RESULTS[label] = (seconds, N)
    benchmark.extra_info["messages_per_second"] = N / seconds
    return result


def _child_env() -> dict[str, str]:
    """The children's environment: this checkout's sources first, and byte-compiled
    modules kept (``PYTHONDONTWRITEBYTECODE`` dropped): an installed smscodec has its
    ``.pyc`` files (pip writes them), while a checkout under that variable would compile
    every module from source on each start (about 35 ms here)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _child(argv: list[str]) -> tuple[dict[str, Any], int]:
    env = _child_env()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, env=env, check=True, timeout=600
    )
    rss = int(done.stderr.rsplit("maxrss", 1)[1].split()[0])
    return json.loads(done.stdout), rss


def test_read_and_count_segments(benchmark: Any, files: dict[str, Any]) -> None:
    path = files["folder"] / "corpus.parquet"

    def run() -> int:
        total = 0
        for record_batch in pq.ParquetFile(path).iter_batches(batch_size=_inputs.CHUNK, columns=["text"]):
            total += int(batch.count_segments(record_batch.column(0)).sum())
        return total

    assert _record(benchmark, "read + count_segments", run) == files["parts"]


def test_count_segments_in_memory(benchmark: Any, files: dict[str, Any]) -> None:
    column = files["texts"]
    assert (
        int(_record(benchmark, "count_segments (in memory)", lambda: batch.count_segments(column)).sum())
        == (files["parts"])
    )


def test_report_in_process(benchmark: Any, files: dict[str, Any]) -> None:
    path = str(files["folder"] / "corpus.parquet")

    def run() -> dict[str, Any]:
        campaign = _report.Campaign(_report.ReportOptions())
        source = _inputs.open_source(path, "parquet", "text")
        for chunk in source:
            campaign.add(chunk.texts)
        source.close()
        return campaign.record()

    assert _record(benchmark, "report (in process)", run)["segments"] == files["parts"]


@pytest.mark.parametrize(
    ("label", "name", "extra"),
    [
        # One thread for everything (--threads 1): the figures the one-core targets are about.
        ("analyze parquet", "corpus.parquet", ["--threads", "1"]),
        ("analyze parquet, threads=2", "corpus.parquet", ["--threads", "2"]),
        # The default: counting on one thread, Parquet read (and --output written) in threads
        # of their own when the machine has more than one CPU.
        ("analyze parquet, default threads", "corpus.parquet", []),
        ("analyze parquet --smart", "corpus.parquet", ["--smart", "--threads", "1"]),
        ("analyze csv", "corpus.csv", ["--threads", "1"]),
        ("analyze csv, threads=2", "corpus.csv", ["--threads", "2"]),
        ("analyze lines", "corpus.txt", ["--threads", "1"]),
        (
            "analyze parquet --output parquet",
            "corpus.parquet",
            ["--output", "{folder}/out.parquet", "--threads", "1"],
        ),
        (
            "analyze parquet --output parquet, threads=2",
            "corpus.parquet",
            ["--output", "{folder}/out2.parquet", "--threads", "2"],
        ),
        (
            "analyze parquet --output parquet, default threads",
            "corpus.parquet",
            ["--output", "{folder}/out3.parquet"],
        ),
        (
            "analyze parquet --prices",
            "corpus.parquet",
            ["--prices", str(PRICES), "--to-column", "to", "--threads", "1"],
        ),
    ],
)
def test_analyze_end_to_end(
    benchmark: Any, files: dict[str, Any], label: str, name: str, extra: list[str]
) -> None:
    extra = [arg.format(folder=files["folder"]) for arg in extra]
    price = [] if "--prices" in extra else ["--price", "0.0075"]
    argv = ["analyze", str(files["folder"] / name), "--json", "--no-progress", *price, *extra]
    record, rss = _record(benchmark, label, lambda: _child(argv))
    MEMORY[label] = rss
    assert record["messages"] == N
    if "--smart" not in extra:
        assert record["segments"] == files["parts"]


def test_start_up(benchmark: Any) -> None:
    """The interpreter and the imports an ``analyze`` of a Parquet file needs: the part of
    every end-to-end figure that does not depend on the file."""
    env = _child_env()
    statement = "import smscodec.cli, smscodec._report, smscodec._inputs, pyarrow.parquet"
    _record(
        benchmark,
        "start-up (imports)",
        lambda: subprocess.run([sys.executable, "-c", statement], env=env, check=True),
    )


def test_peak_memory_does_not_grow_with_the_file(files: dict[str, Any]) -> None:
    for name in ("quarter.parquet", "corpus.parquet"):
        _, rss = _child(["analyze", str(files["folder"] / name), "--json", "--no-progress"])
        MEMORY[f"peak, {name}"] = rss


def test_zz_report(capsys: pytest.CaptureFixture[str]) -> None:
    """Print the results table (run last: tests run in file order)."""
    if not RESULTS:
        pytest.skip("no case ran")
    rate = {label: count / seconds for label, (seconds, count) in RESULTS.items()}
    lines = [f"smscodec analyze, {N:,} rows of the benchmark corpus"]
    for label, value in rate.items():
        lines.append(f"  {label:52} {value / 1e6:8.2f} M messages/s  ({RESULTS[label][0]:.3f} s)")
    base = "read + count_segments"
    for label in rate:
        if label.startswith(("analyze", "report")) and base in rate:
            lines.append(f"  {label} takes {rate[base] / rate[label]:.2f}x the time of {base}")
    for option in ("analyze parquet --output parquet", "analyze parquet --prices"):
        if option in rate and "analyze parquet" in rate:
            lines.append(
                f"  {option} takes {rate['analyze parquet'] / rate[option]:.2f}x the time of analyze parquet"
            )
    for single, double in (
        ("analyze parquet", "analyze parquet, threads=2"),
        ("analyze csv", "analyze csv, threads=2"),
        ("analyze parquet --output parquet", "analyze parquet --output parquet, threads=2"),
        ("analyze parquet", "analyze parquet, default threads"),
        ("analyze parquet --output parquet", "analyze parquet --output parquet, default threads"),
    ):
        if single in rate and double in rate:
            lines.append(f"  {double} speed-up: {rate[double] / rate[single]:.2f}x")
    for label, rss in MEMORY.items():
        lines.append(f"  peak memory, {label}: {rss / 1024:.0f} MiB")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert all(value > 0 for value in rate.values())
