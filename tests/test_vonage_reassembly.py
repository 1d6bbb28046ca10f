"""Reassembly of concatenated inbound messages: any order, duplicates, eviction, expiry, threads."""

from __future__ import annotations

import math
import threading
import tracemalloc
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec.errors import ArgumentError, WebhookError
from smscodec.vonage.inbound import ConcatInfo, InboundMessage, InboundType, parse_inbound
from smscodec.vonage.reassembly import PartStatus, Reassembler

TEXTS = ["It was the best of times, ", "it was the worst of times, ", "it was the age of wisdom."]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def part(
    number: int,
    total: int = 3,
    *,
    reference: str = "08B5",
    msisdn: str = "447700900001",
    to: str = "447700900000",
    text: str | None = None,
    kind: str = "text",
    message_id: str | None = None,
) -> InboundMessage:
    """One part as Vonage posts it (through the parser, so the test covers the real path)."""
    fields = {
        "msisdn": msisdn,
        "to": to,
        "messageId": message_id or f"{msisdn}-{reference}-{number}",
        "type": kind,
        "text": TEXTS[number - 1] if text is None else text,
        "keyword": f"KW{number}",
        "message-timestamp": f"2024-05-01 10:00:0{number % 10}",
        "concat": "true",
        "concat-ref": reference,
        "concat-total": str(total),
        "concat-part": str(number),
    }
    return parse_inbound(fields)


def test_three_parts_in_order() -> None:
    r = Reassembler()
    assert r.add(part(1)) is None
    assert r.add(part(2)) is None
    assert r.pending == 1
    whole = r.add(part(3))
    assert whole is not None
    assert whole.text == "".join(TEXTS)
    assert whole.concat is None
    assert not whole.is_part
    # The first part's metadata.
    assert whole.message_id == "447700900001-08B5-1"
    assert whole.keyword == "KW1"
    assert whole.message_timestamp == datetime(2024, 5, 1, 10, 0, 1, tzinfo=timezone.utc)
    assert whole.part_ids == ("447700900001-08B5-1", "447700900001-08B5-2", "447700900001-08B5-3")
    assert r.pending == 0


@given(
    st.permutations([1, 2, 3, 4, 5]),
    st.lists(st.integers(1, 5), max_size=6),
    st.randoms(use_true_random=False),
)
def test_any_order_with_duplicates_completes_exactly_once(
    order: list[int], repeats: list[int], rnd: object
) -> None:
    texts = [f"<{n}>" for n in range(1, 6)]
    feed = list(order)
    for extra in repeats:
        feed.insert(rnd.randrange(len(feed) + 1), extra)  # type: ignore[attr-defined]
    r = Reassembler()
    results = []
    for n in feed:
        results.append(r.add(part(n, 5, text=texts[n - 1])))
    done = [m for m in results if m is not None]
    assert len(done) == 1
    # It is returned when the last distinct part arrives.
    last_new = max(feed.index(n) for n in range(1, 6))
    assert results[last_new] is done[0]
    assert done[0].text == "".join(texts)
    assert done[0].part_ids == tuple(f"447700900001-08B5-{n}" for n in range(1, 6))
    # Retries after completion (Vonage repeats until it gets a 2xx) are ignored too.
    for n in range(1, 6):
        assert r.add(part(n, 5, text=texts[n - 1])) is None
    assert r.pending == 0


def test_duplicate_of_pending_part_keeps_the_first_copy() -> None:
    r = Reassembler()
    assert r.add(part(1, 2, text="first ")) is None
    assert r.add(part(1, 2, text="IMPOSTOR ")) is None
    whole = r.add(part(2, 2, text="second"))
    assert whole is not None
    assert whole.text == "first second"


