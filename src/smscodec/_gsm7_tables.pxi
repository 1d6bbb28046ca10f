# The table pairs of smscodec._gsm7_c (included there, compiled into that module):
# their layout, the default pair built at import from smscodec._tables, national pairs
# (TS 23.038 Annex A) built on first use, and the choice of a pair from the
# ``locking_shift`` / ``single_shift`` options with _gsm7_py's rules and messages.

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
