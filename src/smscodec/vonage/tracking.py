"""Follow one sent message, part by part, from the send response to its delivery receipts.

A send request for a long text returns one entry per part, each with its own
``message-id``, and each part then gets its own delivery receipts ("Delivery receipts"
guide: "You should receive a carrier DLR for each part").  :class:`DeliveryTracker` takes
the parsed send response, is fed the receipts as they come, and says whether the message
as a whole is delivered, failed or still pending, and what it cost.

Rules:

* A part whose send status is not 0 was never sent: it is failed, at no cost.
* A part is delivered, failed (``expired``, ``failed``, ``rejected``) or unknown once a
  final receipt arrives; before that it is pending (``accepted`` and ``buffered`` are
  intermediate).  The first final receipt stands: receipts can arrive out of order, and
  Vonage ignores carrier receipts after its own ``expired``.
* The message is failed as soon as one part is (it cannot arrive whole), else pending while
  a part is, else unknown if a part is, else delivered.
* A part's cost is the price of its latest receipt that has one, else the send response's
  ``message-price``, else 0.

Where the state lives: in a store (:mod:`smscodec.vonage.stores`).  The tracker writes
what it knows of the send (each part's id, recipient, send status and price) under each
part's message id, and every receipt is appended to a log under its message id; the state
is worked out from those logs when asked, so the "first final receipt" is the first that
the store recorded, whichever worker recorded it.  With the default
:class:`~smscodec.vonage.MemoryStore` that is this tracker alone (or every tracker that
shares the store, in this process).  With a shared store
(:class:`~smscodec.vonage.SQLiteStore`, :class:`~smscodec.vonage.RedisStore`), the worker
that gets a receipt calls :meth:`DeliveryTracker.record`, which keeps the receipt even
when the send is not registered yet (a fast receipt can overtake the sender), and gets back
the message's tracker to read its state.  Records and logs live ``ttl`` seconds (default:
a week; Vonage itself gives up on a part after 72 hours, with an ``expired`` receipt).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Protocol

from ..errors import ArgumentError
from ._codec import Codec, CodecError
from .receipts import DeliveryReceipt, DeliveryStatus
from .stores import MemoryStore, Store

__all__ = ["DeliveryState", "DeliveryTracker", "PartState"]

_CODEC = Codec(DeliveryReceipt)

# A week: Vonage issues its own "expired" receipt 72 hours after a part without a final
# one ("Delivery receipts" guide), and late carrier receipts still trickle in after that.
_DEFAULT_TTL = 7 * 86_400.0

# Version of the send record written to the store, for workers of different versions.
_RECORD_VERSION = 1


class _SentMessage(Protocol):
    """One entry of a parsed send response (``smscodec.vonage.responses``)."""

    @property
    def message_id(self) -> str | None: ...
    @property
    def status(self) -> int: ...
    @property
    def message_price(self) -> Decimal | None: ...
    @property
    def to(self) -> str | None: ...


class _SendResponse(Protocol):
    @property
    def messages(self) -> Sequence[_SentMessage]: ...


class DeliveryState(str, Enum):
    """Where a part, or a whole message, stands."""

    #: No final receipt yet.
    PENDING = "pending"
    #: Delivered (every part, for a message).
    DELIVERED = "delivered"
    #: Not sent, or a final ``expired``, ``failed`` or ``rejected`` receipt (any part, for a message).
    FAILED = "failed"
    #: A final ``unknown`` receipt: the carrier cannot tell.
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class PartState:
    """A snapshot of one part.

    Attributes:
        index: the part's position in the send response, from 0.
        message_id: Vonage's id for the part (None when the send was refused).
        to: the recipient from the send response.
        send_status: the send response's ``status`` (0: accepted for sending).
        receipt: the receipt that decides the part's state (the first final one, else the
            latest), or None before any.
        price: the part's cost (see the module rules), never None.
    """

    index: int
    message_id: str | None
    to: str | None
    send_status: int
    receipt: DeliveryReceipt | None
    price: Decimal

    @property
    def status(self) -> DeliveryStatus | None:
        """The status of :attr:`receipt`, or None before any receipt."""
        return None if self.receipt is None else self.receipt.status

    @property
    def state(self) -> DeliveryState:
        """The part's :class:`DeliveryState`."""
        if self.send_status != 0:
            return DeliveryState.FAILED
        if self.receipt is None or not self.receipt.is_final:
            return DeliveryState.PENDING
        if self.receipt.status is DeliveryStatus.DELIVERED:
            return DeliveryState.DELIVERED
        if self.receipt.status is DeliveryStatus.UNKNOWN:
            return DeliveryState.UNKNOWN
        return DeliveryState.FAILED


