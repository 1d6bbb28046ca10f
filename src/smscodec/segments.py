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
its pure twin and specification): one pass over the string's own storage.  The options
are checked once by the option plan (``smscodec._plan``), shared with the batch API and
the CLI; the capacity rules are those of ``smscodec._spec``.  This module applies smart
encoding (:mod:`smscodec.smart`) and builds the headers and payloads of the parts.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import _spec
from ._plan import SegmentPlan, check_bits, check_text, check_udh
from ._plan import plan as _plan_of
from ._spec import IEI_CONCAT_8, IEI_CONCAT_16, IEI_LOCKING_SHIFT, IEI_SINGLE_SHIFT
from .errors import ArgumentError, EncodingError, SmsCodecError

# `import smscodec` must stay cheap (a webhook worker or a one-shot CLI call pays it every
# time): typing, decimal and random are not imported at run time by the core modules.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from decimal import Decimal

    from . import _count_py as _count
    from . import _segments_py as _kernel
    from .policies import SplitPolicy
else:
    from ._backend import load

    _kernel = load("segments")
    _count = load("count")

__all__ = [
    "Segment",
    "SegmentInfo",
    "Segments",
    "analyze",
    "count_segments",
    "estimate_cost",
    "split",
    "split_binary",
]

_ENCODINGS = ("gsm7", "ucs2")
_analyze_kernel = _kernel.analyze


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
        udh: the caller's own header the text was analysed with (``b""`` for none).
        reference_bits: the concatenation reference width it was analysed with.
        policy: the split policy it was analysed with.
            None of these three is compared or shown in the ``repr``: they are the
            options, kept so that the notebook view (``_repr_html_``) draws the parts
            that were counted.
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
    udh: bytes = field(default=b"", compare=False, repr=False)
    reference_bits: int = field(default=8, compare=False, repr=False)
    policy: str | SplitPolicy = field(default="3gpp", compare=False, repr=False)

    @property
    def saved_segments(self) -> int:
        """Parts saved by smart encoding: ``original_segments - segments``."""
        return self.original_segments - self.segments

    def __repr__(self) -> str:
        # Short for any text: the text and the character lists are cut (see _short).
        shown = ", ".join(
            f"{name}={_short(getattr(self, name))}"
            for name in (
                "encoding", "segments", "units", "per_segment", "remaining", "non_gsm7", "text",
                "locking_shift", "single_shift", "replacements", "original_segments",
            )
        )  # fmt: skip
        return f"SegmentInfo({shown})"

    def _repr_html_(self) -> str:
        """The segment viewer, as a notebook shows it: the text sent, part by part."""
        from . import _view

        languages = tuple({self.locking_shift, self.single_shift} - {0})
        try:
            # The parts the analysis counted: the same tables, header and reference width
            # (reference 0 stands for the one chosen when the message is sent).
            parts = split(
                self.text,
                encoding=self.encoding,
                udh=self.udh,
                reference_bits=self.reference_bits,
                languages=languages,
                reference=0,
                policy=self.policy,
            )
        except SmsCodecError as exc:  # more than 255 parts: counted, but not sendable
            rows = [
                ("encoding", self.encoding),
                ("parts", f"{self.segments:,}"),
                ("units", f"{self.units:,}"),
            ]
            return _view.summary_table(rows, caption=str(exc))
        view = _view.message(self, parts, reference_known=False)
        return _view.html_fragment(view, max_parts=_NOTEBOOK_PARTS)


# Parts a notebook view draws (the others are listed in one line each).
_NOTEBOOK_PARTS = 30
_REPR_CHARS = 40
_REPR_ITEMS = 8


def _short(value: object) -> str:
    """``repr(value)``, a long text cut to its first characters and a long tuple to its
    first items (with the full length said)."""
    if isinstance(value, str) and len(value) > _REPR_CHARS:
        return f"{value[:_REPR_CHARS]!r}… ({len(value):,} chars)"
    if isinstance(value, tuple) and len(value) > _REPR_ITEMS:
        return f"({', '.join(map(repr, value[:_REPR_ITEMS]))}, … {len(value):,} in all)"
    return repr(value)


