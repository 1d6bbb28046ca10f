"""The blocker kernel (``_blockers_c`` / ``_blockers_py``): distinct (message, blocker)
pairs of UTF-8 messages, on both backends, against a reference built from ``str``.

The kernel takes any buffers (no numpy needed): these tests give it ``array`` and ``bytes``,
so they run in the no-numpy environment too."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from itertools import accumulate
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smscodec import _blockers_py, is_gsm7
from smscodec.errors import DecodeError

Kernel = Callable[[str], ModuleType]
SKIP = -2
SIZE = _blockers_py.UNICODE_SIZE

# GSM-7 (carried), extension characters (carried), the ASCII blockers (controls, `, DEL),
# Latin, Greek, CJK and emoji (blockers under the default tables), lone surrogates.
ALPHABET = "aZ0 .@$\n\r\f" + "€[]{}^~|\\" + "\x00\x01\x1b\x7f`" + "çáé’—…ΔΦ" + "şğ你好😀🐳" + "\ud800\udfff"
ASCII_MOSTLY = "abcdefgh" * 6 + " .`~\x7f\x01\né—😀"
# Characters whose entry a drawn table flips (carried <-> blocking).
EXTRA = "`\x7f~#%&*+-/:;<=>?_é"


def _default_ids() -> array[int]:
    """The report's table for the default tables: SKIP where GSM-7 carries the character
    (every such character is below U+2100), -1 (a blocker not numbered yet) elsewhere."""
    ids = array("i", [-1]) * SIZE
    for cp in range(0x2100):
        if is_gsm7(chr(cp)):
            ids[cp] = SKIP
    return ids


def _buffers(texts: list[str]) -> tuple[bytes, array[int]]:
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    ends = array("q", accumulate(len(e) for e in encoded))
    return b"".join(encoded), ends


def _reference(texts: list[str], scan: list[bool], ids: array[int]) -> list[tuple[int, int]]:
    return [
        (q, ord(ch))
        for q, text in enumerate(texts)
        if scan[q]
        for ch in dict.fromkeys(text)
        if ids[ord(ch)] != SKIP
    ]


def _pairs(
    module: ModuleType, data: object, ends: array[int], scan: bytes | bytearray, ids: array[int]
) -> list:
    positions, cps = module.blocker_pairs(data, ends, scan, ids, SKIP)
    assert positions.typecode == "q"
    assert cps.typecode == "I"
    return list(zip(positions.tolist(), cps.tolist(), strict=True))


def test_the_pairs_of_a_few_messages(kernel: Kernel) -> None:
    module = kernel("blockers")
    texts = ["plain text", "caf\u00e7\u00e7 — ok", "", "`x` and \x7f", "你好你", "€[] only extension"]
    data, ends = _buffers(texts)
    scan = bytearray([1]) * len(texts)
    got = _pairs(module, data, ends, scan, _default_ids())
    assert got == [(1, 0xE7), (1, 0x2014), (3, 0x60), (3, 0x7F), (4, 0x4F60), (4, 0x597D)]
    scan[1] = 0
    assert _pairs(module, data, ends, scan, _default_ids())[0] == (3, 0x60)


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(
        # Mostly ASCII too: the compiled twin passes over eight plain octets at a time.
        st.one_of(st.text(alphabet=ALPHABET, max_size=120), st.text(alphabet=ASCII_MOSTLY, max_size=120)),
        max_size=30,
    ),
    flags=st.lists(st.booleans(), min_size=30, max_size=30),
    extra=st.lists(st.sampled_from(EXTRA), max_size=4),
)
def test_equals_the_reference_on_both_backends(
    kernel: Kernel, texts: list[str], flags: list[bool], extra: list[str]
) -> None:
    ids = _default_ids()
    # Also tables where several printable ASCII octets block (the compiled twin then
    # reads octet by octet) and where some non-ASCII characters are carried.
    for ch in extra:
        ids[ord(ch)] = -1 if ids[ord(ch)] == SKIP else SKIP
    data, ends = _buffers(texts)
    scan = bytes(flags[: len(texts)])
    expected = _reference(texts, flags, ids)
    assert _pairs(kernel("blockers"), data, ends, scan, ids) == expected
    assert _pairs(_blockers_py, data, ends, scan, ids) == expected


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from(
            [
                b"a",
                b"abcdefgh",
                b"\xc3\xa9",
                b"\xe2\x82\xac",
                b"\xf0\x9f\x98\x80",
                b"\xed\xa0\x80",
                b"\x80",
                b"\xc0\xaf",
                b"\xe0\x80\x80",
                b"\xf4\x90\x80\x80",
                b"\xf5",
                b"\xe2\x82",
                b"\xc2",
                b"`",
            ]
        ),
        max_size=12,
    ),
)
def test_malformed_utf8_is_the_same_error_on_both_backends(kernel: Kernel, pieces: list[bytes]) -> None:
    body = b"".join(pieces)
    data = b"ok\xc3\xa7" + body
    ends = array("q", [4, len(data)])
    scan = bytes([1, 1])
    ids = _default_ids()

    def outcome(module: ModuleType) -> object:
        try:
            return _pairs(module, data, ends, scan, ids)
        except DecodeError as exc:
            return str(exc), exc.position

    compiled, pure = outcome(kernel("blockers")), outcome(_blockers_py)
    assert compiled == pure
    start = _decode_error_start(body)
    if start is None:
        assert isinstance(pure, list)
    else:
        assert pure == (
            f"message 1 is not valid UTF-8: the sequence at octet {start} (0x{body[start]:02X}) "
            "is malformed or truncated",
            start,
        )


def _decode_error_start(octets: bytes) -> int | None:
    """Where Python's own "surrogatepass" decoder finds the first malformed sequence."""
    try:
        octets.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def test_an_unread_message_may_hold_anything(kernel: Kernel) -> None:
    data = b"\xff\xfe\x80" + "é—`".encode()
    ends = array("q", [3, len(data)])
    got = _pairs(kernel("blockers"), data, ends, bytes([0, 1]), _default_ids())
    assert got == [(1, 0x2014), (1, 0x60)]


