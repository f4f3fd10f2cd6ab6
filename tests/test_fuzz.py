"""Property-based tests: whatever a phone or a browser sends, the server answers cleanly.

(a) Any JSON-like payload to every /live event, as a participant and as the coach, in any
phase: an ack ``{"ok": true, ...}`` or ``{"ok": false, "error": <code>, "message": <text>}``,
never ``server_error``; a rejected event changes nothing.
(b) Any form data to every form POST a role can reach: never a 500, and a response of 400 or
more changes nothing.
"""

from __future__ import annotations

import inspect
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from world import build_world, changed_tables, client_for, fingerprint, own_socket, restore

from workshop.live import phases
from workshop.live.events import LiveNamespace
from workshop.live.voting import REMEMBERED

RECORDED = {error.code for error in REMEMBERED}

FIELDS = ["text", "proposal_id", "op_id", "parent_id", "direction", "revealed", "seconds",
          "source_ids", "target_id", "is_hidden", "is_kept", "kind", "client_id", "from_id",
          "to_id"]
EVENTS = sorted(name.removeprefix("on_") for name, _ in inspect.getmembers(LiveNamespace)
                if name.startswith("on_") and name not in ("on_connect", "on_disconnect"))
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

# Text that has broken servers: control characters, bidi overrides, NUL, huge and odd numbers.
NASTY = st.sampled_from(["", " ", "\x00", "a\x00b", "\u202eevil", "\u2066x\u2069", "\r\n\t",
                         "\x1b[31m", "é" * 5, "👍🏽", "<script>alert(1)</script>", "nan", "inf",
                         "-1", "0", "1e309", "99999999999999999999999", "next", "back",
                         "objective", "key_result", "x" * 10_240])
TEXT = st.one_of(st.text(max_size=40), NASTY,
                 st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]),
                         max_size=10))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-5, 12),
    st.integers(min_value=2**63 - 1, max_value=2**80),
    st.integers(min_value=-(2**80), max_value=-(2**63)),
    st.floats(allow_nan=True, allow_infinity=True), TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner,
                    max_size=4)), max_leaves=12)
# Mostly objects with the real field names (so the checks past the shape are reached), some
# with ids that exist, some anything at all.
IDS = st.one_of(st.integers(1, 5), st.lists(st.integers(1, 5), max_size=3))
PAYLOADS = st.one_of(
    st.fixed_dictionaries({}, optional={name: st.one_of(IDS, SCALARS, JSON) for name in FIELDS}),
    st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6), JSON)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LIVE_BROADCAST_INTERVAL": 0, "EXERCISES_AUTO_SYNC": False}


@pytest.fixture
def world(app, tmp_path):
    return build_world(app, tmp_path)


def check_ack(ack, event):
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (event, ack)
    if not ack["ok"]:
        assert isinstance(ack.get("error"), str) and ack["error"], (event, ack)
        assert ack["error"] != "server_error", (event, ack)
        assert isinstance(ack.get("message"), str) and ack["message"].strip(), (event, ack)


def fuzz_events(app, world, actor, payload, phase):
    socket = own_socket(app, world, actor)
    try:
        restore(app, world, phase=phase)
        for event in EVENTS:
            before = fingerprint(app)
            ack = socket.emit(event, payload, namespace="/live", callback=True)
            check_ack(ack, event)
            after = fingerprint(app)
            if not ack["ok"]:
                # Ballot refusals are remembered with their op_id (a resend gets the same
                # answer): that row is the only change a refusal may make.
                allowed = {"vote_operations"} if ack["error"] in RECORDED else set()
                changed = set(changed_tables(before, after))
                assert changed <= allowed, (f"{event} refused ({ack['error']}) but changed "
                                            f"{sorted(changed)}")
            elif before != after:
                restore(app, world, phase=phase)
    finally:
        socket.disconnect(namespace="/live")


# SQLite only, for runtime: between examples the world is restored by copying its database
# file. (What PostgreSQL alone refuses, NUL and out-of-range ids, has regression tests in
# tests/live/test_access.py on both backends.)
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
@FUZZ
@given(payload=PAYLOADS, phase=st.sampled_from(phases.ORDER))
def test_any_payload_to_any_event_as_participant(app, world, payload, phase):
    fuzz_events(app, world, "participant", payload, phase)


