"""``count_segments`` is the ``count`` entry point's own function (``_count_c`` compiled,
``_count_py`` its twin): its fast path (plain options, counted without Python-level code in
the compiled twin) and its general path (every other call, through the option plan) agree
with each other and with ``analyze``, errors included, for every option and every PEP 393
width, on both backends."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

import smscodec
from smscodec import _count_py, _segments_py, analyze, segments
from smscodec._backend import load
from smscodec.errors import SmsCodecError

Kernel = Callable[[str], ModuleType]

# Every cost and every width: plain ASCII (the 32-character plain blocks of the 1-byte
# tally), controls, "`" and DEL (not GSM-7), extension characters, Latin-1 accents, Greek
# capitals and "€" (2-byte GSM-7), Turkish and Devanagari (national tables), emoji (4-byte).
PLAIN = "abcxyzABCXYZ0189 !?.,#$%&@/:;<=>_"
SPECIAL = "\n\r\x0c\x00\x1b`\x7f[]{}^~|\\" + "£éçñÇ" + "ΔΦΩ€" + "şğıİ" + "नमस्ते।" + "😀"
texts = st.one_of(
    st.text(alphabet=PLAIN + SPECIAL, max_size=400),
    # Long plain runs with a few special characters anywhere, blocks cut at every offset.
    st.builds(
        lambda plain, inserts: _insert(plain, inserts),
        st.text(alphabet=PLAIN, min_size=0, max_size=400),
        st.lists(st.tuples(st.integers(0, 400), st.sampled_from(SPECIAL)), max_size=3),
    ),
    st.text(max_size=200),
)
encodings = st.sampled_from(["auto", "gsm7", "ucs2", "utf8", 7])
headers = st.sampled_from([b"", bytearray(), memoryview(b""), bytes.fromhex("0404020b0c"), b"\x03", "x"])
bits = st.sampled_from([8, 16, 7, True, 8.0])
smarts = st.sampled_from([False, True, {"’": "'"}, 0, None])
language_values = st.one_of(
    st.sampled_from([(), [], "turkish", 3, ("bogus",), (True,), (0,), (14,), (1.0,), None, ({},)]),
    st.lists(
        st.one_of(st.integers(1, 13), st.sampled_from(["turkish", "hindi", "spanish", "Portuguese"])),
        max_size=4,
    ),
    st.lists(st.integers(1, 13), max_size=13, unique=True).map(tuple),
)


def _insert(plain: str, inserts: list[tuple[int, str]]) -> str:
    for at, ch in inserts:
        plain = plain[:at] + ch + plain[at:]
    return plain


def _outcome(func: Callable[..., object], *args: object, **kwargs: object) -> object:
    try:
        return func(*args, **kwargs)
    except (SmsCodecError, TypeError, ValueError) as exc:
        attrs = {name: getattr(exc, name, None) for name in ("char", "position", "offset", "argument")}
        return (type(exc).__name__, str(exc), attrs)


def test_the_public_function_is_the_live_kernels() -> None:
    live = load("count")
    assert smscodec.count_segments is live.count_segments
    assert segments.count_segments is live.count_segments
    # The docstring is the public one (the signature is in the .pyi stub).
    assert "analyze(...).segments" in (live.count_segments.__doc__ or "")
    assert "analyze(...).segments" in (_count_py.count_segments.__doc__ or "")


@given(
    text=texts,
    encoding=encodings,
    udh=headers,
    reference_bits=bits,
    smart=smarts,
    languages=language_values,
)
def test_every_option_agrees_with_the_general_path(
    kernel: Kernel,
    text: str,
    encoding: object,
    udh: object,
    reference_bits: object,
    smart: object,
    languages: object,
) -> None:
    k = kernel("count")
    options = {
        "encoding": encoding,
        "udh": udh,
        "reference_bits": reference_bits,
        "smart": smart,
        "languages": languages,
    }
    got = _outcome(k.count_segments, text, **options)
    general = _outcome(_count_py.count_segments, text, **options)
    assert got == general
    info = _outcome(analyze, text, **options)
    if isinstance(info, smscodec.SegmentInfo):
        assert got == info.segments
    else:
        assert got == info


@given(
    text=texts,
    languages=st.lists(st.integers(1, 13), max_size=13, unique=True),
    mode=st.sampled_from(["auto", "gsm7", "ucs2"]),
)
def test_fast_path_equals_analyze_per_width(
    kernel: Kernel, text: str, languages: list[int], mode: str
) -> None:
    k = kernel("count")
    for variant in (text, "Δ" + text, text + "😀", "😀" + text + "Δ"):
        for langs in ((), tuple(languages), languages):
            got = _outcome(k.count_segments, variant, encoding=mode, languages=langs)
            info = _outcome(analyze, variant, encoding=mode, languages=langs)
            assert got == (info.segments if isinstance(info, smscodec.SegmentInfo) else info)
            assert got == _outcome(_count_py.count_segments, variant, encoding=mode, languages=langs)


@pytest.mark.parametrize("width", ["1-byte", "2-byte", "4-byte"])
@pytest.mark.parametrize("where", [0, 1, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 159, 160])
def test_lone_surrogate_anywhere_is_the_same_error(kernel: Kernel, width: str, where: int) -> None:
    k = kernel("count")
    fill = {"1-byte": "é", "2-byte": "Ж", "4-byte": "😀"}[width]
    text = fill * where + "\udc00" + "x" * (170 - where)
    for options in ({}, {"encoding": "ucs2"}, {"languages": (1, 6)}):
        got = _outcome(k.count_segments, text, **options)
        assert got == _outcome(_count_py.count_segments, text, **options)
        assert isinstance(got, tuple)
        assert got[0] == "EncodingError"
        assert got[2]["position"] == where


@pytest.mark.parametrize("length", [0, 1, 31, 32, 33, 153, 159, 160, 161, 306, 307, 1000, 5000])
@pytest.mark.parametrize("special", ["", "`", "\n", "_", "]", "é", "\x7f", "\x00"])
def test_plain_blocks_at_every_length(kernel: Kernel, length: int, special: str) -> None:
    k = kernel("count")
    for at in sorted({0, length // 2, max(0, length - 1), 31, 32}):
        text = ("Hello world 42 " * 400)[:length]
        if special:
            text = text[:at] + special + text[at:]
        assert k.count_segments(text) == _segments_py.count(text)
        assert k.count_segments(text, languages=(1, 3)) == analyze(text, languages=(1, 3)).segments


def test_cached_languages_keep_their_checks(kernel: Kernel) -> None:
    k = kernel("count")
    text = "Merhaba Ayşe, siparişiniz yola çıktı. " * 5
    languages = (1, 2, 3)
    assert k.count_segments(text, languages=languages) == analyze(text, languages=languages).segments
    # The same tuple again (identity cache), an equal one, a list: the same count.
    assert k.count_segments(text, languages=languages) == k.count_segments(text, languages=(1, 2, 3))
    assert k.count_segments(text, languages=[1, 2, 3]) == k.count_segments(text, languages=languages)
    # A bool or a float never passes for the identifier 1, before or after 1 was cached
    # (True == 1.0 == 1 as dict keys), in the kernel's cache or the general path's.
    k.count_segments(text, languages=(1,), reference_bits=16)
    k.count_segments(text, languages=(1,), udh=bytearray())
    for bad in ((True,), (1.0,), [1.0]):
        for options in ({}, {"reference_bits": 16}, {"udh": bytearray()}):
            with pytest.raises(TypeError):
                k.count_segments(text, languages=bad, **options)  # type: ignore[arg-type]
            with pytest.raises(TypeError):
                analyze(text, languages=bad, **options)  # type: ignore[arg-type]
    with pytest.raises(smscodec.ArgumentError):
        k.count_segments(text, languages=(99,))
    # A failed check caches nothing.
    with pytest.raises(smscodec.ArgumentError):
        k.count_segments(text, languages=(99,))
    assert k.count_segments(text, languages=(1,)) == 2


def test_str_subclass_takes_the_general_path(kernel: Kernel) -> None:
    class Text(str):
        pass

    k = kernel("count")
    assert k.count_segments(Text("x" * 161)) == 2
    with pytest.raises(TypeError, match="text must be str"):
        k.count_segments(b"x")


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("x" * 161, {}),
        ("Привет 😀", {}),
        ("Merhaba Ayşe “hi”", {"smart": True, "languages": ("turkish",)}),
        ("", {"encoding": "ucs2", "reference_bits": 16}),
    ],
)
def test_analyze_builds_a_complete_segment_info(text: str, options: dict[str, object]) -> None:
    # analyze fills the frozen instance directly: it must equal what __init__ builds.
    info = analyze(text, **options)  # type: ignore[arg-type]
    names = {field.name for field in dataclasses.fields(smscodec.SegmentInfo)}
    assert set(vars(info)) == names
    rebuilt = smscodec.SegmentInfo(**{name: getattr(info, name) for name in names})
    assert rebuilt == info
    assert hash(rebuilt) == hash(info)
    assert repr(rebuilt) == repr(info)
    assert info.segments == smscodec.count_segments(text, **options)  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.segments = 0  # type: ignore[misc]


def test_signature_is_the_documented_one(kernel: Kernel) -> None:
    # The compiled function carries its signature (Argument Clinic style), so
    # inspect and help() show what the pure twin declares.
    live = inspect.signature(kernel("count").count_segments)
    spec = inspect.signature(_count_py.count_segments)
    assert [(p.name, p.kind, p.default) for p in live.parameters.values()] == [
        (p.name, p.kind, p.default) for p in spec.parameters.values()
    ]
