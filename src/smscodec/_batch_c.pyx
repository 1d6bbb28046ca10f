# cython: boundscheck=False, wraparound=False, cdivision=True
"""Batch counting kernels: the compiled twin of ``_batch_py``.

Same functions, results and errors as the pure twin, whose docstring is the theory of
operation.  Every message is counted by the segments kernel's GIL-free ``count_text``
on storage read in place:

* ``count_objects`` takes the (kind, data, length) of a block of ``str`` elements with
  the GIL held (the caller's tuple keeps them alive), then counts the block without it.
* ``count_ucs4`` reads a numpy ``U`` array's code units where they are.
* ``count_utf8`` reads an Arrow array's buffers.  A message whose bytes are all below
  0x80 is valid Latin-1 storage as it stands and is counted as a 1-byte string; any
  other is decoded, with full UTF-8 validation, into a scratch buffer of the narrowest
  width its lead bytes allow (0xC2/0xC3 only: 1 byte; up to 0xEF: 2; else 4).

Lengths are checked by hand before any pointer arithmetic: ranges against the tuple or
the arrays, offsets against the data buffer, the bitmap against the range; a decoder
reads a continuation byte only after checking it is inside the message.
"""

from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, realloc
from libc.string cimport memcpy, memset

from cpython.ref cimport PyObject

from ._segments_c cimport Plan, Result, count_text

from . import _batch_py as _spec


cdef extern from *:
    """
    static CYTHON_INLINE int smscodec_batch_ready(PyObject *s) {
    #if PY_VERSION_HEX < 0x030C0000
        return PyUnicode_READY(s);
    #else
        (void)s;
        return 0;
    #endif
    }
    """
    int smscodec_batch_ready(PyObject* s) except -1

cdef extern from "Python.h":
    PyObject* PyTuple_GET_ITEM(object t, Py_ssize_t i)
    bint PyUnicode_Check(PyObject* o)
    int PyUnicode_KIND(PyObject* o)
    void* PyUnicode_DATA(PyObject* o)
    Py_ssize_t PyUnicode_GET_LENGTH(PyObject* o)
    PyObject* Py_None


FLAGGED = _spec.FLAGGED
RELEASES_GIL = True

cdef enum:
    # Strings gathered per GIL-free counting pass (bounded scratch on the stack).
    _BLOCK = 512
    _FLAGGED = 0xFF
    # The largest Unicode code point (The Unicode Standard §3.9, D9).
    _MAX_CODE_POINT = 0x10FFFF

# Every byte's high bit: a word with none of them set holds only ASCII.
cdef uint64_t _HIGH_BITS = 0x8080808080808080ULL


cdef struct Options:
    Plan plan
    Plan gsm        # the same tables under mode 0: is the text GSM-7 as it stands?
    bint smart


cdef struct Out:
    int32_t* segments
    int32_t* units      # NULL: not wanted
    int32_t* remaining  # NULL: not wanted
    uint8_t* encoding


cdef int _options(tuple options, Options* o) except -1:
    _spec.check_options(options)
    header, concat, mode, locks, singles, smart = options
    memset(o, 0, sizeof(Options))
    o.plan.header = header
    o.plan.concat = concat
    o.plan.mode = mode
    o.plan.locks = locks
    o.plan.singles = singles
    o.gsm = o.plan
    o.gsm.mode = 0
    o.smart = smart
    return 0


cdef int32_t* _int32(int32_t[::1] view, Py_ssize_t need) except? NULL:
    if view is None:
        return NULL
    if view.shape[0] < need:
        raise ValueError(f"an output array holds {view.shape[0]} elements, {need} needed")
    return &view[0] if view.shape[0] else NULL


cdef uint8_t* _uint8(uint8_t[::1] view, Py_ssize_t need) except? NULL:
    if view.shape[0] < need:
        raise ValueError(f"an output array holds {view.shape[0]} elements, {need} needed")
    return &view[0] if view.shape[0] else NULL


cdef inline void _store(Out* out, Py_ssize_t i, int encoding, Py_ssize_t parts, Py_ssize_t units,
                        Py_ssize_t remaining) noexcept nogil:
    out.encoding[i] = <uint8_t>encoding
    out.segments[i] = <int32_t>parts
    if out.units != NULL:
        out.units[i] = <int32_t>units
    if out.remaining != NULL:
        out.remaining[i] = <int32_t>remaining


