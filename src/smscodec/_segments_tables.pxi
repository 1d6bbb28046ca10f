# The lookups of smscodec._segments_c (included there, compiled into that module), built
# at import from the class tables of smscodec._tables: code point -> character class (a
# page table and a flat 64 Ki table), class -> the tables holding it, septet codes per
# table, default-table words, and the scored pairs in tie-break order.

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
cdef uint8_t _class2[65536]                     # U+0000-U+FFFF -> class id (one load, not three)
cdef uint64_t _plain_classes = 0               # the classes of the plain characters (_scan.h)
cdef int _pairs[_MAX_PAIRS][2]                  # scored pairs, in tie-break order
cdef int _num_pairs = 0
cdef int _rank[_NUM_TABLES][_NUM_TABLES]        # (locking, single) -> index in _pairs, -1: not scored


def _init() -> None:
    global _num_pairs, _plain_classes
    classes = _tables.CLASSES
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
    for ch, k in _tables.CHAR_CLASSES.items():
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
        for ch, code in _tables.LOCK_CODES[nli].items():
            _lock_code[nli][_page_of[ord(ch) >> 8]][ord(ch) & 0xFF] = code
        for ch, code in _tables.SINGLE_CODES[nli].items():
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
    for cp in range(65536):
        _class2[cp] = _pages[_page_of[cp >> 8]][cp & 0xFF]
    _plain_classes = 0
    for cp in range(128):
        if sms_is_plain(cp):
            _plain_classes |= (<uint64_t>1) << _class2[cp]
    _num_pairs = 0
    memset(_rank, 0xFF, sizeof(_rank))
    for lk, ss in _tables.SCORED_PAIRS:
        _pairs[_num_pairs][0] = lk
        _pairs[_num_pairs][1] = ss
        _rank[lk][ss] = _num_pairs
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
    return _class2[c]
