"""Exercise content as plain frozen data: questions, exercise sets and the bank.

Shared by the TOML loader (`content.py`), the GIFT importer/exporter (`gift.py`) and the
graders (`grading.py`). Nothing here reads files or imports Flask or the database.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "matching",
    "ordering",
    "numerical",
    "short_answer",
    "free_text",
    "essay",
)
# Essays need a human reviewer: they never count towards an automatically graded score.
AUTO_GRADED_TYPES = tuple(t for t in QUESTION_TYPES if t != "essay")
TEXT_FORMATS = ("markdown", "html", "plain", "moodle")
RUBRIC_KINDS = ("key_result", "objective")
GRADE_KEPT = ("highest", "last")
BLANK = "_____"
# Moodle stores percentages with five decimals (33.33333%); weights keep seven as fractions.
WEIGHT_DECIMALS = 7
_EPSILON = 1e-4


@dataclass(frozen=True)
class Option:
    """One choice (single/multiple choice, true/false), step (ordering) or matching target."""

    id: str
    text: str
    weight: float = 0.0
    feedback: str = ""


@dataclass(frozen=True)
class MatchPair:
    """A statement to be matched; `answer` is the id of the right entry in `Question.choices`."""

    id: str
    prompt: str
    answer: str
    feedback: str = ""


@dataclass(frozen=True)
class NumericAnswer:
    """An accepted number: any response within `value ± tolerance` earns `weight`."""

    value: float
    tolerance: float = 0.0
    weight: float = 1.0
    feedback: str = ""


@dataclass(frozen=True)
class AcceptedAnswer:
    """An accepted short answer (after normalisation; `*` matches any run of characters)."""

    text: str
    weight: float = 1.0
    feedback: str = ""


@dataclass(frozen=True)
class Rubric:
    """How a free-text answer is judged by the OKR quality checker."""

    kind: str
    min_score: float = 0.7
    required: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    example: str = ""  # a model answer shown after submitting; not part of the version


@dataclass(frozen=True)
class Question:
    """One question of any type; the fields a type does not use stay empty."""

    slug: str
    type: str
    prompt: str
    title: str = ""
    text_format: str = "markdown"
    explanation: str = ""
    source: str = ""
    options: tuple[Option, ...] = ()
    choices: tuple[Option, ...] = ()
    pairs: tuple[MatchPair, ...] = ()
    numeric_answers: tuple[NumericAnswer, ...] = ()
    accepted_answers: tuple[AcceptedAnswer, ...] = ()
    case_sensitive: bool = False
    rubric: Rubric | None = None
    fallback_feedback: str = ""
    shuffle: bool = True
    blank_at: int | None = None
    category: str = ""
    tags: tuple[str, ...] = ()

    @property
    def version(self) -> str:
        """The content version that attempts record; see `content_version`."""
        return content_version(self)

    @property
    def is_auto_graded(self) -> bool:
        """True unless the question needs a human reviewer (essays)."""
        return self.type in AUTO_GRADED_TYPES


@dataclass(frozen=True)
class AttemptRules:
    """How often a set may be tried, which grade counts and what passes."""

    max_attempts: int
    grade_kept: str
    pass_mark: float
    time_limit_minutes: int | None = None


@dataclass(frozen=True)
class ExerciseSet:
    """A titled, ordered group of questions on one topic, with its attempt rules."""

    slug: str
    title: str
    description: str
    topic: str
    rules: AttemptRules
    questions: tuple[Question, ...]
    order: int = 0


@dataclass(frozen=True)
class Bank:
    """All exercise sets, looked up by stable slug."""

    sets: tuple[ExerciseSet, ...]
    _by_slug: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for exercise_set in self.sets:
            for question in exercise_set.questions:
                self._by_slug[question.slug] = question

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question of every set, in set order."""
        return tuple(q for s in self.sets for q in s.questions)

    def get_set(self, slug: str) -> ExerciseSet:
        """Return the exercise set with this slug; raises KeyError if there is none."""
        for exercise_set in self.sets:
            if exercise_set.slug == slug:
                return exercise_set
        raise KeyError(f"no exercise set {slug!r}")

    def get_question(self, slug: str) -> Question:
        """Return the question with this slug; raises KeyError if there is none."""
        try:
            return self._by_slug[slug]
        except KeyError:
            raise KeyError(f"no question {slug!r}") from None


