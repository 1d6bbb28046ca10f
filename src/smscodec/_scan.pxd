# Cython declarations of _scan.h, the C helpers every compiled kernel shares: a str's
# PEP 393 storage and the SWAR / SSE2 scanning tests, with the one definition of a
# "plain" character.  cimport-only: there is no _scan module, everything is inline C
# (read _scan.h for each helper's exact contract).

from cpython.object cimport PyObject
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t


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
