"""parse_send_response for JSON and XML bodies, SendResponse and raise_for_status."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec import ArgumentError, pack_septets, split, udh
from smscodec.signing import verify
from smscodec.vonage import (
    AccountError,
    AuthenticationError,
    Credentials,
    DestinationError,
    InvalidRequestError,
    ResponseError,
    SendError,
    SendResponse,
    SentMessage,
    ServerError,
    SmsRequest,
    StatusCode,
    ThrottledError,
    parse_send_response,
    resend_refused_parts,
)

# The API reference's example (schemas SMS / Message).
JSON_OK = """{
  "message-count": "1",
  "messages": [
    {
      "to": "447700900000",
      "message-id": "0A0000000123ABCD1",
      "status": "0",
      "remaining-balance": "3.14159265",
      "message-price": "0.03330000",
      "network": "12345",
      "client-ref": "my-personal-reference",
      "account-ref": "customer1234"
    }
  ]
}"""

JSON_MULTIPART = json.dumps(
    {
        "message-count": "3",
        "messages": [
            {
                "to": "447700900000",
                "message-id": f"0A000000012{i}ABCD1",
                "status": "0",
                "remaining-balance": balance,
                "message-price": "0.03330000",
                "network": "23410",
            }
            for i, balance in enumerate(["15.53590000", "15.50260000", "15.46930000"])
        ],
    }
)

# The reference's Error schema: status and error-text only.
JSON_ERROR = '{"message-count": "1", "messages": [{"status": "2", "error-text": "Missing to param"}]}'

XML_OK = b"""<?xml version='1.0' encoding='UTF-8' ?>
<mt-submission-response>
    <messages count='1'>
        <message>
            <to>447700900000</to>
            <messageId>0A0000000123ABCD1</messageId>
            <status>0</status>
            <remainingBalance>3.14159265</remainingBalance>
            <messagePrice>0.03330000</messagePrice>
            <network>12345</network>
            <clientRef>my-personal-reference</clientRef>
            <accountRef>customer1234</accountRef>
        </message>
    </messages>
