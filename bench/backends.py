"""Run a benchmark once on a fresh SQLite file and once on a fresh
PostgreSQL database (when a server answers on LMS_TEST_POSTGRES_URL,
default postgres@127.0.0.1:5432; the database is dropped afterwards)."""

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def on_each_backend(run: Callable[[str, str], None], *, name: str, only: str | None = None) -> None:
    """Call ``run(database_url, label)`` for SQLite, then PostgreSQL (``only``
    picks one); ``name`` names the SQLite file and the PostgreSQL database."""
    print(f"machine: {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["LMS_INSTANCE_PATH"] = str(Path(folder) / "instance")
        if only != "postgresql":
            run(f"sqlite:///{Path(folder) / f'{name}.db'}", "SQLite")
        if only == "sqlite":
            return
        import pgdb
        from sqlalchemy.engine import make_url

        admin_url = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        if pgdb.main(["pgdb", "check", admin_url]) != 0:
            print("PostgreSQL: not reachable, skipped")
            return
        database = f"carelms_{name}_{os.getpid()}"
        pgdb.create_database(admin_url, database)
        try:
            url = make_url(admin_url).set(drivername="postgresql+psycopg", database=database)
            run(url.render_as_string(hide_password=False), "PostgreSQL")
        finally:
            pgdb.main(["pgdb", "drop", admin_url, database])


def insert_trainees(rng, usernames: list[str], *, display_name: str, region_code: str, region_id: int,
                    password_hash: str, category: str, now, **person_columns) -> list[int]:
    """Accounts (trainee role, one shared password hash) and registry records
    with valid, distinct ID numbers for ``usernames``, in bulk; returns the
    person ids in order. ``person_columns`` go on every person row."""
    from datetime import date

    from sqlalchemy import insert

    from lms.auth.models import RoleAssignment, User
    from lms.core.access import Role
    from lms.core.crypto import encrypt_text
    from lms.core.masking import mask_id_number
    from lms.demo.identities import fake_id_number, fake_name
    from lms.extensions import db
    from lms.people.models import ID_NUMBER_CONTEXT, Person, PersonCategory
    from lms.people.services import id_number_fingerprint

    user_ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"username": name, "display_name": display_name, "password_hash": password_hash,
         "is_active_account": True, "must_change_password": False, "failed_login_count": 0,
         "is_totp_enabled": False, "session_version": 1, "password_changed_at": now, "created_at": now}
        for name in usernames]))
    db.session.execute(insert(RoleAssignment), [{"user_id": uid, "role": Role.TRAINEE.value, "created_at": now}
                                                for uid in user_ids])
    seen, people = set(), []
    for username, user_id in zip(usernames, user_ids, strict=True):
        number = fake_id_number(rng, region_code)
        while number in seen:
            number = fake_id_number(rng, region_code)
        seen.add(number)
        people.append({
            "name": fake_name(rng), "id_number_encrypted": encrypt_text(number, context=ID_NUMBER_CONTEXT),
            "id_number_hash": id_number_fingerprint(number), "id_number_masked": mask_id_number(number),
            "birth_date": date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
            "sex": "M" if int(number[16]) % 2 else "F", "phone": username, "region_id": region_id,
            "user_id": user_id, "created_at": now, **person_columns})
    person_ids = list(db.session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), people))
    db.session.execute(insert(PersonCategory), [{"person_id": pid, "category": category} for pid in person_ids])
    return person_ids
