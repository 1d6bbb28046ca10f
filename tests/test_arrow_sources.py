"""smscodec._arrow_sources: batch counting over any Arrow PyCapsule column, equal to the scalar API.

Every producer (pyarrow, polars, nanoarrow, and the hand-made producer of
``tests/_arrow_producer.py``, which can also lay out what the libraries refuse to), every
layout (``u``, ``U``, ``vu``, dictionaries, tables of one column, chunked streams),
slices, nulls and offsets that do not start at 0, on both kernel twins.  The kernels must
see the producer's own buffers (no copy), and a malformed array is a DecodeError.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import _arrow_producer as producer
import smscodec
from smscodec import _arrow_sources, _batch_py, batch
from smscodec.errors import ArgumentError, DecodeError, EncodingError

pa = pytest.importorskip("pyarrow")

Kernel = Callable[[str], ModuleType]

# Every PEP 393 width and cost (as tests/test_batch.py): GSM-7, extension, Greek capitals,
# non-GSM Latin, smart look-alikes, Turkish, Devanagari, CJK, emoji.
ALPHABET = "aZ0 .\n\x00\x1b@£$èéÇØÅß§¿äöñü€[]{}^~|\\ΔΦΩçá’“—…\u00a0şğıİनमस्ते你好😀🐳"
texts_st = st.lists(st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=200)), max_size=10)
options_st = st.fixed_dictionaries(
    {
        "encoding": st.sampled_from(["auto", "ucs2"]),
        "reference_bits": st.sampled_from([8, 16]),
        "smart": st.booleans(),
        "languages": st.sampled_from([(), ("turkish",), ("portuguese", "spanish"), ("hindi",)]),
    }
)
LEAD = ["lead one", None, "lead €"]


def expected(texts: list[str | None], **options: Any) -> dict[str, list[int]]:
    """The scalar API, one message at a time; zeros for a missing value."""
    out: dict[str, list[int]] = {"segments": [], "units": [], "remaining": [], "encoding": []}
    for text in texts:
        if text is None:
            values = [0, 0, 0, 0]
        else:
            info = smscodec.analyze(text, **options)
            values = [info.segments, info.units, info.remaining, 0 if info.encoding == "gsm7" else 1]
        for key, value in zip(out, values, strict=True):
            out[key].append(value)
    return out


@contextlib.contextmanager
def twin(module: ModuleType) -> Iterator[None]:
    """The public layer on ``module`` (a kernel twin)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "_kernel", module)
        yield


def encoded(texts: list[str | None]) -> list[bytes | None]:
    return [None if t is None else t.encode("utf-8") for t in texts]


def _chunks(texts: list[Any], cuts: list[int]) -> list[list[Any]]:
    bounds = sorted({0, len(texts), *(c % (len(texts) + 1) for c in cuts)})
    return [texts[a:b] for a, b in itertools.pairwise(bounds)] or [[]]


def _dictionary_spec(texts: list[str | None]) -> producer.Spec:
    values = sorted({t for t in texts if t is not None}, reverse=True)
    # An unused value that is not UTF-8: an error only where an element points at it.
    spec = producer.utf8([v.encode() for v in values] + [b"\xff bad"])
    return producer.dictionary([None if t is None else values.index(t) for t in texts], spec, fmt="s")


