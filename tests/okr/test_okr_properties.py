"""Property tests: the checker never raises on arbitrary text and always scores in [0, 1]."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.okr import KINDS, SEVERITIES, check_set, check_statement

FAST = settings(max_examples=200, deadline=None)

# Arbitrary Unicode, plus text built from OKR-ish fragments so the rules actually fire.
FRAGMENTS = st.sampled_from(
    ["Reduce", "launch", "churn", "from", "to", "14", "5 days", "€", "$1.2M", "%", "by", "Q3",
     "2025-09-30", "twenty", "in half", "KR1:", "->", "\u2192", "(", ")", "-", "the new", "of",
     "v2.0", "ISO 27001", "p95", "significantly", "\u00e0", "und", "\u6d41\u5931", " ", ",", "."]
)
OKRISH = st.lists(FRAGMENTS, max_size=12).map(" ".join)
TEXT = st.one_of(st.text(), OKRISH, st.text(alphabet=st.characters(codec="utf-8")))


def _valid(report, kind):
    assert 0.0 <= report.score <= 1.0
    assert report.kind == kind
    assert report.language in {"en", "unknown"}
    assert all(f.severity in SEVERITIES for f in report.findings)
    assert len({f.code for f in report.findings}) == len(report.findings)
    json.dumps(report.to_dict())


@FAST
@given(text=TEXT, kind=st.sampled_from(KINDS), cycle=st.none() | st.text(max_size=10))
def test_check_statement_never_raises_and_scores_in_range(text, kind, cycle):
    _valid(check_statement(text, kind, cycle=cycle), kind)


@FAST
@given(text=TEXT)
def test_unknown_language_never_gives_a_verdict(text):
    report = check_statement(text)
    if report.language == "unknown":
        assert report.codes == ("lang.unknown",)
        assert not report.is_task and not report.is_measurable


@FAST
@given(
    objectives=st.lists(
        st.fixed_dictionaries({"text": TEXT, "key_results": st.lists(TEXT, max_size=6)}),
        max_size=8,
    )
)
def test_check_set_never_raises(objectives):
    findings = check_set(objectives, include_statements=True)
    assert all(f.severity in SEVERITIES for f in findings)
    n = len(objectives)
    assert ("set.too_many_objectives" in [f.code for f in findings]) == (n > 3)
