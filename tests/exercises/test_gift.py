"""GIFT import/export: every documented construct, round trips, and all-or-nothing errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.exercises.content import load_bank
from workshop.exercises.gift import GiftError, GiftExportError, export_gift, parse_gift
from workshop.exercises.grading import grade
from workshop.exercises.model import (
    AcceptedAnswer,
    MatchPair,
    NumericAnswer,
    Option,
    Question,
    make_id,
)

FIXTURE = Path(__file__).parent / "data" / "all_constructs.gift"
BANK = Path(__file__).parents[2] / "exercises"


@pytest.fixture(scope="module")
def imported() -> dict[str, Question]:
    return {q.slug: q for q in parse_gift(FIXTURE.read_text(encoding="utf-8"))}


def by_text(question: Question) -> dict[str, Option]:
    return {o.text: o for o in question.options}


def test_fixture_imports_every_question_in_order(imported):
    assert list(imported) == [
        "okr-origin", "good-objective", "tf-t", "tf-true", "tf-f", "tf-false", "short", "match",
        "num-tolerance", "num-range", "num-weighted", "question-53", "escapes-all-of-them",
        "essay", "essay-with-feedback", "short-missing-word",
    ]  # fmt: skip


def test_single_choice_with_weights_feedback_title_tags_and_category(imported):
    q = imported["okr-origin"]
    assert (q.type, q.title, q.text_format) == ("single_choice", "OKR origin", "moodle")
    assert q.tags == ("history", "basics")
    assert q.category == "$course$/top/OKR basics"
    options = by_text(q)
    assert {t: o.weight for t, o in options.items()} == {
        "Management by Objectives": 1.0,
        "The Balanced Scorecard": 0.0,
        "Scrum": -0.5,
        "Lean management": 0.25,
    }
    assert options["Scrum"].feedback == "OKRs complement Scrum; they did not come from it."
    assert q.explanation == "Grove adapted MBO at Intel; John Doerr took it to Google."
    assert grade(q, options["Lean management"].id).score == 0.25
    assert grade(q, options["Scrum"].id).score == 0.0


def test_tilde_only_answers_become_multiple_choice_with_negative_weight(imported):
    q = imported["good-objective"]
    assert (q.type, q.text_format) == ("multiple_choice", "markdown")
    assert q.prompt == "Which qualities make a **strong** Objective?"
    weights = {t: o.weight for t, o in by_text(q).items()}
    assert weights == {"Qualitative": 0.5, "Inspiring": 0.5, "Contains the target number": -1.0}


@pytest.mark.parametrize(
    ("slug", "truth", "on_true", "on_false", "explanation"),
    [
        ("tf-t", True, "", "", ""),
        ("tf-true", True, "Right.", "It is a number from 0 to 1.", ""),
        ("tf-f", False, "Tying OKRs to pay invites sandbagging.", "Right.",
         "See the FAQ on compensation."),
        ("tf-false", False, "", "", ""),
    ],
)  # fmt: skip
def test_true_false_spellings_and_wrong_then_right_feedback(
    imported, slug, truth, on_true, on_false, explanation
):
    q = imported[slug]
    assert q.type == "true_false"
    true, false = q.options
    assert (true.weight, false.weight) == ((1.0, 0.0) if truth else (0.0, 1.0))
    assert (true.feedback, false.feedback) == (on_true, on_false)
    assert q.explanation == explanation
    assert grade(q, truth).is_correct and not grade(q, not truth).is_correct


def test_short_answer_alternatives_and_partial_weight(imported):
    q = imported["short"]
    assert q.accepted_answers == (
        AcceptedAnswer("Objectives and Key Results", 1.0, "Right."),
        AcceptedAnswer("Objectives & Key Results", 1.0, ""),
        AcceptedAnswer("Objective and Key Result", 0.5, "Almost: both are plural."),
    )
    assert grade(q, "objectives and key results.").score == 1.0
    assert grade(q, "Objective and key result").score == 0.5


def test_matching_pairs_and_distractor(imported):
    q = imported["match"]
    assert q.type == "matching"
    assert [c.text for c in q.choices] == ["Objective", "Key Result", "Task", "Initiative"]
    assert [(p.prompt, p.answer) for p in q.pairs][2] == (
        "Launch the new onboarding process",
        make_id("Task"),
    )
    assert q.explanation == "Tasks are outputs; Key Results measure outcomes."
    answer = {p.id: p.answer for p in q.pairs}
    assert grade(q, answer).score == 1.0


def test_numerical_tolerance_range_and_weighted_answers(imported):
    assert imported["num-tolerance"].numeric_answers == (NumericAnswer(0.7, 0.05, 1.0, ""),)
    assert imported["num-range"].numeric_answers == (NumericAnswer(22.5, 7.5, 1.0, ""),)
    weighted = imported["num-weighted"]
    assert weighted.numeric_answers == (
        NumericAnswer(3.0, 0.0, 1.0, "Right: one to three."),
        NumericAnswer(4.0, 0.0, 0.5, "Close, but the FAQ says at most three."),
    )
    assert weighted.fallback_feedback == "The FAQ says 1 to 3 Objectives."
    assert grade(imported["num-range"], 15).score == 1.0
    assert grade(imported["num-range"], 31).score == 0.0
    assert grade(weighted, "4").score == 0.5
    assert grade(weighted, 9).feedback[0].message == "The FAQ says 1 to 3 Objectives."


def test_missing_word_keeps_a_blank_where_the_answers_were(imported):
    q = imported["question-53"]
    assert q.prompt == "Teams should hold check-ins every _____ to surface blockers early."
    assert q.prompt[q.blank_at :].startswith("_____ to surface")
    assert q.type == "single_choice"
    short = imported["short-missing-word"]
    assert (short.type, short.prompt) == (
        "short_answer",
        "The end-of-cycle meeting is called a _____ by most teams.",
    )


def test_escapes_in_title_text_answers_and_feedback(imported):
    q = imported["escapes-all-of-them"]
    assert q.title == "Escapes: all of them"
    assert q.prompt == "Literal ~ = # { } : and a backslash \\ and a line\nbreak"
    assert by_text(q)["a = b"].feedback == "feedback with # and {braces}"
    assert "c ~ d" in by_text(q)


def test_essays_are_kept_and_graded_as_needing_review(imported):
    essay, with_feedback = imported["essay"], imported["essay-with-feedback"]
    assert (essay.type, essay.text_format, essay.category) == (
        "essay",
        "html",
        "$course$/top/Coaching",
    )
    assert with_feedback.text_format == "plain"
    assert with_feedback.explanation == "A coach reviews essays."
    result = grade(essay, "I would start with a leadership alignment session.")
    assert result.needs_review and result.score == 0.0 and not result.is_correct


def test_export_then_import_gives_the_same_questions(imported):
    questions = list(imported.values())
    text = export_gift(questions)
    assert parse_gift(text) == questions
    assert export_gift(parse_gift(text)) == text


def test_bank_questions_survive_export(tmp_path):
    bank = load_bank(BANK)
    exportable = [q for q in bank.questions if q.type not in ("ordering", "free_text")]
    back = {q.slug: q for q in parse_gift(export_gift(exportable))}
    for question in exportable:
        again = back[question.slug]
        assert (again.type, again.prompt, again.title) == (
            question.type,
            question.prompt,
            question.title,
        )
        assert again.explanation == question.explanation
        assert [(o.text, o.weight, o.feedback) for o in again.options] == [
            (o.text, o.weight, o.feedback) for o in question.options
        ]
        assert again.numeric_answers == question.numeric_answers


def test_ordering_and_free_text_cannot_be_exported():
    bank = load_bank(BANK)
    ordering = next(q for q in bank.questions if q.type == "ordering")
    with pytest.raises(GiftExportError, match=ordering.slug):
        export_gift([ordering])


BROKEN = """// line 1
::Unclosed:: What is an OKR? {=Objectives and Key Results

::Bad weight::Pick {~%abc%one =two}

::Bad number::Score? {#0.7:x}

::Lower case::OKRs are agile. {true}

::No arrow::Match {=a -> b =c}

::Weights::Pick all {~%50%a ~%20%b ~c}

Just a description without answers.

::Good::This one is fine {T}
"""


def test_every_problem_is_reported_with_its_line_and_nothing_is_imported():
    with pytest.raises(GiftError) as caught:
        parse_gift(BROKEN)
    problems = [(p.line, p.message) for p in caught.value.problems]
    expected = [
        (2, "never closed"),
        (4, "a weight is a percentage"),
        (6, "'x' is not a number"),
        (8, "T, TRUE, F or FALSE in capitals"),
        (10, "=statement -> match"),
        (12, "add up to 70%"),
        (14, "descriptions cannot be imported"),
    ]
    assert len(problems) == len(expected)
    for (line, message), (want_line, fragment) in zip(problems, expected, strict=True):
        assert line == want_line and fragment in message
    assert "line 6: 'x' is not a number" in str(caught.value)


def test_windows_newlines_bom_and_urls_in_text():
    text = "\ufeff::Link::See https\\://example.com/okr {T}\r\n\r\n::Two::Second {F}\r\n"
    first, second = parse_gift(text)
    assert first.prompt == "See https://example.com/okr"
    assert second.title == "Two" and second.options[1].weight == 1.0


def test_duplicate_ids_are_refused():
    with pytest.raises(GiftError, match="line 4: the id 'q1' is used by an earlier question"):
        parse_gift("// [id:q1]\nOne {T}\n\n// [id:q1]\nTwo {F}\n")


# Texts full of GIFT's special characters; GIFT strips the ends of every text.
texts = (
    st.text(alphabet="ab ~=#{}:\\%[]->\nç", min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda t: t and "->" not in t)
)


@st.composite
def gift_questions(draw) -> Question:
    kind = draw(st.sampled_from(["single_choice", "multiple_choice", "true_false", "numerical",
                                 "short_answer", "matching", "essay"]))  # fmt: skip
    fields: dict = {}
    if kind in ("single_choice", "multiple_choice"):
        labels = draw(st.lists(texts, min_size=2, max_size=4, unique_by=make_id))
        if kind == "single_choice":
            weights = [1.0] + [draw(st.sampled_from([0.0, 0.5, -0.25])) for _ in labels[1:]]
            weights[-1] = 0.0
        else:
            weights = [1.0 / len(labels)] * (len(labels) - 1) + [-0.5]
            weights[0] += 1.0 - sum(w for w in weights if w > 0)
        fields["options"] = tuple(
            Option(make_id(t), t, round(w, 7), draw(st.sampled_from(["", "why"])))
            for t, w in zip(labels, weights, strict=True)
        )
    elif kind == "true_false":
        truth = draw(st.booleans())
        fields["options"] = (
            Option("true", "True", float(truth), draw(st.sampled_from(["", "t#x"]))),
            Option("false", "False", float(not truth), draw(texts)),
        )
    elif kind == "numerical":
        value = draw(st.floats(-1e6, 1e6, allow_nan=False))
        fields["numeric_answers"] = (NumericAnswer(value, draw(st.floats(0, 100)), 1.0, "ok"),)
        fields["fallback_feedback"] = draw(st.sampled_from(["", "no {way}"]))
    elif kind == "short_answer":
        fields["accepted_answers"] = (AcceptedAnswer(draw(texts), 1.0, ""),
                                      AcceptedAnswer(draw(texts), 0.5, "half"))  # fmt: skip
    elif kind == "matching":
        lefts = draw(st.lists(texts, min_size=2, max_size=3, unique_by=make_id))
        rights = draw(st.lists(texts, min_size=2, max_size=3, unique_by=make_id))
        fields["pairs"] = tuple(
            MatchPair(make_id(left), left, make_id(rights[i % len(rights)]))
            for i, left in enumerate(lefts)
        )
        used = list(dict.fromkeys(rights[i % len(rights)] for i in range(len(lefts))))
        extra = [r for r in rights if r not in used]
        fields["choices"] = tuple(Option(make_id(t), t) for t in used + extra)
    return Question(
        slug=draw(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)),
        type=kind,
        prompt=draw(texts),
        title=draw(st.sampled_from(["", "Title: {x}"])),
        text_format=draw(st.sampled_from(["moodle", "markdown", "html", "plain"])),
        explanation=draw(st.sampled_from(["", "General # feedback"])),
        category=draw(st.sampled_from(["", "$course$/top/A"])),
        **fields,
    )


@settings(deadline=None, max_examples=150)
@given(gift_questions())
def test_any_exportable_question_round_trips(question):
    assert parse_gift(export_gift([question])) == [question]
