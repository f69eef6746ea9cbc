"""Publishing a round's results (frozen rows: scores rounded once, rank,
prize, who advances) and issuing award certificates (获奖证书)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth.models import User
from lms.certs.services import issue_award_certificate
from lms.competitions import scoring
from lms.competitions.models import (
    CompetitionRound,
    CompetitionStatus,
    Contestant,
    Entry,
    Result,
)
from lms.competitions.queries import round_is_complete, round_scores
from lms.competitions.services.errors import CompetitionError
from lms.competitions.services.events import prize_names
from lms.core import audit
from lms.core.time import utcnow
from lms.extensions import db


def prize_scheme(round_: CompetitionRound) -> scoring.PrizeScheme:
    """The competition's prize scheme with the names of its prizes."""
    raw = round_.competition.prize_scheme
    lines = raw.get("counts") or raw.get("shares") or []
    names, merit = prize_names()
    if len(lines) > len(names):
        raise CompetitionError(_l("The prize scheme has more lines than there are prize names."))
    return scoring.PrizeScheme(names=names[:len(lines)],
                               counts=tuple(raw["counts"]) if raw.get("counts") else None,
                               shares=tuple(raw["shares"]) if raw.get("shares") else None,
                               merit=merit if raw.get("merit") else None)


def rank_round(round_: CompetitionRound) -> list[scoring.Ranked]:
    """The round's ranking from exact scores rounded once; with prizes for the
    final round. ``Standing.key`` is the contestant id."""
    scores = round_scores(round_)
    standings = [scoring.Standing(key=s.contestant.id, total=scoring.round_points(s.total),
                                  practical=scoring.round_points(s.practical),
                                  theory=scoring.round_points(s.theory), unit=str(s.contestant.entry.unit_region_id))
                 for s in scores]
    ranked = scoring.rank(standings)
    return scoring.award_prizes(ranked, prize_scheme(round_)) if round_.is_final else ranked


def publish_results(round_: CompetitionRound, *, by: User | None) -> list[Result]:
    """Freeze and publish the round's results. Only when every station is
    locked. Advancing contestants are entered in the next round."""
    if round_.results_published_at is not None:
        raise CompetitionError(_l("This round's results are already published."))
    if not round_is_complete(round_):
        raise CompetitionError(_l("Every station must be locked by the chief judge before results are published."))
    missing_theory = {s.contestant.id for s in round_scores(round_) if s.missing_theory}
    ranked = rank_round(round_)
    advancing: set = set()
    if not round_.is_final:
        advancing = {r.standing.key for r in scoring.advancing(
            ranked, top_n=round_.advance_top_n, top_share=round_.advance_share)}
    results = []
    for row in ranked:
        result = Result(round_id=round_.id, contestant_id=row.standing.key, theory=row.standing.theory,
                        practical=row.standing.practical, total=row.standing.total, rank=row.rank,
                        prize=row.prize, advances=row.standing.key in advancing,
                        note="no_theory" if row.standing.key in missing_theory else "")
        db.session.add(result)
        results.append(result)
    round_.results_published_at, round_.published_by_id = utcnow(), by.id if by else None
    competition = round_.competition
    if round_.is_final:
        competition.status = CompetitionStatus.FINISHED
    else:
        following = competition.rounds[round_.position]  # positions are 1-based
        entry_ids = db.session.scalars(select(Contestant.entry_id).where(Contestant.id.in_(advancing))).all()
        for entry_id in entry_ids:
            db.session.add(Contestant(round=following, entry_id=entry_id))
    db.session.flush()
    audit.record("competition.results_published", round_, actor=by,
                 new={"round": round_.name, "contestants": len(results), "advancing": len(advancing),
                      "top": [[str(r.standing.total), r.rank, r.prize] for r in ranked[:10]]})
    return results


def issue_awards(round_: CompetitionRound, *, by: User | None) -> int:
    """Issue a 获奖证书 to every prize holder of the published final round who
    has none yet (running it again issues nothing twice). Returns how many."""
    if not round_.is_final or round_.results_published_at is None:
        raise CompetitionError(_l("Award certificates follow the published results of the final round."))
    competition = round_.competition
    issuer = competition.host_institution.name if competition.host_institution else competition.region.name
    rows = db.session.execute(
        select(Result, Entry).join(Contestant, Contestant.id == Result.contestant_id)
        .join(Entry, Entry.id == Contestant.entry_id)
        .where(Result.round_id == round_.id, Result.prize.is_not(None), Entry.award_certificate_id.is_(None))
        .order_by(Result.rank)).all()
    for result, entry in rows:
        cert = issue_award_certificate(entry.person, event_name=competition.name, prize=result.prize,
                                       issuer_name=issuer, issued_by=by,
                                       basis=f"competition {competition.id} round {round_.id} rank {result.rank}")
        entry.award_certificate_id = cert.id
    db.session.flush()
    return len(rows)
