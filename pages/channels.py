"""Channels: is every shop's order feed flowing? Last successful pull, lag, counts, errors, pauses."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from ingest.pipeline import resume
from ingest.state import Paused
from models.channel_health import channel_health, recent_errors
from models.channels import channel_name
from models.db import connect
from ui import frame

frame.ensure()

LANG = st.session_state.get("lang", "en")
T = {
    "en": {
        "title": "Channels",
        "empty": "No pulls yet: start `python -m ingest serve` or run `python -m ingest run`.",
        "paused": "paused",
        "resume": "Resume",
        "errors": "Recent errors",
        "none": "No errors recorded.",
        "resumed": "Resumed; the next scheduled pull will run it.",
        "since": "since",
        "lag": "Lag (min)",
        "last_ok": "Last successful pull",
        "state": "State",
    },
    "zh": {
        "title": "渠道",
        "empty": "还没有拉取记录：请启动 `python -m ingest serve` 或运行 `python -m ingest run`。",
        "paused": "已暂停",
        "resume": "恢复",
        "errors": "最近错误",
        "none": "没有错误记录。",
        "resumed": "已恢复，下一次定时拉取会继续。",
        "since": "自",
        "lag": "延迟（分钟）",
        "last_ok": "最近成功拉取",
        "state": "状态",
    },
}[LANG if LANG in ("en", "zh") else "en"]

st.title(T["title"])
con = connect()
try:
    health = channel_health(con, datetime.now(UTC))
    errors = recent_errors(con)
finally:
    con.close()
paused = Paused(con.settings.data_dir).all()

if health.empty and not paused:
    st.info(T["empty"])
else:
    health["channel_name"] = [channel_name(c, LANG) for c in health["channel"]]
    health["state"] = [
        T["paused"] if f"{c}/{s}" in paused else r
        for c, s, r in zip(health["channel"], health["shop_id"], health["last_outcome"], strict=True)
    ]
    st.dataframe(
        health[
            [
                "channel_name",
                "shop_id",
                "state",
                "last_success_at",
                "lag_minutes",
                "fetched",
                "new",
                "updated",
                "rejected",
                "quarantined",
                "failed_runs_24h",
                "http_errors_24h",
            ]
        ],
        key="channels-health",
        hide_index=True,
        use_container_width=True,
        column_config={
            "lag_minutes": st.column_config.NumberColumn(T["lag"]),
            "last_success_at": st.column_config.DatetimeColumn(T["last_ok"]),
            "state": st.column_config.TextColumn(T["state"]),
        },
    )

for key, info in sorted(paused.items()):
    channel, _, shop = key.partition("/")
    with st.container(border=True):
        st.warning(
            f"**{channel_name(channel, LANG)} / {shop}**: {T['paused']} {T['since']} "
            f"{info.get('since', '?')}. {info.get('reason', '')}",
            icon=":material/pause_circle:",
        )
        if st.button(T["resume"], key=f"resume-{key}", icon=":material/play_arrow:"):
            resume(channel, shop, st.session_state.get("user", "console"), settings=con.settings)
            st.success(T["resumed"])
            st.rerun()

st.subheader(T["errors"])
if errors.empty:
    st.caption(T["none"])
else:
    st.dataframe(errors, key="channels-errors", hide_index=True, use_container_width=True)