@SQLITE_ONLY
@FUZZ
@given(payload=PAYLOADS, phase=st.sampled_from(phases.ORDER))
def test_any_payload_to_any_event_as_coach(app, world, payload, phase):
    fuzz_events(app, world, "coach", payload, phase)


# A Socket.IO client sends auth as an object (or nothing). A bare number cannot even be
# framed: "0/live,0.0" reads as ack id 0 plus ".0" inside python-socketio's packet parser.
AUTHS = st.one_of(st.none(), st.dictionaries(
    st.one_of(st.sampled_from(["token", "workshop_id", "screen"]), st.text(max_size=8)),
    st.one_of(IDS, SCALARS, JSON), max_size=4))


@FUZZ
@given(auth=AUTHS)
def test_any_connect_auth_is_accepted_or_refused(app, world, auth):
    from workshop.extensions import socketio

    web = client_for(app, world, "coach")
    client = socketio.test_client(app, namespace="/live", auth=auth, flask_test_client=web)
    connected = client.is_connected("/live")
    if connected:
        client.disconnect(namespace="/live")
    # Only the signed-in coach naming their own workshop gets in (random text is never a
    # valid participant pass).
    own = (isinstance(auth, dict) and "token" not in auth
           and type(auth.get("workshop_id")) is int and auth["workshop_id"] == world.w1["id"])
    assert connected == own, auth


# -- forms ---------------------------------------------------------------------------------

def _values(*real):
    return st.one_of(TEXT, st.sampled_from(real) if real else TEXT,
                     st.lists(TEXT, min_size=2, max_size=3))


def _form(fields: dict, files: dict | None = None):
    """Any subset of the real fields (with real or nasty values) plus a stray field."""
    parts = {name: _values(*real) for name, real in fields.items()}
    strategy = st.fixed_dictionaries({}, optional={**parts, "stray": TEXT})
    if files:
        blobs = st.one_of(st.binary(max_size=2000), TEXT.map(lambda t: t.encode()),
                          st.sampled_from([b"%PDF-1.4\n", b"\xff\xfe\x00", b"::Q:: a?{T}",
                                           b"::Q::2+2{=4 ~5}\n\n::R::[html]<b>x{}"]))
        strategy = st.tuples(strategy, st.fixed_dictionaries(
            {}, optional=dict.fromkeys(files, blobs))).map(
            lambda pair: {**pair[0], **{k: (io.BytesIO(v), f"{k}.bin")
                                        for k, v in pair[1].items()}})
    return strategy


