"""Send payloads for the Vonage SMS API: ``POST https://rest.nexmo.com/sms/json`` (or ``/xml``).

:func:`build_send_payload` checks the API reference's rules and :class:`SmsRequest` is a
typed front end over the same rules.  Nothing here does I/O: the result is a
:class:`SendPayload` (a ``dict[str, str]`` of form fields) that :func:`encode_form` turns
into a request body.

Theory of operation: the rules come in four groups, each a small function below with the
reference's wording cited: **identity** (``from``, ``to``), **body** (``type``, ``text``,
``body``, ``udh``), **options** (``ttl``, ``callback``, ``status-report-req``,
``message-class``, ``protocol-id``, ``client-ref``, ``account-ref``, ``entity-id``,
``content-id``, ``trusted-number``, ``pool-id``) and **authentication** (``api_key``,
``api_secret`` or ``timestamp`` + ``sig``).  The first three make the message fields;
authentication adds credentials to a copy of them, so :class:`SmsRequest` checks its
message once, on construction, and only authenticates on each :meth:`SmsRequest.payload`.

Source of every number: the SMS API reference (https://developer.vonage.com/en/api/sms),
operation ``send-an-sms``, request schema ``NewMessage``, quoted as "the reference" below.

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
  sender ID: printable ASCII, at most 11 characters *not counting spaces*, since the
  reference says "If alphanumeric, spaces will be ignored" (``"Acme Inc Ltd"`` is 10
  characters).  The sender is sent as given; the platform drops the spaces.
* **Text length.**  Vonage refuses texts over 3200 characters (status 12).  Its platform
  counts UTF-16 code units (as Java's ``String.length()`` does), so an emoji counts 2;
  we count the same way so that a text we accept is never refused for length.
* **Type.**  Without ``type``, a text that is not GSM-7 is sent as ``unicode`` and one that
  is as ``text``; a ``body`` or ``udh`` without ``type`` means ``binary``.  ``type`` is always
  written out, so the signed parameters are explicit.  An explicit ``type="text"`` with a
  character GSM-7 cannot carry is a PayloadError with ``field="text"``: the offending
  character is in the text (the message names it, its index, and ``type=unicode`` as the fix).
* **Binary.**  ``type=binary`` needs a non-empty ``body`` or a ``udh``: a header alone is a
  valid message (a header-only binary SMS, e.g. a port-addressed or indication message
  whose meaning is all in its header); an empty ``body`` counts as none and is left out.
* **Credentials.**  ``api_key`` is exactly 8 characters and ``api_secret`` 6-32 (the
  reference: "Min 8, Max 8" and "Min 6, Max 32").  A signed request carries ``sig`` and
  ``timestamp`` and never ``api_secret``; it must not go out with an ``Authorization``
  header either (that would present the API secret too, which the API refuses with status
  32), so :meth:`Credentials.basic_auth_header` refuses credentials that sign.  The
  reference gives ``sig`` 16-60 characters, written when MD5 was the only method: the
  digests of ``md5hash``/``md5`` (32 hex digits) and ``sha1`` (40) fit, those of
  ``sha256`` (64) and ``sha512`` (128) are longer.  Vonage's signing guide offers SHA-256
  and SHA-512 HMAC as account settings (the method must match the account's), and the
  reference's own delivery receipt example carries a 64-hex-digit ``sig``, the length of
  a SHA-256 HMAC: the 60 is stale, not a limit of the platform.  So we send every digest
  whole (a shortened digest could never verify).  What that means for you: with
  ``sha256``/``sha512`` a request's ``sig`` is longer than the reference says; if the
  platform ever refused one, the response says so (status 14, Invalid Signature) and
  ``md5``/``sha1`` HMAC are the methods whose digests fit the 16-60.
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
import functools
import time
import urllib.parse
from collections.abc import Callable, ItemsView, Iterable, Mapping, ValuesView
from typing import Any

from .. import signing
from ..errors import ArgumentError, HexError, PayloadError, shown
from ..gsm7 import is_gsm7, pack_septets
from ..hexbody import from_hex
from ..segments import split

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
# E.164 (ITU-T E.164 §6): at most 15 digits; the reference: to "Min 7, Max 15", \d{7,15}.
_MAX_NUMBER_DIGITS = 15
_MIN_TO_DIGITS = 7
# Alphanumeric sender IDs: at most 11 characters (TS 23.040 §9.1.2.5: 11 GSM-7
# characters fill the 10 octets of an alphanumeric TP-OA), spaces not counted.
_MAX_ALPHA_SENDER = 11
# The reference: callback "Max 100 characters", client-ref "up to 100 characters".
_MAX_CALLBACK = 100
_MAX_CLIENT_REF = 100
# The reference: ttl in milliseconds, minimum 20000, maximum 604800000 (7 days).
_TTL_RANGE = (20_000, 604_800_000)
# The reference: api_key "Min 8, Max 8"; api_secret "Min 6, Max 32".
_API_KEY_LENGTH = 8
_API_SECRET_LENGTHS = (6, 32)
# Unix seconds; 2**63 - 1 is the largest a signed 64-bit clock can hold.
_MAX_TIMESTAMP = 2**63 - 1
_TYPES = ("text", "binary", "unicode")
_DIGITS = frozenset("0123456789")


# ---- value converters (shared by the rule groups) ----------------------------------------


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
        raise PayloadError(f"{field} must be between {low} and {high}, got {shown(int(value))}", field=field)
    return int(value)


def _flag(field: str, value: object) -> str:
    if not isinstance(value, bool):
        raise PayloadError(f"{field} must be a bool, not {_type_name(value)}", field=field)
    return "true" if value else "false"


def _digits(text: str) -> bool:
    return bool(text) and all(c in _DIGITS for c in text)


def _hex_field(field: str, value: object) -> tuple[str, bytes]:
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return data.hex().upper(), data
    text = _str(field, value)
    try:
        decoded: bytes = from_hex(text)
    except HexError as exc:
        raise PayloadError(f"{field}: {exc}", field=field) from exc
    return text, decoded


def _utf16_units(text: str) -> int:
    # Characters beyond the BMP take a surrogate pair in UTF-16.
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


# ---- field names ----------------------------------------------------------------------------


def _given(fields: Mapping[str, object]) -> dict[str, object]:
    """The fields the caller gave, ``None`` dropped; unknown names and credentials refused."""
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
            raise PayloadError(
                f"unknown field {shown(key)}; the SMS API takes: {', '.join(FIELDS)}", field=key
            )
        if value is not None:
            given[key] = value
    return given


# ---- rule group 1: identity (from, to) -------------------------------------------------------


def _identity(given: Mapping[str, object]) -> dict[str, str]:
    """``from`` and ``to``, both required (the reference's ``required: [api_key, from, to]``)."""
    _require(given, "from")
    sender = _sender(given["from"])
    _require(given, "to")
    return {"from": sender, "to": _to(given["to"])}


def _require(given: Mapping[str, object], field: str) -> None:
    if field not in given:
        what = "the sender ID or number" if field == "from" else "the recipient's number"
        raise PayloadError(f"{field} is required ({what})", field=field)


def _to(value: object) -> str:
    """The reference: "The number that the message should be sent to. Numbers are specified
    in E.164 format", Min 7, Max 15, pattern ``\\d{7,15}``."""
    number = _str("to", value)
    digits = number[1:] if number.startswith("+") else number
    if not _digits(digits) or not _MIN_TO_DIGITS <= len(digits) <= _MAX_NUMBER_DIGITS:
        raise PayloadError(
            f"to must be a phone number of {_MIN_TO_DIGITS}-{_MAX_NUMBER_DIGITS} digits in E.164 format "
            f"without '+' (e.g. 447700900000), got {shown(number)}",
            field="to",
        )
    return digits


def _sender(value: object) -> str:
    """The reference: "The name or number the message should be sent from ... If
    alphanumeric, spaces will be ignored. Numbers are specified in E.164 format."."""
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
    # "If alphanumeric, spaces will be ignored": they do not count towards the 11.
    length = len(sender) - sender.count(" ")
    if length > _MAX_ALPHA_SENDER:
        raise PayloadError(
            f"from: an alphanumeric sender ID has at most {_MAX_ALPHA_SENDER} characters "
            f"(spaces are ignored and not counted), got {length}",
            field="from",
        )
    return sender


# ---- rule group 2: body (type, text, body, udh) -----------------------------------------------


def _body(given: Mapping[str, object]) -> dict[str, str]:
    """``type`` and what it carries: ``text`` for text/unicode, ``body``/``udh`` for binary.

    The reference: type "The format of the message body", one of text, binary, unicode;
    body "Hex encoded binary data. Depends on type parameter having the value binary";
    udh "Your custom Hex encoded User Data Header. Depends on type parameter having the
    value binary".
    """
    text = _str("text", given["text"]) if "text" in given else None
    kind = _message_type(given, text)
    if kind == "binary":
        if text is not None:
            raise PayloadError("text cannot be sent with type=binary: put the data in body", field="text")
        return {"type": kind, **_binary(given)}
    for name in ("body", "udh"):
        if name in given:
            raise PayloadError(f"{name} is only sent with type=binary (type is {kind})", field=name)
    return {"type": kind, "text": _text(text, kind)}


def _message_type(given: Mapping[str, object], text: str | None) -> str:
    if "type" in given:
        kind = _str("type", given["type"])
        if kind not in _TYPES:
            raise PayloadError(f"type must be one of text, binary, unicode; got {shown(kind)}", field="type")
        return kind
    if text is None and ("body" in given or "udh" in given):
        return "binary"
    if text is not None and not is_gsm7(text):
        return "unicode"
    return "text"


def _text(text: str | None, kind: str) -> str:
    """The reference: text "The body of the message being sent. If your message contains
    characters that can be encoded according to the GSM Standard and Extended tables then
    you can set the type to text. If your message contains characters outside this range,
    then you will need to set the type to unicode"; status 12 past 3200 characters."""
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
    if kind == "text" and not is_gsm7(text):
        position, char = next((i, c) for i, c in enumerate(text) if not is_gsm7(c))
        raise PayloadError(
            f"text has {char!r} (U+{ord(char):04X}) at index {position}, which GSM-7 cannot carry: "
            "with type=text the handset would show '?'; use type=unicode or leave type out",
            field="text",
        )
    return text


def _binary(given: Mapping[str, object]) -> dict[str, str]:
    """``body`` and ``udh`` of a binary message: a non-empty body, a header, or both, at
    most 140 octets together (TS 23.040 §9.2.3.24, one SMS)."""
    out: dict[str, str] = {}
    body = b""
    if "body" in given:
        hex_body, body = _hex_field("body", given["body"])
        if body:  # an empty body is no body: left out
            out["body"] = hex_body
    udh = b""
    if "udh" in given:
        out["udh"], udh = _hex_field("udh", given["udh"])
        # TS 23.040 §9.2.3.24: the first octet (UDHL) counts the octets after it.
        if not udh or udh[0] + 1 != len(udh):
            raise PayloadError(
                "udh must start with its length octet (UDHL) and be exactly UDHL + 1 octets long",
                field="udh",
            )
    if not body and "udh" not in given:
        detail = "an empty body is not a message" if "body" in given else "body is missing"
        raise PayloadError(
            f"body is required with type=binary ({detail}; give a non-empty body, "
            "or a udh for a header-only message)",
            field="body",
        )
    if len(body) + len(udh) > _MAX_BINARY_OCTETS:
        raise PayloadError(
            f"body and udh together take at most {_MAX_BINARY_OCTETS} octets (one SMS), "
            f"got {len(body)} + {len(udh)}",
            field="body" if body else "udh",
        )
    return out


# ---- rule group 3: options --------------------------------------------------------------------


def _protocol_id(value: object) -> str:
    """The reference: protocol-id "The value of the protocol identifier to use. Ensure that
    the value is aligned with udh", an integer: the TP-PID octet (TS 23.040 §9.2.3.9), 0-255."""
    return str(_int("protocol-id", value, 0, 255))


def _ttl(value: object) -> str:
    """The reference: ttl "The duration in milliseconds the delivery of an SMS will be
    attempted", minimum 20000, maximum 604800000."""
    return str(_int("ttl", value, *_TTL_RANGE))


def _status_report(value: object) -> str:
    """The reference: status-report-req "Boolean indicating if you like to receive a
    Delivery Receipt"."""
    return _flag("status-report-req", value)


def _callback(value: object) -> str:
    """The reference: callback "The webhook endpoint the delivery receipt for this sms is
    sent to ... Max 100 characters"; status 23 is a URL "too long or contained illegal
    characters"."""
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
            f"callback must be an absolute http:// or https:// URL, got {shown(url)}", field="callback"
        )
    return url


