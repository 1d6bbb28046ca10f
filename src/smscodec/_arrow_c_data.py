"""The Arrow C data interface through PyCapsules, read and written with ctypes.

Theory of operation
-------------------
The Arrow PyCapsule interface [1] hands the structs of the Arrow C data interface [2]
from one library to another without either knowing the other: ``obj.__arrow_c_array__()``
returns two capsules, ``"arrow_schema"`` (an ``ArrowSchema``) and ``"arrow_array"`` (an
``ArrowArray``); ``obj.__arrow_c_stream__()`` returns one, ``"arrow_array_stream"`` (an
``ArrowArrayStream`` [3], which yields one ``ArrowArray`` per chunk).  pyarrow, polars,
DuckDB, nanoarrow and pandas all export them; reading them here needs none of those
libraries (ctypes only), so ``smscodec.batch`` reads a polars Series with pyarrow absent.

*Import.*  The consumer *moves* each struct out of its capsule: it copies the struct and
marks the capsule's copy released (``release = NULL``), so that the capsule's destructor
leaves it alone [1, "Lifetime semantics"].  The copy belongs to an :class:`Owner`, which
calls the struct's ``release`` callback exactly once, when the last reference to it goes
(CPython frees it as soon as the batch call is done with the column).  Every
:class:`ArrayNode` of the array's tree (its children, its dictionary) and every
:class:`Memory` over one of its buffers holds the owner, so no view of a buffer can
outlive the memory it points at.  A schema is parsed into a plain :class:`Schema` and
released at once.  Arrays of a stream are owned one by one: each can be released while
the stream goes on [3, "Result lifetimes"].

*Buffer sizes.*  The C data interface carries buffer addresses, not sizes: the sizes
follow from the format, the array's ``length`` and ``offset`` [2, "Buffers"; 4]:

* validity bitmap: ``ceil((offset + length) / 8)`` bytes, LSB first; it may be NULL
  when the array holds no null;
* ``u``/``z`` (utf8/binary, int32 offsets), ``U``/``Z`` (int64 offsets): offsets of
  ``offset + length + 1`` entries and a data buffer as long as the last of them;
* ``vu``/``vz`` (string/binary views, Arrow format 1.4): 16-byte views, then the variadic
  data buffers, then an int64 buffer of their sizes [2, "Binary view arrays"];
* fixed-width data (dictionary indices): ``offset + length`` items.

So a data buffer is taken to be exactly as long as the offsets say (pyarrow's own importer
does the same), and an offset beyond the last one is an offset past the end.

*Export.*  :class:`ArrowColumn` exports a numpy result array (no nulls) as an
``ArrowArray`` over the array's own memory: its ``release`` drops the reference that
kept the array alive.  Structs handed out in capsules are freed by the capsule's
destructor, which releases them first when no consumer moved them out.

Callbacks of a producer (``release``, ``get_next``...) are called through ``CFUNCTYPE``
prototypes, which release the GIL around the call, as pyarrow's C++ importer does.

[1] https://arrow.apache.org/docs/format/CDataInterface/PyCapsuleInterface.html
[2] https://arrow.apache.org/docs/format/CDataInterface.html
[3] https://arrow.apache.org/docs/format/CStreamInterface.html
[4] https://arrow.apache.org/docs/format/Columnar.html
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import sys
from collections.abc import Iterator, Mapping
from ctypes import (
    CFUNCTYPE,
    POINTER,
    PYFUNCTYPE,
    Structure,
    c_char_p,
    c_int,
    c_int64,
    c_void_p,
    py_object,
)
from typing import Any

from .errors import ArgumentError, DecodeError

__all__ = [
    "FLAG_NULLABLE",
    "ArrayNode",
    "ArrowArray",
    "ArrowArrayStream",
    "ArrowColumn",
    "ArrowSchema",
    "ArrowTable",
    "Memory",
    "Owner",
    "Schema",
    "Stream",
    "fixed_width",
    "import_array",
    "import_stream",
    "offsets_and_data",
    "validity",
    "views_and_buffers",
]

# ArrowSchema.flags [2, "The ArrowSchema structure"].
FLAG_DICTIONARY_ORDERED = 1
FLAG_NULLABLE = 2
FLAG_MAP_KEYS_SORTED = 4

# Deepest schema/array tree read: a string column is at most a table of one dictionary
# column; the bound only stops a malformed (cyclic) tree from recursing forever.
_MAX_DEPTH = 64


# --- the C structs [2, 3] -------------------------------------------------------------------


class ArrowSchema(Structure):
    """``struct ArrowSchema`` of the C data interface."""


class ArrowArray(Structure):
    """``struct ArrowArray`` of the C data interface."""


class ArrowArrayStream(Structure):
    """``struct ArrowArrayStream`` of the C stream interface."""


ArrowSchema._fields_ = [
    ("format", c_void_p),  # const char*, never NULL
    ("name", c_void_p),  # const char*, may be NULL
    ("metadata", c_void_p),  # const char*, may be NULL
    ("flags", c_int64),
    ("n_children", c_int64),
    ("children", POINTER(POINTER(ArrowSchema))),
    ("dictionary", POINTER(ArrowSchema)),
    ("release", c_void_p),  # void (*)(struct ArrowSchema*); NULL: released
    ("private_data", c_void_p),
]
ArrowArray._fields_ = [
    ("length", c_int64),
    ("null_count", c_int64),  # -1: not computed
    ("offset", c_int64),
    ("n_buffers", c_int64),
    ("n_children", c_int64),
    ("buffers", POINTER(c_void_p)),  # const void**
    ("children", POINTER(POINTER(ArrowArray))),
    ("dictionary", POINTER(ArrowArray)),
    ("release", c_void_p),  # void (*)(struct ArrowArray*); NULL: released
    ("private_data", c_void_p),
]
ArrowArrayStream._fields_ = [
    ("get_schema", c_void_p),  # int (*)(struct ArrowArrayStream*, struct ArrowSchema* out)
    ("get_next", c_void_p),  # int (*)(struct ArrowArrayStream*, struct ArrowArray* out)
    ("get_last_error", c_void_p),  # const char* (*)(struct ArrowArrayStream*)
    ("release", c_void_p),  # void (*)(struct ArrowArrayStream*)
    ("private_data", c_void_p),
]

_SchemaRelease = CFUNCTYPE(None, POINTER(ArrowSchema))
_ArrayRelease = CFUNCTYPE(None, POINTER(ArrowArray))
_StreamRelease = CFUNCTYPE(None, POINTER(ArrowArrayStream))
_GetSchema = CFUNCTYPE(c_int, POINTER(ArrowArrayStream), POINTER(ArrowSchema))
_GetNext = CFUNCTYPE(c_int, POINTER(ArrowArrayStream), POINTER(ArrowArray))
_GetLastError = CFUNCTYPE(c_void_p, POINTER(ArrowArrayStream))

# Private prototypes of the capsule functions (ctypes.pythonapi's shared function objects
# are left alone: another library may have set their argtypes).
_capsule_pointer = PYFUNCTYPE(c_void_p, py_object, c_char_p)(("PyCapsule_GetPointer", ctypes.pythonapi))
_capsule_is_valid = PYFUNCTYPE(c_int, py_object, c_char_p)(("PyCapsule_IsValid", ctypes.pythonapi))
_CapsuleDestructor = CFUNCTYPE(None, c_void_p)
_capsule_new = PYFUNCTYPE(py_object, c_void_p, c_char_p, _CapsuleDestructor)(
    ("PyCapsule_New", ctypes.pythonapi)
)

_SCHEMA_CAPSULE = b"arrow_schema"
_ARRAY_CAPSULE = b"arrow_array"
_STREAM_CAPSULE = b"arrow_array_stream"


# --- import -------------------------------------------------------------------------------


class Schema:
    """A parsed ``ArrowSchema``: ``format`` (e.g. ``"u"``, ``"vu"``, ``"i"``, ``"+s"``),
    ``name``, ``flags``, ``children`` and ``dictionary`` (the value type of a
    dictionary-encoded array, whose own format is then its index type)."""

    __slots__ = ("children", "dictionary", "flags", "format", "name")

    def __init__(
        self, format: str, name: str, flags: int, children: tuple[Schema, ...], dictionary: Schema | None
    ) -> None:
        self.format = format
        self.name = name
        self.flags = flags
        self.children = children
        self.dictionary = dictionary

    def __repr__(self) -> str:
        extra = f", dictionary={self.dictionary!r}" if self.dictionary else ""
        return f"Schema({self.format!r}, {self.name!r}, children={list(self.children)!r}{extra})"


class Owner:
    """The owner of one moved ``ArrowArray`` (and its whole tree): releases it once, when
    the last reference to it goes, or on :meth:`release`."""

    __slots__ = ("__weakref__", "_struct")

    def __init__(self, struct: ArrowArray) -> None:
        self._struct = struct

    @property
    def released(self) -> bool:
        return not self._struct.release

    def release(self) -> None:
        """Call the producer's ``release`` callback, unless already done."""
        struct = self._struct
        callback = struct.release
        if callback:
            _ArrayRelease(callback)(ctypes.byref(struct))
            # The callback must mark the struct released; a producer that forgets would
            # be called twice, so it is marked here too [2, "Release callback semantics"].
            struct.release = None

    def __del__(self) -> None:
        # At interpreter shutdown ctypes may be gone already.
        with contextlib.suppress(Exception):
            self.release()


