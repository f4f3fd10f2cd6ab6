"""Every change to a live workshop except voting (see ``voting.py``)."""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workshop import ratelimit
from workshop.db import utcnow
from workshop.errors import Forbidden
from workshop.extensions import db
from workshop.live import phases, tally
from workshop.live.errors import (
    InvalidPayload,
    InvalidToken,
    NameTaken,
    ProposalTooLong,
    UnknownCode,
    UnknownProposal,
    WorkshopClosed,
    WrongPhase,
)
from workshop.live.models import Participant, Proposal, Vote, Workshop

logger = logging.getLogger(__name__)

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_LENGTH = 6
MAX_PROPOSAL_LENGTH = 200
MAX_NAME_LENGTH = 40
# Only wrong codes count, so a room behind one NAT joining with the right code is fine.
JOIN_GUESSES = ratelimit.Limit("join-code", 60, 10 * 60)
# Embedding and override controls can make text display reversed or disguised.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# -- workshops ---------------------------------------------------------------------------

def clean_text(value, *, field: str, max_length: int, label: str) -> str:
    if not isinstance(value, str):
        raise InvalidPayload(f"{label} must be text.", field=field)
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if any(unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS for ch in text):
        raise InvalidPayload(f"{label} contains invisible control characters; "
                             "please retype it.", field=field)
    if not text:
        raise InvalidPayload(f"{label} cannot be empty.", field=field)
    if len(text) > max_length:
        error = ProposalTooLong if field == "text" else InvalidPayload
        raise error(f"{label} can have at most {max_length} characters "
                    f"(this one has {len(text)}).", field=field)
    return text


def _new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_workshop(coach_id: int, *, title: str, team_name: str, cycle_label: str,
                    votes_per_participant: int = 3, max_votes_per_item: int | None = None,
                    objectives_to_keep: int = 3, key_results_to_keep: int = 3,
                    is_hiding_results: bool = True, is_anonymous: bool = False) -> Workshop:
    """Open a workshop in the lobby with a fresh join code.

    Raises InvalidPayload for out-of-range settings or empty texts.
    """
    title = clean_text(title, field="title", max_length=120, label="The title")
    team_name = clean_text(team_name, field="team_name", max_length=120, label="The team name")
    cycle_label = clean_text(cycle_label, field="cycle_label", max_length=40,
                              label="The cycle label")
    cap = votes_per_participant if max_votes_per_item is None else max_votes_per_item
    checks = [
        (1 <= votes_per_participant <= 20, "votes_per_participant",
         "Votes per participant must be between 1 and 20."),
        (1 <= cap <= votes_per_participant, "max_votes_per_item",
         "The most votes on one item must be between 1 and the votes per participant."),
        (1 <= objectives_to_keep <= 3, "objectives_to_keep",
         "Keep between 1 and 3 objectives: more than that dilutes focus."),
        (2 <= key_results_to_keep <= 4, "key_results_to_keep",
         "Keep between 2 and 4 key results per objective."),
    ]
    for ok, field, message in checks:
        if not ok:
            raise InvalidPayload(message, field=field)
    for _ in range(20):
        code = _new_join_code()
        taken = db.session.scalar(
            select(Workshop.id).where(Workshop.join_code == code, Workshop.closed_at.is_(None))
        )
        if taken is None:
            break
    workshop = Workshop(
        coach_id=coach_id, title=title, team_name=team_name, cycle_label=cycle_label,
        join_code=code, votes_per_participant=votes_per_participant, max_votes_per_item=cap,
        objectives_to_keep=objectives_to_keep, key_results_to_keep=key_results_to_keep,
        is_hiding_results=is_hiding_results, is_anonymous=is_anonymous,
    )
    db.session.add(workshop)
    db.session.flush()
    logger.info("coach %s created workshop %s", coach_id, workshop.id)
    return workshop


def get_workshop(workshop_id: int) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise UnknownCode("No such workshop.")
    return workshop


def get_coached_workshop(workshop_id: int, user) -> Workshop:
    """The workshop if ``user`` is its coach; raises UnknownCode or Forbidden."""
    workshop = get_workshop(workshop_id)
    if workshop.coach_id != user.id:
        raise Forbidden("Only the coach who runs this workshop can do that.")
    return workshop


def list_coach_workshops(coach_id: int) -> list[Workshop]:
    return list(db.session.scalars(
        select(Workshop).where(Workshop.coach_id == coach_id).order_by(Workshop.id.desc())
    ))


def normalise_code(code) -> str:
    if not isinstance(code, str):
        return ""
    return "".join(ch for ch in code.upper() if ch.isalnum())[:16]


