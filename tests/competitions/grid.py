"""Competition objects for the access grid (tests/test_access.py): a
published city competition of 石家庄 (the grid's civil-affairs region) with
the world's trainee entered for 长安区, the grid's examiner as its chief judge
marking two stations (one locked, with an appeal lodged), and a competition
of 唐山 outside every grid scope."""

from sqlalchemy import select

from lms.competitions.models import Mark
from lms.competitions.services import judging
from lms.extensions import db
from lms.regions.queries import region_by_code
from tests.competitions import factories


def grid_competitions(world: dict) -> dict:
    users = world["users"]
    changhan = region_by_code("130102")
    competition = factories.published_competition(region_by_code("130100"), units=[changhan], stations=2)
    setup = factories.drawn_round(competition, {changhan: [world["person"]]}, [users["examiner"]],
                                  chief_user=users["examiner"])
    station, locked = setup.stations
    factories.mark_all(setup, station=locked)
    judging.lock_station(locked, by=users["examiner"])
    mark = db.session.scalar(select(Mark).where(Mark.aspect_id == locked.aspects[0].id))
    appeal = judging.lodge_appeal(mark, reason="评分表记录与录像不符", by=users["civil_affairs"])

    tangshan = region_by_code("130200")
    other = factories.published_competition(tangshan, units=[region_by_code("130203")],
                                            name="2026年唐山市养老护理职业技能大赛")
    db.session.commit()
    return {"competition": competition, "comp_round": setup.round, "station": station, "locked_station": locked,
            "entry": setup.entries[0], "contestant": setup.contestants[0], "mark": mark, "appeal": appeal, "other_competition": other,
            "other_comp_round": other.rounds[0], "other_station": other.rounds[0].stations[0]}
