"""The grapheme cluster kernel (``_grapheme_py`` / ``_grapheme_c``) on both backends.

* ``RULES_UNICODE``: every line of the official ``GraphemeBreakTest-16.0.0.txt``, and
  agreement with ``ugrapheme`` (an independent Unicode 16.0 implementation) on random text.
* ``RULES_TWILIO``: every line of grapheme-splitter 1.0.4's own test file, the recorded
  answers of the real package (``tests/_grapheme_oracle.py``), and, where node and the
  package are installed, the live package on fresh random texts.
* compiled vs pure parity (hypothesis) over texts of every PEP 393 width, errors included;
  boundaries, next_boundary, prev_boundary and count_clusters consistent with each other;
  a few hand-checked clusters; the generated tables up to date with their sources.
"""

from __future__ import annotations

import bisect
import importlib.util
import pathlib
import re
import unicodedata
from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import _grapheme_oracle as oracle
from conftest import VECTORS, load_vector
from smscodec import _grapheme_py, _grapheme_tables
from smscodec.errors import ArgumentError

Kernel = Callable[[str], ModuleType]
ROOT = pathlib.Path(__file__).resolve().parent.parent
UNICODE_TEST = VECTORS / "GraphemeBreakTest-16.0.0.txt"
SPLITTER_TEST = VECTORS / "grapheme-splitter-1.0.4-GraphemeBreakTest.txt"


def _break_test(path: pathlib.Path) -> list[pytest.ParameterSet]:
    """The cases of a GraphemeBreakTest file: (text, cluster ends), one per line."""
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        points: list[int] = []
        ends: list[int] = []
        for token in line.split():
            if token == "÷":
                if points:
                    ends.append(len(points))
            elif token != "×":
                points.append(int(token, 16))
        assert ends[-1:] == [len(points)], f"{path.name}:{number} does not end with ÷"
        cases.append(pytest.param("".join(map(chr, points)), ends, id=f"{path.name}:{number}"))
    return cases


UNICODE_CASES = _break_test(UNICODE_TEST)
SPLITTER_CASES = _break_test(SPLITTER_TEST)


def _all_consistent(g: ModuleType, text: str, rules: int, ends: list[int]) -> None:
    """Every entry point agrees with the expected cluster ends of ``text``."""
    assert g.boundaries(text, rules) == ends
    assert g.count_clusters(text, rules) == len(ends)
    start = 0
    for end in ends:
        assert g.next_boundary(text, start, rules) == end
        start = end
    cuts = [0, *ends]
    for pos in range(len(text) + 1):
        assert g.prev_boundary(text, 0, pos, rules) == max(c for c in cuts if c <= pos)


def test_the_vector_files_are_the_pinned_versions() -> None:
    assert _grapheme_py.UNICODE_VERSION == "16.0.0"
    assert UNICODE_TEST.read_text(encoding="utf-8").startswith("# GraphemeBreakTest-16.0.0.txt")
    # 1093 test lines in Unicode 16.0.0's file; grapheme-splitter ships Unicode 10.0.0's.
    assert len(UNICODE_CASES) == 1093
    assert SPLITTER_TEST.read_text(encoding="utf-8").startswith("# GraphemeBreakTest-10.0.0.txt")


def test_constants(kernel: Kernel) -> None:
    g = kernel("grapheme")
    assert (g.RULES_UNICODE, g.RULES_TWILIO, g.UNICODE_VERSION) == (0, 1, "16.0.0")


@pytest.mark.parametrize(("text", "ends"), UNICODE_CASES)
def test_unicode_break_test(kernel: Kernel, text: str, ends: list[int]) -> None:
    _all_consistent(kernel("grapheme"), text, 0, ends)


@pytest.mark.parametrize(("text", "ends"), SPLITTER_CASES)
def test_twilio_splitter_break_test(kernel: Kernel, text: str, ends: list[int]) -> None:
    _all_consistent(kernel("grapheme"), text, 1, ends)


RECORDED = load_vector("grapheme_splitter_1.0.4_answers.json")


def test_twilio_recorded_oracle(kernel: Kernel) -> None:
    g = kernel("grapheme")
    cases = RECORDED["cases"]
    assert RECORDED["package"] == "grapheme-splitter@1.0.4"
    assert len(cases) > 9000
    wrong = [c for c in cases if g.boundaries(c["text"], 1) != c["ends"]]
    assert not wrong, f"{len(wrong)} texts differ from grapheme-splitter, first: {wrong[0]!r}"
    assert all(g.count_clusters(c["text"], 1) == len(c["ends"]) for c in cases)


