"""Batch counting kernels: the pure-Python twin (the readable specification).

Theory of operation
-------------------
The public layer (:mod:`smscodec.batch`) turns every supported container into one of
three *sources* and hands index ranges of it to a kernel function, one per source:

* ``count_objects``: a tuple of Python objects (a list, an object array, a pandas
  object Series...).  ``str`` elements are counted; ``None``, NaN and pandas' NA/NaT
  are missing; anything else is a TypeError naming its index.
* ``count_ucs4``: a numpy ``U`` array, given as its native-order UCS-4 code units
  (``width`` per element).  numpy pads short strings with U+0000, so trailing NULs are
  padding and are not counted (a genuine trailing U+0000 cannot be told apart).
* ``count_utf8``: one Arrow ``string``/``large_string`` array, given as its buffers:
  UTF-8 data, int32 or int64 offsets and the validity bitmap (LSB first), with the
  array's ``offset`` (Arrow slices share buffers).  Every offset is checked against the
  data buffer and every message is validated as UTF-8 before it is counted.

Each element's results go to ``segments``, ``units``, ``remaining`` and ``encoding``
(``units``/``remaining`` may be None: not wanted).  A missing value gives zeros.  An
element the fast path must not decide alone is *flagged*: its ``encoding`` is set to
:data:`FLAGGED` and the public layer counts it with the scalar API.  That is:

* a message the scalar API would refuse (``encoding="gsm7"`` and a character no table
  carries, or a lone surrogate sent as UCS-2), so that the scalar error is raised;
* with smart encoding but no :class:`SmartTable`, every message that is not GSM-7 as
  it stands; with a table, only a message holding a code point above U+FFFF when the
  map has such keys (the compiled twin also flags one it has no memory to rewrite).

``options`` is ``(header, concat, mode, locks, singles, smart)``: the segments kernel's
option arguments (see ``_segments_py.analyze``) and 1 when smart encoding is on; under a
split policy other than TS 23.040's, followed by its five policy arguments (flags and
per-part limits, see ``_segments_py.analyze_policy``).

Smart encoding (the segments kernel's ``smart_text``) sends ``text.translate(map)`` when
that result has no character outside the enabled tables, else ``text`` as written.  It
never touches a character the enabled tables carry, so a message that is GSM-7 as it
stands is counted as written.  For any other message a :class:`SmartTable` (the map and
the enabled tables, one entry per code point: carried, replaced, or neither) decides in
one pass, stopping at the first character that is neither carried nor replaced (the
message then goes as written: UCS-2, already counted):

* nothing replaced, or a character neither carried nor replaced: the message as written;
* otherwise the replaced message, whose characters are all carried.  Under the default
  tables its septets and escapes are the sums of its characters' costs (a replacement's
  cost is known from the map), so when it fits one part, or holds no escape (every part
  then fills up whole), its parts follow without building it; under ``encoding="ucs2"``
  its UTF-16 units are its length.  Otherwise (an escape may straddle a part boundary,
  or national tables are enabled) the replaced message is built and counted.

The compiled twin ``_batch_c.pyx`` has the same functions, results and errors; it reads
the storage in place and counts without the GIL.
"""

from __future__ import annotations

import math
from typing import Any

from . import _segments_py as _segments
from . import _spec
from ._tables import CHAR_CLASSES, CLASSES
from .errors import DecodeError, EncodingError

__all__ = [
    "FLAGGED",
    "RELEASES_GIL",
    "SmartTable",
    "check_element",
    "check_options",
    "count_objects",
    "count_ucs4",
    "count_utf8",
    "count_views",
    "list_changed",
    "ucs4_error",
    "ucs4_text",
    "utf8_error",
    "view_error",
]

#: ``encoding`` value of an element left to the scalar API.
FLAGGED = 0xFF
#: Whether the kernels release the GIL while counting (worth running them in threads).
RELEASES_GIL = False

