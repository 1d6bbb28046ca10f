"""Inbound messages: an SMS sent to one of the account's virtual numbers.

Vonage calls the account's inbound webhook once per received part, as a GET query, a POST
form or a POST JSON body ("Inbound SMS" guide; SMS API reference, "Inbound Message").
:func:`parse_inbound` turns one call into a validated :class:`InboundMessage`; a long
message arrives as several parts carrying ``concat-ref``, ``concat-total`` and
``concat-part``, which :class:`~smscodec.vonage.Reassembler` joins back together.

The ``text`` of a ``unicode`` message comes percent-encoded (UTF-8) in query and form
bodies; it is decoded once, like every other value.  A ``binary`` message carries its
payload in ``data`` and its user data header in ``udh``, both hex of either case; they
become bytes and the header is checked with :func:`smscodec.udh.parse`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from .. import udh as _udh
from ..errors import UdhError, WebhookError
from . import _webhook_fields as _f
from ._webhook_input import WebhookInput, normalize_webhook

__all__ = ["ConcatInfo", "InboundMessage", "InboundType", "parse_inbound"]

# TS 23.040 §9.2.3.24.1: the concatenation element counts parts in one octet.
_MAX_PARTS = 255


class InboundType(str, Enum):
    """The ``type`` of an inbound message; the values are the wire words."""

    #: GSM-7 text.
    TEXT = "text"
    #: Text that needed UCS-2 on the air; ``text`` is already decoded to ``str``.
    UNICODE = "unicode"
    #: Octets: ``data`` and ``udh`` hold them.
    BINARY = "binary"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, kw_only=True)
class ConcatInfo:
    """Where one part sits in a concatenated message.

    Attributes:
        reference: shared by every part of the message (``concat-ref``).  A string, kept as
            sent: it may look like hex (``"08B5"``) or like a number.
        total: how many parts the message has (``concat-total``), 1 to 255.
        part: this part's number, counted from 1 (``concat-part``), at most ``total``.
    """

    reference: str
    total: int
    part: int

    def __post_init__(self) -> None:
        if not isinstance(self.reference, str):
            raise TypeError(f"reference must be str, not {type(self.reference).__name__}")
        for name in ("total", "part"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} must be int, not {type(value).__name__}")
        if not self.reference:
            raise WebhookError("'concat-ref' must not be empty", field="concat-ref")
        if not 1 <= self.total <= _MAX_PARTS:
            raise WebhookError(
                f"'concat-total' is {self.total}, expected 1 to {_MAX_PARTS} parts", field="concat-total"
            )
        if not 1 <= self.part <= self.total:
            raise WebhookError(
                f"'concat-part' is {self.part}, expected 1 to concat-total ({self.total})",
                field="concat-part",
            )


@dataclass(frozen=True, kw_only=True)
class InboundMessage:
    """One inbound message (or one part of a long one), validated.

    Construct it with :func:`parse_inbound`; the keyword-only constructor checks every field
    too.  Wire names are in brackets.

    Attributes:
        msisdn: the sender's number (``msisdn``).
        to: the virtual number it was sent to (``to``).
        message_id: Vonage's id of this part (``messageId``); a retried webhook repeats it.
        type: text, unicode or binary (``type``).
        text: the message text for text and unicode messages (``text``), else None.
        keyword: the first word of the text, upper-cased by Vonage (``keyword``), or None.
        message_timestamp: when Vonage started pushing the message, UTC, timezone-aware
            (``message-timestamp``), or None.
        api_key: the receiving account (``api-key``), or None.
        timestamp: Unix seconds, on signed webhooks (``timestamp``), or None.
        nonce: a random string of signed webhooks (``nonce``), or None.
        sig: the signature of signed webhooks (``sig``), or None; check it with
            :func:`~smscodec.vonage.verify_webhook` on the raw fields.
        concat: the part's place in a concatenated message, or None for a whole message.
        data: the payload of a binary message (``data``), else None.
        udh: the user data header of a binary message, UDHL first, ``b""`` when there is
            none (``udh``); None for text.  :attr:`udh_elements` has it parsed.
        part_ids: for a message joined by the reassembler, the ``message_id`` of every part
            in order; ``()`` otherwise.
        extra: fields this version does not know, as sorted ``(name, value)`` pairs.
    """

    msisdn: str
    to: str
    message_id: str
    type: InboundType
    text: str | None = None
    keyword: str | None = None
    message_timestamp: datetime | None = None
    api_key: str | None = None
    timestamp: int | None = None
    nonce: str | None = None
    # Kept out of repr: a signature in a log line is a replayable credential.
    sig: str | None = field(default=None, repr=False)
    concat: ConcatInfo | None = None
    data: bytes | None = None
    udh: bytes | None = None
    part_ids: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        _f.check_identity(self)
        _f.check_optional_str(self, ("text", "keyword", "api_key", "nonce", "sig"))
        kind = self.type
        if not isinstance(kind, InboundType):
            if not isinstance(kind, str):
                raise TypeError(f"type must be an InboundType or str, not {type(kind).__name__}")
            object.__setattr__(self, "type", _type(kind))
        if self.message_timestamp is not None:
            if not isinstance(self.message_timestamp, datetime):
                raise TypeError(
                    f"message_timestamp must be datetime or None, not {type(self.message_timestamp).__name__}"
                )
            if self.message_timestamp.utcoffset() is None:
                raise WebhookError(
                    "'message-timestamp' must be timezone-aware (UTC)", field="message-timestamp"
                )
        if self.timestamp is not None and (
            not isinstance(self.timestamp, int) or isinstance(self.timestamp, bool)
        ):
            raise TypeError(f"timestamp must be int or None, not {type(self.timestamp).__name__}")
        if self.concat is not None and not isinstance(self.concat, ConcatInfo):
            raise TypeError(f"concat must be ConcatInfo or None, not {type(self.concat).__name__}")
        for name in ("data", "udh"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bytes):
                raise TypeError(f"{name} must be bytes or None, not {type(value).__name__}")
        if not isinstance(self.part_ids, tuple) or not all(isinstance(i, str) for i in self.part_ids):
            raise TypeError("part_ids must be a tuple of str")
        if not isinstance(self.extra, tuple):
            raise TypeError(f"extra must be a tuple of (name, value) pairs, not {type(self.extra).__name__}")
        if self.type is InboundType.BINARY:
            if self.data is None:
                raise WebhookError("a binary message needs 'data'", field="data")
            if self.udh is None:
                object.__setattr__(self, "udh", b"")
            _check_udh(self.udh or b"")
        else:
            if self.text is None:
                raise WebhookError(f"a {self.type.value} message needs 'text'", field="text")
            if self.data is not None or self.udh is not None:
                raise WebhookError(
                    f"a {self.type.value} message carries no 'data' or 'udh'",
                    field="data" if self.data is not None else "udh",
                )

    @property
    def udh_elements(self) -> tuple[_udh.InformationElement, ...]:
        """The information elements of :attr:`udh` (TS 23.040 §9.2.3.24); ``()`` without a header."""
        if not self.udh:
            return ()
        return tuple(_udh.parse(self.udh))

    @property
    def is_part(self) -> bool:
        """True for one part of a concatenated message of two or more parts."""
        return self.concat is not None and self.concat.total > 1

    @property
    def body(self) -> str | bytes:
        """The content: :attr:`text` for text and unicode messages, :attr:`data` for binary ones."""
        if self.type is InboundType.BINARY:
            return self.data or b""
        return self.text or ""


def _type(word: str) -> InboundType:
    try:
        return InboundType(word.lower())
    except ValueError:
        shown = repr(word) if len(word) <= 40 else repr(word[:40]) + "..."
        raise WebhookError(
            f"field 'type' is {shown}, expected 'text', 'unicode' or 'binary'", field="type"
        ) from None


def _check_udh(header: bytes) -> None:
    if not header:
        return
    try:
        _udh.parse(header)
    except UdhError as exc:
        raise WebhookError(f"field 'udh' is not a valid user data header: {exc}", field="udh") from None
    # parse() reads 1 + UDHL octets; Vonage sends the header alone, so more is a fault too.
    if len(header) != 1 + header[0]:
        raise WebhookError(
            f"field 'udh' is {len(header)} octets but its length octet (UDHL) announces {1 + header[0]}",
            field="udh",
        )


def _concat_from_udh(header: bytes) -> ConcatInfo | None:
    """The concatenation element of a binary message's own header, when Vonage sent no concat fields."""
    if not header:
        return None
    for element in _udh.parse(header):
        if isinstance(element, _udh.Concat):
            return ConcatInfo(reference=str(element.reference), total=element.total, part=element.sequence)
    return None


