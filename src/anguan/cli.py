"""`anguan` command line: serve, migrate, seed-demo, create-user, ingest, worker, openapi."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import signal
import sys
import time
from pathlib import Path

from anguan.core.config import get_settings

log = logging.getLogger("anguan.cli")


def _setup_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("ANGUAN_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _ensure_var() -> None:
    s = get_settings()
    s.var_dir.mkdir(parents=True, exist_ok=True)
    Path(s.storage.root).mkdir(parents=True, exist_ok=True)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply (or roll back) database migrations."""
    from anguan import migrate

    _ensure_var()
    url = get_settings().db.url
    if args.down:
        migrate.downgrade(url, args.down)
    else:
        migrate.upgrade(url, "head")
    print(f"migrated {'down to ' + args.down if args.down else 'to head'}")
    return 0


async def _seed() -> dict[str, int]:
    from anguan.app import create_app
    from anguan.simulator.seed import seed_demo

    app = create_app(run_scheduler=False)
    database = app.state.database
    try:
        async with database.transaction() as session:
            return await seed_demo(session, app.state.files)
    finally:
        await database.dispose()


def cmd_seed_demo(args: argparse.Namespace) -> int:
    """Seed the demo plant (idempotent)."""
    _ensure_var()
    counts = asyncio.run(_seed())
    print(f"demo plant ready: {counts}")
    return 0


async def _create_user(username: str, display: str, password: str, roles: list[str]) -> None:
    from anguan.app import create_app
    from anguan.identity import role_service, service
    from anguan.identity.models import DataScope
    from anguan.identity.schemas import UserCreate

    app = create_app(run_scheduler=False)
    ctx = app.state.identity
    try:
        async with app.state.database.transaction() as session:
            await role_service.ensure_builtin_roles(session)
            user = await service.create_user(
                session, ctx, None, UserCreate(username=username, display_name=display, password=password)
            )
            from anguan.identity import repository as identity_repo

            found = await identity_repo.roles_by_code(session, roles)
            missing = set(roles) - {r.code for r in found}
            if missing:
                raise SystemExit(f"unknown roles: {sorted(missing)}")
            from anguan.identity import rules
            from anguan.identity.models import UserRole

            if rules.violates_separation_of_duties({r.duty for r in found if r.duty}):
                raise SystemExit("roles mix 三员 duties (system/security/audit administrator)")
            for r in found:
                session.add(UserRole(user_id=user.id, role_id=r.id))
            session.add(DataScope(user_id=user.id, kind="all", ref_id=None))
            from anguan.core.timeline import record

            await record(
                session,
                None,
                "identity.roles_changed",
                target_type="user",
                target_id=user.id,
                detail={"after": roles, "via": "cli"},
            )
    finally:
        await app.state.database.dispose()


