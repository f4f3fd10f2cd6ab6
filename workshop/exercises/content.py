"""Load and validate the exercise bank kept as files under `exercises/`.

Layout (see docs/exercise-format.md): one folder per exercise set holding `set.toml` and one
`<question-slug>.md` per question (TOML front matter between `+++` lines, then the Markdown
prompt). `validate_bank` reports every problem with its file and line; `load_bank` returns the
bank or raises `BankError` carrying those problems.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from workshop.exercises.model import (
    GRADE_KEPT,
    AttemptRules,
    Bank,
    ExerciseSet,
    Issue,
    Question,
    check_question,
)
from workshop.exercises.toml_reader import FIELD_BUILDERS, Problem, TomlReader, parse_toml

__all__ = [
    "Bank",
    "BankError",
    "ExerciseSet",
    "Problem",
    "Question",
    "load_bank",
    "validate_bank",
]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE_RE = re.compile(r"^[\w.-]+\.txt$")
FRONT_MATTER = "+++"

_SET_KEYS = {"title", "description", "topic", "order", "questions", "rules"}
_RULE_KEYS = {"max_attempts", "grade_kept", "pass_mark", "time_limit_minutes"}
_COMMON_KEYS = {"type", "title", "source", "explanation", "shuffle", "tags"}
_TYPE_KEYS = {
    "single_choice": {"options"},
    "multiple_choice": {"options"},
    "true_false": {"answer", "feedback_true", "feedback_false"},
    "matching": {"pairs", "categories", "distractors"},
    "ordering": {"steps"},
    "numerical": {"answers", "fallback_feedback"},
    "short_answer": {"answers", "case_sensitive", "fallback_feedback"},
    "free_text": {"rubric"},
    "essay": set(),
}


class BankError(ValueError):
    """The exercise bank has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in problems))


def validate_bank(path: str | Path) -> list[Problem]:
    """Check every set and question under `path`; return all problems (empty when valid)."""
    return _read_bank(Path(path))[1]


def load_bank(path: str | Path) -> Bank:
    """Load the bank under `path`; raises BankError listing every problem if any."""
    bank, problems = _read_bank(Path(path))
    if problems:
        raise BankError(problems)
    return bank


def _read_bank(root: Path) -> tuple[Bank, list[Problem]]:
    problems: list[Problem] = []
    if not root.is_dir():
        return Bank(sets=()), [Problem(root.name, 0, "the exercises folder does not exist")]
    sets: list[ExerciseSet] = []
    seen: dict[str, str] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        exercise_set = _read_set(root, folder, problems)
        if exercise_set is None:
            continue
        for question in exercise_set.questions:
            where = f"{root.name}/{folder.name}/{question.slug}.md"
            if question.slug in seen:
                message = f"question slug {question.slug!r} is also used in {seen[question.slug]}"
                problems.append(Problem(where, 1, message))
            seen[question.slug] = where
        sets.append(exercise_set)
    if not sets and not problems:
        problems.append(Problem(root.name, 0, "no exercise sets found"))
    sets.sort(key=lambda s: (s.order, s.slug))
    return Bank(sets=tuple(sets)), problems


def _read_set(root: Path, folder: Path, problems: list[Problem]) -> ExerciseSet | None:
    rel = f"{root.name}/{folder.name}"
    if not SLUG_RE.match(folder.name):
        problems.append(Problem(rel, 0, "set folder names are slugs: lower-case words and -"))
    set_file = folder / "set.toml"
    if not set_file.is_file():
        problems.append(Problem(rel, 0, "missing set.toml"))
        return None
    text = set_file.read_text(encoding="utf-8")
    data = parse_toml(f"{rel}/set.toml", text, 1, problems)
    if data is None:
        return None
    reader = TomlReader(f"{rel}/set.toml", text, 1, problems)
    reader.check_keys(data, _SET_KEYS)
    title = reader.get(data, "title", str, "", required=True)
    description = reader.get(data, "description", str, "", required=True)
    topic = reader.get(data, "topic", str, "", required=True)
    order = reader.get(data, "order", int, 0)
    rules = _read_rules(reader, data)
    slugs = reader.strings(data, "questions")
    if not slugs and "questions" in data:
        reader.problem(reader.line("questions"), "a set needs at least one question")
    elif "questions" not in data:
        reader.problem(reader.line(), "missing required key 'questions' (the question slugs)")
    questions = []
    for slug in slugs:
        path = folder / f"{slug}.md"
        if not SLUG_RE.match(slug) or not path.is_file():
            message = f"listed question {slug!r} has no file {slug}.md"
            reader.problem(reader.line("questions"), message)
            continue
        question = _read_question(f"{rel}/{slug}.md", slug, path.read_text("utf-8"), problems)
        if question is not None:
            questions.append(question)
    if len(set(slugs)) != len(slugs):
        reader.problem(reader.line("questions"), "a question is listed twice")
    for path in sorted(folder.glob("*.md")):
        if path.stem not in slugs:
            problems.append(Problem(f"{rel}/{path.name}", 1, "not listed in set.toml questions"))
    if rules is None:
        return None
    return ExerciseSet(
        slug=folder.name,
        title=title,
        description=description.strip(),
        topic=topic,
        rules=rules,
        questions=tuple(questions),
        order=order,
    )


