# cython: boundscheck=False, wraparound=False, cdivision=True, binding=False, embedsignature=True, embedsignature.format=clinic
"""Segment counting and splitting: the compiled twin of ``_segments_py``.

Same names, results and errors as the pure twin, whose docstring is the theory of
operation.  Here a text is read in place through its PEP 393 storage (1, 2 or 4 bytes
per code point) without creating a Python object per character:

* ``count_segments`` is the public function itself: plain calls (an exact ``str``, an
  encoding by name, no header, 8/16-bit references, no smart encoding, a list or tuple
  of languages, whose bitmasks are cached) are counted here without Python-level code;
  every other call goes to the general path that ``smscodec.segments`` registers.
* ``tally_default`` on a 1-byte string tests 32 characters at a time (SSE2, or 64-bit
  words elsewhere) for plain ASCII GSM-7 (32 septets, no escape); a 2-byte string in
  auto mode stops at the first block holding a character outside the default tables
  (UCS-2 then: the units are the length) and only looks for lone surrogates, eight
  units at a time.  Otherwise it adds one 64-bit word per character, looked up in a table: five
  12-bit fields (septets, escapes, characters outside the default tables, code points
  above U+FFFF, lone surrogates), summed over chunks of 1024 characters so that no
  field can overflow.  One pass gives every default-table count; a second pass is only
  made when the text needs several parts *and* holds escapes (or surrogate pairs),
  because only then can a part boundary fall inside a two-unit item.
* ``tally_classes`` builds a histogram of character classes (see ``_segments_py``): the
  one pass from which every enabled (locking, single shift) pair is scored with a few
  bitmask operations per pair.  Pairs whose result depends on where their escapes fall
  are replayed greedily, only when they could still win, and once per distinct cost
  signature.  ``count_parts`` (the count alone, as ``count_segments`` needs it) skips the
  tie-break: one pair per locking table, bounds ceil(T / M) <= parts <= (T - 1) // (M - 1)
  + 1 that usually settle it without a replay, and the default pair first when it
  already gives one part or no escape.

Lookups are built at import from the pure twin's tables (which come from ``_tables``),
so both twins number classes and pick codes identically.  Array indexes are bounded by
construction: a class id < MAX_CLASSES, a page slot < MAX_PAGES, ``c >> 8`` and
``c & 0xFF`` < 256 and ``_class2[c]`` (65536 cells) for any code point <= U+FFFF; lengths
come from the string itself; the SSE2 and word loops read whole blocks only inside the length.
"""

from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.tuple cimport PyTuple_GET_SIZE
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset

from . import _segments_py as _spec


cdef extern from *:
    """
    static CYTHON_INLINE int smscodec_ready(PyObject *s) {
    #if PY_VERSION_HEX < 0x030C0000
        return PyUnicode_READY(s);
    #else
        (void)s;
        return 0;
    #endif
    }
    """
    int smscodec_ready(object s) except -1

cdef extern from *:
    """
    #if defined(_MSC_VER)
    #include <intrin.h>
    static CYTHON_INLINE int smscodec_ctz64(unsigned long long x) {
        unsigned long i;
        _BitScanForward64(&i, x);
        return (int)i;
    }
    #else
    static CYTHON_INLINE int smscodec_ctz64(unsigned long long x) { return __builtin_ctzll(x); }
    #endif
    """
    # Index of the lowest set bit; x must not be 0.
    int smscodec_ctz64(uint64_t x) noexcept nogil

cdef extern from *:
    """
    /* Lanes of a 64-bit word (the "SWAR" idioms of Hacker's Delight 6-1). */
    #define SMSSEG_ONES UINT64_C(0x0101010101010101)
    #define SMSSEG_HIGH UINT64_C(0x8080808080808080)
    /* Four UTF-16 units: the top five bits of each, 0xD800 (a surrogate) in each, 1 and the sign bit in each. */
    #define SMSSEG_U16_TOP5 UINT64_C(0xF800F800F800F800)
    #define SMSSEG_U16_SURR UINT64_C(0xD800D800D800D800)
    #define SMSSEG_U16_ONES UINT64_C(0x0001000100010001)
    #define SMSSEG_U16_HIGH UINT64_C(0x8000800080008000)
    """
    const uint64_t SMSSEG_ONES
    const uint64_t SMSSEG_HIGH
    const uint64_t SMSSEG_U16_TOP5
    const uint64_t SMSSEG_U16_SURR
    const uint64_t SMSSEG_U16_ONES
    const uint64_t SMSSEG_U16_HIGH

