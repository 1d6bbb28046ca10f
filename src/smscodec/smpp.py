"""SMPP ``submit_sm`` / ``deliver_sm`` fields from smscodec's parts, and back (sans I/O).

Theory of operation
-------------------
An SMPP client does not send "a text": it sends ``submit_sm`` PDUs whose fields say how
the octets are coded (SMPP 3.4 §4.4.1).  This module computes those fields from the parts
:func:`smscodec.split` cuts, and reads the fields of a ``deliver_sm`` (§4.6.1) back into
text, header and concatenation info.  No socket is opened: pair it with any SMPP client
(python-smpplib, aiosmpplib, ...).

Outbound, three ways to carry a long message (``mode=``):

``"udh"`` (the default)
    One PDU per part.  ``short_message`` holds the user data header (with the
    concatenation element, TS 23.040 §9.2.3.24.1) then the part's payload, and
    ``esm_class`` has the UDHI flag 0x40 (SMPP 3.4 §5.2.12, TS 23.040 §9.2.3.23).
``"sar"``
    One PDU per part, the concatenation element left out of ``short_message``; the
    ``sar_msg_ref_num`` (16 bits), ``sar_total_segments`` and ``sar_segment_seqnum``
    options (SMPP 3.4 §5.3.2.22-24) carry it instead and the SMSC builds the header.
    Other header elements (national language shifts, a caller's ``udh=``) stay in
    ``short_message`` with UDHI.  Parts are cut to leave room for the header the SMSC
    adds: 153 GSM-7 septets with 8-bit references, 152 with ``reference_bits=16`` (use
    that when the SMSC may send 16-bit references).
``"payload"``
    One PDU for the whole message: ``short_message`` empty (``sm_length`` 0) and the
    ``message_payload`` option holding all of it (SMPP 3.4 §5.3.2.32, up to 64K octets);
    the SMSC cuts it.

GSM-7 goes as unpacked septets, one per octet (the SMPP default: ``data_coding`` 0 is
"SMSC default alphabet", SMPP 3.4 §5.2.19, and SMSCs read it unpacked), or, with
``gsm7_packing="packed"``, packed 8 septets in 7 octets (TS 23.038 §6.1.2.1.1) after
the fill bits that bring a header to a septet boundary (TS 23.040 §9.2.3.24).  Packing
is an agreement with the SMSC: nothing in the PDU says it.

Inbound, :func:`parse_deliver_sm` reads ``data_coding`` by the SMPP 3.4 §5.2.19 table for
0x00-0x0E and as a TS 23.038 §4 octet (:mod:`smscodec.dcs`) from 0x0F up: SMPP 3.4 points
0xC0-0xFF at GSM 03.38 and leaves 0x0F-0xBF reserved, but SMSCs pass the air interface's
TP-DCS through (0x10 a GSM-7 "flash" message, 0x18 UCS2 class 0), so those are read the
TS 23.038 way and what TS 23.038 reserves stays an error.  :meth:`DeliverSm.to_inbound`
makes a :class:`smscodec.vonage.InboundMessage` of it, so that SMPP parts join in the
same :class:`smscodec.vonage.Reassembler` as Vonage webhook parts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from . import _spec, dcs, gsm7, segments
from . import udh as _udh
from .errors import ArgumentError, DecodeError, UdhError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .policies import SplitPolicy
    from .vonage.inbound import InboundMessage

__all__ = [
    "Charset",
    "DeliverSm",
    "Mode",
    "SubmitSm",
    "parse_deliver_sm",
    "submit_sm_fields",
]

#: How a long message travels: see the module documentation.
Mode = Literal["udh", "sar", "payload"]
#: What :func:`parse_deliver_sm` read the user data as: the TS 23.038 alphabets
#: ``"gsm7"``, ``"8bit"``, ``"ucs2"``, or one of the other SMPP 3.4 §5.2.19 character sets.
Charset = Literal[
    "gsm7",
    "8bit",
    "ucs2",
    "ascii",
    "latin-1",
    "jis",
    "cyrillic",
    "hebrew",
    "pictogram",
    "iso-2022-jp",
    "kanji-jis",
    "ks-c-5601",
]

_MODES = ("udh", "sar", "payload")
_PACKINGS = ("unpacked", "packed")

# SMPP 3.4 §5.2.21: sm_length is one octet, 0-254.
_SHORT_MESSAGE_MAX = 254
# SMPP 3.4 §5.3.2.32: message_payload is a TLV, its length 16 bits.
_PAYLOAD_MAX = 0xFFFF
# SMPP 3.4 §5.3.2.22: sar_msg_ref_num is Integer(2).
_SAR_REF_MAX = 0xFFFF

# SMPP 3.4 §5.2.19 data_coding values with character sets of SMPP's own (the rest of
# 0x00-0x0E are TS 23.038 octets too: 0x00 GSM-7 as the SMSC default, 0x04, 0x08).
# The Python codec of each, or None when the octets are handed back undecoded.
_SMPP_CHARSETS: dict[int, tuple[Charset, str | None]] = {
    0x01: ("ascii", "ascii"),  # IA5 (CCITT T.50) / ASCII (ANSI X3.4)
    0x02: ("8bit", None),  # octet unspecified (8-bit binary)
    0x03: ("latin-1", "latin-1"),  # ISO-8859-1
    0x05: ("jis", None),  # JIS X 0208-1990
    0x06: ("cyrillic", "iso8859-5"),  # ISO-8859-5
    0x07: ("hebrew", "iso8859-8"),  # ISO-8859-8
    0x09: ("pictogram", None),  # pictogram encoding
    0x0A: ("iso-2022-jp", "iso2022-jp"),  # ISO-2022-JP (music codes)
    0x0D: ("kanji-jis", None),  # extended Kanji JIS X 0212-1990
    0x0E: ("ks-c-5601", None),  # KS C 5601
}
# SMPP 3.4 §5.2.19: 0x0B and 0x0C are reserved.
_SMPP_RESERVED = (0x0B, 0x0C)


# --- outbound -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SubmitSm:
    """The message fields of one ``submit_sm`` PDU (SMPP 3.4 §4.4.1).

    Addresses, ``registered_delivery`` and the other routing fields are the caller's;
    these are the fields that depend on the text.

    Attributes:
        data_coding: SMPP 3.4 §5.2.19 / TS 23.038 §4: 0x00 GSM-7 (the SMSC default
            alphabet), 0x08 UCS2, 0x04 8-bit data.
        esm_class: SMPP 3.4 §5.2.12: 0x40 (UDHI) when the user data starts with a header,
            else 0x00 (default message mode and type).
        short_message: the user data, header first; ``b""`` in the ``message_payload``
            form.
        sar_msg_ref_num: the concatenation reference, 0-65535 (SMPP 3.4 §5.3.2.22); None
            unless ``mode="sar"`` and the message has several parts.
        sar_total_segments: how many parts, 1-255 (§5.3.2.23); set with
            ``sar_msg_ref_num``.
        sar_segment_seqnum: this part's number, 1-``sar_total_segments`` (§5.3.2.24).
        message_payload: the whole user data in the one-PDU form (§5.3.2.32), else None.
    """

    data_coding: int
    esm_class: int
    short_message: bytes
    sar_msg_ref_num: int | None = None
    sar_total_segments: int | None = None
    sar_segment_seqnum: int | None = None
    message_payload: bytes | None = None

    def __post_init__(self) -> None:
        for name in ("data_coding", "esm_class"):
            _check_int(name, getattr(self, name), 0, 0xFF)
        if not isinstance(self.short_message, bytes):
            raise TypeError(f"short_message must be bytes, not {type(self.short_message).__name__}")
        if len(self.short_message) > _SHORT_MESSAGE_MAX:
            raise ArgumentError(
                f"short_message is {len(self.short_message)} octets; sm_length allows "
                f"{_SHORT_MESSAGE_MAX} (SMPP 3.4 §5.2.21)",
                argument="short_message",
            )
        sar = (self.sar_msg_ref_num, self.sar_total_segments, self.sar_segment_seqnum)
        if any(v is not None for v in sar):
            if any(v is None for v in sar):
                raise ArgumentError(
                    "sar_msg_ref_num, sar_total_segments and sar_segment_seqnum go together",
                    argument="sar_msg_ref_num",
                )
            _check_sar(self.sar_msg_ref_num, self.sar_total_segments, self.sar_segment_seqnum)
        if self.message_payload is not None:
            if not isinstance(self.message_payload, bytes):
                raise TypeError(
                    f"message_payload must be bytes or None, not {type(self.message_payload).__name__}"
                )
            if self.short_message:
                raise ArgumentError(
                    "with message_payload, short_message must be empty (SMPP 3.4 §5.3.2.32)",
                    argument="short_message",
                )
            if len(self.message_payload) > _PAYLOAD_MAX:
                raise ArgumentError(
                    f"message_payload is {len(self.message_payload)} octets; the TLV length "
                    f"allows {_PAYLOAD_MAX}",
                    argument="message_payload",
                )

    def fields(self) -> dict[str, int | bytes]:
        """The fields as SMPP names them, the unset options left out: keyword arguments
        for an SMPP library (``smpplib.smpp.make_pdu("submit_sm", **sm.fields(), ...)``)."""
        out: dict[str, int | bytes] = {
            "data_coding": self.data_coding,
            "esm_class": self.esm_class,
            "short_message": self.short_message,
        }
        for name in ("sar_msg_ref_num", "sar_total_segments", "sar_segment_seqnum", "message_payload"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not low <= value <= high:
        raise ArgumentError(f"{name} must be {low}-{high}, got {value}", argument=name)
    return value


def _check_sar(reference: object, total: object, sequence: object) -> None:
    _check_int("sar_msg_ref_num", reference, 0, _SAR_REF_MAX)
    count = _check_int("sar_total_segments", total, 1, _spec.MAX_PARTS)
    _check_int("sar_segment_seqnum", sequence, 1, count)


def _fill_bits(header_octets: int) -> int:
    """TS 23.040 §9.2.3.24: zero bits after a header of this many octets, so that the
    septets start on a septet boundary (1 after the 6-octet concatenation header)."""
    return (7 - (8 * header_octets) % 7) % 7


def _user_data(header: bytes, payload: bytes, data_coding: int, packed: bool) -> bytes:
    """Header then payload; GSM-7 septets packed after the fill bits on request."""
    if packed and data_coding == _spec.DCS_GSM7:
        # TS 23.038 §6.1.2.1.1 packing, after TS 23.040 §9.2.3.24 fill bits.
        return header + gsm7.pack_septets(payload, _fill_bits(len(header)))
    return header + payload


def _without_concat(header: bytes) -> tuple[bytes, _udh.Concat | None]:
    """A part's header without its concatenation element, and that element."""
    if not header:
        return b"", None
    elements = _udh.parse(header)
    concat = next((e for e in elements if isinstance(e, _udh.Concat)), None)
    rest = [e for e in elements if not isinstance(e, _udh.Concat)]
    return (_udh.build(rest) if rest else b""), concat


