"""Arrow columns as the batch kernels read them: any object with the Arrow PyCapsule interface.

Theory of operation
-------------------
:mod:`smscodec.batch` hands any object with ``__arrow_c_stream__`` or
``__arrow_c_array__`` (pyarrow, polars, DuckDB, nanoarrow, pandas' Arrow-backed arrays)
to :func:`sources`, which imports its structs with :mod:`smscodec._arrow_c_data` (ctypes:
no pyarrow needed) and yields *groups*: runs of consecutive chunks, each an
:class:`ArrowSource` that the public layer counts like any other source (``run`` over an
index range, ``text`` for the scalar fallback).  A stream is read a group at a time
(:data:`GROUP` messages at least, or the whole stream): a lazy producer such as a DuckDB
query is never held whole, and the chunks of a group are released once it is counted.

Every chunk is read where its producer left it (numpy views over the Arrow buffers; the
kernels see the producer's own addresses):

* ``u`` / ``U`` (utf8 with int32 / int64 offsets): the kernels' ``count_utf8``;
* ``vu`` (string views, Arrow format 1.4, polars' own string type): ``count_views``;
* a dictionary-encoded column (polars' Categorical/Enum, pyarrow's ``dictionary``): its
  dictionary's distinct values are counted once (:meth:`DictionaryChunk.prepare`), then
  every element takes its value's results by index.  A value that is not valid UTF-8 is
  an error only if an element refers to it, named by that element's index;
* the null type (``n``), and a column of another type that holds only nulls: missing
  values, counted 0;
* a table or record batch stream of one column (a DuckDB relation, ``.arrow()``): that
  column.  Any other type is a :class:`TypeError` naming its first non-null element's
  index and its Python type, as a list holding that value would.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _arrow_c_data as _arrow
from .errors import DecodeError, SmsCodecError

__all__ = ["GROUP", "ArrowSource", "DictionaryChunk", "renumber", "sources"]

#: Messages read from a stream before they are counted (a group), at least.
GROUP = 1 << 20

Outputs = tuple[Any, Any, Any, Any]

# Dictionary index formats -> numpy dtype [Arrow C data interface, "Data type description"].
_INDEX_TYPES = {"c": np.int8, "C": np.uint8, "s": np.int16, "S": np.uint16, "i": np.int32, "I": np.uint32}
_INDEX_TYPES.update({"l": np.int64, "L": np.uint64})
_STRINGS = ("u", "U", "vu")

# Format -> the Python type its values convert to (pyarrow's ``as_py``), for the
# TypeError that a list holding them would raise [Arrow C data interface, "Data type
# description"]: whole formats first, then by their first characters.
_PYTHON_TYPES = {
    "b": "bool",
    "e": "float",
    "f": "float",
    "g": "float",
    "z": "bytes",
    "Z": "bytes",
    "vz": "bytes",
}
_PYTHON_TYPES.update(dict.fromkeys("cCsSiIlL", "int"))
_PYTHON_TYPES["+s"] = "dict"
_PYTHON_PREFIXES = (
    ("w:", "bytes"),
    ("d:", "Decimal"),
    ("td", "date"),
    ("tt", "time"),
    ("ts", "datetime"),
    ("tD", "timedelta"),
    ("ti", "interval"),
    ("+u", "union value"),
    ("+r", "run-end encoded value"),
    ("+", "list"),
)


def _python_type(fmt: str) -> str:
    if fmt in _PYTHON_TYPES:
        return _PYTHON_TYPES[fmt]
    for prefix, name in _PYTHON_PREFIXES:
        if fmt.startswith(prefix):
            return name
    return f"Arrow {fmt!r} value"


_INDEX = re.compile(r"texts\[(\d+)\]")


def renumber(exc: BaseException, index: int | None = None, shift: int = 0) -> BaseException:
    """``exc`` (a TypeError or SmsCodecError whose message starts with ``texts[i]``) naming
    ``index`` instead of ``i`` (or ``i + shift``); any other error as it is."""
    message = str(exc)
    match = _INDEX.match(message)
    if match is None or not isinstance(exc, (TypeError, SmsCodecError)):
        return exc
    new = int(match.group(1)) + shift if index is None else index
    text = f"texts[{new}]{message[match.end() :]}"
    if isinstance(exc, SmsCodecError):
        return type(exc)(text, **{name: getattr(exc, name) for name in exc._attrs})
    return type(exc)(text)


def _array(memory: _arrow.Memory) -> npt.NDArray[np.uint8]:
    # A read-only uint8 view of the producer's memory; its base holds the owner.
    return np.asarray(memory)


def _valid(node: _arrow.ArrayNode, start: int, length: int) -> npt.NDArray[np.bool_] | None:
    """Which of elements ``start:start + length`` are not null (None: all of them)."""
    bitmap = _arrow.validity(node)
    if bitmap is None:
        return None
    k = node.offset + start
    bits = np.unpackbits(_array(bitmap), bitorder="little")
    return bits[k : k + length].astype(bool)


# --- chunks -------------------------------------------------------------------------------


class Chunk:
    """One Arrow array's elements ``start:start + length``, counted by one kernel function."""

    length = 0

    def prepare(self, kernel: Any, options: Any, table: Any) -> None:
        """Work to do once before ``run`` (on one thread)."""

    def run(self, kernel: Any, lo: int, hi: int, base: int, options: Any, outs: Outputs, table: Any) -> None:
        """Count elements ``lo:hi`` into outputs ``base + lo`` to ``base + hi``."""
        raise NotImplementedError

    def text(self, kernel: Any, j: int) -> str:
        """Element ``j`` as a ``str``."""
        raise NotImplementedError


