"""Messages of the plant module (zh-CN source, en-US)."""

MESSAGES: dict[str, dict[str, str]] = {
    "plant.enterprise_missing": {
        "zh-CN": "尚未登记企业信息",
        "en-US": "The enterprise is not registered yet",
    },
    "plant.invalid_uscc": {
        "zh-CN": "统一社会信用代码 {uscc} 校验不通过",
        "en-US": "Unified social credit code {uscc} fails its check digit",
    },
    "plant.site_not_found": {"zh-CN": "厂区不存在", "en-US": "Site not found"},
    "plant.area_not_found": {"zh-CN": "区域不存在", "en-US": "Area not found"},
    "plant.department_not_found": {"zh-CN": "部门不存在", "en-US": "Department not found"},
    "plant.department_cycle": {"zh-CN": "部门层级不能形成循环", "en-US": "Departments cannot form a cycle"},
    "plant.code_taken": {"zh-CN": "编码 {code} 已被使用", "en-US": "Code {code} is already used"},
    "plant.invalid_polygon": {
        "zh-CN": "区域边界无效：{problems}",
        "en-US": "The area outline is not valid: {problems}",
    },
    "plant.outside_parent": {
        "zh-CN": "子区域必须位于上级区域 {code} 的边界之内",
        "en-US": "A sub-area must lie within its parent area {code}",
    },
    "plant.children_outside": {
        "zh-CN": "修改后的边界会使子区域 {codes} 落在区域之外",
        "en-US": "The new outline would leave sub-areas {codes} outside",
    },
    "plant.site_too_small": {
        "zh-CN": "缩小后的图纸范围会使 {codes} 落在厂区之外",
        "en-US": "The smaller drawing would leave {codes} outside the site",
    },
    "plant.bad_parent": {"zh-CN": "上级区域无效", "en-US": "The parent area is not valid"},
    "plant.area_has_children": {"zh-CN": "区域下还有子区域", "en-US": "The area still has sub-areas"},
    "plant.outside_site": {
        "zh-CN": "位置在厂区图纸范围之外",
        "en-US": "The position lies outside the site drawing",
    },
    "plant.bad_drawing": {
        "zh-CN": "图纸须为 SVG、PNG 或 JPEG 文件",
        "en-US": "The drawing must be an SVG, PNG or JPEG file",
    },
    "plant.no_drawing": {"zh-CN": "该厂区尚无图纸", "en-US": "The site has no drawing"},
}
