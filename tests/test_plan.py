"""The option plan (``smscodec._plan``): every segment option checked in one place, cached
by the options' values, whatever container holds the languages."""

from __future__ import annotations

import pytest

import smscodec
from smscodec import _plan
from smscodec.errors import ArgumentError, UdhError

ALL = tuple(range(1, 14))
NAMES = ["turkish", "spanish", "portuguese"]


def test_any_container_of_the_same_languages_shares_one_plan() -> None:
    first = _plan.plan("auto", b"", 8, False, ALL)
    assert _plan.plan("auto", b"", 8, False, list(ALL)) is first
    assert _plan.plan("auto", b"", 8, False, range(1, 14)) is first
    assert _plan.plan("auto", b"", 8, False, iter(ALL)) is first
    assert _plan.plan("auto", b"", 8, False, (n for n in ALL)) is first
    names = _plan.plan("auto", b"", 8, False, NAMES)
    assert _plan.plan("auto", b"", 8, False, tuple(NAMES)) is names


def test_plan_fields() -> None:
    p = _plan.plan("gsm7", bytes.fromhex("0605040b8423f0"), 16, True, ("turkish",))
    assert (p.encoding, p.mode, p.reference_bits, p.concat) == ("gsm7", 1, 16, 6)
    assert p.header == bytes.fromhex("0605040b8423f0")
    assert p.locks == 0b11
    assert p.singles == 0b11
    assert p.national
    assert p.smart is not None
    assert p.smart[ord("’")] == "'"
    assert p.args == (7, 6, 1, 0b11, 0b11)
    with pytest.raises(AttributeError):
        p.mode = 0  # type: ignore[misc]


def test_spanish_has_no_locking_table() -> None:
    p = _plan.plan(languages=["spanish"])
    assert (p.locks, p.singles) == (1, 0b101)


def test_bad_options_name_what_was_wrong() -> None:
    with pytest.raises(ArgumentError) as info:
        _plan.plan(encoding="utf8")
    assert info.value.argument == "encoding"
    with pytest.raises(ArgumentError, match="reference_bits"):
        _plan.plan(reference_bits=7)
    with pytest.raises(TypeError, match="reference_bits"):
        _plan.plan(reference_bits=True)
    with pytest.raises(ArgumentError, match="bogus"):
        _plan.plan(languages=["bogus"])
    with pytest.raises(TypeError):
        _plan.plan(languages=[1.0])
    with pytest.raises(TypeError, match="smart"):
        _plan.plan(smart=1)
    with pytest.raises(UdhError) as udh_info:
        _plan.plan(udh=bytes.fromhex("050003010201"))
    assert udh_info.value.offset == 1


def test_a_failed_check_caches_nothing_and_never_widens_types() -> None:
    _plan.cache_clear()
    _plan.plan(languages=(1,))
    for bad in ((True,), (1.0,), [1.0]):
        with pytest.raises(TypeError):
            _plan.plan(languages=bad)
    with pytest.raises(ArgumentError):
        _plan.plan(languages=(99,))
    with pytest.raises(ArgumentError):
        _plan.plan(languages=(99,))


def test_every_public_entry_point_agrees_on_a_container_change() -> None:
    text = "Merhaba Ayşe, siparişiniz yola çıktı. " * 5
    expected = smscodec.analyze(text, languages=ALL).segments
    for languages in (ALL, list(ALL), range(1, 14), iter(ALL)):
        assert smscodec.count_segments(text, languages=languages) == expected
    for languages in (ALL, list(ALL), range(1, 14)):
        assert smscodec.analyze(text, languages=languages).segments == expected
        assert len(smscodec.split(text, languages=languages)) == expected


def test_a_full_cache_still_caches_the_options_in_use() -> None:
    # Fill the cache with other option sets (as a long-running service or a long test run
    # does), then the plan in use now must still be found by value.
    _plan.cache_clear()
    for bits in (8, 16):
        for n in range(_plan._MAX_PLANS):
            _plan.plan("auto", bytes([4, 0x04, 0x02, n % 256, 0]), bits, False, ())
    assert len(_plan._PLANS) <= _plan._MAX_PLANS
    first = _plan.plan("auto", b"", 8, False, ALL)
    assert _plan.plan("auto", b"", 8, False, list(ALL)) is first
    assert _plan.plan("auto", b"", 8, False, range(1, 14)) is first
