"""Delivery receipts (DLRs): what the carrier reported about one part of a sent message.

Vonage calls the account's delivery-receipt webhook once per part and per status change
(an intermediate ``accepted`` or ``buffered``, then a final one).  :func:`parse_delivery_receipt`
turns one such call, in any of its three shapes (GET query, POST form, POST JSON), into a
validated :class:`DeliveryReceipt`.  Field meanings follow the SMS API reference
("Delivery Receipt" webhook) and the "Delivery receipts" guide, cited below.

No receipt is lost to a field this version cannot read: only the identity fields
(``msisdn``, ``to``, ``messageId``) and ``status`` are required.  A status word the library
does not know is kept (:attr:`DeliveryReceipt.status_word`, with ``status``
:attr:`DeliveryStatus.UNKNOWN`), an optional field that cannot be read is None and listed in
:attr:`DeliveryReceipt.unreadable`, and every field as received stays in
:attr:`DeliveryReceipt.raw`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum, IntEnum
from typing import TypeAlias

from ..errors import WebhookError
from ._wire import (
    FieldReader,
    RawFields,
    WebhookInput,
    check_identity,
    check_optional_str,
    check_raw,
    check_unreadable,
    normalize,
    parse_decimal,
    parse_int,
    parse_message_timestamp,
    parse_scts,
    parse_unix_timestamp,
    redacted_repr,
    show,
)

__all__ = [
    "DeliveryErrorCode",
    "DeliveryReceipt",
    "DeliveryStatus",
    "parse_delivery_receipt",
]


class DeliveryStatus(str, Enum):
    """The ``status`` of a delivery receipt: where the part is in the delivery process.

    The values are the wire words, so ``DeliveryStatus("delivered")`` works and a member
    compares equal to its word.  ``accepted`` and ``buffered`` are intermediate: a later
    receipt follows.  The others are final (SMS API reference, ``status`` possible values;
    Vonage support, "What kind of Delivery Receipts does the Vonage API platform return").

    A receipt whose word is none of these (``"submitted"``, ``"DELIVRD"``, a word Vonage adds
    later) has ``status`` :attr:`UNKNOWN` and keeps the word in
    :attr:`DeliveryReceipt.status_word`; it is not final (see :attr:`DeliveryReceipt.is_final`).
    """

    #: Accepted for delivery by the downstream carrier, not yet delivered (intermediate).
    ACCEPTED = "accepted"
    #: Buffered for later delivery (intermediate).
    BUFFERED = "buffered"
    #: Delivered to the handset (final).
    DELIVERED = "delivered"
    #: Not delivered within the validity period; Vonage issues this itself after 72 hours
    #: without a final receipt (final).
    EXPIRED = "expired"
    #: Not delivered (final).
    FAILED = "failed"
    #: Refused by the downstream carrier (final).
    REJECTED = "rejected"
    #: No useful information available (final), and the status of a receipt whose word the
    #: library does not know (then not final: see :attr:`DeliveryReceipt.is_final`).
    UNKNOWN = "unknown"

    @property
    def is_final(self) -> bool:
        """True when no further receipt is expected for the part."""
        return self not in (DeliveryStatus.ACCEPTED, DeliveryStatus.BUFFERED)

    def __str__(self) -> str:
        return self.value


class DeliveryErrorCode(IntEnum):
    """The ``err-code`` of a delivery receipt: why a part was not delivered.

    From the "Delivery receipts" guide, "DLR error codes".  A code not listed here is kept
    as a plain ``int`` by the parser, never an error: Vonage may add codes.
    """

    description: str
    temporary: bool

    def __new__(cls, value: int, description: str, temporary: bool = False) -> DeliveryErrorCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.description = description
        member.temporary = temporary
        return member

    DELIVERED = 0, "Delivered"
    UNKNOWN = 1, "Unknown"
    # The guide says "retry" for 2, 7 and 8 only: the handset or network was briefly unavailable.
    ABSENT_SUBSCRIBER_TEMPORARY = 2, "Absent Subscriber - Temporary", True
    ABSENT_SUBSCRIBER_PERMANENT = 3, "Absent Subscriber - Permanent"
    CALL_BARRED_BY_USER = 4, "Call Barred by User"
    PORTABILITY_ERROR = 5, "Portability Error"
    ANTI_SPAM_REJECTION = 6, "Anti-Spam Rejection"
    HANDSET_BUSY = 7, "Handset Busy", True
    NETWORK_ERROR = 8, "Network Error", True
    ILLEGAL_NUMBER = 9, "Illegal Number"
    ILLEGAL_MESSAGE = 10, "Illegal Message"
    UNROUTABLE = 11, "Unroutable"
    DESTINATION_UNREACHABLE = 12, "Destination Unreachable"
    SUBSCRIBER_AGE_RESTRICTION = 13, "Subscriber Age Restriction"
    NUMBER_BLOCKED_BY_CARRIER = 14, "Number Blocked by Carrier"
    PREPAID_INSUFFICIENT_FUNDS = 15, "Prepaid Insufficient Funds"
    GENERAL_ERROR = 99, "General Error"

    @classmethod
    def lookup(cls, code: int) -> DeliveryErrorCode | int:
        """The member for ``code``, or ``code`` itself when Vonage has not documented it."""
        try:
            return cls(code)  # type: ignore[call-arg]  # lookup by value, not a new member
        except ValueError:
            return code


#: An ``err-code``: a documented :class:`DeliveryErrorCode` or an undocumented plain ``int``.
ErrorCodeValue: TypeAlias = DeliveryErrorCode | int


@dataclass(frozen=True, kw_only=True, repr=False)
class DeliveryReceipt:
    """One delivery receipt, validated.

    Construct it with :func:`parse_delivery_receipt`; the keyword-only constructor also
    works and checks every field (``status`` may be given as its word, ``err_code`` as an
    int, ``raw`` as any mapping of str to str).  Wire names are in brackets.

    Attributes:
        msisdn: the number the message was sent to (``msisdn``).
        to: the sender id given as ``from`` when sending (``to``).
        message_id: Vonage's id of the part this receipt is about (``messageId``); it matches
            ``message_id`` in the send response.
        status: where the part is in the delivery process (``status``);
            :attr:`DeliveryStatus.UNKNOWN` for a word the library does not know.
        status_word: the ``status`` word exactly as received (``"delivered"``, ``"DELIVRD"``,
            ``"submitted"``); given to the constructor or derived from ``status``.
        network_code: the recipient's network, an MCCMNC such as ``"23410"`` but also words
            such as ``"US-TOLL-FREE"`` (``network-code``), or None.
        price: what the part cost (``price``), or None.
        err_code: why it was not delivered (``err-code``): a :class:`DeliveryErrorCode`, a
            plain int for an undocumented code, or None when absent.
        scts: when the carrier reported the status (``scts``), naive: Vonage does not say in
            which zone the carrier's clock runs (see :func:`parse_delivery_receipt`).
        message_timestamp: when Vonage started pushing this receipt, UTC, timezone-aware
            (``message-timestamp``), or None.
        client_ref: the ``client-ref`` given when sending, or None.
        api_key: the account that sent the message (``api-key``), or None.
        timestamp: Unix seconds, present on signed webhooks (``timestamp``), or None.
        nonce: a random string of signed webhooks (``nonce``), or None.
        sig: the signature of signed webhooks (``sig``), or None; check it with
            :func:`~smscodec.vonage.check_webhook` on the raw fields.  Never in the repr.
        extra: fields this version does not know, as sorted ``(name, value)`` pairs.
        unreadable: wire names of the optional fields that were present but could not be
            read (their attribute is None; their value is in ``raw``), in reading order.
        raw: every field as received, a read-only mapping of wire names to ``str``
            (:class:`~smscodec.vonage.RawFields`); empty for a receipt built by hand.  Not
            compared (two receipts with the same values are equal) and not in the repr.
    """

    msisdn: str
    to: str
    message_id: str
    status: DeliveryStatus
    status_word: str | None = None
    network_code: str | None = None
    price: Decimal | None = None
    err_code: ErrorCodeValue | None = None
    scts: datetime | None = None
    message_timestamp: datetime | None = None
    client_ref: str | None = None
    api_key: str | None = None
    timestamp: int | None = None
    nonce: str | None = None
    # Kept out of repr: a signature in a log line is a replayable credential.
    sig: str | None = field(default=None, repr=False)
    extra: tuple[tuple[str, str], ...] = ()
    unreadable: tuple[str, ...] = field(default=(), compare=False)
    raw: RawFields = field(default_factory=RawFields, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_identity(self)
        check_optional_str(self, ("status_word", "network_code", "client_ref", "api_key", "nonce", "sig"))
        status = self.status
        word = self.status_word
        if word == "" or status == "":
            raise WebhookError("'status' must not be empty", field="status")
        if not isinstance(status, DeliveryStatus):
            if not isinstance(status, str):
                raise TypeError(f"status must be a DeliveryStatus or str, not {type(status).__name__}")
            if word is None:
                word = str.__str__(status)
            status = _status(status)
        if word is None:
            word = status.value
        elif _status(word) is not status:
            raise WebhookError(
                f"status is {status.value!r} but status_word is {show(word)}, which reads as "
                f"{_status(word).value!r}",
                field="status",
            )
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "status_word", word)
        if self.price is not None:
            if not isinstance(self.price, Decimal):
                raise TypeError(f"price must be Decimal or None, not {type(self.price).__name__}")
            if not self.price.is_finite() or self.price < 0:
                raise WebhookError(f"'price' is {self.price}, expected a non-negative amount", field="price")
        if self.err_code is not None:
            if not isinstance(self.err_code, int) or isinstance(self.err_code, bool):
                raise TypeError(f"err_code must be int or None, not {type(self.err_code).__name__}")
            if self.err_code < 0:
                raise WebhookError(
                    f"'err-code' is {self.err_code}, expected a code of 0 or more", field="err-code"
                )
            object.__setattr__(self, "err_code", DeliveryErrorCode.lookup(int(self.err_code)))
        for name in ("scts", "message_timestamp"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, datetime):
                raise TypeError(f"{name} must be datetime or None, not {type(value).__name__}")
        if self.message_timestamp is not None and self.message_timestamp.utcoffset() is None:
            raise WebhookError("'message-timestamp' must be timezone-aware (UTC)", field="message-timestamp")
        if self.timestamp is not None and (
            not isinstance(self.timestamp, int) or isinstance(self.timestamp, bool)
        ):
            raise TypeError(f"timestamp must be int or None, not {type(self.timestamp).__name__}")
        if not isinstance(self.extra, tuple):
            raise TypeError(f"extra must be a tuple of (name, value) pairs, not {type(self.extra).__name__}")
        object.__setattr__(self, "unreadable", check_unreadable(self.unreadable))
        object.__setattr__(self, "raw", check_raw(self.raw))

    def __repr__(self) -> str:
        return redacted_repr(self)

    @property
    def status_known(self) -> bool:
        """True when :attr:`status_word` is one of the :class:`DeliveryStatus` words (any case)."""
        assert self.status_word is not None  # set by __post_init__
        return self.status_word.lower() in _WORDS

    @property
    def is_final(self) -> bool:
        """True when no later receipt is expected for this part (see :attr:`DeliveryStatus.is_final`).

        False for a status word the library does not know: it may be an intermediate one
        (``"submitted"``), and a later receipt must still be able to settle the part.
        """
        return self.status_known and self.status.is_final

    @property
    def delivered(self) -> bool:
        """True for a ``delivered`` receipt."""
        return self.status is DeliveryStatus.DELIVERED

    @property
    def error_description(self) -> str | None:
        """The documented meaning of :attr:`err_code` (``"Handset Busy"``), or None when unknown or absent."""
        return self.err_code.description if isinstance(self.err_code, DeliveryErrorCode) else None

    @property
    def temporary_error(self) -> bool:
        """True when :attr:`err_code` says the failure was temporary and a new send may succeed."""
        return isinstance(self.err_code, DeliveryErrorCode) and self.err_code.temporary


_WORDS = frozenset(member.value for member in DeliveryStatus)


def _error_code(value: str, name: str) -> ErrorCodeValue:
    return DeliveryErrorCode.lookup(parse_int(value, name))


def _status(word: str) -> DeliveryStatus:
    # Any case: Vonage sends lower case, some relays upper case.  A word not listed is kept
    # by the caller (status_word), never an error: Vonage may add words.
    try:
        return DeliveryStatus(word.lower())
    except ValueError:
        return DeliveryStatus.UNKNOWN


# Fields the parser reads; anything else lands in DeliveryReceipt.extra.
_KNOWN = frozenset(
    {
        "msisdn",
        "to",
        "network-code",
        "messageId",
        "price",
        "status",
        "scts",
        "err-code",
        "client-ref",
        "api-key",
        "message-timestamp",
        "timestamp",
        "nonce",
        "sig",
    }
)


def parse_delivery_receipt(data: WebhookInput) -> DeliveryReceipt:
    """Parse one delivery-receipt webhook.

    Args:
        data: what the web framework decoded (a mapping of wire names to values), or the raw
            GET query string, POST form body or POST JSON body (``str`` or ``bytes``), at most
            64 KiB; see :mod:`smscodec.vonage._wire` for the exact rules.

    ``msisdn``, ``to``, ``messageId`` and ``status`` are required.  Every other field may be
    missing or empty (None), and one that is present but cannot be read (a ``price`` that is
    not an amount, the ``{}`` of a JSON object) is None too, named in
    :attr:`DeliveryReceipt.unreadable`, its value kept in :attr:`DeliveryReceipt.raw`: a
    receipt is never lost to an optional field.  ``status`` is read in any case; a word that
    is not a :class:`DeliveryStatus` is kept in :attr:`DeliveryReceipt.status_word` with
    ``status`` :attr:`DeliveryStatus.UNKNOWN`.  ``err-code`` keeps codes that Vonage has not
    documented as plain ints.  ``scts`` is read as 20YY-MM-DD HH:MM (seconds tolerated) and
    returned naive, because the zone of the carrier's clock is not documented.

    Returns:
        The validated :class:`DeliveryReceipt`.

    Raises:
        TypeError: ``data`` is not a mapping, ``str`` or bytes.
        WebhookError: the body is unreadable (``field`` None), or an identity field or
            ``status`` is missing, empty or not a string (``field``: its wire name).  Never
            any other exception.
    """
    fields = normalize(data)
    read = FieldReader(fields)
    msisdn = read.identity("msisdn")
    to = read.identity("to")
    message_id = read.identity("messageId")
    word = read.identity("status")
    return DeliveryReceipt(
        msisdn=msisdn,
        to=to,
        message_id=message_id,
        status=_status(word),
        status_word=word,
        network_code=read.string("network-code"),
        price=read.optional("price", parse_decimal),
        err_code=read.optional("err-code", _error_code),
        scts=read.optional("scts", parse_scts),
        message_timestamp=read.optional("message-timestamp", parse_message_timestamp),
        client_ref=read.string("client-ref"),
        api_key=read.string("api-key"),
        timestamp=read.optional("timestamp", parse_unix_timestamp),
        nonce=read.string("nonce"),
        sig=read.string("sig"),
        extra=read.extra(_KNOWN),
        unreadable=tuple(read.unreadable),
        raw=fields,
    )