# The largest Unicode code point (The Unicode Standard §3.9, D9).
_MAX_CODE_POINT = 0x10FFFF

# Six ints (header, concat, mode, locks, singles, smart), eleven with a split policy
# (flags and four per-part limits): see check_options.
Options = tuple[int, ...]

# _SmartTable.scan's answer when the public layer must decide (see the module docstring).
_FLAG = object()


def list_changed(size: int, expected: int) -> RuntimeError:
    """The error for a list that another thread shortened while it was counted (as
    Python's own "changed size during iteration")."""
    return RuntimeError(f"the list changed size while it was counted: {size} items, {expected} expected")


def check_element(value: object, index: int) -> None:
    """Return when ``value`` is a missing value (None, NaN, pandas NA/NaT); else raise.

    Raises:
        TypeError: ``value`` is neither a ``str`` nor missing; the message names ``index``.
    """
    if value is None:
        return
    if isinstance(value, float) and math.isnan(value):
        return
    # pandas.NA and pandas.NaT, known by type name so that pandas stays optional.
    if type(value).__name__ in ("NAType", "NaTType") and type(value).__module__.startswith("pandas"):
        return
    raise TypeError(f"texts[{index}] is a {type(value).__name__}, not a str")


def utf8_error(index: int, position: int, byte: int) -> DecodeError:
    """The error for message ``index`` whose UTF-8 sequence starting at ``position`` is invalid."""
    return DecodeError(
        f"texts[{index}] is not valid UTF-8: the sequence at byte {position} (0x{byte:02X}) "
        "is malformed or truncated",
        position=position,
    )


def ucs4_error(index: int, position: int, value: int) -> DecodeError:
    """The error for a numpy ``U`` element holding a value above U+10FFFF."""
    return DecodeError(
        f"texts[{index}] holds 0x{value:X} at position {position}, which is not a Unicode code "
        "point (at most U+10FFFF)",
        position=position,
    )


def offsets_error(index: int, start: int, stop: int, size: int) -> DecodeError:
    return DecodeError(
        f"texts[{index}]: Arrow offsets {start}..{stop} fall outside the {size}-byte data buffer",
        position=0,
    )


def buffer_error(what: str, size: int, need: int) -> DecodeError:
    return DecodeError(f"texts: the Arrow {what} buffer has {size} bytes, {need} needed", position=0)


def check_options(options: Options) -> None:
    """Check the kernel options: six ints, a mode of 0-2 and a header that leaves room.

    Raises:
        ValueError: they would not give the segments kernel a sound plan (the public
            layer never passes such options).
    """
    if len(options) not in (6, 11) or not all(type(v) is int for v in options):
        raise ValueError(f"options must be six ints (eleven with a split policy), got {options!r}")
    header, concat, mode, locks, singles, _smart = options[:6]
    if len(options) == 11:
        # Flags, then per-part limits: 0 (none) or at least one two-unit item.
        flags, *limits = options[6:]
        if flags < 0 or any(v < 0 or v == 1 for v in limits):
            raise ValueError(f"options {options!r} hold bad split policy arguments")
    # The segments kernel's own room check: the rule of _spec.header_room.
    national = not (locks == 1 and singles == 1)
    if (
        header < 0
        or concat not in _spec.CONCAT_OCTETS.values()
        or header > _spec.header_room(concat, national)
        or mode not in (0, 1, 2)
    ):
        raise ValueError(f"options {options!r} leave no room for text")
    if not (0 < locks < 1 << 14 and 0 < singles < 1 << 14):
        raise ValueError(f"options {options!r} enable no table or an unknown one")
    if not singles & 1:
        # Every plan enables the default extension table (bit 0); the table-pair scoring
        # relies on it (a pair whose single shift adds nothing is beaten by (L, default)).
        raise ValueError(f"options {options!r} leave out the default single shift table")