</mt-submission-response>
"""

XML_ERROR = """<?xml version="1.0" encoding="UTF-8"?>
<mt-submission-response><messages count="1"><message><status>4</status>
<errorText>Bad Credentials</errorText></message></messages></mt-submission-response>"""


def _expected_ok() -> SendResponse:
    return SendResponse(
        1,
        (
            SentMessage(
                to="447700900000",
                message_id="0A0000000123ABCD1",
                status=StatusCode.SUCCESS,
                error_text=None,
                remaining_balance=Decimal("3.14159265"),
                message_price=Decimal("0.03330000"),
                network="12345",
                client_ref="my-personal-reference",
                account_ref="customer1234",
            ),
        ),
    )


def test_json_ok() -> None:
    response = parse_send_response(JSON_OK)
    assert response == _expected_ok()
    assert response.ok
    assert response.total_price == Decimal("0.0333")
    assert response.remaining_balance == Decimal("3.14159265")
    assert response.failed == ()
    response.raise_for_status()


def test_xml_ok_matches_json() -> None:
    assert parse_send_response(XML_OK, "xml") == _expected_ok()
    assert parse_send_response(XML_OK.decode(), format="XML") == _expected_ok()


def test_json_bytes_and_str_agree() -> None:
    assert parse_send_response(JSON_OK.encode()) == parse_send_response(JSON_OK)
    assert parse_send_response(bytearray(JSON_OK.encode())) == parse_send_response(JSON_OK)  # type: ignore[arg-type]
    assert parse_send_response(JSON_OK.encode("utf-16")) == parse_send_response(JSON_OK)


def test_multipart() -> None:
    response = parse_send_response(JSON_MULTIPART)
    assert response.message_count == 3
    assert len(response) == 3
    assert response.ok
    assert response.total_price == Decimal("0.09990000")
    assert response.remaining_balance == Decimal("15.46930000")
    assert [m.message_id for m in response] == ["0A0000000120ABCD1", "0A0000000121ABCD1", "0A0000000122ABCD1"]


def test_error_entry() -> None:
    response = parse_send_response(JSON_ERROR)
    assert not response.ok
    (message,) = response.messages
    assert message.status is StatusCode.MISSING_PARAMETERS
    assert message.error_text == "Missing to param"
    assert message.to is None
    assert message.message_id is None
    assert message.message_price is None
    assert response.total_price == Decimal(0)
    assert response.remaining_balance is None
    with pytest.raises(InvalidRequestError, match="Missing Parameters: Missing to param") as info:
        response.raise_for_status()
    assert info.value.status is StatusCode.MISSING_PARAMETERS
    assert info.value.retryable is False


def test_xml_error() -> None:
    response = parse_send_response(XML_ERROR, "xml")
    assert response.messages[0].status is StatusCode.INVALID_CREDENTIALS
    assert response.messages[0].error_text == "Bad Credentials"
    with pytest.raises(AuthenticationError):
        response.raise_for_status()


def test_partial_failure_multipart() -> None:
    body = {
        "message-count": "2",
        "messages": [
            {"to": "447700900000", "message-id": "A", "status": "0", "message-price": "0.03"},
            {"status": "1", "error-text": "Throughput Rate Exceeded - please wait [ 30 ] and retry"},
        ],
    }
    response = parse_send_response(json.dumps(body))
    assert not response.ok
    assert len(response.failed) == 1
    assert response.total_price == Decimal("0.03")
    with pytest.raises(ThrottledError) as info:
        response.raise_for_status()
    assert info.value.retryable is True
    assert "part 2 of 2" in str(info.value)


@pytest.mark.parametrize(
    ("status", "family"),
    [
        (1, ThrottledError),
        (10, ThrottledError),
        (5, ServerError),
        (4, AuthenticationError),
        (14, AuthenticationError),
        (32, AuthenticationError),
        (8, AccountError),
        (9, AccountError),
        (11, AccountError),
        (29, AccountError),
        (2, InvalidRequestError),
        (3, InvalidRequestError),
        (6, InvalidRequestError),
        (12, InvalidRequestError),
        (15, InvalidRequestError),
        (22, InvalidRequestError),
        (23, InvalidRequestError),
        (7, DestinationError),
        (17, DestinationError),
        (33, DestinationError),
    ],
)
def test_status_families(status: int, family: type[SendError]) -> None:
    response = parse_send_response(json.dumps({"message-count": "1", "messages": [{"status": str(status)}]}))
    with pytest.raises(family) as info:
        response.raise_for_status()
    assert type(info.value) is family
    assert info.value.retryable is (status in (1, 5, 10))
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is family
    assert again.status == status
    assert str(again) == str(info.value)


def test_families_cover_every_error_code() -> None:
    for code in StatusCode:
        if code == 0:
            continue
        response = SendResponse(1, (SentMessage(None, None, code),))
        with pytest.raises(SendError) as info:
            response.raise_for_status()
        assert type(info.value) is not SendError, code


def test_unknown_status_kept() -> None:
    response = parse_send_response(
        '{"message-count": "1", "messages": [{"status": "99", "error-text": "new"}]}'
    )
    status = response.messages[0].status
    assert type(status) is int
    assert status == 99
    with pytest.raises(SendError, match="99 \\(undocumented\\): new") as info:
        response.raise_for_status()
    assert type(info.value) is SendError
    assert info.value.retryable is False


def test_lenient_json_numbers() -> None:
    # Numbers where the API writes strings are still read exactly.
    body = (
        '{"message-count": 1, "messages": [{"status": 0, "message-price": 0.0333, "remaining-balance": 10}]}'
    )
    message = parse_send_response(body).messages[0]
    assert message.status is StatusCode.SUCCESS
    assert message.message_price == Decimal("0.0333")
    assert message.remaining_balance == Decimal("10")


def test_missing_message_count_uses_length() -> None:
    assert parse_send_response('{"messages": [{"status": "0"}]}').message_count == 1
    assert parse_send_response("<mt-submission-response><messages/></mt-submission-response>", "xml") == (
        SendResponse(0, ())
    )


def test_empty_response_raise_for_status() -> None:
    response = parse_send_response('{"message-count": "0", "messages": []}')
    assert not response.ok
    with pytest.raises(ResponseError):
        response.raise_for_status()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("", None),
        ("not json", None),
        ("[]", None),
        ('"x"', None),
        ('{"message-count": "1"}', "messages"),
        ('{"messages": {}}', "messages"),
        ('{"messages": ["x"]}', "messages"),
        ('{"messages": [{}]}', "status"),
        ('{"messages": [{"status": "ok"}]}', "status"),
        ('{"messages": [{"status": "-1"}]}', "status"),
        ('{"messages": [{"status": true}]}', "status"),
        ('{"messages": [{"status": null}]}', "status"),
        ('{"messages": [{"status": "0", "message-price": "abc"}]}', "message-price"),
        ('{"messages": [{"status": "0", "message-price": "1e999999999"}]}', "message-price"),
        ('{"messages": [{"status": "0", "message-price": 1e5}]}', "message-price"),
        ('{"messages": [{"status": "0", "message-price": "NaN"}]}', "message-price"),
        ('{"messages": [{"status": "0", "remaining-balance": []}]}', "remaining-balance"),
        ('{"messages": [{"status": "0", "to": 447700900000}]}', "to"),
        ('{"messages": [{"status": "0", "message-id": {}}]}', "message-id"),
        ('{"message-count": "x", "messages": []}', "message-count"),
        ('{"message-count": -1, "messages": []}', "message-count"),
        ('{"messages": [{"status": "0", "message-price": NaN}]}', None),
        ('{"messages": [{"status": "0", "message-price": Infinity}]}', None),
        ("[" * 100_000, None),
    ],
)
def test_malformed_json(body: str, field: str | None) -> None:
    with pytest.raises(ResponseError) as info:
        parse_send_response(body)
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<mt-submission-response><messages count="1"><message><status>0</status><to>&lol3;</to>
</message></messages></mt-submission-response>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<mt-submission-response><messages><message><status>0</status><to>&xxe;</to></message></messages>
</mt-submission-response>"""


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        '<!DOCTYPE mt-submission-response SYSTEM "http://example.com/x.dtd"><mt-submission-response/>',
        BILLION_LAUGHS.encode("utf-16"),
        BILLION_LAUGHS.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode(
            "utf-16"
        ),
    ],
)
def test_xml_dtd_refused(body: str | bytes) -> None:
    with pytest.raises(ResponseError, match="DOCTYPE") as info:
        parse_send_response(body, "xml")
    assert info.value.field is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("", None),
        ("<mt-submission-response>", None),
        ("<a/><b/>", None),
        ("<other/>", None),
        ("<mt-submission-response/>", "messages"),
        ("<mt-submission-response><messages/><messages/></mt-submission-response>", "messages"),
        ("<mt-submission-response><messages><message/></messages></mt-submission-response>", "status"),
        (
            "<mt-submission-response><messages><message><status>x</status></message></messages></mt-submission-response>",
            "status",
        ),
        (
            "<mt-submission-response><messages><message><status>0</status><status>1</status>"
            "</message></messages></mt-submission-response>",
            "status",
        ),
        (
            "<mt-submission-response><messages><message><status><b>0</b></status></message></messages>"
            "</mt-submission-response>",
            "status",
        ),
        (
            "<mt-submission-response><messages count='x'><message><status>0</status></message></messages>"
            "</mt-submission-response>",
            "count",
        ),
        (
            "<mt-submission-response><messages><message><status>0</status><messagePrice>cheap</messagePrice>"
            "</message></messages></mt-submission-response>",
            "messagePrice",
        ),
        (
            "<mt-submission-response><messages><message><status>&undefined;</status></message></messages>",
            None,
        ),
        (b"<?xml version='1.0' encoding='bogus-enc'?><mt-submission-response/>", None),
        (b"\xff\xfe\x00garbage", None),
    ],
)
def test_malformed_xml(body: str | bytes, field: str | None) -> None:
    with pytest.raises(ResponseError) as info:
        parse_send_response(body, "xml")
    assert info.value.field == field


