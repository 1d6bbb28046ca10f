# cython: language_level=3, embedsignature=True, embedsignature.format=clinic, binding=False
# cython: freethreading_compatible=True, cdivision=True, boundscheck=False, wraparound=False
"""Batch counting kernels: the compiled twin of ``_batch_py``.

Same functions, results and errors as the pure twin, whose docstring is the theory of
operation.  Every message is counted by the segments kernel's GIL-free ``count_text``
on storage read in place:

* ``count_objects`` takes the (kind, data, length) of a block of ``str`` elements with
  the GIL held (the caller's tuple keeps them alive), then counts the block without it.
* ``count_ucs4`` reads a numpy ``U`` array's code units where they are.
* ``count_utf8`` reads an Arrow array's buffers.  A message whose bytes are all below
  0x80 is valid Latin-1 storage as it stands and is counted as a 1-byte string; any
  other is decoded, with full UTF-8 validation, into a scratch buffer of the narrowest
  width its lead bytes allow (0xC2/0xC3 only: 1 byte; up to 0xEF: 2; else 4).

With smart encoding, a message that is not GSM-7 as it stands goes through a
``SmartTable``: a two-level lookup (BMP page -> slot, low byte -> entry) built from the
pure twin's checked table, giving each code point "carried" (with its septets under the
default tables), "neither", or the index of its replacement (characters, septets,
escapes, largest code point).  One pass over the message decides what is sent and, in
the common cases, its parts (see the pure twin's docstring); otherwise the replaced
message is written into a per-call scratch buffer and counted by ``count_text``.

Lengths are checked by hand before any pointer arithmetic: ranges against the tuple or
the arrays, offsets against the data buffer, the bitmap against the range; a decoder
reads a continuation byte only after checking it is inside the message.  A smart
table's page slots and entry indexes are bounded by construction (a slot < the slots
allocated, ``c & 0xFF`` < 256, a replacement index < the replacements stored), and the
replaced message is written only after its length was summed and room reserved.

One module in parts by concern, included so that they compile into this one twin of
``_batch_py``: ``_batch_smart.pxi`` (smart tables and the smart scan), ``_batch_utf8.pxi``
(Arrow's UTF-8 buffers), ``_batch_views.pxi`` (Arrow string views); this file holds the
options, the per-message step and the ``str`` / numpy entry points.  String access and
the block tests (the one definition of a "plain" character among them) come from
``_scan.pxd`` / ``_scan.h``, which every kernel shares.  Directives: those of every
kernel (``setup.py``), and ``boundscheck`` / ``wraparound`` off for the whole file: its
typed memoryviews are indexed only below lengths checked by hand, as above.
"""

from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy, memset

from cpython.ref cimport PyObject, Py_DECREF, Py_INCREF

from ._segments_c cimport Plan, Result, count_text, replay_default, set_policy
from ._spec cimport capacity as _capacity
from ._scan cimport (
    sms_data_ref,
    sms_is_ascii,
    sms_is_plain,
    sms_kind_ref,
    sms_length_ref,
    sms_plain_u16x8,
    sms_plain_u8x16,
    sms_prefetch,
    sms_ready_ref,
    sms_simd_level,
    sms_simd_use,
    sms_tally,
    sms_tally_latin1,
    sms_tally_ucs2,
    sms_tally_ucs4,
    sms_tally_utf8,
    sms_ucs4_length,
    sms_utf8_error,
    sms_utf8_group,
    sms_utf8_parts,
    SMS_GROUP_BYTES,
    SMS_GROUP_MESSAGES,
    sms_utf8_seq,
)

from . import _batch_py as _twin


cdef extern from "Python.h":
    PyObject* PyTuple_GET_ITEM(object t, Py_ssize_t i)
    PyObject* PyList_GET_ITEM(object t, Py_ssize_t i)
    Py_ssize_t PyTuple_GET_SIZE(object t)
    Py_ssize_t PyList_GET_SIZE(object t)
    bint PyUnicode_Check(PyObject* o)
    PyObject* Py_None


FLAGGED = _twin.FLAGGED
RELEASES_GIL = True

