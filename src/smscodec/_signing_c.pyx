# cython: language_level=3, embedsignature=True, embedsignature.format=clinic, binding=False
# cython: freethreading_compatible=True, cdivision=True
"""Signing canonicalization kernel, compiled: the twin of ``_signing_py`` (read that one
for the rules and the order in which errors are reported).

One pass over the dict collects, per item, pointers to the key's and the value's UTF-8
(an ASCII ``str``'s own storage, read inline; for any other ``str`` the UTF-8 copy that
``PyUnicode_AsUTF8AndSize`` caches on it); the items are sorted by comparing those bytes
(UTF-8 byte order is code point order), and written straight into the result ``bytes``,
eight bytes at a time, with ``&`` and ``=`` in values turned into ``_`` on the way.  A
key holding ``&`` or ``=`` is refused as it is read (its first eight bytes tested as one
word, the sort prefix, which most keys fit in).  No
per-item Python objects are made for ``str`` values; an ``int`` costs its decimal ``str``.

Measured on a 10-field send payload (benchmarks/test_bench_signing.py): ~0.17 us here
against ~2 us for the pure twin, which leaves ``sign()`` within 2x of the bare hash call.

Each item holds its own references to the ``str`` objects whose bytes it points into
(the dict's keys and values, or the copies made for ``str`` subclasses and ``int``
values), so nothing done to the dict can free them mid-call; on a free-threaded build
the whole pass also holds the dict's critical section, which ``PyDict_Next`` needs.
"""

cimport cython
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.dict cimport PyDict_Next
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from libc.stdint cimport uint8_t, uint64_t
from libc.stdlib cimport qsort
from libc.string cimport memcmp, memcpy

# String access (a str's borrowed UTF-8) and the byte lanes of a 64-bit word: the helpers
# every kernel shares (_scan.h).
from ._scan cimport SMS_HIGH as _HIGH, SMS_ONES as _ONES, sms_utf8

from .errors import SignatureError

__all__ = ["canonical_bytes"]


cdef extern from "Python.h":
    void Py_DECREF_PTR "Py_DECREF"(PyObject*)
    object PyNumber_ToBase(object n, int base)
    # An exact str copy of a str subclass (no __str__ call).
    str PyUnicode_FromObject(object obj)
    Py_ssize_t PyDict_GET_SIZE(object)
    bint PyUnicode_CheckExact(PyObject*)
    bint PyUnicode_Check(PyObject*)
    bint PyBool_Check(PyObject*)
    bint PyLong_Check(PyObject*)


cdef enum:
    # Items sorted on the C stack; a bigger dict takes one PyMem_Malloc.
    _STACK_ITEMS = 32
    # Below this many items an insertion sort beats qsort's indirect calls.
    _INSERTION_SORT_MAX = 24
    _AMPERSAND = 0x26  # "&"
    _EQUALS = 0x3D  # "="
    _UNDERSCORE = 0x5F  # "_"

cdef struct _Item:
    # Strong references to the str objects that own the bytes below, dropped on return.
    PyObject* key_ref
    PyObject* value_ref
    const char* key
    Py_ssize_t key_len
    const char* value
    Py_ssize_t value_len
    # The key's first 8 bytes as a big-endian number (zero-padded): most keys differ
    # there, so most comparisons are one integer comparison instead of a memcmp call.
    uint64_t prefix
    # Position in the dict: breaks ties between keys equal as plain str (possible with
    # str subclasses), so the order is the pure twin's stable sort.
    Py_ssize_t index


cdef extern from *:
    """
    /* A word loaded from memory, its first byte made the most significant (so that
       comparing two such words compares their bytes in order). */
    #if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    #define SMS_SIGN_BIG_ENDIAN(x) __builtin_bswap64(x)
    #define SMS_SIGN_HAS_BIG_ENDIAN 1
    #elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    #define SMS_SIGN_BIG_ENDIAN(x) (x)
    #define SMS_SIGN_HAS_BIG_ENDIAN 1
    #else
    #define SMS_SIGN_BIG_ENDIAN(x) (x)
    #define SMS_SIGN_HAS_BIG_ENDIAN 0
    #endif
    """
    uint64_t _big_endian "SMS_SIGN_BIG_ENDIAN"(uint64_t x) noexcept nogil
    const bint _HAS_BIG_ENDIAN "SMS_SIGN_HAS_BIG_ENDIAN"


cdef inline uint64_t _key_prefix(const char* key, Py_ssize_t size) noexcept nogil:
    # The key's first 8 bytes as a big-endian word, zero-padded.  Most keys are 8 bytes
    # or more ("api_key" is 7): one load and a byte swap; shorter ones byte by byte
    # (never a read past the key's own bytes).
    cdef uint64_t prefix = 0
    cdef Py_ssize_t i
    if size >= 8 and _HAS_BIG_ENDIAN:
        memcpy(&prefix, key, 8)
        return _big_endian(prefix)
    for i in range(8):
        prefix = (prefix << 8) | (<uint8_t>key[i] if i < size else 0)
    return prefix


