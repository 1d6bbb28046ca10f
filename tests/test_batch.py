"""smscodec.batch: element-by-element equality with the scalar API, for every container and option."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from smscodec import batch
from smscodec.errors import ArgumentError, DecodeError, EncodingError

# Every PEP 393 width and cost: GSM-7, extension, Greek capitals (GSM-7 in a 2-byte str),
# non-GSM Latin, smart-map look-alikes (’ “ — … NBSP), Turkish, Devanagari, CJK, emoji.
ALPHABET = (
    "aZ0 .\n\r\f\x00\x1b`\x7f@£$¤¥èéùìòÇØøÅåÆæßÉÄÖÑÜ§¿äöñüà"
    + "€[]{}^~|\\"
    + "ΔΦΩ"
    + "çáé`"
    + "’“—…\u00a0"
    + "şğıİ"
    + "नमस्ते"
    + "你好"
    + "😀🐳"
)
texts_st = st.lists(st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=320)), max_size=12)
options_st = st.fixed_dictionaries(
    {
        "encoding": st.sampled_from(["auto", "ucs2"]),
        "reference_bits": st.sampled_from([8, 16]),
        "smart": st.booleans(),
        "languages": st.sampled_from([(), ("turkish",), ("portuguese", "spanish"), (3, 6), ("hindi",)]),
    }
)

SAMPLES = [
    "Hello, your code is 123456",
    "Price: 5€ [promo] {vip} ~50% off ^_^ a|b \\o/",
    "Café déjà vu, señor Müller: ¿qué tal?",
    "Olá! Ação às 10h, façade",
    "Ваш заказ доставлен",
    "验证码 123456",
    "Party 🎉🎉 tonight 😀",
    "It’s “smart” — isn’t it…",
    "ΔΦΓΛΩΠΨΣΘΞ Greek capitals are GSM-7",
    "",
    "x" * 161,
    "€" * 81,
    "😀" * 36,
    "a" * 152 + "€" + "b" * 10,
]


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


def check(result: dict[str, np.ndarray], texts: list[str | None], **options: Any) -> None:
    assert set(result) >= {"segments", "units", "remaining", "encoding"}
    assert result["segments"].dtype == np.int32
    assert result["units"].dtype == np.int32
    assert result["remaining"].dtype == np.int32
    assert result["encoding"].dtype == np.uint8
    want = expected(texts, **options)
    for key, values in want.items():
        assert result[key].tolist() == values, key


# --- element-by-element equality ----------------------------------------------------------


@given(texts=texts_st, options=options_st)
@settings(deadline=None)
def test_equals_scalar_for_every_option(texts: list[str | None], options: dict[str, Any]) -> None:
    check(batch.analyze(texts, **options), texts, **options)
    assert batch.count_segments(texts, **options).tolist() == expected(texts, **options)["segments"]


@given(texts=st.lists(st.text(alphabet=ALPHABET, max_size=200), max_size=8), options=options_st)
@settings(max_examples=50, deadline=None)
def test_equals_scalar_from_arrow(texts: list[str], options: dict[str, Any]) -> None:
    pa = pytest.importorskip("pyarrow")
    check(batch.analyze(pa.array(texts, pa.string()), **options), texts, **options)


def test_samples_exact_values() -> None:
    result = batch.analyze(SAMPLES)
    assert result["segments"].tolist() == [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]
    assert result["encoding"].tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0]
    # "x" * 161: 153 + 8 septets; "€" * 81: 162 septets, 76 pairs in a 153-septet part.
    assert result["units"][10] == 161
    assert result["remaining"][10] == 153 - 8
    assert result["units"][11] == 162
    assert result["remaining"][11] == 153 - 10
    # An empty message is one part with every unit free.
    assert result["units"][9] == 0
    assert result["remaining"][9] == 160


def test_gsm7_encoding_option() -> None:
    texts = ["plain", "5€ {x}", "ΔΩ"]
    check(batch.analyze(texts, encoding="gsm7"), texts, encoding="gsm7")


def test_smart_mapping_option() -> None:
    texts = ["a\u2019b", "x\u00d7y", "😀\u2019", "plain"]
    mapping = {"\u00d7": "x", "\u2019": "'"}
    check(batch.analyze(texts, smart=mapping), texts, smart=mapping)


def test_smart_saves_parts() -> None:
    text = "It\u2019s " + "a" * 150
    assert batch.count_segments([text]).tolist() == [3]
    assert batch.count_segments([text], smart=True).tolist() == [1]


def test_languages_pick_national_tables() -> None:
    texts = ["Çok güzel, teşekkürler! ğı", "Olá, ação", "plain"]
    for languages in (("turkish",), ("portuguese",), ("turkish", "portuguese", "spanish")):
        check(batch.analyze(texts, languages=languages), texts, languages=languages)
    assert batch.analyze(texts, languages=("turkish",))["encoding"][0] == 0
    assert batch.analyze(texts)["encoding"][0] == 1


# --- containers ---------------------------------------------------------------------------

WITH_MISSING: list[str | None] = [*SAMPLES[:5], None, *SAMPLES[5:9], None, *SAMPLES[9:]]


def _gen(values: list[str | None]) -> Iterator[str | None]:
    yield from values


CONTAINERS: dict[str, Callable[[list[str | None]], Any]] = {
    "list": list,
    "tuple": tuple,
    "generator": _gen,
    "dict-keys": lambda v: dict.fromkeys(v, 0).keys(),
    "numpy-object": lambda v: np.array(v, dtype=object),
}


@pytest.mark.parametrize("name", list(CONTAINERS))
def test_python_containers(name: str) -> None:
    texts = WITH_MISSING if name != "dict-keys" else list(dict.fromkeys(WITH_MISSING))
    check(batch.analyze(CONTAINERS[name](texts)), texts)


def test_numpy_unicode_array_read_in_place() -> None:
    texts = [t for t in SAMPLES if t]
    strided = np.array([x for text in texts for x in (text, "padding")])[::2]
    for array in (np.array(texts), np.array(texts, dtype=">U200"), strided):
        check(batch.analyze(array), texts)


def test_numpy_unicode_trailing_nuls_are_padding() -> None:
    # numpy itself drops trailing NULs: a U array cannot hold them.
    array = np.array(["ab\x00", "\x00", "a\x00b"], dtype="U5")
    assert array.tolist() == ["ab", "", "a\x00b"]
    check(batch.analyze(array), ["ab", "", "a\x00b"])


def test_numpy_unicode_zero_width() -> None:
    array = np.empty(3, dtype="U0")
    check(batch.analyze(array), ["", "", ""])


def test_numpy_string_dtype() -> None:
    string_dtype = getattr(np.dtypes, "StringDType", None)
    if string_dtype is None:
        pytest.skip("numpy < 2.0 has no StringDType")
    array = np.array(WITH_MISSING, dtype=string_dtype(na_object=None))
    check(batch.analyze(array), WITH_MISSING)


def test_numpy_string_dtype_blocks_name_global_index(monkeypatch: pytest.MonkeyPatch) -> None:
    string_dtype = getattr(np.dtypes, "StringDType", None)
    if string_dtype is None:
        pytest.skip("numpy < 2.0 has no StringDType")
    monkeypatch.setattr(batch, "_STRINGDTYPE_BLOCK", 4)
    texts = [f"message {i} ’" for i in range(11)]
    array = np.array(texts, dtype=string_dtype())
    check(batch.analyze(array, smart=True), texts, smart=True)
    bad = np.array([*texts, 7], dtype=object)
    with pytest.raises(TypeError, match=r"texts\[11\] is a int"):
        batch.analyze(bad)


@pytest.mark.parametrize("na", [None, math.nan, "none given"])
@pytest.mark.parametrize("arrow", [True, False])
def test_numpy_string_dtype_large_through_arrow_or_str(
    monkeypatch: pytest.MonkeyPatch, na: object, arrow: bool
) -> None:
    # Large StringDType arrays go through pyarrow's converter (when installed) a block at a
    # time; the results equal the scalar API, NA elements 0 parts, as through str objects.
    string_dtype = getattr(np.dtypes, "StringDType", None)
    if string_dtype is None:
        pytest.skip("numpy < 2.0 has no StringDType")
    if arrow:
        pytest.importorskip("pyarrow")
    else:
        monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow fails
    monkeypatch.setattr(batch, "_STRINGDTYPE_BLOCK", 1000)
    texts: list[str | None] = [
        WITH_MISSING[k % len(WITH_MISSING)] for k in range(batch._STRINGDTYPE_ARROW_MIN + 7)
    ]
    if na == "none given":
        values = [t if t is not None else "" for t in texts]
        array = np.array(values, dtype=string_dtype())
        check(batch.analyze(array), values)
    else:
        array = np.array([na if t is None else t for t in texts], dtype=string_dtype(na_object=na))
        check(batch.analyze(array), texts)
        check(batch.analyze(array[::3]), texts[::3])
    # A refused message in a later block is named by its index in the whole array.
    refused = ["plain text"] * len(texts)
    refused[2503] = "Жук"
    with pytest.raises(EncodingError, match=r"texts\[2503\]"):
        batch.count_segments(np.array(refused, dtype=string_dtype()), encoding="gsm7")


def test_numpy_float_nan_missing() -> None:
    check(batch.analyze(np.array([math.nan, math.nan])), [None, None])
    check(batch.analyze([float("nan"), "a", np.float64("nan")]), [None, "a", None])


def test_pandas_series_every_storage() -> None:
    pd = pytest.importorskip("pandas")
    for dtype in (object, "string[python]", "string[pyarrow]"):
        series = pd.Series(WITH_MISSING, dtype=dtype)
        check(batch.analyze(series), WITH_MISSING)
    # pandas' default string dtype (pyarrow-backed in pandas 3), an Index, a categorical.
    check(batch.analyze(pd.Series(WITH_MISSING)), WITH_MISSING)
    check(batch.analyze(pd.Index(WITH_MISSING, dtype=object)), WITH_MISSING)
    check(batch.analyze(pd.Series(WITH_MISSING, dtype="category")), WITH_MISSING)
    series = pd.Series(["a", pd.NA, None, "b"], dtype=object)
    check(batch.analyze(series), ["a", None, None, "b"])


def test_pandas_arrow_dtype_large_string() -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    series = pd.Series(WITH_MISSING, dtype=pd.ArrowDtype(pa.large_string()))
    check(batch.analyze(series), WITH_MISSING)


def test_pandas_dataframe_refused() -> None:
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match="DataFrame"):
        batch.analyze(pd.DataFrame({"text": ["a"]}))


@pytest.mark.parametrize("type_name", ["string", "large_string", "string_view"])
def test_arrow_arrays(type_name: str) -> None:
    pa = pytest.importorskip("pyarrow")
    arrow_type = getattr(pa, type_name)()
    array = pa.array(WITH_MISSING, arrow_type)
    check(batch.analyze(array), WITH_MISSING)
    # A slice has a nonzero offset into shared buffers.
    for lo, hi in ((3, 11), (5, len(WITH_MISSING)), (1, 2), (4, 4)):
        check(batch.analyze(array[lo:hi]), WITH_MISSING[lo:hi])


def test_arrow_chunked_with_empty_chunks_and_slices() -> None:
    pa = pytest.importorskip("pyarrow")
    chunks = [WITH_MISSING[:4], [], WITH_MISSING[4:9], [], [], WITH_MISSING[9:]]
    chunked = pa.chunked_array([pa.array(c, pa.string()) for c in chunks], pa.string())
    check(batch.analyze(chunked), WITH_MISSING)
    check(batch.analyze(chunked[2:13]), WITH_MISSING[2:13])
    check(batch.analyze(pa.chunked_array([], pa.string())), [])


def test_arrow_nulls_dictionary_and_null_type() -> None:
    pa = pytest.importorskip("pyarrow")
    check(batch.analyze(pa.array([None, None, None])), [None, None, None])
    dictionary = pa.array(WITH_MISSING, pa.string()).dictionary_encode()
    check(batch.analyze(dictionary), WITH_MISSING)


def test_arrow_non_string_type_names_first_value() -> None:
    pa = pytest.importorskip("pyarrow")
    with pytest.raises(TypeError, match=r"texts\[1\] is a int, not a str"):
        batch.analyze(pa.array([None, 5, 6]))
    with pytest.raises(TypeError, match=r"texts\[3\] is a bytes, not a str"):
        batch.analyze(pa.chunked_array([pa.array([None, None, None], pa.binary()), pa.array([b"x"])]))


def test_arrow_invalid_utf8_names_index_and_byte() -> None:
    pa = pytest.importorskip("pyarrow")
    data = b"okfine\xe2\x82xyz"
    offsets = np.array([0, 2, 6, 11], dtype=np.int32)
    array = pa.Array.from_buffers(pa.string(), 3, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)])
    with pytest.raises(
        DecodeError, match=r"texts\[2\] is not valid UTF-8: the sequence at byte 0 \(0xE2\)"
    ) as info:
        batch.count_segments(array)
    assert info.value.position == 0


def test_numpy_value_above_unicode_refused() -> None:
    raw = np.array([0x41, 0, 0x42, 0x110000], dtype=np.uint32)
    array = raw.view("U2")
    with pytest.raises(DecodeError, match=r"texts\[1\] holds 0x110000 at position 1"):
        batch.count_segments(array)


# --- threads ------------------------------------------------------------------------------


def _many(n: int) -> list[str | None]:
    return [None if i % 97 == 0 else SAMPLES[i % len(SAMPLES)] + str(i) for i in range(n)]


@pytest.mark.parametrize("threads", [2, 4])
def test_threads_give_identical_results(threads: int) -> None:
    texts = _many(20_000)
    one = batch.analyze(texts, threads=1)
    many = batch.analyze(texts, threads=threads)
    for key in one:
        assert np.array_equal(one[key], many[key])
    assert one["segments"].tolist() == expected(texts)["segments"]


def test_threads_split_arrow_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    pa = pytest.importorskip("pyarrow")
    monkeypatch.setattr(batch, "_MIN_PER_THREAD", 3)
    texts = _many(50)
    chunked = pa.chunked_array([texts[:7], [], texts[7:30], texts[30:]], pa.string())
    for threads in (1, 2, 3, 4, 7):
        check(batch.analyze(chunked, threads=threads, smart=True), texts, smart=True)
        check(batch.analyze(texts, threads=threads), texts)


def test_threads_raise_the_lowest_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "_MIN_PER_THREAD", 2)
    texts: list[object] = ["a"] * 20
    texts[13] = 1.5
    texts[4] = b"x"
    with pytest.raises(TypeError, match=r"texts\[4\] is a bytes"):
        batch.count_segments(texts, threads=4)


# --- errors -------------------------------------------------------------------------------


def test_non_string_element_names_index() -> None:
    with pytest.raises(TypeError, match=r"texts\[2\] is a int, not a str"):
        batch.count_segments(["a", None, 3])
    with pytest.raises(TypeError, match=r"texts\[0\] is a bytes, not a str"):
        batch.analyze([b"a"])
    with pytest.raises(TypeError, match=r"texts\[1\] is a int64, not a str"):
        batch.analyze([math.nan, np.int64(1)])


@pytest.mark.parametrize("texts", ["abc", b"abc", 5, None])
def test_not_a_collection(texts: object) -> None:
    with pytest.raises(TypeError, match="texts must be"):
        batch.count_segments(texts)


def test_two_dimensional_array_refused() -> None:
    with pytest.raises(TypeError, match="one-dimensional"):
        batch.count_segments(np.array([["a", "b"]]))


def test_encoding_error_names_index() -> None:
    with pytest.raises(EncodingError, match=r"texts\[2\]: character '😀' \(U\+1F600\) at position 1") as info:
        batch.count_segments(["ok", "fine", "a😀", "b😀"], encoding="gsm7")
    assert info.value.position == 1
    assert info.value.char == "😀"
    with pytest.raises(EncodingError, match=r"texts\[1\]: lone surrogate U\+D800 at position 0"):
        batch.analyze(["ok", "\ud800"])


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"threads": 0}, ArgumentError, "threads must be at least 1"),
        ({"threads": -2}, ArgumentError, "threads must be at least 1"),
        ({"threads": 1.0}, TypeError, "threads must be an int"),
        ({"threads": True}, TypeError, "threads must be an int"),
        ({"encoding": "latin1"}, ArgumentError, "encoding must be"),
        ({"encoding": 7}, TypeError, "encoding must be a str"),
        ({"reference_bits": 12}, ArgumentError, "reference_bits must be 8 or 16"),
        ({"languages": ["klingon"]}, ArgumentError, "unknown national language"),
        ({"smart": "yes"}, TypeError, "smart must be"),
        ({"smart": {"\u00d7": "😀"}}, ArgumentError, "smart map value"),
    ],
)
def test_bad_options(options: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        batch.analyze(["a"], **options)
    with pytest.raises(error, match=match):
        batch.count_segments(["a"], **options)


def test_empty_input() -> None:
    result = batch.analyze([])
    assert all(len(v) == 0 for v in result.values())
    assert batch.count_segments(np.array([], dtype="U1")).dtype == np.int32


def test_str_subclass_elements() -> None:
    class Text(str):
        pass

    texts = [Text("abc"), np.str_("€uro"), Text("😀")]
    check(batch.analyze(texts), [str(t) for t in texts])
