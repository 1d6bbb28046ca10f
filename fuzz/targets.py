# ruff: noqa: PT017, PT018 - fuzz targets, not pytest tests: plain asserts on caught errors are the point
"""Fuzz targets: one per parser or kernel that takes outside input.

Each target is a function ``target(data: bytes) -> None`` that turns the fuzzer's bytes
into arguments (the same way with or without atheris, so a crash file replays
anywhere), calls the code under test and asserts its contract:

* the result has the documented type and invariants, or the call raises one of the
  library's own errors (:class:`smscodec.SmsCodecError` subclasses); a ``TypeError``
  only where the target passes a wrong argument type on purpose;
* where a compiled kernel has a pure-Python twin, both twins are called with the same
  arguments and must agree: the same result, or the same exception type and message.

Anything else (another exception, a failed assertion, a crash of the process) is a
finding.  Run every target with ``python fuzz/run.py --seconds N``; run one under
libFuzzer with ``python fuzz/targets.py NAME [libFuzzer flags] [corpus dirs]``.

Input layout: most targets read a few option bytes first (:class:`Reader`), then take the
rest as the payload.  Text payloads are UTF-8 read with ``surrogatepass`` when that
works and ``surrogateescape`` otherwise, so any bytes give a ``str`` and lone surrogates
are reachable; ``make_seeds.py`` writes seeds in this layout.
"""

from __future__ import annotations

import codecs
import importlib
import itertools
import string
import sys
import urllib.parse
from collections.abc import Callable, Sequence
from decimal import Decimal
from types import ModuleType
from typing import Any, TypeVar

T = TypeVar("T")

Target = Callable[[bytes], None]

# Imported under atheris's instrumentation when this file runs under libFuzzer (see main()).
smscodec: Any = None
udh: Any = None
signing: Any = None
vonage: Any = None
errors: Any = None
plan_mod: Any = None
# Kernel twins by name: {"gsm7": (compiled or None, pure)}.
TWINS: dict[str, tuple[ModuleType | None, ModuleType]] = {}
BATCH: ModuleType | None = None


def load_library() -> None:
    """Import smscodec and both twins of every kernel (the compiled one may be missing)."""
    global smscodec, udh, signing, vonage, errors, plan_mod, BATCH
    import smscodec as _smscodec
    import smscodec._plan as _plan
    import smscodec.errors as _errors
    import smscodec.signing as _signing
    import smscodec.udh as _udh
    import smscodec.vonage as _vonage

    smscodec, udh, signing, vonage, errors, plan_mod = (
        _smscodec,
        _udh,
        _signing,
        _vonage,
        _errors,
        _plan,
    )
    for name in ("gsm7", "segments", "count", "signing", "batch", "blockers"):
        try:
            pure = importlib.import_module(f"smscodec._{name}_py")
        except ImportError:
            continue
        try:
            compiled: ModuleType | None = importlib.import_module(f"smscodec._{name}_c")
        except ImportError:
            compiled = None
        TWINS[name] = (compiled, pure)
    try:
        BATCH = importlib.import_module("smscodec.batch")
        if not hasattr(BATCH, "count_segments"):
            BATCH = None
    except ImportError:
        BATCH = None


# --- turning bytes into arguments -----------------------------------------------------------


class Reader:
    """Consumes option bytes from the front of the input; missing bytes read as 0."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        value = self.data[self.pos] if self.pos < len(self.data) else 0
        self.pos += 1
        return value

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def choice(self, options: Sequence[T]) -> T:
        return options[self.byte() % len(options)]

    def flag(self) -> bool:
        return bool(self.byte() & 1)

    def int16(self) -> int:
        return self.byte() << 8 | self.byte()

    def rest(self) -> bytes:
        chunk = self.data[self.pos :]
        self.pos = len(self.data)
        return chunk

    def sized(self) -> bytes:
        """A length-prefixed chunk (one length byte)."""
        return self.take(self.byte())


def text_of(raw: object) -> str:
    """Any bytes as a ``str``: UTF-8, keeping encoded surrogates, else escaping bad bytes."""
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, bytes):
        return repr(raw)
    try:
        return raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "surrogateescape")


# --- contract helpers -----------------------------------------------------------------------


def library_call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """``fn(...)``, or None when it raised one of the library's own errors."""
    try:
        return fn(*args, **kwargs)
    except errors.SmsCodecError:
        return None


def outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """What a call did, comparable across twins: ("ok", result) or ("raise", type, message)."""
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as exc:
        return ("raise", type(exc), str(exc))


