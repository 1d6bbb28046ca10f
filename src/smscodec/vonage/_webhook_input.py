"""Turn what a web framework hands over into one flat ``dict[str, str]`` of webhook fields.

Vonage delivers delivery receipts and inbound messages in whichever of three shapes the
account chose: a GET query string, a POST ``application/x-www-form-urlencoded`` body, or a
POST JSON object.  Every value on the wire is a string.  A web application passes us
either what its framework already decoded (a mapping) or the raw query / body (``str`` or
``bytes``); this module accepts all of them and returns the same plain dict, so the
parsers and :func:`~smscodec.vonage.verify_webhook` never care how the webhook came.

Rules, each failure a :class:`~smscodec.errors.WebhookError`:

* A body is at most :data:`MAX_BODY_BYTES` (64 KiB) of UTF-8 and has at most
  :data:`MAX_FIELDS` fields.  A real webhook is well under 2 KiB and 25 fields; the bound
  keeps a hostile body from costing memory or time before it is rejected.
* A query or form string is split with :func:`urllib.parse.parse_qsl` (strict parsing,
  blank values kept because the signature covers them, ``+`` and percent-escapes decoded
  as UTF-8, which is how Vonage sends the text of ``unicode`` messages).  One leading
  ``?`` is ignored so that the query part of a URL can be passed as is.
* A body whose first non-blank character is ``{`` or ``[`` is JSON and must be one object
  of scalars: JSON numbers keep their exact text (``0.03330000`` stays ``"0.03330000"``,
  so signatures still verify), ``true``/``false`` become ``"true"``/``"false"``, ``null``
  drops the field, nested arrays and objects are an error naming the field.
* In a mapping, keys are ``str`` and values are ``str``, ``bytes`` (UTF-8), ``int``,
  finite ``float`` or ``Decimal``, ``bool`` or ``None`` (dropped); a list or tuple, as made by
  :func:`urllib.parse.parse_qs` or multi-value dicts, must hold exactly one such value.
* A field given twice is an error: silently choosing one would let a forged copy hide
  behind a genuine one.
* Strings holding lone surrogates (possible through JSON ``\\ud800`` escapes) are
  rejected: they cannot be UTF-8 encoded, so they can be neither signed nor stored.
"""

from __future__ import annotations

import json
import math
import urllib.parse
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeAlias

from ..errors import WebhookError

__all__ = ["MAX_BODY_BYTES", "MAX_FIELDS", "WebhookInput", "normalize_webhook"]

#: Largest accepted body, in UTF-8 bytes (query string, form body or JSON text).
MAX_BODY_BYTES = 64 * 1024
#: Most fields accepted in one webhook.  Vonage sends at most about twenty.
MAX_FIELDS = 100

#: What the webhook parsers accept: a decoded mapping, a query / form string, or a JSON body.
WebhookInput: TypeAlias = Mapping[str, Any] | str | bytes | bytearray | memoryview

# JSON's own whitespace (RFC 8259 §2), which may precede the opening brace.
_JSON_WS = " \t\n\r"


