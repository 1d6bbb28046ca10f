"""estimate_cost (smscodec.segments): exact decimal arithmetic over the segment count."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smscodec import ArgumentError, count_segments, estimate_cost


def test_cost_of_one_and_many() -> None:
    assert estimate_cost("hello", "0.0075") == Decimal("0.0075")
    texts = ["a" * 161, "\u00e7", "]" * 153]  # 2 + 1 + 3 parts
    assert estimate_cost(texts, Decimal("0.0075")) == Decimal("0.0450")
    assert estimate_cost(iter(texts), 2) == Decimal(12)
    assert estimate_cost([], "0.1") == Decimal("0.0")


def test_cost_is_exact() -> None:
    # 0.1 has no float representation; Decimal keeps it exact over many parts.
    total = estimate_cost(["a" * 161] * 1000, "0.1")
    assert total == Decimal("200.0")
    assert isinstance(total, Decimal)


def test_cost_follows_options() -> None:
    text = "Caf\u00e9 \u2019ok\u2019 " * 12
    assert estimate_cost(text, 1, smart=True) == count_segments(text, smart=True)
    assert estimate_cost(text, 1, encoding="ucs2") == count_segments(text, encoding="ucs2")
    assert estimate_cost("ş" * 100, 1, languages=["turkish"]) == 1


def test_cost_argument_checks() -> None:
    with pytest.raises(TypeError):
        estimate_cost("x", 0.1)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError) as exc:
        estimate_cost("x", "ten cents")
    assert exc.value.argument == "price_per_segment"
    with pytest.raises(ArgumentError):
        estimate_cost("x", "-1")
    with pytest.raises(ArgumentError):
        estimate_cost("x", "NaN")
    with pytest.raises(TypeError):
        estimate_cost([b"x"], 1)  # type: ignore[list-item]
    with pytest.raises(TypeError):
        estimate_cost(5, 1)  # type: ignore[arg-type]
