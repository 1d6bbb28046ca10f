"""A Vonage SMS webhook receiver on Starlette (ASGI): inbound messages and delivery receipts.

Copy this file.  Configuration comes from the environment:

    VONAGE_SIGNATURE_SECRET  the account's signature secret (dashboard, API settings); required
    VONAGE_SIGNATURE_METHOD  the account's signature method: md5hash (Vonage's default, the
                             weakest), md5, sha1, sha256 (recommended) or sha512
    SMS_STATE_DB             the SQLite file that every worker shares (default: sms-state.db)

Run it with as many worker processes as you like, on one host; they share the SQLite file:

    uvicorn --workers 4 --host 127.0.0.1 --port 8000 receiver_starlette:app

and point the account's webhooks (dashboard, API settings, SMS settings) at
``https://<host>/webhooks/inbound`` and ``https://<host>/webhooks/delivery-receipt``, as
GET, POST form or POST JSON: all three are read here.  Signed webhooks must be enabled.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from smscodec.errors import StoreError, WebhookError, WebhookVerificationError
from smscodec.vonage import (
    MAX_BODY_BYTES,
    DeliveryTracker,
    InboundMessage,
    PartResult,
    Reassembler,
    ReplayGuard,
    SQLiteStore,
    check_webhook,
    parse_delivery_receipt,
    parse_inbound,
)

SECRET = os.environ.get("VONAGE_SIGNATURE_SECRET", "")
METHOD = os.environ.get("VONAGE_SIGNATURE_METHOD", "md5hash")
if not SECRET:
    raise SystemExit("set VONAGE_SIGNATURE_SECRET to the account's signature secret")

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(message)s")
log = logging.getLogger("sms.webhooks")

_QUERY = re.compile(r"\?[^\s\"\x1b]*")  # from "?" to the end of the request's target


class HideQueryStrings(logging.Filter):
    """uvicorn's access log prints each request's path and query, and a GET webhook's query
    string holds its signature (replayable for a few minutes) and the message text: log the
    path alone (or run uvicorn with --no-access-log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_QUERY.sub("?…", a) if isinstance(a, str) else a for a in record.args)
        return True


logging.getLogger("uvicorn.access").addFilter(HideQueryStrings())

# One store per process, all on one file: the replay guard, the reassembler and the delivery
# tracker share it, so a replay, a message's parts or a receipt may reach any worker.
store = SQLiteStore(os.environ.get("SMS_STATE_DB", "sms-state.db"))
guard = ReplayGuard(store)
# confirm=True: a whole message stays in the store until keep() has it (reassembler.confirm),
# so a worker that fails or dies in between loses nothing: a retry of one of its parts, or
# reassembler.unconfirmed(), hands it out again.  The lease keeps two copies of a part that
# arrive together from handing one message to two workers at once.
LEASE = 30.0
reassembler = Reassembler(store=store, confirm=True, lease=LEASE)

INBOX_TTL = 7 * 86_400.0  # seconds the example's inbox keeps a message
EXPIRE_EVERY = 60.0  # seconds between looks for abandoned messages
RECOVER_AFTER = 300.0  # seconds before a message nobody confirmed (a dead worker's) goes out again
_next_expiry = 0.0

Reply = tuple[int, dict[str, object]]  # status code and JSON body


def keep(message: InboundMessage, *, complete: bool = True) -> None:
    """Hand a message on.  Replace this with your own table or queue, and keep it short and
    durable: it runs before Vonage gets its 200.  If it raises, the webhook is answered 500 and
    handed to Vonage's retry; a whole message is handed out until it is confirmed after this
    returns, so in rare cases (a worker killed between the two) this sees a message twice: key
    your table by the parts' ids to make that harmless.  Here it goes to a log in the shared
    store (``store.read("inbox", "messages")``)."""
    record = {
        "from": message.msisdn,
        "to": message.to,
        "parts": list(message.part_ids) or [message.message_id],
        "type": message.type.value,
        "text": message.text,
        "data": None if message.data is None else message.data.hex(),
        "complete": complete,
    }
    store.append("inbox", "messages", json.dumps(record).encode(), INBOX_TTL)


def deliver(result: PartResult) -> None:
    """Keep a whole message, then confirm it: from then on it is never handed out again."""
    assert result.message is not None
    try:
        keep(result.message)
        reassembler.confirm(result)
    except BaseException:
        # Not kept (or not confirmed): hand it straight to the next retry of its webhook,
        # which the 500 answer asks Vonage for, instead of waiting for the lease to end.
        try:
            reassembler.release(result)
        except Exception:
            log.exception("could not give message back; it goes out again after %g s", RECOVER_AFTER)
        raise


