"""Messages of the notify module (zh-CN source, en-US)."""

MESSAGES: dict[str, dict[str, str]] = {
    "notify.inbox_item_not_found": {"zh-CN": "通知不存在", "en-US": "Notification not found"},
    "notify.webhook_not_found": {"zh-CN": "Webhook 不存在", "en-US": "Webhook not found"},
    "notify.webhook_name_taken": {
        "zh-CN": "Webhook 名称 {name} 已被使用",
        "en-US": "Webhook name {name} is already used",
    },
    "notify.test": {"zh-CN": "Webhook 测试消息", "en-US": "Webhook test message"},
    "notify.test.body": {
        "zh-CN": "这是来自安管平台的测试消息（{name}）。",
        "en-US": "This is a test message from Anguan ({name}).",
    },
}
