"""How ``batch.analyze`` results show: still a dict of arrays, a short ``repr`` of the
totals, and a summary table in a notebook."""

from __future__ import annotations

import pytest

import smscodec
from _html import parse

np = pytest.importorskip("numpy")
from smscodec import batch  # noqa: E402  (needs numpy)


def test_analysis_is_a_dict_of_the_arrays() -> None:
    texts = ["a" * 200, None, "ж", "hi"]
    result = batch.analyze(texts)
    assert isinstance(result, dict)
    assert isinstance(result, batch.Analysis)
    assert set(result) == {"segments", "units", "remaining", "encoding"}
    assert result["segments"].tolist() == [2, 0, 1, 1]


def test_analysis_repr_is_the_totals() -> None:
    texts = ["a" * 200, None, "ж", "hi"] * 250_000
    result = batch.analyze(texts)
    text = repr(result)
    assert text == (
        "Analysis(messages 1,000,000, missing (0 parts) 250,000, parts 1,000,000, parts per message 1.33, "
        "most parts 2, GSM-7 500,000, UCS-2 250,000 (33.3%); arrays: segments, units, remaining, encoding)"
    )
    assert repr(batch.analyze([])) == (
        "Analysis(messages 0, parts 0, GSM-7 0, UCS-2 0; arrays: segments, units, remaining, encoding)"
    )


def test_analysis_html_is_a_summary_table() -> None:
    texts = ["x" * 161, "’", "<script>alert(1)</script>"]
    result = batch.analyze(texts)
    page = result._repr_html_()
    assert "<script" not in page
    dom = parse(page)
    rows = {tr.find("th").text(): tr.find("td").text() for tr in dom.find_all("tr")}
    assert rows == {
        "messages": "3",
        "parts": "4",
        "parts per message": "1.33",
        "most parts": "2",
        "GSM-7": "2",
        "UCS-2": "1 (33.3%)",
    }
    assert int(rows["parts"]) == sum(smscodec.count_segments(t) for t in texts)
