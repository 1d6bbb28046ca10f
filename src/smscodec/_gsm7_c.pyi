"""Type stub for the compiled GSM 03.38 kernels (the twin of ``_gsm7_py``)."""

from typing import Final

STRICT: Final[int]
REPLACE: Final[int]
IGNORE: Final[int]

# The public functions themselves (smscodec.gsm7 binds them): they check their arguments.
def is_gsm7(text: str, /, *, locking_shift: int | str = 0, single_shift: int | str = 0) -> bool: ...
def gsm7_septets(text: str, /, *, locking_shift: int | str = 0, single_shift: int | str = 0) -> int: ...
def non_gsm7_chars(
    text: str, /, *, locking_shift: int | str = 0, single_shift: int | str = 0
) -> list[str]: ...

# Kernels behind smscodec.gsm7's checks: exact str/bytes, mode 0-2.
def encode_gsm7(
    text: str, mode: int, /, *, locking_shift: int | str = 0, single_shift: int | str = 0
) -> bytes: ...
def decode_gsm7(
    data: bytes, mode: int, /, *, locking_shift: int | str = 0, single_shift: int | str = 0
) -> str: ...
def pack_septets(septets: bytes, fill_bits: int, /) -> bytes: ...
def unpack_septets(data: bytes, count: int, fill_bits: int, /) -> bytes: ...
