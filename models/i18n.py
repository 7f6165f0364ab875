"""The one label catalogue: every text the console and the e-mail show, in English and Chinese.

Pages call `ui.t(key)`; the e-mail calls `label(key, lang)`. A test checks that every key used in the
code is here with both languages, so a missing translation fails the build, not the user.
"""

from __future__ import annotations

LANGS = ("en", "zh")

CATALOGUE: dict[str, tuple[str, str]] = {
    # frame
    "app.title": ("OrderHub", "OrderHub 订单中台"),
    "nav.monitor": ("Monitor", "监控"),
    "nav.operate": ("Operate", "运营"),
    "nav.analyze": ("Analyze", "分析"),
    "nav.admin": ("Admin", "管理"),
    "page.overview": ("Overview", "总览"),
    "page.channels": ("Channels", "渠道"),
    "sidebar.language": ("Language", "语言"),
    "sidebar.dates": ("Order dates", "下单日期"),
    "sidebar.channels": ("Channels", "渠道"),
    "sidebar.warehouses": ("Warehouses", "仓库"),
    "sidebar.all": ("All", "全部"),
    "sidebar.data_as_of": ("Data as of {ts}", "数据更新至 {ts}"),
    "sidebar.no_data": ("No data in the lake yet: run `make run` or `python -m ingest demo`.",
                        "数据湖暂无数据：请运行 `make run` 或 `python -m ingest demo`。"),
    "sidebar.demo": ("Demo data: generated, not real orders", "演示数据：系统生成，非真实订单"),
    "sidebar.problems": ("{n} lake file(s) unreadable and left out; see the Data quality page.",
                         "{n} 个数据文件无法读取，已跳过；详见数据质量页面。"),
    "sidebar.bad_range": ("The end date is before the start date.", "结束日期早于开始日期。"),
    # KPIs
    "kpi.orders": ("Orders", "订单数"),
    "kpi.gmv_cents": ("GMV", "成交额"),
    "kpi.lead_time_median_h": ("Paid→shipped, median", "付款→发货 中位时长"),
    "kpi.lead_time_p90_h": ("Paid→shipped, p90", "付款→发货 P90"),
    "kpi.on_time_rate": ("On-time ship rate", "准时发货率"),
    "kpi.fulfillment_accuracy": ("Fulfillment accuracy", "履约准确率"),
    "kpi.manual_rate": ("Manual intervention", "人工干预率"),
    "kpi.target_max": ("target ≤ {target}", "目标 ≤ {target}"),
    "kpi.target_min": ("target ≥ {target}", "目标 ≥ {target}"),
    "kpi.vs_last": ("vs previous period", "较上一周期"),
    "kpi.negative_durations": ("{n} order(s) with impossible durations left out of the figures.",
                               "{n} 个订单存在时间倒序，已从指标中剔除。"),
    # overview
    "overview.title": ("Overview", "总览"),
    "overview.caption": ("Orders placed {start} – {end}, compared with the {days} days before.",
                         "下单日期 {start} – {end}，与之前 {days} 天对比。"),
    "overview.daily_orders": ("Daily orders by channel", "各渠道每日订单"),
    "overview.lead_trend": ("Paid→shipped lead time against target", "付款→发货时长与目标"),
    "overview.top_exceptions": ("Top exception types", "主要异常类型"),
    "overview.stages": ("Time in each stage", "各环节耗时"),
    "overview.empty": ("No orders match these filters. Widen the dates or clear the channel filter.",
                       "没有符合筛选条件的订单。请扩大日期范围或清除渠道筛选。"),
    "chart.day": ("Day", "日期"),
    "chart.orders": ("Orders", "订单数"),
    "chart.hours": ("Hours", "小时"),
    "chart.median": ("Median", "中位数"),
    "chart.p90": ("p90", "P90"),
    "chart.target": ("Target", "目标"),
    "chart.type": ("Type", "类型"),
    "chart.raised": ("Raised", "发生数"),
    "chart.open": ("Open", "未关闭"),
    "chart.stage": ("Stage", "环节"),
    "chart.channel": ("Channel", "渠道"),
    # exception types
    "exc.address_invalid": ("Address invalid", "地址无效"),
    "exc.out_of_stock": ("Out of stock", "缺货"),
    "exc.payment_failed": ("Payment failed", "支付失败"),
    "exc.unmapped_status": ("Unmapped status", "未映射状态"),
    "exc.sync_failure": ("Sync / quarantine failure", "同步/隔离失败"),
    "exc.gift_missing": ("Gift missing", "赠品缺失"),
    "exc.manual_review": ("Manual review (risk)", "人工审核（风控）"),
    "exc.sla_breach": ("SLA breach", "超时"),
    "exc.oversell": ("Oversell", "超卖"),
    "exc.duplicate_order": ("Duplicate order", "重复订单"),
    "exc.carrier_rejected": ("Carrier rejected", "承运商拒收"),
    "exc.wrong_item": ("Wrong item", "错发"),
    "exc.missing_item": ("Missing item", "漏发"),
    "exc.capacity": ("Capacity alert", "产能预警"),
}


def label(key: str, lang: str = "en", **values: object) -> str:
    """The label in the language, with {placeholders} filled; an unknown key shows itself, visibly."""
    pair = CATALOGUE.get(key)
    text = key if pair is None else pair[0 if lang == "en" else 1]
    return text.format(**values) if values else text


def exception_label(exc_type: str, lang: str = "en") -> str:
    key = f"exc.{exc_type}"
    return label(key, lang) if key in CATALOGUE else exc_type
