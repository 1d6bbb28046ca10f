"""policy="twilio" against Twilio's own segment calculator: 0 disagreements.

``tests/vectors/twilio_oracle_segments.json`` holds the calculator's answers for 3,000
texts (``tools/record_twilio_oracle.py``: clusters of every kind near part boundaries,
GSM-7 extension characters, CR LF, smart encoding on and off).  Every answer is checked
through the public API (the live backend) and through both kernel twins side by side,
cut positions included.  With node and the calculator at hand
(``SMSCODEC_TWILIO_CALCULATOR``, see ``tests/_twilio_oracle.py``) a fresh pool is asked
of the calculator itself.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

import _twilio_oracle as oracle
import smscodec
from conftest import load_vector
from smscodec import policies
from smscodec._plan import plan as plan_of

RECORDED = load_vector("twilio_oracle_segments.json")
CASES: list[dict[str, Any]] = RECORDED["cases"]
ENCODINGS = {"gsm7": "GSM-7", "ucs2": "UCS-2"}
# The calculator has no body limit; Twilio's API has (policies.POLICIES["twilio"]).
UNLIMITED = dataclasses.replace(policies.POLICIES["twilio"], max_characters=None)


def _cuts(parts: smscodec.Segments | list[Any]) -> list[int]:
    out, at = [], 0
    for part in parts:
        at += len(part.text)
        out.append(at)
    return out


def _disagreements(cases: list[dict[str, Any]]) -> list[str]:
    """Every case the public API answers differently from the calculator, described."""
    bad = []
    for i, case in enumerate(cases):
        text, smart = case["text"], case["smart"]
        info = smscodec.analyze(text, policy="twilio", smart=smart)
        got = {
            "segments": info.segments,
            "count": smscodec.count_segments(text, policy="twilio", smart=smart),
            "encoding": ENCODINGS[info.encoding],
            "sent": info.text,
        }
        want = {
            "segments": case["segments"],
            "count": case["segments"],
            "encoding": case["encoding"],
            "sent": case.get("sent", text),
        }
        if len(text.encode("utf-16-le")) // 2 > 1600:
            # Twilio's body limit (error 21617): split() refuses, the count stands.
            with pytest.raises(smscodec.ArgumentError, match="at most 1600"):
                smscodec.split(text, policy="twilio", smart=smart)
        try:
            got["cuts"] = _cuts(smscodec.split(text, policy=UNLIMITED, smart=smart))
            want["cuts"] = case["cuts"]
        except smscodec.ArgumentError as exc:
            # Only a part the calculator overfills (a cluster longer than a part) is
            # refused; test_recorded_answers_both_kernels checks its cut positions.
            if "never cuts a grapheme cluster" not in str(exc):
                raise
        if got != want:
            bad.append(f"case {i}: {text[:80]!r} smart={smart}: got {got}, calculator {want}")
    return bad


def test_recorded_answers_public_api() -> None:
    bad = _disagreements(CASES)
    assert not bad, f"{len(bad)} disagreements, first: {bad[:3]}"


def test_recorded_answers_both_kernels(kernel: Callable[[str], ModuleType]) -> None:
    # The kernel twins directly, cut positions included for the parts split() refuses.
    segments = kernel("segments")
    bad = []
    for i, case in enumerate(CASES):
        plan = plan_of("auto", b"", 8, case["smart"], (), "twilio")
        sent = case.get("sent", case["text"])
        result = segments.analyze_policy(sent, *plan.args, *plan.policy_args)
        encoding, parts, _units, per, _rem, locking, single = result
        if parts != case["segments"] or ("GSM-7", "UCS-2")[encoding] != case["encoding"]:
            bad.append((i, parts, case["segments"]))
            continue
        if parts > 1:
            one = segments.policy_capacity(0, 0, encoding, 0)
            cuts = [
                end
                for end, _ in segments.split_policy(
                    sent, encoding, locking, single, one, per, plan.policy_args[0]
                )
            ]
            if cuts != case["cuts"]:
                bad.append((i, cuts, case["cuts"]))
    assert not bad, f"{len(bad)} disagreements, first: {bad[:3]}"


def test_recorded_pool_is_the_generators() -> None:
    # The file records the pool tools/record_twilio_oracle.py makes (never edited by hand).
    seed, count = (int(word) for word in RECORDED["generator"].split()[2::2])
    pool = oracle.make_pool(seed, count)
    assert [(c["text"], c["smart"]) for c in CASES] == pool
    assert RECORDED["calculator_version"] == "1.2.0"
    assert RECORDED["grapheme_splitter_version"] == "1.0.4"


def test_pool_exercises_what_matters() -> None:
    # Texts where the 3GPP split and Twilio's disagree are in the pool, and so are the
    # Unicode-15.1-versus-grapheme-splitter differences (Devanagari conjuncts).
    unicode_greedy = policies.SplitPolicy(name="uax29", graphemes=True)
    differs = sum(smscodec.count_segments(c["text"], smart=c["smart"]) != c["segments"] for c in CASES)
    differs_unicode = sum(
        smscodec.count_segments(c["text"], smart=c["smart"], policy=unicode_greedy) != c["segments"]
        for c in CASES
    )
    assert differs >= 60
    assert differs_unicode >= 10
    assert sum(c["smart"] for c in CASES) >= 500
    assert sum(c["encoding"] == "GSM-7" for c in CASES) >= 300


def test_smart_map_is_the_calculators() -> None:
    assert dict(policies.TWILIO_SMART_MAP) == RECORDED["smart_map"]
    assert policies.POLICIES["twilio"].smart_map == RECORDED["smart_map"]
    # The recorded differences from smscodec's own map are exact.
    ours = smscodec.smart.SMART_MAP
    for ch in set(ours) | set(RECORDED["smart_map"]):
        if ours.get(ch) != RECORDED["smart_map"].get(ch):
            assert policies.TWILIO_SMART_DIFFERENCES[ch] == (RECORDED["smart_map"].get(ch), ours.get(ch)), ch
        else:
            assert ch not in policies.TWILIO_SMART_DIFFERENCES, ch


def test_gsm_map_is_the_calculators() -> None:
    # UnicodeToGSM.ts: the same characters and codes as TS 23.038 §6.2.1 in smscodec.
    recorded = RECORDED["gsm_map"]
    assert all(smscodec.is_gsm7(ch) for ch in recorded)
    assert {ch: list(smscodec.encode_gsm7(ch)) for ch in recorded} == recorded
    assert [chr(c) for c in range(0x10000) if smscodec.is_gsm7(chr(c)) and chr(c) not in recorded] == []


@pytest.mark.skipif(oracle.available() is not None, reason=str(oracle.available()))
def test_live_calculator_fresh_pool() -> None:
    # A pool the recorded file does not hold; the seed is in the failure message.
    seed = int.from_bytes(os.urandom(4), "big")
    pool = oracle.make_pool(seed, 600)
    answers = oracle.run(pool)
    cases = [{"text": t, "smart": s, **a} for (t, s), a in zip(pool, answers, strict=True)]
    for case in cases:
        if case["sent"] == case["text"]:
            del case["sent"]
    bad = _disagreements(cases)
    assert not bad, f"seed {seed}: {len(bad)} disagreements, first: {bad[:3]}"