class Segments(list["Segment"]):
    """What :func:`split` and :func:`split_binary` return: a ``list`` of :class:`Segment`
    that a notebook shows with the segment viewer, with a short ``repr``.

    Attributes:
        info: the :class:`SegmentInfo` of the message (None for 8-bit data).
    """

    __slots__ = ("info",)

    def __init__(self, parts: Iterable[Segment] = (), info: SegmentInfo | None = None) -> None:
        super().__init__(parts)
        self.info = info

    def __repr__(self) -> str:
        items = [f"Segment(text={_short(p.text)}, udh={p.udh.hex()!r}, units={p.units})" for p in self[:3]]
        if len(self) > 3:
            items.append(f"… {len(self):,} parts in all")
        return f"Segments([{', '.join(items)}])"

    def _repr_html_(self) -> str:
        """The segment viewer: these parts drawn one by one."""
        from . import _view

        view = _view.binary(self) if self.info is None else _view.message(self.info, self)
        return _view.html_fragment(view, max_parts=_NOTEBOOK_PARTS)


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
        data_coding: the data coding scheme octet an SMPP client sends as ``data_coding``
            (TS 23.038 §4, SMPP 3.4 §5.2.19): 0x00 GSM-7 default alphabet (national
            language tables are named by the header's shift elements), 0x08 UCS-2, 0x04
            8-bit data (:func:`split_binary`).  Not compared: it follows from ``text``
            and ``payload`` (an empty binary part equals an empty text part).

    :attr:`esm_class` and :attr:`short_message` complete what a ``submit_sm`` carries;
    :mod:`smscodec.smpp` builds the whole field sets (SAR options, ``message_payload``,
    packed GSM-7).
    """

    text: str
    udh: bytes
    payload: bytes
    units: int
    data_coding: int = field(default=_spec.DCS_GSM7, compare=False)

    @property
    def esm_class(self) -> int:
        """SMPP ``esm_class`` (SMPP 3.4 §5.2.12): 0x40, the UDHI flag (TS 23.040
        §9.2.3.23), when the part carries a header, else 0x00 (default mode and type)."""
        return _spec.UDHI if self.udh else 0x00

    @property
    def short_message(self) -> bytes:
        """SMPP ``short_message``: the header, then the payload (GSM-7 as unpacked septets,
        the SMPP default; :func:`smscodec.smpp.submit_sm` packs them on request)."""
        return self.udh + self.payload


# --- references ---------------------------------------------------------------------------

_reference_lock = threading.Lock()
# Start anywhere, so that two processes do not both begin at 0 for the same recipient.
_reference_next = int.from_bytes(os.urandom(2), "big")


def _next_reference(bits: int) -> int:
    global _reference_next
    with _reference_lock:
        value = _reference_next
        _reference_next = (value + 1) & 0xFFFF
    return value & ((1 << bits) - 1)


_new_object = object.__new__


def _analyze(text: str, plan: SegmentPlan) -> tuple[SegmentInfo, tuple[int, ...]]:
    replaced: tuple[tuple[str, str], ...] = ()
    if plan.smart is None:
        sent = text
    elif plan.smart_always:
        # The policy's rule (Twilio's): every mapped character is replaced.
        sent = text.translate(plan.smart)
        table = plan.smart
        replaced = tuple((ch, table[ord(ch)]) for ch in dict.fromkeys(text) if ord(ch) in table)
    else:
        sent, replaced = _kernel.smart_text(text, plan.smart, *plan.args)
    if plan.plain:
        result = _analyze_kernel(sent, *plan.args)
    else:
        result = _kernel.analyze_policy(sent, *plan.args, *plan.policy_args)
    encoding, parts, units, per, remaining, locking, single = result
    if replaced and (encoding == 0 or plan.smart_always):
        try:
            options = (len(plan.header), plan.concat, 0, plan.locks, plan.singles)
            if plan.plain:
                original = _analyze_kernel(text, *options)[1]
            else:
                original = _kernel.analyze_policy(text, *options, *plan.policy_args)[1]
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
    fields["udh"] = plan.header
    fields["reference_bits"] = plan.reference_bits
    fields["policy"] = plan.policy
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
    policy: str | SplitPolicy = "3gpp",
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
        policy: how the route splits (:mod:`smscodec.policies`): ``"3gpp"`` (TS 23.040,
            the default), ``"twilio"``, ``"vonage"`` or a :class:`~smscodec.SplitPolicy`.

    Returns:
        A :class:`SegmentInfo`.  A text needing more than 255 parts (or more than the
        policy's limits) is still counted.

    Raises:
        TypeError: an argument of the wrong type.
        ArgumentError: an unknown encoding, language, reference width or policy; a smart
            map value GSM-7 cannot carry.
        UdhError: ``udh`` is not exactly ``1 + udh[0]`` octets, is malformed, holds a
            concatenation or shift element, or leaves too little room.
        EncodingError: ``encoding="gsm7"`` and the text has a character no enabled table
            carries; or a lone surrogate in a text sent as UCS-2.
    """
    plan = _plan_of(encoding, udh, reference_bits, smart, languages, policy)
    return _analyze(check_text(text), plan)[0]


#: The number of parts ``text`` is sent (and billed) as: ``analyze(...).segments``.  The
#: live backend's entry point (a compiled function under the compiled backend), whose fast
#: path counts plain calls without any Python-level code; every other call goes through
#: the same option plan as :func:`analyze`.
count_segments = _count.count_segments


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
        f"the message needs {parts} parts; a concatenated message has at most {_spec.MAX_PARTS} "
        "(the total is one octet, TS 23.040 §9.2.3.24.1)",
        argument="text",
    )