cdef inline int _compare_items(const _Item* x, const _Item* y) noexcept nogil:
    # Unequal prefixes order the keys (zero padding sorts a key before its extensions,
    # and a real NUL byte ties with it, which the full comparison below settles).
    if x.prefix != y.prefix:
        return -1 if x.prefix < y.prefix else 1
    cdef Py_ssize_t shorter = x.key_len if x.key_len < y.key_len else y.key_len
    cdef int order = memcmp(x.key, y.key, <size_t>shorter)
    if order != 0:
        return order
    if x.key_len != y.key_len:
        return -1 if x.key_len < y.key_len else 1
    return -1 if x.index < y.index else (1 if x.index > y.index else 0)


cdef int _qsort_compare(const void* a, const void* b) noexcept nogil:
    return _compare_items(<const _Item*>a, <const _Item*>b)


@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _sort_items(_Item* items, Py_ssize_t count) noexcept nogil:
    cdef Py_ssize_t i, j
    cdef _Item moving
    if count > _INSERTION_SORT_MAX:
        qsort(items, <size_t>count, sizeof(_Item), _qsort_compare)
        return
    for i in range(1, count):
        moving = items[i]
        j = i
        while j > 0 and _compare_items(&moving, &items[j - 1]) < 0:
            items[j] = items[j - 1]
            j -= 1
        items[j] = moving


cdef object _key_error(object key):
    return SignatureError(f"parameter names must be str, found a key of type {type(key).__name__}")


cdef object _ambiguous_key_error(str key):
    # Word for word the pure twin's message (the parity tests compare them).
    return SignatureError(
        f"parameter name {key!r} holds '&' or '=': the signed string could not tell it from "
        "other, merged or split, fields"
    )


cdef object _value_error(str key, object value):
    # The messages are the pure twin's, word for word (the parity tests compare them).
    if PyBool_Check(<PyObject*>value):
        return SignatureError(
            f"value of {key!r} is a bool; serialize it explicitly (e.g. 'true') before signing: "
            "the official SDKs disagree on how booleans are hashed"
        )
    return SignatureError(
        f"value of {key!r} is {type(value).__name__}; expected str or int "
        "(serialize None, booleans and numbers yourself and send the same string)"
    )


cdef inline char _separator_free(char byte) noexcept nogil:
    return _UNDERSCORE if byte == _AMPERSAND or byte == _EQUALS else byte


cdef inline bint _has_separator(uint64_t word) noexcept nogil:
    # A byte of word ^ (c * ONES) is zero where word holds c; (x - ONES) & ~x & HIGH is
    # non-zero exactly when some byte of x is zero (Hacker's Delight 6-1).
    cdef uint64_t ampersands = word ^ (_ONES * _AMPERSAND)
    cdef uint64_t equals = word ^ (_ONES * _EQUALS)
    return (((ampersands - _ONES) & ~ampersands) | ((equals - _ONES) & ~equals)) & _HIGH != 0


cdef inline bint _key_has_separator(uint64_t prefix, const char* key, Py_ssize_t size) noexcept nogil:
    # Word by word: the first 8 bytes are ``prefix`` already (zero-padded; a zero byte is
    # neither separator), which most keys fit in; a longer key's last 8 bytes are one more
    # load (overlapping the words before it, which is harmless), and only a key past 16
    # bytes has words in between.
    cdef Py_ssize_t i = 8
    cdef uint64_t word
    if _has_separator(prefix):
        return True
    if size <= 8:
        return False
    while i + 8 < size:
        memcpy(&word, key + i, 8)
        if _has_separator(word):
            return True
        i += 8
    memcpy(&word, key + size - 8, 8)
    return _has_separator(word)


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline void _copy_value(char* out, const char* source, Py_ssize_t size) noexcept nogil:
    # Copy a value, "&" and "=" turned into "_".  Both are ASCII, so they never occur
    # inside a multi-byte UTF-8 sequence: replacing bytes is replacing characters.
    # Eight bytes at a time (most values have no separator at all), then byte by byte.
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t j
    cdef uint64_t word
    while i + 8 <= size:
        memcpy(&word, source + i, 8)
        if _has_separator(word):
            for j in range(i, i + 8):
                out[j] = _separator_free(source[j])
        else:
            memcpy(out + i, &word, 8)
        i += 8
    while i < size:
        out[i] = _separator_free(source[i])
        i += 1


