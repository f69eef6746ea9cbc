"""统一社会信用代码 (GB 32100-2015): 18 characters with a check character.

Layout: registration authority (1) + organisation type (1) + administrative
division code (6 digits) + organisation code (9) + check character (1). The
alphabet leaves out I, O, Z, S and V so codes are not misread.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class InvalidCreditCode(ValueError):
    """The text is not a valid unified social credit code; the message says why."""


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    remainder = 31 - total % 31
    return ALPHABET[0 if remainder == 31 else remainder]


def normalise_credit_code(text: str) -> str:
    """Return the code upper-cased and stripped, or raise ``InvalidCreditCode``."""
    code = (text or "").strip().upper()
    if len(code) != 18:
        raise InvalidCreditCode("length")
    if any(char not in ALPHABET for char in code):
        raise InvalidCreditCode("characters")
    if not code[2:8].isdigit():
        raise InvalidCreditCode("division")
    if check_character(code[:17]) != code[17]:
        raise InvalidCreditCode("check")
    return code
