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


def _extensions() -> list[Extension]:
    from Cython.Build import cythonize

    sources = sorted(pathlib.Path("src/smscodec").rglob("_*_c.pyx"))
    modules = [
        Extension(
            ".".join(src.relative_to("src").with_suffix("").parts),
            [str(src)],
            define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        )
        for src in sources
    ]
    return cythonize(
        modules,
        compiler_directives={"language_level": "3", "embedsignature": True},
    )


setup(
    ext_modules=[] if NO_EXTENSIONS else _extensions(),
    cmdclass={"build_ext": OptionalBuildExt},
)
