"""Messages of the special-work-permit module (zh-CN source, en-US)."""

MESSAGES: dict[str, dict[str, str]] = {
    # PermitInputError codes of rules.py and workflow.py
    "permits.not_a_number": {"zh-CN": "不是数字：{value}", "en-US": "Not a number: {value}"},
    "permits.naive_datetime": {
        "zh-CN": "时间 {value} 缺少时区",
        "en-US": "The time {value} has no time zone",
    },
    "permits.end_before_start": {
        "zh-CN": "结束时间 {end} 不晚于开始时间 {start}",
        "en-US": "The end {end} is not after the start {start}",
    },
    "permits.unknown_work_type": {
        "zh-CN": "不支持的作业类型 {work_type}",
        "en-US": "Unknown work type {work_type}",
    },
    "permits.unknown_grade": {
        "zh-CN": "{work_type} 没有级别 {grade}",
        "en-US": "{work_type} has no grade {grade}",
    },
    "permits.negative_height": {
        "zh-CN": "作业高度不能为负：{height_m} m",
        "en-US": "The work height cannot be negative: {height_m} m",
    },
    "permits.unknown_height_factor": {
        "zh-CN": "未知的高处作业客观危险因素或情形：{factors}",
        "en-US": "Unknown work-at-height factors or cases: {factors}",
    },
    "permits.bad_mass": {
        "zh-CN": "吊物质量必须大于 0：{mass_t} t",
        "en-US": "The lifted mass must be above 0: {mass_t} t",
    },
    "permits.operating_but_shut_down": {
        "zh-CN": "设备不能既处于运行状态又已全部停车、清洗、置换和隔离",
        "en-US": "Equipment cannot be both operating and shut down, cleaned and isolated",
    },
    "permits.fixed_area_in_hazardous_place": {
        "zh-CN": "固定动火区应设在火灾爆炸危险场所之外（GB 30871-2022 §3.3）",
        "en-US": "A fixed hot-work area lies outside any fire and explosion hazard place (GB 30871-2022 §3.3)",
    },
    "permits.bad_night_window": {
        "zh-CN": "夜间时段的开始与结束不能相同",
        "en-US": "The night window cannot start and end at the same time",
    },
    "permits.bad_lel": {
        "zh-CN": "爆炸下限应在 0 到 100 %（体积分数）之间：{lel_pct}",
        "en-US": "The LEL must lie between 0 and 100 % v/v: {lel_pct}",
    },
    "permits.lel_missing": {
        "zh-CN": "{name} 缺少爆炸下限，无法判定可燃气体分析结果",
        "en-US": "{name} has no LEL: the combustible reading cannot be judged",
    },
    "permits.bad_mixture": {
        "zh-CN": "混合物组分无效：至少一个组分，且各组分比例大于 0",
        "en-US": "Invalid mixture: at least one component, each with a share above 0",
    },
    "permits.unknown_mixture_method": {
        "zh-CN": "不支持的混合物爆炸下限算法 {method}",
        "en-US": "Unknown mixture LEL method {method}",
    },
    "permits.unknown_gas_kind": {
        "zh-CN": "未知的气体类别 {kind}",
        "en-US": "Unknown gas kind {kind}",
    },
    "permits.bad_reading": {
        "zh-CN": "{name} 的分析数据无效：{value}",
        "en-US": "Invalid reading of {name}: {value}",
    },
    "permits.toxic_limit_missing": {
        "zh-CN": "{name} 缺少容许浓度（GBZ 2.1），无法判定",
        "en-US": "{name} has no allowable concentration (GBZ 2.1): it cannot be judged",
    },
    "permits.bad_toxic_limit": {
        "zh-CN": "{name} 的容许浓度无效：{limit}",
        "en-US": "Invalid allowable concentration of {name}: {limit}",
    },
    "permits.resumed_before_paused": {
        "zh-CN": "恢复时间早于中断时间",
        "en-US": "The work resumed before it was paused",
    },
    "permits.record_in_future": {
        "zh-CN": "气体分析记录时间晚于当前时间",
        "en-US": "The gas record is later than now",
    },
    "permits.unknown_blind_action": {
        "zh-CN": "未知的盲板作业类别 {action}（应为抽或堵）",
        "en-US": "Unknown blind action {action} (insert or remove)",
    },
    "permits.not_a_certificate_alarm": {
        "zh-CN": "不是资质报警代码：{codes}",
        "en-US": "Not certificate alarm codes: {codes}",
    },
    "permits.unknown_step": {
        "zh-CN": "审批流程中没有步骤 {steps}",
        "en-US": "The approval flow has no step {steps}",
    },
    "permits.signed_out_of_order": {
        "zh-CN": "未按顺序签批：{step} 尚未签字",
        "en-US": "Signed out of order: {step} is not signed yet",
    },
    "permits.unknown_phase": {"zh-CN": "未知的签批阶段 {phase}", "en-US": "Unknown signing phase {phase}"},
    "permits.delegation_needs_time": {
        "zh-CN": "委托签批有有效期，需提供签批时间",
        "en-US": "The delegation has dates: the signing time is needed",
    },
    "permits.unknown_state": {"zh-CN": "未知的作业票状态 {state}", "en-US": "Unknown permit state {state}"},
    "permits.unknown_action": {"zh-CN": "未知的操作 {action}", "en-US": "Unknown action {action}"},
    "permits.bad_transition": {
        "zh-CN": "作业票处于“{state}”状态，不能执行“{action}”",
        "en-US": "A permit in state {state} cannot {action}",
    },
    # Problem codes of rules.py
    "permits.blind_missing": {
        "zh-CN": "盲板抽堵作业票未填写盲板及作业类别",
        "en-US": "The blinding permit names no blind and action",
    },
    "permits.blind_insert_and_remove": {
        "zh-CN": "盲板抽、堵不得共用一张作业票（GB 30871-2022 §7.11）",
        "en-US": "Inserting and removing blinds cannot share one permit (GB 30871-2022 §7.11)",
    },
    "permits.several_blinds": {
        "zh-CN": "一张作业票只能进行一块盲板的一个作业（GB 30871-2022 §7.11）",
        "en-US": "One permit covers one blind and one action (GB 30871-2022 §7.11)",
    },
    "permits.pipeline_conflict": {
        "zh-CN": "同一管道上不得同时进行两处及以上盲板抽堵作业（GB 30871-2022 §7.10）",
        "en-US": "No two blinding jobs on one pipeline at once (GB 30871-2022 §7.10)",
    },
}

