"""Labels of the duty banner (new trouble on every page), exception explanations and figure notes."""

LABELS: dict[str, tuple[str, str]] = {
    # the banner on every page (ui/duty.py)
    "duty.headline": ("Open exceptions: {open} · overdue: {overdue} · new alerts: {alerts}",
                      "{open} 个未结异常 · {overdue} 个已超时 · {alerts} 条新告警"),
    "duty.open_queue": ("Open the queue", "打开异常队列"),
    "duty.overdue_queue": ("Show the overdue", "查看超时异常"),
    "duty.alerts": ("New alerts ({n})", "新告警（{n}）"),
    "duty.ack": ("Acknowledge", "确认"),
    "duty.acked": ("Acknowledged", "已确认"),
    "duty.already": ("Already acknowledged by {who}", "已由 {who} 确认"),
    "duty.gone": ("This alert is no longer open", "该告警已不再有效"),
    "duty.kind.capacity": ("Capacity", "产能"),
    "duty.kind.sla": ("Overdue exceptions", "超时异常"),
    "duty.kind.paused": ("Channel paused", "渠道已暂停"),
    "duty.kind.failed": ("Channel pull failed", "渠道拉取失败"),
    # figures that agree (issue #16 item 7)
    "overview.partial": ("Today ({today}) is not over: the cards, charts and changes cover complete days only. "
                         "Today so far: {orders} orders.",
                         "今天（{today}）尚未结束：卡片、图表和环比只统计完整的日子。今天到目前为止：{orders} 单。"),
    "overview.lead_open": ("Each day's lead time counts the orders that shipped. Paid but not shipped yet (not in "
                           "the figure until they ship): {days}.",
                           "每日时长只统计已发货的订单。已付款未发货（发货后才计入）：{days}。"),
    "overview.lead_all_shipped": ("Each day's lead time counts the orders that shipped; every paid order of these "
                                  "days has shipped.", "每日时长只统计已发货的订单；这些日子的已付款订单均已发货。"),
    "exceptions.states_add_up": ("Each exception raised is now in exactly one state: raised = open + resolved "
                                 "(by a person) + auto-closed (its rule stopped matching) + dismissed + other.",
                                 "每个异常当前只处于一种状态：发现数 = 未结 + 已解决（人工）+ 自动关闭（规则不再命中）"
                                 "+ 已忽略 + 其他。"),
    "exceptions.col.type": ("Type", "类型"),
    "exceptions.col.raised": ("Raised", "发现"),
    "exceptions.col.open": ("Open", "未结"),
    "exceptions.col.resolved": ("Resolved", "已解决"),
    "exceptions.col.auto_closed": ("Auto-closed", "自动关闭"),
    "exceptions.col.dismissed": ("Dismissed", "已忽略"),
    "exceptions.col.other": ("Other", "其他"),
    "exceptions.col.mttr_h": ("Mean hours to resolve", "平均解决小时数"),
    "channels.stale": ("stale (over 1 h behind)", "滞后（超过 1 小时）"),
    "channels.errors_vs_quality": ("Failed pulls of a whole feed. Orders that failed to sync one by one are counted "
                                   "as sync failures on the Data quality page.",
                                   "整个店铺拉取失败的记录。单个订单同步失败计入“数据质量”页的同步失败。"),
    "quality.sync_vs_pulls": ("Sync failures are orders with a sync-failure exception raised in these dates. Failed "
                              "pulls of a whole feed in these dates: {pulls} (listed on the Channels page).",
                              "同步失败是这些日期内出现同步失败异常的订单。同期整个店铺拉取失败：{pulls} 次"
                              "（见“渠道”页）。"),
    "capacity.oldest_vs_clear": ("Hours to clear: the orders waiting ÷ the warehouse's hourly capacity, how long "
                                 "the queue takes from now at full speed. Oldest: hours since the longest-waiting "
                                 "order was paid, how long someone has already waited. A short queue can still "
                                 "hold one very old order.",
                                 "清空时长：等待订单数 ÷ 仓库每小时产能，即从现在起全速处理完队列需要的时间。"
                                 "最久等待：等待最久的订单自付款以来的小时数。队列很短也可能有一单等了很久。"),
    "flow.within_vs_on_time": ("Shipped within {target} h compares paid→shipped with the lead-time target. The "
                               "Overview's on-time ship rate compares shipping with each platform's ship-by time "
                               "(usually 24–48 h after payment), so it is the higher of the two.",
                               "{target} 小时内发货比较付款→发货时长与内部目标；总览的准时发货率比较发货时间与"
                               "平台要求的发货时限（通常付款后 24–48 小时），因此后者更高。"),
    # rule names (models/rule_names.py)
    "rule.routing_stock": ("No warehouse has every line in stock (routing)", "没有仓库能备齐全部商品（分仓）"),
    "rule.carrier_code": ("Carrier status code not in the status map", "承运商状态码不在映射表中"),
    "rule.inventory": ("Stock could not cover the order, or its listing maps to no SKU (inventory)",
                       "库存不足以覆盖订单，或商品链接未对应任何 SKU（库存）"),
    "rule.writeback": ("The platform refused the shipment confirmation", "平台拒绝了发货回传"),
    "rule.retired": ("{rule_id} (no longer in the rule set)", "{rule_id}（已不在规则集中）"),
    "rule.no_rule": ("No rule: raised by {source}", "无规则：由{source}发现"),
    "rule.unknown_source": ("an unknown source", "未知来源"),
    "rule.why_missing": ("not recorded", "未记录"),
    # the order page's exception and rule-hit columns (ui/explain.py)
    "explain.exception_id": ("Exception", "异常编号"),
    "explain.type": ("Type", "类型"),
    "explain.status": ("Status", "状态"),
    "explain.rule": ("Rule", "规则"),
    "explain.why": ("Why (the values the rule read; times UTC)", "原因（规则读取的值；时间为 UTC）"),
    "col.why": ("Why (the values the rule read; times UTC)", "原因（规则读取的值；时间为 UTC）"),
    "explain.detected_at": ("Detected", "发现时间"),
    "explain.due_at": ("Due", "截止时间"),
    "explain.resolution_code": ("Resolution", "处理结果"),
    "explain.assignee": ("Assignee", "处理人"),
    "explain.note": ("Note", "备注"),
    "explain.outcome": ("Outcome", "结果"),
    "explain.evaluated_at": ("Evaluated", "评估时间"),
    "source.ingest": ("Import", "导入"),
    "source.rules": ("Rules", "规则"),
    "source.events": ("Warehouse/carrier events", "仓库/承运商事件"),
    "source.writeback": ("Shipment write-back", "发货回传"),
}
