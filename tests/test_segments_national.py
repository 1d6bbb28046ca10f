"""National language shift tables in segment counting (TS 23.038 §6.2.1.2.4, Annex A)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec import ArgumentError, EncodingError, _tables, analyze, count_segments, split, udh

Kernel = Callable[[str], ModuleType]
ALL = tuple(range(1, 14))
TURKISH_TEXT = (
    "Merhaba Ayşe, siparişiniz yola çıktı. Kargo takip numaranız 48213. Sorularınız için "
    "bize yazın. Teşekkür ederiz, iyi günler dileriz! " * 2
)[:160]


def _locking_ids() -> list[int]:
    return [n for n in range(14) if _tables.locking_table(n) is not None]


@pytest.mark.parametrize("nli", range(14))
def test_every_cell_encodes_to_a_code_of_that_character(kernel: Kernel, nli: int) -> None:
    k = kernel("segments")
    locking = _tables.locking_table(nli)
    if locking is not None:
        for ch in locking:
            if ch is not None:
                septets = k.encode_septets(ch, nli, 0)
                assert len(septets) == 1
                assert locking[septets[0]] == ch
    single = _tables.single_shift_table(nli)
    for ch in single:
        if ch is None:
            continue
        septets = k.encode_septets(ch, 0, nli)
        if len(septets) == 1:  # also in the default alphabet: the locking table wins
            assert _tables.DEFAULT_ALPHABET[septets[0]] == ch
        else:
            assert septets[0] == 0x1B
            assert single[septets[1]] == ch


def test_space_is_0x20_in_every_locking_table(kernel: Kernel) -> None:
    k = kernel("segments")
    for nli in _locking_ids():
        assert k.encode_septets(" ", nli, 0) == b"\x20"


def test_hindi_locking_0x00_to_0x02(kernel: Kernel) -> None:
    assert kernel("segments").encode_septets("\u0901\u0902\u0903", 6, 0) == b"\x00\x01\x02"


def test_turkish_goes_gsm7() -> None:
    text = "Şişli'de güzel bir gün, ığdır"
    plain = analyze(text)
    assert plain.encoding == "ucs2"
    info = analyze(text, languages=["turkish"])
    assert info.encoding == "gsm7"
    # Every Turkish letter is one septet in the Turkish locking table: it leaves the most room.
    assert (info.locking_shift, info.single_shift) == (1, 0)
    assert info.per_segment == 155  # one 3-octet shift element: floor((140 - 4) * 8 / 7)
    assert info.units == len(text)
    # With only the single shift table usable (a locking character forces default locking).
    info = analyze("¿Şu? è", languages=["turkish"])
    assert (info.encoding, info.locking_shift, info.single_shift) == ("gsm7", 0, 1)


def test_the_160_char_turkish_text_with_all_tables() -> None:
    info = analyze(TURKISH_TEXT, languages=ALL)
    assert (info.encoding, info.segments, info.locking_shift) == ("gsm7", 2, 1)
    assert info.per_segment == 149  # 8-bit concatenation + one shift element
    assert count_segments(TURKISH_TEXT, languages=ALL) == 2


def test_hindi_goes_gsm7_with_locking_and_single_shift() -> None:
    text = "नमस्ते Ram, आपका ऑर्डर भेज दिया गया है।"
    info = analyze(text, languages=["hindi"])
    assert (info.encoding, info.locking_shift, info.single_shift) == ("gsm7", 6, 6)
    assert info.per_segment == 152  # both shift elements: floor((140 - 7) * 8 / 7)
    parts = split(text * 5, languages=["hindi"], reference=5)
    for part in parts:
        elements = udh.parse(part.udh)
        assert udh.NationalLanguage(6, True) in elements
        assert udh.NationalLanguage(6, False) in elements
    assert parts[0].units == 146  # both shifts + concatenation: 12 octets


def test_spanish_has_no_locking_table() -> None:
    info = analyze("¿Qué tal? Ñandú en el árbol", languages=["spanish"])
    assert (info.encoding, info.locking_shift, info.single_shift) == ("gsm7", 0, 2)
    assert "spanish" in _tables.LANGUAGE_IDS
    part = split("á", languages=["spanish"])[0]
    assert part.udh == bytes.fromhex("03240102")
    assert part.payload[0] == 0x1B


def test_unusable_tables_fall_back_exactly() -> None:
    for text, forcing in [("😀 şğı", ("😀",)), ("中文 text", ("中", "文")), ("ç" * 200 + "😀", ("😀",))]:
        with_tables = analyze(text, languages=ALL)
        assert with_tables.encoding == "ucs2"
        # The same count as without tables; non_gsm7 names only what no enabled table holds.
        assert dataclasses.replace(with_tables, non_gsm7=()) == dataclasses.replace(
            analyze(text), non_gsm7=()
        )
        assert with_tables.non_gsm7 == forcing


def test_language_names_and_ids() -> None:
    assert analyze("ş", languages=["Turkish"]) == analyze("ş", languages=[1])
    assert analyze("ş", languages="turkish").locking_shift == 1
    assert analyze("ş", languages=[0]).encoding == "ucs2"
    with pytest.raises(ArgumentError) as exc:
        analyze("ş", languages=["latin"])
    assert exc.value.argument == "languages"
    with pytest.raises(ArgumentError):
        count_segments("ş", languages=[99])
    with pytest.raises(TypeError):
        count_segments("ş", languages=[None])  # type: ignore[list-item]


def test_forced_gsm7_names_the_character_no_pair_carries() -> None:
    with pytest.raises(EncodingError) as exc:
        analyze("aş😀", encoding="gsm7", languages=ALL)
    assert exc.value.position == 2
    # Each character alone has a table, but no pair holds both a Devanagari and a Bengali letter.
    with pytest.raises(EncodingError) as exc:
        analyze("नক", encoding="gsm7", languages=["hindi", "bengali"])
    assert exc.value.position == 1


def _brute_force(text: str, languages: list[int]) -> tuple[int, int] | None:
    """(parts, remaining) of the best pair, trying every pair (dominated ones included)."""
    enabled = [0, *languages]
    best: tuple[int, int] | None = None
    for lk in enabled:
        locking = _tables.locking_table(lk)
        if locking is None:
            continue
        for ss in enabled:
            single = _tables.single_shift_table(ss)
            costs = []
            for ch in text:
                if ch in locking:
                    costs.append(1)
                elif ch in single:
                    costs.append(2)
                else:
                    break
            else:
                header = 3 * ((lk != 0) + (ss != 0))
                one = (140 - (header + 1 if header else 0)) * 8 // 7
                if sum(costs) <= one:
                    result = (1, one - sum(costs))
                else:
                    cap = (140 - 1 - 5 - header) * 8 // 7
                    parts, fill = 1, 0
                    for cost in costs:
                        if fill + cost > cap:
                            parts, fill = parts + 1, 0
                        fill += cost
                    result = (parts, cap - fill)
                if best is None or (result[0], -result[1]) < (best[0], -best[1]):
                    best = result
    return best


LANG_ALPHABET = "ab Z.!?1" + "şğıİçüö" + "€[" + "नमस्ते।" + "কখ" + "ñáí" + "ΔΩ"


@given(
    text=st.text(alphabet=LANG_ALPHABET, max_size=330),
    languages=st.lists(st.integers(1, 13), max_size=4, unique=True),
)
def test_the_choice_is_the_cheapest(text: str, languages: list[int]) -> None:
    info = analyze(text, languages=languages)
    best = _brute_force(text, languages)
    if info.encoding == "ucs2":
        assert best is None  # no enabled pair carries the text
        return
    assert (info.segments, info.remaining) == best
    assert len(split(text, languages=languages)) == info.segments
