"""The stores behind reassembly, delivery tracking and the replay guard: one suite over the
memory, SQLite and Redis stores (a real redis-server, see _servers.py), and the proof that
several worker processes over one shared store complete every message exactly once and
lose nothing, even when one of them is killed half way.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import pickle
import random
import signal
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import _store_workers as workers
from smscodec.errors import ArgumentError, SmsCodecError, WebhookError
from smscodec.vonage import (
    ConcatInfo,
    InboundMessage,
    InboundType,
    MemoryStore,
    RawFields,
    Reassembler,
    RedisStore,
    SQLiteStore,
    parse_inbound,
)
from smscodec.vonage.reassembly import PartStatus
from smscodec.vonage.stores import GroupLimits, GroupPart, Store, StoreError

# --- the store primitives ---------------------------------------------------------------


def test_every_store_is_a_store(store: Store) -> None:
    assert isinstance(store, Store)
    assert store.shared is (not isinstance(store, MemoryStore))
    # No URL (it may hold a password) or other secret in the repr.
    assert "redis://" not in repr(store)


def test_claim_is_first_come_and_expires(store: Store) -> None:
    assert store.claim("replay", "sig-1", 0.4) is True
    assert store.claim("replay", "sig-1", 0.4) is False
    assert store.claim("replay", "sig-2", 0.4) is True  # another key
    assert store.claim("other", "sig-1", 0.4) is True  # another namespace
    assert store.claim("replay", "forever", math.inf) is True
    assert store.claim("replay", "forever", math.inf) is False
    if isinstance(store, MemoryStore):
        return  # the memory store's expiry is driven by a fake clock below
    time.sleep(0.5)
    assert store.claim("replay", "sig-1", 0.4) is True
    assert store.claim("replay", "sig-1", 0.4) is False


def test_memory_claim_expiry_by_its_clock() -> None:
    now = [100.0]
    memory = MemoryStore(clock=lambda: now[0])
    assert memory.claim("replay", "k", 10)
    now[0] = 109.999
    assert not memory.claim("replay", "k", 10)
    now[0] = 110.0  # a record lives ttl seconds: at exactly ttl it is gone
    assert memory.claim("replay", "k", 10)
    # Expired records leave memory (the heap purges them as time passes).
    for i in range(1000):
        memory.claim("replay", f"x{i}", 1)
    now[0] = 1000.0
    memory.claim("replay", "last", 1)
    assert memory.get("replay", "x0") is None
    assert len(memory) == 1  # only "last": "k" (renewed at 110, ttl 10) is gone too


def test_claim_from_many_threads_has_one_winner_per_key(store_factory: Callable[[], Store]) -> None:
    keys = [f"k{i}" for i in range(40)]
    wins: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = store_factory()  # SQLite, Redis: one store object (connection) per thread
        for key in keys:
            if mine.claim("replay", key, 60):
                with lock:
                    wins.append(key)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == sorted(keys)


def test_threads_sharing_one_store_object(store: Store) -> None:
    r = Reassembler(store=store)
    wins: list[str] = []
    completed: list[str | None] = []
    lock = threading.Lock()
    messages = [[message(n, 3, f"{m}.{n};", ref=str(m)) for n in (3, 1, 2, 1)] for m in range(30)]

    def worker(w: int) -> None:
        for group in messages[w::4]:
            for p in group:
                whole = r.add(p)
                if whole is not None:
                    with lock:
                        completed.append(whole.text)
            if store.claim("replay", str(len(group)), 60):
                with lock:
                    wins.append(str(len(group)))

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins == ["4"]
    assert sorted(completed) == sorted(f"{m}.1;{m}.2;{m}.3;" for m in range(30))  # type: ignore[type-var]


def test_put_get_append_read(store: Store) -> None:
    value: object = b"\x00\xffrecord" if store.shared else ("any", "object")
    assert store.get("t", "missing") is None
    store.put("t", "a", value, 60)
    assert store.get("t", "a") == value
    store.put("t", "a", b"second" if store.shared else "second", 60)
    assert store.get("t", "a") == (b"second" if store.shared else "second")
    assert store.read("t", "log") == []
    items = [f"r{i}".encode() for i in range(5)]
    for item in items:
        store.append("t", "log", item, 60)
    assert store.read("t", "log") == items
    assert store.read("other", "log") == []


def test_put_and_append_expire(store: Store) -> None:
    now = [0.0]

    def wait(seconds: float) -> None:
        if isinstance(store, MemoryStore):
            now[0] += seconds
        else:
            time.sleep(seconds)

    if isinstance(store, MemoryStore):
        store = MemoryStore(clock=lambda: now[0])
    store.put("t", "a", b"v", 0.3)
    store.append("t", "log", b"1", 0.3)
    wait(0.2)
    store.append("t", "log", b"2", 0.3)  # an append renews the whole log
    wait(0.2)
    assert store.get("t", "a") is None
    assert store.read("t", "log") == [b"1", b"2"]
    wait(0.4)
    assert store.read("t", "log") == []


def test_shared_stores_keep_bytes_only(store: Store) -> None:
    if not store.shared:
        store.put("t", "a", object(), 1)  # the memory store keeps any object
        return
    with pytest.raises(TypeError, match="bytes"):
        store.put("t", "a", "text", 60)
    with pytest.raises(TypeError, match="bytes"):
        store.append("t", "a", 5, 60)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda s: s.claim("", "k", 1), ArgumentError, "namespace"),
        (lambda s: s.claim("a{b}", "k", 1), ArgumentError, "braces"),
        (lambda s: s.claim(5, "k", 1), TypeError, "namespace must be str"),
        (lambda s: s.claim("n", b"k", 1), TypeError, "key must be str"),
        (lambda s: s.claim("n", "k", 0), ArgumentError, "ttl"),
        (lambda s: s.claim("n", "k", float("nan")), ArgumentError, "ttl"),
        (lambda s: s.claim("n", "k", "1"), TypeError, "ttl must be a number"),
        (lambda s: s.put("n", "k", b"", -1), ArgumentError, "ttl"),
        (lambda s: s.group_stats(""), ArgumentError, "namespace"),
    ],
)
def test_bad_arguments(
    store: Store, call: Callable[[Store], object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call(store)


def limits(**overrides: float) -> GroupLimits:
    values: dict[str, float] = {"max_groups": 100, "max_bytes": 10**9, "max_done": 1000, "done_ttl": 3600.0}
    values.update(overrides)
    return GroupLimits(**values)  # type: ignore[arg-type]


def gpart(group: str, number: int, total: int = 2, *, tag: str = "text", size: int = 10) -> GroupPart:
    return GroupPart(group, number, total, tag, f"{group}/{number}", f"{group}.{number}".encode(), size)


def test_group_primitives(store: Store) -> None:
    out = store.add_parts(
        "g",
        [
            gpart("a", 2),
            gpart("b", 1),
            gpart("a", 2),
            gpart("a", 1, tag="binary"),
            gpart("a", 1),
            gpart("a", 1),
        ],
        limits(),
        1.0,
    )
    assert [o.status for o in out] == ["pending", "pending", "duplicate", "conflict", "complete", "done"]
    assert out[3].tag == "text"
    assert out[4].values == (b"a.1", b"a.2")
    stats = store.group_stats("g")
    assert (stats.pending, stats.pending_bytes, stats.evicted, stats.discarded) == (1, 10, 0, 0)
    # Expiry strictly after the timeout, by the caller's clock.
    assert store.expire_groups("g", 11.0, 10.0) == []
    assert store.expire_groups("g", 11.5, 10.0) == [[b"b.1"]]
    assert store.group_stats("g").pending == 0


def test_a_retry_is_recognised_for_done_ttl_and_max_done(store: Store) -> None:
    lim = limits(max_done=3, done_ttl=100.0)
    store.add_parts("g", [gpart("a", 1), gpart("a", 2)], lim, 0.0)
    assert store.add_parts("g", [gpart("a", 1)], lim, 99.0)[0].status == "done"
    assert store.add_parts("g", [gpart("a", 1)], lim, 100.0)[0].status == "pending"  # forgotten
    store.flush_groups("g")
    store.add_parts("g", [gpart("b", 1), gpart("b", 2), gpart("c", 1), gpart("c", 2)], lim, 200.0)
    # Only the last three members are remembered: b/1 is forgotten, b/2 is not.
    assert [o.status for o in store.add_parts("g", [gpart("b", 2), gpart("b", 1)], lim, 201.0)] == [
        "done",
        "pending",
    ]


def test_group_eviction_by_count_and_bytes(store: Store) -> None:
    lim = limits(max_groups=2, max_bytes=100)
    store.add_parts("g", [gpart("a", 1, 3, size=40), gpart("b", 1, 3, size=40)], lim, 0.0)
    # A third group evicts the oldest ("a").
    assert store.add_parts("g", [gpart("c", 1, 3, size=10)], lim, 1.0)[0].status == "pending"
    # 40 + 10 + 60 > 100: the oldest group other than the part's own ("b") goes.
    assert store.add_parts("g", [gpart("c", 2, 3, size=60)], lim, 2.0)[0].status == "pending"
    assert store.group_stats("g").pending_bytes == 70
    assert store.expire_groups("g", 2.0, 1000.0) == [[b"a.1"], [b"b.1"]]
    # Too big even alone: the part and the rest of its group are handed back.
    assert store.add_parts("g", [gpart("c", 3, 3, size=101)], lim, 3.0)[0].status == "evicted"
    stats = store.group_stats("g")
    assert (stats.pending, stats.pending_bytes, stats.evicted, stats.evicted_bytes) == (0, 0, 1, 171)
    assert store.expire_groups("g", 5.0, 1000.0) == [[b"c.1", b"c.2", b"c.3"]]
    assert store.add_parts("g", [gpart("d", 1, 3, size=500)], lim, 4.0)[0].status == "evicted"
    assert store.expire_groups("g", 5.0, 1000.0) == [[b"d.1"]]
    assert store.group_stats("g").evicted == 0
    assert store.group_stats("g").discarded == 0


def test_evicted_queue_is_bounded(store: Store) -> None:
    lim = limits(max_groups=2)
    store.add_parts("g", [gpart(str(i), 1) for i in range(6)], lim, 0.0)
    stats = store.group_stats("g")
    # Four evicted, two of them kept for expire_groups.
    assert (stats.pending, stats.evicted, stats.discarded) == (2, 2, 2)
    assert store.flush_groups("g") == [[b"2.1"], [b"3.1"], [b"4.1"], [b"5.1"]]


def test_evicted_queue_is_bounded_by_bytes_too(store: Store) -> None:
    lim = limits(max_groups=100, max_bytes=100)
    store.add_parts("g", [gpart(str(i), 1, size=40) for i in range(6)], lim, 0.0)
    stats = store.group_stats("g")
    # Held: 80 of 100 bytes (two groups); queued: the newest two evicted (80 bytes).
    assert (stats.pending, stats.pending_bytes, stats.evicted, stats.evicted_bytes, stats.discarded) == (
        2, 80, 2, 80, 2
    )  # fmt: skip
    # The newest evicted group stays even when it alone is over the bound.
    assert store.add_parts("g", [gpart("big", 1, size=150)], lim, 0.0)[0].status == "evicted"
    stats = store.group_stats("g")
    assert (stats.evicted, stats.evicted_bytes, stats.discarded) == (1, 150, 6)
    assert store.expire_groups("g", 0.0, 1.0) == [[b"big.1"]]
    assert store.group_stats("g").evicted_bytes == 0


def test_namespaces_are_apart(store: Store) -> None:
    store.add_parts("one", [gpart("a", 1)], limits(), 0.0)
    assert store.add_parts("two", [gpart("a", 2)], limits(), 0.0)[0].status == "pending"
    assert store.group_stats("one").pending == 1
    assert store.flush_groups("two") == [[b"a.2"]]


def test_unclaim_gives_a_claim_back(store: Store) -> None:
    assert store.claim("replay", "sig", 60) is True
    assert store.unclaim("replay", "sig") is True
    assert store.claim("replay", "sig", 60) is True  # first again
    assert store.claim("replay", "sig", 60) is False
    assert store.unclaim("replay", "never") is False
    assert store.unclaim("other", "sig") is False  # namespaces apart
    assert store.claim("replay", "sig", 60) is False
    assert store.unclaim("replay", "sig") is True
    assert store.unclaim("replay", "sig") is False  # given back already


def test_unclaim_of_an_expired_claim() -> None:
    now = [0.0]
    memory = MemoryStore(clock=lambda: now[0])
    memory.claim("replay", "k", 10)
    now[0] = 10.0
    assert memory.unclaim("replay", "k") is False  # it had expired: nothing was given back
    assert memory.claim("replay", "k", 10) is True


def test_outbox_keeps_a_completion_until_confirmed(store: Store) -> None:
    lim = limits(outbox=True)
    a1, a2 = gpart("a", 1), gpart("a", 2)
    first, complete = store.add_parts("g", [a1, a2], lim, 1.0)
    assert first.status == "pending"
    assert (complete.status, complete.values) == ("complete", (b"a.1", b"a.2"))
    token = complete.token
    assert isinstance(token, str)
    assert token
    stats = store.group_stats("g")
    assert (stats.pending, stats.pending_bytes, stats.outbox, stats.outbox_bytes) == (0, 0, 1, 20)
    # A retry of either part hands the group back, the same token each time.
    for retry in store.add_parts("g", [a1, a2, a2], lim, 2.0):
        assert (retry.status, retry.values, retry.token) == ("unconfirmed", (b"a.1", b"a.2"), token)
    assert store.confirm_groups("g", [token]) == [True]
    assert store.confirm_groups("g", [token]) == [False]  # once
    assert [o.status for o in store.add_parts("g", [a1, a2], lim, 3.0)] == ["done", "done"]
    stats = store.group_stats("g")
    assert (stats.outbox, stats.outbox_bytes) == (0, 0)
    assert store.unconfirmed_groups("g", 100.0, 0.0, 10) == []
    # Tokens no group has: other digits, words, numbers beyond 64 bits; another namespace.
    other = store.add_parts("g2", [gpart("b", 1), gpart("b", 2)], lim, 3.0)[1].token
    assert other is not None
    assert store.confirm_groups("g", ["", "x", "-1", "9" * 30, "١٢", other]) == [False] * 6
    assert store.release_groups("g", ["", "9" * 30, other]) == [False] * 3
    assert store.confirm_groups("g2", [other]) == [True]


def test_without_outbox_a_completion_leaves_at_once(store: Store) -> None:
    complete = store.add_parts("g", [gpart("a", 1), gpart("a", 2)], limits(), 1.0)[1]
    assert (complete.status, complete.token) == ("complete", None)
    assert store.group_stats("g").outbox == 0
    assert store.add_parts("g", [gpart("a", 1)], limits(outbox=True), 2.0)[0].status == "done"


def test_unconfirmed_groups_by_age_with_a_lease(store: Store) -> None:
    lim = limits(outbox=True)
    ta = store.add_parts("g", [gpart("a", 1), gpart("a", 2)], lim, 0.0)[1].token
    tb = store.add_parts("g", [gpart("b", 1), gpart("b", 2)], lim, 5.0)[1].token
    assert store.unconfirmed_groups("g", 2.9, 3.0, 10) == []  # a is 2.9 s old
    assert store.unconfirmed_groups("g", 6.0, 3.0, 10) == [(ta, [b"a.1", b"a.2"])]
    assert store.unconfirmed_groups("g", 6.0, 3.0, 10) == []  # handed out at 6: not again yet
    # At 9: b (handed out at 5) is older than a (6); the limit takes the oldest.
    assert store.unconfirmed_groups("g", 9.0, 3.0, 1) == [(tb, [b"b.1", b"b.2"])]
    assert store.unconfirmed_groups("g", 9.0, 3.0, 10) == [(ta, [b"a.1", b"a.2"])]
    # A retry is a hand-out too: it starts the time again.
    assert store.add_parts("g", [gpart("a", 2)], lim, 20.0)[0].status == "unconfirmed"
    assert store.unconfirmed_groups("g", 22.0, 3.0, 10) == [(tb, [b"b.1", b"b.2"])]
    # release: handed out never, so the next call takes it whatever its age.
    assert store.release_groups("g", [ta, "nope"]) == [True, False]
    assert store.unconfirmed_groups("g", 22.0, 3.0, 10) == [(ta, [b"a.1", b"a.2"])]
    assert store.confirm_groups("g", [tb, ta]) == [True, True]
    assert store.unconfirmed_groups("g", 1e9, 0.0, 10) == []


def test_a_lease_holds_retries_off(store: Store) -> None:
    lim = limits(outbox=True, lease=10.0)
    token = store.add_parts("g", [gpart("a", 1), gpart("a", 2)], lim, 0.0)[1].token
    assert store.add_parts("g", [gpart("a", 1)], lim, 9.9)[0].status == "done"  # its caller is at it
    again = store.add_parts("g", [gpart("a", 1)], lim, 10.0)[0]
    assert (again.status, again.token) == ("unconfirmed", token)
    assert store.add_parts("g", [gpart("a", 2)], lim, 15.0)[0].status == "done"  # leased at 10
    assert store.release_groups("g", [token]) == [True]  # its caller failed: no lease now
    assert store.add_parts("g", [gpart("a", 2)], lim, 16.0)[0].status == "unconfirmed"
    # unconfirmed_groups has its own age, not the lease.
    assert store.unconfirmed_groups("g", 17.0, 0.5, 10) == [(token, [b"a.1", b"a.2"])]


def test_the_outbox_counts_against_max_bytes_and_is_never_evicted(store: Store) -> None:
    lim = limits(outbox=True, max_bytes=50)
    token = store.add_parts("g", [gpart("a", 1), gpart("a", 2)], lim, 0.0)[1].token  # 20 bytes
    assert store.add_parts("g", [gpart("b", 1, size=20)], lim, 1.0)[0].status == "pending"  # 40
    # 40 + 20 > 50: the held group b makes room, never the outbox.
    assert store.add_parts("g", [gpart("c", 1, size=20)], lim, 2.0)[0].status == "pending"
    stats = store.group_stats("g")
    assert (stats.pending, stats.pending_bytes, stats.outbox_bytes, stats.evicted) == (1, 20, 20, 1)
    assert store.expire_groups("g", 1003.0, 1000.0) == [[b"b.1"], [b"c.1"]]  # c timed out
    # Nothing held, and still 40 bytes do not fit beside the outbox: evicted, not held.
    assert store.add_parts("g", [gpart("d", 1, size=40)], lim, 1004.0)[0].status == "evicted"
    assert store.expire_groups("g", 1004.0, 1000.0) == [[b"d.1"]]
    stats = store.group_stats("g")
    assert (stats.pending, stats.outbox, stats.outbox_bytes, stats.discarded) == (0, 1, 20, 0)
    assert store.confirm_groups("g", [token]) == [True]
    assert store.add_parts("g", [gpart("d", 1, size=40)], lim, 1005.0)[0].status == "pending"  # room again


def test_a_member_in_two_outbox_groups(store: Store) -> None:
    # The same member (sender, recipient, message id) in two groups: odd input, but each
    # group stays in the outbox on its own, and a retry hands back the newer one.
    lim = limits(outbox=True)
    shared = GroupPart("x", 1, 2, "text", "same", b"x.1", 10)
    other = GroupPart("y", 1, 2, "text", "same", b"y.1", 10)
    store.add_parts("g", [shared, other], lim, 0.0)
    tx = store.add_parts("g", [gpart("x", 2)], lim, 1.0)[0].token
    ty = store.add_parts("g", [gpart("y", 2)], lim, 2.0)[0].token
    assert None not in (tx, ty)
    assert tx != ty
    assert store.add_parts("g", [shared], lim, 3.0)[0].token == ty
    assert store.confirm_groups("g", [tx]) == [True]  # leaves the member with y
    again = store.add_parts("g", [shared], lim, 4.0)[0]
    assert (again.status, again.values) == ("unconfirmed", (b"y.1", b"y.2"))
    assert store.confirm_groups("g", [ty]) == [True]
    assert store.add_parts("g", [shared], lim, 5.0)[0].status == "done"
    assert store.group_stats("g").outbox == 0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda s: s.confirm_groups("g", "12"), TypeError, "sequence of str"),
        (lambda s: s.confirm_groups("g", [12]), TypeError, "token must be str"),
        (lambda s: s.release_groups("g", [b"1"]), TypeError, "token must be str"),
        (lambda s: s.confirm_groups("", ["1"]), ArgumentError, "namespace"),
        (lambda s: s.unconfirmed_groups("g", 0.0, 0.0, 0), ArgumentError, "limit"),
        (lambda s: s.unconfirmed_groups("g", 0.0, 0.0, True), TypeError, "limit"),
        (lambda s: s.unclaim("g", 5), TypeError, "key must be str"),
    ],
)
def test_bad_outbox_arguments(
    store: Store, call: Callable[[Store], object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call(store)


# --- the reassembler over each store ----------------------------------------------------

TEXTS = ["It was the best of times, ", "it was the worst of times, ", "it was the age of wisdom. Ω€😀"]


def inbound(
    number: int, total: int = 3, *, reference: str = "08B5", sender: str = "447700900001"
) -> InboundMessage:
    fields = {
        "msisdn": sender,
        "to": "447700900000",
        "messageId": f"{sender}-{reference}-{number}",
        "type": "unicode",
        "text": TEXTS[number - 1],
        "keyword": "IT",
        "message-timestamp": "2024-05-01 10:00:01",
        "timestamp": "1714557601",
        "nonce": "a0b1c2",
        "sig": "00" * 16,
        "concat": "true",
        "concat-ref": reference,
        "concat-total": str(total),
        "concat-part": str(number),
        "x-unknown-field": "kept",
    }
    return parse_inbound(fields)


def binary(number: int) -> InboundMessage:
    return parse_inbound(
        {
            "msisdn": "1",
            "to": "2",
            "messageId": f"bin-{number}",
            "type": "binary",
            "data": "00ff" * 10 + f"{number:02x}",
            "udh": f"0B05040B8423F000030702{number:02X}",
        }
    )


def test_reassembler_over_each_store(store: Store) -> None:
    r = Reassembler(store=store)
    assert r.add_part(inbound(3)).status is PartStatus.PENDING
    assert r.add_part(inbound(1)).status is PartStatus.PENDING
    assert r.add_part(inbound(1)).status is PartStatus.DUPLICATE
    assert r.pending == 1
    result = r.add_part(inbound(2))
    assert result.status is PartStatus.COMPLETE
    whole = result.message
    assert whole is not None
    assert whole.text == "".join(TEXTS)
    assert whole.part_ids == tuple(f"447700900001-08B5-{n}" for n in (1, 2, 3))
    # Part 1's metadata, rebuilt equal from the store.
    first = inbound(1)
    assert (whole.message_timestamp, whole.keyword, whole.extra) == (
        first.message_timestamp,
        first.keyword,
        first.extra,
    )
    assert whole.message_timestamp == datetime(2024, 5, 1, 10, 0, 1, tzinfo=timezone.utc)
    # Retries after completion are duplicates, not a new message.
    assert [r.add_part(inbound(n)).status for n in (1, 2, 3)] == [PartStatus.DUPLICATE] * 3
    assert r.pending == 0
    assert r.add(inbound(1, 1)) == inbound(1, 1)  # a single part comes straight back


def test_confirm_mode_over_each_store(store: Store) -> None:
    r = Reassembler(store=store, confirm=True)
    assert [r.add_part(inbound(n)).status for n in (3, 1)] == [PartStatus.PENDING] * 2
    result = r.add_part(inbound(2))
    assert result.status is PartStatus.COMPLETE
    assert result.complete
    assert result.message is not None
    assert result.message.text == "".join(TEXTS)
    assert isinstance(result.token, str)
    assert (r.outbox, r.pending) == (1, 0)
    assert r.outbox_bytes > 0
    # Not confirmed: every retry hands the whole message back, equal, with the same token.
    for n in (1, 3, 2):
        again = r.add_part(inbound(n))
        assert (again.status, again.message, again.token) == (
            PartStatus.REDELIVERED,
            result.message,
            result.token,
        )
        assert again.complete
        assert again.part == inbound(n)
    assert r.add(inbound(1)) == result.message  # add() hands it back too
    assert r.confirm(result) is True
    assert r.confirm(result) is False
    assert r.confirm(result.token) is False  # by token, as another worker would
    assert [r.add_part(inbound(n)).status for n in (1, 2, 3)] == [PartStatus.DUPLICATE] * 3
    assert (r.outbox, r.outbox_bytes) == (0, 0)
    # A message that was never a part waits for nothing.
    single = r.add_part(inbound(1, 1))
    assert (single.status, single.token) == (PartStatus.COMPLETE, None)
    assert r.confirm(single) is False
    assert r.confirm_many([single, result, "nope"]) == [False, False, False]
    assert "confirm=True" in repr(r)


def test_confirm_by_token_from_another_worker(store_factory: Callable[[], Store]) -> None:
    a = Reassembler(store=store_factory(), confirm=True)
    b = Reassembler(store=store_factory(), confirm=True)
    a.add(inbound(1))
    a.add(inbound(3))
    result = a.add_part(inbound(2))
    # The message went to a queue with its token; a consumer elsewhere confirms it.
    assert result.token is not None
    assert b.outbox == 1
    assert b.confirm_many([result.token, result.token]) == [True, False]
    assert a.add_part(inbound(2)).status is PartStatus.DUPLICATE


def _complete_and_die(r: Reassembler) -> None:
    """Add every part of the message, as a worker killed right after the store committed
    the completion: the whole message never reaches anyone."""
    for n in (1, 2, 3):
        r.add_part(inbound(n))


def test_a_completion_the_caller_never_saw_is_lost_by_default(store_factory: Callable[[], Store]) -> None:
    # The documented at-most-once window: the store forgot the message once handed out.
    _complete_and_die(Reassembler(store=store_factory()))
    other = Reassembler(store=store_factory())
    assert other.add_part(inbound(2)).status is PartStatus.DUPLICATE  # Vonage's retry
    assert other.unconfirmed(0) == []
    assert (other.pending, other.outbox) == (0, 0)


def test_a_completion_the_caller_never_saw_is_recovered_with_confirm(
    store_factory: Callable[[], Store],
) -> None:
    _complete_and_die(Reassembler(store=store_factory(), confirm=True))
    # Either Vonage's retry of a part reaches a worker ...
    other = Reassembler(store=store_factory(), confirm=True)
    retried = other.add_part(inbound(2))
    assert retried.status is PartStatus.REDELIVERED
    assert retried.message is not None
    assert retried.message.text == "".join(TEXTS)
    # ... or any worker sweeps up what nobody confirmed (here the retry's hand-out is
    # 0 s old: everything is taken).
    (swept,) = other.unconfirmed(0)
    assert (swept.status, swept.token, swept.message) == (
        PartStatus.REDELIVERED,
        retried.token,
        retried.message,
    )
    assert swept.part == swept.message
    assert other.confirm(swept) is True
    assert other.unconfirmed(0) == []
    assert other.add_part(inbound(2)).status is PartStatus.DUPLICATE


def test_unconfirmed_by_age_and_release(store: Store) -> None:
    now = [1_700_000_000.0]
    r = Reassembler(store=store, confirm=True, lease=30, clock=lambda: now[0])
    r.add(inbound(1))
    r.add(inbound(2))
    result = r.add_part(inbound(3))
    assert result.status is PartStatus.COMPLETE
    now[0] += 29
    assert r.add_part(inbound(1)).status is PartStatus.DUPLICATE  # leased: its handler is at it
    assert r.unconfirmed(60) == []
    now[0] += 32  # 61 s after the completion
    (late,) = r.unconfirmed(60)
    assert (late.token, late.message) == (result.token, result.message)
    assert r.unconfirmed(60) == []  # just handed out again: another sweeper skips it
    # The handler of that hand-out fails: it gives it back, and Vonage's retry gets it.
    assert r.release(late) is True
    again = r.add_part(inbound(2))
    assert again.status is PartStatus.REDELIVERED
    assert r.confirm(again) is True
    assert r.release(again) is False  # nothing waits any more
    assert r.release(r.add_part(inbound(1, 1))) is False


def test_unconfirmed_messages_are_bounded_by_bytes(store: Store) -> None:
    # What one message weighs against max_pending_bytes, measured in another namespace.
    probe = Reassembler(store=store, confirm=True, namespace="probe")
    for n in (1, 2, 3):
        probe.add(inbound(n, reference="r9"))  # as long as those below: as heavy
    weight = probe.outbox_bytes
    assert weight > 3 * 256  # at least the allowance per part
    bound = 5 * weight + weight // 2
    # Five unconfirmed messages fit in the bound and stay; what does not fit beside them
    # is evicted (handed back by expire), never held.
    r = Reassembler(store=store, confirm=True, max_pending_bytes=bound)
    tokens = []
    for m in range(5):
        results = [r.add_part(inbound(n, reference=f"r{m}")) for n in (1, 2, 3)]
        tokens.append(results[-1].token)
    assert (r.outbox, r.outbox_bytes) == (5, 5 * weight)
    statuses = [r.add_part(inbound(n, reference=f"x{m}")).status for m in range(5) for n in (1, 2)]
    assert PartStatus.EVICTED in statuses
    assert r.outbox == 5
    assert r.pending_bytes + r.outbox_bytes <= bound
    evicted = [p for group in r.expire() for p in group]
    assert evicted
    assert r.confirm_many(tokens) == [True] * 5
    assert r.add_part(inbound(1, reference="y")).status is PartStatus.PENDING


def test_parts_come_back_equal_from_the_store(store: Store) -> None:
    r = Reassembler(store=store)
    parts = [inbound(2), inbound(1), binary(2)]
    for p in parts:
        r.add(p)
    # Equal: every field, bytes, datetimes and unknown fields included; in part order.
    groups = r.flush()
    assert groups == [[parts[1], parts[0]], [parts[2]]]
    # raw and unreadable are not part of equality: compared on their own.
    for got, sent in zip([*groups[0], *groups[1]], [parts[1], parts[0], parts[2]], strict=True):
        assert got.raw == sent.raw
        assert got.raw.nested == sent.raw.nested
        assert got.unreadable == sent.unreadable


def test_a_part_with_an_unreadable_field_keeps_it_through_the_store(store: Store) -> None:
    # The API reference's own example: "message-timestamp": {} (an object, not a date).
    body = {"msisdn": "1", "to": "2", "messageId": "u1", "type": "text", "text": "a€",
            "message-timestamp": {}, "concat": "true", "concat-ref": "9", "concat-total": "2",
            "concat-part": "1"}  # fmt: skip
    sent = parse_inbound(json.dumps(body))
    assert sent.unreadable == ("message-timestamp",)
    r = Reassembler(store=store)
    r.add(sent)
    ((got,),) = r.flush()
    assert got == sent
    assert got.unreadable == sent.unreadable
    assert got.raw == sent.raw
    assert got.raw.nested == frozenset({"message-timestamp"})


def test_binary_parts_over_each_store(store: Store) -> None:
    r = Reassembler(store=store)
    assert r.add(binary(2)) is None
    whole = r.add(binary(1))
    assert whole is not None
    assert whole.data == bytes.fromhex("00ff" * 10 + "01" + "00ff" * 10 + "02")
    assert whole.udh == bytes.fromhex("0605040B8423F0")


def test_text_and_binary_mix_is_refused(store: Store) -> None:
    r = Reassembler(store=store)
    r.add(parse_inbound({"msisdn": "1", "to": "2", "messageId": "t", "type": "text", "text": "a",
                         "concat-ref": "204", "concat-total": "2", "concat-part": "1"}))  # fmt: skip
    with pytest.raises(WebhookError, match="its other parts are text") as info:
        r.add(parse_inbound({"msisdn": "1", "to": "2", "messageId": "b", "type": "binary", "data": "00",
                             "udh": "050003CC0202"}))  # fmt: skip
    assert info.value.field == "type"
    assert r.pending == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.permutations(range(1, 6)),
    repeats=st.lists(st.integers(1, 5), max_size=6),
    rnd=st.randoms(use_true_random=False),
)
def test_any_order_with_duplicates_completes_once_over_each_store(
    store_factory: Callable[[], Store], order: list[int], repeats: list[int], rnd: random.Random
) -> None:
    # One namespace per example: the store (a file, a server) outlives the examples.
    namespace = f"h{uuid.uuid4().hex[:10]}"
    texts = [f"<{n}é>" for n in range(1, 6)]
    feed = list(order)
    for extra in repeats:
        feed.insert(rnd.randrange(len(feed) + 1), extra)
    # Two workers take turns, each through its own store object.
    views = [Reassembler(store=store_factory(), namespace=namespace) for _ in range(2)]
    results = [views[i % 2].add_part(message(n, 5, texts[n - 1])) for i, n in enumerate(feed)]
    complete = [r for r in results if r.status is PartStatus.COMPLETE]
    assert len(complete) == 1
    last_new = max(feed.index(n) for n in range(1, 6))
    assert results[last_new] is complete[0]
    assert complete[0].message is not None
    assert complete[0].message.text == "".join(texts)
    for index, result in enumerate(results):
        if index != last_new:
            first = feed.index(feed[index]) == index
            assert result.status is (PartStatus.PENDING if first else PartStatus.DUPLICATE)
    assert views[0].pending == 0


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.permutations(range(1, 5)),
    repeats=st.lists(st.integers(1, 4), max_size=8),
    confirm_at=st.integers(0, 12),
    rnd=st.randoms(use_true_random=False),
)
def test_confirm_mode_hands_out_until_confirmed_over_each_store(
    store_factory: Callable[[], Store],
    order: list[int],
    repeats: list[int],
    confirm_at: int,
    rnd: random.Random,
) -> None:
    namespace = f"h{uuid.uuid4().hex[:10]}"
    texts = [f"<{n}ß>" for n in range(1, 5)]
    feed = list(order)
    for extra in repeats:
        feed.insert(rnd.randrange(len(feed) + 1), extra)
    views = [Reassembler(store=store_factory(), namespace=namespace, confirm=True) for _ in range(2)]
    last_new = max(feed.index(n) for n in range(1, 5))
    token = None
    confirmed_at = None
    for index, n in enumerate(feed):
        # Confirm (through the other worker) once the message completed, before this part.
        if token is not None and confirmed_at is None and index >= confirm_at:
            assert views[(index + 1) % 2].confirm(token) is True
            confirmed_at = index
        result = views[index % 2].add_part(message(n, 4, texts[n - 1]))
        if index < last_new:
            first = feed.index(n) == index
            assert result.status is (PartStatus.PENDING if first else PartStatus.DUPLICATE)
        elif index == last_new:
            assert result.status is PartStatus.COMPLETE
            token = result.token
        elif confirmed_at is None:
            assert result.status is PartStatus.REDELIVERED  # not confirmed: every retry
            assert result.token == token
        else:
            assert result.status is PartStatus.DUPLICATE  # confirmed: never again
        if result.message is not None:
            assert result.message.text == "".join(texts)
    left = views[1].unconfirmed(0)
    if confirmed_at is not None:
        assert (views[0].outbox, left) == (0, [])
    else:
        assert views[0].outbox == 1
        assert [(r.token, r.message.text if r.message else None) for r in left] == [(token, "".join(texts))]


def message(number: int, total: int, text: str, *, ref: str = "42") -> InboundMessage:
    return InboundMessage(
        msisdn="447700900001",
        to="447700900000",
        message_id=f"{ref}-{number}",
        type=InboundType.TEXT,
        text=text,
        concat=ConcatInfo(reference=ref, total=total, part=number),
    )


_text = st.text(st.characters(codec="utf-8"), max_size=30)  # any character but surrogates


@settings(max_examples=200, deadline=None)
@given(
    text=_text,
    keyword=st.none() | _text,
    stamp=st.none() | st.datetimes(timezones=st.just(timezone.utc)),
    timestamp=st.none() | st.integers(0, 2**40),
    extra=st.lists(st.tuples(_text, _text), max_size=3),
    raw=st.dictionaries(_text, _text, max_size=4),
    total=st.integers(2, 255),
    data=st.data(),
)
def test_the_store_codec_round_trips_any_inbound_part(
    text: str,
    keyword: str | None,
    stamp: datetime | None,
    timestamp: int | None,
    extra: list[tuple[str, str]],
    raw: dict[str, str],
    total: int,
    data: st.DataObject,
) -> None:
    from smscodec.vonage._codec import Codec

    codec = Codec(InboundMessage)
    sent = InboundMessage(
        msisdn="447700900001",
        to="447700900000",
        message_id="id",
        type=InboundType.UNICODE,
        text=text,
        keyword=keyword,
        message_timestamp=stamp,
        timestamp=timestamp,
        sig="ab" * 16,
        concat=ConcatInfo(reference="ref", total=total, part=data.draw(st.integers(1, total))),
        extra=tuple(sorted(extra)),
        raw=RawFields(raw),
    )
    back = codec.loads(codec.dumps(sent))
    assert back == sent
    assert back.raw == sent.raw
    # ASCII JSON: a shared store never sees raw non-ASCII or control bytes.
    assert codec.dumps(sent).isascii()


@pytest.mark.parametrize(
    "record",
    [
        b"not json",
        b"\xff\xfe",
        b'{"c": "InboundMessage", "f": {"msisdn": 5}}',
        b'{"c": "Popen", "f": {}}',
        b'{"e": "InboundType", "v": "carrier-pigeon"}',
        b'{"zz": 1}',
        b'{"d": "not a number"}',
        b'{"b": "***"}',
        b"[" * 100_000,
    ],
)
def test_the_store_codec_refuses_what_it_did_not_write(record: bytes) -> None:
    from smscodec.vonage._codec import Codec, CodecError

    with pytest.raises(CodecError):
        Codec(InboundMessage).loads(record)


def test_two_workers_over_one_store(store_factory: Callable[[], Store]) -> None:
    a, b = Reassembler(store=store_factory()), Reassembler(store=store_factory())
    assert a.add(inbound(1)) is None
    assert b.add(inbound(3)) is None
    assert b.add(inbound(1)) is None  # worker b sees worker a's copy: a duplicate
    whole = a.add(inbound(2))
    assert whole is not None
    assert whole.text == "".join(TEXTS)
    assert b.add(inbound(2)) is None  # the retry reaches the other worker: still once
    assert a.pending == b.pending == 0


def test_expire_and_flush_with_a_common_clock(store: Store) -> None:
    now = [1_700_000_000.0]
    r = Reassembler(store=store, timeout=60, clock=lambda: now[0])
    r.add(inbound(1, reference="old"))
    now[0] += 30
    r.add(inbound(1, reference="young"))
    now[0] += 30
    assert r.expire() == []  # exactly 60 s: not yet older than the timeout
    now[0] += 0.5
    assert [[m.concat.reference for m in g] for g in r.expire()] == [["old"]]  # type: ignore[union-attr]
    assert [[m.concat.reference for m in g] for g in r.flush()] == [["young"]]  # type: ignore[union-attr]
    assert r.pending == 0


def test_shared_stores_default_to_the_wall_clock(store: Store) -> None:
    r = Reassembler(store=store, timeout=1)
    r.add(inbound(1))
    if store.shared:
        assert r.clock is time.time
    else:
        assert r.clock is time.monotonic


def test_memory_store_proof_with_threads() -> None:
    """The in-process store under 4 threads: the same feed as the process proof."""
    r = Reassembler(max_pending=100_000)
    done: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def work(w: int) -> None:
        for batch in workers.batches(workers_messages(), 7, w):
            for (m, _k), result in zip(
                batch, r.add_parts([workers.part(m, k) for m, k in batch]), strict=True
            ):
                if result.status is PartStatus.COMPLETE:
                    assert result.message is not None
                    with lock:
                        done.append((m, result.message.text))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers.WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(m for m, _ in done) == list(range(workers_messages()))
    assert all(text == workers.expected(m) for m, text in done)
    assert r.pending == 0


def workers_messages() -> int:
    return 10_000


# --- the proof: several processes, one shared store ------------------------------------


def _spawn(
    store: Store,
    worker: int,
    start: int,
    log: Path,
    go: Path,
    seed: int,
    *,
    confirm: bool = False,
    sweep: bool = False,
) -> BaseProcess:
    ctx = multiprocessing.get_context("spawn")
    process = ctx.Process(
        target=workers.run,
        args=(store, workers_messages(), seed, worker, start, str(log), str(go), confirm, sweep),
        daemon=True,
    )
    process.start()
    return process


def _records(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    text = log.read_text(encoding="utf-8")
    # Every record is one line ending in a newline, so only the last line can be partial: a
    # read that caught the writer mid-write, or a write that SIGKILL cut short.  It is left
    # out (its step then counts as not done); any other unreadable line fails the test.
    lines = text.split("\n")
    return [json.loads(line) for line in lines[:-1]]


def _join(processes: list[BaseProcess], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    for process in processes:
        process.join(max(0.1, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            pytest.fail("a worker process hung")
        assert process.exitcode == 0, f"a worker failed with exit code {process.exitcode}"


SHARED = [pytest.param("sqlite", id="sqlite"), pytest.param("redis", id="redis")]


@pytest.mark.parametrize("store_kind", SHARED)
def test_four_processes_complete_every_message_exactly_once(
    store_factory: Callable[[], Store], tmp_path: Path
) -> None:
    store = store_factory()
    go = tmp_path / "go"
    logs = [tmp_path / f"worker{w}.log" for w in range(workers.WORKERS)]
    processes = [_spawn(store, w, 0, logs[w], go, seed=11) for w in range(workers.WORKERS)]
    go.touch()
    _join(processes)
    completed: dict[int, tuple[str, list[str]]] = {}
    for log in logs:
        for record in _records(log):
            for m, text, ids in record.get("done", []):  # type: ignore[attr-defined]
                assert m not in completed, f"message {m} completed twice"
                completed[m] = (text, ids)
    assert sorted(completed) == list(range(workers_messages()))  # nothing lost
    for m, (text, ids) in completed.items():
        assert text == workers.expected(m)
        assert ids == [f"{m}-{k}" for k in range(1, workers.total_of(m) + 1)]
    stats = Reassembler(store=store)
    assert (stats.pending, stats.evicted, stats.discarded) == (0, 0, 0)


@pytest.mark.parametrize("store_kind", SHARED)
def test_a_worker_killed_half_way_loses_nothing_with_confirm(
    store_factory: Callable[[], Store], tmp_path: Path
) -> None:
    """At-least-once delivery (``confirm=True``) under a SIGKILL: zero messages lost, and
    none handed out again once confirmed.  Without ``confirm`` the same kill loses the
    messages the worker completed and had not handled yet (the store commits a completion
    before the caller sees it): test_a_completion_the_caller_never_saw_* below."""
    store = store_factory()
    go = tmp_path / "go"
    logs = [tmp_path / f"worker{w}.log" for w in range(workers.WORKERS)]
    processes = [_spawn(store, w, 0, logs[w], go, seed=12, confirm=True) for w in range(workers.WORKERS)]
    go.touch()
    work = workers.batches(workers_messages(), 12, 0)
    # SIGKILL worker 0 once it is half way through its batches, wherever it is: inside a
    # store transaction, between the completion of messages and their confirmation, or
    # between a confirmation and the line that reports it.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        feeding = [r["feeding"] for r in _records(logs[0]) if "feeding" in r]
        if feeding and int(feeding[-1]) >= len(work) // 2:  # type: ignore[call-overload]
            break
        time.sleep(0.01)
    os.kill(processes[0].pid, signal.SIGKILL)  # type: ignore[arg-type]
    processes[0].join(30)
    assert processes[0].exitcode == -signal.SIGKILL
    # A record the kill cut short is dropped before the restarted worker appends to the log.
    data = logs[0].read_bytes()
    logs[0].write_bytes(data[: data.rfind(b"\n") + 1])
    records = _records(logs[0])
    in_flight = max(int(r["feeding"]) for r in records if "feeding" in r)  # type: ignore[call-overload]
    finished = {r["batch"] for r in records if "batch" in r}
    assert in_flight >= len(work) // 2
    # Restart it: it first recovers what nobody confirmed (its own dead work, and whatever
    # the live workers are handling right now: at least once allows that), then goes on
    # from the batch it was feeding, whose webhooks it never answered (Vonage sends them
    # again); everything before was received and answered.
    restarted = _spawn(
        store, 0, in_flight + (in_flight in finished), logs[0], go, seed=12, confirm=True, sweep=True
    )
    _join([*processes[1:], restarted])
    # And a last sweep once every worker is done, as any worker would run now and then.
    r = Reassembler(store=store, max_pending=100_000, confirm=True)
    t0 = time.time()
    leftover = r.unconfirmed(0, limit=workers_messages())
    leftover_ok = r.confirm_many(leftover)
    t1 = time.time()

    handed: dict[int, list[float]] = {}  # message -> when each hand-out's call began
    confirmed: dict[int, list[float]] = {}  # message -> when each successful confirm ended
    for log in logs:
        for record in _records(log):
            for m, text, ids in record.get("done", []):  # type: ignore[attr-defined]
                assert text == workers.expected(m)
                assert ids == [f"{m}-{k}" for k in range(1, workers.total_of(m) + 1)]
                handed.setdefault(m, []).append(float(record["t0"]))  # type: ignore[arg-type]
            for m in record.get("ok", []):  # type: ignore[attr-defined]
                confirmed.setdefault(m, []).append(float(record["t1"]))  # type: ignore[arg-type]
    for result, ok in zip(leftover, leftover_ok, strict=True):
        assert result.status is PartStatus.REDELIVERED
        assert result.message is not None
        m = workers.message_of(result.message)
        assert result.message.text == workers.expected(m)
        handed.setdefault(m, []).append(t0)
        assert ok
        confirmed.setdefault(m, []).append(t1)
    # Zero lost: every message was handed out, whole and right, at least once.
    assert sorted(handed) == list(range(workers_messages()))
    # Confirmed exactly once (a confirmation the kill cut off before its log line left no
    # line: at most once in the logs), and never handed out after its confirmation: a
    # hand-out whose call began after a confirmation had returned would be one.
    for m, times in confirmed.items():
        assert len(times) == 1, f"message {m} confirmed {len(times)} times"
        assert max(handed[m]) < times[0], f"message {m} handed out after its confirmation"
    # Nothing left anywhere: nothing pending (a lost part would leave its message pending
    # for ever), evicted, discarded or unconfirmed; and a retry of any part is a duplicate.
    assert (r.pending, r.evicted, r.discarded, r.outbox, r.outbox_bytes) == (0, 0, 0, 0, 0)
    assert r.unconfirmed(0) == []
    retries = r.add_parts([workers.part(m, 1) for m in range(0, workers_messages(), 97)])
    assert {result.status for result in retries} == {PartStatus.DUPLICATE}


# --- SQLite specifics -------------------------------------------------------------------


def test_sqlite_store_pickles_as_its_path(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db", timeout=5) as first:
        first.put("t", "k", b"v", 60)
        again = pickle.loads(pickle.dumps(first))
        assert again.get("t", "k") == b"v"
        again.close()


def test_sqlite_store_is_in_wal_mode_and_checks_its_schema(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    with SQLiteStore(path, durable=True) as durable:
        # synchronous=FULL (2) on its connection: an fsync per commit.
        assert durable._connection().execute("PRAGMA synchronous").fetchone()[0] == 2
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.execute("PRAGMA user_version=99")
    with pytest.raises(StoreError, match="schema 99"):
        SQLiteStore(path)


def test_workers_opening_a_new_sqlite_file_together(tmp_path: Path) -> None:
    # Switching a new file to WAL fails at once ("locked") while another connection sets
    # it up; the store retries instead of failing a worker that starts with the others.
    errors: list[BaseException] = []

    def open_and_claim(path: Path) -> None:
        try:
            with SQLiteStore(path) as store:
                store.claim("replay", "k", 60)
        except BaseException as exc:  # collected: an exception in a thread is otherwise lost
            errors.append(exc)

    for trial in range(25):
        path = tmp_path / f"new{trial}.db"
        threads = [threading.Thread(target=open_and_claim, args=(path,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with SQLiteStore(path) as store:
            assert store.claim("replay", "k", 60) is False  # exactly one of the four won
    assert errors == []


def test_a_version_1_sqlite_file_gains_the_outbox(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with SQLiteStore(path) as store:
        store.claim("replay", "kept", 60)
    with sqlite3.connect(path) as conn:  # as the first 0.2 development version left it
        for table in ("outbox", "outmember", "ostat"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("PRAGMA user_version=1")
    with SQLiteStore(path) as store:
        assert store.claim("replay", "kept", 60) is False  # its data stays
        r = Reassembler(store=store, confirm=True)
        for n in (1, 2, 3):
            r.add(inbound(n))
        assert r.outbox == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2


def test_sqlite_store_errors_are_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open"):
        SQLiteStore(tmp_path / "no" / "such" / "dir.db")
    path = tmp_path / "s.db"
    store = SQLiteStore(path, timeout=0.2)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StoreError, match="locked") as info:
            store.claim("replay", "k", 60)
        assert isinstance(info.value.__cause__, sqlite3.OperationalError)
        assert isinstance(info.value, SmsCodecError)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.claim("replay", "k", 60)  # nothing half-done was left behind
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.claim("replay", "k", 60)


def test_sqlite_store_reconnects_after_fork(tmp_path: Path) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    store = SQLiteStore(tmp_path / "s.db")
    store.claim("replay", "parent", 60)
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_fork_child, args=(store, queue))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == [False, True]
    assert store.claim("replay", "child", 60) is False  # the child's commit is seen here
    store.close()


def _fork_child(store: SQLiteStore, queue: multiprocessing.Queue[list[bool]]) -> None:
    queue.put([store.claim("replay", "parent", 60), store.claim("replay", "child", 60)])


def test_corrupt_records_are_store_errors(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    r = Reassembler(store=store, max_pending=1)
    r.add(inbound(1))
    with sqlite3.connect(tmp_path / "s.db") as conn:
        conn.execute("UPDATE part SET value = ?", (b'{"c":"os.system","f":{}}',))
    r.add(inbound(1, reference="next"))  # evicts the tampered part
    with pytest.raises(StoreError, match="unknown type"):
        r.expire()
    store.close()


# --- Redis specifics --------------------------------------------------------------------


def test_redis_store_from_a_client_and_pickling(redis_server: object) -> None:
    import redis

    url = redis_server.url  # type: ignore[attr-defined]
    client = redis.Redis.from_url(url)
    try:
        from_client = RedisStore(client, prefix="pickling")
        assert from_client.claim("replay", "k", 60)
        with pytest.raises(TypeError, match="from a URL"):
            pickle.dumps(from_client)
        from_url = pickle.loads(pickle.dumps(RedisStore(url, prefix="pickling")))
        assert from_url.claim("replay", "k", 60) is False
        from_url.close()
        # Key TTLs do the expiry: the claim's key carries one.
        assert 0 < client.pttl("pickling:{replay}:k:k") <= 60_000
    finally:
        client.close()


def test_redis_store_errors_are_store_errors() -> None:
    from _servers import free_port

    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    with pytest.raises(StoreError, match="ConnectionError") as info:
        store.claim("replay", "k", 60)
    assert isinstance(info.value, SmsCodecError)
    with pytest.raises(TypeError, match=r"URL or a redis\.Redis client"):
        RedisStore(42)
    with pytest.raises(ArgumentError, match="prefix"):
        RedisStore("redis://127.0.0.1:1/0", prefix="a{b}")
