"""The question bank: YAML banks, versions when editing, Moodle import and
export round trips, and the shipped content."""

import io
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.core.access import Role
from lms.core.content import content_dir
from lms.exams import attempts as sitting
from lms.exams import bank_services
from lms.exams.bank_files import export_form, read_moodle_bank, read_yaml_bank
from lms.exams.formats.gift import to_gift
from lms.exams.formats.moodle_xml import to_moodle_xml
from lms.exams.models import Question, QuestionBank, QuestionVersion
from lms.exams.queries import questions_stmt
from lms.extensions import db

BANK_YAML = """\
bank: small
title: 小题库
audience: caregiver
questions:
  - code: SM-0001
    type: single
    level: 5
    area: daily_care
    difficulty: 1
    stem: 为老人洗脚时，水温一般以（  ）为宜。
    options: [20～25℃, 40～45℃, 55～60℃, 70℃以上]
    answer: B
    explanation: 水温40～45℃，先用手腕内侧试温，防止烫伤。
    tags: [足部清洁]
"""


def test_a_yaml_bank_imports_once_and_a_second_import_changes_nothing(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(BANK_YAML, encoding="utf-8")
    first = bank_services.import_bank(read_yaml_bank(path))
    second = bank_services.import_bank(read_yaml_bank(path))
    assert (first.created, second.created, second.unchanged) == (1, 0, 1)
    assert db.session.scalar(select(func.count(QuestionVersion.id))) == 1


def test_a_bad_question_imports_nothing_and_names_file_and_line(tmp_path):
    path = tmp_path / "small.yaml"
    broken = BANK_YAML.replace("    answer: B\n", "    answer: F\n").replace("    area: daily_care\n",
                                                                            "    area: cooking\n")
    path.write_text(broken, encoding="utf-8")
    bank_file = read_yaml_bank(path)
    assert bank_file.questions == []
    assert any(p.startswith(f"{path}:12:") and "answer" in p for p in bank_file.problems)
    assert any(p.startswith(f"{path}:8:") and "area" in p for p in bank_file.problems)
    with pytest.raises(bank_services.BankImportError):
        bank_services.import_bank(bank_file)
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_editing_an_unused_question_changes_it_in_place(bank):
    question = db.session.scalar(select(Question).where(Question.code == "T-DC-0001"))
    fields = _fields(question, stem="协助卧床老人进食时，床头一般抬高多少度？（  ）")
    version = bank_services.update_question(question, fields)
    assert version.version == 1 and question.current.stem == fields["stem"]


def test_editing_a_question_an_attempt_showed_makes_a_new_version_and_the_attempt_keeps_the_old(exam, candidate):
    attempt = sitting.start_attempt(exam, candidate)
    item = attempt.items[0]
    shown_stem = item.version.stem
    question = item.version.question
    version = bank_services.update_question(question, _fields(question, stem="新的题干（  ）。"))
    db.session.expire_all()
    assert version.version == 2 and question.current.id == version.id
    assert item.version.stem == shown_stem


def test_gift_export_reimports_to_the_same_questions(bank):
    questions = db.session.scalars(questions_stmt(bank="test-bank")).all()
    gift = to_gift(export_form(questions))
    again = read_moodle_bank("test-bank.gift", gift.encode(), code="copy", title="副本", audience="caregiver",
                             area="basic_care", level=5, difficulty=1, code_prefix="COPY")
    assert again.problems == []
    original = {(q.code, q.kind, q.current.stem, tuple(q.current.options), q.current.answer, q.area)
                for q in questions}
    reread = {(q.code, q.kind, q.stem, tuple(q.options), q.answer, q.area) for q in again.questions}
    assert reread == original


def test_moodle_xml_export_reimports_to_the_same_questions(bank):
    questions = db.session.scalars(questions_stmt(bank="test-bank")).all()
    xml = to_moodle_xml(export_form(questions))
    again = read_moodle_bank("bank.xml", xml.encode(), code="copy", title="副本", audience="caregiver",
                             area="basic_care", level=5, difficulty=1, code_prefix="COPY")
    assert {(q.code, q.answer, q.area) for q in again.questions} == {(q.code, q.current.answer, q.area)
                                                                     for q in questions}


def test_an_upload_with_an_essay_lists_it_and_imports_the_rest():
    gift = "::护理::老人跌倒后首先应（  ）。{=评估伤情~立即扶起~离开现场}\n\n::论述::简述压疮的预防措施。{}\n"
    bank_file = read_moodle_bank("mixed.gift", gift.encode(), code="mixed", title="混合", audience="caregiver",
                                 area="daily_care", level=5, difficulty=2, code_prefix="MX")
    assert len(bank_file.questions) == 1 and bank_file.questions[0].answer == "A"
    assert len(bank_file.skipped) == 1 and "论述" in bank_file.skipped[0] and ":3:" in bank_file.skipped[0]


def test_a_malformed_upload_imports_nothing_and_names_the_line():
    gift = "老人跌倒后首先应（  ）。{=评估伤情~立即扶起\n\n下一题{T}\n"
    bank_file = read_moodle_bank("bad.gift", gift.encode(), code="bad", title="坏", audience="caregiver",
                                 area="daily_care", level=5, difficulty=2, code_prefix="BAD")
    assert bank_file.questions == [] and bank_file.problems
    assert bank_file.problems[0].startswith("bad.gift:1:")


def test_the_shipped_banks_are_valid_and_large_enough():
    folder = Path(content_dir()) / "questions"
    by_audience: dict[str, int] = {}
    for path in folder.glob("*.yaml"):
        bank_file = read_yaml_bank(path)
        assert bank_file.problems == [], bank_file.problems[:3]
        assert all(q.explanation for q in bank_file.questions)
        by_audience[bank_file.audience] = by_audience.get(bank_file.audience, 0) + len(bank_file.questions)
    assert by_audience["caregiver"] >= 300
    assert by_audience["family_caregiver"] >= 60 and by_audience["institution_head"] >= 60


def _fields(question, **changes) -> dict:
    version = question.current
    fields = {"kind": version.kind, "stem": version.stem, "options": version.options, "answer": version.answer,
              "explanation": version.explanation, "area": version.area, "level": version.level,
              "difficulty": version.difficulty, "tags": version.tags}
    fields.update(changes)
    return fields


def test_a_moodle_question_with_more_options_than_papers_can_letter_is_refused():
    options = "".join(f"~选项{n}" for n in range(2, 11))
    gift = f"::多::老人跌倒后首先应（  ）。{{=评估伤情{options}}}\n"
    bank_file = read_moodle_bank("many.gift", gift.encode(), code="many", title="多", audience="caregiver",
                                 area="daily_care", level=5, difficulty=2, code_prefix="MANY")
    assert bank_file.questions == []
    assert bank_file.problems == ["many.gift:1: 多: 10 options, at most 8 are supported"]


def _gift(count: int) -> bytes:
    return "".join(f"::BIG-{n:04d}::老人跌倒后首先应（  ）（第{n}题）。{{=评估伤情~立即扶起~离开现场}}\n\n"
                   for n in range(1, count + 1)).encode()


def _upload(client, data: bytes, name: str = "big.gift"):
    return client.post("/exams/questions/import", data={
        "file": (io.BytesIO(data), name), "bank": "big", "title": "大题库", "audience": "caregiver",
        "area": "daily_care", "level": ""}, content_type="multipart/form-data")


def _count(prefix: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Question).where(Question.code.startswith(prefix)))