# Each maker: (texts, cuts) -> an object with the Arrow PyCapsule interface holding texts.
MAKERS: dict[str, Callable[[list[str | None], list[int]], Any]] = {
    "pyarrow string": lambda t, c: pa.array(t, pa.string()),
    "pyarrow large_string": lambda t, c: pa.array(t, pa.large_string()),
    "pyarrow string_view": lambda t, c: pa.array(t, pa.string_view()),
    "pyarrow slice": lambda t, c: pa.array(LEAD + t + LEAD, pa.string())[len(LEAD) : len(LEAD) + len(t)],
    "pyarrow view slice": lambda t, c: pa.array(LEAD + t, pa.string_view())[len(LEAD) :],
    "pyarrow dictionary": lambda t, c: pa.array(LEAD + t, pa.string()).dictionary_encode()[len(LEAD) :],
    "pyarrow chunked": lambda t, c: pa.chunked_array(
        [pa.array(p, pa.string()) for p in _chunks(t, c)], pa.string()
    ),
    "pyarrow chunked slices": lambda t, c: pa.chunked_array(
        [pa.array(LEAD + p, pa.large_string())[len(LEAD) :] for p in _chunks(t, c)], pa.large_string()
    ),
    "pyarrow table": lambda t, c: pa.table({"text": pa.array(LEAD + t, pa.string())}).slice(len(LEAD)),
    "producer utf8 offset": lambda t, c: producer.Array(producer.utf8(encoded(t), offset=3, pad=5)),
    "producer large offset": lambda t, c: producer.Array(producer.utf8(encoded(t), large=True, offset=9)),
    "producer views": lambda t, c: producer.Array(producer.views(encoded(t), offset=2, buffers=3)),
    "producer dictionary": lambda t, c: producer.Array(_dictionary_spec(t)),
    "producer table offset": lambda t, c: producer.Array(
        producer.table(producer.utf8(encoded(LEAD + t)), offset=3)
    ),
    "producer stream": lambda t, c: producer.Stream(
        [producer.views(encoded(p), offset=1) for p in _chunks(t, c)], schema=producer.views([])
    ),
}


def _polars(texts: list[str | None], cuts: list[int]) -> Any:
    pl = pytest.importorskip("polars")
    parts = [pl.Series("text", p, dtype=pl.String) for p in _chunks(LEAD + texts, cuts)]
    return pl.concat(parts, rechunk=False)[len(LEAD) :]


def _polars_categorical(texts: list[str | None], cuts: list[int]) -> Any:
    pl = pytest.importorskip("polars")
    return pl.Series(LEAD + texts, dtype=pl.Categorical)[len(LEAD) :]


def _nanoarrow(texts: list[str | None], cuts: list[int]) -> Any:
    # A CArray slice (offset not 0), and an array of chunks of large strings.
    na = pytest.importorskip("nanoarrow")
    if cuts and cuts[0] % 2:
        return na.c_array(LEAD + texts, na.string())[len(LEAD) :]
    return na.Array.from_chunks(_chunks(texts, cuts), na.large_string())


MAKERS["polars chunked slice"] = _polars
MAKERS["polars categorical"] = _polars_categorical
MAKERS["nanoarrow"] = _nanoarrow


@pytest.mark.parametrize("maker", sorted(MAKERS))
@given(texts=texts_st, options=options_st, cuts=st.lists(st.integers(0, 12), max_size=3))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_producer_equals_scalar(
    kernel: Kernel, maker: str, texts: list[str | None], options: dict[str, Any], cuts: list[int]
) -> None:
    if maker.startswith("polars"):
        pytest.importorskip("polars")
    want = expected(texts, **options)
    for module in (kernel("batch"), _batch_py):
        with twin(module):
            result = batch.analyze(MAKERS[maker](texts, cuts), **options)
            assert {key: result[key].tolist() for key in want} == want, (maker, module.__name__)
            assert batch.count_segments(MAKERS[maker](texts, cuts), **options).tolist() == want["segments"]


@given(texts=st.lists(st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=60)), max_size=40))
@settings(max_examples=30, deadline=None)
def test_stream_groups_and_threads(kernel: Kernel, texts: list[str | None]) -> None:
    # Groups of a few messages: a stream is counted a group at a time, errors and all.
    want = expected(texts)["segments"]
    stream = [producer.utf8(encoded(part), offset=1) for part in _chunks(texts, [3, 7, 20, 33])]
    for module in (kernel("batch"), _batch_py):
        with twin(module), pytest.MonkeyPatch.context() as patch:
            patch.setattr(_arrow_sources, "GROUP", 5)
            patch.setattr(batch, "_MIN_PER_THREAD", 2)
            for threads in (1, 3):
                got = batch.count_segments(producer.Stream(stream), threads=threads)
                assert got.tolist() == want


