"""``smscodec analyze FILE --prices pricing.json --to-column to``, end to end.

The per-country table (text, ``--json``, ``--html``), the per-message ``cost`` and
``country`` of ``--output``, the unpriced messages and the errors, on small CSV and
Parquet files written here and on the bundled examples.  Every figure is compared with
:func:`smscodec.pricing.estimate` on the same texts and numbers, and the small price table
below also with amounts worked out by hand.
"""

from __future__ import annotations

import csv
import json
import pathlib
import re
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

from _html import parse
from smscodec import _inputs, pricing
from smscodec.cli import main
from smscodec.errors import PricingError

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROOT = pathlib.Path(__file__).resolve().parent.parent

# A full-pricing (v1 get-full-pricing/outbound/sms) response, shaped as Vonage sends it:
# amounts as strings.  GB default 0.0400 (networks 0.0380-0.0450), US 0.0080 (0.0070-0.0090),
# CA 0.0062 with no network listed, VA listed without any price (as Vonage lists it).
PRICES: dict[str, Any] = {
    "count": "4",
    "countries": [
        {
            "countryCode": "GB",
            "countryName": "United Kingdom",
            "dialingPrefix": "44",
            "defaultPrice": "0.0400",
            "currency": "EUR",
            "networks": [
                {"type": "mobile", "price": "0.0380", "currency": "EUR", "mcc": "234", "mnc": "15",
                 "networkCode": "23415", "networkName": "Vodafone Limited"},
                {"type": "mobile", "price": "0.0450", "currency": "EUR", "mcc": "234", "mnc": "30",
                 "networkCode": "23430", "networkName": "EE Limited"},
            ],
        },
        {
            "countryCode": "US",
            "countryName": "United States",
            "dialingPrefix": "1",
            "defaultPrice": "0.0080",
            "currency": "EUR",
            "networks": [
                {"type": "mobile", "price": "0.0070", "currency": "EUR", "mcc": "310", "mnc": "260",
                 "networkCode": "310260", "networkName": "T-Mobile USA"},
                {"type": "mobile", "price": "0.0090", "currency": "EUR", "mcc": "310", "mnc": "410",
                 "networkCode": "310410", "networkName": "AT&T Mobility"},
            ],
        },
        {
            "countryCode": "CA",
            "countryName": "Canada",
            "dialingPrefix": "1",
            "defaultPrice": "0.0062",
            "currency": "EUR",
            "networks": [],
        },
        {"countryCode": "VA", "countryName": "Vatican City", "dialingPrefix": "379", "currency": "EUR",
         "networks": []},
    ],
}  # fmt: skip

# (to, text): the destination as a campaign export writes it, and the message.
ROWS = [
    ("447700900123", "x" * 161),  # GB, GSM-7, 161 septets: 2 parts x 0.0400
    ("+1 202 555 0123", "Your code is 123456"),  # US: 1 x 0.0080
    ("+1 604 555 0123", "Olá, código 999"),  # CA (a +1 number of another country), UCS-2: 1 x 0.0062
    ("12025550100", "😀" * 40),  # US, 80 UTF-16 units: 2 x 0.0080
    ("", "no destination at all"),  # unpriced: no number
    ("390669812345", "to the Vatican"),  # VA: listed without a price
    ("+44 1534 456789", "to Jersey"),  # JE: not in the table
    ("0044 7700 900456", "Ça va? " + "é" * 154),  # GB, GSM-7 (Ç, é are in the alphabet), 161: 2 x 0.0400
    ("447700900789", ""),  # GB, an empty message is one part
]
TEXTS = [text for _, text in ROWS]
NUMBERS = [to for to, _ in ROWS]
UNPRICED = [4, 5, 6]  # the rows above that no price covers


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``smscodec analyze *argv``: exit status, stdout, stderr."""
    code = main(["analyze", *argv, "--no-progress"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def table() -> pricing.PriceTable:
    return pricing.parse_vonage_pricing(json.dumps(PRICES))


def expected(
    texts: list[str | None] = TEXTS, numbers: list[str | None] = NUMBERS, **options: Any
) -> pricing.CostEstimate:
    """The library's estimate; a missing or empty number is no destination, as in a file."""
    return pricing.estimate(texts, to=[n or None for n in numbers], prices=table(), **options)