cdef enum:
    # Strings gathered per GIL-free counting pass (bounded scratch on the stack).
    _BLOCK = 512
    # Strings ahead whose header is prefetched while one is read.
    _AHEAD = 16
    # Strings ahead whose text is prefetched while one is counted, and at most how many
    # cache lines of each.
    _DATA_AHEAD = 4
    _PREFETCH_LINES = 6
    _FLAGGED = 0xFF
    # The largest Unicode code point (The Unicode Standard §3.9, D9).
    _MAX_CODE_POINT = 0x10FFFF
    # Smart table entries below 0 (0 and up: a replacement's index).
    _CARRIED1 = -1   # an enabled table carries it (1 septet under the default tables)
    _CARRIED2 = -2   # carried through the escape under the default tables (2 septets)
    _NEITHER = -3    # neither carried nor replaced: the message goes as written
    # What a smart scan found.
    _AS_WRITTEN = 0
    _REPLACED = 1
    _LEAVE = 2       # left to the public layer (flagged)

ctypedef fused char_t:
    uint8_t
    uint16_t
    uint32_t


cdef struct Repl:
    Py_ssize_t start     # its first character in SmartData.chars
    Py_ssize_t length    # characters
    Py_ssize_t septets   # septets under the default tables (direct tables only)
    Py_ssize_t escapes   # of which extension characters (2 septets each)
    uint32_t top         # its largest code point (0 for an empty replacement)


cdef struct SmartData:
    const uint16_t* page_of   # 256 cells: BMP code point >> 8 -> page slot (0: all _NEITHER)
    const int32_t* entries    # slots x 256: slot << 8 | low byte -> entry
    const Repl* repls
    const uint16_t* chars     # replacement characters, back to back (all BMP: table characters)
    bint astral               # the map has keys above U+FFFF
    bint direct               # only the default tables: entries carry septet costs
    bint plain                # every plain character (_scan.h, sms_is_plain) is _CARRIED1


cdef struct Options:
    Plan plan
    Plan gsm        # the same tables under mode 0: is the text GSM-7 as it stands?
    bint smart
    const SmartData* table   # NULL: flag every message that is not GSM-7 as it stands
    # Only the default tables: a whole-message tally (_scan.h) decides, not count_text.
    bint fast
    # National tables besides the default ones, no split policy: a message of default
    # alphabet characters only is counted from its tally too (see _basic_first).
    bint basic_first
    # The tally must follow the GSM-7 count (not under mode 2, unless smart encoding asks
    # whether the text is GSM-7 as it stands).
    bint want_gsm
    # Units per part with no shift elements (TS 23.040 §9.2.3.24): one part, several parts.
    Py_ssize_t gsm_single
    Py_ssize_t gsm_multi
    Py_ssize_t ucs_single
    Py_ssize_t ucs_multi


cdef struct Buffer:
    # Scratch for a replaced message, grown on demand; freed by the caller.
    void* data
    Py_ssize_t size


cdef struct Scan:
    Py_ssize_t length    # characters of the replaced message
    Py_ssize_t septets   # its septets and escapes (direct tables only)
    Py_ssize_t escapes


include "_batch_smart.pxi"


cdef enum:
    # _plan.FLAG_GRAPHEMES | FLAG_TWILIO_RULES | FLAG_TWILIO_FILL: the "twilio" policy's
    # bits, and its fill rule alone (no words, no per-part limits: POLICY_LIMITS unset).
    _TWILIO_FLAGS = 1 | 2 | 8
    _TWILIO_FILL = 8


cdef struct Out:
    int32_t* segments
    int32_t* units      # NULL: not wanted
    int32_t* remaining  # NULL: not wanted
    uint8_t* encoding


