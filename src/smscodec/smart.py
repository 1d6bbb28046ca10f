"""Smart encoding: replace look-alike characters by GSM-7 ones before counting.

A typographic apostrophe (’) or a non-breaking space pasted from a word processor turns
a 160-character GSM-7 message into a 70-character UCS-2 one.  ``analyze(..., smart=True)``
first replaces such characters by the GSM-7 characters they look like, using
:data:`SMART_MAP` (or a caller's own mapping).

Rules, deliberately:

* A character the enabled GSM-7 tables already carry is never touched, whatever the map says.
* The replacement is kept only when it lets the message go as GSM-7, with one pair of
  the enabled tables (a message is sent with one locking and one single shift table,
  TS 23.040 §9.2.3.24.15-16).  A text that stays UCS-2 anyway (an emoji, a Chinese
  character) is sent as written: replacing ``…`` by ``...`` would only make it longer.
* With ``encoding="auto"`` it is kept only when it needs no more parts than the text as
  written: seventy ``…`` are one UCS-2 part (70 units) but two GSM-7 parts as ``...``
  (210 septets).  (Twilio's calculator replaces regardless; its split policy says so.)
* The map is data, below, in two parts: the entries of Twilio's Smart Encoding map that we
  agree with (taken as facts from ``tests/vectors/smart_encoding_twilio.json``), and our
  own entries, each with the reason where they differ from Twilio's.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["SMART_MAP", "TWILIO_DIFFERENCES", "translation_table"]

# --- Twilio's entries that we keep as they are --------------------------------------------
# Source: TwilioDevEd/message-segment-calculator src/libs/SmartEncodingMap.ts, the client-side
# model of Twilio's Smart Encoding.  Values are GSM-7 text (default alphabet or extension).
_TWILIO_KEPT: dict[str, str] = {
    "\u0060": "'",  # GRAVE ACCENT
    "\u00ab": '"',  # LEFT-POINTING DOUBLE ANGLE QUOTATION MARK
    "\u00b4": "'",  # ACUTE ACCENT
    "\u00bb": '"',  # RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK
    "\u00bc": "1/4",  # VULGAR FRACTION ONE QUARTER
    "\u00bd": "1/2",  # VULGAR FRACTION ONE HALF
    "\u00be": "3/4",  # VULGAR FRACTION THREE QUARTERS
    "\u00f7": "/",  # DIVISION SIGN
    "\u01c3": "!",  # LATIN LETTER RETROFLEX CLICK
    "\u0262": "G",  # LATIN LETTER SMALL CAPITAL G
    "\u026a": "I",  # LATIN LETTER SMALL CAPITAL I
    "\u0274": "N",  # LATIN LETTER SMALL CAPITAL N
    "\u0280": "R",  # LATIN LETTER SMALL CAPITAL R
    "\u028f": "Y",  # LATIN LETTER SMALL CAPITAL Y
    "\u0299": "B",  # LATIN LETTER SMALL CAPITAL B
    "\u029c": "H",  # LATIN LETTER SMALL CAPITAL H
    "\u029f": "L",  # LATIN LETTER SMALL CAPITAL L
    "\u02b9": "'",  # MODIFIER LETTER PRIME
    "\u02ba": '"',  # MODIFIER LETTER DOUBLE PRIME
    "\u02bb": "'",  # MODIFIER LETTER TURNED COMMA
    "\u02bc": "'",  # MODIFIER LETTER APOSTROPHE
    "\u02bd": "'",  # MODIFIER LETTER REVERSED COMMA
    "\u02c6": "^",  # MODIFIER LETTER CIRCUMFLEX ACCENT
    "\u02c8": "'",  # MODIFIER LETTER VERTICAL LINE
    "\u02ca": "'",  # MODIFIER LETTER ACUTE ACCENT
    "\u02cb": "'",  # MODIFIER LETTER GRAVE ACCENT
    "\u02d0": ":",  # MODIFIER LETTER TRIANGULAR COLON
    "\u02d6": "+",  # MODIFIER LETTER PLUS SIGN
    "\u02dc": "~",  # SMALL TILDE
    "\u02ee": '"',  # MODIFIER LETTER DOUBLE APOSTROPHE
    "\u02f7": "~",  # MODIFIER LETTER LOW TILDE
    "\u02f8": ":",  # MODIFIER LETTER RAISED COLON
    "\u0302": "^",  # COMBINING CIRCUMFLEX ACCENT
    "\u0303": "~",  # COMBINING TILDE
    "\u0313": "'",  # COMBINING COMMA ABOVE
    "\u0314": "'",  # COMBINING REVERSED COMMA ABOVE
    "\u0326": ",",  # COMBINING COMMA BELOW
    "\u0330": "~",  # COMBINING TILDE BELOW
    "\u0332": "_",  # COMBINING LOW LINE
    "\u0334": "~",  # COMBINING TILDE OVERLAY
    "\u0337": "/",  # COMBINING SHORT SOLIDUS OVERLAY
    "\u0338": "/",  # COMBINING LONG SOLIDUS OVERLAY
    "\u0347": "=",  # COMBINING EQUALS SIGN BELOW
    "\u1d00": "A",  # LATIN LETTER SMALL CAPITAL A
    "\u1d04": "C",  # LATIN LETTER SMALL CAPITAL C
    "\u1d05": "D",  # LATIN LETTER SMALL CAPITAL D
    "\u1d07": "E",  # LATIN LETTER SMALL CAPITAL E
    "\u1d0a": "J",  # LATIN LETTER SMALL CAPITAL J
    "\u1d0b": "K",  # LATIN LETTER SMALL CAPITAL K
    "\u1d0d": "M",  # LATIN LETTER SMALL CAPITAL M
    "\u1d0f": "O",  # LATIN LETTER SMALL CAPITAL O
    "\u1d18": "P",  # LATIN LETTER SMALL CAPITAL P
    "\u1d1b": "T",  # LATIN LETTER SMALL CAPITAL T
    "\u1d1c": "U",  # LATIN LETTER SMALL CAPITAL U
    "\u1d20": "V",  # LATIN LETTER SMALL CAPITAL V
    "\u1d21": "W",  # LATIN LETTER SMALL CAPITAL W
    "\u1d22": "Z",  # LATIN LETTER SMALL CAPITAL Z
    "\u1dcd": "^",  # COMBINING DOUBLE CIRCUMFLEX ABOVE
    "\u200b": "",  # ZERO WIDTH SPACE
    "\u200c": "",  # ZERO WIDTH NON-JOINER
    "\u2010": "-",  # HYPHEN
    "\u2013": "-",  # EN DASH
    "\u2014": "-",  # EM DASH
    "\u2015": "-",  # HORIZONTAL BAR
    "\u2017": "_",  # DOUBLE LOW LINE
    "\u2018": "'",  # LEFT SINGLE QUOTATION MARK
    "\u2019": "'",  # RIGHT SINGLE QUOTATION MARK
    "\u201b": "'",  # SINGLE HIGH-REVERSED-9 QUOTATION MARK
    "\u201c": '"',  # LEFT DOUBLE QUOTATION MARK
    "\u201d": '"',  # RIGHT DOUBLE QUOTATION MARK
    "\u201e": '"',  # DOUBLE LOW-9 QUOTATION MARK
    "\u201f": '"',  # DOUBLE HIGH-REVERSED-9 QUOTATION MARK
    "\u2022": "-",  # BULLET
    "\u2026": "...",  # HORIZONTAL ELLIPSIS
    "\u2039": "<",  # SINGLE LEFT-POINTING ANGLE QUOTATION MARK
    "\u203a": ">",  # SINGLE RIGHT-POINTING ANGLE QUOTATION MARK
    "\u203c": "!!",  # DOUBLE EXCLAMATION MARK
    "\u2043": "-",  # HYPHEN BULLET
    "\u2044": "/",  # FRACTION SLASH
    "\u204e": "*",  # LOW ASTERISK
    "\u204f": ";",  # REVERSED SEMICOLON
    "\u2060": "",  # WORD JOINER
    "\u20d2": "|",  # COMBINING LONG VERTICAL LINE OVERLAY
    "\u20d3": "|",  # COMBINING SHORT VERTICAL LINE OVERLAY
    "\u20e5": "\\",  # COMBINING REVERSE SOLIDUS OVERLAY
    "\u2215": "/",  # DIVISION SLASH
    "\u2217": "*",  # ASTERISK OPERATOR
    "\u2223": "|",  # DIVIDES
    "\u223c": "~",  # TILDE OPERATOR
    "\u229b": "*",  # CIRCLED ASTERISK OPERATOR
    "\u239c": "|",  # LEFT PARENTHESIS EXTENSION
    "\u239f": "|",  # RIGHT PARENTHESIS EXTENSION
    "\u23b8": "|",  # LEFT VERTICAL BOX LINE
    "\u23b9": "|",  # RIGHT VERTICAL BOX LINE
    "\u23bc": "-",  # HORIZONTAL SCAN LINE-7
    "\u23bd": "-",  # HORIZONTAL SCAN LINE-9
    "\u23d0": "|",  # VERTICAL LINE EXTENSION
    "\u2722": "*",  # FOUR TEARDROP-SPOKED ASTERISK
    "\u2723": "*",  # FOUR BALLOON-SPOKED ASTERISK
    "\u2724": "*",  # HEAVY FOUR BALLOON-SPOKED ASTERISK
    "\u2725": "*",  # FOUR CLUB-SPOKED ASTERISK
    "\u2731": "*",  # HEAVY ASTERISK
    "\u2732": "*",  # OPEN CENTRE ASTERISK
    "\u2733": "*",  # EIGHT SPOKED ASTERISK
    "\u273a": "*",  # SIXTEEN POINTED ASTERISK
    "\u273b": "*",  # TEARDROP-SPOKED ASTERISK
    "\u273c": "*",  # OPEN CENTRE TEARDROP-SPOKED ASTERISK
    "\u273d": "*",  # HEAVY TEARDROP-SPOKED ASTERISK
    "\u2743": "*",  # HEAVY TEARDROP-SPOKED PINWHEEL ASTERISK
    "\u2749": "*",  # BALLOON-SPOKED ASTERISK
    "\u274a": "*",  # EIGHT TEARDROP-SPOKED PROPELLER ASTERISK
    "\u274b": "*",  # HEAVY EIGHT TEARDROP-SPOKED PROPELLER ASTERISK
    "\u275b": "'",  # HEAVY SINGLE TURNED COMMA QUOTATION MARK ORNAMENT
    "\u275c": "'",  # HEAVY SINGLE COMMA QUOTATION MARK ORNAMENT
    "\u275d": '"',  # HEAVY DOUBLE TURNED COMMA QUOTATION MARK ORNAMENT
    "\u275e": '"',  # HEAVY DOUBLE COMMA QUOTATION MARK ORNAMENT
    "\u2768": "(",  # MEDIUM LEFT PARENTHESIS ORNAMENT
    "\u2769": ")",  # MEDIUM RIGHT PARENTHESIS ORNAMENT
    "\u276a": "(",  # MEDIUM FLATTENED LEFT PARENTHESIS ORNAMENT
    "\u276b": ")",  # MEDIUM FLATTENED RIGHT PARENTHESIS ORNAMENT
    "\u2774": "{",  # MEDIUM LEFT CURLY BRACKET ORNAMENT
    "\u2775": "}",  # MEDIUM RIGHT CURLY BRACKET ORNAMENT
    "\u27ee": "(",  # MATHEMATICAL LEFT FLATTENED PARENTHESIS
    "\u27ef": ")",  # MATHEMATICAL RIGHT FLATTENED PARENTHESIS
    "\u2982": ":",  # Z NOTATION TYPE COLON
    "\u2985": "(",  # LEFT WHITE PARENTHESIS
    "\u2986": ")",  # RIGHT WHITE PARENTHESIS
    "\u29c6": "*",  # SQUARED ASTERISK
    "\u29f5": "\\",  # REVERSE SOLIDUS OPERATOR
    "\u29f8": "/",  # BIG SOLIDUS
    "\u29f9": "\\",  # BIG REVERSE SOLIDUS
    "\u3001": ",",  # IDEOGRAPHIC COMMA
    "\u3002": ".",  # IDEOGRAPHIC FULL STOP
    "\u301d": '"',  # REVERSED DOUBLE PRIME QUOTATION MARK
    "\u301e": '"',  # DOUBLE PRIME QUOTATION MARK
    "\ua730": "F",  # LATIN LETTER SMALL CAPITAL F
    "\ua731": "S",  # LATIN LETTER SMALL CAPITAL S
    "\ua789": ":",  # MODIFIER LETTER COLON
    "\ua78a": "=",  # MODIFIER LETTER SHORT EQUALS SIGN
    "\ufe10": "'",  # PRESENTATION FORM FOR VERTICAL COMMA
    "\ufe11": "'",  # PRESENTATION FORM FOR VERTICAL IDEOGRAPHIC COMMA
    "\ufe13": ":",  # PRESENTATION FORM FOR VERTICAL COLON
    "\ufe14": ";",  # PRESENTATION FORM FOR VERTICAL SEMICOLON
    "\ufe15": "!",  # PRESENTATION FORM FOR VERTICAL EXCLAMATION MARK
    "\ufe16": "?",  # PRESENTATION FORM FOR VERTICAL QUESTION MARK
    "\ufe50": ",",  # SMALL COMMA
    "\ufe51": ",",  # SMALL IDEOGRAPHIC COMMA
    "\ufe52": ".",  # SMALL FULL STOP
    "\ufe54": ";",  # SMALL SEMICOLON
    "\ufe56": "?",  # SMALL QUESTION MARK
    "\ufe57": "!",  # SMALL EXCLAMATION MARK
    "\ufe59": "(",  # SMALL LEFT PARENTHESIS
    "\ufe5a": ")",  # SMALL RIGHT PARENTHESIS
    "\ufe5b": "{",  # SMALL LEFT CURLY BRACKET
    "\ufe5c": "}",  # SMALL RIGHT CURLY BRACKET
    "\ufe5f": "#",  # SMALL NUMBER SIGN
    "\ufe60": "&",  # SMALL AMPERSAND
    "\ufe61": "*",  # SMALL ASTERISK
    "\ufe62": "+",  # SMALL PLUS SIGN
    "\ufe63": "-",  # SMALL HYPHEN-MINUS
    "\ufe64": "<",  # SMALL LESS-THAN SIGN
    "\ufe65": ">",  # SMALL GREATER-THAN SIGN
    "\ufe66": "=",  # SMALL EQUALS SIGN
    "\ufe68": "\\",  # SMALL REVERSE SOLIDUS
    "\ufe69": "$",  # SMALL DOLLAR SIGN
    "\ufe6a": "%",  # SMALL PERCENT SIGN
    "\ufe6b": "@",  # SMALL COMMERCIAL AT
    "\ufeff": "",  # ZERO WIDTH NO-BREAK SPACE
    "\uff01": "!",  # FULLWIDTH EXCLAMATION MARK
    "\uff02": '"',  # FULLWIDTH QUOTATION MARK
    "\uff03": "#",  # FULLWIDTH NUMBER SIGN
    "\uff04": "$",  # FULLWIDTH DOLLAR SIGN
    "\uff05": "%",  # FULLWIDTH PERCENT SIGN
    "\uff06": "&",  # FULLWIDTH AMPERSAND
    "\uff07": "'",  # FULLWIDTH APOSTROPHE
    "\uff08": "(",  # FULLWIDTH LEFT PARENTHESIS
    "\uff09": ")",  # FULLWIDTH RIGHT PARENTHESIS
    "\uff0a": "*",  # FULLWIDTH ASTERISK
    "\uff0b": "+",  # FULLWIDTH PLUS SIGN
    "\uff0c": ",",  # FULLWIDTH COMMA
    "\uff0d": "-",  # FULLWIDTH HYPHEN-MINUS
    "\uff0e": ".",  # FULLWIDTH FULL STOP
    "\uff0f": "/",  # FULLWIDTH SOLIDUS
    "\uff10": "0",  # FULLWIDTH DIGIT ZERO
    "\uff11": "1",  # FULLWIDTH DIGIT ONE
    "\uff12": "2",  # FULLWIDTH DIGIT TWO
    "\uff13": "3",  # FULLWIDTH DIGIT THREE
    "\uff14": "4",  # FULLWIDTH DIGIT FOUR
    "\uff15": "5",  # FULLWIDTH DIGIT FIVE
    "\uff16": "6",  # FULLWIDTH DIGIT SIX
    "\uff17": "7",  # FULLWIDTH DIGIT SEVEN
    "\uff18": "8",  # FULLWIDTH DIGIT EIGHT
    "\uff19": "9",  # FULLWIDTH DIGIT NINE
    "\uff1a": ":",  # FULLWIDTH COLON
    "\uff1b": ";",  # FULLWIDTH SEMICOLON
    "\uff1c": "<",  # FULLWIDTH LESS-THAN SIGN
    "\uff1d": "=",  # FULLWIDTH EQUALS SIGN
    "\uff1e": ">",  # FULLWIDTH GREATER-THAN SIGN
    "\uff1f": "?",  # FULLWIDTH QUESTION MARK
    "\uff20": "@",  # FULLWIDTH COMMERCIAL AT
    "\uff21": "A",  # FULLWIDTH LATIN CAPITAL LETTER A
    "\uff22": "B",  # FULLWIDTH LATIN CAPITAL LETTER B
    "\uff23": "C",  # FULLWIDTH LATIN CAPITAL LETTER C
    "\uff24": "D",  # FULLWIDTH LATIN CAPITAL LETTER D
    "\uff25": "E",  # FULLWIDTH LATIN CAPITAL LETTER E
    "\uff26": "F",  # FULLWIDTH LATIN CAPITAL LETTER F
    "\uff27": "G",  # FULLWIDTH LATIN CAPITAL LETTER G
    "\uff28": "H",  # FULLWIDTH LATIN CAPITAL LETTER H
    "\uff29": "I",  # FULLWIDTH LATIN CAPITAL LETTER I
    "\uff2a": "J",  # FULLWIDTH LATIN CAPITAL LETTER J
    "\uff2b": "K",  # FULLWIDTH LATIN CAPITAL LETTER K
    "\uff2c": "L",  # FULLWIDTH LATIN CAPITAL LETTER L
    "\uff2d": "M",  # FULLWIDTH LATIN CAPITAL LETTER M
    "\uff2e": "N",  # FULLWIDTH LATIN CAPITAL LETTER N
    "\uff2f": "O",  # FULLWIDTH LATIN CAPITAL LETTER O
    "\uff30": "P",  # FULLWIDTH LATIN CAPITAL LETTER P
    "\uff31": "Q",  # FULLWIDTH LATIN CAPITAL LETTER Q
    "\uff32": "R",  # FULLWIDTH LATIN CAPITAL LETTER R
    "\uff33": "S",  # FULLWIDTH LATIN CAPITAL LETTER S
    "\uff34": "T",  # FULLWIDTH LATIN CAPITAL LETTER T
    "\uff35": "U",  # FULLWIDTH LATIN CAPITAL LETTER U
    "\uff36": "V",  # FULLWIDTH LATIN CAPITAL LETTER V
    "\uff37": "W",  # FULLWIDTH LATIN CAPITAL LETTER W
    "\uff38": "X",  # FULLWIDTH LATIN CAPITAL LETTER X
    "\uff39": "Y",  # FULLWIDTH LATIN CAPITAL LETTER Y
    "\uff3a": "Z",  # FULLWIDTH LATIN CAPITAL LETTER Z
    "\uff3b": "[",  # FULLWIDTH LEFT SQUARE BRACKET
    "\uff3c": "\\",  # FULLWIDTH REVERSE SOLIDUS
    "\uff3d": "]",  # FULLWIDTH RIGHT SQUARE BRACKET
    "\uff3e": "^",  # FULLWIDTH CIRCUMFLEX ACCENT
    "\uff3f": "_",  # FULLWIDTH LOW LINE
    "\uff5b": "{",  # FULLWIDTH LEFT CURLY BRACKET
    "\uff5c": "|",  # FULLWIDTH VERTICAL LINE
    "\uff5d": "}",  # FULLWIDTH RIGHT CURLY BRACKET
    "\uff5e": "~",  # FULLWIDTH TILDE
    "\uff61": ".",  # HALFWIDTH IDEOGRAPHIC FULL STOP
    "\uff64": ",",  # HALFWIDTH IDEOGRAPHIC COMMA
}

# --- Our entries ------------------------------------------------------------------------
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# C0 controls GSM-7 lacks (it has LF, CR and, in the extension table, FF), DEL and C1 controls.
_CONTROLS = "".join(chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if chr(c) not in "\t\n\r\f")

_OURS: dict[str, str] = {
    # Every Unicode space separator (category Zs) is one space: it looks like one.  Twilio maps
    # most of them to two spaces, which lengthens the text and changes how it reads.
    **dict.fromkeys(_SPACES, " "),
    # A tab becomes one space; Twilio sends seven, which costs 7 septets and no phone shows
    # tab stops in an SMS.
    "\t": " ",
    # LINE SEPARATOR and PARAGRAPH SEPARATOR are line breaks: LF (1 septet).  Twilio: a space.
    "\u2028": "\n",
    "\u2029": "\n",
    # Invisible controls go: they show nothing on a phone but would force UCS-2.  Twilio
    # removes eleven C0 controls and maps five C1 controls to two spaces; we remove all of
    # them alike.
    **dict.fromkeys(_CONTROLS, ""),
    "\u00ad": "",  # SOFT HYPHEN: invisible unless a line breaks there
    # API contract: ‘ ’ ‚ ′ -> ' and “ ” „ ″ -> ".  Twilio maps ‚ (SINGLE LOW-9 QUOTATION MARK,
    # the German opening quote) to a comma; it is a quotation mark, so an apostrophe.
    "\u201a": "'",
    "\u2032": "'",  # PRIME
    "\u2033": '"',  # DOUBLE PRIME
    # Dashes and minus signs Twilio does not list: – — ‒ − -> -.
    "\u2011": "-",  # NON-BREAKING HYPHEN
    "\u2012": "-",  # FIGURE DASH
    "\u2212": "-",  # MINUS SIGN
    # Bullets beyond Twilio's • and ⁃ read as list dashes too.
    "\u2023": "-",  # TRIANGULAR BULLET
    "\u25e6": "-",  # WHITE BULLET
    "\u2219": "-",  # BULLET OPERATOR
    "\u2024": ".",  # ONE DOT LEADER
}

#: The default smart-encoding map: one character -> its GSM-7 replacement ("" removes it).
SMART_MAP: Mapping[str, str] = MappingProxyType({**_TWILIO_KEPT, **_OURS})

#: Where :data:`SMART_MAP` differs from Twilio's map: character -> (Twilio's value, ours).
TWILIO_DIFFERENCES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "\t": (" " * 7, " "),
        "\u00a0": ("  ", " "),
        "\u2000": ("  ", " "),
        "\u2002": ("  ", " "),
        "\u2003": ("  ", " "),
        "\u2004": ("  ", " "),
        "\u2005": ("  ", " "),
        "\u2006": ("  ", " "),
        "\u2007": ("  ", " "),
        "\u2008": ("  ", " "),
        "\u2009": ("  ", " "),
        "\u200a": ("  ", " "),
        "\u202f": ("  ", " "),
        "\u205f": ("  ", " "),
        "\u3000": ("  ", " "),
        "\u2028": (" ", "\n"),
        "\u2029": (" ", "\n"),
        "\u0080": ("  ", ""),
        "\u008d": ("  ", ""),
        "\u0090": ("  ", ""),
        "\u009b": ("  ", ""),
        "\u009f": ("  ", ""),
        "\u201a": (",", "'"),
    }
)


def translation_table(mapping: Mapping[str, str], protected: str = "") -> dict[int, str]:
    """A ``str.translate`` table from ``mapping``, leaving the characters of ``protected`` alone.

    Returns:
        ``{ord(key): value}`` for every key not in ``protected``.

    Raises:
        TypeError: a key that is not a one-character ``str`` or a value that is not a ``str``.
    """
    table: dict[int, str] = {}
    for key, value in mapping.items():
        if not isinstance(key, str) or len(key) != 1:
            raise TypeError(f"smart map keys must be single characters, got {key!r}")
        if not isinstance(value, str):
            raise TypeError(f"smart map values must be str, got {type(value).__name__} for {key!r}")
        if key not in protected:
            table[ord(key)] = value
    return table
