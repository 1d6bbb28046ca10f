"""build_send_payload, SmsRequest, Credentials, encode_form and basic_auth_header."""

from __future__ import annotations

import base64
import json
import urllib.parse
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import load_vector
from smscodec import (
    ArgumentError,
    PayloadError,
    SignatureError,
    decode_gsm7,
    pack_septets,
    split,
    udh,
    unpack_septets,
)
from smscodec.signing import sign, verify
from smscodec.vonage import (
    FIELDS,
    MAX_TEXT_UNITS,
    Credentials,
    SendPayload,
    SmsRequest,
    basic_auth_header,
    build_send_payload,
    encode_form,
)

BASE: dict[str, Any] = {"from": "AcmeInc", "to": "447700900000", "text": "Hello World"}
BINARY: dict[str, Any] = {
    "from": "AcmeInc",
    "to": "447700900000",
    "type": "binary",
    "body": "0011223344556677",
}


def build(**changes: Any) -> dict[str, str]:
    fields = {**BASE, **{k.replace("_", "-"): v for k, v in changes.items()}}
    return build_send_payload(fields)


def test_minimal() -> None:
    assert build_send_payload(BASE) == {
        "from": "AcmeInc",
        "to": "447700900000",
        "type": "text",
        "text": "Hello World",
    }


def test_every_field() -> None:
    payload = build_send_payload(
        {
            "pool-id": "abc123",
            "trusted-number": False,
            "content-id": "1107457532145798767",
            "entity-id": "1101456324675322134",
            "account-ref": "customer1234",
            "client-ref": "my-personal-reference",
            "message-class": 1,
            "callback": "https://example.com/sms-dlr",
            "status-report-req": True,
            "ttl": 900000,
            "protocol-id": 127,
            "text": "Hello World",
            "type": "text",
            "to": "447700900000",
            "from": "AcmeInc",
        }
    )
    assert list(payload) == [f for f in FIELDS if f not in ("body", "udh")]
    assert payload["ttl"] == "900000"
    assert payload["status-report-req"] == "true"
    assert payload["trusted-number"] == "false"
    assert payload["message-class"] == "1"
    assert payload["protocol-id"] == "127"
    assert all(type(v) is str for v in payload.values())


def test_none_means_absent() -> None:
    assert build(ttl=None, callback=None) == build_send_payload(BASE)


# ---- type selection ---------------------------------------------------------------------

GSM7_TEXTS = ["Hello", "Δ at start", "middle Φ here", "end Ω", "€uro", "{braces} [x] ~ ^ \\ |", "Ç@£$¥"]
UNICODE_TEXTS = ["Привет", "emoji 😀", "ñ is not GSM but ñ… is", "a\u00a0nbsp", "Łódź"]


@pytest.mark.parametrize("text", GSM7_TEXTS)
def test_gsm7_text_defaults_to_text(text: str) -> None:
    assert build(text=text)["type"] == "text"


@pytest.mark.parametrize("text", UNICODE_TEXTS)
def test_non_gsm7_defaults_to_unicode(text: str) -> None:
    assert build(text=text)["type"] == "unicode"


@pytest.mark.parametrize("text", UNICODE_TEXTS)
def test_explicit_text_type_refuses_non_gsm7(text: str) -> None:
    with pytest.raises(PayloadError, match="GSM-7") as info:
        build(text=text, type="text")
    assert info.value.field == "text"


def test_explicit_unicode_with_gsm7_text_is_kept() -> None:
    assert build(text="plain", type="unicode")["type"] == "unicode"


def test_position_in_message() -> None:
    with pytest.raises(PayloadError, match=r"'ж' \(U\+0436\) at index 3"):
        build(text="abcж", type="text")


# ---- every rule, broken once -------------------------------------------------------------

