"""Helpers for the hostile-input tests (``tests/test_*_contracts.py``), not a test module.

Every parser and kernel that takes outside input must parse it or raise the library's own
error (``SmsCodecError`` subclasses), never anything else, and the compiled and pure twins
must agree on the result or on the error's type and message.  The helpers below state
that once; the tests that use them live in the file named after the module they test.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from smscodec.errors import SmsCodecError

Kernel = Callable[[str], ModuleType]

# Generous deadlines: the machine is shared and hypothesis must not flake on timing.
hostile = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to the parsers: every PEP 393 width, the escape, surrogates,
# separators of queries, JSON and XML.
ALPHABET = "aZ09 @$_€ΔΩ\x1b\x00\x7f\x80\xa0ç’…—😀\U0010ffff\ud800\udfff&=%+?{}[]<>\"':,"
texts = st.text(alphabet=ALPHABET, max_size=400) | st.text(max_size=200)
blobs = st.binary(max_size=400)

# Secrets that must never show in a message or a repr.
SECRET = "Sup3r-Secret-Value-42"
API_SECRET = "Api-Secret-Do-Not-Log-123"


def outcome(func: Callable[..., object], *args: object) -> tuple[object, ...]:
    """``("ok", result)`` or ``("raise", type, message)``: what ``func(*args)`` did."""
    try:
        return ("ok", func(*args))
    except Exception as exc:
        return ("raise", type(exc), str(exc))


def only_ours(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``func``; a library error is fine (returns None), anything else fails the test."""
    try:
        return func(*args, **kwargs)
    except SmsCodecError:
        return None


def error_of(call: Callable[[], object]) -> SmsCodecError | None:
    """The library error ``call()`` raised, or None when it returned."""
    try:
        call()
    except SmsCodecError as exc:
        return exc
    return None


def twins(kernel: Kernel, name: str, function: str, *args: object) -> tuple[object, ...]:
    """Run ``function`` of kernel ``name`` on this case's twin and on the pure twin.

    Both must return equal results or raise the same library error with the same message;
    returns the pure twin's :func:`outcome`.
    """
    live = kernel(name)
    spec = importlib.import_module(f"smscodec._{name}_py")
    got = outcome(getattr(live, function), *args)
    expected = outcome(getattr(spec, function), *args)
    assert got == expected
    if expected[0] == "raise":
        assert issubclass(expected[1], SmsCodecError), expected  # type: ignore[arg-type]
    return expected
