"""pyarrow arrays built from their buffers, and read back into numpy, without pandas.

pyarrow's sequence converter (``pa.array``), ``pa.scalar`` and ``Array.to_numpy`` ask
pyarrow's pandas shim whether the object is a pandas one, and the shim imports pandas
to answer (pyarrow 26, ``_is_array_like``).  With pandas installed that costs about
0.2 s on first use (this machine): more than the CLI's report takes to count a million
messages.  Nothing here needs pandas, so the report, the output writers and the number
to country mapping build their arrays from buffers (``pa.Array.from_buffers`` over
``bytes`` or numpy memory) and read them back with ``np.frombuffer``
(numpy is in every extra that brings pyarrow).

Every function takes and returns plain (non-chunked) arrays; none copies more than the
one pass that forms the buffer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["from_numpy", "numpy_of", "strings", "validity"]

# Arrow's ``string`` type has int32 offsets: a chunk's UTF-8 must stay below 2 GiB.
_MAX_STRING_DATA = 2**31 - 1


def strings(values: Sequence[str | None], *, large: bool = False) -> Any:
    """A pyarrow ``string`` (``large_string`` with ``large``) array of ``values``
    (None: null), as ``pa.array(values, pa.string())`` gives it.

    Raises:
        UnicodeEncodeError: a value holds a lone surrogate (Arrow strings are UTF-8).
        ValueError: more than 2 GiB of UTF-8 for a ``string`` array.
    """
    import pyarrow as pa

    n = len(values)
    nulls = values.count(None)
    filled: Sequence[str] = values if not nulls else ["" if v is None else v for v in values]  # type: ignore[assignment]
    text = "".join(filled)
    data = text.encode("utf-8")
    if len(data) == len(text):
        # ASCII: a value's octets are its characters, no value needs encoding alone.
        lengths: Any = map(len, filled)
    else:
        lengths = map(len, map(str.encode, filled))  # UTF-8: str.encode's default
    if not large and len(data) > _MAX_STRING_DATA:
        raise ValueError(f"{len(data)} octets of UTF-8 do not fit one Arrow string array (int32 offsets)")
    offsets = _offsets(lengths, n, large)
    bitmap = validity([v is not None for v in values]) if nulls else None
    kind = pa.large_string() if large else pa.string()
    return pa.Array.from_buffers(
        kind, n, [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)], null_count=nulls
    )


def _offsets(lengths: Any, n: int, large: bool) -> Any:
    """Arrow offsets (int32, int64 with ``large``) of values of these octet lengths."""
    import numpy as np

    offsets = np.zeros(n + 1, dtype=np.int64 if large else np.int32)
    np.cumsum(np.fromiter(lengths, dtype=np.int64, count=n), out=offsets[1:])
    return offsets


def validity(flags: Any) -> Any:
    """The Arrow bitmap (a pyarrow Buffer, least significant bit first) of ``flags``
    (booleans: a sequence or a numpy array): a bit set for each true flag."""
    import numpy as np
    import pyarrow as pa

    return pa.py_buffer(np.packbits(np.asarray(flags, dtype=bool), bitorder="little"))


def from_numpy(values: Any, kind: Any, *, valid: npt.NDArray[np.bool_] | None = None) -> Any:
    """A pyarrow array of the fixed-width type ``kind`` (integers, booleans) holding
    ``values`` (a numpy array or a sequence, converted to ``kind``'s width when it is not
    of it), null where ``valid`` is false."""
    import numpy as np
    import pyarrow as pa

    if pa.types.is_boolean(kind):
        data = validity(values)
    else:
        data = pa.py_buffer(np.ascontiguousarray(values, dtype=np.dtype(kind.to_pandas_dtype())))
    bitmap = None
    nulls = 0
    if valid is not None and not valid.all():
        bitmap = validity(valid)
        nulls = int(len(valid) - np.count_nonzero(valid))
    return pa.Array.from_buffers(kind, len(values), [bitmap, data], null_count=nulls)


def _bits(buffer: Any, offset: int, n: int) -> npt.NDArray[np.bool_]:
    """Bits ``offset`` to ``offset + n`` of an Arrow bitmap (None: all clear)."""
    import numpy as np

    octets = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, np.uint8)
    return np.unpackbits(octets, bitorder="little", count=offset + n)[offset:].astype(bool)


def numpy_of(values: Any, *, null: int | None = None) -> npt.NDArray[Any]:
    """A plain pyarrow array of integers or booleans as numpy (a view where it can be):
    a null becomes ``null``.

    Raises:
        ValueError: a null, and no ``null`` value given.
    """
    import numpy as np
    import pyarrow as pa

    kind = values.type
    n, offset = len(values), values.offset
    validity_buffer, data_buffer = values.buffers()[:2]
    if pa.types.is_boolean(kind):
        out: Any = _bits(data_buffer, offset, n)
    else:
        dtype = np.dtype(kind.to_pandas_dtype())
        if data_buffer is None:
            out = np.zeros(n, dtype=dtype)
        else:
            out = np.frombuffer(data_buffer, dtype=dtype)[offset : offset + n]
    if values.null_count:
        if null is None:
            raise ValueError(f"{values.null_count} nulls in an array read without a value for them")
        out = np.where(_bits(validity_buffer, offset, n), out, null).astype(out.dtype)
    return out  # type: ignore[no-any-return]
