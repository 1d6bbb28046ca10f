"""The smscodec error hierarchy.

Every error the library raises on purpose derives from :class:`SmsCodecError`; those
about a bad value also derive from :class:`ValueError`, so code that already catches
``ValueError`` keeps working.  A wrong argument *type* is a plain :class:`TypeError`.

Messages say what was found, where, and what was expected.  They never contain a
secret or an expected signature.

Every error class lives here, whichever layer raises it (the old homes of the send
status family, :mod:`smscodec.vonage.responses`, and of :class:`CliError`,
:mod:`smscodec.cli`, re-export them).  Which layer raises what, besides ``TypeError``
for a wrong argument type:

======================================  ====================================================================
layer                                   raises
======================================  ====================================================================
codec (``gsm7``, ``codec``)             :class:`EncodingError` (a character the alphabet cannot carry),
                                        :class:`DecodeError` (bytes that are not valid in it),
                                        :class:`ArgumentError` (``errors=``, ``fill_bits``, ``count``)
segments (``analyze``, ``split``, ...)  :class:`EncodingError` (``encoding="gsm7"``), :class:`UdhError` (the
                                        caller's ``udh``), :class:`ArgumentError` (``encoding``,
                                        ``reference``, ``reference_bits``, ``languages``, too many parts,
                                        ``price_per_segment``)
``udh``                                 :class:`UdhError` (malformed or oversized header),
                                        :class:`ArgumentError` (``concat`` fields, an element too long)
hex (``from_hex``)                      :class:`HexError`
``signing``                             :class:`SignatureError` (unknown method, unusable value),
                                        :class:`ArgumentError` (``max_age``, ``now``)
vonage send                             :class:`PayloadError` (a field breaking the API's rules),
                                        :class:`ResponseError` (an unreadable send response),
                                        :class:`SendError` and its six families (a part the API refused,
                                        from :meth:`~smscodec.vonage.SendResponse.raise_for_status`),
                                        :class:`SignatureError` (``signature_method``)
vonage webhooks                         :class:`WebhookError` (a receipt or inbound message that cannot be
                                        parsed), :class:`WebhookVerificationError` (``check_webhook``:
                                        unsigned, bad signature, stale, replayed), :class:`ArgumentError`
                                        (reassembly limits); ``verify_webhook`` answers ``False`` instead
vonage stores                           :class:`StoreError` (a shared store unreachable, locked past its
                                        timeout, or of another schema), :class:`CodecError` (a stored
                                        record that cannot be read back)
``batch``                               what segments raise, for the first refused text, and
                                        :class:`ArgumentError` (``threads``)
``pricing``                             :class:`PricingError` (a malformed pricing body, an unpriced number)
command line                            :class:`CliError` (a missing file or column: one line, exit 2);
                                        any other :class:`SmsCodecError` exits with status 1
======================================  ====================================================================
"""

from __future__ import annotations

__all__ = [
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
    "SendError",
    "ServerError",
    "SignatureError",
    "SmsCodecError",
    "StoreError",
    "ThrottledError",
    "UdhError",
    "WebhookError",
    "WebhookVerificationError",
]

# typing is only for type checkers: `import smscodec` never imports it (it costs a few
# milliseconds that every webhook worker and one-shot CLI call would pay).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal


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


class WebhookVerificationError(SmsCodecError):
    """A webhook that must be rejected: its signature does not prove it came from Vonage,
    now.  Raised by :func:`smscodec.vonage.check_webhook`; not a ``ValueError`` (the input is
    well formed, it is just not to be trusted).

    Attributes:
        reason: ``"unsigned"`` (no ``sig`` or no ``timestamp``), ``"bad_signature"`` (the
            signature does not match the fields: wrong secret or method, or changed
            fields), ``"stale"`` (the ``timestamp`` is outside ``max_age``) or
            ``"replayed"`` (the replay guard has already accepted this signature).

    The message never contains the signature, the expected signature or the secret.
    """

    _attrs = ("reason",)

    def __init__(
        self, message: str, *, reason: Literal["unsigned", "bad_signature", "stale", "replayed"]
    ) -> None:
        super().__init__(message)
        self.reason: Literal["unsigned", "bad_signature", "stale", "replayed"] = reason


