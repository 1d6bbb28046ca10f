"""The data coding scheme octet (smscodec.dcs): exact values of TS 23.038 §4, every octet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec import ArgumentError, DecodeError, dcs
from smscodec.dcs import DataCoding, MessageWaiting

# TS 23.038 §4, coding groups 00xx/01xx (general data coding): bit 5 compressed, bit 4
# "bits 1-0 are a class", bits 3-2 the alphabet (00 GSM-7, 01 8-bit, 10 UCS2), bits 1-0
# the class; 01xx is the same, marked for automatic deletion.
GENERAL = [
    (0x00, DataCoding(alphabet="gsm7")),
    (0x04, DataCoding(alphabet="8bit")),
    (0x08, DataCoding(alphabet="ucs2")),
    (0x10, DataCoding(alphabet="gsm7", message_class=0)),
    (0x11, DataCoding(alphabet="gsm7", message_class=1)),
    (0x12, DataCoding(alphabet="gsm7", message_class=2)),
    (0x13, DataCoding(alphabet="gsm7", message_class=3)),
    (0x16, DataCoding(alphabet="8bit", message_class=2)),
    (0x19, DataCoding(alphabet="ucs2", message_class=1)),
    (0x20, DataCoding(alphabet="gsm7", compressed=True)),
    (0x30, DataCoding(alphabet="gsm7", message_class=0, compressed=True)),
    (0x28, DataCoding(alphabet="ucs2", compressed=True)),
    (0x40, DataCoding(alphabet="gsm7", auto_delete=True)),
    (0x48, DataCoding(alphabet="ucs2", auto_delete=True)),
    (0x54, DataCoding(alphabet="8bit", message_class=0, auto_delete=True)),
    (0x7B, DataCoding(alphabet="ucs2", message_class=3, compressed=True, auto_delete=True)),
]

# 1100 discard (GSM-7), 1101 store (GSM-7), 1110 store (UCS2): bit 3 the sense (1
# active), bit 2 reserved, bits 1-0 voicemail / fax / e-mail / other.
WAITING = [
    (0xC0, "gsm7", MessageWaiting(active=False, indication="voicemail", store=False)),
    (0xC8, "gsm7", MessageWaiting(active=True, indication="voicemail", store=False)),
    (0xCB, "gsm7", MessageWaiting(active=True, indication="other", store=False)),
    (0xD1, "gsm7", MessageWaiting(active=False, indication="fax")),
    (0xD8, "gsm7", MessageWaiting(active=True, indication="voicemail")),
    (0xDA, "gsm7", MessageWaiting(active=True, indication="email")),
    (0xE0, "ucs2", MessageWaiting(active=False, indication="voicemail")),
    (0xE9, "ucs2", MessageWaiting(active=True, indication="fax")),
    (0xEB, "ucs2", MessageWaiting(active=True, indication="other")),
]

# 1111: bit 3 reserved, bit 2 the alphabet (0 GSM-7, 1 8-bit data), bits 1-0 the class.
CLASS_GROUP = [
    (0xF0, "gsm7", 0),
    (0xF1, "gsm7", 1),
    (0xF2, "gsm7", 2),
    (0xF3, "gsm7", 3),
    (0xF4, "8bit", 0),
    (0xF5, "8bit", 1),
    (0xF6, "8bit", 2),  # (U)SIM data download, TS 31.111
    (0xF7, "8bit", 3),
]


@pytest.mark.parametrize(("octet", "expected"), GENERAL)
def test_general_data_coding_group(octet: int, expected: DataCoding) -> None:
    assert dcs.parse(octet) == expected
    assert expected.group == "general"
    assert expected.to_octet() == octet
    assert (
        dcs.build(
            alphabet=expected.alphabet,
            message_class=expected.message_class,
            compressed=expected.compressed,
            auto_delete=expected.auto_delete,
        )
        == octet
    )


@pytest.mark.parametrize(("octet", "alphabet", "waiting"), WAITING)
def test_message_waiting_groups(octet: int, alphabet: str, waiting: MessageWaiting) -> None:
    parsed = dcs.parse(octet)
    assert (parsed.group, parsed.alphabet, parsed.waiting, parsed.message_class) == (
        "message_waiting",
        alphabet,
        waiting,
        None,
    )
    assert dcs.build(alphabet=alphabet, waiting=waiting) == octet  # type: ignore[arg-type]


@pytest.mark.parametrize(("octet", "alphabet", "message_class"), CLASS_GROUP)
def test_data_coding_message_class_group(octet: int, alphabet: str, message_class: int) -> None:
    parsed = dcs.parse(octet)
    assert (parsed.group, parsed.alphabet, parsed.message_class, parsed.compressed) == (
        "message_class",
        alphabet,
        message_class,
        False,
    )
    assert dcs.build(alphabet=alphabet, message_class=message_class, group="message_class") == octet  # type: ignore[arg-type]


def test_constants() -> None:
    assert (dcs.GSM7, dcs.DATA_8BIT, dcs.UCS2) == (0x00, 0x04, 0x08)


@pytest.mark.parametrize(
    ("octet", "why"),
    [
        (0x80, "reserved groups"),
        (0x9F, "reserved groups"),
        (0xBF, "reserved groups"),
        (0x0C, "alphabet"),  # bits 3-2 = 11
        (0x1F, "alphabet"),
        (0x01, "bits 1-0"),  # bit 4 is 0: no class, the class bits must be 0
        (0x0B, "bits 1-0"),
        (0xC4, "bit 2"),  # message waiting: bit 2 reserved
        (0xEC, "bit 2"),
        (0xF8, "bit 3"),  # 1111: bit 3 reserved
    ],
)
def test_reserved_codings(octet: int, why: str) -> None:
    with pytest.raises(DecodeError, match=why) as info:
        dcs.parse(octet)
    assert f"0x{octet:02X}" in str(info.value)
    assert info.value.position == 0
    # TS 23.038 §4: a receiver reads any reserved coding as the GSM 7-bit default alphabet.
    lenient = dcs.parse(octet, strict=False)
    assert lenient.reserved
    assert lenient.alphabet in ("gsm7", "ucs2", "8bit")


def test_every_octet() -> None:
    valid = []
    for octet in range(256):
        lenient = dcs.parse(octet, strict=False)
        try:
            strict = dcs.parse(octet)
        except DecodeError:
            assert lenient.reserved
            continue
        assert strict == lenient
        assert not strict.reserved
        assert strict.to_octet() == octet
        valid.append(octet)
    # 00xx/01xx: 96 octets with a defined alphabet, 48 of them with bit 4 (all 4 classes)
    # and 12 without it (bits 1-0 zero); 1100-1110: 24 with bit 2 zero; 1111: 8 with bit 3 zero.
    assert len(valid) == 48 + 12 + 24 + 8
    assert not any(0x80 <= v <= 0xBF for v in valid)


@given(
    alphabet=st.sampled_from(["gsm7", "8bit", "ucs2"]),
    message_class=st.none() | st.integers(0, 3),
    compressed=st.booleans(),
    auto_delete=st.booleans(),
)
def test_build_parse_round_trip(
    alphabet: str, message_class: int | None, compressed: bool, auto_delete: bool
) -> None:
    octet = dcs.build(
        alphabet=alphabet,  # type: ignore[arg-type]
        message_class=message_class,
        compressed=compressed,
        auto_delete=auto_delete,
    )
    assert 0 <= octet < 0x80
    parsed = dcs.parse(octet)
    assert (parsed.alphabet, parsed.message_class, parsed.compressed, parsed.auto_delete) == (
        alphabet,
        message_class,
        compressed,
        auto_delete,
    )


def test_build_refuses_what_no_octet_carries() -> None:
    voicemail = MessageWaiting(active=True, indication="voicemail")
    cases: list[tuple[dict[str, object], str]] = [
        ({"alphabet": "ucs2", "message_class": 0, "group": "message_class"}, "alphabet"),
        ({"alphabet": "gsm7", "group": "message_class"}, "message_class"),
        ({"alphabet": "8bit", "waiting": voicemail}, "alphabet"),
        (
            {"alphabet": "ucs2", "waiting": MessageWaiting(active=True, indication="fax", store=False)},
            "alphabet",
        ),
        ({"alphabet": "gsm7", "waiting": voicemail, "message_class": 1}, "message_class"),
        ({"alphabet": "gsm7", "waiting": voicemail, "compressed": True}, "compressed"),
        (
            {"alphabet": "gsm7", "group": "message_class", "message_class": 0, "auto_delete": True},
            "auto_delete",
        ),
        ({"alphabet": "gsm7", "group": "message_waiting"}, "waiting"),
        ({"alphabet": "gsm7", "message_class": 4}, "message_class"),
        ({"alphabet": "latin1"}, "alphabet"),
    ]
    for kwargs, argument in cases:
        with pytest.raises(ArgumentError) as info:
            dcs.build(**kwargs)  # type: ignore[arg-type]
        assert info.value.argument == argument, kwargs
    with pytest.raises(ArgumentError):
        MessageWaiting(active=True, indication="sms")  # type: ignore[arg-type]


def test_parse_argument_errors() -> None:
    with pytest.raises(ArgumentError):
        dcs.parse(256)
    with pytest.raises(ArgumentError):
        dcs.parse(-1)
    with pytest.raises(TypeError):
        dcs.parse("0")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        dcs.parse(True)
    with pytest.raises(TypeError):
        dcs.parse(0, strict=1)  # type: ignore[arg-type]