def test_xml_text_entities_and_whitespace() -> None:
    body = (
        "<mt-submission-response><messages count=' 1 '><message><status> 0 </status>"
        "<clientRef>a&amp;b &#x20AC;</clientRef><unknownTag>kept out</unknownTag></message></messages>"
        "</mt-submission-response>"
    )
    message = parse_send_response(body, "xml").messages[0]
    assert message.client_ref == "a&b €"
    assert message.status is StatusCode.SUCCESS


def test_argument_errors() -> None:
    with pytest.raises(TypeError):
        parse_send_response(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_send_response(JSON_OK, format=None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError) as info:
        parse_send_response(JSON_OK, "yaml")
    assert info.value.argument == "format"


def test_response_error_pickles() -> None:
    with pytest.raises(ResponseError) as info:
        parse_send_response('{"messages": [{}]}')
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is ResponseError
    assert again.field == "status"


# ---- fuzz: only library errors -------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
message_like = st.fixed_dictionaries(
    {},
    optional={
        "status": st.one_of(st.sampled_from(["0", "1", "99", "x", ""]), json_values),
        "message-price": st.one_of(st.sampled_from(["0.0333", "1e3", "-1"]), json_values),
        "to": json_values,
        "message-id": json_values,
    },
)
response_like = st.fixed_dictionaries(
    {},
    optional={
        "message-count": json_values,
        "messages": st.one_of(st.lists(message_like, max_size=3), json_values),
    },
)


def _parse_or_library_error(body: str | bytes, fmt: str) -> None:
    # Any other exception (SmsCodecError or not) propagates and fails the test.
    try:
        response = parse_send_response(body, fmt)
    except ResponseError:
        return
    assert isinstance(response, SendResponse)
    assert isinstance(response.total_price, Decimal)
    for message in response:
        assert isinstance(message.status, int)


@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)), st.sampled_from(["json", "xml"]))
def test_fuzz_random_bodies(body: str | bytes, fmt: str) -> None:
    _parse_or_library_error(body, fmt)


