"""The FastAPI application: wiring of core services and every module, in one explicit place."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.staticfiles import StaticFiles

from anguan import __version__
from anguan.basics import bypass_service as basics_bypass
from anguan.basics import ops_api as basics_ops_api
from anguan.basics import register_api as basics_register_api
from anguan.basics import reminders as basics_reminders
from anguan.basics.events import BypassChanged, BypassOverdue
from anguan.basics.locales import MESSAGES as BASICS_MESSAGES
from anguan.basics.ops_locales import MESSAGES as BASICS_OPS_MESSAGES
from anguan.basics.settings_service import plant_date
from anguan.core.config import Settings, get_settings
from anguan.core.db import Database
from anguan.core.errors import install_error_handlers
from anguan.core.events import DomainEvent, EventBus, delivery_session
from anguan.core.files import LocalFileStore
from anguan.core.i18n import register_messages
from anguan.core.jobs import Scheduler
from anguan.core.realtime import RealtimeHub
from anguan.core.time import utcnow
from anguan.core.web import RequestIdMiddleware
from anguan.hazards import api as hazards_api
from anguan.hazards import duty as hazards_duty
from anguan.hazards import duty_api as hazards_duty_api
from anguan.hazards import reports as hazards_reports
from anguan.hazards import reports_api as hazards_reports_api
from anguan.hazards import risk as hazards_risk
from anguan.hazards import risk_api as hazards_risk_api
from anguan.hazards import service as hazards_service
from anguan.hazards.locales import MESSAGES as HAZARDS_MESSAGES
from anguan.identity import api as identity_api
from anguan.identity import permissions as P
from anguan.identity import repository as identity_repo
from anguan.identity.deps import current_actor
from anguan.identity.locales import MESSAGES as IDENTITY_MESSAGES
from anguan.identity.security import FieldCipher
from anguan.identity.service import IdentityContext, policy_from
from anguan.ingest_runtime import IngestRuntime
from anguan.monitoring import api as monitoring_api
from anguan.monitoring import historian, routing, routing_api
from anguan.monitoring import ingest_api as monitoring_ingest_api
from anguan.monitoring import repository as monitoring_repo
from anguan.monitoring import service as monitoring_service
from anguan.monitoring.config_events import PointsChanged, SourcesChanged
from anguan.monitoring.events import AlarmCleared, AlarmRaised
from anguan.monitoring.locales import MESSAGES as MONITORING_MESSAGES
from anguan.notify import api as notify_api
from anguan.notify import service as notify_service
from anguan.notify.channels import SecretBox
from anguan.notify.locales import MESSAGES as NOTIFY_MESSAGES
from anguan.permits import api as permits_api
from anguan.permits import cancel_api as permits_cancel_api
from anguan.permits import config_api as permits_config_api
from anguan.permits import evidence_api as permits_evidence_api
from anguan.permits import ledger_api as permits_ledger_api
from anguan.permits import live_api as permits_live_api
from anguan.permits import mine_api as permits_mine_api
from anguan.permits import tasks as permits_tasks
from anguan.permits.ledger_locales import MESSAGES as PERMITS_LEDGER_MESSAGES
from anguan.permits.locales import MESSAGES as PERMITS_MESSAGES
from anguan.plant import api as plant_api
from anguan.plant.locales import MESSAGES as PLANT_MESSAGES
from anguan.video import api as video_api
from anguan.video.locales import MESSAGES as VIDEO_MESSAGES

log = logging.getLogger("anguan")


def operation_id(route: APIRoute) -> str:
    """OpenAPI operation ids are `{tag}-{name}`."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def register_handlers(bus: EventBus, hub: RealtimeHub, database: Database) -> None:
    """Wire module event handlers and the realtime sink (no import-time registration)."""
    hub.register_topic("plant", P.PLANT_READ)
    hub.register_topic("monitoring", P.MON_READ)
    hub.register_topic("hazards", P.HAZARDS_READ)
    hub.register_topic("permits", P.PERMITS_READ)
    # Personal notifications: the hub delivers an event scoped {"user_id": id} to that user only.
    hub.register_topic("notify", "")
    for event_type in (AlarmRaised, AlarmCleared, BypassChanged, BypassOverdue):
        bus.register_type(event_type)

    async def notify_alarm_raised(event: DomainEvent) -> None:
        assert isinstance(event, AlarmRaised)
        session = delivery_session()
        if session is not None:  # inside the outbox transaction (durable event)
            await routing.on_alarm_raised(session, event, bus=bus)
            return
        async with database.transaction() as s:
            await routing.on_alarm_raised(s, event, bus=bus)

    bus.subscribe(AlarmRaised, notify_alarm_raised)

    async def suspend_permits(event: DomainEvent) -> None:
        assert isinstance(event, AlarmRaised)

        async def run(s: AsyncSession) -> None:
            await permits_tasks.on_gas_alarm(
                s,
                bus,
                point_id=event.point_id,
                kind=event.kind,
                condition=event.condition,
                tag=event.tag,
                value=event.value,
                at=event.at,
            )

        session = delivery_session()
        if session is not None:  # inside the outbox transaction (durable event)
            await run(session)
            return
        async with database.transaction() as s:
            await run(s)

    bus.subscribe(AlarmRaised, suspend_permits)

    async def to_realtime(event: DomainEvent) -> None:
        if event.topic:
            await hub.publish(event.topic, event.name, event.model_dump(mode="json"), event.realtime_scope())

    bus.add_sink(to_realtime)


