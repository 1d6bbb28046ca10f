"""A hand-made Arrow producer for the tests: arrays and streams built with ctypes.

It lays out the C data interface structs itself (any buffers, malformed ones included:
pyarrow and polars refuse to make those) and counts every call of every ``release``
callback, so that the tests can check that the consumer releases each struct exactly
once.  Arrays are handed out through the Arrow PyCapsule interface, as a real producer
does: the capsule's destructor releases a struct that no consumer moved out.
"""

from __future__ import annotations

import collections
import ctypes
import itertools
from ctypes import CFUNCTYPE, POINTER, PYFUNCTYPE, c_char_p, c_int, c_void_p, py_object
from typing import Any

from smscodec._arrow_c_data import ArrowArray, ArrowArrayStream, ArrowSchema

_SchemaRelease = CFUNCTYPE(None, POINTER(ArrowSchema))
_ArrayRelease = CFUNCTYPE(None, POINTER(ArrowArray))
_StreamRelease = CFUNCTYPE(None, POINTER(ArrowArrayStream))
_GetSchema = CFUNCTYPE(c_int, POINTER(ArrowArrayStream), POINTER(ArrowSchema))
_GetNext = CFUNCTYPE(c_int, POINTER(ArrowArrayStream), POINTER(ArrowArray))
_GetLastError = CFUNCTYPE(c_void_p, POINTER(ArrowArrayStream))
_Destructor = CFUNCTYPE(None, c_void_p)
_capsule_new = PYFUNCTYPE(py_object, c_void_p, c_char_p, _Destructor)(("PyCapsule_New", ctypes.pythonapi))

#: Release calls by kind ("schema", "array", "stream"), over every producer.
RELEASES: collections.Counter[str] = collections.Counter()
# Every object a live struct points at, by its private_data key.
_KEEP: dict[int, Any] = {}
_IN_CAPSULES: dict[int, tuple[Any, Any]] = {}
_KEYS = itertools.count(1)


def _keep(*objects: Any) -> int:
    key = next(_KEYS)
    _KEEP[key] = objects
    return key


@_SchemaRelease
def _release_schema(pointer: Any) -> None:
    struct = pointer.contents
    for i in range(struct.n_children):
        child = struct.children[i].contents
        if child.release:
            _SchemaRelease(child.release)(struct.children[i])
    if struct.dictionary and struct.dictionary.contents.release:
        _SchemaRelease(struct.dictionary.contents.release)(struct.dictionary)
    RELEASES["schema"] += 1
    _KEEP.pop(struct.private_data or 0, None)
    struct.release = None


@_ArrayRelease
def _release_array(pointer: Any) -> None:
    struct = pointer.contents
    for i in range(struct.n_children):
        child = struct.children[i].contents
        if child.release:
            _ArrayRelease(child.release)(struct.children[i])
    if struct.dictionary and struct.dictionary.contents.release:
        _ArrayRelease(struct.dictionary.contents.release)(struct.dictionary)
    RELEASES["array"] += 1
    _KEEP.pop(struct.private_data or 0, None)
    struct.release = None


@_SchemaRelease
def _release_child_schema(pointer: Any) -> None:
    # Released by the parent's callback: not counted.
    _KEEP.pop(pointer.contents.private_data or 0, None)
    pointer.contents.release = None


@_ArrayRelease
def _release_child(pointer: Any) -> None:
    # Children and dictionaries are released by their parent's callback: not counted.
    _KEEP.pop(pointer.contents.private_data or 0, None)
    pointer.contents.release = None


@_Destructor
def _destroy(capsule: int) -> None:
    entry = _IN_CAPSULES.pop(capsule or 0, None)
    if entry is not None:
        struct, release = entry
        if struct.release:
            release(struct.release)(ctypes.byref(struct))


def _capsule(struct: Any, name: bytes, release: Any) -> object:
    capsule = _capsule_new(ctypes.addressof(struct), name, _destroy)
    _IN_CAPSULES[id(capsule)] = (struct, release)
    return capsule


