# cython: freethreading_compatible=True, binding=False
"""GSM 03.38 kernels, compiled: the twin of ``_gsm7_py`` (read that one for the rules).

The kernels read a ``str``'s own PEP 393 storage (1-, 2- or 4-byte units) without
copying it.  Counting is a branch-free sum over a cost table (1-byte strings look up
two characters at a time in a pair table); encoding stores two bytes per character
and advances by the character's length.  Branches on the data mispredict on real text
(accents and brackets every few words), which is what limits a per-character loop to
about one character per nanosecond.  Every table is built at import from
``smscodec._tables``, the one definition of the GSM 03.38 alphabets.

Lengths are checked by hand before every access: ``boundscheck`` and ``wraparound``
are off where noted.  The GIL-free core is declared in ``_gsm7_c.pxd``.
"""

cimport cython
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcpy
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE

from ._tables import DEFAULT_ALPHABET, DEFAULT_EXTENSION, ESCAPE
from .errors import ArgumentError, DecodeError, EncodingError

__all__ = [
    "IGNORE",
    "REPLACE",
    "STRICT",
    "decode_gsm7",
    "encode_gsm7",
    "gsm7_septets",
    "is_gsm7",
    "non_gsm7_chars",
    "pack_septets",
    "unpack_septets",
]


cdef extern from *:
    """
    #if PY_VERSION_HEX < 0x030C0000
    #define smscodec_unicode_ready(op) PyUnicode_READY(op)
    #else
    #define smscodec_unicode_ready(op) 0
    #endif
    /* Byte lanes of a 64-bit word (the "SWAR" idioms of Hacker's Delight 6-1). */
    #define SMS_ONES UINT64_C(0x0101010101010101)
    #define SMS_HIGH UINT64_C(0x8080808080808080)
    /* The high bytes of four UCS-2 (two UCS-4) units; the same value on either endianness. */
    #define SMS_UCS2_HIGH UINT64_C(0xFF00FF00FF00FF00)
    #define SMS_UCS4_HIGH UINT64_C(0xFFFFFF00FFFFFF00)
    /* Stand-in "A" (0x41, a plain septet) for those high bytes once they are known to be zero. */
    #define SMS_UCS2_FILL UINT64_C(0x4100410041004100)
    #define SMS_UCS4_FILL UINT64_C(0x4141410041414100)
    /* Bytes 2-3 of a 64-bit word. */
    #define SMS_BYTES_2_3 UINT64_C(0xFFFF0000)
    """
    int smscodec_unicode_ready(object) except -1
    const uint64_t SMS_ONES
    const uint64_t SMS_HIGH
    const uint64_t SMS_UCS2_HIGH
    const uint64_t SMS_UCS4_HIGH
    const uint64_t SMS_UCS2_FILL
    const uint64_t SMS_UCS4_FILL
    const uint64_t SMS_BYTES_2_3

cdef extern from "Python.h":
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    object PyUnicode_New(Py_ssize_t size, uint32_t maxchar)
    uint32_t PyUnicode_READ(int kind, const void* data, Py_ssize_t index)


ctypedef fused unit_t:
    uint8_t
    uint16_t
    uint32_t


# Error modes, the same values as in _gsm7_py.
STRICT = 0
REPLACE = 1
IGNORE = 2

cdef enum:
    _STRICT = 0
    _REPLACE = 1
    _IGNORE = 2
    # Every GSM 03.38 character is below U+2100: the highest is U+20AC (EURO SIGN, ext 0x65).
    # Code points past the tables read their last cell, U+20FF, which is in no GSM table.
    _TABLE_SIZE = 0x2100
    # TS 23.038 §6.2.1.1: the escape to the extension table.
    _ESC = 0x1B
    # "?" (0x3F) replaces an unencodable character under REPLACE.
    _QUESTION = 0x3F
    # U+FFFD replaces a decoding fault under REPLACE.
    _REPLACEMENT_CHARACTER = 0xFFFD
    # TS 23.038 §6.2.1.1, extension code 0x1B: a receiver "shall display a space".
    _SPACE = 0x20
    # _COST of an unencodable character: 2**12, above the septets of a whole block
    # (2 * _BLOCK), so one sum counts both (the high bits count unencodable characters).
    _COST_BAD_SHIFT = 12
    _BLOCK = 1024
    _STOP_BLOCK = 64
    # _ENCODE cell layout: bits 0-15 the two bytes to store (in memory order), bits
    # 16-17 how many of them count (1, or 2 for escape + extension code), bit 18 set
    # for an unencodable character (stored as "?", one byte).
    _LENGTH_SHIFT = 16
    _BAD_SHIFT = 18

