"""A small course written to a temporary folder, in the content/ format."""

import textwrap
from pathlib import Path

import pytest

from lms.core.access import Role
from lms.courses.content import read_course
from lms.courses.services import import_course

COURSE_YAML = """\
slug: {slug}
title: 家庭照护入门
audience: family_caregiver
level: null
is_public: {public}
nominal_hours: 2
summary: 两节小课。
references: [养老护理员国家职业技能标准（2019年版）]
lessons: [01-turning.md, 02-falls.md]
"""

LESSON = """\
---
title: {title}
minutes: {minutes}
area: daily_care
quiz:
  pass_ratio: 0.6
  questions:
    - type: single
      stem: 卧床老人一般每隔多长时间翻身一次？
      options: [30分钟, 2小时, 6小时, 12小时]
      answer: B
      explanation: 一般每2小时翻身一次。
    - type: true_false
      stem: 翻身时可以拖拉老人。
      answer: false
      explanation: 拖拉会损伤皮肤。
---

## 操作步骤

1. 先沟通，说明目的。
2. 两人配合，抬起而不是拖拉。
"""


def write_course(root: Path, slug: str = "family-intro", *, public: bool = True, minutes: int = 10,
                 attachment: bool = False) -> Path:
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yaml").write_text(COURSE_YAML.format(slug=slug, public=str(public).lower()),
                                        encoding="utf-8")
    first = LESSON.format(title="翻身与体位", minutes=minutes)
    if attachment:
        (folder / "checklist.txt").write_text("翻身记录表\n", encoding="utf-8")
        first = first.replace("area: daily_care\n", "area: daily_care\nattachments: [{title: 翻身记录表, file: checklist.txt}]\n", 1)
    (folder / "01-turning.md").write_text(first, encoding="utf-8")
    (folder / "02-falls.md").write_text(LESSON.format(title="跌倒预防", minutes=minutes), encoding="utf-8")
    return folder


@pytest.fixture
def course_folder(tmp_path):
    return write_course(tmp_path / "courses")


@pytest.fixture
def trainee(make_person, make_user):
    """(account, person) of a trainee with a registry record (family caregiver)."""
    user = make_user(Role.TRAINEE)
    return user, make_person(user=user, categories=["family_caregiver"])


@pytest.fixture
def make_course(tmp_path):
    """make_course(slug, public=…, minutes=…) → an imported Course."""

    def make(slug="family-intro", *, public=True, minutes=10):
        folder = write_course(tmp_path / "courses", slug, public=public, minutes=minutes)
        spec = read_course(folder)
        import_course(spec)
        from lms.courses.queries import course_by_slug

        return course_by_slug(slug)

    return make


def dedent(text: str) -> str:
    return textwrap.dedent(text)
