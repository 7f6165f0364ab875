"""The weekly e-mail sent on the first Monday of a month carries the month before's reconciliation workbook."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from models.settings import Settings
from reports import weekly
from reports.reconciliation import month_to_attach
from tests import reconcile_fixture as fx
from tests.reports.conftest import smtp_env, start_smtp, write_email_config


def test_which_weeks_attach_which_month():
    assert month_to_attach(date(2026, 3, 30)) == "2026-03"  # sent Mon 04-06, the first Monday of April
    assert month_to_attach(date(2026, 3, 23)) is None  # sent 03-30
    assert month_to_attach(date(2026, 12, 28)) == "2026-12"  # sent 2027-01-04


def test_first_monday_mail_has_the_workbook(tmp_path):
    settings = Settings(data_dir=tmp_path)
    fx.build(settings)
    write_email_config(tmp_path, '[snapshot]\nroles = ["manager"]\n[recipients]\nmanager = ["cfo@example.com"]\n')
    controller, box = start_smtp()
    try:
        with pytest.MonkeyPatch.context() as mp:
            for key, value in smtp_env(controller).items():
                mp.setenv(key, value)
            mp.setenv("ORDERHUB_DATA", str(tmp_path))
            outcome = weekly.run(settings, date(2026, 3, 30), mode="send")
    finally:
        controller.stop()
    assert outcome.results == {"cfo@example.com": "delivered"}
    [(_, msg)] = box.parsed()
    files = {part.get_filename(): part for part in msg.iter_attachments()}
    part = files["orderhub-reconciliation-2026-03.xlsx"]
    assert part.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(part.get_content()))
    rows = list(book["Amount differs"].iter_rows(values_only=True))
    assert rows[1][1] == "M" and rows[1][-1] == -0.2  # order M, US$0.20 short
    assert [r[0] for r in book["Buyers"].iter_rows(min_row=2, values_only=True)] == ["b-****al"]  # masked
