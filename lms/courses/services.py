"""Writes for the catalogue and enrolment. Flush, never commit."""

import json
import shutil
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth.models import User
from lms.core import audit
from lms.core.files import files_dir
from lms.core.time import utcnow
from lms.courses.content import CourseSpec, LessonSpec
from lms.courses.models import Course, CourseEnrolment, Lesson, QuizQuestion
from lms.extensions import db
from lms.people.models import Person
from lms.quotas import learners


class NotEnrolled(PermissionError):
    """The person may not study this course (not public, not enrolled)."""


def import_course(spec: CourseSpec) -> str:
    """Create or update a course and its lessons from a checked folder.

    Returns "created", "updated" or "unchanged". Lessons are matched by file
    name; lessons no longer listed are retired (kept for the hours already
    earned on them), never deleted.
    """
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    if course is not None and course.source_hash == spec.source_hash:
        return "unchanged"
    outcome = "updated" if course else "created"
    audience_changed = course is not None and course.audience != spec.audience
    if course is None:
        course = Course(slug=spec.slug)
        db.session.add(course)
    course.title, course.audience, course.level = spec.title, spec.audience, spec.level
    course.is_public, course.nominal_hours, course.summary = spec.is_public, spec.nominal_hours, spec.summary
    course.references_json = json.dumps(spec.references, ensure_ascii=False)
    course.source_hash, course.updated_at, course.is_active = spec.source_hash, utcnow(), True
    db.session.flush()
    existing = {lesson.slug: lesson for lesson in
                db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))}
    for position, lesson_spec in enumerate(spec.lessons, start=1):
        _upsert_lesson(course, existing.pop(lesson_spec.slug, None), lesson_spec, position)
    for retired in existing.values():
        retired.is_active = False
    _store_attachments(spec)
    db.session.flush()
    if audience_changed:
        learners.course_changed(course)
    return outcome


def _store_attachments(spec: CourseSpec) -> None:
    # Copied into the file store so that serving them never reads content/.
    target = files_dir("courses", spec.slug)
    for lesson in spec.lessons:
        for attachment in lesson.attachments:
            shutil.copyfile(spec.folder / attachment["file"], target / attachment["file"])


def _upsert_lesson(course: Course, lesson: Lesson | None, spec: LessonSpec, position: int) -> None:
    if lesson is None:
        lesson = Lesson(course_id=course.id, slug=spec.slug)
        db.session.add(lesson)
    lesson.position, lesson.title, lesson.minutes, lesson.area = position, spec.title, spec.minutes, spec.area
    lesson.video_url, lesson.body_html, lesson.is_active = spec.video_url, spec.body_html, True
    lesson.attachments_json = json.dumps(spec.attachments, ensure_ascii=False)
    lesson.quiz_pass_percent = spec.pass_percent
    # Quiz answers are graded on submit and not stored per question, so the
    # questions can simply be replaced.
    lesson.questions = [
        QuizQuestion(position=n, kind=q.kind, stem=q.stem, options_json=json.dumps(q.options, ensure_ascii=False),
                     answer=q.answer, explanation=q.explanation)
        for n, q in enumerate(spec.questions, start=1)
    ]


def enrolment_for(person: Person, course: Course) -> CourseEnrolment | None:
    """The person's enrolment on the course, if any."""
    return db.session.scalar(select(CourseEnrolment).where(
        CourseEnrolment.person_id == person.id, CourseEnrolment.course_id == course.id))


def enrol(person: Person, course: Course, *, by: User | None) -> CourseEnrolment:
    """Put a person on a course (idempotent). Institution staff enrol their
    trainees; a public course enrols a registered person who opens it."""
    enrolment = enrolment_for(person, course)
    if enrolment is not None:
        return enrolment
    enrolment = CourseEnrolment(person_id=person.id, course_id=course.id, enrolled_by_id=by.id if by else None)
    db.session.add(enrolment)
    db.session.flush()
    learners.people_changed([person.id])  # now in training for the course's audience, unless certified
    audit.record("course.enrolled", enrolment, actor=by,
                 new={"person": person.id, "course": course.slug})
    return enrolment


def require_access(person: Person, course: Course) -> CourseEnrolment:
    """The enrolment that lets this person study the course; public courses
    enrol on first use. Raises ``NotEnrolled`` otherwise."""
    enrolment = enrolment_for(person, course)
    if enrolment is None and course.is_public and course.is_active:
        enrolment = enrol(person, course, by=None)
    if enrolment is None:
        raise NotEnrolled(str(_l("You are not enrolled on this course. Ask your training institution.")))
    return enrolment


def note_resume_point(enrolment: CourseEnrolment, lesson: Lesson) -> None:
    """Remember the lesson to reopen when the trainee comes back."""
    if enrolment.last_lesson_id != lesson.id:
        enrolment.last_lesson_id = lesson.id
        db.session.flush()


def attachment_path(course: Course, lesson: Lesson, name: str) -> Path | None:
    """The stored file of an attachment the lesson lists, or None (never any
    other file: the name must be one the lesson lists)."""
    if name not in {a["file"] for a in lesson.attachments}:
        return None
    path = files_dir("courses", course.slug) / name
    return path if path.is_file() else None
