# The grapheme cluster kernel's C-level surface, for other Cython kernels (the segment
# splitter): "may I cut before this code point?" in one left-to-right pass, without the
# GIL and without a Python object per character.  The rules, rule by rule, are in the
# docstring of _grapheme_py.py (the readable twin); the state below holds exactly the
# facts that docstring names, and gc_break_before applies its rules in its order.
#
#     cdef GcState st
#     gc_start(&st, GC_RULES_TWILIO, first_code_point)
#     for each following code point cp:
#         if gc_break_before(&st, cp): ...   # a cluster ends before cp
#
# The scanning functions below take a str's PEP 393 storage (kind 1, 2 or 4, its data,
# its length in code points: see _scan.pxd) and a position that is a cluster boundary.

from libc.stdint cimport uint8_t, uint32_t


cdef enum:
    GC_RULES_UNICODE = 0    # UAX #29 extended grapheme clusters, pinned Unicode version
    GC_RULES_TWILIO = 1     # grapheme-splitter 1.0.4 (Twilio's segment calculator)

    # Two-stage lookup: block = index[cp >> GC_SHIFT], value = blocks[block << GC_SHIFT | low bits].
    GC_SHIFT = 7
    GC_LOW = 127                    # (1 << GC_SHIFT) - 1
    GC_INDEX_SIZE = 0x110000 >> 7   # one entry per 128 code points of U+0000..U+10FFFF
    GC_MAX_BLOCKS = 256             # distinct blocks (a uint8 index); checked when built

    # Property values (_grapheme_tables.GCB_* / TW_*; tests/test_grapheme.py checks they agree).
    GC_OTHER = 0
    GC_CR = 1
    GC_LF = 2
    GC_CONTROL = 3
    GC_EXTEND = 4
    GC_ZWJ = 5
    GC_RI = 6
    GC_PREPEND = 7
    GC_SPACING_MARK = 8
    GC_L = 9
    GC_V = 10
    GC_T = 11
    GC_LV = 12
    GC_LVT = 13
    GC_E_BASE = 14
    GC_E_MODIFIER = 15
    GC_GLUE_AFTER_ZWJ = 16
    GC_E_BASE_GAZ = 17
    # Fields of a Unicode property byte.
    GC_GCB_MASK = 0x0F
    GC_EXT_PICT = 0x10
    GC_INCB_MASK = 0x60
    GC_INCB_CONSONANT = 0x20
    GC_INCB_EXTEND = 0x40
    GC_INCB_LINKER = 0x60
    # Where grapheme-splitter's "mid" has its Regional_Indicators (_grapheme_py._RI_*).
    GC_RI_EMPTY = 0
    GC_RI_NONE = 1
    GC_RI_ONLY = 2
    GC_RI_LEAD = 3
    GC_RI_OTHER = 4
    # Sets of values as bit masks: (1 << value) & mask.
    GC_CONTROLS = (1 << GC_CR) | (1 << GC_LF) | (1 << GC_CONTROL)
    GC_AFTER_L = (1 << GC_L) | (1 << GC_V) | (1 << GC_LV) | (1 << GC_LVT)
    GC_JOINERS = (1 << GC_EXTEND) | (1 << GC_ZWJ) | (1 << GC_SPACING_MARK)
    GC_E_BASES = (1 << GC_E_BASE) | (1 << GC_E_BASE_GAZ)


cdef struct GcTable:
    const uint8_t* index    # GC_INDEX_SIZE block numbers
    const uint8_t* blocks   # the distinct blocks, 128 property bytes each


cdef struct GcState:
    const GcTable* table
    int rules
    int prev        # the previous code point's value (Unicode: its GCB field)
    # RULES_UNICODE: the facts about the text so far (GB9c, GB11, GB12/GB13)
    int incb        # 1: Consonant [Extend|Linker]*, 2: a Linker among those
    int emoji       # 1: ExtPict Extend*, 2: ExtPict Extend* ZWJ
    bint ri_odd     # an odd number of Regional_Indicators ends the text
    # RULES_TWILIO: grapheme-splitter's cluster so far, [start] + mid
    int head        # start
    int before      # the value before prev in this cluster (-1: none)
    bint extend     # an Extend among [start] + mid
    int mid         # 0: mid empty, 1: mid all Extend, 2: anything else
    int ri          # GC_RI_*


