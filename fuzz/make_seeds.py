"""Build the seed corpus of every fuzz target from tests/vectors and examples/.

    PYTHONPATH=src python fuzz/make_seeds.py        # rewrites fuzz/seeds/<target>/

Each seed is laid out the way its target reads input (see ``fuzz/targets.py``: option
bytes first, then the payload), so the fuzzer starts from real messages, headers,
responses and signed webhooks instead of noise.  The output is deterministic: file names
are the SHA-1 of the content, and the same vectors always give the same corpus.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import shutil
import sys
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VECTORS = ROOT / "tests" / "vectors"
EXAMPLES = ROOT / "examples"
OUT = HERE / "seeds"

sys.path.insert(0, str(ROOT / "src"))

import smscodec  # noqa: E402 - from ./src, put on the path just above
from smscodec import signing, udh  # noqa: E402

# How many example messages of each kind (en, emoji, cyrillic, ...) go in.
PER_KIND = 4


def _texts() -> list[str]:
    texts: list[str] = []
    for line in (VECTORS / "segment_cases.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            texts.append(json.loads(line)["text"])
    seen: dict[str, int] = {}
    with (EXAMPLES / "messages.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kind = row.get("kind", "")
            if seen.get(kind, 0) < PER_KIND:
                seen[kind] = seen.get(kind, 0) + 1
                texts.append(row["text"])
    smart = json.loads((VECTORS / "smart_encoding_twilio.json").read_text(encoding="utf-8"))
    mapping = smart.get("map", smart) if isinstance(smart, dict) else {}
    if isinstance(mapping, dict):
        keys = "".join(k for k in mapping if isinstance(k, str) and len(k) == 1)
        texts.append("Smart: " + keys[:200])
    national = json.loads((VECTORS / "national_language_tables.json").read_text(encoding="utf-8"))
    for text in _national_samples(national):
        texts.append(text)
    # Every string width at the start, middle and end; escapes at part boundaries.
    texts += [
        "",
        "Δ" + "a" * 150 + "€",
        "€" * 80,
        "a" * 152 + "€" + "b" * 10,
        "😀" * 40,
        "a" * 66 + "😀" + "a" * 10,
        "x" * 1600,
        "ç\u00a0’…—",
    ]
    return list(dict.fromkeys(texts))


def _national_samples(data: object) -> Iterable[str]:
    # A few characters of each national table, whatever the file's exact layout.
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str) and len(node) == 1 and ord(node) > 0x7F:
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    for start in range(0, min(len(found), 1200), 60):
        yield "".join(found[start : start + 60])


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _webhooks() -> list[tuple[str, dict[str, str]]]:
    """(secret, signed params) from the signature vectors, plus hand-made receipts and inbounds."""
    vectors = json.loads((VECTORS / "vonage_signatures.json").read_text(encoding="utf-8"))["vectors"]
    out = []
    for vector in vectors:
        params = {k: str(v) for k, v in vector["params"].items() if not isinstance(v, bool)}
        params["sig"] = (
            vector["expected_lowercase"]["md5hash"]
            if isinstance(vector.get("expected_lowercase"), dict)
            else signing.sign(params, vector["secret"])
        )
        out.append((vector["secret"], params))
    base = {"msisdn": "447700900001", "to": "447700900000", "messageId": "0A0000000123ABCD1"}
    hand = [
        {
            **base,
            "status": "delivered",
            "err-code": "0",
            "price": "0.03330000",
            "network-code": "23410",
            "scts": "2001011400",
            "message-timestamp": "2020-01-01 12:00:00",
            "client-ref": "ref",
        },
        {**base, "status": "failed", "err-code": "5"},
        {
            **base,
            "type": "text",
            "text": "Hello world",
            "keyword": "HELLO",
            "message-timestamp": "2020-01-01 12:00:00",
        },
        {
            **base,
            "type": "unicode",
            "text": "Привет 😀",
            "concat": "true",
            "concat-ref": "08B5",
            "concat-total": "2",
            "concat-part": "1",
        },
        {**base, "type": "binary", "data": "48656c6c6f", "udh": "0605040b8423f0"},
        {**base, "type": "binary", "data": "00ff", "udh": "050003cc0201"},
    ]
    for fields in hand:
        stamped = {**fields, "timestamp": "1700000000", "nonce": "n0nce"}
        stamped["sig"] = signing.sign(stamped, "webhook-secret", "sha256")
        out.append(("webhook-secret", stamped))
    return out


_JSON_RESPONSES = [
    {
        "message-count": "1",
        "messages": [
            {
                "to": "447700900000",
                "message-id": "0A0000000123ABCD1",
                "status": "0",
                "remaining-balance": "3.14159265",
                "message-price": "0.03330000",
                "network": "12345",
                "client-ref": "my-ref",
                "account-ref": "customer1234",
            }
        ],
    },
    {
        "message-count": "2",
        "messages": [
            {"status": "0", "message-price": "0.1"},
            {"status": "9", "error-text": "Partner quota exceeded"},
        ],
    },
    {"message-count": "1", "messages": [{"status": "14", "error-text": "Invalid Signature"}]},
]
_XML_RESPONSES = [
    "<?xml version='1.0' encoding='UTF-8' ?><mt-submission-response><messages count=\"1\"><message>"
    "<to>447700900000</to><messageId>0A0000000123ABCD1</messageId><status>0</status>"
    "<remainingBalance>3.14159265</remainingBalance><messagePrice>0.03330000</messagePrice>"
    "<network>12345</network><clientRef>my-ref</clientRef></message></messages></mt-submission-response>",
    '<mt-submission-response><messages count="1"><message><status>2</status>'
    "<errorText>Missing to param</errorText></message></messages></mt-submission-response>",
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><mt-submission-response/>',
]


def build() -> dict[str, list[bytes]]:
    texts = _texts()
    septet_sets = [smscodec.encode_gsm7(t, "replace") for t in texts]
    septet_sets += [
        b"\x1b",
        b"\x1b\x1b",
        b"\x1b\x1b\x1b",
        b"\x1b\x80",
        b"\x80",
        b"\x00" * 8,
        bytes(range(128)),
    ]
    seeds: dict[str, list[bytes]] = {name: [] for name in _TARGET_NAMES}

    for i, septets in enumerate(septet_sets):
        # errors mode, codec handler, locking and single shift table (index into _SHIFTS)
        seeds["decode_gsm7"].append(bytes((i % 3, i % 5, i % 17, (i * 7) % 17)) + septets)
        seeds["pack_septets"].append(bytes((i % 7,)) + septets)
        if all(b < 0x80 for b in septets):
            fill = i % 7
            packed = smscodec.pack_septets(septets, fill)
            seeds["unpack_septets"].append(bytes((fill, 96 + min(len(septets), 103))) + packed)
            seeds["unpack_septets"].append(bytes((fill, 0)) + packed)
            seeds["from_hex"].append(packed.hex().encode("ascii"))
    seeds["from_hex"] += [b"0", b"0x12", b"12 34", b"\xd9\xa1\xd9\xa2", b"ABCDEFabcdef0123456789", b""]

    for i, text in enumerate(texts):
        raw = _utf8(text)
        seeds["septet_round_trip"].append(bytes((i % 7, i % 3, i % 17, (i * 5) % 17)) + raw)
        seeds["decode_ucs2"].append(text.encode("utf-16-be", "surrogatepass"))
        # encoding, header kind (< 200: a stock header), reference bits, smart, languages, reference
        seeds["segments"].append(bytes((i % 5, i % 5, i % 4, i % 3, i % 10, i % 8)) + raw)
        locks = random.Random(i).getrandbits(14)
        singles = random.Random(-i).getrandbits(14)
        seeds["segments_kernels"].append(
            bytes((i % 7, i % 2, i % 3, locks >> 8, locks & 0xFF, singles >> 8, singles & 0xFF, i % 4)) + raw
        )
        if i % 3 == 0:
            seeds["batch_count"].append(bytes((i % 5, 0, i % 4, i % 3, i % 10)) + raw + b"\x00" + raw[:40])
    seeds["decode_ucs2"] += [b"\xd8\x00", b"\xdc\x00\x00\x41", b"\x00", b"\xd8\x3d\xde\x00"]

    headers = [
        udh.concat(0x42, 3, 1),
        udh.concat(0x1234, 2, 2, bits=16),
        bytes.fromhex("06050412341234"),
        bytes.fromhex("0404020000"),
        bytes.fromhex("03240101"),
        bytes.fromhex("03250103"),
        bytes.fromhex("0b0003420301050412341234"),
        bytes.fromhex("0500030000"),
        bytes.fromhex("050003420004"),
        b"\x00",
        b"\x01",
        bytes((255,)) + bytes(255),
    ]
    for i, text in enumerate(texts[:20]):
        headers += [part.udh for part in smscodec.split(text, reference=i) if part.udh]
    seeds["udh_parse"] += list(dict.fromkeys(headers))
    for i, header in enumerate(headers[:12]):
        body = _utf8(texts[i % len(texts)])
        seeds["split_binary"].append(bytes((i % 5, i % 3, i % 6, (i * 97) >> 8 & 0x7F, i * 97 & 0xFF)) + body)
        seeds["split_binary"].append(
            bytes((200, len(header[:255]))) + header[:255] + bytes((0, 0, 0, 2)) + body
        )

    for secret, params in _webhooks():
        query = urllib.parse.urlencode(params).encode("ascii")
        body = _utf8(json.dumps(params, ensure_ascii=False))
        for shape, payload in ((0, query), (1, query), (0, body), (2, query), (3, query)):
            seeds["parse_delivery_receipt"].append(bytes((shape,)) + payload)
            seeds["parse_inbound"].append(bytes((shape,)) + payload)
        secret_raw = _utf8(secret)
        for method in range(5):
            seeds["verify_webhook"].append(
                bytes((len(secret_raw),)) + secret_raw + bytes((method, 0, method % 2, 0)) + query
            )
        # Signing: typed items, each [200][key length][key][value length][value].
        items = b""
        for key, value in list(params.items())[:30]:
            k, v = _utf8(key)[:255], _utf8(value)[:255]
            items += bytes((200, len(k))) + k + bytes((len(v),)) + v
        count = min(len(params), 30)
        seeds["signing"].append(b"\x01" + bytes((count,)) + items + bytes((len(secret_raw),)) + secret_raw)

    for i, response in enumerate(_JSON_RESPONSES):
        seeds["parse_send_response"].append(bytes((0, i % 2)) + _utf8(json.dumps(response)))
    for i, xml in enumerate(_XML_RESPONSES):
        seeds["parse_send_response"].append(bytes((1, i % 2)) + _utf8(xml))

    rng = random.Random(8)
    for _ in range(12):
        seeds["reassembler"].append(rng.randbytes(rng.randrange(40, 400)))

    # Base-string collisions: small dicts over "&=_a\0é" and a neighbour of each (how byte:
    # 0 independent, 1 separators swapped, 2 fields folded into one key, 3 a value split).
    rng = random.Random(14)
    for how in range(4):
        for _ in range(5):
            count = 2 + rng.randrange(4)
            items = b"".join(
                bytes((1 + rng.randrange(200), 3)) + rng.randbytes(3) + bytes((4,)) + rng.randbytes(4)
                for _ in range(count)
            )
            seeds["signing_canonical"].append(bytes((count,)) + items + bytes((how,)) + rng.randbytes(8))

    # Arrow-buffer kernel: width, n, array offset, start, stop, base, validity flag, the
    # offsets (replaced by plausible ones: the payload ends with an odd byte), the bitmap,
    # mode, table choice, smart; then the UTF-8 payload.
    for i, text in enumerate(texts[:30]):
        width, n, offset = (4, 8)[i % 2], 1 + i % 11, i % 4
        head = bytes((i % 2, n, offset, i % (n + 1), n, i % 3, i % 2))
        entries = offset + n + 1
        bitmap = bytes((0xFF ^ (1 << (i % 8)),)) * ((offset + n + 7) // 8) if i % 2 else b""
        options = bytes((i % 4, i % 4, i % 2))
        seeds["batch_utf8_kernel"].append(
            head + bytes(entries * width) + bitmap + options + _utf8(text) + b"!"
        )
    # Blocker kernel: message count, plausible-ends flag, the ends' steps, the scan
    # flags, table flips; then the UTF-8 payload.
    for i, text in enumerate(texts[:30]):
        n = 1 + i % 9
        payload = _utf8(text)
        step = max(1, len(payload) // n) % 256
        head = bytes((n, 1 - i % 5 // 4)) + bytes((step,)) * n + bytes(1 + (k + i) % 2 for k in range(n))
        flips = bytes((i % 4, 0x60, 1, 0xE7, 1, 0x7F, 0))
        seeds["blockers_kernel"].append(head + flips + payload)
    return seeds


_TARGET_NAMES = (
    "decode_gsm7",
    "unpack_septets",
    "pack_septets",
    "septet_round_trip",
    "decode_ucs2",
    "from_hex",
    "udh_parse",
    "segments",
    "segments_kernels",
    "split_binary",
    "signing",
    "signing_canonical",
    "parse_send_response",
    "parse_delivery_receipt",
    "parse_inbound",
    "reassembler",
    "verify_webhook",
    "batch_count",
    "batch_utf8_kernel",
    "blockers_kernel",
)


def main() -> None:
    seeds = build()
    total = 0
    for name, items in seeds.items():
        folder = OUT / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for data in dict.fromkeys(items):
            (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
            total += len(data)
        print(f"{name:24} {len(set(items)):4} seeds")
    print(f"{total} bytes in {OUT}")


if __name__ == "__main__":
    main()
