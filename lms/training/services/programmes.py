"""Writes for training programmes. Flush, never commit."""

from sqlalchemy import select

from lms.extensions import db
from lms.training.models import Programme

_CATEGORIES = {"caregiver", "institution_head", "family_caregiver", "social_worker"}
_CERTIFICATES = {"skill_level", "training"}


class ProgrammeFileError(ValueError):
    """content/programs.yaml is malformed; the message names the entry."""


def import_programmes(document: dict) -> tuple[int, int]:
    """Create or update programmes from a parsed programs.yaml; returns
    (created, updated). Programmes are matched by code and never deleted."""
    entries = document.get("programmes") if isinstance(document, dict) else None
    if not entries:
        raise ProgrammeFileError("the file has no 'programmes' list")
    existing = {p.code: p for p in db.session.scalars(select(Programme))}
    created = updated = 0
    for entry in entries:
        code = str(entry.get("code", "")).strip()
        if not code or entry.get("category") not in _CATEGORIES \
                or entry.get("certificate") not in _CERTIFICATES or not entry.get("name"):
            raise ProgrammeFileError(f"programme {code or '?'}: needs code, name, category, certificate")
        assessments = entry.get("assessments") or {}
        values = {
            "name": str(entry["name"]).strip(),
            "category": entry["category"],
            "level": entry.get("level"),
            "hours": int(entry.get("hours") or 0),
            "certificate_kind": entry["certificate"],
            "theory_pass_mark": assessments.get("theory"),
            "practical_pass_mark": assessments.get("practical"),
            "needs_review": bool(assessments.get("review", False)),
        }
        programme = existing.get(code)
        if programme is None:
            db.session.add(Programme(code=code, **values))
            created += 1
        elif any(getattr(programme, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(programme, key, value)
            updated += 1
    db.session.flush()
    return created, updated
