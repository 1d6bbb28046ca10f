"""Leaks of the compiled kernels: every compiled entry point, called many times with valid
and invalid input, leaves memory where it was.

Two views, because they see different leaks: ``tracemalloc`` sees Python objects (a
missing ``Py_DECREF`` keeps the object's block alive), the process's resident set size
sees C heap memory (a ``malloc`` without its ``free``, on the error path too).  Inputs
are large enough that a per-call leak adds up to far more than the bounds below.

Marked ``slow``.  The default is 20,000 calls per entry point (a few seconds in all);
``SMSCODEC_LEAK_CALLS=1000000 pytest -m slow tests/test_leaks.py`` runs the full
million-call check of the issue.  RSS is read from ``/proc/self/statm`` (Linux); where
that is missing only tracemalloc is checked.
"""

from __future__ import annotations

import gc
import importlib
import os
import tracemalloc
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.slow

CALLS = int(os.environ.get("SMSCODEC_LEAK_CALLS", "20000"))
# Growth allowed after the warm-up: far below what one leaked object or buffer per call
# would cost over CALLS calls (at least 20,000 x tens of bytes).
TRACED_LIMIT = 64 * 1024
RSS_LIMIT = 4 * 1024 * 1024

LONG = ("Hello world, Ça va? Δ€[] " * 40)[:1000]  # GSM-7 with escapes, 2-byte storage
UCS2 = "Привет 😀 " * 100
# Error paths build their message in Python (the pure twin's helpers): short texts keep
# them cheap, the buffers they free are still allocated first.
SHORT = LONG[:120]
SEPTETS = bytes(range(0x20, 0x7F)) * 8


def _compiled(name: str, request: pytest.FixtureRequest) -> ModuleType:
    try:
        return importlib.import_module(f"smscodec._{name}_c")
    except ImportError:
        if request.config.getoption("--c-extensions"):
            raise
        pytest.skip(f"compiled kernel smscodec._{name}_c is not built")


# Under AddressSanitizer (scripts/sanitize.sh) freed memory sits in ASan's quarantine on
# purpose, so the resident size grows without any leak: only tracemalloc is checked there.
_SANITIZED = os.environ.get("SMSCODEC_SANITIZED", "") not in ("", "0") or "libasan" in os.environ.get(
    "LD_PRELOAD", ""
)


