# Arrow string arrays for smscodec._batch_c (included there, compiled into that module):
# reading the offsets, validity and data buffers in place.  Under the default tables a
# message is validated and counted where it lies, in one SIMD pass (_scan.h,
# sms_tally_utf8); only national tables and smart encoding of a message that is not
# GSM-7 as it stands decode it, with full UTF-8 validation (RFC 3629 §4), into a scratch
# buffer of the narrowest width its lead bytes allow.

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


cdef Py_ssize_t _decode(const uint8_t* s, Py_ssize_t n, int kind, void* dest, Py_ssize_t* bad) noexcept nogil:
    # Decode UTF-8 into ``kind``-byte code points; return how many, or -1 with *bad the
    # offset of the lead byte of the first ill-formed sequence (what Python's decoder
    # reports as the error start).  Well-formed sequences: sms_utf8_seq (RFC 3629 §4, the
    # Unicode Standard, Table 3-7): no overlongs, no surrogates, nothing above U+10FFFF.
    cdef Py_ssize_t i = 0, m = 0
    cdef uint32_t c
    cdef int length
    cdef uint8_t* d1 = <uint8_t*>dest
    cdef uint16_t* d2 = <uint16_t*>dest
    cdef uint32_t* d4 = <uint32_t*>dest
    while i < n:
        length = sms_utf8_seq(s + i, n - i, &c)
        if length == 0:
            bad[0] = i
            return -1
        i += length
        if kind == 1:
            d1[m] = <uint8_t>c
        elif kind == 2:
            d2[m] = <uint16_t>c
        else:
            d4[m] = c
        m += 1
    return m


cdef int _utf8_decoded(const uint8_t* p, Py_ssize_t n, const Options* o, Out* out, Py_ssize_t i,
                       Buffer* buf, void** scratch, Py_ssize_t* capacity, Py_ssize_t* bad_at,
                       Result* written) noexcept nogil:
    # The slow path: decode into *scratch (grown on demand, freed by the caller) and count
    # the code points, or (``written`` not NULL: default tables, smart encoding, a message
    # that is not GSM-7 as it stands, *written its result as written) only decide what
    # smart encoding sends.  0 done, 2 not UTF-8 (*bad_at), 3 no memory.
    cdef int kind
    cdef Py_ssize_t m
    cdef void* grown
    cdef const void* data
    cdef Result r
    if sms_is_ascii(p, n):
        kind = 1
        m = n
        data = <const void*>p
    else:
        kind = _width(p, n)
        if n * kind > capacity[0]:
            grown = realloc(scratch[0], n * 4)
            if grown == NULL:
                return 3
            scratch[0] = grown
            capacity[0] = n * 4
        m = _decode(p, n, kind, scratch[0], bad_at)
        if m < 0:
            return 2
        data = scratch[0]
    if written == NULL:
        _count_one(kind, data, m, o, out, i, buf)
        return 0
    r = written[0]
    if o.table == NULL or _smart(kind, data, m, o, buf, &r) or r.status != 0:
        _store(out, i, _FLAGGED, 0, 0, 0)
    else:
        _store(out, i, r.encoding, r.parts, r.units, r.remaining)
    return 0


cdef inline int _utf8_count(const uint8_t* p, Py_ssize_t n, Py_ssize_t room, const Options* o, Out* out,
                            Py_ssize_t i, Buffer* buf, void** scratch, Py_ssize_t* capacity,
                            Py_ssize_t* bad_at) noexcept nogil:
    # Count one UTF-8 message of ``n`` bytes at ``p`` (p[0:room] readable, room >= n) into
    # ``out[i]``.  0: done; 2: not UTF-8 (*bad_at: the offset of the bad sequence's lead);
    # 3: no memory.
    cdef sms_tally t
    if not o.fast:
        if o.basic_first:
            memset(&t, 0, sizeof(sms_tally))  # (sms_tally_utf8 fills it only when well-formed)
            if sms_tally_utf8(p, n, room, 1, &t) != 0:
                bad_at[0] = sms_utf8_error(p, n)
                return 2
            if _basic_first(&t, o, out, i):
                return 0
        return _utf8_decoded(p, n, o, out, i, buf, scratch, capacity, bad_at, NULL)
    if sms_tally_utf8(p, n, room, o.want_gsm, &t) != 0:
        bad_at[0] = sms_utf8_error(p, n)
        return 2
    return _utf8_tallied(p, n, room, &t, o, out, i, buf, scratch, capacity, bad_at)


