"""Moodle GIFT import (and, via gift_export, export) for the question bank.

`parse_gift(text)` takes a whole file or nothing: it raises `GiftError` listing every problem
with its line number. Supported: `//` comments (with Moodle's `[id:...]` and `[tag:...]`),
`::titles::`, `$CATEGORY:`, `[html]`/`[markdown]`/`[plain]`/`[moodle]` formats, multiple choice
(`=`/`~`, `%weight%`, negative too), true/false (`T`, `TRUE`, `F`, `FALSE` with
`#wrong-feedback#right-feedback`), short answer, matching (`->`, `= -> extra` distractors),
numerical (`#`, `value:tolerance`, `min..max`, several weighted answers, `~#wrong feedback`),
missing-word blanks, essays (`{}`), `#feedback`, `####general feedback` and the escapes
`\\~ \\= \\# \\{ \\} \\: \\\\ \\n`.

Mapping: a multiple-choice block with an `=` answer becomes `single_choice`, one with only `~`
answers `multiple_choice` (Moodle's rule). General feedback becomes the explanation. Essays are
kept as type "essay": graded as needing review and refused in auto-graded exercise sets.
Description-only items (no answer block) are refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workshop.exercises.gift_export import GIFT_TYPES, GiftExportError, export_gift
from workshop.exercises.model import (
    BLANK,
    AcceptedAnswer,
    MatchPair,
    NumericAnswer,
    Option,
    Question,
    check_question,
    make_id,
    round_weight,
)

__all__ = [
    "GIFT_TYPES",
    "GiftError",
    "GiftExportError",
    "GiftProblem",
    "export_gift",
    "parse_gift",
    "parse_gift_located",
]

# Escaped characters become private-use placeholders while the structure is parsed.
_ESCAPES = {"\\": "\ue000", ":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004",
            "}": "\ue005", "~": "\ue006", "n": "\ue007"}  # fmt: skip
_RESTORE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()})
_ESCAPE_RE = re.compile(r"\\([\\:#={}~n])")
_FORMAT_RE = re.compile(r"\s*\[(html|moodle|plain|markdown)\]")
_WEIGHT_RE = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
_BAD_WEIGHT_RE = re.compile(r"\s*%[^%\s]*%")
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f])+)\]")
LineAt = Callable[[int], int]
# (question type, Question field values, line of each option/pair/answer)
_Parsed = tuple[str, dict[str, Any], list[int]]
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class GiftProblem:
    """One problem in a GIFT file, at a 1-based line number."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class GiftError(ValueError):
    """The GIFT text cannot be imported; `problems` lists every problem found."""

    def __init__(self, problems: list[GiftProblem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: p.line))
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the GIFT text:\n{lines}")


@dataclass
class _Block:
    start: int
    lines: list[str]
    comments: list[str]