cdef extern from *:
    """
    /* 32 bytes of a 1-byte str at a time: nonzero when one of them is not a "plain"
       one-septet character, 0x20-0x5A or 0x61-0x7A (see _not_plain).  SSE2 is part of
       every x86-64 CPU; elsewhere the portable word-at-a-time test does the same. */
    #if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
    #include <emmintrin.h>
    #define SMSSEG_HAVE_SSE2 1
    static CYTHON_INLINE __m128i smsseg_odd16(const unsigned char *p) {
        __m128i x = _mm_loadu_si128((const __m128i *)p);
        /* Signed compares: a byte >= 0x80 is negative, so "< 0x20" catches it too. */
        __m128i low = _mm_cmplt_epi8(x, _mm_set1_epi8(0x20));
        __m128i high = _mm_cmpgt_epi8(x, _mm_set1_epi8(0x7A));
        __m128i mid = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x5A)),
                                    _mm_cmplt_epi8(x, _mm_set1_epi8(0x61)));
        return _mm_or_si128(_mm_or_si128(low, high), mid);
    }
    static CYTHON_INLINE int smsseg_not_plain32(const unsigned char *p) {
        return _mm_movemask_epi8(_mm_or_si128(smsseg_odd16(p), smsseg_odd16(p + 16)));
    }
    /* Eight UTF-16 units at a time: nonzero when one is a surrogate (top five bits 11011). */
    static CYTHON_INLINE int smsseg_surrogates_sse2(const uint16_t *p, Py_ssize_t n) {
        __m128i acc = _mm_setzero_si128();
        const __m128i top5 = _mm_set1_epi16((short)0xF800), surrogate = _mm_set1_epi16((short)0xD800);
        Py_ssize_t i = 0;
        for (; i + 8 <= n; i += 8) {
            __m128i x = _mm_loadu_si128((const __m128i *)(p + i));
            acc = _mm_or_si128(acc, _mm_cmpeq_epi16(_mm_and_si128(x, top5), surrogate));
        }
        int found = _mm_movemask_epi8(acc) != 0;
        for (; i < n; i++)
            found |= (p[i] & 0xF800) == 0xD800;
        return found;
    }
    /* The classes with a nonzero count in four interleaved 64-class 8-bit sub-histograms
       (sub: 4 x 64 bytes): bit k of the result for class k. */
    static CYTHON_INLINE uint64_t smsseg_present_sse2(const uint8_t *sub) {
        uint64_t mask = 0;
        int q;
        for (q = 0; q < 4; q++) {
            __m128i x = _mm_or_si128(
                _mm_or_si128(_mm_loadu_si128((const __m128i *)(sub + 16 * q)),
                             _mm_loadu_si128((const __m128i *)(sub + 64 + 16 * q))),
                _mm_or_si128(_mm_loadu_si128((const __m128i *)(sub + 128 + 16 * q)),
                             _mm_loadu_si128((const __m128i *)(sub + 192 + 16 * q))));
            uint64_t empty = (uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128()));
            mask |= (~empty & 0xFFFFu) << (16 * q);
        }
        return mask;
    }
    #else
    #define SMSSEG_HAVE_SSE2 0
    static CYTHON_INLINE uint64_t smsseg_present_sse2(const uint8_t *sub) { (void)sub; return 0; }
    static CYTHON_INLINE int smsseg_surrogates_sse2(const uint16_t *p, Py_ssize_t n) { (void)p; (void)n; return -1; }
    static CYTHON_INLINE int smsseg_not_plain32(const unsigned char *p) { (void)p; return -1; }
    #endif
    """
    # Nonzero when one of the 32 bytes at p is not plain; only when SMSSEG_HAVE_SSE2.
    int smsseg_not_plain32(const uint8_t* p) noexcept nogil
    # Nonzero when one of p[0:n] is a surrogate; only when SMSSEG_HAVE_SSE2.
    int smsseg_surrogates_sse2(const uint16_t* p, Py_ssize_t n) noexcept nogil
    # Bit k set when class k counts anything in the 4 x 64 sub-histograms; only with SSE2.
    uint64_t smsseg_present_sse2(const uint8_t* sub) noexcept nogil
    const int SMSSEG_HAVE_SSE2

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)


cdef enum:
    # Word fields: 12 bits each; a chunk of 1024 characters adds at most 2048 to any field.
    _FIELD = 12
    _FIELD_MASK = 0xFFF
    _CHUNK = 1024
    # Characters per block of the 2-byte tally, which may stop after the first block
    # holding a character outside the default tables (well under 2048: no overflow).
    _BLOCK2 = 16
    # Interleaved class sub-histograms (four: tally_classes and _sub_hist* spell them out),
    # and characters per flush of them: each 8-bit counter gets at most a quarter of a
    # chunk (rounded up), 255.
    _SUBS = 4
    _CLASS_CHUNK = _SUBS * 255
    # Class ids with no table: a code point above U+FFFF, a lone surrogate.
    _ASTRAL_CLASS = MAX_CLASSES - 2
    _SURROGATE_CLASS = MAX_CLASSES - 1
    # TS 23.038 §6.2.1.1: the escape septet to the single shift table.
    _ESCAPE = 0x1B
    # A cell no table assigns (septets are 0x00-0x7F).
    _NO_CODE = 0xFF
    # TS 23.040 §9.2.3.24: 140 octets of user data per part.
    _USER_DATA_OCTETS = 140
    # TS 23.040 §9.2.3.24.15-16: a national language shift element is 3 octets.
    _SHIFT_IE_OCTETS = 3
    # Identifiers 0 (default) to 13 (TS 23.038 §6.2.1.2.4).
    _NUM_TABLES = 14
    _MAX_PAIRS = _NUM_TABLES * _NUM_TABLES

# Word of one default-table character: septets | escapes << 12 | bad << 24 | astral << 36
# | surrogate << 48.
cdef uint64_t _W_BAD = (<uint64_t>1) << (2 * _FIELD)
cdef uint64_t _W_ASTRAL = _W_BAD | ((<uint64_t>1) << (3 * _FIELD))
cdef uint64_t _W_SURROGATE = _W_BAD | ((<uint64_t>1) << (4 * _FIELD))

cdef uint8_t _page_of[256]                      # BMP code point >> 8 -> page slot (0: no table)
cdef uint8_t _pages[MAX_PAGES][256]             # page slot, low byte -> class id
cdef uint8_t _lock_code[_NUM_TABLES][MAX_PAGES][256]    # -> septet in locking table n
cdef uint8_t _single_code[_NUM_TABLES][MAX_PAGES][256]  # -> code in single shift table n
cdef uint64_t _class_lock[MAX_CLASSES]          # class -> locking tables holding it
cdef uint64_t _class_single[MAX_CLASSES]        # class -> single shift tables holding it
cdef uint64_t _lock_classes[_NUM_TABLES]        # table -> classes it holds (locking)
cdef uint64_t _single_classes[_NUM_TABLES]      # table -> classes it holds (single shift)
cdef uint64_t _word_class[MAX_CLASSES]          # class -> default-table word
cdef uint64_t _word1[256]                       # U+0000-U+00FF -> default-table word
cdef uint8_t _class2[65536]                     # U+0000-U+FFFF -> class id (one load, not three)
cdef int _pairs[_MAX_PAIRS][2]                  # scored pairs, in tie-break order
cdef int _num_pairs = 0
cdef int _rank[_NUM_TABLES][_NUM_TABLES]        # (locking, single) -> index in _pairs, -1: not scored


