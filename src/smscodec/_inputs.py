"""Reading the messages of ``smscodec analyze``: text files, CSV, Parquet and stdin.

Theory of operation
-------------------
Text inputs (one message per line, or CSV) are read as bytes, in blocks of
:data:`BLOCK` octets cut after their last ``\\n``, and each block is decoded as UTF-8 on
its own.  So

* a decoding error is known exactly: the block's offset in the file plus the error's
  offset in the block, and the line number from the line ends before it;
* nothing asks a text stream for its position (``TextIOWrapper.tell`` refuses while it is
  iterated, which is what broke the progress bar on files of 50,000 rows and more): the
  bytes consumed are counted as they are read, for files and pipes alike;
* a UTF-8 byte order mark at the start of the input is not part of the first message.

Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``, as Python's universal newlines (and
the ``csv`` module, which sees the same lines) count them.  A block always ends with
``\\n`` (but the last), so no ``\\r\\n`` is ever cut in two.

Every :class:`Chunk` carries the file's own number (line or row) of each of its
messages, so an error raised while counting message ``i`` of a chunk can be reported
where the user will look for it: ``line 70,001, column 'text'``.

Parquet files are read a record batch at a time (pyarrow); their messages stay Arrow
arrays, which the batch kernels read in place.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from .errors import CliError

__all__ = [
    "BLOCK",
    "CHUNK",
    "Chunk",
    "Progress",
    "Source",
    "open_source",
    "prefetch",
]

#: Messages per chunk: large enough to amortise a batch call, small enough for a smooth
#: progress bar and bounded memory on multi-gigabyte files.
CHUNK = 50_000
#: The most rows of a Parquet batch (about 40 MB of text for the benchmark corpus): the
#: memory a chunk takes stays bounded whatever row groups the writer chose.
MAX_PARQUET_BATCH = 262_144
#: Octets read and decoded at a time from a text input.
BLOCK = 1 << 22
#: Inputs smaller than this finish before a progress bar is worth drawing.
PROGRESS_MIN_BYTES = 4 * 1024 * 1024
#: Parquet files with fewer rows than this get no progress bar either.
PROGRESS_MIN_ROWS = 200_000
#: Redraw the bar at most this often (seconds).
PROGRESS_INTERVAL = 0.1


@dataclass
class Chunk:
    """Consecutive messages of the input.

    Attributes:
        texts: the messages: a list of ``str``, or a pyarrow Array of strings.
        numbers: the file's own number of each message: its line (text, CSV) or its row
            (Parquet, counting from 1).
        unit: ``"line"`` or ``"row"``.
        column: the column the messages come from (None for one message per line).
        done: octets (text) or rows (Parquet) of the input consumed so far.
        rows: every input column of these messages, when the source was asked to keep
            them: CSV rows (lists of str), a pyarrow RecordBatch, or None.
        extra: the values of the one other column the source was asked for (``extra=``,
            e.g. ``--to-column``): a list (None where a CSV row is too short) or a pyarrow
            Array; None when not asked for.
    """

    texts: Any
    numbers: Sequence[int]
    unit: str
    column: str | None
    done: int
    rows: Any = None
    extra: Any = None

    def where(self, index: int) -> str:
        """Where message ``index`` of this chunk is, in the input's own words."""
        place = f"{self.unit} {self.numbers[index]:,}"
        return place if self.column is None else f"{place}, column {self.column!r}"


class Source:
    """An opened input: its name, its columns, the total to measure progress against,
    and its chunks (iterate once)."""

    def __init__(
        self,
        name: str,
        chunks: Iterator[Chunk],
        *,
        header: list[str] | None,
        total: int | None,
        unit: str,
        close: Any = None,
    ) -> None:
        self.name = name
        self.header = header
        self.total = total
        self.unit = unit
        self._chunks = chunks
        self._close = close

    def __iter__(self) -> Iterator[Chunk]:
        return self._chunks

    def close(self) -> None:
        """Close the underlying file (never stdin)."""
        if self._close is not None:
            self._close()
            self._close = None


# --- text ---------------------------------------------------------------------------------


def _line_ends(data: bytes) -> int:
    # \r\n is one line end; a lone \r or \n is one too (universal newlines).
    ends = data.count(b"\n")
    if b"\r" in data:
        ends += data.count(b"\r") - data.count(b"\r\n")
    return ends


class _Blocks:
    """UTF-8 text of a binary stream in blocks that end at a line end.

    ``done`` is the number of octets consumed so far.
    """

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self.stream = stream
        self.name = name
        self.done = 0
        self.line = 1  # number of the line that starts the next block

    def __iter__(self) -> Iterator[str]:
        pending = b""
        first = True
        while True:
            data = self.stream.read(BLOCK)
            if data:
                pending += data
                cut = pending.rfind(b"\n") + 1
                if not cut:
                    continue  # one line longer than a block: read on
                block, pending = pending[:cut], pending[cut:]
            else:
                block, pending = pending, b""
                if not block:
                    return
            text = self._decode(block)
            if first:
                first = False
                if text.startswith("\ufeff"):  # a byte order mark is no message text
                    text = text[1:]
            self.done += len(block)
            self.line += _line_ends(block)
            yield text

    def _decode(self, block: bytes) -> str:
        try:
            return block.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = self.line + _line_ends(block[: exc.start])
            raise CliError(
                f"{self.name}: line {line:,} is not UTF-8 text: {exc.reason} "
                f"at byte {self.done + exc.start:,} of the file (0x{block[exc.start]:02X})"
            ) from None