def cmd_create_user(args: argparse.Namespace) -> int:
    """Create a user from the command line (password from ANGUAN_NEW_PASSWORD or a prompt)."""
    password = os.environ.get("ANGUAN_NEW_PASSWORD") or getpass.getpass("password: ")
    from anguan.core.errors import AppError

    try:
        asyncio.run(
            _create_user(args.username, args.display_name or args.username, password, args.role or [])
        )
    except AppError as exc:
        print(f"refused: {exc.instance_code} {exc.params}", file=sys.stderr)
        return 2
    print(f"created user {args.username}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the API (and, in the embedded default, the worker and ingest roles) with uvicorn."""
    import uvicorn

    settings = get_settings()
    _ensure_var()
    if args.demo:
        os.environ["ANGUAN_DEMO"] = "true"
        get_settings.cache_clear()
        settings = get_settings()
        from anguan import migrate

        migrate.upgrade(settings.db.url)
        asyncio.run(_seed())
    host, port = args.host or settings.host, args.port or settings.port
    if args.workers > 1 and settings.ingest.in_process:
        # One ingest pipeline owns the in-memory alarm and historian state: never one per worker.
        os.environ["ANGUAN_INGEST__IN_PROCESS"] = "false"
        get_settings.cache_clear()
        print("  --workers > 1: the ingest role is not run in-process; run `anguan ingest` beside it.")
    print(
        f"\n  Anguan 安管  →  http://{host}:{port}/   (API docs: http://{host}:{port}/api/docs)", flush=True
    )
    if args.demo:
        from anguan.simulator.seed import DEMO_PASSWORD, DEMO_USERS

        print(f"  Demo logins (password {DEMO_PASSWORD}):", flush=True)
        for u in DEMO_USERS:
            print(f"    {u.username:<11} {u.display_name}", flush=True)
    print("", flush=True)
    uvicorn.run(
        "anguan.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        log_level="info",
        proxy_headers=False,
        ws="websockets-sansio",
    )
    return 0


async def _worker_loop() -> None:
    from anguan.app import build_scheduler, register_handlers
    from anguan.core.db import Database
    from anguan.core.events import EventBus
    from anguan.core.realtime import RealtimeHub

    settings = get_settings()
    database = Database(settings.db.url)
    bus, hub = EventBus(), RealtimeHub(settings.redis.url, settings.redis.channel)
    register_handlers(bus, hub, database)
    await hub.start()
    scheduler = build_scheduler(database, bus, settings)
    scheduler.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker running jobs: %s", ", ".join(scheduler.jobs))
    await stop.wait()
    await scheduler.stop()
    await hub.stop()
    await database.dispose()


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the scheduler and outbox delivery (scale-out worker role)."""
    asyncio.run(_worker_loop())
    return 0


async def _ingest_loop(args: argparse.Namespace) -> None:
    from anguan.app import register_handlers
    from anguan.core.db import Database
    from anguan.core.events import EventBus
    from anguan.core.realtime import RealtimeHub
    from anguan.ingest_runtime import IngestRuntime

    settings = get_settings()
    database = Database(settings.db.url)
    # Realtime events reach the API replicas' WebSocket clients through Redis when it is configured.
    bus, hub = EventBus(), RealtimeHub(settings.redis.url, settings.redis.channel)
    register_handlers(bus, hub, database)
    await hub.start()
    runtime = IngestRuntime(database, bus, settings, simulator=args.simulate)
    await runtime.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info(
        "ingest role running: mqtt %s, %d connector(s)",
        f"{settings.mqtt.host}:{settings.mqtt.port}" if settings.mqtt.host else "off",
        len(runtime.connectors),
    )
    await stop.wait()
    await runtime.stop()
    await hub.stop()
    await database.dispose()


def cmd_ingest(args: argparse.Namespace) -> int:
    """Run the ingest role: MQTT (shared subscription) and other connectors, alarm engine, historian."""
    asyncio.run(_ingest_loop(args))
    return 0


async def _simulate(args: argparse.Namespace) -> None:
    from anguan.simulator.plant_sim import PlantSimulator
    from anguan.simulator.publisher import run_mqtt

    settings = get_settings()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    host = args.mqtt_host or settings.mqtt.host
    sim = PlantSimulator(seed=args.seed, start=time.time() - args.backfill_minutes * 60)
    if host:
        port = args.mqtt_port or settings.mqtt.port
        log.info("simulator publishing to mqtt://%s:%s/%s/sim", host, port, settings.mqtt.topic_prefix)
        await run_mqtt(
            sim, host, port, topic=f"{settings.mqtt.topic_prefix}/sim", qos=1, speed=args.speed, stop=stop
        )
        return
    # No broker: run the ingest pipeline in this process and feed it directly.
    from anguan.app import register_handlers
    from anguan.core.db import Database
    from anguan.core.events import EventBus
    from anguan.core.realtime import RealtimeHub
    from anguan.ingest_runtime import IngestRuntime

    database = Database(settings.db.url)
    bus, hub = EventBus(), RealtimeHub(settings.redis.url, settings.redis.channel)
    register_handlers(bus, hub, database)
    await hub.start()
    settings.ingest.simulator_speed = args.speed
    settings.ingest.simulator_backfill_s = args.backfill_minutes * 60
    runtime = IngestRuntime(database, bus, settings, simulator=True)
    await runtime.start()
    log.info("simulator feeding the in-process ingest pipeline (no MQTT broker configured)")
    await stop.wait()
    await runtime.stop()
    await hub.stop()
    await database.dispose()


def cmd_simulate(args: argparse.Namespace) -> int:
    """Run the demo plant simulator: publish over MQTT when a broker is configured, else ingest in-process."""
    asyncio.run(_simulate(args))
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    """Write the OpenAPI document (for the generated TypeScript client)."""
    from anguan.app import create_app

    doc = create_app(run_scheduler=False).openapi()
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)
    if args.output == "-":
        print(text)
    else:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    p = argparse.ArgumentParser(prog="anguan", description="安管 Anguan safety-risk control platform")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the web app (all roles in one process by default)")
    s.add_argument("--demo", action="store_true", help="migrate, seed the demo plant and run it")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int, default=1)
    s.set_defaults(func=cmd_serve)
    m = sub.add_parser("migrate", help="apply database migrations")
    m.add_argument("--down", metavar="REVISION", help="roll back to a revision (base for all)")
    m.set_defaults(func=cmd_migrate)
    sub.add_parser("seed-demo", help="seed the demo plant (idempotent)").set_defaults(func=cmd_seed_demo)
    c = sub.add_parser("create-user", help="create a user")
    c.add_argument("username")
    c.add_argument("--display-name")
    c.add_argument("--role", action="append", help="role code (repeatable)")
    c.set_defaults(func=cmd_create_user)
    i = sub.add_parser("ingest", help="run the ingest role (connectors, alarm engine, historian)")
    i.add_argument("--simulate", action="store_true", help="also run the demo plant simulator in-process")
    i.set_defaults(func=cmd_ingest)
    sim = sub.add_parser("simulate", help="run the demo plant simulator (MQTT if configured)")
    sim.add_argument("--mqtt-host", help="broker host (default: ANGUAN_MQTT__HOST)")
    sim.add_argument("--mqtt-port", type=int)
    sim.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per real second while catching up"
    )
    sim.add_argument("--backfill-minutes", type=float, default=0.0, help="start this far in the past")
    sim.add_argument("--seed", type=int, default=1)
    sim.set_defaults(func=cmd_simulate)
    sub.add_parser("worker", help="run the worker role").set_defaults(func=cmd_worker)
    o = sub.add_parser("openapi", help="write the OpenAPI document")
    o.add_argument("--output", default="-")
    o.set_defaults(func=cmd_openapi)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `anguan` command."""
    _setup_logging()
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
