"""Delivery receipts: the three delivery shapes, every field, every documented error code, bad input."""

from __future__ import annotations

import contextlib
import json
import pickle
import urllib.parse
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import load_vector
from smscodec.errors import WebhookError
from smscodec.vonage import RawFields, _wire
from smscodec.vonage.receipts import (
    DeliveryErrorCode,
    DeliveryReceipt,
    DeliveryStatus,
    parse_delivery_receipt,
)

# The "typical DLR" of Vonage's "Delivery receipts" guide, as its JSON body.
DOCS_DLR_JSON = """{
  "err-code": "0",
  "message-timestamp": "2018-10-25 12:10:29",
  "messageId": "0B00000127FDBC63",
  "msisdn": "447547232824",
  "network-code": "23410",
  "price": "0.03330000",
  "scts": "1810251310",
  "status": "delivered",
  "to": "Nexmo CLI"
}"""
# The same receipt as Vonage sends it by GET (query string) or POST (form body).
DOCS_DLR_QUERY = (
    "msisdn=447547232824&to=Nexmo+CLI&network-code=23410&messageId=0B00000127FDBC63"
    "&price=0.03330000&status=delivered&scts=1810251310&err-code=0"
    "&message-timestamp=2018-10-25+12%3A10%3A29"
)


def dlr_vector() -> dict[str, str]:
    """The signed DLR field set of the shared vectors (network-code US-TOLL-FREE, err-code 12)."""
    (vector,) = [
        v for v in load_vector("vonage_signatures.json")["vectors"] if v["name"] == "dlr_webhook_shape"
    ]
    return dict(vector["params"])


def check_docs_dlr(receipt: DeliveryReceipt) -> None:
    assert receipt.msisdn == "447547232824"
    assert receipt.to == "Nexmo CLI"
    assert receipt.network_code == "23410"
    assert receipt.message_id == "0B00000127FDBC63"
    assert receipt.price == Decimal("0.03330000")
    assert str(receipt.price) == "0.03330000"
    assert receipt.status is DeliveryStatus.DELIVERED
    assert receipt.err_code is DeliveryErrorCode.DELIVERED
    assert receipt.scts == datetime(2018, 10, 25, 13, 10)
    assert receipt.scts.tzinfo is None
    assert receipt.message_timestamp == datetime(2018, 10, 25, 12, 10, 29, tzinfo=timezone.utc)
    assert receipt.client_ref is None
    assert receipt.api_key is None
    assert receipt.timestamp is None
    assert receipt.nonce is None
    assert receipt.sig is None
    assert receipt.extra == ()
    assert receipt.is_final
    assert receipt.delivered


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(DOCS_DLR_JSON, id="json-str"),
        pytest.param(DOCS_DLR_JSON.encode(), id="json-bytes"),
        pytest.param("\r\n  " + DOCS_DLR_JSON, id="json-leading-space"),
        pytest.param(DOCS_DLR_QUERY, id="get-query"),
        pytest.param("?" + DOCS_DLR_QUERY, id="get-query-with-question-mark"),
        pytest.param(DOCS_DLR_QUERY.encode(), id="post-form-bytes"),
        pytest.param(bytearray(DOCS_DLR_QUERY.encode()), id="post-form-bytearray"),
        pytest.param(memoryview(DOCS_DLR_QUERY.encode()), id="post-form-memoryview"),
        pytest.param(json.loads(DOCS_DLR_JSON), id="decoded-mapping"),
        pytest.param(urllib.parse.parse_qs(DOCS_DLR_QUERY), id="parse_qs-lists"),
    ],
)
def test_docs_receipt_in_every_shape(body: object) -> None:
    check_docs_dlr(parse_delivery_receipt(body))  # type: ignore[arg-type]


def test_json_numbers_keep_their_exact_text() -> None:
    # A JSON body with numbers instead of strings: the price keeps its trailing zeros.
    body = '{"msisdn": 447700900000, "to": "AcmeInc", "messageId": "0A0000001234567B", "status": "delivered",'
    body += ' "price": 0.03330000, "err-code": 0, "network-code": 23410, "timestamp": 1582650446}'
    receipt = parse_delivery_receipt(body)
    assert receipt.msisdn == "447700900000"
    assert str(receipt.price) == "0.03330000"
    assert receipt.err_code == 0
    assert receipt.network_code == "23410"
    assert receipt.timestamp == 1582650446


