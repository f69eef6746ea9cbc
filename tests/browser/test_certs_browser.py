"""Staff print certificates in a real browser and watch the job's progress;
the public page verifies a certificate from its QR code's URL."""

import io
import random
import zipfile

from lms.certs import services
from lms.certs.eligibility import Evidence
from lms.certs.qr import verification_url
from lms.demo.identities import fake_id_number, fake_mobile
from lms.extensions import db
from lms.people import services as people
from tests.browser.conftest import seed_home
from tests.certs.conftest import add_programmes, meet_requirements
from tests.conftest import PASSWORD

NAMES = ["王秀英", "李桂兰", "张建华", "刘淑珍", "陈玉梅"]


def _seed(app) -> list[str]:
    rng = random.Random(5)
    with app.app_context():
        home, staff = seed_home(rng)
        region = home.region
        programme = add_programmes()["CG-4"]
        numbers = []
        for name in NAMES:
            person = people.register_person(
                name=name, id_number=fake_id_number(rng, "130102"), phone=fake_mobile(rng),
                region=region, categories=["caregiver"], employer=home, registered_by=home)
            meet_requirements(person, programme, home)
            cert = services.issue_certificate(person, programme, issued_by=staff, institution=home,
                                              evidence=Evidence(staff_confirmed=True, note="结业考核合格"))
            numbers.append(cert.number)
        db.session.commit()
    return numbers


def test_staff_print_job_with_progress_and_zip_then_public_verification(live_app, browser):
    live_app.config["CERTS_PRINT_CHUNK"] = 2  # 5 certificates → 3 PDFs
    numbers = _seed(live_app)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(live_app.base_url + "/login")
        page.get_by_label("账号或手机号").fill("staff1")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(live_app.base_url + "/**")

        page.goto(live_app.base_url + "/certificates")
        for number in numbers:
            assert number in page.locator("main").inner_text()
        page.locator("form[action$='/certificates/print-jobs'] button[type=submit]").click()
        page.wait_for_url("**/certificates/print-jobs/*")
        assert page.locator("progress#job-progress").count() == 1
        # The page polls the progress URL and shows the download link when done.
        page.locator("#job-download a").wait_for(state="visible", timeout=60_000)
        assert page.evaluate("document.getElementById('job-progress').value") == 100
        assert page.locator("#job-count").inner_text() == "5 / 5"
        with page.expect_download() as download_info:
            page.locator("#job-download a").click()
        data = download_info.value.path().read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            assert len(names) == 3 and all(n.endswith(".pdf") for n in names)
            assert all(archive.read(n).startswith(b"%PDF") for n in names)

        # The public verification page, opened from the QR code's URL.
        with live_app.app_context():
            url = verification_url(numbers[0], base=live_app.base_url)
        public = browser.new_context().new_page()
        public.goto(url)
        card = public.locator("#verification")
        assert card.get_attribute("data-status") == "valid"
        assert public.locator("[data-number]").inner_text() == numbers[0]
        assert public.locator("[data-holder]").inner_text() == "王*英"
        assert "王秀英" not in public.locator("main").inner_text()
        public.goto(url.replace("?s=", "?s=x"))  # a forged signature shows nothing
        assert public.locator("#verification").get_attribute("data-status") == "unknown"
    finally:
        context.close()
