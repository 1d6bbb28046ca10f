"""Threads in ``smscodec.vonage.reassembly``.

``Reassembler`` completes each message exactly once when its parts arrive from many
threads, and loses nothing when ``expire``/``flush`` run at the same time.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Iterator

import pytest

from concurrency import THREADS, switch_often, together
from smscodec import vonage


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    with switch_often():
        yield


def _parts(messages: int, total: int, *, sender: str = "447700900001") -> list[vonage.InboundMessage]:
    out = []
    for m in range(messages):
        for k in range(1, total + 1):
            out.append(
                vonage.InboundMessage(
                    msisdn=sender,
                    to="447700900000",
                    message_id=f"{m}-{k}",
                    type=vonage.InboundType.TEXT,
                    text=f"<{m}.{k}>",
                    concat=vonage.ConcatInfo(reference=str(m), total=total, part=k),
                )
            )
    return out


def test_reassembler_completes_each_message_once_under_concurrency() -> None:
    box = vonage.Reassembler()
    parts = _parts(300, 4)
    feed = parts + random.Random(1).sample(parts, 200)  # retries too
    random.Random(2).shuffle(feed)

    def work(i: int) -> list[vonage.InboundMessage]:
        return [whole for p in feed[i::THREADS] if (whole := box.add(p)) is not None]

    completed = [whole for chunk in together(work) for whole in chunk]
    assert box.pending == 0
    assert sorted(int(w.part_ids[0].split("-")[0]) for w in completed) == list(range(300))
    for whole in completed:
        m = whole.part_ids[0].split("-")[0]
        assert whole.text == "".join(f"<{m}.{k}>" for k in range(1, 5))
        assert whole.part_ids == tuple(f"{m}-{k}" for k in range(1, 5))


def test_reassembler_loses_nothing_while_expire_and_evict_run_concurrently() -> None:
    clock_lock = threading.Lock()
    now = [0.0]

    def clock() -> float:
        with clock_lock:
            now[0] += 0.001
            return now[0]

    box = vonage.Reassembler(max_pending=40, timeout=0.05, clock=clock)
    parts = _parts(400, 3)
    random.Random(3).shuffle(parts)
    abandoned: list[vonage.InboundMessage] = []
    done = threading.Event()

    def reaper() -> None:
        while not done.is_set():
            for group in box.expire():
                abandoned.extend(group)

    def work(i: int) -> list[vonage.InboundMessage]:
        return [whole for p in parts[i::THREADS] if (whole := box.add(p)) is not None]

    thread = threading.Thread(target=reaper)
    thread.start()
    try:
        completed = [whole for chunk in together(work) for whole in chunk]
    finally:
        done.set()
        thread.join()
    for group in box.flush():
        abandoned.extend(group)
    assert box.pending == 0
    ids = [i for whole in completed for i in whole.part_ids] + [p.message_id for p in abandoned]
    assert len(ids) == len(set(ids))  # nothing handed back twice
    if box.discarded == 0:
        assert sorted(ids) == sorted(p.message_id for p in parts)  # and nothing lost
    else:
        assert len(ids) < len(parts)


def test_confirm_mode_hands_each_message_out_until_confirmed_under_concurrency() -> None:
    # Threads add parts (with retries), confirm what they are handed, and one of them also
    # sweeps unconfirmed messages: every message is handed out at least once, confirmed
    # exactly once, and never handed out after its confirmation.
    ticks = itertools.count()  # next() is atomic: a global order of moments
    handed: dict[int, list[int]] = {}  # message -> the moment before each hand-out's call
    confirmed: dict[int, list[int]] = {}  # message -> the moment after each confirmation
    lock = threading.Lock()
    box = vonage.Reassembler(confirm=True)
    parts = _parts(200, 3)
    feed = parts + random.Random(4).sample(parts, 150)
    random.Random(5).shuffle(feed)

    def handle(before: int, results: list[vonage.PartResult]) -> None:
        for result in results:
            if result.message is None:
                continue
            m = int(result.message.part_ids[0].split("-")[0])
            assert result.message.text == "".join(f"<{m}.{k}>" for k in range(1, 4))
            with lock:
                handed.setdefault(m, []).append(before)
            if box.confirm(result):
                after = next(ticks)
                with lock:
                    confirmed.setdefault(m, []).append(after)

    def work(i: int) -> None:
        for p in feed[i::THREADS]:
            before = next(ticks)
            handle(before, [box.add_part(p)])
            if i == 0:
                before = next(ticks)
                handle(before, box.unconfirmed(0, limit=5))

    together(work)
    handle(next(ticks), box.unconfirmed(0))
    assert sorted(handed) == list(range(200))  # none lost
    assert sorted(confirmed) == list(range(200))
    for m, moments in confirmed.items():
        assert len(moments) == 1, f"message {m} confirmed twice"
        # A hand-out whose call began after the confirmation had returned would be a bug.
        assert max(handed[m]) < moments[0], f"message {m} handed out after its confirmation"
    assert (box.pending, box.outbox, box.outbox_bytes) == (0, 0, 0)