@pytest.fixture
def files(tmp_path: pathlib.Path) -> dict[str, pathlib.Path]:
    """The prices, and ROWS as a CSV file and as a Parquet file (with an id column first)."""
    prices = tmp_path / "pricing.json"
    prices.write_text(json.dumps(PRICES, indent=2), encoding="utf-8")
    csv_path = tmp_path / "campaign.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "to", "text"])
        writer.writerows([str(i), to, text] for i, (to, text) in enumerate(ROWS, 1))
    parquet_path = tmp_path / "campaign.parquet"
    columns = {
        "id": pa.array(range(1, len(ROWS) + 1), pa.int64()),
        "to": pa.array([to or None for to in NUMBERS], pa.string()),
        "text": pa.array(TEXTS, pa.string()),
    }
    # Row groups of 4: with a small chunk size the rows come in several chunks.
    pq.write_table(pa.table(columns), parquet_path, row_group_size=4)
    return {"prices": prices, "csv": csv_path, "parquet": parquet_path}


def destinations(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, *argv, "--json")
    assert (code, err) == (0, "")
    record = json.loads(out)
    return record["destinations"]  # type: ignore[no-any-return]


def rows_by_country(dest: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    rows = {row["country"]: row for row in dest["countries"]}
    assert len(rows) == len(dest["countries"])  # one row per country
    return rows


def assert_matches_library(
    dest: dict[str, Any], estimate: pricing.CostEstimate, parts: list[int], numbers: list[Any]
) -> None:
    """The ``destinations`` record says what ``estimate`` says, country by country."""
    rows = rows_by_country(dest)
    for country, (messages, count, cost) in estimate.by_country.items():
        row = rows[country]
        assert (row["messages"], row["parts"]) == (messages, count), country
        if cost is None:
            assert (row["cost"], row["unpriced"]) == (None, messages), country
        else:
            assert (Decimal(row["cost"]), row["unpriced"]) == (cost, 0), country
    # The messages without a number: one row, country None (the library has no country for them).
    none = [i for i, number in enumerate(numbers) if number is None or number == ""]
    assert set(rows) - {None} == set(estimate.by_country)
    if none:
        assert (rows[None]["messages"], rows[None]["parts"]) == (len(none), sum(parts[i] for i in none))
        assert (rows[None]["unpriced"], rows[None]["cost"]) == (len(none), None)
    else:
        assert None not in rows
    assert Decimal(dest["cost"]) == estimate.total
    assert Decimal(dest["low"]) == estimate.low
    assert Decimal(dest["high"]) == estimate.high
    assert dest["currency"] == estimate.currency
    assert dest["unpriced_messages"] == len(estimate.unpriced)
    assert dest["unpriced_parts"] == sum(parts[i] for i in estimate.unpriced)
    assert sum(r["messages"] for r in rows.values()) == estimate.messages
    assert sum(r["parts"] for r in rows.values()) == estimate.parts


def parts_of(texts: list[str | None], **options: Any) -> list[int]:
    from smscodec import batch

    return [int(n) for n in batch.count_segments(texts, **options)]


# --- the per-country table -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_json_table_equals_the_library(
    capsys: pytest.CaptureFixture[str], files: dict[str, pathlib.Path], kind: str
) -> None:
    dest = destinations(capsys, str(files[kind]), "--prices", str(files["prices"]), "--to-column", "to")
    assert_matches_library(dest, expected(), parts_of(TEXTS), NUMBERS)
    assert dest["prices"] == str(files["prices"])


