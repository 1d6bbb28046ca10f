"""Webhook wire handling, in one place: body -> fields -> typed values.

Vonage delivers delivery receipts and inbound messages in whichever of three shapes the
account chose: a GET query string, a POST ``application/x-www-form-urlencoded`` body, or a
POST JSON object.  A web application passes either what its framework already decoded (a
mapping) or the raw query / body (``str`` or ``bytes``).  This module is the one place that
reads any of them:

1. **body -> fields** (:func:`normalize`): whatever the shape, one read-only
   :class:`RawFields` mapping of wire names to ``str`` values.  The parsers keep it as the
   parsed object's ``raw``, and :func:`~smscodec.vonage.check_webhook` verifies the
   signature over exactly these fields.
2. **fields -> typed values** (:class:`FieldReader` and the ``parse_*`` readers): the
   identity fields must be there; an optional field that cannot be read becomes None and
   is listed as unreadable (its raw value stays in ``raw``), so no webhook is lost to a
   field this version does not understand.

Rules of step 1, each failure a :class:`~smscodec.errors.WebhookError` (whose message never
quotes a signature: values are only shown cut short and with long hex runs blanked):

* A body is at most :data:`MAX_BODY_BYTES` (64 KiB) of UTF-8 and has at most
  :data:`MAX_FIELDS` fields.  A real webhook is well under 2 KiB and 25 fields; the bound
  keeps a hostile body from costing memory or time before it is rejected.  One leading
  byte-order mark (U+FEFF) is ignored (RFC 8259 §8.1 lets a JSON parser do so).
* A query or form string is split with :func:`urllib.parse.parse_qsl` (strict parsing,
  blank values kept because the signature covers them, ``+`` and percent-escapes decoded
  as UTF-8, which is how Vonage sends the text of ``unicode`` messages).  One leading
  ``?`` is ignored so that the query part of a URL can be passed as is.
* A body whose first non-blank character is ``{`` or ``[`` is JSON and must be one object:
  JSON numbers keep their exact text (``0.03330000`` stays ``"0.03330000"``, so signatures
  still verify), ``true``/``false`` become ``"true"``/``"false"``, ``null`` drops the field,
  and a nested object or array is kept as its compact JSON text (``{}`` for the API
  reference's own ``"message-timestamp": {}``) and named in :attr:`RawFields.nested`.
* In a mapping, keys are ``str`` (or UTF-8 ``bytes``) and values are ``str``, ``bytes``
  (UTF-8), ``int``, finite ``float`` or ``Decimal``, ``bool``, ``None`` (dropped) or a
  mapping (kept as JSON text, like a nested JSON object); a list or tuple, as made by
  :func:`urllib.parse.parse_qs` or multi-value dicts, must hold exactly one such value.
* A field given twice is an error: silently choosing one would let a forged copy hide
  behind a genuine one.
* A field name must be non-empty and hold no ``&``, no ``=`` and no control character.
  Vonage never sends such a name, and ``&`` or ``=`` in a name would let two different field
  sets share one signed string (see :mod:`smscodec.signing`).
* Strings holding lone surrogates (possible through JSON ``\\ud800`` escapes) are
  rejected: they cannot be UTF-8 encoded, so they can be neither signed nor stored.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias, TypeVar

from ..errors import HexError, WebhookError, shown
from ..hexbody import from_hex

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_FIELDS",
    "FieldReader",
    "RawFields",
    "WebhookInput",
    "check_identity",
    "check_optional_str",
    "check_raw",
    "check_unreadable",
    "normalize",
    "parse_decimal",
    "parse_hex",
    "parse_int",
    "parse_message_timestamp",
    "parse_scts",
    "parse_unix_timestamp",
    "redacted_repr",
    "sensitive",
    "show",
]

#: Largest accepted body, in UTF-8 bytes (query string, form body or JSON text).
MAX_BODY_BYTES = 64 * 1024
#: Most fields accepted in one webhook.  Vonage sends at most about twenty.
MAX_FIELDS = 100

#: What the webhook parsers accept: a decoded mapping, a query / form string, or a JSON body.
WebhookInput: TypeAlias = Mapping[str, Any] | str | bytes | bytearray | memoryview

T = TypeVar("T")

# JSON's own whitespace (RFC 8259 §2), which may precede the opening brace.
_JSON_WS = " \t\n\r"
_BOM = "\ufeff"


# ---- showing a value in a message: smscodec.errors.shown, the library's one helper -------

show = shown


# Field names whose values are never shown, in any repr: the signature, and anything that
# looks like a credential (a misconfigured sender may post one).
_SENSITIVE_PARTS = ("secret", "password", "token", "signature")


def sensitive(name: str) -> bool:
    """True for a field whose value must not appear in a repr or log: ``sig`` and credentials."""
    lowered = name.lower()
    return lowered == "sig" or any(part in lowered for part in _SENSITIVE_PARTS)


# ---- the fields --------------------------------------------------------------------------


class RawFields(Mapping[str, str]):
    """A webhook's fields as received: a read-only mapping of wire names to ``str`` values.

    Every parsed receipt and inbound message keeps the fields it was parsed from as
    ``raw``, so a field this version does not read, or could not read, is never lost.
    Hashable, picklable, and equal to any mapping with the same items.  Its ``repr``
    hides the value of ``sig`` (and of any credential-like field).

    Attributes:
        nested: names of the fields whose JSON value was an object or an array; their
            value here is the compact JSON text (``"{}"``).  No signature covers them.
    """

    __slots__ = ("_fields", "nested")

    _fields: dict[str, str]
    nested: frozenset[str]

    def __init__(
        self, fields: Mapping[str, str] | Iterable[tuple[str, str]] = (), nested: Iterable[str] = ()
    ):
        items = dict(fields.items() if isinstance(fields, Mapping) else fields)
        for key, value in items.items():
            if type(key) is not str or type(value) is not str:
                raise TypeError(
                    f"raw fields map str to str, found {type(key).__name__} -> {type(value).__name__}"
                )
        names = frozenset(nested)
        if not names <= items.keys():
            raise TypeError("nested names must be fields of the mapping")
        object.__setattr__(self, "_fields", items)
        object.__setattr__(self, "nested", names)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RawFields is read-only")

    def __getitem__(self, key: str) -> str:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __contains__(self, key: object) -> bool:
        return key in self._fields

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RawFields):
            return self._fields == other._fields and self.nested == other.nested
        if isinstance(other, Mapping):
            return not self.nested and self._fields == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash((frozenset(self._fields.items()), self.nested))

    def __reduce__(self) -> tuple[Any, ...]:
        return (RawFields, (self._fields, tuple(sorted(self.nested))))

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{key!r}: {'<redacted>' if sensitive(key) else repr(value)}"
            for key, value in self._fields.items()
        )
        nested = f", nested={sorted(self.nested)!r}" if self.nested else ""
        return f"RawFields({{{shown}}}{nested})"

    def to_dict(self) -> dict[str, str]:
        """A plain, mutable copy of the fields (``sig`` included: keep it out of logs)."""
        return dict(self._fields)


def normalize(data: WebhookInput) -> RawFields:
    """Return the webhook's fields, whatever shape ``data`` came in.

    Returns:
        The fields, mapping each wire name (``"messageId"``, ``"err-code"``, ...) to its value.

    Raises:
        TypeError: ``data`` is not a mapping, ``str`` or bytes-like object.
        WebhookError: the body is too large or malformed, repeats a field, has a field name
            that is empty or holds ``&``, ``=`` or a control character, or holds a value that
            cannot be text; ``field`` names the field when one is to blame.
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
        where = f"field {show(field)}" if field is not None else "the webhook body"
        raise WebhookError(
            f"{where} holds a lone surrogate U+{ord(value[exc.start]):04X} at index {exc.start}, "
            "which is not valid Unicode text",
            field=field,
        ) from None