def test_framework_mapping_with_python_numbers() -> None:
    # What Flask's request.get_json() gives for a JSON body with numbers.
    receipt = parse_delivery_receipt(
        {
            "msisdn": 447700900000,
            "to": "AcmeInc",
            "messageId": "x1",
            "status": "failed",
            "err-code": 6,
            "price": None,
        }
    )
    assert receipt.msisdn == "447700900000"
    assert receipt.err_code is DeliveryErrorCode.ANTI_SPAM_REJECTION
    assert receipt.price is None
    # json.loads(body, parse_float=Decimal), as some frameworks do, keeps the exact amount.
    decimal_price = parse_delivery_receipt({**VALID, "price": Decimal("0.03330000"), "scts": 2001011400})
    assert str(decimal_price.price) == "0.03330000"
    assert decimal_price.scts == datetime(2020, 1, 1, 14, 0)


def test_signed_webhook_shape_from_vectors() -> None:
    params = dlr_vector()
    receipt = parse_delivery_receipt(params)
    assert receipt.network_code == "US-TOLL-FREE"
    assert receipt.err_code is DeliveryErrorCode.DESTINATION_UNREACHABLE
    assert receipt.err_code == 12
    assert receipt.error_description == "Destination Unreachable"
    assert not receipt.temporary_error
    assert receipt.status is DeliveryStatus.FAILED
    assert receipt.is_final
    assert not receipt.delivered
    assert receipt.price == Decimal("0.00620000")
    assert receipt.api_key == "abcd1234"
    assert receipt.nonce == "3e6f06a8-cc54-4389-b259-eb9c05fa344c"
    assert receipt.timestamp == 1687253022
    assert receipt.sig == "IGNORED-BY-ALGORITHM"
    assert receipt.message_timestamp == datetime(2023, 6, 20, 9, 23, 42, tzinfo=timezone.utc)
    assert receipt.scts is None
    # The same fields as a form body and a JSON body give the same receipt.
    assert parse_delivery_receipt(urllib.parse.urlencode(params)) == receipt
    assert parse_delivery_receipt(json.dumps(params).encode()) == receipt


def test_client_ref_and_unknown_fields() -> None:
    receipt = parse_delivery_receipt(
        "msisdn=447700900000&to=AcmeInc&messageId=abc&status=accepted&client-ref=order%2042&future-field=x"
    )
    assert receipt.client_ref == "order 42"
    assert receipt.extra == (("future-field", "x"),)
    assert receipt.status is DeliveryStatus.ACCEPTED
    assert not receipt.is_final
    assert receipt.err_code is None
    assert receipt.price is None


def test_empty_optional_fields_count_as_absent() -> None:
    receipt = parse_delivery_receipt(
        "msisdn=1&to=2&messageId=3&status=buffered&price=&scts=&err-code=&network-code=&client-ref="
    )
    assert (receipt.price, receipt.scts, receipt.err_code, receipt.network_code, receipt.client_ref) == (
        None,
        None,
        None,
        None,
        None,
    )


# --- DeliveryStatus and the error-code table ---


def test_delivery_status_values_and_finality() -> None:
    assert [s.value for s in DeliveryStatus] == [
        "accepted",
        "buffered",
        "delivered",
        "expired",
        "failed",
        "rejected",
        "unknown",
    ]
    assert DeliveryStatus("delivered") is DeliveryStatus.DELIVERED
    assert DeliveryStatus.DELIVERED == "delivered"
    assert str(DeliveryStatus.EXPIRED) == "expired"
    assert f"{DeliveryStatus.FAILED}" == "failed"
    assert {s for s in DeliveryStatus if not s.is_final} == {DeliveryStatus.ACCEPTED, DeliveryStatus.BUFFERED}