# Errors of the permit service, the life cycle and the API.
MESSAGES |= {
    "permits.before_planned_start": {
        "zh-CN": "未到作业票的作业实施时间（{planned_start}）",
        "en-US": "The permit's period has not begun ({planned_start})",
    },
    "permits.signature_image_not_found": {"zh-CN": "签名图片不存在", "en-US": "Signature image not found"},
    "permits.user_not_active": {
        "zh-CN": "用户不存在或已停用",
        "en-US": "The user does not exist or is disabled",
    },
    "permits.area_not_found": {"zh-CN": "区域不存在", "en-US": "Area not found"},
    "permits.signer_exists": {
        "zh-CN": "该用户已有此签批角色",
        "en-US": "The user already holds this signing role",
    },
    "permits.signer_not_found": {"zh-CN": "签批人设置不存在", "en-US": "Signer entry not found"},
    "permits.bad_period": {"zh-CN": "结束时间须晚于开始时间", "en-US": "The end must be after the start"},
    "permits.delegate_to_self": {"zh-CN": "不能委托给自己", "en-US": "You cannot delegate to yourself"},
    "permits.role_not_held": {
        "zh-CN": "您没有签批角色 {role}，无法委托",
        "en-US": "You do not hold the signing role {role}, so you cannot delegate it",
    },
    "permits.delegate_lacks_role": {
        "zh-CN": "受托人须具有签批权限，才能代签 {role}",
        "en-US": "The delegate needs signing rights to sign {role}",
    },
    "permits.calendar_day_exists": {"zh-CN": "该日期已有同类标记", "en-US": "The day is already marked so"},
    "permits.calendar_day_not_found": {"zh-CN": "日历标记不存在", "en-US": "Calendar mark not found"},
    "permits.not_the_guardian": {
        "zh-CN": "您不是本作业票的在岗监护人",
        "en-US": "You are not the guardian on duty for this permit",
    },
    "permits.handover_to_self": {"zh-CN": "不能交接给自己", "en-US": "You cannot hand over to yourself"},
    "permits.unknown_photo": {
        "zh-CN": "照片不存在或不是您上传的：{ids}",
        "en-US": "Unknown photos, or not your uploads: {ids}",
    },
    "permits.photo_not_found": {"zh-CN": "照片不存在", "en-US": "Photo not found"},
    "permits.not_found": {"zh-CN": "作业票不存在", "en-US": "Permit not found"},
    "permits.alarm_not_found": {"zh-CN": "作业报警不存在", "en-US": "Work alarm not found"},
    "permits.alarm_closed": {"zh-CN": "该报警已处置", "en-US": "The alarm is already handled"},
    "permits.already_inside": {"zh-CN": "该人员已在受限空间内", "en-US": "The person is already inside"},
    "permits.already_out": {"zh-CN": "已登记出来", "en-US": "Already registered out"},
    "permits.area_not_in_site": {"zh-CN": "区域不属于该厂区", "en-US": "The area is not in the site"},
    "permits.site_not_found": {"zh-CN": "厂区不存在", "en-US": "Site not found"},
    "permits.bad_state": {
        "zh-CN": "作业票当前状态（{state}）不允许该操作",
        "en-US": "Not allowed in state {state}",
    },
    "permits.blocked": {
        "zh-CN": "不满足作业条件，已报警：{alarms}",
        "en-US": "The rules block this step; work alarms raised: {alarms}",
    },
    "permits.booking_too_late": {
        "zh-CN": "作业须至少提前一天预约（紧急作业可当日预约）",
        "en-US": "Book at least one day ahead (an emergency job may be booked the same day)",
    },
    "permits.cancellation_needs_approval": {
        "zh-CN": "该阶段取消作业须经审批：请提交取消申请，由安全管理部门审批",
        "en-US": "At this stage a cancellation needs approval: file a cancellation request for the safety office",
    },
    "permits.cancel_request_bad_state": {
        "zh-CN": "作业票当前状态（{state}）不需要或不能申请取消",
        "en-US": "A cancellation request is not needed or not possible in the permit's state ({state})",
    },
    "permits.cancel_request_pending": {
        "zh-CN": "该作业票已有待审批的取消申请",
        "en-US": "This permit already has a cancellation request waiting for approval",
    },
    "permits.no_cancel_request": {
        "zh-CN": "该作业票没有待审批的取消申请",
        "en-US": "This permit has no cancellation request waiting for approval",
    },
    "permits.not_your_cancel_request": {
        "zh-CN": "只有申请人本人可以撤回取消申请",
        "en-US": "Only the requester may withdraw a cancellation request",
    },
    "permits.content_locked": {
        "zh-CN": "作业票已签字，内容不得涂改；如需变更请关闭后重新办理",
        "en-US": "The permit is signed and may not be altered; close it and issue a new one to change it",
    },
    "permits.contractor_not_found": {"zh-CN": "承包商不存在", "en-US": "Contractor not found"},
    "permits.duplicate_person": {
        "zh-CN": "同一人员同一角色重复",
        "en-US": "A person is listed twice in one role",
    },
    "permits.entry_not_found": {"zh-CN": "出入登记不存在", "en-US": "Entry record not found"},
    "permits.gas_failed": {
        "zh-CN": "最近一次气体分析（{point}）不合格，须处理后重新分析",
        "en-US": "The latest gas analysis ({point}) failed: fix the cause and test again",
    },
    "permits.grade_required": {"zh-CN": "请选择动火作业级别", "en-US": "Choose the hot-work grade"},
    "permits.grade_too_low": {
        "zh-CN": "作业级别 {grade} 低于按条件应定的 {required}",
        "en-US": "Grade {grade} is below the {required} the conditions require",
    },
    "permits.guardian_overloaded": {
        "zh-CN": "监护人同时监护的作业超过企业规定",
        "en-US": "The guardian would watch more jobs at once than the enterprise allows",
    },
    "permits.height_reconfirm_required": {
        "zh-CN": "高处作业中断后恢复，须重新确认作业环境和安全措施（请填写确认情况）",
        "en-US": "Work at height resuming: re-confirm the environment and the measures (say what was checked)",
    },
    "permits.link_self": {"zh-CN": "不能关联自身", "en-US": "A permit cannot be linked to itself"},
    "permits.mass_required": {"zh-CN": "请填写吊物质量", "en-US": "Enter the mass of the load"},
    "permits.no_guardian": {"zh-CN": "未指定监护人", "en-US": "No guardian named"},
    "permits.no_worker": {"zh-CN": "未录入作业人员", "en-US": "No worker named"},
    "permits.no_step_to_sign": {
        "zh-CN": "当前没有待签字的步骤",
        "en-US": "No step is waiting for a signature",
    },
    "permits.not_a_worker_of_permit": {
        "zh-CN": "该人员不是本作业票的作业人员",
        "en-US": "The person is not a worker of this permit",
    },
    "permits.not_all_signed": {"zh-CN": "签批尚未完成", "en-US": "Not every step is signed"},
    "permits.not_confined_space": {
        "zh-CN": "仅受限空间作业有出入登记",
        "en-US": "Only confined-space permits keep an entry register",
    },
    "permits.not_work_at_height": {
        "zh-CN": "作业高度 {height_m} m 低于 2 m，不属于高处作业",
        "en-US": "{height_m} m is below 2 m: not work at height",
    },
    "permits.not_your_step": {
        "zh-CN": "您不是当前步骤（{step}）的签批人，也未获委托",
        "en-US": "You do not sign the current step ({step}) and hold no delegation for it",
    },
    "permits.person_not_active": {
        "zh-CN": "人员不存在或不在岗",
        "en-US": "The person does not exist or has left",
    },
    "permits.person_required": {"zh-CN": "请选择人员", "en-US": "Choose the person"},
    "permits.pipeline_required": {"zh-CN": "请填写设备/管道名称", "en-US": "Name the equipment or pipeline"},
    "permits.position_required": {
        "zh-CN": "现场签批须上报当前位置",
        "en-US": "On-site signing needs your current position",
    },
    "permits.position_unusable": {
        "zh-CN": "无法根据上报的位置判断是否在作业现场",
        "en-US": "The reported position cannot tell whether you are at the work site",
    },
    "permits.reason_required": {"zh-CN": "请填写原因", "en-US": "Give the reason"},
    "permits.reissue_needs_new_period": {
        "zh-CN": "原作业时间已过，请按新的作业时间重新办理",
        "en-US": "The planned period is over: issue the new permit for a new period",
    },
    "permits.sampled_in_future": {
        "zh-CN": "取样时间晚于当前时间",
        "en-US": "The sampling time is in the future",
    },
    "permits.shift_check_missing": {
        "zh-CN": "动火前须经岗位当班班长验票",
        "en-US": "The shift leader must check the ticket before hot work starts",
    },
    "permits.still_inside": {
        "zh-CN": "受限空间内仍有人员或工器具未登记出来：{names}",
        "en-US": "People or tools are still registered inside: {names}",
    },
    "permits.tool_name_required": {"zh-CN": "请填写工器具名称", "en-US": "Name the tools"},
    "permits.unknown_measure": {"zh-CN": "安全措施序号不存在：{seq}", "en-US": "Unknown measure row: {seq}"},
    "permits.unknown_person_role": {"zh-CN": "未知的人员角色 {role}", "en-US": "Unknown person role {role}"},
    "permits.unknown_signature_image": {
        "zh-CN": "签名图片不存在或不是您上传的",
        "en-US": "Unknown signature image, or not your upload",
    },
    "permits.validity_exceeded": {
        "zh-CN": "作业时间超过该类作业票的最长有效期（{hours} 小时）",
        "en-US": "The period exceeds the permit's longest validity ({hours} h)",
    },
    # configuration: withdrawing a delegation, marking a calendar period
    "permits.delegation_not_found": {"zh-CN": "委托记录不存在", "en-US": "Delegation not found"},
    "permits.not_your_delegation": {
        "zh-CN": "只有委托人本人或作业票管理员可以撤回该委托",
        "en-US": "Only the delegator or a permit manager can withdraw this delegation",
    },
    "permits.delegation_ended": {
        "zh-CN": "该委托已结束（已到期或已撤回）",
        "en-US": "The delegation has already ended (expired or withdrawn)",
    },
    "permits.calendar_range_invalid": {
        "zh-CN": "日期范围无效：{first} ~ {last}（结束日期不能早于开始日期，最多 {max} 天）",
        "en-US": "Invalid range {first} ~ {last}: the last day cannot precede the first, at most {max} days",
    },
}
