"""The access grid: every URL × every role → the expected answer.

A view that is added without a row here fails ``test_every_view_is_in_the_grid``;
a row whose roles differ from the view's ``@allow`` fails
``test_grid_matches_declarations``; and every row is exercised for real,
signed in through the login form, by ``test_access``.
"""

import pytest

from lms.core.access import PUBLIC, SIGNED_IN

STAFF = "institution_staff"
CIVIL = "civil_affairs"
SYS, SEC, AUD = "system_admin", "security_admin", "audit_admin"
ROLES = ["anonymous", "trainee", STAFF, "examiner", CIVIL, SYS, SEC, AUD]

# endpoint: (method, url with {placeholders} from the `world` fixture, allowed roles)
GRID = {
    "core.home": ("GET", "/", {PUBLIC}),
    "core.health": ("GET", "/healthz", {PUBLIC}),
    "core.favicon": ("GET", "/favicon.ico", {PUBLIC}),
    "core.set_language": ("POST", "/preferences/language", {PUBLIC}),
    "core.set_elder_mode": ("POST", "/preferences/elder-mode", {PUBLIC}),
    "auth.login": ("GET", "/login", {PUBLIC}),
    "auth.second_factor": ("GET", "/login/second-factor", {PUBLIC}),
    "auth.logout": ("POST", "/logout", {PUBLIC}),
    "auth.change_password": ("GET", "/account/password", {SIGNED_IN}),
    "auth.totp_setup": ("GET", "/account/second-factor", {SIGNED_IN}),
    "auth.totp_disable": ("POST", "/account/second-factor/disable", {SIGNED_IN}),
    "admin.users": ("GET", "/admin/users", {SYS, SEC}),
    "admin.new_user": ("GET", "/admin/users/new", {SYS}),
    "admin.user": ("GET", "/admin/users/{target}", {SYS, SEC}),
    "admin.reset_password": ("POST", "/admin/users/{target}/reset-password", {SYS}),
    "admin.unlock": ("POST", "/admin/users/{target}/unlock", {SYS}),
    "admin.toggle_active": ("POST", "/admin/users/{target}/active", {SYS}),
    "admin.add_role": ("POST", "/admin/users/{target}/roles", {SEC}),
    "admin.remove_role": ("POST", "/admin/users/{target}/roles/trainee/remove", {SEC}),
    "admin.audit_log": ("GET", "/admin/audit", {AUD}),
    "regions.tree": ("GET", "/regions", {CIVIL, SYS}),
    "regions.institutions": ("GET", "/institutions", {STAFF, CIVIL, SYS}),
    "regions.new_institution": ("GET", "/institutions/new", {CIVIL, SYS}),
    "regions.institution": ("GET", "/institutions/{home}", {STAFF, CIVIL, SYS}),
    "regions.edit_institution": ("GET", "/institutions/{home}/edit", {CIVIL, SYS}),
    "people.register": ("GET", "/register", {PUBLIC}),
    "people.index": ("GET", "/people", {STAFF, CIVIL}),
    "people.lookup": ("POST", "/people/lookup", {STAFF, CIVIL}),
    "people.new": ("GET", "/people/new", {STAFF}),
    "people.show": ("GET", "/people/{person}", {STAFF, CIVIL}),
    "people.me": ("GET", "/me", {"trainee"}),
    "certs.index": ("GET", "/certificates", {STAFF, CIVIL}),
    "certs.issue": ("GET", "/people/{person}/certificates/new", {STAFF}),
    "certs.show": ("GET", "/certificates/{cert}", {STAFF, CIVIL}),
    "certs.pdf": ("GET", "/certificates/{cert}/pdf", {STAFF, CIVIL}),
    "certs.approve": ("POST", "/certificates/{cert}/approve", {CIVIL}),
    "certs.revoke": ("POST", "/certificates/{cert}/revoke", {STAFF, CIVIL}),
    "certs.reissue": ("POST", "/certificates/{cert}/reissue", {STAFF, CIVIL}),
    "certs.mine": ("GET", "/me/certificates", {"trainee"}),
    "certs.my_pdf": ("GET", "/me/certificates/{cert}/pdf", {"trainee"}),
    "certs.start_print": ("POST", "/certificates/print-jobs", {STAFF, CIVIL}),
    "certs.print_jobs": ("GET", "/certificates/print-jobs", {STAFF, CIVIL}),
    "certs.print_job": ("GET", "/certificates/print-jobs/{print_job}", {STAFF, CIVIL}),
    "certs.print_job_progress": ("GET", "/certificates/print-jobs/{print_job}/progress", {STAFF, CIVIL}),
    "certs.print_job_download": ("GET", "/certificates/print-jobs/{print_job}/download", {STAFF, CIVIL}),
    "certs.print_job_resume": ("POST", "/certificates/print-jobs/{print_job}/resume", {STAFF, CIVIL}),
    "certs.verify": ("GET", "/verify", {PUBLIC}),
    "certs.verify_qr": ("GET", "/v/S00011300000126400000X?s=AAAA", {PUBLIC}),
    "certs.public_key": ("GET", "/certificates/public-key.pem", {PUBLIC}),
    "certs.jwks": ("GET", "/.well-known/jwks.json", {PUBLIC}),
    "certs.revocations": ("GET", "/certificates/revocations", {PUBLIC}),
    "certs.issuer_profile": ("GET", "/certificates/issuer", {PUBLIC}),
    "certs.badge": ("GET", "/certificates/{cert}/badge.jwt", {STAFF, CIVIL}),
    "certs.my_badge": ("GET", "/me/certificates/{cert}/badge.jwt", {"trainee"}),
    "courses.catalogue": ("GET", "/courses", {"trainee", STAFF, CIVIL}),
    "courses.course": ("GET", "/courses/{course_slug}", {"trainee", STAFF, CIVIL}),
    "courses.lesson": ("GET", "/courses/{course_slug}/lessons/01-turning", {"trainee"}),
    "courses.submit_quiz": ("POST", "/courses/{course_slug}/lessons/01-turning/quiz", {"trainee"}),
    "courses.attachment": ("GET", "/courses/{course_slug}/lessons/01-turning/files/checklist.txt", {"trainee"}),
    "courses.heartbeat": ("POST", "/study/heartbeat", {"trainee"}),
    "courses.my_learning": ("GET", "/learning", {"trainee"}),
    "courses.my_study_record": ("GET", "/learning/record", {"trainee"}),
    "courses.enrol": ("GET", "/courses/{course_slug}/enrol", {STAFF}),
    "courses.progress": ("GET", "/courses/progress", {STAFF, CIVIL}),
    "courses.progress_export": ("GET", "/courses/progress.xlsx", {STAFF, CIVIL}),
    "courses.study_record": ("GET", "/courses/study-record/{person}", {STAFF, CIVIL}),
    "exams.questions": ("GET", "/exams/questions", {STAFF, CIVIL}),
    "exams.edit_question": ("GET", "/exams/questions/{question}/edit", {CIVIL}),
    "exams.import_questions": ("GET", "/exams/questions/import", {CIVIL}),
    "exams.export_questions": ("GET", "/exams/questions/export?bank=grid-bank&format=xml", {STAFF, CIVIL}),
    "exams.index": ("GET", "/exams", {STAFF, CIVIL}),
    "exams.new": ("GET", "/exams/new", {STAFF}),
    "exams.show": ("GET", "/exams/{exam}", {STAFF, CIVIL}),
    "exams.add_candidates": ("POST", "/exams/{exam}/candidates", {STAFF}),
    "exams.item_analysis": ("GET", "/exams/{exam}/analysis", {STAFF, CIVIL}),
    "exams.item_analysis_export": ("GET", "/exams/{exam}/analysis.xlsx", {STAFF, CIVIL}),
    "exams.mine": ("GET", "/me/exams", {"trainee"}),
    "exams.confirm_start": ("GET", "/me/exams/{exam}/start", {"trainee"}),
    "exams.start": ("POST", "/me/exams/{exam}/start", {"trainee"}),
    "exams.paper": ("GET", "/me/attempts/{attempt}", {"trainee"}),
    "exams.save": ("POST", "/me/attempts/{attempt}/answers", {"trainee"}),
    "exams.confirm_submit": ("GET", "/me/attempts/{attempt}/submit", {"trainee"}),
    "exams.submit": ("POST", "/me/attempts/{attempt}/submit", {"trainee"}),
    "exams.result": ("GET", "/me/attempts/{attempt}/result", {"trainee"}),
    "exams.practical_index": ("GET", "/practical", {STAFF, CIVIL, "examiner"}),
    "exams.new_assessment": ("GET", "/practical/new", {STAFF}),
    "exams.assessment": ("GET", "/practical/{assessment}", {STAFF, CIVIL, "examiner"}),
    "exams.lock": ("POST", "/practical/{assessment}/lock", {"examiner"}),
    "quotas.index": ("GET", "/quotas", {CIVIL}),
    "quotas.region": ("GET", "/quotas/regions/130100", {CIVIL}),
    "quotas.export": ("GET", "/quotas/regions/130100/export.xlsx", {CIVIL}),
    "quotas.edit_target": ("GET", "/quotas/targets/{quota_target}/edit", {CIVIL}),
    "training.classes": ("GET", "/classes", {STAFF, CIVIL}),
    "training.new_class": ("GET", "/classes/new", {STAFF}),
    "training.show_class": ("GET", "/classes/{training_class}", {STAFF, CIVIL}),
    "training.edit_class": ("GET", "/classes/{training_class}/edit", {STAFF}),
    "training.plan": ("GET", "/classes/{training_class}/plan", {STAFF}),
    "training.class_instructors": ("GET", "/classes/{training_class}/instructors", {STAFF}),
    "training.submit_class": ("POST", "/classes/{training_class}/submit", {STAFF}),
    "training.approve_class": ("POST", "/classes/{training_class}/approve", {CIVIL}),
    "training.return_class": ("POST", "/classes/{training_class}/return", {CIVIL}),
    "training.start_class": ("POST", "/classes/{training_class}/start", {STAFF}),
    "training.close_class": ("POST", "/classes/{training_class}/close", {STAFF}),
    "training.instructors": ("GET", "/instructors", {STAFF}),
    "training.new_session": ("GET", "/classes/{training_class}/sessions/new", {STAFF}),
    "training.cancel_session": ("POST", "/sessions/{attendance_session}/cancel", {STAFF}),
    "training.institution_calendar": ("GET", "/training/calendar", {STAFF}),
    "training.my_schedule": ("GET", "/me/schedule", {"trainee"}),
    "training.my_schedule_ics": ("GET", "/me/schedule.ics", {"trainee"}),
    "training.instructor_ics": ("GET", "/instructors/{instructor}/schedule.ics", {STAFF, CIVIL}),
    "training.roster": ("GET", "/classes/{training_class}/roster", {STAFF, CIVIL}),
    "training.enrol": ("POST", "/classes/{training_class}/roster", {STAFF}),
    "training.open_accounts": ("POST", "/classes/{training_class}/roster/accounts", {STAFF}),
    "training.withdraw": ("POST", "/classes/{training_class}/roster/{enrolment}/withdraw", {STAFF}),
    "training.class_report": ("GET", "/classes/{training_class}/report", {STAFF, CIVIL}),
    "training.prior_hours": ("POST", "/people/{person}/prior-hours", {STAFF}),
    "training.attendance_screen": ("GET", "/sessions/{attendance_session}/attendance", {STAFF, CIVIL}),
    "training.attendance_qr": ("GET", "/sessions/{attendance_session}/attendance/qr.svg", {STAFF}),
    "training.attend": ("GET", "/attend/{attend_token}", {"trainee"}),
    "training.mark_attendance": ("POST", "/sessions/{attendance_session}/attendance/mark", {STAFF}),
    "training.roster_template": ("GET", "/classes/roster-template.xlsx", {STAFF, CIVIL}),
    "training.import_roster": ("POST", "/classes/{training_class}/roster/import", {STAFF}),
    "training.export_roster": ("GET", "/classes/{training_class}/roster.xlsx", {STAFF, CIVIL}),
    "competitions.index": ("GET", "/competitions", {CIVIL}),
    "competitions.new": ("GET", "/competitions/new", {CIVIL}),
    "competitions.show": ("GET", "/competitions/{competition}", {CIVIL}),
    "competitions.edit": ("GET", "/competitions/{competition}/edit", {CIVIL}),
    "competitions.add_round": ("POST", "/competitions/{competition}/rounds", {CIVIL}),
    "competitions.add_station": ("POST", "/competitions/{competition}/rounds/{comp_round}/stations", {CIVIL}),
    "competitions.set_advancement": ("POST", "/competitions/{competition}/rounds/{comp_round}/advancement", {CIVIL}),
    "competitions.set_allowance": ("POST", "/competitions/{competition}/allowances", {CIVIL}),
    "competitions.publish": ("POST", "/competitions/{competition}/publish", {CIVIL}),
    "competitions.appoint_judge": ("POST", "/competitions/{competition}/judges", {CIVIL}),
    "competitions.assign_judge": ("POST", "/competitions/{competition}/stations/{station}/judges", {CIVIL}),
    "competitions.draw": ("POST", "/competitions/{competition}/rounds/{comp_round}/draw", {CIVIL}),
    "competitions.link_theory_exam": ("POST", "/competitions/{competition}/rounds/{comp_round}/theory-exam",
                                      {CIVIL}),
    "competitions.publish_results": ("POST", "/competitions/{competition}/rounds/{comp_round}/publish", {CIVIL}),
    "competitions.issue_awards": ("POST", "/competitions/{competition}/rounds/{comp_round}/awards", {CIVIL}),
    "competitions.entries": ("GET", "/competitions/{competition}/entries", {CIVIL}),
    "competitions.withdraw": ("POST", "/competitions/{competition}/entries/{entry}/withdraw", {CIVIL}),
    "competitions.export": ("GET", "/competitions/{competition}/rounds/{comp_round}/export.xlsx", {CIVIL}),
    "competitions.event": ("GET", "/c/{competition}", {PUBLIC}),
    "competitions.board": ("GET", "/c/{competition}/board", {PUBLIC}),
    "competitions.judging": ("GET", "/judging", {"examiner"}),
    "competitions.sheet": ("GET", "/judging/stations/{station}", {"examiner"}),
    "competitions.save_mark": ("POST", "/judging/stations/{station}/marks", {"examiner"}),
    "competitions.save_marks": ("POST", "/judging/stations/{station}/contestants/{contestant}", {"examiner"}),
    "competitions.review": ("GET", "/judging/stations/{station}/review", {"examiner", CIVIL}),
    "competitions.lock_station": ("POST", "/judging/stations/{station}/lock", {"examiner"}),
    "competitions.lodge_appeal": ("POST", "/judging/marks/{mark}/appeals", {"examiner", CIVIL}),
    "competitions.decide_appeal": ("POST", "/judging/appeals/{appeal}/decision", {"examiner"}),
    "subsidies.package": ("GET", "/classes/{closed_class}/subsidy", {STAFF, CIVIL}),
    "subsidies.workbook": ("GET", "/classes/{closed_class}/subsidy.xlsx", {STAFF, CIVIL}),
    "subsidies.pdf": ("GET", "/classes/{closed_class}/subsidy.pdf", {STAFF, CIVIL}),
    # API clients (lms/api): the security administrator's pages; the OpenAPI
    # document is public like the verification page.
    "api_admin.clients": ("GET", "/admin/api-clients", {SEC}),
    "api_admin.new_client": ("GET", "/admin/api-clients/new", {SEC}),
    "api_admin.revoke_client": ("POST", "/admin/api-clients/{api_client}/revoke", {SEC}),
    "api-docs.openapi_json": ("GET", "/api/v1/openapi.json", {PUBLIC}),
}

