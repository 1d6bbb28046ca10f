"""The generated pages in a real browser: headless Chromium, driven through the DevTools
protocol (tests/_cdp.py), opens each page from a file and is asked what it shows.

For every page: the DOM holds the right number of parts, the highlighted characters and
the library's totals; nothing was logged to the console; the only request was the file
itself; a screenshot is saved as a test artefact (under ``$SMSCODEC_ARTIFACTS`` when set,
else pytest's temporary directory).  Hostile messages (markup that would run script,
right-to-left text, 4-byte emoji, combining marks, a lone surrogate in the report's
input) must show as text and run nothing.  One browser serves the whole module.

Skipped, with the reason, only when no Chromium binary is found (``.ci/run`` installs
Debian's ``chromium``; ``$SMSCODEC_CHROMIUM`` names another).
"""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

import smscodec
from _cdp import Browser, Page, find_chromium
from smscodec import _view, report

pytest.importorskip("numpy")
from smscodec._report import Campaign, ReportOptions  # needs numpy

CHROMIUM = find_chromium()
if CHROMIUM is None:
    pytest.skip(
        "no Chromium binary found (chromium, chromium-browser, google-chrome or $SMSCODEC_CHROMIUM): "
        "install Debian's chromium package",
        allow_module_level=True,
    )

HOSTILE = (
    '<script>window.__pwned = 1</script></svg><svg onload="window.__pwned = 2"><img src=x '
    'onerror="window.__pwned = 3"><style>body{display:none}</style> שלום עולם مرحبا \u202eevil\u202c '
    "e\u0301\u0328a\u0308 😀👩\u200d👩\u200d👧 🇫🇷 &lt;&amp;"
)
MIXED = "Prices from 5€ [today] only — call ☎ 😀 " * 12


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    assert CHROMIUM is not None
    chromium = Browser(CHROMIUM, tmp_path_factory.mktemp("chromium") / "profile")
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    chosen = os.environ.get("SMSCODEC_ARTIFACTS")
    if chosen:
        path = pathlib.Path(chosen) / "browser"
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("artifacts")


def show(browser: Browser, folder: pathlib.Path, name: str, page: str, *, scripts: bool = True) -> Page:
    path = folder / name
    path.write_text(page, encoding="utf-8")
    opened = browser.open(path, scripts=scripts)
    assert opened.console_errors() == []
    assert opened.requests() == [path.resolve().as_uri()]
    return opened


def screenshot(page: Page, artifacts: pathlib.Path, name: str) -> None:
    shot = page.screenshot(artifacts / name)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 5000


def cells_in_order(page: Page) -> bool:
    # Every cell after the one before it: to its right on the same row, or on a lower row
    # (right-to-left text inside a cell must not reorder the cells).
    return bool(
        page.evaluate(
            """[...document.querySelectorAll('ol.cells')].every(ol => {
                const boxes = [...ol.children].map(li => li.getBoundingClientRect());
                return boxes.every((b, i) => i === 0 || b.top > boxes[i - 1].top + 1
                    || (Math.abs(b.top - boxes[i - 1].top) <= 1 && b.left > boxes[i - 1].left));
            })"""
        )
    )


def test_view_page_shows_parts_costs_and_forcing_characters(
    browser: Browser, tmp_path: pathlib.Path, artifacts: pathlib.Path
) -> None:
    info = smscodec.analyze(MIXED)
    parts = smscodec.split(MIXED, reference=42)
    page = show(browser, tmp_path, "view.html", report.view_html(MIXED, reference=42))
    assert page.evaluate("document.querySelectorAll('section.part').length") == info.segments == len(parts)
    assert page.evaluate("document.querySelector('dd[data-k=segments]').dataset.v") == str(info.segments)
    assert page.evaluate("document.querySelector('dd[data-k=units]').dataset.v") == str(info.units)
    # What each part holds, and what its cells cost, as the browser reads them.
    per_part = page.evaluate(
        """[...document.querySelectorAll('section.part')].map(s => [Number(s.dataset.units),
            [...s.querySelectorAll('ol.cells li i')].reduce((n, i) => n + Number(i.textContent), 0)])"""
    )
    assert per_part == [[p.units, p.units] for p in parts]
    forcing = sum(info.text.count(ch) for ch in info.non_gsm7)
    assert page.evaluate("document.querySelectorAll('ol.cells li.f').length") == forcing
    assert page.evaluate("document.querySelectorAll('ol.cells li.s').length") == MIXED.count("😀")
    codes = page.evaluate("[...new Set([...document.querySelectorAll('li.f u')].map(u => u.textContent))]")
    assert codes == [f"U+{ord(ch):04X}" for ch in info.non_gsm7]
    # The style sheet applies: a forcing cell is drawn red.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('li.f')).backgroundColor")
        == "rgb(255, 235, 233)"
    )
    assert page.evaluate("[...document.querySelectorAll('ol.cells li')].every(li => li.offsetWidth > 0)")
    assert cells_in_order(page)
    screenshot(page, artifacts, "view-mixed.png")
    page.close()


def test_escape_pairs_never_straddle_in_the_page(
    browser: Browser, tmp_path: pathlib.Path, artifacts: pathlib.Path
) -> None:
    text = "]" * 153
    page = show(browser, tmp_path, "pairs.html", report.view_html(text, reference=7))
    got = page.evaluate(
        "[...document.querySelectorAll('section.part')].map(s => s.querySelectorAll('li.e').length)"
    )
    assert got == [76, 76, 1]
    assert page.evaluate("document.querySelector('li.e u').textContent") == "1B 3E"
    screenshot(page, artifacts, "view-escapes.png")
    page.close()


