"""OKR quality checker: is this Key Result a task? Is it measurable? Is this Objective a task?

A pure module (no Flask, no database) used for live workshop hints, coach warnings and for
grading free-text exercise answers.  All word lists, patterns, thresholds and messages are in
``rules.toml`` next to this file.

>>> from workshop.okr import check_statement, check_set
>>> report = check_statement("Launch the new onboarding process")
>>> report.is_task, report.is_measurable
(True, False)
>>> report.findings[0].code, report.findings[0].suggestion
('kr.activity', 'If we achieve this, what will be measurably different?')
>>> good = check_statement("Reduce time-to-first-value from 14 days to 5 days", cycle="2025-Q3")
>>> good.findings, good.score
((), 1.0)
>>> check_statement("Roll out the new CRM system", "objective").codes
('obj.task',)
>>> check_statement("Kundenzufriedenheit von 70% auf 85% erhöhen").language
'unknown'
>>> [f.code for f in check_set([{"text": "Delight new users", "key_results": []}] * 4)]
['set.too_many_objectives', 'set.too_few_key_results', 'set.too_few_key_results', \
'set.too_few_key_results', 'set.too_few_key_results']

See ``docs/okr-checker.md`` for the rules, the CLI and the measured precision/recall.
"""

from .checker import KINDS, SEVERITIES, Finding, Report, check_set, check_statement
from .rules import Rules, default_rules, load_rules

__all__ = [
    "KINDS",
    "SEVERITIES",
    "Finding",
    "Report",
    "Rules",
    "check_set",
    "check_statement",
    "default_rules",
    "load_rules",
]
