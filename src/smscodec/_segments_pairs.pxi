# Scoring the enabled (locking, single shift) pairs of TS 23.038 §6.2.1.2.4 from a class
# histogram, for smscodec._segments_c (included there, compiled into that module), and
# the GIL-free entry points count_text / count_parts (declared in _segments_c.pxd).

cdef inline uint32_t _cost(uint32_t c, int ucs2, uint64_t ones) noexcept nogil:
    # UCS-2: 2 units above U+FFFF, else 1.  GSM-7: 1 septet for a class in ``ones``, else 2.
    if ucs2:
        return 2 if c > 0xFFFF else 1
    return 1 if (ones >> _class(c)) & 1 else 2


cdef inline Py_ssize_t _next_double(
    int kind, const void* data, Py_ssize_t i, Py_ssize_t n, int ucs2, uint64_t ones, bint skip_plain
) noexcept nogil:
    # The first item from ``i`` on that costs 2 units (``n`` when none does).  UCS-2: a
    # code point above U+FFFF (only a 4-byte str holds one).  GSM-7: a class not in ``ones``.
    # ``skip_plain``: every plain character (_scan.h) is one unit, so a block of 16 plain
    # bytes or 8 plain units is passed over whole.
    cdef const uint8_t* p1 = <const uint8_t*>data
    cdef const uint16_t* p2 = <const uint16_t*>data
    cdef const uint32_t* p4 = <const uint32_t*>data
    cdef Py_ssize_t stop
    if kind == 1:
        if ucs2:
            return n
        while i < n:
            stop = n
            if skip_plain and n - i >= 16:
                if sms_plain_u8x16(p1 + i):
                    i += 16
                    continue
                stop = i + 16
            while i < stop:
                if not (ones >> _class2[p1[i]]) & 1:
                    return i
                i += 1
        return n
    if kind == 2:
        if ucs2:
            return n
        while i < n:
            stop = n
            if skip_plain and n - i >= 8:
                if sms_plain_u16x8(p2 + i):
                    i += 8
                    continue
                stop = i + 8
            while i < stop:
                if not (ones >> _class2[p2[i]]) & 1:
                    return i
                i += 1
        return n
    if ucs2:
        while i < n and p4[i] <= 0xFFFF:
            i += 1
        return i
    while i < n and (ones >> _class(p4[i])) & 1:
        i += 1
    return i


cdef inline Py_ssize_t _add_singles(Py_ssize_t* fill, Py_ssize_t singles, Py_ssize_t cap) noexcept nogil:
    # Put ``singles`` one-unit items after ``fill[0]`` units, greedily: the parts opened.
    cdef Py_ssize_t over, opened
    if fill[0] + singles <= cap:
        fill[0] += singles
        return 0
    over = singles - (cap - fill[0])
    opened = (over + cap - 1) // cap
    fill[0] = over - (opened - 1) * cap
    return opened


cdef Py_ssize_t _replay(
    int kind, const void* data, Py_ssize_t length, int ucs2, uint64_t ones, Py_ssize_t cap,
    Py_ssize_t doubles, Py_ssize_t* rem
) noexcept nogil:
    # Greedy parts of ``cap`` units of a text known to be encodable, in which a 2-unit item
    # (an escape pair, TS 23.038 §6.2.1.1; a surrogate pair) never straddles two parts
    # (TS 23.040 §9.2.3.24.1).  Only the 2-unit items are visited: the one-unit runs
    # between them are placed by arithmetic, and once ``doubles`` of them (-1: unknown)
    # have been seen, the rest of the text is one run.
    cdef Py_ssize_t parts = 1, fill = 0, at = 0, q
    cdef bint skip_plain = not ucs2 and (ones & _plain_classes) == _plain_classes
    while doubles != 0 and at < length:
        q = _next_double(kind, data, at, length, ucs2, ones, skip_plain)
        if q >= length:
            break
        parts += _add_singles(&fill, q - at, cap)
        if fill + 2 > cap:
            parts += 1
            fill = 0
        fill += 2
        at = q + 1
        if doubles > 0:
            doubles -= 1
    parts += _add_singles(&fill, length - at, cap)
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
        out.parts = _replay(kind, data, length, ucs2, ones, multi, doubles, &out.remaining)


