# cython: language_level=3, embedsignature=True, embedsignature.format=clinic, binding=False
# cython: freethreading_compatible=True, cdivision=True
"""GSM 03.38 kernels, compiled: the twin of ``_gsm7_py`` (read that one for the rules).

The kernels read a ``str``'s own PEP 393 storage (1-, 2- or 4-byte units) without
copying it.  Counting is a branch-free sum over a cost table (1-byte strings look up
two characters at a time in a pair table); encoding stores two bytes per character
and advances by the character's length.  Branches on the data mispredict on real text
(accents and brackets every few words), which is what limits a per-character loop to
about one character per nanosecond.  Every table is built from ``smscodec._tables``,
the one definition of the GSM 03.38 alphabets: the default pair at import, each national
(locking, single shift) pair of TS 23.038 Annex A the first time a call names it.

``is_gsm7``, ``gsm7_septets`` and ``non_gsm7_chars`` are the public functions
themselves (``smscodec.gsm7`` binds them): they check their argument's type, and a
call without table options goes straight to the default tables.

One module, in parts by concern (included, so they compile into this one module, the
twin of ``_gsm7_py``): ``_gsm7_tables.pxi`` builds and chooses the table pairs,
``_gsm7_count.pxi`` counts, encodes and finds the unencodable characters,
``_gsm7_decode.pxi`` decodes and ``_gsm7_pack.pxi`` packs septets; this file holds the
messages and the functions Python calls.  String access and the word-at-a-time tests
come from ``_scan.pxd`` (``_scan.h``), which every kernel shares.

Directives: those of every kernel (``setup.py``, repeated above for hand builds).
``boundscheck`` and ``wraparound`` stay on: the few Python-level indexes (table tuples,
bytes in error messages) keep their checks, and the kernels index C pointers, which
those directives never check, only below lengths checked by hand.  ``cdivision`` holds
because every ``//`` and ``%`` here has a non-negative dividend and a constant divisor.
The GIL-free core is declared in ``_gsm7_c.pxd``.
"""

from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.ref cimport Py_INCREF

from ._scan cimport (
    sms_ctz64,
    sms_data,
    sms_kind,
    sms_length,
    sms_not_identity_mask_u8x16,
    sms_ready,
    sms_widen_u8x16,
)
from ._spec cimport ESCAPE

from ._tables import NATIONAL_TABLES, language_id, locking_table, single_shift_table
from .errors import ArgumentError, DecodeError, EncodingError

__all__ = [
    "IGNORE",
    "REPLACE",
    "STRICT",
    "decode_gsm7",
    "encode_gsm7",
    "gsm7_septets",
    "is_gsm7",
    "non_gsm7_chars",
    "pack_septets",
    "unpack_septets",
]


cdef extern from "Python.h":
    bint PyUnicode_Check(object)
    object PyUnicode_New(Py_ssize_t size, uint32_t maxchar)
    object PyUnicode_FromOrdinal(int ordinal)
    uint32_t PyUnicode_READ_CHAR(object text, Py_ssize_t index)


ctypedef fused unit_t:
    uint8_t
    uint16_t
    uint32_t


# Error modes, the same values as in _gsm7_py.
STRICT = 0
REPLACE = 1
IGNORE = 2

cdef enum:
    _STRICT = 0
    _REPLACE = 1
    _IGNORE = 2
    # Every default-table character is below U+2100: the highest is U+20AC (EURO SIGN, ext 0x65).
    # Code points past the tables read their last cell, U+20FF, which is in no GSM table.
    _TABLE_SIZE = 0x2100
    # The national tables (TS 23.038 Annex A) reach U+221E (INFINITY, Portuguese locking);
    # their last cell, U+22FF, is in no table either.
    _NATIONAL_TABLE_SIZE = 0x2300
    # Identifier 0 (the default tables) and the 13 national languages of TS 23.038 §6.2.1.2.4.
    _LANGUAGES = 14
    # TS 23.038 §6.2.1.1: the escape to the extension (single shift) table (_spec.ESCAPE).
    _ESC = ESCAPE
    # "?" (0x3F) replaces an unencodable character under REPLACE.
    _QUESTION = 0x3F
    # U+FFFD replaces a decoding fault under REPLACE.
    _REPLACEMENT_CHARACTER = 0xFFFD
    # TS 23.038 §6.2.1.1, extension code 0x1B: a receiver "shall display a space"; the
    # space is also septet 0x20 in every locking table (§6.2.1.2.4).
    _SPACE = 0x20
    # A decoding table's mark for a code no table assigns: above every code point.
    _UNASSIGNED = 0x110000
    # _COST of an unencodable character: 2**12, above the septets of a whole block
    # (2 * _BLOCK), so one sum counts both (the high bits count unencodable characters).
    _COST_BAD_SHIFT = 12
    _BLOCK = 1024
    _STOP_BLOCK = 64
    # non_gsm7_chars tests blocks of this many characters, then walks those that fail.
    _FIND_BLOCK = 32
    # _ENCODE cell layout: bits 0-15 the two bytes to store (in memory order), bits
    # 16-17 how many of them count (1, or 2 for escape + extension code), bit 18 set
    # for an unencodable character (stored as "?", one byte).
    _LENGTH_SHIFT = 16
    _BAD_SHIFT = 18