def test_reused_reference_with_new_message_ids_is_a_new_message() -> None:
    r = Reassembler()
    r.add(part(1, 2, text="a"))
    assert r.add(part(2, 2, text="b")).text == "ab"  # type: ignore[union-attr]
    # Same sender, recipient and reference, later, with fresh Vonage message ids.
    assert r.add(part(1, 2, text="c", message_id="new-1")) is None
    whole = r.add(part(2, 2, text="d", message_id="new-2"))
    assert whole is not None
    assert whole.text == "cd"


def test_messages_are_keyed_by_sender_recipient_reference_and_total() -> None:
    r = Reassembler()
    assert r.add(part(1, 2, msisdn="111", text="A1")) is None
    assert r.add(part(1, 2, msisdn="222", text="B1")) is None
    assert r.add(part(1, 2, to="999", msisdn="111", text="C1")) is None
    assert r.add(part(1, 2, reference="08B6", msisdn="111", text="D1")) is None
    assert r.add(part(1, 3, msisdn="111", text="E1")) is None
    assert r.pending == 5
    assert r.add(part(2, 2, msisdn="222", text="B2")).text == "B1B2"  # type: ignore[union-attr]
    assert r.add(part(2, 2, msisdn="111", text="A2")).text == "A1A2"  # type: ignore[union-attr]
    assert r.pending == 3


def test_single_part_messages_come_straight_back() -> None:
    r = Reassembler()
    single = parse_inbound({"msisdn": "1", "to": "2", "messageId": "3", "type": "text", "text": "hi"})
    assert r.add(single) is single
    one_of_one = part(1, 1, text="whole")
    assert r.add(one_of_one) is one_of_one
    assert r.pending == 0


def test_unicode_wins_when_parts_differ() -> None:
    r = Reassembler()
    r.add(part(1, 2, text="plain "))
    whole = r.add(part(2, 2, text="ünïcödé €", kind="unicode"))
    assert whole is not None
    assert whole.type is InboundType.UNICODE
    assert whole.text == "plain ünïcödé €"


def binary_part(number: int, total: int, data: str, header: str) -> InboundMessage:
    return parse_inbound(
        {"msisdn": "1", "to": "2", "messageId": f"b{number}", "type": "binary", "data": data, "udh": header}
    )


def test_binary_parts_join_their_data() -> None:
    r = Reassembler()
    # Parts identified only by their own 8-bit concatenation element (reference 0x42).
    assert r.add(binary_part(2, 2, "CCDD", "050003420202")) is None
    whole = r.add(binary_part(1, 2, "aabb", "050003420201"))
    assert whole is not None
    assert whole.type is InboundType.BINARY
    assert whole.data == bytes([0xAA, 0xBB, 0xCC, 0xDD])
    # The joined message is not a part any more: its header loses the concatenation element.
    assert whole.udh == b""
    assert whole.concat is None
    assert whole.message_id == "b1"


def test_binary_header_keeps_other_elements() -> None:
    r = Reassembler()
    # Port addressing (IEI 0x05) plus concatenation: the port element survives the join.
    r.add(binary_part(1, 2, "01", "0B05040B8423F0000307020 1".replace(" ", "")))
    whole = r.add(binary_part(2, 2, "02", "0B05040B8423F0000307020 2".replace(" ", "")))
    assert whole is not None
    assert whole.data == b"\x01\x02"
    assert whole.udh == bytes.fromhex("0605040B8423F0")
    assert [e.iei for e in whole.udh_elements] == [0x05]


def test_mixing_binary_and_text_parts_is_an_error() -> None:
    r = Reassembler()
    r.add(part(1, 2, reference="204", msisdn="1", to="2"))
    with pytest.raises(WebhookError, match="binary") as info:
        r.add(binary_part(2, 2, "00", "050003CC0202"))
    assert info.value.field == "type"


