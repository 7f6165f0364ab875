"""The demo history holds settlements with each channel's delay and fees, and problems of every kind."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from models.db import connect
from models.reconciliation.findings import FINDINGS
from models.settings import Settings
from sim.demo.settlements import CONFIG_DIR

AS_OF = datetime(2026, 3, 8, 16, tzinfo=UTC)  # local midnight after the demo's last day


def test_demo_has_every_finding_and_clean_orders_settle_exactly(demo_settings, tmp_path):
    settings = Settings(data_dir=tmp_path)
    (tmp_path / "lake").symlink_to(demo_settings.lake_dir)
    settings.config_dir.mkdir()
    shutil.copy(CONFIG_DIR / "reconciliation.toml", settings.config_dir)
    db = connect(settings)
    found = dict(db.sql("select finding, count(*) from recon_findings($a) group by 1", {"a": AS_OF}).fetchall())
    assert set(found) == set(FINDINGS), found
    settled = db.sql("select count(*), count(*) filter (where settled_cents = expected_net_cents) "
                     "from recon_orders where settlement_lines > 0").fetchone()
    assert settled[0] > 300 and settled[1] / settled[0] > 0.97  # planted mismatches and doubles are the rest
    # free-shipping vouchers: the carrier's 5.00 charged and paid back, so those orders settle like the rest
    vouchers = db.sql("select o.channel, count(*), count(*) filter (where o.settled_cents = o.expected_net_cents) "
                      "from recon_orders o where order_id in (select order_id from settlements "
                      "where line_type = 'shipping_subsidy' and amount_cents = 500) group by 1 order by 1").fetchall()
    assert [c for c, *_ in vouchers] == ["lazada", "shopee"]
    assert all(n > 20 and exact >= n - 2 for _, n, exact in vouchers), vouchers  # a planted problem or two
    # no line is dated after the history, and every line is later than its order's delivery
    late = db.sql("select count(*) from settlements s join recon_orders o using (order_id) "
                  "where s.settled_at > $a or s.settled_at < o.delivered_at", {"a": AS_OF}).fetchone()[0]
    assert late == 0
    assert Path(settings.lake_dir).resolve() == demo_settings.lake_dir.resolve()
