"""Smart encoding: look-alike characters replaced by GSM-7 ones (smscodec.smart)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import load_vector
from smscodec import ArgumentError, _tables, analyze, count_segments, smart, split

GSM7 = {ch for ch in _tables.DEFAULT_ALPHABET + _tables.DEFAULT_EXTENSION if ch is not None}
TWILIO = load_vector("smart_encoding_twilio.json")["map"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("\u2018\u2019\u201a\u2032", "''''"),  # ‘ ’ ‚ ′
        ("\u201c\u201d\u201e\u2033", '""""'),  # “ ” „ ″
        ("\u2013\u2014\u2012\u2212", "----"),  # – — ‒ −
        ("\u2026", "..."),  # …
        ("a\u00a0b\u2009c\u3000d\u202fe", "a b c d e"),  # NBSP and other spaces: one space each
        ("\u2022 one", "- one"),  # bullet
        ("tab\there", "tab here"),
        ("line\u2028next", "line\nnext"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
    ],
)
def test_required_replacements(source: str, expected: str) -> None:
    info = analyze(source, smart=True)
    assert info.text == expected
    assert info.encoding == "gsm7"


def test_the_map_only_holds_non_gsm_keys_and_gsm_values() -> None:
    for key, value in smart.SMART_MAP.items():
        assert key not in GSM7, f"U+{ord(key):04X} is GSM-7 and must never be replaced"
        assert all(ch in GSM7 for ch in value), f"U+{ord(key):04X} -> {value!r} is not GSM-7"


def test_differences_from_twilio_are_the_documented_ones() -> None:
    differ = {k for k, v in TWILIO.items() if smart.SMART_MAP.get(k) != v}
    assert differ == set(smart.TWILIO_DIFFERENCES)
    for key, (theirs, ours) in smart.TWILIO_DIFFERENCES.items():
        assert TWILIO[key] == theirs
        assert smart.SMART_MAP[key] == ours


def test_replacements_are_reported_and_savings_computable() -> None:
    text = "It\u2019s \u201cdone\u201d \u2014 really\u2026 " * 8  # 176 UTF-16 units; 192 septets after
    plain = analyze(text)
    info = analyze(text, smart=True)
    assert plain.encoding == "ucs2"
    assert info.encoding == "gsm7"
    assert info.replacements == (
        ("\u2019", "'"),
        ("\u201c", '"'),
        ("\u201d", '"'),
        ("\u2014", "-"),
        ("\u2026", "..."),
    )
    assert info.original_segments == plain.segments == 3
    assert info.segments == 2
    assert info.saved_segments == 1
    assert info.units == 192
    assert "".join(p.text for p in split(text, smart=True)) == info.text
    assert analyze(text).replacements == ()


def test_gsm_characters_are_never_touched() -> None:
    # A caller map may name GSM-7 characters; they are left alone.
    info = analyze("a`b", smart={"a": "b", "`": "'"})
    assert info.text == "a'b"
    assert info.replacements == (("`", "'"),)


def test_text_that_stays_ucs2_is_sent_as_written() -> None:
    text = "Hi \u2019there\u2019 \U0001f600\u2026"
    info = analyze(text, smart=True)
    assert info.text == text
    assert info.replacements == ()
    assert info.encoding == "ucs2"


def test_caller_map() -> None:
    assert analyze("x\u00e7y", smart={"\u00e7": "c"}).text == "xcy"
    with pytest.raises(ArgumentError):
        analyze("x", smart={"`": "\u00e7"})  # value not GSM-7
    with pytest.raises(TypeError):
        analyze("x", smart={"xy": "z"})
    with pytest.raises(TypeError):
        analyze("x", smart={"\u00e7": 1})  # type: ignore[dict-item]


@given(st.text(alphabet="ab \u2019\u201c\u2026\u00a0\u2014\u00e7\U0001f600\u20ac", max_size=300))
def test_smart_never_costs_more_parts(text: str) -> None:
    assert count_segments(text, smart=True) <= count_segments(text)
    info = analyze(text, smart=True)
    assert info.saved_segments >= 0
    assert all(key not in GSM7 for key, _ in info.replacements)


def test_a_caller_map_may_replace_a_lone_surrogate() -> None:
    # The text as written cannot be sent (a lone surrogate has no UTF-16 form); once the
    # caller's map replaces it the text goes as GSM-7, and every entry point agrees.
    text = "a\ud800"
    table = {"\ud800": "?"}
    info = analyze(text, smart=table)
    assert (info.encoding, info.segments, info.units, info.text) == ("gsm7", 1, 2, "a?")
    assert info.replacements == (("\ud800", "?"),)
    assert info.saved_segments == 0
    assert count_segments(text, smart=table) == 1
    assert [p.text for p in split(text, smart=table)] == ["a?"]


@pytest.mark.parametrize("encoding", ["auto", "gsm7"])
def test_smart_never_costs_parts_under_auto(encoding: str) -> None:
    # 70 "…" are one UCS-2 part (70 units); as "..." they are 210 septets, two parts.
    text = "\u2026" * 70
    info = analyze(text, smart=True, encoding=encoding)
    if encoding == "auto":
        assert (info.encoding, info.segments, info.text, info.replacements) == ("ucs2", 1, text, ())
        assert count_segments(text, smart=True) == 1
    else:
        # Under encoding="gsm7" the text as written cannot go: the replacement stands.
        assert (info.encoding, info.segments, info.units) == ("gsm7", 2, 210)
    # One "…" fewer than the most that fits one part either way: 53 * 3 = 159 septets.
    assert analyze("\u2026" * 53, smart=True).segments == 1
    assert analyze("\u2026" * 53, smart=True).encoding == "gsm7"


def test_smart_needs_one_table_pair_for_the_replaced_text() -> None:
    # With Turkish and Hindi tables, ğ ş are only in the Turkish tables and अ only in the
    # Hindi ones: every character of the replaced text is in *some* enabled table, but no
    # single (locking, single shift) pair holds them all, so it would go as UCS-2 anyway.
    text = "\u011f\u015f\u0905\u201c" + "\u2026" * 30
    plain = analyze(text, languages=["turkish", "hindi"])
    smart = analyze(text, smart=True, languages=["turkish", "hindi"])
    assert (plain.encoding, plain.segments) == ("ucs2", 1)
    assert smart == plain
    assert smart.replacements == ()
    assert smart.text == text
    # One pair suffices without the Hindi letter: then the replacement is kept.
    kept = analyze(text.replace("\u0905", ""), smart=True, languages=["turkish", "hindi"])
    assert kept.encoding == "gsm7"
    assert kept.locking_shift == 1
    assert kept.replacements


@given(
    st.text(alphabet="ab\u011f\u015f\u0905\u0915\u00e7\u201c\u2026\u2014\u00a0", max_size=200),
    st.sampled_from([(), ("turkish",), ("turkish", "hindi"), ("portuguese", "spanish", "hindi")]),
)
def test_smart_replacements_always_go_as_gsm7_and_never_cost_parts(
    text: str, languages: tuple[str, ...]
) -> None:
    info = analyze(text, smart=True, languages=languages)
    if info.replacements:
        assert info.encoding == "gsm7"
        assert info.segments <= analyze(text, languages=languages).segments
    else:
        assert info.text == text
    assert count_segments(text, smart=True, languages=languages) == info.segments