class ArrayNode:
    """One array of an imported tree: ``length``, ``offset``, ``null_count`` (-1: not
    computed), ``buffers`` (their addresses, 0 for NULL), ``children`` and ``dictionary``
    (ArrayNodes), and the :class:`Owner` that keeps them all alive."""

    __slots__ = ("buffers", "children", "dictionary", "length", "null_count", "offset", "owner")

    def __init__(self, struct: ArrowArray, schema: Schema, owner: Owner, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            raise DecodeError("texts: the Arrow array is nested too deeply", position=0)
        self.owner = owner
        self.length = int(struct.length)
        self.offset = int(struct.offset)
        self.null_count = int(struct.null_count)
        n_buffers, n_children = int(struct.n_buffers), int(struct.n_children)
        if self.length < 0 or self.offset < 0 or n_buffers < 0 or n_children < 0:
            raise DecodeError(
                f"texts: malformed Arrow array (length {self.length}, offset {self.offset}, "
                f"{n_buffers} buffers, {n_children} children)",
                position=0,
            )
        if self.offset + self.length > sys.maxsize // 16:
            raise DecodeError(
                f"texts: Arrow array length {self.length} at offset {self.offset} is too large", position=0
            )
        if n_buffers and not struct.buffers:
            raise DecodeError(f"texts: the Arrow array lists {n_buffers} buffers but gives none", position=0)
        self.buffers = tuple(int(struct.buffers[i] or 0) for i in range(n_buffers))
        if n_children != len(schema.children):
            raise DecodeError(
                f"texts: the Arrow array has {n_children} children, its schema {len(schema.children)}",
                position=0,
            )
        if n_children and not struct.children:
            raise DecodeError("texts: the Arrow array's children are missing", position=0)
        children = []
        for i, child_schema in enumerate(schema.children):
            pointer = struct.children[i]
            if not pointer:
                raise DecodeError(f"texts: child {i} of the Arrow array is missing", position=0)
            children.append(ArrayNode(pointer.contents, child_schema, owner, depth + 1))
        self.children = tuple(children)
        self.dictionary: ArrayNode | None = None
        if (schema.dictionary is None) != (not struct.dictionary):
            raise DecodeError("texts: the Arrow array and its schema disagree on a dictionary", position=0)
        if schema.dictionary is not None:
            self.dictionary = ArrayNode(struct.dictionary.contents, schema.dictionary, owner, depth + 1)


def _text(address: int | None) -> str:
    return ctypes.string_at(address).decode("utf-8", "replace") if address else ""


def _parse_schema(struct: ArrowSchema, depth: int = 0) -> Schema:
    if depth > _MAX_DEPTH:
        raise DecodeError("texts: the Arrow schema is nested too deeply", position=0)
    if not struct.format:
        raise DecodeError("texts: the Arrow schema has no format string", position=0)
    n_children = int(struct.n_children)
    if n_children < 0 or (n_children and not struct.children):
        raise DecodeError(f"texts: the Arrow schema lists {n_children} children but gives none", position=0)
    children = []
    for i in range(n_children):
        pointer = struct.children[i]
        if not pointer:
            raise DecodeError(f"texts: child {i} of the Arrow schema is missing", position=0)
        children.append(_parse_schema(pointer.contents, depth + 1))
    dictionary = _parse_schema(struct.dictionary.contents, depth + 1) if struct.dictionary else None
    return Schema(_text(struct.format), _text(struct.name), int(struct.flags), tuple(children), dictionary)


def _capsule(capsule: object, name: bytes, where: str) -> int:
    if type(capsule).__name__ != "PyCapsule" or not _capsule_is_valid(capsule, name):
        raise TypeError(f"{where} returned {type(capsule).__name__}, not an {name.decode()!r} PyCapsule")
    address = _capsule_pointer(capsule, name)
    assert address is not None
    return int(address)


def _move(kind: type[Any], address: int) -> Any:
    """Move the struct at ``address`` into memory of ours, marking the source released."""
    source = kind.from_address(address)
    if not source.release:
        raise TypeError("the Arrow PyCapsule holds a released struct (was it consumed already?)")
    struct = kind()
    ctypes.memmove(ctypes.addressof(struct), address, ctypes.sizeof(kind))
    source.release = None
    return struct


def _take_schema(struct: ArrowSchema) -> Schema:
    try:
        return _parse_schema(struct)
    finally:
        if struct.release:
            _SchemaRelease(struct.release)(ctypes.byref(struct))
            struct.release = None


def import_array(obj: Any) -> tuple[Schema, ArrayNode]:
    """Import ``obj.__arrow_c_array__()``: its parsed schema and its array (which owns
    the moved struct).

    Raises:
        TypeError: the method does not return a pair of Arrow PyCapsules.
        DecodeError: a malformed schema or array (negative length, missing buffers...).
    """
    pair = obj.__arrow_c_array__()
    if not isinstance(pair, tuple) or len(pair) != 2:
        raise TypeError(f"texts.__arrow_c_array__() returned {type(pair).__name__}, not a pair of PyCapsules")
    schema_address = _capsule(pair[0], _SCHEMA_CAPSULE, "texts.__arrow_c_array__()")
    array_address = _capsule(pair[1], _ARRAY_CAPSULE, "texts.__arrow_c_array__()")
    schema = _take_schema(_move(ArrowSchema, schema_address))
    owner = Owner(_move(ArrowArray, array_address))
    return schema, ArrayNode(owner._struct, schema, owner)


class Stream:
    """An imported ``ArrowArrayStream``: its ``schema``, then its arrays one by one
    (iterate once).  The stream is released when it is exhausted, fails, or goes."""

    def __init__(self, struct: ArrowArrayStream) -> None:
        self._struct = struct
        out = ArrowSchema()
        code = _GetSchema(struct.get_schema)(ctypes.byref(struct), ctypes.byref(out))
        if code:
            message = self._error(code)
            self.release()
            raise ArgumentError(f"texts: the Arrow stream gave no schema: {message}", argument="texts")
        self.schema = _take_schema(out)

    def _error(self, code: int) -> str:
        text = ""
        if self._struct.get_last_error:
            text = _text(_GetLastError(self._struct.get_last_error)(ctypes.byref(self._struct)))
        return f"{text or 'no message'} (error {code})"

    def __iter__(self) -> Iterator[ArrayNode]:
        try:
            while self._struct.release:
                out = ArrowArray()
                code = _GetNext(self._struct.get_next)(ctypes.byref(self._struct), ctypes.byref(out))
                if code:
                    raise ArgumentError(
                        f"texts: the Arrow stream failed: {self._error(code)}", argument="texts"
                    )
                if not out.release:  # a released array: the end of the stream
                    return
                node = ArrayNode(out, self.schema, Owner(out))
                del out
                yield node
                # Held by the consumer alone from here: released as soon as it is done.
                del node
        finally:
            self.release()

    def release(self) -> None:
        """Release the stream (once): arrays already read stay valid."""
        struct = self._struct
        if struct.release:
            _StreamRelease(struct.release)(ctypes.byref(struct))
            struct.release = None

    def __del__(self) -> None:
        # At interpreter shutdown ctypes may be gone already.
        with contextlib.suppress(Exception):
            self.release()


def import_stream(obj: Any) -> Stream:
    """Import ``obj.__arrow_c_stream__()``.

    Raises:
        TypeError: the method does not return an Arrow stream PyCapsule.
        ArgumentError: the stream could not give its schema.
        DecodeError: a malformed schema.
    """
    # The capsule must outlive the move: its destructor frees the struct.
    capsule = obj.__arrow_c_stream__()
    address = _capsule(capsule, _STREAM_CAPSULE, "texts.__arrow_c_stream__()")
    struct = _move(ArrowArrayStream, address)
    del capsule
    return Stream(struct)


# --- buffers --------------------------------------------------------------------------------


class Memory:
    """``size`` bytes at ``address``, read-only, exposed through numpy's
    ``__array_interface__`` (``numpy.asarray(memory)`` views them without a copy) and
    holding ``owner``, so that the memory stays valid while any view of it lives."""

    __slots__ = ("__array_interface__", "address", "owner", "size")

    def __init__(self, address: int, size: int, owner: object) -> None:
        self.address = address
        self.size = size
        self.owner = owner
        # An empty buffer may have no address: nothing is read from it.
        self.__array_interface__ = {
            "shape": (size,),
            "typestr": "|u1",
            "data": (address if size else 0, True),
            "version": 3,
        }


def _malformed(message: str) -> DecodeError:
    return DecodeError(f"texts: malformed Arrow array: {message}", position=0)


def _expect_buffers(node: ArrayNode, count: int, what: str) -> None:
    if len(node.buffers) != count:
        raise _malformed(f"{what} takes {count} buffers, the array has {len(node.buffers)}")


def _read_int(address: int, width: int) -> int:
    kind = ctypes.c_int32 if width == 4 else ctypes.c_int64
    return int(kind.from_address(address).value)


def validity(node: ArrayNode) -> Memory | None:
    """The validity bitmap of ``node`` (buffer 0), or None when it holds no null.

    Raises:
        DecodeError: the array counts nulls but has no bitmap.
    """
    if node.null_count == 0:
        return None
    address = node.buffers[0] if node.buffers else 0
    if not address:
        if node.null_count > 0:
            raise _malformed(f"{node.null_count} nulls but no validity bitmap")
        return None
    return Memory(address, (node.offset + node.length + 7) // 8, node.owner)


def offsets_and_data(node: ArrayNode, width: int) -> tuple[Memory, Memory]:
    """The offsets (``width``: 4 or 8 bytes an entry) and data buffers of a
    ``u``/``U``/``z``/``Z`` array; the data is as long as the last offset in use.

    Raises:
        DecodeError: the wrong number of buffers, a missing buffer, a negative last offset.
    """
    _expect_buffers(node, 3, "a string array")
    entries = node.offset + node.length + 1
    address = node.buffers[1]
    if not address:
        if node.length:
            raise _malformed("the offsets buffer is missing")
        return Memory(0, 0, node.owner), Memory(0, 0, node.owner)
    last = _read_int(address + (entries - 1) * width, width)
    if last < 0:
        raise _malformed(f"the last offset is {last}")
    data = node.buffers[2]
    if last and not data:
        raise _malformed(f"the offsets reach byte {last} of a missing data buffer")
    return Memory(address, entries * width, node.owner), Memory(data, last, node.owner)


def views_and_buffers(node: ArrayNode) -> tuple[Memory, tuple[Memory, ...]]:
    """The 16-byte views and the variadic data buffers of a ``vu``/``vz`` array (their
    sizes read from the last buffer, int64 each).

    Raises:
        DecodeError: fewer than three buffers, a missing buffer, a negative size.
    """
    if len(node.buffers) < 3:
        raise _malformed(f"a string view array takes at least 3 buffers, the array has {len(node.buffers)}")
    views = node.buffers[1]
    if not views and node.length:
        raise _malformed("the views buffer is missing")
    variadic = node.buffers[2:-1]
    sizes_address = node.buffers[-1]
    if variadic and not sizes_address:
        raise _malformed("the buffer of variadic buffer sizes is missing")
    buffers = []
    for i, address in enumerate(variadic):
        size = _read_int(sizes_address + 8 * i, 8)
        if size < 0 or (size and not address):
            raise _malformed(f"data buffer {i} has size {size} at address {address:#x}")
        buffers.append(Memory(address, size, node.owner))
    return Memory(views, (node.offset + node.length) * 16, node.owner), tuple(buffers)


def fixed_width(node: ArrayNode, itemsize: int) -> Memory:
    """The data buffer (buffer 1) of a fixed-width array such as dictionary indices.

    Raises:
        DecodeError: the wrong number of buffers, a missing buffer.
    """
    _expect_buffers(node, 2, "a fixed-width array")
    address = node.buffers[1]
    if not address and node.length:
        raise _malformed("the data buffer is missing")
    return Memory(address, (node.offset + node.length) * itemsize, node.owner)


# --- export -------------------------------------------------------------------------------

# What an exported struct needs until its release: key (its private_data) -> objects.
# Each struct, parent or child, has a key of its own: a consumer may move a child out
# and keep it after releasing the parent [2, "Moving child arrays"].
_EXPORTED: dict[int, tuple[object, ...]] = {}
# Structs handed out in a capsule, by capsule address, until the capsule goes.
_IN_CAPSULES: dict[int, tuple[Any, Any]] = {}
_KEYS = itertools.count(1)

# numpy typestr (little-endian or byte-order-free) -> Arrow format [2, "Data type description"].
_FORMATS = {
    "|i1": b"c",
    "|u1": b"C",
    "<i2": b"s",
    "<u2": b"S",
    "<i4": b"i",
    "<u4": b"I",
    "<i8": b"l",
    "<u8": b"L",
    "<f4": b"f",
    "<f8": b"g",
}


def _keep(*objects: object) -> int:
    key = next(_KEYS)
    _EXPORTED[key] = objects
    return key


@_SchemaRelease  # type: ignore[untyped-decorator]  # ctypes prototypes are untyped
def _release_schema(pointer: Any) -> None:
    # The release callback releases the children still held, then marks itself released.
    struct = pointer.contents
    for i in range(struct.n_children):
        child = struct.children[i]
        if child.contents.release:
            _SchemaRelease(child.contents.release)(child)
    _EXPORTED.pop(struct.private_data or 0, None)
    struct.release = None


@_ArrayRelease  # type: ignore[untyped-decorator]  # ctypes prototypes are untyped
def _release_array(pointer: Any) -> None:
    struct = pointer.contents
    for i in range(struct.n_children):
        child = struct.children[i]
        if child.contents.release:
            _ArrayRelease(child.contents.release)(child)
    _EXPORTED.pop(struct.private_data or 0, None)
    struct.release = None


@_CapsuleDestructor  # type: ignore[untyped-decorator]  # ctypes prototypes are untyped
def _destroy_capsule(capsule: int) -> None:
    # Runs as the capsule is freed: release the struct unless a consumer moved it out.
    entry = _IN_CAPSULES.pop(capsule or 0, None)
    if entry is None:
        return
    struct, release = entry
    if struct.release:
        release(struct.release)(ctypes.byref(struct))


def _in_capsule(struct: Any, name: bytes, release: Any) -> object:
    capsule = _capsule_new(ctypes.addressof(struct), name, _destroy_capsule)
    _IN_CAPSULES[id(capsule)] = (struct, release)
    return capsule


def _schema(fmt: bytes, name: str, children: list[ArrowSchema], flags: int = 0) -> ArrowSchema:
    texts = (ctypes.create_string_buffer(fmt), ctypes.create_string_buffer(name.encode("utf-8")))
    struct = ArrowSchema()
    struct.format = ctypes.addressof(texts[0])
    struct.name = ctypes.addressof(texts[1])
    struct.flags = flags
    pointers = (POINTER(ArrowSchema) * len(children))(*[ctypes.pointer(child) for child in children])
    struct.n_children = len(children)
    struct.children = ctypes.cast(pointers, POINTER(POINTER(ArrowSchema)))
    struct.release = ctypes.cast(_release_schema, c_void_p).value
    struct.private_data = _keep(texts, pointers, children)
    return struct


def _array(length: int, buffers: list[int | None], children: list[ArrowArray], keep: object) -> ArrowArray:
    addresses = (c_void_p * len(buffers))(*buffers)
    struct = ArrowArray()
    struct.length = length
    struct.n_buffers = len(buffers)
    struct.buffers = ctypes.cast(addresses, POINTER(c_void_p))
    pointers = (POINTER(ArrowArray) * len(children))(*[ctypes.pointer(child) for child in children])
    struct.n_children = len(children)
    struct.children = ctypes.cast(pointers, POINTER(POINTER(ArrowArray)))
    struct.release = ctypes.cast(_release_array, c_void_p).value
    struct.private_data = _keep(keep, addresses, pointers, children)
    return struct


class ArrowColumn:
    """One column of batch results exported through the Arrow PyCapsule interface.

    ``pyarrow.array(column)``, ``polars.Series(column)`` and ``nanoarrow.Array(column)``
    read it without a copy (int32, or uint8 for ``encoding``; never null: a missing
    message counts 0, as in the numpy results).  ``numpy.asarray(column)`` and
    :meth:`to_numpy` give the numpy array it wraps, also without a copy.
    """

    __slots__ = ("_format", "_values", "name")

    def __init__(self, values: Any, name: str = "") -> None:
        interface = values.__array_interface__
        fmt = _FORMATS.get(interface["typestr"])
        if (
            fmt is None
            or len(interface["shape"]) != 1
            or interface.get("strides") not in (None, (values.itemsize,))
        ):
            raise TypeError(
                f"cannot export a {interface['typestr']} array of shape {interface['shape']} to Arrow"
            )
        self._values = values
        self._format = fmt
        self.name = name

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"ArrowColumn({self.name!r}, {self._values!r})"

    def to_numpy(self) -> Any:
        """The numpy array of the results (the same memory, not a copy)."""
        return self._values

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> Any:
        values = self._values
        if dtype is not None and dtype != values.dtype:
            return values.astype(dtype)
        return values.copy() if copy else values

    def structs(self) -> tuple[ArrowSchema, ArrowArray]:
        """A fresh schema and array for this column (each with its own release)."""
        values = self._values
        # Fixed-size primitive layout: a validity bitmap (none: no nulls), the values [4].
        data = values.__array_interface__["data"][0] if len(values) else None
        return _schema(self._format, self.name, []), _array(len(values), [None, data], [], values)

    def __arrow_c_array__(self, requested_schema: object = None) -> tuple[object, object]:
        """The Arrow PyCapsule interface: an ``arrow_schema`` and an ``arrow_array``
        capsule.  ``requested_schema`` is ignored (the producer's choice, which the
        interface allows): the column is always exported in its own type."""
        schema, array = self.structs()
        return _in_capsule(schema, _SCHEMA_CAPSULE, _SchemaRelease), _in_capsule(
            array, _ARRAY_CAPSULE, _ArrayRelease
        )


class ArrowTable(Mapping[str, ArrowColumn]):
    """Columns of batch results (a read-only mapping, name -> :class:`ArrowColumn`) that
    also export themselves as one Arrow table: ``polars.DataFrame(table)``,
    ``pyarrow.table(table)``, ``pyarrow.record_batch(table)``, and DuckDB (which queries
    a Python variable holding one by its name) read it without a copy, as a struct
    array (``__arrow_c_array__``) or a stream of one record batch (``__arrow_c_stream__``).
    (A Mapping, not a dict: DuckDB refuses to scan a dict subclass.)
    """

    __slots__ = ("_columns",)

    def __init__(self, columns: dict[str, ArrowColumn]) -> None:
        self._columns = dict(columns)

    def __getitem__(self, name: str) -> ArrowColumn:
        return self._columns[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        return f"ArrowTable({', '.join(self._columns)}; {len(next(iter(self.values()), ()))} rows)"

    def structs(self) -> tuple[ArrowSchema, ArrowArray]:
        """A fresh struct schema and array over the columns."""
        pairs = [column.structs() for column in self.values()]
        lengths = {len(column) for column in self.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        length = lengths.pop() if lengths else 0
        schema = _schema(b"+s", "", [pair[0] for pair in pairs])
        # Struct layout: a validity bitmap only (none: no null rows) [4, "Struct Layout"].
        return schema, _array(length, [None], [pair[1] for pair in pairs], None)

    def __arrow_c_array__(self, requested_schema: object = None) -> tuple[object, object]:
        """The Arrow PyCapsule interface: a struct of the columns (``requested_schema``
        is ignored)."""
        schema, array = self.structs()
        return _in_capsule(schema, _SCHEMA_CAPSULE, _SchemaRelease), _in_capsule(
            array, _ARRAY_CAPSULE, _ArrayRelease
        )

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        """The Arrow PyCapsule interface: a stream of one record batch (``requested_schema``
        is ignored)."""
        stream = ArrowArrayStream()
        stream.get_schema = ctypes.cast(_stream_get_schema, c_void_p).value
        stream.get_next = ctypes.cast(_stream_get_next, c_void_p).value
        stream.get_last_error = ctypes.cast(_stream_get_last_error, c_void_p).value
        stream.release = ctypes.cast(_stream_release, c_void_p).value
        # The stream's state: the table, and whether its one batch was handed out.
        stream.private_data = _keep(self, [False])
        return _in_capsule(stream, _STREAM_CAPSULE, _StreamRelease)


def _move_into(out: Any, struct: Any) -> None:
    # The consumer's struct becomes the owner; ours is dropped without release.
    ctypes.memmove(ctypes.addressof(out.contents), ctypes.addressof(struct), ctypes.sizeof(struct))


@_GetSchema  # type: ignore[untyped-decorator]  # ctypes prototypes are untyped
def _stream_get_schema(pointer: Any, out: Any) -> int:
    state = _EXPORTED.get(pointer.contents.private_data or 0)
    if state is None:
        return 22  # EINVAL: a released stream [3, "Error codes"]
    _move_into(out, state[0].structs()[0])  # type: ignore[attr-defined]
    return 0


@_GetNext  # type: ignore[untyped-decorator]  # ctypes prototypes are untyped
def _stream_get_next(pointer: Any, out: Any) -> int:
    state = _EXPORTED.get(pointer.contents.private_data or 0)
    if state is None:
        return 22  # EINVAL
    table, done = state
    if done[0]:  # type: ignore[index]
        ctypes.memset(ctypes.addressof(out.contents), 0, ctypes.sizeof(ArrowArray))  # the end
        return 0
    done[0] = True  # type: ignore[index]
    _move_into(out, table.structs()[1])  # type: ignore[attr-defined]
    return 0


@_GetLastError  # type: ignore[untyped-decorator]  # ctypes prototypes are untyped
def _stream_get_last_error(pointer: Any) -> int | None:
    return None


@_StreamRelease  # type: ignore[untyped-decorator]  # ctypes prototypes are untyped
def _stream_release(pointer: Any) -> None:
    _EXPORTED.pop(pointer.contents.private_data or 0, None)
    pointer.contents.release = None
