"""Reader faults from issue 10: a huge CSV value, stray bytes in another encoding, workbooks with
data on another sheet or formulas in dropped columns, comma-shifted rows, symbolic links out of
a load folder and relative paths in the ledger. Each file is built here, by hand."""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from core.errors import UserError
from housewatch.cli import app
from ingest.encodings import decode_lines
from ingest.ledger import Ledger
from pipeline.load import expand, load
from tests.ingestion.helpers import (
    NEW_HOME_HEADERS,
    csv_text,
    landed,
    load_one,
    new_home_row,
    quarantined,
    write_csv,
)

GOOD = [new_home_row(n) for n in range(1, 4)]
HUGE = "长" * 70_000  # 210,000 bytes of UTF-8, over the 128 KB a CSV field could hold


def _reasons(home) -> list[tuple[int, str, str | None]]:
    return quarantined(home).sort("row").select("row", "reason_code", "field").rows()


def _reconciles(batch) -> None:
    assert batch.status == "loaded", batch.message
    assert batch.read == batch.loaded + batch.quarantined + batch.duplicates


# ------------------------------------------------------------------ 7: a value over 128 KB


@pytest.mark.parametrize(
    ("column", "field", "delimiter", "encoding"),
    [
        ("项目名称", "project_name", ",", "utf-8"),
        ("项目名称", "project_name", "\t", "gbk"),
        ("联系电话", "buyer_phone", ",", "utf-8"),  # a column the contract drops
        ("建筑面积(㎡)", "area_sqm", ",", "utf-8-sig"),
    ],
)
def test_csv_value_over_128_kb_quarantines_its_row_only(
    home, tmp_path, column, field, delimiter, encoding
):
    rows = [*GOOD, new_home_row(9, **{column: HUGE}), new_home_row(4)]
    text = csv_text(NEW_HOME_HEADERS, rows).replace(",", delimiter)
    path = tmp_path / "huge.csv"
    path.write_bytes(text.encode(encoding))
    batch = load_one(path, home)
    _reconciles(batch)
    assert (batch.read, batch.loaded, batch.quarantined) == (5, 4, 1)
    assert _reasons(home) == [(5, "text_too_long", field)]
    original = quarantined(home).get_column("original").to_list()[0]
    assert HUGE not in original  # a value that size is kept as its hash, not in quarantine


def test_csv_huge_quoted_value_over_several_lines(home, tmp_path):
    rows = [*GOOD, new_home_row(9, 项目名称=("濠河名邸\n" * 30_000))]
    batch = load_one(write_csv(tmp_path / "q.csv", NEW_HOME_HEADERS, rows), home)
    _reconciles(batch)
    assert _reasons(home) == [(5, "text_too_long", "project_name")]
    assert batch.loaded == 3


def test_quote_never_closed_is_one_line_error_not_rows_swallowed(home, tmp_path):
    lines = csv_text(NEW_HOME_HEADERS, [*GOOD, new_home_row(4), new_home_row(5)]).splitlines()
    lines[2] = lines[2].replace("濠河名邸", '"濠河名邸')  # opens a quote on line 3
    path = tmp_path / "open.csv"
    path.write_text("\n".join(lines) + "\n")
    batch = load_one(path, home)
    assert batch.status == "rejected"
    assert batch.message == (
        "open.csv line 3: a quote opened in this record is never closed"
        " (lines 3-6 would read as one record)"
    )


@pytest.mark.parametrize(("column", "field"), [("项目名称", "project_name"), ("备注", None)])
def test_parquet_and_jsonl_values_over_128_kb_quarantine_their_row(home, tmp_path, column, field):
    headers = [*NEW_HOME_HEADERS, "备注"]
    rows = [[*r, "x"] for r in [*GOOD, new_home_row(9)]]
    rows[3][headers.index(column)] = HUGE
    frame = pl.DataFrame([dict(zip(headers, r, strict=True)) for r in rows])
    frame.write_parquet(tmp_path / "p.parquet")
    batch = load_one(tmp_path / "p.parquet", home)
    _reconciles(batch)
    assert _reasons(home) == [(4, "text_too_long", field)]
    lines = [json.dumps(dict(zip(headers, r, strict=True)), ensure_ascii=False) for r in rows]
    (tmp_path / "j.jsonl").write_text("\n".join(lines) + "\n")
    batch = load_one(tmp_path / "j.jsonl", home)
    _reconciles(batch)
    assert (batch.loaded, batch.reasons) == (0, {"text_too_long": 1})  # 3 duplicates of p