def test_twilio_recorded_oracle_is_the_generator_output() -> None:
    # The recorded texts are exactly what the helper generates, so re-recording is a
    # reviewable diff of answers only.
    texts = oracle.random_texts(oracle.RECORD_SEED, oracle.RECORD_COUNT) + oracle.class_sequences()
    assert [c["text"] for c in RECORDED["cases"]] == texts


@pytest.mark.skipif(oracle.splitter_available() is not None, reason=str(oracle.splitter_available()))
def test_twilio_live_oracle(kernel: Kernel) -> None:
    g = kernel("grapheme")
    texts = oracle.random_texts(20260, 1500)
    for text, ends in zip(texts, oracle.run_splitter(texts), strict=True):
        assert g.boundaries(text, 1) == ends, text


@pytest.mark.skipif(importlib.util.find_spec("ugrapheme") is None, reason="ugrapheme is not installed")
def test_unicode_agrees_with_ugrapheme(kernel: Kernel) -> None:
    from ugrapheme import grapheme_split

    g = kernel("grapheme")
    compared = 0
    for text in oracle.random_texts(29, 3000):
        # ugrapheme 0.8 misses some code points new in Unicode 16.0 (U+113CE TULU-TIGALARI
        # SIGN VIRAMA is Extend in GraphemeBreakProperty-16.0.0.txt; it cuts before it):
        # compare on code points that Python's own Unicode database (older) assigns.
        if any(unicodedata.category(c) == "Cn" for c in text):
            continue
        compared += 1
        clusters = grapheme_split(text)
        ends, at = [], 0
        for cluster in clusters:
            at += len(cluster)
            ends.append(at)
        assert g.boundaries(text, 0) == ends, text
    assert compared > 2500


# Hand-checked clusters: (text, Unicode 16.0 ends, grapheme-splitter ends, why).
EXAMPLES = [
    # KA + VIRAMA + SSA: GB9c (Unicode 15.1+) joins the conjunct; grapheme-splitter
    # (Unicode 10) keeps the virama with KA (GB9) and starts a cluster at SSA.
    ("\u0915\u094d\u0937", [3], [2, 3], "क्ष conjunct"),
    # Two regional indicators are one flag (GB12); a third starts the next one.
    ("\U0001f1eb\U0001f1f7\U0001f1fa", [2, 3], [2, 3], "🇫🇷 + a lone 🇺"),
    # Thumbs up + skin tone modifier: Extend since Unicode 11 (GB9), E_Base x E_Modifier
    # in grapheme-splitter (GB10).
    ("\U0001f44d\U0001f3fd", [2], [2], "👍🏽"),
    # man ZWJ woman ZWJ girl: GB11 (ExtPict Extend* ZWJ x ExtPict); grapheme-splitter:
    # ZWJ x E_Base_GAZ.
    ("\U0001f468\u200d\U0001f469\u200d\U0001f467", [5], [5], "👨‍👩‍👧"),
    # e + combining acute (GB9), CR LF (GB3), Hangul L V T jamo (GB6, GB7).
    ("e\u0301\r\n\u1100\u1161\u11a8", [2, 4, 7], [2, 4, 7], "é, CR LF, 각"),
    # grapheme-splitter's own rules, not UAX #29 of any version: after RI RI Extend its
    # "lookahead terminator" cuts before a second Extend (rule B).
    ("\U0001f1eb\U0001f1f7\u0301\u0301", [4], [3, 4], "flag + two accents"),
    # ... and E_Base Extend Extend E_Modifier is cut before the modifier (rule D).
    ("\U0001f44d\u0301\u0301\U0001f3fd", [4], [3, 4], "thumbs up, two accents, skin tone"),
]


@pytest.mark.parametrize(
    ("text", "unicode_ends", "twilio_ends", "why"), EXAMPLES, ids=[e[3] for e in EXAMPLES]
)
def test_hand_checked(
    kernel: Kernel, text: str, unicode_ends: list[int], twilio_ends: list[int], why: str
) -> None:
    g = kernel("grapheme")
    _all_consistent(g, text, g.RULES_UNICODE, unicode_ends)
    _all_consistent(g, text, g.RULES_TWILIO, twilio_ends)


def test_empty_and_latin1(kernel: Kernel) -> None:
    g = kernel("grapheme")
    for rules in (0, 1):
        assert g.boundaries("", rules) == []
        assert g.count_clusters("", rules) == 0
        assert g.next_boundary("", 0, rules) == 0
        assert g.prev_boundary("", 0, 0, rules) == 0
        # One cluster per code point below U+0100, except CR LF.
        text = "a\r\n\r\r\xe9\x00\n\r\n\xad"
        _all_consistent(g, text, rules, [1, 3, 4, 5, 6, 7, 8, 10, 11])