def _parts(
    message: str | bytes | Iterable[segments.Segment],
    reference: int | None,
    encoding: str,
    header: bytes,
    reference_bits: int,
    smart: bool | Mapping[str, str],
    languages: Iterable[str | int],
    policy: str | SplitPolicy,
) -> list[segments.Segment]:
    languages = tuple(languages)
    text_options = encoding != "auto" or smart is not False or bool(languages) or policy != "3gpp"
    if isinstance(message, str):
        return list(
            segments.split(
                message,
                encoding=encoding,
                udh=header,
                reference_bits=reference_bits,
                smart=smart,
                languages=languages,
                reference=reference,
                policy=policy,
            )
        )
    if isinstance(message, (bytes, bytearray, memoryview)):
        if text_options:
            raise ArgumentError(
                "encoding, smart, languages and policy apply to a text, not to binary data",
                argument="message",
            )
        return list(
            segments.split_binary(
                bytes(message), udh=header, reference=reference, reference_bits=reference_bits
            )
        )
    if text_options or header or reference is not None or reference_bits != 8:
        raise ArgumentError(
            "segment options apply to a text or binary data; these segments are split already",
            argument="message",
        )
    parts = list(message)
    for part in parts:
        if not isinstance(part, segments.Segment):
            raise TypeError(f"message must be a str, bytes or Segments, not a list of {type(part).__name__}")
    if not parts:
        raise ArgumentError("no segments to send", argument="message")
    return parts


