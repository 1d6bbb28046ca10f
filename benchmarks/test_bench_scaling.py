"""Scaling (issue 8): no input makes the work grow faster than its size.

Each case times one call on an input of size n and on one of size 10 n (the best of
several runs, ``time.perf_counter``: on a shared machine the minimum is the least
disturbed measurement, a median still carries other processes' load) and prints the
ratio: about 10 for linear work (somewhat more for sorting, n log n), about 100 would
mean quadratic.  Inputs are
the worst shapes we know for each parser: escapes on every other character, every
character distinct and outside GSM-7, the fault at the very end, the most elements or
fields a header or webhook may hold.  No timing is asserted (the machine is shared);
every case asserts its result, and the table is printed::

    PYTHONPATH=src python -m pytest benchmarks/test_bench_scaling.py -p no:cacheprovider

Sizes stay under the limits a parser enforces (64 KiB webhook bodies, 100 fields, a
255-octet header, 255 parts): at those limits the work is bounded by construction.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import smscodec
from smscodec import signing, udh, vonage

REPEATS = 11
RESULTS: list[tuple[str, int, float, float]] = []


def _best(call: Callable[[], object]) -> float:
    call()  # warm caches (option plans, tables)
    times = []
    for _ in range(REPEATS):
        # Enough calls that one measurement is well above the timer's resolution.
        start = time.perf_counter()
        loops = 0
        while True:
            call()
            loops += 1
            elapsed = time.perf_counter() - start
            if elapsed > 5e-4:
                break
        times.append(elapsed / loops)
    return min(times)


@pytest.fixture(scope="module", autouse=True)
def _table(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if not RESULTS:
        return
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"scaling on backend {smscodec.BACKEND} (time(10 n) / time(n); 10 is linear):"]
    lines += [
        f"  {name:44} n={n:>6}  {small * 1e6:10.1f} us -> {large * 1e6:11.1f} us   x{large / small:6.1f}"
        for name, n, small, large in RESULTS
    ]
    text = "\n".join(lines)
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:  # pragma: no cover - pytest always has both
        print(text)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(text)


def _scale(name: str, n: int, make: Callable[[int], Callable[[], object]]) -> None:
    small = _best(make(n))
    large = _best(make(10 * n))
    RESULTS.append((name, n, small, large))


# --- text --------------------------------------------------------------------------------

ESCAPED = "a€b[c]d{e}f^g|h~i\\"  # an extension character every other position
MIXED = "Hello Ça va? Δ€ "
UCS2 = "Привет мир 😀 "


def _text(pattern: str, n: int) -> str:
    return (pattern * (n // len(pattern) + 1))[:n]


@pytest.mark.parametrize(
    ("name", "pattern", "options"),
    [
        ("count_segments gsm7 escapes", ESCAPED, {}),
        ("count_segments ucs2 + surrogate pairs", UCS2, {}),
        ("count_segments languages", MIXED + "ğş", {"languages": ("turkish", "portuguese", "spanish")}),
        ("count_segments smart", MIXED + "’…—", {"smart": True}),
    ],
)
def test_text_counting_scales(name: str, pattern: str, options: dict[str, Any]) -> None:
    def make(n: int) -> Callable[[], object]:
        text = _text(pattern, n)
        assert smscodec.count_segments(text, **options) == smscodec.analyze(text, **options).segments
        return lambda: smscodec.count_segments(text, **options)

    _scale(name, 4000, make)


def test_split_scales() -> None:
    def make(n: int) -> Callable[[], object]:
        text = _text(ESCAPED, n)
        parts = smscodec.split(text, reference=1)
        assert "".join(p.text for p in parts) == text
        return lambda: smscodec.split(text, reference=1)

    # 1,700 and 17,000 characters: 16 and 160 parts (under the 255-part limit).
    _scale("split gsm7 escapes", 1700, make)


def test_non_gsm7_chars_all_distinct_scales() -> None:
    def make(n: int) -> Callable[[], object]:
        text = "".join(chr(0x4E00 + i) for i in range(n))  # every character distinct, none GSM-7
        assert len(smscodec.non_gsm7_chars(text)) == n
        return lambda: smscodec.non_gsm7_chars(text)

    _scale("non_gsm7_chars all distinct", 2000, make)


def test_encoding_error_at_the_end_scales() -> None:
    def make(n: int) -> Callable[[], object]:
        text = _text(MIXED, n) + "Я"

        def call() -> object:
            try:
                return smscodec.analyze(text, encoding="gsm7", languages=("turkish", "spanish"))
            except smscodec.EncodingError as exc:
                return exc

        error = call()
        assert isinstance(error, smscodec.EncodingError)
        assert error.position == n
        return call

    _scale("analyze gsm7 fault at the end (languages)", 2000, make)


@pytest.mark.parametrize("mode", ["strict", "replace"])
def test_septet_codec_scales(mode: str) -> None:
    def make(n: int) -> Callable[[], object]:
        text = _text(ESCAPED if mode == "strict" else MIXED + "Я", n)
        septets = smscodec.encode_gsm7(text, mode)
        packed = smscodec.pack_septets(septets, 3)

        def call() -> object:
            assert smscodec.unpack_septets(packed, len(septets), 3) == septets
            return smscodec.decode_gsm7(septets, mode)

        return call

    _scale(f"encode/pack/unpack/decode gsm7 {mode}", 8000, make)


# --- hex -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["valid", "fault at the end"])
def test_hex_scales(where: str) -> None:
    def make(n: int) -> Callable[[], object]:
        text = "0123456789abcdefABCDEF00"[:24] * (n // 24)
        if where != "valid":
            text = text[:-1] + "g"

        def call() -> object:
            try:
                return smscodec.from_hex(text)
            except smscodec.HexError as exc:
                return exc

        result = call()
        if where == "valid":
            assert result == bytes.fromhex(text)
        else:
            assert isinstance(result, smscodec.HexError)
            assert result.position == len(text) - 1
        return call

    _scale(f"from_hex {where}", 2400, make)


# --- UDH and binary ----------------------------------------------------------------------


def test_udh_parse_scales() -> None:
    def make(n: int) -> Callable[[], object]:
        # n two-octet elements (IEI 0x70, no data): the most elements a header can hold.
        body = bytes((0x70, 0)) * n
        header = bytes((len(body),)) + body
        assert len(udh.parse(header)) == n
        return lambda: udh.parse(header)

    _scale("udh.parse elements", 12, make)


def test_split_binary_scales() -> None:
    def make(n: int) -> Callable[[], object]:
        body = bytes(range(256)) * (n // 256)
        assert b"".join(p.payload for p in smscodec.split_binary(body)) == body
        return lambda: smscodec.split_binary(body, reference=3)

    _scale("split_binary", 3072, make)


# --- webhooks and the API ----------------------------------------------------------------

BASE = {"msisdn": "447700900001", "to": "447700900000", "messageId": "0A0000000123ABCD1", "type": "unicode"}


@pytest.mark.parametrize("shape", ["query", "json", "mapping"])
def test_webhook_body_scales(shape: str) -> None:
    def make(n: int) -> Callable[[], object]:
        fields = {**BASE, "text": _text("Grüße & = % 😀 ", n), "timestamp": "1700000000"}
        fields["sig"] = signing.sign(fields, "secret", "sha256")
        data: Any = {
            "query": urllib.parse.urlencode(fields),
            "json": json.dumps(fields),
            "mapping": fields,
        }[shape]

        def call() -> object:
            assert vonage.parse_inbound(data).text == fields["text"]
            return vonage.verify_webhook(data, "secret", "sha256", now=1700000000)

        assert call() is True
        return call

    # 500 and 5,000 characters: the larger body stays under the 64 KiB limit.
    _scale(f"parse_inbound + verify_webhook {shape} body", 500, make)


def test_webhook_field_count_scales() -> None:
    def make(n: int) -> Callable[[], object]:
        fields = {**BASE, "text": "hi", **{f"x-{i:03}": "v" for i in range(n - 5)}}
        query = urllib.parse.urlencode(fields)
        assert len(vonage.parse_inbound(query).extra) == n - 5
        return lambda: vonage.parse_inbound(query)

    _scale("parse_inbound fields (up to the 100 limit)", 10, make)


def test_signing_param_count_scales() -> None:
    def make(n: int) -> Callable[[], object]:
        params = {f"key-{(i * 7919) % n:05}-{i}": f"value&{i}=x" for i in range(n)}
        assert signing.verify({**params, "sig": signing.sign(params, "s", "sha256")}, "s", "sha256")
        return lambda: signing.sign(params, "s", "sha256")

    _scale("sign params (sorted: n log n)", 50, make)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_send_response_scales(fmt: str) -> None:
    def make(n: int) -> Callable[[], object]:
        if fmt == "json":
            body: str = json.dumps(
                {
                    "message-count": str(n),
                    "messages": [
                        {"status": "0", "message-id": str(i), "message-price": "0.03"} for i in range(n)
                    ],
                }
            )
        else:
            items = "".join(
                f"<message><status>0</status><messageId>{i}</messageId><messagePrice>0.03</messagePrice></message>"
                for i in range(n)
            )
            body = (
                f'<mt-submission-response><messages count="{n}">{items}</messages></mt-submission-response>'
            )
        assert len(vonage.parse_send_response(body, fmt).messages) == n
        return lambda: vonage.parse_send_response(body, fmt)

    _scale(f"parse_send_response {fmt} messages", 20, make)


def test_reassembly_scales() -> None:
    def make(n: int) -> Callable[[], object]:
        parts = [
            vonage.InboundMessage(
                msisdn="1",
                to="2",
                message_id=str(k),
                type=vonage.InboundType.TEXT,
                text="x" * 153,
                concat=vonage.ConcatInfo(reference="r", total=n, part=k),
            )
            for k in range(n, 0, -1)
        ]

        def call() -> object:
            box = vonage.Reassembler()
            whole = None
            for part in parts:
                whole = box.add(part)
            assert whole is not None
            assert len(whole.part_ids) == n
            return whole

        return call

    _scale("Reassembler parts (up to 255)", 20, make)
