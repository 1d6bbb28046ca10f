# The TS 23.038 / TS 23.040 numbers of _spec.py for the compiled kernels (cimport-only:
# nothing here is a Python module).  _spec.py documents each; tests/test_spec.py checks
# that the values the compiled kernels were built with equal _spec.py's.

cdef enum:
    USER_DATA_OCTETS = 140      # TS 23.040 §9.2.3.16 / §9.2.3.24: user data octets per SMS
    UDHL_OCTETS = 1             # §9.2.3.24: the header length octet
    MAX_PARTS = 255             # §9.2.3.24.1: the concatenation total is one octet
    CONCAT8_OCTETS = 5          # §9.2.3.24.1: IEI 0x00, IEDL, reference, total, sequence
    CONCAT16_OCTETS = 6         # §9.2.3.24.8: IEI 0x08, IEDL, 2-octet reference, total, sequence
    SHIFT_IE_OCTETS = 3         # §9.2.3.24.15-16: IEI, IEDL, national language identifier
    ESCAPE = 0x1B               # TS 23.038 §6.2.1.1: escape to the single shift table
    SEPTET_BITS = 7             # TS 23.038 §6.1.2.1
    MIN_ITEM_OCTETS = 4         # a part holds one two-unit item: a surrogate pair is 4 octets


cdef inline Py_ssize_t capacity(Py_ssize_t header, Py_ssize_t extra, bint ucs2) noexcept nogil:
    # _spec.capacity: floor((140 - octets) * 8 / 7) septets or floor((140 - octets) / 2)
    # UTF-16 units; a UDHL octet counts when elements go in and the caller has no header.
    cdef Py_ssize_t octets = header
    if extra:
        octets = (header if header else UDHL_OCTETS) + extra
    cdef Py_ssize_t free = USER_DATA_OCTETS - octets
    if free < 0:
        free = 0
    return free // 2 if ucs2 else free * 8 // SEPTET_BITS


cdef inline Py_ssize_t header_room(Py_ssize_t concat, bint national) noexcept nogil:
    # _spec.header_room: the most octets a caller's header may take.
    return USER_DATA_OCTETS - MIN_ITEM_OCTETS - concat - (2 * SHIFT_IE_OCTETS if national else 0)
