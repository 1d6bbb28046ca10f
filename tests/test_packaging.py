"""The source distribution carries what a build from it needs: kernels, tables, tests."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tarfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENTRIES = ["setup.py", "pyproject.toml", "MANIFEST.in", "README.md", "LICENSE", "src", "tests", "benchmarks"]
ENTRIES += ["examples", "tools", ".ci"]


@pytest.fixture(scope="module")
def sdist_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    if not (ROOT / "setup.py").exists():
        pytest.skip("not running from a source tree")
    pytest.importorskip("setuptools")
    work = tmp_path_factory.mktemp("src")
    for entry in ENTRIES:
        source = ROOT / entry
        if source.is_dir():
            shutil.copytree(source, work / entry, ignore=shutil.ignore_patterns("*.so", "*.c", "__pycache__"))
        elif source.exists():
            shutil.copy2(source, work / entry)
    # Pure mode: building the sdist needs neither Cython nor numpy in this environment.
    env = dict(os.environ, SMSCODEC_NO_EXTENSIONS="1")
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "setup.py", "-q", "sdist", "--dist-dir", str(dist)],
        cwd=work,
        env=env,
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
