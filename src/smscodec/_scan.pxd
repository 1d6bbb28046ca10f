# Cython declarations of _scan.h, the C helpers every compiled kernel shares: a str's
# PEP 393 storage and the SWAR / SSE2 scanning tests, with the one definition of a
# "plain" character.  cimport-only: there is no _scan module, everything is inline C
# (read _scan.h for each helper's exact contract).

from cpython.object cimport PyObject
from libc.stdint cimport int64_t, uint8_t, uint16_t, uint32_t, uint64_t


cdef extern from "_scan.h":
    # --- a str's PEP 393 storage (call sms_ready first: Python 3.10 and 3.11) ----------
    int sms_ready(object text) except -1
    int sms_kind(object text) noexcept           # 1, 2 or 4 bytes per code point
    const void* sms_data(object text) noexcept   # valid while ``text`` is alive
    Py_ssize_t sms_length(object text) noexcept  # code points
    # The same on a borrowed reference (a tuple's items in a loop: no reference counting).
    int sms_ready_ref "sms_ready"(PyObject* text) except -1
    int sms_kind_ref "sms_kind"(PyObject* text) noexcept
    const void* sms_data_ref "sms_data"(PyObject* text) noexcept
    Py_ssize_t sms_length_ref "sms_length"(PyObject* text) noexcept
    # Its UTF-8, borrowed (NULL and no exception: a lone surrogate, no UTF-8 form).
    const char* sms_utf8(str text, Py_ssize_t* size) except? NULL

    # --- bits ---------------------------------------------------------------------------
    int sms_ctz64(uint64_t x) noexcept nogil      # lowest set bit; x != 0

    # --- SWAR lanes of a 64-bit word ------------------------------------------------------
    const uint64_t SMS_ONES                       # 0x01 in every byte
    const uint64_t SMS_HIGH                       # 0x80 in every byte
    uint64_t sms_any_below(uint64_t x, uint64_t n) noexcept nogil       # a byte < n (n <= 0x80)
    uint64_t sms_any_above(uint64_t x, uint64_t n) noexcept nogil       # a byte > n (n <= 0x7F)
    uint64_t sms_any_between(uint64_t x, uint64_t m, uint64_t n) noexcept nogil  # m < byte < n
    uint64_t sms_any_equal(uint64_t x, uint64_t b) noexcept nogil       # a byte == b
    uint64_t sms_any_surrogate_u64(uint64_t x) noexcept nogil           # a UTF-16 surrogate unit

    # --- "plain" characters (the one definition; see _scan.h) ----------------------------
    bint sms_is_plain(uint32_t c) noexcept nogil
    uint64_t sms_not_plain_u64(uint64_t x) noexcept nogil     # 0: all 8 bytes plain
    bint sms_plain_u8x16(const uint8_t* p) noexcept nogil     # all 16 bytes plain
    bint sms_plain_u8x32(const uint8_t* p) noexcept nogil     # all 32 bytes plain
    bint sms_plain_u16x8(const uint16_t* p) noexcept nogil    # all 8 units plain

    # --- identity septets (decoding: the septet's value is its code point) ---------------
    bint sms_is_identity(uint32_t b) noexcept nogil
    uint64_t sms_not_identity_u64(uint64_t x) noexcept nogil  # 0: all 8 bytes identities
    uint32_t sms_not_identity_mask_u8x16(const uint8_t* p) noexcept nogil  # bit k: byte k is not

    # --- ASCII ------------------------------------------------------------------------------
    bint sms_is_ascii(const uint8_t* p, Py_ssize_t n) noexcept nogil  # no byte >= 0x80

    # --- widening ---------------------------------------------------------------------------
    void sms_widen_u8x16(const uint8_t* p, uint16_t* out) noexcept nogil  # 16 bytes -> 16 units

    # --- blocks -----------------------------------------------------------------------------
    bint sms_has_surrogate_u16(const uint16_t* p, Py_ssize_t n) noexcept nogil
    uint64_t sms_nonzero_4x64(const uint8_t* rows) noexcept nogil  # bit k: byte k of a row != 0
    const int SMS_HAVE_SSE2

    # --- whole-message tallies under the default tables (TS 23.038 §6.2.1) ---------------
    ctypedef struct sms_tally:
        Py_ssize_t chars       # code points
        Py_ssize_t astral      # code points above U+FFFF (2 UTF-16 units each)
        Py_ssize_t escapes     # extension characters (2 septets each), while gsm
        Py_ssize_t surrogates  # lone surrogates (2- and 4-byte storage)
        int gsm                # every character is in the default alphabet or extension table
    int sms_gsm_ascii(uint32_t c) noexcept nogil   # septets of an ASCII character (0: neither table)
    int sms_gsm_cost(uint32_t c) noexcept nogil    # septets of any code point (0: neither table)
    # UTF-8 p[0:n], p[0:room] readable: 0 with *t, -1 when ill-formed (then sms_utf8_error).
    int sms_tally_utf8(const uint8_t* p, Py_ssize_t n, Py_ssize_t room, int gsm, sms_tally* t) noexcept nogil
    Py_ssize_t sms_utf8_error(const uint8_t* p, Py_ssize_t n) noexcept nogil  # first bad lead, or -1
    # The sequence at p[0:n]: its length 1-4 (*cp: its code point), 0 when ill-formed.
    int sms_utf8_seq(const uint8_t* p, Py_ssize_t n, uint32_t* cp) noexcept nogil
    void sms_tally_latin1(const uint8_t* p, Py_ssize_t n, int gsm, sms_tally* t) noexcept nogil
    void sms_tally_ucs2(const uint16_t* p, Py_ssize_t n, int gsm, sms_tally* t) noexcept nogil
    # -1 with *t, or the position of the first value above U+10FFFF.
    Py_ssize_t sms_tally_ucs4(const uint32_t* p, Py_ssize_t n, int gsm, sms_tally* t) noexcept nogil
    Py_ssize_t sms_ucs4_length(const uint32_t* p, Py_ssize_t width) noexcept nogil  # without padding
    # Greedy parts of ``cap`` units of a well-formed UTF-8 message (GSM-7, or ucs2: UCS-2).
    Py_ssize_t sms_utf8_parts(const uint8_t* p, Py_ssize_t n, Py_ssize_t room, int ucs2, Py_ssize_t cap,
                              Py_ssize_t* rem) noexcept nogil
    # Many messages back to back: message q is data[bounds[q]:bounds[q + 1]] (bounds checked by
    # the caller, spanning at most SMS_GROUP_BYTES).  0 with out[0:m]; -1 some message is
    # not UTF-8, -2 no group pass at this SIMD level (then: one by one).
    const int SMS_GROUP_BYTES
    const int SMS_GROUP_MESSAGES
    int sms_utf8_group(const uint8_t* data, Py_ssize_t size, const int64_t* bounds, Py_ssize_t m,
                       sms_tally* out) noexcept nogil
    void sms_prefetch(const void* p) noexcept nogil
    # SIMD level: 0 base (SSE2 / SWAR), 1 AVX2 (chosen at run time).
    const int SMS_SIMD_BASE
    const int SMS_SIMD_AVX2
    int sms_simd_best() noexcept nogil
    int sms_simd_level() noexcept nogil
    int sms_simd_use(int level) noexcept nogil
