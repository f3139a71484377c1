"""Demo identification units of the demo plant, assessed on seeding (idempotent by unit code).

Storage units follow GB 18218 §3.6 (one per 防火堤); the hydrogenation unit is split at its
shut-off valves (§3.5). Quantities are design maximums: tank volume × density × 0.9 filling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Chemical, Person
from anguan.basics.rules import add_months
from anguan.basics.settings_service import plant_date
from anguan.hazards import duty, rules, service
from anguan.hazards.models import (
    Duty,
    DutyTemplate,
    EvaluationReport,
    Finding,
    FindingEvent,
    HazardUnit,
    UnitSubstance,
)
from anguan.hazards.reference import DUTY_DEFAULT_CYCLE, REPORTS_VERSION
from anguan.monitoring.models import Point
from anguan.plant.models import Area, Site

# The demo enterprise's own principal and technical lists (the national texts of these two lists
# were not found, requirements §3.4 gap): its own wording, marked source "enterprise".
PRINCIPAL_TASKS = (
    "组织建立并落实重大危险源安全包保责任制",
    "组织制定重大危险源安全管理制度和应急预案",
    "保证重大危险源安全生产所必需的安全投入",
    "督促检查重大危险源安全生产工作，及时消除事故隐患",
    "组织重大危险源应急演练",
    "研究解决重大危险源安全生产重大问题",
    "组织对技术负责人、操作负责人履职情况进行考核",
    "督促重大危险源按规定登记建档、备案和定期评估",
    "督促安全风险监测预警系统正常运行、警示信息及时处置",
)
TECHNICAL_TASKS = (
    "组织开展重大危险源安全风险辨识评估，落实管控措施",
    "组织审定重大危险源工艺操作规程和工艺指标",
    "组织检查自动化控制系统、安全仪表系统完好投用情况",
    "组织检查联锁旁路审批与恢复情况",
    "组织检查设备设施定期检验检测和维护保养情况",
    "组织对特殊作业、检维修作业安全措施进行技术把关",
    "组织开展重大危险源专业性隐患排查并督促整改",
    "组织开展重大危险源相关人员技术培训",
    "组织分析重大危险源报警和异常工况并落实改进措施",
)
# Heads of the demo hazard sources: (role, person name).
HEADS = (("principal", "王建国"), ("technical", "孙建华"), ("operational", "田刚"))

PEOPLE_BASIS = "园区管委会 2026 年人口核查：厂界外 500 m 内常住人口（含幸福村 118 人）"


@dataclass(frozen=True)
class UnitSeed:
    code: str
    name: str
    kind: str
    area: str
    boundary: str
    people: int
    substances: tuple[tuple[str, str, float, str, bool], ...]  # (name, CAS, q t, containers, special)


UNITS: tuple[UnitSeed, ...] = (
    UnitSeed(
        "HZ-DK01",
        "1# 罐区（甲醇、甲苯）",
        "storage",
        "DK-01",
        "1# 防火堤围合区域，T-101～T-104",
        120,
        (
            ("甲醇", "67-56-1", 1422.0, "T-101、T-102（2 × 1000 m³ × 0.79 t/m³ × 0.9）", False),
            ("甲苯", "108-88-3", 1566.0, "T-103、T-104（2 × 1000 m³ × 0.87 t/m³ × 0.9）", False),
        ),
    ),
    UnitSeed(
        "HZ-DK02",
        "2# 罐区（丙酮）",
        "storage",
        "DK-02",
        "2# 防火堤围合区域，T-105、T-106",
        120,
        (("丙酮", "67-64-1", 711.0, "T-105、T-106（2 × 500 m³ × 0.79 t/m³ × 0.9）", False),),
    ),
    UnitSeed(
        "HZ-PU01",
        "加氢反应单元",
        "production",
        "PU-01",
        "氢气进料切断阀 XV-201 至产品出料切断阀 XV-209 之间的设施",
        120,
        (
            ("氢", "1333-74-0", 0.8, "V-201 氢气缓冲罐及管线", True),
            ("甲苯", "108-88-3", 45.0, "R-201、R-202 反应釜及中间罐", True),
        ),
    ),
)


async def seed_hazards(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Create the demo units with their substances and assess each new one."""
    have = set((await session.scalars(select(HazardUnit.code))).all())
    site = (await session.scalars(select(Site).order_by(Site.id))).first()
    if site is None:
        return {"hazard_units": len(have)}
    areas = {a.code: a.id for a in (await session.scalars(select(Area).where(Area.site_id == site.id))).all()}
    chems = {c.cas: c.id for c in (await session.scalars(select(Chemical))).all() if c.cas}
    for u in UNITS:
        if u.code in have:
            continue
        unit = HazardUnit(
            code=u.code,
            name=u.name,
            kind=u.kind,
            site_id=site.id,
            area_id=areas.get(u.area),
            boundary=u.boundary,
            people_outside=u.people,
            people_basis=PEOPLE_BASIS,
        )
        session.add(unit)
        await session.flush()
        for name, cas, q, containers, special in u.substances:
            session.add(
                UnitSubstance(
                    unit_id=unit.id,
                    chemical_id=chems.get(cas),
                    name=name,
                    q_t=q,
                    containers=containers,
                    special_conditions=special,
                )
            )
        await session.flush()
        await service.assess_unit(session, unit, trigger="seed", now=now, actor=None)
        # The unit's monitoring points (位号) are those of its area not bound elsewhere yet.
        if unit.area_id is not None:
            await session.execute(
                update(Point)
                .where(Point.area_id == unit.area_id, Point.hazard_source_id.is_(None))
                .values(hazard_source_id=unit.id)
            )
    await _duties(session, now)
    await _reports_and_findings(session, now)
    return {"hazard_units": len(have | {u.code for u in UNITS})}


