"""Grading: a registry of pure graders keyed by question type.

`grade(question, answer)` checks the answer's shape, dispatches to the grader registered for the
question type and returns a `GradeResult` whose score is always within [0, 1]. Answers are plain
JSON data; their shape per type (None always means "not answered" and scores 0):

=================  ===================================================================
single_choice      "option-id"
multiple_choice    ["option-id", ...]   (distinct ids; [] selects nothing)
true_false         true / false          (or the option ids "true" / "false")
matching           {"pair-id": "choice-id", ...}   (missing pairs count as wrong)
ordering           ["option-id", ...]   (every option id exactly once, first step first)
numerical          12.5 / "12.5" / "12,5"
short_answer       "text"
free_text          "text"                (checked by workshop.okr against the rubric)
essay              "text"                (never auto-graded: needs_review=True, score 0)
=================  ===================================================================

A malformed answer raises `InvalidAnswer` (a ValueError) and is never silently scored.
Grades never depend on the order in which options were shown.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workshop.exercises.model import Question

MAX_TEXT_LENGTH = 2000
# A free-text answer that misses its rubric earns at most this much.
RUBRIC_MISS_CAP = 0.5
# Exercises stand for the current cycle, so a Key Result needs no deadline of its own.
EXERCISE_CYCLE = "current cycle"


class InvalidAnswer(ValueError):
    """The answer does not have the shape its question type expects."""


@dataclass(frozen=True)
class PartFeedback:
    """Feedback on one part of an answer: an option, a pair, a step or a checker finding."""

    part: str
    message: str
    is_correct: bool | None = None


@dataclass(frozen=True)
class GradeResult:
    """The outcome of grading one answer; `explanation` is shown after submitting."""

    score: float
    is_correct: bool
    feedback: tuple[PartFeedback, ...]
    explanation: str
    needs_review: bool = False


Grader = Callable[[Question, Any], GradeResult]
GRADERS: dict[str, Grader] = {}


def register(question_type: str) -> Callable[[Grader], Grader]:
    """Register a grader for a question type; raises ValueError if one is already there."""

    def decorator(grader: Grader) -> Grader:
        if question_type in GRADERS:
            raise ValueError(f"a grader for {question_type!r} is already registered")
        GRADERS[question_type] = grader
        return grader

    return decorator


def grade(question: Question, answer: Any) -> GradeResult:
    """Grade one answer to one question.

    Raises InvalidAnswer if the answer is malformed, and KeyError if no grader is registered
    for the question type.
    """
    grader = GRADERS.get(question.type)
    if grader is None:
        raise KeyError(f"no grader registered for question type {question.type!r}")
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return _result(question, 0.0, [PartFeedback("answer", "Not answered.", False)])
    return grader(question, answer)


def _result(
    question: Question,
    score: float,
    parts: list[PartFeedback],
    is_correct: bool | None = None,
    needs_review: bool = False,
) -> GradeResult:
    # Rounding keeps 1/3 + 1/3 + 1/3 from landing just below full marks.
    score = min(1.0, max(0.0, round(score, 6))) + 0.0
    return GradeResult(
        score=score,
        is_correct=score == 1.0 if is_correct is None else is_correct,
        feedback=tuple(parts),
        explanation=question.explanation,
        needs_review=needs_review,
    )


def _option_part(option_id: str, weight: float, feedback: str) -> PartFeedback:
    default = "Correct." if weight >= 1 else "Partly right." if weight > 0 else "Not correct."
    return PartFeedback(option_id, feedback or default, weight > 0)


def _known_id(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidAnswer(f"an option id must be a string, not {type(value).__name__}")
    if value not in {o.id for o in question.options}:
        raise InvalidAnswer(f"{value!r} is not an option of question {question.slug!r}")
    return value


def _id_list(question: Question, answer: Any) -> list[str]:
    if not isinstance(answer, list | tuple):
        raise InvalidAnswer("the answer must be a list of option ids")
    ids = [_known_id(question, value) for value in answer]
    if len(set(ids)) != len(ids):
        raise InvalidAnswer("an option id appears more than once")
    return ids


@register("single_choice")
def grade_single_choice(question: Question, answer: Any) -> GradeResult:
    """Score the chosen option's weight (negative weights score 0)."""
    option = {o.id: o for o in question.options}[_known_id(question, answer)]
    part = _option_part(option.id, option.weight, option.feedback)
    return _result(question, option.weight, [part])


