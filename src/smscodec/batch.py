"""Batch counting for pipelines: one call over a whole column of messages.

``count_segments`` and ``analyze`` take a list or tuple of ``str``, a numpy array
(``U``, object or StringDType), a pandas Series or Index, a pyarrow Array or
ChunkedArray of strings, or any iterable of ``str``.  Missing values (None, NaN,
pandas NA/NaT, Arrow nulls) count 0.  Results equal the scalar functions of
:mod:`smscodec.segments` element by element, for every option.

How the containers are read (see ``_batch_py`` for the kernels' theory of operation):

* Arrow ``string``/``large_string`` arrays (and pandas Series backed by them, such as
  ``string[pyarrow]`` and pandas 3's default ``str``) are read from their UTF-8 data,
  offsets and validity buffers: no Python object is made per message.  Pure-ASCII
  messages are counted straight from the buffer; others are decoded (and validated)
  into a small per-thread scratch buffer.
* numpy ``U`` arrays are read in place as UCS-4.  numpy pads short elements with
  U+0000, so trailing NULs are not counted: a message that really ends in U+0000 cannot
  be told apart from padding (use an object or Arrow array for such data).
* Lists, tuples, object arrays and pandas object Series are read through each ``str``'s
  own storage; numpy StringDType arrays are converted to ``str`` in blocks of
  65,536 elements (numpy gives no GIL-free access to them).
* Anything else iterable is materialised as a tuple first.

The GIL is released while counting; ``threads=N`` splits the messages into N ranges,
each counted by its own thread (``None`` means 1).  Smart encoding (``smart=``) runs in
the kernels too: the live map (the default one or the caller's, as the scalar API
checked it) is turned into a per-code-point table once per call (cached for
``smart=True``), and a message that is not GSM-7 as it stands is rewritten, or found to
go as written, in one pass (see ``_batch_py``).  The scalar API only sees the messages
it must decide itself: those it refuses (so that its error is raised) and, with a
caller map that has keys above U+FFFF, messages holding such characters.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

try:
    import numpy as np
    import numpy.typing as npt
except ImportError as exc:  # numpy is the `batch` extra, not a dependency of the core
    raise ImportError(
        "smscodec.batch needs numpy, which is an optional extra: pip install 'smscodec[batch]'"
    ) from exc

from ._plan import SegmentPlan
from ._plan import plan as _plan_of
from .errors import ArgumentError, SmsCodecError
from .segments import analyze as scalar_analyze

if TYPE_CHECKING:
    from . import _batch_py as _kernel
else:
    from ._backend import load

    _kernel = load("batch")

__all__ = ["analyze", "count_segments"]

# Fewest messages worth a thread of their own: below this, thread start-up dominates.
_MIN_PER_THREAD = 4096
# StringDType elements converted to str at a time (bounds the extra memory).
_STRINGDTYPE_BLOCK = 65536

_Outputs = tuple[
    npt.NDArray[np.int32],
    "npt.NDArray[np.int32] | None",
    "npt.NDArray[np.int32] | None",
    npt.NDArray[np.uint8],
]
_Options = tuple[int, int, int, int, int, int]


# --- sources: one per storage layout ------------------------------------------------------


class _Source:
    """A container as the kernels read it: ``run`` counts an index range, ``text`` gives
    one element as a ``str`` (for the scalar fallback)."""

    length: int = 0

    def run(self, start: int, stop: int, options: _Options, outs: _Outputs, table: Any) -> None:
        raise NotImplementedError

    def text(self, index: int) -> str:
        raise NotImplementedError


class _Objects(_Source):
    def __init__(self, values: tuple[object, ...]) -> None:
        self.values = values
        self.length = len(values)

    def run(self, start: int, stop: int, options: _Options, outs: _Outputs, table: Any) -> None:
        _kernel.count_objects(self.values, start, stop, options, *outs, table)

    def text(self, index: int) -> str:
        value = self.values[index]
        assert isinstance(value, str)
        return value


class _Ucs4(_Source):
    def __init__(self, array: npt.NDArray[Any]) -> None:
        if not array.dtype.isnative:
            array = array.astype(array.dtype.newbyteorder("="))
        array = np.ascontiguousarray(array)
        self.length = len(array)
        self.width = array.dtype.itemsize // 4
        # The code units of every element, back to back, without a copy.
        self.data = array.view(np.uint32) if self.width else np.empty(0, dtype=np.uint32)

    def run(self, start: int, stop: int, options: _Options, outs: _Outputs, table: Any) -> None:
        _kernel.count_ucs4(self.data, self.width, start, stop, options, *outs, table)

    def text(self, index: int) -> str:
        return _kernel.ucs4_text(self.data, self.width, index)


class _StringBlocks(_Source):
    """A numpy StringDType array, converted to ``str`` one block at a time."""

    def __init__(self, array: npt.NDArray[Any]) -> None:
        self.array = array
        self.length = len(array)

    def run(self, start: int, stop: int, options: _Options, outs: _Outputs, table: Any) -> None:
        for lo in range(start, stop, _STRINGDTYPE_BLOCK):
            hi = min(stop, lo + _STRINGDTYPE_BLOCK)
            block = tuple(self.array[lo:hi].tolist())
            seg, units, rem, enc = (None if out is None else out[lo:hi] for out in outs)
            try:
                _kernel.count_objects(block, 0, hi - lo, options, seg, units, rem, enc, table)
            except TypeError as exc:  # name the index in the whole array
                raise _shift_index(exc, lo) from None

    def text(self, index: int) -> str:
        return str(self.array[index])


class _Arrow(_Source):
    """Arrow string arrays (the chunks of a ChunkedArray), read through their buffers."""

    def __init__(self, chunks: list[tuple[Any, ...]]) -> None:
        # Each chunk: (array, data, offsets, offset_bytes, validity, offset, length, base).
        self.chunks = chunks
        self.bases = [chunk[7] for chunk in chunks]
        self.length = chunks[-1][7] + chunks[-1][6] if chunks else 0

    def run(self, start: int, stop: int, options: _Options, outs: _Outputs, table: Any) -> None:
        first = max(0, bisect.bisect_right(self.bases, start) - 1)
        for chunk in self.chunks[first:]:
            _, data, offsets, width, validity, offset, length, base = chunk
            if base >= stop:
                break
            lo, hi = max(start - base, 0), min(stop - base, length)
            if lo < hi:
                _kernel.count_utf8(
                    data, offsets, width, validity, offset, lo, hi, base, options, *outs, table
                )

    def text(self, index: int) -> str:
        chunk = self.chunks[bisect.bisect_right(self.bases, index) - 1]
        value = chunk[0][index - chunk[7]].as_py()
        assert isinstance(value, str)
        return value


def _shift_index(exc: TypeError, offset: int) -> TypeError:
    message = str(exc)
    if message.startswith("texts["):
        index, rest = message[6:].split("]", 1)
        return TypeError(f"texts[{int(index) + offset}]{rest}")
    return exc


def _arrow_source(array: Any) -> _Source:
    import pyarrow as pa

    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    parts: list[tuple[Any, ...]] = []
    base = 0
    for chunk in chunks:
        if isinstance(chunk, pa.ExtensionArray):
            chunk = chunk.storage
        kind = chunk.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            validity, offsets, data = chunk.buffers()[:3]
            width = 4 if pa.types.is_string(kind) else 8
            # A validity bitmap with no nulls need not be read.
            validity = validity if chunk.null_count else None
            parts.append((chunk, data, offsets, width, validity, chunk.offset, len(chunk), base))
        elif pa.types.is_string_view(kind) or pa.types.is_dictionary(kind):
            # Not read in place: converted chunk by chunk (a copy of this chunk only).
            plain = chunk.cast(pa.large_string())
            validity, offsets, data = plain.buffers()[:3]
            validity = validity if plain.null_count else None
            parts.append((plain, data, offsets, 8, validity, plain.offset, len(plain), base))
        elif chunk.null_count == len(chunk):
            # All null (e.g. the null type): every element is missing.
            parts.append(_all_missing(chunk, base))
        else:
            first = int(np.argmax(np.asarray(chunk.is_valid())))
            _kernel.check_element(chunk[first].as_py(), base + first)
            raise AssertionError("a non-null element passed as missing")  # pragma: no cover
        base += len(chunk)
    # Empty chunks hold nothing to count.
    return _Arrow([part for part in parts if part[6]])


def _all_missing(chunk: Any, base: int) -> tuple[Any, ...]:
    # A string array of nulls only, made of a zero offsets buffer and an all-zero bitmap.
    n = len(chunk)
    offsets = np.zeros(n + 1, dtype=np.int32)
    validity = np.zeros((n + 7) // 8, dtype=np.uint8)
    return (chunk, None, offsets, 4, validity, 0, n, base)


def _pandas_source(texts: Any) -> _Source:
    if hasattr(texts, "columns"):
        raise TypeError("texts must be one column (a Series), not a DataFrame")
    dtype = texts.dtype
    if getattr(dtype, "storage", None) in ("pyarrow", "pyarrow_numpy") or hasattr(dtype, "pyarrow_dtype"):
        # Arrow-backed (string[pyarrow], pandas 3's str, ArrowDtype): read its chunks.
        return _arrow_source(texts.array.__arrow_array__())
    return _Objects(tuple(texts.to_numpy(dtype=object).tolist()))


def _numpy_source(texts: npt.NDArray[Any]) -> _Source:
    if texts.ndim != 1:
        raise TypeError(f"texts must be a one-dimensional array, not {texts.ndim}-dimensional")
    if texts.dtype.kind == "U":
        return _Ucs4(texts)
    if texts.dtype.kind == "T":
        return _StringBlocks(texts)
    # Object arrays, and any other dtype element by element (so NaN counts as missing and
    # a number is a TypeError naming its index, as in a list).
    return _Objects(tuple(texts.tolist()))


def _source(texts: Any) -> _Source:
    if isinstance(texts, tuple):
        return _Objects(texts)
    if isinstance(texts, list):
        # A snapshot: the strings stay alive while the GIL is released.
        return _Objects(tuple(texts))
    if isinstance(texts, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"texts must be a collection of str, not a single {type(texts).__name__}")
    if isinstance(texts, np.ndarray):
        return _numpy_source(texts)
    module = type(texts).__module__
    if module.startswith("pyarrow"):
        return _arrow_source(texts)
    if module.startswith("pandas"):
        return _pandas_source(texts)
    if isinstance(texts, Iterable):
        return _Objects(tuple(texts))
    raise TypeError(f"texts must be an iterable of str, not {type(texts).__name__}")


# --- running ------------------------------------------------------------------------------


def _check_threads(threads: object) -> int:
    if threads is None:
        return 1
    if isinstance(threads, bool) or not isinstance(threads, int):
        raise TypeError(f"threads must be an int or None, not {type(threads).__name__}")
    if threads < 1:
        raise ArgumentError(f"threads must be at least 1, got {threads}", argument="threads")
    return threads


def _ranges(n: int, threads: int) -> list[tuple[int, int]]:
    count = max(1, min(threads, n // _MIN_PER_THREAD))
    bounds = [n * k // count for k in range(count + 1)]
    return list(itertools.pairwise(bounds))


def _parallel(tasks: list[Callable[[], None]]) -> None:
    """Run ``tasks``, all but the first in threads of their own; re-raise the first task's
    error in task order (tasks cover ascending index ranges, so that is the lowest index)."""
    errors: list[BaseException | None] = [None] * len(tasks)

    def run(k: int) -> None:
        try:
            tasks[k]()
        except BaseException as exc:  # handed to the caller below
            errors[k] = exc

    workers = [threading.Thread(target=run, args=(k,), daemon=True) for k in range(1, len(tasks))]
    for worker in workers:
        worker.start()
    run(0)
    for worker in workers:
        worker.join()
    for error in errors:
        if error is not None:
            raise error


def _with_index(exc: SmsCodecError, index: int) -> SmsCodecError:
    attrs = {name: getattr(exc, name) for name in exc._attrs}
    return type(exc)(f"texts[{index}]: {exc}", **attrs)


# Kernel smart tables by (translate table, tables enabled, kernel), for ``smart=True``: the
# plans of bool options are cached by the option plan, so their translate tables are the
# same objects from call to call.  Each entry holds the translate table and the kernel, so
# the ids in its key stay theirs.  Bounded; CPython dict operations are atomic.
_SMART_TABLES: dict[tuple[int, int, int, int], tuple[object, object, Any]] = {}
_MAX_SMART_TABLES = 16


def _smart_table(plan: SegmentPlan, smart: object) -> Any:
    """The live kernel's SmartTable for ``plan``, or None without smart encoding."""
    table = plan.smart
    if table is None:
        return None
    if type(smart) is not bool:
        # A caller's mapping: its translate table is new on every call.
        return _kernel.SmartTable(table, plan.locks, plan.singles)
    key = (id(table), plan.locks, plan.singles, id(_kernel))
    entry = _SMART_TABLES.get(key)
    if entry is None or entry[0] is not table or entry[1] is not _kernel:
        entry = (table, _kernel, _kernel.SmartTable(table, plan.locks, plan.singles))
        if len(_SMART_TABLES) >= _MAX_SMART_TABLES:
            _SMART_TABLES.clear()
        _SMART_TABLES[key] = entry
    return entry[2]


