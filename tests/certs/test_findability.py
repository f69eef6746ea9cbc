"""Every page a role may use is reachable from its menu or from the object it
concerns; and what those pages show is in the reader's terms (local time,
region names, a picker instead of a code box)."""

import re
from datetime import UTC, date, datetime

from lms.core.access import Role
from lms.courses.models import StudyInterval
from lms.extensions import db


def _nav(page: str) -> str:
    return page.split('<nav class="nav"', 1)[1].split("</nav>", 1)[0]


def test_staff_and_civil_affairs_menus_lead_to_certificates_and_print_jobs(client, login, make_user, staff):
    for user in (staff, make_user(Role.CIVIL_AFFAIRS, region_code="130100")):
        db.session.commit()
        login(user)
        nav = _nav(client.get("/").get_data(as_text=True))
        assert 'href="/certificates"' in nav and 'href="/certificates/print-jobs"' in nav
        client.post("/logout")


def test_the_person_page_leads_to_study_assessments_and_certificates(client, login, staff, make_person,
                                                                     make_user, issue, home):
    person = make_person(institution=home, name="王秀英")
    cert = issue(person)  # passes the assessments as the exams feature records them
    db.session.commit()
    login(staff)
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert f'href="/courses/study-record/{person.id}"' in page
    assert f'href="/certificates/{cert.id}"' in page and cert.number in page
    assert f'href="/people/{person.id}/certificates/new"' in page  # staff issue from here
    assert "为卧床老年人翻身" in page and "76" in page  # the practical result
    client.post("/logout")
    login(make_user(Role.CIVIL_AFFAIRS, region_code="130100"))
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert f'href="/certificates/{cert.id}"' in page
    assert "/certificates/new" not in page  # civil affairs approve, they do not issue


def test_a_trainee_reaches_their_certificates_and_its_public_verification(client, login, make_user,
                                                                          make_person, issue, home):
    user = make_user(Role.TRAINEE)
    cert = issue(make_person(institution=home, user=user))
    db.session.commit()
    login(user)
    assert 'href="/me/certificates"' in _nav(client.get("/").get_data(as_text=True))
    page = client.get("/me/certificates").get_data(as_text=True)
    link = page.split("data-verify", 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert f"/v/{cert.number}?s=" in link
    public = client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert public.status_code == 200 and cert.number in public.get_data(as_text=True)


def test_a_trainee_reads_their_own_study_intervals_in_local_time(client, login, make_user, make_person):
    from lms.courses.models import Course, Lesson

    user = make_user(Role.TRAINEE)
    person = make_person(user=user)
    other = make_person(name="李四")
    course = Course(slug="t-course", title="家庭照护基础", audience="family_caregiver", nominal_hours=1)
    db.session.add(course)
    db.session.flush()
    lesson = Lesson(course_id=course.id, slug="l1", position=1, title="翻身与体位", minutes=45,
                    area="daily_care", body_html="<p>每2小时翻身一次。</p>")
    db.session.add(lesson)
    db.session.flush()
    db.session.add_all([
        StudyInterval(person_id=person.id, lesson_id=lesson.id, heartbeats=11, credited_seconds=300,
                      started_at=datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
                      last_beat_at=datetime(2026, 3, 1, 2, 5, tzinfo=UTC)),
        StudyInterval(person_id=other.id, lesson_id=lesson.id, heartbeats=3, credited_seconds=60,
                      started_at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
                      last_beat_at=datetime(2026, 3, 2, 2, 1, tzinfo=UTC)),
    ])
    db.session.commit()
    login(user)
    page = client.get("/learning/record").get_data(as_text=True)
    assert "2026-03-01 10:00:00" in page and "2026-03-01 10:05:00" in page  # Beijing time, not UTC
    assert "UTC" not in page
    assert "2026-03-02" not in page  # someone else's study
    assert client.get(f"/courses/study-record/{person.id}").status_code == 403  # the staff page stays staff's


def test_the_region_filter_is_a_picker_and_a_bad_filter_is_refused(client, login, make_user, make_person,
                                                                  issue, home):
    cert = issue(make_person(institution=home))
    civil = make_user(Role.CIVIL_AFFAIRS, region_code="130100")
    db.session.commit()
    login(civil)
    page = client.get("/certificates").get_data(as_text=True)
    assert re.search(r'<select[^>]*name="region"', page)
    assert '<option value="130102">' in page and "长安区" in page
    assert '<option value="130203">' not in page  # another unit's county is not offered
    assert cert.number in client.get("/certificates?region=130100").get_data(as_text=True)
    typed = client.get("/certificates?region=石家庄")
    assert typed.status_code == 400 and "请从列表中选择地区" in typed.get_data(as_text=True)
    reversed_range = client.get("/certificates?issued_from=2026-05-01&issued_to=2026-04-01")
    text = reversed_range.get_data(as_text=True)
    assert reversed_range.status_code == 400 and "截止日期早于开始日期" in text
    assert cert.number not in text  # nothing listed …
    assert 'action="/certificates/print-jobs"' not in text  # … and nothing to print by mistake
    shown = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "长安区" in shown and ">130102<" not in shown


def test_print_jobs_show_their_start_in_local_time(client, login, staff, make_person, issue, home, monkeypatch):
    from lms.certs import printing
    from lms.core import jobs
    from lms.core.access import Scope

    monkeypatch.setattr(jobs, "start_job", lambda job_id: None)
    cert = issue(make_person(institution=home))
    job = printing.create_print_job([cert.id], owner_id=staff.id, scope=Scope(institution_id=home.id),
                                    base_url="https://zs.example.gov.cn", filters={})
    job.created_at = datetime(2026, 6, 30, 17, 30, tzinfo=UTC)
    db.session.commit()
    login(staff)
    page = client.get("/certificates/print-jobs").get_data(as_text=True)
    assert "2026-07-01 01:30" in page
    assert date(2026, 6, 30).isoformat() + " 17:30" not in page


def test_the_issue_page_says_what_is_still_missing_before_anything_is_typed(client, login, staff, make_person,
                                                                            programmes, home):
    person = make_person(institution=home, categories=("family_caregiver",))
    db.session.commit()
    login(staff)
    page = client.get(f"/people/{person.id}/certificates/new").get_data(as_text=True)
    readiness = page.split('id="readiness"', 1)[1].split("</ul>\n", 1)[0]
    assert "失能老年人家庭照护者培训" in readiness and "尚未达到" in readiness
    assert "线上课程" in readiness  # no course, no assessment: nothing shows the training