# Defined in _grapheme_c.pyx (the tables are built when it is imported).
cdef const GcTable* gc_table(int rules) noexcept nogil          # rules must be 0 or 1
cdef uint8_t gc_property(Py_UCS4 cp, int rules) noexcept nogil  # 0 (Other) above U+10FFFF
# The end of the cluster that starts at the boundary pos (length when pos >= length - 1).
cdef Py_ssize_t gc_next_boundary(
    int kind, const void* data, Py_ssize_t length, Py_ssize_t pos, int rules
) noexcept nogil
# The greatest boundary b with start <= b <= pos, scanning forward from the boundary start
# (a part's first code point, say); length when pos >= length.
cdef Py_ssize_t gc_prev_boundary(
    int kind, const void* data, Py_ssize_t length, Py_ssize_t start, Py_ssize_t pos, int rules
) noexcept nogil
cdef Py_ssize_t gc_count(int kind, const void* data, Py_ssize_t length, int rules) noexcept nogil


cdef inline uint8_t gc_lookup(const GcTable* table, Py_UCS4 cp) noexcept nogil:
    cdef uint32_t c = <uint32_t>cp
    if c > 0x10FFFF:
        return GC_OTHER
    return table.blocks[(<Py_ssize_t>table.index[c >> GC_SHIFT] << GC_SHIFT) | (c & GC_LOW)]


cdef inline void gc_reset_twilio(GcState* st, int value) noexcept nogil:
    st.head = value
    st.prev = value
    st.before = -1
    st.extend = value == GC_EXTEND
    st.mid = 0
    st.ri = GC_RI_EMPTY


cdef inline void gc_start(GcState* st, int rules, Py_UCS4 cp) noexcept nogil:
    # Begin a pass at cp, a cluster boundary (the text's start, or any boundary).
    cdef uint8_t p
    st.table = gc_table(rules)
    st.rules = rules
    p = gc_lookup(st.table, cp)
    # Every field set, whichever rule set reads which.
    st.incb = 0
    st.emoji = 0
    st.ri_odd = False
    gc_reset_twilio(st, p)
    if rules == GC_RULES_UNICODE:
        st.prev = p & GC_GCB_MASK
        st.incb = 1 if (p & GC_INCB_MASK) == GC_INCB_CONSONANT else 0
        st.emoji = 1 if p & GC_EXT_PICT else 0
        st.ri_odd = st.prev == GC_RI


cdef inline bint gc_unicode_step(GcState* st, uint8_t p) noexcept nogil:
    # UAX #29 §3.1.1, rules GB3-GB999 in order; then the facts for the next code point.
    cdef int prev = st.prev, cur = p & GC_GCB_MASK, conjunct = p & GC_INCB_MASK
    cdef bint cut
    if p == 0:
        # Other, not ExtPict, no InCB (most letters): only GB9b Prepend x joins it, and it
        # clears every fact (the same result as the rules below, sooner).
        st.incb = 0
        st.emoji = 0
        st.ri_odd = False
        st.prev = GC_OTHER
        return prev != GC_PREPEND
    if prev == GC_CR and cur == GC_LF:  # GB3
        cut = False
    elif ((1 << prev) | (1 << cur)) & GC_CONTROLS:  # GB4, GB5
        cut = True
    elif prev == GC_L and (1 << cur) & GC_AFTER_L:  # GB6
        cut = False
    elif (prev == GC_LV or prev == GC_V) and (cur == GC_V or cur == GC_T):  # GB7
        cut = False
    elif (prev == GC_LVT or prev == GC_T) and cur == GC_T:  # GB8
        cut = False
    elif (1 << cur) & GC_JOINERS or prev == GC_PREPEND:  # GB9, GB9a, GB9b
        cut = False
    elif st.incb == 2 and conjunct == GC_INCB_CONSONANT:  # GB9c
        cut = False
    elif st.emoji == 2 and p & GC_EXT_PICT:  # GB11
        cut = False
    else:  # GB12, GB13, GB999
        cut = not (cur == GC_RI and st.ri_odd)
    if conjunct == GC_INCB_CONSONANT:
        st.incb = 1
    elif st.incb and conjunct == GC_INCB_LINKER:
        st.incb = 2
    elif conjunct != GC_INCB_EXTEND:
        st.incb = 0
    if p & GC_EXT_PICT:
        st.emoji = 1
    elif st.emoji == 1 and cur == GC_ZWJ:
        st.emoji = 2
    elif st.emoji != 1 or cur != GC_EXTEND:
        st.emoji = 0
    st.ri_odd = (not st.ri_odd) if cur == GC_RI else False
    st.prev = cur
    return cut


