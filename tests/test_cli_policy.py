"""``--policy`` on every command of smscodec.cli: the counts of the library under that policy."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from smscodec.cli import main
from smscodec.policies import POLICIES

# A family emoji (one grapheme cluster of 8 UTF-16 units) across the first part boundary
# of a UCS-2 text: TS 23.040 cuts it (2 parts), Twilio's splitter never does (3).
ACROSS = "\u0430" * 65 + "\U0001f468\u200d\U0001f469\u200d\U0001f467" + "\u0430" * 61
TEXTS = [ACROSS, "hello", "Caf\u00e9 \u2014 ok", "\U0001f1eb\U0001f1f7" * 40, "a" * 400, ""]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("policy", list(POLICIES))
def test_count_json_is_analyze_under_the_policy(capsys: pytest.CaptureFixture[str], policy: str) -> None:
    for text in TEXTS[:-1]:
        code, out, _ = run(capsys, "count", text, "--json", "--policy", policy)
        assert code == 0
        info = smscodec.analyze(text, policy=policy)
        record = json.loads(out)
        assert (record["segments"], record["encoding"], record["units"]) == (
            info.segments,
            info.encoding,
            info.units,
        )


def test_the_policy_changes_the_count_where_a_cluster_meets_a_boundary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    counts = {}
    for policy in ("3gpp", "twilio", "vonage"):
        _, out, _ = run(capsys, "count", ACROSS, "--json", "--policy", policy)
        counts[policy] = json.loads(out)["segments"]
    assert counts == {"3gpp": 2, "twilio": 3, "vonage": 2}


def test_split_json_gives_the_policys_parts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "split", ACROSS, "--json", "--policy", "twilio", "--reference", "7")
    assert code == 0
    parts = json.loads(out)
    want = smscodec.split(ACROSS, policy="twilio", reference=7)
    assert len(parts) == len(want) == 3
    assert "".join(part["text"] for part in parts) == ACROSS
    assert [part["text"] for part in parts] == [part.text for part in want]


def test_split_refuses_what_the_route_cannot_send(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "split", "x" * 1601, "--policy", "twilio")
    assert code != 0
    assert "policy 'twilio' takes at most 1600" in err


def test_view_json_draws_the_policys_parts(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "view", ACROSS, "--json", "--policy", "twilio")
    assert json.loads(out)["segments"] == 3
    _, out, _ = run(capsys, "view", ACROSS, "--json")
    assert json.loads(out)["segments"] == 2


def test_an_unknown_policy_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["count", "hi", "--policy", "telco"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--policy" in err
    assert "'telco'" in err


def _write_csv(path: pathlib.Path, texts: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["text"])
        writer.writerows([t] for t in texts)


@settings(max_examples=20, deadline=None)
@given(
    texts=st.lists(
        st.sampled_from(TEXTS)
        | st.text(alphabet="a\u0430\u00e9\u2014\U0001f44d\U0001f3fd\u200d", max_size=150),
        min_size=1,
        max_size=12,
    ),
    policy=st.sampled_from(list(POLICIES)),
    smart=st.booleans(),
)
def test_analyze_totals_and_rows_follow_the_policy(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], policy: str, smart: bool
) -> None:
    pytest.importorskip("numpy", reason="analyze counts with smscodec.batch, which needs numpy")
    # No \r or \n in the texts: a CSV row is then one message exactly as written.
    folder = tmp_path_factory.mktemp("policy")
    source, rows = folder / "in.csv", folder / "out.csv"
    _write_csv(source, texts)
    argv = ["analyze", str(source), "--json", "--no-progress", "--policy", policy, "--output", str(rows)]
    if smart:
        argv.append("--smart")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    record = json.loads(out.getvalue())
    # An empty field is an empty message: one part, as smscodec.count_segments("") says.
    want = [smscodec.count_segments(t, policy=policy, smart=smart) for t in texts]
    assert record["segments"] == sum(want)
    assert record["options"]["policy"] == policy
    with rows.open(newline="", encoding="utf-8") as file:
        written = list(csv.DictReader(file))
    assert [int(row["parts"]) for row in written] == want