def _carried(locks: int, singles: int) -> dict[str, int]:
    """Every character an enabled table carries -> its septets under the default tables
    (1, or 2 through the escape; 0 when only a national table carries it)."""
    out: dict[str, int] = {}
    for ch, k in CHAR_CLASSES.items():
        lk, ss = CLASSES[k]
        if lk & locks or ss & singles:
            out[ch] = 1 if lk & 1 else 2 if ss & 1 else 0
    return out


class SmartTable:
    """A smart-encoding map prepared for the batch kernels, for one set of enabled tables.

    ``table`` is a ``str.translate`` table (code point -> replacement), as
    ``smscodec.segments`` builds it: no key is a character the enabled tables carry, and
    every replacement character is one they carry.  ``locks``/``singles``: the enabled
    tables, as in the options.  The table is copied: later changes to it are not seen.

    Raises:
        TypeError: ``table`` is not a dict, a key is not an int or a value not a ``str``.
        ValueError: bad ``locks``/``singles``, a key that is not a code point or that an
            enabled table carries, or a replacement an enabled table does not carry.
    """

    __slots__ = ("_astral", "_carried", "_table", "locks", "singles")

    def __init__(self, table: dict[int, str], locks: int, singles: int, /) -> None:
        if type(table) is not dict:
            raise TypeError(f"table must be a dict, not {type(table).__name__}")
        if type(locks) is not int or type(singles) is not int:
            raise TypeError("locks and singles must be ints")
        if not (0 < locks < 1 << 14 and 0 < singles < 1 << 14):
            raise ValueError(f"locks {locks} / singles {singles} enable no table or an unknown one")
        carried = _carried(locks, singles)
        for key, value in table.items():
            if type(key) is not int:
                raise TypeError(f"smart table keys must be ints, got {type(key).__name__}")
            if not 0 <= key <= _MAX_CODE_POINT:
                raise ValueError(f"smart table key {key} is not a code point")
            if type(value) is not str:
                raise TypeError(f"smart table values must be str, got {type(value).__name__} for U+{key:04X}")
            if chr(key) in carried:
                raise ValueError(f"smart table key U+{key:04X} is a character the enabled tables carry")
            for ch in value:
                if ch not in carried:
                    raise ValueError(
                        f"smart table value for U+{key:04X} holds U+{ord(ch):04X}, "
                        "which the enabled tables do not carry"
                    )
        self._table = dict(table)
        self._carried = carried
        self._astral = any(key > 0xFFFF for key in table)
        self.locks = locks
        self.singles = singles

    def scan(self, text: str) -> object:
        """What smart encoding sends for ``text``, a message that is not GSM-7 as it
        stands: the replaced text, None for ``text`` as written, or ``_FLAG`` (a code
        point above U+FFFF when the map has such keys: left to the public layer)."""
        table = self._table
        replaced = False
        for ch in text:
            if self._astral and ord(ch) > 0xFFFF:
                return _FLAG
            if ord(ch) in table:
                replaced = True
            elif ch not in self._carried:
                # Not carried and not replaced: the replaced text would not be GSM-7.
                return None
        return text.translate(table) if replaced else None


def check_table(table: Any, options: Options, kind: type = SmartTable) -> None:
    # ``kind``: the calling twin's own SmartTable class (the compiled one passes its own).
    if table is None:
        return
    if not isinstance(table, kind):
        raise TypeError(f"table must be a SmartTable or None, not {type(table).__name__}")
    locks, singles = table.locks, table.singles  # type: ignore[attr-defined]
    if not options[5] or locks != options[3] or singles != options[4]:
        raise ValueError(f"the smart table (tables {locks}/{singles}) does not fit options {options!r}")


def _analyze(text: str, options: Options) -> tuple[int, int, int, int, int, int, int] | None:
    try:
        if len(options) == 11:
            return _segments.analyze_policy(text, *options[:5], *options[6:])
        return _segments.analyze(text, *options[:5])
    except EncodingError:
        return None


