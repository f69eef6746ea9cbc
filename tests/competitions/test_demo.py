"""The demo competitions: one finished with published results and award
certificates, one in progress; seeding again adds nothing."""

from pathlib import Path

import yaml
from sqlalchemy import func, select

from lms.certs.models import Certificate, CertificateKind
from lms.competitions.models import Competition, Mark, Result
from lms.core.content import content_dir
from lms.demo.competitions import FINISHED, RUNNING, seed_competitions
from lms.extensions import db
from lms.regions.models import Region
from lms.regions.services import import_regions


def test_demo_competitions_show_the_feature_and_seed_once(app, make_institution):
    import_regions(yaml.safe_load(Path(content_dir() / "regions.yaml").read_text(encoding="utf-8")))
    host = make_institution("130102", name="石家庄市长安区康宁养老院")
    logins = seed_competitions(host, "Demo@2026care")
    assert ("chiefjudge", "examiner: chief judge") in logins
    finished = db.session.scalar(select(Competition).where(Competition.name == FINISHED))
    running = db.session.scalar(select(Competition).where(Competition.name == RUNNING))
    assert finished.status == "finished" and running.status == "open"
    prizes = db.session.scalars(select(Result.prize).where(Result.round_id == finished.rounds[0].id)
                                .order_by(Result.rank)).all()
    assert len(prizes) == 12 and prizes.count("一等奖") >= 1 and "优胜奖" in prizes
    awards = db.session.scalar(select(func.count(Certificate.id)).where(Certificate.kind == CertificateKind.AWARD))
    assert awards == len(prizes)  # 优胜奖 is an award too: everyone ranked in the final holds a 获奖证书
    assert all(station.is_locked for station in finished.rounds[0].stations)
    assert running.rounds[0].drawn_at is not None
    assert not any(station.is_locked for station in running.rounds[0].stations)
    counts = (db.session.scalar(select(func.count(Competition.id))), db.session.scalar(select(func.count(Mark.id))),
              db.session.scalar(select(func.count(Region.id))))
    seed_competitions(host, "Demo@2026care")
    assert (db.session.scalar(select(func.count(Competition.id))), db.session.scalar(select(func.count(Mark.id))),
            db.session.scalar(select(func.count(Region.id)))) == counts
