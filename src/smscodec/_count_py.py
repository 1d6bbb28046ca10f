"""The public ``count_segments`` entry point: the pure-Python twin.

``smscodec.count_segments`` is this module's function under the pure backend and
``_count_c``'s under the compiled one, where plain calls are counted without running any
Python-level code.  Both check every option through the one option plan
(``smscodec._plan``) and count with the segments kernel of their own backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import _segments_py as _kernel
from ._plan import check_text, plan

# typing is not imported at run time (see segments.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .policies import SplitPolicy

__all__ = ["count_segments"]


def count_segments(
    text: str,
    *,
    encoding: str = "auto",
    udh: bytes = b"",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    policy: str | SplitPolicy = "3gpp",
) -> int:
    """The number of parts ``text`` is sent (and billed) as: ``analyze(...).segments``.

    Equal to ``len(split(text, ...))`` whenever ``split`` can make the parts; a text
    needing more than 255 parts (or more than the policy's limits) is counted all the
    same.  Options as for :func:`smscodec.analyze`.

    Raises:
        TypeError, ArgumentError, UdhError, EncodingError: as for :func:`smscodec.analyze`.
    """
    options = plan(encoding, udh, reference_bits, smart, languages, policy)
    text = check_text(text)
    if options.smart is not None:
        if options.smart_always:
            text = text.translate(options.smart)
        else:
            text = _kernel.smart_text(text, options.smart, *options.args)[0]
    if options.plain:
        return _kernel.analyze(text, *options.args)[1]
    return _kernel.analyze_policy(text, *options.args, *options.policy_args)[1]
