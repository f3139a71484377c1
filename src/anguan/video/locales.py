"""Messages of the video module (zh-CN source, en-US)."""

MESSAGES: dict[str, dict[str, str]] = {
    "video.camera_not_found": {"zh-CN": "摄像机不存在", "en-US": "Camera not found"},
    "video.site_not_found": {"zh-CN": "厂区不存在", "en-US": "Site not found"},
    "video.area_not_found": {"zh-CN": "区域不存在", "en-US": "Area not found"},
    "video.area_not_in_site": {
        "zh-CN": "区域 {area} 不属于厂区 {site}",
        "en-US": "Area {area} is not in site {site}",
    },
    "video.duplicate_code": {"zh-CN": "摄像机编码 {code} 已存在", "en-US": "Camera code {code} is taken"},
    "video.bad_stream_url": {
        "zh-CN": "视频流地址无效：须为 {schemes} 地址且包含主机名",
        "en-US": "Invalid stream URL: it must be a {schemes} URL with a host",
    },
    "video.bad_snapshot_url": {
        "zh-CN": "抓图地址无效：须为 {schemes} 地址且包含主机名",
        "en-US": "Invalid snapshot URL: it must be a {schemes} URL with a host",
    },
    "video.url_has_credentials": {
        "zh-CN": "地址中不能包含用户名或密码（所有可查看台账的人都能看到），请通过视频平台/流媒体网关发布",
        "en-US": "The URL must not carry a user name or password (every registry reader would see it); "
        "publish the camera through a video platform or media gateway",
    },
    "video.no_snapshot": {
        "zh-CN": "该摄像机没有配置抓图地址",
        "en-US": "This camera has no snapshot URL",
    },
    "video.snapshot_unavailable": {
        "zh-CN": "摄像机抓图暂不可用（{status}），请检查摄像机或录像机网络",
        "en-US": "The camera's snapshot is not available ({status}); check the camera or NVR network",
    },
    "video.position_incomplete": {
        "zh-CN": "位置须同时填写 X 和 Y",
        "en-US": "A position needs both X and Y",
    },
    "video.position_outside_site": {
        "zh-CN": "位置 ({x}, {y}) 超出厂区范围（0–{width} m × 0–{height} m）",
        "en-US": "Position ({x}, {y}) is outside the site (0–{width} m × 0–{height} m)",
    },
    "video.sector_incomplete": {
        "zh-CN": "朝向与视场角须同时填写（云台摄像机两者都不填）",
        "en-US": "Heading and field of view go together (leave both empty for a PTZ camera)",
    },
}
