# cython: language_level=3, embedsignature=True, embedsignature.format=clinic, binding=False
# cython: freethreading_compatible=True, cdivision=True, boundscheck=False, wraparound=False
"""Blocking characters of many messages: the compiled twin of ``_blockers_py``.

Same function, results and errors as the pure twin, whose docstring says what a blocker
is.  One pass over the octets of each message read, without the GIL:

* eight ASCII octets at a time are passed over when none is a control character or DEL
  and none is the one printable ASCII blocker there may be (of 0x20-0x7E the default
  alphabet and its extension table lack only the grave accent, TS 23.038 §6.2.1);
  otherwise octet by octet through a 128-entry copy of ``ids``;
* any other sequence is decoded (``sms_utf8_seq``, RFC 3629 §3, plus the three-octet
  form of a lone surrogate, as ``"surrogatepass"`` has it) and looked up in ``ids``;
* a blocker already met in the message is known by a bit per code point (136 KiB for
  the call), cleared after the message through the pairs it gave: a table of one stamp
  per code point would be 4-9 MB, which the kernel zeroes a huge page at a time on first
  touch (a quarter of the time, measured).

Every length is checked before a pointer moves (every end against the previous one and
the data, then each sequence against its message's end).  The result arrays grow by
doubling and are copied into ``array.array`` objects at the end.
"""

from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, realloc
from libc.string cimport memcpy

from cpython cimport array

from ._scan cimport sms_any_above, sms_any_below, sms_any_equal, sms_utf8_seq

from . import _blockers_py as _twin

__all__ = ["UNICODE_SIZE", "blocker_pairs"]

UNICODE_SIZE = _twin.UNICODE_SIZE

cdef array.array _POSITIONS = array.array("q")
cdef array.array _CPS = array.array("I")


cdef struct Pairs:
    int64_t* positions
    uint32_t* cps
    Py_ssize_t size
    Py_ssize_t room


cdef int _push(Pairs* out, int64_t q, uint32_t cp) noexcept nogil:
    """Append one pair; -1 when memory runs out."""
    cdef Py_ssize_t room
    cdef int64_t* positions
    cdef uint32_t* cps
    if out.size == out.room:
        room = out.room * 2 if out.room else 1024
        positions = <int64_t*>realloc(out.positions, room * sizeof(int64_t))
        if positions == NULL:
            return -1
        out.positions = positions
        cps = <uint32_t*>realloc(out.cps, room * sizeof(uint32_t))
        if cps == NULL:
            return -1
        out.cps = cps
        out.room = room
    out.positions[out.size] = q
    out.cps[out.size] = cp
    out.size += 1
    return 0


cdef inline int _sequence(const uint8_t* p, Py_ssize_t n, uint32_t* cp) noexcept nogil:
    """``sms_utf8_seq``, and also the three-octet form of a lone surrogate (ED A0-BF 80-BF)."""
    cdef int size = sms_utf8_seq(p, n, cp)
    if size == 0 and p[0] == 0xED and n >= 3 and 0xA0 <= p[1] <= 0xBF and (p[2] & 0xC0) == 0x80:
        cp[0] = 0xD000 | ((<uint32_t>p[1] & 0x3F) << 6) | (<uint32_t>p[2] & 0x3F)
        size = 3
    return size