def test_eviction_keeps_the_newest_and_hands_back_the_oldest() -> None:
    clock = FakeClock()
    r = Reassembler(max_pending=2, clock=clock)
    r.add(part(1, 2, reference="A"))
    clock.now += 1
    r.add(part(1, 2, reference="B"))
    r.add(part(2, 3, reference="A"))  # a different total: a third message, evicts "A" of 2
    assert r.pending == 2
    clock.now += 1
    r.add(part(1, 2, reference="C"))  # evicts "B"
    assert r.pending == 2
    evicted = r.expire()
    assert [[(m.concat.reference, m.concat.part) for m in parts] for parts in evicted] == [  # type: ignore[union-attr]
        [("A", 1)],
        [("B", 1)],
    ]
    assert r.expire() == []
    # The survivors still complete.
    assert r.add(part(2, 2, reference="C")) is not None
    assert r.discarded == 0


def test_evicted_queue_is_bounded_and_counts_what_it_drops() -> None:
    r = Reassembler(max_pending=1)
    for index in range(4):
        r.add(part(1, 2, reference=str(index)))
    # Three evictions, but only max_pending (1) of them is kept for expire().
    assert r.discarded == 2
    assert [[m.concat.reference for m in parts] for parts in r.expire()] == [["2"]]  # type: ignore[union-attr]


def test_expiry_by_clock() -> None:
    clock = FakeClock()
    r = Reassembler(timeout=60, clock=clock)
    r.add(part(1, 3, reference="old"))
    r.add(part(3, 3, reference="old"))
    clock.now += 30
    r.add(part(1, 2, reference="young"))
    clock.now += 29.5
    assert r.expire() == []
    clock.now += 0.5  # "old" is now exactly 60 s old: not yet older than the timeout (API.md)
    assert r.expire() == []
    clock.now += 0.25
    (expired,) = r.expire()
    assert [m.concat.part for m in expired] == [1, 3]  # type: ignore[union-attr]
    assert r.pending == 1
    # A late part of an expired message starts over rather than completing a ghost.
    assert r.add(part(2, 3, reference="old")) is None
    assert r.pending == 2
    clock.now += 1000
    assert len(r.expire()) == 2
    assert r.pending == 0


def test_flush_returns_everything() -> None:
    r = Reassembler(max_pending=1)
    r.add(part(1, 2, reference="x"))
    r.add(part(1, 2, reference="y"))
    flushed = r.flush()
    assert [[m.concat.reference for m in parts] for parts in flushed] == [["x"], ["y"]]  # type: ignore[union-attr]
    assert r.pending == 0
    assert r.flush() == []


def test_max_parts() -> None:
    r = Reassembler(max_parts=4)
    with pytest.raises(WebhookError, match="more than the 4 parts") as info:
        r.add(part(1, 5))
    assert info.value.field == "concat-total"
    assert r.pending == 0


def test_completed_memory_is_bounded() -> None:
    r = Reassembler(max_completed=2)
    r.add(part(1, 2, text="a"))
    r.add(part(2, 2, text="b"))
    r.add(part(1, 2, reference="Z", text="c"))
    r.add(part(2, 2, reference="Z", text="d"))
    # Only the last two part ids are remembered: a retry of the first message starts over.
    assert r.add(part(1, 2, text="a")) is None
    assert r.pending == 1
    assert r.add(part(2, 2, reference="Z", text="d")) is None
    assert r.pending == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_pending": 0}, ArgumentError, "max_pending is 0"),
        ({"max_pending": -5}, ArgumentError, "expected 1 or more"),
        ({"max_pending": "10"}, TypeError, "max_pending must be int"),
        ({"max_pending": True}, TypeError, "max_pending must be int"),
        ({"max_pending": 10.0}, TypeError, "max_pending must be int"),
        ({"max_parts": 0}, ArgumentError, "max_parts"),
        ({"max_completed": 0}, ArgumentError, "max_completed"),
        ({"timeout": 0}, ArgumentError, "timeout is 0"),
        ({"timeout": -1.0}, ArgumentError, "positive"),
        ({"timeout": math.nan}, ArgumentError, "positive"),
        ({"timeout": math.inf}, ArgumentError, "positive"),
        ({"timeout": "60"}, TypeError, "timeout must be a number"),
        ({"clock": 5}, TypeError, "clock must be callable"),
        ({"confirm": 1}, TypeError, "confirm must be bool"),
        ({"confirm": "yes"}, TypeError, "confirm must be bool"),
        ({"lease": -1}, ArgumentError, "lease is -1, expected 0 or more"),
        ({"lease": math.inf}, ArgumentError, "lease"),
        ({"lease": math.nan}, ArgumentError, "lease"),
        ({"lease": 10**400}, ArgumentError, "lease"),
        ({"lease": "5"}, TypeError, "lease must be a number"),
        ({"timeout": 10**400}, ArgumentError, "timeout"),
    ],
)
def test_constructor_validation(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match) as info:
        Reassembler(**kwargs)  # type: ignore[arg-type]
    if isinstance(info.value, ArgumentError):
        assert info.value.argument == next(iter(kwargs))


