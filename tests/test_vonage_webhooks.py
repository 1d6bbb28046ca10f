"""verify_webhook: Vonage's published inbound vector and webhook-shaped vectors, every input shape,
upper- and lower-case signatures, tampering, staleness, unsigned input."""

from __future__ import annotations

import json
import pickle
import time
import urllib.parse
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import smscodec
from conftest import load_vector
from smscodec import errors, vonage
from smscodec.errors import (
    ArgumentError,
    SignatureError,
    SmsCodecError,
    WebhookError,
    WebhookVerificationError,
)
from smscodec.signing import sign, verify
from smscodec.vonage import ReplayGuard, parse_inbound
from smscodec.vonage.stores import MemoryStore, SQLiteStore
from smscodec.vonage.webhooks import check_webhook, verify_webhook

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


# ---- issue 14: check_webhook and its reasons -------------------------------------------------

SECRET = "Zq9~s3cret-for-tests"
STAMP = 1_700_000_000


def signed_fields(method: str = "sha256", **extra: str) -> dict[str, str]:
    fields = {
        "msisdn": "447700900001",
        "to": "447700900000",
        "messageId": "0A0000000123ABCD1",
        "type": "text",
        "text": "Hello wor",
        "timestamp": str(STAMP),
        "nonce": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
        "concat": "true",
        "concat-part": "1",
        "concat-ref": "ab",
        "concat-total": "2",
        **extra,
    }
    sig = sign(fields, SECRET, method)
    return {**fields, "sig": sig if method == "md5hash" else sig.upper()}


def shapes(fields: dict[str, Any]) -> list[Any]:
    """The same webhook as a mapping, a GET query, a form body, a JSON body and parse_qs lists."""
    query = urllib.parse.urlencode(fields)
    return [
        fields,
        query,
        query.encode(),
        json.dumps(fields),
        json.dumps(fields).encode(),
        urllib.parse.parse_qs(query),
    ]


def reason_of(data: Any, method: str = "sha256", **kwargs: Any) -> str | None:
    """check_webhook's verdict: None for accepted, else the error's reason (whose text and
    repr must never show the secret)."""
    kwargs.setdefault("now", STAMP)
    error: WebhookVerificationError | None = None
    try:
        check_webhook(data, SECRET, method, **kwargs)
    except WebhookVerificationError as exc:
        error = exc
    if error is None:
        return None
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    return error.reason


@pytest.mark.parametrize("method", METHODS)
def test_check_webhook_accepts_a_genuine_webhook_in_every_shape(method: str) -> None:
    for data in shapes(signed_fields(method)):
        assert check_webhook(data, SECRET, method, now=STAMP) is None
        assert verify_webhook(data, SECRET, method, now=STAMP) is True


@pytest.mark.parametrize("method", METHODS)
def test_issue_repro_merged_concat_fields_never_verify(method: str) -> None:
    # The issue's repro: fold the concat fields of a signed part into one junk key.  It used
    # to verify (same base string) and parse as a whole message; now every input form refuses
    # it before any signature is computed, so it can neither verify nor parse.
    signed = signed_fields(method)
    forged = {k: v for k, v in signed.items() if not k.startswith("concat")}
    forged["concat=true&concat-part=1&concat-ref=ab&concat-total"] = "2"
    for data in shapes(forged):
        with pytest.raises(WebhookError, match="holding '&' or '='") as info:
            check_webhook(data, SECRET, method, now=STAMP)
        assert info.value.field is None
        with pytest.raises(WebhookError):
            verify_webhook(data, SECRET, method, now=STAMP)
        with pytest.raises(WebhookError):
            parse_inbound(data)
    # The signing layer alone answers False for the same field set.
    assert verify(forged, SECRET, method, max_age=300, now=STAMP) is False


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "name", ["a=b", "a&b", "=", "&", "", "\x00", "x\ny", "\x7f", "to\x9f", "msisdn=447700900001&to"]
)
def test_names_that_cannot_be_signed_unambiguously_never_verify(method: str, name: str) -> None:
    fields = {k: v for k, v in signed_fields(method).items() if k != "sig"}
    fields[name] = "1"
    fields["sig"] = "00" * 32  # whoever forges it has no valid signature for the name either
    for data in (fields, json.dumps(fields)):
        with pytest.raises(WebhookError, match="name"):
            check_webhook(data, SECRET, method, now=STAMP)