def _line_chunks(blocks: _Blocks) -> Iterator[Chunk]:
    line = 1
    for text in blocks:
        # Universal newlines, as Python's text files read them.
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()  # the text after the last line end (the block ends with one)
        for lo in range(0, len(lines), CHUNK):
            part = lines[lo : lo + CHUNK]
            yield Chunk(part, range(line + lo, line + lo + len(part)), "line", None, blocks.done)
        line += len(lines)


def _csv_lines(blocks: _Blocks) -> Iterator[str]:
    # The lines of every block, line ends kept (the csv module needs them inside quotes),
    # split and chained in C.
    return itertools.chain.from_iterable(io.StringIO(text, newline="") for text in blocks)


def _csv_chunks(
    blocks: _Blocks, column: str, keep_rows: bool, extra: str | None = None
) -> tuple[list[str], Iterator[Chunk]]:
    lines = _csv_lines(blocks)
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise CliError(f"{blocks.name}: the CSV file is empty (no header row)") from None
    except csv.Error as exc:
        raise CliError(f"{blocks.name}: line 1: unreadable CSV: {exc}") from None
    if column not in header:
        names = ", ".join(repr(name) for name in header)
        raise CliError(f"{blocks.name}: no column {column!r} in the CSV header (columns: {names})")
    index = header.index(column)
    other = header.index(extra) if extra is not None and extra in header else None

    def chunks() -> Iterator[Chunk]:
        texts: list[str] = []
        numbers: list[int] = []
        rows: list[list[str]] = []
        values: list[str | None] = []
        last = reader.line_num  # the line that ended the previous record
        try:
            for row in reader:
                start, last = last + 1, reader.line_num
                if not row:
                    continue  # a blank line is no record
                if index >= len(row):
                    raise CliError(
                        f"{blocks.name}: line {start:,} has {len(row)} fields, no {column!r} "
                        f"(field {index + 1} of the header)"
                    )
                texts.append(row[index])
                numbers.append(start)
                if keep_rows:
                    rows.append(row)
                if other is not None:
                    values.append(row[other] if other < len(row) else None)
                if len(texts) >= CHUNK:
                    yield Chunk(
                        texts,
                        numbers,
                        "line",
                        column,
                        blocks.done,
                        rows if keep_rows else None,
                        values if other is not None else None,
                    )
                    texts, numbers, rows, values = [], [], [], []
        except csv.Error as exc:
            raise CliError(f"{blocks.name}: line {reader.line_num:,}: unreadable CSV: {exc}") from None
        if texts:
            yield Chunk(
                texts,
                numbers,
                "line",
                column,
                blocks.done,
                rows if keep_rows else None,
                values if other is not None else None,
            )

    return header, chunks()


def _open_binary(path: str) -> IO[bytes]:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise CliError(f"is a directory, not a file: {path}") from None
    except PermissionError:
        raise CliError(f"permission denied: {path}") from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None


# --- Parquet ------------------------------------------------------------------------------


def _arrow_kind(kind: Any) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or getattr(pa.types, "is_string_view", lambda _: False)(kind)
        or pa.types.is_null(kind)
    )


def _parquet(path: str, column: str, keep_rows: bool, extra: str | None = None) -> Source:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise CliError("reading Parquet needs pyarrow: pip install 'smscodec[arrow]'") from None
    if path == "-":
        raise CliError("Parquet cannot be read from stdin (it needs a seekable file); give a file name")
    if os.path.isdir(path):
        raise CliError(f"is a directory, not a file: {path}")
    if not os.path.exists(path):
        raise CliError(f"no such file: {path}")
    try:
        # pre_buffer off: with it, pyarrow keeps the coalesced reads of every row group
        # read so far until the file is closed, so memory grew with the file (measured on
        # 2,000,000 rows: 98 MiB of Arrow memory held after 16 groups, 3 MiB without; the
        # same speed from a local file).
        pfile = pq.ParquetFile(path, pre_buffer=False)
    except (OSError, pa.ArrowException) as exc:
        raise CliError(f"unreadable Parquet file {path}: {exc}") from None
    schema = pfile.schema_arrow
    if column not in schema.names:
        names = ", ".join(repr(name) for name in schema.names)
        raise CliError(f"{path}: no column {column!r} in the Parquet file (columns: {names})")
    kind = schema.field(column).type
    if not _arrow_kind(kind):
        raise CliError(f"{path}: column {column!r} holds {kind}, not text")
    total = pfile.metadata.num_rows

    def chunks() -> Iterator[Chunk]:
        row = 1
        wanted = extra if extra is not None and extra in schema.names and extra != column else None
        columns = None if keep_rows else [column] if wanted is None else [column, wanted]
        # A batch per row group where the file's groups are of a sane size: a batch that
        # straddles two groups costs pyarrow a copy (50,000-row batches over 131,072-row
        # groups read at half the speed here).
        rows = pfile.metadata.row_group(0).num_rows if pfile.metadata.num_row_groups else CHUNK
        batches = pfile.iter_batches(batch_size=min(max(rows, CHUNK), MAX_PARQUET_BATCH), columns=columns)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except (OSError, pa.ArrowException) as exc:
                raise CliError(f"{path}: rows from {row:,} on cannot be read: {exc}") from None
            n = batch.num_rows
            texts = batch.column(batch.schema.get_field_index(column))
            values = None
            if extra is not None and extra in schema.names:
                values = batch.column(batch.schema.get_field_index(extra))
            yield Chunk(
                texts, range(row, row + n), "row", column, row - 1 + n, batch if keep_rows else None, values
            )
            row += n

    return Source(path, chunks(), header=list(schema.names), total=total, unit="rows", close=pfile.close)


