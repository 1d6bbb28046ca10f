"""Hostile input (issue 8): parse or raise our error, never anything else (STYLE habit 11).

Random bytes, text and mappings go into every parser and kernel that takes outside input;
the only exceptions allowed are the library's own (``SmsCodecError`` subclasses), and the
compiled and pure twins must agree on the result or on the error's type and message.
Then the documented size limits, checked at their edges with clear errors, and the
secrets rule: no secret and no signature in any exception message or ``repr``, and
signature comparison in constant time.

The public functions run on the live backend (``.ci/run`` runs the suite twice, compiled
and with ``SMSCODEC_NO_EXTENSIONS=1``); kernel-level parity uses the ``kernel`` fixture.
The last section holds regression tests for bugs the fuzzers found.
"""

from __future__ import annotations

import hmac
import importlib
import json
import math
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import smscodec
from smscodec import signing, udh, vonage
from smscodec.errors import (
    ArgumentError,
    SmsCodecError,
    UdhError,
    WebhookError,
)

Kernel = Callable[[str], ModuleType]

# Generous deadlines: the machine is shared and hypothesis must not flake on timing.
hostile = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to the parsers: every PEP 393 width, the escape, surrogates,
# separators of queries, JSON and XML.
ALPHABET = "aZ09 @$_€ΔΩ\x1b\x00\x7f\x80\xa0ç’…—😀\U0010ffff\ud800\udfff&=%+?{}[]<>\"':,"
texts = st.text(alphabet=ALPHABET, max_size=400) | st.text(max_size=200)
blobs = st.binary(max_size=400)


def _outcome(func: Callable[..., object], *args: object) -> tuple[object, ...]:
    try:
        return ("ok", func(*args))
    except Exception as exc:
        return ("raise", type(exc), str(exc))


