"""The grapheme-splitter oracle: what the npm package ``grapheme-splitter`` 1.0.4 (the
splitter of Twilio's segment calculator) answers, for ``tests/test_grapheme.py``.

* ``splitter_available()`` / ``run_splitter(texts)`` run the real package under node
  (``SMSCODEC_ORACLE_NODE_PATH``: a ``node_modules`` folder holding it; by default
  ``/work/oracle/node_modules``, where the project's machines keep the oracles).
* ``random_texts(seed, count)``: cluster-heavy random texts (flags, skin tones, ZWJ
  sequences, combining marks, Devanagari conjuncts, Hangul, Prepend and SpacingMark
  characters, CR LF, controls, and one code point of every property value of both
  rule sets), with no lone surrogate: JavaScript would pair a lone high and a lone low
  surrogate that Python keeps apart (see ``_grapheme_py``).
* ``class_sequences()``: every sequence of up to three code points over one code point
  of each of the package's property values.
* ``python tests/_grapheme_oracle.py`` records the package's answers on
  ``random_texts(RECORD_SEED, RECORD_COUNT)`` and ``class_sequences()`` into
  ``tests/vectors/grapheme_splitter_1.0.4_answers.json``, so the differential test runs
  without node.  Review the diff before committing it.
"""

from __future__ import annotations

import itertools
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys

VECTORS = pathlib.Path(__file__).parent / "vectors"
RECORDED = VECTORS / "grapheme_splitter_1.0.4_answers.json"
RECORD_SEED = 15
RECORD_COUNT = 3000
DEFAULT_NODE_PATH = "/work/oracle/node_modules"

# Reads a JSON list of strings on stdin; prints, for each, its clusters' lengths in
# UTF-16 units as grapheme-splitter's splitGraphemes cuts it.
_NODE_SCRIPT = r"""
const GraphemeSplitter = require('grapheme-splitter');
const version = require('grapheme-splitter/package.json').version;
const splitter = new GraphemeSplitter();
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const texts = JSON.parse(input);
  const out = texts.map((t) => splitter.splitGraphemes(t).map((g) => g.length));
  process.stdout.write(JSON.stringify({ version, lengths: out }));
});
"""


def node_path() -> str:
    return os.environ.get("SMSCODEC_ORACLE_NODE_PATH", DEFAULT_NODE_PATH)


def splitter_available() -> str | None:
    """``None`` when node and grapheme-splitter 1.0.4 can run, else the reason they cannot."""
    if shutil.which("node") is None:
        return "node is not installed"
    package = pathlib.Path(node_path()) / "grapheme-splitter" / "package.json"
    if not package.is_file():
        return f"grapheme-splitter is not installed under {node_path()} (set SMSCODEC_ORACLE_NODE_PATH)"
    version = json.loads(package.read_text(encoding="utf-8")).get("version")
    if version != "1.0.4":
        return f"grapheme-splitter {version} is installed, the oracle is 1.0.4"
    return None


def _utf16_to_code_points(text: str, lengths: list[int]) -> list[int]:
    """Cluster lengths in UTF-16 units -> cluster end offsets in code points."""
    ends, units, wanted, count = [], 0, 0, 0
    for length in lengths:
        wanted += length
        while units < wanted:
            units += 2 if ord(text[count]) > 0xFFFF else 1
            count += 1
        if units != wanted:
            raise AssertionError(f"grapheme-splitter cut a surrogate pair in {text!r}")
        ends.append(count)
    return ends


def run_splitter(texts: list[str]) -> list[list[int]]:
    """grapheme-splitter's cluster end offsets (code points) for each text."""
    env = dict(os.environ, NODE_PATH=node_path())
    done = subprocess.run(
        ["node", "-e", _NODE_SCRIPT],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=True,
        timeout=120,
    )
    answer = json.loads(done.stdout)
    assert answer["version"] == "1.0.4", answer["version"]
    return [_utf16_to_code_points(t, lengths) for t, lengths in zip(texts, answer["lengths"], strict=True)]


