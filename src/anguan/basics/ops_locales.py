"""Messages of the master-data operations (bypasses, reminders, eligibility, diagnosis, settings):
error codes and notification keys, zh-CN (source) and en-US."""

BYPASS_REQUESTED_KEY = "basics.notice.bypass_requested"
BYPASS_OVERDUE_KEY = "basics.notice.bypass_overdue"
DUE_KEY = "basics.notice.due"
EXPIRED_KEY = "basics.notice.expired"

MESSAGES: dict[str, dict[str, str]] = {
    # ---------------------------------------------------------------- bypasses (联锁旁路)
    "basics.bypass_not_found": {"zh-CN": "联锁旁路申请不存在", "en-US": "Bypass not found"},
    "basics.interlock_not_found": {"zh-CN": "联锁不存在", "en-US": "Interlock not found"},
    "basics.bypass_bad_state": {
        "zh-CN": "旁路当前状态为“{status_zh}”，不能{action_zh}",
        "en-US": "A bypass that is {status_en} cannot be {action_en}",
    },
    "basics.bypass_open_exists": {
        "zh-CN": "该联锁已有未关闭的旁路申请（#{bypass_id}），请先完成或撤销",
        "en-US": "This interlock already has an open bypass (#{bypass_id}); close or cancel it first",
    },
    "basics.bypass_self_approval": {
        "zh-CN": "不能审批本人提交的旁路申请",
        "en-US": "You cannot approve a bypass you requested",
    },
    "basics.bypass_until_past": {
        "zh-CN": "旁路截止时间必须晚于当前时间",
        "en-US": "The end of the bypass must lie in the future",
    },
    "basics.bypass_until_beyond_request": {
        "zh-CN": "批准的截止时间不能晚于申请的截止时间 {requested_until}",
        "en-US": "The approved end cannot be later than the requested end {requested_until}",
    },
    "basics.bypass_approval_expired": {
        "zh-CN": "旁路批准已于 {approved_until} 到期，请重新申请",
        "en-US": "The approval ended at {approved_until}; request the bypass again",
    },
    "basics.interlock_not_in_service": {
        "zh-CN": "联锁 {tag} 当前状态为“{status}”，未投用",
        "en-US": "Interlock {tag} is '{status}', not in service",
    },
    BYPASS_REQUESTED_KEY: {
        "zh-CN": "联锁旁路待审批：{tag} {interlock_name}",
        "en-US": "Interlock bypass awaiting approval: {tag} {interlock_name}",
    },
    BYPASS_REQUESTED_KEY + ".body": {
        "zh-CN": "{requested_by} 申请旁路联锁 {tag}（{interlock_name}）至 {requested_until}。原因：{reason}",
        "en-US": "{requested_by} asks to bypass interlock {tag} ({interlock_name}) until {requested_until}. "
        "Reason: {reason}",
    },
    BYPASS_OVERDUE_KEY: {
        "zh-CN": "联锁旁路超期：{tag} {interlock_name}",
        "en-US": "Interlock bypass overdue: {tag} {interlock_name}",
    },
    BYPASS_OVERDUE_KEY + ".body": {
        "zh-CN": "联锁 {tag}（{interlock_name}）的旁路批准至 {approved_until}，现仍处于旁路状态。"
        "请立即恢复联锁投用，或重新办理旁路审批。",
        "en-US": "Interlock {tag} ({interlock_name}) was approved to be bypassed until {approved_until} "
        "and is still bypassed. Put it back in service now, or have the bypass approved again.",
    },
    # ---------------------------------------------------------------- reminders (提醒中心)
    DUE_KEY: {
        "zh-CN": "{what_zh}提醒：{register_zh}「{title}」还有 {days_left} 天到期",
        "en-US": "{what_en} due: {register_en} '{title}' in {days_left} days",
    },
    DUE_KEY + ".body": {
        "zh-CN": "{register_zh}「{title}」的{field_zh}为 {due}，请及时办理。",
        "en-US": "The {field_en} of {register_en} '{title}' is {due}; please act in time.",
    },
    EXPIRED_KEY: {
        "zh-CN": "{what_zh}已逾期：{register_zh}「{title}」",
        "en-US": "{what_en} overdue: {register_en} '{title}'",
    },
    EXPIRED_KEY + ".body": {
        "zh-CN": "{register_zh}「{title}」的{field_zh}为 {due}，已逾期 {days_overdue} 天，请立即处理。",
        "en-US": "The {field_en} of {register_en} '{title}' was {due}, {days_overdue} days ago; act now.",
    },
    "basics.bad_reminder_register": {
        "zh-CN": "台账 {register} 没有到期提醒",
        "en-US": "The register {register} has no due dates",
    },
    "basics.bad_reminder_kind": {
        "zh-CN": "不支持的提醒类型 {what}",
        "en-US": "Unknown reminder kind {what}",
    },
    # ---------------------------------------------------------------- eligibility (作业资格)
    "basics.person_not_found": {"zh-CN": "人员不存在", "en-US": "Person not found"},
    "basics.unknown_work_type": {
        "zh-CN": "不支持的作业类型 {work_type}",
        "en-US": "Unknown work type {work_type}",
    },
    "basics.eligibility_person_required": {
        "zh-CN": "请提供人员 ID 或身份证号（二选一）",
        "en-US": "Give either a person id or an ID number",
    },
}
