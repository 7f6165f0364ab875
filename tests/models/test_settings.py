"""Settings: defaults, overrides from settings.toml, clear errors, and every setting documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.settings import ConfigError, load_settings, setting_help

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_defaults(data_dir):
    s = load_settings()
    assert (s.data_dir, s.timezone, s.lead_time_target_hours) == (data_dir, "Asia/Shanghai", 8.0)


def test_override_from_file(data_dir):
    (data_dir / "config").mkdir()
    (data_dir / "config" / "settings.toml").write_text('timezone = "Europe/Berlin"\nmanual_rate_target = 0.05\n')
    s = load_settings()
    assert (s.timezone, s.manual_rate_target) == ("Europe/Berlin", 0.05)


@pytest.mark.parametrize(("text", "message"), [
    ("timezone = ", "cannot read settings"),
    ('colour = "red"', "'colour' is not a known setting"),
    ('timezone = "Mars/Olympus"', "not a known IANA zone"),
])
def test_bad_settings_name_the_file(data_dir, text, message):
    (data_dir / "config").mkdir()
    (data_dir / "config" / "settings.toml").write_text(text)
    with pytest.raises(ConfigError, match=message) as err:
        load_settings()
    assert "settings.toml" in str(err.value)


def test_every_setting_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    missing = [name for name in setting_help() if f"`{name}`" not in text]
    assert not missing, f"document these in docs/configuration.md: {missing}"