def make_id(text: str) -> str:
    """Derive a stable, opaque id from a text (ids never reveal the right order or answer)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:8]


def round_weight(weight: float) -> float:
    """Normalise a weight so that percentages survive text round trips exactly."""
    return round(float(weight), WEIGHT_DECIMALS) + 0.0


def content_version(question: Question) -> str:
    """Hash everything that decides a grade; feedback, titles and sources do not count.

    Two questions with the same version grade every answer the same way, so an attempt that
    records the version can later tell whether the question changed under it.
    """
    rubric = question.rubric
    graded = {
        "type": question.type,
        "prompt": question.prompt,
        "format": question.text_format,
        "blank_at": question.blank_at,
        "options": [[o.id, o.text, o.weight] for o in question.options],
        "choices": [[c.id, c.text] for c in question.choices],
        "pairs": [[p.id, p.prompt, p.answer] for p in question.pairs],
        "numeric": [[n.value, n.tolerance, n.weight] for n in question.numeric_answers],
        "accepted": [[a.text, a.weight] for a in question.accepted_answers],
        "case_sensitive": question.case_sensitive,
        "rubric": None
        if rubric is None
        else [rubric.kind, rubric.min_score, sorted(rubric.required), sorted(rubric.forbidden)],
    }
    canonical = json.dumps(graded, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def presentation_order(question: Question, seed: int) -> tuple[str, ...]:
    """Return the ids to display, shuffled reproducibly for one attempt's integer seed.

    Choice types and ordering questions give option ids, matching questions give pair ids
    (their choices keep the authored order), true/false gives ("true", "false"); other types
    have nothing to order and give (). The same question and seed always give the same order,
    on any machine and Python version. Ordering questions are always shuffled and never shown
    already solved.
    """
    if question.type == "matching":
        ids = tuple(p.id for p in question.pairs)
    elif question.type in ("single_choice", "multiple_choice", "ordering", "true_false"):
        ids = tuple(o.id for o in question.options)
    else:
        return ()
    if question.type == "true_false" or (not question.shuffle and question.type != "ordering"):
        return ids

    def sort_key(option_id: str) -> str:
        key = f"{seed}\x1f{question.slug}\x1f{option_id}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    shuffled = tuple(sorted(ids, key=sort_key))
    if question.type == "ordering" and shuffled == ids and len(ids) > 1:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


@dataclass(frozen=True)
class Issue:
    """A content problem inside one question; `where` names the field (for line lookup)."""

    where: str
    message: str
    index: int | None = None


def check_question(question: Question) -> list[Issue]:
    """Return every rule a question breaks (empty when it is fine to grade)."""
    issues: list[Issue] = []
    if question.type not in QUESTION_TYPES:
        known = ", ".join(QUESTION_TYPES)
        return [Issue("type", f"unknown question type {question.type!r} (known: {known})")]
    if not question.prompt.strip():
        issues.append(Issue("prompt", "the question text is empty"))
    if question.text_format not in TEXT_FORMATS:
        issues.append(Issue("text_format", f"unknown text format {question.text_format!r}"))
    if question.blank_at is not None:
        at = question.blank_at
        if (
            question.prompt[at : at + len(BLANK)] != BLANK
            or not question.prompt[at + len(BLANK) :].strip()
        ):
            issues.append(Issue("prompt", "the missing-word blank must be followed by text"))
    issues.extend(_TYPE_CHECKS.get(question.type, _check_nothing)(question))
    return issues


def _check_nothing(question: Question) -> list[Issue]:
    return []


def _check_options(question: Question, minimum: int = 2) -> list[Issue]:
    issues = []
    if len(question.options) < minimum:
        issues.append(Issue("options", f"needs at least {minimum} options"))
    seen: set[str] = set()
    for i, option in enumerate(question.options):
        if not option.text.strip():
            issues.append(Issue("options", f"option {i + 1} has no text", i))
        if option.id in seen:
            issues.append(Issue("options", f"option {i + 1} repeats id {option.id!r}", i))
        seen.add(option.id)
        if not -1.0 <= option.weight <= 1.0 or math.isnan(option.weight):
            issues.append(Issue("options", f"option {i + 1} weight must be between -1 and 1", i))
    return issues


def _check_single(question: Question) -> list[Issue]:
    issues = _check_options(question)
    weights = [o.weight for o in question.options]
    if weights and max(weights) < 1.0:
        issues.append(Issue("options", "a single-choice question needs one fully correct option"))
    if weights and min(weights) >= 1.0:
        issues.append(Issue("options", "a single-choice question needs at least one wrong option"))
    return issues


def _check_multiple(question: Question) -> list[Issue]:
    issues = _check_options(question)
    positive = sum(o.weight for o in question.options if o.weight > 0)
    if question.options and abs(positive - 1.0) > _EPSILON:
        issues.append(
            Issue(
                "options",
                f"the positive weights add up to {positive:.0%}; they must add up to 100%",
            )
        )
    return issues


def _check_true_false(question: Question) -> list[Issue]:
    ids = [o.id for o in question.options]
    weights = sorted(o.weight for o in question.options)
    if ids != ["true", "false"] or weights != [0.0, 1.0]:
        return [Issue("answer", "a true/false question needs exactly one right answer")]
    return []


def _check_matching(question: Question) -> list[Issue]:
    issues = []
    if len(question.pairs) < 2:
        issues.append(Issue("pairs", "a matching question needs at least 2 pairs"))
    choice_ids = [c.id for c in question.choices]
    if len(set(choice_ids)) != len(choice_ids):
        issues.append(Issue("choices", "two choices have the same text"))
    if len(question.choices) < 2:
        issues.append(Issue("choices", "a matching question needs at least 2 choices"))
    seen: set[str] = set()
    for i, pair in enumerate(question.pairs):
        if not pair.prompt.strip():
            issues.append(Issue("pairs", f"pair {i + 1} has no statement", i))
        if pair.id in seen:
            issues.append(Issue("pairs", f"pair {i + 1} repeats statement {pair.prompt!r}", i))
        seen.add(pair.id)
        if pair.answer not in choice_ids:
            issues.append(Issue("pairs", f"pair {i + 1} points to a choice that does not exist", i))
    return issues


def _check_numerical(question: Question) -> list[Issue]:
    issues = []
    if not question.numeric_answers:
        issues.append(Issue("answers", "a numerical question needs at least one answer"))
    for i, answer in enumerate(question.numeric_answers):
        if not (math.isfinite(answer.value) and math.isfinite(answer.tolerance)):
            issues.append(Issue("answers", f"answer {i + 1} is not a finite number", i))
        if answer.tolerance < 0:
            issues.append(Issue("answers", f"answer {i + 1} has a negative tolerance", i))
        if not 0.0 <= answer.weight <= 1.0:
            issues.append(Issue("answers", f"answer {i + 1} weight must be between 0 and 1", i))
    if question.numeric_answers and max(a.weight for a in question.numeric_answers) < 1.0:
        issues.append(Issue("answers", "one answer must be worth full marks (weight 1)"))
    return issues


def _check_short(question: Question) -> list[Issue]:
    issues = []
    if not question.accepted_answers:
        issues.append(Issue("answers", "a short-answer question needs at least one answer"))
    for i, answer in enumerate(question.accepted_answers):
        if not answer.text.strip():
            issues.append(Issue("answers", f"answer {i + 1} has no text", i))
        if not 0.0 <= answer.weight <= 1.0:
            issues.append(Issue("answers", f"answer {i + 1} weight must be between 0 and 1", i))
    if question.accepted_answers and max(a.weight for a in question.accepted_answers) < 1.0:
        issues.append(Issue("answers", "one answer must be worth full marks (weight 1)"))
    return issues


def _check_free_text(question: Question) -> list[Issue]:
    rubric = question.rubric
    if rubric is None:
        return [Issue("rubric", "a free-text question needs a [rubric] table")]
    issues = []
    if rubric.kind not in RUBRIC_KINDS:
        issues.append(Issue("rubric", f"rubric kind must be one of {', '.join(RUBRIC_KINDS)}"))
    if not 0.0 <= rubric.min_score <= 1.0:
        issues.append(Issue("rubric", "rubric min_score must be between 0 and 1"))
    if set(rubric.required) & set(rubric.forbidden):
        issues.append(Issue("rubric", "a finding code cannot be both required and forbidden"))
    return issues


_TYPE_CHECKS = {
    "single_choice": _check_single,
    "multiple_choice": _check_multiple,
    "true_false": _check_true_false,
    "matching": _check_matching,
    "ordering": _check_options,
    "numerical": _check_numerical,
    "short_answer": _check_short,
    "free_text": _check_free_text,
}
