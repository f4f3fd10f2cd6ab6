"""Read-only listings of live workshops for coaches and for other features."""

from __future__ import annotations

from sqlalchemy import func, select

from workshop.extensions import db
from workshop.live import phases
from workshop.live.models import Participant, Proposal, Workshop


def list_coach_workshops_with_counts(coach_id: int) -> list[tuple[Workshop, int, int]]:
    """A coach's workshops, newest first, with participant and proposal counts."""
    people = (select(func.count(Participant.id)).where(Participant.workshop_id == Workshop.id)
              .correlate(Workshop).scalar_subquery())
    ideas = (select(func.count(Proposal.id)).where(Proposal.workshop_id == Workshop.id,
                                                   Proposal.merged_into_id.is_(None))
             .correlate(Workshop).scalar_subquery())
    return [tuple(row) for row in db.session.execute(
        select(Workshop, people, ideas).where(Workshop.coach_id == coach_id)
        .order_by(Workshop.id.desc())).all()]


def facilitated_workshops(coach_id: int, min_participants: int) -> list[Workshop]:
    """Workshops this coach ran to a final OKR set with at least ``min_participants`` people
    (the practical evidence coach-training tracks ask for)."""
    people = (select(func.count(Participant.id)).where(Participant.workshop_id == Workshop.id)
              .correlate(Workshop).scalar_subquery())
    rows = db.session.scalars(select(Workshop).where(
        Workshop.coach_id == coach_id, Workshop.phase.in_((phases.FINAL, phases.CLOSED)),
        people >= min_participants).order_by(Workshop.id)).all()
    return [w for w in rows if w.final_okr_set and w.final_okr_set.get("objectives")]
