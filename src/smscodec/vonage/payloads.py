"""Send payloads for the Vonage SMS API: ``POST https://rest.nexmo.com/sms/json`` (or ``/xml``).

:func:`build_send_payload` is the one place the API reference's rules live; :class:`SmsRequest`
is a typed front end that delegates to it.  Nothing here does I/O: the result is a
``dict[str, str]`` of form fields that :func:`encode_form` turns into a request body.

Decisions where the reference leaves room (documented once, here):

* **Types.**  A field of the wrong Python type (``ttl="900000"``, ``ttl=1.5``,
  ``status-report-req="yes"``) is a :class:`~smscodec.errors.PayloadError` naming the
  field, like any other broken rule: integers are ``int`` (not ``bool``), flags are
  ``bool``, everything else ``str`` (``body``/``udh`` also take ``bytes``).  ``None``
  means "not given".  Wrong types of the *arguments* themselves (``fields`` not a
  mapping, ``api_key=123``) are ``TypeError``.
* **Numbers.**  ``to`` must be 7-15 digits (E.164 without ``+``); one leading ``+`` is
  accepted and dropped, since E.164 is usually written with it.  The same holds for a
  numeric ``from`` (1-15 digits).  A ``from`` that is not all digits is an alphanumeric
  sender ID: printable ASCII, at most 11 characters counted as given (the API ignores
  spaces in it, but operators count them inconsistently, so we do not).
* **Text length.**  Vonage refuses texts over 3200 characters (status 12).  Its platform
  counts UTF-16 code units (as Java's ``String.length()`` does), so an emoji counts 2;
  we count the same way so that a text we accept is never refused for length.
* **Type.**  Without ``type``, a text that is not GSM-7 is sent as ``unicode`` and one that
  is as ``text``; a ``body`` without ``type`` means ``binary``.  ``type`` is always written
  out, so the signed parameters are explicit.  An explicit ``type="text"`` with a character
  GSM-7 cannot carry is a PayloadError with ``field="text"``: the offending character is in
  the text (the message names it, its index, and ``type=unicode`` as the fix).
"""

from __future__ import annotations

__all__ = [
    "FIELDS",
    "MAX_TEXT_UNITS",
    "Credentials",
    "SendPayload",
    "SmsRequest",
    "basic_auth_header",
    "build_send_payload",
    "encode_form",
]

import base64
import dataclasses
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from .. import signing
from ..errors import HexError, PayloadError
from ..gsm7 import is_gsm7
from ..hexbody import from_hex

#: Every field the send endpoint takes besides authentication, in the order written out.
FIELDS: tuple[str, ...] = (
    "from",
    "to",
    "type",
    "text",
    "body",
    "udh",
    "protocol-id",
    "ttl",
    "status-report-req",
    "callback",
    "message-class",
    "client-ref",
    "account-ref",
    "entity-id",
    "content-id",
    "trusted-number",
    "pool-id",
)
_FIELD_SET = frozenset(FIELDS)
_AUTH_FIELDS = frozenset({"api_key", "api_secret", "sig", "timestamp"})

#: Vonage's text limit, in UTF-16 code units (see the module docstring).
MAX_TEXT_UNITS = 3200
# TS 23.040 §9.2.3.24: the user data (header included) of one SMS is at most 140 octets.
_MAX_BINARY_OCTETS = 140
# E.164 (ITU-T E.164 §6): at most 15 digits.
_MAX_NUMBER_DIGITS = 15
_MIN_TO_DIGITS = 7
# Alphanumeric sender IDs: at most 11 characters (TS 23.040 §9.1.2.5: 11 GSM-7
# characters fill the 10 octets of an alphanumeric TP-OA).
_MAX_ALPHA_SENDER = 11
# The API reference: callback "Max 100 characters", client-ref "up to 100 characters".
_MAX_CALLBACK = 100
_MAX_CLIENT_REF = 100
# The API reference: ttl in milliseconds, minimum 20000, maximum 604800000 (7 days).
_TTL_RANGE = (20_000, 604_800_000)
_TYPES = ("text", "binary", "unicode")
_DIGITS = frozenset("0123456789")


