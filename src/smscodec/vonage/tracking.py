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
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Protocol

from .receipts import DeliveryReceipt, DeliveryStatus

__all__ = ["DeliveryState", "DeliveryTracker", "PartState"]


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
    __slots__ = ("index", "message_id", "receipt", "receipt_price", "send_price", "send_status", "to")

    def __init__(self, index: int, sent: _SentMessage) -> None:
        self.index = index
        self.message_id = sent.message_id
        self.to = sent.to
        self.send_status = int(sent.status)
        self.send_price = sent.message_price
        self.receipt: DeliveryReceipt | None = None
        self.receipt_price: Decimal | None = None

    def snapshot(self) -> PartState:
        if self.send_status != 0:
            price = Decimal(0)
        elif self.receipt_price is not None:
            price = self.receipt_price
        elif self.send_price is not None:
            price = self.send_price
        else:
            price = Decimal(0)
        return PartState(self.index, self.message_id, self.to, self.send_status, self.receipt, price)


class DeliveryTracker:
    """The delivery state of one sent (possibly multi-part) message.

    Args:
        response: the parsed send response (:func:`~smscodec.vonage.parse_send_response`);
            anything with ``messages`` whose items have ``message_id``, ``status``,
            ``message_price`` and ``to`` works.

    Raises:
        TypeError: ``response`` has no such ``messages``.
    """

    def __init__(self, response: _SendResponse) -> None:
        messages = getattr(response, "messages", None)
        if messages is None or isinstance(messages, (str, bytes)):
            raise TypeError(f"DeliveryTracker takes a parsed send response, not {type(response).__name__}")
        parts: list[_Part] = []
        for index, sent in enumerate(messages):
            for attr in ("message_id", "status", "message_price", "to"):
                if not hasattr(sent, attr):
                    raise TypeError(f"send response message {index} has no {attr!r}")
            parts.append(_Part(index, sent))
        self._parts = parts
        self._by_id = {part.message_id: part for part in parts if part.message_id}
        self._lock = threading.Lock()

    @property
    def message_ids(self) -> tuple[str, ...]:
        """The ids of the parts that were sent, in order."""
        return tuple(part.message_id for part in self._parts if part.message_id)

    def add(self, receipt: DeliveryReceipt) -> bool:
        """Record a delivery receipt.

        Returns:
            True when the receipt is about one of this message's parts, False otherwise
            (so one handler can offer a receipt to several trackers).

        Raises:
            TypeError: ``receipt`` is not a :class:`DeliveryReceipt`.
        """
        if not isinstance(receipt, DeliveryReceipt):
            raise TypeError(f"add() takes a DeliveryReceipt, not {type(receipt).__name__}")
        part = self._by_id.get(receipt.message_id)
        if part is None:
            return False
        with self._lock:
            if receipt.price is not None:
                part.receipt_price = receipt.price
            # The first final receipt stands; until then the latest intermediate one is shown.
            if part.receipt is None or not part.receipt.is_final:
                part.receipt = receipt
        return True

    #: Alias of :meth:`add`.
    update = add

    @property
    def parts(self) -> tuple[PartState, ...]:
        """A snapshot of every part, in send order."""
        with self._lock:
            return tuple(part.snapshot() for part in self._parts)

    @property
    def state(self) -> DeliveryState:
        """The whole message's state (see the module rules); PENDING for an empty response."""
        states = {part.state for part in self.parts}
        if DeliveryState.FAILED in states:
            return DeliveryState.FAILED
        if not states or DeliveryState.PENDING in states:
            return DeliveryState.PENDING
        if DeliveryState.UNKNOWN in states:
            return DeliveryState.UNKNOWN
        return DeliveryState.DELIVERED

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