def test_reasons() -> None:
    signed = signed_fields()
    assert reason_of(signed) is None
    assert reason_of({k: v for k, v in signed.items() if k != "sig"}) == "unsigned"
    assert reason_of({**signed, "sig": ""}) == "unsigned"
    # Signed, but without a timestamp: unsigned, even with no age limit.
    no_stamp = {k: v for k, v in signed.items() if k not in ("sig", "timestamp")}
    no_stamp["sig"] = sign(no_stamp, SECRET, "sha256")
    assert reason_of(no_stamp) == "unsigned"
    assert reason_of(no_stamp, max_age=None) == "unsigned"
    assert reason_of({**signed, "text": "Hello world"}) == "bad_signature"
    assert reason_of({**signed, "extra": "field"}) == "bad_signature"
    assert reason_of(signed, "sha512") == "bad_signature"
    assert reason_of({**signed, "sig": "not hex at all"}) == "bad_signature"
    assert reason_of({**signed, "sig": "\u00e9" * 64}) == "bad_signature"
    assert reason_of(signed, now=STAMP + 301) == "stale"
    assert reason_of(signed, now=STAMP - 301) == "stale"
    assert reason_of(signed, now=STAMP + 301, max_age=None) is None
    # A wrong signature is reported before staleness.
    assert reason_of({**signed, "text": "x"}, now=STAMP + 10_000) == "bad_signature"
    # A signed timestamp that is not Unix seconds is stale (with an age limit).
    odd = {k: v for k, v in signed.items() if k != "sig"}
    odd["timestamp"] = "yesterday"
    odd["sig"] = sign(odd, SECRET, "sha256")
    assert reason_of(odd) == "stale"
    assert reason_of(odd, max_age=None) is None


def test_verification_error_type_and_attributes() -> None:
    assert issubclass(WebhookVerificationError, SmsCodecError)
    assert not issubclass(WebhookVerificationError, ValueError)
    assert smscodec.WebhookVerificationError is WebhookVerificationError
    assert errors.WebhookVerificationError is WebhookVerificationError
    assert vonage.check_webhook is check_webhook
    with pytest.raises(WebhookVerificationError) as info:
        check_webhook(signed_fields(), SECRET, "sha256", now=STAMP + 1000)
    error = info.value
    assert error.reason == "stale"
    assert "1000 s" in str(error)
    assert "300" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.reason) == (WebhookVerificationError, str(error), "stale")


def test_no_message_holds_the_signature_or_the_secret() -> None:
    signed = signed_fields()
    sig = signed["sig"]
    expected = sign({k: v for k, v in signed.items() if k != "sig"}, SECRET, "sha256")
    attempts: list[Any] = [
        {**signed, "text": "changed"},
        {k: v for k, v in signed.items() if k != "timestamp"},
        signed,  # stale at the real clock
        json.dumps({**signed, "message-timestamp": {}}),
        # A BOM before a JSON body used to send the body to the query parser, whose error
        # quoted the body, signature included.
        "\ufeff" + json.dumps({**signed, "text": "a=b"}) + "junk",
        "\ufeff\ufeff" + json.dumps(signed),
        ("\ufeff" + json.dumps(signed)).encode(),
        "x" + json.dumps(signed),
        urllib.parse.urlencode(signed) + "&" + sig,
        {**signed, "sig": [sig, sig]},
        {**signed, sig: "x"},
        {**signed, "price": float("nan")},
    ]
    for data in attempts:
        try:
            check_webhook(data, SECRET, "sha256")
        except (WebhookVerificationError, WebhookError) as exc:
            for text in (str(exc), repr(exc)):
                assert sig not in text
                assert sig.lower() not in text
                assert expected not in text.lower()
                assert SECRET not in text
        else:
            raise AssertionError(f"accepted {data!r}")


