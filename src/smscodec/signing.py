"""Vonage request signing ("Signing Messages").

Theory of operation
-------------------
Vonage signs a request (and a webhook) by hashing a canonical *base string* built from
its parameters:

1. every parameter except ``sig`` itself;
2. keys sorted by Unicode code point (so ``message-timestamp`` sorts before ``messageId``:
   ``-`` is 0x2D, ``I`` is 0x49; upper case sorts before lower case);
3. in each *value*, ``&`` and ``=`` replaced by ``_`` (keys are left alone; the values
   sent on the wire stay unchanged, only the hashed copy is altered);
4. joined as ``&key=value`` with a leading ``&``; an empty value still contributes
   ``&key=`` (as the Python, PHP, Node and Ruby SDKs do; Java and .NET skip blanks);
5. encoded as UTF-8, raw: no URL encoding of spaces, ``+``, ``%`` or newlines.

``md5hash`` is the MD5 of the base string followed by the secret; ``md5``, ``sha1``,
``sha256`` and ``sha512`` are HMACs keyed by the secret.  The digest is lowercase hex;
Vonage itself sends HMAC signatures in upper case, so :func:`verify` compares
case-insensitively, in constant time.

Values must be ``str`` or ``int``.  Booleans and ``None`` are refused because the SDKs
disagree on them (Python hashes ``True``, JavaScript ``true``, PHP ``1``): serialize them
yourself and send the same string you signed.

Source: https://developer.vonage.com/en/getting-started/concepts/signing-messages
"""

from __future__ import annotations

__all__ = ["METHODS", "SignatureMethod", "base_string", "sign", "verify"]

import enum
import hashlib
import hmac
import math
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .errors import ArgumentError, SignatureError

if TYPE_CHECKING:
    from . import _signing_py as _kernel
else:
    from ._backend import load

    _kernel = load("signing")

# Bound once: sign() is meant to cost little more than the hash itself.
_canonical_bytes = _kernel.canonical_bytes


class SignatureMethod(str, enum.Enum):
    """The signature methods a Vonage account can be set to.

    A ``str`` enum: ``SignatureMethod.SHA256 == "sha256"``, and every function here takes
    either the member or its string value.
    """

    #: MD5 of the base string followed by the secret (Vonage's default, legacy).
    MD5HASH = "md5hash"
    #: HMAC-MD5 keyed by the secret.
    MD5 = "md5"
    #: HMAC-SHA1 keyed by the secret.
    SHA1 = "sha1"
    #: HMAC-SHA256 keyed by the secret (the method to choose for new accounts).
    SHA256 = "sha256"
    #: HMAC-SHA512 keyed by the secret.
    SHA512 = "sha512"


#: Every accepted method name, as plain strings.
METHODS: frozenset[str] = frozenset(m.value for m in SignatureMethod)

_BY_NAME: dict[str, SignatureMethod] = {m.value: m for m in SignatureMethod}

# A hashlib constructor for the HMAC methods; None for md5hash, which is not an HMAC.
_Hasher = Callable[..., Any] | None

# Method name -> its _Hasher.  Keyed by plain str so that sign() resolves the usual
# spelling with one dict lookup.
_HASHERS: dict[str, _Hasher] = {
    "md5hash": None,
    "md5": hashlib.md5,
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
}
_UNKNOWN: Any = object()
_md5 = hashlib.md5
_hmac_new = hmac.new

# Longest timestamp we parse: 20 digits is far past any Unix time in seconds and keeps
# int() away from huge inputs.
_MAX_TIMESTAMP_DIGITS = 20


def _method(method: object) -> SignatureMethod:
    if isinstance(method, SignatureMethod):
        return method
    known = _BY_NAME.get(method) if type(method) is str else None
    if known is not None:
        return known
    if not isinstance(method, str):
        raise TypeError(f"method must be a str, not {type(method).__name__}")
    try:
        return SignatureMethod(method.lower())
    except ValueError:
        raise SignatureError(
            f"unknown signature method {method!r}; expected one of "
            "'md5hash', 'md5', 'sha1', 'sha256', 'sha512'"
        ) from None


def _as_dict(params: Mapping[str, str | int]) -> dict[Any, Any]:
    # The kernels take an exact dict; any other mapping is copied (its items, as it
    # reports them).
    if type(params) is dict:
        return params
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping, not {type(params).__name__}")
    return dict(params.items())


def base_string(params: Mapping[str, str | int]) -> str:
    """Build the canonical string that Vonage hashes to sign ``params``.

    Every key but ``sig``, sorted by code point, each as ``&key=value`` with ``&`` and
    ``=`` in the value replaced by ``_``.  Show it to whoever debugs an "invalid
    signature": it is the first thing to compare with the other side.

    Returns:
        The base string (a ``str``; it is hashed as UTF-8).

    Raises:
        TypeError: ``params`` is not a mapping.
        SignatureError: a key that is not a ``str``, a value that is not ``str`` or
            ``int`` (``bool`` and ``None`` included), or a key or value with a lone
            surrogate (it has no UTF-8 form, so it cannot be hashed).
    """
    return _canonical_bytes(_as_dict(params), b"").decode("utf-8")


