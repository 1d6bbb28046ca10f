"""GSM 03.38 (3GPP TS 23.038 §6.2.1) and UCS-2 encoding: the public functions.

This layer checks argument types and values, then hands exact ``str``/``bytes`` to the
live kernel (compiled ``_gsm7_c`` or its pure twin ``_gsm7_py``, which documents the
rules in full).  ``is_gsm7``, ``gsm7_septets`` and ``non_gsm7_chars`` are the kernels'
own functions, which check their arguments themselves.  UCS-2 needs no kernel of its
own: CPython's UTF-16 codec is C already; this module only turns its errors into ours.

National language tables (TS 23.038 §6.2.1.2.4, Annex A): every GSM-7 function takes
keyword-only ``locking_shift`` and ``single_shift`` (a name such as ``"turkish"`` or an
identifier 1-13; 0 or ``"default"`` for the default tables).  The locking table replaces
the default alphabet, the single shift table the extension table, behind the same
escape 0x1B.  A character in both tables is sent as its locking code (one septet); one
that a single shift table holds twice (U+00A1 at 0x13 and 0x15 in the Indic tables) as
the lowest code; the space is 0x20 in every table.  Spanish has no locking table.  The
``gsm-7`` Python codec (:mod:`smscodec.codec`) always uses the default tables.

Decoding rules in short (TS 23.038 §6.2.1.1):

* an escape (0x1B) followed by a code the single shift table leaves undefined decodes
  as the locking-table character of that code (the specification's rule for the default
  tables, applied to every pair); ``1B 1B`` (reserved for a further extension table)
  decodes as a space, as the specification asks of a receiver;
* a byte >= 0x80, and an escape with no septet after it (at the end of the data, or
  before a byte >= 0x80), are faults: ``DecodeError`` under ``"strict"``, one U+FFFD
  each under ``"replace"``, dropped under ``"ignore"``; with national tables, so is a
  septet the locking table leaves unassigned, and an escape plus a code neither table
  assigns (one fault).

Packing (TS 23.038 §6.1.2.1.1) has one ambiguity callers must know about: when the
septets end 7 bits before an octet boundary (``(fill_bits + 7 * n) % 8 == 1``), the last
octet's 7 spare zero bits look like one more septet, 0x00 (``"@"``).  ``unpack_septets``
with ``count=None`` returns it; callers that know the septet count (TP-UDL,
TS 23.040 §9.2.3.16) pass ``count``.  Fill bits always take their octet, even with no
septet after them: a header-only 7-bit message (a UDH of 6 octets, 1 fill bit, no text)
packs ``b""`` into one zero octet, which ``unpack_septets`` reads back as ``b""`` with
``count=0`` and, with ``count=None``, as that one ``"@"`` (1 fill bit leaves 7 spare).
"""

from __future__ import annotations

from .errors import ArgumentError, DecodeError, EncodingError

# typing is only for type checkers: `import smscodec` never imports it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from . import _gsm7_py as _kernel
else:
    from ._backend import load

    _kernel = load("gsm7")

__all__ = [
    "decode_gsm7",
    "decode_ucs2",
    "encode_gsm7",
    "encode_ucs2",
    "gsm7_septets",
    "is_gsm7",
    "non_gsm7_chars",
    "pack_septets",
    "unpack_septets",
]

_MODES = {"strict": _kernel.STRICT, "replace": _kernel.REPLACE, "ignore": _kernel.IGNORE}

BytesLike = bytes | bytearray | memoryview

# The default of ``locking_shift``/``single_shift`` (the very object: ``0`` is one shared
# int), so the common call skips passing them on.
_DEFAULT_TABLES = 0


def _text(value: object, name: str) -> str:
    if type(value) is str:
        return value
    if isinstance(value, str):
        # An exact copy of a str subclass: the kernels read the object's own storage.
        return str.__str__(value)
    raise TypeError(f"{name} must be str, not {type(value).__name__}")


def _bytes(value: object, name: str) -> bytes:
    if type(value) is bytes:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be bytes, bytearray or memoryview, not {type(value).__name__}")


def _mode(errors: object) -> int:
    if not isinstance(errors, str):
        raise TypeError(f"errors must be str, not {type(errors).__name__}")
    mode = _MODES.get(errors)
    if mode is None:
        raise ArgumentError(
            f"errors must be 'strict', 'replace' or 'ignore', not {errors!r}", argument="errors"
        )
    return mode


def _int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    return int(value)


def _fill_bits(value: object) -> int:
    fill_bits = _int(value, "fill_bits")
    # TS 23.040 §9.2.3.24: 0-6 fill bits bring a user data header to a septet boundary.
    if not 0 <= fill_bits <= 6:
        raise ArgumentError(f"fill_bits must be 0-6, not {fill_bits}", argument="fill_bits")
    return fill_bits


