"""The label catalogue: both languages everywhere, and every key the code asks for exists."""

from __future__ import annotations

import re
from pathlib import Path

from models.i18n import CATALOGUE, label
from models.lifecycle import STATUS_LABELS, STATUSES, status_label

ROOT = Path(__file__).resolve().parents[1]
# t("key") / label("key", ...) with a literal key; f-string keys are checked where they are built.
KEY_USE = re.compile(r"""\b(?:t|label)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")


def test_every_label_has_both_languages():
    for key, (en, zh) in CATALOGUE.items():
        assert en.strip() and zh.strip(), key
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", zh)), f"placeholders differ in {key}"


def test_every_key_used_in_code_exists():
    used = set()
    for folder in ("app.py", "pages", "ui", "models", "reports"):
        for path in [ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py"):
            used |= {(m, path.name) for m in KEY_USE.findall(path.read_text(encoding="utf-8"))}
    missing = sorted(f"{key} ({where})" for key, where in used if key not in CATALOGUE)
    assert not missing, missing


def test_placeholders_are_filled():
    assert label("sidebar.problems", "zh", n=2) == "2 个数据文件无法读取，已跳过；详见数据质量页面。"


def test_status_labels_put_chinese_beside_the_canonical_name():
    assert set(STATUS_LABELS) == set(STATUSES)
    assert status_label("to_ship", "zh") == "待发货 (to_ship)"
    assert status_label("to_ship", "en") == "To ship"
