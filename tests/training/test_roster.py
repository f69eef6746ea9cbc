"""Roster import and export in Excel: a good file registers and enrols
everyone; a file with any bad row changes nothing and lists every bad row
(Excel's row number and the reason, in Chinese); what is not an .xlsx is
refused with a message; the template is what the import reads; the export
shows masked numbers only."""

import random
import zipfile
from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.auth.national_id import check_character
from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.core.time import as_local
from lms.demo.identities import fake_id_number
from lms.extensions import db
from lms.people.models import Person
from lms.people.services import find_by_id_number
from lms.training import roster_sheet
from lms.training.models import ClassEnrolment
from lms.training.services import enrolment
from tests.training import factories
from tests.training.roster_fixtures import HEADER, new_row, roster_fixture, workbook  # noqa: F401  (the `roster` fixture)


def _people() -> int:
    return db.session.scalar(select(func.count(Person.id)))


def _enrolments(cls) -> list[ClassEnrolment]:
    return list(db.session.scalars(select(ClassEnrolment).where(ClassEnrolment.class_id == cls.id)
                                   .order_by(ClassEnrolment.queued_at, ClassEnrolment.id)))


def _problems(response) -> list[str]:
    """The bad-rows table of the page, one "row | reason" a problem."""
    html = response.get_data(as_text=True)
    assert 'id="import-problems"' in html, html[:3000]
    table = html.split('id="import-problems"', 1)[1].split("</table>", 1)[0]
    lines = []
    for row in table.split("<tr>")[2:]:
        cells = [cell.split(">", 1)[1].split("</td>", 1)[0] for cell in row.split("<td")[1:]]
        lines.append(" | ".join(cells))
    return lines


def _valid(first17: str) -> str:
    return first17 + check_character(first17)


def _nothing_changed(roster, people_before: int) -> None:
    assert _people() == people_before
    assert _enrolments(roster.cls) == []
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "training_class.roster_imported")) == 0


