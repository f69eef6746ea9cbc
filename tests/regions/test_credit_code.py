import pytest

from lms.regions.credit_code import InvalidCreditCode, normalise_credit_code

# Codes published on company registration records.
VALID = ["91110108551385082Q", "91440300708461136T"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert normalise_credit_code(code) == code


def test_lowercase_is_normalised():
    assert normalise_credit_code(" 91110108551385082q ") == "91110108551385082Q"


@pytest.mark.parametrize(
    "code, reason",
    [
        ("91110108551385082R", "check"),
        ("91110108551385083Q", "check"),
        ("9111010855138508Q", "length"),
        ("91110108551385O82Q", "characters"),  # letter O is not in the alphabet
        ("911A0108551385082Q", "division"),
    ],
)
def test_invalid_codes_name_the_reason(code, reason):
    with pytest.raises(InvalidCreditCode, match=reason):
        normalise_credit_code(code)