def _secret(secret: object) -> bytes:
    if not isinstance(secret, str):
        raise TypeError(f"secret must be a str, not {type(secret).__name__}")
    if not secret:
        # Anyone can forge a signature keyed by an empty secret; it is always a
        # configuration mistake (an unset environment variable), never a real secret.
        raise SignatureError("the signature secret is empty")
    try:
        return secret.encode("utf-8")
    except UnicodeEncodeError:
        raise SignatureError(
            "the signature secret contains a lone surrogate and cannot be encoded as UTF-8"
        ) from None


def _hasher(method: object) -> _Hasher:
    # The usual spelling, a plain lowercase str, costs one dict lookup; anything else
    # (a SignatureMethod member, "SHA256", a wrong type or name) goes through _method.
    if type(method) is str and method in _HASHERS:
        return _HASHERS[method]
    return _HASHERS[_method(method).value]


def _digest(params: Mapping[str, str | int], key: bytes, hasher: _Hasher) -> str:
    if type(params) is not dict:
        params = _as_dict(params)
    if hasher is None:
        # md5hash: MD5 of base string + secret; the kernel appends the secret itself,
        # which saves copying the whole string once more.
        return _md5(_canonical_bytes(params, key)).hexdigest()
    return _hmac_new(key, _canonical_bytes(params, b""), hasher).hexdigest()


def sign(params: Mapping[str, str | int], secret: str, method: str = "md5hash") -> str:
    """Sign ``params`` with ``secret``: the value to send as ``sig``.

    ``params`` are exactly the parameters sent (including ``api_key`` and ``timestamp``);
    an existing ``sig`` is ignored.  Nothing is added: put a ``timestamp`` in yourself
    (:func:`smscodec.vonage.build_send_payload` does).

    Returns:
        The lowercase hex digest.

    Raises:
        TypeError: ``params`` is not a mapping, or ``secret``/``method`` is not a ``str``.
        SignatureError: an unknown ``method``, an empty secret, a key that is not a
            ``str``, a value that is not ``str`` or ``int``, or a lone surrogate.
    """
    # _hasher, _secret and _digest written out for the usual arguments: sign() is meant
    # to cost little more than the hash itself (issue 5, "Speed"), and the three calls
    # took ~70 ns, 7% of an MD5 signature of a 10-field payload.
    hasher = _HASHERS.get(method, _UNKNOWN) if type(method) is str else _UNKNOWN
    if hasher is _UNKNOWN:
        hasher = _hasher(method)
    # An ASCII secret encodes without error; _secret checks and encodes the rest.
    key = secret.encode() if type(secret) is str and secret and secret.isascii() else _secret(secret)
    if type(params) is not dict:
        params = _as_dict(params)
    if hasher is None:
        return _md5(_canonical_bytes(params, key)).hexdigest()
    return _hmac_new(key, _canonical_bytes(params, b""), hasher).hexdigest()


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    number = float(value)
    if math.isnan(number):
        raise ArgumentError(f"{name} must be a number, not NaN", argument=name)
    return number


def _timestamp(value: object) -> int | None:
    # Vonage sends Unix seconds as a string of digits; an int is accepted too.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if (
        isinstance(value, str)
        and 0 < len(value) <= _MAX_TIMESTAMP_DIGITS
        and value.isascii()
        and value.isdigit()
    ):
        return int(value)
    return None


def verify(
    params: Mapping[str, str | int],
    secret: str,
    method: str = "md5hash",
    *,
    max_age: float | None = None,
    now: float | None = None,
) -> bool:
    """Check the ``sig`` in ``params`` against ``secret``.

    The comparison is constant-time and case-insensitive (Vonage sends HMAC signatures
    in upper case).  With ``max_age``, the ``timestamp`` parameter (Unix seconds) must
    also lie within ``max_age`` seconds of ``now``, in either direction (clock skew),
    which bounds how long a captured request can be replayed.

    Returns:
        ``True`` when the signature matches (and the timestamp is fresh, with
        ``max_age``).  ``False`` for a missing, malformed or wrong ``sig``, and, with
        ``max_age``, for a missing, non-numeric or stale ``timestamp``.  A bad signature
        is not an error: treat ``False`` as "reject the request".

    Raises:
        TypeError: ``params`` is not a mapping, ``secret``/``method`` is not a ``str``,
            or ``max_age``/``now`` is not a number.
        ArgumentError: ``max_age`` is negative or NaN, or ``now`` is NaN.
        SignatureError: unusable input, as for :func:`sign` (unknown method, empty
            secret, a value that is not ``str`` or ``int``).
    """
    hasher = _hasher(method)
    key = _secret(secret)
    window = None if max_age is None else _real("max_age", max_age)
    if window is not None and window < 0:
        raise ArgumentError(f"max_age must be >= 0, not {max_age!r}", argument="max_age")
    current = None if now is None else _real("now", now)

    # Always hash, so that bad input raises the same way whether or not a sig is present.
    expected = _digest(params, key, hasher).encode("ascii")
    given = params.get("sig")
    if not isinstance(given, str):
        return False
    try:
        # bytes.lower() folds ASCII only: no Unicode case mapping can turn a
        # non-hex character into a hex digit.
        given_bytes = given.encode("ascii").lower()
    except UnicodeEncodeError:
        return False
    matches = hmac.compare_digest(given_bytes, expected)

    if window is None:
        return matches
    stamp = _timestamp(params.get("timestamp"))
    if stamp is None:
        return False
    if current is None:
        current = time.time()
    return matches and abs(current - stamp) <= window
