"""References between registers and plant tables: labels, natural keys, existence and scope.

One `Refs` object per request caches what it loaded, so an import of thousands of rows resolves
each referenced table once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import models as m
from anguan.basics.registry import REF_KEYS, Field, Register
from anguan.basics.scope import visible_clause
from anguan.core.files import StoredFile
from anguan.identity.schemas import Actor
from anguan.plant import repository as plant_repo
from anguan.plant.models import Area, Department, Site

_TABLES: dict[str, Any] = {
    "site": Site,
    "area": Area,
    "department": Department,
    "contractor": m.Contractor,
    "person": m.Person,
    "process": m.Process,
    "equipment": m.Equipment,
    "interlock": m.Interlock,
}


class Refs:
    """Cached lookups of referenced rows for one caller."""

    def __init__(self, session: AsyncSession, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self._rows: dict[str, dict[int, Any]] = {}
        self._visible: dict[str, set[int] | None] = {}
        self._index: dict[str, dict[tuple[int | None, str], int]] = {}
        self._files: dict[int, str] = {}

    async def rows(self, kind: str) -> dict[int, Any]:
        """All rows of a referenced table by id (master data is small: thousands, not millions)."""
        if kind not in self._rows:
            table = _TABLES[kind]
            self._rows[kind] = {r.id: r for r in (await self.session.scalars(select(table))).all()}
        return self._rows[kind]

    async def visible(self, kind: str) -> set[int] | None:
        """Ids of a referenced table the caller may use (None: all)."""
        if kind in self._visible:
            return self._visible[kind]
        out: set[int] | None
        if self.actor.all_data:
            out = None
        elif kind == "site":
            out = await plant_repo.visible_site_ids(self.session, self.actor)
        elif kind == "area":
            out = await plant_repo.visible_area_ids(self.session, self.actor)
        elif kind == "department":
            out = None  # departments are an enterprise-wide catalogue
        else:
            from anguan.basics.registers import REF_REGISTERS, REGISTERS

            reg = REGISTERS[REF_REGISTERS[kind]]
            model: Any = reg.model
            clause = await visible_clause(self.session, self.actor, reg)
            out = set((await self.session.scalars(select(model.id).where(clause))).all())
        self._visible[kind] = out
        return out

    async def label(self, kind: str, ref_id: int | None) -> str | None:
        """What a reference shows in lists: a name, with the tag for tagged rows."""
        if ref_id is None:
            return None
        row = (await self.rows(kind)).get(ref_id)
        if row is None:
            return None
        if kind in ("equipment", "interlock"):
            return f"{row.tag} {row.name}"
        if kind == "process":
            return f"{row.code} {row.name}"
        return str(row.name)

    async def file_names(self, ids: list[int]) -> dict[int, str]:
        """Names of attachment files (cached), for the labels of a row's attachments."""
        missing = [i for i in ids if i not in self._files]
        if missing:
            rows = await self.session.execute(
                select(StoredFile.id, StoredFile.name).where(StoredFile.id.in_(missing))
            )
            self._files.update({int(r.id): str(r.name) for r in rows})
        return {i: self._files[i] for i in ids if i in self._files}

    async def natural_key(self, kind: str, ref_id: int | None) -> str | None:
        """The code an Excel sheet carries for a reference (site code, person ID number ...)."""
        if ref_id is None:
            return None
        row = (await self.rows(kind)).get(ref_id)
        return None if row is None else str(getattr(row, REF_KEYS[kind]))

    async def resolve(self, kind: str, key: str, site_id: int | None = None) -> int | None:
        """The id of the row with this natural key (areas: within `site_id`; USCC and ID numbers
        compare case-insensitively)."""
        if kind not in self._index:
            attr = REF_KEYS[kind]
            index: dict[tuple[int | None, str], int] = {}
            for row in (await self.rows(kind)).values():
                value = str(getattr(row, attr)).strip().upper()
                if kind == "area":
                    index.setdefault((row.site_id, value), row.id)
                index.setdefault((None, value), row.id)
            self._index[kind] = index
        scope = site_id if kind == "area" else None
        return self._index[kind].get((scope, key.strip().upper()))

    async def problem(self, f: Field, ref_id: int, values: dict[str, Any]) -> str | None:
        """Why a referenced id may not be used here (None: it may)."""
        assert f.ref is not None
        row = (await self.rows(f.ref)).get(ref_id)
        if row is None:
            return "basics.unknown_ref"
        visible = await self.visible(f.ref)
        if visible is not None and ref_id not in visible:
            return "basics.ref_out_of_scope"
        if f.ref == "area" and values.get("site_id") is not None and row.site_id != values["site_id"]:
            return "basics.area_not_in_site"
        return None


def ref_fields(reg: Register) -> list[Field]:
    """The reference fields of a register."""
    return [f for f in reg.fields if f.type == "ref"]
