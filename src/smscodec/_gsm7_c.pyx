# cython: freethreading_compatible=True, binding=False, embedsignature=True, embedsignature.format=clinic
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

Lengths are checked by hand before every access: ``boundscheck`` and ``wraparound``
are off where noted.  The GIL-free core is declared in ``_gsm7_c.pxd``.
"""

cimport cython
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.ref cimport Py_INCREF

from ._tables import ESCAPE, NATIONAL_TABLES, language_id, locking_table, single_shift_table
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


cdef extern from *:
    """
    #if PY_VERSION_HEX < 0x030C0000
    #define smscodec_unicode_ready(op) PyUnicode_READY(op)
    #else
    #define smscodec_unicode_ready(op) 0
    #endif
    /* Byte lanes of a 64-bit word (the "SWAR" idioms of Hacker's Delight 6-1). */
    #define SMS_ONES UINT64_C(0x0101010101010101)
    #define SMS_HIGH UINT64_C(0x8080808080808080)
    /* The high bytes of four UCS-2 (two UCS-4) units; the same value on either endianness. */
    #define SMS_UCS2_HIGH UINT64_C(0xFF00FF00FF00FF00)
    #define SMS_UCS4_HIGH UINT64_C(0xFFFFFF00FFFFFF00)
    /* Stand-in "A" (0x41, a plain septet) for those high bytes once they are known to be zero. */
    #define SMS_UCS2_FILL UINT64_C(0x4100410041004100)
    #define SMS_UCS4_FILL UINT64_C(0x4141410041414100)
    /* Bytes 2-3 of a 64-bit word. */
    #define SMS_BYTES_2_3 UINT64_C(0xFFFF0000)
    """
    int smscodec_unicode_ready(object) except -1
    const uint64_t SMS_ONES
    const uint64_t SMS_HIGH
    const uint64_t SMS_UCS2_HIGH
    const uint64_t SMS_UCS4_HIGH
    const uint64_t SMS_UCS2_FILL
    const uint64_t SMS_UCS4_FILL
    const uint64_t SMS_BYTES_2_3

cdef extern from "Python.h":
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    bint PyUnicode_Check(object)
    object PyUnicode_New(Py_ssize_t size, uint32_t maxchar)
    object PyUnicode_FromOrdinal(int ordinal)
    uint32_t PyUnicode_READ(int kind, const void* data, Py_ssize_t index)
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
    # TS 23.038 §6.2.1.1: the escape to the extension (single shift) table.
    _ESC = 0x1B
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


# The lookups of one (locking shift, single shift) table pair.  ``cost`` and ``encode``
# hold ``limit`` cells; a code point >= limit reads cell limit - 1, which is in no table.
ctypedef struct Tables:
    # Code point -> septets it costs: 1, 2, or 1 << _COST_BAD_SHIFT when in neither table.
    const uint16_t* cost
    # Two Latin-1 characters (their two bytes read as one native uint16) -> the sum of
    # their costs, for 1-byte strings; NULL when the pair has none.
    const uint16_t* pair_cost
    # Code point -> what the encoder stores (the _ENCODE cell layout above).
    const uint32_t* encode
    # Septet -> code point, _UNASSIGNED where the locking table has none (always 0x1B).
    const uint32_t* dec
    # Code after an escape -> code point, _UNASSIGNED where neither table has one.
    const uint32_t* dec_esc
    uint32_t limit


# Which table pair a kernel specialisation reads (a compile-time choice, through a fused
# type): the default pair from static arrays and constant sizes, exactly as fast as
# before national tables existed, or a national pair through its ``Tables``.
ctypedef struct DefaultPair:
    char unused

ctypedef struct NationalPair:
    char unused

ctypedef fused pair_t:
    DefaultPair
    NationalPair


# A national pair's tables, in one allocation.
ctypedef struct NationalTables:
    Tables tables
    uint16_t cost[_NATIONAL_TABLE_SIZE]
    uint32_t encode[_NATIONAL_TABLE_SIZE]
    uint32_t dec[128]
    uint32_t dec_esc[128]


# The default pair (identifier 0 twice): the hot path, in static arrays.
# 16-bit cost cells: with 32-bit ones GCC -O3 "vectorizes" the sum into byte shuffles and
# scalar inserts that run at less than half the speed of the plain scalar loop.
cdef uint16_t _COST[_TABLE_SIZE]
# 128 KiB, of which real text touches a few lines.
cdef uint16_t _PAIR_COST[65536]
cdef uint32_t _ENCODE[_TABLE_SIZE]
cdef uint32_t _DEC[128]
cdef uint32_t _DEC_ESC[128]
cdef Tables _DEFAULT_TABLES
# National pairs by locking * _LANGUAGES + single, built on first use and kept for the
# life of the process (at most 196 pairs of 54 KiB).
cdef Tables* _NATIONAL[_LANGUAGES * _LANGUAGES]


cdef uint32_t _encode_cell(uint8_t first, uint8_t second, uint32_t length, bint bad):
    cdef uint8_t pair[2]
    cdef uint16_t stored
    pair[0] = first
    pair[1] = second
    memcpy(&stored, pair, 2)
    return stored | (length << _LENGTH_SHIFT) | ((<uint32_t>bad) << _BAD_SHIFT)


cdef void _fill_pair_costs() noexcept:
    cdef uint8_t two[2]
    cdef uint16_t index
    cdef int first, second
    for first in range(256):
        for second in range(256):
            two[0] = first
            two[1] = second
            memcpy(&index, two, 2)
            _PAIR_COST[index] = _COST[first] + _COST[second]


cdef int _fill(Tables* t, uint16_t* cost, uint32_t* encode, uint32_t* dec, uint32_t* dec_esc,
               uint32_t limit, tuple lock, tuple shift) except -1:
    # The rules of _gsm7_py._build_codec, into C arrays.
    cdef Py_ssize_t i
    cdef uint32_t cp
    septets = {}
    # Lowest code last, so it wins where a table repeats a character; locking cells
    # last of all: one septet beats two.
    for i in reversed(range(128)):
        ch = shift[i]
        if ch is not None:
            septets[ord(ch)] = (_ESC, i)
    for i in reversed(range(128)):
        ch = lock[i]
        if ch is not None:
            septets[ord(ch)] = (i,)
    if max(septets) >= limit - 1:
        raise SystemError(f"GSM 03.38 table character U+{max(septets):04X} beyond the kernel's tables")
    if septets.get(_SPACE) != (_SPACE,):
        raise SystemError("a GSM 03.38 locking table does not send the space as 0x20")
    for i in range(limit):
        cost[i] = 1 << _COST_BAD_SHIFT
        encode[i] = _encode_cell(_QUESTION, 0, 1, True)
    for cp, code in septets.items():
        if len(code) == 1:
            cost[cp] = 1
            encode[cp] = _encode_cell(code[0], 0, 1, False)
        else:
            cost[cp] = 2
            encode[cp] = _encode_cell(code[0], code[1], 2, False)
    for i in range(128):
        ch = lock[i]
        dec[i] = _UNASSIGNED if ch is None else ord(ch)
    for i in range(128):
        ch = shift[i]
        if ch is not None:
            dec_esc[i] = ord(ch)
        elif i == _ESC:
            dec_esc[i] = _SPACE
        else:
            # §6.2.1.1 note 1: an undefined single shift code shows its locking-table character.
            dec_esc[i] = dec[i]
    t.cost = cost
    t.pair_cost = NULL
    t.encode = encode
    t.dec = dec
    t.dec_esc = dec_esc
    t.limit = limit
    return 0


def _fill_default():
    _fill(&_DEFAULT_TABLES, _COST, _ENCODE, _DEC, _DEC_ESC, _TABLE_SIZE,
          locking_table(0), single_shift_table(0))
    _fill_pair_costs()
    _DEFAULT_TABLES.pair_cost = _PAIR_COST


_fill_default()


cdef const Tables* _national(int pair) except NULL:
    cdef NationalTables* nt
    cdef Tables* t = _NATIONAL[pair]
    if t != NULL:
        return t
    nt = <NationalTables*>malloc(sizeof(NationalTables))
    if nt == NULL:
        raise MemoryError()
    try:
        _fill(&nt.tables, nt.cost, nt.encode, nt.dec, nt.dec_esc, _NATIONAL_TABLE_SIZE,
              locking_table(pair // _LANGUAGES), single_shift_table(pair % _LANGUAGES))
    except BaseException:
        free(nt)
        raise
    # Published once filled.  Two threads may both build a pair (free-threaded builds):
    # each gets a complete copy, and one copy is never freed.
    _NATIONAL[pair] = &nt.tables
    return &nt.tables


# --- choosing the tables (the rules and messages of _gsm7_py._nli) ------------------------

# The options' default: the very object (``0`` is one shared int), so a call without
# options is one pointer comparison away from the default tables.
cdef object _ZERO = 0
# (locking_shift, single_shift) as given, both exact int or str -> locking * 14 + single.
cdef dict _RESOLVED = {}


cdef str _language_name(int nli):
    return NATIONAL_TABLES[nli][0].capitalize()


cdef int _nli(object value, str argument) except -1:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"{argument} must be str or int, not {type(value).__name__}")
    try:
        nli = language_id(value)
    except ArgumentError as exc:
        raise ArgumentError(f"{argument}: {exc}", argument=argument) from None
    if argument == "locking_shift" and locking_table(nli) is None:
        raise ArgumentError(
            f"locking_shift: {_language_name(nli)} ({nli}) has no locking shift table "
            "(TS 23.038 A.2.2); use it as single_shift",
            argument="locking_shift",
        )
    return nli


cdef int _pair(object locking_shift, object single_shift) except -1:
    cdef int pair
    key = None
    if ((type(locking_shift) is int or type(locking_shift) is str)
            and (type(single_shift) is int or type(single_shift) is str)):
        key = (locking_shift, single_shift)
        cached = _RESOLVED.get(key)
        if cached is not None:
            return cached
    pair = _nli(locking_shift, "locking_shift") * _LANGUAGES + _nli(single_shift, "single_shift")
    if key is not None:
        if len(_RESOLVED) >= 256:
            _RESOLVED.clear()  # names are free-form ("Turkish", " turkish"): stay bounded
        _RESOLVED[key] = pair
    return pair


cdef const Tables* _lookup(object locking_shift, object single_shift, int* pair) except NULL:
    pair[0] = _pair(locking_shift, single_shift)
    if pair[0] == 0:
        return &_DEFAULT_TABLES
    return _national(pair[0])


cdef tuple _names(int pair):
    # (both tables, the locking table, the single shift table) as messages name them.
    cdef int locking = pair // _LANGUAGES, single = pair % _LANGUAGES
    if pair == 0:
        return ("GSM 03.38 default alphabet or its extension table", "default alphabet", "extension table")
    locking_name = (
        "GSM 03.38 default alphabet" if locking == 0 else f"{_language_name(locking)} locking shift table"
    )
    single_name = (
        "default extension table" if single == 0 else f"{_language_name(single)} single shift table"
    )
    return (f"{locking_name} or the {single_name}", locking_name, single_name)


# --- counting ---------------------------------------------------------------------------

cdef inline uint32_t _clamp(unit_t c, uint32_t limit) noexcept nogil:
    # Index into the tables (limit > 0xFF); compiles to a conditional move, not a branch.
    if unit_t is uint8_t:
        return c
    else:
        return c if c < limit else limit - 1


cdef inline uint16_t _cost(const Tables* t, unit_t c, pair_t* which) noexcept nogil:
    # The cost cell of c.  The default pair indexes its static array by a constant bound:
    # through a pointer, GCC -O3 "vectorizes" the sums below into word inserts and
    # extracts that run at half the speed of the scalar loop.
    if pair_t is DefaultPair:
        return _COST[_clamp(c, _TABLE_SIZE)]
    else:
        return t.cost[_clamp(c, t.limit)]


@cython.boundscheck(False)
@cython.wraparound(False)
cdef Py_ssize_t _scan(const Tables* t, const unit_t* s, Py_ssize_t n, bint stop,
                      Py_ssize_t* n_bad, pair_t* which) noexcept nogil:
    # Septets of the encodable characters.  With ``stop``: -(i + 1) at the first
    # unencodable character i; otherwise *n_bad counts them.
    #
    # A branch-free table sum in four independent accumulators, whatever the mix of
    # ASCII, accents and extension characters (a per-character branch, or a word test
    # that falls back per character, mispredicts on real text), block by block so the
    # count of unencodable characters cannot overflow into the septets.
    cdef Py_ssize_t start = 0, end, i, total = 0, bad = 0
    # Stopping at the first unencodable character costs at most one short block past it.
    cdef Py_ssize_t block = _STOP_BLOCK if stop else _BLOCK
    cdef uint64_t t0, t1, t2, t3, w
    cdef uint16_t pair[4]
    while start < n:
        end = start + block if n - start > block else n
        t0 = t1 = t2 = t3 = 0
        i = start
        if unit_t is uint8_t:
            if pair_t is DefaultPair:
                # 1-byte strings: one lookup per two characters in the pair table.
                while i + 8 <= end:
                    memcpy(&w, s + i, 8)
                    memcpy(pair, &w, 8)
                    t0 += _PAIR_COST[pair[0]]
                    t1 += _PAIR_COST[pair[1]]
                    t2 += _PAIR_COST[pair[2]]
                    t3 += _PAIR_COST[pair[3]]
                    i += 8
        while i + 4 <= end:
            t0 += _cost(t, s[i], which)
            t1 += _cost(t, s[i + 1], which)
            t2 += _cost(t, s[i + 2], which)
            t3 += _cost(t, s[i + 3], which)
            i += 4
        while i < end:
            t0 += _cost(t, s[i], which)
            i += 1
        t0 += t1 + t2 + t3
        if t0 >> _COST_BAD_SHIFT:
            if stop:
                for i in range(start, end):
                    if _cost(t, s[i], which) >> _COST_BAD_SHIFT:
                        return -(i + 1)
            bad += t0 >> _COST_BAD_SHIFT
        total += t0 & ((1 << _COST_BAD_SHIFT) - 1)
        start = end
    if n_bad != NULL:
        n_bad[0] = bad
    return total


cdef Py_ssize_t _count(const Tables* t, int kind, const void* data, Py_ssize_t n) noexcept nogil:
    if t == &_DEFAULT_TABLES:
        if kind == 1:
            return _scan(t, <const uint8_t*>data, n, True, NULL, <DefaultPair*>NULL)
        if kind == 2:
            return _scan(t, <const uint16_t*>data, n, True, NULL, <DefaultPair*>NULL)
        return _scan(t, <const uint32_t*>data, n, True, NULL, <DefaultPair*>NULL)
    if kind == 1:
        return _scan(t, <const uint8_t*>data, n, True, NULL, <NationalPair*>NULL)
    if kind == 2:
        return _scan(t, <const uint16_t*>data, n, True, NULL, <NationalPair*>NULL)
    return _scan(t, <const uint32_t*>data, n, True, NULL, <NationalPair*>NULL)


cdef Py_ssize_t _count_lenient(const Tables* t, int kind, const void* data, Py_ssize_t n,
                               Py_ssize_t* n_bad) noexcept nogil:
    if t == &_DEFAULT_TABLES:
        if kind == 1:
            return _scan(t, <const uint8_t*>data, n, False, n_bad, <DefaultPair*>NULL)
        if kind == 2:
            return _scan(t, <const uint16_t*>data, n, False, n_bad, <DefaultPair*>NULL)
        return _scan(t, <const uint32_t*>data, n, False, n_bad, <DefaultPair*>NULL)
    if kind == 1:
        return _scan(t, <const uint8_t*>data, n, False, n_bad, <NationalPair*>NULL)
    if kind == 2:
        return _scan(t, <const uint16_t*>data, n, False, n_bad, <NationalPair*>NULL)
    return _scan(t, <const uint32_t*>data, n, False, n_bad, <NationalPair*>NULL)


cdef Py_ssize_t gsm7_count(int kind, const void* data, Py_ssize_t n) noexcept nogil:
    return _count(&_DEFAULT_TABLES, kind, data, n)


cdef Py_ssize_t gsm7_count_lenient(int kind, const void* data, Py_ssize_t n,
                                   Py_ssize_t* n_bad) noexcept nogil:
    return _count_lenient(&_DEFAULT_TABLES, kind, data, n, n_bad)


# --- encoding ---------------------------------------------------------------------------

@cython.boundscheck(False)
@cython.wraparound(False)
cdef Py_ssize_t _encode(const Tables* t, const unit_t* s, Py_ssize_t n, uint8_t* out,
                        int mode, pair_t* which) noexcept nogil:
    # Branch-free: every character stores two bytes and advances by its length, so
    # ``out`` needs slack past the result (see the .pxd).  Under IGNORE an unencodable
    # character stores "?" and advances by 0: the next character overwrites it.
    # (The table pointers are copied to locals: stores through ``out``, a byte pointer,
    # could alias the struct, and would make the compiler reload them every character.)
    cdef const uint32_t* encode = t.encode
    cdef uint32_t limit = t.limit
    cdef Py_ssize_t i, o = 0
    cdef uint32_t cell
    cdef uint16_t pair
    cdef uint32_t drop = 1 if mode == _IGNORE else 0
    for i in range(n):
        if pair_t is DefaultPair:
            cell = _ENCODE[_clamp(s[i], _TABLE_SIZE)]
        else:
            cell = encode[_clamp(s[i], limit)]
        pair = <uint16_t>cell
        memcpy(out + o, &pair, 2)
        o += ((cell >> _LENGTH_SHIFT) & 3) - ((cell >> _BAD_SHIFT) & drop)
    return o


cdef Py_ssize_t _encode_into(const Tables* t, int kind, const void* data, Py_ssize_t n,
                             uint8_t* out, int mode) noexcept nogil:
    if t == &_DEFAULT_TABLES:
        if kind == 1:
            return _encode(t, <const uint8_t*>data, n, out, mode, <DefaultPair*>NULL)
        if kind == 2:
            return _encode(t, <const uint16_t*>data, n, out, mode, <DefaultPair*>NULL)
        return _encode(t, <const uint32_t*>data, n, out, mode, <DefaultPair*>NULL)
    if kind == 1:
        return _encode(t, <const uint8_t*>data, n, out, mode, <NationalPair*>NULL)
    if kind == 2:
        return _encode(t, <const uint16_t*>data, n, out, mode, <NationalPair*>NULL)
    return _encode(t, <const uint32_t*>data, n, out, mode, <NationalPair*>NULL)


cdef Py_ssize_t gsm7_encode_into(int kind, const void* data, Py_ssize_t n,
                                 uint8_t* out, int mode) noexcept nogil:
    return _encode_into(&_DEFAULT_TABLES, kind, data, n, out, mode)


# --- finding the unencodable characters -------------------------------------------------

# A set of code points in first-appearance order: open addressing with linear probing,
# on the C stack until it outgrows _SET_STACK slots.
cdef enum:
    _SET_STACK = 64
    _SET_STACK_ORDER = 32  # count stays at most half the slots
    # An empty slot (above every code point).
    _NO_CHAR = 0xFFFFFFFF

ctypedef struct CharSet:
    uint32_t* slots
    uint32_t* order
    Py_ssize_t capacity  # a power of two; count stays at most capacity / 2
    Py_ssize_t count
    uint32_t stack_slots[_SET_STACK]
    uint32_t stack_order[_SET_STACK_ORDER]


cdef void _set_init(CharSet* cs) noexcept nogil:
    cs.slots = cs.stack_slots
    cs.order = cs.stack_order
    cs.capacity = _SET_STACK
    cs.count = 0
    memset(cs.stack_slots, 0xFF, sizeof(cs.stack_slots))


cdef void _set_free(CharSet* cs) noexcept nogil:
    if cs.slots != cs.stack_slots:
        free(cs.slots)
        free(cs.order)


cdef inline Py_ssize_t _set_home(uint32_t c, Py_ssize_t capacity) noexcept nogil:
    # Fibonacci hashing: the high bits of c times 2**64 / golden ratio.
    return <Py_ssize_t>((c * <uint64_t>0x9E3779B97F4A7C15) >> 32) & (capacity - 1)


cdef int _set_grow(CharSet* cs) noexcept nogil:
    cdef Py_ssize_t capacity = cs.capacity * 4, j, i
    cdef uint32_t* slots = <uint32_t*>malloc(capacity * sizeof(uint32_t))
    cdef uint32_t* order = <uint32_t*>malloc((capacity // 2) * sizeof(uint32_t))
    if slots == NULL or order == NULL:
        free(slots)
        free(order)
        return -1
    memset(slots, 0xFF, capacity * sizeof(uint32_t))
    memcpy(order, cs.order, cs.count * sizeof(uint32_t))
    for j in range(cs.count):
        i = _set_home(order[j], capacity)
        while slots[i] != _NO_CHAR:
            i = (i + 1) & (capacity - 1)
        slots[i] = order[j]
    _set_free(cs)
    cs.slots = slots
    cs.order = order
    cs.capacity = capacity
    return 0


cdef int _set_add(CharSet* cs, uint32_t c) noexcept nogil:
    # 0 when added or already there, -1 when out of memory.
    cdef Py_ssize_t i = _set_home(c, cs.capacity)
    while cs.slots[i] != _NO_CHAR:
        if cs.slots[i] == c:
            return 0
        i = (i + 1) & (cs.capacity - 1)
    if 2 * (cs.count + 1) > cs.capacity:
        if _set_grow(cs) < 0:
            return -1
        i = _set_home(c, cs.capacity)
        while cs.slots[i] != _NO_CHAR:
            i = (i + 1) & (cs.capacity - 1)
    cs.slots[i] = c
    cs.order[cs.count] = c
    cs.count += 1
    return 0


@cython.boundscheck(False)
@cython.wraparound(False)
cdef int _collect(const Tables* t, const unit_t* s, Py_ssize_t n, CharSet* cs,
                  pair_t* which) noexcept nogil:
    # Adds every unencodable character of s to cs; -1 when out of memory.  Blocks are
    # tested with a branch-free OR of their costs; only a block that holds an
    # unencodable character is walked one character at a time.
    cdef Py_ssize_t start = 0, end, i
    cdef uint32_t acc
    cdef uint16_t pair[4]
    while start < n:
        end = start + _FIND_BLOCK if n - start > _FIND_BLOCK else n
        acc = 0
        i = start
        if unit_t is uint8_t:
            if pair_t is DefaultPair:
                # A pair's cost has bit 12 or 13 set when either character is unencodable.
                while i + 8 <= end:
                    memcpy(pair, s + i, 8)
                    acc |= _PAIR_COST[pair[0]] | _PAIR_COST[pair[1]] | _PAIR_COST[pair[2]] | _PAIR_COST[pair[3]]
                    i += 8
        # Four independent lookups per step (one chain of ORs would serialise them).
        while i + 4 <= end:
            acc |= (_cost(t, s[i], which) | _cost(t, s[i + 1], which)
                    | _cost(t, s[i + 2], which) | _cost(t, s[i + 3], which))
            i += 4
        while i < end:
            acc |= _cost(t, s[i], which)
            i += 1
        if acc >> _COST_BAD_SHIFT:
            for i in range(start, end):
                if _cost(t, s[i], which) >> _COST_BAD_SHIFT:
                    if _set_add(cs, s[i]) < 0:
                        return -1
        start = end
    return 0


cdef int _collect_text(const Tables* t, int kind, const void* data, Py_ssize_t n,
                       CharSet* cs) noexcept nogil:
    if t == &_DEFAULT_TABLES:
        if kind == 1:
            return _collect(t, <const uint8_t*>data, n, cs, <DefaultPair*>NULL)
        if kind == 2:
            return _collect(t, <const uint16_t*>data, n, cs, <DefaultPair*>NULL)
        return _collect(t, <const uint32_t*>data, n, cs, <DefaultPair*>NULL)
    if kind == 1:
        return _collect(t, <const uint8_t*>data, n, cs, <NationalPair*>NULL)
    if kind == 2:
        return _collect(t, <const uint16_t*>data, n, cs, <NationalPair*>NULL)
    return _collect(t, <const uint32_t*>data, n, cs, <NationalPair*>NULL)


# --- eight bytes at a time (decoding) -------------------------------------------------

cdef inline uint64_t _any_below(uint64_t x, uint64_t n) noexcept nogil:
    # Nonzero when some byte of x is < n (n <= 0x80).
    return (x - SMS_ONES * n) & ~x & SMS_HIGH


cdef inline uint64_t _any_above(uint64_t x, uint64_t n) noexcept nogil:
    # Nonzero when some byte of x is > n (n <= 0x7F).
    return ((x + SMS_ONES * (127 - n)) | x) & SMS_HIGH


cdef inline uint64_t _any_between(uint64_t x, uint64_t m, uint64_t n) noexcept nogil:
    # Nonzero when some byte b of x has m < b < n (m <= 0x7F, n <= 0x80); exact per lane.
    cdef uint64_t low = x & (SMS_ONES * 127)
    return (SMS_ONES * (127 + n) - low) & ~x & (low + SMS_ONES * (127 - m)) & SMS_HIGH


cdef inline uint64_t _any_equal(uint64_t x, uint64_t b) noexcept nogil:
    cdef uint64_t y = x ^ (SMS_ONES * b)
    return (y - SMS_ONES) & ~y & SMS_HIGH


cdef inline uint64_t _not_identity(uint64_t x) noexcept nogil:
    # Zero when every byte is its own septet: the bytes above less "$" (septet 0x02),
    # "@" (0x00) and "_" (0x11).  Also the septets that decode to the same byte.
    return (_any_below(x, 0x20) | _any_above(x, 0x7A) | _any_between(x, 0x5A, 0x61)
            | _any_equal(x, 0x24) | _any_equal(x, 0x40))





# --- decoding ---------------------------------------------------------------------------

@cython.boundscheck(False)
@cython.wraparound(False)
cdef Py_ssize_t _decode_measure(const Tables* t, const uint8_t* s, Py_ssize_t n, int mode,
                                Py_ssize_t* length, uint32_t* bits, pair_t* which) noexcept nogil:
    # Output length and the OR of every output code point (its width); under STRICT the
    # index of the first fault, else -1.  The default alphabet assigns every septet but
    # the escape: only national tables need the _UNASSIGNED tests.
    cdef const uint32_t* dec = _DEC
    cdef const uint32_t* dec_esc = _DEC_ESC
    if pair_t is NationalPair:
        dec = t.dec
        dec_esc = t.dec_esc
    cdef Py_ssize_t i = 0, end, count = 0
    cdef uint32_t ch, acc = 0
    cdef uint64_t w
    cdef uint8_t b
    while i < n:
        end = i + 8
        if pair_t is DefaultPair:
            if end <= n:
                memcpy(&w, s + i, 8)
                if _not_identity(w) == 0:
                    count += 8
                    acc |= 0x7F
                    i = end
                    continue
        if end > n:
            end = n
        while i < end:
            b = s[i]
            if b == _ESC and i + 1 < n and s[i + 1] < 0x80:
                ch = dec_esc[s[i + 1]]
                i += 2
                if pair_t is NationalPair:
                    if ch == _UNASSIGNED:
                        # An escape and a code neither table assigns: one fault.
                        if mode == _STRICT:
                            return i - 2
                        if mode == _IGNORE:
                            continue
                        ch = _REPLACEMENT_CHARACTER
            elif b < 0x80 and b != _ESC:
                ch = dec[b]
                i += 1
                if pair_t is NationalPair:
                    if ch == _UNASSIGNED:
                        if mode == _STRICT:
                            return i - 1
                        if mode == _IGNORE:
                            continue
                        ch = _REPLACEMENT_CHARACTER
            else:
                if mode == _STRICT:
                    return i
                i += 1
                if mode == _IGNORE:
                    continue
                ch = _REPLACEMENT_CHARACTER
            count += 1
            acc |= ch
    length[0] = count
    bits[0] = acc
    return -1


@cython.boundscheck(False)
@cython.wraparound(False)
cdef Py_ssize_t _decode_write(const Tables* t, const uint8_t* s, Py_ssize_t n, int mode,
                              unit_t* out, Py_ssize_t size, pair_t* which) noexcept nogil:
    # Writes what _decode_measure measured (no fault under STRICT); returns the count
    # written, never more than ``size``.
    cdef const uint32_t* dec = _DEC
    cdef const uint32_t* dec_esc = _DEC_ESC
    if pair_t is NationalPair:
        dec = t.dec
        dec_esc = t.dec_esc
    cdef Py_ssize_t i = 0, end, o = 0
    cdef uint32_t ch
    cdef uint64_t w
    cdef uint8_t b
    while i < n:
        end = i + 8
        if pair_t is DefaultPair:
            if unit_t is uint8_t:
                if end <= n and o + 8 <= size:
                    memcpy(&w, s + i, 8)
                    if _not_identity(w) == 0:
                        memcpy(out + o, &w, 8)
                        o += 8
                        i = end
                        continue
        if end > n:
            end = n
        while i < end:
            b = s[i]
            if b == _ESC and i + 1 < n and s[i + 1] < 0x80:
                ch = dec_esc[s[i + 1]]
                i += 2
            elif b < 0x80 and b != _ESC:
                ch = dec[b]
                i += 1
            else:
                ch = _UNASSIGNED
                i += 1
            if ch == _UNASSIGNED:
                if mode != _REPLACE:
                    continue
                ch = _REPLACEMENT_CHARACTER
            if o >= size:
                return o + 1
            out[o] = <unit_t>ch
            o += 1
    return o


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
    smscodec_unicode_ready(text)
    return _count(t, PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)) >= 0


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
    smscodec_unicode_ready(text)
    cdef Py_ssize_t r = _count(t, PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
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
    smscodec_unicode_ready(text)
    cdef CharSet found
    cdef Py_ssize_t j
    _set_init(&found)
    try:
        if _collect_text(t, PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text),
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
    smscodec_unicode_ready(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
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
    kind = PyUnicode_KIND(out)
    if t == &_DEFAULT_TABLES:
        if kind == 1:
            written = _decode_write(t, s, n, mode, <uint8_t*>PyUnicode_DATA(out), length,
                                    <DefaultPair*>NULL)
        else:
            written = _decode_write(t, s, n, mode, <uint16_t*>PyUnicode_DATA(out), length,
                                    <DefaultPair*>NULL)
    elif kind == 1:
        written = _decode_write(t, s, n, mode, <uint8_t*>PyUnicode_DATA(out), length,
                                <NationalPair*>NULL)
    else:
        written = _decode_write(t, s, n, mode, <uint16_t*>PyUnicode_DATA(out), length,
                                <NationalPair*>NULL)
    if written != length:
        raise SystemError(f"GSM-7 decoder wrote {written} characters, expected {length}")
    return out


@cython.boundscheck(False)
@cython.wraparound(False)
def pack_septets(bytes septets not None, int fill_bits, /):
    """Pack septets (TS 23.038 §6.1.2.1.1) after ``fill_bits`` zero bits; b"" when there are none."""
    if not 0 <= fill_bits <= 6:
        raise _fill_bits_error(fill_bits)
    cdef const uint8_t* s = <const uint8_t*>PyBytes_AS_STRING(septets)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(septets)
    if n == 0:
        return b""
    cdef Py_ssize_t size = (fill_bits + 7 * n + 7) // 8
    cdef Py_ssize_t k, o = 0
    # At most 6 + 7 pending bits before an octet is flushed: 32 bits are plenty.
    cdef uint32_t acc = 0
    cdef int bits = fill_bits
    out = PyBytes_FromStringAndSize(NULL, size)
    cdef uint8_t* p = <uint8_t*>PyBytes_AS_STRING(out)
    for k in range(n):
        if s[k] > 0x7F:
            raise _septet_error(septets, k)
        acc |= (<uint32_t>s[k]) << bits
        bits += 7
        if bits >= 8:
            # o < size: every septet adds 7 bits, size counts them all (rounded up).
            p[o] = acc & 0xFF
            o += 1
            acc >>= 8
            bits -= 8
    if bits:
        p[o] = <uint8_t>acc
    return out


@cython.boundscheck(False)
@cython.wraparound(False)
def unpack_septets(bytes data not None, object wanted, int fill_bits, /):
    """Unpack ``count`` septets (-1: every whole one) after ``fill_bits`` bits of ``data``."""
    if not 0 <= fill_bits <= 6:
        raise _fill_bits_error(fill_bits)
    cdef const uint8_t* s = <const uint8_t*>PyBytes_AS_STRING(data)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef Py_ssize_t available = (8 * n - fill_bits) // 7 if 8 * n > fill_bits else 0
    cdef Py_ssize_t k, o, count
    cdef uint32_t acc
    cdef int bits
    # ``wanted`` stays a Python int until it is known to fit: a count past Py_ssize_t (or
    # one whose 7 * count would overflow) is just more septets than the data holds.
    if wanted < 0:
        count = available
    elif wanted > available:
        count = -1
        need = (fill_bits + 7 * wanted + 7) // 8
        raise DecodeError(
            f"{wanted} septets after {fill_bits} fill bits need {need} octets, but the data has "
            f"{n}; expected at most {available} septets",
            position=n,
        )
    else:
        count = wanted
    if count == 0:
        return b""
    out = PyBytes_FromStringAndSize(NULL, count)
    cdef uint8_t* p = <uint8_t*>PyBytes_AS_STRING(out)
    # n >= 1 here: count <= available needs 7 * count + fill_bits <= 8 * n bits.
    acc = s[0] >> fill_bits
    bits = 8 - fill_bits
    o = 1
    for k in range(count):
        if bits < 7:
            # o < n: the septets consumed so far plus this one fit in 8 * n bits.
            acc |= (<uint32_t>s[o]) << bits
            o += 1
            bits += 8
        p[k] = acc & 0x7F
        acc >>= 7
        bits -= 7
    return out
