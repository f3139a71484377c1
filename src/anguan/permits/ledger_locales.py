"""Messages of the permit ledger, print and exchange endpoints (zh-CN source, en-US)."""

MESSAGES: dict[str, dict[str, str]] = {
    "permits.ledger_bad_range": {
        "zh-CN": "时间范围的结束 {start_to} 应晚于开始 {start_from}",
        "en-US": "The range must end ({start_to}) after it starts ({start_from})",
    },
    "permits.ledger_export_too_large": {
        "zh-CN": "导出超过 {limit} 行，请缩小筛选范围",
        "en-US": "More than {limit} rows to export; narrow the filter",
    },
}
