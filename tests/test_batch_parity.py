"""The batch kernels on both backends: compiled-vs-pure parity, errors included."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from smscodec import _batch_py, _plan, batch
from smscodec.errors import ArgumentError, DecodeError

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
    items: list[bytes | None] = [*(b"skip" for _ in range(head)), *messages]
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
        with pytest.raises(ValueError, match="leave out the default single shift table"):
            module.count_objects(("",), 0, 1, (0, 5, 1, 2, 2, 0), *_outputs(1, True))
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


# --- smart tables -------------------------------------------------------------------------

# Map keys of every kind (one character, several, none, an extension character), a lone
# surrogate and an astral key in the caller map below, among the alphabet above.
SMART_ALPHABET = ALPHABET + "\u2018\u2026\u00bd\u200b\uff3b\uff5c\t\x01\u3000\ud800"
PARITY_MAP = {"😀": ":)", "\ud800": "?", "á": "a", "\u2026": "...", "\uff3b": "{[", "\u200b": "", "é": "e"}
# Locking tables without the default one too (the kernels may not then skip plain ASCII);
# the default single shift table is always enabled (every plan has it; check_options says so).
any_masks = st.one_of(masks, st.integers(1, (1 << 14) - 1))
smart_options_st = st.tuples(
    st.sampled_from([0, 5, 7]), st.sampled_from([5, 6]), st.integers(0, 2), any_masks, masks, st.just(1)
)
PLAIN_RUN = "The quick brown fox jumps over the lazy dog 0123456789 "


def _with(func: Callable[..., None], table: Any) -> Callable[..., None]:
    """``func`` with ``table`` as its last argument (after the outputs)."""

    def run(*args: Any) -> None:
        func(*args, table)

    return run


def _tables(live: ModuleType, smart: object, options: tuple[int, ...]) -> tuple[Any, Any]:
    """Each twin's SmartTable for the translate table the option plan makes of ``smart``."""
    try:
        table = _plan.smart_table(smart, options[3], options[4])
    except ArgumentError:  # a replacement these tables cannot carry: no such plan exists
        assume(False)
    assert table is not None
    return live.SmartTable(table, options[3], options[4]), _batch_py.SmartTable(table, options[3], options[4])


@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=SMART_ALPHABET, max_size=320),
            # Plain ASCII runs (skipped in blocks) around a few characters of every kind.
            st.lists(st.sampled_from([PLAIN_RUN, PLAIN_RUN[:7], *SMART_ALPHABET]), max_size=12).map("".join),
        ),
        max_size=8,
    ),
    options=smart_options_st,
    smart=st.sampled_from([True, PARITY_MAP]),
    detailed=st.booleans(),
)
@settings(deadline=None)
def test_smart_kernels_parity(
    kernel: Kernel, values: list[str | None], options: tuple[int, ...], smart: object, detailed: bool
) -> None:
    live = kernel("batch")
    c_table, py_table = _tables(live, smart, options)
    n = len(values)
    # Python objects.
    args = (tuple(values), 0, n, options)
    got = _outcome(_with(live.count_objects, c_table), n, detailed, *args)
    assert got == _outcome(_with(_batch_py.count_objects, py_table), n, detailed, *args)
    # numpy U storage (UCS-4 code units; padding NULs are not text, so none is drawn last).
    texts = [(v or "").rstrip("\x00") for v in values]
    width = max((len(t) for t in texts), default=0)
    data = np.zeros(n * width, dtype=np.uint32)
    for i, text in enumerate(texts):
        data[i * width : i * width + len(text)] = [ord(ch) for ch in text]
    args4 = (data, width, 0, n, options)
    got = _outcome(_with(live.count_ucs4, c_table), n, True, *args4)
    assert got == _outcome(_with(_batch_py.count_ucs4, py_table), n, True, *args4)
    # Arrow buffers (UTF-8 holds no lone surrogate).
    items = [v.encode() if v is not None and "\ud800" not in v else None for v in values]
    offsets = np.zeros(n + 1, dtype=np.int32)
    for i, item in enumerate(items):
        offsets[i + 1] = offsets[i] + len(item or b"")
    bits = np.packbits(np.array([item is not None for item in items], dtype=bool), bitorder="little")
    args8 = (b"".join(i or b"" for i in items), offsets.tobytes(), 4, bits.tobytes(), 0, 0, n, 0, options)
    got = _outcome(_with(live.count_utf8, c_table), n, True, *args8)
    assert got == _outcome(_with(_batch_py.count_utf8, py_table), n, True, *args8)


