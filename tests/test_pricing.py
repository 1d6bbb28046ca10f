"""smscodec.pricing: Vonage Pricing API responses, numbers to countries, campaign estimates.

The responses are hand-written in the shapes Vonage documents (v1 one country, v1 full
pricing, v2 JSON-HAL pages), with networks that have no MCC (premium, landline), a
country listed without a price, and several currencies.  Countries of numbers are
compared with phonenumbers itself, number by number.  Run under both backends (the
counting goes through the live kernels).
"""

from __future__ import annotations

import copy
import decimal
import json
from decimal import Decimal
from typing import Any

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smscodec import ArgumentError, EncodingError, PricingError, count_segments
from smscodec.pricing import (
    CostEstimate,
    CountryCost,
    Price,
    countries_of,
    country_of,
    estimate,
    parse_vonage_pricing,
)


def network(
    code: str | None, price: str, *, kind: str = "mobile", name: str = "", currency: str = "EUR"
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": kind,
        "price": price,
        "currency": currency,
        "networkName": name or f"net {code}",
    }
    if code is not None and code.isdigit():
        item.update(mcc=code[:3], mnc=code[3:], networkCode=code)
    elif code is not None:
        item["networkCode"] = code
    return item


def country(
    code: str, name: str, prefix: str, default: str | None, *networks: dict[str, Any], currency: str = "EUR"
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "countryCode": code,
        "countryName": name,
        "countryDisplayName": name,
        "dialingPrefix": prefix,
        "currency": currency,
    }
    if default is not None:
        entry["defaultPrice"] = default
    if networks:
        entry["networks"] = list(networks)
    return entry


# A v1 get-full-pricing/outbound/sms response: several countries, networks with and
# without MCC/MNC, Vatican City listed without a price (as Vonage lists it).
COUNTRIES = [
    country(
        "GB",
        "United Kingdom",
        "44",
        "0.04130000",
        network("23415", "0.03900000", name="Vodafone Limited"),
        network("23410", "0.04130000", name="Telefonica UK"),
        network("GB-PREMIUM", "0.05500000", kind="landline_premium"),
    ),
    country("US", "United States", "1", "0.00809000", network("310260", "0.00750000", name="T-Mobile US")),
    country(
        "CA", "Canada", "1", "0.00620000", network("302530", "0.00590000", name="Keewaytinook Okimakanak")
    ),
    country("JM", "Jamaica", "1", "0.09200000"),
    country(
        "RU", "Russia", "7", "0.33100000", network("25001", "0.30000000"), network("25099", "0.34000000")
    ),
    country("KZ", "Kazakhstan", "7", "0.24000000"),
    country(
        "DE", "Germany", "49", "0.07900000", network("26201", "0.07500000"), network("26202", "0.08200000")
    ),
    country(
        "IT",
        "Italy",
        "39",
        "0.08270000",
        network("22207", "0.08270000"),
        network("IT-PREMIUM", "0.08270000", kind="landline_premium"),
    ),
    country("VA", "Vatican City", "39", None),
]
FULL = {"count": str(len(COUNTRIES)), "countries": COUNTRIES}
TABLE = parse_vonage_pricing(json.dumps(FULL))

# The v1 one-country response, Vonage's Zambia example shape (ranges included).
ZAMBIA = {
    "dialingPrefix": "260",
    "defaultPrice": "0.28725000",
    "currency": "EUR",
    "countryDisplayName": "Zambia",
    "countryCode": "ZM",
    "countryName": "Zambia",
    "networks": [
        {
            "type": "landline_premium",
            "price": "0.28725000",
            "currency": "EUR",
            "ranges": [26090],
            "networkCode": "ZM-PREMIUM",
            "networkName": "Zambia Premium",
        },
        {
            "type": "mobile",
            "price": "0.26000000",
            "currency": "EUR",
            "ranges": [2607, 26076, 26096],
            "mcc": "645",
            "mnc": "02",
            "networkCode": "64502",
            "networkName": "MTN Zambia",
        },
        {
            "type": "mobile",
            "price": "0.29100000",
            "currency": "EUR",
            "ranges": [26077, 26097],
            "mcc": "645",
            "mnc": "01",
            "networkCode": "64501",
            "networkName": "Airtel",
        },
    ],
}

