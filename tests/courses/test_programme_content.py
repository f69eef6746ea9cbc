"""The shipped content covers every programme: each has a course, the courses
written for institution heads, caregivers 四级/三级/二级 and social workers
have their lessons, and each of those lessons cites what it follows; the
question banks and practical sheets for 四级 and social workers are there."""

from pathlib import Path

import pytest
import yaml

from lms.core.content import content_dir
from lms.courses.content import read_course
from lms.exams.bank_files import read_yaml_bank

# slug: (audience, level, at least this many lessons)
COURSES = {
    "institution-heads": ("institution_head", None, 12),
    "caregiver-level4": ("caregiver", 4, 16),
    "caregiver-level3": ("caregiver", 3, 10),
    "caregiver-level2": ("caregiver", 2, 8),
    "social-workers": ("social_worker", None, 8),
}


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


@pytest.mark.parametrize("slug", sorted(COURSES))
def test_each_new_course_reads_cleanly_with_its_lessons_and_their_sources(slug):
    folder = content_dir() / "courses" / slug
    spec = read_course(folder)  # raises, listing every problem, when anything is wrong
    audience, level, lessons = COURSES[slug]
    assert (spec.audience, spec.level) == (audience, level)
    assert len(spec.lessons) >= lessons
    assert sum(lesson.minutes for lesson in spec.lessons) == spec.nominal_hours * 45
    for name in yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8"))["lessons"]:
        meta = _front_matter(folder / name)
        sources = meta.get("sources")
        assert isinstance(sources, list) and sources and all(str(s).strip() for s in sources), name
        assert 3 <= len(meta["quiz"]["questions"]) <= 5, name


def test_every_programme_has_a_course():
    programmes = yaml.safe_load((content_dir() / "programs.yaml").read_text(encoding="utf-8"))["programmes"]
    courses = [yaml.safe_load(path.read_text(encoding="utf-8"))
               for path in (content_dir() / "courses").glob("*/course.yaml")]
    offered = {(course["audience"], course.get("level")) for course in courses}
    missing = [p["code"] for p in programmes if (p["category"], p.get("level")) not in offered]
    assert missing == []


def _questions(audience: str, level=...) -> int:
    total = 0
    for path in (content_dir() / "questions").glob("*.yaml"):
        bank = read_yaml_bank(path)
        total += sum(1 for q in bank.questions
                     if bank.audience == audience and (level is ... or q.level == level))
    return total


def test_the_banks_hold_level_4_and_social_work_questions():
    assert _questions("caregiver", 4) >= 150
    assert _questions("social_worker") >= 60


def test_level_4_has_the_practical_sheets_it_needs():
    sheets = [yaml.safe_load(path.read_text(encoding="utf-8"))
              for path in (content_dir() / "practical").glob("*.yaml")]
    level4 = {sheet["code"] for sheet in sheets if sheet.get("level") == 4}
    assert {"cg4-nasogastric-feeding", "cg4-oxygen", "cg4-log-roll", "cg4-restraint-alternatives",
            "cg4-fall-response"} <= level4
