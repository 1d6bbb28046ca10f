"""smscodec.policies: SplitPolicy, the built-in policies, and policy= everywhere.

Every built-in policy is held to the capacity table of TS 23.040 §9.2.3.24 (bare text,
8- and 16-bit concatenation, application ports, national language shift elements);
the grapheme, word and Twilio rules are checked on exact texts, and the two kernel
twins are compared on random texts (hypothesis).  Twilio's calculator itself is the
oracle of tests/test_policies_twilio.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from smscodec import _plan, policies
from smscodec.policies import POLICIES, SplitPolicy

BUILT_IN = sorted(POLICIES)
UNICODE = SplitPolicy(name="uax29", graphemes=True)
WORDS = SplitPolicy(name="words", words=True)

# 8-bit and 16-bit application port addressing elements (TS 23.040 §9.2.3.24.3 / .4),
# as whole headers (UDHL first): 5 and 7 octets.
PORTS_8 = bytes.fromhex("04040210f0")
PORTS_16 = bytes.fromhex("0605040b8423f0")

# (options, text kind, units per part of one part, of several parts): TS 23.040
# §9.2.3.24 with the octets of each header: floor((140 - octets) * 8 / 7) septets or
# floor((140 - octets) / 2) UTF-16 units; the concatenation element is 5 octets (8-bit
# reference) or 6 (16-bit), a shift element 3, plus the UDHL octet.
CAPACITY: list[tuple[dict[str, Any], str, int, int]] = [
    ({}, "gsm7", 160, 153),
    ({}, "ucs2", 70, 67),
    ({"reference_bits": 16}, "gsm7", 160, 152),
    ({"reference_bits": 16}, "ucs2", 70, 66),
    ({"udh": PORTS_8}, "gsm7", 154, 148),
    ({"udh": PORTS_8}, "ucs2", 67, 65),
    ({"udh": PORTS_16}, "gsm7", 152, 146),
    ({"udh": PORTS_16}, "ucs2", 66, 64),
    ({"udh": PORTS_16, "reference_bits": 16}, "gsm7", 152, 145),
    ({"udh": PORTS_16, "reference_bits": 16}, "ucs2", 66, 63),
    # Spanish single shift only (á is in its single shift table): 4 / 9 octets.
    ({"languages": ["spanish"]}, "single-shift", 155, 149),
    # Hindi locking and single shift (अ only in the locking table, । only in the single
    # shift table): 7 / 12 octets.
    ({"languages": ["hindi"]}, "both-shifts", 152, 146),
]


def _text(kind: str, units: int) -> str:
    if kind == "gsm7":
        return "a" * units
    if kind == "ucs2":
        return "\u0416" * units
    if kind == "single-shift":
        # á costs 2 septets (escape to the single shift table), then plain letters.
        return "\u00e1" + "a" * (units - 2)
    # । through the single shift table (2 septets), अ from the locking table.
    return "\u0964" + "\u0905" * (units - 2)


@pytest.mark.parametrize("name", BUILT_IN)
@pytest.mark.parametrize(("options", "kind", "single", "multi"), CAPACITY)
def test_capacity_table(name: str, options: dict[str, Any], kind: str, single: int, multi: int) -> None:
    full = smscodec.analyze(_text(kind, single), policy=name, **options)
    assert (full.segments, full.per_segment, full.remaining) == (1, single, 0)
    over = smscodec.analyze(_text(kind, single + 1), policy=name, **options)
    assert (over.segments, over.per_segment) == (2, multi)
    assert over.remaining == 2 * multi - (single + 1)
    two = smscodec.split(_text(kind, 2 * multi), policy=name, **options)
    assert [p.units for p in two] == [multi, multi]
    assert smscodec.count_segments(_text(kind, 2 * multi + 1), policy=name, **options) == 3


@pytest.mark.parametrize("name", BUILT_IN)
def test_escape_and_surrogate_pairs_never_straddle(name: str) -> None:
    # An escape pair at septets 153-154 and a surrogate pair at units 67-68 move whole.
    parts = smscodec.split("a" * 152 + "\u20ac" + "b" * 20, policy=name)
    assert [p.units for p in parts] == [152, 22]
    parts = smscodec.split("\u0416" * 66 + "\U0001f600" + "\u0416" * 10, policy=name)
    assert [p.units for p in parts] == [66, 12]


# --- SplitPolicy and names -----------------------------------------------------------------


def test_built_in_names_and_fields() -> None:
    assert BUILT_IN == ["3gpp", "twilio", "vonage"]
    gpp, twilio, vonage = POLICIES["3gpp"], POLICIES["twilio"], POLICIES["vonage"]
    assert (gpp.graphemes, gpp.max_parts, gpp.reference_bits, gpp.max_characters) == (False, 255, 8, None)
    assert (twilio.graphemes, twilio.grapheme_rules, twilio.fill, twilio.smart_always) == (
        True,
        "twilio",
        "twilio",
        True,
    )
    assert (twilio.max_parts, twilio.reference_bits, twilio.max_characters) == (255, 8, 1600)
    assert (vonage.graphemes, vonage.max_parts, vonage.reference_bits, vonage.max_characters) == (
        False,
        255,
        8,
        3200,
    )
    assert vonage.max_characters == smscodec.vonage.MAX_TEXT_UNITS
    assert twilio.never_straddles == ("escape pair", "surrogate pair", "grapheme cluster")
    assert WORDS.never_straddles == ("escape pair", "surrogate pair", "word")
    assert all(p.source for p in POLICIES.values())
    assert smscodec.SplitPolicy is SplitPolicy


def test_unknown_name_is_an_argument_error_naming_policy() -> None:
    for call in (
        lambda: smscodec.analyze("a", policy="telco"),
        lambda: smscodec.count_segments("a", policy="telco"),
        lambda: smscodec.split("a", policy="telco"),
        lambda: smscodec.estimate_cost(["a"], "1", policy="telco"),
    ):
        with pytest.raises(smscodec.ArgumentError, match="'3gpp', 'twilio', 'vonage'") as info:
            call()
        assert info.value.argument == "policy"
    with pytest.raises(TypeError, match="policy must be a str or a SplitPolicy"):
        smscodec.count_segments("a", policy=3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "error", "argument"),
    [
        ({"name": ""}, smscodec.ArgumentError, "name"),
        ({"name": 1}, TypeError, None),
        ({"graphemes": 1}, TypeError, None),
        ({"grapheme_rules": "icu"}, smscodec.ArgumentError, "grapheme_rules"),
        ({"fill": "lazy"}, smscodec.ArgumentError, "fill"),
        ({"fill": "twilio", "words": True}, smscodec.ArgumentError, "words"),
        ({"max_parts": 0}, smscodec.ArgumentError, "max_parts"),
        ({"max_parts": 256}, smscodec.ArgumentError, "max_parts"),
        ({"max_parts": True}, TypeError, None),
        ({"reference_bits": 12}, smscodec.ArgumentError, "reference_bits"),
        ({"smart_map": {"ab": "x"}}, TypeError, None),
        ({"smart_map": ["x"]}, TypeError, None),
        ({"max_characters": 0}, smscodec.ArgumentError, "max_characters"),
        ({"gsm7_units": (150, 1)}, smscodec.ArgumentError, "gsm7_units"),
        ({"ucs2_units": [70, 67]}, TypeError, None),
    ],
)
def test_split_policy_checks_its_fields(fields: dict[str, Any], error: type, argument: str | None) -> None:
    with pytest.raises(error) as info:
        SplitPolicy(**{"name": "route", **fields})
    if argument is not None:
        assert info.value.argument == argument


def test_split_policy_is_frozen_and_hashable() -> None:
    route = SplitPolicy(name="route", graphemes=True, smart_map={"\u2019": "'"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        route.graphemes = False  # type: ignore[misc]
    assert hash(route) == hash(SplitPolicy(name="route", graphemes=True, smart_map={"\u2019": "'"}))
    assert route.smart_map == {"\u2019": "'"}
    with pytest.raises(TypeError):
        route.smart_map["x"] = "y"  # type: ignore[index]


def test_name_and_object_give_the_same_plan() -> None:
    for name in BUILT_IN:
        assert _plan.plan(policy=name) == _plan.plan(policy=POLICIES[name])
    assert _plan.plan().plain
    assert _plan.plan(policy="vonage").plain
    assert _plan.plan(policy="twilio").policy_args == (
        _plan.FLAG_GRAPHEMES | _plan.FLAG_TWILIO_RULES | _plan.FLAG_TWILIO_FILL,
        0,
        0,
        0,
        0,
    )


def test_flags_and_break_spaces_agree(kernel: Callable[[str], ModuleType]) -> None:
    segments = kernel("segments")
    for name in ("FLAG_GRAPHEMES", "FLAG_TWILIO_RULES", "FLAG_WORDS", "FLAG_TWILIO_FILL"):
        assert getattr(segments, name) == getattr(_plan, name)
    assert segments.BREAK_SPACES == policies.BREAK_SPACES


# --- what the policies do ------------------------------------------------------------------


def _lengths(text: str, **options: Any) -> list[int]:
    return [len(p.text) for p in smscodec.split(text, **options)]


def test_grapheme_clusters_and_rule_sets() -> None:
    # क्ष (KA, VIRAMA, SSA) across the 67-unit boundary at code point 67: TS 23.040 cuts
    # between VIRAMA and SSA; Twilio's grapheme-splitter 1.0.4 too (no GB9c: क् | ष);
    # UAX #29 of Unicode 15.1+ keeps the conjunct whole.
    text = "a" * 65 + "\u0915\u094d\u0937" + "b" * 5
    assert _lengths(text) == [67, 6]
    assert _lengths(text, policy="twilio") == [67, 6]
    assert _lengths(text, policy=UNICODE) == [65, 8]
    assert _lengths(text, policy=dataclasses.replace(UNICODE, grapheme_rules="twilio")) == [67, 6]
    # A flag (two regional indicators, 4 units) at units 66-69 moves whole.
    flag = "\U0001f1eb\U0001f1f7"
    assert [p.units for p in smscodec.split("\u0416" * 65 + flag + "bb", policy="twilio")] == [65, 6]
    assert [p.units for p in smscodec.split("\u0416" * 65 + flag + "bb")] == [67, 4]


def test_cr_lf() -> None:
    # CR at septet 153, LF at 154: UAX #29 keeps CR LF whole; Twilio's calculator splits
    # the pair (SegmentedMessage.ts), so it cuts where TS 23.040 does.
    text = "a" * 152 + "\r\n" + "b" * 10
    assert _lengths(text) == [153, 11]
    assert _lengths(text, policy=UNICODE) == [152, 12]
    assert _lengths(text, policy="twilio") == [153, 11]


def test_twilio_overfills_a_part_with_a_cluster_longer_than_a_part() -> None:
    # a + 80 combining acute accents: one cluster of 81 UTF-16 units.  The calculator
    # leaves the first part empty and puts the cluster in the second (recorded from the
    # calculator: cuts [0, 81, 91]); split() refuses such parts, the count stands.
    text = "a" + "\u0301" * 80 + "b" * 10
    assert smscodec.count_segments(text, policy="twilio") == 3
    with pytest.raises(smscodec.ArgumentError, match="never cuts a grapheme cluster") as info:
        smscodec.split(text, policy="twilio")
    assert info.value.argument == "text"
    # The greedy grapheme policy cuts such a cluster between code points.
    assert _lengths(text, policy=UNICODE) == [67, 24]


def test_words() -> None:
    text = "word " * 40  # 200 septets; a part may end after each space
    assert _lengths(text) == [153, 47]
    assert _lengths(text, policy=WORDS) == [150, 50]
    # A word longer than a part is cut as the other rules allow.
    long = "a" * 300 + " b"
    assert _lengths(long, policy=WORDS) == [153, 149]
    # A part never ends after a no-break space.
    assert _lengths("a" * 140 + "\u00a0" + "b" * 100, policy=WORDS) == [67] * 3 + [40]


def test_twilio_smart_encoding_always_replaces() -> None:
    # Seventy ellipses: smscodec's rule keeps them (one UCS-2 part, not two GSM-7 ones);
    # Twilio replaces regardless: 210 septets, two parts.
    text = "\u2026" * 70
    assert smscodec.count_segments(text, smart=True) == 1
    info = smscodec.analyze(text, smart=True, policy="twilio")
    assert (info.segments, info.encoding, info.text) == (2, "gsm7", "..." * 70)
    assert info.replacements == (("\u2026", "..."),)
    assert info.original_segments == 1
    # A tab is seven spaces to Twilio, one to smscodec.
    assert smscodec.analyze("\t", smart=True, policy="twilio").text == " " * 7
    assert smscodec.analyze("\t", smart=True).text == " "
    # Even when the text stays UCS-2.
    assert smscodec.analyze("\u2019\u0416", smart=True, policy="twilio").text == "'\u0416"
    assert smscodec.analyze("\u2019\u0416", smart=True).text == "\u2019\u0416"


def test_limits() -> None:
    route = SplitPolicy(
        name="short", max_parts=2, max_characters=400, gsm7_units=(150, 140), ucs2_units=(60, 50)
    )
    info = smscodec.analyze("a" * 151, policy=route)
    assert (info.segments, info.per_segment) == (2, 140)
    assert smscodec.analyze("a" * 150, policy=route).segments == 1
    assert smscodec.analyze("\u0416" * 61, policy=route).per_segment == 50
    # A limit above TS 23.040's capacity changes nothing.
    assert (
        smscodec.analyze("a" * 161, policy=SplitPolicy(name="big", gsm7_units=(200, 200))).per_segment == 153
    )
    # count and analyze count beyond the limits; split refuses, naming the text.
    assert smscodec.count_segments("a" * 290, policy=route) == 3
    with pytest.raises(smscodec.ArgumentError, match="sends at most 2") as info_parts:
        smscodec.split("a" * 290, policy=route)
    assert info_parts.value.argument == "text"
    with pytest.raises(smscodec.ArgumentError, match="at most 400"):
        smscodec.split("\U0001f600" * 201, policy=dataclasses.replace(route, max_parts=255))
    with pytest.raises(smscodec.ArgumentError, match="policy 'vonage' takes at most 3200"):
        smscodec.split("a" * 3201, policy="vonage")
    assert len(smscodec.split("a" * 3200, policy="vonage")) == 21
    with pytest.raises(smscodec.ArgumentError, match="policy 'twilio' takes at most 1600"):
        smscodec.split("\U0001f600" * 801, policy="twilio")


def test_reference_bits() -> None:
    # reference_bits=8 (the default) is the policy's width; an explicit 16 asks for 16.
    wide = SplitPolicy(name="wide", reference_bits=16)
    assert smscodec.analyze("a" * 161, policy=wide).per_segment == 152
    assert smscodec.count_segments("a" * 305, policy=wide) == 3
    assert smscodec.split("a" * 161, policy=wide, reference=0x1234)[0].udh == bytes.fromhex("06080412340201")
    assert smscodec.analyze("a" * 161, policy="twilio", reference_bits=16).per_segment == 152


def test_policy_everywhere() -> None:
    texts = [
        "\u0416" * 65 + "\U0001f1eb\U0001f1f7" * 2 + "\u0416" * 61,
        "a" * 200,
        "\U0001f44d\U0001f3fd" * 40,
    ]
    for name in BUILT_IN:
        counts = [smscodec.count_segments(t, policy=name) for t in texts]
        assert counts == [smscodec.analyze(t, policy=name).segments for t in texts]
        assert counts == [len(smscodec.split(t, policy=name)) for t in texts]
        assert smscodec.estimate_cost(texts, "0.01", policy=name) == Decimal("0.01") * sum(counts)
    assert [smscodec.count_segments(t, policy="twilio") for t in texts] == [3, 2, 3]
    assert [smscodec.count_segments(t) for t in texts] == [2, 2, 3]


# --- the two kernel twins agree ------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "a",
        " ",
        "\u20ac",
        "\r",
        "\n",
        "\u0416",
        "\u0301",
        "\u200d",
        "\U0001f1eb",
        "\U0001f1f7",
        "\U0001f44d",
        "\U0001f3fd",
        "\U0001f468",
        "\u0915",
        "\u094d",
        "\u0937",
        "\u093f",
        "\u1100",
        "\u1161",
        "\u11a8",
        "\u0600",
        "\ufe0f",
        "\u0131",
        "\u011f",
        "\u00e7",
        "\u3000",
        "\U0001f600",
    ]
)
TEXTS = st.lists(PIECES, max_size=400).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    text=TEXTS,
    flags=st.integers(0, 15).filter(lambda f: not (f & 4 and f & 8)),
    limits=st.tuples(*[st.sampled_from([0, 0, 2, 7, 40, 150]) for _ in range(4)]),
    languages=st.sampled_from([(), ("turkish",), ("turkish", "spanish", "portuguese")]),
    mode=st.integers(0, 2),
    concat=st.sampled_from([5, 6]),
)
def test_twins_agree(
    kernel: Callable[[str], ModuleType],
    text: str,
    flags: int,
    limits: tuple[int, int, int, int],
    languages: tuple[str, ...],
    mode: int,
    concat: int,
) -> None:
    from smscodec import _segments_py

    twin = kernel("segments")
    locks, singles = _plan.language_masks(languages)
    args = (text, 0, concat, mode, locks, singles, flags, *limits)

    def run(module: Any) -> Any:
        try:
            return module.analyze_policy(*args)
        except smscodec.EncodingError as exc:
            return ("error", str(exc))

    result = run(twin)
    assert result == run(_segments_py)
    if result[0] == "error" or result[1] == 1:
        return
    encoding, _parts, units, per, _rem, locking, single = result
    shift = 0 if encoding else 3 * ((locking != 0) + (single != 0))
    one = twin.policy_capacity(0, shift, encoding, limits[2 * encoding])
    split = twin.split_policy(text, encoding, locking, single, one, per, flags)
    assert split == _segments_py.split_policy(text, encoding, locking, single, one, per, flags)
    assert len(split) == result[1]
    assert split[-1][0] == len(text)
    assert sum(u for _, u in split) == units
    if not flags & 8:
        assert all(u <= per for _, u in split)
    if flags == 0 and not any(limits):
        # No policy: the same as TS 23.040's split.
        assert split == twin.split(text, encoding, locking, single, per)
        assert result == twin.analyze(text, 0, concat, mode, locks, singles)
