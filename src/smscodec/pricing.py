"""Prices by destination: Vonage Pricing API responses, numbers to countries, campaign cost.

Sans I/O, like the rest of the library: you fetch the pricing (or read a saved copy),
this module reads it, tells which country a number is in, and adds up what a campaign
costs.

>>> from smscodec import pricing
>>> table = pricing.parse_vonage_pricing('''{"count": "1", "countries": [{
...     "countryCode": "GB", "countryName": "United Kingdom", "dialingPrefix": "44",
...     "defaultPrice": "0.04130000", "currency": "EUR", "networks": [
...         {"type": "mobile", "price": "0.03900000", "currency": "EUR", "mcc": "234",
...          "mnc": "15", "networkCode": "23415", "networkName": "Vodafone Limited"}]}]}''')
>>> price = table.price("+44 7700 900123")
>>> price.country, price.default, price.low, price.high
('GB', Decimal('0.04130000'), Decimal('0.03900000'), Decimal('0.04130000'))
>>> pricing.estimate(["Hi!", "x" * 161], to=["447700900123", "447700900456"], prices=table).total
Decimal('0.12390000')

Theory of operation
-------------------
**Responses.**  :func:`parse_vonage_pricing` reads the three shapes Vonage's Pricing API
answers with:

* v1 ``GET /account/get-pricing/outbound/sms?country=XX``: one country object,
  ``countryCode``, ``countryName``, ``dialingPrefix``, ``defaultPrice``, ``currency`` and
  ``networks[]`` (``type``, ``price``, ``currency``, ``mcc``, ``mnc``, ``networkCode``,
  ``networkName``);
* v1 ``get-full-pricing/outbound/sms`` and ``get-prefix-pricing/outbound/sms``:
  ``{"count": ..., "countries": [country objects]}``;
* v2 ``GET /v2/account/pricing/sms-outbound``: JSON-HAL,
  ``{"_embedded": {"countries": [...]}}`` with ``country_name``, ``dialing_prefix``,
  ``dest_network_type``, ``currency`` and ``price`` per entry (and ``country_code`` where
  the response has it).  A JSON array of such pages is read as their union.

Prices are read from the JSON text as :class:`~decimal.Decimal` (the JSON is parsed with
``parse_float=Decimal``; Vonage sends them as strings anyway) and never pass through a
float.  A country's *default* price is ``defaultPrice`` (v2: the ``ALL`` entry); its range
``low``-``high`` spans the default and every network's price.  A country Vonage lists
without any price (as it lists countries it does not deliver to) is kept, as *unpriced*.

**Numbers to countries.**  The country of a number is the one Google's libphonenumber
(the ``phonenumbers`` package, the ``pricing`` extra) gives it:
``region_code_for_number(parse("+" + digits))``, and for a number it cannot place (the
reserved drama ranges of Vonage's own examples, such as 447700900000, or +1 555 numbers)
the main country of its dialing code, ``region_code_for_country_code``.  Most dialing
codes belong to one country, which needs no parsing at all.  A dialing code shared by
several countries (+1 with 25, +7 Russia and Kazakhstan, +44, +39, +47, +61, +212, +262,
+290, +358, +590, +599) is decided the way ``region_code_for_number`` decides it, from
the library's own metadata (each country's leading digits, else its number patterns),
with the patterns of each country merged into one regular expression per number length:
the same answers (the tests compare them with ``phonenumbers`` number by number) at about
a tenth of the cost, which is what lets a campaign file of millions of rows be priced at
counting speed.  A number whose national part starts like a national prefix (the +7 8...
range) is left to ``phonenumbers.parse`` itself.

**Cost.**  :func:`estimate` counts each message's parts with the segment API (a column
through the batch kernels, missing texts 0 parts, as :func:`smscodec.estimate_cost` does)
and prices them at the destination's default price, or at the exact network price when
``networks`` names the network.  A message the table cannot price (no destination, a
country the table lacks or lists without a price) is listed in ``unpriced`` and left out
of the totals: never counted as 0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from . import _columns, _numbers, _pyarrow_arrays
from ._plan import plan as _plan_of
from .errors import ArgumentError, PricingError, SmsCodecError, shown
from .policies import SplitPolicy
from .segments import count_segments

__all__ = [
    "CostEstimate",
    "CountryCost",
    "CountryPrices",
    "NetworkPrice",
    "Price",
    "PriceTable",
    "countries_of",
    "country_of",
    "estimate",
    "parse_vonage_pricing",
]

# Sums and products of prices, exact whatever the caller's decimal context: 100 digits
# hold any campaign, and an inexact result would be an error rather than a rounding.
_EXACT = Context(prec=100, traps=[InvalidOperation, Inexact, Overflow])
# A decimal amount as Vonage writes it (Decimal() alone would also take "1_0", "NaN", "Infinity").
_AMOUNT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


# --- the price table ----------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkPrice:
    """One network's price in a country.

    Attributes:
        code: the network's code: its MCCMNC (``"23415"``) for a mobile network, else
            Vonage's own (``"IT-PREMIUM"``); None when the response gives neither.
        name: the network's name (``""`` when not given).
        type: ``"mobile"``, ``"landline"``, ``"landline_premium"``... (v2: its
            ``dest_network_type``); ``""`` when not given.
        price: the price of one part.
        mcc: the mobile country code, or None.
        mnc: the mobile network code, or None.
    """

    code: str | None
    name: str
    type: str
    price: Decimal
    mcc: str | None = None
    mnc: str | None = None


@dataclass(frozen=True)
class CountryPrices:
    """What a price table knows of one country.

    Attributes:
        country: ISO 3166 alpha-2 code (``"GB"``).
        name: the country's name in the response.
        dialing_prefix: its dialing code, digits (``"44"``).
        currency: ISO 4217 code of every price.
        default: the price of one part to a number of an unknown network; None when the
            response lists the country without a price.
        networks: the networks' prices, by network code (and by MCCMNC).
    """

    country: str
    name: str
    dialing_prefix: str
    currency: str
    default: Decimal | None
    networks: Mapping[str, NetworkPrice]
    # Every network's price, those without a code included (for the range).
    _all: tuple[NetworkPrice, ...] = ()

    @property
    def priced(self) -> bool:
        """Whether the country has a price (a default one)."""
        return self.default is not None

    @property
    def low(self) -> Decimal | None:
        """The lowest price of one part: over the default and every network."""
        prices = self._prices()
        return min(prices) if prices else None

    @property
    def high(self) -> Decimal | None:
        """The highest price of one part: over the default and every network."""
        prices = self._prices()
        return max(prices) if prices else None

    def _prices(self) -> list[Decimal]:
        if self.default is None:
            return []
        return [self.default, *(network.price for network in self._all)]


@dataclass(frozen=True)
class Price:
    """The price of one part to one number.

    Attributes:
        country: ISO 3166 alpha-2 code of the number's country.
        currency: ISO 4217 code.
        default: the country's default price.
        low: the lowest price of the country (its networks' and the default).
        high: the highest.
        exact: the price of the network asked for, when the table lists it; else None.
    """

    country: str
    currency: str
    default: Decimal
    low: Decimal
    high: Decimal
    exact: Decimal | None = None


class PriceTable:
    """Prices of one part by country, from :func:`parse_vonage_pricing`.

    A mapping of ISO 3166 alpha-2 code to :class:`CountryPrices` (``table["GB"]``,
    ``"GB" in table``, iteration over the codes); every price is in :attr:`currency`.
    ``table | other`` is the union of two tables (e.g. two pages of a v2 response).

    Args:
        countries: the countries' prices.

    Raises:
        PricingError: two currencies, or one country listed twice with different prices.
    """

    def __init__(self, countries: Iterable[CountryPrices] = ()) -> None:
        table: dict[str, CountryPrices] = {}
        currency: str | None = None
        for entry in countries:
            if not isinstance(entry, CountryPrices):
                raise TypeError(f"countries must hold CountryPrices, not {type(entry).__name__}")
            if currency is None:
                currency = entry.currency
            elif entry.currency != currency:
                raise PricingError(
                    f"mixed currencies: {entry.country} is priced in {entry.currency}, "
                    f"{next(iter(table))} in {currency}; a price table holds one currency"
                )
            known = table.get(entry.country)
            if known is not None and known != entry:
                raise PricingError(f"{entry.country} is listed twice, with different prices")
            table[entry.country] = entry
        self._countries = table
        #: ISO 4217 code of every price (None for an empty table).
        self.currency = currency

    @property
    def countries(self) -> Mapping[str, CountryPrices]:
        """Every country of the table (the unpriced ones included), by ISO code."""
        return MappingProxyType(self._countries)

    def __getitem__(self, country: str) -> CountryPrices:
        return self._countries[country]

    def __contains__(self, country: object) -> bool:
        return country in self._countries

    def __iter__(self) -> Iterator[str]:
        return iter(self._countries)

    def __len__(self) -> int:
        return len(self._countries)

    def __or__(self, other: PriceTable) -> PriceTable:
        if not isinstance(other, PriceTable):
            return NotImplemented
        return PriceTable([*self._countries.values(), *other._countries.values()])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PriceTable):
            return NotImplemented
        return self._countries == other._countries

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        priced = sum(1 for entry in self._countries.values() if entry.priced)
        return f"<PriceTable {len(self._countries)} countries ({priced} priced), {self.currency}>"

    def price(self, number: str, network: str | None = None) -> Price:
        """The price of one part to ``number``.

        Args:
            number: a phone number in international form (``"+447700900123"``,
                ``"447700900123"``, ``"0044 7700 900123"``), or an ISO 3166 alpha-2 country
                code (``"GB"``).
            network: the MCCMNC of the number's network (as in the send response's
                ``network`` and the receipt's ``network-code``), or Vonage's network code;
                when the table lists it, ``exact`` is its price.

        Returns:
            A :class:`Price`.

        Raises:
            TypeError: ``number`` or ``network`` is not a str.
            PricingError: a number that is no phone number, or a country the table does
                not list or lists without a price.
        """
        if not isinstance(number, str):
            raise TypeError(f"number must be a str, not {type(number).__name__}")
        if network is not None and not isinstance(network, str):
            raise TypeError(f"network must be a str or None, not {type(network).__name__}")
        code = number.strip()
        if not (len(code) == 2 and code.isascii() and code.isalpha()):
            code = country_of(number)
        else:
            code = code.upper()
        entry = self._countries.get(code)
        if entry is None or entry.default is None:
            what = number if code == number.strip().upper() else f"{number!r} ({code})"
            why = "does not list it" if entry is None else "lists it without a price"
            raise PricingError(f"no price for {what}: the price table {why}")
        exact = None
        if network is not None:
            found = entry.networks.get(network.strip())
            exact = None if found is None else found.price
        low, high = entry.low, entry.high
        # A priced country has a range: its default price is in it.
        assert low is not None
        assert high is not None
        return Price(entry.country, entry.currency, entry.default, low, high, exact)


# --- reading a response -------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise PricingError(f"the pricing body holds {name}, which is not a price")


def _load(body: str | bytes | bytearray | memoryview) -> Any:
    if isinstance(body, (bytes, bytearray, memoryview)):
        try:
            body = bytes(body).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PricingError(
                f"the pricing body is not UTF-8 text: {exc.reason} at byte {exc.start}"
            ) from None
    else:
        body = body.removeprefix("\ufeff")
    try:
        return json.loads(body, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise PricingError(
            f"the pricing body is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise PricingError(
            "the pricing body is not JSON a pricing response can be: nested too deep"
        ) from None


def _amount(value: object, where: str) -> Decimal:
    """A price (a decimal string, an int or a Decimal), checked: finite, not negative."""
    if value is None:
        raise PricingError(f"{where}: no price")
    if isinstance(value, float):
        raise PricingError(
            f"{where}: the price {value!r} is a float, which cannot hold most prices exactly; "
            "pass the raw body, or parse it with parse_float=decimal.Decimal"
        )
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise PricingError(f"{where}: the price must be a decimal number, not {type(value).__name__}")
    if isinstance(value, str):
        text = value.strip()
        if not _AMOUNT.fullmatch(text):
            raise PricingError(f"{where}: the price {shown(value)} is not a decimal number")
        amount = Decimal(text)
    else:
        amount = Decimal(value)
        value = str(value)
    if not amount.is_finite():
        raise PricingError(f"{where}: the price {shown(value)} is not a finite number")
    if amount < 0:
        raise PricingError(f"{where}: the price {shown(value)} is negative")
    return amount


def _text(entry: Mapping[str, Any], names: tuple[str, ...], where: str, *, required: bool) -> str | None:
    for name in names:
        value = entry.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise PricingError(f"{where}.{name}: must be a string, not {type(value).__name__}")
        text = str(value).strip()
        if text:
            return text
    if required:
        raise PricingError(f"{where}: no {names[0]}")
    return None


def _currency(entry: Mapping[str, Any], where: str, default: str | None = None) -> str:
    code = _text(entry, ("currency",), where, required=default is None)
    if code is None:
        assert default is not None
        return default
    if not (len(code) == 3 and code.isascii() and code.isalpha()):
        raise PricingError(f"{where}.currency: {shown(code)} is not an ISO 4217 currency code")
    return code.upper()


def _country_code(code: str, where: str) -> str:
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        raise PricingError(f"{where}: {shown(code)} is not an ISO 3166 alpha-2 country code")
    return code.upper()


def _prefix(entry: Mapping[str, Any], names: tuple[str, ...], where: str) -> str:
    prefix = _text(entry, names, where, required=False) or ""
    prefix = prefix.removeprefix("+")
    if prefix and not (prefix.isascii() and prefix.isdigit()):
        raise PricingError(f"{where}.{names[0]}: {shown(prefix)} is not a dialing code")
    return prefix


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PricingError(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise PricingError(f"{where}: expected a JSON array, got {type(value).__name__}")
    return value


def _v1_country(entry: object, where: str) -> CountryPrices:
    entry = _mapping(entry, where)
    code = _country_code(_text(entry, ("countryCode",), where, required=True) or "", f"{where}.countryCode")
    name = _text(entry, ("countryDisplayName", "countryName"), where, required=False) or code
    where = f"{where} ({code})"
    currency = _currency(entry, where)
    raw_networks = entry.get("networks")
    networks: list[NetworkPrice] = []
    if raw_networks is not None:
        for k, item in enumerate(_list(raw_networks, f"{where}.networks")):
            at = f"{where}.networks[{k}]"
            item = _mapping(item, at)
            price = _amount(item.get("price"), f"{at}.price")
            net_currency = _currency(item, at, default=currency)
            if net_currency != currency:
                raise PricingError(
                    f"mixed currencies: {at} is priced in {net_currency}, the country in {currency}"
                )
            mcc = _text(item, ("mcc",), at, required=False)
            mnc = _text(item, ("mnc",), at, required=False)
            network_code = _text(item, ("networkCode",), at, required=False)
            if network_code is None and mcc is not None and mnc is not None:
                network_code = mcc + mnc
            networks.append(
                NetworkPrice(
                    code=network_code,
                    name=_text(item, ("networkName",), at, required=False) or "",
                    type=_text(item, ("type",), at, required=False) or "",
                    price=price,
                    mcc=mcc,
                    mnc=mnc,
                )
            )
    if entry.get("defaultPrice") is None:
        if networks:
            raise PricingError(f"{where}: no defaultPrice, although {len(networks)} networks are priced")
        default = None
    else:
        default = _amount(entry.get("defaultPrice"), f"{where}.defaultPrice")
    return _country(code, name, _prefix(entry, ("dialingPrefix",), where), currency, default, networks)


def _country(
    code: str, name: str, prefix: str, currency: str, default: Decimal | None, networks: list[NetworkPrice]
) -> CountryPrices:
    by_code: dict[str, NetworkPrice] = {}
    for network in networks:
        for key in (
            network.code,
            (network.mcc or "") + (network.mnc or "") if network.mcc and network.mnc else None,
        ):
            if key is not None:
                by_code.setdefault(key, network)
    return CountryPrices(code, name, prefix, currency, default, MappingProxyType(by_code), tuple(networks))


def _v2_region(entry: Mapping[str, Any], prefix: str, name: str | None, where: str) -> str:
    """The ISO code of a v2 entry: its ``country_code``, else the one country of its
    dialing code, else the one of the countries sharing it whose English name matches."""
    code = _text(entry, ("country_code", "countryCode", "country"), where, required=False)
    if code is not None:
        return _country_code(code, f"{where}.country_code")
    if not prefix:
        raise PricingError(f"{where}: neither a country_code nor a dialing_prefix")
    import phonenumbers
    from phonenumbers import geocoder

    regions = [r for r in phonenumbers.region_codes_for_country_code(int(prefix)) if r != "001"]
    if len(regions) == 1:
        return regions[0]
    if name:
        wanted = name.casefold()
        for region in regions:
            example = phonenumbers.example_number(region)
            known = geocoder.country_name_for_number(example, "en").casefold() if example else ""
            if known and (
                known == wanted or wanted.startswith(known + " ") or known.startswith(wanted + " ")
            ):
                return region
    shared = ", ".join(regions) or "no country"
    raise PricingError(
        f"{where}: no country_code, and the dialing code +{prefix} is shared by {shared}: "
        f"cannot tell which one {shown(name)} is"
    )


def _v2_countries(entries: list[Any], where: str) -> list[CountryPrices]:
    grouped: dict[str, list[tuple[str, str, str, Decimal, str]]] = {}
    names: dict[str, str] = {}
    for k, entry in enumerate(entries):
        at = f"{where}[{k}]"
        entry = _mapping(entry, at)
        prefix = _prefix(entry, ("dialing_prefix", "dialingPrefix"), at)
        name = _text(entry, ("country_name", "countryName"), at, required=False)
        region = _v2_region(entry, prefix, name, at)
        at = f"{at} ({region})"
        kind = (_text(entry, ("dest_network_type",), at, required=False) or "ALL").upper()
        price = _amount(entry.get("price"), f"{at}.price")
        grouped.setdefault(region, []).append((kind, prefix, _currency(entry, at), price, at))
        names.setdefault(region, name or region)
    out = []
    for region, items in grouped.items():
        currencies = {item[2] for item in items}
        if len(currencies) > 1:
            raise PricingError(f"mixed currencies: {region} is priced in {', '.join(sorted(currencies))}")
        alls = {item[3] for item in items if item[0] == "ALL"}
        if len(alls) > 1:
            raise PricingError(
                f"{region}: two prices for dest_network_type ALL ({', '.join(map(str, alls))})"
            )
        # The ALL entry is the default; without one, the highest price (the most a part
        # to an unknown network can cost).
        default = alls.pop() if alls else max(item[3] for item in items)
        networks = [
            NetworkPrice(code=None, name=kind.lower(), type=kind.lower(), price=price)
            for kind, _prefix_, _cur, price, _at in items
            if kind != "ALL"
        ]
        prefix = next((item[1] for item in items if item[1]), "")
        out.append(_country(region, names[region], prefix, items[0][2], default, networks))
    return out


def _error_response(data: Mapping[str, Any]) -> str | None:
    """What a Vonage error body says, or None for anything else."""
    for title, detail in (
        ("error-code-label", "error-code"),
        ("error_title", "invalid_parameters"),
        ("title", "detail"),
    ):
        if title in data:
            extra = data.get(detail)
            return f"{data[title]}" + (f" ({shown(extra, 80)})" if extra is not None else "")
    return None


def _page(data: Any, where: str) -> list[CountryPrices]:
    data = _mapping(data, where)
    if "countries" in data:  # v1 full or prefix pricing
        countries = _list(data["countries"], f"{where}.countries")
        count = data.get("count")
        if count is not None:
            try:
                expected = int(str(count).strip())
            except ValueError:
                raise PricingError(f"{where}.count: {shown(count)} is not a number") from None
            if expected != len(countries):
                raise PricingError(
                    f"{where}: count says {expected} countries, the body lists {len(countries)} "
                    "(a truncated download?)"
                )
        return [_v1_country(entry, f"{where}.countries[{k}]") for k, entry in enumerate(countries)]
    if "_embedded" in data:  # v2, one page
        embedded = _mapping(data["_embedded"], f"{where}._embedded")
        if "countries" not in embedded:
            raise PricingError(f"{where}._embedded: no countries")
        return _v2_countries(
            _list(embedded["countries"], f"{where}._embedded.countries"), f"{where}._embedded.countries"
        )
    if "countryCode" in data:  # v1, one country
        return [_v1_country(data, where)]
    error = _error_response(data)
    if error is not None:
        raise PricingError(f"the body is a Vonage error response, not prices: {error}")
    keys = ", ".join(sorted(map(str, data))[:8]) or "none"
    raise PricingError(
        f"{where}: not a Vonage Pricing API response (expected countries, _embedded or "
        f"countryCode; its keys: {keys})"
    )


def parse_vonage_pricing(body: str | bytes | Mapping[str, Any] | list[Any]) -> PriceTable:
    """Read a Vonage Pricing API response into a :class:`PriceTable`.

    Args:
        body: the response's JSON text (``str`` or UTF-8 ``bytes``), or its decoded
            object.  One country (v1 ``get-pricing/outbound/sms``), every country (v1
            ``get-full-pricing/outbound/sms``, or ``get-prefix-pricing``), a page of the v2
            ``/v2/account/pricing/sms-outbound``, or a JSON array of such responses (read
            as their union; decoded, a list of them).  In a decoded object prices must be
            strings, ints or Decimals: a float cannot hold most prices exactly.

    Returns:
        The table; every price a :class:`~decimal.Decimal` read from the text as written.

    Raises:
        TypeError: ``body`` is of another type.
        PricingError: text that is not JSON, a Vonage error response, a shape none of the
            above, a missing field (a country code, a currency, a network's price, the
            default price of a country whose networks are priced), a price that is not a
            finite, non-negative decimal number, mixed currencies, a ``count`` that is not
            the number of countries listed, or a country listed twice with different
            prices.  The message names where (``countries[3] (IT).networks[2].price``).
    """
    if isinstance(body, (str, bytes, bytearray, memoryview)):
        data = _load(body)
    elif isinstance(body, (Mapping, list)):
        data = body
    else:
        raise TypeError(f"body must be str, bytes or a mapping, not {type(body).__name__}")
    if isinstance(data, list):
        if not data:
            raise PricingError("the pricing body is an empty array")
        countries = [entry for k, page in enumerate(data) for entry in _page(page, f"[{k}]")]
    else:
        countries = _page(data, "body")
    return PriceTable(countries)


# --- numbers to countries -----------------------------------------------------------------


def country_of(number: str) -> str:
    """The ISO 3166 alpha-2 code of the country ``number`` is in.

    ``number`` is in international form: ``"+447700900123"``, ``"447700900123"`` (as
    Vonage writes it) or ``"0044 7700 900123"``; spaces, dashes, dots, slashes and
    parentheses are ignored.  The country is libphonenumber's; a number it cannot place
    (a reserved drama range, an unassigned block) is in the main country of its dialing
    code (``"447700900000"`` is GB, ``"+1 555 0100"`` US).  Non-geographic dialing codes
    (+800, +882...) give ``"001"``.

    >>> from smscodec.pricing import country_of
    >>> country_of("+1 604 555 0123"), country_of("+1 876 555 0123"), country_of("77012345678")
    ('CA', 'JM', 'KZ')

    Raises:
        TypeError: ``number`` is not a str.
        PricingError: not a phone number (letters, a national number starting with 0, no
            known dialing code, too short or too long).
    """
    if not isinstance(number, str):
        raise TypeError(f"number must be a str, not {type(number).__name__}")
    return _numbers.lookup()(number)  # type: ignore[no-any-return]


def _missing(value: object) -> bool:
    # None, NaN (float or numpy), pandas NA / NaT.
    return value is None or value != value or type(value).__name__ in ("NAType", "NaTType")


def _number_text(value: object, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError(f"{where} must be a str (a phone number), not bool")
    if isinstance(value, int) or (type(value).__module__ == "numpy" and hasattr(value, "__index__")):
        return str(int(value))
    if isinstance(value, float) and value.is_integer() and 0 < value < 2**53:
        return str(int(value))  # a numeric column with gaps (pandas makes it float): exact below 2**53
    raise TypeError(f"{where} must be a str (a phone number), not {type(value).__name__}")


def _values(column: Any) -> list[Any]:
    if _columns.family(column) is not None:
        if hasattr(column, "columns"):
            raise TypeError("to must be one column (a Series), not a DataFrame")
        if type(column).__module__.startswith("pandas") and hasattr(column, "to_numpy"):
            return list(column.to_numpy(dtype=object).tolist())
        convert = (
            getattr(column, "to_pylist", None)
            or getattr(column, "to_list", None)
            or getattr(column, "tolist", None)
        )
        if convert is not None:
            return list(convert())
    return list(column)


def countries_of(numbers: Iterable[object]) -> list[str | None]:
    """The country of every number (as :func:`country_of`); None for a missing one.

    ``numbers`` is an iterable or a column (numpy, pandas, pyarrow, polars); a number may
    also be an int (``447700900123``).  A missing value (None, NaN, pandas NA, an Arrow
    null) gives None.

    Raises:
        TypeError: a value that is neither a str, an int nor missing (naming its index).
        PricingError: a value that is no phone number, naming its index (``to[7]: ...``).
    """
    return _places(numbers, lenient=False)[0]


def _places(numbers: Iterable[object], *, lenient: bool) -> tuple[list[str | None], dict[int, str]]:
    """:func:`countries_of`, and with ``lenient`` a value that is no phone number gives
    None too, its index and the reason in the dict instead of the PricingError."""
    if isinstance(numbers, str):
        raise TypeError("numbers must be an iterable of phone numbers, not one str")
    invalid: dict[int, str] = {}
    if _columns.family(numbers) == "pyarrow":
        found = _arrow_countries(numbers, invalid if lenient else None)
        if found is not None:
            return found, invalid
    out: list[str | None] = []
    append = out.append
    lookup = _numbers.lookup()
    for index, value in enumerate(_values(numbers)):
        try:
            if type(value) is str:
                append(lookup(value))
            elif _missing(value):
                append(None)
            else:
                append(lookup(_number_text(value, f"to[{index}]")))
        except PricingError as exc:
            if not lenient:
                raise PricingError(f"to[{index}]: {exc}") from None
            invalid[index] = str(exc)
            append(None)
    return out, invalid


def _arrow_countries(column: Any, invalid: dict[int, str] | None = None) -> list[str | None] | None:
    """:func:`countries_of` for a pyarrow Array or ChunkedArray of strings or integers, a
    column at a time over its distinct values; None for another type (then value by value).
    With ``invalid`` (a dict), a value that is no phone number gives None, and its indices
    and reason go into ``invalid``, instead of the PricingError."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not isinstance(column, pa.Array):
        return None
    kind = column.type
    if pa.types.is_dictionary(kind):
        column, kind = column.dictionary_decode(), kind.value_type
    if pa.types.is_integer(kind):
        column = pc.cast(column, pa.string())
    elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return None
    encoded = column.dictionary_encode()
    codes, names, errors = _numbers.regions_arrow(encoded.dictionary)
    if errors and invalid is None:
        # The first row holding a bad value, and that value's error.
        first = min((pc.index(encoded.indices, k).as_py(), k) for k in errors)
        raise PricingError(f"to[{first[0]}]: {errors[first[1]]}")
    regions: list[str | None] = [None if code < 0 else names[code] for code in codes.tolist()]
    if errors and invalid is not None:
        # Every row holding one of the bad values, in one pass over the indices.
        indices = encoded.indices
        bad = _pyarrow_arrays.from_numpy(list(errors), indices.type)
        rows = pc.indices_nonzero(pc.is_in(indices, value_set=bad))  # a null is in no set
        for row, k in zip(rows.to_pylist(), pc.take(indices, rows).to_pylist(), strict=True):
            invalid[row] = str(errors[k])
    return pc.take(_pyarrow_arrays.strings(regions), encoded.indices).to_pylist()  # type: ignore[no-any-return]


# --- estimates ----------------------------------------------------------------------------


class CountryCost(NamedTuple):
    """What the messages to one country cost.

    Attributes:
        messages: messages to the country.
        parts: their parts.
        cost: what they cost (a Decimal), or None when the table does not price the country.
    """

    messages: int
    parts: int
    cost: Decimal | None


@dataclass(frozen=True)
class CostEstimate:
    """What a campaign costs, by destination (from :func:`estimate`).

    Attributes:
        total: the cost of every priced message (default prices, or the exact network
            prices where ``networks`` names them).
        low: the same messages at the lowest price of their country (exact where known).
        high: at the highest.
        currency: the table's currency (None for an empty table).
        messages: messages estimated.
        parts: parts of all of them, the unpriced included.
        per_message: each message's cost, None for an unpriced one.
        unpriced: the indices of the messages not priced (no destination, or a country the
            table does not list or lists without a price), never counted as 0 in the totals.
        by_country: country -> :class:`CountryCost` (messages, parts, cost), the unpriced
            countries included (``cost`` None), in order of first appearance.
        invalid: with ``invalid="unpriced"``, index -> why its destination is no phone
            number (such messages are in ``unpriced`` too); empty otherwise.
    """

    total: Decimal
    low: Decimal
    high: Decimal
    currency: str | None
    messages: int
    parts: int
    per_message: tuple[Decimal | None, ...]
    unpriced: tuple[int, ...]
    by_country: Mapping[str, CountryCost]
    invalid: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def complete(self) -> bool:
        """Whether every message is priced."""
        return not self.unpriced


def _parts(texts: Any, options: dict[str, Any]) -> list[int]:
    plan = _plan_of(**options)  # check the options once, whatever the texts
    kind = _columns.family(texts)
    if kind is not None:
        return list(_columns.counts(texts, kind, plan, lambda text: count_segments(text, **options)))
    out = []
    for index, text in enumerate(texts):
        try:
            out.append(count_segments(text, **options))
        except SmsCodecError as exc:
            exc.args = (f"texts[{index}]: {exc}",)
            raise
        except TypeError as exc:
            raise TypeError(f"texts[{index}]: {exc}") from None
    return out


def estimate(
    texts: str | Iterable[str],
    to: str | Iterable[object],
    prices: PriceTable,
    *,
    networks: Iterable[str | None] | None = None,
    encoding: str = "auto",
    udh: bytes = b"",
    reference_bits: int = 8,
    smart: bool | Mapping[str, str] = False,
    languages: Iterable[str | int] = (),
    policy: str | SplitPolicy = "3gpp",
    invalid: Literal["raise", "unpriced"] = "raise",
) -> CostEstimate:
    """What sending ``texts[i]`` to ``to[i]`` costs, message by message and by country.

    Args:
        texts: the messages: one text, an iterable of texts, or a column (counted by the
            batch kernels; a missing value is 0 parts, as in :mod:`smscodec.batch`).
        to: their destinations, as many: phone numbers in international form (see
            :func:`country_of`), or a column of them; a missing one leaves the message
            unpriced.
        prices: the price table (:func:`parse_vonage_pricing`).
        networks: each message's network (MCCMNC, or None when unknown), to price it at
            that network's exact price where the table lists it.
        encoding, udh, reference_bits, smart, languages: the segment options, as for
            :func:`smscodec.analyze`.
        policy: how the route splits, and so bills (:mod:`smscodec.policies`).
        invalid: what a destination that is no phone number does: ``"raise"`` (the
            PricingError naming its index) or ``"unpriced"`` (the message is listed in
            ``unpriced``, and in ``invalid`` with the reason: one typing error in an export
            of a million rows need not stop the estimate).

    Returns:
        A :class:`CostEstimate`: ``total`` is exactly ``sum(count_segments(text) * price)``
        over the priced messages.

    Raises:
        TypeError: an argument of the wrong type, a text that is not a str, a number that
            is neither a str nor an int (naming its index).
        ArgumentError: ``texts``, ``to`` and ``networks`` of different lengths; a bad
            segment option.
        PricingError: a number that is no phone number, naming its index (``to[7]``),
            unless ``invalid="unpriced"``.
        EncodingError, UdhError: as for :func:`smscodec.analyze`, naming the index.
    """
    if not isinstance(prices, PriceTable):
        raise TypeError(f"prices must be a PriceTable, not {type(prices).__name__}")
    if invalid not in ("raise", "unpriced"):
        raise ArgumentError(f"invalid must be 'raise' or 'unpriced', got {invalid!r}", argument="invalid")
    options = {
        "encoding": encoding,
        "udh": udh,
        "reference_bits": reference_bits,
        "smart": smart,
        "languages": languages,
        "policy": policy,
    }
    if isinstance(texts, str):
        texts = (texts,)
    if isinstance(to, str):
        to = (to,)
    for name, given in (("texts", texts), ("to", to)):
        if not isinstance(given, Iterable) and _columns.family(given) is None:
            raise TypeError(f"{name} must be an iterable or a column, not {type(given).__name__}")
    parts = _parts(texts, options)
    places, bad = _places(to, lenient=invalid == "unpriced")
    if len(places) != len(parts):
        raise ArgumentError(
            f"to holds {len(places)} numbers for {len(parts)} texts: one destination per message",
            argument="to",
        )
    nets: list[Any] = [None] * len(parts)
    if networks is not None:
        if isinstance(networks, str):
            raise TypeError("networks must be an iterable of MCCMNC strings (or None), not one str")
        nets = _values(networks)
        if len(nets) != len(parts):
            raise ArgumentError(
                f"networks holds {len(nets)} values for {len(parts)} texts", argument="networks"
            )
        for index, net in enumerate(nets):
            if net is not None and not isinstance(net, str) and not _missing(net):
                raise TypeError(f"networks[{index}] must be a str or None, not {type(net).__name__}")
    table = prices.countries
    # (country, network) -> (price, low, high) of one part, None when unpriced.
    rates: dict[tuple[str, Any], tuple[Decimal, Decimal, Decimal] | None] = {}
    per_message: list[Decimal | None] = []
    unpriced: list[int] = []
    # country -> [messages, parts, {price: parts}]: each sum is one product per price.
    tally: dict[str, list[Any]] = {}
    low_parts: dict[Decimal, int] = {}
    high_parts: dict[Decimal, int] = {}
    costs: dict[tuple[Decimal, int], Decimal] = {}
    for index, (count, country, net) in enumerate(zip(parts, places, nets, strict=True)):
        if country is None:
            unpriced.append(index)
            per_message.append(None)
            continue
        key = (country, net if isinstance(net, str) else None)
        rate = rates.get(key, ...)
        if rate is ...:
            entry = table.get(country)
            if entry is None or entry.default is None:
                rate = None
            else:
                exact = None if key[1] is None else entry.networks.get(key[1].strip())
                if exact is not None:
                    rate = (exact.price, exact.price, exact.price)
                else:
                    assert entry.low is not None
                    assert entry.high is not None
                    rate = (entry.default, entry.low, entry.high)
            rates[key] = rate
        row = tally.get(country)
        if row is None:
            row = tally[country] = [0, 0, {}]
        row[0] += 1
        row[1] += count
        if rate is None:
            unpriced.append(index)
            per_message.append(None)
            continue
        price, low, high = rate
        row[2][price] = row[2].get(price, 0) + count
        low_parts[low] = low_parts.get(low, 0) + count
        high_parts[high] = high_parts.get(high, 0) + count
        cost = costs.get((price, count))
        if cost is None:
            cost = costs[(price, count)] = _EXACT.multiply(price, count)
        per_message.append(cost)

    def value(weights: dict[Decimal, int]) -> Decimal:
        total = Decimal(0)
        for price, count in weights.items():
            total = _EXACT.add(total, _EXACT.multiply(price, count))
        return total

    by_country = {}
    for country, (messages, count, weights) in tally.items():
        entry = table.get(country)
        priced = entry is not None and entry.default is not None
        by_country[country] = CountryCost(messages, count, value(weights) if priced else None)
    totals = [value(row[2]) for row in tally.values()]
    total = Decimal(0)
    for amount in totals:
        total = _EXACT.add(total, amount)
    return CostEstimate(
        total=total,
        low=value(low_parts),
        high=value(high_parts),
        currency=prices.currency,
        messages=len(parts),
        parts=sum(parts),
        per_message=tuple(per_message),
        unpriced=tuple(unpriced),
        by_country=MappingProxyType(by_country),
        invalid=MappingProxyType(dict(sorted(bad.items()))),
    )
