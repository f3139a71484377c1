"""HTTP throughput and latency of the Anguan API, printed as figures (no pass/fail).

Cases, each at a fixed concurrency for a fixed duration after a warm-up:
  read /map     authenticated GET /api/v1/plant/sites/1/map
  write area    authenticated PATCH /api/v1/plant/areas/{id} (new description each time; every
                write also appends a hash-chained audit entry and emits an event)
  ceiling       a bare Starlette endpoint returning a small JSON, served by uvicorn the same way
on SQLite (fresh var dir) and PostgreSQL (fresh database, dropped at the end), with 1 and 2 uvicorn
worker processes. The app is started with `anguan serve --workers N` (migrated and seeded with
`anguan migrate` + `anguan seed-demo`); the load generator is wrk when available (installed with
apt-get when missing and running as root), else a Python asyncio HTTP/1.1 keep-alive client.

    .venv/bin/python bench/api.py                 # ~3 min: 3 s warm-up + 10 s per case, 32 connections
    .venv/bin/python bench/api.py --quick         # ~1-2 min
    .venv/bin/python bench/api.py --duration 20 --concurrency 64 --dbs postgres --workers 2
    .venv/bin/python bench/api.py --client python # force the Python client

Progress goes to stderr; the header and the result table go to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
USERNAME, PASSWORD = "admin", "Anguan@2026"
AUDITOR = "auditor"
SITE_ID = 1
READ_PATH = f"/api/v1/plant/sites/{SITE_ID}/map"
CEILING_PATH = "/ping"
# Settings that would point the server somewhere else than the bench's own database.
SCRUBBED_ENV = (
    "ANGUAN_DATABASE_URL",
    "ANGUAN_DB__URL",
    "ANGUAN_VAR_DIR",
    "ANGUAN_PORT",
    "ANGUAN_HOST",
    "ANGUAN_STORAGE__ROOT",
    "ANGUAN_WEB_DIST",
    "ANGUAN_DEMO",
)


def log(msg: str) -> None:
    """Progress line on stderr (stdout carries only the figures)."""
    print(f"# {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- servers


def ceiling_app() -> Any:
    """Factory of the bare Starlette app (the ceiling case)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def ping(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": "0.1.0"})

    return Starlette(routes=[Route(CEILING_PATH, ping), Route("/api/health", ping)])


def serve_internal(target: str, port: int, workers: int, access_log: bool) -> None:
    """Run uvicorn with the same options as `anguan serve` (used for the ceiling, or with --no-access-log)."""
    import uvicorn

    app = "api:ceiling_app" if target == "ceiling" else "anguan.app:create_app"
    uvicorn.run(
        app,
        factory=True,
        app_dir=str(BENCH_DIR),
        host=HOST,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
        proxy_headers=False,
        ws="websockets-sansio",
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def anguan_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "anguan"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "anguan.cli"]


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path
    workers: int
    log_file: Any = None
    stop_note: str = ""

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


RUNNING: list[Server] = []


def start_server(
    name: str, cmd: list[str], env: dict[str, str], cwd: Path, workers: int, port: int, log_path: Path
) -> Server:
    log_file = open(log_path, "wb")  # closed in stop_server
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Server(name, proc, port, log_path, workers, log_file)
    RUNNING.append(server)
    return server


def wait_ready(server: Server, timeout: float = 90.0) -> None:
    """Wait for /api/health to answer 200 and for every worker to report startup complete."""
    deadline = time.monotonic() + timeout
    healthy = False
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited ({server.proc.returncode}):\n{server.log_text()[-3000:]}"
            )
        if not healthy:
            with contextlib.suppress(OSError, urllib.error.URLError):
                with urllib.request.urlopen(f"http://{HOST}:{server.port}/api/health", timeout=2) as r:
                    healthy = r.status == 200
        if healthy and server.log_text().count("Application startup complete.") >= server.workers:
            return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} not ready within {timeout:.0f} s:\n{server.log_text()[-3000:]}")


