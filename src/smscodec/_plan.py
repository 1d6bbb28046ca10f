"""The segment option plan: every segment option checked once, in one place.

``analyze``, ``count_segments``, ``split``, ``estimate_cost``, the batch API and the CLI
all take the same options (``encoding``, ``udh``, ``reference_bits``, ``smart``,
``languages``, ``policy``).  :func:`plan` checks them, raises the library's errors for bad
ones, and returns a frozen :class:`SegmentPlan` holding what the kernels need: the
caller's header, the concatenation element's size, the encoding mode, the enabled
national language tables as bitmasks, the smart-encoding translate table and the split
policy (:mod:`smscodec.policies`) as kernel flags and per-part limits.

Plans are cached by the options' *values*: ``languages=("turkish",)``, ``["turkish"]`` and
a generator of it share one entry, and so do ``range(1, 14)`` and ``tuple(range(1, 14))``.
Only hashable options of exact types are cached (a ``bool`` language must never hit the
plan of ``1``, nor a float ``1.0``); anything else is checked afresh on every call, which
names the fault.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import _spec
from . import policies as _policies
from ._spec import IEI_CONCAT_8, IEI_CONCAT_16, IEI_LOCKING_SHIFT, IEI_SINGLE_SHIFT
from ._tables import DEFAULT_GSM7_CHARS, NATIONAL_TABLES, language_id, uncarried
from .errors import ArgumentError, UdhError
from .smart import SMART_MAP, translation_table

__all__ = [
    "FLAG_GRAPHEMES",
    "FLAG_TWILIO_FILL",
    "FLAG_TWILIO_RULES",
    "FLAG_WORDS",
    "MODES",
    "SegmentPlan",
    "cache_clear",
    "check_bits",
    "check_text",
    "check_udh",
    "language_masks",
    "plan",
    "policy_args",
    "smart_table",
]

# typing is not imported at run time: `import smscodec` stays cheap (see segments.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    EncodingName = Literal["auto", "gsm7", "ucs2"]
#: ``encoding=`` names -> the kernels' mode numbers.
MODES: dict[str, int] = {"auto": 0, "gsm7": 1, "ucs2": 2}
# Split policy flags of the segment kernels (``_segments_py`` / ``_segments_c`` define the
# same bits; tests/test_policies.py checks they agree).
#: Extended grapheme clusters never straddle two parts.
FLAG_GRAPHEMES = 1
#: Clusters by grapheme-splitter 1.0.4's rules (else UAX #29 of the pinned Unicode version).
FLAG_TWILIO_RULES = 2
#: A part ends after a break space when one falls in it.
FLAG_WORDS = 4
#: Twilio's calculator's fill order (and its CR LF split).
FLAG_TWILIO_FILL = 8
# The elements this library adds itself; a caller's udh= may not hold them.
_OWN_ELEMENTS = (IEI_CONCAT_8, IEI_CONCAT_16, IEI_SINGLE_SHIFT, IEI_LOCKING_SHIFT)


@dataclass(frozen=True)
class SegmentPlan:
    """Checked segment options, ready for the kernels.

    Attributes:
        encoding: the ``encoding=`` name.
        mode: the kernels' encoding mode: 0 auto, 1 GSM-7 only, 2 UCS-2 only.
        header: the caller's header, UDHL first, or ``b""``.
        reference_bits: 8 or 16.
        concat: octets of the concatenation element (TS 23.040 §9.2.3.24.1 / .8).
        locks: enabled locking shift tables, bit ``n`` for national language identifier
            ``n`` (bit 0: the default alphabet, always set).
        singles: enabled single shift tables, likewise.
        smart: the smart-encoding translate table (``str.translate`` form), or None.
        args: the kernels' option arguments ``(header octets, concat, mode, locks, singles)``.
        policy: the split policy.
        smart_always: ``smart`` replaces every mapped character (the policy's rule), not
            only when the text then goes as GSM-7.
        policy_args: the kernels' policy arguments ``(flags, GSM-7 units of one part, of
            each of several, UCS-2 units of one part, of each of several)``, a limit 0
            where TS 23.040's capacity applies; ``(0, 0, 0, 0, 0)`` is the 3GPP split.
    """

    encoding: EncodingName
    mode: int
    header: bytes
    reference_bits: int
    concat: int
    locks: int
    singles: int
    smart: dict[int, str] | None
    args: tuple[int, int, int, int, int]
    policy: _policies.SplitPolicy = _policies.POLICIES["3gpp"]
    smart_always: bool = False
    policy_args: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @property
    def plain(self) -> bool:
        """True when the policy splits as TS 23.040 does (no kernel flag, no limit)."""
        return self.policy_args == (0, 0, 0, 0, 0)

    @property
    def batch_options(self) -> tuple[int, ...]:
        """The batch kernels' options: ``(*args, smart)``, then ``policy_args`` unless plain."""
        options = (*self.args, int(self.smart is not None))
        return options if self.plain else (*options, *self.policy_args)

    @property
    def batch_smart(self) -> bool:
        """Whether the batch kernels apply the smart table themselves: not under
        ``smart_always`` nor a policy that is not TS 23.040's (their shortcuts count by
        TS 23.040).  Then they leave every message that is not GSM-7 as it stands to the
        scalar API (a GSM-7 one holds no character the table maps: it never maps what
        the enabled tables carry)."""
        return self.smart is not None and not self.smart_always and self.plain

    @property
    def national(self) -> bool:
        """True when a national language table is enabled."""
        return not (self.locks == 1 and self.singles == 1)