# Code point -> septets it costs: 1, 2, or 1 << _COST_BAD_SHIFT when in neither table.
# 16-bit cells: with 32-bit ones GCC -O3 "vectorizes" the sum into byte shuffles and
# scalar inserts that run at less than half the speed of the plain scalar loop.
cdef uint16_t _COST[_TABLE_SIZE]
# Two Latin-1 characters (their two bytes read as one native uint16) -> the sum of
# their _COST; for 1-byte strings.  128 KiB, of which real text touches a few lines.
cdef uint16_t _PAIR_COST[65536]
# Code point -> what the encoder stores (layout above).
cdef uint32_t _ENCODE[_TABLE_SIZE]
# Septet -> code point (the escape cell is never read through it).
cdef uint32_t _DEC[128]
# Code after an escape -> code point.
cdef uint32_t _DEC_ESC[128]


cdef uint32_t _encode_cell(uint8_t first, uint8_t second, uint32_t length, bint bad):
    cdef uint8_t pair[2]
    cdef uint16_t stored
    pair[0] = first
    pair[1] = second
    memcpy(&stored, pair, 2)
    return stored | (length << _LENGTH_SHIFT) | ((<uint32_t>bad) << _BAD_SHIFT)


cdef void _fill_pair_costs() noexcept:
    cdef uint8_t two[2]
    cdef uint16_t index
    cdef int first, second
    for first in range(256):
        for second in range(256):
            two[0] = first
            two[1] = second
            memcpy(&index, two, 2)
            _PAIR_COST[index] = _COST[first] + _COST[second]


def _fill_tables():
    cdef Py_ssize_t i
    septets = {}
    for i in range(128):
        ch = DEFAULT_EXTENSION[i]
        if ch is not None:
            septets[ord(ch)] = (ESCAPE, i)
    # Default-alphabet cells win over extension cells: one septet beats two.
    for i in range(128):
        ch = DEFAULT_ALPHABET[i]
        if ch is not None:
            septets[ord(ch)] = (i,)
    if max(septets) >= _TABLE_SIZE - 1:
        raise ImportError(f"GSM 03.38 table character U+{max(septets):04X} beyond the kernel's tables")
    for i in range(_TABLE_SIZE):
        code = septets.get(i)
        if code is None:
            _COST[i] = 1 << _COST_BAD_SHIFT
            _ENCODE[i] = _encode_cell(_QUESTION, 0, 1, True)
        elif len(code) == 1:
            _COST[i] = 1
            _ENCODE[i] = _encode_cell(code[0], 0, 1, False)
        else:
            _COST[i] = 2
            _ENCODE[i] = _encode_cell(code[0], code[1], 2, False)
    _fill_pair_costs()
    for i in range(128):
        ch = DEFAULT_ALPHABET[i]
        _DEC[i] = _REPLACEMENT_CHARACTER if ch is None else ord(ch)
    for i in range(128):
        ch = DEFAULT_EXTENSION[i]
        if ch is not None:
            _DEC_ESC[i] = ord(ch)
        elif i == ESCAPE:
            _DEC_ESC[i] = _SPACE
        else:
            # §6.2.1.1 note 1: an undefined extension code shows its default-table character.
            _DEC_ESC[i] = _DEC[i]


_fill_tables()


# --- counting ---------------------------------------------------------------------------

cdef inline uint32_t _clamp(unit_t c) noexcept nogil:
    # Index into the tables; compiles to a conditional move, not a branch.
    if unit_t is uint8_t:
        return c
    else:
        return c if c < _TABLE_SIZE else _TABLE_SIZE - 1


