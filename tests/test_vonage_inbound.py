"""Inbound messages: text, unicode (percent-encoded), binary (hex data and header), concat, bad input."""

from __future__ import annotations

import contextlib
import json
import pickle
import urllib.parse
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import load_vector
from smscodec import udh
from smscodec.errors import WebhookError
from smscodec.vonage import _wire
from smscodec.vonage.inbound import ConcatInfo, InboundMessage, InboundType, parse_inbound

# A real inbound webhook as captured in a Nexmo developer's gist (form body, POST).
GIST_FORM = (
    "keyword=HELLO%21&message-timestamp=2016-08-14+10%3A13%3A54&messageId=030000000926C4C2"
    "&msisdn=447700900001&text=Hello%21&to=447700900000&type=text"
)

# The inbound example of the SMS API reference (OpenAPI "InboundMessage" examples), as JSON.
REFERENCE_JSON = {
    "api-key": "abcd1234",
    "msisdn": "447700900001",
    "to": "447700900000",
    "messageId": "0A0000000123ABCD1",
    "text": "Hello world",
    "type": "text",
    "keyword": "HELLO",
    "message-timestamp": "2020-01-01 12:00:00",
    "timestamp": "1578787200",
    "nonce": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
    "concat": "true",
    "concat-ref": "1",
    "concat-total": "3",
    "concat-part": "2",
}


def published_vector() -> dict[str, str]:
    (vector,) = [
        v for v in load_vector("vonage_signatures.json")["vectors"] if v["name"] == "published_inbound_vector"
    ]
    return dict(vector["params"])


def test_gist_form_body() -> None:
    for body in (GIST_FORM, GIST_FORM.encode(), "?" + GIST_FORM):
        message = parse_inbound(body)
        assert message.msisdn == "447700900001"
        assert message.to == "447700900000"
        assert message.message_id == "030000000926C4C2"
        assert message.type is InboundType.TEXT
        assert message.text == "Hello!"
        assert message.keyword == "HELLO!"
        assert message.message_timestamp == datetime(2016, 8, 14, 10, 13, 54, tzinfo=timezone.utc)
        assert message.concat is None
        assert not message.is_part
        assert message.data is None
        assert message.udh is None
        assert message.udh_elements == ()
        assert message.body == "Hello!"
        assert (message.api_key, message.timestamp, message.nonce, message.sig) == (None, None, None, None)


def test_reference_example_as_json_form_and_mapping() -> None:
    expected = InboundMessage(
        msisdn="447700900001",
        to="447700900000",
        message_id="0A0000000123ABCD1",
        type=InboundType.TEXT,
        text="Hello world",
        keyword="HELLO",
        message_timestamp=datetime(2020, 1, 1, 12, 0, tzinfo=timezone.utc),
        api_key="abcd1234",
        timestamp=1578787200,
        nonce="aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
        concat=ConcatInfo(reference="1", total=3, part=2),
    )
    assert parse_inbound(json.dumps(REFERENCE_JSON)) == expected
    assert parse_inbound(json.dumps(REFERENCE_JSON).encode()) == expected
    assert parse_inbound(urllib.parse.urlencode(REFERENCE_JSON)) == expected
    assert parse_inbound(REFERENCE_JSON) == expected
    assert parse_inbound(urllib.parse.parse_qs(urllib.parse.urlencode(REFERENCE_JSON))) == expected
    assert expected.is_part


def test_published_signature_vector_as_get_query() -> None:
    query = urllib.parse.urlencode(published_vector())
    message = parse_inbound(query)
    assert message.text == "Test again"
    assert message.message_id == "020000001B0FE827"
    assert message.msisdn == "14843472194"
    assert message.to == "13239877404"
    assert message.timestamp == 1385047698
    assert message.message_timestamp == datetime(2013, 11, 21, 15, 27, 30, tzinfo=timezone.utc)