def blocker_pairs(data, ends, scan, ids, int skip):
    """The distinct (message, blocker) pairs of the messages ``scan`` marks.

    Args:
        data: the messages' UTF-8 octets back to back (any buffer of unsigned bytes).
        ends: where each message ends in ``data`` (int64 buffer).
        scan: one flag per message (uint8 buffer): read it or not.
        ids: one int32 per code point; ``skip`` marks the characters that do not block.
        skip: the value of ``ids`` for a character that does not block.

    Returns:
        ``(positions, cps)``: ``array("q")`` of message numbers and ``array("I")`` of
        code points, one entry per distinct blocker of a message.

    Raises:
        ValueError: the buffers do not fit together.
        DecodeError: a message read is not valid UTF-8.
    """
    cdef const uint8_t[::1] octets = data
    cdef const int64_t[::1] bounds = ends
    cdef const uint8_t[::1] flags = scan
    cdef const int32_t[::1] table = ids
    _twin.check_lengths(bounds.shape[0], flags.shape[0], table.shape[0])
    cdef Py_ssize_t m = bounds.shape[0], size = octets.shape[0]
    cdef Py_ssize_t q, start = 0, end
    for q in range(m):
        end = bounds[q]
        if end < start or end > size:
            raise _twin.ends_error(q, end, start, size)
        start = end
    cdef uint8_t ascii_blocks[128]
    cdef int c, printable = 0, printable_blocker = -1
    for c in range(128):
        ascii_blocks[c] = table[c] != skip
        if ascii_blocks[c] and 0x20 <= c < 0x7F:
            printable += 1
            printable_blocker = c
    # Words of eight ASCII octets are passed over only when at most one octet of
    # 0x20-0x7E blocks (one compare finds it); else every octet is looked up.
    cdef bint skip_words = printable <= 1
    cdef uint8_t* seen = <uint8_t*>calloc(_twin.UNICODE_SIZE >> 3, 1)
    if seen == NULL:
        raise MemoryError()
    cdef Pairs out
    out.positions = NULL
    out.cps = NULL
    out.size = 0
    out.room = 0
    cdef const uint8_t* base = &octets[0] if octets.shape[0] else NULL
    cdef const uint8_t* p
    cdef Py_ssize_t i, n, k, first
    start = 0
    cdef Py_ssize_t bad_message = -1, bad_at = 0
    cdef uint64_t word
    cdef uint32_t cp = 0
    cdef int status = 0, width
    with nogil:
        for q in range(m):
            end = bounds[q]
            if flags[q]:
                p = base + start
                n = end - start
                i = 0
                first = out.size
                while i < n:
                    if skip_words and i + 8 <= n:
                        memcpy(&word, p + i, 8)
                        # No octet below 0x20 nor above 0x7E (DEL, and all of UTF-8's
                        # multi-octet forms), none the printable blocker.
                        if (sms_any_below(word, 0x20) | sms_any_above(word, 0x7E)) == 0 and (
                            printable_blocker < 0 or sms_any_equal(word, <uint64_t>printable_blocker) == 0
                        ):
                            i += 8
                            continue
                    if p[i] < 0x80:
                        cp = p[i]
                        if not ascii_blocks[cp]:
                            i += 1
                            continue
                        width = 1
                    else:
                        width = _sequence(p + i, n - i, &cp)
                        if width == 0:
                            bad_message, bad_at = q, i
                            break
                        if table[cp] == skip:
                            i += width
                            continue
                    if not seen[cp >> 3] & (1 << (cp & 7)):
                        seen[cp >> 3] |= 1 << (cp & 7)
                        if _push(&out, q, cp) < 0:
                            status = -1
                            break
                    i += width
                for k in range(first, out.size):
                    seen[out.cps[k] >> 3] = 0
                if bad_message >= 0 or status < 0:
                    break
            start = end
    free(seen)
    cdef array.array positions, cps
    try:
        if status < 0:
            raise MemoryError()
        if bad_message >= 0:
            start = bounds[bad_message - 1] if bad_message else 0
            raise _twin.utf8_error(bad_message, bad_at, octets[start + bad_at])
        positions = array.clone(_POSITIONS, out.size, False)
        cps = array.clone(_CPS, out.size, False)
        if out.size:
            memcpy(positions.data.as_voidptr, out.positions, out.size * sizeof(int64_t))
            memcpy(cps.data.as_voidptr, out.cps, out.size * sizeof(uint32_t))
    finally:
        free(out.positions)
        free(out.cps)
    return positions, cps
