"""Check the signature of a delivery-receipt or inbound-message webhook.

With signed webhooks enabled, Vonage adds ``timestamp``, ``nonce`` and ``sig`` to every
webhook; ``sig`` covers every other received field ("Signing Messages" guide).  Verify
before acting on a webhook, and before parsing it if unsigned input must not even be read:
:func:`verify_webhook` takes the same inputs as the parsers.
"""

from __future__ import annotations

from ..signing import verify
from ._webhook_input import WebhookInput, normalize_webhook

__all__ = ["verify_webhook"]


def verify_webhook(
    data: WebhookInput,
    secret: str,
    method: str = "md5hash",
    *,
    max_age: float | None = 300,
    now: float | None = None,
) -> bool:
    """Tell whether a webhook carries a valid signature made with ``secret``.

    Args:
        data: the webhook as the parsers take it: a decoded mapping, or the raw query string,
            form body or JSON body (``str`` or ``bytes``).
        secret: the account's signature secret.
        method: the account's signature method: ``"md5hash"``, ``"md5"``, ``"sha1"``,
            ``"sha256"`` or ``"sha512"`` (Vonage sends HMAC digests in upper case; case is
            ignored).
        max_age: the most seconds ``timestamp`` may differ from ``now``, which limits
            replays of a captured webhook; None skips this check (never the presence check).
        now: the current Unix time; None means :func:`time.time`.  For tests and for
            checking stored webhooks.

    Returns:
        True when ``sig`` matches all the other fields; False when it does not, when ``sig``
        or ``timestamp`` is missing, or when ``timestamp`` is outside ``max_age``.

    Raises:
        TypeError: ``data`` or ``secret`` of a wrong type.
        WebhookError: the body itself is unreadable (see the parsers).
        SignatureError: an unknown ``method`` or an empty ``secret``.
        ArgumentError: a negative or NaN ``max_age``, or a NaN ``now``.
    """
    if not isinstance(secret, str):
        raise TypeError(f"secret must be str, not {type(secret).__name__}")
    fields = normalize_webhook(data)
    # verify() hashes even when sig is absent, so a bad method or secret raises every time.
    matches = verify(fields, secret, method, max_age=max_age, now=now)
    # An unsigned webhook fails even with max_age=None: accepting one would make signing optional.
    return matches and bool(fields.get("timestamp"))