def test_hand_computed_amounts(capsys: pytest.CaptureFixture[str], files: dict[str, pathlib.Path]) -> None:
    dest = destinations(capsys, str(files["csv"]), "--prices", str(files["prices"]), "--to-column", "to")
    rows = rows_by_country(dest)
    # GB: 161 septets twice: 2 parts each (153 septets a part once concatenated, TS 23.040
    # 9.2.3.24.1), the empty message 1: 5 parts x 0.0400; networks 0.0380-0.0450.
    gb = rows["GB"]
    assert (gb["messages"], gb["parts"]) == (3, 5)
    assert (gb["cost"], gb["low"], gb["high"]) == ("0.2000", "0.1900", "0.2250")
    # US: 1 + 2 parts (80 UTF-16 units > 70) x 0.0080; networks 0.0070-0.0090.
    us = rows["US"]
    assert (us["messages"], us["parts"]) == (2, 3)
    assert (Decimal(us["cost"]), Decimal(us["low"]), Decimal(us["high"])) == (
        Decimal("0.0240"),
        Decimal("0.0210"),
        Decimal("0.0270"),
    )
    # CA, a +1 number phonenumbers places in Canada: 1 UCS-2 part x 0.0062.
    assert (rows["CA"]["parts"], Decimal(rows["CA"]["cost"])) == (1, Decimal("0.0062"))
    assert Decimal(dest["cost"]) == Decimal("0.2000") + Decimal("0.0240") + Decimal("0.0062")
    assert Decimal(dest["cost"]) == Decimal("0.2302")
    assert Decimal(dest["low"]) == Decimal("0.1900") + Decimal("0.0210") + Decimal("0.0062")
    assert Decimal(dest["high"]) == Decimal("0.2250") + Decimal("0.0270") + Decimal("0.0062")
    assert dest["currency"] == "EUR"


def test_a_161_character_message_to_gb_costs_two_parts(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path]
) -> None:
    path = tmp_path / "one.csv"
    path.write_text("to,text\n447700900123," + "x" * 161 + "\n", encoding="utf-8")
    dest = destinations(capsys, str(path), "--prices", str(files["prices"]), "--to-column", "to")
    assert dest["countries"] == [
        {
            "country": "GB",
            "name": "United Kingdom",
            "messages": 1,
            "parts": 2,
            "cost": "0.0800",
            "low": "0.0760",
            "high": "0.0900",
            "unpriced": 0,
            "why": None,
        }
    ]
    assert Decimal(dest["cost"]) == 2 * Decimal("0.0400")
    assert (dest["unpriced_messages"], dest["unpriced_parts"]) == (0, 0)