# The JSON API for provincial systems (/api/v1). Declared @allow(PUBLIC) —
# the bearer token, not a session or a role, is the check, made inside the
# view — so without a token they answer 401 where the grid would expect
# "allowed". They count for test_every_view_is_in_the_grid and
# test_grid_matches_declarations, and test_api_* below exercise them with no
# token, a revoked token, another region's token and a good one ({cert_number}
# is the world's {cert}; the lookup sends the world person's ID number).
API_ENDPOINTS = {
    "api.certificate": ("GET", "/api/v1/certificates/{cert_number}", {PUBLIC}),
    "api.credential": ("GET", "/api/v1/certificates/{cert_number}/credential", {PUBLIC}),
    "api.certificates": ("GET", "/api/v1/certificates?since=2000-01-01T00:00:00Z&region=130100", {PUBLIC}),
    "api.progress": ("GET", "/api/v1/progress?plan=grid-plan&region=130100", {PUBLIC}),
    "api.lookup": ("POST", "/api/v1/people/lookup", {PUBLIC}),
}

# Objects of another region or institution: a 404 for scoped roles, never data.
OUT_OF_SCOPE = [
    ("/institutions/{other}", STAFF),
    ("/institutions/{other}", CIVIL),
    ("/institutions/{other}/edit", CIVIL),
    ("/people/{outsider}", STAFF),
    ("/people/{outsider}", CIVIL),
    ("/certificates/{outsider_cert}", STAFF),
    ("/certificates/{outsider_cert}", CIVIL),
    ("/certificates/{outsider_cert}/pdf", CIVIL),
    ("/me/certificates/{outsider_cert}/pdf", "trainee"),
    ("/certificates/{outsider_cert}/badge.jwt", STAFF),
    ("/certificates/{outsider_cert}/badge.jwt", CIVIL),
    ("/me/certificates/{outsider_cert}/badge.jwt", "trainee"),
    ("/courses/study-record/{outsider}", STAFF),
    ("/courses/study-record/{outsider}", CIVIL),
    ("/exams/{other_exam}", STAFF),
    ("/exams/{other_exam}", CIVIL),
    ("/exams/{other_exam}/analysis", CIVIL),
    ("/me/attempts/{outsider_attempt}", "trainee"),
    ("/me/attempts/{outsider_attempt}/result", "trainee"),
    ("/me/attempts/{outsider_attempt}/submit", "trainee"),
    ("/practical/{outsider_assessment}", STAFF),
    ("/practical/{outsider_assessment}", CIVIL),
    ("/practical/{outsider_assessment}", "examiner"),
    ("/quotas/regions/130200", CIVIL),
    ("/quotas/regions/130200/export.xlsx", CIVIL),
    ("/quotas/targets/{outside_quota_target}/edit", CIVIL),
    ("/classes/{other_training_class}", STAFF),
    ("/classes/{other_training_class}", CIVIL),
    ("/classes/{other_training_class}/roster", STAFF),
    ("/classes/{other_training_class}/report", CIVIL),
    ("/classes/{other_training_class}/plan", STAFF),
    ("/instructors/{other_instructor}/schedule.ics", STAFF),
    ("/instructors/{other_instructor}/schedule.ics", CIVIL),
    ("/sessions/{other_attendance_session}/attendance", STAFF),
    ("/sessions/{other_attendance_session}/attendance", CIVIL),
    ("/sessions/{other_attendance_session}/attendance/qr.svg", STAFF),
    ("/classes/{other_closed_class}/subsidy", STAFF),
    ("/classes/{other_closed_class}/subsidy", CIVIL),
    ("/classes/{other_closed_class}/subsidy.xlsx", STAFF),
    ("/classes/{other_closed_class}/subsidy.xlsx", CIVIL),
    ("/classes/{other_closed_class}/subsidy.pdf", STAFF),
    ("/classes/{other_closed_class}/subsidy.pdf", CIVIL),
    ("/competitions/{other_competition}", CIVIL),
    ("/competitions/{other_competition}/edit", CIVIL),
    ("/competitions/{other_competition}/entries", CIVIL),
    ("/competitions/{other_competition}/rounds/{other_comp_round}/export.xlsx", CIVIL),
    ("/judging/stations/{other_station}", "examiner"),
    ("/judging/stations/{other_station}/review", "examiner"),
    ("/judging/stations/{other_station}/review", CIVIL),
]


