"""Competition scoring, checked against examples worked out by hand."""

from decimal import Decimal
from fractions import Fraction

import pytest

from lms.competitions.scoring import (
    JUDGEMENT,
    MEASUREMENT,
    PrizeScheme,
    Standing,
    TeamStanding,
    advancing,
    aggregate,
    aspect_score,
    award_prizes,
    disagreeing_judges,
    practical_score,
    rank,
    round_points,
    team_ranking,
    total_score,
)

D = Decimal
PRIZES = ("一等奖", "二等奖", "三等奖")
HEBEI_2023 = PrizeScheme(names=PRIZES, counts=(3, 7, 10), merit="优胜奖")


def field(*totals: str) -> list:
    """Ranked contestants c1, c2, ... with these totals (practical and theory equal)."""
    return rank([Standing(f"c{n:02d}", D(t), D("0"), D("0")) for n, t in enumerate(totals, start=1)])


def prize_counts(ranked) -> dict:
    counts: dict = {}
    for entry in ranked:
        counts[entry.prize] = counts.get(entry.prize, 0) + 1
    return counts


# --- one aspect -----------------------------------------------------------------------

def test_judgement_mean_of_three_judges_without_dropping():
    # grades 3, 2, 2: mean 7/3; 7/3 / 3 x 6 points = 14/3 = 4.666...
    score = aspect_score(JUDGEMENT, [3, 2, 2], max_hundredths=600)
    assert score == Fraction(14, 3)
    assert round_points(score) == D("4.67")


def test_five_judges_drop_one_highest_and_one_lowest():
    # 3, 3, 2, 1, 0: drop a 3 and the 0 -> 3, 2, 1, mean 2; 2 / 3 x 6 = 4
    assert aggregate([3, 3, 2, 1, 0]) == 2
    score = aspect_score(JUDGEMENT, [3, 3, 2, 1, 0], max_hundredths=600)
    assert score == 4
    assert round_points(score) == D("4.00")


def test_four_judges_keep_every_mark_when_dropping_starts_at_five():
    # 3, 3, 2, 0: mean 8/4 = 2 -> 4 points of 6 (dropping would give 5/2 -> 5 points)
    assert aggregate([3, 3, 2, 0], drop_extremes_from=5) == 2
    assert aspect_score(JUDGEMENT, [3, 3, 2, 0], 600, drop_extremes_from=5) == 4
    assert aspect_score(JUDGEMENT, [3, 3, 2, 0], 600, drop_extremes_from=4) == 5


def test_dropping_switched_off():
    assert aggregate([3, 3, 2, 1, 0], drop_extremes_from=0) == Fraction(9, 5)


def test_measurement_mean_in_points():
    # 9.50, 9.00 and 8.75 of 10 points: (950 + 900 + 875) / 3 = 2725/3 hundredths
    score = aspect_score(MEASUREMENT, [950, 900, 875], max_hundredths=1000)
    assert score == Fraction(109, 12)
    assert round_points(score) == D("9.08")


@pytest.mark.parametrize("kind, marks, bad", [
    (JUDGEMENT, [3, 4, 2], "4"),
    (JUDGEMENT, [3, -1], "-1"),
    (MEASUREMENT, [1000, 1001], "1001"),
])
def test_a_mark_out_of_range_is_refused_by_value(kind, marks, bad):
    with pytest.raises(ValueError, match=f"\\({bad}\\)"):
        aspect_score(kind, marks, max_hundredths=1000)


def test_no_marks_or_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="no marks"):
        aggregate([])
    with pytest.raises(ValueError, match="kind"):
        aspect_score("style", [1], 600)


# --- disagreement ---------------------------------------------------------------------

def test_a_judge_far_from_the_others_is_flagged():
    # median 3: judge 3 is |1 - 3| = 2 > 1 away -> flagged; judges 1 and 2 agree with it
    assert disagreeing_judges({1: 3, 2: 3, 3: 1}, threshold=1) == {3}
    # 3, 3, 0: only the 0 (the two 3s are the panel's view, not outliers)
    assert disagreeing_judges({1: 3, 2: 3, 3: 0}, threshold=1) == {3}
    # four judges 3, 2, 1, 0: median 1.5; the 3 and the 0 are 1.5 away
    assert disagreeing_judges({1: 3, 2: 2, 3: 1, 4: 0}, threshold=1) == {1, 4}


def test_a_difference_of_exactly_the_threshold_is_not_flagged():
    # two judges, median 2.5: each is 0.5 away; of two judges in disagreement both are flagged
    assert disagreeing_judges({1: 3, 2: 2}, threshold=Decimal("0.5")) == set()
    assert disagreeing_judges({1: 3, 2: 2}, threshold=Decimal("0.25")) == {1, 2}


