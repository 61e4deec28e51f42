"""The query code: ten digits whose last one catches a misheard digit or two swapped ones."""

from __future__ import annotations

import random

from domain.query_code import new_query_code, normalised, shown


def test_codes_are_ten_digits_with_a_check_digit_and_read_back_as_typed():
    rng = random.Random(7)
    for _ in range(200):
        code = new_query_code(rng)
        assert len(code) == 10 and code.isdigit() and normalised(code) == code
        assert normalised(shown(code)) == code and normalised(code[:4] + "-" + code[4:]) == code
        full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
        assert normalised(full_width) == code
        wrong = code[:3] + str((int(code[3]) + 1) % 10) + code[4:]
        assert normalised(wrong) is None  # one digit misheard
        if code[2] != code[3]:
            assert normalised(code[:2] + code[3] + code[2] + code[4:]) is None or code[2:4] in ("09", "90")
    assert normalised("123") is None and normalised("12345678901") is None
    assert shown("3181049739") == "3181 049 739"

