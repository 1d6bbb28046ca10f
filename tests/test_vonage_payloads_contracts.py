"""The secrets rule in ``smscodec.vonage.payloads``: no secret and no signature in the
``repr`` of a send payload or of credentials, nor in any payload error."""

from __future__ import annotations

import pytest

from hostile import API_SECRET, SECRET
from smscodec import vonage
from smscodec.errors import SmsCodecError


def test_send_payload_never_shows_secrets_or_signature() -> None:
    fields = {"from": "Acme", "to": "447700900000", "text": "hi"}
    signed = vonage.build_send_payload(fields, api_key="abcd1234", signature_secret=SECRET, timestamp=1)
    plain = vonage.build_send_payload(fields, api_key="abcd1234", api_secret=API_SECRET)
    assert SECRET not in repr(signed)
    assert API_SECRET not in repr(plain)
    assert API_SECRET not in str(plain)
    assert signed["sig"] not in repr(signed)
    credentials = vonage.Credentials(api_key="abcd1234", api_secret=API_SECRET, signature_secret=SECRET)
    assert SECRET not in repr(credentials)
    assert API_SECRET not in repr(credentials)


@pytest.mark.parametrize(
    "fields",
    [
        {"from": "", "to": "447700900000", "text": "hi"},
        {"from": "Acme", "to": "x", "text": "hi"},
        {"from": "Acme", "to": "447700900000", "text": "hi", "ttl": -1},
        {"from": "Acme", "to": "447700900000", "text": "hi", "nope": 1},
        {"from": "Acme", "to": "447700900000", "text": SECRET * 200},
    ],
)
def test_payload_errors_never_show_secrets(fields: dict[str, object]) -> None:
    for credentials in (
        {"api_key": "abcd1234", "signature_secret": SECRET},
        {"api_key": "abcd1234", "api_secret": API_SECRET},
        {"api_key": "abcd1234", "signature_secret": SECRET, "signature_method": "bogus"},
    ):
        try:
            vonage.build_send_payload(fields, **credentials)  # type: ignore[arg-type]
        except SmsCodecError as exc:
            message = str(exc) + repr(exc)
            assert API_SECRET not in message
            if SECRET not in str(fields):
                assert SECRET not in message