def _is_gsm7(text: str) -> bool:
    return is_gsm7(text)


def _from_hex(field: str, text: str) -> bytes:
    try:
        data: bytes = from_hex(text)
    except HexError as exc:
        raise PayloadError(f"{field}: {exc}", field=field) from exc
    return data


def _utf16_units(text: str) -> int:
    # Characters beyond the BMP take a surrogate pair in UTF-16.
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _type_name(value: object) -> str:
    return type(value).__name__


def _str(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise PayloadError(f"{field} must be a str, not {_type_name(value)}", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PayloadError(
            f"{field} contains a lone surrogate at index {exc.start}; it cannot be sent as UTF-8",
            field=field,
        ) from None
    return str.__str__(value)


def _int(field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(f"{field} must be an int, not {_type_name(value)}", field=field)
    if not low <= value <= high:
        raise PayloadError(f"{field} must be between {low} and {high}, got {int(value)}", field=field)
    return int(value)


def _flag(field: str, value: object) -> str:
    if not isinstance(value, bool):
        raise PayloadError(f"{field} must be a bool, not {_type_name(value)}", field=field)
    return "true" if value else "false"


def _digits(text: str) -> bool:
    return bool(text) and all(c in _DIGITS for c in text)


def _to(value: object) -> str:
    number = _str("to", value)
    digits = number[1:] if number.startswith("+") else number
    if not _digits(digits) or not _MIN_TO_DIGITS <= len(digits) <= _MAX_NUMBER_DIGITS:
        raise PayloadError(
            f"to must be a phone number of {_MIN_TO_DIGITS}-{_MAX_NUMBER_DIGITS} digits in E.164 format "
            f"without '+' (e.g. 447700900000), got {number!r}",
            field="to",
        )
    return digits


def _sender(value: object) -> str:
    sender = _str("from", value)
    digits = sender[1:] if sender.startswith("+") else sender
    if _digits(digits):
        if len(digits) > _MAX_NUMBER_DIGITS:
            raise PayloadError(
                f"from: a numeric sender has at most {_MAX_NUMBER_DIGITS} digits (E.164), got {len(digits)}",
                field="from",
            )
        return digits
    if not sender.strip():
        raise PayloadError("from must not be empty", field="from")
    for index, char in enumerate(sender):
        if not " " <= char <= "~":
            raise PayloadError(
                f"from: an alphanumeric sender ID takes printable ASCII only; "
                f"found {char!r} at index {index}",
                field="from",
            )
    if len(sender) > _MAX_ALPHA_SENDER:
        raise PayloadError(
            f"from: an alphanumeric sender ID has at most {_MAX_ALPHA_SENDER} characters, got {len(sender)}",
            field="from",
        )
    return sender


def _callback(value: object) -> str:
    url = _str("callback", value)
    if len(url) > _MAX_CALLBACK:
        raise PayloadError(
            f"callback has at most {_MAX_CALLBACK} characters, got {len(url)}", field="callback"
        )
    for index, char in enumerate(url):
        # Visible ASCII only: status 23 is "too long or contained illegal characters".
        if not "!" <= char <= "~":
            raise PayloadError(
                f"callback: found {char!r} at index {index}; a URL takes visible ASCII only "
                "(percent-encode anything else)",
                field="callback",
            )
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        raise PayloadError(f"callback is not a valid URL: {exc}", field="callback") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise PayloadError(
            f"callback must be an absolute http:// or https:// URL, got {url!r}", field="callback"
        )
    return url


def _hex_field(field: str, value: object) -> tuple[str, bytes]:
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return data.hex().upper(), data
    text = _str(field, value)
    return text, _from_hex(field, text)


def build_send_payload(
    fields: Mapping[str, object],
    *,
    api_key: str | None = None,
    api_secret: str | None = None,
    signature_secret: str | None = None,
    signature_method: str = "md5hash",
    timestamp: int | None = None,
) -> SendPayload:
    """Validate ``fields`` against the SMS API's rules and build the form fields to POST.

    ``fields`` use the API's wire names (:data:`FIELDS`); ``None`` values are skipped.
    Authentication, chosen by the secrets given:

    * ``signature_secret`` (with ``api_key``): the payload carries ``api_key``,
      ``timestamp`` (Unix seconds; ``timestamp=`` overrides the clock) and ``sig``, and
      never ``api_secret`` (the API refuses both, status 32);
    * ``api_secret`` alone (with ``api_key``): ``api_key`` and ``api_secret`` in the body;
    * neither: no credentials in the body; send :func:`basic_auth_header` instead.

    Returns:
        A :class:`SendPayload` (a ``dict[str, str]`` whose ``repr`` hides the secret).

    Raises:
        PayloadError: a field that breaks a rule (its ``field`` is the wire name), an
            unknown field, or ``api_key`` missing next to a secret.
        SignatureError: an unknown ``signature_method``.
        TypeError: ``fields`` is not a mapping, a key is not a ``str``, or a credential
            or ``timestamp`` has the wrong type.
    """
    if not isinstance(fields, Mapping):
        raise TypeError(f"fields must be a mapping, not {_type_name(fields)}")
    # The arguments' own types first: a wrong type is a TypeError whatever the fields hold.
    _check_argument_types(api_key, api_secret, signature_secret, signature_method, timestamp)
    given: dict[str, object] = {}
    for key, value in fields.items():
        if not isinstance(key, str):
            raise TypeError(f"field names must be str, not {_type_name(key)}")
        if key in _AUTH_FIELDS:
            raise PayloadError(
                f"{key} is not a message field: pass credentials as keyword arguments "
                "(api_key=, api_secret=, signature_secret=, timestamp=)",
                field=key,
            )
        if key not in _FIELD_SET:
            raise PayloadError(f"unknown field {key!r}; the SMS API takes: {', '.join(FIELDS)}", field=key)
        if value is not None:
            given[key] = value

    out: dict[str, str] = {}
    if "from" not in given:
        raise PayloadError("from is required (the sender ID or number)", field="from")
    out["from"] = _sender(given["from"])
    if "to" not in given:
        raise PayloadError("to is required (the recipient's number)", field="to")
    out["to"] = _to(given["to"])

    text = _str("text", given["text"]) if "text" in given else None
    if "type" in given:
        kind = _str("type", given["type"])
        if kind not in _TYPES:
            raise PayloadError(f"type must be one of text, binary, unicode; got {kind!r}", field="type")
    elif text is None and ("body" in given or "udh" in given):
        kind = "binary"
    elif text is not None and not _is_gsm7(text):
        kind = "unicode"
    else:
        kind = "text"
    out["type"] = kind

    if kind == "binary":
        if text is not None:
            raise PayloadError("text cannot be sent with type=binary: put the data in body", field="text")
        if "body" not in given:
            raise PayloadError("body is required with type=binary", field="body")
        out["body"], body = _hex_field("body", given["body"])
        udh = b""
        if "udh" in given:
            out["udh"], udh = _hex_field("udh", given["udh"])
            # TS 23.040 §9.2.3.24: the first octet (UDHL) counts the octets after it.
            if not udh or udh[0] + 1 != len(udh):
                raise PayloadError(
                    "udh must start with its length octet (UDHL) and be exactly UDHL + 1 octets long",
                    field="udh",
                )
        if len(body) + len(udh) > _MAX_BINARY_OCTETS:
            raise PayloadError(
                f"body and udh together take at most {_MAX_BINARY_OCTETS} octets (one SMS), "
                f"got {len(body)} + {len(udh)}",
                field="body",
            )
    else:
        for name in ("body", "udh"):
            if name in given:
                raise PayloadError(f"{name} is only sent with type=binary (type is {kind})", field=name)
        if text is None:
            raise PayloadError(f"text is required with type={kind}", field="text")
        if not text:
            raise PayloadError("text must not be empty", field="text")
        units = _utf16_units(text)
        if units > MAX_TEXT_UNITS:
            raise PayloadError(
                f"text is {units} characters (UTF-16 units); Vonage takes at most {MAX_TEXT_UNITS}",
                field="text",
            )
        if kind == "text" and not _is_gsm7(text):
            position, char = next((i, c) for i, c in enumerate(text) if not _is_gsm7(c))
            raise PayloadError(
                f"text has {char!r} (U+{ord(char):04X}) at index {position}, which GSM-7 cannot carry: "
                "with type=text the handset would show '?'; use type=unicode or leave type out",
                field="text",
            )
        out["text"] = text

    if "protocol-id" in given:
        out["protocol-id"] = str(_int("protocol-id", given["protocol-id"], 0, 255))
    if "ttl" in given:
        out["ttl"] = str(_int("ttl", given["ttl"], *_TTL_RANGE))
    if "status-report-req" in given:
        out["status-report-req"] = _flag("status-report-req", given["status-report-req"])
    if "callback" in given:
        out["callback"] = _callback(given["callback"])
    if "message-class" in given:
        out["message-class"] = str(_int("message-class", given["message-class"], 0, 3))
    if "client-ref" in given:
        ref = _str("client-ref", given["client-ref"])
        if len(ref) > _MAX_CLIENT_REF:
            raise PayloadError(
                f"client-ref has at most {_MAX_CLIENT_REF} characters, got {len(ref)}", field="client-ref"
            )
        out["client-ref"] = ref
    for name in ("account-ref", "entity-id", "content-id", "pool-id"):
        if name in given:
            out[name] = _str(name, given[name])
    if "trusted-number" in given:
        out["trusted-number"] = _flag("trusted-number", given["trusted-number"])

    # Keep the documented field order whatever order the caller used.
    payload = SendPayload((name, out[name]) for name in FIELDS if name in out)
    _authenticate(payload, api_key, api_secret, signature_secret, signature_method, timestamp)
    return payload


def _check_argument_types(
    api_key: object, api_secret: object, signature_secret: object, signature_method: object, timestamp: object
) -> None:
    for name, value in (
        ("api_key", api_key),
        ("api_secret", api_secret),
        ("signature_secret", signature_secret),
    ):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {_type_name(value)}")
    if not isinstance(signature_method, str):
        raise TypeError(f"signature_method must be a str, not {_type_name(signature_method)}")
    if timestamp is not None and (isinstance(timestamp, bool) or not isinstance(timestamp, int)):
        raise TypeError(f"timestamp must be an int (Unix seconds), not {_type_name(timestamp)}")


def _credential(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {_type_name(value)}")
    if not value:
        raise PayloadError(f"{name} must not be empty", field=name)
    return value


def _authenticate(
    payload: SendPayload,
    api_key: object,
    api_secret: object,
    signature_secret: object,
    signature_method: str,
    timestamp: object,
) -> None:
    key = _credential("api_key", api_key)
    secret = _credential("api_secret", api_secret)
    sig_secret = _credential("signature_secret", signature_secret)
    if timestamp is not None and (isinstance(timestamp, bool) or not isinstance(timestamp, int)):
        raise TypeError(f"timestamp must be an int (Unix seconds), not {_type_name(timestamp)}")
    if key is None:
        if secret is not None or sig_secret is not None:
            raise PayloadError("api_key is required with api_secret or signature_secret", field="api_key")
        return
    if secret is None and sig_secret is None:
        raise PayloadError(
            "api_key needs api_secret or signature_secret; for Basic auth leave all three out and "
            "send basic_auth_header(api_key, api_secret)",
            field="api_key",
        )
    payload["api_key"] = key
    if sig_secret is None:
        if secret is not None:
            payload["api_secret"] = secret
        return
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    if stamp < 0:
        raise PayloadError(f"timestamp must be >= 0, got {stamp}", field="timestamp")
    payload["timestamp"] = str(stamp)
    payload["sig"] = signing.sign(payload, sig_secret, signature_method)


_MASKED = frozenset({"api_secret", "sig"})


class SendPayload(dict[str, str]):
    """The form fields of one send request: a plain ``dict[str, str]`` whose ``repr``
    masks ``api_secret`` and ``sig``, so that logging a payload leaks neither the secret
    nor a signature that could be replayed."""

    __slots__ = ()

    def __repr__(self) -> str:
        shown = {k: ("***" if k in _MASKED else v) for k, v in self.items()}
        return f"{type(self).__name__}({shown!r})"


def encode_form(payload: Mapping[str, str]) -> str:
    """Encode ``payload`` as ``application/x-www-form-urlencoded`` (UTF-8, ``+`` for spaces).

    Returns:
        The request body as ``str``; send it as ``body.encode("ascii")`` with
        ``Content-Type: application/x-www-form-urlencoded``.

    Raises:
        TypeError: ``payload`` is not a mapping, or a key or value is not a ``str``.
        PayloadError: a key or value that cannot be encoded as UTF-8 (a lone surrogate).
    """
    if not isinstance(payload, Mapping):
        raise TypeError(f"payload must be a mapping, not {_type_name(payload)}")
    parts = []
    for key, value in payload.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"form keys and values must be str, found {_type_name(key)}: {_type_name(value)}")
        try:
            parts.append(f"{urllib.parse.quote_plus(key)}={urllib.parse.quote_plus(value)}")
        except UnicodeEncodeError:
            raise PayloadError(f"{key!r} cannot be encoded as UTF-8 (lone surrogate)", field=key) from None
    return "&".join(parts)


def basic_auth_header(api_key: str, api_secret: str) -> str:
    """The ``Authorization`` header value for HTTP Basic auth (RFC 7617, UTF-8).

    Returns:
        ``"Basic "`` followed by base64 of ``api_key:api_secret``.

    Raises:
        TypeError: a credential is not a ``str``.
        PayloadError: an empty credential, or an ``api_key`` containing ``:`` (RFC 7617
            §2: the user-id cannot contain a colon).
    """
    for name, value in (("api_key", api_key), ("api_secret", api_secret)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {_type_name(value)}")
        if not value:
            raise PayloadError(f"{name} must not be empty", field=name)
    if ":" in api_key:
        raise PayloadError("api_key cannot contain ':' (RFC 7617 §2)", field="api_key")
    try:
        raw = f"{api_key}:{api_secret}".encode()
    except UnicodeEncodeError:
        raise PayloadError("credentials cannot be encoded as UTF-8", field="api_secret") from None
    return "Basic " + base64.b64encode(raw).decode("ascii")


@dataclasses.dataclass(frozen=True)
class Credentials:
    """Vonage credentials; ``repr`` never shows the secrets.

    Give ``signature_secret`` to sign requests (recommended) or ``api_secret`` to send it
    in the body.
    """

    api_key: str
    api_secret: str | None = dataclasses.field(default=None, repr=False)
    signature_secret: str | None = dataclasses.field(default=None, repr=False)
    signature_method: str = "md5hash"

    def __post_init__(self) -> None:
        _credential("api_key", self.api_key)
        _credential("api_secret", self.api_secret)
        _credential("signature_secret", self.signature_secret)
        if self.api_secret is None and self.signature_secret is None:
            raise PayloadError("Credentials need api_secret or signature_secret", field="api_key")
        if self.signature_secret is not None:
            # Fail at construction, not at the first send.
            signing.sign({}, self.signature_secret, self.signature_method)

    def basic_auth_header(self) -> str:
        """:func:`basic_auth_header` for these credentials (needs ``api_secret``).

        Raises:
            PayloadError: there is no ``api_secret``.
        """
        if self.api_secret is None:
            raise PayloadError("Basic auth needs api_secret", field="api_secret")
        return basic_auth_header(self.api_key, self.api_secret)


# Python-friendly attribute -> wire name, in FIELDS order.
_WIRE_NAMES: dict[str, str] = {
    "sender": "from",
    "to": "to",
    "type": "type",
    "text": "text",
    "body": "body",
    "udh": "udh",
    "protocol_id": "protocol-id",
    "ttl": "ttl",
    "status_report": "status-report-req",
    "callback": "callback",
    "message_class": "message-class",
    "client_ref": "client-ref",
    "account_ref": "account-ref",
    "entity_id": "entity-id",
    "content_id": "content-id",
    "trusted_number": "trusted-number",
    "pool_id": "pool-id",
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class SmsRequest:
    """One SMS to send, with Python names for the API's fields; validated on construction.

    The rules are those of :func:`build_send_payload`, which this class calls: a request
    that constructs is one that builds.  ``None`` means "leave the field out".

    Attributes:
        sender: ``from``: an alphanumeric sender ID (at most 11 characters) or a number.
        to: the recipient, E.164 (7-15 digits; a leading ``+`` is dropped).
        text: the message text (``type`` text or unicode).
        type: ``"text"``, ``"unicode"`` or ``"binary"``; ``None`` picks from the content.
        body: binary data (``bytes``, or hex in a ``str``) with ``type="binary"``.
        udh: a user data header (``bytes`` or hex, UDHL first) with ``type="binary"``.
        protocol_id: ``protocol-id``, 0-255.
        ttl: delivery attempts window in milliseconds, 20000-604800000.
        status_report: ``status-report-req``: ask for a delivery receipt.
        callback: the delivery receipt URL (http(s), at most 100 characters).
        message_class: ``message-class``, 0-3.
        client_ref: your reference (at most 100 characters), echoed in receipts.
        account_ref: ``account-ref``, for split billing.
        entity_id: ``entity-id``, regulatory (e.g. India DLT).
        content_id: ``content-id``, regulatory (e.g. India DLT).
        trusted_number: ``trusted-number``: bypass Fraud Defender rules for this message.
        pool_id: ``pool-id``: send from a number pool (``sender`` is the fall-back).
    """

    sender: str
    to: str
    text: str | None = None
    type: str | None = None
    body: bytes | str | None = None
    udh: bytes | str | None = None
    protocol_id: int | None = None
    ttl: int | None = None
    status_report: bool | None = None
    callback: str | None = None
    message_class: int | None = None
    client_ref: str | None = None
    account_ref: str | None = None
    entity_id: str | None = None
    content_id: str | None = None
    trusted_number: bool | None = None
    pool_id: str | None = None

    def __post_init__(self) -> None:
        build_send_payload(self.fields())

    def fields(self) -> dict[str, Any]:
        """The request as :func:`build_send_payload` takes it: wire names, ``None`` left out."""
        values = {wire: getattr(self, attr) for attr, wire in _WIRE_NAMES.items()}
        return {wire: value for wire, value in values.items() if value is not None}

    def payload(self, credentials: Credentials | None = None, *, timestamp: int | None = None) -> SendPayload:
        """The form fields to POST, authenticated with ``credentials``.

        Without credentials the payload carries none (use Basic auth).

        Returns:
            The :class:`SendPayload`, as :func:`build_send_payload` builds it.

        Raises:
            TypeError: ``credentials`` is not a :class:`Credentials`.
        """
        if credentials is None:
            return build_send_payload(self.fields(), timestamp=timestamp)
        if not isinstance(credentials, Credentials):
            raise TypeError(f"credentials must be Credentials, not {_type_name(credentials)}")
        return build_send_payload(
            self.fields(),
            api_key=credentials.api_key,
            api_secret=credentials.api_secret,
            signature_secret=credentials.signature_secret,
            signature_method=credentials.signature_method,
            timestamp=timestamp,
        )
