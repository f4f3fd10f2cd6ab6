"""Every change to exercise content in the database: bank sync, GIFT import, publishing.

Questions are kept by stable slug. Each distinct content of a question is a `QuestionVersion`
row that is never changed once written; attempts point at the version they showed and graded,
so editing a file or re-importing never alters a submitted attempt.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from workshop.accounts.models import User
from workshop.db import utcnow
from workshop.errors import NotFound
from workshop.exercises import model
from workshop.exercises.content import BankError, load_bank
from workshop.exercises.errors import ImportProblems, InvalidInput, SlugTaken
from workshop.exercises.gift import GiftError, parse_gift_located
from workshop.exercises.models import (
    ExerciseQuestion,
    ExerciseSet,
    ExerciseSetEvent,
    QuestionVersion,
)
from workshop.exercises.snapshot import content_hash, question_from_data, question_to_data
from workshop.extensions import db

logger = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 100
MAX_GIFT_BYTES = 1024 * 1024
IMPORTED_RULES = model.AttemptRules(max_attempts=3, grade_kept="highest", pass_mark=0.7)


@dataclass
class SyncReport:
    """What a sync or import changed, as human-readable entries like ``set okr-foundations``."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired)


def count_sets() -> int:
    return db.session.scalar(select(func.count(ExerciseSet.id))) or 0


def get_set(slug: str) -> ExerciseSet:
    """Any set by slug, retired or not. Raises NotFound."""
    found = db.session.scalar(select(ExerciseSet).where(ExerciseSet.slug == slug))
    if found is None:
        raise NotFound("No such exercise set.")
    return found


def list_all_sets() -> list[ExerciseSet]:
    return list(db.session.scalars(
        select(ExerciseSet).order_by(ExerciseSet.is_retired, ExerciseSet.position,
                                     ExerciseSet.slug)))


def current_questions(exercise_set: ExerciseSet) -> list[model.Question]:
    """The set's live questions in order, as pure `Question`s (their current versions)."""
    rows = db.session.execute(
        select(QuestionVersion.data)
        .join(ExerciseQuestion, (QuestionVersion.question_id == ExerciseQuestion.id)
              & (QuestionVersion.content_hash == ExerciseQuestion.current_hash))
        .where(ExerciseQuestion.set_id == exercise_set.id, ExerciseQuestion.is_retired.is_(False))
        .order_by(ExerciseQuestion.position, ExerciseQuestion.id)
    )
    return [question_from_data(data) for (data,) in rows]


def _apply_set(row: ExerciseSet, *, title: str, description: str, topic: str, position: int,
               rules: model.AttemptRules) -> bool:
    values = {"title": title, "description": description, "topic": topic, "position": position,
              "max_attempts": rules.max_attempts, "grade_kept": rules.grade_kept,
              "pass_mark": rules.pass_mark, "time_limit_minutes": rules.time_limit_minutes,
              "is_retired": False}
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.updated_at = utcnow()
    return changed


def _upsert_question(exercise_set: ExerciseSet, question: model.Question, position: int,
                     existing: ExerciseQuestion | None) -> str | None:
    """Store a question's content; return "added", "updated" or None when nothing changed."""
    data = question_to_data(question)
    digest = content_hash(data)
    if existing is None:
        existing = ExerciseQuestion(slug=question.slug, exercise_set=exercise_set,
                                    position=position, current_hash=digest)
        db.session.add(existing)
        db.session.flush()
        outcome = "added"
    elif (existing.set_id, existing.position, existing.current_hash, existing.is_retired) == (
            exercise_set.id, position, digest, False):
        return None
    else:
        existing.exercise_set = exercise_set
        existing.position = position
        existing.current_hash = digest
        existing.is_retired = False
        existing.updated_at = utcnow()
        outcome = "updated"
    known = db.session.scalar(select(QuestionVersion.id).where(
        QuestionVersion.question_id == existing.id, QuestionVersion.content_hash == digest))
    if known is None:
        db.session.add(QuestionVersion(
            question_id=existing.id, content_hash=digest, grading_version=question.version,
            qtype=question.type, title=(question.title or question.slug)[:300], data=data))
    db.session.flush()
    return outcome