cdef inline void _count_one(int kind, const void* data, Py_ssize_t n, const Options* o, Out* out,
                            Py_ssize_t i) noexcept nogil:
    cdef Result r, g
    cdef bint flagged
    count_text(kind, data, n, &o.plan, &r)
    # A status means the scalar API raises: leave it to the scalar API.
    flagged = r.status != 0
    if o.smart and not flagged:
        # Smart encoding only changes a text that is not GSM-7 as it stands.
        if o.plan.mode == 2:
            count_text(kind, data, n, &o.gsm, &g)
            flagged = g.status != 0 or g.encoding != 0
        else:
            flagged = r.encoding != 0
    if flagged:
        _store(out, i, _FLAGGED, 0, 0, 0)
    else:
        _store(out, i, r.encoding, r.parts, r.units, r.remaining)


def count_objects(tuple values not None, Py_ssize_t start, Py_ssize_t stop, tuple options not None,
                  segments, units, remaining, encoding, /):
    """Count ``values[start:stop]``: see ``_batch_py.count_objects``."""
    cdef Options o
    cdef Out out
    cdef int kinds[_BLOCK]
    cdef const void* datas[_BLOCK]
    cdef Py_ssize_t lengths[_BLOCK]
    cdef Py_ssize_t where[_BLOCK]
    cdef Py_ssize_t i, k, m
    cdef PyObject* item
    _options(options, &o)
    if not 0 <= start <= stop <= len(values):
        raise ValueError(f"range {start}..{stop} is outside 0..{len(values)}")
    # Typed views held for the whole call keep the output buffers alive.
    cdef int32_t[::1] seg_v = segments
    cdef int32_t[::1] units_v = units
    cdef int32_t[::1] rem_v = remaining
    cdef uint8_t[::1] enc_v = encoding
    out.segments = _int32(seg_v, stop)
    out.units = _int32(units_v, stop)
    out.remaining = _int32(rem_v, stop)
    out.encoding = _uint8(enc_v, stop)
    i = start
    while i < stop:
        m = 0
        while i < stop and m < _BLOCK:
            item = PyTuple_GET_ITEM(values, i)
            if PyUnicode_Check(item):
                smscodec_batch_ready(item)
                kinds[m] = PyUnicode_KIND(item)
                datas[m] = PyUnicode_DATA(item)
                lengths[m] = PyUnicode_GET_LENGTH(item)
                where[m] = i
                m += 1
            else:
                if item != Py_None:
                    _spec.check_element(<object>item, i)  # raises unless a missing value
                _store(&out, i, 0, 0, 0, 0)
            i += 1
        with nogil:
            for k in range(m):
                _count_one(kinds[k], datas[k], lengths[k], &o, &out, where[k])


def count_ucs4(array, Py_ssize_t width, Py_ssize_t start, Py_ssize_t stop,
               tuple options not None, segments, units, remaining, encoding, /):
    """Count elements ``start:stop`` of a numpy ``U`` array: see ``_batch_py.count_ucs4``."""
    cdef Options o
    cdef Out out
    cdef Py_ssize_t i, j, n, length
    cdef Py_ssize_t bad = -1, capacity = 0
    cdef void* scratch = NULL
    cdef void* grown
    cdef const uint32_t[::1] data = array
    cdef const uint32_t* row
    cdef const uint32_t* base = NULL
    cdef uint32_t top
    _options(options, &o)
    if width < 0:
        raise ValueError(f"width must not be negative, got {width}")
    length = data.shape[0] // width if width else stop
    if not 0 <= start <= stop <= length:
        raise ValueError(f"range {start}..{stop} is outside 0..{length}")
    cdef int32_t[::1] seg_v = segments
    cdef int32_t[::1] units_v = units
    cdef int32_t[::1] rem_v = remaining
    cdef uint8_t[::1] enc_v = encoding
    out.segments = _int32(seg_v, stop)
    out.units = _int32(units_v, stop)
    out.remaining = _int32(rem_v, stop)
    out.encoding = _uint8(enc_v, stop)
    if width and data.shape[0]:
        base = &data[0]
    with nogil:
        for i in range(start, stop):
            row = base + i * width if width else NULL
            n = width
            # numpy pads every element with U+0000: trailing NULs are not text.
            while n and row[n - 1] == 0:
                n -= 1
            top = 0
            for j in range(n):
                if row[j] > top:
                    top = row[j]
            if top > _MAX_CODE_POINT:
                bad = i
                break
            if top > 0xFFFF:
                _count_one(4, row, n, &o, &out, i)
                continue
            # The segments kernel reads 1- and 2-byte storage faster (fewer lookups):
            # narrow the row into the scratch buffer, as str would store it.
            if n > capacity:
                grown = realloc(scratch, n * 2)
                if grown == NULL:
                    bad = -2
                    break
                scratch = grown
                capacity = n
            if top < 0x100:
                for j in range(n):
                    (<uint8_t*>scratch)[j] = <uint8_t>row[j]
                _count_one(1, scratch, n, &o, &out, i)
            else:
                for j in range(n):
                    (<uint16_t*>scratch)[j] = <uint16_t>row[j]
                _count_one(2, scratch, n, &o, &out, i)
    free(scratch)
    if bad == -2:
        raise MemoryError()
    if bad >= 0:
        _spec.ucs4_text(array, width, bad)  # raises the element's DecodeError
        raise AssertionError("ucs4_text accepted an element the kernel refused")