@cython.boundscheck(False)
@cython.wraparound(False)
cdef Py_ssize_t _scan(const unit_t* s, Py_ssize_t n, bint stop, Py_ssize_t* n_bad) noexcept nogil:
    # Septets of the encodable characters.  With ``stop``: -(i + 1) at the first
    # unencodable character i; otherwise *n_bad counts them.
    #
    # A branch-free table sum in four independent accumulators, whatever the mix of
    # ASCII, accents and extension characters (a per-character branch, or a word test
    # that falls back per character, mispredicts on real text), block by block so the
    # count of unencodable characters cannot overflow into the septets.
    cdef Py_ssize_t start = 0, end, i, total = 0, bad = 0
    # Stopping at the first unencodable character costs at most one short block past it
    # (non_gsm7_chars calls this once per such character: no quadratic rescans).
    cdef Py_ssize_t block = _STOP_BLOCK if stop else _BLOCK
    cdef uint64_t t0, t1, t2, t3, w
    cdef uint16_t pair[4]
    while start < n:
        end = start + block if n - start > block else n
        t0 = t1 = t2 = t3 = 0
        i = start
        if unit_t is uint8_t:
            # 1-byte strings: one lookup per two characters in the pair table.
            while i + 8 <= end:
                memcpy(&w, s + i, 8)
                memcpy(pair, &w, 8)
                t0 += _PAIR_COST[pair[0]]
                t1 += _PAIR_COST[pair[1]]
                t2 += _PAIR_COST[pair[2]]
                t3 += _PAIR_COST[pair[3]]
                i += 8
        while i + 4 <= end:
            t0 += _COST[_clamp(s[i])]
            t1 += _COST[_clamp(s[i + 1])]
            t2 += _COST[_clamp(s[i + 2])]
            t3 += _COST[_clamp(s[i + 3])]
            i += 4
        while i < end:
            t0 += _COST[_clamp(s[i])]
            i += 1
        t0 += t1 + t2 + t3
        if t0 >> _COST_BAD_SHIFT:
            if stop:
                for i in range(start, end):
                    if _COST[_clamp(s[i])] >> _COST_BAD_SHIFT:
                        return -(i + 1)
            bad += t0 >> _COST_BAD_SHIFT
        total += t0 & ((1 << _COST_BAD_SHIFT) - 1)
        start = end
    if n_bad != NULL:
        n_bad[0] = bad
    return total


cdef Py_ssize_t gsm7_count(int kind, const void* data, Py_ssize_t n) noexcept nogil:
    if kind == 1:
        return _scan(<const uint8_t*>data, n, True, NULL)
    if kind == 2:
        return _scan(<const uint16_t*>data, n, True, NULL)
    return _scan(<const uint32_t*>data, n, True, NULL)


cdef Py_ssize_t gsm7_count_lenient(int kind, const void* data, Py_ssize_t n,
                                   Py_ssize_t* n_bad) noexcept nogil:
    if kind == 1:
        return _scan(<const uint8_t*>data, n, False, n_bad)
    if kind == 2:
        return _scan(<const uint16_t*>data, n, False, n_bad)
    return _scan(<const uint32_t*>data, n, False, n_bad)


# --- encoding ---------------------------------------------------------------------------

@cython.boundscheck(False)
@cython.wraparound(False)
cdef Py_ssize_t _encode(const unit_t* s, Py_ssize_t n, uint8_t* out, int mode) noexcept nogil:
    # Branch-free: every character stores two bytes and advances by its length, so
    # ``out`` needs slack past the result (see the .pxd).  Under IGNORE an unencodable
    # character stores "?" and advances by 0: the next character overwrites it.
    cdef Py_ssize_t i, o = 0
    cdef uint32_t cell
    cdef uint16_t pair
    cdef uint32_t drop = 1 if mode == _IGNORE else 0
    for i in range(n):
        cell = _ENCODE[_clamp(s[i])]
        pair = <uint16_t>cell
        memcpy(out + o, &pair, 2)
        o += ((cell >> _LENGTH_SHIFT) & 3) - ((cell >> _BAD_SHIFT) & drop)
    return o


cdef Py_ssize_t gsm7_encode_into(int kind, const void* data, Py_ssize_t n,
                                 uint8_t* out, int mode) noexcept nogil:
    if kind == 1:
        return _encode(<const uint8_t*>data, n, out, mode)
    if kind == 2:
        return _encode(<const uint16_t*>data, n, out, mode)
    return _encode(<const uint32_t*>data, n, out, mode)


# --- eight bytes at a time (decoding) -------------------------------------------------

cdef inline uint64_t _any_below(uint64_t x, uint64_t n) noexcept nogil:
    # Nonzero when some byte of x is < n (n <= 0x80).
    return (x - SMS_ONES * n) & ~x & SMS_HIGH