async def _duties(session: AsyncSession, now: datetime) -> None:
    """The task lists, and the heads of every major demo unit that has none yet; this period's tasks."""
    await duty.ensure_national_templates(session)
    have = set((await session.execute(select(DutyTemplate.role, DutyTemplate.task_num))).tuples().all())
    for role, texts in (("principal", PRINCIPAL_TASKS), ("technical", TECHNICAL_TASKS)):
        for n, text in enumerate(texts, start=1):
            if (role, n) not in have:
                session.add(
                    DutyTemplate(
                        role=role, task_num=n, text=text, cycle=DUTY_DEFAULT_CYCLE[role], source="enterprise"
                    )
                )
    people = {p.name: p.id for p in (await session.scalars(select(Person))).all()}
    assigned = set((await session.scalars(select(Duty.unit_id))).all())
    new = False
    for unit in (await session.scalars(select(HazardUnit).where(HazardUnit.major.is_(True)))).all():
        if unit.code not in {u.code for u in UNITS} or unit.id in assigned:
            continue
        for role, name in HEADS:
            if name in people:
                session.add(Duty(unit_id=unit.id, role=role, person_id=people[name]))
                new = True
    await session.flush()
    if new:  # later periods come from the worker's hazards.duty_tasks job, not from re-seeding
        await duty.generate_tasks(session, plant_date(now, "Asia/Shanghai"))


# Demo reports, issued relative to the seeding day so the reminder centre always has something to show:
# the site's safety evaluation falls due in three weeks, the tank farm's HAZOP is past its cycle.
REPORTS = (
    # (kind, unit code or None for the site, title, agency, months before today + days, entered due)
    ("safety_evaluation", None, "安全现状评价报告", "河北安评技术服务有限公司", 36, -21),
    ("hazard_assessment", "HZ-DK01", "1#罐区重大危险源安全评估报告", "河北安评技术服务有限公司", 14, 0),
    ("hazop", "HZ-DK01", "1#罐区HAZOP分析报告", "华安过程安全咨询有限公司", 37, 0),
    ("sil", "HZ-DK01", "1#罐区SIS安全完整性等级（SIL）评估报告", "华安过程安全咨询有限公司", 20, 0),
)