cdef int _options(tuple options, object table, Options* o) except -1:
    _twin.check_options(options)
    _twin.check_table(table, options, SmartTable)
    header, concat, mode, locks, singles, smart = options[:6]
    memset(o, 0, sizeof(Options))
    if len(options) == 11:
        # A split policy: its flags and per-part limits (see _batch_py).
        set_policy(&o.plan, options[6], options[7], options[8], options[9], options[10])
    o.plan.header = header
    o.plan.concat = concat
    o.plan.mode = mode
    o.plan.locks = locks
    o.plan.singles = singles
    o.gsm = o.plan
    o.gsm.mode = 0
    o.smart = smart
    # The caller's reference keeps the table alive for the whole call.
    o.table = &(<SmartTable>table).d if table is not None else NULL
    o.gsm_single = _capacity(header, 0, False)
    o.gsm_multi = _capacity(header, concat, False)
    o.ucs_single = _capacity(header, 0, True)
    o.ucs_multi = _capacity(header, concat, True)
    # The tally decides only TS 23.040's greedy split: under a split policy (its clusters,
    # words, fill or per-part limits) count_text finds the parts.
    o.fast = locks == 1 and singles == 1 and not o.plan.flags
    o.want_gsm = mode != 2 or smart
    # _basic_first holds for TS 23.040's split with national tables, and for Twilio's
    # (policies.py, "twilio": its fill equals the greedy one where every code point costs
    # one unit, and a default-alphabet text has no grapheme cluster of several code points
    # but CR LF, which Twilio splits) unless smart encoding, which Twilio applies to
    # every mapped character, is on.
    twilio = (o.plan.flags & _TWILIO_FILL) and not (o.plan.flags & ~_TWILIO_FLAGS) and not smart
    o.basic_first = (not o.fast and mode != 2 and locks & 1 and singles & 1
                     and (len(options) == 6 or twilio))
    return 0


cdef inline bint _basic_first(const sms_tally* t, const Options* o, Out* out, Py_ssize_t i) noexcept nogil:
    # With national tables enabled, a message of default alphabet characters only (no
    # extension character, TS 23.038 §6.2.1) costs one septet a character with no shift
    # element in the header; every other table pair costs at least as much per character
    # and adds 3 octets of header a table (TS 23.040 §9.2.3.24.15-16), so the scalar
    # API's choice is the default tables and their count (tests/test_batch_tables.py
    # checks it against the scalar API).  True when stored.
    cdef Result r
    if not (t.gsm and t.escapes == 0):
        return False
    memset(&r, 0, sizeof(Result))  # (what _decide leaves unset on its other branches)
    _decide(t, o, &r)  # one-septet items only: never asks for the greedy split
    _store(out, i, r.encoding, r.parts, r.units, r.remaining)
    return True


cdef inline bint _decide(const sms_tally* t, const Options* o, Result* r) noexcept nogil:
    # The result under the default tables from a tally (what count_text gives): GSM-7
    # when every character is in the default alphabet or its extension table (and mode
    # allows), chars + escapes septets; else UCS-2, chars + astral UTF-16 units, unless
    # mode 1 (status 1) or a lone surrogate (status 2).  Parts of one-unit items only fill
    # up completely but the last (TS 23.040 §9.2.3.24.1); True when items of two units
    # (escapes, surrogate pairs) share several parts: then the caller finds the parts
    # by the greedy split, r.per_segment being the part size and r.encoding the units.
    cdef Py_ssize_t units, doubles, single, multi
    r.status = 0
    r.locking = 0
    r.single = 0
    if o.plan.mode != 2 and t.gsm:
        r.encoding = 0
        units = t.chars + t.escapes
        doubles = t.escapes
        single = o.gsm_single
        multi = o.gsm_multi
    elif o.plan.mode == 1:
        r.status = 1
        return False
    elif t.surrogates:
        r.status = 2
        return False
    else:
        r.encoding = 1
        units = t.chars + t.astral
        doubles = t.astral
        single = o.ucs_single
        multi = o.ucs_multi
    r.units = units
    if units <= single:
        r.parts = 1
        r.per_segment = single
        r.remaining = single - units
        return False
    r.per_segment = multi
    if doubles == 0:
        r.parts = (units + multi - 1) // multi
        r.remaining = r.parts * multi - units
        return False
    return True


cdef int32_t* _int32(int32_t[::1] view, Py_ssize_t need) except? NULL:
    if view is None:
        return NULL
    if view.shape[0] < need:
        raise ValueError(f"an output array holds {view.shape[0]} elements, {need} needed")
    return &view[0] if view.shape[0] else NULL


