"""The exercise bank on disk: it loads, covers the syllabus, and problems name file and line."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from workshop.exercises.content import BankError, load_bank, validate_bank
from workshop.exercises.grading import grade
from workshop.exercises.markdown import render_text
from workshop.exercises.model import Question

BANK = Path(__file__).parents[2] / "exercises"
SEEDS = {
    "000_543197856bc84639.txt",
    "001_885d2bd3956d8930.txt",
    "002_471912568df8545b.txt",
    "003_2046d502e99f61bc.txt",
    "004_d210fe4d8fb6a9cb.txt",
}


@pytest.fixture(scope="module")
def bank():
    return load_bank(BANK)


def full_marks_answer(q: Question) -> Any:
    """The answer a well-prepared trainee would give."""
    if q.type == "single_choice":
        return next(o.id for o in q.options if o.weight == 1.0)
    if q.type == "multiple_choice":
        return [o.id for o in q.options if o.weight > 0]
    if q.type == "true_false":
        return next(o.id for o in q.options if o.weight == 1.0)
    if q.type == "matching":
        return {p.id: p.answer for p in q.pairs}
    if q.type == "ordering":
        return [o.id for o in q.options]
    if q.type == "numerical":
        return next(a.value for a in q.numeric_answers if a.weight == 1.0)
    if q.type == "short_answer":
        return next(a.text for a in q.accepted_answers if a.weight == 1.0)
    return q.rubric.example


def test_the_bank_is_valid(bank):
    assert validate_bank(BANK) == []
    assert len(bank.questions) >= 60


def test_every_question_type_is_used_several_times(bank):
    counts = Counter(q.type for q in bank.questions)
    assert set(counts) == {"single_choice", "multiple_choice", "true_false", "matching",
                           "ordering", "numerical", "short_answer", "free_text"}  # fmt: skip
    assert min(counts.values()) >= 5


def test_sets_have_titles_topics_and_attempt_rules(bank):
    assert len(bank.sets) >= 5
    assert [s.order for s in bank.sets] == sorted(s.order for s in bank.sets)
    for exercise_set in bank.sets:
        assert exercise_set.title and exercise_set.topic and exercise_set.description
        assert exercise_set.rules.grade_kept in ("highest", "last")
        assert 0 < exercise_set.rules.pass_mark <= 1 and exercise_set.rules.max_attempts >= 1
        assert len(exercise_set.questions) >= 8
    assert bank.get_set("okr-foundations").rules.time_limit_minutes == 15


def test_every_question_cites_a_seed_and_explains_itself(bank):
    for q in bank.questions:
        assert q.source in SEEDS, q.slug
        assert q.explanation and q.title, q.slug
        if q.type in ("single_choice", "multiple_choice"):
            assert all(o.feedback for o in q.options), q.slug


def test_every_question_can_be_answered_with_full_marks(bank):
    for q in bank.questions:
        result = grade(q, full_marks_answer(q))
        assert (result.score, result.is_correct) == (1.0, True), q.slug
        assert result.explanation == q.explanation


def test_questions_are_found_by_stable_slug_and_version(bank):
    q = bank.get_question("score-seven-of-ten")
    assert grade(q, 0.7).score == 1.0
    again = load_bank(BANK).get_question("score-seven-of-ten")
    assert again.version == q.version and len(q.version) == 16
    assert len({q.version for q in bank.questions}) == len(bank.questions)
    with pytest.raises(KeyError, match="no question"):
        bank.get_question("does-not-exist")


def test_version_follows_graded_content_only(bank):
    q = bank.get_question("okr-roots-in-mbo")
    reworded = dataclasses.replace(q, explanation="New wording", title="New title")
    assert reworded.version == q.version
    options = (dataclasses.replace(q.options[0], weight=0.5), *q.options[1:])
    assert dataclasses.replace(q, options=options).version != q.version


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


SET_TOML = """title = "Basics"
topic = "Basics"
description = "A test set."
questions = ["one", "two"]

[rules]
max_attempts = 3
grade_kept = "best"
pass_mark = 1.5
"""

GOOD_QUESTION = """+++
type = "true_false"
title = "Grove"
source = "001_885d2bd3956d8930.txt"
explanation = "Intel."
answer = true
+++
Andy Grove worked at Intel.
"""

BAD_QUESTION = """+++
type = "single_choice"
title = "Bad"
source = "somewhere"
explanation = "x"
colour = "blue"

[[options]]
text = "Right"
correct = true