@pytest.mark.parametrize(
    ("ends", "scan", "ids_size", "message"),
    [
        ([3, 2], 2, SIZE, "message 1 ends at octet 2, outside 3..5"),
        ([3, 9], 2, SIZE, "message 1 ends at octet 9, outside 3..5"),
        ([-1], 1, SIZE, "message 0 ends at octet -1, outside 0..5"),
        ([5], 2, SIZE, "scan has 2 entries for 1 messages"),
        ([5], 1, 0x10FFFF, f"ids has {0x10FFFF} entries, {SIZE} needed"),
    ],
)
def test_buffers_that_do_not_fit_are_refused(
    kernel: Kernel, ends: list[int], scan: int, ids_size: int, message: str
) -> None:
    ids = array("i", [SKIP]) * ids_size
    for module in (kernel("blockers"), _blockers_py):
        with pytest.raises(ValueError, match=message):
            module.blocker_pairs(b"hello", array("q", ends), bytes([1]) * scan, ids, SKIP)


def test_no_messages_and_empty_data(kernel: Kernel) -> None:
    empty = array("q")
    for module in (kernel("blockers"), _blockers_py):
        assert _pairs(module, b"", empty, b"", _default_ids()) == []
        assert _pairs(module, b"", array("q", [0, 0, 0]), bytes([1, 1, 1]), _default_ids()) == []


def test_many_messages_grow_the_result(kernel: Kernel) -> None:
    # More pairs than the compiled twin's first allocation (1,024), one stamp per message.
    texts = ["—" + chr(0x4E00 + q % 500) for q in range(3000)]
    data, ends = _buffers(texts)
    ids = _default_ids()
    got = _pairs(kernel("blockers"), data, ends, bytearray([1]) * len(texts), ids)
    assert got == _reference(texts, [True] * len(texts), ids)
    assert len(got) == 6000


@pytest.mark.parametrize("blockers", ["`", "`\x7f", "`~#"])
def test_an_ascii_blocker_in_any_lane_of_a_word(kernel: Kernel, blockers: str) -> None:
    # The compiled twin passes over eight plain ASCII octets at a time: a blocker at each
    # place of such a word (and of the last, short one) is found.
    ids = _default_ids()
    for ch in blockers:
        ids[ord(ch)] = -1
    texts = ["x" * k + blockers[-1] + "y" * (23 - k) for k in range(24)]
    data, ends = _buffers(texts)
    scan = bytearray([1]) * len(texts)
    assert _pairs(kernel("blockers"), data, ends, scan, ids) == [(q, ord(blockers[-1])) for q in range(24)]
