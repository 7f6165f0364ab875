"""Channels: is every shop's order feed flowing? Last successful pull, lag, counts, errors, pauses."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from models import channel_state
from models.channel_health import channel_health, recent_errors, visible_feeds
from models.channels import channel_name
from models.tokens import expiry_table
from ui import data, frame, lang, t, tables
from ui.access import current_access
from ui.auth import current_user
from ui.text import plain

frame.ensure()

COLUMNS = {"channel_name": "col_channel", "shop_id": "col_shop", "state": "col_state",
           "last_success_at": "col_last_ok", "lag_minutes": "col_lag", "fetched": "col_fetched", "new": "col_new",
           "updated": "col_updated", "rejected": "col_rejected", "quarantined": "col_quarantined",
           "failed_runs_24h": "col_failed_24h", "http_errors_24h": "col_http_24h"}
RESUMED = "channels_resumed"  # (label key, channel, shop) of the last Resume click, shown once


def resume(channel: str, shop: str) -> None:
    """The Resume button's callback: it runs before the rerun, so a feed someone else resumed meanwhile (gone
    from the list by then) is reported as such instead of vanishing without a word."""
    done = channel_state.resume(data.settings(), current_user(), channel, shop)
    st.session_state[RESUMED] = ("channels.resumed" if done else "channels.not_paused", channel, shop)


TOKEN_COLUMNS = {"channel": "col_channel", "shop_id": "col_shop", "access_expires_at": "col_access_expires",
                 "refresh_expires_at": "col_refresh_expires", "obtained_at": "col_obtained",
                 "obtained_by": "col_obtained_by"}

st.title(t("channels.title"))
if note := st.session_state.pop(RESUMED, None):
    key, channel, shop = note
    (st.success if key == "channels.resumed" else st.info)(
        t(key, channel=plain(channel_name(channel, lang())), shop=plain(shop)))
db = data.db()
if problem := channel_state.config_problem(db.settings):  # ingest's last reading of channels.toml failed
    st.error(t("channels.config_error", error=plain(problem, limit=None)))
access = current_access()  # only the feeds of the user's channels and shops
health, errors = (visible_feeds(f, access) for f in (channel_health(db, datetime.now(UTC)), recent_errors(db)))
paused = {k: v for k, v in channel_state.paused(db.settings).items() if access.sees_feed(*k.split("/", 1))}
user = current_user()

if health.empty and not paused:
    st.info(t("channels.empty"))
else:
    health["channel_name"] = [channel_name(c, lang()) for c in health["channel"]]
    health["state"] = [t("channels.paused") if f"{c}/{s}" in paused else t("channels.stale") if stale else r
                       for c, s, r, stale in zip(health["channel"], health["shop_id"], health["last_outcome"],
                                                 health["stale"], strict=True)]
    tables.table(health[list(COLUMNS)], key="channels-health", hide_index=True, use_container_width=True,
                 column_config={c: t(f"channels.{k}") for c, k in COLUMNS.items()})

for key, info in sorted(paused.items()):
    channel, _, shop = key.partition("/")
    with st.container(border=True):
        st.warning(t("channels.paused_since", channel=plain(channel_name(channel, lang())), shop=plain(shop),
                     since=plain(info.get("since", "?")), reason=plain(info.get("reason", ""))),
                   icon=":material/pause_circle:")
        if channel_state.may_resume(user, channel, shop):
            st.button(t("channels.resume"), key=f"resume-{key}", icon=":material/play_arrow:", on_click=resume,
                      args=(channel, shop))

tokens = visible_feeds(expiry_table(db.settings.data_dir), access)  # expiry times only, never a token
if not tokens.empty:
    st.subheader(t("channels.tokens"))
    st.caption(t("channels.tokens_help"))
    tables.table(tokens, key="channels-tokens", hide_index=True, use_container_width=True,
                 column_config={c: t(f"channels.{k}") for c, k in TOKEN_COLUMNS.items()})

st.subheader(t("channels.errors"))
st.caption(t("channels.errors_vs_quality"))
if errors.empty:
    st.caption(t("channels.none"))
else:
    tables.table(errors, key="channels-errors", hide_index=True, use_container_width=True)
