"""State that every worker shares: the stores behind reassembly, delivery tracking and the
webhook replay guard.

Theory of operation
-------------------
A webhook receiver runs as several worker processes, often on several hosts, and any of
them may get any webhook: the parts of one long message, the receipts of one sent
message, and a replayed copy of a signed call each land wherever the load balancer
sends them.  So what :class:`~smscodec.vonage.Reassembler`,
:class:`~smscodec.vonage.DeliveryTracker` and the replay guard remember lives in a
*store*, one small interface (:class:`Store`) with three implementations:

====================  ====================================  =============================
store                 shared by                             made with
====================  ====================================  =============================
:class:`MemoryStore`  the threads of one process (default)  ``MemoryStore()``
:class:`SQLiteStore`  the processes of one host             ``SQLiteStore("state.db")``
:class:`RedisStore`   the processes of several hosts        ``RedisStore("redis://...")``
====================  ====================================  =============================

The interface has three groups of operations, each atomic on its own:

* :meth:`Store.claim` records a key for a time to live and says whether this call was
  first (the replay guard: a signature seen twice inside its window is a replay);
* :meth:`Store.put` / :meth:`Store.get` keep a value, :meth:`Store.append` /
  :meth:`Store.read` an ordered log, both with a time to live (delivery tracking);
* :meth:`Store.unclaim` gives a claim back (the replay guard, when the handler of a webhook
  failed: Vonage's retry of it must then be accepted);
* :meth:`Store.add_parts`, :meth:`Store.expire_groups`, :meth:`Store.flush_groups` and
  :meth:`Store.group_stats` collect *groups* of numbered parts (reassembly): a group is
  completed exactly once, by the one call that adds its last missing part, whichever
  process makes it; a part whose ``member`` identity completed a group before is refused
  as a retry; the number of held groups and their bytes are bounded, the oldest group
  being evicted into a queue that :meth:`Store.expire_groups` empties;
* with :attr:`GroupLimits.outbox`, a completed group is not gone once handed back: it
  waits in the namespace's *outbox* until :meth:`Store.confirm_groups` says its caller
  handled it.  Until then a retry of one of its parts hands it back again, and
  :meth:`Store.unconfirmed_groups` hands back those whose caller went quiet (a worker
  killed between the completion and its confirmation): at-least-once delivery, where the
  default is at most once.  :meth:`Store.release_groups` gives a hand-out back at once.

Atomicity.  Each call is one atomic step of the store: one lock (memory), one
``BEGIN IMMEDIATE`` transaction (SQLite), one Lua script (Redis; a batch of more than 256
items takes one script per 256, each atomic on its own).  Completing a
group, moving it to the outbox and recording its members is one step, and so is
confirming it, so a worker killed at any point leaves either the group held, or the group
in the outbox, or the group confirmed: never a group in none of them.

Time.  :class:`MemoryStore` measures times to live with its ``clock`` (``time.monotonic``).
Shared stores compare times written by different processes, and a monotonic clock means
nothing outside its own process, so they use wall-clock seconds: :class:`SQLiteStore`
reads ``time.time()`` (one host, one clock); :class:`RedisStore` leaves key expiry to the
Redis server's clock.  The reassembler passes its own ``now`` to the group operations (see
its docstring): across hosts that is each host's wall clock, so keep hosts in NTP sync;
the default 24-hour timeout dwarfs any realistic skew.

Values.  :class:`MemoryStore` keeps any object as it is given.  Shared stores keep
``bytes`` (:attr:`Store.shared` tells which); the reassembler and tracker serialise with
a JSON codec, never pickle, so a store that others can write cannot make a worker run
code.
"""

from __future__ import annotations

import contextlib
import heapq
import importlib
import math
import os
import struct
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

from ..errors import ArgumentError, StoreError

if TYPE_CHECKING:
    # Imported when a SQLiteStore is made: ``import smscodec.vonage`` stays ~5 ms lighter.
    import sqlite3

__all__ = [
    "GroupLimits",
    "GroupOutcome",
    "GroupPart",
    "GroupStats",
    "MemoryStore",
    "RedisStore",
    "SQLiteStore",
    "Store",
    "StoreError",
]


# --- what the group operations take and give -------------------------------------------


class GroupPart(NamedTuple):
    """One part offered to :meth:`Store.add_parts` (a named tuple: one is made per part).

    Attributes:
        group: the key of the group (for reassembly: sender, recipient, reference, total).
        number: the part's number in its group, 1 to ``total``.
        total: how many parts complete the group.
        tag: what every part of a group must agree on (``"text"`` or ``"binary"``); a part
            whose tag differs from its group's is refused as a conflict.
        member: the part's own identity; once its group completed, a part with this
            identity is refused as a retry (for reassembly: sender, recipient, message id).
        value: what is kept (``bytes`` for a shared store).
        size: what the part counts against :attr:`GroupLimits.max_bytes`.
    """

    group: str
    number: int
    total: int
    tag: str
    member: str
    value: object
    size: int


@dataclass(frozen=True, slots=True)
class GroupLimits:
    """Bounds on the groups of one namespace, applied by each :meth:`Store.add_parts` call.

    Attributes:
        max_groups: most incomplete groups held (and most evicted groups queued).
        max_bytes: most bytes (the parts' ``size``) held in incomplete groups and in the
            outbox together (and, apart, in the evicted queue, which keeps at least its
            newest group).  Outbox groups are never evicted (only
            :meth:`Store.confirm_groups` removes them): when they alone fill ``max_bytes``,
            every new part goes to the evicted queue, so a caller that never confirms sees
            its parts come back from :meth:`Store.expire_groups` instead of memory growing.
        max_done: most members of completed groups remembered to refuse retries.
        done_ttl: seconds a completed group's members are remembered.
        outbox: keep each completed group in the outbox until :meth:`Store.confirm_groups`
            (at-least-once delivery); False (the default) forgets it once handed back.
        lease: with ``outbox``, seconds after a hand-out during which a retry of one of the
            group's parts is ``"done"`` rather than ``"unconfirmed"`` (so that two copies
            of a part arriving together do not hand one group to two callers at once);
            0 hands it back on every retry.
    """

    max_groups: int
    max_bytes: int
    max_done: int
    done_ttl: float
    outbox: bool = False
    lease: float = 0.0


class GroupOutcome(NamedTuple):
    """What :meth:`Store.add_parts` did with one part (a named tuple).

    Attributes:
        status: ``"complete"`` (this part completed its group: ``values`` holds every
            part's value in number order), ``"pending"`` (held, the group still misses
            parts), ``"duplicate"`` (the group already holds this number: the first copy
            stays), ``"done"`` (the member completed a group before: a retry),
            ``"conflict"`` (the tag differs from the group's: ``tag`` is the group's),
            ``"evicted"`` (the part could not be held within ``max_bytes`` even alone: it
            and the rest of its group went to the evicted queue), ``"unconfirmed"`` (with
            :attr:`GroupLimits.outbox`: the member belongs to a completed group still in the
            outbox, handed out longer than :attr:`GroupLimits.lease` ago: ``values`` holds
            it again and its hand-out time is now).
        values: the group's values, for ``"complete"`` and ``"unconfirmed"``; else ``()``.
        tag: the group's tag, for ``"conflict"``; else None.
        token: with :attr:`GroupLimits.outbox`, the outbox name of the group, for
            ``"complete"`` and ``"unconfirmed"`` (what :meth:`Store.confirm_groups`
            takes; the same for every hand-out of one group); else None.
    """

    status: str
    values: tuple[object, ...] = ()
    tag: str | None = None
    token: str | None = None


@dataclass(frozen=True, slots=True)
class GroupStats:
    """A snapshot of one namespace's groups.

    Attributes:
        pending: incomplete groups held.
        pending_bytes: the sum of their parts' sizes.
        evicted: evicted groups waiting in the queue for :meth:`Store.expire_groups`.
        evicted_bytes: the sum of their parts' sizes.
        discarded: evicted groups dropped because that queue was full (ever, a counter).
        outbox: completed groups waiting for :meth:`Store.confirm_groups`.
        outbox_bytes: the sum of their parts' sizes.
    """

    pending: int
    pending_bytes: int
    evicted: int
    evicted_bytes: int
    discarded: int
    outbox: int = 0
    outbox_bytes: int = 0