include "_gsm7_tables.pxi"
include "_gsm7_count.pxi"
include "_gsm7_decode.pxi"
include "_gsm7_pack.pxi"


# --- messages (word for word those of _gsm7_py) ------------------------------------------

cdef object _not_str(object text):
    return TypeError(f"text must be str, not {type(text).__name__}")


cdef object _encoding_error(object text, Py_ssize_t position, int pair):
    # chr() of the stored code point: a str subclass's own __getitem__ is never called.
    ch = chr(PyUnicode_READ_CHAR(text, position))
    return EncodingError(
        f"character {ch!r} (U+{ord(ch):04X}) at position {position} is not in the {_names(pair)[0]}",
        char=ch,
        position=position,
    )


cdef object _decode_fault(bytes data, Py_ssize_t position, int pair):
    cdef int byte = data[position]
    if byte >= 0x80:
        message = f"byte 0x{byte:02X} at position {position} is not a GSM 7-bit septet; expected 0x00-0x7F"
    elif byte != _ESC:
        message = (
            f"septet 0x{byte:02X} at position {position} is not assigned in the {_names(pair)[1]}; "
            "expected one of its septets"
        )
    elif position + 1 == len(data):
        message = f"escape 0x1B at position {position} ends the data; expected a code 0x00-0x7F after it"
    elif data[position + 1] >= 0x80:
        message = (
            f"escape 0x1B at position {position} is followed by byte 0x{data[position + 1]:02X}, "
            "not a septet; expected a code 0x00-0x7F after an escape"
        )
    else:
        names = _names(pair)
        message = (
            f"escape 0x1B at position {position} is followed by code 0x{data[position + 1]:02X}, "
            f"which neither the {names[2]} nor the {names[1]} assigns; "
            "expected an assigned code"
        )
    return DecodeError(message, position=position)


cdef object _septet_error(bytes septets, Py_ssize_t position):
    return DecodeError(
        f"byte 0x{septets[position]:02X} at position {position} is not a septet; expected 0x00-0x7F",
        position=position,
    )


cdef object _fill_bits_error(int fill_bits):
    return ArgumentError(f"fill_bits must be 0-6, not {fill_bits}", argument="fill_bits")


# --- the kernels ------------------------------------------------------------------------

def is_gsm7(text, *, locking_shift=0, single_shift=0):
    """Tell whether every character of ``text`` is in the GSM 03.38 default alphabet or
    its extension table (TS 23.038 §6.2.1), or in the national language tables named by
    ``locking_shift`` / ``single_shift`` (names such as ``"turkish"`` or identifiers 1-13,
    TS 23.038 §6.2.1.2.4; 0 is the default table).

    Returns: True for a text those tables carry (and for ``""``).
    Raises: TypeError (``text`` not a str, a table neither str nor int); ArgumentError
    (an unknown language, or Spanish as ``locking_shift``).
    """
    if not PyUnicode_Check(text):
        raise _not_str(text)
    cdef int pair = 0
    cdef const Tables* t = &_DEFAULT_TABLES
    if locking_shift is not _ZERO or single_shift is not _ZERO:
        t = _lookup(locking_shift, single_shift, &pair)
    sms_ready(text)
    return _count(t, sms_kind(text), sms_data(text), sms_length(text)) >= 0


def gsm7_septets(text, *, locking_shift=0, single_shift=0):
    """Count the septets that encode ``text``: 1 per character of the locking table (the
    default alphabet unless ``locking_shift`` names another), 2 per character found only
    in the single shift table (the escape plus its code, TS 23.038 §6.2.1.1).

    Returns: the septet count (before any packing or segmenting).
    Raises: TypeError (``text`` not a str, a table neither str nor int); ArgumentError
    (an unknown language, or Spanish as ``locking_shift``); EncodingError (a character in
    neither table: ``char``, ``position``).
    """
    if not PyUnicode_Check(text):
        raise _not_str(text)
    cdef int pair = 0
    cdef const Tables* t = &_DEFAULT_TABLES
    if locking_shift is not _ZERO or single_shift is not _ZERO:
        t = _lookup(locking_shift, single_shift, &pair)
    sms_ready(text)
    cdef Py_ssize_t r = _count(t, sms_kind(text), sms_data(text), sms_length(text))
    if r < 0:
        raise _encoding_error(text, -r - 1, pair)
    return r