def _init() -> None:
    global _num_pairs
    classes = _spec.CLASSES
    if len(classes) > _ASTRAL_CLASS:
        raise ImportError(f"{len(classes)} character classes exceed MAX_CLASSES")
    memset(_page_of, 0, sizeof(_page_of))
    memset(_pages, 0, sizeof(_pages))
    memset(_lock_code, _NO_CODE, sizeof(_lock_code))
    memset(_single_code, _NO_CODE, sizeof(_single_code))
    memset(_class_lock, 0, sizeof(_class_lock))
    memset(_class_single, 0, sizeof(_class_single))
    memset(_lock_classes, 0, sizeof(_lock_classes))
    memset(_single_classes, 0, sizeof(_single_classes))
    cdef int k, nli, slot
    cdef Py_ssize_t cp
    cdef int slots = 1  # slot 0: a page no table touches
    for k, (lk, ss) in enumerate(classes):
        _class_lock[k] = lk
        _class_single[k] = ss
        for nli in range(_NUM_TABLES):
            if lk >> nli & 1:
                _lock_classes[nli] |= (<uint64_t>1) << k
            if ss >> nli & 1:
                _single_classes[nli] |= (<uint64_t>1) << k
    for ch, k in _spec._CLASS_OF.items():
        cp = ord(ch)
        if _page_of[cp >> 8] == 0:
            if slots >= MAX_PAGES - 1:
                raise ImportError("the GSM tables span more pages than MAX_PAGES")
            _page_of[cp >> 8] = slots
            slots += 1
        _pages[_page_of[cp >> 8]][cp & 0xFF] = k
    # Surrogates U+D800-U+DFFF share one slot of their own class.
    slot = slots
    for k in range(256):
        _pages[slot][k] = _SURROGATE_CLASS
    for k in range(0xD8, 0xE0):
        _page_of[k] = slot
    for nli in range(_NUM_TABLES):
        for ch, code in _spec._LOCK_CODES[nli].items():
            _lock_code[nli][_page_of[ord(ch) >> 8]][ord(ch) & 0xFF] = code
        for ch, code in _spec._SINGLE_CODES[nli].items():
            _single_code[nli][_page_of[ord(ch) >> 8]][ord(ch) & 0xFF] = code
    for k in range(MAX_CLASSES):
        if _class_lock[k] & 1:
            _word_class[k] = 1
        elif _class_single[k] & 1:
            _word_class[k] = 2 | ((<uint64_t>1) << _FIELD)
        else:
            _word_class[k] = _W_BAD
    _word_class[_ASTRAL_CLASS] = _W_ASTRAL
    _word_class[_SURROGATE_CLASS] = _W_SURROGATE
    for k in range(256):
        _word1[k] = _word_class[_pages[_page_of[0]][k]]
    for cp in range(65536):
        _class2[cp] = _pages[_page_of[cp >> 8]][cp & 0xFF]
    _num_pairs = 0
    memset(_rank, 0xFF, sizeof(_rank))
    for lk, ss in _spec.PAIRS:
        _pairs[_num_pairs][0] = lk
        _pairs[_num_pairs][1] = ss
        _rank[lk][ss] = _num_pairs
        _num_pairs += 1


_init()


cdef inline uint32_t _read(int kind, const void* data, Py_ssize_t i) noexcept nogil:
    if kind == 1:
        return (<const uint8_t*>data)[i]
    if kind == 2:
        return (<const uint16_t*>data)[i]
    return (<const uint32_t*>data)[i]


cdef inline int _class(uint32_t c) noexcept nogil:
    if c > 0xFFFF:
        return _ASTRAL_CLASS
    return _class2[c]


cdef inline void _unpack(uint64_t acc, Tally* out) noexcept nogil:
    out.septets += acc & _FIELD_MASK
    out.escapes += (acc >> _FIELD) & _FIELD_MASK
    out.bad += (acc >> (2 * _FIELD)) & _FIELD_MASK
    out.astral += (acc >> (3 * _FIELD)) & _FIELD_MASK
    out.surrogates += (acc >> (4 * _FIELD)) & _FIELD_MASK


cdef inline uint64_t _any_below(uint64_t x, uint64_t n) noexcept nogil:
    # Nonzero when some byte of x is < n (n <= 0x80).
    return (x - SMSSEG_ONES * n) & ~x & SMSSEG_HIGH


cdef inline uint64_t _any_above(uint64_t x, uint64_t n) noexcept nogil:
    # Nonzero when some byte of x is > n (n <= 0x7F).
    return ((x + SMSSEG_ONES * (127 - n)) | x) & SMSSEG_HIGH


cdef inline uint64_t _any_between(uint64_t x, uint64_t m, uint64_t n) noexcept nogil:
    # Nonzero when some byte b of x has m < b < n (m <= 0x7F, n <= 0x80); exact per lane.
    cdef uint64_t low = x & (SMSSEG_ONES * 127)
    return (SMSSEG_ONES * (127 + n) - low) & ~x & (low + SMSSEG_ONES * (127 - m)) & SMSSEG_HIGH


cdef inline uint64_t _any_equal(uint64_t x, uint64_t b) noexcept nogil:
    cdef uint64_t y = x ^ (SMSSEG_ONES * b)
    return (y - SMSSEG_ONES) & ~y & SMSSEG_HIGH


cdef inline uint64_t _not_plain(uint64_t x) noexcept nogil:
    # Zero when each of the 8 bytes is a one-septet default-alphabet character that
    # printable ASCII spells the same way: 0x20-0x5A (space to "Z", "$" and "@"
    # included), "_" (0x5F) and "a"-"z".  Excluded: controls (LF and CR are GSM-7 but
    # rare, the other controls are not), the extension characters [ \ ] ^ { | } ~
    # (TS 23.038 §6.2.1.1, 2 septets), "`" and DEL (not GSM-7) and every byte >= 0x80.
    return (_any_below(x, 0x20) | _any_above(x, 0x7A) | _any_between(x, 0x5A, 0x5F)
            | _any_equal(x, 0x60))