async def _reports_and_findings(session: AsyncSession, now: datetime) -> None:
    """The demo evaluation reports and supervision findings (once: skipped when any report exists)."""
    if (await session.scalars(select(EvaluationReport.id).limit(1))).first() is not None:
        return
    units = {u.code: u for u in (await session.scalars(select(HazardUnit))).all()}
    site = (await session.scalars(select(Site).order_by(Site.id))).first()
    if site is None or "HZ-DK01" not in units:
        return
    today = plant_date(now, "Asia/Shanghai")
    for kind, code, title, agency, months, days in REPORTS:
        issued = add_months(today, -months) - timedelta(days=days)
        unit = units.get(code) if code else None
        session.add(
            EvaluationReport(
                kind=kind,
                site_id=site.id,
                unit_id=unit.id if unit else None,
                title=title,
                report_no=f"AP-{issued.year}-{len(title):03d}",
                agency=agency,
                agency_certificate="APJ-(冀)-005",
                issued_on=issued,
                valid_until=rules.report_due(kind, issued, add_months(issued, 36) if kind == "sil" else None),
                conclusion="评价单元的安全设施与措施符合相关法规标准要求，风险可接受。",
                recommendations="完善罐区可燃气体检测报警器的定期标定记录；储罐区增设视频智能分析。",
                current=True,
                files=[],
                rule_version=REPORTS_VERSION,
                created_by="seed",
            )
        )
    await session.flush()
    dk01 = units["HZ-DK01"]
    people = {p.name: p.id for p in (await session.scalars(select(Person))).all()}
    findings = (
        # (source, level, days ago found, inspector, problem, basis, days to deadline, state, unit): the
        # hydrogenation unit's one is overdue, which turns it yellow on the risk map.
        ("government", "general", 40, "市应急管理局 督导组", "1#罐区 T-102 储罐液位计与高液位联锁未做定期联校记录",
         "GB 50160-2008(2018年版) 6.2.13", 15, "closed", "HZ-DK01"),
        ("expert", "general", 3, "专家指导服务组 张教授", "罐区防火堤内排水切断阀处于常开状态",
         "GB 50351-2014 3.2.2", 7, "open", "HZ-DK01"),
        ("park", "general", 25, "化工园区安监科", "加氢反应釜 R-201 紧急切断阀未按期开展功能测试",
         "GB/T 50770-2013 7.3", 14, "open", "HZ-PU01"),
    )  # fmt: skip
    for source, level, ago, inspector, text, basis, days, state, code in findings:
        found = today - timedelta(days=ago)
        f = Finding(
            unit_id=units[code].id if code in units else dk01.id,
            status="open",
            rounds=1,
            source=source,
            level=level,
            found_on=found,
            inspector=inspector,
            description=text,
            basis=basis,
            deadline=found + timedelta(days=days),
            responsible_id=people.get("田刚"),
            problem_files=[],
            rectification_files=[],
            entered_by="safety",
        )
        session.add(f)
        await session.flush()
        at = datetime.combine(found, datetime.min.time()).replace(tzinfo=now.tzinfo)
        session.add(FindingEvent(finding_id=f.id, kind="entered", note=None, files=[], actor="safety", at=at))
        if state == "closed":
            done: date = found + timedelta(days=9)
            f.status, f.measures, f.rectified_on, f.cost = (
                "closed",
                "补做 T-102 液位联锁联校并建立台账",
                done,
                0.3,
            )
            f.rectified_by, f.review_result, f.reviewed_on, f.reviewed_by = "田刚", "pass", done, "safety"
            f.review_note = "现场核查联校记录齐全，同意销号"
            for kind, note, day in (("rectified", f.measures, done), ("passed", f.review_note, done)):
                when = datetime.combine(day, datetime.min.time()).replace(tzinfo=now.tzinfo)
                session.add(
                    FindingEvent(finding_id=f.id, kind=kind, note=note, files=[], actor="safety", at=when)
                )
    await session.flush()
