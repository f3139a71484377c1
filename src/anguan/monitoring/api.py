"""Monitoring REST API: points, sources, alarms, realtime snapshot, trends, KPIs, rejected input."""

from __future__ import annotations

from fastapi import APIRouter

from anguan.core.web import TransactionalRoute

router = APIRouter(prefix="/monitoring", tags=["monitoring"], route_class=TransactionalRoute)
