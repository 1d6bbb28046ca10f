"""SMPP submit_sm / deliver_sm fields (smscodec.smpp): exact octets from SMPP 3.4 and
TS 23.038/23.040, round trips through the Vonage reassembler, and python-smpplib interop."""

from __future__ import annotations

import struct

import pytest
import smpplib.command
import smpplib.consts
import smpplib.gsm
import smpplib.smpp
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from smscodec import ArgumentError, DecodeError, SmsCodecError, smpp, udh
from smscodec.smpp import DeliverSm, SubmitSm, parse_deliver_sm, submit_sm_fields
from smscodec.vonage import InboundMessage, InboundType, Reassembler

SOURCE = "447700900123"
DEST = "447700900456"


def _oracle_pack(septets: bytes, fill: int) -> bytes:
    """TS 23.038 §6.1.2.1.1 packing written as arithmetic: septet i sits at bit
    ``fill + 7 * i`` of one little-endian integer."""
    value = 0
    for i, septet in enumerate(septets):
        value |= septet << (fill + 7 * i)
    bits = fill + 7 * len(septets)
    return value.to_bytes((bits + 7) // 8, "little")


def _deliver(sm: SubmitSm, **options: object) -> DeliverSm:
    return parse_deliver_sm(**sm.fields(), **options)  # type: ignore[arg-type]


def _reassemble(parts: list[DeliverSm]) -> InboundMessage:
    reassembler = Reassembler()
    results = [
        reassembler.add(part.to_inbound(source_addr=SOURCE, destination_addr=DEST, message_id=f"id-{i}"))
        for i, part in enumerate(parts)
    ]
    done = [r for r in results if r is not None]
    assert len(done) == 1
    assert all(r is None for r in results[:-1])
    return done[0]


# --- exact octets ---------------------------------------------------------------------------


def test_161_gsm7_characters_are_two_parts_with_the_8_bit_concatenation_header() -> None:
    text = "x" * 161
    parts = submit_sm_fields(text, reference=0x42)
    # TS 23.040 §9.2.3.24.1: UDHL 05, IEI 00, IEDL 03, reference, total, sequence.
    assert [p.short_message[:6] for p in parts] == [
        bytes.fromhex("050003420201"),
        bytes.fromhex("050003420202"),
    ]
    assert [p.short_message[6:] for p in parts] == [b"x" * 153, b"x" * 8]
    # SMPP 3.4 §5.2.19 data_coding 0 (SMSC default / GSM-7), §5.2.12 esm_class UDHI 0x40.
    assert {(p.data_coding, p.esm_class) for p in parts} == {(0x00, 0x40)}
    assert all(p.sar_msg_ref_num is None and p.message_payload is None for p in parts)
    assert parts[0].fields() == {"data_coding": 0, "esm_class": 0x40, "short_message": parts[0].short_message}


def test_one_part_has_no_header_and_no_udhi() -> None:
    assert submit_sm_fields("hello") == [SubmitSm(data_coding=0, esm_class=0, short_message=b"hello")]
    # TS 23.038 §6.2.1: "{" is the escape 0x1B then 0x28 (extension table).
    assert submit_sm_fields("{")[0].short_message == b"\x1b\x28"


def test_ucs2_is_data_coding_8_utf16be() -> None:
    (part,) = submit_sm_fields("Привет 😀")
    assert part.data_coding == 0x08  # SMPP 3.4 §5.2.19 UCS2 (ISO/IEC-10646)
    assert part.esm_class == 0
    assert part.short_message == "Привет 😀".encode("utf-16-be")
    long = submit_sm_fields("Ж" * 71, reference=7)
    assert [p.short_message[:6].hex() for p in long] == ["050003070201", "050003070202"]
    assert [len(p.short_message) - 6 for p in long] == [134, 8]  # 67 units, then 4


def test_binary_is_data_coding_4() -> None:
    parts = submit_sm_fields(bytes(range(200)), reference=1)
    assert [(p.data_coding, p.esm_class) for p in parts] == [(0x04, 0x40), (0x04, 0x40)]
    assert parts[0].short_message == bytes.fromhex("050003010201") + bytes(range(134))


def test_packed_gsm7_known_vector_and_fill_bit_after_the_header() -> None:
    # The classic TS 23.038 §6.1.2.1.1 example: "hellohello" packs to E8 32 9B FD 46 97 D9 EC 37.
    (part,) = submit_sm_fields("hellohello", gsm7_packing="packed")
    assert part.short_message == bytes.fromhex("E8329BFD4697D9EC37")
    # After the 6-octet header (48 bits) 1 fill bit brings the septets to bit 49 = 7 * 7
    # (TS 23.040 §9.2.3.24): the first septet 0x61 ("a") shifted left by one.
    parts = submit_sm_fields("a" * 161, reference=0x42, gsm7_packing="packed")
    assert parts[1].short_message == bytes.fromhex("050003420202") + bytes.fromhex("C2E170381C0E8701")
    assert parts[1].short_message[6:] == _oracle_pack(b"a" * 8, 1)
    assert parts[0].short_message[6:] == _oracle_pack(b"a" * 153, 1)
    assert len(parts[0].short_message) == 6 + 134  # 1 + 153 * 7 bits = 134 octets: 140 in all


def test_packing_leaves_ucs2_and_binary_alone() -> None:
    assert submit_sm_fields("Ж", gsm7_packing="packed") == submit_sm_fields("Ж")
    assert submit_sm_fields(b"\x01\x02", gsm7_packing="packed") == submit_sm_fields(b"\x01\x02")


def test_sar_mode_moves_the_concatenation_into_tlvs() -> None:
    parts = submit_sm_fields("x" * 161, reference=0x42, mode="sar")
    assert [p.short_message for p in parts] == [b"x" * 153, b"x" * 8]
    assert [(p.esm_class, p.data_coding) for p in parts] == [(0, 0), (0, 0)]
    # SMPP 3.4 §5.3.2.22-24.
    assert [(p.sar_msg_ref_num, p.sar_total_segments, p.sar_segment_seqnum) for p in parts] == [
        (0x42, 2, 1),
        (0x42, 2, 2),
    ]
    wide = submit_sm_fields("x" * 161, reference=0xBEEF, reference_bits=16, mode="sar")
    assert [p.sar_msg_ref_num for p in wide] == [0xBEEF, 0xBEEF]
    assert [len(p.short_message) for p in wide] == [152, 9]  # room for a 7-octet header
    # One part: no SAR options at all.
    assert submit_sm_fields("hi", mode="sar") == [SubmitSm(data_coding=0, esm_class=0, short_message=b"hi")]


def test_sar_mode_keeps_other_header_elements_with_udhi() -> None:
    text = "ğ" * 200  # Turkish: national language shift elements (TS 23.040 §9.2.3.24.15-16)
    parts = submit_sm_fields(text, languages=["turkish"], mode="sar", reference=3)
    for part in parts:
        assert part.esm_class == 0x40
        elements = udh.parse(part.short_message)
        assert not any(isinstance(e, udh.Concat) for e in elements)
        assert any(isinstance(e, udh.NationalLanguage) for e in elements)
    assert "".join(_deliver(p).text or "" for p in parts) == text


def test_payload_mode_is_one_pdu_with_everything_in_message_payload() -> None:
    text = "x" * 400 + "€"
    (pdu,) = submit_sm_fields(text, mode="payload")
    # SMPP 3.4 §5.3.2.32: sm_length 0, the whole message in the TLV, no concatenation.
    assert pdu.short_message == b""
    assert pdu.message_payload == smscodec.encode_gsm7(text)
    assert (pdu.data_coding, pdu.esm_class) == (0, 0)
    assert pdu.fields()["message_payload"] == pdu.message_payload
    (packed,) = submit_sm_fields(text, mode="payload", gsm7_packing="packed")
    assert packed.message_payload == smscodec.pack_septets(smscodec.encode_gsm7(text))
    (uni,) = submit_sm_fields("Ж" * 100, mode="payload")
    assert (uni.data_coding, uni.message_payload) == (8, ("Ж" * 100).encode("utf-16-be"))
    (with_header,) = submit_sm_fields("x" * 200, mode="payload", udh=bytes.fromhex("06050415811581"))
    assert with_header.esm_class == 0x40
    assert with_header.message_payload == bytes.fromhex("06050415811581") + b"x" * 200


def test_segments_input_equals_text_input() -> None:
    split = smscodec.split("x" * 300, reference=9)
    assert submit_sm_fields(split) == submit_sm_fields("x" * 300, reference=9)
    assert [p.short_message for p in submit_sm_fields(split)] == [s.short_message for s in split]


def test_matches_smpplib_own_splitter() -> None:
    # smpplib.gsm.make_parts: an independent 8-bit concatenation splitter (fixed parts).
    for text in ("A" * 400, "Ω" * 300):
        chunks, coding, esm_class = smpplib.gsm.make_parts(text)
        reference = chunks[0][3]
        ours = submit_sm_fields(text, reference=reference)
        assert [p.short_message for p in ours] == chunks
        assert {(p.data_coding, p.esm_class) for p in ours} == {(coding, esm_class)}


# --- argument and decode errors -------------------------------------------------------------


def test_bad_arguments() -> None:
    with pytest.raises(ArgumentError) as info:
        submit_sm_fields("x", mode="tlv")  # type: ignore[arg-type]
    assert info.value.argument == "mode"
    with pytest.raises(ArgumentError) as info:
        submit_sm_fields("x", gsm7_packing="dense")  # type: ignore[arg-type]
    assert info.value.argument == "gsm7_packing"
    with pytest.raises(ArgumentError) as info:
        submit_sm_fields(smscodec.split("x"), reference=1)
    assert info.value.argument == "message"
    with pytest.raises(ArgumentError):
        submit_sm_fields(b"x", smart=True)
    with pytest.raises(TypeError):
        submit_sm_fields([1, 2])  # type: ignore[list-item]
    with pytest.raises(ArgumentError):
        SubmitSm(data_coding=0, esm_class=0, short_message=b"x", message_payload=b"y")
    with pytest.raises(ArgumentError):
        SubmitSm(data_coding=0, esm_class=0, short_message=b"", sar_msg_ref_num=1)
    with pytest.raises(ArgumentError):
        SubmitSm(data_coding=256, esm_class=0, short_message=b"")


def test_udhi_with_a_header_past_the_end() -> None:
    with pytest.raises(DecodeError, match="short_message") as info:
        parse_deliver_sm(data_coding=0, esm_class=0x40, short_message=b"\x05\x00\x03")
    assert info.value.position == 0
    with pytest.raises(DecodeError, match="message_payload"):
        parse_deliver_sm(data_coding=0, esm_class=0x40, message_payload=b"\x09\x00")
    with pytest.raises(DecodeError, match="empty"):
        parse_deliver_sm(data_coding=0, esm_class=0x40)
    # An element overrunning the header: the offset of its IEI.
    with pytest.raises(DecodeError, match="short_message") as info:
        parse_deliver_sm(data_coding=0, esm_class=0x40, short_message=b"\x03\x00\x05\x01abc")
    assert info.value.position == 1


@pytest.mark.parametrize("octet", [0x0B, 0x0C, 0x0F, 0x80, 0xBF, 0x21, 0x2C, 0xC4, 0xF8])
def test_reserved_data_coding(octet: int) -> None:
    with pytest.raises(DecodeError, match="data_coding"):
        parse_deliver_sm(data_coding=octet, esm_class=0, short_message=b"x")


def test_odd_ucs2_and_bad_septets_name_the_field_and_position() -> None:
    with pytest.raises(DecodeError, match="short_message") as info:
        parse_deliver_sm(
            data_coding=8, esm_class=0x40, short_message=bytes.fromhex("050003010101") + b"\x00A\x00"
        )
    assert info.value.position == 8  # the half unit, counted in the field
    with pytest.raises(DecodeError, match="short_message") as info:
        parse_deliver_sm(
            data_coding=0, esm_class=0x40, short_message=bytes.fromhex("050003010101") + b"ab\x80"
        )
    assert info.value.position == 8
    with pytest.raises(DecodeError, match="short_message"):
        parse_deliver_sm(data_coding=0, esm_class=0, short_message=b"\x00", packed=True, septets=5)


def test_inbound_argument_errors() -> None:
    with pytest.raises(ArgumentError) as info:
        parse_deliver_sm(data_coding=0, esm_class=0, short_message=b"x", message_payload=b"y")
    assert info.value.argument == "short_message"
    with pytest.raises(ArgumentError) as info:
        parse_deliver_sm(data_coding=0, esm_class=0, short_message=b"x", sar_msg_ref_num=1)
    assert info.value.argument == "sar_msg_ref_num"
    with pytest.raises(ArgumentError):
        parse_deliver_sm(
            data_coding=0,
            esm_class=0,
            short_message=b"x",
            sar_msg_ref_num=1,
            sar_total_segments=2,
            sar_segment_seqnum=3,
        )
    with pytest.raises(ArgumentError):
        parse_deliver_sm(data_coding=300, esm_class=0)
    with pytest.raises(ArgumentError):
        parse_deliver_sm(data_coding=0, esm_class=0, short_message=b"x" * 255)
    with pytest.raises(TypeError):
        parse_deliver_sm(data_coding=0, esm_class=0, short_message="x")  # type: ignore[arg-type]


# --- inbound reading ------------------------------------------------------------------------


def test_deliver_sm_charsets() -> None:
    assert parse_deliver_sm(data_coding=0x01, esm_class=0, short_message=b"IA5").text == "IA5"
    latin = parse_deliver_sm(data_coding=0x03, esm_class=0, short_message="déjà".encode("latin-1"))
    assert (latin.charset, latin.text, latin.coding) == ("latin-1", "déjà", None)
    assert (
        parse_deliver_sm(data_coding=0x06, esm_class=0, short_message="Жук".encode("iso8859-5")).text == "Жук"
    )
    raw = parse_deliver_sm(data_coding=0x02, esm_class=0, short_message=b"\xff\x00")
    assert (raw.charset, raw.text, raw.data) == ("8bit", None, b"\xff\x00")
    # TS 23.038 §4 octets passed through: 0x10 GSM-7 class 0 ("flash"), 0x18 UCS2 class 0,
    # 0xF5 8-bit class 1, 0xD8 voicemail waiting (store, GSM-7).
    flash = parse_deliver_sm(data_coding=0x10, esm_class=0, short_message=b"hi")
    assert (flash.text, flash.coding and flash.coding.message_class) == ("hi", 0)
    assert parse_deliver_sm(data_coding=0x18, esm_class=0, short_message=b"\x04\x16").text == "Ж"
    assert parse_deliver_sm(data_coding=0xF5, esm_class=0, short_message=b"\x01").data == b"\x01"
    mwi = parse_deliver_sm(data_coding=0xD8, esm_class=0, short_message=b"1 new")
    assert mwi.text == "1 new"
    assert mwi.coding is not None
    assert mwi.coding.waiting is not None
    assert mwi.coding.waiting.indication == "voicemail"
    # Compressed (TS 23.042): handed back undecoded.
    assert parse_deliver_sm(data_coding=0x20, esm_class=0, short_message=b"\x99").data == b"\x99"
    with pytest.raises(DecodeError, match="short_message"):
        parse_deliver_sm(data_coding=0x01, esm_class=0, short_message=b"\xe9")


def test_sar_options_give_a_16_bit_concat() -> None:
    part = parse_deliver_sm(
        data_coding=0,
        esm_class=0,
        short_message=b"ab",
        sar_msg_ref_num=0x1234,
        sar_total_segments=3,
        sar_segment_seqnum=2,
    )
    assert part.concat == udh.Concat(0x1234, 3, 2, 16)
    message = part.to_inbound(source_addr=SOURCE, destination_addr=DEST, message_id="m")
    assert message.concat is not None
    assert (message.concat.reference, message.concat.part) == ("4660", 2)


def test_packed_trailing_padding_septet() -> None:
    # 7 septets fill 49 bits: the last octet has 7 spare bits, which a reader without the
    # septet count would take for one more "@".
    (part,) = submit_sm_fields("abcdefg", gsm7_packing="packed")
    assert len(part.short_message) == 7
    assert _deliver(part, packed=True).text == "abcdefg"
    (at,) = submit_sm_fields("abcdefg@", gsm7_packing="packed")
    assert at.short_message == part.short_message  # TS 23.038 §6.1.2.1.1: the same octets
    assert _deliver(at, packed=True, septets=8).text == "abcdefg@"
    # Header only (a 6-octet header, 1 fill bit, no septet): one zero octet.
    header_only = parse_deliver_sm(
        data_coding=0, esm_class=0x40, short_message=udh.concat(1, 2, 1) + b"\x00", packed=True
    )
    assert header_only.text == ""


def test_to_inbound_types() -> None:
    text = parse_deliver_sm(data_coding=0, esm_class=0, short_message=b"hi").to_inbound(
        source_addr=SOURCE, destination_addr=DEST
    )
    assert (text.type, text.text, text.udh, text.concat) == (InboundType.TEXT, "hi", None, None)
    assert text.message_id.startswith("smpp-")
    assert dict(text.raw) == {"data_coding": "0", "esm_class": "0"}
    uni = parse_deliver_sm(data_coding=8, esm_class=0, short_message=b"\x04\x16")
    assert uni.to_inbound(source_addr=SOURCE, destination_addr=DEST).type is InboundType.UNICODE
    binary = parse_deliver_sm(
        data_coding=4, esm_class=0x40, short_message=bytes.fromhex("06050415811581") + b"\x01"
    )
    inbound = binary.to_inbound(source_addr=SOURCE, destination_addr=DEST)
    assert (inbound.type, inbound.data, inbound.udh) == (
        InboundType.BINARY,
        b"\x01",
        bytes.fromhex("06050415811581"),
    )


def test_binary_parts_reassemble() -> None:
    body = bytes(range(256)) * 2
    parts = [_deliver(p) for p in submit_sm_fields(body, reference=200)]
    whole = _reassemble(parts)
    assert (whole.type, whole.data, whole.udh) == (InboundType.BINARY, body, b"")


# --- round trips ----------------------------------------------------------------------------

# Every PEP 393 width: ASCII, Latin-1, 2-byte GSM-7 (Δ Ω €) and UCS-2 (Ж), 4-byte emoji;
# escape pairs ([ ] { } €) and surrogate pairs at part boundaries.
_ALPHABET = [*list("abc xyz09@$[]{}~\\|^€ΔΩéüÄ\n"), "Ж", "中", "😀", "👍", "\U0001f3fd"]
texts = st.text(alphabet=st.sampled_from(_ALPHABET), max_size=500)


def _septets(text: str, mode: str) -> list[int]:
    units = [s.units for s in smscodec.split(text)]
    return [sum(units)] if mode == "payload" else units


@settings(max_examples=60, deadline=None)
@given(text=texts, mode=st.sampled_from(["udh", "sar", "payload"]), packed=st.booleans())
def test_round_trip_through_the_reassembler(text: str, mode: str, packed: bool) -> None:
    packing = "packed" if packed else "unpacked"
    fields = submit_sm_fields(text, mode=mode, gsm7_packing=packing)  # type: ignore[arg-type]
    counts = _septets(text, mode)
    assert len(fields) == len(counts)
    parts = [
        _deliver(sm, packed=packed, septets=count if packed and sm.data_coding == 0 else None)
        for sm, count in zip(fields, counts, strict=True)
    ]
    assert "".join(p.text or "" for p in parts) == text
    if len(parts) > 1:
        assert _reassemble(parts).text == text
        assert {p.concat.total for p in parts if p.concat} == {len(parts)}


@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=st.sampled_from([c for c in _ALPHABET if c != "@"]), max_size=400))
def test_packed_round_trip_without_the_septet_count(text: str) -> None:
    for mode in ("udh", "sar", "payload"):
        fields = submit_sm_fields(text, mode=mode, gsm7_packing="packed")  # type: ignore[arg-type]
        assert "".join(_deliver(sm, packed=True).text or "" for sm in fields) == text