# "Привет, мир! 😀 €uro ñ" (the shared vectors' unicode text) percent-encoded as UTF-8, by hand:
# П D0 9F, р D1 80, и D0 B8, в D0 B2, е D0 B5, т D1 82, м D0 BC, 😀 F0 9F 98 80, € E2 82 AC, ñ C3 B1.
UNICODE_FORM = (
    "msisdn=447700900001&to=447700900000&messageId=0B0000001&type=unicode&keyword=%D0%9F%D0%A0%D0%98%D0%92%D0%95%D0%A2%2C"
    "&text=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%2C+%D0%BC%D0%B8%D1%80%21+%F0%9F%98%80+%E2%82%ACuro+%C3%B1"
    "&message-timestamp=2024-02-29+23%3A59%3A59"
)


def test_unicode_text_is_percent_decoded_once() -> None:
    message = parse_inbound(UNICODE_FORM)
    assert message.type is InboundType.UNICODE
    assert message.text == "Привет, мир! 😀 €uro ñ"
    assert message.keyword == "ПРИВЕТ,"
    assert message.message_timestamp == datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone.utc)
    # A literal percent sign that was itself encoded stays a percent sign: no double decoding.
    assert parse_inbound("msisdn=1&to=2&messageId=3&type=text&text=100%25+sure+%2541").text == "100% sure %41"
    # The same message in a JSON body carries the text unescaped.
    as_json = json.dumps(dict(urllib.parse.parse_qsl(UNICODE_FORM)), ensure_ascii=False).encode()
    assert parse_inbound(as_json) == message


def test_binary_with_port_addressing_header() -> None:
    # WAP push: 16-bit port addressing (IEI 0x05), destination 2948, source 9200 (TS 23.040 §9.2.3.24.4).
    query = (
        "msisdn=447700900001&to=447700900000&messageId=0C01&type=binary"
        "&data=01060403ae81ea&udh=0605040B8423F0"
    )
    message = parse_inbound(query)
    assert message.type is InboundType.BINARY
    assert message.data == bytes([0x01, 0x06, 0x04, 0x03, 0xAE, 0x81, 0xEA])
    assert message.udh == bytes([0x06, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0])
    assert message.body == message.data
    assert message.text is None
    (element,) = message.udh_elements
    assert element.iei == 0x05
    assert element.data == bytes([0x0B, 0x84, 0x23, 0xF0])
    assert message.concat is None
    # Upper-case hex gives the same bytes.
    assert parse_inbound(query.replace("ae81ea", "AE81EA").replace("0B84", "0b84")) == message


def test_binary_without_header_and_with_concat_header() -> None:
    plain = parse_inbound("msisdn=1&to=2&messageId=3&type=binary&data=CAFE")
    assert (plain.data, plain.udh, plain.udh_elements, plain.concat) == (b"\xca\xfe", b"", (), None)
    # 8-bit concatenation element (IEI 0x00): reference 0xCC, 2 parts, this is part 1.
    part = parse_inbound("msisdn=1&to=2&messageId=3&type=binary&data=00&udh=050003CC0201")
    assert part.concat == ConcatInfo(reference="204", total=2, part=1)
    (element,) = part.udh_elements
    assert (element.iei, element.data) == (0x00, bytes([0xCC, 0x02, 0x01]))
    # 16-bit reference (IEI 0x08): 0x1234.
    wide = parse_inbound("msisdn=1&to=2&messageId=3&type=binary&data=00&udh=06080412340302")
    assert wide.concat == ConcatInfo(reference="4660", total=3, part=2)
    # Vonage's own concat fields take precedence over the header's.
    both = parse_inbound(
        "msisdn=1&to=2&messageId=3&type=binary&data=00&udh=050003CC0201&concat=true&concat-ref=08B5&concat-total=2&concat-part=1"
    )
    assert both.concat == ConcatInfo(reference="08B5", total=2, part=1)


def test_concat_reference_is_kept_as_sent() -> None:
    fields = {**REFERENCE_JSON, "concat-ref": "08B5"}
    assert parse_inbound(fields).concat == ConcatInfo(reference="08B5", total=3, part=2)
    assert parse_inbound({**REFERENCE_JSON, "concat-ref": "007"}).concat.reference == "007"  # type: ignore[union-attr]
    # concat=false (or absent) with no concat fields: a whole message.
    whole = {k: v for k, v in REFERENCE_JSON.items() if not k.startswith("concat")}
    assert parse_inbound({**whole, "concat": "false"}).concat is None
    assert parse_inbound(
        {**whole, "concat": "TRUE", "concat-ref": "9", "concat-total": "1", "concat-part": "1"}
    ).concat == (ConcatInfo(reference="9", total=1, part=1))


