# Split policies (smscodec.policies) for smscodec._segments_c (included there, compiled
# into that module): counting and splitting when a part may end only where the policy
# allows (grapheme cluster boundaries, after a break space) and in Twilio's fill order.
# The rules are those of _segments_py's "split policies" section, its readable twin; here
# cluster boundaries are asked of the grapheme kernel (_grapheme_c.pxd) only at the
# positions where a part would end, on the string's own storage, without the GIL.

cdef enum:
    # _segments_py.FLAG_* (smscodec._plan's): the policy bits of Plan.flags.
    _FLAG_GRAPHEMES = 1
    _FLAG_TWILIO_RULES = 2
    _FLAG_WORDS = 4
    _FLAG_TWILIO_FILL = 8
    # Where a part may end: everywhere, everywhere but inside CR LF, or at cluster
    # boundaries only.
    _CUT_ANY = 0
    _CUT_CRLF = 1
    _CUT_CLUSTERS = 2
    # TS 23.038 / Unicode: CR and LF.
    _CR = 0x0D
    _LF = 0x0A


cdef struct Cuts:
    # Where a part may end in one text, and the last known cluster boundary (the
    # grapheme kernel scans forward from one).
    int kind
    const void* data
    Py_ssize_t length
    int mode
    int rules
    bint crlf_split   # Twilio's calculator splits a CR LF cluster (SegmentedMessage.ts)
    Py_ssize_t anchor


cdef inline bint _is_break_space(uint32_t c) noexcept nogil:
    # _segments_py.BREAK_SPACES: White_Space less U+00A0, U+2007, U+202F (UAX #14 GL).
    if c <= 0x20:
        return c == 0x20 or 0x09 <= c <= 0x0D
    if c < 0x1680:
        return c == 0x85
    return (c == 0x1680 or (0x2000 <= c <= 0x200A and c != 0x2007) or c == 0x2028 or c == 0x2029
            or c == 0x205F or c == 0x3000)


cdef inline bint _inside_crlf(const Cuts* k, Py_ssize_t p) noexcept nogil:
    return 0 < p < k.length and _read(k.kind, k.data, p - 1) == _CR and _read(k.kind, k.data, p) == _LF


cdef inline Py_ssize_t _prev_cut(Cuts* k, Py_ssize_t p) noexcept nogil:
    # The last position <= p where a part may end.
    if k.mode == _CUT_ANY or p >= k.length:
        return p
    if _inside_crlf(k, p):
        return p if k.crlf_split else p - 1
    if k.mode == _CUT_CRLF:
        return p
    return gc_prev_boundary(k.kind, k.data, k.length, k.anchor, p, k.rules)


cdef inline Py_ssize_t _next_cut(Cuts* k, Py_ssize_t p) noexcept nogil:
    # The first position > p where a part may end (p < length).
    cdef Py_ssize_t a
    if k.mode == _CUT_ANY or p + 1 >= k.length:
        return p + 1
    if k.crlf_split and _inside_crlf(k, p + 1):
        return p + 1
    if k.mode == _CUT_CRLF:
        return p + 2 if _inside_crlf(k, p + 1) else p + 1
    a = _prev_cut(k, p)  # the start of the cluster holding p
    return gc_next_boundary(k.kind, k.data, k.length, a, k.rules)


cdef inline Py_ssize_t _span(
    int kind, const void* data, Py_ssize_t a, Py_ssize_t b, int ucs2, uint64_t ones, bint uniform
) noexcept nogil:
    # Units of code points a..b-1.
    cdef Py_ssize_t s = 0, i
    if uniform:
        return b - a
    for i in range(a, b):
        s += _cost(_read(kind, data, i), ucs2, ones)
    return s


