"""Imports every module's models so Alembic and create_all see the whole schema."""

from anguan.core.db import Base
from anguan.core.events import OutboxMessage
from anguan.core.files import StoredFile
from anguan.core.timeline import AuditEntry, AuditHead, TimelineEntry
from anguan.identity.models import AuthSession, DataScope, Role, User, UserRole
from anguan.plant.models import Area, Department, Enterprise, EquipmentLocation, Site

__all__ = [
    "Area",
    "AuditEntry",
    "AuditHead",
    "AuthSession",
    "Base",
    "DataScope",
    "Department",
    "Enterprise",
    "EquipmentLocation",
    "OutboxMessage",
    "Role",
    "Site",
    "StoredFile",
    "TimelineEntry",
    "User",
    "UserRole",
]