def submit_sm_fields(
    message: str | bytes | Iterable[segments.Segment],
    *,
    mode: Mode = "udh",
    gsm7_packing: Literal["unpacked", "packed"] = "unpacked",
    reference: int | None = None,
    encoding: str = "auto",
    udh: bytes = b"",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    policy: str | SplitPolicy = "3gpp",
) -> list[SubmitSm]:
    """The ``submit_sm`` message fields that send ``message``, one per PDU.

    Args:
        message: a text (cut by :func:`smscodec.split` with the options given), binary
            data (cut by :func:`smscodec.split_binary`: ``udh``, ``reference`` and
            ``reference_bits`` apply) or the :class:`~smscodec.Segments` of an earlier
            split (no option then).
        mode: ``"udh"``, ``"sar"`` or ``"payload"`` (see the module documentation).
        gsm7_packing: ``"unpacked"`` septets, one per octet (the SMPP default), or
            ``"packed"`` (TS 23.038 §6.1.2.1.1, fill bits after a header).  Only GSM-7
            parts are affected.
        reference, encoding, udh, reference_bits, smart, languages, policy: as for
            :func:`smscodec.split`.

    ``submit_sm_fields("hello")`` is one PDU: ``SubmitSm(data_coding=0, esm_class=0,
    short_message=b"hello")`` (GSM-7 "hello" is the same septets as ASCII).

    Returns:
        One :class:`SubmitSm` per part (a single one for ``mode="payload"``).

    Raises:
        TypeError: an argument of the wrong type.
        ArgumentError: an unknown ``mode`` or ``gsm7_packing``; segment options with
            segments, or text options with binary data (``argument="message"``); a
            ``message_payload`` over 65535 octets; anything :func:`smscodec.split`
            refuses.
        EncodingError, UdhError: as for :func:`smscodec.split`.
    """
    if mode not in _MODES:
        raise ArgumentError(f"mode must be one of {', '.join(_MODES)}, got {mode!r}", argument="mode")
    if gsm7_packing not in _PACKINGS:
        raise ArgumentError(
            f"gsm7_packing must be one of {', '.join(_PACKINGS)}, got {gsm7_packing!r}",
            argument="gsm7_packing",
        )
    packed = gsm7_packing == "packed"
    parts = _parts(message, reference, encoding, udh, reference_bits, smart, languages, policy)

    if mode == "udh":
        return [
            SubmitSm(
                data_coding=part.data_coding,
                esm_class=part.esm_class,
                short_message=_user_data(part.udh, part.payload, part.data_coding, packed),
            )
            for part in parts
        ]

    if mode == "sar":
        out = []
        for part in parts:
            header, concat = _without_concat(part.udh)
            # SMPP 3.4 §5.3.2.22-24: the concatenation element's three values.
            several = concat is not None and concat.total > 1
            out.append(
                SubmitSm(
                    data_coding=part.data_coding,
                    # SMPP 3.4 §5.2.12: UDHI only while a header is left in short_message.
                    esm_class=_spec.UDHI if header else 0x00,
                    short_message=_user_data(header, part.payload, part.data_coding, packed),
                    sar_msg_ref_num=concat.reference if several and concat else None,
                    sar_total_segments=concat.total if several and concat else None,
                    sar_segment_seqnum=concat.sequence if several and concat else None,
                )
            )
        return out

    # mode == "payload": the parts' payloads are cut at character boundaries of one
    # encoding, so joined they are the whole message's user data; the header is the one
    # every part shares (the caller's elements, the national language shifts).
    codings = {part.data_coding for part in parts}
    if len(codings) != 1:
        raise ArgumentError("the segments mix data codings; message_payload carries one", argument="message")
    (coding,) = codings
    header, _concat = _without_concat(parts[0].udh)
    body = _user_data(header, b"".join(part.payload for part in parts), coding, packed)
    return [
        SubmitSm(
            data_coding=coding,
            esm_class=_spec.UDHI if header else 0x00,
            short_message=b"",
            message_payload=body,
        )
    ]