class _Builder:
    """Collects the fields of one body: names checked, duplicates and size refused."""

    __slots__ = ("fields", "nested", "size")

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.nested: list[str] = []
        self.size = 0

    def add(self, key: str, value: str, *, nested: bool = False) -> None:
        number = len(self.fields) + 1
        if not key:
            raise WebhookError(f"field {number} of the webhook has an empty name", field=None)
        if "&" in key or "=" in key:
            # The name is not quoted: in a mangled body it may hold other fields' values.
            raise WebhookError(
                f"field {number} of the webhook has a name holding '&' or '=', which Vonage never "
                "sends: it would let two different field sets share one signed string",
                field=None,
            )
        if any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in key):
            raise WebhookError(
                f"field {number} of the webhook has a name holding a control character, which "
                "Vonage never sends",
                field=None,
            )
        self.size += len(_encode(key, None)) + len(_encode(value, key))
        if key in self.fields:
            raise WebhookError(f"field {show(key)} appears more than once", field=key)
        self.fields[key] = value
        if nested:
            self.nested.append(key)

    def build(self) -> RawFields:
        return RawFields(self.fields, self.nested)


def _from_text(text: str) -> RawFields:
    if text.startswith(_BOM):
        text = text[1:]
    stripped = text.lstrip(_JSON_WS)
    if stripped[:1] in ("{", "["):
        return _from_json(stripped)
    return _from_query(text[1:] if text.startswith("?") else text)