@runtime_checkable
class Store(Protocol):
    """What the replay guard, :class:`~smscodec.vonage.Reassembler` and
    :class:`~smscodec.vonage.DeliveryTracker` run over (see the module docstring).

    Every operation is atomic on its own; ``add_parts`` is atomic for each part, and
    completes a group in exactly one call across every user of the store.  Namespaces keep
    users apart: each operation touches only its ``namespace``.
    """

    @property
    def shared(self) -> bool:
        """True when other processes see the same data: values must then be ``bytes`` and
        times wall-clock seconds."""
        ...

    def claim(self, namespace: str, key: str, ttl: float) -> bool:
        """Record ``key`` in ``namespace`` for ``ttl`` seconds, atomically.

        Args:
            namespace: which user of the store (e.g. ``"replay"``).
            key: what to record.
            ttl: seconds the record lives (``math.inf``: for ever).

        Returns:
            True if this call recorded the key; False if it was already recorded and has
            not expired yet.
        """
        ...

    def unclaim(self, namespace: str, key: str) -> bool:
        """Forget what :meth:`claim` recorded under ``key``, atomically (a claim given back:
        the next ``claim`` of the key is first again).

        Returns:
            True if a record that had not expired was removed; False if there was none.
        """
        ...

    def put(self, namespace: str, key: str, value: object, ttl: float) -> None:
        """Keep ``value`` under ``key`` for ``ttl`` seconds, replacing any older value
        (keys are shared with :meth:`claim`)."""
        ...

    def get(self, namespace: str, key: str) -> object | None:
        """The value :meth:`put` under ``key``, or None when there is none or it expired."""
        ...

    def append(self, namespace: str, key: str, value: object, ttl: float) -> None:
        """Append ``value`` to the log under ``key``; the log lives ``ttl`` seconds after
        its latest append."""
        ...

    def read(self, namespace: str, key: str) -> list[object]:
        """The log under ``key`` in append order (``[]`` when there is none)."""
        ...

    def add_parts(
        self, namespace: str, parts: Sequence[GroupPart], limits: GroupLimits, now: float
    ) -> list[GroupOutcome]:
        """Offer parts to their groups, in order (see :class:`GroupOutcome`).

        ``now`` is the time the reassembler's clock gives: a new group starts at it, a
        completed member is remembered from it.  Making room evicts the oldest groups
        (never the one the part belongs to, unless it alone is too big) into the evicted
        queue, bounded by ``limits.max_groups`` groups and ``limits.max_bytes`` bytes (the
        newest evicted group always stays); what overflows is counted as discarded.
        """
        ...

    def expire_groups(self, namespace: str, now: float, timeout: float) -> list[list[object]]:
        """Take the evicted groups, then every group with ``now - started > timeout`` in
        the order they were started; each as its values in number order."""
        ...

    def flush_groups(self, namespace: str) -> list[list[object]]:
        """Take the evicted groups, then every held group, oldest first."""
        ...

    def group_stats(self, namespace: str) -> GroupStats:
        """Counts for ``namespace``'s groups."""
        ...

    def confirm_groups(self, namespace: str, tokens: Sequence[str]) -> list[bool]:
        """Remove outbox groups: their callers handled them (see :attr:`GroupLimits.outbox`).

        All in one atomic step.  Afterwards a retry of one of their parts is ``"done"``
        (while the member is remembered) and no call hands them back again.

        Returns:
            For each token, True if this call removed its group; False if it was not in the
            outbox (confirmed already, by this or another worker, or never there).
        """
        ...

    def release_groups(self, namespace: str, tokens: Sequence[str]) -> list[bool]:
        """Give hand-outs back (their callers failed): each group stays in the outbox as if
        handed out never, so the next retry of one of its parts (whatever the ``lease``)
        or :meth:`unconfirmed_groups` call hands it back at once.

        Returns:
            For each token, True if its group is in the outbox; False if not.
        """
        ...

    def unconfirmed_groups(
        self, namespace: str, now: float, older_than: float, limit: int
    ) -> list[tuple[str, list[object]]]:
        """Hand back outbox groups last handed out at ``now - older_than`` or before, oldest
        first, at most ``limit``, as ``(token, values in number order)``.

        Each one's hand-out time becomes ``now`` in the same atomic step, so another call
        with the same ``older_than`` (this worker's or another's) skips it until that much
        time has passed again: two sweeping workers do not both take a group at once.
        """
        ...

    def close(self) -> None:
        """Release connections; the store may not be used afterwards."""
        ...


# The hand-out time of a group given back by release_groups: before any clock's reading
# (finite: Redis scores and Lua numbers read it back).
_RELEASED = -1e300

_DONE = GroupOutcome("done")
_DUPLICATE = GroupOutcome("duplicate")
_EVICTED = GroupOutcome("evicted")
_PENDING = GroupOutcome("pending")


# --- argument checks shared by the stores ----------------------------------------------


def _check_namespace(namespace: object) -> str:
    if not isinstance(namespace, str):
        raise TypeError(f"namespace must be str, not {type(namespace).__name__}")
    # Braces would break the Redis Cluster hash tag that keeps a namespace on one slot.
    if not namespace or len(namespace) > 100 or "{" in namespace or "}" in namespace:
        raise ArgumentError(
            f"namespace {namespace[:40]!r} must be 1 to 100 characters without braces", argument="namespace"
        )
    return namespace


def _check_key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"key must be str, not {type(key).__name__}")
    return key


def _check_ttl(ttl: object) -> float:
    if not isinstance(ttl, (int, float)) or isinstance(ttl, bool):
        raise TypeError(f"ttl must be a number of seconds, not {type(ttl).__name__}")
    if not ttl > 0:  # also NaN
        raise ArgumentError(f"ttl is {ttl!r}, expected a positive number of seconds", argument="ttl")
    return float(ttl)


def _check_tokens(tokens: object) -> list[str]:
    if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Sequence):
        raise TypeError(f"tokens must be a sequence of str, not {type(tokens).__name__}")
    for token in tokens:
        if not isinstance(token, str):
            raise TypeError(f"a token must be str, not {type(token).__name__}")
    return list(tokens)


def _check_limit(limit: object) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise TypeError(f"limit must be int, not {type(limit).__name__}")
    if limit < 1:
        raise ArgumentError(f"limit is {limit}, expected 1 or more", argument="limit")
    return limit


def _check_bytes(value: object, what: str = "value") -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"a shared store keeps bytes; {what} is {type(value).__name__}")


def _pack_values(values: Sequence[bytes]) -> bytes:
    """Several byte strings as one: each after its 4-octet big-endian length."""
    return b"".join(struct.pack(">I", len(v)) + v for v in values)


def _unpack_values(data: bytes) -> list[object]:
    out: list[object] = []
    at = 0
    while at < len(data):
        if at + 4 > len(data):
            raise StoreError("an evicted group record is truncated")
        (size,) = struct.unpack_from(">I", data, at)
        at += 4
        if at + size > len(data):
            raise StoreError("an evicted group record is truncated")
        out.append(data[at : at + size])
        at += size
    return out


# --- in process -------------------------------------------------------------------------


class _MemGroup:
    __slots__ = ("members", "parts", "size", "started", "tag", "total")

    def __init__(self, started: float, tag: str, total: int) -> None:
        self.started = started
        self.tag = tag
        self.total = total
        self.size = 0
        self.parts: dict[int, object] = {}
        self.members: dict[int, str] = {}

    def values(self) -> list[object]:
        return [self.parts[n] for n in sorted(self.parts)]


class _MemOut:
    """A completed group in the outbox."""

    __slots__ = ("at", "members", "size", "values")

    def __init__(self, at: float, values: list[object], members: list[str], size: int) -> None:
        self.at = at  # when it was last handed out
        self.values = values
        self.members = members
        self.size = size


class _MemGroups:
    __slots__ = (
        "bytes",
        "discarded",
        "done",
        "evicted",
        "evicted_bytes",
        "outbox",
        "outbox_bytes",
        "outmembers",
        "pending",
        "serial",
    )

    def __init__(self) -> None:
        # Insertion order is the order groups started: oldest first, so eviction and
        # expiry pop from the front in O(1).
        self.pending: OrderedDict[str, _MemGroup] = OrderedDict()
        self.bytes = 0
        # (values, size) of each evicted group, oldest first.
        self.evicted: deque[tuple[list[object], int]] = deque()
        self.evicted_bytes = 0
        self.discarded = 0
        # Members of completed groups, oldest first, with the time they completed.
        self.done: OrderedDict[str, float] = OrderedDict()
        # Completed groups not confirmed yet, by token, in the order they were last handed
        # out (a hand-out moves one to the end), and which outbox group each member is in.
        self.outbox: OrderedDict[str, _MemOut] = OrderedDict()
        self.outbox_bytes = 0
        self.outmembers: dict[str, str] = {}
        self.serial = 0  # the last token given


