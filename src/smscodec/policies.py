"""Split policies: how a route cuts a long text into parts, and so how many it bills.

smscodec counts by the rules of 3GPP TS 23.040 by default.  A provider that splits the
text itself bills what *its* splitter makes, and providers differ: Twilio never cuts a
grapheme cluster (a flag, a skin-toned or ZWJ emoji, a letter with its accents) across
two parts, and replaces look-alike characters by its own smart-encoding map.  A
:class:`SplitPolicy` describes such a route; every segment function takes one as
``policy=`` (a built-in name or a policy object)::

    count_segments(text, policy="twilio")
    split(text, policy=SplitPolicy(name="my-route", graphemes=True, max_parts=10))

Built-in policies (:data:`POLICIES`), each rule with its source:

``"3gpp"`` (the default)
    TS 23.040 §9.2.3.24 as the rest of the library applies it: parts filled greedily, an
    escape pair (TS 23.038 §6.2.1.1) or a UTF-16 surrogate pair never cut, at most 255
    parts (§9.2.3.24.1: the total is one octet), 8-bit references unless the caller asks
    for 16.
``"twilio"``
    Twilio's segment calculator (TwilioDevEd/message-segment-calculator 1.2.0, the model
    of Twilio's own segmenting that Twilio's error pages point to):

    * ``src/libs/SegmentedMessage.ts``, ``constructor``: the text is cut into grapheme
      clusters by ``grapheme-splitter`` 1.0.4 (its rule set, ``grapheme_rules="twilio"``,
      older than today's UAX #29: no Indic conjunct rule GB9c, Unicode 10 emoji data),
      and a CR LF cluster is split back into its two characters.
    * ``_buildSegments``: clusters are added to the first part up to 1120 bits (140
      octets, ``Segment.freeSizeInBits``); when one does not fit, the first part gets
      its 6-octet header (``Segment.addHeader``, ``UserDataHeader.ts``: 6 reserved
      octets, the 8-bit concatenation header) and the clusters that no longer fit move
      to the second part *together with the one that did not fit*, unchecked; from then
      on every cluster that does not fit opens a new part.  No cluster is ever cut, so a
      cluster longer than a part overfills it (``fill="twilio"``; :func:`smscodec.split`
      refuses such a part, ``count_segments`` counts it as the calculator does).
    * ``EncodedChar.ts``: 7 bits per GSM-7 code (two for an extension character), 16
      per UTF-16 unit: the units of TS 23.040, 160/153 septets and 70/67 units per part.
    * ``SmartEncodingMap.ts`` with ``smartEncoding`` on: every character in the map is
      replaced, whether or not the text then fits GSM-7 (``smart_always``); the map is
      :data:`TWILIO_SMART_MAP` (that of the package's ``dist/`` build, which the
      differential test runs; its ``src/`` differs at U+2017, see below).
    * Body limit: 1,600 characters (Twilio error 21617, "The concatenated message body
      exceeds the 1600 character limit", https://www.twilio.com/docs/api/errors/21617).
      Twilio does not say how it counts characters beyond "emojis ... will be counted as
      multiple characters"; this policy counts UTF-16 code units, as JavaScript does.
    * Maximum parts: the calculator has none and Twilio's documentation states none
      beyond the body limit; 255, the protocol's.
``"vonage"``
    What Vonage documents for its SMS API:

    * 160/153 septets, 70/67 UCS-2 characters, 140/134 octets per part (Vonage
      knowledge base 217491638, "How will I be charged for concatenated SMS?",
      https://api.support.vonage.com/hc/en-us/articles/217491638): the 6-octet header
      of an 8-bit concatenation reference (TS 23.040 §9.2.3.24.1), so
      ``reference_bits=8``.
    * Body limit: 3,200 characters, counted in UTF-16 code units, the limit
      :data:`smscodec.vonage.MAX_TEXT_UNITS` holds (status 12, "Message Too Long",
      https://developer.vonage.com/en/api-errors/sms, gives no number; the API reference
      for ``text`` states none either).
    * Silent: whether a part may end inside a grapheme cluster, a maximum number of
      parts, smart encoding.  The policy keeps the 3GPP rules there (clusters may be cut
      between code points, escape and surrogate pairs never; 255 parts; the library's
      own smart map) rather than guessing.

A policy changes *how* the text is cut and limited; the options (``encoding``, ``udh``,
``languages``, ...) still describe the message.  ``reference_bits=8`` (the default) means
"the policy's reference width"; an explicit 16 asks for 16-bit references.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from . import _spec
from .errors import ArgumentError
from .smart import SMART_MAP

__all__ = [
    "BREAK_SPACES",
    "GRAPHEME_RULES",
    "POLICIES",
    "TWILIO_SMART_DIFFERENCES",
    "TWILIO_SMART_MAP",
    "SplitPolicy",
    "get",
]

# typing is not imported at run time (see segments.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    RulesName = Literal["unicode", "twilio"]
    FillName = Literal["greedy", "twilio"]

#: ``grapheme_rules=`` names: ``"unicode"``, UAX #29 extended grapheme clusters of the
#: Unicode version the grapheme tables are built from; ``"twilio"``, the rules of the npm
#: package grapheme-splitter 1.0.4 that Twilio's calculator uses.
GRAPHEME_RULES = ("unicode", "twilio")
_FILLS = ("greedy", "twilio")

#: The characters after which a ``words=True`` policy may end a part: Unicode's
#: White_Space property (PropList.txt) less the no-break spaces U+00A0, U+2007 and
#: U+202F (line breaking class GL in UAX #14, which forbids a break there).
BREAK_SPACES = frozenset(
    "\t\n\x0b\x0c\r \x85\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a"
    "\u2028\u2029\u205f\u3000"
)


class _FrozenMap(Mapping[str, str]):
    """A read-only, hashable copy of a smart-encoding map (so policies can be hashed)."""

    __slots__ = ("_hash", "_items")

    def __init__(self, items: Mapping[str, str]) -> None:
        self._items = dict(items)
        self._hash = hash(frozenset(self._items.items()))

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and self._items == dict(other.items())

    def __repr__(self) -> str:
        return f"<smart map of {len(self._items)} characters>"


# --- Twilio's smart-encoding map, as its differences from smscodec.smart.SMART_MAP ----------
# Source: message-segment-calculator 1.2.0, dist/libs/SmartEncodingMap.js (the build the
# npm package runs; src/libs/SmartEncodingMap.ts maps U+2017 to "_" instead).  Character
# -> (Twilio's value, SMART_MAP's value); None where the map has no entry.  Everything
# else is the same in both maps (tests/test_policies.py checks the whole map against the
# calculator's, recorded in tests/vectors/twilio_oracle_segments.json).
_NO_BREAK = "\u00a0\u2000\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_OURS_ONLY = (
    # C0 / C1 controls and DEL that smscodec removes and Twilio leaves alone.
    "\x01\x02\x05\x06\x07\x08\x0b\x0e\x0f\x15\x16\x18\x1a\x1b\x1c\x1d\x1e\x1f\x7f"
    "\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8e\x8f"
    "\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9c\x9d\x9e"
    # SOFT HYPHEN, OGHAM SPACE MARK, ZWNJ, dashes, bullets, leader, primes, minus.
    "\u00ad\u1680\u200c\u2011\u2012\u2023\u2024\u2032\u2033\u2212\u2219\u25e6"
)
_TWILIO_VALUES: dict[str, str] = {
    "\t": " " * 7,  # TAB: seven spaces
    **dict.fromkeys(_NO_BREAK, "  "),  # NBSP and most Unicode spaces: two spaces
    **dict.fromkeys("\x80\x8d\x90\x9b\x9f", "  "),  # five C1 controls: two spaces
    "\u2017": "'",  # DOUBLE LOW LINE (dist/; src/ has "_")
    "\u201a": ",",  # SINGLE LOW-9 QUOTATION MARK
    "\u2028": " ",  # LINE SEPARATOR
    "\u2029": " ",  # PARAGRAPH SEPARATOR
    "\u2039": ">",  # SINGLE LEFT-POINTING ANGLE QUOTATION MARK (sic: to ">")
    "\u203a": "<",  # SINGLE RIGHT-POINTING ANGLE QUOTATION MARK (sic: to "<")
}


def _twilio_differences() -> dict[str, tuple[str | None, str | None]]:
    out: dict[str, tuple[str | None, str | None]] = {}
    for ch, value in _TWILIO_VALUES.items():
        out[ch] = (value, SMART_MAP.get(ch))
    for ch in _OURS_ONLY:
        out[ch] = (None, SMART_MAP.get(ch))
    return out


#: Where Twilio's smart-encoding map and :data:`smscodec.smart.SMART_MAP` differ:
#: character -> (Twilio's value, SMART_MAP's value), ``None`` for "no entry".
TWILIO_SMART_DIFFERENCES: Mapping[str, tuple[str | None, str | None]] = MappingProxyType(
    _twilio_differences()
)


def _twilio_map() -> dict[str, str]:
    out = {ch: v for ch, v in SMART_MAP.items() if ch not in TWILIO_SMART_DIFFERENCES}
    for ch, (twilio, _ours) in TWILIO_SMART_DIFFERENCES.items():
        if twilio is not None:
            out[ch] = twilio
    return out


#: Twilio's smart-encoding map (message-segment-calculator 1.2.0, ``dist/``): one
#: character -> its replacement (``""`` removes it).
TWILIO_SMART_MAP: Mapping[str, str] = _FrozenMap(_twilio_map())


def _check_units(value: object, what: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, tuple) or len(value) != 2:
        raise TypeError(f"{what} must be None or a (one part, each of several parts) tuple of int")
    for units in value:
        if isinstance(units, bool) or not isinstance(units, int):
            raise TypeError(f"{what} must hold ints, not {type(units).__name__}")
        # Every part must hold one two-unit item (an escape or a surrogate pair).
        if units < 2:
            raise ArgumentError(f"{what} must be at least 2 units per part, got {units}", argument=what)
    return value


@dataclass(frozen=True)
class SplitPolicy:
    """How a route cuts a text into parts (see the module docstring for the built-ins).

    An escape pair (TS 23.038 §6.2.1.1) and a UTF-16 surrogate pair never straddle two
    parts under any policy; the fields add what else never does, and the route's limits.

    Attributes:
        name: what the policy is called (in messages and reports).
        graphemes: an extended grapheme cluster never straddles two parts.  A cluster
            longer than a part is cut between code points (``fill="greedy"``) or
            overfills its part (``fill="twilio"``, as Twilio's calculator does).
        grapheme_rules: ``"unicode"`` (UAX #29 of the pinned Unicode version) or
            ``"twilio"`` (grapheme-splitter 1.0.4).
        words: a part ends after a space (:data:`BREAK_SPACES`) when one falls in it; a
            word longer than a part is cut as the other rules allow.
        fill: ``"greedy"`` (TS 23.040: a text longer than one part is cut into parts of
            the concatenated size, each filled as far as it goes) or ``"twilio"``
            (the order of Twilio's ``_buildSegments``, see the module docstring; it
            splits a CR LF cluster in two and cannot be combined with ``words``).
        max_parts: the most parts the route sends (1-255); :func:`smscodec.split`
            refuses more, ``count_segments`` still counts them.
        reference_bits: the concatenation reference width the route uses, 8 or 16.
        smart_map: the map ``smart=True`` applies (``None``: :data:`smscodec.smart.SMART_MAP`).
        smart_always: ``smart=True`` replaces every mapped character (Twilio); otherwise
            only when the text then goes as GSM-7 in no more parts (smscodec's rule).
        max_characters: the route's body limit in UTF-16 code units of the text as
            given, or None; :func:`smscodec.split` refuses a longer text.
        gsm7_units: ``(one part, each of several parts)`` septets at most, for a route
            that fills less than TS 23.040 allows; None: TS 23.040's.
        ucs2_units: the same in UTF-16 units.
        source: where the rules come from.
    """

    name: str
    graphemes: bool = False
    grapheme_rules: RulesName = "unicode"
    words: bool = False
    fill: FillName = "greedy"
    max_parts: int = _spec.MAX_PARTS
    reference_bits: int = 8
    smart_map: Mapping[str, str] | None = None
    smart_always: bool = False
    max_characters: int | None = None
    gsm7_units: tuple[int, int] | None = None
    ucs2_units: tuple[int, int] | None = None
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, not {type(self.name).__name__}")
        if not self.name:
            raise ArgumentError("a split policy needs a name", argument="name")
        for flag in ("graphemes", "words", "smart_always"):
            if type(getattr(self, flag)) is not bool:
                raise TypeError(f"{flag} must be a bool, not {type(getattr(self, flag)).__name__}")
        if self.grapheme_rules not in GRAPHEME_RULES:
            raise ArgumentError(
                f"grapheme_rules must be 'unicode' or 'twilio', got {self.grapheme_rules!r}",
                argument="grapheme_rules",
            )
        if self.fill not in _FILLS:
            raise ArgumentError(f"fill must be 'greedy' or 'twilio', got {self.fill!r}", argument="fill")
        if self.fill == "twilio" and self.words:
            raise ArgumentError(
                "fill='twilio' (Twilio's calculator) never breaks at words; words=True needs fill='greedy'",
                argument="words",
            )
        if isinstance(self.max_parts, bool) or not isinstance(self.max_parts, int):
            raise TypeError(f"max_parts must be an int, not {type(self.max_parts).__name__}")
        if not 1 <= self.max_parts <= _spec.MAX_PARTS:
            # TS 23.040 §9.2.3.24.1: the concatenation total is one octet.
            raise ArgumentError(f"max_parts must be 1-255, got {self.max_parts}", argument="max_parts")
        if isinstance(self.reference_bits, bool) or not isinstance(self.reference_bits, int):
            raise TypeError(f"reference_bits must be an int, not {type(self.reference_bits).__name__}")
        if self.reference_bits not in _spec.REFERENCE_BITS:
            raise ArgumentError(
                f"reference_bits must be 8 or 16, got {self.reference_bits}", argument="reference_bits"
            )
        if self.smart_map is not None:
            if not isinstance(self.smart_map, Mapping):
                raise TypeError(f"smart_map must be a mapping or None, not {type(self.smart_map).__name__}")
            for key, value in self.smart_map.items():
                if not isinstance(key, str) or len(key) != 1 or not isinstance(value, str):
                    raise TypeError(f"smart_map must map single characters to str, got {key!r}: {value!r}")
            if not isinstance(self.smart_map, _FrozenMap):
                object.__setattr__(self, "smart_map", _FrozenMap(self.smart_map))
        if self.max_characters is not None:
            if isinstance(self.max_characters, bool) or not isinstance(self.max_characters, int):
                raise TypeError(
                    f"max_characters must be an int or None, not {type(self.max_characters).__name__}"
                )
            if self.max_characters < 1:
                raise ArgumentError(
                    f"max_characters must be positive, got {self.max_characters}", argument="max_characters"
                )
        _check_units(self.gsm7_units, "gsm7_units")
        _check_units(self.ucs2_units, "ucs2_units")
        if not isinstance(self.source, str):
            raise TypeError(f"source must be a str, not {type(self.source).__name__}")

    @property
    def never_straddles(self) -> tuple[str, ...]:
        """What never straddles two parts under this policy, in words."""
        out = ["escape pair", "surrogate pair"]
        if self.graphemes:
            out.append("grapheme cluster")
        if self.words:
            out.append("word")
        return tuple(out)


#: The built-in policies by name (see the module docstring for the source of each rule).
POLICIES: Mapping[str, SplitPolicy] = MappingProxyType(
    {
        "3gpp": SplitPolicy(
            name="3gpp",
            source="3GPP TS 23.040 §9.2.3.24 (user data header, concatenation) and TS 23.038 §6.2.1",
        ),
        "twilio": SplitPolicy(
            name="twilio",
            graphemes=True,
            grapheme_rules="twilio",
            fill="twilio",
            smart_map=TWILIO_SMART_MAP,
            smart_always=True,
            # https://www.twilio.com/docs/api/errors/21617: "up to 1,600 characters".
            max_characters=1600,
            source=(
                "TwilioDevEd/message-segment-calculator 1.2.0: src/libs/SegmentedMessage.ts "
                "(constructor, _buildSegments), Segment.ts, EncodedChar.ts, UserDataHeader.ts, "
                "SmartEncodingMap.ts; grapheme-splitter 1.0.4; Twilio error 21617 (1,600 characters)"
            ),
        ),
        "vonage": SplitPolicy(
            name="vonage",
            # smscodec.vonage.MAX_TEXT_UNITS; Vonage status 12 "Message Too Long".
            max_characters=3200,
            source=(
                "Vonage knowledge base 217491638 (160/153, 70/67, 140/134 per part: 8-bit references); "
                "the SMS API's 3,200-character text limit (status 12); silent on clusters and part counts"
            ),
        ),
    }
)


def get(policy: object) -> SplitPolicy:
    """The :class:`SplitPolicy` a ``policy=`` option names (or is).

    Raises:
        TypeError: neither a str nor a SplitPolicy.
        ArgumentError: an unknown name (``argument == "policy"``).
    """
    if isinstance(policy, SplitPolicy):
        return policy
    if isinstance(policy, str):
        found = POLICIES.get(policy)
        if found is None:
            names = ", ".join(repr(n) for n in POLICIES)
            raise ArgumentError(
                f"policy must be one of {names} or a SplitPolicy, got {policy!r}", argument="policy"
            )
        return found
    raise TypeError(f"policy must be a str or a SplitPolicy, not {type(policy).__name__}")
