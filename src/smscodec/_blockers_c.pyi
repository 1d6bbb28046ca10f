"""Type stub of the compiled blocker kernel; the twin ``_blockers_py`` documents it."""

from array import array
from typing import Any

UNICODE_SIZE: int

def blocker_pairs(data: Any, ends: Any, scan: Any, ids: Any, skip: int) -> tuple[array[int], array[int]]: ...
