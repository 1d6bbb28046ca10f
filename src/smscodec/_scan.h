/* Shared C helpers of smscodec's compiled kernels (declared for Cython in _scan.pxd).

   Two things every kernel needs, in one place:

   * reading a str's own PEP 393 storage (kind 1, 2 or 4 bytes per code point, data,
     length), with the PyUnicode_READY shim that Python 3.10 and 3.11 need, or its UTF-8;
   * scanning text or septets several units at a time: SWAR tests on the byte lanes of
     a 64-bit word (Hacker's Delight, 2nd ed., section 6-1, "Find First 0-Byte") and SSE2
     block tests, each with a portable fallback that gives the same answer.

   ONE definition of a "plain" character (sms_is_plain) serves every counting kernel;
   an "identity septet" (sms_not_identity_u64) is a different notion that decoding
   needs, named apart so that the two are never mixed up (see each for why they differ).

   Everything is static inline: each kernel compiles its own copy, nothing is exported.
   Define SMS_SCAN_PORTABLE before including this file to use the portable code even
   where SSE2 exists (tests/test_scan.py checks that both give the same answers). */

#ifndef SMSCODEC_SCAN_H
#define SMSCODEC_SCAN_H

#include <Python.h>
#include <stdint.h>
#include <string.h>

#if defined(_MSC_VER)
#include <intrin.h>
#define SMS_INLINE static __inline
#else
#define SMS_INLINE static inline
#endif

/* SSE2 is part of every x86-64 CPU (and of 32-bit x86 built with SSE2). */
#if !defined(SMS_SCAN_PORTABLE) && \
    (defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2))
#include <emmintrin.h>
#define SMS_HAVE_SSE2 1
#else
#define SMS_HAVE_SSE2 0
#endif


/* --- a str's PEP 393 storage -------------------------------------------------------- */

/* A str made by the legacy (wstr) C API is not "ready" until PyUnicode_READY fills its
   compact storage; before 3.12 that must be called (it may fail: -1 with MemoryError)
   before kind/data are read.  From 3.12 every str is ready and the call is deprecated. */
SMS_INLINE int sms_ready(PyObject *text) {
#if PY_VERSION_HEX < 0x030C0000
    return PyUnicode_READY(text);
#else
    (void)text;
    return 0;
#endif
}

/* 1, 2 or 4 bytes per code point (PyUnicode_1BYTE_KIND ...), its storage, its length
   in code points.  Valid while the caller holds a reference to the str. */
#define sms_kind(text) ((int)PyUnicode_KIND(text))
#define sms_data(text) ((const void *)PyUnicode_DATA(text))
#define sms_length(text) PyUnicode_GET_LENGTH(text)


/* The UTF-8 of a str, borrowed from the str itself: an ASCII str's own storage (read
   inline, no call), else the UTF-8 copy that CPython caches on the str.  NULL with no
   exception set when the str has no UTF-8 form (a lone surrogate: the caller reports it
   in its own words); NULL with the exception set for anything else (MemoryError).  The
   bytes live as long as the str. */
