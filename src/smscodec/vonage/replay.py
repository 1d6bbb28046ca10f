"""The replay guard: a signed webhook is accepted once, not once per copy.

A signature only proves that Vonage signed these fields at ``timestamp``; whoever captured
the request (a log, a proxy, a browser history of a GET webhook) can send it again, and
:func:`~smscodec.vonage.check_webhook`'s ``max_age`` window accepts every copy until the
timestamp grows stale.  :class:`ReplayGuard` closes the window: it remembers each signature
it has accepted, for as long as a copy could still pass the time check, and
``check_webhook`` reports a second use as ``"replayed"``.

Theory of operation
-------------------
* **What is remembered: the signature.**  It covers every field, the ``nonce`` and the
  ``timestamp`` included, so it names the field set.  Keying on it also catches the copies
  that keep a signature valid while looking different: hex in the other case (Vonage sends
  HMACs in upper case, the check ignores case) and values with ``&``, ``=`` and ``_`` swapped
  (Vonage's base string cannot tell them apart).  Only a hash of the lower-cased signature
  is stored, never the signature itself.
* **For how long: until the time check would refuse the copy anyway.**  A webhook stamped
  ``T`` passes ``max_age`` until ``T + max_age``; the guard keeps it that long from the
  moment it is accepted, plus :attr:`ReplayGuard.margin` (default 60 s) for clocks that
  differ between the workers sharing the store.  ``ttl`` fixes the time instead.
* **Where: in a store** (:mod:`smscodec.vonage.stores`), whose ``claim`` records a key
  atomically and says whether it was new.  The default :class:`~smscodec.vonage.MemoryStore`
  guards one process; workers on one host share a ``SQLiteStore``, several hosts a
  ``RedisStore``.  Only a signature that verified is ever claimed, so forged webhooks
  cannot fill the store or lock out a genuine one.

Giving a claim back
-------------------
A claim stays until its time runs out, and Vonage's retry of a webhook carries the same
signature: if the handler fails after ``check_webhook`` claimed it, the retry would be
refused as ``"replayed"`` and the webhook lost.  So a receiver claims, processes, and on
failure gives the claim back (:meth:`ReplayGuard.release`) and answers 5xx, so that the
retry is accepted and processed again::

    try:
        check_webhook(body, SECRET, "sha256", replay_guard=guard)   # claims the signature
    except WebhookVerificationError as exc:
        return 200 if exc.reason == "replayed" else 401          # 200: we have it already
    except WebhookError:
        return 400                                               # not a webhook at all
    try:
        handle(body)                                             # durable first
    except WebhookError:
        return 400       # a retry would fail alike: the claim stays, the retry gets 200
    except Exception:
        guard.release(body)                 # so that the retry is accepted ...
        return 500                          # ... and Vonage sends one
    return 200

Answer a ``"replayed"`` webhook with a 2xx, so that Vonage stops retrying something already
received.  What a give-back cannot cover: a worker killed while handling never gives its
claim back, and the retry is ``"replayed"`` until the claim expires (by then the retry's
``timestamp`` is stale, as it is the original's).  So make the first step of handling
durable and short (with a :class:`~smscodec.vonage.Reassembler`, ``confirm=True`` keeps a
completed message in the store until it is handled, so that nothing the store accepted is
lost with the worker).  ``release`` removes the record whoever made it: call it only for a
claim your own ``check_webhook`` call just made.

Thread and process safety are the store's: one guard may serve every thread of a process,
and guards over one :class:`~smscodec.vonage.SQLiteStore` or
:class:`~smscodec.vonage.RedisStore` serve every worker; ``claim`` and ``release`` are each
one atomic store operation.
"""

from __future__ import annotations

import hashlib
import math

from ..errors import ArgumentError
from ._wire import WebhookInput, normalize
from .stores import MemoryStore, Store

__all__ = ["ReplayGuard"]

# Seconds added to each record for clocks that differ between the workers that share a
# store: a worker whose clock is behind accepts a timestamp that much longer.
_DEFAULT_MARGIN = 60.0