cdef inline uint64_t _any_surrogate4(uint64_t x) noexcept nogil:
    # Nonzero when one of four UTF-16 units is a surrogate: its top five bits are 11011.
    cdef uint64_t y = (x & SMSSEG_U16_TOP5) ^ SMSSEG_U16_SURR
    return (y - SMSSEG_U16_ONES) & ~y & SMSSEG_U16_HIGH


cdef bint _has_surrogate2(const uint16_t* p, Py_ssize_t length) noexcept nogil:
    # Any surrogate code point in a 2-byte string (which holds nothing above U+FFFF, so
    # each one is a lone surrogate).  Four units per 64-bit word, OR-ed without a branch
    # per word.
    cdef Py_ssize_t i = 0
    cdef uint64_t w, acc = 0
    if SMSSEG_HAVE_SSE2:
        return smsseg_surrogates_sse2(p, length) != 0
    while i + 4 <= length:
        memcpy(&w, p + i, 8)
        acc |= _any_surrogate4(w)
        i += 4
    while i < length:
        acc |= (p[i] & 0xF800) == 0xD800
        i += 1
    return acc != 0


cdef inline uint64_t _word8(const uint8_t* p) noexcept nogil:
    return (_word1[p[0]] + _word1[p[1]] + _word1[p[2]] + _word1[p[3]]
            + _word1[p[4]] + _word1[p[5]] + _word1[p[6]] + _word1[p[7]])


cdef inline bint _not_plain32(const uint8_t* p) noexcept nogil:
    cdef uint64_t w0, w1, w2, w3
    if SMSSEG_HAVE_SSE2:
        return smsseg_not_plain32(p) != 0
    memcpy(&w0, p, 8)
    memcpy(&w1, p + 8, 8)
    memcpy(&w2, p + 16, 8)
    memcpy(&w3, p + 24, 8)
    return (_not_plain(w0) | _not_plain(w1) | _not_plain(w2) | _not_plain(w3)) != 0


cdef void _tally1(const uint8_t* p, Py_ssize_t length, Tally* out) noexcept nogil:
    # 1-byte strings: 32 characters at a time.  A block of plain ASCII GSM-7 characters
    # (the bulk of most messages) adds 32 septets; any other block is summed from the
    # table in two independent accumulators.
    cdef Py_ssize_t start = 0, stop, i, plain = 0
    cdef uint64_t acc, acc1
    while start < length:
        stop = start + _CHUNK if length - start > _CHUNK else length
        acc = acc1 = 0
        i = start
        while i + 32 <= stop:
            if _not_plain32(p + i):
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


cdef inline void _sub_hist1(const uint8_t* p, Py_ssize_t i, Py_ssize_t stop, uint8_t (*sub)[MAX_CLASSES]) noexcept nogil:
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


cdef inline void _sub_hist2(const uint16_t* p, Py_ssize_t i, Py_ssize_t stop, uint8_t (*sub)[MAX_CLASSES]) noexcept nogil:
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


cdef inline void _sub_hist4(const uint32_t* p, Py_ssize_t i, Py_ssize_t stop, uint8_t (*sub)[MAX_CLASSES]) noexcept nogil:
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


cdef inline Py_ssize_t _capacity(Py_ssize_t header, Py_ssize_t extra, int ucs2) noexcept nogil:
    # TS 23.040 §9.2.3.24: septets = floor((140 - octets) * 8 / 7), UCS-2 units = floor((140 - octets) / 2);
    # a UDHL octet is counted when elements are added to no caller header.
    cdef Py_ssize_t octets = header if extra == 0 else (header if header else 1) + extra
    cdef Py_ssize_t free_octets = _USER_DATA_OCTETS - octets if octets < _USER_DATA_OCTETS else 0
    return free_octets // 2 if ucs2 else free_octets * 8 // 7


cdef inline uint32_t _cost(uint32_t c, int ucs2, uint64_t ones) noexcept nogil:
    # UCS-2: 2 units above U+FFFF, else 1.  GSM-7: 1 septet for a class in ``ones``, else 2.
    if ucs2:
        return 2 if c > 0xFFFF else 1
    return 1 if (ones >> _class(c)) & 1 else 2


cdef Py_ssize_t _replay(
    int kind, const void* data, Py_ssize_t length, int ucs2, uint64_t ones, Py_ssize_t cap, Py_ssize_t* rem
) noexcept nogil:
    # Greedy parts of ``cap`` units (the text is known to be encodable); one loop per
    # storage width so the compiler sees a fixed element size.
    cdef Py_ssize_t parts = 1, fill = 0, i, cost
    cdef const uint8_t* p1 = <const uint8_t*>data
    cdef const uint16_t* p2 = <const uint16_t*>data
    cdef const uint32_t* p4 = <const uint32_t*>data
    if kind == 1:
        for i in range(length):
            cost = _cost(p1[i], ucs2, ones)
            if fill + cost > cap:
                parts += 1
                fill = 0
            fill += cost
    elif kind == 2:
        for i in range(length):
            cost = _cost(p2[i], ucs2, ones)
            if fill + cost > cap:
                parts += 1
                fill = 0
            fill += cost
    else:
        for i in range(length):
            cost = _cost(p4[i], ucs2, ones)
            if fill + cost > cap:
                parts += 1
                fill = 0
            fill += cost
    rem[0] = cap - fill
    return parts


cdef inline void _measure(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, int ucs2, Py_ssize_t shift,
    Py_ssize_t total, Py_ssize_t doubles, uint64_t ones, Result* out
) noexcept nogil:
    # parts, per_segment and remaining of ``total`` units of which ``doubles`` items are 2 units.
    cdef Py_ssize_t single = _capacity(plan.header, shift, ucs2)
    cdef Py_ssize_t multi
    out.units = total
    if total <= single:
        out.parts = 1
        out.per_segment = single
        out.remaining = single - total
        return
    multi = _capacity(plan.header, plan.concat + shift, ucs2)
    out.per_segment = multi
    if doubles == 0:
        # Every item is one unit: parts fill up completely but the last.
        out.parts = (total + multi - 1) // multi
        out.remaining = out.parts * multi - total
    else:
        out.parts = _replay(kind, data, length, ucs2, ones, multi, &out.remaining)


