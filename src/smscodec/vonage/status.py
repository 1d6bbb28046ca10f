"""Status codes of the Vonage SMS API send response (``POST /sms/json``, ``/sms/xml``).

Each part of a send response carries a ``status``: 0 means the part was *accepted* for
delivery (not that it was delivered: that is the delivery receipt's business), any other
value says why it was refused.

Source: the API reference's error list, https://developer.vonage.com/en/api-errors/sms ,
and the troubleshooting guide, https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms .
Codes 13, 16, 18-21 and 24-28, 30, 31 are not (or no longer) documented; a response
carrying one, or any future code, keeps it as a plain ``int``: see :meth:`StatusCode.lookup`.
"""

from __future__ import annotations

__all__ = ["StatusCode"]

import enum
from typing import NamedTuple


class _Info(NamedTuple):
    title: str
    description: str
    resolution: str
    retryable: bool


class StatusCode(enum.IntEnum):
    """A documented send status code; compares equal to its ``int``.

    ``description`` and ``resolution`` follow the API reference; ``retryable`` is true
    for the transient conditions (1 Throttled, 5 Internal Error, 10 Too Many Existing
    Binds), where sending the same request again later can succeed.
    """

    SUCCESS = 0
    THROTTLED = 1
    MISSING_PARAMETERS = 2
    INVALID_PARAMETERS = 3
    INVALID_CREDENTIALS = 4
    INTERNAL_ERROR = 5
    INVALID_MESSAGE = 6
    NUMBER_BARRED = 7
    PARTNER_ACCOUNT_BARRED = 8
    PARTNER_QUOTA_VIOLATION = 9
    TOO_MANY_EXISTING_BINDS = 10
    ACCOUNT_NOT_ENABLED_FOR_HTTP = 11
    MESSAGE_TOO_LONG = 12
    INVALID_SIGNATURE = 14
    INVALID_SENDER_ADDRESS = 15
    MESSAGE_BLOCKED_BY_PROVIDER = 17
    INVALID_NETWORK_CODE = 22
    INVALID_CALLBACK_URL = 23
    NON_WHITELISTED_DESTINATION = 29
    SIGNATURE_AND_API_SECRET_DISALLOWED = 32
    NUMBER_DEACTIVATED = 33

    @property
    def title(self) -> str:
        """The reference's short name, e.g. ``"Throttled"``."""
        return _INFO[self.value].title

    @property
    def description(self) -> str:
        """What the code means."""
        return _INFO[self.value].description

    @property
    def resolution(self) -> str:
        """What the sender should do about it."""
        return _INFO[self.value].resolution

    @property
    def retryable(self) -> bool:
        """True when the same request may succeed if sent again later (1, 5 and 10).

        For one part of a multi-part message, "the same request" is the whole text: sending
        it again repeats (and bills) the parts that were accepted.  To send only the
        refused parts, see :func:`smscodec.vonage.resend_refused_parts`.
        """
        return _INFO[self.value].retryable

    @classmethod
    def lookup(cls, code: int) -> StatusCode | int:
        """The member for ``code``, or ``code`` itself (a plain ``int``) when undocumented.

        Raises:
            TypeError: ``code`` is not an ``int`` (``bool`` included).
        """
        if isinstance(code, bool) or not isinstance(code, int):
            raise TypeError(f"status code must be an int, not {type(code).__name__}")
        try:
            return cls(code)
        except ValueError:
            return int(code)


_INFO: dict[int, _Info] = {
    0: _Info("Success", "The message was successfully accepted for delivery.", "None needed.", False),
    1: _Info(
        "Throttled",
        "You are sending SMS faster than the account limit.",
        "Slow down and retry later; see Vonage's throughput limit for outbound SMS.",
        True,
    ),
    2: _Info(
        "Missing Parameters",
        "Your request is missing one of the required parameters from, to, api_key, api_secret or text.",
        "Check your parameters and try again.",
        False,
    ),
    3: _Info(
        "Invalid Parameters",
        "The value of one or more parameters is invalid.",
        "Check your parameters and try again.",
        False,
    ),
    4: _Info(
        "Invalid Credentials",
        "Your API key and/or secret are incorrect, invalid or disabled.",
        "Check your credentials in the Vonage dashboard.",
        False,
    ),
    5: _Info(
        "Internal Error",
        "An error has occurred in the platform whilst processing this message.",
        "Retry later; contact support if the error persists.",
        True,
    ),
    6: _Info(
        "Invalid Message",
        "The platform was unable to process this message, for example, an unrecognized number prefix.",
        "Check the destination number.",
        False,
    ),
    7: _Info(
        "Number Barred",
        "The number you are trying to send messages to is blacklisted and may not receive them.",
        "Do not retry: the recipient cannot receive messages.",
        False,
    ),
    8: _Info(
        "Partner Account Barred",
        "Your Vonage account has been suspended.",
        "Contact support.",
        False,
    ),
    9: _Info(
        "Partner Quota Violation",
        "You do not have sufficient credit to send the message.",
        "Top up your account and retry.",
        False,
    ),
    10: _Info(
        "Too Many Existing Binds",
        "The number of simultaneous connections to the platform exceeds your account allocation.",
        "Back off and retry.",
        True,
    ),
    11: _Info(
        "Account Not Enabled For HTTP",
        "This account is not provisioned for the SMS API.",
        "Use SMPP, or contact support to enable the SMS API.",
        False,
    ),
    12: _Info(
        "Message Too Long",
        "The message length exceeds the maximum allowed.",
        "Shorten the text (the API takes at most 3200 characters).",
        False,
    ),
    14: _Info(
        "Invalid Signature",
        "The signature supplied could not be verified.",
        "Check the signature secret and method, and that the signed parameters are the ones sent.",
        False,
    ),
    15: _Info(
        "Invalid Sender Address",
        "You are using a non-authorized sender ID in the from field; most common in North America, "
        "where a Vonage long virtual number or short code is required.",
        "Use a sender ID or number allowed for the destination country.",
        False,
    ),
    17: _Info(
        "Message Blocked by Provider",
        "The message was blocked by the provider, for example because of its content.",
        "Review the content and the destination's rules before sending again.",
        False,
    ),
    22: _Info(
        "Invalid Network Code",
        "The network code supplied was either not recognized, or does not match the country of the "
        "destination address.",
        "Check the network code, or leave it out.",
        False,
    ),
    23: _Info(
        "Invalid Callback Url",
        "The callback URL supplied was either too long or contained illegal characters.",
        "Use an http(s) URL of at most 100 characters.",
        False,
    ),
    29: _Info(
        "Non-Whitelisted Destination",
        "Your Vonage account is still in demo mode; in demo mode you must add target numbers to your "
        "whitelisted destination list.",
        "Add the number to the list, or top up your account to remove this limitation.",
        False,
    ),
    32: _Info(
        "Signature And API Secret Disallowed",
        "A signed request may not also present an api_secret.",
        "Send either sig (with timestamp) or api_secret, never both.",
        False,
    ),
    33: _Info(
        "Number De-activated",
        "The number you are trying to send messages to is de-activated and may not receive them.",
        "Do not retry: remove the number from your list.",
        False,
    ),
}
