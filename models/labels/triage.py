"""Labels of the login, the triage console (queue, order detail, audit) and the Admin pages."""

LABELS: dict[str, tuple[str, str]] = {
    # login and roles
    "auth.title": ("Sign in to OrderHub", "登录 OrderHub"),
    "auth.name": ("User name", "用户名"),
    "auth.password": ("Password", "密码"),
    "auth.submit": ("Sign in", "登录"),
    "auth.oidc": ("Sign in with your company account", "使用公司账号登录"),
    "auth.oidc_unknown": ("{email} has no OrderHub role yet: ask an admin to add this address as a user.",
                          "{email} 尚未分配 OrderHub 角色：请联系管理员将该邮箱添加为用户。"),
    "auth.failed": ("Wrong user name or password.", "用户名或密码错误。"),
    "auth.signed_in": ("Signed in as {name} ({role})", "当前用户 {name}（{role}）"),
    "auth.logout": ("Sign out", "退出登录"),
    "auth.denied": ("Your role ({role}) cannot {action}. Ask an admin if you need it.",
                    "您的角色（{role}）无权{action}。如需权限请联系管理员。"),
    "role.viewer": ("viewer", "只读"),
    "role.ops": ("ops", "运营"),
    "role.admin": ("admin", "管理员"),
    "perm.view": ("view this page", "查看此页面"),
    "perm.view_pii": ("see receiver details", "查看收件人信息"),
    "perm.view_audit": ("open the audit trail", "查看审计记录"),
    "perm.triage": ("edit exceptions and orders", "编辑异常和订单"),
    "perm.edit_rules": ("edit the rules", "编辑规则"),
    "perm.manage_users": ("manage users", "管理用户"),
    "perm.export": ("export data", "导出数据"),
    # pages
    "page.queue": ("Exception queue", "异常队列"),
    "page.order": ("Order detail", "订单详情"),
    "page.audit": ("Audit trail", "审计记录"),
    "page.rules": ("Rules", "规则"),
    "page.users": ("Users", "用户"),
}
