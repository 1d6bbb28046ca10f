# cython: boundscheck=False, wraparound=False, cdivision=True
"""Segment counting and splitting: the compiled twin of ``_segments_py``.

Same names, results and errors as the pure twin, whose docstring is the theory of
operation.  Here a text is read in place through its PEP 393 storage (1, 2 or 4 bytes
per code point) without creating a Python object per character:

* ``tally_default`` adds one 64-bit word per character, looked up in a table: five
  12-bit fields (septets, escapes, characters outside the default tables, code points
  above U+FFFF, lone surrogates), summed over chunks of 1024 characters so that no
  field can overflow.  One pass gives every default-table count; a second pass is only
  made when the text needs several parts *and* holds escapes (or surrogate pairs),
  because only then can a part boundary fall inside a two-unit item.
* ``tally_classes`` builds a histogram of character classes (see ``_segments_py``): the
  one pass from which every enabled (locking, single shift) pair is scored with a few
  bitmask operations per pair.  Pairs whose result depends on where their escapes fall
  are replayed greedily, only when they could still win, and once per distinct cost
  signature.

Lookups are built at import from the pure twin's tables (which come from ``_tables``),
so both twins number classes and pick codes identically.  Array indexes are bounded by
construction: a class id < MAX_CLASSES, a page slot < MAX_PAGES, ``c >> 8`` and
``c & 0xFF`` < 256 for any code point <= U+FFFF; lengths come from the string itself.
"""

from cpython.bytes cimport PyBytes_FromStringAndSize
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memset

from . import _segments_py as _spec


cdef extern from *:
    """
    static CYTHON_INLINE int smscodec_ready(PyObject *s) {
    #if PY_VERSION_HEX < 0x030C0000
        return PyUnicode_READY(s);
    #else
        (void)s;
        return 0;
    #endif
    }
    """
    int smscodec_ready(object s) except -1

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)


cdef enum:
    # Word fields: 12 bits each; a chunk of 1024 characters adds at most 2048 to any field.
    _FIELD = 12
    _FIELD_MASK = 0xFFF
    _CHUNK = 1024
    # Class ids with no table: a code point above U+FFFF, a lone surrogate.
    _ASTRAL_CLASS = MAX_CLASSES - 2
    _SURROGATE_CLASS = MAX_CLASSES - 1
    # TS 23.038 §6.2.1.1: the escape septet to the single shift table.
    _ESCAPE = 0x1B
    # A cell no table assigns (septets are 0x00-0x7F).
    _NO_CODE = 0xFF
    # TS 23.040 §9.2.3.24: 140 octets of user data per part.
    _USER_DATA_OCTETS = 140
    # TS 23.040 §9.2.3.24.15-16: a national language shift element is 3 octets.
    _SHIFT_IE_OCTETS = 3
    # Identifiers 0 (default) to 13 (TS 23.038 §6.2.1.2.4).
    _NUM_TABLES = 14
    _MAX_PAIRS = _NUM_TABLES * _NUM_TABLES

# Word of one default-table character: septets | escapes << 12 | bad << 24 | astral << 36
# | surrogate << 48.
cdef uint64_t _W_BAD = (<uint64_t>1) << (2 * _FIELD)
cdef uint64_t _W_ASTRAL = _W_BAD | ((<uint64_t>1) << (3 * _FIELD))
cdef uint64_t _W_SURROGATE = _W_BAD | ((<uint64_t>1) << (4 * _FIELD))