FLAGS = ("y", "", "n", "0", "on")
FORMS = {
    "login": ("anonymous", lambda w: "/login",
              _form({"email": ("trainee@example.org", "TRAINEE@example.org "),
                     "password": ("correct-horse-battery",)})),
    "change_password": ("trainee", lambda w: "/account/password",
                        _form({"current_password": ("correct-horse-battery",),
                               "new_password": ("another-horse-battery",),
                               "confirm": ("another-horse-battery",)})),
    "admin_new_user": ("admin", lambda w: "/admin/users/new",
                       _form({"display_name": ("New Person",),
                              "email": ("new@example.org", "coach@example.org"),
                              "password": ("a-long-first-password",), "is_admin": FLAGS,
                              "is_coach": FLAGS, "is_trainee": FLAGS, "is_active": FLAGS})),
    "admin_edit_user": ("admin", lambda w: f"/admin/users/{w.users['trainee']['id']}",
                        _form({"display_name": ("Renamed",),
                               "email": ("admin@example.org", "t@example.org"),
                               "password": ("a-long-new-password",), "is_admin": FLAGS,
                               "is_coach": FLAGS, "is_trainee": FLAGS, "is_active": FLAGS})),
    "admin_edit_self": ("admin", lambda w: f"/admin/users/{w.users['admin']['id']}",
                        _form({"display_name": ("Admin",), "email": ("admin@example.org",),
                               "is_admin": FLAGS, "is_active": FLAGS})),
    "new_workshop": ("coach", lambda w: "/live/workshops/new",
                     _form({"title": ("Q2 planning",), "team_name": ("Platform",),
                            "cycle_label": ("2027 Q2",),
                            "votes_per_participant": ("3", "20", "21", "0", "-3", "2.5"),
                            "max_votes_per_item": ("1", "5", "99999999999999999999"),
                            "objectives_to_keep": ("1", "3", "4"),
                            "key_results_to_keep": ("2", "4", "9"),
                            "is_hiding_results": FLAGS, "is_anonymous": FLAGS})),
    "attempt_answers": ("trainee", lambda w: f"/exercises/attempts/{w.attempt_id}",
                        _form({"action": ("save", "save", "save", "submit"),
                               **{f"q{n}-present": ("1",) for n in range(1, 6)},
                               **{f"q{n}": ("1", "0.5", "true") for n in range(1, 6)}})),
    "autosave": ("trainee", lambda w: f"/exercises/attempts/{w.attempt_id}/answers.json",
                 _form({**{f"q{n}-present": ("1",) for n in range(1, 6)},
                        **{f"q{n}": ("1", "0.5", "true") for n in range(1, 6)}})),
    "gift_import": ("admin", lambda w: "/exercises/manage/import",
                    _form({"set_slug": ("imported", "cadence-and-scoring", "Bad Slug!"),
                           "category": ("OKR basics",), "title": ("Imported",),
                           "topic": ("Imports",)}, files={"file"})),
    "certificate_issue": ("admin", lambda w: f"/admin/certificates/tracks/{w.track_slug}/issue",
                          _form({"user_id": ("1", "2", "3", "4", "99999999999999999999999"),
                                 "override_reason": ("Met the bar in a live assessment.",)})),
    "certificate_revoke": ("admin", lambda w: f"/admin/certificates/{w.certificate}/revoke",
                           _form({"reason": ("Issued to the wrong person.",)})),
    "certificate_reissue": ("admin", lambda w: f"/admin/certificates/{w.certificate}/reissue",
                            _form({"holder_name": ("Zoë Łukasiewicz",),
                                   "reason": ("Legal name change, deed poll seen.",)})),
    "verify_upload": ("anonymous", lambda w: f"/verify/{w.certificate}",
                      _form({}, files={"pdf"})),
    "enrol": ("trainee", lambda w: "/tracks/team-facilitator/enrol", _form({})),
    "publish": ("admin", lambda w: "/exercises/manage/sets/cadence-and-scoring/publish",
                _form({"publish": ("0", "1")})),
    "edit_set": ("admin", lambda w: f"/exercises/manage/sets/{w.gift_set_slug}/edit",
                 _form({"title": ("Imported basics", "  "), "topic": ("Foundations",),
                        "description": ("Two **quick** ones.",),
                        "max_attempts": ("1", "100", "101", "0", "-1", "2.5",
                                         "99999999999999999999"),
                        "grade_kept": ("highest", "last", "average"),
                        "pass_mark": ("0", "70", "100", "101", "-5", "1e3"),
                        "time_limit_minutes": ("", "1", "600", "601", "0")})),
    "edit_bank_set": ("admin", lambda w: f"/exercises/manage/sets/{w.set_slug}/edit",
                      _form({"title": ("Renamed",), "topic": ("Foundations",),
                             "max_attempts": ("2",), "grade_kept": ("last",),
                             "pass_mark": ("60",)})),
}


@pytest.mark.parametrize("route", sorted(FORMS))
def test_any_form_data_never_breaks_a_form(app, world, route):
    actor, path, strategy = FORMS[route]

    @FUZZ
    @given(data=strategy, with_token=st.booleans())
    def post_anything(data, with_token):
        web = client_for(app, world, actor)
        token = {"csrf_token": world.tokens[actor]} if with_token else {}
        before = fingerprint(app)
        response = web.post(path(world), data={**token, **data})
        after = fingerprint(app)
        status = response.status_code
        response.close()
        assert status < 500, f"{route}: {status} for {data!r}"
        if status >= 400:
            assert before == after, (f"{route}: {status} but changed "
                                     f"{changed_tables(before, after)}")

    post_anything()


@FUZZ
@given(body=JSON)
def test_any_json_to_join_never_breaks(app, world, body):
    web = client_for(app, world, "anonymous")
    before = fingerprint(app)
    response = web.post("/live/api/join", json=body)
    after = fingerprint(app)
    assert response.status_code < 500
    assert response.is_json
    if response.status_code >= 400:
        assert response.get_json()["ok"] is False
        assert before == after
