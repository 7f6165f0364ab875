"""Channels: is every shop's order feed flowing? Last successful pull, lag, counts, errors, pauses."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from ingest.config import load_channels
from ingest.pipeline import resume
from ingest.state import Paused
from models.channel_health import channel_health, recent_errors, visible_feeds
from models.channels import channel_name
from models.settings import ConfigError
from ui import data, frame, lang, t
from ui.access import current_access
from ui.auth import current_user
from ui.text import plain

frame.ensure()

COLUMNS = {"channel_name": "col_channel", "shop_id": "col_shop", "state": "col_state",
           "last_success_at": "col_last_ok", "lag_minutes": "col_lag", "fetched": "col_fetched", "new": "col_new",
           "updated": "col_updated", "rejected": "col_rejected", "quarantined": "col_quarantined",
           "failed_runs_24h": "col_failed_24h", "http_errors_24h": "col_http_24h"}

st.title(t("channels.title"))
db = data.db()
try:  # a typo in channels.toml is shown here (file, key, closest name), not as a traceback
    load_channels(db.settings)
except ConfigError as exc:
    st.error(t("channels.config_error", error=plain(exc, limit=None)))
access = current_access()  # only the feeds of the user's channels and shops
health, errors = (visible_feeds(f, access) for f in (channel_health(db, datetime.now(UTC)), recent_errors(db)))
paused = {k: v for k, v in Paused(db.settings.data_dir).all().items() if access.sees_feed(*k.split("/", 1))}
user = current_user()

if health.empty and not paused:
    st.info(t("channels.empty"))
else:
    health["channel_name"] = [channel_name(c, lang()) for c in health["channel"]]
    health["state"] = [t("channels.paused") if f"{c}/{s}" in paused else r
                       for c, s, r in zip(health["channel"], health["shop_id"], health["last_outcome"], strict=True)]
    st.dataframe(health[list(COLUMNS)], key="channels-health", hide_index=True, use_container_width=True,
                 column_config={c: t(f"channels.{k}") for c, k in COLUMNS.items()})

for key, info in sorted(paused.items()):
    channel, _, shop = key.partition("/")
    with st.container(border=True):
        st.warning(t("channels.paused_since", channel=plain(channel_name(channel, lang())), shop=plain(shop),
                     since=plain(info.get("since", "?")), reason=plain(info.get("reason", ""))),
                   icon=":material/pause_circle:")
        may_resume = user and user.can("triage") and access.covers_feed(channel, shop)  # a whole feed
        if may_resume and st.button(t("channels.resume"), key=f"resume-{key}", icon=":material/play_arrow:"):
            resume(channel, shop, user.name, role=user.role, settings=db.settings)
            st.success(t("channels.resumed"))
            st.rerun()

st.subheader(t("channels.errors"))
if errors.empty:
    st.caption(t("channels.none"))
else:
    st.dataframe(errors, key="channels-errors", hide_index=True, use_container_width=True)