cdef inline Py_ssize_t _sum_classes(uint64_t mask, const Py_ssize_t* hist) noexcept nogil:
    # Characters of the classes in ``mask``, visiting set bits only.
    cdef Py_ssize_t s = 0
    while mask:
        s += hist[sms_ctz64(mask)]
        mask &= mask - 1
    return s


cdef inline bint _better(
    Py_ssize_t parts, Py_ssize_t rem, int rank, const Result* best, int best_rank
) noexcept nogil:
    # The choice order: fewest parts, then most units left, then the earlier pair in PAIRS
    # (default tables first, then lower identifiers).
    if parts != best.parts:
        return parts < best.parts
    if rem != best.remaining:
        return rem > best.remaining
    return rank < best_rank


cdef inline void _score_one(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, const Py_ssize_t* hist,
    uint64_t present, int lk, int ss, int p, Result* out, int* best_rank,
    int* wait_pair, uint64_t* wait_mask, Py_ssize_t* wait_total, int* waiting
) noexcept nogil:
    # Settle pair ``p`` now when its total decides its parts, else queue it for a replay.
    cdef uint64_t ones = _lock_classes[lk]
    cdef uint64_t twos = _single_classes[ss] & ~ones
    cdef Py_ssize_t escapes = _sum_classes(present & twos, hist)
    cdef Py_ssize_t total = length + escapes
    cdef Py_ssize_t shift = SHIFT_IE_OCTETS * ((lk != 0) + (ss != 0))
    cdef Result trial
    memset(&trial, 0, sizeof(Result))
    if escapes and total > _capacity(plan.header, shift, 0):
        wait_pair[waiting[0]] = p
        wait_mask[waiting[0]] = present & twos
        wait_total[waiting[0]] = total
        waiting[0] += 1
        return
    _measure(kind, data, length, plan, 0, shift, total, escapes, ones, &trial)
    if best_rank[0] < 0 or _better(trial.parts, trial.remaining, p, out, best_rank[0]):
        trial.status = 0
        trial.encoding = 0
        trial.locking = lk
        trial.single = ss
        out[0] = trial
        best_rank[0] = p


