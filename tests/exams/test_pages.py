"""Exam pages as candidates, staff and examiners use them."""

import io
from datetime import timedelta

from sqlalchemy import select

from lms.core.access import Role
from lms.exams import attempts as sitting
from lms.exams.models import Attempt, AttemptStatus, Question
from lms.extensions import db


def _start(client, exam):
    response = client.post(f"/me/exams/{exam.id}/start")
    assert response.status_code == 302
    return db.session.scalar(select(Attempt).where(Attempt.exam_id == exam.id))


def test_the_paper_and_its_autosave_never_carry_the_key(client, login, exam, candidate):
    login(candidate.user)
    attempt = _start(client, exam)
    page = client.get(f"/me/attempts/{attempt.id}").get_data(as_text=True)
    for item in attempt.items:
        assert item.version.stem in page
        assert item.version.explanation not in page
    assert "data-answer" not in page and "explanation" not in page
    response = client.post(f"/me/attempts/{attempt.id}/answers", json={"position": 1, "answer": ["A"]})
    assert response.status_code == 200 and set(response.get_json()) == {"saved_at"}


def test_reload_resumes_with_saved_answers_and_submit_shows_the_result(client, login, exam, candidate):
    login(candidate.user)
    attempt = _start(client, exam)
    tf = next(i for i in attempt.items if i.version.kind == "true_false")
    client.post(f"/me/attempts/{attempt.id}/answers", json={"position": tf.position, "answer": ["true"]})
    again = _start(client, exam)
    assert again.id == attempt.id
    page = client.get(f"/me/attempts/{attempt.id}").get_data(as_text=True)
    assert f'name="q{tf.position}" value="true" checked' in page
    response = client.post(f"/me/attempts/{attempt.id}/submit", data={f"q{tf.position}": "true"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    result = client.get(f"/me/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "10" in result and tf.version.explanation not in result
    db.session.refresh(attempt)
    assert attempt.score == tf.points
    # A replayed submit changes nothing.
    client.post(f"/me/attempts/{attempt.id}/submit", data={f"q{tf.position}": "false"})
    db.session.refresh(attempt)
    assert attempt.score == tf.points


def test_a_late_answer_is_refused_with_a_clear_message(client, login, exam, candidate):
    login(candidate.user)
    attempt = _start(client, exam)
    attempt.deadline_at = attempt.started_at - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/me/attempts/{attempt.id}/answers", json={"position": 1, "answer": ["A"]})
    assert response.status_code == 409
    assert response.get_json()["closed"] is True and response.get_json()["error"]
    db.session.refresh(attempt)
    assert attempt.status == AttemptStatus.EXPIRED


def test_another_candidates_attempt_is_not_found(client, login, exam, candidate, make_user, make_person):
    other_user = make_user(Role.TRAINEE)
    make_person("130102", user=other_user, name="赵六")
    attempt = sitting.start_attempt(exam, candidate)
    db.session.commit()
    login(other_user)
    assert client.get(f"/me/attempts/{attempt.id}").status_code == 404
    assert client.post(f"/me/attempts/{attempt.id}/answers", json={"position": 1, "answer": ["A"]}).status_code == 404


def test_staff_set_an_exam_and_a_bad_blueprint_is_named(client, login, make_user, home, bank):
    login(make_user(Role.INSTITUTION_STAFF, institution=home))
    form = {"title": "五级理论考试", "audience": "caregiver", "level": "5", "duration_minutes": "60",
            "pass_mark": "60", "attempts_allowed": "2", "opens_at": "2026-12-01T09:00",
            "closes_at": "2026-12-01T11:00", "programme": ""}
    bad = client.post("/exams/new", data=form | {"blueprint": "daily_care single 20 5"})
    assert bad.status_code == 400 and "daily_care / single: 20 wanted, the bank has 6" in bad.get_data(as_text=True)
    good = client.post("/exams/new", data=form | {
        "blueprint": "daily_care single 4 10\nbasic_care multiple 3 10\nethics_basics true_false 3 10"})
    assert good.status_code == 302 and "/exams/" in good.headers["Location"]


def test_a_gift_upload_imports_and_a_broken_one_reports_its_line(client, login, make_user):
    login(make_user(Role.CIVIL_AFFAIRS, region_code="130000"))
    gift = "$CATEGORY: 护理/daily_care\n::UP-0001::协助老人进食时应（  ）。{=取坐位或半坐位~平卧~俯卧}\n"
    ok = client.post("/exams/questions/import", data={
        "file": (io.BytesIO(gift.encode()), "upload.gift"), "bank": "upload", "title": "上传题库",
        "audience": "caregiver", "area": "basic_care", "level": ""}, content_type="multipart/form-data")
    assert ok.status_code == 200
    question = db.session.scalar(select(Question).where(Question.code == "UP-0001"))
    assert question is not None and question.area == "daily_care"
    broken = client.post("/exams/questions/import", data={
        "file": (io.BytesIO(b"::X::stem {=a~b\n"), "broken.gift"), "bank": "broken", "title": "坏",
        "audience": "caregiver", "area": "basic_care", "level": ""}, content_type="multipart/form-data")
    assert broken.status_code == 400 and "broken.gift:1:" in broken.get_data(as_text=True)


def test_an_examiner_marks_on_the_page_and_a_bad_value_names_the_item(client, login, home, candidate, examiners):
    from pathlib import Path

    from lms.core.content import content_dir
    from lms.exams import practical
    from lms.exams.models import PracticalSheet

    practical.import_sheets(Path(content_dir()) / "practical")
    sheet = db.session.scalar(select(PracticalSheet).where(PracticalSheet.code == "cg5-turning"))
    assessment = practical.create_assessment(sheet=sheet, person=candidate, institution=home, programme=None,
                                             examiners=examiners[:1], chief=examiners[0])
    db.session.commit()
    login(examiners[0])
    full = {f"item-{i['code']}": str(i["max_points"]) for i in sheet.items}
    first = sheet.items[0]
    bad = client.post(f"/practical/{assessment.id}", data=full | {f"item-{first['code']}": "x"})
    assert bad.status_code == 400 and first["title"] in bad.get_data(as_text=True)
    good = client.post(f"/practical/{assessment.id}", data=full)
    assert good.status_code == 302
    db.session.refresh(assessment)
    assert assessment.score == 100
    client.post(f"/practical/{assessment.id}/lock", data={"note": ""})
    db.session.refresh(assessment)
    assert assessment.is_locked and assessment.is_passed
