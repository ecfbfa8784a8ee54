"""The shared app modules: catalog, chart builders, and the version-keyed warehouse cache."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import polars as pl
import pytest

from app import charts
from app.catalog import STRINGS, pick, t
from serving import warehouse


def test_catalog_has_both_languages_and_fails_on_unknown_keys() -> None:
    for key, (zh, en) in STRINGS.items():
        assert zh and en, key
    assert t("page_alerts") == "预警"
    assert t("page_alerts", "en") == "Alerts"
    assert t("alerts_found", "zh", n=3) == "共 3 条预警"
    assert pick("红色", "red", "en") == "red"
    assert pick("红色", None, "en") == "红色"
    with pytest.raises(KeyError):
        t("no_such_key")


def _months() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period_start": [dt.date(2025, m, 1) for m in (1, 2, 3)] * 2,
            "index_value": [100.0, 100.4, 100.9, 100.0, 99.8, 99.5],
            "geo_name": ["崇川区"] * 3 + ["通州区"] * 3,
        }
    )


def test_index_line_has_month_axis_zh_titles_and_cjk_font() -> None:
    spec = charts.index_line(_months(), "zh", reference=100.0).to_dict()
    line = spec["layer"][0]["encoding"]
    assert line["x"]["axis"]["format"] == "%Y-%m"
    assert line["x"]["title"] == "月份"
    assert line["color"]["field"] == "geo_name"
    assert spec["config"]["font"] == "Noto Sans CJK SC"
    en = charts.index_line(_months(), "en").to_dict()
    assert en["encoding"]["x"]["title"] == "Month"


def test_district_bar_and_alert_levels_in_signal_colours() -> None:
    bars = pl.DataFrame({"geo_name": ["崇川区", "通州区"], "value": [3.0, 1.0]})
    spec = charts.district_bar(bars, "zh", x_title="套数").to_dict()
    assert spec["encoding"]["x"]["title"] == "套数"
    levels = pl.DataFrame({"level": ["blue", "red"], "alerts": [5, 2]})
    spec = charts.alert_level_counts(levels, "zh").to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["红色", "蓝色"]
    assert scale["range"] == [charts.LEVEL_COLOURS["red"], charts.LEVEL_COLOURS["blue"]]


def _publish(home: Path, value: int) -> None:
    nxt = home / "analytics_next.duckdb"
    nxt.unlink(missing_ok=True)
    con = duckdb.connect(str(nxt))
    con.execute(f"create table t as select {value} as v")
    con.close()
    os.replace(nxt, home / "analytics.duckdb")


def test_query_is_cached_per_published_version(tmp_path: Path) -> None:
    with pytest.raises(warehouse.NotPublished):
        warehouse.query("select 1", home=tmp_path)
    _publish(tmp_path, 1)
    first = warehouse.query("select v from t where v >= ?", [0], home=tmp_path)
    assert first.item() == 1
    assert warehouse.query("select v from t where v >= ?", [0], home=tmp_path) is first
    reader = warehouse.connect(tmp_path)  # a reader holding the old file during the publish
    _publish(tmp_path, 2)
    assert warehouse.query("select v from t where v >= ?", [0], home=tmp_path).item() == 2
    assert reader.sql("select v from t").fetchall() == [(1,)]
    reader.close()
    with pytest.raises(duckdb.Error):
        warehouse.connect(tmp_path).execute("create table x (a int)")


def test_the_tile_map_places_every_district_of_the_gazetteer_once():
    import ast
    from pathlib import Path

    from ingest.geography import DEFAULT_CITY, gazetteer

    source = Path(__file__).resolve().parents[2] / "app" / "dashboard" / "pages" / "overview.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    tiles = next(
        ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "TILES"
    )
    codes = {d.code for d in gazetteer(DEFAULT_CITY).districts}
    assert set(tiles) == codes
    assert len(set(tiles.values())) == len(tiles)  # no two districts on one tile
