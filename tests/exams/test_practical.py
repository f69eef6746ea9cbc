"""Practical assessments: sheets, marks from several examiners, the mean, the
disagreement flag, critical items, the chief examiner's lock, and changes
after the lock."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.core.audit import AuditEntry
from lms.core.content import content_dir
from lms.exams import practical
from lms.exams.queries import assessment_outcome
from lms.extensions import db
from lms.training.models import Programme


@pytest.fixture
def sheet():
    practical.import_sheets(Path(content_dir()) / "practical")
    from lms.exams.models import PracticalSheet

    return db.session.scalar(select(PracticalSheet).where(PracticalSheet.code == "cg5-turning"))


@pytest.fixture
def assessment(sheet, candidate, home, examiners):
    programme = Programme(code="CG-5", name="养老护理员（五级/初级工）职业技能培训", category="caregiver", level=5,
                          hours=180, certificate_kind="skill_level", theory_pass_mark=60, practical_pass_mark=60)
    db.session.add(programme)
    return practical.create_assessment(sheet=sheet, person=candidate, institution=home, programme=programme,
                                       examiners=examiners, chief=examiners[0])


def _points(sheet, minus: int = 0) -> dict[str, int]:
    """Full points on every item, less ``minus`` on the first."""
    points = {item["code"]: item["max_points"] for item in sheet.items}
    first = sheet.items[0]["code"]
    points[first] -= minus
    return points


def test_every_shipped_sheet_adds_up_to_100():
    for path in (Path(content_dir()) / "practical").glob("*.yaml"):
        spec = practical.read_sheet(path)
        assert sum(item["max_points"] for item in spec.items) == 100, path.name
        assert spec.critical, path.name


def test_the_score_is_the_examiners_mean_once_all_have_marked(assessment, examiners):
    practical.record_marks(assessment, examiners[0], _points(assessment.sheet, minus=5), [])
    assert assessment.score is None  # the second examiner has not marked yet
    practical.record_marks(assessment, examiners[1], _points(assessment.sheet, minus=2), [])
    assert assessment.score == 96.5 and assessment.is_passed and not assessment.is_flagged


def test_a_gap_above_the_threshold_is_flagged_and_locking_then_needs_a_note(app, assessment, examiners):
    gap = app.config["PRACTICAL_FLAG_GAP"]
    sheet = assessment.sheet
    low = _points(sheet)
    for item in sheet.items[:3]:
        low[item["code"]] = 0
    assert 100 - sum(low.values()) > gap
    practical.record_marks(assessment, examiners[0], _points(sheet), [])
    practical.record_marks(assessment, examiners[1], low, [])
    assert assessment.is_flagged
    with pytest.raises(practical.PracticalError, match="flagged_needs_note"):
        practical.lock_assessment(assessment, examiners[0])
    practical.lock_assessment(assessment, examiners[0], "复核录像，按两位考评员均分")
    assert assessment.is_locked


def test_a_critical_item_fails_the_sheet_whatever_the_points(assessment, examiners):
    practical.record_marks(assessment, examiners[0], _points(assessment.sheet), [0])
    practical.record_marks(assessment, examiners[1], _points(assessment.sheet), [0])
    assert assessment.score == 100 and assessment.is_passed is False


def test_points_outside_an_items_range_are_refused_naming_the_item(assessment, examiners):
    points = _points(assessment.sheet)
    first = assessment.sheet.items[0]
    points[first["code"]] = first["max_points"] + 1
    with pytest.raises(practical.PracticalError, match=f"item:{first['code']}"):
        practical.record_marks(assessment, examiners[0], points, [])


def test_only_assigned_examiners_mark_and_only_the_chief_locks(assessment, examiners, make_user, home):
    from lms.core.access import Role

    stranger = make_user(Role.EXAMINER, institution=home)
    with pytest.raises(practical.PracticalError, match="not_assigned"):
        practical.record_marks(assessment, stranger, _points(assessment.sheet), [])
    for examiner in examiners:
        practical.record_marks(assessment, examiner, _points(assessment.sheet), [])
    with pytest.raises(practical.PracticalError, match="not_chief"):
        practical.lock_assessment(assessment, examiners[1])


def test_after_the_lock_a_change_needs_the_chief_and_a_reason_and_is_audited(assessment, examiners):
    for examiner in examiners:
        practical.record_marks(assessment, examiner, _points(assessment.sheet), [])
    practical.lock_assessment(assessment, examiners[0])
    with pytest.raises(practical.PracticalError, match="locked"):
        practical.record_marks(assessment, examiners[1], _points(assessment.sheet, minus=10), [])
    with pytest.raises(practical.PracticalError, match="locked"):
        practical.record_marks(assessment, examiners[0], _points(assessment.sheet, minus=10), [])
    practical.record_marks(assessment, examiners[0], _points(assessment.sheet, minus=10), [],
                           reason="录入错误：第一项应扣10分")
    assert assessment.score == 95
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "practical.marks_after_lock")).one()
    assert '"total": 100' in entry.old_values and '"total": 90' in entry.new_values
    assert "录入错误" in entry.new_values


def test_certificates_read_theory_and_practical_results(assessment, examiners, candidate, make_exam):
    from lms.exams import attempts as sitting
    from lms.exams.services import add_candidates
    from lms.training.services.prior import record_prior_hours

    programme = assessment.programme
    assert assessment_outcome(candidate, programme).passed is False
    for examiner in examiners:
        practical.record_marks(assessment, examiner, _points(assessment.sheet), [])
    practical.lock_assessment(assessment, examiners[0])
    exam = make_exam(programme=programme)
    assert add_candidates(exam, [candidate]) == 0  # the programme's hours are not recorded yet
    record_prior_hours(candidate, programme, hours=programme.hours, by=None,
                       reason="2025年第3期线下培训班签到表（纸质，已存档）")
    assert add_candidates(exam, [candidate]) == 1
    attempt = sitting.start_attempt(exam, candidate)
    for item in attempt.items:
        key = item.version.answer
        shown = [key] if not item.option_order else ["ABCD"[item.option_order.index(c)] for c in key]
        sitting.save_answer(attempt, item.position, shown)
    sitting.close_attempt(attempt)
    outcome = assessment_outcome(candidate, programme)
    assert outcome.theory_passed and outcome.practical_passed and outcome.passed


def test_a_bad_sheet_is_skipped_and_every_problem_named_with_its_line(tmp_path):
    (tmp_path / "bad-sheet.yaml").write_text(
        "code: other-name\ntitle: 翻身\narea: cooking\nminutes: 15\n"
        "items:\n  - {code: a, title: 准备, max_points: 40}\n", encoding="utf-8")
    written, problems = practical.import_sheets(tmp_path)
    assert written == 0
    assert [p.split(": ", 1)[0] for p in problems] == [f"{tmp_path / 'bad-sheet.yaml'}:1",
                                                       f"{tmp_path / 'bad-sheet.yaml'}:3",
                                                       f"{tmp_path / 'bad-sheet.yaml'}:5"]


def _person_options(page: str) -> list[str]:
    """The candidates the set-up form offers, as their option labels."""
    select = re.search(r'<select[^>]* id="person"[^>]*>(.*?)</select>', page, re.DOTALL)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1)) if select else []


@pytest.fixture
def staff(make_user, home):
    from lms.core.access import Role

    return make_user(Role.INSTITUTION_STAFF, institution=home)


def test_set_up_finds_a_candidate_by_name_or_tail_within_the_institution(
        client, login, staff, home, candidate, examiners, sheet, make_person, make_institution):
    colleague = make_person("130102", institution=home, name="李桂芝")
    colleague.phone = "13900001234"
    elsewhere = make_institution("130203", name="路北区幸福里养老中心")
    make_person("130203", institution=elsewhere, name="张秀兰")  # another institution's caregiver
    db.session.commit()
    login(staff)

    everyone = _person_options(client.get("/practical/new").get_data(as_text=True))
    assert [o.split()[0] for o in everyone] == ["李桂芝", "张秀华"]
    assert everyone[0] == f"李桂芝 {colleague.id_number_masked} 139****1234"
    assert _person_options(client.get("/practical/new?q=张").get_data(as_text=True)) == [
        f"张秀华 {candidate.id_number_masked} {candidate.phone[:3]}****{candidate.phone[-4:]}"]
    tail = candidate.id_number_masked[-4:].lower()  # a lowercase x is the same check character
    assert [o.split()[0] for o in _person_options(client.get(f"/practical/new?q={tail}").get_data(as_text=True))] \
        == ["张秀华"]
    assert [o.split()[0] for o in _person_options(client.get("/practical/new?q=1234").get_data(as_text=True))] \
        == ["李桂芝"]
    nobody = client.get("/practical/new?q=张秀兰").get_data(as_text=True)
    assert "本辖区没有与“张秀兰”相符的护理员。" in nobody and 'id="person"' not in nobody

    # A full number is not searched and leaves the address at once; the box itself refuses it.
    for full in (candidate.reveal_id_number(), colleague.phone):
        refused = client.get(f"/practical/new?q={full}")
        assert refused.status_code == 302 and refused.headers["Location"] == "/practical/new"
        page = client.get(refused.headers["Location"]).get_data(as_text=True)
        assert "请勿用完整的身份证号或手机号查找" in page and full not in page
        assert 'pattern="[^0-9]*|[0-9]{3}[0-9Xx]"' in page


def test_set_up_posts_the_found_candidate_and_refuses_one_out_of_scope(
        client, login, staff, home, candidate, examiners, sheet, make_person, make_institution):
    from lms.exams.models import PracticalAssessment

    outsider = make_person("130203", institution=make_institution("130203"), name="张秀兰")
    db.session.commit()
    login(staff)
    form = {"sheet": sheet.id, "programme": "", "chief": examiners[0].id, "examiner": [examiners[0].id]}
    refused = client.post("/practical/new?q=张", data=form | {"person": outsider.id})
    assert refused.status_code == 400 and "张秀兰" not in refused.get_data(as_text=True)
    assert db.session.scalar(select(PracticalAssessment).where(PracticalAssessment.person_id == outsider.id)) is None
    made = client.post("/practical/new?q=张", data=form | {"person": candidate.id})
    assert made.status_code == 302
    assessment = db.session.scalars(select(PracticalAssessment)).one()
    assert assessment.person_id == candidate.id and assessment.examiner_ids == {examiners[0].id}


def test_set_up_lists_at_most_50_candidates_and_says_when_there_are_more(
        client, login, staff, home, examiners, sheet, make_person):
    given, second = "一二三四五六七八九十", "春夏秋冬兰梅"
    for n in range(51):
        make_person("130102", institution=home, name=f"王{given[n % 10]}{second[n // 10]}")
    db.session.commit()
    login(staff)
    page = client.get("/practical/new").get_data(as_text=True)
    assert len(_person_options(page)) == 50
    assert "符合条件的护理员超过 50 人，只列出前 50 人。" in page
    narrowed = client.get("/practical/new?q=王一").get_data(as_text=True)
    assert len(_person_options(narrowed)) == 6 and "超过 50 人" not in narrowed
