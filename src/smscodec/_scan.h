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



/* === Whole-message tallies under the default tables ===================================
   One pass over a message's storage gives everything the default tables' count needs
   (TS 23.038 section 6.2.1 for the alphabet, TS 23.040 section 9.2.3.24 for the parts):
   its code points, its code points above U+FFFF (a surrogate pair, 2 UTF-16 units each,
   The Unicode Standard section 3.9), and, while every character so far is in the default
   alphabet or its extension table ("gsm"), the extension characters (an escape and a
   code: 2 septets each, section 6.2.1.1).  A GSM-7 message then has chars + escapes
   septets and a UCS-2 one chars + astral units; which of the two is sent, and how many
   parts, is the caller's arithmetic.  Once a character outside both tables is seen the
   GSM-7 count is dropped ("gsm" 0) and only the code points are counted on.

   Four storages: UTF-8 (Arrow, numpy StringDType; validated, RFC 3629 section 4), a str's
   1-byte storage (Latin-1: U+0000-U+00FF), its 2-byte storage (UCS-2, lone surrogates
   counted) and 4-byte storage (UCS-4, also numpy U rows: values above U+10FFFF refused).
   Each has a base version (SSE2 or SWAR block tests from above, scalar elsewhere) and,
   on x86 compilers with GCC's target attribute, an AVX2 version chosen at run time
   (sms_simd_level): 32 bytes per step, the ASCII classes by two nibble lookups
   (pshufb), UTF-8 validated by the three-lookup method of Keiser and Lemire ("Validating
   UTF-8 in less than one instruction per byte", Software: Practice and Experience 51(5),
   2021).  No version reads outside the storage it is given: a tail shorter than a step
   is loaded whole only when the caller says that many bytes are readable ("room"), else
   copied into a small buffer padded with spaces. */

/* The most bytes, and messages, a group pass (sms_utf8_group) takes at once. */
#define SMS_GROUP_BYTES 16384
#define SMS_GROUP_MESSAGES 512

typedef struct {
    Py_ssize_t chars;       /* code points */
    Py_ssize_t astral;      /* code points above U+FFFF */
    Py_ssize_t escapes;     /* extension characters (meaningful while gsm) */
    Py_ssize_t surrogates;  /* lone surrogate code points (2- and 4-byte storage) */
    int gsm;                /* every character is in the default alphabet or extension table */
} sms_tally;

/* The GSM-7 default alphabet outside ASCII (TS 23.038 section 6.2.1), as bitmaps of 64
   code points: bit k of word w is U+0080 + 64 w + k for the Latin-1 supplement, and
   U+0380 + k for the Greek capitals.  tests/test_scan.py derives them from the tables. */
#define SMS_LATIN1_GSM_LO UINT64_C(0x800000ba00000000)  /* U+0080-U+00BF: ¡ £ ¤ ¥ § ¿ */
#define SMS_LATIN1_GSM_HI UINT64_C(0x13461371914202f0)  /* U+00C0-U+00FF: Ä Å Æ Ç É ... ü */
#define SMS_GREEK_GSM UINT64_C(0x0000034949180000)      /* U+0380-U+03BF: Γ Δ Θ Λ Ξ Π Σ Φ Ψ Ω */
/* The one extension character outside ASCII (section 6.2.1.1): the euro sign, U+20AC,
   whose UTF-8 is E2 82 AC. */
#define SMS_EURO 0x20ACu

/* Septets of an ASCII character under the default tables: 1 for the default alphabet
   (the plain characters, LF and CR), 2 for the extension characters FF [ \ ] ^ { | } ~,
   0 for the others (the other controls, "`", DEL: in neither table).  c < 0x80. */
SMS_INLINE int sms_gsm_ascii(uint32_t c) {
    if (sms_is_plain(c) || c == 0x0Au || c == 0x0Du)
        return 1;
    return (c == 0x0Cu || c - 0x5Bu <= 3u || c - 0x7Bu <= 3u) ? 2 : 0;
}

/* Septets of any code point under the default tables (0: in neither table). */
SMS_INLINE int sms_gsm_cost(uint32_t c) {
    if (c < 0x80u)
        return sms_gsm_ascii(c);
    if (c < 0x100u)
        return (int)(((c < 0xC0u ? SMS_LATIN1_GSM_LO : SMS_LATIN1_GSM_HI) >> (c & 63u)) & 1u);
    if (c - 0x380u < 64u)
        return (int)((SMS_GREEK_GSM >> (c - 0x380u)) & 1u);
    return c == SMS_EURO ? 2 : 0;
}

/* The well-formed UTF-8 sequence at p[0:n] (n >= 1): its length, 1-4, with *cp its code
   point; 0 when ill-formed (RFC 3629 section 4, The Unicode Standard Table 3-7: no
   overlongs, no surrogates, nothing above U+10FFFF, no truncation).  A continuation
   byte is read only after checking it is inside p[0:n]. */
