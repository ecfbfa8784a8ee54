"""The bad-input corpus: each case names its exact error or quarantine reason, and every other
row of the file still arrives."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlsxwriter

from tests.ingestion.helpers import (
    NEW_HOME_HEADERS,
    landed,
    load_one,
    new_home_row,
    quarantined,
    write_csv,
)

GOOD = [new_home_row(n) for n in range(1, 4)]


def _expect_quarantine(home, path, reason, field, rows, loaded=3, **kwargs):
    batch = load_one(path, home, **kwargs)
    assert batch.status == "loaded", batch.message
    q = quarantined(home)
    assert q.select("row", "reason_code", "field").rows() == [(r, reason, field) for r in rows]
    assert batch.loaded == loaded
    assert batch.read == batch.loaded + batch.quarantined + batch.duplicates
    return batch


def _expect_error(home, path, message, **kwargs):
    batch = load_one(path, home, **kwargs)
    assert batch.status == "rejected"
    assert batch.message == message
    assert not list(home.landing.glob("*/batch_id=b*"))


# ------------------------------------------------------------------ whole-file errors


def test_empty_file_is_rejected(home, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    _expect_error(home, path, "empty.csv: file is empty")


def test_header_only_is_rejected(home, tmp_path):
    path = write_csv(tmp_path / "h.csv", NEW_HOME_HEADERS, [])
    _expect_error(home, path, "h.csv: header only, no data rows")


def test_wrong_encoding_is_rejected_with_offset(home, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("contract_id,note\nA1,café\n".encode("latin-1"))
    _expect_error(
        home,
        path,
        "latin.csv line 2: cannot decode as UTF-8 or GBK/GB18030 (byte 0xe9 at offset 23)",
    )


def test_missing_required_column_is_rejected(home, tmp_path):
    headers = [h for h in NEW_HOME_HEADERS if h != "建筑面积(㎡)"]
    rows = [
        [v for h, v in zip(NEW_HOME_HEADERS, r, strict=True) if h != "建筑面积(㎡)"] for r in GOOD
    ]
    path = write_csv(tmp_path / "noarea.csv", headers, rows)
    _expect_error(
        home,
        path,
        "noarea.csv: required column(s) missing for new_home: area_sqm (建筑面积)",
        source="new_home",
    )


def test_unrecognisable_headers_are_rejected(home, tmp_path):
    path = write_csv(tmp_path / "x.csv", ["foo", "bar"], [["1", "2"]])
    _expect_error(
        home,
        path,
        "x.csv: cannot tell the source from its headers (foo, bar); pass --source or --profile,"
        " or run: housewatch profile suggest FILE",
    )


def test_old_xls_is_rejected(home, tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    _expect_error(home, path, "old.xls: old .xls workbooks are not read; save it as .xlsx")


# ------------------------------------------------------------------ row-level quarantine


def test_truncated_row(home, tmp_path):
    path = tmp_path / "t.csv"
    text = write_csv(tmp_path / "tmp.csv", NEW_HOME_HEADERS, GOOD).read_text()
    path.write_text(text + "HT0009,U0009,P01\n")
    _expect_quarantine(home, path, "truncated_row", None, [5])


def test_extra_fields(home, tmp_path):
    rows = [*GOOD, [*new_home_row(9), "surplus"]]
    path = write_csv(tmp_path / "e.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, "extra_fields", None, [5])


@pytest.mark.parametrize(("area", "reason"), [("-12", "non_positive"), ("0", "non_positive")])
def test_negative_or_zero_area(home, tmp_path, area, reason):
    rows = [*GOOD, new_home_row(9, **{"建筑面积(㎡)": area})]
    path = write_csv(tmp_path / "a.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, reason, "area_sqm", [5])


def test_yuan_written_in_wan_column_is_implausible(home, tmp_path):
    rows = [*GOOD, new_home_row(9, **{"合同总价(万元)": "2500000"})]
    path = write_csv(tmp_path / "u.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, "implausible_unit_price", "total_price_yuan", [5])
    assert landed(home, "new_home").get_column("total_price_yuan").to_list() == [2_500_000.0] * 3


def test_impossible_date(home, tmp_path):
    rows = [*GOOD, new_home_row(9, 签约日期="2021-02-30")]
    path = write_csv(tmp_path / "d.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, "bad_date", "sign_date", [5])


def test_future_date(home, tmp_path):
    rows = [*GOOD, new_home_row(9, 签约日期="2099-01-01")]
    path = write_csv(tmp_path / "f.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, "future_date", "sign_date", [5])


def test_duplicate_row_within_file_is_a_duplicate(home, tmp_path):
    path = write_csv(tmp_path / "dup.csv", NEW_HOME_HEADERS, [*GOOD, GOOD[1]])
    batch = load_one(path, home)
    assert (batch.read, batch.loaded, batch.quarantined, batch.duplicates) == (4, 3, 0, 1)


def test_same_id_with_other_values_within_file_is_a_conflict(home, tmp_path):
    rows = [*GOOD, new_home_row(2, **{"合同总价(万元)": "260"})]
    path = write_csv(tmp_path / "c.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, "duplicate_key_conflict", "contract_id", [5])


def test_duplicate_across_files(home, tmp_path):
    load_one(write_csv(tmp_path / "m1.csv", NEW_HOME_HEADERS, GOOD), home)
    rows = [GOOD[0], new_home_row(7)]
    batch = load_one(write_csv(tmp_path / "m2.csv", NEW_HOME_HEADERS, rows), home)
    assert (batch.read, batch.loaded, batch.duplicates) == (2, 1, 1)
    assert sorted(landed(home, "new_home").get_column("contract_id")) == [
        "HT0001", "HT0002", "HT0003", "HT0007",
    ]  # fmt: skip


@pytest.mark.parametrize("missing", ["暂无数据", "na", "NULL", "--", ""])
def test_null_spellings_in_optional_field_load_as_null(home, tmp_path, missing):
    rows = [*GOOD[:2], new_home_row(3, **{"备案单价(元/㎡)": missing})]
    batch = load_one(write_csv(tmp_path / "n.csv", NEW_HOME_HEADERS, rows), home)
    assert (batch.loaded, batch.quarantined) == (3, 0)
    filed = landed(home, "new_home").sort("contract_id").get_column("filed_price_yuan_per_sqm")
    assert filed.to_list() == [26000.0, 26000.0, None]


def test_null_spelling_in_required_field_is_missing(home, tmp_path):
    rows = [*GOOD, new_home_row(9, **{"建筑面积(㎡)": "暂无数据"})]
    path = write_csv(tmp_path / "r.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, "missing_required", "area_sqm", [5])


def test_extremely_long_text(home, tmp_path):
    rows = [*GOOD, new_home_row(9, 项目名称="长" * 10_000)]
    path = write_csv(tmp_path / "l.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, "text_too_long", "project_name", [5])


def test_control_characters_are_stripped(home, tmp_path):
    rows = [*GOOD[:2], new_home_row(3, 项目名称="濠河\x00名\x07邸\x1b")]
    load_one(write_csv(tmp_path / "cc.csv", NEW_HOME_HEADERS, rows), home)
    names = landed(home, "new_home").sort("contract_id").get_column("project_name").to_list()
    assert names == ["濠河名邸"] * 3


def test_sql_looking_text_arrives_verbatim(home, tmp_path):
    evil = "'); DROP TABLE landing; --"
    rows = [*GOOD[:2], new_home_row(3, 项目名称=evil)]
    load_one(write_csv(tmp_path / "sql.csv", NEW_HOME_HEADERS, rows), home)
    assert evil in landed(home, "new_home").get_column("project_name").to_list()


def test_odd_file_name_with_spaces_and_chinese(home, tmp_path):
    path = write_csv(tmp_path / "新建 网签 (2021年4月) —终版.csv", NEW_HOME_HEADERS, GOOD)
    batch = load_one(path, home)
    assert (batch.file_name, batch.loaded) == ("新建 网签 (2021年4月) —终版.csv", 3)


def test_district_typo_is_unknown_district(home, tmp_path):
    rows = [*GOOD, new_home_row(9, 区县="崇川去")]
    path = write_csv(tmp_path / "typo.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, "unknown_district", "district", [5])


def test_bad_number(home, tmp_path):
    rows = [*GOOD, new_home_row(9, **{"建筑面积(㎡)": "12O.5"})]
    path = write_csv(tmp_path / "bn.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, "bad_number", "area_sqm", [5])


def test_value_outside_allowed_list(home, tmp_path):
    rows = [*GOOD, new_home_row(9, 房屋用途="宇宙飞船")]
    path = write_csv(tmp_path / "ev.csv", NEW_HOME_HEADERS, rows)
    _expect_quarantine(home, path, "bad_value", "usage", [5])


def test_unknown_columns_are_reported_not_fatal(home, tmp_path):
    headers = [*NEW_HOME_HEADERS, "备注栏", "内部流水号"]
    rows = [[*r, "x", "1"] for r in GOOD]
    batch = load_one(write_csv(tmp_path / "uc.csv", headers, rows), home)
    assert batch.loaded == 3
    assert batch.unknown_columns == ["备注栏", "内部流水号"]


def test_blank_rows_are_counted_apart_not_quarantined(home, tmp_path):
    text = write_csv(tmp_path / "tmp.csv", NEW_HOME_HEADERS, GOOD).read_text()
    lines = text.splitlines()
    path = tmp_path / "blank.csv"
    path.write_text("\n".join([lines[0], lines[1], ",,,,,,,,,,,,", "", lines[2], lines[3]]) + "\n")
    batch = load_one(path, home)
    assert (batch.read, batch.loaded, batch.blank_rows) == (3, 3, 2)


def test_broken_json_line(home, tmp_path):
    good = '{"registration_id": "R%d", "community": "文峰小区", "district": "崇川区", "rent_type": "整租", "area_sqm": "80", "monthly_rent_yuan": "2600", "start_date": "2024-03-01"}'  # noqa: E501
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join([good % 1, '{"registration_id": "R2", "commu', good % 3]) + "\n")
    _expect_quarantine(home, path, "bad_json", None, [2], loaded=2)


# ------------------------------------------------------------------ Excel


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    """A title merged across the top, a blank row, then the header (row 3)."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.merge_range(0, 0, 0, len(NEW_HOME_HEADERS) - 1, "南通市新建商品房网签汇总表（2021年4月）")
    ws.write_row(2, 0, NEW_HOME_HEADERS)
    for i, row in enumerate(rows, start=3):
        ws.write_row(i, 0, row)
    wb.close()
    return path


