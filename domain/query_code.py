"""The query code (查询码) of an application: what a person reads out to the 12345 hotline or a counter
instead of `app_` and twenty hex characters.

Ten digits, the last a Luhn check digit (python-stdnum), so that a digit misheard or two swapped on the
phone is caught before a lookup rather than finding someone else's application. Shown in groups of four,
three and three, as people read phone numbers. It names an application; it is not a secret: whoever looks
one up also checks the caller (the last digits of the contact phone)."""

from __future__ import annotations

import random

from stdnum import luhn
from stdnum.exceptions import ValidationError

DIGITS = 10


def new_query_code(rng: random.Random | random.SystemRandom | None = None) -> str:
    """A fresh code (unique in the store: services/filing.py draws again on a clash)."""
    body = "".join((rng or random.SystemRandom()).choice("0123456789") for _ in range(DIGITS - 1))
    return body + luhn.calc_check_digit(body)


def normalised(text: str) -> str | None:
    """The code as typed or read out (spaces, dashes, full-width digits) in its stored form, or None when it
    is not one (wrong length or check digit)."""
    digits = "".join(str(int(ch)) for ch in text if ch.isdigit())
    if len(digits) != DIGITS:
        return None
    try:
        return str(luhn.validate(digits))
    except ValidationError:
        return None


def shown(code: str) -> str:
    return f"{code[:4]} {code[4:7]} {code[7:]}" if len(code) == DIGITS else code
