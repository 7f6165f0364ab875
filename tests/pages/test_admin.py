"""AppTest of the Admin pages: the rule editor saves only after a replay, and user changes are audited."""

from __future__ import annotations

import json

from models import actions, auth
from models.db import connect
from models.rules import config
from tests.pages.helpers import open_app, shown


def _actions(settings):
    return connect(settings).con.execute('select "user", action, target_id, before, after from actions').fetchall()


def _editor(at):
    """The rule editor (keyed by the version of the rules it was loaded with)."""
    return next(a for a in at.text_area if a.key.startswith("rules_text:"))


def test_a_rules_save_over_someone_elses_save_is_refused_with_who(triage_lake):
    at = open_app(role="admin", page="pages/rules.py")
    saved = config.read_text(triage_lake)
    _editor(at).input(saved.replace("amount > 500", "amount > 800")).run()
    at.button(key="rules_replay").click().run()
    theirs = saved.replace("amount > 500", "amount > 900")
    config.save_text(triage_lake, theirs, expected=config.text_version(saved))  # bob, meanwhile
    actions.record(triage_lake.lake_dir, auth.User("bob", "admin"), "rules_saved", "rules", "rules.toml")
    at.button(key="rules_save").click().run()
    assert not at.success and "1 not saved: changed by bob at " in shown(at.warning[0].value)
    assert config.read_text(triage_lake) == theirs
    assert _editor(at).value == theirs  # the editor now shows what is in force


def test_rules_are_checked_replayed_then_saved_with_an_audit_row(triage_lake):
    at = open_app(role="admin", page="pages/rules.py")
    saved = config.read_text(triage_lake)
    _editor(at).input(saved.replace("amount > 500", "amount >")).run()
    at.button(key="rules_replay").click().run()
    assert shown(at.error[0].value).startswith("rule int-vip (interception): syntax error")
    assert at.button(key="rules_save").disabled
    edited = saved.replace("amount > 500", "amount > 800")
    _editor(at).input(edited).run()
    at.button(key="rules_replay").click().run()
    assert "orders replayed" in at.success[0].value
    assert not at.button(key="rules_save").disabled
    at.button(key="rules_save").click().run()
    assert not at.exception, at.exception
    assert config.read_text(triage_lake) == edited
    assert len(config.history(triage_lake)) == 1
    ((user, action, target, before, after),) = _actions(triage_lake)
    assert (user, action, target) == ("test.admin", "rules_saved", "rules.toml")
    assert json.loads(before)["toml"] == saved and json.loads(after)["toml"] == edited


def test_users_page_adds_a_user_and_records_it(data_dir):
    at = open_app(role="admin", page="pages/users.py", dates=None)
    at.text_input(key="ua_name").input("nina")
    at.selectbox(key="ua_role").set_value("ops")
    at.text_input(key="ua_password").input("nina's password")
    next(b for b in at.button if b.form_id == "user_add").click().run()
    assert not at.exception, at.exception
    assert auth.users()["nina"]["role"] == "ops"
    from models.settings import load_settings
    rows = _actions(load_settings())
    assert [(r[1], r[2], json.loads(r[4])) for r in rows] == [("user_added", "nina", {"role": "ops"})]
    assert "nina's password" not in str(rows)


def _users_page(settings, **state):
    """The Users page as test.admin, with ops user amy (on a lake of its own: an empty lake's version is the
    same in every test, and the console's cached connection would carry another test's data dir)."""
    auth.add_user("amy", "ops", "amy's password", settings)
    return open_app(role="admin", page="pages/users.py", dates=None, **state)


def test_a_role_change_onto_an_entry_changed_since_loading_is_refused_naming_what_changed(handmade_lake):
    from models.access import Access
    settings = handmade_lake
    at = _users_page(settings)
    at.selectbox(key="uc_name").set_value("amy")
    at.selectbox(key="uc_role").set_value("admin")
    auth.set_access("amy", Access(warehouses=("Suzhou",)), settings)  # another admin, meanwhile
    next(b for b in at.button if b.form_id == "user_change").click().run()
    assert not at.exception, at.exception
    assert not at.success
    assert shown(at.warning[0].value) == ("Not saved: amy was changed since you loaded the page (Warehouses). "
                                          "Check the table and change again.")
    assert auth.users(settings)["amy"]["role"] == "ops"
    assert not [r for r in _actions(settings) if r[1] == "role_changed"]
    next(b for b in at.button if b.form_id == "user_change").click().run()  # reloaded: now it goes through
    assert auth.users(settings)["amy"]["role"] == "admin"
    assert [(r[1], json.loads(r[3]), json.loads(r[4])) for r in _actions(settings) if r[2] == "amy"] == [
        ("role_changed", {"role": "ops"}, {"role": "admin"})]


def test_an_access_change_onto_an_entry_changed_since_loading_is_refused(handmade_lake):
    at = _users_page(handmade_lake)
    at.selectbox(key="us_name").set_value("amy").run()
    at.multiselect(key="us_channels_amy").set_value(["shopee"])
    auth.set_role("amy", "admin", handmade_lake)  # another admin, meanwhile
    auth.set_password("amy", "a new password", handmade_lake)
    next(b for b in at.button if b.form_id == "user_scope_amy").click().run()
    warning = shown(at.warning[0].value)
    assert warning.startswith("Not saved: amy was changed since you loaded the page (Role, password)")
    assert auth.users(handmade_lake)["amy"].get("channels", []) == []
    assert [r for r in _actions(handmade_lake) if r[2] == "amy"] == []


def test_role_and_password_in_one_submit_both_apply(handmade_lake):
    settings = handmade_lake
    at = _users_page(settings)
    at.selectbox(key="uc_name").set_value("amy")
    at.selectbox(key="uc_role").set_value("viewer")
    at.text_input(key="uc_password").input("amy's new password")
    next(b for b in at.button if b.form_id == "user_change").click().run()
    assert not at.warning and not at.error
    assert auth.verify("amy", "amy's new password", settings) == auth.User("amy", "viewer")
    assert sorted(r[1] for r in _actions(settings) if r[2] == "amy") == ["password_reset", "role_changed"]
