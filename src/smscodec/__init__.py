"""smscodec: exact SMS encoding, segment counting and the Vonage SMS API protocol.

The public API is listed in ``__all__``; :mod:`smscodec.udh`, :mod:`smscodec.signing`,
:mod:`smscodec.vonage` and :mod:`smscodec.batch` are submodules.  ``USE_EXTENSIONS``
tells whether the compiled kernels are live (``SMSCODEC_NO_EXTENSIONS=1`` turns them off).
"""

from __future__ import annotations

from . import _backend
from .errors import (
    ArgumentError,
    DecodeError,
    EncodingError,
    HexError,
    PayloadError,
    ResponseError,
    SignatureError,
    SmsCodecError,
    UdhError,
    WebhookError,
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

# --- segments (segments.py, smart.py) ---
from .segments import Segment, SegmentInfo, analyze, count_segments, estimate_cost, split, split_binary

__version__ = "0.1.0"

#: ``"c"`` when every kernel runs compiled, ``"python"`` for the pure-Python twins.
BACKEND: str = _backend.backend()
#: True when every kernel runs compiled; False for the pure-Python twins.
USE_EXTENSIONS: bool = BACKEND == "c"

__all__ = [
    "BACKEND",
    "USE_EXTENSIONS",
    "ArgumentError",
    "DecodeError",
    "EncodingError",
    "HexError",
    "PayloadError",
    "ResponseError",
    "Segment",
    "SegmentInfo",
    "SignatureError",
    "SmsCodecError",
    "UdhError",
    "WebhookError",
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
