"""Settlement pulls from the platforms' payout APIs, on each channel's connector and the shared HTTP client.

    result = pull_settlements(channel_cfg, settings)     # reads every page, stores lines, syncs findings

Only Shopify Payments is pulled so far (ingest/platforms/shopify/payouts.py); the other platforms' reports
come in as files (docs/reconciliation.md). The pull re-reads the whole listing: line ids are stable, so
what was stored before is stored again as the same rows and nothing new becomes visible. Retries, back-off,
Retry-After and rate limits are the client's; a page token seen twice stops the pull (the paginator).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ingest.config import ChannelConfig
from ingest.connectors.paginators import LinkHeaderPaginator
from ingest.http import HttpClient
from ingest.platforms import connector_class
from ingest.platforms.shopify import payouts as shopify_payouts
from ingest.settlements import store_settlements
from models.settings import Settings

PULLS = {"shopify"}  # platforms with a payout API pull


@dataclass
class PullResult:
    pages: int = 0
    transactions: int = 0
    lines: int = 0
    findings: int = 0


def pull_settlements(cfg: ChannelConfig, settings: Settings, now: datetime | None = None,
                     client: HttpClient | None = None) -> PullResult:
    """Read every page of the channel's payout transactions and store their settlement lines."""
    if cfg.channel not in PULLS:
        raise ValueError(f"{cfg.channel}: no payout API pull; import its settlement report (docs/reconciliation.md)")
    connector = connector_class(cfg.channel)(cfg, client, data_dir=settings.data_dir)
    paginator, token, result, rows = LinkHeaderPaginator(), None, PullResult(), []
    batch = f"pull-{cfg.channel}-{cfg.shop_id}-{(now or datetime.now(UTC)):%Y%m%dT%H%M}"
    while True:
        params = {"limit": connector.page_size, **({"page_info": token} if token else {})}
        reply = connector.call("GET", shopify_payouts.PATH, params=params)
        txns = (reply.body or {}).get("transactions") or []
        result.pages, result.transactions = result.pages + 1, result.transactions + len(txns)
        for txn in txns:
            rows += shopify_payouts.lines(txn, cfg.shop_id, batch)
        token = paginator.advance(reply.body, reply.headers, len(txns))
        if token is None:
            break
    result.lines = len(rows)
    result.findings = store_settlements(settings, rows, now=now).found
    return result