def test_status_word_any_case_and_unknown_words_kept() -> None:
    upper = parse_delivery_receipt("msisdn=1&to=2&messageId=3&status=DELIVERED")
    assert upper.status is DeliveryStatus.DELIVERED
    assert upper.status_word == "DELIVERED"  # always the wire word, as sent
    assert upper.status_known
    assert upper.is_final
    assert upper.delivered
    # Issue 14: an unknown but plausible word is kept, never an error that loses the receipt.
    for word in ("submitted", "DELIVRD", "delivrd", "sent", "teleported", "x" * 200):
        receipt = parse_delivery_receipt(
            {"msisdn": "1", "to": "2", "messageId": "3", "status": word, "price": "0.0333", "err-code": "4"}
        )
        assert receipt.status is DeliveryStatus.UNKNOWN
        assert receipt.status_word == word
        assert receipt.raw["status"] == word
        assert not receipt.status_known
        # It may be an intermediate word: a later receipt must still settle the part.
        assert not receipt.is_final
        assert not receipt.delivered
        assert (receipt.message_id, receipt.price, receipt.err_code) == ("3", Decimal("0.0333"), 4)
    # The real word "unknown" is known, and final.
    real = parse_delivery_receipt("msisdn=1&to=2&messageId=3&status=unknown")
    assert real.status is DeliveryStatus.UNKNOWN
    assert real.status_known
    assert real.is_final


# "Delivery receipts" guide, "DLR error codes"; the guide says "retry" for 2, 7 and 8.
DOCUMENTED_CODES = {
    0: ("Delivered", False),
    1: ("Unknown", False),
    2: ("Absent Subscriber - Temporary", True),
    3: ("Absent Subscriber - Permanent", False),
    4: ("Call Barred by User", False),
    5: ("Portability Error", False),
    6: ("Anti-Spam Rejection", False),
    7: ("Handset Busy", True),
    8: ("Network Error", True),
    9: ("Illegal Number", False),
    10: ("Illegal Message", False),
    11: ("Unroutable", False),
    12: ("Destination Unreachable", False),
    13: ("Subscriber Age Restriction", False),
    14: ("Number Blocked by Carrier", False),
    15: ("Prepaid Insufficient Funds", False),
    99: ("General Error", False),
}


def test_error_code_table_is_complete() -> None:
    assert {int(code) for code in DeliveryErrorCode} == set(DOCUMENTED_CODES)


@pytest.mark.parametrize(("code", "meaning"), sorted(DOCUMENTED_CODES.items()))
def test_each_documented_error_code(code: int, meaning: tuple[str, bool]) -> None:
    description, temporary = meaning
    receipt = parse_delivery_receipt(f"msisdn=1&to=2&messageId=3&status=failed&err-code={code}")
    assert isinstance(receipt.err_code, DeliveryErrorCode)
    assert receipt.err_code == code
    assert receipt.err_code.description == description
    assert receipt.err_code.temporary is temporary
    assert receipt.error_description == description
    assert receipt.temporary_error is temporary


@pytest.mark.parametrize("code", ["16", "42", "98", "100", "4294967295", "007"])
def test_undocumented_error_codes_are_kept_as_ints(code: str) -> None:
    receipt = parse_delivery_receipt(f"msisdn=1&to=2&messageId=3&status=failed&err-code={code}")
    value = int(code)
    assert receipt.err_code == value
    if value in DOCUMENTED_CODES:
        assert isinstance(receipt.err_code, DeliveryErrorCode)
    else:
        assert type(receipt.err_code) is int
        assert receipt.error_description is None
        assert receipt.temporary_error is False
    assert DeliveryErrorCode.lookup(value) == value


# --- bad input: WebhookError naming the wire field ---

VALID = {"msisdn": "447700900000", "to": "AcmeInc", "messageId": "0A0000001234567B", "status": "delivered"}