def _message_class(value: object) -> str:
    """The reference: message-class "The Data Coding Scheme value of the message", one of
    0, 1, 2, 3 (the message class of TS 23.038 §4)."""
    return str(_int("message-class", value, 0, 3))


def _client_ref(value: object) -> str:
    """The reference: client-ref "You can optionally include your own reference of up to
    100 characters"."""
    ref = _str("client-ref", value)
    if len(ref) > _MAX_CLIENT_REF:
        raise PayloadError(
            f"client-ref has at most {_MAX_CLIENT_REF} characters, got {len(ref)}", field="client-ref"
        )
    return ref


def _free_text(field: str) -> Callable[[object], str]:
    """account-ref, entity-id, content-id and pool-id: strings the reference gives no
    format for (account-ref for split billing, entity-id/content-id "satisfy regulatory
    requirements", pool-id names a number pool)."""
    return functools.partial(_str, field)


def _trusted_number(value: object) -> str:
    """The reference: trusted-number, a boolean that lets the message skip Fraud Defender."""
    return _flag("trusted-number", value)


# Checked in this order (the first broken rule is the one reported).
_OPTION_RULES: tuple[tuple[str, Callable[[object], str]], ...] = (
    ("protocol-id", _protocol_id),
    ("ttl", _ttl),
    ("status-report-req", _status_report),
    ("callback", _callback),
    ("message-class", _message_class),
    ("client-ref", _client_ref),
    ("account-ref", _free_text("account-ref")),
    ("entity-id", _free_text("entity-id")),
    ("content-id", _free_text("content-id")),
    ("pool-id", _free_text("pool-id")),
    ("trusted-number", _trusted_number),
)


