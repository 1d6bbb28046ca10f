"""National language tables in smscodec.batch: every container equal to the scalar API.

The compiled kernel counts a message of default alphabet characters only from its tally
when tables are enabled (the default tables are then the scalar API's choice: one septet a
character, no shift element in the header); these properties hold it to the scalar
choice on texts built around that rule: default alphabet only, with one extension or
national character, at and around part boundaries, under every option that matters.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smscodec
from smscodec import batch

pa = pytest.importorskip("pyarrow")

# The default alphabet (TS 23.038 §6.2.1) but for its extension escape; an extension
# character; national characters (Turkish ş ğ ı, Spanish/Portuguese ç á, Hindi क); other.
BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà"
OTHERS = "€[]{}~^|\\şğıçáõक—😀"
LANGUAGE_SETS = [
    ("turkish",),
    ("spanish", "portuguese"),
    ("turkish", "spanish", "portuguese"),
    tuple(range(1, 14)),
]


@st.composite
def texts(draw: st.DrawFn) -> str:
    size = draw(st.sampled_from([0, 1, 70, 152, 153, 154, 155, 159, 160, 161, 305, 306, 307, 459, 460, 1000]))
    text = draw(st.text(alphabet=BASIC, min_size=size, max_size=size))
    if draw(st.booleans()) and text:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(OTHERS)) + text[at:]
    return text


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.one_of(texts(), st.none()), min_size=1, max_size=20),
    languages=st.sampled_from(LANGUAGE_SETS),
    options=st.sampled_from(
        [{}, {"encoding": "gsm7"}, {"encoding": "ucs2"}, {"reference_bits": 16}, {"smart": True}]
    ),
)
def test_every_container_equals_the_scalar_api(
    values: list[str | None], languages: tuple, options: dict
) -> None:
    want_parts, want_units, want_remaining, want_encoding = [], [], [], []
    for text in values:
        if text is None:
            want_parts.append(0)
            want_units.append(0)
            want_remaining.append(0)
            want_encoding.append(None)
            continue
        try:
            info = smscodec.analyze(text, languages=languages, **options)
        except smscodec.EncodingError:
            # A character that --encoding gsm7 cannot send under these tables: the batch
            # call raises the scalar API's error for it; checked below.
            with pytest.raises(smscodec.EncodingError):
                batch.count_segments(values, languages=languages, **options)
            return
        want_parts.append(info.segments)
        want_units.append(info.units)
        want_remaining.append(info.remaining)
        want_encoding.append(info.encoding)
    present = [v for v in values if v is not None]
    for container in (values, pa.array(values, pa.string()), pa.array(values, pa.large_string())):
        result = batch.analyze(container, languages=languages, **options)
        assert result["segments"].tolist() == want_parts
        assert result["units"].tolist() == want_units
        assert result["remaining"].tolist() == want_remaining
    if present and len(present) == len(values):
        counted = batch.count_segments(np.array(present), languages=languages, **options)
        assert counted.tolist() == want_parts


def test_a_default_alphabet_text_keeps_the_default_tables() -> None:
    text = "Your code is 123456. " * 8  # 168 characters, default alphabet only
    info = smscodec.analyze(text, languages=tuple(range(1, 14)))
    assert (info.segments, info.units, info.locking_shift, info.single_shift) == (2, 168, 0, 0)
    assert batch.count_segments([text], languages=tuple(range(1, 14))).tolist() == [2]
    # One Turkish ş moves it to the Turkish locking shift table: its 3-octet header
    # element (TS 23.040 §9.2.3.24.15) leaves 149 septets of the 153 a part.
    info = smscodec.analyze(text + "ş", languages=("turkish",))
    assert (info.locking_shift, info.encoding, info.per_segment) == (1, "gsm7", 149)
    assert batch.count_segments([text + "ş"], languages=("turkish",)).tolist() == [info.segments]
