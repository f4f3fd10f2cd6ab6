"""``workshop okr ...`` commands (plain click; registered on the ``workshop`` console script).

>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(okr_cli, ["check", "Launch the new onboarding process"])
>>> "kr.activity" in result.output, result.exit_code
(True, 0)
"""

from __future__ import annotations

import json

import click

from .checker import KINDS, Report, check_statement

okr_cli = click.Group(
    "okr",
    help="OKR quality checker: spot Key Results that are tasks, missing numbers and more.",
)

_LABELS = {"key_result": "Key Result", "objective": "Objective"}


def format_report(report: Report) -> str:
    """Human-readable, multi-line rendering of a report (what ``okr check`` prints)."""
    yes_no = {True: "yes", False: "no"}
    lines = [
        f'{_LABELS[report.kind]}: "{report.text.strip()}"',
        f"score {report.score:.2f}  task: {yes_no[report.is_task]}  "
        f"measurable: {yes_no[report.is_measurable]}  language: {report.language}",
    ]
    if not report.findings:
        lines.append("  no findings")
    for finding in report.findings:
        lines.append(f"  {finding.severity:<8} {finding.code:<18} {finding.message}")
        if finding.suggestion:
            lines.append(f"  {'':<8} {'':<18} -> {finding.suggestion}")
    return "\n".join(lines)


@okr_cli.command("check")
@click.argument("text")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="key_result",
    show_default=True,
    help="Whether TEXT is meant as a Key Result or an Objective.",
)
@click.option("--cycle", default=None, help="Cycle the statement belongs to (supplies a deadline).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check_command(text: str, kind: str, cycle: str | None, as_json: bool) -> None:
    """Check one OKR statement and print the findings.

    Example: workshop okr check "Reduce time-to-first-value from 14 to 5 days"
    """
    report = check_statement(text, kind, cycle=cycle)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_report(report))