BROKEN: list[tuple[str, dict[str, Any], str]] = [
    # (id, field changes (None deletes), expected field)
    ("from missing", {"from": None}, "from"),
    ("from empty", {"from": ""}, "from"),
    ("from blank", {"from": "   "}, "from"),
    ("from alnum too long", {"from": "ABCDEFGHIJKL"}, "from"),
    ("from non-ascii", {"from": "Café"}, "from"),
    ("from control char", {"from": "Acme\nInc"}, "from"),
    ("from number too long", {"from": "1234567890123456"}, "from"),
    ("from wrong type", {"from": 447700900000}, "from"),
    ("to missing", {"to": None}, "to"),
    ("to too short", {"to": "123456"}, "to"),
    ("to too long", {"to": "1234567890123456"}, "to"),
    ("to letters", {"to": "44770090000a"}, "to"),
    ("to spaces", {"to": "44 7700 900000"}, "to"),
    ("to double plus", {"to": "++447700900000"}, "to"),
    ("to arabic digits", {"to": "٤٤٧٧٠٠٩٠٠٠٠٠"}, "to"),
    ("to wrong type", {"to": 447700900000}, "to"),
    ("text missing", {"text": None}, "text"),
    ("text empty", {"text": ""}, "text"),
    ("text wrong type", {"text": b"bytes"}, "text"),
    ("text lone surrogate", {"text": "a\ud800"}, "text"),
    ("text too long", {"text": "a" * (MAX_TEXT_UNITS + 1)}, "text"),
    ("text too long emoji", {"text": "😀" * (MAX_TEXT_UNITS // 2) + "a"}, "text"),
    ("type unknown", {"type": "wappush"}, "type"),
    ("type upper", {"type": "TEXT"}, "type"),
    ("type wrong type", {"type": 1}, "type"),
    ("ttl low", {"ttl": 19999}, "ttl"),
    ("ttl high", {"ttl": 604800001}, "ttl"),
    ("ttl str", {"ttl": "abc"}, "ttl"),
    ("ttl digit str", {"ttl": "900000"}, "ttl"),
    ("ttl float", {"ttl": 900000.0}, "ttl"),
    ("ttl bool", {"ttl": True}, "ttl"),
    ("status-report-req str", {"status-report-req": "true"}, "status-report-req"),
    ("status-report-req int", {"status-report-req": 1}, "status-report-req"),
    ("trusted-number str", {"trusted-number": "yes"}, "trusted-number"),
    ("callback ftp", {"callback": "ftp://example.com/x"}, "callback"),
    ("callback relative", {"callback": "/dlr"}, "callback"),
    ("callback no host", {"callback": "https:///dlr"}, "callback"),
    ("callback too long", {"callback": "https://example.com/" + "a" * 81}, "callback"),
    ("callback space", {"callback": "https://example.com/a b"}, "callback"),
    ("callback non-ascii", {"callback": "https://exämple.com/"}, "callback"),
    ("callback bad port", {"callback": "https://example.com:99999/"}, "callback"),
    ("callback wrong type", {"callback": b"https://example.com"}, "callback"),
    ("message-class 4", {"message-class": 4}, "message-class"),
    ("message-class -1", {"message-class": -1}, "message-class"),
    ("message-class str", {"message-class": "1"}, "message-class"),
    ("protocol-id 256", {"protocol-id": 256}, "protocol-id"),
    ("protocol-id -1", {"protocol-id": -1}, "protocol-id"),
    ("protocol-id str", {"protocol-id": "127"}, "protocol-id"),
    ("client-ref too long", {"client-ref": "x" * 101}, "client-ref"),
    ("client-ref wrong type", {"client-ref": 12}, "client-ref"),
    ("account-ref wrong type", {"account-ref": 12}, "account-ref"),
    ("entity-id wrong type", {"entity-id": 1101456324675322134}, "entity-id"),
    ("content-id wrong type", {"content-id": 1.5}, "content-id"),
    ("pool-id wrong type", {"pool-id": ["a"]}, "pool-id"),
    ("body with text type", {"body": "00"}, "body"),
    ("udh with text type", {"udh": "050003010201"}, "udh"),
    ("unknown field", {"vcard": "BEGIN:VCARD"}, "vcard"),
    ("unknown field typo", {"client_ref": "x"}, "client_ref"),
    ("api_key as field", {"api_key": "abcd1234"}, "api_key"),
    ("api_secret as field", {"api_secret": "x"}, "api_secret"),
    ("sig as field", {"sig": "x"}, "sig"),
    ("timestamp as field", {"timestamp": "1"}, "timestamp"),
]


@pytest.mark.parametrize(("changes", "field"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_rule_broken(changes: dict[str, Any], field: str) -> None:
    # None means "not given", so {"from": None} drops the field.
    with pytest.raises(PayloadError) as info:
        build_send_payload({**BASE, **changes})
    assert info.value.field == field
    assert field in str(info.value)


BROKEN_BINARY: list[tuple[str, dict[str, Any], str]] = [
    ("body missing", {"body": None}, "body"),
    ("body odd", {"body": "001"}, "body"),
    ("body non-hex", {"body": "00zz"}, "body"),
    ("body 0x", {"body": "0x00"}, "body"),
    ("body spaces", {"body": "00 11"}, "body"),
    ("body wrong type", {"body": 12}, "body"),
    ("body too long", {"body": "00" * 141}, "body"),
    ("body+udh too long", {"body": "00" * 135, "udh": "050003010201"}, "body"),
    ("udh odd", {"udh": "05000301020"}, "udh"),
    ("udh non-hex", {"udh": "05000301020g"}, "udh"),
    ("udh wrong UDHL", {"udh": "060003010201"}, "udh"),
    ("udh empty", {"udh": ""}, "udh"),
    ("text with binary", {"text": "hi"}, "text"),
]


@pytest.mark.parametrize(
    ("changes", "field"), [b[1:] for b in BROKEN_BINARY], ids=[b[0] for b in BROKEN_BINARY]
)
def test_binary_rule_broken(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(PayloadError) as info:
        build_send_payload({**BINARY, **changes})
    assert info.value.field == field


def test_hex_error_is_chained() -> None:
    with pytest.raises(PayloadError) as info:
        build_send_payload({**BINARY, "body": "00zz"})
    assert info.value.__cause__ is not None
    assert getattr(info.value.__cause__, "position", None) == 2


# ---- accepted edges -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "key", "expected"),
    [
        ({"to": "+447700900000"}, "to", "447700900000"),
        ({"to": "1234567"}, "to", "1234567"),
        ({"to": "123456789012345"}, "to", "123456789012345"),
        ({"from": "ABCDEFGHIJK"}, "from", "ABCDEFGHIJK"),
        ({"from": "Acme Inc"}, "from", "Acme Inc"),
        ({"from": "+447700900001"}, "from", "447700900001"),
        ({"from": "123456789012345"}, "from", "123456789012345"),
        ({"from": "12345"}, "from", "12345"),
        ({"from": "12345ABC"}, "from", "12345ABC"),
        ({"ttl": 20000}, "ttl", "20000"),
        ({"ttl": 604800000}, "ttl", "604800000"),
        ({"message-class": 0}, "message-class", "0"),
        ({"message-class": 3}, "message-class", "3"),
        ({"protocol-id": 0}, "protocol-id", "0"),
        ({"protocol-id": 255}, "protocol-id", "255"),
        ({"client-ref": "x" * 100}, "client-ref", "x" * 100),
        ({"callback": "http://example.com/" + "a" * 81}, "callback", "http://example.com/" + "a" * 81),
        (
            {"callback": "HTTPS://example.com:8443/dlr?x=1&y=%20"},
            "callback",
            "HTTPS://example.com:8443/dlr?x=1&y=%20",
        ),
        ({"status-report-req": False}, "status-report-req", "false"),
        ({"trusted-number": True}, "trusted-number", "true"),
        ({"text": "a" * MAX_TEXT_UNITS}, "text", "a" * MAX_TEXT_UNITS),
        ({"text": "😀" * (MAX_TEXT_UNITS // 2)}, "text", "😀" * (MAX_TEXT_UNITS // 2)),
        ({"account-ref": ""}, "account-ref", ""),
    ],
)
def test_accepted(changes: dict[str, Any], key: str, expected: str) -> None:
    assert build_send_payload({**BASE, **changes})[key] == expected


def test_binary() -> None:
    payload = build_send_payload({**BINARY, "udh": "06050415811581", "protocol-id": 127})
    assert payload["type"] == "binary"
    assert payload["body"] == "0011223344556677"
    assert payload["udh"] == "06050415811581"
    assert "text" not in payload


def test_binary_inferred_from_body_and_bytes_accepted() -> None:
    payload = build_send_payload(
        {"from": "AcmeInc", "to": "447700900000", "body": b"\x00\xff", "udh": bytearray(b"\x00")}
    )
    assert payload["type"] == "binary"
    assert payload["body"] == "00FF"
    assert payload["udh"] == "00"


def test_binary_140_octets_exactly() -> None:
    payload = build_send_payload({**BINARY, "body": "ab" * 134, "udh": "050003010201"})
    assert len(payload["body"]) == 268


def test_argument_type_errors() -> None:
    with pytest.raises(TypeError):
        build_send_payload([("from", "x")])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        build_send_payload({1: "x"})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        build_send_payload(BASE, api_key=1234, api_secret="s")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        build_send_payload(BASE, api_key="k", signature_secret="s", timestamp="1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        build_send_payload(BASE, api_key="k", signature_secret="s", timestamp=1.5)  # type: ignore[arg-type]


# ---- authentication --------------------------------------------------------------------------


def test_no_auth() -> None:
    payload = build_send_payload(BASE)
    assert not {"api_key", "api_secret", "sig", "timestamp"} & set(payload)


def test_secret_in_body() -> None:
    payload = build_send_payload(BASE, api_key="abcd1234", api_secret="abcdef0123456789")
    assert payload["api_key"] == "abcd1234"
    assert payload["api_secret"] == "abcdef0123456789"
    assert "sig" not in payload


@pytest.mark.parametrize("method", ["md5hash", "md5", "sha1", "sha256", "sha512"])
def test_signed_payload_verifies(method: str) -> None:
    payload = build_send_payload(
        {**BASE, "client-ref": "a&b=c", "ttl": 900000},
        api_key="abcd1234",
        signature_secret="my_secret_key_for_testing",
        signature_method=method,
        timestamp=1617187200,
    )
    assert payload["timestamp"] == "1617187200"
    assert "api_secret" not in payload
    assert verify(payload, "my_secret_key_for_testing", method, max_age=60, now=1617187230) is True
    assert verify({**payload, "text": "Hello world"}, "my_secret_key_for_testing", method) is False


def test_signed_payload_matches_shared_vector() -> None:
    vector = next(
        v for v in load_vector("vonage_signatures.json")["vectors"] if v["name"] == "simple_outbound_send"
    )
    params = vector["params"]
    payload = build_send_payload(
        {k: v for k, v in params.items() if k not in ("api_key", "timestamp")},
        api_key=params["api_key"],
        signature_secret=vector["secret"],
        signature_method="sha256",
        timestamp=int(params["timestamp"]),
    )
    assert payload["sig"] == vector["expected_lowercase"]["sha256"]


def test_signature_wins_over_api_secret() -> None:
    # Status 32: a signed request may not also present an api_secret.
    payload = build_send_payload(
        BASE, api_key="abcd1234", api_secret="abcdef0123456789", signature_secret="s3cret", timestamp=5
    )
    assert "api_secret" not in payload
    assert payload["sig"] == sign({k: v for k, v in payload.items() if k != "sig"}, "s3cret")


def test_default_timestamp_is_now() -> None:
    import time

    before = int(time.time())
    payload = build_send_payload(BASE, api_key="abcd1234", signature_secret="s3cret")
    assert before <= int(payload["timestamp"]) <= int(time.time())


def test_auth_errors() -> None:
    with pytest.raises(PayloadError) as info:
        build_send_payload(BASE, api_secret="abcdef0123456789")
    assert info.value.field == "api_key"
    with pytest.raises(PayloadError) as info:
        build_send_payload(BASE, signature_secret="s")
    assert info.value.field == "api_key"
    with pytest.raises(PayloadError) as info:
        build_send_payload(BASE, api_key="abcd1234")
    assert info.value.field == "api_key"
    with pytest.raises(PayloadError) as info:
        build_send_payload(BASE, api_key="", api_secret="x")
    assert info.value.field == "api_key"
    with pytest.raises(PayloadError) as info:
        build_send_payload(BASE, api_key="abcd1234", signature_secret="s", timestamp=-1)
    assert info.value.field == "timestamp"
    with pytest.raises(SignatureError):
        build_send_payload(BASE, api_key="abcd1234", signature_secret="s", signature_method="sha384")


def test_repr_hides_secret() -> None:
    payload = build_send_payload(BASE, api_key="abcd1234", api_secret="TOPSECRETVALUE")
    assert isinstance(payload, SendPayload)
    assert isinstance(payload, dict)
    assert "TOPSECRETVALUE" not in repr(payload)
    assert "TOPSECRETVALUE" not in str(payload)
    assert "abcd1234" in repr(payload)


# ---- Credentials and SmsRequest -----------------------------------------------------------


def test_credentials_repr_and_validation() -> None:
    creds = Credentials(
        "abcd1234", api_secret="TOPSECRET1", signature_secret="TOPSECRET2", signature_method="sha256"
    )
    assert "TOPSECRET" not in repr(creds)
    assert "abcd1234" in repr(creds)
    with pytest.raises(PayloadError):
        Credentials("abcd1234")
    with pytest.raises(SignatureError):
        Credentials("abcd1234", signature_secret="s", signature_method="nope")
    with pytest.raises(PayloadError):
        Credentials("abcd1234", signature_secret="s").basic_auth_header()
    assert Credentials("abcd1234", api_secret="secret").basic_auth_header() == basic_auth_header(
        "abcd1234", "secret"
    )


def test_sms_request_builds_the_same_payload() -> None:
    request = SmsRequest(
        sender="AcmeInc",
        to="+447700900000",
        text="Hello World",
        ttl=900000,
        status_report=True,
        client_ref="ref-1",
        message_class=1,
        callback="https://example.com/dlr",
    )
    creds = Credentials("abcd1234", signature_secret="s3cret", signature_method="sha256")
    payload = request.payload(creds, timestamp=1617187200)
    expected = build_send_payload(
        {
            "from": "AcmeInc",
            "to": "+447700900000",
            "text": "Hello World",
            "ttl": 900000,
            "status-report-req": True,
            "client-ref": "ref-1",
            "message-class": 1,
            "callback": "https://example.com/dlr",
        },
        api_key="abcd1234",
        signature_secret="s3cret",
        signature_method="sha256",
        timestamp=1617187200,
    )
    assert payload == expected
    assert verify(payload, "s3cret", "sha256")
    assert request.payload() == {
        k: v for k, v in expected.items() if k not in ("api_key", "timestamp", "sig")
    }


def test_sms_request_validates_on_construction() -> None:
    with pytest.raises(PayloadError) as info:
        SmsRequest(sender="AcmeInc", to="447700900000", text="hi", ttl=5)
    assert info.value.field == "ttl"
    with pytest.raises(PayloadError) as info:
        SmsRequest(sender="AcmeInc", to="447700900000")
    assert info.value.field == "text"
    with pytest.raises(TypeError):
        SmsRequest("AcmeInc", "447700900000")  # type: ignore[call-arg]


def test_sms_request_binary_and_frozen() -> None:
    request = SmsRequest(sender="AcmeInc", to="447700900000", body=b"\x01\x02", udh=b"\x00", protocol_id=127)
    assert request.payload()["type"] == "binary"
    with pytest.raises(AttributeError):
        request.to = "447700900001"  # type: ignore[misc]
    with pytest.raises(TypeError):
        request.payload({"api_key": "x"})  # type: ignore[arg-type]


# ---- encode_form and basic_auth_header ------------------------------------------------------


def test_encode_form() -> None:
    body = encode_form({"from": "Acme Inc", "text": "Tom & Jerry = 100% fun?", "to": "447700900000"})
    assert body == "from=Acme+Inc&text=Tom+%26+Jerry+%3D+100%25+fun%3F&to=447700900000"
    assert encode_form({"text": "€😀"}) == "text=%E2%82%AC%F0%9F%98%80"
    assert encode_form({}) == ""


def test_encode_form_errors() -> None:
    with pytest.raises(TypeError):
        encode_form({"ttl": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        encode_form("a=b")  # type: ignore[arg-type]
    with pytest.raises(PayloadError) as info:
        encode_form({"text": "\udc00"})
    assert info.value.field == "text"


def test_basic_auth_header() -> None:
    # RFC 7617 §2 example.
    assert basic_auth_header("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    header = basic_auth_header("abcd1234", "sécret")
    assert base64.b64decode(header.removeprefix("Basic ")).decode() == "abcd1234:sécret"


def test_basic_auth_header_errors() -> None:
    with pytest.raises(PayloadError) as info:
        basic_auth_header("a:b", "s")
    assert info.value.field == "api_key"
    with pytest.raises(PayloadError):
        basic_auth_header("k", "")
    with pytest.raises(TypeError):
        basic_auth_header("k", None)  # type: ignore[arg-type]


# ---- properties ---------------------------------------------------------------------------

gsm_chars = st.sampled_from(
    list("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà€{}[]~^\\|\n")
)
any_chars = st.characters(codec="utf-8")
requests = st.fixed_dictionaries(
    {
        "from": st.one_of(
            st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,10}", fullmatch=True),
            st.from_regex(r"\+?[0-9]{1,15}", fullmatch=True),
        ),
        "to": st.from_regex(r"\+?[0-9]{7,15}", fullmatch=True),
        "text": st.text(st.one_of(gsm_chars, any_chars), min_size=1, max_size=200),
    },
    optional={
        "ttl": st.integers(20000, 604800000),
        "status-report-req": st.booleans(),
        "message-class": st.integers(0, 3),
        "client-ref": st.text(any_chars, max_size=100),
        "trusted-number": st.booleans(),
    },
)


@given(requests, st.sampled_from(["md5hash", "md5", "sha1", "sha256", "sha512"]), st.integers(0, 2**40))
def test_valid_requests_build_sign_and_encode(fields: dict[str, Any], method: str, stamp: int) -> None:
    payload = build_send_payload(
        fields, api_key="abcd1234", signature_secret="s3cret", signature_method=method, timestamp=stamp
    )
    assert verify(payload, "s3cret", method) is True
    assert payload["type"] in ("text", "unicode")
    decoded = dict(urllib.parse.parse_qsl(encode_form(payload), keep_blank_values=True))
    assert decoded == payload
    # a payload built again from its own message fields is the same
    again = {k: v for k, v in payload.items() if k in ("from", "to", "text", "type")}
    assert {k: build_send_payload(again)[k] for k in again} == again


@given(
    st.dictionaries(
        st.text(max_size=20),
        st.one_of(st.none(), st.text(max_size=30), st.integers(), st.booleans(), st.binary(max_size=10)),
        max_size=8,
    )
)
def test_random_fields_raise_only_payload_errors(fields: dict[str, Any]) -> None:
    error: PayloadError | None = None
    try:
        payload = build_send_payload(fields)
    except PayloadError as exc:
        error = exc
    if error is not None:
        assert isinstance(error.field, str)
    else:
        assert set(payload) <= set(FIELDS)


# ---- issue 14, send side: the API reference's own rules -----------------------------------


@pytest.mark.parametrize(
    "sender",
    [
        "Acme Inc Ltd",  # 10 characters once its spaces are ignored
        "A B C D E F G H I J K",  # 11 letters, 21 characters with spaces
        " AcmeIncLtd ",
        "Acme Inc 24",
    ],
)
def test_alphanumeric_sender_ignores_spaces_for_its_length(sender: str) -> None:
    # The reference: "If alphanumeric, spaces will be ignored."  Sent as given.
    assert build_send_payload({**BASE, "from": sender})["from"] == sender
    assert SmsRequest(sender=sender, to="447700900000", text="hi").payload()["from"] == sender


@pytest.mark.parametrize("sender", ["A B C D E F G H I J K L", "Acme Inc Ltd UK", "ABCDEFGHIJKL "])
def test_alphanumeric_sender_over_eleven_without_spaces(sender: str) -> None:
    with pytest.raises(PayloadError, match=r"spaces are ignored and not counted\), got 12") as info:
        build_send_payload({**BASE, "from": sender})
    assert info.value.field == "from"


@pytest.mark.parametrize("key", ["abcd123", "abcd12345", "a", "abcd1234" * 10])
def test_api_key_is_exactly_eight_characters(key: str) -> None:
    # The reference: api_key Min 8, Max 8.
    for credentials in ({"api_secret": "abcdef0123456789"}, {"signature_secret": "s3cret"}):
        with pytest.raises(PayloadError, match=f"exactly 8 characters.*got {len(key)}") as info:
            build_send_payload(BASE, api_key=key, **credentials)  # type: ignore[arg-type]
        assert info.value.field == "api_key"
    with pytest.raises(PayloadError) as info:
        Credentials(key, api_secret="abcdef0123456789")
    assert info.value.field == "api_key"
    with pytest.raises(PayloadError) as info:
        Credentials(key, signature_secret="s3cret")
    assert info.value.field == "api_key"


@pytest.mark.parametrize("secret", ["12345", "x" * 33])
def test_api_secret_is_six_to_thirty_two_characters(secret: str) -> None:
    # The reference: api_secret Min 6, Max 32; the message gives the length, not the secret.
    with pytest.raises(PayloadError, match=f"6-32 characters, got {len(secret)}") as info:
        build_send_payload(BASE, api_key="abcd1234", api_secret=secret)
    assert info.value.field == "api_secret"
    assert secret not in str(info.value) + repr(info.value)
    with pytest.raises(PayloadError) as info:
        Credentials("abcd1234", api_secret=secret)
    assert info.value.field == "api_secret"
    assert secret not in str(info.value) + repr(info.value)


def test_api_secret_edges_and_unused_secret() -> None:
    for secret in ("123456", "x" * 32):
        assert build_send_payload(BASE, api_key="abcd1234", api_secret=secret)["api_secret"] == secret
    # A signed request never sends the API secret, so its format is not its business.
    payload = build_send_payload(BASE, api_key="abcd1234", api_secret="x", signature_secret="s", timestamp=1)
    assert "api_secret" not in payload
    assert verify(payload, "s") is True


# Vonage's signing methods and their hex digest lengths.
SIG_LENGTHS = {"md5hash": 32, "md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}


@pytest.mark.parametrize(("method", "length"), SIG_LENGTHS.items())
def test_sig_lengths_per_method(method: str, length: int) -> None:
    # The reference gives sig 16-60 characters; sha256 and sha512 HMACs are longer and are
    # sent whole (see the payloads module docstring), never cut to fit.
    payload = build_send_payload(
        BASE, api_key="abcd1234", signature_secret="s3cret", signature_method=method, timestamp=1617187200
    )
    assert len(payload["sig"]) == length
    assert length >= 16
    assert (length <= 60) is (method in ("md5hash", "md5", "sha1"))
    assert verify(payload, "s3cret", method) is True


def test_payloads_docstring_says_which_methods_exceed_sixty() -> None:
    from smscodec.vonage import payloads

    doc = payloads.__doc__ or ""
    assert "16-60" in doc
    for text in ("``sha256`` (64)", "``sha512`` (128)", "status 14"):
        assert text in doc


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "binary", "udh": "050003010201"},
        {"udh": "050003010201"},  # type inferred from the header
        {"type": "binary", "udh": bytes.fromhex("06050415811581"), "body": b""},
        {"type": "binary", "udh": "06050415811581", "body": ""},
        {"type": "binary", "udh": "00"},
    ],
)
def test_header_only_binary_message(fields: dict[str, Any]) -> None:
    payload = build_send_payload({"from": "AcmeInc", "to": "447700900000", **fields})
    assert payload["type"] == "binary"
    assert "body" not in payload  # an empty body is no body
    expected = fields["udh"] if isinstance(fields["udh"], str) else fields["udh"].hex().upper()
    assert payload["udh"] == expected
    assert list(payload) == ["from", "to", "type", "udh"]


@pytest.mark.parametrize("body", ["", b"", bytearray()])
def test_empty_body_alone_is_not_a_message(body: str | bytes) -> None:
    with pytest.raises(PayloadError, match="an empty body is not a message") as info:
        build_send_payload({**BINARY, "body": body})
    assert info.value.field == "body"
    with pytest.raises(PayloadError, match="body is missing") as info:
        build_send_payload({"from": "AcmeInc", "to": "447700900000", "type": "binary"})
    assert info.value.field == "body"


def test_header_only_over_one_sms_names_the_header() -> None:
    header = bytes([140]) + bytes([0x70, 138]) + b"\x00" * 138  # 141 octets, UDHL 140
    with pytest.raises(PayloadError, match=r"got 0 \+ 141") as info:
        build_send_payload({**BINARY, "body": None, "udh": header})
    assert info.value.field == "udh"
    header = bytes([139]) + bytes([0x70, 137]) + b"\x00" * 137  # exactly 140 octets
    assert len(from_hex_str(build_send_payload({**BINARY, "body": None, "udh": header})["udh"])) == 140


def from_hex_str(text: str) -> bytes:
    return bytes.fromhex(text)


# ---- values that must never escape as raw exceptions ------------------------------------------


@pytest.mark.parametrize("field", ["ttl", "message-class", "protocol-id"])
@pytest.mark.parametrize("value", [10**5000, -(10**5000), 2**200], ids=["10**5000", "-10**5000", "2**200"])
def test_huge_ints_are_payload_errors(field: str, value: int) -> None:
    # str() of an int past 4300 digits raises ValueError; the message must not need it.
    with pytest.raises(PayloadError) as info:
        build(**{field.replace("-", "_"): value})
    assert info.value.field == field
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("stamp", [10**5000, -(10**400), 2**63], ids=["10**5000", "-10**400", "2**63"])
def test_huge_timestamps_are_payload_errors(stamp: int) -> None:
    with pytest.raises(PayloadError) as info:
        build_send_payload(BASE, api_key="abcd1234", signature_secret="s", timestamp=stamp)
    assert info.value.field == "timestamp"
    assert len(str(info.value)) < 200
    assert build_send_payload(BASE, api_key="abcd1234", signature_secret="s", timestamp=2**63 - 1)[
        "timestamp"
    ] == str(2**63 - 1)


@pytest.mark.parametrize("field", ["to", "type", "callback"])
def test_long_values_are_cut_short_in_messages(field: str) -> None:
    value = "https://" + "x" * 1_000_000 if field == "callback" else "x" * 1_000_000
    with pytest.raises(PayloadError) as info:
        build_send_payload({**BASE, field: value})
    assert info.value.field == field
    assert len(str(info.value)) < 300


def test_long_unknown_field_name_is_cut_short() -> None:
    with pytest.raises(PayloadError) as info:
        build_send_payload({**BASE, "x" * 100_000: "1"})
    assert info.value.field == "x" * 100_000
    assert len(str(info.value)) < 500


# ---- Basic auth never rides along with a signature ------------------------------------------


def test_signing_credentials_refuse_a_basic_header() -> None:
    credentials = Credentials(
        "abcd1234", api_secret="TOPSECRET1", signature_secret="TOPSECRET2", signature_method="sha256"
    )
    assert credentials.signs is True
    with pytest.raises(PayloadError, match=r"Authorization header.*status 32") as info:
        credentials.basic_auth_header()
    assert info.value.field == "api_secret"
    assert "TOPSECRET" not in str(info.value) + repr(info.value)
    # What they hand out instead: a signed payload without the API secret.
    payload = SmsRequest(sender="AcmeInc", to="447700900000", text="hi").payload(credentials, timestamp=1)
    assert payload.signed is True
    assert "api_secret" not in payload
    plain = Credentials("abcd1234", api_secret="TOPSECRET1")
    assert plain.signs is False
    assert plain.basic_auth_header() == basic_auth_header("abcd1234", "TOPSECRET1")
    assert SmsRequest(sender="AcmeInc", to="447700900000", text="hi").payload().signed is False


def test_credentials_check_types() -> None:
    with pytest.raises(TypeError):
        Credentials(12345678)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Credentials("abcd1234", api_secret=b"secret")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Credentials("abcd1234", signature_secret="s", signature_method=None)  # type: ignore[arg-type]


# ---- SendPayload: no way of showing it shows the secret -------------------------------------

SECRET = "TopSecretValue42"


def _payloads() -> list[SendPayload]:
    plain = build_send_payload(BASE, api_key="abcd1234", api_secret=SECRET)
    signed = build_send_payload(BASE, api_key="abcd1234", signature_secret=SECRET, timestamp=1)
    return [plain, signed]


def _shows(payload: SendPayload) -> list[str]:
    import pprint

    return [
        repr(payload),
        str(payload),
        f"{payload}",
        "%s %r" % (payload, payload),  # noqa: UP031 - the logging style
        pprint.pformat(payload),
        pprint.pformat(payload, width=20),
        repr(payload.items()),
        repr(payload.values()),
        repr([payload]),
        repr({"payload": payload}),
    ]


def test_send_payload_derivatives_stay_masked() -> None:
    import copy as copy_module
    import pickle

    for payload in _payloads():
        hidden = payload.get("api_secret") or payload["sig"]
        derived = [
            payload.copy(),
            copy_module.copy(payload),
            copy_module.deepcopy(payload),
            pickle.loads(pickle.dumps(payload)),
            payload | {"client-ref": "x"},
            {"client-ref": "x"} | payload,
            SendPayload.fromkeys(["api_secret"], hidden),
        ]
        merged = payload.copy()
        merged |= {"client-ref": "x"}
        derived.append(merged)
        for item in [payload, *derived]:
            assert type(item) is SendPayload
            for shown in _shows(item):
                assert hidden not in shown, shown
                assert SECRET not in shown
        assert payload.copy() == payload
        assert payload.copy() is not payload
        assert (payload | {"client-ref": "x"})["client-ref"] == "x"
        assert ({"type": "unicode"} | payload)["type"] == payload["type"]  # the payload wins


def test_send_payload_views_still_work_as_views() -> None:
    payload, signed = _payloads()
    assert dict(payload.items()) == dict(payload)
    assert list(payload.values()) == list(dict(payload).values())
    assert ("api_secret", SECRET) in payload.items()
    assert SECRET in payload.values()
    assert len(payload.items()) == len(payload)
    assert payload.items() == dict(payload).items()
    # The raw fields, for the HTTP client: plain containers and the form body.
    assert dict(payload)["api_secret"] == SECRET
    assert json.loads(json.dumps(payload))["api_secret"] == SECRET
    assert f"api_secret={SECRET}" in encode_form(payload)
    assert verify(signed, SECRET) is True


def test_payload_errors_never_show_a_secret() -> None:
    for call in (
        lambda: build_send_payload({**BASE, "ttl": -1}, api_key="abcd1234", api_secret=SECRET),
        lambda: build_send_payload(BASE, api_key="abcd123", api_secret=SECRET),
        lambda: build_send_payload(BASE, api_key="abcd1234", api_secret=SECRET * 3),
        lambda: build_send_payload(BASE, api_key="abcd1234", signature_secret=SECRET, signature_method="x"),
        lambda: build_send_payload(BASE, api_secret=SECRET),
        lambda: Credentials("abcd1234", api_secret=SECRET, signature_secret=SECRET).basic_auth_header(),
        lambda: Credentials("abcd1234", signature_secret=SECRET, signature_method="sha384"),
        lambda: encode_form({"api_secret": SECRET + "\ud800"}),
        lambda: basic_auth_header("a:b", SECRET),
    ):
        with pytest.raises((PayloadError, SignatureError)) as info:
            call()
        assert SECRET not in str(info.value) + repr(info.value)


# ---- SmsRequest: built once, constructed from wire fields -----------------------------------


def test_sms_request_builds_its_message_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from smscodec.vonage import payloads

    calls = []
    real = payloads._message_fields

    def counting(fields: Any) -> SendPayload:
        calls.append(fields)
        return real(fields)

    monkeypatch.setattr(payloads, "_message_fields", counting)
    request = SmsRequest(sender="AcmeInc", to="447700900000", text="Hello World", ttl=900000)
    creds = Credentials("abcd1234", signature_secret="s3cret", signature_method="sha256")
    first = request.payload(creds, timestamp=1)
    second = request.payload(creds, timestamp=2)
    plain = request.payload()
    assert len(calls) == 1
    assert (first["timestamp"], second["timestamp"]) == ("1", "2")
    assert verify(first, "s3cret", "sha256")
    assert verify(second, "s3cret", "sha256")
    # Each payload is a new object: changing one changes neither the request nor the next.
    plain["text"] = "changed"
    assert request.payload()["text"] == "Hello World"


def test_sms_request_from_fields() -> None:
    fields = {
        "from": "AcmeInc",
        "to": "447700900000",
        "text": "Hello World",
        "ttl": 900000,
        "status-report-req": True,
        "client-ref": "ref-1",
        "callback": None,
    }
    request = SmsRequest.from_fields(fields)
    assert request == SmsRequest(
        sender="AcmeInc",
        to="447700900000",
        text="Hello World",
        ttl=900000,
        status_report=True,
        client_ref="ref-1",
    )
    assert request.payload() == build_send_payload(fields)
    assert SmsRequest.from_fields(request.fields()) == request
    for broken, field in (
        ({"to": "447700900000", "text": "hi"}, "from"),
        ({"from": "AcmeInc", "text": "hi"}, "to"),
        ({**BASE, "ttl": 5}, "ttl"),
        ({**BASE, "nope": 1}, "nope"),
        ({**BASE, "api_key": "abcd1234"}, "api_key"),
    ):
        with pytest.raises(PayloadError) as info:
            SmsRequest.from_fields(broken)
        assert info.value.field == field
    with pytest.raises(TypeError):
        SmsRequest.from_fields([("from", "AcmeInc")])  # type: ignore[arg-type]


def test_sms_request_payload_argument_types() -> None:
    request = SmsRequest(sender="AcmeInc", to="447700900000", text="hi")
    with pytest.raises(TypeError):
        request.payload(Credentials("abcd1234", signature_secret="s"), timestamp="1")  # type: ignore[arg-type]
    with pytest.raises(PayloadError) as info:
        request.payload(Credentials("abcd1234", signature_secret="s"), timestamp=-1)
    assert info.value.field == "timestamp"


# ---- part payloads: a long text as its concatenated parts -------------------------------------

# Escapes (€ { } [ ]) and Greek capitals (a 2-byte str) in every part; 4 parts of GSM-7.
LONG_GSM = ("ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz ΔΦΩ 0123456789 €{}[] " * 8)[:500]
LONG_UCS2 = ("Привет, мир! 😀 " * 20)[:250]


@pytest.mark.parametrize("bits", [8, 16])
def test_part_payloads_gsm7(bits: int) -> None:
    request = SmsRequest(sender="AcmeInc", to="447700900000", text=LONG_GSM, client_ref="ref-1", ttl=900000)
    reference = 0xAB if bits == 8 else 0xABCD
    parts = split(LONG_GSM, encoding="gsm7", reference=reference, reference_bits=bits)
    payloads = request.part_payloads(reference=reference, reference_bits=bits)
    assert len(payloads) == len(parts) == 4
    fill = 1 if bits == 8 else 0  # TS 23.040 §9.2.3.24: 6-octet header -> 1 fill bit; 7 -> 0
    for number, (payload, part) in enumerate(zip(payloads, parts, strict=True), 1):
        header = bytes.fromhex(payload["udh"])
        assert header == part.udh == udh.concat(reference, 4, number, bits=bits)
        user_data = bytes.fromhex(payload["body"])
        assert user_data == pack_septets(part.payload, fill_bits=fill)
        assert unpack_septets(user_data, len(part.payload), fill_bits=fill) == part.payload
        assert len(header) + len(user_data) <= 140
        assert payload["type"] == "binary"
        assert "text" not in payload
        assert (payload["client-ref"], payload["ttl"], payload["from"]) == ("ref-1", "900000", "AcmeInc")
    assert "".join(decode_gsm7(p.payload) for p in parts) == LONG_GSM


def test_part_payloads_ucs2_signed() -> None:
    request = SmsRequest(sender="AcmeInc", to="447700900000", text=LONG_UCS2)
    creds = Credentials("abcd1234", signature_secret="s3cret", signature_method="sha512")
    payloads = request.part_payloads(creds, reference=7, timestamp=1617187200)
    parts = split(LONG_UCS2, encoding="ucs2", reference=7)
    assert len(payloads) == len(parts) > 1
    for number, (payload, part) in enumerate(zip(payloads, parts, strict=True), 1):
        assert bytes.fromhex(payload["udh"]) == udh.concat(7, len(parts), number)
        assert bytes.fromhex(payload["body"]) == part.payload  # UTF-16BE
        assert verify(payload, "s3cret", "sha512") is True
    assert "".join(bytes.fromhex(p["body"]).decode("utf-16-be") for p in payloads) == LONG_UCS2


def test_part_payloads_selection_and_single_parts() -> None:
    request = SmsRequest(sender="AcmeInc", to="447700900000", text=LONG_GSM)
    everything = request.part_payloads(reference=3)
    assert request.part_payloads(reference=3, parts=[4, 2, 2]) == (everything[1], everything[3])
    assert request.part_payloads(reference=3, parts=()) == ()
    for bad in ([0], [5], [-1], [10**5000]):
        with pytest.raises(ArgumentError) as info:
            request.part_payloads(reference=3, parts=bad)
        assert info.value.argument == "parts"
    with pytest.raises(TypeError):
        request.part_payloads(reference=3, parts=[1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        request.part_payloads(reference=3, parts=2)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError):
        request.part_payloads(reference=256)
    # One part: the request as it is (no header needed), text or binary.
    short = SmsRequest(sender="AcmeInc", to="447700900000", text="Hello")
    assert short.part_payloads(reference=3) == (short.payload(),)
    binary = SmsRequest(sender="AcmeInc", to="447700900000", body=b"\x01\x02", udh=b"\x00")
    assert binary.part_payloads(reference=3) == (binary.payload(),)


@given(st.text(st.sampled_from("AB z9-!. "), min_size=1, max_size=30))
def test_alphanumeric_sender_length_counts_everything_but_spaces(sender: str) -> None:
    if not sender.strip() or sender.lstrip("+").isdigit():
        return  # blank (refused) or numeric (E.164 rules): not this property
    visible = len(sender.replace(" ", ""))
    if visible > 11:
        with pytest.raises(PayloadError, match=f"got {visible}$") as info:
            build_send_payload({**BASE, "from": sender})
        assert info.value.field == "from"
    else:
        assert build_send_payload({**BASE, "from": sender})["from"] == sender
