"""The segment viewer (smscodec._view, drawn by smscodec.report.view_*): every cell's
character, cost and units against the TS 23.038 tables and TS 23.040 headers worked out
by hand, the invariants on random texts, and hostile text that must stay text."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from _html import parse
from smscodec import _view, report, udh
from smscodec._tables import LOCK_CODES, SINGLE_CODES


def drawn(text: str, **options: Any) -> _view.Message:
    reference = options.pop("reference", 7)
    info = smscodec.analyze(text, **options)
    parts = smscodec.split(text, reference=reference, **options)
    return _view.message(info, parts, original=text)


def cells(view: _view.Message) -> list[tuple[str, int, tuple[int, ...], int]]:
    return [(c.char, c.cost, c.units, c.flags) for part in view.parts for c in part.cells]


# --- GSM-7 ----------------------------------------------------------------------------------


def test_plain_gsm7_cells_are_one_septet_each() -> None:
    view = drawn("Hi @")
    # TS 23.038 §6.2.1 Figure 1: H 0x48, i 0x69, space 0x20, @ 0x00.
    assert cells(view) == [
        ("H", 1, (0x48,), 0),
        ("i", 1, (0x69,), 0),
        (" ", 1, (0x20,), 0),
        ("@", 1, (0x00,), 0),
    ]
    assert (view.encoding, view.segments, view.units, view.per_segment, view.remaining) == (
        "gsm7",
        1,
        4,
        160,
        156,
    )
    (part,) = view.parts
    assert (part.header, part.elements, part.units, part.capacity) == (b"", (), 4, 160)


def test_extension_characters_are_escape_pairs_that_never_straddle() -> None:
    # 153 "]" are 306 septets; a 2-septet pair does not fit the 153rd septet of a part:
    # 76 pairs (152 septets) a part, so 76 + 76 + 1 (TS 23.038 §6.2.1.1, 0x1B 0x3E).
    view = drawn("]" * 153)
    assert [len(p.cells) for p in view.parts] == [76, 76, 1]
    assert [p.units for p in view.parts] == [152, 152, 2]
    for part in view.parts:
        assert sum(c.cost for c in part.cells) == part.units
        assert all(c == ("]", 2, (0x1B, 0x3E), _view.ESCAPE_PAIR, "") for c in part.cells)
    assert [(e.kind, e.detail) for p in view.parts for e in p.elements] == [
        ("concat", "reference 7, part 1 of 3"),
        ("concat", "reference 7, part 2 of 3"),
        ("concat", "reference 7, part 3 of 3"),
    ]
    assert view.parts[0].elements[0].octets == bytes.fromhex("0003070301")


def test_euro_sign_is_escape_0x65() -> None:
    assert cells(drawn("5€")) == [("5", 1, (0x35,), 0), ("€", 2, (0x1B, 0x65), _view.ESCAPE_PAIR)]


def test_turkish_locking_shift_marks_national_characters() -> None:
    view = drawn("Ağaç", languages=["turkish"])
    # TS 23.038 A.3.1, the Turkish locking shift table: ğ 0x0C, ç 0x60, and the element
    # 25 01 01 (§9.2.3.24.16, identifier 1) in a 3-octet header: 155 septets a part.
    assert cells(view) == [
        ("A", 1, (0x41,), 0),
        ("ğ", 1, (LOCK_CODES[1]["ğ"],), _view.NATIONAL),
        ("a", 1, (0x61,), 0),
        ("ç", 1, (0x60,), _view.NATIONAL),
    ]
    assert LOCK_CODES[1]["ğ"] == 0x0C
    assert (view.locking_shift, view.single_shift, view.per_segment) == (1, 0, 155)
    (part,) = view.parts
    assert part.header == bytes.fromhex("03250101")
    assert [(e.kind, e.detail) for e in part.elements] == [("locking", "Turkish (1)")]


def test_spanish_single_shift_gives_national_escape_pairs() -> None:
    view = drawn("á ñ", languages=["spanish"])
    # TS 23.038 A.2.2: Spanish has a single shift table only; á is 0x1B 0x61 there, ñ is
    # in the default alphabet (0x7D).
    assert cells(view) == [
        ("á", 2, (0x1B, SINGLE_CODES[2]["á"]), _view.ESCAPE_PAIR | _view.NATIONAL),
        (" ", 1, (0x20,), 0),
        ("ñ", 1, (0x7D,), 0),
    ]
    assert SINGLE_CODES[2]["á"] == 0x61
    assert [(e.kind, e.octets.hex()) for e in view.parts[0].elements] == [("single", "240102")]


# --- UCS-2 ----------------------------------------------------------------------------------


def test_surrogate_pairs_are_two_units_and_move_whole() -> None:
    # 40 emoji are 80 UTF-16 units; 67 a concatenated part hold 33 pairs (66 units).
    view = drawn("😀" * 40)
    assert view.encoding == "ucs2"
    assert [len(p.cells) for p in view.parts] == [33, 7]
    assert [p.units for p in view.parts] == [66, 14]
    flags = _view.SURROGATE_PAIR | _view.FORCING
    assert set(cells(view)) == {("😀", 2, (0xD83D, 0xDE00), flags)}
    assert view.forcing == (("😀", 40),)


def test_forcing_characters_are_marked_with_their_code_point() -> None:
    view = drawn("it’s €5")
    assert view.encoding == "ucs2"
    forced = [c for p in view.parts for c in p.cells if c.flags & _view.FORCING]
    assert [(c.char, c.units) for c in forced] == [("’", (0x2019,))]
    # € is GSM-7 (an extension character), so it does not force; in UCS-2 it is 0x20AC.
    assert cells(view)[5] == ("€", 1, (0x20AC,), 0)
    page = report.view_html("it’s €5")
    dom = parse(page)
    (forcing,) = dom.find_all("li", cls="f")
    assert forcing.find("u").text() == "U+2019"
    assert "RIGHT SINGLE QUOTATION MARK" in forcing.attrs["title"]
    assert dom.find("p", cls="forcing").text().count("U+2019") == 1


# --- binary, ports ---------------------------------------------------------------------------


def test_binary_parts_are_octets() -> None:
    parts = smscodec.split_binary(bytes(range(256)) + b"\xff" * 44, reference=5)
    view = _view.binary(parts)
    # 134 octets per part with the 6-octet concatenation header (TS 23.040 §9.2.3.24.1).
    assert [len(p.cells) for p in view.parts] == [134, 134, 32]
    assert view.parts[0].cells[:2] == (
        _view.Cell("", 1, (0,), _view.OCTET),
        _view.Cell("", 1, (1,), _view.OCTET),
    )
    assert (view.encoding, view.units, view.per_segment, view.remaining) == ("binary", 300, 134, 102)
    assert view.parts[2].elements[0].detail == "reference 5, part 3 of 3"
    dom = parse(report.view_html(bytes(range(256)) + b"\xff" * 44, reference=5))
    assert len(dom.find_all("section", cls="part")) == 3
    assert [li.find("b").text() for li in dom.find_all("li", cls="o")][:3] == ["00", "01", "02"]


def test_port_addressing_is_decoded() -> None:
    ports = udh.build([udh.PortAddress(5499, 9200)])
    view = drawn("hello", udh=ports)
    (element,) = view.parts[0].elements
    assert (element.kind, element.label, element.detail) == (
        "ports",
        "application ports, 16-bit",
        "destination 5499, source 9200",
    )
    assert element.octets == bytes.fromhex("0504157B23F0")


# --- smart encoding -------------------------------------------------------------------------


def test_smart_replacements_point_back_at_what_they_replaced() -> None:
    text = "a—b…\u200bc"
    view = drawn(text, smart=True)
    assert view.encoding == "gsm7"
    got = [(c.char, c.cost, c.flags, c.origin) for p in view.parts for c in p.cells]
    replaced = _view.REPLACED
    assert got == [
        ("a", 1, 0, ""),
        ("-", 1, replaced, "—"),
        ("b", 1, 0, ""),
        (".", 1, replaced, "…"),
        (".", 1, replaced, "…"),
        (".", 1, replaced, "…"),
        ("", 0, _view.REMOVED, "\u200b"),
        ("c", 1, 0, ""),
    ]
    assert view.replacements == (("—", "-", 1), ("…", "...", 1), ("\u200b", "", 1))


def test_smart_saving_is_compared_with_the_text_as_written() -> None:
    text = "Don’t miss it " * 6  # 84 characters: UCS-2 2 parts as written, GSM-7 1 part smart
    assert smscodec.count_segments(text) == 2
    data = report.view_dict(text, smart=True)
    assert (data["encoding"], data["segments"], data["original_segments"]) == ("gsm7", 1, 2)
    dom = parse(report.view_html(text, smart=True))
    assert dom.find("strong", data_k="smart_saved").text() == "1"
    assert "as written: UCS-2, 2 parts, 84 UTF-16 units" in dom.find("p", cls="compare").text()
    assert len(dom.find_all("li", cls="r")) == 6
    # Without smart encoding the viewer says what it would do.
    plain = parse(report.view_html(text))
    assert (
        "with smart encoding: GSM-7, 1 part, 84 septets: 1 part fewer"
        in plain.find("p", cls="compare").text()
    )


def test_no_lookalike_is_said_when_smart_cannot_help() -> None:
    view = report.view_dict("ok 😀 ’")
    assert view["encoding"] == "ucs2"
    text = report.view_text("ok 😀 ’")
    assert "no look-alike in the smart map for: U+1F600 GRINNING FACE" in text


# --- invariants on random texts ---------------------------------------------------------------

ALPHABET = "aZ09 @$_€ΔΩ^{}[]~|\\\n\x0cçğşİá’…—😀\U0010fffd中\u0301\u202e"
OPTIONS = st.sampled_from(
    [
        {},
        {"smart": True},
        {"languages": ("turkish",)},
        {"languages": ("spanish", "portuguese")},
        {"encoding": "ucs2"},
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=500), OPTIONS)
def test_cells_are_the_parts_and_their_costs(text: str, options: dict[str, Any]) -> None:
    info = smscodec.analyze(text, **options)
    parts = smscodec.split(text, reference=1, **options)
    view = _view.message(info, parts, original=text)
    assert view.segments == info.segments == len(parts)
    sent = []
    for part, segment in zip(view.parts, parts, strict=True):
        real = [c for c in part.cells if not c.flags & _view.REMOVED]
        assert "".join(c.char for c in real) == segment.text
        assert sum(c.cost for c in part.cells) == segment.units <= info.per_segment
        for cell in real:
            if info.encoding == "gsm7":
                # One septet from the locking table, else an escape pair from the single shift.
                in_lock = cell.char in LOCK_CODES[info.locking_shift]
                assert cell.cost == (1 if in_lock else 2)
                assert bool(cell.flags & _view.ESCAPE_PAIR) == (not in_lock)
            else:
                assert cell.cost == (2 if ord(cell.char) > 0xFFFF else 1)
                assert bool(cell.flags & _view.FORCING) == (cell.char in info.non_gsm7)
                assert cell.char.encode("utf-16-be") == b"".join(u.to_bytes(2, "big") for u in cell.units)
        sent.extend(real)
    assert sum(c.cost for c in sent) == info.units
    assert json.loads(json.dumps(_view.message_dict(view)))["segments"] == info.segments


# --- text for a terminal -----------------------------------------------------------------------


def test_terminal_view_plain() -> None:
    got = report.view_text("Hi €’", reference=3)
    assert got == (
        "UCS-2 · 1 part · 5 UTF-16 units · 70 per part · 65 free in the last part\n"
        "forces UCS-2: ’ U+2019 RIGHT SINGLE QUOTATION MARK (×1)\n"
        "with smart encoding: GSM-7, 1 part, 6 septets\n"
        "\n"
        "part 1 of 1 · 5 of 70 UTF-16 units · header none\n"
        "  H i ␣ € ’\n"
        "  1 1 1 1 1\n"
        "          !\n"
    )


def test_terminal_view_wraps_and_aligns_wide_characters() -> None:
    got = report.view_text("中" * 30 + "a", width=40).splitlines()
    rows = [line for line in got if line.startswith("  ")]
    glyphs, costs = rows[0], rows[1]
    # A wide character takes two columns; its cost is padded to the same width.
    assert glyphs == "  " + " ".join(["中"] * 13)
    assert costs == "  " + " ".join(["1 "] * 13).rstrip()


def test_terminal_colour_only_when_asked() -> None:
    assert "\x1b" not in report.view_text("a€’😀")
    coloured = report.view_text("a€’😀", color=True)
    assert "\x1b[1;41;97m’\x1b[0m" in coloured  # forcing: bold white on red
    assert "\x1b[30;43m€\x1b[0m" not in coloured  # € is not a pair in UCS-2


def test_terminal_never_writes_control_or_bidi_characters() -> None:
    hostile = "a\x1b[31mred\x07\u202eevil\u2066\x9b2J\u200d"
    for color in (False, True):
        out = report.view_text(hostile, color=color)
        stripped = out.replace("\x1b[0m", "").replace("\x1b[1m", "").replace("\x1b[2m", "")
        for code in ("\x1b[1;41;97m", "\x1b[30;43m", "\x1b[30;46m", "\x1b[30;42m"):
            stripped = stripped.replace(code, "")
        assert all(unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\n" for ch in stripped), repr(
            stripped
        )
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in report.view_text(hostile)


# --- HTML -------------------------------------------------------------------------------------

HOSTILE = (
    '<script>alert(1)</script></svg><svg onload=alert(2)><img src=x onerror="alert(3)">'
    "\"'&amp; שלום عربي \u202eevil\u202c e\u0301\u0328 😀👩‍👩‍👧 \x00\x1b"
)


def test_hostile_text_is_only_text() -> None:
    page = report.view_html(HOSTILE, reference=1)
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "onload" not in page.replace("onload=alert(2)", "")  # only ever as escaped text
    dom = parse(page)
    assert not dom.find_all("script")
    assert not dom.find_all("img")
    assert len(dom.find_all("svg")) == 0
    shown = [li.find("b").text() for ol in dom.find_all("ol", cls="cells") for li in ol.find_all("li")]
    # Each character in its own cell, visible: markup as itself, controls as stand-ins.
    expected = [_view.visible(ch)[0] for ch in HOSTILE]
    assert shown == expected
    assert "U+202E" in shown
    assert "◌\u0301" in shown
    page.encode("utf-8")  # no lone surrogate, nothing unencodable


def test_page_is_self_contained() -> None:
    page = report.view_html("hello")
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page
    for needle in ("http://", "https://", "<link", "@import", "url(", "<script"):
        if needle == "http://":
            assert page.count(needle) == page.count('xmlns="http://www.w3.org/2000/svg"')
        else:
            assert needle not in page


def test_escape_handles_what_html_cannot_carry() -> None:
    assert _view.escape("<a href='x'>&") == "&lt;a href=&#x27;x&#x27;&gt;&amp;"
    got = _view.escape("a\ud800b\x00")
    got.encode("utf-8")
    assert got == 'a<span class="cp">U+D800</span>b<span class="cp">U+0000</span>'
    assert _view.attribute('"x"\ud800') == "&quot;x&quot;U+D800"


def test_view_refuses_what_split_refuses() -> None:
    with pytest.raises(smscodec.EncodingError):
        report.view_html("a\ud800")
    with pytest.raises(smscodec.ArgumentError):
        report.view_html("x" * (153 * 255 + 1))


def test_a_payload_that_does_not_hold_the_text_is_refused() -> None:
    info = smscodec.analyze("abc")
    (part,) = smscodec.split("abc")
    bad = smscodec.Segment(text="abc", udh=b"", payload=b"ab", units=3)
    with pytest.raises(smscodec.ArgumentError, match="part 1"):
        _view.message(info, [bad])
    assert _view.message(info, [part]).units == 3


def test_a_malformed_header_is_shown_not_raised() -> None:
    info = smscodec.analyze("abc")
    bad = smscodec.Segment(text="abc", udh=b"\x05\x00\x03", payload=b"abc", units=3)
    view = _view.message(info, [bad])
    assert view.parts[0].elements == ()
    assert "UDHL says 5 octets" in view.parts[0].error
    assert "UDHL says 5 octets" in _view.html_body(view)
