"""Item analysis on a small paper whose figures are worked out by hand below."""

import math

import pytest

from lms.exams.analysis import (
    HEADER,
    ItemStats,
    Response,
    analyse,
    stats_rows,
)

# Ten attempts at a 10-question paper (1 point each); we analyse three of its questions.
# Ranked by total, ties by attempt id: 1(9) 2(8) 3(7) 4(7) 5(6) 6(5) 7(4) 8(4) 9(3) 10(3).
# Group size = round(0.27 * 10) = 3, so upper = {1, 2, 3} (3 beats 4 on the tie) and
# lower = {8, 9, 10} (7 beats 8 on the tie).
TOTALS = {1: 9, 2: 8, 3: 7, 4: 7, 5: 6, 6: 5, 7: 4, 8: 4, 9: 3, 10: 3}

# Q1 (key B): a sound question.
# Q2 (key A): a wrong key. The real answer is C, which the strongest candidates choose.
# Q3 (key AC, multiple answer).
CHOSEN = {
    1: {1: "B", 2: "B", 3: "B", 4: "B", 5: "B", 6: "C", 7: "B", 8: "A", 9: "C", 10: ""},
    2: {1: "C", 2: "C", 3: "C", 4: "C", 5: "C", 6: "A", 7: "A", 8: "A", 9: "B", 10: "D"},
    3: {1: "AC", 2: "AC", 3: "ACD", 4: "AC", 5: "A", 6: "AC", 7: "", 8: "AC", 9: "BC", 10: "AB"},
}
KEYS = {1: "B", 2: "A", 3: "AC"}
OPTIONS = {1: "ABCD", 2: "ABCD", 3: "ABCD"}


def responses(chosen=CHOSEN, keys=KEYS):
    return [
        Response(attempt_id, question_id, answer, answer == keys[question_id])
        for question_id, answers in chosen.items()
        for attempt_id, answer in answers.items()
    ]


@pytest.fixture
def stats() -> dict[int, ItemStats]:
    result = analyse(responses(), TOTALS, options=OPTIONS, keys=KEYS)
    return {item.question_id: item for item in result}


def test_sound_question(stats):
    q1 = stats[1]
    # Correct: attempts 1-5 and 7 -> 6 of 10.
    assert q1.attempts == 10
    assert q1.facility == pytest.approx(0.6)
    # Upper 1, 2, 3 all right (3/3); lower 8, 9, 10 all wrong (0/3): 1 - 0.
    assert q1.discrimination == pytest.approx(1.0)
    # x = correct, y = rest-score = total - x:
    #   y = 8 7 6 6 5 5 3 4 3 3 (attempts 1..10); mean y = 50/10 = 5.0, mean x = 0.6
    #   Sxy = sum of (y - 5) over correct ones = 3 + 2 + 1 + 1 + 0 - 2 = 5
    #   Sxx = n p (1 - p) = 10 * 0.6 * 0.4 = 2.4
    #   Syy = 9 + 4 + 1 + 1 + 0 + 0 + 4 + 1 + 4 + 4 = 28
    #   r = 5 / sqrt(2.4 * 28) = 5 / sqrt(67.2) = 0.6099
    assert q1.point_biserial == pytest.approx(5 / math.sqrt(67.2))
    assert q1.point_biserial == pytest.approx(0.6099, abs=1e-4)
    assert q1.option_counts == {"A": 1, "B": 6, "C": 2, "D": 0, "": 1}
    # Nobody chose D.
    assert q1.flags == ["unused_distractor"]


def test_wrong_key_is_caught(stats):
    q2 = stats[2]
    # Correct (chose A): attempts 6, 7, 8 -> 3 of 10.
    assert q2.facility == pytest.approx(0.3)
    # Upper 1, 2, 3 chose C (0/3); lower: 8 chose A, 9 and 10 did not (1/3): 0 - 1/3.
    assert q2.discrimination == pytest.approx(-1 / 3)
    # y = total - x = 9 8 7 7 6 4 3 3 3 3; sum 53, mean 5.3
    #   Sxy = sum of (y - 5.3) over correct ones (6, 7, 8) = -1.3 - 2.3 - 2.3 = -5.9
    #   Sxx = 10 * 0.3 * 0.7 = 2.1
    #   Syy = sum y^2 - n mean^2 = 331 - 10 * 28.09 = 50.1
    #   r = -5.9 / sqrt(2.1 * 50.1) = -5.9 / sqrt(105.21) = -0.5752
    assert q2.point_biserial == pytest.approx(-5.9 / math.sqrt(105.21))
    assert q2.point_biserial == pytest.approx(-0.5752, abs=1e-4)
    # C (5) was chosen more often than the key A (3).
    assert q2.option_counts == {"A": 3, "B": 1, "C": 5, "D": 1, "": 0}
    assert q2.flags == ["negative_discrimination", "distractor_beats_key"]


