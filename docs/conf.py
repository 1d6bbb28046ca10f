"""Sphinx configuration for the smscodec documentation.

Built by ``docs/build.sh`` (HTML and doctest builders, warnings as errors).  Nothing here
reaches the network: intersphinx is off, and every example runs against the installed
smscodec (whichever backend ``SMSCODEC_NO_EXTENSIONS`` selects).
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

# The repository root (docs/..).
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# An installed smscodec (editable or not; docs/build.sh expects one) is documented; without
# one, sphinx-build run straight from a checkout documents its sources (pure backend).
_SRC = os.path.join(_ROOT, "src")
try:
    import smscodec
except ImportError:  # pragma: no cover - depends on how the docs are built
    sys.path.insert(0, os.path.abspath(_SRC))
    import smscodec

project = "smscodec"
author = "The smscodec developers"
copyright = "the smscodec developers"
release = smscodec.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
]

exclude_patterns = ["_build", "build.sh"]
root_doc = "index"
nitpicky = False
default_role = "code"

# --- autodoc / napoleon ------------------------------------------------------------------
autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
}
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True

# --- every public name is in the reference -------------------------------------------------
# The modules of the API reference and, for each, every name in its __all__ must be
# documented (a warning, so an error under -W, names what to add where).  A name that a
# module re-exports counts as documented when its home module documents it (the errors
# in smscodec.errors, the stores in smscodec.vonage.stores).
REFERENCE_MODULES = {
    "smscodec": "api/smscodec.rst",
    "smscodec.policies": "api/policies.rst",
    "smscodec.udh": "api/udh.rst",
    "smscodec.smpp": "api/smpp.rst",
    "smscodec.dcs": "api/dcs.rst",
    "smscodec.smart": "api/smart.rst",
    "smscodec.codec": "api/codec.rst",
    "smscodec.batch": "api/batch.rst",
    "smscodec.report": "api/report.rst",
    "smscodec.signing": "api/signing.rst",
    "smscodec.vonage": "api/vonage.rst",
    "smscodec.vonage.stores": "api/stores.rst",
    "smscodec.pricing": "api/pricing.rst",
    "smscodec.errors": "api/errors.rst",
}


def _check_reference(app: Sphinx, env: BuildEnvironment) -> None:
    import importlib

    from sphinx.util import logging

    logger = logging.getLogger("smscodec.docs")
    documented = env.get_domain("py").objects  # type: ignore[attr-defined]
    for name, page in REFERENCE_MODULES.items():
        module = importlib.import_module(name)
        for public in getattr(module, "__all__", ()):
            if public.startswith("__") and public != "__version__":
                continue
            if f"{name}.{public}" in documented:
                continue
            home = getattr(getattr(module, public, None), "__module__", None)
            if isinstance(home, str) and f"{home}.{public}" in documented:
                continue
            logger.warning(
                f"{name}.{public} is public (in {name}.__all__) but not in the API reference; "
                f"add it to docs/{page}"
            )


def _skip_namedtuple_fields(
    app: Sphinx, what: str, name: str, obj: object, skip: bool, options: object
) -> bool | None:
    # A NamedTuple's fields are documented by its docstring's Attributes section; the
    # generated "Alias for field number N" properties would describe them a second time.
    doc = getattr(obj, "__doc__", None)
    if what == "class" and isinstance(doc, str) and doc.startswith("Alias for field number"):
        return True
    return None


_XREF_OR_CODE = re.compile(r"(:(?:[a-zA-Z0-9]+[\-_.:])*[a-zA-Z0-9]+:`.+?`|``.+?``)")
_SINGLE_COLON = re.compile(r"(?<!:):(?!:)\s")


def _keep_first_line_whole(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    # Napoleon reads the first line of a property's or attribute's docstring as "type:
    # description".  This code base states types as annotations, so a colon there is prose
    # ("Parts saved by smart encoding: ..."): turn it into a dash before napoleon splits.
    if what not in ("property", "attribute", "data") or not lines:
        return
    pieces = _XREF_OR_CODE.split(lines[0])
    for index in range(0, len(pieces), 2):  # the even pieces are outside roles and literals
        if _SINGLE_COLON.search(pieces[index]):
            pieces[index] = _SINGLE_COLON.sub(" — ", pieces[index], count=1)
            lines[0] = "".join(pieces)
            return


def _check_readme_commands(app: Sphinx, env: BuildEnvironment) -> None:
    # The getting-started page quotes the README's "Try it" and "Test it" commands; say so
    # when one of them changed without the page.
    from sphinx.util import logging

    logger = logging.getLogger("smscodec.docs")
    readme = os.path.join(_ROOT, "README.md")
    if not os.path.exists(readme):
        return
    with open(readme, encoding="utf-8") as file:
        commands = [line.strip() for line in file if line.startswith("python3 -m venv ")]
    with open(os.path.join(_ROOT, "docs", "getting-started.rst"), encoding="utf-8") as file:
        page = file.read()
    for command in commands:
        if command not in page:
            logger.warning(f"README.md's command {command!r} is not on docs/getting-started.rst")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("env-check-consistency", _check_reference)
    app.connect("env-check-consistency", _check_readme_commands)
    app.connect("autodoc-skip-member", _skip_namedtuple_fields)
    # Before napoleon's own handler (priority 500).
    app.connect("autodoc-process-docstring", _keep_first_line_whole, priority=400)
    return {"parallel_read_safe": True}


# --- doctest ------------------------------------------------------------------------------
# Every ``>>>`` block on every page (and in every docstring autodoc pulls in) runs.
doctest_test_doctest_blocks = "default"
# The examples name files by their path from the repository root (``examples/...``), as
# a reader in a checkout would type them, so they run from there; the working directory
# is restored after each group.
doctest_global_setup = f"""
import os as _os
_cwd = _os.getcwd()
_os.chdir({_ROOT!r})
import smscodec
"""
doctest_global_cleanup = """
_os.chdir(_cwd)
"""

# --- HTML ----------------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"smscodec {release}"
html_theme_options = {
    "description": "Exact SMS encoding, segment counting and the Vonage SMS API, sans I/O",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "240px",
    "show_relbars": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_static_path: list[str] = []
html_show_sourcelink = False
