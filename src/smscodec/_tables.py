"""The GSM 03.38 character tables: the one place they are defined.

Every kernel (pure and compiled) and every higher layer builds its lookups from the
tables below; tests compare them cell by cell against ``tests/vectors``.

Each table is a tuple of 128 cells indexed by septet value; ``None`` marks a cell the
specification leaves unassigned.
"""

from __future__ import annotations

from ._national_tables import NATIONAL_TABLES, Table
from .errors import ArgumentError

__all__ = [
    "DEFAULT_ALPHABET",
    "DEFAULT_EXTENSION",
    "ESCAPE",
    "LANGUAGE_IDS",
    "NATIONAL_TABLES",
    "Table",
    "language_id",
    "locking_table",
    "single_shift_table",
]

# TS 23.038 §6.2.1.1: septet 0x1B escapes to the extension (single shift) table.
ESCAPE = 0x1B


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
