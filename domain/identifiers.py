"""Identifier checksums and masking for credit subjects.

A credit subject is keyed by its national identifier: an enterprise (or other organisation) by its
统一社会信用代码 (GB 32100-2015), a natural person by the 公民身份号码 (GB 11643-1999). Refusing a
mistyped key at the door is cheaper than sending an application for a subject that does not exist
to every authority, so every key is checked against the check character its standard defines.

The check characters come from python-stdnum (`stdnum.cn.uscc`, `stdnum.cn.ric`). Its `is_valid`
functions are not used: they accept forms we refuse (lower case, inner blanks and hyphens in a USCC)
and refuse keys we must accept (see `is_valid_uscc` and `is_valid_id_number`). What is left here is
what stdnum lacks: the GB 11714 organisation code, the subject kinds and the masking.

Masking exists because 个人信息保护法 第五十一条 requires technical measures such as
去标识化 for personal information: logs and list views show only enough of an identifier to tell
records apart.
"""

from __future__ import annotations

import re
from enum import StrEnum

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

_DIGITS = "0123456789"

# GB 32100-2015 §4.2: digits and upper-case letters except I, O, Z, S, V (too easily confused with
# 1, 0, 2, 5, U); a character's value is its index in this string.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 表1 登记管理部门代码: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游,
# 7 宗教, 8 工会, 9 工商, A 中央军委改革和编制办公室, N 农业, Y 其他.
USCC_REGISTRATION_DEPARTMENTS = frozenset("123456789ANY")

