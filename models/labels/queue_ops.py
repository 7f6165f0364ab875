"""Labels of the OMS-style queue (selection, bulk actions, the order beside it) and of order-form checks."""

LABELS: dict[str, tuple[str, str]] = {
    "queue.empty": ("No exception matches these filters. Clear a filter (or 'My queue') to see more.",
                    "没有符合这些筛选条件的异常。清除某个筛选（或“我的队列”）以查看更多。"),
    "queue.select_hint": ("Tick rows (the box in the header selects all) to act on them below; the order of the "
                          "first ticked row opens beside the table.",
                          "勾选行（表头的复选框可全选）后在下方批量处理；第一条勾选行的订单显示在表格旁。"),
    "queue.selected": ("{n} selected", "已选 {n} 条"),
    "queue.none_selected": ("Nothing selected: tick at least one row in the table (or type its id above) "
                            "before Apply.",
                            "未选择任何异常：请先在表格中勾选至少一行（或在上方输入编号），再点提交。"),
    "queue.code_needed": ("Choose a resolution code to resolve.", "解决时请选择处理结果。"),
    "queue.note_needed": ("The resolution code “{code}” needs a note: say what was done.",
                          "处理结果“{code}”需要填写备注：请说明处理了什么。"),
    "queue.note_needed_for": ("A note is required for: {codes}.", "以下处理结果需要备注：{codes}。"),
    "queue.col.exception_id": ("Exception", "异常编号"),
    "queue.col.order": ("Order", "订单"),
    "queue.col.age_h": ("Age (h)", "时长（小时）"),
    "queue.col.due_at": ("Due", "截止时间"),
    "queue.col.overdue": ("Overdue", "逾期"),
    "queue.col.note": ("Note", "备注"),
    "queue.col.total": ("Total", "总数"),
    "queue.col.open": ("Open", "未关闭"),
    "queue.beside": ("Order {order_id}", "订单 {order_id}"),
    "queue.beside_hint": ("Tick a row to see its order here.", "勾选一行即可在此查看其订单。"),
    "queue.open_order": ("Open the full order", "打开完整订单"),
    "exc_status.open": ("Open", "待处理"),
    "exc_status.in_progress": ("In progress", "处理中"),
    "exc_status.resolved": ("Resolved", "已解决"),
    "exc_status.dismissed": ("Dismissed", "已忽略"),
}