cdef inline bint gc_twilio_step(GcState* st, int nxt) noexcept nogil:
    # grapheme-splitter 1.0.4's shouldBreak, rules A-G of _grapheme_py in order.
    cdef int prev = st.prev
    cdef bint cut
    if nxt == GC_OTHER and prev != GC_PREPEND:
        # Every rule below cuts before Other unless Prepend precedes it (GB9b).
        gc_reset_twilio(st, nxt)
        return True
    if nxt == GC_E_MODIFIER and st.mid == 1 and not (1 << st.head) & (GC_E_BASES | (1 << GC_EXTEND)):
        cut = True  # A
    elif nxt == GC_RI and st.ri == GC_RI_EMPTY and st.head != GC_PREPEND and st.head != GC_RI:
        cut = True  # B, next is the last RI
    elif nxt != GC_RI and st.ri == GC_RI_LEAD and prev != GC_PREPEND:
        cut = True  # B, the last RI is in mid
    elif prev == GC_CR and nxt == GC_LF:  # GB3
        cut = False
    elif ((1 << prev) | (1 << nxt)) & GC_CONTROLS:  # GB4, GB5
        cut = True
    elif prev == GC_L and (1 << nxt) & GC_AFTER_L:  # GB6
        cut = False
    elif (prev == GC_LV or prev == GC_V) and (nxt == GC_V or nxt == GC_T):  # GB7
        cut = False
    elif (prev == GC_LVT or prev == GC_T) and nxt == GC_T:  # GB8
        cut = False
    elif (1 << nxt) & GC_JOINERS or prev == GC_PREPEND:  # GB9, GB9a, GB9b
        cut = False
    elif nxt == GC_E_MODIFIER and (
        (not st.extend and (1 << prev) & GC_E_BASES)
        or (prev == GC_EXTEND and st.before >= 0 and (1 << st.before) & GC_E_BASES)
    ):  # D (GB10)
        cut = False
    elif prev == GC_ZWJ and (nxt == GC_GLUE_AFTER_ZWJ or nxt == GC_E_BASE_GAZ):  # E (GB11)
        cut = False
    elif st.ri != GC_RI_EMPTY and st.ri != GC_RI_NONE:  # F: mid holds an RI
        cut = True
    else:  # F (RI x RI), G
        cut = not (prev == GC_RI and nxt == GC_RI)
    if cut:
        gc_reset_twilio(st, nxt)
        return True
    # nxt joins the cluster: mid.push(nxt).
    if nxt == GC_RI:
        st.ri = GC_RI_ONLY if (st.ri == GC_RI_EMPTY or st.ri == GC_RI_ONLY) else GC_RI_OTHER
    elif st.ri == GC_RI_EMPTY:
        st.ri = GC_RI_NONE
    elif st.ri == GC_RI_ONLY:
        st.ri = GC_RI_LEAD
    st.mid = 1 if (nxt == GC_EXTEND and st.mid < 2) else 2
    st.extend = st.extend or nxt == GC_EXTEND
    st.before = prev
    st.prev = nxt
    return False


cdef inline bint gc_sure_break(const GcTable* table, int rules, Py_UCS4 prev, Py_UCS4 cp) noexcept nogil:
    # Whether every pass cuts between prev and cp, whatever came before prev: so a pass
    # may start afresh at cp.  True when one of them is Control, CR or LF (GB4, GB5; in
    # Twilio's rules A and B only add cuts before those) but not CR LF (GB3), or when cp
    # is Other (Unicode: no ExtPict, no InCB either) and prev is not Prepend (GB9b).
    cdef int a = gc_lookup(table, prev), b = gc_lookup(table, cp)
    if b == 0:
        return (a & GC_GCB_MASK if rules == GC_RULES_UNICODE else a) != GC_PREPEND
    if rules == GC_RULES_UNICODE:
        a &= GC_GCB_MASK
        b &= GC_GCB_MASK
    return ((1 << a) | (1 << b)) & GC_CONTROLS and not (a == GC_CR and b == GC_LF)


cdef inline bint gc_break_before(GcState* st, Py_UCS4 cp) noexcept nogil:
    # Whether a cluster ends before cp, the code point after the last one fed; feeds cp.
    cdef uint8_t p = gc_lookup(st.table, cp)
    if st.rules == GC_RULES_UNICODE:
        return gc_unicode_step(st, p)
    return gc_twilio_step(st, p)