# GB 11714-1997 §5: body characters are digits or upper-case letters (A–Z valued 10–35).
_ORG_VALUE = {ch: i for i, ch in enumerate(_DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Mainland mobile numbers (工业和信息化部《电信网编号计划》): 11 digits, 1 then 3–9. ASCII digits
# only: `\d` would also accept full-width and other Unicode digits.
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")


class SubjectKind(StrEnum):
    """Which national identifier keys a credit subject."""

    ENTERPRISE = "enterprise"  # 统一社会信用代码 (GB 32100-2015)
    PERSON = "person"  # 公民身份号码 (GB 11643-1999)


def _require(value: str, length: int, allowed: str | dict[str, int], what: str) -> None:
    # stdnum's check-digit functions clean and upper-case their input and ignore surplus characters:
    # a mistyped prefix must raise instead of yielding the check character of some other number.
    if len(value) != length or any(ch not in allowed for ch in value):
        raise ValueError(f"{what} must be {length} characters from the standard's character set: {value!r}")


def org_code_check_char(first8: str) -> str:
    """The check character of an organisation code body (GB 11714-1997 §5; stdnum has no module for it).

    C9 = 11 - (Σ value_i × W_i mod 11), with 10 written as 'X' and 11 as '0'. Unlike the USCC scheme
    this one misses some single substitutions: letters are valued 10–35, so e.g. '1' → 'C' changes
    the sum by 11.
    """
    _require(first8, 8, _ORG_VALUE, "organisation code body")
    check = 11 - sum(_ORG_VALUE[ch] * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_org_code(code9: str) -> bool:
    """Whether `code9` is a 9-character organisation code (no hyphen) with a correct check char."""
    if len(code9) != 9 or any(ch not in _ORG_VALUE for ch in code9[:8]):
        return False
    return org_code_check_char(code9[:8]) == code9[8]


def uscc_check_char(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015 §5.2: weights 3^i mod 31).

    Since 31 is prime, every weight is non-zero mod 31 and character values differ by less than 31,
    every single-character substitution changes the check character.
    """
    _require(first17, 17, USCC_ALPHABET, "unified social credit code prefix")
    return uscc.calc_check_digit(first17)


def is_valid_uscc(code: str) -> bool:
    """Whether `code` is a structurally valid unified social credit code.

    Checked (GB 32100-2015 §4): 18 characters of the alphabet, upper case only (the standard defines
    no lower-case form), position 1 a registration department of 表1, positions 9–17 a valid
    GB 11714-1997 organisation code (the 主体标识码 is the organisation code) and position 18 the
    check character. stdnum checks neither of the middle two, and requires positions 1–8 to be digits,
    which would refuse the A, N and Y departments of 表1 (e.g. N for 农村集体经济组织). Position 2
    (机构类别) and 3–8 (GB/T 2260 division code) are deliberately not checked: their tables are
    amended more often than the standard.
    """
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        return False
    if code[0] not in USCC_REGISTRATION_DEPARTMENTS or not is_valid_org_code(code[8:17]):
        return False
    return uscc.calc_check_digit(code[:17]) == code[17]


def normalize_id(s: str) -> str:
    """Canonical form of a typed identity number: no surrounding blanks, 'x' as 'X'.

    GB 11643-1999 writes the check value 10 as upper-case 'X', but people type it in lower case.
    """
    return s.strip().upper()


def id_number_check_char(first17: str) -> str:
    """The check character of a citizen identity number (GB 11643-1999 §8.2, ISO 7064 MOD 11-2)."""
    _require(first17, 17, _DIGITS, "identity number prefix")
    return ric.calc_check_digit(first17 + "?")  # stdnum's takes a whole number and skips its last char


def is_valid_id_number(s: str) -> bool:
    """Whether `s` (after `normalize_id`) is an 18-character citizen identity number.

    GB 11643-1999 §4: 6-digit address code, 8-digit birth date (must be a real calendar date),
    3-digit sequence code and the check character. 15-digit first-generation numbers are not
    accepted: first-generation cards stopped being valid on 2013-01-01 (居民身份证法 and 公安部公告).
    The address code is not checked, unlike stdnum's `ric.is_valid`: its own GB/T 2260 table refuses
    the standard's example 440524188001010014 and raises KeyError on some codes, and refusing a real
    person over a stale table is worse than letting an authority refuse a mistyped district.
    """
    s = normalize_id(s)
    if len(s) != 18 or any(ch not in _DIGITS for ch in s[:17]) or id_number_check_char(s[:17]) != s[17]:
        return False
    try:
        ric.get_birth_date(s)
    except ValidationError:
        return False
    return True


def checked_subject(key: str) -> str:
    """The normalised key of a subject named by a caller, or INVALID_SUBJECT when no check passes: every
    route that takes a subject from outside starts here."""
    from domain.errors import Code, DomainError

    normal = normalize_id(key)
    if not subject_kinds(normal):
        raise DomainError(Code.INVALID_SUBJECT)
    return normal


def subject_kinds(key: str) -> frozenset[SubjectKind]:
    """Every kind whose checks the (normalised) key passes.

    An all-digit key can pass both checks: roughly one valid identity number in 341 (1/31 for the
    USCC check times 1/11 for the inner organisation code check) is also a structurally valid USCC.
    """
    key = normalize_id(key)
    checks = ((SubjectKind.ENTERPRISE, is_valid_uscc), (SubjectKind.PERSON, is_valid_id_number))
    return frozenset(kind for kind, valid in checks if valid(key))


def classify_subject_key(key: str) -> SubjectKind | None:
    """Which kind of subject a validly checksummed key identifies.

    None when the key passes no check, and also when it passes both (see `subject_kinds`): guessing
    would route a person's application as an enterprise's or vice versa, so the caller must decide
    from context (e.g. which form the applicant filled in).
    """
    kinds = subject_kinds(key)
    return next(iter(kinds)) if len(kinds) == 1 else None


def _mask(s: str, keep_head: int, keep_tail: int) -> str:
    if len(s) <= keep_head + keep_tail:
        return "*" * len(s)
    return s[:keep_head] + "*" * (len(s) - keep_head - keep_tail) + s[-keep_tail:]


def mask_id_number(s: str) -> str:
    """Identity number for logs and lists: first 4 (province and city) and last 4 kept.

    Hides the birth date and district (个人信息保护法 第二十八条: identity numbers are sensitive
    personal information). A value too short to mask meaningfully is hidden entirely.
    """
    return _mask(s.strip(), 4, 4)


def mask_phone(s: str) -> str:
    """Phone number for logs and lists: first 3 (carrier prefix) and last 4 kept, e.g. 138****5678."""
    return _mask(s.strip(), 3, 4)


def is_valid_mobile(s: str) -> bool:
    """Whether `s` is a mainland mobile number: 11 ASCII digits starting with 1[3-9]."""
    return _MOBILE_RE.fullmatch(s) is not None


def shown_subject_key(key: str) -> str:
    """A subject's key wherever it is shown or answered to someone: a person's ID number masked, a USCC (a
    public code) whole. One rule for the pages, the API's answers and the lists."""
    return mask_id_number(key) if subject_kinds(key) == {SubjectKind.PERSON} else key