def _run(texts: Any, options: dict[str, Any], threads: object, detailed: bool) -> _Outputs:
    languages = options["languages"]
    if isinstance(languages, Iterable) and not isinstance(languages, (str, tuple)):
        # An iterator is used up once: the plan and the scalar fallback must see the same.
        options["languages"] = languages = tuple(languages)
    plan = _plan_of(options["encoding"], b"", options["reference_bits"], options["smart"], languages)
    smart_table = _smart_table(plan, options["smart"])
    workers = _check_threads(threads)
    source = _source(texts)
    n = source.length
    outs: _Outputs = (
        np.empty(n, dtype=np.int32),
        np.empty(n, dtype=np.int32) if detailed else None,
        np.empty(n, dtype=np.int32) if detailed else None,
        np.empty(n, dtype=np.uint8),
    )
    kernel_options: _Options = (*plan.args, int(plan.smart is not None))
    ranges = _ranges(n, workers if _kernel.RELEASES_GIL else 1)
    _parallel([functools.partial(source.run, lo, hi, kernel_options, outs, smart_table) for lo, hi in ranges])
    segments, units, remaining, encoding = outs
    # The few messages the fast path leaves to the scalar API (errors, astral smart keys).
    for index in np.flatnonzero(encoding == _kernel.FLAGGED).tolist():
        try:
            info = scalar_analyze(source.text(index), **options)
        except SmsCodecError as exc:
            raise _with_index(exc, index) from None
        segments[index] = info.segments
        encoding[index] = 0 if info.encoding == "gsm7" else 1
        if units is not None and remaining is not None:
            units[index] = info.units
            remaining[index] = info.remaining
    return outs