@settings(max_examples=200, deadline=None)
@given(
    data_coding=st.integers(0, 255),
    esm_class=st.sampled_from([0, 0x40, 0x44, 0xFF]),
    short_message=st.binary(max_size=254),
    packed=st.booleans(),
)
def test_parse_deliver_sm_raises_only_our_errors(
    data_coding: int, esm_class: int, short_message: bytes, packed: bool
) -> None:
    try:
        result = parse_deliver_sm(
            data_coding=data_coding, esm_class=esm_class, short_message=short_message, packed=packed
        )
    except SmsCodecError:
        return
    assert (result.text is None) != (result.data is None)
    assert result.udh == short_message[: len(result.udh)]


# --- python-smpplib interoperability --------------------------------------------------------


def _smpplib_submit(sm: SubmitSm, sequence: int) -> bytes:
    pdu = smpplib.smpp.make_pdu(
        "submit_sm",
        sequence=sequence,
        source_addr_ton=smpplib.consts.SMPP_TON_INTL,
        source_addr=SOURCE,
        dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
        destination_addr=DEST,
        **sm.fields(),
    )
    pdu.sequence = sequence  # the keyword is ignored once the dummy client has a number
    return bytes(pdu.generate())


def _smpplib_parse(wire: bytes) -> smpplib.command.Command:
    # Any sequence keyword spares smpplib's dummy client a number; parse() then reads the
    # PDU's own from its header.
    pdu = smpplib.smpp.parse_pdu(wire, sequence=0)
    assert pdu.sequence == struct.unpack(">L", wire[12:16])[0]
    return pdu


