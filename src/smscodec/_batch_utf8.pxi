# Arrow string arrays for smscodec._batch_c (included there, compiled into that module):
# reading the offsets, validity and data buffers in place, ASCII messages as 1-byte
# storage, any other one decoded with full UTF-8 validation (RFC 3629 §4).

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
               encoding, table=None, /):
    """Count elements ``start:stop`` of an Arrow string array: see ``_batch_py.count_utf8``."""
    cdef Options o
    cdef Out out
    cdef Buffer buf
    cdef list keep = []
    cdef Py_ssize_t data_size, offsets_size, bits_size, j, k, n, m, need
    cdef Py_ssize_t bad = -1, bad_at = 0, bad_lo = 0, bad_hi = 0
    cdef int error = 0  # 1: offsets outside the data, 2: invalid UTF-8, 3: no memory
    cdef int64_t lo, hi
    cdef int kind
    cdef const uint8_t* raw
    cdef const uint8_t* ends
    cdef const uint8_t* bits
    cdef const uint8_t* p
    cdef void* scratch = NULL
    cdef void* grown
    cdef Py_ssize_t capacity = 0
    _options(options, table, &o)
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
    ends = _bytes(offsets, &offsets_size, keep)
    bits = _bytes(validity, &bits_size, keep)
    need = (array_offset + stop + 1) * offset_bytes
    if offsets_size < need:
        raise _twin.buffer_error("offsets", offsets_size, need)
    if validity is not None and bits_size * 8 < array_offset + stop:
        raise _twin.buffer_error("validity", bits_size, (array_offset + stop + 7) // 8)
    if validity is None:
        bits = NULL
    buf.data = NULL
    buf.size = 0
    with nogil:
        for j in range(start, stop):
            k = array_offset + j
            if bits != NULL and not (bits[k >> 3] >> (k & 7)) & 1:
                _store(&out, base + j, 0, 0, 0, 0)
                continue
            lo = _offset(ends, offset_bytes, k)
            hi = _offset(ends, offset_bytes, k + 1)
            if lo < 0 or hi < lo or hi > data_size:
                error, bad, bad_lo, bad_hi = 1, j, <Py_ssize_t>lo, <Py_ssize_t>hi
                break
            n = <Py_ssize_t>(hi - lo)
            p = raw + lo if n else <const uint8_t*>""
            if sms_is_ascii(p, n):
                _count_one(1, p, n, &o, &out, base + j, &buf)
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
            _count_one(kind, scratch, m, &o, &out, base + j, &buf)
    free(scratch)
    free(buf.data)
    if error == 1:
        raise _twin.offsets_error(base + bad, bad_lo, bad_hi, data_size)
    if error == 2:
        lo = _offset(ends, offset_bytes, array_offset + bad)
        raise _twin.utf8_error(base + bad, bad_at, raw[lo + bad_at])
    if error == 3:
        raise MemoryError()
