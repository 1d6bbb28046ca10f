"""How segment results show: a short ``repr`` for any text, and the viewer in a notebook
(``_repr_html_``) for a SegmentInfo and for what split / split_binary return."""

from __future__ import annotations

import pickle

import smscodec
from _html import parse
from smscodec import udh
from smscodec.segments import Segments


def test_segment_info_repr_is_short_for_long_texts() -> None:
    info = smscodec.analyze("x" * 5000 + "".join(chr(0x4E00 + i) for i in range(50)))
    text = repr(info)
    assert len(text) < 400
    assert "(5,050 chars)" in text
    assert "… 50 in all)" in text
    assert text.startswith("SegmentInfo(encoding='ucs2', segments=")
    short = smscodec.analyze("hi")
    assert repr(short) == (
        "SegmentInfo(encoding='gsm7', segments=1, units=2, per_segment=160, remaining=158, non_gsm7=(), "
        "text='hi', locking_shift=0, single_shift=0, replacements=(), original_segments=1)"
    )


def test_options_kept_for_the_view_do_not_change_equality() -> None:
    ports = udh.build([udh.PortAddress(5499, 0)])
    with_ports = smscodec.analyze("hi", udh=ports)
    assert with_ports.udh == ports
    assert smscodec.analyze("hi", reference_bits=16).reference_bits == 16
    # Equal analyses stay equal (and hash alike) whatever options led to them.
    assert smscodec.analyze("hi", reference_bits=16) == smscodec.analyze("hi")
    assert hash(smscodec.analyze("hi", reference_bits=16)) == hash(smscodec.analyze("hi"))


def test_segment_info_html_draws_the_parts_that_were_counted() -> None:
    ports = udh.build([udh.PortAddress(5499, 0)])
    text = "a" * 300 + "€"
    info = smscodec.analyze(text, udh=ports, reference_bits=16)
    dom = parse(info._repr_html_())
    parts = dom.find_all("section", cls="part")
    assert len(parts) == info.segments == smscodec.count_segments(text, udh=ports, reference_bits=16)
    kinds = [dd.attrs["data-kind"] for dd in parts[0].find_all("dd") if "data-kind" in dd.attrs]
    assert kinds == ["ports", "concat"]
    assert "concatenation, 16-bit reference" in parts[0].text()
    assert "reference chosen when sent" in parts[0].text()
    assert dom.find("dd", data_k="segments").attrs["data-v"] == str(info.segments)
    assert len(dom.find_all("li", cls="e")) == 1  # the euro sign, an escape pair


def test_segment_info_html_with_national_tables() -> None:
    info = smscodec.analyze("Ağaç " * 40, languages=["turkish"])
    dom = parse(info._repr_html_())
    assert len(dom.find_all("section", cls="part")) == info.segments == 2
    assert len(dom.find_all("li", cls="n")) == 2 * 40
    assert "national language locking shift: Turkish (1)" in dom.text()


def test_segment_info_html_beyond_255_parts_is_a_summary() -> None:
    info = smscodec.analyze("x" * (153 * 255 + 1))
    dom = parse(info._repr_html_())
    assert not dom.find_all("section", cls="part")
    assert "256" in dom.text()
    assert "at most 255" in dom.find("caption").text()


def test_split_returns_a_list_with_a_view() -> None:
    parts = smscodec.split("Hello " * 50, reference=3)
    assert isinstance(parts, list)
    assert isinstance(parts, Segments)
    assert parts == list(parts)
    assert parts.info == smscodec.analyze("Hello " * 50)
    assert type(parts[:1]) is list
    dom = parse(parts._repr_html_())
    sections = dom.find_all("section", cls="part")
    assert [int(s.attrs["data-units"]) for s in sections] == [p.units for p in parts]
    assert "reference 3, part 2 of 2" in sections[1].text()
    restored = pickle.loads(pickle.dumps(parts))
    assert restored == parts
    assert restored.info == parts.info


def test_split_repr_is_short() -> None:
    parts = smscodec.split("Lorem ipsum " * 200, reference=9)
    text = repr(parts)
    assert len(parts) == 16
    assert len(text) < 500
    assert text.startswith(
        "Segments([Segment(text='Lorem ipsum Lorem ipsum Lorem ipsum Lore'… (153 chars), udh='05000309"
    )
    assert text.endswith("… 16 parts in all])")


def test_split_binary_view() -> None:
    parts = smscodec.split_binary(b"\x00\x01" * 100, reference=1)
    assert isinstance(parts, Segments)
    assert parts.info is None
    dom = parse(parts._repr_html_())
    assert len(dom.find_all("section", cls="part")) == 2
    assert len(dom.find_all("li", cls="o")) == 200
    assert dom.find("dd", data_k="encoding").attrs["data-v"] == "binary"


def test_the_notebook_view_draws_the_parts_of_the_policy_counted() -> None:
    # A family emoji across the first boundary: 2 parts by TS 23.040, 3 by Twilio's split.
    text = "\u0430" * 65 + "\U0001f468\u200d\U0001f469\u200d\U0001f467" + "\u0430" * 61
    for policy, parts in (("3gpp", 2), ("twilio", 3)):
        info = smscodec.analyze(text, policy=policy)
        assert info.segments == parts
        assert info._repr_html_().count("data-part=") == parts
        assert smscodec.split(text, policy=policy)._repr_html_().count("data-part=") == parts