def _options(given: Mapping[str, object]) -> dict[str, str]:
    """Every optional field the caller gave, each by its own rule."""
    return {name: rule(given[name]) for name, rule in _OPTION_RULES if name in given}


def _message_fields(fields: Mapping[str, object]) -> SendPayload:
    """The message fields (no credentials), every rule checked, in :data:`FIELDS` order."""
    given = _given(fields)
    out = {**_identity(given), **_body(given), **_options(given)}
    # Keep the documented field order whatever order the caller used.
    return SendPayload((name, out[name]) for name in FIELDS if name in out)


# ---- rule group 4: authentication -------------------------------------------------------------


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


def _api_key(value: object) -> str | None:
    """The reference: api_key "Your API key", Min 8, Max 8."""
    key = _credential("api_key", value)
    if key is not None and len(key) != _API_KEY_LENGTH:
        raise PayloadError(
            f"api_key is exactly {_API_KEY_LENGTH} characters (as the dashboard shows it), got {len(key)}",
            field="api_key",
        )
    return key


def _api_secret(secret: str) -> str:
    """The reference: api_secret "Your API secret. Required unless sig is provided", Min 6,
    Max 32.  The message gives the length only, never the secret."""
    low, high = _API_SECRET_LENGTHS
    if not low <= len(secret) <= high:
        raise PayloadError(
            f"api_secret must be {low}-{high} characters, got {len(secret)}", field="api_secret"
        )
    return secret


