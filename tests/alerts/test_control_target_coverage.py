"""A district-year with price-index data but no control target fails the build, naming the
bureau's file and the missing district-year — never a silent pass of the control rules."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from core.errors import UserError
from core.settings import paths
from pipeline.build import build
from pipeline.load import load


def test_a_missing_target_row_fails_the_build_naming_file_and_district_year(tmp_path: Path):
    from synthetic import generate

    generate(tmp_path / "sample", start="2020-01", end="2021-12", scale=0.1)
    targets = tmp_path / "sample" / "raw" / "reference" / "control_targets.csv"
    with targets.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    dropped = [
        r
        for r in rows
        if (r["district"], r["year"], r["market"]) == ("320614", "2021", "新建商品住宅")
    ]
    assert len(dropped) == 1
    with targets.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if r not in dropped)

    home = paths(tmp_path / "home")
    load([tmp_path / "sample" / "raw"], home)
    with pytest.raises(UserError) as failure:
        build(home)
    message = str(failure.value)
    assert "\n" not in message
    assert "assert_control_target_for_every_district_year" in message
    assert "control_targets.csv" in message
    assert "新建商品住宅 row for 320614 海门区 2021" in message
    assert not home.analytics_db.exists()  # nothing half-published