@register("multiple_choice")
def grade_multiple_choice(question: Question, answer: Any) -> GradeResult:
    """Add up the weights of the chosen options (Moodle style), clamped to [0, 1]."""
    chosen = set(_id_list(question, answer))
    parts = [_option_part(o.id, o.weight, o.feedback) for o in question.options if o.id in chosen]
    right = sum(1 for o in question.options if o.weight > 0)
    found = sum(1 for o in question.options if o.weight > 0 and o.id in chosen)
    wrong = sum(1 for o in question.options if o.weight <= 0 and o.id in chosen)
    summary = f"You chose {found} of {right} right options"
    summary += f" and {wrong} wrong one{'s' if wrong != 1 else ''}." if wrong else "."
    parts.append(PartFeedback("summary", summary, found == right and not wrong))
    total = sum(o.weight for o in question.options if o.id in chosen)
    return _result(question, total, parts)


@register("true_false")
def grade_true_false(question: Question, answer: Any) -> GradeResult:
    """Score 1 for the right truth value; each value can carry its own feedback."""
    if answer in ("true", "false"):
        answer = answer == "true"
    if not isinstance(answer, bool):
        raise InvalidAnswer("a true/false answer must be true or false")
    option = {o.id: o for o in question.options}["true" if answer else "false"]
    return _result(
        question, option.weight, [_option_part(option.id, option.weight, option.feedback)]
    )


@register("matching")
def grade_matching(question: Question, answer: Any) -> GradeResult:
    """Score the share of statements matched to the right choice."""
    if not isinstance(answer, dict):
        raise InvalidAnswer("a matching answer must map statement ids to choice ids")
    pair_ids = {p.id for p in question.pairs}
    choice_ids = {c.id for c in question.choices}
    for key, value in answer.items():
        if key not in pair_ids:
            raise InvalidAnswer(f"{key!r} is not a statement of question {question.slug!r}")
        if value is not None and value not in choice_ids:
            raise InvalidAnswer(f"{value!r} is not a choice of question {question.slug!r}")
    parts = []
    right = 0
    for pair in question.pairs:
        given = answer.get(pair.id)
        if given is None:
            parts.append(PartFeedback(pair.id, "Not answered.", False))
            continue
        ok = given == pair.answer
        right += ok
        default = "Correct." if ok else "Not correct."
        parts.append(PartFeedback(pair.id, pair.feedback if pair.feedback else default, ok))
    return _result(question, right / len(question.pairs), parts)


@register("ordering")
def grade_ordering(question: Question, answer: Any) -> GradeResult:
    """Score the share of neighbouring steps that are in the right order.

    Each step except the last earns a point if the step the learner put after it is the step
    that really comes next, so one misplaced step costs little and a reversed list scores 0.
    """
    ids = _id_list(question, answer)
    if len(ids) != len(question.options):
        raise InvalidAnswer("an ordering answer must list every step exactly once")
    text = {o.id: o.text for o in question.options}
    canonical = [o.id for o in question.options]
    follows = dict(zip(canonical, canonical[1:], strict=False))
    parts = []
    right = 0
    for current, nxt in zip(ids, ids[1:], strict=False):
        ok = follows.get(current) == nxt
        right += ok
        verdict = "comes right before" if ok else "should not come right before"
        parts.append(PartFeedback(current, f"“{text[current]}” {verdict} “{text[nxt]}”.", ok))
    return _result(question, right / (len(ids) - 1), parts)


def parse_number(answer: Any) -> float:
    """Read a numeric answer: a number, or a string like "0.7", "0,7" or "1e3"."""
    if isinstance(answer, bool):
        raise InvalidAnswer("a numerical answer must be a number")
    if isinstance(answer, int | float):
        value = float(answer)
    elif isinstance(answer, str):
        text = answer.strip().replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise InvalidAnswer(f"{answer!r} is not a number") from None
    else:
        raise InvalidAnswer("a numerical answer must be a number")
    if not math.isfinite(value):
        raise InvalidAnswer("a numerical answer must be a finite number")
    return value


