"""The subsidy package of a closed class: the workbook's sheets and rows,
the PDF, and who may have them."""

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from lms.core.access import Role
from lms.training.models import ClassStatus
from tests.certs.conftest import pdf_text

SHEETS = ["班级信息", "学员名单", "学时汇总", "线上学习明细", "考勤明细", "考核结果", "证书", "公示名单"]


def rows(book, title):
    return [list(row) for row in book[title].iter_rows(values_only=True)]


def by_name(sheet_rows, name):
    return [row for row in sheet_rows if row[0] == name or (len(row) > 1 and row[1] == name)]


@pytest.fixture
def workbook_bytes(client, login, subsidy):
    login(subsidy.staff)
    response = client.get(f"/classes/{subsidy.cls.id}/subsidy.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response.data


def report_figures(client, person):
    """(online, classroom, earlier) as the class hours report shows them."""
    page = client.get(f"/classes/{person.cls_id}/report").get_data(as_text=True)
    row = re.search(rf'<tr data-person="{person.id}">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return [float(cells[1]), float(cells[2]), float(cells[3])]


def test_workbook_has_every_sheet_with_its_rows(client, subsidy, workbook_bytes):
    book = load_workbook(io.BytesIO(workbook_bytes))
    assert book.sheetnames == SHEETS

    facts = dict((row[0], row[1]) for row in rows(book, "班级信息")[1:])
    assert facts["培训班"] == subsidy.cls.name and facts["机构"] == "长安区康宁养老院"
    assert "我单位承诺本次培训真实有效。" in facts.values()
    assert any("王丽华" in str(value) for value in facts.values())  # the instructor with the qualification

    roster = rows(book, "学员名单")
    assert {row[0] for row in roster[1:]} == {"张秀兰", "李桂芳"}
    zhang = by_name(roster, "张秀兰")[0]
    assert zhang[1] == subsidy.zhang.id_number_masked and "****" in zhang[2]

    # The hours are the class report's: same online, classroom and earlier 学时.
    hours = rows(book, "学时汇总")
    for person in (subsidy.zhang, subsidy.li):
        person.cls_id = subsidy.cls.id
        line = by_name(hours, person.name)[0]
        assert line[2:5] == report_figures(client, person)
    assert by_name(hours, "李桂芳")[0][2:6] == [0, 2.2, 0, 2.2]  # 100 minutes in class
    assert by_name(hours, "张秀兰")[0][7] == "是" and by_name(hours, "李桂芳")[0][7] == "否"

    study = rows(book, "线上学习明细")[1:]
    assert len(study) == 1  # the level-4 course's interval belongs to another programme
    assert study[0][0] == "张秀兰" and "第5级" in study[0][1] and study[0][4] == 100 and study[0][5] == 50
    assert study[0][2] == "2026-03-02 20:00:00"  # local time

    attendance = rows(book, "考勤明细")[1:]
    assert len(attendance) == 4
    marked = [row for row in attendance if row[5] == "手工补记"]
    assert len(marked) == 1 and marked[0][0] == "李桂芳" and marked[0][3] == "签退"
    assert marked[0][4] == "2026-03-03 11:30:00" and marked[0][6] == "测试用户"
    assert marked[0][7] == "手机没电，由培训专员补记签退"

    results = dict((row[0], row[1:]) for row in rows(book, "考核结果")[1:])
    assert results["张秀兰"] == [82, "是", 76.0, "是", "合格"]
    assert results["李桂芳"] == [None, None, None, None, "未考核"]  # empty cells: no result

    certificates = rows(book, "证书")[1:]
    assert certificates == [["张秀兰", subsidy.cert.number, subsidy.cert.issue_date.isoformat(), "有效"]]

    notice = rows(book, "公示名单")
    assert notice[0] == ["序号", "姓名", "证件号码", "培训项目", "学时", "考核结果", "证书编号"]
    first = by_name(notice, "李桂芳")[0]
    assert first[2] == subsidy.li.id_number_masked and first[6] is None
    assert by_name(notice, "张秀兰")[0][6] == subsidy.cert.number


def test_no_full_id_number_is_anywhere_in_the_workbook(subsidy, workbook_bytes):
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    for person in (subsidy.zhang, subsidy.li):
        assert person.reveal_id_number() not in text
        assert person.phone not in text
        assert person.id_number_masked in text


def test_pdf_renders_with_chinese_text(client, login, subsidy, tmp_path):
    login(subsidy.civil)
    response = client.get(f"/classes/{subsidy.cls.id}/subsidy.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "subsidy.pdf"
    path.write_bytes(response.data)
    text = pdf_text(path)
    for expected in ("培训补贴材料", subsidy.cls.name, "长安区康宁养老院", "我单位承诺本次培训真实有效。", "学时汇总",
                     "公示名单", "张秀兰", "李桂芳", subsidy.cert.number, subsidy.zhang.id_number_masked,
                     "手机没电，由培训专员补记签退", "王丽华"):
        assert expected in text, expected
    assert re.search(r"\b1 ?/ ?\d+\b", text)  # the page numbers in the footer
    for person in (subsidy.zhang, subsidy.li):
        assert person.reveal_id_number() not in text and person.phone not in text


def test_package_page_offers_both_files_and_the_class_page_links_to_it(client, login, subsidy):
    login(subsidy.civil)
    page = client.get(f"/classes/{subsidy.cls.id}/subsidy").get_data(as_text=True)
    assert f"/classes/{subsidy.cls.id}/subsidy.xlsx" in page and f"/classes/{subsidy.cls.id}/subsidy.pdf" in page
    assert "2 名" in page or "2" in page
    class_page = client.get(f"/classes/{subsidy.cls.id}").get_data(as_text=True)
    assert f"/classes/{subsidy.cls.id}/subsidy" in class_page


def test_a_class_not_closed_gets_a_message_not_a_file(client, login, subsidy):
    subsidy.cls.status, subsidy.cls.closed_at = ClassStatus.RUNNING, None
    from lms.extensions import db

    db.session.commit()
    login(subsidy.staff)
    for suffix in ("subsidy.xlsx", "subsidy.pdf"):
        response = client.get(f"/classes/{subsidy.cls.id}/{suffix}")
        assert response.status_code == 302 and response.headers["Location"].endswith(
            f"/classes/{subsidy.cls.id}/subsidy")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "结班" in page and "subsidy.xlsx" not in page and "subsidy.pdf" not in page
    assert f"/classes/{subsidy.cls.id}/subsidy\"" not in client.get(f"/classes/{subsidy.cls.id}").get_data(
        as_text=True)


def test_another_regions_class_is_not_found(client, login, make_user, make_institution, subsidy):
    outsiders = [make_user(Role.CIVIL_AFFAIRS, region_code="130200"),
                 make_user(Role.INSTITUTION_STAFF, institution=make_institution("130102"))]
    from lms.extensions import db

    db.session.commit()
    for user in outsiders:
        login(user)
        for suffix in ("subsidy", "subsidy.xlsx", "subsidy.pdf"):
            response = client.get(f"/classes/{subsidy.cls.id}/{suffix}")
            assert response.status_code == 404
            assert "张秀兰" not in response.get_data(as_text=True)
        client.post("/logout")


def test_a_closed_class_without_trainees_or_sessions_says_so_in_the_pdf(client, login, make_user,
                                                                       make_institution, tmp_path):
    from lms.extensions import db
    from tests.training import factories

    home = make_institution("130102", name="长安区康宁养老院")
    empty = factories.approved_class(home, [], name="2026年第9期培训班")
    empty.status = ClassStatus.CLOSED
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    db.session.commit()
    login(staff)
    path = tmp_path / "empty.pdf"
    path.write_bytes(client.get(f"/classes/{empty.id}/subsidy.pdf").data)
    text = pdf_text(path)
    assert "结业时本班没有在班学员" in text and "未安排课次" in text and "本班名单为空" in text