# ---- the send status family (raised by SendResponse.raise_for_status) --------------------


class SendError(SmsCodecError):
    """A part of a send request that the Vonage SMS API refused (a non-zero ``status``).

    Raised by :meth:`smscodec.vonage.SendResponse.raise_for_status`; the subclass says
    which family the status belongs to, so callers can catch what they can act on.  Not a
    ``ValueError``: the request was well formed, the platform said no.

    Attributes:
        status: the :class:`~smscodec.vonage.StatusCode` member, or the plain ``int`` of
            an undocumented code.
        error_text: the API's ``error-text``, if any.
        to: the recipient of the refused part, if the API said.
    """

    _attrs = ("status", "error_text", "to")

    def __init__(self, message: str, *, status: int, error_text: str | None, to: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.error_text = error_text
        self.to = to

    @property
    def retryable(self) -> bool:
        """True when the same request may succeed later (statuses 1, 5 and 10)."""
        # This module is the bottom layer and cannot import StatusCode: its members carry
        # ``retryable``; an undocumented code is a plain int, never retryable.
        return getattr(self.status, "retryable", False) is True


class ThrottledError(SendError):
    """Sending too fast: 1 Throttled, 10 Too Many Existing Binds.  Back off and retry."""


class ServerError(SendError):
    """5 Internal Error: retry later."""


class AuthenticationError(SendError):
    """4 Invalid Credentials, 14 Invalid Signature, 32 Signature And API Secret Disallowed."""


class AccountError(SendError):
    """The account cannot send: 8 barred, 9 out of credit, 11 not enabled for HTTP, 29 demo mode."""


class InvalidRequestError(SendError):
    """The request itself is wrong: 2, 3, 6, 12, 15, 22, 23."""


class DestinationError(SendError):
    """The recipient cannot be reached: 7 Number Barred, 17 Message Blocked by Provider, 33 De-activated."""


# ---- the command line --------------------------------------------------------------------


class CliError(SmsCodecError):
    """A user-facing failure of the ``smscodec`` command (a missing file or column, an
    unreadable file): printed as one line on stderr, exit status 2."""


class StoreError(SmsCodecError):
    """A shared store (``smscodec.vonage.SQLiteStore``, ``RedisStore``) that cannot do
    what was asked: unreachable, locked past its timeout, or holding data this version
    cannot read.  The cause is chained (``__cause__``)."""


class CodecError(StoreError, ValueError):
    """A stored record that cannot be read back, or a value that cannot be stored."""


# ---- pricing ---------------------------------------------------------------------------


class PricingError(SmsCodecError, ValueError):
    """A price that cannot be used (:mod:`smscodec.pricing`): a malformed Vonage Pricing
    API body, a missing, non-numeric or negative price, mixed currencies, or a number or
    country the price table does not price.  Never priced as 0 instead."""


# --- showing a value in a message --------------------------------------------------------


def shown(value: object, limit: int = 40) -> str:
    """A value for an error message: its ``repr``, cut short, signatures blanked.

    The one "cut a long value short" helper of the library, used by every layer that
    echoes input in a message.  A huge field cannot flood a log line (at most ``limit``
    characters of it are shown, then ``...``); an int too long for ``repr`` (past
    ``sys.int_info.default_max_str_digits``) is described by its size; and a run of 32 or
    more hex digits (the shortest signature, an MD5 digest) is replaced by ``<hex>`` before
    cutting, so that a signature that ended up in the wrong field is never copied into a
    message.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of {value.bit_length()} bits"
    quoted = isinstance(value, str)
    text = str.__str__(value) if isinstance(value, str) else repr(value)
    if len(text) >= 32:
        import re  # only on this path: `import smscodec` does not load re

        text = re.sub(r"[0-9A-Fa-f]{32,}", "<hex>", text)
    cut = text if len(text) <= limit else text[:limit]
    return (repr(cut) if quoted else cut) + ("" if cut is text else "...")
