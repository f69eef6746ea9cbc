"""Station marking schemes: the shipped stations are sound, and a bad file is
refused with every problem at its line."""

from pathlib import Path

import pytest

from lms.competitions.schemes import (
    JUDGEMENT,
    MEASUREMENT,
    SchemeProblems,
    load_schemes,
    read_scheme,
    scheme_by_code,
    schemes_folder,
)

AREAS = {"daily_care", "basic_care", "rehabilitation", "psychological_support"}


def _measurement(code: str, points="10", deduction="2") -> str:
    return (f"  - code: {code}\n    kind: measurement\n    title: 核对老人信息 {code}\n"
            f"    max_points: {points}\n    deductions:\n      - {{text: 未核对床号 {code}, points: {deduction}}}\n")


def _judgement(code: str, points="10") -> str:
    return (f"  - code: {code}\n    kind: judgement\n    title: 沟通的耐心与尊重 {code}\n"
            f"    max_points: {points}\n    descriptors:\n      0: 未与老人沟通\n      1: 沟通生硬\n"
            f"      2: 沟通恰当\n      3: 沟通耐心并尊重老人意愿\n")


def _scheme(code="good") -> str:
    """A sound scheme: seven measurement aspects of 10 and three judgement of 10."""
    return (f"code: {code}\ntitle: 协助老年人进食\narea: daily_care\nlevel: 5\nminutes: 15\n"
            "scenario: 李奶奶，80岁，卧床，请协助进食。\naspects:\n"
            + "".join(_measurement(f"m{n}") for n in range(1, 8))
            + "".join(_judgement(f"j{n}") for n in range(1, 4))
            + "references: [养老护理员国家职业技能标准（2019年版）]\n")