cdef inline int _utf8_tallied(const uint8_t* p, Py_ssize_t n, Py_ssize_t room, const sms_tally* t,
                              const Options* o, Out* out, Py_ssize_t i, Buffer* buf, void** scratch,
                              Py_ssize_t* capacity, Py_ssize_t* bad_at) noexcept nogil:
    # Store the result of a well-formed message from its tally (default tables).
    cdef Result r
    if _decide(t, o, &r):
        # Several parts holding two-unit items: where they fall decides (the rare case).
        r.parts = sms_utf8_parts(p, n, room, r.encoding, r.per_segment, &r.remaining)
    if o.smart and not t.gsm:
        return _utf8_decoded(p, n, o, out, i, buf, scratch, capacity, bad_at, &r)
    if r.status != 0:
        _store(out, i, _FLAGGED, 0, 0, 0)
    else:
        _store(out, i, r.encoding, r.parts, r.units, r.remaining)
    return 0


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
    cdef Py_ssize_t data_size, offsets_size, bits_size, j, k, n, need
    cdef Py_ssize_t bad = -1, bad_at = 0, bad_lo = 0, bad_hi = 0
    cdef int error = 0  # 1: offsets outside the data, 2: invalid UTF-8, 3: no memory
    cdef int64_t lo, hi
    cdef const uint8_t* raw
    cdef const uint8_t* ends
    cdef const uint8_t* bits
    cdef const uint8_t* p
    cdef void* scratch = NULL
    cdef Py_ssize_t capacity = 0, m, q
    cdef int64_t bounds[SMS_GROUP_MESSAGES + 1]
    cdef sms_tally tallies[SMS_GROUP_MESSAGES]
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
        j = start
        while j < stop and not error:
            # A group: the messages from j on whose bytes span at most SMS_GROUP_BYTES (each
            # range checked against the data buffer), counted in one pass when they are
            # well-formed (sms_utf8_group), else one by one below.
            m = 0
            bounds[0] = _offset(ends, offset_bytes, array_offset + j)
            while o.fast and j + m < stop and m < SMS_GROUP_MESSAGES:
                lo = bounds[m]
                hi = _offset(ends, offset_bytes, array_offset + j + m + 1)
                if lo < 0 or hi < lo or hi > data_size or hi - bounds[0] > SMS_GROUP_BYTES:
                    break
                m += 1
                bounds[m] = hi
            if m >= 2 and raw != NULL and sms_utf8_group(raw, data_size, bounds, m, tallies) == 0:
                for q in range(m):
                    k = array_offset + j + q
                    if bits != NULL and not (bits[k >> 3] >> (k & 7)) & 1:
                        _store(&out, base + j + q, 0, 0, 0, 0)
                        continue
                    lo = bounds[q]
                    n = <Py_ssize_t>(bounds[q + 1] - lo)
                    error = _utf8_tallied(raw + lo, n, data_size - lo, &tallies[q], &o, &out, base + j + q,
                                          &buf, &scratch, &capacity, &bad_at)
                    if error:
                        bad = j + q  # no memory for a smart rewrite: nothing else fails here
                        break
                j += m
                continue
            # One by one: national tables, a long message, a bad range or bad UTF-8 (the
            # first one, by index, raises), or a level without the group pass.
            if m < 1:
                m = 1
            for q in range(m):
                k = array_offset + j
                lo = _offset(ends, offset_bytes, k)
                hi = _offset(ends, offset_bytes, k + 1)
                if bits != NULL and not (bits[k >> 3] >> (k & 7)) & 1:
                    _store(&out, base + j, 0, 0, 0, 0)
                elif lo < 0 or hi < lo or hi > data_size:
                    error, bad, bad_lo, bad_hi = 1, j, <Py_ssize_t>lo, <Py_ssize_t>hi
                    break
                else:
                    n = <Py_ssize_t>(hi - lo)
                    p = raw + lo if n else <const uint8_t*>""
                    # Everything from p to the end of the data buffer may be read (a tail step).
                    error = _utf8_count(p, n, data_size - lo if n else 0, &o, &out, base + j, &buf,
                                        &scratch, &capacity, &bad_at)
                    if error:
                        bad = j
                        break
                j += 1
    free(scratch)
    free(buf.data)
    if error == 1:
        raise _twin.offsets_error(base + bad, bad_lo, bad_hi, data_size)
    if error == 2:
        lo = _offset(ends, offset_bytes, array_offset + bad)
        raise _twin.utf8_error(base + bad, bad_at, raw[lo + bad_at])
    if error == 3:
        raise MemoryError()
