"""Phone numbers to countries, as libphonenumber places them: the engine of
:func:`smscodec.pricing.country_of` and :func:`smscodec.pricing.countries_of`.

Theory of operation
-------------------
The country of a number is ``phonenumbers.region_code_for_number(parse("+" + digits))``,
or, for a number the library cannot place, the main region of its dialing code
(``region_code_for_country_code``).  Computed here without parsing each number:

* E.164 dialing codes are prefix-free and 1-3 digits long (ITU-T E.164 §6.2.1), so the
  first three digits of a number name its code: one dictionary from every such prefix.
* A code of one region (most of them) needs nothing more: ``region_code_for_number``
  returns that region without looking at the rest.
* A code shared by several regions (+1, +7, +39, +44, +47, +61, +212, +262, +290, +358,
  +590, +599) is decided as ``region_code_for_number`` decides it: the regions in the
  library's order, a region with leading digits chosen when the national number starts
  with them, one without when the number matches its general pattern and one of its type
  patterns (``_number_type_helper(...) != UNKNOWN``).  The patterns come from the
  library's own metadata, merged per region and per length of the national number.  The
  first region (the main one) is also the fallback, so a number the others do not claim
  is in it whether its own pattern matches or not.
* A national number that starts like the main region's national prefix (parse() would
  strip it) is left to ``phonenumbers.parse`` itself.

A pyarrow column goes through the same steps a column at a time (pyarrow.compute: RE2
regular expressions, which libphonenumber's patterns are written for), over its distinct
values; anything unusual (separators, a bad number) falls back to the value-by-value path.
The tests compare both paths with phonenumbers itself, number by number.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ._pyarrow_arrays import from_numpy, numpy_of, strings
from .errors import PricingError, shown

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["lookup", "places", "regions_arrow"]

# What a written phone number may hold besides its digits and a leading "+".
_SEPARATORS = str.maketrans("", "", " \t\u00a0\u2009\u202f-./()")
# ITU-T E.164 §6 via libphonenumber: a national significant number has 2-17 digits.
_MIN_NSN = 2
_MAX_NSN = 17
# The type descriptions _number_type_helper tries, in its order (mobile only when it
# differs from fixed_line).
_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
)


# A pattern whose branches are regions, and each branch's group name -> its region.
_Choice = tuple[re.Pattern[str], dict[str, str]] | None


def _type_parts(meta: Any, length: int) -> tuple[str, str] | None:
    """``_number_type_helper(number, meta) != UNKNOWN`` for national numbers of ``length``
    digits, as two patterns that must both match the whole number: the general
    description's, and the union of the type descriptions' that allow that length.  None
    when no number of that length can be of a known type."""
    general = meta.general_desc
    if general is None or not general.national_number_pattern:
        return None
    if general.possible_length and length not in general.possible_length:
        return None
    names = list(_TYPES)
    if not meta.same_mobile_and_fixed_line_pattern:
        names.append("mobile")
    branches = []
    for name in names:
        desc = getattr(meta, name)
        if desc is None or not desc.national_number_pattern:
            continue
        if desc.possible_length and length not in desc.possible_length:
            continue
        branches.append(f"(?:{desc.national_number_pattern})")
    if not branches:
        return None
    return general.national_number_pattern, "|".join(branches)


class _Shared:
    """How ``region_code_for_number`` picks among the regions sharing one dialing code
    (see the module docstring), per length of the national number: for Python's ``re``
    every region but the main one is a named branch of one pattern (the first branch
    that matches is the first region that would, ``lastgroup`` names it); for a pyarrow
    column each region is a list of RE2 patterns that must all match."""

    def __init__(self, code: int, regions: tuple[str, ...]) -> None:
        from phonenumbers import PhoneMetadata

        self.code = code
        self.regions = [
            (region, meta)
            for region in regions
            if (meta := PhoneMetadata.metadata_for_region(region.upper(), None)) is not None
        ]
        self.fallback = regions[0]  # region_code_for_country_code
        self.plans: dict[int, tuple[str | None, re.Pattern[str] | None, _Choice]] = {}
        self.arrow_plans: dict[int, tuple[list[str] | None, list[tuple[str, list[str]]]]] = {}
        # parse() strips the main region's national prefix from the national number when
        # what is left is a possible number: such numbers go to parse() itself.
        main = self.regions[0][1] if self.regions else None
        prefix = None if main is None else main.national_prefix_for_parsing
        self.national_prefix: str | None = prefix or None
        self.prefix_pattern = re.compile(prefix) if prefix else None
        # Its literal beginnings ("1", "0|180020"), for a quick str.startswith first; ""
        # (any number) when the pattern is no list of digit strings.
        literal = prefix is not None and re.fullmatch(r"\d+(?:\|\d+)*", prefix)
        self.starts: tuple[str, ...] = tuple(prefix.split("|")) if literal and prefix else ("",)

    def _main_first(self) -> bool:
        # The main region is tried on its own first when it has no leading digits.
        return bool(self.regions) and self.regions[0][1].leading_digits is None

    # --- one number (Python's re) -----------------------------------------------------

    def region(self, digits: str, nsn: str) -> str:
        if nsn.startswith(self.starts) and self.prefix_pattern is not None and self.prefix_pattern.match(nsn):
            return self.parsed(digits)
        plan = self.plans.get(len(nsn))
        if plan is None:
            plan = self.plans[len(nsn)] = self._plan(len(nsn))
        main, main_pattern, others = plan
        if main_pattern is not None and main_pattern.match(nsn):
            return main  # type: ignore[return-value]
        found = None if others is None else others[0].match(nsn)
        if found is None:
            return self.fallback
        return others[1][found.lastgroup]  # type: ignore[index]

    def parsed(self, digits: str) -> str:
        """What phonenumbers itself says (numbers whose national prefix parse() strips)."""
        import phonenumbers

        found = phonenumbers.region_code_for_number(phonenumbers.parse("+" + digits, None))
        return found or self.fallback

    def _plan(self, length: int) -> tuple[str | None, re.Pattern[str] | None, _Choice]:
        regions = self.regions
        main, main_pattern = None, None
        if self._main_first():
            main, meta = regions[0]
            parts = _type_parts(meta, length)
            main_pattern = re.compile(r"(?!)" if parts is None else f"(?=(?:{parts[0]})\\Z)(?:{parts[1]})\\Z")
            regions = regions[1:]
        branches, names = [], {}
        for k, (region, meta) in enumerate(regions):
            if meta.leading_digits is not None:
                body = f"(?:{meta.leading_digits})"  # a prefix: re.match
            else:
                parts = _type_parts(meta, length)
                if parts is None:
                    continue
                body = f"(?=(?:{parts[0]})\\Z)(?:{parts[1]})\\Z"  # the whole number
            branches.append(f"(?P<r{k}>{body})")
            names[f"r{k}"] = region
        others = (re.compile("|".join(branches)), names) if branches else None
        return main, main_pattern, others

    # --- a column (pyarrow.compute, RE2) ----------------------------------------------

    def _arrow_plan(self, length: int) -> tuple[list[str] | None, list[tuple[str, list[str]]]]:
        plan = self.arrow_plans.get(length)
        if plan is not None:
            return plan
        regions = self.regions
        main: list[str] | None = None
        if self._main_first():
            parts = _type_parts(regions[0][1], length)
            main = [] if parts is None else [f"^(?:{parts[0]})$", f"^(?:{parts[1]})$"]
            regions = regions[1:]
        others = []
        for region, meta in regions:
            if meta.leading_digits is not None:
                others.append((region, [f"^(?:{meta.leading_digits})"]))
            elif (parts := _type_parts(meta, length)) is not None:
                others.append((region, [f"^(?:{parts[0]})$", f"^(?:{parts[1]})$"]))
        plan = self.arrow_plans[length] = (main, others)
        return plan

    def regions_arrow(self, digits: Any, nsn: Any, code_of: Any) -> npt.NDArray[np.int32]:
        """The regions of national numbers ``nsn`` (a pyarrow string array; ``digits``:
        the whole numbers), as :meth:`region` gives them one by one: each region's
        number, ``code_of(region)``, in a numpy array."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        out = np.full(len(nsn), code_of(self.fallback), dtype=np.int32)
        if self.national_prefix is not None:
            parse = pc.match_substring_regex(nsn, f"^(?:{self.national_prefix})")
            for i in pc.indices_nonzero(parse).to_pylist():
                out[i] = code_of(self.parsed(digits[i].as_py()))
            keep = numpy_of(pc.indices_nonzero(pc.invert(parse)))
        else:
            keep = np.arange(len(nsn), dtype=np.uint64)
        lengths = numpy_of(pc.utf8_length(pc.take(nsn, from_numpy(keep, pa.uint64()))))
        for length in np.unique(lengths).tolist():
            rows = keep[lengths == length]
            values = pc.take(nsn, from_numpy(rows, pa.uint64()))
            main, others = self._arrow_plan(length)
            if main is not None:
                # The main region's numbers are settled: the others are not tried on them.
                claimed = _all_match(values, main) if main else None
                if claimed is not None:
                    rest = ~numpy_of(claimed)
                    rows = rows[rest]
                    values = pc.filter(values, from_numpy(rest, pa.bool_()))
            if not others or not len(values):
                continue
            # The first region that claims a number has it: the regions in order, each tried
            # on the numbers no region before it claimed (the RE2 passes are most of the
            # cost, and a main region's neighbours, such as CA among +1's 25, claim early).
            for region, patterns in others:
                if not len(values):
                    break
                claimed = numpy_of(_all_match(values, patterns))
                if claimed.any():
                    out[rows[claimed]] = code_of(region)
                    rest = ~claimed
                    rows = rows[rest]
                    values = pc.filter(values, from_numpy(rest, pa.bool_()))
        return out


