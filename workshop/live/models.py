"""Live workshops: the workshop, its participants, proposals and the dots cast on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.db import UTCDateTime, utcnow
from workshop.extensions import db
from workshop.live import phases


class Workshop(db.Model):
    __tablename__ = "workshops"
    __table_args__ = (
        # A join code is unique among open workshops; closed ones may share old codes.
        Index("uq_workshops_open_join_code", "join_code", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
        CheckConstraint("votes_per_participant BETWEEN 1 AND 20", name="budget_range"),
        CheckConstraint("max_votes_per_item BETWEEN 1 AND votes_per_participant",
                        name="cap_range"),
        CheckConstraint("objectives_to_keep BETWEEN 1 AND 3", name="objectives_range"),
        CheckConstraint("key_results_to_keep BETWEEN 2 AND 4", name="key_results_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    team_name: Mapped[str] = mapped_column(String(120))
    cycle_label: Mapped[str] = mapped_column(String(40))
    join_code: Mapped[str] = mapped_column(String(8))
    phase: Mapped[str] = mapped_column(String(30), default=phases.LOBBY)
    votes_per_participant: Mapped[int] = mapped_column(default=3)
    max_votes_per_item: Mapped[int] = mapped_column(default=3)
    objectives_to_keep: Mapped[int] = mapped_column(default=3)
    key_results_to_keep: Mapped[int] = mapped_column(default=3)
    is_results_revealed: Mapped[bool] = mapped_column(default=False)
    is_hiding_results: Mapped[bool] = mapped_column(default=True)
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    final_okr_set: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    phase_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan", order_by="Participant.id"
    )

    @property
    def is_closed(self) -> bool:
        return self.phase == phases.CLOSED

    @property
    def results_visible_to_participants(self) -> bool:
        return self.is_results_revealed or not self.is_hiding_results


class Participant(db.Model):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("workshop_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    display_name: Mapped[str | None] = mapped_column(String(40))
    name_key: Mapped[str | None] = mapped_column(String(40))  # case-folded, for uniqueness
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="participants")


class Proposal(db.Model):
    """An objective or key result put forward; key results hang off a kept objective."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("round IN ('objective', 'key_result')", name="known_round"),
        UniqueConstraint("author_id", "client_id"),
        Index("ix_proposals_workshop_round", "workshop_id", "round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    round: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    client_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(200))
    is_hidden: Mapped[bool] = mapped_column(default=False)
    is_kept: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_live(self) -> bool:
        return not self.is_hidden and self.merged_into_id is None


class Vote(db.Model):
    """One dot. The unique slots make over-spending impossible even for racing requests:

    ``budget_slot`` numbers a participant's dots in a round (1..budget) and ``item_slot`` their
    dots on one proposal (1..cap); two writers picking the same free slot collide on the
    constraint instead of both succeeding.
    """

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("participant_id", "round", "budget_slot"),
        UniqueConstraint("participant_id", "proposal_id", "item_slot"),
        CheckConstraint("budget_slot >= 1 AND item_slot >= 1", name="slots_positive"),
        Index("ix_votes_workshop_round_proposal", "workshop_id", "round", "proposal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE")
    )
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    round: Mapped[str] = mapped_column(String(20))
    budget_slot: Mapped[int]
    item_slot: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoteOperation(db.Model):
    """Client-generated ids of vote operations: a retried operation applies once, and one
    that was refused (no budget, cap reached, nothing to take back) stays refused."""

    __tablename__ = "vote_operations"
    __table_args__ = (UniqueConstraint("participant_id", "op_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE")
    )
    op_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))
    refusal_code: Mapped[str | None] = mapped_column(String(40))  # None: applied
    refusal_message: Mapped[str | None] = mapped_column(String(300))
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
