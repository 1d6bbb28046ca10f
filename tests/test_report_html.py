"""The campaign page (smscodec.report.campaign_html) and the report's sample of the most
expensive messages (smscodec._report.Sample): every figure on the page equals the
report's, the sample equals what sorting every message with the scalar API gives, hostile
messages stay text, the page's size does not grow with the messages, and the structure
of the pages matches the golden files in tests/golden (the version and date left out)."""

from __future__ import annotations

import json
import os
import pathlib
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from _html import Node, outline, parse
from smscodec import _view, report, udh

pytest.importorskip("numpy")
from smscodec._report import SAMPLE_CHARS, Campaign, ReportOptions

GOLDEN = pathlib.Path(__file__).parent / "golden"

# The hand-made messages of tests/test_report.py: EM "—" + 100 "a" (UCS-2, 101 units, 2
# parts), BOTH "á—" + 100 "b" (102 units, 2 parts), PLAIN 40 "c" (GSM-7, 1 part).
EM = "—" + "a" * 100
BOTH = "á—" + "b" * 100
PLAIN = "c" * 40
HOSTILE = (
    '<script>alert(1)</script></svg><svg onload="alert(2)"><b>bold</b> שלום عربي \u202eevil '
    "e\u0301\u0328 😀👩\u200d👧 &amp; " + "x" * 80
)


def campaign(texts: list[Any], chunks: int = 1, sample: int = 5, **options: Any) -> Campaign:
    report_ = Campaign(ReportOptions(**options), sample=sample)
    size = max(1, -(-len(texts) // chunks))
    for lo in range(0, len(texts), size):
        report_.add(texts[lo : lo + size])
    return report_


def figures(dom: Node) -> dict[str, str]:
    return {dd.attrs["data-k"]: dd.attrs["data-v"] for dd in dom.find("section", id="totals").find_all("dd")}


# --- the sample -------------------------------------------------------------------------------


def test_sample_keeps_the_messages_with_the_most_parts() -> None:
    record = campaign([EM, PLAIN, BOTH], sample=2).record()
    # Both UCS-2 messages take 2 parts; BOTH has more units (102 against 101), so it comes first.
    assert record["sample"] == [
        {"index": 2, "text": BOTH, "segments": 2, "units": 102, "encoding": "ucs2", "truncated": False},
        {"index": 0, "text": EM, "segments": 2, "units": 101, "encoding": "ucs2", "truncated": False},
    ]


def test_no_sample_unless_asked() -> None:
    assert "sample" not in Campaign(ReportOptions()).record()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.none() | st.text(alphabet="ab€’😀", max_size=300), max_size=60),
    st.integers(1, 7),
    st.integers(1, 6),
    st.booleans(),
)
def test_sample_equals_sorting_every_message(texts: list[Any], chunks: int, size: int, smart: bool) -> None:
    record = campaign(texts, chunks=chunks, sample=size, smart=smart).record()
    ranked = sorted(
        (
            (-info.segments, -info.units, i, text)
            for i, text in enumerate(texts)
            if text is not None
            for info in [smscodec.analyze(text, smart=smart)]
        ),
    )[:size]
    assert [(-s, -u, i, t) for s, u, i, t in ranked] == [
        (item["segments"], item["units"], item["index"], item["text"]) for item in record["sample"]
    ]


def test_sample_from_arrow_chunks() -> None:
    pa = pytest.importorskip("pyarrow")
    texts = [PLAIN, EM, None, BOTH, "z" * 400]
    record = Campaign(ReportOptions(), sample=2)
    record.add(pa.array(texts[:3]))
    record.add(pa.chunked_array([texts[3:]]))
    assert [(item["index"], item["segments"]) for item in record.record()["sample"]] == [(4, 3), (3, 2)]


def test_sample_cuts_a_huge_text() -> None:
    huge = "y" * (SAMPLE_CHARS + 10)
    (item,) = campaign([huge], sample=1).record()["sample"]
    assert item["truncated"] is True
    assert len(item["text"]) == SAMPLE_CHARS
    assert item["segments"] == smscodec.count_segments(huge)
    page = report.campaign_html(campaign([huge], sample=1).record())
    article = parse(page).find("article", cls="sample")
    assert "too long to draw" in article.text()
    assert not article.find_all("section", cls="part")


# --- the page ------------------------------------------------------------------------------------


