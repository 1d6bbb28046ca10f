# Splitting and encoding, for smscodec._segments_c (included there, compiled into that
# module): the greedy split points of a text and its unpacked septets with the chosen
# pair of tables (TS 23.038 §6.2.1).

def split(str text not None, int ucs2, int locking, int single, Py_ssize_t cap, /) -> list:
    """Greedy split points of ``text`` for parts of ``cap`` units: see ``_segments_py.split``."""
    cdef int kind = 1
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0, i, fill = 0, cost
    cdef uint32_t c
    cdef int k
    cdef uint64_t ones = _lock_classes[locking]
    cdef uint64_t usable = ones | _single_classes[single]
    if cap < 2:
        raise ValueError(f"parts of {cap} units cannot hold an escape or surrogate pair")
    _view(text, &kind, &data, &length)
    ends = []
    for i in range(length):
        c = _read(kind, data, i)
        if ucs2:
            if 0xD800 <= c <= 0xDFFF:
                raise _twin.lone_surrogate_error(text)
            cost = 2 if c > 0xFFFF else 1
        else:
            k = _class(c)
            if not (usable >> k) & 1:
                raise _twin.unencodable_error(text, (<uint64_t>1) << locking, (<uint64_t>1) << single)
            cost = 1 if (ones >> k) & 1 else 2
        if fill + cost > cap:
            ends.append((i, fill))
            fill = 0
        fill += cost
    ends.append((length, fill))
    return ends


def encode_septets(str text not None, int locking, int single, /) -> bytes:
    """Unpacked septets of ``text`` with the given tables: see ``_segments_py.encode_septets``."""
    cdef int kind = 1
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0, i, n = 0
    cdef uint32_t c
    cdef uint8_t code, slot
    _view(text, &kind, &data, &length)
    cdef uint8_t* buf = <uint8_t*>malloc(2 * length + 1)
    if buf == NULL:
        raise MemoryError()
    try:
        for i in range(length):
            c = _read(kind, data, i)
            code = _NO_CODE
            if c <= 0xFFFF:
                slot = _page_of[c >> 8]
                code = _lock_code[locking][slot][c & 0xFF]
                if code == _NO_CODE:
                    code = _single_code[single][slot][c & 0xFF]
                    if code != _NO_CODE:
                        buf[n] = ESCAPE
                        n += 1
            if code == _NO_CODE:
                raise _twin.unencodable_error(text, (<uint64_t>1) << locking, (<uint64_t>1) << single)
            buf[n] = code
            n += 1
        return PyBytes_FromStringAndSize(<char*>buf, n)
    finally:
        free(buf)