class Spec:
    """An array to build: format, length, buffers (bytes, or None for NULL), offset,
    null_count, children and dictionary (Specs), name."""

    def __init__(
        self,
        fmt: str,
        length: int,
        buffers: list[bytes | None],
        *,
        offset: int = 0,
        null_count: int = -1,
        children: tuple[Spec, ...] = (),
        dictionary: Spec | None = None,
        name: str = "text",
    ) -> None:
        self.fmt = fmt
        self.length = length
        self.buffers = buffers
        self.offset = offset
        self.null_count = null_count
        self.children = children
        self.dictionary = dictionary
        self.name = name

    def schema(self, top: bool = True) -> ArrowSchema:
        fmt = ctypes.create_string_buffer(self.fmt.encode())
        name = ctypes.create_string_buffer(self.name.encode())
        struct = ArrowSchema()
        struct.format = ctypes.addressof(fmt)
        struct.name = ctypes.addressof(name)
        struct.flags = 2  # nullable
        children = [child.schema(False) for child in self.children]
        pointers = (POINTER(ArrowSchema) * max(1, len(children)))(*[ctypes.pointer(c) for c in children])
        struct.n_children = len(children)
        struct.children = ctypes.cast(pointers, POINTER(POINTER(ArrowSchema)))
        dictionary = self.dictionary.schema(False) if self.dictionary else None
        if dictionary is not None:
            struct.dictionary = ctypes.pointer(dictionary)
        struct.release = ctypes.cast(_release_schema if top else _release_child_schema, c_void_p).value
        struct.private_data = _keep(fmt, name, children, pointers, dictionary)
        return struct

    def array(self, top: bool = True) -> ArrowArray:
        held = [None if b is None else ctypes.create_string_buffer(b, len(b)) for b in self.buffers]
        addresses = (c_void_p * max(1, len(held)))(
            *[None if h is None else ctypes.addressof(h) for h in held]
        )
        struct = ArrowArray()
        struct.length = self.length
        struct.null_count = self.null_count
        struct.offset = self.offset
        struct.n_buffers = len(held)
        struct.buffers = ctypes.cast(addresses, POINTER(c_void_p))
        children = [child.array(False) for child in self.children]
        pointers = (POINTER(ArrowArray) * max(1, len(children)))(*[ctypes.pointer(c) for c in children])
        struct.n_children = len(children)
        struct.children = ctypes.cast(pointers, POINTER(POINTER(ArrowArray)))
        dictionary = self.dictionary.array(False) if self.dictionary else None
        if dictionary is not None:
            struct.dictionary = ctypes.pointer(dictionary)
        struct.release = ctypes.cast(_release_array if top else _release_child, c_void_p).value
        struct.private_data = _keep(held, addresses, children, pointers, dictionary)
        return struct


