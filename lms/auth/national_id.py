"""居民身份证号码 (GB 11643-1999): validation and what the number encodes.

18 characters: 6-digit address code, 8-digit birth date, 3-digit sequence (odd
for men, even for women) and a check character computed over the first 17
digits. The old 15-digit numbers have no check character and are refused:
every trainee record must carry a number that can be checked.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


# What each refusal tells the person who typed the number (forms and imports).
REASON_MESSAGES = {
    "length": _l("A resident ID number has 18 characters."),
    "fifteen_digit": _l("Old 15-digit ID numbers are not accepted: enter the 18-character number."),
    "characters": _l("Only digits, and X as the last character, are allowed."),
    "birth_date": _l("Characters 7–14 are not a real date of birth."),
    "check": _l("The last character does not match: please check the number for a typing error."),
}


class InvalidNationalId(ValueError):
    """Why a number is not a valid resident ID; ``reason`` is a stable code
    and ``message`` says it to the person who typed the number."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self):
        return REASON_MESSAGES[self.reason]


@dataclass(frozen=True)
class NationalId:
    number: str
    birth_date: date
    sex: str  # "M" or "F"

    @property
    def address_code(self) -> str:
        return self.number[:6]


def check_character(first17: str) -> str:
    """The check character for 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse_national_id(text: str, *, today: date | None = None) -> NationalId:
    """Validate a resident ID number and derive its birth date and sex.

    Accepts a lowercase ``x`` and surrounding spaces; raises ``InvalidNationalId``
    with reason ``length``, ``fifteen_digit``, ``characters``, ``birth_date`` or
    ``check``.
    """
    number = (text or "").strip().upper()
    if len(number) == 15 and number.isdigit():
        raise InvalidNationalId("fifteen_digit")
    if len(number) != 18:
        raise InvalidNationalId("length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidNationalId("characters")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidNationalId("birth_date") from None
    today = today or date.today()
    if born > today or born.year < 1800:
        raise InvalidNationalId("birth_date")
    if check_character(number[:17]) != number[17]:
        raise InvalidNationalId("check")
    return NationalId(number=number, birth_date=born, sex="M" if int(number[16]) % 2 else "F")