# ------------------------------------------------------------------ 8: stray bytes


def _gbk_with(rows: list[tuple[list[str], str]], headers: list[str] = NEW_HOME_HEADERS) -> bytes:
    """A GBK file whose rows are each written in their own encoding."""
    out = csv_text(headers, []).encode("gbk")
    for row, encoding in rows:
        out += csv_text(headers, [row]).split("\n", 1)[1].encode(encoding)
    return out


def test_gbk_file_with_a_utf8_row_quarantines_that_row(home, tmp_path):
    # line 4 is all UTF-8: as GBK it does not decode (the whole file was refused, offset 0)
    rows = [(GOOD[0], "gbk"), (GOOD[1], "gbk"), (new_home_row(9, 项目名称="融创壹号院"), "utf-8")]
    path = tmp_path / "g.csv"
    path.write_bytes(_gbk_with([*rows, (GOOD[2], "gbk")]))
    batch = load_one(path, home)
    _reconciles(batch)
    assert (batch.encoding, batch.loaded) == ("gb18030", 3)
    assert _reasons(home) == [(4, "bad_encoding", None)]
    assert set(landed(home, "new_home").get_column("project_name")) == {"濠河名邸"}


def test_utf8_pasted_into_a_gbk_line_never_lands_as_mojibake(home, tmp_path):
    # 融创 in UTF-8 inside a GBK line decodes "cleanly" as GBK to 铻嶅垱 (it used to load)
    head, tail = "HT0009,U0009,P01,", ",崇川区,住宅,100,250,26000,2021-04-01,已备案,3206021990,"
    line = head.encode("gbk") + "融创".encode() + tail.encode("gbk") + b"\n"
    path = tmp_path / "m.csv"
    path.write_bytes(_gbk_with([(r, "gbk") for r in GOOD]) + line)
    batch = load_one(path, home)
    _reconciles(batch)
    assert _reasons(home) == [(5, "bad_encoding", None)]
    text = landed(home, "new_home").write_csv() + quarantined(home).write_csv()
    assert "铻嶅垱" not in text


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_file_with_a_gbk_row_quarantines_that_row(home, tmp_path, bom):
    text = csv_text(NEW_HOME_HEADERS, GOOD).encode()
    stray = csv_text(NEW_HOME_HEADERS, [new_home_row(9)]).split("\n", 1)[1].encode("gbk")
    path = tmp_path / "u.csv"
    path.write_bytes(bom + text.replace(b"\n", b"\r\n", 2) + stray)
    batch = load_one(path, home)
    _reconciles(batch)
    assert (batch.encoding, batch.loaded) == ("utf-8-sig" if bom else "utf-8", 3)
    assert _reasons(home) == [(5, "bad_encoding", None)]


def test_jsonl_line_in_another_encoding_is_bad_encoding(home, tmp_path):
    rec = {"registration_id": "R1", "community": "文峰小区", "district": "崇川区",
           "rent_type": "整租", "area_sqm": "80", "monthly_rent_yuan": "2600",
           "start_date": "2024-03-01"}  # fmt: skip
    lines = [json.dumps({**rec, "registration_id": f"R{n}"}, ensure_ascii=False) for n in (1, 2, 3)]
    data = "\n".join(lines[:2]).encode() + b"\n" + lines[2].encode("gbk") + b"\n"
    (tmp_path / "r.jsonl").write_bytes(data)
    batch = load_one(tmp_path / "r.jsonl", home)
    _reconciles(batch)
    assert (batch.loaded, batch.reasons) == (2, {"bad_encoding": 1})
    assert quarantined(home).get_column("row").to_list() == [3]