# The kernels are the public functions themselves: they check their own arguments, and
# a 160-character count costs no more than a Python call frame would add (the pure twin
# holds the docstrings; the compiled twin's are the same in substance).
is_gsm7 = _kernel.is_gsm7
gsm7_septets = _kernel.gsm7_septets
non_gsm7_chars = _kernel.non_gsm7_chars


def encode_gsm7(
    text: str,
    errors: str = "strict",
    *,
    locking_shift: int | str = 0,
    single_shift: int | str = 0,
) -> bytes:
    """Encode ``text`` as unpacked GSM 7-bit septets, one per byte, with the escape 0x1B
    before each extension-table character (TS 23.038 §6.2.1).

    ``errors`` chooses what happens to a character in neither table: ``"strict"`` raises,
    ``"replace"`` writes ``"?"`` (0x3F), ``"ignore"`` drops it.

    ``locking_shift`` and ``single_shift`` name national language tables (TS 23.038
    §6.2.1.2.4, Annex A: ``"turkish"``, ``"hindi"``, ... or identifiers 1-13; 0 or
    ``"default"`` for the default tables): the locking table replaces the default
    alphabet, the single shift table the extension table, behind the same escape.  A
    character in both is sent as its one-septet locking code; one a single shift table
    holds twice as its lowest code.  The receiver must be told which tables were used
    (the national language shift elements of the user data header, TS 23.040
    §9.2.3.24.15-16; :func:`smscodec.split` adds them).

    Returns:
        The septets (pass them to :func:`pack_septets` for the 7-bit packed form).

    Raises:
        TypeError: ``text`` or ``errors`` is not a ``str``, or a table is neither ``str``
            nor ``int``.
        ArgumentError: ``errors`` is not one of the three names; an unknown language, or
            Spanish as ``locking_shift`` (it has a single shift table only).
        EncodingError: under ``"strict"``, the first unencodable character (``char``,
            ``position``).
    """
    mode = _MODES.get(errors) if type(errors) is str else None
    if mode is None:
        mode = _mode(errors)
    if type(text) is not str:
        text = _text(text, "text")
    if locking_shift is _DEFAULT_TABLES and single_shift is _DEFAULT_TABLES:
        return _kernel.encode_gsm7(text, mode)
    return _kernel.encode_gsm7(text, mode, locking_shift=locking_shift, single_shift=single_shift)


def decode_gsm7(
    data: BytesLike,
    errors: str = "strict",
    *,
    locking_shift: int | str = 0,
    single_shift: int | str = 0,
) -> str:
    """Decode unpacked GSM 7-bit septets (one per byte) to text.

    ``locking_shift`` and ``single_shift`` name the tables the sender used (as for
    :func:`encode_gsm7`; the user data header's national language shift elements say
    which, TS 23.040 §9.2.3.24.15-16).  An escape followed by a code the single shift
    table leaves undefined decodes as the locking-table character of that code (the rule
    TS 23.038 §6.2.1.1 note 1 gives for the default tables, applied to every pair),
    ``1B 1B`` as a space.  Faults follow ``errors``: ``"strict"`` raises, ``"replace"``
    gives U+FFFD each, ``"ignore"`` drops them.  A fault is a byte >= 0x80; an escape
    with no septet after it; and, with national tables, a septet the locking table leaves
    unassigned, or an escape and a code neither table assigns (one fault for the pair).

    Returns:
        The text.

    Raises:
        TypeError: ``data`` is not bytes-like or ``errors`` not a ``str``, or a table is
            neither ``str`` nor ``int``.
        ArgumentError: ``errors`` is not one of the three names; an unknown language, or
            Spanish as ``locking_shift``.
        DecodeError: under ``"strict"``, ``position`` is the index of the first fault
            (for an escape fault, the escape's own index).
    """
    mode = _MODES.get(errors) if type(errors) is str else None
    if mode is None:
        mode = _mode(errors)
    if type(data) is not bytes:
        data = _bytes(data, "data")
    if locking_shift is _DEFAULT_TABLES and single_shift is _DEFAULT_TABLES:
        return _kernel.decode_gsm7(data, mode)
    return _kernel.decode_gsm7(data, mode, locking_shift=locking_shift, single_shift=single_shift)


