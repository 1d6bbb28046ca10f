# cython: language_level=3, embedsignature=True, embedsignature.format=clinic, binding=False
# cython: freethreading_compatible=True, cdivision=True
"""Grapheme cluster boundaries: the compiled twin of ``_grapheme_py``.

Same names, results and errors as the pure twin, whose docstring is the theory of
operation (both rule sets, rule by rule).  Here:

* the property of a code point is a two-stage lookup (``_grapheme_c.pxd``: 128 code
  points a block, a one-byte block number, the distinct blocks stored once), built when
  the module is imported from the run-length tables of ``_grapheme_tables``, the same
  data the pure twin reads;
* the state machines are the ``cdef inline`` functions of ``_grapheme_c.pxd``, which
  other kernels cimport to ask "may I cut before this code point?" in their own pass;
* ``gc_next_boundary``, ``gc_prev_boundary`` and ``gc_count`` read a str's PEP 393
  storage in place, one loop per width, without the GIL and without creating a Python
  object per character.  A 1-byte string (every code point below U+0100) has one
  cluster per code point but CR LF (the generator checks that no such code point
  joins another), so those only look for ``"\\r\\n"``.

Array indexes are bounded by construction: ``cp >> 7`` < GC_INDEX_SIZE for cp <=
U+10FFFF (``gc_lookup`` answers Other above), a block number < the blocks built (checked
at import against GC_MAX_BLOCKS), ``cp & 127`` < 128; string indexes stay inside the
length the string reports.
"""

from libc.stdint cimport uint8_t, uint16_t, uint32_t
from libc.stdlib cimport free, malloc
from libc.string cimport memchr, memcmp, memcpy, memset
from cpython.number cimport PyNumber_Index

from ._scan cimport sms_data, sms_kind, sms_length, sms_ready

from . import _grapheme_tables as _t
from .errors import ArgumentError

UNICODE_VERSION: str = _t.UNICODE_VERSION
RULES_UNICODE = GC_RULES_UNICODE
RULES_TWILIO = GC_RULES_TWILIO

__all__ = [
    "RULES_TWILIO",
    "RULES_UNICODE",
    "UNICODE_VERSION",
    "boundaries",
    "count_clusters",
    "next_boundary",
    "prev_boundary",
    "property_value",
]

ctypedef fused unit_t:
    uint8_t
    uint16_t
    uint32_t


# The lookups of both rule sets, filled once by _build below.
cdef uint8_t _index[2][GC_INDEX_SIZE]
cdef uint8_t _blocks[2][GC_MAX_BLOCKS << GC_SHIFT]
cdef GcTable _tables[2]


cdef int _build(int rules, tuple starts, bytes values) except -1:
    # Fill the two-stage lookup of ``rules`` from a run-length table of _grapheme_tables:
    # run i covers starts[i] <= cp < starts[i + 1] with the byte values[i].  A block that
    # one run covers is that value's uniform block; any other is assembled and shared
    # with an equal block already stored (memcmp: a few hundred blocks at most).
    cdef Py_ssize_t runs = len(starts), i, b, n = 0, r = 0, found
    cdef uint32_t lo, cp
    cdef uint32_t* first = NULL
    cdef const uint8_t* value = values
    cdef uint8_t block[1 << GC_SHIFT]
    cdef int uniform[256]
    if runs == 0 or runs != len(values) or starts[0] != 0:
        raise RuntimeError("_grapheme_tables: malformed run-length table")
    first = <uint32_t*>malloc((runs + 1) * sizeof(uint32_t))
    if first == NULL:
        raise MemoryError()
    try:
        for i in range(runs):
            first[i] = starts[i]
            if i and not first[i - 1] < first[i] <= 0x10FFFF:
                raise RuntimeError("_grapheme_tables: runs out of order")
        first[runs] = 0x110000  # the end of the last run
        for i in range(256):
            uniform[i] = -1
        for b in range(GC_INDEX_SIZE):
            lo = <uint32_t>b << GC_SHIFT
            while first[r + 1] <= lo:
                r += 1
            if first[r + 1] >= lo + (1 << GC_SHIFT):  # one run covers the block
                found = uniform[value[r]]
                if found < 0:
                    memset(block, value[r], 1 << GC_SHIFT)
            else:
                found = -1
                i = r
                for cp in range(lo, lo + (1 << GC_SHIFT)):
                    while first[i + 1] <= cp:
                        i += 1
                    block[cp - lo] = value[i]
                for i in range(n):
                    if memcmp(&_blocks[rules][i << GC_SHIFT], block, 1 << GC_SHIFT) == 0:
                        found = i
                        break
            if found < 0:
                if n == GC_MAX_BLOCKS:
                    raise RuntimeError("_grapheme_tables: more distinct blocks than GC_MAX_BLOCKS")
                memcpy(&_blocks[rules][n << GC_SHIFT], block, 1 << GC_SHIFT)
                found = n
                n += 1
                if first[r + 1] >= lo + (1 << GC_SHIFT):
                    uniform[value[r]] = found
            _index[rules][b] = <uint8_t>found
    finally:
        free(first)
    _tables[rules].index = _index[rules]
    _tables[rules].blocks = _blocks[rules]
    return 0