def test_page_figures_are_the_reports() -> None:
    record = campaign([EM, BOTH, PLAIN, None]).record(price=Decimal("0.05"))
    dom = parse(report.campaign_html(record))
    got = figures(dom)
    assert got["messages"] == "4"
    assert got["segments"] == "5"
    assert (got["gsm7"], got["ucs2"], got["missing"]) == ("1", "2", "1")
    assert got["cost"] == "0.25"
    bars = {g.attrs["data-parts"]: int(g.attrs["data-count"]) for g in dom.find_all("g", cls="bar")}
    assert bars == record["histogram"] == {"1": 1, "2": 2}
    # The chart's labels are real text.
    assert "2 parts" in dom.find("svg", cls="hist").text()
    share = {r.attrs["data-name"]: int(r.attrs["data-count"]) for r in dom.find_all("rect", cls="seg")}
    assert share == {"GSM-7": 1, "UCS-2": 2, "missing": 1}
    rows = dom.find("table", cls="blockers").find("tbody").find_all("tr")
    assert [r.attrs["data-char"] for r in rows] == [c["codepoint"] for c in record["forcing_chars"]]
    first = [td.text() for td in rows[0].find_all("td")]
    assert first == ["1", "—", "U+2014", "EM DASH", "'-'", "1", "0.05", "1", "2"]
    savings = {
        r.attrs["data-k"]: [td.text() for td in r.find_all("td")]
        for r in dom.find_all("tr")
        if "data-k" in r.attrs
    }
    assert savings == {"smart": ["--smart", "1", "0.05", "not applied"]}
    assert (
        "the texts as written, default GSM-7 tables: 5 parts (0.25)"
        in dom.find("section", id="savings").text()
    )


def test_page_draws_the_sample_with_the_viewer() -> None:
    record = campaign([EM, BOTH, PLAIN, "x" * 1000]).record()
    dom = parse(report.campaign_html(record))
    articles = dom.find_all("article", cls="sample")
    assert [int(a.attrs["data-segments"]) for a in articles] == [7, 2, 2, 1]
    for article, item in zip(articles, record["sample"], strict=True):
        # At most 3 parts cell by cell; the others listed.
        assert len(article.find_all("section", cls="part")) == min(3, item["segments"])
        assert article.find("dd", data_k="segments").attrs["data-v"] == str(item["segments"])
    assert "4 more parts not drawn" in articles[0].text()
    forced = [li.find("u").text() for li in articles[1].find_all("li", cls="f")]
    assert forced == ["U+00E1", "U+2014"]


def test_smart_and_languages_labels() -> None:
    record = campaign([EM, BOTH, "ş" * 100], smart=True, languages=("turkish",)).record()
    dom = parse(report.campaign_html(record))
    assert "Characters that still force UCS-2" in dom.find("section", id="blockers").text()
    assert dom.find("p", cls="options").text() == "Options: --smart --languages turkish."
    notes = dom.find("section", id="savings").find_all("p", cls="warn")
    assert len(notes) == 1
    assert "SMPP" in notes[0].text()
    status = {
        r.attrs["data-k"]: r.find_all("td")[-1].text() for r in dom.find_all("tr") if "data-k" in r.attrs
    }
    assert status == {
        "smart": "included, with another option",
        "languages": "included, with another option",
        "smart_and_languages": "applied: the totals are these",
    }