def build_scheduler(database: Database, bus: EventBus, settings: Settings) -> Scheduler:
    """The periodic jobs of the worker role."""
    scheduler = Scheduler(database, settings.redis.url)

    async def deliver_outbox(session):  # type: ignore[no-untyped-def]
        return await bus.deliver_outbox(session)

    async def purge_sessions(session):  # type: ignore[no-untyped-def]
        return await identity_repo.purge_sessions(session, utcnow() - timedelta(seconds=1))

    scheduler.add("outbox.deliver", 2.0, deliver_outbox, probe=bus.outbox_pending)
    scheduler.add("identity.purge_sessions", 600.0, purge_sessions)
    ing = settings.ingest

    async def partitions(session):  # type: ignore[no-untyped-def]
        return len(await historian.ensure_partitions(session, utcnow()))

    async def rollups(session):  # type: ignore[no-untyped-def]
        return await historian.rollup_hours(session, utcnow())

    async def retention(session):  # type: ignore[no-untyped-def]
        return await historian.apply_retention(
            session, utcnow(), ing.retention_raw_days, ing.retention_1m_days, ing.retention_1h_days
        )

    async def unshelve(session):  # type: ignore[no-untyped-def]
        return await monitoring_service.unshelve_expired(session, bus, utcnow())

    async def shelve_due(session):  # type: ignore[no-untyped-def]
        return bool(await monitoring_repo.expired_shelves(session, utcnow()))

    scheduler.add("monitoring.partitions", 3600.0, partitions)
    scheduler.add("monitoring.rollup_hours", 300.0, rollups)
    scheduler.add("monitoring.retention", 6 * 3600.0, retention)
    scheduler.add("monitoring.unshelve", 5.0, unshelve, probe=shelve_due)
    box = SecretBox(settings.auth.secret_key.get_secret_value())

    async def escalate(session):  # type: ignore[no-untyped-def]
        return await routing.escalate(session, bus)

    async def webhooks(_session):  # type: ignore[no-untyped-def]
        # Posts with no transaction open (claims and outcomes commit in their own short ones).
        return await notify_service.deliver_webhooks(database, box)

    scheduler.add("monitoring.escalate", 10.0, escalate, probe=routing.escalation_pending)
    scheduler.add("notify.webhooks", 5.0, webhooks, probe=notify_service.webhooks_due)

    async def bypass_overdue(session):  # type: ignore[no-untyped-def]
        return await basics_bypass.job_check_bypasses(session, bus)

    async def due_reminders(session):  # type: ignore[no-untyped-def]
        return await basics_reminders.job_send_reminders(session, bus, settings.site_timezone)

    scheduler.add("basics.bypass_overdue", 30.0, bypass_overdue, probe=basics_bypass.overdue_pending)
    scheduler.add("basics.reminders", 3600.0, due_reminders)

    async def hazards_recompute(session):  # type: ignore[no-untyped-def]
        return await hazards_service.recompute_stale(session, utcnow())

    scheduler.add("hazards.recompute", 60.0, hazards_recompute)

    async def hazards_colours(session):  # type: ignore[no-untyped-def]
        return await hazards_risk.refresh(session, bus, utcnow(), settings.site_timezone)

    scheduler.add("hazards.risk", 5.0, hazards_colours)

    async def hazards_duty_tasks(session):  # type: ignore[no-untyped-def]
        await hazards_duty.ensure_national_templates(session)
        return await hazards_duty.generate_tasks(session, plant_date(utcnow(), settings.site_timezone))

    scheduler.add("hazards.duty_tasks", 600.0, hazards_duty_tasks)

    async def permit_timers(session):  # type: ignore[no-untyped-def]
        return await permits_tasks.check_timers(session, bus, utcnow())

    scheduler.add("permits.timers", 30.0, permit_timers)
    return scheduler


def _web_dist(settings: Settings) -> Path | None:
    """The built SPA: the configured folder, else ./web/dist, else the repository's web/dist."""
    if settings.web_dist is not None:
        return settings.web_dist if (settings.web_dist / "index.html").exists() else None
    for c in (Path("web/dist"), Path(__file__).resolve().parents[2] / "web" / "dist"):
        if (c / "index.html").exists():
            return c
    return None