_build(GC_RULES_UNICODE, _t.UNICODE_STARTS, _t.UNICODE_VALUES)
_build(GC_RULES_TWILIO, _t.TWILIO_STARTS, _t.TWILIO_VALUES)


# --- the C-level API (declared in _grapheme_c.pxd) ----------------------------------------

cdef const GcTable* gc_table(int rules) noexcept nogil:
    return &_tables[1 if rules == GC_RULES_TWILIO else 0]


cdef uint8_t gc_property(Py_UCS4 cp, int rules) noexcept nogil:
    return gc_lookup(gc_table(rules), cp)


cdef inline Py_ssize_t _next_in(const unit_t* s, Py_ssize_t length, Py_ssize_t pos, int rules) noexcept nogil:
    # The end of the cluster at the boundary pos (pos < length - 1).
    cdef GcState st
    cdef Py_ssize_t i
    gc_start(&st, rules, s[pos])
    for i in range(pos + 1, length):
        if gc_break_before(&st, s[i]):
            return i
    return length


cdef inline Py_ssize_t _prev_in(
    const unit_t* s, Py_ssize_t length, Py_ssize_t start, Py_ssize_t pos, int rules
) noexcept nogil:
    # The greatest boundary in start..pos (start < pos < length): back to the last sure
    # boundary (gc_sure_break: usually pos itself), then forward from there.
    cdef GcState st
    cdef const GcTable* table = gc_table(rules)
    cdef Py_ssize_t i, last
    i = pos
    while i > start and not gc_sure_break(table, rules, s[i - 1], s[i]):
        i -= 1
    if i == pos:
        return pos
    start = last = i
    gc_start(&st, rules, s[start])
    for i in range(start + 1, pos + 1):
        if gc_break_before(&st, s[i]):
            last = i
    return last


cdef inline Py_ssize_t _count_in(const unit_t* s, Py_ssize_t length, int rules) noexcept nogil:
    # Clusters of a non-empty text.
    cdef GcState st
    cdef Py_ssize_t i, count = 1
    gc_start(&st, rules, s[0])
    for i in range(1, length):
        count += gc_break_before(&st, s[i])
    return count


cdef inline Py_ssize_t _crlf_count(const uint8_t* s, Py_ssize_t length) noexcept nogil:
    # CR LF pairs (GB3), found through memchr of CR (13).
    cdef const uint8_t* at = <const uint8_t*>memchr(s, 13, length)
    cdef const uint8_t* end = s + length
    cdef Py_ssize_t count = 0
    while at != NULL and at + 1 < end:
        count += at[1] == 10
        at = <const uint8_t*>memchr(at + 1, 13, end - at - 1)
    return count


cdef Py_ssize_t gc_next_boundary(
    int kind, const void* data, Py_ssize_t length, Py_ssize_t pos, int rules
) noexcept nogil:
    cdef const uint8_t* s1
    if pos >= length - 1:
        return length
    if pos < 0:
        pos = 0
    if kind == 1:
        s1 = <const uint8_t*>data
        return pos + 2 if s1[pos] == 13 and s1[pos + 1] == 10 else pos + 1  # CR LF (GB3)
    if kind == 2:
        return _next_in(<const uint16_t*>data, length, pos, rules)
    return _next_in(<const uint32_t*>data, length, pos, rules)


cdef Py_ssize_t gc_prev_boundary(
    int kind, const void* data, Py_ssize_t length, Py_ssize_t start, Py_ssize_t pos, int rules
) noexcept nogil:
    cdef const uint8_t* s1
    if pos >= length:
        return length
    if start < 0:
        start = 0
    if pos <= start:
        return start
    if kind == 1:
        s1 = <const uint8_t*>data
        return pos - 1 if s1[pos - 1] == 13 and s1[pos] == 10 else pos  # inside CR LF
    if kind == 2:
        return _prev_in(<const uint16_t*>data, length, start, pos, rules)
    return _prev_in(<const uint32_t*>data, length, start, pos, rules)


