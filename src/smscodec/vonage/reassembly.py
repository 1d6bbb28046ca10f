"""Join the parts of concatenated inbound messages, h11-style: feed a part, get a message or None.

Theory of operation
-------------------
A long SMS reaches the inbound webhook as separate parts, each with ``concat-ref``,
``concat-total`` and ``concat-part``, in any order, and Vonage repeats a part for up to
24 hours until the webhook answers 2xx, so the same part may come twice, even after the
message was completed.  :class:`Reassembler` keeps the parts of each incomplete message
under a key (sender, recipient, reference, total) and hands back the joined message as
soon as the last missing part arrives.

* Keying by ``concat-total`` as well as the reference keeps two messages apart when a
  phone reuses an 8-bit reference for a message of a different length.
* A repeated part number of a pending message is ignored (the first copy wins).  Parts of
  completed messages are remembered by (sender, recipient, ``messageId``), the id that a
  Vonage retry repeats, in a bounded first-in-first-out memory (``max_completed``); a
  phone reusing a reference for a new message sends new message ids, so it is not mistaken
  for a retry.
* Memory is bounded: at most ``max_pending`` incomplete messages (the oldest is evicted
  when a new one would exceed that) and at most ``max_parts`` parts each.  Evicted and
  timed-out messages are not lost: :meth:`Reassembler.expire` hands their parts back.  The
  queue of evicted messages is itself bounded by ``max_pending``; what overflows it is
  counted in :attr:`Reassembler.discarded`.
* Time comes from the ``clock`` callable (``time.monotonic`` by default), so tests drive it.
* One lock guards the state: a reassembler may be shared by a threaded web server.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .. import udh as _udh
from ..errors import ArgumentError, WebhookError
from .inbound import InboundMessage, InboundType

__all__ = ["Reassembler"]

# TS 23.040 §9.2.3.24.1: at most 255 parts.
_MAX_PARTS = 255

_Key = tuple[str, str, str, int]


@dataclass
class _Pending:
    started: float
    binary: bool
    parts: dict[int, InboundMessage] = field(default_factory=dict)

    def ordered(self) -> list[InboundMessage]:
        return [self.parts[number] for number in sorted(self.parts)]


def _positive_int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    if value < 1:
        raise ArgumentError(f"{name} is {value}, expected 1 or more", argument=name)
    return value


class Reassembler:
    """Collects the parts of concatenated inbound messages and returns each whole message once.

    Args:
        max_pending: most incomplete messages held at once; when a part of a new message
            would exceed it, the oldest incomplete message is evicted (see :meth:`expire`).
        timeout: seconds, by ``clock``, after the first part of an incomplete message arrived
            when :meth:`expire` gives up on it.  The default is Vonage's 24-hour retry window.
        clock: returns the current time in seconds; any monotonic source.
        max_parts: most parts accepted per message (TS 23.040 allows 255).
        max_completed: how many parts of completed messages are remembered to recognise
            retries after completion.

    Raises:
        TypeError: an argument of the wrong type.
        ArgumentError: a count below 1 or a timeout that is not a positive finite number.
    """

    def __init__(
        self,
        *,
        max_pending: int = 10_000,
        timeout: float = 86_400.0,
        clock: Callable[[], float] = time.monotonic,
        max_parts: int = _MAX_PARTS,
        max_completed: int = 100_000,
    ) -> None:
        self._max_pending = _positive_int(max_pending, "max_pending")
        self._max_parts = _positive_int(max_parts, "max_parts")
        self._max_completed = _positive_int(max_completed, "max_completed")
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
            raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
        if not (math.isfinite(timeout) and timeout > 0):
            raise ArgumentError(
                f"timeout is {timeout!r}, expected a positive number of seconds", argument="timeout"
            )
        if not callable(clock):
            raise TypeError(f"clock must be callable, not {type(clock).__name__}")
        self._timeout = float(timeout)
        self._clock = clock
        self._lock = threading.Lock()
        # Insertion order is arrival order of each message's first part: oldest first.
        self._pending: OrderedDict[_Key, _Pending] = OrderedDict()
        self._completed: OrderedDict[tuple[str, str, str], None] = OrderedDict()
        self._evicted: list[list[InboundMessage]] = []
        self._discarded = 0

    @property
    def pending(self) -> int:
        """How many incomplete messages are held."""
        with self._lock:
            return len(self._pending)

    @property
    def discarded(self) -> int:
        """Incomplete messages dropped because the queue of evicted messages was full."""
        with self._lock:
            return self._discarded

    def add(self, message: InboundMessage) -> InboundMessage | None:
        """Feed one inbound message or part.

        Returns:
            The whole message when ``message`` completes one (metadata of part 1, texts or
            data joined in part order, :attr:`~InboundMessage.part_ids` filled,
            ``concat`` None); ``message`` itself when it is not a part of a longer message;
            None while parts are missing, and for a repeated part.

        Raises:
            TypeError: ``message`` is not an :class:`InboundMessage`.
            WebhookError: the part claims more than ``max_parts`` parts (``concat-total``),
                or mixes binary and text with the other parts of its message (``type``).
        """
        if not isinstance(message, InboundMessage):
            raise TypeError(f"add() takes an InboundMessage, not {type(message).__name__}")
        concat = message.concat
        if concat is None or concat.total == 1:
            return message
        if concat.total > self._max_parts:
            raise WebhookError(
                f"'concat-total' is {concat.total}, more than the {self._max_parts} parts this "
                "reassembler accepts per message",
                field="concat-total",
            )
        key: _Key = (message.msisdn, message.to, concat.reference, concat.total)
        binary = message.type is InboundType.BINARY
        with self._lock:
            if (message.msisdn, message.to, message.message_id) in self._completed:
                return None
            entry = self._pending.get(key)
            if entry is None:
                self._make_room()
                entry = self._pending[key] = _Pending(started=self._clock(), binary=binary)
            elif entry.binary != binary:
                raise WebhookError(
                    f"part {concat.part} of message {concat.reference!r} is {message.type.value}, "
                    f"its other parts are {'binary' if entry.binary else 'text'}",
                    field="type",
                )
            if concat.part in entry.parts:
                return None
            entry.parts[concat.part] = message
            if len(entry.parts) < concat.total:
                return None
            del self._pending[key]
            parts = entry.ordered()
            for part in parts:
                self._remember(part)
        return _join(parts)

    def expire(self) -> list[list[InboundMessage]]:
        """Give up on incomplete messages older than ``timeout`` and on evicted ones.

        Returns:
            The parts of each abandoned message, in part order: first those evicted to make
            room since the last call, then the timed-out ones, oldest first.  Each message is
            returned once; a late part of it starts a new incomplete message.
        """
        with self._lock:
            now = self._clock()
            out = self._evicted
            self._evicted = []
            while self._pending:
                key, entry = next(iter(self._pending.items()))
                if now - entry.started <= self._timeout:  # "older than": strictly past the timeout
                    break
                del self._pending[key]
                out.append(entry.ordered())
            return out

    def flush(self) -> list[list[InboundMessage]]:
        """Give up on every incomplete message now (e.g. at shutdown) and return their parts,
        the evicted ones first, then the held ones oldest first."""
        with self._lock:
            out = self._evicted
            self._evicted = []
            out.extend(entry.ordered() for entry in self._pending.values())
            self._pending.clear()
            return out

    def _make_room(self) -> None:
        while len(self._pending) >= self._max_pending:
            _, oldest = self._pending.popitem(last=False)
            self._evicted.append(oldest.ordered())
            if len(self._evicted) > self._max_pending:
                del self._evicted[0]
                self._discarded += 1

    def _remember(self, part: InboundMessage) -> None:
        self._completed[(part.msisdn, part.to, part.message_id)] = None
        while len(self._completed) > self._max_completed:
            self._completed.popitem(last=False)


def _strip_concat(header: bytes) -> bytes:
    """The header without its concatenation elements: the joined message is no longer a part."""
    if not header:
        return b""
    elements = [e for e in _udh.parse(header) if not isinstance(e, _udh.Concat)]
    if not elements:
        return b""
    # Not udh.build: its 140-octet limit is for headers we send, and a received header
    # (UDHL is one octet: up to 1 + 255) that parsed must come back whole, not raise.
    body = b"".join(element.to_bytes() for element in elements)
    return bytes((len(body),)) + body


def _join(parts: list[InboundMessage]) -> InboundMessage:
    first = parts[0]
    ids = tuple(part.message_id for part in parts)
    if first.type is InboundType.BINARY:
        return replace(
            first,
            data=b"".join(part.data or b"" for part in parts),
            udh=_strip_concat(first.udh or b""),
            concat=None,
            part_ids=ids,
        )
    # A phone encodes each part on its own, so one part may need UCS-2 where the others fit
    # GSM-7: the whole is unicode if any part is.
    kind = InboundType.UNICODE if any(p.type is InboundType.UNICODE for p in parts) else first.type
    return replace(
        first,
        type=kind,
        text="".join(part.text or "" for part in parts),
        concat=None,
        part_ids=ids,
    )
