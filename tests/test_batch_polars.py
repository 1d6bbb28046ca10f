"""smscodec.batch over polars: Series, DataFrame columns and the map_batches recipe.

polars exports its columns through the Arrow PyCapsule interface as string views
(``vu``) and its Categorical/Enum columns as dictionaries; the batch API must read them
in place (the kernels see polars' own buffers) and agree with the scalar API element by
element, on both kernel twins, for every option.  Results with ``output="arrow"`` load
back into polars.  numpy is the batch extra, so this module sits in conftest's NEEDS_NUMPY.
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

import smscodec
from smscodec import _batch_py, batch
from smscodec.policies import POLICIES, SplitPolicy

pl = pytest.importorskip("polars")

Kernel = Callable[[str], ModuleType]

# Policies besides the built-ins: words, clusters with Twilio's fill, per-part limits.
CUSTOM = (
    SplitPolicy(name="words", words=True),
    SplitPolicy(name="limits", gsm7_units=(100, 90), ucs2_units=(50, 40)),
    SplitPolicy(name="clusters", graphemes=True, fill="twilio", gsm7_units=(150, 140)),
    SplitPolicy(name="both", graphemes=True, words=True, ucs2_units=(60, 60)),
)

# GSM-7, its extension table (ESC, €, brackets), escape characters, non-GSM Latin, smart
# look-alikes, Turkish, Devanagari, CJK, emoji with modifiers and flags (every UTF-8 width).
ALPHABET = "aZ0 .\n\r\t\x00\x1b\\@£$èéÇØÅß§¿äöñü€[]{}^~|ΔΦΩçá’“—…\u00a0şğıİनमस्ते你好世界😀🐳👍🏽🇫🇷"
texts_st = st.lists(st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=220)), max_size=12)
options_st = st.fixed_dictionaries(
    {
        "encoding": st.sampled_from(["auto", "ucs2"]),
        "reference_bits": st.sampled_from([8, 16]),
        "smart": st.booleans(),
        "languages": st.sampled_from([(), ("turkish",), ("portuguese", "spanish"), ("hindi",)]),
        "policy": st.sampled_from([*sorted(POLICIES), *CUSTOM]),
    }
)
cuts_st = st.lists(st.integers(0, 14), max_size=3)
LEAD = ["lead one", None, "lead € " * 3]
PARTS_DOC = ["Hello", None, "x" * 200, "😀" * 40, "Grüße – bis später"]


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
def twin(module: Any) -> Iterator[None]:
    """The public layer on ``module`` (a kernel twin, or a spy over one)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "_kernel", module)
        yield


def _pieces(texts: list[Any], cuts: list[int]) -> list[list[Any]]:
    bounds = sorted({0, len(texts), *(c % (len(texts) + 1) for c in cuts)})
    return [texts[a:b] for a, b in itertools.pairwise(bounds)] or [[]]


def _chunked(texts: list[str | None], cuts: list[int]) -> Any:
    parts = [pl.Series("text", part, dtype=pl.String) for part in _pieces(texts, cuts)]
    return pl.concat(parts, rechunk=False)


# Each maker: (texts, cuts) -> a polars column holding texts.
MAKERS: dict[str, Callable[[list[str | None], list[int]], Any]] = {
    "series": lambda t, c: pl.Series("text", t, dtype=pl.String),
    "frame column": lambda t, c: pl.DataFrame(
        {"text": t, "n": range(len(t))}, schema_overrides={"text": pl.String}
    )["text"],
    "one-column frame": lambda t, c: pl.DataFrame({"text": t}, schema={"text": pl.String}),
    "slice": lambda t, c: pl.Series("text", LEAD + t + LEAD, dtype=pl.String)[len(LEAD) : len(LEAD) + len(t)],
    "chunked": _chunked,
    "chunked slice": lambda t, c: _chunked(LEAD + t, c)[len(LEAD) :],
    "categorical": lambda t, c: pl.Series("text", LEAD + t, dtype=pl.Categorical)[len(LEAD) :],
    "enum": lambda t, c: pl.Series(
        "text", t, dtype=pl.Enum(sorted({x for x in t + LEAD if x is not None}, reverse=True))
    ),
    "chunked enum": lambda t, c: pl.concat(
        [
            pl.Series("text", part, dtype=pl.Enum(sorted({x for x in t if x is not None})))
            for part in _pieces(t, c)
        ],
        rechunk=False,
    ),
}