class Array:
    """An object with ``__arrow_c_array__`` over a fresh struct of ``spec`` per call;
    ``data_addresses`` lists the buffer addresses of the last struct made."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.data_addresses: list[int] = []

    def __arrow_c_array__(self, requested_schema: object = None) -> tuple[object, object]:
        schema = self.spec.schema()
        array = self.spec.array()
        self.data_addresses = [array.buffers[i] or 0 for i in range(array.n_buffers)]
        return _capsule(schema, b"arrow_schema", _SchemaRelease), _capsule(
            array, b"arrow_array", _ArrayRelease
        )


class Stream:
    """An object with ``__arrow_c_stream__``: the chunks of ``specs`` (one schema, that
    of the first), failing with ``fail_code`` at chunk ``fail_at`` when given."""

    def __init__(
        self, specs: list[Spec], schema: Spec | None = None, fail_at: int | None = None, fail_code: int = 5
    ) -> None:
        self.specs = specs
        self.schema_spec = schema or specs[0]
        self.fail_at = fail_at
        self.fail_code = fail_code
        self.chunks_read = 0
        #: RELEASES["array"] at each get_next call: shows chunks released while streaming.
        self.released_at_next: list[int] = []

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        position = [0]
        message = ctypes.create_string_buffer(b"the producer broke down")

        @_GetSchema
        def get_schema(stream: Any, out: Any) -> int:
            schema = self.schema_spec.schema()
            ctypes.memmove(
                ctypes.addressof(out.contents), ctypes.addressof(schema), ctypes.sizeof(ArrowSchema)
            )
            return 0

        @_GetNext
        def get_next(stream: Any, out: Any) -> int:
            k = position[0]
            self.released_at_next.append(RELEASES["array"])
            if self.fail_at is not None and k == self.fail_at:
                return self.fail_code
            if k >= len(self.specs):
                ctypes.memset(
                    ctypes.addressof(out.contents), 0, ctypes.sizeof(ArrowArray)
                )  # released: the end
                return 0
            position[0] += 1
            self.chunks_read += 1
            array = self.specs[k].array()
            ctypes.memmove(ctypes.addressof(out.contents), ctypes.addressof(array), ctypes.sizeof(ArrowArray))
            return 0

        @_GetLastError
        def get_last_error(stream: Any) -> int | None:
            return ctypes.addressof(message)

        @_StreamRelease
        def release(pointer: Any) -> None:
            # The callbacks stay alive (this one is running): a stream is small.
            RELEASES["stream"] += 1
            pointer.contents.release = None

        struct = ArrowArrayStream()
        struct.get_schema = ctypes.cast(get_schema, c_void_p).value
        struct.get_next = ctypes.cast(get_next, c_void_p).value
        struct.get_last_error = ctypes.cast(get_last_error, c_void_p).value
        struct.release = ctypes.cast(release, c_void_p).value
        struct.private_data = _keep(get_schema, get_next, get_last_error, release, message)
        return _capsule(struct, b"arrow_array_stream", _StreamRelease)


# --- layouts ------------------------------------------------------------------------------


def bitmap(valid: list[bool], offset: int = 0) -> bytes:
    """A validity bitmap, LSB first, with ``offset`` leading bits (set)."""
    bits = [True] * offset + valid
    out = bytearray((len(bits) + 7) // 8)
    for i, bit in enumerate(bits):
        if bit:
            out[i >> 3] |= 1 << (i & 7)
    return bytes(out)


def utf8(values: list[bytes | None], *, large: bool = False, offset: int = 0, pad: int = 0) -> Spec:
    """A ``u``/``U`` array of ``values`` (None: null) after ``offset`` leading elements
    (``b"<lead>"`` each), ``pad`` bytes of slack in the data buffer."""
    width = 8 if large else 4
    everything = [b"<lead>"] * offset + list(values)
    ends = [0]
    data = b""
    for value in everything:
        data += value or b""
        ends.append(len(data))
    offsets = b"".join(end.to_bytes(width, "little", signed=True) for end in ends)
    nulls = sum(value is None for value in values)
    validity = bitmap([value is not None for value in values], offset) if nulls else None
    return Spec(
        "U" if large else "u",
        len(values),
        [validity, offsets, data + b"\0" * pad],
        offset=offset,
        null_count=nulls,
    )


def views(values: list[bytes | None], *, offset: int = 0, buffers: int = 2) -> Spec:
    """A ``vu`` array of ``values``: long ones spread over ``buffers`` data buffers,
    back to front within each, so that no two neighbours are adjacent in memory."""
    everything = [b"<lead>"] * offset + list(values)
    datas = [bytearray(b"#" * 3) for _ in range(buffers)]  # a few bytes no view points at
    rows = []
    for i, value in enumerate(everything):
        value = value or b""
        if len(value) <= 12:
            rows.append(len(value).to_bytes(4, "little") + value.ljust(12, b"\0"))
        else:
            k = i % buffers
            start = len(datas[k])
            datas[k] += value
            rows.append(
                len(value).to_bytes(4, "little")
                + value[:4]
                + k.to_bytes(4, "little")
                + start.to_bytes(4, "little")
            )
    nulls = sum(value is None for value in values)
    validity = bitmap([value is not None for value in values], offset) if nulls else None
    sizes = b"".join(len(d).to_bytes(8, "little") for d in datas)
    return Spec(
        "vu",
        len(values),
        [validity, b"".join(rows), *map(bytes, datas), sizes],
        offset=offset,
        null_count=nulls,
    )


def dictionary(indices: list[int | None], values: Spec, *, fmt: str = "i") -> Spec:
    """A dictionary-encoded array: int32 (``fmt``) ``indices`` (None: null) into ``values``."""
    width = {"c": 1, "C": 1, "s": 2, "S": 2, "i": 4, "I": 4, "l": 8, "L": 8}[fmt]
    signed = fmt.islower()
    data = b"".join((0 if i is None else i).to_bytes(width, "little", signed=signed) for i in indices)
    nulls = sum(i is None for i in indices)
    validity = bitmap([i is not None for i in indices]) if nulls else None
    return Spec(fmt, len(indices), [validity, data], null_count=nulls, dictionary=values)


def table(column: Spec, *, rows: int | None = None, offset: int = 0) -> Spec:
    """A struct (a record batch) of one column."""
    length = column.length - offset if rows is None else rows
    return Spec("+s", length, [None], offset=offset, null_count=0, children=(column,), name="")
