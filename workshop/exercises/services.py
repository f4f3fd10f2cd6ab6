"""Every change to attempts: start, autosave, submit, and closing attempts past their time.

Times come from ``utcnow()`` in this module (tests replace it with a controllable clock).
An open attempt whose deadline plus ``GRACE`` has passed is finalised with the answers saved
so far by whichever call touches it next (the trainee, a coach's report, the history page).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from workshop.db import utcnow
from workshop.errors import NotFound
from workshop.exercises.answers import check_answer
from workshop.exercises.errors import (
    AttemptClosed,
    InvalidAnswers,
    NoAttemptsLeft,
    SetNotOpen,
)
from workshop.exercises.grading import InvalidAnswer, grade
from workshop.exercises.models import (
    EXPIRED,
    IN_PROGRESS,
    SUBMITTED,
    Attempt,
    AttemptAnswer,
    ExerciseQuestion,
    ExerciseSet,
    QuestionVersion,
)
from workshop.exercises.snapshot import question_from_data
from workshop.extensions import db

logger = logging.getLogger(__name__)

# A submission this late after the deadline still counts (slow networks, a last click).
GRACE = timedelta(seconds=30)
GRADED, ALREADY_GRADED, TOO_LATE = "graded", "already_graded", "too_late"
TIME_UP = "The time is up: the attempt was graded with the answers saved before the deadline."


def _now(now: datetime | None) -> datetime:
    return now or utcnow()


def list_open_sets() -> list[ExerciseSet]:
    return list(db.session.scalars(
        select(ExerciseSet)
        .where(ExerciseSet.is_published.is_(True), ExerciseSet.is_retired.is_(False))
        .order_by(ExerciseSet.position, ExerciseSet.slug)))


def get_open_set(slug: str) -> ExerciseSet:
    """A set trainees may see. Raises NotFound for unknown, hidden or retired sets."""
    found = db.session.scalar(select(ExerciseSet).where(ExerciseSet.slug == slug))
    if found is None or not found.is_open:
        raise NotFound("No such exercise set.")
    return found


def count_questions(set_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(ExerciseQuestion.set_id, func.count(ExerciseQuestion.id))
        .where(ExerciseQuestion.set_id.in_(set_ids), ExerciseQuestion.is_retired.is_(False))
        .group_by(ExerciseQuestion.set_id))
    return dict(rows.all())


def close_expired(*, user_id: int | None = None, set_id: int | None = None,
                  now: datetime | None = None) -> int:
    """Finalise open attempts past deadline + grace with what was saved; return how many."""
    limit = _now(now) - GRACE
    query = select(Attempt).where(Attempt.status == IN_PROGRESS, Attempt.deadline_at < limit)
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    if set_id is not None:
        query = query.where(Attempt.set_id == set_id)
    closed = 0
    for attempt in list(db.session.scalars(query)):
        closed += _finalise(attempt, EXPIRED, attempt.deadline_at, {})
    return closed


def user_attempts(user_id: int, *, set_id: int | None = None,
                  now: datetime | None = None) -> list[Attempt]:
    """A trainee's attempts, newest first, after closing any that ran out of time."""
    close_expired(user_id=user_id, set_id=set_id, now=now)
    query = select(Attempt).where(Attempt.user_id == user_id)
    if set_id is not None:
        query = query.where(Attempt.set_id == set_id)
    return list(db.session.scalars(query.order_by(Attempt.started_at.desc(), Attempt.id.desc())))


def kept_attempt(attempts: list[Attempt], grade_kept: str) -> Attempt | None:
    """The graded attempt whose score counts for a set: the highest or the last one."""
    graded = [a for a in attempts if a.score is not None]
    if not graded:
        return None
    if grade_kept == "last":
        return max(graded, key=lambda a: (a.finished_at, a.id))
    return max(graded, key=lambda a: (a.score, a.finished_at, a.id))


