"""estimate_cost (smscodec.segments) on columns: numpy arrays, pandas Series and Arrow
arrays are counted by the batch kernels (a missing value costs 0 parts, as in
smscodec.batch), and equal the scalar sum; lists keep the scalar behaviour and errors."""

from __future__ import annotations

import math
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from smscodec import DecodeError, EncodingError, count_segments, estimate_cost

np = pytest.importorskip("numpy")

PORT_UDH = bytes.fromhex("060504157C0000")  # port addressing, 16-bit (TS 23.040 §9.2.3.24.4)
TEXTS = st.text(alphabet=st.sampled_from("aZ0 @Δ€[]ÇéЖ😀ß’—…şअ\n"), max_size=400)
VALUES = st.lists(st.one_of(TEXTS, st.none()), max_size=40)
OPTIONS = st.sampled_from(
    [
        {},
        {"smart": True},
        {"languages": ["turkish", "hindi"]},
        {"smart": True, "languages": ["turkish"]},
        {"encoding": "ucs2"},
        {"reference_bits": 16},
        {"udh": PORT_UDH},
        {"smart": {"😀": ":)", "Ж": "ZH"}},  # a caller map with an astral key
    ]
)


def scalar_parts(values: list[Any], options: dict[str, Any]) -> int:
    return sum(count_segments(v, **options) for v in values if isinstance(v, str))


def containers(values: list[str | None]) -> list[tuple[str, Any]]:
    made: list[tuple[str, Any]] = [("numpy object", np.array(values, dtype=object))]
    if all(v is not None and not v.endswith("\0") for v in values):
        made.append(("numpy U", np.array(values, dtype=str)))
    try:
        import pandas as pd
    except ImportError:
        pd = None
    if pd is not None:
        made.append(("pandas object", pd.Series(values, dtype=object)))
        made.append(("pandas nan", pd.Series([math.nan if v is None else v for v in values], dtype=object)))
    try:
        import pyarrow as pa
    except ImportError:
        return made
    made.append(("arrow string", pa.array(values, type=pa.string())))
    made.append(("arrow large_string", pa.array(values, type=pa.large_string())))
    half = len(values) // 2
    made.append(("arrow chunked", pa.chunked_array([values[:half], values[half:]], type=pa.string())))
    made.append(("arrow dictionary", pa.array(values, type=pa.string()).dictionary_encode()))
    made.append(("arrow sliced", pa.array(["x", *values, "y"], type=pa.string()).slice(1, len(values))))
    if pd is not None:
        made.append(("pandas arrow", pd.Series(values, dtype="string[pyarrow]")))
    return made


@settings(max_examples=60, deadline=None)
@given(values=VALUES, options=OPTIONS)
def test_columns_equal_the_scalar_sum(values: list[str | None], options: dict[str, Any]) -> None:
    want = Decimal("0.0075") * scalar_parts(values, options)
    for name, column in containers(values):
        assert estimate_cost(column, "0.0075", **options) == want, name


def test_missing_values_cost_nothing() -> None:
    pd = pytest.importorskip("pandas")
    series = pd.Series(["hi", None, math.nan, pd.NA, "Olá" * 30])
    # "hi": 1 part; "Olá" x 30: 90 UTF-16 units, 2 parts (TS 23.038: 67 per concatenated part).
    assert estimate_cost(series, "0.01") == Decimal("0.03")
    assert int(smscodec.batch.count_segments(series).sum()) == 3


def test_lists_keep_the_scalar_errors() -> None:
    with pytest.raises(TypeError, match=r"^text must be str, not float$"):
        estimate_cost(["a", math.nan], 1)
    with pytest.raises(TypeError, match=r"^text must be str, not NoneType$"):
        estimate_cost(("a", None), 1)
    with pytest.raises(EncodingError) as exc:
        estimate_cost(["ok", "Olá"], 1, encoding="gsm7")
    assert str(exc.value).startswith("character 'á'")
    assert estimate_cost(iter(["a" * 161, "b"]), 1) == 3


def test_column_errors_name_the_index() -> None:
    with pytest.raises(TypeError, match=r"^texts\[1\] is a int, not a str$"):
        estimate_cost(np.array(["a", 3, "b"], dtype=object), 1)
    with pytest.raises(EncodingError) as exc:
        estimate_cost(np.array(["ok", "fine", "Olá"], dtype=object), 1, encoding="gsm7")
    assert str(exc.value).startswith("texts[2]: character 'á'")
    assert (exc.value.char, exc.value.position) == ("á", 2)
    with pytest.raises(TypeError, match="one-dimensional"):
        estimate_cost(np.array([["a"], ["b"]]), 1)


def test_arrow_errors_name_the_index() -> None:
    pa = pytest.importorskip("pyarrow")
    with pytest.raises(EncodingError, match=r"^texts\[3\]: "):
        estimate_cost(pa.chunked_array([["a", "b"], ["c", "Ж"]]), 1, encoding="gsm7")
    # Octets that are not UTF-8, in an array built from raw buffers.
    offsets = pa.py_buffer(np.array([0, 1, 3], dtype=np.int32).tobytes())
    broken = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"a\xff\xfe")])
    with pytest.raises(DecodeError, match=r"texts\[1\]"):
        estimate_cost(broken, 1)
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        estimate_cost(pa.array([None, 5]), 1)


def test_dataframe_is_refused() -> None:
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match="DataFrame"):
        estimate_cost(pd.DataFrame({"text": ["a"]}), 1)


def test_a_million_rows_take_the_kernels() -> None:
    pa = pytest.importorskip("pyarrow")
    # Not a timing test: the answer for a column far too long for a per-message loop in
    # a test's time budget on the pure backend is right, so the kernels counted it.
    column = pa.array(["hello", None, "Olá " * 20] * 1000)
    assert estimate_cost(column, 2) == 2 * 1000 * (1 + 0 + 2)


def test_lists_never_import_numpy() -> None:
    code = (
        "import sys, smscodec; "
        "assert smscodec.estimate_cost(['a' * 161, 'b'], 1) == 3; "
        "assert 'numpy' not in sys.modules, 'numpy imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