def _only_ours(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``func``; a library error is fine (returns None), anything else fails the test."""
    try:
        return func(*args, **kwargs)
    except SmsCodecError:
        return None


def _error(call: Callable[[], object]) -> SmsCodecError | None:
    """The library error ``call()`` raised, or None when it returned."""
    try:
        call()
    except SmsCodecError as exc:
        return exc
    return None


def _twins(kernel: Kernel, name: str, function: str, *args: object) -> tuple[object, ...]:
    live = kernel(name)
    spec = importlib.import_module(f"smscodec._{name}_py")
    got = _outcome(getattr(live, function), *args)
    expected = _outcome(getattr(spec, function), *args)
    assert got == expected
    if expected[0] == "raise":
        assert issubclass(expected[1], SmsCodecError), expected  # type: ignore[arg-type]
    return expected


# --- codec core --------------------------------------------------------------------------


@hostile
@given(data=blobs, mode=st.sampled_from(["strict", "replace", "ignore"]))
def test_decode_gsm7_hostile(kernel: Kernel, data: bytes, mode: str) -> None:
    _twins(kernel, "gsm7", "decode_gsm7", data, ("strict", "replace", "ignore").index(mode))
    result = _only_ours(smscodec.decode_gsm7, data, mode)
    assert result is None or isinstance(result, str)


@hostile
@given(
    data=blobs,
    count=st.none() | st.integers(min_value=0, max_value=4000) | st.integers(min_value=0, max_value=2**70),
    fill_bits=st.integers(min_value=-2, max_value=9),
)
def test_unpack_septets_hostile(data: bytes, count: int | None, fill_bits: int) -> None:
    result = _only_ours(smscodec.unpack_septets, data, count, fill_bits)
    if result is not None:
        assert all(b < 0x80 for b in result)


@hostile
@given(data=blobs, count=st.integers(min_value=-1, max_value=2**63 - 1), fill_bits=st.integers(0, 6))
def test_unpack_septets_twins(kernel: Kernel, data: bytes, count: int, fill_bits: int) -> None:
    _twins(kernel, "gsm7", "unpack_septets", data, count, fill_bits)


@hostile
@given(septets=blobs, fill_bits=st.integers(min_value=0, max_value=6))
def test_pack_septets_hostile(kernel: Kernel, septets: bytes, fill_bits: int) -> None:
    _twins(kernel, "gsm7", "pack_septets", septets, fill_bits)


@hostile
@given(data=blobs)
def test_decode_ucs2_hostile(data: bytes) -> None:
    result = _only_ours(smscodec.decode_ucs2, data)
    assert result is None or smscodec.encode_ucs2(result) == data


@hostile
@given(text=texts | st.text(alphabet="0123456789abcdefABCDEF xg", max_size=60))
def test_from_hex_hostile(text: str) -> None:
    result = _only_ours(smscodec.from_hex, text)
    assert result is None or smscodec.to_hex(result) == text.lower()


@hostile
@given(text=texts)
def test_codec_speaks_unicode_errors(text: str) -> None:
    # Through the Python codec, Unicode*Error (the codec protocol), never our own errors.
    try:
        raw = text.encode("gsm-7")
    except UnicodeEncodeError:
        return
    assert raw.decode("gsm-7") == text


# --- user data header --------------------------------------------------------------------


@hostile
@given(data=blobs | st.binary(max_size=20))
def test_udh_parse_hostile(data: bytes) -> None:
    error = _error(lambda: udh.parse(data))
    if error is not None:
        assert isinstance(error, UdhError)
        assert 0 <= error.offset < max(1, len(data))
        return
    elements = udh.parse(data)
    header = data[: 1 + data[0]]
    if len(header) <= udh.MAX_OCTETS:
        assert udh.build(elements) == header


# --- segments ----------------------------------------------------------------------------

segment_options = st.fixed_dictionaries(
    {
        "encoding": st.sampled_from(["auto", "gsm7", "ucs2", "latin1"]),
        "udh": st.sampled_from([b"", bytes.fromhex("06050412341234"), b"\x05\x00\x03\x01\x02\x01", b"\x03"])
        | st.binary(max_size=12),
        "reference_bits": st.sampled_from([8, 16, 7]),
        "smart": st.booleans(),
        "languages": st.sampled_from(
            [(), ("turkish",), ("spanish", "portuguese"), (1, 13), ("nope",), (99,)]
        ),
    }
)


@hostile
@given(text=texts, options=segment_options, reference=st.none() | st.integers(-2, 70000))
def test_segments_hostile(text: str, options: dict[str, Any], reference: int | None) -> None:
    info = _only_ours(smscodec.analyze, text, **options)
    count = _only_ours(smscodec.count_segments, text, **options)
    parts = _only_ours(smscodec.split, text, reference=reference, **options)
    if info is None:
        assert count is None
        assert parts is None
        return
    assert count == info.segments
    if parts is not None:
        assert len(parts) == info.segments
        assert "".join(p.text for p in parts) == info.text


@hostile
@given(
    text=texts, header=st.sampled_from([0, 7, 124]), concat=st.sampled_from([5, 6]), mode=st.integers(0, 2)
)
def test_segments_kernel_twins(kernel: Kernel, text: str, header: int, concat: int, mode: int) -> None:
    result = _twins(
        kernel, "segments", "analyze", text, header, concat, mode, 1 | 1 << 1 | 1 << 3, 1 | 1 << 2
    )
    _twins(kernel, "segments", "non_gsm", text, 1, 1)
    _twins(kernel, "segments", "count", text)
    if result[0] == "ok":
        analyzed: tuple[int, ...] = result[1]  # type: ignore[assignment]
        encoding, _parts, _units, per, _rem, locking, single = analyzed
        _twins(kernel, "segments", "split", text, encoding, locking, single, per)


@hostile
@given(
    body=st.binary(max_size=2000), header=st.binary(max_size=10), reference=st.none() | st.integers(-1, 70000)
)
def test_split_binary_hostile(body: bytes, header: bytes, reference: int | None) -> None:
    parts = _only_ours(smscodec.split_binary, body, udh=header, reference=reference)
    if parts is not None:
        assert b"".join(p.payload for p in parts) == body


# --- signing -----------------------------------------------------------------------------

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
SECRET = "Sup3r-Secret-Value-42"


@hostile
@given(params=param_dicts, method=st.sampled_from(["md5hash", "md5", "sha1", "sha256", "sha512"]))
def test_signing_hostile(kernel: Kernel, params: dict[Any, Any], method: str) -> None:
    _twins(kernel, "signing", "canonical_bytes", params, b"")
    _twins(kernel, "signing", "canonical_bytes", params, SECRET.encode())
    for call in (
        lambda: signing.base_string(params),
        lambda: signing.sign(params, SECRET, method),
        lambda: signing.verify({**params, "sig": "00"}, SECRET, method, max_age=10, now=0),
    ):
        error = _error(call)
        assert SECRET not in str(error)
        assert SECRET not in repr(error)


# --- Vonage ------------------------------------------------------------------------------

wire_keys = st.sampled_from(
    ["msisdn", "to", "messageId", "status", "type", "text", "data", "udh", "err-code", "price", "scts",
     "message-timestamp", "timestamp", "concat", "concat-ref", "concat-total", "concat-part", "sig"]
)  # fmt: skip
wire_values = (
    st.sampled_from(["delivered", "binary", "text", "unicode", "true", "0", "2", "256", "0605040b8423f0", ""])
    | st.text(max_size=20)
    | st.binary(max_size=8)
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.none()
    | st.booleans()
    | st.lists(st.text(max_size=4), max_size=2)
    | st.dictionaries(st.text(max_size=2), st.text(max_size=2), max_size=1)
)
webhook_mappings = st.dictionaries(
    wire_keys | st.text(max_size=8) | st.binary(max_size=4) | st.integers(), wire_values
)
webhook_bodies = (
    blobs
    | texts
    | webhook_mappings
    | webhook_mappings.map(lambda m: json.dumps({str(k): str(v) for k, v in m.items()}))
)


@hostile
@given(data=webhook_bodies)
def test_webhook_parsers_hostile(data: Any) -> None:
    receipt = _only_ours(vonage.parse_delivery_receipt, data)
    assert receipt is None or isinstance(receipt, vonage.DeliveryReceipt)
    message = _only_ours(vonage.parse_inbound, data)
    assert message is None or isinstance(message, vonage.InboundMessage)
    if message is not None:
        _only_ours(vonage.Reassembler(max_pending=1).add, message)
    error = _error(lambda: vonage.verify_webhook(data, SECRET, "sha256", now=0))
    if error is None:
        assert vonage.verify_webhook(data, SECRET, "sha256", now=0) is False  # nobody here knows the secret
    else:
        assert isinstance(error, WebhookError)
        assert SECRET not in str(error)


@hostile
@given(body=blobs | texts, fmt=st.sampled_from(["json", "xml"]))
def test_parse_send_response_hostile(body: bytes | str, fmt: str) -> None:
    response = _only_ours(vonage.parse_send_response, body, fmt)
    assert response is None or isinstance(response, vonage.SendResponse)


@hostile
@given(
    payload=st.dictionaries(
        st.sampled_from(["a", "b", "message-count", "messages", "status"]),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
            ),
            max_leaves=10,
        ),
    )
)
def test_parse_send_response_json_shapes(payload: dict[str, Any]) -> None:
    _only_ours(vonage.parse_send_response, json.dumps(payload))


# --- size limits -------------------------------------------------------------------------


def test_webhook_body_limit_is_enforced_with_a_clear_error() -> None:
    limit = vonage.MAX_BODY_BYTES
    assert limit == 64 * 1024
    prefix = "msisdn=1&to=2&messageId=3&status=delivered&x="
    at_limit = prefix + "a" * (limit - len(prefix))
    assert len(at_limit.encode()) == limit
    assert vonage.parse_delivery_receipt(at_limit).msisdn == "1"
    for too_big in (at_limit + "a", (at_limit + "a").encode(), "x=" + "é" * (limit // 2)):
        with pytest.raises(WebhookError, match=r"more than the 65536-byte limit") as info:
            vonage.parse_delivery_receipt(too_big)
        assert info.value.field is None


def test_webhook_field_count_limit() -> None:
    fields = {f"f{i}": "v" for i in range(vonage.MAX_FIELDS + 1)}
    for data in (fields, json.dumps(fields)):
        with pytest.raises(WebhookError, match=f"more than the limit of {vonage.MAX_FIELDS}"):
            vonage.parse_inbound(data)
    # A query string is cut off by urllib.parse itself (max_num_fields); the message names the limit.
    with pytest.raises(WebhookError, match=f"more than the limit of {vonage.MAX_FIELDS} fields"):
        vonage.parse_inbound("&".join(f"{k}={v}" for k, v in fields.items()))


def test_webhook_mapping_size_limit_counts_utf8() -> None:
    fields = {"msisdn": "1", "to": "2", "messageId": "3", "type": "text", "text": "€" * 22_000}
    with pytest.raises(WebhookError, match="byte limit"):
        vonage.parse_inbound(fields)


def test_deeply_nested_json_is_refused_not_a_recursion_error() -> None:
    for parser in (vonage.parse_inbound, vonage.parse_delivery_receipt):
        with pytest.raises(WebhookError):
            parser("[" * 50_000)
    with pytest.raises(SmsCodecError):
        vonage.parse_send_response("[" * 200_000)
    with pytest.raises(SmsCodecError):
        vonage.parse_send_response("<a>" * 50_000, "xml")


def test_xml_entity_declarations_are_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>'
    with pytest.raises(SmsCodecError, match="DOCTYPE"):
        vonage.parse_send_response(bomb, "xml")


def test_concatenation_total_is_one_octet() -> None:
    # TS 23.040 §9.2.3.24.1: at most 255 parts; split refuses more, counting does not.
    text = "a" * (153 * 255)
    assert smscodec.count_segments(text) == 255
    assert len(smscodec.split(text, reference=1)) == 255
    assert smscodec.count_segments(text + "a") == 256
    with pytest.raises(ArgumentError, match="255"):
        smscodec.split(text + "a")
    with pytest.raises(ArgumentError, match="255"):
        smscodec.split_binary(bytes(134 * 255 + 1))
    assert len(smscodec.split_binary(bytes(134 * 255))) == 255


def test_udh_build_limit() -> None:
    element = udh.InformationElement(0x70, bytes(136))
    assert len(udh.build([element])) == 139
    with pytest.raises(UdhError, match="140"):
        udh.build([element, udh.InformationElement(0x71, b"")])


def test_reassembler_limits() -> None:
    clock = [0.0]
    box = vonage.Reassembler(max_pending=2, timeout=10, clock=lambda: clock[0], max_parts=3)

    def part(ref: str, number: int, total: int = 3) -> vonage.InboundMessage:
        return vonage.InboundMessage(
            msisdn="1",
            to="2",
            message_id=f"{ref}-{number}",
            type=vonage.InboundType.TEXT,
            text=f"<{ref}{number}>",
            concat=vonage.ConcatInfo(reference=ref, total=total, part=number),
        )

    for ref in ("a", "b", "c"):
        assert box.add(part(ref, 1)) is None
    assert box.pending == 2  # "a" was evicted, not lost
    with pytest.raises(WebhookError, match="more than the 3 parts") as info:
        box.add(part("d", 1, total=4))
    assert info.value.field == "concat-total"
    clock[0] = 11
    abandoned = box.expire()
    assert [[p.message_id for p in parts] for parts in abandoned] == [["a-1"], ["b-1"], ["c-1"]]
    assert box.pending == 0


def test_reassembler_state_is_bounded_under_a_flood() -> None:
    box = vonage.Reassembler(max_pending=50, max_completed=100)
    for i in range(5000):
        message = vonage.InboundMessage(
            msisdn=str(i),
            to="2",
            message_id=str(i),
            type=vonage.InboundType.TEXT,
            text="x",
            concat=vonage.ConcatInfo(reference="1", total=2, part=1),
        )
        box.add(message)
    assert box.pending == 50
    assert len(box._evicted) <= 50
    assert box.discarded == 5000 - 50 - 50


def test_signed_timestamp_digits_are_bounded() -> None:
    params = {"a": "b", "timestamp": "9" * 5000}
    params["sig"] = signing.sign(params, SECRET)
    assert signing.verify(params, SECRET) is True
    assert signing.verify(params, SECRET, max_age=1e300, now=0) is False


# --- secrets -----------------------------------------------------------------------------

API_SECRET = "Api-Secret-Do-Not-Log-123"


def test_send_payload_never_shows_secrets_or_signature() -> None:
    fields = {"from": "Acme", "to": "447700900000", "text": "hi"}
    signed = vonage.build_send_payload(fields, api_key="key", signature_secret=SECRET, timestamp=1)
    plain = vonage.build_send_payload(fields, api_key="key", api_secret=API_SECRET)
    assert SECRET not in repr(signed)
    assert API_SECRET not in repr(plain)
    assert API_SECRET not in str(plain)
    assert signed["sig"] not in repr(signed)
    credentials = vonage.Credentials(api_key="key", api_secret=API_SECRET, signature_secret=SECRET)
    assert SECRET not in repr(credentials)
    assert API_SECRET not in repr(credentials)


@pytest.mark.parametrize(
    "fields",
    [
        {"from": "", "to": "447700900000", "text": "hi"},
        {"from": "Acme", "to": "x", "text": "hi"},
        {"from": "Acme", "to": "447700900000", "text": "hi", "ttl": -1},
        {"from": "Acme", "to": "447700900000", "text": "hi", "nope": 1},
        {"from": "Acme", "to": "447700900000", "text": SECRET * 200},
    ],
)
def test_payload_errors_never_show_secrets(fields: dict[str, object]) -> None:
    for credentials in (
        {"api_key": "key", "signature_secret": SECRET},
        {"api_key": "key", "api_secret": API_SECRET},
        {"api_key": "key", "signature_secret": SECRET, "signature_method": "bogus"},
    ):
        try:
            vonage.build_send_payload(fields, **credentials)  # type: ignore[arg-type]
        except SmsCodecError as exc:
            message = str(exc) + repr(exc)
            assert API_SECRET not in message
            if SECRET not in str(fields):
                assert SECRET not in message


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


def test_parsed_webhooks_do_not_show_their_signature() -> None:
    base = {"msisdn": "1", "to": "2", "messageId": "3", "timestamp": "1700000000", "nonce": "n"}
    receipt_fields = {**base, "status": "delivered"}
    inbound_fields = {**base, "type": "text", "text": "hi"}
    for parse, fields in (
        (vonage.parse_delivery_receipt, receipt_fields),
        (vonage.parse_inbound, inbound_fields),
    ):
        signed = {**fields, "sig": signing.sign(fields, SECRET, "sha256")}
        parsed = parse(signed)
        assert parsed.sig == signed["sig"]
        assert signed["sig"] not in repr(parsed)


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


# --- regressions (each from a fuzzer finding; see SECURITY.md) ------------------------------


@pytest.mark.parametrize("count", [2**62, 2**63 - 1, 2**63, 2**64, 2**100])
def test_unpack_septets_huge_count_is_a_decode_error(count: int) -> None:
    # Found by fuzz target unpack_septets: the compiled kernel raised OverflowError for a count
    # past Py_ssize_t and computed the octets needed with an overflowing 7 * count below it.
    with pytest.raises(
        smscodec.DecodeError, match=f"^{count} septets after 0 fill bits need {(7 * count + 7) // 8} octets"
    ):
        smscodec.unpack_septets(b"\x01\x02", count)


def test_unpack_septets_huge_count_twins_agree(kernel: Kernel) -> None:
    for count in (2**60, 2**62, 2**63 - 1):
        _twins(kernel, "gsm7", "unpack_septets", b"ab", count, 3)


def test_language_plan_cache_does_not_widen_accepted_types(monkeypatch: pytest.MonkeyPatch) -> None:
    # Found while reading the option cache for the segments fuzz target: (1,) and (1.0,)
    # are equal tuple keys, so once (1,) was cached a float language was accepted.
    # An empty cache, so that (1,) is cached here whatever ran before (it holds 256 plans).
    monkeypatch.setattr(smscodec.segments, "_PLANS", {})
    for cache in (smscodec.analyze, smscodec.count_segments, smscodec.split):
        cache("x", languages=(1,))
        for use in (smscodec.analyze, smscodec.count_segments, smscodec.split):
            with pytest.raises(TypeError, match="float"):
                use("x", languages=(1.0,))  # type: ignore[arg-type]


def test_reassembler_joins_binary_parts_with_a_long_header() -> None:
    # A binary part may carry a header of up to 1 + 255 octets (UDHL is one octet); joining
    # the parts must not rebuild it under the 140-octet limit of *sending* a header, which
    # raised UdhError (not a documented error of add()) after the parts were already dropped.
    other = bytes((0x70, 150)) + bytes(150)
    base = {"msisdn": "1", "to": "2", "type": "binary", "data": "00"}
    parts = []
    for number in (1, 2):
        body = bytes((0x00, 3, 7, 2, number)) + other
        header = bytes((len(body),)) + body
        parts.append(vonage.parse_inbound({**base, "messageId": f"m{number}", "udh": header.hex()}))
    box = vonage.Reassembler()
    assert box.add(parts[0]) is None
    whole = box.add(parts[1])
    assert whole is not None
    assert whole.data == b"\x00\x00"
    assert whole.udh == bytes((len(other),)) + other
    assert whole.part_ids == ("m1", "m2")


def test_finite_checks_on_numbers_from_frameworks() -> None:
    # JSON numbers decoded by a framework: non-finite values are an error naming the field.
    for value in (math.inf, -math.inf, math.nan, Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(WebhookError) as info:
            vonage.parse_delivery_receipt(
                {"msisdn": "1", "to": "2", "messageId": "3", "status": "failed", "price": value}
            )
        assert info.value.field == "price"


def test_batch_arrow_offsets_buffer_with_a_ragged_tail() -> None:
    # Found by fuzz target batch_utf8_kernel: pyarrow accepts an offsets buffer whose size is
    # not a multiple of the offset width (it only needs (n + 1) offsets); the pure twin's
    # np.frombuffer raised a bare ValueError there, where the compiled twin counts.
    pa = pytest.importorskip("pyarrow")
    import numpy as np

    from smscodec import batch

    offsets = pa.py_buffer(np.array([0, 2, 4], dtype=np.int32).tobytes() + b"\x00")
    array = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"ab\xc3\xa9")])
    assert array.to_pylist() == ["ab", "é"]
    assert batch.count_segments(array).tolist() == [1, 1]
