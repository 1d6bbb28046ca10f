"""Inbound messages: an SMS sent to one of the account's virtual numbers.

Vonage calls the account's inbound webhook once per received part, as a GET query, a POST
form or a POST JSON body ("Inbound SMS" guide; SMS API reference, "Inbound Message").
:func:`parse_inbound` turns one call into a validated :class:`InboundMessage`; a long
message arrives as several parts carrying ``concat-ref``, ``concat-total`` and
``concat-part``, which :class:`~smscodec.vonage.Reassembler` joins back together.

The ``text`` of a ``unicode`` message comes percent-encoded (UTF-8) in query and form
bodies; it is decoded once, like every other value.  A ``binary`` message carries its
payload in ``data`` and its user data header in ``udh``, both hex of either case; they
become bytes, and the header is parsed once, by the constructor, into
:attr:`InboundMessage.udh_elements`.  ``data`` and ``udh`` are kept on any message that has
them, a text one included.

No message is lost to a field this version cannot read: only ``msisdn``, ``to`` and
``messageId`` are required.  A ``type`` word the library does not know gives
:attr:`InboundType.UNKNOWN`; an optional field that cannot be read (the API reference's own
example has ``"message-timestamp": {}``) is None and listed in
:attr:`InboundMessage.unreadable`; every field as received stays in
:attr:`InboundMessage.raw`.  What decides what the message *is* stays strict: a malformed
``data``, ``udh`` or concatenation group (``concat``, ``concat-ref``, ``concat-total``,
``concat-part``) is a :class:`~smscodec.errors.WebhookError` naming the field, because
reading it as None would change the message (a payload read as empty, one part of a long
message read as a whole one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from .. import udh as _udh
from ..errors import UdhError, WebhookError
from ._wire import (
    FieldReader,
    RawFields,
    WebhookInput,
    check_identity,
    check_optional_str,
    check_raw,
    check_unreadable,
    normalize,
    parse_hex,
    parse_int,
    parse_message_timestamp,
    parse_unix_timestamp,
    redacted_repr,
    show,
)

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
    #: A ``type`` word the library does not know, or none at all: the word is in
    #: ``raw["type"]``; ``text``, ``data`` and ``udh`` hold whatever was sent.
    UNKNOWN = "unknown"

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


@dataclass(frozen=True, kw_only=True, repr=False)
class InboundMessage:
    """One inbound message (or one part of a long one), validated.

    Construct it with :func:`parse_inbound`; the keyword-only constructor checks every field
    too (``type`` may be given as its word, ``raw`` as any mapping of str to str).  Wire names
    are in brackets.

    Attributes:
        msisdn: the sender's number (``msisdn``).
        to: the virtual number it was sent to (``to``).
        message_id: Vonage's id of this part (``messageId``); a retried webhook repeats it.
        type: text, unicode or binary (``type``); :attr:`InboundType.UNKNOWN` for a word the
            library does not know or a missing one.
        text: the message text (``text``), or None when absent (as in binary messages).
        keyword: the first word of the text, upper-cased by Vonage (``keyword``), or None.
        message_timestamp: when Vonage started pushing the message, UTC, timezone-aware
            (``message-timestamp``), or None.
        api_key: the receiving account (``api-key``), or None.
        timestamp: Unix seconds, on signed webhooks (``timestamp``), or None.
        nonce: a random string of signed webhooks (``nonce``), or None.
        sig: the signature of signed webhooks (``sig``), or None; check it with
            :func:`~smscodec.vonage.check_webhook` on the raw fields.  Never in the repr.
        concat: the part's place in a concatenated message, or None for a whole message.
        data: the payload (``data``, hex on the wire), or None when absent.
        udh: the user data header, UDHL first (``udh``, hex on the wire); ``b""`` for a binary
            message without one, None for any other message without one.
        part_ids: for a message joined by the reassembler, the ``message_id`` of every part
            in order; ``()`` otherwise.
        extra: fields this version does not know, as sorted ``(name, value)`` pairs.
        unreadable: wire names of the optional fields that were present but could not be
            read (their attribute is None; their value is in ``raw``), in reading order.
        raw: every field as received, a read-only mapping of wire names to ``str``
            (:class:`~smscodec.vonage.RawFields`); empty for a message built by hand, part 1's
            for a joined one.  Not compared and not in the repr.
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
    unreadable: tuple[str, ...] = field(default=(), compare=False)
    raw: RawFields = field(default_factory=RawFields, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_identity(self)
        check_optional_str(self, ("text", "keyword", "api_key", "nonce", "sig"))
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
        if self.type is InboundType.BINARY and self.udh is None:
            object.__setattr__(self, "udh", b"")
        # The one parse of the header, kept off the dataclass fields (it is derived from
        # udh): the parser, udh_elements and the reassembler read these elements.
        object.__setattr__(self, "_udh_elements", _parse_udh(self.udh or b""))
        object.__setattr__(self, "unreadable", check_unreadable(self.unreadable))
        object.__setattr__(self, "raw", check_raw(self.raw))

    def __repr__(self) -> str:
        return redacted_repr(self)

    @property
    def udh_elements(self) -> tuple[_udh.InformationElement, ...]:
        """The information elements of :attr:`udh` (TS 23.040 §9.2.3.24); ``()`` without a header.

        Parsed once, when the message is made (that parse is what validates ``udh``).
        """
        elements: tuple[_udh.InformationElement, ...] = self.__dict__["_udh_elements"]
        return elements

    @property
    def is_part(self) -> bool:
        """True for one part of a concatenated message of two or more parts."""
        return self.concat is not None and self.concat.total > 1

    @property
    def body(self) -> str | bytes:
        """The content: :attr:`data` for binary messages, :attr:`text` for the others."""
        if self.type is InboundType.BINARY:
            return self.data or b""
        return self.text or ""


def _type(word: str) -> InboundType:
    # Any case; a word not listed is kept in raw, never an error: Vonage may add types.
    try:
        return InboundType(word.lower())
    except ValueError:
        return InboundType.UNKNOWN


def _parse_udh(header: bytes) -> tuple[_udh.InformationElement, ...]:
    if not header:
        return ()
    try:
        elements = _udh.parse(header)
    except UdhError as exc:
        raise WebhookError(f"field 'udh' is not a valid user data header: {exc}", field="udh") from None
    # parse() reads 1 + UDHL octets; Vonage sends the header alone, so more is a fault too.
    if len(header) != 1 + header[0]:
        raise WebhookError(
            f"field 'udh' is {len(header)} octets but its length octet (UDHL) announces {1 + header[0]}",
            field="udh",
        )
    return tuple(elements)


def _concat_from_header(elements: tuple[_udh.InformationElement, ...]) -> ConcatInfo | None:
    """The concatenation element of the message's own header, when Vonage sent no concat fields."""
    for element in elements:
        if isinstance(element, _udh.Concat):
            return ConcatInfo(reference=str(element.reference), total=element.total, part=element.sequence)
    return None


_CONCAT_PARTS = ("concat-ref", "concat-total", "concat-part")


def _concat(read: FieldReader) -> ConcatInfo | None:
    fields = read.fields
    if "concat" in fields.nested:
        raise WebhookError(
            "field 'concat' is a JSON object or array, expected 'true' or 'false'", field="concat"
        )
    flag = fields.get("concat") or None
    if flag is not None and flag.lower() not in ("true", "false"):
        raise WebhookError(f"field 'concat' is {show(flag)}, expected 'true' or 'false'", field="concat")
    if not any(fields.get(name) for name in _CONCAT_PARTS) and (flag is None or flag.lower() == "false"):
        return None
    # concat=true, or some part fields: then all three must be there, as strings.
    reference = read.identity("concat-ref")
    total = parse_int(read.identity("concat-total"), "concat-total", max_digits=5)
    part = parse_int(read.identity("concat-part"), "concat-part", max_digits=5)
    return ConcatInfo(reference=reference, total=total, part=part)


def _hex(read: FieldReader, name: str) -> bytes | None:
    if name not in read.fields:
        return None
    if name in read.fields.nested:
        raise WebhookError(f"field {name!r} is a JSON object or array, expected hex", field=name)
    return parse_hex(read.fields[name], name)


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
            most 64 KiB; see :mod:`smscodec.vonage._wire` for the exact rules.

    ``msisdn``, ``to`` and ``messageId`` are required.  ``type`` is read in any case, and a
    word that is not text, unicode or binary (or none) gives :attr:`InboundType.UNKNOWN`.
    ``text``, ``data`` and ``udh`` are kept whatever the type: ``data`` and ``udh`` as bytes
    from hex of either case, the header checked (TS 23.040 §9.2.3.24).  With ``concat=true``
    (or any non-empty ``concat-*`` field) all of ``concat-ref``, ``concat-total`` and
    ``concat-part`` are required and 1 <= part <= total <= 255.  A message without concat
    fields whose header holds a concatenation element (TS 23.040 §9.2.3.24.1 / .8) gets
    :attr:`InboundMessage.concat` from it, with the reference as a decimal string.  Empty
    optional fields count as absent; an optional field that cannot be read (``timestamp``,
    ``message-timestamp``, a JSON object where a string belongs) is None, named in
    :attr:`InboundMessage.unreadable`, its value kept in :attr:`InboundMessage.raw`.

    Returns:
        The validated :class:`InboundMessage`.

    Raises:
        TypeError: ``data`` is not a mapping, ``str`` or bytes.
        WebhookError: the body is unreadable (``field`` None), an identity field is missing
            or empty, or ``data``, ``udh`` or the concatenation group is malformed (bad hex,
            a bad header, ``concat-part`` above ``concat-total``...); ``field`` is the wire
            name.  Never any other exception.
    """
    fields = normalize(data)
    read = FieldReader(fields)
    msisdn = read.identity("msisdn")
    to = read.identity("to")
    message_id = read.identity("messageId")
    word = read.present("type")
    if word is None and "type" in fields and fields["type"]:
        read.unreadable.append("type")  # a JSON object or array
    concat = _concat(read)
    message = InboundMessage(
        msisdn=msisdn,
        to=to,
        message_id=message_id,
        type=InboundType.UNKNOWN if word is None else _type(word),
        text=read.string("text", keep_empty=True),
        keyword=read.string("keyword"),
        message_timestamp=read.optional("message-timestamp", parse_message_timestamp),
        api_key=read.string("api-key"),
        timestamp=read.optional("timestamp", parse_unix_timestamp),
        nonce=read.string("nonce"),
        sig=read.string("sig"),
        concat=concat,
        data=_hex(read, "data"),
        udh=_hex(read, "udh"),
        extra=read.extra(_KNOWN),
        unreadable=tuple(read.unreadable),
        raw=fields,
    )
    if concat is None:
        from_header = _concat_from_header(message.udh_elements)
        if from_header is not None:
            # Set on the message just made, before anyone else sees it: building a second
            # one would parse the header a second time.
            object.__setattr__(message, "concat", from_header)
    return message