def _check_limits(text: str, parts: int, plan: SegmentPlan) -> None:
    """The policy's limits on what :func:`split` may send (ArgumentError naming ``text``)."""
    route = plan.policy
    if parts > route.max_parts:
        raise ArgumentError(
            f"the message needs {parts} parts; policy {route.name!r} sends at most {route.max_parts}",
            argument="text",
        )
    if route.max_characters is not None:
        # UTF-16 code units of the text as given (see smscodec.policies).
        units = len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
        if units > route.max_characters:
            raise ArgumentError(
                f"the text is {units} characters (UTF-16 units); policy {route.name!r} "
                f"takes at most {route.max_characters}",
                argument="text",
            )


def _policy_pieces(
    sent: str, plan: SegmentPlan, encoding_id: int, locking: int, single: int, per: int
) -> list[tuple[int, int]]:
    """The split points of a several-part text under a policy that is not TS 23.040's."""
    flags, gsm1, _gsm_m, ucs1, _ucs_m = plan.policy_args
    shift = _spec.SHIFT_IE_OCTETS * ((locking != 0) + (single != 0))
    one = _kernel.policy_capacity(len(plan.header), shift, encoding_id, ucs1 if encoding_id else gsm1)
    pieces = _kernel.split_policy(sent, encoding_id, locking, single, one, per, flags)
    for number, (end, units) in enumerate(pieces, 1):
        if units > per:
            # Only Twilio's fill overfills a part: a grapheme cluster longer than a part.
            raise ArgumentError(
                f"part {number} would hold {units} units, more than the {per} a part carries: policy "
                f"{plan.policy.name!r} never cuts a grapheme cluster, and one near position {end} "
                "does not fit in a part",
                argument="text",
            )
    return pieces


def split(
    text: str,
    *,
    encoding: str = "auto",
    udh: bytes = b"",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    reference: int | None = None,
    policy: str | SplitPolicy = "3gpp",
) -> Segments:
    """Cut ``text`` into the parts it is sent as, each with its header and payload.

    Options as for :func:`analyze`; ``reference`` is the concatenation reference shared by
    the parts (``None``: the next value of a process-wide, thread-safe counter).

    Returns:
        ``count_segments(text, ...)`` segments whose texts join back to the text sent; an
        escape pair or a surrogate pair never straddles two parts, nor what the policy
        keeps whole (a grapheme cluster, a word).

    Raises:
        TypeError, UdhError, EncodingError: as for :func:`analyze`.
        ArgumentError: as for :func:`analyze`, and for an explicit ``reference`` outside
            0-255 (0-65535 with 16-bit references), a text needing more than 255 parts
            or more than the policy's ``max_parts``, a text longer than its
            ``max_characters``, or a part a Twilio fill would overfill (a grapheme
            cluster longer than a part).
    """
    plan = _plan_of(encoding, udh, reference_bits, smart, languages, policy)
    ref = _check_reference(reference, plan.reference_bits)
    text = check_text(text)
    info, result = _analyze(text, plan)
    encoding_id, parts, _units, per, _rem, locking, single = result
    if parts > _spec.MAX_PARTS:
        raise _too_many(parts)
    if not plan.plain or plan.policy.max_characters is not None or plan.policy.max_parts < _spec.MAX_PARTS:
        _check_limits(text, parts, plan)
    sent = info.text
    extra = b""
    if locking:
        extra += bytes((IEI_LOCKING_SHIFT, 1, locking))
    if single:
        extra += bytes((IEI_SINGLE_SHIFT, 1, single))
    headers = _headers(plan.header, extra, parts, plan.concat, plan.reference_bits, ref)
    if parts == 1:
        pieces = [(len(sent), info.units)]
    elif plan.plain:
        pieces = _kernel.split(sent, encoding_id, locking, single, per)
    else:
        pieces = _policy_pieces(sent, plan, encoding_id, locking, single, per)
    segments = []
    start = 0
    coding = _spec.DCS_GSM7 if encoding_id == 0 else _spec.DCS_UCS2
    for header, (end, units) in zip(headers, pieces, strict=True):
        piece = sent[start:end]
        if encoding_id == 0:
            payload = _kernel.encode_septets(piece, locking, single)
        else:
            payload = piece.encode("utf-16-be")
        segments.append(Segment(text=piece, udh=header, payload=payload, units=units, data_coding=coding))
        start = end
    return Segments(segments, info)


