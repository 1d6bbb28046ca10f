# cython: language_level=3, embedsignature=True, embedsignature.format=clinic, binding=False
# cython: cdivision=True, boundscheck=False, wraparound=False
# Not (yet) free-threading compatible: _last_languages and _last_policy, module-level
# objects, are read and replaced without a lock, which only the GIL makes safe.
# cython: freethreading_compatible=False
"""The public ``count_segments`` entry point: the compiled twin of ``_count_py``.

``smscodec.count_segments`` is this function under the compiled backend.  A plain call
(an exact ``str``, an encoding by name, no header, 8- or 16-bit references, no smart
encoding, languages given as a tuple, list or range of names / identifiers, and a
split policy by name or object, remembered like the languages) is counted here with the
segments kernel's C entry points and no Python-level code.  Every
other call goes through the option plan (``smscodec._plan``), which checks every option
and raises the errors; so does the first call with a new set of languages, whose plan is
then remembered by value (see ``_Languages``), so that any container of the same
languages costs the same.
"""

from cpython.bytes cimport PyBytes_GET_SIZE
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.object cimport PyObject
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE

from ._scan cimport sms_data, sms_kind, sms_length, sms_ready
from ._segments_c cimport Plan, Result, count_parts, count_text, set_policy
from ._spec cimport CONCAT8_OCTETS, CONCAT16_OCTETS

from . import _segments_c as _kernel
from ._plan import check_text, plan as _plan_of, policy_args as _policy_args
from .policies import get as _policy_get


cdef class _Languages:
    # The previous plain call's languages= and the table bitmasks its plan enabled.
    # ``value`` is an immutable copy (a tuple, or the range itself) of exact int / str
    # items, so a later call with an equal container (compared item by item, see
    # _same_items) reuses the masks without building a plan key.
    cdef object value
    cdef unsigned long long locks
    cdef unsigned long long singles


# Replaced whole (one atomic store), so threads never see a half-written entry.
cdef _Languages _last_languages = None


cdef class _Policy:
    # The previous call's policy= (a name or a SplitPolicy, both immutable) and what the
    # kernels need of it: the plan's policy arguments and the reference width.
    cdef object value
    cdef int flags
    cdef Py_ssize_t limits[4]
    cdef int bits


cdef _Policy _last_policy = None


cdef _Policy _policy_of(object policy):
    # policy= as kernel arguments; an unknown name or a wrong type raises (as the plan would).
    cdef _Policy last = _last_policy
    cdef _Policy entry
    global _last_policy
    if last is not None and (
        policy is last.value or (type(policy) is str and type(last.value) is str and policy == last.value)
    ):
        return last
    route = _policy_get(policy)
    flags, gsm1, gsm_m, ucs1, ucs_m = _policy_args(route)
    entry = _Policy.__new__(_Policy)
    entry.value = policy
    entry.flags = flags
    entry.limits[0] = gsm1
    entry.limits[1] = gsm_m
    entry.limits[2] = ucs1
    entry.limits[3] = ucs_m
    entry.bits = route.reference_bits
    _last_policy = entry
    return entry


cdef inline bint _same_item(PyObject* a, PyObject* b):
    # Exact types only: True == 1 and 1.0 == 1, but neither may reuse 1's masks.
    if a == b:
        return True
    if type(<object>a) is not type(<object>b):
        return False
    return (<object>a) == (<object>b)


cdef bint _same_items(object languages, tuple value):
    # languages (a tuple or list) holds exactly the items of value, in order.
    cdef Py_ssize_t n, i
    if type(languages) is tuple:
        n = PyTuple_GET_SIZE(languages)
        if n != PyTuple_GET_SIZE(value):
            return False
        for i in range(n):
            if not _same_item(PyTuple_GET_ITEM(languages, i), PyTuple_GET_ITEM(value, i)):
                return False
        return True
    n = PyList_GET_SIZE(languages)
    if n != PyTuple_GET_SIZE(value):
        return False
    for i in range(n):
        # Re-read the size: comparing items runs no code for exact str / int, but stay safe.
        if i >= PyList_GET_SIZE(languages):
            return False
        if not _same_item(PyList_GET_ITEM(languages, i), PyTuple_GET_ITEM(value, i)):
            return False
    return True


cdef _Languages _languages_of(object languages):
    # The masks of a plain languages= value, or None when the plan must decide.
    cdef _Languages last = _last_languages
    if last is None:
        return None
    if type(languages) is range:
        if type(last.value) is range and languages == last.value:
            return last
        return None
    if type(last.value) is tuple and (type(languages) is tuple or type(languages) is list):
        if languages is last.value or _same_items(languages, <tuple>last.value):
            return last
    return None


