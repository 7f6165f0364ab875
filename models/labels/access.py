"""Labels of access scopes: what a scoped user is told, and the Users page's scope form."""

LABELS: dict[str, tuple[str, str]] = {
    "access.order_missing": ("Order {order_id} not found or not in your access.",
                             "订单 {order_id} 不存在，或不在你的访问范围内。"),
    "access.limited": ("You see only your access: {scope}.", "你只能看到访问范围内的数据：{scope}。"),
    "access.audit_limited": ("Only actions on orders in your access are listed ({scope}).",
                             "只列出你访问范围内订单的操作（{scope}）。"),
    "access.lake_wide": ("Lake-wide figure: shown to users without an access limit only.",
                         "全湖数据：仅对不受访问范围限制的用户显示。"),
    "access.snapshot_limited": ("The preview shows your access only ({scope}); the e-mail covers everything, so "
                                "only a user without an access limit may send it.",
                                "预览只包含你的访问范围（{scope}）；邮件包含全部数据，因此只有不受访问范围限制的用户可以发送。"),
    "access.everything": ("everything", "全部"),
    "access.title": ("Access scope", "访问范围"),
    "access.help": ("Limit a user to channels, shops and warehouses; leave a list empty for all of them. An order "
                    "not yet routed to a warehouse is outside a warehouse-limited scope until it is routed.",
                    "将用户限制在指定的渠道、店铺和仓库；列表留空表示全部。尚未分配仓库的订单，在分配之前不在按仓库限制的范围内。"),
    "access.channels": ("Channels", "渠道"),
    "access.shops": ("Shops", "店铺"),
    "access.warehouses": ("Warehouses", "仓库"),
    "access.save": ("Save access scope", "保存访问范围"),
    "access.column": ("Access", "访问范围"),
}
