"""Twilio's segment calculator as a test oracle, and the text pools it is asked about.

The calculator (TwilioDevEd/message-segment-calculator, its ``dist/`` build, with the npm
package ``grapheme-splitter`` it requires) runs under node.  ``SMSCODEC_TWILIO_CALCULATOR``
names the calculator's package directory (the one holding ``dist/index.js``); node finds
``grapheme-splitter`` through ``SMSCODEC_TWILIO_NODE_PATH`` or a ``node_modules`` next to
or above that directory.  :func:`available` says why the oracle cannot run, when it cannot.

Texts are built from pieces that matter to where a part may end: grapheme clusters of
every kind (flags, skin-tone and ZWJ emoji, keycaps, combining accents, Devanagari
conjuncts, Hangul syllables, Prepend marks), GSM-7 extension characters (two septets),
CR LF, the characters smart encoding replaces, placed so that they fall near the part
boundaries of 70/67, 160/153 units.  ``tools/record_twilio_oracle.py`` records the
answers for a pool into ``tests/vectors/twilio_oracle_segments.json``.
"""

from __future__ import annotations

import json
import os
import pathlib
import random
import shutil
import subprocess
from typing import Any

CALCULATOR_ENV = "SMSCODEC_TWILIO_CALCULATOR"
NODE_PATH_ENV = "SMSCODEC_TWILIO_NODE_PATH"

# The node side: one SegmentedMessage per [text, smart] pair read as JSON from stdin.
# cuts: the code point offset (in the text after smart encoding) where each part ends.
_SCRIPT = r"""
const fs = require('fs');
const { SegmentedMessage } = require(process.argv[1]);
const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = cases.map(([text, smart]) => {
  const m = new SegmentedMessage(text, 'auto', smart);
  const cuts = [];
  let pos = 0;
  for (const segment of m.segments) {
    for (const item of segment) {
      if (!item.isUserDataHeader) pos += [...item.raw].length;
    }
    cuts.push(pos);
  }
  return {
    segments: m.segmentsCount,
    encoding: m.encodingName,
    cuts: cuts,
    sent: m.encodedChars.map((c) => c.raw).join(''),
  };
});
process.stdout.write(JSON.stringify(out));
"""


def calculator() -> pathlib.Path | None:
    """The calculator's package directory, from ``SMSCODEC_TWILIO_CALCULATOR``."""
    value = os.environ.get(CALCULATOR_ENV, "")
    return pathlib.Path(value) if value else None


def _node_path(root: pathlib.Path) -> str | None:
    given = os.environ.get(NODE_PATH_ENV, "")
    if given:
        return given
    for folder in (root, *root.parents):
        if (folder / "node_modules" / "grapheme-splitter").is_dir():
            return str(folder / "node_modules")
    return None


def available() -> str | None:
    """None when the oracle can run, else the reason it cannot (for a skip)."""
    root = calculator()
    if root is None:
        return f"{CALCULATOR_ENV} is not set (the directory of Twilio's message-segment-calculator)"
    if not (root / "dist" / "index.js").is_file():
        return f"{CALCULATOR_ENV}={root} holds no dist/index.js"
    if shutil.which("node") is None:
        return "node is not installed"
    if _node_path(root) is None:
        return f"grapheme-splitter is not installed near {root} (set {NODE_PATH_ENV})"
    return None


