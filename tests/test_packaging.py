"""The source distribution carries what a build from it needs: kernels, tables, tests."""

from __future__ import annotations

import ast
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENTRIES = ["setup.py", "pyproject.toml", "MANIFEST.in", "README.md", "LICENSE", "src", "tests", "benchmarks"]
ENTRIES += ["examples", "tools", ".ci", ".importlinter", "SECURITY.md"]


# Pure mode: building the sdist needs neither Cython nor numpy in this environment.
PURE = dict(os.environ, SMSCODEC_NO_EXTENSIONS="1")


@pytest.fixture(scope="module")
def source_tree(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    if not (ROOT / "setup.py").exists():
        pytest.skip("not running from a source tree")
    pytest.importorskip("setuptools")
    work = tmp_path_factory.mktemp("src")
    for entry in ENTRIES:
        source = ROOT / entry
        if source.is_dir():
            shutil.copytree(
                source, work / entry, ignore=shutil.ignore_patterns("*.so", "*.c", "__pycache__", "build")
            )
        elif source.exists():
            shutil.copy2(source, work / entry)
    return work


@pytest.fixture(scope="module")
def sdist_names(source_tree: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "setup.py", "-q", "sdist", "--dist-dir", str(dist)],
        cwd=source_tree,
        env=PURE,
        check=True,
        capture_output=True,
    )
    (archive,) = dist.glob("smscodec-*.tar.gz")
    with tarfile.open(archive) as tar:
        return {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}


def test_sdist_has_the_cython_sources_and_stubs(sdist_names: set[str]) -> None:
    pyx = {p.relative_to(ROOT).as_posix() for p in (ROOT / "src").rglob("*.pyx")}
    assert pyx, "no .pyx sources found"
    assert pyx <= sdist_names
    assert {p[:-4] + ".pyi" for p in pyx} <= sdist_names
    assert "src/smscodec/py.typed" in sdist_names


def test_sdist_has_the_tables(sdist_names: set[str]) -> None:
    assert {"src/smscodec/_tables.py", "src/smscodec/_national_tables.py"} <= sdist_names
    assert "tests/vectors/national_language_tables.json" in sdist_names
    assert "tools/gen_tables.py" in sdist_names


def test_sdist_has_the_tests_and_build_files(sdist_names: set[str]) -> None:
    tests = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").glob("test_*.py")}
    assert tests <= sdist_names
    assert {"tests/conftest.py", "setup.py", "pyproject.toml", "README.md", "LICENSE"} <= sdist_names
    assert not any(name.endswith((".so", ".c")) for name in sdist_names)


# Files a kernel build reads besides its .pyx: included parts (.pxi), cimported
# declarations (.pxd) and the kernels' shared C header (_scan.h).
BUILD_INPUTS = ("*.pxd", "*.pxi", "*.h")


def _build_inputs() -> set[str]:
    return {p.relative_to(ROOT / "src").as_posix() for g in BUILD_INPUTS for p in (ROOT / "src").rglob(g)}


def test_sdist_has_what_a_kernel_build_reads(sdist_names: set[str]) -> None:
    # A build from the sdist (cibuildwheel builds the wheels from it) needs every one.
    inputs = _build_inputs()
    assert "smscodec/_scan.h" in inputs
    assert {"src/" + name for name in inputs} <= sdist_names


def test_wheel_ships_the_cimport_surface(source_tree: pathlib.Path, tmp_path: pathlib.Path) -> None:
    # What build_py puts in the wheel: the .pxd files that other Cython code may cimport,
    # and the header the shared one (_scan.pxd) declares, next to them.
    subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(tmp_path)],
        cwd=source_tree,
        env=PURE,
        check=True,
        capture_output=True,
    )
    shipped = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")}
    assert _build_inputs() <= shipped


# Directives a kernel may set for itself (each where it checks its lengths by hand);
# every other one is set once in setup.py, and each "# cython:" header repeats them all,
# so that a hand-run cythonize builds what setup.py builds.
FILE_DIRECTIVES = {"boundscheck": "False", "wraparound": "False"}
# Kernels that opt out of one of setup.py's directives, with the reason in their header.
OPT_OUTS = {"_count_c.pyx": {"freethreading_compatible": "False"}}


def _setup_directives() -> dict[str, str]:
    for node in ast.parse((ROOT / "setup.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["DIRECTIVES"]:
            return {key: str(value) for key, value in ast.literal_eval(node.value).items()}
    raise AssertionError("setup.py sets no DIRECTIVES")


def _header_directives(pyx: pathlib.Path) -> dict[str, str]:
    # The "# cython:" lines among the comment lines that open the file (Cython reads
    # every one of them; the others say why).
    lines = pyx.read_text(encoding="utf-8").splitlines()
    count = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    header = [line.removeprefix("# cython:") for line in lines[:count] if line.startswith("# cython:")]
    assert header, f"{pyx.name} has no '# cython:' header"
    assert not any(line.startswith("# cython:") for line in lines[count:]), (
        f"{pyx.name}: directives below the top"
    )
    items = [item.split("=", 1) for line in header for item in line.split(",")]
    directives = {key.strip(): value.strip() for key, value in items}
    assert len(directives) == len(items), f"{pyx.name} sets a directive twice"
    return directives


def test_directives_are_set_once() -> None:
    directives = _setup_directives()
    assert directives["language_level"] == "3"
    assert directives["embedsignature"] == "True"
    assert directives["embedsignature.format"] == "clinic"
    assert directives["freethreading_compatible"] == "True"
    assert not FILE_DIRECTIVES.keys() & directives.keys()
    kernels = sorted((ROOT / "src" / "smscodec").glob("_*_c.pyx"))
    assert kernels
    for pyx in kernels:
        header = _header_directives(pyx)
        expected = directives | OPT_OUTS.get(pyx.name, {})
        assert {key: header.get(key) for key in expected} == expected, pyx.name
        for key, value in header.items():
            if key not in expected:
                assert FILE_DIRECTIVES.get(key) == value, f"{pyx.name}: {key}={value} is not setup.py's"
