"""Model write functions check the role and the access before anything is written (fail closed), and a user
change refuses a form whose entry changed since, naming what changed."""

from __future__ import annotations

import pytest

from models import accounts, auth
from models.access import Access, AccessDenied
from models.auth import User
from models.rules import config
from models.settings import Settings

ADMIN = User("boss", "admin")


@pytest.fixture
def settings(data_dir) -> Settings:
    settings = Settings(data_dir=data_dir)
    auth.add_user("amy", "ops", "amy's password", settings)
    return settings


@pytest.mark.parametrize("actor", [None, User("o", "ops"), User("x", "superuser"),
                                   User("s", "admin", Access(channels=("tmall",)))])
def test_only_an_unlimited_admin_manages_users(settings, actor):
    shown = auth.entry_fingerprint(auth.users(settings)["amy"])
    for change in (lambda: accounts.add(settings, actor, "nina", "admin", "long enough"),
                   lambda: accounts.change_role(settings, actor, "amy", "admin", shown),
                   lambda: accounts.reset_password(settings, actor, "amy", "long enough", shown),
                   lambda: accounts.change_access(settings, actor, "amy", Access(), shown)):
        with pytest.raises(PermissionError):
            change()
    assert auth.entry_fingerprint(auth.users(settings)["amy"]) == shown and "nina" not in auth.users(settings)


def test_a_change_names_every_field_that_changed_since_the_form_was_drawn(settings):
    shown = auth.entry_fingerprint(auth.users(settings)["amy"])
    auth.set_access("amy", Access(channels=("jd",), warehouses=("Hefei",)), settings)
    with pytest.raises(auth.UserChanged, match=r"user 'amy' was changed since you loaded the form "
                                               r"\(channels, warehouses\); nothing was saved") as refused:
        accounts.change_role(settings, ADMIN, "amy", "admin", shown)
    assert refused.value.changed == ["channels", "warehouses"]
    assert auth.users(settings)["amy"]["role"] == "ops"
    with pytest.raises(auth.AuthError, match="did not say which version"):
        accounts.change_access(settings, ADMIN, "amy", Access(), None)


def test_an_unchanged_entry_takes_role_then_password_in_one_go(settings):
    shown = auth.entry_fingerprint(auth.users(settings)["amy"])
    after = accounts.change_role(settings, ADMIN, "amy", "viewer", shown)
    assert after == auth.entry_fingerprint(auth.users(settings)["amy"])  # what the second change expects
    accounts.reset_password(settings, ADMIN, "amy", "a new password", after)
    assert auth.verify("amy", "a new password", settings) == User("amy", "viewer")


@pytest.mark.parametrize("actor", [None, User("o", "ops"), User("s", "admin", Access(warehouses=("Hefei",)))])
def test_rules_are_saved_only_by_an_unlimited_admin(data_dir, actor):
    settings = Settings(data_dir=data_dir)
    text = config.read_text(settings)
    with pytest.raises(PermissionError):
        config.save(settings, actor, text + "\n# changed\n", config.text_version(text), "why")
    assert config.read_text(settings) == text and not config.history(settings)
    with pytest.raises(AccessDenied):
        accounts.change_access(settings, User("s", "admin", Access(shops=("s1",))), "amy", Access(), {"role": "x"})
