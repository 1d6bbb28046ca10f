"""Speed of the codec core (issue 2, "Speed"): compiled vs pure kernels, C builtins as
baselines, and the peer libraries gsmcodecs, smsutil and smpplib on the same inputs.

Inputs: 10,000 characters of multilingual GSM-7 text with accents and extension
characters, as a 1-byte (Latin-1) and a 2-byte (with "€") str, and 160-character
messages of each PEP 393 width (the 4-byte one holds an emoji, so it is not GSM-7).
The summary at the end prints characters per nanosecond and every ratio.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

import smscodec

Kernel = Callable[[str], ModuleType]
Measure = Callable[..., Any]

pytestmark = pytest.mark.benchmark(max_time=0.3, min_rounds=5, warmup=True, warmup_iterations=50)

PARAGRAPH = (
    "Hi Anna, your order #4521 has shipped and will arrive on Tuesday. Total: 49.90€ (VAT incl.). "
    "Bonjour Hélène, votre rendez-vous chez le médecin est confirmé pour jeudi à 14h30. Merci de "
    "répondre OUI. Hallo Jürgen, dein Paket für München ist unterwegs. Grüße aus Köln! Code: {A7-Ü2} "
    "Hola Begoña, tu pedido llega el miércoles por la tarde a la tienda. ¿Necesitas ayuda? "
    "Ciao Niccolò, la consegna è prevista per venerdì tra le 9 e le 12. [rif. 88/Ä] "
    "Hej Åsa, din kod är 771 302. Giltig i 10 min. Dela den inte med någon ~ Støtte: ring 22 33 44. "
    "Your verification code is 482913. Do not share it with anyone; we will never ask for it. "
    "Reminder: meeting moved to 3pm in room B-12, agenda at intranet/docs\\q3 | bring laptops ^^ "
)
SMS = (
    "Bonjour Hélène, votre rendez-vous chez le médecin est confirmé pour jeudi à 14h30. "
    "Répondez OUI ou NON {STOP}. Grüße, Ihr Praxisteam ~ Dr. Müller & Søn, Köln :)"
)
assert len(SMS) == 160, len(SMS)


def _width(text: str) -> int:
    top = max(map(ord, text))
    return 1 if top < 0x100 else 2 if top < 0x10000 else 4


INPUTS = {
    "long-1byte": (PARAGRAPH.replace("€", "EUR") * 20)[:10_000],
    "long-2byte": (PARAGRAPH * 20)[:10_000],
    "sms-1byte": SMS,
    "sms-2byte": "Δ" + SMS[1:-1] + "€",
    "sms-4byte": SMS[:80] + "😀" + SMS[81:],
}
for _name, _text in INPUTS.items():
    assert len(_text) in (160, 10_000), _name
    assert _width(_text) == int(_name[-5]), _name
GSM_INPUTS = [name for name, text in INPUTS.items() if smscodec.is_gsm7(text)]
assert GSM_INPUTS == ["long-1byte", "long-2byte", "sms-1byte", "sms-2byte"]

STRICT, REPLACE = 0, 1
KERNEL_OPS = [
    "is_gsm7",
    "gsm7_septets",
    "non_gsm7_chars",
    "encode_gsm7",
    "decode_gsm7",
    "pack_septets",
    "unpack_septets",
]


def _cases() -> list[tuple[str, str]]:
    cases = []
    for name in INPUTS:
        for op in KERNEL_OPS:
            # A 4-byte str is never GSM-7: count it by membership, encode it with "replace".
            if name == "sms-4byte" and op == "gsm7_septets":
                continue
            cases.append((op, name))
    return cases


@pytest.mark.parametrize(("op", "name"), _cases())
def test_kernel(kernel: Kernel, backend: str, measure: Measure, op: str, name: str) -> None:
    k = kernel("gsm7")
    text = INPUTS[name]
    mode = STRICT if name in GSM_INPUTS else REPLACE
    septets = k.encode_gsm7(text, mode)
    packed = k.pack_septets(septets, 0)
    calls: dict[str, tuple[Callable[..., Any], tuple[Any, ...], int]] = {
        "is_gsm7": (k.is_gsm7, (text,), len(text)),
        "gsm7_septets": (k.gsm7_septets, (text,), len(text)),
        "non_gsm7_chars": (k.non_gsm7_chars, (text,), len(text)),
        "encode_gsm7": (k.encode_gsm7, (text, mode), len(text)),
        "decode_gsm7": (k.decode_gsm7, (septets, STRICT), len(septets)),
        "pack_septets": (k.pack_septets, (septets, 0), len(septets)),
        "unpack_septets": (k.unpack_septets, (packed, len(septets), 0), len(septets)),
    }
    func, args, size = calls[op]
    result = measure(f"{op} {name}", backend, size, func, *args)
    expected = {
        "is_gsm7": name in GSM_INPUTS,
        "decode_gsm7": text if name in GSM_INPUTS else text.replace("😀", "?"),
        "unpack_septets": septets,
    }
    if op in expected:
        assert result == expected[op]


# Decoding by mix: the compiled decoder copies runs of septets that are their own code
# point ("identities") and looks the others up one by one, so its speed depends on the
# mix.  These mixes bound it: none but identities, none at all, alternating, one in three,
# words between line feeds, and escapes (extension characters) every other character.
DECODE_MIXES = {
    "identities": "Your verification code is 482913 and expires in 10 minutes " * 166,
    "no identity": "é" * 10_000,
    "alternating": "aé" * 5_000,
    "one in three": "abé" * 3_333,
    "line feeds": "word\n" * 2_000,
    "escapes": "a{b}" * 2_500,
}


@pytest.mark.parametrize("mix", DECODE_MIXES)
def test_decode_mix(kernel: Kernel, backend: str, measure: Measure, mix: str) -> None:
    k = kernel("gsm7")
    text = DECODE_MIXES[mix]
    septets = k.encode_gsm7(text, STRICT)
    assert measure(f"decode_gsm7 mix: {mix}", backend, len(septets), k.decode_gsm7, septets, STRICT) == text


# --- the public layer and C builtins on the same inputs ----------------------------------


@pytest.mark.parametrize("name", GSM_INPUTS)
@pytest.mark.parametrize("op", ["gsm7_septets", "is_gsm7", "encode_gsm7"])
def test_public(measure: Measure, op: str, name: str) -> None:
    text = INPUTS[name]
    result = measure(f"{op} {name}", "smscodec (public)", len(text), getattr(smscodec, op), text)
    assert result == {"gsm7_septets": len(smscodec.encode_gsm7(text)), "is_gsm7": True}.get(op, result)


# Bound methods, so a baseline pays one call like the kernels do (no lambda around it).
BASELINES: dict[str, Callable[[str], tuple[Callable[..., object], tuple[str, ...]]]] = {
    "latin-1 encode": lambda text: (text.encode, ("latin-1",)),
    "utf-16-le encode": lambda text: (text.encode, ("utf-16-le",)),
    "str.isascii": lambda text: (text.isascii, ()),
}


def _baseline_cases() -> list[tuple[str, str, str]]:
    # The same builtin lands in each group it is a yardstick for.
    cases = []
    for name, text in INPUTS.items():
        for op in ("gsm7_septets", "is_gsm7", "encode_gsm7"):
            if op == "gsm7_septets" and name not in GSM_INPUTS:
                continue
            for baseline in BASELINES:
                if baseline == "latin-1 encode" and _width(text) > 1:
                    continue  # latin-1 cannot encode a 2- or 4-byte str
                cases.append((baseline, op, name))
    return cases


@pytest.mark.parametrize(("baseline", "op", "name"), _baseline_cases())
def test_baseline(measure: Measure, baseline: str, op: str, name: str) -> None:
    text = INPUTS[name]
    func, args = BASELINES[baseline](text)
    measure(f"{op} {name}", baseline, len(text), func, *args)


def test_codec_through_str_encode(measure: Measure) -> None:
    text = INPUTS["sms-1byte"]
    result = measure("encode_gsm7 sms-1byte", 'str.encode("gsm-7")', len(text), text.encode, "gsm-7")
    assert result == smscodec.encode_gsm7(text)


# --- peers ---------------------------------------------------------------------------------


def _peer(name: str) -> dict[str, Callable[[Any], Any]]:
    if name == "gsmcodecs":
        module = pytest.importorskip("gsmcodecs")
        codec = module.makeCodec(0, 0)  # default alphabet + default extension table
        return _peer_ops(lambda text: codec.encode(text)[0], lambda data: codec.decode(data)[0])
    if name == "smsutil":
        module = pytest.importorskip("smsutil.codecs")
        # Called directly: its "gsm0338" codec name collides with one of smscodec's aliases.
        peer = module.GSM0338Codec()
        ops = _peer_ops(lambda text: peer.encode(text)[0], lambda data: peer.decode(data)[0])
        ops["is_gsm7"] = module.is_valid_gsm
        return ops
    module = pytest.importorskip("smpplib.gsm")
    return _peer_ops(module.gsm_encode, None)


def _peer_ops(
    encode: Callable[[str], bytes], decode: Callable[[bytes], str] | None
) -> dict[str, Callable[[Any], Any]]:
    def is_gsm7(text: str) -> bool:
        try:
            encode(text)
        except UnicodeError:
            return False
        return True

    ops: dict[str, Callable[[Any], Any]] = {
        "is_gsm7": is_gsm7,
        "gsm7_septets": lambda text: len(encode(text)),
        "encode_gsm7": encode,
    }
    if decode is not None:
        ops["decode_gsm7"] = decode
    return ops


def _peer_cases() -> list[tuple[str, str, str]]:
    cases = []
    for peer in ("gsmcodecs", "smsutil", "smpplib"):
        for op in ("is_gsm7", "gsm7_septets", "encode_gsm7", "decode_gsm7"):
            if peer == "smpplib" and op == "decode_gsm7":
                continue  # smpplib only encodes
            for name in INPUTS:
                if op == "is_gsm7" or name in GSM_INPUTS:
                    cases.append((peer, op, name))
    return cases


@pytest.mark.parametrize(("peer", "op", "name"), _peer_cases())
def test_peer(measure: Measure, peer: str, op: str, name: str) -> None:
    ops = _peer(peer)
    text = INPUTS[name]
    septets = smscodec.encode_gsm7(text) if name in GSM_INPUTS else b""
    arg, size = (septets, len(septets)) if op == "decode_gsm7" else (text, len(text))
    result = measure(f"{op} {name}", peer, size, ops[op], arg)
    # Same answers as smscodec, or the comparison means nothing.
    expected = {
        "is_gsm7": name in GSM_INPUTS,
        "gsm7_septets": len(septets),
        "encode_gsm7": septets,
        "decode_gsm7": text,
    }[op]
    assert result == expected


# --- hex and UCS-2: thin layers over C builtins; these measure the glue ----------------------

HEX_BODY = bytes(range(256))[:140].hex()  # one full SMS of binary user data


def test_from_hex(measure: Measure) -> None:
    assert measure("from_hex 140 bytes", "smscodec (public)", len(HEX_BODY), smscodec.from_hex, HEX_BODY)


def test_from_hex_builtin(measure: Measure) -> None:
    assert measure("from_hex 140 bytes", "bytes.fromhex", len(HEX_BODY), bytes.fromhex, HEX_BODY)


def test_to_hex(measure: Measure) -> None:
    data = bytes.fromhex(HEX_BODY)
    assert measure("to_hex 140 bytes", "smscodec (public)", len(data), smscodec.to_hex, data) == HEX_BODY


def test_to_hex_builtin(measure: Measure) -> None:
    data = bytes.fromhex(HEX_BODY)
    assert measure("to_hex 140 bytes", "bytes.hex", len(data), bytes.hex, data) == HEX_BODY


@pytest.mark.parametrize("label", ["smscodec (public)", "utf-16-be encode"])
def test_encode_ucs2(measure: Measure, label: str) -> None:
    text = INPUTS["sms-4byte"]
    func = smscodec.encode_ucs2 if label != "utf-16-be encode" else codecs.getencoder("utf-16-be")
    measure("encode_ucs2 sms-4byte", label, len(text), func, text)