def _authenticate(
    payload: SendPayload,
    api_key: str | None,
    api_secret: str | None,
    signature_secret: str | None,
    signature_method: str,
    timestamp: int | None,
) -> None:
    """Add the credentials to ``payload`` (in place): ``api_key`` and then either ``api_secret``
    or ``timestamp`` and ``sig``, never both (status 32: "A signed request may not also
    present an api_secret").

    ``sig``: the reference's "hash of the request parameters in alphabetical order, a
    timestamp and the signature secret", 16-60 characters; see the module docstring for the
    methods whose digests are longer (``sha256``: 64, ``sha512``: 128 hex digits).
    """
    _check_argument_types(api_key, api_secret, signature_secret, signature_method, timestamp)
    key = _api_key(api_key)
    secret = _credential("api_secret", api_secret)
    sig_secret = _credential("signature_secret", signature_secret)
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
        # Only an API secret that is sent is checked: a signed request never carries it.
        if secret is not None:
            payload["api_secret"] = _api_secret(secret)
        return
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    if not 0 <= stamp <= _MAX_TIMESTAMP:
        raise PayloadError(
            f"timestamp must be 0-{_MAX_TIMESTAMP} (Unix seconds), got {shown(stamp)}", field="timestamp"
        )
    payload["timestamp"] = str(stamp)
    payload["sig"] = signing.sign(payload, sig_secret, signature_method)


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
      never ``api_secret`` (the API refuses both, status 32).  Send it without an
      ``Authorization`` header;
    * ``api_secret`` alone (with ``api_key``): ``api_key`` and ``api_secret`` in the body;
    * neither: no credentials in the body; send :func:`basic_auth_header` instead.

    Returns:
        A :class:`SendPayload` (a ``dict[str, str]`` whose ``repr`` hides the secret).

    Raises:
        PayloadError: a field that breaks a rule (its ``field`` is the wire name), an
            unknown field, an ``api_key`` that is not 8 characters, an ``api_secret``
            outside 6-32 characters, or ``api_key`` missing next to a secret.
        SignatureError: an unknown ``signature_method``.
        TypeError: ``fields`` is not a mapping, a key is not a ``str``, or a credential
            or ``timestamp`` has the wrong type.
    """
    if not isinstance(fields, Mapping):
        raise TypeError(f"fields must be a mapping, not {_type_name(fields)}")
    # The arguments' own types first: a wrong type is a TypeError whatever the fields hold.
    _check_argument_types(api_key, api_secret, signature_secret, signature_method, timestamp)
    payload = _message_fields(fields)
    _authenticate(payload, api_key, api_secret, signature_secret, signature_method, timestamp)
    return payload


_MASKED = frozenset({"api_secret", "sig"})


class SendPayload(dict[str, str]):
    """The form fields of one send request: a ``dict[str, str]`` whose ``repr`` masks
    ``api_secret`` and ``sig``, so that logging a payload leaks neither the secret nor a
    signature that could be replayed.

    Every way of showing it masks them: ``repr``/``str``/``format``/``pprint``, the
    :meth:`items` and :meth:`values` views, and the payloads that :meth:`copy`, ``|``,
    :func:`copy.copy` and pickling make (all :class:`SendPayload`).  What the caller
    turns into a plain container (``dict(payload)``, ``{**payload}``, ``json.dumps``,
    :func:`encode_form`) is the raw request, for the HTTP client only.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        shown = {k: ("***" if k in _MASKED else v) for k, v in dict.items(self)}
        return f"{type(self).__name__}({shown!r})"

    @property
    def signed(self) -> bool:
        """True when the payload carries a ``sig``: send it without an ``Authorization`` header."""
        return "sig" in self

    def copy(self) -> SendPayload:
        """A shallow copy, still a :class:`SendPayload` (``dict.copy`` would give a plain dict)."""
        return SendPayload(self)

    def __or__(self, other: object) -> SendPayload:  # type: ignore[override]
        if not isinstance(other, Mapping):
            return NotImplemented
        merged = SendPayload(self)
        merged.update(other)
        return merged

    def __ror__(self, other: object) -> SendPayload:  # type: ignore[override]
        if not isinstance(other, Mapping):
            return NotImplemented
        merged = SendPayload(other)
        merged.update(self)
        return merged

    def items(self) -> ItemsView[str, str]:  # type: ignore[override]
        """A view of the fields whose ``repr`` masks the secret (``dict_items`` would show it)."""
        return ItemsView(self)

    def values(self) -> ValuesView[str]:  # type: ignore[override]
        """A view of the values whose ``repr`` masks the secret (``dict_values`` would show it)."""
        return ValuesView(self)


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
            raise PayloadError(
                f"{shown(key)} cannot be encoded as UTF-8 (lone surrogate)", field=key
            ) from None
    return "&".join(parts)


