"""Grapheme cluster boundaries, pure Python: the readable twin of ``_grapheme_c``.

Theory of operation
-------------------
A text is cut into grapheme clusters (what a reader sees as one character: ``e`` + a
combining accent, a flag made of two regional indicators, ``👍🏽``, a ZWJ family, a
Devanagari conjunct).  A splitter that never cuts inside one, as Twilio's does, needs
to ask "may I cut before this code point?" once per code point, left to right.  Both
rule sets answer that with a small state machine fed one property byte per code point
(``_grapheme_tables``, generated from the data by ``tools/gen_grapheme_tables.py``).

``RULES_UNICODE`` (0): UAX #29 "Unicode Text Segmentation", extended grapheme clusters,
rules GB3-GB999 of the pinned Unicode version (``UNICODE_VERSION``).  Besides the
previous code point's Grapheme_Cluster_Break value the state holds three facts about
the text before the candidate break:

* GB9c (Indic conjuncts, since Unicode 15.1): ``incb`` is 1 after an InCB=Consonant
  followed only by InCB=Extend/Linker code points, 2 once a Linker came among them;
  a Consonant then joins (``क`` + ``्`` + ``ष`` = ``क्ष``, one cluster).
* GB11 (emoji ZWJ sequences): ``emoji`` is 1 after Extended_Pictographic Extend*, 2
  when a ZWJ follows that; an Extended_Pictographic then joins.
* GB12/GB13 (flags): ``ri_odd``, whether an odd number of Regional_Indicators ends
  the text so far; a Regional_Indicator joins only then.

These are the rules of the text, not of a cluster, but every fact above starts inside
the cluster that holds the candidate break, so segmenting ``text[pos:]`` from ``pos``
gives the true clusters whenever ``pos`` is itself a boundary (``next_boundary``).

``RULES_TWILIO`` (1): exactly what the npm package ``grapheme-splitter`` 1.0.4 does
(Twilio's segment calculator splits with it): its own property data (Unicode 10.0.0,
with E_Base, E_Modifier, Glue_After_Zwj, E_Base_GAZ) and its own ``shouldBreak(start,
mid, next)``, which looks at the whole cluster so far: ``start`` (its first code
point's value) and ``mid`` (the values of the rest).  That function is not UAX #29 of
any version; reproduced rule by rule, in its order (the first rule that applies wins):

A. ``next`` is E_Modifier, ``mid`` is non-empty and all Extend, ``start`` is not
   Extend, E_Base or E_Base_GAZ: break (its "GB10 lookahead terminator").
B. its "GB12/GB13 lookahead terminator", on the last Regional_Indicator of
   ``[start] + mid + [next]``: when ``next`` is one, break if ``mid`` is empty and
   ``start`` is neither Prepend nor Regional_Indicator; otherwise break if ``mid``
   is one or more Regional_Indicators followed by other values only, the last of
   which is not Prepend.  (So ``RI RI Extend`` ÷ ``Extend``: the cluster ends
   before the second Extend, unlike UAX #29.)
C. GB3 CR × LF; GB4 (Control | CR | LF) ÷; GB5 ÷ (Control | CR | LF); GB6-GB8 Hangul;
   GB9 × (Extend | ZWJ); GB9a × SpacingMark; GB9b Prepend ×.
D. GB10: ``next`` is E_Modifier and either no Extend is in ``[start] + mid`` and the
   previous value is E_Base or E_Base_GAZ, or the previous value is Extend and the one
   before it E_Base or E_Base_GAZ (one Extend at most: ``E_Base Extend Extend`` ÷
   ``E_Modifier``).
E. GB11: ZWJ × (Glue_After_Zwj | E_Base_GAZ).
F. GB12/GB13: break if ``mid`` holds a Regional_Indicator; else RI × RI.
G. otherwise break.

Its "mid" only ever grows by the value just accepted, so the state is a handful of
small fields: ``start``, the last two values, whether an Extend was seen, whether
``mid`` is empty / all Extend, and where its Regional_Indicators are (``_RI_*``).
After a break everything restarts from the code point after it, as
``splitGraphemes`` calls ``nextBreak`` from each break.  Indices here are code points;
the package counts UTF-16 units, which gives the same clusters (it reads a surrogate
pair as one code point) except for a Python ``str`` holding a lone high surrogate
followed by a lone low one, which JavaScript would read as one pair.

Fast path (both rule sets): no code point below U+0100 joins its neighbour except CR
LF (the generator checks that), so a text whose code points are all below U+0100 has
one cluster per code point, less one per ``"\\r\\n"``.  And before a code point whose property
byte is 0 (Other; for Unicode also no Extended_Pictographic, no InCB: most letters)
both rule sets cut unless Prepend precedes it, whatever the state: the loops settle
those first, and ``_grapheme_c`` also walks back to such a "sure" boundary before
segmenting forward in ``prev_boundary``.

Errors: ``text`` not a ``str`` -> TypeError; ``rules`` other than 0 or 1 ->
ArgumentError; ``pos`` not an integer -> TypeError, outside ``0..len(text)`` ->
ArgumentError.  Both twins raise the same errors with the same messages.
"""

