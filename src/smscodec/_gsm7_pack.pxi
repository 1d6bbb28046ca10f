# GSM 7-bit packing (TS 23.038 §6.1.2.1.1) after 0-6 fill bits (TS 23.040 §9.2.3.24):
# smscodec._gsm7_c's pack_septets and unpack_septets (included there, compiled into that
# module).

def pack_septets(bytes septets not None, int fill_bits, /):
    """Pack septets (TS 23.038 §6.1.2.1.1) after ``fill_bits`` zero bits, in ceil((fill + 7n) / 8) octets."""
    if not 0 <= fill_bits <= 6:
        raise _fill_bits_error(fill_bits)
    cdef const uint8_t* s = <const uint8_t*>PyBytes_AS_STRING(septets)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(septets)
    # The fill bits count even with no septet after them (a header-only message still
    # sends the octet that completes its header's last septet, TS 23.040 §9.2.3.24).
    cdef Py_ssize_t size = (fill_bits + 7 * n + 7) // 8
    if size == 0:
        # b"" is a shared object: never write into it.
        return b""
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


def unpack_septets(bytes data not None, object wanted, int fill_bits, /):
    """Unpack ``count`` septets (-1: every whole one) after ``fill_bits`` bits of ``data``."""
    if not 0 <= fill_bits <= 6:
        raise _fill_bits_error(fill_bits)
    cdef const uint8_t* s = <const uint8_t*>PyBytes_AS_STRING(data)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef Py_ssize_t available = (8 * n - fill_bits) // 7 if 8 * n > fill_bits else 0
    cdef Py_ssize_t k, o, count
    cdef uint32_t acc
    cdef int bits
    # ``wanted`` stays a Python int until it is known to fit: a count past Py_ssize_t (or
    # one whose 7 * count would overflow) is just more septets than the data holds.
    if wanted < 0:
        count = available
    elif wanted > available:
        count = -1
        need = (fill_bits + 7 * wanted + 7) // 8
        raise DecodeError(
            f"{wanted} septets after {fill_bits} fill bits need {need} octets, but the data has "
            f"{n}; expected at most {available} septets",
            position=n,
        )
    else:
        count = wanted
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