def check_text(text: object) -> str:
    """``text`` as an exact ``str`` (a str subclass is converted); TypeError otherwise."""
    if type(text) is str:
        return text
    if isinstance(text, str):
        return str.__str__(text)
    raise TypeError(f"text must be str, not {type(text).__name__}")


def check_bits(reference_bits: object) -> int:
    """The concatenation reference width, 8 or 16.

    Raises:
        TypeError: not an int.
        ArgumentError: another int.
    """
    if isinstance(reference_bits, bool) or not isinstance(reference_bits, int):
        raise TypeError(f"reference_bits must be an int, not {type(reference_bits).__name__}")
    if reference_bits not in _spec.CONCAT_OCTETS:
        raise ArgumentError(
            f"reference_bits must be 8 or 16, got {reference_bits}", argument="reference_bits"
        )
    return reference_bits


def check_udh(udh: object, room: int) -> bytes:
    """The caller's header, checked: exactly ``1 + udh[0]`` octets, parseable, no
    concatenation or national language shift elements (the library adds those), and at
    most ``room`` octets.

    Raises:
        TypeError: not bytes-like.
        UdhError: any of the above, with the offset of the fault.
    """
    if not isinstance(udh, (bytes, bytearray, memoryview)):
        raise TypeError(f"udh must be bytes, not {type(udh).__name__}")
    raw = bytes(udh)
    if not raw:
        return raw
    if len(raw) != _spec.UDHL_OCTETS + raw[0]:
        raise UdhError(
            f"udh must be exactly 1 + UDHL = {1 + raw[0]} octets, got {len(raw)}",
            offset=0 if len(raw) < 1 + raw[0] else 1 + raw[0],
        )
    # Only a call with a header of its own needs the header parser (a lower-layer module,
    # imported here so that `import smscodec` does not load it).
    from .udh import parse as parse_udh

    offset = _spec.UDHL_OCTETS
    for element in parse_udh(raw):
        if element.iei in _OWN_ELEMENTS:
            what = "concatenation" if element.iei in (IEI_CONCAT_8, IEI_CONCAT_16) else "national language"
            raise UdhError(
                f"udh element 0x{element.iei:02X} at offset {offset} is a {what} element; "
                "segments adds those itself (use reference=/reference_bits= or languages=)",
                offset=offset,
            )
        offset += 2 + len(element.data)
    if len(raw) > room:
        raise UdhError(
            f"a {len(raw)}-octet udh leaves too little room for text; at most {room} octets here", offset=0
        )
    return raw


