"""The package's import rules, enforced.

* ``.importlinter`` at the repository root states them for import-linter: modules import
  only downward (public modules -> option plans -> kernel twins -> data -> errors), every
  module has a layer, no import cycles between siblings (lazy imports included), and
  ``import smscodec`` / ``import smscodec.vonage`` reach neither numpy, pandas nor pyarrow
  through any chain of imports.  The linter runs on the installed package here, and on
  copies with one violation planted each, so a contract that stopped checking would show.
* The compiled kernels' sources (``.pyx``/``.pxd``, which import-linter does not read)
  import and cimport only downward in the same layers, ``_x_c`` in the layer of its twin
  ``_x_py``.
* A fresh interpreter that imports ``smscodec`` and ``smscodec.vonage`` holds none of
  numpy, pandas or pyarrow (the dynamic kernel loading included, which no static check
  sees), on both backends.
* No module reads another module's private names (``tools/check_private_imports.py``).

Nothing here measures time.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys
from types import ModuleType

import pytest

import smscodec

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
CHECKER = ROOT / "tools" / "check_private_imports.py"
PACKAGE = pathlib.Path(smscodec.__file__).resolve().parent

# import-linter's own entry point, without its logo and cache (the cache would be written
# into the working directory).
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"
)


def _env(**changes: str | None) -> dict[str, str]:
    env = dict(os.environ)
    # Wide, plain output: the linter's report wraps at the terminal width.
    env.update(PYTHONIOENCODING="utf-8", NO_COLOR="1", COLUMNS="250", TERM="dumb")
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _lint(cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on ``.importlinter`` from ``cwd`` (which comes first on its path)."""
    return subprocess.run(
        [sys.executable, "-c", LINT, str(CONFIG)],
        cwd=cwd,
        env=_env(PYTHONPATH=None),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=300,
    )


def test_import_contracts_are_kept(tmp_path: pathlib.Path) -> None:
    # From an empty directory the linter analyses the installed (or editable) package.
    done = _lint(tmp_path)
    assert "Contracts:" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr


# One planted violation each: (file, statement put in a function there, what the report
# must say).  Each statement is a lazy import, which the contracts count like any other.
PLANTED = {
    "upward": ("errors.py", "from . import cli", "smscodec.errors is not allowed to import smscodec.cli"),
    "sideways": ("udh.py", "from . import smart", "smscodec.udh is not allowed to import smscodec.smart"),
    "kernel-up": (
        "_gsm7_py.py",
        "from . import gsm7",
        "smscodec._gsm7_py is not allowed to import smscodec.gsm7",
    ),
    "cycle": ("vonage/status.py", "from . import responses", ".status -> .responses"),
    "numpy": ("hexbody.py", "import numpy", "smscodec.hexbody -> numpy"),
    "pandas-vonage": ("vonage/status.py", "import pandas", "smscodec.vonage.status -> pandas"),
    "pyarrow": ("udh.py", "import pyarrow.compute", "smscodec.udh -> pyarrow"),
    "unplaced": ("_stray.py", "", "smscodec._stray"),
}


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_import_contracts_catch_a_planted_violation(tmp_path: pathlib.Path, case: str) -> None:
    where, statement, reported = PLANTED[case]

    def not_python(directory: str, names: list[str]) -> list[str]:
        return [n for n in names if not n.endswith(".py") and not (pathlib.Path(directory) / n).is_dir()]

    copy = tmp_path / "smscodec"
    shutil.copytree(PACKAGE, copy, ignore=not_python)
    with (copy / where).open("a", encoding="utf-8") as source:
        source.write(f"\n\ndef _planted() -> None:\n    {statement}\n" if statement else "X = 1\n")
    done = _lint(tmp_path)
    assert done.returncode != 0, done.stdout + done.stderr
    assert reported in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("pure", [False, True], ids=["compiled", "pure"])
def test_import_leaves_the_dataframe_stack_out(pure: bool) -> None:
    code = (
        "import json, sys\n"
        "import smscodec, smscodec.vonage\n"
        "heavy = [m for m in sys.modules if m.partition('.')[0] in ('numpy', 'pandas', 'pyarrow')]\n"
        "print(json.dumps([smscodec.BACKEND, sorted(heavy)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(SMSCODEC_NO_EXTENSIONS="1" if pure else None, SMSCODEC_REQUIRE_EXTENSIONS=None),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    backend, loaded = json.loads(done.stdout)
    if pure:
        assert backend == "python"
    assert loaded == []


def test_no_module_reads_another_modules_private_names() -> None:
    done = subprocess.run(
        [sys.executable, str(CHECKER), str(PACKAGE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "private-name reads" in done.stderr, done.stderr
    assert done.returncode == 0, done.stdout + done.stderr


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_private_imports", CHECKER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _layers() -> dict[str, int]:
    """Each module of the layers contract -> its layer's depth (0 at the top)."""
    config = configparser.ConfigParser()
    config.read(CONFIG, encoding="utf-8")
    contract = config["importlinter:contract:layers"]
    (container,) = contract["containers"].split()
    depth: dict[str, int] = {}
    for number, line in enumerate(contract["layers"].strip().splitlines()):
        for name in line.replace(":", "|").split("|"):
            depth[f"{container}.{name.strip().strip('()')}"] = number
    return depth


def _layer_of(module: str, depth: dict[str, int]) -> str:
    """A compiled kernel ``_x_c`` sits with its twin ``_x_py``."""
    if module.endswith("_c") and module not in depth:
        return module[:-2] + "_py"
    return module


def _kernel_imports(package: pathlib.Path) -> tuple[list[str], list[str]]:
    """Cython imports of modules in no layer, and Cython imports that do not point down."""
    depth = _layers()
    imports = _checker().cython_imports(package)
    assert any(importer.endswith("_c") for importer, *_ in imports), "no Cython sources read"
    unplaced = []
    upward = []
    for importer, path, line, module in imports:
        source, target = _layer_of(importer, depth), _layer_of(module, depth)
        if source not in depth or target not in depth:
            unplaced.append(f"{path}:{line}: {importer} -> {module}")
        elif source != target and depth[target] <= depth[source]:
            # Same layer entry (a kernel and its twin, a .pyx and its .pxd): one unit.
            upward.append(f"{path}:{line}: {importer} -> {module}")
    return unplaced, upward


def test_compiled_kernels_import_only_downward() -> None:
    unplaced, upward = _kernel_imports(PACKAGE)
    assert unplaced == [], "modules in no layer of .importlinter"
    assert upward == [], "imports that do not point downward"


def test_compiled_kernel_check_catches_a_planted_import(tmp_path: pathlib.Path) -> None:
    copy = tmp_path / "smscodec"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("*.so", "*.pyd", "*.c", "*.h", "__pycache__")
    )
    with (copy / "_signing_c.pyx").open("a", encoding="utf-8") as source:
        source.write("\n\ndef _planted():\n    from . import signing\n")
    _unplaced, upward = _kernel_imports(copy)
    assert [u for u in upward if "_signing_c -> smscodec.signing" in u]