def normalize_webhook(data: WebhookInput) -> dict[str, str]:
    """Return the webhook's fields as a ``dict[str, str]``, whatever shape ``data`` came in.

    Returns:
        A new dict mapping each wire name (``"messageId"``, ``"err-code"``, ...) to its value.

    Raises:
        TypeError: ``data`` is not a mapping, ``str`` or bytes-like object.
        WebhookError: the body is too large, malformed, repeats a field or holds a value
            that is not a scalar; ``field`` names the field when one is to blame.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        _check_size(len(raw))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WebhookError(
                f"the webhook body is not valid UTF-8: byte 0x{raw[exc.start]:02X} at offset {exc.start}",
                field=None,
            ) from None
        return _from_text(text)
    if isinstance(data, str):
        # A str can only be larger in UTF-8 than in characters: check the cheap bound first.
        _check_size(len(data))
        _check_size(len(_encode(data, None)))
        return _from_text(data)
    if isinstance(data, Mapping):
        return _from_mapping(data)
    raise TypeError(
        f"webhook data must be a mapping, str or bytes (a decoded query, form or JSON body), "
        f"not {type(data).__name__}"
    )


def _check_size(size: int) -> None:
    if size > MAX_BODY_BYTES:
        raise WebhookError(
            f"the webhook body is {size} bytes, more than the {MAX_BODY_BYTES}-byte limit",
            field=None,
        )


def _encode(value: str, field: str | None) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        where = f"field {field!r}" if field is not None else "the webhook body"
        raise WebhookError(
            f"{where} holds a lone surrogate U+{ord(value[exc.start]):04X} at index {exc.start}, "
            "which is not valid Unicode text",
            field=field,
        ) from None


def _from_text(text: str) -> dict[str, str]:
    stripped = text.lstrip(_JSON_WS)
    if stripped[:1] in ("{", "["):
        return _from_json(stripped)
    return _from_query(text[1:] if text.startswith("?") else text)


def _from_query(query: str) -> dict[str, str]:
    try:
        pairs = urllib.parse.parse_qsl(
            query,
            keep_blank_values=True,
            strict_parsing=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError as exc:
        raise WebhookError(
            f"a percent-escaped value in the query or form body is not valid UTF-8 ({exc.reason})",
            field=None,
        ) from None
    except ValueError as exc:
        if "Max number of fields" in str(exc):
            raise WebhookError(
                f"the query or form body has more than the limit of {MAX_FIELDS} fields",
                field=None,
            ) from None
        # parse_qsl says "bad query field: '...'".
        # Cut the detail short: it quotes the offending field, which may be huge.
        detail = str(exc) if len(str(exc)) <= 80 else str(exc)[:80] + "..."
        raise WebhookError(
            f"the query or form body is malformed: {detail}; expected key=value pairs joined by '&'",
            field=None,
        ) from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        _store(fields, key, value)
    return fields


class _JsonObject(list):  # type: ignore[type-arg]
    """A JSON object as its (key, value) pairs, duplicates kept so that they can be named."""


def _json_pairs(pairs: list[tuple[str, Any]]) -> _JsonObject:
    return _JsonObject(pairs)


def _reject_constant(name: str) -> Any:
    raise WebhookError(f"the JSON body holds {name}, which is not a JSON value", field=None)


def _from_json(text: str) -> dict[str, str]:
    try:
        # Numbers stay text: a price "0.03330000" sent as a JSON number must hash as sent.
        document = json.loads(
            text,
            object_pairs_hook=_json_pairs,
            parse_int=str,
            parse_float=str,
            parse_constant=_reject_constant,
        )
    except json.JSONDecodeError as exc:
        raise WebhookError(
            f"the JSON body is malformed: {exc.msg} at line {exc.lineno} column {exc.colno}",
            field=None,
        ) from None
    except RecursionError:
        raise WebhookError("the JSON body is nested too deeply", field=None) from None
    if not isinstance(document, _JsonObject):
        raise WebhookError(
            f"the JSON body is {_json_kind(document)}, expected one object of fields", field=None
        )
    if len(document) > MAX_FIELDS:
        raise WebhookError(
            f"the JSON body has {len(document)} fields, more than the limit of {MAX_FIELDS}",
            field=None,
        )
    fields: dict[str, str] = {}
    for key, value in document:
        scalar = _json_scalar(key, value)
        if scalar is not None:
            _store(fields, key, scalar)
    return fields


def _json_scalar(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    raise WebhookError(f"field {key!r} is {_json_kind(value)} in the JSON body, expected a string", field=key)


def _json_kind(value: Any) -> str:
    if isinstance(value, _JsonObject):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "a literal"


def _from_mapping(data: Mapping[Any, Any]) -> dict[str, str]:
    try:
        count = len(data)
    except TypeError:
        count = 0
    if count > MAX_FIELDS:
        raise WebhookError(f"the webhook has {count} fields, more than the limit of {MAX_FIELDS}", field=None)
    fields: dict[str, str] = {}
    total = 0
    for key, value in data.items():
        if isinstance(key, (bytes, bytearray)):
            key = _decode_bytes(bytes(key), None)
        if not isinstance(key, str):
            raise WebhookError(
                f"webhook field names must be str, found a {type(key).__name__} key {key!r}", field=None
            )
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                raise WebhookError(f"field {key!r} has {len(value)} values, expected exactly one", field=key)
            value = value[0]
        scalar = _mapping_scalar(key, value)
        if scalar is None:
            continue
        # The same bound as for a raw body, over the UTF-8 size of names and values.
        total += _store(fields, key, scalar)
        _check_size(total)
    return fields


def _decode_bytes(value: bytes, field: str | None) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = f"field {field!r}" if field is not None else "a field name"
        raise WebhookError(
            f"{where} is not valid UTF-8: byte 0x{value[exc.start]:02X} at offset {exc.start}",
            field=field,
        ) from None


def _mapping_scalar(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return _decode_bytes(bytes(value), key)
    if isinstance(value, int):
        return str(int(value))
    # JSON numbers decoded by a framework: floats, or Decimals with parse_float=Decimal.
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, (float, Decimal)):
        raise WebhookError(f"field {key!r} is {value!r}, expected a finite number", field=key)
    raise WebhookError(f"field {key!r} is a {type(value).__name__}, expected a string", field=key)


def _store(fields: dict[str, str], key: str, value: str) -> int:
    """Add one field; return its UTF-8 size (name and value)."""
    size = len(_encode(key, None)) + len(_encode(value, key))
    if key in fields:
        raise WebhookError(f"field {key!r} appears more than once", field=key)
    fields[key] = value
    return size
