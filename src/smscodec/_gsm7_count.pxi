# Counting, encoding and finding the unencodable characters: smscodec._gsm7_c's
# GIL-free kernels over a str's PEP 393 storage (included there, compiled into that
# module).  Each is specialised by a fused type for the storage width (unit_t) and for
# the table pair (pair_t: the default pair's static arrays, or a national pair).

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
                    acc |= (_PAIR_COST[pair[0]] | _PAIR_COST[pair[1]]
                            | _PAIR_COST[pair[2]] | _PAIR_COST[pair[3]])
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
