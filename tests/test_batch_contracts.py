"""Hostile buffers to ``smscodec.batch``: regression tests for bugs the fuzzers found."""

from __future__ import annotations

import pytest


def test_batch_arrow_offsets_buffer_with_a_ragged_tail() -> None:
    # Found by fuzz target batch_utf8_kernel: pyarrow accepts an offsets buffer whose size is
    # not a multiple of the offset width (it only needs (n + 1) offsets); the pure twin's
    # np.frombuffer raised a bare ValueError there, where the compiled twin counts.
    pa = pytest.importorskip("pyarrow")
    import numpy as np

    from smscodec import batch

    offsets = pa.py_buffer(np.array([0, 2, 4], dtype=np.int32).tobytes() + b"\x00")
    array = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"ab\xc3\xa9")])
    assert array.to_pylist() == ["ab", "é"]
    assert batch.count_segments(array).tolist() == [1, 1]
