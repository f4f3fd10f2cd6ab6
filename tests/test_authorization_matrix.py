"""Who may do what: every HTTP route and every /live Socket.IO event, called as every kind of
actor, against a declarative table of expected outcomes.

Outcomes: "ok" (2xx/3xx, or an ok ack), "login" (redirect to sign in), an HTTP status (403,
404...), "refused" (the socket connection is refused, so no event can be sent) or an ack error
code ("forbidden", "unknown_proposal"...). A denied call changes nothing; a call by someone
outside W1 (the other workshop's participant or coach) never changes W1 over the socket. A
route or event missing from the table fails ``test_matrix_lists_every_route_and_event``.

Actors: anonymous; outsider (participant of W2); participant (of W1); trainee; other_coach
(runs W2); coach (runs W1); screen (W1's big screen, the coach's session); admin.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from world import (
    ACTORS,
    build_world,
    changed_tables,
    client_for,
    connect,
    fingerprint,
    own_socket,
    restore,
)

from workshop.extensions import db
from workshop.live import phases
from workshop.live.events import LiveNamespace

UNSIGNED = ("anonymous", "participant", "outsider")
STAFF = ("coach", "other_coach", "screen", "admin")
COACHES = ("coach", "other_coach", "screen")  # screen: the W1 coach's own browser session
NO_SOCKET = ("anonymous", "trainee", "admin")


@pytest.fixture
def database_url(tmp_path):
    # SQLite only: the world is restored before every call by copying its database file, and
    # who may do what does not depend on the backend (the feature tests run on both).
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LIVE_BROADCAST_INTERVAL": 0, "EXERCISES_AUTO_SYNC": False}


def public(outcome="ok") -> dict:
    return dict.fromkeys(ACTORS, outcome)


def signed_in(*allowed: str, denied=403, **special) -> dict:
    """Routes behind sign-in: ``allowed`` actors get through, other signed-in ones ``denied``."""
    table = {a: "login" if a in UNSIGNED else "ok" if a in allowed else denied for a in ACTORS}
    return {**table, **special}


def sockets(ok=(), denied="forbidden", **special) -> dict:
    """Events: actors without a socket are refused at connect; ``ok`` get an ok ack."""
    table = {a: "refused" if a in NO_SOCKET else "ok" if a in ok else denied for a in ACTORS}
    return {**table, **special}


@dataclass
class Route:
    method: str
    rule: str
    path: Callable
    expect: dict
    data: Callable | None = None
    json: Callable | None = None
    writes: bool = False  # an allowed call must change stored data
    label: str = ""


@dataclass
class Event:
    name: str
    expect: dict
    payload: Callable = field(default=lambda w: {})
    phase: str = phases.OBJECTIVES_PROPOSE
    writes: bool = False
    label: str = ""


def _gift():
    return {"file": (io.BytesIO(b"::Q1:: Key Results are measurable.{T}\n"), "q.gift"),
            "set_slug": "imported-set", "title": "Imported", "topic": "Imports"}


ROUTES = [
    # -- public -------------------------------------------------------------------------
    Route("GET", "/", lambda w: "/", public()),
    Route("GET", "/healthz", lambda w: "/healthz", public()),
    Route("GET", "/static/<path:filename>", lambda w: "/static/js/exercises.js", public()),
    Route("GET", "/login", lambda w: "/login", public()),
    Route("POST", "/login", lambda w: "/login", public(),
          data=lambda w: {"email": w.users["trainee2"]["email"],
                          "password": w.users["trainee2"]["password"]}),
    Route("GET", "/setup/<token>", lambda w: "/setup/not-the-setup-token", public(404)),
    Route("POST", "/setup/<token>", lambda w: "/setup/not-the-setup-token", public(404),
          data=lambda w: {"display_name": "Mallory", "email": "m@example.org",
                          "password": "mallory-password", "confirm": "mallory-password"}),
    Route("GET", "/verify", lambda w: f"/verify?code={w.certificate}", public()),
    Route("GET", "/verify/<code>", lambda w: f"/verify/{w.certificate}", public()),
    Route("POST", "/verify/<code>", lambda w: f"/verify/{w.certificate}", public(),
          data=lambda w: {"pdf": (io.BytesIO(b"%PDF-1.4 not the certificate"), "c.pdf")}),
    Route("GET", "/verify/<code>.json", lambda w: f"/verify/{w.certificate}.json", public()),
    Route("GET", "/j", lambda w: f"/j?code={w.w1['code']}", public()),
    Route("GET", "/j/<code>", lambda w: f"/j/{w.w1['code']}", public()),
    Route("GET", "/j/<code>/qr.svg", lambda w: f"/j/{w.w1['code']}/qr.svg", public()),
    Route("GET", "/w/<code>", lambda w: f"/w/{w.w1['code']}", public()),
    Route("GET", "/live/api/workshops/<code>", lambda w: f"/live/api/workshops/{w.w1['code']}",
          public()),
    Route("POST", "/live/api/join", lambda w: "/live/api/join", public(), writes=True,
          json=lambda w: {"code": w.w1["code"], "display_name": "Newcomer"}),
    # -- any signed-in user --------------------------------------------------------------
    Route("POST", "/logout", lambda w: "/logout", signed_in(*ACTORS)),
    Route("GET", "/account/password", lambda w: "/account/password", signed_in(*ACTORS)),
    Route("POST", "/account/password", lambda w: "/account/password", signed_in(*ACTORS),
          writes=True,
          data=lambda w: {"current_password": "correct-horse-battery",
                          "new_password": "another-horse-battery",
                          "confirm": "another-horse-battery"}),
    Route("GET", "/certificates/<code>.pdf", lambda w: f"/certificates/{w.certificate}.pdf",
          signed_in("trainee", "admin", denied=404)),
    # -- admin ---------------------------------------------------------------------------
    Route("GET", "/admin/users", lambda w: "/admin/users", signed_in("admin")),
    Route("GET", "/admin/users/new", lambda w: "/admin/users/new", signed_in("admin")),
    Route("POST", "/admin/users/new", lambda w: "/admin/users/new", signed_in("admin"),
          writes=True,
          data=lambda w: {"display_name": "New Person", "email": "new@example.org",
                          "password": "a-long-first-password", "is_coach": "y",
                          "is_active": "y"}),
    Route("GET", "/admin/users/<int:user_id>", lambda w: f"/admin/users/{w.users['trainee']['id']}",
          signed_in("admin")),
    Route("POST", "/admin/users/<int:user_id>",
          lambda w: f"/admin/users/{w.users['trainee']['id']}", signed_in("admin"), writes=True,
          data=lambda w: {"display_name": "Renamed Trainee", "email": "trainee@example.org",
                          "is_trainee": "y", "is_active": "y"}),
    Route("GET", "/admin/certificates", lambda w: "/admin/certificates", signed_in("admin")),
    Route("GET", "/admin/certificates/<code>", lambda w: f"/admin/certificates/{w.certificate}",
          signed_in("admin")),
    Route("GET", "/admin/certificates/tracks/<slug>/bulk",
          lambda w: f"/admin/certificates/tracks/{w.track_slug}/bulk", signed_in("admin")),
    Route("POST", "/admin/certificates/tracks/<slug>/issue",
          lambda w: f"/admin/certificates/tracks/{w.track_slug}/issue", signed_in("admin"),
          writes=True, data=lambda w: {"user_id": str(w.users["trainee2"]["id"])}),
    Route("POST", "/admin/certificates/<code>/revoke",
          lambda w: f"/admin/certificates/{w.certificate}/revoke", signed_in("admin"),
          writes=True, data=lambda w: {"reason": "Issued to the wrong person by mistake."}),
    Route("POST", "/admin/certificates/<code>/reissue",
          lambda w: f"/admin/certificates/{w.certificate}/reissue", signed_in("admin"),
          writes=True, data=lambda w: {"holder_name": "Trainee Newname",
                                       "reason": "Legal name change, deed poll seen."}),
    Route("GET", "/exercises/manage", lambda w: "/exercises/manage", signed_in("admin")),
    Route("GET", "/exercises/manage/export.gift", lambda w: "/exercises/manage/export.gift",
          signed_in("admin")),
    Route("GET", "/exercises/manage/import", lambda w: "/exercises/manage/import",
          signed_in("admin")),
    Route("POST", "/exercises/manage/import", lambda w: "/exercises/manage/import",
          signed_in("admin"), writes=True, data=lambda w: _gift()),
    Route("POST", "/exercises/manage/sets/<slug>/publish",
          lambda w: f"/exercises/manage/sets/{w.set_slug}/publish", signed_in("admin"),
          writes=True, data=lambda w: {"publish": "0"}),
    Route("GET", "/exercises/manage/sets/<slug>/edit",
          lambda w: f"/exercises/manage/sets/{w.gift_set_slug}/edit", signed_in("admin")),
    Route("POST", "/exercises/manage/sets/<slug>/edit",
          lambda w: f"/exercises/manage/sets/{w.gift_set_slug}/edit", signed_in("admin"),
          writes=True, data=lambda w: {"title": "Imported basics", "topic": "Foundations",
                                       "description": "", "max_attempts": "2",
                                       "grade_kept": "last", "pass_mark": "60",
                                       "time_limit_minutes": "20"}),
    # -- trainees ------------------------------------------------------------------------
    Route("GET", "/tracks", lambda w: "/tracks", signed_in("trainee")),
    Route("GET", "/tracks/<slug>", lambda w: f"/tracks/{w.track_slug}", signed_in("trainee")),
    Route("POST", "/tracks/<slug>/enrol", lambda w: "/tracks/team-facilitator/enrol",
          signed_in("trainee"), writes=True, data=lambda w: {}),
    Route("GET", "/exercises/", lambda w: "/exercises/", signed_in("trainee")),
    Route("GET", "/exercises/history", lambda w: "/exercises/history", signed_in("trainee")),
    Route("GET", "/exercises/sets/<slug>", lambda w: f"/exercises/sets/{w.set_slug}",
          signed_in("trainee")),
    Route("POST", "/exercises/sets/<slug>/start", lambda w: "/exercises/sets/the-okr-coach/start",
          signed_in("trainee"), writes=True, data=lambda w: {}),
    Route("GET", "/exercises/attempts/<int:attempt_id>",
          lambda w: f"/exercises/attempts/{w.attempt_id}", signed_in("trainee")),
    Route("POST", "/exercises/attempts/<int:attempt_id>",
          lambda w: f"/exercises/attempts/{w.attempt_id}", signed_in("trainee"),
          data=lambda w: {"action": "save"}),
    Route("POST", "/exercises/attempts/<int:attempt_id>/answers.json",
          lambda w: f"/exercises/attempts/{w.attempt_id}/answers.json", signed_in("trainee"),
          data=lambda w: {}),
    # Staff see any trainee's attempt; a trainee sees only their own.
    Route("GET", "/exercises/attempts/<int:attempt_id>/result",
          lambda w: f"/exercises/attempts/{w.attempt_id}/result",
          signed_in("trainee", *STAFF)),
    Route("GET", "/exercises/attempts/<int:attempt_id>/result", label="another trainee's",
          path=lambda w: f"/exercises/attempts/{w.other_attempt_id}/result",
          expect=signed_in(*STAFF, trainee=404)),
    # -- coaches and admins (exercise results) -------------------------------------------
    Route("GET", "/exercises/results", lambda w: "/exercises/results", signed_in(*STAFF)),
    Route("GET", "/exercises/results.csv", lambda w: "/exercises/results.csv",
          signed_in(*STAFF)),
    Route("GET", "/exercises/results/sets/<slug>",
          lambda w: f"/exercises/results/sets/{w.set_slug}", signed_in(*STAFF)),
    Route("GET", "/exercises/results/sets/<slug>/questions.csv",
          lambda w: f"/exercises/results/sets/{w.set_slug}/questions.csv", signed_in(*STAFF)),
    Route("GET", "/exercises/results/trainees/<int:user_id>",
          lambda w: f"/exercises/results/trainees/{w.users['trainee']['id']}",
          signed_in(*STAFF)),
    # -- coaches (live workshops: only W1's coach reaches W1) ----------------------------
    Route("GET", "/live/workshops", lambda w: "/live/workshops", signed_in(*COACHES)),
    Route("GET", "/live/workshops/new", lambda w: "/live/workshops/new", signed_in(*COACHES)),
    Route("POST", "/live/workshops/new", lambda w: "/live/workshops/new", signed_in(*COACHES),
          writes=True,
          data=lambda w: {"title": "Q2 planning", "team_name": "Platform",
                          "cycle_label": "2027 Q2", "votes_per_participant": "3",
                          "objectives_to_keep": "3", "key_results_to_keep": "3"}),
    Route("GET", "/live/workshops/<int:workshop_id>", lambda w: f"/live/workshops/{w.w1['id']}",
          signed_in("coach", "screen")),
    Route("GET", "/live/workshops/<int:workshop_id>/screen",
          lambda w: f"/live/workshops/{w.w1['id']}/screen", signed_in("coach", "screen")),
    Route("GET", "/live/workshops/<int:workshop_id>/export.<fmt>",
          lambda w: f"/live/workshops/{w.w1['id']}/export.csv", signed_in("coach", "screen")),
]

MINE = "participant"
W1_ONLY = ("coach",)
EVENTS = [
    Event("connect", {"anonymous": "refused", "outsider": "ok", "participant": "ok",
                      "trainee": "refused", "other_coach": "refused", "coach": "ok",
                      "screen": "ok", "admin": "refused"}),
    Event("disconnect", sockets(ok=("outsider", "participant", "coach", "screen",
                                    "other_coach"))),
    Event("get_snapshot", sockets(ok=("outsider", "participant", "other_coach", "coach",
                                      "screen"))),
    Event("check_statement", sockets(ok=("outsider", "participant", "other_coach", "coach",
                                         "screen")),
          payload=lambda w: {"text": "Increase revenue", "kind": "objective"}),
    # Outsiders act in their own workshop W2; W1 never changes because of them.
    Event("propose", sockets(ok=("outsider", MINE, "other_coach", "coach")), writes=True,
          payload=lambda w: {"text": "Earn the trust of new customers", "client_id": "c-9"}),
    Event("edit_proposal", sockets(ok=(MINE,), outsider="unknown_proposal"), writes=True,
          payload=lambda w: {"proposal_id": w.proposals["p1"], "text": "Delight customers"}),
    Event("edit_proposal", sockets(participant="not_yours", outsider="unknown_proposal"),
          label="another's proposal",
          payload=lambda w: {"proposal_id": w.proposals["p2"], "text": "Mine now"}),
    Event("withdraw_proposal", sockets(ok=(MINE,), outsider="unknown_proposal"), writes=True,
          payload=lambda w: {"proposal_id": w.proposals["p1"]}),
    Event("withdraw_proposal", sockets(participant="not_yours", outsider="unknown_proposal"),
          label="another's proposal", payload=lambda w: {"proposal_id": w.proposals["p3"]}),
    Event("cast_vote", sockets(ok=(MINE,), outsider="unknown_proposal"), writes=True,
          phase=phases.OBJECTIVES_VOTE,
          payload=lambda w: {"proposal_id": w.proposals["p2"], "op_id": "op-cast"}),
    Event("retract_vote", sockets(ok=(MINE,), outsider="unknown_proposal"), writes=True,
          phase=phases.OBJECTIVES_VOTE,
          payload=lambda w: {"proposal_id": w.proposals["p1"], "op_id": "op-retract"}),
    Event("move_vote", sockets(ok=(MINE,), outsider="unknown_proposal"), writes=True,
          phase=phases.OBJECTIVES_VOTE,
          payload=lambda w: {"from_id": w.proposals["p1"], "to_id": w.proposals["p2"],
                             "op_id": "op-move"}),
    Event("change_phase", sockets(ok=("coach", "other_coach")), writes=True,
          payload=lambda w: {"direction": "next"}),
    Event("close_workshop", sockets(ok=("coach", "other_coach")), writes=True),
    Event("reveal_results", sockets(ok=("coach", "other_coach")), writes=True,
          phase=phases.OBJECTIVES_RESULTS, payload=lambda w: {"revealed": True}),
    Event("moderate_proposal", sockets(ok=W1_ONLY, other_coach="unknown_proposal"),
          writes=True, payload=lambda w: {"proposal_id": w.proposals["p2"], "is_hidden": True}),
    Event("merge_proposals", sockets(ok=W1_ONLY, other_coach="unknown_proposal"), writes=True,
          payload=lambda w: {"target_id": w.proposals["p1"], "source_ids": [w.proposals["p2"]]}),
    Event("set_kept", sockets(ok=W1_ONLY, other_coach="unknown_proposal"), writes=True,
          phase=phases.OBJECTIVES_RESULTS,
          payload=lambda w: {"proposal_id": w.proposals["p1"], "is_kept": False}),
    Event("start_timer", sockets(ok=("coach", "other_coach")), writes=True,
          payload=lambda w: {"seconds": 90}),
    Event("stop_timer", sockets(ok=("coach", "other_coach"))),
    Event("get_quality", sockets(ok=("coach", "other_coach"))),
]


def _route_key(route: Route) -> str:
    return f"{route.method} {route.rule}"


def app_routes(app) -> set[str]:
    return {f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def namespace_events() -> set[str]:
    return {name.removeprefix("on_") for name, _ in inspect.getmembers(LiveNamespace)
            if name.startswith("on_")}


def test_matrix_lists_every_route_and_event(app):
    routes = app_routes(app)
    listed = {_route_key(r) for r in ROUTES}
    missing = sorted(routes - listed)
    assert not missing, "add these routes to the matrix: " + ", ".join(missing)
    assert not listed - routes, f"the matrix lists routes that no longer exist: {listed - routes}"
    events = namespace_events()
    listed_events = {e.name for e in EVENTS}
    missing_events = sorted(events - listed_events)
    assert not missing_events, ("add these /live events to the matrix: "
                                + ", ".join(missing_events))
    assert not listed_events - events, f"stale events in the matrix: {listed_events - events}"
    for row in [*ROUTES, *EVENTS]:
        assert set(row.expect) == set(ACTORS), f"{row} must state an outcome for every actor"


def test_the_matrix_guard_names_a_new_route(app):
    """The completeness check above really catches a route nobody has classified."""
    app.add_url_rule("/new/route", "new_route", lambda: "new")
    with pytest.raises(AssertionError, match="add these routes to the matrix: GET /new/route"):
        test_matrix_lists_every_route_and_event(app)


def _http_outcome(response):
    location = response.headers.get("Location", "")
    if response.status_code in (302, 303) and location.startswith("/login"):
        return "login"
    if 200 <= response.status_code < 400:
        return "ok"
    return response.status_code


def call_route(app, world, actor: str, route: Route):
    web = client_for(app, world, actor)
    path = route.path(world)
    if route.method == "GET":
        response = web.get(path)
    elif route.json is not None:
        response = web.post(path, json=route.json(world))
    else:
        data = route.data(world) if route.data else {}
        response = web.post(path, data={"csrf_token": world.tokens[actor], **data})
    outcome = _http_outcome(response)
    response.close()
    return outcome


def _ack_outcome(ack) -> str:
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    return "ok" if ack["ok"] else ack["error"]


def call_event(app, world, actor: str, event: Event, socket) -> str:
    if event.name in ("connect", "disconnect"):
        # Connecting aims at W1; disconnecting is tried from the actor's own workshop.
        own = world.w2 if event.name == "disconnect" and actor == "other_coach" else None
        client = connect(app, world, actor, workshop=own)
        if not client.is_connected("/live"):
            return "refused"
        snapshot = [e for e in client.get_received("/live") if e["name"] == "snapshot"]
        expected = world.w2 if actor in ("outsider", "other_coach") else world.w1
        assert snapshot[-1]["args"][0]["workshop"]["id"] == expected["id"]
        if event.name == "disconnect":
            client.disconnect(namespace="/live")
            assert not client.is_connected("/live")
        else:
            client.disconnect(namespace="/live")
        return "ok"
    if socket is None:
        return "refused"
    return _ack_outcome(socket.emit(event.name, event.payload(world), namespace="/live",
                                    callback=True))


def w1_fingerprint(app, world) -> tuple:
    """W1's own rows only: what an outsider must never change."""
    from workshop.live.models import Participant, Proposal, Vote, VoteOperation, Workshop

    wid = world.w1["id"]
    people = select(Participant.id).where(Participant.workshop_id == wid)
    queries = [select(Workshop.__table__).where(Workshop.id == wid),
               select(Participant.__table__).where(Participant.workshop_id == wid),
               select(Proposal.__table__).where(Proposal.workshop_id == wid),
               select(Vote.__table__).where(Vote.workshop_id == wid),
               select(VoteOperation.__table__).where(VoteOperation.participant_id.in_(people))]
    with app.app_context():
        result = tuple(tuple(sorted(repr(tuple(row)) for row in db.session.execute(query)))
                       for query in queries)
        db.session.remove()
    return result