@pytest.mark.parametrize("name", ["msisdn", "to", "messageId", "status"])
def test_required_field_missing_or_empty(name: str) -> None:
    missing = {k: v for k, v in VALID.items() if k != name}
    with pytest.raises(WebhookError, match=f"required field '{name}' is missing") as info:
        parse_delivery_receipt(missing)
    assert info.value.field == name
    with pytest.raises(WebhookError, match="is empty") as info:
        parse_delivery_receipt({**VALID, name: ""})
    assert info.value.field == name


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("err-code", "abc", "expected a whole number"),
        ("err-code", "-1", "expected a whole number"),
        ("err-code", "1.0", "expected a whole number"),
        ("err-code", " 1", "expected a whole number"),
        ("err-code", "١", "expected a whole number"),  # ARABIC-INDIC DIGIT ONE: int() would take it
        ("err-code", "9" * 11, "at most 10 digits"),
        ("price", "NaN", "non-negative decimal amount"),
        ("price", "Infinity", "non-negative decimal amount"),
        ("price", "-0.1", "non-negative decimal amount"),
        ("price", "1e5", "non-negative decimal amount"),
        ("price", "0,0333", "non-negative decimal amount"),
        ("price", "1" * 41, "non-negative decimal amount"),
        ("message-timestamp", "2018-10-25T12:10:29", "expected 'YYYY-MM-DD HH:MM:SS'"),
        ("message-timestamp", "2018-10-25 12:10", "expected 'YYYY-MM-DD HH:MM:SS'"),
        ("message-timestamp", "2018-02-30 12:10:29", "not a real date"),
        ("message-timestamp", "2018-10-25 24:00:00", "not a real date"),
        ("scts", "18102513", "expected 'YYMMDDHHMM'"),
        ("scts", "181025131", "expected 'YYMMDDHHMM'"),
        ("scts", "1813251310", "not a real date"),
        ("timestamp", "1582650446.5", "expected a whole number"),
        ("timestamp", "1" * 13, "at most 12 digits"),
    ],
)
def test_malformed_field(field: str, value: str, expected: str) -> None:
    # The field's reader refuses the value, naming the wire field...
    reader = {
        "err-code": _wire.parse_int,
        "price": _wire.parse_decimal,
        "message-timestamp": _wire.parse_message_timestamp,
        "scts": _wire.parse_scts,
        "timestamp": lambda v, n: _wire.parse_int(v, n, max_digits=12),
    }[field]
    with pytest.raises(WebhookError, match=expected) as info:
        reader(value, field)
    assert info.value.field == field
    assert field in str(info.value)
    # ...and the receipt is not lost for it (issue 14): the field is None, named in
    # unreadable, its value kept in raw, every other field read.
    receipt = parse_delivery_receipt({**VALID, field: value, "client-ref": "c"})
    attribute = field.replace("-", "_")
    assert getattr(receipt, attribute) is None
    assert receipt.unreadable == (field,)
    assert receipt.raw[field] == value
    assert (receipt.message_id, receipt.status, receipt.client_ref) == (
        VALID["messageId"],
        DeliveryStatus.DELIVERED,
        "c",
    )


def test_several_unreadable_fields_in_reading_order() -> None:
    receipt = parse_delivery_receipt(
        {
            **VALID,
            "timestamp": "soon",
            "price": "cheap",
            "err-code": "x",
            "scts": "y",
            "message-timestamp": "z",
        }
    )
    assert receipt.unreadable == ("price", "err-code", "scts", "message-timestamp", "timestamp")
    assert (receipt.price, receipt.err_code, receipt.scts, receipt.message_timestamp, receipt.timestamp) == (
        None,
        None,
        None,
        None,
        None,
    )


def test_json_object_in_an_optional_field_is_kept_raw() -> None:
    # The API reference's own inbound example has "message-timestamp": {}; a receipt with
    # one (or an array) parses, the field None and its JSON text kept.
    body = json.dumps(
        {**VALID, "message-timestamp": {}, "network-code": [1, "x"], "client-ref": {"a": [None]}}
    )
    receipt = parse_delivery_receipt(body)
    assert receipt.message_timestamp is None
    assert receipt.network_code is None
    assert receipt.client_ref is None
    assert receipt.unreadable == ("network-code", "message-timestamp", "client-ref")
    assert receipt.raw["message-timestamp"] == "{}"
    assert receipt.raw["network-code"] == '[1,"x"]'
    assert receipt.raw["client-ref"] == '{"a":[null]}'
    assert receipt.raw.nested == {"message-timestamp", "network-code", "client-ref"}
    # The same from a framework's decoded JSON.
    decoded = parse_delivery_receipt({**VALID, "message-timestamp": {}})
    assert decoded.message_timestamp is None
    assert decoded.raw["message-timestamp"] == "{}"