def test_measurement_disagreement_in_hundredths():
    # median 900: 700 is 200 away (> 150), 950 is 50 away
    assert disagreeing_judges({7: 950, 8: 900, 9: 700}, threshold=150) == {9}
    assert disagreeing_judges({7: 950, 8: 900, 9: 700}, threshold=200) == set()


def test_one_judge_cannot_disagree():
    assert disagreeing_judges({1: 0}, threshold=0) == set()
    assert disagreeing_judges({}, threshold=1) == set()


# --- totals and the one rounding ------------------------------------------------------

def test_practical_score_is_scaled_to_100():
    # four stations of 100: 80.25 + 75 + 76.5 + 77.5 = 309.25 of 400 -> 77.3125
    stations = [Fraction(8025, 100), Fraction(75), Fraction(153, 2), Fraction(155, 2)]
    assert practical_score(stations, 400) == Fraction(773125, 10000)


def test_weights_20_80_rounded_once():
    theory, practical = D("88.125"), Fraction(773125, 10000)
    total = total_score(theory, practical, 20, 80)
    # 88.125 x 0.2 + 77.3125 x 0.8 = 17.625 + 61.85 = 79.475
    assert total == Fraction(79475, 1000)
    assert round_points(total) == D("79.48")
    # rounding theory and practical first: 88.13 x 0.2 + 77.31 x 0.8 = 79.474 -> 79.47
    early = total_score(round_points(theory), Fraction(round_points(practical)), 20, 80)
    assert round_points(early) == D("79.47")


def test_weights_20_80_rounding_the_weighted_parts_separately_differs():
    # 88.125 x 0.2 = 17.625 and 77.30625 x 0.8 = 61.845: once 79.47, separately 17.63 + 61.85 = 79.48
    theory, practical = D("88.125"), Fraction(7730625, 100000)
    assert round_points(total_score(theory, practical, 20, 80)) == D("79.47")
    assert round_points(theory * 20 / 100) + round_points(practical * 80 / 100) == D("79.48")


def test_weights_30_70():
    # 88.125 x 0.3 + 77.3125 x 0.7 = 26.4375 + 54.11875 = 80.55625
    total = total_score(D("88.125"), Fraction(773125, 10000), 30, 70)
    assert total == Fraction(8055625, 100000)
    assert round_points(total) == D("80.56")


@pytest.mark.parametrize("theory_weight, practical_weight", [(20, 70), (30, 80), (-10, 110)])
def test_weights_must_add_up_to_100(theory_weight, practical_weight):
    with pytest.raises(ValueError, match="100"):
        total_score(90, Fraction(90), theory_weight, practical_weight)


def test_rounding_is_half_up_and_exact():
    assert round_points(Fraction(1, 200)) == D("0.01")
    assert round_points(D("2.675")) == D("2.68")  # the float 2.675 would round to 2.67
    assert round_points(Fraction(2, 3)) == D("0.67")
    assert round_points(4) == D("4.00")
    assert str(round_points(0)) == "0.00"
    with pytest.raises(TypeError):
        round_points(2.675)


# --- ranking --------------------------------------------------------------------------

def test_equal_totals_are_ordered_by_practical_then_theory():
    ranked = rank([
        Standing("a", D("90.00"), D("88.00"), D("98.00")),
        Standing("b", D("90.00"), D("89.00"), D("94.00")),
        Standing("c", D("80.00"), D("80.00"), D("79.00")),
        Standing("d", D("80.00"), D("80.00"), D("81.00")),
    ])
    assert [(r.standing.key, r.rank) for r in ranked] == [("b", 1), ("a", 2), ("d", 3), ("c", 4)]


def test_exact_ties_share_a_rank_and_the_next_rank_is_skipped():
    ranked = rank([
        Standing("x", D("85.50"), D("86.00"), D("84.00")),
        Standing("w", D("85.50"), D("86.00"), D("84.00")),
        Standing("v", D("70.00"), D("70.00"), D("70.00")),
        Standing("u", D("91.00"), D("90.00"), D("95.00")),
    ])
    assert [(r.standing.key, r.rank) for r in ranked] == [("u", 1), ("w", 2), ("x", 2), ("v", 4)]


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="key"):
        rank([Standing(1, D("1"), D("1"), D("1")), Standing(1, D("2"), D("2"), D("2"))])


# --- prizes ---------------------------------------------------------------------------

def test_prizes_3_7_10_without_ties():
    ranked = award_prizes(field(*[str(100 - n) for n in range(25)]), HEBEI_2023)
    assert [r.prize for r in ranked] == ["一等奖"] * 3 + ["二等奖"] * 7 + ["三等奖"] * 10 + ["优胜奖"] * 5


def test_a_tie_across_the_first_line_takes_the_higher_prize_and_the_next_line_shrinks():
    # ranks 1, 2, 3, 3, 5, ...: four 一等奖, six 二等奖, the 三等奖 boundary (20) unchanged
    totals = ["99", "98", "97", "97"] + [str(90 - n) for n in range(21)]
    ranked = award_prizes(field(*totals), HEBEI_2023)
    assert [r.rank for r in ranked][:5] == [1, 2, 3, 3, 5]
    assert prize_counts(ranked) == {"一等奖": 4, "二等奖": 6, "三等奖": 10, "优胜奖": 5}