cdef inline uint64_t _any_above(uint64_t x, uint64_t n) noexcept nogil:
    # Nonzero when some byte of x is > n (n <= 0x7F).
    return ((x + SMS_ONES * (127 - n)) | x) & SMS_HIGH


cdef inline uint64_t _any_between(uint64_t x, uint64_t m, uint64_t n) noexcept nogil:
    # Nonzero when some byte b of x has m < b < n (m <= 0x7F, n <= 0x80); exact per lane.
    cdef uint64_t low = x & (SMS_ONES * 127)
    return (SMS_ONES * (127 + n) - low) & ~x & (low + SMS_ONES * (127 - m)) & SMS_HIGH


cdef inline uint64_t _any_equal(uint64_t x, uint64_t b) noexcept nogil:
    cdef uint64_t y = x ^ (SMS_ONES * b)
    return (y - SMS_ONES) & ~y & SMS_HIGH


cdef inline uint64_t _not_identity(uint64_t x) noexcept nogil:
    # Zero when every byte is its own septet: the bytes above less "$" (septet 0x02),
    # "@" (0x00) and "_" (0x11).  Also the septets that decode to the same byte.
    return (_any_below(x, 0x20) | _any_above(x, 0x7A) | _any_between(x, 0x5A, 0x61)
            | _any_equal(x, 0x24) | _any_equal(x, 0x40))



# --- decoding ---------------------------------------------------------------------------

@cython.boundscheck(False)
@cython.wraparound(False)
cdef Py_ssize_t _decode_measure(const uint8_t* s, Py_ssize_t n, int mode, Py_ssize_t* length,
                                uint32_t* bits) noexcept nogil:
    # Output length and the OR of every output code point (its width); under STRICT the
    # index of the first fault, else -1.
    cdef Py_ssize_t i = 0, end, count = 0
    cdef uint32_t ch, acc = 0
    cdef uint64_t w
    cdef uint8_t b
    while i < n:
        end = i + 8
        if end <= n:
            memcpy(&w, s + i, 8)
            if _not_identity(w) == 0:
                count += 8
                acc |= 0x7F
                i = end
                continue
        if end > n:
            end = n
        while i < end:
            b = s[i]
            if b == _ESC and i + 1 < n and s[i + 1] < 0x80:
                ch = _DEC_ESC[s[i + 1]]
                i += 2
            elif b < 0x80 and b != _ESC:
                ch = _DEC[b]
                i += 1
            else:
                if mode == _STRICT:
                    return i
                i += 1
                if mode == _IGNORE:
                    continue
                ch = _REPLACEMENT_CHARACTER
            count += 1
            acc |= ch
    length[0] = count
    bits[0] = acc
    return -1


@cython.boundscheck(False)
@cython.wraparound(False)
cdef Py_ssize_t _decode_write(const uint8_t* s, Py_ssize_t n, int mode, unit_t* out,
                              Py_ssize_t size) noexcept nogil:
    # Writes what _decode_measure measured (no fault under STRICT); returns the count
    # written, never more than ``size``.
    cdef Py_ssize_t i = 0, end, o = 0
    cdef uint32_t ch
    cdef uint64_t w
    cdef uint8_t b
    while i < n:
        end = i + 8
        if unit_t is uint8_t:
            if end <= n and o + 8 <= size:
                memcpy(&w, s + i, 8)
                if _not_identity(w) == 0:
                    memcpy(out + o, &w, 8)
                    o += 8
                    i = end
                    continue
        if end > n:
            end = n
        while i < end:
            b = s[i]
            if b == _ESC and i + 1 < n and s[i + 1] < 0x80:
                ch = _DEC_ESC[s[i + 1]]
                i += 2
            elif b < 0x80 and b != _ESC:
                ch = _DEC[b]
                i += 1
            else:
                i += 1
                if mode != _REPLACE:
                    continue
                ch = _REPLACEMENT_CHARACTER
            if o >= size:
                return o + 1
            out[o] = <unit_t>ch
            o += 1
    return o


# --- messages (word for word those of _gsm7_py) ------------------------------------------

