# GIL-free GSM 03.38 scanning routines of smscodec._gsm7_c, for other kernels to cimport
# (the batch API runs them over many strings without the GIL).
#
# Each takes a string's own PEP 393 storage: ``kind`` is PyUnicode_KIND (1, 2 or 4),
# ``data`` PyUnicode_DATA and ``n`` PyUnicode_GET_LENGTH.  The lookup tables they read
# are filled when smscodec._gsm7_c is imported (a cimport imports it first).

from libc.stdint cimport uint8_t


# Septets needed for the whole text (extension characters cost 2), or -(i + 1) where i
# is the index of the first character outside both tables.
cdef Py_ssize_t gsm7_count(int kind, const void* data, Py_ssize_t n) noexcept nogil

# Septets needed for the encodable characters; *n_bad receives how many are not.
cdef Py_ssize_t gsm7_count_lenient(int kind, const void* data, Py_ssize_t n,
                                   Py_ssize_t* n_bad) noexcept nogil

# Writes the unpacked septets into ``out`` and returns how many were written.  Mode 0
# (strict; the text must be all GSM-7) writes gsm7_count() bytes, mode 1 (replace: "?"
# for each unencodable character) gsm7_count_lenient() + n_bad, mode 2 (ignore)
# gsm7_count_lenient().  Every character is stored as two bytes at once, so ``out``
# must hold one byte more than the result (two more under mode 2 when n_bad > 0).
cdef Py_ssize_t gsm7_encode_into(int kind, const void* data, Py_ssize_t n,
                                 uint8_t* out, int mode) noexcept nogil
