"""The SMS data coding scheme octet (TP-DCS, 3GPP TS 23.038 §4): build and parse.

Theory of operation
-------------------
One octet says how the user data is coded and, optionally, what to do with the message.
Its high nibble (bits 7-4) is the *coding group*; the low nibble means something
different in each group (TS 23.038 §4, the table "Coding Group Bits 7..4")::

    00xx  general data coding          bit 5 compressed (TS 23.042), bit 4 "bits 1-0 are a
                                       message class", bits 3-2 alphabet, bits 1-0 class
    01xx  marked for automatic         bits 5-0 exactly as 00xx; the ME deletes the
          deletion                     message once it has been read
    1000..1011  reserved coding groups
    1100  message waiting, discard     bit 3 indication active, bit 2 reserved (0),
                                       bits 1-0 indication type; GSM-7 text the ME may
                                       discard after setting the indication
    1101  message waiting, store       as 1100; the ME stores the GSM-7 text
    1110  message waiting, store       as 1101, the text in UCS2
    1111  data coding / message class  bit 3 reserved (0), bit 2 alphabet (0 GSM-7,
                                       1 8-bit data), bits 1-0 message class

Alphabets (bits 3-2 of 00xx/01xx): ``00`` GSM 7-bit default alphabet, ``01`` 8-bit data,
``10`` UCS2, ``11`` reserved.  Message classes (bits 1-0): 0 (shown at once, "flash"),
1 (ME-specific), 2 ((U)SIM-specific), 3 (TE-specific).  Indication types (bits 1-0 of
1100-1110): voicemail, fax, e-mail, other.

:func:`parse` is strict by default: a reserved coding group, the reserved alphabet ``11``
and a reserved bit set to 1 (bits 1-0 of 00xx/01xx without the class bit, bit 2 of
1100-1110, bit 3 of 1111) are a :class:`~smscodec.errors.DecodeError` naming the octet
and the rule.  ``strict=False`` reads them the way TS 23.038 §4 tells a receiving entity
to: "any reserved codings shall be assumed to be the GSM 7 bit default alphabet (the
same as codepoint 00000000)", and reserved bits are ignored; the result then has
``reserved=True``.  Every octet that parses strictly is rebuilt exactly by :func:`build`
(:meth:`DataCoding.to_octet`).

The SMPP ``data_coding`` field is *not* this octet for every value: SMPP 3.4 §5.2.19 gives
0x01-0x0E character sets of its own (IA5, Latin-1, JIS, ...).  :mod:`smscodec.smpp` reads
that table and hands the values it passes through (0xC0-0xFF) to this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import _spec
from .errors import ArgumentError, DecodeError

__all__ = [
    "DATA_8BIT",
    "GSM7",
    "UCS2",
    "Alphabet",
    "DataCoding",
    "Group",
    "IndicationType",
    "MessageWaiting",
    "build",
    "parse",
]

#: The alphabets a data coding scheme can name (TS 23.038 §4, bits 3-2 of group 00xx).
Alphabet = Literal["gsm7", "8bit", "ucs2"]
#: The coding groups that carry data: ``"general"`` (00xx, and 01xx with ``auto_delete``),
#: ``"message_waiting"`` (1100, 1101, 1110) and ``"message_class"`` (1111).
Group = Literal["general", "message_waiting", "message_class"]
#: TS 23.038 §4, bits 1-0 of groups 1100-1110: what kind of message is waiting.
IndicationType = Literal["voicemail", "fax", "email", "other"]

#: TS 23.038 §4: the octet of each alphabet in the general group, no message class.
GSM7 = _spec.DCS_GSM7
DATA_8BIT = _spec.DCS_8BIT
UCS2 = _spec.DCS_UCS2

# Bits 3-2 of the general group (TS 23.038 §4); 0b11 is reserved.
_ALPHABET_BITS: dict[str, int] = {"gsm7": 0b00, "8bit": 0b01, "ucs2": 0b10}
_ALPHABETS: tuple[Alphabet, Alphabet, Alphabet] = ("gsm7", "8bit", "ucs2")
# Bits 1-0 of the message waiting groups (TS 23.038 §4).
_INDICATIONS: tuple[IndicationType, ...] = ("voicemail", "fax", "email", "other")
_GROUPS = ("general", "message_waiting", "message_class")

_COMPRESSED = 0x20  # bit 5 of 00xx/01xx: compressed as TS 23.042 defines
_CLASS_MEANING = 0x10  # bit 4 of 00xx/01xx: bits 1-0 are a message class
_AUTO_DELETE = 0x40  # bits 7-6 = 01: the automatic deletion group
_MWI_DISCARD = 0xC0  # 1100: message waiting indication, discard message (GSM-7)
_MWI_STORE_GSM7 = 0xD0  # 1101: message waiting indication, store message (GSM-7)
_MWI_STORE_UCS2 = 0xE0  # 1110: message waiting indication, store message (UCS2)
_MWI_ACTIVE = 0x08  # bit 3 of 1100-1110: set the indication active
_CLASS_GROUP = 0xF0  # 1111: data coding / message class
_CLASS_8BIT = 0x04  # bit 2 of 1111: 8-bit data (0: GSM-7)


@dataclass(frozen=True, kw_only=True)
class MessageWaiting:
    """What a message waiting indication group (TS 23.038 §4, 1100-1110) asks of the phone.

    Attributes:
        active: the indication sense (bit 3): True sets the indication active, False
            inactive (the messages were read).
        indication: the type of message waiting (bits 1-0): ``"voicemail"``, ``"fax"``,
            ``"email"`` or ``"other"``.
        store: True for the "store message" groups (1101, 1110: the phone keeps the
            text), False for 1100 "discard message" (it may drop the text once the
            indication is set).
    """

    active: bool
    indication: IndicationType
    store: bool = True

    def __post_init__(self) -> None:
        for name in ("active", "store"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be a bool, not {type(getattr(self, name)).__name__}")
        if not isinstance(self.indication, str):
            raise TypeError(f"indication must be a str, not {type(self.indication).__name__}")
        if self.indication not in _INDICATIONS:
            raise ArgumentError(
                f"indication must be one of {', '.join(_INDICATIONS)}, got {self.indication!r}",
                argument="indication",
            )


@dataclass(frozen=True, kw_only=True)
class DataCoding:
    """A data coding scheme octet, read (TS 23.038 §4).

    Attributes:
        alphabet: ``"gsm7"`` (GSM 7-bit default alphabet), ``"8bit"`` (8-bit data) or
            ``"ucs2"``.
        message_class: 0-3, or None when the octet gives no class.  0: shown at once and
            not stored ("flash"); 1: ME-specific; 2: (U)SIM-specific; 3: TE-specific.
        compressed: the user data is compressed (TS 23.042); only in the general group.
        auto_delete: the "message marked for automatic deletion" group (01xx): the phone
            deletes the message after it is read.
        group: ``"general"`` (00xx and 01xx), ``"message_waiting"`` (1100-1110) or
            ``"message_class"`` (1111).
        waiting: the indication of a message waiting group, else None.
        reserved: True when the octet held a reserved coding that :func:`parse` with
            ``strict=False`` read by the TS 23.038 §4 receiver rule (a reserved group or
            alphabet as GSM-7, reserved bits ignored).  Never True from a strict parse.

    Constructing one checks that some octet means exactly this (see :func:`build`).
    """

    alphabet: Alphabet
    message_class: int | None = None
    compressed: bool = False
    auto_delete: bool = False
    group: Group = "general"
    waiting: MessageWaiting | None = None
    reserved: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.reserved, bool):
            raise TypeError(f"reserved must be a bool, not {type(self.reserved).__name__}")
        _encode(
            self.alphabet, self.message_class, self.compressed, self.auto_delete, self.group, self.waiting
        )

    def to_octet(self) -> int:
        """The octet that codes this scheme: ``build`` of the same fields."""
        return _encode(
            self.alphabet, self.message_class, self.compressed, self.auto_delete, self.group, self.waiting
        )


def _encode(
    alphabet: object,
    message_class: object,
    compressed: object,
    auto_delete: object,
    group: object,
    waiting: object,
) -> int:
    """The octet of a data coding scheme, every field checked (see :func:`build`)."""
    if not isinstance(alphabet, str):
        raise TypeError(f"alphabet must be a str, not {type(alphabet).__name__}")
    if alphabet not in _ALPHABET_BITS:
        raise ArgumentError(
            f"alphabet must be one of {', '.join(_ALPHABETS)}, got {alphabet!r}", argument="alphabet"
        )
    if message_class is not None:
        if isinstance(message_class, bool) or not isinstance(message_class, int):
            raise TypeError(f"message_class must be an int or None, not {type(message_class).__name__}")
        if not 0 <= message_class <= 3:
            raise ArgumentError(
                f"message_class must be 0-3 or None, got {message_class}", argument="message_class"
            )
    for name, flag in (("compressed", compressed), ("auto_delete", auto_delete)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be a bool, not {type(flag).__name__}")
    if not isinstance(group, str):
        raise TypeError(f"group must be a str, not {type(group).__name__}")
    if group not in _GROUPS:
        raise ArgumentError(f"group must be one of {', '.join(_GROUPS)}, got {group!r}", argument="group")
    if waiting is not None and not isinstance(waiting, MessageWaiting):
        raise TypeError(f"waiting must be a MessageWaiting or None, not {type(waiting).__name__}")

    if group == "general":
        if waiting is not None:
            raise ArgumentError(
                "a message waiting indication needs group='message_waiting' (TS 23.038 §4: 1100-1110)",
                argument="waiting",
            )
        octet = _ALPHABET_BITS[alphabet] << 2
        if compressed:
            octet |= _COMPRESSED
        if message_class is not None:
            octet |= _CLASS_MEANING | message_class
        if auto_delete:
            octet |= _AUTO_DELETE
        return octet

    # The other groups have no compression bit and no automatic deletion group.
    for name, flag in (("compressed", compressed), ("auto_delete", auto_delete)):
        if flag:
            raise ArgumentError(
                f"{name} exists only in the general data coding groups 00xx/01xx (TS 23.038 §4), "
                f"not with group={group!r}",
                argument=name,
            )
    if group == "message_waiting":
        if waiting is None:
            raise ArgumentError(
                "group='message_waiting' needs waiting=MessageWaiting(...)", argument="waiting"
            )
        if message_class is not None:
            raise ArgumentError(
                "the message waiting groups 1100-1110 carry no message class (TS 23.038 §4)",
                argument="message_class",
            )
        if alphabet == "8bit":
            raise ArgumentError(
                "the message waiting groups carry GSM-7 (1100, 1101) or UCS2 (1110) text, not 8-bit data",
                argument="alphabet",
            )
        if alphabet == "ucs2" and not waiting.store:
            raise ArgumentError(
                "UCS2 text exists only in the 'store message' waiting group 1110; "
                "the 'discard message' group 1100 is GSM-7 (TS 23.038 §4)",
                argument="alphabet",
            )
        head = _MWI_STORE_UCS2 if alphabet == "ucs2" else (_MWI_STORE_GSM7 if waiting.store else _MWI_DISCARD)
        return head | (_MWI_ACTIVE if waiting.active else 0) | _INDICATIONS.index(waiting.indication)

    # group == "message_class": 1111, bit 2 alphabet, bits 1-0 class.
    if waiting is not None:
        raise ArgumentError(
            "a message waiting indication needs group='message_waiting' (TS 23.038 §4: 1100-1110)",
            argument="waiting",
        )
    if message_class is None:
        raise ArgumentError(
            "the data coding/message class group 1111 always carries a message class 0-3 (TS 23.038 §4)",
            argument="message_class",
        )
    if alphabet == "ucs2":
        raise ArgumentError(
            "the data coding/message class group 1111 codes GSM-7 or 8-bit data only; "
            "UCS2 with a class is the general group (group='general')",
            argument="alphabet",
        )
    return _CLASS_GROUP | (_CLASS_8BIT if alphabet == "8bit" else 0) | message_class


def build(
    *,
    alphabet: Alphabet,
    message_class: int | None = None,
    compressed: bool = False,
    auto_delete: bool = False,
    group: Group | None = None,
    waiting: MessageWaiting | None = None,
) -> int:
    """The data coding scheme octet for these fields (TS 23.038 §4).

    ``group=None`` picks ``"message_waiting"`` when ``waiting`` is given, else
    ``"general"``: ``build(alphabet="gsm7") == 0x00``, ``build(alphabet="ucs2") == 0x08``,
    ``build(alphabet="8bit") == 0x04``, ``build(alphabet="gsm7", message_class=0) == 0x10``
    (a "flash" message), ``build(alphabet="8bit", message_class=1, group="message_class")
    == 0xF5``, ``build(alphabet="gsm7", waiting=MessageWaiting(active=True,
    indication="voicemail")) == 0xD8``.

    Returns:
        The octet, 0-255; :func:`parse` reads it back to the same fields.

    Raises:
        TypeError: an argument of the wrong type.
        ArgumentError: a value outside its range, or fields no octet can carry together
            (``argument`` names the field): compression, automatic deletion or a class in
            a message waiting group; 8-bit data there, or UCS2 in the discard group 1100;
            UCS2 or no class in group 1111.
    """
    if group is None:
        group = "general" if waiting is None else "message_waiting"
    return _encode(alphabet, message_class, compressed, auto_delete, group, waiting)


def _reserved(octet: int, why: str) -> DecodeError:
    return DecodeError(f"data coding scheme 0x{octet:02X} is reserved: {why} (TS 23.038 §4)", position=0)


def parse(octet: int, *, strict: bool = True) -> DataCoding:
    """Read a data coding scheme octet (TS 23.038 §4).

    Args:
        octet: the TP-DCS octet, 0-255.
        strict: True (the default) raises for a reserved coding; False reads it as
            TS 23.038 §4 tells a receiving entity to (a reserved group or alphabet is the
            GSM 7-bit default alphabet, like 0x00; reserved bits are ignored) and marks the
            result ``reserved=True``.

    Returns:
        A :class:`DataCoding`.

    Raises:
        TypeError: ``octet`` is not an ``int``, or ``strict`` not a ``bool``.
        ArgumentError: ``octet`` is outside 0-255.
        DecodeError: with ``strict``, a reserved coding group (1000-1011), the reserved
            alphabet (bits 3-2 = 11 in 00xx/01xx), or a reserved bit set (bits 1-0 of
            00xx/01xx when bit 4 is 0, bit 2 of 1100-1110, bit 3 of 1111); the message
            names the octet and the rule, ``position`` is 0.
    """
    if isinstance(octet, bool) or not isinstance(octet, int):
        raise TypeError(f"octet must be an int, not {type(octet).__name__}")
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be a bool, not {type(strict).__name__}")
    if not 0 <= octet <= 0xFF:
        raise ArgumentError(f"a data coding scheme is one octet, 0-255; got {octet}", argument="octet")
    top = octet >> 4
    if top < 0b1000:
        # 00xx general data coding, 01xx the same marked for automatic deletion.
        alphabet_bits = (octet >> 2) & 0b11
        classed = bool(octet & _CLASS_MEANING)
        if alphabet_bits == 0b11:
            if strict:
                raise _reserved(octet, "alphabet bits 3-2 = 11 are a reserved character set")
            return DataCoding(alphabet="gsm7", reserved=True)
        low = octet & 0b11
        reserved = not classed and low != 0
        if reserved and strict:
            raise _reserved(octet, f"bit 4 is 0, so bits 1-0 are reserved and must be 0, not {low:02b}")
        return DataCoding(
            alphabet=_ALPHABETS[alphabet_bits],
            message_class=low if classed else None,
            compressed=bool(octet & _COMPRESSED),
            auto_delete=bool(octet & _AUTO_DELETE),
            reserved=reserved,
        )
    if top < 0b1100:
        if strict:
            raise _reserved(octet, f"coding group {top:04b} is one of the reserved groups 1000-1011")
        return DataCoding(alphabet="gsm7", reserved=True)
    if top < 0b1111:
        # 1100 discard (GSM-7), 1101 store (GSM-7), 1110 store (UCS2).
        reserved = bool(octet & 0b100)
        if reserved and strict:
            raise _reserved(octet, "bit 2 of a message waiting group is reserved and must be 0")
        waiting = MessageWaiting(
            active=bool(octet & _MWI_ACTIVE),
            indication=_INDICATIONS[octet & 0b11],
            store=top != 0b1100,
        )
        return DataCoding(
            alphabet="ucs2" if top == 0b1110 else "gsm7",
            group="message_waiting",
            waiting=waiting,
            reserved=reserved,
        )
    # 1111: data coding / message class.
    reserved = bool(octet & 0b1000)
    if reserved and strict:
        raise _reserved(octet, "bit 3 of the data coding/message class group 1111 is reserved and must be 0")
    return DataCoding(
        alphabet="8bit" if octet & _CLASS_8BIT else "gsm7",
        message_class=octet & 0b11,
        group="message_class",
        reserved=reserved,
    )
