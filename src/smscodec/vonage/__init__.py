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
)
from .status import StatusCode

# --- webhooks (receipts, inbound, reassembly, verification, delivery tracking) ---

__all__: list[str] = [
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
    # webhooks
]
