"""Record Twilio's segment calculator's answers for the test pool.

Writes ``tests/vectors/twilio_oracle_segments.json``: for every ``(text, smart)`` case of
``tests/_twilio_oracle.make_pool(seed, count)``, the calculator's ``segments``,
``encoding`` and ``cuts`` (the code point offset, in the text after smart encoding,
where each part ends), ``sent`` when smart encoding changed the text, and the
calculator's smart-encoding and GSM-7 maps.  ``tests/test_policies_twilio.py`` checks
smscodec's ``policy="twilio"`` against every case, without node.

Usage::

    SMSCODEC_TWILIO_CALCULATOR=/path/to/message-segment-calculator \\
        python tools/record_twilio_oracle.py [--seed 20240615] [--count 3000] [--check]

``--check`` compares instead of writing (exit status 1 on a difference): the recorded
file must stay what the calculator says, and is never regenerated silently.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tests" / "vectors" / "twilio_oracle_segments.json"
sys.path.insert(0, str(ROOT / "tests"))

import _twilio_oracle as oracle  # noqa: E402

# The calculator's maps, as its dist/ build holds them.
_MAPS = r"""
const smart = require(process.argv[1] + '/libs/SmartEncodingMap.js').default;
const gsm = require(process.argv[1] + '/libs/UnicodeToGSM.js').default;
const out = {};
for (const key of Object.keys(gsm)) out[String.fromCharCode(Number(key))] = gsm[key];
process.stdout.write(JSON.stringify({ smart: smart, gsm: out }));
"""


def _version(package: pathlib.Path) -> str:
    return str(json.loads((package / "package.json").read_text(encoding="utf-8"))["version"])


def record(seed: int, count: int) -> dict[str, object]:
    root = oracle.calculator()
    assert root is not None
    pool = oracle.make_pool(seed, count)
    answers = oracle.run(pool)
    maps = json.loads(
        subprocess.run(
            ["node", "-e", _MAPS, str((root / "dist").resolve())], capture_output=True, text=True, check=True
        ).stdout
    )
    splitter = pathlib.Path(oracle._node_path(root) or "") / "grapheme-splitter"
    cases = []
    for (text, smart), answer in zip(pool, answers, strict=True):
        case: dict[str, object] = {
            "text": text,
            "smart": smart,
            "segments": answer["segments"],
            "encoding": answer["encoding"],
            "cuts": answer["cuts"],
        }
        if answer["sent"] != text:
            case["sent"] = answer["sent"]
        cases.append(case)
    return {
        "source": (
            "TwilioDevEd/message-segment-calculator (MIT), dist/ build, "
            "SegmentedMessage(text, 'auto', smart); "
            "segmentsCount, encodingName, and the code point offset where each segment ends"
        ),
        "calculator_version": _version(root),
        "grapheme_splitter_version": _version(splitter),
        "generator": f"tools/record_twilio_oracle.py --seed {seed} --count {count}",
        "smart_map": maps["smart"],
        "gsm_map": maps["gsm"],
        "cases": cases,
    }


def _dumps(data: dict[str, object]) -> str:
    # One case per line: a diff of the file shows which answers changed.
    cases = data["cases"]
    head = {k: v for k, v in data.items() if k != "cases"}
    lines = json.dumps(head, ensure_ascii=False, sort_keys=True, indent=1)[:-2].split("\n")
    lines.append(',"cases": [')
    body = [json.dumps(case, ensure_ascii=False, sort_keys=True) for case in cases]  # type: ignore[attr-defined]
    lines.append(",\n".join(body))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240615)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument(
        "--check", action="store_true", help="compare with the recorded file instead of writing"
    )
    args = parser.parse_args(argv)
    reason = oracle.available()
    if reason is not None:
        print(f"record_twilio_oracle: {reason}", file=sys.stderr)
        return 2
    data = record(args.seed, args.count)
    text = _dumps(data)
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"record_twilio_oracle: {OUTPUT} differs from the calculator's answers", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(data['cases'])} cases to {OUTPUT.relative_to(ROOT)}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
