"""Text rules of domain/text.py."""

from __future__ import annotations


def test_a_reason_quoted_in_our_sentence_loses_its_closing_mark_and_an_sms_cuts_it():
    from domain.text import as_clause

    assert as_clause("材料不全。") == "材料不全" and as_clause("请补充缴款凭证；") == "请补充缴款凭证"
    assert as_clause("第一，缺少证明\n第二，缺少承诺书。") == "第一，缺少证明 第二，缺少承诺书"
    long = as_clause("缺" * 80, 60)
    assert len(long) == 60 and long.endswith("…")
