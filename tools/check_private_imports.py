"""List every read of another smscodec module's private name.

The house rule: no module reads another module's private (``_x``) names.  Importing a
private *module* (``from smscodec import _tables``) is how the layers talk and is fine;
reaching into a module for a name it keeps to itself is not, whoever does it (a compiled
twin reading its pure twin's helpers included).  A hit is any of

* ``from smscodec.x import _name`` / ``from .x import _name`` (or ``cimport``) where
  ``_name`` is not a submodule of ``smscodec.x``;
* ``x._name`` (read, write or delete) where ``x`` is bound to an smscodec module by an
  import anywhere in the file, or an attribute chain from one (``smscodec.segments._PLANS``);
* ``getattr(x, "_name")`` and its ``setattr``/``hasattr``/``delattr`` siblings (Python
  sources).

Python sources are read with :mod:`ast`, every import counted wherever it stands (inside
a function too).  Cython sources (``.pyx``, ``.pxd``, and the ``.pxi`` files a ``.pyx``
includes, read as part of it) are not Python, so they are read token by token
(:mod:`tokenize` copes with Cython's syntax) under the same rules; comments and strings
never count.  Dunder names (``__doc__``) are not private, and a module reading its own
names is not a hit.

    python tools/check_private_imports.py [PACKAGE_DIR]

``PACKAGE_DIR`` defaults to ``src/smscodec`` beside this script.  Prints one line per
hit, ``path:line: importer reads module._name``, and exits 1 when a hit is not in
:data:`ALLOWED` or an entry of :data:`ALLOWED` matches no hit, else 0.
"""

from __future__ import annotations

import ast
import dataclasses
import io
import pathlib
import sys
import tokenize
from collections.abc import Iterable, Iterator

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_PACKAGE = HERE.parent / "src" / "smscodec"

#: Hits that are accepted, keyed ``"importer -> module._name"`` (stable when lines move),
#: each with the reason it cannot be otherwise.  Empty: every cross-module private read
#: is a defect to fix, not to list.
ALLOWED: dict[str, str] = {}

PYTHON_SUFFIXES = (".py",)
CYTHON_SUFFIXES = (".pyx", ".pxd")
INCLUDE_SUFFIX = ".pxi"
MODULE_SUFFIXES = (*PYTHON_SUFFIXES, *CYTHON_SUFFIXES, ".pyi", ".so", ".pyd")
ATTRIBUTE_FUNCTIONS = frozenset({"getattr", "setattr", "hasattr", "delattr"})


@dataclasses.dataclass(frozen=True, order=True)
class Hit:
    """One read of ``module._name`` by ``importer`` at ``path:line``."""

    path: str
    line: int
    importer: str
    module: str
    name: str

    @property
    def key(self) -> str:
        """The allow-list key."""
        return f"{self.importer} -> {self.module}.{self.name}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} reads {self.module}.{self.name}"


