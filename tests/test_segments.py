"""Segment counting and splitting through the public API (TS 23.038, TS 23.040 §9.2.3.24)."""

from __future__ import annotations

import threading

import pytest

import smscodec
from conftest import load_vector
from smscodec import (
    ArgumentError,
    EncodingError,
    Segment,
    SegmentInfo,
    UdhError,
    analyze,
    count_segments,
    split,
    split_binary,
    udh,
)

# Application port addressing headers (TS 23.040 §9.2.3.24.3 / .4), UDHL first.
PORT8 = bytes.fromhex("0404020b0c")  # 5 octets
PORT16 = bytes.fromhex("06050415811581")  # 7 octets: the Vonage example

# (caller header, reference bits) -> (GSM-7 single, GSM-7 per part, UCS-2 single, UCS-2 per part,
# binary single, binary per part).  Septets = floor((140 - header octets) * 8 / 7), units =
# floor((140 - octets) / 2), octets = 140 - octets; the concatenation element is 5 octets
# (8-bit reference) or 6 (16-bit), plus a UDHL octet when the caller has no header.
CAPACITIES = [
    pytest.param(b"", 8, (160, 153, 70, 67, 140, 134), id="bare"),
    pytest.param(b"", 16, (160, 152, 70, 66, 140, 133), id="concat16"),
    pytest.param(PORT8, 8, (154, 148, 67, 65, 135, 130), id="port8+concat8"),
    pytest.param(PORT8, 16, (154, 147, 67, 64, 135, 129), id="port8+concat16"),
    pytest.param(PORT16, 8, (152, 146, 66, 64, 133, 128), id="port16+concat8"),
    pytest.param(PORT16, 16, (152, 145, 66, 63, 133, 127), id="port16+concat16"),
]


def _fits_140(seg: Segment, encoding: str) -> bool:
    """Header plus payload in at most 140 octets, septets counted packed after fill bits."""
    header_bits = 8 * len(seg.udh)
    if encoding == "gsm7":
        fill = (7 - header_bits % 7) % 7
        return header_bits + fill + 7 * len(seg.payload) <= 8 * 140
    return len(seg.udh) + len(seg.payload) <= 140


@pytest.mark.parametrize(("header", "bits", "caps"), CAPACITIES)
def test_capacity_gsm7(header: bytes, bits: int, caps: tuple[int, ...]) -> None:
    single, multi = caps[0], caps[1]
    info = analyze("a" * single, udh=header, reference_bits=bits)
    assert (info.segments, info.per_segment, info.remaining) == (1, single, 0)
    info = analyze("a" * (single + 1), udh=header, reference_bits=bits)
    assert (info.segments, info.per_segment) == (2, multi)
    parts = split("a" * (2 * multi + 1), udh=header, reference_bits=bits, reference=1)
    assert [p.units for p in parts] == [multi, multi, 1]
    assert all(_fits_140(p, "gsm7") for p in parts)
    # One septet more per part would not fit: the capacity is the maximum.
    assert len(parts[0].udh) * 8 + (7 - len(parts[0].udh) * 8 % 7) % 7 + 7 * (multi + 1) > 8 * 140


@pytest.mark.parametrize(("header", "bits", "caps"), CAPACITIES)
def test_capacity_ucs2(header: bytes, bits: int, caps: tuple[int, ...]) -> None:
    single, multi = caps[2], caps[3]
    info = analyze("ç" * single, udh=header, reference_bits=bits)
    assert (info.encoding, info.segments, info.per_segment, info.remaining) == ("ucs2", 1, single, 0)
    assert analyze("ç" * (single + 1), udh=header, reference_bits=bits).segments == 2
    parts = split("ç" * (2 * multi + 1), udh=header, reference_bits=bits, reference=1)
    assert [p.units for p in parts] == [multi, multi, 1]
    assert all(_fits_140(p, "ucs2") for p in parts)
    assert len(parts[0].udh) + 2 * (multi + 1) > 140


