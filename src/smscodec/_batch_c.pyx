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

With smart encoding, a message that is not GSM-7 as it stands goes through a
``SmartTable``: a two-level lookup (BMP page -> slot, low byte -> entry) built from the
pure twin's checked table, giving each code point "carried" (with its septets under the
default tables), "neither", or the index of its replacement (characters, septets,
escapes, largest code point).  One pass over the message decides what is sent and, in
the common cases, its parts (see the pure twin's docstring); otherwise the replaced
message is written into a per-call scratch buffer and counted by ``count_text``.

Lengths are checked by hand before any pointer arithmetic: ranges against the tuple or
the arrays, offsets against the data buffer, the bitmap against the range; a decoder
reads a continuation byte only after checking it is inside the message.  A smart
table's page slots and entry indexes are bounded by construction (a slot < the slots
allocated, ``c & 0xFF`` < 256, a replacement index < the replacements stored), and the
replaced message is written only after its length was summed and room reserved.
"""

from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
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

cdef extern from *:
    """
    /* A block of a 1-byte (16 characters) or 2-byte (8 characters) string: 1 when every
       character is a "plain" one-septet GSM-7 character that ASCII spells the same way,
       0x20-0x5A, 0x5F or 0x61-0x7A (the segments kernel's own definition, _not_plain).
       Signed compares: 0x80 and up (1 byte), 0x8000 and up (2 bytes) are negative, so
       "< 0x20" catches them.  Without SSE2 no block is plain (the caller looks at each
       character). */
    #if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
    #include <emmintrin.h>
    static CYTHON_INLINE int smsbatch_plain_u8(const uint8_t *p) {
        __m128i x = _mm_loadu_si128((const __m128i *)p);
        __m128i odd = _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
                                   _mm_cmpgt_epi8(x, _mm_set1_epi8(0x7A)));
        __m128i mid = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x5A)),
                                    _mm_cmplt_epi8(x, _mm_set1_epi8(0x61)));
        mid = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x5F)), mid);
        return _mm_movemask_epi8(_mm_or_si128(odd, mid)) == 0;
    }
    static CYTHON_INLINE int smsbatch_plain_u16(const uint16_t *p) {
        __m128i x = _mm_loadu_si128((const __m128i *)p);
        __m128i odd = _mm_or_si128(_mm_cmplt_epi16(x, _mm_set1_epi16(0x20)),
                                   _mm_cmpgt_epi16(x, _mm_set1_epi16(0x7A)));
        __m128i mid = _mm_and_si128(_mm_cmpgt_epi16(x, _mm_set1_epi16(0x5A)),
                                    _mm_cmplt_epi16(x, _mm_set1_epi16(0x61)));
        mid = _mm_andnot_si128(_mm_cmpeq_epi16(x, _mm_set1_epi16(0x5F)), mid);
        return _mm_movemask_epi8(_mm_or_si128(odd, mid)) == 0;
    }
    #else
    static CYTHON_INLINE int smsbatch_plain_u8(const uint8_t *p) { (void)p; return 0; }
    static CYTHON_INLINE int smsbatch_plain_u16(const uint16_t *p) { (void)p; return 0; }
    #endif
    """
    int smsbatch_plain_u8(const uint8_t* p) noexcept nogil
    int smsbatch_plain_u16(const uint16_t* p) noexcept nogil

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
    # TS 23.040 §9.2.3.24: 140 octets of user data per part.
    _USER_DATA_OCTETS = 140
    # Smart table entries below 0 (0 and up: a replacement's index).
    _CARRIED1 = -1   # an enabled table carries it (1 septet under the default tables)
    _CARRIED2 = -2   # carried through the escape under the default tables (2 septets)
    _NEITHER = -3    # neither carried nor replaced: the message goes as written
    # What a smart scan found.
    _AS_WRITTEN = 0
    _REPLACED = 1
    _LEAVE = 2       # left to the public layer (flagged)

ctypedef fused char_t:
    uint8_t
    uint16_t
    uint32_t

# Every byte's high bit: a word with none of them set holds only ASCII.
cdef uint64_t _HIGH_BITS = 0x8080808080808080ULL


cdef struct Repl:
    Py_ssize_t start     # its first character in SmartData.chars
    Py_ssize_t length    # characters
    Py_ssize_t septets   # septets under the default tables (direct tables only)
    Py_ssize_t escapes   # of which extension characters (2 septets each)
    uint32_t top         # its largest code point (0 for an empty replacement)


cdef struct SmartData:
    const uint16_t* page_of   # 256 cells: BMP code point >> 8 -> page slot (0: all _NEITHER)
    const int32_t* entries    # slots x 256: slot << 8 | low byte -> entry
    const Repl* repls
    const uint16_t* chars     # replacement characters, back to back (all BMP: table characters)
    bint astral               # the map has keys above U+FFFF
    bint direct               # only the default tables: entries carry septet costs
    bint plain                # every "plain" ASCII character (smsbatch_plain_*) is _CARRIED1


cdef struct Options:
    Plan plan
    Plan gsm        # the same tables under mode 0: is the text GSM-7 as it stands?
    bint smart
    const SmartData* table   # NULL: flag every message that is not GSM-7 as it stands
    # Units per part with no shift elements (TS 23.040 §9.2.3.24): one part, several parts.
    Py_ssize_t gsm_single
    Py_ssize_t gsm_multi
    Py_ssize_t ucs_single
    Py_ssize_t ucs_multi


cdef struct Buffer:
    # Scratch for a replaced message, grown on demand; freed by the caller.
    void* data
    Py_ssize_t size


cdef struct Scan:
    Py_ssize_t length    # characters of the replaced message
    Py_ssize_t septets   # its septets and escapes (direct tables only)
    Py_ssize_t escapes


cdef class SmartTable:
    """A smart-encoding map prepared for the kernels: see ``_batch_py.SmartTable``."""

    cdef SmartData d
    cdef uint16_t* _page_of
    cdef int32_t* _entries
    cdef Repl* _repls
    cdef uint16_t* _chars
    cdef readonly object locks
    cdef readonly object singles

    def __cinit__(self, table, locks, singles, /):
        # The pure twin checks the arguments (the same errors) and says what is carried.
        spec = _spec.SmartTable(table, locks, singles)
        cdef dict carried = spec._carried
        cdef dict checked = spec._table
        cdef bint direct = locks == 1 and singles == 1
        cdef Py_ssize_t slots = 1, i, k, nrepl = 0, nchars = 0, pos = 0
        cdef Py_ssize_t cp
        cdef int cost
        cdef Repl* r
        self.locks = locks
        self.singles = singles
        self._page_of = <uint16_t*>malloc(256 * sizeof(uint16_t))
        if self._page_of == NULL:
            raise MemoryError()
        memset(self._page_of, 0, 256 * sizeof(uint16_t))
        # Slot 0 is the page of code points no table carries and no key names.
        for ch in carried:
            if ord(ch) > 0xFFFF:
                raise AssertionError("a GSM-7 table character above U+FFFF")
            if self._page_of[ord(ch) >> 8] == 0:
                self._page_of[ord(ch) >> 8] = slots
                slots += 1
        for key, value in checked.items():
            if key <= 0xFFFF:
                if self._page_of[key >> 8] == 0:
                    self._page_of[key >> 8] = slots
                    slots += 1
                nrepl += 1
                nchars += len(value)
        self._entries = <int32_t*>malloc(slots * 256 * sizeof(int32_t))
        self._repls = <Repl*>malloc((nrepl if nrepl else 1) * sizeof(Repl))
        self._chars = <uint16_t*>malloc((nchars if nchars else 1) * sizeof(uint16_t))
        if self._entries == NULL or self._repls == NULL or self._chars == NULL:
            raise MemoryError()
        for i in range(slots * 256):
            self._entries[i] = _NEITHER
        for ch, cost in carried.items():
            cp = ord(ch)
            self._entries[(<Py_ssize_t>self._page_of[cp >> 8] << 8) | (cp & 0xFF)] = (
                _CARRIED2 if direct and cost == 2 else _CARRIED1
            )
        k = 0
        for key, value in checked.items():
            if key > 0xFFFF:
                continue
            r = &self._repls[k]
            r.start = pos
            r.length = len(value)
            r.septets = 0
            r.escapes = 0
            r.top = 0
            for ch in value:
                # Every character of a checked replacement is carried (a BMP character).
                self._chars[pos] = <uint16_t>ord(ch)
                pos += 1
                if <uint32_t>ord(ch) > r.top:
                    r.top = ord(ch)
                if carried[ch] == 2:
                    r.escapes += 1
                    r.septets += 2
                else:
                    r.septets += 1
            self._entries[(<Py_ssize_t>self._page_of[key >> 8] << 8) | (key & 0xFF)] = <int32_t>k
            k += 1
        self.d.page_of = self._page_of
        self.d.entries = self._entries
        self.d.repls = self._repls
        self.d.chars = self._chars
        self.d.astral = spec._astral
        self.d.direct = direct
        # Blocks of plain ASCII may be skipped only when the table says what skipping assumes.
        self.d.plain = all(
            self._entries[(<Py_ssize_t>self._page_of[0] << 8) | c] == _CARRIED1
            for c in (*range(0x20, 0x5B), 0x5F, *range(0x61, 0x7B))
        )

    def __dealloc__(self):
        free(self._page_of)
        free(self._entries)
        free(self._repls)
        free(self._chars)


cdef struct Out:
    int32_t* segments
    int32_t* units      # NULL: not wanted
    int32_t* remaining  # NULL: not wanted
    uint8_t* encoding


cdef inline Py_ssize_t _capacity(Py_ssize_t header, Py_ssize_t extra, bint ucs2) noexcept nogil:
    # TS 23.040 §9.2.3.24: septets = floor((140 - octets) * 8 / 7), UCS-2 units =
    # floor((140 - octets) / 2); a UDHL octet counts when elements go in no caller header
    # (the segments kernel's own rule, _segments_py.capacity).
    cdef Py_ssize_t octets = header if extra == 0 else (header if header else 1) + extra
    cdef Py_ssize_t free_octets = _USER_DATA_OCTETS - octets if octets < _USER_DATA_OCTETS else 0
    return free_octets // 2 if ucs2 else free_octets * 8 // 7


cdef int _options(tuple options, object table, Options* o) except -1:
    _spec.check_options(options)
    _spec._check_table(table, options, SmartTable)
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
    # The caller's reference keeps the table alive for the whole call.
    o.table = &(<SmartTable>table).d if table is not None else NULL
    o.gsm_single = _capacity(header, 0, False)
    o.gsm_multi = _capacity(header, concat, False)
    o.ucs_single = _capacity(header, 0, True)
    o.ucs_multi = _capacity(header, concat, True)
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


cdef int _scan(const char_t* p, Py_ssize_t n, const SmartData* t, Scan* s) noexcept nogil:
    # What smart encoding sends for p[0:n] (not GSM-7 as it stands): _AS_WRITTEN,
    # _REPLACED (with *s summed) or _LEAVE.  The same walk as _batch_py.SmartTable.scan.
    # A carried character adds 1 character and 1 septet (2 and an escape through the
    # escape), so the loop only counts keys and carried escapes; replacements' sums are
    # added per key.  No sum can overflow: each is at most n times a replacement's
    # length, both bounded by memory.
    cdef Py_ssize_t i, keys = 0, escapes = 0, repl_length = 0, repl_septets = 0, repl_escapes = 0
    cdef uint32_t c
    cdef int32_t e
    cdef const Repl* r
    # U+0000-U+00FF: one page, looked up without the page slot.
    cdef const int32_t* page0 = t.entries + (<Py_ssize_t>t.page_of[0] << 8)
    # Characters per plain-block test (none for 4-byte strings).
    cdef Py_ssize_t block = 16 if char_t is uint8_t else 8 if char_t is uint16_t else 0
    cdef Py_ssize_t stop
    cdef bint skip = t.plain and char_t is not uint32_t
    i = 0
    while i < n:
        if skip and i + block <= n:
            # Most of a message is plain ASCII: 1 character, 1 septet each.
            if char_t is uint8_t:
                if smsbatch_plain_u8(<const uint8_t*>(p + i)):
                    i += block
                    continue
            elif char_t is uint16_t:
                if smsbatch_plain_u16(<const uint16_t*>(p + i)):
                    i += block
                    continue
            stop = i + block
        else:
            stop = n
        while i < stop:
            c = p[i]
            i += 1
            if char_t is uint8_t:
                e = page0[c]
            else:
                if char_t is uint32_t:
                    if c > 0xFFFF:
                        # No entry: a replaced astral key is left to the public layer; any
                        # other astral character is not carried: the message goes as written.
                        return _LEAVE if t.astral else _AS_WRITTEN
                e = t.entries[(<Py_ssize_t>t.page_of[c >> 8] << 8) | (c & 0xFF)]
            if e >= 0:
                r = &t.repls[e]
                keys += 1
                repl_length += r.length
                repl_septets += r.septets
                repl_escapes += r.escapes
            elif e == _NEITHER:
                return _AS_WRITTEN
            else:
                escapes += e == _CARRIED2
    if keys == 0:
        return _AS_WRITTEN
    s.length = n - keys + repl_length
    s.septets = n - keys + escapes + repl_septets
    s.escapes = escapes + repl_escapes
    return _REPLACED


cdef Py_ssize_t _rewrite(const char_t* p, Py_ssize_t n, const SmartData* t, void* dest) noexcept nogil:
    # Write the replaced message as 2-byte code points (every character in it is carried,
    # so in the BMP; _scan summed its length), narrowed in place to 1 byte when they all
    # fit.  Return the width.
    cdef Py_ssize_t i, j, m = 0
    cdef uint32_t c, top = 0
    cdef int32_t e
    cdef const Repl* r
    cdef uint16_t* d2 = <uint16_t*>dest
    cdef uint8_t* d1 = <uint8_t*>dest
    for i in range(n):
        c = p[i]
        e = t.entries[(<Py_ssize_t>t.page_of[c >> 8] << 8) | (c & 0xFF)]
        if e >= 0:
            r = &t.repls[e]
            if r.top > top:
                top = r.top
            for j in range(r.length):
                d2[m] = t.chars[r.start + j]
                m += 1
        else:
            if c > top:
                top = c
            d2[m] = <uint16_t>c
            m += 1
    if top >= 0x100:
        return 2
    # Byte j is written after unit j was read, and unit j' <= j it overlaps was read before.
    for j in range(m):
        d1[j] = <uint8_t>d2[j]
    return 1


cdef inline void _fill(Result* r, int encoding, Py_ssize_t units, Py_ssize_t single,
                       Py_ssize_t multi) noexcept nogil:
    # The result of ``units`` one-unit items: parts fill up completely but the last.
    memset(r, 0, sizeof(Result))
    r.encoding = encoding
    r.units = units
    if units <= single:
        r.parts = 1
        r.per_segment = single
        r.remaining = single - units
    else:
        r.parts = (units + multi - 1) // multi
        r.per_segment = multi
        r.remaining = r.parts * multi - units


cdef bint _smart(int kind, const void* data, Py_ssize_t n, const Options* o, Buffer* buf,
                 Result* r) noexcept nogil:
    # Smart encoding of a message that is not GSM-7 as it stands: True to flag it, else
    # *r is the result for the message sent (left alone when it goes as written).
    cdef Scan s
    cdef int found, width
    cdef void* grown
    cdef const SmartData* t = o.table
    if kind == 1:
        found = _scan(<const uint8_t*>data, n, t, &s)
    elif kind == 2:
        found = _scan(<const uint16_t*>data, n, t, &s)
    else:
        found = _scan(<const uint32_t*>data, n, t, &s)
    if found == _AS_WRITTEN:
        return False
    if found == _LEAVE:
        return True
    if o.plan.mode == 2:
        # Sent as UCS-2: the replaced message holds carried (BMP) characters only, one
        # UTF-16 unit each.
        _fill(r, 1, s.length, o.ucs_single, o.ucs_multi)
        return False
    if t.direct and (s.septets <= o.gsm_single or s.escapes == 0):
        # Default tables: one part, or no escape pair that a part boundary could move.
        _fill(r, 0, s.septets, o.gsm_single, o.gsm_multi)
        return False
    # Where the escapes fall matters (or national tables are enabled): count the text.
    if s.length * 2 > buf.size:
        grown = realloc(buf.data, s.length * 2)
        if grown == NULL:
            return True  # no memory: the public layer counts it
        buf.data = grown
        buf.size = s.length * 2
    if kind == 1:
        width = _rewrite(<const uint8_t*>data, n, t, buf.data)
    elif kind == 2:
        width = _rewrite(<const uint16_t*>data, n, t, buf.data)
    else:
        width = _rewrite(<const uint32_t*>data, n, t, buf.data)
    # A message whose every character was removed is empty: no buffer was needed.
    count_text(width, buf.data if buf.data != NULL else <void*>"", s.length, &o.plan, r)
    return False


cdef inline void _count_one(int kind, const void* data, Py_ssize_t n, const Options* o, Out* out,
                            Py_ssize_t i, Buffer* buf) noexcept nogil:
    cdef Result r, g
    cdef bint plain
    count_text(kind, data, n, &o.plan, &r)
    if o.smart:
        # Smart encoding only changes a text that is not GSM-7 as it stands.
        if r.status != 0:
            plain = False
        elif o.plan.mode == 2:
            count_text(kind, data, n, &o.gsm, &g)
            plain = g.status == 0 and g.encoding == 0
        else:
            plain = r.encoding == 0
        if not plain and (o.table == NULL or _smart(kind, data, n, o, buf, &r)):
            _store(out, i, _FLAGGED, 0, 0, 0)
            return
    if r.status != 0:
        # A status means the scalar API raises: leave it to the scalar API.
        _store(out, i, _FLAGGED, 0, 0, 0)
    else:
        _store(out, i, r.encoding, r.parts, r.units, r.remaining)


def count_objects(tuple values not None, Py_ssize_t start, Py_ssize_t stop, tuple options not None,
                  segments, units, remaining, encoding, table=None, /):
    """Count ``values[start:stop]``: see ``_batch_py.count_objects``."""
    cdef Options o
    cdef Out out
    cdef Buffer buf
    cdef int kinds[_BLOCK]
    cdef const void* datas[_BLOCK]
    cdef Py_ssize_t lengths[_BLOCK]
    cdef Py_ssize_t where[_BLOCK]
    cdef Py_ssize_t i, k, m
    cdef PyObject* item
    _options(options, table, &o)
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
    buf.data = NULL
    buf.size = 0
    i = start
    try:
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
                    _count_one(kinds[k], datas[k], lengths[k], &o, &out, where[k], &buf)
    finally:
        free(buf.data)


def count_ucs4(array, Py_ssize_t width, Py_ssize_t start, Py_ssize_t stop,
               tuple options not None, segments, units, remaining, encoding, table=None, /):
    """Count elements ``start:stop`` of a numpy ``U`` array: see ``_batch_py.count_ucs4``."""
    cdef Options o
    cdef Out out
    cdef Buffer buf
    cdef Py_ssize_t i, j, n, length
    cdef Py_ssize_t bad = -1, capacity = 0
    cdef void* scratch = NULL
    cdef void* grown
    cdef const uint32_t[::1] data = array
    cdef const uint32_t* row
    cdef const uint32_t* base = NULL
    cdef uint32_t top
    _options(options, table, &o)
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
    buf.data = NULL
    buf.size = 0
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
                _count_one(4, row, n, &o, &out, i, &buf)
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
                _count_one(1, scratch, n, &o, &out, i, &buf)
            else:
                for j in range(n):
                    (<uint16_t*>scratch)[j] = <uint16_t>row[j]
                _count_one(2, scratch, n, &o, &out, i, &buf)
    free(scratch)
    free(buf.data)
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
        raise _spec._buffer_error("offsets", offsets_size, need)
    if validity is not None and bits_size * 8 < array_offset + stop:
        raise _spec._buffer_error("validity", bits_size, (array_offset + stop + 7) // 8)
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
            if _ascii(p, n):
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
        raise _spec._offsets_error(base + bad, bad_lo, bad_hi, data_size)
    if error == 2:
        lo = _offset(ends, offset_bytes, array_offset + bad)
        raise _spec.utf8_error(base + bad, bad_at, raw[lo + bad_at])
    if error == 3:
        raise MemoryError()


# The pure twin's helpers, the same objects: both twins name errors identically.
check_element = _spec.check_element
check_options = _spec.check_options
ucs4_error = _spec.ucs4_error
ucs4_text = _spec.ucs4_text
utf8_error = _spec.utf8_error