class Utf8Chunk(Chunk):
    def __init__(self, node: _arrow.ArrayNode, width: int, start: int, length: int) -> None:
        offsets, data = _arrow.offsets_and_data(node, width)
        self.data = _array(data)
        self.offsets = _array(offsets)
        self.width = width
        self.bitmap = _bitmap(node)
        self.offset = node.offset + start
        self.length = length

    def run(self, kernel: Any, lo: int, hi: int, base: int, options: Any, outs: Outputs, table: Any) -> None:
        bitmap, data, offsets, width = self.bitmap, self.data, self.offsets, self.width
        kernel.count_utf8(data, offsets, width, bitmap, self.offset, lo, hi, base, options, *outs, table)

    def text(self, kernel: Any, j: int) -> str:
        ends = self.offsets.view(np.int32 if self.width == 4 else np.int64)
        k = self.offset + j
        return bytes(self.data[int(ends[k]) : int(ends[k + 1])]).decode("utf-8")


class ViewChunk(Chunk):
    def __init__(self, node: _arrow.ArrayNode, start: int, length: int) -> None:
        views, buffers = _arrow.views_and_buffers(node)
        self.views = _array(views)
        self.buffers = tuple(_array(buffer) for buffer in buffers)
        self.bitmap = _bitmap(node)
        self.offset = node.offset + start
        self.length = length

    def run(self, kernel: Any, lo: int, hi: int, base: int, options: Any, outs: Outputs, table: Any) -> None:
        views, buffers, bitmap = self.views, self.buffers, self.bitmap
        kernel.count_views(views, buffers, bitmap, self.offset, lo, hi, base, options, *outs, table)

    def text(self, kernel: Any, j: int) -> str:
        chunk = kernel.view_bytes(self.views, self.buffers, self.offset + j)[3]
        assert chunk is not None  # counted already: the view is sound
        return bytes(chunk).decode("utf-8")


class MissingChunk(Chunk):
    """Elements that are all missing (the null type, or nulls of another type)."""

    def __init__(self, length: int) -> None:
        self.length = length

    def run(self, kernel: Any, lo: int, hi: int, base: int, options: Any, outs: Outputs, table: Any) -> None:
        for out in outs:
            if out is not None:
                out[base + lo : base + hi] = 0

    def text(self, kernel: Any, j: int) -> str:  # pragma: no cover - nothing is flagged here
        raise AssertionError("a missing value has no text")