cdef Py_ssize_t gc_count(int kind, const void* data, Py_ssize_t length, int rules) noexcept nogil:
    if length <= 0:
        return 0
    if kind == 1:
        return length - _crlf_count(<const uint8_t*>data, length)
    if kind == 2:
        return _count_in(<const uint16_t*>data, length, rules)
    return _count_in(<const uint32_t*>data, length, rules)


# --- what Python calls (the names and errors of _grapheme_py) -----------------------------

cdef inline int _check(object text, object rules) except -1:
    # The rule set (0 or 1) once text and rules are checked, as _grapheme_py checks them.
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if type(rules) is int:
        if rules == 0:
            sms_ready(text)
            return GC_RULES_UNICODE
        if rules == 1:
            sms_ready(text)
            return GC_RULES_TWILIO
    raise ArgumentError(
        f"rules must be RULES_UNICODE (0) or RULES_TWILIO (1), not {rules!r}", argument="rules"
    )


cdef list _ends_in(const unit_t* s, Py_ssize_t length, int rules):
    cdef GcState st
    cdef Py_ssize_t i
    cdef list ends = []
    gc_start(&st, rules, s[0])
    for i in range(1, length):
        if gc_break_before(&st, s[i]):
            ends.append(i)
    ends.append(length)
    return ends


def boundaries(text, /, rules=RULES_UNICODE):
    """The end offset (in code points) of every grapheme cluster: see ``_grapheme_py.boundaries``."""
    cdef int r = _check(text, rules)
    cdef int kind = sms_kind(text)
    cdef const void* data = sms_data(text)
    cdef Py_ssize_t length = sms_length(text), i
    cdef const uint8_t* s1
    cdef list ends
    if length == 0:
        return []
    if kind == 1:
        s1 = <const uint8_t*>data
        ends = []
        for i in range(1, length):
            if not (s1[i - 1] == 13 and s1[i] == 10):  # CR x LF (GB3)
                ends.append(i)
        ends.append(length)
        return ends
    if kind == 2:
        return _ends_in(<const uint16_t*>data, length, r)
    return _ends_in(<const uint32_t*>data, length, r)


def next_boundary(text, pos, /, rules=RULES_UNICODE):
    """The end of the grapheme cluster that starts at ``pos``: see ``_grapheme_py.next_boundary``."""
    cdef int r = _check(text, rules)
    cdef Py_ssize_t length = sms_length(text), at
    pos = PyNumber_Index(pos)  # TypeError for anything but an integer
    if pos < 0 or pos > length:
        raise ArgumentError(f"pos must be in 0..{length} (the text's length), not {pos}", argument="pos")
    at = pos
    return gc_next_boundary(sms_kind(text), sms_data(text), length, at, r)


def prev_boundary(text, start, pos, /, rules=RULES_UNICODE):
    """The greatest cluster boundary in ``start..pos``: see ``_grapheme_py.prev_boundary``."""
    cdef int r = _check(text, rules)
    cdef Py_ssize_t length = sms_length(text), first, at
    start = PyNumber_Index(start)  # TypeError for anything but an integer
    pos = PyNumber_Index(pos)
    if start < 0 or pos < start or pos > length:
        raise ArgumentError(
            f"start and pos must satisfy 0 <= start <= pos <= {length}, not {start} and {pos}",
            argument="pos",
        )
    first = start
    at = pos
    return gc_prev_boundary(sms_kind(text), sms_data(text), length, first, at, r)


def property_value(cp, /, rules=RULES_UNICODE):
    """The property byte of code point ``cp``: see ``_grapheme_py.property_value``."""
    cdef int r = _check("", rules)
    cp = PyNumber_Index(cp)
    if not 0 <= cp <= 0x10FFFF:
        raise ArgumentError(f"cp must be a code point (0..0x10FFFF), not {cp}", argument="cp")
    return gc_property(<Py_UCS4>cp, r)


def count_clusters(text, /, rules=RULES_UNICODE):
    """The number of grapheme clusters of ``text``: see ``_grapheme_py.count_clusters``."""
    cdef int r = _check(text, rules)
    return gc_count(sms_kind(text), sms_data(text), sms_length(text), r)
