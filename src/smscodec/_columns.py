"""Counting a column of texts with the batch kernels, without numpy.

:func:`smscodec.estimate_cost` and :func:`smscodec.pricing.estimate` accept a column (a
numpy array, a pandas Series or Index, a pyarrow Array or ChunkedArray, or any object
with the Arrow PyCapsule interface, such as a polars Series) and count it as
:func:`smscodec.batch.count_segments` does: a missing value (None, NaN, pandas NA, an
Arrow null) is 0 parts.  They cannot import :mod:`smscodec.batch` (it needs numpy and
sits above them), so this module drives the batch kernels directly: Arrow strings are read
where they lie, anything else as one tuple of objects, and the per-message counts come
back as a plain ``array('i')``.  numpy, pandas and pyarrow are never imported here: the
column's own methods say what it holds.
"""

from __future__ import annotations

from array import array

from .errors import SmsCodecError

# typing is only for type checkers (see segments.py: `import smscodec` stays cheap).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from . import _batch_py as batch_kernel
    from ._plan import SegmentPlan

__all__ = ["counts", "family"]

_FAMILIES = ("numpy", "pandas", "pyarrow", "polars")


def family(texts: object) -> str | None:
    """The kind of column ``texts`` is (``"numpy"``, ``"pandas"``, ``"pyarrow"``,
    ``"polars"``, or the top-level module of an object with the Arrow PyCapsule
    interface), or None for anything else (a list, a generator: counted text by text)."""
    name = type(texts).__module__.partition(".")[0]
    if name in _FAMILIES or hasattr(texts, "__arrow_c_stream__") or hasattr(texts, "__arrow_c_array__"):
        return name
    return None


def counts(texts: Any, kind: str, plan: SegmentPlan, recount: Callable[[Any], int]) -> array[int]:
    """The parts of every message of the column ``texts`` (``kind``: its :func:`family`),
    under ``plan``; 0 for a missing value.

    ``recount(text)`` counts a message the kernels leave to the scalar API (its errors,
    astral smart keys); an error it raises is re-raised naming the index, ``texts[i]``.

    Raises:
        TypeError: a DataFrame, a numpy array of more than one dimension, or (from
            ``recount``) an element that is neither a str nor missing.
        SmsCodecError: what ``recount`` raises, naming the index.
    """
    if TYPE_CHECKING:
        kernel = batch_kernel
    else:
        from ._backend import load

        kernel = load("batch")
    if hasattr(texts, "columns"):
        raise TypeError("texts must be one column (a Series), not a DataFrame")
    dtype = getattr(texts, "dtype", None)
    if kind == "pandas" and (
        getattr(dtype, "storage", None) in ("pyarrow", "pyarrow_numpy") or hasattr(dtype, "pyarrow_dtype")
    ):
        # Arrow-backed (string[pyarrow], pandas 3's str): its Arrow strings, read in place.
        texts = texts.array.__arrow_array__()
        kind = "pyarrow"
    options = plan.batch_options
    table = None
    if plan.batch_smart and plan.smart is not None:
        table = kernel.SmartTable(plan.smart, plan.locks, plan.singles)
    # (chunk, start) pieces: Arrow string chunks as they lie, anything else as one tuple.
    pieces: list[tuple[Any, int]] = []
    chunks = (getattr(texts, "chunks", None) or [texts]) if kind == "pyarrow" else []
    if chunks and all(str(chunk.type) in ("string", "large_string") for chunk in chunks):
        start = 0
        for chunk in chunks:
            pieces.append((chunk, start))
            start += len(chunk)
        length = start
    else:
        ndim = getattr(texts, "ndim", 1)
        if kind == "numpy" and ndim != 1:
            raise TypeError(f"texts must be a one-dimensional array, not {ndim}-dimensional")
        if kind == "pandas" and hasattr(texts, "to_numpy"):
            # Through an object array: Series.tolist() boxes element by element, ~8x slower.
            values = tuple(texts.to_numpy(dtype=object).tolist())
        else:
            convert = (
                getattr(texts, "to_pylist", None)
                or getattr(texts, "to_list", None)
                or getattr(texts, "tolist", None)
            )
            values = tuple(convert() if convert is not None else texts)
        pieces.append((values, 0))
        length = len(values)
    out = array("i", bytes(4 * length))  # int32, as the kernels write them
    codes = array("B", bytes(length))
    for piece, start in pieces:
        if isinstance(piece, tuple):
            kernel.count_objects(piece, 0, len(piece), options, out, None, None, codes, table)
            continue
        validity, offsets, data = piece.buffers()[:3]
        kernel.count_utf8(
            data,
            offsets,
            4 if str(piece.type) == "string" else 8,
            validity if piece.null_count else None,
            piece.offset,
            0,
            len(piece),
            start,
            options,
            out,
            None,
            None,
            codes,
            table,
        )
    # The messages the kernels leave to the scalar API (its errors, astral smart keys).
    flagged = bytes((kernel.FLAGGED,))
    at = codes.tobytes().find(flagged)
    while at >= 0:
        piece, start = next(p for p in reversed(pieces) if p[1] <= at)
        text = piece[at - start] if isinstance(piece, tuple) else piece[at - start].as_py()
        try:
            out[at] = recount(text)
        except SmsCodecError as exc:
            exc.args = (f"texts[{at}]: {exc}",)
            raise
        at = codes.tobytes().find(flagged, at + 1)
    return out
