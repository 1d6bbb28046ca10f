"""The ``smscodec`` command line: ``count``, ``split``, ``view`` and ``analyze``.

``count TEXT``, ``split TEXT`` and ``view TEXT`` (the segment viewer, coloured on a
terminal; ``--html PATH`` writes it as a page) show one message; ``analyze FILE`` streams a file of
messages (one per line, CSV with ``--column``, Parquet when pyarrow is installed, ``-``
for stdin) in chunks through the batch kernels (``_inputs`` reads, ``_report`` counts)
and reports parts, encodings, cost, the characters that keep messages from GSM-7 (each
with what replacing it alone would save) and what smart encoding and national language
tables save, each saving with what it is compared with.  ``--json`` prints the same as
JSON; ``--output PATH`` also writes every message with its figures (``_outputs``);
``--html PATH`` the report as one self-contained HTML page (:mod:`smscodec.report`);
``--threads N`` counts on N threads and, from 2, reads and writes in threads of their own;
without it, counting takes one thread and a Parquet file is read and ``--output`` written
in threads of their own when the process may use more than one CPU (``--threads 1``: all
in one thread).
The progress bar goes to stderr, and only when stderr is a terminal.

Bad input (a missing file or column, an unreadable file, text that is not UTF-8) is one
line on stderr and exit status 2, never a traceback; a message the library refuses
(``--encoding gsm7`` and a character GSM-7 lacks) is one line naming the file's own line
or row and the column, exit status 1.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from .errors import CliError as CliError  # re-exported: cli.py was its first home
from .errors import EncodingError, SmsCodecError
from .policies import POLICIES
from .segments import analyze, split

__all__ = ["main"]


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
        "policy": args.policy,
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


def _write_html(path: str, page: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as file:
            file.write(page)
    except OSError as exc:
        raise CliError(f"cannot write --html {path}: {exc.strerror or exc}") from None


def _color(choice: str, out: IO[str]) -> bool:
    # https://no-color.org: NO_COLOR set and not empty turns colours off unless asked for.
    if choice != "auto":
        return choice == "always"
    isatty = getattr(out, "isatty", None)
    return bool(isatty is not None and isatty() and not os.environ.get("NO_COLOR"))


def _cmd_view(args: argparse.Namespace, out: IO[str]) -> int:
    import shutil

    from . import report

    options: dict[str, Any] = {
        "udh": args.udh,
        "reference": args.reference,
        "reference_bits": args.reference_bits,
    }
    message: str | bytes = args.text
    if args.binary:
        if args.smart or args.languages or args.encoding != "auto":
            raise CliError("--binary draws 8-bit data: --encoding, --smart and --languages do not apply")
        from .hexbody import from_hex

        try:
            message = from_hex(args.text)
        except SmsCodecError as exc:
            raise CliError(f"--binary takes the data as hex: {exc}") from None
    else:
        options.update(_options(args))
    if args.html is not None:
        _write_html(args.html, report.view_html(message, **options))
    if args.json:
        json.dump(report.view_dict(message, **options), out, ensure_ascii=False)
        out.write("\n")
        return 0
    width = shutil.get_terminal_size().columns
    out.write(report.view_text(message, color=_color(args.color, out), width=width, **options))
    return 0


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {ch!r}" + (f" {name}" if name else "")


# --- analyze -----------------------------------------------------------------------------


def _batch() -> Any:
    """smscodec.batch, which needs numpy (the `cli`/`batch` extra): only `analyze` uses it."""
    try:
        from . import batch
    except ImportError:
        raise CliError("analyze needs numpy, an optional extra: pip install 'smscodec[cli]'") from None
    return batch


def _refused(exc: Exception, where: str, source: str, encoding: str) -> Exception:
    """``exc`` (raised for one message) restated in the user's words, where it happened."""
    if isinstance(exc, EncodingError) and exc.char:
        what = f"{_describe(exc.char)}, character {exc.position + 1:,} of the message,"
        reason = (
            "cannot be sent with --encoding gsm7"
            if encoding == "gsm7"
            else "cannot be sent as UCS-2 (a lone surrogate is no character)"
        )
        message = f"{source}: {where}: {what} {reason}"
    else:
        text = str(exc)
        # The batch API names the index in the call's input: here always 0, one message.
        text = text.removeprefix("texts[0]: ").removeprefix("texts[0] ")
        message = f"{source}: {where}: {text}"
    if isinstance(exc, SmsCodecError):
        restated = copy.copy(exc)
        restated.args = (message,)
        return restated
    return CliError(message)


