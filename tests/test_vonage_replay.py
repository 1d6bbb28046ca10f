"""ReplayGuard: a signature is accepted once, for as long as a copy could pass the time check,
over the in-memory store (threads) and a SQLite file shared by processes; a claim given
back (the handler failed) lets Vonage's retry of the webhook through."""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import pathlib
import threading
import urllib.parse
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec.errors import ArgumentError, StoreError, WebhookError, WebhookVerificationError
from smscodec.signing import sign
from smscodec.vonage import ReplayGuard, check_webhook
from smscodec.vonage.stores import MemoryStore, SQLiteStore, Store

SIG = "3F7A" * 16  # an upper-case SHA-256 HMAC, as Vonage sends them


class RecordingStore:
    """A store that keeps its claims in a dict and shows what it was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, float]] = []
        self.keys: set[tuple[str, str]] = set()

    def claim(self, namespace: str, key: str, ttl: float) -> bool:
        self.calls.append((namespace, key, ttl))
        if (namespace, key) in self.keys:
            return False
        self.keys.add((namespace, key))
        return True


class BrokenStore:
    def claim(self, namespace: str, key: str, ttl: float) -> bool:
        raise ConnectionError("the store is down")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_defaults() -> None:
    guard = ReplayGuard()
    assert isinstance(guard.store, MemoryStore)
    assert guard.ttl is None
    assert guard.margin == 60.0
    assert guard.namespace == "replay"


def test_first_use_then_replay() -> None:
    guard = ReplayGuard()
    assert guard.claim(SIG, 10) is True
    assert guard.claim(SIG, 10) is False
    # Hex case is not significant: the check ignores it, so must the guard.
    assert guard.claim(SIG.lower(), 10) is False
    assert guard.claim("0" * 64, 10) is True


def test_only_a_digest_of_the_signature_is_stored() -> None:
    store = RecordingStore()
    guard = ReplayGuard(store, namespace="acct-1")
    guard.claim(SIG, 42.5)
    ((namespace, key, ttl),) = store.calls
    assert namespace == "acct-1"
    assert ttl == 42.5
    assert key == hashlib.sha256(SIG.lower().encode()).hexdigest()[:32]
    assert SIG.lower() not in key
    assert SIG not in key


def test_namespaces_keep_guards_apart() -> None:
    store = MemoryStore()
    first, second = ReplayGuard(store, namespace="a"), ReplayGuard(store, namespace="b")
    assert first.claim(SIG, 10) is True
    assert second.claim(SIG, 10) is True
    assert ReplayGuard(store, namespace="a").claim(SIG, 10) is False


def test_a_claim_expires_after_its_ttl() -> None:
    clock = Clock()
    guard = ReplayGuard(MemoryStore(clock=clock))
    assert guard.claim(SIG, 5) is True
    clock.now = 4.9
    assert guard.claim(SIG, 5) is False
    clock.now = 5.0
    assert guard.claim(SIG, 5) is True


@pytest.mark.parametrize(
    ("timestamp", "max_age", "now", "expected"),
    [
        (1000, 300, 1000, 360.0),  # accepted as sent: max_age left, plus the margin
        (1000, 300, 1200, 160.0),
        (1000, 300, 800, 560.0),  # stamped 200 s in the future (clock skew)
        (1000, 300, 1300, 60.0),  # at the edge: the margin only
        (1000, 300, 5000, 60.0),  # never less than the margin
        (1000, 0, 1000, 60.0),
        (1000, 2.5, 1000.5, 62.0),
    ],
)
def test_ttl_follows_max_age(timestamp: int, max_age: float, now: float, expected: float) -> None:
    assert ReplayGuard().ttl_for(timestamp, max_age, now) == pytest.approx(expected)


def test_fixed_ttl_and_margin() -> None:
    assert ReplayGuard(ttl=7).ttl_for(1000, 300, 1000) == 7.0
    assert ReplayGuard(ttl=7).ttl_for(None, None, 1000) == 7.0
    assert ReplayGuard(margin=0).ttl_for(1000, 300, 1100) == 200.0


def test_no_window_no_fixed_ttl() -> None:
    guard = ReplayGuard()
    for max_age in (None, math.inf):
        with pytest.raises(ArgumentError) as info:
            guard.check_window(max_age)
        assert info.value.argument == "max_age"
        with pytest.raises(ArgumentError):
            guard.ttl_for(1000, max_age, 1000)
    with pytest.raises(ArgumentError) as info:
        guard.ttl_for(None, 300, 1000)
    assert info.value.argument == "timestamp"
    ReplayGuard(ttl=1).check_window(None)


@pytest.mark.parametrize("ttl", [0, -1, math.nan, math.inf, 10**400])
def test_bad_ttl(ttl: float) -> None:
    with pytest.raises(ArgumentError) as info:
        ReplayGuard(ttl=ttl)
    assert info.value.argument == "ttl"
    with pytest.raises(ArgumentError):
        ReplayGuard().claim(SIG, ttl)


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="ttl"):
        ReplayGuard(ttl=True)
    with pytest.raises(TypeError, match="ttl"):
        ReplayGuard(ttl="60")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError):
        ReplayGuard(margin=-1)
    with pytest.raises(ArgumentError):
        ReplayGuard(margin=math.inf)
    assert ReplayGuard(margin=0).margin == 0
    with pytest.raises(ArgumentError):
        ReplayGuard(namespace="")
    with pytest.raises(TypeError, match="namespace"):
        ReplayGuard(namespace=b"replay")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="claim"):
        ReplayGuard(store=object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="signature"):
        ReplayGuard().claim(b"00", 1)  # type: ignore[arg-type]


def test_store_errors_are_not_first_use() -> None:
    # A store that cannot answer must never read as "this signature is new".
    guard = ReplayGuard(BrokenStore())  # type: ignore[arg-type]
    with pytest.raises(ConnectionError):
        guard.claim(SIG, 1)


def test_repr_shows_no_signature() -> None:
    guard = ReplayGuard(ttl=30)
    guard.claim(SIG, 30)
    text = repr(guard)
    assert text == "ReplayGuard(store=MemoryStore(), ttl=30.0, margin=60.0, namespace='replay')"
    assert SIG not in text
    assert SIG.lower() not in text


def test_threads_claim_exactly_once() -> None:
    guard = ReplayGuard()
    results: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for number in range(200):
            outcome = guard.claim(f"{number:064x}", 60)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 200
    assert results.count(False) == 7 * 200


def _claim_in_process(path: str, signatures: list[str], queue: Any) -> None:
    guard = ReplayGuard(SQLiteStore(path))
    queue.put([sig for sig in signatures if guard.claim(sig, 60)])


def test_processes_sharing_a_sqlite_store_claim_exactly_once(tmp_path: pathlib.Path) -> None:
    # Four worker processes get the same 50 webhooks: each signature is accepted by one.
    path = str(tmp_path / "replay.db")
    signatures = [f"{number:064X}" for number in range(50)]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_claim_in_process, args=(path, signatures[k:] + signatures[:k], queue))
        for k in (0, 13, 26, 39)
    ]
    for worker in workers:
        worker.start()
    won = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    accepted = [sig for batch in won for sig in batch]
    assert sorted(accepted) == sorted(signatures)


@given(st.lists(st.sampled_from([SIG, SIG.lower(), "ab" * 32, "AB" * 32, "cd" * 16]), max_size=20))
def test_each_signature_is_new_once(signatures: list[str]) -> None:
    guard = ReplayGuard()
    seen: set[str] = set()
    for sig in signatures:
        assert guard.claim(sig, 60) is (sig.lower() not in seen)
        seen.add(sig.lower())


# --- giving a claim back ------------------------------------------------------------------

SECRET = "replay-test-secret"


def _signed_webhook(now: int) -> dict[str, str]:
    fields = {
        "msisdn": "447700900001",
        "to": "447700900000",
        "messageId": "0A0000000123ABCD",
        "text": "Hello & welcome = yes",
        "type": "text",
        "timestamp": str(now),
        "nonce": "5f2c",
    }
    fields["sig"] = sign(fields, SECRET, "sha256").upper()
    return fields


def _reason(guard: ReplayGuard, data: Any, now: int) -> str:
    try:
        check_webhook(data, SECRET, "sha256", replay_guard=guard, now=now)
    except WebhookVerificationError as exc:
        return exc.reason
    return "accepted"


def test_forget_gives_a_claim_back() -> None:
    guard = ReplayGuard()
    assert guard.forget(SIG) is False  # never claimed
    assert guard.claim(SIG, 10) is True
    assert guard.forget(SIG.lower()) is True  # the same signature, whatever the hex case
    assert guard.claim(SIG, 10) is True  # first again
    assert guard.claim(SIG, 10) is False
    assert ReplayGuard(guard.store, namespace="other").forget(SIG) is False
    assert guard.claim(SIG, 10) is False


def test_forget_of_an_expired_claim() -> None:
    clock = Clock()
    guard = ReplayGuard(MemoryStore(clock=clock))
    guard.claim(SIG, 5)
    clock.now = 5.0
    assert guard.forget(SIG) is False
    assert guard.claim(SIG, 5) is True


def test_claim_process_release_then_the_retry_is_accepted(store: Store) -> None:
    # The receiver's pattern over each store, a webhook in every shape check_webhook takes:
    # claim (check_webhook), the handler fails, release, and Vonage's retry (the same
    # fields, the same signature) is accepted once more, not "replayed".
    guard = ReplayGuard(store)
    now = 1_700_000_000
    fields = _signed_webhook(now)
    shapes: list[Any] = [
        fields,
        urllib.parse.urlencode(fields),
        urllib.parse.urlencode(fields).encode(),
        json.dumps(fields).encode(),
    ]
    for data in shapes:
        assert _reason(guard, data, now) == "accepted"
        assert _reason(guard, data, now + 1) == "replayed"
        assert guard.release(data) is True  # the handler failed
        assert _reason(guard, data, now + 2) == "accepted"  # the retry
        assert _reason(guard, data, now + 3) == "replayed"  # handled this time: copies refused
        assert guard.release(data) is True
    assert guard.release(fields) is False  # nothing claimed now
    # A body in one shape releases the claim made with another: one signature.
    assert _reason(guard, shapes[1], now) == "accepted"
    assert guard.release(shapes[3]) is True
    assert _reason(guard, shapes[0], now) == "accepted"


def test_release_without_a_signature_or_a_readable_body() -> None:
    guard = ReplayGuard()
    assert guard.release({"msisdn": "1", "to": "2"}) is False
    assert guard.release({"sig": ""}) is False
    assert guard.release("") is False
    with pytest.raises(WebhookError):
        guard.release(b"\xff\xfe")
    with pytest.raises(TypeError):
        guard.release(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="signature"):
        guard.forget(b"00")  # type: ignore[arg-type]


def test_a_store_that_cannot_give_claims_back() -> None:
    guard = ReplayGuard(RecordingStore())  # type: ignore[arg-type]
    assert guard.claim(SIG, 1) is True
    with pytest.raises(TypeError, match="cannot give claims back"):
        guard.forget(SIG)
    assert guard.claim(SIG, 1) is False  # the claim stays


def test_release_errors_of_the_store_propagate() -> None:
    class Down(RecordingStore):
        def unclaim(self, namespace: str, key: str) -> bool:
            raise StoreError("the store is down")

    guard = ReplayGuard(Down())  # type: ignore[arg-type]
    guard.claim(SIG, 1)
    with pytest.raises(StoreError, match="down"):
        guard.release({"sig": SIG})


def _claim_release_in_process(path: str, signatures: list[str], queue: Any) -> None:
    guard = ReplayGuard(SQLiteStore(path))
    queue.put([sig for sig in signatures if guard.forget(sig)])


def test_a_claim_given_back_in_one_process_is_free_in_another(tmp_path: pathlib.Path) -> None:
    path = str(tmp_path / "replay.db")
    guard = ReplayGuard(SQLiteStore(path))
    signatures = [f"{number:064X}" for number in range(5)]
    for sig in signatures:
        guard.claim(sig, 60)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    worker = context.Process(target=_claim_release_in_process, args=(path, signatures[:3], queue))
    worker.start()
    assert queue.get(timeout=120) == signatures[:3]
    worker.join(timeout=120)
    assert worker.exitcode == 0
    assert [guard.claim(sig, 60) for sig in signatures] == [True, True, True, False, False]