def test_later_group_errors_name_the_index_in_the_whole_column(kernel: Kernel) -> None:
    chunks = [producer.utf8([b"a"] * 4), producer.utf8([b"b", b"ok\xc3", b"c"]), producer.utf8([b"d"])]
    for module in (kernel("batch"), _batch_py):
        with twin(module), pytest.MonkeyPatch.context() as patch:
            patch.setattr(_arrow_sources, "GROUP", 2)
            with pytest.raises(DecodeError, match=r"texts\[5\] is not valid UTF-8: the sequence at byte 2"):
                batch.count_segments(producer.Stream(chunks))
            with pytest.raises(EncodingError, match=r"texts\[6\]: character 'ж'"):
                batch.count_segments(
                    producer.Stream(
                        [producer.utf8([b"a"] * 3), producer.utf8([b"x", b"y", b"z", "ж".encode()])]
                    ),
                    encoding="gsm7",
                )
            nulls = producer.Spec("i", 3, [producer.bitmap([False] * 3), bytes(12)], null_count=3)
            numbers = producer.Spec("i", 2, [producer.bitmap([False, True]), bytes(8)], null_count=1)
            with pytest.raises(TypeError, match=r"texts\[4\] is a int, not a str"):
                batch.count_segments(producer.Stream([nulls, numbers]))


def test_smart_and_flagged_messages_through_a_dictionary(kernel: Kernel) -> None:
    # The scalar fallback (lone surrogates are impossible in UTF-8; gsm7 refusals are
    # flagged) reads dictionary values by each element's own index.
    texts = ["It’s “done”…", None, "plain", "It’s “done”…", "Şimdi", "😀 ok"]
    spec = _dictionary_spec(texts)
    for module in (kernel("batch"), _batch_py):
        with twin(module):
            for options in ({"smart": True}, {"smart": {"😀": ":)"}}, {"languages": ("turkish",)}):
                result = batch.analyze(producer.Array(spec), **options)
                want = expected(texts, **options)
                assert {key: result[key].tolist() for key in want} == want
            # Values, back to front: "😀 ok", "Şimdi", "plain", "It’s…" (and a bad one).
            with pytest.raises(EncodingError, match=r"texts\[3\]: character '😀'"):
                batch.count_segments(
                    producer.Array(producer.dictionary([2, None, 2, 0], spec.dictionary)), encoding="gsm7"
                )


# --- no copy --------------------------------------------------------------------------------


def _address(buffer: Any) -> int:
    return int(np.asarray(buffer).__array_interface__["data"][0])


