"""The phases of a live workshop and which actions each allows (pure rules, no database)."""

from __future__ import annotations

LOBBY = "lobby"
OBJECTIVES_PROPOSE = "objectives_propose"
OBJECTIVES_VOTE = "objectives_vote"
OBJECTIVES_RESULTS = "objectives_results"
KEY_RESULTS_PROPOSE = "key_results_propose"
KEY_RESULTS_VOTE = "key_results_vote"
KEY_RESULTS_RESULTS = "key_results_results"
FINAL = "final"
CLOSED = "closed"

ORDER = (
    LOBBY, OBJECTIVES_PROPOSE, OBJECTIVES_VOTE, OBJECTIVES_RESULTS,
    KEY_RESULTS_PROPOSE, KEY_RESULTS_VOTE, KEY_RESULTS_RESULTS, FINAL, CLOSED,
)

LABELS = {
    LOBBY: "Lobby",
    OBJECTIVES_PROPOSE: "Objectives: propose",
    OBJECTIVES_VOTE: "Objectives: vote",
    OBJECTIVES_RESULTS: "Objectives: results",
    KEY_RESULTS_PROPOSE: "Key results: propose",
    KEY_RESULTS_VOTE: "Key results: vote",
    KEY_RESULTS_RESULTS: "Key results: results",
    FINAL: "Final OKR set",
    CLOSED: "Closed",
}

OBJECTIVE = "objective"
KEY_RESULT = "key_result"

# Which round of proposals a phase works on.
ROUND_OF = {
    OBJECTIVES_PROPOSE: OBJECTIVE, OBJECTIVES_VOTE: OBJECTIVE, OBJECTIVES_RESULTS: OBJECTIVE,
    KEY_RESULTS_PROPOSE: KEY_RESULT, KEY_RESULTS_VOTE: KEY_RESULT,
    KEY_RESULTS_RESULTS: KEY_RESULT,
}
PROPOSE_PHASES = {OBJECTIVES_PROPOSE: OBJECTIVE, KEY_RESULTS_PROPOSE: KEY_RESULT}
VOTE_PHASES = {OBJECTIVES_VOTE: OBJECTIVE, KEY_RESULTS_VOTE: KEY_RESULT}
RESULTS_PHASES = {OBJECTIVES_RESULTS: OBJECTIVE, KEY_RESULTS_RESULTS: KEY_RESULT}


def next_phase(phase: str) -> str | None:
    index = ORDER.index(phase)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


def previous_phase(phase: str) -> str | None:
    if phase == CLOSED:
        return None
    index = ORDER.index(phase)
    return ORDER[index - 1] if index > 0 else None


def round_is_editable(phase: str, round_: str) -> bool:
    """Authors may edit or withdraw their proposals of a round only until its voting starts."""
    return PROPOSE_PHASES.get(phase) == round_
