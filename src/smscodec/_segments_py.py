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

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._tables import NATIONAL_TABLES, locking_table, single_shift_table
from .errors import EncodingError

__all__ = [
    "analyze",
    "capacity",
    "count",
    "count_segments",
    "encode_septets",
    "non_gsm",
    "register",
    "split",
]

# Identifier 0 (the default tables) and the 13 national languages of TS 23.038 §6.2.1.2.4.
_NUM_TABLES = 1 + len(NATIONAL_TABLES)
# TS 23.038 §6.2.1.1: the escape septet that reaches the single shift table.
_ESCAPE = 0x1B
# TS 23.040 §9.2.3.24: a part's user data is at most 140 octets (TP-UDL limit).
_USER_DATA_OCTETS = 140
# TS 23.040 §9.2.3.24.15-16: a national language shift element is IEI + length + identifier.
_SHIFT_IE_OCTETS = 3


def _build() -> tuple[dict[str, int], list[tuple[int, int]], list[dict[str, int]], list[dict[str, int]]]:
    lock_bits: dict[str, int] = {}
    single_bits: dict[str, int] = {}
    lock_codes: list[dict[str, int]] = []
    single_codes: list[dict[str, int]] = []
    for nli in range(_NUM_TABLES):
        codes: dict[str, int] = {}
        table = locking_table(nli)
        for code, ch in enumerate(table or ()):
            if ch is not None:
                lock_bits[ch] = lock_bits.get(ch, 0) | 1 << nli
                # A table may repeat a character: the lowest code is the one we send.
                codes.setdefault(ch, code)
        lock_codes.append(codes)
        codes = {}
        for code, ch in enumerate(single_shift_table(nli)):
            if ch is not None:
                single_bits[ch] = single_bits.get(ch, 0) | 1 << nli
                codes.setdefault(ch, code)
        single_codes.append(codes)
    # Class 0 is "in no table".  Classes are numbered in code point order, so both twins agree.
    classes: list[tuple[int, int]] = [(0, 0)]
    index: dict[tuple[int, int], int] = {(0, 0): 0}
    class_of: dict[str, int] = {}
    for ch in sorted(lock_bits.keys() | single_bits.keys()):
        key = (lock_bits.get(ch, 0), single_bits.get(ch, 0))
        if key not in index:
            index[key] = len(classes)
            classes.append(key)
        class_of[ch] = index[key]
    return class_of, classes, lock_codes, single_codes


_CLASS_OF, CLASSES, _LOCK_CODES, _SINGLE_CODES = _build()
#: Bitmask of the identifiers that have a locking table (Spanish, 2, has none: A.2.2).
HAS_LOCKING = sum(1 << nli for nli in range(_NUM_TABLES) if locking_table(nli) is not None)


def _dominated(locking: int, single: int) -> bool:
    # (L, S) never beats (L, default): S only adds characters L or the extension already has,
    # and costs 3 more header octets.
    if single == 0:
        return False
    known = _LOCK_CODES[locking].keys() | _SINGLE_CODES[0].keys()
    return _SINGLE_CODES[single].keys() <= known


#: Every (locking, single shift) pair worth scoring, best tie-break rank first.
PAIRS: tuple[tuple[int, int], ...] = tuple(
    sorted(
        ((lk, ss) for lk in range(_NUM_TABLES) if HAS_LOCKING >> lk & 1 for ss in range(_NUM_TABLES)),
        key=lambda p: ((p[0] != 0) + (p[1] != 0), p[0], p[1]),
    )
)
PAIRS = tuple(p for p in PAIRS if not _dominated(*p))


def capacity(header: int, extra: int, ucs2: int, /) -> int:
    """Units one part carries: caller ``header`` octets (0: none) plus ``extra`` element octets.

    A UDHL octet is counted when the caller has no header but elements are added.
    GSM-7: floor((140 - octets) * 8 / 7) septets, TS 23.040 §9.2.3.24 (160, 153, 152, ...).
    UCS-2 (``ucs2`` true): floor((140 - octets) / 2) UTF-16 units (70, 67, 66, ...).
    """
    octets = header if extra == 0 else (header or 1) + extra
    # A header filling the whole user data leaves nothing (never negative).
    free = max(0, _USER_DATA_OCTETS - octets)
    return free // 2 if ucs2 else free * 8 // 7


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
        lk, ss = CLASSES[_CLASS_OF.get(ch, 0)]
        if lk >> locking & 1:
            costs.append(1)
        elif ss >> single & 1:
            costs.append(2)
        else:
            return None
    return costs


