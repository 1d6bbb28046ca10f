"""The command line: count, split and analyze, their --json output, and bad input."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import subprocess
import sys
from decimal import Decimal

import pytest

import smscodec
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