def test_a_good_file_registers_new_people_and_links_registered_ones(roster, make_person, client):
    # Registered by another institution and on its February class: one
    # person across institutions, found by ID number, never a second record.
    elsewhere = make_person("130203", institution=roster.other, name="李建国")
    february = factories.draft_class(roster.other, start=date(2026, 2, 2), end=date(2026, 2, 13))
    enrolment.enrol(february, elsewhere, by=None)
    zhao_number = _valid("13010419850612002")
    lower_x = next(n for n in (fake_id_number(random.Random(seed), "130102") for seed in range(500))
                   if n.endswith("X")).lower()
    rows = [["赵春生", zhao_number, "13912345678", "长安区"],  # county by name
            ["钱秀云", lower_x, 13812345679, 130104],  # typed as numbers; x in lowercase; county by code
            [" 李建国 ", elsewhere.reveal_id_number(), None, None]]  # registered: no mobile or county needed
    people_before = _people()

    response = roster.upload(workbook(rows))

    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert _people() == people_before + 2
    zhao = find_by_id_number(zhao_number)
    assert (zhao.name, zhao.phone, zhao.region.name, zhao.sex, zhao.birth_date) == (
        "赵春生", "13912345678", "长安区", "F", date(1985, 6, 12))
    assert zhao.employer_id == zhao.registered_by_institution_id == roster.home.id
    assert zhao.user_id is None and zhao.categories == ["caregiver"]
    assert zhao.reveal_id_number() == zhao_number and zhao.id_number_masked == zhao_number[:4] + "*" * 10 + zhao_number[-4:]
    qian = find_by_id_number(lower_x)
    assert (qian.phone, qian.region.code, qian.reveal_id_number()) == ("13812345679", "130104", lower_x.upper())
    assert db.session.scalar(select(func.count(Person.id)).where(
        Person.id_number_hash == elsewhere.id_number_hash)) == 1
    assert [(e.person_id, e.status) for e in _enrolments(roster.cls)] == [
        (zhao.id, "enrolled"), (qian.id, "enrolled"), (elsewhere.id, "enrolled")]
    assert all(e.enrolled_by_id == roster.staff.id for e in _enrolments(roster.cls))
    assert [e.status for e in _enrolments(february)] == ["enrolled"]
    db.session.refresh(elsewhere)
    assert elsewhere.employer_id == roster.other.id  # linking leaves the registry record alone
    entries = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "training_class.roster_imported")))
    assert len(entries) == 1
    audited = entries[0].new_values
    assert '"new_people": 2' in audited and '"existing_people": 1' in audited and "花名册.xlsx" in audited
    assert not any(full in audited for full in (zhao_number, lower_x.upper(), "13912345678"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "花名册已导入：新登记 2 人，已登记 1 人；3 人获得名额，0 人进入候补名单。" in page


def test_one_bad_row_imports_nothing_and_is_listed(roster, rng):
    good = _valid("13010219900307123")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # one wrong check character
    rows = [new_row(rng, "赵春生"), new_row(rng, "钱秀云"), ["孙丽华", bad, "13912345678", "130102"],
            new_row(rng, "李桂芝")]
    people_before = _people()

    response = roster.upload(workbook(rows))

    assert response.status_code == 400
    assert _problems(response) == ["4 | 身份证号：校验位不符，请检查号码是否输错。"]
    assert "花名册.xlsx 未导入，没有做任何改动" in response.get_data(as_text=True)
    _nothing_changed(roster, people_before)


def test_every_bad_row_is_listed_with_its_row_number(roster, make_person, rng):
    registered = make_person(institution=roster.home, name="王秀英")
    rows = [new_row(rng, "赵春生"),                                           # 2: good
            ["钱\u202e秀云", fake_id_number(rng, "130102"), "13912345678", "130102"],  # 3: bidi override
            ["", fake_id_number(rng, "130102"), "13912345678", "130102"],       # 4: no name
            ["孙丽华", "130102850612002", "13912345678", "130102"],             # 5: 15-digit ID
            ["李桂芝", _valid("13010219900231002"), "13912345678", "130102"],   # 6: 31 February
            ["周海燕", fake_id_number(rng, "130102"), "1391234567", "130102"],   # 7: 10-digit mobile
            ["吴建国", fake_id_number(rng, "130102"), "", "130102"],             # 8: new, no mobile
            ["郑保平", fake_id_number(rng, "130102"), "13912345678", ""],        # 9: new, no county
            ["冯立新", fake_id_number(rng, "130102"), "13912345678", "999999"],  # 10: no such county
            ["王秀瑛", registered.reveal_id_number(), "", ""],                   # 11: registered as 王秀英
            [None, None, None, None],                                          # 12: empty, skipped
            ["陈淑芬", "", "13912345678", "130102"]]                            # 13: no ID number
    people_before = _people()

    response = roster.upload(workbook(rows))

    assert response.status_code == 400
    assert _problems(response) == [
        "3 | 姓名包含不可见字符或控制字符。",
        "4 | 姓名：未填写姓名。",
        "5 | 身份证号：不接受 15 位旧身份证号，请输入 18 位号码。",
        "6 | 身份证号：第 7–14 位不是有效的出生日期。",
        "7 | 手机号：请输入 11 位大陆手机号码。",
        "8 | 手机号：尚未在系统中登记的学员须填写手机号。",
        "9 | 所在县（市、区）：尚未在系统中登记的学员须填写所在县（市、区）。",
        "10 | 所在县（市、区）：没有代码或名称为“999999”的县（市、区）。",
        "11 | 姓名：系统中登记的该身份证号对应另一个姓名（王*英）：请核对姓名和身份证号。",
        "13 | 身份证号：未填写身份证号。",
    ]
    _nothing_changed(roster, people_before)


def test_duplicate_id_numbers_in_the_file_name_both_rows(roster, rng):
    twice = new_row(rng, "赵春生")
    rows = [twice, new_row(rng, "钱秀云"), new_row(rng, "孙丽华"), ["赵春生", twice[1].lower(), twice[2], twice[3]]]
    people_before = _people()

    response = roster.upload(workbook(rows))

    assert response.status_code == 400
    assert _problems(response) == ["2 | 身份证号：该身份证号在第 5 行重复出现。",
                                   "5 | 身份证号：该身份证号在第 2 行重复出现。"]
    _nothing_changed(roster, people_before)


def test_people_on_the_class_or_its_waiting_list_are_refused_but_the_withdrawn_come_back(roster, make_person):
    roster.cls.capacity = 1
    placed = make_person(institution=roster.home, name="王秀英")
    waiting = make_person(institution=roster.home, name="李桂芳")
    left = make_person(institution=roster.home, name="张淑珍")
    for person in (placed, waiting):
        enrolment.enrol(roster.cls, person, by=None)
    enrolment.withdraw(enrolment.enrol(roster.cls, left, by=None), reason="家中有事", by=None)
    rows = [["王秀英", placed.reveal_id_number(), "", ""], ["李桂芳", waiting.reveal_id_number(), "", ""],
            ["张淑珍", left.reveal_id_number(), "", ""]]

    response = roster.upload(workbook(rows))

    assert response.status_code == 400
    assert _problems(response) == ["2 | 身份证号：此人已在本班。", "3 | 身份证号：此人已在本班候补名单中。"]
    # Without the two, the withdrawn person is taken back (on the same enrolment row).
    response = roster.upload(workbook([rows[2]]))
    assert response.status_code == 302
    statuses = {e.person_id: e.status for e in _enrolments(roster.cls)}
    assert statuses == {placed.id: "enrolled", waiting.id: "waiting", left.id: "waiting"}


def test_a_trainee_on_a_class_at_the_same_time_is_refused(roster, make_person, rng):
    busy = make_person(institution=roster.other, name="李建国")
    free = make_person(institution=roster.other, name="刘海燕")
    overlapping = factories.draft_class(roster.other, name="路北区2026年第2期护理员培训班",
                                        start=date(2026, 3, 10), end=date(2026, 3, 20))
    enrolment.enrol(overlapping, busy, by=None)
    enrolment.withdraw(enrolment.enrol(overlapping, free, by=None), reason="改期", by=None)
    rows = [new_row(rng), ["李建国", busy.reveal_id_number(), "", ""], ["刘海燕", free.reveal_id_number(), "", ""]]
    people_before = _people()

    response = roster.upload(workbook(rows))

    assert response.status_code == 400
    assert _problems(response) == ["3 | 身份证号：此人已参加培训班“路北区2026年第2期护理员培训班”"
                                   "（2026-03-10 至 2026-03-20），与本班日期重叠。"]
    _nothing_changed(roster, people_before)


def test_a_formula_is_refused_with_its_cell_and_never_evaluated(roster, rng):
    rows = [new_row(rng), ["钱秀云", fake_id_number(rng, "130102"), "=13900000000+1", "130102"],
            ['=CONCATENATE("赵","春生")', fake_id_number(rng, "130102"), "13912345678", "130102"]]
    people_before = _people()

    response = roster.upload(workbook(rows))

    assert response.status_code == 400
    assert _problems(response) == ["3 | 单元格 C3（手机号）含有公式：请直接填写内容，不要使用公式。",
                                   "4 | 单元格 A4（姓名）含有公式：请直接填写内容，不要使用公式。"]
    _nothing_changed(roster, people_before)


def test_an_id_number_stored_as_a_number_is_refused(roster, rng):
    number = fake_id_number(rng, "130102")
    response = roster.upload(workbook([["钱秀云", float(number[:17] + "0"), "13912345678", "130102"]]))
    assert response.status_code == 400
    assert _problems(response)[0].startswith("2 | 单元格 B2（身份证号）以数字格式保存")


def test_a_renamed_csv_or_xls_is_refused_with_a_message(roster):
    csv = "姓名,身份证号,手机号,所在县（市、区）\n赵春生,130102198506120050,13912345678,130102\n".encode()
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an OLE2 (Excel 97–2003) header
    for data, expected in ((csv, "该文件不是 Excel 工作簿（.xlsx）"), (b"PK\x03\x04 not really", "该文件不是 Excel 工作簿"),
                           (xls, "这是旧版 Excel 97–2003 工作簿（.xls）")):
        response = roster.upload(data, name="花名册.xlsx")
        assert response.status_code == 400
        assert expected in response.get_data(as_text=True)
    assert _enrolments(roster.cls) == []


def test_a_header_that_is_not_the_templates_names_the_columns(roster, rng):
    response = roster.upload(workbook([new_row(rng)], header=["姓名", "身份证", "电话", "县"]))
    assert response.status_code == 400
    assert _problems(response) == ["1 | 第一行必须是模板的标题行：姓名 | 身份证号 | 手机号 | 所在县（市、区）。"
                                   "请下载模板，把花名册复制进去。"]
    # Half-width brackets and stray spaces are the same header.
    response = roster.upload(workbook([new_row(rng)], header=["姓名 ", "身份证号", "手机号", "所在县(市、区)"]))
    assert response.status_code == 302


def test_size_and_row_limits(roster, rng, monkeypatch):
    monkeypatch.setattr(roster_sheet, "MAX_ROWS", 3)
    response = roster.upload(workbook([new_row(rng) for _ in range(4)]))
    assert response.status_code == 400 and "文件中的学员超过 3 名" in response.get_data(as_text=True)
    monkeypatch.setattr(roster_sheet, "LAST_ROW_READ", 6)  # a sheet formatted far below the roster
    response = roster.upload(workbook([new_row(rng), *[[None] * 4] * 5, new_row(rng)]))
    assert response.status_code == 400 and "工作表超过了第 6 行" in response.get_data(as_text=True)
    monkeypatch.setattr(roster_sheet, "MAX_FILE_BYTES", 1024)
    response = roster.upload(workbook([new_row(rng)]) + b"\0" * 1024)
    assert response.status_code == 400 and "文件超过 0 MB" in response.get_data(as_text=True)
    assert _enrolments(roster.cls) == []


def test_a_file_over_capacity_puts_the_rest_on_the_waiting_list_in_file_order(roster, make_person, rng, client):
    roster.cls.capacity = 3
    enrolment.enrol(roster.cls, make_person(institution=roster.home, name="王秀英"), by=None)
    rows = [new_row(rng, name) for name in ("赵春生", "钱秀云", "孙丽华", "李桂芝", "周海燕")]

    response = roster.upload(workbook(rows))

    assert response.status_code == 302
    imported = [(e.person.name, e.status) for e in _enrolments(roster.cls)][1:]
    assert imported == [("赵春生", "enrolled"), ("钱秀云", "enrolled"), ("孙丽华", "waiting"),
                        ("李桂芝", "waiting"), ("周海燕", "waiting")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "本班共有 3 个名额：文件中有 3 名学员按文件中的顺序进入候补名单" in page
    # A freed place goes to the first of them, as for anyone on the waiting list.
    first = _enrolments(roster.cls)[1]
    promoted = enrolment.withdraw(first, reason="调岗", by=None)
    assert promoted.person.name == "孙丽华"


def test_the_template_is_what_the_import_reads(roster, client):
    response = client.get("/classes/roster-template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(BytesIO(response.data))
    sheet, notes = book.worksheets
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["B2"].number_format == "@"  # ID numbers typed as text keep 18 digits
    assert [row[0] for row in notes.iter_rows(min_row=2, max_row=5, values_only=True)] == HEADER
    assert all(row[1] for row in notes.iter_rows(min_row=2, max_row=5, values_only=True))
    # Left in, the example row is refused rather than made a trainee.
    refused = roster.upload(response.data)
    assert refused.status_code == 400
    assert _problems(refused) == ["2 | 身份证号：这是模板中的示例行，请删除。"]
    # Filled in, the template imports.
    sheet["A2"], sheet["B2"] = "赵春生", _valid("13010219850612005")
    buffer = BytesIO()
    book.save(buffer)
    assert roster.upload(buffer.getvalue()).status_code == 302
    assert [e.person.name for e in _enrolments(roster.cls)] == ["赵春生"]


def test_the_export_lists_the_roster_with_masked_numbers_only(roster, make_person, client):
    roster.cls.capacity = 1
    placed = make_person(institution=roster.home, name="王秀英")
    waiting = make_person(institution=roster.home, name="李桂芳")
    for person in (placed, waiting):
        enrolment.enrol(roster.cls, person, by=None)

    response = client.get(f"/classes/{roster.cls.id}/roster.xlsx")

    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "证件号码", "手机", "状态", "报名时间")
    assert [row[:4] for row in rows[1:]] == [
        ("王秀英", placed.id_number_masked, placed.phone[:3] + "****" + placed.phone[-4:], "正式"),
        ("李桂芳", waiting.id_number_masked, waiting.phone[:3] + "****" + waiting.phone[-4:], "候补")]
    assert "*" * 10 in rows[1][1]
    # Local time (Beijing) of the place, to the minute; none on the waiting list.
    enrolled_at = _enrolments(roster.cls)[0].enrolled_at
    assert rows[1][4] == as_local(enrolled_at).strftime("%Y-%m-%d %H:%M") and rows[2][4] is None
    with zipfile.ZipFile(BytesIO(response.data)) as archive:
        everything = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    for person in (placed, waiting):
        assert person.reveal_id_number() not in everything and person.phone not in everything


def test_a_closed_class_takes_no_roster(roster, rng, client):
    roster.cls.status = "closed"
    db.session.flush()
    response = roster.upload(workbook([new_row(rng)]))
    assert response.status_code == 302
    assert "已结业的培训班不能再报名。" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _enrolments(roster.cls) == []


def test_another_institutions_class_is_not_found(roster, make_user, client, login, rng):
    outsider_staff = make_user(Role.INSTITUTION_STAFF, institution=roster.other)
    tangshan = make_user(Role.CIVIL_AFFAIRS, region_code="130200")
    client.post("/logout")
    login(outsider_staff)
    assert client.get(f"/classes/{roster.cls.id}/roster.xlsx").status_code == 404
    assert roster.upload(workbook([new_row(rng)])).status_code == 404
    client.post("/logout")
    login(tangshan)
    assert client.get(f"/classes/{roster.cls.id}/roster.xlsx").status_code == 404
    assert _enrolments(roster.cls) == []