cdef inline Py_ssize_t _sum_classes(uint64_t mask, const Py_ssize_t* hist) noexcept nogil:
    # Characters of the classes in ``mask``, visiting set bits only.
    cdef Py_ssize_t s = 0
    while mask:
        s += hist[smscodec_ctz64(mask)]
        mask &= mask - 1
    return s


cdef inline bint _better(Py_ssize_t parts, Py_ssize_t rem, int rank, const Result* best, int best_rank) noexcept nogil:
    # The choice order: fewest parts, then most units left, then the earlier pair in PAIRS
    # (default tables first, then lower identifiers).
    if parts != best.parts:
        return parts < best.parts
    if rem != best.remaining:
        return rem > best.remaining
    return rank < best_rank


cdef inline void _score_one(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, const Py_ssize_t* hist,
    uint64_t present, int lk, int ss, int p, Result* out, int* best_rank,
    int* wait_pair, uint64_t* wait_mask, Py_ssize_t* wait_total, int* waiting
) noexcept nogil:
    # Settle pair ``p`` now when its total decides its parts, else queue it for a replay.
    cdef uint64_t ones = _lock_classes[lk]
    cdef uint64_t twos = _single_classes[ss] & ~ones
    cdef Py_ssize_t escapes = _sum_classes(present & twos, hist)
    cdef Py_ssize_t total = length + escapes
    cdef Py_ssize_t shift = _SHIFT_IE_OCTETS * ((lk != 0) + (ss != 0))
    cdef Result trial
    memset(&trial, 0, sizeof(Result))
    if escapes and total > _capacity(plan.header, shift, 0):
        wait_pair[waiting[0]] = p
        wait_mask[waiting[0]] = present & twos
        wait_total[waiting[0]] = total
        waiting[0] += 1
        return
    _measure(kind, data, length, plan, 0, shift, total, escapes, ones, &trial)
    if best_rank[0] < 0 or _better(trial.parts, trial.remaining, p, out, best_rank[0]):
        trial.status = 0
        trial.encoding = 0
        trial.locking = lk
        trial.single = ss
        out[0] = trial
        best_rank[0] = p


cdef bint _score_pairs(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, const Py_ssize_t* hist, Result* out
) noexcept nogil:
    # Score every enabled pair from the class histogram; True when one carries the text.
    # Pass 1 settles every pair whose parts follow from its total (one part, or no escapes)
    # and notes the others with a lower bound; pass 2 replays only those that could still
    # win, once per distinct (escape classes, shift octets) signature.
    cdef uint64_t present = 0, ones
    cdef int k, p, lk, ss, j, best_rank = -1, waiting = 0, seen = 0
    cdef Py_ssize_t total, shift, multi, rem
    cdef Result trial
    cdef int wait_pair[_MAX_PAIRS]
    cdef uint64_t wait_mask[_MAX_PAIRS]
    cdef Py_ssize_t wait_total[_MAX_PAIRS]
    cdef uint64_t sig_mask[_MAX_PAIRS]
    cdef Py_ssize_t sig_shift[_MAX_PAIRS]
    cdef Py_ssize_t sig_parts[_MAX_PAIRS]
    cdef Py_ssize_t sig_rem[_MAX_PAIRS]
    cdef uint64_t any_single = 0, need
    for k in range(MAX_CLASSES):
        if hist[k]:
            present |= (<uint64_t>1) << k
    for ss in range(_NUM_TABLES):
        if (plan.singles >> ss) & 1:
            any_single |= _single_classes[ss]
    # By locking table, then single shift table; the rank keeps the choice order.
    for lk in range(_NUM_TABLES):
        if not (plan.locks >> lk) & 1:
            continue
        ones = _lock_classes[lk]
        need = present & ~ones  # what the single shift table must supply
        if need & ~any_single:
            continue  # no enabled single shift table completes this locking table
        for ss in range(_NUM_TABLES):
            p = _rank[lk][ss]
            if p < 0 or not (plan.singles >> ss) & 1 or need & ~_single_classes[ss]:
                continue
            _score_one(kind, data, length, plan, hist, present, lk, ss, p, out, &best_rank,
                       wait_pair, wait_mask, wait_total, &waiting)
    for j in range(waiting):
        p = wait_pair[j]
        lk = _pairs[p][0]
        ss = _pairs[p][1]
        total = wait_total[j]
        shift = _SHIFT_IE_OCTETS * ((lk != 0) + (ss != 0))
        multi = _capacity(plan.header, plan.concat + shift, 0)
        # Optimistic: every part full.  Skip the replay when even that cannot win.
        trial.parts = (total + multi - 1) // multi
        if best_rank >= 0 and not _better(trial.parts, trial.parts * multi - total, p, out, best_rank):
            continue
        for k in range(seen):
            if sig_mask[k] == wait_mask[j] and sig_shift[k] == shift:
                break
        else:
            k = seen
            sig_mask[k] = wait_mask[j]
            sig_shift[k] = shift
            sig_parts[k] = _replay(kind, data, length, 0, _lock_classes[lk], multi, &rem)
            sig_rem[k] = rem
            seen += 1
        if best_rank < 0 or _better(sig_parts[k], sig_rem[k], p, out, best_rank):
            out.status = 0
            out.encoding = 0
            out.parts = sig_parts[k]
            out.units = total
            out.per_segment = multi
            out.remaining = sig_rem[k]
            out.locking = lk
            out.single = ss
            best_rank = p
    return best_rank >= 0