def run(cases: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    """The calculator's answer for each ``(text, smart)``: ``segments``, ``encoding``
    (``"GSM-7"`` / ``"UCS-2"``), ``cuts`` and ``sent`` (the text after smart encoding)."""
    reason = available()
    if reason is not None:
        raise RuntimeError(reason)
    root = calculator()
    assert root is not None
    env = dict(os.environ, NODE_PATH=_node_path(root) or "")
    done = subprocess.run(
        ["node", "-e", _SCRIPT, str((root / "dist").resolve())],
        input=json.dumps([list(case) for case in cases]),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=True,
        timeout=600,
    )
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    return answers


# --- text pools ------------------------------------------------------------------------------

#: Grapheme clusters of several code points (and single astral ones), by kind.
CLUSTERS: dict[str, list[str]] = {
    "flag": ["\U0001f1eb\U0001f1f7", "\U0001f1e9\U0001f1ea", "\U0001f1ef\U0001f1f5", "\U0001f1fa\U0001f1f8"],
    "regional": ["\U0001f1eb", "\U0001f1e9\U0001f1ea\U0001f1eb"],
    "skin": ["\U0001f44d\U0001f3fd", "\U0001f44b\U0001f3ff", "\U0001f9d1\U0001f3fb", "\u270b\U0001f3fe"],
    "zwj": [
        "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
        "\U0001f3f3\ufe0f\u200d\U0001f308",
        "\U0001f469\U0001f3fd\u200d\U0001f4bb",
        "\U0001f9d1\u200d\U0001f91d\u200d\U0001f9d1",
        "\u2764\ufe0f\u200d\U0001f525",
    ],
    "keycap": ["1\ufe0f\u20e3", "#\ufe0f\u20e3"],
    "emoji": ["\U0001f600", "\U0001f680", "\u2764\ufe0f", "\u263a"],
    "accent": ["e\u0301", "a\u0308", "n\u0303", "o\u0302\u0323", "\u1ec7", "i\u0307\u0301", "u\u031b\u0309"],
    "devanagari": [
        "\u0915\u094d\u0937",  # क्ष
        "\u0924\u094d\u0930",  # त्र
        "\u091c\u094d\u091e",  # ज्ञ
        "\u0938\u094d\u0924\u094d\u0930",  # स्त्र
        "\u0915\u093f",  # कि (spacing mark)
        "\u0928\u092e\u0938\u094d\u0924\u0947",  # नमस्ते
        "\u0915\u094d\u200d\u0937",  # क्‍ष (ZWJ)
    ],
    "hangul": ["\ud55c", "\u1100\u1161\u11a8", "\uae00"],
    "prepend": ["\u0600\u0661", "\u0d4e\u0d15"],
    "thai": ["\u0e01\u0e33", "\u0e19\u0e49\u0e33"],
    "variation": ["\u2603\ufe0f", "\u00a9\ufe0f"],
}
#: Characters that are not clusters of their own but change the count around them.
GSM_EXTENSION = "\u20ac[]{}^|~\\\x0c"
GSM_PLAIN = (
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?@$\u00a3\u00e9\u00c7\u0394\u03a9"
)
SMART = "\u2019\u2018\u201c\u201d\u2026\u2013\u2014\u00a0\t\u2039\u203a\u2017\u201a\u2028\u00bd\u02bc\u200b"
NON_GSM = "\u00e7\u00e1\u0416\u0436\u4e2d\u6587\u0627\u05d0\u00f5"


def _filler(rng: random.Random, n: int, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def make_text(rng: random.Random) -> str:
    """One random text: filler up to near a part boundary, then pieces that matter there."""
    style = rng.random()
    alphabet = GSM_PLAIN
    if style < 0.25:
        alphabet = GSM_PLAIN + GSM_EXTENSION
    elif style < 0.4:
        alphabet = GSM_PLAIN + NON_GSM
    elif style < 0.5:
        alphabet = GSM_PLAIN + SMART
    gsm_only = rng.random() < 0.2
    # Land near where a part ends: 70 / 67 units (UCS-2), 160 / 153 septets (GSM-7), or
    # their multiples.
    if gsm_only:
        alphabet = GSM_PLAIN + GSM_EXTENSION
        target = rng.choice([150, 152, 153, 154, 158, 160, 161, 300, 304, 306, 307, 459])
    else:
        target = rng.choice([60, 64, 65, 66, 67, 68, 69, 70, 71, 130, 132, 133, 134, 135, 199, 200, 201, 153])
    target += rng.randint(-3, 3)
    pieces: list[str] = [_filler(rng, max(0, target - rng.randint(0, 6)), alphabet)]
    for _ in range(rng.choice([1, 1, 2, 3, 5, 8])):
        roll = rng.random()
        if gsm_only:
            roll = 0.7 + 0.2 * roll
        if roll < 0.7:
            kind = rng.choice(list(CLUSTERS))
            pieces.append(rng.choice(CLUSTERS[kind]) * rng.choice([1, 1, 1, 2, 3]))
        elif roll < 0.8:
            pieces.append("\r\n" if rng.random() < 0.7 else "\n")
        elif roll < 0.9:
            pieces.append(rng.choice(GSM_EXTENSION) * rng.randint(1, 3))
        else:
            pieces.append(rng.choice(SMART))
        pieces.append(_filler(rng, rng.choice([0, 0, 1, 2, 3, 10, 40]), alphabet))
    if not gsm_only and rng.random() < 0.03:
        # A cluster longer than a part: a letter with a long run of combining marks.
        pieces.insert(
            rng.randint(0, len(pieces)), "a" + "\u0301\u0308"[rng.randint(0, 1)] * rng.randint(30, 80)
        )
    if not gsm_only and rng.random() < 0.3:
        # Dense: clusters back to back with little filler, for two to four parts.
        pieces = []
        while sum(len(p) for p in pieces) < rng.choice([72, 140, 205, 270]):
            kind = rng.choice(list(CLUSTERS))
            pieces.append(rng.choice(CLUSTERS[kind]) + _filler(rng, rng.choice([0, 0, 1, 3]), alphabet))
    text = "".join(pieces)
    if rng.random() < 0.25:
        # Fill the last part to the brim (k x 67 UTF-16 units, or k x 153 septets when
        # GSM-7), so that a cluster moved whole to the next part costs one more part.
        units = len(text.encode("utf-16-le")) // 2
        size = 153 if gsm_only else 67
        room = (-units) % size + rng.choice([-1, 0, 0, 1])
        text += _filler(rng, max(0, room), GSM_PLAIN)
    if rng.random() < 0.2:
        text = text * rng.randint(2, 4)
    return text


def make_pool(seed: int, n: int) -> list[tuple[str, bool]]:
    """``n`` (text, smart) cases, reproducible from ``seed``."""
    rng = random.Random(seed)
    return [(make_text(rng), rng.random() < 0.3) for _ in range(n)]