def test_an_upload_over_the_size_limit_is_refused_with_a_page_naming_the_limit(app, client, login, make_user,
                                                                              monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    login(make_user(Role.CIVIL_AFFAIRS, region_code="130000"))
    too_big = _gift(12_000)
    assert len(too_big) > 1024 * 1024
    response = _upload(client, too_big)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "文件过大" in html and "不能超过 1 MB" in html
    assert _count("BIG-") == 0
    assert db.session.scalar(select(QuestionBank).where(QuestionBank.code == "big")) is None


def test_a_file_with_more_questions_than_allowed_imports_nothing_and_names_the_limit(app, client, login,
                                                                                    make_user, monkeypatch):
    monkeypatch.setitem(app.config, "BANK_IMPORT_MAX_QUESTIONS", 5)
    login(make_user(Role.CIVIL_AFFAIRS, region_code="130000"))
    refused = _upload(client, _gift(6))
    assert refused.status_code == 400
    assert "文件中有 6 道题，一个文件最多只能导入 5 道" in refused.get_data(as_text=True)
    assert _count("BIG-") == 0
    assert _upload(client, _gift(5)).status_code == 200 and _count("BIG-") == 5


def test_a_large_file_imports_where_sqlite_allows_only_999_variables_a_statement(monkeypatch):
    # SQLite before 3.32 (older server distributions still ship it) allows 999
    # variables in a statement; SQLAlchemy then pages its multi-row INSERTs
    # to fit, and the import must keep each of its own statements within it.
    bind = db.session.get_bind()
    if bind.dialect.name != "sqlite":
        pytest.skip("SQLite's variable limit")
    monkeypatch.setattr(bind.dialect, "insertmanyvalues_max_parameters", 999)
    connection = db.session.connection().connection.driver_connection
    before = connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        bank_file = read_moodle_bank("big.gift", _gift(1_200), code="big", title="大题库", audience="caregiver",
                                     area="daily_care", level=5, difficulty=2, code_prefix="BIG")
        first = bank_services.import_bank(bank_file)
        again = bank_services.import_bank(bank_file)
    finally:
        connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)
    assert (first.created, again.unchanged) == (1_200, 1_200)
    assert _count("BIG-") == 1_200
    assert all(q.current.stem.endswith(f"（第{int(q.code[4:])}题）。") for q in
               db.session.scalars(select(Question).where(Question.code.startswith("BIG-"))))
