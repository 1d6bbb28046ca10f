"""Segment counting and splitting: the pure-Python twin (the readable specification).

Theory of operation
-------------------
Every character the GSM 7-bit tables can carry belongs to a *class*: the pair of
bitmasks (locking tables that hold it, single shift tables that hold it), bit ``n``
standing for the table with national language identifier ``n`` (0: the default alphabet
and its extension table, TS 23.038 §6.2.1; 1-13: Annex A).  Only a few dozen classes
exist, so a text is summarised by one pass that maps each character to its class.  For
a candidate (locking ``L``, single shift ``S``) pair a character costs 1 septet when
``L`` holds it, 2 (escape 0x1B + code, §6.2.1.1) when only ``S`` does, and cannot be
sent otherwise; every enabled pair is scored from the same classes.

A part holds ``floor((140 - header octets) * 8 / 7)`` septets (TS 23.040 §9.2.3.24:
the user data that follows a header starts on a septet boundary, so the header is
rounded up to whole septets with fill bits), or ``floor((140 - header octets) / 2)``
UTF-16 units.  Parts are filled greedily; a two-unit item (an escape pair, a surrogate
pair) that does not fit in what is left of a part starts the next part, so it is never
cut.  A text that fits one part goes without concatenation; otherwise every part also
carries the concatenation element (5 octets, 6 with a 16-bit reference, §9.2.3.24.1 and
§9.2.3.24.8) and each national language table in use a 3-octet shift element
(§9.2.3.24.15-16).

The cheapest pair wins: fewest parts, then most units left in the last part, then fewer
national tables, then the lowest locking and single shift identifiers.  A pair whose
single shift table adds nothing to its locking table but the default extension
characters can never win over (locking, default) and is not scored (Android's
``GsmAlphabet`` skips the same two: Turkish/Turkish and Portuguese/Spanish).

Functions take exact ``str`` and ``int`` positionally; the public layer checks types and
ranges first.  The compiled twin ``_segments_c.pyx`` has the same names, results and
errors.
"""

from __future__ import annotations

from . import _spec
from ._tables import CHAR_CLASSES, CLASSES, LOCK_CODES, SCORED_PAIRS, SINGLE_CODES, uncarried
from .errors import EncodingError

__all__ = [
    "BREAK_SPACES",
    "FLAG_GRAPHEMES",
    "FLAG_TWILIO_FILL",
    "FLAG_TWILIO_RULES",
    "FLAG_WORDS",
    "SPEC_VALUES",
    "analyze",
    "analyze_policy",
    "capacity",
    "carried",
    "count",
    "encode_septets",
    "header_room_of",
    "lone_surrogate_error",
    "non_gsm",
    "policy_capacity",
    "smart_text",
    "split",
    "split_policy",
    "unencodable_error",
]

_ESCAPE = _spec.ESCAPE
_SHIFT_IE_OCTETS = _spec.SHIFT_IE_OCTETS
_CONCAT_OCTETS = tuple(_spec.CONCAT_OCTETS.values())
#: The TS 23.038 / 23.040 numbers this twin uses (the compiled twin's come from ``_spec.pxd``).
SPEC_VALUES = {
    name: getattr(_spec, name)
    for name in (
        "USER_DATA_OCTETS",
        "UDHL_OCTETS",
        "MAX_PARTS",
        "CONCAT_OCTETS",
        "SHIFT_IE_OCTETS",
        "ESCAPE",
        "SEPTET_BITS",
        "MIN_ITEM_OCTETS",
    )
}


def header_room_of(concat: int, national: bool, /) -> int:
    """The most octets a caller's header may take: :func:`smscodec._spec.header_room`."""
    return _spec.header_room(concat, national)


def capacity(header: int, extra: int, ucs2: int, /) -> int:
    """Units one part carries: caller ``header`` octets (0: none) plus ``extra`` element octets.

    The rule of :func:`smscodec._spec.capacity` (TS 23.040 §9.2.3.24): 160, 153, 152, ...
    septets, or 70, 67, 66, ... UTF-16 units when ``ucs2`` is true.
    """
    return _spec.capacity(header, extra, ucs2)


def _greedy(costs: list[int], cap: int) -> tuple[int, int]:
    parts = 1
    fill = 0
    for cost in costs:
        if fill + cost > cap:
            parts += 1
            fill = 0
        fill += cost
    return parts, cap - fill


