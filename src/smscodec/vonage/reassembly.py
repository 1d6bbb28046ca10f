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
  Vonage retry repeats, for ``completed_ttl`` seconds (Vonage's 24-hour retry window) and
  at most ``max_completed`` of them; a phone reusing a reference for a new message sends
  new message ids, so it is not mistaken for a retry.
* Memory is bounded three ways: at most ``max_pending`` incomplete messages, at most
  ``max_pending_bytes`` bytes in their parts, and at most ``max_parts`` parts each.  When a
  part would exceed a bound, the oldest incomplete messages are evicted, in O(1) (memory)
  or O(log n) (SQLite, Redis) per eviction.  Evicted and timed-out messages are not lost:
  :meth:`Reassembler.expire` hands their parts back (call it regularly).  The queue of
  evicted messages is itself bounded by ``max_pending`` messages and
  ``max_pending_bytes`` bytes (its newest message always stays); what overflows it is
  counted in :attr:`Reassembler.discarded`.
* :meth:`Reassembler.add` keeps its contract (the whole message or None);
  :meth:`Reassembler.add_part` says which None it was (:class:`PartStatus`: pending,
  duplicate, evicted) and :meth:`Reassembler.add_parts` takes a batch in one store
  transaction.

Where the state lives
---------------------
In a store (:mod:`smscodec.vonage.stores`).  The default :class:`~smscodec.vonage.MemoryStore`
is this process's memory, shared by its threads.  With a :class:`~smscodec.vonage.SQLiteStore`
(one host) or a :class:`~smscodec.vonage.RedisStore` (several hosts), every worker makes its
own Reassembler over the same store and a message completes exactly once across all of
them, in whichever worker adds its last part; a worker killed at any moment loses nothing
the store committed.  Parts travel into a shared store as JSON (never pickle) and come
back equal.  Configure every worker alike: each call applies the bounds of the
Reassembler that makes it.

Delivery to the caller
----------------------
**At most once, by default.**  A completed message is handed to the one call that
completed it and is then gone from the store; only its part ids stay, to recognise
retries.  If that worker dies after the store committed the completion and before the
message was handled, the message is lost: Vonage retries the unanswered webhook, and the
retry is (rightly, for the store) a duplicate.  Keep that window short: hand a completed
message to something durable (a table, a queue) first, then answer the webhook.

**At least once, with** ``confirm=True``.  A completed message then stays in the store, in
the namespace's *outbox*, until the caller says it is handled::

    reassembler = Reassembler(store=SQLiteStore("state.db"), confirm=True)

    result = reassembler.add_part(part)
    if result.message is not None:          # COMPLETE, or REDELIVERED
        keep(result.message)                # durable, and idempotent (see below)
        reassembler.confirm(result)         # from here on, never handed out again

Until :meth:`Reassembler.confirm` commits, the message is not lost whatever happens to the
worker: a retry of any of its parts hands it back again (:attr:`PartStatus.REDELIVERED`,
with the same :attr:`PartResult.token`), and :meth:`Reassembler.unconfirmed` hands back the
ones whose caller went quiet (a worker killed, or a caller that never confirms), for any
worker to handle: run it now and then, e.g. next to :meth:`Reassembler.expire`.  If the
handling fails where the caller sees it, :meth:`Reassembler.release` hands the message to
the next retry at once.  The price of at least once is that a message may be handed out
more than once (a worker killed after handling it and before confirming; a retry of a part
racing the first handler, unless ``lease`` holds it off): make the handling idempotent,
e.g. keyed by :attr:`PartResult.token` (one per completion, the same for every hand-out)
or by :attr:`~InboundMessage.part_ids`.  After a confirmation the message is handed out
never again: a retry of its parts is a DUPLICATE, as in the default mode.  The outbox
counts against ``max_pending_bytes`` and is never evicted (only confirmation empties it):
when unconfirmed messages fill it, new parts are evicted (see :meth:`Reassembler.expire`)
rather than memory growing.  Every step (completing into the outbox, handing out again,
confirming) is one atomic step of the store; configure every worker of a namespace alike.

Time
----
Times come from the ``clock`` callable.  In-process, ``time.monotonic`` (the default) is
right.  A shared store compares times written by different processes, and a monotonic
clock is meaningless outside its own process, so with a shared store the default becomes
``time.time`` (wall-clock seconds; keep hosts in NTP sync: the 24-hour default timeout
dwarfs any realistic skew).  A ``clock`` passed explicitly is used as given, with any
store: it must then mean the same in every process.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields, replace
from enum import Enum
from typing import NamedTuple

from .. import udh as _udh
from ..errors import ArgumentError, WebhookError
from ._codec import Codec, CodecError
from ._wire import RawFields
from .inbound import InboundMessage, InboundType
from .stores import GroupLimits, GroupOutcome, GroupPart, MemoryStore, Store, StoreError

__all__ = ["PartResult", "PartStatus", "Reassembler"]

# TS 23.040 §9.2.3.24.1: at most 255 parts.
_MAX_PARTS = 255

# What one part counts against max_pending_bytes, besides its content (text as UTF-8,
# data, header, the raw and unknown fields): an allowance for the identity and metadata
# fields and the bookkeeping around them, so that a flood of tiny parts is bounded too.
_PART_OVERHEAD = 256

# The default bound on pending bytes.  A real part carries at most 140 octets of user data
# (TS 23.040 §9.2.3.24): about 160 characters once decoded, some 1 KiB once its metadata
# and raw webhook fields are counted.  32 MiB holds the default 10,000 pending messages at
# three such parts each, while a flood of 64 KiB parts (what a webhook body may carry)
# stops at about 500 parts instead of gigabytes.
_DEFAULT_MAX_PENDING_BYTES = 32 * 1024 * 1024

_CODEC = Codec(InboundMessage)
# Whether InboundMessage has the ``raw`` mapping yet (a failing getattr costs a microsecond).
_HAS_RAW = "raw" in {f.name for f in fields(InboundMessage)}


class PartStatus(str, Enum):
    """What :meth:`Reassembler.add_part` did with a message; the values are plain words."""

    #: :attr:`PartResult.message` is the whole message: this part completed it, or it was
    #: never a part of a longer one (it comes straight back).
    COMPLETE = "complete"
    #: Held: more parts of its message are to come.
    PENDING = "pending"
    #: Ignored: a copy of a part already held (the first copy stays), or a part of a
    #: message already completed (a webhook retry).
    DUPLICATE = "duplicate"
    #: Could not be held within ``max_pending_bytes`` even after evicting every other
    #: message: the part and the rest of its message wait in the evicted queue for
    #: :meth:`Reassembler.expire`.
    EVICTED = "evicted"
    #: Only from :meth:`Reassembler.add_parts`: refused, :attr:`PartResult.error` says why
    #: (:meth:`~Reassembler.add` and :meth:`~Reassembler.add_part` raise it instead).
    REFUSED = "refused"
    #: Only with ``confirm=True``: :attr:`PartResult.message` is a whole message completed
    #: before and not confirmed yet (its first handler failed, died, or is still at it),
    #: handed out again by a retry of one of its parts or by :meth:`Reassembler.unconfirmed`.
    #: Handle it as a COMPLETE one, then :meth:`~Reassembler.confirm` it.
    REDELIVERED = "redelivered"

    def __str__(self) -> str:
        return self.value


class PartResult(NamedTuple):
    """The answer of :meth:`Reassembler.add_part` for one message (a named tuple: one is
    made per webhook, so it must be cheap).

    Attributes:
        status: what happened (:class:`PartStatus`).
        part: the message that was added (from :meth:`Reassembler.unconfirmed`: the whole
            message, as no part was added).
        message: the whole message when ``status`` is COMPLETE or REDELIVERED, else None.
        error: why the part was refused when ``status`` is REFUSED, else None.
        token: with ``confirm=True``, when :attr:`message` waits in the store's outbox: what
            :meth:`Reassembler.confirm` takes (a ``str``; it may be kept and passed instead of
            the result).  One per completion and the same for every hand-out of it, so it
            also serves as the key that makes handling idempotent.  None otherwise (also for
            a message that was never a part: nothing waits for it).
    """

    status: PartStatus
    part: InboundMessage
    message: InboundMessage | None = None
    error: WebhookError | None = None
    token: str | None = None

    @property
    def complete(self) -> bool:
        """True when :attr:`message` holds the whole message (COMPLETE or REDELIVERED)."""
        return self.status is PartStatus.COMPLETE or self.status is PartStatus.REDELIVERED


def _positive_int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    if value < 1:
        raise ArgumentError(f"{name} is {value}, expected 1 or more", argument=name)
    return value


def _seconds(value: object, name: str, *, allow_zero: bool = False) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    try:
        seconds = float(value)
    except OverflowError:  # an int beyond any float
        seconds = math.inf
    if not (math.isfinite(seconds) and (seconds > 0 or (allow_zero and seconds == 0))):
        expected = "0 or more" if allow_zero else "a positive number of"
        raise ArgumentError(f"{name} is {value!r:.40}, expected {expected} seconds", argument=name)
    return seconds


def _weight(message: InboundMessage) -> int:
    """What ``message`` counts against ``max_pending_bytes`` (see _PART_OVERHEAD)."""
    size = _PART_OVERHEAD + len(message.data or b"") + len(message.udh or b"")
    text = message.text
    if text:
        size += len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    if message.extra:
        size += sum(len(name) + len(value) for name, value in message.extra)
    # The raw webhook fields (a mapping of str, added in 0.2) hold the text once more.
    raw = getattr(message, "raw", None) if _HAS_RAW else None
    if raw:
        # A plain dict copy first: RawFields' own iteration runs in Python, a dict's in C.
        fields = (
            raw.to_dict() if isinstance(raw, RawFields) else dict(raw) if isinstance(raw, Mapping) else {}
        )
        try:
            size += sum(map(len, fields)) + sum(map(len, fields.values()))
        except TypeError:  # not the mapping of str it should be: count what can be counted
            size += len(fields) * 16
    return size


class Reassembler:
    """Collects the parts of concatenated inbound messages and returns each whole message once
    (or, with ``confirm=True``, until it is confirmed: see the module docstring).

    Thread and process safety are the store's (see :mod:`smscodec.vonage.stores`): the
    reassembler itself holds only its settings, so threads may share one, and processes
    share a :class:`~smscodec.vonage.SQLiteStore` or :class:`~smscodec.vonage.RedisStore`.
    Each method is one atomic store step (:meth:`add_parts` and :meth:`confirm_many` one
    for the whole batch), so a worker killed at any moment leaves every message held,
    waiting in the outbox, or handed out and confirmed.

    Args:
        store: where the parts wait (default: a new :class:`~smscodec.vonage.MemoryStore`,
            this process only).
        max_pending: most incomplete messages held at once; when a part of a new message
            would exceed it, the oldest incomplete message is evicted (see :meth:`expire`).
        timeout: seconds, by ``clock``, after the first part of an incomplete message arrived
            when :meth:`expire` gives up on it.  The default is Vonage's 24-hour retry window.
        clock: returns the current time in seconds; any monotonic source in-process.  With a
            shared store, the default ``time.monotonic`` is replaced by ``time.time`` (see the
            module docstring, "Time").
        max_parts: most parts accepted per message (TS 23.040 allows 255).
        max_completed: how many parts of completed messages are remembered to recognise
            retries after completion.
        max_pending_bytes: most bytes held in the parts of incomplete messages (content plus
            256 per part); the oldest messages are evicted to stay under it.  The default,
            32 MiB, holds 10,000 messages of three full parts each.
        completed_ttl: seconds a completed message's part ids are remembered (Vonage retries
            a webhook for 24 hours).
        namespace: the store namespace, to keep several reassemblers apart in one store.
        confirm: at-least-once delivery: keep each completed message in the store's outbox
            until :meth:`confirm` (see the module docstring).  False (the default): at most
            once, the message leaves the store as it is handed out.  Over a
            :class:`~smscodec.vonage.MemoryStore` the outbox dies with the process: a
            shared store is what makes a killed worker lose nothing.
        lease: with ``confirm``, seconds after a hand-out during which a retry of one of the
            message's parts is a DUPLICATE rather than REDELIVERED: it keeps two copies of a
            part that arrive together from handing one message to two workers at once, at
            the cost of a retry in that time not getting it (:meth:`unconfirmed` or a later
            retry will; :meth:`release` ends the lease).  0 (the default) hands the message
            back on every retry until it is confirmed.

    Raises:
        TypeError: an argument of the wrong type.
        ArgumentError: a count below 1, a time that is not a positive finite number, or a
            ``lease`` that is negative or not finite.
    """

    def __init__(
        self,
        *,
        store: Store | None = None,
        max_pending: int = 10_000,
        timeout: float = 86_400.0,
        clock: Callable[[], float] = time.monotonic,
        max_parts: int = _MAX_PARTS,
        max_completed: int = 100_000,
        max_pending_bytes: int = _DEFAULT_MAX_PENDING_BYTES,
        completed_ttl: float = 86_400.0,
        namespace: str = "reassembly",
        confirm: bool = False,
        lease: float = 0.0,
    ) -> None:
        self._max_pending = _positive_int(max_pending, "max_pending")
        self._max_parts = _positive_int(max_parts, "max_parts")
        max_completed = _positive_int(max_completed, "max_completed")
        max_pending_bytes = _positive_int(max_pending_bytes, "max_pending_bytes")
        self._timeout = _seconds(timeout, "timeout")
        completed_ttl = _seconds(completed_ttl, "completed_ttl")
        if not callable(clock):
            raise TypeError(f"clock must be callable, not {type(clock).__name__}")
        if store is None:
            store = MemoryStore()
        elif not isinstance(store, Store):
            raise TypeError(
                f"store must be a Store (MemoryStore, SQLiteStore, ...), not {type(store).__name__}"
            )
        if not isinstance(namespace, str):
            raise TypeError(f"namespace must be str, not {type(namespace).__name__}")
        if not isinstance(confirm, bool):
            raise TypeError(f"confirm must be bool, not {type(confirm).__name__}")
        lease = _seconds(lease, "lease", allow_zero=True)
        self._confirm = confirm
        self._store = store
        self._shared = bool(store.shared)
        # A monotonic clock means nothing to another process: shared stores get wall time.
        self._clock = time.time if self._shared and clock is time.monotonic else clock
        self._namespace = namespace
        self._limits = GroupLimits(
            max_groups=self._max_pending,
            max_bytes=max_pending_bytes,
            max_done=max_completed,
            done_ttl=completed_ttl,
            outbox=confirm,
            lease=lease,
        )
        store.group_stats(namespace)  # checks the namespace (and reaches a shared store) now

    def __repr__(self) -> str:
        mode = ", confirm=True" if self._confirm else ""
        return f"Reassembler(store={self._store!r}, namespace={self._namespace!r}{mode})"

    @property
    def store(self) -> Store:
        """The store the parts wait in."""
        return self._store

    @property
    def clock(self) -> Callable[[], float]:
        """The time source in use (``time.time`` when a shared store replaced the default)."""
        return self._clock

    @property
    def pending(self) -> int:
        """How many incomplete messages are held (by every worker of a shared store)."""
        return self._store.group_stats(self._namespace).pending

    @property
    def pending_bytes(self) -> int:
        """What the held parts count against ``max_pending_bytes``."""
        return self._store.group_stats(self._namespace).pending_bytes

    @property
    def evicted(self) -> int:
        """Evicted incomplete messages waiting for :meth:`expire`."""
        return self._store.group_stats(self._namespace).evicted

    @property
    def discarded(self) -> int:
        """Incomplete messages dropped because the queue of evicted messages was full."""
        return self._store.group_stats(self._namespace).discarded

    @property
    def outbox(self) -> int:
        """With ``confirm=True``: completed messages waiting for :meth:`confirm` (by every
        worker of a shared store); 0 otherwise."""
        return self._store.group_stats(self._namespace).outbox

    @property
    def outbox_bytes(self) -> int:
        """What the messages in the outbox count against ``max_pending_bytes``."""
        return self._store.group_stats(self._namespace).outbox_bytes

    def add(self, message: InboundMessage) -> InboundMessage | None:
        """Feed one inbound message or part.

        Returns:
            The whole message when ``message`` completes one (metadata of part 1, texts or
            data joined in part order, :attr:`~InboundMessage.part_ids` filled,
            ``concat`` None); ``message`` itself when it is not a part of a longer message;
            None while parts are missing, and for a repeated part (:meth:`add_part` tells
            these apart).  With ``confirm=True``, also the whole message again for a retry
            of a part of one not confirmed yet; confirming needs :meth:`add_part`'s token.

        Raises:
            TypeError: ``message`` is not an :class:`InboundMessage`.
            WebhookError: the part claims more than ``max_parts`` parts (``concat-total``),
                or mixes binary and text with the other parts of its message (``type``).
            StoreError: a shared store failed (unreachable, locked too long).
        """
        return self.add_part(message).message

    def add_part(self, message: InboundMessage) -> PartResult:
        """Feed one inbound message or part and say what became of it.

        Returns:
            A :class:`PartResult`: COMPLETE with the whole message (or ``message`` itself
            when it is not a part), PENDING, DUPLICATE or EVICTED; with ``confirm=True``
            also REDELIVERED, and a COMPLETE or REDELIVERED one carries the
            :attr:`~PartResult.token` that :meth:`confirm` takes.

        Raises:
            The same as :meth:`add`.
        """
        item = self._prepare(message, strict=True)
        if isinstance(item, PartResult):
            return item
        (outcome,) = self._store.add_parts(self._namespace, (item,), self._limits, self._clock())
        return self._result(message, outcome, strict=True)

    def add_parts(self, messages: Iterable[InboundMessage]) -> list[PartResult]:
        """Feed several messages in one store transaction (one SQLite commit, one Redis
        script call per 256 parts), in order; the same as :meth:`add_part` on each in turn,
        but a part that :meth:`add_part` would refuse comes back REFUSED with its error.

        Raises:
            TypeError: an item is not an :class:`InboundMessage` (nothing is added).
            StoreError: a shared store failed (nothing is added).
        """
        messages = list(messages)
        prepared = [self._prepare(message, strict=False) for message in messages]
        items = [item for item in prepared if isinstance(item, GroupPart)]
        outcomes = iter(
            self._store.add_parts(self._namespace, items, self._limits, self._clock()) if items else ()
        )
        return [
            item if isinstance(item, PartResult) else self._result(message, next(outcomes), strict=False)
            for message, item in zip(messages, prepared, strict=True)
        ]

    def _prepare(self, message: InboundMessage, *, strict: bool) -> GroupPart | PartResult:
        """The store's view of a part, or the result when the store need not be asked."""
        if not isinstance(message, InboundMessage):
            raise TypeError(f"add() takes an InboundMessage, not {type(message).__name__}")
        concat = message.concat
        if concat is None or concat.total == 1:
            return PartResult(PartStatus.COMPLETE, message, message)
        if concat.total > self._max_parts:
            error = WebhookError(
                f"'concat-total' is {concat.total}, more than the {self._max_parts} parts this "
                "reassembler accepts per message",
                field="concat-total",
            )
            if strict:
                raise error
            return PartResult(PartStatus.REFUSED, message, error=error)
        sender, to, reference = message.msisdn, message.to, concat.reference
        # Length-prefixed fields: unambiguous whatever the values hold, and cheap.
        return GroupPart(
            f"{len(sender)}:{sender}{len(to)}:{to}{len(reference)}:{reference}{concat.total}",
            concat.part,
            concat.total,
            "binary" if message.type is InboundType.BINARY else "text",
            f"{len(sender)}:{sender}{len(to)}:{to}{message.message_id}",
            _CODEC.dumps(message) if self._shared else message,
            _weight(message),
        )

    def _result(self, message: InboundMessage, outcome: GroupOutcome, strict: bool) -> PartResult:
        status = outcome.status
        if status == "complete":
            whole = _join(self._decode(outcome.values))
            return PartResult(PartStatus.COMPLETE, message, whole, token=outcome.token)
        if status == "unconfirmed":
            whole = _join(self._decode(outcome.values))
            return PartResult(PartStatus.REDELIVERED, message, whole, token=outcome.token)
        if status == "pending":
            return PartResult(PartStatus.PENDING, message)
        if status in ("duplicate", "done"):
            return PartResult(PartStatus.DUPLICATE, message)
        if status == "evicted":
            return PartResult(PartStatus.EVICTED, message)
        concat = message.concat
        if status != "conflict" or concat is None:
            raise StoreError(f"{self._store!r} answered {str(status)[:20]!r}, not a part outcome")
        error = WebhookError(
            f"part {concat.part} of message {concat.reference!r} is {message.type.value}, "
            f"its other parts are {outcome.tag}",
            field="type",
        )
        if strict:
            raise error
        return PartResult(PartStatus.REFUSED, message, error=error)

    def _decode(self, values: Sequence[object]) -> list[InboundMessage]:
        if not self._shared:
            return [v for v in values if isinstance(v, InboundMessage)]
        out = []
        for value in values:
            message = _CODEC.loads(value if isinstance(value, (bytes, str)) else b"")
            if not isinstance(message, InboundMessage):
                raise CodecError("a stored part is not an inbound message")
            out.append(message)
        return out

    def expire(self) -> list[list[InboundMessage]]:
        """Give up on incomplete messages older than ``timeout`` and on evicted ones.

        Returns:
            The parts of each abandoned message, in part order: first those evicted to make
            room since the last call, then the timed-out ones, oldest first.  Each message is
            returned once (to one caller, across every worker of a shared store); a late
            part of it starts a new incomplete message.

        Raises:
            StoreError: a shared store failed, or holds a part this version cannot read.
        """
        groups = self._store.expire_groups(self._namespace, self._clock(), self._timeout)
        return [self._decode(group) for group in groups]

    def flush(self) -> list[list[InboundMessage]]:
        """Give up on every incomplete message now (e.g. at shutdown) and return their parts,
        the evicted ones first, then the held ones oldest first.  With a shared store this
        takes every worker's messages.  The outbox (complete messages) is left alone."""
        return [self._decode(group) for group in self._store.flush_groups(self._namespace)]

    # -- at-least-once delivery (confirm=True)

    def confirm(self, result: PartResult | str) -> bool:
        """Say that a handed-out message is handled: it leaves the outbox, and is never
        handed out again (a retry of one of its parts is then a DUPLICATE).

        Call it once the message is somewhere durable, before answering the webhook.
        Safe to call from any worker, more than once, and with any result: only the
        first confirmation of a completion does anything.

        Args:
            result: a :class:`PartResult` from :meth:`add_part`, :meth:`add_parts` or
                :meth:`unconfirmed`, or its :attr:`~PartResult.token`.

        Returns:
            True if this call took the message out of the outbox; False if nothing waited
            for it: confirmed already (here or by another worker), a result with no token
            (not a whole message, a message that was never a part, or a reassembler
            without ``confirm``), or an unknown token.

        Raises:
            TypeError: ``result`` is neither a PartResult nor a str.
            StoreError: a shared store failed: the message stays in the outbox and will
                be handed out again.
        """
        (done,) = self.confirm_many((result,))
        return done

    def confirm_many(self, results: Iterable[PartResult | str]) -> list[bool]:
        """:meth:`confirm` for several results, in one store transaction (one SQLite commit,
        one Redis script call per 256).

        Returns:
            For each result in order, what :meth:`confirm` would answer.

        Raises:
            TypeError: an item is neither a PartResult nor a str (nothing is confirmed).
            StoreError: a shared store failed (nothing is confirmed).
        """
        tokens = [_token_of(item) for item in results]
        asked = [token for token in tokens if token is not None]
        answers = iter(self._store.confirm_groups(self._namespace, asked) if asked else ())
        return [False if token is None else next(answers) for token in tokens]

    def release(self, result: PartResult | str) -> bool:
        """Give a hand-out back because handling it failed: the message stays in the
        outbox, and the next retry of one of its parts (whatever the ``lease``) or the next
        :meth:`unconfirmed` call hands it out again at once.

        Pair it with the replay guard's :meth:`~smscodec.vonage.ReplayGuard.release` and a
        5xx answer, so that Vonage's retry of the webhook is accepted and gets the message.
        Without a lease (the default) a retry gets it back anyway: this only matters for
        :meth:`unconfirmed`'s ``older_than`` then.

        Args:
            result: as for :meth:`confirm`.

        Returns:
            True if the message is in the outbox; False if nothing waits for it.

        Raises:
            TypeError: ``result`` is neither a PartResult nor a str.
            StoreError: a shared store failed.
        """
        token = _token_of(result)
        if token is None:
            return False
        (found,) = self._store.release_groups(self._namespace, (token,))
        return found

    def unconfirmed(self, older_than: float, *, limit: int = 1000) -> list[PartResult]:
        """Hand out again the completed messages that nobody confirmed: the recovery of
        at-least-once delivery, for the messages of a worker that died (or of a caller that
        does not confirm).  Any worker may run it, e.g. now and then next to :meth:`expire`.

        Each message handed out here starts its time again, in the same atomic step: a
        second call (this worker's or another's) with the same ``older_than`` hands it out
        only once that much time has passed again, so sweeping workers do not all take it.

        Args:
            older_than: seconds since the message was last handed out (completed, handed
                back to a retry, or by this method), by ``clock``; choose more than handling
                a message takes, or a message still being handled is handed out twice.
                0 takes every unconfirmed message.
            limit: most messages handed out by this call, oldest hand-out first.

        Returns:
            A REDELIVERED :class:`PartResult` for each (:attr:`~PartResult.part` and
            :attr:`~PartResult.message` are the whole message), to handle, then
            :meth:`confirm`.  Empty when nothing waits (always, for a namespace that no
            reassembler with ``confirm`` uses).

        Raises:
            TypeError: an argument of the wrong type.
            ArgumentError: ``older_than`` negative or not finite, ``limit`` below 1.
            StoreError: a shared store failed, or holds a part this version cannot read.
        """
        seconds = _seconds(older_than, "older_than", allow_zero=True)
        limit = _positive_int(limit, "limit")
        entries = self._store.unconfirmed_groups(self._namespace, self._clock(), seconds, limit)
        out = []
        for token, values in entries:
            whole = _join(self._decode(values))
            out.append(PartResult(PartStatus.REDELIVERED, whole, whole, token=token))
        return out


def _token_of(item: object) -> str | None:
    if isinstance(item, PartResult):
        return item.token
    if isinstance(item, str):
        return item
    raise TypeError(f"confirm() takes a PartResult or its token (str), not {type(item).__name__}")


def _strip_concat(message: InboundMessage) -> bytes:
    """The message's header without its concatenation elements: the joined message is no
    longer a part.  Uses the elements parsed when the message was made (no second parse)."""
    elements = [e for e in message.udh_elements if not isinstance(e, _udh.Concat)]
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
            udh=_strip_concat(first),
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
