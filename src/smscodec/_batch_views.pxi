# Arrow string view arrays (format "vu") for smscodec._batch_c (included there, after
# _batch_utf8.pxi, compiled into that module): the views and the variadic data buffers
# are read in place, each message then counted as count_utf8 counts one (_utf8_one).
#
# A view is 16 bytes, native byte order (Arrow columnar format 1.4, "Variable-size binary
# view layout"): bytes 0-3 the length (int32); a length of at most 12 is followed by the
# bytes themselves (bytes 4-15); a longer one by a 4-byte prefix, the index of its data
# buffer (int32, bytes 8-11) and its offset there (int32, bytes 12-15).

cdef enum:
    _VIEW_BYTES = 16
    _VIEW_INLINE = 12


cdef struct Utf8Scratch:
    # A decoded message (see _utf8_one), grown on demand; freed by the caller.
    void* data
    Py_ssize_t capacity   # bytes


cdef const uint8_t* _view_bytes(object buffer, Py_ssize_t* size, list keep) except? NULL:
    # A read-only byte view of a buffer (or None: empty), kept alive in ``keep``.
    cdef const uint8_t[::1] view
    size[0] = 0
    if buffer is None:
        return NULL
    view = memoryview(buffer).cast("B")
    keep.append(view)
    size[0] = view.shape[0]
    return &view[0] if view.shape[0] else NULL


cdef inline int _utf8_one(const uint8_t* p, Py_ssize_t n, const Options* o, Out* out, Py_ssize_t i,
                          Buffer* buf, Utf8Scratch* scratch, Py_ssize_t* bad_at) noexcept nogil:
    # Count one UTF-8 message of ``n`` bytes at ``p`` into ``out[i]``, as count_utf8 does
    # (_utf8_count of _batch_utf8.pxi: in place under the default tables, else decoded
    # into ``scratch``).  0: done; 2: not UTF-8 (*bad_at: the byte offset of the bad
    # sequence); 3: no memory.  Only the message's own bytes are read (room = n).
    return _utf8_count(p, n, n, o, out, i, buf, &scratch.data, &scratch.capacity, bad_at)


def count_views(views, tuple buffers not None, validity, Py_ssize_t array_offset, Py_ssize_t start,
                Py_ssize_t stop, Py_ssize_t base, tuple options not None, segments, units, remaining,
                encoding, table=None, /):
    """Count elements ``start:stop`` of an Arrow string view array: see ``_batch_py.count_views``."""
    cdef Options o
    cdef Out out
    cdef Buffer buf
    cdef Utf8Scratch scratch
    cdef list keep = []
    cdef Py_ssize_t views_size, bits_size, j, k, b, need, nbuf
    cdef Py_ssize_t bad = -1, bad_at = 0
    cdef int error = 0  # 1: a view outside its buffer, 2: invalid UTF-8, 3: no memory
    cdef int32_t length, index, where
    cdef uint8_t bad_byte = 0
    cdef const uint8_t* raw
    cdef const uint8_t* bits
    cdef const uint8_t* v
    cdef const uint8_t* p
    cdef const uint8_t** datas = NULL
    cdef Py_ssize_t* sizes = NULL
    _options(options, table, &o)
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
    raw = _view_bytes(views, &views_size, keep)
    bits = _view_bytes(validity, &bits_size, keep)
    need = (array_offset + stop) * _VIEW_BYTES
    if views_size < need:
        raise _twin.buffer_error("views", views_size, need)
    if validity is not None and bits_size * 8 < array_offset + stop:
        raise _twin.buffer_error("validity", bits_size, (array_offset + stop + 7) // 8)
    if validity is None:
        bits = NULL
    nbuf = len(buffers)
    datas = <const uint8_t**>malloc((nbuf + 1) * sizeof(uint8_t*))
    sizes = <Py_ssize_t*>malloc((nbuf + 1) * sizeof(Py_ssize_t))
    if datas == NULL or sizes == NULL:
        free(datas)
        free(sizes)
        raise MemoryError()
    buf.data = NULL
    buf.size = 0
    scratch.data = NULL
    scratch.capacity = 0
    try:
        for b in range(nbuf):
            datas[b] = _view_bytes(buffers[b], &sizes[b], keep)
        with nogil:
            for j in range(start, stop):
                k = array_offset + j
                if bits != NULL and not (bits[k >> 3] >> (k & 7)) & 1:
                    _store(&out, base + j, 0, 0, 0, 0)
                    continue
                v = raw + k * _VIEW_BYTES
                memcpy(&length, v, 4)
                if 0 <= length <= _VIEW_INLINE:
                    p = v + 4
                else:
                    memcpy(&index, v + 8, 4)
                    memcpy(&where, v + 12, 4)
                    # Every bound checked before the pointer is formed (int64: no overflow).
                    if (length < 0 or index < 0 or index >= nbuf or where < 0
                            or <int64_t>where + length > sizes[index]):
                        error, bad = 1, j
                        break
                    p = datas[index] + where
                error = _utf8_one(p, length, &o, &out, base + j, &buf, &scratch, &bad_at)
                if error:
                    if error == 2:
                        bad, bad_byte = j, p[bad_at]
                    break
    finally:
        free(datas)
        free(sizes)
        free(scratch.data)
        free(buf.data)
    if error == 1:
        length, index, where, _ = _twin.view_bytes(views, (), array_offset + bad)
        size = len(memoryview(buffers[index]).cast("B")) if 0 <= index < nbuf else 0
        raise _twin.view_error(base + bad, length, index, where, nbuf, size)
    if error == 2:
        raise _twin.utf8_error(base + bad, bad_at, bad_byte)
    if error == 3:
        raise MemoryError()