def test_add_type_check() -> None:
    with pytest.raises(TypeError, match="InboundMessage"):
        Reassembler().add({"msisdn": "1"})  # type: ignore[arg-type]


def test_threads_complete_each_message_once() -> None:
    r = Reassembler()
    messages = 40
    parts = [
        part(n, 3, reference=str(ref), text=f"{ref}.{n};") for ref in range(messages) for n in (3, 1, 2, 1)
    ]
    results: list[InboundMessage] = []
    lock = threading.Lock()

    def worker(chunk: list[InboundMessage]) -> None:
        for p in chunk:
            whole = r.add(p)
            if whole is not None:
                with lock:
                    results.append(whole)

    threads = [threading.Thread(target=worker, args=(parts[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(m.text for m in results) == sorted(f"{ref}.1;{ref}.2;{ref}.3;" for ref in range(messages))  # type: ignore[type-var]
    assert r.pending == 0


def test_joined_message_is_a_valid_inbound_message() -> None:
    r = Reassembler()
    r.add(part(2, 2))
    whole = r.add(part(1, 2))
    assert isinstance(whole, InboundMessage)
    # Rebuilding it through the validating constructor gives the same value.
    fields = {f: getattr(whole, f) for f in whole.__dataclass_fields__}
    assert InboundMessage(**fields) == whole
    assert ConcatInfo(reference="08B5", total=2, part=1) == part(1, 2).concat


# --- add_part: which None it was ---------------------------------------------------------


def test_add_part_tells_pending_duplicate_and_complete_apart() -> None:
    r = Reassembler()
    first = r.add_part(part(1))
    assert (first.status, first.message, first.error) == (PartStatus.PENDING, None, None)
    assert first.part == part(1)
    assert not first.complete
    again = r.add_part(part(1))
    assert again.status is PartStatus.DUPLICATE
    assert again.message is None
    assert r.add_part(part(3)).status is PartStatus.PENDING
    done = r.add_part(part(2))
    assert done.complete
    assert done.status is PartStatus.COMPLETE
    assert done.message is not None
    assert done.message.text == "".join(TEXTS)
    # A retry after completion is a duplicate too; add() still answers None for all three.
    assert r.add_part(part(2)).status is PartStatus.DUPLICATE
    assert r.add(part(2)) is None
    single = parse_inbound({"msisdn": "1", "to": "2", "messageId": "3", "type": "text", "text": "hi"})
    straight = r.add_part(single)
    assert straight.status is PartStatus.COMPLETE
    assert straight.message is single
    assert str(PartStatus.DUPLICATE) == "duplicate"
    assert PartStatus("pending") is PartStatus.PENDING


def test_confirm_mode_in_memory_with_a_batch() -> None:
    r = Reassembler(confirm=True)
    results = r.add_parts([part(1), part(2), part(3), part(2)])
    assert [x.status for x in results] == [
        PartStatus.PENDING,
        PartStatus.PENDING,
        PartStatus.COMPLETE,
        PartStatus.REDELIVERED,  # the same batch: still not confirmed
    ]
    assert results[2].token == results[3].token
    assert results[2].message == results[3].message
    assert results[2].message is not None
    assert results[2].message.text == "".join(TEXTS)
    assert r.confirm_many(results) == [False, False, True, False]
    assert r.add_part(part(1)).status is PartStatus.DUPLICATE
    assert r.outbox == 0
    # The default mode: no outbox, no token, a retry after completion is a duplicate.
    plain = Reassembler()
    done = plain.add_parts([part(1), part(2), part(3), part(2)])
    assert [x.status for x in done][2:] == [PartStatus.COMPLETE, PartStatus.DUPLICATE]
    assert done[2].token is None
    assert plain.confirm(done[2]) is False
    assert plain.unconfirmed(0) == []
    assert plain.outbox == 0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda r: r.confirm(part(1)), TypeError, "PartResult or its token"),
        (lambda r: r.confirm(5), TypeError, "PartResult or its token"),
        (lambda r: r.confirm_many(["1", None]), TypeError, "NoneType"),
        (lambda r: r.release(b"1"), TypeError, "PartResult or its token"),
        (lambda r: r.unconfirmed(-1), ArgumentError, "older_than is -1"),
        (lambda r: r.unconfirmed(math.nan), ArgumentError, "older_than"),
        (lambda r: r.unconfirmed(10**400), ArgumentError, "older_than"),
        (lambda r: r.unconfirmed("60"), TypeError, "older_than must be a number"),
        (lambda r: r.unconfirmed(60, limit=0), ArgumentError, "limit is 0"),
        (lambda r: r.unconfirmed(60, limit=1.5), TypeError, "limit must be int"),
    ],
)
def test_confirm_mode_argument_errors(call: Any, error: type[Exception], match: str) -> None:
    r = Reassembler(confirm=True)
    r.add_parts([part(1), part(2), part(3)])
    with pytest.raises(error, match=match):
        call(r)
    assert r.outbox == 1  # nothing was confirmed by a refused call


def test_add_parts_feeds_a_batch_and_refuses_only_the_bad_parts() -> None:
    r = Reassembler(max_parts=10)
    too_many = part(1, 11, reference="big")
    binary = parse_inbound(
        {"msisdn": "447700900001", "to": "447700900000", "messageId": "b", "type": "binary", "data": "00",
         "udh": "050003AA0302", "concat-ref": "08B5", "concat-total": "3", "concat-part": "2"}
    )  # fmt: skip
    results = r.add_parts([part(1), too_many, part(2), binary, part(3)])
    assert [x.status for x in results] == [
        PartStatus.PENDING,
        PartStatus.REFUSED,
        PartStatus.PENDING,
        PartStatus.REFUSED,
        PartStatus.COMPLETE,
    ]
    assert results[1].error is not None
    assert results[1].error.field == "concat-total"
    assert results[3].error is not None
    assert results[3].error.field == "type"
    assert results[4].message is not None
    assert results[4].message.text == "".join(TEXTS)
    assert r.add_parts([]) == []
    # A wrong type anywhere refuses the whole batch before anything is added.
    with pytest.raises(TypeError, match="InboundMessage"):
        r.add_parts([part(1, reference="new"), "not a message"])  # type: ignore[list-item]
    assert r.pending == 0


# --- bounded by bytes --------------------------------------------------------------------


def big_part(message: int, number: int, total: int = 254) -> InboundMessage:
    # What a webhook body may carry (64 KiB of text), far past a real part's 160 characters.
    return InboundMessage(
        msisdn="447700900001",
        to="447700900000",
        message_id=f"{message}-{number}",
        type=InboundType.TEXT,
        text=chr(0x41 + message) * 65_536,  # a new string each time
        concat=ConcatInfo(reference=str(message), total=total, part=number),
    )


def test_pending_bytes_are_bounded_and_nothing_is_lost() -> None:
    """The issue's case: 8 pending messages of 254 parts of 64 KiB held 116 MB."""
    r = Reassembler()  # the default bound: 32 MiB
    bound = 32 * 1024 * 1024
    handed_back: list[str] = []
    tracemalloc.start()
    try:
        for number in range(1, 255):
            for message in range(8):
                assert r.add(big_part(message, number)) is None
            assert r.pending_bytes <= bound
            if number % 16 == 0:  # as a receiver does: collect what was given up on
                handed_back += [p.message_id for group in r.expire() for p in group]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 48 * 1024 * 1024  # was 116 MB and more
    held = [p.message_id for group in r.flush() for p in group]
    assert r.discarded == 0
    assert sorted(handed_back + held) == sorted(f"{m}-{n}" for m in range(8) for n in range(1, 255))


def test_a_part_too_big_to_hold_is_handed_back() -> None:
    r = Reassembler(max_pending_bytes=10_000)
    small = part(1, 2, reference="small")
    assert r.add_part(small).status is PartStatus.PENDING
    result = r.add_part(big_part(0, 1, total=2))
    assert result.status is PartStatus.EVICTED
    assert r.pending == 0  # the small one went first, to make room...
    # ...into the evicted queue, bounded by bytes too: the newest evicted message stays,
    # the small one is dropped and counted.
    assert r.discarded == 1
    assert r.expire() == [[big_part(0, 1, total=2)]]
    # With room for both, both are handed back.
    r = Reassembler(max_pending_bytes=70_000)
    r.add(small)
    assert r.add_part(big_part(0, 1, total=2)).status is PartStatus.PENDING
    assert r.add_part(big_part(1, 1, total=2)).status is PartStatus.PENDING
    assert r.expire() == [[small], [big_part(0, 1, total=2)]]


def test_a_real_part_weighs_about_one_kibibyte() -> None:
    # The default bound's arithmetic: a full GSM-7 part, through the parser (raw fields kept).
    fields = {
        "msisdn": "447700900001",
        "to": "447700900000",
        "messageId": "0A0000001234567B",
        "type": "text",
        "text": "x" * 153,
        "keyword": "XXXX",
        "message-timestamp": "2024-05-01 10:00:01",
        "timestamp": "1714557601",
        "nonce": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "sig": "f" * 64,
        "api-key": "abcd1234",
        "concat": "true",
        "concat-ref": "08B5",
        "concat-total": "3",
        "concat-part": "1",
    }
    r = Reassembler()
    r.add(parse_inbound(fields))
    assert 600 <= r.pending_bytes <= 1024
    assert 10_000 * 3 * r.pending_bytes <= 32 * 1024 * 1024


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_pending_bytes": 0}, ArgumentError, "max_pending_bytes is 0"),
        ({"max_pending_bytes": 1.5}, TypeError, "max_pending_bytes must be int"),
        ({"completed_ttl": math.nan}, ArgumentError, "completed_ttl"),
        ({"completed_ttl": "1"}, TypeError, "completed_ttl must be a number"),
        ({"store": {}}, TypeError, "store must be a Store"),
        ({"namespace": 1}, TypeError, "namespace must be str"),
        ({"namespace": "a{b}"}, ArgumentError, "namespace"),
    ],
)
def test_new_constructor_arguments(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        Reassembler(**kwargs)  # type: ignore[arg-type]


def test_completed_ids_are_forgotten_after_completed_ttl() -> None:
    clock = FakeClock()
    r = Reassembler(clock=clock, completed_ttl=100)
    r.add(part(1, 2))
    assert r.add(part(2, 2)) is not None
    clock.now += 99
    assert r.add_part(part(1, 2)).status is PartStatus.DUPLICATE
    clock.now += 1  # Vonage stopped retrying: the same ids now start a new message
    assert r.add_part(part(1, 2)).status is PartStatus.PENDING