SMS_INLINE int sms_utf8_seq(const uint8_t *p, Py_ssize_t n, uint32_t *cp) {
    uint32_t b = p[0];
    if (b < 0x80u) {
        *cp = b;
        return 1;
    }
    if (b < 0xC2u)
        return 0; /* a continuation byte as lead, or an overlong 2-byte lead (C0, C1) */
    if (b < 0xE0u) {
        if (n < 2 || (p[1] & 0xC0u) != 0x80u)
            return 0;
        *cp = ((b & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        return 2;
    }
    if (b < 0xF0u) {
        /* Second byte A0-BF after E0 (no overlong), 80-9F after ED (no surrogate). */
        if (n < 3 || (p[1] & 0xC0u) != 0x80u || (p[2] & 0xC0u) != 0x80u || (b == 0xE0u && p[1] < 0xA0u)
            || (b == 0xEDu && p[1] > 0x9Fu))
            return 0;
        *cp = ((b & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        return 3;
    }
    if (b < 0xF5u) {
        /* Second byte 90-BF after F0 (no overlong), 80-8F after F4 (at most U+10FFFF). */
        if (n < 4 || (p[1] & 0xC0u) != 0x80u || (p[2] & 0xC0u) != 0x80u || (p[3] & 0xC0u) != 0x80u
            || (b == 0xF0u && p[1] < 0x90u) || (b == 0xF4u && p[1] > 0x8Fu))
            return 0;
        *cp = ((b & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        return 4;
    }
    return 0;
}

/* Offset of the lead byte of the first ill-formed sequence of p[0:n] (what Python's
   decoder reports as the error's start), or -1 when it is all well-formed. */
SMS_INLINE Py_ssize_t sms_utf8_error(const uint8_t *p, Py_ssize_t n) {
    Py_ssize_t i = 0;
    uint32_t cp;
    int len;
    while (i < n) {
        len = sms_utf8_seq(p + i, n - i, &cp);
        if (len == 0)
            return i;
        i += len;
    }
    return -1;
}

/* 1 when the 16 bytes at p are all below 0x80. */
SMS_INLINE int sms__ascii16(const uint8_t *p) {
#if SMS_HAVE_SSE2
    return _mm_movemask_epi8(_mm_loadu_si128((const __m128i *)p)) == 0;
#else
    uint64_t w0, w1;
    memcpy(&w0, p, 8);
    memcpy(&w1, p + 8, 8);
    return ((w0 | w1) & SMS_HIGH) == 0;
#endif
}

/* Septets of the 16 ASCII bytes at p added to *escapes as extension characters; 0 when
   one is in neither table. */
SMS_INLINE int sms__gsm_ascii16(const uint8_t *p, Py_ssize_t *escapes) {
    int k, cost;
    if (sms_plain_u8x16(p))
        return 1;
    for (k = 0; k < 16; k++) {
        cost = sms_gsm_ascii(p[k]);
        if (cost == 0)
            return 0;
        *escapes += cost >> 1;
    }
    return 1;
}


/* --- base versions ---------------------------------------------------------------------- */

/* UTF-8: -1 when p[0:n] is well-formed (with *t filled), else the offset of the first
   ill-formed sequence.  ``gsm`` 0: count code points only. */
SMS_INLINE Py_ssize_t sms__utf8_base(const uint8_t *p, Py_ssize_t n, int gsm, sms_tally *t) {
    Py_ssize_t i = 0, chars = 0, astral = 0, escapes = 0;
    uint32_t cp;
    int len, cost;
    while (i < n) {
        if (n - i >= 16 && sms__ascii16(p + i)) {
            if (gsm)
                gsm = sms__gsm_ascii16(p + i, &escapes);
            chars += 16;
            i += 16;
            continue;
        }
        len = sms_utf8_seq(p + i, n - i, &cp);
        if (len == 0)
            return i;
        chars += 1;
        astral += len == 4;
        if (gsm) {
            cost = sms_gsm_cost(cp);
            gsm = cost != 0;
            escapes += cost >> 1;
        }
        i += len;
    }
    t->chars = chars;
    t->astral = astral;
    t->escapes = gsm ? escapes : 0;
    t->surrogates = 0;
    t->gsm = gsm;
    return -1;
}

/* A str's 1-byte storage: code points U+0000-U+00FF, one per byte. */
SMS_INLINE void sms__latin1_base(const uint8_t *p, Py_ssize_t n, int gsm, sms_tally *t) {
    Py_ssize_t i = 0, escapes = 0;
    int cost;
    for (; gsm && i + 16 <= n; i += 16) {
        if (sms__ascii16(p + i)) {
            gsm = sms__gsm_ascii16(p + i, &escapes);
            continue;
        }
        break;
    }
    for (; gsm && i < n; i++) {
        cost = sms_gsm_cost(p[i]);
        gsm = cost != 0;
        escapes += cost >> 1;
    }
    t->chars = n;
    t->astral = 0;
    t->escapes = gsm ? escapes : 0;
    t->surrogates = 0;
    t->gsm = gsm;
}

/* A str's 2-byte storage: every unit is a code point (a surrogate one is lone). */
SMS_INLINE void sms__ucs2_base(const uint16_t *p, Py_ssize_t n, int gsm, sms_tally *t) {
    Py_ssize_t i = 0, escapes = 0;
    int cost;
    for (; gsm && i < n; i++) {
        cost = sms_gsm_cost(p[i]);
        gsm = cost != 0;
        escapes += cost >> 1;
    }
    t->chars = n;
    t->astral = 0;
    t->escapes = gsm ? escapes : 0;
    t->surrogates = gsm ? 0 : sms_has_surrogate_u16(p, n);
    t->gsm = gsm;
}

/* 4-byte storage: -1 with *t filled, or the position of the first value above U+10FFFF. */
SMS_INLINE Py_ssize_t sms__ucs4_base(const uint32_t *p, Py_ssize_t n, int gsm, sms_tally *t) {
    Py_ssize_t i, escapes = 0, astral = 0, surrogates = 0;
    uint32_t c;
    int cost;
    for (i = 0; i < n; i++) {
        c = p[i];
        if (c > 0x10FFFFu)
            return i;
        astral += c > 0xFFFFu;
        surrogates += (c & 0xFFFFF800u) == 0xD800u;
        if (gsm) {
            cost = sms_gsm_cost(c);
            gsm = cost != 0;
            escapes += cost >> 1;
        }
    }
    t->chars = n;
    t->astral = astral;
    t->escapes = gsm ? escapes : 0;
    t->surrogates = surrogates;
    t->gsm = gsm;
    return -1;
}

/* Length of a numpy U row of ``width`` units without its trailing U+0000 padding. */
SMS_INLINE Py_ssize_t sms__ucs4_length_base(const uint32_t *p, Py_ssize_t width) {
    while (width >= 4 && (p[width - 1] | p[width - 2] | p[width - 3] | p[width - 4]) == 0)
        width -= 4;
    while (width && p[width - 1] == 0)
        width -= 1;
    return width;
}


/* --- AVX2 versions (x86 GCC and Clang: the target attribute, chosen at run time) ---------- */

#if SMS_HAVE_SSE2 && !defined(SMS_SCAN_NO_AVX2) && (defined(__GNUC__) || defined(__clang__)) \
    && (defined(__x86_64__) || defined(__i386__))
#define SMS_HAVE_AVX2 1
#include <immintrin.h>
#define SMS_AVX2 __attribute__((target("avx2,popcnt")))

/* 32 x 0xFF then 32 x 0x00: loading 32 bytes at sms__lanes + 32 - r gives r lanes of 0xFF. */
static const uint8_t sms__lanes[64] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};

/* The 32 bytes of the step at p, r (< 32) of which are the message's: the rest spaces. */
SMS_AVX2 static inline __m256i sms__tail_avx2(const uint8_t *p, Py_ssize_t r, Py_ssize_t room) {
    uint8_t copy[32];
    if (room >= 32) {
        __m256i keep = _mm256_loadu_si256((const __m256i *)(sms__lanes + 32 - r));
        return _mm256_blendv_epi8(_mm256_set1_epi8(0x20), _mm256_loadu_si256((const __m256i *)p), keep);
    }
    memset(copy, 0x20, 32);
    memcpy(copy, p, (size_t)r);
    return _mm256_loadu_si256((const __m256i *)copy);
}

/* The ASCII classes of the 32 bytes of x: bits 0-1 (0x03) set in an extension character's
   lane, bits 2-5 (0x3C) in the lane of a character in neither table, 0 in a default
   alphabet character's lane and in every lane >= 0x80.  Each class is a set of (high
   nibble, low nibble) pairs, so looking up both nibbles and AND-ing the two finds it:
   0x01 high 5 or 7, low B-E ([ \ ] ^ { | } ~); 0x02 high 0, low C (FF); 0x04 high 0, low
   0-9, B, E, F (the controls but LF, FF, CR); 0x08 high 1 (the other controls); 0x10
   0x60 ("`"); 0x20 0x7F (DEL).  pshufb gives 0 for an index >= 0x80, so indexing the
   low-nibble table by the byte itself leaves non-ASCII lanes 0. */
SMS_AVX2 static inline __m256i sms__classes_avx2(__m256i x) {
    const __m256i by_high = _mm256_setr_epi8(0x06, 0x08, 0, 0, 0, 0x01, 0x10, 0x21, 0, 0, 0, 0, 0, 0, 0, 0,
                                             0x06, 0x08, 0, 0, 0, 0x01, 0x10, 0x21, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i by_low = _mm256_setr_epi8(0x1C, 0x0C, 0x0C, 0x0C, 0x0C, 0x0C, 0x0C, 0x0C, 0x0C, 0x0C, 0x08,
                                            0x0D, 0x0B, 0x09, 0x0D, 0x2C, 0x1C, 0x0C, 0x0C, 0x0C, 0x0C, 0x0C,
                                            0x0C, 0x0C, 0x0C, 0x0C, 0x08, 0x0D, 0x0B, 0x09, 0x0D, 0x2C);
    __m256i high = _mm256_and_si256(_mm256_srli_epi16(x, 4), _mm256_set1_epi8(0x0F));
    return _mm256_and_si256(_mm256_shuffle_epi8(by_high, high), _mm256_shuffle_epi8(by_low, x));
}

#define SMS__EXT_CLASSES 0x03
#define SMS__BAD_CLASSES 0x3C

/* The ASCII lanes of x: 0 when one is in neither table, else 1 with the extension
   characters' lanes added to *escapes. */
SMS_AVX2 static inline int sms__gsm_ascii_avx2(__m256i x, Py_ssize_t *escapes) {
    __m256i classes = sms__classes_avx2(x);
    if (!_mm256_testz_si256(classes, _mm256_set1_epi8(SMS__BAD_CLASSES)))
        return 0;
    if (_mm256_testz_si256(classes, classes))
        return 1;
    *escapes += __builtin_popcount((uint32_t)_mm256_movemask_epi8(
        _mm256_cmpgt_epi8(_mm256_and_si256(classes, _mm256_set1_epi8(SMS__EXT_CLASSES)), _mm256_setzero_si256())));
    return 1;
}

/* Bytes of x shifted by k lanes towards the end, the last k of ``prev`` coming in. */
#define SMS__PREV_AVX2(x, prev, k) \
    _mm256_alignr_epi8((x), _mm256_permute2x128_si256((prev), (x), 0x21), 16 - (k))

/* Keiser and Lemire's error bits for each pair (previous byte, byte): every bit is a set
   of (high nibble of the previous byte, its low nibble, high nibble of the byte) that is
   an error, so the three lookups AND-ed are nonzero exactly in an ill-formed pair.
   0x01 a lead before ASCII or a lead (too short); 0x02 ASCII before a continuation (too
   long); 0x04 E0 before 80-9F (overlong 3-byte); 0x08 F4 before 90-BF or F5-FF before
   90-BF (above U+10FFFF); 0x10 ED before A0-BF (a surrogate); 0x20 C0 or C1 before a
   continuation (overlong 2-byte); 0x40 F0 before 80-8F (overlong 4-byte) or F5-FF before
   80-8F; 0x80 a continuation before a continuation, an error unless the byte is the third
   or fourth of its sequence: that is checked apart (sms__utf8_check_avx2). */
SMS_AVX2 static inline __m256i sms__utf8_pairs_avx2(__m256i x, __m256i prev1) {
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i prev_high = _mm256_setr_epi8(
        0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, (char)0x80, (char)0x80, (char)0x80, (char)0x80, 0x21, 0x01,
        0x15, 0x49, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, (char)0x80, (char)0x80, (char)0x80, (char)0x80,
        0x21, 0x01, 0x15, 0x49);
    const __m256i prev_low = _mm256_setr_epi8(
        (char)0xE7, (char)0xA3, (char)0x83, (char)0x83, (char)0x8B, (char)0xCB, (char)0xCB, (char)0xCB,
        (char)0xCB, (char)0xCB, (char)0xCB, (char)0xCB, (char)0xCB, (char)0xDB, (char)0xCB, (char)0xCB,
        (char)0xE7, (char)0xA3, (char)0x83, (char)0x83, (char)0x8B, (char)0xCB, (char)0xCB, (char)0xCB,
        (char)0xCB, (char)0xCB, (char)0xCB, (char)0xCB, (char)0xCB, (char)0xDB, (char)0xCB, (char)0xCB);
    const __m256i this_high = _mm256_setr_epi8(
        0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, (char)0xE6, (char)0xAE, (char)0xBA, (char)0xBA, 0x01, 0x01,
        0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, (char)0xE6, (char)0xAE, (char)0xBA, (char)0xBA,
        0x01, 0x01, 0x01, 0x01);
    __m256i a = _mm256_shuffle_epi8(prev_high, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), nibble));
    __m256i b = _mm256_shuffle_epi8(prev_low, _mm256_and_si256(prev1, nibble));
    __m256i c = _mm256_shuffle_epi8(this_high, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble));
    return _mm256_and_si256(_mm256_and_si256(a, b), c);
}

/* Nonzero lanes where x (after ``prev``, the step before) is not well-formed UTF-8: the
   pair errors, with bit 0x80 flipped where the byte must be the third or fourth of a
   sequence (two or three bytes after a lead E0-EF or F0-F7: subtracting E0 - 80 or F0 -
   80 with unsigned saturation leaves bit 7 set exactly there). */
SMS_AVX2 static inline __m256i sms__utf8_check_avx2(__m256i x, __m256i prev) {
    __m256i pairs = sms__utf8_pairs_avx2(x, SMS__PREV_AVX2(x, prev, 1));
    __m256i third = _mm256_subs_epu8(SMS__PREV_AVX2(x, prev, 2), _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(SMS__PREV_AVX2(x, prev, 3), _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i must = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must, pairs);
}

/* Nonzero when the last bytes of x start a sequence longer than what is left of x: a
   lead F0-FF in the last three lanes, E0-FF in the last two, C0-FF in the last one. */
SMS_AVX2 static inline __m256i sms__utf8_open_avx2(__m256i x) {
    const __m256i most = _mm256_setr_epi8(
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, (char)0xEF, (char)0xDF, (char)0xBF);
    return _mm256_subs_epu8(x, most);
}

/* The ASCII classes of a whole text, step by step: the OR of its bytes (is it ASCII?),
   the OR of its classes (one in neither table?) and its extension characters, counted
   per lane in ``count`` (a lane gains at most 1 a step: flushed into *escapes every 255
   steps by the caller, through sms__lane_sum_avx2). */
typedef struct {
    __m256i any, classes, count;
} sms__ascii_scan;

SMS_AVX2 static inline void sms__ascii_step_avx2(sms__ascii_scan *a, __m256i x) {
    __m256i classes = sms__classes_avx2(x);
    a->any = _mm256_or_si256(a->any, x);
    a->classes = _mm256_or_si256(a->classes, classes);
    a->count = _mm256_sub_epi8(a->count, _mm256_cmpgt_epi8(_mm256_and_si256(classes, _mm256_set1_epi8(SMS__EXT_CLASSES)),
                                                           _mm256_setzero_si256()));
}

/* The sum of the 32 byte counters of x. */
SMS_AVX2 static inline Py_ssize_t sms__lane_sum_avx2(__m256i x) {
    __m256i sums = _mm256_sad_epu8(x, _mm256_setzero_si256());
    __m128i half = _mm_add_epi64(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
    return (Py_ssize_t)((uint64_t)_mm_cvtsi128_si64(half) + (uint64_t)_mm_extract_epi64(half, 1));
}

/* Pass 1 over p[0:n] (p[0:room] readable): the ASCII classes of every byte (a byte
   >= 0x80 has none).  Returns 1 when every byte is ASCII. */
SMS_AVX2 static inline int sms__ascii_pass_avx2(const uint8_t *p, Py_ssize_t n, Py_ssize_t room, int *gsm,
                                                Py_ssize_t *escapes) {
    sms__ascii_scan a;
    Py_ssize_t i = 0, stop;
    a.any = a.classes = a.count = _mm256_setzero_si256();
    *escapes = 0;
    while (n - i >= 32) {
        stop = n - i >= 255 * 32 ? i + 255 * 32 : n - 31;
        for (; i < stop; i += 32)
            sms__ascii_step_avx2(&a, _mm256_loadu_si256((const __m256i *)(p + i)));
        *escapes += sms__lane_sum_avx2(a.count);
        a.count = _mm256_setzero_si256();
    }
    if (i < n) {
        sms__ascii_step_avx2(&a, sms__tail_avx2(p + i, n - i, room - i));
        *escapes += sms__lane_sum_avx2(a.count);
    }
    *gsm = _mm256_testz_si256(a.classes, _mm256_set1_epi8(SMS__BAD_CLASSES));
    return _mm256_movemask_epi8(a.any) == 0;
}

SMS_AVX2 static inline int sms__utf8_avx2(const uint8_t *p, Py_ssize_t n, Py_ssize_t room, int gsm, sms_tally *t) {
    __m256i prev = _mm256_setzero_si256(), open = _mm256_setzero_si256(), bad = _mm256_setzero_si256(), x;
    Py_ssize_t i, chars = 0, astral = 0, escapes = 0, r, at;
    uint32_t high, leads, wide, euro;
    int k, ascii_gsm;
    t->surrogates = 0;
    if (gsm) {
        /* Most texts are ASCII: then pass 1 is all there is (ASCII is well-formed). */
        if (sms__ascii_pass_avx2(p, n, room, &ascii_gsm, &escapes)) {
            t->chars = n;
            t->astral = 0;
            t->escapes = ascii_gsm ? escapes : 0;
            t->gsm = ascii_gsm;
            return 0;
        }
        gsm = ascii_gsm;
    }
    /* Pass 2: validate, count code points, look up the non-ASCII characters while the
       text may still be GSM-7 (its ASCII was classified by pass 1, escapes counted). */
    for (i = 0; i < n; i += 32) {
        r = n - i;
        if (r >= 32) {
            x = _mm256_loadu_si256((const __m256i *)(p + i));
            r = 32;
        } else {
            x = sms__tail_avx2(p + i, r, room - i);
        }
        high = (uint32_t)_mm256_movemask_epi8(x);
        if (high == 0) {
            /* ASCII: well-formed unless the step before ended inside a sequence. */
            bad = _mm256_or_si256(bad, open);
            open = _mm256_setzero_si256();
            chars += r;
        } else {
            bad = _mm256_or_si256(bad, sms__utf8_check_avx2(x, prev));
            open = sms__utf8_open_avx2(x);
            /* Code points: the bytes but continuations (80-BF, below -64 as signed). */
            chars += r - __builtin_popcount(
                (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(_mm256_set1_epi8(-64), x)));
            /* Above U+FFFF: the 4-byte leads F0-F4 (F5-FF are errors), >= F0 unsigned. */
            astral += __builtin_popcount((uint32_t)_mm256_movemask_epi8(
                _mm256_cmpeq_epi8(_mm256_max_epu8(x, _mm256_set1_epi8((char)0xF0)), x)));
            if (gsm) {
                /* Leads (C0-FF, above -65 as signed); of them E0-FF (3- and 4-byte): only
                   E2 may start the euro sign, every other one is in neither table. */
                leads = high & (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(x, _mm256_set1_epi8(-65)));
                wide = high & (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(x, _mm256_set1_epi8(-33)));
                euro = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0xE2)));
                if (wide & ~euro)
                    gsm = 0;
                leads &= ~wide;
                while (gsm && leads) {
                    k = __builtin_ctz(leads);
                    leads &= leads - 1;
                    at = i + k;
                    if (at + 1 >= n || (p[at + 1] & 0xC0u) != 0x80u)
                        gsm = 0; /* ill-formed: the check above fails the message */
                    else
                        gsm = sms_gsm_cost(((p[at] & 0x1Fu) << 6) | (p[at + 1] & 0x3Fu)) != 0;
                }
                while (gsm && euro) {
                    k = __builtin_ctz(euro);
                    euro &= euro - 1;
                    at = i + k;
                    gsm = at + 2 < n && p[at + 1] == 0x82u && p[at + 2] == 0xACu;
                    escapes += 1;
                }
            }
        }
        prev = x;
    }
    bad = _mm256_or_si256(bad, open);
    if (!_mm256_testz_si256(bad, bad))
        return -1;
    t->chars = chars;
    t->astral = astral;
    t->escapes = gsm ? escapes : 0;
    t->gsm = gsm;
    return 0;
}

/* 1-byte storage: no validation; a tail is loaded overlapping the step before (the lanes
   already seen turned into spaces), or copied when the whole text is shorter than a step. */
SMS_AVX2 static inline void sms__latin1_avx2(const uint8_t *p, Py_ssize_t n, int gsm, sms_tally *t) {
    Py_ssize_t i, escapes = 0, r;
    const uint8_t *base;
    uint8_t copy[32];
    uint32_t high;
    __m256i x;
    int k;
    t->chars = n;
    t->astral = 0;
    t->surrogates = 0;
    t->escapes = 0;
    t->gsm = 0;
    if (!gsm)
        return;
    /* Pass 1 (only p[0:n] is readable: a str's storage). */
    if (sms__ascii_pass_avx2(p, n, n, &gsm, &escapes) || !gsm) {
        t->escapes = gsm ? escapes : 0;
        t->gsm = gsm;
        return;
    }
    /* Pass 2: look up each byte >= 0x80 (U+0080-U+00FF) until one is in neither table. */
    for (i = 0; gsm && i < n; i += 32) {
        r = n - i;
        if (r >= 32) {
            base = p + i;
        } else if (n >= 32) {
            base = p + n - 32; /* overlapping the step before: its bytes are looked up again */
        } else {
            memset(copy, 0x20, 32);
            memcpy(copy, p, (size_t)n);
            base = copy;
        }
        x = _mm256_loadu_si256((const __m256i *)base);
        high = (uint32_t)_mm256_movemask_epi8(x);
        while (gsm && high) {
            k = __builtin_ctz(high);
            high &= high - 1;
            gsm = sms_gsm_cost(base[k]) != 0;
        }
    }
    t->escapes = gsm ? escapes : 0;
    t->gsm = gsm;
}

/* Many short UTF-8 messages back to back (an Arrow array's data between two offsets):
   one pass over all their bytes, 64 at a time, leaves per 64-byte chunk four bitmasks
   (continuation bytes, 4-byte leads, characters in neither GSM-7 table, extension
   characters, each marked at its lead byte) and the counts of each before the chunk;
   a message's tally is then the difference of two ranks (count before its end minus
   count before its start), a few popcounts whatever its length.  The bytes are checked
   as one stream (sms__utf8_check_avx2), and each message as well-formed on its own
   when its first byte is no continuation: a well-formed stream cut where a sequence
   starts falls apart into well-formed pieces. */
typedef struct {
    uint64_t mask[4];    /* SMS__CONT, SMS__ASTRAL, SMS__BAD, SMS__ESC: bit k is byte k */
    uint32_t before[4];  /* the same bits in the chunks before */
} sms__chunk;

#define SMS__CONT 0
#define SMS__ASTRAL 1
#define SMS__BAD 2
#define SMS__ESC 3

SMS_AVX2 static inline uint64_t sms__mask64_avx2(__m256i a, __m256i b) {
    return (uint32_t)_mm256_movemask_epi8(a) | (uint64_t)(uint32_t)_mm256_movemask_epi8(b) << 32;
}

/* Lanes of x whose classes hold a bit of ``bits`` (0xFF there). */
SMS_AVX2 static inline __m256i sms__has_avx2(__m256i classes, int bits) {
    return _mm256_cmpgt_epi8(_mm256_and_si256(classes, _mm256_set1_epi8((char)bits)), _mm256_setzero_si256());
}

/* The 32 bytes at p + i of a stream of n bytes (p[0:room] readable), spaces past n. */
SMS_AVX2 static inline __m256i sms__stream_avx2(const uint8_t *p, Py_ssize_t i, Py_ssize_t n, Py_ssize_t room) {
    if (n - i >= 32)
        return _mm256_loadu_si256((const __m256i *)(p + i));
    if (i >= n)
        return _mm256_set1_epi8(0x20);
    return sms__tail_avx2(p + i, n - i, room - i);
}

SMS_AVX2 static inline int sms__utf8_group_avx2(const uint8_t *data, Py_ssize_t size, const int64_t *bounds,
                                                Py_ssize_t m, sms_tally *out) {
    sms__chunk chunks[SMS_GROUP_BYTES / 64 + 1];
    const uint8_t *p = data + bounds[0];
    Py_ssize_t n = (Py_ssize_t)(bounds[m] - bounds[0]), room = size - (Py_ssize_t)bounds[0], i, at, c, q;
    Py_ssize_t lo, hi, prev_rank[4], rank[4];
    __m256i prev = _mm256_setzero_si256(), open = _mm256_setzero_si256(), bad = _mm256_setzero_si256();
    __m256i x0, x1, c0, c1;
    uint64_t high, lead2, wide, euro, look, bit, masks[4], below;
    uint32_t before[4] = {0, 0, 0, 0};
    uint32_t b;
    int f, k;
    if (n > SMS_GROUP_BYTES)
        return -2;
    for (c = 0, i = 0; i < n; c++, i += 64) {
        x0 = sms__stream_avx2(p, i, n, room);
        x1 = sms__stream_avx2(p, i + 32, n, room);
        c0 = sms__classes_avx2(x0);
        c1 = sms__classes_avx2(x1);
        masks[SMS__BAD] = sms__mask64_avx2(sms__has_avx2(c0, SMS__BAD_CLASSES), sms__has_avx2(c1, SMS__BAD_CLASSES));
        masks[SMS__ESC] = sms__mask64_avx2(sms__has_avx2(c0, SMS__EXT_CLASSES), sms__has_avx2(c1, SMS__EXT_CLASSES));
        high = sms__mask64_avx2(x0, x1);
        if (high == 0) {
            /* ASCII: well-formed unless the chunk before ended inside a sequence. */
            bad = _mm256_or_si256(bad, open);
            open = _mm256_setzero_si256();
            masks[SMS__CONT] = masks[SMS__ASTRAL] = 0;
        } else {
            bad = _mm256_or_si256(bad, _mm256_or_si256(sms__utf8_check_avx2(x0, prev), sms__utf8_check_avx2(x1, x0)));
            open = sms__utf8_open_avx2(x1);
            masks[SMS__CONT] = sms__mask64_avx2(_mm256_cmpgt_epi8(_mm256_set1_epi8(-64), x0),
                                                _mm256_cmpgt_epi8(_mm256_set1_epi8(-64), x1));
            masks[SMS__ASTRAL] = sms__mask64_avx2(
                _mm256_cmpeq_epi8(_mm256_max_epu8(x0, _mm256_set1_epi8((char)0xF0)), x0),
                _mm256_cmpeq_epi8(_mm256_max_epu8(x1, _mm256_set1_epi8((char)0xF0)), x1));
            /* Leads: C0-DF (2-byte), E0-FF (wider; above -33 as signed).  Only the 2-byte
               leads C2, C3 (Latin-1) and CE (Greek) and the 3-byte E2 (the euro sign) can
               start a GSM-7 character: those are looked up, the others are in neither. */
            wide = high & sms__mask64_avx2(_mm256_cmpgt_epi8(x0, _mm256_set1_epi8(-33)),
                                           _mm256_cmpgt_epi8(x1, _mm256_set1_epi8(-33)));
            lead2 = high & ~wide & ~masks[SMS__CONT];
            euro = sms__mask64_avx2(_mm256_cmpeq_epi8(x0, _mm256_set1_epi8((char)0xE2)),
                                    _mm256_cmpeq_epi8(x1, _mm256_set1_epi8((char)0xE2)));
            look = sms__mask64_avx2(
                _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x0, _mm256_set1_epi8((char)0xC2)),
                                                _mm256_cmpeq_epi8(x0, _mm256_set1_epi8((char)0xC3))),
                                _mm256_cmpeq_epi8(x0, _mm256_set1_epi8((char)0xCE))),
                _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x1, _mm256_set1_epi8((char)0xC2)),
                                                _mm256_cmpeq_epi8(x1, _mm256_set1_epi8((char)0xC3))),
                                _mm256_cmpeq_epi8(x1, _mm256_set1_epi8((char)0xCE))));
            masks[SMS__BAD] |= (lead2 & ~look) | (wide & ~euro);
            look |= euro;
            while (look) {
                k = __builtin_ctzll(look);
                bit = look & (0 - look);
                look ^= bit;
                at = i + k;
                /* A continuation is read only inside the stream (else: ill-formed). */
                if (p[at] == 0xE2u) {
                    if (at + 2 < n && p[at + 1] == 0x82u && p[at + 2] == 0xACu)
                        masks[SMS__ESC] |= bit;
                    else
                        masks[SMS__BAD] |= bit;
                } else if (at + 1 >= n || sms_gsm_cost(((p[at] & 0x1Fu) << 6) | (p[at + 1] & 0x3Fu)) == 0) {
                    masks[SMS__BAD] |= bit;
                }
            }
        }
        prev = x1;
        for (f = 0; f < 4; f++) {
            chunks[c].mask[f] = masks[f];
            chunks[c].before[f] = before[f];
            before[f] += (uint32_t)__builtin_popcountll(masks[f]);
        }
    }
    bad = _mm256_or_si256(bad, open);
    if (!_mm256_testz_si256(bad, bad))
        return -1;
    /* The sentinel chunk: a message may end where the stream does, at a chunk's start. */
    for (f = 0; f < 4; f++) {
        chunks[c].mask[f] = 0;
        chunks[c].before[f] = before[f];
        prev_rank[f] = 0;
    }
    for (q = 0; q < m; q++) {
        lo = (Py_ssize_t)(bounds[q] - bounds[0]);
        hi = (Py_ssize_t)(bounds[q + 1] - bounds[0]);
        c = hi >> 6;
        b = (uint32_t)(hi & 63);
        below = (UINT64_C(1) << b) - 1;
        for (f = 0; f < 4; f++)
            rank[f] = chunks[c].before[f] + __builtin_popcountll(chunks[c].mask[f] & below);
        /* A message may not start inside a sequence (its first byte a continuation). */
        if (hi > lo && (chunks[lo >> 6].mask[SMS__CONT] >> (lo & 63)) & 1)
            return -1;
        out[q].chars = (hi - lo) - (rank[SMS__CONT] - prev_rank[SMS__CONT]);
        out[q].astral = rank[SMS__ASTRAL] - prev_rank[SMS__ASTRAL];
        out[q].gsm = rank[SMS__BAD] == prev_rank[SMS__BAD];
        out[q].escapes = out[q].gsm ? rank[SMS__ESC] - prev_rank[SMS__ESC] : 0;
        out[q].surrogates = 0;
        for (f = 0; f < 4; f++)
            prev_rank[f] = rank[f];
    }
    return 0;
}

