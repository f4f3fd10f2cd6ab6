"""The phones of a soak run (benchmarks/soak.py): connections and what a phone remembers.

A ``Link`` is one Socket.IO connection (the asyncio client of live_room.py) that reports a
lost connection by answering its outstanding acks with None. A ``SimPhone`` is a participant
across its connections: the ballot as last acknowledged (or, after a reconnect, as the
snapshot says), the latest tallies, the operation waiting for an answer and the operations
acknowledged so far.
"""

from __future__ import annotations

import asyncio
import contextlib

from live_room import Phone as _Socket


class Link(_Socket):
    """One connection of a phone; forwards events to its phone until dropped."""

    def __init__(self, owner, auth: dict, cookie: str | None = None) -> None:
        super().__init__(auth, cookie)
        self.owner = owner
        self.port: int | None = None
        self.closed = asyncio.Event()

    async def open(self, port: int, timeout: float) -> None:
        self.port = port
        try:
            await super().connect("127.0.0.1", port, timeout)
            if self.closed.is_set() or self.snapshot is None:
                raise ConnectionError("closed during the handshake")
        except BaseException:
            await self.drop()
            raise

    async def _read_loop(self) -> None:
        try:
            await super()._read_loop()
        except OSError:
            pass
        except Exception:  # a frame the client could not read: report it, do not hide it
            if self.owner is not None:
                self.owner.faults += 1
            raise
        finally:
            self._lost()

    def _lost(self) -> None:
        self.closed.set()
        pending, self.pending = self.pending, {}
        for on_ack in pending.values():
            on_ack(None)  # the operation is unanswered: its phone retries it
        if self.ready and not self.ready.done():
            self.ready.set_result(False)

    def _on_event(self, name: str, data: dict) -> None:
        super()._on_event(name, data)
        if self.owner is not None:
            self.owner.on_event(name, data)

    async def request(self, event: str, data, timeout: float) -> dict | None:
        """The ack, or None when the connection went away or the ack did not come in time."""
        if self.closed.is_set():
            return None
        future = asyncio.get_running_loop().create_future()
        self.emit(event, data, lambda ack: future.done() or future.set_result(ack))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return None

    async def drop(self) -> None:
        self.owner = None
        if self.writer is not None and not self.writer.is_closing():
            with contextlib.suppress(OSError, RuntimeError):
                self.writer.write(b"\x88\x80" + bytes(4))  # masked, empty WebSocket close
            self.writer.close()
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        self._lost()


class SimPhone:
    """A participant: its token, its ballot as last acknowledged and its latest tallies."""

    def __init__(self, n: int, token: str, participant_id: int, home: int) -> None:
        self.n, self.token, self.participant_id, self.home = n, token, participant_id, home
        self.link: Link | None = None
        self.ballot: dict[str, int] = {}
        self.tallies: dict | None = None
        self.pending: dict | None = None
        self.applied: list[dict] = []  # operations acknowledged ok, in order
        self.op_ids: set[str] = set()
        self.seq = 0
        self.faults = 0  # messages from the server this phone could not read

    def on_event(self, name: str, data: dict) -> None:
        if name == "snapshot":  # after a (re)connect the server's ballot is the truth
            self.ballot = dict(data["you"]["ballot"]["votes"])
        if name in ("snapshot", "tally_changed", "workshop_changed"):
            self.tallies = data["tallies"]


def replay(ops: list[dict]) -> dict[str, int]:
    """The ballot that the acknowledged operations add up to."""
    ballot: dict[str, int] = {}
    for op in ops:
        data = op["data"]
        if op["event"] == "cast_vote":
            changes = [(data["proposal_id"], 1)]
        elif op["event"] == "retract_vote":
            changes = [(data["proposal_id"], -1)]
        else:
            changes = [(data["from_id"], -1), (data["to_id"], 1)]
        for item, delta in changes:
            ballot[str(item)] = ballot.get(str(item), 0) + delta
    return {k: v for k, v in ballot.items() if v}