def basic_auth_header(api_key: str, api_secret: str) -> str:
    """The ``Authorization`` header value for HTTP Basic auth (RFC 7617, UTF-8).

    This is RFC 7617's encoding and checks only what RFC 7617 requires; :class:`Credentials`
    checks Vonage's own format (an 8-character key).  Never send it with a signed payload
    (one with ``sig``): the API refuses a signed request that also presents the API secret.

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
    in the body or as Basic auth.  Credentials that sign never hand out a Basic header
    (:meth:`basic_auth_header` refuses): a signed request goes out with its ``sig`` and no
    ``Authorization`` header, so the pairing cannot be got wrong by accident.

    Attributes:
        api_key: the account's API key, exactly 8 characters.
        api_secret: the API secret (6-32 characters), or ``None``.
        signature_secret: the signature secret (dashboard, API settings), or ``None``.
        signature_method: the account's signing method (``"md5hash"``, ``"md5"``,
            ``"sha1"``, ``"sha256"``, ``"sha512"``).

    Raises:
        PayloadError: an empty or wrong-length credential, or neither secret.
        SignatureError: an unknown ``signature_method``.
        TypeError: a credential that is not a ``str``.
    """

    api_key: str
    api_secret: str | None = dataclasses.field(default=None, repr=False)
    signature_secret: str | None = dataclasses.field(default=None, repr=False)
    signature_method: str = "md5hash"

    def __post_init__(self) -> None:
        _api_key(self.api_key)
        secret = _credential("api_secret", self.api_secret)
        if secret is not None:
            _api_secret(secret)
        _credential("signature_secret", self.signature_secret)
        if self.api_secret is None and self.signature_secret is None:
            raise PayloadError("Credentials need api_secret or signature_secret", field="api_key")
        if not isinstance(self.signature_method, str):
            raise TypeError(f"signature_method must be a str, not {_type_name(self.signature_method)}")
        if self.signature_secret is not None:
            # Fail at construction, not at the first send.
            signing.sign({}, self.signature_secret, self.signature_method)

    @property
    def signs(self) -> bool:
        """True when these credentials sign requests (``signature_secret`` is set)."""
        return self.signature_secret is not None

    def basic_auth_header(self) -> str:
        """:func:`basic_auth_header` for these credentials (needs ``api_secret``, no signing).

        Raises:
            PayloadError: there is no ``api_secret``, or these credentials sign: a signed
                request must not also carry an ``Authorization`` header, which presents
                the API secret (status 32, Signature And API Secret Disallowed).
        """
        if self.signature_secret is not None:
            raise PayloadError(
                "these Credentials sign requests (signature_secret is set), and a signed request "
                "must not also carry an Authorization header: that presents the API secret, which "
                "the API refuses (status 32). Send request.payload(credentials) alone, or use "
                "Credentials without signature_secret for Basic auth",
                field="api_secret",
            )
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
_ATTRIBUTES = {wire: attr for attr, wire in _WIRE_NAMES.items()}


