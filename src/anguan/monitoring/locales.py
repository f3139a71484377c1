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
    "monitoring.ingest_unavailable": {
        "zh-CN": "采集服务暂不可用，请稍后重试",
        "en-US": "Ingest is unavailable; retry later",
    },
}
