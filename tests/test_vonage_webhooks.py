"""verify_webhook: Vonage's published inbound vector and webhook-shaped vectors, every input shape,
upper- and lower-case signatures, tampering, staleness, unsigned input."""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import load_vector
from smscodec.errors import ArgumentError, SignatureError, WebhookError
from smscodec.signing import sign
from smscodec.vonage.webhooks import verify_webhook

METHODS = ["md5hash", "md5", "sha1", "sha256", "sha512"]


def vector(name: str) -> dict[str, Any]:
    (found,) = [v for v in load_vector("vonage_signatures.json")["vectors"] if v["name"] == name]
    return dict(found)


PUBLISHED = vector("published_inbound_vector")
PUBLISHED_TS = int(PUBLISHED["params"]["timestamp"])


def signed(v: dict[str, Any], sig: str) -> dict[str, str]:
    return {**{k: str(x) for k, x in v["params"].items()}, "sig": sig}


@pytest.mark.parametrize("method", METHODS)
def test_published_inbound_vector(method: str) -> None:
    secret = PUBLISHED["secret"]
    # The digests exactly as published (HMACs in upper case) and in lower case.
    for sig in {PUBLISHED["published"][method], PUBLISHED["expected_lowercase"][method]}:
        params = signed(PUBLISHED, sig)
        assert verify_webhook(params, secret, method, max_age=None)
        assert verify_webhook(params, secret, method, now=PUBLISHED_TS + 10)
        # The same webhook as a GET query, a form body (bytes) and a JSON body.
        query = urllib.parse.urlencode(params)
        assert verify_webhook(query, secret, method, max_age=None)
        assert verify_webhook(query.encode(), secret, method, max_age=None)
        assert verify_webhook(json.dumps(params), secret, method, max_age=None)
        assert verify_webhook(urllib.parse.parse_qs(query), secret, method, max_age=None)


@pytest.mark.parametrize("method", ["md5", "sha1", "sha256", "sha512"])
def test_uppercase_hmac_vectors(method: str) -> None:
    v = PUBLISHED
    upper = v["expected_uppercase_hmac"][method]
    assert upper == upper.upper()
    assert verify_webhook(signed(v, upper), v["secret"], method, max_age=None)
    assert verify_webhook(signed(v, upper.lower()), v["secret"], method, max_age=None)


def test_max_age_window() -> None:
    params = signed(PUBLISHED, PUBLISHED["published"]["sha256"])
    secret = PUBLISHED["secret"]
    assert verify_webhook(params, secret, "sha256", now=PUBLISHED_TS + 300)
    assert verify_webhook(params, secret, "sha256", now=PUBLISHED_TS - 300)  # clock skew either way
    assert not verify_webhook(params, secret, "sha256", now=PUBLISHED_TS + 301)
    assert not verify_webhook(params, secret, "sha256", now=PUBLISHED_TS - 301)
    assert verify_webhook(params, secret, "sha256", max_age=3600, now=PUBLISHED_TS + 3000)
    # The default window (300 s) against the real clock: a 2013 webhook is stale.
    assert not verify_webhook(params, secret, "sha256")
    assert verify_webhook(params, secret, "sha256", max_age=None)


def test_fresh_webhook_with_default_window() -> None:
    fields = {
        "msisdn": "447700900001",
        "to": "447700900000",
        "messageId": "0A01",
        "type": "text",
        "text": "hi",
    }
    fields["timestamp"] = str(int(time.time()))
    fields["nonce"] = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
    fields["sig"] = sign(fields, "s3cret", "sha256").upper()
    assert verify_webhook(fields, "s3cret", "sha256")
    assert verify_webhook(urllib.parse.urlencode(fields), "s3cret", "sha256")


@pytest.mark.parametrize("method", METHODS)
def test_dlr_webhook_shape(method: str) -> None:
    v = vector("dlr_webhook_shape")
    ts = int(v["params"]["timestamp"])
    params = signed(v, v["expected_uppercase_hmac"].get(method, v["expected_lowercase"][method]))
    assert verify_webhook(params, v["secret"], method, now=ts)
    assert verify_webhook(json.dumps(params).encode(), v["secret"], method, now=ts)
    # The vector's own placeholder sig is (of course) wrong.
    assert not verify_webhook(signed(v, "IGNORED-BY-ALGORITHM"), v["secret"], method, now=ts)


@pytest.mark.parametrize(
    "name", ["ampersand_and_equals_in_values", "unicode_text", "spaces_newline_plus_percent"]
)
def test_values_are_verified_after_decoding(name: str) -> None:
    # '&', '=', '+', '%', newlines and non-ASCII survive the form encoding and are hashed as decoded.
    v = vector(name)
    params = signed(v, v["expected_lowercase"]["sha256"])
    body = urllib.parse.urlencode(params)
    assert verify_webhook(body, v["secret"], "sha256", max_age=None)
    assert verify_webhook(body.encode(), v["secret"], "sha256", max_age=None)
    assert verify_webhook(json.dumps(params, ensure_ascii=False), v["secret"], "sha256", max_age=None)