class MemoryStore:
    """The in-process store, and the default: plain dictionaries behind one lock.

    Thread safety: every operation holds one lock, so any number of threads may share a
    store (and the reassembler or tracker over it).  Process safety: none; each process
    has its own data, lost when it exits (the outbox too: at-least-once delivery then
    covers a handler that fails, not a process that dies).  Use :class:`SQLiteStore` or
    :class:`RedisStore` for several processes, or to survive one.

    Every group operation is O(1) (amortised) in the number of held groups: groups sit in
    an insertion-ordered dict, the evicted queue is a deque, expired keys leave through a
    heap.  The outbox is ordered by hand-out time, by the caller's ``now``: with a clock
    that goes backwards, :meth:`unconfirmed_groups` may hand a group back late (never
    lose it).

    Args:
        clock: the time source for times to live (``claim``, ``put``, ``append``).
    """

    shared = False

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        if not callable(clock):
            raise TypeError(f"clock must be callable, not {type(clock).__name__}")
        self._clock = clock
        self._lock = threading.Lock()
        self._kv: dict[tuple[str, str], tuple[float, object]] = {}
        self._logs: dict[tuple[str, str], tuple[float, list[object]]] = {}
        # (expires, table, key): table 0 is _kv, 1 is _logs; stale entries are skipped.
        self._heap: list[tuple[float, int, tuple[str, str]]] = []
        self._groups: dict[str, _MemGroups] = {}

    def __repr__(self) -> str:
        return "MemoryStore()"

    def __len__(self) -> int:
        """How many keys and logs are held; expired ones leave at the next write."""
        with self._lock:
            return len(self._kv) + len(self._logs)

    # -- keys and logs

    def _purge(self, now: float) -> None:
        heap = self._heap
        while heap and heap[0][0] <= now:
            expires, table, key = heapq.heappop(heap)
            data: dict[tuple[str, str], Any] = self._kv if table == 0 else self._logs
            entry = data.get(key)
            if entry is not None and entry[0] == expires:
                del data[key]

    def _schedule(self, expires: float, table: int, key: tuple[str, str]) -> None:
        if expires != math.inf:
            heapq.heappush(self._heap, (expires, table, key))

    def claim(self, namespace: str, key: str, ttl: float) -> bool:
        """See :meth:`Store.claim`."""
        k = (_check_namespace(namespace), _check_key(key))
        ttl = _check_ttl(ttl)
        with self._lock:
            now = self._clock()
            self._purge(now)
            entry = self._kv.get(k)
            if entry is not None and entry[0] > now:
                return False
            self._kv[k] = (now + ttl, None)
            self._schedule(now + ttl, 0, k)
            return True

    def unclaim(self, namespace: str, key: str) -> bool:
        """See :meth:`Store.unclaim`."""
        k = (_check_namespace(namespace), _check_key(key))
        with self._lock:
            entry = self._kv.pop(k, None)  # its heap entry is skipped as stale when due
            return entry is not None and entry[0] > self._clock()

    def put(self, namespace: str, key: str, value: object, ttl: float) -> None:
        """See :meth:`Store.put`."""
        k = (_check_namespace(namespace), _check_key(key))
        ttl = _check_ttl(ttl)
        with self._lock:
            now = self._clock()
            self._purge(now)
            self._kv[k] = (now + ttl, value)
            self._schedule(now + ttl, 0, k)

    def get(self, namespace: str, key: str) -> object | None:
        """See :meth:`Store.get`."""
        k = (_check_namespace(namespace), _check_key(key))
        with self._lock:
            entry = self._kv.get(k)
            if entry is None or entry[0] <= self._clock():
                return None
            return entry[1]

    def append(self, namespace: str, key: str, value: object, ttl: float) -> None:
        """See :meth:`Store.append`."""
        k = (_check_namespace(namespace), _check_key(key))
        ttl = _check_ttl(ttl)
        with self._lock:
            now = self._clock()
            self._purge(now)
            entry = self._logs.get(k)
            log = [] if entry is None else entry[1]
            log.append(value)
            self._logs[k] = (now + ttl, log)
            self._schedule(now + ttl, 1, k)

    def read(self, namespace: str, key: str) -> list[object]:
        """See :meth:`Store.read`."""
        k = (_check_namespace(namespace), _check_key(key))
        with self._lock:
            entry = self._logs.get(k)
            if entry is None or entry[0] <= self._clock():
                return []
            return list(entry[1])

    # -- groups

    def _state(self, namespace: str) -> _MemGroups:
        state = self._groups.get(namespace)
        if state is None:
            state = self._groups[_check_namespace(namespace)] = _MemGroups()
        return state

    @staticmethod
    def _park(state: _MemGroups, values: list[object], size: int, limits: GroupLimits) -> None:
        queue = state.evicted
        queue.append((values, size))
        state.evicted_bytes += size
        while len(queue) > 1 and (len(queue) > limits.max_groups or state.evicted_bytes > limits.max_bytes):
            state.evicted_bytes -= queue.popleft()[1]
            state.discarded += 1

    def _evict_oldest(self, state: _MemGroups, keep: str | None, limits: GroupLimits) -> bool:
        """Evict the oldest group other than ``keep``; False when there is none."""
        keys = iter(state.pending)
        victim = next(keys, None)
        if victim is not None and victim == keep:
            victim = next(keys, None)
        if victim is None:
            return False
        group = state.pending.pop(victim)
        state.bytes -= group.size
        self._park(state, group.values(), group.size, limits)
        return True

    def add_parts(
        self, namespace: str, parts: Sequence[GroupPart], limits: GroupLimits, now: float
    ) -> list[GroupOutcome]:
        """See :meth:`Store.add_parts`."""
        out: list[GroupOutcome] = []
        with self._lock:
            state = self._groups.get(namespace) or self._state(namespace)
            done = state.done
            horizon = now - limits.done_ttl
            while done and next(iter(done.values())) <= horizon:
                done.popitem(last=False)
            for part in parts:
                out.append(self._add(state, part, limits, now, horizon))
        return out

    def _add(
        self, state: _MemGroups, part: GroupPart, limits: GroupLimits, now: float, horizon: float
    ) -> GroupOutcome:
        if limits.outbox and state.outmembers:
            token = state.outmembers.get(part.member)
            if token is not None:
                entry = state.outbox[token]
                if limits.lease > 0 and now - entry.at < limits.lease:
                    return _DONE  # handed out moments ago: its caller is at it
                entry.at = now
                state.outbox.move_to_end(token)
                return GroupOutcome("unconfirmed", tuple(entry.values), token=token)
        at = state.done.get(part.member)
        if at is not None and at > horizon:
            return _DONE
        group = state.pending.get(part.group)
        if group is not None:
            if group.tag != part.tag:
                return GroupOutcome("conflict", tag=group.tag)
            if part.number in group.parts:
                return _DUPLICATE
            keep: str | None = part.group
        else:
            keep = None
            while len(state.pending) >= limits.max_groups and self._evict_oldest(state, None, limits):
                pass
        # The outbox counts against max_bytes, but only held groups can make room.
        room = limits.max_bytes - state.outbox_bytes
        while state.bytes + part.size > room and self._evict_oldest(state, keep, limits):
            pass
        if state.bytes + part.size > room:
            # Too big even alone: hand it back (with the rest of its message) rather than hold it.
            if group is None:
                self._park(state, [part.value], part.size, limits)
            else:
                del state.pending[part.group]
                state.bytes -= group.size
                group.parts[part.number] = part.value
                self._park(state, group.values(), group.size + part.size, limits)
            return _EVICTED
        if group is None:
            group = state.pending[part.group] = _MemGroup(now, part.tag, part.total)
        group.parts[part.number] = part.value
        group.members[part.number] = part.member
        group.size += part.size
        state.bytes += part.size
        if len(group.parts) < part.total:
            return _PENDING
        del state.pending[part.group]
        state.bytes -= group.size
        members = [group.members[number] for number in sorted(group.members)]
        for member in members:
            state.done[member] = now
            state.done.move_to_end(member)
        while len(state.done) > limits.max_done:
            state.done.popitem(last=False)
        values = group.values()
        if not limits.outbox:
            return GroupOutcome("complete", tuple(values))
        state.serial += 1
        token = str(state.serial)
        state.outbox[token] = _MemOut(now, values, members, group.size)
        state.outbox_bytes += group.size
        for member in members:
            state.outmembers[member] = token
        return GroupOutcome("complete", tuple(values), token=token)

    def expire_groups(self, namespace: str, now: float, timeout: float) -> list[list[object]]:
        """See :meth:`Store.expire_groups`."""
        _check_namespace(namespace)
        with self._lock:
            state = self._state(namespace)
            out = [values for values, _ in state.evicted]
            state.evicted.clear()
            state.evicted_bytes = 0
            while state.pending:
                key, group = next(iter(state.pending.items()))
                if not now - group.started > timeout:
                    break
                del state.pending[key]
                state.bytes -= group.size
                out.append(group.values())
            return out

    def flush_groups(self, namespace: str) -> list[list[object]]:
        """See :meth:`Store.flush_groups`."""
        _check_namespace(namespace)
        with self._lock:
            state = self._state(namespace)
            out = [values for values, _ in state.evicted]
            state.evicted.clear()
            state.evicted_bytes = 0
            out.extend(group.values() for group in state.pending.values())
            state.pending.clear()
            state.bytes = 0
            return out

    def group_stats(self, namespace: str) -> GroupStats:
        """See :meth:`Store.group_stats`."""
        _check_namespace(namespace)
        with self._lock:
            state = self._state(namespace)
            return GroupStats(
                len(state.pending),
                state.bytes,
                len(state.evicted),
                state.evicted_bytes,
                state.discarded,
                len(state.outbox),
                state.outbox_bytes,
            )

    def confirm_groups(self, namespace: str, tokens: Sequence[str]) -> list[bool]:
        """See :meth:`Store.confirm_groups`."""
        tokens = _check_tokens(tokens)
        with self._lock:
            state = self._state(_check_namespace(namespace))
            out = []
            for token in tokens:
                entry = state.outbox.pop(token, None)
                if entry is None:
                    out.append(False)
                    continue
                state.outbox_bytes -= entry.size
                for member in entry.members:
                    # A member that a later group took over stays with that group.
                    if state.outmembers.get(member) == token:
                        del state.outmembers[member]
                out.append(True)
            return out

    def release_groups(self, namespace: str, tokens: Sequence[str]) -> list[bool]:
        """See :meth:`Store.release_groups`."""
        tokens = _check_tokens(tokens)
        with self._lock:
            state = self._state(_check_namespace(namespace))
            out = []
            for token in tokens:
                entry = state.outbox.get(token)
                if entry is not None:
                    entry.at = _RELEASED
                    state.outbox.move_to_end(token, last=False)
                out.append(entry is not None)
            return out

    def unconfirmed_groups(
        self, namespace: str, now: float, older_than: float, limit: int
    ) -> list[tuple[str, list[object]]]:
        """See :meth:`Store.unconfirmed_groups`."""
        limit = _check_limit(limit)
        with self._lock:
            state = self._state(_check_namespace(namespace))
            horizon = now - older_than
            taken: list[tuple[str, list[object]]] = []
            for token, entry in state.outbox.items():  # oldest hand-out first
                if len(taken) >= limit or entry.at > horizon:
                    break
                taken.append((token, list(entry.values)))
            for token, _ in taken:
                state.outbox[token].at = now
                state.outbox.move_to_end(token)
            return taken

    def close(self) -> None:
        """Nothing to release; the data stays until the store is dropped."""