def _read_rules(reader: TomlReader, data: dict[str, Any]) -> AttemptRules | None:
    rules = data.get("rules")
    if not isinstance(rules, dict):
        reader.problem(
            reader.line("rules"),
            "missing [rules] table (max_attempts, grade_kept, "
            "pass_mark, optional time_limit_minutes)",
        )
        return None
    reader.check_keys(rules, _RULE_KEYS, "rules")
    before = len(reader.problems)
    max_attempts = reader.get(rules, "max_attempts", int, 1, required=True, table="rules")
    grade_kept = reader.get(rules, "grade_kept", str, "highest", required=True, table="rules")
    pass_mark = reader.get(rules, "pass_mark", (int, float), 0.0, required=True, table="rules")
    limit = reader.get(rules, "time_limit_minutes", int, None, table="rules")
    if max_attempts < 1:
        reader.problem(reader.line("max_attempts", "rules"), "max_attempts must be at least 1")
    if grade_kept not in GRADE_KEPT:
        reader.problem(reader.line("grade_kept", "rules"), "grade_kept must be highest or last")
    if not 0 <= pass_mark <= 1:
        reader.problem(reader.line("pass_mark", "rules"), "pass_mark must be between 0 and 1")
    if limit is not None and limit < 1:
        reader.problem(reader.line("time_limit_minutes", "rules"), "time limit must be positive")
    if len(reader.problems) > before:
        return None
    return AttemptRules(max_attempts, grade_kept, float(pass_mark), limit)


def _split_front_matter(
    file: str, text: str, problems: list[Problem]
) -> tuple[str, str, int] | None:
    lines = text.splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER:
        message = "a question file starts with a +++ line (TOML front matter)"
        problems.append(Problem(file, 1, message))
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == FRONT_MATTER:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]).strip(), i + 2
    problems.append(Problem(file, 1, "the front matter opened with +++ is never closed"))
    return None


def _read_question(file: str, slug: str, text: str, problems: list[Problem]) -> Question | None:
    parts = _split_front_matter(file, text, problems)
    if parts is None:
        return None
    front, prompt, prompt_line = parts
    data = parse_toml(file, front, 2, problems)
    if data is None:
        return None
    reader = TomlReader(file, front, 2, problems)
    before = len(problems)
    qtype = reader.get(data, "type", str, "", required=True)
    if qtype == "essay":
        reader.problem(
            reader.line("type"),
            "essay questions need a human reviewer and cannot be "
            "part of an auto-graded exercise set; use free_text with a rubric",
        )
        return None
    if qtype not in _TYPE_KEYS:
        reader.problem(
            reader.line("type"),
            f"unknown question type {qtype!r} (known: "
            f"{', '.join(k for k in _TYPE_KEYS if k != 'essay')})",
        )
        return None
    reader.check_keys(data, _COMMON_KEYS | _TYPE_KEYS[qtype])
    if not prompt:
        reader.problem(prompt_line, "the Markdown prompt after the front matter is empty")
    source = reader.get(data, "source", str, "", required=True)
    if source and not SOURCE_RE.match(source):
        message = "source names a seed file, e.g. 004_d210fe4d8fb6a9cb.txt"
        reader.problem(reader.line("source"), message)
    question = Question(
        slug=slug,
        type=qtype,
        prompt=prompt,
        title=reader.get(data, "title", str, "", required=True),
        explanation=reader.get(data, "explanation", str, "", required=True).strip(),
        source=source,
        shuffle=reader.get(data, "shuffle", bool, True),
        tags=tuple(reader.strings(data, "tags")),
        **FIELD_BUILDERS[qtype](reader, data),
    )
    for issue in check_question(question):
        reader.problem(_issue_line(reader, issue, qtype, prompt_line), issue.message)
    return None if len(problems) > before else question


def _issue_line(reader: TomlReader, issue: Issue, qtype: str, prompt_line: int) -> int:
    if issue.where == "prompt":
        return prompt_line
    name = {"choices": "categories", "text_format": "type"}.get(issue.where, issue.where)
    if qtype == "ordering" and name == "options":
        name = "steps"
    if name in ("options", "pairs", "answers"):
        return reader.line(None, name, issue.index or 0)
    if name == "rubric":
        return reader.line(None, "rubric")
    return reader.line(name)