class DictionaryChunk(Chunk):
    """A dictionary-encoded string column: its values counted once, then taken by index."""

    def __init__(
        self, schema: _arrow.Schema, node: _arrow.ArrayNode, start: int, length: int, base: int
    ) -> None:
        dtype = _INDEX_TYPES.get(schema.format)
        if dtype is None:
            raise DecodeError(f"texts: {schema.format!r} is not an Arrow dictionary index type", position=0)
        assert schema.dictionary is not None
        assert node.dictionary is not None
        k = node.offset + start
        indices = _array(_arrow.fixed_width(node, np.dtype(dtype).itemsize)).view(dtype)
        self.indices = indices[k : k + length]
        self.valid = _valid(node, start, length)
        self.length = length
        values = schema.dictionary
        if values.format not in (*_STRINGS, "n") or values.dictionary is not None:
            first = _first(self.valid, length)
            if first is not None:
                raise TypeError(f"texts[{base + first}] is a {_python_type(values.format)}, not a str")
            self.values: Chunk = MissingChunk(0)
        else:
            self.values = _chunk(values, node.dictionary, 0, node.dictionary.length, 0)
        self.results: Outputs | None = None
        self.bad: dict[int, BaseException] = {}

    def prepare(self, kernel: Any, options: Any, table: Any) -> None:
        n = self.values.length
        outs: Outputs = (
            np.zeros(n, np.int32),
            np.zeros(n, np.int32),
            np.zeros(n, np.int32),
            np.zeros(n, np.uint8),
        )
        lo = 0
        while lo < n:
            try:
                self.values.run(kernel, lo, n, 0, options, outs, table)
                break
            except DecodeError as exc:
                # A value is an error only where an element refers to it (see run).
                match = _INDEX.match(str(exc))
                assert match is not None
                bad = int(match.group(1))
                self.bad[bad] = exc
                lo = bad + 1
        self.results = outs

    def run(self, kernel: Any, lo: int, hi: int, base: int, options: Any, outs: Outputs, table: Any) -> None:
        assert self.results is not None
        n = self.values.length
        codes = self.indices[lo:hi].astype(np.int64)
        valid = None if self.valid is None else self.valid[lo:hi]
        if valid is not None:
            codes[~valid] = 0
        outside = (codes < 0) | (codes >= n)
        if valid is not None:
            outside &= valid
        if outside.any():
            j = int(np.argmax(outside))
            raise DecodeError(
                f"texts[{base + lo + j}]: dictionary index {int(codes[j])} is outside the "
                f"dictionary's {n} values",
                position=0,
            )
        if self.bad:
            hit = np.isin(codes, np.fromiter(self.bad, np.int64))
            if valid is not None:
                hit &= valid
            if hit.any():
                j = int(np.argmax(hit))
                raise renumber(self.bad[int(codes[j])], base + lo + j)
        for out, result in zip(outs, self.results, strict=False):
            if out is None:
                continue
            taken = result[codes] if n else np.zeros(hi - lo, result.dtype)
            if valid is not None:
                taken[~valid] = 0
            out[base + lo : base + hi] = taken

    def text(self, kernel: Any, j: int) -> str:
        return self.values.text(kernel, int(self.indices[j]))


def _bitmap(node: _arrow.ArrayNode) -> npt.NDArray[np.uint8] | None:
    bitmap = _arrow.validity(node)
    return None if bitmap is None else _array(bitmap)


def _first(valid: npt.NDArray[np.bool_] | None, length: int) -> int | None:
    """The first non-null element (None: every one is null)."""
    if valid is None:
        return 0 if length else None
    hits = np.flatnonzero(valid)
    return int(hits[0]) if len(hits) else None


