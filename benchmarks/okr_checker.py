"""Precision and recall of the OKR checker on the labelled evaluation set.

Usage::

    python benchmarks/okr_checker.py              # table for the dev and held-out test splits
    python benchmarks/okr_checker.py --errors     # also list every misclassified statement
    python benchmarks/okr_checker.py --split dev  # one split only

The evaluation set is ``tests/okr/eval_set.csv`` (fields: text, kind, is_task, is_measurable,
category, split).  Two labels are measured:

* "is a task": positive when the statement is an activity/deliverable; all rows (Key Results
  and Objectives), compared with ``Report.is_task``.
* "is not measurable": positive when a Key Result has no measure; Key Result rows only,
  compared with ``not Report.is_measurable``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL_SET = ROOT / "tests" / "okr" / "eval_set.csv"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, predicted: bool) -> None:
        if expected and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn


def load_eval_set(path: Path = EVAL_SET) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def evaluate(rows: list[dict[str, str]], split: str) -> tuple[dict[str, Counts], list[str]]:
    """Counts per label for one split, and a description of every error."""
    from workshop.okr import check_statement

    counts = {"is a task": Counts(), "is not measurable": Counts()}
    errors: list[str] = []
    for row in rows:
        if row["split"] != split:
            continue
        report = check_statement(row["text"], row["kind"])
        expected_task = row["is_task"] == "1"
        counts["is a task"].add(expected_task, report.is_task)
        if expected_task != report.is_task:
            errors.append(f"  task={report.is_task!s:5} expected={expected_task!s:5} "
                          f"[{row['kind']}] {row['text']!r}")
        if row["kind"] == "key_result":
            expected = row["is_measurable"] != "1"
            counts["is not measurable"].add(expected, not report.is_measurable)
            if expected != (not report.is_measurable):
                errors.append(f"  not_measurable={not report.is_measurable!s:5} "
                              f"expected={expected!s:5} [{row['kind']}] {row['text']!r}")
    return counts, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], action="append")
    parser.add_argument("--errors", action="store_true", help="list misclassified statements")
    parser.add_argument("--eval-set", type=Path, default=EVAL_SET)
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    rows = load_eval_set(args.eval_set)
    splits = args.split or ["dev", "test"]
    print(f"OKR checker benchmark on {args.eval_set.relative_to(ROOT)} ({len(rows)} statements)")
    print(f"{'split':<6} {'label':<18} {'n':>4} {'tp':>4} {'fp':>4} {'fn':>4} "
          f"{'precision':>9} {'recall':>7}")
    all_errors: list[str] = []
    for split in splits:
        counts, errors = evaluate(rows, split)
        all_errors += [f"[{split}]{e}" for e in errors]
        for label, c in counts.items():
            print(f"{split:<6} {label:<18} {c.n:>4} {c.tp:>4} {c.fp:>4} {c.fn:>4} "
                  f"{c.precision:>9.3f} {c.recall:>7.3f}")
    if args.errors:
        print("\nMisclassified:" if all_errors else "\nNo misclassified statements.")
        print("\n".join(all_errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