def test_hostile_message_is_text_and_runs_nothing(
    browser: Browser, tmp_path: pathlib.Path, artifacts: pathlib.Path
) -> None:
    page = show(browser, tmp_path, "hostile.html", report.view_html(HOSTILE, reference=1))
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.querySelectorAll('svg').length") == 0
    assert page.evaluate("getComputedStyle(document.body).display") == "block"
    shown = page.evaluate("[...document.querySelectorAll('ol.cells li b')].map(b => b.textContent)")
    assert shown == [_view.visible(ch)[0] for ch in HOSTILE]
    assert page.evaluate("document.querySelector('ol.cells').textContent").startswith("<1s1c1r1i1p1t1>1")
    assert cells_in_order(page)
    screenshot(page, artifacts, "view-hostile.png")
    page.close()


def campaign_record(texts: list[Any]) -> dict[str, Any]:
    campaign = Campaign(ReportOptions(), sample=4)
    campaign.add(texts)
    return campaign.record(price=Decimal("0.0075"))


TEXTS = [MIXED, HOSTILE, "Your code is 123456", "Don’t miss our sale — today only…", None, "x" * 400]


def test_campaign_page_totals_charts_and_sample(
    browser: Browser, tmp_path: pathlib.Path, artifacts: pathlib.Path
) -> None:
    record = campaign_record(TEXTS)
    page = show(browser, tmp_path, "campaign.html", report.campaign_html(record))
    totals = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#totals dd')]"
        ".map(d => [d.dataset.k, d.dataset.v]))"
    )
    assert totals["messages"] == str(len(TEXTS))
    assert totals["segments"] == str(sum(smscodec.count_segments(t) for t in TEXTS if t is not None))
    assert totals["ucs2"] == str(record["ucs2"])
    assert totals["cost"] == record["cost"]
    bars = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('g.bar')]"
        ".map(g => [g.dataset.parts, Number(g.dataset.count)]))"
    )
    assert bars == record["histogram"]
    # Chart labels are text the browser can select and search.
    assert "3 parts1 (20.0%)" in page.evaluate("document.querySelector('svg.hist').textContent")
    assert page.evaluate("window.find('UCS-2 share')")
    rows = page.evaluate("[...document.querySelectorAll('table.blockers tbody tr')].map(r => r.dataset.char)")
    assert rows == [item["codepoint"] for item in record["forcing_chars"]]
    articles = page.evaluate(
        "[...document.querySelectorAll('article.sample')].map(a => [Number(a.dataset.segments),"
        " a.querySelectorAll('section.part').length])"
    )
    assert articles == [[item["segments"], min(3, item["segments"])] for item in record["sample"]]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.images.length") == 0
    # The hostile message is in the sample, as text.
    assert "<script>" in page.evaluate(
        "[...document.querySelectorAll('article.sample ol.cells li b')].map(b => b.textContent).join('')"
    )
    assert cells_in_order(page)
    screenshot(page, artifacts, "campaign.png")
    pdf = page.pdf(artifacts / "campaign.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    page.close()


def test_campaign_page_readable_without_javascript(browser: Browser, tmp_path: pathlib.Path) -> None:
    record = campaign_record(TEXTS)
    path_page = report.campaign_html(record)
    page = show(browser, tmp_path, "nojs.html", path_page, scripts=False)
    # Asked through the protocol, which runs even with the page's scripts disabled.
    parts = page.evaluate("document.querySelectorAll('article.sample section.part').length")
    assert parts == sum(min(3, item["segments"]) for item in record["sample"])
    assert page.evaluate("document.querySelector('#totals dd').textContent") == f"{len(TEXTS):,}"
    page.close()


def test_lone_surrogate_in_the_reports_input_shows_as_text(
    browser: Browser, tmp_path: pathlib.Path, artifacts: pathlib.Path
) -> None:
    # A report read back from JSON can hold a lone surrogate, which no UTF-8 file can.
    record = json.loads(json.dumps(campaign_record(TEXTS)))
    record["sample"].insert(
        0, json.loads('{"index": 9, "text": "Hi \\ud83d<script>window.__pwned=4</script>", "segments": 9}')
    )
    page = show(browser, tmp_path, "surrogate.html", report.campaign_html(record))
    text = page.evaluate("document.querySelector('article.sample[data-index=\"9\"]').textContent")
    assert "lone surrogate U+D83D" in text
    assert "Hi U+D83D<script>window.__pwned=4</script>" in text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    screenshot(page, artifacts, "campaign-surrogate.png")
    page.close()


def test_the_checks_see_a_page_that_misbehaves(browser: Browser, tmp_path: pathlib.Path) -> None:
    # A page that logs, throws and fetches: the same checks must catch each of them.
    path = tmp_path / "planted.html"
    path.write_text(
        "<!DOCTYPE html><html><body><script>console.log('hi'); window.__ran = 1;</script>"
        '<img src="http://127.0.0.1:9/x.png"><script>throw new Error("boom")</script></body></html>',
        encoding="utf-8",
    )
    page = browser.open(path)
    assert page.evaluate("window.__ran") == 1
    kinds = {
        "log" if "type" in e else "exception" if "exceptionDetails" in e else "entry"
        for e in page.console_errors()
    }
    assert {"log", "exception"} <= kinds
    assert "http://127.0.0.1:9/x.png" in page.requests()
    page.close()