@pytest.mark.parametrize("maker", sorted(MAKERS))
@given(texts=texts_st, options=options_st, cuts=cuts_st)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_polars_columns_equal_the_scalar_api(
    kernel: Kernel, maker: str, texts: list[str | None], options: dict[str, Any], cuts: list[int]
) -> None:
    want = expected(texts, **options)
    column = MAKERS[maker](texts, cuts)
    for module in (kernel("batch"), _batch_py):
        with twin(module):
            result = batch.analyze(column, **options)
            assert {key: result[key].tolist() for key in want} == want, (maker, module.__name__)
            assert batch.count_segments(column, **options).tolist() == want["segments"]
            assert [result[key].dtype for key in want] == [np.int32, np.int32, np.int32, np.uint8]


def test_the_makers_build_what_they_say() -> None:
    texts = ["a", None, "b" * 30, "😀", "a"]
    assert _chunked(texts, [1, 3]).n_chunks() == 3
    assert MAKERS["chunked slice"](texts, [2, 4]).n_chunks() == 2  # the first piece is sliced off
    assert MAKERS["categorical"](texts, []).dtype == pl.Categorical
    assert isinstance(MAKERS["chunked enum"](texts, [2]).dtype, pl.Enum)
    assert MAKERS["chunked enum"](texts, [2]).n_chunks() == 2
    assert MAKERS["slice"](texts, []).to_list() == texts


def test_a_frame_column_and_the_scalar_api() -> None:
    df = pl.DataFrame({"text": PARTS_DOC, "id": range(len(PARTS_DOC))})
    want = [0 if t is None else smscodec.count_segments(t) for t in PARTS_DOC]
    assert want == [1, 0, 2, 2, 1]
    assert batch.count_segments(df["text"]).tolist() == want
    assert batch.count_segments(df.select("text")).tolist() == want
    assert batch.count_segments(df["text"], threads=2).tolist() == want
    with pytest.raises(TypeError, match=r"not an Arrow table of 2 columns \('text', 'id'\)"):
        batch.count_segments(df)
    with pytest.raises(TypeError, match=r"texts\[0\] is a int, not a str"):
        batch.count_segments(df["id"])
    # A column of nulls only (polars' Null dtype, or a String column of nulls): zeros.
    assert batch.count_segments(pl.Series([None, None])).tolist() == [0, 0]
    assert batch.count_segments(pl.Series([None, None], dtype=pl.Int64)).tolist() == [0, 0]
    assert batch.count_segments(pl.Series([], dtype=pl.String)).tolist() == []


@pytest.mark.parametrize("name", [*sorted(POLICIES), *range(len(CUSTOM))])
def test_policy_and_smart_with_polars_input(name: str | int) -> None:
    policy = POLICIES[name] if isinstance(name, str) else CUSTOM[name]
    texts = [
        "\u2026" * 70,
        "a\u2019" * 90,
        "\U0001f1eb\U0001f1f7" * 20,
        "\u0416" * 65 + "\U0001f1eb\U0001f1f7" * 2 + "\u0416" * 61,
        "It’s “done”… " * 6,
        "Şimdi başlıyoruz " * 9,
        "word\u00a0and words " * 12,
        "line\r\n" * 40,
        "👍🏽 你好 " * 30,
        None,
        "plain",
    ]
    for column in (pl.Series(texts), pl.Series(texts, dtype=pl.Categorical), _chunked(texts, [3, 5])):
        for smart in (False, True, {"😀": ":)", "…": "..."}):
            for languages in ((), ("turkish",)):
                options = {"policy": policy, "smart": smart, "languages": languages}
                want = expected(texts, **options)
                result = batch.analyze(column, **options)
                assert {key: result[key].tolist() for key in want} == want, options
                assert batch.count_segments(column, **options).tolist() == want["segments"]
                if isinstance(name, str):  # by name too
                    assert (
                        batch.count_segments(column, **{**options, "policy": name}).tolist()
                        == want["segments"]
                    )


# --- no copy --------------------------------------------------------------------------------


def _address(buffer: Any) -> int:
    return int(np.asarray(buffer).__array_interface__["data"][0])


class Spy:
    """A kernel twin that records the buffer addresses its string-view function is given."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        self.seen: list[list[int]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.module, name)

    def count_views(self, views: Any, buffers: tuple[Any, ...], *rest: Any) -> None:
        self.seen.append([_address(views), *(_address(b) for b in buffers)])
        self.module.count_views(views, buffers, *rest)


def _polars_addresses(series: Any) -> list[list[int]]:
    """The addresses of the views and data buffers of each chunk polars exports, read by
    pyarrow (not by smscodec); the same on every export, so polars' own memory."""
    pa = pytest.importorskip("pyarrow")
    exports = [pa.chunked_array(series) for _ in range(2)]
    found = [
        [[buffer.address for buffer in chunk.buffers()[1:]] for chunk in export.chunks] for export in exports
    ]
    assert exports[0].type == pa.string_view()
    assert found[0] == found[1]
    return found[0]