cdef bint _score_pairs(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, const Py_ssize_t* hist, Result* out
) noexcept nogil:
    # Score every enabled pair from the class histogram; True when one carries the text.
    # Pass 1 settles every pair whose parts follow from its total (one part, or no escapes)
    # and notes the others with a lower bound; pass 2 replays only those that could still
    # win, once per distinct (escape classes, shift octets) signature.
    cdef uint64_t present = 0, ones
    cdef int k, p, lk, ss, j, best_rank = -1, waiting = 0, seen = 0
    cdef Py_ssize_t total, shift, multi, rem
    cdef Result trial
    cdef int wait_pair[_MAX_PAIRS]
    cdef uint64_t wait_mask[_MAX_PAIRS]
    cdef Py_ssize_t wait_total[_MAX_PAIRS]
    cdef uint64_t sig_mask[_MAX_PAIRS]
    cdef Py_ssize_t sig_shift[_MAX_PAIRS]
    cdef Py_ssize_t sig_parts[_MAX_PAIRS]
    cdef Py_ssize_t sig_rem[_MAX_PAIRS]
    cdef uint64_t any_single = 0, need
    for k in range(MAX_CLASSES):
        if hist[k]:
            present |= (<uint64_t>1) << k
    for ss in range(_NUM_TABLES):
        if (plan.singles >> ss) & 1:
            any_single |= _single_classes[ss]
    # By locking table, then single shift table; the rank keeps the choice order.
    for lk in range(_NUM_TABLES):
        if not (plan.locks >> lk) & 1:
            continue
        ones = _lock_classes[lk]
        need = present & ~ones  # what the single shift table must supply
        if need & ~any_single:
            continue  # no enabled single shift table completes this locking table
        for ss in range(_NUM_TABLES):
            p = _rank[lk][ss]
            if p < 0 or not (plan.singles >> ss) & 1 or need & ~_single_classes[ss]:
                continue
            _score_one(kind, data, length, plan, hist, present, lk, ss, p, out, &best_rank,
                       wait_pair, wait_mask, wait_total, &waiting)
    for j in range(waiting):
        p = wait_pair[j]
        lk = _pairs[p][0]
        ss = _pairs[p][1]
        total = wait_total[j]
        shift = SHIFT_IE_OCTETS * ((lk != 0) + (ss != 0))
        multi = _capacity(plan.header, plan.concat + shift, 0)
        # Optimistic: every part full.  Skip the replay when even that cannot win.
        trial.parts = (total + multi - 1) // multi
        if best_rank >= 0 and not _better(trial.parts, trial.parts * multi - total, p, out, best_rank):
            continue
        for k in range(seen):
            if sig_mask[k] == wait_mask[j] and sig_shift[k] == shift:
                break
        else:
            k = seen
            sig_mask[k] = wait_mask[j]
            sig_shift[k] = shift
            sig_parts[k] = _replay(kind, data, length, 0, _lock_classes[lk], multi, total - length, &rem)
            sig_rem[k] = rem
            seen += 1
        if best_rank < 0 or _better(sig_parts[k], sig_rem[k], p, out, best_rank):
            out.status = 0
            out.encoding = 0
            out.parts = sig_parts[k]
            out.units = total
            out.per_segment = multi
            out.remaining = sig_rem[k]
            out.locking = lk
            out.single = ss
            best_rank = p
    return best_rank >= 0


cdef void count_text(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, Result* out
) noexcept nogil:
    if plan.flags:
        _count_policy(kind, data, length, plan, out)  # _segments_policy.pxi
    else:
        _count_plain(kind, data, length, plan, out)


cdef void _count_plain(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, Result* out
) noexcept nogil:
    # count_text under TS 23.040's greedy split.
    cdef Tally t
    cdef Py_ssize_t hist[MAX_CLASSES]
    cdef Py_ssize_t astral = 0
    cdef bint surrogates = False
    memset(out, 0, sizeof(Result))
    memset(&t, 0, sizeof(Tally))
    if plan.mode == 2 and kind != 4:
        # UCS-2 asked for: a 1- or 2-byte string has nothing above U+FFFF, so its units
        # are its length; only a 2-byte one can hold a (lone) surrogate.
        surrogates = kind == 2 and sms_has_surrogate_u16(<const uint16_t*>data, length)
    elif plan.mode == 2 or (plan.locks == 1 and plan.singles == 1):
        if kind == 2 and plan.mode != 2:
            # Stop at the first block with a character outside the default tables: the
            # text goes as UCS-2 (or fails under mode 1) whatever follows, and a 2-byte
            # string's UTF-16 units are its length.  Only lone surrogates remain to find.
            if _tally2(<const uint16_t*>data, length, &t, True):
                if plan.mode == 0:
                    surrogates = sms_has_surrogate_u16(<const uint16_t*>data, length)
            else:
                out.encoding = 0
                _measure(kind, data, length, plan, 0, 0, t.septets, t.escapes, _lock_classes[0], out)
                return
        else:
            tally_default(kind, data, length, &t)
            if t.bad == 0 and plan.mode != 2:
                out.encoding = 0
                _measure(kind, data, length, plan, 0, 0, t.septets, t.escapes, _lock_classes[0], out)
                return
            astral = t.astral
            surrogates = t.surrogates != 0
    else:
        tally_classes(kind, data, length, hist)
        out.status = 0
        if _score_pairs(kind, data, length, plan, hist, out):
            return
        astral = hist[_ASTRAL_CLASS]
        surrogates = hist[_SURROGATE_CLASS] != 0
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


