"""Blueprints and drawn papers."""

from collections import Counter

import pytest

from lms.exams.models import QuestionVersion
from lms.exams.papers import draw_paper
from lms.exams.services import BlueprintError, parse_blueprint
from lms.extensions import db
from tests.exams.conftest import BLUEPRINT


def _areas_and_kinds(items):
    versions = [db.session.get(QuestionVersion, item.question_version_id) for item in items]
    return Counter((v.area, v.kind) for v in versions)


def test_a_paper_has_the_blueprint_counts_and_adds_up_to_100(exam):
    items = draw_paper(exam, seed=42)
    assert _areas_and_kinds(items) == {("daily_care", "single"): 4, ("basic_care", "multiple"): 3,
                                       ("ethics_basics", "true_false"): 3}
    assert sum(item.points for item in items) == 100
    assert len({item.question_version_id for item in items}) == len(items)  # no question twice


def test_the_same_seed_draws_the_same_paper_and_another_seed_another(exam):
    assert draw_paper(exam, seed=42) == draw_paper(exam, seed=42)
    papers = {tuple(draw_paper(exam, seed=seed)) for seed in range(8)}
    assert len(papers) > 1


def test_options_are_shuffled_but_each_option_is_shown_once(exam):
    orders = {item.option_order for seed in range(10) for item in draw_paper(exam, seed)
              if item.option_order}
    assert all(sorted(order) == list("ABCD") for order in orders)
    assert len(orders) > 1


def test_a_blueprint_the_bank_cannot_fill_names_the_row(make_exam):
    too_many = [dict(BLUEPRINT[0], count=7, points=10), dict(BLUEPRINT[1], count=3, points=10)]
    with pytest.raises(BlueprintError, match="row 1: daily_care / single: 7 wanted, the bank has 6"):
        make_exam(blueprint=too_many)


def test_parse_blueprint_reads_rows_and_checks_the_total():
    rows = parse_blueprint("daily_care single 40 1\nbasic_care multiple 20 2\n\nethics_basics true_false 20 1")
    assert rows[1] == {"area": "basic_care", "kind": "multiple", "count": 20, "points": 2}
    with pytest.raises(BlueprintError, match="add up to 90 points"):
        parse_blueprint("daily_care single 90 1")
    with pytest.raises(BlueprintError) as caught:
        parse_blueprint("cooking single 10 10\ndaily_care essay 5 2\ndaily_care single x 1")
    assert [p.split(":")[0] for p in caught.value.problems] == ["line 1", "line 2", "line 3"]