# A v2 page (/v2/account/pricing/sms-outbound): JSON-HAL, one entry per network type.
V2 = {
    "page_size": "100",
    "page": "1",
    "total_items": "4",
    "total_pages": "1",
    "_embedded": {
        "countries": [
            {
                "country_code": "CA",
                "country_name": "Canada",
                "dialing_prefix": "1",
                "dest_network_type": "ALL",
                "group_internal_start": "1s",
                "rate_increment": "60",
                "currency": "USD",
                "price": "0.0075",
            },
            {
                "country_code": "CA",
                "country_name": "Canada",
                "dialing_prefix": "1",
                "dest_network_type": "MOBILE",
                "currency": "USD",
                "price": "0.0070",
            },
            # No country_code: the one country of +49.
            {
                "country_name": "Germany",
                "dialing_prefix": "49",
                "dest_network_type": "ALL",
                "currency": "USD",
                "price": "0.0850",
            },
            # No country_code, a shared dialing code: told apart by the English name.
            {
                "country_name": "Jamaica",
                "dialing_prefix": "1",
                "dest_network_type": "ALL",
                "currency": "USD",
                "price": "0.1010",
            },
        ]
    },
    "_links": {
        "self": {"href": "https://api.nexmo.com/v2/account/pricing/sms-outbound?page=1&page_size=100"}
    },
}


def reference_country(number: str) -> str:
    """What phonenumbers says, with the brief's fallback for a number it cannot place."""
    parsed = phonenumbers.parse("+" + number.lstrip("+"), None)
    return phonenumbers.region_code_for_number(parsed) or phonenumbers.region_code_for_country_code(
        parsed.country_code
    )


# --- parsing ------------------------------------------------------------------------------


def test_full_pricing_is_read_with_decimals_as_written() -> None:
    assert set(TABLE) == {c["countryCode"] for c in COUNTRIES}
    assert TABLE.currency == "EUR"
    gb = TABLE["GB"]
    assert (gb.name, gb.dialing_prefix, gb.default) == ("United Kingdom", "44", Decimal("0.04130000"))
    # Exactly as written: the trailing zeros are kept (no float, no normalisation).
    assert str(gb.default) == "0.04130000"
    assert (gb.low, gb.high) == (Decimal("0.039"), Decimal("0.055"))
    assert gb.networks["23415"].name == "Vodafone Limited"
    assert (gb.networks["23415"].mcc, gb.networks["23415"].mnc) == ("234", "15")
    assert gb.networks["GB-PREMIUM"].type == "landline_premium"
    assert gb.networks["GB-PREMIUM"].mcc is None
    assert not TABLE["VA"].priced
    assert TABLE["VA"].low is None
    assert len(TABLE) == 9
    assert "VA" in TABLE
    assert "FR" not in TABLE


def test_one_country_response_and_its_networks() -> None:
    table = parse_vonage_pricing(ZAMBIA)
    assert list(table) == ["ZM"]
    price = table.price("+260 97 1234567", network="64501")
    assert price == Price(
        "ZM", "EUR", Decimal("0.28725000"), Decimal("0.26"), Decimal("0.291"), Decimal("0.29100000")
    )
    assert table.price("260971234567", network="ZM-PREMIUM").exact == Decimal("0.28725")
    assert table.price("260971234567", network="99999").exact is None  # an unknown network
    assert table.price("ZM").default == Decimal("0.28725")  # an ISO code for a number


def test_the_same_body_as_str_bytes_and_mapping() -> None:
    text = json.dumps(FULL)
    assert parse_vonage_pricing(text) == TABLE
    assert parse_vonage_pricing(text.encode()) == TABLE
    assert parse_vonage_pricing(b"\xef\xbb\xbf" + text.encode()) == TABLE  # a UTF-8 BOM
    assert parse_vonage_pricing(json.loads(text)) == TABLE


