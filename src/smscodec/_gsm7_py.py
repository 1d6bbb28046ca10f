"""GSM 03.38 kernels, pure Python: the readable specification of ``_gsm7_c``.

Both twins export the same names with the same signatures and raise the same
exceptions with the same messages.  Arguments arrive already checked by
:mod:`smscodec.gsm7`: exact ``str``/``bytes``, ``mode`` one of :data:`STRICT`,
:data:`REPLACE`, :data:`IGNORE`, ``fill_bits`` in 0-6 and ``count`` >= -1.

Encoding (TS 23.038 §6.2.1): a character of the default alphabet is one septet, a
character of the extension table two (the escape 0x1B, then its code).  Output is
unpacked: one septet per byte.

Decoding reads the same layout back.  The escape 0x1B is the only multi-byte
sequence, so every decoding fault spans exactly one byte:

* a byte >= 0x80 is not a septet;
* an escape followed by a byte >= 0x80, or by nothing (at the end of the data), is
  an escape with no code after it: the fault is the escape; decoding resumes at the
  next byte (so ``1B 80`` gives two faults, like a truncated UTF-8 sequence followed by
  a stray byte).

Under :data:`REPLACE` each fault becomes U+FFFD, under :data:`IGNORE` it is dropped.
An escape followed by a code the extension table leaves undefined decodes as the
default-alphabet character of that code (TS 23.038 §6.2.1.1, note 1), and ``1B 1B``,
reserved for an escape to a further extension table, decodes as one space, as the
table's own note asks of a receiver (TS 23.038 §6.2.1.1, code 0x1B).
"""

from __future__ import annotations

from ._tables import DEFAULT_ALPHABET, DEFAULT_EXTENSION, ESCAPE
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


def _build_encoder() -> dict[str, bytes]:
    table: dict[str, bytes] = {}
    for code, ch in enumerate(DEFAULT_EXTENSION):
        if ch is not None:
            table[ch] = bytes((ESCAPE, code))
    # Default-alphabet cells win over extension cells: one septet beats two.
    for code, ch in enumerate(DEFAULT_ALPHABET):
        if ch is not None:
            table[ch] = bytes((code,))
    return table


def _build_escape_decoder() -> tuple[str, ...]:
    cells: list[str] = []
    for code in range(128):
        extended = DEFAULT_EXTENSION[code]
        default = DEFAULT_ALPHABET[code]
        if extended is not None:
            cells.append(extended)
        elif code == ESCAPE:
            cells.append(_ESCAPE_ESCAPE)
        else:
            # §6.2.1.1 note 1: an undefined extension code shows its default-table character.
            assert default is not None
            cells.append(default)
    return tuple(cells)


#: character -> its unpacked septets (one byte, or the escape and the extension code).
_SEPTETS: dict[str, bytes] = _build_encoder()
#: septet -> character; the escape cell (0x1B) is None.
_DECODE: tuple[str | None, ...] = DEFAULT_ALPHABET
#: code after an escape -> character.
_DECODE_ESCAPED: tuple[str, ...] = _build_escape_decoder()


def _encoding_error(text: str, position: int) -> EncodingError:
    ch = text[position]
    return EncodingError(
        f"character {ch!r} (U+{ord(ch):04X}) at position {position} is not in the GSM 03.38 "
        "default alphabet or its extension table",
        char=ch,
        position=position,
    )


def _decode_fault(data: bytes, position: int) -> DecodeError:
    byte = data[position]
    if byte != ESCAPE:
        message = f"byte 0x{byte:02X} at position {position} is not a GSM 7-bit septet; expected 0x00-0x7F"
    elif position + 1 < len(data):
        message = (
            f"escape 0x1B at position {position} is followed by byte 0x{data[position + 1]:02X}, "
            "not a septet; expected a code 0x00-0x7F after an escape"
        )
    else:
        message = f"escape 0x1B at position {position} ends the data; expected a code 0x00-0x7F after it"
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


def is_gsm7(text: str, /) -> bool:
    """True when every character is in the default alphabet or the extension table."""
    return all(ch in _SEPTETS for ch in text)


def gsm7_septets(text: str, /) -> int:
    """Septets needed to encode ``text``; EncodingError at the first unencodable character."""
    total = 0
    for position, ch in enumerate(text):
        septets = _SEPTETS.get(ch)
        if septets is None:
            raise _encoding_error(text, position)
        total += len(septets)
    return total


def non_gsm7_chars(text: str, /) -> list[str]:
    """The distinct unencodable characters of ``text`` in order of first appearance."""
    return list(dict.fromkeys(ch for ch in text if ch not in _SEPTETS))


def encode_gsm7(text: str, mode: int, /) -> bytes:
    """Unpacked septets of ``text``; unencodable characters handled per ``mode``."""
    out = bytearray()
    for position, ch in enumerate(text):
        septets = _SEPTETS.get(ch)
        if septets is not None:
            out += septets
        elif mode == STRICT:
            raise _encoding_error(text, position)
        elif mode == REPLACE:
            out += _QUESTION
    return bytes(out)


def decode_gsm7(data: bytes, mode: int, /) -> str:
    """The text of unpacked septets ``data``; faults (see the module doc) handled per ``mode``."""
    out: list[str] = []
    n = len(data)
    i = 0
    while i < n:
        byte = data[i]
        if byte == ESCAPE and i + 1 < n and data[i + 1] < 0x80:
            out.append(_DECODE_ESCAPED[data[i + 1]])
            i += 2
            continue
        ch = _DECODE[byte] if byte < 0x80 else None
        if ch is not None:
            out.append(ch)
        elif mode == STRICT:
            raise _decode_fault(data, i)
        elif mode == REPLACE:
            out.append(_REPLACEMENT_CHARACTER)
        i += 1
    return "".join(out)


def pack_septets(septets: bytes, fill_bits: int, /) -> bytes:
    """Pack septets (TS 23.038 §6.1.2.1.1) after ``fill_bits`` zero bits; b"" when there are none."""
    _check_fill_bits(fill_bits)
    if not septets:
        return b""
    # Septets go into one little-endian bit stream: septet k occupies bits
    # fill_bits + 7k .. fill_bits + 7k + 6, octet j holds bits 8j .. 8j + 7.
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
