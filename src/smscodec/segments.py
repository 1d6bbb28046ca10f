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
from dataclasses import dataclass

from . import _spec
from ._plan import SegmentPlan, check_bits, check_text, check_udh
from ._plan import plan as _plan_of
from ._spec import IEI_CONCAT_8, IEI_CONCAT_16, IEI_LOCKING_SHIFT, IEI_SINGLE_SHIFT
from .errors import ArgumentError, EncodingError

# `import smscodec` must stay cheap (a webhook worker or a one-shot CLI call pays it every
# time): typing, decimal and random are not imported at run time by the core modules.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from decimal import Decimal

    from . import _count_py as _count
    from . import _segments_py as _kernel
else:
    from ._backend import load

    _kernel = load("segments")
    _count = load("count")

__all__ = [
    "Segment",
    "SegmentInfo",
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
    else:
        sent, replaced = _kernel.smart_text(text, plan.smart, *plan.args)
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
    plan = _plan_of(encoding, udh, reference_bits, smart, languages)
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
        TypeError, UdhError, EncodingError: as for :func:`analyze`.
        ArgumentError: as for :func:`analyze`, and for an explicit ``reference`` outside
            0-255 (0-65535 with 16-bit references) or a text needing more than 255 parts.
    """
    plan = _plan_of(encoding, udh, reference_bits, smart, languages)
    ref = _check_reference(reference, plan.reference_bits)
    info, result = _analyze(check_text(text), plan)
    encoding_id, parts, _units, per, _rem, locking, single = result
    if parts > _spec.MAX_PARTS:
        raise _too_many(parts)
    sent = info.text
    extra = b""
    if locking:
        extra += bytes((IEI_LOCKING_SHIFT, 1, locking))
    if single:
        extra += bytes((IEI_SINGLE_SHIFT, 1, single))
    headers = _headers(plan.header, extra, parts, plan.concat, plan.reference_bits, ref)
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
    plan = _plan_of(encoding, udh, reference_bits, smart, languages)
    if isinstance(texts, str):
        texts = (texts,)
    if not isinstance(texts, Iterable) and not hasattr(texts, "__arrow_c_stream__"):
        raise TypeError(f"texts must be a str or an iterable of str, not {type(texts).__name__}")
    family = type(texts).__module__.partition(".")[0]
    if family not in ("numpy", "pandas", "pyarrow", "polars") and not (
        hasattr(texts, "__arrow_c_stream__") or hasattr(texts, "__arrow_c_array__")
    ):
        # Text by text, with the scalar API's own checks and errors.
        total = 0
        for text in texts:
            total += _analyze(check_text(text), plan)[0].segments
        return price * total

    # A column: the batch kernels (which need no numpy: the outputs are plain arrays),
    # reading Arrow strings where they lie and anything else as a tuple of objects.
    # numpy, pandas and pyarrow are never imported here: the column's own methods say
    # what it holds.
    from array import array
    from typing import Any

    from ._backend import load
    from .errors import SmsCodecError

    if TYPE_CHECKING:
        from . import _batch_py as batch_kernel
    else:
        batch_kernel = load("batch")
    if hasattr(texts, "columns"):
        raise TypeError("texts must be one column (a Series), not a DataFrame")
    dtype = getattr(texts, "dtype", None)
    if family == "pandas" and (
        getattr(dtype, "storage", None) in ("pyarrow", "pyarrow_numpy") or hasattr(dtype, "pyarrow_dtype")
    ):
        # Arrow-backed (string[pyarrow], pandas 3's str): its Arrow strings, read in place.
        texts = texts.array.__arrow_array__()  # type: ignore[attr-defined]
        family = "pyarrow"
    options = (*plan.args, int(plan.smart is not None))
    table = None if plan.smart is None else batch_kernel.SmartTable(plan.smart, plan.locks, plan.singles)
    # (chunk, start) pieces: Arrow string chunks as they lie, anything else as one tuple.
    pieces: list[tuple[Any, int]] = []
    chunks = (getattr(texts, "chunks", None) or [texts]) if family == "pyarrow" else []
    if chunks and all(str(chunk.type) in ("string", "large_string") for chunk in chunks):
        start = 0
        for chunk in chunks:
            pieces.append((chunk, start))
            start += len(chunk)
        length = start
    else:
        ndim = getattr(texts, "ndim", 1)
        if family == "numpy" and ndim != 1:
            raise TypeError(f"texts must be a one-dimensional array, not {ndim}-dimensional")
        if family == "pandas" and hasattr(texts, "to_numpy"):
            # Through an object array: Series.tolist() boxes element by element, ~8x slower.
            values = tuple(texts.to_numpy(dtype=object).tolist())
        else:
            convert = (
                getattr(texts, "to_pylist", None)
                or getattr(texts, "to_list", None)
                or getattr(texts, "tolist", None)
            )
            values = tuple(convert() if convert is not None else texts)
        pieces.append((values, 0))
        length = len(values)
    counts = array("i", bytes(4 * length))  # int32, as the kernels write them
    codes = array("B", bytes(length))
    for piece, start in pieces:
        if isinstance(piece, tuple):
            batch_kernel.count_objects(piece, 0, len(piece), options, counts, None, None, codes, table)
            continue
        validity, offsets, data = piece.buffers()[:3]
        batch_kernel.count_utf8(
            data,
            offsets,
            4 if str(piece.type) == "string" else 8,
            validity if piece.null_count else None,
            piece.offset,
            0,
            len(piece),
            start,
            options,
            counts,
            None,
            None,
            codes,
            table,
        )
    # The messages the kernels leave to the scalar API (its errors, astral smart keys).
    at = codes.tobytes().find(bytes((batch_kernel.FLAGGED,)))
    while at >= 0:
        piece, start = next(p for p in reversed(pieces) if p[1] <= at)
        text = piece[at - start] if isinstance(piece, tuple) else piece[at - start].as_py()
        try:
            counts[at] = _analyze(text, plan)[0].segments
        except SmsCodecError as exc:
            exc.args = (f"texts[{at}]: {exc}",)
            raise
        at = codes.tobytes().find(bytes((batch_kernel.FLAGGED,)), at + 1)
    return price * sum(counts)
