"""Signing speed against the bare hashlib/hmac call on the same base string (issue 5, "Speed").

The goal: ``sign()`` on a typical 10-field payload within 2x of hashing the ready-made
base string with nothing around it.  The bare calls are the ones a user would write::

    hashlib.md5(base + secret).hexdigest()               # md5hash
    hmac.new(secret, base, hashlib.sha256).hexdigest()   # the HMAC methods

``sign()`` is measured with each canonicalization twin swapped in (compiled ``c``,
pure ``py``), whatever ``SMSCODEC_NO_EXTENSIONS`` says.  Run::

    PYTHONPATH=src python -m pytest benchmarks/test_bench_signing.py --benchmark-enable -p no:cacheprovider

and the ratios (minimum and median time of ``sign()`` over the bare call) are printed at
the end of the module.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import timeit
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from smscodec import signing

SECRET = "Sg7r4nd0m-s1gn4ture-secr3t"
METHODS = ("md5hash", "md5", "sha1", "sha256", "sha512")

# A send request as smscodec.vonage.build_send_payload makes it: 10 fields, a ~100
# character text with an "&" to replace, a callback URL with "=".
SEND = {
    "api_key": "a1b2c3d4",
    "from": "AcmeInc",
    "to": "447700900123",
    "text": (
        "Your verification code is 482913. It expires in 10 minutes & must not be "
        "shared with anyone, even us."
    ),
    "type": "text",
    "timestamp": "1700000000",
    "client-ref": "order-2024-000123",
    "callback": "https://example.com/sms/dlr?tenant=acme",
    "status-report-req": "true",
    "ttl": "86400000",
}

# A delivery receipt webhook: 12 fields plus the sig being checked (left out of the hash).
WEBHOOK = {
    "msisdn": "447700900123",
    "to": "AcmeInc",
    "network-code": "23410",
    "messageId": "0A0000001234567B",
    "price": "0.03330000",
    "status": "delivered",
    "scts": "2311141220",
    "err-code": "0",
    "api-key": "a1b2c3d4",
    "message-timestamp": "2023-11-14 12:20:18",
    "timestamp": "1699964418",
    "nonce": "6f1b3f0e-7a52-4b4a-9d6e-2f8a1c3b9e77",
    "sig": "0" * 64,
}

PAYLOADS: dict[str, dict[str, str]] = {"send": SEND, "webhook": WEBHOOK}
BACKENDS = ("c", "py")
# Calls per timeit run and runs per side for the strict ratios (~5 ms per run).
_TIMEIT_LOOPS = 2_000
_TIMEIT_REPEATS = 20

# (payload, method, variant) -> (min, median) seconds, for the ratio table.
RESULTS: dict[tuple[str, str, str], tuple[float, float]] = {}


def _bare(method: str, base: bytes, key: bytes) -> Callable[[], str]:
    if method == "md5hash":
        return lambda: hashlib.md5(base + key).hexdigest()
    digest = getattr(hashlib, method)
    return lambda: hmac.new(key, base, digest).hexdigest()


def _record(benchmark: Any, name: tuple[str, str, str]) -> None:
    stats = getattr(benchmark, "stats", None)
    if stats is not None:  # None under --benchmark-disable (one plain call)
        RESULTS[name] = (stats.stats.min, stats.stats.median)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Swap the canonicalization twin under ``signing.sign`` for this case."""
    try:
        module = importlib.import_module(f"smscodec._signing_{request.param}")
    except ImportError:
        pytest.skip(f"smscodec._signing_{request.param} is not built")
    monkeypatch.setattr(signing, "_canonical_bytes", module.canonical_bytes)
    return str(request.param)