/* 32 units of 2- or 4-byte storage narrowed to bytes for the ASCII classes: every value
   >= 0x80 becomes a byte >= 0x80 or 0 (a value >= 0x8000), both outside the default
   alphabet's ASCII, which keeps a GSM-7 verdict right (no default character is >= 0x8000;
   the ones from 0x80 up are looked up by the caller). */
SMS_AVX2 static inline __m256i sms__narrow16_avx2(__m256i a, __m256i b) {
    /* packus works within 128-bit lanes: put the quarters back in order. */
    return _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), 0xD8);
}

/* A vector of 16 units at p + i (i < n), spaces past n. */
SMS_AVX2 static inline __m256i sms__load_u16_avx2(const uint16_t *p, Py_ssize_t i, Py_ssize_t n) {
    uint16_t copy[16];
    int k;
    if (n - i >= 16)
        return _mm256_loadu_si256((const __m256i *)(p + i));
    for (k = 0; k < 16; k++)
        copy[k] = i + k < n ? p[i + k] : 0x20;
    return _mm256_loadu_si256((const __m256i *)copy);
}

SMS_AVX2 static inline void sms__ucs2_avx2(const uint16_t *p, Py_ssize_t n, int gsm, sms_tally *t) {
    Py_ssize_t i, escapes = 0, at;
    uint32_t high;
    __m256i a, b, x, surrogate = _mm256_setzero_si256();
    const __m256i top5 = _mm256_set1_epi16((short)0xF800), lone = _mm256_set1_epi16((short)0xD800);
    int k;
    for (i = 0; i < n && gsm; i += 32) {
        a = sms__load_u16_avx2(p, i, n);
        b = i + 16 < n ? sms__load_u16_avx2(p, i + 16, n) : _mm256_set1_epi16(0x20);
        x = sms__narrow16_avx2(a, b);
        gsm = sms__gsm_ascii_avx2(x, &escapes);
        high = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(x, _mm256_set1_epi8((char)0x80)), x));
        high |= (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, _mm256_setzero_si256()));
        while (gsm && high) {
            k = __builtin_ctz(high);
            high &= high - 1;
            at = i + k;
            gsm = sms_gsm_cost(p[at]) != 0; /* a lane past n is a space: never here */
            escapes += p[at] == SMS_EURO;
        }
    }
    if (!gsm) {
        for (i = 0; i + 16 <= n; i += 16)
            surrogate = _mm256_or_si256(surrogate, _mm256_cmpeq_epi16(
                _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(p + i)), top5), lone));
        t->surrogates = !_mm256_testz_si256(surrogate, surrogate);
        for (; i < n; i++)
            t->surrogates |= (p[i] & 0xF800u) == 0xD800u;
    } else {
        t->surrogates = 0;
    }
    t->chars = n;
    t->astral = 0;
    t->escapes = gsm ? escapes : 0;
    t->gsm = gsm;
}