cdef Py_ssize_t _policy_replay(
    int kind, const void* data, Py_ssize_t n, int ucs2, uint64_t ones, bint uniform, int mode, int flags,
    Py_ssize_t cap1, Py_ssize_t capm, Py_ssize_t* last, Py_ssize_t* ends, Py_ssize_t* units
) noexcept nogil:
    # The parts of a text longer than one part (cap1 units), in parts of capm units:
    # _segments_py._policy_cuts.  Returns the count and sets *last to the units of the
    # last part; with ``ends`` / ``units`` (n + 2 cells each), each part's end and units.
    cdef Cuts k
    cdef Py_ssize_t parts = 0, start = 0, i = 0, nocut = 0, fill, cost, cut, b, q, acc, p1, fits, first
    cdef bint twilio = (flags & _FLAG_TWILIO_FILL) != 0
    cdef bint words = (flags & _FLAG_WORDS) != 0
    k.kind = kind
    k.data = data
    k.length = n
    k.mode = mode
    k.rules = GC_RULES_TWILIO if flags & _FLAG_TWILIO_RULES else GC_RULES_UNICODE
    k.crlf_split = twilio
    k.anchor = 0
    if twilio:
        # SegmentedMessage.ts _buildSegments: the first cluster that does not fit in one
        # part holds code point p1; the first part keeps the clusters within capm.
        if uniform:
            p1 = cap1
            fits = capm if capm < n else n
        else:
            acc = 0
            p1 = 0
            fits = -1
            while p1 < n:
                cost = _cost(_read(kind, data, p1), ucs2, ones)
                if fits < 0 and acc + cost > capm:
                    fits = p1
                if acc + cost > cap1:
                    break
                acc += cost
                p1 += 1
            if fits < 0:
                fits = p1
        first = _prev_cut(&k, p1)
        i = _next_cut(&k, p1)
        cut = _prev_cut(&k, fits if fits < first else first)
        if ends != NULL:
            ends[0] = cut
            units[0] = _span(kind, data, 0, cut, ucs2, ones, uniform)
        parts = 1
        start = cut
        k.anchor = cut
    fill = _span(kind, data, start, i, ucs2, ones, uniform)
    while i < n:
        if uniform and fill < capm:
            # Every code point costs one unit: the part fills up exactly capm - fill code
            # points on, and nothing is decided before that (a part ends only where the
            # next code point no longer fits).
            cost = capm - fill if capm - fill < n - i else n - i
            fill += cost
            i += cost
            continue
        cost = _cost(_read(kind, data, i), ucs2, ones)
        if fill + cost > capm and i >= nocut:
            cut = -1
            b = -1
            if words:
                # The last break space in the part, when what follows it fits a part.
                acc = 0
                q = i
                while q > start:
                    if _is_break_space(_read(kind, data, q - 1)) and _prev_cut(&k, q) == q:
                        if acc + cost <= capm:
                            cut = q
                            b = q
                        break
                    acc += _cost(_read(kind, data, q - 1), ucs2, ones)
                    q -= 1
            if cut < 0:
                b = _prev_cut(&k, i)
                if b > start:
                    cut = b
                elif twilio:
                    # A cluster that starts its part is never cut: it overfills the part.
                    nocut = _next_cut(&k, i)
                else:
                    cut = i  # a cluster longer than a part
            if cut >= 0:
                acc = _span(kind, data, cut, i, ucs2, ones, uniform)
                if ends != NULL:
                    ends[parts] = cut
                    units[parts] = fill - acc
                parts += 1
                start = cut
                k.anchor = b if b >= 0 else cut
                fill = acc
                continue
        fill += cost
        i += 1
    if ends != NULL:
        ends[parts] = n
        units[parts] = fill
    last[0] = fill
    return parts + 1


cdef inline Py_ssize_t _limited(Py_ssize_t units, Py_ssize_t limit) noexcept nogil:
    return limit if 0 < limit < units else units


cdef void _measure_policy(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, int ucs2, int lk, int ss,
    Py_ssize_t total, Result* out
) noexcept nogil:
    # parts, per_segment and remaining of a text of ``total`` units under the policy.
    cdef Py_ssize_t shift = 0 if ucs2 else SHIFT_IE_OCTETS * ((lk != 0) + (ss != 0))
    cdef Py_ssize_t cap1 = _limited(_capacity(plan.header, shift, ucs2), plan.limits[2 * ucs2])
    cdef Py_ssize_t capm = _limited(
        _capacity(plan.header, plan.concat + shift, ucs2), plan.limits[2 * ucs2 + 1]
    )
    cdef Py_ssize_t fill = 0
    cdef int mode = _CUT_ANY
    out.units = total
    if total <= cap1:
        out.parts = 1
        out.per_segment = cap1
        out.remaining = cap1 - total
        return
    if plan.flags & _FLAG_GRAPHEMES:
        # A 1-byte string, or a text of the default GSM-7 tables alone, has no cluster of
        # several code points but CR LF (the grapheme kernel's tables say so too).
        if kind == 1 or (not ucs2 and lk == 0 and ss == 0):
            mode = _CUT_ANY if plan.flags & _FLAG_TWILIO_FILL else _CUT_CRLF
        else:
            mode = _CUT_CLUSTERS
    out.parts = _policy_replay(kind, data, length, ucs2, 0 if ucs2 else _lock_classes[lk], total == length,
                               mode, plan.flags, cap1, capm, &fill, NULL, NULL)
    out.per_segment = capm
    out.remaining = capm - fill if fill < capm else 0


