"""A subject key typed at the counter says what is wrong with it (issue 10 item 15c): its length first,
then a character the identifiers do not use, then the check character."""

from __future__ import annotations

from domain.subject_hint import CHECK_FAILED, refusal_of_subject
from tests import factories


def test_a_good_key_has_no_refusal():
    assert refusal_of_subject(factories.uscc(11)) is None
    assert refusal_of_subject(factories.id_number().lower()) is None  # a lower-case x is normalised


EITHER = "统一社会信用代码或身份证号码应为18位，您输入了"


def test_the_length_is_named_with_what_was_typed():
    good = factories.uscc(12)  # 91320100748526053L: without its last letter, either identifier's start
    assert refusal_of_subject(good[:-1]) == "统一社会信用代码或身份证号码应为18位，您输入了17位，请核对后重新输入"
    assert refusal_of_subject(good[:-2] + good[-1]) == "统一社会信用代码应为18位，您输入了17位，请核对后重新输入"
    assert refusal_of_subject(factories.id_number() + "1").startswith(EITHER + "19位")
    # a letter inside can only be a USCC's
    assert refusal_of_subject("91320100MA1ABCD").startswith("统一社会信用代码应为18位，您输入了15位")
    assert refusal_of_subject("  " + good[:10] + " ").startswith(EITHER + "10位")
    assert refusal_of_subject(factories.id_number()[:-1]).startswith(EITHER + "17位")


def test_a_character_no_identifier_uses_is_pointed_at():
    good = factories.uscc(13)
    assert refusal_of_subject(good[:8] + "I" + good[9:]).startswith("第9位“I”不是")
    assert refusal_of_subject(good[:3] + "-" + good[4:]).startswith("第4位“-”不是")


def test_a_wrong_check_character_is_still_a_failed_check():
    good = factories.uscc(14)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert refusal_of_subject(wrong) == CHECK_FAILED and "校验不通过" in CHECK_FAILED
