"""Regional flex of the bank concentration caps (policy_bank_concentration_flex): a flex moves the
cap in force and with it the alert level; a flex beyond ±2.5 pp or on tiers 1–2 fails the build
naming the file and row. The dbt project is copied so the shipped seeds stay untouched."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

import pipeline.build as pipeline_build
from core.errors import UserError
from core.settings import paths
from pipeline.load import load
from pipeline.seedchecks.flex import validate_concentration_flex

FLEX_FILE = "policy_bank_concentration_flex.csv"
BASE_CAPS = {3: (22.5, 17.5), 4: (17.5, 12.5), 5: (12.5, 7.5)}  # DOMAIN.md §6
# The generator's tier 3–5 banks stay under ~88% of their caps, so only a lowered cap can move
# them into yellow (≥ 95% of the cap) or red (above it); tier 4 is raised to show the + side.
FLEX = {3: -2.5, 4: 2.5, 5: -2.5}


def _write_flex(seeds: Path, rows: list[dict[str, str]]) -> None:
    path = seeds / FLEX_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        fields = list(csv.DictReader(handle).fieldnames or [])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _row(region: str, tier: int, re_loan: float, personal: float, **extra: str) -> dict[str, str]:
    return {
        "region_code": region, "region_name_zh": "南通市", "bank_tier": str(tier),
        "re_loan_flex_pp": str(re_loan), "personal_housing_flex_pp": str(personal),
        "valid_from": "2021-01-01", "valid_to": "", "source": "test",
    } | extra  # fmt: skip


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "dbt_project"
    shutil.copytree(pipeline_build.PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target"))
    monkeypatch.setattr(pipeline_build, "PROJECT_DIR", copy)
    return copy


def test_shipped_flex_is_zero_and_valid():
    seeds = pipeline_build.PROJECT_DIR / "seeds"
    validate_concentration_flex(seeds)
    with (seeds / FLEX_FILE).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {int(r["bank_tier"]) for r in rows} == {3, 4, 5}
    assert all(
        float(r["re_loan_flex_pp"]) == float(r["personal_housing_flex_pp"]) == 0 for r in rows
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [_row("320000", 3, 0, 0), _row("320600", 4, 3.0, 0)],
            "policy_bank_concentration_flex.csv row 2: re_loan_flex_pp 3 is outside ±2.5 pp"
            " allowed for tier 4",
        ),
        (
            [_row("320600", 5, 0, -2.6)],
            "policy_bank_concentration_flex.csv row 1: personal_housing_flex_pp -2.6 is outside",
        ),
        (
            [_row("320600", 2, 0.5, 0)],
            "policy_bank_concentration_flex.csv row 1: tier 2 caps take no regional flex",
        ),
        (
            [_row("320600", 3, 1, 1), _row("320600", 3, 2, 2, valid_from="2022-01-01")],
            "policy_bank_concentration_flex.csv row 2: region 320600 × tier 3 valid 2022-01-01..",
        ),
        (
            [_row("310000", 3, 1, 1)],
            "policy_bank_concentration_flex.csv row 1: region_code '310000' is neither",
        ),
    ],
)
def test_a_flex_outside_the_policy_fails_the_build_naming_file_and_row(
    project: Path, tmp_path: Path, rows: list[dict[str, str]], message: str
):
    _write_flex(project / "seeds", rows)
    with pytest.raises(UserError) as failure:
        pipeline_build.build(paths(tmp_path / "home"))  # fails before dbt runs
    assert message in str(failure.value)


def _level(share: float, cap: float) -> str | None:
    used = 100.0 * share / cap
    return "red" if used > 100 else "yellow" if used >= 95 else None


def test_a_lowered_cap_turns_banks_near_it_into_alerts(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from synthetic import generate

    generate(tmp_path / "sample", start="2021-01", end="2021-12", scale=0.1)
    home = paths(tmp_path / "home")
    load([tmp_path / "sample" / "raw"], home)
    _write_flex(project / "seeds", [_row("320600", t, f, f) for t, f in FLEX.items()])
    pipeline_build.build(home)

    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        banks = con.sql(
            "select institution_id, period_start, bank_tier, re_loan_share_pct,"
            " personal_housing_share_pct, re_loan_cap_pct, personal_housing_cap_pct,"
            " re_loan_flex_pp, personal_housing_flex_pp from fct_bank_concentration"
            " where bank_tier >= 3"
        ).pl()
        alerts = con.sql(
            "select rule_id, institution_id, period_start, level from fct_alerts"
            " where rule_family = 'bank_concentration'"
        ).pl()
    finally:
        con.close()

    assert banks.height > 0
    fired = {(r, i, p): lv for r, i, p, lv in alerts.iter_rows()}
    changed = 0
    for bank in banks.iter_rows(named=True):
        tier, flex = bank["bank_tier"], FLEX[bank["bank_tier"]]
        assert bank["re_loan_flex_pp"] == bank["personal_housing_flex_pp"] == flex
        assert bank["re_loan_cap_pct"] == pytest.approx(BASE_CAPS[tier][0] + flex)
        assert bank["personal_housing_cap_pct"] == pytest.approx(BASE_CAPS[tier][1] + flex)
        for rule, share, base, cap in (
            ("bank_re_loan_concentration", bank["re_loan_share_pct"], BASE_CAPS[tier][0],
             bank["re_loan_cap_pct"]),
            ("bank_personal_housing_concentration", bank["personal_housing_share_pct"],
             BASE_CAPS[tier][1], bank["personal_housing_cap_pct"]),
        ):  # fmt: skip
            key = (rule, bank["institution_id"], bank["period_start"])
            assert fired.get(key) == _level(share, cap), key
            changed += _level(share, cap) != _level(share, base)
    assert changed > 0, "no tier 3–5 bank came near its lowered cap: the test proves nothing"
    assert pl.Series(list(fired.values())).is_in(["red", "yellow"]).all()
