"""Hex bodies (the Vonage SMS API's ``type=binary`` ``body`` and ``udh``): strict parsing.

``bytes.fromhex`` is C already but lenient (it skips ASCII whitespace between pairs);
here a cheap C-speed screen (``isascii`` + ``isalnum`` + even length) routes clean input
straight to it, and only faulty input takes the slow walk that finds the first offending
character.  No compiled kernel: the benchmark in ``benchmarks/`` shows the glue costs a
few tens of nanoseconds on top of ``bytes.fromhex``.
"""

from __future__ import annotations

from .errors import HexError

__all__ = ["from_hex", "to_hex"]

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def from_hex(text: str) -> bytes:
    """Parse a hex string: an even number of ``0-9``, ``a-f``, ``A-F`` and nothing else
    (no spaces, no ``0x``, no non-ASCII digits).

    Returns:
        The bytes (``b""`` for ``""``).

    Raises:
        TypeError: ``text`` is not a ``str``.
        HexError: ``position`` is the index of the first character that is not a hex
            digit, or ``len(text) - 1`` when every character is one but there is an odd
            number of them.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not text:
        return b""
    # isalnum() rules out whitespace, which bytes.fromhex would skip; what is left for
    # fromhex to reject (letters past f) it rejects.
    if not len(text) % 2 and text.isascii() and text.isalnum():
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    raise _hex_fault(text)


def _hex_fault(text: str) -> HexError:
    for position, ch in enumerate(text):
        if ch not in _HEX_DIGITS:
            return HexError(
                f"non-hex character {ch!r} at position {position}; expected only 0-9, a-f, A-F",
                position=position,
            )
    return HexError(
        f"odd-length hex string ({len(text)} characters): the last one, at position {len(text) - 1}, "
        "has no partner; expected an even number of hex digits",
        position=len(text) - 1,
    )


def to_hex(data: bytes | bytearray | memoryview, *, upper: bool = False) -> str:
    """Format bytes as hex, two digits per byte, no separators.

    Returns:
        Lower-case digits, or upper-case ones with ``upper=True``.

    Raises:
        TypeError: ``data`` is not bytes-like or ``upper`` not a ``bool``.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, bytearray or memoryview, not {type(data).__name__}")
    if not isinstance(upper, bool):
        raise TypeError(f"upper must be bool, not {type(upper).__name__}")
    text = data.hex()
    return text.upper() if upper else text