cdef uint8_t* _uint8(uint8_t[::1] view, Py_ssize_t need) except? NULL:
    if view.shape[0] < need:
        raise ValueError(f"an output array holds {view.shape[0]} elements, {need} needed")
    return &view[0] if view.shape[0] else NULL


cdef inline void _store(Out* out, Py_ssize_t i, int encoding, Py_ssize_t parts, Py_ssize_t units,
                        Py_ssize_t remaining) noexcept nogil:
    out.encoding[i] = <uint8_t>encoding
    out.segments[i] = <int32_t>parts
    if out.units != NULL:
        out.units[i] = <int32_t>units
    if out.remaining != NULL:
        out.remaining[i] = <int32_t>remaining


cdef inline void _count_one(int kind, const void* data, Py_ssize_t n, const Options* o, Out* out,
                            Py_ssize_t i, Buffer* buf) noexcept nogil:
    cdef Result r, g
    cdef bint plain
    cdef sms_tally t
    if o.basic_first:
        memset(&t, 0, sizeof(sms_tally))
        if kind == 1:
            sms_tally_latin1(<const uint8_t*>data, n, 1, &t)
        elif kind == 2:
            sms_tally_ucs2(<const uint16_t*>data, n, 1, &t)
        else:
            sms_tally_ucs4(<const uint32_t*>data, n, 1, &t)
        if _basic_first(&t, o, out, i):
            return
    count_text(kind, data, n, &o.plan, &r)
    if o.smart:
        # Smart encoding only changes a text that is not GSM-7 as it stands.
        if r.status != 0:
            plain = False
        elif o.plan.mode == 2:
            count_text(kind, data, n, &o.gsm, &g)
            plain = g.status == 0 and g.encoding == 0
        else:
            plain = r.encoding == 0
        if not plain and (o.table == NULL or _smart(kind, data, n, o, buf, &r)):
            _store(out, i, _FLAGGED, 0, 0, 0)
            return
    if r.status != 0:
        # A status means the scalar API raises: leave it to the scalar API.
        _store(out, i, _FLAGGED, 0, 0, 0)
    else:
        _store(out, i, r.encoding, r.parts, r.units, r.remaining)


cdef inline void _finish(int kind, const void* data, Py_ssize_t n, const sms_tally* t, const Options* o,
                         Out* out, Py_ssize_t i, Buffer* buf) noexcept nogil:
    # Store the result of a tallied text (code points of ``kind`` bytes), smart encoding
    # included: as _count_one, the exact split replayed from the two-unit items only.
    cdef Result r
    if _decide(t, o, &r):
        # Several parts holding two-unit items: only those items are visited again.
        r.parts = replay_default(kind, data, n, r.encoding, r.per_segment,
                                 t.astral if r.encoding else t.escapes, &r.remaining)
    if o.smart and not t.gsm and (o.table == NULL or _smart(kind, data, n, o, buf, &r)):
        _store(out, i, _FLAGGED, 0, 0, 0)
    elif r.status != 0:
        _store(out, i, _FLAGGED, 0, 0, 0)
    else:
        _store(out, i, r.encoding, r.parts, r.units, r.remaining)


cdef inline void _count_str(int kind, const void* data, Py_ssize_t n, const Options* o, Out* out,
                            Py_ssize_t i, Buffer* buf) noexcept nogil:
    # _count_one under the default tables: a tally of the str's own storage decides; only
    # several parts holding two-unit items are replayed (replay_default).
    cdef sms_tally t
    if kind == 1:
        sms_tally_latin1(<const uint8_t*>data, n, o.want_gsm, &t)
    elif kind == 2:
        sms_tally_ucs2(<const uint16_t*>data, n, o.want_gsm, &t)
    else:
        # A str holds code points only (none above U+10FFFF): never refused here.
        sms_tally_ucs4(<const uint32_t*>data, n, o.want_gsm, &t)
    _finish(kind, data, n, &t, o, out, i, buf)


cdef inline void _prefetch_text(const void* data, Py_ssize_t size) noexcept nogil:
    # Ask for every cache line of a str's text (its first line came with the header),
    # the first _PREFETCH_LINES of them: the hardware's own prefetcher follows a longer one.
    cdef const char* p = <const char*>data
    cdef Py_ssize_t at = 64 - (<size_t>p & 63)
    cdef int lines = 0
    while at < size and lines < _PREFETCH_LINES:
        sms_prefetch(p + at)
        at += 64
        lines += 1