def maintain() -> None:
    """Now and then: hand out again what a dead worker never confirmed, and keep the parts of
    messages whose last part never came (or that were evicted).  A failure here is logged,
    not answered to the webhook that happened to run it: that one was handled."""
    global _next_expiry
    if time.monotonic() < _next_expiry:
        return
    _next_expiry = time.monotonic() + EXPIRE_EVERY
    try:
        for late in reassembler.unconfirmed(RECOVER_AFTER, limit=100):
            deliver(late)
        for parts in reassembler.expire():
            for piece in parts:
                keep(piece, complete=False)
    except Exception:
        log.exception("maintenance failed; it runs again on a later webhook")


def on_inbound(data: bytes) -> Reply:
    part = parse_inbound(data)
    # A whole message (COMPLETE, or REDELIVERED: completed before and not confirmed yet), a
    # part (PENDING) or a retried part (DUPLICATE): a message completes once across every
    # worker, in whichever gets its last part, and is handed out until it is confirmed.
    result = reassembler.add_part(part)
    if result.message is not None:
        deliver(result)
    log.info("inbound %s: %s", part.message_id, result.status)
    maintain()
    return 200, {"status": str(result.status)}


def on_receipt(data: bytes) -> Reply:
    receipt = parse_delivery_receipt(data)  # an unknown status word is kept, not an error
    # Kept in the store whichever worker gets it, even before the sender registered the
    # message (DeliveryTracker(send_response, store=...)): a receipt can overtake it.
    tracker = DeliveryTracker.record(receipt, store=store)
    state = None if tracker is None else str(tracker.state)
    log.info("receipt %s: %s, message %s", receipt.message_id, receipt.status_word, state or "not registered")
    return 200, {"status": receipt.status_word, "message_state": state}


def checked(handler: Callable[[bytes], Reply], path: str, data: bytes) -> Reply:
    """Verify the webhook, then hand it to ``handler``; the reply either way.  Run in a
    thread (run_in_threadpool): SQLite calls block, and must not hold up the event loop."""
    try:
        check_webhook(data, SECRET, METHOD, replay_guard=guard)
    except WebhookVerificationError as exc:
        # "unsigned", "bad_signature", "stale" or "replayed"; the message never holds the
        # signature.  A replayed copy (a webhook this receiver already accepted: Vonage's
        # retry, or a captured copy) is not processed twice but answered 200, because Vonage
        # retries until it gets a 200; everything else is refused with 401.
        if exc.reason == "replayed":
            log.info("already accepted %s: replayed copy ignored", path)
            return 200, {"status": "replayed"}
        log.warning("refused %s: %s (%s)", path, exc.reason, exc)
        return 401, {"error": exc.reason}
    except WebhookError as exc:  # a body no parser can read
        log.warning("refused %s: unreadable (%s)", path, exc)
        return 400, {"error": "unreadable"}
    except StoreError:  # nothing was claimed: Vonage's retry is checked afresh
        log.exception("could not check %s: the store failed", path)
        return 500, {"error": "failed"}
    # The signature is claimed: from here on a copy of this webhook is "replayed".
    try:
        return handler(data)
    except WebhookError as exc:
        # Verified but unusable (a part contradicting its message): a retry would fail
        # alike, so the claim stays and the retry is answered 200 ("replayed").
        log.warning("refused %s: unreadable (%s)", path, exc)
        return 400, {"error": "unreadable"}
    except Exception:
        # Anything else (the store unreachable, a disk full, a bug) may pass: give the claim
        # back so that Vonage's retry of this webhook is accepted, and answer 500 so that it
        # sends one.
        log.exception("failed %s; its claim is given back for Vonage's retry", path)
        try:
            guard.release(data)
        except Exception:
            log.exception("could not give the claim back: the retry will be taken for a replay")
        return 500, {"error": "failed"}


async def fields(request: Request) -> bytes | None:
    # Vonage sends the fields in the query string (GET) or the body (POST, form or JSON).
    # Hand over the raw bytes: the library reads every shape the same way for the check and
    # the parse.  A body is read up to the library's limit (a real webhook is under 2 KiB).
    if request.method == "GET":
        return bytes(request.scope["query_string"])
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    return body


def endpoint(handler: Callable[[bytes], Reply]) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def serve(request: Request) -> JSONResponse:
        data = await fields(request)
        if data is None:
            return JSONResponse({"error": "too large"}, status_code=413)
        status, body = await run_in_threadpool(checked, handler, request.url.path, data)
        return JSONResponse(body, status_code=status)

    return serve


app = Starlette(
    routes=[
        Route("/webhooks/inbound", endpoint(on_inbound), methods=["GET", "POST"]),
        Route("/webhooks/delivery-receipt", endpoint(on_receipt), methods=["GET", "POST"]),
    ]
)