@register("numerical")
def grade_numerical(question: Question, answer: Any) -> GradeResult:
    """Score the best-weighted accepted number within its tolerance (order never matters)."""
    value = parse_number(answer)
    matches = [
        a
        for a in question.numeric_answers
        if abs(value - a.value) <= a.tolerance + 1e-9 * max(1.0, abs(a.value))
    ]
    if not matches:
        message = question.fallback_feedback or "Not correct."
        return _result(question, 0.0, [PartFeedback("answer", message, False)])
    best = max(matches, key=lambda a: a.weight)
    return _result(question, best.weight, [_option_part("answer", best.weight, best.feedback)])


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """Normalise a short answer: Unicode forms, case, spacing, quotes and end punctuation."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[‘’‚‛]", "'", text)
    text = re.sub(r"[“”„‟]", '"', text)
    text = re.sub(r"[‐‑‒–—]", "-", text)
    text = " ".join(text.split())
    text = text.strip(" .,;:!?\"'")
    return text if case_sensitive else text.casefold()


def _accepts(pattern: str, response: str, case_sensitive: bool) -> bool:
    # `*` is a wildcard (as in Moodle); `\*` is a literal star.
    pieces = re.split(r"(?<!\\)\*", normalise_text(pattern, case_sensitive))
    regex = ".*".join(re.escape(p.replace("\\*", "*")) for p in pieces)
    return re.fullmatch(regex, response, flags=re.DOTALL) is not None


def _text_answer(answer: Any) -> str:
    if not isinstance(answer, str):
        raise InvalidAnswer("the answer must be text")
    if len(answer) > MAX_TEXT_LENGTH:
        raise InvalidAnswer(f"the answer is longer than {MAX_TEXT_LENGTH} characters")
    return answer


@register("short_answer")
def grade_short_answer(question: Question, answer: Any) -> GradeResult:
    """Score the best-weighted accepted answer that matches after normalisation."""
    response = normalise_text(_text_answer(answer), question.case_sensitive)
    matches = [
        a for a in question.accepted_answers if _accepts(a.text, response, question.case_sensitive)
    ]
    if not matches:
        message = question.fallback_feedback or "Not correct."
        return _result(question, 0.0, [PartFeedback("answer", message, False)])
    best = max(matches, key=lambda a: a.weight)
    return _result(question, best.weight, [_option_part("answer", best.weight, best.feedback)])


@register("essay")
def grade_essay(question: Question, answer: Any) -> GradeResult:
    """Keep the essay for a coach: it scores 0 until reviewed and never counts as correct."""
    _text_answer(answer)
    part = PartFeedback("answer", "Saved for a coach to review.", None)
    return _result(question, 0.0, [part], is_correct=False, needs_review=True)


def _sentences(*texts: str | None) -> str:
    kept = [t.strip() for t in texts if t and t.strip()]
    return " ".join(t if t[-1] in ".?!" else t + "." for t in kept)


@register("free_text")
def grade_free_text(question: Question, answer: Any) -> GradeResult:
    """Judge a written Objective or Key Result with the OKR checker and the question's rubric.

    The answer meets the rubric when the checker's score reaches min_score, no forbidden finding
    is present and every required one is: it then scores 1. Otherwise it scores the checker's
    score, capped at RUBRIC_MISS_CAP. Each finding becomes a part of the feedback. Text the
    checker cannot read (not English) is left for a coach: needs_review, score 0.
    """
    from workshop.okr import check_statement  # the checker loads its rules on first use

    rubric = question.rubric
    if rubric is None:
        raise KeyError(f"free-text question {question.slug!r} has no rubric")
    report = check_statement(_text_answer(answer), rubric.kind, cycle=EXERCISE_CYCLE)
    parts = [
        PartFeedback(
            f.code,
            _sentences(f.message, f.suggestion),
            None if f.severity == "info" else False,
        )
        for f in report.findings
    ]
    if report.language != "en":
        return _result(question, 0.0, parts, is_correct=False, needs_review=True)
    codes = {f.code for f in report.findings}
    misses = []
    if report.score < rubric.min_score:
        misses.append(f"The checker rates this {report.score:.2f}; {rubric.min_score:.2f} passes.")
    hit = [f.message for f in report.findings if f.code in rubric.forbidden]
    if hit:
        misses.append("This exercise does not accept: " + " ".join(hit))
    for code in sorted(set(rubric.required) - codes):
        misses.append(f"The checker was expected to flag “{code}” here.")
    if misses:
        parts.append(PartFeedback("rubric", " ".join(misses), False))
        return _result(question, min(report.score, RUBRIC_MISS_CAP), parts, is_correct=False)
    parts.append(PartFeedback("rubric", "Meets the rubric.", True))
    return _result(question, 1.0, parts, is_correct=True)
