"""The ``smscodec`` command line: ``count``, ``split`` and ``analyze``.

``count TEXT`` and ``split TEXT`` show one message; ``analyze FILE`` streams a file of
messages (one per line, CSV with ``--column``, Parquet when pyarrow is installed, ``-``
for stdin) in chunks through the batch API and reports parts, encodings, cost, the
characters that forced UCS-2 and what smart encoding and national language tables would
save.  ``--json`` prints the same as JSON.  Bad input (a missing file or column, an
unreadable file) is one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from . import batch
from .errors import SmsCodecError
from .segments import analyze, split

__all__ = ["main"]

# Messages per batch call: large enough to amortise the call, small enough for a smooth
# progress bar and bounded memory on multi-gigabyte files.
CHUNK = 50_000
# Files smaller than this finish before a progress bar would be worth drawing.
PROGRESS_MIN_BYTES = 4 * 1024 * 1024


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


def _price(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a decimal price: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"price must be a finite, non-negative decimal: {text!r}")
    return value


def _languages(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _hex(text: str) -> bytes:
    from .hexbody import from_hex

    try:
        return from_hex(text)
    except SmsCodecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "encoding": args.encoding,
        "reference_bits": args.reference_bits,
        "smart": args.smart,
        "languages": args.languages,
    }


# --- count / split -----------------------------------------------------------------------


def _cmd_count(args: argparse.Namespace, out: IO[str]) -> int:
    info = analyze(args.text, udh=args.udh, **_options(args))
    unit = "septets" if info.encoding == "gsm7" else "UTF-16 units"
    record = {
        "segments": info.segments,
        "encoding": info.encoding,
        "units": info.units,
        "per_segment": info.per_segment,
        "remaining": info.remaining,
        "non_gsm7": list(info.non_gsm7),
        "locking_shift": info.locking_shift,
        "single_shift": info.single_shift,
        "text": info.text,
    }
    if args.json:
        json.dump(record, out, ensure_ascii=False)
        out.write("\n")
        return 0
    out.write(f"encoding      {info.encoding}\n")
    out.write(f"segments      {info.segments}\n")
    out.write(f"units         {info.units} {unit}\n")
    out.write(f"per segment   {info.per_segment}\n")
    out.write(f"remaining     {info.remaining}\n")
    if info.locking_shift or info.single_shift:
        out.write(f"shift tables  locking {info.locking_shift}, single {info.single_shift}\n")
    if info.non_gsm7:
        chars = ", ".join(_describe(ch) for ch in info.non_gsm7)
        out.write(f"forced UCS-2  {chars}\n")
    if info.text != args.text:
        out.write(f"sent as       {info.text!r}\n")
    return 0


def _cmd_split(args: argparse.Namespace, out: IO[str]) -> int:
    parts = split(args.text, udh=args.udh, reference=args.reference, **_options(args))
    records = [
        {"text": p.text, "udh": p.udh.hex(), "payload": p.payload.hex(), "units": p.units} for p in parts
    ]
    if args.json:
        json.dump(records, out, ensure_ascii=False)
        out.write("\n")
        return 0
    for number, rec in enumerate(records, 1):
        udh = rec["udh"] or "-"
        out.write(f"part {number}/{len(records)}  units {rec['units']}  udh {udh}\n")
        out.write(f"  text     {rec['text']!r}\n")
        out.write(f"  payload  {rec['payload']}\n")
    return 0


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {ch!r}" + (f" {name}" if name else "")


# --- analyze -----------------------------------------------------------------------------


def _open_text(path: str) -> IO[str]:
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="strict", newline="")
    try:
        return open(path, encoding="utf-8", newline="")
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise CliError(f"is a directory, not a file: {path}") from None
    except PermissionError:
        raise CliError(f"permission denied: {path}") from None


def _detect_format(path: str, requested: str) -> str:
    if requested != "auto":
        return requested
    lower = path.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    return "lines"


class _Progress:
    """A one-line progress bar on stderr, drawn only for long inputs on a terminal."""

    def __init__(self, total_bytes: int | None, enabled: bool) -> None:
        self.total = total_bytes
        self.enabled = enabled and bool(total_bytes) and (total_bytes or 0) >= PROGRESS_MIN_BYTES
        self.started = time.monotonic()
        self.drawn = False

    def update(self, done_bytes: int, messages: int) -> None:
        if not self.enabled or not self.total:
            return
        fraction = min(1.0, done_bytes / self.total)
        width = 30
        filled = int(fraction * width)
        rate = messages / max(time.monotonic() - self.started, 1e-9)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {fraction:6.1%}  {messages:,} messages  {rate:,.0f}/s")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _chunks_lines(stream: IO[str], progress: _Progress) -> Iterator[list[str]]:
    chunk: list[str] = []
    done = 0
    count = 0
    for line in stream:
        done += len(line.encode("utf-8")) if progress.enabled else 0
        text = line.rstrip("\r\n")
        chunk.append(text)
        if len(chunk) >= CHUNK:
            count += len(chunk)
            progress.update(done, count)
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _chunks_csv(stream: IO[str], column: str, progress: _Progress) -> Iterator[list[str]]:
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise CliError("the CSV file is empty (no header row)") from None
    except csv.Error as exc:
        raise CliError(f"unreadable CSV: {exc}") from None
    if column not in header:
        raise CliError(f"no column {column!r} in the CSV header (columns: {', '.join(header)})")
    index = header.index(column)
    chunk: list[str] = []
    count = 0
    try:
        for row_number, row in enumerate(reader, 2):
            if not row:
                continue
            if index >= len(row):
                raise CliError(f"CSV row {row_number} has no {column!r} field")
            chunk.append(row[index])
            if len(chunk) >= CHUNK:
                count += len(chunk)
                progress.update(stream.tell() if stream.seekable() else 0, count)
                yield chunk
                chunk = []
    except csv.Error as exc:
        raise CliError(f"unreadable CSV: {exc}") from None
    if chunk:
        yield chunk


def _chunks_parquet(path: str, column: str) -> Iterator[Any]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise CliError("reading Parquet needs pyarrow: pip install 'smscodec[arrow]'") from None
    try:
        pfile = pq.ParquetFile(path)
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except Exception as exc:  # pyarrow raises its own exception types for unreadable files
        raise CliError(f"unreadable Parquet file {path}: {exc}") from None
    if column not in pfile.schema_arrow.names:
        names = ", ".join(pfile.schema_arrow.names)
        raise CliError(f"no column {column!r} in the Parquet file (columns: {names})")
    for record_batch in pfile.iter_batches(batch_size=CHUNK, columns=[column]):
        yield record_batch.column(0)


@dataclass
class _Report:
    """Totals accumulated chunk by chunk."""

    messages: int = 0
    segments: int = 0
    gsm7: int = 0
    ucs2: int = 0
    missing: int = 0
    histogram: Counter[int] = field(default_factory=Counter)
    plain_segments: int = 0
    smart_segments: int = 0
    language_segments: int = 0
    both_segments: int = 0
    # char -> [messages it appears in, parts it cost]
    forcing: dict[str, list[int]] = field(default_factory=dict)


def _text_at(chunk: Any, index: int) -> str | None:
    if isinstance(chunk, list):
        return chunk[index]  # type: ignore[no-any-return]
    return chunk[index].as_py()  # type: ignore[no-any-return]  # one Arrow scalar


def _accumulate(report: _Report, chunk: Any, args: argparse.Namespace) -> None:
    plain = {"encoding": args.encoding, "reference_bits": args.reference_bits, "threads": args.threads}
    plain_result = batch.analyze(chunk, **plain)
    if args.smart or args.languages:
        result = batch.analyze(chunk, threads=args.threads, **_options(args))
    else:
        result = plain_result
    segments = result["segments"]
    report.messages += len(segments)
    report.segments += int(segments.sum())
    report.ucs2 += int((result["encoding"] == 1).sum())
    report.histogram.update(int(s) for s in segments)
    # A missing value (an empty CSV field is "", not missing) is the only thing counted 0 parts.
    missing = int((plain_result["segments"] == 0).sum())
    report.missing += missing
    report.histogram[0] -= missing
    if report.histogram[0] <= 0:
        del report.histogram[0]
    report.gsm7 = report.messages - report.ucs2 - report.missing
    report.plain_segments += int(plain_result["segments"].sum())
    report.smart_segments += int(batch.count_segments(chunk, smart=True, **plain).sum())
    if args.languages:
        report.language_segments += int(batch.count_segments(chunk, languages=args.languages, **plain).sum())
        both = batch.count_segments(chunk, smart=True, languages=args.languages, **plain)
        report.both_segments += int(both.sum())
    # The characters that forced UCS-2, and the parts each cost: a message's extra parts
    # (its UCS-2 count minus its count with those characters made GSM-7) are charged to
    # every such character in it.  Only the UCS-2 messages are looked at one by one.
    if args.encoding != "auto":
        return
    for i in (plain_result["encoding"] == 1).nonzero()[0]:
        text = _text_at(chunk, int(i))
        if text is None:
            continue
        info = analyze(text, reference_bits=args.reference_bits)
        forcing = set(info.non_gsm7)
        as_gsm = "".join("?" if ch in forcing else ch for ch in text)
        extra = info.segments - analyze(as_gsm, reference_bits=args.reference_bits).segments
        for ch in info.non_gsm7:
            entry = report.forcing.setdefault(ch, [0, 0])
            entry[0] += 1
            entry[1] += extra


def _money(parts: int, price: Decimal | None) -> str | None:
    return None if price is None else str(parts * price)


def _report_record(report: _Report, args: argparse.Namespace) -> dict[str, Any]:
    price: Decimal | None = args.price
    ranked = sorted(report.forcing.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    record: dict[str, Any] = {
        "messages": report.messages,
        "segments": report.segments,
        "gsm7": report.gsm7,
        "ucs2": report.ucs2,
        "missing": report.missing,
        "ucs2_share": (report.ucs2 / report.messages) if report.messages else 0.0,
        "histogram": {str(k): report.histogram[k] for k in sorted(report.histogram)},
        "forcing_chars": [
            {
                "char": ch,
                "codepoint": f"U+{ord(ch):04X}",
                "name": unicodedata.name(ch, ""),
                "messages": messages,
                "parts": parts,
            }
            for ch, (messages, parts) in ranked[: args.top]
        ],
        "savings": {
            "smart": {
                "segments": report.plain_segments - report.smart_segments,
                "cost": _money(report.plain_segments - report.smart_segments, price),
            }
        },
    }
    if args.languages:
        record["savings"]["languages"] = {
            "languages": list(args.languages),
            "segments": report.plain_segments - report.language_segments,
            "cost": _money(report.plain_segments - report.language_segments, price),
        }
        record["savings"]["smart_and_languages"] = {
            "segments": report.plain_segments - report.both_segments,
            "cost": _money(report.plain_segments - report.both_segments, price),
        }
    if price is not None:
        record["price_per_segment"] = str(price)
        record["cost"] = str(report.segments * price)
    return record


def _print_report(record: dict[str, Any], out: IO[str]) -> None:
    messages = record["messages"]
    out.write(f"messages        {messages:,}\n")
    out.write(f"parts           {record['segments']:,}")
    if messages:
        out.write(f"  ({record['segments'] / messages:.2f} per message)")
    out.write("\n")
    out.write(f"GSM-7           {record['gsm7']:,}\n")
    out.write(f"UCS-2           {record['ucs2']:,}  ({record['ucs2_share']:.1%} of messages)\n")
    if record["missing"]:
        out.write(f"missing         {record['missing']:,}\n")
    if "cost" in record:
        out.write(f"cost            {record['cost']}  at {record['price_per_segment']} per part\n")
    out.write("\nparts per message\n")
    width = max((len(k) for k in record["histogram"]), default=1)
    most = max(record["histogram"].values(), default=1)
    for parts, n in record["histogram"].items():
        bar = "#" * max(1, round(40 * n / most)) if n else ""
        out.write(f"  {parts:>{width}}  {n:>8,}  {bar}\n")
    if record["forcing_chars"]:
        out.write("\ncharacters that forced UCS-2, by the parts they cost\n")
        for item in record["forcing_chars"]:
            label = f"{item['codepoint']} {item['char']!r} {item['name']}".rstrip()
            out.write(f"  {label:<48} {item['parts']:>8,} parts  {item['messages']:>7,} messages\n")
    out.write("\nsavings\n")
    for name, saving in record["savings"].items():
        label = {"smart": "--smart", "languages": "--languages", "smart_and_languages": "both"}[name]
        money = f"  ({saving['cost']})" if saving.get("cost") is not None else ""
        out.write(f"  {label:<12} {saving['segments']:>8,} parts{money}\n")


def _cmd_analyze(args: argparse.Namespace, out: IO[str]) -> int:
    fmt = _detect_format(args.file, args.format)
    report = _Report()
    if fmt == "parquet":
        if args.file == "-":
            raise CliError("Parquet cannot be read from stdin; give a file name")
        for chunk in _chunks_parquet(args.file, args.column):
            _accumulate(report, chunk, args)
    else:
        size = None if args.file == "-" else _file_size(args.file)
        progress = _Progress(size, enabled=args.progress and sys.stderr.isatty())
        stream = _open_text(args.file)
        try:
            chunks = (
                _chunks_csv(stream, args.column, progress)
                if fmt == "csv"
                else _chunks_lines(stream, progress)
            )
            for chunk in chunks:
                _accumulate(report, chunk, args)
        except UnicodeDecodeError as exc:
            raise CliError(f"{args.file} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
        finally:
            progress.close()
            if args.file != "-":
                stream.close()
    record = _report_record(report, args)
    if args.json:
        json.dump(record, out, ensure_ascii=False)
        out.write("\n")
    else:
        _print_report(record, out)
    return 0


def _file_size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None  # _open_text reports the problem


# --- parser ------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="smscodec",
        description="Count, split and analyze SMS messages: GSM-7 / UCS-2, parts, cost.",
    )
    parser.add_argument("--version", action="version", version=f"smscodec {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON instead of a table")
    common.add_argument(
        "--encoding",
        choices=["auto", "gsm7", "ucs2"],
        default="auto",
        help="force an encoding (default: auto)",
    )
    common.add_argument(
        "--smart", action="store_true", help="replace look-alike characters by GSM-7 ones first"
    )
    common.add_argument(
        "--languages",
        type=_languages,
        default=(),
        metavar="LANG[,LANG]",
        help="national language tables the route supports (e.g. turkish,hindi)",
    )
    common.add_argument(
        "--reference-bits", type=int, choices=[8, 16], default=8, help="concatenation reference size"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    count = sub.add_parser("count", parents=[common], help="parts, encoding and units of one message")
    count.add_argument("text")
    count.add_argument("--udh", type=_hex, default=b"", help="your own user data header, hex, UDHL first")

    split_cmd = sub.add_parser("split", parents=[common], help="the parts of one message, with headers")
    split_cmd.add_argument("text")
    split_cmd.add_argument("--udh", type=_hex, default=b"", help="your own user data header, hex, UDHL first")
    split_cmd.add_argument(
        "--reference", type=int, default=None, help="concatenation reference (default: next)"
    )

    an = sub.add_parser("analyze", parents=[common], help="report on a file of messages")
    an.add_argument("file", help="messages: one per line, .csv, or .parquet; '-' for stdin")
    an.add_argument(
        "--column", default="text", help="the message column of a CSV/Parquet file (default: text)"
    )
    an.add_argument("--format", choices=["auto", "lines", "csv", "parquet"], default="auto")
    an.add_argument("--price", type=_price, default=None, help="price per part, for the cost (a decimal)")
    an.add_argument("--top", type=int, default=15, help="how many UCS-2 forcing characters to list")
    an.add_argument("--threads", type=int, default=None, help="threads for counting (default: 1)")
    an.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 a message the library refused, 2 bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    out = sys.stdout
    handlers = {"count": _cmd_count, "split": _cmd_split, "analyze": _cmd_analyze}
    try:
        return handlers[args.command](args, out)
    except CliError as exc:
        print(f"smscodec: error: {exc}", file=sys.stderr)
        return 2
    except SmsCodecError as exc:
        print(f"smscodec: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `smscodec analyze big.csv | head`
        sys.stderr.close()
        return 0
