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
