"""Worker processes for the shared-store proof in test_vonage_stores.py.

Kept apart from the test module so that a ``spawn`` child imports only smscodec, not
pytest and hypothesis: each worker starts in a fraction of a second.

The feed is rebuilt in every process from a seed (no megabytes of pickled parts): the
parts of ``messages`` concatenated messages of 2 to 4 parts, shuffled, with copies of
some parts (Vonage's retries) anywhere in the order, some after their message completed.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

from smscodec.vonage import ConcatInfo, InboundMessage, InboundType, Reassembler
from smscodec.vonage.reassembly import PartResult, PartStatus
from smscodec.vonage.stores import Store

WORKERS = 4
BATCH = 100

SENDERS = [f"4477009{n:05d}" for n in range(37)]


def message_text(m: int, k: int) -> str:
    # Every part differs, and some parts are UCS-2 (Greek, an emoji), so a part put back
    # in the wrong place or decoded wrongly shows in the joined text.
    extra = " Ωμέγα" if m % 7 == 0 else (" 😀" if m % 11 == 0 else "")
    return f"<{m}.{k}{extra}>"


def total_of(m: int) -> int:
    return 2 + m % 3


def expected(m: int) -> str:
    return "".join(message_text(m, k) for k in range(1, total_of(m) + 1))


def part(m: int, k: int) -> InboundMessage:
    text = message_text(m, k)
    return InboundMessage(
        msisdn=SENDERS[m % len(SENDERS)],
        to="447700900000",
        message_id=f"{m}-{k}",
        type=InboundType.TEXT if text.isascii() else InboundType.UNICODE,
        text=text,
        keyword="KW",
        nonce=f"n{m}.{k}",
        concat=ConcatInfo(reference=str(m), total=total_of(m), part=k),
    )


def feed(messages: int, seed: int) -> list[tuple[int, int]]:
    """(message, part) pairs in arrival order: every part once, plus ~10% copies."""
    rnd = random.Random(seed)
    order = [(m, k) for m in range(messages) for k in range(1, total_of(m) + 1)]
    rnd.shuffle(order)
    for _ in range(len(order) // 10):
        order.insert(rnd.randrange(len(order) + 1), order[rnd.randrange(len(order))])
    return order


def batches(messages: int, seed: int, worker: int) -> list[list[tuple[int, int]]]:
    """This worker's share of the feed, in batches of BATCH parts."""
    mine = feed(messages, seed)[worker::WORKERS]
    return [mine[i : i + BATCH] for i in range(0, len(mine), BATCH)]


def message_of(whole: InboundMessage) -> int:
    """Which message of the feed a whole message is (its part ids are ``m-k``)."""
    return int(whole.part_ids[0].split("-")[0])


def run(
    store: Store,
    messages: int,
    seed: int,
    worker: int,
    start: int,
    log: str,
    go: str,
    confirm: bool = False,
    sweep: bool = False,
) -> None:
    """Feed this worker's batches from ``start`` on, one ``add_parts`` call each.

    Before each batch a line ``{"feeding": k}`` goes to ``log``; after it,
    ``{"batch": k, "t0": t, "done": [[message, text, part_ids], ...]}`` with every message
    the batch handed out (``t0``: the wall-clock time before the batch was added).  With
    ``confirm`` (at-least-once: ``Reassembler(confirm=True)``), the handed-out messages are
    then confirmed in one call and ``{"confirmed": k, "t1": t, "ok": [message, ...]}`` lists
    those this call took out of the outbox (``t1``: the time after it returned).  With
    ``sweep``, the worker first hands out and confirms every unconfirmed message of the
    store, as a restarted worker recovers a dead one's (logged as batch ``"sweep"``).
    Each line is flushed and fsynced before the next step, so after a SIGKILL the log says
    exactly which batch was in flight.  ``go`` is a file whose existence starts the work
    (so every worker starts together).
    """
    while not os.path.exists(go):
        time.sleep(0.005)
    reassembler = Reassembler(store=store, max_pending=100_000, confirm=confirm)
    work = batches(messages, seed, worker)
    with Path(log).open("a", encoding="utf-8") as out:

        def write(record: object) -> None:
            out.write(json.dumps(record) + "\n")
            out.flush()
            os.fsync(out.fileno())

        def settle(index: object, results: list[PartResult]) -> None:
            if not confirm:
                return
            handed = [result for result in results if result.message is not None]
            answers = reassembler.confirm_many(handed)
            ok = [message_of(r.message) for r, yes in zip(handed, answers, strict=True) if yes and r.message]
            write({"confirmed": index, "t1": time.time(), "ok": ok})

        if sweep:
            t0 = time.time()
            results = reassembler.unconfirmed(0, limit=messages)
            done = [
                [message_of(r.message), r.message.text, list(r.message.part_ids)]
                for r in results
                if r.message
            ]
            write({"batch": "sweep", "t0": t0, "done": done})
            settle("sweep", results)
        for index in range(start, len(work)):
            write({"feeding": index})
            t0 = time.time()
            results = reassembler.add_parts([part(m, k) for m, k in work[index]])
            done = []
            for (m, _), result in zip(work[index], results, strict=True):
                if result.status is PartStatus.COMPLETE or (
                    confirm and result.status is PartStatus.REDELIVERED
                ):
                    assert result.message is not None
                    assert (result.token is not None) is confirm
                    done.append([m, result.message.text, list(result.message.part_ids)])
                elif result.status not in (PartStatus.PENDING, PartStatus.DUPLICATE):
                    raise AssertionError(f"unexpected {result.status} for part of message {m}")
            write({"batch": index, "t0": t0, "done": done})
            settle(index, results)
    store.close()