@pytest.mark.parametrize("mode", ["udh", "sar", "payload"])
@pytest.mark.parametrize("packing", ["unpacked", "packed"])
@pytest.mark.parametrize("text", ["x" * 161, "Hello [world] €uro " * 12, "Привет, мир! 😀" * 8, "short"])
def test_smpplib_submit_sm_round_trip(mode: str, packing: str, text: str) -> None:
    fields = submit_sm_fields(text, mode=mode, gsm7_packing=packing, reference=0x2A)  # type: ignore[arg-type]
    parts = []
    for sequence, sm in enumerate(fields, 1):
        wire = _smpplib_submit(sm, sequence)
        # SMPP 3.4 §3.2: command_length, command_id (submit_sm 0x00000004), status, sequence.
        assert struct.unpack(">LLLL", wire[:16]) == (len(wire), 0x00000004, 0, sequence)
        back = _smpplib_parse(wire)
        assert back.command == "submit_sm"
        assert back.source_addr == SOURCE.encode()
        assert back.destination_addr == DEST.encode()
        assert (back.data_coding, back.esm_class) == (sm.data_coding, sm.esm_class)
        assert (back.short_message or b"") == sm.short_message
        assert back.sm_length == len(sm.short_message)
        assert (back.sar_msg_ref_num, back.sar_total_segments, back.sar_segment_seqnum) == (
            sm.sar_msg_ref_num,
            sm.sar_total_segments,
            sm.sar_segment_seqnum,
        )
        assert back.message_payload == sm.message_payload
        parts.append(
            parse_deliver_sm(
                data_coding=back.data_coding,
                esm_class=back.esm_class,
                short_message=back.short_message or b"",
                message_payload=back.message_payload,
                packed=packing == "packed",
                sar_msg_ref_num=back.sar_msg_ref_num,
                sar_total_segments=back.sar_total_segments,
                sar_segment_seqnum=back.sar_segment_seqnum,
            )
        )
    joined = (
        _reassemble(parts)
        if len(parts) > 1
        else parts[0].to_inbound(source_addr=SOURCE, destination_addr=DEST)
    )
    assert joined.text == text
    if mode == "sar" and len(parts) > 1:
        assert [p.concat for p in parts] == [
            udh.Concat(0x2A, len(parts), i, 16) for i in range(1, len(parts) + 1)
        ]


