"""build_send_payload, SmsRequest, Credentials, encode_form and basic_auth_header."""

from __future__ import annotations

import base64
import urllib.parse
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import load_vector
from smscodec import PayloadError, SignatureError
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
        build_send_payload(BASE, api_key="k", signature_secret="s", timestamp=-1)
    assert info.value.field == "timestamp"
    with pytest.raises(SignatureError):
        build_send_payload(BASE, api_key="k", signature_secret="s", signature_method="sha384")


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
    assert Credentials("k", api_secret="s").basic_auth_header() == basic_auth_header("k", "s")


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