from __future__ import annotations

__all__ = [
    "RULES_TWILIO",
    "RULES_UNICODE",
    "UNICODE_VERSION",
    "boundaries",
    "count_clusters",
    "next_boundary",
    "prev_boundary",
    "property_value",
]

from bisect import bisect_right
from operator import index as _index

from . import _grapheme_tables as _t
from ._grapheme_tables import UNICODE_VERSION
from .errors import ArgumentError

RULES_UNICODE = 0
RULES_TWILIO = 1

# Property values (see _grapheme_tables), as locals of this module.
_CR, _LF, _CONTROL = _t.GCB_CR, _t.GCB_LF, _t.GCB_CONTROL
_EXTEND, _ZWJ, _RI, _PREPEND, _SPACING = (
    _t.GCB_EXTEND,
    _t.GCB_ZWJ,
    _t.GCB_RI,
    _t.GCB_PREPEND,
    _t.GCB_SPACING_MARK,
)
_L, _V, _T, _LV, _LVT = _t.GCB_L, _t.GCB_V, _t.GCB_T, _t.GCB_LV, _t.GCB_LVT
_E_BASE, _E_MODIFIER, _GAZ, _E_BASE_GAZ = (
    _t.TW_E_BASE,
    _t.TW_E_MODIFIER,
    _t.TW_GLUE_AFTER_ZWJ,
    _t.TW_E_BASE_GAZ,
)
_GCB_MASK, _EXT_PICT, _INCB_MASK = _t.GCB_MASK, _t.EXT_PICT, _t.INCB_MASK
_INCB_CONSONANT, _INCB_EXTEND, _INCB_LINKER = _t.INCB_CONSONANT, _t.INCB_EXTEND, _t.INCB_LINKER

# Where grapheme-splitter's "mid" has its Regional_Indicators (rules B and F above).
_RI_EMPTY = 0  # mid is empty
_RI_NONE = 1  # mid is non-empty and holds none
_RI_ONLY = 2  # mid is one or more RIs and nothing else
_RI_LEAD = 3  # mid is RIs, then at least one other value, and no RI after those
_RI_OTHER = 4  # mid holds an RI in any other arrangement

# Sets of values as bit masks: (1 << value) & mask.
_CONTROLS = (1 << _CR) | (1 << _LF) | (1 << _CONTROL)
_AFTER_L = (1 << _L) | (1 << _V) | (1 << _LV) | (1 << _LVT)
_JOINERS = (1 << _EXTEND) | (1 << _ZWJ) | (1 << _SPACING)
_E_BASES = (1 << _E_BASE) | (1 << _E_BASE_GAZ)
_LV_V = (1 << _LV) | (1 << _V)
_V_T = (1 << _V) | (1 << _T)
_LVT_T = (1 << _LVT) | (1 << _T)
_GLUE = (1 << _GAZ) | (1 << _E_BASE_GAZ)