@pytest.mark.parametrize(
    "change",
    [
        {"text": "Test again!"},
        {"msisdn": "14843472195"},
        {"timestamp": str(PUBLISHED_TS + 1)},
        {"extra": "field"},
        {"text": ""},
    ],
)
def test_tampering_fails(change: dict[str, str]) -> None:
    params = {**signed(PUBLISHED, PUBLISHED["published"]["md5hash"]), **change}
    assert not verify_webhook(params, PUBLISHED["secret"], "md5hash", max_age=None)


def test_removed_field_fails() -> None:
    params = signed(PUBLISHED, PUBLISHED["published"]["md5hash"])
    del params["type"]
    assert not verify_webhook(params, PUBLISHED["secret"], "md5hash", max_age=None)


def test_wrong_secret_or_method_fails() -> None:
    params = signed(PUBLISHED, PUBLISHED["published"]["sha1"])
    assert not verify_webhook(params, "not_the_secret", "sha1", max_age=None)
    assert not verify_webhook(params, PUBLISHED["secret"], "sha256", max_age=None)


def test_unsigned_input_fails() -> None:
    secret = PUBLISHED["secret"]
    unsigned = {k: str(x) for k, x in PUBLISHED["params"].items()}
    assert not verify_webhook(unsigned, secret, max_age=None)
    assert not verify_webhook({**unsigned, "sig": ""}, secret, max_age=None)
    # Properly signed, but without a timestamp: fails even with no age limit.
    no_stamp = {k: v for k, v in unsigned.items() if k != "timestamp"}
    no_stamp["sig"] = sign(no_stamp, secret)
    assert not verify_webhook(no_stamp, secret, max_age=None)
    # Same with a timestamp: passes (the timestamp is the only difference).
    with_stamp = {**no_stamp, "timestamp": "1385047698"}
    with_stamp["sig"] = sign(with_stamp, secret)
    assert verify_webhook(with_stamp, secret, max_age=None)
    assert not verify_webhook({**with_stamp, "timestamp": "soon"}, secret, now=PUBLISHED_TS)
    assert not verify_webhook("", secret, max_age=None)


def test_errors() -> None:
    params = signed(PUBLISHED, PUBLISHED["published"]["md5hash"])
    with pytest.raises(SignatureError, match="unknown signature method"):
        verify_webhook(params, PUBLISHED["secret"], "sha3")
    # An unknown method is an error for unsigned input too: a typo must not pass silently.
    with pytest.raises(SignatureError):
        verify_webhook({"a": "b"}, PUBLISHED["secret"], "hmac")
    with pytest.raises(TypeError, match="secret must be str"):
        verify_webhook(params, b"secret")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        verify_webhook(42, "secret")  # type: ignore[arg-type]
    with pytest.raises(WebhookError, match="malformed") as info:
        verify_webhook("{not json", "secret")
    assert info.value.field is None
    with pytest.raises(WebhookError, match="65536-byte limit"):
        verify_webhook(urllib.parse.urlencode({**params, "pad": "x" * 70_000}), PUBLISHED["secret"])
    with pytest.raises(ArgumentError):
        verify_webhook(params, PUBLISHED["secret"], max_age=-1)


@given(
    st.one_of(
        st.dictionaries(st.text(max_size=12), st.text(max_size=12)),
        st.text(max_size=200),
        st.binary(max_size=200),
    ),
    st.sampled_from(METHODS),
)
def test_fuzz_returns_bool_or_webhook_error(data: object, method: str) -> None:
    try:
        result = verify_webhook(data, "secret", method, max_age=None)  # type: ignore[arg-type]
    except WebhookError:
        return
    assert result is False or result is True


@given(
    st.dictionaries(
        st.sampled_from(["msisdn", "to", "text", "timestamp", "nonce"]), st.text(max_size=20), min_size=1
    )
)
def test_fuzz_own_signatures_round_trip(fields: dict[str, str]) -> None:
    # Whatever the values, a webhook signed with the secret verifies through every input shape.
    try:
        body = urllib.parse.urlencode(fields).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot travel at all
        return
    fields = {**fields, "timestamp": "1700000000"}
    fields["sig"] = sign(fields, "k", "sha512").upper()
    body = urllib.parse.urlencode(fields)
    assert verify_webhook(body, "k", "sha512", now=1700000000)
    assert verify_webhook(json.dumps(fields), "k", "sha512", now=1700000000)
