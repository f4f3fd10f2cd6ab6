"""Graders: scores, feedback, malformed answers, and properties that hold for every answer."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.exercises.grading import GRADERS, InvalidAnswer, grade, register
from workshop.exercises.model import (
    QUESTION_TYPES,
    AcceptedAnswer,
    MatchPair,
    NumericAnswer,
    Option,
    Question,
    Rubric,
    make_id,
    presentation_order,
)


def choice(kind: str, *weights: float, feedback: str = "") -> Question:
    options = tuple(Option(f"o{i}", f"Option {i}", w, feedback) for i, w in enumerate(weights))
    return Question("q", kind, "Pick", explanation="Because.", options=options)


def matching() -> Question:
    kinds = ("Objective", "Key Result", "Task")
    statements = [("Delight new customers", 0), ("Cut churn from 5% to 3%", 1),
                  ("Launch the new onboarding", 2), ("Roll out the CRM", 2)]  # fmt: skip
    pairs = tuple(MatchPair(f"p{i}", s, f"c{k}", f"fb{i}") for i, (s, k) in enumerate(statements))
    choices = tuple(Option(f"c{i}", t) for i, t in enumerate(kinds))
    return Question("m", "matching", "Sort", pairs=pairs, choices=choices)


ORDERING = Question("o", "ordering", "Order", options=tuple(Option(s, s.upper()) for s in "abcd"))
NUMERIC = Question(
    "n", "numerical", "Score?", fallback_feedback="Divide 7 by 10.",
    numeric_answers=(NumericAnswer(0.7, 0.001, 1.0, "Right"),
                     NumericAnswer(70, 0.0, 0.5, "Scores go from 0 to 1")),
)  # fmt: skip
SHORT = Question(
    "s", "short_answer", "Name it",
    accepted_answers=(AcceptedAnswer("Objectives and Key Results"),
                      AcceptedAnswer("OKR*", 0.5, "Spell it out"))
)  # fmt: skip
FREE = Question(
    "f", "free_text", "Rewrite 'Launch the new onboarding process' as a Key Result",
    rubric=Rubric("key_result", 0.7, forbidden=("kr.activity", "kr.not_measurable")),
)  # fmt: skip


def test_every_question_type_has_exactly_one_grader():
    assert set(GRADERS) == set(QUESTION_TYPES)
    with pytest.raises(ValueError, match="already registered"):
        register("single_choice")(lambda q, a: None)


def test_single_choice_scores_the_option_weight_and_shows_its_feedback():
    q = choice("single_choice", 1.0, 0.5, -0.5, feedback="See the FAQ.")
    assert grade(q, "o0").score == 1.0 and grade(q, "o0").is_correct
    partial = grade(q, "o1")
    assert (partial.score, partial.is_correct) == (0.5, False)
    assert partial.feedback[0].message == "See the FAQ." and partial.explanation == "Because."
    assert grade(q, "o2").score == 0.0


def test_multiple_choice_adds_weights_and_clamps_to_zero_and_one():
    q = choice("multiple_choice", 0.5, 0.5, -1.0, 0.0)
    assert grade(q, ["o0", "o1"]).score == 1.0
    assert grade(q, ["o1"]).score == 0.5
    assert grade(q, ["o0", "o1", "o2"]).score == 0.0
    assert grade(q, ["o0", "o2", "o3"]).score == 0.0  # 0.5 - 1.0 clamps to 0
    assert grade(q, []).score == 0.0
    assert grade(q, ["o0", "o3"]).feedback[-1].message == (
        "You chose 1 of 2 right options and 1 wrong one."
    )


def test_thirds_add_up_to_full_marks():
    q = choice("multiple_choice", 0.3333333, 0.3333333, 0.3333333, -1.0)
    result = grade(q, ["o2", "o0", "o1"])
    assert result.score == 1.0 and result.is_correct


@pytest.mark.parametrize(
    "answer",
    ["o9", 3, ["o0", "o0"], {"o0": 1}, "o0,o1", [["o0"]]],
)
def test_malformed_choice_answers_raise_invalid_answer(answer):
    with pytest.raises(InvalidAnswer):
        grade(choice("multiple_choice", 0.5, 0.5), answer)


def test_unanswered_scores_zero_for_every_type():
    for question in (choice("single_choice", 1, 0), matching(), ORDERING, NUMERIC, SHORT):
        result = grade(question, None)
        assert result.score == 0.0 and result.feedback[0].message == "Not answered."


def test_true_false_accepts_booleans_and_option_ids():
    q = Question(
        "t",
        "true_false",
        "0.7 is a success",
        options=(Option("true", "True", 1.0, "Yes"), Option("false", "False", 0.0, "No")),
    )
    assert grade(q, True).is_correct and grade(q, "true").is_correct
    assert grade(q, False).feedback[0].message == "No"
    with pytest.raises(InvalidAnswer):
        grade(q, "yes")


def test_matching_scores_the_share_of_right_pairs():
    q = matching()
    right = {"p0": "c0", "p1": "c1", "p2": "c2", "p3": "c2"}
    assert grade(q, right).score == 1.0
    half = grade(q, {"p0": "c0", "p1": "c1", "p2": "c0"})
    assert half.score == 0.5
    assert [f.is_correct for f in half.feedback] == [True, True, False, False]
    assert half.feedback[3].message == "Not answered."
    with pytest.raises(InvalidAnswer, match="not a choice"):
        grade(q, {"p0": "c7"})
    with pytest.raises(InvalidAnswer, match="not a statement"):
        grade(q, {"px": "c0"})


def test_ordering_scores_neighbouring_pairs():
    assert grade(ORDERING, ["a", "b", "c", "d"]).score == 1.0
    assert grade(ORDERING, ["d", "c", "b", "a"]).score == 0.0
    moved = grade(ORDERING, ["b", "c", "d", "a"])
    assert moved.score == pytest.approx(2 / 3)
    assert moved.feedback[2].message == "“D” should not come right before “A”."
    with pytest.raises(InvalidAnswer, match="every step"):
        grade(ORDERING, ["a", "b", "c"])


@pytest.mark.parametrize(
    ("answer", "score"),
    [(0.7, 1.0), ("0.7", 1.0), ("0,7", 1.0), (0.7005, 1.0), (70, 0.5), ("7/10", None), (0.8, 0.0)],
)
def test_numerical_with_tolerance_and_partial_answers(answer, score):
    if score is None:
        with pytest.raises(InvalidAnswer, match="not a number"):
            grade(NUMERIC, answer)
    else:
        assert grade(NUMERIC, answer).score == score


def test_numerical_picks_the_best_overlapping_answer_and_falls_back():
    q = dataclasses.replace(NUMERIC, numeric_answers=(
        NumericAnswer(10, 5, 0.5, "close"), NumericAnswer(9, 0, 1.0, "exact")))  # fmt: skip
    assert grade(q, 9).feedback[0].message == "exact"
    assert grade(NUMERIC, 3).feedback[0].message == "Divide 7 by 10."
    for bad in (True, float("nan"), "inf", [0.7]):
        with pytest.raises(InvalidAnswer):
            grade(NUMERIC, bad)


@pytest.mark.parametrize(
    ("answer", "score"),
    [("objectives and key results", 1.0), ("  Objectives   and Key Results. ", 1.0),
     ("OKRs", 0.5), ("Objectives & results", 0.0), ("ＯＫＲ", 0.5)],
)  # fmt: skip
def test_short_answer_normalises_and_accepts_alternatives(answer, score):
    assert grade(SHORT, answer).score == score


def test_short_answer_case_sensitivity_and_shape():
    q = dataclasses.replace(SHORT, case_sensitive=True)
    assert grade(q, "objectives and key results").score == 0.0
    with pytest.raises(InvalidAnswer):
        grade(SHORT, 42)
    with pytest.raises(InvalidAnswer, match="longer than"):
        grade(SHORT, "x" * 5000)


def test_free_text_turns_checker_findings_into_feedback():
    task = grade(FREE, "Launch the new onboarding process")
    assert not task.is_correct and task.score <= 0.5
    assert "kr.activity" in [f.part for f in task.feedback]
    assert "measurably different" in " ".join(f.message for f in task.feedback)
    good = grade(FREE, "Reduce time-to-first-value for new customers from 14 days to 5 days")
    assert good.is_correct and good.score == 1.0


def test_free_text_required_findings_and_unreadable_answers():
    spot = dataclasses.replace(FREE, rubric=Rubric("key_result", 0.0, required=("kr.activity",)))
    assert grade(spot, "Launch the new onboarding process").is_correct
    assert not grade(spot, "Cut churn from 5% to 3%").is_correct
    german = grade(FREE, "Kundenzufriedenheit von 70% auf 85% erhöhen")
    assert german.needs_review and german.score == 0.0


def test_essays_wait_for_a_coach():
    essay = Question("e", "essay", "Describe")
    result = grade(essay, "My answer")
    assert result.needs_review and not result.is_correct and result.score == 0.0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)
weights = st.lists(
    st.sampled_from([1.0, 0.5, 0.25, 0.0, -0.25, -0.5, -1.0]), min_size=2, max_size=6
)


@settings(deadline=None, max_examples=200)
@given(st.sampled_from(["single", "multiple", "matching", "ordering", "numerical", "short"]),
       json_values)  # fmt: skip
def test_any_json_answer_is_graded_in_range_or_refused(kind, answer):
    question = {"single": choice("single_choice", 1.0, 0.0), "multiple": choice(
        "multiple_choice", 0.5, 0.5, -1.0), "matching": matching(), "ordering": ORDERING,
        "numerical": NUMERIC, "short": SHORT}[kind]  # fmt: skip
    try:
        result = grade(question, answer)
    except InvalidAnswer:
        return
    assert 0.0 <= result.score <= 1.0


@settings(deadline=None, max_examples=150)
@given(weights, st.data())
def test_multiple_choice_scores_stay_in_range_whatever_is_chosen(ws, data):
    q = choice("multiple_choice", *ws)
    chosen = data.draw(st.lists(st.sampled_from([o.id for o in q.options]), unique=True))
    result = grade(q, chosen)
    assert 0.0 <= result.score <= 1.0
    expected = min(1.0, max(0.0, sum(o.weight for o in q.options if o.id in chosen)))
    assert result.score == pytest.approx(expected, abs=1e-6)


@settings(deadline=None, max_examples=150)
@given(weights, st.data())
def test_reordering_options_or_the_answer_never_changes_a_grade(ws, data):
    q = choice("multiple_choice", *ws)
    chosen = data.draw(st.lists(st.sampled_from([o.id for o in q.options]), unique=True))
    shuffled = dataclasses.replace(q, options=tuple(data.draw(st.permutations(q.options))))
    assert grade(shuffled, chosen).score == grade(q, chosen).score
    assert grade(q, list(reversed(chosen))).score == grade(q, chosen).score
    q2 = matching()
    answer = data.draw(st.fixed_dictionaries({p.id: st.sampled_from(["c0", "c1", "c2"])
                                              for p in q2.pairs}))  # fmt: skip
    pairs = tuple(data.draw(st.permutations(q2.pairs)))
    assert grade(dataclasses.replace(q2, pairs=pairs), answer).score == grade(q2, answer).score


@settings(deadline=None, max_examples=100)
@given(st.integers(), st.permutations(["a", "b", "c", "d"]))
def test_presentation_order_is_a_reproducible_permutation_and_grading_ignores_it(seed, answer):
    order = presentation_order(ORDERING, seed)
    assert sorted(order) == ["a", "b", "c", "d"] and order != ("a", "b", "c", "d")
    assert presentation_order(ORDERING, seed) == order
    assert 0.0 <= grade(ORDERING, list(answer)).score <= 1.0


def test_presentation_order_varies_with_the_seed_and_respects_no_shuffle():
    q = choice("single_choice", 1.0, 0.0, 0.0, 0.0, 0.0)
    orders = {presentation_order(q, seed) for seed in range(20)}
    assert len(orders) > 5
    fixed = dataclasses.replace(q, shuffle=False)
    assert presentation_order(fixed, 7) == tuple(o.id for o in q.options)
    assert presentation_order(NUMERIC, 7) == ()
    assert len({presentation_order(matching(), seed) for seed in range(20)}) > 5
    assert make_id(" Task ") == make_id("Task")
