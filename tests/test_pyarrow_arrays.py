"""smscodec._pyarrow_arrays: pyarrow arrays from buffers equal to what pyarrow's own
converters give, read back into numpy, and never an import of pandas on the way."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

np = pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")
pc = pytest.importorskip("pyarrow.compute")

from smscodec import _pyarrow_arrays as arrays  # noqa: E402

# Text Arrow can hold: any code point but a lone surrogate.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


@given(st.lists(st.one_of(st.none(), TEXT), max_size=40), st.booleans())
def test_strings_equal_pyarrow_own_conversion(values: list[str | None], large: bool) -> None:
    kind = pa.large_string() if large else pa.string()
    built = arrays.strings(values, large=large)
    built.validate(full=True)
    assert built.type == kind
    assert built.null_count == values.count(None)
    assert built.equals(pa.array(values, type=kind))


def test_strings_of_a_tuple_and_of_nothing() -> None:
    assert arrays.strings(("a", None, "Ж€😀")).to_pylist() == ["a", None, "Ж€😀"]
    empty = arrays.strings([])
    assert len(empty) == 0
    assert empty.type == pa.string()


def test_strings_refuse_a_lone_surrogate() -> None:
    with pytest.raises(UnicodeEncodeError):
        arrays.strings(["ok", "\ud800"])


@given(st.lists(st.booleans(), max_size=70))
def test_validity_bitmap_is_lsb_first(flags: list[bool]) -> None:
    bitmap = arrays.validity(flags).to_pybytes()
    assert len(bitmap) >= (len(flags) + 7) // 8
    assert [bool(bitmap[i // 8] >> (i % 8) & 1) for i in range(len(flags))] == flags


@pytest.mark.parametrize("kind", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"])
def test_integers_of_every_width_from_a_list(kind: str) -> None:
    arrow_type = getattr(pa, kind)()
    top = 2 ** (arrow_type.bit_width - (0 if kind.startswith("u") else 1)) - 1
    low = 0 if kind.startswith("u") else -top - 1
    values = [low, 0, 1, top]
    built = arrays.from_numpy(values, arrow_type)
    assert built.type == arrow_type
    assert built.to_pylist() == values


@given(
    st.lists(st.integers(-(2**31), 2**31 - 1), max_size=40),
    st.data(),
)
def test_from_numpy_and_back(values: list[int], data: st.DataObject) -> None:
    valid = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))), dtype=bool
    )
    built = arrays.from_numpy(np.array(values, dtype=np.int64), pa.int32(), valid=valid)
    built.validate(full=True)
    expected = [v if ok else None for v, ok in zip(values, valid.tolist(), strict=True)]
    assert built.to_pylist() == expected
    back = arrays.numpy_of(built, null=-7)
    assert back.dtype == np.int32
    assert back.tolist() == [-7 if v is None else v for v in expected]


@given(st.lists(st.booleans(), max_size=50), st.integers(0, 20))
def test_numpy_of_a_sliced_boolean_array(flags: list[bool], start: int) -> None:
    sliced = arrays.from_numpy(np.array(flags, dtype=bool), pa.bool_()).slice(start)
    assert arrays.numpy_of(sliced).tolist() == flags[start:]


def test_numpy_of_a_sliced_integer_array_is_a_view_at_its_offset() -> None:
    whole = arrays.from_numpy(list(range(10)), pa.int64())
    assert arrays.numpy_of(whole.slice(3, 4)).tolist() == [3, 4, 5, 6]


def test_numpy_of_nulls_needs_a_value_for_them() -> None:
    with_null = pc.take(
        arrays.from_numpy([1, 2], pa.int32()),
        arrays.from_numpy(np.array([0, 1]), pa.int64(), valid=np.array([True, False])),
    )
    with pytest.raises(ValueError, match="1 nulls"):
        arrays.numpy_of(with_null)
    assert arrays.numpy_of(with_null, null=0).tolist() == [1, 0]


def test_nothing_here_imports_pandas() -> None:
    pytest.importorskip("pandas")  # the import to avoid must be possible
    program = (
        "import sys\n"
        "from smscodec import _pyarrow_arrays as a\n"
        "import numpy as np, pyarrow as pa, pyarrow.compute as pc\n"
        "s = a.strings(['x', None, 'é'])\n"
        "n = a.from_numpy(np.arange(3), pa.int32(), valid=np.array([True, False, True]))\n"
        "a.numpy_of(n, null=0); a.numpy_of(pc.is_null(s)); a.from_numpy([1], pa.uint64())\n"
        "pc.equal(s, a.strings(['x', 'y', 'z'])); a.validity([True])\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
