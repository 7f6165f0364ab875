"""The lookup key index (models/lookup_keys.py) gives the plain scan's answers: the same rows in the same order,
inside each user's access, phones only for roles that may see personal data; and after a mart refresh a new
order is found. The plain scan (the same mart without the index, as before it existed) is the independent
answer; a few texts are also checked by hand.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from bench import synth
from models import facts_mart, lake, lookup, lookup_keys
from models.access import Access
from models.auth import User
from models.db import connect
from models.settings import Settings
from models.versions import latest

USERS = {"ops": User("o", "ops"), "viewer": User("v", "viewer")}


@pytest.fixture(scope="module")
def lake_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("lookup_index"))
    synth.generate(settings.lake_dir, 4_000, days=60, chunk=2_000, progress=False)
    return settings


def _texts(db) -> list[str]:
    """Exact ids, ids in other case, prefixes, infixes, phone tails (current and of an older version), misses."""
    oid, pid, tn = db.con.execute("select order_id, platform_order_id, tracking_no from order_facts "
                                  "where tracking_no is not null order by order_id limit 1 offset 7").fetchone()
    old_phone = db.con.execute("""select o.receiver_phone from lake_orders o join order_facts f using (order_id)
        where o.receiver_phone is not null and o.receiver_phone not in (
            select receiver_phone from lake_orders where order_id = o.order_id order by updated_at desc limit 1)
        order by o.order_id limit 1""").fetchone()
    full = [p for (p,) in db.con.execute("select receiver_phone from lake_orders where receiver_phone "
                                         "is not null order by order_id limit 2").fetchall()]
    phones = [p[-4:] for p in full] + [f"{full[0][:3]} {full[0][3:7]} {full[0][7:]}"]  # read out: no id has spaces
    return [oid, pid, tn, tn.lower(), oid.lower(), pid[:3], pid[:4].lower(), tn[2:9], tn[-5:].lower(), oid[3:8],
            *phones, *(p[0][-6:] for p in [old_phone] if p), "ZZZ-NONE-9", "ab", "", " " + tn + " ",
            "000", "0001"]  # many matches, none a prefix: the newest months fill the list, older ones are not read


def _users(db) -> dict[str, User]:
    channel, warehouse = db.con.execute("select channel, warehouse from order_facts where warehouse is not null "
                                        "group by all order by count(*) desc limit 1").fetchone()
    return {**USERS, "narrow": User("n", "ops", Access(channels=(channel,), warehouses=(warehouse,)))}


@pytest.mark.parametrize("max_blocks", [lookup_keys.MAX_BLOCKS, 0])  # 0: every key read, no block narrowing
def test_the_index_answers_as_the_plain_scan_does(lake_settings, max_blocks, monkeypatch):
    monkeypatch.setattr(lookup_keys, "MAX_BLOCKS", max_blocks)
    keyed, plain = connect(lake_settings, materialize=True), connect(lake_settings, materialize=True)
    plain.con.execute("drop view lookup_keys")  # the plain scans over the same mart
    try:
        assert lookup._has_keys(keyed) and not lookup._has_keys(plain)
        texts, users = _texts(plain), _users(plain)
        seen = set()
        for text in texts:
            for name, user in users.items():
                want, got = lookup.search(plain, text, user), lookup.search(keyed, text, user)
                pd.testing.assert_frame_equal(got, want, obj=f"{text!r} as {name}")
                seen |= {(name, m) for m in got["matched"]}
                if name == "narrow":
                    dims = plain.con.execute("select channel, warehouse from order_facts where order_id in "
                                             "(select unnest($ids::varchar[]))", {"ids": list(got.order_id)}).fetchall()
                    assert set(dims) <= {(user.access.channels[0], user.access.warehouses[0])}
        # every kind of match was exercised (the generator's platform ids are its order ids: the added order of
        # the next test has its own); a viewer never matches by phone
        assert {("ops", m) for m in ("order_id", "tracking_no", "receiver_phone")} <= seen
        assert ("viewer", "receiver_phone") not in seen and ("narrow", "tracking_no") in seen
        exact = lookup.search(keyed, texts[2], USERS["ops"])  # a tracking number typed in full: that order alone
        assert list(exact.tracking_no) == [texts[2]] and list(exact.matched) == ["tracking_no"]
        assert len(lookup.search(keyed, texts[5], USERS["ops"])) == lookup.LIMIT  # a short prefix fills the list
    finally:
        plain.close()
        keyed.close()


def test_an_order_added_after_the_mart_was_built_is_found_after_its_refresh(lake_settings):
    connect(lake_settings, materialize=True).close()  # the mart as it was
    (oid,) = connect(lake_settings).con.execute("select max(order_id) from order_facts").fetchone()
    row = latest(lake_settings.lake_dir, "orders", [oid])[oid]
    later = row["placed_at"] + timedelta(minutes=5)
    new = {**row, "order_id": "OH-NEWLOOKUP1", "platform_order_id": "PX-77001", "tracking_no": "QW987654321",
           "receiver_phone": "+86 139 5550 4242", "placed_at": later, "updated_at": later, "ingested_at": later}
    lake.write(lake_settings.lake_dir, "orders", [new])

    db = connect(lake_settings, materialize=True)
    try:
        assert facts_mart.read_manifest(facts_mart.mart_dir(lake_settings)).mode == "incremental"
        for text, matched in (("QW987654321", "tracking_no"), ("px-770", "platform_order_id"),
                              ("87654", "tracking_no"), ("4242", "receiver_phone")):
            found = lookup.search(db, text, USERS["ops"])
            assert "OH-NEWLOOKUP1" in set(found.order_id), text
            assert found.set_index("order_id").loc["OH-NEWLOOKUP1", "matched"] == matched
        assert "OH-NEWLOOKUP1" not in set(lookup.search(db, "55504242", USERS["viewer"]).order_id)
        pd.testing.assert_frame_equal(lookup.search(db, "4242", USERS["ops"]),
                                      lookup.search(connect(lake_settings), "4242", USERS["ops"]))
    finally:
        db.close()


def test_each_key_file_is_in_key_order_as_written_with_each_blocks_keys_on_its_first_row(lake_settings):
    """Pruning by min/max needs the rows in (field, key) order in the file itself, not only in a query's answer:
    the key files are written without keeping insertion order (for memory), relying on the query's ORDER BY."""
    connect(lake_settings, materialize=True).close()
    files = sorted(facts_mart.mart_dir(lake_settings).glob("keys-*.parquet"))
    assert files
    for path in files:
        rows = pd.read_parquet(path)  # file order
        assert list(zip(rows["field"], rows["key"], strict=True)) == sorted(zip(rows["field"], rows["key"],
                                                                               strict=True)), path.name
        assert rows["block"].is_monotonic_increasing, path.name
        for _, block in rows.groupby("block"):
            assert sorted(block["blob"].iloc[0].split("\n")) == sorted(block["key"])
            assert block["blob"].iloc[1:].isna().all()