def _seconds(name: str, value: object, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:
        raise ArgumentError(f"{name} is too large to be a number of seconds", argument=name) from None
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        raise ArgumentError(
            f"{name} must be a finite number of seconds {'>= 0' if allow_zero else '> 0'}, not {value!r}",
            argument=name,
        )
    return number


class ReplayGuard:
    """Remembers the signatures of accepted webhooks and reports a second use.

    Pass one to :func:`~smscodec.vonage.check_webhook` (``replay_guard=``); share one guard
    (or guards over one shared store) between every worker that receives the account's
    webhooks.

    Args:
        store: where the signatures are recorded: any object with
            ``claim(namespace, key, ttl) -> bool`` (:class:`~smscodec.vonage.stores.Store`);
            None makes a new :class:`~smscodec.vonage.MemoryStore` (this process only).
        ttl: seconds to remember each signature; None (the default) remembers it for as
            long as ``check_webhook``'s ``max_age`` lets a copy through (until its
            timestamp plus ``max_age``), plus ``margin``.
        margin: seconds added to the computed time for clock differences between workers
            (unused with ``ttl``).
        namespace: the store namespace of the records, to keep several guards (several
            accounts) apart in one store.

    Raises:
        TypeError: a ``store`` without a ``claim`` method, or a wrong argument type.
        ArgumentError: ``ttl`` not a positive finite number, ``margin`` negative or not
            finite, or an empty ``namespace``.
    """

    __slots__ = ("_margin", "_namespace", "_store", "_ttl")

    def __init__(
        self,
        store: Store | None = None,
        *,
        ttl: float | None = None,
        margin: float = _DEFAULT_MARGIN,
        namespace: str = "replay",
    ) -> None:
        if store is None:
            store = MemoryStore()
        elif not callable(getattr(store, "claim", None)):
            raise TypeError(
                f"store must have a claim(namespace, key, ttl) method, not {type(store).__name__}"
            )
        if not isinstance(namespace, str):
            raise TypeError(f"namespace must be a str, not {type(namespace).__name__}")
        if not namespace:
            raise ArgumentError("namespace must not be empty", argument="namespace")
        self._store = store
        self._ttl = None if ttl is None else _seconds("ttl", ttl, allow_zero=False)
        self._margin = _seconds("margin", margin, allow_zero=True)
        self._namespace = namespace

    @property
    def store(self) -> Store:
        """The store the signatures are recorded in."""
        return self._store

    @property
    def ttl(self) -> float | None:
        """The fixed time each signature is remembered, or None when it follows ``max_age``."""
        return self._ttl

    @property
    def margin(self) -> float:
        """Seconds added to the computed time for clock differences between workers."""
        return self._margin

    @property
    def namespace(self) -> str:
        """The store namespace of the records."""
        return self._namespace

    def __repr__(self) -> str:
        return (
            f"ReplayGuard(store={type(self._store).__name__}(), ttl={self._ttl!r}, "
            f"margin={self._margin!r}, namespace={self._namespace!r})"
        )

    def check_window(self, max_age: float | None) -> None:
        """Raise unless this guard can be used with ``max_age`` (``check_webhook`` calls it first).

        Raises:
            ArgumentError: no :attr:`ttl` and ``max_age`` is None or infinite: a copy would
                pass the time check forever, so no finite time would be enough.
        """
        if self._ttl is None and (max_age is None or not math.isfinite(max_age)):
            raise ArgumentError(
                "a replay guard without ttl needs a finite max_age: without a time window a "
                "captured webhook stays valid forever, so no record could be kept long enough",
                argument="max_age",
            )

    def ttl_for(self, timestamp: int | None, max_age: float | None, now: float) -> float:
        """How long to remember a webhook stamped ``timestamp``, accepted at ``now``.

        Returns:
            :attr:`ttl` when set; else the seconds until ``timestamp + max_age`` (when the
            time check starts refusing copies) plus :attr:`margin`, never less than the margin.

        Raises:
            ArgumentError: as :meth:`check_window`, or no :attr:`ttl` and no ``timestamp``.
        """
        if self._ttl is not None:
            return self._ttl
        self.check_window(max_age)
        assert max_age is not None  # checked just above; for the type checker
        if timestamp is None:
            raise ArgumentError(
                "a webhook without a readable timestamp can only be remembered for a fixed ttl",
                argument="timestamp",
            )
        return max(float(timestamp) + max_age - now, 0.0) + self._margin

    def claim(self, signature: str, ttl: float) -> bool:
        """Record ``signature`` as used for ``ttl`` seconds.

        Call it only with a signature that verified (``check_webhook`` does).

        Returns:
            True the first time; False when it is already recorded and not yet expired
            (a replay).

        Raises:
            TypeError: ``signature`` is not a ``str``.
            ArgumentError: ``ttl`` is not a positive finite number.
            Whatever the store raises: a store that cannot answer must not be taken for
            "first use".
        """
        key = _key(signature)
        seconds = _seconds("ttl", ttl, allow_zero=False)
        return bool(self._store.claim(self._namespace, key, seconds))

    def forget(self, signature: str) -> bool:
        """Give back the claim on ``signature``: the next :meth:`claim` of it is first again.

        Returns:
            True if a claim that had not expired was removed; False if there was none.

        Raises:
            TypeError: ``signature`` is not a ``str``, or the store cannot give claims back
                (it has no ``unclaim(namespace, key)``; the library's stores all do).
            StoreError: a shared store failed (a store of your own raises what it raises):
                the claim may still be there.
        """
        key = _key(signature)
        unclaim = getattr(self._store, "unclaim", None)
        if not callable(unclaim):
            raise TypeError(
                f"{type(self._store).__name__} cannot give claims back: it has no "
                "unclaim(namespace, key) method"
            )
        return bool(unclaim(self._namespace, key))

    def release(self, data: WebhookInput) -> bool:
        """Give back the claim that :func:`~smscodec.vonage.check_webhook` made for this
        webhook, because handling it failed: Vonage's retry (same fields, same signature)
        is then accepted instead of ``"replayed"`` (see the module docstring).

        Args:
            data: the webhook exactly as it was passed to ``check_webhook`` (a mapping, or
                the raw query string, form body or JSON body).

        Returns:
            True if a live claim was removed; False if there was none (the webhook has no
            ``sig``, was never claimed, or its claim expired or was given back already).

        Raises:
            WebhookError: ``data`` is unreadable (it cannot have passed ``check_webhook``).
            TypeError: ``data`` of a wrong type, or as :meth:`forget`.
            StoreError: as :meth:`forget`.
        """
        signature = normalize(data).get("sig")
        if not signature:
            return False
        return self.forget(signature)


def _key(signature: object) -> str:
    """The store key of a signature."""
    if not isinstance(signature, str):
        raise TypeError(f"signature must be a str, not {type(signature).__name__}")
    # Hex case is not significant (the check ignores it); a digest of the signature keeps
    # the store free of signatures and its keys one size.
    return hashlib.sha256(signature.lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]
