"""Form fields to answers and back, and the per-part review shown after grading.

Pure: plain data in, plain data out. Field names per question position ``p``: ``qp`` (choice,
true/false, number and text questions; repeated for multiple choice), ``qp-<pair id>``
(matching), ``qp-<step id>`` holding a place 1..n (ordering), and ``qp-present`` marking that
the question's fields were sent at all (an unticked checkbox sends nothing).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from workshop.exercises.grading import MAX_TEXT_LENGTH, InvalidAnswer, grade, parse_number
from workshop.exercises.model import Question

TEXT_TYPES = ("short_answer", "free_text", "essay")
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[str]: ...


def field_name(position: int, part: str | None = None) -> str:
    return f"q{position}" if part is None else f"q{position}-{part}"


def parse_answers(
    questions: Mapping[int, Question], form: FormData
) -> tuple[dict[int, Any], dict[int, str]]:
    """Read the answers of the questions whose fields were sent; return (answers, errors).

    Positions absent from the form are left out of both. An answer is None when not given.
    """
    answers: dict[int, Any] = {}
    errors: dict[int, str] = {}
    for position, question in questions.items():
        if form.get(field_name(position, "present")) is None:
            continue
        try:
            answers[position] = _parse_one(position, question, form)
        except InvalidAnswer as exc:
            errors[position] = str(exc)
    return answers, errors


def _parse_one(position: int, question: Question, form: FormData) -> Any:
    name = field_name(position)
    option_ids = {o.id for o in question.options}
    if question.type in ("single_choice", "true_false"):
        value = (form.get(name) or "").strip()
        if not value:
            return None
        if value not in option_ids:
            raise InvalidAnswer("Choose one of the options shown.")
        return value == "true" if question.type == "true_false" else value
    if question.type == "multiple_choice":
        values = [v for v in form.getlist(name) if v]
        if any(v not in option_ids for v in values) or len(set(values)) != len(values):
            raise InvalidAnswer("Tick only the options shown.")
        return values or None
    if question.type == "matching":
        choice_ids = {c.id for c in question.choices}
        given = {}
        for pair in question.pairs:
            value = (form.get(field_name(position, pair.id)) or "").strip()
            if value and value not in choice_ids:
                raise InvalidAnswer("Pick a match from the list for each statement.")
            if value:
                given[pair.id] = value
        return given or None
    if question.type == "ordering":
        return _parse_ordering(position, question, form)
    text = form.get(name) or ""
    if not isinstance(text, str):
        raise InvalidAnswer("The answer must be text.")
    if not text.strip():
        return None
    if question.type == "numerical":
        try:
            parse_number(text)
        except InvalidAnswer:
            raise InvalidAnswer("Enter a number, like 0.7 or 12.") from None
        return text.strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidAnswer(f"Keep the answer under {MAX_TEXT_LENGTH} characters "
                            f"(this one has {len(text)}).")
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in text):
        raise InvalidAnswer("The answer contains invisible control characters; please retype it.")
    return text.strip()


def _parse_ordering(position: int, question: Question, form: FormData) -> list[str] | None:
    count = len(question.options)
    places: dict[str, int] = {}
    for option in question.options:
        value = (form.get(field_name(position, option.id)) or "").strip()
        if not value:
            continue
        if not value.isdigit() or not 1 <= int(value) <= count:
            raise InvalidAnswer(f"Give each step a place from 1 to {count}.")
        places[option.id] = int(value)
    if not places:
        return None
    if len(places) != count:
        raise InvalidAnswer(f"Give every step a place from 1 to {count}.")
    if len(set(places.values())) != count:
        raise InvalidAnswer("Use each place only once.")
    return sorted(places, key=places.__getitem__)


def check_answer(question: Question, answer: Any) -> None:
    """Raise InvalidAnswer when the grader would refuse the answer (free text: length only)."""
    if answer is None:
        return
    if question.type == "free_text":
        if not isinstance(answer, str) or len(answer) > MAX_TEXT_LENGTH:
            raise InvalidAnswer("The answer must be text of at most 2000 characters.")
        return
    grade(question, answer)


def form_values(question: Question, position: int, answer: Any) -> dict[str, Any]:
    """The field values that show a saved answer again in the form."""
    if answer is None:
        return {}
    if question.type == "true_false":
        return {field_name(position): "true" if answer else "false"}
    if question.type == "multiple_choice":
        return {field_name(position): list(answer)}
    if question.type == "matching":
        return {field_name(position, k): v for k, v in answer.items()}
    if question.type == "ordering":
        return {field_name(position, oid): str(i) for i, oid in enumerate(answer, start=1)}
    return {field_name(position): str(answer)}


@dataclass(frozen=True)
class ReviewRow:
    """One line of the review: a text, what the trainee did, what was right, feedback."""

    text: str
    given: str | None = None
    expected: str | None = None
    is_chosen: bool = False
    is_correct: bool | None = None
    feedback: str = ""


def review_rows(question: Question, order: tuple[str, ...], answer: Any,
                parts: list[list[Any]]) -> tuple[list[ReviewRow], list[ReviewRow]]:
    """Rows for the result page: (per option/pair/step rows, other feedback parts)."""
    by_part = {p[0]: (p[1], p[2]) for p in parts}
    rows: list[ReviewRow] = []
    used = set()
    if question.type in ("single_choice", "multiple_choice", "true_false"):
        options = {o.id: o for o in question.options}
        if question.type == "true_false" and answer is not None:
            answer = "true" if answer is True else "false" if answer is False else answer
        chosen = set(answer if isinstance(answer, list) else [answer] if answer else [])
        for option_id in order or tuple(options):
            option = options[option_id]
            message = by_part.get(option_id, ("", None))[0]
            used.add(option_id)
            rows.append(ReviewRow(option.text, is_chosen=option_id in chosen,
                                  is_correct=option.weight > 0,
                                  feedback=message or option.feedback))
    elif question.type == "matching":
        choices = {c.id: c.text for c in question.choices}
        pairs = {p.id: p for p in question.pairs}
        given = answer or {}
        for pair_id in order or tuple(pairs):
            pair = pairs[pair_id]
            message, ok = by_part.get(pair_id, ("", None))
            used.add(pair_id)
            rows.append(ReviewRow(pair.prompt, given=choices.get(given.get(pair_id)),
                                  expected=choices[pair.answer], is_correct=ok,
                                  feedback=message))
    elif question.type == "ordering":
        texts = {o.id: o.text for o in question.options}
        given = answer or []
        for place, option in enumerate(question.options):
            mine = given[place] if place < len(given) else None
            rows.append(ReviewRow(option.text, given=texts.get(mine) if mine else None,
                                  is_correct=mine == option.id if mine else False))
    extra = [ReviewRow(part, feedback=message, is_correct=ok)
             for part, message, ok in parts if part not in used]
    return rows, extra


def accepted_answers(question: Question) -> list[str]:
    """The full-mark answers of a number or short-answer question, for the result page."""
    if question.type == "numerical":
        return [f"{a.value:g}" + (f" (± {a.tolerance:g})" if a.tolerance else "")
                for a in question.numeric_answers if a.weight >= 1]
    if question.type == "short_answer":
        return [a.text for a in question.accepted_answers if a.weight >= 1]
    return []