def simd_level():
    """The SIMD level the kernels use: 0 the base code (SSE2 or 64-bit words), 1 AVX2."""
    return sms_simd_level()


def use_simd_level(int level, /):
    """Use SIMD ``level`` (-1: the best this CPU runs; never above it) and return the level
    now in use: for tests, which compare the versions."""
    return sms_simd_use(level)


def count_objects(values not None, Py_ssize_t start, Py_ssize_t stop, tuple options not None,
                  segments, units, remaining, encoding, table=None, /):
    """Count ``values[start:stop]``: see ``_batch_py.count_objects``."""
    cdef Options o
    cdef Out out
    cdef Buffer buf
    cdef int kinds[_BLOCK]
    cdef const void* datas[_BLOCK]
    cdef Py_ssize_t lengths[_BLOCK]
    cdef Py_ssize_t where[_BLOCK]
    # The strings of the block being counted, each with a reference of its own while the
    # GIL is released: a list may lose them meanwhile (a tuple copy of a whole list would
    # touch every str header twice more, a cache miss each, for its refcounts).
    cdef PyObject* held[_BLOCK]
    cdef Py_ssize_t i, j, k, m = 0, size
    cdef PyObject* item
    cdef bint is_list = type(values) is list
    if not is_list and type(values) is not tuple:
        raise TypeError(f"values must be a list or a tuple, not {type(values).__name__}")
    _options(options, table, &o)
    if is_list and 0 <= start <= stop and stop > len(values):
        raise _twin.list_changed(len(values), stop)
    if not 0 <= start <= stop <= len(values):
        raise ValueError(f"range {start}..{stop} is outside 0..{len(values)}")
    # Typed views held for the whole call keep the output buffers alive.
    cdef int32_t[::1] seg_v = segments
    cdef int32_t[::1] units_v = units
    cdef int32_t[::1] rem_v = remaining
    cdef uint8_t[::1] enc_v = encoding
    out.segments = _int32(seg_v, stop)
    out.units = _int32(units_v, stop)
    out.remaining = _int32(rem_v, stop)
    out.encoding = _uint8(enc_v, stop)
    buf.data = NULL
    buf.size = 0
    i = start
    try:
        while i < stop:
            m = 0
            # (Another thread may shrink a list between two blocks, never during one.)
            size = PyList_GET_SIZE(values) if is_list else PyTuple_GET_SIZE(values)
            if stop > size:
                raise _twin.list_changed(size, stop)
            while i < stop and m < _BLOCK:
                # The str objects lie wherever they were made: ask for the header of one a
                # few places ahead while this one is read (a miss each, else).
                if i + _AHEAD < stop:
                    sms_prefetch(_item(values, is_list, i + _AHEAD))
                item = _item(values, is_list, i)
                if PyUnicode_Check(item):
                    sms_ready_ref(item)
                    Py_INCREF(<object>item)
                    held[m] = item
                    kinds[m] = sms_kind_ref(item)
                    datas[m] = sms_data_ref(item)
                    lengths[m] = sms_length_ref(item)
                    where[m] = i
                    m += 1
                else:
                    if item != Py_None:
                        _twin.check_element(<object>item, i)  # raises unless a missing value
                        # (Python code ran: another thread may have had its turn.)
                        if is_list and PyList_GET_SIZE(values) < stop:
                            raise _twin.list_changed(len(values), stop)
                    _store(&out, i, 0, 0, 0, 0)
                i += 1
            with nogil:
                for k in range(m):
                    # The text of the next strings (their header was read above).
                    j = k + _DATA_AHEAD
                    if j < m:
                        _prefetch_text(datas[j], lengths[j] * kinds[j])
                    if o.fast:
                        _count_str(kinds[k], datas[k], lengths[k], &o, &out, where[k], &buf)
                    else:
                        _count_one(kinds[k], datas[k], lengths[k], &o, &out, where[k], &buf)
            _release(held, m)
            m = 0
    finally:
        _release(held, m)
        free(buf.data)


