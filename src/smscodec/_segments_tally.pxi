# Counting, for smscodec._segments_c (included there, compiled into that module): the
# default-table tally (one 64-bit word of five 12-bit fields per character, 32 plain
# characters at a time in 1-byte strings) and the class histogram that scoring reads.

cdef inline void _unpack(uint64_t acc, Tally* out) noexcept nogil:
    out.septets += acc & _FIELD_MASK
    out.escapes += (acc >> _FIELD) & _FIELD_MASK
    out.bad += (acc >> (2 * _FIELD)) & _FIELD_MASK
    out.astral += (acc >> (3 * _FIELD)) & _FIELD_MASK
    out.surrogates += (acc >> (4 * _FIELD)) & _FIELD_MASK


cdef inline uint64_t _word8(const uint8_t* p) noexcept nogil:
    return (_word1[p[0]] + _word1[p[1]] + _word1[p[2]] + _word1[p[3]]
            + _word1[p[4]] + _word1[p[5]] + _word1[p[6]] + _word1[p[7]])


cdef void _tally1(const uint8_t* p, Py_ssize_t length, Tally* out) noexcept nogil:
    # 1-byte strings: 32 characters at a time.  A block of plain characters (_scan.h: one
    # septet each, no escape; the bulk of most messages) adds 32 septets; any other block
    # is summed from the table in two independent accumulators.
    cdef Py_ssize_t start = 0, stop, i, plain = 0
    cdef uint64_t acc, acc1
    while start < length:
        stop = start + _CHUNK if length - start > _CHUNK else length
        acc = acc1 = 0
        i = start
        while i + 32 <= stop:
            if not sms_plain_u8x32(p + i):
                acc += _word8(p + i) + _word8(p + i + 16)
                acc1 += _word8(p + i + 8) + _word8(p + i + 24)
            else:
                plain += 32
            i += 32
        while i + 8 <= stop:
            acc += _word8(p + i)
            i += 8
        while i < stop:
            acc1 += _word1[p[i]]
            i += 1
        _unpack(acc + acc1, out)
        start = stop
    out.septets += plain


cdef bint _tally2(const uint16_t* p, Py_ssize_t length, Tally* out, bint stop_at_bad) noexcept nogil:
    # 2-byte strings, in blocks of _BLOCK2 characters.  With ``stop_at_bad`` it stops after
    # the block holding the first character outside the default tables and returns True
    # (the tally is then partial: enough to know the text goes as UCS-2).
    cdef Py_ssize_t start = 0, stop, i
    cdef uint64_t a0, a1
    while start < length:
        stop = start + _BLOCK2 if length - start > _BLOCK2 else length
        a0 = a1 = 0
        i = start
        while i + 2 <= stop:
            a0 += _word_class[_class2[p[i]]]
            a1 += _word_class[_class2[p[i + 1]]]
            i += 2
        if i < stop:
            a0 += _word_class[_class2[p[i]]]
        a0 += a1
        _unpack(a0, out)
        if stop_at_bad and out.bad:
            return True
        start = stop
    return False


cdef void tally_default(int kind, const void* data, Py_ssize_t length, Tally* out) noexcept nogil:
    cdef Py_ssize_t start = 0, stop, i
    cdef uint64_t acc
    cdef const uint32_t* p4 = <const uint32_t*>data
    memset(out, 0, sizeof(Tally))
    if kind == 1:
        _tally1(<const uint8_t*>data, length, out)
        return
    if kind == 2:
        _tally2(<const uint16_t*>data, length, out, False)
        return
    while start < length:
        stop = start + _CHUNK if length - start > _CHUNK else length
        acc = 0
        for i in range(start, stop):
            acc += _word_class[_class(p4[i])]
        _unpack(acc, out)
        start = stop


cdef inline void _sub_hist1(
    const uint8_t* p, Py_ssize_t i, Py_ssize_t stop, uint8_t (*sub)[MAX_CLASSES]
) noexcept nogil:
    cdef const uint8_t* page = _class2  # U+0000-U+00FF: the first 256 cells
    while i + 4 <= stop:
        sub[0][page[p[i]]] += 1
        sub[1][page[p[i + 1]]] += 1
        sub[2][page[p[i + 2]]] += 1
        sub[3][page[p[i + 3]]] += 1
        i += 4
    # The tail goes to three different counters: none passes ceil(chunk / 4).
    if i < stop:
        sub[0][page[p[i]]] += 1
    if i + 1 < stop:
        sub[1][page[p[i + 1]]] += 1
    if i + 2 < stop:
        sub[2][page[p[i + 2]]] += 1


cdef inline void _sub_hist2(
    const uint16_t* p, Py_ssize_t i, Py_ssize_t stop, uint8_t (*sub)[MAX_CLASSES]
) noexcept nogil:
    # A 2-byte string holds no code point above U+FFFF: the flat table alone classifies.
    while i + 4 <= stop:
        sub[0][_class2[p[i]]] += 1
        sub[1][_class2[p[i + 1]]] += 1
        sub[2][_class2[p[i + 2]]] += 1
        sub[3][_class2[p[i + 3]]] += 1
        i += 4
    if i < stop:
        sub[0][_class2[p[i]]] += 1
    if i + 1 < stop:
        sub[1][_class2[p[i + 1]]] += 1
    if i + 2 < stop:
        sub[2][_class2[p[i + 2]]] += 1


cdef inline void _sub_hist4(
    const uint32_t* p, Py_ssize_t i, Py_ssize_t stop, uint8_t (*sub)[MAX_CLASSES]
) noexcept nogil:
    while i + 4 <= stop:
        sub[0][_class(p[i])] += 1
        sub[1][_class(p[i + 1])] += 1
        sub[2][_class(p[i + 2])] += 1
        sub[3][_class(p[i + 3])] += 1
        i += 4
    if i < stop:
        sub[0][_class(p[i])] += 1
    if i + 1 < stop:
        sub[1][_class(p[i + 1])] += 1
    if i + 2 < stop:
        sub[2][_class(p[i + 2])] += 1


cdef void tally_classes(int kind, const void* data, Py_ssize_t length, Py_ssize_t* hist) noexcept nogil:
    # hist: MAX_CLASSES counters, zeroed here.  Most characters of a text share a class, so
    # one counter would serialise every increment on its previous store (a store-to-load
    # round trip each); _SUBS interleaved 8-bit sub-histograms (flushed every _CLASS_CHUNK
    # characters, so that none passes 255) let consecutive increments proceed in
    # parallel, and are cheap to clear and to add up.
    cdef uint8_t sub[_SUBS][MAX_CLASSES]
    cdef Py_ssize_t start = 0, stop
    cdef int k
    memset(hist, 0, MAX_CLASSES * sizeof(Py_ssize_t))
    while start < length:
        stop = start + _CLASS_CHUNK if length - start > _CLASS_CHUNK else length
        memset(sub, 0, sizeof(sub))
        if kind == 1:
            _sub_hist1(<const uint8_t*>data, start, stop, sub)
        elif kind == 2:
            _sub_hist2(<const uint16_t*>data, start, stop, sub)
        else:
            _sub_hist4(<const uint32_t*>data, start, stop, sub)
        for k in range(MAX_CLASSES):
            hist[k] += <Py_ssize_t>sub[0][k] + sub[1][k] + sub[2][k] + sub[3][k]
        start = stop