# --- bad input ---

TEXT = {"msisdn": "447700900001", "to": "447700900000", "messageId": "0A01", "type": "text", "text": "hi"}
BINARY = {"msisdn": "447700900001", "to": "447700900000", "messageId": "0A01", "type": "binary", "data": "00"}


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({k: v for k, v in TEXT.items() if k != "msisdn"}, "msisdn", "required field 'msisdn' is missing"),
        ({k: v for k, v in TEXT.items() if k != "to"}, "to", "required field 'to' is missing"),
        ({k: v for k, v in TEXT.items() if k != "messageId"}, "messageId", "'messageId' is missing"),
        ({**BINARY, "data": "0G"}, "data", "not hex"),
        ({**BINARY, "data": "ABC"}, "data", "not hex"),
        ({**BINARY, "data": "0x00"}, "data", "not hex"),
        ({**BINARY, "udh": "05 00 03"}, "udh", "not hex"),
        ({**BINARY, "udh": "0500"}, "udh", "not a valid user data header"),
        ({**BINARY, "udh": "050003CC0001"}, "udh", "not a valid user data header"),
        ({**BINARY, "udh": "050003CC0203"}, "udh", "not a valid user data header"),
        ({**BINARY, "udh": "050003CC020100"}, "udh", "announces 6"),
        ({**TEXT, "concat": "yes"}, "concat", "expected 'true' or 'false'"),
        ({**TEXT, "concat": "true"}, "concat-ref", "'concat-ref' is missing"),
        ({**TEXT, "concat-ref": "1", "concat-part": "1"}, "concat-total", "'concat-total' is missing"),
        ({**TEXT, "concat-ref": "1", "concat-total": "2"}, "concat-part", "'concat-part' is missing"),
        (
            {**TEXT, "concat-ref": "1", "concat-total": "2", "concat-part": "3"},
            "concat-part",
            "expected 1 to concat-total",
        ),
        (
            {**TEXT, "concat-ref": "1", "concat-total": "2", "concat-part": "0"},
            "concat-part",
            "expected 1 to",
        ),
        (
            {**TEXT, "concat-ref": "1", "concat-total": "0", "concat-part": "1"},
            "concat-total",
            "expected 1 to 255",
        ),
        (
            {**TEXT, "concat-ref": "1", "concat-total": "256", "concat-part": "1"},
            "concat-total",
            "expected 1 to 255",
        ),
        (
            {**TEXT, "concat-ref": "1", "concat-total": "two", "concat-part": "1"},
            "concat-total",
            "whole number",
        ),
        (
            {**TEXT, "concat-ref": "1", "concat-total": "2", "concat-part": "-1"},
            "concat-part",
            "whole number",
        ),
    ],
)
def test_bad_fields(fields: dict[str, str], field: str, expected: str) -> None:
    with pytest.raises(WebhookError, match=expected) as info:
        parse_inbound(fields)
    assert info.value.field == field
    # The same through a form body and a JSON body.
    for body in (urllib.parse.urlencode(fields), json.dumps(fields)):
        with pytest.raises(WebhookError) as info:
            parse_inbound(body)
        assert info.value.field == field


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({**TEXT, "message-timestamp": "2016-13-14 10:13:54"}, "message-timestamp", "not a real date"),
        ({**TEXT, "message-timestamp": "1385047698"}, "message-timestamp", "YYYY-MM-DD HH:MM:SS"),
        ({**TEXT, "timestamp": "2016-08-14"}, "timestamp", "whole number"),
    ],
)
def test_malformed_optional_fields_are_none_not_errors(
    fields: dict[str, str], field: str, expected: str
) -> None:
    # The reader still refuses the value, naming the field...
    reader = _wire.parse_message_timestamp if field == "message-timestamp" else _wire.parse_unix_timestamp
    with pytest.raises(WebhookError, match=expected) as info:
        reader(fields[field], field)
    assert info.value.field == field
    # ...but the message is not lost for it (issue 14), in any input form.
    for body in (fields, urllib.parse.urlencode(fields), json.dumps(fields)):
        message = parse_inbound(body)
        assert getattr(message, field.replace("-", "_")) is None
        assert message.unreadable == (field,)
        assert message.raw[field] == fields[field]
        assert (message.text, message.message_id) == ("hi", "0A01")