/* A vector of 8 units at p + i, spaces past n. */
SMS_AVX2 static inline __m256i sms__load_u32_avx2(const uint32_t *p, Py_ssize_t i, Py_ssize_t n) {
    uint32_t copy[8];
    int k;
    if (n - i >= 8)
        return _mm256_loadu_si256((const __m256i *)(p + i));
    if (i >= n)
        return _mm256_set1_epi32(0x20);
    for (k = 0; k < 8; k++)
        copy[k] = i + k < n ? p[i + k] : 0x20u;
    return _mm256_loadu_si256((const __m256i *)copy);
}

SMS_AVX2 static inline Py_ssize_t sms__ucs4_avx2(const uint32_t *p, Py_ssize_t n, int gsm, sms_tally *t) {
    Py_ssize_t i, escapes = 0, at;
    uint32_t high;
    __m256i v0, v1, v2, v3, x, top = _mm256_setzero_si256();
    __m256i astral = _mm256_setzero_si256(), surrogates = _mm256_setzero_si256();
    const __m256i bmp = _mm256_set1_epi32(0xFFFF), top5 = _mm256_set1_epi32((int)0xFFFFF800u);
    const __m256i lone = _mm256_set1_epi32(0xD800);
    uint32_t lanes[8];
    Py_ssize_t a = 0, s = 0;
    int k;
    for (i = 0; i < n; i += 32) {
        v0 = sms__load_u32_avx2(p, i, n);
        v1 = sms__load_u32_avx2(p, i + 8, n);
        v2 = sms__load_u32_avx2(p, i + 16, n);
        v3 = sms__load_u32_avx2(p, i + 24, n);
        top = _mm256_max_epu32(top, _mm256_max_epu32(_mm256_max_epu32(v0, v1), _mm256_max_epu32(v2, v3)));
        /* Counts per 32-bit lane (-1 per match): at most n / 8 each, no overflow. */
        astral = _mm256_add_epi32(astral, _mm256_add_epi32(
            _mm256_add_epi32(_mm256_cmpgt_epi32(v0, bmp), _mm256_cmpgt_epi32(v1, bmp)),
            _mm256_add_epi32(_mm256_cmpgt_epi32(v2, bmp), _mm256_cmpgt_epi32(v3, bmp))));
        surrogates = _mm256_add_epi32(surrogates, _mm256_add_epi32(
            _mm256_add_epi32(_mm256_cmpeq_epi32(_mm256_and_si256(v0, top5), lone),
                             _mm256_cmpeq_epi32(_mm256_and_si256(v1, top5), lone)),
            _mm256_add_epi32(_mm256_cmpeq_epi32(_mm256_and_si256(v2, top5), lone),
                             _mm256_cmpeq_epi32(_mm256_and_si256(v3, top5), lone))));
        if (!gsm)
            continue;
        /* Signed saturation to 16 bits would turn a value >= 0x80000000 positive: clamp
           first (unsigned minimum with 0xFFFF), then narrow twice. */
        x = sms__narrow16_avx2(
            _mm256_permute4x64_epi64(_mm256_packus_epi32(_mm256_min_epu32(v0, bmp), _mm256_min_epu32(v1, bmp)), 0xD8),
            _mm256_permute4x64_epi64(_mm256_packus_epi32(_mm256_min_epu32(v2, bmp), _mm256_min_epu32(v3, bmp)), 0xD8));
        gsm = sms__gsm_ascii_avx2(x, &escapes);
        high = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(x, _mm256_set1_epi8((char)0x80)), x));
        high |= (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, _mm256_setzero_si256()));
        while (gsm && high) {
            k = __builtin_ctz(high);
            high &= high - 1;
            at = i + k;
            gsm = sms_gsm_cost(p[at]) != 0; /* a lane past n is a space: never here */
            escapes += p[at] == SMS_EURO;
        }
    }
    _mm256_storeu_si256((__m256i *)lanes, top);
    for (k = 0; k < 8; k++) {
        if (lanes[k] > 0x10FFFFu) {
            for (i = 0; i < n; i++)
                if (p[i] > 0x10FFFFu)
                    return i;
        }
    }
    _mm256_storeu_si256((__m256i *)lanes, astral);
    for (k = 0; k < 8; k++)
        a -= (int32_t)lanes[k];
    _mm256_storeu_si256((__m256i *)lanes, surrogates);
    for (k = 0; k < 8; k++)
        s -= (int32_t)lanes[k];
    t->chars = n;
    t->astral = a;
    t->escapes = gsm ? escapes : 0;
    t->surrogates = s;
    t->gsm = gsm;
    return -1;
}

