"""Check single OKR statements and whole OKR sets; see ``docs/okr-checker.md``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .analysis import Signals, analyse, detect_language, normalise
from .rules import Rules, default_rules

KINDS = ("key_result", "objective")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem found in a statement or set.

    ``code`` is stable (safe to store and to branch on); ``message`` and ``suggestion`` are
    for people and may be reworded in ``rules.toml``.  ``location`` says which part of a set
    the finding is about (``"objective 2"``), or is ``None`` for a single statement.
    """

    code: str
    severity: str
    message: str
    suggestion: str | None = None
    location: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "suggestion": self.suggestion,
            "location": self.location,
        }


@dataclass(frozen=True)
class Report:
    """The verdict on one statement.

    ``score`` is 1.0 for a statement with no findings and drops by each finding's penalty
    (never below 0).  For a statement in an unknown language the rules are not applied: the
    only finding is ``lang.unknown``, ``is_task``/``is_measurable`` are False and the score
    is 0.0, so a grader must look at ``language`` before trusting the score.
    """

    text: str
    kind: str
    language: str
    findings: tuple[Finding, ...]
    score: float
    is_task: bool
    is_measurable: bool
    cycle: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return all(f.severity != "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "language": self.language,
            "score": self.score,
            "is_task": self.is_task,
            "is_measurable": self.is_measurable,
            "cycle": self.cycle,
            "findings": [f.to_dict() for f in self.findings],
            "details": dict(self.details),
        }


def _finding(rules: Rules, code: str, location: str | None = None, **fmt: Any) -> Finding:
    tpl = rules.template(code)
    message = tpl.message
    severity = tpl.severity
    if fmt.pop("severe", False) and tpl.severe_message:
        message, severity = tpl.severe_message, "error"
    suggestion = tpl.suggestion.format(**fmt) if tpl.suggestion else None
    return Finding(code, severity, message.format(**fmt), suggestion, location)


def _score(rules: Rules, codes: Iterable[str]) -> float:
    penalty = sum(rules.template(code).penalty for code in codes)
    return round(min(1.0, max(0.0, 1.0 - penalty)), 3)


def _key_result_codes(s: Signals, cycle: str | None) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if s.is_task:
        out.append(("kr.activity", {}))
    elif s.is_mixed:
        out.append(("kr.mixed", {}))
    if not s.is_measurable:
        out.append(("kr.not_measurable", {}))
        if s.vague:
            out.append(("kr.vague", {"words": ", ".join(s.vague), "first": s.vague[0]}))
    elif not s.is_task:
        if not s.has_metric:
            out.append(("kr.no_metric", {}))
        if not s.has_baseline:
            out.append(("kr.no_baseline", {}))
    if not s.has_deadline and not cycle:
        out.append(("kr.no_deadline", {}))
    return out


def _objective_codes(s: Signals, rules: Rules) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    limits = rules.objective
    if s.is_task:
        out.append(("obj.task", {}))
    if s.is_measurable:
        out.append(("obj.numeric", {}))
    n_words = len(s.text.split())
    if n_words > limits["max_words"] or len(s.text) > limits["max_chars"]:
        out.append(("obj.too_long", {"words": n_words}))
    elif n_words < limits["min_words"]:
        out.append(("obj.too_short", {}))
    return out


def check_statement(
    text: str, kind: str = "key_result", *, cycle: str | None = None, rules: Rules | None = None
) -> Report:
    """Check one Objective or Key Result.

    ``cycle`` (e.g. ``"2025-Q3"``) says the statement belongs to a cycle, which supplies the
    deadline.  ``rules`` defaults to the packaged ``rules.toml``.

    >>> r = check_statement("Launch the new onboarding process")
    >>> r.is_task, r.codes[:2]
    (True, ('kr.activity', 'kr.not_measurable'))
    >>> check_statement("Reduce time-to-first-value from 14 days to 5 days", cycle="Q3").score
    1.0
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    rules = rules or default_rules()
    if not normalise(text):
        return _report(rules, text, kind, "en", [("input.empty", {})], cycle, None)
    if detect_language(text, rules) != "en":
        return _report(rules, text, kind, "unknown", [("lang.unknown", {})], cycle, None)
    signals = analyse(text, rules)
    if kind == "key_result":
        codes = _key_result_codes(signals, cycle)
    else:
        codes = _objective_codes(signals, rules)
    return _report(rules, text, kind, "en", codes, cycle, signals)


def _report(
    rules: Rules,
    text: str,
    kind: str,
    language: str,
    codes: list[tuple[str, dict[str, Any]]],
    cycle: str | None,
    s: Signals | None,
) -> Report:
    findings = tuple(_finding(rules, code, **fmt) for code, fmt in codes)
    details: dict[str, Any] = {}
    if s is not None:
        details = {
            "measures": list(s.measures),
            "has_baseline": s.has_baseline,
            "has_target": s.has_target,
            "has_metric": s.has_metric,
            "has_deadline": s.has_deadline or bool(cycle),
            "task_reason": s.task_reason or None,
        }
    return Report(
        text=text,
        kind=kind,
        language=language,
        findings=findings,
        score=_score(rules, (code for code, _ in codes)),
        is_task=bool(s and s.is_task),
        is_measurable=bool(s and s.is_measurable),
        cycle=cycle,
        details=details,
    )


def check_set(
    objectives: list[dict[str, Any]],
    *,
    include_statements: bool = False,
    cycle: str | None = None,
    rules: Rules | None = None,
) -> tuple[Finding, ...]:
    """Check the shape of one team's OKR set for one cycle.

    Each item is ``{"text": str, "key_results": [str, ...]}`` (a missing ``key_results``
    counts as none).  Counts outside 1-3 Objectives or 2-4 Key Results per Objective are
    flagged.  With ``include_statements=True`` the findings of every statement are added,
    each with its ``location`` (``"objective 1"``, ``"objective 1, key result 2"``).

    >>> [f.code for f in check_set([{"text": "Delight new users", "key_results": ["x"]}])]
    ['set.too_few_key_results']
    """
    rules = rules or default_rules()
    limits = rules.set_limits
    if not isinstance(objectives, list | tuple):
        raise TypeError("objectives must be a list of dicts")
    out: list[Finding] = []
    count = len(objectives)
    if count < limits["min_objectives"]:
        out.append(_finding(rules, "set.no_objectives"))
    elif count > limits["max_objectives"]:
        severe = count >= limits["objectives_error_at"]
        out.append(_finding(rules, "set.too_many_objectives", count=count, severe=severe))
    for n, objective in enumerate(objectives, start=1):
        if not isinstance(objective, Mapping):
            raise TypeError(f"objective {n} must be a dict, not {type(objective).__name__}")
        where = f"objective {n}"
        key_results = list(objective.get("key_results") or [])
        if len(key_results) < limits["min_key_results"]:
            out.append(
                _finding(rules, "set.too_few_key_results", where, count=len(key_results))
            )
        elif len(key_results) > limits["max_key_results"]:
            out.append(
                _finding(rules, "set.too_many_key_results", where, count=len(key_results))
            )
        if include_statements:
            out += _located(check_statement(str(objective.get("text", "")), "objective",
                                            cycle=cycle, rules=rules), where)
            for m, kr in enumerate(key_results, start=1):
                report = check_statement(str(kr), "key_result", cycle=cycle, rules=rules)
                out += _located(report, f"{where}, key result {m}")
    return tuple(out)


def _located(report: Report, where: str) -> list[Finding]:
    return [
        Finding(f.code, f.severity, f.message, f.suggestion, where) for f in report.findings
    ]