def test_v2_pages_with_and_without_country_codes() -> None:
    table = parse_vonage_pricing(V2)
    assert table.currency == "USD"
    assert set(table) == {"CA", "DE", "JM"}
    ca = table["CA"]
    assert (ca.default, ca.low, ca.high) == (Decimal("0.0075"), Decimal("0.0070"), Decimal("0.0075"))
    assert (table["DE"].default, table["JM"].default) == (Decimal("0.0850"), Decimal("0.1010"))
    # A JSON array of pages is their union.
    second = copy.deepcopy(V2)
    second["_embedded"]["countries"] = [
        {
            "country_code": "GB",
            "country_name": "United Kingdom",
            "dialing_prefix": "44",
            "currency": "USD",
            "price": "0.04",
        }
    ]
    both = parse_vonage_pricing(json.dumps([V2, second]))
    assert set(both) == {"CA", "DE", "JM", "GB"}
    assert both == table | parse_vonage_pricing(second)


def test_v2_without_an_all_entry_takes_the_highest() -> None:
    body = {
        "_embedded": {
            "countries": [
                {
                    "country_code": "FR",
                    "dialing_prefix": "33",
                    "dest_network_type": "MOBILE",
                    "currency": "EUR",
                    "price": "0.07",
                },
                {
                    "country_code": "FR",
                    "dialing_prefix": "33",
                    "dest_network_type": "LANDLINE",
                    "currency": "EUR",
                    "price": "0.09",
                },
            ]
        }
    }
    fr = parse_vonage_pricing(body)["FR"]
    assert (fr.default, fr.low, fr.high) == (Decimal("0.09"), Decimal("0.07"), Decimal("0.09"))


def _with(path: str, value: Any) -> dict[str, Any]:
    """FULL with one field replaced (``value`` ``...``: deleted); ``path`` as
    ``countries.0.networks.1.price``."""
    body = copy.deepcopy(FULL)
    *parents, last = path.split(".")
    node: Any = body
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is ...:
        del node[int(last) if isinstance(node, list) else last]
    else:
        node[int(last) if isinstance(node, list) else last] = value
    return body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"count": "1", "countries": [', "not JSON: Expecting value at line 1, column 30"),
        ("", "not JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        ('{"countries": [], "count": NaN}', "holds NaN, which is not a price"),
        ("[]", "an empty array"),
        ("42", "body: expected a JSON object, got int"),
        (
            '{"foo": 1}',
            "not a Vonage Pricing API response (expected countries, _embedded or countryCode; its keys: foo)",
        ),
        (
            '{"error-code": "401", "error-code-label": "authentication failed"}',
            "a Vonage error response, not prices: authentication failed ('401')",
        ),
        (
            '{"type": "https://developer.nexmo.com/api-errors#unauthorized", "title": "Unauthorized", '
            '"detail": "bad"}',
            "a Vonage error response, not prices: Unauthorized ('bad')",
        ),
        (_with("count", "10"), "count says 10 countries, the body lists 9 (a truncated download?)"),
        (_with("countries.0.countryCode", ...), "body.countries[0]: no countryCode"),
        (_with("countries.0.countryCode", "GBR"), "'GBR' is not an ISO 3166 alpha-2 country code"),
        (_with("countries.0.currency", ...), "body.countries[0] (GB): no currency"),
        (_with("countries.0.currency", "euro"), "'euro' is not an ISO 4217 currency code"),
        (
            _with("countries.0.defaultPrice", ...),
            "countries[0] (GB): no defaultPrice, although 3 networks are priced",
        ),
        (
            _with("countries.0.defaultPrice", "-0.01"),
            "countries[0] (GB).defaultPrice: the price '-0.01' is negative",
        ),
        (
            _with("countries.0.defaultPrice", "free"),
            "countries[0] (GB).defaultPrice: the price 'free' is not a decimal number",
        ),
        (_with("countries.0.defaultPrice", "NaN"), "the price 'NaN' is not a decimal number"),
        (_with("countries.0.defaultPrice", "1_0"), "the price '1_0' is not a decimal number"),
        (_with("countries.0.defaultPrice", ""), "the price '' is not a decimal number"),
        (_with("countries.0.defaultPrice", True), "the price must be a decimal number, not bool"),
        (_with("countries.0.defaultPrice", [1]), "the price must be a decimal number, not list"),
        (_with("countries.0.networks.1.price", ...), "countries[0] (GB).networks[1].price: no price"),
        (_with("countries.0.networks.1.price", "-1"), "networks[1].price: the price '-1' is negative"),
        (
            _with("countries.0.networks", {"a": 1}),
            "countries[0] (GB).networks: expected a JSON array, got dict",
        ),
        (_with("countries.3.currency", "USD"), "mixed currencies: JM is priced in USD, GB in EUR"),
        (
            _with("countries.0.networks.0.currency", "USD"),
            "mixed currencies: body.countries[0] (GB).networks[0] is priced in USD, the country in EUR",
        ),
    ],
)
def test_bad_bodies_are_pricing_errors_saying_where(body: Any, message: str) -> None:
    with pytest.raises(PricingError) as info:
        parse_vonage_pricing(body)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_floats_in_a_decoded_body_are_refused() -> None:
    with pytest.raises(PricingError, match=r"0\.0413 is a float.*parse_float=decimal.Decimal"):
        parse_vonage_pricing(_with("countries.0.defaultPrice", 0.0413))
    # A body decoded with parse_float=Decimal is fine.
    decoded = json.loads(json.dumps(_with("countries.0.defaultPrice", 0.0413)), parse_float=Decimal)
    assert parse_vonage_pricing(decoded)["GB"].default == Decimal("0.0413")


