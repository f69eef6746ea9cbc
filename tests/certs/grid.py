"""Certificates and a print job for the access grid (tests/test_access.py)."""

import zipfile

from lms.certs import printing, services
from lms.certs.eligibility import Evidence
from lms.core import jobs
from lms.core.access import Scope
from lms.extensions import db
from lms.training.models import Programme
from lms.training.queries import programme_by_code
from tests.certs.conftest import PROGRAMMES, meet_requirements


def grid_certificates(world: dict) -> dict:
    """{cert}: the world person's certificate (issued by the home institution),
    {outsider_cert}: the outsider's (other institution, other unit), and
    {print_job}: a finished print job of the home institution."""
    programme = programme_by_code("CG-4")
    if programme is None:
        programme = Programme(**PROGRAMMES[0])
        db.session.add(programme)
        db.session.flush()
    staff = world["users"]["institution_staff"]
    evidence = Evidence(staff_confirmed=True, note="grid")
    meet_requirements(world["person"], programme, world["home"])
    meet_requirements(world["outsider"], programme, world["other"])
    cert = services.issue_certificate(world["person"], programme, issued_by=staff,
                                      institution=world["home"], evidence=evidence)
    outsider_cert = services.issue_certificate(world["outsider"], programme, issued_by=None,
                                               institution=world["other"], evidence=evidence)
    print_job = printing.create_print_job([cert.id], owner_id=staff.id,
                                          scope=Scope(institution_id=world["home"].id),
                                          base_url="http://localhost", filters={})
    print_job.job.status = jobs.JobStatus.DONE
    path = printing.zip_path(print_job)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("empty.txt", "")
    db.session.commit()
    return {"cert": cert, "outsider_cert": outsider_cert, "print_job": print_job}