# --- opening ------------------------------------------------------------------------------


def detect_format(path: str, requested: str) -> str:
    """The input format: ``requested`` unless ``"auto"``, else by the file name's suffix."""
    if requested != "auto":
        return requested
    lower = path.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    return "lines"


def open_source(
    path: str, fmt: str, column: str, *, keep_rows: bool = False, extra: str | None = None
) -> Source:
    """Open ``path`` (``"-"``: stdin) as ``fmt`` (``"lines"``, ``"csv"``, ``"parquet"``).

    ``extra`` names one more column to read (a CSV or Parquet input's), given as each
    chunk's ``extra`` (a column the input lacks gives None: the caller checks ``header``).

    Raises:
        CliError: a missing or unreadable file, a missing column; later, while iterating,
            text that is not UTF-8 or CSV that cannot be parsed (naming the line).
    """
    if fmt == "parquet":
        return _parquet(path, column, keep_rows, extra)
    if path == "-":
        stream: IO[bytes] = sys.stdin.buffer
        name, total, close = "stdin", None, None
    else:
        stream = _open_binary(path)
        name, close = path, stream.close
        try:
            total = os.fstat(stream.fileno()).st_size
        except OSError:
            total = None
    blocks = _Blocks(stream, name)
    try:
        if fmt == "csv":
            header, chunks = _csv_chunks(blocks, column, keep_rows, extra)
            return Source(name, chunks, header=header, total=total, unit="bytes", close=close)
        return Source(name, _line_chunks(blocks), header=None, total=total, unit="bytes", close=close)
    except BaseException:
        if close is not None:
            close()
        raise


# --- progress -----------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on ``stream`` (stderr), drawn only when it is a terminal.

    With a known total (the file's size, or a Parquet file's rows) it shows a bar and a
    percentage, for inputs of at least :data:`PROGRESS_MIN_BYTES` / :data:`PROGRESS_MIN_ROWS`;
    without one (stdin) it shows the messages so far, once a first chunk is done.  Each
    redraw pads with spaces over what the previous one left, so no characters of an
    older, longer line stay on screen.
    """

    def __init__(self, stream: IO[str], *, total: int | None, unit: str, enabled: bool = True) -> None:
        self.stream = stream
        self.total = total
        small = total is not None and total < (PROGRESS_MIN_ROWS if unit == "rows" else PROGRESS_MIN_BYTES)
        self.enabled = enabled and not small and _isatty(stream)
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.width = 0  # characters on screen after the last draw

    def update(self, done: int, messages: int, *, final: bool = False) -> None:
        """Show ``done`` (octets or rows) of the total and ``messages`` counted so far."""
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self.last_draw < PROGRESS_INTERVAL:
            return
        self.last_draw = now
        rate = messages / max(now - self.started, 1e-9)
        if self.total:
            fraction = min(1.0, done / self.total)
            filled = int(fraction * 30)
            bar = "#" * filled + "-" * (30 - filled)
            line = f"[{bar}] {fraction:6.1%}  {messages:,} messages  {rate:,.0f}/s"
        else:
            line = f"{messages:,} messages  {rate:,.0f}/s"
        self.stream.write("\r" + line + " " * max(0, self.width - len(line)))
        self.stream.flush()
        self.width = len(line)

    def close(self, done: int, messages: int) -> None:
        """Draw the final state and end the line (when anything was drawn)."""
        if self.enabled and self.width:
            self.update(done, messages, final=True)
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or fake stream
        return False


# --- reading ahead ------------------------------------------------------------------------

_DONE = object()


def prefetch(chunks: Iterator[Chunk], depth: int = 2) -> Iterator[Chunk]:
    """``chunks``, read ahead by a thread of its own (up to ``depth`` chunks), so that
    reading and parsing the input overlaps with counting (the kernels release the GIL).

    An error raised while reading is raised here, after the chunks read before it.  When
    the consumer stops early, the reader stops at its next chunk.
    """
    slots: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, in order
            put(exc)

    reader = threading.Thread(target=read, name="smscodec-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        # Unblock a reader waiting on a full queue, then let it finish.
        with contextlib.suppress(queue.Empty):
            while True:
                slots.get_nowait()
        reader.join(timeout=5)
