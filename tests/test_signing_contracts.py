"""Hostile input to ``smscodec.signing`` and the secrets rule.

Random parameter mappings go into the canonical string, ``sign`` and ``verify``: the
kernel twins agree (``kernel`` fixture) and no error shows the secret.  Then the bounded
timestamp, no secret and no expected signature in any message or ``repr``, and
signature comparison in constant time.
"""

from __future__ import annotations

import hmac
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile import API_SECRET, SECRET, Kernel, error_of, hostile, twins
from smscodec import signing, vonage
from smscodec.errors import SmsCodecError

scalars = (
    st.text(max_size=30)
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=True)
    | st.binary(max_size=5)
    | st.lists(st.text(max_size=3), max_size=2)
)
param_dicts = st.dictionaries(
    st.text(max_size=12) | st.integers() | st.binary(max_size=3), scalars, max_size=12
)


@hostile
@given(params=param_dicts, method=st.sampled_from(["md5hash", "md5", "sha1", "sha256", "sha512"]))
def test_signing_hostile(kernel: Kernel, params: dict[Any, Any], method: str) -> None:
    twins(kernel, "signing", "canonical_bytes", params, b"")
    twins(kernel, "signing", "canonical_bytes", params, SECRET.encode())
    for call in (
        lambda: signing.base_string(params),
        lambda: signing.sign(params, SECRET, method),
        lambda: signing.verify({**params, "sig": "00"}, SECRET, method, max_age=10, now=0),
    ):
        error = error_of(call)
        assert SECRET not in str(error)
        assert SECRET not in repr(error)


def test_signed_timestamp_digits_are_bounded() -> None:
    params = {"a": "b", "timestamp": "9" * 5000}
    params["sig"] = signing.sign(params, SECRET)
    assert signing.verify(params, SECRET) is True
    assert signing.verify(params, SECRET, max_age=1e300, now=0) is False


# --- secrets -----------------------------------------------------------------------------


def test_signing_errors_never_show_the_secret_or_the_expected_signature() -> None:
    params = {"a": "1", "timestamp": "5"}
    expected = signing.sign(params, SECRET, "sha256")
    for call in (
        lambda: signing.sign(params, SECRET, "bogus"),
        lambda: signing.sign({"a": None}, SECRET),  # type: ignore[dict-item]
        lambda: signing.sign({"a": "\ud800"}, SECRET),
        lambda: signing.verify({**params, "sig": "x"}, SECRET, "crc"),
        lambda: signing.verify({**params, "sig": "x"}, SECRET, max_age=-1),
        lambda: vonage.verify_webhook("a=%ff", SECRET),
        lambda: vonage.verify_webhook({"a": [1, 2]}, SECRET),
        lambda: vonage.basic_auth_header("a:b", API_SECRET),
    ):
        with pytest.raises(SmsCodecError) as info:
            call()
        for text in (str(info.value), repr(info.value)):
            assert SECRET not in text
            assert API_SECRET not in text
            assert expected not in text.lower()
    # A wrong signature is a False, never an error that could carry the right one.
    assert signing.verify({**params, "sig": expected[:-1] + "0"}, SECRET, "sha256") is False


def test_verify_compares_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    params = {"a": "1"}
    sig = signing.sign(params, SECRET, "sha512")
    assert signing.verify({**params, "sig": sig.upper()}, SECRET, "sha512") is True
    assert signing.verify({**params, "sig": "0" * len(sig)}, SECRET, "sha512") is False
    assert len(calls) == 2