@given(response_like)
def test_fuzz_json_shapes(data: dict[str, object]) -> None:
    _parse_or_library_error(json.dumps(data), "json")


xml_fragments = st.lists(
    st.sampled_from(
        [
            "<mt-submission-response>",
            "</mt-submission-response>",
            "<messages count='2'>",
            "<messages>",
            "</messages>",
            "<message>",
            "</message>",
            "<status>0</status>",
            "<status>33</status>",
            "<messagePrice>0.1</messagePrice>",
            "<to>447700900000</to>",
            "<!DOCTYPE x>",
            "&amp;",
            "&bogus;",
            "<![CDATA[x]]>",
            "<!-- c -->",
            "text",
        ]
    ),
    max_size=12,
)


@given(xml_fragments)
def test_fuzz_xml_fragments(parts: list[str]) -> None:
    _parse_or_library_error("".join(parts), "xml")


# ---- duplicate JSON keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "key"),
    [
        # The example: read with the last key winning, it is a success.
        ('{"messages":[{"status":"5"}],"messages":[{"status":"0"}]}', "messages"),
        ('{"message-count":"1","message-count":"2","messages":[{"status":"0"}]}', "message-count"),
        ('{"messages":[{"status":"5","status":"0"}]}', "status"),
        ('{"messages":[{"status":"0","message-price":"9.99","message-price":"0.01"}]}', "message-price"),
        ('{"messages":[{"status":"0","to":"447700900000","to":"447700900001"}]}', "to"),
        ('{"messages":[{"status":"0","extra":{"a":1,"a":2}}]}', "a"),  # any depth
        ('{"messages":[{"status":"0"}],"x":[[{"deep":{"k":1,"k":1}}]]}', "k"),  # even equal values
    ],
)
def test_json_duplicate_keys_refused_at_every_depth(body: str, key: str) -> None:
    for data in (body, body.encode()):
        with pytest.raises(ResponseError, match=f"the key '{key}' twice") as info:
            parse_send_response(data)
        assert info.value.field == key