def test_excel_title_rows_above_header(home, tmp_path):
    batch = load_one(_workbook(tmp_path / "t.xlsx", GOOD), home)
    assert (batch.format, batch.loaded, batch.quarantined) == ("xlsx", 3, 0)
    rows = landed(home, "new_home").sort("contract_id").get_column("_row").to_list()
    assert rows == [4, 5, 6]  # the sheet rows a person sees in Excel


def test_excel_formula_without_cached_value(home, tmp_path):
    path = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()  # openpyxl stores formulas with no cached result
    ws = wb.active
    ws.append(["南通市新建商品房网签汇总表"])
    ws.append(NEW_HOME_HEADERS)
    for row in [*GOOD, new_home_row(9, **{"合同总价(万元)": "=H3*2"})]:
        ws.append(row)
    wb.save(path)
    _expect_quarantine(home, path, "formula_without_value", "total_price_yuan", [6])


def test_excel_formula_with_cached_value_uses_the_value(home, tmp_path):
    # a formula with the result Excel cached when it saved the file
    wb2 = xlsxwriter.Workbook(tmp_path / "fc2.xlsx")
    sheet = wb2.add_worksheet()
    sheet.write_row(0, 0, NEW_HOME_HEADERS)
    for i, row in enumerate(GOOD, start=1):
        sheet.write_row(i, 0, row)
    sheet.write_formula(1, 7, "=125*2", None, 250)
    wb2.close()
    batch = load_one(tmp_path / "fc2.xlsx", home)
    assert (batch.loaded, batch.quarantined) == (3, 0)
    assert landed(home, "new_home").get_column("total_price_yuan").to_list() == [2_500_000.0] * 3