def test_reference_example_with_an_empty_object_timestamp() -> None:
    # The SMS API reference's own inbound example has "message-timestamp": {}.
    body = {**REFERENCE_JSON, "message-timestamp": {}}
    for data in (json.dumps(body), json.dumps(body).encode(), body):
        message = parse_inbound(data)  # type: ignore[arg-type]
        assert message.message_timestamp is None
        assert message.unreadable == ("message-timestamp",)
        assert message.raw["message-timestamp"] == "{}"
        assert message.raw.nested == {"message-timestamp"}
        assert message.text == "Hello world"
        assert message.concat == ConcatInfo(reference="1", total=3, part=2)


@pytest.mark.parametrize(
    ("fields", "kind", "text", "data", "udh"),
    [
        ({k: v for k, v in TEXT.items() if k != "type"}, InboundType.UNKNOWN, "hi", None, None),
        ({**TEXT, "type": "wappush"}, InboundType.UNKNOWN, "hi", None, None),
        ({**TEXT, "type": ""}, InboundType.UNKNOWN, "hi", None, None),
        ({**TEXT, "type": "TEXT"}, InboundType.TEXT, "hi", None, None),
        ({k: v for k, v in TEXT.items() if k != "text"}, InboundType.TEXT, None, None, None),
        ({**TEXT, "text": ""}, InboundType.TEXT, "", None, None),
        ({k: v for k, v in BINARY.items() if k != "data"}, InboundType.BINARY, None, None, b""),
        (
            {**BINARY, "data": "", "udh": "0605040B8423F0"},
            InboundType.BINARY,
            None,
            b"",
            bytes.fromhex("0605040B8423F0"),
        ),
        # data and udh on a text message are kept, not dropped.
        (
            {**TEXT, "data": "CAFE", "udh": "0605040B8423F0"},
            InboundType.TEXT,
            "hi",
            b"\xca\xfe",
            bytes.fromhex("0605040B8423F0"),
        ),
        ({**TEXT, "type": "wappush", "data": "00"}, InboundType.UNKNOWN, "hi", b"\x00", None),
    ],
)
def test_only_identity_fields_are_required(
    fields: dict[str, str], kind: InboundType, text: str | None, data: bytes | None, udh: bytes | None
) -> None:
    for body in (fields, urllib.parse.urlencode(fields), json.dumps(fields)):
        message = parse_inbound(body)
        assert (message.type, message.text, message.data, message.udh) == (kind, text, data, udh)
        assert dict(message.raw) == fields
        assert message.unreadable == ()
    for name in ("msisdn", "to", "messageId"):
        with pytest.raises(WebhookError, match=f"required field '{name}'") as info:
            parse_inbound({k: v for k, v in fields.items() if k != name})
        assert info.value.field == name


def test_header_of_a_text_message_gives_concat_too() -> None:
    message = parse_inbound({**TEXT, "udh": "050003CC0201"})
    assert message.concat == ConcatInfo(reference="204", total=2, part=1)
    assert message.is_part


def test_header_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    real = udh.parse

    def counting(data: bytes) -> list[udh.InformationElement]:
        calls.append(data)
        return real(data)

    monkeypatch.setattr(udh, "parse", counting)
    message = parse_inbound({**BINARY, "udh": "0B0504158200000003CC0201"})
    assert message.concat == ConcatInfo(reference="204", total=2, part=1)
    assert [e.iei for e in message.udh_elements] == [0x05, 0x00]
    assert message.udh_elements is message.udh_elements
    assert len(calls) == 1


