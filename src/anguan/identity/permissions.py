"""Permission codes and built-in roles, including 三员分立 (separation of the three administrators)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Permission:
    """A permission code the backend checks; the SPA only hides what is not held."""

    code: str
    module: str
    name_zh: str
    name_en: str
    # Which 三员 duty this permission belongs to (None: ordinary business permission).
    duty: str | None = None


USER_READ = "identity.user.read"
USER_WRITE = "identity.user.write"
USER_ASSIGN_ROLES = "identity.user.assign_roles"
ROLE_READ = "identity.role.read"
ROLE_WRITE = "identity.role.write"
SESSION_MANAGE = "identity.session.manage"
AUDIT_READ = "audit.read"
PLANT_READ = "plant.read"
PLANT_WRITE = "plant.write"
FILES_WRITE = "files.write"
SYSTEM_CONFIG = "system.config"
MON_READ = "monitoring.read"
MON_OPERATE = "monitoring.operate"
MON_SHELVE = "monitoring.shelve"
MON_OOS = "monitoring.oos"
MON_CONFIGURE = "monitoring.configure"
NOTIFY_CONFIGURE = "notify.configure"
BASICS_READ = "basics.read"
BASICS_WRITE = "basics.write"
BASICS_PII = "basics.pii"
BASICS_CONFIGURE = "basics.configure"
BYPASS_REQUEST = "basics.bypass.request"
BYPASS_APPROVE = "basics.bypass.approve"
HAZARDS_READ = "hazards.read"
HAZARDS_WRITE = "hazards.write"
HAZARDS_REVIEW = "hazards.review"
PERMITS_READ = "permits.read"
PERMITS_APPLY = "permits.apply"
PERMITS_GAS = "permits.gas"
PERMITS_SIGN = "permits.sign"
PERMITS_MANAGE = "permits.manage"
VIDEO_READ = "video.read"
VIDEO_MANAGE = "video.manage"

PERMISSIONS: tuple[Permission, ...] = (
    Permission(USER_READ, "identity", "查看用户", "View users", None),
    Permission(USER_WRITE, "identity", "管理用户账号", "Manage user accounts", "system"),
    Permission(SYSTEM_CONFIG, "system", "系统配置", "System configuration", "system"),
    Permission(
        USER_ASSIGN_ROLES, "identity", "分配角色与数据权限", "Assign roles and data scopes", "security"
    ),
    Permission(ROLE_READ, "identity", "查看角色", "View roles", None),
    Permission(ROLE_WRITE, "identity", "管理角色权限", "Manage roles and permissions", "security"),
    Permission(
        SESSION_MANAGE, "identity", "管理会话与安全策略", "Manage sessions and security policy", "security"
    ),
    Permission(AUDIT_READ, "audit", "查看审计日志", "Read the audit log", "audit"),
    Permission(PLANT_READ, "plant", "查看厂区与地图", "View the plant and its map", None),
    Permission(PLANT_WRITE, "plant", "维护厂区、区域与部门", "Maintain sites, areas and departments", None),
    Permission(FILES_WRITE, "core", "上传附件", "Upload attachments", None),
    Permission(MON_READ, "monitoring", "查看在线监测与报警", "View live monitoring, alarms and trends", None),
    Permission(MON_OPERATE, "monitoring", "确认与备注报警", "Acknowledge and comment alarms", None),
    Permission(MON_SHELVE, "monitoring", "搁置报警", "Shelve alarms (time-limited)", None),
    Permission(MON_OOS, "monitoring", "报警停用/投用", "Take alarms out of service and back", None),
    Permission(
        MON_CONFIGURE,
        "monitoring",
        "维护位号、数据源与报警设置",
        "Maintain points, sources and alarm settings",
        None,
    ),
    Permission(
        NOTIFY_CONFIGURE,
        "notify",
        "维护通知渠道与报警推送",
        "Maintain notification channels and routes",
        None,
    ),
    Permission(BASICS_READ, "basics", "查看安全基础信息", "View safety master data", None),
    Permission(
        BASICS_WRITE, "basics", "维护安全基础信息与导入", "Maintain and import safety master data", None
    ),
    Permission(BASICS_PII, "basics", "查看完整身份证号与电话", "See full ID numbers and phone numbers", None),
    Permission(
        BASICS_CONFIGURE,
        "basics",
        "设置提醒提前期与配置规则",
        "Configure reminder lead times and staffing rules",
        None,
    ),
    Permission(BYPASS_REQUEST, "basics", "申请/解除联锁旁路", "Request and remove interlock bypasses", None),
    Permission(BYPASS_APPROVE, "basics", "审批联锁旁路", "Approve interlock bypasses", None),
    Permission(HAZARDS_READ, "hazards", "查看重大危险源", "View major hazard sources", None),
    Permission(
        HAZARDS_WRITE,
        "hazards",
        "维护辨识单元与危险化学品存量",
        "Maintain identification units and quantities",
        None,
    ),
    Permission(
        HAZARDS_REVIEW, "hazards", "复核辨识分级结果", "Review identification and grading results", None
    ),
    Permission(PERMITS_READ, "permits", "查看特殊作业票", "View special-work permits", None),
    Permission(
        PERMITS_APPLY,
        "permits",
        "预约、申请特殊作业并记录作业过程",
        "Book and apply for special work; record the work",
        None,
    ),
    Permission(PERMITS_GAS, "permits", "录入气体分析", "Enter gas analyses", None),
    Permission(
        PERMITS_SIGN, "permits", "签批特殊作业票（按签批角色）", "Sign permits (by signing role)", None
    ),
    Permission(
        PERMITS_MANAGE,
        "permits",
        "审批预约、取消与作废作业票、处置作业报警、配置签批人与日历",
        "Approve bookings, cancel and void permits, handle work alarms, configure signers and the calendar",
        None,
    ),
    Permission(VIDEO_READ, "video", "查看摄像机与实时视频", "View cameras and live video", None),
    Permission(VIDEO_MANAGE, "video", "维护摄像机台账", "Maintain the camera registry", None),
)

PERMISSION_CODES = frozenset(p.code for p in PERMISSIONS)
PERMISSION_DUTY = {p.code: p.duty for p in PERMISSIONS if p.duty}


@dataclass(frozen=True)
class BuiltinRole:
    """A role the platform ships with."""

    code: str
    name_zh: str
    name_en: str
    duty: str | None
    permissions: tuple[str, ...]


BUILTIN_ROLES: tuple[BuiltinRole, ...] = (
    BuiltinRole(
        "sysadmin",
        "系统管理员",
        "System administrator",
        "system",
        (
            USER_READ,
            USER_WRITE,
            SYSTEM_CONFIG,
            ROLE_READ,
            PLANT_READ,
            PLANT_WRITE,
            FILES_WRITE,
            MON_READ,
            MON_CONFIGURE,
            NOTIFY_CONFIGURE,
            BASICS_READ,
            VIDEO_READ,
        ),
    ),
    BuiltinRole(
        "secadmin",
        "安全管理员",
        "Security administrator",
        "security",
        (USER_READ, USER_ASSIGN_ROLES, ROLE_READ, ROLE_WRITE, SESSION_MANAGE, PLANT_READ),
    ),
    BuiltinRole("auditor", "审计管理员", "Audit administrator", "audit", (AUDIT_READ, PLANT_READ)),
    BuiltinRole(
        "safety_manager",
        "安全管理人员",
        "Safety manager",
        None,
        (
            PLANT_READ,
            PLANT_WRITE,
            FILES_WRITE,
            USER_READ,
            ROLE_READ,
            MON_READ,
            MON_OPERATE,
            MON_SHELVE,
            MON_OOS,
            MON_CONFIGURE,
            NOTIFY_CONFIGURE,
            BASICS_READ,
            BASICS_WRITE,
            BASICS_PII,
            BASICS_CONFIGURE,
            BYPASS_REQUEST,
            BYPASS_APPROVE,
            HAZARDS_READ,
            HAZARDS_WRITE,
            HAZARDS_REVIEW,
            PERMITS_READ,
            PERMITS_APPLY,
            PERMITS_GAS,
            PERMITS_SIGN,
            PERMITS_MANAGE,
            VIDEO_READ,
            VIDEO_MANAGE,
        ),
    ),
    BuiltinRole(
        "shift_leader",
        "班组长",
        "Shift leader",
        None,
        (
            PLANT_READ,
            FILES_WRITE,
            MON_READ,
            MON_OPERATE,
            MON_SHELVE,
            MON_OOS,
            BASICS_READ,
            BYPASS_REQUEST,
            HAZARDS_READ,
            PERMITS_READ,
            PERMITS_APPLY,
            PERMITS_GAS,
            PERMITS_SIGN,
            VIDEO_READ,
        ),
    ),
    BuiltinRole(
        "operator",
        "操作员",
        "Operator",
        None,
        (
            PLANT_READ,
            MON_READ,
            MON_OPERATE,
            MON_SHELVE,
            BASICS_READ,
            HAZARDS_READ,
            PERMITS_READ,
            PERMITS_GAS,
            VIDEO_READ,
        ),
    ),
    BuiltinRole(
        "inspector",
        "巡检员",
        "Inspector",
        None,
        (PLANT_READ, FILES_WRITE, MON_READ, BASICS_READ, HAZARDS_READ, PERMITS_READ, VIDEO_READ),
    ),
    BuiltinRole(
        "contractor",
        "承包商",
        "Contractor",
        None,
        (PLANT_READ, FILES_WRITE, PERMITS_READ, PERMITS_APPLY, VIDEO_READ),
    ),
)