def _bmp(starts: tuple[int, ...], values: bytes) -> bytes:
    """The property byte of every code point below U+10000, from a run-length table."""
    table = bytearray(0x10000)
    for i, first in enumerate(starts):
        if first >= 0x10000:
            break
        last = starts[i + 1] if i + 1 < len(starts) else 0x110000
        last = min(last, 0x10000)
        table[first:last] = bytes((values[i],)) * (last - first)
    return bytes(table)


_TABLES = (
    (_t.UNICODE_STARTS, _t.UNICODE_VALUES, _bmp(_t.UNICODE_STARTS, _t.UNICODE_VALUES)),
    (_t.TWILIO_STARTS, _t.TWILIO_VALUES, _bmp(_t.TWILIO_STARTS, _t.TWILIO_VALUES)),
)


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")


def _check_rules(rules: object) -> int:
    if type(rules) is not int or rules not in (RULES_UNICODE, RULES_TWILIO):
        raise ArgumentError(
            f"rules must be RULES_UNICODE (0) or RULES_TWILIO (1), not {rules!r}", argument="rules"
        )
    return rules


def _is_latin1(text: str) -> bool:
    return text.isascii() or max(text) < "\u0100"


def _ends(text: str, start: int, rules: int, first: bool, stop: int | None = None) -> list[int]:
    """The end of every cluster of ``text[start:stop]`` (``start < stop <= len(text)``), or only the first.

    The last end is ``stop`` only when ``stop`` is the text's length (``None``): a
    shorter ``stop`` gives the boundaries strictly inside ``start..stop``, as if the
    text went on.
    """
    starts, values, bmp = _TABLES[rules]
    n = len(text) if stop is None else stop
    ends: list[int] = []
    cp = ord(text[start])
    p = bmp[cp] if cp < 0x10000 else values[bisect_right(starts, cp) - 1]
    if rules == RULES_UNICODE:
        prev = p & _GCB_MASK
        incb = 1 if p & _INCB_MASK == _INCB_CONSONANT else 0
        emoji = 1 if p & _EXT_PICT else 0
        ri_odd = prev == _RI
        for i in range(start + 1, n):
            cp = ord(text[i])
            p = bmp[cp] if cp < 0x10000 else values[bisect_right(starts, cp) - 1]
            if not p:
                # Other, not ExtPict, no InCB (most letters): only GB9b Prepend x joins
                # it, and it clears every fact (what the rules below give, sooner).
                if prev != _PREPEND:
                    ends.append(i)
                    if first:
                        return ends
                prev = incb = emoji = 0
                ri_odd = False
                continue
            cur = p & _GCB_MASK
            if prev == _CR and cur == _LF:  # GB3
                cut = False
            elif (1 << prev) & _CONTROLS or (1 << cur) & _CONTROLS:  # GB4, GB5
                cut = True
            elif prev == _L and (1 << cur) & _AFTER_L:  # GB6  # noqa: SIM114 (one branch a rule)
                cut = False
            elif (1 << prev) & _LV_V and (1 << cur) & _V_T:  # GB7  # noqa: SIM114
                cut = False
            elif (1 << prev) & _LVT_T and cur == _T:  # GB8  # noqa: SIM114
                cut = False
            elif (1 << cur) & _JOINERS or prev == _PREPEND:  # GB9, GB9a, GB9b  # noqa: SIM114
                cut = False
            elif incb == 2 and p & _INCB_MASK == _INCB_CONSONANT:  # GB9c  # noqa: SIM114
                cut = False
            elif emoji == 2 and p & _EXT_PICT:  # GB11
                cut = False
            else:  # GB12, GB13, GB999
                cut = not (cur == _RI and ri_odd)
            if cut:
                ends.append(i)
                if first:
                    return ends
            # The facts about the text so far, for the next code point.
            conjunct = p & _INCB_MASK
            if conjunct == _INCB_CONSONANT:
                incb = 1
            elif incb and conjunct == _INCB_LINKER:
                incb = 2
            elif conjunct != _INCB_EXTEND:
                incb = 0
            if p & _EXT_PICT:
                emoji = 1
            elif emoji == 1 and cur == _ZWJ:
                emoji = 2
            elif emoji != 1 or cur != _EXTEND:
                emoji = 0
            ri_odd = not ri_odd if cur == _RI else False
            prev = cur
    else:
        head = prev = p  # grapheme-splitter's start, and the last value
        before = -1  # the value before ``prev`` in this cluster (-1: none)
        extend = p == _EXTEND  # an Extend among [start] + mid
        mid = 0  # 0: mid empty, 1: mid all Extend, 2: anything else
        ri = _RI_EMPTY
        for i in range(start + 1, n):
            cp = ord(text[i])
            nxt = bmp[cp] if cp < 0x10000 else values[bisect_right(starts, cp) - 1]
            if not nxt and prev != _PREPEND:
                # Every rule below cuts before Other unless Prepend precedes it (GB9b).
                cut = True
            elif nxt == _E_MODIFIER and mid == 1 and not (1 << head) & (_E_BASES | (1 << _EXTEND)):
                cut = True  # A
            elif nxt == _RI and ri == _RI_EMPTY and head != _PREPEND and head != _RI:
                cut = True  # B, next is the last RI
            elif nxt != _RI and ri == _RI_LEAD and prev != _PREPEND:
                cut = True  # B, the last RI is in mid (prev is not an RI there)
            elif prev == _CR and nxt == _LF:  # GB3
                cut = False
            elif (1 << prev) & _CONTROLS or (1 << nxt) & _CONTROLS:  # GB4, GB5
                cut = True
            elif prev == _L and (1 << nxt) & _AFTER_L:  # GB6  # noqa: SIM114 (one branch a rule)
                cut = False
            elif (1 << prev) & _LV_V and (1 << nxt) & _V_T:  # GB7  # noqa: SIM114
                cut = False
            elif (1 << prev) & _LVT_T and nxt == _T:  # GB8  # noqa: SIM114
                cut = False
            elif (1 << nxt) & _JOINERS or prev == _PREPEND:  # GB9, GB9a, GB9b  # noqa: SIM114
                cut = False
            elif nxt == _E_MODIFIER and (  # noqa: SIM114
                (not extend and (1 << prev) & _E_BASES)
                or (prev == _EXTEND and before >= 0 and (1 << before) & _E_BASES)
            ):  # D (GB10)
                cut = False
            elif prev == _ZWJ and (1 << nxt) & _GLUE:  # E (GB11)
                cut = False
            elif ri != _RI_EMPTY and ri != _RI_NONE:  # F: mid holds an RI
                cut = True
            else:  # F (RI x RI), G
                cut = not (prev == _RI and nxt == _RI)
            if cut:
                ends.append(i)
                if first:
                    return ends
                head = prev = nxt
                before = -1
                extend = nxt == _EXTEND
                mid = 0
                ri = _RI_EMPTY
                continue
            # nxt joins the cluster: mid.push(nxt).
            if nxt == _RI:
                ri = _RI_ONLY if ri in (_RI_EMPTY, _RI_ONLY) else _RI_OTHER
            elif ri == _RI_EMPTY:
                ri = _RI_NONE
            elif ri == _RI_ONLY:
                ri = _RI_LEAD
            mid = 1 if nxt == _EXTEND and mid < 2 else 2
            extend = extend or nxt == _EXTEND
            before, prev = prev, nxt
    if stop is None:
        ends.append(n)
    return ends


