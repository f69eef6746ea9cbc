"""``flask demo seed``: a province admin, civil-affairs staff for every
allocation unit, a few institutions with staff, and a few dozen trainees.

Idempotent: each account, institution and person is looked up before it is
created, so running it again adds nothing.
"""

import random
from collections.abc import Callable
from pathlib import Path

import click
import yaml
from flask.cli import AppGroup
from sqlalchemy import func, select

from lms.auth import services as accounts
from lms.auth.models import User
from lms.core.access import Role
from lms.core.content import content_dir
from lms.courses.queries import course_by_slug
from lms.courses.services import enrol
from lms.demo.classes import seed_classes
from lms.demo.competitions import seed_competitions
from lms.demo.exams import seed_exams
from lms.demo.identities import fake_credit_code, fake_id_number, fake_mobile, fake_name
from lms.demo.living import seed_living_history
from lms.extensions import db
from lms.people import services as people
from lms.people.models import Category, Person, PersonCategory
from lms.regions.models import Institution, InstitutionKind, Region, RegionLevel
from lms.regions.queries import region_by_code
from lms.regions.services import create_institution, import_regions

demo_cli = AppGroup("demo", help="Demo data.")

DEMO_PASSWORD = "Demo@2026care"

# (name, kind, grade, region code): spread over several allocation units.
INSTITUTIONS = (
    ("石家庄市长安区康宁养老院", InstitutionKind.CARE_HOME, 4, "130102"),
    ("石家庄市颐康职业技能培训学校", InstitutionKind.TRAINING_PROVIDER, None, "130104"),
    ("唐山市路北区幸福里社区养老服务中心", InstitutionKind.COMMUNITY_CENTRE, None, "130203"),
    ("保定市莲池区福寿养老中心", InstitutionKind.CARE_HOME, 3, "130606"),
    ("邯郸市丛台区护理职业培训学校", InstitutionKind.TRAINING_PROVIDER, None, "130403"),
    ("河北同心职业技术学院（张家口）", InstitutionKind.VOCATIONAL_COLLEGE, None, "130702"),
)


def _account(username: str, display_name: str, role: Role, created: list, **scope) -> User:
    user = accounts.find_user(username)
    if user is None:
        user = accounts.create_user(username=username, display_name=display_name, password=DEMO_PASSWORD)
        created.append(username)
    if role not in user.roles:
        accounts.assign_role(user, role, by=None, **scope)
    return user


def _unit_account(institution: Institution) -> User:
    """The civil-affairs account of the institution's allocation unit (it
    approves the institution's classes), else the province's."""
    unit_code = institution.region.path.split("/")[1]
    return accounts.find_user(f"ca{unit_code}") or accounts.find_user("province")


def _region_or_fallback(code: str) -> Region:
    """The region by code, else its allocation unit (when a county is not loaded)."""
    return region_by_code(code) or region_by_code(code[:4] + "00")


def seed_demo(seed: int = 20261123, progress: Callable[[str], None] = lambda _line: None) -> dict:
    """Create the demo data, with the living history of ``living``; returns
    the logins to print."""
    if db.session.scalar(select(Region).limit(1)) is None:
        import_regions(yaml.safe_load(Path(content_dir() / "regions.yaml").read_text(encoding="utf-8")))
    created: list[str] = []
    logins: list[tuple[str, str]] = []
    province = db.session.scalar(select(Region).where(Region.level == RegionLevel.PROVINCE))

    for duty, name in ((Role.SYSTEM_ADMIN, "sysadmin"), (Role.SECURITY_ADMIN, "secadmin"),
                       (Role.AUDIT_ADMIN, "auditadmin")):
        _account(name, name, duty, created)
        logins.append((name, str(duty)))
    _account("province", "河北省民政厅", Role.CIVIL_AFFAIRS, created, region=province)
    logins.append(("province", f"civil_affairs {province.name}"))
    units = db.session.scalars(
        select(Region).where(Region.level == RegionLevel.UNIT).order_by(Region.sort_order)
    ).all()
    for unit in units:
        _account(f"ca{unit.code}", f"{unit.name}民政局", Role.CIVIL_AFFAIRS, created, region=unit)
    logins.append((f"ca{units[0].code} … ca{units[-1].code}", "civil_affairs, one per allocation unit"))

    for number, (name, kind, grade, code) in enumerate(INSTITUTIONS, start=1):
        institution = db.session.scalar(select(Institution).where(Institution.name == name))
        region = _region_or_fallback(code)
        # One generator per institution: a second run draws the same numbers.
        rng = random.Random(seed * 100 + number)
        if institution is None:
            institution = create_institution(name=name, credit_code=fake_credit_code(rng, region.code),
                                             kind=kind, grade=grade, region=region)
        staff = _account(f"staff{number}", f"{name}管理员", Role.INSTITUTION_STAFF, created,
                         institution=institution)
        logins.append((staff.username, f"institution_staff {name}"))
        _seed_trainees(random.Random(seed * 1000 + number), institution, staff, count=6)
        if number == 1:  # the first institution also examines: its examiners and exam
            examiners = [_account(f"examiner{n}", f"{name}考评员{n}", Role.EXAMINER, created,
                                  institution=institution) for n in (1, 2)]
            logins.append(("examiner1, examiner2", f"examiner {name}"))
            # Classes first: their attendance gives the caregivers the hours the exam asks for.
            seed_classes(institution, staff, approver=_unit_account(institution))
            seed_exams(institution, examiners)
    _enrol_on_courses()
    first = db.session.scalar(select(Institution).where(Institution.name == INSTITUTIONS[0][0]))
    logins.extend(seed_competitions(first, DEMO_PASSWORD))
    trainee = db.session.scalar(
        select(User).join(User.assignments).where(User.username.like("1%")).order_by(User.id).limit(1)
    )
    if trainee is not None:
        logins.append((trainee.username, "trainee (with a 五级 certificate to verify)"))
    seed_living_history(first_institution=first, trainee=trainee, province_user=accounts.find_user("province"),
                        progress=progress)
    return {"created": created, "logins": logins}