@dataclass(frozen=True)
class SetProgress:
    """A trainee's standing in one set, for listings."""

    exercise_set: ExerciseSet
    question_count: int
    attempts_used: int
    open_attempt: Attempt | None
    kept: Attempt | None

    @property
    def kept_score(self) -> float | None:
        return None if self.kept is None else self.kept.score

    @property
    def is_passed(self) -> bool:
        return bool(self.kept is not None and self.kept.is_passed)

    @property
    def attempts_left(self) -> int:
        return max(0, self.exercise_set.max_attempts - self.attempts_used)


def progress(user_id: int, sets: list[ExerciseSet], *,
             now: datetime | None = None) -> list[SetProgress]:
    """The trainee's progress in each of ``sets`` (closing timed-out attempts first)."""
    attempts = user_attempts(user_id, now=now)
    counts = count_questions([s.id for s in sets])
    result = []
    for exercise_set in sets:
        mine = [a for a in attempts if a.set_id == exercise_set.id]
        result.append(SetProgress(
            exercise_set, counts.get(exercise_set.id, 0), len(mine),
            next((a for a in mine if a.is_open), None),
            kept_attempt(mine, exercise_set.grade_kept)))
    return result


def start_attempt(user_id: int, exercise_set: ExerciseSet, *,
                  now: datetime | None = None) -> Attempt:
    """Open a new attempt with a fresh seed, or return the one already open.

    Raises SetNotOpen for a hidden or empty set, NoAttemptsLeft when all are used.
    """
    now = _now(now)
    if not exercise_set.is_open:
        raise SetNotOpen("This exercise set is not open.")
    attempts = user_attempts(user_id, set_id=exercise_set.id, now=now)
    open_attempt = next((a for a in attempts if a.is_open), None)
    if open_attempt is not None:
        return open_attempt
    if len(attempts) >= exercise_set.max_attempts:
        raise NoAttemptsLeft(f"You have used all {exercise_set.max_attempts} attempts "
                             "at this set.")
    versions = db.session.execute(
        select(ExerciseQuestion.id, QuestionVersion.id)
        .join(QuestionVersion, (QuestionVersion.question_id == ExerciseQuestion.id)
              & (QuestionVersion.content_hash == ExerciseQuestion.current_hash))
        .where(ExerciseQuestion.set_id == exercise_set.id, ExerciseQuestion.is_retired.is_(False))
        .order_by(ExerciseQuestion.position, ExerciseQuestion.id)).all()
    if not versions:
        raise SetNotOpen("This exercise set has no questions yet.")
    limit = exercise_set.time_limit_minutes
    attempt = Attempt(
        user_id=user_id, set_id=exercise_set.id, number=len(attempts) + 1,
        seed=secrets.randbelow(2**31), status=IN_PROGRESS, started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
        pass_mark=exercise_set.pass_mark,
        answers=[AttemptAnswer(question_id=qid, version_id=vid, position=i)
                 for i, (qid, vid) in enumerate(versions, start=1)])
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another request (a double click) opened it first: use that one.
        found = db.session.scalar(select(Attempt).where(
            Attempt.user_id == user_id, Attempt.set_id == exercise_set.id,
            Attempt.status == IN_PROGRESS))
        if found is None:
            raise NoAttemptsLeft("Another attempt was started at the same moment; reload the "
                                 "page to see it.") from None
        return found
    logger.info("user %s started attempt %s at set %s", user_id, attempt.id, exercise_set.slug)
    return attempt


def get_attempt(attempt_id: int, *, viewer_id: int, is_staff: bool = False,
                now: datetime | None = None) -> Attempt:
    """An attempt its owner (or a coach/admin) may see, closed first if its time ran out.

    Raises NotFound for unknown attempts and other trainees' attempts alike.
    """
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or (attempt.user_id != viewer_id and not is_staff):
        raise NotFound("No such attempt.")
    if attempt.is_open and _is_past_grace(attempt, _now(now)):
        _finalise(attempt, EXPIRED, attempt.deadline_at, {})
    return attempt


