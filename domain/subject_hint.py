"""Why a typed subject key is refused, in words a counter clerk can act on.

"校验不通过" alone sends the clerk hunting through 18 characters; most slips are a character missed or
added, or a letter the standard does not use, and saying which is cheaper than a second look at the
licence. Both identifiers are 18 characters (GB 32100-2015 §4; GB 11643-1999 §4), so the length is
checked first, then the characters, and only then the check character.
"""

from __future__ import annotations

from domain.identifiers import USCC_ALPHABET, normalize_id, subject_kinds

LENGTH = 18
CHECK_FAILED = "统一社会信用代码或身份证号码校验不通过，请逐位核对后重新输入"


def refusal_of_subject(typed: str) -> str | None:
    """The Chinese reason `typed` names no subject, or None when it passes a check (`subject_kinds`).

    A key with a letter can only be a USCC (an ID number has digits and a final X), so its length is
    stated for the USCC; a key of digits may be either and both are named."""
    key = normalize_id(typed)
    if subject_kinds(key):
        return None
    has_letter = any(ch.isalpha() for ch in key[:-1]) or (key[-1:].isalpha() and key[-1:] != "X")
    if len(key) != LENGTH:
        what = "统一社会信用代码" if has_letter else "统一社会信用代码或身份证号码"
        return f"{what}应为{LENGTH}位，您输入了{len(key)}位，请核对后重新输入"
    for position, ch in enumerate(key, start=1):
        if ch not in USCC_ALPHABET:
            return (f"第{position}位“{ch}”不是统一社会信用代码或身份证号码中使用的字符"
                    "（只用数字和大写字母，不用 I、O、Z、S、V），请核对后重新输入")
    return CHECK_FAILED
