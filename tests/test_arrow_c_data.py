"""smscodec._arrow_c_data: importing and exporting Arrow C data structs through PyCapsules.

Lifetimes first: every struct a producer hands over is released exactly once (by the
consumer that moved it, or by the capsule that still holds it), on error paths too;
buffer views keep their memory alive; a stream's chunks are released group by group.
Then the export (:class:`ArrowColumn`) as pyarrow, polars and nanoarrow read it, the
import without pyarrow installed, and leaks over many calls.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import tracemalloc
from collections.abc import Callable, Iterator

import numpy as np
import pytest

import _arrow_producer as producer
from smscodec import _arrow_c_data, _arrow_sources, batch
from smscodec.errors import DecodeError


@pytest.fixture
def releases() -> Iterator[Callable[[], dict[str, int]]]:
    """Release calls since the test started, after a garbage collection."""
    gc.collect()
    before = dict(producer.RELEASES)

    def since() -> dict[str, int]:
        gc.collect()
        return {k: v - before.get(k, 0) for k, v in producer.RELEASES.items() if v - before.get(k, 0)}

    return since


def test_an_array_is_released_once(releases: Callable[[], dict[str, int]]) -> None:
    array = producer.Array(producer.utf8([b"hello", None, b"x" * 200], offset=2))
    assert batch.count_segments(array).tolist() == [1, 0, 2]
    assert releases() == {"schema": 1, "array": 1}
    assert batch.analyze(array, threads=2)["segments"].tolist() == [1, 0, 2]
    assert releases() == {"schema": 2, "array": 2}


def test_a_dictionary_and_a_table_are_released_once_with_their_children(
    releases: Callable[[], dict[str, int]],
) -> None:
    values = producer.views([b"zero", b"one" * 10])
    batch.count_segments(producer.Array(producer.dictionary([1, 0, None], values)))
    batch.count_segments(producer.Array(producer.table(producer.utf8([b"a", b"b"]))))
    assert releases() == {"schema": 2, "array": 2}


def test_malformed_arrays_are_released_too(releases: Callable[[], dict[str, int]]) -> None:
    bad = producer.Spec("u", 2, [None, b"\0\0\0\0\x09\0\0\0\x02\0\0\0", b"ab"])
    with pytest.raises(DecodeError, match="fall outside"):
        batch.count_segments(producer.Array(bad))
    with pytest.raises(DecodeError, match="not valid UTF-8"):
        batch.count_segments(producer.Array(producer.utf8([b"\xff"])))
    with pytest.raises(TypeError, match="is a int"):
        batch.count_segments(producer.Array(producer.Spec("i", 1, [None, bytes(4)])))
    assert releases() == {"schema": 3, "array": 3}


def test_a_stream_and_each_of_its_arrays_are_released_once(releases: Callable[[], dict[str, int]]) -> None:
    stream = producer.Stream([producer.utf8([b"a", b"b" * 300]), producer.utf8([]), producer.utf8([None])])
    assert batch.count_segments(stream).tolist() == [1, 2, 0]
    # The schema once (get_schema), each chunk once, the stream once.
    assert releases() == {"schema": 1, "array": 3, "stream": 1}


def test_a_failing_stream_is_released_once(releases: Callable[[], dict[str, int]]) -> None:
    stream = producer.Stream([producer.utf8([b"a"]), producer.utf8([b"b"]), producer.utf8([b"c"])], fail_at=2)
    with pytest.raises(batch.ArgumentError, match="the Arrow stream failed"):
        batch.count_segments(stream)
    assert releases() == {"schema": 1, "array": 2, "stream": 1}


def test_a_stream_is_counted_and_released_a_group_at_a_time(
    releases: Callable[[], dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_arrow_sources, "GROUP", 4)
    chunks = [producer.utf8([b"m%d" % i] * 2) for i in range(6)]  # 12 messages, groups of 4
    stream = producer.Stream(chunks)
    assert batch.count_segments(stream).tolist() == [1] * 12
    # Chunks 0-1 (a group) are counted and released before chunk 2 is asked for, and so
    # on: the 7th get_next (the end of the stream) comes after 3 groups of 2.
    base = stream.released_at_next[0]
    assert [n - base for n in stream.released_at_next] == [0, 0, 2, 2, 4, 4, 6]
    assert releases() == {"schema": 1, "array": 6, "stream": 1}


def test_buffers_keep_the_array_alive(releases: Callable[[], dict[str, int]]) -> None:
    schema, node = _arrow_c_data.import_array(producer.Array(producer.utf8([b"abc", b"de"], offset=1)))
    assert (schema.format, schema.name, schema.flags) == ("u", "text", _arrow_c_data.FLAG_NULLABLE)
    offsets, data = _arrow_c_data.offsets_and_data(node, 4)
    view = np.asarray(data)
    del node, offsets, data
    gc.collect()
    assert releases() == {"schema": 1}  # the array lives on in the view's base
    assert bytes(view) == b"<lead>abcde"
    del view
    assert releases() == {"schema": 1, "array": 1}


def test_a_consumed_capsule_cannot_be_imported_again() -> None:
    pa = pytest.importorskip("pyarrow")
    capsules = pa.array(["a"]).__arrow_c_array__()

    class Twice:
        def __arrow_c_array__(self, requested_schema: object = None) -> tuple[object, object]:
            return capsules

    assert batch.count_segments(Twice()).tolist() == [1]
    with pytest.raises(TypeError, match="released struct"):
        batch.count_segments(Twice())


def test_wrong_capsules_are_type_errors() -> None:
    pa = pytest.importorskip("pyarrow")

    class Swapped:
        def __arrow_c_array__(self, requested_schema: object = None) -> tuple[object, object]:
            schema, array = pa.array(["a"]).__arrow_c_array__()
            return array, schema

    class NotAPair:
        def __arrow_c_array__(self, requested_schema: object = None) -> object:
            return "no"

    class NotAStream:
        def __arrow_c_stream__(self, requested_schema: object = None) -> object:
            return pa.array(["a"]).__arrow_c_array__()[0]

    with pytest.raises(TypeError, match="not an 'arrow_schema' PyCapsule"):
        batch.count_segments(Swapped())
    with pytest.raises(TypeError, match="not a pair of PyCapsules"):
        batch.count_segments(NotAPair())
    with pytest.raises(TypeError, match="not an 'arrow_array_stream' PyCapsule"):
        batch.count_segments(NotAStream())


def test_nested_schemas_are_parsed() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"t": pa.array(["a", "b"]).dictionary_encode()})
    stream = _arrow_c_data.import_stream(table)
    schema = stream.schema
    assert schema.format == "+s"
    (column,) = schema.children
    assert (column.format, column.name) == ("i", "t")
    assert column.dictionary is not None
    assert column.dictionary.format == "u"
    nodes = list(stream)
    assert [node.length for node in nodes] == [2]
    assert nodes[0].children[0].dictionary is not None
    assert nodes[0].children[0].dictionary.length == 2
    assert "dictionary" in repr(column)


def test_a_schema_without_format_is_a_decode_error() -> None:
    capsules = producer.Array(producer.utf8([b"a"])).__arrow_c_array__()
    ctypes_schema = _arrow_c_data.ArrowSchema.from_address(
        _arrow_c_data._capsule_pointer(capsules[0], b"arrow_schema")
    )
    ctypes_schema.format = None

    class Broken:
        def __arrow_c_array__(self, requested_schema: object = None) -> tuple[object, object]:
            return capsules

    with pytest.raises(DecodeError, match="no format string"):
        batch.count_segments(Broken())


# --- export ---------------------------------------------------------------------------------


def test_arrow_column_is_read_by_every_consumer(releases: Callable[[], dict[str, int]]) -> None:
    values = np.array([1, 0, 2, 7], dtype=np.int32)
    column = _arrow_c_data.ArrowColumn(values, "segments")
    assert len(column) == 4
    assert np.asarray(column) is values
    assert np.asarray(column, dtype=np.int64).dtype == np.int64
    assert "segments" in repr(column)
    exported = len(_arrow_c_data._EXPORTED)
    pa = pytest.importorskip("pyarrow")
    arrow = pa.array(column)
    assert arrow.type == pa.int32()
    assert arrow.to_pylist() == [1, 0, 2, 7]
    assert arrow.buffers()[1].address == values.ctypes.data  # no copy
    polars = pytest.importorskip("polars")
    series = polars.Series(column)
    assert series.dtype == polars.Int32
    assert series.to_list() == [1, 0, 2, 7]
    nanoarrow = pytest.importorskip("nanoarrow")
    assert list(nanoarrow.Array(column).to_pylist()) == [1, 0, 2, 7]
    del arrow, series
    gc.collect()
    # Every struct handed out was released by its consumer (or its capsule).
    assert len(_arrow_c_data._EXPORTED) == exported
    unused = column.__arrow_c_array__()
    del unused
    gc.collect()
    assert len(_arrow_c_data._EXPORTED) == exported
    assert not _arrow_c_data._IN_CAPSULES


def test_arrow_column_keeps_its_values_alive() -> None:
    pa = pytest.importorskip("pyarrow")
    arrow = pa.array(_arrow_c_data.ArrowColumn(np.arange(1000, dtype=np.int32)))
    gc.collect()
    assert arrow.to_pylist() == list(range(1000))


def test_arrow_column_refuses_what_arrow_cannot_hold() -> None:
    with pytest.raises(TypeError, match="cannot export"):
        _arrow_c_data.ArrowColumn(np.zeros((2, 2), np.int32))
    with pytest.raises(TypeError, match="cannot export"):
        _arrow_c_data.ArrowColumn(np.arange(10, dtype=np.int32)[::2])
    with pytest.raises(TypeError, match="cannot export"):
        _arrow_c_data.ArrowColumn(np.array(["a"]))


# --- without pyarrow ------------------------------------------------------------------------


def test_capsules_are_read_without_pyarrow() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["pyarrow"] = None  # any import of pyarrow fails
        import _arrow_producer as producer
        from smscodec import batch
        print(batch.count_segments(producer.Array(producer.views([b"a", None, b"x" * 200]))).tolist())
        try:
            import nanoarrow as na
        except ImportError:
            print([1, 2])
        else:
            print(batch.count_segments(na.Array(["a", "b" * 161], na.string())).tolist())
        try:
            import polars as pl
        except ImportError:
            print([2])
        else:
            print(batch.count_segments(pl.Series(["ж" * 71])).tolist())
        column = batch.count_segments(["a"], output="arrow")
        print(len(column), sys.modules["pyarrow"])
        """
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.path.dirname(__file__) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.split("\n")[:4] == ["[1, 0, 2]", "[1, 2]", "[2]", "1 None"]


