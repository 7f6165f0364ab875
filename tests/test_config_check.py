"""Item 7: every configuration file refuses an unknown key with the file, the key and the closest valid name."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import load_channels
from ingest.files.profile import load_profile
from ingest.normalize.status_map import load_status_map
from models.analytics.capacity import load_capacity
from models.rules.config import RulesError, parse
from models.settings import ConfigError, Settings, load_settings
from reports.config import load_email_config

ROOT = Path(__file__).resolve().parents[1]


def _write(settings: Settings, name: str, text: str) -> Path:
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    path = settings.config_dir / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text", "load", "key", "near"),
    [
        ("settings.toml", 'timezon = "UTC"\n', lambda s: load_settings(s.data_dir), "timezon", "timezone"),
        ("channels.toml", '[[channel]]\nchannel = "shopee"\nshop_id = "a"\nbase_url = "x"\nintervl_minutes = 5\n',
         load_channels, "intervl_minutes", "interval_minutes"),
        ("channels.toml", '[[channel]]\nchannel = "shoppe"\nshop_id = "a"\nbase_url = "x"\n', load_channels,
         "shoppe", "shopee"),
        ("channels.toml", '[defualts]\ninterval_minutes = 5\n', load_channels, "defualts", "defaults"),
        ("capacity.toml", 'default_orders_per_hr = 100\n', lambda s: load_capacity(s.config_dir),
         "default_orders_per_hr", "default_orders_per_hour"),
        ("email.toml", '[snapshot]\nlnag = "zh"\n', load_email_config, "lnag", "lang"),
        ("status_map.toml", '[shoppe]\nREADY_TO_SHIP = "to_ship"\n', lambda s: load_status_map(s.config_dir),
         "shoppe", "shopee"),
    ],
)
def test_unknown_keys_are_refused_with_file_key_and_closest_name(tmp_path, name, text, load, key, near):
    settings = Settings(data_dir=tmp_path / "data")
    path = _write(settings, name, text)
    with pytest.raises(ConfigError) as caught:
        load(settings)
    message = str(caught.value)
    assert str(path) in message and repr(key) in message and f"did you mean {near!r}" in message


def test_rules_file_refuses_an_unknown_section():
    with pytest.raises(RulesError) as caught:
        parse("[wieghts]\ndefault_kg = 1\n", "rules.toml")
    assert "did you mean 'weights'" in str(caught.value)


def test_a_misspelled_status_key_in_a_profile_is_refused(tmp_path):
    text = (ROOT / "docs/profiles/shopify-orders.toml").read_text(encoding="utf-8")
    bad = tmp_path / "p.toml"
    bad.write_text(text.replace('column = ["Financial', 'colum = ["Financial'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[status\] 'colum' is not a known key; did you mean 'column'"):
        load_profile(bad)


def test_shipped_config_files_pass(tmp_path):
    shipped = ROOT / "data/config"
    load_status_map(shipped)
    load_capacity(shipped)
    settings = Settings(data_dir=ROOT / "data")
    load_channels(settings)
    load_email_config(settings)
    parse((shipped / "rules.toml").read_text(encoding="utf-8"))
