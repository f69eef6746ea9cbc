"""Autosaves that arrive late, out of order or after the deadline: the page
numbers its saves per attempt and the server keeps the newest; time stays the
server's (the deadline plus EXAM_GRACE_SECONDS)."""

from datetime import timedelta

import pytest

from lms.core.time import as_utc, utcnow
from lms.exams import attempts as sitting
from lms.exams.models import AttemptStatus
from lms.extensions import db

CLOSED = "考试时间已到，已停止作答。截止前保存的答案有效。"


def _shown(item, letters: str) -> list[str]:
    """The version's own letters as the candidate sees them on this paper."""
    return ["ABCD"[item.option_order.index(letter)] for letter in letters]


def _single(attempt):
    return next(i for i in attempt.items if i.version.kind == "single")


def _save(client, attempt, payload):
    return client.post(f"/me/attempts/{attempt.id}/answers", json=payload)


@pytest.fixture
def sitting_candidate(client, login, exam, candidate):
    """The candidate signed in, with an attempt started through the page."""
    login(candidate.user)
    assert client.post(f"/me/exams/{exam.id}/start", data={"confirmed": "1"}).status_code == 302
    return sitting.start_attempt(exam, candidate)


def test_an_older_save_arriving_after_a_newer_one_changes_nothing(client, sitting_candidate):
    attempt = sitting_candidate
    item = _single(attempt)
    newer = _save(client, attempt, {"position": item.position, "answer": _shown(item, "B"), "seq": 5})
    assert newer.get_json()["saved"] is True and newer.get_json()["stale"] is False
    # The save numbered 4 was retried after a dropped connection and comes last.
    older = _save(client, attempt, {"position": item.position, "answer": _shown(item, "C"), "seq": 4})
    assert older.status_code == 200
    assert older.get_json() | {"saved_at": None} == {"saved": False, "stale": True, "seq": 4, "saved_at": None}
    db.session.refresh(item)
    assert item.given == "B" and item.save_seq == 5


def test_a_save_with_the_same_number_is_applied_once(sitting_candidate):
    attempt = sitting_candidate
    item = _single(attempt)
    assert sitting.save_answer(attempt, item.position, _shown(item, "A"), seq=3) is True
    assert sitting.save_answer(attempt, item.position, _shown(item, "D"), seq=3) is False
    db.session.refresh(item)
    assert item.given == "A"


def test_numbers_are_per_question_and_a_newer_one_wins(sitting_candidate):
    attempt = sitting_candidate
    first, second = attempt.items[0], attempt.items[1]
    assert sitting.save_answer(attempt, first.position, ["A"], seq=7)
    # Another question's save with a lower number is not stale: it is its own.
    assert sitting.save_answer(attempt, second.position, ["A"], seq=6)
    assert sitting.save_answer(attempt, first.position, ["B"], seq=8)
    db.session.refresh(first)
    assert first.save_seq == 8 and first.given


@pytest.mark.parametrize("seq", [None, 0, -1, 1.5, True, "x", 2**31])
def test_a_save_without_a_valid_number_is_refused_with_a_clear_error(client, sitting_candidate, seq):
    attempt = sitting_candidate
    payload = {"position": 1, "answer": ["A"]} | ({} if seq is None else {"seq": seq})
    response = _save(client, attempt, payload)
    assert response.status_code == 400
    assert response.get_json()["error"] == "请提供本次保存的序号（seq），须为从1开始的整数。"
    db.session.refresh(attempt.items[0])
    assert attempt.items[0].given == ""


def test_the_grace_period_is_a_minute_by_default(app):
    from config import Config

    assert Config.EXAM_GRACE_SECONDS == 60 == app.config["EXAM_GRACE_SECONDS"]


def test_a_save_within_the_grace_period_counts(app, sitting_candidate):
    attempt = sitting_candidate
    item = _single(attempt)
    grace = app.config["EXAM_GRACE_SECONDS"]
    just_late = as_utc(attempt.deadline_at) + timedelta(seconds=grace - 1)
    assert sitting.save_answer(attempt, item.position, _shown(item, "B"), seq=1, now=just_late) is True
    db.session.refresh(item)
    assert attempt.is_open and item.given == "B"


