"""The webhook receivers in examples/ (Flask and Starlette), run as real servers.

Each example runs in two server processes (``flask run``, ``uvicorn``) on 127.0.0.1 that
share one SQLite file, as the workers of one host would; the tests send them real HTTP
requests signed the way Vonage signs webhooks ("Signing Messages": ``sig`` over every other
field, HMAC digests in upper case) and read the shared store back.  The frameworks are the
``examples`` extra: without them these tests skip, except under CI (``CI`` set), where they
fail.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import pathlib
import random
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from smscodec import signing
from smscodec.vonage import DeliveryState, DeliveryTracker, SQLiteStore, parse_send_response

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"
SECRET = "example-receiver-test-secret"
# Not Vonage's default (md5hash): the examples must take the method from the environment.
METHOD = "sha256"
INBOUND = "/webhooks/inbound"
RECEIPT = "/webhooks/delivery-receipt"
STARTUP_TIMEOUT = 20.0
REQUEST_TIMEOUT = 10.0

# What each example needs, and how to start one server process of it on a port.
FRAMEWORKS: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "flask": (
        ("flask",),
        [
            "-m",
            "flask",
            "--app",
            str(EXAMPLES / "receiver_flask.py"),
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
            "--no-reload",
            "--no-debugger",
        ],
    ),
    "starlette": (
        ("starlette", "uvicorn"),
        [
            "-m",
            "uvicorn",
            "--app-dir",
            str(EXAMPLES),
            "receiver_starlette:app",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ],
    ),
}

# Loopback only, and never through a proxy that the environment may name.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """One server process of an example."""

    process: subprocess.Popen[bytes]
    url: str
    log: pathlib.Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class Receiver:
    """Two server processes of one example sharing ``db``."""

    name: str
    servers: list[Server]
    db: pathlib.Path
    signatures: list[str] = field(default_factory=list)

    def inbox(self) -> list[dict[str, Any]]:
        """What the example's ``keep`` wrote to the shared store, oldest first."""
        kept = []
        with SQLiteStore(self.db) as store:
            for value in store.read("inbox", "messages"):
                assert isinstance(value, bytes)  # a shared store keeps bytes
                kept.append(json.loads(value))
        return kept


def _start(name: str, port: int, env: Mapping[str, str], log: pathlib.Path) -> Server:
    args = [sys.executable, *(a.format(port=port) for a in FRAMEWORKS[name][1])]
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, env=dict(env), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    return Server(process, f"http://127.0.0.1:{port}", log)


