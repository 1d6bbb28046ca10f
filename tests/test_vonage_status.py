"""StatusCode: the SMS API send status codes and their metadata."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec.vonage import StatusCode

# The API reference's list (https://developer.vonage.com/en/api-errors/sms).
REFERENCE = {
    0: "Success",
    1: "Throttled",
    2: "Missing Parameters",
    3: "Invalid Parameters",
    4: "Invalid Credentials",
    5: "Internal Error",
    6: "Invalid Message",
    7: "Number Barred",
    8: "Partner Account Barred",
    9: "Partner Quota Violation",
    10: "Too Many Existing Binds",
    11: "Account Not Enabled For HTTP",
    12: "Message Too Long",
    14: "Invalid Signature",
    15: "Invalid Sender Address",
    17: "Message Blocked by Provider",
    22: "Invalid Network Code",
    23: "Invalid Callback Url",
    29: "Non-Whitelisted Destination",
    32: "Signature And API Secret Disallowed",
    33: "Number De-activated",
}


def test_every_reference_code_and_nothing_else() -> None:
    assert {int(code): code.title for code in StatusCode} == REFERENCE


@pytest.mark.parametrize("code", list(StatusCode))
def test_metadata_present(code: StatusCode) -> None:
    assert code.description.endswith(".")
    assert code.resolution
    assert isinstance(code.retryable, bool)


def test_retryable_exactly_1_5_10() -> None:
    assert {int(c) for c in StatusCode if c.retryable} == {1, 5, 10}


def test_int_behaviour() -> None:
    assert int(StatusCode.THROTTLED) == 1
    assert StatusCode(32) is StatusCode.SIGNATURE_AND_API_SECRET_DISALLOWED
    assert StatusCode.NUMBER_DEACTIVATED.title == "Number De-activated"
    assert "api_secret" in StatusCode(32).description
    assert StatusCode.MISSING_PARAMETERS.description.startswith("Your request is missing")


@pytest.mark.parametrize("code", [13, 16, 18, 21, 99, 1000, -1])
def test_unknown_codes_stay_ints(code: int) -> None:
    value = StatusCode.lookup(code)
    assert type(value) is int
    assert value == code


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_lookup_total(code: int) -> None:
    value = StatusCode.lookup(code)
    assert value == code
    assert isinstance(value, StatusCode) == (code in REFERENCE)


@pytest.mark.parametrize("bad", [True, "1", 1.0, None])
def test_lookup_type_errors(bad: object) -> None:
    with pytest.raises(TypeError):
        StatusCode.lookup(bad)  # type: ignore[arg-type]