def test_a_tie_across_the_last_line_takes_the_prize_and_merit_shrinks():
    # places 20 and 21 tied at rank 20: both 三等奖, one 优胜奖 left of 22
    totals = [str(100 - n) for n in range(19)] + ["50", "50", "40"]
    ranked = award_prizes(field(*totals), HEBEI_2023)
    assert [(r.rank, r.prize) for r in ranked][18:] == [
        (19, "三等奖"), (20, "三等奖"), (20, "三等奖"), (22, "优胜奖")]
    assert prize_counts(ranked) == {"一等奖": 3, "二等奖": 7, "三等奖": 11, "优胜奖": 1}


def test_a_tie_spanning_a_whole_line_leaves_it_empty_and_later_boundaries_stay():
    # counts 1/1/2 -> boundaries 1, 2, 4; ranks 1, 1, 1, 4, 5
    scheme = PrizeScheme(names=PRIZES, counts=(1, 1, 2))
    ranked = award_prizes(field("90", "90", "90", "80", "70"), scheme)
    assert [(r.rank, r.prize) for r in ranked] == [
        (1, "一等奖"), (1, "一等奖"), (1, "一等奖"), (4, "三等奖"), (5, None)]


def test_prize_shares_are_floored():
    # 10/20/30 % of 25 = 2.5, 5, 7.5 -> 2, 5, 7; the other 11 get 优胜奖
    scheme = PrizeScheme(names=PRIZES, shares=(10, 20, 30), merit="优胜奖")
    ranked = award_prizes(field(*[str(100 - n) for n in range(25)]), scheme)
    assert prize_counts(ranked) == {"一等奖": 2, "二等奖": 5, "三等奖": 7, "优胜奖": 11}


def test_a_prize_scheme_needs_counts_or_shares():
    with pytest.raises(ValueError):
        PrizeScheme(names=PRIZES)
    with pytest.raises(ValueError):
        PrizeScheme(names=PRIZES, counts=(1, 1, 1), shares=(1, 1, 1))
    with pytest.raises(ValueError):
        PrizeScheme(names=PRIZES, counts=(3, 7))


# --- advancement ----------------------------------------------------------------------

def test_everyone_tied_with_the_last_advancing_contestant_advances():
    ranked = field("95", "90", "85", "85", "80")
    assert [r.standing.key for r in advancing(ranked, top_n=3)] == ["c01", "c02", "c03", "c04"]
    assert [r.standing.key for r in advancing(ranked, top_n=2)] == ["c01", "c02"]


def test_advancing_by_share_is_floored_but_at_least_one():
    ranked = field(*[str(100 - n) for n in range(10)])
    assert len(advancing(ranked, top_share=25)) == 2  # 2.5 -> 2
    assert len(advancing(ranked, top_share=5)) == 1  # 0.5 -> 0 -> at least 1
    assert advancing([], top_share=50) == []
    with pytest.raises(ValueError):
        advancing(ranked, top_n=3, top_share=30)


# --- teams ----------------------------------------------------------------------------

def test_team_score_is_the_sum_of_the_best_two():
    ranked = rank([
        Standing("a1", D("90.00"), D("0"), D("0"), "130100"),
        Standing("a2", D("80.25"), D("0"), D("0"), "130100"),
        Standing("a3", D("99.00"), D("0"), D("0"), "130100"),
        Standing("b1", D("95.50"), D("0"), D("0"), "130200"),
        Standing("c1", D("85.00"), D("0"), D("0"), "130300"),
        Standing("c2", D("85.00"), D("0"), D("0"), "130300"),
        Standing("z1", D("100.00"), D("0"), D("0"), None),
    ])
    # 130100: 99 + 90 = 189; 130300: 85 + 85 = 170; 130200: only 95.50
    assert team_ranking(ranked, best_n=2) == [
        TeamStanding("130100", D("189.00"), 2, 1),
        TeamStanding("130300", D("170.00"), 2, 2),
        TeamStanding("130200", D("95.50"), 1, 3),
    ]


def test_equal_team_sums_share_a_rank():
    ranked = rank([
        Standing("a1", D("90.00"), D("0"), D("0"), "A"),
        Standing("b1", D("60.00"), D("0"), D("0"), "B"),
        Standing("b2", D("30.00"), D("0"), D("0"), "B"),
        Standing("c1", D("50.00"), D("0"), D("0"), "C"),
    ])
    assert [(t.unit, t.total, t.rank) for t in team_ranking(ranked, best_n=2)] == [
        ("A", D("90.00"), 1), ("B", D("90.00"), 1), ("C", D("50.00"), 3)]