def test_json_duplicate_long_key_is_cut_short() -> None:
    key = "k" * 10_000
    with pytest.raises(ResponseError) as info:
        parse_send_response(json.dumps({"messages": []})[:-1] + f', "{key}": 1, "{key}": 2}}')
    assert info.value.field == key
    assert len(str(info.value)) < 200


def test_xml_duplicates_still_refused() -> None:
    # The XML parser's behaviour that the JSON parser now matches.
    body = (
        "<mt-submission-response><messages><message><status>5</status><status>0</status>"
        "</message></messages></mt-submission-response>"
    )
    with pytest.raises(ResponseError, match="two status elements") as info:
        parse_send_response(body, "xml")
    assert info.value.field == "status"


def _with_duplicate(data: dict[str, object], key: str) -> str:
    # json.dumps cannot write a duplicate: add one by hand at the top level.
    text = json.dumps(data)
    return text[:-1] + f", {json.dumps(key)}: {json.dumps(data.get(key, 0))}}}"


@given(response_like, st.sampled_from(["messages", "message-count", "zz"]))
def test_fuzz_duplicate_top_level_key_never_parses(data: dict[str, object], key: str) -> None:
    body = _with_duplicate({**data, key: data.get(key, "1")}, key)
    with pytest.raises(ResponseError) as info:
        parse_send_response(body)
    # The duplicate is seen while the JSON is read, before any field is looked at; only a
    # refused constant (Infinity) inside the same text can be met first.
    if "Infinity" not in body:
        assert info.value.field == key


# ---- partly refused multi-part sends ----------------------------------------------------------

# 4 parts of GSM-7 (153 septets each but the last), escapes and Greek capitals included.
FOUR_PARTS = ("The quick brown fox jumps over the lazy dog; ΔΦΩ €5 {ok} [x] ~^ 0123456789. " * 7)[:520]
REF = 0x5A


def _response(statuses: list[int]) -> SendResponse:
    entries = [
        {"to": "447700900000", "message-id": f"ID{i}", "status": str(s)}
        if s == 0
        else {"status": str(s), "error-text": "Throughput Rate Exceeded"}
        for i, s in enumerate(statuses)
    ]
    return parse_send_response(json.dumps({"message-count": str(len(entries)), "messages": entries}))


def test_four_part_message_part_two_throttled() -> None:
    request = SmsRequest(sender="AcmeInc", to="447700900000", text=FOUR_PARTS, client_ref="order-17")
    parts = split(FOUR_PARTS, encoding="gsm7", reference=REF)
    assert len(parts) == 4
    sent = request.part_payloads(reference=REF)  # how the message went out: one request per part
    responses = [_response([0]), _response([1]), _response([0]), _response([0])]
    single = _response([0, 1, 0, 0])
    assert single.refused_parts == (2,)
    assert responses[1].messages[0].status.retryable is True  # type: ignore[union-attr]
    for response in (responses, single):
        resend = resend_refused_parts(request, response, reference=REF)
        assert list(resend) == [2]
        payload = resend[2]
        assert payload["type"] == "binary"
        assert payload == sent[1]  # the very part that was refused, nothing else
        header = bytes.fromhex(payload["udh"])
        assert header == bytes.fromhex("0500035A0402")  # IEI 0, length 3, ref 0x5A, 4 parts, part 2
        assert payload["body"] == pack_septets(parts[1].payload, fill_bits=1).hex().upper()
        # The concatenation reference is the one the other parts carry.
        (concat,) = udh.parse(header)
        others = [udh.parse(bytes.fromhex(p["udh"]))[0] for n, p in enumerate(sent, 1) if n != 2]
        assert {c.reference for c in others} == {concat.reference} == {REF}  # type: ignore[attr-defined]
        assert [c.sequence for c in others] == [1, 3, 4]  # type: ignore[attr-defined]
        assert {c.total for c in [concat, *others]} == {4}  # type: ignore[attr-defined]
        assert payload["client-ref"] == "order-17"
        assert len(header) + len(bytes.fromhex(payload["body"])) <= 140


