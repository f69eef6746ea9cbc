"""Fixtures and helpers for the roster import tests: a class of the home
institution with its staff member signed in, and rosters made as .xlsx files."""

import random
from datetime import date
from io import BytesIO
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from lms.core.access import Role
from lms.demo.identities import fake_id_number, fake_mobile
from tests.training import factories

HEADER = ["姓名", "身份证号", "手机号", "所在县（市、区）"]


def workbook(rows: list[list], header: list | None = None) -> bytes:
    """An .xlsx whose first sheet holds ``header`` (the template's by default) then ``rows``."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER if header is None else header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def new_row(rng: random.Random, name: str = "赵春生", county: str = "130102") -> list[str]:
    """A row for someone not yet registered, with a valid ID and mobile number."""
    return [name, fake_id_number(rng, "130102"), fake_mobile(rng), county]


@pytest.fixture(name="roster")
def roster_fixture(make_institution, make_user, client, login):
    """``home`` and ``other`` institutions, home's ``staff`` (signed in), and
    ``cls``: home's draft class, 30 places, 2026-03-02 to 03-13; ``upload(data,
    name)`` posts a file to its import and returns the response."""
    home = make_institution("130102", name="长安区康宁养老院")
    other = make_institution("130203", name="路北区幸福里养老中心")
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    cls = factories.draft_class(home, start=date(2026, 3, 2), end=date(2026, 3, 13))
    login(staff)

    def upload(data: bytes, name: str = "花名册.xlsx"):
        return client.post(f"/classes/{cls.id}/roster/import", data={"file": (BytesIO(data), name)},
                           content_type="multipart/form-data")

    return SimpleNamespace(home=home, other=other, staff=staff, cls=cls, upload=upload)
