"""Every Key Result rule, pinned with statements that must and must not trigger it.

These statements are deliberately different from the evaluation set (tests/okr/eval_set.csv).
"""

from __future__ import annotations

import pytest

from workshop.okr import check_statement


def codes(text: str, **kwargs) -> tuple[str, ...]:
    return check_statement(text, "key_result", **kwargs).codes


# --- kr.activity -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Launch the partner portal",  # activity verb
        "roll out SSO to every office",  # phrasal activity verb, lower case
        "Successfully implement the new ticketing tool",  # adverb before the verb
        "We will hold a retrospective every sprint",  # subject + will
        "KR3: Publish 8 case studies",  # label, and a number does not make it an outcome
        "Develop an onboarding checklist template",  # weak verb + deliverable
        "Create a dashboard for churn",  # weak verb + deliverable
        "Migration of the payroll system to the cloud",  # nominalisation
        "Customer portal launched before the summer",  # passive "done" marker
        "New careers site live on 1 March",  # "live by/on"
        "4 new integrations shipped",  # done marker + deliverable, even with a number
        "Fix the login bug",
        "Establish a weekly check-in cadence",  # weak verb + deliverable
    ],
)
def test_activity_is_flagged(text):
    report = check_statement(text)
    assert report.is_task
    assert report.codes[0] == "kr.activity"
    finding = report.findings[0]
    assert finding.severity == "error"
    assert finding.suggestion == "If we achieve this, what will be measurably different?"


@pytest.mark.parametrize(
    "text",
    [
        "Increase activation of the newly launched portal from 20% to 45%",  # outcome verb leads
        "Test coverage from 60% to 85%",  # activity word used as a metric noun
        "Review scores of 4.5 stars or higher",
        "97% of orders delivered on time",  # passive verb, but a measured outcome
        "Make checkout faster for returning buyers",  # weak verb without a deliverable
        "Build a loyal community of power users",  # weak verb, no deliverable
        "Monthly active teams: 800 to 1,500",  # no verb at all
        "Renewal rate above 92%",
    ],
)
def test_outcome_is_not_flagged_as_activity(text):
    report = check_statement(text)
    assert not report.is_task
    assert "kr.activity" not in report.codes


def test_activity_reason_is_explained():
    report = check_statement("Implementation of the new expense tool")
    assert report.details["task_reason"] == "names the work itself ('implementation')"


# --- kr.mixed --------------------------------------------------------------------------------

def test_activity_with_measured_outcome_is_mixed_not_task():
    report = check_statement("Introduce in-app tips so that support tickets drop by 30%")
    assert not report.is_task
    assert "kr.mixed" in report.codes
    assert report.findings[0].severity == "info"


def test_activity_with_connector_but_no_outcome_is_still_task():
    report = check_statement("Migrate the mail servers to the new data centre")
    assert report.is_task
    assert "kr.mixed" not in report.codes


# --- kr.not_measurable -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Raise gross margin to 41%", "41%"),
        ("Raise gross margin to 41 percent", "41 percent"),
        ("Cut hosting costs by €12,500 per month", "€12,500"),
        ("Grow ARR from $1.2M to $2M", "$1.2m"),
        ("Cut build time from 40 min to 15 min", "40 min"),
        ("Bring median API latency under 250ms", "250ms"),
        ("Grow paying teams from 340 to 500", "340"),
        ("Increase referrals by fifteen percent", "fifteen"),
        ("Double weekly demo requests", "double"),
        ("Cut failed payments in half", "in half"),
        ("Two in three trial users invite a colleague", "two"),
        ("Raise adoption of saved searches 3x", "3x"),
        ("Increase conversion by 10-15%", "10"),
        ("Zero data breaches this year", "zero"),
        ("Cut cost per lead by a third", "by a third"),
        ("Customers rate support 4.6/5 or higher", "4.6"),  # a rating, not a date
        ("Grow listeners from 2000 to 5000", "2000"),  # numbers that look like years
    ],
)
def test_measurable(text, measure):
    report = check_statement(text)
    assert report.is_measurable
    assert "kr.not_measurable" not in report.codes
    assert any(measure in m for m in report.details["measures"])


