"""Soak test: phones vote, move votes and reconnect while servers and Redis crash.

Two ``workshop serve`` processes share a PostgreSQL schema and a private ``redis-server``
(started here on a free 127.0.0.1 port, so the machine's own Redis is never touched). N
phones, split across both, open a voting round and for ``--minutes`` cast, retract and move
dots at random (a fresh ``op_id`` per action) and now and then reconnect, perhaps to the
other process. Mid-run one server process is killed with SIGKILL and restarted on its port,
later Redis is killed and restarted. A phone that loses its connection reconnects to a live
process and resends its unacknowledged operation with the same ``op_id`` until it is
acknowledged or definitively refused. A phone holds its ballot as the last ack (or, after a
reconnect, the snapshot) gave it.

Then the chaos stops, every phone drains its retries and the run checks that nothing was
lost or counted twice: each phone's ballot equals its rows in ``votes`` and the replay of
its acknowledged operations; the applied ``vote_operations`` are exactly the acknowledged
ones; one probe vote through each process reaches the phones on the other one (the Redis
pub/sub came back); every phone's tallies equal the database's (a phone still stale after the
final broadcasts asks ``get_snapshot``, and is counted); no server logged a failure. Exit
status 1 if any check fails.

    .venv/bin/python benchmarks/soak.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The engine (``run_soak``) is shared with tests/live/test_soak.py; the phones are the asyncio
WebSocket client of live_room.py.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import os
import random
import signal
import sys
import time

from live_room import percentile, raise_file_limit
from soak_cluster import Cluster
from soak_phone import Link, SimPhone, replay

now = time.perf_counter
EXPECTED_REFUSALS = {"budget_exhausted", "item_cap_reached", "no_vote_to_retract"}
RETRYABLE = {"slow_down", "server_error", "not_connected"}
CONNECT_GATE = 64  # handshakes in flight, below gevent's listen backlog (128)


class Soak:
    def __init__(self, cl: Cluster, opts: dict, log) -> None:
        self.cl, self.o, self.log = cl, opts, log
        self.rng = random.Random(opts["seed"])
        self.gate = asyncio.Semaphore(CONNECT_GATE)
        self.stopping = False
        self.items: list[int] = []
        self.latencies: list[float] = []
        self.s = {"operations": 0, "sends": 0, "retried": 0, "acked_ok": 0, "duplicate_acks": 0,
                  "refused": {}, "transient": {}, "unanswered": 0, "reconnects": 0,
                  "voluntary_reconnects": 0, "sent_then_dropped": 0, "connect_failures": 0,
                  "connect_errors": {},
                  "server_restarts": 0, "redis_restarts": 0}

    # -- connections --------------------------------------------------------------------

    async def connect(self, phone: SimPhone, first: bool = False) -> bool:
        alive = [i for i, s in enumerate(self.cl.servers) if s.up]
        if not alive:
            return False
        index = phone.home if first and phone.home in alive else self.rng.choice(alive)
        link = Link(phone, {"token": phone.token})
        try:
            async with self.gate:
                await link.open(self.cl.servers[index].port, self.o["ack_timeout"])
        except (OSError, EOFError, TimeoutError):
            self.s["connect_failures"] += 1
            if link.error:  # a connect_error from the server is an answer, not a hiccup
                code = (link.error.get("data") or {}).get("error", "?")
                self.s["connect_errors"][code] = self.s["connect_errors"].get(code, 0) + 1
            return False
        phone.link = link
        if not first:
            self.s["reconnects"] += 1
        return True

    async def ensure_link(self, phone: SimPhone, deadline: float) -> bool:
        pause = 0.2
        while now() < deadline:
            if phone.link is not None and not phone.link.closed.is_set():
                return True
            if phone.link is not None:
                await phone.link.drop()
                phone.link = None
            if await self.connect(phone):
                return True
            await asyncio.sleep(pause * self.rng.uniform(0.5, 1.5))
            pause = min(2.0, pause * 2)
        return False

    # -- operations ---------------------------------------------------------------------

    def new_op(self, phone: SimPhone) -> dict:
        phone.seq += 1
        op_id = f"{phone.n}-{phone.seq}-{self.rng.getrandbits(40):x}"
        mine = [int(k) for k, v in phone.ballot.items() for _ in range(v)]
        roll = self.rng.random()
        if not mine or roll < 0.45:
            kind, data = "cast_vote", {"proposal_id": self.rng.choice(self.items)}
        elif roll < 0.7:
            source = self.rng.choice(mine) if self.rng.random() < 0.9 else self.rng.choice(
                self.items)
            kind, data = "retract_vote", {"proposal_id": source}
        else:
            source = self.rng.choice(mine) if self.rng.random() < 0.9 else self.rng.choice(
                self.items)
            target = self.rng.choice([i for i in self.items if i != source])
            kind, data = "move_vote", {"from_id": source, "to_id": target}
        self.s["operations"] += 1
        return {"event": kind, "data": {**data, "op_id": op_id}, "op_id": op_id, "sends": 0}

    async def attempt(self, phone: SimPhone, tunnel: bool = True) -> None:
        op = phone.pending
        op["sends"] += 1
        self.s["sends"] += 1
        if op["sends"] > 1:
            self.s["retried"] += 1
        if tunnel and op["sends"] == 1 and self.rng.random() < self.o["tunnel_chance"]:
            # Into a tunnel: the operation leaves, the connection dies before its ack.
            self.s["sent_then_dropped"] += 1
            phone.link.emit(op["event"], op["data"], lambda ack: None)
            await phone.link.drop()
            return
        sent = now()
        ack = await phone.link.request(op["event"], op["data"], self.o["ack_timeout"])
        if ack is None:  # lost with its connection, or late: reconnect and resend
            self.s["unanswered"] += 1
            await phone.link.drop()
            return
        self.latencies.append(now() - sent)
        if ack.get("ok"):
            phone.ballot = dict(ack["ballot"]["votes"])
            self.s["acked_ok"] += 1
            self.s["duplicate_acks"] += bool(ack["ballot"].get("duplicate"))
            phone.applied.append(op)
            phone.op_ids.add(op["op_id"])
            phone.pending = None
            return
        code = ack.get("error", "no_ack")
        if code in RETRYABLE:
            self.s["transient"][code] = self.s["transient"].get(code, 0) + 1
            await asyncio.sleep(0.5)
            return
        self.s["refused"][code] = self.s["refused"].get(code, 0) + 1
        phone.pending = None  # a definitive answer: nothing was applied

    async def run_phone(self, phone: SimPhone, hard_deadline: float) -> None:
        lo, hi = self.o["think"]
        while now() < hard_deadline:
            if self.stopping and phone.pending is None:
                return
            if not await self.ensure_link(phone, hard_deadline):
                return
            if phone.pending is None:
                await asyncio.sleep(self.rng.uniform(lo, hi))
                if self.stopping:
                    continue
                if self.rng.random() < self.o["reconnect_chance"]:
                    self.s["voluntary_reconnects"] += 1
                    await phone.link.drop()
                    continue
                phone.pending = self.new_op(phone)
                if phone.link.closed.is_set():
                    continue
            await self.attempt(phone)

    # -- chaos --------------------------------------------------------------------------

    async def chaos(self, t0: float, duration: float) -> None:
        async def at(fraction: float) -> None:
            await asyncio.sleep(max(0.0, t0 + fraction * duration - now()))

        victim = self.cl.servers[self.rng.randrange(len(self.cl.servers))]
        await at(0.25)
        self.log(f"kill -9 server on port {victim.port}")
        await asyncio.to_thread(victim.kill)
        await asyncio.sleep(self.o["server_down"])
        await asyncio.to_thread(victim.start)
        self.s["server_restarts"] += 1
        self.log(f"server on port {victim.port} restarted")
        await at(0.6)
        self.log("kill -9 redis")
        await asyncio.to_thread(self.cl.redis.kill)
        await asyncio.sleep(self.o["redis_down"])
        await asyncio.to_thread(self.cl.redis.start)
        self.s["redis_restarts"] += 1
        self.log("redis restarted")

    # -- the run ------------------------------------------------------------------------

    async def run(self) -> dict:
        o, cl = self.o, self.cl
        started, cpu0 = now(), time.process_time()
        phones_joined = await asyncio.to_thread(cl.join_all, o["participants"])
        phones = [SimPhone(n, j["token"], j["participant_id"], n % len(cl.servers))
                  for n, j in enumerate(phones_joined)]
        self.items = await self.open_voting(phones_joined[0]["workshop_id"])
        await asyncio.gather(*(self.connect(p, first=True) for p in phones))
        connected = await asyncio.gather(*(self.ensure_link(p, now() + 60) for p in phones))
        if not all(connected):
            raise RuntimeError(f"{connected.count(False)} phones could not connect")
        self.s["reconnects"] = 0
        self.log(f"{len(phones)} phones connected; voting on {len(self.items)} items")
        t0 = now()
        duration = o["minutes"] * 60
        hard = t0 + duration + o["drain_timeout"]
        tasks = [asyncio.create_task(self.run_phone(p, hard)) for p in phones]
        chaos = asyncio.create_task(self.chaos(t0, duration))
        try:
            await asyncio.sleep(duration)
            await chaos  # every process and Redis is back before the drain
            self.stopping = True
            self.log("chaos over; draining retries")
            t_drain = now()
            await asyncio.gather(*tasks)
            drain_s = now() - t_drain
            result = await self.check(phones, drain_s)
        finally:
            chaos.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(chaos, *tasks, return_exceptions=True)
            await asyncio.gather(*(p.link.drop() for p in phones if p.link))
        result["figures"]["soak_client_cpu_s"] = round(time.process_time() - cpu0, 1)
        result["figures"]["load_average_1m"] = round(os.getloadavg()[0], 2)
        result["figures"]["duration_s"] = round(now() - started, 1)
        result["figures"]["chaos_s"] = round(duration, 1)
        return result

    async def open_voting(self, workshop_id: int) -> list[int]:
        cookie = await asyncio.to_thread(self.cl.coach_cookie)
        coach = Link(None, {"workshop_id": workshop_id}, cookie)
        await coach.open(self.cl.servers[0].port, 30)
        try:
            assert (await coach.request("change_phase", {"direction": "next"}, 30))["ok"]
            for n in range(self.o["items"]):
                ack = await coach.request("propose", {"text": f"Soak objective {n + 1}"}, 30)
                assert ack and ack["ok"], ack
            ack = await coach.request("change_phase", {"direction": "next"}, 30)
            assert ack and ack["phase"] == "objectives_vote", ack
            snap = (await coach.request("get_snapshot", None, 30))["snapshot"]
            return [p["id"] for p in snap["proposals"] if p["round"] == "objective"]
        finally:
            await coach.drop()

    async def settle_tallies(self, phones: list[SimPhone], truth: dict) -> tuple[int, int]:
        """Wait for the last broadcasts; then ask stale phones for a snapshot."""
        deadline = now() + self.o["settle_s"]
        while now() < deadline and any(p.tallies != truth for p in phones):
            await asyncio.sleep(0.1)
        stale = [p for p in phones if p.tallies != truth]
        for phone in stale:
            if await self.ensure_link(phone, now() + 30):
                ack = await phone.link.request("get_snapshot", None, self.o["ack_timeout"])
                if ack and ack.get("ok"):
                    phone.tallies = ack["snapshot"]["tallies"]
        return len(stale), sum(p.tallies != truth for p in phones)

    async def probe_broadcasts(self, phones: list[SimPhone]) -> int:
        """One vote through each process: phones on the other process must see it broadcast
        (Redis pub/sub is back after the restart). Returns how many phones missed one."""
        misses = 0
        for server in self.cl.servers:
            def on(phone, port=server.port) -> bool:
                return phone.link is not None and not phone.link.closed.is_set() and \
                    phone.link.port == port
            sender = next((p for p in phones if on(p)), None)
            if sender is None:
                continue
            mine = [k for k, v in sender.ballot.items() if v]
            if sum(sender.ballot.values()) < self.o["votes"]:
                item = next(i for i in self.items if sender.ballot.get(str(i), 0) < self.o["cap"])
                event, data = "cast_vote", {"proposal_id": item}
            else:
                event, data = "retract_vote", {"proposal_id": int(mine[0])}
            op_id = f"probe-{server.port}"
            self.s["operations"] += 1
            sender.pending = {"event": event, "data": {**data, "op_id": op_id}, "op_id": op_id,
                              "sends": 0}
            deadline = now() + 60
            while sender.pending is not None and now() < deadline:
                if await self.ensure_link(sender, deadline):
                    await self.attempt(sender, tunnel=False)
            truth = (await asyncio.to_thread(self.cl.db_state))["tallies"]
            others = [p for p in phones if p.link and not p.link.closed.is_set() and not on(p)]
            deadline = now() + self.o["settle_s"]
            while now() < deadline and any(p.tallies != truth for p in others):
                await asyncio.sleep(0.1)
            misses += sum(p.tallies != truth for p in others)
        return misses

    async def check(self, phones: list[SimPhone], drain_s: float) -> dict:
        cross_misses = await self.probe_broadcasts(phones)
        db = await asyncio.to_thread(self.cl.db_state)
        undrained = [p.n for p in phones if p.pending is not None]
        ballot_mismatch, replay_mismatch = [], []
        for p in phones:
            held = {k: v for k, v in p.ballot.items() if v}
            stored = db["ballots"].get(p.participant_id, {})
            if held != stored:
                ballot_mismatch.append({"phone": p.n, "held": held, "db": stored})
            if replay(p.applied) != stored:
                replay_mismatch.append({"phone": p.n, "replay": replay(p.applied), "db": stored})
        acked_ops = {(p.participant_id, op) for p in phones for op in p.op_ids}
        missing_ops = len(acked_ops - db["operations"])
        extra_ops = len(db["operations"] - acked_ops)
        phone_sum: dict[str, int] = {}
        for p in phones:
            for k, v in p.ballot.items():
                phone_sum[k] = phone_sum.get(k, 0) + v
        phone_sum = {k: v for k, v in phone_sum.items() if v}
        stale, still_stale = await self.settle_tallies(phones, db["tallies"])
        unexpected_refusals = {k: v for k, v in self.s["refused"].items()
                               if k not in EXPECTED_REFUSALS}
        errors = self.cl.server_errors()
        checks = {
            "all_operations_answered": not undrained,
            "ballots_equal_db": not ballot_mismatch,
            "acked_operations_replay_to_db": not replay_mismatch,
            "db_operations_equal_acked": missing_ops == 0 and extra_ops == 0,
            "db_tallies_equal_sum_of_phones": db["tallies"] == phone_sum,
            "phones_show_db_tallies": still_stale == 0,
            "broadcasts_cross_processes": cross_misses == 0,
            "no_op_id_applied_twice": db["op_ids_applied_twice"] == 0,
            "no_server_errors": not self.s["transient"].get("server_error") and not errors,
            "only_expected_refusals": not unexpected_refusals and not self.s["connect_errors"],
            "phones_read_every_message": not sum(p.faults for p in phones),
            "chaos_happened": self.s["server_restarts"] == 1 and self.s["redis_restarts"] == 1,
        }
        ms = [1000 * x for x in self.latencies]
        figures = {
            "participants": len(phones), "servers": len(self.cl.servers),
            **{k: v for k, v in self.s.items()},
            "ack_p50_ms": _r(percentile(ms, 50)), "ack_p95_ms": _r(percentile(ms, 95)),
            "ack_max_ms": _r(max(ms, default=None)),
            "db_votes": sum(db["tallies"].values()), "db_operations": len(db["operations"]),
            "op_ids_applied_twice": db["op_ids_applied_twice"],
            "cross_process_misses": cross_misses, "stale_after_settle": stale,
            "stale_after_snapshot": still_stale,
            "drain_s": round(drain_s, 1), "server_log_errors": errors,
        }
        return {"ok": all(checks.values()), "checks": checks, "figures": figures,
                "details": {"undrained": undrained[:10], "ballot_mismatch": ballot_mismatch[:10],
                            "replay_mismatch": replay_mismatch[:10],
                            "missing_ops": missing_ops, "extra_ops": extra_ops,
                            "db_tallies": db["tallies"], "phone_sum": phone_sum,
                            "unexpected_refusals": unexpected_refusals}}


def _r(value, digits: int = 1):
    return None if value is None else round(value, digits)


DEFAULTS = {"participants": 300, "minutes": 5.0, "seed": None, "items": 6, "votes": 5, "cap": 3,
            "think": (1.0, 4.0), "reconnect_chance": 0.03,
            "tunnel_chance": 0.02, "ack_timeout": 15.0,
            "server_down": 4.0, "redis_down": 3.0, "drain_timeout": 120.0, "settle_s": 10.0}


def run_soak(database_url: str, *, create_schema: bool = True, log=None, **options) -> dict:
    """Run one soak and return {"ok", "checks", "figures", "details"}; cleans up after itself.

    ``database_url`` is PostgreSQL; with ``create_schema`` a private schema is created in it
    and dropped afterwards, otherwise the URL must already point at an empty schema.
    """
    opts = {**DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    if opts["seed"] is None:
        opts["seed"] = random.randrange(1 << 30)
    log = log or (lambda message: None)
    raise_file_limit(opts["participants"] + 64)
    cl = Cluster(database_url, create_schema=create_schema, log=log)
    atexit.register(cl.close)
    try:
        cl.start(votes=opts["votes"], cap=opts["cap"])
        result = asyncio.run(asyncio.wait_for(
            Soak(cl, opts, log).run(),
            opts["minutes"] * 60 + opts["drain_timeout"] + 300))
        result["figures"]["seed"] = opts["seed"]
        if not result["ok"]:
            result["server_log_tail"] = cl.log_tail()
        return result
    finally:
        cl.close()
        atexit.unregister(cl.close)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--database-url", required=True,
                        help="PostgreSQL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test "
                             "(a private schema is created in it and dropped afterwards)")
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args(argv)
    if not opts.database_url.startswith("postgresql"):
        parser.error("--database-url must be a PostgreSQL URL")
    if opts.participants < 2 or opts.minutes <= 0:
        parser.error("need --participants >= 2 and --minutes > 0")
    # SIGTERM/SIGINT unwind through the finally blocks, which stop the processes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.strftime("%H:%M:%S")

    def log(message: str) -> None:
        if not opts.json:
            print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    log(f"soak started at {started}: {opts.participants} phones, {opts.minutes:g} minutes")
    result = run_soak(opts.database_url, participants=opts.participants,
                      minutes=opts.minutes, seed=opts.seed, log=log)
    if opts.json:
        print(json.dumps(result, indent=2))
    else:
        print(json.dumps(result["figures"], indent=2))
        for name, passed in result["checks"].items():
            print(f"  {'ok  ' if passed else 'FAIL'} {name}")
        if not result["ok"]:
            print(json.dumps(result["details"], indent=2))
            print(result.get("server_log_tail", ""))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