def stop_server(server: Server) -> None:
    """SIGTERM the server's process group (it was started in its own session), SIGKILL after 15 s."""
    if server.proc.poll() is None:
        t0 = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=5)
            server.stop_note = "did not stop within 15 s of SIGTERM: killed"
        else:
            server.stop_note = f"stopped {time.monotonic() - t0:.1f} s after SIGTERM"
    # Stray workers of the group (a supervisor that died first) go too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.proc.pid, signal.SIGKILL)
    if server.log_file is not None:
        server.log_file.close()
        server.log_file = None
    if server in RUNNING:
        RUNNING.remove(server)


def server_problems(text: str) -> tuple[Counter[str], list[str]]:
    """Status codes from the access log and the distinct error lines of a server log."""
    codes: Counter[str] = Counter(re.findall(r'HTTP/1\.[01]" (\d{3}) ', text))
    errors: list[str] = []
    for line in text.splitlines():
        if re.search(r"Traceback|ERROR|Exception|CRITICAL|database is locked", line):
            short = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ", "", line.strip())[:200]
            if short not in errors:
                errors.append(short)
        if len(errors) >= 8:
            break
    return codes, errors


# --------------------------------------------------------------------------- HTTP helpers


class Api:
    """Tiny urllib client for set-up calls (login, token, lookups)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://{HOST}:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.headers: dict[str, str] = {}
        self.last_size = 0

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        csrf = next((c.value for c in self.jar if c.name == "anguan_csrf"), None)
        if csrf and method not in ("GET", "HEAD"):
            headers["X-CSRF-Token"] = csrf
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as r:
                raw = r.read()
                self.last_size = len(raw)
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw)
            except ValueError:
                return exc.code, raw[:300]

    def login(self, username: str) -> None:
        status, body = self.call("POST", "/api/v1/auth/login", {"username": username, "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"login {username} -> {status} {body}")


def bearer_token(port: int) -> str:
    api = Api(port)
    api.login(USERNAME)
    status, body = api.call("POST", "/api/v1/auth/tokens", {"name": "bench", "days": 1})
    if status != 201:
        raise RuntimeError(f"token -> {status} {body}")
    return str(body["token"])


# --------------------------------------------------------------------------- load generators


@dataclass
class Result:
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    non2xx: int = 0
    socket_errors: int = 0
    codes: dict[str, int] = field(default_factory=dict)
    bytes_per_resp: float | None = None
    server_cpu_s: float | None = None
    failed: str | None = None

    @property
    def cpu_ms_per_req(self) -> float | None:
        if self.server_cpu_s is None or not self.requests:
            return None
        return self.server_cpu_s * 1000 / self.requests

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Load:
    """One request shape: GET path, or PATCH path with a fresh JSON description each time."""

    port: int
    path: str
    method: str = "GET"
    token: str | None = None


LUA_COMMON = r"""
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local codes = {}
  for _, t in ipairs(threads) do
    local c = t:get("codes")
    if c then for k, v in pairs(c) do codes[tostring(k)] = (codes[tostring(k)] or 0) + v end end
  end
  local parts = {}
  for k, v in pairs(codes) do table.insert(parts, k .. ":" .. v) end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d status=%d " ..
    "connect=%d read=%d write=%d timeout=%d codes=%s\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout, table.concat(parts, ",")))
end
"""

LUA_PATCH = r"""
tid = 0
codes = {}
local n = 0
function init(args)
  wrk.method = "PATCH"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format('{"description":"bench %d-%d"}', tid, n))