@pytest.mark.parametrize("shape", ["mapping", "query", "form-bytes", "json", "parse_qs"])
def test_merged_concat_fields_are_refused(shape: str) -> None:
    # The forgery: the concat fields folded into one key.  Refused by the reader in
    # every input form, so part 1 of a long message can never come back as a whole one.
    fields = {k: v for k, v in REFERENCE_JSON.items() if not k.startswith("concat")}
    fields["concat=true&concat-part=1&concat-ref=ab&concat-total"] = "2"
    body: object = {
        "mapping": fields,
        "query": urllib.parse.urlencode(fields),
        "form-bytes": urllib.parse.urlencode(fields).encode(),
        "json": json.dumps(fields),
        "parse_qs": urllib.parse.parse_qs(urllib.parse.urlencode(fields)),
    }[shape]
    with pytest.raises(WebhookError, match="name holding '&' or '='") as info:
        parse_inbound(body)  # type: ignore[arg-type]
    assert info.value.field is None
    assert "concat-total" not in str(info.value)  # the name is not quoted


@pytest.mark.parametrize("name", ["", "a=b", "a&b", "=", "\x00x", "to\n", "\x7f", "\x85"])
def test_names_vonage_never_sends_are_refused(name: str) -> None:
    fields = {**TEXT, name: "v"}
    with pytest.raises(WebhookError, match="name") as info:
        parse_inbound(fields)
    assert info.value.field is None
    with pytest.raises(WebhookError, match="name"):
        parse_inbound(json.dumps(fields))


def test_concat_group_stays_strict() -> None:
    # None would mean "a whole message": a malformed concat group is an error naming the field.
    for fields, field in (
        ({**TEXT, "concat": {"x": 1}}, "concat"),
        ({**TEXT, "concat-ref": {}, "concat-total": "2", "concat-part": "1"}, "concat-ref"),
        ({**TEXT, "concat-ref": "1", "concat-total": "2", "concat-part": [1, 2]}, "concat-part"),
        ({**BINARY, "data": {}}, "data"),
        ({**BINARY, "udh": []}, "udh"),
    ):
        with pytest.raises(WebhookError) as info:
            parse_inbound(json.dumps(fields))
        assert info.value.field == field


def test_raw_and_repr() -> None:
    signed = {
        **TEXT,
        "timestamp": "1700000000",
        "nonce": "n",
        "sig": "0123456789ABCDEF" * 4,
        "api_secret": "hunter2",
    }
    message = parse_inbound(signed)
    assert dict(message.raw) == signed
    assert message.extra == (("api_secret", "hunter2"),)
    for text in (repr(message), repr(message.raw)):
        assert "0123456789ABCDEF" not in text
        assert "hunter2" not in text
    assert "unreadable=()" in repr(message)
    # Not compared: a message built by hand equals the parsed one.
    assert message == InboundMessage(
        msisdn=TEXT["msisdn"],
        to=TEXT["to"],
        message_id="0A01",
        type=InboundType.TEXT,
        text="hi",
        timestamp=1_700_000_000,
        nonce="n",
        sig=signed["sig"],
        extra=(("api_secret", "hunter2"),),
    )
    again = pickle.loads(pickle.dumps(message))
    assert again == message
    assert again.raw == message.raw
    assert again.udh_elements == ()


def test_oversized_and_unreadable_bodies() -> None:
    with pytest.raises(WebhookError, match="65536-byte limit") as info:
        parse_inbound(urllib.parse.urlencode({**TEXT, "text": "x" * 65_536}))
    assert info.value.field is None
    with pytest.raises(WebhookError, match="not valid UTF-8"):
        parse_inbound(b"msisdn=1&to=2&messageId=3&type=text&text=\xc3")
    with pytest.raises(WebhookError, match="not valid UTF-8"):
        parse_inbound("msisdn=1&to=2&messageId=3&type=text&text=%C3")
    with pytest.raises(TypeError):
        parse_inbound(123)  # type: ignore[arg-type]


