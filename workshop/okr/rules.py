"""Load the checker's rules from ``rules.toml`` and compile them once.

The TOML file is the single place where word lists, patterns, thresholds and finding messages
live; this module only turns it into sets and compiled regular expressions.  A coach can
point :func:`load_rules` at a copy of the file to try out an extension.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

_VOWELS = "aeiou"


def verb_forms(verb: str, irregular: dict[str, list[str]] | None = None) -> set[str]:
    """All the inflected forms of ``verb`` the checker should recognise.

    Only the first word of a phrasal verb is inflected ("roll out" -> "rolled out").  The
    forms are generated generously (a few non-words such as "shiped" are harmless).

    >>> {"ships", "shipped", "shipping"} <= verb_forms("ship")
    True
    >>> sorted(verb_forms("hold", {"hold": ["held"]}) - verb_forms("hold"))
    ['held']
    """
    head, _, rest = verb.partition(" ")
    tail = f" {rest}" if rest else ""
    forms = {head, head + "s", head + "ed", head + "ing"}
    if head.endswith(("s", "x", "z", "ch", "sh", "o")):
        forms.add(head + "es")
    if head.endswith("e"):
        forms |= {head + "d", head[:-1] + "ing"}
    if head.endswith("y") and len(head) > 2 and head[-2] not in _VOWELS:
        forms |= {head[:-1] + "ies", head[:-1] + "ied"}
    if (
        len(head) >= 3
        and head[-1] not in _VOWELS + "wxy"
        and head[-2] in _VOWELS
        and head[-3] not in _VOWELS
    ):
        forms |= {head + head[-1] + "ed", head + head[-1] + "ing"}
    forms |= set((irregular or {}).get(head, ()))
    return {form + tail for form in forms}


def _phrases(words: list[str], irregular: dict[str, list[str]]) -> frozenset[str]:
    out: set[str] = set()
    for word in words:
        out |= verb_forms(word.lower(), irregular)
    return frozenset(out)


def _alternation(phrases: list[str] | frozenset[str]) -> str:
    ordered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return "|".join(re.escape(p) for p in ordered)


def _compile(patterns: list[str], **fmt: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p.replace("{months}", fmt.get("months", ""))) for p in patterns)


@dataclass(frozen=True)
class FindingTemplate:
    """Severity, score penalty and wording of one finding code, as written in the rules."""

    code: str
    severity: str
    message: str
    suggestion: str | None
    penalty: float = 0.0
    severe_message: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Rules:
    """Compiled rules; build with :func:`load_rules`."""

    raw: dict[str, Any]
    function_words: frozenset[str]
    english_words: frozenset[str]
    foreign_words: frozenset[str]
    max_non_latin_share: float
    min_words_for_unknown: int
    activity_verbs: frozenset[str]
    weak_activity_verbs: frozenset[str]
    outcome_verbs: frozenset[str]
    deliverable_nouns: frozenset[str]
    aspiration_words: frozenset[str]
    metric_nouns: frozenset[str]
    nominalisations: frozenset[str]
    done_patterns: tuple[re.Pattern[str], ...]
    connector_re: re.Pattern[str]
    vague_re: re.Pattern[str]
    vague_words: frozenset[str]
    baseline_patterns: tuple[re.Pattern[str], ...]
    target_patterns: tuple[re.Pattern[str], ...]
    units: frozenset[str]
    number_re: re.Pattern[str]
    number_word_re: re.Pattern[str]
    number_words: frozenset[str]
    not_a_measure: tuple[re.Pattern[str], ...]
    date_patterns: tuple[re.Pattern[str], ...]
    deadline_patterns: tuple[re.Pattern[str], ...]
    months: frozenset[str]
    objective: dict[str, int]
    set_limits: dict[str, int]
    findings: dict[str, FindingTemplate]

    def template(self, code: str) -> FindingTemplate:
        return self.findings[code]


def _build(data: dict[str, Any]) -> Rules:
    lang = data["language"]
    kr = data["key_result"]
    measure = data["measure"]
    dates = data["dates"]
    irregular = {k: list(v) for k, v in data.get("irregular_verbs", {}).items()}

    months_alt = _alternation(dates["months"])
    units_alt = _alternation(measure["units"])
    currency = "".join(re.escape(c) for c in measure["currency_symbols"])
    # A number is a run of digits (with separators) not glued to letters, optionally preceded
    # by a currency symbol and followed by a unit ("3.2s", "10x", "$120k", "45%").
    number_re = re.compile(
        rf"(?<![\w.])[{currency}]?\s?\d+(?:[.,]\d+)*(?:\s?(?:{units_alt}))?(?![\w])"
    )
    number_words = [w.lower() for w in measure["number_words"]]
    number_word_re = re.compile(
        rf"\b(?:{_alternation(number_words)}|{_alternation(measure['multiplier_words'])})\b|"
        + "|".join(f"(?:{p})" for p in measure["one_patterns"])
    )
    vague = [w.lower() for w in kr["vague_words"]]

    findings = {
        code: FindingTemplate(
            code=code,
            severity=spec["severity"],
            message=spec["message"],
            suggestion=spec.get("suggestion"),
            penalty=float(spec.get("penalty", 0.0)),
            severe_message=spec.get("severe_message"),
            source=spec.get("source"),
        )
        for code, spec in data["findings"].items()
    }
    activity = _phrases(kr["activity_verbs"], irregular)
    weak = _phrases(kr["weak_activity_verbs"], irregular)
    outcome = _phrases(kr["outcome_verbs"], irregular)
    vocabulary = (
        activity
        | weak
        | outcome
        | {w.lower() for key in ("deliverable_nouns", "aspiration_words", "metric_nouns",
                                 "nominalisations") for w in kr[key]}
        | {w.lower() for w in measure["units"] + number_words}
        | {w.lower() for w in dates["months"]}
    )
    function_words = frozenset(w.lower() for w in lang["function_words"])
    english = frozenset(
        {w.lower() for w in lang["english_words"]}
        | function_words
        | {w for phrase in vocabulary for w in phrase.split()}
    )
    return Rules(
        raw=data,
        function_words=function_words,
        english_words=english,
        foreign_words=frozenset(w.lower() for w in lang["foreign_words"]) - english,
        max_non_latin_share=float(lang["max_non_latin_share"]),
        min_words_for_unknown=int(lang["min_words_for_unknown"]),
        activity_verbs=activity,
        weak_activity_verbs=weak,
        outcome_verbs=outcome,
        deliverable_nouns=frozenset(
            {w.lower() for w in kr["deliverable_nouns"]}
            | {w.lower() + "s" for w in kr["deliverable_nouns"]}
        ),
        aspiration_words=frozenset(w.lower() for w in kr["aspiration_words"]),
        metric_nouns=frozenset(w.lower() for w in kr["metric_nouns"]),
        nominalisations=frozenset(w.lower() for w in kr["nominalisations"]),
        done_patterns=_compile(kr["done_patterns"]),
        connector_re=re.compile("|".join(f"(?:{p})" for p in kr["outcome_connectors"])),
        vague_re=re.compile(rf"\b(?:{_alternation(vague)})\b"),
        vague_words=frozenset(vague),
        baseline_patterns=_compile(kr["baseline_patterns"]),
        target_patterns=_compile(kr["target_patterns"]),
        units=frozenset(u.lower() for u in measure["units"]),
        number_re=number_re,
        number_word_re=number_word_re,
        number_words=frozenset(number_words),
        not_a_measure=_compile(measure["not_a_measure_patterns"]),
        date_patterns=_compile(dates["date_patterns"], months=months_alt),
        deadline_patterns=_compile(dates["deadline_patterns"], months=months_alt),
        months=frozenset(m.lower() for m in dates["months"]),
        objective={k: int(v) for k, v in data["objective"].items()},
        set_limits={k: int(v) for k, v in data["set"].items()},
        findings=findings,
    )


def load_rules(path: str | Path | None = None) -> Rules:
    """Load rules from ``path`` (a TOML file) or, by default, the packaged ``rules.toml``."""
    if path is None:
        return default_rules()
    with open(path, "rb") as fh:
        return _build(tomllib.load(fh))


@cache
def default_rules() -> Rules:
    """The packaged rules, loaded once per process."""
    text = resources.files("workshop.okr").joinpath("rules.toml").read_text(encoding="utf-8")
    return _build(tomllib.loads(text))
