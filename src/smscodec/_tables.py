"""The GSM 03.38 character tables: the one place they are defined.

Every kernel (pure and compiled) and every higher layer builds its lookups from the
tables below; tests compare them cell by cell against ``tests/vectors``.

Each table is a tuple of 128 cells indexed by septet value; ``None`` marks a cell the
specification leaves unassigned.
"""

from __future__ import annotations

from ._national_tables import NATIONAL_TABLES, Table
from ._spec import ESCAPE
from .errors import ArgumentError

__all__ = [
    "CHAR_CLASSES",
    "CLASSES",
    "DEFAULT_ALPHABET",
    "DEFAULT_EXTENSION",
    "DEFAULT_GSM7_CHARS",
    "ESCAPE",
    "HAS_LOCKING",
    "LANGUAGE_IDS",
    "LOCK_CODES",
    "NATIONAL_TABLES",
    "NUM_TABLES",
    "SCORED_PAIRS",
    "SINGLE_CODES",
    "Table",
    "language_id",
    "locking_table",
    "single_shift_table",
    "uncarried",
]


def _cells(rows: str) -> Table:
    # "\0" stands for an unassigned cell: U+0000 is in no GSM table.
    assert len(rows) == 128, len(rows)
    return tuple(None if ch == "\0" else ch for ch in rows)


# TS 23.038 §6.2.1, Figure 1: the GSM 7-bit default alphabet, indexed by septet value,
# eight rows of 16.  0x09 is "Ç" (U+00C7, capital C cedilla: the figure's glyph, and
# what Android and the 2009+ spec editions map it to).  0x1B is the escape (§6.2.1.1),
# not a character.
DEFAULT_ALPHABET: Table = _cells(
    "@£$¥èéùìòÇ\nØø\rÅå"  # 0x00-0x0F
    "Δ_ΦΓΛΩΠΨΣΘΞ\0ÆæßÉ"  # 0x10-0x1F
    " !\"#¤%&'()*+,-./"  # 0x20-0x2F
    "0123456789:;<=>?"  # 0x30-0x3F
    "¡ABCDEFGHIJKLMNO"  # 0x40-0x4F
    "PQRSTUVWXYZÄÖÑÜ§"  # 0x50-0x5F
    "¿abcdefghijklmno"  # 0x60-0x6F
    "pqrstuvwxyzäöñüà"  # 0x70-0x7F
)

# TS 23.038 §6.2.1.1, Figure 2: the default alphabet extension table, reached by
# 0x1B + code.  0x0A is FORM FEED (page break); 0x0D (CR2) and 0x1B (a further escape)
# are reserved and left unassigned here.
_EXTENSION_CELLS = {
    0x0A: "\x0c",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}
DEFAULT_EXTENSION: Table = tuple(_EXTENSION_CELLS.get(i) for i in range(128))

# TS 23.038 §6.2.1.2.4: national language identifiers.  0 stands for the default tables.
LANGUAGE_IDS: dict[str, int] = {"default": 0} | {name: nli for nli, (name, _l, _s) in NATIONAL_TABLES.items()}


def language_id(language: str | int) -> int:
    """Return the TS 23.038 national language identifier of ``language``.

    ``language`` is a name (``"turkish"``, case-insensitive) or an identifier 0-13.

    Raises:
        TypeError: ``language`` is neither a ``str`` nor an ``int``.
        ArgumentError: no such language (a ``ValueError``).
    """
    if isinstance(language, bool) or not isinstance(language, (str, int)):
        raise TypeError(f"language must be a str or int, not {type(language).__name__}")
    if isinstance(language, str):
        nli = LANGUAGE_IDS.get(language.strip().lower())
        if nli is None:
            known = ", ".join(sorted(LANGUAGE_IDS))
            raise ArgumentError(
                f"unknown national language {language!r}; expected one of: {known}", argument="languages"
            )
        return nli
    if language not in NATIONAL_TABLES and language != 0:
        raise ArgumentError(
            f"unknown national language identifier {language}; expected 0-13", argument="languages"
        )
    return language