def test_a_bom_before_a_body_is_ignored() -> None:
    signed = signed_fields()
    for data in (
        "\ufeff" + json.dumps(signed),
        ("\ufeff" + json.dumps(signed)).encode("utf-8"),
        "\ufeff" + urllib.parse.urlencode(signed),
    ):
        assert check_webhook(data, SECRET, "sha256", now=STAMP) is None
        assert parse_inbound(data).concat is not None


def test_nested_json_values_never_verify() -> None:
    # A JSON object's text hashes like a string with that text: the signature cannot say
    # which one Vonage signed, so a webhook with one is refused as bad_signature.
    fields = {k: v for k, v in signed_fields().items() if k != "sig"}
    fields["message-timestamp"] = "{}"
    fields["sig"] = sign(fields, SECRET, "sha256")
    assert reason_of(json.dumps(fields)) is None
    as_object = json.dumps({**fields, "message-timestamp": {}})
    assert reason_of(as_object) == "bad_signature"
    assert reason_of({**fields, "message-timestamp": {}}) == "bad_signature"
    # The parsers still read it (the field None, its text kept).
    assert parse_inbound(as_object).raw["message-timestamp"] == "{}"


def test_values_swapping_separators_keep_the_signature() -> None:
    # Vonage's replacement, documented: "&", "=" and "_" in values are one character to the
    # signature.  The guard (below) keys on the signature, so such copies are replays too.
    base = {k: v for k, v in signed_fields().items() if k != "sig"}
    base["text"] = "pay=100&ok"
    base["sig"] = sign(base, SECRET, "sha256")
    for text in ("pay_100_ok", "pay&100=ok", "pay=100&ok"):
        assert reason_of({**base, "text": text}) is None
    assert reason_of({**base, "text": "pay-100-ok"}) == "bad_signature"


# ---- raw exceptions that used to escape --------------------------------------------------


def test_huge_values_are_library_errors() -> None:
    signed = signed_fields()
    with pytest.raises(WebhookError, match="too large") as info:
        check_webhook({**signed, "price": 10**5000}, SECRET, "sha256")  # int -> str refused
    assert info.value.field == "price"
    with pytest.raises(WebhookError, match="finite"):
        check_webhook({**signed, "price": float("inf")}, SECRET, "sha256")
    # A timestamp of 10**400 (as an int) is stale, not an OverflowError.
    fields = {k: v for k, v in signed.items() if k != "sig"}
    fields["timestamp"] = str(10**400)
    fields["sig"] = sign(fields, SECRET, "sha256")
    assert reason_of(fields) == "stale"
    assert reason_of({**fields, "timestamp": 10**400}) in ("stale", "bad_signature")
    assert verify({**fields, "timestamp": 10**400}, SECRET, "sha256", max_age=300) is False
    for kwargs in ({"max_age": 10**400}, {"now": 10**400}, {"now": float("inf")}, {"max_age": float("nan")}):
        with pytest.raises(ArgumentError):
            check_webhook(signed, SECRET, "sha256", **kwargs)


# ---- the replay guard ----------------------------------------------------------------------


class FakeClock:
    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_replayed_webhook_is_refused() -> None:
    guard = ReplayGuard()
    signed = signed_fields()
    assert reason_of(signed, replay_guard=guard) is None
    for copy in shapes(signed):
        assert reason_of(copy, replay_guard=guard) == "replayed"
        assert verify_webhook(copy, SECRET, "sha256", now=STAMP, replay_guard=guard) is False
    # The signature in the other case, and values with "&"/"=" swapped for "_", are the
    # same signed webhook: replays too.
    assert reason_of({**signed, "sig": signed["sig"].lower()}, replay_guard=guard) == "replayed"
    # Another genuine webhook is accepted.
    assert reason_of(signed_fields(nonce="other"), replay_guard=guard) is None


