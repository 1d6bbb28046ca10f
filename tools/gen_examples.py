"""Generate the bundled example data: ``examples/messages.txt`` and ``examples/messages.csv``.

A few thousand realistic messages in several languages, the mix a gateway sees: plain
ASCII notifications and one-time codes, text with GSM-7 extension characters (€, [ ],
{ }), accented Latin (some in the GSM-7 default alphabet, some forcing UCS-2), Turkish
and Hindi (which national language tables can carry), emoji, Cyrillic, Greek and CJK,
and typographic punctuation that smart encoding replaces.  Seeded, so the files are
reproducible:

    python tools/gen_examples.py
"""

from __future__ import annotations

import csv
import pathlib
import random

ROOT = pathlib.Path(__file__).resolve().parent.parent
COUNT = 3000
SEED = 23038  # TS 23.038, for luck

NAMES = [
    "Anna",
    "Ben",
    "Chloé",
    "Dmitri",
    "Émile",
    "Fatma",
    "Giulia",
    "Hiro",
    "Inés",
    "Jonas",
    "Zoë",
    "Øystein",
]
SHOPS = ["Acme", "BlueMart", "Café Noir", "Nordlys", "Sol y Mar", "Kaufhaus", "TechHub"]

TEMPLATES: dict[str, list[str]] = {
    # Plain GSM-7, mostly ASCII.
    "en": [
        "Your verification code is {code}. It expires in 10 minutes. Do not share it with anyone.",
        "Hi {name}, your order #{order} has shipped and will arrive on {day}. Track it at https://trk.example/{order}",
        "{shop}: your appointment is confirmed for {day} at {hour}:00. Reply C to cancel or R to reschedule.",
        "Reminder: your payment of ${amount} is due on {day}. Pay online at https://pay.example/{order}",
        "{shop} SALE! 30% off everything this weekend only. Show this text in store. Reply STOP to opt out.",
        "Your table for {n} at {shop} is booked for {hour}:30 tonight. See you soon!",
        "Alert: a sign-in to your account from a new device. If this was not you, call us at +44 20 7946 0{code3}.",
        "Hello {name}! Thanks for joining {shop} rewards. You have {n}00 points. Check your balance any time by replying BAL.",
    ],
    # GSM-7 with extension characters: each costs two septets.
    "ext": [
        "Your invoice of €{amount} is ready. Pay by {day} to avoid a €5 late fee.",
        "Code [{code}] is valid for {n} minutes. Use it at {{checkout}}.",
        "Price drop: {shop} headphones now €{amount} (was €{amount2}) ~ limited stock | order today",
        "Balance: €{amount}. Last transaction: €{amount2} at {shop}. Questions? Reply HELP ^_^",
    ],
    # Accented Latin inside the GSM-7 default alphabet (é è ü ñ ß Ä Ö Å ...).
    "latin_gsm": [
        "Hallo {name}, Ihre Bestellung bei {shop} ist unterwegs. Voraussichtliche Zustellung: {day}. Grüße!",
        "Bonjour {name}, votre rendez-vous est confirmé pour {day} à {hour}h. Répondez ANNULER pour annuler.",
        "Hola {name}, tu pedido {order} está en camino. ¿Dudas? Escríbenos. ¡Gracias!",
        "Hej {name}! Din beställning från {shop} är på väg. Mvh, kundtjänst",
    ],
    # Accented Latin outside GSM-7: forces UCS-2 (á í ó ú ê ã ç ő ...).
    "latin_ucs2": [
        "Olá {name}, o seu código é {code}. Não o partilhe com ninguém. Obrigado!",
        "Cześć {name}, Twoja przesyłka {order} została nadana. Dziękujemy za zakupy w {shop}.",
        "Dobrý den, vaše objednávka č. {order} byla odeslána. Děkujeme, {shop}.",
        "Sayın {name}, {order} numaralı siparişiniz kargoya verildi. Teşekkür ederiz!",
    ],
    # Typographic punctuation that smart encoding replaces.
    "smart": [
        "“Thanks for shopping at {shop}” – your receipt #{order} is ready… see you soon!",
        "{name}’s package couldn’t be delivered — we’ll try again on {day}.",
        "Don’t miss out: 2-for-1 at {shop} until {day} • Reply STOP to opt out",
    ],
    "emoji": [
        "Happy birthday {name}! 🎉🎂 Enjoy 20% off at {shop} today 🎁",
        "Your ride is arriving in {n} min 🚗 Driver: {name}, plate {code3}XYZ",
        "Great news {name} 😀 your order #{order} is ready for pickup 📦",
    ],
    "cyrillic": [
        "Ваш код подтверждения: {code}. Никому не сообщайте его.",
        "Здравствуйте, {name}! Ваш заказ {order} доставлен. Спасибо за покупку!",
    ],
    "greek": [
        "Ο κωδικός σας είναι {code}. Ισχύει για {n} λεπτά.",
    ],
    "cjk": [
        "您的验证码是{code}，{n}分钟内有效。请勿泄露。",
        "【{shop}】ご注文{order}を発送しました。ありがとうございます。",
    ],
    "hindi": [
        "आपका ओटीपी {code} है। इसे किसी के साथ साझा न करें।",
        "नमस्ते {name}, आपका ऑर्डर {order} भेज दिया गया है। धन्यवाद!",
    ],
}

# Roughly the mix of a European/global gateway: mostly plain GSM-7.
WEIGHTS = {
    "en": 55, "ext": 10, "latin_gsm": 8, "latin_ucs2": 6, "smart": 6,
    "emoji": 6, "cyrillic": 3, "greek": 1, "cjk": 3, "hindi": 2,
}  # fmt: skip


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        code=f"{rng.randrange(10**6):06d}",
        code3=f"{rng.randrange(1000):03d}",
        name=rng.choice(NAMES),
        shop=rng.choice(SHOPS),
        order=rng.randrange(10**5, 10**6),
        day=rng.choice(["Monday", "12/03", "tomorrow", "Friday 14 June"]),
        hour=rng.randrange(8, 20),
        n=rng.randrange(2, 9),
        amount=f"{rng.randrange(5, 900)}.{rng.randrange(100):02d}",
        amount2=f"{rng.randrange(5, 900)}.{rng.randrange(100):02d}",
    )


def generate(count: int = COUNT, seed: int = SEED) -> list[tuple[str, str]]:
    """``count`` (kind, text) pairs; about one in six is a long (multi-part) message."""
    rng = random.Random(seed)
    kinds = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in kinds]
    out = []
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        text = _fill(rng.choice(TEMPLATES[kind]), rng)
        if rng.random() < 0.17:  # newsletters and long notices run to several parts
            text = " ".join(
                [text] + [_fill(rng.choice(TEMPLATES[kind]), rng) for _ in range(rng.randrange(1, 4))]
            )
        out.append((kind, text))
    return out


def main() -> None:
    rows = generate()
    examples = ROOT / "examples"
    examples.mkdir(exist_ok=True)
    with (examples / "messages.txt").open("w", encoding="utf-8", newline="\n") as f:
        for _kind, text in rows:
            f.write(text + "\n")
    with (examples / "messages.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "kind", "text"])
        for i, (kind, text) in enumerate(rows, 1):
            writer.writerow([i, kind, text])


if __name__ == "__main__":
    main()