cdef void _count_policy(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, Result* out
) noexcept nogil:
    # count_text under a policy: the encoding and the tables as TS 23.040's count chooses
    # them (a policy changes where parts end, never what can be sent), the parts as the
    # policy cuts; with national tables, every pair that carries the text is measured.
    cdef Plan base = plan[0]
    cdef Py_ssize_t hist[MAX_CLASSES]
    cdef uint64_t present = 0, ones, twos
    cdef Result trial
    cdef int k, p, lk, ss, best = -1
    base.flags = 0
    _count_plain(kind, data, length, &base, out)
    if out.status != 0:
        return
    if out.encoding == 1 or (plan.locks == 1 and plan.singles == 1):
        _measure_policy(kind, data, length, plan, out.encoding, out.locking, out.single, out.units, out)
        return
    tally_classes(kind, data, length, hist)
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
        memset(&trial, 0, sizeof(Result))
        _measure_policy(
            kind, data, length, plan, 0, lk, ss, length + _sum_classes(present & twos, hist), &trial
        )
        if best < 0 or _better(trial.parts, trial.remaining, p, out, best):
            trial.locking = lk
            trial.single = ss
            out[0] = trial
            best = p


def policy_capacity(Py_ssize_t header, Py_ssize_t extra, int ucs2, Py_ssize_t limit, /) -> int:
    """``capacity`` at most ``limit`` units: see ``_segments_py.policy_capacity``."""
    return _limited(_capacity(header, extra, ucs2), limit)


def analyze_policy(
    str text not None, Py_ssize_t header, Py_ssize_t concat, int mode, uint64_t locks, uint64_t singles,
    int flags, Py_ssize_t gsm_single, Py_ssize_t gsm_multi, Py_ssize_t ucs_single, Py_ssize_t ucs_multi, /
) -> tuple:
    """Score ``text`` under a split policy: see ``_segments_py.analyze_policy``."""
    cdef Plan plan
    cdef Result out
    cdef int kind = 1
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0
    if (
        header < 0
        or (concat != CONCAT8_OCTETS and concat != CONCAT16_OCTETS)
        or header > header_room(concat, not (locks == 1 and singles == 1))
    ):
        raise ValueError(f"header {header} / concat {concat} octets leave no room for text")
    _view(text, &kind, &data, &length)
    memset(&plan, 0, sizeof(Plan))
    plan.header = header
    plan.concat = concat
    plan.mode = mode
    plan.locks = locks
    plan.singles = singles
    set_policy(&plan, flags, gsm_single, gsm_multi, ucs_single, ucs_multi)
    count_text(kind, data, length, &plan, &out)
    if out.status == 1:
        raise _twin.unencodable_error(text, locks, singles)
    if out.status == 2:
        raise _twin.lone_surrogate_error(text)
    return (out.encoding, out.parts, out.units, out.per_segment, out.remaining, out.locking, out.single)


def split_policy(
    str text not None, int ucs2, int locking, int single, Py_ssize_t cap1, Py_ssize_t capm, int flags, /
) -> list:
    """Split points of ``text`` under a split policy: see ``_segments_py.split_policy``."""
    cdef int kind = 1
    cdef const void* data = NULL
    cdef Py_ssize_t length = 0, i, total = 0, parts, fill = 0
    cdef uint32_t c
    cdef int k, mode = _CUT_ANY
    cdef uint64_t ones = 0 if ucs2 else _lock_classes[locking]
    cdef uint64_t usable = ones | (0 if ucs2 else _single_classes[single])
    if capm < 2:
        raise ValueError(f"parts of {capm} units cannot hold an escape or surrogate pair")
    _view(text, &kind, &data, &length)
    for i in range(length):
        c = _read(kind, data, i)
        if ucs2:
            if 0xD800 <= c <= 0xDFFF:
                raise _twin.lone_surrogate_error(text)
        else:
            k = _class(c)
            if not (usable >> k) & 1:
                raise _twin.unencodable_error(text, (<uint64_t>1) << locking, (<uint64_t>1) << single)
        total += _cost(c, ucs2, ones)
    if total <= cap1:
        return [(length, total)]
    if flags & _FLAG_GRAPHEMES:
        if kind == 1 or (not ucs2 and locking == 0 and single == 0):
            mode = _CUT_ANY if flags & _FLAG_TWILIO_FILL else _CUT_CRLF
        else:
            mode = _CUT_CLUSTERS
    cdef Py_ssize_t* ends = <Py_ssize_t*>malloc(2 * (length + 2) * sizeof(Py_ssize_t))
    if ends == NULL:
        raise MemoryError()
    try:
        with nogil:
            parts = _policy_replay(kind, data, length, ucs2, ones, total == length, mode, flags,
                                   cap1, capm, &fill, ends, ends + length + 2)
        return [(ends[i], ends[length + 2 + i]) for i in range(parts)]
    finally:
        free(ends)