cdef inline bint _ascii(const uint8_t* p, Py_ssize_t n) noexcept nogil:
    # Eight bytes at a time (memcpy: the data need not be aligned).
    cdef uint64_t acc = 0, word
    cdef Py_ssize_t i = 0
    while i + 8 <= n:
        memcpy(&word, p + i, 8)
        acc |= word
        i += 8
    while i < n:
        acc |= p[i]
        i += 1
    return (acc & _HIGH_BITS) == 0


cdef inline int _width(const uint8_t* p, Py_ssize_t n) noexcept nogil:
    # Storage width the code points can need, from the largest byte: 0xC2/0xC3 leads
    # encode U+0080-U+00FF, 0xC4-0xEF leads at most U+FFFF, 0xF0-0xF4 above (RFC 3629 §3).
    cdef uint8_t top = 0
    cdef Py_ssize_t i
    for i in range(n):
        if p[i] > top:
            top = p[i]
    if top < 0xC4:
        return 1
    if top < 0xF0:
        return 2
    return 4


cdef inline bint _cont(uint8_t b) noexcept nogil:
    # A continuation byte: 10xxxxxx.
    return (b & 0xC0) == 0x80


cdef Py_ssize_t _decode(const uint8_t* s, Py_ssize_t n, int kind, void* dest, Py_ssize_t* bad) noexcept nogil:
    # Decode UTF-8 into ``kind``-byte code points; return how many, or -1 with *bad the
    # offset of the lead byte of the first ill-formed sequence (what Python's decoder
    # reports as the error start).  Well-formed sequences: RFC 3629 §4 (the Unicode
    # Standard, Table 3-7): no overlongs, no surrogates, nothing above U+10FFFF.
    cdef Py_ssize_t i = 0, m = 0
    cdef uint32_t b, c
    cdef uint8_t* d1 = <uint8_t*>dest
    cdef uint16_t* d2 = <uint16_t*>dest
    cdef uint32_t* d4 = <uint32_t*>dest
    while i < n:
        b = s[i]
        if b < 0x80:
            c = b
            i += 1
        elif b < 0xC2:
            # A continuation byte as lead, or an overlong 2-byte lead (0xC0, 0xC1).
            bad[0] = i
            return -1
        elif b < 0xE0:
            if i + 1 >= n or not _cont(s[i + 1]):
                bad[0] = i
                return -1
            c = ((b & 0x1F) << 6) | (s[i + 1] & 0x3F)
            i += 2
        elif b < 0xF0:
            # Second byte: 0xA0-0xBF after 0xE0 (no overlong), 0x80-0x9F after 0xED (no surrogate).
            if (i + 2 >= n or not _cont(s[i + 1]) or not _cont(s[i + 2])
                    or (b == 0xE0 and s[i + 1] < 0xA0) or (b == 0xED and s[i + 1] > 0x9F)):
                bad[0] = i
                return -1
            c = ((b & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F)
            i += 3
        elif b < 0xF5:
            # Second byte: 0x90-0xBF after 0xF0 (no overlong), 0x80-0x8F after 0xF4 (<= U+10FFFF).
            if (i + 3 >= n or not _cont(s[i + 1]) or not _cont(s[i + 2]) or not _cont(s[i + 3])
                    or (b == 0xF0 and s[i + 1] < 0x90) or (b == 0xF4 and s[i + 1] > 0x8F)):
                bad[0] = i
                return -1
            c = (((b & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6)
                 | (s[i + 3] & 0x3F))
            i += 4
        else:
            bad[0] = i
            return -1
        if kind == 1:
            d1[m] = <uint8_t>c
        elif kind == 2:
            d2[m] = <uint16_t>c
        else:
            d4[m] = c
        m += 1
    return m


cdef inline int64_t _offset(const uint8_t* table, int width, Py_ssize_t k) noexcept nogil:
    cdef int32_t v32
    cdef int64_t v64
    if width == 4:
        memcpy(&v32, table + 4 * k, 4)
        return v32
    memcpy(&v64, table + 8 * k, 8)
    return v64


cdef const uint8_t* _bytes(object buffer, Py_ssize_t* size, list keep) except? NULL:
    # A read-only byte view of an Arrow buffer (or None: empty), kept alive in ``keep``.
    cdef const uint8_t[::1] view
    size[0] = 0
    if buffer is None:
        return NULL
    view = memoryview(buffer).cast("B")
    keep.append(view)
    size[0] = view.shape[0]
    return &view[0] if view.shape[0] else NULL


def count_utf8(data, offsets, int offset_bytes, validity, Py_ssize_t array_offset, Py_ssize_t start,
               Py_ssize_t stop, Py_ssize_t base, tuple options not None, segments, units, remaining,
               encoding, /):
    """Count elements ``start:stop`` of an Arrow string array: see ``_batch_py.count_utf8``."""
    cdef Options o
    cdef Out out
    cdef list keep = []
    cdef Py_ssize_t data_size, offsets_size, bits_size, j, k, n, m, need
    cdef Py_ssize_t bad = -1, bad_at = 0, bad_lo = 0, bad_hi = 0
    cdef int error = 0  # 1: offsets outside the data, 2: invalid UTF-8, 3: no memory
    cdef int64_t lo, hi
    cdef int kind
    cdef const uint8_t* raw
    cdef const uint8_t* table
    cdef const uint8_t* bits
    cdef const uint8_t* p
    cdef void* scratch = NULL
    cdef void* grown
    cdef Py_ssize_t capacity = 0
    _options(options, &o)
    if offset_bytes != 4 and offset_bytes != 8:
        raise ValueError(f"offset_bytes must be 4 or 8, got {offset_bytes}")
    # base < 0 would write before the output arrays: the public layer never passes one,
    # but this is memory code, so it refuses it too.
    if array_offset < 0 or base < 0 or not 0 <= start <= stop:
        raise ValueError(f"range {start}..{stop} at offset {array_offset}, base {base} is not valid")
    cdef int32_t[::1] seg_v = segments
    cdef int32_t[::1] units_v = units
    cdef int32_t[::1] rem_v = remaining
    cdef uint8_t[::1] enc_v = encoding
    out.segments = _int32(seg_v, base + stop)
    out.units = _int32(units_v, base + stop)
    out.remaining = _int32(rem_v, base + stop)
    out.encoding = _uint8(enc_v, base + stop)
    if start == stop:
        return
    raw = _bytes(data, &data_size, keep)
    table = _bytes(offsets, &offsets_size, keep)
    bits = _bytes(validity, &bits_size, keep)
    need = (array_offset + stop + 1) * offset_bytes
    if offsets_size < need:
        raise _spec._buffer_error("offsets", offsets_size, need)
    if validity is not None and bits_size * 8 < array_offset + stop:
        raise _spec._buffer_error("validity", bits_size, (array_offset + stop + 7) // 8)
    if validity is None:
        bits = NULL
    with nogil:
        for j in range(start, stop):
            k = array_offset + j
            if bits != NULL and not (bits[k >> 3] >> (k & 7)) & 1:
                _store(&out, base + j, 0, 0, 0, 0)
                continue
            lo = _offset(table, offset_bytes, k)
            hi = _offset(table, offset_bytes, k + 1)
            if lo < 0 or hi < lo or hi > data_size:
                error, bad, bad_lo, bad_hi = 1, j, <Py_ssize_t>lo, <Py_ssize_t>hi
                break
            n = <Py_ssize_t>(hi - lo)
            p = raw + lo if n else <const uint8_t*>""
            if _ascii(p, n):
                _count_one(1, p, n, &o, &out, base + j)
                continue
            kind = _width(p, n)
            if n * kind > capacity:
                grown = realloc(scratch, n * 4)
                if grown == NULL:
                    error = 3
                    break
                scratch = grown
                capacity = n * 4
            m = _decode(p, n, kind, scratch, &bad_at)
            if m < 0:
                error, bad = 2, j
                break
            _count_one(kind, scratch, m, &o, &out, base + j)
    free(scratch)
    if error == 1:
        raise _spec._offsets_error(base + bad, bad_lo, bad_hi, data_size)
    if error == 2:
        lo = _offset(table, offset_bytes, array_offset + bad)
        raise _spec.utf8_error(base + bad, bad_at, raw[lo + bad_at])
    if error == 3:
        raise MemoryError()


# The pure twin's helpers, the same objects: both twins name errors identically.
check_element = _spec.check_element
check_options = _spec.check_options
ucs4_error = _spec.ucs4_error
ucs4_text = _spec.ucs4_text
utf8_error = _spec.utf8_error
