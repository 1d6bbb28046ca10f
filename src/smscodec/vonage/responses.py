"""Parse the SMS API's send response, JSON or XML, into a :class:`SendResponse`.

The API answers HTTP 200 even when it refuses a message: the verdict is the ``status``
of each part.  One entry per part; a refused request has entries with ``status`` and
``error-text`` only.  JSON (all values are strings)::

    {"message-count": "1", "messages": [{"to": "447700900000", "message-id": "0A0000000123ABCD1",
      "status": "0", "remaining-balance": "3.14159265", "message-price": "0.03330000",
      "network": "12345", "client-ref": "my-ref"}]}

XML (camelCase children)::

    <mt-submission-response><messages count="1"><message><to>447700900000</to>
      <messageId>0A0000000123ABCD1</messageId><status>0</status>...</message></messages>
    </mt-submission-response>

Source: the SMS API reference (https://developer.vonage.com/en/api/sms), schemas ``SMS``,
``SMSXml``, ``Error``, ``ErrorXml`` and ``Message``.

Every malformed body raises :class:`ResponseError` (never ``KeyError``, ``json`` or
``expat`` errors).  XML with a document type declaration is refused before any entity
could be declared, let alone expanded (no "billion laughs", no external entities).  A
key given twice in one JSON object, at any depth, is refused as the XML parser refuses a
repeated element: Python's ``json`` would keep the last one silently, so
``{"messages":[{"status":"5"}],"messages":[{"status":"0"}]}`` would read as a success.

A multi-part send that is partly refused (part 2 of 4 throttled) leaves two choices,
see :func:`resend_refused_parts`: send the whole text again (simple; the accepted parts
arrive and are billed twice) or send only the refused parts with the concatenation
header of the parts already delivered.
"""

from __future__ import annotations

__all__ = [
    "AccountError",
    "AuthenticationError",
    "DestinationError",
    "InvalidRequestError",
    "ResponseError",
    "SendError",
    "SendResponse",
    "SentMessage",
    "ServerError",
    "ThrottledError",
    "parse_send_response",
    "resend_refused_parts",
]

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any
from xml.parsers import expat

from ..errors import (
    AccountError,
    ArgumentError,
    AuthenticationError,
    DestinationError,
    InvalidRequestError,
    ResponseError,
    SendError,
    ServerError,
    ThrottledError,
    shown,
)
from .payloads import Credentials, SendPayload, SmsRequest
from .status import StatusCode

# The send status family lives in smscodec.errors with every other error class; it is
# re-exported here, its first home.  Each documented refusal maps to one family.
_FAMILIES: dict[int, type[SendError]] = {
    1: ThrottledError,
    10: ThrottledError,
    5: ServerError,
    4: AuthenticationError,
    14: AuthenticationError,
    32: AuthenticationError,
    8: AccountError,
    9: AccountError,
    11: AccountError,
    29: AccountError,
    2: InvalidRequestError,
    3: InvalidRequestError,
    6: InvalidRequestError,
    12: InvalidRequestError,
    15: InvalidRequestError,
    22: InvalidRequestError,
    23: InvalidRequestError,
    7: DestinationError,
    17: DestinationError,
    33: DestinationError,
}


@dataclasses.dataclass(frozen=True)
class SentMessage:
    """One part of a send response.

    Attributes:
        to: the recipient.
        message_id: Vonage's id for this part (match it with delivery receipts).
        status: :class:`StatusCode`, or a plain ``int`` for an undocumented code.
        error_text: why the part was refused (``None`` on success).
        remaining_balance: the account balance after this part (EUR), or ``None``.
        message_price: what this part cost (EUR), or ``None``.
        network: the recipient's network (MCCMNC).
        client_ref: the ``client-ref`` sent with the request.
        account_ref: the ``account-ref`` sent with the request.
    """

    to: str | None
    message_id: str | None
    status: StatusCode | int
    error_text: str | None = None
    remaining_balance: Decimal | None = None
    message_price: Decimal | None = None
    network: str | None = None
    client_ref: str | None = None
    account_ref: str | None = None

    @property
    def ok(self) -> bool:
        """True when the part was accepted for delivery (status 0)."""
        return self.status == 0