cdef void count_text(int kind, const void* data, Py_ssize_t length, const Plan* plan, Result* out) noexcept nogil:
    cdef Tally t
    cdef Py_ssize_t hist[MAX_CLASSES]
    cdef Py_ssize_t astral = 0
    cdef bint surrogates = False
    memset(out, 0, sizeof(Result))
    memset(&t, 0, sizeof(Tally))
    if plan.mode == 2 and kind != 4:
        # UCS-2 asked for: a 1- or 2-byte string has nothing above U+FFFF, so its units
        # are its length; only a 2-byte one can hold a (lone) surrogate.
        surrogates = kind == 2 and _has_surrogate2(<const uint16_t*>data, length)
    elif plan.mode == 2 or (plan.locks == 1 and plan.singles == 1):
        if kind == 2 and plan.mode != 2:
            # Stop at the first block with a character outside the default tables: the
            # text goes as UCS-2 (or fails under mode 1) whatever follows, and a 2-byte
            # string's UTF-16 units are its length.  Only lone surrogates remain to find.
            if _tally2(<const uint16_t*>data, length, &t, True):
                if plan.mode == 0:
                    surrogates = _has_surrogate2(<const uint16_t*>data, length)
            else:
                out.encoding = 0
                _measure(kind, data, length, plan, 0, 0, t.septets, t.escapes, _lock_classes[0], out)
                return
        else:
            tally_default(kind, data, length, &t)
            if t.bad == 0 and plan.mode != 2:
                out.encoding = 0
                _measure(kind, data, length, plan, 0, 0, t.septets, t.escapes, _lock_classes[0], out)
                return
            astral = t.astral
            surrogates = t.surrogates != 0
    else:
        tally_classes(kind, data, length, hist)
        out.status = 0
        if _score_pairs(kind, data, length, plan, hist, out):
            return
        astral = hist[_ASTRAL_CLASS]
        surrogates = hist[_SURROGATE_CLASS] != 0
    if plan.mode == 1:
        out.status = 1
        return
    if surrogates:
        out.status = 2
        return
    out.encoding = 1
    out.locking = 0
    out.single = 0
    _measure(kind, data, length, plan, 1, 0, length + astral, astral, 0, out)


cdef Py_ssize_t _min_parts(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, const Py_ssize_t* hist,
    uint64_t present
) noexcept nogil:
    # The fewest parts any enabled pair needs, or 0 when none carries the text: what
    # _score_pairs finds, without the tie-break (which only chooses among equal counts).
    # ``hist`` need only be right for the classes in ``present`` (the nonzero ones).
    # A pair's total T and part size M bound its greedy parts p: every part but the last
    # is closed with at least M - 1 units (an item of at most 2 units did not fit), so
    # ceil(T / M) <= p <= (T - 1) // (M - 1) + 1.  A replay is made only when these
    # differ and the lower bound could still beat the best so far, once per signature.
    cdef uint64_t ones, twos, mask, any_single = 0, need, locks, singles, bits
    cdef int k, p, lk, ss, j, waiting = 0, seen = 0
    cdef Py_ssize_t best = 0, escapes, total, shift, multi, lo, hi, rem, parts
    cdef uint64_t wait_mask[_MAX_PAIRS]
    cdef Py_ssize_t wait_lo[_MAX_PAIRS]
    cdef Py_ssize_t wait_multi[_MAX_PAIRS]
    cdef int wait_lock[_MAX_PAIRS]
    cdef uint64_t sig_mask[_MAX_PAIRS]
    cdef Py_ssize_t sig_multi[_MAX_PAIRS]
    for ss in range(_NUM_TABLES):
        if (plan.singles >> ss) & 1:
            any_single |= _single_classes[ss]
    # Only the locking tables that hold every present class no enabled single shift
    # table holds; for each, only the single shift tables holding every class it lacks
    # (bit n of _class_lock / _class_single: table n holds the class).
    locks = plan.locks
    bits = present & ~any_single
    while bits:
        locks &= _class_lock[smscodec_ctz64(bits)]
        bits &= bits - 1
    while locks:
        lk = smscodec_ctz64(locks)
        locks &= locks - 1
        ones = _lock_classes[lk]
        need = present & ~ones
        singles = plan.singles
        bits = need
        while bits:
            singles &= _class_single[smscodec_ctz64(bits)]
            bits &= bits - 1
        # Every usable single shift table supplies exactly ``need``, so the escapes are the
        # same for all of them; only the header differs: none for the default extension
        # table, 3 octets for a national one.  One pair per locking table decides.
        ss = -1
        if singles & 1 and _rank[lk][0] >= 0:
            ss = 0
        else:
            singles &= ~(<uint64_t>1)
            while singles:
                k = smscodec_ctz64(singles)
                singles &= singles - 1
                if _rank[lk][k] >= 0:
                    ss = k
                    break
        if ss >= 0:
            mask = need
            escapes = _sum_classes(mask, hist)
            total = length + escapes
            shift = _SHIFT_IE_OCTETS * ((lk != 0) + (ss != 0))
            if total <= _capacity(plan.header, shift, 0):
                return 1  # nothing needs fewer
            multi = _capacity(plan.header, plan.concat + shift, 0)
            lo = (total + multi - 1) // multi
            if best and lo >= best:
                continue
            if escapes:
                hi = (total - 1) // (multi - 1) + 1
                if hi != lo:
                    wait_mask[waiting] = mask
                    wait_lo[waiting] = lo
                    wait_multi[waiting] = multi
                    wait_lock[waiting] = lk
                    waiting += 1
                    continue
            best = lo
    for j in range(waiting):
        if best and wait_lo[j] >= best:
            continue
        for k in range(seen):
            if sig_mask[k] == wait_mask[j] and sig_multi[k] == wait_multi[j]:
                break
        else:
            sig_mask[seen] = wait_mask[j]
            sig_multi[seen] = wait_multi[j]
            seen += 1
            # The classes in the mask cost 2, every other present class 1 (the locking
            # table holds it): the signature decides the replay.
            parts = _replay(kind, data, length, 0, _lock_classes[wait_lock[j]], wait_multi[j], &rem)
            if not best or parts < best:
                best = parts
    return best