cdef _Languages _remember(object languages, object plan):
    # After the plan accepted languages: keep an immutable copy and the masks.
    global _last_languages
    cdef _Languages entry = _Languages.__new__(_Languages)
    cdef object value
    if type(languages) is range:
        value = languages
    else:
        value = tuple(languages)
        for item in value:
            if type(item) is not int and type(item) is not str:
                return None
    entry.value = value
    entry.locks = plan.locks
    entry.singles = plan.singles
    _last_languages = entry
    return entry


cdef object _general(text, encoding, udh, reference_bits, smart, languages, policy):
    options = _plan_of(encoding, udh, reference_bits, smart, languages, policy)
    text = check_text(text)
    if options.smart is not None:
        if options.smart_always:
            text = text.translate(options.smart)
        else:
            text = _kernel.smart_text(text, options.smart, *options.args)[0]
    if options.plain:
        return _kernel.analyze(text, *options.args)[1]
    return _kernel.analyze_policy(text, *options.args, *options.policy_args)[1]


def count_segments(
    text, *, encoding="auto", udh=b"", reference_bits=8, smart=False, languages=(), policy="3gpp"
) -> int:
    """The number of parts ``text`` is sent (and billed) as: ``analyze(...).segments``.

    Equal to ``len(split(text, ...))`` whenever ``split`` can make the parts; a text
    needing more than 255 parts is counted all the same.  Options as for
    :func:`smscodec.analyze`.

    Raises:
        TypeError, ArgumentError, UdhError, EncodingError: as for :func:`smscodec.analyze`.
    """
    cdef Plan plan
    cdef Result out
    cdef int kind, status = 0, mode
    cdef const void* data
    cdef Py_ssize_t length, parts, concat
    cdef _Languages masks
    cdef _Policy route = None
    if (
        type(text) is not str
        or smart is not False
        or type(udh) is not bytes
        or PyBytes_GET_SIZE(udh) != 0
        or type(reference_bits) is not int
        or type(encoding) is not str
    ):
        return _general(text, encoding, udh, reference_bits, smart, languages, policy)
    if encoding == "auto":
        mode = 0
    elif encoding == "gsm7":
        mode = 1
    elif encoding == "ucs2":
        mode = 2
    else:
        return _general(text, encoding, udh, reference_bits, smart, languages, policy)
    if type(policy) is not str or policy != "3gpp":
        route = _policy_of(policy)
    # TS 23.040 §9.2.3.24.1 / §9.2.3.24.8 (_spec.pxd); 8 (the default) is the policy's width.
    if reference_bits == 8:
        concat = CONCAT16_OCTETS if route is not None and route.bits == 16 else CONCAT8_OCTETS
    elif reference_bits == 16:
        concat = CONCAT16_OCTETS
    else:
        return _general(text, encoding, udh, reference_bits, smart, languages, policy)
    if type(languages) is tuple and PyTuple_GET_SIZE(languages) == 0:
        plan.locks = 1
        plan.singles = 1
    else:
        masks = _languages_of(languages)
        if masks is None:
            if type(languages) is not tuple and type(languages) is not list and type(languages) is not range:
                return _general(text, encoding, udh, reference_bits, smart, languages, policy)
            # A new set of languages: the plan checks it (and raises for a bad one).
            masks = _remember(languages, _plan_of(encoding, udh, reference_bits, smart, languages))
            if masks is None:
                return _general(text, encoding, udh, reference_bits, smart, languages, policy)
        plan.locks = masks.locks
        plan.singles = masks.singles
    plan.header = 0
    plan.concat = concat
    plan.mode = mode
    if route is None:
        plan.flags = 0
    else:
        set_policy(&plan, route.flags, route.limits[0], route.limits[1], route.limits[2], route.limits[3])
    sms_ready(text)
    kind = sms_kind(text)
    data = sms_data(text)
    length = sms_length(text)
    if plan.flags or (plan.locks == 1 and plan.singles == 1):
        count_text(kind, data, length, &plan, &out)
        status = out.status
        parts = out.parts
    else:
        parts = count_parts(kind, data, length, &plan, &status)
    if status == 1:
        # Cold path: the kernel's twin builds the error, so both backends say the same thing.
        raise _kernel.unencodable_error(text, plan.locks, plan.singles)
    if status == 2:
        raise _kernel.lone_surrogate_error(text)
    return parts