@pytest.mark.parametrize(
    "text",
    [
        "Improve the onboarding experience",
        "Increase revenue before 2026-03-31",  # ISO date is a deadline, not a measure
        "Grow enterprise revenue by 15 March",  # written date
        "Lift NPS by the end of Q4",  # quarter label
        "Reduce P1 incidents on iOS 17",  # severity label and product version
        "Reduce crashes in release 4.2",  # release number
        "Improve day-7 retention",  # cohort label
        "Achieve SOC 2 compliance",  # standard name
        "Make customers happier than anyone else",
        "Draft the 2026 hiring plan",  # a year used as an adjective
    ],
)
def test_not_measurable(text):
    report = check_statement(text)
    assert not report.is_measurable
    finding = next(f for f in report.findings if f.code == "kr.not_measurable")
    assert finding.severity == "error"


# --- kr.vague --------------------------------------------------------------------------------

def test_vague_intensifier_without_number_is_named():
    report = check_statement("Dramatically improve search relevance")
    vague = next(f for f in report.findings if f.code == "kr.vague")
    assert "dramatically" in vague.message
    assert "'dramatically'" in vague.suggestion


def test_vague_word_next_to_a_number_is_not_flagged():
    assert "kr.vague" not in codes("Significantly cut churn, from 6% to 3%")


# --- kr.no_baseline --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Reduce churn from 6% to 3%",
        "Reduce churn to 3% (from 6%)",
        "Reduce churn to 3%, currently 6%",
        "Churn: 6% to 3%",
        "Churn 6% \u2192 3%",
        "Reduce churn to 3%, down from 6%",
    ],
)
def test_baseline_present(text):
    assert "kr.no_baseline" not in codes(text)


@pytest.mark.parametrize(
    "text", ["Reduce churn to 3%", "Churn below 3%", "Cut churn by 2 points", "Halve churn"]
)
def test_baseline_missing(text):
    report = check_statement(text)
    finding = next(f for f in report.findings if f.code == "kr.no_baseline")
    assert finding.severity == "info"
    assert report.details["has_target"]


# --- kr.no_metric ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Increase from 14 to 5", "Get it to 90%", "Reach 10,000"])
def test_metric_missing(text):
    assert "kr.no_metric" in codes(text)


@pytest.mark.parametrize(
    "text", ["Increase NPS from 14 to 25", "Get churn to 2%", "Reach 10,000 paying users"]
)
def test_metric_named(text):
    assert "kr.no_metric" not in codes(text)


# --- kr.no_deadline --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Raise NPS from 30 to 40 by 2025-12-31",
        "Raise NPS from 30 to 40 by 31/12",
        "Raise NPS from 30 to 40 by December 31st, 2025",
        "Raise NPS from 30 to 40 by 1 December",
        "Raise NPS from 30 to 40 in Q2",
        "Raise NPS from 30 to 40 by the end of the year",
        "Raise NPS from 30 to 40 this quarter",
        "Raise NPS from 30 to 40 in FY26",
    ],
)
def test_deadline_present(text):
    report = check_statement(text)
    assert "kr.no_deadline" not in report.codes
    assert report.details["has_deadline"]


def test_deadline_missing_unless_the_cycle_supplies_it():
    text = "Raise NPS from 30 to 40"
    assert "kr.no_deadline" in codes(text)
    assert "kr.no_deadline" not in codes(text, cycle="2025-Q4")
    assert check_statement(text, cycle="2025-Q4").cycle == "2025-Q4"


def test_duration_is_not_a_deadline():
    assert "kr.no_deadline" in codes("Answer 90% of tickets within 4 hours")


# --- score -----------------------------------------------------------------------------------

def test_score_orders_statements_by_quality():
    perfect = check_statement("Cut onboarding time from 14 to 5 days", cycle="Q3").score
    no_baseline = check_statement("Cut onboarding time to 5 days", cycle="Q3").score
    vague = check_statement("Cut onboarding time", cycle="Q3").score
    task = check_statement("Launch the new onboarding process", cycle="Q3").score
    assert perfect == 1.0
    assert 1.0 > no_baseline > vague > task >= 0.0