def test_only_verified_signatures_are_claimed() -> None:
    guard = ReplayGuard()
    signed = signed_fields()
    # A forged copy (bad signature), a stale one and an unsigned one claim nothing...
    assert reason_of({**signed, "text": "x"}, replay_guard=guard) == "bad_signature"
    assert reason_of(signed, now=STAMP + 1000, replay_guard=guard) == "stale"
    assert reason_of({k: v for k, v in signed.items() if k != "timestamp"}, replay_guard=guard) == "unsigned"
    # ...so the genuine webhook is still accepted once.
    assert reason_of(signed, replay_guard=guard) is None
    assert reason_of(signed, replay_guard=guard) == "replayed"


def test_guard_remembers_for_as_long_as_max_age_lets_a_copy_through() -> None:
    clock = FakeClock()
    guard = ReplayGuard(MemoryStore(clock=clock), margin=60)
    signed = signed_fields()
    # Accepted 100 s after its timestamp: a copy passes max_age=300 for 200 s more, and the
    # guard keeps it 200 + 60 s.
    assert reason_of(signed, now=STAMP + 100, replay_guard=guard) is None
    clock.now = 259.0
    assert reason_of(signed, now=STAMP + 299, replay_guard=guard) == "replayed"
    clock.now = 261.0
    # Past the guard's memory the time check refuses the copy anyway.
    assert reason_of(signed, now=STAMP + 361, replay_guard=guard) == "stale"
    assert guard.ttl_for(STAMP, 300, STAMP + 100) == 260.0
    assert guard.ttl_for(STAMP, 300, STAMP + 10_000) == 60.0


def test_guard_needs_a_window_or_a_ttl() -> None:
    signed = signed_fields()
    with pytest.raises(ArgumentError) as info:
        check_webhook(signed, SECRET, "sha256", max_age=None, replay_guard=ReplayGuard(), now=STAMP)
    assert info.value.argument == "max_age"
    with pytest.raises(ArgumentError):
        check_webhook(signed, SECRET, "sha256", max_age=float("inf"), replay_guard=ReplayGuard(), now=STAMP)
    fixed = ReplayGuard(ttl=3600)
    assert reason_of(signed, max_age=None, replay_guard=fixed) is None
    assert reason_of(signed, max_age=None, replay_guard=fixed) == "replayed"
    with pytest.raises(TypeError, match="replay_guard"):
        check_webhook(signed, SECRET, "sha256", replay_guard=MemoryStore(), now=STAMP)  # type: ignore[arg-type]


def test_guard_over_a_shared_sqlite_store(tmp_path: Any) -> None:
    # Two guards over one SQLite file stand for two worker processes.
    path = str(tmp_path / "replay.db")
    first, second = ReplayGuard(SQLiteStore(path)), ReplayGuard(SQLiteStore(path))
    signed = signed_fields()
    assert reason_of(signed, replay_guard=first) is None
    assert reason_of(signed, replay_guard=second) == "replayed"
    assert reason_of(signed_fields(nonce="n2"), replay_guard=second) is None
    assert reason_of(signed_fields(nonce="n2"), replay_guard=first) == "replayed"


@given(st.dictionaries(st.sampled_from(["text", "keyword", "client-ref", "x"]), st.text(max_size=12)))
def test_fuzz_reasons_for_own_signatures(extra: dict[str, str]) -> None:
    fields = {k: v for k, v in signed_fields().items() if k != "sig"}
    fields.update(extra)
    try:
        fields["sig"] = sign(fields, SECRET, "sha256")
    except SignatureError:  # a lone surrogate cannot be signed
        return
    guard = ReplayGuard()
    for data in (fields, json.dumps(fields)):
        assert reason_of(data, replay_guard=guard) in (None, "replayed")
    assert reason_of(fields, replay_guard=guard) == "replayed"
    assert reason_of(fields, now=STAMP + 301) == "stale"
