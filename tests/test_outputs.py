"""``smscodec analyze FILE --output PATH`` (smscodec._outputs): every input column plus
parts, encoding, units, cost, blocking characters and the text as sent, in CSV, JSON lines
and Parquet, checked row by row against the scalar API."""

from __future__ import annotations

import csv
import json
import pathlib
from decimal import Decimal
from typing import Any

import pytest

import smscodec
from smscodec import _inputs
from smscodec.cli import main
from smscodec.smart import SMART_MAP

pytest.importorskip("numpy")

TEXTS = [
    "Hello, your code is 1234",
    "Olá — tudo bem?",  # á blocks; the em dash is a look-alike
    "“Smart” quotes – and an ellipsis…",  # all look-alikes: GSM-7 with --smart
    "😀" * 40,
    "",
    "two\nlines, and a comma",
    "Ж" * 71,  # 2 parts
]
PRICE = Decimal("0.0075")


def expected_row(text: str, smart: bool) -> dict[str, Any]:
    info = smscodec.analyze(text, smart=smart)
    blocking = (
        ""
        if info.encoding == "gsm7"
        else "".join(sorted(ch for ch in info.non_gsm7 if not (smart and ch in SMART_MAP)))
    )
    row: dict[str, Any] = {
        "parts": info.segments,
        "encoding": info.encoding,
        "units": info.units,
        "cost": info.segments * PRICE,
        "blocking": blocking,
    }
    if smart:
        row["sent_text"] = info.text
    return row


@pytest.fixture
def csv_input(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    monkeypatch.setattr(_inputs, "CHUNK", 3)  # several chunks: the output is streamed
    path = tmp_path / "in.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "note"])
        writer.writerows([i, text, f"n{i}"] for i, text in enumerate(TEXTS))
    return path


def read_output(path: pathlib.Path) -> list[dict[str, Any]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    pq = pytest.importorskip("pyarrow.parquet")
    return pq.read_table(path).to_pylist()  # type: ignore[no-any-return]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
@pytest.mark.parametrize("smart", [False, True])
@pytest.mark.parametrize("threads", ["1", "2"])
def test_every_row_with_its_figures(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    csv_input: pathlib.Path,
    suffix: str,
    smart: bool,
    threads: str,
) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / f"out{suffix}"
    argv = [
        "analyze",
        str(csv_input),
        "--price",
        str(PRICE),
        "--output",
        str(out),
        "--json",
        "--threads",
        threads,
    ]
    assert main(argv + (["--smart"] if smart else [])) == 0
    report = json.loads(capsys.readouterr().out)
    rows = read_output(out)
    assert len(rows) == len(TEXTS) == report["messages"]
    columns = ["id", "text", "note", "parts", "encoding", "units", "cost", "blocking"]
    assert list(rows[0]) == columns + (["sent_text"] if smart else [])
    for i, (row, text) in enumerate(zip(rows, TEXTS, strict=True)):
        assert (str(row["id"]), row["text"], row["note"]) == (str(i), text, f"n{i}")
        want = expected_row(text, smart)
        got = {key: row[key] for key in want}
        # CSV holds text; JSON lines numbers and decimal strings; Parquet its types.
        got["parts"], got["units"], got["cost"] = (
            int(got["parts"]),
            int(got["units"]),
            Decimal(str(got["cost"])),
        )
        assert got == want, text
    assert sum(int(row["parts"]) for row in rows) == report["segments"]


def test_parquet_keeps_the_input_columns_and_missing_values(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": pa.array([7, 8, 9], pa.int64()), "text": ["a", None, "Olá"]}), source)
    out = tmp_path / "out.parquet"
    assert main(["analyze", str(source), "--output", str(out), "--price", "0.05", "--json"]) == 0
    capsys.readouterr()
    table = pq.read_table(out)
    assert table.schema.field("id").type == pa.int64()
    assert str(table.schema.field("cost").type) == "decimal128(38, 2)"
    assert table.to_pylist() == [
        {
            "id": 7,
            "text": "a",
            "parts": 1,
            "encoding": "gsm7",
            "units": 1,
            "cost": Decimal("0.05"),
            "blocking": "",
        },
        {
            "id": 8,
            "text": None,
            "parts": 0,
            "encoding": None,
            "units": 0,
            "cost": Decimal("0.00"),
            "blocking": "",
        },
        {
            "id": 9,
            "text": "Olá",
            "parts": 1,
            "encoding": "ucs2",
            "units": 3,
            "cost": Decimal("0.05"),
            "blocking": "á",
        },
    ]


def test_one_message_per_line_has_a_text_column(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("hi\nЖ\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["analyze", str(source), "--output", str(out)]) == 0
    capsys.readouterr()
    assert read_output(out) == [
        {"text": "hi", "parts": 1, "encoding": "gsm7", "units": 2, "blocking": ""},
        {"text": "Ж", "parts": 1, "encoding": "ucs2", "units": 1, "blocking": "Ж"},
    ]


@pytest.mark.parametrize(
    ("header", "output", "message"),
    [
        ("id,text", "out.txt", "unknown suffix '.txt'"),
        ("parts,text", "out.csv", "the input already has a column 'parts'"),
        ("id,text", "missing-dir/out.csv", "cannot write"),
        ("id,text", "in.csv", "is the input file"),
    ],
)
def test_output_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, header: str, output: str, message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(f"{header}\n1,hi\n", encoding="utf-8")
    code = main(["analyze", str(source), "--output", str(tmp_path / output)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
@pytest.mark.parametrize("threads", [1, 2])
def test_a_failed_run_leaves_no_output_and_an_earlier_file_as_it_was(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
    threads: int,
) -> None:
    if suffix == "parquet":
        pytest.importorskip("pyarrow")
    monkeypatch.setattr(_inputs, "CHUNK", 3)  # the refused message is in the third chunk
    source = tmp_path / "in.csv"
    rows = [f"{i},hello {i}" for i in range(7)] + ["7,Жук"] + [f"{i},bye" for i in range(8, 12)]
    source.write_text("id,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / f"out.{suffix}"
    args = ["analyze", str(source), "--encoding", "gsm7", "--output", str(out), "--threads", str(threads)]
    assert main(args) == 1
    assert "line 9" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no partial file either
    out.write_bytes(b"an earlier report")
    assert main(args) == 1
    assert out.read_bytes() == b"an earlier report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", out.name]
    # And a run that succeeds replaces it whole.
    capsys.readouterr()
    assert main([*args[:2], "--output", str(out)]) == 0
    assert out.read_bytes() != b"an earlier report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", out.name]
