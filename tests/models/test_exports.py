"""CSV exports neutralise spreadsheet formulas (item 9): read back with the csv module."""

from __future__ import annotations

import csv
import io

import pandas as pd

from models.exports import to_csv_bytes

HOSTILE = ["=HYPERLINK(\"http://x\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
           "  =1+1", "plain text", "a=b", "-"]


def read_back(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # Excel needs the BOM to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8").removeprefix("\ufeff"), newline="")))


def test_hostile_cells_are_quoted_numbers_stay_numbers():
    df = pd.DataFrame({"note": HOSTILE, "amount": [-12.5, 3.0, -1.0, 0.0, 1.5, -7.0, 2.0, 4.0, 5.0, -0.25],
                       "qty": pd.array([-3, 1, 2, 3, 4, 5, 6, 7, 8, 9], dtype="Int64")})
    rows = read_back(to_csv_bytes(df))
    notes = [r["note"] for r in rows]
    for written, read in zip(HOSTILE[:7], notes[:7], strict=True):
        assert read == "'" + written  # every formula-starting cell, also after tab/CR/spaces
    assert notes[7:] == ["plain text", "a=b", "'-"]
    assert [float(r["amount"]) for r in rows][:3] == [-12.5, 3.0, -1.0]  # numeric columns: numbers, unquoted
    assert rows[0]["qty"] == "-3"


def test_string_dtype_and_missing_values():
    df = pd.DataFrame({"who": pd.array(["=cmd", None, "张三"], dtype="string")})
    assert [r["who"] for r in read_back(to_csv_bytes(df))] == ["'=cmd", "", "张三"]