def test_mixed_currencies_across_pages_and_duplicates() -> None:
    eur = {"_embedded": {"countries": [{"country_code": "FR", "currency": "EUR", "price": "0.07"}]}}
    usd = {"_embedded": {"countries": [{"country_code": "ES", "currency": "USD", "price": "0.07"}]}}
    with pytest.raises(PricingError, match="mixed currencies: ES is priced in USD, FR in EUR"):
        parse_vonage_pricing([eur, usd])
    other = {"_embedded": {"countries": [{"country_code": "FR", "currency": "EUR", "price": "0.08"}]}}
    with pytest.raises(PricingError, match="FR is listed twice, with different prices"):
        parse_vonage_pricing([eur, other])
    assert len(parse_vonage_pricing([eur, eur])) == 1  # the same page twice is harmless
    shared = {
        "_embedded": {
            "countries": [
                {"country_name": "Atlantis", "dialing_prefix": "1", "currency": "EUR", "price": "1"}
            ]
        }
    }
    with pytest.raises(PricingError, match=r"the dialing code \+1 is shared by US, AG"):
        parse_vonage_pricing(shared)


def test_wrong_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match="body must be str, bytes or a mapping, not int"):
        parse_vonage_pricing(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="number must be a str, not int"):
        TABLE.price(447700900000)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="network must be a str or None"):
        TABLE.price("447700900000", network=23415)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="prices must be a PriceTable"):
        estimate(["hi"], ["447700900000"], prices={})  # type: ignore[arg-type]


# --- numbers to countries -----------------------------------------------------------------

NUMBERS = {
    # +1: one dialing code, 25 countries.
    "+1 202 555 0123": "US",
    "+16045550123": "CA",
    "14165551234": "CA",
    "+1 876 555 0123": "JM",
    "+1 787 555 0123": "PR",
    "+1 268 464 1234": "AG",
    "+1 555 0100": "US",  # cannot be placed: the main country of +1
    # +7: Russia and Kazakhstan.
    "+7 495 123 45 67": "RU",
    "77012345678": "KZ",
    "+7 800 123 45 67": "RU",  # starts like RU's national prefix: parsed by phonenumbers itself
    # +44: the drama range of Vonage's own examples cannot be placed: GB.
    "447700900000": "GB",
    "0044 7700 900123": "GB",
    "+44 1534 456789": "JE",
    "+39 06 698 12345": "VA",
    "+39 02 1234 5678": "IT",
    "+4915112345678": "DE",
    "(+49) 151-1234-5678": "DE",
    "+882 1234 5678": "001",  # a non-geographic dialing code
}