SMS_AVX2 static inline Py_ssize_t sms__ucs4_length_avx2(const uint32_t *p, Py_ssize_t width) {
    __m256i any;
    while (width >= 32) {
        const uint32_t *q = p + width - 32;
        any = _mm256_or_si256(
            _mm256_or_si256(_mm256_loadu_si256((const __m256i *)q), _mm256_loadu_si256((const __m256i *)(q + 8))),
            _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(q + 16)),
                            _mm256_loadu_si256((const __m256i *)(q + 24))));
        if (!_mm256_testz_si256(any, any))
            break;
        width -= 32;
    }
    while (width >= 8 && _mm256_testz_si256(_mm256_loadu_si256((const __m256i *)(p + width - 8)),
                                            _mm256_loadu_si256((const __m256i *)(p + width - 8))))
        width -= 8;
    while (width && p[width - 1] == 0)
        width -= 1;
    return width;
}
#else
#define SMS_HAVE_AVX2 0
#endif


/* --- prefetching --------------------------------------------------------------------------- */

/* A hint that the cache line at p is read soon (a str's header and text, the next ones
   while the current one is counted); it never faults, whatever p is. */
SMS_INLINE void sms_prefetch(const void *p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 0, 3);
#elif SMS_HAVE_SSE2
    _mm_prefetch((const char *)p, _MM_HINT_T0);