def language_masks(languages: object) -> tuple[int, int]:
    """``languages=`` as ``(locks, singles)`` bitmasks of the enabled tables (bit 0 always set).

    Raises:
        TypeError: not an iterable of str or int (a single str or int is one language).
        ArgumentError: an unknown language name or identifier.
    """
    if isinstance(languages, (str, int)):
        languages = (languages,)
    if not isinstance(languages, Iterable):
        raise TypeError(f"languages must be an iterable of str or int, not {type(languages).__name__}")
    locks = singles = 1
    for language in languages:
        nli = language_id(language)
        if nli:
            singles |= 1 << nli
            if NATIONAL_TABLES[nli][1] is not None:
                locks |= 1 << nli
    return locks, singles


_DEFAULT_SMART = translation_table(SMART_MAP, DEFAULT_GSM7_CHARS)


def smart_table(
    option: object, locks: int, singles: int, default: Mapping[str, str] | None = None
) -> dict[int, str] | None:
    """The translate table of a ``smart=`` option for these enabled tables, or None for
    ``False``; characters the enabled tables carry are never replaced.  ``smart=True``
    applies ``default`` (a policy's map; None: :data:`smscodec.smart.SMART_MAP`).

    Raises:
        TypeError: not a bool or a mapping.
        ArgumentError: a replacement GSM-7 (with these tables) cannot carry.
    """
    if option is False:
        return None
    if option is True:
        if default is None and locks == 1 and singles == 1:
            return _DEFAULT_SMART
        mapping: Mapping[str, str] = SMART_MAP if default is None else default
    elif isinstance(option, Mapping):
        mapping = option
    else:
        raise TypeError(f"smart must be a bool or a mapping of str to str, not {type(option).__name__}")
    # Never touch what an enabled table carries.
    keys = "".join(k for k in mapping if isinstance(k, str))
    protected = "".join(sorted(set(keys) - set(uncarried(keys, locks, singles)))) if keys else ""
    table = translation_table(mapping, protected)
    bad = uncarried("".join(table.values()), locks, singles)
    if bad:
        raise ArgumentError(
            f"smart map value holds {bad[0]!r} (U+{ord(bad[0]):04X}), which GSM-7 cannot carry",
            argument="smart",
        )
    return table


def policy_args(policy: _policies.SplitPolicy) -> tuple[int, int, int, int, int]:
    """The kernels' ``(flags, limits...)`` arguments of a split policy (see :class:`SegmentPlan`)."""
    flags = 0
    if policy.graphemes:
        flags |= FLAG_GRAPHEMES
        if policy.grapheme_rules == "twilio":
            flags |= FLAG_TWILIO_RULES
    if policy.words:
        flags |= FLAG_WORDS
    if policy.fill == "twilio":
        flags |= FLAG_TWILIO_FILL
    gsm = policy.gsm7_units or (0, 0)
    ucs = policy.ucs2_units or (0, 0)
    return (flags, gsm[0], gsm[1], ucs[0], ucs[1])