def _cmd_analyze(args: argparse.Namespace, out: IO[str]) -> int:
    _batch()  # before reading anything: say at once when numpy is missing
    from . import _inputs, _report

    options = _report.ReportOptions(
        encoding=args.encoding,
        reference_bits=args.reference_bits,
        smart=args.smart,
        languages=tuple(args.languages),
        threads=args.threads,
        policy=args.policy,
    )
    campaign = _report.Campaign(options, sample=_HTML_SAMPLE if args.html is not None else 0)
    fmt = _inputs.detect_format(args.file, args.format)
    prices = _prices(args, fmt)
    keep_rows = args.output is not None
    source = _inputs.open_source(args.file, fmt, args.column, keep_rows=keep_rows, extra=args.to_column)
    destinations = None
    if prices is not None:
        destinations = _destinations(args, prices, source)
    writer = None
    if args.output is not None:
        from . import _outputs

        try:
            if args.file != "-" and os.path.realpath(args.output) == os.path.realpath(args.file):
                raise CliError(f"--output {args.output} is the input file: it would be overwritten")
            writer = _outputs.open_output(
                args.output,
                source.header or ["text"],
                price=args.price,
                smart=args.smart,
                prices=prices is not None,
            )
            if _pipelined(args):
                writer = _outputs.in_background(writer)
        except BaseException:
            source.close()
            raise
    progress = _inputs.Progress(sys.stderr, total=source.total, unit=source.unit, enabled=args.progress)
    # With more than one thread, a reader thread decodes a Parquet file while the kernels
    # count (pyarrow releases the GIL).  Text and CSV parsing hold the GIL: a reader thread
    # would only contend for it (measured: no gain), so they are read here.
    threaded = _pipelined(args) and fmt == "parquet"
    chunks = _inputs.prefetch(iter(source)) if threaded else iter(source)
    messages = done = 0
    failed = True
    try:
        for chunk in chunks:
            try:
                result = campaign.add(chunk.texts, details=writer is not None)
            except (SmsCodecError, TypeError):
                found = _report.first_refused(chunk.texts, options)
                if found is None:
                    raise
                index, error = found
                raise _refused(error, chunk.where(index), source.name, args.encoding) from None
            if destinations is not None:
                result.update(_priced(destinations, chunk, result, args, source.name))
            if writer is not None:
                writer.write(chunk, result)
            messages += len(chunk.texts)
            done = chunk.done
            progress.update(done, messages)
        failed = False
    finally:
        progress.close(done, messages)
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
        source.close()
        if writer is not None:
            # A failed run leaves no output file (nor a partial one): see _outputs.Writer.
            if failed:
                writer.discard()
            else:
                writer.close()
    record = campaign.record(price=args.price, top=args.top)
    if destinations is not None:
        record["destinations"] = destinations.record()
    if args.json:
        json.dump(record, out, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(_report.render(record))
    if args.html is not None:
        from . import report

        _write_html(args.html, report.campaign_html(record))
    return 0


def _prices(args: argparse.Namespace, fmt: str) -> Any:
    """The price table of ``--prices``, read and checked before the input is (None without it)."""
    if args.prices is None:
        if args.to_column is not None:
            raise CliError("--to-column names the destinations for --prices: give --prices too")
        return None
    if args.to_column is None:
        raise CliError("--prices needs --to-column: the column of destination numbers to price by")
    if args.price is not None:
        raise CliError("give --price (one price per part) or --prices (by destination), not both")
    if fmt == "lines":
        raise CliError("--prices needs a CSV or Parquet input, with a column of destination numbers")
    from . import pricing
    from .errors import PricingError

    try:
        with open(args.prices, "rb") as file:
            body = file.read()
    except OSError as exc:
        raise CliError(f"--prices {args.prices}: cannot read: {exc.strerror or exc}") from None
    try:
        return pricing.parse_vonage_pricing(body)
    except PricingError as exc:
        raise CliError(f"--prices {args.prices}: {exc}") from None


def _destinations(args: argparse.Namespace, prices: Any, source: Any) -> Any:
    """The tally of ``--prices`` (after checking that the input has the ``--to-column``)."""
    from . import _report

    header = source.header or []
    if args.to_column not in header:
        source.close()
        names = ", ".join(repr(name) for name in header)
        raise CliError(f"{source.name}: no column {args.to_column!r} for --to-column (columns: {names})")
    return _report.Destinations(prices, args.prices)


def _priced(
    destinations: Any, chunk: Any, result: dict[str, Any], args: argparse.Namespace, name: str
) -> dict[str, Any]:
    """Tally a chunk by destination; a value that is no phone number is reported where it is."""
    from . import pricing
    from .errors import PricingError

    numbers = chunk.extra  # a list (CSV) or a pyarrow Array (Parquet)
    details = args.output is not None
    try:
        return destinations.add(numbers, result["segments"], details=details)  # type: ignore[no-any-return]
    except PricingError:
        if not isinstance(numbers, list):
            numbers = numbers.to_pylist()
        # The rare chunk holding a bad value: each distinct value looked at once.
        verdicts: dict[object, str | None] = {}
        bad: dict[int, str] = {}
        for index, number in enumerate(numbers):
            key = number or None
            if key not in verdicts:
                try:
                    pricing.countries_of([key])
                    verdicts[key] = None
                except (PricingError, TypeError) as exc:
                    why = str(exc).removeprefix("to[0]: ").replace("to[0] ", "the value ", 1)
                    if args.bad_numbers == "error":
                        exc.args = (why,)
                        raise _refused(exc, _where(chunk, index, args), name, args.encoding) from None
                    verdicts[key] = why
            reason = verdicts[key]
            if reason is not None:
                if not bad:
                    destinations.note_invalid(f"{name}: {_where(chunk, index, args)}", reason)
                bad[index] = reason
        if not bad:
            raise
        kept = [None if index in bad else number for index, number in enumerate(numbers)]
        return destinations.add(kept, result["segments"], details=details, invalid=list(bad))  # type: ignore[no-any-return]


def _where(chunk: Any, index: int, args: argparse.Namespace) -> str:
    return f"{chunk.unit} {chunk.numbers[index]:,}, column {args.to_column!r}"


# Messages the HTML report draws with the viewer: the ones with the most parts.
_HTML_SAMPLE = 5


def _pipelined(args: argparse.Namespace) -> bool:
    """Whether reading (Parquet) and ``--output`` writing get threads of their own: with
    ``--threads`` 2 or more, and by default when this process may run on more than one
    CPU (both release the GIL: measured on 1,000,000 rows, analyze 1.87 -> 2.39M/s and
    ``--output`` Parquet 0.96 -> 1.32M/s on two cores, benchmarks/test_bench_cli.py).
    Counting itself stays on ``--threads`` threads (one by default)."""
    if args.threads is not None:
        return bool(args.threads > 1)
    return _usable_cpus() > 1


def _usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return len(affinity(0))
    return os.cpu_count() or 1


def _threads(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of threads: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"threads must be at least 1, got {value}")
    return value


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
    common.add_argument(
        "--policy",
        choices=list(POLICIES),
        default="3gpp",
        help="how the route splits and bills: 3gpp (TS 23.040, default), twilio, vonage",
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

    view = sub.add_parser(
        "view", parents=[common], help="draw one message part by part (cells, costs, headers)"
    )
    view.add_argument("text", help="the message (with --binary: 8-bit data as hex)")
    view.add_argument("--udh", type=_hex, default=b"", help="your own user data header, hex, UDHL first")
    view.add_argument("--reference", type=int, default=None, help="concatenation reference (default: next)")
    view.add_argument("--binary", action="store_true", help="TEXT is 8-bit data, as hex")
    view.add_argument("--html", default=None, metavar="PATH", help="also write the drawing as an HTML page")
    view.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colours: auto (when stdout is a terminal and NO_COLOR is not set), always, never",
    )

    an = sub.add_parser("analyze", parents=[common], help="report on a file of messages")
    an.add_argument("file", help="messages: one per line, .csv, or .parquet; '-' for stdin")
    an.add_argument(
        "--column", default="text", help="the message column of a CSV/Parquet file (default: text)"
    )
    an.add_argument("--format", choices=["auto", "lines", "csv", "parquet"], default="auto")
    an.add_argument("--price", type=_price, default=None, help="price per part, for the cost (a decimal)")
    an.add_argument(
        "--prices",
        default=None,
        metavar="FILE",
        help="price by destination: a Vonage Pricing API response (JSON); needs --to-column",
    )
    an.add_argument(
        "--to-column", default=None, metavar="NAME", help="the destination number column, for --prices"
    )
    an.add_argument(
        "--bad-numbers",
        choices=["error", "unpriced"],
        default="error",
        help="a --to-column value that is no phone number: stop with an error naming its line "
        "(default), or count the message as unpriced and report how many there were",
    )
    an.add_argument("--top", type=int, default=15, help="how many characters that block GSM-7 to list")
    an.add_argument(
        "--threads",
        type=_threads,
        default=None,
        help="threads for counting; 2 or more also read the input and write --output in threads of "
        "their own (default: counting on 1, reading Parquet and writing --output in threads of their "
        "own when more than one CPU is usable; 1: everything in one thread)",
    )
    an.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar on stderr")
    an.add_argument(
        "--output",
        default=None,
        metavar="PATH",
        help="also write every message with its parts, encoding, units, cost and blocking characters "
        "(.csv, .parquet or .jsonl)",
    )
    an.add_argument(
        "--html",
        default=None,
        metavar="PATH",
        help="also write the report as one self-contained HTML page (with the most expensive messages drawn)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 a message the library refused, 2 bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    out = sys.stdout
    handlers = {"count": _cmd_count, "split": _cmd_split, "view": _cmd_view, "analyze": _cmd_analyze}
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
