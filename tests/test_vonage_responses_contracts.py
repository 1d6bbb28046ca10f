"""Hostile input to ``smscodec.vonage.responses``: any send response body, JSON or XML,
parses to a ``SendResponse`` or raises the library's own error; XML entity declarations
are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile import blobs, hostile, only_ours, texts
from smscodec import vonage
from smscodec.errors import SmsCodecError


@hostile
@given(body=blobs | texts, fmt=st.sampled_from(["json", "xml"]))
def test_parse_send_response_hostile(body: bytes | str, fmt: str) -> None:
    response = only_ours(vonage.parse_send_response, body, fmt)
    assert response is None or isinstance(response, vonage.SendResponse)


@hostile
@given(
    payload=st.dictionaries(
        st.sampled_from(["a", "b", "message-count", "messages", "status"]),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
            ),
            max_leaves=10,
        ),
    )
)
def test_parse_send_response_json_shapes(payload: dict[str, Any]) -> None:
    only_ours(vonage.parse_send_response, json.dumps(payload))


def test_xml_entity_declarations_are_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>'
    with pytest.raises(SmsCodecError, match="DOCTYPE"):
        vonage.parse_send_response(bomb, "xml")
