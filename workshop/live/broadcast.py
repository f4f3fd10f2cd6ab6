"""Coalesced broadcasts: at most one full-state message per room per interval.

Broadcasting per vote to a big room collapses (see ../shared/FACTS.md); instead every change
marks its workshop dirty and a background task sends the latest full state every
``LIVE_BROADCAST_INTERVAL`` seconds (0 sends at once, for tests). A message that is lost is
healed by the next one, and every (re)connecting client gets a snapshot anyway.

When a room goes quiet, its state is sent once more ``SETTLE_SECONDS`` later: with several
server processes, two messages built from the database a moment apart can reach phones in
either order, and the settling message leaves everyone on the final state.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from workshop.extensions import db, socketio
from workshop.live import state

logger = logging.getLogger(__name__)
NAMESPACE = "/live"
SETTLE_SECONDS = 1.0


def room(workshop_id: int, audience: str) -> str:
    """The one place room names are made: ``workshop:<id>:participant`` or ``...:coach``."""
    return f"workshop:{workshop_id}:{audience}"


class Broadcaster:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.interval = float(app.config["LIVE_BROADCAST_INTERVAL"])
        self._lock = threading.Lock()
        self._dirty: dict[int, dict[str, bool]] = {}
        self._settle: dict[int, tuple[float, dict[str, bool]]] = {}
        self._started = False
        self.sent = 0

    def mark(self, workshop_id: int, *, changed_state: bool = False,
             resync: bool = False) -> None:
        """Note that a workshop changed: its tallies always, its state/ballots if flagged."""
        with self._lock:
            flags = self._dirty.setdefault(workshop_id, {"state": False, "resync": False})
            flags["state"] |= changed_state
            flags["resync"] |= resync
            start = not self._started and self.interval > 0
            self._started = self._started or start
        if self.interval <= 0:
            self.flush()
        elif start:
            socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            socketio.sleep(self.interval)
            try:
                self.flush()
                self.flush_settled()
            except Exception:  # keep broadcasting for the other rooms
                logger.exception("live broadcast failed")

    def flush(self) -> None:
        with self._lock:
            dirty, self._dirty = self._dirty, {}
            if dirty and self.interval > 0:
                due = time.monotonic() + SETTLE_SECONDS
                for workshop_id, flags in dirty.items():
                    earlier = self._settle.get(workshop_id, (0.0, {"state": False}))[1]
                    self._settle[workshop_id] = (due, {"state": flags["state"] or
                                                       earlier["state"], "resync": False})
        self._send_all(dirty)

    def flush_settled(self, now: float | None = None) -> None:
        """Send once more the rooms that have been quiet for ``SETTLE_SECONDS``."""
        now = time.monotonic() if now is None else now
        with self._lock:
            quiet = {w: flags for w, (due, flags) in self._settle.items() if due <= now}
            for workshop_id in quiet:
                del self._settle[workshop_id]
        self._send_all(quiet)

    def _send_all(self, dirty: dict[int, dict[str, bool]]) -> None:
        if not dirty:
            return
        with self.app.app_context():
            try:
                for workshop_id, flags in dirty.items():
                    self._send(workshop_id, flags)
            finally:
                db.session.remove()

    def _send(self, workshop_id: int, flags: dict[str, bool]) -> None:
        from workshop.live.models import Workshop

        workshop = db.session.get(Workshop, workshop_id)
        if workshop is None:
            return
        if not flags["state"]:
            # The two audiences' tally messages differ only in whether tallies are shown:
            # query once (this runs every interval while a big room votes).
            coach = state.tally_message(workshop, state.COACH)
            shown = state.tallies_visible(workshop, state.PARTICIPANT)
            tally = {state.PARTICIPANT: coach if shown else {**coach, "tallies": None},
                     state.COACH: coach}
        for audience in (state.PARTICIPANT, state.COACH):
            if flags["state"]:
                payload = {**state.workshop_state(workshop, audience), "resync": flags["resync"]}
                event = "workshop_changed"
            else:
                payload, event = tally[audience], "tally_changed"
            socketio.emit(event, payload, to=room(workshop_id, audience), namespace=NAMESPACE)
            self.sent += 1


def get_broadcaster(app: Flask) -> Broadcaster:
    return app.extensions["live_broadcaster"]
