"""A small populated world for cross-cutting tests (authorisation matrix, fuzzing).

One coach runs workshop W1 (a participant with a kept proposal and a dot on it, a second
participant, a coach's proposal); another coach runs W2 with its own participant. A trainee
holds a certificate and has an attempt in progress; a second trainee is eligible but not yet
certified; an admin runs the programme. Every actor's HTTP session (cookie and CSRF token) and
workshop pass are recorded, and the database is saved as a template so each call can start
from the same state (``restore``). SQLite only: the restore copies the database file.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from workshop.extensions import db, socketio

ACTORS = ("anonymous", "outsider", "participant", "trainee", "other_coach", "coach", "screen",
          "admin")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SIGNED_IN = {"trainee": "trainee", "other_coach": "other_coach", "coach": "coach",
             "screen": "coach", "admin": "admin"}


@dataclass(repr=False)
class World:
    db_path: Path | None
    template: Path
    users: dict[str, dict] = field(default_factory=dict)
    w1: dict = field(default_factory=dict)
    w2: dict = field(default_factory=dict)
    proposals: dict[str, int] = field(default_factory=dict)
    passes: dict[str, str] = field(default_factory=dict)  # actor -> workshop pass (token)
    cookies: dict[str, str] = field(default_factory=dict)  # actor -> session cookie
    tokens: dict[str, str] = field(default_factory=dict)  # actor -> CSRF token
    attempt_id: int = 0
    other_attempt_id: int = 0  # trainee2's (graded)
    certificate: str = ""
    set_slug: str = "cadence-and-scoring"
    gift_set_slug: str = "imported-basics"  # a set imported from GIFT (admins may edit it)
    track_slug: str = "practitioner"

    def __repr__(self) -> str:  # short, for hypothesis' failure reports
        return f"World(w1={self.w1}, w2={self.w2}, proposals={self.proposals})"


def _sqlite_path(app) -> Path:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    assert url.startswith("sqlite:///"), "the world is restored by copying a SQLite file"
    return Path(url.removeprefix("sqlite:///"))


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _pass_set(user_id: int, slug: str, score: float) -> None:
    from workshop.db import utcnow
    from workshop.exercises import catalog
    from workshop.exercises.models import Attempt

    exercise_set = catalog.get_set(slug)
    now = utcnow()
    db.session.add(Attempt(user_id=user_id, set_id=exercise_set.id, number=1, seed=1,
                           status="submitted", started_at=now, finished_at=now, score=score,
                           pass_mark=exercise_set.pass_mark,
                           is_passed=score >= exercise_set.pass_mark))


def _populate(app, world: World) -> None:
    from workshop.accounts import services as accounts
    from workshop.certificates import issuing, sync_tracks_from_file
    from workshop.certificates import services as certificates
    from workshop.exercises import catalog
    from workshop.exercises import services as exercises
    from workshop.exercises.content import load_bank
    from workshop.live import phases, proposals, voting
    from workshop.live import services as live

    password = "correct-horse-battery"
    with app.app_context():
        for name, roles in (("coach", ["coach"]), ("other_coach", ["coach"]),
                            ("trainee", ["trainee"]), ("trainee2", ["trainee"]),
                            ("admin", ["admin"])):
            user = accounts.create_user(f"{name}@example.org", name.replace("_", " ").title(),
                                        password, roles)
            db.session.flush()
            world.users[name] = {"id": user.id, "email": user.email, "password": password}
        catalog.sync_bank(load_bank(app.config["EXERCISES_PATH"]))
        catalog.import_gift("::World question:: Key Results are measurable.{T}\n",
                            set_slug=world.gift_set_slug)
        sync_tracks_from_file(app)
        track = certificates.get_track(world.track_slug)
        for name in ("trainee", "trainee2"):
            uid = world.users[name]["id"]
            _pass_set(uid, "okr-foundations", 0.9)
            _pass_set(uid, "objectives-key-results-tasks", 0.8)
            certificates.enrol(uid, track)
        db.session.flush()
        from workshop.accounts.models import User

        cert = issuing.issue_certificate(
            db.session.get(User, world.users["trainee"]["id"]), track,
            issuing.Issuer(None, "Programme office"), public_url="http://localhost",
            programme="Test programme")
        world.certificate = cert.verification_code
        attempt = exercises.start_attempt(world.users["trainee"]["id"],
                                          catalog.get_set(world.set_slug))
        db.session.flush()
        world.attempt_id = attempt.id
        world.other_attempt_id = exercises.user_attempts(world.users["trainee2"]["id"])[0].id

        def workshop(coach: str) -> dict:
            w = live.create_workshop(world.users[coach]["id"], title="Q1 planning",
                                     team_name="Platform", cycle_label="2027 Q1")
            live.change_phase(w, "next")
            return w

        w1, w2 = workshop("coach"), workshop("other_coach")
        pat, world.passes["participant"] = live.join_workshop(w1, "Pat")
        bob, _ = live.join_workshop(w1, "Bob")
        stranger, world.passes["outsider"] = live.join_workshop(w2, "Sam")
        p1, _ = proposals.propose(w1, pat, "Delight our customers with faster support")
        p2, _ = proposals.propose(w1, bob, "Ship the mobile app to every customer")
        p3, _ = proposals.propose(w1, None, "Become the team others want to join")
        q1, _ = proposals.propose(w2, stranger, "Cut the cloud bill without slowing down")
        world.proposals = {"p1": p1.id, "p2": p2.id, "p3": p3.id, "q1": q1.id}
        live.change_phase(w1, "next")  # objectives_vote
        voting.cast_vote(w1, pat, p1.id, "seed-1")
        p1.is_kept = True
        assert w1.phase == phases.OBJECTIVES_VOTE
        world.w1 = {"id": w1.id, "code": w1.join_code}
        world.w2 = {"id": w2.id, "code": w2.join_code}
        db.session.commit()


def _sign_in(app, world: World) -> None:
    for actor in ACTORS:
        web = app.test_client()
        token = CSRF_RE.search(web.get("/login").get_data(as_text=True)).group(1)
        if actor in SIGNED_IN:
            user = world.users[SIGNED_IN[actor]]
            response = web.post("/login", data={"csrf_token": token, "email": user["email"],
                                                 "password": user["password"]})
            assert response.status_code == 302, actor
        world.cookies[actor] = web.get_cookie("session").value
        world.tokens[actor] = token


def build_world(app, tmp_path: Path) -> World:
    """Populate the app's database, sign everyone in, and (SQLite) save a template copy."""
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    world = World(db_path=_sqlite_path(app) if sqlite else None,
                  template=tmp_path / "world-template.db")
    _populate(app, world)
    _sign_in(app, world)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if sqlite:  # only SQLite worlds can be restored
        _copy(world.db_path, world.template)
    return world