def sync_bank(bank: model.Bank) -> SyncReport:
    """Make the database match the bank files: add, update and retire by slug (idempotent).

    Raises SlugTaken when a bank slug belongs to a set or question imported from GIFT.
    """
    report = SyncReport()
    sets = {s.slug: s for s in db.session.scalars(select(ExerciseSet))}
    questions = {q.slug: q for q in db.session.scalars(select(ExerciseQuestion))}
    for exercise_set in bank.sets:
        row = sets.get(exercise_set.slug)
        if row is not None and row.origin != "bank":
            raise SlugTaken(f"The set slug {exercise_set.slug!r} belongs to a GIFT import.")
        if row is None:
            row = ExerciseSet(slug=exercise_set.slug, origin="bank", is_published=True)
            db.session.add(row)
            _apply_set(row, title=exercise_set.title, description=exercise_set.description,
                       topic=exercise_set.topic, position=exercise_set.order,
                       rules=exercise_set.rules)
            db.session.flush()
            report.added.append(f"set {exercise_set.slug}")
        elif _apply_set(row, title=exercise_set.title, description=exercise_set.description,
                        topic=exercise_set.topic, position=exercise_set.order,
                        rules=exercise_set.rules):
            report.updated.append(f"set {exercise_set.slug}")
        else:
            report.unchanged += 1
        for position, question in enumerate(exercise_set.questions, start=1):
            existing = questions.get(question.slug)
            if existing is not None and existing.exercise_set.origin != "bank":
                raise SlugTaken(f"The question slug {question.slug!r} belongs to a GIFT import.")
            outcome = _upsert_question(row, question, position, existing)
            if outcome == "added":
                report.added.append(f"question {question.slug}")
            elif outcome == "updated":
                report.updated.append(f"question {question.slug}")
            else:
                report.unchanged += 1
    in_bank = {s.slug for s in bank.sets}
    for row in sets.values():
        if row.origin == "bank" and row.slug not in in_bank and not row.is_retired:
            row.is_retired = True
            report.retired.append(f"set {row.slug}")
    kept = {q.slug for q in bank.questions}
    for row in questions.values():
        if (row.exercise_set.origin == "bank" and row.slug not in kept
                and not row.is_retired):
            row.is_retired = True
            report.retired.append(f"question {row.slug}")
    db.session.flush()
    logger.info("bank synced: %d added, %d updated, %d retired", len(report.added),
                len(report.updated), len(report.retired))
    return report


def sync_bank_if_empty(path: str | Path) -> SyncReport | None:
    """Sync the bank under ``path`` when the database has no exercise set yet (first run).

    An invalid or missing bank is logged and skipped: the app still serves everything else.
    """
    if count_sets():
        return None
    try:
        bank = load_bank(path)
    except BankError as exc:
        logger.error("exercise bank at %s not loaded:\n%s", path, exc)
        return None
    report = sync_bank(bank)
    logger.info("first run: loaded %d exercise sets from %s", len(bank.sets), path)
    return report


def slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:MAX_SLUG].strip("-")


