"""The print-jobs list says where each job is in the page's language."""

from lms.core import jobs
from lms.extensions import db
from tests.certs.grid import grid_certificates


def test_print_jobs_list_shows_progress_in_chinese(client, login, world):
    print_job = grid_certificates(world)["print_job"]
    login(world["users"]["institution_staff"])
    page = client.get("/certificates/print-jobs").get_data(as_text=True)
    assert "100%（已完成）" in page
    assert "(done)" not in page and "done)" not in page
    print_job.job.status = jobs.JobStatus.FAILED
    db.session.commit()
    page = client.get("/certificates/print-jobs").get_data(as_text=True)
    assert "（出错停止）" in page and "(failed)" not in page