def non_gsm7_chars(text, *, locking_shift=0, single_shift=0):
    """List the distinct characters of ``text`` outside both tables (the GSM 03.38
    default alphabet and extension table, or the national tables ``locking_shift`` and
    ``single_shift`` name).

    Returns: the characters in order of first appearance (``[]`` when the tables carry
    ``text``).
    Raises: TypeError (``text`` not a str, a table neither str nor int); ArgumentError
    (an unknown language, or Spanish as ``locking_shift``).
    """
    if not PyUnicode_Check(text):
        raise _not_str(text)
    cdef int pair = 0
    cdef const Tables* t = &_DEFAULT_TABLES
    if locking_shift is not _ZERO or single_shift is not _ZERO:
        t = _lookup(locking_shift, single_shift, &pair)
    sms_ready(text)
    cdef CharSet found
    cdef Py_ssize_t j
    _set_init(&found)
    try:
        if _collect_text(t, sms_kind(text), sms_data(text), sms_length(text),
                         &found) < 0:
            raise MemoryError()
        # Each str is made once, from the distinct code points, straight into the list.
        result = PyList_New(found.count)
        for j in range(found.count):
            ch = PyUnicode_FromOrdinal(found.order[j])
            Py_INCREF(ch)
            PyList_SET_ITEM(result, j, ch)
        return result
    finally:
        _set_free(&found)


def encode_gsm7(str text not None, int mode, /, *, locking_shift=0, single_shift=0):
    """Unpacked septets of ``text``; unencodable characters handled per ``mode``."""
    cdef int pair = 0
    cdef const Tables* t = &_DEFAULT_TABLES
    if locking_shift is not _ZERO or single_shift is not _ZERO:
        t = _lookup(locking_shift, single_shift, &pair)
    sms_ready(text)
    cdef int kind = sms_kind(text)
    cdef const void* data = sms_data(text)
    cdef Py_ssize_t n = sms_length(text)
    cdef Py_ssize_t size, n_bad = 0, written
    if mode == _STRICT:
        size = _count(t, kind, data, n)
        if size < 0:
            raise _encoding_error(text, -size - 1, pair)
    else:
        size = _count_lenient(t, kind, data, n, &n_bad)
        if mode == _REPLACE:
            size += n_bad
    cdef uint8_t* p
    if size == 0:
        # Nothing to store (and b"" is a shared object: never write into it).
        return b""
    if n_bad and mode == _IGNORE:
        # An ignored character may leave the encoder's two-byte store at ``size`` itself:
        # encode into a byte more, then copy the result out.
        scratch = PyBytes_FromStringAndSize(NULL, size + 1)
        written = _encode_into(t, kind, data, n, <uint8_t*>PyBytes_AS_STRING(scratch), mode)
        out = PyBytes_FromStringAndSize(PyBytes_AS_STRING(scratch), size)
    else:
        # Every character stores at least one byte, so the last two-byte store ends at
        # most on out[size]: the NUL slot CPython keeps after every bytes object.
        out = PyBytes_FromStringAndSize(NULL, size)
        p = <uint8_t*>PyBytes_AS_STRING(out)
        written = _encode_into(t, kind, data, n, p, mode)
        p[size] = 0
    if written != size:
        raise SystemError(f"GSM-7 encoder wrote {written} septets, expected {size}")
    return out


def decode_gsm7(bytes data not None, int mode, /, *, locking_shift=0, single_shift=0):
    """The text of unpacked septets ``data``; faults handled per ``mode``."""
    cdef int pair = 0
    cdef const Tables* t = &_DEFAULT_TABLES
    if locking_shift is not _ZERO or single_shift is not _ZERO:
        t = _lookup(locking_shift, single_shift, &pair)
    cdef const uint8_t* s = <const uint8_t*>PyBytes_AS_STRING(data)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef Py_ssize_t length = 0, fault, written
    cdef uint32_t bits = 0
    cdef int kind
    if t == &_DEFAULT_TABLES:
        fault = _decode_measure(t, s, n, mode, &length, &bits, <DefaultPair*>NULL)
    else:
        fault = _decode_measure(t, s, n, mode, &length, &bits, <NationalPair*>NULL)
    if fault >= 0:
        raise _decode_fault(data, fault, pair)
    # The narrowest width that holds every code point (CPython requires it); every
    # table character and U+FFFD are below U+10000.
    out = PyUnicode_New(length, 0x7F if bits < 0x80 else 0xFF if bits < 0x100 else 0xFFFF)
    kind = sms_kind(out)
    if t == &_DEFAULT_TABLES:
        if kind == 1:
            written = _decode_write(t, s, n, mode, <uint8_t*>sms_data(out), length,
                                    <DefaultPair*>NULL)
        else:
            written = _decode_write(t, s, n, mode, <uint16_t*>sms_data(out), length,
                                    <DefaultPair*>NULL)
    elif kind == 1:
        written = _decode_write(t, s, n, mode, <uint8_t*>sms_data(out), length,
                                <NationalPair*>NULL)
    else:
        written = _decode_write(t, s, n, mode, <uint16_t*>sms_data(out), length,
                                <NationalPair*>NULL)
    if written != length:
        raise SystemError(f"GSM-7 decoder wrote {written} characters, expected {length}")
    return out
