"""Day one at a bureau: exports in shapes the project never saw load through the profile
`housewatch profile suggest` writes, unedited, with exact counts and hand-computed values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from housewatch.cli import app
from tests.ingestion.exports import EXPORTS, Export, bureau_new_home_gbk
from tests.ingestion.helpers import assert_landed, everything_under, landed, load_one

runner = CliRunner()


def _suggest(export: Export, out: Path) -> str:
    result = runner.invoke(app, ["profile", "suggest", str(export.path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_loads_through_the_suggested_profile_unedited(name, home, tmp_path):
    export = EXPORTS[name](tmp_path)
    text = _suggest(export, home.profiles / f"{name}.yml")
    assert f"source: {export.source}" in text

    # recognised from its headers with no flags, like a built-in profile
    batch = load_one(export.path, home)
    assert batch.status == "loaded", batch.message
    assert batch.profile is not None and batch.source == export.source
    assert (batch.read, batch.loaded, batch.quarantined) == (
        export.read,
        export.loaded,
        export.quarantined,
    )
    assert_landed(home, export)
    everything = everything_under(home) + text
    for secret in export.secrets:
        assert secret not in everything


def test_suggested_profile_says_how_it_decided(home, tmp_path):
    export = bureau_new_home_gbk(tmp_path)
    text = _suggest(export, tmp_path / "p.yml")
    lines = {line.split(":")[0].strip(): line for line in text.splitlines()}
    assert "unit: 万元" in lines["total_price_yuan"] and "median 170.5" in lines["total_price_yuan"]
    assert "join: [项目名称, 楼栋号, 房间号]" in lines["unit_id"]
    assert "derived: project + building + room" in lines["unit_id"]
    assert "values are district names" in lines["district"]
    assert "# personal data, not loaded: 联系方式" in text
    assert "# unmatched headers, not loaded: 经办人, 备注" in text


def test_loading_through_profile_path_without_installing_it(home, tmp_path):
    export = bureau_new_home_gbk(tmp_path)
    _suggest(export, tmp_path / "bureau.yml")
    result = runner.invoke(
        app, ["load", str(export.path), "--profile", str(tmp_path / "bureau.yml")]
    )
    assert result.exit_code == 0, result.output
    assert landed(home, "new_home").height == 40


def test_without_a_profile_the_bureau_file_is_refused_with_a_hint(home, tmp_path):
    export = bureau_new_home_gbk(tmp_path)
    batch = load_one(export.path, home, source="new_home")
    assert batch.status == "rejected"
    assert "unit_id" in batch.message and "project_id" in batch.message


def test_vague_headers_are_matched_by_their_values(home, tmp_path):
    """`日期`, `区`, `类别`, `金额`: only the values tell which column each is."""
    rows = [
        [f"H{n}", "某小区", "崇川", "住宅", f"{70 + n}", f"{1_200_000 + n}", f"2024-02-{n:02d}"]
        for n in range(1, 11)
    ]
    from tests.ingestion.helpers import write_csv

    path = write_csv(
        tmp_path / "简表.csv", ["编号", "名称", "区", "类别", "面积", "金额", "日期"], rows
    )
    text = _suggest(Export(path, "resale", 10, 10), tmp_path / "p.yml")
    assert "sign_date: {from: 日期}" in text and "values are dates" in text
    assert "usage: {from: 类别}" in text
    assert "district: {from: 区}" in text


def test_required_column_without_any_candidate_is_one_line(home, tmp_path):
    from tests.ingestion.helpers import write_csv

    path = write_csv(tmp_path / "x.csv", ["合同编号", "小区名称", "区县"], [["A", "B", "崇川区"]])
    result = runner.invoke(app, ["profile", "suggest", str(path), "--source", "resale"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert message.startswith("error: x.csv: no column for the required")
    assert "of resale" in message and "write the profile by hand" in message


# ---------------------------------------------------------------- validation


def _profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.yml"
    path.write_text(body, encoding="utf-8")
    return path


BASE = """name: bad
source: resale
match: {headers: [合同号]}
columns:
  contract_id: {from: 合同号}
  community: {from: 小区}
  district: {from: 区县}
  usage: {constant: 住宅}
  area_sqm: {from: 面积}
  total_price_yuan: {from: 总价, unit: 万元}
  sign_date: {from: 日期}
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("  community: {from: 小区}", "  communty: {from: 小区}"),
         "bad.yml: columns.communty: unknown canonical column for resale"),
        (("{from: 面积}", "{from: 面积, trim: true}"),
         "bad.yml: columns.area_sqm.trim: unknown operation"),
        (("unit: 万元", "unit: 万美元"),
         "bad.yml: columns.total_price_yuan.unit: unit '万美元' not allowed for total_price_yuan"),
        (("  community: {from: 小区}", "  community: {from: 小区, unit: 万元}"),
         "bad.yml: columns.community.unit: unit not allowed: community has no unit"),
        (("source: resale", "source: resold"), "bad.yml: source: unknown source 'resold'"),
        (("  sign_date: {from: 日期}\n", ""),
         "bad.yml: columns: required column(s) of resale not mapped: sign_date (签约日期)"),
        (("{constant: 住宅}", "{constant: 住宅, from: 用途}"),
         "bad.yml: columns.usage: needs exactly one of from, constant, hash_of, join"),
    ],
)  # fmt: skip
def test_profile_errors_name_file_key_and_problem(tmp_path, change, message):
    from core.errors import UserError
    from ingest.profiles import read_profile

    path = _profile(tmp_path, BASE.replace(*change))
    with pytest.raises(UserError) as caught:
        read_profile(path)
    text = str(caught.value)
    assert "\n" not in text
    assert text.removeprefix(str(tmp_path) + "/").startswith(message), text