def _strict_ratio(payload: str, method: str, module: Any) -> float:
    """timeit's best time for ``sign()`` over the bare expression's, both inline statements.

    pytest-benchmark times each call through a Python frame and its timer, which adds
    the same ~0.1-0.2us to both sides and so flatters the ratio of short calls; timeit
    runs the two statements in one loop with nothing around them.
    """
    params = PAYLOADS[payload]
    key = SECRET.encode()
    names = {
        "sign": signing.sign,
        "params": params,
        "secret": SECRET,
        "method": method,
        "base": signing.base_string(params).encode(),
        "key": key,
        "md5": hashlib.md5,
        "hmac_new": hmac.new,
        "digest": getattr(hashlib, method, None),
    }
    bare = "md5(base + key).hexdigest()" if method == "md5hash" else "hmac_new(key, base, digest).hexdigest()"
    ours = timeit.Timer("sign(params, secret, method)", globals=names)
    theirs = timeit.Timer(bare, globals=names)
    best_ours = best_theirs = float("inf")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing, "_canonical_bytes", module.canonical_bytes)
        # Interleaved short runs, best of each: a neighbour's burst of load hits both sides.
        for _ in range(_TIMEIT_REPEATS):
            best_ours = min(best_ours, ours.timeit(_TIMEIT_LOOPS))
            best_theirs = min(best_theirs, theirs.timeit(_TIMEIT_LOOPS))
    return best_ours / best_theirs


@pytest.fixture(scope="module", autouse=True)
def ratio_table(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print sign()/bare ratios once every benchmark of this module has run."""
    yield
    if not RESULTS:
        return
    modules = {}
    for variant in BACKENDS:
        try:
            modules[variant] = importlib.import_module(f"smscodec._signing_{variant}")
        except ImportError:
            continue
    lines = ["", "sign() time / bare hash call: pytest-benchmark min (median), and timeit (strict)"]
    for payload in PAYLOADS:
        for method in METHODS:
            bare = RESULTS.get((payload, method, "bare"))
            if bare is None:
                continue
            cells = [f"{payload:8} {method:8} bare {bare[0] * 1e6:6.3f}us"]
            for variant in BACKENDS:
                timing = RESULTS.get((payload, method, variant))
                if timing is not None and variant in modules:
                    strict = _strict_ratio(payload, method, modules[variant])
                    cells.append(
                        f"{variant}: {timing[0] * 1e6:6.3f}us x{timing[0] / bare[0]:.2f} "
                        f"(x{timing[1] / bare[1]:.2f}) strict x{strict:.2f}"
                    )
            lines.append("  ".join(cells))
    for payload in PAYLOADS:
        for variant in BACKENDS:
            timing = RESULTS.get((payload, "base_string", variant))
            if timing is not None:
                lines.append(f"{payload:8} base_string {variant}: {timing[0] * 1e6:6.3f}us")
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    # Module teardown runs under output capture: lift it to reach the terminal.
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        for line in lines:
            reporter.write_line(line)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_bare_hash(benchmark: Any, payload: str, method: str) -> None:
    base = signing.base_string(PAYLOADS[payload]).encode()
    bare = _bare(method, base, SECRET.encode())
    benchmark.group = f"{payload}-{method}"
    assert benchmark(bare) == signing.sign(PAYLOADS[payload], SECRET, method)
    _record(benchmark, (payload, method, "bare"))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_sign(benchmark: Any, backend: str, payload: str, method: str) -> None:
    params = PAYLOADS[payload]
    expected = _bare(method, signing.base_string(params).encode(), SECRET.encode())()
    sign = signing.sign
    benchmark.group = f"{payload}-{method}"
    # A lambda, as the bare call is one: both sides pay the same call into the expression.
    assert benchmark(lambda: sign(params, SECRET, method)) == expected
    _record(benchmark, (payload, method, backend))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_base_string(benchmark: Any, backend: str, payload: str) -> None:
    params = PAYLOADS[payload]
    benchmark.group = f"{payload}-base_string"
    base = benchmark(signing.base_string, params)
    assert base.startswith("&")
    assert "&sig=" not in base
    assert len(base.split("&")) == 1 + sum(1 for key in params if key != "sig")
    _record(benchmark, (payload, "base_string", backend))