def test_country_table_when_the_report_has_one() -> None:
    record = campaign([EM, PLAIN]).record()
    record["by_country"] = {
        "GB": {"messages": 1, "parts": 2, "cost": "0.0800"},
        "US": {"messages": 1, "parts": 1, "cost": "0.0079"},
    }
    record["unpriced"] = [7, 9]
    dom = parse(report.campaign_html(record))
    table = dom.find("table", cls="countries")
    assert [th.text() for th in table.find_all("th")] == ["country", "messages", "parts", "cost"]
    assert [[td.text() for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")] == [
        ["GB", "1", "2", "0.0800"],
        ["US", "1", "1", "0.0079"],
    ]
    assert "2 messages not priced" in dom.find("section", id="countries").text()
    assert "countries" not in report.campaign_html(campaign([EM]).record())


def test_hostile_messages_stay_text() -> None:
    record = campaign([HOSTILE, PLAIN]).record()
    page = report.campaign_html(record)
    assert "<script" not in page
    assert "onload" not in page.replace('onload="alert(2)"', "").replace("onload=&quot;alert(2)&quot;", "")
    dom = parse(page)
    assert not dom.find_all("script")
    # The <b> of the text is no element: every <b> of the page is a cell's glyph.
    assert len(dom.find_all("b")) == sum(len(ol.find_all("li")) for ol in dom.find_all("ol", cls="cells"))
    article = dom.find("article", cls="sample", data_index="0")
    shown = [li.find("b").text() for ol in article.find_all("ol", cls="cells") for li in ol.find_all("li")]
    assert shown[: len("<script>")] == list("<script>")
    # Cells hold the characters as sent: the first parts of the hostile text, visibly.
    sent = "".join(p.text for p in smscodec.split(HOSTILE, reference=0))
    assert shown == [_view.visible(ch)[0] for ch in sent][: len(shown)]
    assert "U+202E" in shown


def test_a_lone_surrogate_in_the_input_is_shown_as_its_code_point() -> None:
    # A report read back from JSON may hold what no UTF-8 file can: a lone surrogate.
    record = json.loads(json.dumps(campaign([EM]).record()))
    record["sample"].insert(
        0, json.loads('{"index": 3, "text": "a\\ud800<script>x</script>", "segments": 9, "units": 9}')
    )
    record["forcing_chars"].append(
        dict(record["forcing_chars"][0], char="\ud800", codepoint="U+D800", name="")
    )
    page = report.campaign_html(record)
    page.encode("utf-8")  # nothing unencodable
    assert "<script" not in page
    dom = parse(page)
    article = dom.find("article", cls="sample", data_index="3")
    assert "cannot be drawn: EncodingError: lone surrogate U+D800" in article.text()
    assert article.find("blockquote").text() == "aU+D800<script>x</script>"
    assert dom.find("tr", data_char="U+D800").find("td", cls="glyph").text() == "U+D800"
    # The library itself refuses such a message, naming it.
    with pytest.raises(smscodec.EncodingError, match=r"texts\[1\]"):
        campaign([EM, "a\ud800"])


def test_page_size_does_not_grow_with_the_messages() -> None:
    rng = random.Random(13)
    pool = [rng.choice([EM, BOTH, PLAIN, "x" * 300, "Ω€" * 90, "😀" * 50]) + str(i) for i in range(2000)]
    many = 1_000_000 if smscodec.BACKEND == "c" else 20_000
    big = Campaign(ReportOptions(), sample=5)
    for _ in range(many // len(pool)):
        big.add(pool)
    small = campaign(pool[:200])
    big_page = report.campaign_html(big.record(price=Decimal("0.01")))
    small_page = report.campaign_html(small.record(price=Decimal("0.01")))
    assert parse(big_page).find("dd", data_k="messages").attrs["data-v"] == str(many)
    assert len(big_page.encode()) < 200_000
    assert len(big_page) < 1.5 * len(small_page)


def test_empty_report() -> None:
    dom = parse(report.campaign_html(Campaign(ReportOptions(), sample=3).record()))
    assert figures(dom)["messages"] == "0"
    assert not dom.find_all("svg")
    assert "None: every message goes as GSM-7." in dom.text()


# --- golden structure -------------------------------------------------------------------------

PAGES = {
    "view_gsm7_extension.txt": lambda: report.view_html("Price: 5€ [x]", reference=42),
    "view_ucs2_pairs.txt": lambda: report.view_html("Hi 😀 it’s " + "z" * 60, reference=42),
    "view_turkish.txt": lambda: report.view_html("Ağaç ş € á", languages=["turkish", "spanish"], reference=1),
    "view_smart.txt": lambda: report.view_html("Don’t wait… \u200bnow", smart=True),
    "view_binary.txt": lambda: report.view_html(bytes(range(20)), udh=udh.build([udh.PortAddress(5507, 0)])),
    "campaign.txt": lambda: report.campaign_html(
        campaign([EM, BOTH, PLAIN, None, HOSTILE], sample=2).record(price=Decimal("0.05"))
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_structure_matches_the_golden_file(name: str) -> None:
    got = "\n".join(outline(parse(PAGES[name]()))) + "\n"
    path = GOLDEN / name
    if os.environ.get("SMSCODEC_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with SMSCODEC_UPDATE_GOLDEN=1 and review it"
    assert got == path.read_text(encoding="utf-8")


def test_golden_outline_leaves_out_the_version_and_date() -> None:
    page = report.view_html("x")
    assert smscodec.__version__ in page
    text = "\n".join(outline(parse(page)))
    assert smscodec.__version__ not in text
    assert "<footer volatile>" in text
