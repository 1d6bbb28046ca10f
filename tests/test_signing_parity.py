"""The signing canonicalization kernel on both backends: exact cases, and compiled-vs-pure parity.

``canonical_bytes(params, suffix)`` must give the same bytes on both twins, or the same
exception type and message, for any dict: keys and values of every type, every PEP 393
width, lone surrogates, ``&``/``=`` anywhere, keys that tie on their first 8 UTF-8 bytes
(the compiled sort's integer prefix), and dicts past the compiled twin's stack buffer.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Mapping
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscodec import _signing_py
from smscodec.errors import SignatureError
from smscodec.signing import base_string, sign

Kernel = Callable[[str], ModuleType]


class Code(enum.IntEnum):
    SEVEN = 7


class Loud(str):
    """A str subclass whose own __str__ must not be what is signed."""

    def __str__(self) -> str:
        return "LOUD"


class Sneaky(int):
    """An int subclass whose own formatting hooks must not be what is signed."""

    def __repr__(self) -> str:
        return "sneaky"

    def __str__(self) -> str:
        return "sneaky"

    def __index__(self) -> int:
        return 999


class Distinct(str):
    """Equal only to itself: several keys of one dict can read as the same plain str."""

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other


def _outcome(func: Callable[..., bytes], *args: object) -> object:
    try:
        return ("ok", func(*args))
    except SignatureError as exc:
        return ("SignatureError", str(exc))


def _spec(params: Mapping[str, str | int], suffix: bytes = b"") -> bytes:
    """An independent statement of the algorithm for well-typed input (keys sorted first)."""
    out = []
    for key in sorted(k for k in params if k != "sig"):
        value = params[key]
        text = value if isinstance(value, str) else str(int(value))
        out.append(f"&{key}={text.replace('&', '_').replace('=', '_')}")
    return "".join(out).encode("utf-8") + suffix


# ---- exact cases, on each backend -------------------------------------------------------


def test_sends_example(kernel: Kernel) -> None:
    k = kernel("signing")
    params = {"to": "447700900000", "from": "Acme", "text": "a&b=c", "sig": "ignored", "ttl": 90000}
    assert k.canonical_bytes(params, b"") == b"&from=Acme&text=a_b_c&to=447700900000&ttl=90000"
    assert k.canonical_bytes(params, b"secret") == b"&from=Acme&text=a_b_c&to=447700900000&ttl=90000secret"
    assert k.canonical_bytes({}, b"") == b""
    assert k.canonical_bytes({}, b"s") == b"s"
    assert k.canonical_bytes({"sig": "x"}, b"") == b""


def test_code_point_order_not_utf16(kernel: Kernel) -> None:
    k = kernel("signing")
    # U+1F600 is above U+FFFF by code point, below it in UTF-16 (surrogate D83D < FFFF).
    params = {"\U0001f600": "1", "\uffff": "2", "\u00e9": "3", "Z": "4", "a": "5", "message-timestamp": "6"}
    expected = "&Z=4&a=5&message-timestamp=6&\u00e9=3&\uffff=2&\U0001f600=1"
    assert k.canonical_bytes(params, b"") == expected.encode()


def test_keys_tying_on_their_first_eight_bytes(kernel: Kernel) -> None:
    k = kernel("signing")
    keys = ["abcdefgh", "abcdefgh\x00", "abcdefghi", "abcdefgg", "a", "a\x00", "a\x00b", "", "\x00"]
    params = {key: str(i) for i, key in enumerate(keys)}
    assert k.canonical_bytes(params, b"") == _spec(params)
    order = [part.split("=")[0] for part in k.canonical_bytes(params, b"").decode().split("&")[1:]]
    assert order == sorted(keys)


def test_separators_replaced_in_values(kernel: Kernel) -> None:
    k = kernel("signing")
    assert k.canonical_bytes({"ab": "&=&=", "k": "x\u00e9&\U0001f600=y"}, b"") == (
        "&ab=____&k=x\u00e9_\U0001f600_y".encode()
    )
    assert k.canonical_bytes({"e": ""}, b"") == b"&e="


AMBIGUOUS = "holds '&' or '=': the signed string could not tell it from other, merged or split, fields"


@pytest.mark.parametrize(
    "key",
    ["a&b", "a=b", "&", "=", "a&b=", "x" * 40 + "=", "\u00e9&", "\U0001f600=", "k\ud800=", "\udfff&x"],
)
def test_separators_in_keys_are_refused(kernel: Kernel, key: str) -> None:
    # Issue 14: {"a=1&b": "2"} and {"a": "1", "b": "2"} would share "&a=1&b=2".
    k = kernel("signing")
    for params in ({key: "v"}, {"a": "1", key: "v", "z": "2"}, {key: True}, {"sig": "x", key: None}):
        with pytest.raises(SignatureError) as info:
            k.canonical_bytes(params, b"")
        assert str(info.value) == f"parameter name {key!r} {AMBIGUOUS}"


def test_separator_key_errors_in_dict_order(kernel: Kernel) -> None:
    # Reported with the type errors, in dict order (key type, separator, value type);
    # lone surrogates only after every item passed those.
    k = kernel("signing")
    cases = [
        ({"a": None, "b&": "x"}, "value of 'a' is NoneType"),
        ({"b&": None, "a": None}, "parameter name 'b&'"),
        ({"s": "\ud800", "b=": "x"}, "parameter name 'b='"),
        ({1: "x", "b=": "x"}, "parameter names must be str"),
        ({"b=": "x", 1: "x"}, "parameter name 'b='"),
        ({Loud("k&"): "v"}, "parameter name 'k&'"),
    ]
    for params, message in cases:
        with pytest.raises(SignatureError) as info:
            k.canonical_bytes(params, b"")
        assert str(info.value).startswith(message), (params, str(info.value))


def test_sig_key_is_skipped_before_the_separator_check(kernel: Kernel) -> None:
    k = kernel("signing")
    assert k.canonical_bytes({"sig": "a&b=c", "a": "1"}, b"") == b"&a=1"


@pytest.mark.parametrize("filler", ["x", "\u00e9", "\u20ac", "\U0001f600"])
def test_separator_at_every_position(kernel: Kernel, filler: str) -> None:
    # The compiled twin copies values 8 bytes at a time: every lane, and the tail.
    k = kernel("signing")
    for size in range(20):
        for position in range(size):
            for separator in "&=":
                chars = [filler] * size
                chars[position] = separator
                value = "".join(chars)
                expected = "&v=" + value.replace(separator, "_")
                assert k.canonical_bytes({"v": value}, b"") == expected.encode()


def test_ints_in_decimal(kernel: Kernel) -> None:
    k = kernel("signing")
    params = {"a": 0, "b": -12, "c": 10**40, "d": Code.SEVEN, "e": Sneaky(5)}
    assert k.canonical_bytes(params, b"") == b"&a=0&b=-12&c=1" + b"0" * 40 + b"&d=7&e=5"


def test_str_subclasses_read_as_plain_str(kernel: Kernel) -> None:
    k = kernel("signing")
    assert k.canonical_bytes({Loud("k"): Loud("v=")}, b"") == b"&k=v_"
    assert k.canonical_bytes({Loud("sig"): "x", "a": "1"}, b"") == b"&a=1"


def test_keys_equal_as_plain_str_keep_dict_order(kernel: Kernel) -> None:
    k = kernel("signing")
    params = {Distinct("b"): "1", "a": "0", Distinct("b"): "2", "b": "3", Distinct("b"): "4"}
    assert len(params) == 5
    assert k.canonical_bytes(params, b"") == b"&a=0&b=1&b=2&b=3&b=4"


@pytest.mark.parametrize("size", [0, 1, 24, 25, 32, 33, 200])
def test_sizes_across_sort_and_buffer_limits(kernel: Kernel, size: int) -> None:
    # 24: insertion sort's limit; 32: the compiled twin's stack buffer.
    k = kernel("signing")
    params = {f"k{(i * 7919) % 1000:03d}": f"v{i}&" for i in range(size)}
    assert k.canonical_bytes(params, b"!") == _spec(params, b"!")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({1: "x"}, "parameter names must be str, found a key of type int"),
        ({None: "x"}, "parameter names must be str, found a key of type NoneType"),
        ({"k": True}, "value of 'k' is a bool; serialize it explicitly"),
        ({"k": None}, "value of 'k' is NoneType; expected str or int"),
        ({"k": 1.5}, "value of 'k' is float; expected str or int"),
        ({"k": b"x"}, "value of 'k' is bytes; expected str or int"),
        ({"k": 10**5000}, "value of 'k' is an int too large to write out"),
        ({"k": "a\ud800"}, "value of 'k' contains a lone surrogate"),
        ({"k\udfff": "a"}, "parameter name 'k\\udfff' is not valid Unicode"),
        # Types first, surrogates second, each the first in dict order.
        ({"s": "\ud800", "k": None}, "value of 'k' is NoneType"),
        ({"s": "\ud800", "t\ud800": "x"}, "value of 's' contains a lone surrogate"),
        ({"t\ud800": "\ud800", "s": "\ud800"}, "parameter name 't\\ud800'"),
        ({"a": 1, "b": True, 2: "x"}, "value of 'b' is a bool"),
    ],
)
def test_errors(kernel: Kernel, params: dict[object, object], message: str) -> None:
    k = kernel("signing")
    with pytest.raises(SignatureError) as info:
        k.canonical_bytes(params, b"")
    assert str(info.value).startswith(message)


def test_sig_value_is_never_inspected(kernel: Kernel) -> None:
    k = kernel("signing")
    assert k.canonical_bytes({"sig": None, "a": "1"}, b"") == b"&a=1"
    assert k.canonical_bytes({"sig": "\ud800", "a": "1"}, b"") == b"&a=1"


def test_kernel_refuses_non_dicts(kernel: Kernel) -> None:
    # The public layer hands in an exact dict and bytes; the compiled twin checks that
    # itself (TypeError) before reading any memory, the pure one fails on first use.
    k = kernel("signing")
    with pytest.raises((TypeError, AttributeError)):
        k.canonical_bytes(None, b"")
    with pytest.raises(TypeError):
        k.canonical_bytes({"a": "1"}, None)


# ---- compiled vs pure --------------------------------------------------------------------

_chars = st.one_of(
    st.characters(codec="utf-8"),  # any scalar value, every PEP 393 width
    st.sampled_from("&=_\x00\ud800\udfff"),  # separators, NUL, lone surrogates
    st.characters(min_codepoint=0x10000),  # non-BMP
)
# Joined by hand: st.text() never yields lone surrogates, whatever its alphabet.
_texts = st.lists(_chars, max_size=12).map("".join)
_str_keys = st.one_of(
    _texts,
    st.sampled_from(["sig", "", "abcdefgh", "abcdefgh\x00", "abcdefghi", "messageId", "message-timestamp"]),
    _texts.map(Loud),
)
_keys = st.one_of(_str_keys, st.integers(), st.none(), st.binary(max_size=2))
_good_values = st.one_of(
    _texts,
    _texts.map(Loud),
    st.integers(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.sampled_from([Code.SEVEN, Sneaky(3)]),
)
_bad_values = st.one_of(
    st.sampled_from([True, False, None, 1.5, b"x", 10**5000]),
    st.lists(st.integers(), max_size=1),
)
_values = st.one_of(_good_values, _bad_values)


@given(params=st.dictionaries(_keys, _values, max_size=40), suffix=st.binary(max_size=8))
def test_parity_any_dict(kernel: Kernel, params: dict[object, object], suffix: bytes) -> None:
    # Mostly type errors: most such dicts hold a key or value of the wrong type.
    live = kernel("signing")
    assert _outcome(live.canonical_bytes, params, suffix) == _outcome(
        _signing_py.canonical_bytes, params, suffix
    )


@given(
    params=st.dictionaries(_str_keys, st.one_of(_good_values, _good_values, _good_values, _bad_values)),
    suffix=st.binary(max_size=8),
)
def test_parity_str_keys(kernel: Kernel, params: dict[object, object], suffix: bytes) -> None:
    # Mostly results and lone-surrogate errors, with a type error now and then.
    live = kernel("signing")
    assert _outcome(live.canonical_bytes, params, suffix) == _outcome(
        _signing_py.canonical_bytes, params, suffix
    )


_clean_texts = st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from("&=")), max_size=20)
# Keys as the kernel accepts them: anything but "&" and "=".
_clean_keys = st.text(st.characters(codec="utf-8", exclude_characters="&="), max_size=20)


@given(
    params=st.dictionaries(_clean_keys, st.one_of(_clean_texts, st.integers(-(10**30), 10**30)), max_size=40),
    suffix=st.binary(max_size=8),
)
def test_well_typed_matches_spec(kernel: Kernel, params: dict[str, str | int], suffix: bytes) -> None:
    live = kernel("signing")
    assert live.canonical_bytes(params, suffix) == _spec(params, suffix)
    assert _signing_py.canonical_bytes(params, suffix) == _spec(params, suffix)


# ---- issue 14: one base string, one field set (up to Vonage's own replacement) -----------


def _fields_of(base: bytes) -> list[tuple[str, str]]:
    """The base string split back into (key, replaced value) pairs: its left inverse.

    Possible exactly because keys hold no "&" or "=" and values lost theirs: every piece
    between two "&" is one field, split on its only "=".
    """
    text = base.decode("utf-8")
    if not text:
        return []
    assert text.startswith("&")
    pairs = []
    for piece in text[1:].split("&"):
        assert piece.count("=") == 1, piece
        key, value = piece.split("=")
        pairs.append((key, value))
    return pairs


def _replaced(value: str) -> str:
    return value.replace("&", "_").replace("=", "_")


def _outcome_bytes(kernel_module: ModuleType, params: dict[str, str]) -> bytes | None:
    try:
        result: bytes = kernel_module.canonical_bytes(params, b"")
    except SignatureError:
        return None
    return result


# Few characters, so that collisions are likely if the string were ambiguous: the
# separators, "_", a letter, and "sig" as a key now and then.
_tiny = st.text(st.sampled_from("&=_a"), max_size=4)
_tiny_dicts = st.dictionaries(st.one_of(_tiny, st.just("sig")), _tiny, max_size=5)


def _merged(params: dict[str, str]) -> dict[str, str]:
    """The issue's attack: every field folded into one key, keeping the base string."""
    items = sorted((k, v) for k, v in params.items() if k != "sig")
    if len(items) < 2:
        return dict(items)
    head = "&".join(f"{k}={_replaced(v)}" for k, v in items[:-1])
    last_key, last_value = items[-1]
    return {f"{head}&{last_key}": last_value}


