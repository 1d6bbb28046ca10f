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

What the signature does not cover
---------------------------------
Step 3 is Vonage's, and no receiver can undo it: two field sets whose values differ only
where one has ``&``, ``=`` or ``_`` and the other ``_`` have the same base string, hence the
same signature.  ``{"text": "a=b&c"}``, ``{"text": "a_b_c"}`` and ``{"text": "a&b=c"}``
are one signed message, and whoever holds one signed webhook can present the others.
So never let a decision depend on whether a signed value holds ``&``, ``=`` or ``_`` at
some place (a text with a ``key=value`` command, a URL's query in ``client-ref``): read
such a value as "the characters, with these three indistinguishable".

Everything else is covered.  A parameter *name* holding ``&`` or ``=`` would let fields be
merged or split without changing the base string (``{"a": "1", "b": "2"}`` and
``{"a=1&b": "2"}`` both give ``&a=1&b=2``), so such a name is refused: :func:`sign` and
:func:`base_string` raise :class:`~smscodec.errors.SignatureError`, :func:`verify` answers
False.  Once names are free of both characters the base string splits back into its
fields, so no other two field sets share it.

Choosing a method
-----------------
The method is an account setting (dashboard, "Settings", signature method); both sides
must use the same one.  ``md5hash``, Vonage's default and the default here, is the weak
one: not an HMAC but plain MD5 over "base string + secret", and MD5's collision
resistance is broken (chosen-prefix collisions are practical), which a secret-suffix
construction inherits.  No practical forgery of a Vonage signature is known (the
attacker does not choose the nonce and timestamp that come before most fields), but there
is no margin left: set the account to **SHA-256 HMAC** (or SHA-512 HMAC) and pass
``method="sha256"``.  The default stays ``md5hash`` on purpose: a library default that
differs from the account's makes every signed send refused and every webhook fail to
verify, so it would break each account left at Vonage's default and protect none.

Source: https://developer.vonage.com/en/getting-started/concepts/signing-messages
"""

from __future__ import annotations

__all__ = [
    "METHODS",
    "SignatureMethod",
    "Verdict",
    "base_string",
    "read_timestamp",
    "sign",
    "verdict",
    "verify",
]

import enum
import hashlib
import hmac
import math
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

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

    #: MD5 of the base string followed by the secret: Vonage's default, and weak (not an
    #: HMAC; MD5 collisions are practical).  Prefer SHA256.
    MD5HASH = "md5hash"
    #: HMAC-MD5 keyed by the secret.
    MD5 = "md5"
    #: HMAC-SHA1 keyed by the secret.
    SHA1 = "sha1"
    #: HMAC-SHA256 keyed by the secret: the method to set the account to.
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
# The same bound for an int timestamp: a float cannot hold 10**400 (OverflowError).
_MAX_TIMESTAMP = 10**_MAX_TIMESTAMP_DIGITS

# Longest method argument an error message quotes: the real names have at most 7
# characters, a signature secret (what a swapped argument would put there) far more.
_MAX_SHOWN_METHOD = 12

#: Why a signature check failed, or ``"valid"``: the reasons of :func:`verdict`.
Verdict: TypeAlias = Literal["valid", "unsigned", "bad_signature", "stale"]


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
        # Quoted only when it looks like a method name: a secret passed where the method
        # goes (swapped arguments) must not end up in a log.
        shown = repr(method) if len(method) <= _MAX_SHOWN_METHOD else f"of {len(method)} characters"
        raise SignatureError(
            f"unknown signature method {shown}; expected one of 'md5hash', 'md5', 'sha1', 'sha256', 'sha512'"
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

    The replacement in values is Vonage's: values that differ only in ``&``, ``=`` and
    ``_`` give the same string (see the module's "What the signature does not cover").

    Returns:
        The base string (a ``str``; it is hashed as UTF-8).

    Raises:
        TypeError: ``params`` is not a mapping.
        SignatureError: a key that is not a ``str`` or that holds ``&`` or ``=`` (it
            would make the string ambiguous), a value that is not ``str`` or ``int``
            (``bool`` and ``None`` included), or a key or value with a lone surrogate (it
            has no UTF-8 form, so it cannot be hashed).
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

    ``method`` must be the account's signature method.  The default, ``md5hash``, is
    Vonage's default and the weakest method (see the module's "Choosing a method"):
    prefer ``"sha256"`` once the account is set to it.

    Returns:
        The lowercase hex digest.

    Raises:
        TypeError: ``params`` is not a mapping, or ``secret``/``method`` is not a ``str``.
        SignatureError: an unknown ``method``, an empty secret, a key that is not a
            ``str`` or holds ``&`` or ``=``, a value that is not ``str`` or ``int``, or a
            lone surrogate.
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


def _real(name: str, value: object, *, finite: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # an int past a float's range, e.g. 10**400
        raise ArgumentError(f"{name} is too large to be a number of seconds", argument=name) from None
    if math.isnan(number):
        raise ArgumentError(f"{name} must be a number, not NaN", argument=name)
    if finite and math.isinf(number):
        raise ArgumentError(f"{name} must be finite, not {number}", argument=name)
    return number


def read_timestamp(value: object) -> int | None:
    """Read a ``timestamp`` parameter as Unix seconds, the way :func:`verify` does.

    Vonage sends Unix seconds as a string of ASCII digits; an ``int`` is accepted too.

    Returns:
        The seconds, or None for anything else: a missing value, a ``bool``, a string
        that is not 1 to 20 ASCII digits (no sign, no spaces, no other scripts' digits),
        or an ``int`` of 10**20 or more in size (so that no comparison with a float can
        overflow).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value) if -_MAX_TIMESTAMP < value < _MAX_TIMESTAMP else None
    if (
        isinstance(value, str)
        and 0 < len(value) <= _MAX_TIMESTAMP_DIGITS
        and value.isascii()
        and value.isdigit()
    ):
        return int(value)
    return None


def _ambiguous(params: Mapping[Any, Any]) -> bool:
    return any(isinstance(key, str) and ("&" in key or "=" in key) for key in params)


def verdict(
    params: Mapping[str, str | int],
    secret: str,
    method: str = "md5hash",
    *,
    max_age: float | None = None,
    now: float | None = None,
) -> Verdict:
    """Check the ``sig`` in ``params`` against ``secret`` and say why it fails, if it does.

    The same check as :func:`verify` (which is ``verdict(...) == "valid"``), for callers
    that report or log the reason; :func:`smscodec.vonage.check_webhook` turns it into an
    exception.

    Returns:
        ``"valid"``; ``"unsigned"`` when ``sig`` is missing or empty; ``"bad_signature"``
        when it does not match (wrong secret or method, changed fields, a ``sig`` that is
        not hex, a parameter name holding ``&`` or ``=``); with ``max_age``, ``"stale"``
        when the signature matches but ``timestamp`` is missing, not Unix seconds (see
        :func:`read_timestamp`) or more than ``max_age`` seconds from ``now``.

    Raises:
        TypeError: ``params`` is not a mapping, ``secret``/``method`` is not a ``str``,
            or ``max_age``/``now`` is not a number.
        ArgumentError: ``max_age`` is negative, NaN or too large for a float, or ``now``
            is not finite.
        SignatureError: unusable input, as for :func:`sign` (unknown method, empty
            secret, a value that is not ``str`` or ``int``).
    """
    hasher = _hasher(method)
    key = _secret(secret)
    window = None if max_age is None else _real("max_age", max_age)
    if window is not None and window < 0:
        raise ArgumentError(f"max_age must be >= 0, not {max_age!r}", argument="max_age")
    current = None if now is None else _real("now", now, finite=True)

    # Always hash, so that bad input raises the same way whether or not a sig is present.
    try:
        expected = _digest(params, key, hasher).encode("ascii")
    except SignatureError:
        # A name with "&" or "=" is what a forgery merging fields looks like, never a
        # mistake of the caller's own: answer "no", as for any other forged field set.
        if isinstance(params, Mapping) and _ambiguous(params):
            return "bad_signature"
        raise
    given = params.get("sig")
    if not isinstance(given, str) or not given:
        return "unsigned"
    try:
        # bytes.lower() folds ASCII only: no Unicode case mapping can turn a
        # non-hex character into a hex digit.
        given_bytes = given.encode("ascii").lower()
    except UnicodeEncodeError:
        return "bad_signature"
    if not hmac.compare_digest(given_bytes, expected):
        return "bad_signature"

    if window is None:
        return "valid"
    stamp = read_timestamp(params.get("timestamp"))
    if stamp is None:
        return "stale"
    if current is None:
        current = time.time()
    return "valid" if abs(current - stamp) <= window else "stale"


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
    which bounds how long a captured request can be replayed (a replay inside the
    window needs a replay guard: :class:`smscodec.vonage.ReplayGuard`).

    ``method`` must be the account's; the default ``md5hash`` is Vonage's default and the
    weakest method (see the module's "Choosing a method").  :func:`verdict` gives the
    reason of a ``False``.

    Returns:
        ``True`` when the signature matches (and the timestamp is fresh, with
        ``max_age``).  ``False`` for a missing, malformed or wrong ``sig``, for a
        parameter name holding ``&`` or ``=`` (a forgery that merges fields), and, with
        ``max_age``, for a missing, non-numeric or stale ``timestamp``.  A bad signature
        is not an error: treat ``False`` as "reject the request".

    Raises:
        TypeError: ``params`` is not a mapping, ``secret``/``method`` is not a ``str``,
            or ``max_age``/``now`` is not a number.
        ArgumentError: ``max_age`` is negative, NaN or too large for a float, or ``now``
            is not finite.
        SignatureError: unusable input, as for :func:`sign` (unknown method, empty
            secret, a value that is not ``str`` or ``int``).
    """
    return verdict(params, secret, method, max_age=max_age, now=now) == "valid"
