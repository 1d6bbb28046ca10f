"""The command line's drawings: ``smscodec view`` (terminal, --json, --html, --binary)
and ``smscodec analyze FILE --html``, against the library's own figures."""

from __future__ import annotations

import io
import json
import pathlib
import subprocess
import sys

import pytest

import smscodec
from _html import parse
from smscodec import report
from smscodec.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "messages.csv"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def _columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_view_prints_the_terminal_drawing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "view", "Hi € [x] ’", "--reference", "5")
    assert code == 0
    assert out == report.view_text("Hi € [x] ’", reference=5, width=80)
    assert "\x1b" not in out  # not a terminal: no colours


def test_view_colours_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    assert main(["view", "a’"]) == 0
    assert "\x1b[1;41;97m’\x1b[0m" in screen.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    screen.seek(0)
    screen.truncate()
    assert main(["view", "a’"]) == 0
    assert "\x1b" not in screen.getvalue()
    assert main(["view", "a’", "--color", "always"]) == 0
    assert "\x1b[1;41;97m’\x1b[0m" in screen.getvalue()
    monkeypatch.delenv("NO_COLOR")
    screen.seek(0)
    screen.truncate()
    assert main(["view", "a’", "--color", "never"]) == 0
    assert "\x1b" not in screen.getvalue()


def test_view_json_is_view_dict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "view", "Ağaç", "--languages", "turkish", "--json")
    assert code == 0
    data = json.loads(out)
    assert data == report.view_dict("Ağaç", languages=["turkish"])
    assert data["parts"][0]["udh"] == "03250101"
    assert [c["flags"] for c in data["parts"][0]["cells"]] == [[], ["national"], [], ["national"]]


def test_view_html_writes_the_page(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    out_file = tmp_path / "view.html"
    text = "Don’t wait… " * 20
    code, out, _ = run(capsys, "view", text, "--smart", "--html", str(out_file), "--reference", "3")
    assert code == 0
    assert "smart encoding:" in out
    dom = parse(out_file.read_text(encoding="utf-8"))
    assert len(dom.find_all("section", cls="part")) == smscodec.count_segments(text, smart=True) == 2
    assert dom.find("strong", data_k="smart_saved").text() == str(
        smscodec.count_segments(text) - smscodec.count_segments(text, smart=True)
    )


def test_view_binary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "view", "--binary", "00ff" * 80, "--reference", "1")
    assert code == 0
    assert out.startswith("8-bit data · 2 parts · 160 octets · 134 per part")
    code, _, err = run(capsys, "view", "--binary", "zz")
    assert code == 2
    assert "--binary takes the data as hex" in err
    code, _, err = run(capsys, "view", "--binary", "00", "--smart")
    assert code == 2
    assert "do not apply" in err


def test_view_of_a_text_the_library_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    # An invalid UTF-8 octet in argv arrives as a lone surrogate (PEP 383).
    code, _, err = run(capsys, "view", "x\udcff")
    assert code == 1
    assert err.startswith("smscodec: EncodingError: lone surrogate U+DCFF")
    code, _, err = run(capsys, "view", "x", "--html", "/nonexistent-dir/x.html")
    assert code == 2
    assert "cannot write --html /nonexistent-dir/x.html" in err


def test_analyze_html_report(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    pytest.importorskip("numpy")
    page_file = tmp_path / "report.html"
    code, out, _ = run(
        capsys,
        "analyze",
        str(EXAMPLE),
        "--json",
        "--price",
        "0.05",
        "--html",
        str(page_file),
        "--no-progress",
    )
    assert code == 0
    record = json.loads(out)
    assert len(record["sample"]) == 5
    dom = parse(page_file.read_text(encoding="utf-8"))
    totals = {
        dd.attrs["data-k"]: dd.attrs["data-v"] for dd in dom.find("section", id="totals").find_all("dd")
    }
    assert totals["messages"] == str(record["messages"]) == "3000"
    assert totals["segments"] == str(record["segments"])
    assert totals["cost"] == record["cost"]
    articles = dom.find_all("article", cls="sample")
    assert [int(a.attrs["data-segments"]) for a in articles] == [s["segments"] for s in record["sample"]]
    # The sample holds the messages with the most parts in the file.
    import csv

    with EXAMPLE.open(encoding="utf-8", newline="") as file:
        counts = sorted((smscodec.count_segments(row["text"]) for row in csv.DictReader(file)), reverse=True)
    assert [s["segments"] for s in record["sample"]] == counts[:5]
    # Without --html the JSON report is as before: no sample.
    code, out, _ = run(capsys, "analyze", str(EXAMPLE), "--json", "--no-progress")
    assert "sample" not in json.loads(out)


def test_analyze_html_unwritable(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    pytest.importorskip("numpy")
    code, _, err = run(capsys, "analyze", str(EXAMPLE), "--html", str(tmp_path), "--no-progress")
    assert code == 2
    assert err.startswith(f"smscodec: error: cannot write --html {tmp_path}")


def test_python_m_smscodec_view() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "smscodec", "view", "héllo"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env={"PYTHONIOENCODING": "utf-8", "PATH": "", "COLUMNS": "80"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("GSM-7 · 1 part · 5 septets")