@pytest.mark.parametrize(("header", "bits", "caps"), CAPACITIES)
def test_capacity_binary(header: bytes, bits: int, caps: tuple[int, ...]) -> None:
    single, multi = caps[4], caps[5]
    assert [p.units for p in split_binary(bytes(single), udh=header, reference_bits=bits)] == [single]
    parts = split_binary(bytes(2 * multi + 1), udh=header, reference_bits=bits, reference=3)
    assert [p.units for p in parts] == [multi, multi, 1]
    assert all(len(p.udh) + len(p.payload) == 140 for p in parts[:2])
    assert all(p.text == "" for p in parts)


def test_capacity_formula_matches_the_spec_numbers() -> None:
    # TS 23.040 §9.2.3.24 with the header rounded up to whole septets.
    for octets, septets in [(0, 160), (6, 153), (7, 152), (4, 155), (9, 149), (12, 146)]:
        header_septets = -(-8 * octets // 7)  # ceil: fill bits pad the header to a septet boundary
        assert (140 - octets) * 8 // 7 == 160 - header_septets == septets


@pytest.mark.parametrize(
    ("length", "parts"), [(159, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)]
)
def test_gsm7_boundaries(length: int, parts: int) -> None:
    assert count_segments("a" * length) == parts
    assert len(split("a" * length)) == parts


@pytest.mark.parametrize(("length", "parts"), [(152, 1), (153, 1), (154, 1), (304, 2), (305, 3)])
def test_gsm7_boundaries_16bit(length: int, parts: int) -> None:
    # 152 septets per part with a 16-bit reference: 152/153/154 all fit one part alone.
    assert count_segments("a" * length, reference_bits=16) == parts
    if parts > 1:
        assert split("a" * length, reference_bits=16)[0].units == 152


@pytest.mark.parametrize(
    ("length", "parts"), [(69, 1), (70, 1), (71, 2), (134, 2), (135, 3), (66, 1), (67, 1), (68, 1)]
)
def test_ucs2_boundaries(length: int, parts: int) -> None:
    text = "ж" * length
    assert count_segments(text) == parts
    assert len(split(text)) == parts


@pytest.mark.parametrize(("length", "parts"), [(132, 2), (133, 3)])
def test_ucs2_boundaries_16bit(length: int, parts: int) -> None:
    assert count_segments("ж" * length, reference_bits=16) == parts


def test_part_units_at_153_and_67() -> None:
    assert [p.units for p in split("a" * 154 + "b" * 152)] == [153, 153]
    assert [p.units for p in split("ж" * 134)] == [67, 67]


def test_escape_pairs_never_straddle() -> None:
    # 153 × ']' = 306 septets but each part holds 76 pairs (152 septets): 3 parts, not 2.
    parts = split("]" * 153)
    assert [p.units for p in parts] == [152, 152, 2]
    assert count_segments("]" * 153) == 3
    # An extension character exactly at the 153rd septet moves whole to the next part.
    parts = split("a" * 152 + "€" + "a" * 10)
    assert [p.text for p in parts] == ["a" * 152, "€" + "a" * 10]
    assert parts[1].payload[:2] == b"\x1b\x65"


def test_surrogate_pairs_never_straddle() -> None:
    # 201 UTF-16 units, 3 × 67 exactly, but pairs land on the part boundaries: 4 parts, not 3
    # (the failure reported as warthog618/sms issue 6).
    text = "x" * 66 + "😀" + "x" * 65 + "😀" + "x" * 66
    info = analyze(text)
    assert (info.units, info.segments) == (201, 4)
    parts = split(text)
    assert [p.units for p in parts] == [66, 67, 67, 1]
    emoji_only = "😀" * 100 + "x"
    assert analyze(emoji_only).units == 201
    assert [p.units for p in split(emoji_only)] == [66, 66, 66, 3]


def test_emoji_at_the_single_part_boundary() -> None:
    assert count_segments("ж" * 68 + "😀") == 1  # 70 units
    assert count_segments("ж" * 69 + "😀") == 2  # 71 units


def test_crlf_vs_lf() -> None:
    # CR and LF are one septet each (TS 23.038 §6.2.1: 0x0D, 0x0A); CRLF costs 2.
    assert analyze("a\r\nb").units == 4
    assert analyze("a\nb").units == 3
    assert count_segments("a" * 158 + "\r\n") == 1
    assert count_segments("a" * 159 + "\r\n") == 2
    assert split("a\r\nb")[0].payload == b"a\r\nb"


def test_empty_text() -> None:
    info = analyze("")
    assert (info.encoding, info.segments, info.units, info.per_segment, info.remaining) == (
        "gsm7",
        1,
        0,
        160,
        160,
    )
    assert split("") == [Segment(text="", udh=b"", payload=b"", units=0)]
    assert split_binary(b"") == [Segment(text="", udh=b"", payload=b"", units=0)]
    assert count_segments("", udh=PORT16) == 1


SEGMENT_CASES = load_vector("segment_cases.jsonl")


@pytest.mark.parametrize("case", SEGMENT_CASES, ids=[c["case"] for c in SEGMENT_CASES])
def test_segment_cases(case: dict[str, object]) -> None:
    # ref_* fields are the truth; twilio_* may differ (the case says why, e.g. grapheme clusters).
    text = case["text"]
    assert isinstance(text, str)
    info = analyze(text)
    assert info.encoding == ("gsm7" if case["ref_gsm"] else "ucs2")
    assert info.segments == case["ref_segments"] == count_segments(text)
    assert [p.text for p in split(text)] == case["ref_split"]
    if case["ref_gsm"]:
        assert isinstance(case["ref_septets_hex"], str)
        expected = bytes.fromhex(case["ref_septets_hex"])
        assert b"".join(p.payload for p in split(text)) == expected
        assert info.units == len(expected)
    else:
        assert info.units == len(text.encode("utf-16-be")) // 2
        assert b"".join(p.payload for p in split(text)) == text.encode("utf-16-be")


def test_non_gsm7_lists_forcing_characters_in_order() -> None:
    info = analyze("Hi ç😀 ç Ω `")
    assert info.non_gsm7 == ("ç", "😀", "`")
    assert analyze("Hi Ω").non_gsm7 == ()
    assert analyze("Hi Ω", encoding="ucs2").non_gsm7 == ()


def test_forced_encodings() -> None:
    info = analyze("Hello", encoding="ucs2")
    assert (info.encoding, info.units, info.per_segment) == ("ucs2", 5, 70)
    assert split("Hello", encoding="ucs2")[0].payload == "Hello".encode("utf-16-be")
    assert analyze("€", encoding="gsm7").units == 2
    with pytest.raises(EncodingError) as exc:
        analyze("abcç", encoding="gsm7")
    assert (exc.value.char, exc.value.position) == ("ç", 3)
    assert "U+00E7" in str(exc.value)


def test_lone_surrogate_is_an_encoding_error() -> None:
    with pytest.raises(EncodingError) as exc:
        count_segments("ab\ud83d")
    assert exc.value.position == 2
    with pytest.raises(EncodingError):
        split("\udc00x")


def test_split_headers_and_payloads() -> None:
    parts = split("a" * 161, reference=0x42)
    assert [p.udh for p in parts] == [udh.concat(0x42, 2, 1), udh.concat(0x42, 2, 2)]
    assert parts[0].udh == bytes.fromhex("050003420201")
    assert parts[0].payload == b"a" * 153
    parts16 = split("a" * 161, reference=0x1234, reference_bits=16)
    assert parts16[1].udh == bytes.fromhex("0608041234020" + "2")
    # A single part carries the caller's header alone.
    single = split("hi", udh=PORT16)
    assert single == [Segment(text="hi", udh=PORT16, payload=b"hi", units=2)]
    # Several parts: the caller's elements first, then the concatenation element.
    multi = split("a" * 200, udh=PORT16, reference=9)
    assert multi[0].udh == bytes.fromhex("0b0504158115810003090201")
    assert udh.parse(multi[1].udh) == [udh.PortAddress(0x1581, 0x1581), udh.Concat(9, 2, 2)]


def test_reference_counter_advances_and_is_thread_safe() -> None:
    refs: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            ref = udh.parse(split("a" * 161, reference_bits=16)[0].udh)[0]
            assert isinstance(ref, udh.Concat)
            with lock:
                refs.append(ref.reference)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(refs)) == 200  # every call took its own value