def find_open_workshop(code, *, client_ip: str) -> Workshop:
    """The open workshop with this join code.

    Raises RateLimited once a client has guessed wrong too often, UnknownCode otherwise.
    """
    if ratelimit.is_blocked(JOIN_GUESSES, client_ip):
        ratelimit.check(JOIN_GUESSES, client_ip, "Too many wrong join codes.")
    wanted = normalise_code(code)
    workshop = None
    if len(wanted) == CODE_LENGTH:
        workshop = db.session.scalar(
            select(Workshop).where(Workshop.join_code == wanted, Workshop.closed_at.is_(None))
        )
    if workshop is None:
        ratelimit.check(JOIN_GUESSES, client_ip, "Too many wrong join codes.")
        raise UnknownCode("No open workshop has this code. Check the code on the big screen.")
    return workshop


# -- participants ------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="live-participant")


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def join_workshop(workshop: Workshop, display_name) -> tuple[Participant, str]:
    """Add a participant; returns it with the signed token the phone keeps.

    Raises WorkshopClosed, InvalidPayload for a bad name, NameTaken for a name in use.
    """
    if workshop.is_closed:
        raise WorkshopClosed("This workshop has ended.")
    name = key = None
    if not workshop.is_anonymous:
        name = clean_text(display_name, field="display_name", max_length=MAX_NAME_LENGTH,
                           label="Your name")
        key = name.casefold()
        if db.session.scalar(select(Participant.id).where(
                Participant.workshop_id == workshop.id, Participant.name_key == key)):
            raise NameTaken("Someone here already uses this name: add an initial.",
                            field="display_name")
    secret = secrets.token_urlsafe(24)  # 192 bits
    participant = Participant(workshop_id=workshop.id, display_name=name, name_key=key,
                              token_hash=_hash_key(secret))
    db.session.add(participant)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise NameTaken("Someone here already uses this name: add an initial.",
                        field="display_name") from exc
    token = _serializer().dumps({"p": participant.id, "k": secret})
    logger.info("participant %s joined workshop %s", participant.id, workshop.id)
    return participant, token


def participant_from_token(token) -> Participant:
    """The participant a phone's token names; raises InvalidToken if forged or unknown."""
    if not isinstance(token, str) or len(token) > 300:
        raise InvalidToken("This device's workshop pass is not valid. Join again.")
    try:
        data = _serializer().loads(token)
        participant_id, secret = int(data["p"]), str(data["k"])
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidToken("This device's workshop pass is not valid. Join again.") from exc
    participant = db.session.get(Participant, participant_id)
    if participant is None or not secrets.compare_digest(participant.token_hash,
                                                         _hash_key(secret)):
        raise InvalidToken("This device's workshop pass is not valid. Join again.")
    return participant


def touch_participant(participant: Participant) -> None:
    participant.last_seen_at = utcnow()
    db.session.flush()


# -- proposals ---------------------------------------------------------------------------

def require_open(workshop: Workshop) -> None:
    if workshop.is_closed:
        raise WorkshopClosed("This workshop has ended; it is read-only now.")


def load_proposal(workshop: Workshop, proposal_id) -> Proposal:
    if not isinstance(proposal_id, int) or isinstance(proposal_id, bool):
        raise InvalidPayload("proposal_id must be a number.", field="proposal_id")
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.workshop_id != workshop.id:
        raise UnknownProposal("That proposal does not exist in this workshop.")
    return proposal


def kept_objectives(workshop: Workshop) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(
        Proposal.workshop_id == workshop.id, Proposal.round == phases.OBJECTIVE,
        Proposal.is_kept.is_(True), Proposal.is_hidden.is_(False),
        Proposal.merged_into_id.is_(None)).order_by(Proposal.id)))


# -- phases, results and the final set ---------------------------------------------------

def vote_counts(workshop: Workshop, round_: str) -> dict[int, int]:
    return dict(db.session.execute(
        select(Vote.proposal_id, func.count(Vote.id))
        .where(Vote.workshop_id == workshop.id, Vote.round == round_)
        .group_by(Vote.proposal_id)).all())


def live_proposals(workshop: Workshop, round_: str | None = None) -> list[Proposal]:
    query = select(Proposal).where(Proposal.workshop_id == workshop.id,
                                   Proposal.is_hidden.is_(False),
                                   Proposal.merged_into_id.is_(None))
    if round_:
        query = query.where(Proposal.round == round_)
    return list(db.session.scalars(query.order_by(Proposal.id)))


def _keep_top(workshop: Workshop, round_: str) -> None:
    """Default choice on entering results: the top N (per objective for key results)."""
    counts = vote_counts(workshop, round_)
    items = live_proposals(workshop, round_)
    groups: dict[int | None, list[Proposal]] = {}
    for item in items:
        groups.setdefault(item.parent_id if round_ == phases.KEY_RESULT else None,
                          []).append(item)
    n = workshop.objectives_to_keep if round_ == phases.OBJECTIVE else \
        workshop.key_results_to_keep
    for group in groups.values():
        chosen, _ = tally.top_n(tally.rank([p.id for p in group], counts), n)
        for item in group:
            item.is_kept = item.id in chosen


