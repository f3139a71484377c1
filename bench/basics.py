"""Safety master data (安全管理基础信息) figures: Excel import, list search, eligibility (no pass/fail).

Cases, on SQLite (fresh var dir) and, with --pg, on PostgreSQL (fresh database, dropped at the end):
  import validate        POST /api/v1/basics/r/people/import?mode=validate with N generated people
                         (default 5,000) in a sheet built from the register's own template headers
  import all_or_nothing  the same sheet, written
  list people q=...      GET /api/v1/basics/r/people?q=...&page=1 over M people (default 20,000: the
                         imported ones plus rows inserted directly), median/p95 over 50 requests
  eligibility            GET /api/v1/basics/eligibility?person_id=...&work_type=hot_work for the demo
                         welder whose certificate expired, median/p95 and requests/s over 200 requests

The app runs as `anguan serve` (1 process) after `anguan migrate` and `anguan seed-demo`; the bench
then runs `seed_basics` itself (idempotent, so harmless when seed-demo already includes it). Requests
are sequential on one keep-alive connection (httpx), signed in as the demo user `safety` (all data,
basics.write, basics.pii); the client, the server and the database share the machine.

    .venv/bin/python bench/basics.py              # SQLite, ~1-2 min
    .venv/bin/python bench/basics.py --pg         # SQLite and PostgreSQL
    .venv/bin/python bench/basics.py --rows 2000 --list-rows 5000

Progress goes to stderr; the header and the result table go to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import platform
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
USERNAME, PASSWORD = "safety", "Anguan@2026"
API = "/api/v1/basics"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_QUERY = "操作"  # matches the position 操作工 of a third of the generated people
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
POSITIONS = ("操作工", "巡检工", "维修工")
DEPARTMENTS = ("SYN", "STOR", "MAINT", "LOG", "PROD")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def log(msg: str) -> None:
    """Progress line on stderr (stdout carries only the figures)."""
    print(f"# {msg}", file=sys.stderr, flush=True)


@dataclass
class Row:
    case: str
    db: str
    figures: dict[str, str] = field(default_factory=dict)
    failed: str | None = None


# --------------------------------------------------------------------------- data


def people_rows(n: int, start: int) -> list[dict[str, Any]]:
    """n distinct generated employees (valid GB 11643 ID numbers) as register values by field key."""
    from anguan.basics.seed_data import make_id_number

    first = date(1970, 1, 1)
    out = []
    for i in range(start, start + n):
        birth = first + timedelta(days=(i * 37) % 10950)
        # Region 130100-130199 and the sequence make every (region, birth, sequence) distinct.
        number = make_id_number(f"1301{i % 100:02d}", birth.isoformat(), (i // 100) % 500, i % 2 == 1)
        out.append(
            {
                "name": f"{SURNAMES[i % len(SURNAMES)]}压测{i:05d}",
                "id_number": number,
                "kind": "employee",
                "gender": "male" if i % 2 else "female",
                "phone": f"1380311{i % 10000:04d}",
                "department_id": DEPARTMENTS[i % len(DEPARTMENTS)],
                "position": POSITIONS[i % len(POSITIONS)],
                "education": "high_school",
                "hired_on": date(2015, 1, 1) + timedelta(days=i % 3000),
                "status": "active",
            }
        )
    return out


def field_for_header(header: str, fields: list[dict[str, Any]]) -> str | None:
    """The field key of a template header ("姓名 Name", "部门编码 Department code"): the longest
    Chinese label the header starts with."""
    best: tuple[int, str] | None = None
    for f in fields:
        if header.startswith(f["zh"]) and (best is None or len(f["zh"]) > best[0]):
            best = (len(f["zh"]), f["key"])
    return best[1] if best else None


def build_sheet(
    template: bytes, fields: list[dict[str, Any]], rows: list[dict[str, Any]]
) -> tuple[bytes, int]:
    """Fill the register's template with rows; returns the workbook and its number of columns."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    headers = [str(c.value) for c in ws[1] if c.value is not None]
    keys = [field_for_header(h, fields) for h in headers]
    if "id_number" not in keys or "name" not in keys:
        raise RuntimeError(f"template headers not understood: {headers}")
    for r in rows:
        ws.append([r.get(k) if k else None for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), len(headers)


async def _insert_people(url: str, rows: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert, select

    from anguan.basics.models import Person
    from anguan.core.db import Database
    from anguan.plant.models import Department

    db = Database(url)
    try:
        async with db.transaction() as s:
            depts = {d.code: d.id for d in (await s.scalars(select(Department))).all()}
            values = [{**r, "department_id": depts[r["department_id"]], "key_roles": []} for r in rows]
            for i in range(0, len(values), 1000):
                await s.execute(insert(Person), values[i : i + 1000])
    finally:
        await db.dispose()


async def _seed_basics(url: str, files_root: Path) -> dict[str, int]:
    from anguan.basics.register_excel import today_local
    from anguan.basics.seed import seed_basics
    from anguan.core.db import Database
    from anguan.core.files import LocalFileStore

    db = Database(url)
    try:
        async with db.transaction() as s:
            counts: dict[str, int] = await seed_basics(s, LocalFileStore(files_root), today_local())
            return counts
    finally:
        await db.dispose()


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def anguan_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "anguan"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "anguan.cli"]


def base_env(var_dir: Path, db_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["ANGUAN_VAR_DIR"] = str(var_dir)
    if db_url:
        env["ANGUAN_DATABASE_URL"] = db_url
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_step(step: str, env: dict[str, str], cwd: Path) -> float:
    t0 = time.monotonic()
    out = subprocess.run([*anguan_cmd(), step], env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(f"anguan {step} failed ({out.returncode}): {(out.stdout + out.stderr)[-1500:]}")
    return time.monotonic() - t0


class Server:
    """`anguan serve` in its own process group, stopped with SIGTERM (SIGKILL after 15 s)."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.port = free_port()
        self.log_path = cwd / "serve.log"
        self.log_file = open(self.log_path, "wb")  # closed in stop()
        cmd = [*anguan_cmd(), "serve", "--host", HOST, "--port", str(self.port)]
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}): {self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://{HOST}:{self.port}/api/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"server not ready within {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log_file.close()


# --------------------------------------------------------------------------- measurements


def pct(samples: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of samples in ms."""
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def timed_gets(
    client: Any, path: str, params: dict[str, Any], n: int, warmup: int = 3
) -> tuple[list[float], float, Any]:
    """n sequential GETs after a warm-up: latencies (ms), wall seconds and the last JSON body."""
    body: Any = None
    for _ in range(warmup):
        r = client.get(path, params=params)
        if r.status_code != 200:
            raise RuntimeError(f"GET {path} -> {r.status_code} {r.text[:300]}")
    lat = []
    t0 = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(path, params=params)
        lat.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"GET {path} -> {r.status_code} {r.text[:300]}")
        body = r.json()
    return lat, time.perf_counter() - t0, body


def bench_db(
    db: str, url: str | None, args: argparse.Namespace, tmp: Path, rows: list[Row], notes: list[str]
) -> None:
    import httpx

    var_dir = tmp / f"var-{db}"
    var_dir.mkdir()
    env = base_env(var_dir, url)
    sqlite_url = f"sqlite+aiosqlite:///{(var_dir / 'anguan.db').as_posix()}"
    db_url = url or sqlite_url
    for step in ("migrate", "seed-demo"):
        log(f"{db}: anguan {step}")
        notes.append(f"{db}: anguan {step} took {run_step(step, env, var_dir):.1f} s")
    counts = asyncio.run(_seed_basics(db_url, var_dir / "files"))
    notes.append(f"{db}: master data after seeding: {counts}")
    server = Server(env, var_dir)
    try:
        server.wait_ready()
        with httpx.Client(base_url=f"http://{HOST}:{server.port}", timeout=600) as client:
            r = client.post("/api/v1/auth/login", json={"username": USERNAME, "password": PASSWORD})
            if r.status_code != 200:
                raise RuntimeError(f"login -> {r.status_code} {r.text[:200]}")
            client.headers["X-CSRF-Token"] = client.cookies.get("anguan_csrf") or ""
            regs = client.get(f"{API}/registers")
            regs.raise_for_status()
            fields = next(x for x in regs.json() if x["name"] == "people")["fields"]
            template = client.get(f"{API}/r/people/template.xlsx")
            template.raise_for_status()
            sheet, ncols = build_sheet(template.content, fields, people_rows(args.rows, 0))
            notes.append(
                f"{db}: import sheet {args.rows} rows x {ncols} columns, {len(sheet) / 1024:.0f} KiB"
            )
            for mode in ("validate", "all_or_nothing"):
                log(f"{db}: import {mode} ({args.rows} rows)")
                t0 = time.perf_counter()
                r = client.post(
                    f"{API}/r/people/import",
                    params={"mode": mode},
                    files={"file": ("people.xlsx", sheet, XLSX)},
                )
                seconds = time.perf_counter() - t0
                if r.status_code != 200:
                    raise RuntimeError(f"import {mode} -> {r.status_code} {r.text[:300]}")
                rep = r.json()
                rows.append(
                    Row(
                        f"import {mode}",
                        db,
                        {
                            "seconds": f"{seconds:.2f}",
                            "rows/s": f"{args.rows / seconds:.0f}",
                            "report": f"valid {rep['valid_rows']}/{rep['total_rows']}, created {rep['created']}, "
                            f"errors {len(rep['errors'])}, written {rep['written']}",
                        },
                    )
                )
            have = client.get(f"{API}/r/people", params={"page_size": 1}).json()["total"]
            extra = max(0, args.list_rows - have)
            if extra:
                log(f"{db}: inserting {extra} more people directly")
                asyncio.run(_insert_people(db_url, people_rows(extra, args.rows)))
            total = client.get(f"{API}/r/people", params={"page_size": 1}).json()["total"]
            log(f"{db}: list people q={LIST_QUERY} x {args.list_requests}")
            lat, secs, body = timed_gets(
                client, f"{API}/r/people", {"q": LIST_QUERY, "page": 1}, args.list_requests
            )
            rows.append(
                Row(
                    "list people q (page 1)",
                    db,
                    {
                        "median ms": f"{statistics.median(lat):.1f}",
                        "p95 ms": f"{pct(lat, 95):.1f}",
                        "req/s": f"{args.list_requests / secs:.1f}",
                        "report": f"q={LIST_QUERY!r}: {body['total']} of {total} people match, page of {len(body['items'])}",
                    },
                )
            )
            from anguan.basics.seed import EXPIRED_WELDER_NAME

            found = client.get(f"{API}/r/people", params={"q": EXPIRED_WELDER_NAME}).json()["items"]
            if not found:
                raise RuntimeError(f"demo welder {EXPIRED_WELDER_NAME} not found")
            params = {"person_id": found[0]["id"], "work_type": "hot_work"}
            log(f"{db}: eligibility x {args.elig_requests}")
            lat, secs, body = timed_gets(client, f"{API}/eligibility", params, args.elig_requests)
            rows.append(
                Row(
                    "eligibility hot_work",
                    db,
                    {
                        "median ms": f"{statistics.median(lat):.1f}",
                        "p95 ms": f"{pct(lat, 95):.1f}",
                        "req/s": f"{args.elig_requests / secs:.1f}",
                        "report": f"ok={body['ok']} reason={body['reason']} code={body['alarm_code']}",
                    },
                )
            )
    finally:
        server.stop()
        errors = [ln for ln in server.log_tail().splitlines() if "Traceback" in ln or "ERROR" in ln]
        if errors:
            notes.append(f"{db}: server log error lines: {errors[:3]}")


# --------------------------------------------------------------------------- output and main


def pg_dsn(base: str, dbname: str) -> str:
    parts = urllib.parse.urlsplit(base.replace("postgresql+asyncpg://", "postgresql://"))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, ""))