def test_smart_kernels_flag_only_what_they_must(kernel: Kernel) -> None:
    # With a table, only a refused message (here a lone surrogate no map replaces, under
    # UCS-2) or one holding a replaced astral key is left to the public layer.
    live = kernel("batch")
    options = (0, 5, 0, 1, 1, 1)
    values = ("It\u2019s", "😀\u2026", "x\ud801", "a😀", "\ud800", "plain", "\u00e1" * 200)
    for module in (live, _batch_py):
        table = module.SmartTable(_plan.smart_table(PARITY_MAP, 1, 1), 1, 1)
        outs = _outputs(len(values), True)
        module.count_objects(values, 0, len(values), options, *outs, table)
        # This map has an astral key: every message holding an astral character is flagged.
        assert outs[3].tolist() == [1, module.FLAGGED, module.FLAGGED, module.FLAGGED, 0, 0, 0]
        # "It’s" is not in this map: UCS-2 as written; "á" * 200 -> 200 septets, 2 parts.
        assert outs[0].tolist() == [1, 0, 0, 0, 1, 1, 2]
        assert outs[1].tolist() == [4, 0, 0, 0, 1, 5, 200]
        # The default map has none: the emoji keeps its message UCS-2, as written.
        table = module.SmartTable(_plan.smart_table(True, 1, 1), 1, 1)
        outs = _outputs(len(values), True)
        module.count_objects(values, 0, len(values), options, *outs, table)
        assert outs[3].tolist() == [0, 1, module.FLAGGED, 1, module.FLAGGED, 0, 1]
        assert outs[1].tolist() == [4, 3, 0, 3, 0, 5, 200]
        # Without a table every message that is not GSM-7 as it stands is flagged.
        outs = _outputs(len(values), True)
        module.count_objects(values, 0, len(values), options, *outs)
        assert outs[3].tolist() == [module.FLAGGED] * 5 + [0, module.FLAGGED]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("x", 1, 1), TypeError, "table must be a dict, not str"),
        (({}, 1.0, 1), TypeError, "locks and singles must be ints"),
        (({}, 0, 1), ValueError, "locks 0 / singles 1 enable no table"),
        (({}, 1, 1 << 14), ValueError, "enable no table or an unknown one"),
        (({"a": "b"}, 1, 1), TypeError, "smart table keys must be ints, got str"),
        (({-1: "a"}, 1, 1), ValueError, "smart table key -1 is not a code point"),
        (({0x110000: "a"}, 1, 1), ValueError, "smart table key 1114112 is not a code point"),
        (({0x2019: 5}, 1, 1), TypeError, "smart table values must be str, got int for U+2019"),
        (({0x61: "b"}, 1, 1), ValueError, "smart table key U+0061 is a character the enabled tables carry"),
        (({0x2019: "\u00e7"}, 1, 1), ValueError, "value for U+2019 holds U+00E7, which the enabled tables"),
    ],
)
def test_smart_table_errors(kernel: Kernel, args: tuple[Any, ...], error: type, message: str) -> None:
    for module in (kernel("batch"), _batch_py):
        with pytest.raises(error, match=re.escape(message)):
            module.SmartTable(*args)
    # ç is carried once the Turkish tables (identifier 1) are enabled.
    for module in (kernel("batch"), _batch_py):
        assert module.SmartTable({0x2019: "\u00e7"}, 3, 3).locks == 3


def test_smart_table_must_fit_the_options(kernel: Kernel) -> None:
    for module in (kernel("batch"), _batch_py):
        table = module.SmartTable({0x2019: "'"}, 1, 1)
        outs = _outputs(1, True)
        with pytest.raises(ValueError, match=r"the smart table \(tables 1/1\) does not fit options"):
            module.count_objects(("a",), 0, 1, (0, 5, 0, 1, 1, 0), *outs, table)
        with pytest.raises(ValueError, match="does not fit options"):
            module.count_objects(("a",), 0, 1, (0, 5, 0, 3, 3, 1), *outs, table)
        with pytest.raises(ValueError, match="does not fit options"):
            module.count_utf8(b"a", bytes(8), 4, None, 0, 0, 1, 0, (0, 5, 0, 1, 1, 0), *outs, table)
        with pytest.raises(TypeError, match="table must be a SmartTable or None, not dict"):
            module.count_ucs4(np.zeros(1, np.uint32), 1, 0, 1, (0, 5, 0, 1, 1, 1), *outs, {})