class _Part:
    """What the send response said about one part: fixed once the tracker is made."""

    __slots__ = ("index", "message_id", "send_price", "send_status", "to")

    def __init__(
        self, index: int, message_id: str | None, to: str | None, send_status: int, send_price: Decimal | None
    ) -> None:
        self.index = index
        self.message_id = message_id
        self.to = to
        self.send_status = send_status
        self.send_price = send_price

    @classmethod
    def from_sent(cls, index: int, sent: _SentMessage) -> _Part:
        return cls(index, sent.message_id, sent.to, int(sent.status), sent.message_price)

    def snapshot(self, receipts: Sequence[DeliveryReceipt]) -> PartState:
        """The part's state after ``receipts``, in the order the store recorded them."""
        shown: DeliveryReceipt | None = None
        receipt_price: Decimal | None = None
        for receipt in receipts:
            if receipt.price is not None:
                receipt_price = receipt.price
            # The first final receipt stands; until then the latest intermediate one is shown.
            if shown is None or not shown.is_final:
                shown = receipt
        if self.send_status != 0:
            price = Decimal(0)
        elif receipt_price is not None:
            price = receipt_price
        elif self.send_price is not None:
            price = self.send_price
        else:
            price = Decimal(0)
        return PartState(self.index, self.message_id, self.to, self.send_status, shown, price)

    def to_json(self) -> list[object]:
        price = None if self.send_price is None else str(self.send_price)
        return [self.index, self.message_id, self.to, self.send_status, price]


def _check_ttl(ttl: object) -> float:
    if not isinstance(ttl, (int, float)) or isinstance(ttl, bool):
        raise TypeError(f"ttl must be a number of seconds, not {type(ttl).__name__}")
    if not ttl > 0:
        raise ArgumentError(f"ttl is {ttl!r}, expected a positive number of seconds", argument="ttl")
    return float(ttl)


def _check_store(store: object) -> Store:
    if not isinstance(store, Store):
        raise TypeError(f"store must be a Store (MemoryStore, SQLiteStore, ...), not {type(store).__name__}")
    return store