def _make(
    encoding: object,
    udh: object,
    reference_bits: object,
    smart: object,
    languages: object,
    policy: object = "3gpp",
) -> SegmentPlan:
    route = _policies.get(policy)
    if not isinstance(encoding, str):
        raise TypeError(f"encoding must be a str, not {type(encoding).__name__}")
    mode = MODES.get(encoding)
    if mode is None:
        raise ArgumentError(
            f"encoding must be 'auto', 'gsm7' or 'ucs2', got {encoding!r}", argument="encoding"
        )
    bits = check_bits(reference_bits)
    if bits == 8:
        # The default: the policy's reference width (an explicit 16 asks for 16).
        bits = route.reference_bits
    locks, singles = language_masks(languages)
    concat = _spec.CONCAT_OCTETS[bits]
    header = check_udh(udh, _spec.header_room(concat, not (locks == 1 and singles == 1)))
    table = smart_table(smart, locks, singles, route.smart_map)
    name: EncodingName = "auto" if mode == 0 else "gsm7" if mode == 1 else "ucs2"
    args = (len(header), concat, mode, locks, singles)
    return SegmentPlan(
        name,
        mode,
        header,
        bits,
        concat,
        locks,
        singles,
        table,
        args,
        route,
        route.smart_always and table is not None,
        policy_args(route),
    )


# Plans by option values (encoding, udh, reference_bits, smart, languages as a tuple, policy), for
# options of exact hashable types: most callers repeat the same few.  Bounded; CPython
# dict operations are atomic, so threads share it safely.
_PLANS: dict[tuple[object, ...], SegmentPlan] = {}
_MAX_PLANS = 256
# The previous call's immutable option objects and their plan, replaced whole (one
# atomic assignment): a loop passing the same options skips the key building.
_last: tuple[object, ...] = ()


def plan(
    encoding: object = "auto",
    udh: object = b"",
    reference_bits: object = 8,
    smart: object = False,
    languages: object = (),
    policy: object = "3gpp",
) -> SegmentPlan:
    """The checked plan of these segment options (cached by value).

    Raises:
        TypeError: an option of the wrong type.
        ArgumentError: an unknown encoding, language, reference width or policy name; a
            smart map value GSM-7 cannot carry.
        UdhError: a malformed caller header, one holding a concatenation or shift element,
            or one leaving too little room.
    """
    last = _last
    if (
        last
        and encoding is last[0]
        and udh is last[1]
        and reference_bits is last[2]
        and smart is last[3]
        and languages is last[4]
        and policy is last[5]
    ):
        return last[6]  # type: ignore[return-value]
    if not (
        type(smart) is bool
        and type(udh) is bytes
        and type(reference_bits) is int
        and type(encoding) is str
        and (type(policy) is str or type(policy) is _policies.SplitPolicy)
    ):
        return _make(encoding, udh, reference_bits, smart, languages, policy)
    given = languages
    if type(languages) is tuple:
        key_languages: tuple[object, ...] = languages
    elif isinstance(languages, Iterable) and not isinstance(languages, (str, bytes, Mapping)):
        # An iterator is used up by tuple(): everything below checks the copy.
        key_languages = tuple(languages)
    else:
        return _make(encoding, udh, reference_bits, smart, languages, policy)
    for item in key_languages:
        # True == 1 and 1.0 == 1 as keys: only exact int / str items may be cached.
        if type(item) is not int and type(item) is not str:
            return _make(encoding, udh, reference_bits, smart, key_languages, policy)
    key = (encoding, udh, reference_bits, smart, key_languages, policy)
    found = _PLANS.get(key)
    if found is None:
        found = _make(encoding, udh, reference_bits, smart, key_languages, policy)
        if len(_PLANS) >= _MAX_PLANS:
            # Forget the oldest plan rather than stop caching: a long-running service that
            # once saw many option sets must still cache the ones it uses now.
            # (try, not contextlib.suppress: import smscodec stays free of contextlib)
            try:  # noqa: SIM105
                del _PLANS[next(iter(_PLANS))]
            except (KeyError, RuntimeError, StopIteration):  # another thread was first
                pass
        _PLANS[key] = found
    # Only an immutable container may be recognised by identity next time.
    if type(given) is tuple or type(given) is range or type(given) is frozenset:
        globals()["_last"] = (encoding, udh, reference_bits, smart, given, policy, found)
    return found


def cache_clear() -> None:
    """Forget every cached plan (for tests that need a cold cache)."""
    global _last
    _PLANS.clear()
    _last = ()
