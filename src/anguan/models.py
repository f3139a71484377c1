"""Imports every module's models so Alembic and create_all see the whole schema."""

import re

from anguan.basics.models import (
    BasicsSetting,
    Bypass,
    Chemical,
    Contractor,
    Duty,
    Equipment,
    EquipmentCheck,
    Interlock,
    Licence,
    Person,
    PersonCertificate,
    Process,
    StartStop,
    Supplier,
    Training,
    Visitor,
)
from anguan.core.db import Base
from anguan.core.events import OutboxMessage
from anguan.core.files import StoredFile
from anguan.core.timeline import AuditEntry, AuditHead, TimelineEntry
from anguan.hazards.models import Assessment as HazardAssessment
from anguan.hazards.models import Duty as HazardDuty
from anguan.hazards.models import (
    DutyTask,
    DutyTemplate,
    EvaluationReport,
    Finding,
    FindingEvent,
    HazardUnit,
    RiskState,
    UnitSubstance,
)
from anguan.hazards.models import RiskWarning as HazardWarning
from anguan.identity.models import AuthSession, DataScope, Role, User, UserRole
from anguan.monitoring.models import (
    Alarm,
    AlarmEvent,
    Point,
    PointCurrent,
    Reject,
    Rollup1h,
    Rollup1m,
    Sample,
    Source,
)
from anguan.monitoring.routing import AlarmRoute
from anguan.notify.models import Delivery as NotifyDelivery
from anguan.notify.models import InboxItem, Webhook
from anguan.notify.models import Message as NotifyMessage
from anguan.permits.models import (
    CalendarDay,
    EntryLog,
    GasTest,
    Measure,
    Permit,
    PermitLink,
    PermitPerson,
    Signature,
    Signer,
    SigningDelegation,
    WorkAlarm,
)
from anguan.plant.models import Area, Department, Enterprise, EquipmentLocation, Site
from anguan.video.models import Camera

__all__ = [
    "Alarm",
    "AlarmEvent",
    "AlarmRoute",
    "Area",
    "AuditEntry",
    "AuditHead",
    "AuthSession",
    "Base",
    "BasicsSetting",
    "Bypass",
    "CalendarDay",
    "Camera",
    "Chemical",
    "Contractor",
    "DataScope",
    "Department",
    "Duty",
    "DutyTask",
    "DutyTemplate",
    "Enterprise",
    "EntryLog",
    "Equipment",
    "EquipmentCheck",
    "EquipmentLocation",
    "EvaluationReport",
    "Finding",
    "FindingEvent",
    "GasTest",
    "HazardAssessment",
    "HazardDuty",
    "HazardUnit",
    "HazardWarning",
    "InboxItem",
    "Interlock",
    "Licence",
    "Measure",
    "NotifyDelivery",
    "NotifyMessage",
    "OutboxMessage",
    "Permit",
    "PermitLink",
    "PermitPerson",
    "Person",
    "PersonCertificate",
    "Point",
    "PointCurrent",
    "Process",
    "Reject",
    "RiskState",
    "Role",
    "Rollup1h",
    "Rollup1m",
    "Sample",
    "Signature",
    "Signer",
    "SigningDelegation",
    "Site",
    "Source",
    "StartStop",
    "StoredFile",
    "Supplier",
    "TimelineEntry",
    "Training",
    "UnitSubstance",
    "User",
    "UserRole",
    "Visitor",
    "Webhook",
    "WorkAlarm",
]

_PARTITION = re.compile(r"^mon_sample_(p\d{8}|default)$")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic autogenerate filter: PostgreSQL partitions of the historian are not model tables."""
    return not (type_ == "table" and name is not None and _PARTITION.match(name))