@dataclasses.dataclass(frozen=True)
class SendResponse:
    """A parsed send response.

    Attributes:
        message_count: the API's ``message-count`` (the number of parts).
        messages: one :class:`SentMessage` per part.
    """

    message_count: int
    messages: tuple[SentMessage, ...]

    @property
    def ok(self) -> bool:
        """True when there is at least one part and every part was accepted."""
        return bool(self.messages) and all(m.ok for m in self.messages)

    @property
    def total_price(self) -> Decimal:
        """The sum of the parts' prices (``Decimal(0)`` when no part has one)."""
        return sum((m.message_price for m in self.messages if m.message_price is not None), Decimal(0))

    @property
    def remaining_balance(self) -> Decimal | None:
        """The balance after the last part that reports one."""
        balances = [m.remaining_balance for m in self.messages if m.remaining_balance is not None]
        return balances[-1] if balances else None

    @property
    def failed(self) -> tuple[SentMessage, ...]:
        """The parts that were refused."""
        return tuple(m for m in self.messages if not m.ok)

    @property
    def refused_parts(self) -> tuple[int, ...]:
        """The numbers (1-based, in response order) of the parts that were refused.

        To send only those again, see :func:`resend_refused_parts`.
        """
        return tuple(index + 1 for index, m in enumerate(self.messages) if not m.ok)

    def __iter__(self) -> Iterator[SentMessage]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    def raise_for_status(self) -> None:
        """Raise for the first refused part; do nothing when every part was accepted.

        Raises:
            SendError: a subclass per status family (:class:`ThrottledError`,
                :class:`ServerError`, :class:`AuthenticationError`, :class:`AccountError`,
                :class:`InvalidRequestError`, :class:`DestinationError`), or
                :class:`SendError` itself for an undocumented code.
            ResponseError: the response lists no message at all.
        """
        if not self.messages:
            raise ResponseError("the response lists no message", field="messages")
        for index, message in enumerate(self.messages):
            if message.ok:
                continue
            status = message.status
            cls = _FAMILIES.get(int(status), SendError)
            name = (
                f"{int(status)} {status.title}"
                if isinstance(status, StatusCode)
                else f"{status} (undocumented)"
            )
            detail = f": {message.error_text}" if message.error_text else ""
            raise cls(
                f"part {index + 1} of {len(self.messages)} refused with status {name}{detail}",
                status=status,
                error_text=message.error_text,
                to=message.to,
            )


# ---- field conversion ------------------------------------------------------------------

# Money: a plain decimal (the API writes "0.03330000"); bounded so that no exponent or
# huge number can reach Decimal arithmetic.
_MONEY = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?")
_COUNT = re.compile(r"[0-9]{1,9}")