SMS_INLINE const char *sms_utf8(PyObject *text, Py_ssize_t *size) {
    const char *data;
    if (PyUnicode_IS_COMPACT_ASCII(text)) {
        *size = PyUnicode_GET_LENGTH(text);
        return (const char *)PyUnicode_DATA(text);
    }
    data = PyUnicode_AsUTF8AndSize(text, size);
    if (data == NULL && PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
        PyErr_Clear();
    return data;
}


/* --- bits ----------------------------------------------------------------------------- */

/* Index of the lowest set bit of x; x must not be 0. */
SMS_INLINE int sms_ctz64(uint64_t x) {
#if defined(_MSC_VER) && defined(_M_X64)
    unsigned long i;
    _BitScanForward64(&i, x);
    return (int)i;
#elif defined(_MSC_VER)
    unsigned long i;
    if ((uint32_t)x) {
        _BitScanForward(&i, (unsigned long)(uint32_t)x);
        return (int)i;
    }
    _BitScanForward(&i, (unsigned long)(x >> 32));
    return (int)i + 32;
#else
    return __builtin_ctzll(x);
#endif
}


/* --- SWAR: eight byte lanes (or four 16-bit lanes) of a 64-bit word ------------------
   Each test is exact as a whole (nonzero exactly when some lane matches); which high
   bits are set may be wrong above a matching lane, so never use it to locate a lane. */

#define SMS_ONES UINT64_C(0x0101010101010101)
#define SMS_HIGH UINT64_C(0x8080808080808080)
/* Four UTF-16 units: the top five bits of each, a surrogate's top five bits (11011)
   in each, 1 in each, the sign bit of each. */
#define SMS_U16_TOP5 UINT64_C(0xF800F800F800F800)
#define SMS_U16_SURR UINT64_C(0xD800D800D800D800)
#define SMS_U16_ONES UINT64_C(0x0001000100010001)
#define SMS_U16_HIGH UINT64_C(0x8000800080008000)

/* Nonzero when some byte of x is < n (n <= 0x80). */
SMS_INLINE uint64_t sms_any_below(uint64_t x, uint64_t n) {
    return (x - SMS_ONES * n) & ~x & SMS_HIGH;
}

/* Nonzero when some byte of x is > n (n <= 0x7F); every byte >= 0x80 counts. */
SMS_INLINE uint64_t sms_any_above(uint64_t x, uint64_t n) {
    return ((x + SMS_ONES * (127 - n)) | x) & SMS_HIGH;
}

/* Nonzero when some byte b of x has m < b < n (m <= 0x7F, n <= 0x80); exact per lane. */
SMS_INLINE uint64_t sms_any_between(uint64_t x, uint64_t m, uint64_t n) {
    uint64_t low = x & (SMS_ONES * 127);
    return (SMS_ONES * (127 + n) - low) & ~x & (low + SMS_ONES * (127 - m)) & SMS_HIGH;
}

/* Nonzero when some byte of x equals b: a zero byte of x ^ (b in every lane). */
SMS_INLINE uint64_t sms_any_equal(uint64_t x, uint64_t b) {
    uint64_t y = x ^ (SMS_ONES * b);
    return (y - SMS_ONES) & ~y & SMS_HIGH;
}

/* Nonzero when one of the four UTF-16 units of x is a surrogate (U+D800-U+DFFF). */
SMS_INLINE uint64_t sms_any_surrogate_u64(uint64_t x) {
    uint64_t y = (x & SMS_U16_TOP5) ^ SMS_U16_SURR;
    return (y - SMS_U16_ONES) & ~y & SMS_U16_HIGH;
}


/* --- "plain" characters: the one definition ------------------------------------------
   A plain character is a printable ASCII character that is one septet of the GSM 03.38
   default alphabet (TS 23.038 section 6.2.1): 0x20-0x5A (space to "Z"; "$" is septet
   0x02 and "@" septet 0x00), "_" (0x5F, septet 0x11) and "a"-"z" (0x61-0x7A).
   Not plain: the controls (LF and CR are GSM-7 but rare, the others are not), the
   extension characters [ \ ] ^ { | } ~ (two septets, an escape and a code: section
   6.2.1.1), "`" and DEL (in neither table), and every code point above 0x7F.
   A run of plain characters costs one septet, one UTF-16 unit and one code point per
   character and holds no escape: the counting kernels add a plain block's length and
   skip it.  tests/test_scan.py derives the same set from smscodec._tables. */

SMS_INLINE int sms_is_plain(uint32_t c) {
    return (c - 0x20u <= 0x5Au - 0x20u) | (c == 0x5Fu) | (c - 0x61u <= 0x7Au - 0x61u);
}

/* Zero when each of the eight bytes of x is plain. */
SMS_INLINE uint64_t sms_not_plain_u64(uint64_t x) {
    return sms_any_below(x, 0x20) | sms_any_above(x, 0x7A) | sms_any_between(x, 0x5A, 0x5F)
           | sms_any_equal(x, 0x60);
}

#if SMS_HAVE_SSE2
/* SSE2 compares are signed: adding 0x80 - lo (wrapping) moves [lo, hi] to the bottom of
   the signed range, [-128, hi - lo - 128], so one compare tests a range of unsigned
   values.  0xFF in each lane of the result, 0 elsewhere. */
#define SMS__OUTSIDE_U8(x, lo, hi) \
    _mm_cmpgt_epi8(_mm_add_epi8((x), _mm_set1_epi8((char)(0x80 - (lo)))), \
                   _mm_set1_epi8((char)(0x80 + (hi) - (lo))))
#define SMS__INSIDE_U8(x, lo, hi) \
    _mm_cmplt_epi8(_mm_add_epi8((x), _mm_set1_epi8((char)(0x80 - (lo)))), \
                   _mm_set1_epi8((char)(0x80 + (hi) - (lo) + 1)))
#define SMS__OUTSIDE_U16(x, lo, hi) \
    _mm_cmpgt_epi16(_mm_add_epi16((x), _mm_set1_epi16((short)(0x8000 - (lo)))), \
                    _mm_set1_epi16((short)(0x8000 + (hi) - (lo))))
#define SMS__INSIDE_U16(x, lo, hi) \
    _mm_cmplt_epi16(_mm_add_epi16((x), _mm_set1_epi16((short)(0x8000 - (lo)))), \
                    _mm_set1_epi16((short)(0x8000 + (hi) - (lo) + 1)))

/* 0xFF in each byte lane of x that is not plain: outside 0x20-0x7A, or one of 0x5B-0x5E
   ([ \ ] ^) and 0x60 ("`"), which leaves "_" (0x5F) plain. */
SMS_INLINE __m128i sms__not_plain_u8x16(__m128i x) {
    return _mm_or_si128(_mm_or_si128(SMS__OUTSIDE_U8(x, 0x20, 0x7A), SMS__INSIDE_U8(x, 0x5B, 0x5E)),
                        _mm_cmpeq_epi8(x, _mm_set1_epi8(0x60)));
}

/* The same for eight 16-bit units. */
SMS_INLINE __m128i sms__not_plain_u16x8(__m128i x) {
    return _mm_or_si128(_mm_or_si128(SMS__OUTSIDE_U16(x, 0x20, 0x7A), SMS__INSIDE_U16(x, 0x5B, 0x5E)),
                        _mm_cmpeq_epi16(x, _mm_set1_epi16(0x60)));
}
#endif

/* 1 when the 16 bytes at p are all plain. */
SMS_INLINE int sms_plain_u8x16(const uint8_t *p) {
#if SMS_HAVE_SSE2
    return _mm_movemask_epi8(sms__not_plain_u8x16(_mm_loadu_si128((const __m128i *)p))) == 0;
#else
    uint64_t w0, w1;
    memcpy(&w0, p, 8);
    memcpy(&w1, p + 8, 8);
    return (sms_not_plain_u64(w0) | sms_not_plain_u64(w1)) == 0;
#endif
}

/* 1 when the 32 bytes at p are all plain. */
SMS_INLINE int sms_plain_u8x32(const uint8_t *p) {
#if SMS_HAVE_SSE2
    __m128i odd = _mm_or_si128(sms__not_plain_u8x16(_mm_loadu_si128((const __m128i *)p)),
                               sms__not_plain_u8x16(_mm_loadu_si128((const __m128i *)(p + 16))));
    return _mm_movemask_epi8(odd) == 0;
#else
    uint64_t w0, w1, w2, w3;
    memcpy(&w0, p, 8);
    memcpy(&w1, p + 8, 8);
    memcpy(&w2, p + 16, 8);
    memcpy(&w3, p + 24, 8);
    return (sms_not_plain_u64(w0) | sms_not_plain_u64(w1) | sms_not_plain_u64(w2)
            | sms_not_plain_u64(w3)) == 0;
#endif
}

/* 1 when the eight 16-bit units at p are all plain. */
SMS_INLINE int sms_plain_u16x8(const uint16_t *p) {
#if SMS_HAVE_SSE2
    return _mm_movemask_epi8(sms__not_plain_u16x8(_mm_loadu_si128((const __m128i *)p))) == 0;
#else
    int plain = 1, i;
    for (i = 0; i < 8; i++)
        plain &= sms_is_plain(p[i]);
    return plain;
#endif
}


/* --- identity septets (decoding) -----------------------------------------------------
   An identity septet is a septet whose default-alphabet character has its own value as
   code point, so that decoding it is a copy: 0x20-0x7A except 0x24 (septet 0x24 is
   U+00A4, not "$"), 0x40 (U+00A1, not "@"), 0x5B-0x5E (the capitals with diaeresis and
   tilde), 0x5F (U+00A7, not "_") and 0x60 (U+00BF), TS 23.038 section 6.2.1.  (LF 0x0A
   and CR 0x0D are identities too but left out, as they are rare.)  Not the same set
   as the plain characters: "$", "@" and "_" are plain (one septet each) but not sent
   as their own value. */

SMS_INLINE int sms_is_identity(uint32_t b) {
    return (b - 0x20u <= 0x7Au - 0x20u) & (b - 0x5Bu > 0x60u - 0x5Bu) & (b != 0x24u) & (b != 0x40u);
}

/* Zero when each of the eight bytes of x is an identity septet. */
SMS_INLINE uint64_t sms_not_identity_u64(uint64_t x) {
    return sms_any_below(x, 0x20) | sms_any_above(x, 0x7A) | sms_any_between(x, 0x5A, 0x61)
           | sms_any_equal(x, 0x24) | sms_any_equal(x, 0x40);
}

/* Bit k set when byte k of the 16 at p is not an identity septet (0: all are). */
SMS_INLINE uint32_t sms_not_identity_mask_u8x16(const uint8_t *p) {
#if SMS_HAVE_SSE2
    __m128i x = _mm_loadu_si128((const __m128i *)p);
    __m128i odd = _mm_or_si128(SMS__OUTSIDE_U8(x, 0x20, 0x7A), SMS__INSIDE_U8(x, 0x5B, 0x60));
    __m128i signs = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x24)),
                                 _mm_cmpeq_epi8(x, _mm_set1_epi8(0x40)));
    return (uint32_t)_mm_movemask_epi8(_mm_or_si128(odd, signs));
