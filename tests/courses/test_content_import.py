"""Loading courses from content/: idempotent, strict, and safe."""

import pytest
from sqlalchemy import func, select

from lms.courses.content import CourseProblems, read_course
from lms.courses.loader import import_course_folders
from lms.courses.models import Course, Lesson, QuizQuestion
from lms.courses.services import import_course
from lms.extensions import db
from tests.courses.conftest import write_course


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_is_idempotent(course_folder):
    assert import_course(read_course(course_folder)) == "created"
    counts = (_count(Course), _count(Lesson), _count(QuizQuestion))
    assert counts == (1, 2, 4)
    assert import_course(read_course(course_folder)) == "unchanged"
    assert (_count(Course), _count(Lesson), _count(QuizQuestion)) == counts


def test_changed_lesson_is_updated_in_place(course_folder):
    import_course(read_course(course_folder))
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.slug == "01-turning"))
    path = course_folder / "01-turning.md"
    path.write_text(path.read_text(encoding="utf-8").replace("minutes: 10", "minutes: 20"), encoding="utf-8")
    assert import_course(read_course(course_folder)) == "updated"
    lesson = db.session.get(Lesson, lesson_id)
    assert lesson.minutes == 20  # same row: progress on it is kept


def test_removed_lesson_is_retired_not_deleted(course_folder):
    import_course(read_course(course_folder))
    yaml_path = course_folder / "course.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(", 02-falls.md", ""), encoding="utf-8")
    import_course(read_course(course_folder))
    retired = db.session.scalar(select(Lesson).where(Lesson.slug == "02-falls"))
    assert retired is not None and not retired.is_active
    assert [lesson.slug for lesson in retired.course.lessons] == ["01-turning"]


def test_malformed_file_is_reported_with_path_and_line(course_folder):
    path = course_folder / "02-falls.md"
    text = path.read_text(encoding="utf-8").replace("      answer: B", "      answer: E")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CourseProblems) as caught:
        read_course(course_folder)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "answer: E" in row)
    assert f"{path}:{line}: question 1: answer 'E' is not among the options' letters" in str(caught.value)


def test_yaml_syntax_error_names_the_line(course_folder):
    path = course_folder / "01-turning.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = "minutes: [10"  # unclosed list on line 3
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(CourseProblems) as caught:
        read_course(course_folder)
    assert str(caught.value).startswith(f"{path}:")
    reported_line = int(str(caught.value).split(":")[1])
    assert 3 <= reported_line <= 5


def test_every_problem_is_listed_and_nothing_is_half_imported(tmp_path):
    root = tmp_path / "courses"
    good = write_course(root, "good-course")
    bad = write_course(root, "bad-course")
    (bad / "01-turning.md").write_text("no front matter here", encoding="utf-8")
    text = (bad / "02-falls.md").read_text(encoding="utf-8").replace("area: daily_care", "area: cooking")
    (bad / "02-falls.md").write_text(text, encoding="utf-8")
    report = import_course_folders(root)
    assert report.outcomes == {"good-course": "created"}
    assert any("01-turning.md:1:" in p for p in report.problems)
    assert any("02-falls.md:4: area 'cooking'" in p for p in report.problems)
    assert db.session.scalar(select(Course).where(Course.slug == "bad-course")) is None
    assert good.exists()


def test_unsafe_markdown_is_escaped(course_folder):
    path = course_folder / "01-turning.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n\n"
                    "[点我](javascript:alert(2)) <img src=x onerror=alert(3)>\n", encoding="utf-8")
    import_course(read_course(course_folder))
    html = db.session.scalar(select(Lesson.body_html).where(Lesson.slug == "01-turning"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and 'href="javascript:' not in html
    assert "<ol>" in html  # ordinary Markdown still renders


def test_the_repository_courses_import_cleanly():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "content" / "courses"
    report = import_course_folders(root)
    assert report.problems == []
    if not report.outcomes:
        pytest.skip("no courses in content/courses yet")
    for slug in report.outcomes:
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        assert course.lessons, slug
        assert all(lesson.questions for lesson in course.lessons), slug
