# cython: language_level=3, embedsignature=True, embedsignature.format=clinic, binding=False
# cython: freethreading_compatible=True, cdivision=True
"""Segment counting and splitting: the compiled twin of ``_segments_py``.

Same names, results and errors as the pure twin, whose docstring is the theory of
operation.  Here a text is read in place through its PEP 393 storage (1, 2 or 4 bytes
per code point) without creating a Python object per character:

* ``count_text`` and ``count_parts`` (declared in ``_segments_c.pxd``) are the GIL-free
  C entry points that ``_count_c`` (the public ``count_segments``) and ``_batch_c`` call.
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

Lookups are built at import from the class tables of ``_tables`` (the pure twin uses
the same ones), so both twins number classes and pick codes identically; the TS 23.040
numbers and the capacity rule come from ``_spec.pxd``, the C twin of ``_spec.py``; string
access and the block tests (the one definition of a "plain" character among them) from
``_scan.pxd`` / ``_scan.h``, which every kernel shares.

One module in parts by concern, included so that they compile into this one twin of
``_segments_py``: ``_segments_tables.pxi`` (the lookups), ``_segments_tally.pxi``
(counting: the default-table tally and the class histogram), ``_segments_pairs.pxi``
(scoring the national language pairs, and the ``count_text`` / ``count_parts`` entry
points), ``_segments_split.pxi`` (splitting and encoding); this file holds what Python
calls.

Array indexes are bounded by construction: a class id < MAX_CLASSES, a page slot <
MAX_PAGES, ``c >> 8`` and ``c & 0xFF`` < 256 and ``_class2[c]`` (65536 cells) for any code
point <= U+FFFF; lengths come from the string itself; the SSE2 and word loops read whole
blocks only inside the length.  Those are C indexes, which ``boundscheck`` and
``wraparound`` never check: both stay on (the directives of every kernel, set in
``setup.py``), so the few Python-level indexes (building the lookups) keep their checks.
"""

from cpython.bytes cimport PyBytes_FromStringAndSize
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memset

from ._spec cimport ESCAPE, SHIFT_IE_OCTETS, UDHL_OCTETS, USER_DATA_OCTETS, MAX_PARTS, MIN_ITEM_OCTETS
from ._spec cimport CONCAT8_OCTETS, CONCAT16_OCTETS, SEPTET_BITS
from ._spec cimport capacity as _capacity, header_room
from ._scan cimport (
    sms_ctz64,
    sms_data,
    sms_has_surrogate_u16,
    sms_kind,
    sms_length,
    sms_nonzero_4x64,
    sms_is_plain,
    sms_plain_u8x16,
    sms_plain_u8x32,
    sms_plain_u16x8,
    sms_ready,
)

from ._grapheme_c cimport GC_RULES_TWILIO, GC_RULES_UNICODE, gc_next_boundary, gc_prev_boundary

from . import _segments_py as _twin
from .errors import EncodingError
from . import _tables


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
    # A cell no table assigns (septets are 0x00-0x7F).
    _NO_CODE = 0xFF
    # Identifiers 0 (default) to 13 (TS 23.038 §6.2.1.2.4).
    _NUM_TABLES = 14
    _MAX_PAIRS = _NUM_TABLES * _NUM_TABLES


# A str's PEP 393 storage, read in place.
cdef inline int _view(str text, int* kind, const void** data, Py_ssize_t* length) except -1:
    sms_ready(text)
    kind[0] = sms_kind(text)
    data[0] = sms_data(text)
    length[0] = sms_length(text)
    return 0


