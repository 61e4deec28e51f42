"""Checksums of GB 32100 / GB 11714 / GB 11643 identifiers, subject classification and masking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.identifiers import (
    USCC_ALPHABET,
    USCC_REGISTRATION_DEPARTMENTS,
    SubjectKind,
    classify_subject_key,
    id_number_check_char,
    is_valid_id_number,
    is_valid_mobile,
    is_valid_org_code,
    is_valid_uscc,
    mask_id_number,
    mask_phone,
    normalize_id,
    org_code_check_char,
    subject_kinds,
    uscc_check_char,
)

SAMPLE_USCC = "91350100M000100Y43"  # the sample published with GB 32100-2015
DIGITS = "0123456789"
ORG_CHARS = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --- GB 11714 organisation code ---


def test_org_code_standard_example() -> None:
    # GB 11714-1997's worked example: D2143569 → check X (sum 199, 199 mod 11 = 1, 11 - 1 = 10).
    assert org_code_check_char("D2143569") == "X"
    assert is_valid_org_code("D2143569X")
    assert not is_valid_org_code("D21435690")
    assert not is_valid_org_code("D2143569-X")  # the hyphenated display form is not a code9


def test_org_code_check_value_11_is_zero() -> None:
    body = next(f"{i:08d}" for i in range(1000) if org_code_check_char(f"{i:08d}") == "0")
    total = sum(int(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    assert total % 11 == 0  # 11 - 0 = 11 → '0'


def test_org_code_misses_some_letter_substitutions() -> None:
    # Letters are valued 10–35, so '0' ↔ 'B' (0 vs 11) changes the sum by a multiple of 11: the
    # GB 11714 check alone cannot catch it. Documented so nobody relies on it for that.
    assert is_valid_org_code("D2143569X")
    swapped = "D2143569X".replace("1", "C", 1)  # 1 (value 1) → C (value 12): difference 11
    assert is_valid_org_code(swapped)


def test_org_code_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        org_code_check_char("d2143569")
    with pytest.raises(ValueError):
        org_code_check_char("D214356")
    assert not is_valid_org_code("")
    assert not is_valid_org_code("d2143569X")


# --- GB 32100 unified social credit code ---


def test_published_sample_uscc_is_valid() -> None:
    assert uscc_check_char(SAMPLE_USCC[:17]) == "3"
    assert is_valid_org_code(SAMPLE_USCC[8:17])  # M000100Y → 4 (sum 139, 11 - 139 mod 11 = 4)
    assert is_valid_uscc(SAMPLE_USCC)
    assert classify_subject_key(SAMPLE_USCC) is SubjectKind.ENTERPRISE


def test_uscc_weights_are_powers_of_three() -> None:
    # Prefix with a single 1 at position i: the check is 31 - 3^i mod 31.
    for i in range(17):
        prefix = "0" * i + "1" + "0" * (16 - i)
        assert uscc_check_char(prefix) == USCC_ALPHABET[(31 - pow(3, i, 31)) % 31]
    assert uscc_check_char("0" * 17) == "0"  # 31 → 0


def test_uscc_wrong_check_char_refused() -> None:
    for ch in USCC_ALPHABET:
        if ch != "3":
            assert not is_valid_uscc(SAMPLE_USCC[:17] + ch)


def test_uscc_inner_org_code_checked_even_with_matching_outer_check() -> None:
    inner_bad = SAMPLE_USCC[:16] + "5"  # org code M000100Y5: wrong GB 11714 check
    code = inner_bad + uscc_check_char(inner_bad)
    assert uscc_check_char(code[:17]) == code[17]
    assert not is_valid_org_code(code[8:17])
    assert not is_valid_uscc(code)


def test_uscc_structure() -> None:
    assert not is_valid_uscc(SAMPLE_USCC.lower())
    assert not is_valid_uscc(SAMPLE_USCC[:17])
    assert not is_valid_uscc(SAMPLE_USCC + "0")
    assert not is_valid_uscc(" " + SAMPLE_USCC)
    for letter in "IOZSV":  # not in the GB 32100 alphabet
        assert not is_valid_uscc(SAMPLE_USCC.replace("M", letter))
    bad_department = "B" + SAMPLE_USCC[1:17]
    assert not is_valid_uscc(bad_department + uscc_check_char(bad_department))
    with pytest.raises(ValueError):
        uscc_check_char("I" * 17)


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    department = draw(st.sampled_from(sorted(USCC_REGISTRATION_DEPARTMENTS)))
    head = draw(st.text(alphabet=USCC_ALPHABET, min_size=7, max_size=7))
    org_body = draw(st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8))
    prefix = department + head + org_body + org_code_check_char(org_body)
    return prefix + uscc_check_char(prefix)


@settings(max_examples=200, deadline=None)
@given(valid_usccs())
def test_uscc_prefix_plus_computed_check_is_valid(code: str) -> None:
    assert is_valid_uscc(code)
    assert classify_subject_key(code) in (SubjectKind.ENTERPRISE, None)  # None only if also an ID
    assert SubjectKind.ENTERPRISE in subject_kinds(code)


@settings(max_examples=200, deadline=None)
@given(valid_usccs(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_uscc_any_single_substitution_is_detected(code: str, pos: int, ch: str) -> None:
    # 31 is prime, weights 3^i are non-zero mod 31 and values differ by less than 31, so the sum
    # mod 31 always changes; a changed check character no longer matches the unchanged sum.
    if code[pos] == ch:
        return
    changed = code[:pos] + ch + code[pos + 1 :]
    assert not is_valid_uscc(changed)


# --- GB 11643 identity number ---


def test_id_number_standard_examples() -> None:
    assert id_number_check_char("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002X")
    assert id_number_check_char("44052418800101001") == "4"
    assert is_valid_id_number("440524188001010014")
    assert classify_subject_key("440524188001010014") is SubjectKind.PERSON


def test_lowercase_x_accepted() -> None:
    assert normalize_id(" 11010519491231002x \n") == "11010519491231002X"
    assert is_valid_id_number("11010519491231002x")
    assert is_valid_id_number(" 11010519491231002X ")
    assert classify_subject_key("11010519491231002x") is SubjectKind.PERSON


def test_wrong_id_check_char_refused() -> None:
    for ch in DIGITS + "X":
        if ch != "X":
            assert not is_valid_id_number("11010519491231002" + ch)


@pytest.mark.parametrize(
    "birth",
    ["19490230", "20230229", "19491301", "19490001", "19491200", "00000101", "1949123A"],
)
def test_bad_birth_dates_refused(birth: str) -> None:
    prefix = "110105" + birth + "002"
    if all(c in DIGITS for c in prefix):
        assert not is_valid_id_number(prefix + id_number_check_char(prefix))
    else:
        assert not is_valid_id_number(prefix + "X")


def test_leap_day_birth_date_accepted() -> None:
    prefix = "32010220000229123"
    assert is_valid_id_number(prefix + id_number_check_char(prefix))


def test_id_number_refuses_non_ascii_digits_and_old_format() -> None:
    assert not is_valid_id_number("１１０１０５１９４９１２３１００２Ｘ")  # full-width
    assert not is_valid_id_number("110105491231002")  # 15-digit first generation
    assert not is_valid_id_number("")
    with pytest.raises(ValueError):
        id_number_check_char("1101051949123100X")


@st.composite
def valid_id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.text(alphabet=DIGITS, min_size=6, max_size=6))
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
    seq = draw(st.text(alphabet=DIGITS, min_size=3, max_size=3))
    prefix = region + birth.strftime("%Y%m%d") + seq
    return prefix + id_number_check_char(prefix)


@settings(max_examples=200, deadline=None)
@given(valid_id_numbers())
def test_id_prefix_plus_computed_check_is_valid(number: str) -> None:
    assert is_valid_id_number(number)
    assert is_valid_id_number(number.lower())
    assert SubjectKind.PERSON in subject_kinds(number)


@settings(max_examples=200, deadline=None)
@given(valid_id_numbers(), st.integers(0, 17), st.sampled_from(DIGITS + "X"))
def test_id_any_single_substitution_is_detected(number: str, pos: int, ch: str) -> None:
    # 11 is prime, weights 2^k are non-zero mod 11 and digits differ by at most 9.
    if number[pos] == ch:
        return
    assert not is_valid_id_number(number[:pos] + ch + number[pos + 1 :])


# --- subject keys ---


def test_classify_invalid_keys() -> None:
    for key in ["", "abc", SAMPLE_USCC[:17] + "0", "110105194912310021", "13812345678"]:
        assert classify_subject_key(key) is None
        assert subject_kinds(key) == frozenset()


def test_key_valid_as_both_kinds_is_not_guessed() -> None:
    # A well-formed identity number (born 1990-01-01) that also satisfies every GB 32100 check:
    # registration department 1, inner organisation code 90010101-8, outer check X.
    key = "11369219900101018X"
    assert is_valid_id_number(key)
    assert is_valid_uscc(key)
    assert subject_kinds(key) == {SubjectKind.ENTERPRISE, SubjectKind.PERSON}
    assert classify_subject_key(key) is None


def test_subject_kind_values() -> None:
    assert SubjectKind.ENTERPRISE == "enterprise"
    assert SubjectKind("person") is SubjectKind.PERSON


# --- masking and mobiles ---


def test_mask_id_number() -> None:
    assert mask_id_number("320102199001011234") == "3201**********1234"
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_id_number(" 320102199001011234 ") == "3201**********1234"
    assert mask_id_number("12345678") == "********"
    assert mask_id_number("") == ""


def test_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("025-83456789") == "025*****6789"
    assert mask_phone("1234567") == "*******"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=DIGITS + "X", min_size=9, max_size=30))
def test_masks_keep_length_and_hide_the_middle(s: str) -> None:
    masked = mask_id_number(s)
    assert len(masked) == len(s)
    assert masked[:4] == s[:4] and masked[-4:] == s[-4:]
    assert set(masked[4:-4]) <= {"*"}


def test_is_valid_mobile() -> None:
    assert is_valid_mobile("13812345678")
    assert is_valid_mobile("19912345678")
    assert not is_valid_mobile("12812345678")  # 1[3-9] only
    assert not is_valid_mobile("23812345678")
    assert not is_valid_mobile("1381234567")
    assert not is_valid_mobile("138123456789")
    assert not is_valid_mobile("13812345678\n")
    assert not is_valid_mobile("１３８１２３４５６７８")  # full-width digits
    assert not is_valid_mobile("+8613812345678")


# --- where python-stdnum's rules differ from ours ---


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=DIGITS, min_size=17, max_size=17))
def test_id_check_char_is_the_gb_11643_formula(prefix: str) -> None:
    # Independent of stdnum: Σ d_k × 2^(17-k) mod 11 indexes "10X98765432" (GB 11643-1999 §8.2).
    total = sum(int(d) * pow(2, 17 - k, 11) for k, d in enumerate(prefix))
    assert id_number_check_char(prefix) == "10X98765432"[total % 11]


def test_uscc_departments_stdnum_refuses_are_accepted() -> None:
    # stdnum requires positions 1–8 to be digits; GB 32100 表1 also has A, N and Y departments.
    for department in "ANY":
        prefix = department + SAMPLE_USCC[1:17]
        assert is_valid_uscc(prefix + uscc_check_char(prefix))


def test_uscc_forms_stdnum_accepts_are_refused() -> None:
    assert not is_valid_uscc("9135 0100-M000100Y43")  # stdnum strips blanks and hyphens
    assert not is_valid_uscc("91350100m000100y43")  # and upper-cases


def test_id_address_code_is_not_checked_against_a_table() -> None:
    # stdnum's GB/T 2260 table refuses the standard's own example (440524 did not exist in 1880) and
    # raises KeyError on 113692; neither is a reason to refuse a person.
    assert is_valid_id_number("440524188001010014")
    assert is_valid_id_number("11369219900101018X")
    prefix = "99999919900101123"
    assert is_valid_id_number(prefix + id_number_check_char(prefix))


def test_check_char_helpers_refuse_what_stdnum_would_clean() -> None:
    # stdnum's check-digit functions clean their input and ignore surplus characters, int() takes "_".
    prefix = SAMPLE_USCC[:17]
    for bad in [prefix[:4] + " " + prefix[5:], prefix.lower(), prefix[:16], prefix + "3"]:
        with pytest.raises(ValueError):
            uscc_check_char(bad)
    for bad in ["1101051949123100", "110105194912310021", "1101051949_231002", " 1101051949123100"]:
        with pytest.raises(ValueError):
            id_number_check_char(bad)
