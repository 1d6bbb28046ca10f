"""policy= on the batch API (smscodec.batch): the same counts as the scalar functions.

numpy is the batch extra, so this module sits in conftest's NEEDS_NUMPY.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
import smscodec.batch
from smscodec.policies import POLICIES, SplitPolicy

BUILT_IN = tuple(POLICIES)

TEXTS = ["\u0416" * 65 + "\U0001f1eb\U0001f1f7" * 2 + "\u0416" * 61, "a" * 200, "\U0001f44d\U0001f3fd" * 40]


def test_unknown_name_is_an_argument_error_naming_policy() -> None:
    with pytest.raises(smscodec.ArgumentError, match="'3gpp', 'twilio', 'vonage'") as info:
        smscodec.batch.count_segments(["a"], policy="telco")
    assert info.value.argument == "policy"


@pytest.mark.parametrize("name", BUILT_IN)
def test_batch_counts_equal_the_scalar_ones(name: str) -> None:
    counts = [smscodec.count_segments(t, policy=name) for t in TEXTS]
    assert smscodec.batch.count_segments(TEXTS, policy=name).tolist() == counts
    assert smscodec.batch.analyze(TEXTS, policy=POLICIES[name])["segments"].tolist() == counts


def test_the_twilio_policy_differs_where_a_cluster_meets_a_boundary() -> None:
    assert smscodec.batch.count_segments(TEXTS, policy="twilio").tolist() == [3, 2, 3]
    assert smscodec.batch.count_segments(TEXTS).tolist() == [2, 2, 3]


def test_batch_with_policy_and_smart() -> None:
    texts = ["\u2026" * 70, "a\u2019" * 90, "\U0001f1eb\U0001f1f7" * 20, "plain", None]
    for name in BUILT_IN:
        want = [0 if t is None else smscodec.count_segments(t, policy=name, smart=True) for t in texts]
        assert smscodec.batch.count_segments(texts, policy=name, smart=True).tolist() == want


ROUTES = [
    SplitPolicy(name="short parts", gsm7_units=(150, 140), ucs2_units=(60, 50)),
    SplitPolicy(name="words", words=True),
    SplitPolicy(name="clusters", graphemes=True),
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_callers_policy_on_every_container(route: SplitPolicy) -> None:
    # Texts of every width around part boundaries: plain, with spaces to break at, with
    # extension characters and with emoji clusters.
    texts = ["a" * 151, "word " * 40, "[x] " * 50, "\u0416" * 61, "\U0001f1eb\U0001f1f7" * 30, "hi", None]
    want = [None if t is None else smscodec.analyze(t, policy=route) for t in texts]
    for container in (texts, tuple(texts)):
        result = smscodec.batch.analyze(container, policy=route)
        assert result["segments"].tolist() == [0 if w is None else w.segments for w in want]
        assert result["remaining"].tolist() == [0 if w is None else w.remaining for w in want]
        assert result["units"].tolist() == [0 if w is None else w.units for w in want]


# The default alphabet with CR LF, an extension character and a few characters that make
# clusters (a combining accent, a skin tone, a flag half): the compiled kernel counts a
# default-alphabet message under "twilio" from its tally, everything else by its split.
TWILIO_ALPHABET = "ab \r\n\u00e9\u00c4\u0394_{\u20ac\u0301\U0001f44d\U0001f3fd\U0001f1eb"


@settings(max_examples=80, deadline=None)
@given(
    texts=st.lists(
        st.text(alphabet=TWILIO_ALPHABET, min_size=150, max_size=330)
        | st.text(alphabet="ab\r\n", max_size=480),
        min_size=1,
        max_size=8,
    )
)
def test_twilio_from_every_container_equals_the_scalar_api(texts: list[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    want = [smscodec.analyze(t, policy="twilio") for t in texts]
    for container in (texts, pa.array(texts, pa.string()), pa.array(texts, pa.large_string())):
        result = smscodec.batch.analyze(container, policy="twilio")
        assert result["segments"].tolist() == [w.segments for w in want]
        assert result["remaining"].tolist() == [w.remaining for w in want]
        assert result["units"].tolist() == [w.units for w in want]
