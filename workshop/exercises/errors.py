"""Refusals of the exercises feature; each ``code`` is stable (the autosave JSON uses it)."""

from __future__ import annotations

from workshop.errors import Conflict, WorkshopError


class InvalidInput(WorkshopError):
    code = "invalid_input"


class InvalidAnswers(WorkshopError):
    """Some answers have the wrong shape; ``errors`` maps question positions to messages."""

    code = "invalid_answers"

    def __init__(self, errors: dict[int, str]) -> None:
        self.errors = dict(sorted(errors.items()))
        lines = [f"Question {position}: {message}" for position, message in self.errors.items()]
        super().__init__("Nothing was saved. " + " ".join(lines))


class NoAttemptsLeft(Conflict):
    code = "no_attempts_left"


class AttemptClosed(Conflict):
    code = "attempt_closed"


class SetNotOpen(Conflict):
    code = "set_not_open"


class SlugTaken(Conflict):
    code = "slug_taken"


class ImportProblems(WorkshopError):
    """A GIFT import was refused as a whole; ``problems`` are (line, message) pairs."""

    code = "import_problems"

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = sorted(problems)
        super().__init__(
            f"Nothing was imported: {len(self.problems)} problem(s) in the file.", field="file"
        )