# Pieces to build texts from.  Each is a str; some are whole clusters, others are
# fragments whose joining is what the rules decide.
_FLAGS = ["\U0001f1eb\U0001f1f7", "\U0001f1fa\U0001f1f8", "\U0001f1ef\U0001f1f5", "\U0001f1e6"]
_SKIN = ["\U0001f3fb", "\U0001f3fc", "\U0001f3fd", "\U0001f3fe", "\U0001f3ff"]
_PEOPLE = [
    "\U0001f44d",
    "\U0001f44b",
    "\U0001f469",
    "\U0001f468",
    "\U0001f466",
    "\U0001f9d1",
    "\u270b",
    "\U0001f64b",
]
_ZWJ_SEQUENCES = [
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family: man, woman, girl
    "\U0001f469\u200d\u2764\ufe0f\u200d\U0001f468",  # couple with heart
    "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag
    "\U0001f441\ufe0f\u200d\U0001f5e8\ufe0f",  # eye in speech bubble
    "\U0001f9d1\U0001f3fd\u200d\U0001f4bb",  # technologist, medium skin tone
    "\U0001f468\u200d\U0001f52c",  # man scientist
    "\u2764\ufe0f\u200d\U0001f525",  # heart on fire
    "\U0001f415\u200d\U0001f9ba",  # service dog
]
_MARKS = ["\u0301", "\u0308", "\u0323", "\u20dd", "\ufe0f", "\ufe0e", "\u200c", "\u200d", "\U000e0067"]
_DEVANAGARI = [
    "\u0915\u094d\u0937",  # क्ष
    "\u0924\u094d\u0930",  # त्र
    "\u091c\u094d\u091e",  # ज्ञ
    "\u0915\u094d\u200d\u0937",  # क्‍ष (ZWJ)
    "\u0915\u093c\u094d\u0937",  # nukta inside
    "\u0928\u092e\u0938\u094d\u0924\u0947",  # नमस्ते
    "\u0939\u093f\u0902\u0926\u0940",  # हिंदी
    "\u0926\u094d\u0935\u093e\u0930\u093e",  # द्वारा
    "\u0915\u094d",  # a dangling virama
    "\u0903",  # visarga (SpacingMark)
]
_HANGUL = [
    "\u1100\u1161\u11a8",
    "\u1100\u1161",
    "\uac00",
    "\uac01\u11a8",
    "\u1100\u1100\uac00",
    "\u1161\u11a8",
    "한국어",
]
_OTHER = [
    "\r\n",
    "\r",
    "\n",
    "\x00",
    "\x7f",
    "\u0600",
    "\u0600a",
    "\u0d4e",
    "\u06dd",
    "e",
    " ",
    "a",
    "Δ",
    "€",
    "é",
    "\u00ad",
]
_SAMPLE_POINTS: list[str] = []


def _property_samples() -> list[str]:
    """One code point of every run of each rule set's table (a run's first code point)."""
    if not _SAMPLE_POINTS:
        from smscodec import _grapheme_tables as t

        seen: set[int] = set()
        for starts in (t.UNICODE_STARTS, t.TWILIO_STARTS):
            for cp in starts:
                if not 0xD800 <= cp <= 0xDFFF and cp not in seen:
                    seen.add(cp)
                    _SAMPLE_POINTS.append(chr(cp))
    return _SAMPLE_POINTS


def random_texts(seed: int, count: int) -> list[str]:
    """``count`` cluster-heavy random texts, the same for the same seed."""
    rng = random.Random(seed)
    samples = _property_samples()
    pools = [_FLAGS, _SKIN, _PEOPLE, _ZWJ_SEQUENCES, _MARKS, _DEVANAGARI, _HANGUL, _OTHER, samples]
    weights = [3, 3, 3, 3, 4, 4, 2, 3, 4]
    texts = []
    for _ in range(count):
        pieces = [rng.choice(rng.choices(pools, weights)[0]) for _ in range(rng.randint(1, 12))]
        texts.append("".join(pieces))
    return texts


def class_sequences(longest: int = 3) -> list[str]:
    """Every sequence of 1..``longest`` code points over one code point of each Twilio value."""
    from smscodec import _grapheme_tables as t

    first: dict[int, str] = {}
    for cp, value in zip(t.TWILIO_STARTS, t.TWILIO_VALUES, strict=True):
        if value not in first and not 0xD800 <= cp <= 0xDFFF:
            first[value] = chr(cp)
    points = [first[v] for v in sorted(first)]
    return ["".join(p) for n in range(1, longest + 1) for p in itertools.product(points, repeat=n)]


def main() -> int:
    reason = splitter_available()
    if reason:
        print(f"cannot record: {reason}", file=sys.stderr)
        return 1
    texts = random_texts(RECORD_SEED, RECORD_COUNT) + class_sequences()
    answers = run_splitter(texts)
    record = {
        "description": (
            "grapheme-splitter 1.0.4 (Twilio's segment calculator's splitter) run under node on "
            f"tests/_grapheme_oracle.random_texts({RECORD_SEED}, {RECORD_COUNT}) and class_sequences(): "
            "each case is a text "
            "and the end offset, in code points, of each of its clusters. Recorded by "
            "python tests/_grapheme_oracle.py; never edit by hand."
        ),
        "package": "grapheme-splitter@1.0.4",
        "cases": [{"text": t, "ends": e} for t, e in zip(texts, answers, strict=True)],
    }
    # One case a line, so that a change shows as a readable diff.
    cases = record.pop("cases")
    head = json.dumps(record, ensure_ascii=False, indent=1)[:-2]
    lines = [json.dumps(case, ensure_ascii=False, separators=(",", ":")) for case in cases]
    RECORDED.write_text(head + ',\n "cases": [\n' + ",\n".join(lines) + "\n ]\n}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
