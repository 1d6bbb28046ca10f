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

__all__ = ["NO_EXTENSIONS", "backend", "load"]

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


def backend() -> str:
    """``"c"`` when every kernel loaded so far is compiled, else ``"python"``."""
    return "python" if NO_EXTENSIONS or _FALLBACKS else "c"