async def _pg(base: str, statement: str) -> str:
    import asyncpg

    conn = await asyncio.wait_for(asyncpg.connect(pg_dsn(base, "postgres"), timeout=10), 15)
    try:
        await conn.execute(statement)
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def header(pg_version: str | None) -> None:
    from importlib.metadata import version

    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    load1, load5, _ = os.getloadavg()
    print(
        f"Anguan basics bench  {time.strftime('%Y-%m-%d %H:%M:%S %z')}  commit {commit}{' (dirty tree)' if dirty else ''}"
    )
    print(f"machine: {os.cpu_count()} cores, {cpu}, load average {load1:.2f}/{load5:.2f} (1/5 min) at start")
    print(
        f"software: Python {platform.python_version()}, fastapi {version('fastapi')}, SQLAlchemy {version('sqlalchemy')}, "
        f"openpyxl {version('openpyxl')}, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg_version or '-'}"
    )
    print(
        "conditions: `anguan serve` (1 process, access log on), sequential requests on one keep-alive connection"
    )
    print()


def print_table(rows: list[Row]) -> None:
    cols = ("seconds", "rows/s", "median ms", "p95 ms", "req/s")
    head = f"{'case':<26} {'db':<9} " + " ".join(f"{c:>9}" for c in cols) + "  report"
    print(head)
    print("-" * len(head))
    for r in rows:
        if r.failed:
            print(f"{r.case:<26} {r.db:<9} FAILED: {r.failed[:200]}")
            continue
        figures = " ".join(f"{r.figures.get(c, '-'):>9}" for c in cols)
        print(f"{r.case:<26} {r.db:<9} {figures}  {r.figures.get('report', '')}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg", action="store_true", help="also run on PostgreSQL")
    p.add_argument(
        "--pg-url",
        default=os.environ.get("ANGUAN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server to create the throw-away database on (env ANGUAN_BENCH_PG_URL)",
    )
    p.add_argument("--rows", type=int, default=5000, help="people rows in the imported sheet (default 5000)")
    p.add_argument("--list-rows", type=int, default=20000, help="people when listing (default 20000)")
    p.add_argument("--list-requests", type=int, default=50)
    p.add_argument("--elig-requests", type=int, default=200)
    p.add_argument("--keep", action="store_true", help="keep the temp dir (server logs, SQLite file)")
    args = p.parse_args(argv)
    args.rows = min(max(args.rows, 1), 10_000)  # the import's own limit
    args.list_rows = min(max(args.list_rows, args.rows), 1_000_000)
    return args


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import anguan  # noqa: F401
    except ImportError:
        venv_python = REPO / ".venv" / "bin" / "python"
        if venv_python.exists() and Path(sys.executable) != venv_python:
            os.execv(str(venv_python), [str(venv_python), __file__, *(argv or sys.argv[1:])])
        print("anguan is not importable: run with the project venv (.venv/bin/python bench/basics.py)")
        return 2
    import httpx

    signal.signal(signal.SIGTERM, _on_sigterm)
    dbs: list[tuple[str, str | None]] = [("sqlite", None)]
    notes: list[str] = []
    rows: list[Row] = []
    pg_db = f"anguan_bench_basics_{os.getpid()}"
    pg_version: str | None = None
    tmp = Path(tempfile.mkdtemp(prefix="anguan-bench-basics-"))
    started = time.monotonic()
    try:
        if args.pg:
            try:
                pg_version = asyncio.run(_pg(args.pg_url, f'CREATE DATABASE "{pg_db}"'))
                dbs.append(("postgres", pg_dsn(args.pg_url, pg_db)))
            except Exception as exc:
                notes.append(f"postgres skipped: cannot create {pg_db} on {args.pg_url}: {exc!r}")
        header(pg_version)
        for db, url in dbs:
            try:
                bench_db(db, url, args, tmp, rows, notes)
            except (
                RuntimeError,
                subprocess.TimeoutExpired,
                OSError,
                KeyError,
                ValueError,
                httpx.HTTPError,
            ) as exc:
                rows.append(Row("(failed)", db, failed=str(exc).splitlines()[0] if str(exc) else repr(exc)))
                notes.append(f"{db}: {exc}")
    except KeyboardInterrupt:
        notes.append("interrupted: partial results")
    finally:
        if pg_version is not None:
            try:
                asyncio.run(_pg(args.pg_url, f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)'))
            except Exception as exc:
                notes.append(f"could not drop {pg_db}: {exc!r}")
        if args.keep:
            notes.append(f"kept {tmp}")
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    print_table(rows)
    print()
    for note in notes:
        print(note)
    print(f"total wall time {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
