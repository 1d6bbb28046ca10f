"""DeliveryTracker: a 3-part message followed from its send response through mixed receipts."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec.errors import ArgumentError
from smscodec.vonage.receipts import DeliveryReceipt, DeliveryStatus, parse_delivery_receipt
from smscodec.vonage.responses import parse_send_response
from smscodec.vonage.stores import MemoryStore, Store, StoreError
from smscodec.vonage.tracking import DeliveryState, DeliveryTracker, PartState

# A send response for a 3-part text, shaped like the SMS API reference's example.
THREE_PARTS = json.dumps(
    {
        "message-count": "3",
        "messages": [
            {
                "to": "447700900000",
                "message-id": f"0A000000123ABCD{n}",
                "status": "0",
                "remaining-balance": str(Decimal("3.14159265") - Decimal("0.0333") * n),
                "message-price": "0.03330000",
                "network": "23410",
            }
            for n in (1, 2, 3)
        ],
    }
)
IDS = ["0A000000123ABCD1", "0A000000123ABCD2", "0A000000123ABCD3"]


def receipt(message_id: str, status: str, price: str | None = None, err_code: str = "0") -> DeliveryReceipt:
    fields = {
        "msisdn": "447700900000",
        "to": "AcmeInc",
        "network-code": "23410",
        "messageId": message_id,
        "status": status,
        "err-code": err_code,
        "message-timestamp": "2024-05-01 10:00:00",
    }
    if price is not None:
        fields["price"] = price
    return parse_delivery_receipt(fields)


def tracker() -> DeliveryTracker:
    return DeliveryTracker(parse_send_response(THREE_PARTS))


def test_three_parts_mixed_receipts_end_failed() -> None:
    t = tracker()
    assert t.message_ids == tuple(IDS)
    assert t.state is DeliveryState.PENDING
    assert t.pending
    assert not t.is_final
    assert t.total_cost == Decimal("0.09990000")  # from the send response until receipts say otherwise

    assert t.add(receipt(IDS[0], "delivered", "0.03500000"))
    assert t.add(receipt(IDS[1], "accepted"))
    assert t.state is DeliveryState.PENDING
    assert [p.state for p in t.parts] == [
        DeliveryState.DELIVERED,
        DeliveryState.PENDING,
        DeliveryState.PENDING,
    ]
    assert [p.status for p in t.parts] == [DeliveryStatus.DELIVERED, DeliveryStatus.ACCEPTED, None]
    assert t.total_cost == Decimal("0.03500000") + Decimal("0.03330000") * 2

    assert t.add(receipt(IDS[2], "failed", "0.03330000", err_code="2"))
    assert t.state is DeliveryState.FAILED
    assert t.failed
    assert t.is_final
    assert not t.delivered
    assert not t.pending
    failed_part = t.parts[2]
    assert failed_part.receipt is not None
    assert failed_part.receipt.temporary_error
    # Part 2 still completes; the message stays failed.
    assert t.add(receipt(IDS[1], "delivered", "0.03400000"))
    assert t.state is DeliveryState.FAILED
    assert t.total_cost == Decimal("0.03500000") + Decimal("0.03400000") + Decimal("0.03330000")


def test_three_parts_all_delivered_in_any_order() -> None:
    t = tracker()
    for message_id in (IDS[2], IDS[0]):
        t.add(receipt(message_id, "delivered"))
        assert t.pending
    t.add(receipt(IDS[1], "buffered"))
    assert t.pending
    t.add(receipt(IDS[1], "delivered"))
    assert t.state is DeliveryState.DELIVERED
    assert t.delivered
    assert t.is_final
    # No receipt carried a price: the send response's prices stand.
    assert t.total_cost == Decimal("0.09990000")


def test_first_final_receipt_stands() -> None:
    t = tracker()
    t.add(receipt(IDS[0], "delivered", "0.035"))
    # A late intermediate receipt and a contradictory final one do not undo delivery...
    t.add(receipt(IDS[0], "accepted"))
    t.add(receipt(IDS[0], "expired", "0.036"))
    (first, *_rest) = t.parts
    assert first.status is DeliveryStatus.DELIVERED
    # ...but the latest price is what was charged.
    assert first.price == Decimal("0.036")


def test_unknown_final_status() -> None:
    t = tracker()
    for message_id in IDS[:2]:
        t.add(receipt(message_id, "delivered"))
    t.add(receipt(IDS[2], "unknown", err_code="1"))
    assert t.state is DeliveryState.UNKNOWN
    assert t.is_final
    assert not t.delivered
    assert not t.failed


@pytest.mark.parametrize("status", ["expired", "rejected", "failed"])
def test_each_failure_status(status: str) -> None:
    t = tracker()
    t.add(receipt(IDS[1], status))
    assert t.state is DeliveryState.FAILED
    assert t.parts[1].state is DeliveryState.FAILED


def test_receipts_for_other_messages_are_not_taken() -> None:
    t = tracker()
    assert t.add(receipt("SOMEONE-ELSE", "delivered", "9.99")) is False
    assert t.total_cost == Decimal("0.09990000")
    assert t.update(receipt(IDS[0], "delivered")) is True
    with pytest.raises(TypeError, match="DeliveryReceipt"):
        t.add({"messageId": IDS[0]})  # type: ignore[arg-type]


def test_part_refused_at_send_fails_at_no_cost() -> None:
    body = json.dumps(
        {
            "message-count": "2",
            "messages": [
                {"to": "447700900000", "message-id": "A1", "status": "0", "message-price": "0.0333"},
                {"status": "9", "error-text": "Partner Quota Violation"},
            ],
        }
    )
    t = DeliveryTracker(parse_send_response(body))
    assert t.message_ids == ("A1",)
    assert t.state is DeliveryState.FAILED
    refused = t.parts[1]
    assert (refused.message_id, refused.send_status, refused.price, refused.state) == (
        None,
        9,
        Decimal(0),
        DeliveryState.FAILED,
    )
    assert t.total_cost == Decimal("0.0333")


def test_xml_send_response_works_too() -> None:
    xml = (
        "<mt-submission-response><messages count='1'><message><to>447700900000</to>"
        "<messageId>0A0000000123ABCD1</messageId><status>0</status>"
        "<remainingBalance>3.14159265</remainingBalance><messagePrice>0.03330000</messagePrice>"
        "<network>12345</network></message></messages></mt-submission-response>"
    )
    t = DeliveryTracker(parse_send_response(xml, "xml"))
    t.add(receipt("0A0000000123ABCD1", "delivered"))
    assert t.delivered
    assert t.total_cost == Decimal("0.03330000")


def test_empty_and_wrong_inputs() -> None:
    empty = DeliveryTracker(parse_send_response('{"message-count": "0", "messages": []}'))
    assert empty.state is DeliveryState.PENDING
    assert empty.parts == ()
    assert empty.total_cost == Decimal(0)
    with pytest.raises(TypeError, match="parsed send response"):
        DeliveryTracker(THREE_PARTS)  # type: ignore[arg-type]

    @dataclass
    class NoPrice:
        message_id: str
        status: int
        to: str

    @dataclass
    class Response:
        messages: list[NoPrice]

    with pytest.raises(TypeError, match="message_price"):
        DeliveryTracker(Response([NoPrice("x", 0, "1")]))  # type: ignore[arg-type]


def test_part_state_snapshot() -> None:
    t = tracker()
    t.add(receipt(IDS[0], "delivered", "0.04"))
    snap = t.parts[0]
    assert isinstance(snap, PartState)
    assert (snap.index, snap.message_id, snap.to, snap.send_status, snap.price) == (
        0,
        IDS[0],
        "447700900000",
        0,
        Decimal("0.04"),
    )
    # Snapshots do not move when the tracker does.
    t.add(receipt(IDS[1], "delivered"))
    assert t.parts[1].state is DeliveryState.DELIVERED
    assert str(DeliveryState.DELIVERED) == "delivered"


STATUS_WORDS = [s.value for s in DeliveryStatus]


@given(st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(STATUS_WORDS)), max_size=12))
def test_state_rules_hold_for_any_receipt_sequence(feed: list[tuple[str, str]]) -> None:
    t = tracker()
    first_final: dict[str, DeliveryStatus] = {}
    for message_id, word in feed:
        t.add(receipt(message_id, word))
        status = DeliveryStatus(word)
        if status.is_final:
            first_final.setdefault(message_id, status)
    states = [p.state for p in t.parts]
    for part_state, message_id in zip(t.parts, IDS, strict=False):
        if message_id in first_final:
            assert part_state.status is first_final[message_id]
    if any(
        s in (DeliveryStatus.EXPIRED, DeliveryStatus.FAILED, DeliveryStatus.REJECTED)
        for s in first_final.values()
    ):
        assert t.state is DeliveryState.FAILED
    elif len(first_final) < 3:
        assert t.state is DeliveryState.PENDING
    elif DeliveryState.UNKNOWN in states:
        assert t.state is DeliveryState.UNKNOWN
    else:
        assert t.state is DeliveryState.DELIVERED
    assert t.total_cost == Decimal("0.09990000")


def test_threads() -> None:
    t = tracker()
    receipts = [receipt(i, w, "0.01") for i in IDS for w in ("accepted", "buffered", "delivered")] * 5

    def feed(chunk: list[DeliveryReceipt]) -> None:
        for r in chunk:
            t.add(r)

    threads = [threading.Thread(target=feed, args=(receipts[i::3],)) for i in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert t.delivered
    assert t.total_cost == Decimal("0.03")


# --- over each store (memory, SQLite, a real redis-server: tests/_servers.py) ------------

SEND = json.dumps(
    {
        "message-count": "2",
        "messages": [
            {"to": "447700900000", "message-id": f"ID-{n}", "status": "0", "message-price": "0.0333"}
            for n in (1, 2)
        ],
    }
)


def dlr(message_id: str, status: str, price: str | None = None) -> DeliveryReceipt:
    fields = {
        "msisdn": "447700900000",
        "to": "Acme",
        "messageId": message_id,
        "status": status,
        "err-code": "0",
        "message-timestamp": "2024-05-01 10:00:00",
        "scts": "2405011000",
    }
    if price is not None:
        fields["price"] = price
    return parse_delivery_receipt(fields)


def test_tracker_state_is_shared_by_workers(store_factory: Callable[[], Store]) -> None:
    sender = DeliveryTracker(parse_send_response(SEND), store=store_factory())
    other = store_factory()  # a webhook worker
    early = dlr("ID-2", "accepted")
    # A receipt for an id nobody registered is still kept.
    assert DeliveryTracker.record(dlr("NOBODY", "delivered"), store=other) is None
    found = DeliveryTracker.record(early, store=other)
    assert found is not None
    assert found.message_ids == ("ID-1", "ID-2")
    DeliveryTracker.record(dlr("ID-1", "delivered", "0.04"), store=other)
    DeliveryTracker.record(dlr("ID-2", "delivered", "0.05"), store=other)
    DeliveryTracker.record(dlr("ID-2", "failed"), store=other)
    # The sender's own tracker sees what the other worker recorded; first final stands.
    assert sender.delivered
    assert sender.total_cost == Decimal("0.09")
    assert sender.parts[1].receipt == dlr("ID-2", "delivered", "0.05")  # equal after the round trip
    rebuilt = DeliveryTracker.find("ID-1", store=other)
    assert rebuilt is not None
    assert [p.state for p in rebuilt.parts] == [p.state for p in sender.parts]
    assert DeliveryTracker.find("NOBODY", store=other) is None


def test_a_receipt_that_overtakes_the_send_is_kept(store_factory: Callable[[], Store]) -> None:
    worker = store_factory()
    assert DeliveryTracker.record(dlr("ID-1", "delivered"), store=worker) is None
    tracker = DeliveryTracker(parse_send_response(SEND), store=store_factory())
    assert tracker.parts[0].state.value == "delivered"
    assert tracker.pending


def test_mixed_receipts_from_several_workers(store_factory: Callable[[], Store]) -> None:
    """The first scenario of this file, with each receipt recorded by another worker."""
    t = DeliveryTracker(parse_send_response(THREE_PARTS), store=store_factory())
    workers = [store_factory() for _ in range(3)]
    feed = [
        (IDS[0], "delivered", "0.03500000"),
        (IDS[1], "accepted", None),
        (IDS[2], "failed", "0.03330000"),
        (IDS[1], "delivered", "0.03400000"),
        (IDS[1], "expired", None),  # after a final one: ignored, but...
    ]
    for n, (message_id, status, price) in enumerate(feed):
        found = DeliveryTracker.record(receipt(message_id, status, price), store=workers[n % 3])
        assert found is not None
        assert found.message_ids == tuple(IDS)
    assert t.state is DeliveryState.FAILED
    assert [p.status for p in t.parts] == [
        DeliveryStatus.DELIVERED,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.FAILED,
    ]
    assert t.total_cost == Decimal("0.03500000") + Decimal("0.03400000") + Decimal("0.03330000")
    assert t.parts[2].receipt == receipt(IDS[2], "failed", "0.03330000")


def test_threads_over_each_store(store_factory: Callable[[], Store]) -> None:
    t = DeliveryTracker(parse_send_response(THREE_PARTS), store=store_factory())
    receipts = [receipt(i, w, "0.01") for i in IDS for w in ("accepted", "buffered", "delivered")] * 2

    def feed(chunk: list[DeliveryReceipt]) -> None:
        mine = store_factory()
        for r in chunk:
            assert DeliveryTracker.record(r, store=mine) is not None

    threads = [threading.Thread(target=feed, args=(receipts[i::3],)) for i in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert t.delivered
    assert t.total_cost == Decimal("0.03")


def test_store_arguments() -> None:
    with pytest.raises(TypeError, match="store must be a Store"):
        DeliveryTracker(parse_send_response(THREE_PARTS), store={})  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="ttl"):
        DeliveryTracker(parse_send_response(THREE_PARTS), ttl=0)
    with pytest.raises(TypeError, match="DeliveryReceipt"):
        DeliveryTracker.record({"messageId": "x"}, store=MemoryStore())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="message_id must be str"):
        DeliveryTracker.find(5, store=MemoryStore())  # type: ignore[arg-type]


def test_a_corrupt_send_record_is_a_store_error() -> None:
    memory = MemoryStore()
    DeliveryTracker(parse_send_response(THREE_PARTS), store=memory)
    for bad in (b"junk", b'{"v": 2, "parts": []}', b'{"v": 1, "parts": [[0, 5, null, 0, null]]}',
                b'{"v": 1, "parts": [[0, "a", null, 0, "NaN"]]}'):  # fmt: skip
        memory.put("tracking", "t:" + IDS[0], bad, 60)
        with pytest.raises(StoreError):
            DeliveryTracker.find(IDS[0], store=memory)