def _septet_fill(udh: bytes) -> int:
    # TS 23.040 §9.2.3.24: fill bits after the header so that the first septet starts on a
    # septet boundary of the user data.
    return (7 - (len(udh) * 8) % 7) % 7


@dataclasses.dataclass(frozen=True, kw_only=True)
class SmsRequest:
    """One SMS to send, with Python names for the API's fields; validated on construction.

    The rules are those of :func:`build_send_payload`: a request that constructs is one
    that builds.  The message fields are checked and built once, here; :meth:`payload`
    only adds credentials.  ``None`` means "leave the field out".

    Attributes:
        sender: ``from``: an alphanumeric sender ID (at most 11 characters, spaces not
            counted) or a number.
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

    Raises:
        PayloadError: a field that breaks a rule (as :func:`build_send_payload`).
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
        self._message  # noqa: B018 - checks every rule now and keeps the result

    @functools.cached_property
    def _message(self) -> SendPayload:
        # cached_property writes the instance __dict__ directly, which a frozen dataclass allows.
        return _message_fields(self.fields())

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> SmsRequest:
        """The request for ``fields`` in the API's wire names, as :func:`build_send_payload`
        takes them (``None`` values skipped).

        Raises:
            PayloadError: an unknown field, a credential among the fields, a missing
                ``from``/``to``, or any broken rule.
            TypeError: ``fields`` is not a mapping or a key is not a ``str``.
        """
        if not isinstance(fields, Mapping):
            raise TypeError(f"fields must be a mapping, not {_type_name(fields)}")
        given = _given(fields)
        # A missing from/to is a PayloadError, as for build_send_payload, not a TypeError.
        _require(given, "from")
        _require(given, "to")
        values: dict[str, Any] = {_ATTRIBUTES[wire]: value for wire, value in given.items()}
        return cls(**values)

    def fields(self) -> dict[str, Any]:
        """The request as :func:`build_send_payload` takes it: wire names, ``None`` left out."""
        values = {wire: getattr(self, attr) for attr, wire in _WIRE_NAMES.items()}
        return {wire: value for wire, value in values.items() if value is not None}

    def payload(self, credentials: Credentials | None = None, *, timestamp: int | None = None) -> SendPayload:
        """The form fields to POST, authenticated with ``credentials``.

        Without credentials the payload carries none (use Basic auth).

        Returns:
            A new :class:`SendPayload`, equal to what :func:`build_send_payload` builds
            from :meth:`fields` with the same credentials.

        Raises:
            TypeError: ``credentials`` is not a :class:`Credentials`, or ``timestamp`` not an int.
            PayloadError: a ``timestamp`` out of range.
        """
        if credentials is not None and not isinstance(credentials, Credentials):
            raise TypeError(f"credentials must be Credentials, not {_type_name(credentials)}")
        payload = self._message.copy()
        if credentials is None:
            _authenticate(payload, None, None, None, "md5hash", timestamp)
        else:
            _authenticate(
                payload,
                credentials.api_key,
                credentials.api_secret,
                credentials.signature_secret,
                credentials.signature_method,
                timestamp,
            )
        return payload

    def part_payloads(
        self,
        credentials: Credentials | None = None,
        *,
        reference: int | None = None,
        reference_bits: int = 8,
        parts: Iterable[int] | None = None,
        timestamp: int | None = None,
    ) -> tuple[SendPayload, ...]:
        """The message as its concatenated parts, one binary payload per part, each carrying
        the concatenation header :func:`smscodec.split` makes with ``reference``.

        This is manual concatenation (the SDKs' "sending a long text message as multiple
        concatenated messages ... manually rather than using the automated long sms
        handling"): one request per part, so that a refused part can be sent again alone,
        with the same header, and join the parts already delivered.  When the text is
        sent whole (:meth:`payload`), Vonage splits it and picks a concatenation reference
        that no response reports, so a part can only be resent with the whole text.

        Each part's ``udh`` is the split header; its ``body`` is the part's user data after
        the header as it goes on the air: UTF-16BE for ``unicode``, GSM 7-bit packed
        septets after the header's fill bits (TS 23.040 §9.2.3.24) for ``text``, at most
        140 octets with the header.  The other fields (``ttl``, ``client-ref``, ...) are
        carried over.  Vonage sends a binary body as-is; how a handset shows it depends on
        the data coding the route gives binary messages, so try your route before relying
        on it.  A message of one part (or a binary request) is :meth:`payload` as it is.

        Args:
            credentials: as for :meth:`payload`.
            reference: the concatenation reference (0-255, or 0-65535 with 16-bit
                references); ``None`` takes the next value of :func:`smscodec.split`'s
                counter.  Keep it to resend parts later.
            reference_bits: 8 or 16 (concatenation IE 0x00 or 0x08).
            parts: the part numbers (1-based) to build; ``None`` builds every part.
            timestamp: as for :meth:`payload` (each part is signed on its own).

        Returns:
            The payloads of the parts asked for, in part order.

        Raises:
            ArgumentError: a ``reference`` or ``reference_bits`` out of range, or a part
                number that the message does not have.
            TypeError: an argument of the wrong type.
        """
        kind = self._message["type"]
        # A binary request is one part by the rules (at most 140 octets); a text is split
        # as Vonage splits it: GSM-7 for type=text, UCS-2 for type=unicode.
        segments = (
            []
            if kind == "binary"
            else split(
                self._message["text"],
                encoding="gsm7" if kind == "text" else "ucs2",
                reference=reference,
                reference_bits=reference_bits,
            )
        )
        wanted = _part_numbers(parts, max(len(segments), 1))
        if len(segments) <= 1:
            return tuple(self.payload(credentials, timestamp=timestamp) for _ in wanted)
        carried = {k: v for k, v in self.fields().items() if k not in ("text", "type")}
        out = []
        for number in wanted:
            segment = segments[number - 1]
            user_data = (
                pack_septets(segment.payload, fill_bits=_septet_fill(segment.udh))
                if kind == "text"
                else segment.payload
            )
            part = SmsRequest.from_fields(
                {**carried, "type": "binary", "udh": segment.udh, "body": user_data}
            )
            out.append(part.payload(credentials, timestamp=timestamp))
        return tuple(out)


def _part_numbers(parts: Iterable[int] | None, total: int) -> tuple[int, ...]:
    if parts is None:
        return tuple(range(1, total + 1))
    if isinstance(parts, (str, bytes)) or not isinstance(parts, Iterable):
        raise TypeError(f"parts must be an iterable of part numbers, not {_type_name(parts)}")
    numbers = []
    for number in parts:
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"part numbers must be ints, not {_type_name(number)}")
        if not 1 <= number <= total:
            raise ArgumentError(
                f"part {shown(number)} does not exist: the message has {total} part(s), numbered from 1",
                argument="parts",
            )
        numbers.append(int(number))
    return tuple(sorted(set(numbers)))
