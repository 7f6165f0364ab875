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


def test_a_scoped_month_reads_the_same_findings_as_the_whole_lake_filtered(demo_settings, tmp_path):
    """The page's queries narrow the orders before reading events and settlements (a month costs a month);
    they must list exactly the rows of the whole-lake findings and figures filtered to the same scope."""
    settings = Settings(data_dir=tmp_path)
    (tmp_path / "lake").symlink_to(demo_settings.lake_dir)
    settings.config_dir.mkdir()
    shutil.copy(CONFIG_DIR / "reconciliation.toml", settings.config_dir)
    db = connect(settings)
    columns = "finding, order_id, amount_cents, channel, shop_id, currency, expected_net_cents, settled_cents"
    for start, end, channels in ((datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC), []),
                                 (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC), ["shopee"]),
                                 (datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), [])):
        params, at = {"s": start, "e": end, "c": channels}, {"a": AS_OF, "s": start, "e": end, "c": channels}
        whole = db.sql(f"select {columns} from recon_findings($a) where placed_at >= $s and placed_at < $e "
                       "and (len($c) = 0 or list_contains($c, channel)) order by all", at).fetchall()
        scoped = db.sql(f"select {columns} from recon_findings_in($a, $s, $e, $c, []::varchar[], []::varchar[]) "
                        "order by all", at).fetchall()
        assert scoped == whole and whole, (start, len(scoped), len(whole))
        whole = db.sql("select * from recon_orders where placed_at >= $s and placed_at < $e "
                       "and (len($c) = 0 or list_contains($c, channel)) order by order_id", params).fetchall()
        scoped = db.sql("select * from recon_orders_in($s, $e, $c, []::varchar[], []::varchar[]) order by order_id",
                        params).fetchall()
        assert scoped == whole and len(whole) > 10


def test_a_demo_in_a_fresh_data_dir_is_reconciled_with_the_fees_it_was_charged(tmp_path, monkeypatch):
    """`python -m ingest demo` into a data dir without a fee table: the shipped table is put there (the one
    the demo charged), so only the planted problems are findings, not every settled order (it was 146,535
    'settled amount differs' of 196,338 orders before). A data dir with its own table is charged by it."""
    from sim import demo

    monkeypatch.setenv("ORDERHUB_DATA", str(tmp_path / "fresh"))
    assert demo.main(["demo", "--days", "30", "--orders-per-day", "30", "--end", "2026-03-08"]) == 0
    fresh = Settings(data_dir=tmp_path / "fresh")
    shipped = (CONFIG_DIR / "reconciliation.toml").read_text(encoding="utf-8")
    assert (fresh.config_dir / "reconciliation.toml").read_text(encoding="utf-8") == shipped
    db = connect(fresh)
    settled, mismatched = db.sql("select count(*), count(*) filter (where settled_cents <> expected_net_cents) "
                                 "from recon_orders where settlement_lines > 0").fetchone()
    raised = db.sql("select count(distinct order_id) from exceptions where type = 'recon_settlement_mismatch'"
                    ).fetchone()[0]
    assert settled > 100 and mismatched / settled < 0.05 and raised <= mismatched

    own = Settings(data_dir=tmp_path / "own")
    own.config_dir.mkdir(parents=True)
    (own.config_dir / "reconciliation.toml").write_text('[defaults]\nfee_percent = "10"\n', encoding="utf-8")
    demo.generate(own.lake_dir, days=30, orders_per_day=30, end=datetime(2026, 3, 8).date(),
                  config_dir=own.config_dir)
    lines = connect(own).sql("select s.order_id, s.amount_cents, o.total_cents from settlements s "
                             "join orders o using (order_id) where s.line_type = 'fee' and s.amount_cents < 0 "
                             "and o.channel = 'tmall' order by 1 limit 50").fetchall()
    expected = [-int((total * 10 + 50) // 100) for _, _, total in lines]  # 10 %, half up, no fixed fee
    assert lines and sum(a == e for (_, a, _), e in zip(lines, expected, strict=True)) >= len(lines) - 2
