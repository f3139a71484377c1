"""Work eligibility (作业资格): may this person do this special work at this time?

The answer combines, in order (rules.work_eligibility): the person is active; a contractor worker's
company is approved with a valid qualification and safety licence (安全生产法 Art. 49); and the
person holds a valid own certificate of a kind the work type accepts (GB 30871-2022 §4.9), with the
AQ 3064.2-2025 alarm codes 5/50 missing, 5/51 expired or not yet valid, 5/52 holder mismatch.
The date is the plant's calendar date of `at` (a naive `at` is plant-local time).

People are read through the people register's data scope: contractor workers are visible to every
reader; an employee outside the caller's scope is answered like a missing person (404).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import rules
from anguan.basics.models import Contractor, Person, PersonCertificate
from anguan.basics.ops_schemas import (
    EligibilityCertificate,
    EligibilityCheckOut,
    EligibilityOut,
    EligibilityPerson,
)
from anguan.basics.reference import WORK_CERTIFICATES_V1
from anguan.basics.registers import PEOPLE
from anguan.basics.scope import visible_clause
from anguan.core.errors import NotFound, Unprocessable
from anguan.identity.schemas import Actor

NOT_FOUND = "person_not_found"


def accepted_kinds(work_type: str) -> frozenset[str]:
    """The certificate kinds a work type accepts; 422 for an unknown work type."""
    kinds = WORK_CERTIFICATES_V1.get(work_type)
    if kinds is None:
        raise Unprocessable(
            "basics.unknown_work_type", work_type=work_type[:40], allowed=sorted(WORK_CERTIFICATES_V1)
        )
    return kinds


def _standing(person: Person, contractors: dict[int, Contractor]) -> rules.ContractorStanding | None:
    if person.kind != "contractor":
        return None
    c = contractors.get(person.contractor_id) if person.contractor_id is not None else None
    if c is None:
        return rules.ContractorStanding("missing", None, None)
    return rules.ContractorStanding(c.status, c.qualification_valid_until, c.safety_licence_valid_until)


def _answer(
    person: Person,
    certificates: Sequence[PersonCertificate],
    contractors: dict[int, Contractor],
    work_type: str,
    kinds: frozenset[str],
    on: date,
) -> EligibilityOut:
    own = rules.holder_id_number(None, person.id_number)
    considered = [c for c in certificates if c.kind in kinds]
    held = [
        rules.Certificate(
            c.kind,
            rules.holder_id_number(c.holder_id_number, person.id_number),
            c.valid_from,
            c.valid_until,
            c.revoked,
        )
        for c in considered
    ]
    result = rules.work_eligibility(
        person.status == "active", _standing(person, contractors), person.id_number, held, kinds, on
    )
    return EligibilityOut(
        ok=result.ok,
        reason=result.reason,
        alarm_code=result.alarm_code,
        person=EligibilityPerson(id=person.id, name=person.name, kind=person.kind, status=person.status),
        work_type=work_type,
        on=on,
        accepted_kinds=sorted(kinds),
        checks=[EligibilityCheckOut(check=c.check, ok=c.ok, reason=c.reason) for c in result.checks],
        certificates=[
            EligibilityCertificate(
                id=c.id,
                number=c.number,
                kind=c.kind,
                valid_from=c.valid_from,
                valid_until=c.valid_until,
                revoked=c.revoked,
                holder_matches=h.holder_id_number == own,
            )
            for c, h in zip(considered, held, strict=True)
        ],
    )


def _not_found(work_type: str, kinds: frozenset[str], on: date) -> EligibilityOut:
    return EligibilityOut(
        ok=False,
        reason=NOT_FOUND,
        alarm_code=None,
        person=None,
        work_type=work_type,
        on=on,
        accepted_kinds=sorted(kinds),
        checks=[EligibilityCheckOut(check="person_exists", ok=False, reason=NOT_FOUND)],
        certificates=[],
    )


async def _answers(
    session: AsyncSession, people: Sequence[Person], work_type: str, kinds: frozenset[str], on: date
) -> dict[int, EligibilityOut]:
    ids = [p.id for p in people]
    certificates: dict[int, list[PersonCertificate]] = {i: [] for i in ids}
    if ids and kinds:
        stmt = (
            select(PersonCertificate)
            .where(PersonCertificate.person_id.in_(ids), PersonCertificate.kind.in_(kinds))
            .order_by(PersonCertificate.valid_until.desc(), PersonCertificate.id)
        )
        for c in (await session.scalars(stmt)).all():
            certificates[c.person_id].append(c)
    contractor_ids = {p.contractor_id for p in people if p.contractor_id is not None}
    contractors = (
        {
            c.id: c
            for c in (
                await session.scalars(select(Contractor).where(Contractor.id.in_(contractor_ids)))
            ).all()
        }
        if contractor_ids
        else {}
    )
    return {p.id: _answer(p, certificates[p.id], contractors, work_type, kinds, on) for p in people}


async def check(
    session: AsyncSession,
    actor: Actor,
    work_type: str,
    on: date,
    *,
    person_id: int | None = None,
    id_number: str | None = None,
) -> EligibilityOut:
    """One person (by id or identity number) for one work type on a plant date."""
    kinds = accepted_kinds(work_type)
    if (person_id is None) == (id_number is None):
        raise Unprocessable("basics.eligibility_person_required")
    stmt = select(Person).where(await visible_clause(session, actor, PEOPLE))
    if person_id is not None:
        stmt = stmt.where(Person.id == person_id)
    else:
        number = (id_number or "").strip().upper()
        # The check character may have been stored in lower case ("x").
        stmt = stmt.where(or_(Person.id_number == number, Person.id_number == number.lower()))
    person = (await session.scalars(stmt)).one_or_none()
    if person is None:
        raise NotFound("basics.person_not_found")
    return (await _answers(session, [person], work_type, kinds, on))[person.id]


async def check_batch(
    session: AsyncSession, actor: Actor, person_ids: Sequence[int], work_type: str, on: date
) -> list[EligibilityOut]:
    """Several people (a permit's workers), answered in the order asked; a person who is missing or
    outside the caller's scope is answered `person_not_found` instead of failing the batch."""
    kinds = accepted_kinds(work_type)
    clause = await visible_clause(session, actor, PEOPLE)
    people = (await session.scalars(select(Person).where(Person.id.in_(set(person_ids)), clause))).all()
    answers = await _answers(session, people, work_type, kinds, on)
    return [answers.get(i) or _not_found(work_type, kinds, on) for i in person_ids]