def _measure(costs: list[int], header: int, concat: int, shift: int, ucs2: int) -> tuple[int, int, int]:
    """(parts, per_segment, remaining) of items of ``costs`` units."""
    single = capacity(header, shift, ucs2)
    total = sum(costs)
    if total <= single:
        return 1, single, single - total
    multi = capacity(header, concat + shift, ucs2)
    parts, remaining = _greedy(costs, multi)
    return parts, multi, remaining


def _gsm_costs(text: str, locking: int, single: int) -> list[int] | None:
    costs = []
    for ch in text:
        lk, ss = CLASSES[CHAR_CLASSES.get(ch, 0)]
        if lk >> locking & 1:
            costs.append(1)
        elif ss >> single & 1:
            costs.append(2)
        else:
            return None
    return costs


def lone_surrogate_error(text: str, /) -> EncodingError:
    """The EncodingError for the first lone surrogate of ``text`` (which holds one), which
    UCS-2 (UTF-16) cannot encode; both twins raise this one."""
    for i, ch in enumerate(text):
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return EncodingError(
                f"lone surrogate U+{ord(ch):04X} at position {i} cannot be encoded in UCS-2 (UTF-16)",
                char=ch,
                position=i,
            )
    raise AssertionError("text holds no lone surrogate")  # pragma: no cover - callers check first


def _ucs2_costs(text: str) -> list[int]:
    costs = []
    for ch in text:
        cp = ord(ch)
        if 0xD800 <= cp <= 0xDFFF:
            raise lone_surrogate_error(text)
        # A code point above the BMP is a surrogate pair: two UTF-16 units.
        costs.append(2 if cp > 0xFFFF else 1)
    return costs


def _candidates(locks: int, singles: int) -> list[tuple[int, int]]:
    return [(lk, ss) for lk, ss in SCORED_PAIRS if locks >> lk & 1 and singles >> ss & 1]


def unencodable_error(text: str, locks: int, singles: int, /) -> EncodingError:
    """The EncodingError for a text no enabled table pair carries (both twins raise this one)."""
    # The first character after which no enabled pair can carry the text.
    alive = _candidates(locks, singles)
    i = 0
    for i, ch in enumerate(text):  # noqa: B007 - i is the fault position below
        lk, ss = CLASSES[CHAR_CLASSES.get(ch, 0)]
        alive = [(a, b) for a, b in alive if lk >> a & 1 or ss >> b & 1]
        if not alive:
            break
    else:  # pragma: no cover - only called for a text no pair carries
        raise AssertionError("text is encodable")
    if locks == 1 and singles == 1:
        what = "is not in the GSM 7-bit default alphabet or its extension table"
    else:
        what = "cannot be carried by any enabled GSM 7-bit table pair"
    return EncodingError(f"character {ch!r} (U+{ord(ch):04X}) at position {i} {what}", char=ch, position=i)


def _check_room(header: int, concat: int, locks: int, singles: int) -> None:
    # The rule of smscodec._spec.header_room.  The public layer checks it first with a
    # UdhError naming the header; here it only keeps the arithmetic sound.
    national = not (locks == 1 and singles == 1)
    if header < 0 or concat not in _CONCAT_OCTETS or header > _spec.header_room(concat, national):
        raise ValueError(f"header {header} / concat {concat} octets leave no room for text")


def analyze(
    text: str, header: int, concat: int, mode: int, locks: int, singles: int, /
) -> tuple[int, int, int, int, int, int, int]:
    """Score ``text`` for sending.

    ``header``: the caller's header octets (0: none); ``concat``: octets of the
    concatenation element (5 or 6); ``mode``: 0 auto, 1 GSM-7 only, 2 UCS-2 only;
    ``locks``/``singles``: bitmasks of the enabled table identifiers (bit 0: default).

    Returns ``(encoding, parts, units, per_segment, remaining, locking, single)`` with
    encoding 0 for GSM-7 and 1 for UCS-2.

    Raises:
        EncodingError: mode 1 and no enabled pair carries the text; or a lone surrogate
            in a text sent as UCS-2.
    """
    _check_room(header, concat, locks, singles)
    if mode != 2:
        best: tuple[int, int, int, int, int, int, int] | None = None
        for lk, ss in _candidates(locks, singles):
            costs = _gsm_costs(text, lk, ss)
            if costs is None:
                continue
            shift = _SHIFT_IE_OCTETS * ((lk != 0) + (ss != 0))
            parts, per, remaining = _measure(costs, header, concat, shift, 0)
            # PAIRS is in tie-break order, so only a strictly better pair replaces the best.
            if best is None or (parts, -remaining) < (best[1], -best[4]):
                best = (0, parts, sum(costs), per, remaining, lk, ss)
        if best is not None:
            return best
        if mode == 1:
            raise unencodable_error(text, locks, singles)
    costs = _ucs2_costs(text)
    parts, per, remaining = _measure(costs, header, concat, 0, 1)
    return 1, parts, sum(costs), per, remaining, 0, 0


