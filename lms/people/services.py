"""Writes for the trainee registry. Flush, never commit."""

import re
import secrets
import string

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth import services as accounts
from lms.auth.models import User
from lms.auth.national_id import NationalId, parse_national_id
from lms.core import audit
from lms.core.access import Role
from lms.core.crypto import encrypt_text, keyed_hash
from lms.core.masking import mask_id_number, mask_phone
from lms.core.names import clean_name
from lms.extensions import db
from lms.people.models import ID_NUMBER_CONTEXT, Category, Person, PersonCategory
from lms.regions.models import Institution, Region

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


class DuplicatePerson(ValueError):
    """The ID number is registered already; ``existing`` is that person."""

    def __init__(self, existing: Person):
        super().__init__("duplicate id number")
        self.existing = existing


def id_number_fingerprint(id_number: str) -> str:
    """The keyed hash a person is looked up by (input: a valid, normalised number)."""
    return keyed_hash(id_number, context=ID_NUMBER_CONTEXT)


def id_number_columns(parsed: NationalId) -> dict:
    """What a Person row stores of its ID number: encrypted, fingerprint,
    masked, and the birth date and sex it encodes (one rule for a single
    registration and for a bulk import)."""
    return {
        "id_number_encrypted": encrypt_text(parsed.number, context=ID_NUMBER_CONTEXT),
        "id_number_hash": id_number_fingerprint(parsed.number),
        "id_number_masked": mask_id_number(parsed.number),
        "birth_date": parsed.birth_date,
        "sex": parsed.sex,
    }


def find_by_id_number(id_number: str) -> Person | None:
    """The person registered with this ID number, if any."""
    number = parse_national_id(id_number).number
    return db.session.scalar(select(Person).where(Person.id_number_hash == id_number_fingerprint(number)))


def _refuse_duplicate(id_number: str) -> None:
    # Checked before any account is created, so a duplicate leaves nothing behind.
    existing = find_by_id_number(id_number)
    if existing is not None:
        raise DuplicatePerson(existing)


def register_person(
    *,
    name: str,
    id_number: str,
    phone: str,
    region: Region,
    categories: list[str],
    employer: Institution | None = None,
    registered_by: Institution | None = None,
    user: User | None = None,
    created_by: User | None = None,
) -> Person:
    """Add a person to the registry.

    Validates the ID number (GB 11643-1999) and derives birth date and sex from
    it; raises ``DuplicatePerson`` when the number is registered already and
    ``UnsafeName`` when the name holds invisible or control characters.
    """
    name = clean_name(name, label=_l("Full name"))
    parsed = parse_national_id(id_number)
    _refuse_duplicate(parsed.number)
    if not MOBILE_PATTERN.match(phone or ""):
        raise ValueError("phone")
    person = Person(
        name=name,
        **id_number_columns(parsed),
        phone=phone,
        region=region,
        employer=employer,
        registered_by_institution=registered_by,
        user=user,
        created_by_id=created_by.id if created_by else None,
        category_rows=[PersonCategory(category=Category(c)) for c in sorted(set(categories))],
    )
    db.session.add(person)
    db.session.flush()
    audit.record(
        "person.registered", person, actor=created_by or user,
        new={"name": person.name, "id_number": person.id_number_masked,
             "phone": mask_phone(phone), "region": region.code,
             "employer": employer.id if employer else None, "categories": person.categories},
    )
    return person


def self_register_family_caregiver(
    *, name: str, id_number: str, phone: str, region: Region, password: str
) -> Person:
    """Public sign-up: a family caregiver creates their own account and record.

    The mobile number is the user name, which older users remember best.
    """
    name = clean_name(name, label=_l("Full name"))  # before the account is made
    _refuse_duplicate(id_number)
    user = accounts.create_user(username=phone, display_name=name, password=password)
    accounts.assign_role(user, Role.TRAINEE, by=None)
    return register_person(
        name=name, id_number=id_number, phone=phone, region=region,
        categories=[Category.FAMILY_CAREGIVER], user=user,
    )


def temporary_password() -> str:
    """A random password that meets the policy, to be changed at first sign-in."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(10)) + "#"
        if any(c.isupper() for c in candidate) and any(c.isdigit() for c in candidate):
            return candidate


def register_worker(
    *,
    name: str,
    id_number: str,
    phone: str,
    region: Region,
    categories: list[str],
    institution: Institution,
    created_by: User,
) -> tuple[Person, str]:
    """Institution staff register one of their workers, with a trainee account
    whose temporary password is returned once (the worker must change it)."""
    name = clean_name(name, label=_l("Full name"))  # before the account is made
    _refuse_duplicate(id_number)
    if accounts.find_user(phone) is not None:
        raise accounts.AccountError(
            _l("The mobile number %(phone)s already has an account.", phone=mask_phone(phone))
        )
    user, password = _trainee_account(phone, name, created_by)
    person = register_person(
        name=name, id_number=id_number, phone=phone, region=region, categories=categories,
        employer=institution, registered_by=institution, user=user, created_by=created_by,
    )
    return person, password


def _trainee_account(phone: str, name: str, created_by: User | None) -> tuple[User, str]:
    """A trainee account named by the mobile number, with a temporary password
    (returned once; the trainee must change it at first sign-in)."""
    password = temporary_password()
    user = accounts.create_user(username=phone, display_name=name, password=password, created_by=created_by)
    accounts.assign_role(user, Role.TRAINEE, by=created_by)
    return user, password


def open_account(person: Person, *, created_by: User | None) -> str | None:
    """Give a registered person without an account (a roster import registers
    people without one) a trainee account; returns its temporary password, or
    None when the mobile number already names another account."""
    if person.user_id is not None:
        raise accounts.AccountError(_l("%(name)s has an account already.", name=person.name))
    if accounts.find_user(person.phone) is not None:
        return None
    user, password = _trainee_account(person.phone, person.name, created_by)
    person.user = user
    db.session.flush()
    audit.record("person.account_opened", person, actor=created_by,
                 new={"username": mask_phone(person.phone)})
    return password
