"""The ``okr check`` command, driven through click's test runner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from workshop.okr.cli import okr_cli


def run(*args: str):
    return CliRunner().invoke(okr_cli, list(args))


def test_check_prints_findings():
    result = run("check", "Reduce time-to-first-value from 14 to 5 days")
    assert result.exit_code == 0
    assert 'Key Result: "Reduce time-to-first-value from 14 to 5 days"' in result.output
    assert "task: no  measurable: yes  language: en" in result.output
    assert "kr.no_deadline" in result.output
    assert "-> By when?" in result.output


def test_check_task_shows_coaching_question():
    result = run("check", "Launch the new onboarding process")
    assert result.exit_code == 0
    assert "error    kr.activity" in result.output
    assert "If we achieve this, what will be measurably different?" in result.output


def test_check_json():
    result = run("check", "--json", "Reduce time-to-first-value from 14 to 5 days")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["kind"] == "key_result"
    assert data["is_task"] is False
    assert data["is_measurable"] is True
    assert [f["code"] for f in data["findings"]] == ["kr.no_deadline"]


def test_check_objective_and_cycle():
    result = run("check", "--kind", "objective", "Roll out the new CRM system")
    assert result.exit_code == 0
    assert "obj.task" in result.output
    clean = run("check", "--cycle", "2025-Q3", "Reduce churn from 5% to 3%")
    assert "no findings" in clean.output
    assert "score 1.00" in clean.output


def test_non_english_reports_unknown_language():
    result = run("check", "--json", "Kundenzufriedenheit von 70% auf 85% erh\u00f6hen")
    assert result.exit_code == 0
    assert json.loads(result.output)["findings"][0]["message"] == (
        "unknown language: rules not applied"
    )


def test_bad_kind_is_a_usage_error():
    result = run("check", "--kind", "initiative", "Raise NPS")
    assert result.exit_code == 2
    assert "Invalid value for '--kind'" in result.output


def test_group_help():
    result = run("--help")
    assert result.exit_code == 0
    assert "check" in result.output
