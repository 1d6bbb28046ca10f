"""Threads in ``smscodec.vonage.reassembly``.

``Reassembler`` completes each message exactly once when its parts arrive from many
threads, and loses nothing when ``expire``/``flush`` run at the same time.
"""

from __future__ import annotations

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
