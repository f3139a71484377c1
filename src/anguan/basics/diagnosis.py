"""Compliance self-diagnosis (合规自诊断) of the people registers: safety staffing, practitioners'
qualifications and three-level induction (三级安全教育).

Staffing is an obligation of the enterprise as a whole (安全生产法 Art. 24), so its counts cover
every active employee whatever the caller's scope (counts only, no names). The named findings
(qualifications, induction) list only people inside the caller's data scope.

- employees: active people of kind `employee`;
- safety staff: active employees with the key role `safety_staff`;
- registered engineers: active employees holding a registered_safety_engineer certificate valid today.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import rules
from anguan.basics import settings_service as settings
from anguan.basics.models import Person, PersonCertificate, Training
from anguan.basics.ops_schemas import (
    DiagnosisOut,
    DiagnosisSummary,
    InductionFindingOut,
    QualificationFindingOut,
    StaffingFindingOut,
)
from anguan.basics.reference import EDUCATION_LEVELS_V1, INDUCTION_LEVELS_V1, KEY_ROLES_V1, QUALIFICATIONS_V1
from anguan.basics.registers import PEOPLE
from anguan.basics.scope import visible_clause
from anguan.identity.schemas import Actor

ENGINEER_CERTIFICATE = "registered_safety_engineer"


def education_rank(code: str | None) -> int | None:
    """Rank of an education level code (EDUCATION_LEVELS_V1), None when unknown."""
    level = EDUCATION_LEVELS_V1.get(code or "")
    return level[2] if level else None


def _levels_of_rank(rank: int) -> list[str]:
    """The education codes of the lowest accepted rank (the minimum a role needs)."""
    return [code for code, (_, _, r) in EDUCATION_LEVELS_V1.items() if r == rank]


def _roles(value: object) -> list[str]:
    return [r for r in value if isinstance(r, str)] if isinstance(value, list) else []


async def _valid_kinds(session: AsyncSession, today: date) -> dict[int, set[str]]:
    """Kinds of the certificates valid today, per active person."""
    rows = await session.execute(
        select(PersonCertificate.person_id, PersonCertificate.kind)
        .join(Person, Person.id == PersonCertificate.person_id)
        .where(
            Person.status == "active",
            PersonCertificate.revoked.is_(False),
            PersonCertificate.valid_from <= today,
            PersonCertificate.valid_until >= today,
        )
    )
    out: dict[int, set[str]] = {}
    for person_id, kind in rows.all():
        out.setdefault(person_id, set()).add(kind)
    return out


async def _passed_induction(session: AsyncSession) -> dict[int, set[str]]:
    """Induction levels with a passed training record, per active employee."""
    rows = await session.execute(
        select(Training.person_id, Training.kind)
        .join(Person, Person.id == Training.person_id)
        .where(
            Person.status == "active",
            Person.kind == "employee",
            Training.passed.is_(True),
            Training.kind.in_(INDUCTION_LEVELS_V1),
        )
    )
    out: dict[int, set[str]] = {}
    for person_id, kind in rows.all():
        out.setdefault(person_id, set()).add(kind)
    return out


def _qualification_out(finding: rules.QualificationFinding, person: Person) -> QualificationFindingOut:
    zh, en = KEY_ROLES_V1.get(finding.role, (finding.role, finding.role))
    required = (
        _levels_of_rank(int(finding.required))
        if finding.problem == "education"
        else sorted(finding.required.split(","))
    )
    return QualificationFindingOut(
        person_id=person.id,
        name=person.name,
        role=finding.role,
        role_zh=zh,
        role_en=en,
        problem=finding.problem,
        required=required,
        education=person.education,
    )


async def diagnose(session: AsyncSession, actor: Actor, today: date) -> DiagnosisOut:
    """Run the self-diagnosis on a plant date."""
    staffing_rules = await settings.staffing_rules(session)
    active = list(
        (
            await session.scalars(
                select(Person).where(Person.status == "active").order_by(Person.name, Person.id)
            )
        ).all()
    )
    employees = [p for p in active if p.kind == "employee"]
    valid = await _valid_kinds(session, today)
    safety_staff = sum(1 for p in employees if "safety_staff" in _roles(p.key_roles))
    engineers = sum(1 for p in employees if ENGINEER_CERTIFICATE in valid.get(p.id, set()))
    staffing = rules.staffing_findings(len(employees), safety_staff, engineers, staffing_rules)

    clause = await visible_clause(session, actor, PEOPLE)
    visible = set((await session.scalars(select(Person.id).where(Person.status == "active", clause))).all())
    qualifications: list[QualificationFindingOut] = []
    for p in active:
        roles = _roles(p.key_roles)
        if p.id not in visible or not roles:
            continue
        findings = rules.qualification_findings(
            p.id, roles, education_rank(p.education), valid.get(p.id, set()), QUALIFICATIONS_V1
        )
        qualifications += [_qualification_out(f, p) for f in findings]

    in_scope = [p for p in employees if p.id in visible]
    passed = await _passed_induction(session)
    induction = [
        InductionFindingOut(person_id=p.id, name=p.name, missing=missing)
        for p in in_scope
        if (missing := rules.induction_missing(passed.get(p.id, set())))
    ]
    return DiagnosisOut(
        rules_version=f"{staffing_rules.version};{QUALIFICATIONS_V1.version}",
        on=today,
        staffing=[
            StaffingFindingOut(item=f.item, required=f.required, actual=f.actual, ok=f.ok) for f in staffing
        ],
        qualifications=qualifications,
        induction=induction,
        summary=DiagnosisSummary(
            employees=len(employees),
            safety_staff=safety_staff,
            registered_engineers=engineers,
            staffing_failed=sum(1 for f in staffing if not f.ok),
            qualification_findings=len(qualifications),
            people_with_qualification_findings=len({f.person_id for f in qualifications}),
            induction_incomplete=len(induction),
        ),
    )