cdef inline uint64_t _present(uint8_t (*sub)[MAX_CLASSES]) noexcept nogil:
    # Bit k set when class k counts anything in the four sub-histograms.
    cdef uint64_t mask = 0
    cdef int k
    if SMSSEG_HAVE_SSE2 and MAX_CLASSES == 64:
        return smsseg_present_sse2(&sub[0][0])
    for k in range(MAX_CLASSES):
        if sub[0][k] | sub[1][k] | sub[2][k] | sub[3][k]:
            mask |= (<uint64_t>1) << k
    return mask


cdef Py_ssize_t count_parts(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, int* status
) noexcept nogil:
    # count_text(...).parts, with status set likewise (0 ok, 1 not GSM-7 under mode 1, 2
    # lone surrogate in a UCS-2 text), for callers that need only the count.
    cdef Result r
    cdef Tally t
    cdef Py_ssize_t hist[MAX_CLASSES]
    cdef uint8_t sub[4][MAX_CLASSES]
    cdef uint64_t present, bits
    cdef int k
    cdef Py_ssize_t parts, astral
    status[0] = 0
    if plan.mode == 2 or (plan.locks == 1 and plan.singles == 1):
        count_text(kind, data, length, plan, &r)
        status[0] = r.status
        return r.parts
    if kind != 4 and plan.locks & 1 and plan.singles & 1:
        # The default pair first (cheap: see tally_default): when it carries the text in
        # one part, or with no escape at all, no national pair needs fewer parts (their
        # shift elements only shrink the parts).  A 2-byte text stops at the first block
        # the default tables cannot carry.
        memset(&r, 0, sizeof(Result))
        memset(&t, 0, sizeof(Tally))
        if kind == 1:
            _tally1(<const uint8_t*>data, length, &t)
        else:
            _tally2(<const uint16_t*>data, length, &t, True)
        if t.bad == 0:
            _measure(kind, data, length, plan, 0, 0, t.septets, t.escapes, _lock_classes[0], &r)
            if r.parts == 1 or t.escapes == 0:
                return r.parts
    if length <= _CLASS_CHUNK:
        # One chunk: the sub-histograms are the whole count; add up only the classes
        # present (a message holds a handful of the MAX_CLASSES).
        memset(sub, 0, sizeof(sub))
        if kind == 1:
            _sub_hist1(<const uint8_t*>data, 0, length, sub)
        elif kind == 2:
            _sub_hist2(<const uint16_t*>data, 0, length, sub)
        else:
            _sub_hist4(<const uint32_t*>data, 0, length, sub)
        present = _present(sub)
        hist[_ASTRAL_CLASS] = 0
        hist[_SURROGATE_CLASS] = 0
        bits = present
        while bits:
            k = smscodec_ctz64(bits)
            hist[k] = <Py_ssize_t>sub[0][k] + sub[1][k] + sub[2][k] + sub[3][k]
            bits &= bits - 1
    else:
        tally_classes(kind, data, length, hist)
        present = 0
        for k in range(MAX_CLASSES):
            if hist[k]:
                present |= (<uint64_t>1) << k
    parts = _min_parts(kind, data, length, plan, hist, present)
    if parts:
        return parts
    if plan.mode == 1:
        status[0] = 1
        return 0
    if hist[_SURROGATE_CLASS]:
        status[0] = 2
        return 0
    astral = hist[_ASTRAL_CLASS]
    memset(&r, 0, sizeof(Result))
    _measure(kind, data, length, plan, 1, 0, length + astral, astral, 0, &r)
    return r.parts


cdef inline int _view(str text, int* kind, const void** data, Py_ssize_t* length) except -1:
    smscodec_ready(text)
    kind[0] = PyUnicode_KIND(text)
    data[0] = PyUnicode_DATA(text)
    length[0] = PyUnicode_GET_LENGTH(text)
    return 0


def capacity(Py_ssize_t header, Py_ssize_t extra, int ucs2, /) -> int:
    """Units one part carries: see ``_segments_py.capacity``."""
    return _capacity(header, extra, ucs2)


def analyze(
    str text not None, Py_ssize_t header, Py_ssize_t concat, int mode, uint64_t locks, uint64_t singles, /
) -> tuple:
    """Score ``text`` for sending: see ``_segments_py.analyze``."""
    cdef Plan plan
    cdef Result out
    cdef int kind = 1
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0
    cdef Py_ssize_t shifts
    # Room for a two-unit item in every part: see _segments_py._check_room.
    shifts = 0 if locks == 1 and singles == 1 else 2 * _SHIFT_IE_OCTETS
    if header < 0 or concat not in (5, 6) or header + concat + shifts > _USER_DATA_OCTETS - 4:
        raise ValueError(f"header {header} / concat {concat} octets leave no room for text")
    _view(text, &kind, &data, &length)
    plan.header = header
    plan.concat = concat
    plan.mode = mode
    plan.locks = locks
    plan.singles = singles
    count_text(kind, data, length, &plan, &out)
    if out.status == 1:
        # Cold path: the spec twin builds the error, so both twins say the same thing.
        raise _spec._unencodable(text, locks, singles)
    if out.status == 2:
        _spec._ucs2_costs(text)  # raises the lone surrogate's EncodingError
    return (out.encoding, out.parts, out.units, out.per_segment, out.remaining, out.locking, out.single)


def count(str text not None, /) -> int:
    """Parts of ``text`` with every option at its default: see ``_segments_py.count``."""
    cdef Plan plan
    cdef Result out
    cdef int kind = 1
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0
    _view(text, &kind, &data, &length)
    # No caller header, 8-bit concatenation (5 octets), auto, default tables only.
    plan.header = 0
    plan.concat = 5
    plan.mode = 0
    plan.locks = 1
    plan.singles = 1
    count_text(kind, data, length, &plan, &out)
    if out.status == 2:
        _spec._ucs2_costs(text)  # raises the lone surrogate's EncodingError
    return out.parts


# --- the public count_segments ----------------------------------------------------------

# Registered by smscodec.segments at import (it imports this module, so this module cannot
# import it): the general, checked count and the language-list checker.
cdef object _general_count = None
cdef object _language_masks = None


