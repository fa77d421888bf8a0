"""Amounts in words, as an accountant writes them: "Семьсот пятьдесят восемь тысяч
пятьсот сорок один рубль 04 копейки" / "Seven hundred and fifty-eight thousand, five
hundred and forty-one roubles 04 kopeks" (num2words; the kopecks in figures)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def amount_in_words(amount: Decimal, lang: str) -> str:
    from num2words import num2words

    value = abs(Decimal(amount)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    text = num2words(value, lang="ru" if lang == "ru" else "en", to="currency",
                     currency="RUB", cents=False, separator="")
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]
