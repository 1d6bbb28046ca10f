# Decoding unpacked septets: smscodec._gsm7_c's GIL-free decoding kernels (included
# there, compiled into that module).  A first pass measures (length, widest code point,
# first fault), a second writes into a str of exactly that size and width.
#
# With the default pair most septets of real text are identity septets (_scan.h: their
# code point is their own value, as for letters, digits and most punctuation).  One
# SSE2 test (or two SWAR words) gives a mask of the 16 septets that are not; the loop
# walks that mask: a run of identities is counted (or copied) at once, and the septets
# from there to the next run of at least _MIN_RUN identities go through the tables one
# by one: a table lookup per such septet, one mask per 16 septets and a few bit
# operations per run (callgrind, on every mix tried from no identity to all of them,
# alternating ones included: fewer instructions than an 8-septet word test followed by
# lookups).  The last 1-15 septets are tested the same way, from a copy padded with
# identities.  National pairs go through the tables septet by septet.

cdef enum:
    # Septets per mask (SSE2 register / two 64-bit words).
    _MASK_SEPTETS = 16
    # Padding for the last block: "A" (0x41), an identity septet.
    _IDENTITY_FILL = 0x41
    # Identities shorter than this between other septets go through the tables with
    # them: a new round of the mask walk costs about as much as three table lookups
    # (measured: with 2, "a{b}" repeated decodes slower than with no mask at all).
    _MIN_RUN = 3


cdef inline uint64_t _identity_mask(const uint8_t* s, Py_ssize_t i, Py_ssize_t n) noexcept nogil:
    # Bit k set when s[i + k] is not an identity septet, for the 16 septets from i (the
    # ones that exist: bits at n - i and above are clear).
    cdef uint8_t pad[_MASK_SEPTETS]
    if i + _MASK_SEPTETS <= n:
        return sms_not_identity_mask_u8x16(s + i)
    memset(pad, _IDENTITY_FILL, _MASK_SEPTETS)
    memcpy(pad, s + i, <size_t>(n - i))
    return sms_not_identity_mask_u8x16(pad)


cdef inline uint64_t _identity_runs(uint64_t mask) noexcept nogil:
    # Bit k set when septets k to k + _MIN_RUN - 1 (three) are identities; those past the
    # block count as identities (the run goes on into the next block, or the data ends).
    # Bit k of ``mask`` set means septet k is not one: no run starts there.
    cdef uint64_t identities = ~mask
    return identities & (identities >> 1) & (identities >> 2)


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
    cdef Py_ssize_t i = 0, stop, count = 0, run
    # The mask of the septets from ``base`` up to ``block_end`` (none yet).
    cdef Py_ssize_t base = 0, block_end = 0
    cdef uint64_t mask = 0, runs = 0, rest
    cdef uint32_t ch, acc = 0
    cdef uint8_t b
    while i < n:
        stop = n
        if pair_t is DefaultPair:
            if i >= block_end:
                base = i
                block_end = i + _MASK_SEPTETS if i + _MASK_SEPTETS <= n else n
                mask = _identity_mask(s, i, n)
                runs = _identity_runs(mask)
            # The identities from i up to the next other septet (acc |= 0x7F: their width;
            # harmless when there are none, as it changes no width) ...
            rest = mask >> (i - base)
            acc |= 0x7F
            if rest == 0:
                count += block_end - i
                i = block_end
                continue
            run = sms_ctz64(rest)
            count += run
            i += run
            # ... then, through the tables, the septets up to the next run of identities
            # long enough to be worth a new round.
            stop = i + sms_ctz64(runs >> (i - base))
        while i < stop:
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


cdef inline void _copy_identities(const uint8_t* s, Py_ssize_t count, unit_t* out,
                                  bint whole) noexcept nogil:
    # Identity septets are their own code points: a copy, widened to the str's units.
    # ``whole``: 16 septets may be read at s and 16 units written at out (faster than
    # ``count``, which is at most 16; the caller overwrites what lies past ``count``).
    cdef Py_ssize_t k
    if whole:
        if unit_t is uint8_t:
            memcpy(out, s, _MASK_SEPTETS)
            return
        elif unit_t is uint16_t:
            sms_widen_u8x16(s, out)
            return
    for k in range(count):
        out[k] = s[k]


cdef Py_ssize_t _decode_write(const Tables* t, const uint8_t* s, Py_ssize_t n, int mode,
                              unit_t* out, Py_ssize_t size, pair_t* which) noexcept nogil:
    # Writes what _decode_measure measured (no fault under STRICT); returns the count
    # written, never more than ``size``.
    cdef const uint32_t* dec = _DEC
    cdef const uint32_t* dec_esc = _DEC_ESC
    if pair_t is NationalPair:
        dec = t.dec
        dec_esc = t.dec_esc
    cdef Py_ssize_t i = 0, stop, o = 0, run
    cdef Py_ssize_t base = 0, block_end = 0
    cdef uint64_t mask = 0, runs = 0, rest
    cdef uint32_t ch
    cdef uint8_t b
    while i < n:
        stop = n
        if pair_t is DefaultPair:
            if i >= block_end:
                base = i
                block_end = i + _MASK_SEPTETS if i + _MASK_SEPTETS <= n else n
                mask = _identity_mask(s, i, n)
                runs = _identity_runs(mask)
            rest = mask >> (i - base)
            run = block_end - i if rest == 0 else <Py_ssize_t>sms_ctz64(rest)
            if o + run > size:
                return o + run
            _copy_identities(s + i, run, out + o,
                             i + _MASK_SEPTETS <= n and o + _MASK_SEPTETS <= size)
            o += run
            i += run
            if rest == 0:
                continue
            stop = i + sms_ctz64(runs >> (i - base))
        while i < stop:
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
