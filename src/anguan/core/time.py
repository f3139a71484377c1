"""UTC clock with a test hook; all timestamps are stored as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall clock that tests can freeze and move without sleeping."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        """Current UTC time (aware)."""
        return self._frozen if self._frozen is not None else datetime.now(UTC)

    def freeze(self, at: datetime) -> None:
        """Stop the clock at a given aware time."""
        self._frozen = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move a frozen clock forward."""
        if self._frozen is None:
            self._frozen = datetime.now(UTC)
        self._frozen += delta

    def unfreeze(self) -> None:
        """Return to real time."""
        self._frozen = None


clock = Clock()


def utcnow() -> datetime:
    """Current UTC time from the process clock."""
    return clock.now()


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime as UTC and convert an aware one to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