def locking_table(nli: int) -> Table | None:
    """The locking shift table for identifier ``nli`` (0: the default alphabet; None: none defined)."""
    return DEFAULT_ALPHABET if nli == 0 else NATIONAL_TABLES[nli][1]


def single_shift_table(nli: int) -> Table:
    """The single shift table for identifier ``nli`` (0: the default extension table)."""
    return DEFAULT_EXTENSION if nli == 0 else NATIONAL_TABLES[nli][2]


# --- lookups derived from the tables, built once for every layer -------------------------
#
# Every character the GSM 7-bit tables can carry belongs to a *class*: the pair of
# bitmasks (locking tables that hold it, single shift tables that hold it), bit ``n``
# standing for the table with national language identifier ``n`` (0: the default alphabet
# and its extension table).  Only a few dozen classes exist, so the kernels summarise a
# text by one pass that maps each character to its class and score every enabled table
# pair from those classes.

#: Identifier 0 (the default tables) and the 13 national languages of TS 23.038 §6.2.1.2.4.
NUM_TABLES = 1 + len(NATIONAL_TABLES)


def _build_classes() -> tuple[
    dict[str, int], list[tuple[int, int]], list[dict[str, int]], list[dict[str, int]]
]:
    lock_bits: dict[str, int] = {}
    single_bits: dict[str, int] = {}
    lock_codes: list[dict[str, int]] = []
    single_codes: list[dict[str, int]] = []
    for nli in range(NUM_TABLES):
        codes: dict[str, int] = {}
        for code, ch in enumerate(locking_table(nli) or ()):
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
    # Class 0 is "in no table".  Classes are numbered in code point order, so every kernel agrees.
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


#: Character -> class id (characters in no table are absent: class 0).
CHAR_CLASSES: dict[str, int]
#: Class id -> (locking tables holding it, single shift tables holding it) as bitmasks.
CLASSES: list[tuple[int, int]]
#: Identifier -> {character: septet} of its locking table (empty when it has none).
LOCK_CODES: list[dict[str, int]]
#: Identifier -> {character: code after the escape} of its single shift table.
SINGLE_CODES: list[dict[str, int]]
CHAR_CLASSES, CLASSES, LOCK_CODES, SINGLE_CODES = _build_classes()
#: Bitmask of the identifiers that have a locking table (Spanish, 2, has none: A.2.2).
HAS_LOCKING = sum(1 << nli for nli in range(NUM_TABLES) if locking_table(nli) is not None)
#: The characters of the default alphabet and its extension table.
DEFAULT_GSM7_CHARS = "".join(ch for ch in DEFAULT_ALPHABET + DEFAULT_EXTENSION if ch is not None)


def _dominated(locking: int, single: int) -> bool:
    # (L, S) never beats (L, default): S only adds characters L or the extension already has,
    # and costs 3 more header octets.
    if single == 0:
        return False
    known = LOCK_CODES[locking].keys() | SINGLE_CODES[0].keys()
    return SINGLE_CODES[single].keys() <= known


#: Every (locking, single shift) pair worth scoring, best tie-break rank first: fewer
#: national tables, then the lowest locking and single shift identifiers.  A pair whose
#: single shift table adds nothing to its locking table but the default extension
#: characters can never win over (locking, default) and is left out (Android's
#: ``GsmAlphabet`` skips the same two: Turkish/Turkish and Portuguese/Spanish).
SCORED_PAIRS: tuple[tuple[int, int], ...] = tuple(
    pair
    for pair in sorted(
        ((lk, ss) for lk in range(NUM_TABLES) if HAS_LOCKING >> lk & 1 for ss in range(NUM_TABLES)),
        key=lambda p: ((p[0] != 0) + (p[1] != 0), p[0], p[1]),
    )
    if not _dominated(*pair)
)


def uncarried(text: str, locks: int, singles: int) -> list[str]:
    """The distinct characters of ``text`` that no enabled table holds, in order of first
    appearance; ``locks``/``singles`` are bitmasks of enabled identifiers (bit 0: default)."""
    found: dict[str, None] = {}
    for ch in text:
        lk, ss = CLASSES[CHAR_CLASSES.get(ch, 0)]
        if not (lk & locks or ss & singles):
            found[ch] = None
    return list(found)