@pytest.fixture
def world(world, monkeypatch, request):
    """The shared world plus certificates and a finished print job (lms/certs)
    and exams, attempts and practical assessments (lms/exams), classes with a
    session happening now and its attendance token (lms/training) and
    competitions with a drawn round, marks and an appeal; print jobs
    started by the grid's POST are not run."""
    from lms.core import jobs
    from tests.api.grid import grid_api
    from tests.certs.grid import grid_certificates
    from tests.competitions.grid import grid_competitions
    from tests.exams.grid import grid_exams
    from tests.subsidies.grid import grid_subsidies
    from tests.training.grid import grid_attendance

    monkeypatch.setattr(jobs, "start_job", lambda job_id: None)
    world.update(grid_certificates(world))
    world.update(grid_exams(world))
    world.update(grid_attendance(world))
    world.update(grid_subsidies(world))
    world.update(grid_api(world))
    if _uses_competitions(request):
        world.update(grid_competitions(world))
    return world


def _uses_competitions(request) -> bool:
    # Competitions take a tenth of a second to set up: only the rows that use them build them.
    params = request.node.callspec.params if hasattr(request.node, "callspec") else {}
    endpoint, template = str(params.get("endpoint", "")), str(params.get("template", ""))
    return endpoint.startswith("competitions.") or template.startswith(("/competitions", "/judging", "/c/"))