@pytest.mark.parametrize(("number", "expected"), NUMBERS.items())
def test_countries_of_numbers(number: str, expected: str) -> None:
    assert country_of(number) == expected
    digits = "".join(ch for ch in number if ch.isdigit()).removeprefix("00")
    assert reference_country(digits) == expected


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("hello", "'hello' is not a phone number"),
        ("+44 7700 900000 x12", "is not a phone number"),
        ("", "is not a phone number"),
        ("+", "'+' is not a phone number"),
        ("4", "no country has the dialing code of +4"),
        ("+1 2", "+12 is too short to be a phone number of +1"),
        ("+44 7", "+447 is too short to be a phone number of +44"),
        ("+44" + "1" * 18, "is too long"),
        ("07700 900000", "'07700 900000' is not in international form"),
        ("+999 123 456", "no country has the dialing code of +999123456"),
        ("+٤٤٧٧٠٠٩٠٠٠٠٠", "is not a phone number"),  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_bad_numbers_are_pricing_errors(number: str, message: str) -> None:
    with pytest.raises(PricingError) as info:
        country_of(number)
    assert message in str(info.value)


def test_every_example_number_of_every_region_matches_phonenumbers() -> None:
    checked = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in range(12):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            digits = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)[1:]
            assert country_of(digits) == reference_country(digits), (region, kind, digits)
            checked += 1
    assert checked > 1000


SHARED_CODES = sorted(
    str(code) for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items() if len(regions) > 1
)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(SHARED_CODES), st.text(alphabet="0123456789", min_size=2, max_size=14))
def test_shared_dialing_codes_match_phonenumbers_number_by_number(code: str, national: str) -> None:
    digits = code + national
    try:
        expected = reference_country(digits)
    except phonenumbers.NumberParseException:
        with pytest.raises(PricingError):
            country_of(digits)
        return
    assert country_of(digits) == expected
    assert country_of("+" + digits) == expected


def test_a_column_of_every_example_number_gives_what_phonenumbers_gives() -> None:
    # The column path (pyarrow.compute over the whole column, RE2 for shared codes) and the
    # value-by-value path against phonenumbers itself, with and without "+", and with a
    # number repeated (as a campaign repeats recipients).
    pa = pytest.importorskip("pyarrow")
    numbers = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in range(12):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                numbers.append(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)[1:])
    numbers += numbers[:50]
    expected = [reference_country(digits) for digits in numbers]
    assert countries_of(pa.array(numbers, pa.string())) == expected
    assert countries_of(pa.array(["+" + n for n in numbers], pa.large_string())) == expected
    assert countries_of(pa.array(numbers, pa.string()).dictionary_encode()) == expected
    assert countries_of(numbers) == expected
    assert len(set(expected)) > 200


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(SHARED_CODES), st.text(alphabet="0123456789", min_size=2, max_size=14)),
        min_size=1,
        max_size=40,
    )
)
def test_a_column_of_shared_code_numbers_equals_the_value_by_value_path(
    numbers: list[tuple[str, str]],
) -> None:
    pa = pytest.importorskip("pyarrow")
    digits = [code + national for code, national in numbers]
    try:
        expected = [country_of(d) for d in digits]
    except PricingError:
        with pytest.raises(PricingError):
            countries_of(pa.array(digits, pa.string()))
        return
    assert countries_of(pa.array(digits, pa.string())) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["1", "7", "44", "49", "33", "61", "262", "358"]),
    st.text(alphabet="0123456789", min_size=4, max_size=12),
)
def test_written_forms_agree(code: str, national: str) -> None:
    digits = code + national
    try:
        expected = country_of(digits)
    except PricingError:
        return
    spaced = " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))
    assert (
        country_of("+" + spaced)
        == country_of("00" + digits)
        == country_of(f"+{code} ({national})")
        == expected
    )


def test_countries_of_a_list_with_gaps_ints_and_a_bad_index() -> None:
    assert countries_of(["447700900000", None, 16045550123, float("nan"), "+77012345678"]) == [
        "GB",
        None,
        "CA",
        None,
        "KZ",
    ]
    with pytest.raises(PricingError, match=r"^to\[2\]: 'nope' is not a phone number"):
        countries_of(["447700900000", "+16045550123", "nope"])
    with pytest.raises(TypeError, match=r"to\[1\] must be a str \(a phone number\), not bytes"):
        countries_of(["447700900000", b"4477"])
    with pytest.raises(TypeError, match="not one str"):
        countries_of("447700900000")


