"""The batch kernels on both backends: compiled-vs-pure parity, errors included."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smscodec import _batch_py, batch
from smscodec.errors import DecodeError

Kernel = Callable[[str], ModuleType]

ALPHABET = "aZ0 .\n\r\f\x00\x1b\x7f$¤¥èÇØÅßÉÖÑÜ§¿àäöñü@£€[]{}^~|\\ΔΦΩçáé`’“—…\u00a0şğıİनमस्ते你好😀🐳"
masks = st.integers(0, (1 << 14) - 1).map(lambda m: m | 1)
options_st = st.tuples(
    st.sampled_from([0, 5, 7]), st.sampled_from([5, 6]), st.integers(0, 2), masks, masks, st.integers(0, 1)
)
# Valid UTF-8 and arbitrary bytes (invalid sequences, truncations, overlongs, surrogates).
utf8_st = st.one_of(
    st.text(alphabet=ALPHABET, max_size=200).map(lambda t: t.encode()),
    st.text(max_size=40).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=40),
    st.lists(
        st.sampled_from(
            [
                b"a",
                b"\xc3\xa9",
                b"\xe2\x82\xac",
                b"\xf0\x9f\x98\x80",
                b"\x80",
                b"\xc0\xaf",
                b"\xe0\x80\x80",
                b"\xed\xa0\x80",
                b"\xf4\x90\x80\x80",
                b"\xf5",
                b"\xe2\x82",
                b"\xf0\x9f\x98",
                b"\xc2",
            ]
        ),
        max_size=12,
    ).map(b"".join),
)


def _outputs(n: int, detailed: bool) -> tuple[Any, ...]:
    return (
        np.full(n, -7, dtype=np.int32),
        np.full(n, -7, dtype=np.int32) if detailed else None,
        np.full(n, -7, dtype=np.int32) if detailed else None,
        np.full(n, 77, dtype=np.uint8),
    )


def _outcome(func: Callable[..., None], n: int, detailed: bool, *args: Any) -> object:
    outs = _outputs(n, detailed)
    try:
        func(*args, *outs)
    except (DecodeError, TypeError, ValueError) as exc:
        return (type(exc).__name__, str(exc), getattr(exc, "position", None))
    return [None if out is None else out.tolist() for out in outs]


def test_same_surface(kernel: Kernel) -> None:
    live = kernel("batch")
    for name in _batch_py.__all__:
        assert hasattr(live, name), name
    assert live.FLAGGED == _batch_py.FLAGGED


@given(
    values=st.lists(
        st.one_of(
            st.none(), st.text(alphabet=ALPHABET, max_size=320), st.sampled_from([float("nan"), 3, b"x"])
        ),
        max_size=10,
    ),
    options=options_st,
    detailed=st.booleans(),
    data=st.data(),
)
@settings(deadline=None)
def test_count_objects_parity(
    kernel: Kernel, values: list[object], options: tuple[int, ...], detailed: bool, data: st.DataObject
) -> None:
    live = kernel("batch")
    start = data.draw(st.integers(0, len(values)))
    stop = data.draw(st.integers(start, len(values)))
    args = (tuple(values), start, stop, options)
    n = len(values)
    assert _outcome(live.count_objects, n, detailed, *args) == _outcome(
        _batch_py.count_objects, n, detailed, *args
    )


@given(messages=st.lists(st.one_of(st.none(), utf8_st), max_size=10), options=options_st, data=st.data())
@settings(deadline=None)
def test_count_utf8_parity(
    kernel: Kernel, messages: list[bytes | None], options: tuple[int, ...], data: st.DataObject
) -> None:
    live = kernel("batch")
    head = data.draw(st.integers(0, 3))  # the array's offset: elements before the slice
    width = data.draw(st.sampled_from([4, 8]))
    items: list[bytes | None] = [b"skip"] * head + messages
    offsets = np.zeros(len(items) + 1, dtype=np.int32 if width == 4 else np.int64)
    for i, item in enumerate(items):
        offsets[i + 1] = offsets[i] + len(item or b"")
    raw = b"".join(item or b"" for item in items)
    bits = np.packbits(
        np.array([item is not None for item in items], dtype=bool), bitorder="little"
    ).tobytes()
    validity = bits if any(item is None for item in items) else None
    base = data.draw(st.integers(0, 2))
    start = data.draw(st.integers(0, len(messages)))
    stop = data.draw(st.integers(start, len(messages)))
    args = (raw, offsets.tobytes(), width, validity, head, start, stop, base, options)
    n = base + len(messages)
    got = _outcome(live.count_utf8, n, True, *args)
    assert got == _outcome(_batch_py.count_utf8, n, True, *args)


@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                st.integers(0, 0x2FF),
                st.sampled_from([0, 0x20AC, 0xD800, 0x1F600, 0x10FFFF, 0x110000, 0xFFFFFFFF]),
            ),
            max_size=6,
        ),
        max_size=6,
    ),
    options=options_st,
)
@settings(deadline=None)
def test_count_ucs4_parity(kernel: Kernel, rows: list[list[int]], options: tuple[int, ...]) -> None:
    live = kernel("batch")
    width = max((len(r) for r in rows), default=0)
    data = np.zeros(len(rows) * width, dtype=np.uint32)
    for i, row in enumerate(rows):
        data[i * width : i * width + len(row)] = row
    args = (data, width, 0, len(rows), options)
    assert _outcome(live.count_ucs4, len(rows), True, *args) == _outcome(
        _batch_py.count_ucs4, len(rows), True, *args
    )


def test_utf8_errors_name_lead_byte(kernel: Kernel) -> None:
    # Python's own decoder sets the reference: the error starts at the ill-formed sequence's lead.
    cases = {
        b"ab\x80": 2,  # a continuation byte as lead
        b"\xc0\xaf": 0,  # overlong
        b"x\xe0\x80\x80": 1,  # overlong 3-byte
        b"\xed\xa0\x80": 0,  # a UTF-16 surrogate
        b"ok\xf4\x90\x80\x80": 2,  # above U+10FFFF
        b"\xe2\x82": 0,  # truncated
        b"\xe2\x82\xac\xf5": 3,  # never a lead byte
    }
    for raw, position in cases.items():
        offsets = np.array([0, len(raw)], dtype=np.int32).tobytes()
        for module in (kernel("batch"), _batch_py):
            outs = _outputs(5, True)
            with pytest.raises(
                DecodeError, match=rf"texts\[4\] is not valid UTF-8: the sequence at byte {position}"
            ):
                module.count_utf8(raw, offsets, 4, None, 0, 0, 1, 4, (0, 5, 0, 1, 1, 0), *outs)


def test_malformed_arrow_buffers(kernel: Kernel) -> None:
    options = (0, 5, 0, 1, 1, 0)
    bad_offsets = np.array([0, 2, 50], dtype=np.int32).tobytes()
    backwards = np.array([0, 3, 1], dtype=np.int32).tobytes()
    short = np.array([0, 1], dtype=np.int32).tobytes()
    for module in (kernel("batch"), _batch_py):
        with pytest.raises(DecodeError, match=r"texts\[1\]: Arrow offsets 2..50 fall outside the 4-byte"):
            module.count_utf8(b"abcd", bad_offsets, 4, None, 0, 0, 2, 0, options, *_outputs(2, True))
        with pytest.raises(DecodeError, match=r"texts\[1\]: Arrow offsets 3..1 fall outside"):
            module.count_utf8(b"abcd", backwards, 4, None, 0, 0, 2, 0, options, *_outputs(2, True))
        with pytest.raises(DecodeError, match="the Arrow offsets buffer has 8 bytes, 12 needed"):
            module.count_utf8(b"abcd", short, 4, None, 0, 0, 2, 0, options, *_outputs(2, True))
        with pytest.raises(DecodeError, match="the Arrow validity buffer has 1 bytes, 2 needed"):
            module.count_utf8(b"", bytes(44), 4, b"\xff", 0, 0, 10, 0, options, *_outputs(10, True))


def test_bad_kernel_arguments(kernel: Kernel) -> None:
    for module in (kernel("batch"), _batch_py):
        with pytest.raises(ValueError, match="leave no room"):
            module.count_objects(("a",), 0, 1, (140, 5, 0, 1, 1, 0), *_outputs(1, True))
        with pytest.raises(ValueError, match="outside"):
            module.count_objects(("a",), 0, 2, (0, 5, 0, 1, 1, 0), *_outputs(2, True))
        with pytest.raises(ValueError, match="output array holds 1 elements, 2 needed"):
            module.count_objects(("a", "b"), 0, 2, (0, 5, 0, 1, 1, 0), *_outputs(1, True))
        with pytest.raises(ValueError, match="offset_bytes must be 4 or 8"):
            module.count_utf8(b"", bytes(8), 2, None, 0, 0, 1, 0, (0, 5, 0, 1, 1, 0), *_outputs(1, True))


def test_public_layer_on_both_twins(kernel: Kernel, monkeypatch: pytest.MonkeyPatch) -> None:
    pa = pytest.importorskip("pyarrow")
    texts = [None if i % 11 == 0 else f"msg {i} ’€ " + "😀" * (i % 3) + "x" * (i % 170) for i in range(300)]
    results = []
    for module in (kernel("batch"), _batch_py):
        monkeypatch.setattr(batch, "_kernel", module)
        monkeypatch.setattr(batch, "_MIN_PER_THREAD", 16)
        for container in (texts, pa.array(texts), np.array([t or "" for t in texts])):
            for threads in (1, 3):
                for smart in (False, True):
                    result = batch.analyze(container, smart=smart, threads=threads, languages=("spanish",))
                    results.append([v.tolist() for v in result.values()])
    half = len(results) // 2
    assert results[:half] == results[half:]