def attempt_questions(attempt: Attempt) -> dict[int, Any]:
    """The pure questions of an attempt by position, exactly as shown and graded."""
    return {a.position: question_from_data(a.version.data) for a in attempt.answers}


def is_time_up(attempt: Attempt, *, now: datetime | None = None) -> bool:
    """True once an attempt's deadline plus the grace period has passed."""
    return _is_past_grace(attempt, _now(now))


def _is_past_grace(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def _validate(attempt: Attempt, answers: dict[int, Any]) -> None:
    questions = attempt_questions(attempt)
    errors = {}
    for position, answer in answers.items():
        if position not in questions:
            errors[position] = "This question is not part of the attempt."
            continue
        try:
            check_answer(questions[position], answer)
        except InvalidAnswer as exc:
            errors[position] = str(exc)
    if errors:
        raise InvalidAnswers(errors)


def _store(attempt: Attempt, answers: dict[int, Any], now: datetime) -> None:
    for row in attempt.answers:
        if row.position in answers:
            value = answers[row.position]
            row.response = None if value is None else {"value": value}
            row.saved_at = now


def save_answers(attempt: Attempt, answers: dict[int, Any], *,
                 now: datetime | None = None) -> bool:
    """Save answers to an open attempt without grading; return False if time had run out.

    When the time is up the attempt is finalised with what was saved before (the caller
    commits that) and these answers are dropped. Raises AttemptClosed for a finished attempt,
    InvalidAnswers (saving nothing) when any answer is malformed.
    """
    now = _now(now)
    if attempt.status == EXPIRED:
        raise AttemptClosed(TIME_UP)
    if not attempt.is_open:
        raise AttemptClosed("This attempt is already submitted.")
    if _is_past_grace(attempt, now):
        _finalise(attempt, EXPIRED, attempt.deadline_at, {})
        return False
    _validate(attempt, answers)
    _store(attempt, answers, now)
    db.session.flush()
    return True


def submit_attempt(attempt: Attempt, answers: dict[int, Any], *,
                   now: datetime | None = None) -> str:
    """Save the last answers and grade the attempt, once.

    Returns GRADED, ALREADY_GRADED (a second tab or a retried request: nothing changes) or
    TOO_LATE (past deadline + grace: graded with what was saved before, these answers are
    dropped). Raises InvalidAnswers (writing nothing) when any answer is malformed.
    """
    now = _now(now)
    if not attempt.is_open:
        return ALREADY_GRADED
    if _is_past_grace(attempt, now):
        return TOO_LATE if _finalise(attempt, EXPIRED, attempt.deadline_at, {}) else (
            ALREADY_GRADED)
    _validate(attempt, answers)
    return GRADED if _finalise(attempt, SUBMITTED, now, answers) else ALREADY_GRADED


def _finalise(attempt: Attempt, status: str, finished_at: datetime,
              answers: dict[int, Any]) -> int:
    # The conditional UPDATE is the guard: of two racing submits only one sees the attempt
    # still open (PostgreSQL re-checks the row after the first commits; SQLite serialises).
    claimed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.status == IN_PROGRESS)
        .values(status=status, finished_at=finished_at)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db.session.refresh(attempt)
        return 0
    attempt.status, attempt.finished_at = status, finished_at
    _store(attempt, answers, finished_at)
    total = 0.0
    for row in attempt.answers:
        question = question_from_data(row.version.data)
        value = None if row.response is None else row.response.get("value")
        try:
            result = grade(question, value)
        except InvalidAnswer:
            result = grade(question, None)  # saved under an older rule; never crash a grade
        row.score, row.is_correct, row.needs_review = (
            result.score, result.is_correct, result.needs_review)
        row.feedback = [[p.part, p.message, p.is_correct] for p in result.feedback]
        total += result.score
    attempt.score = round(total / len(attempt.answers), 6) if attempt.answers else 0.0
    attempt.is_passed = attempt.score + 1e-9 >= attempt.pass_mark
    db.session.flush()
    logger.info("attempt %s of user %s %s: score %.3f", attempt.id, attempt.user_id, status,
                attempt.score)
    return 1