#else
    (void)p;
#endif
}


/* --- dispatch --------------------------------------------------------------------------- */

/* 0: the base versions; 1: AVX2.  sms_simd_best is what this CPU (and build) can run;
   sms_simd_use lowers the level (tests compare the versions), never above the best. */
#define SMS_SIMD_BASE 0
#define SMS_SIMD_AVX2 1

SMS_INLINE int sms_simd_best(void) {
#if SMS_HAVE_AVX2
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") ? SMS_SIMD_AVX2 : SMS_SIMD_BASE;
#else
    return SMS_SIMD_BASE;
#endif
}

/* The level in use, per module (each kernel has its own copy of this file). */
static int sms__simd_level = -1;

SMS_INLINE int sms_simd_level(void) {
    int level = sms__simd_level;
    if (level < 0)
        sms__simd_level = level = sms_simd_best();
    return level;
}

SMS_INLINE int sms_simd_use(int level) {
    int best = sms_simd_best();
    sms__simd_level = level < 0 || level > best ? best : level;
    return sms__simd_level;
}

/* UTF-8 p[0:n], of which p[0:room] may be read (room >= n): 0 with *t filled, or -1 when
   it is not well-formed (sms_utf8_error then says where). */
SMS_INLINE int sms_tally_utf8(const uint8_t *p, Py_ssize_t n, Py_ssize_t room, int gsm, sms_tally *t) {
#if SMS_HAVE_AVX2
    if (sms_simd_level() == SMS_SIMD_AVX2)
        return sms__utf8_avx2(p, n, room, gsm, t);
#endif
    (void)room;
    return sms__utf8_base(p, n, gsm, t) < 0 ? 0 : -1;
}

