"""Load benchmark: a room of phones dot-voting in one live workshop.

Starts ``workshop serve`` on a temporary SQLite database (or targets a running server on
127.0.0.1 with ``--url`` and ``--code``), joins N phones over HTTP, connects them over
WebSocket, lets them cast votes at an aggregate rate and measures what a room would notice:
connect time, vote ack latency, how long until every phone shows the exact final tally,
the messages phones receive and the server's CPU time. See benchmarks/RESULTS-live_room.md.

The phones speak Engine.IO 4 / Socket.IO 5 over a minimal asyncio WebSocket client written
from docs/realtime-protocol.md, so that one process can simulate thousands of phones on the
same small machine as the server while taking little CPU (reported as phones_cpu_vote_s).

    .venv/bin/python benchmarks/live_room.py --phones 1000 --rate 200 --runs 3
    .venv/bin/python benchmarks/live_room.py --find-max --rate 200
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import os
import re
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import requests

NS = "/live"
WORKSHOP = str(Path(sys.executable).parent / "workshop")
COACH_EMAIL, COACH_PASSWORD = "bench-coach@example.org", "bench-coach-password-1"
GOALS = {"ack_p95_ms": 150.0, "convergence_s": 1.0}
FIND_MAX_SIZES = (250, 500, 1000, 1250, 1500, 1750, 2000, 2500, 3000, 4000)
CONNECT_CONCURRENCY = 64  # below gevent's listen backlog (128)
now = time.perf_counter


# -- a minimal Socket.IO client over a raw WebSocket ----------------------------------------

def _frame(text: str, opcode: int = 1) -> bytes:
    """A masked client-to-server WebSocket frame (RFC 6455 section 5.2)."""
    data = text.encode()
    n = len(data)
    if n < 126:
        header = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    mask = os.urandom(4)
    key = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
    return header + mask + masked


class Phone:
    """One socket on namespace /live: keeps the latest tallies and when they arrived."""

    def __init__(self, auth: dict, cookie: str | None = None) -> None:
        self.auth, self.cookie = auth, cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.snapshot: dict | None = None
        self.phase: str | None = None
        self.tallies: dict | None = None
        self.tallies_at = 0.0  # when the current tallies value first arrived
        self.messages = 0
        self.error: dict | None = None
        self.acks = itertools.count(1)
        self.pending: dict[int, object] = {}
        self.ready: asyncio.Future | None = None
        self.task: asyncio.Task | None = None

    async def connect(self, host: str, port: int, timeout: float = 30) -> None:
        self.reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(host, port), timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        cookie = f"Cookie: {self.cookie}\r\n" if self.cookie else ""
        self.writer.write((
            f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\n{cookie}\r\n").encode())
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout)
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError(head.decode(errors="replace").splitlines()[0])
        opened = await asyncio.wait_for(self._read_message(), timeout)
        if not opened or opened[0] != "0":  # Engine.IO OPEN
            raise ConnectionError(f"no Engine.IO open packet: {opened!r}")
        self.ready = asyncio.get_running_loop().create_future()
        self.task = asyncio.create_task(self._read_loop())
        self.send(f"40{NS}," + json.dumps(self.auth))
        await asyncio.wait_for(self.ready, timeout)
        if self.error is not None:
            raise ConnectionError(f"connect_error {self.error}")

    def send(self, text: str) -> None:
        self.writer.write(_frame(text))

    def emit(self, event: str, data, on_ack) -> None:
        ack_id = next(self.acks)
        self.pending[ack_id] = on_ack
        self.send(f"42{NS},{ack_id}" + json.dumps([event, data], separators=(",", ":")))

    async def call(self, event: str, data=None, timeout: float = 30) -> dict:
        future = asyncio.get_running_loop().create_future()
        self.emit(event, data, lambda ack: future.done() or future.set_result(ack))
        return await asyncio.wait_for(future, timeout)

    async def _read_message(self) -> str | None:
        parts, reader = [], self.reader
        while True:
            b0, b1 = await reader.readexactly(2)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(await reader.readexactly(2), "big")
            elif n == 127:
                n = int.from_bytes(await reader.readexactly(8), "big")
            payload = await reader.readexactly(n) if n else b""
            opcode = b0 & 0x0F
            if opcode == 8:  # close
                return None
            if opcode == 9:  # ping
                self.writer.write(_frame(payload.decode(), 10))
                continue
            if opcode == 10:
                continue
            parts.append(payload)
            if b0 & 0x80:  # FIN
                return b"".join(parts).decode()

    async def _read_loop(self) -> None:
        prefix = len(NS) + 3  # "42/live,"
        try:
            while (text := await self._read_message()) is not None:
                if text == "2":  # Engine.IO ping
                    self.send("3")
                elif text.startswith("42/live,"):
                    name, data = json.loads(text[prefix:])
                    self._on_event(name, data)
                elif text.startswith("43/live,"):
                    body = text[prefix:]
                    split = body.index("[")
                    on_ack = self.pending.pop(int(body[:split]), None)
                    if on_ack:
                        on_ack(json.loads(body[split:])[0])
                elif text.startswith("40/live,"):
                    self.ready.done() or self.ready.set_result(True)
                elif text.startswith("44/live,"):
                    self.error = json.loads(text[prefix:])
                    self.ready.done() or self.ready.set_result(False)
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            if self.ready and not self.ready.done():
                self.ready.set_result(False)

    def _on_event(self, name: str, data: dict) -> None:
        self.messages += 1
        if name == "snapshot":
            self.snapshot = data
            self.phase = data["workshop"]["phase"]
        elif name == "workshop_changed":
            self.phase = data["workshop"]["phase"]
        elif name == "tally_changed":
            self.phase = data["phase"]
        else:
            return
        if data["tallies"] != self.tallies:
            self.tallies, self.tallies_at = data["tallies"], now()

    async def close(self) -> None:
        if self.writer is None:
            return
        try:
            self.writer.write(_frame("", 8))  # WebSocket close
            self.writer.close()
        except (ConnectionError, RuntimeError):
            pass
        if self.task:
            self.task.cancel()


# -- the server, the coach and the phones' HTTP join ------------------------------------------

def cpu_seconds(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def box_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all processes, all cores)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class LocalServer:
    """``workshop serve`` on its own temporary SQLite database and instance folder."""

    def __init__(self, interval: float | None) -> None:
        self.dir = tempfile.TemporaryDirectory(prefix="live-room-")
        self.db_path = Path(self.dir.name) / "bench.db"
        self.env = {**os.environ, "WORKSHOP_INSTANCE_PATH": str(Path(self.dir.name) / "instance"),
                    "WORKSHOP_DATABASE_URL": f"sqlite:///{self.db_path}",
                    "PYTHONUNBUFFERED": "1"}
        if interval is not None:
            self.env["WORKSHOP_LIVE_BROADCAST_INTERVAL"] = str(interval)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def cli(self, *args: str) -> str:
        done = subprocess.run([WORKSHOP, *args], env=self.env, capture_output=True, text=True,
                              timeout=120)
        if done.returncode:
            raise RuntimeError(f"workshop {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> LocalServer:
        self.cli("db", "upgrade")
        self.cli("users", "create", "--email", COACH_EMAIL, "--role", "coach",
                 "--password", COACH_PASSWORD)
        self.log = open(Path(self.dir.name) / "server.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen([WORKSHOP, "serve", "--port", str(self.port)],
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.read_log())
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("server did not start: " + self.read_log())

    def new_workshop(self, votes: int) -> str:
        out = self.cli("live", "create", "--coach-email", COACH_EMAIL, "--title", "Bench room",
                       "--team", "Bench", "--cycle", "2027 Q1", "--votes", str(votes),
                       "--show-results")
        return re.search(r"join code (\w+)", out).group(1)

    def db_tallies(self, workshop_id: int) -> dict[str, int]:
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10) as con:
            rows = con.execute("SELECT proposal_id, COUNT(*) FROM votes WHERE workshop_id = ? "
                               "AND round = 'objective' GROUP BY proposal_id", (workshop_id,))
            return {str(k): v for k, v in rows}

    def read_log(self) -> str:
        return (Path(self.dir.name) / "server.log").read_text()[-3000:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
        self.dir.cleanup()


def coach_cookie(url: str, email: str, password: str) -> str:
    web = requests.Session()
    page = web.get(url + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = web.post(url + "/login", data={"csrf_token": token, "email": email,
                                              "password": password},
                        timeout=30, allow_redirects=False)
    if response.status_code != 302:
        raise RuntimeError(f"coach sign-in failed ({response.status_code})")
    return "; ".join(f"{k}={v}" for k, v in web.cookies.items())


def join_phones(url: str, code: str, count: int, tag: str) -> list[dict]:
    sessions: dict[int, requests.Session] = {}

    def join(n: int) -> dict:
        web = sessions.setdefault(threading.get_ident(), requests.Session())
        response = web.post(url + "/live/api/join", timeout=30,
                            json={"code": code, "display_name": f"Phone {tag}-{n}"})
        response.raise_for_status()
        return response.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(join, range(count)))


# -- one run ---------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


async def wait_for(predicate, timeout: float, step: float = 0.01) -> bool:
    deadline = now() + timeout
    while now() < deadline:
        if predicate():
            return True
        await asyncio.sleep(step)
    return predicate()


async def run_room(opts, url: str, code: str, cookie: str, pid: int | None,
                   server: LocalServer | None, tag: str) -> dict:
    host, port = urlsplit(url).hostname, urlsplit(url).port or 80
    t = now()
    joined = await asyncio.to_thread(join_phones, url, code, opts.phones, tag)
    join_s = now() - t
    workshop_id = joined[0]["workshop_id"]
    coach = Phone({"workshop_id": workshop_id}, cookie)
    await coach.connect(host, port)

    phones = [Phone({"token": j["token"]}) for j in joined]
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def connect(phone: Phone) -> None:
        async with gate:
            await phone.connect(host, port)

    cpu0, t = cpu_seconds(pid), now()
    results = await asyncio.gather(*(connect(p) for p in phones), return_exceptions=True)
    connect_s, cpu1 = now() - t, cpu_seconds(pid)
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        raise RuntimeError(f"{len(failed)} phones failed to connect, e.g. {failed[0]!r}")

    # The coach opens proposals, puts up the items to vote on and opens voting.
    phase = coach.snapshot["workshop"]["phase"]
    if phase == "lobby":
        ack = await coach.call("change_phase", {"direction": "next"})
        assert ack["ok"], ack
        phase = ack["phase"]
    if phase == "objectives_propose":
        for n in range(opts.items):
            ack = await coach.call("propose", {"text": f"Objective number {n + 1}"})
            assert ack["ok"], ack
        ack = await coach.call("change_phase", {"direction": "next"})
        assert ack["ok"], ack
        phase = ack["phase"]
    if phase != "objectives_vote":
        raise RuntimeError(f"workshop is in phase {phase}, not objectives_vote")
    state = (await coach.call("get_snapshot"))["snapshot"]
    items = [p["id"] for p in state["proposals"] if p["round"] == "objective"][:opts.items]
    before = dict(state["tallies"] or {})
    if not await wait_for(lambda: all(p.phase == "objectives_vote" for p in phones), 30):
        raise RuntimeError("phones did not all see voting open")
    await asyncio.sleep(max(0.3, 2 * opts.interval_hint))
    for p in phones:
        p.messages = 0

    # The burst: vote i goes to phone i % N at t0 + i / rate, each with a unique op_id.
    total = opts.phones * opts.votes_per_phone
    latencies: list[float] = []
    acked: dict[str, int] = {}
    errors: dict[str, int] = {}
    last_ack = [0.0]

    def on_ack(sent: float, item: int):
        def record(ack: dict) -> None:
            t_ack = now()
            latencies.append(t_ack - sent)
            last_ack[0] = max(last_ack[0], t_ack)
            if ack.get("ok") and not ack["ballot"]["duplicate"]:
                acked[str(item)] = acked.get(str(item), 0) + 1
            else:
                errors[ack.get("error", "duplicate")] = errors.get(ack.get("error",
                                                                            "duplicate"), 0) + 1
        return record

    cpu2, t0, mine0, box0 = cpu_seconds(pid), now(), time.process_time(), box_busy_seconds()
    for i in range(total):
        delay = t0 + i / opts.rate - now()
        if delay > 0:
            await asyncio.sleep(delay)
        phone_n, k = i % opts.phones, i // opts.phones
        item = items[(phone_n + k) % len(items)]
        phones[phone_n].emit("cast_vote", {"proposal_id": item, "op_id": f"{tag}-{phone_n}-{k}"},
                             on_ack(now(), item))
    send_s = now() - t0
    all_acked = await wait_for(lambda: len(latencies) == total, 60)
    expected = dict(before)
    for key, value in acked.items():
        expected[key] = expected.get(key, 0) + value
    converged = await wait_for(lambda: all(p.tallies == expected for p in phones),
                               opts.converge_timeout)
    t_end, cpu3, mine1 = now(), cpu_seconds(pid), time.process_time()
    others = box_busy_seconds() - box0 - (mine1 - mine0) - (_delta(cpu2, cpu3) or 0)
    convergence = (max(0.0, max(p.tallies_at for p in phones) - last_ack[0])
                   if converged and all_acked else None)

    truth = (await coach.call("get_snapshot"))["snapshot"]["tallies"]
    db_truth = server.db_tallies(workshop_id) if server else None
    exact = (all_acked and not errors and truth == expected
             and (db_truth is None or db_truth == expected)
             and sum(acked.values()) == total)
    messages = sum(p.messages for p in phones)
    await asyncio.gather(*(p.close() for p in [*phones, coach]))
    ms = [1000 * x for x in latencies]
    return {
        "phones": opts.phones, "rate": opts.rate, "votes": total,
        "join_s": round(join_s, 2), "connect_s": round(connect_s, 2),
        "send_s": round(send_s, 2), "achieved_rate": round(total / send_s, 1),
        "ack_p50_ms": _r(percentile(ms, 50)), "ack_p95_ms": _r(percentile(ms, 95)),
        "ack_p99_ms": _r(percentile(ms, 99)), "ack_max_ms": _r(max(ms, default=None)),
        "convergence_s": _r(convergence, 3),
        "not_converged": sum(p.tallies != expected for p in phones),
        "messages": messages, "messages_per_phone": round(messages / opts.phones, 1),
        "cpu_connect_s": _r(_delta(cpu0, cpu1)), "cpu_vote_s": _r(_delta(cpu2, cpu3)),
        "vote_window_s": round(t_end - t0, 2), "phones_cpu_vote_s": _r(mine1 - mine0),
        "other_cpu_vote_s": _r(others) if pid else None,
        "acked": sum(acked.values()), "errors": errors,
        "exact": bool(exact), "checked_db": db_truth is not None,
    }


def _r(value, digits: int = 1):
    return None if value is None else round(value, digits)


def _delta(a, b):
    return None if a is None or b is None else b - a


def meets_goals(result: dict) -> bool:
    return (result["exact"] and result["ack_p95_ms"] is not None
            and result["ack_p95_ms"] <= GOALS["ack_p95_ms"]
            and result["convergence_s"] is not None
            and result["convergence_s"] <= GOALS["convergence_s"])


def median_of(runs: list[dict]) -> dict:
    out = {}
    for key, value in runs[0].items():
        values = [r[key] for r in runs]
        if isinstance(value, bool) or key == "errors":
            out[key] = all(values) if isinstance(value, bool) else values
        elif all(isinstance(v, int | float) for v in values):
            middle = statistics.median(values)
            out[key] = int(middle) if middle == int(middle) and isinstance(value, int) \
                else round(middle, 3)
        else:
            out[key] = None if any(v is None for v in values) else values[0]
    return out


# -- the command ------------------------------------------------------------------------------

COLUMNS = [("phones", "phones"), ("connect_s", "connect s"), ("ack_p50_ms", "ack p50 ms"),
           ("ack_p95_ms", "p95"), ("ack_p99_ms", "p99"), ("convergence_s", "converge s"),
           ("messages", "messages"), ("cpu_connect_s", "cpu conn s"),
           ("cpu_vote_s", "cpu vote s"), ("exact", "exact")]


def print_table(rows: list[tuple[str, dict]]) -> None:
    header = ["run"] + [title for _, title in COLUMNS]
    lines = [header] + [[name] + [str(r.get(key)) for key, _ in COLUMNS] for name, r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)))


def raise_file_limit(phones: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 2 * phones + 256
    if soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


async def bench(opts) -> dict:
    server = None
    try:
        if opts.url:
            url, code, pid = opts.url.rstrip("/"), opts.code, opts.server_pid
        else:
            server = LocalServer(opts.broadcast_interval).start()
            url, pid, code = server.url, server.proc.pid, None
        cookie = await asyncio.to_thread(coach_cookie, url, opts.coach_email,
                                         opts.coach_password)
        report: dict = {"url": url, "rate": opts.rate, "votes_per_phone": opts.votes_per_phone}
        sizes = [s for s in FIND_MAX_SIZES if s <= opts.max_phones] if opts.find_max \
            else [opts.phones]
        steps, best = [], None
        for size in sizes:
            opts.phones = size
            raise_file_limit(size)
            runs = []
            for n in range(opts.runs):
                if server:
                    code = await asyncio.to_thread(server.new_workshop, opts.votes_per_phone)
                result = await asyncio.wait_for(
                    run_room(opts, url, code, cookie, pid, server, f"r{size}-{n}"),
                    opts.run_timeout)
                runs.append(result)
                if not opts.json:
                    print_table([(f"{size}#{n + 1}", result)])
            step = {"phones": size, "runs": runs, "median": median_of(runs)}
            step["meets_goals"] = meets_goals(step["median"])
            steps.append(step)
            if opts.find_max:
                if not step["meets_goals"]:
                    break
                best = size
        report["steps"] = steps
        if opts.find_max:
            report["largest_room_meeting_goals"] = best
            report["goals"] = {**GOALS, "tally_exact": True}
        if server:
            report["server_cpu_total_s"] = _r(cpu_seconds(pid))
        return report
    finally:
        if server:
            server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="aggregate votes per second")
    parser.add_argument("--votes-per-phone", type=int, default=3)
    parser.add_argument("--items", type=int, default=5, help="objectives to vote on")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--find-max", action="store_true",
                        help=f"grow the room through {FIND_MAX_SIZES} until a goal is missed")
    parser.add_argument("--max-phones", type=int, default=4000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--url", help="a running server on 127.0.0.1 (needs --code)")
    parser.add_argument("--code", help="join code of an open workshop (with --url)")
    parser.add_argument("--server-pid", type=int, help="with --url: measure this process's CPU")
    parser.add_argument("--coach-email", default=COACH_EMAIL)
    parser.add_argument("--coach-password", default=COACH_PASSWORD)
    parser.add_argument("--broadcast-interval", type=float,
                        help="WORKSHOP_LIVE_BROADCAST_INTERVAL for the server started here")
    parser.add_argument("--converge-timeout", type=float, default=15.0)
    parser.add_argument("--run-timeout", type=float, default=300.0)
    opts = parser.parse_args(argv)
    if opts.url and (urlsplit(opts.url).hostname not in ("127.0.0.1", "localhost")
                     or not opts.code):
        parser.error("--url must point at 127.0.0.1 and needs --code")
    if opts.url and (opts.runs > 1 or opts.find_max):
        parser.error("--url targets one workshop (--code): one run, no --find-max")
    if opts.phones < 1 or opts.rate <= 0 or not 1 <= opts.votes_per_phone <= 20:
        parser.error("need --phones >= 1, --rate > 0 and 1..20 --votes-per-phone")
    if opts.items < 1:
        parser.error("need --items >= 1")
    opts.interval_hint = opts.broadcast_interval or 0.15
    report = asyncio.run(bench(opts))
    if opts.json:
        print(json.dumps(report, indent=2))
        return
    print(f"\nmedians over {opts.runs} run(s) at {opts.rate:g} votes/s "
          f"({opts.votes_per_phone} per phone):")
    print_table([(str(s["phones"]), s["median"]) for s in report["steps"]])
    if opts.find_max:
        print(f"largest room meeting ack p95 <= {GOALS['ack_p95_ms']:g} ms, convergence <= "
              f"{GOALS['convergence_s']:g} s, exact tally: "
              f"{report['largest_room_meeting_goals']}")


if __name__ == "__main__":
    main()
