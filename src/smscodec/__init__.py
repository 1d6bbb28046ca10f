"""smscodec: exact SMS encoding, segment counting and the Vonage SMS API protocol.

The public API is listed in ``__all__``; :mod:`smscodec.udh`, :mod:`smscodec.signing`,
:mod:`smscodec.vonage` and :mod:`smscodec.batch` are submodules.  ``USE_EXTENSIONS``
tells whether the compiled kernels are live (``SMSCODEC_NO_EXTENSIONS=1`` turns them off).
"""

from __future__ import annotations

from . import _backend
from .errors import (
    AccountError,
    ArgumentError,
    AuthenticationError,
    CliError,
    CodecError,
    DecodeError,
    DestinationError,
    EncodingError,
    HexError,
    InvalidRequestError,
    PayloadError,
    PricingError,
    ResponseError,
    SendError,
    ServerError,
    SignatureError,
    SmsCodecError,
    StoreError,
    ThrottledError,
    UdhError,
    WebhookError,
    WebhookVerificationError,
)

# --- codec core (gsm7.py, hexbody.py, codec.py) ---
# isort: split
from . import codec as _codec  # noqa: F401 - importing it registers the "gsm-7" codec
from .gsm7 import (
    decode_gsm7,
    decode_ucs2,
    encode_gsm7,
    encode_ucs2,
    gsm7_septets,
    is_gsm7,
    non_gsm7_chars,
    pack_septets,
    unpack_septets,
)
from .hexbody import from_hex, to_hex
from .policies import SplitPolicy

# --- segments (segments.py, smart.py) ---
from .segments import Segment, SegmentInfo, analyze, count_segments, estimate_cost, split, split_binary

__version__ = "0.1.0"

# Submodules importable as attributes of the package on first use (``smscodec.udh``
# after a bare ``import smscodec``), so that the core import loads none of them.
_SUBMODULES = frozenset(
    {
        "batch",
        "codec",
        "dask",
        "dcs",
        "errors",
        "gsm7",
        "hexbody",
        "policies",
        "segments",
        "signing",
        "smart",
        "smpp",
        "udh",
        "vonage",
    }
    | {"report"}
)


def __getattr__(name: str) -> object:
    # PEP 562.  BACKEND / USE_EXTENSIONS load every kernel once (a compiled twin that fails
    # to import shows there), so they are computed on first use, not at import.
    if name == "BACKEND" or name == "USE_EXTENSIONS":
        backend = _backend.backend()
        globals().update(BACKEND=backend, USE_EXTENSIONS=backend == "c")
        return globals()[name]
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: ``"c"`` when every kernel runs compiled, ``"python"`` for the pure-Python twins
#: (computed on first use).
BACKEND: str
#: True when every kernel runs compiled; False for the pure-Python twins (on first use).
USE_EXTENSIONS: bool

__all__ = [
    "BACKEND",
    "USE_EXTENSIONS",
    "AccountError",
    "ArgumentError",
    "AuthenticationError",
    "CliError",
    "CodecError",
    "DecodeError",
    "DestinationError",
    "EncodingError",
    "HexError",
    "InvalidRequestError",
    "PayloadError",
    "PricingError",
    "ResponseError",
    "Segment",
    "SegmentInfo",
    "SendError",
    "ServerError",
    "SignatureError",
    "SmsCodecError",
    "SplitPolicy",
    "StoreError",
    "ThrottledError",
    "UdhError",
    "WebhookError",
    "WebhookVerificationError",
    "__version__",
    "analyze",
    "count_segments",
    "decode_gsm7",
    "decode_ucs2",
    "encode_gsm7",
    "encode_ucs2",
    "estimate_cost",
    "from_hex",
    "gsm7_septets",
    "is_gsm7",
    "non_gsm7_chars",
    "pack_septets",
    "split",
    "split_binary",
    "to_hex",
    "unpack_septets",
]
