"""Exercise sets, questions with their immutable content versions, attempts and answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.db import UTCDateTime, utcnow
from workshop.extensions import db

ORIGINS = ("bank", "gift")
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
EXPIRED = "expired"  # closed by the server after the time limit, graded with what was saved


class ExerciseSet(db.Model):
    """A set trainees attempt; `origin` says who owns it: the files (bank) or a GIFT import."""

    __tablename__ = "exercise_sets"
    __table_args__ = (
        CheckConstraint("origin IN ('bank', 'gift')", name="known_origin"),
        CheckConstraint("max_attempts >= 1", name="attempts_positive"),
        CheckConstraint("grade_kept IN ('highest', 'last')", name="known_grade_kept"),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 1", name="pass_mark_range"),
        CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes >= 1",
                        name="time_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    origin: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    grade_kept: Mapped[str] = mapped_column(String(10), default="highest")
    pass_mark: Mapped[float] = mapped_column(default=0.7)
    time_limit_minutes: Mapped[int | None]
    is_published: Mapped[bool] = mapped_column(default=True)
    is_retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions: Mapped[list[ExerciseQuestion]] = relationship(
        back_populates="exercise_set", order_by="ExerciseQuestion.position"
    )

    @property
    def is_open(self) -> bool:
        """Trainees may see it and start attempts."""
        return self.is_published and not self.is_retired


class ExerciseSetEvent(db.Model):
    """Who changed an exercise set from the admin pages or the command line, and how: imports,
    publishing and hiding, and edits of its details and rules (bank sets change through their
    files, whose history is the repository's)."""

    __tablename__ = "exercise_set_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("exercise_sets.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExerciseQuestion(db.Model):
    """A question by stable slug; the version with `current_hash` is what new attempts get."""

    __tablename__ = "exercise_questions"
    __table_args__ = (Index("ix_exercise_questions_set_position", "set_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("exercise_sets.id"))
    position: Mapped[int] = mapped_column(default=0)
    current_hash: Mapped[str] = mapped_column(String(64))
    is_retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exercise_set: Mapped[ExerciseSet] = relationship(back_populates="questions")


class QuestionVersion(db.Model):
    """One exact content of a question, never changed once written: attempts point here."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("exercise_questions.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    grading_version: Mapped[str] = mapped_column(String(16))  # Question.version
    qtype: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attempt(db.Model):
    """One try at a set. The seed fixes the option order; the deadline is fixed at the start."""

    __tablename__ = "exercise_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "set_id", "number"),
        # At most one open attempt per trainee and set, even for racing "start" clicks.
        Index("uq_exercise_attempts_one_open", "user_id", "set_id", unique=True,
              sqlite_where=text("status = 'in_progress'"),
              postgresql_where=text("status = 'in_progress'")),
        CheckConstraint("status IN ('in_progress', 'submitted', 'expired')", name="known_status"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_range"),
        Index("ix_exercise_attempts_set_status", "set_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    set_id: Mapped[int] = mapped_column(ForeignKey("exercise_sets.id"))
    number: Mapped[int]
    seed: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None]
    pass_mark: Mapped[float]  # the set's pass mark when the attempt started
    is_passed: Mapped[bool | None]

    exercise_set: Mapped[ExerciseSet] = relationship()
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        return self.status == IN_PROGRESS


class AttemptAnswer(db.Model):
    """The answer to one question of an attempt, pinned to the version it was shown and graded."""

    __tablename__ = "attempt_answers"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "question_id"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("exercise_attempts.id", ondelete="CASCADE")
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("exercise_questions.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    position: Mapped[int]
    response: Mapped[dict | None] = mapped_column(JSON)  # {"value": <answer>} or NULL
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None]
    is_correct: Mapped[bool | None]
    needs_review: Mapped[bool] = mapped_column(default=False)
    feedback: Mapped[list | None] = mapped_column(JSON)  # [[part, message, is_correct], ...]

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    version: Mapped[QuestionVersion] = relationship()