def _count(text: str, options: Options, table: SmartTable | None) -> tuple[int, int, int, int] | None:
    """``(encoding, parts, units, remaining)`` of ``text``, or None when it is flagged."""
    header, concat, mode, locks, singles, smart = options[:6]
    result = _analyze(text, options)
    if smart:
        # Smart encoding applies only to a text that is not GSM-7 as it stands.
        if result is not None and mode == 2:
            plain = _segments.analyze(text, header, concat, 0, locks, singles)[0] == 0
        else:
            plain = result is not None and result[0] == 0
        if not plain:
            if table is None:
                return None
            sent = table.scan(text)
            if sent is _FLAG:
                return None
            # Every character of ``sent`` is in some enabled table, but with national
            # tables no single pair may hold them all: then it goes as written.
            if isinstance(sent, str) and _segments.carried(sent, locks, singles):
                replaced = _analyze(sent, options)
                # Under auto, never more parts than the text as written.
                if not (
                    mode == 0 and result is not None and replaced is not None and replaced[1] > result[1]
                ):
                    result = replaced
    if result is None:
        return None
    return result[0], result[1], result[2], result[4]


def _store(
    i: int,
    result: tuple[int, int, int, int] | None,
    segments: Any,
    units: Any,
    remaining: Any,
    encoding: Any,
) -> None:
    if result is None:
        result = (FLAGGED, 0, 0, 0)
    encoding[i], segments[i] = result[0], result[1]
    if units is not None:
        units[i] = result[2]
    if remaining is not None:
        remaining[i] = result[3]


def _missing(i: int, segments: Any, units: Any, remaining: Any, encoding: Any) -> None:
    _store(i, (0, 0, 0, 0), segments, units, remaining, encoding)


def _check_range(start: int, stop: int, length: int, outputs: tuple[Any, ...], base: int = 0) -> None:
    if not 0 <= start <= stop <= length:
        raise ValueError(f"range {start}..{stop} is outside 0..{length}")
    for out in outputs:
        if out is not None and len(out) < base + stop:
            raise ValueError(f"an output array holds {len(out)} elements, {base + stop} needed")


def count_objects(
    values: list[object] | tuple[object, ...],
    start: int,
    stop: int,
    options: Options,
    segments: Any,
    units: Any,
    remaining: Any,
    encoding: Any,
    table: SmartTable | None = None,
    /,
) -> None:
    """Count ``values[start:stop]`` into the outputs at the same indexes.

    ``table``: the smart map (with ``options[5] == 1``); without it every message that
    is not GSM-7 as it stands is flagged.  The same for every ``count_*`` function.

    Raises:
        TypeError: an element is neither a ``str`` nor missing (the first such, by index);
            ``table`` is not a SmartTable.
        ValueError: ``table`` does not fit ``options`` (every ``count_*`` function).
        RuntimeError: a list that another thread shortened while it was counted.
    """
    if type(values) is not list and type(values) is not tuple:
        raise TypeError(f"values must be a list or a tuple, not {type(values).__name__}")
    check_options(options)
    check_table(table, options)
    if type(values) is list and 0 <= start <= stop and stop > len(values):
        raise list_changed(len(values), stop)
    _check_range(start, stop, len(values), (segments, units, remaining, encoding))
    for i in range(start, stop):
        if i >= len(values):
            raise list_changed(len(values), stop)
        value = values[i]
        if isinstance(value, str):
            _store(i, _count(value, options, table), segments, units, remaining, encoding)
        else:
            check_element(value, i)
            _missing(i, segments, units, remaining, encoding)


def ucs4_text(data: Any, width: int, index: int) -> str:
    """Element ``index`` of a numpy ``U`` array given as native UCS-4 ``data``, padding removed.

    Raises:
        DecodeError: the element holds a value above U+10FFFF.
    """
    row = [int(unit) for unit in data[index * width : (index + 1) * width]]
    n = len(row)
    # numpy pads every element to ``width`` with U+0000: trailing NULs are not text.
    while n and row[n - 1] == 0:
        n -= 1
    for position in range(n):
        if row[position] > _MAX_CODE_POINT:
            raise ucs4_error(index, position, row[position])
    # A lone surrogate is a character here, as in a str (the count refuses it).
    return "".join(map(chr, row[:n]))


