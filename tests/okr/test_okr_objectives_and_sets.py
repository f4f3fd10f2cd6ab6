"""Objective rules (obj.*) and OKR-set rules (set.*), with positive and negative cases."""

from __future__ import annotations

import pytest

from workshop.okr import Finding, check_set, check_statement


def obj(text: str):
    return check_statement(text, "objective")


# --- obj.task --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Roll out the new CRM system",  # seed 004 Q11
        "Implement a customer data platform",
        "Build the new partner API",
        "Create an internal wiki",
        "Kick off the warehouse automation project",
        "Completion of the ERP migration",
    ],
)
def test_objective_that_is_a_task(text):
    report = obj(text)
    assert report.is_task
    assert report.findings[0].code == "obj.task"
    assert report.findings[0].severity == "error"


@pytest.mark.parametrize(
    "text",
    [
        "Become the fastest-responding sales team in our category",  # seed 004 Q11
        "Build a team customers brag about",
        "Create an effortless first week for every new hire",
        "Make our mobile app the fastest way to pay a bill",
        "Win the hearts of independent bookshops",
    ],
)
def test_inspiring_objective_is_not_a_task(text):
    report = obj(text)
    assert not report.is_task
    assert "obj.task" not in report.codes


# --- obj.numeric -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text", ["Grow revenue by 30%", "Reach $5M ARR", "Double our customer base", "Hit 50k users"]
)
def test_numeric_objective(text):
    report = obj(text)
    assert "obj.numeric" in report.codes
    assert report.is_measurable


@pytest.mark.parametrize(
    "text",
    [
        "Delight our customers in 2026",  # a year is not a target
        "Be the number one choice for first-time buyers",
        "Make Q3 the quarter we fix onboarding",
    ],
)
def test_qualitative_objective_is_not_numeric(text):
    assert "obj.numeric" not in obj(text).codes


# --- obj.too_long / obj.too_short -------------------------------------------------------------

def test_long_objective():
    text = (
        "Become the most trusted and best loved provider of accounting software for freelancers,"
        " small agencies and growing studios across Europe and North America"
    )
    finding = next(f for f in obj(text).findings if f.code == "obj.too_long")
    assert "23 words" in finding.message


def test_concise_objective_is_not_too_long():
    codes = obj("Make every customer's first week feel effortless").codes
    assert "obj.too_long" not in codes
    assert "obj.too_short" not in codes


def test_one_word_objective_is_too_short():
    assert obj("Growth").codes == ("obj.too_short",)


def test_objective_rules_do_not_apply_key_result_rules():
    codes = obj("Delight our customers").codes
    assert not any(code.startswith("kr.") for code in codes)


# --- check_set --------------------------------------------------------------------------------

def okr(n_krs: int, text: str = "Delight new customers") -> dict:
    return {"text": text, "key_results": [f"Raise NPS from {i} to {i + 10}" for i in range(n_krs)]}


def set_codes(objectives) -> list[str]:
    return [f.code for f in check_set(objectives)]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_one_to_three_objectives_with_two_to_four_krs_is_clean(n):
    assert check_set([okr(2 + i % 3) for i in range(n)]) == ()


def test_four_objectives_warn_with_the_seed_reasoning():
    findings = check_set([okr(3)] * 4)
    assert [f.code for f in findings] == ["set.too_many_objectives"]
    assert findings[0].severity == "warning"
    assert "4 Objectives" in findings[0].message
    assert "If everything is a priority, nothing is." in findings[0].message


def test_seven_objectives_are_an_error():
    finding = check_set([okr(3)] * 7)[0]
    assert finding.code == "set.too_many_objectives"
    assert finding.severity == "error"


def test_no_objectives():
    assert set_codes([]) == ["set.no_objectives"]


@pytest.mark.parametrize(("n_krs", "code"), [(0, "set.too_few_key_results"),
                                             (1, "set.too_few_key_results"),
                                             (5, "set.too_many_key_results"),
                                             (9, "set.too_many_key_results")])
def test_key_result_counts_outside_two_to_four(n_krs, code):
    findings = check_set([okr(3), okr(n_krs)])
    assert [f.code for f in findings] == [code]
    assert findings[0].location == "objective 2"
    assert str(n_krs) in findings[0].message


def test_too_many_key_results_gives_the_seed_reasoning():
    message = check_set([okr(5)])[0].message
    assert "If everything is a priority, nothing is." in message


def test_missing_key_results_key_counts_as_none():
    assert set_codes([{"text": "Delight new customers"}]) == ["set.too_few_key_results"]


def test_include_statements_adds_located_statement_findings():
    findings = check_set(
        [{"text": "Roll out the new CRM system",
          "key_results": ["Launch the CRM", "Raise NPS from 30 to 40"]}],
        include_statements=True,
        cycle="2025-Q3",
    )
    located = {(f.location, f.code) for f in findings}
    assert ("objective 1", "obj.task") in located
    assert ("objective 1, key result 1", "kr.activity") in located
    assert not any(f.location == "objective 1, key result 2" for f in findings)


def test_set_rejects_malformed_input():
    with pytest.raises(TypeError):
        check_set("Delight customers")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_set(["Delight customers"])  # type: ignore[list-item]


def test_finding_to_dict():
    finding = Finding("set.no_objectives", "error", "No Objectives.", None, None)
    assert finding.to_dict() == {
        "code": "set.no_objectives",
        "severity": "error",
        "message": "No Objectives.",
        "suggestion": None,
        "location": None,
    }
