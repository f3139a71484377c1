"""Messages of the register API (zh-CN source, en-US)."""

MESSAGES: dict[str, dict[str, str]] = {
    "basics.register_not_found": {"zh-CN": "台账 {name} 不存在", "en-US": "Register {name} does not exist"},
    "basics.row_not_found": {"zh-CN": "记录不存在", "en-US": "Record not found"},
    "basics.file_not_found": {"zh-CN": "附件不存在", "en-US": "Attachment not found"},
    "basics.register_read_only": {
        "zh-CN": "该台账只能通过业务流程修改",
        "en-US": "This register changes only through its workflow",
    },
    "basics.invalid_values": {"zh-CN": "数据校验未通过", "en-US": "Some values are not valid"},
    "basics.bad_filter": {"zh-CN": "筛选条件无效：{filter}", "en-US": "Invalid filter: {filter}"},
    "basics.bad_sort": {"zh-CN": "不能按 {sort} 排序", "en-US": "Cannot sort by {sort}"},
    "basics.in_use": {
        "zh-CN": "该记录仍被「{register}」引用，不能删除（可改为停用/离职）",
        "en-US": "Still referenced by {register}; it cannot be deleted (mark it inactive instead)",
    },
    "basics.unknown_field": {"zh-CN": "未知字段 {field}", "en-US": "Unknown field {field}"},
    "basics.readonly_field": {
        "zh-CN": "{field} 由系统维护，不能修改",
        "en-US": "{field} is maintained by the system",
    },
    "basics.required": {"zh-CN": "必填", "en-US": "Required"},
    "basics.expected_text": {"zh-CN": "应为文本", "en-US": "Text expected"},
    "basics.too_long": {"zh-CN": "超过 {max_len} 个字符", "en-US": "Longer than {max_len} characters"},
    "basics.expected_number": {"zh-CN": "应为数值", "en-US": "A number is expected"},
    "basics.expected_integer": {"zh-CN": "应为整数", "en-US": "A whole number is expected"},
    "basics.out_of_range": {"zh-CN": "超出范围 [{ge}, {le}]", "en-US": "Out of range [{ge}, {le}]"},
    "basics.expected_boolean": {"zh-CN": "应为是/否", "en-US": "Yes or no expected"},
    "basics.expected_date": {
        "zh-CN": "日期格式应为 2026-03-01",
        "en-US": "A date like 2026-03-01 is expected",
    },
    "basics.expected_datetime": {
        "zh-CN": "日期时间格式应为 2026-03-01T08:30",
        "en-US": "A date-time like 2026-03-01T08:30 is expected",
    },
    "basics.expected_list": {"zh-CN": "应为列表", "en-US": "A list is expected"},
    "basics.too_many_items": {"zh-CN": "最多 {max_items} 项", "en-US": "At most {max_items} items"},
    "basics.expected_ids": {"zh-CN": "附件编号无效", "en-US": "Invalid attachment ids"},
    "basics.expected_id": {"zh-CN": "应为记录编号", "en-US": "A record id is expected"},
    "basics.unknown_option": {"zh-CN": "不是可选值：{value}", "en-US": "Not an allowed choice: {value}"},
    "basics.unknown_ref": {"zh-CN": "引用的记录不存在", "en-US": "The referenced record does not exist"},
    "basics.ref_out_of_scope": {
        "zh-CN": "引用的记录不在您的数据权限内",
        "en-US": "The referenced record is outside your data scope",
    },
    "basics.area_not_in_site": {"zh-CN": "区域不属于所选厂区", "en-US": "The area is not in the chosen site"},
    "basics.unknown_file": {
        "zh-CN": "附件不存在或不是您上传的",
        "en-US": "Unknown attachment, or not your upload",
    },
    "basics.duplicate": {"zh-CN": "与已有记录重复", "en-US": "Duplicates an existing record"},
    "basics.duplicate_in_file": {
        "zh-CN": "与文件第 {first_row} 行重复",
        "en-US": "Duplicates row {first_row} of the file",
    },
    "basics.row_out_of_scope": {
        "zh-CN": "已有记录不在您的数据权限内",
        "en-US": "The existing record is outside your data scope",
    },
    "basics.dates_reversed": {"zh-CN": "不能早于 {before}", "en-US": "Cannot be earlier than {before}"},
    "basics.field_not_for_type": {"zh-CN": "该类型不使用此字段", "en-US": "Not used for this type"},
    "basics.invalid_uscc": {
        "zh-CN": "统一社会信用代码校验位错误：{value}",
        "en-US": "The unified social credit code fails its check character: {value}",
    },
    "basics.invalid_id_number": {
        "zh-CN": "身份证号无效（GB 11643 校验位或出生日期错误）",
        "en-US": "Invalid ID number (GB 11643 check character or birth date)",
    },
    "basics.invalid_cas": {
        "zh-CN": "CAS 号校验位错误：{value}",
        "en-US": "The CAS number fails its check digit: {value}",
    },
    "basics.invalid_explosion_limits": {
        "zh-CN": "爆炸极限应在 0–100% 且下限小于上限",
        "en-US": "Explosion limits must lie in 0–100 % with LEL below UEL",
    },
    "basics.contractor_required": {
        "zh-CN": "承包商人员须选择所属承包商",
        "en-US": "A contractor worker needs a contractor",
    },
    "basics.import_unknown_ref": {
        "zh-CN": "找不到编码为 {value} 的记录",
        "en-US": "No record with key {value}",
    },
    "basics.import_empty": {"zh-CN": "文件中没有数据行", "en-US": "The file holds no data rows"},
    "basics.import_not_xlsx": {
        "zh-CN": "不是有效的 Excel (.xlsx) 文件",
        "en-US": "Not a valid Excel (.xlsx) file",
    },
    "basics.import_too_large": {
        "zh-CN": "文件解压后超过 {limit_mb} MB",
        "en-US": "The file inflates past {limit_mb} MB",
    },
    "basics.import_bad_headers": {
        "zh-CN": "表头不符：缺少 {missing}，无法识别 {unknown}，重复 {duplicate}",
        "en-US": "Headers do not match: missing {missing}, unknown {unknown}, duplicated {duplicate}",
    },
    "basics.import_too_many_rows": {
        "zh-CN": "一次最多导入 {max_rows} 行",
        "en-US": "At most {max_rows} rows per import",
    },
    "basics.import_bad_value": {"zh-CN": "单元格类型不符", "en-US": "The cell has the wrong type"},
    "basics.import_bad_number": {"zh-CN": "应为数值", "en-US": "A number is expected"},
    "basics.import_bad_integer": {"zh-CN": "应为整数", "en-US": "A whole number is expected"},
    "basics.import_bad_boolean": {"zh-CN": "应为 是/否", "en-US": "Yes or no expected"},
    "basics.import_bad_date": {
        "zh-CN": "日期无效（如 2026-03-01）",
        "en-US": "Invalid date (e.g. 2026-03-01)",
    },
    "basics.import_bad_datetime": {
        "zh-CN": "日期时间无效（如 2026-03-01 08:30）",
        "en-US": "Invalid date-time (e.g. 2026-03-01 08:30)",
    },
}