end
function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end
"""


def run_wrk(load: Load, duration: float, concurrency: int, threads: int, script_dir: Path) -> Result:
    script = script_dir / ("patch.lua" if load.method == "PATCH" else "get.lua")
    if not script.exists():
        script.write_text(LUA_COMMON + (LUA_PATCH if load.method == "PATCH" else ""), encoding="utf-8")
    cmd = [
        "wrk",
        f"-t{max(1, min(threads, concurrency))}",
        f"-c{concurrency}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
    ]
    if load.token:
        cmd += ["-H", f"Authorization: Bearer {load.token}"]
    cmd.append(f"http://{HOST}:{load.port}{load.path}")
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    except subprocess.TimeoutExpired:
        return Result(failed="wrk timed out")
    m = re.search(r"^BENCH (.*)$", out.stdout, re.M)
    if not m:
        return Result(failed=f"wrk: {(out.stderr or out.stdout).strip()[:300]}")
    kv = dict(item.split("=", 1) for item in m.group(1).split())
    n = int(kv["requests"])
    codes = dict(c.split(":") for c in kv["codes"].split(",") if c) if kv["codes"] else {}
    non2xx = sum(int(v) for k, v in codes.items() if not k.startswith("2")) if codes else int(kv["status"])
    return Result(
        requests=n,
        seconds=int(kv["duration_us"]) / 1e6,
        p50_ms=int(kv["p50_us"]) / 1000 if n else None,
        p99_ms=int(kv["p99_us"]) / 1000 if n else None,
        non2xx=non2xx,
        socket_errors=sum(int(kv[k]) for k in ("connect", "read", "write", "timeout")),
        codes={k: int(v) for k, v in codes.items()},
        bytes_per_resp=int(kv["bytes"]) / n if n else None,
    )


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """Read one HTTP/1.1 response; returns (status, body bytes)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        if length:
            await reader.readexactly(length)
        return status, length
    total = 0
    for _ in range(1_000_000):
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        await reader.readexactly(size + 2)
        total += size
        if size == 0:
            break
    return status, total


async def _py_load(load: Load, duration: float, concurrency: int) -> Result:
    loop = asyncio.get_running_loop()
    samples: list[float] = []
    codes: Counter[str] = Counter()
    errors = 0
    nbytes = 0
    start = loop.time()
    deadline = start + duration
    auth = f"Authorization: Bearer {load.token}\r\n" if load.token else ""

    def build(conn_id: int, n: int) -> bytes:
        if load.method == "PATCH":
            body = json.dumps({"description": f"bench {conn_id}-{n}"}).encode()
            return (
                f"PATCH {load.path} HTTP/1.1\r\nHost: {HOST}:{load.port}\r\n{auth}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body
        return f"GET {load.path} HTTP/1.1\r\nHost: {HOST}:{load.port}\r\n{auth}\r\n".encode()

    async def conn(conn_id: int) -> None:
        nonlocal errors, nbytes
        n = 0
        writer = None
        try:
            while loop.time() < deadline:
                try:
                    if writer is None:
                        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, load.port), 10)
                    n += 1
                    t0 = time.perf_counter()
                    writer.write(build(conn_id, n))
                    status, size = await asyncio.wait_for(_read_response(reader), 30)
                    samples.append(time.perf_counter() - t0)
                    codes[str(status)] += 1
                    nbytes += size
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    errors += 1
                    if writer is not None:
                        writer.close()
                    writer = None
                    await asyncio.sleep(0.05)
        finally:
            if writer is not None:
                writer.close()

    # Like wrk, responses still in flight when the time is up are not counted.
    tasks = [asyncio.create_task(conn(i)) for i in range(concurrency)]
    await asyncio.wait(tasks, timeout=duration)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = min(loop.time(), deadline) - start
    samples.sort()

    def pct(p: float) -> float | None:
        if not samples:
            return None
        return samples[min(len(samples) - 1, max(0, round(p / 100 * len(samples)) - 1))] * 1000

    return Result(
        requests=len(samples),
        seconds=elapsed,
        p50_ms=pct(50),
        p99_ms=pct(99),
        non2xx=sum(v for k, v in codes.items() if not k.startswith("2")),
        socket_errors=errors,
        codes=dict(codes),
        bytes_per_resp=nbytes / len(samples) if samples else None,
    )


def run_python(load: Load, duration: float, concurrency: int) -> Result:
    try:
        import uvloop

        return uvloop.run(_py_load(load, duration, concurrency))
    except ImportError:
        return asyncio.run(_py_load(load, duration, concurrency))


# --------------------------------------------------------------------------- environment


def sh(cmd: list[str], timeout: float = 30) -> str:
    try:
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, check=False
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def ensure_wrk(allow_install: bool) -> str | None:
    """Path of wrk; apt-get installs it when missing and running as root (if allowed)."""
    found = shutil.which("wrk")
    if found or not allow_install or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    log("wrk missing: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (
        ["apt-get", "install", "-y", "wrk"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "wrk"],
    ):
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(cmd, env=env, capture_output=True, timeout=300, check=False)
        if shutil.which("wrk"):
            break
    return shutil.which("wrk")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def pkg_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def pg_dsn(base: str, dbname: str) -> str:
    parts = urllib.parse.urlsplit(base.replace("postgresql+asyncpg://", "postgresql://"))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, ""))


