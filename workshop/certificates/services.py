"""Tracks, enrolment and progress: what a trainee has done and what is missing."""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from workshop.certificates.errors import UnknownTrack
from workshop.certificates.models import Certificate, Enrolment, Track, TrackSet
from workshop.certificates.tracks import Track as TrackData
from workshop.db import utcnow
from workshop.errors import NotFound
from workshop.extensions import db

logger = logging.getLogger(__name__)


def sync_tracks(tracks: list[TrackData]) -> dict[str, list[str]]:
    """Make the tracks table match the file by slug; tracks gone from the file are retired."""
    report: dict[str, list[str]] = {"added": [], "updated": [], "retired": []}
    existing = {t.slug: t for t in db.session.scalars(select(Track))}
    for data in tracks:
        row = existing.pop(data.slug, None)
        fields = {"title": data.title, "level": data.level, "description": data.description,
                  "prerequisite_slug": data.prerequisite,
                  "evidence_workshops": data.evidence_workshops,
                  "evidence_min_participants": data.evidence_min_participants,
                  "is_retired": False}
        wanted_sets = [(s.slug, s.pass_mark) for s in data.sets]
        if row is None:
            row = Track(slug=data.slug, **fields)
            db.session.add(row)
            report["added"].append(data.slug)
        else:
            current_sets = [(s.set_slug, s.pass_mark) for s in row.required_sets]
            if any(getattr(row, k) != v for k, v in fields.items()) or current_sets != wanted_sets:
                report["updated"].append(data.slug)
            for key, value in fields.items():
                setattr(row, key, value)
        if [(s.set_slug, s.pass_mark) for s in row.required_sets] != wanted_sets:
            row.required_sets = [TrackSet(set_slug=s, pass_mark=m) for s, m in wanted_sets]
        row.updated_at = utcnow()
    for row in existing.values():
        if not row.is_retired:
            row.is_retired = True
            report["retired"].append(row.slug)
    db.session.flush()
    return report


def list_tracks() -> list[Track]:
    return list(db.session.scalars(select(Track).where(Track.is_retired.is_(False))
                                   .order_by(Track.level, Track.slug)))


def get_track(slug: str) -> Track:
    """Raises UnknownTrack."""
    track = db.session.scalar(select(Track).where(Track.slug == slug))
    if track is None:
        raise UnknownTrack(f"No track called {slug!r}.")
    return track


def enrol(user_id: int, track: Track) -> Enrolment:
    """Enrol a trainee (again is fine: the existing enrolment is returned)."""
    found = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id,
                                                      Enrolment.track_id == track.id))
    if found is None:
        found = Enrolment(user_id=user_id, track_id=track.id)
        db.session.add(found)
        db.session.flush()
        logger.info("user %s enrolled in track %s", user_id, track.slug)
    return found


def enrolled_track_ids(user_id: int) -> set[int]:
    return set(db.session.scalars(select(Enrolment.track_id).where(Enrolment.user_id == user_id)))


def current_certificate(user_id: int, track_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.track_id == track_id,
        Certificate.superseded_at.is_(None)))


@dataclass
class Requirement:
    label: str
    is_met: bool
    detail: str
    met_at: datetime | None = None
    set_slug: str | None = None  # exercise-set requirements link to the set


@dataclass
class TrackProgress:
    user_id: int
    track: Track
    requirements: list[Requirement] = field(default_factory=list)
    certificate: Certificate | None = None

    @property
    def is_eligible(self) -> bool:
        return all(r.is_met for r in self.requirements)

    @property
    def percent(self) -> int:
        if not self.requirements:
            return 100
        return round(100 * sum(r.is_met for r in self.requirements) / len(self.requirements))

    @property
    def missing(self) -> list[str]:
        return [f"{r.label}: {r.detail}" for r in self.requirements if not r.is_met]

    @property
    def eligible_since(self) -> datetime | None:
        """When the last requirement was met (None while something is missing)."""
        if not self.is_eligible:
            return None
        times = [r.met_at for r in self.requirements if r.met_at is not None]
        return max(times) if times else None


def track_progress(user_id: int, track: Track) -> TrackProgress:
    """Every requirement of a track for one person: prerequisite, exercise sets, evidence."""
    from workshop.exercises import catalog
    from workshop.exercises import services as exercises
    from workshop.live import listing as live

    result = TrackProgress(user_id, track, certificate=current_certificate(user_id, track.id))
    if track.prerequisite_slug:
        try:
            before = get_track(track.prerequisite_slug)
        except UnknownTrack:
            before = None
        held = current_certificate(user_id, before.id) if before else None
        ok = held is not None and held.status == "valid"
        title = before.title if before else track.prerequisite_slug
        result.requirements.append(Requirement(
            f"Certificate {title}", ok, "held" if ok else "not yet certified",
            held.issued_at if ok else None))
    found = {}
    for required in track.required_sets:
        with suppress(NotFound):  # a missing set is reported below as a requirement
            found[required.set_slug] = catalog.get_set(required.set_slug)
    # One progress call for all the track's sets: it reads the person's attempts once.
    standings = {s.exercise_set.slug: s
                 for s in exercises.progress(user_id, list(found.values()))}
    for required in track.required_sets:
        exercise_set = found.get(required.set_slug)
        if exercise_set is None:
            result.requirements.append(Requirement(required.set_slug, False,
                                                   "this exercise set is not available"))
            continue
        standing = standings[exercise_set.slug]
        score = standing.kept_score
        ok = score is not None and score + 1e-9 >= required.pass_mark
        shown = "not attempted" if score is None else f"{round(score * 100)}% kept"
        result.requirements.append(Requirement(
            exercise_set.title, ok, f"{shown}, {round(required.pass_mark * 100)}% needed",
            standing.kept.finished_at if ok else None, set_slug=exercise_set.slug))
    if track.evidence_workshops:
        done = live.facilitated_workshops(user_id, track.evidence_min_participants)
        ok = len(done) >= track.evidence_workshops
        nth = done[track.evidence_workshops - 1] if ok else None
        result.requirements.append(Requirement(
            "Live workshops facilitated",
            ok, f"{len(done)} of {track.evidence_workshops} run to a final OKR set with at "
                f"least {track.evidence_min_participants} participants",
            (nth.closed_at or nth.phase_changed_at) if nth else None))
    return result


SORTS = {"trainee": lambda r: r["user"].display_name.casefold(),
         "track": lambda r: (r["track"].level, r["user"].display_name.casefold()),
         "progress": lambda r: -r["progress"].percent,
         "eligible": lambda r: (r["progress"].eligible_since is None,
                                r["progress"].eligible_since or 0)}


def cohort(track_slug: str | None = None, status: str | None = None,
           sort: str = "track") -> list[dict]:
    """One row per enrolment: trainee, track, progress, eligible since, certificate."""
    from workshop.accounts.models import User

    tracks = {t.id: t for t in list_tracks()}
    query = select(Enrolment, User).join(User, User.id == Enrolment.user_id)
    rows = []
    for enrolment, user in db.session.execute(query).all():
        track = tracks.get(enrolment.track_id)
        if track is None or (track_slug and track.slug != track_slug):
            continue
        progress = track_progress(user.id, track)
        state = (progress.certificate.status if progress.certificate
                 else "eligible" if progress.is_eligible else "in progress")
        if status and state != status:
            continue
        rows.append({"user": user, "track": track, "progress": progress, "state": state})
    rows.sort(key=SORTS.get(sort, SORTS["track"]))
    return rows
