"""Reading and checking course folders (content/courses/<slug>/).

Every problem is reported as ``path:line: what is wrong``; a course with any
problem is not imported at all. See content/README.md for the format.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lms.core.content_files import (
    Checker,
    ContentProblem,
    QuestionSpec,
    check_question,
    line_of,
    load_yaml,
)
from lms.core.vocabulary import AUDIENCES, FUNCTIONAL_AREAS
from lms.courses.markdown import render_markdown

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


@dataclass
class LessonSpec:
    slug: str
    title: str
    minutes: int
    area: str
    video_url: str | None
    attachments: list[dict]
    body_html: str
    pass_percent: int
    questions: list[QuestionSpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    slug: str
    title: str
    audience: str
    level: int | None
    is_public: bool
    nominal_hours: int
    summary: str
    references: list[str]
    lessons: list[LessonSpec]
    source_hash: str
    folder: Path


def _split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentProblem(path, 1, "a lesson starts with '---' and YAML front matter")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), 1
    raise ContentProblem(path, 1, "the front matter has no closing '---'")


def read_lesson(path: Path, folder: Path, check: Checker) -> LessonSpec | None:
    """Parse and check one lesson file; problems go to ``check``."""
    try:
        front_text, body, offset = _split_front_matter(path.read_text(encoding="utf-8"), path)
        meta = load_yaml(front_text, path, offset)
    except ContentProblem as problem:
        check.problems.append(problem)
        return None
    if not check.require(isinstance(meta, dict), path, 2, "the front matter must be a YAML mapping"):
        return None
    title, minutes, area = meta.get("title"), meta.get("minutes"), meta.get("area")
    check.require(isinstance(title, str) and title.strip() != "", path, line_of(meta, "title", offset), "title is missing")
    check.require(isinstance(minutes, int) and 1 <= minutes <= 600, path, line_of(meta, "minutes", offset),
                  "minutes must be a whole number from 1 to 600")
    check.require(area in FUNCTIONAL_AREAS, path, line_of(meta, "area", offset),
                  f"area {area!r} is not one of: {', '.join(FUNCTIONAL_AREAS)}")
    video = meta.get("video_url")
    check.require(video is None or (isinstance(video, str) and video.startswith("https://")),
                  path, line_of(meta, "video_url", offset), "video_url must be an https:// address")
    attachments = meta.get("attachments") or []
    for item in attachments if isinstance(attachments, list) else [None]:
        name = item.get("file") if isinstance(item, dict) else None
        check.require(isinstance(name, str) and "/" not in name and "\\" not in name
                      and (folder / name).is_file(), path, line_of(meta, "attachments", offset),
                      f"attachment {name!r} must be a file in {folder.name}/")
    quiz = meta.get("quiz") or {}
    questions_raw = quiz.get("questions") if isinstance(quiz, dict) else None
    ratio = quiz.get("pass_ratio", 0.6) if isinstance(quiz, dict) else 0.6
    check.require(isinstance(questions_raw, list) and 1 <= len(questions_raw) <= 10, path,
                  line_of(meta, "quiz", offset), "quiz.questions must list 1 to 10 questions")
    check.require(isinstance(ratio, int | float) and 0 < ratio <= 1, path, line_of(meta, "quiz", offset),
                  "quiz.pass_ratio must be above 0 and at most 1")
    questions = [check_question(check, path, q, offset, n)
                 for n, q in enumerate(questions_raw if isinstance(questions_raw, list) else [], start=1)]
    return LessonSpec(
        slug=path.stem[:64], title=str(title or "").strip(), minutes=minutes if isinstance(minutes, int) else 0,
        area=str(area), video_url=video, pass_percent=round(float(ratio) * 100) if isinstance(ratio, int | float) else 60,
        attachments=[{"title": str(a.get("title") or a["file"]), "file": a["file"]}
                     for a in attachments if isinstance(a, dict) and isinstance(a.get("file"), str)],
        body_html=render_markdown(body), questions=[q for q in questions if q],
    )


def read_course(folder: Path) -> CourseSpec:
    """Parse and check a course folder. Raises ``CourseProblems`` listing every
    problem found when there is any."""
    check = Checker()
    path = folder / "course.yaml"
    if not path.is_file():
        raise CourseProblems([ContentProblem(path, 0, "course.yaml is missing")])
    try:
        meta = load_yaml(path.read_text(encoding="utf-8"), path)
    except ContentProblem as problem:
        raise CourseProblems([problem]) from None
    if not isinstance(meta, dict):
        raise CourseProblems([ContentProblem(path, 1, "course.yaml must be a YAML mapping")])
    slug, audience, level = meta.get("slug"), meta.get("audience"), meta.get("level")
    check.require(slug == folder.name and isinstance(slug, str) and bool(SLUG.match(slug)), path,
                  line_of(meta, "slug"), f"slug must equal the folder name {folder.name!r} (a-z, 0-9, -)")
    check.require(isinstance(meta.get("title"), str) and meta["title"].strip() != "", path,
                  line_of(meta, "title"), "title is missing")
    check.require(audience in AUDIENCES, path, line_of(meta, "audience"),
                  f"audience must be one of: {', '.join(AUDIENCES)}")
    check.require(level is None or (isinstance(level, int) and 1 <= level <= 5), path, line_of(meta, "level"),
                  "level must be 1–5 or null")
    hours = meta.get("nominal_hours")
    check.require(isinstance(hours, int) and hours > 0, path, line_of(meta, "nominal_hours"),
                  "nominal_hours must be a positive whole number")
    files = meta.get("lessons")
    lessons = []
    if check.require(isinstance(files, list) and files and len(set(map(str, files))) == len(files), path,
                     line_of(meta, "lessons"), "lessons must list lesson files, each once"):
        for name in files:
            lesson_path = folder / str(name)
            if check.require(lesson_path.suffix == ".md" and lesson_path.is_file(), path, line_of(meta, "lessons"),
                             f"lesson file {name!r} not found"):
                lessons.append(read_lesson(lesson_path, folder, check))
    if check.problems:
        raise CourseProblems(check.problems)
    digest = hashlib.sha256()
    for file in sorted(folder.iterdir()):
        if file.is_file():
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return CourseSpec(
        slug=slug, title=meta["title"].strip(), audience=audience, level=level,
        is_public=bool(meta.get("is_public", False)), nominal_hours=hours,
        summary=str(meta.get("summary") or "").strip(), references=[str(r) for r in meta.get("references") or []],
        lessons=lessons, source_hash=digest.hexdigest(), folder=folder,
    )


class CourseProblems(Exception):
    """All the problems of one course folder."""

    def __init__(self, problems: list[ContentProblem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