cdef Py_ssize_t _min_parts(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, const Py_ssize_t* hist,
    uint64_t present
) noexcept nogil:
    # The fewest parts any enabled pair needs, or 0 when none carries the text: what
    # _score_pairs finds, without the tie-break (which only chooses among equal counts).
    # ``hist`` need only be right for the classes in ``present`` (the nonzero ones).
    # A pair's total T and part size M bound its greedy parts p: every part but the last
    # is closed with at least M - 1 units (an item of at most 2 units did not fit), so
    # ceil(T / M) <= p <= (T - 1) // (M - 1) + 1.  A replay is made only when these
    # differ and the lower bound could still beat the best so far, once per signature.
    cdef uint64_t ones, twos, mask, any_single = 0, need, locks, singles, bits
    cdef int k, p, lk, ss, j, waiting = 0, seen = 0
    cdef Py_ssize_t best = 0, escapes, total, shift, multi, lo, hi, rem, parts
    cdef uint64_t wait_mask[_MAX_PAIRS]
    cdef Py_ssize_t wait_lo[_MAX_PAIRS]
    cdef Py_ssize_t wait_multi[_MAX_PAIRS]
    cdef int wait_lock[_MAX_PAIRS]
    cdef uint64_t sig_mask[_MAX_PAIRS]
    cdef Py_ssize_t sig_multi[_MAX_PAIRS]
    for ss in range(_NUM_TABLES):
        if (plan.singles >> ss) & 1:
            any_single |= _single_classes[ss]
    # Only the locking tables that hold every present class no enabled single shift
    # table holds; for each, only the single shift tables holding every class it lacks
    # (bit n of _class_lock / _class_single: table n holds the class).
    locks = plan.locks
    bits = present & ~any_single
    while bits:
        locks &= _class_lock[sms_ctz64(bits)]
        bits &= bits - 1
    while locks:
        lk = sms_ctz64(locks)
        locks &= locks - 1
        ones = _lock_classes[lk]
        need = present & ~ones
        singles = plan.singles
        bits = need
        while bits:
            singles &= _class_single[sms_ctz64(bits)]
            bits &= bits - 1
        # Every usable single shift table supplies exactly ``need``, so the escapes are the
        # same for all of them; only the header differs: none for the default extension
        # table, 3 octets for a national one.  One pair per locking table decides.
        ss = -1
        if singles & 1 and _rank[lk][0] >= 0:
            ss = 0
        else:
            singles &= ~(<uint64_t>1)
            while singles:
                k = sms_ctz64(singles)
                singles &= singles - 1
                if _rank[lk][k] >= 0:
                    ss = k
                    break
        if ss >= 0:
            mask = need
            escapes = _sum_classes(mask, hist)
            total = length + escapes
            shift = SHIFT_IE_OCTETS * ((lk != 0) + (ss != 0))
            if total <= _capacity(plan.header, shift, 0):
                return 1  # nothing needs fewer
            multi = _capacity(plan.header, plan.concat + shift, 0)
            lo = (total + multi - 1) // multi
            if best and lo >= best:
                continue
            if escapes:
                hi = (total - 1) // (multi - 1) + 1
                if hi != lo:
                    wait_mask[waiting] = mask
                    wait_lo[waiting] = lo
                    wait_multi[waiting] = multi
                    wait_lock[waiting] = lk
                    waiting += 1
                    continue
            best = lo
    for j in range(waiting):
        if best and wait_lo[j] >= best:
            continue
        for k in range(seen):
            if sig_mask[k] == wait_mask[j] and sig_multi[k] == wait_multi[j]:
                break
        else:
            sig_mask[seen] = wait_mask[j]
            sig_multi[seen] = wait_multi[j]
            seen += 1
            # The classes in the mask cost 2, every other present class 1 (the locking
            # table holds it): the signature decides the replay.
            parts = _replay(kind, data, length, 0, _lock_classes[wait_lock[j]], wait_multi[j], -1, &rem)
            if not best or parts < best:
                best = parts
    return best


