"""Signing canonicalization kernel, pure Python: the readable twin of ``_signing_c``.

``canonical_bytes(params, suffix)`` is Vonage's base string as UTF-8, followed by
``suffix`` (the secret's UTF-8 for ``md5hash``, which hashes "base string + secret";
``b""`` for the HMAC methods):

1. every item but the one keyed ``"sig"``;
2. sorted by key, by code point (UTF-8 byte order is the same order);
3. each written ``&key=value``, with ``&`` and ``=`` in the *value* replaced by ``_``
   (Vonage's rule); a *key* holding ``&`` or ``=`` is refused (see below);
4. ``str`` values as they are, ``int`` values in decimal (``int.__repr__``, so an
   ``IntEnum`` member is its number, never its name); ``str`` subclasses are read as
   plain ``str``, never through their ``__str__``.

The public layer (``smscodec.signing``) hands in an exact ``dict`` and exact ``bytes``.

Why a key may not hold ``&`` or ``=``
-------------------------------------
Values lose their ``&`` and ``=``, so once every key is free of them the base string
splits back into its items unambiguously: on ``&`` into ``key=value`` pieces, each on
its one ``=``.  Two field sets then share a base string only when they have the same
keys and their values differ only where one has ``&``, ``=`` or ``_`` and the other
``_`` (Vonage's own replacement, which no receiver can undo).  A key with ``&`` or ``=``
breaks that: ``{"a": "1", "b": "2"}`` and ``{"a=1&b": "2"}`` would both give
``&a=1&b=2``, so whoever holds one signed field set could present the other, with
fields merged or split.  Empty keys, control characters and keys that merely look like
``sig`` (``"SIG"``, ``"sig "``) cannot do that (they are hashed like any other key), so
this layer accepts them; the webhook layer refuses names Vonage never sends.

Errors (both twins raise the same ones, with the same messages):

* in the dict's iteration order, for the first item that has one: a key that is not a
  ``str``; then (unless the key is ``"sig"``, whose value is never looked at) a key
  holding ``&`` or ``=``; then a value that is a ``bool`` or neither ``str`` nor
  ``int``, or an ``int`` too large for ``int.__repr__``: SignatureError;
* only when none of those: a key or value with a lone surrogate (no UTF-8 form):
  SignatureError for the first one in iteration order, the key before its value.
"""

from __future__ import annotations

__all__ = ["canonical_bytes"]

from operator import itemgetter
from typing import Any, NoReturn

from .errors import SignatureError

# Sort by key only: a stable sort keeps dict order between keys that only compare equal
# as plain str (str subclasses with their own __eq__/__hash__ can make two of them).
_BY_KEY = itemgetter(0)


def canonical_bytes(params: dict[Any, Any], suffix: bytes, /) -> bytes:
    """Vonage's base string for ``params`` as UTF-8, then ``suffix``.

    Returns:
        ``b"&k1=v1&k2=v2..." + suffix``.

    Raises:
        SignatureError: a key that is not a ``str`` or holds ``&`` or ``=``, a value that
            is not ``str`` or ``int`` (``bool`` included), an ``int`` too large to write
            out, or a lone surrogate in a key or value.
    """
    # The common case, every key and value an exact str, without a function call per
    # item; anything else (and every error) goes the general way.
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if type(key) is not str or type(value) is not str:
            return _general(params, suffix)
        if key == "sig":
            continue
        if "&" in value or "=" in value:
            value = value.replace("&", "_").replace("=", "_")
        pairs.append((key, value))
    # A key with "&" or "=" is refused the general way.  Every key is an exact str here,
    # so one join and two scans check them all (cheaper than two tests per key).
    names = "".join(params)
    if "&" in names or "=" in names:
        return _general(params, suffix)
    # Exact str keys of one dict are distinct, so tuples compare by key alone.
    pairs.sort()
    try:
        return "".join([f"&{key}={value}" for key, value in pairs]).encode("utf-8") + suffix
    except UnicodeEncodeError:
        return _general(params, suffix)


def _general(params: dict[Any, Any], suffix: bytes) -> bytes:
    items: list[tuple[str, str]] = []
    for raw_key, raw_value in params.items():
        key = _key(raw_key)
        if key == "sig":
            continue
        if "&" in key or "=" in key:
            raise SignatureError(_ambiguous_key(key))
        items.append((key, _value(key, raw_value)))
    ordered = sorted(items, key=_BY_KEY)
    try:
        data = "".join([f"&{key}={value}" for key, value in ordered]).encode("utf-8")
    except UnicodeEncodeError:
        _raise_unencodable(items)
    return data + suffix


def _key(key: object) -> str:
    if type(key) is str:
        return key
    if isinstance(key, str):
        return str.__str__(key)  # a plain copy: a subclass's __str__ must not change what is signed
    raise SignatureError(f"parameter names must be str, found a key of type {type(key).__name__}")


def _ambiguous_key(key: str) -> str:
    return (
        f"parameter name {key!r} holds '&' or '=': the signed string could not tell it from "
        "other, merged or split, fields"
    )


def _value(key: str, value: object) -> str:
    # Exact str first: the common case costs one comparison.
    if type(value) is str:
        text = value
    elif isinstance(value, bool):
        raise SignatureError(
            f"value of {key!r} is a bool; serialize it explicitly (e.g. 'true') before signing: "
            "the official SDKs disagree on how booleans are hashed"
        )
    elif isinstance(value, str):
        text = str.__str__(value)
    elif isinstance(value, int):
        try:
            # int.__repr__, not str(): an IntEnum's __str__ is its name on Python 3.10.
            text = int.__repr__(value)
        except ValueError:  # beyond sys.get_int_max_str_digits()
            raise SignatureError(f"value of {key!r} is an int too large to write out") from None
    else:
        raise SignatureError(
            f"value of {key!r} is {type(value).__name__}; expected str or int "
            "(serialize None, booleans and numbers yourself and send the same string)"
        )
    if "&" in text or "=" in text:
        text = text.replace("&", "_").replace("=", "_")
    return text


def _raise_unencodable(items: list[tuple[str, str]]) -> NoReturn:
    # Only reached when the joined text does not encode: find the first culprit, in
    # dict order, and name it without echoing its value.
    for key, value in items:
        if not _encodable(key):
            raise SignatureError(f"parameter name {key!r} is not valid Unicode")
        if not _encodable(value):
            raise SignatureError(f"value of {key!r} contains a lone surrogate and cannot be encoded as UTF-8")
    # Unreachable: the joined text encodes when every part does.
    raise SignatureError("a parameter contains a lone surrogate and cannot be encoded as UTF-8")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