def _from_query(query: str) -> RawFields:
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
        # parse_qsl quotes the offending piece, which may hold anything (a signature, in a
        # mangled body): say where it is instead.
        raise WebhookError(
            f"the query or form body is malformed: {_where_malformed(query)}; "
            "expected key=value pairs joined by '&'",
            field=None,
        ) from None
    builder = _Builder()
    for key, value in pairs:
        builder.add(key, value)
    return builder.build()


def _where_malformed(query: str) -> str:
    offset = 0
    for number, piece in enumerate(query.split("&"), start=1):
        if "=" not in piece:
            return f"piece {number} (at character {offset}) has no '='"
        offset += len(piece) + 1
    return "it is not key=value pairs"  # pragma: no cover - parse_qsl fails only on a piece without '='


class _JsonObject(list):  # type: ignore[type-arg]
    """A JSON object as its (key, value) pairs, duplicates kept so that they can be named."""


class _JsonNumber(str):
    """A JSON number's exact text (told apart from a JSON string when a nested value is re-written)."""

    __slots__ = ()


def _reject_constant(name: str) -> Any:
    raise WebhookError(f"the JSON body holds {name}, which is not a JSON value", field=None)


def _from_json(text: str) -> RawFields:
    try:
        # Numbers stay text: a price "0.03330000" sent as a JSON number must hash as sent.
        document = json.loads(
            text,
            object_pairs_hook=_JsonObject,
            parse_int=_JsonNumber,
            parse_float=_JsonNumber,
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
    builder = _Builder()
    for key, value in document:
        if value is None:
            continue
        if value is True or value is False:
            builder.add(key, "true" if value else "false")
        elif isinstance(value, str):
            builder.add(key, str.__str__(value))
        else:
            try:
                builder.add(key, _json_text(value), nested=True)
            except RecursionError:
                raise WebhookError(f"field {show(key)} is nested too deeply", field=key) from None
    return builder.build()


def _json_text(value: Any) -> str:
    """A decoded JSON value written back compactly, numbers exactly as they were sent."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, _JsonNumber):
        return str.__str__(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, _JsonObject):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_json_text(v)}" for k, v in value) + "}"
    return "[" + ",".join(_json_text(item) for item in value) + "]"


def _json_kind(value: Any) -> str:
    if isinstance(value, _JsonObject):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, _JsonNumber):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a literal"


def _from_mapping(data: Mapping[Any, Any]) -> RawFields:
    try:
        count = len(data)
    except TypeError:
        count = 0
    if count > MAX_FIELDS:
        raise WebhookError(f"the webhook has {count} fields, more than the limit of {MAX_FIELDS}", field=None)
    builder = _Builder()
    for key, value in data.items():
        if isinstance(key, (bytes, bytearray)):
            key = _decode_bytes(bytes(key), None)
        elif isinstance(key, str):
            key = str.__str__(key)  # a plain copy: a subclass's own __eq__/__hash__ must not count
        else:
            # Not quoted: the repr of an arbitrary object may be huge or hold anything.
            raise WebhookError(
                f"webhook field names must be str, found a {type(key).__name__} key", field=None
            )
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                raise WebhookError(
                    f"field {show(key)} has {len(value)} values, expected exactly one", field=key
                )
            value = value[0]
        if value is None:
            continue
        if isinstance(value, Mapping):
            builder.add(key, _mapping_json(key, value), nested=True)
        else:
            builder.add(key, _mapping_scalar(key, value))
        # The same bound as for a raw body, over the UTF-8 size of names and values.
        _check_size(builder.size)
    return builder.build()


def _decode_bytes(value: bytes, field: str | None) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = f"field {show(field)}" if field is not None else "a field name"
        raise WebhookError(
            f"{where} is not valid UTF-8: byte 0x{value[exc.start]:02X} at offset {exc.start}",
            field=field,
        ) from None


def _mapping_scalar(key: str, value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        return _decode_bytes(bytes(value), key)
    if isinstance(value, int):
        try:
            # int.__repr__, not str(): an IntEnum's __str__ may be its name.
            return int.__repr__(value)
        except ValueError:  # beyond sys.get_int_max_str_digits(): no webhook carries one
            raise WebhookError(f"field {show(key)} is an int too large to write out", field=key) from None
    # JSON numbers decoded by a framework: floats, or Decimals with parse_float=Decimal.
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, (float, Decimal)):
        raise WebhookError(f"field {show(key)} is {value!r}, expected a finite number", field=key)
    raise WebhookError(f"field {show(key)} is a {type(value).__name__}, expected a string", field=key)


def _mapping_json(key: str, value: Mapping[Any, Any]) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        raise WebhookError(
            f"field {show(key)} is a mapping that is not JSON data, expected a string", field=key
        ) from None


# ---- fields -> typed values --------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]+")
# A non-negative decimal amount as Vonage prints prices: "0.03330000".
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# message-timestamp: "YYYY-MM-DD HH:MM:SS", UTC (SMS API reference, webhooks).
_MESSAGE_TIMESTAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")
# scts: "YYMMDDHHMM" (SMS API reference, delivery receipt); SMPP-style seconds tolerated.
_SCTS = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})?")

_MAX_PRICE_CHARS = 40


# Only ASCII digits count as digits: str.isdigit and int() also accept other scripts'
# digits, which no Vonage field carries.
def parse_int(value: str, name: str, *, max_digits: int = 10) -> int:
    """A non-negative decimal integer of at most ``max_digits`` digits."""
    if not _DIGITS.fullmatch(value) or len(value) > max_digits:
        raise WebhookError(
            f"field {name!r} is {show(value)}, expected a whole number of at most {max_digits} digits",
            field=name,
        )
    return int(value)


def parse_unix_timestamp(value: str, name: str = "timestamp") -> int:
    """Seconds since the Unix epoch, as Vonage adds them to signed webhooks."""
    return parse_int(value, name, max_digits=12)


def parse_decimal(value: str, name: str) -> Decimal:
    """A non-negative amount such as ``"0.03330000"``, exactly as sent (no float rounding)."""
    if len(value) > _MAX_PRICE_CHARS or not _AMOUNT.fullmatch(value):
        raise WebhookError(
            f"field {name!r} is {show(value)}, expected a non-negative decimal amount such as '0.03330000'",
            field=name,
        )
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise WebhookError(f"field {name!r} is {show(value)}, not a decimal amount", field=name) from None


def parse_message_timestamp(value: str, name: str = "message-timestamp") -> datetime:
    """``YYYY-MM-DD HH:MM:SS`` in UTC, as a timezone-aware :class:`~datetime.datetime`."""
    match = _MESSAGE_TIMESTAMP.fullmatch(value)
    if match is None:
        raise WebhookError(f"field {name!r} is {show(value)}, expected 'YYYY-MM-DD HH:MM:SS'", field=name)
    try:
        year, month, day, hour, minute, second = (int(group) for group in match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError as exc:
        raise WebhookError(
            f"field {name!r} is {show(value)}, not a real date and time: {exc}", field=name
        ) from None


def parse_scts(value: str, name: str = "scts") -> datetime:
    """``YYMMDDHHMM`` (or ``YYMMDDHHMMSS``) as a naive :class:`~datetime.datetime`.

    The year is 2000 + YY.  Vonage does not say in which zone the carrier's clock runs, and its
    own example receipt has an ``scts`` one hour after the UTC ``message-timestamp`` (UK summer
    time), so no zone is invented: the result is naive.
    """
    match = _SCTS.fullmatch(value)
    if match is None:
        raise WebhookError(f"field {name!r} is {show(value)}, expected 'YYMMDDHHMM' (10 digits)", field=name)
    yy, month, day, hour, minute, second = match.groups()
    try:
        return datetime(2000 + int(yy), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError as exc:
        raise WebhookError(
            f"field {name!r} is {show(value)}, not a real date and time: {exc}", field=name
        ) from None


def parse_hex(value: str, name: str) -> bytes:
    """Hex digits of either case, two per octet, into bytes."""
    try:
        return from_hex(value)
    except HexError as exc:
        raise WebhookError(f"field {name!r} is not hex: {exc}", field=name) from None


class FieldReader:
    """Typed values from one webhook's fields, for the receipt and inbound parsers.

    Identity fields must be present and non-empty (:meth:`identity` raises).  Optional
    fields read with :meth:`optional` or :meth:`string` come back None when absent or empty,
    and also when their value cannot be read: such a field is named in :attr:`unreadable`
    and its value stays in the raw fields.  Fields that decide what the message *is* (its
    payload, header and concatenation) are read by the parsers with the raising readers.
    """

    __slots__ = ("fields", "unreadable")

    def __init__(self, fields: RawFields) -> None:
        self.fields = fields
        #: Wire names of the optional fields that were present but could not be read.
        self.unreadable: list[str] = []

    def identity(self, name: str) -> str:
        """The value of a field that must be present and non-empty: ``msisdn``, ``to``, ..."""
        value = self.fields.get(name)
        if value is None:
            raise WebhookError(f"required field {name!r} is missing", field=name)
        if value == "":
            raise WebhookError(f"required field {name!r} is empty", field=name)
        if name in self.fields.nested:
            raise WebhookError(
                f"required field {name!r} is a JSON object or array, expected a string", field=name
            )
        return value

    def present(self, name: str) -> str | None:
        """A field's value when present, non-empty and a string (not nested JSON); else None."""
        value = self.fields.get(name)
        if not value or name in self.fields.nested:
            return None
        return value

    def string(self, name: str, *, keep_empty: bool = False) -> str | None:
        """An optional text field; empty counts as absent unless ``keep_empty``."""
        value = self.fields.get(name)
        if value is None or (value == "" and not keep_empty):
            return None
        if name in self.fields.nested:
            self.unreadable.append(name)
            return None
        return value

    def optional(self, name: str, parse: Callable[[str, str], T]) -> T | None:
        """An optional typed field: ``parse(value, name)``, or None (listed as unreadable) when it fails."""
        value = self.string(name)
        if value is None:
            return None
        try:
            return parse(value, name)
        except WebhookError:
            self.unreadable.append(name)
            return None

    def extra(self, known: frozenset[str]) -> tuple[tuple[str, str], ...]:
        """The fields the parser does not know, as sorted ``(name, value)`` pairs."""
        return tuple(sorted((k, v) for k, v in self.fields.items() if k not in known))


# ---- checks shared by the receipt and inbound dataclasses ---------------------------------

# The fields every webhook carries (attribute name, wire name).
_IDENTITY = (("msisdn", "msisdn"), ("to", "to"), ("message_id", "messageId"))


def check_identity(event: object) -> None:
    """Validate a parsed webhook's ``msisdn``, ``to`` and ``message_id``: non-empty ``str``.

    Raises:
        TypeError: one is not a ``str``.
        WebhookError: one is empty (``field``: its wire name).
    """
    for name, wire in _IDENTITY:
        value = getattr(event, name)
        if not isinstance(value, str):
            raise TypeError(f"{name} must be str, not {type(value).__name__}")
        if not value:
            raise WebhookError(f"{wire!r} must not be empty", field=wire)


def check_optional_str(event: object, names: tuple[str, ...]) -> None:
    """Raise TypeError unless each attribute of ``names`` is a ``str`` or None."""
    for name in names:
        value = getattr(event, name)
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be str or None, not {type(value).__name__}")


def check_raw(value: object) -> RawFields:
    """``raw`` as given to a constructor: a :class:`RawFields`, or any mapping of str to str."""
    if isinstance(value, RawFields):
        return value
    if isinstance(value, Mapping):
        return RawFields(value)
    raise TypeError(f"raw must be a mapping of str to str, not {type(value).__name__}")


def check_unreadable(value: object) -> tuple[str, ...]:
    """``unreadable`` as given to a constructor: a tuple of wire names (any iterable of str)."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(f"unreadable must be a tuple of wire names, not {type(value).__name__}")
    names = tuple(value)
    if not all(isinstance(name, str) for name in names):
        raise TypeError("unreadable must be a tuple of str")
    return names


def redacted_repr(event: Any) -> str:
    """A dataclass repr that never shows a signature or a credential.

    Fields declared ``repr=False`` are left out (``sig``, ``raw``); the ``(name, value)`` pairs
    of ``extra`` show ``<redacted>`` for a sensitive name (see :func:`sensitive`).
    """
    parts = []
    for spec in dataclasses.fields(event):
        if not spec.repr:
            continue
        value = getattr(event, spec.name)
        if spec.name == "extra":
            value = tuple((k, "<redacted>" if sensitive(k) else v) for k, v in value)
        parts.append(f"{spec.name}={value!r}")
    return f"{type(event).__name__}({', '.join(parts)})"