def test_multiple_answer_question(stats):
    q3 = stats[3]
    # Exactly "AC": attempts 1, 2, 4, 6, 8 -> 5 of 10.
    assert q3.facility == pytest.approx(0.5)
    # Upper: 1 and 2 right, 3 wrong (2/3); lower: 8 right, 9 and 10 wrong (1/3).
    assert q3.discrimination == pytest.approx(1 / 3)
    # y = 8 7 7 6 6 4 4 3 3 3; sum 51, mean 5.1
    #   Sxy = 2.9 + 1.9 + 0.9 - 1.1 - 2.1 (attempts 1, 2, 4, 6, 8) = 2.5
    #   Sxx = 10 * 0.5 * 0.5 = 2.5
    #   Syy = 293 - 10 * 26.01 = 32.9
    #   r = 2.5 / sqrt(2.5 * 32.9) = 2.5 / sqrt(82.25) = 0.2757
    assert q3.point_biserial == pytest.approx(2.5 / math.sqrt(82.25))
    # Every letter of a multiple answer counts: A in 8 answers, B in 2, C in 7, D in 1.
    assert q3.option_counts == {"A": 8, "B": 2, "C": 7, "D": 1, "": 1}
    assert q3.flags == []


def test_results_are_ordered_by_question():
    result = analyse(reversed(responses()), TOTALS, options=OPTIONS, keys=KEYS)
    assert [item.question_id for item in result] == [1, 2, 3]


def test_points_are_taken_out_of_the_rest_score():
    # Q1 worth 2 points out of a doubled paper: every rest-score doubles, r is unchanged.
    doubled = {attempt: 2 * total for attempt, total in TOTALS.items()}
    result = analyse(responses(), doubled, keys=KEYS, points={1: 2, 2: 2, 3: 2})
    assert result[0].point_biserial == pytest.approx(5 / math.sqrt(67.2))


def test_too_few_attempts_only_flags_that():
    few = {question: {a: answer for a, answer in answers.items() if a <= 4}
           for question, answers in CHOSEN.items()}
    result = analyse(responses(few), TOTALS, options=OPTIONS, keys=KEYS)
    assert [item.attempts for item in result] == [4, 4, 4]
    assert all(item.flags == ["too_few_attempts"] for item in result)
    # The figures are still reported: the flag tells the reader not to trust them yet.
    assert result[0].facility == pytest.approx(1.0)


def test_threshold_is_configurable():
    result = analyse(responses(), TOTALS, options=OPTIONS, keys=KEYS, min_attempts=11)
    assert all(item.flags == ["too_few_attempts"] for item in result)


def test_everyone_right_has_no_point_biserial():
    everyone = [Response(a, 7, "B", True) for a in TOTALS]
    (item,) = analyse(everyone, TOTALS, options={7: "ABCD"}, keys={7: "B"})
    assert item.facility == 1.0
    assert item.point_biserial is None
    assert item.discrimination == pytest.approx(0.0)
    assert item.flags == ["too_easy", "low_discrimination", "unused_distractor"]


def test_constant_rest_score_has_no_point_biserial():
    # The right answers are exactly what separates the totals, so every rest-score is 5.
    totals = {a: 6 if a % 2 else 5 for a in range(1, 11)}
    answers = [Response(a, 1, "true" if a % 2 else "false", bool(a % 2)) for a in totals]
    (item,) = analyse(answers, totals)
    assert item.point_biserial is None
    assert item.option_counts == {"false": 5, "true": 5, "": 0}


def test_everyone_wrong_is_too_hard():
    answers = [Response(a, 1, "A", False) for a in TOTALS]
    (item,) = analyse(answers, TOTALS, keys={1: "B"})
    assert item.facility == 0.0
    assert item.point_biserial is None
    assert "too_hard" in item.flags and "distractor_beats_key" in item.flags


def test_question_without_responses():
    (item,) = analyse([], TOTALS, options={5: "ABCD"})
    assert item == ItemStats(5, 0, None, None, None, {"A": 0, "B": 0, "C": 0, "D": 0, "": 0},
                             ["too_few_attempts"])


def test_discrimination_needs_both_groups():
    # Only the middle attempts answered this question: no upper or lower member did.
    answers = [Response(a, 1, "A", a % 2 == 0) for a in (4, 5, 6, 7)]
    (item,) = analyse(answers, TOTALS)
    assert item.discrimination is None
    assert item.facility == pytest.approx(0.5)


def test_empty_input():
    assert analyse([], {}) == []


def test_response_without_total_is_refused():
    with pytest.raises(ValueError, match="attempt 99"):
        analyse([Response(99, 1, "A", True)], TOTALS)


def test_duplicate_response_is_refused():
    with pytest.raises(ValueError, match="twice"):
        analyse([Response(1, 1, "A", True), Response(1, 1, "B", False)], TOTALS)


def test_stats_rows(stats):
    rows = stats_rows(stats.values(), {1: "CG-BC-0001", 2: "CG-BC-0002"})
    assert rows[0] == HEADER
    assert rows[1] == ["CG-BC-0001", 10, 60.0, 1.0, 0.61, "A:1 B:6 C:2 D:0 blank:1",
                       "unused_distractor"]
    assert rows[2] == ["CG-BC-0002", 10, 30.0, -0.33, -0.58, "A:3 B:1 C:5 D:1",
                       "negative_discrimination, distractor_beats_key"]
    # No label: the question id stands in.
    assert rows[3][0] == "3"
    assert len(rows) == 4


def test_stats_rows_leave_missing_figures_empty():
    (item,) = analyse([], {}, options={5: "AB"})
    assert stats_rows([item], {}, header=["题目"] * 7)[1] == ["5", 0, "", "", "", "A:0 B:0",
                                                              "too_few_attempts"]