def test_a_save_after_the_deadline_and_grace_is_refused_and_the_attempt_closes(app, sitting_candidate):
    attempt = sitting_candidate
    item = _single(attempt)
    sitting.save_answer(attempt, item.position, _shown(item, "B"), seq=1)
    too_late = as_utc(attempt.deadline_at) + timedelta(seconds=app.config["EXAM_GRACE_SECONDS"] + 1)
    with pytest.raises(sitting.AttemptClosed, match="closed"):
        sitting.save_answer(attempt, item.position, _shown(item, "C"), seq=2, now=too_late)
    db.session.refresh(attempt)
    db.session.refresh(item)
    assert attempt.status == AttemptStatus.EXPIRED
    assert item.given == "B" and attempt.score == item.points  # what arrived in time counts


def test_the_page_is_told_a_late_save_is_refused_and_the_result_says_why_once(
        app, client, monkeypatch, sitting_candidate):
    """Two queued saves reach the server after the deadline and the grace
    (here 30 s): both are refused with the closed message, the attempt is
    closed, and the result page the script reloads into says it once."""
    attempt = sitting_candidate
    monkeypatch.setitem(app.config, "EXAM_GRACE_SECONDS", 30)
    attempt.deadline_at = utcnow() - timedelta(seconds=31)
    db.session.commit()
    for seq in (1, 2):
        response = _save(client, attempt, {"position": seq, "answer": ["A"], "seq": seq})
        assert response.status_code == 409
        assert response.get_json() == {"closed": True, "error": CLOSED}
    db.session.refresh(attempt)
    assert attempt.status == AttemptStatus.EXPIRED
    paper = client.get(f"/me/attempts/{attempt.id}")
    assert paper.headers["Location"].endswith(f"/me/attempts/{attempt.id}/result")
    assert client.get(paper.headers["Location"]).get_data(as_text=True).count(CLOSED) == 1


def test_a_save_late_by_less_than_the_grace_is_accepted_by_the_page(app, client, monkeypatch, sitting_candidate):
    attempt = sitting_candidate
    monkeypatch.setitem(app.config, "EXAM_GRACE_SECONDS", 30)
    attempt.deadline_at = utcnow() - timedelta(seconds=20)
    db.session.commit()
    response = _save(client, attempt, {"position": 1, "answer": ["A"], "seq": 1})
    assert response.status_code == 200 and response.get_json()["saved"] is True


def test_the_paper_numbers_on_from_the_highest_save_stored(client, sitting_candidate):
    """A second device (or a browser that lost its storage) must not number
    its saves from 1, or they would all be taken for stale."""
    attempt = sitting_candidate
    sitting.save_answer(attempt, attempt.items[2].position, ["A"], seq=41)
    db.session.commit()
    page = client.get(f"/me/attempts/{attempt.id}").get_data(as_text=True)
    assert 'data-saved-seq="41"' in page
    assert 'name="seq" id="paper-seq" value=""' in page  # filled by the script
    assert 'id="offline-banner"' in page and "网络已断开，答案已保存在本机，恢复后自动提交" in page


def test_a_submitted_form_outranks_the_pages_autosaves_still_on_their_way(client, sitting_candidate):
    """交卷 without confirming keeps the attempt open; an autosave the page
    sent before it (number 3) that arrives afterwards does not undo the form."""
    attempt = sitting_candidate
    item = _single(attempt)
    _save(client, attempt, {"position": item.position, "answer": _shown(item, "A"), "seq": 2})
    response = client.post(f"/me/attempts/{attempt.id}/submit",
                           data={f"q{item.position}": _shown(item, "B"), "seq": "3"})
    assert response.headers["Location"].endswith("/submit")  # asks first: still open
    late = _save(client, attempt, {"position": item.position, "answer": _shown(item, "C"), "seq": 3})
    assert late.get_json()["stale"] is True
    db.session.refresh(item)
    assert item.given == "B" and item.save_seq == 3


def test_a_form_without_a_number_leaves_the_numbers_alone(client, sitting_candidate):
    """Scripts off: no numbered saves, nothing to outrank; a later numbered
    save (the page's script back on) still applies."""
    attempt = sitting_candidate
    item = _single(attempt)
    client.post(f"/me/attempts/{attempt.id}/submit", data={f"q{item.position}": _shown(item, "B")})
    db.session.refresh(item)
    assert item.given == "B" and item.save_seq == 0
    assert _save(client, attempt, {"position": item.position, "answer": _shown(item, "D"),
                                   "seq": 1}).get_json()["saved"] is True