def test_raw_is_every_field_as_received() -> None:
    receipt = parse_delivery_receipt(DOCS_DLR_QUERY + "&future-field=x&sig=ABCDEF0123456789ABCDEF0123456789")
    assert dict(receipt.raw) == {
        **dict(urllib.parse.parse_qsl(DOCS_DLR_QUERY)),
        "future-field": "x",
        "sig": "ABCDEF0123456789ABCDEF0123456789",
    }
    assert isinstance(receipt.raw, RawFields)
    with pytest.raises(TypeError):
        receipt.raw["to"] = "x"  # type: ignore[index]
    with pytest.raises(AttributeError):
        receipt.raw.nested = frozenset()  # type: ignore[misc]
    # Never in the repr, and its own repr hides the signature.
    assert "ABCDEF0123456789" not in repr(receipt)
    assert "ABCDEF0123456789" not in repr(receipt.raw)
    assert "'sig': <redacted>" in repr(receipt.raw)
    # Equal receipts whatever the shape; raw is not compared.
    assert parse_delivery_receipt(json.loads(DOCS_DLR_JSON)) == parse_delivery_receipt(DOCS_DLR_QUERY)


def test_scts_with_seconds_is_tolerated() -> None:
    receipt = parse_delivery_receipt({**VALID, "scts": "200101140005"})
    assert receipt.scts == datetime(2020, 1, 1, 14, 0, 5)


def test_oversized_body() -> None:
    body = DOCS_DLR_QUERY + "&pad=" + "x" * 70_000
    with pytest.raises(WebhookError, match="more than the 65536-byte limit") as info:
        parse_delivery_receipt(body)
    assert info.value.field is None
    with pytest.raises(WebhookError, match="65536-byte limit"):
        parse_delivery_receipt(body.encode())
    with pytest.raises(WebhookError, match="65536-byte limit"):
        parse_delivery_receipt({**VALID, "pad": "x" * 70_000})
    # Multi-byte characters count in UTF-8 bytes, not characters.
    with pytest.raises(WebhookError, match="65536-byte limit"):
        parse_delivery_receipt("€" * 22_000)


def test_too_many_fields() -> None:
    body = "&".join(f"f{i}=v" for i in range(101))
    with pytest.raises(WebhookError, match="more than the limit of 100 fields") as info:
        parse_delivery_receipt(body)
    assert info.value.field is None
    with pytest.raises(WebhookError, match="more than the limit of 100"):
        parse_delivery_receipt(json.dumps({f"f{i}": "v" for i in range(101)}))


