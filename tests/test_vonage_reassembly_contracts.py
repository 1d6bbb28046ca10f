"""``smscodec.vonage.reassembly`` at its limits: bounded state under a flood, eviction
without loss, and a regression test for a long header found by the fuzzers."""

from __future__ import annotations

import pytest

from smscodec import vonage
from smscodec.errors import WebhookError


def test_reassembler_limits() -> None:
    clock = [0.0]
    box = vonage.Reassembler(max_pending=2, timeout=10, clock=lambda: clock[0], max_parts=3)

    def part(ref: str, number: int, total: int = 3) -> vonage.InboundMessage:
        return vonage.InboundMessage(
            msisdn="1",
            to="2",
            message_id=f"{ref}-{number}",
            type=vonage.InboundType.TEXT,
            text=f"<{ref}{number}>",
            concat=vonage.ConcatInfo(reference=ref, total=total, part=number),
        )

    for ref in ("a", "b", "c"):
        assert box.add(part(ref, 1)) is None
    assert box.pending == 2  # "a" was evicted, not lost
    with pytest.raises(WebhookError, match="more than the 3 parts") as info:
        box.add(part("d", 1, total=4))
    assert info.value.field == "concat-total"
    clock[0] = 11
    abandoned = box.expire()
    assert [[p.message_id for p in parts] for parts in abandoned] == [["a-1"], ["b-1"], ["c-1"]]
    assert box.pending == 0


def test_reassembler_state_is_bounded_under_a_flood() -> None:
    box = vonage.Reassembler(max_pending=50, max_completed=100)
    for i in range(5000):
        message = vonage.InboundMessage(
            msisdn=str(i),
            to="2",
            message_id=str(i),
            type=vonage.InboundType.TEXT,
            text="x",
            concat=vonage.ConcatInfo(reference="1", total=2, part=1),
        )
        box.add(message)
    assert box.pending == 50
    assert box.evicted <= 50
    assert box.discarded == 5000 - 50 - 50


# --- regressions (each from a fuzzer finding; see SECURITY.md) ------------------------------


def test_reassembler_joins_binary_parts_with_a_long_header() -> None:
    # A binary part may carry a header of up to 1 + 255 octets (UDHL is one octet); joining
    # the parts must not rebuild it under the 140-octet limit of *sending* a header, which
    # raised UdhError (not a documented error of add()) after the parts were already dropped.
    other = bytes((0x70, 150)) + bytes(150)
    base = {"msisdn": "1", "to": "2", "type": "binary", "data": "00"}
    parts = []
    for number in (1, 2):
        body = bytes((0x00, 3, 7, 2, number)) + other
        header = bytes((len(body),)) + body
        parts.append(vonage.parse_inbound({**base, "messageId": f"m{number}", "udh": header.hex()}))
    box = vonage.Reassembler()
    assert box.add(parts[0]) is None
    whole = box.add(parts[1])
    assert whole is not None
    assert whole.data == b"\x00\x00"
    assert whole.udh == bytes((len(other),)) + other
    assert whole.part_ids == ("m1", "m2")
