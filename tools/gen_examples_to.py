"""Generate ``examples/messages_to.csv``: ``examples/messages.csv`` with a destination per message.

The same rows (``id``, ``kind``, ``text``) and one more column, ``to``: a phone number in
international form, in a country that fits the message's language, so that
``smscodec analyze examples/messages_to.csv --prices examples/pricing.json --to-column to``
shows a campaign priced by destination.  Where a country reserves numbers for fiction
they are used (UK Ofcom 07700 900000-900999, North American 555-0100-0199, Australian ACMA
0491 570 xxx, French ARCEP 06 39 98 xx xx); elsewhere the numbers are valid mobile numbers
made from libphonenumber's example number of the country (no real subscriber is
implied).  A few go to Jersey (a country ``examples/pricing.json`` does not price) and to
the Vatican (which it lists without a price, as Vonage does), so the report shows
unpriced messages too.  Most are written as Vonage writes them (digits, no ``+``); a few
in other forms (``+44 7700 900123``, ``0049...``).  Seeded, so the file is reproducible:

    python tools/gen_examples_to.py
"""

from __future__ import annotations

import csv
import pathlib
import random

import phonenumbers

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / "examples" / "messages.csv"
TARGET = ROOT / "examples" / "messages_to.csv"
SEED = 4477009  # the UK drama range, for luck

# Destination countries by message kind (see tools/gen_examples.py), with weights.
COUNTRIES: dict[str, list[tuple[str, int]]] = {
    "en": [("GB", 40), ("US", 30), ("CA", 10), ("AU", 8), ("JM", 3), ("JE", 2), ("IE", 7)],
    "ext": [("DE", 4), ("FR", 3), ("NL", 2), ("IE", 1)],
    "latin_gsm": [("ES", 3), ("DE", 3), ("FR", 3), ("SE", 2)],
    "latin_ucs2": [("PT", 3), ("PL", 3), ("CZ", 2), ("TR", 2)],
    "smart": [("GB", 2), ("US", 2), ("CA", 1)],
    "emoji": [("US", 3), ("GB", 2), ("AU", 1)],
    "cyrillic": [("RU", 3), ("KZ", 1)],
    "cjk": [("JP", 1), ("CN", 1)],
    "hindi": [("IN", 1)],
    "greek": [("GR", 1)],
}


def fictional(region: str, rng: random.Random) -> str | None:
    """A number from a range the country reserves for fiction, as E.164 digits."""
    if region == "GB":
        return f"447700900{rng.randrange(1000):03d}"  # Ofcom: 07700 900000-900999
    if region == "US":
        return f"1{rng.choice(['202', '312', '415', '646'])}5550{rng.randrange(100, 200):03d}"
    if region == "CA":
        return f"1{rng.choice(['416', '604', '514'])}5550{rng.randrange(100, 200):03d}"
    if region == "AU":
        return f"61491570{rng.randrange(1000):03d}"  # ACMA: 0491 570 000-999
    if region == "FR":
        return f"3363998{rng.randrange(10000):04d}"  # ARCEP: 06 39 98 00 00-99 99
    return None


def made_up(region: str, rng: random.Random) -> str:
    """A valid mobile number of ``region``: its example number with new last digits."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None, region
    national = str(example.national_number)
    for _ in range(1000):
        candidate = national[:-4] + f"{rng.randrange(10000):04d}"
        number = phonenumbers.PhoneNumber(country_code=example.country_code, national_number=int(candidate))
        if phonenumbers.is_valid_number_for_region(number, region):
            return f"{example.country_code}{candidate}"
    raise AssertionError(f"no valid number found for {region}")


def written(digits: str, rng: random.Random) -> str:
    """Mostly as Vonage writes numbers (digits only); sometimes as people do."""
    roll = rng.random()
    if roll < 0.85:
        return digits
    number = phonenumbers.parse("+" + digits, None)
    if roll < 0.95:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return "00" + digits


def main() -> None:
    rng = random.Random(SEED)
    with SOURCE.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    out = []
    for index, row in enumerate(rows):
        choices = COUNTRIES[row["kind"]]
        region = rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]
        if index % 997 == 500:
            region = "VA"  # listed without a price
        if region == "VA":
            digits = f"3906698{rng.randrange(10000):04d}"
        elif region == "JE":
            digits = f"447797{rng.randrange(1000000):06d}"
        else:
            digits = fictional(region, rng) or made_up(region, rng)
        out.append({"id": row["id"], "kind": row["kind"], "to": written(digits, rng), "text": row["text"]})
    with TARGET.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=["id", "kind", "to", "text"])
        writer.writeheader()
        writer.writerows(out)
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(out)} messages")


if __name__ == "__main__":
    main()
