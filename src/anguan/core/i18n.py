"""Server-side messages in zh-CN (source) and en-US, keyed by stable error/event codes."""

from __future__ import annotations

from typing import Any

LOCALES = ("zh-CN", "en-US")
DEFAULT_LOCALE = "zh-CN"

_catalog: dict[str, dict[str, str]] = {
    "common.bad_request": {"zh-CN": "请求无效", "en-US": "Bad request"},
    "common.not_authenticated": {"zh-CN": "请先登录", "en-US": "Please sign in"},
    "common.forbidden": {"zh-CN": "没有权限执行此操作", "en-US": "You are not allowed to do this"},
    "common.not_found": {"zh-CN": "对象不存在", "en-US": "Not found"},
    "common.method_not_allowed": {"zh-CN": "不支持的请求方法", "en-US": "Method not allowed"},
    "common.conflict": {"zh-CN": "与现有数据冲突", "en-US": "Conflicts with existing data"},
    "common.locked": {"zh-CN": "对象已锁定", "en-US": "Locked"},
    "common.validation_error": {"zh-CN": "输入数据有误", "en-US": "The input is not valid"},
    "common.unavailable": {"zh-CN": "服务暂不可用，请稍后重试", "en-US": "Service unavailable; retry later"},
    "common.payload_too_large": {
        "zh-CN": "上传内容超过 {limit_mb} MB",
        "en-US": "The upload exceeds {limit_mb} MB",
    },
    "common.internal_error": {
        "zh-CN": "服务器内部错误，请联系管理员",
        "en-US": "Internal server error; please contact the administrator",
    },
    "common.csrf_failed": {
        "zh-CN": "请求校验失败，请刷新页面后重试",
        "en-US": "Request check failed; reload the page and try again",
    },
    "common.invalid_sort": {"zh-CN": "不支持的排序字段 {sort}", "en-US": "Cannot sort by {sort}"},
}


def register_messages(messages: dict[str, dict[str, str]]) -> None:
    """Add a module's message catalogue (called once from app wiring)."""
    for code, texts in messages.items():
        missing = [loc for loc in LOCALES if loc not in texts]
        if missing:
            raise ValueError(f"message {code} lacks {missing}")
        _catalog[code] = texts


def has_message(code: str) -> bool:
    """True when a code has catalogued text."""
    return code in _catalog


def negotiate_locale(accept_language: str | None) -> str:
    """Pick zh-CN or en-US from an Accept-Language header (zh-CN first)."""
    if not accept_language:
        return DEFAULT_LOCALE
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en-US"
        if tag.startswith("zh"):
            return "zh-CN"
    return DEFAULT_LOCALE


def translate(code: str, locale: str = DEFAULT_LOCALE, /, **params: Any) -> str:
    """Render a catalogued message; unknown codes render as the code itself."""
    # Positional-only: error params may themselves be called `code` or `locale` (plant.code_taken).
    texts = _catalog.get(code)
    if texts is None:
        return code
    text = texts.get(locale) or texts[DEFAULT_LOCALE]
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
