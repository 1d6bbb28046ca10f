"""Which backend is live: the compiled Cython kernels or their pure-Python twins.

``SMSCODEC_NO_EXTENSIONS`` (any value but ``""`` or ``"0"``) forces the pure twins, at
build time (``setup.py`` reads it too) and at run time.  Off CPython the twins are
always used.  Each kernel selector routes type checkers to the twin and loads the live one::

    if TYPE_CHECKING:
        from . import _gsm7_py as _kernel
    else:
        _kernel = load("gsm7")
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

__all__ = ["NO_EXTENSIONS", "backend", "kernels", "load"]

NO_EXTENSIONS: bool = os.environ.get("SMSCODEC_NO_EXTENSIONS", "") not in ("", "0") or (
    sys.implementation.name != "cpython"
)

# Kernels whose compiled twin failed to import (absent build, pure install).
_FALLBACKS: list[str] = []


def load(name: str) -> ModuleType:
    """Import ``smscodec._{name}_c``, or ``smscodec._{name}_py`` when that is unavailable or disabled."""
    if not NO_EXTENSIONS:
        try:
            return importlib.import_module(f"smscodec._{name}_c")
        except ImportError:
            _FALLBACKS.append(name)
    return importlib.import_module(f"smscodec._{name}_py")


def kernels() -> list[str]:
    """The base names of every kernel twin shipped in the package (``gsm7``, ``segments``, ...)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return sorted(f[1:-6] for f in os.listdir(here) if f.startswith("_") and f.endswith("_py.py"))


def backend() -> str:
    """``"c"`` when every kernel's compiled twin is live, else ``"python"``.

    Loads each kernel (as its selector would), so a compiled twin that fails to import
    (a pure install, an ABI mismatch) shows here rather than at first use.
    """
    if NO_EXTENSIONS:
        return "python"
    for name in kernels():
        load(name)
    return "python" if _FALLBACKS else "c"