@pytest.mark.parametrize(
    ("body", "field", "expected"),
    [
        ("msisdn=1&msisdn=2&to=2&messageId=3&status=delivered", "msisdn", "appears more than once"),
        ('{"msisdn": "1", "msisdn": "1", "to": "2"}', "msisdn", "appears more than once"),
        ('{"msisdn": ["1"], "to": "2"}', "msisdn", "is a JSON object or array"),
        ('{"msisdn": {"a": "1"}, "to": "2"}', "msisdn", "is a JSON object or array"),
        ('{"msisdn": "1",', None, "JSON body is malformed"),
        ('["msisdn", "1"]', None, "is an array, expected one object"),
        ("[]", None, "is an array"),
        ('{"price": NaN}', None, "NaN"),
        ("msisdn", None, "malformed"),
        ("a=%FF", None, "not valid UTF-8"),
        (b"msisdn=\xff", None, "not valid UTF-8"),
        ('{"msisdn": "\\ud800"}', "msisdn", "lone surrogate"),
        ("[" * 60_000, None, "nested too deeply|malformed"),
    ],
)
def test_unreadable_bodies(body: str | bytes, field: str | None, expected: str) -> None:
    with pytest.raises(WebhookError, match=expected) as info:
        parse_delivery_receipt(body)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        ({**VALID, "price": ["0.1", "0.2"]}, "price", "has 2 values"),
        ({**VALID, "price": []}, "price", "has 0 values"),
        ({**VALID, "price": object()}, "price", "expected a string"),
        ({**VALID, "price": float("nan")}, "price", "finite"),
        ({**VALID, "price": Decimal("sNaN")}, "price", "finite"),
        ({**VALID, "price": Decimal("-Infinity")}, "price", "finite"),
        ({**VALID, 5: "x"}, None, "names must be str"),
        ({**VALID, "to": b"\xff"}, "to", "not valid UTF-8"),
        ({**VALID, "to": "\udc80"}, "to", "lone surrogate"),
        ({f"k{i}": "v" for i in range(101)}, None, "more than the limit"),
    ],
)
def test_bad_mappings(data: dict[object, object], field: str | None, expected: str) -> None:
    with pytest.raises(WebhookError, match=expected) as info:
        parse_delivery_receipt(data)  # type: ignore[arg-type]
    assert info.value.field == field


def test_bytes_values_and_keys_in_a_mapping_are_utf8() -> None:
    receipt = parse_delivery_receipt(
        {b"msisdn": b"1", "to": "Caf\u00e9".encode(), "messageId": "3", "status": "delivered"}
    )
    assert receipt.to == "Café"


@pytest.mark.parametrize("data", [None, 42, 1.5, ["msisdn=1"], ("a", "b")])
def test_wrong_argument_type_is_type_error(data: object) -> None:
    with pytest.raises(TypeError, match="mapping, str or bytes"):
        parse_delivery_receipt(data)  # type: ignore[arg-type]


# --- the dataclass itself ---


def test_constructor_normalises_and_validates() -> None:
    receipt = DeliveryReceipt(msisdn="1", to="2", message_id="3", status="expired", err_code=7)  # type: ignore[arg-type]
    assert receipt.status is DeliveryStatus.EXPIRED
    assert receipt.err_code is DeliveryErrorCode.HANDSET_BUSY
    assert receipt.temporary_error
    with pytest.raises(TypeError, match="msisdn must be str"):
        DeliveryReceipt(msisdn=1, to="2", message_id="3", status=DeliveryStatus.DELIVERED)  # type: ignore[arg-type]
    with pytest.raises(WebhookError) as info:
        DeliveryReceipt(msisdn="1", to="2", message_id="", status=DeliveryStatus.DELIVERED)
    assert info.value.field == "messageId"
    with pytest.raises(TypeError, match="price must be Decimal"):
        DeliveryReceipt(msisdn="1", to="2", message_id="3", status=DeliveryStatus.DELIVERED, price=0.1)  # type: ignore[arg-type]
    with pytest.raises(WebhookError) as info:
        DeliveryReceipt(
            msisdn="1", to="2", message_id="3", status=DeliveryStatus.DELIVERED, price=Decimal("-1")
        )
    assert info.value.field == "price"
    with pytest.raises(WebhookError) as info:
        DeliveryReceipt(
            msisdn="1",
            to="2",
            message_id="3",
            status=DeliveryStatus.DELIVERED,
            message_timestamp=datetime(2020, 1, 1),
        )
    assert info.value.field == "message-timestamp"
    # An unknown word is kept (issue 14); an empty one, or a word contradicting status, is not.
    sent = DeliveryReceipt(msisdn="1", to="2", message_id="3", status="sent")  # type: ignore[arg-type]
    assert (sent.status, sent.status_word) == (DeliveryStatus.UNKNOWN, "sent")
    assert (
        DeliveryReceipt(msisdn="1", to="2", message_id="3", status=DeliveryStatus.FAILED).status_word
        == "failed"
    )
    with pytest.raises(WebhookError) as info:
        DeliveryReceipt(msisdn="1", to="2", message_id="3", status="")  # type: ignore[arg-type]
    assert info.value.field == "status"
    with pytest.raises(WebhookError) as info:
        DeliveryReceipt(
            msisdn="1", to="2", message_id="3", status=DeliveryStatus.FAILED, status_word="delivered"
        )
    assert info.value.field == "status"
    with pytest.raises(TypeError, match="raw must be a mapping"):
        DeliveryReceipt(msisdn="1", to="2", message_id="3", status=DeliveryStatus.FAILED, raw=[1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="raw fields map str to str"):
        DeliveryReceipt(msisdn="1", to="2", message_id="3", status=DeliveryStatus.FAILED, raw={"a": 1})  # type: ignore[dict-item]
    by_hand = DeliveryReceipt(
        msisdn="1", to="2", message_id="3", status=DeliveryStatus.FAILED, raw={"a": "b"}
    )
    assert isinstance(by_hand.raw, RawFields)
    assert dict(by_hand.raw) == {"a": "b"}


def test_receipts_are_frozen_hashable_and_picklable() -> None:
    receipt = parse_delivery_receipt(dlr_vector())
    with pytest.raises(AttributeError):
        receipt.status = DeliveryStatus.DELIVERED  # type: ignore[misc]
    assert hash(receipt) == hash(parse_delivery_receipt(dlr_vector()))
    assert pickle.loads(pickle.dumps(receipt)) == receipt
    # raw survives pickling too (it is not compared: check it by hand).
    again = pickle.loads(pickle.dumps(receipt))
    assert again.raw == receipt.raw
    assert isinstance(again.raw, RawFields)
    assert again.status_word == receipt.status_word
    assert again.unreadable == receipt.unreadable
    with pytest.raises(WebhookError) as info:
        parse_delivery_receipt({**VALID, "messageId": ""})
    error = info.value
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.field) == (WebhookError, str(error), "messageId")