# --- public API ---------------------------------------------------------------------------


def analyze(
    texts: Any,
    *,
    encoding: str = "auto",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    threads: int | None = None,
) -> dict[str, npt.NDArray[Any]]:
    """Analyze every message of ``texts``, as :func:`smscodec.analyze` would one by one.

    Args:
        texts: a list, tuple or iterable of ``str``, a numpy array (``U``, object or
            StringDType), a pandas Series, or a pyarrow Array or ChunkedArray of strings.
        encoding, reference_bits, smart, languages: as for :func:`smscodec.analyze`.
        threads: how many threads count at once (``None``: 1).  The results do not
            depend on it.  The pure-Python backend (``SMSCODEC_NO_EXTENSIONS``) holds
            the GIL and always counts on one thread.

    Returns:
        A dict of numpy arrays, one entry per message: ``segments``, ``units`` and
        ``remaining`` (int32) and ``encoding`` (uint8: 0 gsm7, 1 ucs2).  A missing value
        (None, NaN, pandas NA, an Arrow null) gives 0 in every array; ``segments == 0``
        tells it apart, since a message is at least one part.

    Raises:
        TypeError: ``texts`` is not a supported container, or an element is neither a
            ``str`` nor missing (the message names its index); an option of the wrong type.
        ArgumentError: a bad option (as for :func:`smscodec.analyze`), or ``threads < 1``.
        EncodingError: a message the scalar API refuses (``encoding="gsm7"`` and a
            character GSM-7 cannot carry, or a lone surrogate sent as UCS-2); the message
            names its index.
        DecodeError: an Arrow message that is not valid UTF-8, or a numpy ``U`` element
            holding a value above U+10FFFF.
    """
    options = {"encoding": encoding, "reference_bits": reference_bits, "smart": smart, "languages": languages}
    segments, units, remaining, codes = _run(texts, options, threads, detailed=True)
    assert units is not None
    assert remaining is not None
    return {"segments": segments, "units": units, "remaining": remaining, "encoding": codes}


def count_segments(
    texts: Any,
    *,
    encoding: str = "auto",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    threads: int | None = None,
) -> npt.NDArray[np.int32]:
    """The number of parts of every message of ``texts``: :func:`smscodec.count_segments`
    element by element.

    Returns:
        An int32 array with one entry per message, 0 for a missing value.

    Raises:
        TypeError, ArgumentError, EncodingError, DecodeError: as for :func:`analyze`.
    """
    options = {"encoding": encoding, "reference_bits": reference_bits, "smart": smart, "languages": languages}
    return _run(texts, options, threads, detailed=False)[0]
