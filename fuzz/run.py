"""Run every fuzz target for a bounded time and report targets x executions and findings.

    python fuzz/run.py --seconds 3               # every target, 3 s each (what .ci/run does)
    python fuzz/run.py --seconds 600 --targets segments,parse_inbound
    python fuzz/run.py --seeds-only              # replay the seed corpus once (sanitizer run)
    python fuzz/run.py --replay TARGET FILE...   # reproduce a finding

Engines: with atheris installed (``pip install atheris``, the ``fuzz`` extra) each target
runs coverage-guided under libFuzzer in its own process (``fuzz/targets.py NAME``), with the
seed corpus copied into a scratch directory so the committed seeds never change.  Without
atheris (it does not build everywhere) the same targets run in this process over the seeds,
then over random inputs and random mutations of the seeds for the same time budget; a
message says so.  Either way the exit status is 1 when any target failed, and every failing
input is written to the artifacts directory for ``--replay``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEEDS = HERE / "seeds"

# Bytes that mean something to the parsers: escape, septet limits, UTF-8 lead bytes,
# an encoded surrogate, JSON/XML/query punctuation.
_INTERESTING = [
    b"\x1b",
    b"\x7f",
    b"\x80",
    b"\xff",
    b"\x00",
    b"\xed\xa0\x80",
    b"\xf0\x9f\x98\x80",
    b"\xe2\x82\xac",
    b"\xce\x94",
    b"&",
    b"=",
    b"%",
    b"{",
    b"}",
    b'"',
    b"<",
    b">",
    b"<!DOCTYPE",
    b"\x05\x00\x03",
    b"\x08\x04",
    b"ffff",
]
# An input that runs this long is reported as a hang (libFuzzer's -timeout in atheris mode).
_HANG_SECONDS = 10


@dataclass
class Report:
    name: str
    engine: str
    executions: int = 0
    seconds: float = 0.0
    findings: list[str] = field(default_factory=list)


def _ensure_importable() -> dict[str, str]:
    """The environment for target processes: the installed package, else ./src."""
    env = dict(os.environ)
    if importlib.util.find_spec("smscodec") is None:
        src = str(ROOT / "src")
        sys.path.insert(0, src)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH", "")]))
    return env


def _seed_files(name: str) -> list[Path]:
    folder = SEEDS / name
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def _save(artifacts: Path, name: str, data: bytes, kind: str) -> Path:
    import hashlib

    artifacts.mkdir(parents=True, exist_ok=True)
    path = artifacts / f"{name}-{kind}-{hashlib.sha1(data).hexdigest()[:16]}"
    path.write_bytes(data)
    return path


# --- the in-process engine (no atheris) -----------------------------------------------------


class _Hang(Exception):
    pass


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _Hang(f"input ran for more than {_HANG_SECONDS} s")


def _mutate(rng: random.Random, pool: list[bytes]) -> bytes:
    if not pool or rng.random() < 0.2:
        return rng.randbytes(rng.randrange(0, 300))
    data = bytearray(rng.choice(pool))
    for _ in range(rng.randrange(1, 6)):
        op = rng.randrange(7)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos:pos] = rng.randbytes(rng.randrange(1, 8))
        elif op == 2 and data:
            del data[pos : pos + rng.randrange(1, 16)]
        elif op == 3:
            data[pos:pos] = rng.choice(_INTERESTING)
        elif op == 4 and data:
            chunk = data[pos : pos + rng.randrange(1, 64)]
            data[pos:pos] = chunk * rng.randrange(1, 40)
        elif op == 5:
            other = rng.choice(pool)
            cut = rng.randrange(len(other) + 1)
            data = data[:pos] + other[cut:]
        elif op == 6 and data:
            data[min(pos, len(data) - 1)] = rng.choice((0, 0x1B, 0x7F, 0x80, 0xFF, rng.randrange(256)))
    return bytes(data)


def _run_in_process(
    name: str, seconds: float, rng: random.Random, artifacts: Path, *, seeds_only: bool
) -> Report:
    import targets as fuzz_targets

    report = Report(name, "seeds" if seeds_only else "random")
    target = fuzz_targets.TARGETS[name]
    seeds = [p.read_bytes() for p in _seed_files(name)]
    old = signal.signal(signal.SIGALRM, _alarm)
    start = time.monotonic()
    deadline = start + seconds

    def attempt(data: bytes) -> None:
        signal.alarm(_HANG_SECONDS)
        try:
            target(data)
        except _Hang as exc:
            report.findings.append(f"hang: {exc}; input saved to {_save(artifacts, name, data, 'timeout')}")
        except Exception:
            path = _save(artifacts, name, data, "crash")
            report.findings.append(f"{traceback.format_exc(limit=6)}input saved to {path}")
        finally:
            signal.alarm(0)
        report.executions += 1

    try:
        for data in seeds:
            attempt(data)
        while not seeds_only and time.monotonic() < deadline and len(report.findings) < 5:
            attempt(_mutate(rng, seeds))
    finally:
        signal.signal(signal.SIGALRM, old)
    report.seconds = time.monotonic() - start
    return report


# --- the atheris engine ----------------------------------------------------------------------

_EXECUTED = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
_ARTIFACT = re.compile(r"Test unit written to (\S+)")


def _run_atheris(name: str, seconds: float, artifacts: Path, env: dict[str, str], scratch: Path) -> Report:
    report = Report(name, "atheris")
    corpus = scratch / name
    corpus.mkdir(parents=True, exist_ok=True)
    for seed in _seed_files(name):
        shutil.copy(seed, corpus / seed.name)
    artifacts.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(HERE / "targets.py"),
        name,
        f"-max_total_time={max(1, int(seconds))}",
        f"-timeout={_HANG_SECONDS}",
        "-rss_limit_mb=2048",
        "-print_final_stats=1",
        f"-artifact_prefix={artifacts}/{name}-",
        str(corpus),
    ]
    start = time.monotonic()
    # atheris prints the Python traceback on stdout, libFuzzer its report on stderr: keep both.
    proc = subprocess.run(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        check=False,
    )
    report.seconds = time.monotonic() - start
    found = _EXECUTED.findall(proc.stdout)
    report.executions = int(found[-1]) if found else 0
    if proc.returncode != 0:
        written = _ARTIFACT.findall(proc.stdout)
        report.findings.append(
            f"exit status {proc.returncode}; artifacts: {written or 'none'}\n{_why(proc.stdout)}"
        )
    return report


def _why(stderr: str) -> str:
    """The Python traceback atheris printed, else the sanitizer's or libFuzzer's report."""
    lines = stderr.splitlines()
    for marker in ("=== Uncaught Python exception: ===", "ERROR: AddressSanitizer", "runtime error:"):
        hits = [i for i, line in enumerate(lines) if marker in line]
        if hits:
            return "\n".join(lines[hits[0] : hits[0] + 40])
    return "\n".join(lines[-40:])


# --- entry point -----------------------------------------------------------------------------


def _replay(name: str, files: list[str]) -> int:
    import targets as fuzz_targets

    fuzz_targets.load_library()
    status = 0
    for file in files:
        data = Path(file).read_bytes()
        try:
            fuzz_targets.TARGETS[name](data)
        except Exception:
            status = 1
            print(f"--- {file}: FAILED", file=sys.stderr)
            traceback.print_exc()
        else:
            print(f"--- {file}: ok")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="time budget per target (default 10)")
    parser.add_argument("--targets", default="", help="comma-separated target names (default: all)")
    parser.add_argument(
        "--engine",
        choices=("auto", "atheris", "random"),
        default="auto",
        help="atheris when installed (auto), or the in-process random engine",
    )
    parser.add_argument("--seeds-only", action="store_true", help="replay the seed corpus once per target")
    parser.add_argument("--seed", type=int, default=None, help="random engine seed (default: time-based)")
    parser.add_argument("--artifacts", default=None, help="where failing inputs go (default: a temp dir)")
    parser.add_argument("--replay", nargs="+", metavar=("TARGET", "FILE"), help="run TARGET on FILEs")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)

    env = _ensure_importable()
    sys.path.insert(0, str(HERE))
    import targets as fuzz_targets

    if args.replay:
        name, *files = args.replay
        if name not in fuzz_targets.TARGETS or not files:
            parser.error(f"--replay TARGET FILE...; targets: {', '.join(fuzz_targets.TARGETS)}")
        return _replay(name, files)

    fuzz_targets.load_library()
    names = [n for n in args.targets.split(",") if n] or fuzz_targets.available()
    unknown = [n for n in names if n not in fuzz_targets.TARGETS]
    if unknown:
        parser.error(f"unknown targets {unknown}; known: {', '.join(fuzz_targets.TARGETS)}")
    if args.list:
        print("\n".join(names))
        return 0

    engine = args.engine
    if engine == "auto":
        if importlib.util.find_spec("atheris") is None:
            engine = "random"
            print(
                "atheris is not installed: running the targets in-process over the seed corpus and "
                "random/mutated inputs instead (pip install atheris for coverage-guided fuzzing)",
                file=sys.stderr,
            )
        else:
            engine = "atheris"
    if args.seeds_only:
        engine = "random"
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    artifacts = Path(args.artifacts or tempfile.mkdtemp(prefix="smscodec-fuzz-artifacts-"))
    import smscodec

    print(
        f"smscodec {smscodec.__version__} backend={smscodec.BACKEND}; engine={engine}; "
        f"{'seeds only' if args.seeds_only else f'{args.seconds:g} s per target'}"
        + (f"; random seed {seed}" if engine == "random" and not args.seeds_only else "")
    )
    reports: list[Report] = []
    with tempfile.TemporaryDirectory(prefix="smscodec-fuzz-corpus-") as scratch:
        for name in names:
            if engine == "atheris":
                report = _run_atheris(name, args.seconds, artifacts, env, Path(scratch))
            else:
                report = _run_in_process(name, args.seconds, rng, artifacts, seeds_only=args.seeds_only)
            reports.append(report)
            verdict = "ok" if not report.findings else f"{len(report.findings)} FINDING(S)"
            line = f"{name:24} {report.engine:8} {report.executions:>10} execs {report.seconds:7.1f} s"
            print(f"{line}  {verdict}", flush=True)
            for finding in report.findings:
                print(f"  {finding}".replace("\n", "\n  "), file=sys.stderr)
    total = sum(r.executions for r in reports)
    failed = [r.name for r in reports if r.findings]
    print(f"{len(reports)} targets x {total} executions; findings in: {', '.join(failed) or 'none'}")
    if failed:
        print(f"failing inputs are in {artifacts}; replay with: python fuzz/run.py --replay TARGET FILE")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