# --- inbound --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DeliverSm:
    """The message fields of a ``deliver_sm`` (or an inbound ``submit_sm``), read.

    Attributes:
        data_coding: the field as received.
        esm_class: the field as received (SMPP 3.4 §5.2.12; 0x40 is UDHI, bits 5-2 the
            message type, e.g. 0x04 for a delivery receipt).
        charset: how the user data was read (:data:`Charset`).
        coding: the TS 23.038 §4 reading of ``data_coding`` (:func:`smscodec.dcs.parse`),
            or None for a character set of SMPP's own (0x01-0x03, 0x05-0x07, 0x09-0x0E).
        text: the decoded text, or None for 8-bit data, compressed user data
            (TS 23.042) and the character sets Python has no codec for.
        data: the user data after the header when ``text`` is None, else None.
        udh: the user data header, UDHL first; ``b""`` without UDHI.
        udh_elements: the header's information elements (:func:`smscodec._udh.parse`).
        concat: the part's place in a concatenated message, from the header's
            concatenation element or the ``sar_*`` options (as a 16-bit
            :class:`~smscodec._udh.Concat`); None for a whole message.
    """

    data_coding: int
    esm_class: int
    charset: Charset
    coding: dcs.DataCoding | None
    text: str | None
    data: bytes | None
    udh: bytes
    udh_elements: tuple[_udh.InformationElement, ...]
    concat: _udh.Concat | None

    def to_inbound(
        self, *, source_addr: str, destination_addr: str, message_id: str | None = None
    ) -> InboundMessage:
        """This part as a :class:`smscodec.vonage.InboundMessage`, for
        :meth:`smscodec.vonage.Reassembler.add`: SMPP parts then join exactly like Vonage
        inbound parts (keyed by sender, recipient, reference and total; the reference a
        decimal string, as Vonage's parser makes it from a header).

        Args:
            source_addr: the sender (``msisdn``).
            destination_addr: the recipient (``to``).
            message_id: an id of this part that a redelivery repeats (the reassembler
                recognises a retried part of a completed message by it).  A ``deliver_sm``
                carries none; None draws a random one, so a redelivered part of a message
                already completed is then not recognised.

        Returns:
            An ``InboundMessage`` of type ``text`` (GSM-7 and the other 8-bit
            character sets), ``unicode`` (UCS2) or ``binary`` (``data``; also what was
            not decoded), with ``udh``, ``concat`` and ``raw`` (the SMPP fields, the
            user data as hex) filled.

        Raises:
            TypeError: an address or ``message_id`` that is not a ``str``.
            WebhookError: an empty address or ``message_id``.
        """
        from .vonage import RawFields
        from .vonage.inbound import ConcatInfo, InboundMessage, InboundType

        if message_id is None:
            message_id = "smpp-" + os.urandom(8).hex()
        concat = None
        if self.concat is not None:
            concat = ConcatInfo(
                reference=str(self.concat.reference), total=self.concat.total, part=self.concat.sequence
            )
        if self.text is None:
            kind = InboundType.BINARY
        elif self.charset == "ucs2":
            kind = InboundType.UNICODE
        else:
            kind = InboundType.TEXT
        raw = {"data_coding": str(self.data_coding), "esm_class": str(self.esm_class)}
        if self.udh:
            raw["udh"] = self.udh.hex()
        return InboundMessage(
            msisdn=source_addr,
            to=destination_addr,
            message_id=message_id,
            type=kind,
            text=self.text,
            concat=concat,
            data=self.data,
            udh=self.udh if self.udh or self.text is None else None,
            raw=RawFields(raw),
        )


