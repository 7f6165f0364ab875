"""The printed pick list: escaped text, gift lines in their own section, and a real PDF from Chromium."""

from __future__ import annotations

import shutil
from datetime import datetime

import pandas as pd
import pytest

from models.picklist import COLUMNS, PickList
from reports import picklist as printable

PURCHASED = pd.DataFrame([("A", "<img src=x onerror=alert(1)>", 3, "OH-1, OH-2")], columns=COLUMNS)
GIFTS = pd.DataFrame([("G", "gift mug", 2, "OH-2")], columns=COLUMNS)
PL = PickList("Suzhou", None, ("OH-1", "OH-2"), PURCHASED, GIFTS)


def test_titles_are_text_and_gifts_are_a_section_of_their_own():
    page = printable.html(PL, "en", datetime(2026, 3, 2, 9, 0))
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    purchased, gifts = page.split('<section class="gifts">')
    assert "gift mug" in gifts and "gift mug" not in purchased
    assert "Purchased lines" in purchased and "Gift lines" in gifts
    assert "Sorted by SKU: the data holds no bin locations yet." in purchased
    assert "Orders in this wave: 2" in page and "Suzhou@all" in page


def test_chinese_labels():
    page = printable.html(PL, "zh", datetime(2026, 3, 2, 9, 0))
    assert "拣货单 — Suzhou" in page and "赠品" in page and "Purchased" not in page


def test_the_pdf_is_printed_by_chromium():
    if shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is not installed: run `make system-deps`")
    data = printable.pdf(printable.html(PL, "zh", datetime(2026, 3, 2, 9, 0)))
    assert data.startswith(b"%PDF-") and len(data) > 1000


def test_without_a_browser_the_pdf_says_what_to_install(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(printable.PdfUnavailable, match="install Debian's chromium"):
        printable.pdf("<html></html>")
