"""Results for coaches and admins: per trainee, per question, and as CSV.

Reads only, except that timed-out attempts are closed first so every report is current.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from workshop.accounts import services as accounts
from workshop.exercises.models import (
    IN_PROGRESS,
    Attempt,
    AttemptAnswer,
    ExerciseQuestion,
    ExerciseSet,
    QuestionVersion,
)
from workshop.exercises.services import close_expired, kept_attempt
from workshop.extensions import db

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TraineeRow:
    user_id: int
    name: str
    email: str
    exercise_set: ExerciseSet
    attempts: int
    kept: Attempt | None
    last_activity: datetime


@dataclass(frozen=True)
class QuestionRow:
    position: int
    slug: str
    title: str
    answered: int
    right: int
    average: float

    @property
    def missed(self) -> int:
        return self.answered - self.right

    @property
    def miss_rate(self) -> float:
        return self.missed / self.answered if self.answered else 0.0


def trainee_results(*, set_id: int | None = None, user_id: int | None = None,
                    now: datetime | None = None) -> list[TraineeRow]:
    """One row per trainee and set they attempted, sorted by name then set."""
    close_expired(set_id=set_id, user_id=user_id, now=now)
    query = select(Attempt).join(ExerciseSet)
    if set_id is not None:
        query = query.where(Attempt.set_id == set_id)
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    groups: dict[tuple[int, int], list[Attempt]] = {}
    for attempt in db.session.scalars(query.order_by(Attempt.id)):
        groups.setdefault((attempt.user_id, attempt.set_id), []).append(attempt)
    users = {u.id: u for u in accounts.list_users()}
    rows = []
    for (uid, _), attempts in groups.items():
        user = users[uid]
        exercise_set = attempts[0].exercise_set
        rows.append(TraineeRow(
            uid, user.display_name, user.email, exercise_set, len(attempts),
            kept_attempt(attempts, exercise_set.grade_kept),
            max(a.finished_at or a.started_at for a in attempts)))
    return sorted(rows, key=lambda r: (r.name.casefold(), r.user_id, r.exercise_set.position,
                                       r.exercise_set.slug))


def question_stats(exercise_set: ExerciseSet, *, now: datetime | None = None) -> list[QuestionRow]:
    """Per question of a set: graded answers, fully right ones, average; most missed first."""
    close_expired(set_id=exercise_set.id, now=now)
    graded = (
        select(AttemptAnswer.question_id,
               func.count(AttemptAnswer.id).label("answered"),
               func.sum(case((AttemptAnswer.score >= 1.0, 1), else_=0)).label("right"),
               func.avg(AttemptAnswer.score).label("average"))
        .join(Attempt)
        .where(Attempt.set_id == exercise_set.id, Attempt.status != IN_PROGRESS)
        .group_by(AttemptAnswer.question_id)
        .subquery())
    rows = db.session.execute(
        select(ExerciseQuestion.position, ExerciseQuestion.slug, QuestionVersion.title,
               graded.c.answered, graded.c.right, graded.c.average)
        .join(QuestionVersion, (QuestionVersion.question_id == ExerciseQuestion.id)
              & (QuestionVersion.content_hash == ExerciseQuestion.current_hash))
        .join(graded, graded.c.question_id == ExerciseQuestion.id)
        .order_by(ExerciseQuestion.position))
    result = [QuestionRow(position, slug, title, int(answered), int(right or 0),
                          float(average or 0.0))
              for position, slug, title, answered, right, average in rows]
    return sorted(result, key=lambda r: (-r.miss_rate, r.average, r.position))


def csv_cell(value) -> str | int | float:
    """A value safe to open in a spreadsheet: text that looks like a formula gets a '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: list[str], rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def trainee_csv(rows: list[TraineeRow]) -> str:
    return to_csv(
        ["trainee", "email", "set", "attempts", "kept_score", "passed", "last_activity"],
        ([r.name, r.email, r.exercise_set.slug, r.attempts,
          None if r.kept is None else round(r.kept.score, 4),
          None if r.kept is None else r.kept.is_passed,
          r.last_activity.isoformat(timespec="seconds")] for r in rows))


def question_csv(rows: list[QuestionRow]) -> str:
    return to_csv(
        ["position", "question", "title", "graded_answers", "fully_right", "missed",
         "average_score"],
        ([r.position, r.slug, r.title, r.answered, r.right, r.missed, round(r.average, 4)]
         for r in rows))