/* The tallies of m messages back to back, message q being data[bounds[q]:bounds[q + 1]]
   (0 <= bounds[0] <= ... <= bounds[m] <= size, checked by the caller; bounds[m] -
   bounds[0] <= SMS_GROUP_BYTES): 0 with out[0:m] filled; -1 when some message is not
   well-formed UTF-8 (count them one by one to know which); -2 when the SIMD level has no
   group pass (likewise).  Every message is tallied as if gsm were asked. */
SMS_INLINE int sms_utf8_group(const uint8_t *data, Py_ssize_t size, const int64_t *bounds, Py_ssize_t m,
                              sms_tally *out) {
#if SMS_HAVE_AVX2
    if (sms_simd_level() == SMS_SIMD_AVX2)
        return sms__utf8_group_avx2(data, size, bounds, m, out);
#endif
    (void)data;
    (void)size;
    (void)bounds;
    (void)m;
    (void)out;
    return -2;
}

SMS_INLINE void sms_tally_latin1(const uint8_t *p, Py_ssize_t n, int gsm, sms_tally *t) {
#if SMS_HAVE_AVX2
    if (sms_simd_level() == SMS_SIMD_AVX2) {
        sms__latin1_avx2(p, n, gsm, t);
        return;
    }
#endif
    sms__latin1_base(p, n, gsm, t);
}

SMS_INLINE void sms_tally_ucs2(const uint16_t *p, Py_ssize_t n, int gsm, sms_tally *t) {
#if SMS_HAVE_AVX2
    if (sms_simd_level() == SMS_SIMD_AVX2) {
        sms__ucs2_avx2(p, n, gsm, t);
        return;
    }
#endif
    sms__ucs2_base(p, n, gsm, t);
}

