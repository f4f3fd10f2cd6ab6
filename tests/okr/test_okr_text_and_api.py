"""Text handling (normalisation, language, numbers, dates), the public API and rules loading."""

from __future__ import annotations

import ast
import dataclasses
import doctest
import json
from pathlib import Path

import pytest

import workshop.okr
from workshop.okr import (
    Report,
    analysis,
    check_statement,
    checker,
    cli,
    default_rules,
    load_rules,
    rules,
)

PACKAGE = Path(workshop.okr.__file__).parent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  KR1:  Raise   NPS  ", "raise nps"),
        ("- Reduce churn", "reduce churn"),
        ("2) Reduce churn", "reduce churn"),
        ("Objective: Delight users", "delight users"),
        ("Churn 6 % \u2192 3 %", "churn 6 % to 3 %"),
        ("Churn 6% -> 3%", "churn 6% to 3%"),
        ("Customers\u2019 time\u2013to\u2013value", "customers' time-to-value"),
        ("\uff11\uff10\uff05 more", "10% more"),  # full-width digits (NFKC)
        ("1.5x faster checkout", "1.5x faster checkout"),  # a decimal is not a list label
    ],
)
def test_normalise(raw, expected):
    assert analysis.normalise(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Kundenzufriedenheit von 70% auf 85% erh\u00f6hen",
        "Augmenter le taux de conversion de 2% \u00e0 4%",
        "Reducir el tiempo de respuesta de 6 horas a 2 horas",
        "Verhogen van de klanttevredenheid naar 8 op 10",
        "提高客户满意度到90%",
        "Увеличить выручку на 20%",
        "زيادة المبيعات",
    ],
)
def test_non_english_is_not_judged(text):
    for kind in ("key_result", "objective"):
        report = check_statement(text, kind)
        assert report.language == "unknown"
        assert report.codes == ("lang.unknown",)
        assert report.findings[0].message == "unknown language: rules not applied"
        assert (report.is_task, report.is_measurable, report.score) == (False, False, 0.0)


@pytest.mark.parametrize(
    "text",
    [
        "Launch the Caf\u00e9 M\u00fcller loyalty app",  # accented names in English text
        "Grow revenue in M\u00fcnchen from \u20ac1m to \u20ac2m",
        "45%",  # no letters: nothing to misread
        "Reduce churn (\u6d41\u5931\u7387) from 5% to 3% by the end of the quarter",
    ],
)
def test_english_with_foreign_names_is_judged(text):
    assert check_statement(text).language == "en"


def test_empty_input():
    for text in ("", "   ", "\n\t"):
        report = check_statement(text)
        assert report.codes == ("input.empty",)
        assert report.score == 0.0


def test_kind_is_validated():
    with pytest.raises(ValueError, match="kind"):
        check_statement("Raise NPS", "initiative")
    with pytest.raises(TypeError):
        check_statement(None)  # type: ignore[arg-type]


def test_verb_forms():
    assert rules.verb_forms("roll out") >= {"roll out", "rolled out", "rolling out", "rolls out"}
    assert rules.verb_forms("hold", {"hold": ["held"]}) >= {"hold", "held", "holds"}
    assert rules.verb_forms("reduce") >= {"reduced", "reducing", "reduces"}
    assert rules.verb_forms("apply") >= {"applies", "applied"}


def test_report_is_frozen_and_json_able():
    report = check_statement("Raise NPS from 30 to 40 by 2025-12-31")
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.score = 0.5  # type: ignore[misc]
    task = check_statement("Launch X")
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.findings[0].code = "x"  # type: ignore[misc]
    data = json.loads(json.dumps(task.to_dict()))
    assert data["kind"] == "key_result"
    assert data["findings"][0]["code"] == "kr.activity"
    assert set(data) >= {"text", "language", "score", "is_task", "is_measurable", "findings"}
    assert isinstance(report, Report) and report.ok


def test_every_finding_code_is_configured_with_valid_severity():
    r = default_rules()
    for code, template in r.findings.items():
        assert template.severity in checker.SEVERITIES, code
        assert template.message, code
        assert code.split(".")[0] in {"kr", "obj", "set", "lang", "input"}


def test_rules_cite_the_seeds():
    text = (PACKAGE / "rules.toml").read_text(encoding="utf-8")
    for seed in ("004_d210fe4d8fb6a9cb.txt", "002_471912568df8545b.txt"):
        assert seed in text


def test_custom_rules_file_extends_the_checker(tmp_path):
    original = (PACKAGE / "rules.toml").read_text(encoding="utf-8")
    custom = original.replace('activity_verbs = [\n', 'activity_verbs = [\n  "brainstorm",\n', 1)
    path = tmp_path / "rules.toml"
    path.write_text(custom, encoding="utf-8")
    text = "Brainstorm pricing ideas"
    assert not check_statement(text).is_task
    assert check_statement(text, rules=load_rules(path)).is_task
    assert load_rules() is default_rules()


def test_package_is_pure():
    """No Flask, database or web imports anywhere in workshop/okr except click in cli.py."""
    forbidden = {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "redis", "psycopg"}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                assert root not in forbidden, f"{path.name} imports {name}"
                assert root != "workshop", f"{path.name} imports {name} (use relative imports)"
                if root == "click":
                    assert path.name == "cli.py"


@pytest.mark.parametrize("module", [workshop.okr, analysis, checker, cli, rules])
def test_documented_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert module is rules or result.attempted > 0
