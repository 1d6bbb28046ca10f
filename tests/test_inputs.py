"""Reading analyze's inputs (smscodec._inputs): blocks, line numbers, CSV records, UTF-8
errors, Parquet row numbers, the progress bar and reading ahead."""

from __future__ import annotations

import csv
import io
import pathlib
import re
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from smscodec import _inputs
from smscodec._inputs import Chunk, Progress, open_source, prefetch
from smscodec.errors import CliError


def read_all(path: pathlib.Path | str, fmt: str, column: str = "text") -> list[Chunk]:
    source = open_source(str(path), fmt, column)
    try:
        return list(source)
    finally:
        source.close()


def messages(chunks: list[Chunk]) -> list[str]:
    return [text for chunk in chunks for text in chunk.texts]


def numbers(chunks: list[Chunk]) -> list[int]:
    return [n for chunk in chunks for n in chunk.numbers]


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 16 octets and chunks of 3 messages, so that a few lines cross both."""
    monkeypatch.setattr(_inputs, "BLOCK", 16)
    monkeypatch.setattr(_inputs, "CHUNK", 3)


# --- one message per line -----------------------------------------------------------------


@pytest.mark.usefixtures("small_blocks")
def test_lines_across_blocks_and_chunks(tmp_path: pathlib.Path) -> None:
    lines = ["first", "", "Grüße – später", "x" * 40, "😀 emoji", "last without end"]
    path = tmp_path / "m.txt"
    path.write_bytes(("\n".join(lines)).encode())
    chunks = read_all(path, "lines")
    assert messages(chunks) == lines
    assert numbers(chunks) == [1, 2, 3, 4, 5, 6]
    assert all(len(chunk.texts) <= 3 for chunk in chunks)
    assert chunks[-1].done == path.stat().st_size


@pytest.mark.usefixtures("small_blocks")
def test_universal_newlines_and_bom(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.txt"
    # A byte order mark, then \r\n, a lone \r, \n; the same split as Python's text files.
    data = "\ufeffone\r\ntwo\rthree\nfour\r\n"
    path.write_bytes(data.encode())
    expected = io.StringIO(data[1:], newline=None).read().split("\n")[:-1]
    assert messages(read_all(path, "lines")) == expected == ["one", "two", "three", "four"]
    assert numbers(read_all(path, "lines")) == [1, 2, 3, 4]


@pytest.mark.usefixtures("small_blocks")
def test_utf8_error_names_its_line_and_byte(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.txt"
    good = "line one\nzwei – drei\n\n" + "x" * 30 + "\n"
    path.write_bytes(good.encode() + b"ok \xff broken\n")
    with pytest.raises(CliError) as exc:
        read_all(path, "lines")
    offset = len(good.encode()) + 3
    assert str(exc.value) == (
        f"{path}: line 5 is not UTF-8 text: invalid start byte at byte {offset} of the file (0xFF)"
    )


def test_truncated_utf8_at_the_end(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.txt"
    path.write_bytes(b"a\nb\n\xe2\x80")  # the first two octets of an en dash
    with pytest.raises(CliError, match=r"line 3 is not UTF-8 text: unexpected end of data at byte 4 "):
        read_all(path, "lines")


def test_missing_file_directory_and_empty_file(tmp_path: pathlib.Path) -> None:
    with pytest.raises(CliError, match="no such file"):
        open_source(str(tmp_path / "nope.txt"), "lines", "text")
    with pytest.raises(CliError, match="is a directory"):
        open_source(str(tmp_path), "lines", "text")
    (tmp_path / "empty.txt").write_bytes(b"")
    assert messages(read_all(tmp_path / "empty.txt", "lines")) == []


# --- CSV ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("small_blocks")
def test_csv_records_keep_their_first_line(tmp_path: pathlib.Path) -> None:
    rows = [
        ["1", "plain"],
        ["2", "two\nlines, and a comma"],
        ["3", 'a "quote"'],
        ["4", "three\r\nline\nrecord"],
        ["5", "after"],
    ]
    path = tmp_path / "m.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerows(rows)
        f.write("\n")  # a blank line is no record
        writer.writerow(["6", "last"])
    chunks = read_all(path, "csv")
    assert messages(chunks) == [row[1] for row in rows] + ["last"]
    # Header on line 1; record 2 spans lines 3-4, record 4 spans 6-8; a blank line 10.
    assert numbers(chunks) == [2, 3, 5, 6, 9, 11]
    assert chunks[0].where(1) == "line 3, column 'text'"


def test_csv_header_errors(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a.csv").write_text("id,body\n1,hi\n", encoding="utf-8")
    with pytest.raises(CliError, match=r"no column 'text' in the CSV header \(columns: 'id', 'body'\)"):
        open_source(str(tmp_path / "a.csv"), "csv", "text")
    (tmp_path / "b.csv").write_bytes(b"")
    with pytest.raises(CliError, match="empty"):
        open_source(str(tmp_path / "b.csv"), "csv", "text")
    # A byte order mark (spreadsheet exports) is not part of the first column's name.
    (tmp_path / "c.csv").write_bytes("\ufeffid,text\n1,hi\n".encode())
    assert messages(read_all(tmp_path / "c.csv", "csv", "id")) == ["1"]


def test_csv_short_row_names_its_line(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("id,kind,text\n1,a,hello\n2,b\n", encoding="utf-8")
    with pytest.raises(CliError) as exc:
        read_all(path, "csv")
    assert str(exc.value) == f"{path}: line 3 has 2 fields, no 'text' (field 3 of the header)"


def test_csv_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "id,text\n1,Olá\n2,hi\n".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    source = open_source("-", "csv", "text")
    assert source.total is None
    assert source.name == "stdin"
    assert messages(list(source)) == ["Olá", "hi"]


# --- Parquet ------------------------------------------------------------------------------


def test_parquet_rows_and_column_checks(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.setattr(_inputs, "CHUNK", 4)
    monkeypatch.setattr(_inputs, "MAX_PARQUET_BATCH", 4)
    path = tmp_path / "m.parquet"
    texts = [f"m{i}" if i % 5 else None for i in range(10)]
    pq.write_table(pa.table({"id": list(range(10)), "text": texts}), path)
    # A batch per row group when the groups are larger than a chunk (up to the cap).
    grouped = tmp_path / "grouped.parquet"
    pq.write_table(pa.table({"id": list(range(10)), "text": texts}), grouped, row_group_size=6)
    monkeypatch.setattr(_inputs, "MAX_PARQUET_BATCH", 100)
    assert [chunk.done for chunk in read_all(grouped, "parquet")] == [6, 10]
    monkeypatch.setattr(_inputs, "MAX_PARQUET_BATCH", 4)
    chunks = read_all(path, "parquet")
    assert [t for chunk in chunks for t in chunk.texts.to_pylist()] == texts
    assert numbers(chunks) == list(range(1, 11))
    assert [chunk.done for chunk in chunks] == [4, 8, 10]
    assert chunks[1].where(2) == "row 7, column 'text'"
    with pytest.raises(CliError, match="column 'id' holds int64, not text"):
        open_source(str(path), "parquet", "id")
    with pytest.raises(CliError, match="no column 'body'"):
        open_source(str(path), "parquet", "body")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(CliError, match="unreadable Parquet file"):
        open_source(str(tmp_path / "bad.parquet"), "parquet", "text")
    with pytest.raises(CliError, match="stdin"):
        open_source("-", "parquet", "text")


# --- progress -----------------------------------------------------------------------------


class Terminal(io.StringIO):
    """A stream that says it is a terminal, and what a terminal would show of it."""

    def isatty(self) -> bool:
        return True

    def screen(self) -> list[str]:
        rows: list[str] = []
        for raw in self.getvalue().split("\n"):
            row: list[str] = []
            for part in raw.split("\r"):
                # \r returns to column 0; the text overwrites what is under it.
                row[: len(part)] = list(part)
            rows.append("".join(row))
        return rows


def test_progress_overwrites_every_character_it_drew(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_inputs, "PROGRESS_INTERVAL", 0.0)
    term = Terminal()
    bar = Progress(term, total=10 * 1024 * 1024, unit="bytes")
    bar.update(1024 * 1024, 97_792)
    bar.started -= 10_000  # the rate falls from millions to a few per second: a shorter line
    bar.update(2 * 1024 * 1024, 100_000)
    bar.close(10 * 1024 * 1024, 120_000)
    screen = term.screen()
    assert screen[-1] == ""
    shown = screen[-2].rstrip(" ")
    assert re.fullmatch(r"\[#{30}\] 100\.0%  120,000 messages  \d+/s", shown), shown


def test_progress_for_stdin_counts_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_inputs, "PROGRESS_INTERVAL", 0.0)
    term = Terminal()
    bar = Progress(term, total=None, unit="bytes")
    bar.update(0, 50_000)
    bar.close(0, 60_000)
    assert re.fullmatch(r"60,000 messages  [\d,]+/s *", term.screen()[-2])


def test_progress_for_parquet_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_inputs, "PROGRESS_INTERVAL", 0.0)
    term = Terminal()
    bar = Progress(term, total=400_000, unit="rows")
    bar.update(100_000, 100_000)
    assert "25.0%" in term.getvalue()
    small = Terminal()
    Progress(small, total=1000, unit="rows").update(500, 500)
    assert small.getvalue() == ""


def test_no_progress_off_a_terminal_or_when_disabled() -> None:
    pipe = io.StringIO()
    bar = Progress(pipe, total=100 * 1024 * 1024, unit="bytes")
    bar.update(50 * 1024 * 1024, 1_000_000)
    bar.close(100 * 1024 * 1024, 2_000_000)
    assert pipe.getvalue() == ""
    term = Terminal()
    bar = Progress(term, total=100 * 1024 * 1024, unit="bytes", enabled=False)
    bar.update(1, 1)
    bar.close(1, 1)
    assert term.getvalue() == ""


# --- reading ahead ------------------------------------------------------------------------


def _chunks(n: int, fail_at: int | None = None) -> Iterator[Chunk]:
    for k in range(n):
        if k == fail_at:
            raise CliError(f"broken at {k}")
        yield Chunk([str(k)], range(k + 1, k + 2), "line", None, k)


def test_prefetch_keeps_order_and_raises_where_reading_failed() -> None:
    assert [chunk.texts[0] for chunk in prefetch(_chunks(20))] == [str(k) for k in range(20)]
    seen: list[str] = []

    def consume() -> None:
        for chunk in prefetch(_chunks(20, fail_at=5)):
            seen.append(chunk.texts[0])

    with pytest.raises(CliError, match="broken at 5"):
        consume()
    assert seen == ["0", "1", "2", "3", "4"]


def test_prefetch_stops_its_reader_when_the_consumer_stops() -> None:
    before = threading.active_count()
    reader: Any = prefetch(_chunks(10_000))
    assert next(reader).texts == ["0"]
    reader.close()
    assert threading.active_count() == before


def test_parquet_reading_holds_no_more_arrow_memory_as_the_file_goes_on(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Streaming means what is held does not grow with the file.
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    groups, rows = 24, 4096
    texts = [f"message {i:07d} " + "x" * (i % 97) for i in range(groups * rows)]
    path = tmp_path / "many-groups.parquet"
    pq.write_table(pa.table({"text": texts}), path, row_group_size=rows, compression="none")
    monkeypatch.setattr(_inputs, "CHUNK", rows)
    before = pa.total_allocated_bytes()  # Arrow memory other tests may still hold
    source = _inputs.open_source(str(path), "parquet", "text")
    held = []
    seen = []
    for chunk in source:
        seen.extend(chunk.texts.to_pylist())
        del chunk
        held.append(pa.total_allocated_bytes() - before)
    source.close()
    assert seen == texts
    assert len(held) == groups
    # A few row groups' worth at a time (about 3 of the 24 here), never the file: with
    # pyarrow's pre-buffering the whole file's column chunks were held (7 MB here).
    assert max(held) < path.stat().st_size // 4, (held, path.stat().st_size)
