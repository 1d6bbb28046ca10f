"""Batch counting for pipelines: one call over a whole column of messages.

``count_segments`` and ``analyze`` take a list or tuple of ``str``, a numpy array
(``U``, object or StringDType), a pandas Series or Index, any column of strings with
the Arrow PyCapsule interface (pyarrow, polars, DuckDB, nanoarrow), or any iterable of
``str``; ``output="arrow"`` gives the results as Arrow arrays (:class:`ArrowColumn`).
Missing values (None, NaN, pandas NA/NaT, Arrow nulls) count 0.  Results equal the scalar functions of
:mod:`smscodec.segments` element by element, for every option.

How the containers are read (see ``_batch_py`` for the kernels' theory of operation):

* Arrow columns: any object with the Arrow PyCapsule interface (``__arrow_c_stream__``
  or ``__arrow_c_array__``: pyarrow, polars, DuckDB, nanoarrow), and pandas Series
  backed by pyarrow (``string[pyarrow]``, pandas 3's default ``str``), are read from
  their own buffers, imported with ctypes (pyarrow need not be installed): ``string``,
  ``large_string`` and ``string_view`` arrays, dictionary-encoded ones, slices, nulls,
  chunked arrays and streams, a table of one column.  No Python object is made per
  message and no text is copied (see ``_arrow_sources``).
* numpy ``U`` arrays are read in place as UCS-4.  numpy pads short elements with
  U+0000, so trailing NULs are not counted: a message that really ends in U+0000 cannot
  be told apart from padding (use an object or Arrow array for such data).
* Lists, tuples, object arrays and pandas object Series are read through each ``str``'s
  own storage.  A list is read in place, not copied: the kernel holds a reference to
  each string of the block (512) it counts while the GIL is released, so a list that
  another thread changes meanwhile is never read after a string is freed (a list that
  thread shortens stops the call with ``RuntimeError``, as Python's own iteration
  does).  numpy StringDType arrays are converted in blocks of 65,536 elements:
  by pyarrow's own converter to Arrow strings when pyarrow is installed (then counted as
  Arrow), else to ``str`` (numpy gives no GIL-free access to them).
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

import functools
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

try:
    import numpy as np
    import numpy.typing as npt
except ImportError as exc:  # numpy is the `batch` extra, not a dependency of the core
    raise ImportError(
        "smscodec.batch needs numpy, which is an optional extra: pip install 'smscodec[batch]'"
    ) from exc

from . import _arrow_sources
from ._arrow_c_data import ArrowColumn, ArrowTable
from ._plan import SegmentPlan
from ._plan import plan as _plan_of
from .errors import ArgumentError, SmsCodecError
from .policies import SplitPolicy
from .segments import analyze as scalar_analyze

if TYPE_CHECKING:
    from . import _batch_py as _kernel
else:
    from ._backend import load

    _kernel = load("batch")

__all__ = ["Analysis", "ArrowColumn", "ArrowTable", "analyze", "count_segments"]

# Fewest messages worth a thread of their own: below this, thread start-up dominates.
_MIN_PER_THREAD = 4096
# StringDType elements converted (to Arrow, else to str) at a time (bounds the extra memory).
_STRINGDTYPE_BLOCK = 65536
# Fewest StringDType elements worth converting through pyarrow (importing it costs more).
_STRINGDTYPE_ARROW_MIN = 4096
# What ``output=`` may ask for.
_OUTPUTS = ("numpy", "arrow")

_Outputs = tuple[
    npt.NDArray[np.int32],
    "npt.NDArray[np.int32] | None",
    "npt.NDArray[np.int32] | None",
    npt.NDArray[np.uint8],
]
_Options = tuple[int, ...]  # the kernels' options (_plan.SegmentPlan.batch_options)


# --- sources: one per storage layout ------------------------------------------------------


class _Source:
    """A container as the kernels read it: ``run`` counts an index range, ``text`` gives
    one element as a ``str`` (for the scalar fallback)."""

    length: int = 0

    def prepare(self, options: _Options, table: Any) -> None:
        """Work done once, on one thread, before ``run`` (none but for Arrow dictionaries)."""

    def run(self, start: int, stop: int, options: _Options, outs: _Outputs, table: Any) -> None:
        raise NotImplementedError

    def text(self, index: int) -> str:
        raise NotImplementedError


class _Objects(_Source):
    def __init__(self, values: list[object] | tuple[object, ...]) -> None:
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


def _shift_index(exc: TypeError, offset: int) -> TypeError:
    message = str(exc)
    if message.startswith("texts["):
        index, rest = message[6:].split("]", 1)
        return TypeError(f"texts[{int(index) + offset}]{rest}")
    return exc


def _pandas_sources(texts: Any) -> Iterator[Any]:
    if hasattr(texts, "columns"):
        raise TypeError("texts must be one column (a Series), not a DataFrame")
    dtype = texts.dtype
    if getattr(dtype, "storage", None) in ("pyarrow", "pyarrow_numpy") or hasattr(dtype, "pyarrow_dtype"):
        # Arrow-backed (string[pyarrow], pandas 3's str, ArrowDtype): its pyarrow
        # ChunkedArray, read in place (pandas' own __arrow_c_stream__ would convert).
        yield from _arrow_sources.sources(texts.array.__arrow_array__(), _kernel)
        return
    yield _Objects(tuple(texts.to_numpy(dtype=object).tolist()))


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


def _string_dtype_sources(texts: npt.NDArray[Any]) -> Iterator[Any]:
    """A numpy StringDType array: through pyarrow's own converter, which reads numpy's packed
    UTF-8 strings in C++ (about 45 ns a message here, against 220 for ``tolist()``), one
    block of ``_STRINGDTYPE_BLOCK`` at a time, then the Arrow kernels; as ``str`` objects
    without pyarrow, for a small array, or when the array's NA object is itself a str (which
    ``tolist()`` gives as text, and pyarrow would make a null)."""
    if texts.ndim != 1:
        raise TypeError(f"texts must be a one-dimensional array, not {texts.ndim}-dimensional")
    na = getattr(texts.dtype, "na_object", None)
    pa: Any = None
    if len(texts) >= _STRINGDTYPE_ARROW_MIN and not isinstance(na, str):
        try:
            import pyarrow

            pa = pyarrow
        except ImportError:
            pass
    if pa is None:
        yield _StringBlocks(texts)
        return
    for lo in range(0, len(texts), _STRINGDTYPE_BLOCK):
        block = pa.array(texts[lo : lo + _STRINGDTYPE_BLOCK], type=pa.large_string())
        yield from _arrow_sources.sources(block, _kernel)
        del block


def _is_arrow(texts: Any) -> bool:
    kind = type(texts)
    return hasattr(kind, "__arrow_c_stream__") or hasattr(kind, "__arrow_c_array__")


def _sources(texts: Any) -> Iterator[Any]:
    """The sources of ``texts``, counted one after the other: one, but for an Arrow
    stream, read a group of chunks at a time (see ``_arrow_sources``)."""
    if isinstance(texts, tuple):
        yield _Objects(texts)
    elif type(texts) is list:
        # Read in place: the kernel holds a reference to each string of the block it
        # counts while the GIL is released (no copy of the list).
        yield _Objects(texts)
    elif isinstance(texts, list):
        yield _Objects(tuple(texts))
    elif isinstance(texts, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"texts must be a collection of str, not a single {type(texts).__name__}")
    elif isinstance(texts, np.ndarray):
        if texts.dtype.kind == "T":
            yield from _string_dtype_sources(texts)
        else:
            yield _numpy_source(texts)
    elif type(texts).__module__.startswith("pandas"):
        yield from _pandas_sources(texts)
    elif _is_arrow(texts):
        # The Arrow PyCapsule interface: pyarrow, polars, DuckDB, nanoarrow...
        yield from _arrow_sources.sources(texts, _kernel)
    elif isinstance(texts, Iterable):
        yield _Objects(tuple(texts))
    else:
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


def _count(
    source: Any, options: dict[str, Any], kernel_options: _Options, table: Any, workers: int, detailed: bool
) -> _Outputs:
    """Count one source: the kernels over ``workers`` index ranges, then the scalar API
    for the messages they flagged."""
    n = source.length
    outs: _Outputs = (
        np.empty(n, dtype=np.int32),
        np.empty(n, dtype=np.int32) if detailed else None,
        np.empty(n, dtype=np.int32) if detailed else None,
        np.empty(n, dtype=np.uint8),
    )
    source.prepare(kernel_options, table)
    ranges = _ranges(n, workers if _kernel.RELEASES_GIL else 1)
    _parallel([functools.partial(source.run, lo, hi, kernel_options, outs, table) for lo, hi in ranges])
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


def _check_output(output: object) -> None:
    if not isinstance(output, str):
        raise TypeError(f"output must be a str, not {type(output).__name__}")
    if output not in _OUTPUTS:
        raise ArgumentError(f"output must be 'numpy' or 'arrow', got {output!r}", argument="output")


def _run(texts: Any, options: dict[str, Any], threads: object, detailed: bool) -> _Outputs:
    languages = options["languages"]
    if isinstance(languages, Iterable) and not isinstance(languages, (str, tuple)):
        # An iterator is used up once: the plan and the scalar fallback must see the same.
        options["languages"] = languages = tuple(languages)
    plan = _plan_of(
        options["encoding"], b"", options["reference_bits"], options["smart"], languages, options["policy"]
    )
    # Under a policy's smart_always rule the scalar API replaces (see SegmentPlan.batch_smart).
    smart_table = _smart_table(plan, options["smart"]) if plan.batch_smart else None
    workers = _check_threads(threads)
    kernel_options: _Options = plan.batch_options
    results: list[_Outputs] = []
    base = 0  # the index of the current source's first message in texts
    sources = _sources(texts)
    while True:
        try:
            source = next(sources, None)
            if source is None:
                break
            results.append(_count(source, options, kernel_options, smart_table, workers, detailed))
        except (TypeError, SmsCodecError) as exc:
            if not base:
                raise
            # Messages of a later group of an Arrow stream: name their index in texts.
            raise _arrow_sources.renumber(exc, shift=base) from None
        base += source.length
        del source  # an Arrow group's chunks are released once counted
    if len(results) == 1:
        return results[0]
    empty: _Outputs = (
        np.empty(0, np.int32),
        np.empty(0, np.int32),
        np.empty(0, np.int32),
        np.empty(0, np.uint8),
    )
    parts = list(zip(*results, strict=False)) if results else [(out,) for out in empty]
    return tuple(  # type: ignore[return-value]
        None if part[0] is None else np.concatenate(part) for part in parts
    )


# --- public API ---------------------------------------------------------------------------


class Analysis(dict[str, "npt.NDArray[Any]"]):
    """What :func:`analyze` returns: a ``dict`` of numpy arrays, one entry per message,
    with a short ``repr`` (the totals) and a summary table in a notebook (``_repr_html_``)."""

    def summary(self) -> list[tuple[str, str]]:
        """The totals as ``(label, value)`` rows: messages, missing, parts, encodings."""
        segments, codes = self["segments"], self["encoding"]
        n = len(segments)
        missing = int(np.count_nonzero(segments == 0))
        parts = int(segments.sum(dtype=np.int64))
        ucs2 = int(np.count_nonzero(codes == 1))
        counted = n - missing
        rows = [("messages", f"{n:,}")]
        if missing:
            rows.append(("missing (0 parts)", f"{missing:,}"))
        rows.append(("parts", f"{parts:,}"))
        if counted:
            rows.append(("parts per message", f"{parts / counted:.2f}"))
            rows.append(("most parts", f"{int(segments.max()):,}"))
        rows.append(("GSM-7", f"{counted - ucs2:,}"))
        rows.append(("UCS-2", f"{ucs2:,}" + (f" ({ucs2 / counted:.1%})" if counted else "")))
        return rows

    def __repr__(self) -> str:
        totals = ", ".join(f"{label} {value}" for label, value in self.summary())
        return f"Analysis({totals}; arrays: {', '.join(self)})"

    def _repr_html_(self) -> str:
        from . import _view

        return _view.summary_table(self.summary(), caption="smscodec.batch.analyze")


@overload
def analyze(
    texts: Any,
    *,
    encoding: str = "auto",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    threads: int | None = None,
    policy: str | SplitPolicy = "3gpp",
    output: Literal["numpy"] = ...,
) -> Analysis: ...


@overload
def analyze(
    texts: Any,
    *,
    encoding: str = "auto",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    threads: int | None = None,
    policy: str | SplitPolicy = "3gpp",
    output: Literal["arrow"],
) -> ArrowTable: ...


@overload
def analyze(
    texts: Any,
    *,
    encoding: str = "auto",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    threads: int | None = None,
    policy: str | SplitPolicy = "3gpp",
    output: str = ...,
) -> Analysis | ArrowTable: ...


def analyze(
    texts: Any,
    *,
    encoding: str = "auto",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    threads: int | None = None,
    policy: str | SplitPolicy = "3gpp",
    output: str = "numpy",
) -> Analysis | ArrowTable:
    """Analyze every message of ``texts``, as :func:`smscodec.analyze` would one by one.

    Args:
        texts: a list, tuple or iterable of ``str``, a numpy array (``U``, object or
            StringDType), a pandas Series, or any column of strings with the Arrow
            PyCapsule interface (a pyarrow Array or ChunkedArray, a polars Series, a
            DuckDB relation of one column, a nanoarrow array...), read without a copy.
        encoding, reference_bits, smart, languages, policy: as for :func:`smscodec.analyze`
            (a policy other than ``"3gpp"`` is counted by the same GIL-free kernels).
        threads: how many threads count at once (``None``: 1).  The results do not
            depend on it.  The pure-Python backend (``SMSCODEC_NO_EXTENSIONS``) holds
            the GIL and always counts on one thread.
        output: ``"numpy"`` (numpy arrays) or ``"arrow"`` (:class:`ArrowColumn`
            objects: Arrow arrays through the PyCapsule interface, over the same memory).

    Returns:
        A dict of numpy arrays (an :class:`Analysis`; with ``output="arrow"``, an
        :class:`ArrowTable` of :class:`ArrowColumn`, itself an Arrow table), one entry
        per message: ``segments``, ``units`` and ``remaining`` (int32) and ``encoding``
        (uint8: 0 gsm7, 1 ucs2).  A missing value (None, NaN, pandas NA, an Arrow null)
        gives 0 in every array; ``segments == 0`` tells it apart, since a message is at
        least one part.

    Raises:
        TypeError: ``texts`` is not a supported container, or an element is neither a
            ``str`` nor missing (the message names its index); an option of the wrong type.
        ArgumentError: a bad option (as for :func:`smscodec.analyze`), ``threads < 1``,
            an unknown ``output``, or an Arrow stream that fails.
        EncodingError: a message the scalar API refuses (``encoding="gsm7"`` and a
            character GSM-7 cannot carry, or a lone surrogate sent as UCS-2); the message
            names its index.
        DecodeError: an Arrow message that is not valid UTF-8, a malformed Arrow array
            (an offset past the end of its data, a view outside its buffer, a dictionary
            index outside the dictionary), or a numpy ``U`` element holding a value
            above U+10FFFF.
    """
    _check_output(output)
    options = {
        "encoding": encoding,
        "reference_bits": reference_bits,
        "smart": smart,
        "languages": languages,
        "policy": policy,
    }
    segments, units, remaining, codes = _run(texts, options, threads, detailed=True)
    assert units is not None
    assert remaining is not None
    if output == "arrow":
        arrays = {"segments": segments, "units": units, "remaining": remaining, "encoding": codes}
        return ArrowTable({name: ArrowColumn(values, name) for name, values in arrays.items()})
    return Analysis(segments=segments, units=units, remaining=remaining, encoding=codes)


@overload
def count_segments(
    texts: Any,
    *,
    encoding: str = "auto",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    threads: int | None = None,
    policy: str | SplitPolicy = "3gpp",
    output: Literal["numpy"] = ...,
) -> npt.NDArray[np.int32]: ...


@overload
def count_segments(
    texts: Any,
    *,
    encoding: str = "auto",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    threads: int | None = None,
    policy: str | SplitPolicy = "3gpp",
    output: Literal["arrow"],
) -> ArrowColumn: ...


@overload
def count_segments(
    texts: Any,
    *,
    encoding: str = "auto",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    threads: int | None = None,
    policy: str | SplitPolicy = "3gpp",
    output: str = ...,
) -> npt.NDArray[np.int32] | ArrowColumn: ...


def count_segments(
    texts: Any,
    *,
    encoding: str = "auto",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    threads: int | None = None,
    policy: str | SplitPolicy = "3gpp",
    output: str = "numpy",
) -> npt.NDArray[np.int32] | ArrowColumn:
    """The number of parts of every message of ``texts``: :func:`smscodec.count_segments`
    element by element.

    Returns:
        An int32 array with one entry per message, 0 for a missing value (with
        ``output="arrow"``, an :class:`ArrowColumn` over it).

    Raises:
        TypeError, ArgumentError, EncodingError, DecodeError: as for :func:`analyze`.
    """
    _check_output(output)
    options = {
        "encoding": encoding,
        "reference_bits": reference_bits,
        "smart": smart,
        "languages": languages,
        "policy": policy,
    }
    segments = _run(texts, options, threads, detailed=False)[0]
    return ArrowColumn(segments, "segments") if output == "arrow" else segments