cdef uint8_t _page_of[256]                      # BMP code point >> 8 -> page slot (0: no table)
cdef uint8_t _pages[MAX_PAGES][256]             # page slot, low byte -> class id
cdef uint8_t _lock_code[_NUM_TABLES][MAX_PAGES][256]    # -> septet in locking table n
cdef uint8_t _single_code[_NUM_TABLES][MAX_PAGES][256]  # -> code in single shift table n
cdef uint64_t _class_lock[MAX_CLASSES]          # class -> locking tables holding it
cdef uint64_t _class_single[MAX_CLASSES]        # class -> single shift tables holding it
cdef uint64_t _lock_classes[_NUM_TABLES]        # table -> classes it holds (locking)
cdef uint64_t _single_classes[_NUM_TABLES]      # table -> classes it holds (single shift)
cdef uint64_t _word_class[MAX_CLASSES]          # class -> default-table word
cdef uint64_t _word1[256]                       # U+0000-U+00FF -> default-table word
cdef int _pairs[_MAX_PAIRS][2]                  # scored pairs, in tie-break order
cdef int _num_pairs = 0


def _init() -> None:
    global _num_pairs
    classes = _spec.CLASSES
    if len(classes) > _ASTRAL_CLASS:
        raise ImportError(f"{len(classes)} character classes exceed MAX_CLASSES")
    memset(_page_of, 0, sizeof(_page_of))
    memset(_pages, 0, sizeof(_pages))
    memset(_lock_code, _NO_CODE, sizeof(_lock_code))
    memset(_single_code, _NO_CODE, sizeof(_single_code))
    memset(_class_lock, 0, sizeof(_class_lock))
    memset(_class_single, 0, sizeof(_class_single))
    memset(_lock_classes, 0, sizeof(_lock_classes))
    memset(_single_classes, 0, sizeof(_single_classes))
    cdef int k, nli, slot
    cdef Py_ssize_t cp
    cdef int slots = 1  # slot 0: a page no table touches
    for k, (lk, ss) in enumerate(classes):
        _class_lock[k] = lk
        _class_single[k] = ss
        for nli in range(_NUM_TABLES):
            if lk >> nli & 1:
                _lock_classes[nli] |= (<uint64_t>1) << k
            if ss >> nli & 1:
                _single_classes[nli] |= (<uint64_t>1) << k
    for ch, k in _spec._CLASS_OF.items():
        cp = ord(ch)
        if _page_of[cp >> 8] == 0:
            if slots >= MAX_PAGES - 1:
                raise ImportError("the GSM tables span more pages than MAX_PAGES")
            _page_of[cp >> 8] = slots
            slots += 1
        _pages[_page_of[cp >> 8]][cp & 0xFF] = k
    # Surrogates U+D800-U+DFFF share one slot of their own class.
    slot = slots
    for k in range(256):
        _pages[slot][k] = _SURROGATE_CLASS
    for k in range(0xD8, 0xE0):
        _page_of[k] = slot
    for nli in range(_NUM_TABLES):
        for ch, code in _spec._LOCK_CODES[nli].items():
            _lock_code[nli][_page_of[ord(ch) >> 8]][ord(ch) & 0xFF] = code
        for ch, code in _spec._SINGLE_CODES[nli].items():
            _single_code[nli][_page_of[ord(ch) >> 8]][ord(ch) & 0xFF] = code
    for k in range(MAX_CLASSES):
        if _class_lock[k] & 1:
            _word_class[k] = 1
        elif _class_single[k] & 1:
            _word_class[k] = 2 | ((<uint64_t>1) << _FIELD)
        else:
            _word_class[k] = _W_BAD
    _word_class[_ASTRAL_CLASS] = _W_ASTRAL
    _word_class[_SURROGATE_CLASS] = _W_SURROGATE
    for k in range(256):
        _word1[k] = _word_class[_pages[_page_of[0]][k]]
    _num_pairs = 0
    for lk, ss in _spec.PAIRS:
        _pairs[_num_pairs][0] = lk
        _pairs[_num_pairs][1] = ss
        _num_pairs += 1


_init()


cdef inline uint32_t _read(int kind, const void* data, Py_ssize_t i) noexcept nogil:
    if kind == 1:
        return (<const uint8_t*>data)[i]
    if kind == 2:
        return (<const uint16_t*>data)[i]
    return (<const uint32_t*>data)[i]


cdef inline int _class(uint32_t c) noexcept nogil:
    if c > 0xFFFF:
        return _ASTRAL_CLASS
    return _pages[_page_of[c >> 8]][c & 0xFF]


