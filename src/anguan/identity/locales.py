"""Messages of the identity module (zh-CN source, en-US)."""

MESSAGES: dict[str, dict[str, str]] = {
    "identity.invalid_credentials": {"zh-CN": "用户名或密码错误", "en-US": "Wrong username or password"},
    "identity.account_locked": {
        "zh-CN": "登录失败次数过多，账号已锁定至 {until}",
        "en-US": "Too many failed sign-ins; the account is locked until {until}",
    },
    "identity.totp_required": {"zh-CN": "请输入动态验证码", "en-US": "Enter your one-time code"},
    "identity.totp_invalid": {"zh-CN": "动态验证码不正确", "en-US": "The one-time code is not correct"},
    "identity.session_invalid": {
        "zh-CN": "会话无效，请重新登录",
        "en-US": "Session not valid; sign in again",
    },
    "identity.session_expired": {
        "zh-CN": "会话已超时，请重新登录",
        "en-US": "Your session has timed out; sign in again",
    },
    "identity.weak_password": {
        "zh-CN": "密码不符合安全策略：至少 {min_length} 位，包含大写、小写、数字、符号中的三类，且不含用户名、不与近期密码重复",
        "en-US": "The password breaks the policy: at least {min_length} characters, three of upper case, "
        "lower case, digits and symbols, without the username, not a recent password",
    },
    "identity.bad_old_password": {"zh-CN": "原密码不正确", "en-US": "The current password is not correct"},
    "identity.user_not_found": {"zh-CN": "用户不存在", "en-US": "User not found"},
    "identity.username_taken": {"zh-CN": "用户名 {username} 已存在", "en-US": "Username {username} is taken"},
    "identity.out_of_scope": {
        "zh-CN": "该数据不在您的数据权限范围内",
        "en-US": "This data is outside your data scope",
    },
    "identity.unknown_department": {"zh-CN": "部门不存在", "en-US": "Unknown department"},
    "identity.unknown_role": {"zh-CN": "角色不存在：{roles}", "en-US": "Unknown roles: {roles}"},
    "identity.unknown_permission": {
        "zh-CN": "权限编码不存在：{permissions}",
        "en-US": "Unknown permission codes: {permissions}",
    },
    "identity.unknown_scope_target": {
        "zh-CN": "数据权限对象不存在：{kind} {id}",
        "en-US": "Data-scope target does not exist: {kind} {id}",
    },
    "identity.separation_of_duties": {
        "zh-CN": "违反三员分立：系统管理员、安全管理员、审计管理员职责不得由同一账号或角色兼任",
        "en-US": "Separation of duties: system, security and audit administration may not be combined",
    },
    "identity.cannot_change_own_roles": {
        "zh-CN": "不能修改自己的角色，也不能修改或删除自己所持有的角色",
        "en-US": "You cannot change your own roles, nor edit or delete a role you hold",
    },
    "identity.password_change_required": {
        "zh-CN": "请先修改密码后再继续操作",
        "en-US": "Change your password before you continue",
    },
    "identity.totp_already_enabled": {
        "zh-CN": "动态验证码已启用，请先停用再重新绑定",
        "en-US": "Two-factor sign-in is already on; turn it off before enrolling again",
    },
    "identity.totp_not_enabled": {
        "zh-CN": "动态验证码未启用",
        "en-US": "Two-factor sign-in is not on",
    },
    "identity.totp_setup_required": {
        "zh-CN": "请先获取新的动态验证码密钥，再输入验证码确认",
        "en-US": "Start the set-up first, then confirm with a code from the authenticator",
    },
    "identity.cannot_disable_self": {
        "zh-CN": "不能停用自己的账号",
        "en-US": "You cannot disable your own account",
    },
    "identity.role_exists": {"zh-CN": "角色编码 {code} 已存在", "en-US": "Role {code} already exists"},
    "identity.role_not_found": {"zh-CN": "角色不存在", "en-US": "Role not found"},
    "identity.builtin_role": {"zh-CN": "内置角色不可修改或删除", "en-US": "Built-in roles cannot be changed"},
    "identity.role_in_use": {"zh-CN": "角色仍有用户在用", "en-US": "The role is still held by users"},
    "identity.cannot_reset_own_totp": {
        "zh-CN": "不能重置自己的动态验证码",
        "en-US": "You cannot reset your own second factor",
    },
    "access.denied": {"zh-CN": "访问被拒绝", "en-US": "Access denied"},
}
