"""Typed reading of TOML exercise content with line numbers, and the per-type question fields.

Used by `content.py`; `tomllib` reports no positions for values, so keys and tables are located
in the source text (the line of the key, or of its table header).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from workshop.exercises.model import (
    AcceptedAnswer,
    MatchPair,
    NumericAnswer,
    Option,
    Rubric,
    make_id,
    round_weight,
)

_HEADER_RE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(?:#.*)?$")
_TOML_LINE_RE = re.compile(r"line (\d+)")
TABLE_KEYS = {
    "options": {"id", "text", "correct", "weight", "feedback"},
    "pairs": {"prompt", "answer", "feedback"},
    "numerical": {"value", "tolerance", "min", "max", "weight", "feedback"},
    "short_answer": {"text", "weight", "feedback"},
    "rubric": {"kind", "min_score", "required", "forbidden", "example"},
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the content, where an author can find it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class TomlReader:
    """Typed access to one parsed TOML document that records problems with line numbers."""

    def __init__(self, file: str, text: str, first_line: int, problems: list[Problem]) -> None:
        self.file = file
        self.lines = text.splitlines()
        self.first_line = first_line
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def line(self, key: str | None = None, table: str | None = None, index: int = 0) -> int:
        """Line of `key` inside the index-th `[table]`/`[[table]]` (or the top level)."""
        headers = [
            (i, m.group(1)) for i, text in enumerate(self.lines) if (m := _HEADER_RE.match(text))
        ]
        if table is None:
            start, end = 0, headers[0][0] if headers else len(self.lines)
        else:
            found = [i for i, name in headers if name == table]
            if index >= len(found):
                # Inline tables (key = [{...}]) have no header: point at the key instead.
                return self.line(table)
            start = found[index]
            end = next((i for i, _ in headers if i > start), len(self.lines))
        if key is not None:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for i in range(start, end):
                if pattern.match(self.lines[i]):
                    return self.first_line + i
        return self.first_line + start

    def check_keys(
        self, data: dict[str, Any], allowed: set[str], table: str | None = None, index: int = 0
    ) -> None:
        for key in data:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.problem(self.line(key, table, index), f"unknown key {key!r} (allowed: {hint})")

    def get(
        self,
        data: dict[str, Any],
        key: str,
        kind: type | tuple[type, ...],
        default: Any,
        *,
        required: bool = False,
        table: str | None = None,
        index: int = 0,
    ) -> Any:
        if key not in data:
            if required:
                where = f" in [{table}] {index + 1}" if table else ""
                self.problem(self.line(None, table, index), f"missing required key {key!r}{where}")
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.problem(self.line(key, table, index), f"{key!r} must be a {names}")
            return default
        if isinstance(value, str) and required and not value.strip():
            self.problem(self.line(key, table, index), f"{key!r} must not be empty")
        return value

    def tables(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(self.line(key), f"{key!r} must be a list of tables ([[{key}]])")
            return []
        return value

    def strings(self, data: dict[str, Any], key: str, table: str | None = None) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(self.line(key, table), f"{key!r} must be a list of strings")
            return []
        return value


def parse_toml(file: str, text: str, first_line: int, problems: list[Problem]) -> dict | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE_RE.search(str(exc))
        if match:
            line = first_line + int(match.group(1)) - 1
        else:  # "at end of document": point at the last line
            line = first_line + max(0, len(text.splitlines()) - 1)
        problems.append(Problem(file, line, f"invalid TOML: {exc}"))
        return None


def _build_choice(reader: TomlReader, data: dict[str, Any]) -> dict[str, Any]:
    options = []
    rows = reader.tables(data, "options")
    explicit = ["weight" in row for row in rows]
    if any(explicit) and not all(explicit) and data.get("type") == "multiple_choice":
        reader.problem(reader.line("options"), "give every option a weight, or none of them")
    n_correct = sum(1 for row in rows if row.get("correct") is True) or 1
    for i, row in enumerate(rows):
        reader.check_keys(row, TABLE_KEYS["options"], "options", i)
        text = reader.get(row, "text", str, "", required=True, table="options", index=i).strip()
        correct = reader.get(row, "correct", bool, False, table="options", index=i)
        if "weight" in row and "correct" in row:
            reader.problem(reader.line("weight", "options", i), "use either correct or weight")
        if "weight" in row:
            weight = reader.get(row, "weight", (int, float), 0.0, table="options", index=i)
        elif data.get("type") == "multiple_choice":
            weight = (1.0 if correct else -1.0) / n_correct
        else:
            weight = 1.0 if correct else 0.0
        option_id = reader.get(row, "id", str, "", table="options", index=i) or make_id(text)
        feedback = reader.get(row, "feedback", str, "", table="options", index=i).strip()
        options.append(Option(option_id, text, round_weight(weight), feedback))
    return {"options": tuple(options)}


def _build_true_false(reader: TomlReader, data: dict[str, Any]) -> dict[str, Any]:
    answer = reader.get(data, "answer", bool, True, required=True)
    return {
        "options": (
            Option(
                "true",
                "True",
                1.0 if answer else 0.0,
                reader.get(data, "feedback_true", str, "").strip(),
            ),
            Option(
                "false",
                "False",
                0.0 if answer else 1.0,
                reader.get(data, "feedback_false", str, "").strip(),
            ),
        )
    }


def _build_ordering(reader: TomlReader, data: dict[str, Any]) -> dict[str, Any]:
    steps = [s.strip() for s in reader.strings(data, "steps")]
    return {"options": tuple(Option(make_id(s), s) for s in steps)}


def _build_matching(reader: TomlReader, data: dict[str, Any]) -> dict[str, Any]:
    categories = [c.strip() for c in reader.strings(data, "categories")]
    distractors = [d.strip() for d in reader.strings(data, "distractors")]
    if categories and distractors:
        reader.problem(reader.line("distractors"), "use categories or distractors, not both")
    pairs = []
    answers: list[str] = []
    for i, row in enumerate(reader.tables(data, "pairs")):
        reader.check_keys(row, TABLE_KEYS["pairs"], "pairs", i)
        prompt = reader.get(row, "prompt", str, "", required=True, table="pairs", index=i).strip()
        answer = reader.get(row, "answer", str, "", required=True, table="pairs", index=i).strip()
        if categories and answer not in categories:
            reader.problem(reader.line("answer", "pairs", i), f"{answer!r} is not in categories")
        feedback = reader.get(row, "feedback", str, "", table="pairs", index=i).strip()
        pairs.append(MatchPair(make_id(prompt), prompt, make_id(answer), feedback))
        answers.append(answer)
    texts = categories or list(dict.fromkeys(answers)) + distractors
    return {"pairs": tuple(pairs), "choices": tuple(Option(make_id(t), t) for t in texts)}


def _build_numerical(reader: TomlReader, data: dict[str, Any]) -> dict[str, Any]:
    answers = []
    for i, row in enumerate(reader.tables(data, "answers")):
        reader.check_keys(row, TABLE_KEYS["numerical"], "answers", i)
        number = (int, float)
        weight = reader.get(row, "weight", number, 1.0, table="answers", index=i)
        feedback = reader.get(row, "feedback", str, "", table="answers", index=i).strip()
        if "min" in row or "max" in row:
            low = reader.get(row, "min", number, 0.0, required=True, table="answers", index=i)
            high = reader.get(row, "max", number, 0.0, required=True, table="answers", index=i)
            if "value" in row or "tolerance" in row or low > high:
                reader.problem(
                    reader.line("min", "answers", i),
                    "a range needs min <= max and no value/tolerance",
                )
            value, tolerance = (low + high) / 2, (high - low) / 2
        else:
            value = reader.get(row, "value", number, 0.0, required=True, table="answers", index=i)
            tolerance = reader.get(row, "tolerance", number, 0.0, table="answers", index=i)
        answers.append(
            NumericAnswer(float(value), float(tolerance), round_weight(weight), feedback)
        )
    return {
        "numeric_answers": tuple(answers),
        "fallback_feedback": reader.get(data, "fallback_feedback", str, "").strip(),
    }


def _build_short(reader: TomlReader, data: dict[str, Any]) -> dict[str, Any]:
    answers = []
    for i, row in enumerate(reader.tables(data, "answers")):
        reader.check_keys(row, TABLE_KEYS["short_answer"], "answers", i)
        text = reader.get(row, "text", str, "", required=True, table="answers", index=i).strip()
        weight = reader.get(row, "weight", (int, float), 1.0, table="answers", index=i)
        feedback = reader.get(row, "feedback", str, "", table="answers", index=i).strip()
        answers.append(AcceptedAnswer(text, round_weight(weight), feedback))
    return {
        "accepted_answers": tuple(answers),
        "case_sensitive": reader.get(data, "case_sensitive", bool, False),
        "fallback_feedback": reader.get(data, "fallback_feedback", str, "").strip(),
    }


def _build_free_text(reader: TomlReader, data: dict[str, Any]) -> dict[str, Any]:
    table = data.get("rubric")
    if not isinstance(table, dict):
        return {"rubric": None}
    reader.check_keys(table, TABLE_KEYS["rubric"], "rubric")
    kind = reader.get(table, "kind", str, "", required=True, table="rubric")
    min_score = reader.get(table, "min_score", (int, float), 0.7, table="rubric")
    return {
        "rubric": Rubric(
            kind,
            float(min_score),
            tuple(reader.strings(table, "required", "rubric")),
            tuple(reader.strings(table, "forbidden", "rubric")),
            reader.get(table, "example", str, "", table="rubric").strip(),
        )
    }


FIELD_BUILDERS = {
    "single_choice": _build_choice,
    "multiple_choice": _build_choice,
    "true_false": _build_true_false,
    "matching": _build_matching,
    "ordering": _build_ordering,
    "numerical": _build_numerical,
    "short_answer": _build_short,
    "free_text": _build_free_text,
}