def _ucs2_costs(text: str) -> list[int]:
    costs = []
    for i, ch in enumerate(text):
        cp = ord(ch)
        if 0xD800 <= cp <= 0xDFFF:
            raise EncodingError(
                f"lone surrogate U+{cp:04X} at position {i} cannot be encoded in UCS-2 (UTF-16)",
                char=ch,
                position=i,
            )
        # A code point above the BMP is a surrogate pair: two UTF-16 units.
        costs.append(2 if cp > 0xFFFF else 1)
    return costs


def _candidates(locks: int, singles: int) -> list[tuple[int, int]]:
    return [(lk, ss) for lk, ss in PAIRS if locks >> lk & 1 and singles >> ss & 1]


def _unencodable(text: str, locks: int, singles: int) -> EncodingError:
    # The first character after which no enabled pair can carry the text.
    alive = _candidates(locks, singles)
    i = 0
    for i, ch in enumerate(text):  # noqa: B007 - i is the fault position below
        lk, ss = CLASSES[_CLASS_OF.get(ch, 0)]
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
    # Every part must hold a two-unit item (4 octets) after the caller's header, the
    # concatenation element and, with national tables, both shift elements.  The public
    # layer checks this first with a UdhError; here it only keeps the arithmetic sound.
    shifts = 0 if locks == 1 and singles == 1 else 2 * _SHIFT_IE_OCTETS
    if header < 0 or concat not in (5, 6) or header + concat + shifts > _USER_DATA_OCTETS - 4:
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
            raise _unencodable(text, locks, singles)
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
            raise _unencodable(text, 1 << locking, 1 << single)
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
    lock_codes = _LOCK_CODES[locking]
    single_codes = _SINGLE_CODES[single]
    out = bytearray()
    for ch in text:
        code = lock_codes.get(ch)
        if code is not None:
            out.append(code)
            continue
        code = single_codes.get(ch)
        if code is None:
            raise _unencodable(text, 1 << locking, 1 << single)
        out.append(_ESCAPE)
        out.append(code)
    return bytes(out)


def non_gsm(text: str, locks: int, singles: int, /) -> list[str]:
    """The distinct characters of ``text`` that no enabled table holds, in order of first appearance."""
    found: dict[str, None] = {}
    for ch in text:
        lk, ss = CLASSES[_CLASS_OF.get(ch, 0)]
        if not (lk & locks or ss & singles):
            found[ch] = None
    return list(found)


# --- the public count_segments ----------------------------------------------------------

# Registered by smscodec.segments at import (it imports this module, so this module cannot
# import it): the general, checked count and the language-list checker.
_general_count: Callable[..., int] | None = None
_language_masks: Callable[[Any], tuple[int, int]] | None = None


def register(general_count: Callable[..., int], language_masks: Callable[[Any], tuple[int, int]], /) -> None:
    """Wire the general path in: ``smscodec.segments`` passes its checked ``count_segments``
    (every option, every error) and its ``languages=`` checker (-> ``(locks, singles)``).

    The compiled twin counts plain calls itself and hands the rest to ``general_count``;
    here every call goes there (it has its own shortcut for default options).
    """
    global _general_count, _language_masks
    _general_count = general_count
    _language_masks = language_masks


def _general() -> Callable[..., int]:
    # Unregistered (smscodec.segments registers both twins at import; this covers a twin
    # reached before that finished): the same functions, looked up once.
    global _general_count, _language_masks
    if _general_count is None or _language_masks is None:
        from . import segments

        _general_count = segments._count_general
        _language_masks = segments._check_languages
    return _general_count


def count_segments(
    text: str,
    *,
    encoding: str = "auto",
    udh: bytes = b"",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
) -> int:
    """The number of parts ``text`` is sent (and billed) as: ``analyze(...).segments``.

    Equal to ``len(split(text, ...))`` whenever ``split`` can make the parts; a text
    needing more than 255 parts is counted all the same.  Options as for
    :func:`smscodec.analyze`.

    Raises:
        The same as :func:`smscodec.analyze`.
    """
    return _general()(
        text, encoding=encoding, udh=udh, reference_bits=reference_bits, smart=smart, languages=languages
    )
