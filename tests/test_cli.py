"""The command line: count, split and analyze, their --json output, and bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
from decimal import Decimal
from typing import Any

import pytest

import smscodec
from smscodec import _inputs
from smscodec.cli import main

MESSAGES = [
    "Hello there, your code is 1234",
    "Ça va? Grüße aus Köln",  # Ç is GSM-7 (0x09); ü, ö, ß too
    "Olá, código 999",  # á and ó force UCS-2
    "x" * 200,  # 2 parts
    "“Smart” quotes – and an ellipsis…",  # smart makes it GSM-7
    "😀" * 40,  # 80 UTF-16 units: 2 parts
    "",  # an empty message is one part
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_count_json_matches_analyze(capsys: pytest.CaptureFixture[str]) -> None:
    text = "Price: €5 [today]"
    code, out, _ = run(capsys, "count", "--json", text)
    assert code == 0
    record = json.loads(out)
    info = smscodec.analyze(text)
    assert record["segments"] == info.segments == 1
    assert record["encoding"] == "gsm7"
    assert record["units"] == info.units == len(text) + 3  # €, [ and ] cost two septets
    assert record["per_segment"] == 160
    assert record["remaining"] == 160 - record["units"]
    assert record["non_gsm7"] == []


def test_count_reports_the_characters_that_forced_ucs2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "count", "--json", "Olá, código ó")
    assert code == 0
    record = json.loads(out)
    assert record["encoding"] == "ucs2"
    assert record["non_gsm7"] == ["á", "ó"]
    code, out, _ = run(capsys, "count", "Olá")
    assert "U+00E1" in out


def test_count_smart_and_forced_encoding(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "count", "--json", "--smart", "it’s")
    assert json.loads(out)["encoding"] == "gsm7"
    _, out, _ = run(capsys, "count", "--json", "--encoding", "ucs2", "abc")
    assert json.loads(out)["encoding"] == "ucs2"
    code, _, err = run(capsys, "count", "--encoding", "gsm7", "Olá")
    assert code == 1
    assert "EncodingError" in err
    assert err.count("\n") == 1


def test_split_json_has_text_udh_and_payload(capsys: pytest.CaptureFixture[str]) -> None:
    text = "y" * 170
    code, out, _ = run(capsys, "split", "--json", "--reference", "66", text)
    assert code == 0
    parts = json.loads(out)
    assert [p["text"] for p in parts] == ["y" * 153, "y" * 17]
    # TS 23.040 §9.2.3.24.1: UDHL 5, IEI 0x00, length 3, reference, total, sequence.
    assert [p["udh"] for p in parts] == ["0500034202" + "01", "0500034202" + "02"]
    assert parts[0]["payload"] == "79" * 153
    code, out, _ = run(capsys, "split", "short")
    assert code == 0
    assert "part 1/1" in out


def _write_lines(path: pathlib.Path) -> None:
    path.write_text("\n".join(m for m in MESSAGES) + "\n", encoding="utf-8")


def test_analyze_lines_json_totals(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    path = tmp_path / "messages.txt"
    _write_lines(path)
    code, out, _ = run(capsys, "analyze", str(path), "--json", "--price", "0.05")
    assert code == 0
    report = json.loads(out)
    expected_parts = sum(smscodec.count_segments(m) for m in MESSAGES)
    ucs2 = sum(smscodec.analyze(m).encoding == "ucs2" for m in MESSAGES)
    assert report["messages"] == len(MESSAGES)
    assert report["segments"] == expected_parts
    assert report["ucs2"] == ucs2 == 3
    assert report["gsm7"] == len(MESSAGES) - ucs2
    assert Decimal(report["cost"]) == expected_parts * Decimal("0.05")
    assert sum(report["histogram"].values()) == len(MESSAGES)
    smart_parts = sum(smscodec.count_segments(m, smart=True) for m in MESSAGES)
    assert report["savings"]["smart"]["segments"] == expected_parts - smart_parts
    forcing = {item["char"] for item in report["forcing_chars"]}
    assert {"á", "ó", "😀", "“"} <= forcing


def test_analyze_csv_with_column_and_languages(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "m.csv"
    texts = ["Merhaba, şifreniz 1234 ğ ı", "plain text", "multi\nline, with comma"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "body"])
        writer.writerows([i, t] for i, t in enumerate(texts))
    code, out, _ = run(capsys, "analyze", str(path), "--column", "body", "--json", "--languages", "turkish")
    assert code == 0
    report = json.loads(out)
    assert report["messages"] == 3
    assert report["segments"] == sum(smscodec.count_segments(t, languages=["turkish"]) for t in texts)
    assert report["savings"]["languages"]["segments"] == sum(smscodec.count_segments(t) for t in texts) - sum(
        smscodec.count_segments(t, languages=["turkish"]) for t in texts
    )


def test_analyze_table_output(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    path = tmp_path / "messages.txt"
    _write_lines(path)
    code, out, _ = run(capsys, "analyze", str(path), "--price", "0.01")
    assert code == 0
    assert "messages" in out
    assert "parts per message" in out
    assert "savings" in out
    assert "U+00E1" in out


def test_analyze_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data = "one\ntwo\n" + "z" * 161 + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode()), encoding="utf-8"))
    code, out, _ = run(capsys, "analyze", "-", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["messages"] == 3
    assert report["segments"] == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "/nonexistent/messages.txt"], "no such file"),
        (["analyze", "{tmp}"], "directory"),
        (["analyze", "{csv}", "--column", "nope"], "no column 'nope'"),
        (["analyze", "{binary}"], "not UTF-8"),
    ],
)
def test_analyze_bad_input_is_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, args: list[str], message: str
) -> None:
    (tmp_path / "a.csv").write_text("id,text\n1,hi\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"ok\n\xff\xfe broken\n")
    argv = [a.format(tmp=tmp_path, csv=tmp_path / "a.csv", binary=tmp_path / "b.txt") for a in args]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_bad_price_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["analyze", "x.txt", "--price", "cheap"])
    assert exc.value.code == 2
    assert "not a decimal price" in capsys.readouterr().err


def test_parquet_input(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = ["a", None, "€" * 81, "Ω"]
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table({"text": texts}), path)
    code, out, _ = run(capsys, "analyze", str(path), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["messages"] == 4
    assert report["missing"] == 1
    assert report["segments"] == 1 + 2 + 1
    code, _, err = run(capsys, "analyze", str(path), "--column", "body")
    assert code == 2
    assert "no column 'body'" in err


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "smscodec", "count", "--json", "hello"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["units"] == 5


# --- files of a realistic size (issue 12) -------------------------------------------------

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"
BIG = 100_000


def _example_texts() -> list[str]:
    with (EXAMPLES / "messages.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return [row["text"] for row in reader]


def _expected(texts: list[str], n: int) -> dict[str, int]:
    """Totals of the first ``n`` messages of ``texts`` repeated, by the scalar API on the
    distinct texts only (an oracle independent of the batch kernels)."""
    whole, rest = divmod(n, len(texts))
    parts = [smscodec.count_segments(t) for t in texts]
    ucs2 = [smscodec.analyze(t).encoding == "ucs2" for t in texts]
    return {
        "messages": n,
        "segments": whole * sum(parts) + sum(parts[:rest]),
        "ucs2": whole * sum(ucs2) + sum(ucs2[:rest]),
        "gsm7": n - (whole * sum(ucs2) + sum(ucs2[:rest])),
    }


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The README's example data repeated to 100,000 rows: CSV, one per line, Parquet."""
    texts = _example_texts()
    rows = [texts[i % len(texts)] for i in range(BIG)]
    folder = tmp_path_factory.mktemp("big")
    with (folder / "big.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerows(enumerate(rows))
    (folder / "big.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    files = {"csv": folder / "big.csv", "txt": folder / "big.txt", "expected": _expected(texts, BIG)}
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return files
    pq.write_table(pa.table({"text": rows}), folder / "big.parquet", row_group_size=30_000)
    files["parquet"] = folder / "big.parquet"
    return files


def _totals(report: dict[str, Any]) -> dict[str, int]:
    return {key: report[key] for key in ("messages", "segments", "ucs2", "gsm7")}


def test_big_csv_read_directly(capsys: pytest.CaptureFixture[str], big: dict[str, Any]) -> None:
    # Used to die with "OSError: telling position disabled by next() call" at the first
    # progress update (50,000 rows).
    code, out, err = run(capsys, "analyze", str(big["csv"]), "--json", "--price", "0.01")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert _totals(report) == big["expected"]
    assert Decimal(report["cost"]) == big["expected"]["segments"] * Decimal("0.01")


class _Pipe:
    """sys.stdin as a real pipe that a thread fills with the bytes of ``path``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, path: pathlib.Path) -> None:
        read_end, write_end = os.pipe()
        self.stdin = io.TextIOWrapper(os.fdopen(read_end, "rb"), encoding="utf-8")

        def feed() -> None:
            with os.fdopen(write_end, "wb") as f:
                f.write(path.read_bytes())

        self.writer = threading.Thread(target=feed, daemon=True)
        self.writer.start()
        monkeypatch.setattr(sys, "stdin", self.stdin)

    def join(self) -> None:
        self.writer.join()
        self.stdin.close()  # the command never closes stdin: the caller owns it


def _pipe_stdin(monkeypatch: pytest.MonkeyPatch, path: pathlib.Path) -> _Pipe:
    return _Pipe(monkeypatch, path)


def test_big_lines_through_a_pipe(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, big: dict[str, Any]
) -> None:
    writer = _pipe_stdin(monkeypatch, big["txt"])
    code, out, _ = run(capsys, "analyze", "-", "--json")
    writer.join()
    assert code == 0
    assert _totals(json.loads(out)) == big["expected"]


def test_big_parquet(capsys: pytest.CaptureFixture[str], big: dict[str, Any]) -> None:
    if "parquet" not in big:
        pytest.skip("pyarrow is not installed")
    code, out, _ = run(capsys, "analyze", str(big["parquet"]), "--json")
    assert code == 0
    assert _totals(json.loads(out)) == big["expected"]


@pytest.mark.parametrize("fmt", ["csv", "lines"])
def test_chunked_files_pipes_and_threads_agree(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: pathlib.Path,
    fmt: str,
) -> None:
    # Small chunks and blocks: the same paths a multi-gigabyte file takes, on 3,000 rows.
    monkeypatch.setattr(_inputs, "CHUNK", 257)
    monkeypatch.setattr(_inputs, "BLOCK", 4096)
    path = EXAMPLES / ("messages.csv" if fmt == "csv" else "messages.txt")
    expected = _expected(_example_texts(), 3000)
    reports = []
    for extra in ([], ["--threads", "2"]):
        code, out, _ = run(capsys, "analyze", str(path), "--format", fmt, "--json", *extra)
        assert code == 0
        reports.append(json.loads(out))
    writer = _pipe_stdin(monkeypatch, path)
    code, out, _ = run(capsys, "analyze", "-", "--format", fmt, "--json")
    writer.join()
    assert code == 0
    reports.append(json.loads(out))
    assert _totals(reports[0]) == expected
    assert reports[1] == reports[0] == reports[2]


# --- errors inside a file name the file's own line or row ---------------------------------


def test_refused_message_names_its_line_not_its_index(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    # Line 70,001 is in the second chunk of 50,000, at index 20,000 of that chunk.
    path = tmp_path / "codes.txt"
    lines = ["Your code is 1234"] * BIG
    lines[70_000] = "Tu código es 1234"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(path), "--encoding", "gsm7")
    assert code == 1
    assert out == ""
    assert err == (
        f"smscodec: EncodingError: {path}: line 70,001: U+00F3 'ó' LATIN SMALL LETTER O WITH ACUTE, "
        "character 5 of the message, cannot be sent with --encoding gsm7\n"
    )


def test_refused_csv_message_names_its_line_and_column(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setattr(_inputs, "CHUNK", 2)
    path = tmp_path / "m.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "body"])
        writer.writerows([[1, "one"], [2, "two\nlines"], [3, "three"], [4, "€ and Ж"]])
    code, _, err = run(capsys, "analyze", str(path), "--column", "body", "--encoding", "gsm7")
    assert code == 1
    # The header is line 1; record 2 takes lines 3 and 4; record 4 starts on line 6.
    assert err == (
        f"smscodec: EncodingError: {path}: line 6, column 'body': U+0416 'Ж' CYRILLIC CAPITAL LETTER ZHE, "
        "character 7 of the message, cannot be sent with --encoding gsm7\n"
    )


def test_parquet_errors_name_the_row(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table({"text": ["a", "b", "Olá"], "n": [1, 2, 3]}), path)
    code, _, err = run(capsys, "analyze", str(path), "--encoding", "gsm7")
    assert code == 1
    assert f"{path}: row 3, column 'text': U+00E1 'á'" in err
    assert err.count("\n") == 1
    code, _, err = run(capsys, "analyze", str(path), "--column", "n")
    assert code == 2
    assert err == f"smscodec: error: {path}: column 'n' holds int64, not text\n"


def test_text_that_is_not_utf8_names_line_and_byte(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "m.txt"
    path.write_bytes(b"ok\nfine\n\xe9t\xe9\n")  # Latin-1, not UTF-8
    code, out, err = run(capsys, "analyze", str(path))
    assert (code, out) == (2, "")
    assert err == (
        f"smscodec: error: {path}: line 3 is not UTF-8 text: "
        "invalid continuation byte at byte 8 of the file (0xE9)\n"
    )


# --- what the report says ----------------------------------------------------------------

HAND = ["—" + "a" * 100, "á—" + "b" * 100, "c" * 40]  # worked out in tests/test_report.py


def test_ranking_credits_only_what_replacing_alone_saves(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "m.txt"
    path.write_text("\n".join(HAND) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "analyze", str(path), "--json", "--price", "0.05")
    assert code == 0
    ranked = json.loads(out)["forcing_chars"]
    # The em dash blocks in 2 messages, alone in 1; replacing it there saves 1 part (the
    # old report charged it 2: every UCS-2 part of both messages).
    assert [
        (c["char"], c["messages"], c["only_blocker"], c["segments_saved"], c["cost_saved"]) for c in ranked
    ] == [
        ("—", 2, 1, 1, "0.05"),
        ("á", 1, 0, 0, "0.00"),
    ]
    code, out, _ = run(capsys, "analyze", str(path), "--price", "0.05")
    assert "by the parts replacing each alone would save" in out
    assert "(compared with the totals above, 5 parts (0.25);" in out
    assert re.search(r"U\+2014 '—' EM DASH +1 +0\.05 +1 +2\n", out), out


def test_smart_report_shows_what_still_blocks(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "m.txt"
    path.write_text("\n".join(HAND) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "analyze", str(path), "--smart")
    assert code == 0
    assert "characters that still force UCS-2 with --smart" in out
    assert "EM DASH" not in out  # a look-alike: replaced once á is gone
    assert re.search(r"--smart +saved 1 part: the totals above include it", out), out
    assert not re.search(r"--smart +would save", out)


def test_languages_report_says_which_route_can_send_them(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "m.txt"
    path.write_text("ş" * 100 + "\nplain\n", encoding="utf-8")
    code, out, _ = run(capsys, "analyze", str(path), "--languages", "turkish")
    assert code == 0
    assert "shift elements in a user data header (SMPP, or binary messages with a UDH)" in out
    assert "Vonage's SMS API cannot request them" in out
    code, out, _ = run(capsys, "analyze", str(path), "--languages", "turkish", "--json")
    assert json.loads(out)["savings"]["languages"]["caveat"].startswith("national language tables need")


def test_threads_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["analyze", "x.txt", "--threads", "0"])
    assert exc.value.code == 2
    assert "threads must be at least 1" in capsys.readouterr().err


# --- the progress bar: stderr only, only on a terminal ------------------------------------


def _run_with_stderr_on_a_pty(argv: list[str]) -> tuple[int, str, str]:
    """Run the CLI in a child whose stderr is a pseudo-terminal; stdout a pipe."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    env = dict(os.environ, COLUMNS="200")
    child = subprocess.Popen(
        [sys.executable, "-m", "smscodec", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    shown = bytearray()
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        shown += data
    assert child.stdout is not None
    with child.stdout:
        out = child.stdout.read()
    code = child.wait(timeout=120)
    os.close(master)
    return code, out.decode(), shown.decode()


def test_progress_bar_on_a_terminal_and_nowhere_else(big: dict[str, Any]) -> None:
    code, out, shown = _run_with_stderr_on_a_pty(["analyze", str(big["csv"]), "--json"])
    assert code == 0
    assert _totals(json.loads(out)) == big["expected"]  # stdout holds the JSON only
    # What the terminal shows after the last redraw: one bar, no leftovers of longer ones.
    last = shown.replace("\r\n", "\n").rstrip("\n").split("\n")[-1]
    visible: list[str] = []
    for part in last.split("\r"):
        visible[: len(part)] = list(part)
    assert re.fullmatch(r"\[#{30}\] 100\.0%  100,000 messages  [\d,]+/s", "".join(visible).rstrip()), shown
    # Off a terminal (a pipe, a file), nothing at all: test_big_csv_read_directly checks
    # that stderr stays empty for the same file.


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_progress_flag_and_small_inputs_draw_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXAMPLES / "messages.txt"
    monkeypatch.setattr(_inputs, "PROGRESS_INTERVAL", 0.0)
    for threshold, flags, drawn in [(0, [], True), (0, ["--no-progress"], False), (10**9, [], False)]:
        monkeypatch.setattr(_inputs, "PROGRESS_MIN_BYTES", threshold)
        terminal = _Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        assert main(["analyze", str(path), "--json", *flags]) == 0
        assert ("3,000 messages" in terminal.getvalue()) is drawn
        assert json.loads(capsys.readouterr().out)["messages"] == 3000  # stdout: the JSON alone


@pytest.mark.parametrize(
    ("cpus", "extra", "pipelined"),
    [(2, [], True), (1, [], False), (2, ["--threads", "1"], False), (1, ["--threads", "2"], True)],
)
def test_parquet_reading_and_output_writing_take_threads_of_their_own_by_default_on_several_cpus(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: pathlib.Path,
    cpus: int,
    extra: list[str],
    pipelined: bool,
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from smscodec import _outputs, cli

    monkeypatch.setattr(_inputs, "CHUNK", 113)
    monkeypatch.setattr(cli, "_usable_cpus", lambda: cpus)
    used: list[str] = []
    prefetch, in_background = _inputs.prefetch, _outputs.in_background
    monkeypatch.setattr(_inputs, "prefetch", lambda chunks: used.append("reader") or prefetch(chunks))
    monkeypatch.setattr(_outputs, "in_background", lambda w: used.append("writer") or in_background(w))
    texts = _example_texts()
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table({"text": texts}), path, row_group_size=1000)
    out_path = tmp_path / "out.parquet"
    code, out, _ = run(capsys, "analyze", str(path), "--json", "--output", str(out_path), *extra)
    assert code == 0
    assert used == (["writer", "reader"] if pipelined else [])
    assert _totals(json.loads(out)) == _expected(texts, len(texts))
    assert pq.read_table(out_path).column("text").to_pylist() == texts


def test_usable_cpus_is_the_affinity_mask() -> None:
    from smscodec import cli

    if hasattr(os, "sched_getaffinity"):
        assert cli._usable_cpus() == len(os.sched_getaffinity(0))
    else:
        assert cli._usable_cpus() == (os.cpu_count() or 1)


def test_parquet_read_in_a_thread_of_its_own(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.setattr(_inputs, "CHUNK", 113)
    texts = _example_texts()
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table({"text": texts}), path, row_group_size=1000)
    reports = []
    for extra in ([], ["--threads", "2"]):
        code, out, _ = run(capsys, "analyze", str(path), "--json", *extra)
        assert code == 0
        reports.append(json.loads(out))
    assert reports[0] == reports[1]
    assert _totals(reports[0]) == _expected(texts, len(texts))