/* -1 with *t filled, or the position of the first value above U+10FFFF. */
SMS_INLINE Py_ssize_t sms_tally_ucs4(const uint32_t *p, Py_ssize_t n, int gsm, sms_tally *t) {
#if SMS_HAVE_AVX2
    if (sms_simd_level() == SMS_SIMD_AVX2)
        return sms__ucs4_avx2(p, n, gsm, t);
#endif
    return sms__ucs4_base(p, n, gsm, t);
}

/* A numpy U row's length without its trailing U+0000 padding. */
SMS_INLINE Py_ssize_t sms_ucs4_length(const uint32_t *p, Py_ssize_t width) {
#if SMS_HAVE_AVX2
    if (sms_simd_level() == SMS_SIMD_AVX2)
        return sms__ucs4_length_avx2(p, width);
#endif
    return sms__ucs4_length_base(p, width);
}


/* --- exact parts (the rare case: several parts holding two-unit items) ---------------- */

/* Greedy parts of ``cap`` units of a well-formed UTF-8 message that is GSM-7 (ucs2 0:
   extension characters 2 septets, every other character 1) or sent as UCS-2 (ucs2 1: a
   4-byte sequence 2 units, a surrogate pair, every other character 1): an item never
   straddles two parts (TS 23.040 section 9.2.3.24.1; TS 23.038 section 6.2.1.1 for the
   escape).  *rem: the units left in the last part.  The cost of a character is counted
   at its lead byte, so runs of 16 plain (GSM-7) or ASCII (UCS-2) bytes are added whole. */
SMS_INLINE Py_ssize_t sms__utf8_parts_base(const uint8_t *p, Py_ssize_t n, int ucs2, Py_ssize_t cap, Py_ssize_t *rem) {
    Py_ssize_t i = 0, parts = 1, fill = 0, cost;
    uint32_t b;
    while (i < n) {
        if (n - i >= 16 && fill + 16 <= cap && (ucs2 ? sms__ascii16(p + i) : sms_plain_u8x16(p + i))) {
            fill += 16;
            i += 16;
            continue;
        }
        b = p[i++];
        if ((b & 0xC0u) == 0x80u)
            continue; /* a continuation: its character was counted at its lead */
        if (ucs2)
            cost = b >= 0xF0u ? 2 : 1;
        else
            cost = b < 0x80u ? sms_gsm_ascii(b) : b >= 0xE0u ? 2 : 1; /* E2: the euro sign */
        if (fill + cost > cap) {
            parts += 1;
            fill = 0;
        }
        fill += cost;
    }
    *rem = cap - fill;
    return parts;
}

#if SMS_HAVE_AVX2
/* The AVX2 split: per step of 32 bytes the cost of each byte (its character's cost at
   its lead, 0 for a continuation and for lanes past the message); a step that fits in
   the current part is added whole, else the inclusive prefix sums of its costs (at most
   64: they fit in bytes) say at which lead each new part starts. */
SMS_AVX2 static inline Py_ssize_t sms__utf8_parts_avx2(const uint8_t *p, Py_ssize_t n, Py_ssize_t room, int ucs2,
                                                       Py_ssize_t cap, Py_ssize_t *rem) {
    const __m256i one = _mm256_set1_epi8(1);
    Py_ssize_t i, r, parts = 1, fill = 0, total, start, limit;
    uint8_t sums[32], costs[32];
    uint32_t over;
    __m256i x, cost, two, sum, low;
    int k;
    for (i = 0; i < n; i += 32) {
        r = n - i;
        if (r >= 32) {
            x = _mm256_loadu_si256((const __m256i *)(p + i));
            r = 32;
        } else {
            x = sms__tail_avx2(p + i, r, room - i); /* spaces past the message: cost 1 each */
        }
        /* 1 for every byte but a continuation (80-BF: below -64 as signed). */
        cost = _mm256_andnot_si256(_mm256_cmpgt_epi8(_mm256_set1_epi8(-64), x), one);
        if (ucs2) /* a 4-byte lead, F0-F4: a surrogate pair */
            two = _mm256_cmpeq_epi8(_mm256_max_epu8(x, _mm256_set1_epi8((char)0xF0)), x);
        else /* an extension character, or E2 (the euro sign: the only 3-byte lead here) */
            two = _mm256_or_si256(
                _mm256_cmpgt_epi8(_mm256_and_si256(sms__classes_avx2(x), _mm256_set1_epi8(SMS__EXT_CLASSES)),
                                  _mm256_setzero_si256()),
                _mm256_cmpeq_epi8(_mm256_max_epu8(x, _mm256_set1_epi8((char)0xE0)), x));
        cost = _mm256_add_epi8(cost, _mm256_and_si256(two, one));
        if (r < 32)
            cost = _mm256_and_si256(cost, _mm256_loadu_si256((const __m256i *)(sms__lanes + 32 - r)));
        /* Inclusive prefix sums within each 16-byte half, then the low half's total added
           to the high half. */
        sum = _mm256_add_epi8(cost, _mm256_slli_si256(cost, 1));
        sum = _mm256_add_epi8(sum, _mm256_slli_si256(sum, 2));
        sum = _mm256_add_epi8(sum, _mm256_slli_si256(sum, 4));
        sum = _mm256_add_epi8(sum, _mm256_slli_si256(sum, 8));
        low = _mm256_shuffle_epi8(_mm256_permute2x128_si256(sum, sum, 0x08), _mm256_set1_epi8(15));
        sum = _mm256_add_epi8(sum, low);
        _mm256_storeu_si256((__m256i *)sums, sum);
        total = sums[31];
        if (fill + total <= cap) {
            fill += total;
            continue;
        }
        _mm256_storeu_si256((__m256i *)costs, cost);
        /* ``start``: the prefix sum before the current part's first lead in this step. */
        start = 0;
        for (;;) {
            limit = cap - fill + start; /* a lane whose sum passes it overflows the part */
            if (limit >= total) {
                fill += total - start;
                break;
            }
            over = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(sum, _mm256_set1_epi8((char)limit)));
            k = __builtin_ctz(over); /* sums rise from 0 to total > limit: some lane does */
            parts += 1;
            fill = 0;
            start = sums[k] - costs[k];
        }
    }
    *rem = cap - fill;
    return parts;
}
#endif

/* Greedy parts (see sms__utf8_parts_base); p[0:room] readable, room >= n. */
SMS_INLINE Py_ssize_t sms_utf8_parts(const uint8_t *p, Py_ssize_t n, Py_ssize_t room, int ucs2, Py_ssize_t cap,
                                     Py_ssize_t *rem) {
#if SMS_HAVE_AVX2
    /* A part always holds a two-unit item (_spec.header_room): cap >= 2, as the AVX2
       split assumes (each new part then takes at least its first character). */
    if (cap >= 2 && sms_simd_level() == SMS_SIMD_AVX2)
        return sms__utf8_parts_avx2(p, n, room, ucs2, cap, rem);
#endif
    (void)room;
    return sms__utf8_parts_base(p, n, ucs2, cap, rem);
}

#endif /* SMSCODEC_SCAN_H */