def _chunk(schema: _arrow.Schema, node: _arrow.ArrayNode, start: int, length: int, base: int) -> Chunk:
    """The chunk for elements ``start:start + length`` of ``node`` (``base``: the index
    of its first element in the group, for error messages)."""
    fmt = schema.format
    if schema.dictionary is not None:
        return DictionaryChunk(schema, node, start, length, base)
    if fmt in ("u", "U"):
        return Utf8Chunk(node, 4 if fmt == "u" else 8, start, length)
    if fmt == "vu":
        return ViewChunk(node, start, length)
    if fmt == "n":
        return MissingChunk(length)
    # Unions and run-end encoded arrays have no validity bitmap: their first element.
    valid = None if fmt.startswith(("+u", "+r")) else _valid(node, start, length)
    first = _first(valid, length)
    if first is None:
        return MissingChunk(length)
    raise TypeError(f"texts[{base + first}] is a {_python_type(fmt)}, not a str")


def _column(schema: _arrow.Schema) -> _arrow.Schema:
    """The column of ``schema``: itself, or the one column of a table (struct)."""
    if schema.format != "+s":
        return schema
    if len(schema.children) != 1:
        names = ", ".join(repr(child.name) for child in schema.children)
        raise TypeError(
            f"texts must be one column, not an Arrow table of {len(schema.children)} columns ({names}): "
            "select the column of the messages"
        )
    return schema.children[0]


def _column_node(schema: _arrow.Schema, node: _arrow.ArrayNode) -> tuple[_arrow.ArrayNode, int, int]:
    """The column array of ``node``, and the start and length of its elements in use."""
    if schema.format != "+s":
        return node, 0, node.length
    valid = _valid(node, 0, node.length)
    if valid is not None and not valid.all():
        raise TypeError("texts is an Arrow struct array with null rows: pass its column")
    child = node.children[0]
    # A struct's offset applies to its children too (Arrow columnar format, "Struct Layout").
    if node.offset + node.length > child.length:
        raise DecodeError(
            f"texts: malformed Arrow array: a struct of {node.length} rows at offset {node.offset} "
            f"over a column of {child.length}",
            position=0,
        )
    return child, node.offset, node.length


class ArrowSource:
    """Consecutive Arrow chunks, counted as one source of the batch layer."""

    def __init__(self, chunks: list[Chunk], kernel: Any) -> None:
        self.chunks = chunks
        self.kernel = kernel
        self.bases = []
        total = 0
        for chunk in chunks:
            self.bases.append(total)
            total += chunk.length
        self.length = total

    def prepare(self, options: Any, table: Any) -> None:
        for chunk in self.chunks:
            chunk.prepare(self.kernel, options, table)

    def run(self, start: int, stop: int, options: Any, outs: Outputs, table: Any) -> None:
        first = max(0, bisect.bisect_right(self.bases, start) - 1)
        for chunk, base in zip(self.chunks[first:], self.bases[first:], strict=False):
            if base >= stop:
                break
            lo, hi = max(start - base, 0), min(stop - base, chunk.length)
            if lo < hi:
                chunk.run(self.kernel, lo, hi, base, options, outs, table)

    def text(self, index: int) -> str:
        k = bisect.bisect_right(self.bases, index) - 1
        return self.chunks[k].text(self.kernel, index - self.bases[k])


def sources(texts: Any, kernel: Any) -> Iterator[ArrowSource]:
    """The groups of ``texts`` (an object with the Arrow PyCapsule interface), read with
    ``kernel`` (the live batch twin); at least one, empty for an empty column.

    Raises:
        TypeError: not a column of strings (the first non-null element's index and type).
        DecodeError: a malformed array.
        ArgumentError: a stream that fails.
    """
    if not hasattr(texts, "__arrow_c_stream__"):
        schema, node = _arrow.import_array(texts)
        column = _column(schema)
        child, start, length = _column_node(schema, node)
        yield ArrowSource([_chunk(column, child, start, length, 0)] if length else [], kernel)
        return
    stream = _arrow.import_stream(texts)
    column = _column(stream.schema)
    chunks: list[Chunk] = []
    count = 0
    done = False
    for node in stream:
        child, start, length = _column_node(stream.schema, node)
        if not length:
            continue
        chunks.append(_chunk(column, child, start, length, count))
        count += length
        del node, child  # the chunk holds what it reads
        if count >= GROUP:
            yield ArrowSource(chunks, kernel)
            chunks, count, done = [], 0, True
    if chunks or not done:
        yield ArrowSource(chunks, kernel)
