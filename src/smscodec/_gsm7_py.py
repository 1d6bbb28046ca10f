"""GSM 03.38 kernels, pure Python: the readable specification of ``_gsm7_c``.

Both twins export the same names with the same signatures and raise the same
exceptions with the same messages.  :func:`is_gsm7`, :func:`gsm7_septets` and
:func:`non_gsm7_chars` are the public functions themselves (:mod:`smscodec.gsm7` binds
them as they are, so they check their own arguments); the other kernels receive checked
arguments from :mod:`smscodec.gsm7`: exact ``str``/``bytes``, ``mode`` one of
:data:`STRICT`, :data:`REPLACE`, :data:`IGNORE`, ``fill_bits`` in 0-6 and ``count`` >= -1.

Tables (TS 23.038 §6.2.1 and §6.2.1.2.4 / Annex A).  ``locking_shift`` names the table
that replaces the default alphabet, ``single_shift`` the one that replaces the extension
table: a language name (``"turkish"``) or its national language identifier 1-13, 0 (or
``"default"``) for the default tables.  Spanish (2) has no locking shift table.

Encoding: a character of the locking table is one septet, a character only in the
single shift table two (the escape 0x1B, then its code).  A character in both costs one
septet (the locking cell).  Where a single shift table holds a character twice (the
Indic and Urdu tables have U+00A1 at 0x13 and 0x15, "*" at 0x0B and 0x18) the lowest
code is sent, as :mod:`smscodec.segments` does when it splits.  The space is 0x20 in
every locking table.  Output is unpacked: one septet per byte.

Decoding reads the same layout back.  Faults:

* a byte >= 0x80 is not a septet;
* an escape followed by a byte >= 0x80, or by nothing (at the end of the data), is
  an escape with no code after it: the fault is the escape; decoding resumes at the
  next byte (so ``1B 80`` gives two faults, like a truncated UTF-8 sequence followed by
  a stray byte);
* (national tables only) a septet the locking table leaves unassigned is a one-byte
  fault, and an escape followed by a code that neither table assigns is one fault
  spanning both bytes, at the escape's index.  The default alphabet assigns every
  septet but the escape, so with the default tables every fault spans one byte.

Under :data:`REPLACE` each fault becomes U+FFFD, under :data:`IGNORE` it is dropped.
An escape followed by a code the single shift table leaves undefined decodes as the
locking-table character of that code (TS 23.038 §6.2.1.1, note 1, which says this of
the default tables; applied to every pair here), and ``1B 1B``, reserved for an escape
to a further extension table, decodes as one space, as the table's own note asks of a
receiver (TS 23.038 §6.2.1.1, code 0x1B).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._tables import (
    ESCAPE,
    NATIONAL_TABLES,
    language_id,
    locking_table,
    single_shift_table,
)
from .errors import ArgumentError, DecodeError, EncodingError

__all__ = [
    "IGNORE",
    "REPLACE",
    "STRICT",
    "decode_gsm7",
    "encode_gsm7",
    "gsm7_septets",
    "is_gsm7",
    "non_gsm7_chars",
    "pack_septets",
    "unpack_septets",
]

# Error modes, shared with the compiled twin (the public layer maps names to these).
STRICT = 0
REPLACE = 1
IGNORE = 2

# Encoding "?" (0x3F, the same septet as ASCII) stands in for an unencodable character.
_QUESTION = b"?"
# What a decoding fault becomes under REPLACE.
_REPLACEMENT_CHARACTER = "\ufffd"
# TS 23.038 §6.2.1.1, extension code 0x1B: "display a space" until a further table exists.
_ESCAPE_ESCAPE = " "
# TS 23.038 §6.2.1.2.4: the space is septet 0x20 in every locking shift table.
_SPACE_SEPTET = 0x20


@dataclass(frozen=True)
class _Codec:
    """The lookups of one (locking shift, single shift) table pair."""

    #: character -> its unpacked septets (one byte, or the escape and the single shift code).
    septets: dict[str, bytes]
    #: septet -> character (None: unassigned; always so for the escape cell 0x1B).
    decode: tuple[str | None, ...]
    #: code after an escape -> character (None: neither table assigns it).
    decode_escaped: tuple[str | None, ...]
    #: "the GSM 03.38 default alphabet or its extension table", "the Turkish locking ...".
    tables: str
    locking_name: str
    single_name: str


def _language_name(nli: int) -> str:
    return NATIONAL_TABLES[nli][0].capitalize()


def _build_codec(locking: int, single: int) -> _Codec:
    lock = locking_table(locking)
    shift = single_shift_table(single)
    assert lock is not None  # _nli refused Spanish as a locking table
    septets: dict[str, bytes] = {}
    # Lowest code last, so it wins where a table repeats a character; locking cells
    # last of all: one septet beats two.
    for code in reversed(range(128)):
        ch = shift[code]
        if ch is not None:
            septets[ch] = bytes((ESCAPE, code))
    for code in reversed(range(128)):
        ch = lock[code]
        if ch is not None:
            septets[ch] = bytes((code,))
    if septets.get(" ") != bytes((_SPACE_SEPTET,)):
        raise AssertionError(f"locking table {locking} does not send the space as 0x20")
    escaped: list[str | None] = []
    for code in range(128):
        if shift[code] is not None:
            escaped.append(shift[code])
        elif code == ESCAPE:
            escaped.append(_ESCAPE_ESCAPE)
        else:
            # §6.2.1.1 note 1: an undefined single shift code shows its locking-table character.
            escaped.append(lock[code])
    if locking == 0 and single == 0:
        tables = "GSM 03.38 default alphabet or its extension table"
        locking_name = "default alphabet"
        single_name = "extension table"
    else:
        locking_name = (
            "GSM 03.38 default alphabet" if locking == 0 else f"{_language_name(locking)} locking shift table"
        )
        single_name = (
            "default extension table" if single == 0 else f"{_language_name(single)} single shift table"
        )
        tables = f"{locking_name} or the {single_name}"
    return _Codec(septets, lock, tuple(escaped), tables, locking_name, single_name)


_DEFAULT = _build_codec(0, 0)
#: (locking, single) -> its codec, built on first use.
_CODECS: dict[tuple[int, int], _Codec] = {(0, 0): _DEFAULT}


def _nli(value: object, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"{argument} must be str or int, not {type(value).__name__}")
    try:
        nli = language_id(value)
    except ArgumentError as exc:
        raise ArgumentError(f"{argument}: {exc}", argument=argument) from None
    if argument == "locking_shift" and locking_table(nli) is None:
        raise ArgumentError(
            f"locking_shift: {_language_name(nli)} ({nli}) has no locking shift table "
            "(TS 23.038 A.2.2); use it as single_shift",
            argument="locking_shift",
        )
    return nli


def _codec(locking_shift: object, single_shift: object) -> _Codec:
    if type(locking_shift) is int and type(single_shift) is int and not (locking_shift or single_shift):
        return _DEFAULT
    key = (_nli(locking_shift, "locking_shift"), _nli(single_shift, "single_shift"))
    codec = _CODECS.get(key)
    if codec is None:
        codec = _CODECS[key] = _build_codec(*key)
    return codec


def _text(value: object) -> str:
    if type(value) is str:
        return value
    if isinstance(value, str):
        # An exact copy of a str subclass (the compiled twin reads the object's own storage).
        return str.__str__(value)
    raise TypeError(f"text must be str, not {type(value).__name__}")


def _encoding_error(text: str, position: int, codec: _Codec) -> EncodingError:
    ch = text[position]
    return EncodingError(
        f"character {ch!r} (U+{ord(ch):04X}) at position {position} is not in the {codec.tables}",
        char=ch,
        position=position,
    )


def _decode_fault(data: bytes, position: int, codec: _Codec) -> DecodeError:
    byte = data[position]
    if byte >= 0x80:
        message = f"byte 0x{byte:02X} at position {position} is not a GSM 7-bit septet; expected 0x00-0x7F"
    elif byte != ESCAPE:
        message = (
            f"septet 0x{byte:02X} at position {position} is not assigned in the {codec.locking_name}; "
            "expected one of its septets"
        )
    elif position + 1 == len(data):
        message = f"escape 0x1B at position {position} ends the data; expected a code 0x00-0x7F after it"
    elif data[position + 1] >= 0x80:
        message = (
            f"escape 0x1B at position {position} is followed by byte 0x{data[position + 1]:02X}, "
            "not a septet; expected a code 0x00-0x7F after an escape"
        )
    else:
        message = (
            f"escape 0x1B at position {position} is followed by code 0x{data[position + 1]:02X}, "
            f"which neither the {codec.single_name} nor the {codec.locking_name} assigns; "
            "expected an assigned code"
        )
    return DecodeError(message, position=position)


def _septet_error(septets: bytes, position: int) -> DecodeError:
    return DecodeError(
        f"byte 0x{septets[position]:02X} at position {position} is not a septet; expected 0x00-0x7F",
        position=position,
    )


def _check_fill_bits(fill_bits: int) -> None:
    # TS 23.040 §9.2.3.24: at most 6 fill bits bring a UDH up to a septet boundary.
    if not 0 <= fill_bits <= 6:
        raise ArgumentError(f"fill_bits must be 0-6, not {fill_bits}", argument="fill_bits")


def is_gsm7(text: str, *, locking_shift: int | str = 0, single_shift: int | str = 0) -> bool:
    """Tell whether every character of ``text`` is in the GSM 03.38 default alphabet or
    its extension table (TS 23.038 §6.2.1), or in the national language tables named by
    ``locking_shift`` / ``single_shift`` (names such as ``"turkish"`` or identifiers 1-13,
    TS 23.038 §6.2.1.2.4; 0 is the default table).  U+001B (ESC) is never in: 0x1B is
    the escape.

    Returns:
        True for a text those tables carry (and for ``""``).

    Raises:
        TypeError: ``text`` is not a ``str``, or a table is neither ``str`` nor ``int``.
        ArgumentError: an unknown language, or ``locking_shift="spanish"`` (Spanish
            has a single shift table only).
    """
    if type(text) is not str:
        text = _text(text)
    septets = _codec(locking_shift, single_shift).septets
    return all(ch in septets for ch in text)


def gsm7_septets(text: str, *, locking_shift: int | str = 0, single_shift: int | str = 0) -> int:
    """Count the septets that encode ``text``: 1 per character of the locking table (the
    default alphabet unless ``locking_shift`` names another), 2 per character found only
    in the single shift table (the escape plus its code, TS 23.038 §6.2.1.1).

    Returns:
        The septet count (before any packing or segmenting).

    Raises:
        TypeError: ``text`` is not a ``str``, or a table is neither ``str`` nor ``int``.
        ArgumentError: an unknown language, or Spanish as ``locking_shift``.
        EncodingError: a character is in neither table; ``char`` and ``position`` say
            which (use :func:`non_gsm7_chars` to list them all, or UCS-2 instead).
    """
    if type(text) is not str:
        text = _text(text)
    codec = _codec(locking_shift, single_shift)
    total = 0
    for position, ch in enumerate(text):
        septets = codec.septets.get(ch)
        if septets is None:
            raise _encoding_error(text, position, codec)
        total += len(septets)
    return total


def non_gsm7_chars(text: str, *, locking_shift: int | str = 0, single_shift: int | str = 0) -> list[str]:
    """List the distinct characters of ``text`` outside both tables (the GSM 03.38 default
    alphabet and extension table, or the national tables ``locking_shift`` and
    ``single_shift`` name).

    Returns:
        The characters in order of first appearance (``[]`` when the tables carry ``text``).

    Raises:
        TypeError: ``text`` is not a ``str``, or a table is neither ``str`` nor ``int``.
        ArgumentError: an unknown language, or Spanish as ``locking_shift``.
    """
    if type(text) is not str:
        text = _text(text)
    septets = _codec(locking_shift, single_shift).septets
    return list(dict.fromkeys(ch for ch in text if ch not in septets))


def encode_gsm7(
    text: str, mode: int, /, *, locking_shift: int | str = 0, single_shift: int | str = 0
) -> bytes:
    """Unpacked septets of ``text``; unencodable characters handled per ``mode``."""
    codec = _codec(locking_shift, single_shift)
    table = codec.septets
    out = bytearray()
    for position, ch in enumerate(text):
        septets = table.get(ch)
        if septets is not None:
            out += septets
        elif mode == STRICT:
            raise _encoding_error(text, position, codec)
        elif mode == REPLACE:
            out += _QUESTION
    return bytes(out)


def decode_gsm7(
    data: bytes, mode: int, /, *, locking_shift: int | str = 0, single_shift: int | str = 0
) -> str:
    """The text of unpacked septets ``data``; faults (see the module doc) handled per ``mode``."""
    codec = _codec(locking_shift, single_shift)
    decode = codec.decode
    escaped = codec.decode_escaped
    out: list[str] = []
    n = len(data)
    i = 0
    while i < n:
        byte = data[i]
        if byte == ESCAPE and i + 1 < n and data[i + 1] < 0x80:
            ch = escaped[data[i + 1]]
            step = 2
        else:
            ch = decode[byte] if byte < 0x80 else None
            step = 1
        if ch is not None:
            out.append(ch)
        elif mode == STRICT:
            raise _decode_fault(data, i, codec)
        elif mode == REPLACE:
            out.append(_REPLACEMENT_CHARACTER)
        i += step
    return "".join(out)


def pack_septets(septets: bytes, fill_bits: int, /) -> bytes:
    """Pack septets (TS 23.038 §6.1.2.1.1) after ``fill_bits`` zero bits, in ceil((fill + 7n) / 8) octets."""
    _check_fill_bits(fill_bits)
    # Septets go into one little-endian bit stream: septet k occupies bits
    # fill_bits + 7k .. fill_bits + 7k + 6, octet j holds bits 8j .. 8j + 7.  The fill
    # bits count even with no septet after them: a header-only message still sends the
    # octet that completes its header's last septet (TS 23.040 §9.2.3.24), so b"" after
    # 1-6 fill bits is one zero octet.
    out = bytearray((fill_bits + 7 * len(septets) + 7) // 8)
    acc = 0
    bits = fill_bits
    o = 0
    for position, septet in enumerate(septets):
        if septet > 0x7F:
            raise _septet_error(septets, position)
        acc |= septet << bits
        bits += 7
        while bits >= 8:
            out[o] = acc & 0xFF
            o += 1
            acc >>= 8
            bits -= 8
    if bits:
        out[o] = acc
    return bytes(out)


def unpack_septets(data: bytes, count: int, fill_bits: int, /) -> bytes:
    """Unpack ``count`` septets (-1: every whole one) after ``fill_bits`` bits of ``data``."""
    _check_fill_bits(fill_bits)
    available = max(0, (8 * len(data) - fill_bits) // 7)
    if count < 0:
        count = available
    elif count > available:
        need = (fill_bits + 7 * count + 7) // 8
        raise DecodeError(
            f"{count} septets after {fill_bits} fill bits need {need} octets, but the data has "
            f"{len(data)}; expected at most {available} septets",
            position=len(data),
        )
    out = bytearray(count)
    if count == 0:
        return b""
    acc = data[0] >> fill_bits
    bits = 8 - fill_bits
    o = 1
    for k in range(count):
        if bits < 7:
            acc |= data[o] << bits
            o += 1
            bits += 8
        out[k] = acc & 0x7F
        acc >>= 7
        bits -= 7
    return bytes(out)
