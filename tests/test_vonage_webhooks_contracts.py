"""Hostile input to the Vonage webhook parsers (receipts, inbound messages, verification).

Random bodies (bytes, text, JSON, mappings with framework-decoded values) go into
``parse_delivery_receipt``, ``parse_inbound`` and ``verify_webhook``: a typed result or a
``WebhookError``, never anything else, and never the secret in a message.  Then the
documented size limits checked at their edges with clear errors, and no signature in the
``repr`` of a parsed webhook.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile import SECRET, blobs, error_of, hostile, only_ours, texts
from smscodec import signing, vonage
from smscodec.errors import SmsCodecError, WebhookError

wire_keys = st.sampled_from(
    ["msisdn", "to", "messageId", "status", "type", "text", "data", "udh", "err-code", "price", "scts",
     "message-timestamp", "timestamp", "concat", "concat-ref", "concat-total", "concat-part", "sig"]
)  # fmt: skip
wire_values = (
    st.sampled_from(["delivered", "binary", "text", "unicode", "true", "0", "2", "256", "0605040b8423f0", ""])
    | st.text(max_size=20)
    | st.binary(max_size=8)
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.none()
    | st.booleans()
    | st.lists(st.text(max_size=4), max_size=2)
    | st.dictionaries(st.text(max_size=2), st.text(max_size=2), max_size=1)
)
webhook_mappings = st.dictionaries(
    wire_keys | st.text(max_size=8) | st.binary(max_size=4) | st.integers(), wire_values
)
webhook_bodies = (
    blobs
    | texts
    | webhook_mappings
    | webhook_mappings.map(lambda m: json.dumps({str(k): str(v) for k, v in m.items()}))
)


@hostile
@given(data=webhook_bodies)
def test_webhook_parsers_hostile(data: Any) -> None:
    receipt = only_ours(vonage.parse_delivery_receipt, data)
    assert receipt is None or isinstance(receipt, vonage.DeliveryReceipt)
    message = only_ours(vonage.parse_inbound, data)
    assert message is None or isinstance(message, vonage.InboundMessage)
    if message is not None:
        only_ours(vonage.Reassembler(max_pending=1).add, message)
    error = error_of(lambda: vonage.verify_webhook(data, SECRET, "sha256", now=0))
    if error is None:
        assert vonage.verify_webhook(data, SECRET, "sha256", now=0) is False  # nobody here knows the secret
    else:
        assert isinstance(error, WebhookError)
        assert SECRET not in str(error)


# --- size limits -------------------------------------------------------------------------


def test_webhook_body_limit_is_enforced_with_a_clear_error() -> None:
    limit = vonage.MAX_BODY_BYTES
    assert limit == 64 * 1024
    prefix = "msisdn=1&to=2&messageId=3&status=delivered&x="
    at_limit = prefix + "a" * (limit - len(prefix))
    assert len(at_limit.encode()) == limit
    assert vonage.parse_delivery_receipt(at_limit).msisdn == "1"
    for too_big in (at_limit + "a", (at_limit + "a").encode(), "x=" + "é" * (limit // 2)):
        with pytest.raises(WebhookError, match=r"more than the 65536-byte limit") as info:
            vonage.parse_delivery_receipt(too_big)
        assert info.value.field is None


def test_webhook_field_count_limit() -> None:
    fields = {f"f{i}": "v" for i in range(vonage.MAX_FIELDS + 1)}
    for data in (fields, json.dumps(fields)):
        with pytest.raises(WebhookError, match=f"more than the limit of {vonage.MAX_FIELDS}"):
            vonage.parse_inbound(data)
    # A query string is cut off by urllib.parse itself (max_num_fields); the message names the limit.
    with pytest.raises(WebhookError, match=f"more than the limit of {vonage.MAX_FIELDS} fields"):
        vonage.parse_inbound("&".join(f"{k}={v}" for k, v in fields.items()))


def test_webhook_mapping_size_limit_counts_utf8() -> None:
    fields = {"msisdn": "1", "to": "2", "messageId": "3", "type": "text", "text": "€" * 22_000}
    with pytest.raises(WebhookError, match="byte limit"):
        vonage.parse_inbound(fields)


def test_deeply_nested_json_is_refused_not_a_recursion_error() -> None:
    for parser in (vonage.parse_inbound, vonage.parse_delivery_receipt):
        with pytest.raises(WebhookError):
            parser("[" * 50_000)
    with pytest.raises(SmsCodecError):
        vonage.parse_send_response("[" * 200_000)
    with pytest.raises(SmsCodecError):
        vonage.parse_send_response("<a>" * 50_000, "xml")


# --- secrets -----------------------------------------------------------------------------


def test_parsed_webhooks_do_not_show_their_signature() -> None:
    base = {"msisdn": "1", "to": "2", "messageId": "3", "timestamp": "1700000000", "nonce": "n"}
    receipt_fields = {**base, "status": "delivered"}
    inbound_fields = {**base, "type": "text", "text": "hi"}
    for parse, fields in (
        (vonage.parse_delivery_receipt, receipt_fields),
        (vonage.parse_inbound, inbound_fields),
    ):
        signed = {**fields, "sig": signing.sign(fields, SECRET, "sha256")}
        parsed = parse(signed)
        assert parsed.sig == signed["sig"]
        assert signed["sig"] not in repr(parsed)


# --- regressions (each from a fuzzer finding; see SECURITY.md) ------------------------------


def test_finite_checks_on_numbers_from_frameworks() -> None:
    # JSON numbers decoded by a framework: non-finite values are an error naming the field.
    for value in (math.inf, -math.inf, math.nan, Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(WebhookError) as info:
            vonage.parse_delivery_receipt(
                {"msisdn": "1", "to": "2", "messageId": "3", "status": "failed", "price": value}
            )
        assert info.value.field == "price"
