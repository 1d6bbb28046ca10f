"""Type stub for the compiled signing kernel (the twin of ``_signing_py``)."""

from typing import Any

def canonical_bytes(params: dict[Any, Any], suffix: bytes, /) -> bytes: ...
