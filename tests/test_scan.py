"""The kernels' shared C helpers (src/smscodec/_scan.h), compiled here twice: with SSE2
where the machine has it and with the portable code (SMS_SCAN_PORTABLE), both checked
against the definitions in Python and against the GSM 03.38 tables themselves.

_scan.h is inline C with no module of its own, so a small shared library of exported
wrappers is built with the C compiler Python was built with and called through ctypes.
"""

from __future__ import annotations

import ctypes
import pathlib
import shlex
import shutil
import subprocess
import sysconfig

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec._tables import DEFAULT_ALPHABET

HEADER_DIR = pathlib.Path(__file__).resolve().parent.parent / "src" / "smscodec"

# Exported wrappers: ctypes cannot call static inline functions.
WRAPPERS = r"""
#include "_scan.h"
int t_have_sse2(void) { return SMS_HAVE_SSE2; }
int t_is_plain(uint32_t c) { return sms_is_plain(c); }
uint64_t t_not_plain_u64(uint64_t x) { return sms_not_plain_u64(x); }
int t_plain_u8x16(const uint8_t *p) { return sms_plain_u8x16(p); }
int t_plain_u8x32(const uint8_t *p) { return sms_plain_u8x32(p); }
int t_plain_u16x8(const uint16_t *p) { return sms_plain_u16x8(p); }
int t_is_identity(uint32_t b) { return sms_is_identity(b); }
uint64_t t_not_identity_u64(uint64_t x) { return sms_not_identity_u64(x); }
uint32_t t_not_identity_mask_u8x16(const uint8_t *p) { return sms_not_identity_mask_u8x16(p); }
uint64_t t_any_below(uint64_t x, uint64_t n) { return sms_any_below(x, n); }
uint64_t t_any_above(uint64_t x, uint64_t n) { return sms_any_above(x, n); }
uint64_t t_any_between(uint64_t x, uint64_t m, uint64_t n) { return sms_any_between(x, m, n); }
uint64_t t_any_equal(uint64_t x, uint64_t b) { return sms_any_equal(x, b); }
uint64_t t_any_surrogate_u64(uint64_t x) { return sms_any_surrogate_u64(x); }
int t_has_surrogate_u16(const uint16_t *p, Py_ssize_t n) { return sms_has_surrogate_u16(p, n); }
uint64_t t_nonzero_4x64(const uint8_t *rows) { return sms_nonzero_4x64(rows); }
int t_ctz64(uint64_t x) { return sms_ctz64(x); }
void t_widen_u8x16(const uint8_t *p, uint16_t *out) { sms_widen_u8x16(p, out); }
int t_ready(PyObject *text) { return sms_ready(text); }
int t_is_ascii(const uint8_t *p, Py_ssize_t n) { return sms_is_ascii(p, n); }
Py_ssize_t t_utf8(PyObject *text, char *out) {
    Py_ssize_t size;
    const char *data = sms_utf8(text, &size);
    if (data == NULL)
        return PyErr_Occurred() ? -2 : -1;
    memcpy(out, data, (size_t)size);
    return size;
}
"""

U64 = ctypes.c_uint64
SIGNATURES: dict[str, tuple[object, list[object]]] = {
    "t_have_sse2": (ctypes.c_int, []),
    "t_is_plain": (ctypes.c_int, [ctypes.c_uint32]),
    "t_not_plain_u64": (U64, [U64]),
    "t_plain_u8x16": (ctypes.c_int, [ctypes.c_char_p]),
    "t_plain_u8x32": (ctypes.c_int, [ctypes.c_char_p]),
    "t_plain_u16x8": (ctypes.c_int, [ctypes.c_char_p]),
    "t_is_identity": (ctypes.c_int, [ctypes.c_uint32]),
    "t_not_identity_u64": (U64, [U64]),
    "t_not_identity_mask_u8x16": (ctypes.c_uint32, [ctypes.c_char_p]),
    "t_any_below": (U64, [U64, U64]),
    "t_any_above": (U64, [U64, U64]),
    "t_any_between": (U64, [U64, U64, U64]),
    "t_any_equal": (U64, [U64, U64]),
    "t_any_surrogate_u64": (U64, [U64]),
    "t_has_surrogate_u16": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_ssize_t]),
    "t_nonzero_4x64": (U64, [ctypes.c_char_p]),
    "t_ctz64": (ctypes.c_int, [U64]),
    "t_widen_u8x16": (None, [ctypes.c_char_p, ctypes.c_char_p]),
    "t_ready": (ctypes.c_int, [ctypes.py_object]),
    "t_is_ascii": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_ssize_t]),
    "t_utf8": (ctypes.c_ssize_t, [ctypes.py_object, ctypes.c_char_p]),
}

