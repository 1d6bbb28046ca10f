"""Type stub of the compiled batch kernels; the pure twin ``_batch_py`` documents each function."""

from typing import Any

from ._batch_py import Options
from .errors import DecodeError

FLAGGED: int
RELEASES_GIL: bool

class SmartTable:
    locks: int
    singles: int
    def __init__(self, table: dict[int, str], locks: int, singles: int, /) -> None: ...

def check_element(value: object, index: int) -> None: ...
def list_changed(size: int, expected: int) -> RuntimeError: ...
def check_options(options: Options) -> None: ...
def utf8_error(index: int, position: int, byte: int) -> DecodeError: ...
def ucs4_error(index: int, position: int, value: int) -> DecodeError: ...
def ucs4_text(data: Any, width: int, index: int) -> str: ...
def view_error(index: int, length: int, buffer: int, offset: int, buffers: int, size: int) -> DecodeError: ...
def view_bytes(views: Any, buffers: Any, k: int) -> tuple[int, int, int, bytes | None]: ...
def count_objects(
    values: list[object] | tuple[object, ...],
    start: int,
    stop: int,
    options: Options,
    segments: Any,
    units: Any,
    remaining: Any,
    encoding: Any,
    table: SmartTable | None = None,
    /,
) -> None: ...
def count_ucs4(
    data: Any,
    width: int,
    start: int,
    stop: int,
    options: Options,
    segments: Any,
    units: Any,
    remaining: Any,
    encoding: Any,
    table: SmartTable | None = None,
    /,
) -> None: ...
def count_utf8(
    data: Any,
    offsets: Any,
    offset_bytes: int,
    validity: Any,
    array_offset: int,
    start: int,
    stop: int,
    base: int,
    options: Options,
    segments: Any,
    units: Any,
    remaining: Any,
    encoding: Any,
    table: SmartTable | None = None,
    /,
) -> None: ...
def count_views(
    views: Any,
    buffers: tuple[Any, ...],
    validity: Any,
    array_offset: int,
    start: int,
    stop: int,
    base: int,
    options: Options,
    segments: Any,
    units: Any,
    remaining: Any,
    encoding: Any,
    table: SmartTable | None = None,
    /,
) -> None: ...
