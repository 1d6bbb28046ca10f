"""The smscodec error hierarchy.

Every error the library raises on purpose derives from :class:`SmsCodecError`; those
about a bad value also derive from :class:`ValueError`, so code that already catches
``ValueError`` keeps working.  A wrong argument *type* is a plain :class:`TypeError`.

Messages say what was found, where, and what was expected.  They never contain a
secret or an expected signature.
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "DecodeError",
    "EncodingError",
    "HexError",
    "PayloadError",
    "ResponseError",
    "SignatureError",
    "SmsCodecError",
    "UdhError",
    "WebhookError",
]


from typing import Any


def _rebuild(cls: type[SmsCodecError], args: tuple[Any, ...], attrs: dict[str, Any]) -> SmsCodecError:
    return cls(*args, **attrs)


class SmsCodecError(Exception):
    """Base class of every error raised by smscodec."""

    # Keyword-only attributes, so that errors survive pickling (Dask, multiprocessing).
    _attrs: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, {a: getattr(self, a) for a in self._attrs}))


class ArgumentError(SmsCodecError, ValueError):
    """An option outside its allowed range (fill bits, reference, language, ...).

    Attributes:
        argument: the name of the offending parameter.
    """

    _attrs = ("argument",)

    def __init__(self, message: str, *, argument: str) -> None:
        super().__init__(message)
        self.argument = argument


class EncodingError(SmsCodecError, ValueError):
    """A character that the chosen alphabet cannot carry.

    Attributes:
        char: the offending character.
        position: its index in the text.
    """

    _attrs = ("char", "position")

    def __init__(self, message: str, *, char: str, position: int) -> None:
        super().__init__(message)
        self.char = char
        self.position = position


class DecodeError(SmsCodecError, ValueError):
    """Bytes that are not valid in the alphabet.

    Attributes:
        position: index of the first offending byte.
    """

    _attrs = ("position",)

    def __init__(self, message: str, *, position: int) -> None:
        super().__init__(message)
        self.position = position


class UdhError(SmsCodecError, ValueError):
    """A malformed or oversized user data header (TS 23.040 §9.2.3.24).

    Attributes:
        offset: index in the header of the octet where the fault starts
            (0 for the UDHL, an element's IEI octet otherwise).
    """

    _attrs = ("offset",)

    def __init__(self, message: str, *, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class HexError(SmsCodecError, ValueError):
    """An odd-length hex string or one with a non-hex character.

    Attributes:
        position: index of the first offending character (``len(text) - 1`` for an odd length).
    """

    _attrs = ("position",)

    def __init__(self, message: str, *, position: int) -> None:
        super().__init__(message)
        self.position = position


class PayloadError(SmsCodecError, ValueError):
    """A send payload field that breaks the Vonage SMS API's rules.

    Attributes:
        field: the wire name of the field (``"from"``, ``"ttl"``, ...).
    """

    _attrs = ("field",)

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class ResponseError(SmsCodecError, ValueError):
    """A Vonage send response body that cannot be parsed.

    Attributes:
        field: the wire name of the offending field (``"status"``, ``"message-price"``,
            ``"messageId"``...), or ``None`` when the body as a whole is unreadable.
    """

    _attrs = ("field",)

    def __init__(self, message: str, *, field: str | None) -> None:
        super().__init__(message)
        self.field = field


class SignatureError(SmsCodecError, ValueError):
    """Unusable signing input: an unknown method or a value of the wrong type."""


class WebhookError(SmsCodecError, ValueError):
    """A delivery receipt or inbound message that cannot be parsed.

    Attributes:
        field: the wire name of the offending field (``"err-code"``, ``"concat-part"``, ...),
            or ``None`` when the body as a whole is unreadable.
    """

    _attrs = ("field",)

    def __init__(self, message: str, *, field: str | None) -> None:
        super().__init__(message)
        self.field = field