def test_reference_range() -> None:
    with pytest.raises(ArgumentError) as exc:
        split("a" * 161, reference=256)
    assert exc.value.argument == "reference"
    assert isinstance(exc.value, ValueError)
    assert split("a" * 161, reference=65535, reference_bits=16)[0].udh[3:5] == b"\xff\xff"
    with pytest.raises(ArgumentError):
        split("a", reference=-1)
    with pytest.raises(ArgumentError):
        split_binary(b"x", reference=70000, reference_bits=16)
    with pytest.raises(TypeError):
        split("a", reference="1")  # type: ignore[arg-type]


def test_more_than_255_parts() -> None:
    text = "a" * (153 * 255 + 1)
    assert count_segments(text) == 256
    assert analyze(text).segments == 256
    with pytest.raises(ArgumentError) as exc:
        split(text)
    assert "256 parts" in str(exc.value)
    assert len(split("a" * 153 * 255)) == 255
    with pytest.raises(ArgumentError):
        split_binary(bytes(134 * 255 + 1))


def test_caller_header_checks() -> None:
    with pytest.raises(UdhError) as exc:
        analyze("hi", udh=b"\x06\x05\x04\x15\x81")  # UDHL says 6, 4 follow
    assert exc.value.offset == 0
    with pytest.raises(UdhError) as exc:
        analyze("hi", udh=PORT16 + b"\x00")
    assert exc.value.offset == 7
    with pytest.raises(UdhError) as exc:
        analyze("hi", udh=udh.concat(1, 2, 1))
    assert exc.value.offset == 1
    with pytest.raises(UdhError):
        analyze("hi", udh=bytes([132, 0x70, 130]) + bytes(130))  # leaves no room for text
    assert analyze("hi", udh=bytes([130, 0x70, 128]) + bytes(128)).per_segment == 10
    with pytest.raises(TypeError):
        analyze("hi", udh="0605")  # type: ignore[arg-type]


