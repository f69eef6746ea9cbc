"""What create_app does once per process in production."""

import gc

from lms import create_app


def test_production_freezes_what_start_up_made(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    gc.unfreeze()
    try:
        create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db", SECRET_KEY="x" * 40)
        assert gc.get_freeze_count() > 10_000  # the app's objects sit outside full collections
    finally:
        gc.unfreeze()


def test_other_configurations_leave_the_collector_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    gc.unfreeze()
    create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/t.db")
    assert gc.get_freeze_count() == 0