def test_excel_merged_district_cells_fill_down(home, tmp_path):
    path = tmp_path / "m.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, NEW_HOME_HEADERS)
    for i, row in enumerate(GOOD, start=1):
        ws.write_row(i, 0, row)
    col = NEW_HOME_HEADERS.index("区县")
    ws.merge_range(1, col, 3, col, "通州区")
    wb.close()
    batch = load_one(path, home)
    assert batch.loaded == 3
    codes = landed(home, "new_home").get_column("district_code").to_list()
    assert codes == ["320612"] * 3


def test_every_quarantined_row_keeps_its_original_values_without_personal_data(home, tmp_path):
    rows = [*GOOD, new_home_row(9, **{"建筑面积(㎡)": "-5"})]
    load_one(write_csv(tmp_path / "o.csv", NEW_HOME_HEADERS, rows), home)
    original = quarantined(home).get_column("original").str.json_decode().to_list()[0]
    assert original["area_sqm"] == "-5"
    assert original["contract_id"] == "HT0009"
    assert "320602199001010009" not in str(original)
    assert "13800000009" not in str(original)
    assert len(original["buyer_id"]) == 32


def test_landed_frame_never_holds_ids_or_phones(home, tmp_path):
    load_one(write_csv(tmp_path / "p.csv", NEW_HOME_HEADERS, GOOD), home)
    df = landed(home, "new_home")
    text = df.write_csv()
    assert "3206021990010" not in text and "138000" not in text
    assert "buyer_id" not in df.columns and "buyer_phone" not in df.columns
    assert df.get_column("buyer_key").n_unique() == 3
    assert pl.Series(df.get_column("buyer_key")).str.len_chars().to_list() == [32] * 3
