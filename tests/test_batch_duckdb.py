"""smscodec.batch over DuckDB query results, through the Arrow PyCapsule interface.

A DuckDB relation exports its result as a stream of record batches of one struct per
row (a table); ``.arrow()``, ``to_arrow_table()``, ``to_arrow_reader()`` and
``fetch_record_batch()`` give pyarrow's readers and tables over the same batches.  The
text column of each must count as the scalar API does, message by message, NULLs
included, whatever DuckDB's string layout (``string``, or ``large_string`` with
``arrow_large_buffer_size``), and a lazy result is read a group of batches at a time.
numpy is the batch extra, so this module sits in conftest's NEEDS_NUMPY.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from smscodec import _arrow_sources, _batch_py, batch
from smscodec.errors import EncodingError

duckdb = pytest.importorskip("duckdb")

# GSM-7, its extension table and ESC, quotes and backslashes (SQL's own escapes), NUL and
# control characters, non-GSM Latin, CJK, emoji with modifiers and flags.
ALPHABET = "aZ0 .'\"\\\n\r\t\x00\x1b\x7f@£$èéÇØ€[]{}^~|ΔΩ’“…\u00a0şİ你好世界😀🐳👍🏽🇫🇷"
texts_st = st.lists(st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=200)), max_size=15)
HOSTILE = [
    "😀",
    "你好世界" * 20,
    "\x1b\\[]{}^~|€",
    "",
    None,
    'It\'s "quoted" \\ back',
    "a\x00b",
    "\r\n\t\x7f",
    "€" * 100,
    "'; DROP TABLE messages; --",
    "👍🏽🇫🇷" * 18,
    "x" * 161,
]


def scalar(texts: list[str | None], **options: Any) -> list[int]:
    return [0 if text is None else smscodec.count_segments(text, **options) for text in texts]


def table(texts: list[str | None]) -> Any:
    """A fresh connection holding ``texts`` as table ``messages(id, text)``, in order."""
    con = duckdb.connect()
    con.execute("CREATE TABLE messages (id INTEGER, text VARCHAR)")
    if texts:
        con.executemany("INSERT INTO messages VALUES (?, ?)", list(enumerate(texts)))
    return con


QUERY = "SELECT text FROM messages ORDER BY id"


def _fetch_record_batch(con: Any) -> Any:
    # Deprecated (for to_arrow_reader) in DuckDB 2; the same reader.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return con.sql(QUERY).fetch_record_batch()


# Each result: a connection -> a DuckDB result of QUERY.
RESULTS: dict[str, Callable[[Any], Any]] = {
    "relation": lambda con: con.sql(QUERY),
    ".arrow()": lambda con: con.sql(QUERY).arrow(),
    "to_arrow_table": lambda con: con.sql(QUERY).to_arrow_table(),
    "to_arrow_reader": lambda con: con.sql(QUERY).to_arrow_reader(4),
    "fetch_record_batch": _fetch_record_batch,
}


@pytest.mark.parametrize("result", sorted(RESULTS))
@given(texts=texts_st, large=st.booleans())
@settings(max_examples=20, deadline=None)
def test_a_text_column_equals_the_scalar_api(result: str, texts: list[str | None], large: bool) -> None:
    con = table(texts)
    con.execute(f"SET arrow_large_buffer_size = {str(large).lower()}")
    want: dict[str, list[int]] = {name: [] for name in ("segments", "units", "remaining", "encoding")}
    for text in texts:
        info = None if text is None else smscodec.analyze(text)
        want["segments"].append(0 if info is None else info.segments)
        want["units"].append(0 if info is None else info.units)
        want["remaining"].append(0 if info is None else info.remaining)
        want["encoding"].append(0 if info is None or info.encoding == "gsm7" else 1)
    got = batch.analyze(RESULTS[result](con))
    assert {key: got[key].tolist() for key in want} == want
    assert batch.count_segments(RESULTS[result](con)).tolist() == want["segments"]


def test_the_layouts_are_what_duckdb_says(kernel: Callable[[str], Any]) -> None:
    # Both string layouts reach the UTF-8 kernel (no conversion), on both twins.
    pa = pytest.importorskip("pyarrow")
    con = table(HOSTILE)
    for large, kind in ((False, pa.string()), (True, pa.large_string())):
        con.execute(f"SET arrow_large_buffer_size = {str(large).lower()}")
        assert con.sql(QUERY).to_arrow_table().schema.field("text").type == kind
        for module in (kernel("batch"), _batch_py):
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(batch, "_kernel", module)
                assert batch.count_segments(con.sql(QUERY)).tolist() == scalar(HOSTILE)


def test_hostile_texts_from_values_a_list_and_a_pandas_frame() -> None:
    want = scalar(HOSTILE)
    assert want == [1, 2, 1, 1, 0, 1, 1, 1, 2, 1, 3, 2]
    con = duckdb.connect()
    # VALUES of SQL literals: quotes doubled, the rest as is (no backslash escapes in
    # DuckDB's strings); a NUL cannot be written in the query text.
    values = [t for t in HOSTILE if t is None or "\x00" not in t]
    rows = ", ".join("(NULL)" if t is None else "('" + t.replace("'", "''") + "')" for t in values)
    assert batch.count_segments(con.sql(f"SELECT * FROM (VALUES {rows}) t(text)")).tolist() == scalar(values)
    # A parameter list, unnested.
    assert (
        batch.count_segments(con.sql("SELECT unnest($1::VARCHAR[]) AS text", params=[HOSTILE])).tolist()
        == want
    )
    # A pandas frame.
    pd = pytest.importorskip("pandas")
    con.register("outbox", pd.DataFrame({"text": HOSTILE, "n": range(len(HOSTILE))}))
    assert batch.count_segments(con.sql("SELECT text FROM outbox ORDER BY n")).tolist() == want
    long = con.sql("SELECT text FROM outbox WHERE text IS NOT NULL AND length(text) > 70 ORDER BY n")
    assert batch.count_segments(long).tolist() == [2, 2, 3, 2]


def test_query_expressions_and_options() -> None:
    con = table(HOSTILE)
    # A computed column: concatenations, NULL propagation, CASE.
    query = (
        "SELECT CASE WHEN id % 3 = 0 THEN NULL ELSE text || ' ' || text END AS doubled "
        "FROM messages ORDER BY id"
    )
    doubled = [None if i % 3 == 0 or t is None else f"{t} {t}" for i, t in enumerate(HOSTILE)]
    assert batch.count_segments(con.sql(query)).tolist() == scalar(doubled)
    for options in ({"smart": True}, {"encoding": "ucs2"}, {"policy": "twilio"}, {"languages": ["turkish"]}):
        assert batch.count_segments(con.sql(QUERY), **options).tolist() == scalar(HOSTILE, **options)
    with pytest.raises(EncodingError, match=r"texts\[0\]: character '😀'"):
        batch.count_segments(con.sql(QUERY), encoding="gsm7")
    assert batch.analyze(con.sql(QUERY), output="arrow")["segments"].to_numpy().tolist() == scalar(HOSTILE)


def test_what_is_not_one_text_column() -> None:
    con = table(["a", "b"])
    with pytest.raises(TypeError, match=r"not an Arrow table of 2 columns \('id', 'text'\)"):
        batch.count_segments(con.sql("SELECT * FROM messages"))
    with pytest.raises(TypeError, match=r"texts\[0\] is a int, not a str"):
        batch.count_segments(con.sql("SELECT id FROM messages"))
    assert batch.count_segments(con.sql("SELECT NULL::VARCHAR AS t FROM messages")).tolist() == [0, 0]
    assert batch.count_segments(con.sql("SELECT text FROM messages WHERE false")).tolist() == []
    # An ENUM column is dictionary-encoded.
    enum = con.sql("SELECT CAST(text AS ENUM('b', 'a')) AS t FROM messages ORDER BY id")
    assert batch.count_segments(enum).tolist() == [1, 1]


def test_a_large_result_is_read_a_group_at_a_time() -> None:
    # DuckDB's batches, passed through a pyarrow reader that notes how many were pulled:
    # the first group is counted before the query's later batches are made.
    pa = pytest.importorskip("pyarrow")
    con = duckdb.connect()
    rows, size = 20_000, 1000
    source = con.sql(
        f"SELECT repeat('€', (i % 90)::INTEGER) AS text FROM range({rows}) r(i)"
    ).to_arrow_reader(size)
    pulled: list[int] = []

    def batches() -> Iterator[Any]:
        for record_batch in source:
            pulled.append(record_batch.num_rows)
            yield record_batch

    reader = pa.RecordBatchReader.from_batches(source.schema, batches())
    counted_after: list[int] = []
    real_count = batch._count

    def count(source: Any, *args: Any) -> Any:
        counted_after.append(len(pulled))
        return real_count(source, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_arrow_sources, "GROUP", 5000)
        patch.setattr(batch, "_count", count)
        got = batch.count_segments(reader)
    assert len(pulled) == rows // size
    # Groups of 5 batches (5,000 messages): each counted as soon as it is read.
    assert counted_after == [5, 10, 15, 20]
    want = np.array(scalar(["€" * (i % 90) for i in range(rows)]), dtype=np.int32)
    np.testing.assert_array_equal(got, want)
