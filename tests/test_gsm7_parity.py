"""Compiled vs pure GSM-7 kernels: equal results, or the same exception type, message
and attributes, for arbitrary text and bytes (hypothesis)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec import _gsm7_py
from smscodec.errors import SmsCodecError

Kernel = Callable[[str], ModuleType]

# Every PEP 393 width and every cost: plain ASCII, the septets that differ from ASCII ($ @ _),
# Latin-1 accents in and out of the table, extension characters, Greek capitals (2-byte),
# the euro sign (2-byte, extension), ESC itself, controls, a lone surrogate, emoji (4-byte)
# and the code points around the compiled tables' edge (U+20FF, U+2100).
ALPHABET = (
    "abcxyzABCXYZ019 .,!?\n\r"
    "$@_`"
    "èéùìòÇØøÅåÆæßÉÄÖÑÜäöñüà¡¿£¥¤§çáíóúÀ"
    "^{}\\[~]|\f"
    "ΔΦΓΛΩΠΨΣΘΞαβ"
    "€\x1b\x00\x7f\t\x80\xa0\ud800"
    "😀🐳\U0010ffff\u20ff\u2100\u20ac\u20ab"
)
texts = st.text(alphabet=ALPHABET, max_size=500) | st.text(max_size=100)
septet_bytes = st.binary(max_size=300) | st.lists(
    st.sampled_from([0x1B, 0x00, 0x41, 0x65, 0x7F, 0x80, 0xFF, 0x10, 0x24, 0x61]), max_size=200
).map(bytes)


def _outcome(func: Callable[..., object], *args: object) -> object:
    try:
        return ("ok", func(*args))
    except SmsCodecError as exc:
        attrs = {name: getattr(exc, name) for name in exc._attrs}
        return (type(exc).__name__, str(exc), attrs)


def _same(live: ModuleType, name: str, *args: object) -> None:
    assert _outcome(getattr(live, name), *args) == _outcome(getattr(_gsm7_py, name), *args)


@given(text=texts)
def test_text_kernels(kernel: Kernel, text: str) -> None:
    live = kernel("gsm7")
    _same(live, "is_gsm7", text)
    _same(live, "gsm7_septets", text)
    _same(live, "non_gsm7_chars", text)
    for mode in (live.STRICT, live.REPLACE, live.IGNORE):
        _same(live, "encode_gsm7", text, mode)


@given(data=septet_bytes)
def test_decode_kernel(kernel: Kernel, data: bytes) -> None:
    live = kernel("gsm7")
    for mode in (live.STRICT, live.REPLACE, live.IGNORE):
        _same(live, "decode_gsm7", data, mode)


# Septets that decode to their own value ("identities": the compiled decoder copies runs
# of them, 16 at a time) and the ones that do not: controls and LF, the escape, the
# septets that are not their ASCII value ($ @ _ [ ` and the letters with accents), the
# ones above "z", Greek capitals (a 2-byte str), and bytes that are no septet at all.
IDENTITY_SEPTETS = bytes(b for b in range(0x20, 0x7B) if b not in (0x24, 0x40, *range(0x5B, 0x61)))
OTHER_SEPTETS = [b"\x00", b"\x05", b"\x0a", b"\x10", b"\x1b", b"\x1b\x65", b"\x1b\x80", b"\x1b\x1b"]
OTHER_SEPTETS += [b"\x24", b"\x40", b"\x5b", b"\x5f", b"\x60", b"\x7b", b"\x7f", b"\x80", b"\xff"]
runs = st.lists(
    st.tuples(st.integers(0, 40), st.sampled_from(OTHER_SEPTETS)),
    max_size=12,
).map(lambda parts: b"".join(IDENTITY_SEPTETS[:n] + other for n, other in parts))


def test_identity_septets_are_their_own_code_points() -> None:
    # The set the compiled decoder copies, from the table itself (TS 23.038 §6.2.1); LF
    # and CR decode to themselves too, but the decoder leaves those two out (rare).
    identities = {b for b in range(0x80) if b != 0x1B and _gsm7_py.decode_gsm7(bytes([b]), 0) == chr(b)}
    assert identities - {0x0A, 0x0D} == set(IDENTITY_SEPTETS)


@given(data=runs)
def test_decode_runs_of_identities(kernel: Kernel, data: bytes) -> None:
    live = kernel("gsm7")
    for mode in (live.STRICT, live.REPLACE, live.IGNORE):
        _same(live, "decode_gsm7", data, mode)


@pytest.mark.parametrize("other", OTHER_SEPTETS)
def test_decode_one_other_septet_anywhere(kernel: Kernel, other: bytes) -> None:
    # One other septet at every position of identity runs around the 8- and 16-septet
    # blocks (and the tail shorter than a block), in each mode.
    live = kernel("gsm7")
    for length in (0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47):
        run = (IDENTITY_SEPTETS * 2)[:length]
        for position in range(length + 1):
            data = run[:position] + other + run[position:]
            for mode in (live.STRICT, live.REPLACE, live.IGNORE):
                _same(live, "decode_gsm7", data, mode)


@given(data=septet_bytes, fill_bits=st.integers(-2, 9), count=st.integers(-1, 400))
def test_packing_kernels(kernel: Kernel, data: bytes, fill_bits: int, count: int) -> None:
    live = kernel("gsm7")
    _same(live, "pack_septets", data, fill_bits)
    _same(live, "unpack_septets", data, count, fill_bits)
    _same(live, "unpack_septets", data, -1, fill_bits)


@given(text=st.text(alphabet=ALPHABET, max_size=300))
def test_cross_backend_round_trip(kernel: Kernel, text: str) -> None:
    live = kernel("gsm7")
    gsm = "".join(ch for ch in text if _gsm7_py.is_gsm7(ch))
    assert _gsm7_py.decode_gsm7(live.encode_gsm7(gsm, live.STRICT), 0) == gsm
    assert live.decode_gsm7(_gsm7_py.encode_gsm7(gsm, 0), live.STRICT) == gsm
    packed = live.pack_septets(live.encode_gsm7(gsm, live.STRICT), 3)
    assert packed == _gsm7_py.pack_septets(_gsm7_py.encode_gsm7(gsm, 0), 3)


def test_same_names(kernel: Kernel) -> None:
    live = kernel("gsm7")
    assert sorted(live.__all__) == sorted(_gsm7_py.__all__)
    for name in _gsm7_py.__all__:
        assert hasattr(live, name), name
    assert (live.STRICT, live.REPLACE, live.IGNORE) == (0, 1, 2)


@pytest.fixture
def compiled(request: pytest.FixtureRequest) -> ModuleType:
    """The compiled twin itself, whatever the live backend (skipped, as in conftest, when not built)."""
    try:
        return importlib.import_module("smscodec._gsm7_c")
    except ImportError:
        if request.config.getoption("--c-extensions"):
            raise
        pytest.skip("compiled kernel smscodec._gsm7_c is not built")


@pytest.mark.parametrize("name", ["is_gsm7", "gsm7_septets", "non_gsm7_chars"])
@pytest.mark.parametrize("bad", [b"x", None, 3])
def test_compiled_text_kernels_take_str_only(compiled: ModuleType, name: str, bad: object) -> None:
    # The public layer converts; the compiled kernel reads raw storage, so anything but a
    # str must be refused there too, never read.
    with pytest.raises(TypeError):
        getattr(compiled, name)(bad)


@pytest.mark.parametrize("bad", ["x", None, bytearray(b"x"), memoryview(b"x")])
def test_compiled_byte_kernels_take_bytes_only(compiled: ModuleType, bad: object) -> None:
    with pytest.raises(TypeError):
        compiled.decode_gsm7(bad, 0)
    with pytest.raises(TypeError):
        compiled.pack_septets(bad, 0)
    with pytest.raises(TypeError):
        compiled.unpack_septets(bad, -1, 0)
    if not isinstance(bad, str):
        with pytest.raises(TypeError):
            compiled.encode_gsm7(bad, 0)
