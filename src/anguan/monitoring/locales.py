"""Messages of the monitoring module (zh-CN source, en-US)."""

MESSAGES: dict[str, dict[str, str]] = {
    "monitoring.point_not_found": {"zh-CN": "位号不存在", "en-US": "Point not found"},
    "monitoring.alarm_not_found": {"zh-CN": "报警不存在", "en-US": "Alarm not found"},
    "monitoring.source_unauthorized": {
        "zh-CN": "数据源凭证无效",
        "en-US": "The data-source credential is not valid",
    },
    "monitoring.payload_rejected": {
        "zh-CN": "数据报文被拒绝：{reason}",
        "en-US": "The payload was rejected: {reason}",
    },
    "monitoring.payload_too_large": {
        "zh-CN": "数据报文超过 {limit_kb} KB",
        "en-US": "The payload exceeds {limit_kb} KB",
    },
    "monitoring.ingest_unavailable": {
        "zh-CN": "采集服务暂不可用，请稍后重试",
        "en-US": "Ingest is unavailable; retry later",
    },
    # Points (位号) and their set-points.
    "monitoring.range_invalid": {
        "zh-CN": "量程下限 {range_lo} 必须小于量程上限 {range_hi}",
        "en-US": "The range low {range_lo} must be below the range high {range_hi}",
    },
    "monitoring.setpoint_out_of_range": {
        "zh-CN": "报警值 {setpoint} 超出量程 [{range_lo}, {range_hi}]",
        "en-US": "Set-point {setpoint} lies outside the range [{range_lo}, {range_hi}]",
    },
    "monitoring.setpoint_order": {
        "zh-CN": "报警值须满足 低低报 < 低报 < 高报 < 高高报（{lower} 不小于 {upper}）",
        "en-US": "Set-points must be ordered LL < L < H < HH ({lower} is not below {upper})",
    },
    "monitoring.gas_setpoints_required": {
        "zh-CN": "气体检测器须设置一级报警（高报）和二级报警（高高报）",
        "en-US": "A gas detector needs a level-1 (H) and a level-2 (HH) alarm set-point",
    },
    "monitoring.gas_level1_too_high": {
        "zh-CN": "一级报警值 {level1} 超过 GB/T 50493-2019 上限 {max1}（{unit}）",
        "en-US": "The level-1 set-point {level1} exceeds the GB/T 50493-2019 limit {max1} ({unit})",
    },
    "monitoring.gas_level2_too_high": {
        "zh-CN": "二级报警值 {level2} 超过 GB/T 50493-2019 上限 {max2}（{unit}）",
        "en-US": "The level-2 set-point {level2} exceeds the GB/T 50493-2019 limit {max2} ({unit})",
    },
    "monitoring.gas_level2_not_above_level1": {
        "zh-CN": "二级报警值 {level2} 必须高于一级报警值 {level1}",
        "en-US": "The level-2 set-point {level2} must be above the level-1 set-point {level1}",
    },
    "monitoring.gas_oel_required": {
        "zh-CN": "有毒气体检测器须填写职业接触限值（OEL）",
        "en-US": "A toxic-gas detector needs its occupational exposure limit (OEL)",
    },
    "monitoring.gas_idlh_required": {
        "zh-CN": "量程不足以覆盖 200% OEL，须填写直接致害浓度（IDLH）",
        "en-US": "The range cannot reach 200 % OEL: the IDLH is required",
    },
    "monitoring.oxygen_high_setpoint": {
        "zh-CN": "氧含量高报值须设置且不大于 {max}%",
        "en-US": "The oxygen high set-point is required and must not exceed {max} %",
    },
    "monitoring.oxygen_low_setpoint": {
        "zh-CN": "氧含量低报值须设置且不小于 {min}%",
        "en-US": "The oxygen low set-point is required and must not be below {min} %",
    },
    "monitoring.site_not_found": {"zh-CN": "厂区 {id} 不存在", "en-US": "Site {id} not found"},
    "monitoring.area_not_found": {"zh-CN": "区域 {id} 不存在", "en-US": "Area {id} not found"},
    "monitoring.area_not_in_site": {
        "zh-CN": "区域 {area} 不属于所选厂区",
        "en-US": "Area {area} does not belong to the chosen site",
    },
    "monitoring.equipment_not_in_site": {
        "zh-CN": "设备 {id} 不在所选厂区",
        "en-US": "Equipment {id} is not on the chosen site",
    },
    "monitoring.source_not_found": {"zh-CN": "数据源 {id} 不存在", "en-US": "Data source {id} not found"},
    "monitoring.suppress_point_invalid": {
        "zh-CN": "抑制条件位号 {id} 无效",
        "en-US": "The suppressing point {id} is not valid",
    },
    "monitoring.tag_taken": {"zh-CN": "位号 {tag} 已存在", "en-US": "Tag {tag} already exists"},
    "monitoring.point_has_history": {
        "zh-CN": "位号 {tag} 已有报警记录，不能删除，请改为停用",
        "en-US": "Point {tag} has alarm history and cannot be deleted; disable it instead",
    },
    # Excel import.
    "monitoring.import_empty": {"zh-CN": "文件中没有数据行", "en-US": "The file holds no data rows"},
    "monitoring.import_not_xlsx": {
        "zh-CN": "文件不是有效的 Excel（.xlsx）文件",
        "en-US": "The file is not a valid Excel (.xlsx) workbook",
    },
    "monitoring.import_too_large": {
        "zh-CN": "文件解压后超过 {limit_mb} MB",
        "en-US": "The workbook inflates to more than {limit_mb} MB",
    },
    "monitoring.import_bad_headers": {
        "zh-CN": "表头与模板不符：缺少 {missing}，无法识别 {unknown}，重复 {duplicate}",
        "en-US": "The header does not match the template: missing {missing}, unknown {unknown}, duplicated {duplicate}",
    },
    "monitoring.import_too_many_rows": {
        "zh-CN": "一次最多导入 {max_rows} 行",
        "en-US": "At most {max_rows} rows can be imported at once",
    },
    "monitoring.import_required": {"zh-CN": "{field} 不能为空", "en-US": "{field} is required"},
    "monitoring.import_bad_number": {"zh-CN": "{field} 须为数字", "en-US": "{field} must be a number"},
    "monitoring.import_bad_integer": {"zh-CN": "{field} 须为整数", "en-US": "{field} must be a whole number"},
    "monitoring.import_bad_boolean": {
        "zh-CN": "{field} 须为 是/否",
        "en-US": "{field} must be yes/no (是/否, true/false, 1/0)",
    },
    "monitoring.import_bad_value": {
        "zh-CN": "{field} 的值无效：{detail}",
        "en-US": "{field} is not valid: {detail}",
    },
    "monitoring.import_duplicate_tag": {
        "zh-CN": "位号 {tag} 与第 {first_row} 行重复",
        "en-US": "Tag {tag} repeats row {first_row}",
    },
    "monitoring.import_unknown_area": {
        "zh-CN": "该厂区没有区域 {code}",
        "en-US": "The site has no area {code}",
    },
    "monitoring.import_unknown_source": {
        "zh-CN": "数据源 {code} 不存在",
        "en-US": "Data source {code} not found",
    },
    "monitoring.import_unknown_equipment": {
        "zh-CN": "该厂区没有设备 {code}",
        "en-US": "The site has no equipment {code}",
    },
    # Sources.
    "monitoring.source_code_taken": {
        "zh-CN": "数据源编码 {code} 已存在",
        "en-US": "Source code {code} already exists",
    },
    "monitoring.source_not_http": {
        "zh-CN": "只有 HTTP 数据源使用令牌",
        "en-US": "Only HTTP sources use a token",
    },
    # Alarm handling.
    "monitoring.alarm_occurrence_changed": {
        "zh-CN": "报警已再次触发，请查看最新状态后再确认",
        "en-US": "The alarm has occurred again; review its latest state before acknowledging",
    },
    "monitoring.alarm_already_acked": {"zh-CN": "报警已确认", "en-US": "The alarm is already acknowledged"},
    "monitoring.alarm_out_of_service": {"zh-CN": "报警已停用", "en-US": "The alarm is out of service"},
    "monitoring.alarm_in_service": {"zh-CN": "报警处于投用状态", "en-US": "The alarm is in service"},
    "monitoring.alarm_already_shelved": {"zh-CN": "报警已搁置", "en-US": "The alarm is already shelved"},
    "monitoring.alarm_not_shelved": {"zh-CN": "报警未被搁置", "en-US": "The alarm is not shelved"},
    "monitoring.shelve_too_long": {
        "zh-CN": "搁置时间最长 {max_minutes} 分钟",
        "en-US": "Shelving lasts at most {max_minutes} minutes",
    },
    # Trends and KPIs.
    "monitoring.bad_point_ids": {
        "zh-CN": "位号 ID 须为逗号分隔的正整数，最多 {max} 个",
        "en-US": "Point ids must be comma-separated positive integers, at most {max}",
    },
    "monitoring.time_range_invalid": {
        "zh-CN": "开始时间须早于结束时间",
        "en-US": "The start must be before the end",
    },
    "monitoring.time_range_too_long": {
        "zh-CN": "时间范围最长 {max_days} 天",
        "en-US": "The time range spans at most {max_days} days",
    },
    "monitoring.export_too_large": {
        "zh-CN": "导出数据 {rows} 行，超过上限 {limit} 行，请缩短时间范围或减少位号",
        "en-US": "The export holds {rows} rows, over the limit of {limit}; shorten the range or pick fewer points",
    },
}