def _write(tmp_path: Path, text: str, name="good") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line(text: str, fragment: str, after: str = "") -> int:
    """The 1-based line of the first ``fragment`` at or after the line holding ``after``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(start, len(lines)) if fragment in lines[i]) + 1


def _problems(path: Path) -> list[str]:
    with pytest.raises(SchemeProblems) as caught:
        read_scheme(path)
    return [str(problem) for problem in caught.value.problems]


# --- the shipped stations ---------------------------------------------------------------

def test_every_shipped_station_loads_adds_up_to_100_and_has_both_kinds():
    specs, problems = load_schemes()
    assert problems == []
    assert len(specs) >= 4
    assert {spec.code for spec in specs} == {path.stem for path in schemes_folder().glob("*.yaml")}
    assert {spec.area for spec in specs} >= AREAS
    for spec in specs:
        assert sum(a.max_hundredths for a in spec.aspects) == 100_00, spec.code
        assert {a.kind for a in spec.aspects} == {MEASUREMENT, JUDGEMENT}, spec.code
        assert spec.level in (5, 4) and spec.minutes > 0 and spec.scenario, spec.code


def test_shipped_stations_keep_the_cis_balance_and_whole_point_grades():
    for spec in load_schemes()[0]:
        measured = sum(a.max_hundredths for a in spec.aspects if a.kind == MEASUREMENT)
        assert 60_00 <= measured <= 75_00, spec.code
        for aspect in spec.aspects:
            if aspect.kind == JUDGEMENT:
                # A multiple of 3 points: each grade 0–3 is then worth whole points.
                assert aspect.max_hundredths % 300 == 0, (spec.code, aspect.code)
                assert len(aspect.descriptors) == 4 and not aspect.deductions
            else:
                assert not aspect.descriptors
                assert all(0 < h < aspect.max_hundredths for _, h in aspect.deductions)


def test_the_readme_lists_every_shipped_station():
    readme = (schemes_folder().parent / "README.md").read_text(encoding="utf-8")
    for spec in load_schemes()[0]:
        assert f"`stations/{spec.code}.yaml` | {spec.title} | `{spec.area}` | {spec.level} |" in readme


def test_the_folder_follows_the_configured_content_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CONTENT_DIR", str(tmp_path))
    assert schemes_folder() == tmp_path / "competitions" / "stations"
    assert load_schemes() == ([], [])


# --- reading one file -------------------------------------------------------------------

def test_a_sound_scheme_is_read_exactly(tmp_path):
    text = _scheme().replace("max_points: 10\n    deductions:\n      - {text: 未核对床号 m1, points: 2}",
                             "max_points: 9.75\n    deductions:\n      - {text: 未核对床号 m1, points: 0.1}", 1)
    text = text.replace("max_points: 10\n", "max_points: 10.25\n", 1)  # m2: the total stays 100
    spec = read_scheme(_write(tmp_path, text))
    first, second = spec.aspects[0], spec.aspects[1]
    assert (first.max_hundredths, first.deductions) == (975, (("未核对床号 m1", 10),))
    assert second.max_hundredths == 1025
    assert spec.aspects[-1].descriptors == ("未与老人沟通", "沟通生硬", "沟通恰当", "沟通耐心并尊重老人意愿")
    assert spec.references == ("养老护理员国家职业技能标准（2019年版）",)
    assert len(spec.source_hash) == 64


def test_a_wrong_total_is_reported_at_the_aspects_key(tmp_path):
    text = _scheme().replace("max_points: 10\n", "max_points: 9.5\n", 1)
    path = _write(tmp_path, text)
    assert _problems(path) == [f"{path}:{_line(text, 'aspects:')}: the aspects' max_points add up to 99.50, not 100"]


def test_a_judgement_aspect_missing_grade_2_is_reported_at_its_descriptors(tmp_path):
    text = _scheme().replace("      2: 沟通恰当\n", "", 1)
    path = _write(tmp_path, text)
    line = _line(text, "descriptors:", after="code: j1")
    assert _problems(path) == [f"{path}:{line}: aspect j1: descriptors lack grade 2"]


def test_a_deduction_not_below_the_maximum_is_reported_at_its_line(tmp_path):
    text = _scheme().replace("points: 2}", "points: 10}", 1)
    path = _write(tmp_path, text)
    line = _line(text, "points: 10}")
    assert _problems(path) == [f"{path}:{line}: aspect m1: a deduction of 10.00 must be less than max_points 10.00"]


def test_a_duplicate_aspect_code_is_reported_at_the_second_one(tmp_path):
    text = _scheme().replace("  - code: m3\n", "  - code: m2\n")
    path = _write(tmp_path, text)
    line = _line(text, "code: m2", after="title: 核对老人信息 m2")
    assert _problems(path) == [f"{path}:{line}: aspect m2: code is used twice"]


def test_points_with_three_decimals_are_refused(tmp_path):
    text = _scheme().replace("max_points: 10\n", "max_points: 10.005\n", 1)
    path = _write(tmp_path, text)
    assert _problems(path) == [f"{path}:{_line(text, '10.005')}: aspect m1: max_points must be a number above 0 "
                               "with at most 2 decimals"]


@pytest.mark.parametrize("value", ["1.005", "'2'", "true", "0", "-1"])
def test_a_deduction_must_be_a_positive_number_with_two_decimals_at_most(tmp_path, value):
    text = _scheme().replace("points: 2}", f"points: {value}}}", 1)
    path = _write(tmp_path, text)
    line = _line(text, f"points: {value}}}")
    assert _problems(path) == [f"{path}:{line}: aspect m1: a deduction's points must be a number above 0 "
                               "with at most 2 decimals"]


def test_an_unknown_kind_is_reported_at_the_kind_key(tmp_path):
    text = _scheme().replace("kind: measurement", "kind: measure", 1)
    path = _write(tmp_path, text)
    assert _problems(path) == [f"{path}:{_line(text, 'kind: measure')}: aspect m1: kind must be measurement "
                               "or judgement, not 'measure'"]


def test_a_yaml_syntax_error_is_reported_at_its_line(tmp_path):
    text = _scheme().replace("title: 协助老年人进食", "title: [协助老年人进食", 1)
    path = _write(tmp_path, text)
    problems = _problems(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{_line(text, 'area:')}: YAML: ")


def test_the_code_must_equal_the_file_name(tmp_path):
    path = _write(tmp_path, _scheme(), name="other-name")
    assert _problems(path) == [f"{path}:1: code must equal the file name"]


def test_kinds_keep_to_their_own_keys(tmp_path):
    text = (_scheme()
            .replace("    max_points: 10\n    descriptors:", "    max_points: 10\n    deductions: []\n    descriptors:", 1)
            .replace("    deductions:\n      - {text: 未核对床号 m7", "    descriptors: {0: 无}\n    deductions:\n"
                     "      - {text: 未核对床号 m7", 1))
    path = _write(tmp_path, text)
    assert _problems(path) == [
        f"{path}:{_line(text, 'descriptors: {0')}: aspect m7: a measurement aspect has no descriptors",
        f"{path}:{_line(text, 'deductions: []')}: aspect j1: a judgement aspect has no deductions",
    ]


def test_every_problem_of_a_file_is_reported_with_its_line(tmp_path):
    text = (_scheme(code="Bad_Code")
            .replace("area: daily_care", "area: cooking")
            .replace("level: 5", "level: 3")
            .replace("kind: measurement", "kind: measure", 1)
            .replace("      3: 沟通耐心并尊重老人意愿\n", "      3: ''\n", 1)
            .replace("  - code: m4\n", "  - code: m4\n    colour: red\n"))
    path = _write(tmp_path, text, name="bad")
    assert _problems(path) == [
        f"{path}:1: code must equal the file name",
        f"{path}:1: code must be lowercase letters, digits and single hyphens",
        f"{path}:3: area 'cooking' is not a known functional area",
        f"{path}:4: level must be 5 or 4",
        f"{path}:{_line(text, 'kind: measure')}: aspect m1: kind must be measurement or judgement, not 'measure'",
        f"{path}:{_line(text, 'colour: red')}: aspect m4: unknown key 'colour'",
        f"{path}:{_line(text, '3: ')}: aspect j1: the descriptor of grade 3 is empty",
    ]


def test_too_few_aspects_and_a_file_that_is_no_mapping_are_refused(tmp_path):
    text = _scheme().split("  - code: m2\n")[0] + "references: []\n"
    path = _write(tmp_path, text)
    line = _line(text, "aspects:")
    assert _problems(path) == [f"{path}:{line}: a station has 8–20 aspects, not 1",
                               f"{path}:{line}: the aspects' max_points add up to 10.00, not 100"]
    assert _problems(_write(tmp_path, "- just a list\n", name="listed")) == [
        f"{tmp_path / 'listed.yaml'}:1: a station scheme is a YAML mapping"]


# --- a folder of schemes ----------------------------------------------------------------

def test_a_folder_gives_the_good_schemes_sorted_and_the_problems_of_the_bad(tmp_path):
    _write(tmp_path, _scheme("zeta"), name="zeta")
    _write(tmp_path, _scheme("alpha"), name="alpha")
    _write(tmp_path, _scheme("mismatch"), name="broken")
    specs, problems = load_schemes(tmp_path)
    assert [spec.code for spec in specs] == ["alpha", "zeta"]
    assert problems == [f"{tmp_path / 'broken.yaml'}:1: code must equal the file name"]
    assert load_schemes(tmp_path / "missing") == ([], [])


def test_a_scheme_is_found_by_its_code_and_nothing_outside_the_folder_is(tmp_path):
    _write(tmp_path, _scheme("alpha"), name="alpha")
    (tmp_path / "stations").mkdir()
    assert scheme_by_code("alpha", tmp_path).title == "协助老年人进食"
    assert scheme_by_code("beta", tmp_path) is None
    assert scheme_by_code("../alpha", tmp_path / "stations") is None
    _write(tmp_path, _scheme("mismatch"), name="broken")
    with pytest.raises(SchemeProblems):
        scheme_by_code("broken", tmp_path)