def test_exact_submit_sm_pdu_octets() -> None:
    # SMPP 3.4 §4.4.1 body, field by field, for the second part of a 161-character text.
    (_, second) = submit_sm_fields("x" * 161, reference=0x42)
    wire = _smpplib_submit(second, 5)
    expected = (
        b"\x00"  # service_type ""
        + b"\x01\x00"
        + SOURCE.encode()
        + b"\x00"  # source_addr_ton, source_addr_npi, source_addr
        + b"\x01\x00"
        + DEST.encode()
        + b"\x00"  # dest_addr_ton, dest_addr_npi, destination_addr
        + b"\x40"  # esm_class: UDHI
        + b"\x00\x00"  # protocol_id, priority_flag
        + b"\x00\x00"  # schedule_delivery_time "", validity_period ""
        + b"\x00\x00"  # registered_delivery, replace_if_present_flag
        + b"\x00"  # data_coding: SMSC default alphabet
        + b"\x00"  # sm_default_msg_id
        + b"\x0e"  # sm_length 14
        + bytes.fromhex("050003420202")
        + b"x" * 8
    )
    assert wire[16:] == expected
    assert wire[:16] == struct.pack(">LLLL", 16 + len(expected), 4, 0, 5)


def test_smpplib_sar_tlv_octets() -> None:
    (first, _) = submit_sm_fields("x" * 161, reference=0x42, mode="sar")
    wire = _smpplib_submit(first, 1)
    # SMPP 3.4 §5.3.2.22-24: tags 0x020C (2 octets), 0x020E (1), 0x020F (1).
    assert wire.endswith(bytes.fromhex("020C00020042020E000102020F000101"))
    (one,) = submit_sm_fields("x" * 300, mode="payload")
    wire = _smpplib_submit(one, 2)
    # §5.3.2.32: tag 0x0424, 16-bit length, then the message; sm_length 0.
    assert wire.endswith(bytes.fromhex("0424012C") + b"x" * 300)


def test_smpplib_deliver_sm_is_read() -> None:
    text = "Grüße aus Köln – Жук " * 6
    chunks, coding, esm_class = smpplib.gsm.make_parts(text)  # UCS2, 8-bit references
    parts = []
    for sequence, chunk in enumerate(chunks, 1):
        pdu = smpplib.smpp.make_pdu(
            "deliver_sm",
            sequence=sequence,
            source_addr=SOURCE,
            destination_addr=DEST,
            esm_class=esm_class,
            data_coding=coding,
            short_message=chunk,
        )
        back = _smpplib_parse(bytes(pdu.generate()))
        assert back.command == "deliver_sm"
        parts.append(
            parse_deliver_sm(
                data_coding=back.data_coding, esm_class=back.esm_class, short_message=back.short_message
            )
        )
    assert {p.charset for p in parts} == {"ucs2"}
    assert [p.concat.sequence for p in parts if p.concat] == list(range(1, len(chunks) + 1))
    assert _reassemble(parts).text == text


def test_module_is_lazy_attribute() -> None:
    assert smscodec.smpp is smpp
