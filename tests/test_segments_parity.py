"""The segment kernel on both backends: hypothesis invariants and compiled-vs-pure parity."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec import _segments_py, analyze, count_segments, split, udh
from smscodec.errors import EncodingError

# A mix of every PEP 393 width and every cost: GSM-7 (1 septet), extension (2), Greek capitals
# (GSM-7 but a 2-byte str), non-GSM Latin, Turkish, Devanagari, emoji (4-byte, 2 UTF-16 units).
ALPHABET = "aZ0 .\r\n@£Ç" + "€[]{}^~|\\\f" + "ΔΦΩ" + "çáé`" + "şğıİŞĞ" + "नमस्ते।" + "😀🐳"
texts = st.text(alphabet=ALPHABET, max_size=400)
gsm_texts = st.text(alphabet="aZ0 .\r\n@£ÇΔΩ€[]{}^~|\\\f", max_size=400)
headers = st.sampled_from([b"", bytes.fromhex("0404020b0c"), bytes.fromhex("06050415811581")])
masks = st.integers(0, (1 << 14) - 1).map(lambda m: m | 1)

Kernel = Callable[[str], ModuleType]


def _both(kernel: Kernel) -> tuple[ModuleType, ModuleType]:
    return kernel("segments"), _segments_py


def _outcome(func: Callable[..., object], *args: object) -> object:
    try:
        return func(*args)
    except EncodingError as exc:
        return ("EncodingError", str(exc), exc.char, exc.position)


@given(
    text=texts,
    header=headers,
    bits=st.sampled_from([5, 6]),
    mode=st.integers(0, 2),
    locks=masks,
    singles=masks,
)
def test_analyze_parity(
    kernel: Kernel, text: str, header: bytes, bits: int, mode: int, locks: int, singles: int
) -> None:
    live, spec = _both(kernel)
    args = (text, len(header), bits, mode, locks, singles)
    assert _outcome(live.analyze, *args) == _outcome(spec.analyze, *args)
    assert live.non_gsm(text, locks, singles) == spec.non_gsm(text, locks, singles)


@given(text=st.text(max_size=200))
def test_count_parity_on_any_text(kernel: Kernel, text: str) -> None:
    live, spec = _both(kernel)
    assert _outcome(live.count, text) == _outcome(spec.count, text)
    assert _outcome(live.analyze, text, 0, 5, 0, 1, 1) == _outcome(spec.analyze, text, 0, 5, 0, 1, 1)
    assert live.non_gsm(text, 1, 1) == spec.non_gsm(text, 1, 1)


@given(text=texts, cap=st.integers(2, 160), locking=st.sampled_from([0, 1, 3, 6]), single=st.integers(0, 13))
def test_split_and_encode_parity(kernel: Kernel, text: str, cap: int, locking: int, single: int) -> None:
    live, spec = _both(kernel)
    for ucs2 in (0, 1):
        assert _outcome(live.split, text, ucs2, locking, single, cap) == _outcome(
            spec.split, text, ucs2, locking, single, cap
        )
    assert _outcome(live.encode_septets, text, locking, single) == _outcome(
        spec.encode_septets, text, locking, single
    )


@given(header=st.integers(0, 160), extra=st.integers(0, 20), ucs2=st.integers(0, 1))
def test_capacity_parity(kernel: Kernel, header: int, extra: int, ucs2: int) -> None:
    live, spec = _both(kernel)
    assert live.capacity(header, extra, ucs2) == spec.capacity(header, extra, ucs2)


@given(text=texts, cap=st.integers(2, 160))
def test_kernel_split_invariants(kernel: Kernel, text: str, cap: int) -> None:
    k = kernel("segments")
    encodable = not k.non_gsm(text, 1, 1)
    for ucs2 in (1, 0) if encodable else (1,):
        ends = k.split(text, ucs2, 0, 0, cap)
        assert ends[-1][0] == len(text)
        start = 0
        for end, units in ends:
            piece = text[start:end]
            assert units <= cap
            if ucs2:
                assert units == len(piece.encode("utf-16-le")) // 2
            else:
                septets = k.encode_septets(piece, 0, 0)
                assert units == len(septets)
                assert not septets.endswith(b"\x1b") or septets.endswith(b"\x1b\x1b")
            start = end


def _fits(part_udh: bytes, payload: bytes, gsm: bool) -> bool:
    bits = 8 * len(part_udh)
    if gsm:
        # TS 23.040 §9.2.3.24: fill bits bring the header to a septet boundary.
        return bits + (7 - bits % 7) % 7 + 7 * len(payload) <= 8 * 140
    return len(part_udh) + len(payload) <= 140


@given(text=texts, header=headers, bits=st.sampled_from([8, 16]), smart=st.booleans())
def test_public_split_invariants(text: str, header: bytes, bits: int, smart: bool) -> None:
    options = {"udh": header, "reference_bits": bits, "smart": smart}
    parts = split(text, reference=7, **options)  # type: ignore[arg-type]
    assert len(parts) == count_segments(text, **options)  # type: ignore[arg-type]
    sent = "".join(p.text for p in parts)
    if not smart:
        assert sent == text
    info = analyze(text, **options)  # type: ignore[arg-type]
    assert sent == info.text
    gsm = info.encoding == "gsm7"
    assert sum(p.units for p in parts) == info.units
    for index, part in enumerate(parts, 1):
        assert _fits(part.udh, part.payload, gsm)
        if gsm:
            assert not part.payload.endswith(b"\x1b")
        else:
            assert part.payload.decode("utf-16-be") == part.text
        if len(parts) > 1:
            elements = udh.parse(part.udh)
            concat = [e for e in elements if isinstance(e, udh.Concat)]
            assert concat == [udh.Concat(7, len(parts), index, bits)]
        elif header:
            assert part.udh == header


@given(text=texts, languages=st.lists(st.integers(1, 13), max_size=4, unique=True))
def test_public_split_with_languages(text: str, languages: list[int]) -> None:
    parts = split(text, languages=languages, reference=3)
    assert len(parts) == count_segments(text, languages=languages)
    assert "".join(p.text for p in parts) == text
    for part in parts:
        if part.units == len(part.payload):  # GSM-7: no escape or surrogate cut
            assert not part.payload.endswith(b"\x1b")
        else:
            assert part.payload.decode("utf-16-be") == part.text
        assert _fits(part.udh, part.payload, part.units == len(part.payload))


@given(text=gsm_texts)
def test_gsm_payloads_never_end_in_escape(text: str) -> None:
    for part in split(text):
        assert not part.payload.endswith(b"\x1b")
        assert part.units == len(part.payload)


@pytest.mark.parametrize("width", ["ascii", "latin1", "bmp", "astral"])
def test_every_string_width(kernel: Kernel, width: str) -> None:
    live, spec = _both(kernel)
    extra = {"ascii": "a", "latin1": "é", "bmp": "Ω", "astral": "😀"}[width]
    for text in (extra + "x" * 200, "x" * 100 + extra + "x" * 100, "x" * 200 + extra, "]" * 80 + extra):
        assert live.analyze(text, 0, 5, 0, 1, 1) == spec.analyze(text, 0, 5, 0, 1, 1)
        assert live.count(text) == spec.count(text)


def test_kernel_refuses_headers_without_room(kernel: Kernel) -> None:
    # The public layer raises UdhError first; the kernels themselves never divide by zero.
    live, spec = _both(kernel)
    for args in [(132, 5, 0, 1, 1), (126, 5, 0, 3, 3), (-1, 5, 0, 1, 1), (0, 7, 0, 1, 1)]:
        messages = []
        for k in (live, spec):
            with pytest.raises(ValueError, match="no room") as exc:
                k.analyze("x", *args)
            messages.append(str(exc.value))
        assert messages[0] == messages[1]
    assert live.analyze("x", 130, 6, 0, 1, 1) == spec.analyze("x", 130, 6, 0, 1, 1)
    for k in (live, spec):
        with pytest.raises(ValueError, match="cannot hold"):
            k.split("xx", 0, 0, 0, 1)


@st.composite
def _sparse_doubles(draw: st.DrawFn) -> str:
    # Long runs of one-unit characters with a few two-unit items at drawn places: the
    # replay places the runs by arithmetic and visits only the items, so the items' places
    # relative to part boundaries (152/153 septets, 66/67 units) are what must be right.
    filler = draw(st.sampled_from(["a", "Hello world 12 ", "é@£", "ΔΩ ab", "çá", "Ж", "नम"]))
    doubles = draw(st.sampled_from(["€", "[", "^", "\f", "😀", "{}"]))
    length = draw(st.integers(0, 1500))
    text = list((filler * (length // len(filler) + 1))[:length])
    for _ in range(draw(st.integers(0, 12))):
        if text:
            text.insert(draw(st.integers(0, len(text))), doubles)
    return "".join(text)


@given(
    text=_sparse_doubles(),
    header=headers,
    languages=st.sampled_from([(), ("turkish",), ("portuguese", "spanish")]),
)
def test_parts_with_sparse_two_unit_items_equal_the_split(
    kernel: Kernel, text: str, header: bytes, languages: tuple[str, ...]
) -> None:
    live, spec = _both(kernel)
    args = (text, len(header), 5, 0, 1, 1)
    assert _outcome(live.analyze, *args) == _outcome(spec.analyze, *args)
    try:
        info = analyze(text, udh=header, languages=languages)
    except EncodingError:
        return
    parts = split(text, udh=header, languages=languages)
    assert info.segments == len(parts)
    assert info.remaining == info.per_segment - parts[-1].units
