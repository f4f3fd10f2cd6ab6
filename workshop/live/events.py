"""Socket.IO adapter for live workshops (namespace ``/live``).

Each handler: check who is calling, validate the payload's shape, call one service, commit
once, then mark the workshop for the coalesced broadcast and return an ack dict.
"""

from __future__ import annotations

import json
import logging
from functools import wraps

from flask import current_app, request, session
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from workshop.db import MAX_INTEGER, utcnow
from workshop.errors import WorkshopError
from workshop.extensions import db
from workshop.live import proposals, quality, services, state, voting
from workshop.live.broadcast import NAMESPACE, get_broadcaster, room
from workshop.live.errors import InvalidPayload
from workshop.live.flood import FloodGuard

logger = logging.getLogger(__name__)
MAX_PAYLOAD_CHARS = 4000
SCREEN = "screen"


def _refuse(code: str, message: str):
    # Two arguments: clients get {"message": ..., "data": {"error": ..., "message": ...}}.
    return ConnectionRefusedError(message, {"error": code, "message": message})


def _payload(data) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidPayload("Send an object (a JSON dictionary) with this event.")
    if len(json.dumps(data, default=str)) > MAX_PAYLOAD_CHARS:
        raise InvalidPayload(f"This message is too large (limit {MAX_PAYLOAD_CHARS} characters).",
                             field="payload")
    if _is_unstorable(data):
        raise InvalidPayload("This message holds a number out of range or a NUL character.",
                             field="payload")
    return data


def _is_unstorable(value) -> bool:
    """Whether a payload holds what no column can take: an integer beyond the id range, or
    text with NUL (PostgreSQL refuses both, deep in a query, instead of finding nothing)."""
    pending = [value]
    while pending:  # iterative: nesting depth is the sender's choice
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return True
        elif (isinstance(item, int) and not isinstance(item, bool)
              and not -MAX_INTEGER - 1 <= item <= MAX_INTEGER):
            return True
    return False


def handler(role: str, *, changes: str | None = None):
    """Wrap an event: ``role`` is "participant", "coach" or "any"; ``changes`` is None
    (read-only), "tally" (votes), "state" (proposals/settings) or "resync" (ballots too)."""

    def decorator(func):
        @wraps(func)
        def wrapped(self, data=None):
            who = session.get("live")
            if not who:
                return {"ok": False, "error": "not_connected", "message": "Reconnect first."}
            verdict = flood_guard(current_app).admit(request.sid)
            if verdict != "ok":
                if verdict == "disconnect":
                    logger.warning("live: cutting off flooding %s in workshop %s", who["role"],
                                   who["workshop_id"])
                    self.disconnect(request.sid)
                return {"ok": False, "error": "slow_down",
                        "message": "Too many actions at once: wait a moment and try again."}
            if role == "not_screen" and who["role"] == SCREEN:
                return {"ok": False, "error": "forbidden",
                        "message": "The big screen only shows the workshop."}
            if role not in ("any", "not_screen") and who["role"] != role:
                return {"ok": False, "error": "forbidden",
                        "message": "Only the coach can do that." if role == "coach"
                        else "Only participants can do that."}
            try:
                payload = _payload(data)
                workshop = services.get_workshop(who["workshop_id"])
                participant = None
                if who["role"] == state.PARTICIPANT:
                    participant = services.participant_from_token(who["token"])
                result = func(self, workshop, participant, payload)
                if changes:
                    db.session.commit()
            except WorkshopError as exc:
                if getattr(exc, "keeps_changes", False):
                    db.session.commit()  # the refusal itself is recorded
                else:
                    db.session.rollback()
                return exc.to_ack()
            except Exception:
                db.session.rollback()
                logger.exception("live event %s failed", func.__name__)
                return {"ok": False, "error": "server_error",
                        "message": "Something went wrong on the server; please try again."}
            finally:
                db.session.remove()
            if changes:
                get_broadcaster(current_app).mark(
                    who["workshop_id"], changed_state=changes in ("state", "resync"),
                    resync=changes == "resync")
            return {"ok": True, **(result or {})}

        return wrapped

    return decorator


def flood_guard(app) -> FloodGuard:
    guard = app.extensions.get("live_flood_guard")
    if guard is None:
        cfg = app.config
        guard = app.extensions["live_flood_guard"] = FloodGuard(
            burst=cfg["LIVE_EVENT_BURST"], rate=cfg["LIVE_EVENT_RATE"],
            strikes=cfg["LIVE_FLOOD_STRIKES"])
    return guard


