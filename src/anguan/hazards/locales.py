"""Messages of the major-hazard module (zh-CN source, en-US)."""

MESSAGES: dict[str, dict[str, str]] = {
    "hazards.empty_unit": {
        "zh-CN": "单元未填写任何危险化学品（未填写不等于不构成重大危险源）",
        "en-US": "The unit lists no hazardous chemical (not filled in is not 'not a major hazard')",
    },
    "hazards.negative_quantity": {
        "zh-CN": "{name} 的数量不能为负",
        "en-US": "The quantity of {name} cannot be negative",
    },
    "hazards.unknown_table1_row": {
        "zh-CN": "GB 18218 表1 没有第 {row} 行（{name}）",
        "en-US": "GB 18218 Table 1 has no row {row} ({name})",
    },
    "hazards.no_critical_quantity": {
        "zh-CN": "{name} 既不在表1中，也没有表2危险性类别，无法确定临界量",
        "en-US": "{name} is neither in Table 1 nor given a Table 2 class: no critical quantity",
    },
    "hazards.unknown_class": {
        "zh-CN": "{name} 的危险性类别 {classes} 不在 GB 18218 表2 中",
        "en-US": "The classes {classes} of {name} are not in GB 18218 Table 2",
    },
    "hazards.no_beta": {
        "zh-CN": "{name} 不在表3中且没有危险性类别，无法确定校正系数β",
        "en-US": "{name} is not in Table 3 and has no class: no correction factor β",
    },
    "hazards.zero_critical_quantity": {
        "zh-CN": "{name} 的临界量为 0，参考数据有误",
        "en-US": "The critical quantity of {name} is 0: the reference data is wrong",
    },
    "hazards.zero_beta": {
        "zh-CN": "{name} 的校正系数β为 0，参考数据有误",
        "en-US": "The correction factor β of {name} is 0: the reference data is wrong",
    },
    "hazards.negative_people": {
        "zh-CN": "厂外暴露人员数量不能为负",
        "en-US": "The number of people outside cannot be negative",
    },
    "hazards.not_a_number": {"zh-CN": "不是数字：{value}", "en-US": "Not a number: {value}"},
    "hazards.unit_not_found": {"zh-CN": "辨识单元不存在", "en-US": "Identification unit not found"},
    "hazards.substance_not_found": {"zh-CN": "单元内的危险化学品不存在", "en-US": "Unit substance not found"},
    "hazards.assessment_not_found": {"zh-CN": "辨识分级记录不存在", "en-US": "Assessment not found"},
    "hazards.site_not_found": {"zh-CN": "厂区不存在", "en-US": "Site not found"},
    "hazards.area_not_in_site": {"zh-CN": "区域不属于该厂区", "en-US": "The area is not in the site"},
    "hazards.chemical_not_found": {"zh-CN": "危险化学品不存在", "en-US": "Chemical not found"},
    "hazards.code_taken": {"zh-CN": "单元编码 {code} 已存在", "en-US": "Unit code {code} is taken"},
    "hazards.substance_taken": {"zh-CN": "单元内已有 {name}", "en-US": "The unit already lists {name}"},
    "hazards.already_reviewed": {"zh-CN": "该结果已复核", "en-US": "Already reviewed"},
    "hazards.warning_not_found": {"zh-CN": "预警不存在", "en-US": "Warning not found"},
    "hazards.warning_not_cleared": {
        "zh-CN": "预警尚未消除（{status}），消警后才能上报处置结果",
        "en-US": "The warning has not cleared ({status}); report its disposal once it clears",
    },
    "hazards.task_not_found": {"zh-CN": "包保任务不存在", "en-US": "Duty task not found"},
    "hazards.not_your_task": {
        "zh-CN": "只有该任务的包保责任人本人可以完成",
        "en-US": "Only the responsible person can complete this task",
    },
    "hazards.task_done": {"zh-CN": "该任务已完成", "en-US": "The task is already done"},
    "hazards.abnormal_needs_note": {
        "zh-CN": "发现异常时须填写情况说明",
        "en-US": "An abnormal finding needs a description",
    },
    "hazards.unknown_photo": {
        "zh-CN": "照片不存在或不是您上传的",
        "en-US": "Unknown photo, or not your upload",
    },
    "hazards.not_major": {
        "zh-CN": "该单元不构成重大危险源，无需包保",
        "en-US": "The unit is not a major hazard source; it has no 包保 heads",
    },
    "hazards.person_not_active": {
        "zh-CN": "人员不存在或不在岗",
        "en-US": "The person does not exist or has left",
    },
    "hazards.national_text_fixed": {
        "zh-CN": "国家任务清单条目的内容不能修改（可调整周期或停用）",
        "en-US": "A national list item's text is fixed (its cycle may change, or it may be disabled)",
    },
    "hazards.bad_period": {"zh-CN": "结束日期早于开始日期", "en-US": "The end is before the start"},
    "hazards.unknown_file": {
        "zh-CN": "附件不存在或不是您上传的",
        "en-US": "Unknown attachment, or not your upload",
    },
    "hazards.file_not_found": {"zh-CN": "附件不存在", "en-US": "Attachment not found"},
    "hazards.unknown_report_kind": {"zh-CN": "未知的报告类型 {kind}", "en-US": "Unknown report kind {kind}"},
    "hazards.report_not_found": {"zh-CN": "评价评估报告不存在", "en-US": "Report not found"},
    "hazards.report_due_before_issue": {
        "zh-CN": "有效期至（{due}）早于报告出具日期",
        "en-US": "The renewal date ({due}) is before the report was issued",
    },
    "hazards.report_beyond_cycle": {
        "zh-CN": "有效期至 {due} 超过法定周期（最迟 {limit}）",
        "en-US": "The renewal date {due} is beyond the statutory cycle (at the latest {limit})",
    },
    "hazards.report_issued_in_future": {
        "zh-CN": "出具日期 {issued_on} 晚于今天",
        "en-US": "The issue date {issued_on} is in the future",
    },
    "hazards.report_needs_place": {
        "zh-CN": "请选择重大危险源或厂区",
        "en-US": "Choose a hazard source or a site",
    },
    "hazards.unit_not_in_site": {
        "zh-CN": "单元 {unit} 不属于该厂区",
        "en-US": "Unit {unit} is not in that site",
    },
    "hazards.finding_not_found": {"zh-CN": "督导检查问题不存在", "en-US": "Finding not found"},
    "hazards.finding_bad_state": {
        "zh-CN": "问题当前状态（{status}）不允许该操作（{action}）",
        "en-US": "The finding's state ({status}) does not allow this step ({action})",
    },
    "hazards.found_in_future": {
        "zh-CN": "发现日期 {found_on} 晚于今天",
        "en-US": "The date found ({found_on}) is in the future",
    },
    "hazards.deadline_before_found": {
        "zh-CN": "整改期限 {deadline} 早于发现日期",
        "en-US": "The deadline {deadline} is before the date found",
    },
    "hazards.person_not_found": {"zh-CN": "人员不存在", "en-US": "Person not found"},
    "hazards.rectified_in_future": {
        "zh-CN": "整改完成日期 {rectified_on} 晚于今天",
        "en-US": "The rectification date {rectified_on} is in the future",
    },
    "hazards.rectified_before_found": {
        "zh-CN": "整改完成日期 {rectified_on} 早于发现日期",
        "en-US": "The rectification date {rectified_on} is before the date found",
    },
    "hazards.review_own_rectification": {
        "zh-CN": "复核人不能是整改录入人",
        "en-US": "Whoever entered the rectification cannot review it",
    },
    "hazards.review_fail_needs_note": {
        "zh-CN": "复核不通过时须说明原因",
        "en-US": "A failed review needs the reason",
    },
}