def _url(template: str, world: dict) -> str:
    # Every object of the world with an id is a placeholder ({home}, {person} …).
    ids = {name: value.id for name, value in world.items() if hasattr(value, "id")}
    return template.format(**ids, target=world["person"].user_id, course_slug=world["course"].slug)


def test_every_view_is_in_the_grid(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - set(GRID) - set(API_ENDPOINTS) == set(), "add these views to the access grid"
    assert (set(GRID) | set(API_ENDPOINTS)) - endpoints == set(), "these grid rows name no view"


def test_grid_matches_declarations(app):
    for endpoint, (_method, _url, roles) in {**GRID, **API_ENDPOINTS}.items():
        assert app.view_functions[endpoint].allowed_roles == frozenset(roles), endpoint


def _expected(roles: set, role: str) -> str:
    if PUBLIC in roles:
        return "allowed"
    if role == "anonymous":
        return "login"
    if SIGNED_IN in roles or role in roles:
        return "allowed"
    return "forbidden"


@pytest.mark.parametrize("endpoint", sorted(GRID))
@pytest.mark.parametrize("role", ROLES)
def test_access(client, world, login, endpoint, role):
    method, template, roles = GRID[endpoint]
    if role != "anonymous":
        login(world["users"][role])
    response = client.open(_url(template, world), method=method)
    expected = _expected(roles, role)
    if expected == "login":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif expected == "forbidden":
        assert response.status_code == 403
    else:
        assert response.status_code not in (401, 403, 404, 500)
        assert not (response.status_code == 302 and "/login?" in response.headers["Location"])


@pytest.mark.parametrize("template, role", OUT_OF_SCOPE)
def test_other_regions_objects_are_not_found(client, world, login, template, role):
    login(world["users"][role])
    response = client.get(_url(template, world))
    assert response.status_code == 404
    assert world["outsider"].name not in response.get_data(as_text=True)
    assert world["other"].name not in response.get_data(as_text=True)


def test_lists_show_only_rows_in_scope(client, world, login):
    for role in (STAFF, CIVIL):
        login(world["users"][role])
        people = client.get("/people").get_data(as_text=True)
        assert world["person"].name in people and world["outsider"].name not in people
        institutions = client.get("/institutions").get_data(as_text=True)
        assert world["home"].name in institutions and world["other"].name not in institutions
        client.post("/logout")


def test_undeclared_view_is_refused():
    from lms import create_app

    fresh = create_app("testing")
    fresh.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    assert fresh.test_client().get("/undeclared").status_code == 403


def _api_open(client, world, endpoint: str, token: str | None):
    method, template, _roles = API_ENDPOINTS[endpoint]
    url = _url(template.replace("{cert_number}", world["cert"].number), world)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"id_number": world["person"].reveal_id_number()} if method == "POST" else None
    return client.open(url, method=method, headers=headers, json=body)


@pytest.mark.parametrize("endpoint", sorted(API_ENDPOINTS))
@pytest.mark.parametrize("role", ["anonymous", CIVIL])
def test_api_without_a_token_is_unauthorised(client, world, login, endpoint, role):
    """No token, no data — a signed-in browser's session cookie is not one."""
    if role != "anonymous":
        login(world["users"][role])
    response = _api_open(client, world, endpoint, None)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("endpoint", sorted(API_ENDPOINTS))
def test_api_tokens(client, world, endpoint):
    """A revoked token is refused; another region's token finds nothing (404,
    as if the certificate, region or person did not exist); the client's own
    token reads its region."""
    assert _api_open(client, world, endpoint, world["revoked_api_token"]).status_code == 401
    outside = _api_open(client, world, endpoint, world["other_api_token"])
    assert outside.status_code == 404
    assert world["person"].name not in outside.get_data(as_text=True)
    assert _api_open(client, world, endpoint, world["api_token"]).status_code == 200
