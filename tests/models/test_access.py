"""Per-user access scopes: narrowing the shared filters, checking an order, storing them with the user."""

from __future__ import annotations

from datetime import date

from models import auth
from models.access import NOTHING, Access
from models.kpis import Scope
from models.settings import Settings

WEEK = Scope(date(2026, 3, 2), date(2026, 3, 8))


def test_unrestricted_access_leaves_filters_alone() -> None:
    picked = Scope(WEEK.start, WEEK.end, ("shopee",), (), ("Hefei",))
    assert Access().narrow(picked) == picked
    assert Access().unrestricted and Access().allows("any", "shop", None)


def test_narrowing_keeps_only_allowed_values() -> None:
    access = Access(channels=("shopee", "lazada"), warehouses=("Hefei",))
    assert access.narrow(WEEK).channels == ("shopee", "lazada")  # no filter: all the user may see
    assert access.narrow(Scope(WEEK.start, WEEK.end, ("lazada", "tiktok"))).channels == ("lazada",)
    assert access.narrow(Scope(WEEK.start, WEEK.end, ("tiktok",))).channels == (NOTHING,)  # selects nothing
    assert access.narrow(WEEK).shops == ()  # shops not restricted


def test_allows_checks_every_restricted_dimension() -> None:
    access = Access(channels=("shopee",), warehouses=("Hefei",))
    assert access.allows("shopee", "s9", "Hefei")
    assert not access.allows("shopee", "s9", "Wuhan")
    assert not access.allows("lazada", "s9", "Hefei")
    assert not access.allows("shopee", "s9", None)  # not yet routed: outside a warehouse scope


def test_access_is_stored_with_the_user_and_survives_sign_in(data_dir) -> None:
    settings = Settings(data_dir=data_dir)
    auth.add_user("amy", "ops", "long enough pw", settings)
    assert auth.verify("amy", "long enough pw", settings).access == Access()
    auth.set_access("amy", Access(channels=("shopee",), shops=("s1", "s2")), settings)
    user = auth.verify("amy", "long enough pw", settings)
    assert user.access == Access(channels=("shopee",), shops=("s1", "s2"))
    assert user.role == "ops"
    auth.set_access("amy", Access(), settings)
    assert auth.verify("amy", "long enough pw", settings).access.unrestricted


def test_cli_sets_and_lists_scope(data_dir, capsys) -> None:
    settings = Settings(data_dir=data_dir)
    auth.add_user("bob", "viewer", "long enough pw", settings)
    assert auth.main(["set-scope", "bob", "--channel", "shopee", "--warehouse", "Hefei"]) == 0
    assert auth.users(settings)["bob"]["channels"] == ["shopee"]
    assert auth.main(["list"]) == 0
    assert "channels: shopee; warehouses: Hefei" in capsys.readouterr().out


def test_quarantined_payloads_count_only_the_users_shops(handmade_lake) -> None:
    from models import kpis, lake
    from models.db import connect
    from tests.handmade import local

    quarantined = {"s1": 3, "s2": 5}
    lake.write(handmade_lake.lake_dir, "channel_runs", [
        {"run_id": f"R-{shop}", "channel": "shopee", "shop_id": shop, "started_at": local(2, 8),
         "finished_at": local(2, 8, 1), "quarantined": n, "outcome": "ok"} for shop, n in quarantined.items()])
    db = connect(handmade_lake)
    day = Scope(date(2026, 3, 2), date(2026, 3, 2))

    def count(access: Access) -> int:
        return int(kpis.run(db, "quality_issues", access.narrow(day)).iloc[0]["quarantined_payloads"])

    assert count(Access()) == sum(quarantined.values())
    assert count(Access(shops=("s2",))) == quarantined["s2"]