async def _pg(base: str, *statements: str) -> str:
    import asyncpg

    conn = await asyncio.wait_for(asyncpg.connect(pg_dsn(base, "postgres"), timeout=10), 15)
    try:
        for stmt in statements:
            await conn.execute(stmt)
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def pg(base: str, *statements: str) -> str:
    return asyncio.run(_pg(base, *statements))


# --------------------------------------------------------------------------- orchestration


@dataclass
class Row:
    case: str
    db: str
    workers: int
    result: Result


def group_cpu_seconds(pgid: int) -> float | None:
    """User + system CPU seconds of the live processes of a process group (Linux /proc)."""
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        # fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measure(load: Load, args: argparse.Namespace, client: str, script_dir: Path, server: Server) -> Result:
    def once(seconds: float) -> Result:
        if client == "wrk":
            return run_wrk(load, seconds, args.concurrency, args.wrk_threads, script_dir)
        return run_python(load, seconds, args.concurrency)

    if args.warmup > 0:
        once(args.warmup)
    cpu0 = group_cpu_seconds(server.proc.pid)
    result = once(args.duration)
    cpu1 = group_cpu_seconds(server.proc.pid)
    if cpu0 is not None and cpu1 is not None:
        result.server_cpu_s = cpu1 - cpu0
    return result


