"""Labels of sign-in limits, session ends, page permissions and the page error message."""

LABELS: dict[str, tuple[str, str]] = {
    "auth.locked": ("Too many failed sign-ins for this user: try again in {minutes} minute(s), or ask an admin "
                    "to reset your password (that ends the lock at once).",
                    "该用户登录失败次数过多：请 {minutes} 分钟后再试，或请管理员重置密码（重置后立即解锁）。"),
    "auth.throttled": ("Too many failed sign-ins from this address: try again in {minutes} minute(s).",
                       "此地址登录失败次数过多：请 {minutes} 分钟后再试。"),
    "auth.changed": ("You were signed out because your password was reset or your account was removed. "
                     "Sign in again.",
                     "由于密码已重置或账号已删除，您已退出登录。请重新登录。"),
    "auth.expired": ("You were signed out after a period without activity. Sign in again.",
                     "由于长时间未操作，您已退出登录。请重新登录。"),
    "perm.view_recipients": ("see the snapshot recipients and alert deliveries", "查看快照收件人和告警投递"),
    "error.page": ("This page failed (error id {error_id}). The details are in the server log; "
                   "give an admin the error id.",
                   "页面出错（错误编号 {error_id}）。详情已记录在服务器日志中；请把错误编号告诉管理员。"),
}