def _rss() -> int | None:
    if _SANITIZED:
        return None
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _raises(call: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            call()
        except Exception:
            pass
        else:
            raise AssertionError("expected an error")

    return run


def _measure(call: Callable[[], object], calls: int) -> tuple[int, int | None]:
    warmup = max(200, min(2000, calls // 10))
    for _ in range(warmup):
        call()
    # Resident memory first, without tracemalloc: its own trace tables grow with every
    # distinct traceback and would count as a leak of the code under test.
    gc.collect()
    rss_before = _rss()
    for _ in range(calls):
        call()
    gc.collect()
    rss_after = _rss()
    tracemalloc.start()
    try:
        traced_before = tracemalloc.get_traced_memory()[0]
        for _ in range(calls):
            call()
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0] - traced_before
    finally:
        tracemalloc.stop()
    return traced, None if rss_before is None or rss_after is None else rss_after - rss_before


def _check(call: Callable[[], object], calls: int = CALLS) -> None:
    traced, rss = _measure(call, calls)
    assert traced < TRACED_LIMIT, f"{traced} bytes of Python objects left after {calls} calls"
    if rss is not None:
        assert rss < RSS_LIMIT, f"resident memory grew by {rss} bytes over {calls} calls"


# --- GSM-7 ---------------------------------------------------------------------------------

GSM7_CASES: dict[str, Callable[[Any], Callable[[], object]]] = {
    "is_gsm7": lambda k: lambda: k.is_gsm7(LONG),
    "gsm7_septets": lambda k: lambda: k.gsm7_septets(LONG),
    "gsm7_septets-error": lambda k: _raises(lambda: k.gsm7_septets(UCS2)),
    "non_gsm7_chars": lambda k: lambda: k.non_gsm7_chars(UCS2[:200] + "".join(map(chr, range(0x400, 0x420)))),
    "encode_gsm7": lambda k: lambda: k.encode_gsm7(LONG, k.STRICT),
    "encode_gsm7-ignore": lambda k: lambda: k.encode_gsm7(UCS2 + LONG, k.IGNORE),
    "encode_gsm7-error": lambda k: _raises(lambda: k.encode_gsm7(LONG + "😀", k.STRICT)),
    "decode_gsm7": lambda k: lambda: k.decode_gsm7(SEPTETS + b"\x1b\x65", k.STRICT),
    "decode_gsm7-replace": lambda k: lambda: k.decode_gsm7(SEPTETS + b"\xff\x1b", k.REPLACE),
    "decode_gsm7-error": lambda k: _raises(lambda: k.decode_gsm7(SEPTETS + b"\x80", k.STRICT)),
    "pack_septets": lambda k: lambda: k.pack_septets(SEPTETS, 3),
    "pack_septets-error": lambda k: _raises(lambda: k.pack_septets(SEPTETS + b"\x80", 0)),
    "unpack_septets": lambda k: lambda: k.unpack_septets(SEPTETS, -1, 1),
    "unpack_septets-error": lambda k: _raises(lambda: k.unpack_septets(SEPTETS, 10_000, 0)),
}


@pytest.mark.parametrize("case", list(GSM7_CASES))
def test_gsm7_kernel_does_not_leak(case: str, request: pytest.FixtureRequest) -> None:
    _check(GSM7_CASES[case](_compiled("gsm7", request)))


# --- segments ------------------------------------------------------------------------------

SEGMENT_CASES: dict[str, Callable[[Any], Callable[[], object]]] = {
    "count": lambda k: lambda: k.count(LONG),
    "count-error": lambda k: _raises(lambda: k.count(SHORT + "\ud800")),
    "analyze": lambda k: lambda: k.analyze(LONG, 0, 5, 0, 1 | 1 << 1, 1 | 1 << 1 | 1 << 2),
    "analyze-error": lambda k: _raises(lambda: k.analyze("Я" + SHORT, 0, 5, 1, 1, 1)),
    "split": lambda k: lambda: k.split(LONG, 0, 0, 0, 153),
    "split-ucs2": lambda k: lambda: k.split(UCS2, 1, 0, 0, 67),
    "encode_septets": lambda k: lambda: k.encode_septets(LONG, 0, 0),
    "encode_septets-error": lambda k: _raises(lambda: k.encode_septets("😀" + LONG, 0, 0)),
    "non_gsm": lambda k: lambda: k.non_gsm(UCS2[:100], 1, 1),
}


@pytest.mark.parametrize("case", list(SEGMENT_CASES))
def test_segments_kernel_does_not_leak(case: str, request: pytest.FixtureRequest) -> None:
    _check(SEGMENT_CASES[case](_compiled("segments", request)))


def test_public_count_and_split_do_not_leak() -> None:
    # The public layer around the kernels: option plans are cached (bounded), errors built.
    import smscodec

    _check(lambda: smscodec.count_segments(LONG, languages=("turkish",)), calls=CALLS // 4)
    _check(lambda: smscodec.split(SHORT * 2, reference=1), calls=CALLS // 4)
    _check(_raises(lambda: smscodec.analyze("Я" + SHORT, encoding="gsm7")), calls=CALLS // 4)


# --- signing -------------------------------------------------------------------------------

# More than the kernel's 32 stack slots: the heap path, with int values turned into str.
PARAMS: dict[str, object] = {f"key-{i:02}": (i * 7919 if i % 3 else f"v&={i}é") for i in range(40)}
BAD_PARAMS: dict[str, object] = {**PARAMS, "zz-last": 1.5}
SURROGATE_PARAMS: dict[str, object] = {**PARAMS, "zz-last": "\ud800"}


@pytest.mark.parametrize(
    ("case", "params"),
    [
        ("valid", PARAMS),
        ("bad-type", BAD_PARAMS),
        ("surrogate", SURROGATE_PARAMS),
        ("small", {"a": "1", "sig": "x"}),
    ],
)
def test_signing_kernel_does_not_leak(
    case: str, params: dict[str, object], request: pytest.FixtureRequest
) -> None:
    kernel = _compiled("signing", request)
    if case in ("bad-type", "surrogate"):
        _check(_raises(lambda: kernel.canonical_bytes(params, b"secret")))
    else:
        _check(lambda: kernel.canonical_bytes(params, b"secret"))


# --- batch ---------------------------------------------------------------------------------

OPTIONS = (0, 5, 0, 1, 1, 0)


def _outputs(n: int) -> list[np.ndarray[Any, Any]]:
    return [np.empty(n, dtype=np.int32) for _ in range(3)] + [np.empty(n, dtype=np.uint8)]


def _batch_cases(k: Any) -> dict[str, Callable[[], object]]:
    values = (LONG, UCS2, None, "", "€" * 200)
    outs = _outputs(len(values))
    bad_values = (LONG, 7)
    words = np.array([LONG[:300], UCS2[:300], "😀"], dtype=str)
    ucs4 = words.view(np.uint32)
    width = words.itemsize // 4
    bad_ucs4 = ucs4.copy()
    bad_ucs4[2] = 0x110000  # in the first element: the error path stays short
    texts = [LONG, UCS2, "é" * 300]
    raw = "".join(texts).encode()
    offsets = np.cumsum([0] + [len(t.encode()) for t in texts]).astype(np.int32)
    bad_raw = raw[:-1] + b"\xff"
    return {
        "count_objects": lambda: k.count_objects(values, 0, len(values), OPTIONS, *outs),
        "count_objects-error": _raises(lambda: k.count_objects(bad_values, 0, 2, OPTIONS, *_outputs(2))),
        "count_ucs4": lambda: k.count_ucs4(ucs4, width, 0, 3, OPTIONS, *outs),
        "count_ucs4-error": _raises(lambda: k.count_ucs4(bad_ucs4, width, 0, 3, OPTIONS, *outs)),
        "count_utf8": lambda: k.count_utf8(raw, offsets, 4, None, 0, 0, 3, 0, OPTIONS, *outs),
        "count_utf8-error": _raises(
            lambda: k.count_utf8(bad_raw, offsets, 4, None, 0, 0, 3, 0, OPTIONS, *outs)
        ),
        "count_utf8-offsets": _raises(
            lambda: k.count_utf8(raw[:10], offsets, 4, None, 0, 0, 3, 0, OPTIONS, *outs)
        ),
    }


BATCH_CASES = [
    "count_objects",
    "count_objects-error",
    "count_ucs4",
    "count_ucs4-error",
    "count_utf8",
    "count_utf8-error",
    "count_utf8-offsets",
]


@pytest.mark.parametrize("case", BATCH_CASES)
def test_batch_kernel_does_not_leak(case: str, request: pytest.FixtureRequest) -> None:
    _check(_batch_cases(_compiled("batch", request))[case])


# Smart encoding in the batch kernels: a caller map with keys removed (""), spread into
# several characters, mapped to an extension character (escape + septet), a lone surrogate
# and an astral key (those messages are flagged for the public layer), and a key the
# default table carries (left out of the table).
CALLER_MAP = {"ā": "", "✓": "ok", "ł": "lé", "»": "€", "\ud800": "?", "🙂": ":)", "a": "b"}
SMART_OPTIONS = (0, 5, 0, 1, 1, 1)
# Rewritten by either map, removed whole, left as written (Cyrillic), and flagged (astral).
SMART_TEXTS = (
    ("“Hello” — world… ✓ ł » " * 40)[:1000],
    "ā" * 300,
    UCS2,
    None,
    "x\ud800y " * 100,
    "ok 🙂 " * 100,
)


def _translate_table(smart: object) -> dict[int, str]:
    # As smscodec.batch builds a SmartTable: from the plan's translate table (default tables).
    from smscodec import _plan

    table = _plan.plan("auto", b"", 8, smart, ()).smart
    assert table is not None
    return table


def _batch_smart_cases(k: Any, smart: object) -> dict[str, Callable[[], object]]:
    translate = _translate_table(smart)
    table = k.SmartTable(translate, 1, 1)
    texts = SMART_TEXTS
    outs = _outputs(len(texts))
    words = np.array([t or "" for t in texts if t is None or "\ud800" not in t], dtype=str)
    ucs4 = words.view(np.uint32)
    width = words.itemsize // 4
    encoded = [t.encode() for t in texts if t is not None and "\ud800" not in t]
    raw = b"".join(encoded)
    offsets = np.cumsum([0] + [len(e) for e in encoded]).astype(np.int32)
    return {
        "count_objects": lambda: k.count_objects(texts, 0, len(texts), SMART_OPTIONS, *outs, table),
        "count_ucs4": lambda: k.count_ucs4(ucs4, width, 0, len(words), SMART_OPTIONS, *outs, table),
        "count_utf8": lambda: k.count_utf8(
            raw, offsets, 4, None, 0, 0, len(encoded), 0, SMART_OPTIONS, *outs, table
        ),
        # The table does not fit options with smart encoding off.
        "count_objects-misfit": _raises(lambda: k.count_objects(texts, 0, len(texts), OPTIONS, *outs, table)),
        "SmartTable": lambda: k.SmartTable(translate, 1, 1),
        # A replacement the default tables do not carry (the public layer never sends one).
        "SmartTable-error": _raises(lambda: k.SmartTable({0x2713: "ok✓"}, 1, 1)),
    }


BATCH_SMART_CASES = [
    "count_objects",
    "count_ucs4",
    "count_utf8",
    "count_objects-misfit",
    "SmartTable",
    "SmartTable-error",
]


@pytest.mark.parametrize("smart", [True, CALLER_MAP], ids=["smart", "caller-map"])
@pytest.mark.parametrize("case", BATCH_SMART_CASES)
def test_batch_smart_kernel_does_not_leak(case: str, smart: object, request: pytest.FixtureRequest) -> None:
    # Building a table walks the whole map (328 entries for smart=True): fewer calls.
    calls = CALLS // 40 if case == "SmartTable" else CALLS // 4 if case == "SmartTable-error" else CALLS
    _check(_batch_smart_cases(_compiled("batch", request), smart)[case], calls=calls)


def _scalar_count(text: str, smart: bool | Mapping[str, str]) -> int:
    import smscodec

    return int(smscodec.count_segments(text, smart=smart))


@pytest.mark.parametrize("smart", [True, CALLER_MAP], ids=["smart", "caller-map"])
def test_public_batch_smart_does_not_leak(smart: bool | Mapping[str, str]) -> None:
    # The public layer: smart tables cached for smart=True, built per call for a caller
    # map; flagged messages counted by the scalar API; a refused message's error.
    from smscodec import batch

    # A lone surrogate that no map key replaces is refused (it cannot go as UCS-2).
    texts = [t for t in SMART_TEXTS if smart is not True or t is None or "\ud800" not in t]
    expected = [0 if t is None else _scalar_count(t, smart) for t in texts]
    assert batch.count_segments(texts, smart=smart).tolist() == expected
    _check(lambda: batch.count_segments(texts, smart=smart), calls=CALLS // 20)
    _check(
        _raises(lambda: batch.count_segments([*texts, "Я"], smart=smart, encoding="gsm7")),
        calls=CALLS // 20,
    )


def test_the_measure_sees_a_leak() -> None:
    # The check itself: one leaked 100-byte object per call is far over both bounds.
    kept: list[bytes] = []
    traced, _rss_growth = _measure(lambda: kept.append(bytes(100 + len(kept) % 2)), CALLS)
    assert traced > TRACED_LIMIT
    assert len(kept) > CALLS
