"""Sitting an exam: start and resume, autosave, idempotent submit, the
deadline, retakes, and the key never reaching the candidate early."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.core.time import as_utc, utcnow
from lms.exams import attempts as sitting
from lms.exams.models import Attempt, AttemptStatus
from lms.extensions import db


def _answer_all(attempt, *, right: bool, now=None):
    """Answer every question (right or wrong), as the candidate sees the letters."""
    for item in attempt.items:
        key = item.version.answer
        if item.version.kind == "true_false":
            shown = [key] if right else ["false" if key == "true" else "true"]
        else:
            letters = key if right else next(c for c in item.option_order if c not in key)
            shown = ["ABCD"[item.option_order.index(c)] for c in letters]
        sitting.save_answer(attempt, item.position, shown, now=now)


def test_start_draws_a_paper_and_a_second_start_resumes_it(exam, candidate):
    first = sitting.start_attempt(exam, candidate)
    again = sitting.start_attempt(exam, candidate)
    assert again.id == first.id
    assert len(first.items) == 10 and first.number == 1
    deadline = first.deadline_at - first.started_at
    assert timedelta(minutes=59) < deadline <= timedelta(minutes=60)


def test_answers_are_graded_in_the_versions_letters_whatever_the_shown_order(exam, candidate):
    attempt = sitting.start_attempt(exam, candidate)
    _answer_all(attempt, right=True)
    assert sitting.close_attempt(attempt) is True
    assert attempt.score == 100 and attempt.is_passed
    assert attempt.status == AttemptStatus.SUBMITTED


def test_a_partly_right_multiple_answer_earns_nothing(exam, candidate):
    attempt = sitting.start_attempt(exam, candidate)
    item = next(i for i in attempt.items if i.version.kind == "multiple")
    sitting.save_answer(attempt, item.position, ["ABCD"[item.option_order.index("A")]])
    sitting.close_attempt(attempt)
    assert item.earned == 0 and attempt.score == 0


def test_submit_twice_gives_one_result(exam, candidate):
    attempt = sitting.start_attempt(exam, candidate)
    _answer_all(attempt, right=False)
    assert sitting.close_attempt(attempt) is True
    assert sitting.close_attempt(attempt) is False
    assert attempt.score == 0 and not attempt.is_passed


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_closes_with_what_was_saved(exam, candidate):
    attempt = sitting.start_attempt(exam, candidate)
    first = attempt.items[0]
    sitting.save_answer(attempt, first.position, ["ABCD"[first.option_order.index(first.version.answer)]])
    late = as_utc(attempt.deadline_at) + timedelta(minutes=1)
    with pytest.raises(sitting.AttemptClosed):
        sitting.save_answer(attempt, attempt.items[1].position, ["A"], now=late)
    db.session.refresh(attempt)
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.score == first.points  # the answer saved in time counts, nothing else
    assert attempt.items[1].given == ""


def test_an_answer_within_the_grace_period_still_counts(app, exam, candidate):
    attempt = sitting.start_attempt(exam, candidate)
    just_late = as_utc(attempt.deadline_at) + timedelta(seconds=app.config["EXAM_GRACE_SECONDS"] - 2)
    sitting.save_answer(attempt, 1, ["A"], now=just_late)
    assert attempt.is_open


def test_the_sweep_closes_attempts_past_their_deadline(exam, candidate):
    attempt = sitting.start_attempt(exam, candidate)
    assert sitting.close_expired_attempts() == 0
    assert sitting.close_expired_attempts(now=as_utc(attempt.deadline_at) + timedelta(minutes=5)) == 1
    db.session.refresh(attempt)
    assert attempt.status == AttemptStatus.EXPIRED and attempt.score == 0


def test_a_failed_candidate_may_retake_once_then_no_more(exam, candidate):
    first = sitting.start_attempt(exam, candidate)
    sitting.close_attempt(first)
    second = sitting.start_attempt(exam, candidate)
    assert second.number == 2 and second.seed != first.seed or second.id != first.id
    sitting.close_attempt(second)
    with pytest.raises(sitting.ExamError, match="no_attempts_left"):
        sitting.start_attempt(exam, candidate)


def test_a_passed_candidate_does_not_start_again(exam, candidate):
    attempt = sitting.start_attempt(exam, candidate)
    _answer_all(attempt, right=True)
    sitting.close_attempt(attempt)
    with pytest.raises(sitting.ExamError, match="already_passed"):
        sitting.start_attempt(exam, candidate)


def test_only_candidates_start_and_only_while_the_exam_is_open(make_exam, make_person, candidate):
    from lms.exams.services import add_candidates

    outsider = make_person("130102", name="李四")
    later = make_exam(opens_at=utcnow() + timedelta(hours=1), closes_at=utcnow() + timedelta(hours=3))
    add_candidates(later, [candidate])
    with pytest.raises(sitting.ExamError, match="not_candidate"):
        sitting.start_attempt(later, outsider)
    with pytest.raises(sitting.ExamError, match="not_open"):
        sitting.start_attempt(later, candidate)


def test_the_deadline_never_passes_the_exams_closing_time(make_exam, candidate):
    from lms.exams.services import add_candidates

    closing_soon = make_exam(closes_at=utcnow() + timedelta(minutes=10))
    add_candidates(closing_soon, [candidate])
    attempt = sitting.start_attempt(closing_soon, candidate)
    assert as_utc(attempt.deadline_at) <= as_utc(closing_soon.closes_at)


def test_two_submits_at_once_give_one_result(make_committed_app):
    """Two threads with their own connections submit the same attempt at the
    same moment (a double click): exactly one closes and grades it."""
    committed = make_committed_app()
    with committed.app_context():
        attempt_id = _committed_attempt()
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def submit():
        with committed.app_context():
            try:
                barrier.wait(10)
                attempt = db.session.get(Attempt, attempt_id)
                outcomes.append(sitting.close_attempt(attempt))
                db.session.commit()
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(outcomes) == [False, True]
    with committed.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == AttemptStatus.SUBMITTED and attempt.score is not None
        assert db.session.scalar(select(func.count(Attempt.id))) == 1
        db.session.remove()


def _committed_attempt() -> int:
    """Commit a region, an institution, a bank, an exam and a started attempt."""
    import random

    from lms.demo.identities import fake_credit_code, fake_id_number, fake_mobile
    from lms.exams import bank_services, services
    from lms.exams.bank_files import BankFile
    from lms.people import services as people
    from lms.regions.queries import region_by_code
    from lms.regions.services import create_institution, import_regions
    from tests.conftest import REGION_TREE
    from tests.exams.conftest import BLUEPRINT, bank_questions

    rng = random.Random(5)
    import_regions(REGION_TREE)
    region = region_by_code("130102")
    home = create_institution(name="长安区康宁养老院", credit_code=fake_credit_code(rng, "130102"),
                              kind="care_home", grade=None, region=region)
    bank_services.import_bank(BankFile(code="b", title="题库", audience="caregiver", questions=bank_questions()))
    person = people.register_person(name="张秀华", id_number=fake_id_number(rng, "130102"),
                                    phone=fake_mobile(rng), region=region, categories=["caregiver"],
                                    employer=home, registered_by=home)
    exam = services.create_exam(title="理论考试", institution=home, programme=None, audience="caregiver", level=5,
                                blueprint=BLUEPRINT, duration_minutes=60, pass_mark=60, attempts_allowed=2,
                                opens_at=utcnow() - timedelta(hours=1), closes_at=utcnow() + timedelta(hours=5),
                                by=None)
    services.add_candidates(exam, [person])
    attempt = sitting.start_attempt(exam, person)
    db.session.commit()
    return attempt.id


def test_a_submitted_form_writes_only_answers_that_changed_and_nothing_after_the_deadline(exam, candidate):
    attempt = sitting.start_attempt(exam, candidate)
    first, second = attempt.items[0], attempt.items[1]
    sitting.save_answer(attempt, first.position, ["A"])
    saved_at = first.answered_at
    changed = sitting.save_answers(attempt, {first.position: ["A"], second.position: ["B"]})
    assert changed == 1 and first.answered_at == saved_at and second.given != ""
    late = as_utc(attempt.deadline_at) + timedelta(minutes=1)
    with pytest.raises(sitting.AttemptClosed):
        sitting.save_answers(attempt, {first.position: ["C"]}, now=late)
    assert attempt.status == AttemptStatus.EXPIRED