def base_env(var_dir: Path, db_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["ANGUAN_VAR_DIR"] = str(var_dir)
    if db_url:
        env["ANGUAN_DATABASE_URL"] = db_url
    env["PYTHONUNBUFFERED"] = "1"
    return env


def internal_serve_cmd(target: str, port: int, workers: int, *, access_log: bool) -> list[str]:
    cmd = [sys.executable, __file__, "--_serve", target, "--_port", str(port), "--workers", str(workers)]
    return [*cmd, "--no-access-log"] if not access_log else cmd


def app_command(args: argparse.Namespace, port: int, workers: int) -> list[str]:
    if args.no_access_log:
        return internal_serve_cmd("anguan", port, workers, access_log=False)
    return [*anguan_cmd(), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]


def bench_ceiling(
    args: argparse.Namespace, client: str, tmp: Path, rows: list[Row], notes: list[str]
) -> None:
    for workers in args.worker_counts:
        port = free_port()
        cmd = internal_serve_cmd("ceiling", port, workers, access_log=not args.no_access_log)
        log(f"ceiling: starting uvicorn ({workers} worker(s)) on port {port}")
        server = start_server(
            f"ceiling w{workers}",
            cmd,
            base_env(tmp, None),
            tmp,
            workers,
            port,
            tmp / f"ceiling-w{workers}.log",
        )
        try:
            wait_ready(server)
            log(f"ceiling w{workers}: measuring")
            res = measure(Load(port, CEILING_PATH), args, client, tmp, server)
            rows.append(Row("ceiling (Starlette)", "-", workers, res))
        except RuntimeError as exc:
            rows.append(Row("ceiling (Starlette)", "-", workers, Result(failed=str(exc).splitlines()[0])))
            notes.append(f"ceiling w{workers}: {exc}")
        finally:
            stop_server(server)
        _note_server_log(server, notes)


def _note_server_log(server: Server, notes: list[str]) -> None:
    codes, errors = server_problems(server.log_text())
    bad = {k: v for k, v in codes.items() if not k.startswith("2")}
    line = (
        f"server {server.name}: {server.stop_note}; access-log status codes "
        f"{dict(sorted(codes.items())) or '(no access log)'}"
    )
    if bad:
        line += f", non-2xx {bad}"
    notes.append(line)
    notes.extend(f"  error line: {e}" for e in errors)


def db_env(db: str, args: argparse.Namespace, tmp: Path) -> tuple[Path, dict[str, str]]:
    var_dir = tmp / f"var-{db}"
    db_url = pg_dsn(args.pg_url, args.pg_db) if db == "postgres" else None
    return var_dir, base_env(var_dir, db_url)


def prepare_dbs(args: argparse.Namespace, tmp: Path, notes: list[str]) -> dict[str, str]:
    """`anguan migrate` then `anguan seed-demo` for every database, the databases in parallel.

    Runs before any measurement, so the parallelism only shortens the run. Returns failures by db.
    """
    failed: dict[str, str] = {}
    for step in ("migrate", "seed-demo"):
        procs: dict[str, tuple[subprocess.Popen[str], float]] = {}
        for db in args.db_list:
            if db in failed:
                continue
            var_dir, env = db_env(db, args, tmp)
            var_dir.mkdir(exist_ok=True)
            log(f"{db}: anguan {step}")
            procs[db] = (
                subprocess.Popen(
                    [*anguan_cmd(), step],
                    env=env,
                    cwd=var_dir,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    start_new_session=True,
                ),
                time.monotonic(),
            )
        try:
            for db, (proc, t0) in procs.items():
                try:
                    out, _ = proc.communicate(timeout=600)
                except subprocess.TimeoutExpired:
                    failed[db] = f"anguan {step} timed out"
                    continue
                if proc.returncode != 0:
                    failed[db] = f"anguan {step} failed ({proc.returncode}): {out[-1500:]}"
                else:
                    notes.append(f"{db}: anguan {step} took {time.monotonic() - t0:.1f} s")
        finally:
            for proc, _ in procs.values():
                if proc.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
    return failed


def bench_db(
    db: str, args: argparse.Namespace, client: str, tmp: Path, rows: list[Row], notes: list[str]
) -> None:
    var_dir, env = db_env(db, args, tmp)

    token: str | None = None
    area_id: int | None = None
    for workers in args.worker_counts:
        port = free_port()
        log(f"{db}: starting the app ({workers} worker(s)) on port {port}")
        server = start_server(
            f"{db} w{workers}",
            app_command(args, port, workers),
            env,
            var_dir,
            workers,
            port,
            var_dir / f"serve-w{workers}.log",
        )
        try:
            wait_ready(server)
            if token is None:
                token = bearer_token(port)
                api = Api(port)
                api.headers["Authorization"] = f"Bearer {token}"
                status, areas = api.call("GET", f"/api/v1/plant/areas?site_id={SITE_ID}")
                if status != 200 or not areas:
                    raise RuntimeError(f"GET areas -> {status} {areas}")
                area_id = int(areas[0]["id"])
                status, body = api.call("GET", READ_PATH)
                notes.append(
                    f"{db}: GET {READ_PATH} -> {status}, {api.last_size} bytes of JSON "
                    f"({len(body['areas']['features'])} areas, {len(body['equipment']['features'])} equipment); "
                    f"every PATCH targets area {area_id}"
                )
            for case, load in (
                ("read /map", Load(port, READ_PATH, "GET", token)),
                ("write area", Load(port, f"/api/v1/plant/areas/{area_id}", "PATCH", token)),
            ):
                log(f"{db} w{workers}: {case}")
                rows.append(Row(case, db, workers, measure(load, args, client, tmp, server)))
        except (RuntimeError, OSError, KeyError, TypeError, ValueError) as exc:
            rows.append(Row("(failed)", db, workers, Result(failed=str(exc).splitlines()[0])))
            notes.append(f"{db} w{workers}: {exc}")
            stop_server(server)
            _note_server_log(server, notes)
            continue
        if workers == args.worker_counts[-1]:
            notes.append(f"{db}: {audit_summary(port)}")
        stop_server(server)
        _note_server_log(server, notes)


def audit_summary(port: int) -> str:
    """How many audit entries the writes left, and whether the hash chain still verifies."""
    try:
        api = Api(port)
        api.login(AUDITOR)
        status, body = api.call("GET", "/api/v1/audit/verify")
    except (RuntimeError, OSError) as exc:
        return f"audit chain: not checked ({exc})"
    if status != 200:
        return f"audit chain: verify -> {status} {body}"
    return f"audit chain after the run: ok={body['ok']} entries={body['checked']} first_bad_seq={body['first_bad_seq']}"


def fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def print_table(rows: list[Row]) -> None:
    head = (
        f"{'case':<20} {'db':<9} {'workers':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} "
        f"{'non-2xx':>8} {'sock err':>8} {'srv CPU ms/req':>14}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        res = r.result
        if res.failed:
            print(f"{r.case:<20} {r.db:<9} {r.workers:>7}   FAILED: {res.failed[:120]}")
            continue
        print(
            f"{r.case:<20} {r.db:<9} {r.workers:>7} {res.rps:>9.1f} {fmt(res.p50_ms, '.1f'):>8} "
            f"{fmt(res.p99_ms, '.1f'):>8} {res.requests:>9} {res.non2xx:>8} {res.socket_errors:>8} "
            f"{fmt(res.cpu_ms_per_req, '.2f'):>14}"
        )
    print(
        "req/s and latencies from the client; non-2xx: responses with another status (wrk GET cases: >= 400); "
        "sock err: connect/read/write errors and timeouts (30 s); srv CPU ms/req: user+system CPU of the "
        "server's processes in the measured window per request (PostgreSQL backends not included)"
    )
    codes = [(r, r.result.codes) for r in rows if r.result.codes and set(r.result.codes) - {"200"}]
    for r, c in codes:
        print(f"  status codes {r.case} / {r.db} / w{r.workers}: {dict(sorted(c.items()))}")


def header(args: argparse.Namespace, client: str, wrk_path: str | None, pg_version: str | None) -> None:
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    load1, load5, _ = os.getloadavg()
    commit = sh(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]) or "?"
    if sh(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"]):
        commit += " (dirty tree)"
    if client == "wrk":
        wrk_ver = sh([wrk_path or "wrk", "--version"]).splitlines()
        client_desc = (
            f"{wrk_ver[0].split(' Copyright')[0] if wrk_ver else 'wrk'}, {args.wrk_threads} thread(s)"
        )
    else:
        client_desc = "Python asyncio HTTP/1.1 keep-alive client (in the bench process)"
    print(f"Anguan API bench  {time.strftime('%Y-%m-%d %H:%M:%S %z')}  commit {commit}")
    print(
        f"machine: {os.cpu_count()} cores ({affinity} usable), {cpu_model()}, load average {load1:.2f}/{load5:.2f} "
        f"(1/5 min) at start, {platform.system()} {platform.release()}"
    )
    print(
        f"software: Python {platform.python_version()}, uvicorn {pkg_version('uvicorn')}, "
        f"uvloop {pkg_version('uvloop')}, httptools {pkg_version('httptools')}, fastapi {pkg_version('fastapi')}, "
        f"starlette {pkg_version('starlette')}, SQLAlchemy {pkg_version('sqlalchemy')}, "
        f"SQLite {sqlite3.sqlite_version} (aiosqlite {pkg_version('aiosqlite')}), "
        f"PostgreSQL {pg_version or '-'} (asyncpg {pkg_version('asyncpg')})"
    )
    server = (
        "uvicorn.run(anguan.app:create_app, factory, access log off)"
        if args.no_access_log
        else "`anguan serve --workers N` (uvicorn, access log on)"
    )
    print(
        f"conditions: {args.concurrency} connections, {args.warmup:g} s warm-up + {args.duration:g} s per case, "
        f"client {client_desc}; app served by {server}; ceiling = bare Starlette JSON endpoint under the "
        f"same uvicorn options; auth = bearer token of '{USERNAME}'; client, servers and database share the machine"
    )
    extra = sorted(k for k in os.environ if k.startswith("ANGUAN_") and k not in SCRUBBED_ENV)
    if extra:
        print(f"env passed to the servers: {', '.join(extra)}")
    print()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=10.0, help="measured seconds per case (default 10)")
    p.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per case (default 3)")
    p.add_argument("--concurrency", type=int, default=32, help="open connections (default 32)")
    p.add_argument("--quick", action="store_true", help="3 s per case after a 1 s warm-up")
    p.add_argument("--workers", default="1,2", help="uvicorn worker counts (default 1,2)")
    p.add_argument("--dbs", default="sqlite,postgres", help="databases (default sqlite,postgres)")
    p.add_argument("--no-ceiling", action="store_true", help="skip the bare Starlette case")
    p.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument(
        "--wrk-threads", type=int, default=1, help="wrk threads (default 1, to leave CPU to the server)"
    )
    p.add_argument("--no-install", action="store_true", help="never apt-get install wrk")
    p.add_argument(
        "--pg-url",
        default=os.environ.get("ANGUAN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server to create the throw-away database on (env ANGUAN_BENCH_PG_URL)",
    )
    p.add_argument(
        "--no-access-log",
        action="store_true",
        help="serve the app with uvicorn.run(..., access_log=False) instead of `anguan serve` (both cases)",
    )
    p.add_argument("--keep", action="store_true", help="keep the temp dir (server logs, SQLite file)")
    p.add_argument("--_serve", choices=("anguan", "ceiling"), help=argparse.SUPPRESS)
    p.add_argument("--_port", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    args.duration = min(max(args.duration, 1.0), 3600.0)
    args.warmup = min(max(args.warmup, 0.0), 600.0)
    args.concurrency = min(max(args.concurrency, 1), 10_000)
    args.worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    args.db_list = [d.strip() for d in args.dbs.split(",") if d.strip()]
    unknown = set(args.db_list) - {"sqlite", "postgres"}
    if unknown:
        p.error(f"unknown databases: {sorted(unknown)}")
    args.pg_db = f"anguan_bench_{os.getpid()}"
    return args


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args._serve:
        serve_internal(args._serve, args._port, args.worker_counts[0], not args.no_access_log)
        return 0
    try:
        import anguan  # noqa: F401
    except ImportError:
        venv_python = REPO / ".venv" / "bin" / "python"
        if venv_python.exists() and Path(sys.executable) != venv_python:
            os.execv(str(venv_python), [str(venv_python), __file__, *(argv or sys.argv[1:])])
        print("anguan is not importable: run with the project venv (.venv/bin/python bench/api.py)")
        return 2

    signal.signal(signal.SIGTERM, _on_sigterm)
    # Also when started in the background of a non-interactive shell (which ignores SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    wrk_path = ensure_wrk(not args.no_install) if args.client in ("auto", "wrk") else None
    if args.client == "wrk" and not wrk_path:
        print("wrk not found (apt-get install wrk)")
        return 2
    client = "wrk" if wrk_path else "python"

    pg_version: str | None = None
    pg_created = False
    notes: list[str] = []
    rows: list[Row] = []
    tmp = Path(tempfile.mkdtemp(prefix="anguan-bench-"))
    started = time.monotonic()
    try:
        if "postgres" in args.db_list:
            try:
                pg_version = pg(args.pg_url, f'CREATE DATABASE "{args.pg_db}"')
                pg_created = True
            except Exception as exc:
                notes.append(f"postgres skipped: cannot create {args.pg_db} on {args.pg_url}: {exc!r}")
                args.db_list.remove("postgres")
        header(args, client, wrk_path, pg_version)
        setup_failed = prepare_dbs(args, tmp, notes)
        if not args.no_ceiling:
            bench_ceiling(args, client, tmp, rows, notes)
        for db in args.db_list:
            if db in setup_failed:
                rows.append(Row("(setup failed)", db, 0, Result(failed=setup_failed[db].splitlines()[0])))
                notes.append(f"{db}: {setup_failed[db]}")
                continue
            try:
                bench_db(db, args, client, tmp, rows, notes)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                rows.append(Row("(setup failed)", db, 0, Result(failed=str(exc).splitlines()[0])))
                notes.append(f"{db}: {exc}")
    except KeyboardInterrupt:
        notes.append("interrupted: partial results")
    finally:
        for server in list(RUNNING):
            stop_server(server)
        if pg_created:
            try:
                pg(args.pg_url, f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')
            except Exception:
                try:  # PostgreSQL < 13 has no FORCE
                    pg(args.pg_url, f'DROP DATABASE IF EXISTS "{args.pg_db}"')
                except Exception as exc:
                    notes.append(f"could not drop {args.pg_db}: {exc!r}")
        if args.keep:
            notes.append(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print_table(rows)
    print()
    for note in notes:
        print(note)
    load1, load5, _ = os.getloadavg()
    print(
        f"total wall time {time.monotonic() - started:.0f} s; load average {load1:.2f}/{load5:.2f} at the end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
