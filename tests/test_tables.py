"""The GSM 03.38 tables against the reference data, cell by cell (TS 23.038 §6.2.1, Annex A)."""

from __future__ import annotations

import pytest

from conftest import load_vector
from smscodec import ArgumentError, _tables

REFERENCE = load_vector("national_language_tables.json")


def _cells(codes: list[int | None] | None) -> list[str | None] | None:
    return None if codes is None else [None if c is None else chr(c) for c in codes]


def test_default_alphabet_matches_reference() -> None:
    assert list(_tables.DEFAULT_ALPHABET) == _cells(REFERENCE["default"]["locking"])
    assert list(_tables.DEFAULT_EXTENSION) == _cells(REFERENCE["default"]["single"])


def test_default_alphabet_landmarks() -> None:
    # TS 23.038 §6.2.1: 0x09 is capital C cedilla, 0x1B the escape, 0x00 the at sign.
    assert _tables.DEFAULT_ALPHABET[0x09] == "Ç"
    assert _tables.DEFAULT_ALPHABET[0x1B] is None
    assert _tables.DEFAULT_ALPHABET[0x00] == "@"
    assert _tables.DEFAULT_EXTENSION[0x65] == "€"
    assert sum(c is not None for c in _tables.DEFAULT_EXTENSION) == 10


@pytest.mark.parametrize("name", [k for k, v in REFERENCE.items() if isinstance(v, dict) and v.get("nli")])
def test_national_tables_match_reference(name: str) -> None:
    entry = REFERENCE[name]
    nli = entry["nli"]
    assert _tables.language_id(name) == nli
    locking = _tables.locking_table(nli)
    assert (None if locking is None else list(locking)) == _cells(entry["locking"])
    assert list(_tables.single_shift_table(nli)) == _cells(entry["single"])


def test_space_is_0x20_in_every_locking_table() -> None:
    for nli in range(14):
        table = _tables.locking_table(nli)
        if table is not None:
            assert table[0x20] == " ", nli


def test_hindi_locking_starts_with_devanagari_signs() -> None:
    assert _tables.locking_table(6)[0:3] == ("\u0901", "\u0902", "\u0903")  # type: ignore[index]


@pytest.mark.parametrize("bad", ["klingon", 14, -1, ""])
def test_unknown_language_is_argument_error(bad: object) -> None:
    with pytest.raises(ArgumentError, match="unknown national language"):
        _tables.language_id(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, 1.0, True, b"hindi"])
def test_language_of_wrong_type_is_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        _tables.language_id(bad)  # type: ignore[arg-type]


def test_language_names_are_case_insensitive() -> None:
    assert _tables.language_id("Turkish") == 1
    assert _tables.language_id(13) == 13
