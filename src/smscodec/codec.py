"""The ``gsm-7`` text codec for Python's :mod:`codecs` machinery.

Importing :mod:`smscodec` registers it, so that::

    "€".encode("gsm-7") == b"\\x1b\\x65"
    b"\\x00".decode("gsm-7") == "@"

Names: ``gsm-7``, ``gsm7``, ``gsm03.38``, ``gsm0338`` (any case; hyphens, underscores and
spaces ignored).  The bytes are unpacked septets, one per byte, as :func:`smscodec.encode_gsm7`
writes them (TS 23.038 §6.2.1); pack them with :func:`smscodec.pack_septets`.

Errors follow Python's codec conventions rather than smscodec's own: a
:class:`UnicodeEncodeError` / :class:`UnicodeDecodeError` goes to the ``errors``
handler, so every standard handler (``strict``, ``replace``, ``ignore``,
``backslashreplace``, ``xmlcharrefreplace``, ``namereplace``, ``surrogateescape``) and
any registered with :func:`codecs.register_error` work.  An encoding error spans a run
of unencodable characters, as CPython's own codecs report it; a decoding error spans
one byte (a byte >= 0x80, or an escape with no septet after it).

The incremental decoder holds a trailing escape (0x1B) back until the next chunk,
since the code that completes it may arrive there.

The codec always uses the default alphabet and its extension table: a codec name cannot
carry options, so the national language tables (TS 23.038 Annex A) are reached through
:func:`smscodec.encode_gsm7` / :func:`smscodec.decode_gsm7` with ``locking_shift`` and
``single_shift``.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

from . import _tables
from .errors import DecodeError, EncodingError

# typing is not imported at run time: `import smscodec` stays cheap (see segments.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

    from typing_extensions import Buffer as _Buffer

    from . import _gsm7_py as _kernel
else:
    from ._backend import load

    _kernel = load("gsm7")

__all__ = ["NAMES", "lookup"]

#: The names the codec answers to, lower-cased, with hyphens, underscores and spaces removed
#: (so ``gsm-7``, ``GSM_7`` and ``gsm 03.38`` all match).
NAMES = frozenset({"gsm7", "gsm03.38", "gsm0338"})

_NAME = "gsm-7"
_ENCODE_REASON = "character not in the GSM 03.38 default alphabet or its extension table"
_BYTE_REASON = "not a GSM 7-bit septet (expected 0x00-0x7F)"
_ESCAPE_REASON = "escape 0x1B without a septet after it"

_Runs = tuple["re.Pattern[str]", "re.Pattern[str]", "re.Pattern[bytes]"]
_runs_compiled: _Runs | None = None


def _runs() -> _Runs:
    """The patterns the error-handler paths use, compiled on first use (not at import):
    runs of encodable characters, of unencodable ones (for error spans), and of
    faultless septets (any septet but the escape, or the escape and a septet)."""
    global _runs_compiled
    if _runs_compiled is None:
        import re

        chars = "".join(
            re.escape(ch) for ch in (*_tables.DEFAULT_ALPHABET, *_tables.DEFAULT_EXTENSION) if ch is not None
        )
        _runs_compiled = (
            re.compile(f"[{chars}]+"),
            re.compile(f"[^{chars}]+"),
            re.compile(rb"(?:[\x00-\x1a\x1c-\x7f]|\x1b[\x00-\x7f])+"),
        )
    return _runs_compiled


_Handler = Callable[[UnicodeError], tuple[str | bytes, int]]


def _exact_text(value: str) -> str:
    if type(value) is not str:
        if not isinstance(value, str):
            raise TypeError(f"gsm-7 can only encode str, not {type(value).__name__}")
        value = str.__str__(value)
    return value


def _resume(newpos: int, length: int) -> int:
    # Python's convention: a negative position counts from the end.
    if newpos < 0:
        newpos += length
    if not 0 <= newpos <= length:
        raise IndexError(f"position {newpos} from the error handler is out of range")
    return newpos


def encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    """Codec entry point: ``text`` as unpacked septets, and how many characters were read."""
    text = _exact_text(text)
    if errors == "replace":
        return _kernel.encode_gsm7(text, _kernel.REPLACE), len(text)
    if errors == "ignore":
        return _kernel.encode_gsm7(text, _kernel.IGNORE), len(text)
    try:
        return _kernel.encode_gsm7(text, _kernel.STRICT), len(text)
    except EncodingError:
        pass
    handler: _Handler = codecs.lookup_error(errors)
    gsm_run, non_gsm_run, _septet_run = _runs()
    out = bytearray()
    n = len(text)
    pos = 0
    while pos < n:
        run = gsm_run.match(text, pos)
        if run is not None:
            out += _kernel.encode_gsm7(run.group(), _kernel.STRICT)
            pos = run.end()
            if pos == n:
                break
        bad = non_gsm_run.match(text, pos)
        assert bad is not None
        exc = UnicodeEncodeError(_NAME, text, pos, bad.end(), _ENCODE_REASON)
        replacement, newpos = handler(exc)
        if isinstance(replacement, bytes):
            out += replacement
        else:
            try:
                out += _kernel.encode_gsm7(replacement, _kernel.STRICT)
            except EncodingError:
                raise exc from None
        pos = _resume(newpos, n)
    return bytes(out), n


def _decode_fault(data: bytes, pos: int) -> UnicodeDecodeError:
    reason = _ESCAPE_REASON if data[pos] == _tables.ESCAPE else _BYTE_REASON
    return UnicodeDecodeError(_NAME, data, pos, pos + 1, reason)


def decode(data: _Buffer, errors: str = "strict") -> tuple[str, int]:
    """Codec entry point: unpacked septets ``data`` as text, and how many bytes were read."""
    raw = data if type(data) is bytes else bytes(data)
    if errors == "replace":
        return _kernel.decode_gsm7(raw, _kernel.REPLACE), len(raw)
    if errors == "ignore":
        return _kernel.decode_gsm7(raw, _kernel.IGNORE), len(raw)
    try:
        return _kernel.decode_gsm7(raw, _kernel.STRICT), len(raw)
    except DecodeError:
        pass
    handler: _Handler = codecs.lookup_error(errors)
    septet_run = _runs()[2]
    out: list[str] = []
    n = len(raw)
    pos = 0
    while pos < n:
        run = septet_run.match(raw, pos)
        if run is not None:
            out.append(_kernel.decode_gsm7(run.group(), _kernel.STRICT))
            pos = run.end()
            if pos == n:
                break
        replacement, newpos = handler(_decode_fault(raw, pos))
        if not isinstance(replacement, str):
            raise TypeError(
                f"decoding error handler must return (str, int), not {type(replacement).__name__}"
            )
        out.append(replacement)
        pos = _resume(newpos, n)
    return "".join(out), n


def _complete(data: bytes) -> int:
    # Bytes that can be decoded now: all but a trailing escape whose code may follow.
    # An odd run of trailing escapes ends with a lone one (1B 1B pairs up).
    stripped = len(data.rstrip(b"\x1b"))
    return len(data) - 1 if (len(data) - stripped) % 2 else len(data)


def _decode_partial(data: _Buffer, errors: str, final: bool) -> tuple[str, int]:
    raw = data if type(data) is bytes else bytes(data)
    if not final:
        raw = raw[: _complete(raw)]
    return decode(raw, errors)


class IncrementalEncoder(codecs.IncrementalEncoder):
    """Encodes chunk by chunk (GSM-7 encoding keeps no state between characters)."""

    def encode(self, input: str, final: bool = False) -> bytes:
        return encode(input, self.errors)[0]


class IncrementalDecoder(codecs.BufferedIncrementalDecoder):
    """Decodes chunk by chunk, holding back a trailing escape until its code arrives."""

    def _buffer_decode(self, input: _Buffer, errors: str, final: bool) -> tuple[str, int]:
        return _decode_partial(input, errors, final)


class StreamWriter(codecs.StreamWriter):
    """Writes text to a byte stream as unpacked septets."""

    def encode(self, input: str, errors: str = "strict") -> tuple[bytes, int]:
        return encode(input, errors)


class StreamReader(codecs.StreamReader):
    """Reads unpacked septets from a byte stream as text; a trailing escape waits for more."""

    def decode(self, input: _Buffer, errors: str = "strict") -> tuple[str, int]:
        return _decode_partial(input, errors, False)


_INFO = codecs.CodecInfo(
    name=_NAME,
    encode=encode,
    decode=decode,
    incrementalencoder=IncrementalEncoder,
    incrementaldecoder=IncrementalDecoder,
    streamreader=StreamReader,
    streamwriter=StreamWriter,
)


def lookup(name: str) -> codecs.CodecInfo | None:
    """The codec search function: the ``gsm-7`` CodecInfo for any of its names, else None."""
    # codecs.lookup has lower-cased the name and turned hyphens and spaces into "_".
    normalized = name.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    return _INFO if normalized in NAMES else None


codecs.register(lookup)