# Which course each demo trainee category studies, when content/ has it.
COURSE_FOR_CATEGORY = {
    Category.CAREGIVER: "caregiver-level5",
    Category.INSTITUTION_HEAD: "institution-heads",
    Category.FAMILY_CAREGIVER: "family-caregiver-basics",
    Category.SOCIAL_WORKER: "social-workers",
}
# The first caregiver of each institution has passed 五级 and goes on to 四级.
NEXT_LEVEL_COURSE = "caregiver-level4"


def _enrol_on_courses() -> None:
    for category, slug in COURSE_FOR_CATEGORY.items():
        course = course_by_slug(slug)
        if course is None:
            continue
        people_in_category = db.session.scalars(
            select(Person).join(Person.category_rows).where(PersonCategory.category == category))
        for person in people_in_category:
            enrol(person, course, by=None)
    level4 = course_by_slug(NEXT_LEVEL_COURSE)
    if level4 is None:
        return
    first_caregivers = select(func.min(Person.id)).join(Person.category_rows).where(
        PersonCategory.category == Category.CAREGIVER).group_by(Person.employer_id)
    for person in db.session.scalars(select(Person).where(Person.id.in_(first_caregivers))):
        enrol(person, level4, by=None)


def _seed_trainees(rng: random.Random, institution: Institution, staff: User, count: int) -> None:
    counties = [r for r in institution.region.parent.children] if institution.region.level == "county" \
        else [institution.region]
    categories = [Category.CAREGIVER] * 4 + [Category.INSTITUTION_HEAD, Category.FAMILY_CAREGIVER]
    for index in range(count):
        county = rng.choice(counties)
        id_number = fake_id_number(rng, county.code)
        phone = fake_mobile(rng)
        name = fake_name(rng)
        if people.find_by_id_number(id_number) is not None or accounts.find_user(phone) is not None:
            continue
        user = accounts.create_user(username=phone, display_name=name, password=DEMO_PASSWORD)
        accounts.assign_role(user, Role.TRAINEE, by=None)
        people.register_person(
            name=name, id_number=id_number, phone=phone, region=county,
            categories=[categories[index % len(categories)]], employer=institution,
            registered_by=institution, user=user, created_by=staff,
        )


@demo_cli.command("seed")
@click.option("--scale", type=click.Choice(["small", "province", "nation"]), default="small", show_default=True,
              help="province: ~400 institutions, 45,000 trainees, ~1M study records, ~45,000 certificates; "
                   "nation: ten times that.")
@click.option("--trainees", type=int, default=None,
              help="With --scale province (default 45,000) or nation (default 450,000).")
def seed_command(scale: str, trainees: int | None) -> None:
    """Create demo accounts, institutions and trainees (safe to run again)."""
    result = seed_demo(progress=click.echo)
    db.session.commit()
    click.echo(f"demo: {len(result['created'])} accounts created")
    if scale != "small":
        from lms.demo.province import SCALES, seed_province

        options = {**SCALES[scale], **({"trainees": trainees} if trainees else {})}
        seed_province(**options, progress=lambda line: click.echo(f"{scale}: {line}"))
        db.session.commit()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, what in result["logins"]:
        click.echo(f"  {username:<28} {what}")
    click.echo("  Administrator accounts set up a second factor (TOTP app) at first sign-in.")