# --- price() ------------------------------------------------------------------------------


def test_price_of_numbers_networks_and_unpriced_destinations() -> None:
    assert TABLE.price("+16045550123") == Price(
        "CA", "EUR", Decimal("0.0062"), Decimal("0.0059"), Decimal("0.0062"), None
    )
    assert TABLE.price("+16045550123", network="302530").exact == Decimal("0.00590000")
    assert TABLE.price("+12025550123").country == "US"
    assert TABLE.price("+18765550123").default == Decimal("0.092")
    assert TABLE.price("447700900000", network="23415").exact == Decimal("0.039")
    assert TABLE.price("gb").country == "GB"
    with pytest.raises(
        PricingError, match=r"no price for '\+44 1534 456789' \(JE\): the price table does not list it"
    ):
        TABLE.price("+44 1534 456789")
    with pytest.raises(PricingError, match=r"\(VA\): the price table lists it without a price"):
        TABLE.price("+39 06 698 12345")
    with pytest.raises(PricingError, match="no price for FR: the price table does not list it"):
        TABLE.price("FR")
    with pytest.raises(PricingError, match="not a phone number"):
        TABLE.price("call me")


# --- estimate -----------------------------------------------------------------------------

LONG = "x" * 161  # 2 parts
UCS2 = "Привет! " * 10  # 80 UCS-2 units: 2 parts
TEXTS = ["Hi!", LONG, UCS2, "€" * 81, "Code 123456", "ok", "bye", "hello"]
TO = [
    "447700900000",  # GB
    "+1 604 555 0123",  # CA
    "+7 495 123 45 67",  # RU
    "+12025550123",  # US
    "+1 876 555 0123",  # JM
    "+44 1534 456789",  # JE: the table does not list it
    None,  # no destination
    "+39 06 698 12345",  # VA: listed without a price
]


def test_estimate_prices_each_message_at_its_destination() -> None:
    result = estimate(TEXTS, TO, TABLE)
    assert isinstance(result, CostEstimate)
    parts = [count_segments(t) for t in TEXTS]
    assert parts == [1, 2, 2, 2, 1, 1, 1, 1]
    defaults = [Decimal("0.0413"), Decimal("0.0062"), Decimal("0.331"), Decimal("0.00809"), Decimal("0.092")]
    expected = [p * d for p, d in zip(parts, defaults, strict=False)] + [None, None, None]
    assert list(result.per_message) == expected
    assert result.total == sum(expected[:5], Decimal(0)) == Decimal("0.82388")
    assert str(result.total) == "0.82388000"  # the prices' own exponent, exactly
    assert result.unpriced == (5, 6, 7)
    assert not result.complete
    assert (result.messages, result.parts, result.currency) == (8, 11, "EUR")
    assert result.low == 1 * Decimal("0.039") + 2 * Decimal("0.0059") + 2 * Decimal("0.30") + 2 * Decimal(
        "0.0075"
    ) + 1 * Decimal("0.092")
    assert result.high == 1 * Decimal("0.055") + 2 * Decimal("0.0062") + 2 * Decimal("0.34") + 2 * Decimal(
        "0.00809"
    ) + 1 * Decimal("0.092")
    assert result.low <= result.total <= result.high
    assert dict(result.by_country) == {
        "GB": CountryCost(1, 1, Decimal("0.04130000")),
        "CA": CountryCost(1, 2, Decimal("0.01240000")),
        "RU": CountryCost(1, 2, Decimal("0.66200000")),
        "US": CountryCost(1, 2, Decimal("0.01618000")),
        "JM": CountryCost(1, 1, Decimal("0.09200000")),
        "JE": CountryCost(1, 1, None),
        "VA": CountryCost(1, 1, None),
    }
    messages, parts_, cost = result.by_country["RU"]  # a (messages, parts, cost) tuple
    assert (messages, parts_, cost) == (1, 2, Decimal("0.662"))


