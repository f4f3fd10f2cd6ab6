"""Moodle GIFT export: questions back to GIFT text that `gift.parse_gift` reads back unchanged.

Every text is escaped (`\\ ~ = # { } :` and newlines as `\\n`), every question carries its slug
as a Moodle `// [id:...]` comment and its format tag, and categories are written as
`$CATEGORY:` lines when they change. GIFT has no room for sources, matching-pair feedback,
short-answer fallback feedback or the shuffle flag, so those are not exported; ordering and
free-text questions have no GIFT form at all and raise `GiftExportError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workshop.exercises.model import BLANK, Question

GIFT_TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "matching",
    "numerical",
    "short_answer",
    "essay",
)
_SPECIAL_RE = re.compile(r"[\\~=#{}:]")
_FORMAT_RE = re.compile(r"\s*\[(html|moodle|plain|markdown)\]")


class GiftExportError(ValueError):
    """Some questions cannot be written as GIFT; the message names them."""


def export_gift(questions: Iterable[Question]) -> str:
    """Write questions as GIFT text; raises GiftExportError for types GIFT cannot express."""
    questions = list(questions)
    unsupported = [f"{q.slug} ({q.type})" for q in questions if q.type not in GIFT_TYPES]
    if unsupported:
        raise GiftExportError("no GIFT form for: " + ", ".join(unsupported))
    blocks = []
    category = ""
    for question in questions:
        if question.category != category:
            if "\n" in question.category:
                raise GiftExportError(f"{question.slug}: a category must fit on one line")
            blocks.append(f"$CATEGORY: {question.category}")
            category = question.category
        blocks.append(_export_question(question))
    return "\n\n".join(blocks) + "\n"


def _escape(text: str) -> str:
    text = _SPECIAL_RE.sub(lambda m: "\\" + m.group(0), text.replace("\r", ""))
    return text.replace("\n", "\\n")


def _answer_text(text: str, question: Question) -> str:
    # A leading [tag] would be read as a format on import: put the real format before it.
    prefix = f"[{question.text_format}]" if _FORMAT_RE.match(text) else ""
    return prefix + _escape(text)


def _percent(weight: float) -> str:
    value = round(weight * 100, 5)
    return f"%{int(value) if value.is_integer() else value}%"


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _feedback(text: str, question: Question) -> str:
    return f"#{_answer_text(text, question)}" if text else ""


def _export_question(q: Question) -> str:
    comment = f"// [id:{q.slug.replace(']', chr(92) + ']')}]"
    comment += "".join(f" [tag:{t.replace(']', chr(92) + ']')}]" for t in q.tags)
    head = f"::{_escape(q.title)}::" if q.title else ""
    block = "{" + _ANSWERS[q.type](q) + "}"
    if q.explanation:
        block = block[:-1] + f"####{_answer_text(q.explanation, q)}" + "}"
    if q.blank_at is not None:
        before, after = q.prompt[: q.blank_at], q.prompt[q.blank_at + len(BLANK) :]
        text = f"{_escape(before)}{block}{_escape(after)}"
    else:
        text = f"{_escape(q.prompt)}{block}"
    return f"{comment}\n{head}[{q.text_format}]{text}"


def _choices(q: Question) -> str:
    lines = []
    for option in q.options:
        if q.type == "single_choice" and option.weight == 1.0:
            marker = "="
        elif option.weight == 0.0:
            marker = "~"
        else:
            marker = "~" + _percent(option.weight)
        if marker in "=~" and option.text.startswith("%"):
            marker += _percent(1.0 if marker == "=" else 0.0)
        text = _answer_text(option.text, q)
        lines.append(f"\t{marker}{text}{_feedback(option.feedback, q)}")
    return "\n" + "\n".join(lines) + "\n"


def _true_false(q: Question) -> str:
    right = next(o for o in q.options if o.weight == 1.0)
    wrong = next(o for o in q.options if o.weight != 1.0)
    text = "TRUE" if right.id == "true" else "FALSE"
    if right.feedback or wrong.feedback:
        text += f"#{_answer_text(wrong.feedback, q)}" if wrong.feedback else "#"
    if right.feedback:
        text += f"#{_answer_text(right.feedback, q)}"
    return text


def _short_answer(q: Question) -> str:
    lines = []
    for answer in q.accepted_answers:
        weight = _percent(answer.weight) if answer.weight != 1.0 or answer.text[:1] == "%" else ""
        text = _answer_text(answer.text, q)
        lines.append(f"\t={weight}{text}{_feedback(answer.feedback, q)}")
    return "\n" + "\n".join(lines) + "\n"


def _numerical(q: Question) -> str:
    lines = []
    for answer in q.numeric_answers:
        spec = f"{_number(answer.value)}:{_number(answer.tolerance)}"
        lines.append(f"\t={_percent(answer.weight)}{spec}{_feedback(answer.feedback, q)}")
    if q.fallback_feedback:
        lines.append(f"\t~{_feedback(q.fallback_feedback, q)}")
    return "#\n" + "\n".join(lines) + "\n"


def _matching(q: Question) -> str:
    text = {c.id: c.text for c in q.choices}
    used = {p.answer for p in q.pairs}
    lines = []
    for pair in q.pairs:
        if "->" in pair.prompt:
            raise GiftExportError(f"{q.slug}: a matching statement cannot contain ->")
        lines.append(f"\t={_answer_text(pair.prompt, q)} -> {_answer_text(text[pair.answer], q)}")
    lines += [f"\t= -> {_answer_text(c.text, q)}" for c in q.choices if c.id not in used]
    return "\n" + "\n".join(lines) + "\n"


_ANSWERS = {
    "single_choice": _choices,
    "multiple_choice": _choices,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": lambda q: "",
}
