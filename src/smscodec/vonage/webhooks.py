"""Check the signature of a delivery-receipt or inbound-message webhook.

With signed webhooks enabled, Vonage adds ``timestamp``, ``nonce`` and ``sig`` to every
webhook; ``sig`` covers every other received field ("Signing Messages" guide).  Check a
webhook before acting on it, and before parsing it if unsigned input must not even be read:
:func:`check_webhook` and :func:`verify_webhook` take the same inputs as the parsers, read
them the same way (:func:`smscodec.vonage._wire.normalize`), and verify exactly the fields
the parsers then see.

A receiver::

    guard = ReplayGuard(SQLiteStore("/var/lib/app/webhooks.db"))   # shared by the workers

    def handle(body):
        try:
            check_webhook(body, SECRET, "sha256", replay_guard=guard)
        except WebhookVerificationError as exc:
            return 200 if exc.reason == "replayed" else 401   # a retry of one we already have
        except WebhookError:
            return 400                                      # not a webhook at all
        receipt = parse_delivery_receipt(body)
        ...

What the signature cannot tell apart: values that differ only in ``&``, ``=`` and ``_``
(Vonage replaces the first two by ``_`` before hashing; see :mod:`smscodec.signing`).
"""

from __future__ import annotations

import time

from ..errors import WebhookVerificationError
from ..signing import read_timestamp, verdict
from ._wire import WebhookInput, normalize, show
from .replay import ReplayGuard

__all__ = ["check_webhook", "verify_webhook"]

_MESSAGES = {
    "unsigned": "the webhook is not signed: it has no 'sig' (enable signed webhooks for the account)",
    "bad_signature": (
        "the webhook's signature does not match its fields: a wrong secret or signature method, "
        "or fields changed after signing"
    ),
}