class DeliveryTracker:
    """The delivery state of one sent (possibly multi-part) message.

    Thread and process safety are the store's (see :mod:`smscodec.vonage.stores`): the
    tracker holds only what the send response said, so threads may share one, and with a
    shared store every worker sees the receipts any worker recorded.

    Args:
        response: the parsed send response (:func:`~smscodec.vonage.parse_send_response`);
            anything with ``messages`` whose items have ``message_id``, ``status``,
            ``message_price`` and ``to`` works.
        store: where the send record and the receipts are kept (default: a new
            :class:`~smscodec.vonage.MemoryStore`, this tracker only).
        ttl: seconds the record and each part's receipts are kept (after the latest
            receipt); default a week.
        namespace: the store namespace, to keep several users of one store apart.

    Raises:
        TypeError: ``response`` has no such ``messages``, or a wrong argument type.
        ArgumentError: ``ttl`` is not a positive number.
        StoreError: a shared store failed.
    """

    def __init__(
        self,
        response: _SendResponse,
        *,
        store: Store | None = None,
        ttl: float = _DEFAULT_TTL,
        namespace: str = "tracking",
    ) -> None:
        messages = getattr(response, "messages", None)
        if messages is None or isinstance(messages, (str, bytes)):
            raise TypeError(f"DeliveryTracker takes a parsed send response, not {type(response).__name__}")
        parts: list[_Part] = []
        for index, sent in enumerate(messages):
            for attr in ("message_id", "status", "message_price", "to"):
                if not hasattr(sent, attr):
                    raise TypeError(f"send response message {index} has no {attr!r}")
            parts.append(_Part.from_sent(index, sent))
        self._setup(
            parts, MemoryStore() if store is None else _check_store(store), _check_ttl(ttl), namespace
        )
        record = json.dumps({"v": _RECORD_VERSION, "parts": [part.to_json() for part in parts]}).encode()
        for message_id in self.message_ids:
            self._store.put(self._namespace, "t:" + message_id, record, self._ttl)

    def _setup(self, parts: list[_Part], store: Store, ttl: float, namespace: str) -> None:
        if not isinstance(namespace, str):
            raise TypeError(f"namespace must be str, not {type(namespace).__name__}")
        self._parts = parts
        self._by_id = {part.message_id: part for part in parts if part.message_id}
        self._store = store
        self._shared = bool(store.shared)
        self._ttl = ttl
        self._namespace = namespace

    @classmethod
    def find(
        cls,
        message_id: str,
        *,
        store: Store,
        ttl: float = _DEFAULT_TTL,
        namespace: str = "tracking",
    ) -> DeliveryTracker | None:
        """The tracker of the sent message one of whose parts is ``message_id``, rebuilt
        from the store (in any worker), or None when no tracker registered that id (or its
        record expired).

        Raises:
            TypeError: a wrong argument type.
            StoreError: the store failed, or holds a record this version cannot read.
        """
        if not isinstance(message_id, str):
            raise TypeError(f"message_id must be str, not {type(message_id).__name__}")
        store = _check_store(store)
        data = store.get(namespace, "t:" + message_id)
        if data is None:
            return None
        tracker = cls.__new__(cls)
        tracker._setup(_parts_from_record(data), store, _check_ttl(ttl), namespace)
        return tracker

    @classmethod
    def record(
        cls,
        receipt: DeliveryReceipt,
        *,
        store: Store,
        ttl: float = _DEFAULT_TTL,
        namespace: str = "tracking",
    ) -> DeliveryTracker | None:
        """Keep ``receipt`` in the store, whichever worker got it, and return the tracker of
        its message (see :meth:`find`), or None when the send is not registered (yet): the
        receipt is kept all the same, and a tracker made later sees it.

        Raises:
            TypeError: ``receipt`` is not a :class:`DeliveryReceipt`.
            StoreError: the store failed.
        """
        if not isinstance(receipt, DeliveryReceipt):
            raise TypeError(f"record() takes a DeliveryReceipt, not {type(receipt).__name__}")
        store = _check_store(store)
        value = _CODEC.dumps(receipt) if store.shared else receipt
        store.append(namespace, "r:" + receipt.message_id, value, _check_ttl(ttl))
        return cls.find(receipt.message_id, store=store, ttl=ttl, namespace=namespace)

    @property
    def store(self) -> Store:
        """The store the receipts are kept in."""
        return self._store

    @property
    def message_ids(self) -> tuple[str, ...]:
        """The ids of the parts that were sent, in order."""
        return tuple(part.message_id for part in self._parts if part.message_id)

    def add(self, receipt: DeliveryReceipt) -> bool:
        """Record a delivery receipt.

        Returns:
            True when the receipt is about one of this message's parts (it is then kept in
            the store), False otherwise (so one handler can offer a receipt to several
            trackers).

        Raises:
            TypeError: ``receipt`` is not a :class:`DeliveryReceipt`.
            StoreError: a shared store failed.
        """
        if not isinstance(receipt, DeliveryReceipt):
            raise TypeError(f"add() takes a DeliveryReceipt, not {type(receipt).__name__}")
        if receipt.message_id not in self._by_id:
            return False
        value = _CODEC.dumps(receipt) if self._shared else receipt
        self._store.append(self._namespace, "r:" + receipt.message_id, value, self._ttl)
        return True

    #: Alias of :meth:`add`.
    update = add

    def _receipts(self, message_id: str | None) -> list[DeliveryReceipt]:
        if not message_id:
            return []
        out = []
        for value in self._store.read(self._namespace, "r:" + message_id):
            receipt = _CODEC.loads(value) if isinstance(value, (bytes, str)) else value
            if not isinstance(receipt, DeliveryReceipt):
                raise CodecError(f"a stored receipt of {message_id!r} is not a delivery receipt")
            out.append(receipt)
        return out

    @property
    def parts(self) -> tuple[PartState, ...]:
        """A snapshot of every part, in send order (read from the store)."""
        return tuple(part.snapshot(self._receipts(part.message_id)) for part in self._parts)

    @property
    def state(self) -> DeliveryState:
        """The whole message's state (see the module rules); PENDING for an empty response."""
        return _overall(self.parts)

    @property
    def delivered(self) -> bool:
        """True when every part is delivered."""
        return self.state is DeliveryState.DELIVERED

    @property
    def failed(self) -> bool:
        """True when some part failed, so the message cannot arrive whole."""
        return self.state is DeliveryState.FAILED

    @property
    def pending(self) -> bool:
        """True while no part failed and some part still awaits a final receipt."""
        return self.state is DeliveryState.PENDING

    @property
    def is_final(self) -> bool:
        """True when no receipt can change :attr:`state` any more."""
        return self.state is not DeliveryState.PENDING

    @property
    def total_cost(self) -> Decimal:
        """What the message cost so far: the sum of the parts' prices."""
        return sum((part.price for part in self.parts), Decimal(0))


def _overall(parts: Sequence[PartState]) -> DeliveryState:
    states = {part.state for part in parts}
    if DeliveryState.FAILED in states:
        return DeliveryState.FAILED
    if not states or DeliveryState.PENDING in states:
        return DeliveryState.PENDING
    if DeliveryState.UNKNOWN in states:
        return DeliveryState.UNKNOWN
    return DeliveryState.DELIVERED


def _parts_from_record(data: object) -> list[_Part]:
    """The parts of a send record written by :class:`DeliveryTracker`."""
    try:
        tree = json.loads(data if isinstance(data, (bytes, str)) else b"")
        if tree["v"] != _RECORD_VERSION:
            raise CodecError(
                f"a stored send record has version {tree['v']!r}, this version reads {_RECORD_VERSION}"
            )
        parts = []
        for index, message_id, to, status, price in tree["parts"]:
            if not (isinstance(index, int) and isinstance(status, int)):
                raise CodecError("a stored send record holds a non-integer index or status")
            for value in (message_id, to, price):
                if value is not None and not isinstance(value, str):
                    raise CodecError("a stored send record holds a non-string id, recipient or price")
            price_value = None if price is None else Decimal(price)
            if price_value is not None and not price_value.is_finite():
                raise CodecError("a stored send record holds a price that is not a finite number")
            parts.append(_Part(index, message_id, to, status, price_value))
        return parts
    except CodecError:
        raise
    except (ValueError, TypeError, KeyError, InvalidOperation, RecursionError) as exc:
        raise CodecError(f"a stored send record cannot be read ({type(exc).__name__})") from None