def import_gift(text: str, *, set_slug: str | None = None, category: str | None = None,
                title: str | None = None, topic: str | None = None,
                actor_id: int | None = None) -> tuple[ExerciseSet, SyncReport]:
    """Import a whole GIFT file into an exercise set, or nothing at all.

    The set is ``set_slug`` (created as an unpublished draft when new) or, without it, the
    slug of ``category`` or of the file's first ``$CATEGORY``. Questions already in the set
    (same slug) are updated; new ones are appended. Raises ImportProblems listing every
    problem with its line, InvalidInput for a bad set slug, SlugTaken for a bank set.
    """
    if len(text.encode("utf-8")) > MAX_GIFT_BYTES:
        raise ImportProblems([(0, "the file is larger than 1 MB")])
    try:
        located = parse_gift_located(text)
    except GiftError as exc:
        raise ImportProblems([(p.line, p.message) for p in exc.problems]) from None
    if not located:
        raise ImportProblems([(0, "the file holds no questions")])
    category = (category or "").strip()
    first_category = next((q.category for _, q in located if q.category), "")
    if set_slug:
        set_slug = set_slug.strip()
        if not SLUG_RE.match(set_slug) or len(set_slug) > MAX_SLUG:
            raise InvalidInput("A set slug is lower-case words joined by dashes, "
                               "like okr-basics.", field="set_slug")
    else:
        source = category or first_category.rsplit("/", 1)[-1]
        set_slug = slugify(source)
        if not set_slug:
            raise InvalidInput("Name the exercise set to import into (a slug like okr-basics); "
                               "the file has no $CATEGORY to name it after.", field="set_slug")
    row = db.session.scalar(select(ExerciseSet).where(ExerciseSet.slug == set_slug))
    if row is not None and row.origin == "bank":
        raise SlugTaken(f"The set {set_slug!r} comes from the exercise files; import into "
                        "another set.", field="set_slug")
    slugs = [q.slug for _, q in located]
    others = {q.slug: q for q in db.session.scalars(
        select(ExerciseQuestion).where(ExerciseQuestion.slug.in_(slugs)))}
    problems = []
    for line, question in located:
        if question.type == "essay":
            problems.append((line, "essay questions need a human reviewer and cannot be part "
                                   "of an auto-graded exercise set"))
        if len(question.slug) > MAX_SLUG:
            problems.append((line, f"the id is longer than {MAX_SLUG} characters"))
        other = others.get(question.slug)
        if other is not None and (row is None or other.set_id != row.id):
            problems.append((line, f"the id {question.slug!r} is already used by a question "
                                   f"in the set {other.exercise_set.slug!r}"))
    if problems:
        raise ImportProblems(problems)

    report = SyncReport()
    if row is None:
        name = title or category or first_category.rsplit("/", 1)[-1] or set_slug
        row = ExerciseSet(slug=set_slug, origin="gift", is_published=False)
        db.session.add(row)
        _apply_set(row, title=name[:200], description="Imported from a Moodle GIFT file.",
                   topic=(topic or "Imported questions")[:200], position=1000,
                   rules=IMPORTED_RULES)
        db.session.flush()
        report.added.append(f"set {set_slug}")
    last = db.session.scalar(select(func.max(ExerciseQuestion.position))
                             .where(ExerciseQuestion.set_id == row.id)) or 0
    for _, question in located:
        if category:
            question = dataclasses.replace(question, category=category)
        existing = others.get(question.slug)
        if existing is None:
            last += 1
        outcome = _upsert_question(row, question, existing.position if existing else last,
                                   existing)
        if outcome is None:
            report.unchanged += 1
        else:
            getattr(report, outcome).append(f"question {question.slug}")
    db.session.flush()
    questions_added = sum(entry.startswith("question ") for entry in report.added)
    _record(row, actor_id, "imported", f"GIFT: {questions_added} "
            f"question{'' if questions_added == 1 else 's'} added, "
            f"{len(report.updated)} updated, {report.unchanged} unchanged")
    logger.info("user %s imported GIFT into set %s: %d added, %d updated", actor_id, set_slug,
                len(report.added), len(report.updated))
    return row, report


def _record(exercise_set: ExerciseSet, actor_id: int | None, action: str, detail: str) -> None:
    """Add an entry to the set's history (shown on its edit page)."""
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    db.session.add(ExerciseSetEvent(
        set_id=exercise_set.id, actor_id=actor_id, action=action, detail=detail,
        actor_label=actor.display_name if actor is not None else "command line"))
    db.session.flush()


def set_history(exercise_set: ExerciseSet) -> list[ExerciseSetEvent]:
    """The set's history, newest first."""
    return list(db.session.scalars(
        select(ExerciseSetEvent).where(ExerciseSetEvent.set_id == exercise_set.id)
        .order_by(ExerciseSetEvent.created_at.desc(), ExerciseSetEvent.id.desc())))


