"""Which backend is live, and that the compiled and pure twins expose the same names."""

from __future__ import annotations

import importlib
import os
import pathlib
import subprocess
import sys

import pytest

import smscodec
from smscodec import _backend

PACKAGE = pathlib.Path(smscodec.__file__).parent
TWINS = sorted(p.stem[1:-3] for p in PACKAGE.glob("_*_py.py"))


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def test_there_are_kernels() -> None:
    assert "gsm7" in TWINS
    assert "segments" in TWINS


def test_backend_follows_the_environment() -> None:
    if _flag("SMSCODEC_NO_EXTENSIONS"):
        assert smscodec.USE_EXTENSIONS is False
        assert smscodec.BACKEND == "python"
    elif _flag("SMSCODEC_REQUIRE_EXTENSIONS"):
        # CI and cibuildwheel: the compiled kernels must be what `import smscodec` uses.
        assert smscodec.USE_EXTENSIONS is True, f"fell back to the pure twins for {_backend._FALLBACKS}"
        assert smscodec.BACKEND == "c"
    assert ("c" if smscodec.USE_EXTENSIONS else "python") == smscodec.BACKEND


@pytest.mark.parametrize("name", TWINS)
def test_public_kernels_are_the_live_backend(name: str) -> None:
    live = _backend.load(name)
    if _flag("SMSCODEC_NO_EXTENSIONS"):
        assert live.__name__ == f"smscodec._{name}_py"
    elif _flag("SMSCODEC_REQUIRE_EXTENSIONS"):
        assert live.__name__ == f"smscodec._{name}_c"


@pytest.mark.parametrize("name", TWINS)
def test_twins_have_the_same_public_names(name: str) -> None:
    pure = importlib.import_module(f"smscodec._{name}_py")
    try:
        compiled = importlib.import_module(f"smscodec._{name}_c")
    except ImportError:
        if _flag("SMSCODEC_REQUIRE_EXTENSIONS"):
            raise
        pytest.skip("compiled kernels are not built in this install")
    names = getattr(pure, "__all__", None)
    assert names, f"_{name}_py must declare __all__"
    missing = [n for n in names if not hasattr(compiled, n)]
    assert not missing, f"_{name}_c lacks {missing}"


def test_no_extensions_env_forces_pure_twins_at_run_time() -> None:
    code = "import smscodec, sys; print(smscodec.BACKEND, smscodec.USE_EXTENSIONS)"
    env = dict(os.environ, SMSCODEC_NO_EXTENSIONS="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["python", "False"]


def test_every_compiled_kernel_has_a_stub() -> None:
    for pyx in PACKAGE.glob("_*_c.pyx"):
        assert pyx.with_suffix(".pyi").exists(), f"{pyx.name} has no .pyi stub"
