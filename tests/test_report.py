"""The campaign report (smscodec._report): totals, savings and the ranking of the
characters that block GSM-7, against answers worked out by hand and against re-counting
every changed text with the scalar API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from smscodec._report import LANGUAGES_CAVEAT, Campaign, ReportOptions, first_refused, render
from smscodec.smart import SMART_MAP

pytest.importorskip("numpy")

# Three messages worked out by hand (TS 23.038 §6.2.1 tables; 70/67 UTF-16 units per
# part, 160/153 septets):
#   EM   "—" + 100 x "a": UCS-2 for the em dash alone, 101 units -> 2 parts; with "-" it is
#        GSM-7, 101 septets -> 1 part: replacing the em dash saves 1 part here.
#   BOTH "á—" + 100 x "b": 102 units -> 2 parts; replacing either character alone leaves
#        it UCS-2 at 102 units: 0 saved.
#   PLAIN 40 x "c": GSM-7, 1 part, no blocker.
EM = "—" + "a" * 100
BOTH = "á—" + "b" * 100
PLAIN = "c" * 40
HAND = [EM, BOTH, PLAIN]


def campaign(texts: list[Any], chunks: int = 1, **options: Any) -> Campaign:
    report = Campaign(ReportOptions(**options))
    size = max(1, -(-len(texts) // chunks))
    for lo in range(0, len(texts), size):
        report.add(texts[lo : lo + size])
    return report


def by_char(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["char"]: item for item in record["forcing_chars"]}


def test_em_dash_counts_only_where_it_is_the_only_blocker() -> None:
    assert [smscodec.count_segments(t) for t in HAND] == [2, 2, 1]
    record = campaign(HAND).record(price=Decimal("0.05"))
    assert record["segments"] == 5
    assert record["ucs2"] == 2
    assert record["cost"] == "0.25"
    chars = by_char(record)
    assert set(chars) == {"—", "á"}
    dash = chars["—"]
    assert (dash["messages"], dash["only_blocker"], dash["segments_saved"]) == (2, 1, 1)
    assert Decimal(dash["cost_saved"]) == Decimal("0.05")
    assert dash["replacement"] == "-"
    acute = chars["á"]
    assert (acute["messages"], acute["only_blocker"], acute["segments_saved"]) == (1, 0, 0)
    assert acute["replacement"] == "?"
    # Ranked by what replacing each alone saves.
    assert [item["char"] for item in record["forcing_chars"]] == ["—", "á"]
    assert record["forcing_compared_with"]["segments"] == 5
    assert record["forcing_compared_with"]["cost"] == "0.25"


def test_smart_totals_show_what_still_blocks() -> None:
    # With --smart, EM goes as GSM-7 (1 part); BOTH stays UCS-2 as written (the em dash is
    # replaced only when that makes the message GSM-7), blocked by á alone: replacing á by
    # "?" lets smart encoding replace the em dash too: "?-" + 100 x "b", 102 septets, 1 part.
    record = campaign(HAND, smart=True).record(price=Decimal("0.05"))
    assert record["segments"] == 1 + 2 + 1
    assert record["ucs2"] == 1
    chars = by_char(record)
    assert set(chars) == {"á"}
    assert (chars["á"]["messages"], chars["á"]["only_blocker"], chars["á"]["segments_saved"]) == (1, 1, 1)
    assert chars["á"]["replacement"] == "?"
    smart = record["savings"]["smart"]
    assert smart["applied"] is True
    assert smart["segments"] == 5 - 4
    assert smart["compared_with"]["segments"] == 5
    text = render(record)
    assert "still force UCS-2 with --smart" in text
    assert "--smart " in text
    assert "would save 1 part" not in text
    assert "saved 1 part (0.05): the totals above include it" in text


def test_savings_say_what_they_are_compared_with() -> None:
    record = campaign(HAND).record(price=Decimal("0.05"))
    smart = record["savings"]["smart"]
    # --smart: EM 2 -> 1, BOTH stays 2, PLAIN 1.
    assert (smart["segments"], smart["cost"], smart["applied"]) == (1, "0.05", False)
    assert smart["compared_with"] == {
        "segments": 5,
        "cost": "0.25",
        "description": "the texts as written, default GSM-7 tables",
    }
    text = render(record)
    assert (
        "savings, each compared with the texts as written with the default GSM-7 tables (5 parts (0.25))"
        in text
    )
    assert "--smart                      would save 1 part (0.05)" in text


def _container(texts: list[str], kind: str) -> Any:
    """``texts`` as a list, or as an Arrow array (built texts are counted from Arrow's
    own buffers there, a path of its own)."""
    if kind == "list":
        return texts
    pa = pytest.importorskip("pyarrow")
    return pa.array(texts, type=pa.large_string() if kind == "large_string" else pa.string())


CONTAINERS = pytest.mark.parametrize("kind", ["list", "string", "large_string"])


@CONTAINERS
def test_astral_character_saves_units_in_a_message_that_stays_ucs2(kind: str) -> None:
    # "😀Ж" + 68 x "a": 2 + 1 + 68 = 71 UTF-16 units -> 2 parts.  Replacing the emoji by "?"
    # leaves it UCS-2 (Ж) at 70 units -> 1 part; replacing Ж alone saves nothing.
    text = "😀Ж" + "a" * 68
    assert smscodec.count_segments(text) == 2
    report = Campaign(ReportOptions())
    report.add(_container([text, "😀" + "b" * 80, PLAIN], kind))
    chars = by_char(report.record())
    # The second message: the emoji is its only blocker; "?" + 80 x "b" is GSM-7, 1 part
    # (82 units were 2).
    assert (chars["😀"]["messages"], chars["😀"]["only_blocker"], chars["😀"]["segments_saved"]) == (2, 1, 2)
    chars = by_char(campaign([text]).record())
    assert (chars["😀"]["only_blocker"], chars["😀"]["segments_saved"]) == (0, 1)
    assert (chars["Ж"]["only_blocker"], chars["Ж"]["segments_saved"]) == (0, 0)


@CONTAINERS
def test_longer_look_alike_can_cost_parts(kind: str) -> None:
    # "…á" + 67 x "a": 69 units, 1 part.  The ellipsis's look-alike "..." is 3 units: the
    # message stays UCS-2 (á) at 71 units, 2 parts: replacing it alone costs 1 part.
    # "…" + 157 x "c": the ellipsis alone; "..." + 157 x "c" is 160 septets, 1 part (was
    # 158 units, 3 parts): 2 saved.  Total: 1.
    text = "…á" + "a" * 67
    report = Campaign(ReportOptions())
    report.add(_container([text, "…" + "c" * 157], kind))
    chars = by_char(report.record())
    assert chars["…"]["replacement"] == "..."
    assert (chars["…"]["messages"], chars["…"]["only_blocker"], chars["…"]["segments_saved"]) == (2, 1, 1)
    assert by_char(campaign([text]).record())["…"]["segments_saved"] == -1


def test_languages_savings_carry_the_route_caveat() -> None:
    texts = ["ş" * 100, "plain", "ğ" + "x" * 200]
    record = campaign(texts, languages=("turkish",)).record()
    plain = sum(smscodec.count_segments(t) for t in texts)
    national = sum(smscodec.count_segments(t, languages=["turkish"]) for t in texts)
    assert record["segments"] == national
    languages = record["savings"]["languages"]
    assert languages["segments"] == plain - national
    assert languages["applied"] is True
    assert languages["caveat"] == LANGUAGES_CAVEAT
    assert "SMPP" in LANGUAGES_CAVEAT
    assert "Vonage" in LANGUAGES_CAVEAT
    assert record["savings"]["smart"]["applied"] is False
    assert "note: " + LANGUAGES_CAVEAT in render(record)


def test_a_mix_of_tables_is_no_single_blocker() -> None:
    # Devanagari and Bengali candrabindu: the Hindi and the Bengali tables each carry one,
    # no pair of them carries both, so the message is UCS-2 with no character to blame.
    text = "ँঁ"
    info = smscodec.analyze(text, languages=["bengali", "hindi"])
    assert info.encoding == "ucs2"
    assert info.non_gsm7 == ()
    record = campaign([text, "ok"], languages=("bengali", "hindi")).record()
    assert record["ucs2_no_single_blocker"] == 1
    assert record["forcing_chars"] == []
    assert "no single blocking character" in render(record)


def test_missing_values_count_zero_parts() -> None:
    record = campaign(["a", None, "Olá"]).record()
    assert (record["messages"], record["missing"], record["segments"]) == (3, 1, 2)
    assert (record["gsm7"], record["ucs2"]) == (1, 1)
    assert record["histogram"] == {"1": 2}


def test_forced_encoding_computes_no_savings() -> None:
    record = campaign(["abc", "def"], encoding="ucs2").record()
    assert record["ucs2"] == 2
    assert record["savings"] == {}
    assert record["forcing_chars"] == []
    assert "none computed" in render(record)


def test_first_refused_names_the_first_refused_message() -> None:
    texts = ["ok"] * 37 + ["Olá"] + ["x"] * 10 + ["Ж"]
    found = first_refused(texts, ReportOptions(encoding="gsm7"))
    assert found is not None
    index, error = found
    assert index == 37
    assert isinstance(error, smscodec.EncodingError)
    assert error.char == "á"
    assert first_refused(["ok"], ReportOptions(encoding="gsm7")) is None


# --- every figure equals re-counting the changed texts ------------------------------------


def oracle(
    texts: list[str | None], smart: bool, languages: tuple[str, ...]
) -> tuple[dict[str, tuple[int, int, int]], int]:
    """Blockers by the scalar API, message by message: (messages, only blocker, saved)."""
    options: dict[str, Any] = {"smart": smart, "languages": languages}
    found: dict[str, list[int]] = {}
    mixed = 0
    for text in texts:
        if text is None:
            continue
        info = smscodec.analyze(text, **options)
        if info.encoding != "ucs2":
            continue
        blockers = [ch for ch in info.non_gsm7 if not (smart and ch in SMART_MAP)]
        mixed += not blockers
        for ch in blockers:
            stand_in = "?" if smart else SMART_MAP.get(ch, "?")
            saved = info.segments - smscodec.count_segments(text.replace(ch, stand_in), **options)
            entry = found.setdefault(ch, [0, 0, 0])
            entry[0] += 1
            entry[1] += len(blockers) == 1
            entry[2] += saved
    return {ch: (a, b, c) for ch, (a, b, c) in found.items()}, mixed


ALPHABET = "ab 0é€[Ç’“–—…½\u200báó😀🚗Жşğअ`\x01ँঁ"
MESSAGES = st.lists(
    st.one_of(st.none(), st.text(alphabet=st.sampled_from(ALPHABET + "x" * 20), max_size=240)),
    max_size=24,
)
OPTIONS = st.tuples(
    st.booleans(), st.sampled_from([(), ("turkish",), ("turkish", "hindi"), ("bengali", "hindi")])
)


@settings(max_examples=60, deadline=None)
@given(texts=MESSAGES, options=OPTIONS, chunks=st.integers(1, 3), arrow=st.booleans())
def test_every_figure_equals_recounting(
    texts: list[str | None], options: tuple[bool, tuple[str, ...]], chunks: int, arrow: bool
) -> None:
    smart, languages = options
    if arrow:
        pa = pytest.importorskip("pyarrow")
        report = Campaign(ReportOptions(smart=smart, languages=languages))
        size = max(1, -(-len(texts) // chunks))
        for k, lo in enumerate(range(0, len(texts), size)):
            part = texts[lo : lo + size]
            if k % 3 == 2:
                # A chunked array of two pieces, one of them a slice (offsets not at 0).
                half = len(part) // 2
                whole = pa.array([None, *part[half:]], type=pa.string())
                report.add(pa.chunked_array([pa.array(part[:half], type=pa.string()), whole[1:]]))
            else:
                report.add(pa.array(part, type=pa.string() if k % 3 else pa.large_string()))
    else:
        report = campaign(texts, chunks, smart=smart, languages=languages)
    blockers, mixed = oracle(texts, smart, languages)
    assert report.blockers == blockers
    assert report.totals.mixed == mixed
    present = [t for t in texts if t is not None]
    totals = report.totals
    assert totals.segments == sum(
        smscodec.count_segments(t, smart=smart, languages=languages) for t in present
    )
    assert totals.plain == sum(smscodec.count_segments(t) for t in present)
    assert totals.smart == sum(smscodec.count_segments(t, smart=True) for t in present)
    if languages:
        assert totals.languages == sum(smscodec.count_segments(t, languages=languages) for t in present)
        assert totals.both == sum(
            smscodec.count_segments(t, smart=True, languages=languages) for t in present
        )


@given(
    st.integers(0, 12),
    st.lists(
        st.tuples(
            st.integers(0, 11), st.integers(0x80, 0x10FFFF).filter(lambda cp: not 0xD800 <= cp <= 0xDFFF)
        ),
        max_size=30,
        unique=True,
    ),
)
def test_blocking_column_as_list_and_as_arrow(size: int, pairs: list[tuple[int, int]]) -> None:
    import numpy as np

    from smscodec._report import Blocking

    pairs = sorted((row, cp) for row, cp in pairs if row < size)
    owner = np.array([row for row, _ in pairs], dtype=np.intp)
    cps = np.array([cp for _, cp in pairs], dtype=np.int64)
    expected = ["".join(chr(cp) for row, cp in pairs if row == i) for i in range(size)]
    column = Blocking(size, owner, cps)
    assert column.to_list() == expected
    pa = pytest.importorskip("pyarrow")
    arrow = column.to_arrow()
    arrow.validate(full=True)
    assert arrow.type == pa.string()
    assert arrow.to_pylist() == expected


def test_blocking_column_keeps_a_lone_surrogate_as_a_list_and_refuses_it_as_arrow() -> None:
    import numpy as np

    from smscodec._report import Blocking

    column = Blocking(2, np.array([1], dtype=np.intp), np.array([0xD800], dtype=np.int64))
    assert column.to_list() == ["", "\ud800"]
    pytest.importorskip("pyarrow")
    with pytest.raises(UnicodeEncodeError):
        column.to_arrow()