def test_latin1_shortcut_holds_for_the_tables() -> None:
    # Both twins take every code point below U+0100 as its own cluster (but CR LF).
    plain = {
        _grapheme_tables.GCB_OTHER,
        _grapheme_tables.GCB_CR,
        _grapheme_tables.GCB_LF,
        _grapheme_tables.GCB_CONTROL,
    }
    for starts, values in (
        (_grapheme_tables.UNICODE_STARTS, _grapheme_tables.UNICODE_VALUES),
        (_grapheme_tables.TWILIO_STARTS, _grapheme_tables.TWILIO_VALUES),
    ):
        for first, value in zip(starts, values, strict=True):
            if first < 0x100:
                assert value & ~_grapheme_tables.EXT_PICT in plain


def test_errors(kernel: Kernel) -> None:
    g = kernel("grapheme")
    for call in (g.boundaries, g.count_clusters):
        with pytest.raises(TypeError, match="text must be a str, not bytes"):
            call(b"abc")
        for bad in (2, -1, "0", 0.0, None):
            with pytest.raises(
                ArgumentError, match=r"rules must be RULES_UNICODE \(0\) or RULES_TWILIO \(1\)"
            ) as e:
                call("abc", bad)
            assert e.value.argument == "rules"
    with pytest.raises(TypeError):
        g.next_boundary("abc", 1.0)
    with pytest.raises(TypeError):
        g.next_boundary(None, 0)
    for pos in (-1, 4, 2**80):
        with pytest.raises(ArgumentError, match=r"pos must be in 0\.\.3") as e:
            g.next_boundary("abc", pos)
        assert e.value.argument == "pos"
    for start, pos in ((-1, 0), (2, 1), (0, 4), (0, 2**80)):
        with pytest.raises(ArgumentError, match=r"0 <= start <= pos <= 3"):
            g.prev_boundary("abc", start, pos)
    with pytest.raises(TypeError):
        g.prev_boundary("abc", "0", 1)


def test_keywords_and_str_subclass(kernel: Kernel) -> None:
    g = kernel("grapheme")

    class Text(str):
        pass

    assert g.boundaries(Text("\u0915\u094d\u0937"), rules=1) == [2, 3]
    assert g.count_clusters(Text("ab"), rules=0) == 2
    assert g.next_boundary("\r\nx", 0, rules=1) == 2
    assert g.prev_boundary("\r\nx", 0, 1, rules=0) == 0


# Random texts for parity: pieces that form clusters, single code points of every property
# run, and arbitrary code points (lone surrogates included), with a character that fixes
# the PEP 393 width at the start, the middle or the end.
_PIECES = (
    oracle._FLAGS
    + oracle._SKIN
    + oracle._PEOPLE
    + oracle._ZWJ_SEQUENCES
    + oracle._MARKS
    + oracle._DEVANAGARI
    + oracle._HANGUL
    + oracle._OTHER
    + ["\ud83d", "\ude00", "\ud83d\ude00"]
)
_piece = st.one_of(
    st.sampled_from(_PIECES),
    st.sampled_from(oracle._property_samples()),
    st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF),
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(_piece, max_size=24))
    width = draw(st.sampled_from(["", "a", "\xe9", "\u0394", "\u20ac", "\U0001f600"]))
    where = draw(st.integers(0, len(pieces)))
    pieces.insert(where, width)
    return "".join(pieces)


def _outcome(call: Callable[..., object], *args: object) -> object:
    try:
        return call(*args)
    except Exception as error:  # parity of errors: same type and message
        return (type(error), str(error))


@settings(max_examples=400, deadline=None)
@given(text=texts(), rules=st.sampled_from([0, 1, 2]), data=st.data())
def test_parity(text: str, rules: int, data: st.DataObject) -> None:
    c = pytest.importorskip("smscodec._grapheme_c")
    p = _grapheme_py
    assert _outcome(c.boundaries, text, rules) == _outcome(p.boundaries, text, rules)
    assert _outcome(c.count_clusters, text, rules) == _outcome(p.count_clusters, text, rules)
    pos = data.draw(st.integers(-1, len(text) + 1))
    start = data.draw(st.integers(-1, max(pos, 0)))
    assert _outcome(c.next_boundary, text, pos, rules) == _outcome(p.next_boundary, text, pos, rules)
    assert _outcome(c.prev_boundary, text, start, pos, rules) == _outcome(
        p.prev_boundary, text, start, pos, rules
    )


@settings(max_examples=200, deadline=None)
@given(text=texts(), rules=st.sampled_from([0, 1]))
def test_entry_points_agree(kernel: Kernel, text: str, rules: int) -> None:
    g = kernel("grapheme")
    ends = g.boundaries(text, rules)
    assert ends == sorted(set(ends))
    assert not text or ends[-1] == len(text)
    _all_consistent(g, text, rules, ends)
    # From any boundary, the rest segments as it does in the whole text.
    for start in [0, *ends[:-1]][:6]:
        rest = g.boundaries(text[start:], rules)
        assert [start + e for e in rest] == [e for e in ends if e > start]
        for pos in range(start, len(text) + 1):
            assert g.prev_boundary(text, start, pos, rules) == max(b for b in [start, *ends] if b <= pos)