def test_constructor_checks() -> None:
    # Only identity is required (issue 14): text, data and udh are whatever was sent.
    assert InboundMessage(msisdn="1", to="2", message_id="3", type=InboundType.TEXT).text is None
    bare = InboundMessage(msisdn="1", to="2", message_id="3", type="binary")  # type: ignore[arg-type]
    assert (bare.data, bare.udh) == (None, b"")
    kept = InboundMessage(msisdn="1", to="2", message_id="3", type=InboundType.TEXT, text="x", data=b"x")
    assert kept.data == b"x"
    assert kept.body == "x"
    assert InboundMessage(msisdn="1", to="2", message_id="3", type="fax").type is InboundType.UNKNOWN  # type: ignore[arg-type]
    with pytest.raises(WebhookError) as info:
        InboundMessage(msisdn="", to="2", message_id="3", type=InboundType.TEXT)
    assert info.value.field == "msisdn"
    with pytest.raises(TypeError, match="unreadable"):
        InboundMessage(msisdn="1", to="2", message_id="3", type=InboundType.TEXT, unreadable="timestamp")  # type: ignore[arg-type]
    with pytest.raises(WebhookError) as info:
        InboundMessage(msisdn="1", to="2", message_id="3", type=InboundType.BINARY, data=b"", udh=b"\x05\x00")
    assert info.value.field == "udh"
    with pytest.raises(TypeError, match="data must be bytes"):
        InboundMessage(msisdn="1", to="2", message_id="3", type=InboundType.BINARY, data="00")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="concat must be ConcatInfo"):
        InboundMessage(msisdn="1", to="2", message_id="3", type="text", text="", concat=(1, 2, 3))  # type: ignore[arg-type]
    message = InboundMessage(msisdn="1", to="2", message_id="3", type="UNICODE", text="")  # type: ignore[arg-type]
    assert message.type is InboundType.UNICODE
    binary = InboundMessage(msisdn="1", to="2", message_id="3", type=InboundType.BINARY, data=b"")
    assert binary.udh == b""
    with pytest.raises(TypeError):
        ConcatInfo(reference=1, total=2, part=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ConcatInfo(reference="1", total=True, part=1)
    with pytest.raises(WebhookError) as info:
        ConcatInfo(reference="", total=2, part=1)
    assert info.value.field == "concat-ref"


def test_inbound_type_words() -> None:
    assert InboundType("binary") is InboundType.BINARY
    assert str(InboundType.UNICODE) == "unicode"
    assert [t.value for t in InboundType] == ["text", "unicode", "binary", "unknown"]


# --- fuzzing ---

WIRE_NAMES = sorted(
    {"api-key", "msisdn", "to", "messageId", "text", "type", "keyword", "message-timestamp", "timestamp"}
    | {"nonce", "sig", "concat", "concat-ref", "concat-total", "concat-part", "data", "udh"}
)
PLAUSIBLE = st.one_of(
    st.sampled_from(["text", "unicode", "binary", "true", "false", "", "0", "1", "2", "255", "256"]),
    st.from_regex(r"([0-9A-Fa-f]{2}){0,8}", fullmatch=True),
    st.binary(max_size=12).map(lambda b: bytes([len(b)]).hex() + b.hex()),  # header-shaped hex
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}", fullmatch=True),
    st.text(max_size=20),
)


@given(st.dictionaries(st.sampled_from(WIRE_NAMES), PLAUSIBLE))
def test_fuzz_plausible_fields(data: dict[str, str]) -> None:
    try:
        message = parse_inbound(data)
    except WebhookError as exc:
        error: WebhookError | None = exc
    else:
        error = None
        assert message.message_id == data["messageId"]
        if message.concat is not None:
            assert 1 <= message.concat.part <= message.concat.total <= 255
        if message.type is InboundType.BINARY:
            assert isinstance(message.data, bytes)
            assert isinstance(message.udh_elements, tuple)
    if error is not None:
        # Only identity and what the message *is* (payload, header, concat group) refuse it.
        assert error.field in STRICT, error
    else:
        assert dict(message.raw) == data
        assert set(message.unreadable) <= {"message-timestamp", "timestamp"}


STRICT = {"msisdn", "to", "messageId", "data", "udh", "concat", "concat-ref", "concat-total", "concat-part"}


@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_fuzz_raw_bodies(body: str | bytes) -> None:
    with contextlib.suppress(WebhookError):
        parse_inbound(body)


@given(st.dictionaries(st.sampled_from(WIRE_NAMES), PLAUSIBLE, min_size=1).map(urllib.parse.urlencode))
def test_fuzz_form_bodies(body: str) -> None:
    with contextlib.suppress(WebhookError):
        parse_inbound(body)
