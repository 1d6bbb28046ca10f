"""What ``import smscodec`` (and ``import smscodec.vonage``) costs, as a ratio to a bare interpreter.

Run: ``python benchmarks/import_cost.py [--runs 15]``.  Each module is imported in a fresh
interpreter ``--runs`` times; the report gives the best ``-X importtime`` cumulative time of
the package, the best wall time of the whole process against ``python -c pass`` measured in
the same run, and the heavy modules (numpy, pandas, pyarrow) that got imported (must be none).
Bytecode caching is switched on for the measured interpreters (``PYTHONDONTWRITEBYTECODE``
removed) and one warm-up import writes the ``.pyc`` files, as an installed wheel has them:
otherwise every run would time the compiler.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

HEAVY = ("numpy", "pandas", "pyarrow")
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _importtime(statement: str, package: str) -> float:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    ).stderr
    for line in out.splitlines():
        match = re.match(r"import time:\s*\d+\s*\|\s*(\d+)\s*\|\s*(\S+)\s*$", line)
        if match and match.group(2) == package:
            return int(match.group(1)) / 1000
    raise SystemExit(f"no importtime line for {package}")


def _wall(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True, env=ENV)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    bare = min(_wall("pass") for _ in range(runs))
    print(f"python -c pass: {bare:.1f} ms (best of {runs})")
    for package in ("smscodec", "smscodec.vonage"):
        statement = f"import {package}"
        _wall(statement)  # warm-up: writes the bytecode caches
        cumulative = min(_importtime(statement, package) for _ in range(runs))
        wall = min(_wall(statement) for _ in range(runs))
        check = f"import sys, {package}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
        heavy = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
        print(
            f"{statement}: importtime {cumulative:.1f} ms; process {wall:.1f} ms"
            f" = pass + {wall - bare:.1f} ms; heavy modules imported: {heavy.stdout.strip() or 'none'}"
        )


if __name__ == "__main__":
    main()