def _concat(fields: dict[str, str]) -> ConcatInfo | None:
    flag = _f.optional(fields, "concat")
    if flag is not None and flag.lower() not in ("true", "false"):
        shown = repr(flag) if len(flag) <= 40 else repr(flag[:40]) + "..."
        raise WebhookError(f"field 'concat' is {shown}, expected 'true' or 'false'", field="concat")
    present = [name for name in ("concat-ref", "concat-total", "concat-part") if _f.optional(fields, name)]
    if not present and (flag is None or flag.lower() == "false"):
        return None
    # concat=true, or some part fields: then all three must be there.
    reference = _f.required(fields, "concat-ref")
    total = _f.parse_int(_f.required(fields, "concat-total"), "concat-total", max_digits=5)
    part = _f.parse_int(_f.required(fields, "concat-part"), "concat-part", max_digits=5)
    return ConcatInfo(reference=reference, total=total, part=part)


_KNOWN = frozenset(
    {
        "api-key",
        "msisdn",
        "to",
        "messageId",
        "text",
        "type",
        "keyword",
        "message-timestamp",
        "timestamp",
        "nonce",
        "sig",
        "concat",
        "concat-ref",
        "concat-total",
        "concat-part",
        "data",
        "udh",
    }
)


def parse_inbound(data: WebhookInput) -> InboundMessage:
    """Parse one inbound-message webhook.

    Args:
        data: what the web framework decoded (a mapping of wire names to values), or the raw
            GET query string, POST form body or POST JSON body (``str`` or ``bytes``), at
            most 64 KiB.

    ``msisdn``, ``to``, ``messageId`` and ``type`` are required, and ``text`` for text and
    unicode messages, ``data`` for binary ones.  With ``concat=true`` (or any ``concat-*``
    field) all of ``concat-ref``, ``concat-total`` and ``concat-part`` are required and
    1 <= part <= total <= 255.  A binary message without concat fields whose header holds a
    concatenation element (TS 23.040 §9.2.3.24.1 / .8) gets :attr:`InboundMessage.concat`
    from it, with the reference as a decimal string.  Empty optional fields count as absent.

    Returns:
        The validated :class:`InboundMessage`.

    Raises:
        TypeError: ``data`` is not a mapping, ``str`` or bytes.
        WebhookError: the body is unreadable (``field`` None) or a field is missing or
            malformed (bad hex, a bad header, ``concat-part`` above ``concat-total``...);
            ``field`` is the wire name.  Never any other exception.
    """
    fields = normalize_webhook(data)
    msisdn = _f.required(fields, "msisdn")
    to = _f.required(fields, "to")
    message_id = _f.required(fields, "messageId")
    kind = _type(_f.required(fields, "type"))
    text: str | None = fields.get("text")
    body: bytes | None = None
    header: bytes | None = None
    if kind is InboundType.BINARY:
        body = _f.parse_hex(fields.get("data", ""), "data") if "data" in fields else None
        if body is None:
            raise WebhookError("required field 'data' is missing from a binary message", field="data")
        header = _f.parse_hex(fields.get("udh", ""), "udh")
        _check_udh(header)
    elif text is None:
        raise WebhookError(f"required field 'text' is missing from a {kind.value} message", field="text")
    concat = _concat(fields)
    if concat is None and header:
        concat = _concat_from_udh(header)
    message_timestamp = _f.optional(fields, "message-timestamp")
    timestamp = _f.optional(fields, "timestamp")
    return InboundMessage(
        msisdn=msisdn,
        to=to,
        message_id=message_id,
        type=kind,
        text=text,
        keyword=_f.optional(fields, "keyword"),
        message_timestamp=(
            None if message_timestamp is None else _f.parse_message_timestamp(message_timestamp)
        ),
        api_key=_f.optional(fields, "api-key"),
        timestamp=None if timestamp is None else _f.parse_unix_timestamp(timestamp),
        nonce=_f.optional(fields, "nonce"),
        sig=_f.optional(fields, "sig"),
        concat=concat,
        data=body,
        udh=header,
        extra=tuple(sorted((k, v) for k, v in fields.items() if k not in _KNOWN)),
    )
