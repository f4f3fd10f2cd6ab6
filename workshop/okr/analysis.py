"""Text analysis behind the checker: normalisation, language, measures, dates and task shape.

Every function here is pure and takes the compiled :class:`~workshop.okr.rules.Rules`; no
word or pattern is hard-coded (they all come from ``rules.toml``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .rules import Rules

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u00a0": " ",
    }
)
_ARROWS = re.compile(r"\s*(?:->|=>|-->|[\u2192\u27f6\u279d\u21d2\u2794])\s*")
_LABEL = re.compile(
    r"^\s*(?:[-*\u2022\u00b7>]+\s*|\d+[.)]\s+|(?:kr|o|obj|objective|key result)\s*\d*\s*[:.)-]\s*)"
)
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_TOKEN = re.compile(r"[^\W_]+(?:['.,-][^\W_]+)*|[%$\u20ac\u00a3\u00a5\u20b9]")
_LEAD_SKIP = frozenset({"we", "i", "to", "will", "shall", "must", "should", "our", "goal", "is"})


def normalise(text: str) -> str:
    """Lower-case, NFKC-normalised text with arrows as "to" and list labels removed.

    >>> normalise("KR1: Increase MRR: $120k \u2192 $200k")
    'increase mrr: $120k to $200k'
    """
    t = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    t = _ARROWS.sub(" to ", t)
    t = " ".join(t.lower().split())
    for _ in range(3):
        stripped = _LABEL.sub("", t, count=1)
        if stripped == t:
            break
        t = stripped
    return t.strip()


def words(t: str) -> list[str]:
    """Alphabetic words (hyphens and apostrophes kept inside a word)."""
    return _WORD.findall(t)


def detect_language(text: str, rules: Rules) -> str:
    """``"en"`` when the rules can be applied, ``"unknown"`` when the text is not English.

    Text without any letters (e.g. ``"45%"``) counts as ``"en"``: there is nothing to
    misread.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    non_latin = sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN"))
    if non_latin / len(letters) > rules.max_non_latin_share:
        return "unknown"
    ws = words(normalise(text))
    english = sum(1 for w in ws if w in rules.english_words)
    foreign = sum(1 for w in ws if w in rules.foreign_words)
    if foreign > english:
        return "unknown"
    if len(ws) >= rules.min_words_for_unknown and english == 0:
        return "unknown"
    return "en"


def _blank(t: str, patterns: tuple[re.Pattern[str], ...]) -> tuple[str, bool]:
    found = False
    for pattern in patterns:
        t, n = pattern.subn(" ", t)
        found = found or n > 0
    return t, found


@dataclass(frozen=True)
class Signals:
    """What the analysis found in one statement (all derived from the rules)."""

    text: str
    measures: tuple[str, ...]
    has_date: bool
    has_deadline: bool
    has_baseline: bool
    has_target: bool
    has_metric: bool
    vague: tuple[str, ...]
    lead: str
    is_task: bool
    task_reason: str
    is_mixed: bool

    @property
    def is_measurable(self) -> bool:
        return bool(self.measures)


def find_measures(t: str, rules: Rules) -> tuple[tuple[str, ...], str, bool]:
    """Measures in normalised text ``t``, the text with dates/labels blanked, and has-date."""
    without_dates, has_date = _blank(t, rules.date_patterns)
    cleaned, _ = _blank(without_dates, rules.not_a_measure)
    found = [m.group().strip() for m in rules.number_re.finditer(cleaned)]
    found += [m.group().strip() for m in rules.number_word_re.finditer(cleaned)]
    return tuple(found), cleaned, has_date


def _lead_index(tokens: list[str], verbs: frozenset[str]) -> int:
    """Index of the word that carries the statement's verb ("We will launch X" -> launch).

    Skips subjects, "will"/"to" and adverbs ("Successfully launch X" -> launch).
    """
    head = tokens[:6]
    i = head.index("will") + 1 if "will" in head else 0
    while i < len(tokens) - 1 and (
        tokens[i] in _LEAD_SKIP or (tokens[i].endswith("ly") and tokens[i] not in verbs)
    ):
        i += 1
    return i


