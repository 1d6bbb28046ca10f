"""Hostile input to ``smscodec.segments`` and its kernels, and the part limit at its edge.

Random texts and options go into ``analyze``, ``count_segments``, ``split`` and
``split_binary``: a result or the library's own error, and the three agree; the kernel
twins agree on results and errors (``kernel`` fixture).  Then the 255-part limit of the
concatenation header, and a regression test for a bug found while fuzzing.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import smscodec
import smscodec._plan
from hostile import Kernel, hostile, only_ours, texts, twins
from smscodec.errors import ArgumentError

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
    info = only_ours(smscodec.analyze, text, **options)
    count = only_ours(smscodec.count_segments, text, **options)
    parts = only_ours(smscodec.split, text, reference=reference, **options)
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
    result = twins(kernel, "segments", "analyze", text, header, concat, mode, 1 | 1 << 1 | 1 << 3, 1 | 1 << 2)
    twins(kernel, "segments", "non_gsm", text, 1, 1)
    twins(kernel, "segments", "count", text)
    if result[0] == "ok":
        analyzed: tuple[int, ...] = result[1]  # type: ignore[assignment]
        encoding, _parts, _units, per, _rem, locking, single = analyzed
        twins(kernel, "segments", "split", text, encoding, locking, single, per)


@hostile
@given(
    body=st.binary(max_size=2000), header=st.binary(max_size=10), reference=st.none() | st.integers(-1, 70000)
)
def test_split_binary_hostile(body: bytes, header: bytes, reference: int | None) -> None:
    parts = only_ours(smscodec.split_binary, body, udh=header, reference=reference)
    if parts is not None:
        assert b"".join(p.payload for p in parts) == body


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


# --- regressions (each from a fuzzer finding; see SECURITY.md) ------------------------------


def test_language_plan_cache_does_not_widen_accepted_types() -> None:
    # Found while reading the option cache for the segments fuzz target: (1,) and (1.0,)
    # are equal tuple keys, so once (1,) was cached a float language was accepted.
    # An empty cache, so that (1,) is cached here whatever ran before (it holds 256 plans).
    smscodec._plan.cache_clear()
    for cache in (smscodec.analyze, smscodec.count_segments, smscodec.split):
        cache("x", languages=(1,))
        for use in (smscodec.analyze, smscodec.count_segments, smscodec.split):
            with pytest.raises(TypeError, match="float"):
                use("x", languages=(1.0,))  # type: ignore[arg-type]