# --- leaks ----------------------------------------------------------------------------------

CALLS = int(os.environ.get("SMSCODEC_LEAK_CALLS", "20000")) // 10
TRACED_LIMIT = 64 * 1024
RSS_LIMIT = 8 * 1024 * 1024


def _rss() -> int | None:
    if "libasan" in os.environ.get("LD_PRELOAD", "") or os.environ.get("SMSCODEC_SANITIZED", "") not in (
        "",
        "0",
    ):
        return None
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _inputs() -> dict[str, Callable[[], object]]:
    pa = pytest.importorskip("pyarrow")
    texts = ["Hello " * 30, None, "Привет 😀 " * 20, "x"]
    plain, views = pa.array(texts), pa.array(texts, pa.string_view())
    chunked = pa.chunked_array([texts, texts[:2]])
    table = pa.table({"text": chunked})
    cases: dict[str, Callable[[], object]] = {
        "pyarrow": lambda: batch.count_segments(plain),
        "pyarrow views": lambda: batch.analyze(views, smart=True),
        "pyarrow chunked": lambda: batch.count_segments(chunked),
        "pyarrow dictionary": lambda: batch.count_segments(plain.dictionary_encode()),
        "pyarrow table": lambda: batch.count_segments(table),
        "export": lambda: pa.array(batch.count_segments(plain, output="arrow")),
        "malformed": lambda: _raises(lambda: batch.count_segments(producer.Array(producer.utf8([b"\xff"])))),
    }
    try:
        import polars as pl
    except ImportError:
        pass
    else:
        series = pl.Series(texts)
        cases["polars"] = lambda: batch.count_segments(series)
    return cases


def _raises(call: Callable[[], object]) -> None:
    try:
        call()
    except DecodeError:
        return
    raise AssertionError("expected a DecodeError")


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        "pyarrow",
        "pyarrow views",
        "pyarrow chunked",
        "pyarrow dictionary",
        "pyarrow table",
        "export",
        "malformed",
        "polars",
    ],
)
def test_capsule_inputs_do_not_leak(case: str) -> None:
    cases = _inputs()
    if case not in cases:
        pytest.skip(f"{case} is not installed")
    call = cases[case]
    for _ in range(CALLS // 10):  # warm-up: caches, interned strings, arenas
        call()
    gc.collect()
    rss_before = _rss()
    tracemalloc.start()
    try:
        traced_before = tracemalloc.get_traced_memory()[0]
        for _ in range(CALLS):
            call()
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0] - traced_before
    finally:
        tracemalloc.stop()
    rss_after = _rss()
    assert traced < TRACED_LIMIT, f"{traced} bytes of Python objects left after {CALLS} calls"
    if rss_before is not None and rss_after is not None:
        assert rss_after - rss_before < RSS_LIMIT, f"resident memory grew by {rss_after - rss_before} bytes"
    assert not _arrow_c_data._IN_CAPSULES