def test_the_kernels_read_polars_own_buffers(kernel: Kernel) -> None:
    texts = ["x" * (i % 50) + "é€😀"[i % 3] + "long enough to leave the view" for i in range(2000)]
    whole = pl.Series("text", texts)
    sliced = whole[17:1500]
    chunked = pl.concat([whole, pl.Series("text", texts[:300]), whole[5:]], rechunk=False)
    df = pl.DataFrame({"text": whole, "n": range(len(texts))})
    for module in (kernel("batch"), _batch_py):
        for series in (whole, sliced, chunked, df["text"]):
            spy = Spy(module)
            with twin(spy):
                got = batch.count_segments(series)
            assert spy.seen == _polars_addresses(series)
            assert len(spy.seen[0]) > 1  # long strings: the views point into data buffers
            assert got.tolist() == [smscodec.count_segments(t) for t in series.to_list()]
    # A slice shares its parent's buffers: polars made no copy, neither did smscodec.
    assert _polars_addresses(sliced) == _polars_addresses(whole)


# --- results as Arrow -----------------------------------------------------------------------


def test_output_arrow_loads_into_polars() -> None:
    texts = pl.Series("text", ["a", None, "b" * 200, "€" * 100, "😀 hi"])
    column = batch.count_segments(texts, output="arrow")
    assert isinstance(column, batch.ArrowColumn)
    series = pl.Series(column)
    assert (series.name, series.dtype, series.to_list()) == ("segments", pl.Int32, [1, 0, 2, 2, 1])
    assert pl.from_arrow(column).to_list() == [1, 0, 2, 2, 1]  # type: ignore[union-attr]
    # polars imports the result without a copy: its buffer is the numpy result's memory.
    assert (
        series.to_numpy().__array_interface__["data"][0] == column.to_numpy().__array_interface__["data"][0]
    )

    table = batch.analyze(texts, output="arrow")
    frame = pl.DataFrame(table)
    assert frame.columns == ["segments", "units", "remaining", "encoding"]
    assert frame.dtypes == [pl.Int32, pl.Int32, pl.Int32, pl.UInt8]
    want = expected(texts.to_list())
    assert frame.to_dict(as_series=False) == want
    assert {name: pl.Series(table[name]).to_list() for name in table} == want


def test_results_join_the_frame() -> None:
    df = pl.DataFrame({"text": PARTS_DOC})
    table = batch.analyze(df["text"], output="arrow")
    joined = pl.concat([df, pl.DataFrame(table)], how="horizontal")
    assert joined.filter(pl.col("segments") > 1)["text"].to_list() == ["x" * 200, "😀" * 40]


# --- the map_batches recipe (docs/batch.rst) -------------------------------------------------


def _recipe(frame: Any) -> Any:
    # Exactly as documented in docs/batch.rst, "Polars, DuckDB and other Arrow engines".
    return frame.with_columns(
        pl.col("text")
        .map_batches(lambda s: pl.Series(batch.count_segments(s)), return_dtype=pl.Int32)
        .alias("parts")
    )


def test_map_batches_recipe_eager_and_lazy() -> None:
    df = pl.DataFrame({"text": PARTS_DOC})
    out = _recipe(df)
    assert out.schema["parts"] == pl.Int32
    assert out["parts"].to_list() == [1, 0, 2, 2, 1]
    lazy = _recipe(df.lazy())
    assert lazy.collect_schema()["parts"] == pl.Int32
    assert lazy.collect().equals(out)


@given(texts=texts_st, cuts=cuts_st)
@settings(max_examples=25, deadline=None)
def test_map_batches_recipe_equals_the_scalar_api(texts: list[str | None], cuts: list[int]) -> None:
    frame = pl.DataFrame({"text": _chunked(texts, cuts)})
    out = _recipe(frame)
    assert out["parts"].to_list() == expected(texts)["segments"]
    # With options, and the totals the recipe is for.
    smart = frame.with_columns(
        pl.col("text")
        .map_batches(lambda s: pl.Series(batch.count_segments(s, smart=True)), return_dtype=pl.Int32)
        .alias("parts")
    )
    assert smart["parts"].sum() == sum(expected(texts, smart=True)["segments"])