cdef inline uint64_t _present(uint8_t (*sub)[MAX_CLASSES]) noexcept nogil:
    # Bit k set when class k counts anything in the four sub-histograms.
    cdef uint64_t mask = 0
    cdef int k
    if MAX_CLASSES == 64:
        # The four sub-histograms are four rows of 64 byte counters (SSE2 where it exists).
        return sms_nonzero_4x64(&sub[0][0])
    for k in range(MAX_CLASSES):
        if sub[0][k] | sub[1][k] | sub[2][k] | sub[3][k]:
            mask |= (<uint64_t>1) << k
    return mask


cdef Py_ssize_t replay_default(
    int kind, const void* data, Py_ssize_t length, int ucs2, Py_ssize_t cap, Py_ssize_t doubles,
    Py_ssize_t* rem
) noexcept nogil:
    # The greedy parts of ``cap`` units of a text the default tables (ucs2 0) or UCS-2
    # (ucs2 1) carry, holding ``doubles`` two-unit items: for callers that tallied it
    # already (smscodec._batch_c), so that only the items are visited again.
    return _replay(kind, data, length, ucs2, 0 if ucs2 else _lock_classes[0], cap, doubles, rem)


cdef Py_ssize_t count_parts(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, int* status
) noexcept nogil:
    # count_text(...).parts, with status set likewise (0 ok, 1 not GSM-7 under mode 1, 2
    # lone surrogate in a UCS-2 text), for callers that need only the count.
    cdef Result r
    cdef Tally t
    cdef Py_ssize_t hist[MAX_CLASSES]
    cdef uint8_t sub[4][MAX_CLASSES]
    cdef uint64_t present, bits
    cdef int k
    cdef Py_ssize_t parts, astral
    status[0] = 0
    if plan.flags or plan.mode == 2 or (plan.locks == 1 and plan.singles == 1):
        count_text(kind, data, length, plan, &r)
        status[0] = r.status
        return r.parts
    if kind != 4 and plan.locks & 1 and plan.singles & 1:
        # The default pair first (cheap: see tally_default): when it carries the text in
        # one part, or with no escape at all, no national pair needs fewer parts (their
        # shift elements only shrink the parts).  A 2-byte text stops at the first block
        # the default tables cannot carry.
        memset(&r, 0, sizeof(Result))
        memset(&t, 0, sizeof(Tally))
        if kind == 1:
            _tally1(<const uint8_t*>data, length, &t)
        else:
            _tally2(<const uint16_t*>data, length, &t, True)
        if t.bad == 0:
            _measure(kind, data, length, plan, 0, 0, t.septets, t.escapes, _lock_classes[0], &r)
            if r.parts == 1 or t.escapes == 0:
                return r.parts
    if length <= _CLASS_CHUNK:
        # One chunk: the sub-histograms are the whole count; add up only the classes
        # present (a message holds a handful of the MAX_CLASSES).
        memset(sub, 0, sizeof(sub))
        if kind == 1:
            _sub_hist1(<const uint8_t*>data, 0, length, sub)
        elif kind == 2:
            _sub_hist2(<const uint16_t*>data, 0, length, sub)
        else:
            _sub_hist4(<const uint32_t*>data, 0, length, sub)
        present = _present(sub)
        hist[_ASTRAL_CLASS] = 0
        hist[_SURROGATE_CLASS] = 0
        bits = present
        while bits:
            k = sms_ctz64(bits)
            hist[k] = <Py_ssize_t>sub[0][k] + sub[1][k] + sub[2][k] + sub[3][k]
            bits &= bits - 1
    else:
        tally_classes(kind, data, length, hist)
        present = 0
        for k in range(MAX_CLASSES):
            if hist[k]:
                present |= (<uint64_t>1) << k
    parts = _min_parts(kind, data, length, plan, hist, present)
    if parts:
        return parts
    if plan.mode == 1:
        status[0] = 1
        return 0
    if hist[_SURROGATE_CLASS]:
        status[0] = 2
        return 0
    astral = hist[_ASTRAL_CLASS]
    memset(&r, 0, sizeof(Result))
    _measure(kind, data, length, plan, 1, 0, length + astral, astral, 0, &r)
    return r.parts
