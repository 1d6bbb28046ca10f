"""smscodec.errors: one home for every error class, importable, picklable, re-exported."""

from __future__ import annotations

import copy
import inspect
import pickle
from typing import Any

import pytest

import smscodec
import smscodec.cli
import smscodec.vonage
import smscodec.vonage.responses
from smscodec import errors
from smscodec.vonage import StatusCode

CLASSES = [getattr(errors, name) for name in errors.__all__]

# A sample value per keyword attribute, by name: the round trip must keep each exactly.
SAMPLES: dict[str, Any] = {
    "char": "ж",
    "position": 7,
    "offset": 3,
    "field": "concat-part",
    "argument": "reference",
    "reason": "stale",
    "status": StatusCode.THROTTLED,
    "error_text": "Throughput Rate Exceeded",
    "to": "447700900000",
}

SEND_FAMILY = [
    "SendError",
    "ThrottledError",
    "ServerError",
    "AuthenticationError",
    "AccountError",
    "InvalidRequestError",
    "DestinationError",
]


def _keyword_attributes(cls: type[BaseException]) -> list[str]:
    # Every attribute the class documents is a keyword-only argument of its __init__.
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):  # a builtin __init__: no keyword attributes
        return []
    return [p.name for p in signature.parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]


def _instance(cls: type[BaseException]) -> BaseException:
    names = _keyword_attributes(cls)
    missing = [name for name in names if name not in SAMPLES]
    assert not missing, f"{cls.__name__}: add a sample for {missing}"
    return cls("what went wrong, and where", **{name: SAMPLES[name] for name in names})


def test_every_class_is_listed_and_derives_from_the_base() -> None:
    defined = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type)
        and issubclass(value, BaseException)
        and value.__module__ == errors.__name__
    }
    assert defined == set(errors.__all__)
    for cls in CLASSES:
        assert issubclass(cls, errors.SmsCodecError), cls


@pytest.mark.parametrize("name", errors.__all__)
def test_importable_from_smscodec(name: str) -> None:
    assert getattr(smscodec, name) is getattr(errors, name)
    assert name in smscodec.__all__


@pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
def test_pickle_and_copy_round_trip_keep_the_attributes(cls: type[BaseException]) -> None:
    error = _instance(cls)
    names = _keyword_attributes(cls)
    for again in (
        pickle.loads(pickle.dumps(error)),
        pickle.loads(pickle.dumps(error, protocol=0)),
        copy.copy(error),
        copy.deepcopy(error),
    ):
        assert type(again) is cls
        assert again.args == error.args
        assert str(again) == str(error)
        for name in names:
            assert getattr(again, name) == getattr(error, name), name
            assert type(getattr(again, name)) is type(getattr(error, name)), name


def test_value_errors_are_the_ones_api_md_lists() -> None:
    # API.md: the bad-value errors also derive from ValueError; the send family (the
    # platform said no), CliError and WebhookVerificationError do not.
    for name in ("ArgumentError", "EncodingError", "DecodeError", "UdhError", "HexError", "PayloadError",
                 "ResponseError", "SignatureError", "WebhookError"):  # fmt: skip
        assert issubclass(getattr(errors, name), ValueError), name
    for name in [*SEND_FAMILY, "CliError"]:
        assert not issubclass(getattr(errors, name), ValueError), name


@pytest.mark.parametrize("name", SEND_FAMILY)
def test_send_family_is_still_importable_from_its_old_homes(name: str) -> None:
    cls = getattr(errors, name)
    assert getattr(smscodec.vonage.responses, name) is cls
    assert getattr(smscodec.vonage, name) is cls
    assert name in smscodec.vonage.__all__
    assert name in smscodec.vonage.responses.__all__
    if name != "SendError":
        assert issubclass(cls, errors.SendError)


def test_cli_error_is_still_importable_from_cli() -> None:
    assert smscodec.cli.CliError is errors.CliError
    assert issubclass(errors.CliError, errors.SmsCodecError)


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (StatusCode.THROTTLED, True),
        (StatusCode.INTERNAL_ERROR, True),
        (StatusCode.TOO_MANY_EXISTING_BINDS, True),
        (StatusCode.NUMBER_BARRED, False),
        (StatusCode.INVALID_CREDENTIALS, False),
        (99, False),
        (1, False),
    ],
)
def test_send_error_retryable_survives_pickling(status: int, retryable: bool) -> None:
    # A plain int 1 is not StatusCode.THROTTLED: only documented members are retryable
    # (the parser always hands documented codes over as members).
    error = errors.ThrottledError("part 2 of 4 refused", status=status, error_text=None, to=None)
    assert error.retryable is retryable
    again = pickle.loads(pickle.dumps(error))
    assert again.retryable is retryable
    assert type(again.status) is type(status)


def test_docstring_table_names_every_class_and_layer() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        if name in SEND_FAMILY[1:] or name == "SmsCodecError":
            continue  # the six families are "SendError and its six families"; the base is the intro
        assert f":class:`{name}`" in doc, name
    for layer in ("codec", "segments", "udh", "hex", "signing", "vonage send", "vonage webhooks", "batch",
                  "command line"):  # fmt: skip
        assert layer in doc, layer