def count(text: str, /) -> int:
    """Parts of ``text`` with every option at its default: ``analyze(text, 0, 5, 0, 1, 1)[1]``.

    Raises:
        EncodingError: a lone surrogate (the text goes as UCS-2).
    """
    return analyze(text, 0, 5, 0, 1, 1)[1]


def split(text: str, ucs2: int, locking: int, single: int, cap: int, /) -> list[tuple[int, int]]:
    """Greedy split points of ``text`` for parts of ``cap`` units.

    Returns one ``(end, units)`` per part: the part is ``text[previous end:end]``.  An
    escape pair or a surrogate pair is never cut.  ``text`` must be encodable with the
    given tables (``analyze`` said so); ``cap`` at least 2.
    """
    if cap < 2:
        raise ValueError(f"parts of {cap} units cannot hold an escape or surrogate pair")
    if ucs2:
        costs = _ucs2_costs(text)
    else:
        gsm = _gsm_costs(text, locking, single)
        if gsm is None:
            raise unencodable_error(text, 1 << locking, 1 << single)
        costs = gsm
    ends: list[tuple[int, int]] = []
    fill = 0
    for i, cost in enumerate(costs):
        if fill + cost > cap:
            ends.append((i, fill))
            fill = 0
        fill += cost
    ends.append((len(costs), fill))
    return ends


def encode_septets(text: str, locking: int, single: int, /) -> bytes:
    """Unpacked septets of ``text``: one per octet, 0x1B before each single shift character.

    Raises:
        EncodingError: a character neither table holds.
    """
    lock_codes = LOCK_CODES[locking]
    single_codes = SINGLE_CODES[single]
    out = bytearray()
    for ch in text:
        code = lock_codes.get(ch)
        if code is not None:
            out.append(code)
            continue
        code = single_codes.get(ch)
        if code is None:
            raise unencodable_error(text, 1 << locking, 1 << single)
        out.append(_ESCAPE)
        out.append(code)
    return bytes(out)


def non_gsm(text: str, locks: int, singles: int, /) -> list[str]:
    """The distinct characters of ``text`` that no enabled table holds, in order of first appearance."""
    return uncarried(text, locks, singles)


def carried(text: str, locks: int, singles: int, /) -> bool:
    """Whether one enabled (locking, single shift) pair carries every character of ``text``.

    Not the same as :func:`non_gsm` being empty: with national tables, every character
    may be in *some* enabled table while no single pair, which is what a message is sent
    with (one locking and one single shift table per message, TS 23.040 §9.2.3.24.15-16),
    holds them all; such a text goes as UCS-2.
    """
    masks = [CLASSES[CHAR_CLASSES.get(ch, 0)] for ch in set(text)]
    return any(all(lk >> a & 1 or ss >> b & 1 for lk, ss in masks) for a, b in _candidates(locks, singles))


