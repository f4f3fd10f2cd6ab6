"""Tracks, enrolments, certificates and their audit trail."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.db import UTCDateTime, utcnow
from workshop.extensions import db


class Track(db.Model):
    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    level: Mapped[int]
    description: Mapped[str] = mapped_column(Text, default="")
    prerequisite_slug: Mapped[str | None] = mapped_column(String(80))
    evidence_workshops: Mapped[int] = mapped_column(default=0)
    evidence_min_participants: Mapped[int] = mapped_column(default=0)
    is_retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    required_sets: Mapped[list[TrackSet]] = relationship(
        back_populates="track", cascade="all, delete-orphan", lazy="selectin",
        order_by="TrackSet.id")


class TrackSet(db.Model):
    __tablename__ = "track_sets"
    __table_args__ = (UniqueConstraint("track_id", "set_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    set_slug: Mapped[str] = mapped_column(String(80))
    pass_mark: Mapped[float]

    track: Mapped[Track] = relationship(back_populates="required_sets")


class Enrolment(db.Model):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "track_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Certificate(db.Model):
    """Frozen at issue: the printed name, track title, issuer and the exact PDF bytes."""

    __tablename__ = "certificates"
    __table_args__ = (
        # One current certificate per person and track; a reissue supersedes the old one.
        Index("uq_certificates_current", "user_id", "track_id", unique=True,
              sqlite_where=text("superseded_at IS NULL"),
              postgresql_where=text("superseded_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id"))
    holder_name: Mapped[str] = mapped_column(String(120))
    track_title: Mapped[str] = mapped_column(String(120))
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issuer_name: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verification_code: Mapped[str] = mapped_column(String(40), unique=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    override_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded_at is not None:
            return "superseded"
        return "valid"


class CertificateEvent(db.Model):
    """Audit log: every issue, override, revoke and reissue with who did it."""

    __tablename__ = "certificate_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