def create_app(settings: Settings | None = None, *, run_scheduler: bool | None = None) -> FastAPI:
    """Build the app for `anguan serve` (all roles in one process in the embedded default)."""
    settings = settings or get_settings()
    register_messages(IDENTITY_MESSAGES)
    register_messages(PLANT_MESSAGES)
    register_messages(MONITORING_MESSAGES)
    register_messages(NOTIFY_MESSAGES)
    register_messages(routing.MESSAGES)
    register_messages(BASICS_MESSAGES)
    register_messages(BASICS_OPS_MESSAGES)
    register_messages(HAZARDS_MESSAGES)
    register_messages(PERMITS_MESSAGES)
    register_messages(PERMITS_LEDGER_MESSAGES)
    register_messages(VIDEO_MESSAGES)
    hazards_reports.register_reminder_sources()
    database = Database(settings.db.url, echo=settings.db.echo, pool_size=settings.db.pool_size)
    bus = EventBus()
    hub = RealtimeHub(settings.redis.url, settings.redis.channel)
    register_handlers(bus, hub, database)
    scheduler = build_scheduler(database, bus, settings)
    start_scheduler = settings.scheduler_enabled if run_scheduler is None else run_scheduler
    runtime = (
        IngestRuntime(database, bus, settings, simulator=settings.demo or settings.ingest.simulator)
        if settings.ingest.in_process
        else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        if runtime is not None:
            await runtime.start()
        if start_scheduler:
            scheduler.start()
        log.info(
            "anguan %s up on %s (realtime %s)",
            __version__,
            database.dialect,
            "redis" if settings.redis.url else "in-process",
        )
        try:
            yield
        finally:
            await scheduler.stop()
            if runtime is not None:
                await runtime.stop()
            await hub.stop()
            await database.dispose()

    app = FastAPI(
        title="Anguan API",
        version=__version__,
        description="安管 Anguan: safety-risk control platform for hazardous-chemical enterprises",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.bus = bus
    app.state.hub = hub
    app.state.scheduler = scheduler
    app.state.pipeline = runtime.pipeline if runtime is not None else None
    if runtime is not None:
        pipeline = runtime.pipeline

        async def reload_config(_event: DomainEvent) -> None:
            pipeline.request_reload()

        # Other replicas' edits are picked up by the pipeline's own periodic fingerprint check.
        bus.subscribe(PointsChanged, reload_config)
        bus.subscribe(SourcesChanged, reload_config)
    app.state.files = LocalFileStore(settings.storage.root)
    app.state.identity = IdentityContext(
        database=database,
        settings=settings,
        policy=policy_from(settings),
        cipher=FieldCipher(settings.auth.secret_key.get_secret_value()),
    )
    # notify sits below identity: its API authenticates through this hook.
    app.state.authenticate = current_actor
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)

    from anguan.platform_api import router as platform_router
    from anguan.platform_api import ws_router

    app.include_router(platform_router, prefix="/api")
    for r in (
        identity_api.auth_router,
        identity_api.users_router,
        identity_api.roles_router,
        identity_api.audit_router,
        plant_api.router,
        monitoring_api.router,
        monitoring_ingest_api.router,
        routing_api.router,
        notify_api.router,
        basics_register_api.router,
        basics_ops_api.router,
        hazards_api.router,
        hazards_risk_api.router,
        hazards_duty_api.router,
        hazards_reports_api.router,
        permits_api.router,
        permits_ledger_api.router,
        permits_config_api.router,
        permits_evidence_api.router,
        permits_live_api.router,
        permits_cancel_api.router,
        permits_mine_api.router,
        video_api.router,
    ):
        app.include_router(r, prefix="/api/v1")
    app.include_router(ws_router)
    _mount_spa(app, _web_dist(settings))
    return app


def _mount_spa(app: FastAPI, dist: Path | None) -> None:
    """Serve the built SPA at / with history-mode fallback; API 404s stay JSON."""
    if dist is None:

        @app.get("/", include_in_schema=False)
        async def no_spa() -> JSONResponse:
            return JSONResponse(
                {"message": "SPA not built: run `make web` (or `make run`)", "api": "/api/docs"}
            )

        return
    if (dist / "assets").exists():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")
    index = dist / "index.html"
    # Top-level files of the build (favicon, manifest...); any other GET is a client-side route.
    top_files = {p.name for p in dist.iterdir() if p.is_file()}

    def spa_page(request: Request) -> Response | None:
        path = request.url.path.lstrip("/")
        if request.method not in ("GET", "HEAD") or path == "api" or path.startswith("api/"):
            return None
        if path in top_files:
            return FileResponse(dist / path)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.state.not_found_fallback = spa_page