def _money(field: str, value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
        value = str(value)  # a JSON number (floats are parsed as Decimal)
    if not isinstance(value, str) or not _MONEY.fullmatch(value):
        raise ResponseError(f"{field} must be a decimal amount, got {shown(value)}", field=field)
    return Decimal(value)


def _int(field: str, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 999_999_999:
        return int(value)
    if isinstance(value, str) and _COUNT.fullmatch(value):
        return int(value)
    raise ResponseError(f"{field} must be a non-negative integer, got {shown(value)}", field=field)


def _text(field: str, value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ResponseError(f"{field} must be a string, got {shown(value)}", field=field)


# (attribute, JSON name, XML name)
_STRING_FIELDS = (
    ("to", "to", "to"),
    ("message_id", "message-id", "messageId"),
    ("error_text", "error-text", "errorText"),
    ("network", "network", "network"),
    ("client_ref", "client-ref", "clientRef"),
    ("account_ref", "account-ref", "accountRef"),
)
_MONEY_FIELDS = (
    ("remaining_balance", "remaining-balance", "remainingBalance"),
    ("message_price", "message-price", "messagePrice"),
)


def _message(entry: dict[str, Any], xml: bool, index: int) -> SentMessage:
    column = 2 if xml else 1
    status_field = "status"
    if status_field not in entry:
        raise ResponseError(f"message {index + 1} has no status", field=status_field)
    values: dict[str, Any] = {"status": StatusCode.lookup(_int(status_field, entry[status_field]))}
    for names in _STRING_FIELDS:
        values[names[0]] = _text(names[column], entry.get(names[column]))
    for names in _MONEY_FIELDS:
        values[names[0]] = _money(names[column], entry.get(names[column]))
    return SentMessage(**values)


# ---- JSON ------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ResponseError(f"{name} is not a number the API sends", field=None)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json calls this for every object, at every depth: a repeated key is refused there
    # rather than letting the last one win.
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ResponseError(
                f"the JSON body has the key {shown(key)} twice in one object; "
                "the API writes each key once, so the body cannot be trusted",
                field=key,
            )
        obj[key] = value
    return obj


def _parse_json(body: str | bytes) -> SendResponse:
    try:
        data = json.loads(
            body, parse_float=Decimal, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys
        )
    except ResponseError:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ResponseError(f"the body is not valid JSON: {exc}", field=None) from None
    if not isinstance(data, dict):
        raise ResponseError(f"the body must be a JSON object, got {type(data).__name__}", field=None)
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise ResponseError("messages must be a list of message objects", field="messages")
    parsed = []
    for index, entry in enumerate(messages):
        if not isinstance(entry, dict):
            raise ResponseError(f"message {index + 1} must be an object", field="messages")
        parsed.append(_message(entry, False, index))
    count = _int("message-count", data["message-count"]) if "message-count" in data else len(parsed)
    return SendResponse(count, tuple(parsed))


# ---- XML -------------------------------------------------------------------------------


class _Element:
    __slots__ = ("attrib", "children", "tag", "text")

    def __init__(self, tag: str, attrib: dict[str, str]) -> None:
        self.tag = tag
        self.attrib = attrib
        self.children: list[_Element] = []
        self.text: list[str] = []


def _refuse_dtd(*_args: object) -> None:
    raise ResponseError(
        "XML with a DOCTYPE or ENTITY declaration is refused (entity expansion attacks)", field=None
    )


def _refuse_external(*_args: object) -> int:
    raise ResponseError("XML with an external entity reference is refused", field=None)


def _read_xml(body: str | bytes) -> _Element:
    # pyexpat (the parser under xml.etree) driven directly: the handlers below build a
    # tiny tree and refuse any document type declaration as soon as it starts, before
    # an entity can be declared.  Undeclared entity references are then plain errors.
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_external
    root: list[_Element] = []
    stack: list[_Element] = []

    def start(tag: str, attrib: dict[str, str]) -> None:
        element = _Element(tag, attrib)
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)

    def end(_tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(body, True)
    except ResponseError:
        raise
    except (expat.ExpatError, ValueError, LookupError, RecursionError) as exc:
        raise ResponseError(f"the body is not well-formed XML: {exc}", field=None) from None
    if not root:  # pragma: no cover - expat reports "no element found" first
        raise ResponseError("the body has no XML element", field=None)
    return root[0]


def _parse_xml(body: str | bytes) -> SendResponse:
    root = _read_xml(body)
    if root.tag != "mt-submission-response":
        raise ResponseError(f"the root element must be mt-submission-response, got {root.tag!r}", field=None)
    containers = [c for c in root.children if c.tag == "messages"]
    if len(containers) != 1:
        raise ResponseError("mt-submission-response must hold one messages element", field="messages")
    container = containers[0]
    parsed = []
    for index, element in enumerate(c for c in container.children if c.tag == "message"):
        entry: dict[str, Any] = {}
        for child in element.children:
            if child.tag in entry:
                raise ResponseError(f"message {index + 1} has two {child.tag} elements", field=child.tag)
            if child.children:
                raise ResponseError(f"{child.tag} must hold text only", field=child.tag)
            entry[child.tag] = "".join(child.text).strip()
        parsed.append(_message(entry, True, index))
    count_text = container.attrib.get("count")
    count = len(parsed) if count_text is None else _int("count", count_text.strip())
    return SendResponse(count, tuple(parsed))


def parse_send_response(body: str | bytes, format: str = "json") -> SendResponse:
    """Parse the body the send endpoint returned.

    ``format`` is the one in the URL (``/sms/json`` or ``/sms/xml``).  Statuses become
    :class:`StatusCode` members (undocumented codes stay plain ``int``); amounts become
    ``Decimal``.  A refused message is *not* an error here: check :attr:`SendResponse.ok`
    or call :meth:`SendResponse.raise_for_status`.

    Returns:
        The :class:`SendResponse`.

    Raises:
        TypeError: ``body`` is not ``str``/``bytes`` or ``format`` not a ``str``.
        ArgumentError: ``format`` is neither ``"json"`` nor ``"xml"``.
        ResponseError: a body that is not valid JSON/XML, has the wrong shape, a
            missing ``status``, or a field of the wrong type (``field`` names it);
            XML with a DOCTYPE/ENTITY declaration.
    """
    if isinstance(body, (bytearray, memoryview)):
        body = bytes(body)
    if not isinstance(body, (str, bytes)):
        raise TypeError(f"body must be str or bytes, not {type(body).__name__}")
    if not isinstance(format, str):
        raise TypeError(f"format must be a str, not {type(format).__name__}")
    kind = format.lower()
    if kind == "json":
        return _parse_json(body)
    if kind == "xml":
        return _parse_xml(body)
    raise ArgumentError(f"format must be 'json' or 'xml', got {format!r}", argument="format")


# ---- partly refused multi-part sends ---------------------------------------------------------


def resend_refused_parts(
    request: SmsRequest | Mapping[str, object],
    response: SendResponse | Sequence[SendResponse],
    *,
    reference: int,
    reference_bits: int = 8,
    credentials: Credentials | None = None,
    timestamp: int | None = None,
) -> dict[int, SendPayload]:
    """The payloads that send again only the parts of ``request`` that ``response`` refused.

    When part 2 of 4 is throttled (a retryable status), there are two ways on:

    * **Resend everything**: send ``request.payload(credentials)`` again.  Simple and
      always possible, but parts 1, 3 and 4 reach the handset twice and are billed twice,
      and the handset may show the message twice.
    * **Resend only the refused parts** (this function): each refused part becomes a
      binary payload carrying the part's concatenation header, as
      :meth:`SmsRequest.part_payloads` builds it with ``reference``, so that it joins the
      parts already delivered.  That holds only if those parts carry the same header:
      send the message from the start as ``request.part_payloads(credentials,
      reference=r)`` (one request per part, ``response`` then being the sequence of their
      responses) and keep ``r``.  When the whole text went out in one request, Vonage split
      it and chose a reference that the response does not report: a part resent alone
      cannot join the others, and resending everything is the only way.

    Whether to retry at all is the caller's choice: check each refused part's
    ``status.retryable`` (1, 5, 10) first; a barred number will refuse again.

    Args:
        request: the request that was sent, or its fields in wire names.
        response: one :class:`SendResponse` listing one entry per part, or a sequence of
            responses, one per part payload sent, in part order.
        reference: the concatenation reference of the parts already sent.
        reference_bits: 8 or 16, as they were sent.
        credentials: as for :meth:`SmsRequest.payload`.
        timestamp: as for :meth:`SmsRequest.payload`.

    Returns:
        The refused part numbers (1-based) mapped to the payloads that send them again, in
        part order; empty when every part was accepted.  A message of one part maps to
        its own payload.

    Raises:
        ArgumentError: ``response`` does not list one entry (or hold one response) per
            part of the message, or ``reference``/``reference_bits`` out of range.
        PayloadError: fields that break a rule (as for :class:`SmsRequest`).
        TypeError: an argument of the wrong type.
    """
    if not isinstance(request, SmsRequest):
        if not isinstance(request, Mapping):
            raise TypeError(f"request must be an SmsRequest or a mapping, not {type(request).__name__}")
        request = SmsRequest.from_fields(request)
    if isinstance(response, SendResponse):
        accepted = [m.ok for m in response.messages]
        what = "entries"
    elif isinstance(response, Sequence) and not isinstance(response, (str, bytes)):
        for index, item in enumerate(response):
            if not isinstance(item, SendResponse):
                raise TypeError(f"response[{index}] must be a SendResponse, not {type(item).__name__}")
        accepted = [item.ok for item in response]
        what = "responses"
    else:
        raise TypeError(
            f"response must be a SendResponse or a sequence of them, not {type(response).__name__}"
        )
    payloads = request.part_payloads(
        credentials, reference=reference, reference_bits=reference_bits, timestamp=timestamp
    )
    if len(accepted) != len(payloads):
        hint = (
            ": the API refused the request as a whole, so nothing was sent; send it again once fixed"
            if what == "entries" and len(accepted) == 1 and not accepted[0]
            else ""
        )
        raise ArgumentError(
            f"the response has {len(accepted)} {what} but the message has {len(payloads)} parts{hint}",
            argument="response",
        )
    return {number: payloads[number - 1] for number, ok in enumerate(accepted, 1) if not ok}
