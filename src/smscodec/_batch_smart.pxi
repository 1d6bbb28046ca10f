# Smart encoding for smscodec._batch_c (included there, compiled into that module): the
# SmartTable lookups built from _batch_py's checked table, the one-pass scan that decides
# what is sent, and the rewrite of a replaced message for count_text.

cdef class SmartTable:
    """A smart-encoding map prepared for the kernels: see ``_batch_py.SmartTable``."""

    cdef SmartData d
    cdef uint16_t* _page_of
    cdef int32_t* _entries
    cdef Repl* _repls
    cdef uint16_t* _chars
    cdef readonly object locks
    cdef readonly object singles

    def __cinit__(self, table, locks, singles, /):
        # The pure twin checks the arguments (the same errors) and says what is carried.
        spec = _twin.SmartTable(table, locks, singles)
        cdef dict carried = spec._carried
        cdef dict checked = spec._table
        cdef bint direct = locks == 1 and singles == 1
        cdef Py_ssize_t slots = 1, i, k, nrepl = 0, nchars = 0, pos = 0
        cdef Py_ssize_t cp
        cdef int cost
        cdef Repl* r
        self.locks = locks
        self.singles = singles
        self._page_of = <uint16_t*>malloc(256 * sizeof(uint16_t))
        if self._page_of == NULL:
            raise MemoryError()
        memset(self._page_of, 0, 256 * sizeof(uint16_t))
        # Slot 0 is the page of code points no table carries and no key names.
        for ch in carried:
            if ord(ch) > 0xFFFF:
                raise AssertionError("a GSM-7 table character above U+FFFF")
            if self._page_of[ord(ch) >> 8] == 0:
                self._page_of[ord(ch) >> 8] = slots
                slots += 1
        for key, value in checked.items():
            if key <= 0xFFFF:
                if self._page_of[key >> 8] == 0:
                    self._page_of[key >> 8] = slots
                    slots += 1
                nrepl += 1
                nchars += len(value)
        self._entries = <int32_t*>malloc(slots * 256 * sizeof(int32_t))
        self._repls = <Repl*>malloc((nrepl if nrepl else 1) * sizeof(Repl))
        self._chars = <uint16_t*>malloc((nchars if nchars else 1) * sizeof(uint16_t))
        if self._entries == NULL or self._repls == NULL or self._chars == NULL:
            raise MemoryError()
        for i in range(slots * 256):
            self._entries[i] = _NEITHER
        for ch, cost in carried.items():
            cp = ord(ch)
            self._entries[(<Py_ssize_t>self._page_of[cp >> 8] << 8) | (cp & 0xFF)] = (
                _CARRIED2 if direct and cost == 2 else _CARRIED1
            )
        k = 0
        for key, value in checked.items():
            if key > 0xFFFF:
                continue
            r = &self._repls[k]
            r.start = pos
            r.length = len(value)
            r.septets = 0
            r.escapes = 0
            r.top = 0
            for ch in value:
                # Every character of a checked replacement is carried (a BMP character).
                self._chars[pos] = <uint16_t>ord(ch)
                pos += 1
                if <uint32_t>ord(ch) > r.top:
                    r.top = ord(ch)
                if carried[ch] == 2:
                    r.escapes += 1
                    r.septets += 2
                else:
                    r.septets += 1
            self._entries[(<Py_ssize_t>self._page_of[key >> 8] << 8) | (key & 0xFF)] = <int32_t>k
            k += 1
        self.d.page_of = self._page_of
        self.d.entries = self._entries
        self.d.repls = self._repls
        self.d.chars = self._chars
        self.d.astral = spec._astral
        self.d.direct = direct
        # Blocks of plain characters (_scan.h) may be skipped only when the table says what
        # skipping assumes: each is carried, one septet.
        self.d.plain = all(
            self._entries[(<Py_ssize_t>self._page_of[0] << 8) | c] == _CARRIED1
            for c in range(0x80) if sms_is_plain(c)
        )

    def __dealloc__(self):
        free(self._page_of)
        free(self._entries)
        free(self._repls)
        free(self._chars)


cdef int _scan(const char_t* p, Py_ssize_t n, const SmartData* t, Scan* s) noexcept nogil:
    # What smart encoding sends for p[0:n] (not GSM-7 as it stands): _AS_WRITTEN,
    # _REPLACED (with *s summed) or _LEAVE.  The same walk as _batch_py.SmartTable.scan.
    # A carried character adds 1 character and 1 septet (2 and an escape through the
    # escape), so the loop only counts keys and carried escapes; replacements' sums are
    # added per key.  No sum can overflow: each is at most n times a replacement's
    # length, both bounded by memory.
    cdef Py_ssize_t i, keys = 0, escapes = 0, repl_length = 0, repl_septets = 0, repl_escapes = 0
    cdef uint32_t c
    cdef int32_t e
    cdef const Repl* r
    # U+0000-U+00FF: one page, looked up without the page slot.
    cdef const int32_t* page0 = t.entries + (<Py_ssize_t>t.page_of[0] << 8)
    # Characters per plain-block test (none for 4-byte strings).
    cdef Py_ssize_t block = 16 if char_t is uint8_t else 8 if char_t is uint16_t else 0
    cdef Py_ssize_t stop
    cdef bint skip = t.plain and char_t is not uint32_t
    i = 0
    while i < n:
        if skip and i + block <= n:
            # Most of a message is plain ASCII: 1 character, 1 septet each.
            if char_t is uint8_t:
                if sms_plain_u8x16(<const uint8_t*>(p + i)):
                    i += block
                    continue
            elif char_t is uint16_t:
                if sms_plain_u16x8(<const uint16_t*>(p + i)):
                    i += block
                    continue
            stop = i + block
        else:
            stop = n
        while i < stop:
            c = p[i]
            i += 1
            if char_t is uint8_t:
                e = page0[c]
            else:
                if char_t is uint32_t:
                    if c > 0xFFFF:
                        # No entry: a replaced astral key is left to the public layer; any
                        # other astral character is not carried: the message goes as written.
                        return _LEAVE if t.astral else _AS_WRITTEN
                e = t.entries[(<Py_ssize_t>t.page_of[c >> 8] << 8) | (c & 0xFF)]
            if e >= 0:
                r = &t.repls[e]
                keys += 1
                repl_length += r.length
                repl_septets += r.septets
                repl_escapes += r.escapes
            elif e == _NEITHER:
                return _AS_WRITTEN
            else:
                escapes += e == _CARRIED2
    if keys == 0:
        return _AS_WRITTEN
    s.length = n - keys + repl_length
    s.septets = n - keys + escapes + repl_septets
    s.escapes = escapes + repl_escapes
    return _REPLACED