def boundaries(text: str, /, rules: int = RULES_UNICODE) -> list[int]:
    """The end offset (in code points) of every grapheme cluster of ``text``.

    Returns:
        Increasing offsets, the last one ``len(text)``; ``[]`` for ``""``.

    Raises:
        TypeError: ``text`` is not a ``str``.
        ArgumentError: ``rules`` is not ``RULES_UNICODE`` or ``RULES_TWILIO``.
    """
    _check_text(text)
    _check_rules(rules)
    if not text:
        return []
    if _is_latin1(text):
        ends = list(range(1, len(text) + 1))
        if "\r\n" in text:
            # GB3 CR x LF: drop the end after each CR that a LF follows.
            joined = set()
            at = text.find("\r\n")
            while at >= 0:
                joined.add(at + 1)
                at = text.find("\r\n", at + 1)
            ends = [e for e in ends if e not in joined]
        return ends
    return _ends(text, 0, rules, False)


def next_boundary(text: str, pos: int, /, rules: int = RULES_UNICODE) -> int:
    """The end of the grapheme cluster that starts at code point ``pos``.

    ``pos`` is taken to be a cluster boundary: the text is segmented from there.

    Returns:
        An offset in ``pos + 1 .. len(text)``; ``len(text)`` when ``pos == len(text)``.

    Raises:
        TypeError: ``text`` is not a ``str`` or ``pos`` not an integer.
        ArgumentError: ``rules`` is not a rule set, or ``pos`` is outside ``0..len(text)``.
    """
    _check_text(text)
    _check_rules(rules)
    pos = _index(pos)  # TypeError for anything but an integer
    n = len(text)
    if pos < 0 or pos > n:
        raise ArgumentError(f"pos must be in 0..{n} (the text's length), not {pos}", argument="pos")
    if pos >= n - 1:
        return n
    return _ends(text, pos, rules, True)[0]


