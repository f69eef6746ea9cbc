"""Names and other identity text (a person's name, an institution's name, an
account's display name): one rule for every way in — forms, services, the
CLI and imports — because these strings end up on certificates.

The text is normalised to NFC and stripped, then refused when it holds a
character that is invisible or that changes how the text around it is shown:
control characters (NUL, tabs, new lines), format characters (bidi overrides
such as U+202E, zero-width spaces and joiners, the BOM), private-use and
surrogate code points, unassigned code points, line and paragraph
separators, or a pile of combining marks on one character ("Zalgo" text).

Real names keep working: the middle dot of transcribed minority names
(买买提·艾力), rare characters outside the BMP (𠀾) and accented Latin letters.
"""

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

# Cc control, Cf format (bidi, zero-width), Co private use, Cs surrogate,
# Cn unassigned, Zl/Zp line and paragraph separators (they break a line
# wherever the name is printed).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
_COMBINING_MARKS = frozenset({"Mn", "Me"})

# After NFC most accented letters are one character; the letters that stay
# decomposed carry one or two marks (Vietnamese ệ has two at most), while
# "Zalgo" text stacks dozens that spill over the lines above and below.
MAX_STACKED_MARKS = 2

# Planes 2 and 3 are reserved for CJK ideographs. New extensions (Ext H, I …,
# which hold rare characters used in names) are "unassigned" to a Python whose
# Unicode tables are older than the standard; such a character must still be
# accepted, so an unassigned code point there is taken as an ideograph.
_IDEOGRAPH_PLANES = range(0x20000, 0x40000)

MESSAGES = {
    "invisible": _l("%(field)s contains invisible or control characters."),
    "marks": _l("%(field)s has too many accent marks stacked on one character."),
}


class UnsafeName(ValueError):
    """The text is refused; ``str(error)`` names the field and says why."""

    def __init__(self, reason: str, label: str):
        super().__init__(reason)
        self.reason = reason
        self.label = label

    def __str__(self) -> str:
        return str(MESSAGES[self.reason]) % {"field": self.label}


def name_problem(text: str) -> str | None:
    """Why ``text`` (already NFC) is no good as a name: a ``MESSAGES`` key, or None."""
    stacked = 0
    for char in text:
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES and not (category == "Cn" and ord(char) in _IDEOGRAPH_PLANES):
            return "invisible"
        stacked = stacked + 1 if category in _COMBINING_MARKS else 0
        if stacked > MAX_STACKED_MARKS:
            return "marks"
    return None


def clean_name(value: str | None, *, label: str) -> str:
    """``value`` normalised (NFC) and stripped; raises ``UnsafeName`` naming
    the field (``label``, as the user sees it) when the rule above refuses it."""
    text = unicodedata.normalize("NFC", value or "").strip()
    problem = name_problem(text)
    if problem:
        raise UnsafeName(problem, label)
    return text


class CleanName:
    """WTForms validator: cleans the field's data in place (put it after
    ``DataRequired`` and before ``Length``, so the length is the cleaned one)."""

    def __call__(self, form, field) -> None:
        try:
            field.data = clean_name(field.data, label=field.label.text)
        except UnsafeName as error:
            raise ValidationError(str(error)) from None
