"""smscodec.batch with smart encoding: element-by-element equality with the scalar API.

Smart encoding runs in the batch kernels (a per-code-point table of the live map), so
these tests draw texts that exercise every branch of it: GSM-7 text, extension
characters, map keys replaced by one character, by several, by nothing and by an
extension character, characters that force UCS-2 whatever is replaced (emoji, CJK,
non-GSM Latin), at lengths around the part boundaries, with the default map and a
caller's map, through every input container and with threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from smscodec import batch
from smscodec.errors import EncodingError, SmsCodecError
from smscodec.smart import SMART_MAP

GSM = "abcdefxyzXYZ0189 .,!?@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ\"#¤%&'()*+-/:;<=>§¿ÄÖÑÜäöñüà\n\r"
# One-septet ASCII only: long runs of it are what the kernels skip in blocks.
PLAIN = "abcdefghijklmnopqrstuvwxyz ABCXYZ0189.,!?@_$#%&'()*+-/:;<=>\""
POOLS = {
    # GSM-7 extension characters: 2 septets each (TS 23.038 §6.2.1.1).
    "extension": "€[]{}^~|\\\f",
    # Map keys replaced by one GSM-7 character.
    "single": "\u2019\u2018\u201c\u201d\u2014\u2013\u00a0\u2022\u3000\uff21\t",
    # Map keys replaced by several characters.
    "multi": "\u2026\u00bd\u00bc\u203c",
    # Map keys removed (replaced by nothing).
    "empty": "\u200b\u200c\u2060\ufeff\x01\u00ad",
    # Map keys replaced by an extension character.
    "to-extension": "\uff3b\uff3d\uff5b\uff5c\uff5e\u02dc\u02c6\u29f5\u20e5",
    # Never GSM-7 and in no map below: the message stays UCS-2.
    "emoji": "😀🎉👍",
    "other": "áőЖ你",
    # Only in national tables: Turkish (ğ ş İ) or Hindi (अ क), never one pair for both.
    "national": "ğşİअक",
}
# A caller's own map: an astral key, multi-character and extension-character values, a
# removal, a key the default tables carry (never applied) and keys the default map lacks.
CALLER_MAP = {
    "😀": ":-)",
    "á": "a",
    "ő": "o",
    "Ж": "{Zh}",
    "\u2026": "...",
    "\u2014": "--",
    "\u200b": "",
    "\uff3b": "[",
    "\u2019": "'",
    "~": "-",
}
CALLER_KEYS = "😀áőЖ\u2026\u2014\u200b\uff3b\u2019"


def test_pools_are_what_they_say() -> None:
    # The strategy's categories, checked against the live map (so the test stays honest).
    extension = set(POOLS["extension"])
    for ch in POOLS["single"]:
        assert len(SMART_MAP[ch]) == 1
    for ch in POOLS["multi"]:
        assert len(SMART_MAP[ch]) > 1
    for ch in POOLS["empty"]:
        assert SMART_MAP[ch] == ""
    for ch in POOLS["to-extension"]:
        assert SMART_MAP[ch] in extension
    for ch in POOLS["emoji"] + POOLS["other"]:
        assert ch not in SMART_MAP
        assert not smscodec.is_gsm7(ch)
    assert smscodec.is_gsm7(GSM + PLAIN + POOLS["extension"])
    assert smscodec.gsm7_septets(PLAIN) == len(PLAIN)


@st.composite
def smart_texts(draw: st.DrawFn) -> str:
    """Mostly GSM-7 text of a length near a part boundary, with a few characters from a
    random choice of the pools inserted."""
    pools = draw(st.lists(st.sampled_from(sorted(POOLS)), max_size=3, unique=True))
    length = draw(st.one_of(st.integers(0, 30), st.integers(150, 170), st.integers(300, 320)))
    base = draw(st.sampled_from([GSM, PLAIN]))
    chars = list(draw(st.text(alphabet=base, min_size=length, max_size=length)))
    extra = "".join(POOLS[name] for name in pools)
    if extra:
        for _ in range(draw(st.integers(1, 8))):
            where = draw(st.integers(0, len(chars)))
            chars.insert(where, draw(st.sampled_from(extra)))
    return "".join(chars)


def _gen(values: list[str | None]) -> Iterator[str | None]:
    yield from values


def _arrow(kind: str) -> Callable[[list[str | None]], Any]:
    def make(values: list[str | None]) -> Any:
        pa = pytest.importorskip("pyarrow")
        if kind == "chunked":
            half = len(values) // 2
            return pa.chunked_array([values[:half], values[half:]], pa.string())
        return pa.array(values, pa.string() if kind == "string" else pa.large_string())

    return make


def _pandas(storage: str) -> Callable[[list[str | None]], Any]:
    def make(values: list[str | None]) -> Any:
        pd = pytest.importorskip("pandas")
        if storage == "pyarrow":
            pytest.importorskip("pyarrow")
            return pd.Series(values, dtype="string[pyarrow]")
        return pd.Series(values, dtype=object)

    return make


def _string_dtype(values: list[str | None]) -> Any:
    dtypes = getattr(np, "dtypes", None)
    if dtypes is None or not hasattr(dtypes, "StringDType"):
        pytest.skip("numpy has no StringDType")
    return np.array(values, dtype=dtypes.StringDType(na_object=None))


#: name -> (make the container, whether it holds missing values as such)
CONTAINERS: dict[str, tuple[Callable[[list[str | None]], Any], bool]] = {
    "list": (list, True),
    "tuple": (tuple, True),
    "generator": (_gen, True),
    "numpy-object": (lambda v: np.array(v, dtype=object), True),
    # numpy U has no missing value: the test passes "" for None.
    "numpy-U": (lambda v: np.array(v, dtype=str), False),
    "numpy-StringDType": (_string_dtype, True),
    "pandas-object": (_pandas("object"), True),
    "pandas-arrow": (_pandas("pyarrow"), True),
    "arrow-string": (_arrow("string"), True),
    "arrow-large_string": (_arrow("large_string"), True),
    "arrow-chunked": (_arrow("chunked"), True),
}


def _scalar(texts: list[str | None], **options: Any) -> tuple[dict[str, list[int]], int | None, type | None]:
    """The scalar API one message at a time, and the index and type of the first error."""
    out: dict[str, list[int]] = {"segments": [], "units": [], "remaining": [], "encoding": []}
    for i, text in enumerate(texts):
        if text is None:
            values = [0, 0, 0, 0]
        else:
            try:
                info = smscodec.analyze(text, **options)
            except SmsCodecError as exc:
                return out, i, type(exc)
            values = [info.segments, info.units, info.remaining, 0 if info.encoding == "gsm7" else 1]
        for key, value in zip(out, values, strict=True):
            out[key].append(value)
    # Each count on its own too: the public count_segments is a separate entry point.
    for text, parts in zip(texts, out["segments"], strict=True):
        if text is not None:
            assert smscodec.count_segments(text, **options) == parts
    return out, None, None


def _check(make: Callable[[], Any], texts: list[str | None], threads: int, **options: Any) -> None:
    """``make()`` gives a fresh container of ``texts`` (a generator is used up by one call)."""
    want, bad, error = _scalar(texts, **options)
    if bad is not None:
        assert error is not None
        with pytest.raises(error, match=rf"^texts\[{bad}\]: "):
            batch.analyze(make(), threads=threads, **options)
        return
    got = batch.analyze(make(), threads=threads, **options)
    for key, values in want.items():
        assert got[key].tolist() == values, key
    counts = batch.count_segments(make(), threads=threads, **options)
    assert counts.dtype == np.int32
    assert counts.tolist() == want["segments"]


smart_options = st.fixed_dictionaries(
    {
        "smart": st.sampled_from([True, CALLER_MAP]),
        "encoding": st.sampled_from(["auto", "auto", "ucs2", "gsm7"]),
        "reference_bits": st.sampled_from([8, 16]),
        "languages": st.sampled_from([(), (), ("turkish",), ("portuguese", "spanish"), ("turkish", "hindi")]),
    }
)


@given(
    texts=st.lists(st.one_of(st.none(), smart_texts()), max_size=8),
    options=smart_options,
    name=st.sampled_from(sorted(CONTAINERS)),
    threads=st.sampled_from([1, 2]),
)
@settings(deadline=None)
def test_smart_equals_scalar(
    texts: list[str | None], options: dict[str, Any], name: str, threads: int
) -> None:
    make, missing = CONTAINERS[name]
    if not missing:
        texts = [t or "" for t in texts]
    with pytest.MonkeyPatch.context() as patch:
        # Small ranges per thread, so that threads=2 really splits these few messages.
        patch.setattr(batch, "_MIN_PER_THREAD", 1)
        _check(lambda: make(texts), texts, threads, **options)


@given(texts=st.lists(smart_texts(), max_size=12), smart=st.sampled_from([True, CALLER_MAP]))
@settings(deadline=None)
def test_smart_default_options_equal_scalar(texts: list[str], smart: object) -> None:
    # The common case (default tables, auto encoding), from a list and from Arrow.
    _check(lambda: texts, list(texts), 1, smart=smart)
    pa = pytest.importorskip("pyarrow")
    _check(lambda: pa.array(texts, pa.string()), list(texts), 1, smart=smart)


@pytest.mark.parametrize("name", sorted(CONTAINERS))
def test_smart_every_container(name: str) -> None:
    make, missing = CONTAINERS[name]
    texts: list[str | None] = [
        "It\u2019s \u201csmart\u201d \u2014 isn\u2019t it\u2026",
        None,
        "a" * 159 + "\u2019",
        "\u200b" * 5 + "hi",
        "Party \U0001f389 \u2014 tonight",
        "a" * 152 + "\uff3b" + "a" * 152,
        "x" * 300 + "\u2026",
        "{" * 80 + "\u00a0",
        "plain",
    ]
    if not missing:
        texts = [t or "" for t in texts]
    for smart in (True, CALLER_MAP):
        _check(lambda: make(texts), texts, 1, smart=smart)


# --- exact values -------------------------------------------------------------------------


def test_smart_one_part_after_replacement() -> None:
    # 159 + 1 septets: one GSM-7 part instead of three UCS-2 parts (70 / 67 per part).
    text = "a" * 159 + "\u2019"
    result = batch.analyze([text], smart=True)
    assert result["segments"].tolist() == [1]
    assert result["units"].tolist() == [160]
    assert result["remaining"].tolist() == [0]
    assert result["encoding"].tolist() == [0]
    assert batch.count_segments([text]).tolist() == [3]


def test_smart_escape_moves_to_the_next_part() -> None:
    # ［ -> [ (escape + code, 2 septets) right at the end of the first 153-septet part: it
    # moves whole to the second part, so 306 septets take three parts, not two.
    text = "a" * 152 + "\uff3b" + "a" * 152
    for container in ([text], np.array([text])):
        result = batch.analyze(container, smart=True)
        assert result["segments"].tolist() == [3]
        assert result["units"].tolist() == [306]
        assert result["remaining"].tolist() == [152]
    assert smscodec.count_segments(text, smart=True) == 3


def test_smart_removals_only() -> None:
    result = batch.analyze(["\u200b" * 5 + "hi", "\u200b"], smart=True)
    assert result["segments"].tolist() == [1, 1]
    assert result["units"].tolist() == [2, 0]
    assert result["remaining"].tolist() == [158, 160]
    assert result["encoding"].tolist() == [0, 0]
    # With national tables the replaced text is rewritten and counted: an empty one too.
    texts: list[str | None] = ["\u200b" * 3, "\u200b\u2026" * 60]
    for languages in (("turkish",), ("hindi",)):
        for encoding in ("auto", "gsm7", "ucs2"):
            _check(lambda: texts, texts, 1, smart=True, languages=languages, encoding=encoding)


def test_smart_not_kept_when_the_text_stays_ucs2() -> None:
    # An emoji keeps the text UCS-2, so … is sent as written: 2 + 1 units, not 2 + 3.
    result = batch.analyze(["\U0001f600\u2026"], smart=True)
    assert result["units"].tolist() == [3]
    assert result["encoding"].tolist() == [1]


def test_smart_with_ucs2_encoding_counts_the_replaced_text() -> None:
    # encoding="ucs2" still sends the replaced text: "..." + 68 characters = 71 units, two
    # 67-unit parts, where the 69 characters as written would fit one 70-unit part.
    text = "\u2026" + "a" * 68
    result = batch.analyze([text], smart=True, encoding="ucs2")
    assert result["segments"].tolist() == [2]
    assert result["units"].tolist() == [71]
    assert smscodec.analyze(text, smart=True, encoding="ucs2").units == 71


def test_smart_with_gsm7_encoding() -> None:
    assert batch.count_segments(["It\u2019s"], smart=True, encoding="gsm7").tolist() == [1]
    with pytest.raises(EncodingError, match=r"^texts\[1\]: "):
        batch.count_segments(["It\u2019s", "\U0001f600\u2019"], smart=True, encoding="gsm7")


def test_smart_caller_map_astral_and_surrogate_keys() -> None:
    # Keys above U+FFFF and lone surrogates (numpy U and str can hold them).
    mapping = {"\U0001f600": ":)", "\ud800": "?", "\u2019": "'"}
    texts = ["x\U0001f600", "a\ud800b\u2019", "\U0001f389\U0001f600", "\ud800"]
    # The scalar count_segments is the reference here: the scalar analyze() also computes
    # original_segments, the parts of the text as written, which a lone surrogate refuses.
    want = [smscodec.count_segments(t, smart=mapping) for t in texts]
    assert want == [1, 1, 1, 1]
    for container in (texts, np.array(texts)):
        assert batch.count_segments(container, smart=mapping).tolist() == want
        result = batch.analyze(container, smart=mapping)
        assert result["units"].tolist() == [3, 4, 4, 1]
        assert result["encoding"].tolist() == [0, 0, 1, 0]
        assert result["remaining"].tolist() == [157, 156, 66, 159]
    _check(lambda: [texts[0], texts[2]], [texts[0], texts[2]], 1, smart=mapping)
    # A lone surrogate that no map replaces cannot go as UCS-2: the scalar error, indexed.
    with pytest.raises(EncodingError, match=r"^texts\[1\]: lone surrogate"):
        batch.count_segments(["ok", "a\ud800\u2019"], smart=True)


def test_smart_caller_map_read_on_every_call() -> None:
    mapping = {"\u00e1": "a"}
    assert batch.analyze(["\u00e1" * 100], smart=mapping)["encoding"].tolist() == [0]
    mapping["\u00e1"] = "\u00e1\u00e1"  # no longer GSM-7: refused as the scalar API refuses it
    with pytest.raises(smscodec.errors.ArgumentError, match="smart map value"):
        batch.analyze(["x"], smart=mapping)
    mapping["\u00e1"] = "{}"
    # 30 * 4 septets: one part, as the 30 UCS-2 units are (100 would be 3 parts against 2).
    assert batch.analyze(["\u00e1" * 30], smart=mapping)["units"].tolist() == [120]


def test_smart_national_tables() -> None:
    # With Turkish tables ç is carried (never replaced); … is replaced and the pair chosen
    # for the replaced text.
    texts = ["\u00e7ok g\u00fczel\u2026 te\u015fekk\u00fcrler", "\u011f" * 150 + "\u2019" * 10]
    for languages in (("turkish",), ("portuguese", "spanish"), (1, 2, 3)):
        for smart in (True, CALLER_MAP):
            _check(lambda: texts, list(texts), 1, smart=smart, languages=languages)


def test_smart_threads_on_a_large_batch() -> None:
    base = [
        "Your code is 1234",
        "It\u2019s here \u2014 track it\u2026",
        "a" * 152 + "\uff3b" + "a" * 20,
        "Caf\u00e9 \u00e1 la carte",
        "\U0001f389 party",
        "\u200b" * 3 + "x" * 160,
    ]
    texts = [base[i % len(base)] + str(i) for i in range(12_000)]
    want = [smscodec.count_segments(t, smart=True) for t in texts]
    for threads in (1, 2, 3):
        assert batch.count_segments(texts, smart=True, threads=threads).tolist() == want
    pa = pytest.importorskip("pyarrow")
    assert batch.count_segments(pa.array(texts), smart=True, threads=2).tolist() == want


def test_smart_kept_only_when_one_pair_carries_and_no_more_parts() -> None:
    # See tests/test_smart.py: the batch kernels keep a replacement on the same terms.
    texts = [
        "\u011f\u015f\u0905\u201c" + "\u2026" * 30,  # no single Turkish/Hindi pair: as written
        "\u011f\u015f\u201c" + "\u2026" * 30,  # Turkish tables carry it: replaced
        "\u2026" * 70,  # as "..." 210 septets, 2 parts, against 1 UCS-2 part: as written
        "\u2026" * 53,  # 159 septets: replaced
    ]
    for languages in ((), ("turkish", "hindi")):
        for encoding in ("auto", "gsm7", "ucs2"):
            _check(lambda: texts, list(texts), 1, smart=True, languages=languages, encoding=encoding)
    got = batch.analyze(texts, smart=True, languages=("turkish", "hindi"))
    assert got["segments"].tolist() == [1, 1, 1, 1]
    assert got["encoding"].tolist() == [1, 0, 1, 0]  # 0 GSM-7, 1 UCS-2