def pack_septets(septets: BytesLike, fill_bits: int = 0) -> bytes:
    """Pack septets into octets, 8 septets in 7 octets, least significant bit first
    (TS 23.038 §6.1.2.1.1), after ``fill_bits`` zero bits (the padding that brings a user
    data header to a septet boundary, TS 23.040 §9.2.3.24).

    Spare bits of the last octet are zero; see the module doc for what that means when
    7 of them are left.

    Returns:
        ``ceil((fill_bits + 7 * len(septets)) / 8)`` octets: ``b""`` only for no septets
        and no fill bits; no septets after 1-6 fill bits (a header-only message) give the
        one zero octet that carries the fill bits.

    Raises:
        TypeError: ``septets`` is not bytes-like or ``fill_bits`` not an ``int``.
        ArgumentError: ``fill_bits`` is outside 0-6.
        DecodeError: a byte >= 0x80 is not a septet (``position`` is its index).
    """
    fill = _fill_bits(fill_bits)
    return _kernel.pack_septets(_bytes(septets, "septets"), fill)


def unpack_septets(data: BytesLike, count: int | None = None, fill_bits: int = 0) -> bytes:
    """Unpack 7-bit packed octets (TS 23.038 §6.1.2.1.1) into septets, one per byte,
    skipping ``fill_bits`` leading bits.

    ``count=None`` unpacks every whole septet, ``floor((8 * len(data) - fill_bits) / 7)``,
    which includes a trailing 0x00 when 7 spare bits end the data (module doc); pass the
    real septet count (TP-UDL) when you know it.

    Returns:
        The septets (pass them to :func:`decode_gsm7` for text).

    Raises:
        TypeError: ``data`` is not bytes-like, ``count`` not an ``int`` or ``None``, or
            ``fill_bits`` not an ``int``.
        ArgumentError: ``fill_bits`` is outside 0-6 or ``count`` is negative.
        DecodeError: ``data`` is too short for ``count`` septets (truncated user data);
            ``position`` is ``len(data)``, where more octets were expected.
    """
    fill = _fill_bits(fill_bits)
    if count is None:
        wanted = -1
    else:
        wanted = _int(count, "count")
        if wanted < 0:
            raise ArgumentError(f"count must be None or >= 0, not {wanted}", argument="count")
    return _kernel.unpack_septets(_bytes(data, "data"), wanted, fill)


def encode_ucs2(text: str) -> bytes:
    """Encode ``text`` as UCS-2 the way SMS carries it today: UTF-16BE, with a surrogate
    pair (two 16-bit units) for each character beyond U+FFFF (TS 23.038 §6.2.3).

    Returns:
        Two bytes per BMP character, four per other character.

    Raises:
        TypeError: ``text`` is not a ``str``.
        EncodingError: ``text`` holds a lone surrogate code point (U+D800-U+DFFF), which
            no UTF-16 sequence can carry (``char``, ``position``).
    """
    value = _text(text, "text")
    try:
        return value.encode("utf-16-be")
    except UnicodeEncodeError as exc:
        ch = value[exc.start]
        raise EncodingError(
            f"lone surrogate {ch!r} (U+{ord(ch):04X}) at position {exc.start} cannot be encoded "
            "as UTF-16; expected a character U+0000-U+D7FF or U+E000-U+10FFFF",
            char=ch,
            position=exc.start,
        ) from None


def decode_ucs2(data: BytesLike) -> str:
    """Decode UCS-2 / UTF-16BE (surrogate pairs joined) to text.

    Returns:
        The text.

    Raises:
        TypeError: ``data`` is not bytes-like.
        DecodeError: an odd length (``position`` is the last byte, half a unit) or a lone
            surrogate (``position`` is the byte offset of its unit), whichever comes first.
    """
    raw = _bytes(data, "data")
    try:
        return raw.decode("utf-16-be")
    except UnicodeDecodeError:
        raise _ucs2_fault(raw) from None


def _ucs2_fault(data: bytes) -> DecodeError:
    # Walk the units to name the first fault; runs only once CPython's decoder failed.
    n = len(data)
    i = 0
    while i + 1 < n:
        unit = (data[i] << 8) | data[i + 1]
        if 0xD800 <= unit <= 0xDBFF:
            low = (data[i + 2] << 8) | data[i + 3] if i + 3 < n else None
            if low is None or not 0xDC00 <= low <= 0xDFFF:
                return DecodeError(
                    f"high surrogate 0x{unit:04X} at position {i} is not followed by a low surrogate; "
                    "expected a UTF-16BE surrogate pair",
                    position=i,
                )
            i += 4
        elif 0xDC00 <= unit <= 0xDFFF:
            return DecodeError(
                f"low surrogate 0x{unit:04X} at position {i} has no high surrogate before it; "
                "expected a UTF-16BE surrogate pair",
                position=i,
            )
        else:
            i += 2
    return DecodeError(
        f"UCS-2 data of odd length {n}: the byte at position {n - 1} is half a 16-bit unit; "
        "expected an even number of bytes",
        position=n - 1,
    )
