"""Grapheme cluster counting against ``len()`` on 160-character texts of each width (issue 15).

``count_clusters(text, rules)`` of each twin (compiled ``c``, pure ``py``), both rule sets,
on one 160-code-point text per PEP 393 width: ASCII and Latin-1 (1 byte a code point:
the compiled twin only looks for CR LF there), Greek and Devanagari conjuncts (2 bytes),
and emoji with skin tones, flags and ZWJ sequences (4 bytes).  ``len()`` is the floor
a Python call can reach.  Run::

    PYTHONPATH=src python -m pytest benchmarks/test_bench_grapheme.py --benchmark-enable -p no:cacheprovider

The ratios (``len()`` over each twin, compiled over pure) print at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest


def _text(unit: str) -> str:
    text = (unit * (160 // len(unit) + 1))[:160]
    assert len(text) == 160
    return text


TEXTS = {
    "ascii": _text("Your code is 482913.\r\n"),
    "latin1": _text("Café crème à côté. "),
    "greek": _text("ΔΦΓΛΩ Ψ ΠΣΘΞ αβγ "),
    "devanagari": _text("क्षत्रिय नमस्ते हिंदी "),
    "emoji": _text("👍🏽 🇫🇷 👨‍👩‍👧 ok "),
}
RULES = {"unicode": 0, "twilio": 1}


@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("width", TEXTS)
def test_count_clusters(
    kernel: Callable[[str], ModuleType], backend: str, measure: Callable[..., Any], width: str, rules: str
) -> None:
    text = TEXTS[width]
    g = kernel("grapheme")
    count = measure(f"grapheme {width} {rules}", backend, len(text), g.count_clusters, text, RULES[rules])
    assert 0 < count <= len(text)


@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("width", TEXTS)
def test_len_baseline(measure: Callable[..., Any], width: str, rules: str) -> None:
    # The same len() call under each group's name, so that every ratio line has its floor.
    text = TEXTS[width]
    assert measure(f"grapheme {width} {rules}", "len()", len(text), len, text) == 160
