"""``tools/check_private_imports.py`` finds every kind of private-name read, and only those.

Each case is a small package written to a temporary directory: its files, and the reads
(``importer -> module._name``) the checker must report, no more and no fewer.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from types import ModuleType

import pytest

CHECKER = pathlib.Path(__file__).resolve().parent.parent / "tools" / "check_private_imports.py"

# The modules every case has (they may be overwritten by the case).
BASE = {"__init__.py": "", "_tables.py": "_OWN = 1\n", "segments.py": "", "vonage/__init__.py": ""}

CASES: dict[str, tuple[dict[str, str], set[str]]] = {
    "from-import of a private name": (
        {"segments.py": "from ._tables import _OWN, TABLE\n"},
        {"pkg.segments -> pkg._tables._OWN"},
    ),
    "private submodule import is fine": (
        {"segments.py": "from . import _tables\nfrom pkg import _tables as t\nimport pkg._tables\n"},
        set(),
    ),
    "attribute chain from an absolute import": (
        {"__init__.py": "import pkg.segments\nx = pkg.segments._CACHE\ny = pkg._tables.TABLE\n"},
        {"pkg -> pkg.segments._CACHE"},
    ),
    "lazy import and alias": (
        {"segments.py": "def f():\n    from . import _tables as t\n    return t._LOOKUP\n"},
        {"pkg.segments -> pkg._tables._LOOKUP"},
    ),
    "use above the import": (
        {"segments.py": "def f():\n    return t._LATE\n\n\nfrom . import _tables as t\n"},
        {"pkg.segments -> pkg._tables._LATE"},
    ),
    "getattr and setattr with a constant": (
        {"segments.py": "from . import _tables\ngetattr(_tables, '_HIDDEN')\nsetattr(_tables, '_SET', 1)\n"},
        {"pkg.segments -> pkg._tables._HIDDEN", "pkg.segments -> pkg._tables._SET"},
    ),
    "writes and deletes count": (
        {"segments.py": "import pkg\npkg._tables._Z = 1\ndel pkg._tables._W\n"},
        {"pkg.segments -> pkg._tables._Z", "pkg.segments -> pkg._tables._W"},
    ),
    "dunders and public names are not private": (
        {"segments.py": "from . import _tables\nprint(_tables.__doc__, _tables.TABLE, _tables.__name__)\n"},
        set(),
    ),
    "a module's own names": (
        {"_tables.py": "import pkg._tables\n_OWN = 1\nprint(pkg._tables._OWN)\n"},
        set(),
    ),
    "relative imports from a subpackage": (
        {"vonage/__init__.py": "from .. import _tables as tt\nfrom ..segments import _P2\nprint(tt._V)\n"},
        {"pkg.vonage -> pkg.segments._P2", "pkg.vonage -> pkg._tables._V"},
    ),
    "names of other packages": (
        {"segments.py": "from os import _exit\nimport typing as _t\nprint(_t._SpecialForm)\n"},
        set(),
    ),
    "other objects' attributes": (
        {
            "segments.py": (
                "from . import _tables\nclass A:\n    _x = 1\nprint(A._x, A()._x, _tables.TABLE._inner)\n"
            )
        },
        set(),
    ),
    "cython import, cimport and alias reads": (
        {
            "_seg_c.pyx": (
                "# _twin._IN_A_COMMENT\n"
                "from . import segments as _twin\n"
                "from ._tables cimport (_cfunc,\n    pub)\n"
                "cdef int f():\n"
                "    s = '_twin._IN_A_STRING'\n"
                "    return _twin._PRIV + <int>_twin.pub\n"
            ),
            "_tables.pxd": "cdef int _cfunc()\ncdef int pub()\n",
        },
        {"pkg._seg_c -> pkg._tables._cfunc", "pkg._seg_c -> pkg.segments._PRIV"},
    ),
    "cython include files are read as part of their module": (
        {
            "_seg_c.pyx": "from . import segments as _twin\ninclude '_part.pxi'\n",
            "_part.pxi": "cdef int g():\n    return _twin._FROM_INCLUDE\n",
        },
        {"pkg._seg_c -> pkg.segments._FROM_INCLUDE"},
    ),
}


@pytest.fixture(scope="module")
def checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_private_imports", CHECKER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _package(root: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    package = root / "pkg"
    for name, text in {**BASE, **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


@pytest.mark.parametrize("case", sorted(CASES))
def test_reads_found(checker: ModuleType, tmp_path: pathlib.Path, case: str) -> None:
    files, expected = CASES[case]
    hits = checker.scan(_package(tmp_path, files))
    assert {hit.key for hit in hits} == expected
    assert all(hit.line >= 1 for hit in hits)


def test_hit_names_file_and_line(checker: ModuleType, tmp_path: pathlib.Path) -> None:
    package = _package(tmp_path, {"segments.py": "\n\nfrom ._tables import _OWN\n"})
    (hit,) = checker.scan(package)
    assert hit.path.endswith("pkg/segments.py")
    assert hit.line == 3
    assert str(hit).endswith("pkg/segments.py:3: pkg.segments reads pkg._tables._OWN")


def test_exit_status_and_allow_list(
    checker: ModuleType,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clean = _package(tmp_path / "clean", {})
    dirty = _package(tmp_path / "dirty", {"segments.py": "from ._tables import _OWN\n"})
    assert checker.main([str(clean)]) == 0
    assert checker.main([str(dirty)]) == 1
    assert "pkg.segments reads pkg._tables._OWN" in capsys.readouterr().out
    monkeypatch.setattr(checker, "ALLOWED", {"pkg.segments -> pkg._tables._OWN": "a reason"})
    assert checker.main([str(dirty)]) == 0
    assert "(allowed: a reason)" in capsys.readouterr().out
    # An entry that matches no read any more is stale: it fails until removed.
    assert checker.main([str(clean)]) == 1
    assert "stale allow-list entry (no such read any more): pkg.segments -> pkg._tables._OWN" in (
        capsys.readouterr().out
    )


def test_cython_imports_lists_every_package_import(checker: ModuleType, tmp_path: pathlib.Path) -> None:
    package = _package(
        tmp_path,
        {
            "_k_c.pyx": (
                "from libc.stdint cimport uint8_t\n"
                "from ._k_c cimport Plan\n"
                "from . import segments as _up, _tables\n"
                "from ._spec cimport (A,\n    B)\n"
                "import pkg.errors\n"
                "include '_k_part.pxi'\n"
                "def f():\n    from .vonage import x  # lazy\n"
            ),
            "_k_part.pxi": "from .udh import parse\n",
            "_k_c.pxd": "cdef struct Plan:\n    int a\n",
            "_spec.pxd": "cdef int A\ncdef int B\n",
            "errors.py": "",
            "udh.py": "",
        },
    )
    found = {(importer, module) for importer, _path, _line, module in checker.cython_imports(package)}
    assert found == {
        ("pkg._k_c", "pkg._k_c"),
        ("pkg._k_c", "pkg.segments"),
        ("pkg._k_c", "pkg._tables"),
        ("pkg._k_c", "pkg._spec"),
        ("pkg._k_c", "pkg.errors"),
        ("pkg._k_c", "pkg.udh"),
        ("pkg._k_c", "pkg.vonage"),
    }
