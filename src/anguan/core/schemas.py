"""Base classes shared by every module's request and response bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """Base of every request body: an unknown field is refused (422), never silently dropped.

    A misspelt or stale field name would otherwise be ignored and the request would do less than
    its sender believes (a typo in `is_active` leaves an account enabled).
    """

    model_config = ConfigDict(extra="forbid")