def is_private(name: str) -> bool:
    """``_x`` and ``__x`` are private; ``__x__`` (a dunder) is not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_name(package_dir: pathlib.Path, path: pathlib.Path) -> str:
    """The dotted name of the module in ``path`` (``__init__`` names its package)."""
    parts = list(path.relative_to(package_dir.parent).parts)
    parts[-1] = parts[-1].split(".", 1)[0]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def known_modules(package_dir: pathlib.Path) -> set[str]:
    """Every module of the package: sources, stubs and built extensions."""
    return {
        module_name(package_dir, path)
        for path in package_dir.rglob("*")
        if path.is_file() and path.name.endswith(MODULE_SUFFIXES)
    }


def _shown(path: pathlib.Path) -> str:
    try:
        return path.relative_to(pathlib.Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


class Resolver:
    """What the names of one module are bound to, and the hits found through them."""

    def __init__(self, importer: str, is_package: bool, root: str, modules: set[str]) -> None:
        self.importer = importer
        self.package = importer if is_package else importer.rpartition(".")[0]
        self.root = root
        self.modules = modules
        self.bound: dict[str, str] = {}
        self.hits: list[Hit] = []
        #: (path, line, module) of every import of a module of the package.
        self.imports: list[tuple[str, int, str]] = []

    def _inside(self, module: str) -> bool:
        return module == self.root or module.startswith(self.root + ".")

    def absolute(self, module: str | None, level: int) -> str | None:
        """The absolute name of ``from <level dots><module> import``; None outside the package."""
        if level:
            base = self.package.split(".")
            if level > len(base):
                return None
            target = ".".join(base[: len(base) - level + 1] + ([module] if module else []))
        else:
            target = module or ""
        return target if self._inside(target) else None

    def hit(self, path: str, line: int, module: str, name: str) -> None:
        if module != self.importer:
            self.hits.append(Hit(path, line, self.importer, module, name))

    def from_import(
        self, path: str, line: int, module: str | None, level: int, names: Iterable[tuple[str, str]]
    ) -> None:
        """``from module import name as alias, ...``: bind submodules, report private names."""
        base = self.absolute(module, level)
        if base is None:
            return
        for name, alias in names:
            if f"{base}.{name}" in self.modules:
                self.bound[alias] = f"{base}.{name}"
                self.imports.append((path, line, f"{base}.{name}"))
                continue
            self.imports.append((path, line, base))
            if is_private(name):
                self.hit(path, line, base, name)

    def plain_import(self, path: str, line: int, module: str, alias: str | None) -> None:
        """``import a.b`` (binds ``a``) or ``import a.b as c`` (binds ``c``)."""
        if not self._inside(module):
            return
        self.imports.append((path, line, module))
        if alias is None:
            self.bound[self.root] = self.root
        else:
            self.bound[alias] = module

    def chain(self, path: str, line: int, start: str, attributes: list[str]) -> None:
        """``start.a.b...``: follow submodules; a private name of a module is a hit."""
        current = self.bound.get(start)
        if current is None:
            return
        for attribute in attributes:
            if f"{current}.{attribute}" in self.modules:
                current = f"{current}.{attribute}"
                continue
            if is_private(attribute):
                self.hit(path, line, current, attribute)
            return


# --- Python sources ----------------------------------------------------------------------


def _attribute_chain(node: ast.expr) -> tuple[str, list[str]] | None:
    """``a.b.c`` -> ("a", ["b", "c"]); None when the chain does not start at a name."""
    attributes: list[str] = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return node.id, attributes[::-1]
    return None


def scan_python(path: str, source: str, resolver: Resolver) -> None:
    """The hits of one Python source."""
    tree = ast.parse(source, filename=path)
    inner: set[int] = set()  # attributes that are the value of another: not chain heads
    # Bindings first (an import may stand below its use, inside a function), then uses.
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = [(a.name, a.asname or a.name) for a in node.names]
            resolver.from_import(path, node.lineno, node.module, node.level, names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                resolver.plain_import(path, node.lineno, a.name, a.asname)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            inner.add(id(node.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            found = _attribute_chain(node)
            if found is not None:
                resolver.chain(path, node.lineno, *found)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ATTRIBUTE_FUNCTIONS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            found = _attribute_chain(node.args[0])
            if found is not None:
                resolver.chain(path, node.lineno, found[0], [*found[1], node.args[1].value])


# --- Cython sources ----------------------------------------------------------------------

_SKIPPED_TOKENS = frozenset(
    {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
)


def _logical_lines(source: str) -> Iterator[list[tokenize.TokenInfo]]:
    """The significant tokens of each logical line (comments and line breaks dropped)."""
    line: list[tokenize.TokenInfo] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if line:
                yield line
            line = []
        elif token.type not in _SKIPPED_TOKENS:
            line.append(token)


def _imported_names(words: list[str]) -> list[tuple[str, str]]:
    """``a, b as c, (d)`` -> [("a", "a"), ("b", "c"), ("d", "d")]."""
    words = [w for w in words if w not in ("(", ")")]
    names: list[tuple[str, str]] = []
    for part in " ".join(words).split(","):
        pieces = part.split()
        if len(pieces) == 3 and pieces[1] == "as":
            names.append((pieces[0], pieces[2]))
        elif len(pieces) == 1:
            names.append((pieces[0], pieces[0]))
    return names


def _imported_modules(words: list[str]) -> list[tuple[str, str | None]]:
    """``a . b as c, d`` -> [("a.b", "c"), ("d", None)]."""
    out: list[tuple[str, str | None]] = []
    for part in " ".join(words).replace(" . ", ".").split(","):
        pieces = part.split()
        if len(pieces) == 3 and pieces[1] == "as":
            out.append((pieces[0], pieces[2]))
        elif len(pieces) == 1:
            out.append((pieces[0], None))
    return out


def _cython_units(path: pathlib.Path) -> Iterator[tuple[pathlib.Path, list[tokenize.TokenInfo]]]:
    """The logical lines of a Cython source with those of the files it includes, in place."""
    for tokens in _logical_lines(path.read_text(encoding="utf-8")):
        words = [t.string for t in tokens]
        if len(words) == 2 and words[0] == "include" and tokens[1].type == tokenize.STRING:
            included = path.parent / ast.literal_eval(words[1])
            if included.is_file():
                yield from _cython_units(included)
                continue
        yield path, tokens


def scan_cython(path: pathlib.Path, resolver: Resolver) -> None:
    """The hits of one Cython source (with its includes), read token by token."""
    units = list(_cython_units(path))
    for where, tokens in units:  # bindings first, as for Python sources
        words = [t.string for t in tokens]
        if words[0] == "from" and ("import" in words or "cimport" in words):
            keyword = words.index("import") if "import" in words else words.index("cimport")
            spec = "".join(words[1:keyword])
            module = spec.lstrip(".") or None
            names = _imported_names(words[keyword + 1 :])
            resolver.from_import(
                _shown(where), tokens[0].start[0], module, len(spec) - len(spec.lstrip(".")), names
            )
        elif words[0] in ("import", "cimport"):
            for name, alias in _imported_modules(words[1:]):
                resolver.plain_import(_shown(where), tokens[0].start[0], name, alias)
    for where, tokens in units:
        if tokens[0].string in ("from", "import", "cimport"):
            continue
        for i, token in enumerate(tokens):
            if token.type != tokenize.NAME or (i and tokens[i - 1].string == "."):
                continue
            attributes = []
            j = i + 1
            while j + 1 < len(tokens) and tokens[j].string == "." and tokens[j + 1].type == tokenize.NAME:
                attributes.append(tokens[j + 1].string)
                j += 2
            if attributes:
                resolver.chain(_shown(where), token.start[0], token.string, attributes)


# --- the package -------------------------------------------------------------------------


def _included_files(package_dir: pathlib.Path) -> set[pathlib.Path]:
    """The ``.pxi`` files some ``.pyx``/``.pxd`` includes (scanned as part of it)."""
    included: set[pathlib.Path] = set()
    for path in package_dir.rglob("*"):
        if path.suffix in CYTHON_SUFFIXES:
            included.update(p for p, _ in _cython_units(path) if p != path)
    return included


def scan(package_dir: pathlib.Path) -> list[Hit]:
    """Every cross-module private read in the package at ``package_dir``, sorted."""
    package_dir = package_dir.resolve()
    modules = known_modules(package_dir)
    included = _included_files(package_dir)
    hits: list[Hit] = []
    for path in sorted(package_dir.rglob("*")):
        suffix = path.suffix
        if not path.is_file() or path in included:
            continue
        if suffix not in (*PYTHON_SUFFIXES, *CYTHON_SUFFIXES, INCLUDE_SUFFIX):
            continue
        resolver = Resolver(
            module_name(package_dir, path), path.stem == "__init__", package_dir.name, modules
        )
        if suffix in PYTHON_SUFFIXES:
            scan_python(_shown(path), path.read_text(encoding="utf-8"), resolver)
        else:
            scan_cython(path, resolver)
        hits.extend(resolver.hits)
    return sorted(set(hits))


def cython_imports(package_dir: pathlib.Path) -> list[tuple[str, str, int, str]]:
    """``(importer, path, line, module)`` for every package module a Cython source imports.

    import-linter reads Python sources only; this lets a test hold the compiled kernels
    to the same layers (``import`` and ``cimport``, includes read as part of their module).
    """
    package_dir = package_dir.resolve()
    modules = known_modules(package_dir)
    found: list[tuple[str, str, int, str]] = []
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and path.suffix in CYTHON_SUFFIXES:
            importer = module_name(package_dir, path)
            resolver = Resolver(importer, False, package_dir.name, modules)
            scan_cython(path, resolver)
            found.extend((importer, where, line, module) for where, line, module in resolver.imports)
    return sorted(set(found))


def main(argv: list[str] | None = None) -> int:
    """Print every hit; 1 when one is not allowed, else 0."""
    args = sys.argv[1:] if argv is None else argv
    hits = scan(pathlib.Path(args[0]) if args else DEFAULT_PACKAGE)
    refused = [hit for hit in hits if hit.key not in ALLOWED]
    for hit in hits:
        reason = ALLOWED.get(hit.key)
        print(hit if reason is None else f"{hit}  (allowed: {reason})")
    # An allowed read that no longer happens is a stale entry: it would let the read back.
    stale = sorted(set(ALLOWED) - {hit.key for hit in hits})
    for key in stale:
        print(f"stale allow-list entry (no such read any more): {key}")
    print(
        f"{len(hits)} private-name reads, {len(refused)} not allowed, {len(stale)} stale allowed",
        file=sys.stderr,
    )
    return 1 if refused or stale else 0


if __name__ == "__main__":
    sys.exit(main())