def test_header_not_in_the_file_is_named_when_loading(home, tmp_path):
    from tests.ingestion.helpers import write_csv

    path = write_csv(
        tmp_path / "d.csv",
        ["合同号", "小区", "区县", "面积", "总价", "签约日"],
        [["A1", "某小区", "崇川区", "90", "120", "2024-01-02"]],
    )
    batch = load_one(path, home, profile_name=str(_profile(tmp_path, BASE)))
    assert batch.status == "rejected"
    assert (
        batch.message
        == "d.csv (profile bad): columns.sign_date.from: header '日期' not in the file"
    )


def test_a_broken_user_profile_is_named_by_list_and_load(home, tmp_path):
    home.profiles.mkdir(parents=True)
    (home.profiles / "broken.yml").write_text(BASE.replace("source: resale", "source: x"), "utf-8")
    result = runner.invoke(app, ["profile", "list"])
    assert result.exit_code == 2
    assert "broken.yml: source: unknown source 'x'" in " ".join(result.output.split())


def test_profile_list_and_show_name_user_and_builtin(home, tmp_path):
    export = bureau_new_home_gbk(tmp_path)
    _suggest(export, home.profiles / "bureau.yml")
    listed = runner.invoke(app, ["profile", "list", "--json"])
    assert listed.exit_code == 0
    where = {p["name"]: p["from"] for p in json.loads(listed.output)}
    assert where["lianjia_dalian_csv"] == "built-in"
    assert where["new_home_网签导出_2024"] == str(home.profiles / "bureau.yml")
    shown = runner.invoke(app, ["profile", "show", "new_home_网签导出_2024"])
    assert shown.exit_code == 0 and "unit_id: {join: [项目名称, 楼栋号, 房间号]" in shown.output
    assert runner.invoke(app, ["profile", "show", "nope"]).exit_code == 2


def test_a_user_profile_may_not_take_a_builtin_name(home):
    home.profiles.mkdir(parents=True)
    text = BASE.replace("name: bad", "name: lianjia_dalian_csv")
    (home.profiles / "mine.yml").write_text(text, "utf-8")
    from core.errors import UserError
    from ingest.profiles import profiles

    with pytest.raises(
        UserError, match=r"mine\.yml: name: profile 'lianjia_dalian_csv' is already"
    ):
        profiles()