cdef inline void _unpack(uint64_t acc, Tally* out) noexcept nogil:
    out.septets += acc & _FIELD_MASK
    out.escapes += (acc >> _FIELD) & _FIELD_MASK
    out.bad += (acc >> (2 * _FIELD)) & _FIELD_MASK
    out.astral += (acc >> (3 * _FIELD)) & _FIELD_MASK
    out.surrogates += (acc >> (4 * _FIELD)) & _FIELD_MASK


cdef void tally_default(int kind, const void* data, Py_ssize_t length, Tally* out) noexcept nogil:
    cdef Py_ssize_t start = 0, stop, i
    cdef uint64_t acc
    cdef uint32_t c
    cdef const uint8_t* p1 = <const uint8_t*>data
    cdef const uint16_t* p2 = <const uint16_t*>data
    cdef const uint32_t* p4 = <const uint32_t*>data
    memset(out, 0, sizeof(Tally))
    while start < length:
        stop = start + _CHUNK if length - start > _CHUNK else length
        acc = 0
        if kind == 1:
            for i in range(start, stop):
                acc += _word1[p1[i]]
        elif kind == 2:
            for i in range(start, stop):
                c = p2[i]
                acc += _word_class[_pages[_page_of[c >> 8]][c & 0xFF]]
        else:
            for i in range(start, stop):
                acc += _word_class[_class(p4[i])]
        _unpack(acc, out)
        start = stop


cdef void tally_classes(int kind, const void* data, Py_ssize_t length, Py_ssize_t* hist) noexcept nogil:
    # hist: MAX_CLASSES counters, zeroed here.
    cdef Py_ssize_t i
    memset(hist, 0, MAX_CLASSES * sizeof(Py_ssize_t))
    if kind == 1:
        for i in range(length):
            hist[_pages[_page_of[0]][(<const uint8_t*>data)[i]]] += 1
    elif kind == 2:
        for i in range(length):
            hist[_class((<const uint16_t*>data)[i])] += 1
    else:
        for i in range(length):
            hist[_class((<const uint32_t*>data)[i])] += 1


cdef inline Py_ssize_t _capacity(Py_ssize_t header, Py_ssize_t extra, int ucs2) noexcept nogil:
    # TS 23.040 §9.2.3.24: septets = floor((140 - octets) * 8 / 7), UCS-2 units = floor((140 - octets) / 2);
    # a UDHL octet is counted when elements are added to no caller header.
    cdef Py_ssize_t octets = header if extra == 0 else (header if header else 1) + extra
    cdef Py_ssize_t free_octets = _USER_DATA_OCTETS - octets
    return free_octets // 2 if ucs2 else free_octets * 8 // 7


cdef Py_ssize_t _replay(
    int kind, const void* data, Py_ssize_t length, int ucs2, uint64_t ones, Py_ssize_t cap, Py_ssize_t* rem
) noexcept nogil:
    # Greedy parts of ``cap`` units.  GSM-7: a character of a class in ``ones`` costs 1, any
    # other 2 (the text is known to be encodable).  UCS-2: 2 above U+FFFF, else 1.
    cdef Py_ssize_t parts = 1, fill = 0, i, cost
    cdef uint32_t c
    for i in range(length):
        c = _read(kind, data, i)
        if ucs2:
            cost = 2 if c > 0xFFFF else 1
        else:
            cost = 1 if (ones >> _class(c)) & 1 else 2
        if fill + cost > cap:
            parts += 1
            fill = 0
        fill += cost
    rem[0] = cap - fill
    return parts