cdef Py_ssize_t _rewrite(const char_t* p, Py_ssize_t n, const SmartData* t, void* dest) noexcept nogil:
    # Write the replaced message as 2-byte code points (every character in it is carried,
    # so in the BMP; _scan summed its length), narrowed in place to 1 byte when they all
    # fit.  Return the width.
    cdef Py_ssize_t i, j, m = 0
    cdef uint32_t c, top = 0
    cdef int32_t e
    cdef const Repl* r
    cdef uint16_t* d2 = <uint16_t*>dest
    cdef uint8_t* d1 = <uint8_t*>dest
    for i in range(n):
        c = p[i]
        e = t.entries[(<Py_ssize_t>t.page_of[c >> 8] << 8) | (c & 0xFF)]
        if e >= 0:
            r = &t.repls[e]
            if r.top > top:
                top = r.top
            for j in range(r.length):
                d2[m] = t.chars[r.start + j]
                m += 1
        else:
            if c > top:
                top = c
            d2[m] = <uint16_t>c
            m += 1
    if top >= 0x100:
        return 2
    # Byte j is written after unit j was read, and unit j' <= j it overlaps was read before.
    for j in range(m):
        d1[j] = <uint8_t>d2[j]
    return 1


cdef inline void _fill(Result* r, int encoding, Py_ssize_t units, Py_ssize_t single,
                       Py_ssize_t multi) noexcept nogil:
    # The result of ``units`` one-unit items: parts fill up completely but the last.
    memset(r, 0, sizeof(Result))
    r.encoding = encoding
    r.units = units
    if units <= single:
        r.parts = 1
        r.per_segment = single
        r.remaining = single - units
    else:
        r.parts = (units + multi - 1) // multi
        r.per_segment = multi
        r.remaining = r.parts * multi - units


cdef inline void _keep_if_cheaper(Result* r, const Result* g, int mode) noexcept nogil:
    # The replaced message's result *g becomes *r unless, under auto, it needs more parts
    # than the text as written (*r): "…" -> "..." can turn 70 UCS-2 units into 210
    # septets.  Under mode 1 the text as written cannot be sent at all.
    if mode == 0 and r.status == 0 and g.parts > r.parts:
        return
    r[0] = g[0]


cdef bint _smart(int kind, const void* data, Py_ssize_t n, const Options* o, Buffer* buf,
                 Result* r) noexcept nogil:
    # Smart encoding of a message that is not GSM-7 as it stands: True to flag it, else
    # *r is the result for the message sent (left alone when it goes as written).
    cdef Scan s
    cdef Result g
    cdef int found, width
    cdef void* grown
    cdef const SmartData* t = o.table
    if kind == 1:
        found = _scan(<const uint8_t*>data, n, t, &s)
    elif kind == 2:
        found = _scan(<const uint16_t*>data, n, t, &s)
    else:
        found = _scan(<const uint32_t*>data, n, t, &s)
    if found == _AS_WRITTEN:
        return False
    if found == _LEAVE:
        return True
    if o.plan.mode == 2 and t.direct:
        # Sent as UCS-2: the replaced message holds carried (BMP) characters only, one
        # UTF-16 unit each.
        _fill(r, 1, s.length, o.ucs_single, o.ucs_multi)
        return False
    if o.plan.mode != 2 and t.direct and (s.septets <= o.gsm_single or s.escapes == 0):
        # Default tables: one part, or no escape pair that a part boundary could move.
        _fill(&g, 0, s.septets, o.gsm_single, o.gsm_multi)
        _keep_if_cheaper(r, &g, o.plan.mode)
        return False
    # Where the escapes fall matters (or national tables are enabled): count the text.
    if s.length * 2 > buf.size:
        grown = realloc(buf.data, s.length * 2)
        if grown == NULL:
            return True  # no memory: the public layer counts it
        buf.data = grown
        buf.size = s.length * 2
    if kind == 1:
        width = _rewrite(<const uint8_t*>data, n, t, buf.data)
    elif kind == 2:
        width = _rewrite(<const uint16_t*>data, n, t, buf.data)
    else:
        width = _rewrite(<const uint32_t*>data, n, t, buf.data)
    # A message whose every character was removed is empty: no buffer was needed.  Each
    # of its characters is in some enabled table, but with national tables no single
    # (locking, single shift) pair may hold them all: then it goes as written (*r kept).
    count_text(width, buf.data if buf.data != NULL else <void*>"", s.length, &o.gsm, &g)
    if g.status != 0 or g.encoding != 0:
        return False
    if o.plan.mode == 2:
        _fill(r, 1, s.length, o.ucs_single, o.ucs_multi)
    elif o.plan.mode == 0:
        _keep_if_cheaper(r, &g, 0)
    else:
        count_text(width, buf.data if buf.data != NULL else <void*>"", s.length, &o.plan, r)
    return False