# --- fuzzing: a receipt or WebhookError, nothing else ---

WIRE_NAMES = sorted(
    {"msisdn", "to", "network-code", "messageId", "price", "status", "scts", "err-code", "client-ref"}
    | {"api-key", "message-timestamp", "timestamp", "nonce", "sig"}
)
PLAUSIBLE = st.one_of(
    st.sampled_from([s.value for s in DeliveryStatus] + ["", "0", "99", "0.0333", "2018-10-25 12:10:29"]),
    st.from_regex(r"[0-9]{1,13}", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}", fullmatch=True),
    st.text(max_size=20),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.binary(max_size=10)
)


@given(st.dictionaries(st.sampled_from(WIRE_NAMES), PLAUSIBLE))
def test_fuzz_plausible_fields(data: dict[str, str]) -> None:
    identity = ("msisdn", "to", "messageId", "status")
    if not all(data.get(name) for name in identity):
        # Only a missing or empty identity field (or status) makes a receipt unparseable.
        with pytest.raises(WebhookError) as info:
            parse_delivery_receipt(data)
        assert info.value.field in identity
        return
    receipt = parse_delivery_receipt(data)
    assert receipt.message_id == data["messageId"]
    assert receipt.status_word == data["status"]
    assert dict(receipt.raw) == data
    # Every optional field present is read, or named unreadable: never silently dropped.
    for name, value in data.items():
        if name in identity or name == "sig" or not value:
            continue
        attribute = "network_code" if name == "network-code" else name.replace("-", "_")
        assert (getattr(receipt, attribute) is not None) != (name in receipt.unreadable), name


@given(
    st.one_of(
        st.text(max_size=200),
        st.binary(max_size=200),
        st.dictionaries(
            st.one_of(st.text(max_size=10), st.binary(max_size=5), st.integers()),
            SCALARS | st.lists(SCALARS, max_size=2),
        ),
    )
)
def test_fuzz_anything(data: object) -> None:
    with contextlib.suppress(WebhookError):
        parse_delivery_receipt(data)  # type: ignore[arg-type]


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c) | st.dictionaries(st.text(max_size=5), c),
        max_leaves=10,
    )
)
def test_fuzz_json_documents(document: object) -> None:
    with contextlib.suppress(WebhookError):
        parse_delivery_receipt(json.dumps(document))