#else
    uint64_t w0, w1;
    uint32_t mask = 0;
    int k;
    memcpy(&w0, p, 8);
    memcpy(&w1, p + 8, 8);
    if ((sms_not_identity_u64(w0) | sms_not_identity_u64(w1)) == 0)
        return 0;
    for (k = 0; k < 16; k++)
        mask |= (uint32_t)!sms_is_identity(p[k]) << k;
    return mask;
#endif
}


/* --- ASCII --------------------------------------------------------------------------- */

/* 1 when none of the n bytes at p has its high bit set: ASCII, which is valid UTF-8 and
   valid Latin-1 storage as it stands.  Whole blocks are OR-ed without a branch. */
SMS_INLINE int sms_is_ascii(const uint8_t *p, Py_ssize_t n) {
    Py_ssize_t i = 0;
    uint64_t acc = 0, w;
    int high = 0;
#if SMS_HAVE_SSE2
    __m128i wide = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16)
        wide = _mm_or_si128(wide, _mm_loadu_si128((const __m128i *)(p + i)));
    high = _mm_movemask_epi8(wide);
#endif
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= p[i];
    return high == 0 && (acc & SMS_HIGH) == 0;
}


/* --- widening ------------------------------------------------------------------------- */

/* The 16 bytes at p as 16 UTF-16 (UCS-2) units at out: a copy into a 2-byte str. */
SMS_INLINE void sms_widen_u8x16(const uint8_t *p, uint16_t *out) {
#if SMS_HAVE_SSE2
    __m128i x = _mm_loadu_si128((const __m128i *)p), zero = _mm_setzero_si128();
    _mm_storeu_si128((__m128i *)out, _mm_unpacklo_epi8(x, zero));
    _mm_storeu_si128((__m128i *)(out + 8), _mm_unpackhi_epi8(x, zero));
#else
    int k;
    for (k = 0; k < 16; k++)
        out[k] = p[k];
#endif
}