def _match_phrase(tokens: list[str], i: int, phrases: frozenset[str]) -> int:
    """Number of tokens (1 or 2) of a phrase from ``phrases`` starting at ``i``; 0 if none."""
    if i + 1 < len(tokens) and f"{tokens[i]} {tokens[i + 1]}" in phrases:
        return 2
    if i < len(tokens) and tokens[i] in phrases:
        return 1
    return 0


def _task_shape(t: str, rules: Rules, measurable: bool) -> tuple[bool, str, bool, str]:
    """(is_task, reason, is_mixed, lead word) from the shape of the statement."""
    tokens = _TOKEN.findall(t)
    if not tokens:
        return False, "", False, ""
    i = _lead_index(
        tokens, rules.outcome_verbs | rules.activity_verbs | rules.weak_activity_verbs
    )
    lead = tokens[i]
    if _match_phrase(tokens, i, rules.outcome_verbs):
        return False, "", False, lead
    n_act = _match_phrase(tokens, i, rules.activity_verbs)
    n_weak = 0 if n_act else _match_phrase(tokens, i, rules.weak_activity_verbs)
    n = n_act or n_weak
    if n:
        rest_tokens = tokens[i + n :]
        if rest_tokens and rest_tokens[0] in rules.metric_nouns:
            # "Test coverage from 60% to 80%": the verb is really a noun naming a metric.
            return False, "", False, lead
        rest = " ".join(rest_tokens)
        connector = rules.connector_re.search(rest)
        obj = rest[: connector.start()] if connector else rest
        if connector:
            after = rest[connector.end() :]
            after_tokens = _TOKEN.findall(after)
            has_outcome = any(tok in rules.outcome_verbs for tok in after_tokens)
            if has_outcome and find_measures(after, rules)[0]:
                return False, "", True, lead
        if n_act:
            return True, f"starts with the activity '{' '.join(tokens[i:i + n])}'", False, lead
        obj_words = set(words(obj))
        deliverable = obj_words & rules.deliverable_nouns
        aspiration = set(words(rest)) & rules.aspiration_words
        if deliverable and not aspiration:
            noun = sorted(deliverable)[0]
            return True, f"'{lead}' produces a deliverable ('{noun}')", False, lead
        return False, "", False, lead
    if lead in rules.nominalisations and (i + 1 >= len(tokens) or tokens[i + 1] in {"of", "to"}):
        return True, f"names the work itself ('{lead}')", False, lead
    for pattern in rules.done_patterns:
        m = pattern.search(t)
        if m is None:
            continue
        before = set(words(t[: m.start()]))
        if not measurable or before & rules.deliverable_nouns:
            return True, f"describes finished work ('{m.group()}')", False, lead
    return False, "", False, lead


def analyse(text: str, rules: Rules) -> Signals:
    """All signals for one statement; ``text`` may be raw user input."""
    t = normalise(text)
    measures, cleaned, has_date = find_measures(t, rules)
    measurable = bool(measures)
    has_deadline = has_date or any(p.search(t) for p in rules.deadline_patterns)
    has_baseline = measurable and any(p.search(t) for p in rules.baseline_patterns)
    has_target = measurable and any(p.search(cleaned) for p in rules.target_patterns)
    is_task, reason, mixed, lead = _task_shape(t, rules, measurable)
    # The metric is named when a content word is left once numbers, units, verbs, dates and
    # function words are taken away ("Increase from 14 to 5" names nothing).
    leftover, _ = _blank(cleaned, rules.deadline_patterns)
    leftover = rules.number_re.sub(" ", leftover)
    leftover = rules.number_word_re.sub(" ", leftover)
    ignorable = (
        rules.function_words
        | rules.outcome_verbs
        | rules.activity_verbs
        | rules.weak_activity_verbs
        | rules.units
        | rules.vague_words
        | rules.months
    )
    has_metric = any(w not in ignorable and len(w) > 1 for w in words(leftover))
    vague = tuple(dict.fromkeys(m.group() for m in rules.vague_re.finditer(t)))
    return Signals(
        text=t,
        measures=measures,
        has_date=has_date,
        has_deadline=has_deadline,
        has_baseline=has_baseline,
        has_target=has_target or has_baseline,
        has_metric=has_metric,
        vague=vague,
        lead=lead,
        is_task=is_task,
        task_reason=reason,
        is_mixed=mixed,
    )