class _Parser:
    def __init__(self) -> None:
        self.problems: list[GiftProblem] = []
        self.questions: list[Question] = []
        self.starts: list[int] = []
        self.category = ""
        self.slugs: set[str] = set()

    def problem(self, line: int, message: str) -> None:
        self.problems.append(GiftProblem(line, message))

    def parse_block(self, block: _Block) -> None:
        body = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(1)], "\n".join(block.lines))

        def line_at(offset: int) -> int:
            return block.start + body.count("\n", 0, max(0, offset))

        pos = len(body) - len(body.lstrip())
        if body.startswith("$CATEGORY:", pos):
            end = body.find("\n", pos)
            end = len(body) if end < 0 else end
            if body[end:].strip():
                self.problem(line_at(end + 1), "put a blank line after the $CATEGORY line")
            self.category = body[pos + len("$CATEGORY:") : end].translate(_RESTORE).strip()
            return
        title = ""
        if body.startswith("::", pos):
            end = body.find("::", pos + 2)
            if end < 0:
                self.problem(line_at(pos), "the title opened with :: is never closed")
                return
            title = body[pos + 2 : end].translate(_RESTORE).strip()
            pos = end + 2
        start, close = body.find("{", pos), body.find("}", pos)
        if start < 0 and close < 0:
            self.problem(line_at(pos), "no answer block {...}: descriptions cannot be imported")
            return
        if close < 0:
            self.problem(line_at(start), "the answer block opened with { is never closed "
                         "(a blank line ends a question)")  # fmt: skip
            return
        if start < 0 or close < start:
            self.problem(line_at(close), "} without an opening {; write \\} for a literal brace")
            return
        extra = [i for i in range(start + 1, len(body)) if body[i] in "{}" and i != close]
        if extra:
            self.problem(line_at(extra[0]), "only one answer block per question; write \\{ and "
                         "\\} for literal braces")  # fmt: skip
            return
        before, after = body[pos:start], body[close + 1 :]
        text_format = "moodle"
        if match := _FORMAT_RE.match(before):
            text_format, before = match.group(1), before[match.end() :]
        blank_at = None
        if after.strip():
            blank_at = len(before.lstrip())
            prompt = (before.lstrip() + BLANK + after).rstrip().translate(_RESTORE)
        else:
            prompt = before.strip().translate(_RESTORE)
        inner, base = body[start + 1 : close], start + 1
        explanation = ""
        if (split := inner.rfind("####")) >= 0:
            explanation = _clean(inner[split + 4 :])
            inner = inner[:split]
        before_answers = len(self.problems)
        fields = self.parse_answers(inner, base, line_at)
        if fields is None or len(self.problems) > before_answers:
            return  # checking a half-parsed question would only repeat the same problem
        kind, values, lines = fields
        slug = self.make_slug(block, title, line_at(pos))
        question = Question(slug=slug, type=kind, prompt=prompt, title=title,
                            text_format=text_format, explanation=explanation,
                            blank_at=blank_at, category=self.category,
                            tags=tuple(_unescape_bracket(t) for t in
                                       _TAG_RE.findall("\n".join(block.comments))),
                            **values)  # fmt: skip
        before_checks = len(self.problems)
        for issue in check_question(question):
            at = lines[issue.index] if issue.index is not None and issue.index < len(lines) else 0
            self.problem(at or line_at(start), issue.message)
        if len(self.problems) == before_checks:
            self.questions.append(question)
            self.starts.append(block.start)

    def make_slug(self, block: _Block, title: str, line: int) -> str:
        found = _ID_RE.search("\n".join(block.comments))
        if found:
            slug = _unescape_bracket(found.group(1)).strip()
            if slug in self.slugs:
                self.problem(block.start, f"the id {slug!r} is used by an earlier question")
            self.slugs.add(slug)
            return slug
        plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
        base = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or f"question-{line}"
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        self.slugs.add(slug)
        return slug

    def parse_answers(self, inner: str, base: int, line_at: LineAt) -> _Parsed | None:
        text = inner.strip()
        if not text:
            return "essay", {}, []
        if text.startswith("#"):
            return self.numerical(inner, base, line_at)
        if "~" in text:
            return self.multichoice(inner, base, line_at)
        if "=" in text and "->" in text:
            return self.matching(inner, base, line_at)
        head = text.split("#", 1)[0].strip()
        if head in _TF:
            return self.true_false(text)
        return self.short_answer(inner, base, line_at)

    def segments(
        self, inner: str, base: int, markers: str, line_at: LineAt
    ) -> list[tuple[str, str, int]]:
        cuts = [i for i, ch in enumerate(inner) if ch in markers]
        lead = inner[: cuts[0]] if cuts else inner
        if lead.strip():
            hint = ""
            if lead.strip().split("#", 1)[0].strip().upper() in _TF:
                hint = " (true/false answers are written T, TRUE, F or FALSE in capitals)"
            self.problem(line_at(base), f"answers must start with = or ~{hint}: {lead.strip()!r}")
        if not cuts:
            return []
        ends = cuts[1:] + [len(inner)]
        return [(inner[c], inner[c + 1 : e], base + c) for c, e in zip(cuts, ends, strict=True)]

    def weight(self, segment: str, default: float, line: int) -> tuple[float, str]:
        if match := _WEIGHT_RE.match(segment):
            weight = round_weight(float(match.group(1)) / 100)
            if not -1.0 <= weight <= 1.0:
                self.problem(line, f"weight {match.group(1)}% is outside -100%..100%")
            return weight, segment[match.end() :]
        if _BAD_WEIGHT_RE.match(segment):
            self.problem(line, "a weight is a percentage between % signs, like %50% or %-25%")
        return default, segment

    def multichoice(self, inner: str, base: int, line_at: LineAt) -> _Parsed:
        options, lines = [], []
        segments = self.segments(inner, base, "=~", line_at)
        for marker, segment, offset in segments:
            weight, rest = self.weight(segment, 1.0 if marker == "=" else 0.0, line_at(offset))
            text, feedback = _split_feedback(rest)
            options.append(Option(make_id(text), text, weight, feedback))
            lines.append(line_at(offset))
        kind = "single_choice" if any(m == "=" for m, _, _ in segments) else "multiple_choice"
        return kind, {"options": tuple(options)}, lines

    def true_false(self, text: str) -> _Parsed:
        head, wrong, right = (text.split("#", 2) + ["", ""])[:3]
        value = _TF[head.strip()]
        right, wrong = _clean(right), _clean(wrong)
        options = (
            Option("true", "True", 1.0 if value else 0.0, right if value else wrong),
            Option("false", "False", 0.0 if value else 1.0, wrong if value else right),
        )
        return "true_false", {"options": options}, []

    def matching(self, inner: str, base: int, line_at: LineAt) -> _Parsed:
        pairs, lines, answers, extras = [], [], [], []
        for _, segment, offset in self.segments(inner, base, "=", line_at):
            if "->" not in segment:
                self.problem(line_at(offset), "a matching pair is written =statement -> match")
                continue
            left, right = segment.split("->", 1)
            left, right = _clean(left), _clean(right)
            if not left:
                extras.append(right)
                continue
            pairs.append(MatchPair(make_id(left), left, make_id(right)))
            answers.append(right)
            lines.append(line_at(offset))
        texts = list(dict.fromkeys(answers + extras))
        choices = tuple(Option(make_id(t), t) for t in texts)
        return "matching", {"pairs": tuple(pairs), "choices": choices}, lines

    def numerical(self, inner: str, base: int, line_at: LineAt) -> _Parsed:
        skip = inner.index("#") + 1
        rest, base = inner[skip:], base + skip
        fallback = ""
        if (tilde := rest.find("~")) >= 0:
            wrong_text, fallback = (rest[tilde + 1 :].split("#", 1) + [""])[:2]
            if wrong_text.strip():
                self.problem(line_at(base + tilde), "write feedback for other numbers as ~#text")
            fallback, rest = _clean(fallback), rest[:tilde]
        single = [("=", rest, base)]
        segments = self.segments(rest, base, "=", line_at) if "=" in rest else single
        answers, lines = [], []
        for _, segment, offset in segments:
            line = line_at(offset)
            weight, spec = self.weight(segment, 1.0, line)
            spec, feedback = _split_feedback(spec)
            value, tolerance = self.number_spec(spec, line)
            answers.append(NumericAnswer(value, tolerance, weight, feedback))
            lines.append(line)
        return (
            "numerical",
            {"numeric_answers": tuple(answers), "fallback_feedback": fallback},
            lines,
        )

    def number_spec(self, spec: str, line: int) -> tuple[float, float]:
        if ".." in spec[1:]:
            low, high = (self.number(part, line) for part in spec.split("..", 1))
            if low > high:
                self.problem(line, f"range {spec!r} has its minimum above its maximum")
            return (low + high) / 2, (high - low) / 2
        if ":" in spec[1:]:
            value, tolerance = spec.split(":", 1)
            return self.number(value, line), abs(self.number(tolerance, line))
        return self.number(spec, line), 0.0

    def number(self, text: str, line: int) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            value = float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            self.problem(line, f"{text.strip()!r} is not a number")
            return 0.0
        return value

    def short_answer(self, inner: str, base: int, line_at: LineAt) -> _Parsed:
        answers, lines = [], []
        for _, segment, offset in self.segments(inner, base, "=", line_at):
            weight, rest = self.weight(segment, 1.0, line_at(offset))
            text, feedback = _split_feedback(rest)
            answers.append(AcceptedAnswer(text, weight, feedback))
            lines.append(line_at(offset))
        return "short_answer", {"accepted_answers": tuple(answers)}, lines