def smart_text(
    text: str, table: dict[int, str], header: int, concat: int, mode: int, locks: int, singles: int, /
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Smart encoding of ``text`` with the translate ``table`` (see :mod:`smscodec.smart`).

    The options are :func:`analyze`'s.  Returns ``(text sent, replacements)``: the
    translated text and the distinct ``(character, replacement)`` pairs in order of first
    appearance when the translation lets the text go as GSM-7 with one pair of the
    enabled tables (:func:`carried`) and, under auto (``mode`` 0), in no more parts than
    the text as written; else ``(text, ())`` unchanged.
    """
    new = text.translate(table)
    if new == text or not carried(new, locks, singles):
        return text, ()
    if mode == 0:
        try:
            before = analyze(text, header, concat, 0, locks, singles)[1]
        except EncodingError:
            # Not sendable as written (a caller's map replaced a lone surrogate).
            before = None
        if before is not None and analyze(new, header, concat, 0, locks, singles)[1] > before:
            return text, ()
    done = tuple((ch, table[ord(ch)]) for ch in dict.fromkeys(text) if ord(ch) in table)
    return new, done


# --- split policies (smscodec.policies) -------------------------------------------------------
#
# A policy other than TS 23.040's greedy split comes to the kernels as ``flags`` (the bits
# below, the same as smscodec._plan's FLAG_*) and four per-part limits (0: TS 23.040's
# capacity).  Cutting is defined on code points, each costing 1 or 2 units as above,
# with *allowed cut positions*: every position, or only the grapheme cluster boundaries
# (``_grapheme_py.boundaries``) when FLAG_GRAPHEMES is set.
#
# Greedy fill: a text longer than one part is cut into parts of the concatenated size.
# When code point ``i`` does not fit in the part that starts at ``start``, the part ends
# at the first of these that exists: (words) the last position q in (start, i] after a
# break space that is also a boundary, if what follows q up to i fits a part; the last
# boundary in (start, i]; else ``i`` itself (a cluster longer than a part is cut).
#
# Twilio fill (SegmentedMessage.ts ``_buildSegments``): the first part takes clusters up
# to the one-part size; at the first cluster K that does not fit, the first part is
# trimmed to the last boundary within the concatenated size, and the second part starts
# with what was trimmed *and all of K*, unchecked.  Then as greedy, except that a cluster
# that starts its part is never cut (it overfills the part).  A CR LF cluster is split in
# two (the calculator's constructor does so).

#: Extended grapheme clusters never straddle two parts.
FLAG_GRAPHEMES = 1
#: Clusters by grapheme-splitter 1.0.4's rules (``RULES_TWILIO``).
FLAG_TWILIO_RULES = 2
#: A part ends after a break space when one falls in it.
FLAG_WORDS = 4
#: Twilio's calculator's fill order and its CR LF split.
FLAG_TWILIO_FILL = 8

# smscodec.policies.BREAK_SPACES (the kernels may not import that public module; a test
# checks the two are equal): White_Space less the no-break spaces.
BREAK_SPACES = frozenset(
    "\t\n\x0b\x0c\r \x85\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a"
    "\u2028\u2029\u205f\u3000"
)


def _limit(units: int, limit: int) -> int:
    return limit if 0 < limit < units else units


def _cluster_bounds(text: str, flags: int, /) -> list[bool]:
    """``ok[p]`` for p in 0..len(text): may a part end at position ``p`` under ``flags``?"""
    n = len(text)
    if not flags & FLAG_GRAPHEMES:
        return [True] * (n + 1)
    from . import _grapheme_py

    rules = _grapheme_py.RULES_TWILIO if flags & FLAG_TWILIO_RULES else _grapheme_py.RULES_UNICODE
    ok = [False] * (n + 1)
    for p in _grapheme_py.boundaries(text, rules):
        ok[p] = True
    ok[0] = ok[n] = True
    if flags & FLAG_TWILIO_FILL:
        for p in range(1, n):
            if text[p - 1] == "\r" and text[p] == "\n":
                ok[p] = True
    return ok


def _policy_cuts(text: str, costs: list[int], flags: int, cap1: int, capm: int) -> list[tuple[int, int]]:
    # The parts of a text longer than one part: (end, units) each (see above).
    n = len(costs)
    at = [0] * (n + 1)  # at[p]: units before position p
    for i, cost in enumerate(costs):
        at[i + 1] = at[i] + cost
    ok = _cluster_bounds(text, flags)

    def prev_bound(p: int) -> int:  # the last allowed position <= p
        while not ok[p]:
            p -= 1
        return p

    def next_bound(p: int) -> int:  # the first allowed position > p
        p += 1
        while not ok[p]:
            p += 1
        return p

    twilio = bool(flags & FLAG_TWILIO_FILL)
    words = bool(flags & FLAG_WORDS)
    ends: list[tuple[int, int]] = []
    start = i = nocut = 0
    if twilio:
        # The first cluster that does not fit in one part: the one holding code point p1.
        p1 = next(p for p in range(n) if at[p + 1] > cap1)
        first, after = prev_bound(p1), next_bound(p1)
        fits = max(p for p in range(n + 1) if at[p] <= capm)
        cut = prev_bound(min(fits, first))
        ends.append((cut, at[cut]))
        start = cut
        i = after
    fill = at[i] - at[start]
    while i < n:
        cost = costs[i]
        if fill + cost > capm and i >= nocut:
            cut = -1
            if words:
                for q in range(i, start, -1):
                    if text[q - 1] in BREAK_SPACES and ok[q]:
                        if at[i] - at[q] + cost <= capm:
                            cut = q
                        break
            if cut < 0:
                b = prev_bound(i)
                if b > start:
                    cut = b
                elif twilio:
                    # A cluster that starts its part is never cut: it overfills the part.
                    nocut = next_bound(i)
                else:
                    cut = i
            if cut >= 0:
                ends.append((cut, at[cut] - at[start]))
                start = cut
                fill = at[i] - at[cut]
                continue
        fill += cost
        i += 1
    ends.append((n, fill))
    return ends


def _policy_measure(text: str, costs: list[int], flags: int, cap1: int, capm: int) -> tuple[int, int, int]:
    total = sum(costs)
    if total <= cap1:
        return 1, cap1, cap1 - total
    ends = _policy_cuts(text, costs, flags, cap1, capm)
    return len(ends), capm, max(0, capm - ends[-1][1])


def policy_capacity(header: int, extra: int, ucs2: int, limit: int, /) -> int:
    """:func:`capacity`, at most ``limit`` units when ``limit`` is not 0 (a policy's)."""
    return _limit(capacity(header, extra, ucs2), limit)


def analyze_policy(
    text: str,
    header: int,
    concat: int,
    mode: int,
    locks: int,
    singles: int,
    flags: int,
    gsm_single: int,
    gsm_multi: int,
    ucs_single: int,
    ucs_multi: int,
    /,
) -> tuple[int, int, int, int, int, int, int]:
    """:func:`analyze` under a split policy: ``flags`` (``FLAG_*``) and per-part limits
    (0: none) for GSM-7 and UCS-2, one part and each of several.

    Returns and raises as :func:`analyze`; ``remaining`` is 0 for a last part that a
    Twilio fill overfilled.
    """
    _check_room(header, concat, locks, singles)
    if mode != 2:
        best: tuple[int, int, int, int, int, int, int] | None = None
        for lk, ss in _candidates(locks, singles):
            costs = _gsm_costs(text, lk, ss)
            if costs is None:
                continue
            shift = _SHIFT_IE_OCTETS * ((lk != 0) + (ss != 0))
            cap1 = _limit(capacity(header, shift, 0), gsm_single)
            capm = _limit(capacity(header, concat + shift, 0), gsm_multi)
            parts, per, remaining = _policy_measure(text, costs, flags, cap1, capm)
            if best is None or (parts, -remaining) < (best[1], -best[4]):
                best = (0, parts, sum(costs), per, remaining, lk, ss)
        if best is not None:
            return best
        if mode == 1:
            raise unencodable_error(text, locks, singles)
    costs = _ucs2_costs(text)
    cap1 = _limit(capacity(header, 0, 1), ucs_single)
    capm = _limit(capacity(header, concat, 1), ucs_multi)
    parts, per, remaining = _policy_measure(text, costs, flags, cap1, capm)
    return 1, parts, sum(costs), per, remaining, 0, 0


def split_policy(
    text: str, ucs2: int, locking: int, single: int, cap1: int, capm: int, flags: int, /
) -> list[tuple[int, int]]:
    """Split points of ``text`` (longer than one part of ``cap1`` units) into parts of
    ``capm`` units under the policy ``flags``: ``(end, units)`` per part, as :func:`split`.
    A part may hold more than ``capm`` units under a Twilio fill (the caller refuses it).
    """
    if capm < 2:
        raise ValueError(f"parts of {capm} units cannot hold an escape or surrogate pair")
    if ucs2:
        costs = _ucs2_costs(text)
    else:
        gsm = _gsm_costs(text, locking, single)
        if gsm is None:
            raise unencodable_error(text, 1 << locking, 1 << single)
        costs = gsm
    if sum(costs) <= cap1:
        return [(len(costs), sum(costs))]
    return _policy_cuts(text, costs, flags, cap1, capm)