def _text_table(out: str) -> tuple[str, dict[str, tuple[int, int, str, int]], list[str]]:
    """The text report's "cost by destination" block: its first line, the rows by
    country label, and the lines after the table."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("cost by destination"))
    head = lines[start + 2]
    assert head.split() == ["country", "messages", "parts", "cost", "unpriced"]
    rows: dict[str, tuple[int, int, str, int]] = {}
    after: list[str] = []
    row = re.compile(r"^  (.+?)\s+([\d,]+)\s+([\d,]+)\s+(\S+)\s+([\d,]+)$")
    for line in lines[start + 3 :]:
        if not line:
            break
        found = row.match(line)
        if found is None:
            after.append(line.strip())
            continue
        label, messages, parts, cost, unpriced = found.groups()
        rows[label] = (int(messages.replace(",", "")), int(parts.replace(",", "")), cost, int(unpriced))
    return lines[start], rows, after


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_text_table_equals_the_library(
    capsys: pytest.CaptureFixture[str], files: dict[str, pathlib.Path], kind: str
) -> None:
    code, out, err = run(capsys, str(files[kind]), "--prices", str(files["prices"]), "--to-column", "to")
    assert (code, err) == (0, "")
    first, rows, after = _text_table(out)
    estimate = expected()
    assert first.split()[3:5] == [str(estimate.total), "EUR"]
    assert str(files["prices"]) in first
    names = {"GB": "United Kingdom", "US": "United States", "CA": "Canada"}
    for country, name in names.items():
        messages, parts, cost = estimate.by_country[country]
        assert rows[f"{country} {name}"] == (messages, parts, str(cost), 0)
    # Unpriced: shown with why, with "-" for the cost (never 0), all in the unpriced column.
    assert rows["JE (not in the price table)"] == (1, 1, "-", 1)
    assert rows["VA Vatican City (listed without a price)"] == (1, 1, "-", 1)
    assert rows["(no destination)"] == (1, 1, "-", 1)
    assert after == ["3 messages (3 parts) are not priced: they are not in the cost above"]
    # Dearest first, the unpriced after.
    assert list(rows)[:3] == ["GB United Kingdom", "US United States", "CA Canada"]
    low, high = out.splitlines()[out.splitlines().index(first) + 1].split()[:3:2]
    assert (Decimal(low), Decimal(high)) == (estimate.low, estimate.high)


def test_one_unpriced_message_is_said_in_the_singular(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path]
) -> None:
    path = tmp_path / "je.csv"
    path.write_text("to,text\n+44 1534 456789,hi\n447700900123,hi\n", encoding="utf-8")
    code, out, _ = run(capsys, str(path), "--prices", str(files["prices"]), "--to-column", "to")
    assert code == 0
    assert _text_table(out)[2] == ["1 message (1 part) is not priced: it is not in the cost above"]


# --- unpriced and unplaceable numbers --------------------------------------------------------


def test_unpriced_numbers_are_reported_never_priced_at_zero(
    capsys: pytest.CaptureFixture[str], files: dict[str, pathlib.Path]
) -> None:
    dest = destinations(capsys, str(files["csv"]), "--prices", str(files["prices"]), "--to-column", "to")
    rows = rows_by_country(dest)
    unpriced = {
        c: (r["messages"], r["parts"], r["cost"], r["unpriced"], r["why"])
        for c, r in rows.items()
        if r["cost"] is None
    }
    assert unpriced == {
        "JE": (1, 1, None, 1, "not in the price table"),
        "VA": (1, 1, None, 1, "listed without a price"),
        None: (1, 1, None, 1, "no destination"),
    }
    assert (rows["VA"]["name"], rows["JE"]["name"], rows[None]["name"]) == ("Vatican City", None, None)
    assert all(r["low"] is None and r["high"] is None for r in rows.values() if r["cost"] is None)
    # The total is the priced countries' sum alone; the library agrees.
    priced = sum((Decimal(r["cost"]) for r in rows.values() if r["cost"] is not None), Decimal(0))
    assert Decimal(dest["cost"]) == priced == expected().total
    assert (dest["unpriced_messages"], dest["unpriced_parts"]) == (3, 3)
    assert list(expected().unpriced) == UNPRICED


def test_a_number_libphonenumber_cannot_place_is_in_its_dialing_codes_main_country(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path]
) -> None:
    # 447700900000 is Ofcom's drama range, +1 555 numbers are fictional: not valid numbers,
    # priced at their dialing code's main country (GB, US), as the library does.
    path = tmp_path / "drama.csv"
    numbers = ["447700900000", "+1 555 555 0100"]
    path.write_text("to,text\n" + "".join(f"{n},hello\n" for n in numbers), encoding="utf-8")
    dest = destinations(capsys, str(path), "--prices", str(files["prices"]), "--to-column", "to")
    assert [(r["country"], r["cost"]) for r in dest["countries"]] == [("GB", "0.0400"), ("US", "0.0080")]
    assert pricing.countries_of(numbers) == ["GB", "US"]


def test_a_value_that_is_no_phone_number_names_its_line_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("to,text\n447700900123,hi\nnot a number,hi\n", encoding="utf-8")
    code, out, err = run(capsys, str(path), "--prices", str(files["prices"]), "--to-column", "to")
    assert (code, out) == (1, "")
    assert err.startswith(f"smscodec: PricingError: {path}: line 3, column 'to': 'not a number' ")
    assert err.count("\n") == 1
    with pytest.raises(PricingError, match="not a phone number"):
        pricing.countries_of(["not a number"])
    # And a dialing code no country has: the library refuses it too.
    path.write_text("to,text\n999123456,hi\n", encoding="utf-8")
    code, _, err = run(capsys, str(path), "--prices", str(files["prices"]), "--to-column", "to")
    assert code == 1
    assert err.startswith(f"smscodec: PricingError: {path}: line 2, column 'to': no country has the dialing")


def test_integer_numbers_in_parquet_and_missing_values(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path]
) -> None:
    # Exports often store numbers as integers; a null number is no destination, a null
    # text 0 parts (as in smscodec.batch).
    path = tmp_path / "ints.parquet"
    texts = ["x" * 161, "hi", None, "hello"]
    numbers = [447700900123, 12025550123, 447700900124, None]
    pq.write_table(pa.table({"text": texts, "to": pa.array(numbers, pa.int64())}), path)
    dest = destinations(capsys, str(path), "--prices", str(files["prices"]), "--to-column", "to")
    # A list with None is no column for the library: the Arrow columns count a null as 0 parts.
    estimate = pricing.estimate(
        pa.array(texts, pa.string()), to=pa.array(numbers, pa.int64()), prices=table()
    )
    assert_matches_library(dest, estimate, parts_of(texts), numbers)
    rows = rows_by_country(dest)
    assert (rows["GB"]["messages"], rows["GB"]["parts"], rows["GB"]["cost"]) == (2, 2, "0.0800")
    assert (rows[None]["messages"], rows[None]["parts"]) == (1, 1)


@pytest.mark.parametrize("form", ["plain", "plus", "dictionary", "large_string"])
def test_number_columns_of_every_form_give_the_librarys_countries(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path], form: str
) -> None:
    # The same destinations written as digits, with "+", as a dictionary column (repeated
    # numbers), and as large_string; with an empty string and a null (no destination) and
    # +1/+7/+44 numbers of several countries each (decided by libphonenumber's patterns).
    numbers = ["447700900123", "12025550123", "16045550123", "", None, "447700900123",
               "441534456789", "79161234567", "77011234567", "12025550123", "390669812345"]  # fmt: skip
    if form == "plus":
        numbers = [None if n is None else (f"+{n}" if n else n) for n in numbers]
    texts = [f"message {i}" for i in range(len(numbers))]
    column: Any = pa.array(numbers, pa.string())
    if form == "dictionary":
        column = column.dictionary_encode()
    elif form == "large_string":
        column = column.cast(pa.large_string())
    path = tmp_path / f"{form}.parquet"
    pq.write_table(pa.table({"text": pa.array(texts, pa.string()), "to": column}), path)
    dest = destinations(capsys, str(path), "--prices", str(files["prices"]), "--to-column", "to")
    assert_matches_library(dest, expected(texts, numbers), parts_of(texts), numbers)
    expect = pricing.countries_of([n or None for n in numbers])
    rows = rows_by_country(dest)
    for country in set(expect):
        assert rows[country]["messages"] == expect.count(country), country
    assert {"GB", "US", "CA", "JE", "RU", "KZ", "VA"} <= set(rows)


def test_many_chunks_give_the_same_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, files: dict[str, pathlib.Path]
) -> None:
    # Chunks of 2 rows: countries first met in later chunks, the no-destination row among them.
    whole = {
        kind: destinations(capsys, str(files[kind]), "--prices", str(files["prices"]), "--to-column", "to")
        for kind in ("csv", "parquet")
    }
    monkeypatch.setattr(_inputs, "CHUNK", 2)
    for kind in ("csv", "parquet"):
        dest = destinations(capsys, str(files[kind]), "--prices", str(files["prices"]), "--to-column", "to")
        assert dest == whole[kind] == whole["csv"]


def test_smart_and_policy_options_price_the_parts_they_count(
    capsys: pytest.CaptureFixture[str], files: dict[str, pathlib.Path]
) -> None:
    argv = (str(files["csv"]), "--prices", str(files["prices"]), "--to-column", "to")
    dest = destinations(capsys, *argv, "--smart")
    assert_matches_library(dest, expected(smart=True), parts_of(TEXTS, smart=True), NUMBERS)
    code, out, _ = run(capsys, *argv, "--smart", "--json")
    assert code == 0
    assert json.loads(out)["segments"] == sum(parts_of(TEXTS, smart=True))


# --- --output ---------------------------------------------------------------------------------


def _read_output(path: pathlib.Path) -> list[dict[str, Any]]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as file:
            return list(csv.DictReader(file))
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return pq.read_table(path).to_pylist()  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", ["csv", "parquet"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_output_has_each_rows_country_and_cost(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    files: dict[str, pathlib.Path],
    kind: str,
    suffix: str,
) -> None:
    out_path = tmp_path / f"out{suffix}"
    code, _, err = run(
        capsys,
        str(files[kind]),
        "--prices",
        str(files["prices"]),
        "--to-column",
        "to",
        "--output",
        str(out_path),
    )
    assert (code, err) == (0, "")
    rows = _read_output(out_path)
    estimate = expected()
    countries = pricing.countries_of([n or None for n in NUMBERS])
    assert len(rows) == len(ROWS)
    assert list(rows[0])[:3] == ["id", "to", "text"]
    assert list(rows[0])[3:] == ["parts", "encoding", "units", "country", "cost", "blocking"]
    for index, row in enumerate(rows):
        want = estimate.per_message[index]
        cost, country = row["cost"], row["country"]
        if suffix == ".csv":  # CSV has no null: an empty field
            cost, country = cost or None, country or None
        if want is None:
            assert cost is None, index  # unpriced: empty, never 0
        else:
            assert isinstance(cost, (str, Decimal)), index
            assert Decimal(cost) == want, index
        assert country == countries[index], index
        assert int(row["parts"]) == parts_of([TEXTS[index]])[0]
    assert [i for i, row in enumerate(rows) if row["cost"] in (None, "")] == UNPRICED
    if suffix == ".parquet":
        schema = pq.read_schema(out_path)
        assert schema.field("cost").type == pa.decimal128(38, 4)
        assert schema.field("country").type == pa.string()
    # The per-message costs add up to the report's total.
    total = sum((Decimal(str(r["cost"])) for r in rows if r["cost"] not in (None, "")), Decimal(0))
    assert total == estimate.total


def test_output_with_threads_is_the_same(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path]
) -> None:
    argv = (str(files["parquet"]), "--prices", str(files["prices"]), "--to-column", "to")
    one, two = tmp_path / "one.parquet", tmp_path / "two.parquet"
    assert run(capsys, *argv, "--output", str(one))[0] == 0
    assert run(capsys, *argv, "--output", str(two), "--threads", "2")[0] == 0
    assert pq.read_table(one).equals(pq.read_table(two))


@pytest.mark.parametrize("smart", [False, True])
def test_pricing_and_a_parquet_output_never_import_pandas(
    tmp_path: pathlib.Path, files: dict[str, pathlib.Path], smart: bool
) -> None:
    # pyarrow's own converters import pandas when it is installed (0.2 s, more than the
    # report of a million messages): the CLI builds its arrays without them.
    pytest.importorskip("pandas")
    out_path = tmp_path / "out.parquet"
    argv = [str(files["parquet"]), "--json", "--prices", str(files["prices"]), "--to-column", "to"]
    argv += ["--output", str(out_path), *(["--smart"] if smart else [])]
    program = (
        "import sys, io, contextlib\n"
        "from smscodec.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['analyze', *{argv!r}])\n"
        "print(code, 'pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "False"]
    assert pq.read_table(out_path).num_rows == len(ROWS)


# --- errors ----------------------------------------------------------------------------------


def test_prices_without_to_column(capsys: pytest.CaptureFixture[str], files: dict[str, pathlib.Path]) -> None:
    code, out, err = run(capsys, str(files["csv"]), "--prices", str(files["prices"]))
    assert (code, out) == (2, "")
    assert err == (
        "smscodec: error: --prices needs --to-column: the column of destination numbers to price by\n"
    )
    code, _, err = run(capsys, str(files["csv"]), "--to-column", "to")
    assert code == 2
    assert err == "smscodec: error: --to-column names the destinations for --prices: give --prices too\n"


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_to_column_missing_names_the_columns(
    capsys: pytest.CaptureFixture[str], files: dict[str, pathlib.Path], kind: str
) -> None:
    path = str(files[kind])
    code, out, err = run(capsys, path, "--prices", str(files["prices"]), "--to-column", "msisdn")
    assert (code, out) == (2, "")
    assert err == (
        f"smscodec: error: {path}: no column 'msisdn' for --to-column (columns: 'id', 'to', 'text')\n"
    )


def test_price_and_prices_together(
    capsys: pytest.CaptureFixture[str], files: dict[str, pathlib.Path]
) -> None:
    code, out, err = run(
        capsys, str(files["csv"]), "--price", "0.05", "--prices", str(files["prices"]), "--to-column", "to"
    )
    assert (code, out) == (2, "")
    assert (
        err == "smscodec: error: give --price (one price per part) or --prices (by destination), not both\n"
    )


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        '{"countries": [{"countryCode": "GB", "currency": "EUR", "defaultPrice": "-0.04"}]}',
        '{"countries": [{"countryCode": "GB", "currency": "EUR", "defaultPrice": "cheap"}]}',
        '{"countries": [{"currency": "EUR", "defaultPrice": "0.04"}]}',
        '{"countries": [{"countryCode": "GB", "currency": "EUR", "defaultPrice": "0.04"},'
        ' {"countryCode": "US", "currency": "USD", "defaultPrice": "0.008"}]}',
    ],
    ids=["not-json", "negative", "not-a-number", "no-country-code", "two-currencies"],
)
def test_malformed_pricing_is_the_pricing_error_with_the_file_name(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path], body: str
) -> None:
    bad = tmp_path / "bad-pricing.json"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(PricingError) as raised:
        pricing.parse_vonage_pricing(body)
    code, out, err = run(capsys, str(files["csv"]), "--prices", str(bad), "--to-column", "to")
    assert (code, out) == (2, "")
    assert err == f"smscodec: error: --prices {bad}: {raised.value}\n"


def test_missing_pricing_file(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path]
) -> None:
    missing = tmp_path / "nowhere.json"
    code, _, err = run(capsys, str(files["csv"]), "--prices", str(missing), "--to-column", "to")
    assert code == 2
    assert err == f"smscodec: error: --prices {missing}: cannot read: No such file or directory\n"


@pytest.mark.parametrize("how", [[], ["--format", "lines"]])
def test_text_input_cannot_be_priced(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path], how: list[str]
) -> None:
    path = tmp_path / "messages.txt" if not how else files["csv"]
    if not how:
        path.write_text("hello\nworld\n", encoding="utf-8")
    code, out, err = run(capsys, str(path), *how, "--prices", str(files["prices"]), "--to-column", "to")
    assert (code, out) == (2, "")
    assert err == (
        "smscodec: error: --prices needs a CSV or Parquet input, with a column of destination numbers\n"
    )


def test_errors_come_before_any_output_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    out_path = tmp_path / "out.csv"
    code, _, err = run(
        capsys, str(files["csv"]), "--prices", str(bad), "--to-column", "to", "--output", str(out_path)
    )
    assert code == 2
    assert f"--prices {bad}: " in err
    assert not out_path.exists()
    code, _, err = run(
        capsys,
        str(files["csv"]),
        "--prices",
        str(files["prices"]),
        "--to-column",
        "nope",
        "--output",
        str(out_path),
    )
    assert code == 2
    assert "no column 'nope'" in err
    assert not out_path.exists()


# --- --html -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_html_has_the_same_country_table(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, files: dict[str, pathlib.Path], kind: str
) -> None:
    page = tmp_path / "report.html"
    argv = (str(files[kind]), "--prices", str(files["prices"]), "--to-column", "to")
    dest = destinations(capsys, *argv)
    code, _, err = run(capsys, *argv, "--html", str(page))
    assert (code, err) == (0, "")
    dom = parse(page.read_text(encoding="utf-8"))
    section = dom.find("section", id="countries")
    table_ = section.find("table", cls="countries")
    assert [th.text() for th in table_.find_all("th")] == [
        "country",
        "name",
        "messages",
        "parts",
        "cost",
        "low",
        "high",
        "unpriced",
        "why unpriced",
    ]
    shown = [[td.text() for td in tr.find_all("td")] for tr in table_.find("tbody").find_all("tr")]
    want = [
        [
            row["country"] or "(no destination)",
            row["name"] or "",
            f"{row['messages']:,}",
            f"{row['parts']:,}",
            row["cost"] or "-",
            row["low"] or "-",
            row["high"] or "-",
            f"{row['unpriced']:,}",
            row["why"] or "",
        ]
        for row in dest["countries"]
    ]
    assert shown == want
    assert [tr.attrs["data-country"] for tr in table_.find("tbody").find_all("tr")] == [
        row["country"] or "" for row in dest["countries"]
    ]
    figures = {n.attrs["data-k"]: n.attrs["data-v"] for n in section.find_all("strong")}
    assert figures == {"cost": dest["cost"], "low": dest["low"], "high": dest["high"]}
    assert Decimal(figures["cost"]) == expected().total
    note = section.find("p", cls="warn")
    assert note.attrs["data-v"] == "3"
    assert note.text().startswith("3 messages (3 parts) not priced")
    assert "EUR" in section.text()


# --- the bundled examples --------------------------------------------------------------------


def _examples() -> tuple[list[str], list[str]]:
    with open(ROOT / "examples" / "messages_to.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return [r["text"] for r in rows], [r["to"] for r in rows]


def test_the_documented_command_on_the_bundled_examples(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # docs/pricing.rst's command, from the repository root, as a reader types it.
    monkeypatch.chdir(ROOT)
    argv = ("examples/messages_to.csv", "--prices", "examples/pricing.json", "--to-column", "to")
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    texts, numbers = _examples()
    with open("examples/pricing.json", "rb") as file:
        prices = pricing.parse_vonage_pricing(file.read())
    estimate = pricing.estimate(texts, to=[n or None for n in numbers], prices=prices)
    first, rows, after = _text_table(out)
    assert first.startswith(f"cost by destination  {estimate.total} EUR  ")
    for country, (messages, parts, cost) in estimate.by_country.items():
        label = next(label for label in rows if label.split()[0] == country)
        assert rows[label][:3] == (messages, parts, "-" if cost is None else str(cost)), country
    unpriced_parts = sum(
        estimate.by_country[c].parts for c in estimate.by_country if estimate.by_country[c].cost is None
    )
    assert after == [
        f"{len(estimate.unpriced)} messages ({unpriced_parts} parts) are not priced: "
        "they are not in the cost above"
    ]
    dest = destinations(capsys, *argv)
    assert_matches_library(dest, estimate, parts_of(texts), numbers)  # type: ignore[arg-type]
    # The examples exercise what the table lacks and what it lists without a price.
    assert {r["country"]: r["why"] for r in dest["countries"] if r["cost"] is None} == {
        "JE": "not in the price table",
        "VA": "listed without a price",
    }
    assert Decimal(dest["cost"]) == estimate.total == Decimal("208.34644000")


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_bad_numbers_unpriced_counts_them_and_names_the_first(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    files: dict[str, pathlib.Path],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    # --bad-numbers unpriced: a value that is no phone number leaves its message unpriced
    # (never priced at 0) and the report says how many and where the first was; the
    # default stays an error naming the line.  Several chunks, the bad values in two.
    monkeypatch.setattr(_inputs, "CHUNK", 3)
    monkeypatch.setattr(_inputs, "MAX_PARQUET_BATCH", 3)
    numbers = ["447700900123", "not a number", "+1 202 555 0123", "", "999123456", "447700900123", "12ab"]
    texts = ["hi", "x" * 161, "code 1", "none", "hello", "x" * 161, "bye"]
    if kind == "csv":
        path = tmp_path / "bad.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([("to", "text"), *zip(numbers, texts, strict=True)])
        first = f"{path}: line 3, column 'to'"
    else:
        path = tmp_path / "bad.parquet"
        pq.write_table(pa.table({"to": numbers, "text": texts}), path, row_group_size=3)
        first = f"{path}: row 2, column 'to'"
    argv = [str(path), "--prices", str(files["prices"]), "--to-column", "to"]
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert err.startswith(f"smscodec: PricingError: {first}: 'not a number' is not a phone number")
    out_path = tmp_path / "out.csv"
    dest = destinations(capsys, *argv, "--bad-numbers", "unpriced", "--output", str(out_path))
    bad = {1, 4, 6}
    want = pricing.estimate(texts, [None if i in bad or not n else n for i, n in enumerate(numbers)], table())
    lenient = pricing.estimate(texts, [n or None for n in numbers], table(), invalid="unpriced")
    assert lenient.total == want.total
    assert set(lenient.invalid) == bad
    assert sorted(lenient.unpriced) == sorted(bad | {3})
    assert Decimal(dest["cost"]) == want.total
    assert dest["invalid_messages"] == 3
    assert dest["first_invalid"]["where"] == first
    assert dest["first_invalid"]["why"].startswith("'not a number' is not a phone number")
    rows = {(row["country"], row["why"]): row for row in dest["countries"]}
    assert rows[(None, "not a phone number")]["messages"] == 3
    assert rows[(None, "not a phone number")]["parts"] == 1 + 1 + 1 + 1  # 161 septets: 2 parts
    assert rows[(None, "no destination")]["messages"] == 1
    assert dest["unpriced_messages"] == 4
    with out_path.open(encoding="utf-8", newline="") as f:
        written = list(csv.DictReader(f))
    assert [(r["country"], r["cost"]) for r in written] == [
        ("GB", "0.0400"),
        ("", ""),
        ("US", "0.0080"),
        ("", ""),
        ("", ""),
        ("GB", "0.0800"),
        ("", ""),
    ]
    code, text, _ = run(capsys, *argv, "--bad-numbers", "unpriced")
    assert code == 0
    assert "(not a phone number)" in text
    assert f"3 messages go to a value that is no phone number; the first: {first}: " in text