@cython.boundscheck(False)
@cython.wraparound(False)
def canonical_bytes(dict params not None, bytes suffix not None, /):
    """Vonage's base string for ``params`` as UTF-8, then ``suffix`` (see ``_signing_py``)."""
    cdef _Item stack_items[_STACK_ITEMS]
    cdef _Item* items = stack_items
    cdef Py_ssize_t capacity = PyDict_GET_SIZE(params)
    cdef Py_ssize_t count = 0
    cdef Py_ssize_t position = 0
    cdef Py_ssize_t index = -1
    cdef PyObject* raw_key
    cdef PyObject* raw_value
    cdef Py_ssize_t total, i, value_len, key_len
    cdef const char* key_utf8
    cdef uint64_t prefix = 0
    cdef char* out
    cdef _Item* item
    cdef str key, value
    cdef bytes result
    # The first key or value without a UTF-8 form, in dict order.
    cdef object bad_key = None
    cdef bint bad_is_key = False

    if capacity > _STACK_ITEMS:
        items = <_Item*>PyMem_Malloc(<size_t>capacity * sizeof(_Item))
        if items is NULL:
            raise MemoryError()
    try:
        with cython.critical_section(params):
            while PyDict_Next(params, &position, &raw_key, &raw_value):
                index += 1
                if PyUnicode_CheckExact(raw_key):
                    key = <object>raw_key
                elif PyUnicode_Check(raw_key):
                    # A plain copy: a subclass's __str__ must not change what is signed.
                    key = PyUnicode_FromObject(<object>raw_key)
                else:
                    raise _key_error(<object>raw_key)
                key_utf8 = sms_utf8(key, &key_len)
                # NULL: a lone surrogate, so certainly not "sig".
                if key_utf8 is not NULL and key_len == 3 and memcmp(key_utf8, b"sig", 3) == 0:
                    continue
                # A key with "&" or "=" would make the base string ambiguous (see the pure
                # twin): refused here, in dict order with the type errors.
                if key_utf8 is not NULL:
                    prefix = _key_prefix(key_utf8, key_len)
                    if _key_has_separator(prefix, key_utf8, key_len):
                        raise _ambiguous_key_error(key)
                elif "&" in key or "=" in key:
                    raise _ambiguous_key_error(key)
                if count >= capacity:  # unreachable: PyDict_Next yields len(params) items
                    raise RuntimeError("dict changed size during signing")

                if PyUnicode_CheckExact(raw_value):
                    value = <object>raw_value
                elif PyBool_Check(raw_value):
                    raise _value_error(key, <object>raw_value)
                elif PyUnicode_Check(raw_value):
                    value = PyUnicode_FromObject(<object>raw_value)
                elif PyLong_Check(raw_value):
                    try:
                        # int.__repr__'s digits, also for int subclasses (IntEnum).
                        value = PyNumber_ToBase(<object>raw_value, 10)
                    except ValueError:  # beyond sys.get_int_max_str_digits()
                        raise SignatureError(
                            f"value of {key!r} is an int too large to write out"
                        ) from None
                else:
                    raise _value_error(key, <object>raw_value)

                # Our own references: the pointers below stay valid whatever happens
                # to the dict (a garbage collection's finalizer could change it).
                item = &items[count]
                Py_INCREF(key)
                item.key_ref = <PyObject*>key
                Py_INCREF(value)
                item.value_ref = <PyObject*>value
                item.index = index
                count += 1

                if bad_key is not None:
                    continue
                if key_utf8 is NULL:
                    bad_key = key
                    bad_is_key = True
                    continue
                item.key = key_utf8
                item.key_len = key_len
                item.prefix = prefix
                item.value = sms_utf8(value, &item.value_len)
                if item.value is NULL:
                    bad_key = key

            if bad_key is not None:
                if bad_is_key:
                    raise SignatureError(f"parameter name {bad_key!r} is not valid Unicode")
                raise SignatureError(
                    f"value of {bad_key!r} contains a lone surrogate and cannot be encoded as UTF-8"
                )

            _sort_items(items, count)
            # "&" and "=" per item; no overflow: every length is that of an existing object.
            total = PyBytes_GET_SIZE(suffix)
            for i in range(count):
                total += 2 + items[i].key_len + items[i].value_len
            result = PyBytes_FromStringAndSize(NULL, total)
            out = PyBytes_AS_STRING(result)
            for i in range(count):
                item = &items[i]
                out[0] = _AMPERSAND
                memcpy(out + 1, item.key, <size_t>item.key_len)
                out += 1 + item.key_len
                out[0] = _EQUALS
                out += 1
                value_len = item.value_len
                _copy_value(out, item.value, value_len)
                out += value_len
            memcpy(out, PyBytes_AS_STRING(suffix), <size_t>PyBytes_GET_SIZE(suffix))
            return result
    finally:
        for i in range(count):
            Py_DECREF_PTR(items[i].key_ref)
            Py_DECREF_PTR(items[i].value_ref)
        if items is not stack_items:
            PyMem_Free(items)
