from datetime import date

import pytest

from lms.auth.national_id import InvalidNationalId, check_character, parse_national_id

# Published examples of valid numbers (GB 11643-1999 worked examples and textbooks).
VALID = ["11010519491231002X", "440524188001010014", "130102199003078013"]


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass(number):
    assert parse_national_id(number).number == number


def test_birth_date_and_sex_are_derived():
    parsed = parse_national_id("11010519491231002X")
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "F"  # 002: even sequence
    assert parse_national_id("440524188001010014").sex == "M"  # 001: odd


def test_lowercase_x_and_spaces_are_accepted():
    assert parse_national_id(" 11010519491231002x ").number == "11010519491231002X"


@pytest.mark.parametrize(
    "number, reason",
    [
        ("110105194912310021", "check"),  # last digit altered
        ("11010519491231002Y", "characters"),
        ("1101051949123100", "length"),
        ("130102900307123", "fifteen_digit"),
        (_with_check("13010219900230123"), "birth_date"),  # 30 February
        (_with_check("13010229990101123"), "birth_date"),  # born in the future
        ("", "length"),
    ],
)
def test_invalid_numbers_name_the_reason(number, reason):
    with pytest.raises(InvalidNationalId) as caught:
        parse_national_id(number, today=date(2026, 11, 23))
    assert caught.value.reason == reason


def test_every_single_digit_typo_is_caught():
    number = "130102199003078013"
    for position in range(17):
        digit = int(number[position])
        typo = number[:position] + str((digit + 1) % 10) + number[position + 1:]
        with pytest.raises(InvalidNationalId):
            parse_national_id(typo)