def _wait_until_up(server: Server) -> bool:
    """True once the server answers; False when it exited first."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            with _OPENER.open(server.url + "/", timeout=1.0):
                return True
        except urllib.error.HTTPError as exc:  # any answer (404 here) means it serves
            exc.close()
            return True
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"the server did not answer within {STARTUP_TIMEOUT:g} s:\n{server.output()}")


def _serve(name: str, env: Mapping[str, str], log: pathlib.Path, servers: list[Server]) -> None:
    """Start a server process on a free port (added to ``servers`` at once, so that it is
    always stopped) and wait until it answers.  A port that another program takes between
    its choice and the bind is replaced, twice at most."""
    for _ in range(3):
        server = _start(name, _free_port(), env, log)
        servers.append(server)
        if _wait_until_up(server):
            return
        if "in use" not in server.output().lower():
            break
    pytest.fail(f"the server exited with {server.process.returncode}:\n{server.output()}")


def _stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


@pytest.fixture(scope="module", params=sorted(FRAMEWORKS))
def receiver(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    name: str = request.param
    missing = [module for module in FRAMEWORKS[name][0] if importlib.util.find_spec(module) is None]
    if missing:
        reason = f"the {name} example needs {', '.join(missing)}: pip install '.[examples]'"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp(name)
    env = {
        **os.environ,
        "VONAGE_SIGNATURE_SECRET": SECRET,
        "VONAGE_SIGNATURE_METHOD": METHOD,
        "SMS_STATE_DB": str(tmp / "state.db"),
        "PYTHONUNBUFFERED": "1",
    }
    servers: list[Server] = []
    try:
        for number in range(2):
            _serve(name, env, tmp / f"server{number}.log", servers)
        yield Receiver(name, [s for s in servers if s.process.poll() is None], tmp / "state.db")
    finally:
        for server in servers:
            _stop(server)


# --- webhooks as Vonage sends them ---------------------------------------------------------


def signed(fields: Mapping[str, str], *, age: float = 0.0) -> dict[str, str]:
    """``fields`` with ``timestamp``, ``nonce`` and ``sig`` added as Vonage adds them."""
    out = {**fields, "timestamp": str(int(time.time() - age)), "nonce": uuid.uuid4().hex}
    out["sig"] = signing.sign(out, SECRET, METHOD).upper()
    return out


def inbound_fields(text: str, **extra: str) -> dict[str, str]:
    return {
        "msisdn": "447700900001",
        "to": "447700900000",
        "messageId": uuid.uuid4().hex[:16].upper(),
        "text": text,
        "type": "unicode" if not text.isascii() else "text",
        "keyword": text.split()[0].upper() if text.split() else "",
        "message-timestamp": "2024-05-01 12:00:00",
        "api-key": "abcd1234",
        **extra,
    }


def call(
    receiver: Receiver, path: str, fields: Mapping[str, str], how: str = "form", *, server: int = 0
) -> tuple[int, dict[str, Any]]:
    """Send ``fields`` the way Vonage does for ``how`` (get, form or json); (status, JSON body)."""
    if "sig" in fields:
        receiver.signatures.append(fields["sig"])
    url = receiver.servers[server].url + path
    if how == "get":
        req = urllib.request.Request(url + "?" + urllib.parse.urlencode(fields), method="GET")
    elif how == "form":
        req = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(fields).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
    else:
        req = urllib.request.Request(
            url, data=json.dumps(fields).encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
    try:
        with _OPENER.open(req, timeout=REQUEST_TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with contextlib.closing(exc):
            return exc.code, json.loads(exc.read() or b"{}")


def messages_from(receiver: Receiver, ids: set[str]) -> list[dict[str, Any]]:
    """The kept messages that hold any of the parts ``ids``."""
    return [m for m in receiver.inbox() if set(m["parts"]) & ids]


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["get", "form", "json"])
def test_signed_inbound_message_is_accepted_and_kept(receiver: Receiver, how: str) -> None:
    text = "Grüße aus Köln – bis später €5 & more=less"
    fields = signed(inbound_fields(text))
    assert call(receiver, INBOUND, fields, how) == (200, {"status": "complete"})
    assert messages_from(receiver, {fields["messageId"]}) == [
        {
            "from": "447700900001",
            "to": "447700900000",
            "parts": [fields["messageId"]],
            "type": "unicode",
            "text": text,
            "data": None,
            "complete": True,
        }
    ]


@pytest.mark.parametrize("how", ["get", "form", "json"])
def test_tampered_inbound_message_is_refused(receiver: Receiver, how: str) -> None:
    fields = signed(inbound_fields("PAY 10 to Alice"))
    fields["text"] = "PAY 1000 to Mallory"
    assert call(receiver, INBOUND, fields, how) == (401, {"error": "bad_signature"})
    assert messages_from(receiver, {fields["messageId"]}) == []


def test_unsigned_and_stale_webhooks_are_refused(receiver: Receiver) -> None:
    fields = inbound_fields("hello")
    assert call(receiver, INBOUND, fields) == (401, {"error": "unsigned"})
    stale = signed(inbound_fields("hello"), age=3600)
    assert call(receiver, INBOUND, stale) == (401, {"error": "stale"})
    wrong_method = {**stale, "timestamp": str(int(time.time()))}
    wrong_method["sig"] = signing.sign(wrong_method, SECRET, "md5hash")
    assert call(receiver, INBOUND, wrong_method) == (401, {"error": "bad_signature"})
    assert call(receiver, INBOUND, {"not": "a webhook"}, "json") == (401, {"error": "unsigned"})
    assert call(receiver, RECEIPT, {"a=b": "1"}) == (400, {"error": "unreadable"})
    assert messages_from(receiver, {fields["messageId"], stale["messageId"]}) == []


def test_replayed_webhook_is_accepted_once_by_every_worker(receiver: Receiver) -> None:
    fields = signed(inbound_fields("only once"))
    assert call(receiver, INBOUND, fields, server=0) == (200, {"status": "complete"})
    assert call(receiver, INBOUND, fields, server=0) == (200, {"status": "replayed"})
    # The other process shares the store, so it knows the signature too, whatever the shape.
    assert call(receiver, INBOUND, fields, "json", server=1) == (200, {"status": "replayed"})
    # Upper or lower case hex is one signature: no way around the guard.
    lower = {**fields, "sig": fields["sig"].lower()}
    assert call(receiver, INBOUND, lower, "get", server=1) == (200, {"status": "replayed"})
    assert len(messages_from(receiver, {fields["messageId"]})) == 1


def _parts(text: str, total: int, reference: str) -> list[dict[str, str]]:
    size = -(-len(text) // total)
    return [
        inbound_fields(
            text[(n - 1) * size : n * size],
            concat="true",
            **{"concat-ref": reference, "concat-total": str(total), "concat-part": str(n)},
        )
        for n in range(1, total + 1)
    ]


def test_concatenated_message_completes_once_across_two_processes(receiver: Receiver) -> None:
    text = "Part one is here, part two follows it, and part three ends this long message."
    part1, part2, part3 = _parts(text, 3, reference=str(random.randrange(256)))
    ids = {part1["messageId"], part2["messageId"], part3["messageId"]}
    # Out of order, alternating between the two processes.
    assert call(receiver, INBOUND, signed(part3), "form", server=0) == (200, {"status": "pending"})
    assert call(receiver, INBOUND, signed(part1), "get", server=1) == (200, {"status": "pending"})
    # Vonage retrying part 1 (a new signature, the same messageId) changes nothing.
    assert call(receiver, INBOUND, signed(part1), "json", server=0) == (200, {"status": "duplicate"})
    assert messages_from(receiver, ids) == []
    assert call(receiver, INBOUND, signed(part2), "json", server=0) == (200, {"status": "complete"})
    # A retry after completion is a duplicate too, in either process.
    assert call(receiver, INBOUND, signed(part3), "form", server=1) == (200, {"status": "duplicate"})
    assert messages_from(receiver, ids) == [
        {
            "from": "447700900001",
            "to": "447700900000",
            "parts": [part1["messageId"], part2["messageId"], part3["messageId"]],
            "type": "text",
            "text": text,
            "data": None,
            "complete": True,
        }
    ]


def test_concurrent_parts_complete_each_message_exactly_once(receiver: Receiver) -> None:
    rng = random.Random(20240501)
    texts = [f"Message {n}: " + "abcdefghij" * (n + 3) for n in range(8)]
    messages = [_parts(text, 3, reference=str(rng.randrange(256))) for text in texts]
    for parts in messages:  # a phone per message, so that references never collide
        sender = str(447700910000 + rng.randrange(10_000))
        for part in parts:
            part["msisdn"] = sender
    # Every part twice (Vonage retries), shuffled, sent from 6 threads to both processes.
    jobs = [(part, n % 2) for parts in messages for part in parts for n in range(2)]
    rng.shuffle(jobs)
    with ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(lambda job: call(receiver, INBOUND, signed(job[0]), "form", server=job[1]), jobs)
        )
    assert {status for status, _ in answers} == {200}
    statuses = [body["status"] for _, body in answers]
    assert statuses.count("complete") == len(messages)
    assert statuses.count("pending") == 2 * len(messages)
    assert statuses.count("duplicate") == 3 * len(messages)
    for text, parts in zip(texts, messages, strict=True):
        ids = [part["messageId"] for part in parts]
        kept = messages_from(receiver, set(ids))
        assert [(m["text"], m["parts"]) for m in kept] == [(text, ids)]


@contextlib.contextmanager
def inbox_fails(receiver: Receiver) -> Iterator[None]:
    """While inside, writing to the example's inbox fails in every server process, as a
    full disk or a broken store would: a trigger in the shared SQLite file aborts the
    insert (the servers' own code is run unchanged; their StoreError is real)."""
    with contextlib.closing(sqlite3.connect(receiver.db, timeout=10, isolation_level=None)) as conn:
        conn.execute(
            "CREATE TRIGGER inbox_fails BEFORE INSERT ON log WHEN NEW.ns = 'inbox' "
            "BEGIN SELECT RAISE(ABORT, 'no space left (a test)'); END"
        )
        try:
            yield
        finally:
            conn.execute("DROP TRIGGER inbox_fails")


def test_a_failed_handler_gives_the_webhook_back_and_the_retry_is_accepted(receiver: Receiver) -> None:
    text = "The first half of a long message, and the second half that completes it."
    part1, part2 = _parts(text, 2, reference=str(random.randrange(256)))
    part1, part2 = signed(part1), signed(part2)
    single = signed(inbound_fields("a short one"))
    ids = {part1["messageId"], part2["messageId"], single["messageId"]}
    assert call(receiver, INBOUND, part1, "form", server=0) == (200, {"status": "pending"})
    with inbox_fails(receiver):
        # The handler fails after the signature was claimed and (for part 2) after the
        # store completed the message: 500, so that Vonage retries.
        assert call(receiver, INBOUND, part2, "json", server=0) == (500, {"error": "failed"})
        assert call(receiver, INBOUND, single, "get", server=1) == (500, {"error": "failed"})
    assert messages_from(receiver, ids) == []
    # Vonage's retries carry the same fields and signatures: accepted, not "replayed"; the
    # completed message is handed out again (REDELIVERED), in either process.
    assert call(receiver, INBOUND, part2, "form", server=1) == (200, {"status": "redelivered"})
    assert call(receiver, INBOUND, single, "json", server=0) == (200, {"status": "complete"})
    # Handled now: further copies are replays, and a new copy of a part a duplicate.
    assert call(receiver, INBOUND, part2, "get", server=0) == (200, {"status": "replayed"})
    assert call(receiver, INBOUND, single, "form", server=1) == (200, {"status": "replayed"})
    assert call(receiver, INBOUND, signed({**part2}), "form", server=1) == (200, {"status": "duplicate"})
    kept = messages_from(receiver, ids)
    assert [(m["text"], m["parts"]) for m in kept] == [
        (text, [part1["messageId"], part2["messageId"]]),
        ("a short one", [single["messageId"]]),
    ]
    time.sleep(0.2)  # the servers write their log lines as they answer
    logs = "".join(server.output() for server in receiver.servers)
    assert "its claim is given back" in logs
    for sig in (part1["sig"], part2["sig"], single["sig"]):
        assert sig.lower() not in logs.lower()
    for server in receiver.servers:
        assert server.process.poll() is None, "a server process died"


def test_delivery_receipts_are_tracked_across_processes(receiver: Receiver) -> None:
    first, second = uuid.uuid4().hex[:16], uuid.uuid4().hex[:16]
    send_response = json.dumps(
        {
            "message-count": "2",
            "messages": [
                {
                    "to": "447700900123",
                    "message-id": first,
                    "status": "0",
                    "remaining-balance": "9.9",
                    "message-price": "0.0333",
                    "network": "23410",
                },
                {
                    "to": "447700900123",
                    "message-id": second,
                    "status": "0",
                    "remaining-balance": "9.8",
                    "message-price": "0.0333",
                    "network": "23410",
                },
            ],
        }
    )
    # The sender registers the message in the store the receivers share.
    with SQLiteStore(receiver.db) as store:
        tracker = DeliveryTracker(parse_send_response(send_response), store=store)

        def receipt(message_id: str, status: str, price: str) -> dict[str, str]:
            return signed(
                {
                    "msisdn": "447700900123",
                    "to": "AcmeInc",
                    "network-code": "23410",
                    "messageId": message_id,
                    "price": price,
                    "status": status,
                    "err-code": "0",
                    "scts": "2405011200",
                    "message-timestamp": "2024-05-01 12:00:05",
                }
            )

        assert call(receiver, RECEIPT, receipt(first, "accepted", "0.0333"), "get", server=0) == (
            200,
            {"status": "accepted", "message_state": "pending"},
        )
        assert call(receiver, RECEIPT, receipt(first, "delivered", "0.0300"), "json", server=1) == (
            200,
            {"status": "delivered", "message_state": "pending"},
        )
        assert tracker.pending
        assert call(receiver, RECEIPT, receipt(second, "delivered", "0.0300"), "form", server=0) == (
            200,
            {"status": "delivered", "message_state": "delivered"},
        )
        assert tracker.state is DeliveryState.DELIVERED
        assert tracker.total_cost == Decimal("0.0600")

        # A status word the library does not know, for a message not registered yet: kept.
        early = uuid.uuid4().hex[:16]
        assert call(receiver, RECEIPT, receipt(early, "DELIVRD", "0.0333"), "form", server=1) == (
            200,
            {"status": "DELIVRD", "message_state": None},
        )
        late = parse_send_response(
            json.dumps(
                {
                    "message-count": "1",
                    "messages": [
                        {"to": "447700900123", "message-id": early, "status": "0", "message-price": "0.0333"}
                    ],
                }
            )
        )
        (part,) = DeliveryTracker(late, store=store).parts
        assert part.receipt is not None
        assert (part.receipt.status_word, part.receipt.status.value) == ("DELIVRD", "unknown")
        assert part.receipt.raw["status"] == "DELIVRD"


def test_logs_hold_no_secret_and_no_signature(receiver: Receiver) -> None:
    # A GET webhook carries its signature in the request line that access logs print.
    fields = signed(inbound_fields("log me not"))
    assert call(receiver, INBOUND, fields, "get", server=1)[0] == 200
    assert call(receiver, INBOUND, fields, "get", server=1) == (200, {"status": "replayed"})
    bad = {**fields, "text": "changed"}
    assert call(receiver, INBOUND, bad, "get", server=0) == (401, {"error": "bad_signature"})
    time.sleep(0.2)  # the servers write their log lines as they answer
    logs = "".join(server.output() for server in receiver.servers)
    assert "replayed" in logs
    assert "bad_signature" in logs
    assert fields["messageId"] in logs
    assert SECRET not in logs
    leaked = [sig for sig in receiver.signatures if sig.lower() in logs.lower()]
    assert leaked == []
    for server in receiver.servers:
        assert server.process.poll() is None, "a server process died"
