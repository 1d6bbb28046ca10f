"""Batch counting for pipelines: one call over a whole column of messages.

``count_segments`` and ``analyze`` take a list or tuple of ``str``, a numpy array
(``U``, object or StringDType), a pandas Series, a pyarrow Array or ChunkedArray of
strings, or any iterable of ``str``; missing values (None, NaN/NA, Arrow nulls) count 0.
Results equal the scalar functions of :mod:`smscodec.segments` element by element.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from .segments import analyze as _analyze_one

__all__ = ["analyze", "count_segments"]


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    # pandas.NA and pandas.NaT: identified by type name, so pandas stays optional.
    return type(value).__name__ in ("NAType", "NaTType")


def _as_sequence(texts: Any) -> list[Any]:
    """Normalise every supported container to a list of ``str | None``-ish values."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"texts must be a collection of str, not a single {type(texts).__name__}")
    if isinstance(texts, list):
        return texts
    if isinstance(texts, tuple):
        return list(texts)
    module = type(texts).__module__
    if module.startswith("pyarrow"):
        return list(texts.to_pylist())
    if module.startswith("pandas"):
        return list(texts.array) if hasattr(texts, "array") else list(texts)
    if isinstance(texts, np.ndarray):
        if texts.ndim != 1:
            raise TypeError(f"texts must be a one-dimensional array, not {texts.ndim}-dimensional")
        return texts.tolist()  # type: ignore[no-any-return]
    if isinstance(texts, Iterable):
        return list(texts)
    raise TypeError(f"texts must be an iterable of str, not {type(texts).__name__}")


def _check_threads(threads: int | None) -> None:
    if threads is None:
        return
    if isinstance(threads, bool) or not isinstance(threads, int):
        raise TypeError(f"threads must be an int or None, not {type(threads).__name__}")
    if threads < 1:
        from .errors import ArgumentError

        raise ArgumentError(f"threads must be at least 1, got {threads}", argument="threads")


def analyze(texts: Any, *, threads: int | None = None, **options: Any) -> dict[str, npt.NDArray[Any]]:
    """Analyze every message of ``texts``.

    Returns:
        ``segments`` (int32), ``units`` (int32), ``remaining`` (int32) and ``encoding``
        (uint8: 0 gsm7, 1 ucs2), one entry per input; missing values give 0 everywhere.

    Raises:
        TypeError: ``texts`` is not a supported container, or an element is not a ``str``
            (the message names its index).
        SmsCodecError: an option is invalid, as for :func:`smscodec.analyze`.
    """
    _check_threads(threads)
    values = _as_sequence(texts)
    n = len(values)
    segments = np.zeros(n, dtype=np.int32)
    units = np.zeros(n, dtype=np.int32)
    remaining = np.zeros(n, dtype=np.int32)
    encoding = np.zeros(n, dtype=np.uint8)
    for i, value in enumerate(values):
        if _is_missing(value):
            continue
        if not isinstance(value, str):
            raise TypeError(f"texts[{i}] is a {type(value).__name__}, not a str")
        info = _analyze_one(value, **options)
        segments[i] = info.segments
        units[i] = info.units
        remaining[i] = info.remaining
        encoding[i] = 0 if info.encoding == "gsm7" else 1
    return {"segments": segments, "units": units, "remaining": remaining, "encoding": encoding}


def count_segments(texts: Any, *, threads: int | None = None, **options: Any) -> npt.NDArray[np.int32]:
    """The number of parts of every message of ``texts`` (int32; 0 for a missing value).

    Raises:
        TypeError: as :func:`analyze`.
        SmsCodecError: as :func:`analyze`.
    """
    return analyze(texts, threads=threads, **options)["segments"]