def _all_match(values: Any, patterns: list[str]) -> Any:
    import pyarrow.compute as pc

    mask = pc.match_substring_regex(values, patterns[0])
    for pattern in patterns[1:]:
        mask = pc.and_(mask, pc.match_substring_regex(values, pattern))
    return mask


class _Places:
    """Numbers -> regions, from phonenumbers' dialing codes (built on first use).

    E.164 dialing codes are prefix-free and 1-3 digits long (ITU-T E.164 §6.2.1), so the
    first three digits of a number name its code: one dictionary, from every three-digit
    prefix of a known code to the code's length, its regions and (for a code shared by
    several regions) how to choose among them.
    """

    def __init__(self) -> None:
        import phonenumbers

        self.by_prefix: dict[str, tuple[int, str, _Shared | None]] = {}
        for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
            text = str(code)
            chooser = _Shared(code, tuple(regions)) if len(regions) > 1 else None
            entry = (len(text), regions[0], chooser)
            # Every prefix of up to three digits that starts with the code (a number of
            # fewer than three digits is too short anyway, but names its code).
            for width in range(4 - len(text)):
                for tail in range(10**width):
                    self.by_prefix[text + (f"{tail:0{width}d}" if width else "")] = entry
        # Numbers met before (a campaign often repeats its recipients).  A plain dict,
        # emptied when full: a miss costs a tenth of an LRU cache's.
        self.seen: dict[str, str] = {}
        # The regions met by regions_arrow, numbered in the order met.
        self.names: list[str] = []
        self.numbers: dict[str, int] = {}
        self._arrow: Any = None  # the prefix table as pyarrow arrays, on first use

    def region(self, number: str) -> str:
        """The region of ``number`` (see :func:`country_of`)."""
        found = self.seen.get(number)
        if found is not None:
            return found
        if number.isascii() and number.isdigit() and number[:1] != "0":
            digits = number
        elif number[:1] == "+" and number.isascii() and number[1:].isdigit():
            digits = number[1:]
        else:
            digits = _digits(number)
        entry = self.by_prefix.get(digits[:3])
        if entry is None:
            if not digits:
                raise PricingError(f"{shown(number)} is not a phone number: no digits")
            raise PricingError(f"no country has the dialing code of +{digits} ({digits[:3]}...)")
        width, found, chooser = entry
        size = len(digits) - width
        if not _MIN_NSN <= size <= _MAX_NSN:
            what = "too short" if size < _MIN_NSN else "too long"
            raise PricingError(f"+{digits} is {what} to be a phone number of +{digits[:width]}")
        if chooser is not None:
            found = chooser.region(digits, digits[width:]) or found
        seen = self.seen
        if len(seen) >= _SEEN_MAX:
            seen.clear()
        seen[number] = found
        return found

    def code(self, region: str) -> int:
        """The number of ``region`` in :attr:`names` (given on first use)."""
        number = self.numbers.get(region)
        if number is None:
            number = self.numbers[region] = len(self.names)
            self.names.append(region)
        return number

    def regions_arrow(self, values: Any) -> tuple[npt.NDArray[np.int32], dict[int, PricingError]]:
        """The region of every value of a pyarrow string array without nulls, a column
        at a time: the number of each value's region in :attr:`names` (-1 for a value
        that is no phone number), and for each such value the PricingError that
        :meth:`region` raises for it."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        if self._arrow is None:
            entries = list(dict.fromkeys(self.by_prefix.values()))
            number = {entry: k for k, entry in enumerate(entries)}
            self._arrow = (
                strings(list(self.by_prefix)),
                from_numpy([number[e] for e in self.by_prefix.values()], pa.int32()),
                np.array([e[0] for e in entries], dtype=np.int64),
                np.array([self.code(e[1]) for e in entries], dtype=np.int32),
                np.array([e[2] is not None for e in entries], dtype=bool),
                entries,
            )
        keys, key_entry, widths, mains, shared, entries = self._arrow
        values = values.cast(pa.string())
        # The plain forms ("447700900123", "+447700900123"); anything else goes one by one.
        # (What the pattern ^\+?[1-9][0-9]*$ says, without a regular expression pass.)
        has_plus = pc.any(pc.starts_with(values, pattern="+")).as_py()
        digits = pc.replace_substring_regex(values, r"^\+", "") if has_plus else values
        plain = numpy_of(pc.ascii_is_decimal(digits)) & ~numpy_of(pc.starts_with(digits, pattern="0"))
        found = pc.index_in(pc.utf8_slice_codeunits(digits, 0, 3), value_set=keys)
        entry = numpy_of(pc.take(key_entry, found), null=-1)
        known = entry >= 0
        size = numpy_of(pc.utf8_length(digits)).astype(np.int64) - widths[entry]
        ok = plain & known & (size >= _MIN_NSN) & (size <= _MAX_NSN)
        codes = np.where(ok, mains[entry], -1).astype(np.int32)
        errors: dict[int, PricingError] = {}
        for i in np.flatnonzero(~ok).tolist():
            try:
                codes[i] = self.code(self.region(values[i].as_py()))
            except PricingError as exc:
                errors[i] = exc
        chosen = ok & shared[entry]
        if chosen.any():
            rows = np.flatnonzero(chosen)
            chosen_entries = entry[rows]
            for k in np.unique(chosen_entries).tolist():
                width, _, chooser = entries[k]
                assert chooser is not None
                these = rows[chosen_entries == k]
                whole = pc.take(digits, from_numpy(these, pa.int64()))
                codes[these] = chooser.regions_arrow(whole, pc.utf8_slice_codeunits(whole, width), self.code)
        return codes, errors


_places: _Places | None = None
_SEEN_MAX = 1 << 18


def _digits(number: str) -> str:
    """The digits of an international number written with separators, "+" or "00"."""
    text = number.strip().translate(_SEPARATORS)
    if text.startswith("+"):
        text = text[1:]
    elif text.startswith("00"):
        text = text[2:]
    if not (text.isascii() and text.isdigit()) and text:
        raise PricingError(f"{shown(number)} is not a phone number (only digits, after an optional + or 00)")
    if text.startswith("0"):
        raise PricingError(
            f"{shown(number)} is not in international form: give its dialing code (+44 7700 ..., 447700...)"
        )
    return text


def places() -> _Places:
    """The number -> region tables (phonenumbers' are read on first use)."""
    global _places
    if _places is None:
        _places = _Places()
    return _places


def lookup() -> Any:
    """The number -> region function: ``lookup()(number)`` is :func:`smscodec.pricing.country_of`'s answer."""
    return places().region


def regions_arrow(values: Any) -> tuple[npt.NDArray[np.int32], list[str], dict[int, PricingError]]:
    """The regions of a pyarrow string array without nulls (see
    :meth:`_Places.regions_arrow`): each value's region number, the regions by number,
    and the PricingError of each value that is no phone number (number -1)."""
    found = places()
    codes, errors = found.regions_arrow(values)
    return codes, found.names, errors