include "_segments_tables.pxi"
include "_segments_tally.pxi"
include "_segments_pairs.pxi"
include "_segments_split.pxi"
include "_segments_policy.pxi"


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
    # Room for a two-unit item in every part: the rule of _spec.header_room.
    if (
        header < 0
        or (concat != CONCAT8_OCTETS and concat != CONCAT16_OCTETS)
        or header > header_room(concat, not (locks == 1 and singles == 1))
    ):
        raise ValueError(f"header {header} / concat {concat} octets leave no room for text")
    _view(text, &kind, &data, &length)
    plan.header = header
    plan.concat = concat
    plan.mode = mode
    plan.locks = locks
    plan.singles = singles
    plan.flags = 0
    count_text(kind, data, length, &plan, &out)
    if out.status == 1:
        # Cold path: the pure twin builds the error, so both twins say the same thing.
        raise _twin.unencodable_error(text, locks, singles)
    if out.status == 2:
        raise _twin.lone_surrogate_error(text)
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
    plan.flags = 0
    count_text(kind, data, length, &plan, &out)
    if out.status == 2:
        raise _twin.lone_surrogate_error(text)
    return out.parts


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


def carried(str text not None, uint64_t locks, uint64_t singles, /) -> bool:
    """Whether one enabled table pair carries all of ``text``: see ``_segments_py.carried``."""
    cdef int kind = 1
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0, i
    cdef uint64_t present = 0
    cdef int p, lk, ss
    _view(text, &kind, &data, &length)
    for i in range(length):
        # A class id is < MAX_CLASSES = 64 (checked when the tables are built).
        present |= (<uint64_t>1) << _class(_read(kind, data, i))
    for p in range(_num_pairs):
        lk = _pairs[p][0]
        ss = _pairs[p][1]
        if (locks >> lk) & 1 and (singles >> ss) & 1 and not (
            present & ~(_lock_classes[lk] | _single_classes[ss])
        ):
            return True
    return False


def smart_text(str text not None, dict table not None, Py_ssize_t header, Py_ssize_t concat, int mode,
               uint64_t locks, uint64_t singles, /) -> tuple:
    """Smart encoding of ``text`` with a translate table: see ``_segments_py.smart_text``."""
    new = text.translate(table)
    if new == text or not carried(new, locks, singles):
        return text, ()
    if mode == 0:
        try:
            before = analyze(text, header, concat, 0, locks, singles)[1]
        except EncodingError:
            # Not sendable as written (a caller's map replaced a lone surrogate).
            before = None
        if before is not None and analyze(new, header, concat, 0, locks, singles)[1] > before:
            return text, ()
    return new, tuple((ch, table[ord(ch)]) for ch in dict.fromkeys(text) if ord(ch) in table)


#: The TS 23.038 / 23.040 numbers this kernel was compiled with (``_spec.pxd``), for the
#: test that they equal ``_spec.py``'s.
SPEC_VALUES = {
    "USER_DATA_OCTETS": USER_DATA_OCTETS,
    "UDHL_OCTETS": UDHL_OCTETS,
    "MAX_PARTS": MAX_PARTS,
    "CONCAT_OCTETS": {8: CONCAT8_OCTETS, 16: CONCAT16_OCTETS},
    "SHIFT_IE_OCTETS": SHIFT_IE_OCTETS,
    "ESCAPE": ESCAPE,
    "SEPTET_BITS": SEPTET_BITS,
    "MIN_ITEM_OCTETS": MIN_ITEM_OCTETS,
}


def header_room_of(Py_ssize_t concat, bint national, /) -> int:
    """``_spec.header_room`` as compiled (for the test that the two agree)."""
    return header_room(concat, national)


#: The split policy bits (_segments_policy.pxi's _FLAG_*, the same as the pure twin's).
FLAG_GRAPHEMES = _FLAG_GRAPHEMES
FLAG_TWILIO_RULES = _FLAG_TWILIO_RULES
FLAG_WORDS = _FLAG_WORDS
FLAG_TWILIO_FILL = _FLAG_TWILIO_FILL
#: The characters after which a words policy may end a part (what _is_break_space tests).
BREAK_SPACES = frozenset(chr(c) for c in range(0x3001) if _is_break_space(c))

# The errors both twins raise, built by the pure twin so that they say the same thing.
unencodable_error = _twin.unencodable_error
lone_surrogate_error = _twin.lone_surrogate_error
