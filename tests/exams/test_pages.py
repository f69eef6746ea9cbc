"""Exam pages as candidates, staff and examiners use them."""

import io
import re
from datetime import timedelta

from sqlalchemy import select

from lms.core.access import Role
from lms.exams import attempts as sitting
from lms.exams.models import Attempt, AttemptStatus, ExamCandidate, Question
from lms.extensions import db


def _without_tokens(page: str) -> str:
    return re.sub(r'(csrf_token" value=|data-csrf-token=)"[^"]*"', r"\1", page)


def _start(client, exam):
    response = client.post(f"/me/exams/{exam.id}/start", data={"confirmed": "1"})
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
    response = client.post(f"/me/attempts/{attempt.id}/answers", json={"position": 1, "answer": ["A"], "seq": 1})
    assert response.status_code == 200
    assert response.get_json() | {"saved_at": None} == {"saved": True, "stale": False, "seq": 1, "saved_at": None}


def test_reload_resumes_with_saved_answers_and_submit_shows_the_result(client, login, exam, candidate):
    login(candidate.user)
    attempt = _start(client, exam)
    tf = next(i for i in attempt.items if i.version.kind == "true_false")
    client.post(f"/me/attempts/{attempt.id}/answers", json={"position": tf.position, "answer": ["true"], "seq": 1})
    again = _start(client, exam)
    assert again.id == attempt.id
    page = client.get(f"/me/attempts/{attempt.id}").get_data(as_text=True)
    assert f'name="q{tf.position}" value="true" checked' in page
    response = client.post(f"/me/attempts/{attempt.id}/submit", data={f"q{tf.position}": "true", "confirmed": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    result = client.get(f"/me/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "10" in result and tf.version.explanation not in result
    db.session.refresh(attempt)
    assert attempt.score == tf.points
    # A replayed submit changes nothing, confirmed or not, and asks nothing.
    for confirmed in ({"confirmed": "1"}, {}):
        again = client.post(f"/me/attempts/{attempt.id}/submit", data={f"q{tf.position}": "false"} | confirmed)
        assert again.headers["Location"].endswith("/result")
        db.session.refresh(attempt)
        assert attempt.score == tf.points and tf.given == "true"
    assert client.get(f"/me/attempts/{attempt.id}/submit").headers["Location"].endswith("/result")


def test_submit_asks_on_a_page_first_and_keeps_the_answers_meanwhile(client, login, exam, candidate):
    """Without scripts: 交卷 saves what the form carries and shows the confirm
    page (how many are unanswered, which ones); only 确认交卷 closes."""
    login(candidate.user)
    attempt = _start(client, exam)
    first, second = attempt.items[0], attempt.items[1]
    shown = ["true"] if first.version.kind == "true_false" else [
        "ABCD"[first.option_order.index(letter)] for letter in first.version.answer]
    response = client.post(f"/me/attempts/{attempt.id}/submit", data={f"q{first.position}": shown})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/me/attempts/{attempt.id}/submit")
    db.session.refresh(attempt)
    assert attempt.is_open and first.given == first.version.answer

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "确定交卷吗？" in page and "共 10 题，还有 9 题未作答。" in page
    unanswered = [item.position for item in attempt.items if item is not first]
    for position in unanswered:
        assert f'/me/attempts/{attempt.id}#question-{position}"' in page
    assert f'#question-{first.position}"' not in page
    assert 'name="confirmed" value="1"' in page and "确认交卷" in page
    assert f'href="/me/attempts/{attempt.id}">继续作答</a>' in page

    # 继续作答: the paper again, with the answer kept; one more answer, then confirmed.
    paper = client.get(f"/me/attempts/{attempt.id}").get_data(as_text=True)
    assert f'id="question-{second.position}"' in paper
    client.post(f"/me/attempts/{attempt.id}/answers",
                json={"position": second.position, "answer": ["A"], "seq": 1})
    page = client.get(f"/me/attempts/{attempt.id}/submit").get_data(as_text=True)
    assert "还有 8 题未作答" in page
    done = client.post(f"/me/attempts/{attempt.id}/submit", data={"confirmed": "1"})
    assert done.headers["Location"].endswith("/result")
    db.session.refresh(attempt)
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.score >= first.points


def test_the_confirm_page_says_when_every_question_is_answered(client, login, exam, candidate):
    login(candidate.user)
    attempt = _start(client, exam)
    form = {f"q{item.position}": ["true"] if item.version.kind == "true_false" else ["A"] for item in attempt.items}
    response = client.post(f"/me/attempts/{attempt.id}/submit", data=form)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "10 题已全部作答。" in page and "未作答题号" not in page
    db.session.refresh(attempt)
    assert attempt.is_open


def test_the_paper_asks_in_the_page_not_in_a_pop_up(client, login, exam, candidate):
    login(candidate.user)
    attempt = _start(client, exam)
    page = client.get(f"/me/attempts/{attempt.id}").get_data(as_text=True)
    assert "confirm(" not in page and "onclick" not in page
    # The in-page step is there for scripts to show, hidden until 交卷 is pressed.
    panel = page[page.index('id="submit-panel"') - 200:page.index("</section>")]
    assert " hidden " in panel and 'name="confirmed" value="1"' in panel and "继续作答" in panel
    assert 'data-some-text="共 {total} 题，还有 {n} 题未作答。"' in panel


def test_an_unconfirmed_submit_after_the_deadline_closes_with_the_saved_answers(client, login, exam, candidate):
    login(candidate.user)
    attempt = _start(client, exam)
    attempt.deadline_at = attempt.started_at - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/me/attempts/{attempt.id}/submit", data={"q1": "A"})
    assert response.headers["Location"].endswith("/result")
    db.session.refresh(attempt)
    assert attempt.status == AttemptStatus.EXPIRED and attempt.items[0].given == ""


def test_my_exams_writes_only_when_it_closes_a_late_attempt(client, login, exam, candidate, monkeypatch):
    login(candidate.user)
    attempt = _start(client, exam)
    commits = []
    commit = db.session.commit
    monkeypatch.setattr(db.session, "commit", lambda: (commits.append(1), commit()))
    assert client.get("/me/exams").status_code == 200
    assert commits == []  # nothing closed, nothing to keep
    attempt.deadline_at = attempt.started_at - timedelta(minutes=1)
    db.session.flush()
    page = client.get("/me/exams").get_data(as_text=True)
    assert commits == [1]
    db.session.refresh(attempt)
    assert attempt.status == AttemptStatus.EXPIRED
    assert f"/me/attempts/{attempt.id}/result" in page  # the page shows it closed, not 继续
    client.get("/me/exams")
    assert commits == [1]


def test_a_late_answer_is_refused_with_a_clear_message(client, login, exam, candidate):
    login(candidate.user)
    attempt = _start(client, exam)
    attempt.deadline_at = attempt.started_at - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/me/attempts/{attempt.id}/answers", json={"position": 1, "answer": ["A"], "seq": 1})
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
    assert client.post(f"/me/attempts/{attempt.id}/answers",
                       json={"position": 1, "answer": ["A"], "seq": 1}).status_code == 404


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


def test_the_paper_letters_options_in_the_candidates_order_escapes_text_and_gives_the_deadline_in_utc(
        client, login, exam, candidate):
    login(candidate.user)
    attempt = _start(client, exam)
    item = next(i for i in attempt.items if i.version.kind == "single")
    item.version.stem = 'Which is right? <script>alert("x")</script>'
    db.session.commit()
    page = client.get(f"/me/attempts/{attempt.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    options = item.version.options
    for shown, letter in zip("ABCD", item.option_order, strict=False):
        assert f'name="q{item.position}" value="{shown}"> {shown}. {options["ABCD".index(letter)]}</label>' in page
    assert f'data-deadline="{attempt.deadline_at.replace(tzinfo=None).isoformat()}+00:00"' in page


def test_a_process_keeps_the_question_text_it_has_shown(app, client, login, exam, candidate):
    """With EXAM_SHOWN_VERSIONS_KEPT on (production), the second paper page
    reads its items but no question text; the page is the same."""
    from sqlalchemy import event

    app.config["EXAM_SHOWN_VERSIONS_KEPT"] = 1000
    app.extensions.pop("exams.shown_versions", None)
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        login(candidate.user)
        attempt = _start(client, exam)
        first = client.get(f"/me/attempts/{attempt.id}").get_data(as_text=True)
        read_text = [s for s in statements if "question_versions.stem" in s]
        statements.clear()
        second = client.get(f"/me/attempts/{attempt.id}").get_data(as_text=True)
        assert len(read_text) == 1
        assert not [s for s in statements if "question_versions" in s]
        # The same page but for the CSRF tokens, which carry a timestamp.
        assert _without_tokens(first) == _without_tokens(second)
        assert all(item.version.stem in second for item in attempt.items)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        app.config["EXAM_SHOWN_VERSIONS_KEPT"] = 0
        app.extensions.pop("exams.shown_versions", None)


def test_staff_admit_candidates_found_by_name_or_number_tail_and_only_from_their_institution(
        client, login, make_user, make_person, make_institution, home, exam, candidate):
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    waiting = make_person("130102", institution=home, name="李桂兰", id_number="130102196505051239")
    make_person("130102", institution=home, name="赵淑芬")
    elsewhere = make_person("130102", institution=make_institution("130102"), name="李桂芝")
    login(staff)
    page = client.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert f'name="person" value="{waiting.id}"' in page
    assert f'name="person" value="{candidate.id}"' not in page  # admitted already
    assert f'name="person" value="{elsewhere.id}"' not in page  # another institution's
    found = client.get(f"/exams/{exam.id}?q=李桂").get_data(as_text=True)
    assert "李桂兰" in found and "赵淑芬" not in found and "李桂芝" not in found
    assert f'value="{waiting.id}"' in client.get(f"/exams/{exam.id}?q=1239").get_data(as_text=True)
    refused = client.get(f"/exams/{exam.id}?q=130102196505051239")
    assert refused.status_code == 302 and "130102196505051239" not in refused.headers["Location"]
    # A posted id of another institution's person is not admitted.
    client.post(f"/exams/{exam.id}/candidates", data={"person": [str(waiting.id), str(elsewhere.id)]})
    admitted = set(db.session.scalars(select(ExamCandidate.person_id).where(ExamCandidate.exam_id == exam.id)))
    assert waiting.id in admitted and elsewhere.id not in admitted
    assert "李桂兰" not in client.get(f"/exams/{exam.id}?q=李桂").get_data(as_text=True).split("admit-title")[1]


MORE_MATCH = "符合条件的人员超过 2 人"


def test_the_admission_list_says_when_more_people_match_than_it_shows(
        client, login, make_user, make_person, home, exam, monkeypatch):
    from lms.exams import views

    monkeypatch.setattr(views, "ADMISSIBLE_SHOWN", 2)
    for name in ("周一", "周二", "周三"):
        make_person("130102", institution=home, name=name)
    login(make_user(Role.INSTITUTION_STAFF, institution=home))
    page = client.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert page.count('name="person"') == 2 and MORE_MATCH in page
    found = client.get(f"/exams/{exam.id}?q=周三").get_data(as_text=True)
    assert found.count('name="person"') == 1 and MORE_MATCH not in found


def test_without_scripts_an_untick_clears_the_saved_answer_but_not_one_changed_elsewhere(
        client, login, exam, candidate):
    login(candidate.user)
    attempt = _start(client, exam)
    multiple = [i for i in attempt.items if i.version.kind == "multiple"]
    first, second = multiple[0], multiple[1]
    for seq, item in enumerate((first, second), start=1):
        client.post(f"/me/attempts/{attempt.id}/answers",
                    json={"position": item.position, "answer": ["A", "C"], "seq": seq})
    page = client.get(f"/me/attempts/{attempt.id}").get_data(as_text=True)
    assert f'name="saved{first.position}" value="A C"' in page
    # Another device answers the second question anew after this page was drawn.
    client.post(f"/me/attempts/{attempt.id}/answers", json={"position": second.position, "answer": ["B"], "seq": 3})
    # Both un-ticked on this page (scripts off: the boxes simply are not sent).
    client.post(f"/me/attempts/{attempt.id}/submit", data={
        f"saved{first.position}": "A C", f"saved{second.position}": "A C"})
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.given == ""
    assert second.given == second.option_order[1]  # "B" as shown, kept


def test_the_admission_section_says_why_no_one_is_offered(client, login, make_user, make_exam, home, candidate):
    """No one registered yet, everyone admitted, and a search that finds no one
    each get their own sentence, not an empty list."""
    from lms.exams.services import add_candidates

    exam = make_exam()
    login(make_user(Role.INSTITUTION_STAFF, institution=home))
    candidate.registered_by_institution_id = candidate.employer_id = None  # no one in the staff's scope yet
    db.session.commit()
    assert "尚无可参加本考试的人员" in client.get(f"/exams/{exam.id}").get_data(as_text=True)
    candidate.registered_by_institution_id = candidate.employer_id = home.id
    add_candidates(exam, [candidate])
    db.session.commit()
    assert "均已准入" in client.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert "没有与“王”相符的未准入人员" in client.get(f"/exams/{exam.id}?q=王").get_data(as_text=True)


def test_one_tap_never_starts_the_clock_the_rules_come_first(client, login, exam, candidate):
    login(candidate.user)
    page = client.get("/me/exams").get_data(as_text=True)
    assert f'href="/me/exams/{exam.id}/start"' in page  # a link to the rules, not a start form
    rules = client.get(f"/me/exams/{exam.id}/start")
    text = rules.get_data(as_text=True)
    assert rules.status_code == 200
    for fact in (f"{exam.duration_minutes}", f"{exam.question_count}", f"{exam.pass_mark}"):
        assert fact in text
    assert 'name="confirmed" value="1"' in text
    # A POST that did not come through the rules (a stale form, a replay) is sent to them.
    response = client.post(f"/me/exams/{exam.id}/start")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/me/exams/{exam.id}/start")
    assert db.session.scalar(select(db.func.count()).select_from(Attempt)) == 0
    attempt = _start(client, exam)
    # Once started, the rules page leads back to the same paper.
    again = client.get(f"/me/exams/{exam.id}/start")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/me/attempts/{attempt.id}")


def test_another_exam_s_rules_are_not_found(client, login, exam, make_person, make_user, home):
    stranger = make_person("130102", institution=home, user=make_user(Role.TRAINEE), name="路人甲")
    login(stranger.user)  # a trainee, but not admitted to this exam
    assert client.get(f"/me/exams/{exam.id}/start").status_code == 404