def test_estimate_at_exact_network_prices() -> None:
    result = estimate(["Hi", LONG], ["447700900000", "+16045550123"], TABLE, networks=["23415", None])
    assert result.per_message == (Decimal("0.039"), Decimal("0.0124"))
    # Known network: low = high = exact; unknown: the country's range.
    assert result.low == Decimal("0.039") + 2 * Decimal("0.0059")
    assert result.high == Decimal("0.039") + 2 * Decimal("0.0062")
    assert estimate(["Hi"], ["447700900000"], TABLE, networks=["99999"]).total == Decimal("0.0413")


def test_estimate_segment_options_and_exactness_whatever_the_context() -> None:
    text = "“Smart” quotes — and dashes…"
    plain = estimate([text] * 3, ["447700900000"] * 3, TABLE)
    smart = estimate([text] * 3, ["447700900000"] * 3, TABLE, smart=True)
    assert plain.total == 3 * count_segments(text) * Decimal("0.0413")
    assert smart.total == 3 * count_segments(text, smart=True) * Decimal("0.0413")
    # A caller's low-precision context changes nothing: the sums are exact.
    table = parse_vonage_pricing(
        {
            "countryCode": "DE",
            "dialingPrefix": "49",
            "currency": "EUR",
            "defaultPrice": "0.0000000000000000001234567891",
        }
    )
    with decimal.localcontext(decimal.Context(prec=3)):
        result = estimate(["a"] * 7, ["+4915112345678"] * 7, table)
    assert result.total == Decimal("0.0000000000000000008641975237")
    assert str(result.total) == "8.641975237E-19"


def test_estimate_bills_the_parts_of_the_policy() -> None:
    # A family emoji across the first boundary of a UCS-2 text: 2 parts by TS 23.040,
    # 3 by Twilio's split, so 3 x the GB default price under policy="twilio".
    text = "\u0430" * 65 + "\U0001f468\u200d\U0001f469\u200d\U0001f467" + "\u0430" * 61
    assert estimate([text], ["447700900000"], TABLE).total == 2 * Decimal("0.0413")
    twilio = estimate([text], ["447700900000"], TABLE, policy="twilio")
    assert twilio.total == 3 * Decimal("0.0413")
    assert twilio.by_country["GB"].parts == 3
    with pytest.raises(ArgumentError, match="policy"):
        estimate([text], ["447700900000"], TABLE, policy="telco")


def test_estimate_columns_count_missing_texts_as_zero() -> None:
    np = pytest.importorskip("numpy")
    texts = np.array(["Hi!", None, LONG], dtype=object)
    result = estimate(texts, ["447700900000", "447700900001", "+16045550123"], TABLE)
    assert result.per_message == (Decimal("0.0413"), Decimal("0"), Decimal("0.0124"))
    pa = pytest.importorskip("pyarrow")
    arrow = estimate(pa.array(["Hi!", None, LONG]), pa.array(["447700900000", None, "+16045550123"]), TABLE)
    assert arrow.per_message == (Decimal("0.0413"), None, Decimal("0.0124"))
    assert arrow.unpriced == (1,)
    pd = pytest.importorskip("pandas")
    numbers = pd.Series([447700900000, None, 16045550123])  # a numeric column with a gap: float64
    frame = estimate(pd.Series(["Hi!", "Hi!", LONG]), numbers, TABLE)
    assert frame.per_message == (Decimal("0.0413"), None, Decimal("0.0124"))


def test_estimate_errors_name_the_index() -> None:
    with pytest.raises(PricingError, match=r"^to\[1\]: '12ab' is not a phone number"):
        estimate(["a", "b"], ["447700900000", "12ab"], TABLE)
    with pytest.raises(PricingError, match=r"^to\[0\]: \+44 is too short"):
        estimate(["a"], ["+44"], TABLE)
    with pytest.raises(EncodingError, match=r"^texts\[1\]: "):
        estimate(["a", "Ж"], ["447700900000"] * 2, TABLE, encoding="gsm7")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        estimate(["a", 5], ["447700900000"] * 2, TABLE)  # type: ignore[list-item]
    with pytest.raises(ArgumentError, match="to holds 1 numbers for 2 texts"):
        estimate(["a", "b"], ["447700900000"], TABLE)
    with pytest.raises(ArgumentError, match="networks holds 1 values for 2 texts"):
        estimate(["a", "b"], ["447700900000"] * 2, TABLE, networks=["23415"])
    with pytest.raises(ArgumentError):
        estimate(["a"], ["447700900000"], TABLE, encoding="latin1")


