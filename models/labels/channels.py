"""Labels of the Channels page."""

LABELS: dict[str, tuple[str, str]] = {
    "channels.title": ("Channels", "渠道"),
    "channels.empty": ("No pulls yet: start `python -m ingest serve` or run `python -m ingest run`.",
                       "还没有拉取记录：请启动 `python -m ingest serve` 或运行 `python -m ingest run`。"),
    "channels.paused": ("paused", "已暂停"),
    "channels.paused_since": ("**{channel} / {shop}** paused since {since}. {reason}",
                              "**{channel} / {shop}** 自 {since} 起暂停。{reason}"),
    "channels.resume": ("Resume", "恢复"),
    "channels.resumed": ("Resumed; the next scheduled pull will run it.", "已恢复，下一次定时拉取会继续。"),
    "channels.not_paused": ("{channel} / {shop} was no longer paused (someone resumed it already): nothing changed. "
                            "Reload the page to see its state.",
                            "{channel} / {shop} 已不再暂停（已有人恢复）：未做任何更改。请刷新页面查看其状态。"),
    "channels.errors": ("Recent errors", "最近错误"),
    "channels.none": ("No errors recorded.", "没有错误记录。"),
    "channels.col_channel": ("Channel", "渠道"),
    "channels.col_shop": ("Shop", "店铺"),
    "channels.col_state": ("State", "状态"),
    "channels.col_last_ok": ("Last successful pull", "最近成功拉取"),
    "channels.col_lag": ("Lag (min)", "延迟（分钟）"),
    "channels.col_fetched": ("Fetched", "拉取"),
    "channels.col_new": ("New", "新增"),
    "channels.col_updated": ("Updated", "更新"),
    "channels.col_rejected": ("Rejected", "拒收"),
    "channels.col_quarantined": ("Quarantined", "隔离"),
    "channels.col_failed_24h": ("Failed runs (24 h)", "失败次数（24 小时）"),
    "channels.col_http_24h": ("HTTP errors (24 h)", "HTTP 错误（24 小时）"),
    "channels.tokens": ("Access tokens", "访问令牌"),
    "channels.tokens_help": ("Refreshed automatically before they expire. When a channel is paused for "
                             "re-authorizing, run `python -m ingest authorize --channel C --shop S`, then Resume.",
                             "令牌会在过期前自动刷新。若渠道因需要重新授权而暂停，请运行 "
                             "`python -m ingest authorize --channel C --shop S`，然后点击恢复。"),
    "channels.col_access_expires": ("Access token expires", "访问令牌到期"),
    "channels.col_refresh_expires": ("Refresh token expires", "刷新令牌到期"),
    "channels.col_obtained": ("Obtained", "获取时间"),
    "channels.col_obtained_by": ("By", "方式"),
}