def _decode_error(field: str, message: str, position: int) -> DecodeError:
    return DecodeError(f"{field}: {message}", position=position)


def _charset(data_coding: int) -> tuple[Charset, str | None, dcs.DataCoding | None]:
    """SMPP 3.4 §5.2.19 for the values with SMPP character sets, TS 23.038 §4 for the rest."""
    if data_coding in _SMPP_RESERVED:
        raise _decode_error("data_coding", f"0x{data_coding:02X} is reserved (SMPP 3.4 §5.2.19)", position=0)
    known = _SMPP_CHARSETS.get(data_coding)
    if known is not None:
        return known[0], known[1], None
    try:
        coding = dcs.parse(data_coding)
    except DecodeError as exc:
        raise _decode_error("data_coding", str(exc), position=0) from None
    return coding.alphabet, None, coding


def _shift_tables(elements: Iterable[_udh.InformationElement]) -> tuple[int, int]:
    """The national language tables the header names (TS 23.040 §9.2.3.24.15-16)."""
    locking = single = 0
    for element in elements:
        if isinstance(element, _udh.NationalLanguage):
            if element.locking:
                locking = element.language
            else:
                single = element.language
    return locking, single


def parse_deliver_sm(
    *,
    data_coding: int,
    esm_class: int,
    short_message: bytes = b"",
    message_payload: bytes | None = None,
    packed: bool = False,
    septets: int | None = None,
    sar_msg_ref_num: int | None = None,
    sar_total_segments: int | None = None,
    sar_segment_seqnum: int | None = None,
) -> DeliverSm:
    """Read the message fields of a ``deliver_sm`` (SMPP 3.4 §4.6.1).

    Args:
        data_coding, esm_class, short_message, message_payload: the PDU's fields
            (``message_payload`` replaces an empty ``short_message``, §5.3.2.32).
        packed: GSM-7 user data is packed (TS 23.038 §6.1.2.1.1) rather than one septet
            per octet; the SMSC's agreement, as for :func:`submit_sm_fields`.
        septets: with ``packed``, the number of septets when known.  SMPP counts octets
            only, so without it a last octet with 7 spare bits would read as one more
            ``"@"`` (0x00): that septet is dropped, which loses a real ``"@"`` in exactly
            that place.
        sar_msg_ref_num, sar_total_segments, sar_segment_seqnum: the SAR options
            (§5.3.2.22-24), all three or none.

    Returns:
        A :class:`DeliverSm`; feed :meth:`DeliverSm.to_inbound` to a
        :class:`smscodec.vonage.Reassembler` to join parts.

    Raises:
        TypeError: an argument of the wrong type.
        ArgumentError: ``data_coding`` or ``esm_class`` outside 0-255; ``short_message``
            over 254 octets or given with ``message_payload``; SAR options out of range or
            incomplete; a header concatenation element and SAR options together.
        DecodeError: the message names the field: a reserved ``data_coding`` (SMPP 3.4
            §5.2.19 0x0B-0x0C, or what TS 23.038 §4 reserves); with UDHI, an empty user
            data, a header length past its end or a malformed header; an odd UCS2 length,
            a lone surrogate, a GSM-7 octet above 0x7F, truncated packed data or text
            not valid in its character set.  ``position`` is the offset in the field.
    """
    _check_int("data_coding", data_coding, 0, 0xFF)
    _check_int("esm_class", esm_class, 0, 0xFF)
    if not isinstance(packed, bool):
        raise TypeError(f"packed must be a bool, not {type(packed).__name__}")
    if not isinstance(short_message, (bytes, bytearray, memoryview)):
        raise TypeError(f"short_message must be bytes, not {type(short_message).__name__}")
    short = bytes(short_message)
    if len(short) > _SHORT_MESSAGE_MAX:
        raise ArgumentError(
            f"short_message is {len(short)} octets; sm_length allows {_SHORT_MESSAGE_MAX} (SMPP 3.4 §5.2.21)",
            argument="short_message",
        )
    field = "short_message"
    user_data = short
    if message_payload is not None:
        if not isinstance(message_payload, (bytes, bytearray, memoryview)):
            raise TypeError(f"message_payload must be bytes or None, not {type(message_payload).__name__}")
        if short:
            raise ArgumentError(
                "short_message must be empty when message_payload is present (SMPP 3.4 §5.3.2.32)",
                argument="short_message",
            )
        field = "message_payload"
        user_data = bytes(message_payload)
    if septets is not None:
        _check_int("septets", septets, 0, 8 * len(user_data))
    sar = (sar_msg_ref_num, sar_total_segments, sar_segment_seqnum)
    if any(v is not None for v in sar) and any(v is None for v in sar):
        raise ArgumentError(
            "sar_msg_ref_num, sar_total_segments and sar_segment_seqnum go together",
            argument="sar_msg_ref_num",
        )

    charset, codec, coding = _charset(data_coding)

    # SMPP 3.4 §5.2.12 / TS 23.040 §9.2.3.23: UDHI says the user data starts with a header.
    header = b""
    elements: tuple[_udh.InformationElement, ...] = ()
    if esm_class & _spec.UDHI:
        if not user_data:
            raise _decode_error(field, "UDHI is set in esm_class but the user data is empty", 0)
        end = 1 + user_data[0]
        if end > len(user_data):
            raise _decode_error(
                field,
                f"UDHI is set and the header length (UDHL) says {user_data[0]} octets follow, "
                f"but only {len(user_data) - 1} do",
                0,
            )
        header = user_data[:end]
        try:
            elements = tuple(_udh.parse(header))
        except UdhError as exc:
            raise _decode_error(field, f"bad user data header: {exc}", exc.offset) from None
    body = user_data[len(header) :]

    concat = next((e for e in elements if isinstance(e, _udh.Concat)), None)
    if sar_msg_ref_num is not None:
        _check_sar(sar_msg_ref_num, sar_total_segments, sar_segment_seqnum)
        if concat is not None:
            raise ArgumentError(
                "the header has a concatenation element and the SAR options are given too",
                argument="sar_msg_ref_num",
            )
        assert sar_total_segments is not None
        assert sar_segment_seqnum is not None
        # SMPP 3.4 §5.3.2.22: the SAR reference is 16 bits.
        concat = _udh.Concat(sar_msg_ref_num, sar_total_segments, sar_segment_seqnum, 16)

    text: str | None = None
    data: bytes | None = None
    offset = len(header)
    try:
        if coding is not None and coding.compressed:
            data = body  # TS 23.042 compression: handed back as it came
        elif charset == "gsm7":
            text = _gsm7_text(body, header, elements, packed, septets)
        elif charset == "ucs2":
            text = gsm7.decode_ucs2(body)
        elif codec is not None:
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"not valid {charset} (data_coding 0x{data_coding:02X}) at octet {exc.start}",
                    position=exc.start,
                ) from None
        else:
            data = body
    except DecodeError as exc:
        raise _decode_error(field, str(exc), offset + exc.position) from None
    except ArgumentError as exc:  # a national language the header names that no table has
        raise _decode_error(field, str(exc), 0) from None
    return DeliverSm(
        data_coding=data_coding,
        esm_class=esm_class,
        charset=charset,
        coding=coding,
        text=text,
        data=data,
        udh=header,
        udh_elements=elements,
        concat=concat,
    )


def _gsm7_text(
    body: bytes,
    header: bytes,
    elements: tuple[_udh.InformationElement, ...],
    packed: bool,
    septets: int | None,
) -> str:
    septet_data = body
    if packed:
        fill = _fill_bits(len(header))
        septet_data = gsm7.unpack_septets(body, septets, fill)
        if septets is None and septet_data.endswith(b"\x00") and (8 * len(body) - fill) % 7 == 0:
            # TS 23.038 §6.1.2.1.1: when the septets end 7 bits before an octet boundary,
            # the 7 zero spare bits read as one more septet 0x00 if the count is unknown
            # (SMPP gives octets, not TP-UDL, TS 23.040 §9.2.3.16): take it as padding.
            septet_data = septet_data[:-1]
    locking, single = _shift_tables(elements)
    try:
        if locking or single:
            return gsm7.decode_gsm7(septet_data, locking_shift=locking, single_shift=single)
        return gsm7.decode_gsm7(septet_data)
    except DecodeError as exc:
        if packed:
            # A position in the septets, not in the packed octets.
            raise DecodeError(f"{exc} (septet {exc.position} of the packed data)", position=0) from None
        raise