[[options]]
text = "Too negative"
weight = -1.5
+++
Which one?
"""


def test_each_problem_names_its_file_and_line(tmp_path):
    root = tmp_path / "exercises"
    write(root, "basics/set.toml", SET_TOML)
    write(root, "basics/one.md", GOOD_QUESTION)
    write(root, "basics/two.md", BAD_QUESTION)
    write(root, "basics/stray.md", GOOD_QUESTION)
    write(root, "more/set.toml", SET_TOML.replace('"one", "two"', '"one", "ghost"'))
    write(root, "more/one.md", GOOD_QUESTION.replace("answer = true", "answer = 1"))
    problems = [str(p) for p in validate_bank(root)]
    assert problems == [
        "exercises/basics/set.toml:8: grade_kept must be highest or last",
        "exercises/basics/set.toml:9: pass_mark must be between 0 and 1",
        "exercises/basics/two.md:6: unknown key 'colour' (allowed: explanation, options, shuffle, "
        "source, tags, title, type)",
        "exercises/basics/two.md:4: source names a seed file, e.g. 004_d210fe4d8fb6a9cb.txt",
        "exercises/basics/two.md:12: option 2 weight must be between -1 and 1",
        "exercises/basics/stray.md:1: not listed in set.toml questions",
        "exercises/more/set.toml:8: grade_kept must be highest or last",
        "exercises/more/set.toml:9: pass_mark must be between 0 and 1",
        "exercises/more/one.md:6: 'answer' must be a bool",
        "exercises/more/set.toml:4: listed question 'ghost' has no file ghost.md",
    ]
    with pytest.raises(BankError) as caught:
        load_bank(root)
    assert "exercises/basics/two.md:12: option 2 weight" in str(caught.value)


def test_broken_toml_essays_and_duplicates_are_reported(tmp_path):
    root = tmp_path / "exercises"
    rules = '\n[rules]\nmax_attempts = 1\ngrade_kept = "last"\npass_mark = 0.5\n'
    head = 'title = "T"\ntopic = "T"\ndescription = "D"\n'
    write(root, "a/set.toml", head + 'questions = ["one", "essay", "broken"]\n' + rules)
    write(root, "a/one.md", GOOD_QUESTION)
    write(root, "a/essay.md", GOOD_QUESTION.replace('"true_false"', '"essay"'))
    write(root, "a/broken.md", '+++\ntype = "numerical"\ntitle = "oops\n+++\nHow many?\n')
    write(root, "b/set.toml", head + 'questions = ["one"]\n' + rules)
    write(root, "b/one.md", GOOD_QUESTION)
    write(root, "c/set.toml", head + "questions = [\n")
    problems = [str(p) for p in validate_bank(root)]
    assert problems[0].startswith("exercises/a/essay.md:2: essay questions need a human reviewer")
    assert problems[1].startswith("exercises/a/broken.md:3: invalid TOML")
    assert problems[2] == (
        "exercises/b/one.md:1: question slug 'one' is also used in exercises/a/one.md"
    )
    assert problems[3].startswith("exercises/c/set.toml:4: invalid TOML")
    assert len(problems) == 4


def test_missing_rules_and_empty_prompt(tmp_path):
    root = tmp_path / "exercises"
    write(root, "a/set.toml", 'title = "T"\ntopic = "T"\ndescription = "D"\nquestions = ["one"]\n')
    write(root, "a/one.md", GOOD_QUESTION.replace("Andy Grove worked at Intel.\n", ""))
    problems = [str(p) for p in validate_bank(root)]
    assert problems == [
        "exercises/a/set.toml:1: missing [rules] table (max_attempts, grade_kept, pass_mark, "
        "optional time_limit_minutes)",
        "exercises/a/one.md:8: the Markdown prompt after the front matter is empty",
        "exercises/a/one.md:8: the question text is empty",
    ]


def test_prompts_render_as_safe_html(bank):
    html = render_text(bank.get_question("what-a-key-result-measures").prompt)
    assert html == "<p>What does a Key Result measure?</p>\n"
    assert "<strong>OKR</strong>" in render_text(bank.get_question("okr-stands-for").prompt)
    hostile = "Hi <script>alert(1)</script> [x](javascript:alert(1))"
    assert "<script>" not in render_text(hostile) and "href" not in render_text(hostile)
    assert (
        render_text('<b>ok</b><img src=x onerror="alert(1)">', "html") == '<b>ok</b><img src="x">'
    )
    assert render_text("a < b\nc", "plain") == "<p>a &lt; b<br>\nc</p>"