def prev_boundary(text: str, start: int, pos: int, /, rules: int = RULES_UNICODE) -> int:
    """The greatest cluster boundary in ``start..pos``, where ``start`` is a boundary.

    What a splitter asks at a candidate cut ``pos`` (the part began at ``start``): the
    text is segmented from ``start``.

    Returns:
        An offset in ``start..pos``; ``len(text)`` when ``pos == len(text)``.

    Raises:
        TypeError: ``text`` is not a ``str``, or ``start`` / ``pos`` not an integer.
        ArgumentError: ``rules`` is not a rule set, or not ``0 <= start <= pos <= len(text)``.
    """
    _check_text(text)
    _check_rules(rules)
    start = _index(start)
    pos = _index(pos)
    n = len(text)
    if start < 0 or pos < start or pos > n:
        raise ArgumentError(
            f"start and pos must satisfy 0 <= start <= pos <= {n}, not {start} and {pos}",
            argument="pos",
        )
    if pos in (n, start):
        return pos
    inside = _ends(text, start, rules, False, pos + 1)
    return inside[-1] if inside else start


def property_value(cp: int, /, rules: int = RULES_UNICODE) -> int:
    """The property byte of code point ``cp`` in the table of ``rules`` (see ``_grapheme_tables``).

    Raises:
        TypeError: ``cp`` is not an integer.
        ArgumentError: ``rules`` is not a rule set, or ``cp`` is outside 0..0x10FFFF.
    """
    _check_rules(rules)
    cp = _index(cp)
    if not 0 <= cp <= 0x10FFFF:
        raise ArgumentError(f"cp must be a code point (0..0x10FFFF), not {cp}", argument="cp")
    starts, values, bmp = _TABLES[rules]
    return bmp[cp] if cp < 0x10000 else values[bisect_right(starts, cp) - 1]


def count_clusters(text: str, /, rules: int = RULES_UNICODE) -> int:
    """The number of grapheme clusters of ``text`` (``len(boundaries(text, rules))``).

    Raises:
        TypeError: ``text`` is not a ``str``.
        ArgumentError: ``rules`` is not ``RULES_UNICODE`` or ``RULES_TWILIO``.
    """
    _check_text(text)
    _check_rules(rules)
    if not text:
        return 0
    if _is_latin1(text):
        return len(text) - text.count("\r\n")
    return len(_ends(text, 0, rules, False))