cdef inline PyObject* _item(object values, bint is_list, Py_ssize_t i) noexcept:
    # Element i (checked below the container's size by the caller), borrowed.
    return PyList_GET_ITEM(values, i) if is_list else PyTuple_GET_ITEM(values, i)


cdef inline void _release(PyObject** held, Py_ssize_t m) noexcept:
    cdef Py_ssize_t k
    for k in range(m):
        Py_DECREF(<object>held[k])


def count_ucs4(array, Py_ssize_t width, Py_ssize_t start, Py_ssize_t stop,
               tuple options not None, segments, units, remaining, encoding, table=None, /):
    """Count elements ``start:stop`` of a numpy ``U`` array: see ``_batch_py.count_ucs4``."""
    cdef Options o
    cdef Out out
    cdef Buffer buf
    cdef Py_ssize_t i, j, n, length
    cdef Py_ssize_t bad = -1, capacity = 0
    cdef void* scratch = NULL
    cdef void* grown
    cdef const uint32_t[::1] data = array
    cdef const uint32_t* row
    cdef const uint32_t* base = NULL
    cdef uint32_t top
    cdef sms_tally t
    _options(options, table, &o)
    if width < 0:
        raise ValueError(f"width must not be negative, got {width}")
    length = data.shape[0] // width if width else stop
    if not 0 <= start <= stop <= length:
        raise ValueError(f"range {start}..{stop} is outside 0..{length}")
    cdef int32_t[::1] seg_v = segments
    cdef int32_t[::1] units_v = units
    cdef int32_t[::1] rem_v = remaining
    cdef uint8_t[::1] enc_v = encoding
    out.segments = _int32(seg_v, stop)
    out.units = _int32(units_v, stop)
    out.remaining = _int32(rem_v, stop)
    out.encoding = _uint8(enc_v, stop)
    if width and data.shape[0]:
        base = &data[0]
    buf.data = NULL
    buf.size = 0
    with nogil:
        for i in range(start, stop):
            row = base + i * width if width else NULL
            # numpy pads every element with U+0000: trailing NULs are not text.
            n = sms_ucs4_length(row, width) if width else 0
            if o.fast:
                # One pass over the code units where they are: the tally refuses a value
                # above U+10FFFF (then ucs4_text below says which).
                if sms_tally_ucs4(row, n, o.want_gsm, &t) >= 0:
                    bad = i
                    break
                _finish(4, row if n else <const void*>"", n, &t, &o, &out, i, &buf)
                continue
            top = 0
            for j in range(n):
                if row[j] > top:
                    top = row[j]
            if top > _MAX_CODE_POINT:
                bad = i
                break
            if top > 0xFFFF:
                _count_one(4, row, n, &o, &out, i, &buf)
                continue
            # National tables: the segments kernel reads 1- and 2-byte storage faster (fewer
            # lookups): narrow the row into the scratch buffer, as str would store it.
            if n > capacity:
                grown = realloc(scratch, n * 2)
                if grown == NULL:
                    bad = -2
                    break
                scratch = grown
                capacity = n
            if top < 0x100:
                for j in range(n):
                    (<uint8_t*>scratch)[j] = <uint8_t>row[j]
                _count_one(1, scratch, n, &o, &out, i, &buf)
            else:
                for j in range(n):
                    (<uint16_t*>scratch)[j] = <uint16_t>row[j]
                _count_one(2, scratch, n, &o, &out, i, &buf)
    free(scratch)
    free(buf.data)
    if bad == -2:
        raise MemoryError()
    if bad >= 0:
        _twin.ucs4_text(array, width, bad)  # raises the element's DecodeError
        raise AssertionError("ucs4_text accepted an element the kernel refused")


include "_batch_utf8.pxi"
include "_batch_views.pxi"


# The pure twin's helpers, the same objects: both twins name errors identically.
check_element = _twin.check_element
list_changed = _twin.list_changed
check_options = _twin.check_options
ucs4_error = _twin.ucs4_error
ucs4_text = _twin.ucs4_text
utf8_error = _twin.utf8_error
view_bytes = _twin.view_bytes
view_error = _twin.view_error