# The definitions, from the tables (TS 23.038 §6.2.1): a plain character is printable
# ASCII and one septet of the default alphabet; an identity septet decodes to the code
# point of its own value (LF and CR are left out on purpose, see _scan.h).
PLAIN = frozenset(c for c in range(0x20, 0x7F) if chr(c) in DEFAULT_ALPHABET)
IDENTITY = frozenset(b for b in range(0x80) if DEFAULT_ALPHABET[b] == chr(b)) - {0x0A, 0x0D}


def _build(tmp: pathlib.Path, portable: bool) -> ctypes.CDLL:
    compiler = shlex.split(sysconfig.get_config_var("CC") or "cc")
    if shutil.which(compiler[0]) is None:
        pytest.skip(f"no C compiler ({compiler[0]}) to build the _scan.h checks with")
    source = tmp / "scan_checks.c"
    source.write_text(WRAPPERS)
    library = tmp / ("scan_portable.so" if portable else "scan_native.so")
    command = [*compiler, "-O2", "-shared", "-fPIC", "-Wall", "-Werror"]
    command += ["-I", str(HEADER_DIR), "-I", sysconfig.get_paths()["include"]]
    command += ["-DSMS_SCAN_PORTABLE"] if portable else []
    subprocess.run([*command, str(source), "-o", str(library)], check=True, capture_output=True)
    lib = ctypes.PyDLL(str(library))
    for name, (restype, argtypes) in SIGNATURES.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


