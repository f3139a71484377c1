"""Job runner and scheduler: periodic jobs, each run one transaction.

In the embedded default the scheduler runs inside `anguan serve`; in scale-out it runs in
`anguan worker` processes, and a Redis lock makes a singleton job run on one worker at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import Database
from anguan.core.time import utcnow

log = logging.getLogger("anguan.jobs")

JobFunc = Callable[[AsyncSession], Awaitable[object]]


@dataclass
class Job:
    """A periodic job: runs every `interval_s` seconds inside one transaction."""

    name: str
    interval_s: float
    func: JobFunc
    singleton: bool = True
    # Cheap read-only check; when it returns a falsy value the run is skipped without a write lock.
    probe: JobFunc | None = None
    last_run: datetime | None = None
    last_error: str | None = None
    runs: int = 0


@dataclass
class Scheduler:
    """Runs registered jobs on their intervals until stopped."""

    database: Database
    redis_url: str = ""
    jobs: dict[str, Job] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None
    _redis: object | None = None

    def add(
        self,
        name: str,
        interval_s: float,
        func: JobFunc,
        *,
        singleton: bool = True,
        probe: JobFunc | None = None,
    ) -> None:
        """Register a periodic job (with an optional read-only probe that says whether there is work)."""
        self.jobs[name] = Job(name, interval_s, func, singleton, probe)

    async def run_once(self, name: str) -> object:
        """Run one job now in its own transaction; returns what the job returned (0 when its probe found no work)."""
        job = self.jobs[name]
        if job.probe is not None:
            try:
                async with self.database.transaction(write=False) as session:
                    if not await job.probe(session):
                        # Nothing to do: the run counts, and it did no work.
                        job.runs += 1
                        job.last_run = utcnow()
                        job.last_error = None
                        return 0
            except Exception as exc:
                job.last_error = f"probe failed: {exc!r}"
                log.exception("job %s probe failed", name)
                return None
        lock = None
        if job.singleton and self.redis_url:
            import redis.asyncio as aioredis

            if self._redis is None:
                self._redis = aioredis.from_url(self.redis_url)
            lock = self._redis.lock(f"anguan:job:{name}", timeout=max(30, job.interval_s * 2), blocking=False)  # type: ignore[attr-defined]
            try:
                acquired = await lock.acquire()
            except Exception as exc:
                # Redis down: skip this run (a singleton cannot be proven single) but keep the loop alive.
                job.last_error = f"lock unavailable: {exc!r}"
                log.exception("job %s skipped: lock unavailable", name)
                return None
            if not acquired:
                return None
        try:
            async with self.database.transaction() as session:
                result = await job.func(session)
            job.last_error = None
            return result
        except Exception as exc:
            job.last_error = repr(exc)
            log.exception("job %s failed", name)
            return None
        finally:
            job.runs += 1
            job.last_run = utcnow()
            if lock is not None:
                with contextlib.suppress(Exception):
                    await lock.release()

    async def _loop(self) -> None:
        due: dict[str, float] = {name: 0.0 for name in self.jobs}
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            for name, job in self.jobs.items():
                if now >= due.get(name, 0.0):
                    await self.run_once(name)
                    due[name] = loop.time() + job.interval_s
            await asyncio.sleep(0.5)

    def start(self) -> None:
        """Start the loop as a background task."""
        if self._task is None:
            self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Stop the loop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await self._redis.aclose()  # type: ignore[attr-defined]
