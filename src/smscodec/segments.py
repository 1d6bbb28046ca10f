"""Segments: how many parts a text is billed as, and the parts themselves.

Theory of operation
-------------------
An SMS carries at most 140 octets of user data (TS 23.040 §9.2.3.24).  A header (UDH),
when present, comes first and takes ``1 + UDHL`` octets of them.  What is left holds

* GSM-7: ``floor((140 - header octets) * 8 / 7)`` septets.  The septets after a header
  start on a septet boundary (§9.2.3.24: fill bits pad the header to whole septets), so
  the header costs ``ceil(8 * octets / 7)`` septets of the 160: 160 with no header, 153
  with the 6-octet 8-bit concatenation header (``05 00 03 ref total seq``), 152 with the
  7-octet 16-bit one (§9.2.3.24.8), 155 / 149 / 152 / 146 with national language shift
  elements (§9.2.3.24.15-16);
* UCS-2 (UTF-16BE): ``floor((140 - header octets) / 2)`` code units: 70 / 67 / 66;
* binary (``split_binary``): ``140 - header octets`` octets: 140 / 134 / 133.

A text that fits one part is sent without a concatenation element; otherwise every part
carries one, after the caller's own elements (``udh=``), so a caller header shrinks
every part.  Parts are filled greedily and a two-unit item, an escape pair (0x1B + code,
TS 23.038 §6.2.1.1) or a UTF-16 surrogate pair, moves whole to the next part when it
does not fit: ``count_segments`` is exactly ``len(split(...))``.

The counting itself is the ``segments`` kernel (``_segments_c`` compiled, ``_segments_py``
its pure twin and specification): one pass over the string's own storage.  This module
checks the arguments, applies smart encoding (:mod:`smscodec.smart`), and builds the
headers and payloads of the parts.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from . import _segments_py
from . import smart as _smart
from ._tables import DEFAULT_ALPHABET, DEFAULT_EXTENSION, NATIONAL_TABLES, language_id
from .errors import ArgumentError, EncodingError, UdhError
from .udh import IEI_CONCAT_8, IEI_CONCAT_16, IEI_LOCKING_SHIFT, IEI_SINGLE_SHIFT
from .udh import parse as _parse_udh

if TYPE_CHECKING:
    from . import _segments_py as _kernel
else:
    from ._backend import load

    _kernel = load("segments")

__all__ = [
    "Segment",
    "SegmentInfo",
    "analyze",
    "count_segments",
    "estimate_cost",
    "split",
    "split_binary",
]

# TS 23.040 §9.2.3.24: user data octets per part.
_USER_DATA_OCTETS = 140
# §9.2.3.24.1 / §9.2.3.24.8: concatenation element octets (IEI, IEDL, reference, total,
# sequence) with an 8-bit and a 16-bit reference.
_CONCAT_OCTETS = {8: 5, 16: 6}
# The total of parts is one octet (§9.2.3.24.1).
_MAX_PARTS = 255
_MODES = {"auto": 0, "gsm7": 1, "ucs2": 2}
_ENCODINGS = ("gsm7", "ucs2")
# Characters the default tables carry: smart encoding never touches them.
_GSM7_CHARS = "".join(ch for ch in DEFAULT_ALPHABET + DEFAULT_EXTENSION if ch is not None)
_DEFAULT_SMART = _smart.translation_table(_smart.SMART_MAP, _GSM7_CHARS)


@dataclass(frozen=True)
class SegmentInfo:
    """How a text would be sent.

    Attributes:
        encoding: ``"gsm7"`` or ``"ucs2"``.
        segments: the number of parts (1 for an empty text).
        units: septets (gsm7) or UTF-16 code units (ucs2) of the whole text as sent;
            an escape pair counts 2 septets, a surrogate pair 2 units.
        per_segment: units one part can carry in this message (160/153/70/67 for a bare
            text; less with a user header or national language tables).
        remaining: units still free in the last part.
        non_gsm7: the characters that forced UCS-2 (those no enabled GSM-7 table holds),
            in order of first appearance; ``()`` for a GSM-7 result.
        text: the text as it would be sent (after smart encoding).
        locking_shift: national language identifier of the locking shift table (0: default).
        single_shift: national language identifier of the single shift table (0: default).
        replacements: what smart encoding replaced, as distinct ``(character, replacement)``
            pairs in order of first appearance; ``()`` without ``smart``.
        original_segments: the parts the text would need without smart encoding
            (equal to ``segments`` when nothing was replaced).
    """

    encoding: str
    segments: int
    units: int
    per_segment: int
    remaining: int
    non_gsm7: tuple[str, ...]
    text: str
    locking_shift: int = 0
    single_shift: int = 0
    replacements: tuple[tuple[str, str], ...] = ()
    original_segments: int = 0

    @property
    def saved_segments(self) -> int:
        """Parts saved by smart encoding: ``original_segments - segments``."""
        return self.original_segments - self.segments


@dataclass(frozen=True)
class Segment:
    """One part of a message, ready to send (SMPP ``short_message``, a Vonage binary message).

    Attributes:
        text: the characters of this part (``""`` for a binary part).
        udh: the part's whole user data header, UDHL first; ``b""`` for a single part
            with no header at all.
        payload: the user data after the header: unpacked septets (one per octet, 0x1B
            before each extension character) for gsm7, UTF-16BE for ucs2, raw octets for
            binary.
        units: septets, UTF-16 units or octets in ``payload``.
    """

    text: str
    udh: bytes
    payload: bytes
    units: int


# --- references ---------------------------------------------------------------------------

_reference_lock = threading.Lock()
# Start anywhere, so that two processes do not both begin at 0 for the same recipient.
_reference_next = random.randrange(1 << 16)


def _next_reference(bits: int) -> int:
    global _reference_next
    with _reference_lock:
        value = _reference_next
        _reference_next = (value + 1) & 0xFFFF
    return value & ((1 << bits) - 1)


# --- argument checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    header: bytes  # the caller's header, UDHL first, or b""
    concat: int  # octets of the concatenation element
    bits: int
    mode: int
    locks: int  # enabled locking tables, bit n = identifier n
    singles: int
    smart: dict[int, str] | None  # translate table, or None
    # The kernel's option arguments: header octets, concat octets, mode, locks, singles.
    args: tuple[int, int, int, int, int] = (0, 5, 0, 1, 1)


def _check_text(text: object) -> str:
    if type(text) is str:
        return text
    if isinstance(text, str):
        return str.__str__(text)
    raise TypeError(f"text must be str, not {type(text).__name__}")


def _check_bits(reference_bits: object) -> int:
    if isinstance(reference_bits, bool) or not isinstance(reference_bits, int):
        raise TypeError(f"reference_bits must be an int, not {type(reference_bits).__name__}")
    if reference_bits not in _CONCAT_OCTETS:
        raise ArgumentError(
            f"reference_bits must be 8 or 16, got {reference_bits}", argument="reference_bits"
        )
    return reference_bits


def _check_udh(udh: object, room: int) -> bytes:
    """The caller's header, checked: exactly ``1 + udh[0]`` octets, parseable, no concatenation
    or shift elements (this module adds those), and at most ``room`` octets."""
    if not isinstance(udh, (bytes, bytearray, memoryview)):
        raise TypeError(f"udh must be bytes, not {type(udh).__name__}")
    raw = bytes(udh)
    if not raw:
        return raw
    if len(raw) != 1 + raw[0]:
        raise UdhError(
            f"udh must be exactly 1 + UDHL = {1 + raw[0]} octets, got {len(raw)}",
            offset=0 if len(raw) < 1 + raw[0] else 1 + raw[0],
        )
    offset = 1
    for element in _parse_udh(raw):
        if element.iei in (IEI_CONCAT_8, IEI_CONCAT_16, IEI_SINGLE_SHIFT, IEI_LOCKING_SHIFT):
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


def _check_languages(languages: object) -> tuple[int, int]:
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


def _check_smart(smart: object, locks: int, singles: int) -> dict[int, str] | None:
    if smart is False:
        return None
    if smart is True:
        if locks == 1 and singles == 1:
            return _DEFAULT_SMART
        mapping: Mapping[str, str] = _smart.SMART_MAP
    elif isinstance(smart, Mapping):
        mapping = smart
    else:
        raise TypeError(f"smart must be a bool or a mapping of str to str, not {type(smart).__name__}")
    # Never touch what an enabled table carries.
    keys = "".join(k for k in mapping if isinstance(k, str))
    protected = "".join(sorted(set(keys) - set(_kernel.non_gsm(keys, locks, singles))) if keys else "")
    table = _smart.translation_table(mapping, protected)
    values = "".join(table.values())
    bad = _kernel.non_gsm(values, locks, singles)
    if bad:
        raise ArgumentError(
            f"smart map value holds {bad[0]!r} (U+{ord(bad[0]):04X}), which GSM-7 cannot carry",
            argument="smart",
        )
    return table


# Checked options by (encoding, udh, reference_bits, smart, languages), for hashable bool/bytes/int
# options: most callers repeat the same few.  Bounded; CPython dict operations are atomic.
_PLANS: dict[tuple[object, ...], _Plan] = {}
_MAX_PLANS = 256
# The previous call's option objects and plan, replaced whole (one atomic assignment).
_last_plan: tuple[object, object, object, object, object, _Plan] = (None, None, None, None, None, None)  # type: ignore[assignment]


def _plan(encoding: object, udh: object, reference_bits: object, smart: object, languages: object) -> _Plan:
    """The checked options, from the cache when they were seen before."""
    last = _last_plan
    # The very same (immutable) option objects as the previous call: the same plan.
    if (
        encoding is last[0]
        and udh is last[1]
        and reference_bits is last[2]
        and smart is last[3]
        and languages is last[4]
        and type(languages) is tuple
    ):
        return last[5]
    plan = _lookup_plan(encoding, udh, reference_bits, smart, languages)
    if type(udh) is bytes and type(smart) is bool:
        globals()["_last_plan"] = (encoding, udh, reference_bits, smart, languages, plan)
    return plan


def _lookup_plan(
    encoding: object, udh: object, reference_bits: object, smart: object, languages: object
) -> _Plan:
    if type(smart) is bool and type(udh) is bytes and type(reference_bits) is int:
        if (
            type(languages) is not tuple
            and isinstance(languages, Iterable)
            and not isinstance(languages, str)
        ):
            languages = tuple(languages)
        key = (encoding, udh, reference_bits, smart, languages)
        try:
            # Only exact int / str items are cached: True == 1 and 1.0 == 1 as keys, so a
            # bool or a float (a TypeError) must not hit an int's plan.
            for item in languages:  # type: ignore[attr-defined]
                if type(item) is not int and type(item) is not str:
                    raise TypeError

            plan = _PLANS.get(key)
        except TypeError:  # unhashable: checked uncached below, which names the fault
            pass
        else:
            if plan is None:
                plan = _make_plan(encoding, udh, reference_bits, smart, languages)
                if len(_PLANS) < _MAX_PLANS:
                    _PLANS[key] = plan
            return plan
    return _make_plan(encoding, udh, reference_bits, smart, languages)


def _make_plan(
    encoding: object, udh: object, reference_bits: object, smart: object, languages: object
) -> _Plan:
    if not isinstance(encoding, str):
        raise TypeError(f"encoding must be a str, not {type(encoding).__name__}")
    mode = _MODES.get(encoding)
    if mode is None:
        raise ArgumentError(
            f"encoding must be 'auto', 'gsm7' or 'ucs2', got {encoding!r}", argument="encoding"
        )
    bits = _check_bits(reference_bits)
    locks, singles = _check_languages(languages)
    concat = _CONCAT_OCTETS[bits]
    # Leave every part room for at least one two-unit item (2 UCS-2 units = 4 octets) with the
    # concatenation element and, with languages, both shift elements.
    shifts = 0 if locks == singles == 1 else 6
    room = _USER_DATA_OCTETS - 4 - concat - shifts
    header = _check_udh(udh, room)
    table = _check_smart(smart, locks, singles)
    args = (len(header), concat, mode, locks, singles)
    return _Plan(header, concat, bits, mode, locks, singles, table, args)


def _apply_smart(text: str, plan: _Plan) -> tuple[str, tuple[tuple[str, str], ...]]:
    table = plan.smart
    if table is None:
        return text, ()
    new = text.translate(table)
    if new == text:
        return text, ()
    # Keep the replacement only when it lets the text go as GSM-7 (see smscodec.smart).
    if _kernel.non_gsm(new, plan.locks, plan.singles):
        return text, ()
    done = tuple((ch, table[ord(ch)]) for ch in dict.fromkeys(text) if ord(ch) in table)
    return new, done


_new_object = object.__new__


def _analyze(text: str, plan: _Plan) -> tuple[SegmentInfo, tuple[int, ...]]:
    replaced: tuple[tuple[str, str], ...] = ()
    if plan.smart is None:
        sent = text
    else:
        sent, replaced = _apply_smart(text, plan)
    result = _analyze_kernel(sent, *plan.args)
    encoding, parts, units, per, remaining, locking, single = result
    if replaced and encoding == 0:
        try:
            original = _analyze_kernel(text, len(plan.header), plan.concat, 0, plan.locks, plan.singles)[1]
        except EncodingError:
            # The text as written could not be sent at all (a caller's map replaced a lone
            # surrogate): there is no "before" to compare with, so no saving is claimed.
            original = parts
    else:
        original = parts
    non_gsm = () if encoding == 0 else tuple(_kernel.non_gsm(sent, plan.locks, plan.singles))
    # The kernel's results are checked values of the right types: fill the frozen
    # instance's fields directly (what its __init__ does, field by field through
    # object.__setattr__, at several times the cost).
    info = _new_object(SegmentInfo)
    fields = info.__dict__
    fields["encoding"] = _ENCODINGS[encoding]
    fields["segments"] = parts
    fields["units"] = units
    fields["per_segment"] = per
    fields["remaining"] = remaining
    fields["non_gsm7"] = non_gsm
    fields["text"] = sent
    fields["locking_shift"] = locking
    fields["single_shift"] = single
    fields["replacements"] = replaced
    fields["original_segments"] = original
    return info, result


# --- public API ---------------------------------------------------------------------------


def analyze(
    text: str,
    *,
    encoding: str = "auto",
    udh: bytes = b"",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
) -> SegmentInfo:
    """How ``text`` would be sent: encoding, parts, units, room left.

    Args:
        text: the message.
        encoding: ``"auto"`` (GSM-7 when the enabled tables carry every character, else
            UCS-2), ``"gsm7"`` or ``"ucs2"``.
        udh: the caller's own header, UDHL first (e.g. application port addressing); it
            shrinks every part.  Concatenation and national language elements are added
            by this module and may not appear in it.
        reference_bits: 8 or 16, the concatenation reference width (IEI 0x00 or 0x08).
        smart: ``True`` to replace look-alike characters by GSM-7 ones first
            (:data:`smscodec.smart.SMART_MAP`), or a mapping of your own.
        languages: national language tables the route supports, names (``"turkish"``)
            or TS 23.038 identifiers 1-13.

    Returns:
        A :class:`SegmentInfo`.  A text needing more than 255 parts is still counted.

    Raises:
        TypeError: an argument of the wrong type.
        ArgumentError: an unknown encoding, language or reference width; a smart map
            value GSM-7 cannot carry.
        UdhError: ``udh`` is not exactly ``1 + udh[0]`` octets, is malformed, holds a
            concatenation or shift element, or leaves too little room.
        EncodingError: ``encoding="gsm7"`` and the text has a character no enabled table
            carries; or a lone surrogate in a text sent as UCS-2.
    """
    plan = _plan(encoding, udh, reference_bits, smart, languages)
    return _analyze(_check_text(text), plan)[0]


_NO_UDH = b""
_NO_LANGUAGES: tuple[str | int, ...] = ()


def _count_general(
    text: str,
    *,
    encoding: str = "auto",
    udh: bytes = _NO_UDH,
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = _NO_LANGUAGES,
) -> int:
    """``count_segments`` for any arguments: checks every option (the same errors as
    :func:`analyze`) and counts.  The kernels' ``count_segments`` counts plain calls
    itself and hands every other call here.
    """
    if (
        type(text) is str
        and udh is _NO_UDH
        and languages is _NO_LANGUAGES
        and smart is False
        and encoding == "auto"
        and type(reference_bits) is int
        and reference_bits == 8
    ):
        # Every option at its default: straight to the kernel.
        return _count(text)
    plan = _plan(encoding, udh, reference_bits, smart, languages)
    if type(text) is not str:
        text = _check_text(text)
    if plan.smart is not None:
        text = _apply_smart(text, plan)[0]
    return _analyze_kernel(text, *plan.args)[1]


_count = _kernel.count
_analyze_kernel = _kernel.analyze

# Both twins (the pure one is also the compiled one's spec, and tests compare them).
_kernel.register(_count_general, _check_languages)
_segments_py.register(_count_general, _check_languages)
#: The public count: the live kernel's ``count_segments`` (a compiled function under the
#: compiled backend), whose fast path counts plain calls without any Python-level code.
count_segments = _kernel.count_segments


def _check_reference(reference: object, bits: int) -> int | None:
    if reference is None:
        return None
    if isinstance(reference, bool) or not isinstance(reference, int):
        raise TypeError(f"reference must be an int or None, not {type(reference).__name__}")
    top = (1 << bits) - 1
    if not 0 <= reference <= top:
        raise ArgumentError(
            f"reference must be 0-{top} with {bits}-bit references, got {reference}", argument="reference"
        )
    return reference


def _headers(
    plan_header: bytes, extra: bytes, parts: int, concat: int, bits: int, reference: int | None
) -> list[bytes]:
    """Each part's header: the caller's elements, then concatenation (if several parts),
    then the shift elements ``extra``."""
    body = plan_header[1:]
    if parts == 1:
        elements = body + extra
        return [bytes((len(elements),)) + elements if elements or plan_header else b""]
    ref = _next_reference(bits) if reference is None else reference
    # §9.2.3.24.1 / §9.2.3.24.8: IEI, IEDL, reference (1 or 2 octets), then total and sequence.
    head = bytes((IEI_CONCAT_8, 3, ref)) if bits == 8 else bytes((IEI_CONCAT_16, 4, ref >> 8, ref & 0xFF))
    out = []
    for sequence in range(1, parts + 1):
        elements = body + head + bytes((parts, sequence)) + extra
        out.append(bytes((len(elements),)) + elements)
    assert len(out[0]) == len(plan_header or b"\x00") + concat + len(extra)
    return out


def _too_many(parts: int) -> ArgumentError:
    return ArgumentError(
        f"the message needs {parts} parts; a concatenated message has at most {_MAX_PARTS} "
        "(the total is one octet, TS 23.040 §9.2.3.24.1)",
        argument="text",
    )


def split(
    text: str,
    *,
    encoding: str = "auto",
    udh: bytes = b"",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    reference: int | None = None,
) -> list[Segment]:
    """Cut ``text`` into the parts it is sent as, each with its header and payload.

    Options as for :func:`analyze`; ``reference`` is the concatenation reference shared by
    the parts (``None``: the next value of a process-wide, thread-safe counter).

    Returns:
        ``count_segments(text, ...)`` segments whose texts join back to the text sent; an
        escape pair or a surrogate pair never straddles two parts.

    Raises:
        The same as :func:`analyze`, and ArgumentError for an explicit ``reference``
        outside 0-255 (0-65535 with 16-bit references) or a text needing more than 255
        parts.
    """
    plan = _plan(encoding, udh, reference_bits, smart, languages)
    ref = _check_reference(reference, plan.bits)
    info, result = _analyze(_check_text(text), plan)
    encoding_id, parts, _units, per, _rem, locking, single = result
    if parts > _MAX_PARTS:
        raise _too_many(parts)
    sent = info.text
    extra = b""
    if locking:
        extra += bytes((IEI_LOCKING_SHIFT, 1, locking))
    if single:
        extra += bytes((IEI_SINGLE_SHIFT, 1, single))
    headers = _headers(plan.header, extra, parts, plan.concat, plan.bits, ref)
    if parts == 1:
        pieces = [(len(sent), info.units)]
    else:
        pieces = _kernel.split(sent, encoding_id, locking, single, per)
    segments = []
    start = 0
    for header, (end, units) in zip(headers, pieces, strict=True):
        piece = sent[start:end]
        if encoding_id == 0:
            payload = _kernel.encode_septets(piece, locking, single)
        else:
            payload = piece.encode("utf-16-be")
        segments.append(Segment(text=piece, udh=header, payload=payload, units=units))
        start = end
    return segments


def split_binary(
    body: bytes, *, udh: bytes = b"", reference: int | None = None, reference_bits: int = 8
) -> list[Segment]:
    """Cut binary user data into parts of 140 octets including each part's header.

    A body that fits one part (``140 - len(udh)`` octets) goes without concatenation;
    otherwise each part carries 134 octets (133 with 16-bit references), less the
    caller's header.

    Returns:
        Segments with ``text == ""`` and ``units`` counting payload octets.

    Raises:
        TypeError: ``body`` or ``udh`` is not bytes-like, or another argument has the wrong type.
        UdhError: as for :func:`analyze`'s ``udh``.
        ArgumentError: a bad ``reference_bits`` or ``reference``, or more than 255 parts.
    """
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError(f"body must be bytes, not {type(body).__name__}")
    data = bytes(body)
    bits = _check_bits(reference_bits)
    concat = _CONCAT_OCTETS[bits]
    header = _check_udh(udh, _USER_DATA_OCTETS - 1 - concat)
    ref = _check_reference(reference, bits)
    single = _USER_DATA_OCTETS - len(header)
    if len(data) <= single:
        chunks = [data]
    else:
        # §9.2.3.24: 140 octets less the header, concatenation element included.
        size = _USER_DATA_OCTETS - len(header or b"\x00") - concat
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        if len(chunks) > _MAX_PARTS:
            raise _too_many(len(chunks))
    headers = _headers(header, b"", len(chunks), concat, bits, ref)
    return [Segment(text="", udh=h, payload=c, units=len(c)) for h, c in zip(headers, chunks, strict=True)]


def estimate_cost(
    texts: str | Iterable[str],
    price_per_segment: Decimal | str | int,
    *,
    encoding: str = "auto",
    udh: bytes = b"",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
) -> Decimal:
    """What sending ``texts`` costs at ``price_per_segment`` per part, in exact decimal arithmetic.

    Args:
        texts: one text or an iterable of texts.
        price_per_segment: a :class:`~decimal.Decimal`, a decimal string (``"0.0075"``) or
            an int.  Floats are refused: they cannot hold most prices exactly.

    Returns:
        ``Decimal(price) * total parts``.

    Raises:
        TypeError: a float price, a non-str text, or an option of the wrong type.
        ArgumentError: a price that is not a finite, non-negative decimal number.
        The rest as :func:`analyze`.
    """
    if isinstance(price_per_segment, bool) or not isinstance(price_per_segment, (Decimal, str, int)):
        raise TypeError(
            f"price_per_segment must be a Decimal, str or int, not {type(price_per_segment).__name__}"
        )
    try:
        price = Decimal(price_per_segment)
    except InvalidOperation:
        raise ArgumentError(
            f"price_per_segment {price_per_segment!r} is not a decimal number", argument="price_per_segment"
        ) from None
    if not price.is_finite() or price < 0:
        raise ArgumentError(
            f"price_per_segment must be finite and not negative, got {price_per_segment!r}",
            argument="price_per_segment",
        )
    plan = _plan(encoding, udh, reference_bits, smart, languages)
    if isinstance(texts, str):
        texts = (texts,)
    if not isinstance(texts, Iterable):
        raise TypeError(f"texts must be a str or an iterable of str, not {type(texts).__name__}")
    total = 0
    for text in texts:
        total += _analyze(_check_text(text), plan)[0].segments
    return price * total
