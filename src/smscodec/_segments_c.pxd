# The segment counting kernel's C-level surface, for other Cython modules (the batch API):
# everything here runs on a string's own PEP 393 storage without the GIL.
# See _segments_py.py for the theory of operation.

from libc.stdint cimport uint64_t

cdef enum:
    # Room for the character classes (37 today) and the page slots (12 today); _segments_c
    # checks the tables fit at import.  Class MAX_CLASSES - 1 marks a surrogate code point.
    MAX_CLASSES = 64
    MAX_PAGES = 16


cdef struct Tally:
    # One pass over a text, default tables (TS 23.038 §6.2.1): what every count needs.
    Py_ssize_t septets      # septets of the GSM-7 characters (extension ones count 2)
    Py_ssize_t escapes      # characters reached through the escape 0x1B (2 septets each)
    Py_ssize_t bad          # characters outside the default alphabet and extension table
    Py_ssize_t astral       # code points above U+FFFF (a surrogate pair: 2 UTF-16 units)
    Py_ssize_t surrogates   # lone surrogate code points (no UCS-2 encoding)


cdef struct Plan:
    Py_ssize_t header       # the caller's header octets, UDHL included (0: none)
    Py_ssize_t concat       # octets of the concatenation element: 5 (8-bit) or 6 (16-bit)
    int mode                # 0 auto, 1 GSM-7 only, 2 UCS-2 only
    uint64_t locks          # enabled locking tables, bit n = identifier n (bit 0: default)
    uint64_t singles        # enabled single shift tables, likewise
    # A split policy (smscodec.policies; 0 everywhere: TS 23.040's greedy split).  Set
    # with set_policy; a Plan that is not memset must set both.
    int flags               # _segments_py.FLAG_* bits, and POLICY_LIMITS when a limit is set
    Py_ssize_t limits[4]    # units per part at most (0: none): GSM-7 one / several, UCS-2 one / several


cdef enum:
    # Plan.flags: a per-part limit is set (above the policy bits of _segments_py.FLAG_*).
    POLICY_LIMITS = 16


cdef inline void set_policy(
    Plan* plan, int flags, Py_ssize_t gsm_single, Py_ssize_t gsm_multi, Py_ssize_t ucs_single,
    Py_ssize_t ucs_multi
) noexcept nogil:
    # The kernels' policy arguments (smscodec._plan.SegmentPlan.policy_args) into a Plan.
    plan.limits[0] = gsm_single
    plan.limits[1] = gsm_multi
    plan.limits[2] = ucs_single
    plan.limits[3] = ucs_multi
    plan.flags = flags
    if gsm_single or gsm_multi or ucs_single or ucs_multi:
        plan.flags |= POLICY_LIMITS


cdef struct Result:
    int status              # 0 ok, 1 not GSM-7 under mode 1, 2 lone surrogate in a UCS-2 text
    int encoding            # 0 GSM-7, 1 UCS-2
    Py_ssize_t parts
    Py_ssize_t units
    Py_ssize_t per_segment
    Py_ssize_t remaining
    int locking
    int single


cdef void tally_default(int kind, const void* data, Py_ssize_t length, Tally* out) noexcept nogil
cdef void tally_classes(int kind, const void* data, Py_ssize_t length, Py_ssize_t* hist) noexcept nogil
cdef void count_text(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, Result* out
) noexcept nogil
cdef Py_ssize_t count_parts(
    int kind, const void* data, Py_ssize_t length, const Plan* plan, int* status
) noexcept nogil
cdef Py_ssize_t replay_default(
    int kind, const void* data, Py_ssize_t length, int ucs2, Py_ssize_t cap, Py_ssize_t doubles,
    Py_ssize_t* rem
) noexcept nogil