cdef object _encoding_error(str text, Py_ssize_t position):
    ch = text[position]
    return EncodingError(
        f"character {ch!r} (U+{ord(ch):04X}) at position {position} is not in the GSM 03.38 "
        "default alphabet or its extension table",
        char=ch,
        position=position,
    )


cdef object _decode_fault(bytes data, Py_ssize_t position):
    cdef int byte = data[position]
    if byte != _ESC:
        message = f"byte 0x{byte:02X} at position {position} is not a GSM 7-bit septet; expected 0x00-0x7F"
    elif position + 1 < len(data):
        message = (
            f"escape 0x1B at position {position} is followed by byte 0x{data[position + 1]:02X}, "
            "not a septet; expected a code 0x00-0x7F after an escape"
        )
    else:
        message = f"escape 0x1B at position {position} ends the data; expected a code 0x00-0x7F after it"
    return DecodeError(message, position=position)


cdef object _septet_error(bytes septets, Py_ssize_t position):
    return DecodeError(
        f"byte 0x{septets[position]:02X} at position {position} is not a septet; expected 0x00-0x7F",
        position=position,
    )


cdef object _fill_bits_error(int fill_bits):
    return ArgumentError(f"fill_bits must be 0-6, not {fill_bits}", argument="fill_bits")


# --- the kernels ------------------------------------------------------------------------

def is_gsm7(str text not None, /):
    """True when every character is in the default alphabet or the extension table."""
    smscodec_unicode_ready(text)
    return gsm7_count(PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)) >= 0