@pytest.fixture(scope="module", params=["native", "portable"])
def scan(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    if sysconfig.get_platform().startswith("win"):
        pytest.skip("the checks build a POSIX shared library")
    return _build(tmp_path_factory.mktemp(request.param), request.param == "portable")


def _word(data: bytes) -> int:
    return int.from_bytes(data, "little")


def test_the_definitions() -> None:
    # The spelled-out ranges of _scan.h, from the tables: "_" is plain ("$" and "@" too),
    # and none of the three is an identity septet.
    assert set(range(0x20, 0x5B)) | {0x5F} | set(range(0x61, 0x7B)) == PLAIN
    assert {0x24, 0x40, 0x5F} == PLAIN - IDENTITY
    assert set() == IDENTITY - PLAIN


def test_sse2_where_expected(scan: ctypes.CDLL, request: pytest.FixtureRequest) -> None:
    portable = request.node.callspec.params["scan"] == "portable"
    x86_64 = sysconfig.get_platform().endswith(("x86_64", "amd64"))
    assert scan.t_have_sse2() == (0 if portable else int(x86_64))


def test_scalar_definitions(scan: ctypes.CDLL) -> None:
    for c in [*range(0x400), 0xD800, 0xFFFF, 0x10000, 0x10FFFF, 0x7FFFFFFF, 0xFFFFFFFF]:
        assert bool(scan.t_is_plain(c)) == (c in PLAIN), hex(c)
        assert bool(scan.t_is_identity(c)) == (c in IDENTITY), hex(c)


@pytest.mark.parametrize("filler", [0x61, 0x5F, 0x20])
def test_one_byte_anywhere(scan: ctypes.CDLL, filler: int) -> None:
    # Every byte value at every position of a block otherwise plain (and identity, but
    # for "_"): the block tests see it wherever it is.
    for b in range(256):
        for position in range(32):
            block = bytearray([filler]) * 32
            block[position] = b
            data = bytes(block)
            plain = all(c in PLAIN for c in data)
            assert bool(scan.t_plain_u8x32(data)) == plain
            assert bool(scan.t_plain_u8x16(data[:16])) == all(c in PLAIN for c in data[:16])
            assert (scan.t_not_plain_u64(_word(data[:8])) == 0) == all(c in PLAIN for c in data[:8])
            assert (scan.t_not_identity_u64(_word(data[:8])) == 0) == all(c in IDENTITY for c in data[:8])
            mask = sum(1 << k for k, c in enumerate(data[:16]) if c not in IDENTITY)
            assert scan.t_not_identity_mask_u8x16(data[:16]) == mask


def test_one_unit_anywhere(scan: ctypes.CDLL) -> None:
    values = [*range(0x180), 0x5F5F, 0x7F00, 0x8000, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFFFF]
    for unit in values:
        for position in range(8):
            units = [0x61] * 8
            units[position] = unit
            data = b"".join(u.to_bytes(2, "little") for u in units)
            assert bool(scan.t_plain_u16x8(data)) == (unit in PLAIN)
            surrogate = 0xD800 <= unit <= 0xDFFF
            assert bool(scan.t_any_surrogate_u64(_word(data[:8]))) == (surrogate and position < 4)


units16 = st.lists(
    st.sampled_from([0x41, 0x5F, 0x7B, 0xE9, 0x394, 0xD7FF, 0xD800, 0xDFFF, 0xE000]), max_size=40
)


@given(units=units16)
def test_surrogate_blocks(scan: ctypes.CDLL, units: list[int]) -> None:
    data = b"".join(u.to_bytes(2, "little") for u in units)
    assert bool(scan.t_has_surrogate_u16(data, len(units))) == any(0xD800 <= u <= 0xDFFF for u in units)
    padded = (units + [0x61] * 8)[:8]
    assert bool(scan.t_plain_u16x8(b"".join(u.to_bytes(2, "little") for u in padded))) == all(
        u in PLAIN for u in padded
    )


lanes = st.binary(min_size=8, max_size=8) | st.lists(
    st.sampled_from(
        [0x00, 0x1F, 0x20, 0x24, 0x40, 0x5A, 0x5B, 0x5F, 0x60, 0x61, 0x7A, 0x7B, 0x7F, 0x80, 0xFF]
    ),
    min_size=8,
    max_size=8,
).map(bytes)


@given(data=lanes, n=st.integers(0, 0x80), m=st.integers(0, 0x7F))
def test_swar_lane_tests(scan: ctypes.CDLL, data: bytes, n: int, m: int) -> None:
    # Each test is exact as a whole (Hacker's Delight 6-1), within its documented range.
    x = _word(data)
    assert bool(scan.t_any_below(x, n)) == any(b < n for b in data)
    assert bool(scan.t_any_above(x, min(n, 0x7F))) == any(b > min(n, 0x7F) for b in data)
    assert bool(scan.t_any_between(x, m, n)) == any(m < b < n for b in data)
    assert bool(scan.t_any_equal(x, n)) == (n in data)
    assert (scan.t_not_plain_u64(x) == 0) == all(b in PLAIN for b in data)
    assert (scan.t_not_identity_u64(x) == 0) == all(b in IDENTITY for b in data)


@given(rows=st.lists(st.sampled_from([0, 0, 0, 1, 0x80, 0xFF]), min_size=256, max_size=256))
def test_nonzero_rows(scan: ctypes.CDLL, rows: list[int]) -> None:
    expected = sum(1 << k for k in range(64) if any(rows[64 * r + k] for r in range(4)))
    assert scan.t_nonzero_4x64(bytes(rows)) == expected


def test_ctz_and_widen(scan: ctypes.CDLL) -> None:
    for k in range(64):
        assert scan.t_ctz64(1 << k) == k
        assert scan.t_ctz64((1 << 63) | (1 << k)) == k
    data = bytes(range(0x70, 0x80))
    out = ctypes.create_string_buffer(32)
    scan.t_widen_u8x16(data, out)
    assert out.raw == b"".join(b.to_bytes(2, "little") for b in data)


def test_ready(scan: ctypes.CDLL) -> None:
    for text in ("", "abc", "Δ€", "😀"):
        assert scan.t_ready(text) == 0


def test_ascii(scan: ctypes.CDLL) -> None:
    # One byte >= 0x80 anywhere in blocks around the 8- and 16-byte steps.
    for n in (0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64):
        assert scan.t_is_ascii(b"a" * n, n) == 1
        for position in range(n):
            for high in (0x80, 0xC3, 0xFF):
                data = bytearray(b"\x7f" * n)
                data[position] = high
                assert scan.t_is_ascii(bytes(data), n) == 0


@pytest.mark.parametrize("text", ["", "abc", "a" * 40, "é", "Δ€", "😀 x", "\x00", "€" * 20])
def test_utf8(scan: ctypes.CDLL, text: str) -> None:
    out = ctypes.create_string_buffer(4 * len(text) + 1)
    size = scan.t_utf8(text, out)
    assert out.raw[:size] == text.encode("utf-8")


def test_utf8_lone_surrogate(scan: ctypes.CDLL) -> None:
    # No UTF-8 form: NULL and no exception left behind (the caller words the error).
    out = ctypes.create_string_buffer(16)
    assert scan.t_utf8("a\ud800", out) == -1