def test_resend_signed_with_fields_mapping_and_several_refused() -> None:
    fields = {"from": "AcmeInc", "to": "447700900000", "text": FOUR_PARTS, "type": "text"}
    creds = Credentials("abcd1234", signature_secret="s3cret", signature_method="sha256")
    resend = resend_refused_parts(
        fields, _response([5, 0, 1, 0]), reference=REF, credentials=creds, timestamp=1617187200
    )
    assert list(resend) == [1, 3]
    for number, payload in resend.items():
        assert payload["udh"] == f"0500035A040{number}"
        assert payload["timestamp"] == "1617187200"
        assert verify(payload, "s3cret", "sha256") is True
        assert "api_secret" not in payload


def test_resend_unicode_and_sixteen_bit_references() -> None:
    text = "Заказ отправлен 📦 " * 12
    request = SmsRequest(sender="AcmeInc", to="447700900000", text=text)
    parts = split(text, encoding="ucs2", reference=0x1234, reference_bits=16)
    statuses = [0] * len(parts)
    statuses[-1] = 1
    resend = resend_refused_parts(request, _response(statuses), reference=0x1234, reference_bits=16)
    assert list(resend) == [len(parts)]
    payload = resend[len(parts)]
    assert bytes.fromhex(payload["udh"]) == udh.concat(0x1234, len(parts), len(parts), bits=16)
    assert bytes.fromhex(payload["body"]) == parts[-1].payload


def test_resend_nothing_refused_and_single_part() -> None:
    request = SmsRequest(sender="AcmeInc", to="447700900000", text=FOUR_PARTS)
    assert resend_refused_parts(request, _response([0, 0, 0, 0]), reference=REF) == {}
    short = SmsRequest(sender="AcmeInc", to="447700900000", text="Hello")
    assert resend_refused_parts(short, _response([1]), reference=REF) == {1: short.payload()}
    assert resend_refused_parts(short, [_response([0])], reference=REF) == {}


def test_resend_response_must_match_the_parts() -> None:
    request = SmsRequest(sender="AcmeInc", to="447700900000", text=FOUR_PARTS)
    with pytest.raises(ArgumentError, match="3 entries but the message has 4 parts") as info:
        resend_refused_parts(request, _response([0, 1, 0]), reference=REF)
    assert info.value.argument == "response"
    with pytest.raises(ArgumentError, match="refused the request as a whole"):
        resend_refused_parts(request, _response([4]), reference=REF)
    with pytest.raises(ArgumentError, match="2 responses"):
        resend_refused_parts(request, [_response([0]), _response([1])], reference=REF)
    with pytest.raises(ArgumentError):
        resend_refused_parts(request, _response([0, 1, 0, 0]), reference=256)
    with pytest.raises(TypeError):
        resend_refused_parts(request, [_response([0]), "x"], reference=REF)  # type: ignore[list-item]
    with pytest.raises(TypeError):
        resend_refused_parts(request, "response", reference=REF)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        resend_refused_parts("text", _response([0]), reference=REF)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        resend_refused_parts(request, _response([0, 1, 0, 0]))  # type: ignore[call-arg]


def test_resend_choices_are_documented() -> None:
    doc = resend_refused_parts.__doc__ or ""
    assert "Resend everything" in doc
    assert "Resend only the refused parts" in doc
    assert "billed twice" in doc
    assert "reference that the response does not report" in doc