def gsm7_septets(str text not None, /):
    """Septets needed to encode ``text``; EncodingError at the first unencodable character."""
    smscodec_unicode_ready(text)
    cdef Py_ssize_t r = gsm7_count(PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
    if r < 0:
        raise _encoding_error(text, -r - 1)
    return r


def non_gsm7_chars(str text not None, /):
    """The distinct unencodable characters of ``text`` in order of first appearance."""
    smscodec_unicode_ready(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef const char* data = <const char*>PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef Py_ssize_t start = 0, r, position
    cdef list found = []
    # The first few distinct characters are remembered in C; a set takes over past them.
    cdef uint32_t few[8]
    cdef Py_ssize_t n_few = 0, j
    cdef uint32_t c
    cdef set seen = None
    while start < n:
        # Skip to the next unencodable character at table-sum speed...
        r = gsm7_count(kind, data + start * kind, n - start)
        if r >= 0:
            break
        position = start - r - 1
        # ...then take the run that starts there one character at a time.
        while position < n:
            c = PyUnicode_READ(kind, data, position)
            if not _COST[c if c < _TABLE_SIZE else _TABLE_SIZE - 1] >> _COST_BAD_SHIFT:
                break
            position += 1
            if seen is None:
                for j in range(n_few):
                    if few[j] == c:
                        break
                else:
                    if n_few < 8:
                        few[n_few] = c
                        n_few += 1
                        found.append(chr(c))
                    else:
                        seen = set(found)
                if seen is None:
                    continue
            ch = chr(c)
            if ch not in seen:
                seen.add(ch)
                found.append(ch)
        start = position
    return found


def encode_gsm7(str text not None, int mode, /):
    """Unpacked septets of ``text``; unencodable characters handled per ``mode``."""
    smscodec_unicode_ready(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef Py_ssize_t size, n_bad = 0, written
    if mode == _STRICT:
        size = gsm7_count(kind, data, n)
        if size < 0:
            raise _encoding_error(text, -size - 1)
    else:
        size = gsm7_count_lenient(kind, data, n, &n_bad)
        if mode == _REPLACE:
            size += n_bad
    cdef uint8_t* p
    if size == 0:
        # Nothing to store (and b"" is a shared object: never write into it).
        return b""
    if n_bad and mode == _IGNORE:
        # An ignored character may leave the encoder's two-byte store at ``size`` itself:
        # encode into a byte more, then copy the result out.
        scratch = PyBytes_FromStringAndSize(NULL, size + 1)
        written = gsm7_encode_into(kind, data, n, <uint8_t*>PyBytes_AS_STRING(scratch), mode)
        out = PyBytes_FromStringAndSize(PyBytes_AS_STRING(scratch), size)
    else:
        # Every character stores at least one byte, so the last two-byte store ends at
        # most on out[size]: the NUL slot CPython keeps after every bytes object.
        out = PyBytes_FromStringAndSize(NULL, size)
        p = <uint8_t*>PyBytes_AS_STRING(out)
        written = gsm7_encode_into(kind, data, n, p, mode)
        p[size] = 0
    if written != size:
        raise SystemError(f"GSM-7 encoder wrote {written} septets, expected {size}")
    return out


def decode_gsm7(bytes data not None, int mode, /):
    """The text of unpacked septets ``data``; faults handled per ``mode``."""
    cdef const uint8_t* s = <const uint8_t*>PyBytes_AS_STRING(data)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef Py_ssize_t length = 0, fault, written
    cdef uint32_t bits = 0
    cdef int kind
    fault = _decode_measure(s, n, mode, &length, &bits)
    if fault >= 0:
        raise _decode_fault(data, fault)
    # The narrowest width that holds every code point (CPython requires it).
    out = PyUnicode_New(length, 0x7F if bits < 0x80 else 0xFF if bits < 0x100 else 0xFFFF)
    kind = PyUnicode_KIND(out)
    if kind == 1:
        written = _decode_write(s, n, mode, <uint8_t*>PyUnicode_DATA(out), length)
    else:
        written = _decode_write(s, n, mode, <uint16_t*>PyUnicode_DATA(out), length)
    if written != length:
        raise SystemError(f"GSM-7 decoder wrote {written} characters, expected {length}")
    return out


@cython.boundscheck(False)
@cython.wraparound(False)
def pack_septets(bytes septets not None, int fill_bits, /):
    """Pack septets (TS 23.038 §6.1.2.1.1) after ``fill_bits`` zero bits; b"" when there are none."""
    if not 0 <= fill_bits <= 6:
        raise _fill_bits_error(fill_bits)
    cdef const uint8_t* s = <const uint8_t*>PyBytes_AS_STRING(septets)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(septets)
    if n == 0:
        return b""
    cdef Py_ssize_t size = (fill_bits + 7 * n + 7) // 8
    cdef Py_ssize_t k, o = 0
    # At most 6 + 7 pending bits before an octet is flushed: 32 bits are plenty.
    cdef uint32_t acc = 0
    cdef int bits = fill_bits
    out = PyBytes_FromStringAndSize(NULL, size)
    cdef uint8_t* p = <uint8_t*>PyBytes_AS_STRING(out)
    for k in range(n):
        if s[k] > 0x7F:
            raise _septet_error(septets, k)
        acc |= (<uint32_t>s[k]) << bits
        bits += 7
        if bits >= 8:
            # o < size: every septet adds 7 bits, size counts them all (rounded up).
            p[o] = acc & 0xFF
            o += 1
            acc >>= 8
            bits -= 8
    if bits:
        p[o] = <uint8_t>acc
    return out


@cython.boundscheck(False)
@cython.wraparound(False)
def unpack_septets(bytes data not None, Py_ssize_t count, int fill_bits, /):
    """Unpack ``count`` septets (-1: every whole one) after ``fill_bits`` bits of ``data``."""
    if not 0 <= fill_bits <= 6:
        raise _fill_bits_error(fill_bits)
    cdef const uint8_t* s = <const uint8_t*>PyBytes_AS_STRING(data)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef Py_ssize_t available = (8 * n - fill_bits) // 7 if 8 * n > fill_bits else 0
    cdef Py_ssize_t k, o, need
    cdef uint32_t acc
    cdef int bits
    if count < 0:
        count = available
    elif count > available:
        need = (fill_bits + 7 * count + 7) // 8
        raise DecodeError(
            f"{count} septets after {fill_bits} fill bits need {need} octets, but the data has "
            f"{n}; expected at most {available} septets",
            position=n,
        )
    if count == 0:
        return b""
    out = PyBytes_FromStringAndSize(NULL, count)
    cdef uint8_t* p = <uint8_t*>PyBytes_AS_STRING(out)
    # n >= 1 here: count <= available needs 7 * count + fill_bits <= 8 * n bits.
    acc = s[0] >> fill_bits
    bits = 8 - fill_bits
    o = 1
    for k in range(count):
        if bits < 7:
            # o < n: the septets consumed so far plus this one fit in 8 * n bits.
            acc |= (<uint32_t>s[o]) << bits
            o += 1
            bits += 8
        p[k] = acc & 0x7F
        acc >>= 7
        bits -= 7
    return out