cdef inline void _measure(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, int ucs2, Py_ssize_t shift,
    Py_ssize_t total, Py_ssize_t doubles, uint64_t ones, Result* out
) noexcept nogil:
    # parts, per_segment and remaining of ``total`` units of which ``doubles`` items are 2 units.
    cdef Py_ssize_t single = _capacity(plan.header, shift, ucs2)
    cdef Py_ssize_t multi
    out.units = total
    if total <= single:
        out.parts = 1
        out.per_segment = single
        out.remaining = single - total
        return
    multi = _capacity(plan.header, plan.concat + shift, ucs2)
    out.per_segment = multi
    if doubles == 0:
        # Every item is one unit: parts fill up completely but the last.
        out.parts = (total + multi - 1) // multi
        out.remaining = out.parts * multi - total
    else:
        out.parts = _replay(kind, data, length, ucs2, ones, multi, &out.remaining)


cdef inline Py_ssize_t _popcount_sum(uint64_t mask, const Py_ssize_t* hist) noexcept nogil:
    cdef int k = 0
    cdef Py_ssize_t s = 0
    while mask:
        if mask & 1:
            s += hist[k]
        mask >>= 1
        k += 1
    return s


cdef bint _score_pairs(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, const Py_ssize_t* hist, Result* out
) noexcept nogil:
    # Score every enabled pair from the class histogram; True when one carries the text.
    cdef uint64_t present = 0, ones, twos, esc_mask
    cdef int k, p, lk, ss, found = 0, j, seen = 0
    cdef Py_ssize_t escapes, total, shift, lower, multi
    cdef Result trial
    # Replayed signatures (escape classes, shift octets) and their parts/remaining.
    cdef uint64_t sig_mask[_MAX_PAIRS]
    cdef Py_ssize_t sig_shift[_MAX_PAIRS]
    cdef Py_ssize_t sig_parts[_MAX_PAIRS]
    cdef Py_ssize_t sig_rem[_MAX_PAIRS]
    for k in range(MAX_CLASSES):
        if hist[k]:
            present |= (<uint64_t>1) << k
    for p in range(_num_pairs):
        lk = _pairs[p][0]
        ss = _pairs[p][1]
        if not ((plan.locks >> lk) & 1 and (plan.singles >> ss) & 1):
            continue
        ones = _lock_classes[lk]
        twos = _single_classes[ss] & ~ones
        if present & ~(ones | twos):
            continue
        esc_mask = present & twos
        escapes = _popcount_sum(esc_mask, hist)
        total = length + escapes
        shift = _SHIFT_IE_OCTETS * ((lk != 0) + (ss != 0))
        trial.encoding = 0
        trial.locking = lk
        trial.single = ss
        if escapes and total > _capacity(plan.header, shift, 0):
            multi = _capacity(plan.header, plan.concat + shift, 0)
            lower = (total + multi - 1) // multi
            if found and lower > out.parts:
                continue  # cannot beat the best: skip the replay
            for j in range(seen):
                if sig_mask[j] == esc_mask and sig_shift[j] == shift:
                    break
            else:
                j = seen
                _measure(kind, data, length, plan, 0, shift, total, escapes, ones, &trial)
                sig_mask[j] = esc_mask
                sig_shift[j] = shift
                sig_parts[j] = trial.parts
                sig_rem[j] = trial.remaining
                seen += 1
            trial.units = total
            trial.per_segment = multi
            trial.parts = sig_parts[j]
            trial.remaining = sig_rem[j]
        else:
            _measure(kind, data, length, plan, 0, shift, total, escapes, ones, &trial)
        # Pairs come in tie-break order: only a strictly better one replaces the best.
        if not found or trial.parts < out.parts or (
            trial.parts == out.parts and trial.remaining > out.remaining
        ):
            out[0] = trial
            found = 1
    return found