def _shown_rules(exercise_set: ExerciseSet) -> dict[str, str]:
    limit = exercise_set.time_limit_minutes
    return {"title": exercise_set.title, "topic": exercise_set.topic,
            "attempts": str(exercise_set.max_attempts),
            "grade kept": exercise_set.grade_kept,
            "pass mark": f"{exercise_set.pass_mark * 100:g}%",
            "time limit": f"{limit} min" if limit else "none"}


def set_published(exercise_set: ExerciseSet, is_published: bool, *,
                  actor_id: int | None) -> None:
    """Show a set to trainees or hide it. Raises InvalidInput for a set without questions."""
    if is_published and not current_questions(exercise_set):
        raise InvalidInput("This set has no questions yet.")
    if exercise_set.is_published != is_published:
        _record(exercise_set, actor_id, "published" if is_published else "hidden", "")
    exercise_set.is_published = is_published
    exercise_set.updated_at = utcnow()
    db.session.flush()
    logger.info("user %s %s set %s", actor_id, "published" if is_published else "hid",
                exercise_set.slug)


MAX_DESCRIPTION = 5000
MAX_ATTEMPTS = 100
MAX_TIME_LIMIT_MINUTES = 600


def update_set(exercise_set: ExerciseSet, *, title: str, topic: str, description: str,
               rules: model.AttemptRules, actor_id: int) -> bool:
    """Change an imported set's title, topic, description and attempt rules; True if anything
    changed. Attempts already started keep the pass mark and deadline they started with.

    Raises InvalidInput for a set from the exercise files (its set.toml owns these, and the
    next sync would undo a change made here) or for a value out of range.
    """
    if exercise_set.origin == "bank":
        raise InvalidInput(f"This set comes from the exercise files: change "
                           f"exercises/{exercise_set.slug}/set.toml and run "
                           "`workshop exercises sync`.")
    title, topic, description = title.strip(), topic.strip(), description.strip()
    if not title or len(title) > 200:
        raise InvalidInput("Give the set a title of at most 200 characters.", field="title")
    if not topic or len(topic) > 200:
        raise InvalidInput("Give the set a topic of at most 200 characters: sets are grouped "
                           "by topic.", field="topic")
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"The description is longer than {MAX_DESCRIPTION:,} characters.",
                           field="description")
    if not 1 <= rules.max_attempts <= MAX_ATTEMPTS:
        raise InvalidInput(f"Allow between 1 and {MAX_ATTEMPTS} attempts.",
                           field="max_attempts")
    if rules.grade_kept not in model.GRADE_KEPT:
        raise InvalidInput("Keep the highest or the last attempt.", field="grade_kept")
    if not 0 <= rules.pass_mark <= 1:
        raise InvalidInput("The pass mark is between 0 and 100.", field="pass_mark")
    limit = rules.time_limit_minutes
    if limit is not None and not 1 <= limit <= MAX_TIME_LIMIT_MINUTES:
        raise InvalidInput(f"A time limit is between 1 and {MAX_TIME_LIMIT_MINUTES} minutes; "
                           "leave it empty for none.", field="time_limit_minutes")
    before = _shown_rules(exercise_set)
    old_description = exercise_set.description
    changed = _apply_set(exercise_set, title=title, description=description, topic=topic,
                         position=exercise_set.position, rules=rules)
    db.session.flush()
    if changed:
        after = _shown_rules(exercise_set)
        detail = [f"{key}: {before[key]} → {after[key]}" for key in before
                  if before[key] != after[key]]
        if exercise_set.description != old_description:
            detail.append("description changed")
        _record(exercise_set, actor_id, "edited", "; ".join(detail))
        logger.info("user %s changed set %s: %s attempts, keep %s, pass %.0f%%, limit %s",
                    actor_id, exercise_set.slug, rules.max_attempts, rules.grade_kept,
                    rules.pass_mark * 100, limit or "none")
    return changed


def questions_for_export(set_slug: str | None = None) -> list[model.Question]:
    """Current questions of one set, or of every set that is not retired. Raises NotFound."""
    sets = [get_set(set_slug)] if set_slug else [s for s in list_all_sets() if not s.is_retired]
    return [q for s in sets for q in current_questions(s)]
