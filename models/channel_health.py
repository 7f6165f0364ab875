"""Channel pull health for the Channels page: one row per (channel, shop) from `channel_runs`, and errors.

SQL lives here, not in the page. Paused state is not in the lake (it is `<data>/state/paused.json`,
owned by ingest) and is joined in by the caller.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from models.access import Access
from models.db import LakeConnection

HEALTH_SQL = """
with ranked as (
    select *, row_number() over (partition by channel, shop_id order by started_at desc) as rn
    from channel_runs
), ok as (
    select channel, shop_id, max(finished_at) as last_success_at, max(watermark) as watermark
    from channel_runs where outcome = 'ok' group by channel, shop_id
), day as (
    select channel, shop_id, count(*) filter (where pull_failed(outcome)) as failed_runs_24h,
           sum(http_errors) as http_errors_24h
    from channel_runs where started_at >= $now - interval 24 hour group by channel, shop_id
)
select r.channel, r.shop_id, ok.last_success_at,
       date_diff('minute', ok.watermark, $now) as lag_minutes,
       feed_stale(date_diff('minute', ok.watermark, $now)) as stale,
       r.started_at as last_run_at, r.outcome as last_outcome,
       r.fetched, r.new, r.updated, r.rejected, r.quarantined,
       coalesce(day.failed_runs_24h, 0) as failed_runs_24h,
       coalesce(day.http_errors_24h, 0) as http_errors_24h,
       r.error as last_error
from ranked r
left join ok using (channel, shop_id)
left join day using (channel, shop_id)
where r.rn = 1
order by r.channel, r.shop_id
"""

ERRORS_SQL = """
select started_at, channel, shop_id, outcome, http_errors, quarantined, rejected, error
from channel_runs
where pull_failed(outcome)
order by started_at desc
limit $limit
"""


def channel_health(con: LakeConnection, now: datetime) -> pd.DataFrame:
    """Latest run per (channel, shop): last successful pull, lag behind now, counts, 24 h failures."""
    return con.sql(HEALTH_SQL, {"now": now}).df()


def recent_errors(con: LakeConnection, limit: int = 20) -> pd.DataFrame:
    """The most recent failed runs (macros.sql `pull_failed`), newest first."""
    return con.sql(ERRORS_SQL, {"limit": limit}).df()


def visible_feeds(df: pd.DataFrame, access: Access) -> pd.DataFrame:
    """The rows (with channel and shop_id columns) of the feeds this access may see."""
    keep = [access.sees_feed(c, s) for c, s in zip(df["channel"], df["shop_id"], strict=True)]
    return df.loc[pd.Series(keep, index=df.index, dtype=bool)]  # a plain empty list would select no columns