/* --- surrogates (UTF-16 units of a 2-byte str) ---------------------------------------- */

/* 1 when one of p[0:n] is a surrogate code point (in a 2-byte str each one is lone). */
SMS_INLINE int sms_has_surrogate_u16(const uint16_t *p, Py_ssize_t n) {
    Py_ssize_t i = 0;
    int found;
#if SMS_HAVE_SSE2
    __m128i acc = _mm_setzero_si128();
    const __m128i top5 = _mm_set1_epi16((short)0xF800), surrogate = _mm_set1_epi16((short)0xD800);
    for (; i + 8 <= n; i += 8) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + i));
        acc = _mm_or_si128(acc, _mm_cmpeq_epi16(_mm_and_si128(x, top5), surrogate));
    }
    found = _mm_movemask_epi8(acc) != 0;
#else
    uint64_t w, acc = 0;
    for (; i + 4 <= n; i += 4) {
        memcpy(&w, p + i, 8);
        acc |= sms_any_surrogate_u64(w);
    }
    found = acc != 0;
#endif
    for (; i < n; i++)
        found |= (p[i] & 0xF800) == 0xD800;
    return found;
}


/* --- nonzero bytes ---------------------------------------------------------------------- */

/* Bit k set when byte k of any of four 64-byte rows (rows: 256 bytes, row r at
   rows + 64 * r) is nonzero: the byte counters of four interleaved histograms OR-ed. */
SMS_INLINE uint64_t sms_nonzero_4x64(const uint8_t *rows) {
    uint64_t mask = 0;
    int q;
#if SMS_HAVE_SSE2
    for (q = 0; q < 4; q++) {
        __m128i x = _mm_or_si128(
            _mm_or_si128(_mm_loadu_si128((const __m128i *)(rows + 16 * q)),
                         _mm_loadu_si128((const __m128i *)(rows + 64 + 16 * q))),
            _mm_or_si128(_mm_loadu_si128((const __m128i *)(rows + 128 + 16 * q)),
                         _mm_loadu_si128((const __m128i *)(rows + 192 + 16 * q))));
        uint64_t empty = (uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128()));
        mask |= (~empty & 0xFFFFu) << (16 * q);
    }
#else
    for (q = 0; q < 64; q++)
        mask |= (uint64_t)((rows[q] | rows[64 + q] | rows[128 + q] | rows[192 + q]) != 0) << q;
#endif
    return mask;
}

#endif /* SMSCODEC_SCAN_H */
