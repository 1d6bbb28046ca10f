"""Type stub of the compiled ``count_segments`` entry point; the twin ``_count_py`` documents it."""

from collections.abc import Iterable, Mapping

from .policies import SplitPolicy

def count_segments(
    text: str,
    *,
    encoding: str = "auto",
    udh: bytes = b"",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    policy: str | SplitPolicy = "3gpp",
) -> int: ...