def test_bad_encoding_rows_keep_no_personal_data_anywhere(home, tmp_path):
    headers = [*NEW_HOME_HEADERS, "买受人姓名"]
    secrets = ["欧阳明轩", "320602199001011234", "13812345678", "司马静怡", "32060219851231567X"]
    bad = [
        ([*new_home_row(8, 买受人证件号码=secrets[1], 联系电话=secrets[2]), secrets[0]], "utf-8"),
        ([*new_home_row(9, 项目名称=f"{secrets[4]}转{secrets[3]}"), secrets[3]], "utf-8"),
    ]
    good = [([*r, "张三"], "gbk") for r in GOOD]
    path = tmp_path / "p.csv"
    path.write_bytes(_gbk_with([*good, *bad], headers))
    batch = load_one(path, home)
    _reconciles(batch)
    assert batch.reasons == {"bad_encoding": 2}
    everything = quarantined(home).write_csv() + landed(home, "new_home").write_csv()
    ledger = [b.to_dict() for b in Ledger(home.ledger).batches()]
    everything += json.dumps(ledger, ensure_ascii=False)
    assert [s for s in secrets if s in everything] == []
    original = json.loads(quarantined(home).get_column("original").to_list()[0])
    assert original["contract_id"].startswith("[隐去:") and original["area_sqm"] == "100"


def test_mostly_undecodable_file_is_refused_naming_line_and_true_offset(tmp_path):
    text = "contract_id,note\r\nA1,ok\r\nA2,café\r\nA3,naïve\r\n"
    data = b"\xef\xbb\xbf" + text.encode("latin-1")
    with pytest.raises(UserError) as exc:
        decode_lines(data[3:], "x.csv")
    offset = data[3:].index(b"\xe9")
    assert str(exc.value) == (
        f"x.csv line 3: cannot decode as UTF-8 or GBK/GB18030 (byte 0xe9 at offset {offset})"
    )
    decoded = decode_lines(data + "A4,濠河\r\nA5,名邸\r\nA6,崇川\r\n".encode(), "x.csv")
    assert (decoded.encoding, sorted(decoded.bad)) == ("utf-8-sig", [3, 4])


# ------------------------------------------------------------------ 9a/b: workbooks


def _sheet_rows(ws, rows: list[list[str]]) -> None:
    ws.append(NEW_HOME_HEADERS)
    for row in rows:
        ws.append(row)


@pytest.mark.parametrize("first", ["notes", "empty", "header_only"])
def test_xlsx_data_on_the_second_sheet(home, tmp_path, first):
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "说明"
    if first == "notes":
        cover.append(["南通市新建商品房网签数据", "导出说明"])
        cover.append(["数据来源", "住建局"])
    elif first == "header_only":
        cover.append(NEW_HOME_HEADERS)  # a template sheet: header, no rows
    _sheet_rows(wb.create_sheet("数据"), GOOD)
    wb.save(tmp_path / "s.xlsx")
    batch = load_one(tmp_path / "s.xlsx", home)
    _reconciles(batch)
    assert (batch.loaded, batch.quarantined) == (3, 0)
    assert landed(home, "new_home").get_column("_row").sort().to_list() == [2, 3, 4]


