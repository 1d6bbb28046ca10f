"""Typed readers for single webhook fields, shared by the receipt and inbound parsers.

Each reader takes the wire value (a ``str``) and the field's wire name, and returns the
typed value or raises :class:`~smscodec.errors.WebhookError` whose ``field`` is that wire
name and whose message says what was found and what was expected.  Only ASCII digits
count as digits: ``str.isdigit`` and ``int()`` also accept other scripts' digits, which no
Vonage field carries.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from ..errors import HexError, WebhookError

__all__ = [
    "check_identity",
    "check_optional_str",
    "optional",
    "parse_decimal",
    "parse_hex",
    "parse_int",
    "parse_message_timestamp",
    "parse_scts",
    "parse_unix_timestamp",
    "required",
]

_DIGITS = re.compile(r"[0-9]+")
# A non-negative decimal amount as Vonage prints prices: "0.03330000".
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# message-timestamp: "YYYY-MM-DD HH:MM:SS", UTC (SMS API reference, webhooks).
_MESSAGE_TIMESTAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")
# scts: "YYMMDDHHMM" (SMS API reference, delivery receipt); SMPP-style seconds tolerated.
_SCTS = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})?")

_MAX_PRICE_CHARS = 40


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


def _show(value: str, limit: int = 40) -> str:
    """A value for an error message, cut short so that a huge field cannot flood a log."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "..."


def required(fields: dict[str, str], name: str) -> str:
    """The value of a field that must be present and non-empty."""
    value = fields.get(name)
    if value is None:
        raise WebhookError(f"required field {name!r} is missing", field=name)
    if value == "":
        raise WebhookError(f"required field {name!r} is empty", field=name)
    return value


def optional(fields: dict[str, str], name: str) -> str | None:
    """The value of an optional field; an empty value counts as absent."""
    value = fields.get(name)
    return value if value else None


def parse_int(value: str, name: str, *, max_digits: int = 10) -> int:
    """A non-negative decimal integer of at most ``max_digits`` digits."""
    if not _DIGITS.fullmatch(value) or len(value) > max_digits:
        raise WebhookError(
            f"field {name!r} is {_show(value)}, expected a whole number of at most {max_digits} digits",
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
            f"field {name!r} is {_show(value)}, expected a non-negative decimal amount such as '0.03330000'",
            field=name,
        )
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise WebhookError(f"field {name!r} is {_show(value)}, not a decimal amount", field=name) from None


def parse_message_timestamp(value: str, name: str = "message-timestamp") -> datetime:
    """``YYYY-MM-DD HH:MM:SS`` in UTC, as a timezone-aware :class:`~datetime.datetime`."""
    match = _MESSAGE_TIMESTAMP.fullmatch(value)
    if match is None:
        raise WebhookError(f"field {name!r} is {_show(value)}, expected 'YYYY-MM-DD HH:MM:SS'", field=name)
    try:
        year, month, day, hour, minute, second = (int(group) for group in match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError as exc:
        raise WebhookError(
            f"field {name!r} is {_show(value)}, not a real date and time: {exc}", field=name
        ) from None


def parse_scts(value: str, name: str = "scts") -> datetime:
    """``YYMMDDHHMM`` (or ``YYMMDDHHMMSS``) as a naive :class:`~datetime.datetime`.

    The year is 2000 + YY.  Vonage does not say in which zone the carrier's clock runs, and its
    own example receipt has an ``scts`` one hour after the UTC ``message-timestamp`` (UK summer
    time), so no zone is invented: the result is naive.
    """
    match = _SCTS.fullmatch(value)
    if match is None:
        raise WebhookError(f"field {name!r} is {_show(value)}, expected 'YYMMDDHHMM' (10 digits)", field=name)
    yy, month, day, hour, minute, second = match.groups()
    try:
        return datetime(2000 + int(yy), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError as exc:
        raise WebhookError(
            f"field {name!r} is {_show(value)}, not a real date and time: {exc}", field=name
        ) from None


def parse_hex(value: str, name: str) -> bytes:
    """Hex digits of either case, two per octet, into bytes."""
    # Imported on first use: only binary messages need it, and it may load a compiled kernel.
    from ..hexbody import from_hex

    try:
        data: bytes = from_hex(value)
    except HexError as exc:
        raise WebhookError(f"field {name!r} is not hex: {exc}", field=name) from None
    return data