def twins_agree(kernel: str, function: str, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """Call ``function`` on both twins of ``kernel``; assert the same result or error.

    Returns the pure twin's outcome.  Any error must be a library error (or the ValueError
    the segments kernels use for impossible plans, which the public layer never sends).
    """
    compiled, pure = TWINS[kernel]
    expected = outcome(getattr(pure, function), *args, **kwargs)
    if compiled is not None:
        got = outcome(getattr(compiled, function), *args, **kwargs)
        assert got == expected, (
            f"twins disagree: _{kernel}_c.{function}{_short(args)} {kwargs} -> {_short(got)}, "
            f"_{kernel}_py -> {_short(expected)}"
        )
    if expected[0] == "raise":
        assert issubclass(expected[1], errors.SmsCodecError), f"_{kernel}_py.{function} raised {expected}"
    return expected


def _short(value: object, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


# --- codec core -----------------------------------------------------------------------------

_MODES = ("strict", "replace", "ignore")
# National language tables for the GSM-7 functions (TS 23.038 Annex A): mostly the
# default tables, every identifier, a name, and values that must be refused.
_SHIFTS: tuple[Any, ...] = (0, 0, 0, 0, *range(1, 14), "turkish", "Hindi", 14, -1, "klingon")


def _national(r: Reader) -> dict[str, Any]:
    return {"locking_shift": r.choice(_SHIFTS), "single_shift": r.choice(_SHIFTS)}


_CODEC_HANDLERS = ("strict", "replace", "ignore", "backslashreplace", "surrogateescape")


def t_decode_gsm7(data: bytes) -> None:
    r = Reader(data)
    errors_name = r.choice(_MODES)
    handler = r.choice(_CODEC_HANDLERS)
    tables = _national(r)
    payload = r.rest()
    mode = ("strict", "replace", "ignore").index(errors_name)
    if tables != {"locking_shift": 0, "single_shift": 0}:
        national = twins_agree("gsm7", "decode_gsm7", payload, mode, **tables)
        public = library_call(smscodec.decode_gsm7, payload, errors_name, **tables)
        assert public == (national[1] if national[0] == "ok" else None)
        if public is not None and errors_name == "strict":
            # What decodes with a table pair encodes back with it to the same septets,
            # except where an escape was followed by a code the shift table leaves undefined.
            again = library_call(smscodec.encode_gsm7, public, **tables)
            assert again is not None
    expected = twins_agree("gsm7", "decode_gsm7", payload, mode)
    result = library_call(smscodec.decode_gsm7, payload, errors_name)
    if expected[0] == "ok":
        assert result == expected[1]
        assert isinstance(result, str)
        if errors_name == "strict":
            # Strict decoding of valid septets never yields more characters than bytes.
            assert len(result) <= len(payload)
    else:
        assert result is None and errors_name == "strict"
        assert _gsm7_faulty(payload)
    if errors_name == "strict":
        assert (expected[0] == "raise") == _gsm7_faulty(payload)
    # The Python codec speaks Unicode*Error, never ours.
    try:
        via_codec = codecs.decode(payload, "gsm-7", handler)
    except UnicodeDecodeError:
        # surrogateescape only takes bytes >= 0x80; a lone escape goes back to the caller.
        assert handler in ("strict", "surrogateescape")
    else:
        assert isinstance(via_codec, str)
        if handler == "strict":
            assert via_codec == expected[1]


def _gsm7_faulty(payload: bytes) -> bool:
    """True when unpacked septets hold a byte >= 0x80 or an escape with nothing after it."""
    i = 0
    while i < len(payload):
        if payload[i] >= 0x80:
            return True
        if payload[i] == 0x1B:
            if i + 1 >= len(payload) or payload[i + 1] >= 0x80:
                return True
            i += 1
        i += 1
    return False


def t_unpack_septets(data: bytes) -> None:
    r = Reader(data)
    fill = r.choice((0, 1, 2, 3, 4, 5, 6, 0, 7, -1))
    how = r.byte()
    payload = r.rest()
    count: int | None
    if how < 96:
        count = None
    elif how < 200:
        count = how - 96
    else:
        # Huge counts: the arithmetic on them must not overflow in C.
        count = (2, 2**31, 2**62, 2**63 - 1, 2**63, 2**64, 2**80, -1)[how % 8]
    result = library_call(smscodec.unpack_septets, payload, count, fill)
    if 0 <= fill <= 6 and (count is None or 0 <= count < 2**63):
        twins_agree("gsm7", "unpack_septets", payload, -1 if count is None else count, fill)
    if result is not None:
        available = max(0, (8 * len(payload) - fill) // 7)
        assert len(result) == (available if count is None else count)
        assert all(b < 0x80 for b in result)
        # Packing the septets again gives back the very bits they were read from.
        packed = smscodec.pack_septets(result, fill)
        bits = (1 << (7 * len(result))) - 1
        source = int.from_bytes(payload, "little") >> fill & bits
        assert int.from_bytes(packed, "little") >> fill == source


def t_septet_round_trip(data: bytes) -> None:
    """encode_gsm7/pack_septets/unpack_septets/decode_gsm7 round trips."""
    r = Reader(data)
    fill = r.choice((0, 1, 2, 3, 4, 5, 6))
    errors_name = r.choice(_MODES)
    tables = _national(r)
    text = text_of(r.rest())
    mode = _MODES.index(errors_name)
    if tables != {"locking_shift": 0, "single_shift": 0}:
        for function in ("is_gsm7", "non_gsm7_chars", "gsm7_septets"):
            twins_agree("gsm7", function, text, **tables)
        national = twins_agree("gsm7", "encode_gsm7", text, mode, **tables)
        if national[0] == "ok" and library_call(smscodec.is_gsm7, text, **tables):
            assert smscodec.decode_gsm7(national[1], **tables) == text
            assert len(national[1]) == smscodec.gsm7_septets(text, **tables)
    for function in ("is_gsm7", "non_gsm7_chars"):
        twins_agree("gsm7", function, text)
    counted = twins_agree("gsm7", "gsm7_septets", text)
    encoded = twins_agree("gsm7", "encode_gsm7", text, mode)
    public = library_call(smscodec.encode_gsm7, text, errors_name)
    assert public == (encoded[1] if encoded[0] == "ok" else None)
    gsm = smscodec.is_gsm7(text)
    assert gsm == (not smscodec.non_gsm7_chars(text))
    if public is None:
        assert errors_name == "strict" and not gsm
        return
    if gsm:
        assert counted == ("ok", len(public))
        assert smscodec.decode_gsm7(public) == text
        via_codec = text.encode("gsm-7")
        assert via_codec == public
    assert all(b < 0x80 for b in public)
    packed = twins_agree("gsm7", "pack_septets", public, fill)
    assert packed[0] == "ok"
    # ceil((fill + 7n) / 8) octets: a header-only message keeps its fill octet.
    assert len(packed[1]) == (fill + 7 * len(public) + 7) // 8
    unpacked = twins_agree("gsm7", "unpack_septets", packed[1], len(public), fill)
    assert unpacked == ("ok", public)
    # count=None may add one 0x00 septet (7 spare bits), never lose one.
    everything = smscodec.unpack_septets(packed[1], None, fill)
    assert everything[: len(public)] == public and len(everything) - len(public) in (0, 1)


def t_pack_septets(data: bytes) -> None:
    r = Reader(data)
    fill = r.choice((0, 1, 2, 3, 4, 5, 6, 7, -1))
    payload = r.rest()
    result = library_call(smscodec.pack_septets, payload, fill)
    if 0 <= fill <= 6:
        expected = twins_agree("gsm7", "pack_septets", payload, fill)
        assert (result is None) == (expected[0] == "raise")
    if result is not None:
        assert smscodec.unpack_septets(result, len(payload), fill) == payload


def t_decode_ucs2(data: bytes) -> None:
    result = library_call(smscodec.decode_ucs2, data)
    try:
        reference = data.decode("utf-16-be")
    except UnicodeDecodeError:
        assert result is None
        try:
            smscodec.decode_ucs2(data)
        except errors.DecodeError as exc:
            assert 0 <= exc.position < len(data)
        return
    assert result == reference
    assert smscodec.encode_ucs2(result) == data


def t_from_hex(data: bytes) -> None:
    text = text_of(data)
    result = library_call(smscodec.from_hex, text)
    digits = set(string.hexdigits)
    valid = len(text) % 2 == 0 and all(ch in digits for ch in text)
    assert (result is not None) == valid, (text, result)
    if result is not None:
        assert result == bytes.fromhex(text)
        assert smscodec.to_hex(result) == text.lower()
    else:
        try:
            smscodec.from_hex(text)
        except errors.HexError as exc:
            assert 0 <= exc.position < len(text)
            bad = next((i for i, ch in enumerate(text) if ch not in digits), len(text) - 1)
            assert exc.position == bad


# --- user data header -----------------------------------------------------------------------


def t_udh_parse(data: bytes) -> None:
    try:
        elements = udh.parse(data)
    except errors.UdhError as exc:
        assert 0 <= exc.offset < max(1, len(data))
        assert exc.offset == 0 or exc.offset < 1 + data[0]
        return
    assert data and 1 + data[0] <= len(data)
    header = data[: 1 + data[0]]
    assert all(isinstance(e, udh.InformationElement) for e in elements)
    # build() is the inverse of parse(), up to the 140-octet limit of a message.
    try:
        rebuilt = udh.build(elements)
    except errors.UdhError:
        assert len(header) > udh.MAX_OCTETS
    else:
        assert rebuilt == header


# --- segments -------------------------------------------------------------------------------

_ENCODINGS = ("auto", "auto", "gsm7", "ucs2", "utf8")
_LANGUAGE_OPTIONS: tuple[Any, ...] = (
    (),
    (),
    ("turkish",),
    ("portuguese",),
    ("spanish", "turkish"),
    ("hindi", "bengali"),
    tuple(range(1, 14)),
    (2, "urdu"),
    ("klingon",),
    (14,),
)
_UDH_OPTIONS = (
    b"",
    b"",
    bytes.fromhex("06050412341234"),  # 16-bit application ports
    bytes.fromhex("0404020000"),  # 8-bit ports
    bytes.fromhex("050003010201"),  # a concatenation element: refused
)


def _segment_options(r: Reader) -> dict[str, Any]:
    encoding = r.choice(_ENCODINGS)
    header_kind = r.byte()
    header = _UDH_OPTIONS[header_kind % len(_UDH_OPTIONS)] if header_kind < 200 else r.sized()
    bits = r.choice((8, 8, 16, 7))
    smart = r.choice((False, False, True))
    languages = r.choice(_LANGUAGE_OPTIONS)
    return {
        "encoding": encoding,
        "udh": header,
        "reference_bits": bits,
        "smart": smart,
        "languages": languages,
    }


def t_segments(data: bytes) -> None:
    """split/analyze/count_segments on arbitrary text with random options."""
    r = Reader(data)
    options = _segment_options(r)
    reference = r.choice((None, None, 0, 255, 256, 65535, 65536, -1))
    text = text_of(r.rest())
    info = library_call(smscodec.analyze, text, **options)
    count = library_call(smscodec.count_segments, text, **options)
    if info is None:
        assert count is None
        return
    assert count == info.segments >= 1
    assert info.encoding in ("gsm7", "ucs2")
    assert 0 <= info.remaining <= info.per_segment
    if info.segments == 1:
        assert info.units + info.remaining == info.per_segment
    else:
        assert info.units > info.per_segment
    _segment_kernel_parity(info, options)
    parts = library_call(smscodec.split, text, reference=reference, **options)
    if parts is None:
        top = 255 if options["reference_bits"] == 8 else 65535
        assert info.segments > 255 or (reference is not None and not 0 <= reference <= top)
        return
    assert len(parts) == info.segments
    assert "".join(p.text for p in parts) == info.text
    assert sum(p.units for p in parts) == info.units
    for part in parts:
        assert part.units <= info.per_segment
        if part.udh:
            elements = udh.parse(part.udh)
            assert len(part.udh) == 1 + part.udh[0]
            if len(parts) > 1:
                assert any(isinstance(e, udh.Concat) and e.total == len(parts) for e in elements)
        if info.encoding == "ucs2":
            assert part.payload.decode("utf-16-be") == part.text
        elif not (info.locking_shift or info.single_shift):
            assert smscodec.decode_gsm7(part.payload) == part.text
            # An escape pair never straddles two parts.
            assert not part.payload.endswith(b"\x1b")


def _segment_kernel_parity(info: Any, options: dict[str, Any]) -> None:
    plan = plan_mod.plan(
        options["encoding"], options["udh"], options["reference_bits"], options["smart"], options["languages"]
    )
    sent = info.text
    analyzed = twins_agree("segments", "analyze", sent, *plan.args)
    assert analyzed[0] == "ok"
    encoding, parts, units, per, remaining, locking, single = analyzed[1]
    assert (parts, units, per, remaining) == (info.segments, info.units, info.per_segment, info.remaining)
    twins_agree("segments", "non_gsm", sent, plan.locks, plan.singles)
    if plan.args[:3] == (0, 5, 0) and plan.locks == plan.singles == 1:
        twins_agree("segments", "count", sent)
    if parts > 1:
        twins_agree("segments", "split", sent, encoding, locking, single, per)
    if encoding == 0:
        twins_agree("segments", "encode_septets", sent, locking, single)


def t_segments_kernels(data: bytes) -> None:
    """The segment kernels called directly with every plan the public layer can make."""
    r = Reader(data)
    # Caller headers the public layer lets through: at most 140 - 4 - 6 - 6 octets.
    header = r.choice((0, 0, 7, 5, 20, 100, 124))
    concat = r.choice((5, 6))
    mode = r.choice((0, 1, 2))
    locks = 1 | (r.int16() & 0x3FFF & ~(1 << 2))  # Spanish (2) has no locking table
    singles = 1 | (r.int16() & 0x3FFF)
    if r.flag():
        locks = singles = 1
    text = text_of(r.rest())
    result = twins_agree("segments", "analyze", text, header, concat, mode, locks, singles)
    twins_agree("segments", "non_gsm", text, locks, singles)
    twins_agree("segments", "count", text)
    twins_agree("gsm7", "gsm7_septets", text)
    if result[0] == "ok":
        encoding, parts, units, per, _remaining, locking, single = result[1]
        split = twins_agree("segments", "split", text, encoding, locking, single, per)
        assert split[0] == "ok" and len(split[1]) == parts
        assert sum(u for _, u in split[1]) == units
        if encoding == 0:
            twins_agree("segments", "encode_septets", text, locking, single)


def t_split_binary(data: bytes) -> None:
    r = Reader(data)
    header_kind = r.byte()
    header = _UDH_OPTIONS[header_kind % len(_UDH_OPTIONS)] if header_kind < 200 else r.sized()
    bits = r.choice((8, 16, 12))
    reference = r.choice((None, 0, 255, 256, 65535, -1))
    size = r.int16() & 0x7FFF
    body = (r.rest() * (size // max(1, len(data)) + 1))[:size] if size else r.rest()
    parts = library_call(smscodec.split_binary, body, udh=header, reference=reference, reference_bits=bits)
    if parts is None:
        return
    assert b"".join(p.payload for p in parts) == body
    for part in parts:
        assert len(part.udh) + len(part.payload) <= 140
        assert part.text == "" and part.units == len(part.payload)


# --- signing --------------------------------------------------------------------------------

_KEYS = ("api_key", "to", "from", "text", "sig", "timestamp", "nonce", "a", "b", "A", "é", "k&=")


def _random_value(r: Reader) -> Any:
    kind = r.byte() % 12
    if kind < 5:
        return text_of(r.sized())
    if kind == 5:
        return r.int16() - 30000
    if kind == 6:
        return 10 ** (r.byte() % 40) * (1 if r.flag() else -1)
    if kind == 7:
        return r.flag()
    if kind == 8:
        return None
    if kind == 9:
        return 1.5
    if kind == 10:
        return r.sized()
    return [text_of(r.sized())]


def _random_params(r: Reader, *, typed: bool) -> dict[Any, Any]:
    params: dict[Any, Any] = {}
    for _ in range(r.byte() % 40):
        key: Any = r.choice(_KEYS) if r.byte() < 200 else text_of(r.sized())
        if not typed and r.byte() > 250:
            key = r.byte()
        params[key] = _random_value(r) if not typed else text_of(r.sized())
    return params


_METHODS = ("md5hash", "md5", "sha1", "sha256", "sha512", "SHA256", "crc32")


def t_signing(data: bytes) -> None:
    r = Reader(data)
    typed = r.flag()
    params = _random_params(r, typed=typed)
    # A marker no message template contains: finding the secret in an error means it was echoed.
    secret = "Zq9~" + text_of(r.sized())
    method = r.choice(_METHODS)
    suffix = secret.encode("utf-8", "surrogatepass") if r.flag() else b""
    twins_agree("signing", "canonical_bytes", params, suffix)
    try:
        base = signing.base_string(params)
    except errors.SignatureError as exc:
        _no_secret(exc, secret, params)
        base = None
    try:
        sig = signing.sign(params, secret, method)
    except errors.SignatureError as exc:
        _no_secret(exc, secret, params)
        return
    assert base is not None
    assert isinstance(sig, str) and all(c in "0123456789abcdef" for c in sig)
    signed = {**params, "sig": sig.upper() if r.flag() else sig}
    assert signing.verify(signed, secret, method)
    tampered = {**signed, "sig": sig[:-1] + ("0" if sig[-1] != "0" else "1")}
    assert not signing.verify(tampered, secret, method)


def _no_secret(exc: BaseException, secret: str, *inputs: object) -> None:
    """The secret is not in the error, unless the input itself carried it (and was echoed)."""
    if len(secret) < 4 or any(secret in repr(i) or secret in text_of(i) for i in inputs):
        return
    assert secret not in str(exc) and secret not in repr(exc), "the secret leaked into an error"


# --- Vonage ---------------------------------------------------------------------------------

_SHAPES = ("bytes", "str", "mapping", "mapping-typed", "json-bytes")


def _webhook_input(r: Reader) -> Any:
    shape = r.choice(_SHAPES)
    payload = r.rest()
    if shape == "bytes":
        return payload
    if shape == "json-bytes":
        return b"{" + payload
    text = text_of(payload)
    if shape == "str":
        return text
    pairs = urllib.parse.parse_qsl(text, keep_blank_values=True)
    mapping: dict[Any, Any] = {}
    for index, (key, value) in enumerate(pairs[:150]):
        if shape == "mapping-typed":
            kind = payload[index % len(payload)] % 10 if payload else 0
            converted: Any = (
                value,
                value.encode("utf-8", "surrogatepass"),
                [value],
                [value, value],
                None,
                True,
                len(value),
                float("nan") if index % 2 else len(value) / 3,
                Decimal(len(value)) / 7,
                {"nested": value},
            )[kind]
            mapping[key.encode("utf-8", "surrogatepass") if kind == 1 and index % 3 == 0 else key] = converted
        else:
            mapping[key] = value
    return mapping


def _check_raw(parsed: Any) -> None:
    """Every parsed webhook keeps its fields (a RawFields of str, naming its unreadable
    fields), and its repr does not depend on the signature at all."""
    import dataclasses

    raw = parsed.raw
    assert isinstance(raw, vonage.RawFields)
    assert all(type(k) is str and type(v) is str for k, v in raw.items())
    assert set(parsed.unreadable) <= set(raw)
    assert raw.get("messageId") == parsed.message_id
    if "sig" in raw:
        other = vonage.RawFields({**raw, "sig": raw["sig"] + "0"}, raw.nested)
        assert repr(other) == repr(raw), "the signature shows in repr(raw)"
        twin = dataclasses.replace(parsed, sig=(parsed.sig or "") + "0", raw=other)
        assert repr(twin) == repr(parsed), "the signature shows in the repr"


def t_parse_delivery_receipt(data: bytes) -> None:
    receipt = library_call(vonage.parse_delivery_receipt, _webhook_input(Reader(data)))
    if receipt is not None:
        assert receipt.msisdn and receipt.to and receipt.message_id
        assert isinstance(receipt.status, vonage.DeliveryStatus)
        # Never lost: the word as sent, an unknown one as UNKNOWN (and not final).
        assert receipt.status_word == receipt.raw["status"]
        if not receipt.status_known:
            assert receipt.status is vonage.DeliveryStatus.UNKNOWN and not receipt.is_final
        _check_raw(receipt)


def t_parse_inbound(data: bytes) -> None:
    message = library_call(vonage.parse_inbound, _webhook_input(Reader(data)))
    if message is not None:
        assert message.msisdn and message.to and message.message_id
        if message.type is vonage.InboundType.BINARY:
            assert isinstance(message.udh, bytes)
        assert message.data is None or isinstance(message.data, bytes)
        assert message.text is None or isinstance(message.text, str)
        assert isinstance(message.udh_elements, tuple)
        _check_raw(message)
        # A message that parsed goes through a reassembler without a foreign error.
        library_call(vonage.Reassembler(max_pending=2).add, message)


def t_parse_send_response(data: bytes) -> None:
    r = Reader(data)
    fmt = r.choice(("json", "xml", "JSON"))
    as_text = r.flag()
    payload = r.rest()
    body: Any = text_of(payload) if as_text else payload
    response = library_call(vonage.parse_send_response, body, fmt)
    if response is not None:
        assert isinstance(response.message_count, int)
        assert response.total_price >= 0 or any(
            m.message_price is not None and m.message_price < 0 for m in response.messages
        )
        assert response.ok in (True, False)


_REASONS = ("unsigned", "bad_signature", "stale", "replayed")


def t_verify_webhook(data: bytes) -> None:
    r = Reader(data)
    secret = "Zq9~" + text_of(r.sized())
    method = r.choice(_METHODS)
    max_age = r.choice((300, None, 0, -1, float("nan"), 1e300))
    sign_first = r.flag()
    body = _webhook_input(r)
    try:
        verdict = vonage.verify_webhook(body, secret, method, max_age=max_age, now=1_700_000_000)
    except errors.SmsCodecError as exc:
        _no_secret(exc, secret, body, r.data)
        verdict = None
    assert verdict in (True, False, None)
    # check_webhook agrees with its boolean form, with a reason for every refusal.
    try:
        vonage.check_webhook(body, secret, method, max_age=max_age, now=1_700_000_000)
        checked: Any = True
    except errors.WebhookVerificationError as exc:
        assert exc.reason in _REASONS[:3], exc.reason
        _no_secret(exc, secret, body, r.data)
        checked = False
    except errors.SmsCodecError:
        checked = None
    assert checked == verdict, (checked, verdict)
    if not sign_first or verdict is None:
        return
    # Signed with the right secret by our own signer, the same fields verify.
    from smscodec.vonage._wire import normalize

    raw = library_call(normalize, body)
    if raw is None:
        return
    fields = raw.to_dict()
    fields["timestamp"] = "1700000000"
    try:
        fields["sig"] = signing.sign(fields, secret, method)
    except errors.SignatureError as exc:
        _no_secret(exc, secret, fields)
        return
    guard = vonage.ReplayGuard()
    ok = library_call(vonage.verify_webhook, fields, secret, method, max_age=300, now=1_700_000_100)
    if ok is None:
        return  # e.g. the signed fields grew past a size limit
    # (A nested JSON value is plain text in this dict: the same fields as strings verify.)
    assert ok is True
    assert vonage.verify_webhook(fields, secret + "x", method, max_age=300, now=1_700_000_100) is False
    # The first use passes the replay guard, the second is a replay.
    vonage.check_webhook(fields, secret, method, now=1_700_000_100, replay_guard=guard)
    try:
        vonage.check_webhook(fields, secret, method, now=1_700_000_100, replay_guard=guard)
        replayed = ""
    except errors.WebhookVerificationError as exc:
        replayed = exc.reason
    assert replayed == "replayed", "a replay was accepted"


# Characters that make the base string collide if anything can: the separators, the
# replacement, a letter, a NUL and a multi-byte character.
_CANON_ALPHABET = "&=_a\x00\u00e9"


def _canon_text(r: Reader) -> str:
    return "".join(_CANON_ALPHABET[b % len(_CANON_ALPHABET)] for b in r.take(r.byte() % 6))


def _canon_dict(r: Reader) -> dict[str, str]:
    out: dict[str, str] = {}
    for _ in range(r.byte() % 6):
        key = "sig" if r.byte() % 9 == 0 else _canon_text(r)
        out[key] = _canon_text(r)
    return out


def _replaced(value: str) -> str:
    return value.replace("&", "_").replace("=", "_")


def _neighbour(r: Reader, first: dict[str, str]) -> dict[str, str]:
    """A field set that may share first's base string: Vonage's replacement, or an attack."""
    how = r.byte() % 4
    if how == 0:
        return _canon_dict(r)
    items = sorted((k, v) for k, v in first.items() if k != "sig")
    if how == 1:  # separators in values swapped: the same base string, legitimately
        swap = {"&": "=", "=": "_", "_": "&"}
        return {k: "".join(swap.get(c, c) for c in v) if r.flag() else v for k, v in first.items()}
    if how == 2 and len(items) >= 2:  # fold fields i..j into one key (the forgery)
        i = r.byte() % (len(items) - 1)
        j = i + 1 + r.byte() % (len(items) - 1 - i)
        head = "&".join(f"{k}={_replaced(v)}" for k, v in items[i:j])
        folded = dict(items[:i] + items[j + 1 :])
        folded[f"{head}&{items[j][0]}"] = items[j][1]
        return folded
    # split one value at a separator into a new field
    out = dict(first)
    for key, value in items:
        if "&" in value and "=" in value.split("&", 1)[1]:
            left, right = value.split("&", 1)
            name, rest = right.split("=", 1)
            out[key] = left
            out[name] = rest
            break
    return out


def t_signing_canonical(data: bytes) -> None:
    """Two field sets share a base string only when they differ by Vonage's replacement of
    "&" and "=" by "_" in values; the string splits back into its fields; both twins agree."""
    r = Reader(data)
    first = _canon_dict(r)
    second = _neighbour(r, first)
    results = []
    for params in (first, second):
        outcome_ = twins_agree("signing", "canonical_bytes", params, b"")
        if outcome_[0] == "ok":
            base: bytes = outcome_[1]
            keys = [k for k in params if k != "sig"]
            assert not any("&" in k or "=" in k for k in keys), "an ambiguous key was accepted"
            text = base.decode("utf-8")
            pieces = [piece.split("=") for piece in text[1:].split("&")] if text else []
            assert all(len(p) == 2 for p in pieces), text
            assert [tuple(p) for p in pieces] == sorted((k, _replaced(params[k])) for k in keys)
            results.append(base)
        else:
            assert outcome_[1] is errors.SignatureError
            results.append(None)
    if results[0] is None:
        return
    sig = signing.sign(first, "k", "sha256")
    verified = signing.verify({**second, "sig": sig}, "k", "sha256")
    if results[1] is None:
        # Refused by the kernel: only an ambiguous key can be the cause here (the alphabet
        # has no lone surrogates), and such a field set never verifies.
        assert any("&" in k or "=" in k for k in second if k != "sig")
        assert verified is False
        return
    assert verified is (results[0] == results[1])
    if results[0] == results[1]:
        left = {k: _replaced(v) for k, v in first.items() if k != "sig"}
        right = {k: _replaced(v) for k, v in second.items() if k != "sig"}
        assert left == right, f"{first!r} and {second!r} share a base string"


def t_reassembler(data: bytes) -> None:
    """Reassembler.add/expire/flush over a fuzzed stream of parts."""
    r = Reader(data)
    clock = [0.0]
    box = vonage.Reassembler(
        max_pending=1 + r.byte() % 4,
        timeout=1 + r.byte() % 50,
        clock=lambda: clock[0],
        max_parts=r.choice((255, 3, 1)),
        max_completed=1 + r.byte() % 8,
    )
    fed: dict[str, Any] = {}
    history: list[Any] = []
    serial = itertools.count()
    while r.pos < len(r.data):
        op = r.byte() % 8
        clock[0] += r.byte() % 16
        if op == 6:
            for parts in box.expire():
                assert parts and all(p.concat is not None for p in parts)
            continue
        if op == 7 and history:
            message = history[r.byte() % len(history)]  # a retried webhook
        else:
            message = _fuzzed_part(r, serial)
            if message is None:
                continue
            history.append(message)
        fed[message.message_id] = message
        whole = library_call(box.add, message)
        assert box.pending <= box._max_pending
        if whole is None:
            continue
        if message.concat is None or message.concat.total == 1:
            assert whole is message
            continue
        assert whole.concat is None
        parts = [fed[i] for i in whole.part_ids]
        assert [p.concat.part for p in parts] == list(range(1, len(parts) + 1))
        assert len(parts) == message.concat.total
        if whole.type is vonage.InboundType.BINARY:
            assert whole.data == b"".join(p.data for p in parts)
        else:
            assert whole.text == "".join(p.text for p in parts)
    for parts in box.flush():
        assert parts
    assert box.pending == 0


def _fuzzed_part(r: Reader, serial: Any) -> Any:
    kind = r.choice(("text", "unicode", "binary"))
    total = r.choice((1, 2, 2, 3, 4, 256))
    part = r.byte() % (total + 1)
    fields: dict[str, str] = {
        "msisdn": r.choice(("447700900001", "447700900002")),
        "to": "447700900000",
        "messageId": f"id{next(serial)}",
        "type": kind,
    }
    if r.flag():
        fields |= {"concat": "true", "concat-ref": r.choice(("1", "2", "08B5")), "concat-total": str(total)}
        fields["concat-part"] = str(part)
    if kind == "binary":
        fields["data"] = r.sized().hex()
        shape = r.byte() % 4
        if shape == 1:
            header = r.sized()
            fields["udh"] = (bytes((len(header),)) + header).hex()
        elif shape >= 2:
            # A well-formed header: a concatenation element (when the fields carry none),
            # then padding elements up to the 255-octet UDHL limit.
            body = bytes((0x00, 3, r.byte() % 3, total % 256, part % 256)) if "concat" not in fields else b""
            for _ in range(1 + (shape == 3)):
                size = r.byte() % 120
                body += bytes((0x70, size)) + bytes(size)
            fields["udh"] = (bytes((len(body),)) + body).hex()
    else:
        fields["text"] = text_of(r.sized())
    return library_call(vonage.parse_inbound, fields)


# Caller smart maps for the batch targets: a fuzzed subset of these entries.  Keys removed
# (""), spread into several characters, mapped to extension characters (escape + septet,
# 3GPP TS 23.038 §6.2.1.1), lone surrogates, an astral key (left to the scalar API), and
# keys an enabled table carries (the default table, or a national one: ignored).
_SMART_ENTRIES: tuple[tuple[str, str], ...] = (
    ("ā", ""),
    ("\u200b", ""),
    ("✓", "ok"),
    ("ł", "lé"),
    ("«", "{"),
    ("»", "€"),
    ("\ud800", "?"),
    ("\udcff", ""),
    ("🙂", ":)"),
    ("a", "b"),
    ("Ω", "O"),
    ("ç", "c"),
    ("ş", "s\\"),
    ("\u00a0", " "),
    ("’", "'"),
    ("ŵ", "w~^"),
)
# A value GSM-7 cannot carry: every call is refused (ArgumentError).
_BAD_SMART_ENTRY = ("ŷ", "ŷ")
# With smart encoding, control characters of the fuzzed texts stand for map keys (caller
# and default map), which random bytes would rarely spell.  \t \n \v \f \r and ESC stay.
_STANDIN_CODES = (*range(1, 9), *range(14, 27), *range(28, 32))
_STANDIN_KEYS = (*(key for key, _ in _SMART_ENTRIES), "“", "”", "—", "…", "¼", "❴", "\ufeff", "ʀ", "‘")
_STANDINS = dict(zip(_STANDIN_CODES, _STANDIN_KEYS, strict=False))


def _smart_choice(r: Reader, default: Any) -> Any:
    """``default`` (the option byte's False/True), or a caller map of fuzzed entries."""
    kind = r.byte()
    if kind & 3 != 3:
        return default
    mask = r.int16()
    mapping = {key: value for bit, (key, value) in enumerate(_SMART_ENTRIES) if mask >> bit & 1}
    if kind & 0x3C == 0x3C:
        key, value = _BAD_SMART_ENTRY
        mapping[key] = value
    return mapping


def t_batch_count(data: bytes) -> None:
    """batch.count_segments equals the scalar count for lists, numpy and Arrow arrays."""
    if BATCH is None:
        return
    r = Reader(data)
    options = _segment_options(r)
    options.pop("udh", None)
    container = r.choice(("list", "tuple", "numpy", "object", "arrow", "large_arrow"))
    threads = r.choice((None, 1, 2, 3))
    options["smart"] = _smart_choice(r, options["smart"])
    texts: list[Any] = [text_of(chunk) for chunk in r.rest().split(b"\x00")]
    if options["smart"] is not False:
        texts = [t.translate(_STANDINS) for t in texts]
    if len(texts) > 2 and r.data and r.data[0] & 1:
        texts[len(texts) // 2] = None
    source = _container(texts, container)
    if source is None:
        return
    try:
        counts = BATCH.count_segments(source, threads=threads, **options)
    except errors.SmsCodecError:
        # The scalar API refuses one of them too (or the options).
        refused = [
            library_call(smscodec.count_segments, t, **options) is None for t in texts if t is not None
        ]
        assert any(refused) or not refused
        return
    assert len(counts) == len(texts)
    for text, got in zip(texts, counts, strict=True):
        if text is None or (container == "numpy" and text == ""):
            assert got in (0, 1)
        else:
            assert got == smscodec.count_segments(text, **options), (text, options)


def _container(texts: list[Any], kind: str) -> Any:
    import numpy as np

    if kind == "list":
        return texts
    if kind == "tuple":
        return tuple(texts)
    if kind == "object":
        return np.array(texts, dtype=object)
    if kind == "numpy":
        plain = [t if t is not None else "" for t in texts]
        if any("\x00" in t for t in plain):
            return None  # numpy U strips trailing NULs: not the same texts
        texts[:] = plain
        return np.array(plain, dtype=str)
    try:
        import pyarrow as pa
    except ImportError:
        return None
    if any(t is not None and not _utf8_encodable(t) for t in texts):
        return None  # Arrow holds UTF-8 only
    return pa.array(texts, type=pa.string() if kind == "arrow" else pa.large_string())


def _utf8_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def t_batch_utf8_kernel(data: bytes) -> None:
    """The Arrow-buffer kernel on hostile buffers: offsets, bitmap and UTF-8 from the fuzzer."""
    if "batch" not in TWINS:
        return
    import numpy as np

    r = Reader(data)
    width = r.choice((4, 8))
    n = r.byte() % 12
    array_offset = r.byte() % 4
    start = r.byte() % (n + 1)
    stop = start + r.byte() % (n - start + 1)
    base = r.byte() % 3
    with_validity = r.flag()
    entries = array_offset + n + 1
    raw_offsets = r.take(entries * width)
    # Whole offsets only: a ragged tail is the known pure-twin bug of
    # test_batch_arrow_offsets_buffer_with_a_ragged_tail (tests/test_hardening_contracts.py).
    raw_offsets += bytes(-len(raw_offsets) % width)
    validity = r.take((array_offset + n + 7) // 8) if with_validity else None
    mode = r.choice((0, 0, 1, 2))
    locks, singles = r.choice(((1, 1), (1, 1), (1 | 1 << 1, 1 | 1 << 1), (1 | 1 << 3, 1 | 1 << 2 | 1 << 3)))
    options = (0, 5, mode, locks, singles, int(r.flag()))
    # A smart table as batch.py builds one (from the plan of the same tables), per twin.
    table_kind = r.byte()
    smart = _smart_choice(r, True) if table_kind & 1 else None
    tables = _smart_tables(smart, locks, singles) if smart is not None else {}
    if tables and table_kind & 6 != 6:
        options = (*options[:5], 1)  # else: the table may not fit the options (ValueError)
    payload = r.rest()
    if r.data and r.data[-1] & 1:
        # Plausible offsets: increasing, inside the data, so the fuzzer reaches the decoder.
        step = max(1, len(payload) // max(1, entries))
        table = np.arange(0, step * entries, step, dtype=np.int32 if width == 4 else np.int64)
        table = np.minimum(table, len(payload))
        raw_offsets = table.tobytes()
    results = []
    for twin in TWINS["batch"]:
        if twin is None:
            continue
        smart_table = tables.get(twin.__name__)
        outs = [np.full(base + stop, -7, dtype=np.int32) for _ in range(3)] + [
            np.full(base + stop, 7, dtype=np.uint8)
        ]
        done = outcome(
            twin.count_utf8,
            payload,
            raw_offsets,
            width,
            validity,
            array_offset,
            start,
            stop,
            base,
            options,
            *outs,
            *((smart_table,) if tables else ()),
        )
        results.append((done, [o.tolist() for o in outs]))
    if len(results) == 2:
        (c_done, c_outs), (py_done, py_outs) = results
        assert c_done == py_done, (c_done, py_done)
        if py_done[0] == "ok":
            assert c_outs == py_outs
    done = results[-1][0]
    if done[0] == "raise":
        if tables and not options[5]:
            # A table with smart encoding off does not fit the options.
            assert done[1] is ValueError and "does not fit options" in done[2], done
        else:
            assert issubclass(done[1], errors.SmsCodecError), done


def t_blockers_kernel(data: bytes) -> None:
    """The report's blocker kernel on hostile buffers: message ends, flags and UTF-8 from
    the fuzzer, and a table where a few code points (ASCII ones too) do not block."""
    if "blockers" not in TWINS:
        return
    import numpy as np

    r = Reader(data)
    n = r.byte() % 10
    plausible = r.flag()
    raw_ends = [r.byte() for _ in range(n)]
    scan = np.array([r.byte() & 1 for _ in range(n)], dtype=np.uint8)
    skip = -2
    ids = np.full(0x110000, -1, dtype=np.int32)
    ids[0x20:0x7F] = skip  # printable ASCII carried but for the ones drawn below
    ids[[ord(c) for c in "\n\r€é"]] = skip
    for _ in range(r.byte() % 4):
        cp = r.byte()  # flip an ASCII / Latin-1 entry: carried <-> blocking
        ids[cp] = -1 if ids[cp] == skip else skip
    payload = r.rest()
    if plausible:
        ends = np.minimum(np.cumsum(raw_ends, dtype=np.int64), len(payload))
    else:
        ends = np.array(raw_ends, dtype=np.int64)
    results = [
        outcome(twin.blocker_pairs, payload, ends, scan, ids, skip)
        for twin in TWINS["blockers"]
        if twin is not None
    ]
    results = [(d[0], *(tuple(map(list, d[1])) if d[0] == "ok" else d[1:])) for d in results]
    if len(results) == 2:
        assert results[0] == results[1], results
    done = results[-1]
    if done[0] == "raise":
        assert issubclass(done[1], errors.DecodeError) or (
            done[1] is ValueError and "ends at octet" in done[2]
        ), done
    else:
        positions, cps = done[1], done[2]
        assert positions == sorted(positions)
        assert all(scan[q] for q in positions)
        assert all(ids[cp] != skip for cp in cps)
        assert len(set(zip(positions, cps, strict=True))) == len(positions)


# The national tables of the kernel targets' (locks, singles) pairs (TS 23.038 Annex A).
_LANGUAGES_OF: dict[tuple[int, int], tuple[str, ...]] = {
    (1, 1): (),
    (1 | 1 << 1, 1 | 1 << 1): ("turkish",),
    (1 | 1 << 3, 1 | 1 << 2 | 1 << 3): ("spanish", "portuguese"),
}


def _smart_tables(smart: Any, locks: int, singles: int) -> dict[str, Any]:
    """Each batch twin's SmartTable for ``smart`` with these tables, built as batch.py
    builds it; {} when the public layer refuses the map."""
    try:
        plan = plan_mod.plan("auto", b"", 8, smart, _LANGUAGES_OF[(locks, singles)])
    except errors.SmsCodecError:
        return {}
    assert (plan.locks, plan.singles) == (locks, singles), (plan.locks, plan.singles)
    if plan.smart is None:
        return {}
    built = {}
    for twin in TWINS["batch"]:
        if twin is not None:
            done = outcome(twin.SmartTable, plan.smart, plan.locks, plan.singles)
            assert done[0] == "ok", (twin.__name__, smart, done)
            built[twin.__name__] = done[1]
    return built


TARGETS: dict[str, Target] = {
    "decode_gsm7": t_decode_gsm7,
    "unpack_septets": t_unpack_septets,
    "pack_septets": t_pack_septets,
    "septet_round_trip": t_septet_round_trip,
    "decode_ucs2": t_decode_ucs2,
    "from_hex": t_from_hex,
    "udh_parse": t_udh_parse,
    "segments": t_segments,
    "segments_kernels": t_segments_kernels,
    "split_binary": t_split_binary,
    "signing": t_signing,
    "signing_canonical": t_signing_canonical,
    "parse_send_response": t_parse_send_response,
    "parse_delivery_receipt": t_parse_delivery_receipt,
    "parse_inbound": t_parse_inbound,
    "reassembler": t_reassembler,
    "verify_webhook": t_verify_webhook,
    "batch_count": t_batch_count,
    "batch_utf8_kernel": t_batch_utf8_kernel,
    "blockers_kernel": t_blockers_kernel,
}


def available() -> list[str]:
    """Targets that have something to test in this checkout (batch only once it landed)."""
    return [name for name in TARGETS if not name.startswith(("batch", "blockers")) or BATCH is not None]


def main(argv: list[str]) -> None:
    """``python fuzz/targets.py NAME [libFuzzer args]``: one target under atheris/libFuzzer."""
    import atheris

    if len(argv) < 2 or argv[1] not in TARGETS:
        sys.exit(f"usage: {argv[0]} TARGET [libFuzzer options] [corpus ...]; targets: {', '.join(TARGETS)}")
    name = argv[1]
    with atheris.instrument_imports(include=["smscodec"]):
        load_library()
    target = TARGETS[name]
    # The process is what libFuzzer watches: keep recursion bounded for deep JSON/XML.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    atheris.Setup([argv[0], *argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