class LiveNamespace(Namespace):
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        try:
            if "token" in auth:
                participant = services.participant_from_token(auth["token"])
                workshop = participant.workshop
                services.touch_participant(participant)
                db.session.commit()
                who = {"role": state.PARTICIPANT, "workshop_id": workshop.id,
                       "token": auth["token"]}
            elif current_user.is_authenticated and "workshop_id" in auth:
                workshop_id = auth["workshop_id"]
                if (not isinstance(workshop_id, int) or isinstance(workshop_id, bool)
                        or _is_unstorable(workshop_id)):
                    raise _refuse("invalid_payload", "workshop_id must be a workshop's number.")
                workshop = services.get_coached_workshop(workshop_id, current_user)
                participant = None
                # The big screen is the coach's too, but shows only what phones may see.
                role = SCREEN if auth.get("screen") is True else state.COACH
                who = {"role": role, "workshop_id": workshop.id}
            else:
                raise _refuse("not_authenticated",
                              "Join with a workshop pass, or sign in as the coach.")
            session["live"] = who
            join_room(room(workshop.id, state.PARTICIPANT if who["role"] == SCREEN
                           else who["role"]))
            emit("snapshot", {**state.snapshot(workshop, who["role"], participant),
                              "server_time": utcnow().isoformat().replace("+00:00", "Z")})
            logger.info("live connect %s to workshop %s from %s", who["role"], workshop.id,
                        request.remote_addr)
        except WorkshopError as exc:
            db.session.rollback()
            raise _refuse(exc.code, exc.message) from exc
        finally:
            db.session.remove()

    def on_disconnect(self, reason=None):
        session.pop("live", None)
        flood_guard(current_app).forget(request.sid)

    # -- everyone ------------------------------------------------------------------------

    @handler("any")
    def on_get_snapshot(self, workshop, participant, data):
        who = session["live"]["role"]
        return {"snapshot": state.snapshot(workshop, who, participant)}

    @handler("any")
    def on_check_statement(self, workshop, participant, data):
        return {"hint": quality.hint(data.get("text"), data.get("kind"))}

    # -- participants (and the coach may propose too) ------------------------------------

    @handler("not_screen", changes="state")
    def on_propose(self, workshop, participant, data):
        proposal, created = proposals.propose(workshop, participant, data.get("text"),
                                             parent_id=data.get("parent_id"),
                                             client_id=data.get("client_id"))
        return {"proposal_id": proposal.id, "duplicate": not created}

    @handler("participant", changes="state")
    def on_edit_proposal(self, workshop, participant, data):
        proposal = proposals.edit_own_proposal(workshop, participant, data.get("proposal_id"),
                                              data.get("text"))
        return {"proposal_id": proposal.id}

    @handler("participant", changes="state")
    def on_withdraw_proposal(self, workshop, participant, data):
        proposals.withdraw_own_proposal(workshop, participant, data.get("proposal_id"))
        return {}

    @handler("participant", changes="tally")
    def on_cast_vote(self, workshop, participant, data):
        return {"ballot": voting.cast_vote(workshop, participant, data.get("proposal_id"),
                                           data.get("op_id"))}

    @handler("participant", changes="tally")
    def on_retract_vote(self, workshop, participant, data):
        return {"ballot": voting.retract_vote(workshop, participant, data.get("proposal_id"),
                                              data.get("op_id"))}

    @handler("participant", changes="tally")
    def on_move_vote(self, workshop, participant, data):
        return {"ballot": voting.move_vote(workshop, participant, data.get("from_id"),
                                           data.get("to_id"), data.get("op_id"))}

    # -- coach ---------------------------------------------------------------------------

    @handler("coach", changes="resync")
    def on_change_phase(self, workshop, participant, data):
        services.change_phase(workshop, data.get("direction"))
        return {"phase": workshop.phase}

    @handler("coach", changes="resync")
    def on_close_workshop(self, workshop, participant, data):
        services.close_workshop(workshop)
        return {"final": workshop.final_okr_set}

    @handler("coach", changes="state")
    def on_reveal_results(self, workshop, participant, data):
        services.reveal_results(workshop, data.get("revealed"))
        return {}

    @handler("coach", changes="resync")
    def on_moderate_proposal(self, workshop, participant, data):
        proposals.moderate_proposal(workshop, data.get("proposal_id"), text=data.get("text"),
                                   is_hidden=data.get("is_hidden"))
        return {}

    @handler("coach", changes="resync")
    def on_merge_proposals(self, workshop, participant, data):
        target = proposals.merge_proposals(workshop, data.get("target_id"),
                                          data.get("source_ids"))
        return {"proposal_id": target.id}

    @handler("coach", changes="state")
    def on_set_kept(self, workshop, participant, data):
        services.set_kept(workshop, data.get("proposal_id"), data.get("is_kept"))
        return {}

    @handler("coach", changes="state")
    def on_start_timer(self, workshop, participant, data):
        services.start_timer(workshop, data.get("seconds"))
        return {"timer_ends_at": state.workshop_info(workshop)["timer_ends_at"]}

    @handler("coach", changes="state")
    def on_stop_timer(self, workshop, participant, data):
        services.stop_timer(workshop)
        return {}

    @handler("coach")
    def on_get_quality(self, workshop, participant, data):
        return {"quality": quality.assess(workshop)}


live_namespace = LiveNamespace(NAMESPACE)