cdef void count_text(int kind, const void* data, Py_ssize_t length, const Plan* plan, Result* out) noexcept nogil:
    cdef Tally t
    cdef Py_ssize_t hist[MAX_CLASSES]
    cdef Py_ssize_t astral, surrogates
    out.status = 0
    out.locking = 0
    out.single = 0
    if plan.mode == 2 or (plan.locks == 1 and plan.singles == 1):
        tally_default(kind, data, length, &t)
        if t.bad == 0 and plan.mode != 2:
            out.encoding = 0
            _measure(kind, data, length, plan, 0, 0, t.septets, t.escapes, _lock_classes[0], out)
            return
        astral = t.astral
        surrogates = t.surrogates
    else:
        tally_classes(kind, data, length, hist)
        out.status = 0
        if _score_pairs(kind, data, length, plan, hist, out):
            return
        astral = hist[_ASTRAL_CLASS]
        surrogates = hist[_SURROGATE_CLASS]
    if plan.mode == 1:
        out.status = 1
        return
    if surrogates:
        out.status = 2
        return
    out.encoding = 1
    out.locking = 0
    out.single = 0
    _measure(kind, data, length, plan, 1, 0, length + astral, astral, 0, out)


cdef inline void _view(str text, int* kind, const void** data, Py_ssize_t* length) except *:
    smscodec_ready(text)
    kind[0] = PyUnicode_KIND(text)
    data[0] = PyUnicode_DATA(text)
    length[0] = PyUnicode_GET_LENGTH(text)


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
    _view(text, &kind, &data, &length)
    plan.header = header
    plan.concat = concat
    plan.mode = mode
    plan.locks = locks
    plan.singles = singles
    count_text(kind, data, length, &plan, &out)
    if out.status == 1:
        # Cold path: the spec twin builds the error, so both twins say the same thing.
        raise _spec._unencodable(text, locks, singles)
    if out.status == 2:
        _spec._ucs2_costs(text)  # raises the lone surrogate's EncodingError
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
    count_text(kind, data, length, &plan, &out)
    if out.status == 2:
        _spec._ucs2_costs(text)  # raises the lone surrogate's EncodingError
    return out.parts


def split(str text not None, int ucs2, int locking, int single, Py_ssize_t cap, /) -> list:
    """Greedy split points of ``text`` for parts of ``cap`` units: see ``_segments_py.split``."""
    cdef int kind = 1
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0, i, fill = 0, cost
    cdef uint32_t c
    cdef int k
    cdef uint64_t ones = _lock_classes[locking]
    cdef uint64_t usable = ones | _single_classes[single]
    _view(text, &kind, &data, &length)
    ends = []
    for i in range(length):
        c = _read(kind, data, i)
        if ucs2:
            if 0xD800 <= c <= 0xDFFF:
                _spec._ucs2_costs(text)  # raises the lone surrogate's EncodingError
            cost = 2 if c > 0xFFFF else 1
        else:
            k = _class(c)
            if not (usable >> k) & 1:
                raise _spec._unencodable(text, (<uint64_t>1) << locking, (<uint64_t>1) << single)
            cost = 1 if (ones >> k) & 1 else 2
        if fill + cost > cap:
            ends.append((i, fill))
            fill = 0
        fill += cost
    ends.append((length, fill))
    return ends


def encode_septets(str text not None, int locking, int single, /) -> bytes:
    """Unpacked septets of ``text`` with the given tables: see ``_segments_py.encode_septets``."""
    cdef int kind = 1
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0, i, n = 0
    cdef uint32_t c
    cdef uint8_t code, slot
    _view(text, &kind, &data, &length)
    cdef uint8_t* buf = <uint8_t*>malloc(2 * length + 1)
    if buf == NULL:
        raise MemoryError()
    try:
        for i in range(length):
            c = _read(kind, data, i)
            code = _NO_CODE
            if c <= 0xFFFF:
                slot = _page_of[c >> 8]
                code = _lock_code[locking][slot][c & 0xFF]
                if code == _NO_CODE:
                    code = _single_code[single][slot][c & 0xFF]
                    if code != _NO_CODE:
                        buf[n] = _ESCAPE
                        n += 1
            if code == _NO_CODE:
                raise _spec._unencodable(text, (<uint64_t>1) << locking, (<uint64_t>1) << single)
            buf[n] = code
            n += 1
        return PyBytes_FromStringAndSize(<char*>buf, n)
    finally:
        free(buf)


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