def test_one_text_to_one_number() -> None:
    assert estimate("Hi", "447700900000", TABLE).per_message == (Decimal("0.0413"),)


PRICED = sorted(c for c in TABLE if TABLE[c].priced)
NUMBER_OF = {
    "GB": "447700900123",
    "US": "+12025550123",
    "CA": "+16045550123",
    "JM": "+18765550123",
    "RU": "+74951234567",
    "KZ": "+77012345678",
    "DE": "+4915112345678",
    "IT": "+390212345678",
    "VA": "+390669812345",
    "JE": "+441534456789",
}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.sampled_from("aZ0 @Δ€[]ÇéЖ😀ß’—…"), max_size=400),
            st.one_of(st.none(), st.sampled_from(sorted(NUMBER_OF))),
        ),
        max_size=30,
    )
)
def test_estimate_totals_are_the_sums_of_their_parts(messages: list[tuple[str, str | None]]) -> None:
    texts = [text for text, _ in messages]
    to = [None if c is None else NUMBER_OF[c] for _, c in messages]
    result = estimate(texts, to, TABLE)
    priced = [cost for cost in result.per_message if cost is not None]
    assert result.total == sum(priced, Decimal(0))
    assert result.low <= result.total <= result.high
    assert result.parts == sum(count_segments(t) for t in texts)
    for index, ((text, code), cost) in enumerate(zip(messages, result.per_message, strict=True)):
        if code is None or code not in PRICED:
            assert cost is None
            assert index in result.unpriced
        else:
            assert cost == count_segments(text) * TABLE[code].default
    assert sum(row.messages for row in result.by_country.values()) == sum(1 for c in to if c is not None)
    assert sum(row.parts for row in result.by_country.values()) == sum(
        count_segments(t) for t, c in messages if c is not None
    )
    assert (
        sum((row.cost for row in result.by_country.values() if row.cost is not None), Decimal(0))
        == result.total
    )


def test_estimate_invalid_unpriced_lists_what_is_no_phone_number() -> None:
    texts = ["Hi!", "Hi!", "Hi!", "Hi!", LONG]
    numbers = ["447700900000", "12ab", None, "+44", "+16045550123"]
    strict_part = estimate([texts[0], texts[4]], [numbers[0], numbers[4]], TABLE)
    for to in (numbers, tuple(numbers)):
        result = estimate(texts, to, TABLE, invalid="unpriced")
        assert result.unpriced == (1, 2, 3)
        assert list(result.invalid) == [1, 3]
        assert result.invalid[1].startswith("'12ab' is not a phone number")
        assert result.invalid[3].startswith("+44 is too short")
        assert result.total == strict_part.total  # never priced at 0, never counted
        first, last = strict_part.per_message
        assert result.per_message == (first, None, None, None, last)
        assert sum(c.messages for c in result.by_country.values()) == 2
    assert estimate(["Hi!"], ["447700900000"], TABLE).invalid == {}
    with pytest.raises(ArgumentError, match="invalid must be 'raise' or 'unpriced'"):
        estimate(["Hi!"], ["447700900000"], TABLE, invalid="skip")  # type: ignore[arg-type]
    pa = pytest.importorskip("pyarrow")
    column = pa.array(numbers * 2)
    arrow = estimate(texts * 2, column, TABLE, invalid="unpriced")
    assert list(arrow.invalid) == [1, 3, 6, 8]
    assert arrow.unpriced == (1, 2, 3, 6, 7, 8)
    assert estimate(texts * 2, column.dictionary_encode(), TABLE, invalid="unpriced").invalid == arrow.invalid
    with pytest.raises(PricingError, match=r"^to\[1\]: '12ab' is not a phone number"):
        estimate(texts * 2, column, TABLE)