def split_binary(
    body: bytes, *, udh: bytes = b"", reference: int | None = None, reference_bits: int = 8
) -> Segments:
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
    bits = check_bits(reference_bits)
    concat = _spec.CONCAT_OCTETS[bits]
    # Every part keeps room for at least one octet of data.
    header = check_udh(udh, _spec.USER_DATA_OCTETS - concat - 1)
    ref = _check_reference(reference, bits)
    single = _spec.binary_capacity(len(header), 0)
    if len(data) <= single:
        chunks = [data]
    else:
        # §9.2.3.24: 140 octets less the header, concatenation element included.
        size = _spec.binary_capacity(len(header), concat)
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        if len(chunks) > _spec.MAX_PARTS:
            raise _too_many(len(chunks))
    headers = _headers(header, b"", len(chunks), concat, bits, ref)
    return Segments(
        Segment(text="", udh=h, payload=c, units=len(c), data_coding=_spec.DCS_8BIT)
        for h, c in zip(headers, chunks, strict=True)
    )


def estimate_cost(
    texts: str | Iterable[str],
    price_per_segment: Decimal | str | int,
    *,
    encoding: str = "auto",
    udh: bytes = b"",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    policy: str | SplitPolicy = "3gpp",
) -> Decimal:
    """What sending ``texts`` costs at ``price_per_segment`` per part, in exact decimal arithmetic.

    A column (a numpy array, a pandas Series or Index, a pyarrow Array or ChunkedArray,
    or any object with the Arrow PyCapsule interface, such as a polars Series) is counted
    by the batch kernels, as :func:`smscodec.batch.count_segments` counts it: a missing
    value (None, NaN, pandas NA, an Arrow null) costs 0 parts.  Any other iterable is
    counted text by text, and every element must be a ``str``.

    Args:
        texts: one text, an iterable of texts, or a column of them.
        price_per_segment: a :class:`~decimal.Decimal`, a decimal string (``"0.0075"``) or
            an int.  Floats are refused: they cannot hold most prices exactly.

    Returns:
        ``Decimal(price) * total parts``.

    Raises:
        TypeError: a float price, a non-str text (in a column: neither a str nor missing;
            the message names its index ``texts[i]``), or an option of the wrong type.
        ArgumentError: a price that is not a finite, non-negative decimal number; the
            rest as for :func:`analyze`.
        UdhError, EncodingError: as for :func:`analyze` (in a column, naming the index).
        DecodeError: an Arrow string that is not valid UTF-8 (naming the index).
    """
    from decimal import Decimal, InvalidOperation

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
    plan = _plan_of(encoding, udh, reference_bits, smart, languages, policy)
    if isinstance(texts, str):
        texts = (texts,)
    if not isinstance(texts, Iterable) and not hasattr(texts, "__arrow_c_stream__"):
        raise TypeError(f"texts must be a str or an iterable of str, not {type(texts).__name__}")
    from . import _columns

    family = _columns.family(texts)
    if family is None:
        # Text by text, with the scalar API's own checks and errors.
        total = 0
        for text in texts:
            total += _analyze(check_text(text), plan)[0].segments
        return price * total
    # A column: the batch kernels, as smscodec.batch counts it (without numpy).
    counts = _columns.counts(texts, family, plan, lambda text: _analyze(text, plan)[0].segments)
    return price * sum(counts)