cdef class _Masks:
    # A checked languages= value: the enabled table bitmasks.
    cdef object key
    cdef uint64_t locks
    cdef uint64_t singles


# Checked language tuples (exact int / str items only, so True never hits 1's entry),
# bounded; and the previous call's tuple, compared by identity.
cdef dict _masks_cache = {}
cdef _Masks _last_masks = None
cdef enum:
    _MAX_CACHED_LANGUAGES = 256


def register(general_count, language_masks, /) -> None:
    """Wire the general path in: see ``_segments_py.register``."""
    global _general_count, _language_masks
    _general_count = general_count
    _language_masks = language_masks


cdef object _general():
    # Unregistered (smscodec.segments registers the live twin; this one may be the other):
    # the same functions, looked up once.
    global _general_count, _language_masks
    if _general_count is None or _language_masks is None:
        from . import segments

        _general_count = segments._count_general
        _language_masks = segments._check_languages
    return _general_count


cdef _Masks _masks_for(object languages):
    # None: not a plain list or tuple of int / str, left to the general path.
    global _last_masks
    cdef _Masks last = _last_masks
    cdef _Masks masks
    cdef tuple key
    if last is not None and last.key is languages:
        return last
    if type(languages) is tuple:
        key = <tuple>languages
    elif type(languages) is list:
        key = tuple(<list>languages)
    else:
        return None
    for item in key:
        if type(item) is not int and type(item) is not str:
            return None
    masks = _masks_cache.get(key)
    if masks is None:
        _general()  # makes sure _language_masks is set
        locks, singles = _language_masks(key)  # ArgumentError for an unknown language
        masks = _Masks.__new__(_Masks)
        masks.key = key
        masks.locks = locks
        masks.singles = singles
        if len(_masks_cache) < _MAX_CACHED_LANGUAGES:
            _masks_cache[key] = masks
    if key is languages and masks.key is not languages:
        last = _Masks.__new__(_Masks)
        last.key = languages
        last.locks = masks.locks
        last.singles = masks.singles
        masks = last
    if key is languages:
        _last_masks = masks
    return masks


def count_segments(
    text, *, encoding="auto", udh=b"", reference_bits=8, smart=False, languages=()
) -> int:
    """The number of parts ``text`` is sent (and billed) as: ``analyze(...).segments``.

    Equal to ``len(split(text, ...))`` whenever ``split`` can make the parts; a text
    needing more than 255 parts is counted all the same.  Options as for
    :func:`smscodec.analyze`.

    Raises:
        The same as :func:`smscodec.analyze`.
    """
    # Fast path: an exact str with plain options (encoding by name, no header, 8- or
    # 16-bit references, no smart encoding, a list or tuple of languages) is counted
    # here; anything else goes to the general path in smscodec.segments, which checks
    # and normalises every option and raises the errors.
    cdef Plan plan
    cdef Result out
    cdef int kind = 1, status = 0, mode
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0, parts, concat
    cdef _Masks masks
    if (
        type(text) is not str
        or smart is not False
        or type(udh) is not bytes
        or PyBytes_GET_SIZE(udh) != 0
        or type(reference_bits) is not int
        or type(encoding) is not str
    ):
        return _general()(
            text, encoding=encoding, udh=udh, reference_bits=reference_bits, smart=smart, languages=languages
        )
    if encoding == "auto":
        mode = 0
    elif encoding == "gsm7":
        mode = 1
    elif encoding == "ucs2":
        mode = 2
    else:
        mode = -1
    # TS 23.040 §9.2.3.24.1 / §9.2.3.24.8: the concatenation element is 5 octets with an
    # 8-bit reference, 6 with a 16-bit one.
    if reference_bits == 8:
        concat = 5
    elif reference_bits == 16:
        concat = 6
    else:
        concat = 0
    if type(languages) is tuple and PyTuple_GET_SIZE(languages) == 0:
        plan.locks = 1
        plan.singles = 1
    elif mode >= 0 and concat:
        masks = _masks_for(languages)
        if masks is None:
            mode = -1
        else:
            plan.locks = masks.locks
            plan.singles = masks.singles
    if mode < 0 or not concat:
        return _general()(
            text, encoding=encoding, udh=udh, reference_bits=reference_bits, smart=smart, languages=languages
        )
    plan.header = 0
    plan.concat = concat
    plan.mode = mode
    _view(text, &kind, &data, &length)
    if plan.locks == 1 and plan.singles == 1:
        count_text(kind, data, length, &plan, &out)
        status = out.status
        parts = out.parts
    else:
        parts = count_parts(kind, data, length, &plan, &status)
    if status == 1:
        # Cold path: the spec twin builds the error, so both twins say the same thing.
        raise _spec._unencodable(text, plan.locks, plan.singles)
    if status == 2:
        _spec._ucs2_costs(text)  # raises the lone surrogate's EncodingError
    return parts


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
                _spec._ucs2_costs(text)  # raises the lone surrogate's EncodingError
            cost = 2 if c > 0xFFFF else 1
        else:
            k = _class(c)
            if not (usable >> k) & 1:
                raise _spec._unencodable(text, (<uint64_t>1) << locking, (<uint64_t>1) << single)
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
                        buf[n] = _ESCAPE
                        n += 1
            if code == _NO_CODE:
                raise _spec._unencodable(text, (<uint64_t>1) << locking, (<uint64_t>1) << single)
            buf[n] = code
            n += 1
        return PyBytes_FromStringAndSize(<char*>buf, n)
    finally:
        free(buf)


def non_gsm(str text not None, uint64_t locks, uint64_t singles, /) -> list:
    """Distinct characters no enabled table holds, in order: see ``_segments_py.non_gsm``."""
    cdef int kind = 1
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0, i
    cdef int k
    _view(text, &kind, &data, &length)
    found = {}
    for i in range(length):
        k = _class(_read(kind, data, i))
        if not (_class_lock[k] & locks or _class_single[k] & singles):
            found[chr(_read(kind, data, i))] = None
    return list(found)
