"""Questions as plain JSON data and back: what the database stores for every content version.

`question_to_data` / `question_from_data` round-trip exactly (`from(to(q)) == q`), so an attempt
that keeps the data its answers were graded against can be regraded or shown years later, after
the files changed. `content_hash` covers everything (feedback too), unlike `Question.version`,
which covers only what decides a grade.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from workshop.exercises.model import (
    AcceptedAnswer,
    MatchPair,
    NumericAnswer,
    Option,
    Question,
    Rubric,
)

_NESTED = {
    "options": Option,
    "choices": Option,
    "pairs": MatchPair,
    "numeric_answers": NumericAnswer,
    "accepted_answers": AcceptedAnswer,
}


def question_to_data(question: Question) -> dict[str, Any]:
    """Every field of a question as JSON-ready data (tuples become lists)."""
    return json.loads(json.dumps(dataclasses.asdict(question)))


def question_from_data(data: dict[str, Any]) -> Question:
    """Rebuild a question from `question_to_data` output; raises TypeError for unknown keys."""
    values = dict(data)
    for key, cls in _NESTED.items():
        values[key] = tuple(cls(**item) for item in values.get(key, ()))
    rubric = values.get("rubric")
    if rubric is not None:
        values["rubric"] = Rubric(
            **{**rubric, "required": tuple(rubric.get("required", ())),
               "forbidden": tuple(rubric.get("forbidden", ()))}
        )
    values["tags"] = tuple(values.get("tags", ()))
    return Question(**values)


def content_hash(data: dict[str, Any]) -> str:
    """A digest of the whole question data: any edit, even to feedback, changes it."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