@given(first=_tiny_dicts, second=_tiny_dicts)
def test_equal_base_strings_mean_equal_fields(
    kernel: Kernel, first: dict[str, str], second: dict[str, str]
) -> None:
    # Two field sets share a base string only when they have the same keys (sig aside) and
    # values equal after Vonage's replacement of "&" and "=" by "_".
    k = kernel("signing")
    if len([key for key in first if key != "sig"]) >= 2:
        assert _outcome_bytes(k, _merged(first)) is None  # the merge needs "&" and "=" in a key
    for candidate in (second, _merged(first)):
        a, b = _outcome_bytes(k, first), _outcome_bytes(k, candidate)
        if a is None or b is None or a != b:
            continue
        left = {key: _replaced(v) for key, v in first.items() if key != "sig"}
        right = {key: _replaced(v) for key, v in candidate.items() if key != "sig"}
        assert left == right


@given(params=st.dictionaries(_texts, _texts, max_size=12))
def test_base_string_splits_back_into_its_fields(kernel: Kernel, params: dict[str, str]) -> None:
    # The left inverse: whatever the kernel accepts, its output parses back to exactly the
    # sorted (key, replaced value) pairs, so no other field set gives the same bytes.
    k = kernel("signing")
    base = _outcome_bytes(k, params)
    if base is None:
        # Refused: a key with "&" or "=", or a lone surrogate, and nothing else.
        assert any("&" in key or "=" in key for key in params if key != "sig") or not all(
            _encodable(x) for item in params.items() if item[0] != "sig" for x in item
        )
        return
    assert not any("&" in key or "=" in key for key in params if key != "sig")
    expected = sorted((key, _replaced(v)) for key, v in params.items() if key != "sig")
    assert _fields_of(base) == expected


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ---- the public layer on the live kernel -------------------------------------------------


@given(params=st.dictionaries(_clean_keys, _clean_texts, max_size=12), secret=_clean_texts.filter(bool))
def test_public_layer(params: dict[str, str], secret: str) -> None:
    base = base_string(params)
    assert base.encode() == _spec(params)
    assert sign(params, secret) == hashlib.md5(_spec(params, secret.encode())).hexdigest()