def check_call(app, world, actor, row, call) -> str | None:
    """Run one call from the saved world; return a problem description or None."""
    restore(app, world, phase=getattr(row, "phase", None))
    before, before_w1 = fingerprint(app), w1_fingerprint(app, world)
    outcome = call()
    after, after_w1 = fingerprint(app), w1_fingerprint(app, world)
    name = _route_key(row) if isinstance(row, Route) else row.name
    name += f" [{row.label}]" if row.label else ""
    expected = row.expect[actor]
    if outcome != expected:
        return f"{name}: expected {expected!r}, got {outcome!r}"
    if outcome != "ok" and before != after:
        return f"{name}: refused ({outcome}) but changed {changed_tables(before, after)}"
    # (Anyone may join W1 over HTTP; over the socket, outsiders act only on their own W2.)
    if isinstance(row, Event) and actor in ("outsider", "other_coach") and before_w1 != after_w1:
        return f"{name}: someone outside W1 changed W1"
    if outcome == "ok" and row.writes and before == after:
        return f"{name}: allowed, yet nothing was stored"
    return None


@pytest.mark.parametrize("actor", ACTORS)
def test_authorization_matrix(app, tmp_path, actor):
    world = build_world(app, tmp_path)
    socket = own_socket(app, world, actor)
    assert (socket is None) == (actor in NO_SOCKET)
    problems = []
    for route in ROUTES:
        problems.append(check_call(app, world, actor, route,
                                   lambda r=route: call_route(app, world, actor, r)))
    for event in EVENTS:
        problems.append(check_call(app, world, actor, event,
                                   lambda e=event: call_event(app, world, actor, e, socket)))
    if socket is not None:
        socket.disconnect(namespace="/live")
    problems = [p for p in problems if p]
    assert not problems, f"as {actor}:\n" + "\n".join(problems)
