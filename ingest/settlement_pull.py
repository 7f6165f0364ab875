"""Settlement pulls from the platforms' payout APIs, on each channel's connector and the shared HTTP client.

    result = pull_settlements(channel_cfg, settings)     # reads every page, stores lines, syncs findings

One small module per platform (`PULLS`) knows its endpoints: `pages(connector, start, end)` yields the
payout records page by page, `lines(record, shop_id, batch)` turns one into settlement lines. Shopify
Payments balance transactions, Shopee escrows, Lazada transaction details and TikTok Shop statements are
pulled; the other platforms' reports come in as files (docs/reconciliation.md). A pull re-reads the last
`LOOKBACK_DAYS`: line ids are stable, so what was stored before is stored again as the same rows and nothing
new becomes visible. Retries, back-off, Retry-After and rate limits are the client's, token refresh the
connector's; a page token seen twice stops the pull (the paginators).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import ModuleType

from ingest.config import ChannelConfig
from ingest.http import HttpClient
from ingest.platforms import connector_class
from ingest.platforms.lazada import finance as lazada_finance
from ingest.platforms.shopee import escrow as shopee_escrow
from ingest.platforms.shopify import payouts as shopify_payouts
from ingest.platforms.tiktok import statements as tiktok_statements
from ingest.settlements import store_settlements
from models.settings import Settings

PULLS: dict[str, ModuleType] = {"shopify": shopify_payouts, "shopee": shopee_escrow, "lazada": lazada_finance,
                                "tiktok": tiktok_statements}  # platforms with a payout API pull
LOOKBACK_DAYS = 60  # late adjustments and refunds land weeks after the sale


@dataclass
class PullResult:
    pages: int = 0
    transactions: int = 0
    lines: int = 0
    findings: int = 0


def pull_settlements(cfg: ChannelConfig, settings: Settings, now: datetime | None = None,
                     client: HttpClient | None = None) -> PullResult:
    """Read every page of the channel's payout records of the last LOOKBACK_DAYS and store their lines."""
    if cfg.channel not in PULLS:
        raise ValueError(f"{cfg.channel}: no payout API pull; import its settlement report (docs/reconciliation.md)")
    module = PULLS[cfg.channel]
    connector = connector_class(cfg.channel)(cfg, client, data_dir=settings.data_dir)
    end = now or datetime.now(UTC)
    result, rows = PullResult(), []
    batch = f"pull-{cfg.channel}-{cfg.shop_id}-{end:%Y%m%dT%H%M}"
    for records in module.pages(connector, end - timedelta(days=LOOKBACK_DAYS), end):
        result.pages, result.transactions = result.pages + 1, result.transactions + len(records)
        for record in records:
            rows += module.lines(record, cfg.shop_id, batch)
    result.lines = len(rows)
    result.findings = store_settlements(settings, rows, now=now).found
    return result