def test_xlsx_with_data_on_two_sheets_is_refused_naming_them(home, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "3月"
    _sheet_rows(wb.active, GOOD[:2])
    wb.create_sheet("备注").append(["说明"])
    _sheet_rows(wb.create_sheet("4月"), GOOD[2:])
    wb.save(tmp_path / "two.xlsx")
    batch = load_one(tmp_path / "two.xlsx", home)
    assert batch.status == "rejected"
    assert batch.message == (
        "two.xlsx: sheets '3月', '4月' each hold a header and data rows;"
        " save the one to load as a workbook of its own"
    )


@pytest.mark.parametrize(
    ("header", "formula"),
    [
        ("联系电话", '=HYPERLINK("tel:13800000009","13800000009")'),  # dropped by the contract
        ("内部备注", "=A2&B2"),  # a column no contract knows
    ],
)
def test_uncached_formula_in_a_column_nobody_uses_does_not_quarantine(
    home, tmp_path, header, formula
):
    headers = [*NEW_HOME_HEADERS, "内部备注"]
    wb = openpyxl.Workbook()  # openpyxl writes formulas without a cached value
    wb.active.append(headers)
    for row in [*GOOD, new_home_row(9)]:
        cells = dict(zip(headers, [*row, "x"], strict=True))
        cells[header] = formula if row[0] == "HT0009" else cells[header]
        wb.active.append([cells[h] for h in headers])
    wb.save(tmp_path / "f.xlsx")
    batch = load_one(tmp_path / "f.xlsx", home)
    _reconciles(batch)
    assert (batch.loaded, batch.quarantined) == (4, 0)
    assert "13800000009" not in landed(home, "new_home").write_csv()


# ------------------------------------------------------------------ 9c: comma-shifted rows

SHIFT_HEADERS = [
    "合同编号", "不动产单元号", "项目编号", "区县", "房屋用途", "项目名称", "建筑面积(㎡)",
    "合同总价(万元)", "签约日期", "合同状态", "备案单价(元/㎡)",
]  # fmt: skip


def _shift_row(n: int, name: str = "濠河名邸", tail: str = "") -> str:
    return f"HT{n:04d},U{n:04d},P01,崇川区,住宅,{name},100,250,2021-04-01,已备案,{tail}"


@pytest.mark.parametrize(
    ("name", "trailer"),
    [("濠河,名邸", ""), ("濠河,名,邸", ""), ("濠河,名邸", ",")],  # one or two commas; padded lines
)
def test_comma_shifted_row_with_empty_surplus_is_extra_fields(home, tmp_path, name, trailer):
    lines = [",".join(SHIFT_HEADERS) + trailer]
    lines += [_shift_row(n) + trailer for n in (1, 2, 3)] + [_shift_row(9, name) + trailer]
    (tmp_path / "s.csv").write_text("\n".join(lines) + "\n")
    batch = load_one(tmp_path / "s.csv", home)
    _reconciles(batch)
    assert batch.loaded == 3
    assert _reasons(home) == [(5, "extra_fields", None)]


def test_a_delimiter_after_every_line_is_not_a_shift(home, tmp_path):
    lines = [",".join(SHIFT_HEADERS)] + [_shift_row(n) + "," for n in (1, 2, 3)]
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n")
    batch = load_one(tmp_path / "t.csv", home)
    assert (batch.loaded, batch.quarantined) == (3, 0)


# ------------------------------------------------------------------ 9d/e: paths


def test_symlink_out_of_the_load_folder_is_refused(home, tmp_path):
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    write_csv(inbox / "2021-04.csv", NEW_HOME_HEADERS, GOOD)
    secret = write_csv(elsewhere / "other.csv", NEW_HOME_HEADERS, [new_home_row(7)])
    (inbox / "2021-05.csv").symlink_to(secret)
    with pytest.raises(UserError) as exc:
        expand([inbox])
    assert str(exc.value) == (
        f"{inbox / '2021-05.csv'}: a symbolic link to {secret.resolve()}, outside {inbox};"
        " not followed"
        " (copy the file into the folder, or name it on the command line)"
    )
    result = CliRunner().invoke(app, ["load", str(inbox)])
    assert result.exit_code == 2
    assert "outside" in result.stderr and not home.ledger.exists()


def test_symlinked_folder_out_of_the_load_folder_is_refused(tmp_path):
    inbox = tmp_path / "inbox"
    write_csv(inbox / "a.csv", NEW_HOME_HEADERS, GOOD)
    write_csv(tmp_path / "elsewhere" / "b.csv", NEW_HOME_HEADERS, GOOD)
    (inbox / "more").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(UserError, match=r"more: a symbolic link to .*elsewhere, outside"):
        expand([inbox])


def test_symlink_within_the_load_folder_is_fine(home, tmp_path):
    inbox = tmp_path / "inbox"
    real = write_csv(inbox / "2021" / "04.csv", NEW_HOME_HEADERS, GOOD)
    (inbox / "latest.csv").symlink_to(real)
    (inbox / "current").symlink_to(inbox / "2021", target_is_directory=True)
    assert expand([inbox]) == [real]
    report = load([inbox], home)
    assert [(b.status, b.loaded) for b in report.batches] == [("loaded", 3)]


def test_ledger_stores_resolved_absolute_paths(home, tmp_path, monkeypatch):
    write_csv(tmp_path / "in" / "m.csv", NEW_HOME_HEADERS, GOOD)
    (tmp_path / "link.csv").symlink_to(tmp_path / "in" / "m.csv")
    monkeypatch.chdir(tmp_path / "in")
    batch = load_one(Path("..") / "in" / "m.csv", home)
    assert batch.file == str((tmp_path / "in" / "m.csv").resolve())
    assert Ledger(home.ledger).batches()[0].file == batch.file
    rows = [new_home_row(5)]
    write_csv(tmp_path / "in" / "n.csv", NEW_HOME_HEADERS, rows)
    os.replace(tmp_path / "in" / "n.csv", tmp_path / "in" / "m.csv")
    batch = load_one(Path("../link.csv"), home)
    assert (batch.file, batch.file_name) == (str((tmp_path / "in" / "m.csv").resolve()), "link.csv")