def count_ucs4(
    data: Any,
    width: int,
    start: int,
    stop: int,
    options: Options,
    segments: Any,
    units: Any,
    remaining: Any,
    encoding: Any,
    table: SmartTable | None = None,
    /,
) -> None:
    """Count elements ``start:stop`` of a numpy ``U`` array (``width`` code units each).

    Raises:
        DecodeError: an element holds a value above U+10FFFF (the first such, by index).
    """
    check_options(options)
    check_table(table, options)
    if width < 0:
        raise ValueError(f"width must not be negative, got {width}")
    length = len(data) // width if width else stop
    _check_range(start, stop, length, (segments, units, remaining, encoding))
    for i in range(start, stop):
        _store(i, _count(ucs4_text(data, width, i), options, table), segments, units, remaining, encoding)


def _view(buffer: Any) -> memoryview:
    if buffer is None:
        return memoryview(b"")
    return memoryview(buffer).cast("B")


def count_utf8(
    data: Any,
    offsets: Any,
    offset_bytes: int,
    validity: Any,
    array_offset: int,
    start: int,
    stop: int,
    base: int,
    options: Options,
    segments: Any,
    units: Any,
    remaining: Any,
    encoding: Any,
    table: SmartTable | None = None,
    /,
) -> None:
    """Count elements ``start:stop`` of an Arrow string array into outputs ``base + j``.

    ``data``: the UTF-8 buffer; ``offsets``: ``offset_bytes`` (4 or 8) bytes per entry;
    ``validity``: the bitmap or None (no nulls); ``array_offset``: the array's offset.

    Raises:
        DecodeError: a buffer too short for its offsets, an offset outside the data
            buffer, or a message that is not valid UTF-8 (the first, by index).
    """
    check_options(options)
    check_table(table, options)
    if offset_bytes not in (4, 8):
        raise ValueError(f"offset_bytes must be 4 or 8, got {offset_bytes}")
    # base < 0 would write before the output arrays: the public layer never passes one,
    # but this is memory code, so it refuses it too.
    if array_offset < 0 or base < 0 or not 0 <= start <= stop:
        raise ValueError(f"range {start}..{stop} at offset {array_offset}, base {base} is not valid")
    _check_range(start, stop, stop, (segments, units, remaining, encoding), base)
    if start == stop:
        return
    raw = _view(data)
    offs = _view(offsets)
    bits = None if validity is None else _view(validity)
    need = (array_offset + stop + 1) * offset_bytes
    if len(offs) < need:
        raise buffer_error("offsets", len(offs), need)
    if bits is not None and len(bits) * 8 < array_offset + stop:
        raise buffer_error("validity", len(bits), (array_offset + stop + 7) // 8)
    # Only the entries in use: the buffer may end in padding that is no whole entry.
    # Native byte order, as numpy and Arrow lay them out (int32 or int64 entries).
    ends = offs[:need].cast("i" if offset_bytes == 4 else "q")
    for j in range(start, stop):
        k = array_offset + j
        if bits is not None and not bits[k >> 3] >> (k & 7) & 1:
            _missing(base + j, segments, units, remaining, encoding)
            continue
        lo, hi = int(ends[k]), int(ends[k + 1])
        if not 0 <= lo <= hi <= len(raw):
            raise offsets_error(base + j, lo, hi, len(raw))
        chunk = bytes(raw[lo:hi])
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise utf8_error(base + j, exc.start, chunk[exc.start]) from None
        _store(base + j, _count(text, options, table), segments, units, remaining, encoding)


# --- Arrow string views (format "vu", Arrow columnar format 1.4, "Variable-size binary
# view layout"): 16 bytes per element, native byte order.  Bytes 0-3: the length (int32).
# A length of at most 12: the bytes themselves follow, inline (bytes 4-15).  Longer: a
# 4-byte prefix, then the index of the data buffer (int32) and the offset in it (int32).
_VIEW_BYTES = 16
_VIEW_INLINE = 12


def view_error(index: int, length: int, buffer: int, offset: int, buffers: int, size: int) -> DecodeError:
    """The error for string view ``index`` pointing outside its data buffer."""
    if length < 0:
        where = f"has length {length}"
    elif not 0 <= buffer < buffers:
        where = f"points into data buffer {buffer}, of {buffers}"
    else:
        where = f"points at bytes {offset}..{offset + length} of the {size}-byte data buffer {buffer}"
    return DecodeError(f"texts[{index}]: the Arrow string view {where}", position=0)


def view_bytes(views: Any, buffers: Any, k: int) -> tuple[int, int, int, bytes | None]:
    """View ``k``: ``(length, buffer, offset, its bytes)``, the bytes None when the view
    points outside its buffer (``buffer`` is -1 for an inline view)."""
    fields = memoryview(views)[k * _VIEW_BYTES : (k + 1) * _VIEW_BYTES].cast("B").cast("i")
    length = fields[0]
    if 0 <= length <= _VIEW_INLINE:
        return length, -1, 0, bytes(memoryview(views)[k * _VIEW_BYTES + 4 : k * _VIEW_BYTES + 4 + length])
    buffer, offset = fields[2], fields[3]
    if length < 0 or not 0 <= buffer < len(buffers):
        return length, buffer, offset, None
    data = _view(buffers[buffer])
    if offset < 0 or offset + length > len(data):
        return length, buffer, offset, None
    return length, buffer, offset, bytes(data[offset : offset + length])


def count_views(
    views: Any,
    buffers: tuple[Any, ...],
    validity: Any,
    array_offset: int,
    start: int,
    stop: int,
    base: int,
    options: Options,
    segments: Any,
    units: Any,
    remaining: Any,
    encoding: Any,
    table: SmartTable | None = None,
    /,
) -> None:
    """Count elements ``start:stop`` of an Arrow string view array into outputs ``base + j``.

    ``views``: the 16-byte views; ``buffers``: the variadic data buffers (a tuple);
    ``validity``: the bitmap or None (no nulls); ``array_offset``: the array's offset.

    Raises:
        DecodeError: a buffer too short for its views, a view outside its data buffer, or
            a message that is not valid UTF-8 (the first, by index).
    """
    check_options(options)
    check_table(table, options)
    if type(buffers) is not tuple:
        raise TypeError(f"buffers must be a tuple, not {type(buffers).__name__}")
    if array_offset < 0 or base < 0 or not 0 <= start <= stop:
        raise ValueError(f"range {start}..{stop} at offset {array_offset}, base {base} is not valid")
    _check_range(start, stop, stop, (segments, units, remaining, encoding), base)
    if start == stop:
        return
    raw = _view(views)
    bits = None if validity is None else _view(validity)
    need = (array_offset + stop) * _VIEW_BYTES
    if len(raw) < need:
        raise buffer_error("views", len(raw), need)
    if bits is not None and len(bits) * 8 < array_offset + stop:
        raise buffer_error("validity", len(bits), (array_offset + stop + 7) // 8)
    for j in range(start, stop):
        k = array_offset + j
        if bits is not None and not bits[k >> 3] >> (k & 7) & 1:
            _missing(base + j, segments, units, remaining, encoding)
            continue
        length, buffer, offset, chunk = view_bytes(raw, buffers, k)
        if chunk is None:
            size = len(_view(buffers[buffer])) if 0 <= buffer < len(buffers) else 0
            raise view_error(base + j, length, buffer, offset, len(buffers), size)
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise utf8_error(base + j, exc.start, chunk[exc.start]) from None
        _store(base + j, _count(text, options, table), segments, units, remaining, encoding)