def _clean(text: str) -> str:
    """Drop a leading [format] tag (answers share the question's format) and unescape."""
    if match := _FORMAT_RE.match(text):
        text = text[match.end() :]
    return text.strip().translate(_RESTORE).strip()


def _split_feedback(segment: str) -> tuple[str, str]:
    text, _, feedback = segment.partition("#")
    return _clean(text), _clean(feedback)


def _unescape_bracket(text: str) -> str:
    return text.replace("\\]", "]")


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            current = None
            continue
        if current is None:
            current = _Block(number, [], [])
            blocks.append(current)
        if line.strip().startswith("//"):
            current.comments.append(line.strip())
            current.lines.append("")  # keeps line numbers right
        else:
            current.lines.append(line)
    return [b for b in blocks if any(line.strip() for line in b.lines)]


def parse_gift(text: str) -> list[Question]:
    """Parse GIFT text into questions; raises GiftError listing every problem and its line."""
    return [question for _, question in parse_gift_located(text)]


def parse_gift_located(text: str) -> list[tuple[int, Question]]:
    """Like `parse_gift`, with the line each question starts on (for later checks' messages)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    parser = _Parser()
    for number, line in enumerate(text.split("\n"), start=1):
        if any(ch in line for ch in _ESCAPES.values()):
            parser.problem(number, "contains a private-use character (U+E000-U+E007)")
    if not parser.problems:
        for block in _blocks(text):
            parser.parse_block(block)
    if parser.problems:
        raise GiftError(parser.problems)
    return list(zip(parser.starts, parser.questions, strict=True))