def _runs_value(starts: tuple[int, ...], values: bytes, cp: int) -> int:
    return values[bisect.bisect_right(starts, cp) - 1]


def test_property_value_of_every_code_point(kernel: Kernel) -> None:
    # Both twins' lookups against the run-length tables they are built from.
    g = kernel("grapheme")
    for rules, starts, values in (
        (0, _grapheme_tables.UNICODE_STARTS, _grapheme_tables.UNICODE_VALUES),
        (1, _grapheme_tables.TWILIO_STARTS, _grapheme_tables.TWILIO_VALUES),
    ):
        step = 1 if g.__name__.endswith("_c") else 7  # the pure twin: every 7th
        for cp in range(0, 0x110000, step):
            assert g.property_value(cp, rules) == _runs_value(starts, values, cp), hex(cp)
        for cp in starts:  # the first and the last code point of every run
            assert g.property_value(cp, rules) == _runs_value(starts, values, cp)
            assert g.property_value(max(cp - 1, 0), rules) == _runs_value(starts, values, max(cp - 1, 0))
    # Spot checks against the source files.
    assert g.property_value(0x094D) == _grapheme_tables.GCB_EXTEND | _grapheme_tables.INCB_LINKER  # virama
    assert g.property_value(0x0915) == _grapheme_tables.INCB_CONSONANT  # KA: Other + Consonant
    assert g.property_value(0x1F44D) == _grapheme_tables.EXT_PICT  # thumbs up
    assert g.property_value(0x1F44D, 1) == _grapheme_tables.TW_E_BASE
    assert g.property_value(0x1F3FD, 0) == _grapheme_tables.GCB_EXTEND | _grapheme_tables.INCB_EXTEND
    assert g.property_value(0x1F3FD, 1) == _grapheme_tables.TW_E_MODIFIER
    assert g.property_value(0xD800, 1) == _grapheme_tables.GCB_CONTROL  # Cs in Unicode 10
    assert g.property_value(0xD800, 0) == _grapheme_tables.GCB_OTHER
    for cp in (-1, 0x110000):
        with pytest.raises(ArgumentError, match="cp must be a code point"):
            g.property_value(cp)
    with pytest.raises(ArgumentError, match="rules must be"):
        g.property_value(65, 3)


def test_pxd_constants_match_the_tables() -> None:
    pxd = (ROOT / "src" / "smscodec" / "_grapheme_c.pxd").read_text(encoding="utf-8")
    declared = dict(re.findall(r"^\s+GC_(\w+) = (0x[0-9A-F]+|\d+)\b", pxd, re.MULTILINE))
    names = {
        "OTHER": "GCB_OTHER", "CR": "GCB_CR", "LF": "GCB_LF", "CONTROL": "GCB_CONTROL",
        "EXTEND": "GCB_EXTEND", "ZWJ": "GCB_ZWJ", "RI": "GCB_RI", "PREPEND": "GCB_PREPEND",
        "SPACING_MARK": "GCB_SPACING_MARK", "L": "GCB_L", "V": "GCB_V", "T": "GCB_T",
        "LV": "GCB_LV", "LVT": "GCB_LVT", "E_BASE": "TW_E_BASE", "E_MODIFIER": "TW_E_MODIFIER",
        "GLUE_AFTER_ZWJ": "TW_GLUE_AFTER_ZWJ", "E_BASE_GAZ": "TW_E_BASE_GAZ",
        "GCB_MASK": "GCB_MASK", "EXT_PICT": "EXT_PICT", "INCB_MASK": "INCB_MASK",
        "INCB_CONSONANT": "INCB_CONSONANT", "INCB_EXTEND": "INCB_EXTEND", "INCB_LINKER": "INCB_LINKER",
    }  # fmt: skip
    for pxd_name, table_name in names.items():
        assert int(declared[pxd_name], 0) == getattr(_grapheme_tables, table_name), pxd_name
    for ri in ("EMPTY", "NONE", "ONLY", "LEAD", "OTHER"):
        assert int(declared[f"RI_{ri}"]) == getattr(_grapheme_py, f"_RI_{ri}")


def test_generated_tables_are_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location(
        "gen_grapheme_tables", ROOT / "tools" / "gen_grapheme_tables.py"
    )
    assert spec is not None
    assert spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    generated = (ROOT / "src" / "smscodec" / "_grapheme_tables.py").read_text(encoding="utf-8")
    assert gen.render() == generated, "run tools/gen_grapheme_tables.py"
