"""The Vonage SMS API, sans I/O: build and validate send payloads, parse responses,
delivery receipts and inbound messages, verify webhook signatures.

Nothing here opens a socket: every function takes and returns dicts, strings and bytes,
so any HTTP client or web framework can carry them.
"""

from __future__ import annotations

# --- send side (payloads, auth, responses, status codes) ---
from .payloads import (
    FIELDS,
    MAX_TEXT_UNITS,
    Credentials,
    SendPayload,
    SmsRequest,
    basic_auth_header,
    build_send_payload,
    encode_form,
)
from .responses import (
    AccountError,
    AuthenticationError,
    DestinationError,
    InvalidRequestError,
    ResponseError,
    SendError,
    SendResponse,
    SentMessage,
    ServerError,
    ThrottledError,
    parse_send_response,
    resend_refused_parts,
)
from .status import StatusCode

# isort: split
# --- webhooks (receipts, inbound, reassembly, verification, delivery tracking) ---
from ._wire import MAX_BODY_BYTES, MAX_FIELDS, RawFields, WebhookInput
from .inbound import ConcatInfo, InboundMessage, InboundType, parse_inbound
from .reassembly import PartResult, PartStatus, Reassembler
from .receipts import DeliveryErrorCode, DeliveryReceipt, DeliveryStatus, parse_delivery_receipt
from .replay import ReplayGuard
from .stores import MemoryStore, RedisStore, SQLiteStore, Store, StoreError
from .tracking import DeliveryState, DeliveryTracker, PartState
from .webhooks import check_webhook, verify_webhook

__all__: list[str] = [  # noqa: RUF022 (sorted per section, not as a whole)
    # send side
    "FIELDS",
    "MAX_TEXT_UNITS",
    "AccountError",
    "AuthenticationError",
    "Credentials",
    "DestinationError",
    "InvalidRequestError",
    "ResponseError",
    "SendError",
    "SendPayload",
    "SendResponse",
    "SentMessage",
    "ServerError",
    "SmsRequest",
    "StatusCode",
    "ThrottledError",
    "basic_auth_header",
    "build_send_payload",
    "encode_form",
    "parse_send_response",
    "resend_refused_parts",
    # webhooks
    "MAX_BODY_BYTES",
    "MAX_FIELDS",
    "ConcatInfo",
    "DeliveryErrorCode",
    "DeliveryReceipt",
    "DeliveryState",
    "DeliveryStatus",
    "DeliveryTracker",
    "InboundMessage",
    "InboundType",
    "PartResult",
    "PartState",
    "PartStatus",
    "Reassembler",
    "RawFields",
    "ReplayGuard",
    # stores shared by workers
    "MemoryStore",
    "RedisStore",
    "SQLiteStore",
    "Store",
    "StoreError",
    "WebhookInput",
    "parse_delivery_receipt",
    "check_webhook",
    "parse_inbound",
    "verify_webhook",
]