def check_webhook(
    data: WebhookInput,
    secret: str,
    method: str = "md5hash",
    *,
    max_age: float | None = 300,
    replay_guard: ReplayGuard | None = None,
    now: float | None = None,
) -> None:
    """Check that a webhook comes from Vonage, now: return quietly, or raise why not.

    Args:
        data: the webhook as the parsers take it: a decoded mapping, or the raw query string,
            form body or JSON body (``str`` or ``bytes``).
        secret: the account's signature secret.
        method: the account's signature method: ``"md5hash"``, ``"md5"``, ``"sha1"``,
            ``"sha256"`` or ``"sha512"`` (Vonage sends HMAC digests in upper case; case is
            ignored).  The default, ``md5hash``, is Vonage's default and the weakest: set the
            account to SHA-256 HMAC and pass ``"sha256"`` (see :mod:`smscodec.signing`).
        max_age: the most seconds ``timestamp`` may differ from ``now``, either way; None
            skips this check (never the presence of ``sig`` and ``timestamp``).
        replay_guard: a :class:`~smscodec.vonage.ReplayGuard`; a webhook whose signature
            verified and is fresh is then claimed in it, and a second webhook with the same
            signature is ``"replayed"``.  Nothing is claimed for a webhook that fails.
        now: the current Unix time; None means :func:`time.time`.  For tests and for
            checking stored webhooks.

    Raises:
        WebhookVerificationError: the webhook must be rejected; ``reason`` says why:
            ``"unsigned"`` (no ``sig``, or no ``timestamp``), ``"bad_signature"`` (it does not
            match, or a field is a JSON object or array, which no signature covers),
            ``"stale"`` (``timestamp`` not Unix seconds, or more than ``max_age`` from now),
            ``"replayed"`` (``replay_guard`` accepted this signature before).  The checks run
            in that order; the message never holds the signature or the secret.
        WebhookError: the body itself is unreadable (see :func:`~smscodec.vonage.parse_inbound`),
            e.g. a field name holding ``&`` or ``=``.
        TypeError: ``data``, ``secret`` or ``replay_guard`` of a wrong type.
        SignatureError: an unknown ``method`` or an empty ``secret``.
        ArgumentError: a negative or NaN ``max_age``, a ``now`` that is not finite, or a
            ``replay_guard`` without ``ttl`` and ``max_age`` None or infinite.
    """
    if not isinstance(secret, str):
        raise TypeError(f"secret must be str, not {type(secret).__name__}")
    if replay_guard is not None and not isinstance(replay_guard, ReplayGuard):
        raise TypeError(f"replay_guard must be a ReplayGuard or None, not {type(replay_guard).__name__}")
    fields = normalize(data)
    current = time.time() if now is None else now
    # verdict() hashes even when sig is absent, so a bad method or secret raises every time,
    # and it checks max_age and now.
    outcome = verdict(fields, secret, method, max_age=max_age, now=current)
    if replay_guard is not None:
        replay_guard.check_window(max_age)
    if outcome == "unsigned":
        raise WebhookVerificationError(_MESSAGES["unsigned"], reason="unsigned")
    stamp_text = fields.get("timestamp")
    if not stamp_text:
        # Accepting a signed webhook without a timestamp would make the age check optional.
        raise WebhookVerificationError(
            "the webhook has no 'timestamp': Vonage adds 'sig', 'timestamp' and 'nonce' to every "
            "signed webhook",
            reason="unsigned",
        )
    if fields.nested:
        # Their JSON text was hashed, but a string with the same text hashes the same: the
        # signature cannot say which one Vonage sent.
        raise WebhookVerificationError(
            f"field {show(min(fields.nested))} is a JSON object or array: no signature covers its structure",
            reason="bad_signature",
        )
    if outcome == "bad_signature":
        raise WebhookVerificationError(_MESSAGES["bad_signature"], reason="bad_signature")
    stamp = read_timestamp(stamp_text)
    if outcome == "stale":
        if stamp is None:
            message = f"the webhook's timestamp {show(stamp_text)} is not Unix seconds"
        else:
            message = (
                f"the webhook's timestamp is {abs(current - stamp):.0f} s from now, more than "
                f"max_age ({max_age:g} s)"
            )
        raise WebhookVerificationError(message, reason="stale")
    if replay_guard is None:
        return
    # With max_age (checked by check_window when the guard has no ttl) the timestamp was
    # read above, or the webhook was stale; without, the guard has a fixed ttl.
    ttl = replay_guard.ttl_for(stamp, max_age, current)
    if not replay_guard.claim(fields["sig"], ttl):
        raise WebhookVerificationError(
            "the webhook's signature was accepted before: a replay, or Vonage retrying a webhook "
            "already received",
            reason="replayed",
        )


def verify_webhook(
    data: WebhookInput,
    secret: str,
    method: str = "md5hash",
    *,
    max_age: float | None = 300,
    now: float | None = None,
    replay_guard: ReplayGuard | None = None,
) -> bool:
    """Tell whether a webhook carries a valid signature made with ``secret``.

    The boolean form of :func:`check_webhook` (same arguments, same checks): use that one to
    learn why a webhook fails.

    Args:
        data: the webhook as the parsers take it: a decoded mapping, or the raw query string,
            form body or JSON body (``str`` or ``bytes``).
        secret: the account's signature secret.
        method: the account's signature method (default ``md5hash``, Vonage's default and
            the weakest; see :func:`check_webhook`).
        max_age: the most seconds ``timestamp`` may differ from ``now``, which limits
            replays of a captured webhook; None skips this check (never the presence check).
        now: the current Unix time; None means :func:`time.time`.
        replay_guard: as for :func:`check_webhook`: a replayed webhook is False.

    Returns:
        True when ``sig`` matches all the other fields and the webhook is fresh (and new, with
        ``replay_guard``); False when it is unsigned, has no ``timestamp``, does not match, is
        stale or replayed.

    Raises:
        TypeError: ``data``, ``secret`` or ``replay_guard`` of a wrong type.
        WebhookError: the body itself is unreadable (see the parsers).
        SignatureError: an unknown ``method`` or an empty ``secret``.
        ArgumentError: a negative or NaN ``max_age``, or a ``now`` that is not finite.
    """
    try:
        check_webhook(data, secret, method, max_age=max_age, replay_guard=replay_guard, now=now)
    except WebhookVerificationError:
        return False
    return True