def restore(app, world: World, *, phase: str | None = None) -> None:
    """Put the database back as the world was built, optionally with both workshops in
    ``phase``."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _copy(world.template, world.db_path)
    if phase is not None:
        from workshop.live.models import Workshop

        with app.app_context():
            for workshop in db.session.scalars(select(Workshop)):
                workshop.phase = phase
            db.session.commit()
            db.session.remove()


def fingerprint(app) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row, per table: equal fingerprints, same data."""
    result = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
            result[table.name] = (len(rows), digest)
        db.session.remove()
    return result


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def client_for(app, world: World, actor: str):
    """A fresh HTTP client carrying ``actor``'s session (so a logout stays local to it)."""
    web = app.test_client()
    web.set_cookie("session", world.cookies[actor])
    return web


def connect(app, world: World, actor: str, *, workshop: dict | None = None):
    """A Socket.IO client for ``actor`` using its own credentials: a participant's pass, or a
    signed-in user's cookie aimed at ``workshop`` (W1 by default)."""
    workshop = workshop or world.w1
    if actor in world.passes:
        auth = {"token": world.passes[actor]}
        web = None
    else:
        auth = {"workshop_id": workshop["id"]}
        if actor == "screen":
            auth["screen"] = True
        web = client_for(app, world, actor)
    return socketio.test_client(app, namespace="/live", auth=auth, flask_test_client=web)


def own_socket(app, world: World, actor: str):
    """The actor's connected socket in their own workshop, or None if they have none."""
    if actor in ("participant", "outsider", "coach", "screen"):
        client = connect(app, world, actor)
    elif actor == "other_coach":
        client = connect(app, world, actor, workshop=world.w2)
    else:
        return None
    assert client.is_connected("/live"), f"{actor} could not connect"
    return client