class Spy:
    """A kernel twin that records the buffer addresses its Arrow functions are given."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        self.seen: list[tuple[str, int]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.module, name)

    def count_utf8(self, data: Any, offsets: Any, *rest: Any) -> None:
        self.seen += [("data", _address(data)), ("offsets", _address(offsets))]
        self.module.count_utf8(data, offsets, *rest)

    def count_views(self, views: Any, buffers: tuple[Any, ...], *rest: Any) -> None:
        self.seen += [("views", _address(views))] + [("buffer", _address(b)) for b in buffers]
        self.module.count_views(views, buffers, *rest)


def test_kernels_read_the_producers_own_buffers(kernel: Kernel) -> None:
    texts = ["x" * (i % 50) + "é€😀"[i % 3] for i in range(1000)]
    strings = pa.array(texts, pa.string())[10:]
    large = pa.chunked_array([pa.array(texts, pa.large_string()), pa.array(texts[:5], pa.large_string())])
    views = pa.array(texts, pa.string_view())
    for module in (kernel("batch"), _batch_py):
        spy = Spy(module)
        with twin(spy):  # type: ignore[arg-type]
            batch.count_segments(strings)
            batch.count_segments(large)
            batch.count_segments(views)
        assert spy.seen[:2] == [
            ("data", strings.buffers()[2].address),
            ("offsets", strings.buffers()[1].address),
        ]
        assert spy.seen[2:6] == [
            ("data", large.chunk(0).buffers()[2].address),
            ("offsets", large.chunk(0).buffers()[1].address),
            ("data", large.chunk(1).buffers()[2].address),
            ("offsets", large.chunk(1).buffers()[1].address),
        ]
        assert spy.seen[6:] == [("views", views.buffers()[1].address)] + [
            ("buffer", buffer.address) for buffer in views.buffers()[2:]
        ]


def test_a_table_column_is_read_in_place(kernel: Kernel) -> None:
    column = pa.array(["a", "b" * 200, None, "ç"], pa.string())
    for module in (kernel("batch"), _batch_py):
        spy = Spy(module)
        with twin(spy):  # type: ignore[arg-type]
            assert batch.count_segments(pa.table({"text": column})).tolist() == [1, 2, 0, 1]
        assert spy.seen[0] == ("data", column.buffers()[2].address)


# --- malformed arrays -----------------------------------------------------------------------


def _offsets(values: list[int], width: int = 4) -> bytes:
    return b"".join(v.to_bytes(width, "little", signed=True) for v in values)


def _view(length: int, buffer: int = 0, offset: int = 0, inline: bytes = b"") -> bytes:
    if 0 <= length <= 12:
        return length.to_bytes(4, "little", signed=True) + inline.ljust(12, b"\0")
    return (
        length.to_bytes(4, "little", signed=True)
        + b"pref"
        + buffer.to_bytes(4, "little", signed=True)
        + offset.to_bytes(4, "little", signed=True)
    )


MALFORMED = {
    "offset past the end": (
        producer.Spec("u", 2, [None, _offsets([0, 50, 5]), b"abcde"]),
        r"texts\[0\]: Arrow offsets 0..50 fall outside the 5-byte data buffer",
    ),
    "decreasing offsets": (
        producer.Spec("u", 3, [None, _offsets([0, 4, 2, 6]), b"abcdef"]),
        r"texts\[1\]: Arrow offsets 4..2 fall outside",
    ),
    "negative first offset": (
        producer.Spec("U", 1, [None, _offsets([-3, 2], 8), b"ab"]),
        r"texts\[0\]: Arrow offsets -3..2 fall outside",
    ),
    "negative last offset": (
        producer.Spec("u", 1, [None, _offsets([0, -1]), b""]),
        r"texts: malformed Arrow array: the last offset is -1",
    ),
    "missing data buffer": (
        producer.Spec("u", 1, [None, _offsets([0, 3]), None]),
        r"the offsets reach byte 3 of a missing data buffer",
    ),
    "missing offsets buffer": (
        producer.Spec("u", 1, [None, None, b"abc"]),
        r"the offsets buffer is missing",
    ),
    "two buffers for a string": (
        producer.Spec("u", 1, [None, _offsets([0, 1])]),
        r"a string array takes 3 buffers, the array has 2",
    ),
    "nulls without a bitmap": (
        producer.Spec("u", 1, [None, _offsets([0, 1]), b"a"], null_count=1),
        r"1 nulls but no validity bitmap",
    ),
    "negative length": (
        producer.Spec("u", -1, [None, _offsets([0]), b""]),
        r"malformed Arrow array \(length -1",
    ),
    "bad UTF-8": (
        producer.Spec("u", 2, [None, _offsets([0, 2, 5]), b"ok\xe2\x82x"]),
        r"texts\[1\] is not valid UTF-8: the sequence at byte 0 \(0xE2\)",
    ),
    "bad UTF-8 in a view": (
        producer.Spec(
            "vu",
            2,
            [None, _view(1, inline=b"a") + _view(14, 0, 1), b"#" + b"\xf0\x9f" * 7, _offsets([15], 8)],
        ),
        r"texts\[1\] is not valid UTF-8: the sequence at byte 0 \(0xF0\)",
    ),
    "view past its buffer": (
        producer.Spec(
            "vu", 2, [None, _view(2, inline=b"ok") + _view(20, 0, 5), b"x" * 24, _offsets([24], 8)]
        ),
        r"texts\[1\]: the Arrow string view points at bytes 5..25 of the 24-byte data buffer 0",
    ),
    "view into a missing buffer": (
        producer.Spec("vu", 1, [None, _view(20, 3, 0), b"x" * 24, _offsets([24], 8)]),
        r"texts\[0\]: the Arrow string view points into data buffer 3, of 1",
    ),
    "view of negative length": (
        producer.Spec("vu", 1, [None, _view(-5, 0, 0), b"x" * 24, _offsets([24], 8)]),
        r"texts\[0\]: the Arrow string view has length -5",
    ),
    "negative buffer size": (
        producer.Spec("vu", 1, [None, _view(1, inline=b"a"), b"x", _offsets([-1], 8)]),
        r"data buffer 0 has size -1",
    ),
    "dictionary index outside": (
        producer.dictionary([0, 2], producer.utf8([b"a", b"b"])),
        r"texts\[1\]: dictionary index 2 is outside the dictionary's 2 values",
    ),
    "negative dictionary index": (
        producer.dictionary([-1], producer.utf8([b"a"])),
        r"texts\[0\]: dictionary index -1 is outside",
    ),
    "bad UTF-8 in a used dictionary value": (
        producer.dictionary([0, None, 1], producer.utf8([b"a", b"\xc3("])),
        r"texts\[2\] is not valid UTF-8: the sequence at byte 0 \(0xC3\)",
    ),
    "a struct longer than its column": (
        producer.table(producer.utf8([b"a", b"b"]), rows=2, offset=1),
        r"a struct of 2 rows at offset 1 over a column of 2",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_arrays_are_decode_errors(kernel: Kernel, case: str) -> None:
    spec, message = MALFORMED[case]
    for module in (kernel("batch"), _batch_py):
        with twin(module):
            with pytest.raises(DecodeError, match=message):
                batch.count_segments(producer.Array(spec))
            with pytest.raises(DecodeError, match=message):
                batch.analyze(producer.Stream([spec]), smart=True)


def test_an_unused_bad_dictionary_value_is_no_error(kernel: Kernel) -> None:
    spec = producer.dictionary([0, None, 0, 2], producer.utf8([b"a" * 170, b"\xc3(", b"\xe2\x82\xac"]))
    for module in (kernel("batch"), _batch_py):
        with twin(module):
            assert batch.count_segments(producer.Array(spec)).tolist() == [2, 0, 2, 1]


def test_the_pure_twin_names_the_same_view_errors(kernel: Kernel) -> None:
    views = np.frombuffer(_view(3, inline=b"abc") + _view(30, 1, 4), np.uint8)
    buffers = (np.zeros(8, np.uint8), np.frombuffer(b"y" * 33, np.uint8))
    outs = [np.zeros(2, np.int32), np.zeros(2, np.int32), np.zeros(2, np.int32), np.zeros(2, np.uint8)]
    for module in (kernel("batch"), _batch_py):
        with pytest.raises(
            DecodeError, match=r"texts\[8\]: the Arrow string view points at bytes 4..34 of the 33-byte"
        ):
            module.count_views(
                views, buffers, None, 0, 0, 2, 7, (0, 5, 0, 1, 1, 0), *[np.zeros(9, o.dtype) for o in outs]
            )
        with pytest.raises(DecodeError, match=r"the Arrow views buffer has 32 bytes, 48 needed"):
            module.count_views(views, buffers, None, 1, 0, 2, 0, (0, 5, 0, 1, 1, 0), *outs)
        with pytest.raises(DecodeError, match=r"the Arrow validity buffer has 0 bytes, 1 needed"):
            module.count_views(views, buffers, b"", 0, 0, 2, 0, (0, 5, 0, 1, 1, 0), *outs)
        with pytest.raises(TypeError):
            module.count_views(views, list(buffers), None, 0, 0, 2, 0, (0, 5, 0, 1, 1, 0), *outs)
        with pytest.raises(ValueError, match="is not valid"):
            module.count_views(views, buffers, None, 0, 0, 2, -1, (0, 5, 0, 1, 1, 0), *outs)
        module.count_views(views, buffers, None, 0, 0, 1, 0, (0, 5, 0, 1, 1, 0), *outs)
        assert [int(o[0]) for o in outs] == [1, 3, 157, 0]


# --- types ----------------------------------------------------------------------------------


def test_non_string_columns_name_their_first_value() -> None:
    with pytest.raises(TypeError, match=r"texts\[2\] is a int, not a str"):
        batch.count_segments(pa.array([None, None, 7], pa.int16()))
    with pytest.raises(TypeError, match=r"texts\[1\] is a bytes, not a str"):
        batch.count_segments(pa.array([None, b"x"], pa.binary_view()))
    with pytest.raises(TypeError, match=r"texts\[0\] is a datetime, not a str"):
        batch.count_segments(pa.array([0], pa.timestamp("s")))
    with pytest.raises(TypeError, match=r"texts\[1\] is a int, not a str"):
        batch.count_segments(pa.array([None, 1, 2]).dictionary_encode())
    with pytest.raises(TypeError, match=r"texts\[0\] is a list, not a str"):
        batch.count_segments(pa.array([["a"]]))
    # Nulls of any type are missing values.
    assert batch.count_segments(pa.array([None, None], pa.float64())).tolist() == [0, 0]
    assert batch.count_segments(pa.array([None, None], pa.null())).tolist() == [0, 0]


def test_tables_must_have_one_column() -> None:
    with pytest.raises(TypeError, match=r"not an Arrow table of 2 columns \('text', 'n'\)"):
        batch.count_segments(pa.table({"text": ["a"], "n": [1]}))
    struct = pa.array([{"t": "a"}, None], pa.struct([("t", pa.string())]))
    with pytest.raises(TypeError, match="struct array with null rows"):
        batch.count_segments(struct)
    assert batch.count_segments(pa.array([{"t": "a" * 200}], pa.struct([("t", pa.string())]))).tolist() == [2]


def test_empty_columns() -> None:
    for empty in (
        pa.array([], pa.string()),
        pa.chunked_array([], pa.string_view()),
        producer.Stream([], schema=producer.utf8([])),
    ):
        result = batch.analyze(empty)
        assert [len(v) for v in result.values()] == [0, 0, 0, 0]
        assert result["encoding"].dtype == np.uint8


def test_a_failing_stream_is_an_argument_error() -> None:
    stream = producer.Stream([producer.utf8([b"a"]), producer.utf8([b"b"])], fail_at=1)
    with pytest.raises(
        ArgumentError, match=r"the Arrow stream failed: the producer broke down \(error 5\)"
    ) as info:
        batch.count_segments(stream)
    assert info.value.argument == "texts"


# --- results as Arrow -----------------------------------------------------------------------


def test_output_arrow_round_trips_through_pyarrow() -> None:
    texts = pa.array(["a", None, "b" * 200, "€" * 100])
    column = batch.count_segments(texts, output="arrow")
    assert isinstance(column, batch.ArrowColumn)
    assert pa.array(column).equals(pa.array([1, 0, 2, 2], pa.int32()))
    # The exported array is the numpy result's memory.
    assert pa.array(column).buffers()[1].address == column.to_numpy().__array_interface__["data"][0]
    result = batch.analyze(texts, output="arrow")
    assert sorted(result) == ["encoding", "remaining", "segments", "units"]
    assert pa.array(result["encoding"]).type == pa.uint8()
    table = pa.table({name: pa.array(values) for name, values in result.items()})
    # "€" is an extension character: 2 septets each (TS 23.038 §6.2.1.1).
    assert table.column("units").to_pylist() == [1, 0, 200, 200]
    assert np.asarray(result["segments"]).tolist() == [1, 0, 2, 2]
    # Any input, not only Arrow.
    assert pa.array(batch.count_segments(["x"], output="arrow")).to_pylist() == [1]


def test_output_is_checked() -> None:
    with pytest.raises(ArgumentError, match=r"output must be 'numpy' or 'arrow', got 'polars'") as info:
        batch.count_segments(["a"], output="polars")
    assert info.value.argument == "output"
    with pytest.raises(TypeError, match="output must be a str"):
        batch.analyze(["a"], output=None)  # type: ignore[arg-type]


def test_renumber_keeps_attributes() -> None:
    error = _arrow_sources.renumber(DecodeError("texts[3] is bad", position=7), shift=10)
    assert isinstance(error, DecodeError)
    assert (str(error), error.position) == ("texts[13] is bad", 7)
    assert str(_arrow_sources.renumber(TypeError("texts[0] x"), 5)) == "texts[5] x"
    other = ValueError("texts[1]")
    assert _arrow_sources.renumber(other, shift=3) is other
