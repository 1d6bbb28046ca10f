"""Run the batch API on Dask DataFrame partitions, for data beyond one machine.

Each partition is counted by :mod:`smscodec.batch` on whichever worker holds it; the
functions are plain module-level callables with no global state, so they pickle to
worker processes.  Partitions of Arrow-backed strings (pandas' ``str`` and
``string[pyarrow]``, ``ArrowDtype``, what ``read_parquet`` gives) are read from their
Arrow buffers, without a Python object per message.  Install with
``pip install 'smscodec[dask]'``.

Recipe::

    import dask.dataframe as dd
    import smscodec.dask

    ddf = dd.read_parquet("messages/*.parquet")
    parts = smscodec.dask.count_segments(ddf["text"], smart=True)   # lazy, one int32 per message
    print(int(parts.sum().compute()))                                # total parts billed
    report = smscodec.dask.analyze(ddf["text"])                      # lazy DataFrame
    ucs2_share = report["encoding"].mean().compute()
"""

from __future__ import annotations

from typing import Any

from . import batch
from .errors import ArgumentError

__all__ = ["analyze", "count_segments", "totals"]

_ANALYZE_COLUMNS = {"segments": "int32", "units": "int32", "remaining": "int32", "encoding": "uint8"}


def _count_partition(part: Any, options: dict[str, Any]) -> Any:
    import pandas as pd

    return pd.Series(batch.count_segments(part, **options), index=part.index, name=part.name)


def _analyze_partition(part: Any, options: dict[str, Any]) -> Any:
    import pandas as pd

    return pd.DataFrame(batch.analyze(part, **options), index=part.index)


def _check_series(series: Any, options: dict[str, Any]) -> None:
    import dask.dataframe as dd

    if not isinstance(series, dd.Series):
        raise TypeError(f"expected a dask.dataframe.Series of str, not {type(series).__name__}")
    if options.get("output", "numpy") != "numpy":
        # The partitions' results are pandas objects, made from numpy arrays.
        raise ArgumentError(
            f"output={options['output']!r} is not an option of smscodec.dask, which returns Dask collections",
            argument="output",
        )


def count_segments(series: Any, **options: Any) -> Any:
    """The parts of every message of a Dask Series, as a lazy int32 Series with the same index.

    ``options`` are those of :func:`smscodec.batch.count_segments` (``encoding``,
    ``reference_bits``, ``smart``, ``languages``, ``threads``, ``policy``), but ``output``.

    Raises:
        TypeError: ``series`` is not a Dask Series.
        ArgumentError: an ``output`` other than ``"numpy"``.
    """
    import pandas as pd

    _check_series(series, options)
    meta = pd.Series([], dtype="int32", name=series.name)
    return series.map_partitions(_count_partition, options, meta=meta)


def analyze(series: Any, **options: Any) -> Any:
    """A lazy DataFrame with ``segments``, ``units``, ``remaining`` and ``encoding`` per message.

    Raises:
        TypeError: ``series`` is not a Dask Series.
        ArgumentError: an ``output`` other than ``"numpy"``.
    """
    import pandas as pd

    _check_series(series, options)
    meta = pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in _ANALYZE_COLUMNS.items()})
    return series.map_partitions(_analyze_partition, options, meta=meta)


def totals(series: Any, **options: Any) -> dict[str, int]:
    """Compute the totals over a Dask Series: messages, parts, GSM-7 and UCS-2 counts.

    Missing values are counted under ``missing``, not under ``messages``' encodings.
    """
    report = analyze(series, **options)
    counted = report["segments"] > 0
    sums = {
        "messages": report["segments"].size,
        "segments": report["segments"].sum(),
        "ucs2": ((report["encoding"] == 1) & counted).sum(),
        "gsm7": ((report["encoding"] == 0) & counted).sum(),
        "missing": (~counted).sum(),
    }
    import dask

    (computed,) = dask.compute(sums)
    return {key: int(value) for key, value in computed.items()}
