"""The master-data registers (台账): licences, process, chemicals, equipment, people, third parties."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from anguan.basics import models as m
from anguan.basics import reference as ref
from anguan.basics import rules
from anguan.basics.options import (
    AUTOMATION,
    CERT_OPTS,
    CHECK_KINDS,
    CHECK_RESULTS,
    DUTY_ROLES,
    EDU_OPTS,
    EQUIPMENT_KIND_OPTS,
    EQUIPMENT_STATUS,
    GENDERS,
    GHS_OPTS,
    INTERLOCK_KINDS,
    INTERLOCK_STATUS,
    LICENCE_STATUS,
    LICENCE_TYPE_OPTS,
    PARTY_STATUS,
    PERSON_KINDS,
    PERSON_STATUS,
    PROCESS_OPTS,
    PROCESS_STATUS,
    ROLE_OPTS,
    SHIFTS,
    STARTSTOP_KINDS,
    STARTSTOP_STATUS,
    STATES,
    SUPPLIER_KINDS,
    TRAINING_KINDS,
    VISITOR_STATUS,
)
from anguan.basics.registry import DueField, Field, FieldProblem, Register
from anguan.plant.rules import uscc_valid

NOTE = Field("note", "备注", "Note", "text", max_len=2000)
FILES = Field("attachments", "附件", "Attachments", "files", excel=False)


def _dates_ordered(values: Mapping[str, Any], first: str, second: str) -> list[FieldProblem]:
    a, b = values.get(first), values.get(second)
    if a is not None and b is not None and a > b:
        return [FieldProblem(second, "basics.dates_reversed", {"before": first})]
    return []


def _check_uscc(values: Mapping[str, Any]) -> list[FieldProblem]:
    code = values.get("uscc")
    if code and not uscc_valid(code):
        return [FieldProblem("uscc", "basics.invalid_uscc", {"value": code})]
    return []


def _check_id_number(values: Mapping[str, Any], key: str = "id_number") -> list[FieldProblem]:
    n = values.get(key)
    if n and not rules.id_number_valid(n):
        return [FieldProblem(key, "basics.invalid_id_number", {})]
    return []


# ------------------------------------------------------------------------------------ licences


def _licence_key_fields(values: Mapping[str, Any]) -> tuple[str, ...]:
    t = ref.LICENCE_TYPES.get(values.get("type") or "", ref.LICENCE_TYPES["other"])
    return t.key_fields


def _licence_check(values: Mapping[str, Any]) -> list[FieldProblem]:
    out = _dates_ordered(values, "issued_on", "valid_until")
    if values.get("stage") and values.get("type") != "three_simultaneity":
        out.append(FieldProblem("stage", "basics.field_not_for_type", {"type": values.get("type")}))
    return out


def _licence_derive(values: dict[str, Any]) -> dict[str, Any]:
    t = ref.LICENCE_TYPES.get(values.get("type") or "")
    if t and t.update_years and values.get("issued_on") and not values.get("review_due_on"):
        return {"review_due_on": rules.add_months(values["issued_on"], 12 * t.update_years)}
    return {}


LICENCES = Register(
    name="licences",
    zh="证照与报告",
    en="Licences and reports",
    group="licences",
    model=m.Licence,
    fields=(
        Field(
            "type", "类型", "Type", "enum", required=True, options=LICENCE_TYPE_OPTS, list=True, filter=True
        ),
        Field("number", "编号", "Number", required=True, max_len=80, list=True),
        Field("name", "名称", "Name", required=True, max_len=200, list=True),
        Field("issuer", "发证/编制单位", "Issuer", max_len=120, list=True),
        Field("site_id", "厂区", "Site", "ref", ref="site", filter=True),
        Field("issued_on", "发证/编制日期", "Issued on", "date"),
        Field("valid_until", "有效期至", "Valid until", "date", list=True),
        Field("review_due_on", "下次复评/更新日期", "Next update due", "date", list=True),
        Field("scope", "许可范围/登记品种", "Scope", "text", max_len=4000),
        Field("grade", "标准化等级", "Standardisation grade", "enum", options=ref.STANDARDIZATION_GRADES),
        Field("project", "建设项目", "Project", max_len=200),
        Field("stage", "三同时阶段", "Stage", "enum", options=ref.THREE_SIMULTANEITY_STAGES),
        Field("assessor_cert_no", "评价机构资质证号", "Assessor certificate no.", max_len=80),
        Field("conclusion", "评价结论", "Conclusion", "text", max_len=4000),
        Field(
            "status",
            "状态",
            "Status",
            "enum",
            options=LICENCE_STATUS,
            list=True,
            filter=True,
            default="active",
        ),
        FILES,
        NOTE,
    ),
    natural_key=("type", "number"),
    title_field="name",
    search=("number", "name", "issuer"),
    scope="site",
    due=(DueField("valid_until", "expiry"), DueField("review_due_on", "review")),
    completeness=_licence_key_fields,
    check=_licence_check,
    derive=_licence_derive,
    order_by=("type", "number"),
)

# ------------------------------------------------------------------------------------ process


def _chemical_check(values: Mapping[str, Any]) -> list[FieldProblem]:
    out = []
    cas = values.get("cas")
    if cas and not rules.cas_valid(cas):
        out.append(FieldProblem("cas", "basics.invalid_cas", {"value": cas}))
    out += [
        FieldProblem(f, "basics.invalid_explosion_limits", {})
        for f in rules.flammability_problems(values.get("lel_pct"), values.get("uel_pct"))
    ]
    return out


CHEMICALS = Register(
    name="chemicals",
    zh="危险化学品",
    en="Chemicals",
    group="process",
    model=m.Chemical,
    fields=(
        Field("name", "品名", "Name", required=True, max_len=120, list=True),
        Field("name_en", "英文名", "English name", max_len=160),
        Field("aliases", "别名", "Aliases", "tags"),
        Field("cas", "CAS号", "CAS number", max_len=16, list=True),
        Field("un_number", "UN号", "UN number", max_len=8),
        Field("catalogue_no", "危化品目录序号", "Catalogue no.", "int", ge=1, le=9999),
        Field("formula", "分子式", "Formula", max_len=60),
        Field("state", "物态", "State", "enum", options=STATES, filter=True),
        Field("ghs", "GHS危险性类别", "GHS classes", "enums", options=GHS_OPTS, list=True),
        Field(
            "key_supervised",
            "重点监管危化品",
            "Key supervised",
            "bool",
            list=True,
            filter=True,
            default=False,
        ),
        Field("highly_toxic", "剧毒化学品", "Highly toxic", "bool", filter=True, default=False),
        Field("flash_point_c", "闪点℃", "Flash point °C", "float", ge=-273.15, le=1000),
        Field("boiling_point_c", "沸点℃", "Boiling point °C", "float", ge=-273.15, le=5000),
        Field("lel_pct", "爆炸下限%", "LEL % v/v", "float", list=True),
        Field("uel_pct", "爆炸上限%", "UEL % v/v", "float"),
        Field("oel_mg_m3", "职业接触限值mg/m³", "OEL mg/m³", "float", ge=0),
        Field("msds_first_aid", "急救措施", "First aid", "text", max_len=4000),
        Field("msds_fire", "消防措施", "Fire fighting", "text", max_len=4000),
        Field("msds_spill", "泄漏应急处置", "Spill response", "text", max_len=4000),
        Field("msds_ppe", "个体防护", "PPE", "text", max_len=4000),
        Field("msds_storage", "储存注意事项", "Storage", "text", max_len=4000),
        Field("msds_revised_on", "MSDS修订日期", "MSDS revised on", "date"),
        FILES,
        NOTE,
    ),
    natural_key=("name",),
    title_field="name",
    search=("name", "name_en", "cas", "un_number"),
    completeness=("cas", "ghs", "msds_first_aid", "msds_fire", "msds_spill", "msds_ppe", "attachments"),
    check=_chemical_check,
    order_by=("name",),
)


def _process_derive(values: dict[str, Any]) -> dict[str, Any]:
    p = ref.HAZARDOUS_PROCESSES.get(values.get("hazardous_process") or "")
    if p is None:
        return {}
    out: dict[str, Any] = {"key_monitored_unit": True}
    for key, default in (
        ("reaction_type", p.reaction),
        ("key_parameters", p.key_parameters),
        ("control_means", p.control),
    ):
        if not values.get(key):
            out[key] = default
    return out


PROCESSES = Register(
    name="processes",
    zh="装置与工艺",
    en="Units and processes",
    group="process",
    model=m.Process,
    fields=(
        Field("code", "装置编码", "Unit code", required=True, max_len=40, list=True),
        Field("name", "装置名称", "Unit name", required=True, max_len=120, list=True),
        Field("site_id", "厂区", "Site", "ref", required=True, ref="site", filter=True),
        Field("area_id", "区域", "Area", "ref", ref="area", list=True, filter=True),
        Field(
            "hazardous_process",
            "危险化工工艺",
            "Hazardous process",
            "enum",
            options=PROCESS_OPTS,
            list=True,
            filter=True,
        ),
        Field("reaction_type", "反应类型", "Reaction type", max_len=60),
        Field("key_parameters", "重点监控工艺参数", "Key monitored parameters", "text", max_len=4000),
        Field("control_means", "安全控制基本要求", "Control means", "text", max_len=4000),
        Field(
            "key_monitored_unit",
            "重点监控单元",
            "Key monitored unit",
            "bool",
            list=True,
            filter=True,
            default=False,
        ),
        Field("automation", "自动化控制", "Automation", "enums", options=AUTOMATION),
        Field("chemicals", "涉及危化品CAS", "Chemicals (CAS)", "tags"),
        Field("capacity", "设计能力", "Capacity", max_len=120),
        Field("description", "工艺描述", "Process description", "text", max_len=8000),
        Field("hazards", "危险特性", "Hazard characteristics", "text", max_len=8000),
        Field(
            "status",
            "运行状态",
            "Status",
            "enum",
            options=PROCESS_STATUS,
            list=True,
            filter=True,
            default="running",
        ),
        FILES,
    ),
    natural_key=("code",),
    title_field="name",
    search=("code", "name"),
    scope="area",
    completeness=("area_id", "description", "hazards", "key_parameters", "control_means", "automation"),
    derive=_process_derive,
    order_by=("code",),
)

STARTSTOPS = Register(
    name="startstops",
    zh="开停车记录",
    en="Start-ups and shut-downs",
    group="process",
    model=m.StartStop,
    fields=(
        Field("process_id", "装置", "Unit", "ref", required=True, ref="process", list=True, filter=True),
        Field("kind", "类型", "Kind", "enum", required=True, options=STARTSTOP_KINDS, list=True, filter=True),
        Field("planned_at", "计划时间", "Planned at", "datetime", list=True),
        Field("done_at", "实际时间", "Done at", "datetime", list=True),
        Field("reason", "原因", "Reason", "text", max_len=2000),
        Field("approved_by", "批准人", "Approved by", max_len=60),
        Field(
            "checklist_confirmed", "开停车条件已确认", "Checklist confirmed", "bool", list=True, default=False
        ),
        Field(
            "status",
            "状态",
            "Status",
            "enum",
            options=STARTSTOP_STATUS,
            list=True,
            filter=True,
            default="planned",
        ),
        FILES,
        NOTE,
    ),
    natural_key=("process_id", "kind", "planned_at"),
    title_field="kind",
    scope="parent",
    parent=("process_id", "processes"),
    completeness=("reason", "approved_by", "checklist_confirmed"),
    check=lambda v: _dates_ordered(v, "planned_at", "done_at") if v.get("status") == "planned" else [],
    order_by=("-planned_at",),
)

# ------------------------------------------------------------------------------------ equipment


def _equipment_derive(values: dict[str, Any]) -> dict[str, Any]:
    kind = ref.EQUIPMENT_KINDS.get(values.get("kind") or "")
    out: dict[str, Any] = {}
    months = values.get("interval_months") or (kind.interval_months if kind else None)
    if not values.get("interval_months") and months:
        out["interval_months"] = months
    if not values.get("next_due_on"):
        due = rules.next_due(values.get("last_check_on"), months)
        if due is not None:
            out["next_due_on"] = due
    return out


def _equipment_key_fields(values: Mapping[str, Any]) -> tuple[str, ...]:
    kind = ref.EQUIPMENT_KINDS.get(values.get("kind") or "")
    base: tuple[str, ...] = ("area_id", "model", "manufacturer", "last_check_on", "next_due_on")
    if kind and kind.special:
        base += ("registration_no",)
    if values.get("kind") in ("safety_valve", "rupture_disc"):
        base += ("set_pressure_mpa", "protects")
    return base


EQUIPMENT = Register(
    name="equipment",
    zh="设备设施与安全附件",
    en="Equipment and safety devices",
    group="equipment",
    model=m.Equipment,
    fields=(
        Field("tag", "设备位号", "Tag", required=True, max_len=40, list=True),
        Field("name", "名称", "Name", required=True, max_len=120, list=True),
        Field(
            "kind", "类别", "Kind", "enum", required=True, options=EQUIPMENT_KIND_OPTS, list=True, filter=True
        ),
        Field("site_id", "厂区", "Site", "ref", required=True, ref="site", filter=True),
        Field("area_id", "区域", "Area", "ref", ref="area", list=True, filter=True),
        Field("registration_no", "使用登记证编号", "Registration no.", max_len=60),
        Field("model", "型号", "Model", max_len=80),
        Field("manufacturer", "制造单位", "Manufacturer", max_len=120),
        Field("serial_no", "出厂编号", "Serial no.", max_len=60),
        Field("medium", "介质", "Medium", max_len=60),
        Field("design_pressure_mpa", "设计压力MPa", "Design pressure MPa", "float", ge=-0.1, le=1000),
        Field("set_pressure_mpa", "整定/爆破压力MPa", "Set/burst pressure MPa", "float", ge=-0.1, le=1000),
        Field("protects", "保护对象位号", "Protects (tag)", max_len=40),
        Field("installed_on", "投用日期", "Installed on", "date"),
        Field("interval_months", "检验/校验周期(月)", "Interval (months)", "int", ge=1, le=240),
        Field("last_check_on", "上次检验/校验/更换", "Last check", "date"),
        Field("next_due_on", "下次到期", "Next due", "date", list=True),
        Field(
            "status",
            "状态",
            "Status",
            "enum",
            options=EQUIPMENT_STATUS,
            list=True,
            filter=True,
            default="in_use",
        ),
        FILES,
        NOTE,
    ),
    natural_key=("tag",),
    title_field="name",
    search=("tag", "name", "registration_no"),
    scope="area",
    due=(DueField("next_due_on", "inspection"),),
    completeness=_equipment_key_fields,
    check=lambda v: _dates_ordered(v, "last_check_on", "next_due_on"),
    derive=_equipment_derive,
    order_by=("tag",),
)

EQUIPMENT_CHECKS = Register(
    name="equipment-checks",
    zh="检验校验记录",
    en="Inspection and calibration records",
    group="equipment",
    model=m.EquipmentCheck,
    fields=(
        Field(
            "equipment_id", "设备", "Equipment", "ref", required=True, ref="equipment", list=True, filter=True
        ),
        Field("kind", "类型", "Kind", "enum", required=True, options=CHECK_KINDS, list=True, filter=True),
        Field("done_on", "完成日期", "Done on", "date", required=True, list=True),
        Field("org", "检验/校验机构", "Organisation", max_len=120, list=True),
        Field("report_no", "报告编号", "Report no.", max_len=60),
        Field(
            "result", "结论", "Result", "enum", options=CHECK_RESULTS, list=True, filter=True, default="pass"
        ),
        Field("next_due_on", "下次到期", "Next due", "date", list=True),
        FILES,
        NOTE,
    ),
    natural_key=("equipment_id", "kind", "done_on"),
    title_field="report_no",
    scope="parent",
    parent=("equipment_id", "equipment"),
    completeness=("org", "report_no", "attachments"),
    check=lambda v: _dates_ordered(v, "done_on", "next_due_on"),
    order_by=("-done_on",),
)

INTERLOCKS = Register(
    name="interlocks",
    zh="SIS与安全联锁",
    en="SIS and interlocks",
    group="equipment",
    model=m.Interlock,
    fields=(
        Field("tag", "联锁位号", "Tag", required=True, max_len=40, list=True),
        Field("name", "名称", "Name", required=True, max_len=120, list=True),
        Field("kind", "类型", "Kind", "enum", required=True, options=INTERLOCK_KINDS, list=True, filter=True),
        Field("sil", "SIL等级", "SIL", "int", ge=0, le=4, list=True),
        Field("site_id", "厂区", "Site", "ref", required=True, ref="site", filter=True),
        Field("area_id", "区域", "Area", "ref", ref="area", list=True, filter=True),
        Field("process_code", "所属装置编码", "Unit code", max_len=40),
        Field("cause", "联锁条件", "Cause", "text", max_len=2000),
        Field("action", "联锁动作", "Action", "text", max_len=2000),
        Field("point_tags", "关联位号", "Point tags", "tags"),
        Field(
            "status",
            "状态",
            "Status",
            "enum",
            options=INTERLOCK_STATUS,
            list=True,
            filter=True,
            readonly=True,
            default="in_service",
        ),
        Field("interval_months", "功能测试周期(月)", "Proof-test interval (months)", "int", ge=1, le=120),
        Field("last_check_on", "上次功能测试", "Last proof test", "date"),
        Field("next_due_on", "下次功能测试", "Next proof test", "date", list=True),
        NOTE,
    ),
    natural_key=("tag",),
    title_field="name",
    search=("tag", "name"),
    scope="area",
    due=(DueField("next_due_on", "proof_test"),),
    completeness=("area_id", "cause", "action", "sil", "next_due_on"),
    derive=lambda v: (
        {"next_due_on": rules.next_due(v.get("last_check_on"), v.get("interval_months"))}
        if not v.get("next_due_on") and rules.next_due(v.get("last_check_on"), v.get("interval_months"))
        else {}
    ),
    order_by=("tag",),
)

# ------------------------------------------------------------------------------------ people


def _person_check(values: Mapping[str, Any]) -> list[FieldProblem]:
    out = _check_id_number(values)
    if values.get("kind") == "contractor" and not values.get("contractor_id"):
        out.append(FieldProblem("contractor_id", "basics.contractor_required", {}))
    if values.get("kind") == "employee" and values.get("contractor_id"):
        out.append(FieldProblem("contractor_id", "basics.field_not_for_type", {"type": "employee"}))
    return out


PEOPLE = Register(
    name="people",
    zh="人员",
    en="People",
    group="people",
    model=m.Person,
    fields=(
        Field("name", "姓名", "Name", required=True, max_len=60, list=True),
        Field("id_number", "身份证号", "ID number", required=True, max_len=18, list=True, pii=True),
        Field(
            "kind",
            "人员类型",
            "Kind",
            "enum",
            options=PERSON_KINDS,
            list=True,
            filter=True,
            default="employee",
        ),
        Field("gender", "性别", "Gender", "enum", options=GENDERS),
        Field("phone", "电话", "Phone", max_len=30, pii=True),
        Field("department_id", "部门", "Department", "ref", ref="department", list=True, filter=True),
        Field("contractor_id", "承包商", "Contractor", "ref", ref="contractor", filter=True),
        Field("position", "岗位", "Position", max_len=60, list=True),
        Field("key_roles", "关键岗位", "Key roles", "enums", options=ROLE_OPTS, list=True, filter=True),
        Field("education", "学历", "Education", "enum", options=EDU_OPTS),
        Field("major", "专业", "Major", max_len=60),
        Field("title", "职称", "Professional title", max_len=30),
        Field("hired_on", "入职/入场日期", "Hired on", "date"),
        Field(
            "status",
            "状态",
            "Status",
            "enum",
            options=PERSON_STATUS,
            list=True,
            filter=True,
            default="active",
        ),
        FILES,
        NOTE,
    ),
    natural_key=("id_number",),
    title_field="name",
    search=("name", "position", "phone"),
    scope="department",
    completeness=("phone", "position", "education"),
    check=_person_check,
    order_by=("name",),
)


def _certificate_check(values: Mapping[str, Any]) -> list[FieldProblem]:
    return _dates_ordered(values, "valid_from", "valid_until") + _check_id_number(values, "holder_id_number")


CERTIFICATES = Register(
    name="certificates",
    zh="人员证书",
    en="Certificates",
    group="people",
    model=m.PersonCertificate,
    fields=(
        Field("person_id", "持证人", "Holder", "ref", required=True, ref="person", list=True, filter=True),
        Field("kind", "证书种类", "Kind", "enum", required=True, options=CERT_OPTS, list=True, filter=True),
        # 特种作业操作证 numbers are T + the holder's ID number: masked like one.
        Field("number", "证书编号", "Number", required=True, max_len=60, list=True, pii=True),
        Field("holder_name", "证载姓名", "Name on certificate", max_len=60),
        Field("holder_id_number", "证载身份证号", "ID number on certificate", max_len=18, pii=True),
        Field("issuer", "发证机关", "Issuer", max_len=120),
        Field("valid_from", "有效期起", "Valid from", "date", required=True),
        Field("valid_until", "有效期至", "Valid until", "date", required=True, list=True),
        Field("review_due_on", "复审日期", "Review due", "date", list=True),
        Field("revoked", "已吊销", "Revoked", "bool", filter=True, default=False),
        FILES,
        NOTE,
    ),
    natural_key=("kind", "number"),
    title_field="number",
    search=("number",),
    scope="parent",
    parent=("person_id", "people"),
    due=(DueField("valid_until", "expiry"), DueField("review_due_on", "review")),
    completeness=("holder_name", "holder_id_number", "issuer", "attachments"),
    check=_certificate_check,
    order_by=("valid_until",),
)

TRAININGS = Register(
    name="trainings",
    zh="培训记录",
    en="Training records",
    group="people",
    model=m.Training,
    fields=(
        Field("person_id", "人员", "Person", "ref", required=True, ref="person", list=True, filter=True),
        Field(
            "kind", "培训类型", "Kind", "enum", required=True, options=TRAINING_KINDS, list=True, filter=True
        ),
        Field("title", "培训内容", "Title", required=True, max_len=200, list=True),
        Field("started_on", "培训日期", "Date", "date", required=True, list=True),
        Field("hours", "学时", "Hours", "float", required=True, ge=0.5, le=2000, list=True),
        Field("trainer", "授课人", "Trainer", max_len=60),
        Field("passed", "考核合格", "Passed", "bool", list=True, filter=True, default=True),
        Field("score", "成绩", "Score", "float", ge=0, le=100),
        FILES,
    ),
    natural_key=("person_id", "kind", "started_on", "title"),
    title_field="title",
    scope="parent",
    parent=("person_id", "people"),
    completeness=("trainer", "score"),
    order_by=("-started_on",),
)

DUTIES = Register(
    name="duties",
    zh="值班安排",
    en="Duty roster",
    group="people",
    model=m.Duty,
    fields=(
        Field("day", "日期", "Day", "date", required=True, list=True, filter=True),
        Field("shift", "班次", "Shift", "enum", required=True, options=SHIFTS, list=True, filter=True),
        Field("role", "值班角色", "Role", "enum", required=True, options=DUTY_ROLES, list=True, filter=True),
        Field("person_id", "值班人", "Person", "ref", required=True, ref="person", list=True),
        Field("site_id", "厂区", "Site", "ref", ref="site"),
        Field("phone", "值班电话", "Duty phone", max_len=30, list=True),
        NOTE,
    ),
    natural_key=("day", "shift", "role", "person_id"),
    title_field="role",
    scope="site",
    completeness=("phone",),
    order_by=("-day", "shift"),
)

# ------------------------------------------------------------------------------------ third parties


def _contractor_check(values: Mapping[str, Any]) -> list[FieldProblem]:
    return _check_uscc(values)


CONTRACTORS = Register(
    name="contractors",
    zh="承包商",
    en="Contractors",
    group="third_parties",
    model=m.Contractor,
    fields=(
        Field("name", "单位名称", "Name", required=True, max_len=120, list=True),
        Field("uscc", "统一社会信用代码", "USCC", required=True, max_len=18, list=True),
        Field("qualification", "资质", "Qualification", max_len=200, list=True),
        Field("qualification_no", "资质证书编号", "Qualification no.", max_len=60),
        Field("qualification_valid_until", "资质有效期至", "Qualification valid until", "date", list=True),
        Field("safety_licence_no", "安全生产许可证编号", "Safety licence no.", max_len=60),
        Field(
            "safety_licence_valid_until",
            "安全生产许可证有效期至",
            "Safety licence valid until",
            "date",
            list=True,
        ),
        Field("work_scope", "承包范围", "Work scope", "text", max_len=2000),
        Field("contact_name", "联系人", "Contact", max_len=60),
        Field("contact_phone", "联系电话", "Contact phone", max_len=30),
        Field(
            "status",
            "状态",
            "Status",
            "enum",
            options=PARTY_STATUS,
            list=True,
            filter=True,
            default="approved",
        ),
        Field("rating", "年度评价", "Annual rating", "enum", options={k: (k, k) for k in "ABCD"}),
        FILES,
        NOTE,
    ),
    natural_key=("uscc",),
    title_field="name",
    search=("name", "uscc"),
    due=(
        DueField("qualification_valid_until", "expiry"),
        DueField("safety_licence_valid_until", "expiry"),
    ),
    completeness=(
        "qualification",
        "qualification_no",
        "qualification_valid_until",
        "contact_name",
        "attachments",
    ),
    check=_contractor_check,
    order_by=("name",),
)

SUPPLIERS = Register(
    name="suppliers",
    zh="供应商与承运商",
    en="Suppliers and carriers",
    group="third_parties",
    model=m.Supplier,
    fields=(
        Field("name", "单位名称", "Name", required=True, max_len=120, list=True),
        Field("uscc", "统一社会信用代码", "USCC", required=True, max_len=18, list=True),
        Field("kind", "类别", "Kind", "enum", required=True, options=SUPPLIER_KINDS, list=True, filter=True),
        Field("licence_no", "经营/运输许可证号", "Licence no.", max_len=60),
        Field("licence_valid_until", "许可证有效期至", "Licence valid until", "date", list=True),
        Field("supplies", "供应/承运品种", "Supplies", "text", max_len=2000),
        Field("contact_name", "联系人", "Contact", max_len=60),
        Field("contact_phone", "联系电话", "Contact phone", max_len=30),
        Field(
            "status",
            "状态",
            "Status",
            "enum",
            options=PARTY_STATUS,
            list=True,
            filter=True,
            default="approved",
        ),
        FILES,
    ),
    natural_key=("uscc",),
    title_field="name",
    search=("name", "uscc"),
    due=(DueField("licence_valid_until", "expiry"),),
    completeness=("licence_no", "licence_valid_until", "contact_name", "attachments"),
    check=_check_uscc,
    order_by=("name",),
)

VISITORS = Register(
    name="visitors",
    zh="访客登记",
    en="Visitors",
    group="third_parties",
    model=m.Visitor,
    fields=(
        Field("name", "姓名", "Name", required=True, max_len=60, list=True),
        Field("id_number", "身份证号", "ID number", required=True, max_len=18, pii=True),
        Field("company", "单位", "Company", max_len=120, list=True),
        Field("phone", "电话", "Phone", max_len=30, pii=True),
        Field("host_id", "接待人", "Host", "ref", ref="person", list=True),
        Field("purpose", "来访事由", "Purpose", required=True, max_len=200, list=True),
        Field("site_id", "厂区", "Site", "ref", ref="site", filter=True),
        Field("valid_from", "有效期起", "Valid from", "datetime", required=True, list=True),
        Field("valid_until", "有效期至", "Valid until", "datetime", required=True, list=True),
        Field(
            "briefed", "已安全告知", "Safety briefing given", "bool", list=True, filter=True, default=False
        ),
        Field("status", "状态", "Status", "enum", options=VISITOR_STATUS, filter=True, default="registered"),
        NOTE,
    ),
    natural_key=("id_number", "valid_from"),
    title_field="name",
    search=("name", "company"),
    scope="site",
    completeness=("host_id", "phone", "briefed"),
    check=lambda v: _check_id_number(v) + _dates_ordered(v, "valid_from", "valid_until"),
    order_by=("-valid_from",),
)

REGISTERS: dict[str, Register] = {
    r.name: r
    for r in (
        LICENCES,
        PROCESSES,
        STARTSTOPS,
        CHEMICALS,
        EQUIPMENT,
        EQUIPMENT_CHECKS,
        INTERLOCKS,
        PEOPLE,
        CERTIFICATES,
        TRAININGS,
        DUTIES,
        CONTRACTORS,
        SUPPLIERS,
        VISITORS,
    )
}
# Which register a `ref` kind lives in (site/area/department are plant tables).
REF_REGISTERS = {
    "contractor": "contractors",
    "person": "people",
    "process": "processes",
    "equipment": "equipment",
    "interlock": "interlocks",
}
