"""Every error code the video module raises is catalogued in zh-CN and en-US."""

from __future__ import annotations

import re
from pathlib import Path

from anguan.core.i18n import has_message, register_messages, translate
from anguan.video.locales import MESSAGES

SRC = Path(__file__).resolve().parents[2] / "src" / "anguan" / "video"


def test_every_video_code_has_both_messages() -> None:
    register_messages(MESSAGES)
    literal = re.compile(
        r"""(?:NotFound|Forbidden|Conflict|Unprocessable|BadRequest|Unavailable)\(\s*"(video\.[a-z_]+)"""
    )
    codes: set[str] = set()
    for path in SRC.glob("*.py"):
        codes |= set(literal.findall(path.read_text(encoding="utf-8")))
    codes |= {"video.bad_stream_url", "video.bad_snapshot_url"}  # chosen by field in service._check_url
    assert {
        "video.duplicate_code",
        "video.camera_not_found",
        "video.position_incomplete",
    } <= codes  # the scan works
    assert codes == set(MESSAGES)  # no message without a raiser either
    for code in sorted(codes):
        assert has_message(code), code
        zh, en = translate(code, "zh-CN"), translate(code, "en-US")
        assert zh != en and zh != code and en != code, code
