"""Build the Cython kernels; the pure-Python twins need nothing built.

SMSCODEC_NO_EXTENSIONS=1 skips the kernels (a pure install).  Under cibuildwheel
(CIBUILDWHEEL=1) or with SMSCODEC_REQUIRE_EXTENSIONS=1 a failed kernel build is an
error; otherwise the install falls back to the pure twins with a banner.
"""

import os
import pathlib
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


NO_EXTENSIONS = _flag("SMSCODEC_NO_EXTENSIONS") or sys.implementation.name != "cpython"
REQUIRE_EXTENSIONS = _flag("CIBUILDWHEEL") or _flag("SMSCODEC_REQUIRE_EXTENSIONS")


class OptionalBuildExt(build_ext):
    """Fall back to the pure twins when a compiler is missing, unless extensions are required."""

    def run(self) -> None:
        try:
            super().run()
        except Exception:
            if REQUIRE_EXTENSIONS:
                raise
            _banner("the compiler failed: smscodec installs its pure-Python backend")

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception:
            if REQUIRE_EXTENSIONS:
                raise
            _banner(f"{ext.name} did not compile: smscodec uses its pure-Python twin")


def _banner(message: str) -> None:
    print("*" * 75, message, "*" * 75, sep="\n", file=sys.stderr)


# The Cython directives of every kernel, set once here; each .pyx repeats them in its
# "# cython:" header so that a hand-run cythonize builds the same code, adding only
# boundscheck/wraparound=False where that file checks its lengths by hand
# (tests/test_packaging.py checks that they agree).  binding=False: a kernel's functions
# are builtins, the cheapest call, whose clinic-format signature inspect.signature reads.
# cdivision: the kernels divide only non-negative numbers, by constants.
DIRECTIVES = {
    "language_level": "3",
    "embedsignature": True,
    "embedsignature.format": "clinic",
    "binding": False,
    "freethreading_compatible": True,
    "cdivision": True,
}
PACKAGE = pathlib.Path("src/smscodec")


def _extensions() -> list[Extension]:
    from Cython.Build import cythonize

    modules = [
        Extension(
            ".".join(src.relative_to("src").with_suffix("").parts),
            [str(src)],
            # _scan.h (the kernels' shared C helpers) sits beside the generated C, which
            # finds it there; the include path says so wherever the C is generated, and a
            # change to it recompiles every kernel (Cython tracks only .pxd and .pxi).
            include_dirs=[str(PACKAGE)],
            depends=[str(PACKAGE / "_scan.h")],
            define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        )
        for src in sorted(PACKAGE.rglob("_*_c.pyx"))
    ]
    return cythonize(modules, compiler_directives=DIRECTIVES)


setup(
    ext_modules=[] if NO_EXTENSIONS else _extensions(),
    cmdclass={"build_ext": OptionalBuildExt},
)