# --- one host: SQLite -------------------------------------------------------------------

# 2 added the outbox (outbox, outmember, ostat); a version 1 file gains them on opening.
_SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (
    ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB, expires REAL NOT NULL,
    PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires);
CREATE TABLE IF NOT EXISTS log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, ns TEXT NOT NULL, key TEXT NOT NULL,
    value BLOB NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS log_key ON log (ns, key, seq);
CREATE INDEX IF NOT EXISTS log_expires ON log (expires);
CREATE TABLE IF NOT EXISTS grp (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, ns TEXT NOT NULL, gkey TEXT NOT NULL,
    started REAL NOT NULL, tag TEXT NOT NULL, total INTEGER NOT NULL,
    size INTEGER NOT NULL, count INTEGER NOT NULL, UNIQUE (ns, gkey));
CREATE INDEX IF NOT EXISTS grp_order ON grp (ns, seq);
CREATE TABLE IF NOT EXISTS part (
    gseq INTEGER NOT NULL, number INTEGER NOT NULL, member TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (gseq, number)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evicted (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, ns TEXT NOT NULL, size INTEGER NOT NULL, value BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS evicted_order ON evicted (ns, seq);
CREATE TABLE IF NOT EXISTS done (
    ns TEXT NOT NULL, member TEXT NOT NULL, seq INTEGER NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (ns, member)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS done_order ON done (ns, seq);
CREATE INDEX IF NOT EXISTS done_at ON done (ns, at);
CREATE TABLE IF NOT EXISTS gstat (
    ns TEXT PRIMARY KEY, count INTEGER NOT NULL, bytes INTEGER NOT NULL, evicted INTEGER NOT NULL,
    evbytes INTEGER NOT NULL,
    discarded INTEGER NOT NULL, doneseq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
    ns TEXT NOT NULL, token INTEGER NOT NULL, at REAL NOT NULL, size INTEGER NOT NULL,
    value BLOB NOT NULL, PRIMARY KEY (ns, token)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outbox_at ON outbox (ns, at, token);
CREATE TABLE IF NOT EXISTS outmember (
    ns TEXT NOT NULL, member TEXT NOT NULL, token INTEGER NOT NULL,
    PRIMARY KEY (ns, member)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outmember_token ON outmember (ns, token);
CREATE TABLE IF NOT EXISTS ostat (
    ns TEXT PRIMARY KEY, count INTEGER NOT NULL, bytes INTEGER NOT NULL) WITHOUT ROWID;
"""

# Expired keys and logs are deleted at most this often (seconds), by whichever write comes.
_PURGE_EVERY = 60.0


class SQLiteStore:
    """A store in one SQLite file, shared by the processes of one host.

    Each operation is one transaction (``BEGIN IMMEDIATE``: the write lock is taken first,
    so two writers never deadlock upgrading a read); a message therefore completes in
    exactly one process, whichever adds its last part, and moves into the outbox (with
    :attr:`GroupLimits.outbox`) in that same transaction.  The database runs in WAL mode:
    readers never block the writer, and a process killed at any point loses nothing
    committed (an interrupted transaction is rolled back as a whole).  With
    ``synchronous=NORMAL`` (the default) a power cut may lose the last commits but never
    corrupts the file; ``durable=True`` selects ``FULL`` (an fsync per commit).

    Thread safety: one connection per store object, used under a lock; threads may share
    the store.  Process safety: every process opens its own connection; a store object
    carried into a child by ``fork`` notices the new process id and reconnects, and one
    sent to a ``spawn`` child pickles as its path and options.  The file must be on a local
    disk (WAL needs shared memory between the processes: not over NFS).  Times are
    wall-clock seconds (``time.time``), which every process of a host shares.

    Args:
        path: the database file (created with its tables when missing).
        timeout: seconds a writer waits for another's transaction before
            :class:`StoreError` (SQLite's busy timeout).
        durable: ``synchronous=FULL`` instead of ``NORMAL``.

    Raises:
        StoreError: the file cannot be opened or holds another schema version.
    """

    shared = True

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0, durable: bool = False) -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be str or os.PathLike, not {type(path).__name__}")
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
            raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
        if not (math.isfinite(timeout) and timeout > 0):
            raise ArgumentError(f"timeout is {timeout!r}, expected positive seconds", argument="timeout")
        self._path = os.fspath(path)
        self._timeout = float(timeout)
        self._durable = bool(durable)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        # Connections inherited through fork are never closed in the child (that would
        # drop the parent's locks on some platforms); they are kept here, unused.
        self._inherited: list[sqlite3.Connection] = []
        self._next_purge = 0.0
        self._closed = False
        with self._lock:
            self._connection()

    def __repr__(self) -> str:
        return f"SQLiteStore({self._path!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_sqlite_store, (self._path, self._timeout, self._durable))

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connection(self) -> sqlite3.Connection:
        import sqlite3

        if self._closed:
            raise StoreError(f"{self!r} is closed")
        pid = os.getpid()
        if self._conn is not None and self._pid == pid:
            return self._conn
        if self._conn is not None:
            self._inherited.append(self._conn)
        try:
            conn = sqlite3.connect(
                self._path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite store {self._path!r}: {exc}") from exc
        try:
            self._set_up(conn)
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot open the SQLite store {self._path!r}: {exc}") from exc
            raise
        self._conn = conn
        self._pid = pid
        return conn

    def _set_up(self, conn: sqlite3.Connection) -> None:
        """WAL mode, then the tables, in a new file or after another process made them."""
        import sqlite3

        # Switching a new file to WAL needs it unlocked, and SQLite answers "locked" at once
        # (no busy handler) when several processes open a new file together: retry.
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)
        conn.execute(f"PRAGMA synchronous={'FULL' if self._durable else 'NORMAL'}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            if version not in (0, 1, _SCHEMA_VERSION):
                raise StoreError(
                    f"{self._path!r} holds smscodec store schema {version}, "
                    f"this version reads {_SCHEMA_VERSION}"
                )
            if version != _SCHEMA_VERSION:
                # Every statement is IF NOT EXISTS: on a version 1 file it adds the outbox.
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        import sqlite3

        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"SQLite store {self._path!r}: {exc}") from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"SQLite store {self._path!r}: {exc}") from exc
                raise

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot, without taking the write lock."""
        import sqlite3

        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN DEFERRED")
                try:
                    yield conn
                finally:
                    conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"SQLite store {self._path!r}: {exc}") from exc

    def _maybe_purge(self, conn: sqlite3.Connection, now: float) -> None:
        if now >= self._next_purge:
            self._next_purge = now + _PURGE_EVERY
            conn.execute("DELETE FROM kv WHERE expires <= ?", (now,))
            conn.execute("DELETE FROM log WHERE expires <= ?", (now,))

    # -- keys and logs

    def claim(self, namespace: str, key: str, ttl: float) -> bool:
        """See :meth:`Store.claim`; expiry by ``time.time()``."""
        args = (_check_namespace(namespace), _check_key(key))
        ttl = _check_ttl(ttl)
        with self._transaction() as conn:
            now = time.time()
            self._maybe_purge(conn, now)
            cursor = conn.execute(
                "INSERT INTO kv (ns, key, value, expires) VALUES (?, ?, NULL, ?) "
                "ON CONFLICT (ns, key) DO UPDATE SET value = NULL, expires = excluded.expires "
                "WHERE kv.expires <= ?",
                (*args, now + ttl, now),
            )
            return cursor.rowcount == 1

    def unclaim(self, namespace: str, key: str) -> bool:
        """See :meth:`Store.unclaim`."""
        args = (_check_namespace(namespace), _check_key(key))
        with self._transaction() as conn:
            row = conn.execute("SELECT expires FROM kv WHERE ns = ? AND key = ?", args).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM kv WHERE ns = ? AND key = ?", args)
            return bool(row[0] > time.time())

    def put(self, namespace: str, key: str, value: object, ttl: float) -> None:
        """See :meth:`Store.put`; ``value`` must be bytes."""
        args = (_check_namespace(namespace), _check_key(key))
        ttl = _check_ttl(ttl)
        data = _check_bytes(value)
        with self._transaction() as conn:
            now = time.time()
            self._maybe_purge(conn, now)
            conn.execute(
                "INSERT OR REPLACE INTO kv (ns, key, value, expires) VALUES (?, ?, ?, ?)",
                (*args, data, now + ttl),
            )

    def get(self, namespace: str, key: str) -> object | None:
        """See :meth:`Store.get`."""
        args = (_check_namespace(namespace), _check_key(key))
        with self._snapshot() as conn:
            row = conn.execute(
                "SELECT value FROM kv WHERE ns = ? AND key = ? AND expires > ?", (*args, time.time())
            ).fetchone()
        return None if row is None else bytes(row[0]) if row[0] is not None else None

    def append(self, namespace: str, key: str, value: object, ttl: float) -> None:
        """See :meth:`Store.append`; ``value`` must be bytes."""
        args = (_check_namespace(namespace), _check_key(key))
        ttl = _check_ttl(ttl)
        data = _check_bytes(value)
        with self._transaction() as conn:
            now = time.time()
            self._maybe_purge(conn, now)
            conn.execute("UPDATE log SET expires = ? WHERE ns = ? AND key = ?", (now + ttl, *args))
            conn.execute(
                "INSERT INTO log (ns, key, value, expires) VALUES (?, ?, ?, ?)", (*args, data, now + ttl)
            )

    def read(self, namespace: str, key: str) -> list[object]:
        """See :meth:`Store.read`."""
        args = (_check_namespace(namespace), _check_key(key))
        with self._snapshot() as conn:
            rows = conn.execute(
                "SELECT value FROM log WHERE ns = ? AND key = ? AND expires > ? ORDER BY seq",
                (*args, time.time()),
            ).fetchall()
        return [bytes(row[0]) for row in rows]

    # -- groups

    def add_parts(
        self, namespace: str, parts: Sequence[GroupPart], limits: GroupLimits, now: float
    ) -> list[GroupOutcome]:
        """See :meth:`Store.add_parts`: the whole batch is one transaction (atomic, and one
        commit for many parts)."""
        ns = _check_namespace(namespace)
        values = [_check_bytes(part.value, "a part's value") for part in parts]
        with self._transaction() as conn:
            stat = _SQLiteGroups(conn, ns, limits)
            conn.execute("DELETE FROM done WHERE ns = ? AND at <= ?", (ns, now - limits.done_ttl))
            out = [stat.add(part, value, now) for part, value in zip(parts, values, strict=True)]
            stat.save()
        return out

    def expire_groups(self, namespace: str, now: float, timeout: float) -> list[list[object]]:
        """See :meth:`Store.expire_groups`."""
        return self._take(_check_namespace(namespace), lambda started: now - started > timeout)

    def flush_groups(self, namespace: str) -> list[list[object]]:
        """See :meth:`Store.flush_groups`."""
        return self._take(_check_namespace(namespace), lambda started: True)

    def _take(self, ns: str, due: Callable[[float], bool]) -> list[list[object]]:
        with self._transaction() as conn:
            stat = _SQLiteGroups(conn, ns, None)
            out: list[list[object]] = [
                _unpack_values(bytes(row[0]))
                for row in conn.execute("SELECT value FROM evicted WHERE ns = ? ORDER BY seq", (ns,))
            ]
            conn.execute("DELETE FROM evicted WHERE ns = ?", (ns,))
            stat.evicted = stat.evbytes = 0
            for seq, started in conn.execute(
                "SELECT seq, started FROM grp WHERE ns = ? ORDER BY seq", (ns,)
            ).fetchall():
                if not due(started):
                    break
                out.append(stat.take(seq)[0])
            stat.save()
        return out

    def group_stats(self, namespace: str) -> GroupStats:
        """See :meth:`Store.group_stats`."""
        ns = _check_namespace(namespace)
        with self._snapshot() as conn:
            row = conn.execute(
                "SELECT count, bytes, evicted, evbytes, discarded FROM gstat WHERE ns = ?", (ns,)
            ).fetchone()
            out = conn.execute("SELECT count, bytes FROM ostat WHERE ns = ?", (ns,)).fetchone()
        return GroupStats(*(row or (0, 0, 0, 0, 0)), *(out or (0, 0)))

    def confirm_groups(self, namespace: str, tokens: Sequence[str]) -> list[bool]:
        """See :meth:`Store.confirm_groups`: one transaction."""
        ns = _check_namespace(namespace)
        numbers = [_sqlite_token(token) for token in _check_tokens(tokens)]
        with self._transaction() as conn:
            stat = _SQLiteGroups(conn, ns, None)
            out = []
            for number in numbers:
                row = None
                if number is not None:
                    row = conn.execute(
                        "SELECT size FROM outbox WHERE ns = ? AND token = ?", (ns, number)
                    ).fetchone()
                if row is None:
                    out.append(False)
                    continue
                conn.execute("DELETE FROM outbox WHERE ns = ? AND token = ?", (ns, number))
                # Only the members still pointing here: a later group may have taken one over.
                conn.execute("DELETE FROM outmember WHERE ns = ? AND token = ?", (ns, number))
                stat.outbox -= 1
                stat.outbox_bytes -= int(row[0])
                out.append(True)
            stat.save()
        return out

    def release_groups(self, namespace: str, tokens: Sequence[str]) -> list[bool]:
        """See :meth:`Store.release_groups`: one transaction."""
        ns = _check_namespace(namespace)
        numbers = [_sqlite_token(token) for token in _check_tokens(tokens)]
        with self._transaction() as conn:
            return [
                number is not None
                and conn.execute(
                    "UPDATE outbox SET at = ? WHERE ns = ? AND token = ?", (_RELEASED, ns, number)
                ).rowcount
                == 1
                for number in numbers
            ]

    def unconfirmed_groups(
        self, namespace: str, now: float, older_than: float, limit: int
    ) -> list[tuple[str, list[object]]]:
        """See :meth:`Store.unconfirmed_groups`: one transaction, on an index of hand-out times."""
        ns = _check_namespace(namespace)
        limit = _check_limit(limit)
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT token, value FROM outbox WHERE ns = ? AND at <= ? ORDER BY at, token LIMIT ?",
                (ns, now - older_than, limit),
            ).fetchall()
            conn.executemany(
                "UPDATE outbox SET at = ? WHERE ns = ? AND token = ?", [(now, ns, row[0]) for row in rows]
            )
        return [(str(row[0]), _unpack_values(bytes(row[1]))) for row in rows]

    def close(self) -> None:
        """Close this process's connection."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None
            self._closed = True


def _sqlite_store(path: str, timeout: float, durable: bool) -> SQLiteStore:
    return SQLiteStore(path, timeout=timeout, durable=durable)


def _sqlite_token(token: str) -> int | None:
    """The outbox row a token names (a group's sequence number); None for a token that no
    row can have (and that SQLite could not even bind: more than 64 bits)."""
    if not (token.isascii() and token.isdigit() and len(token) <= 18):
        return None
    return int(token)


class _SQLiteGroups:
    """The group operations of one namespace inside one open transaction.

    The namespace's counters (bytes held, evicted queue length, discarded, done sequence)
    are read once and written back once: inside ``BEGIN IMMEDIATE`` no other writer can
    change them in between.
    """

    def __init__(self, conn: sqlite3.Connection, ns: str, limits: GroupLimits | None) -> None:
        self.conn = conn
        self.ns = ns
        self.limits = limits
        row = conn.execute(
            "SELECT count, bytes, evicted, evbytes, discarded, doneseq FROM gstat WHERE ns = ?", (ns,)
        ).fetchone()
        counters: tuple[int, int, int, int, int, int] = row or (0, 0, 0, 0, 0, 0)
        self.count, self.bytes, self.evicted, self.evbytes, self.discarded, self.doneseq = counters
        row = conn.execute("SELECT count, bytes FROM ostat WHERE ns = ?", (ns,)).fetchone()
        self._outbox_was: tuple[int, int] = row or (0, 0)
        self.outbox: int = self._outbox_was[0]
        self.outbox_bytes: int = self._outbox_was[1]

    def save(self) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO gstat (ns, count, bytes, evicted, evbytes, discarded, doneseq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.ns, self.count, self.bytes, self.evicted, self.evbytes, self.discarded, self.doneseq),
        )
        if (self.outbox, self.outbox_bytes) != self._outbox_was:  # most calls never touch it
            self.conn.execute(
                "INSERT OR REPLACE INTO ostat (ns, count, bytes) VALUES (?, ?, ?)",
                (self.ns, self.outbox, self.outbox_bytes),
            )

    def take(self, seq: int) -> tuple[list[object], int]:
        """Remove group ``seq``; its values in number order, and its size."""
        conn = self.conn
        rows = conn.execute("SELECT value FROM part WHERE gseq = ? ORDER BY number", (seq,)).fetchall()
        (size,) = conn.execute("SELECT size FROM grp WHERE seq = ?", (seq,)).fetchone()
        conn.execute("DELETE FROM part WHERE gseq = ?", (seq,))
        conn.execute("DELETE FROM grp WHERE seq = ?", (seq,))
        self.bytes -= size
        self.count -= 1
        return [bytes(row[0]) for row in rows], int(size)

    def park(self, values: list[object], size: int) -> None:
        limits = self.limits
        assert limits is not None
        self.conn.execute(
            "INSERT INTO evicted (ns, size, value) VALUES (?, ?, ?)",
            (self.ns, size, _pack_values([v for v in values if isinstance(v, bytes)])),
        )
        self.evicted += 1
        self.evbytes += size
        while self.evicted > 1 and (self.evicted > limits.max_groups or self.evbytes > limits.max_bytes):
            seq, dropped = self.conn.execute(
                "SELECT seq, size FROM evicted WHERE ns = ? ORDER BY seq LIMIT 1", (self.ns,)
            ).fetchone()
            self.conn.execute("DELETE FROM evicted WHERE seq = ?", (seq,))
            self.evicted -= 1
            self.evbytes -= dropped
            self.discarded += 1

    def evict_oldest(self, keep: int | None) -> bool:
        row = self.conn.execute(
            "SELECT seq FROM grp WHERE ns = ? AND seq != ? ORDER BY seq LIMIT 1", (self.ns, keep or -1)
        ).fetchone()
        if row is None:
            return False
        self.park(*self.take(row[0]))
        return True

    def add(self, part: GroupPart, value: bytes, now: float) -> GroupOutcome:
        conn, ns, limits = self.conn, self.ns, self.limits
        assert limits is not None
        if limits.outbox and self.outbox:
            row = conn.execute(
                "SELECT o.token, o.at, o.value FROM outmember AS m JOIN outbox AS o "
                "ON o.ns = m.ns AND o.token = m.token WHERE m.ns = ? AND m.member = ?",
                (ns, part.member),
            ).fetchone()
            if row is not None:
                token, at, packed = row
                if limits.lease > 0 and now - at < limits.lease:
                    return _DONE  # handed out moments ago: its caller is at it
                conn.execute("UPDATE outbox SET at = ? WHERE ns = ? AND token = ?", (now, ns, token))
                return GroupOutcome("unconfirmed", tuple(_unpack_values(bytes(packed))), token=str(token))
        if conn.execute("SELECT 1 FROM done WHERE ns = ? AND member = ?", (ns, part.member)).fetchone():
            return _DONE
        row = conn.execute("SELECT seq, tag FROM grp WHERE ns = ? AND gkey = ?", (ns, part.group)).fetchone()
        if row is not None:
            seq, tag = row[0], row[1]
            if tag != part.tag:
                return GroupOutcome("conflict", tag=tag)
            if conn.execute(
                "SELECT 1 FROM part WHERE gseq = ? AND number = ?", (seq, part.number)
            ).fetchone():
                return _DUPLICATE
            keep: int | None = seq
        else:
            keep = None
            while self.count >= limits.max_groups and self.evict_oldest(None):
                pass
        # The outbox counts against max_bytes, but only held groups can make room.
        room = limits.max_bytes - self.outbox_bytes
        while self.bytes + part.size > room and self.evict_oldest(keep):
            pass
        if self.bytes + part.size > room:
            if keep is None:
                self.park([value], part.size)
            else:
                self.insert(keep, part, value)
                self.park(*self.take(keep))
            return _EVICTED
        if keep is None:
            cursor = conn.execute(
                "INSERT INTO grp (ns, gkey, started, tag, total, size, count) VALUES (?, ?, ?, ?, ?, 0, 0)",
                (ns, part.group, now, part.tag, part.total),
            )
            seq = int(cursor.lastrowid or 0)
            self.count += 1
        count = self.insert(seq, part, value)
        if count < part.total:
            return _PENDING
        members = [
            row[0] for row in conn.execute("SELECT member FROM part WHERE gseq = ? ORDER BY number", (seq,))
        ]
        values, size = self.take(seq)
        for member in members:
            self.doneseq += 1
            conn.execute(
                "INSERT OR REPLACE INTO done (ns, member, seq, at) VALUES (?, ?, ?, ?)",
                (ns, member, self.doneseq, now),
            )
        conn.execute("DELETE FROM done WHERE ns = ? AND seq <= ?", (ns, self.doneseq - limits.max_done))
        if not limits.outbox:
            return GroupOutcome("complete", tuple(values))
        # The group's sequence number names it in the outbox: AUTOINCREMENT never reuses one.
        conn.execute(
            "INSERT INTO outbox (ns, token, at, size, value) VALUES (?, ?, ?, ?, ?)",
            (ns, seq, now, size, _pack_values([v for v in values if isinstance(v, bytes)])),
        )
        conn.executemany(
            "INSERT OR REPLACE INTO outmember (ns, member, token) VALUES (?, ?, ?)",
            [(ns, member, seq) for member in members],
        )
        self.outbox += 1
        self.outbox_bytes += size
        return GroupOutcome("complete", tuple(values), token=str(seq))

    def insert(self, seq: int, part: GroupPart, value: bytes) -> int:
        """Add the part to group ``seq``; the group's new part count."""
        self.conn.execute(
            "INSERT INTO part (gseq, number, member, value) VALUES (?, ?, ?, ?)",
            (seq, part.number, part.member, value),
        )
        self.bytes += part.size
        # Not UPDATE ... RETURNING: that needs SQLite 3.35, older than some supported Pythons ship.
        self.conn.execute("UPDATE grp SET size = size + ?, count = count + 1 WHERE seq = ?", (part.size, seq))
        (count,) = self.conn.execute("SELECT count FROM grp WHERE seq = ?", (seq,)).fetchone()
        return int(count)


# --- several hosts: Redis ---------------------------------------------------------------

# Shared by the group scripts.  KEYS: 1 order (zset: group key -> start sequence), 2 stats
# (hash: bytes, evbytes, discarded, obbytes), 3 evicted (list of packed groups), 4 done (zset:
# member -> completion time), 5 seq (counter), then the outbox: 6 outbox (hash: token ->
# packed group), 7 outmem (hash: token -> its packed members), 8 outmember (hash: member ->
# token), 9 outorder (zset: token -> hand-out time).  A token is the group's start sequence.
# ARGV[1] is the prefix of the group hashes, which sit in the same hash slot (the namespace
# is the hash tag), as Redis Cluster requires.
_LUA_PRELUDE = """
local order, stats, evicted, done, seqkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local outbox, outmem, outmember, outorder = KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local gprefix = ARGV[1]

local function take(gkey)
  local gk = gprefix .. gkey
  local meta = redis.call('HMGET', gk, 'total', 'size')
  local total = tonumber(meta[1])
  local names = {}
  for n = 1, total do
    names[2 * n - 1] = 'v' .. n
    names[2 * n] = 'm' .. n
  end
  local got = redis.call('HMGET', gk, unpack(names))
  local values, members = {}, {}
  for n = 1, total do
    if got[2 * n - 1] then
      values[#values + 1] = got[2 * n - 1]
      members[#members + 1] = got[2 * n]
    end
  end
  redis.call('DEL', gk)
  redis.call('ZREM', order, gkey)
  redis.call('HINCRBY', stats, 'bytes', -tonumber(meta[2]))
  return values, members, tonumber(meta[2])
end

-- An evicted group as one string: its size, then each value after its length.
local function pack(values, size)
  local chunks = {struct.pack('>I4', size)}
  for _, v in ipairs(values) do chunks[#chunks + 1] = struct.pack('>I4', #v) .. v end
  return table.concat(chunks)
end
"""

# ARGV: 2 max_groups, 3 max_bytes, 4 max_done, 5 done_ttl, 6 now, 7 done key TTL in ms,
# 8 outbox (1: keep completed groups), 9 lease, then seven per part: group, number, total,
# tag, member, value, size.
_LUA_ADD = (
    _LUA_PRELUDE
    + """
local max_groups = tonumber(ARGV[2])
local max_bytes = tonumber(ARGV[3])
local max_done = tonumber(ARGV[4])
local done_ttl = tonumber(ARGV[5])
local now = tonumber(ARGV[6])
local outboxing = ARGV[8] == '1'
local lease = tonumber(ARGV[9])

local function park(values, members, size)
  redis.call('RPUSH', evicted, pack(values, size))
  local queued = redis.call('HINCRBY', stats, 'evbytes', size)
  local count = redis.call('LLEN', evicted)
  while count > 1 and (count > max_groups or queued > max_bytes) do
    local dropped = struct.unpack('>I4', redis.call('LPOP', evicted))
    queued = redis.call('HINCRBY', stats, 'evbytes', -dropped)
    redis.call('HINCRBY', stats, 'discarded', 1)
    count = count - 1
  end
end

local function oldest_other(current)
  for _, g in ipairs(redis.call('ZRANGE', order, 0, 1)) do
    if g ~= current then return g end
  end
  return nil
end

-- The outbox counts against max_bytes too, but only held groups can make room.
local function held()
  local got = redis.call('HMGET', stats, 'bytes', 'obbytes')
  return tonumber(got[1] or '0') + tonumber(got[2] or '0')
end

-- The outbox group a member belongs to, handed out again: a reply, or nil when there is none.
local function unconfirmed(member)
  local token = redis.call('HGET', outmember, member)
  if not token then return nil end
  local at = tonumber(redis.call('ZSCORE', outorder, token) or '-1e300')
  if lease > 0 and now - at < lease then return {'done'} end
  redis.call('ZADD', outorder, ARGV[6], token)
  return {'unconfirmed', token, redis.call('HGET', outbox, token)}
end

local function insert(gk, number, value, member, size)
  redis.call('HSET', gk, 'v' .. number, value, 'm' .. number, member)
  redis.call('HINCRBY', gk, 'size', size)
  redis.call('HINCRBY', stats, 'bytes', size)
  return redis.call('HINCRBY', gk, 'count', 1)
end

redis.call('ZREMRANGEBYSCORE', done, '-inf', string.format('%.17g', now - done_ttl))
local out = {}
for b = 10, #ARGV, 7 do
  local gkey, number, total, tag, member, value, size =
    ARGV[b], ARGV[b + 1], tonumber(ARGV[b + 2]), ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], tonumber(ARGV[b + 6])
  local gk = gprefix .. gkey
  local result = nil
  if outboxing then result = unconfirmed(member) end
  if not result then
    local at = redis.call('ZSCORE', done, member)
    if at and tonumber(at) > now - done_ttl then result = {'done'} end
  end
  if not result then
    local exists = redis.call('EXISTS', gk) == 1
    local current = false
    if exists then
      current = gkey
      local meta = redis.call('HMGET', gk, 'tag', 'v' .. number)
      if meta[1] ~= tag then
        result = {'conflict', meta[1]}
      elseif meta[2] then
        result = {'duplicate'}
      end
    else
      while redis.call('ZCARD', order) >= max_groups do
        park(take(oldest_other(false)))
      end
    end
    if not result then
      while held() + size > max_bytes do
        local victim = oldest_other(current)
        if not victim then break end
        park(take(victim))
      end
      if held() + size > max_bytes then
        if exists then
          insert(gk, number, value, member, size)
          park(take(gkey))
        else
          park({value}, nil, size)
        end
        result = {'evicted'}
      else
        if not exists then
          redis.call('HSET', gk, 'started', ARGV[6], 'tag', tag, 'total', total, 'size', 0, 'count', 0)
          redis.call('ZADD', order, redis.call('INCR', seqkey), gkey)
        end
        if insert(gk, number, value, member, size) >= total then
          local token = string.format('%d', tonumber(redis.call('ZSCORE', order, gkey)))
          local values, members, gsize = take(gkey)
          for _, m in ipairs(members) do redis.call('ZADD', done, ARGV[6], m) end
          local extra = redis.call('ZCARD', done) - max_done
          if extra > 0 then redis.call('ZREMRANGEBYRANK', done, 0, extra - 1) end
          redis.call('PEXPIRE', done, ARGV[7])
          if outboxing then
            redis.call('HSET', outbox, token, pack(values, gsize))
            redis.call('HSET', outmem, token, pack(members, 0))
            for _, m in ipairs(members) do redis.call('HSET', outmember, m, token) end
            redis.call('ZADD', outorder, ARGV[6], token)
            redis.call('HINCRBY', stats, 'obbytes', gsize)
          else
            token = ''
          end
          result = {'complete', token}
          for _, v in ipairs(values) do result[#result + 1] = v end
        else
          result = {'pending'}
        end
      end
    end
  end
  out[#out + 1] = result
end
return out
"""
)

# ARGV: 2 now, 3 timeout, 4 flush (1: every group), 5 most groups to take in this call.
# Returns the number of held groups taken, then each packed group: evicted ones first.
_LUA_TAKE = (
    _LUA_PRELUDE
    + """
local now, timeout, flush, limit = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1', tonumber(ARGV[5])
local out = {0}
for _, e in ipairs(redis.call('LRANGE', evicted, 0, -1)) do out[#out + 1] = e end
redis.call('DEL', evicted)
redis.call('HSET', stats, 'evbytes', 0)
local taken = 0
while taken < limit do
  local first = redis.call('ZRANGE', order, 0, 0)
  if #first == 0 then break end
  if not flush then
    local started = tonumber(redis.call('HGET', gprefix .. first[1], 'started'))
    if not (now - started > timeout) then break end
  end
  local values, _, size = take(first[1])
  out[#out + 1] = pack(values, size)
  taken = taken + 1
end
out[1] = taken
return out
"""
)

# ARGV: 2, ... the tokens to confirm.  Returns 1 (removed) or 0 (not there) for each.
_LUA_CONFIRM = (
    _LUA_PRELUDE
    + """
local out = {}
for i = 2, #ARGV do
  local token = ARGV[i]
  local packed = redis.call('HGET', outbox, token)
  if packed then
    local members = redis.call('HGET', outmem, token) or ''
    local at = 5  -- after the size of the packed members (0)
    while at <= #members do
      local n
      n, at = struct.unpack('>I4', members, at)
      local m = string.sub(members, at, at + n - 1)
      at = at + n
      -- A member that a later group took over stays with that group.
      if redis.call('HGET', outmember, m) == token then redis.call('HDEL', outmember, m) end
    end
    redis.call('HDEL', outbox, token)
    redis.call('HDEL', outmem, token)
    redis.call('ZREM', outorder, token)
    redis.call('HINCRBY', stats, 'obbytes', -struct.unpack('>I4', packed))
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
"""
)

# ARGV: 2 the hand-out time to set, 3, ... tokens.  Returns 1 (in the outbox) or 0 for each.
_LUA_RELEASE = (
    _LUA_PRELUDE
    + """
local out = {}
for i = 3, #ARGV do
  if redis.call('ZSCORE', outorder, ARGV[i]) then
    redis.call('ZADD', outorder, ARGV[2], ARGV[i])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
"""
)

# ARGV: 2 now, 3 the latest hand-out time to take, 4 most groups to take.  Returns token,
# packed group, token, packed group, ... oldest hand-out first.
_LUA_UNCONFIRMED = (
    _LUA_PRELUDE
    + """
local out = {}
local due = redis.call('ZRANGEBYSCORE', outorder, '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
for _, token in ipairs(due) do
  redis.call('ZADD', outorder, ARGV[2], token)
  out[#out + 1] = token
  out[#out + 1] = redis.call('HGET', outbox, token)
end
return out
"""
)

# Parts per script call: one call blocks the Redis server while it runs, so a big batch is
# split; 256 parts take about a millisecond.
_REDIS_BATCH = 256
# Held groups taken per expire/flush script call, for the same reason.
_REDIS_TAKE = 1000


def _ms(ttl: float) -> int:
    return max(1, math.ceil(ttl * 1000))


class RedisStore:
    """A store in Redis, shared by processes on any number of hosts.

    Keys and logs expire with Redis key TTLs (``SET ... PX``, ``PEXPIRE``), by the server's
    clock.  The group operations run as Lua scripts, each atomic on the server, so a
    message completes in exactly one call across every host; a batch of parts is one
    script call (one round trip).  Held groups and the outbox carry no TTL on purpose: a
    group that vanished by itself would be a message lost, so held groups leave only through
    :meth:`add_parts` (completion, eviction) and :meth:`expire_groups`, which hands them
    back, and outbox groups only through :meth:`confirm_groups`.  Every key of a namespace
    shares one hash tag (``smscodec:{reassembly}:...``), so the store works on Redis
    Cluster too.

    Thread safety: the ``redis`` client's connection pool is thread-safe, so threads may
    share the store.  Process safety: the client reconnects in a forked child (redis-py
    checks the process id); a store made from a URL pickles as that URL for ``spawn``
    children.  Times passed to the group operations are the caller's wall clock.

    Args:
        url_or_client: a ``redis://`` URL, or a ``redis.Redis`` client made by the caller
            (with ``decode_responses`` off).  The ``redis`` package (PyPI) is imported only
            when a RedisStore is made.
        prefix: the first part of every key.

    Raises:
        StoreError: the ``redis`` package is not installed.
    """

    shared = True

    def __init__(self, url_or_client: object, *, prefix: str = "smscodec") -> None:
        if not isinstance(prefix, str) or not prefix or "{" in prefix or "}" in prefix:
            raise ArgumentError(
                f"prefix {prefix!r} must be a non-empty str without braces", argument="prefix"
            )
        try:
            redis = importlib.import_module("redis")
        except ImportError as exc:
            raise StoreError("RedisStore needs the redis package: pip install 'smscodec[redis]'") from exc
        self._error: type[BaseException] = redis.RedisError
        self._url: str | None
        # Any: the redis package is optional and not a type-checking dependency.
        self._client: Any
        if isinstance(url_or_client, str):
            self._url = url_or_client
            self._client = redis.Redis.from_url(url_or_client)
        elif hasattr(url_or_client, "register_script") and hasattr(url_or_client, "pipeline"):
            self._url = None
            self._client = url_or_client
        else:
            raise TypeError(
                f"RedisStore takes a redis:// URL or a redis.Redis client, not {type(url_or_client).__name__}"
            )
        self._prefix = prefix
        self._add = self._client.register_script(_LUA_ADD)
        self._take = self._client.register_script(_LUA_TAKE)
        self._confirm = self._client.register_script(_LUA_CONFIRM)
        self._release = self._client.register_script(_LUA_RELEASE)
        self._unconfirmed = self._client.register_script(_LUA_UNCONFIRMED)

    def __repr__(self) -> str:
        # The URL may hold a password: never shown.
        return f"RedisStore(prefix={self._prefix!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        if self._url is None:
            raise TypeError("a RedisStore made from a client cannot be pickled; make it from a URL")
        return (_redis_store, (self._url, self._prefix))

    def __enter__(self) -> RedisStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except self._error as exc:
            # The message of a redis error names the server, never the URL's password.
            raise StoreError(f"Redis store: {type(exc).__name__}: {exc}") from exc

    def _key(self, namespace: str, kind: str, key: str = "") -> str:
        return f"{self._prefix}:{{{_check_namespace(namespace)}}}:{kind}:{key}"

    # -- keys and logs

    def claim(self, namespace: str, key: str, ttl: float) -> bool:
        """See :meth:`Store.claim`; expiry is the key's TTL."""
        name = self._key(namespace, "k", _check_key(key))
        ttl = _check_ttl(ttl)
        with self._errors():
            if ttl == math.inf:
                return bool(self._client.set(name, b"", nx=True))
            return bool(self._client.set(name, b"", nx=True, px=_ms(ttl)))

    def unclaim(self, namespace: str, key: str) -> bool:
        """See :meth:`Store.unclaim` (``DEL``: an expired key is already gone)."""
        name = self._key(namespace, "k", _check_key(key))
        with self._errors():
            return bool(self._client.delete(name))

    def put(self, namespace: str, key: str, value: object, ttl: float) -> None:
        """See :meth:`Store.put`; ``value`` must be bytes."""
        name = self._key(namespace, "k", _check_key(key))
        ttl = _check_ttl(ttl)
        data = _check_bytes(value)
        with self._errors():
            self._client.set(name, data, px=None if ttl == math.inf else _ms(ttl))

    def get(self, namespace: str, key: str) -> object | None:
        """See :meth:`Store.get`."""
        name = self._key(namespace, "k", _check_key(key))
        with self._errors():
            value = self._client.get(name)
        return None if value is None or value == b"" else _as_bytes(value)

    def append(self, namespace: str, key: str, value: object, ttl: float) -> None:
        """See :meth:`Store.append`; ``value`` must be bytes.  The push and the TTL are one
        ``MULTI`` transaction."""
        name = self._key(namespace, "l", _check_key(key))
        ttl = _check_ttl(ttl)
        data = _check_bytes(value)
        with self._errors():
            pipe = self._client.pipeline(transaction=True)
            pipe.rpush(name, data)
            if ttl == math.inf:
                pipe.persist(name)
            else:
                pipe.pexpire(name, _ms(ttl))
            pipe.execute()

    def read(self, namespace: str, key: str) -> list[object]:
        """See :meth:`Store.read`."""
        name = self._key(namespace, "l", _check_key(key))
        with self._errors():
            return [_as_bytes(v) for v in self._client.lrange(name, 0, -1)]

    # -- groups

    def _group_keys(self, namespace: str) -> list[str]:
        kinds = ("order", "stats", "evicted", "done", "seq", "outbox", "outmem", "outmember", "outorder")
        return [self._key(namespace, kind) for kind in kinds]

    def add_parts(
        self, namespace: str, parts: Sequence[GroupPart], limits: GroupLimits, now: float
    ) -> list[GroupOutcome]:
        """See :meth:`Store.add_parts`: one script call per 256 parts, each call atomic."""
        keys = self._group_keys(namespace)
        head: list[object] = [
            self._key(namespace, "g"),
            limits.max_groups,
            limits.max_bytes,
            limits.max_done,
            repr(float(limits.done_ttl)),
            repr(float(now)),
            _ms(limits.done_ttl),
            int(limits.outbox),
            repr(float(limits.lease)),
        ]
        out: list[GroupOutcome] = []
        for start in range(0, len(parts), _REDIS_BATCH):
            args = list(head)
            for part in parts[start : start + _REDIS_BATCH]:
                args += [
                    part.group,
                    part.number,
                    part.total,
                    part.tag,
                    part.member,
                    _check_bytes(part.value, "a part's value"),
                    part.size,
                ]
            with self._errors():
                replies = self._add(keys=keys, args=args)
            for reply in replies:
                status = _as_bytes(reply[0]).decode("ascii")
                if status == "complete":
                    token = _as_bytes(reply[1]).decode("ascii") or None
                    out.append(GroupOutcome(status, tuple(_as_bytes(v) for v in reply[2:]), token=token))
                elif status == "unconfirmed":
                    values = _unpack_values(_as_bytes(reply[2])[4:])  # after the group's size
                    out.append(GroupOutcome(status, tuple(values), token=_as_bytes(reply[1]).decode("ascii")))
                elif status == "conflict":
                    out.append(GroupOutcome(status, tag=_as_bytes(reply[1]).decode("utf-8", "replace")))
                else:
                    out.append(GroupOutcome(status))  # pending, duplicate, done, evicted
        return out

    def _take_groups(self, namespace: str, now: float, timeout: float, flush: bool) -> list[list[object]]:
        keys = self._group_keys(namespace)
        out: list[list[object]] = []
        while True:
            args = [
                self._key(namespace, "g"),
                repr(float(now)),
                repr(float(timeout)),
                int(flush),
                _REDIS_TAKE,
            ]
            with self._errors():
                reply = self._take(keys=keys, args=args)
            # Each packed group starts with its size (4 octets), then the values.
            out.extend(_unpack_values(_as_bytes(packed)[4:]) for packed in reply[1:])
            if int(reply[0]) < _REDIS_TAKE:
                return out

    def expire_groups(self, namespace: str, now: float, timeout: float) -> list[list[object]]:
        """See :meth:`Store.expire_groups`."""
        return self._take_groups(namespace, now, timeout, False)

    def flush_groups(self, namespace: str) -> list[list[object]]:
        """See :meth:`Store.flush_groups`."""
        return self._take_groups(namespace, 0.0, 0.0, True)

    def group_stats(self, namespace: str) -> GroupStats:
        """See :meth:`Store.group_stats` (one ``MULTI`` transaction: a consistent snapshot)."""
        keys = self._group_keys(namespace)
        with self._errors():
            pipe = self._client.pipeline(transaction=True)
            pipe.zcard(keys[0])
            pipe.hmget(keys[1], "bytes", "evbytes", "discarded", "obbytes")
            pipe.llen(keys[2])
            pipe.zcard(keys[8])
            pending, (held, queued_bytes, discarded, out_bytes), queued, out = pipe.execute()
        return GroupStats(
            int(pending),
            int(held or 0),
            int(queued),
            int(queued_bytes or 0),
            int(discarded or 0),
            int(out),
            int(out_bytes or 0),
        )

    def _per_token(
        self, script: Any, namespace: str, head: list[object], tokens: Sequence[str]
    ) -> list[bool]:
        keys = self._group_keys(namespace)
        tokens = _check_tokens(tokens)
        out: list[bool] = []
        for start in range(0, len(tokens), _REDIS_BATCH):
            with self._errors():
                replies = script(keys=keys, args=[*head, *tokens[start : start + _REDIS_BATCH]])
            out.extend(int(reply) == 1 for reply in replies)
        return out

    def confirm_groups(self, namespace: str, tokens: Sequence[str]) -> list[bool]:
        """See :meth:`Store.confirm_groups`: one script call per 256 tokens, each atomic."""
        return self._per_token(self._confirm, namespace, [self._key(namespace, "g")], tokens)

    def release_groups(self, namespace: str, tokens: Sequence[str]) -> list[bool]:
        """See :meth:`Store.release_groups`: one script call per 256 tokens, each atomic."""
        head: list[object] = [self._key(namespace, "g"), repr(_RELEASED)]
        return self._per_token(self._release, namespace, head, tokens)

    def unconfirmed_groups(
        self, namespace: str, now: float, older_than: float, limit: int
    ) -> list[tuple[str, list[object]]]:
        """See :meth:`Store.unconfirmed_groups`: one script call per 1000 groups, each atomic."""
        keys = self._group_keys(namespace)
        limit = _check_limit(limit)
        out: list[tuple[str, list[object]]] = []
        while len(out) < limit:
            want = min(limit - len(out), _REDIS_TAKE)
            args = [self._key(namespace, "g"), repr(float(now)), repr(float(now - older_than)), want]
            with self._errors():
                reply = self._unconfirmed(keys=keys, args=args)
            for at in range(0, len(reply), 2):
                token = _as_bytes(reply[at]).decode("ascii")
                out.append((token, _unpack_values(_as_bytes(reply[at + 1])[4:])))
            if len(reply) // 2 < want:
                break
        return out

    def close(self) -> None:
        """Close the client's connections (a client passed in is the caller's: left open)."""
        if self._url is not None:
            with self._errors():
                self._client.close()


def _as_bytes(value: object) -> bytes:
    # A client made with decode_responses=True hands back str; keep working with it.
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if isinstance(value, int):
        return str(value).encode("ascii")
    raise StoreError(f"Redis answered {type(value).__name__} where bytes were expected")


def _redis_store(url: str, prefix: str) -> RedisStore:
    return RedisStore(url, prefix=prefix)
