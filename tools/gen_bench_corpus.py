"""A deterministic corpus of realistic SMS texts for the batch benchmarks.

The mix follows issue 7: 70% plain ASCII, 10% with GSM-7 extension characters
(``€ [ ] { } ~ ^ | \\``), 10% accented Latin (some GSM-7, such as é ü ñ, some not, such
as á ő ç), 10% emoji, CJK or Cyrillic.  Lengths are spread between a one-line code and a
three-part newsletter, averaging about 100 characters.

Usage::

    python tools/gen_bench_corpus.py [N]      # prints the mix and length statistics

The benchmarks import :func:`generate`; the same ``n`` and ``seed`` give the same texts.
"""

from __future__ import annotations

import math
import random
import sys

__all__ = ["generate"]

# Words of typical notifications.
_PROSE = (
    "your order has shipped and will arrive tomorrow between the hours of call us at "
    "reply STOP to opt out code is valid for minutes thanks for shopping with we "
    "appointment confirmed reminder account balance payment received delivery today "
    "track parcel here new offer save now only this weekend visit our store online "
    "password reset verification login from a new device was detected if this was not you"
)
_WORDS = tuple(_PROSE.split())
_NAMES = ("Anna", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas")
_EXTENSION = "€[]{}~^|\\"
_ACCENTED = ("café", "müde", "señor", "über", "Ålesund", "déjà", "ação", "fiancé", "ólá", "Łódź", "façade")
_WORLD = (
    "🙂",
    "🎉",
    "👍",
    "❤️",
    "📦",
    "你好",
    "订单已发货",
    "验证码",
    "Привет",
    "заказ",
    "доставка",
    "こんにちは",
)


def _sentence(rng: random.Random, length: int) -> list[str]:
    words = [rng.choice(_NAMES) + ","]
    size = len(words[0])
    while size < length:
        word = rng.choice(_WORDS) if rng.random() > 0.1 else str(rng.randrange(10, 999999))
        words.append(word)
        size += len(word) + 1
    return words


def _length(rng: random.Random, mean: float) -> int:
    # Mostly one part, some two or three: a long-tailed spread (a log-normal with sigma
    # 0.5 has its mean at exp(mu + 0.125); mu 4.45 gives about 100 characters).
    mu = 4.45 + math.log(mean / 100)
    return max(12, min(int(4.2 * mean), int(rng.lognormvariate(mu, 0.5))))


def _insert(rng: random.Random, words: list[str], pool: tuple[str, ...] | str, times: int) -> None:
    for _ in range(times):
        words.insert(rng.randrange(len(words) + 1), rng.choice(pool))


def generate(n: int, seed: int = 20240607, mean: float = 100) -> list[str]:
    """``n`` messages in the issue 7 mix, the same for the same ``n``, ``seed`` and
    ``mean`` (the mean length in characters: 100 for issue 7's corpus, 154 for issue 16's)."""
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        roll = rng.random()
        words = _sentence(rng, _length(rng, mean))
        if roll < 0.70:
            pass
        elif roll < 0.80:
            _insert(rng, words, _EXTENSION, rng.randrange(1, 4))
        elif roll < 0.90:
            _insert(rng, words, _ACCENTED, rng.randrange(1, 4))
        else:
            _insert(rng, words, _WORLD, rng.randrange(1, 4))
        texts.append(" ".join(words))
    return texts


def _main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    texts = generate(n)
    ascii_share = sum(t.isascii() for t in texts) / n
    mean = sum(map(len, texts)) / n
    print(f"{n} messages, mean {mean:.1f} characters, {ascii_share:.0%} pure ASCII")


if __name__ == "__main__":
    _main()
