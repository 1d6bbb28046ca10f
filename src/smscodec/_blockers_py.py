"""Blocking characters of many messages: the pure-Python twin (the readable specification).

The campaign report (``smscodec._report``) ranks the characters that force UCS-2 by
what replacing each one alone would save.  For that it needs, for every UCS-2 message
of a chunk, the distinct characters in it that no enabled table carries: its
*blockers*.  :func:`blocker_pairs` finds them in the messages' UTF-8, back to back in
one buffer (an Arrow array's own data buffer, or the encoded messages of a list):

* message ``q`` is ``data[ends[q - 1]:ends[q]]`` (``ends[-1]`` is read as 0 for the
  first one), and is read only where ``scan[q]`` is non-zero;
* a code point ``cp`` blocks when ``ids[cp] != skip`` (the report's table: ``skip`` for
  a character some enabled table or smart map carries, else the blocker's number or
  "not numbered yet");
* the result is two arrays of equal length: ``positions`` (``q``, ascending) and
  ``cps``, one entry per distinct (message, blocker), within a message in the order of
  first appearance.

The UTF-8 is validated as Python's ``"surrogatepass"`` decoder does (RFC 3629 §3, plus
the three-octet form of a lone surrogate, which a caller's ``str`` may hold): a
malformed sequence is a :class:`~smscodec.errors.DecodeError` naming the message and the
octet where its sequence starts.  Lengths are checked before anything is read: ``scan``
as long as ``ends``, ``ends`` never decreasing nor past ``data``, ``ids`` covering every
code point.

The compiled twin ``_blockers_c.pyx`` has the same function, results and errors.
"""

from __future__ import annotations

from array import array
from typing import Any

from .errors import DecodeError

__all__ = ["UNICODE_SIZE", "blocker_pairs"]

#: Code points U+0000-U+10FFFF: the length ``ids`` must have at least.
UNICODE_SIZE = 0x110000


def check_lengths(messages: int, flags: int, entries: int) -> None:
    """Raise ValueError unless ``scan`` has one flag per message and ``ids`` covers every code point."""
    if flags != messages:
        raise ValueError(f"scan has {flags} entries for {messages} messages")
    if entries < UNICODE_SIZE:
        raise ValueError(f"ids has {entries} entries, {UNICODE_SIZE} needed (one per code point)")


def ends_error(q: int, end: int, start: int, size: int) -> ValueError:
    """The error for message ``q`` ending at ``end``, before its start or past the data."""
    return ValueError(
        f"message {q} ends at octet {end}, outside {start}..{size} (ends must not decrease nor pass the data)"
    )


def utf8_error(q: int, position: int, octet: int) -> DecodeError:
    """The error for message ``q`` whose sequence at ``position`` (in the message) is malformed."""
    return DecodeError(
        f"message {q} is not valid UTF-8: the sequence at octet {position} (0x{octet:02X}) "
        "is malformed or truncated",
        position=position,
    )


def blocker_pairs(data: Any, ends: Any, scan: Any, ids: Any, skip: int) -> tuple[array[int], array[int]]:
    """The distinct (message, blocker) pairs of the messages ``scan`` marks.

    Args:
        data: the messages' UTF-8 octets back to back (any buffer of unsigned bytes).
        ends: where each message ends in ``data`` (int64 buffer).
        scan: one flag per message (uint8 buffer): read it or not.
        ids: one int32 per code point; ``skip`` marks the characters that do not block.
        skip: the value of ``ids`` for a character that does not block.

    Returns:
        ``(positions, cps)``: ``array("q")`` of message numbers and ``array("I")`` of
        code points, one entry per distinct blocker of a message.

    Raises:
        ValueError: the buffers do not fit together.
        DecodeError: a message read is not valid UTF-8.
    """
    octets = memoryview(data).cast("B") if not isinstance(data, bytes) else data
    check_lengths(len(ends), len(scan), len(ids))
    start = 0
    for q, end in enumerate(ends):
        if end < start or end > len(octets):
            raise ends_error(q, end, start, len(octets))
        start = end
    positions: array[int] = array("q")
    cps: array[int] = array("I")
    start = 0
    for q, end in enumerate(ends):
        if scan[q]:
            chunk = bytes(octets[start:end])
            try:
                text = chunk.decode("utf-8", "surrogatepass")
            except UnicodeDecodeError as exc:
                raise utf8_error(q, exc.start, chunk[exc.start]) from None
            for ch in dict.fromkeys(text):
                cp = ord(ch)
                if ids[cp] != skip:
                    positions.append(q)
                    cps.append(cp)
        start = end
    return positions, cps
