"""Certificate numbers, allocated inside the issuing transaction.

Skill-level certificates (职业技能等级证书) use the national 22-character format:

    S 0001 13 000001 26 4 000123
    | |    |  |      |  | └ sequence, 6 digits, per prefix (never reused)
    | |    |  |      |  └ level 1–5
    | |    |  |      └ year of issue, 2 digits
    | |    |  └ evaluation site serial, 6 digits   (LMS_CERTS_SITE_SERIAL)
    | |    └ province code, Hebei = 13
    | └ evaluation body code, 4 digits             (LMS_CERTS_EVALUATION_BODY_CODE)
    └ Y employer / S social training-evaluation organisation (LMS_CERTS_ORG_TYPE)

Training certificates (培训合格证书) and awards use the project's own format, 15
characters, readable at a glance and never confused with a national number
(they start with letters that the national format never has in position 2):

    PX 13 FC 26 0000123      PX training / JS award (竞赛)
    |  |  |  |  └ sequence, 7 digits, per prefix
    |  |  |  └ year of issue
    |  |  └ category: CG caregiver, IH institution head, FC family caregiver,
    |  |    SW social worker, AW award
    |  └ province code
    └ kind

A number alone proves nothing: verification needs its signature (signing.py).
"""

import re
from datetime import date

from flask import current_app
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from lms.certs.models import CertificateKind, NumberSequence
from lms.extensions import db

PROVINCE_CODE = "13"
SKILL_LEVEL_PATTERN = re.compile(r"^[YS]\d{4}13\d{6}\d{2}[1-5]\d{6}$")
OWN_PATTERN = re.compile(r"^(PX|JS)13(CG|IH|FC|SW|AW)\d{2}\d{7}$")
CATEGORY_CODES = {"caregiver": "CG", "institution_head": "IH", "family_caregiver": "FC",
                  "social_worker": "SW", "award": "AW"}


class NumberingError(RuntimeError):
    """The number cannot be made: bad configuration or an exhausted sequence."""


def _settings() -> tuple[str, str, str]:
    org, body, site = (current_app.config["CERTS_ORG_TYPE"],
                       current_app.config["CERTS_EVALUATION_BODY_CODE"],
                       current_app.config["CERTS_SITE_SERIAL"])
    if org not in ("Y", "S") or not re.fullmatch(r"\d{4}", body) or not re.fullmatch(r"\d{6}", site):
        raise NumberingError("LMS_CERTS_ORG_TYPE must be Y or S, LMS_CERTS_EVALUATION_BODY_CODE "
                             "4 digits and LMS_CERTS_SITE_SERIAL 6 digits")
    return org, body, site


def number_prefix(kind: str, *, category: str, level: int | None, on: date) -> tuple[str, int]:
    """The fixed part of the next number and the width of its sequence."""
    year = f"{on.year % 100:02d}"
    if kind == CertificateKind.SKILL_LEVEL:
        if level not in (1, 2, 3, 4, 5):
            raise NumberingError("a skill-level certificate needs a level 1–5")
        org, body, site = _settings()
        return f"{org}{body}{PROVINCE_CODE}{site}{year}{level}", 6
    head = "JS" if kind == CertificateKind.AWARD else "PX"
    code = CATEGORY_CODES.get("award" if kind == CertificateKind.AWARD else category)
    if code is None:
        raise NumberingError(f"no number code for category {category!r}")
    return f"{head}{PROVINCE_CODE}{code}{year}", 7


def _next_value(prefix: str) -> int:
    # Create the row if it is new (no-op when another transaction has), then
    # increment it with one UPDATE … RETURNING: the row lock taken here is held
    # to the end of the issuing transaction, so concurrent issuers queue.
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(NumberSequence).values(prefix=prefix, last_value=0)
                       .on_conflict_do_nothing(index_elements=["prefix"]))
    return db.session.execute(
        update(NumberSequence).where(NumberSequence.prefix == prefix)
        .values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
    ).scalar_one()


def allocate_number(kind: str, *, category: str, level: int | None, on: date) -> str:
    """The next unused number for a certificate of this kind (in this transaction)."""
    prefix, width = number_prefix(kind, category=category, level=level, on=on)
    value = _next_value(prefix)
    if value >= 10**width:
        raise NumberingError(f"sequence {prefix} is exhausted")
    return f"{prefix}{value:0{width}d}"


def is_well_formed(number: str) -> bool:
    """True for a number in either format (says nothing about it being genuine)."""
    return bool(SKILL_LEVEL_PATTERN.match(number) or OWN_PATTERN.match(number))
