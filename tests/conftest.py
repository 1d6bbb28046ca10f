"""Shared fixtures: the backend fixture that runs kernel tests against both twins.

The public API follows ``SMSCODEC_NO_EXTENSIONS`` (``.ci/run`` runs the whole suite
twice, compiled and pure).  Kernel-level tests take the ``kernel`` fixture factory and
so always see both twins side by side, for parity tests.  When the compiled twin is
absent (a pure install) its cases are skipped, unless ``SMSCODEC_REQUIRE_EXTENSIONS=1``
or ``--c-extensions`` says it must be there, when they fail.
"""

from __future__ import annotations

import importlib
import json
import os
import pathlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

VECTORS = pathlib.Path(__file__).parent / "vectors"

# The store fixtures (memory, SQLite, a real redis-server): tests/_servers.py.
pytest_plugins = ["_servers"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("smscodec")
    group.addoption(
        "--c-extensions",
        action="store_true",
        default=os.environ.get("SMSCODEC_REQUIRE_EXTENSIONS", "") not in ("", "0"),
        help="fail (rather than skip) compiled-backend cases when the extension is missing",
    )
    group.addoption(
        "--no-c-extensions",
        action="store_true",
        default=False,
        help="run only the pure-Python twins in parametrized kernel tests",
    )


def _backends(config: pytest.Config) -> list[Any]:
    params: list[Any] = [pytest.param("py", id="py")]
    if not config.getoption("--no-c-extensions"):
        params.insert(0, pytest.param("c", id="c", marks=pytest.mark.c_extension))
    return params


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", _backends(metafunc.config), scope="session")


@pytest.fixture(scope="session")
def kernel(backend: str, request: pytest.FixtureRequest) -> Callable[[str], ModuleType]:
    """``kernel("gsm7")`` -> ``smscodec._gsm7_c`` or ``smscodec._gsm7_py`` for this case's backend."""

    def load(name: str) -> ModuleType:
        try:
            return importlib.import_module(f"smscodec._{name}_{backend}")
        except ImportError:
            if backend == "c" and not request.config.getoption("--c-extensions"):
                pytest.skip(f"compiled kernel smscodec._{name}_c is not built")
            raise

    return load


def load_vector(name: str) -> Any:
    """A reference data file from tests/vectors (JSON, or JSON lines for ``.jsonl``)."""
    path = VECTORS / name
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


# numpy is the `batch` extra.  In an environment without it (.ci/run makes one) the test
# modules of smscodec.batch, smscodec.dask and the numpy/pandas/Arrow inputs cannot import;
# they are left out there, by name, and said so in the report header.  Everything else must
# pass without numpy.
NEEDS_NUMPY = (
    "test_api_contract.py",
    "test_arrow_c_data.py",
    "test_arrow_sources.py",
    "test_batch.py",
    "test_batch_contracts.py",
    "test_batch_duckdb.py",
    "test_batch_parity.py",
    "test_batch_polars.py",
    "test_batch_policies.py",
    "test_batch_smart.py",
    "test_batch_tables.py",
    "test_batch_threads.py",
    "test_cli.py",
    "test_cli_pricing.py",
    "test_dask.py",
    "test_leaks.py",
    "test_outputs.py",
    "test_report.py",
    "test_segments_cost_columns.py",
)
try:
    import numpy  # noqa: F401
except ImportError:
    HAVE_NUMPY = False
    collect_ignore = list(NEEDS_NUMPY)
else:
    HAVE_NUMPY = True


def pytest_report_header(config: pytest.Config) -> str:
    if HAVE_NUMPY:
        return "numpy: installed (every test module runs)"
    return "numpy: not installed; left out: " + ", ".join(NEEDS_NUMPY)