def test_argument_checks() -> None:
    with pytest.raises(TypeError):
        analyze(b"hi")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        count_segments(None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError) as exc:
        analyze("hi", encoding="utf8")
    assert exc.value.argument == "encoding"
    with pytest.raises(ArgumentError):
        analyze("hi", reference_bits=12)
    with pytest.raises(TypeError):
        analyze("hi", reference_bits=True)
    with pytest.raises(ArgumentError):
        analyze("hi", languages=["klingon"])
    with pytest.raises(ArgumentError):
        analyze("hi", languages=[14])
    with pytest.raises(TypeError):
        analyze("hi", languages=[1.5])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        analyze("hi", smart="yes")  # type: ignore[arg-type]


def test_str_subclass_is_accepted() -> None:
    class Text(str):
        pass

    assert analyze(Text("a" * 161)).segments == 2
    assert count_segments(Text("hi")) == 1


def test_segment_info_is_frozen() -> None:
    info = analyze("hi")
    assert isinstance(info, SegmentInfo)
    with pytest.raises(AttributeError):
        info.segments = 2  # type: ignore[misc]
    assert smscodec.count_segments is count_segments


def test_pep393_widths_at_start_middle_end() -> None:
    # Greek capitals are GSM-7 but make a 2-byte str; € is an extension character; emoji 4-byte.
    for ch, units, encoding in [("Δ", 1, "gsm7"), ("€", 2, "gsm7"), ("😀", 2, "ucs2")]:
        for text in [ch + "ab", "a" + ch + "b", "ab" + ch]:
            info = analyze(text)
            assert info.encoding == encoding
            assert info.units == 2 + units


def test_cached_options_still_refuse_bool_languages() -> None:
    assert analyze("ş", languages=(1,)).locking_shift == 1
    with pytest.raises(TypeError):
        analyze("ş", languages=(True,))
    with pytest.raises(TypeError):
        count_segments("ş", languages=[True])