def set_kept(workshop: Workshop, proposal_id, is_kept) -> Proposal:
    """The coach keeps or drops an item by hand in a results phase."""
    require_open(workshop)
    if workshop.phase not in phases.RESULTS_PHASES:
        raise WrongPhase("Items are kept or dropped in a results phase.")
    if not isinstance(is_kept, bool):
        raise InvalidPayload("is_kept must be true or false.", field="is_kept")
    proposal = load_proposal(workshop, proposal_id)
    if proposal.round != phases.RESULTS_PHASES[workshop.phase] or not proposal.is_live:
        raise InvalidPayload("Keep items of the round whose results are shown.",
                             field="proposal_id")
    proposal.is_kept = is_kept
    db.session.flush()
    return proposal


def build_final_set(workshop: Workshop) -> dict:
    kr_counts = vote_counts(workshop, phases.KEY_RESULT)
    obj_counts = vote_counts(workshop, phases.OBJECTIVE)
    objectives = []
    for objective in kept_objectives(workshop):
        krs = [p for p in live_proposals(workshop, phases.KEY_RESULT)
               if p.parent_id == objective.id and p.is_kept]
        objectives.append({
            "id": objective.id, "text": objective.text, "votes": obj_counts.get(objective.id, 0),
            "key_results": [{"id": kr.id, "text": kr.text, "votes": kr_counts.get(kr.id, 0)}
                            for kr in krs],
        })
    return {"team_name": workshop.team_name, "cycle_label": workshop.cycle_label,
            "objectives": objectives}


def change_phase(workshop: Workshop, direction) -> Workshop:
    """Move to the next phase ("next") or reopen the previous one ("back").

    Raises WorkshopClosed, InvalidPayload, WrongPhase (e.g. key results with no kept objective).
    """
    require_open(workshop)
    if direction not in ("next", "back"):
        raise InvalidPayload('direction must be "next" or "back".', field="direction")
    target = (phases.next_phase if direction == "next" else phases.previous_phase)(workshop.phase)
    if target is None:
        raise WrongPhase("There is no phase before the lobby.")
    if target == phases.CLOSED:
        return close_workshop(workshop)
    if direction == "next" and target in phases.RESULTS_PHASES:
        _keep_top(workshop, phases.RESULTS_PHASES[target])
    if (direction == "next" and target == phases.KEY_RESULTS_PROPOSE
            and not kept_objectives(workshop)):
        raise WrongPhase("Keep at least one objective before collecting key results.")
    if target == phases.FINAL:
        workshop.final_okr_set = build_final_set(workshop)
    workshop.phase = target
    workshop.phase_changed_at = utcnow()
    if target in phases.PROPOSE_PHASES or target == phases.LOBBY:
        workshop.is_results_revealed = False  # a new round starts hidden again
    workshop.timer_ends_at = None
    db.session.flush()
    logger.info("workshop %s moved to %s", workshop.id, target)
    return workshop


MAX_TIMER_SECONDS = 60 * 60


def start_timer(workshop: Workshop, seconds) -> Workshop:
    """Start (or restart) the phase countdown every screen shows; ``seconds`` in 1..3600."""
    require_open(workshop)
    if (not isinstance(seconds, int) or isinstance(seconds, bool)
            or not 1 <= seconds <= MAX_TIMER_SECONDS):
        raise InvalidPayload("The timer takes a whole number of seconds from 1 to 3600.",
                             field="seconds")
    workshop.timer_ends_at = utcnow() + timedelta(seconds=seconds)
    db.session.flush()
    return workshop


def stop_timer(workshop: Workshop) -> Workshop:
    require_open(workshop)
    workshop.timer_ends_at = None
    db.session.flush()
    return workshop


def reveal_results(workshop: Workshop, revealed) -> Workshop:
    require_open(workshop)
    if not isinstance(revealed, bool):
        raise InvalidPayload("revealed must be true or false.", field="revealed")
    workshop.is_results_revealed = revealed
    db.session.flush()
    return workshop


def close_workshop(workshop: Workshop) -> Workshop:
    """End the workshop: the final OKR set is frozen and everything becomes read-only."""
    require_open(workshop)
    workshop.final_okr_set = build_final_set(workshop)
    workshop.phase = phases.CLOSED
    workshop.closed_at = workshop.phase_changed_at = utcnow()
    workshop.timer_ends_at = None
    db.session.flush()
    logger.info("workshop %s closed", workshop.id)
    return workshop

