"""Unit tests for headers, readers and normalisers, one behaviour per test."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from core.errors import UserError
from ingest.headers import detect_source, map_headers, split_header
from ingest.normalise import Options, normalise
from ingest.pseudonymise import Pseudonymiser
from ingest.readers import decode, read_table
from ingest.schemas import contract
from tests.ingestion.helpers import NEW_HOME_HEADERS, csv_text, landed, load_one, new_home_row


def _known(text: str) -> bool:
    return text in NEW_HOME_HEADERS


# ------------------------------------------------------------------ headers and units


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("合同总价（万元）", ("合同总价", "万元")),
        ("建筑面积(㎡)", ("建筑面积", "m2")),
        (" 成交单价 (元/平方米) ", ("成交单价", "元/平方米")),
        ("\ufeff合同编号", ("合同编号", None)),
        ("Total_Price", ("total_price", None)),
    ],
)
def test_split_header(header, expected):
    assert split_header(header) == expected


@pytest.mark.parametrize(
    ("header", "factor"),
    [
        ("合同总价(万元)", 1e4),
        ("合同总价(元)", 1.0),
        ("合同总价", 1.0),
        ("total_price_wan", 1e4),
        ("合同总价(亿元)", 1e8),
    ],
)
def test_money_units_by_header(header, factor):
    mapping = map_headers([header], contract("new_home"), "f.csv")
    assert mapping.columns[0].factor == factor


def test_area_in_mu_converts_to_square_metres():
    mapping = map_headers(["出让面积(亩)"], contract("land"), "f.csv")
    assert mapping.columns[0].factor == pytest.approx(666.6667, rel=1e-6)


def test_unknown_unit_is_a_one_line_error():
    with pytest.raises(UserError, match=r"f.csv, column '合同总价\(美元\)': unit '美元'"):
        map_headers(["合同总价(美元)"], contract("new_home"), "f.csv")


def test_two_headers_for_one_column_is_an_error():
    with pytest.raises(
        UserError, match="columns '总价' and '合同总价' both map to total_price_yuan"
    ):
        map_headers(["总价", "合同总价"], contract("new_home"), "f.csv")


@pytest.mark.parametrize(
    ("headers", "source"),
    [
        (NEW_HOME_HEADERS, "new_home"),
        (
            [
                "地块编号",
                "区县",
                "土地用途",
                "出让面积(㎡)",
                "起始价(万元)",
                "出让方式",
                "出让结果",
                "成交日期",
            ],
            "land",
        ),
        (
            [
                "registration_id",
                "community",
                "district",
                "rent_type",
                "area_sqm",
                "monthly_rent_yuan",
                "start_date",
            ],
            "rental",
        ),
        (["机构代码", "机构名称", "报告期", "各项贷款余额(万元)"], "credit"),
        (
            [
                "district",
                "year",
                "market",
                "target_min_pct",
                "target_max_pct",
                "doc_source",
                "valid_from",
            ],
            "ref_control_targets",
        ),
    ],
)
def test_detect_source_from_headers(headers, source):
    assert detect_source(headers, "f") == source


# ------------------------------------------------------------------ readers


def test_gbk_csv_is_detected(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes(csv_text(NEW_HOME_HEADERS, [new_home_row(1)]).encode("gbk"))
    table = read_table(path, _known)
    assert table.encoding == "gb18030"
    assert table.headers == NEW_HOME_HEADERS
    assert table.frame.get_column("c4").to_list() == ["崇川区"]


def test_utf8_bom_and_crlf(tmp_path):
    path = tmp_path / "b.csv"
    text = csv_text(NEW_HOME_HEADERS, [new_home_row(1)]).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    table = read_table(path, _known)
    assert (table.encoding, table.headers[0]) == ("utf-8-sig", "合同编号")


def test_tab_separated_with_title_line(tmp_path):
    path = tmp_path / "t.tsv"
    lines = ["南通市网签数据导出\t\t", "\t".join(NEW_HOME_HEADERS), "\t".join(new_home_row(1))]
    path.write_text("\n".join(lines) + "\n")
    table = read_table(path, _known)
    assert table.headers == NEW_HOME_HEADERS
    assert table.frame.get_column("_row").to_list() == [3]


def test_quoted_fields_with_commas_and_newlines(tmp_path):
    path = tmp_path / "q.csv"
    row = new_home_row(1, 项目名称="濠河,名邸\n二期")
    path.write_text(csv_text(NEW_HOME_HEADERS, [row, new_home_row(2)]))
    table = read_table(path, _known)
    assert table.frame.get_column("c3").to_list() == ["濠河,名邸\n二期", "濠河名邸"]
    assert table.frame.get_column("_row").to_list() == [2, 4]


def test_parquet_reader(tmp_path):
    path = tmp_path / "p.parquet"
    pl.DataFrame(
        {h: [v] for h, v in zip(NEW_HOME_HEADERS, new_home_row(1), strict=True)}
    ).write_parquet(path)
    table = read_table(path, _known)
    assert table.headers == NEW_HOME_HEADERS and table.frame.height == 1


def test_json_array_file(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"a": 1, "b": None}, {"a": "x", "b": [1, 2]}]))
    table = read_table(path, _known)
    assert table.frame.select("c0", "c1").rows() == [("1", None), ("x", "[1, 2]")]


def test_decode_prefers_utf8_then_gb18030():
    assert decode("南通".encode(), "f") == ("南通", "utf-8")
    assert decode("南通".encode("gbk"), "f") == ("南通", "gb18030")


# ------------------------------------------------------------------ normalisation


def _normalise(source: str, rows: dict[str, list[str | None]], today=dt.date(2026, 1, 1)):
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows, pl.String)).with_columns(
        _row=pl.int_range(1, pl.len() + 1), _reader_error=pl.lit(None, pl.String)
    )
    return normalise(frame, contract(source), Options(today=today), Pseudonymiser(b"k" * 32))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-04-01", "2021-04-01"),
        ("2021/4/1", "2021-04-01"),
        ("2021.04.01", "2021-04-01"),
        ("20210401", "2021-04-01"),
        ("2021年4月1日", "2021-04-01"),
        ("2021年4月", "2021-04-01"),
        ("2021-04-01 13:45:00", "2021-04-01"),
        ("2021-04", "2021-04-01"),
    ],
)
def test_date_forms(text, expected):
    out = _normalise("land", {"deal_date": [text]})
    assert out.get_column("deal_date").to_list()[0].isoformat() == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [("2021-13-01", "bad_date"), ("1901-01-01", "date_too_old"), ("2026-01-02", "future_date")],
)
def test_date_problems(text, reason):
    out = _normalise("land", {"deal_date": [text]})
    assert out.get_column("_reason").to_list() == [reason]


def test_month_column_truncates_to_month_start():
    out = _normalise("credit", {"period_month": ["2024年3月"]})
    assert out.get_column("period_month").to_list() == [dt.date(2024, 3, 1)]


@pytest.mark.parametrize(
    ("raw", "value"),
    [("商业贷款", "商贷"), ("公积金", "公积金"), (" 一次性付款 ", "一次性"), ("CASH", "一次性")],
)
def test_enum_synonyms(raw, value):
    out = _normalise("new_home", {"payment_method": [raw]})
    assert out.get_column("payment_method").to_list() == [value]


@pytest.mark.parametrize(
    ("raw", "code", "name"),
    [
        ("崇川区", "320602", "崇川区"),
        ("港闸区", "320602", "崇川区"),
        ("320611", "320602", "崇川区"),
        ("海门市", "320614", "海门区"),
        ("320684", "320614", "海门区"),
        ("海安县", "320685", "海安市"),
        ("开发区", "320600K01", "南通经济技术开发区"),
        ("苏锡通", "320600K02", "苏锡通科技产业园区"),
        ("通州湾", "320600K03", "通州湾江海联动开发示范区"),
        ("通州 区", "320612", "通州区"),
    ],
)
def test_districts_resolve_old_codes_and_zones(raw, code, name):
    out = _normalise("new_home", {"district": [raw]})
    assert out.select("district_code", "district").rows() == [(code, name)]


def test_numbers_with_thousands_separators_and_units_applied():
    frame = pl.DataFrame({"total_price_yuan": ["1,234.5"], "area_sqm": ["100"]}).with_columns(
        _row=pl.lit(1), _reader_error=pl.lit(None, pl.String)
    )
    out = normalise(
        frame,
        contract("new_home"),
        Options(today=dt.date(2026, 1, 1), factors={"total_price_yuan": 1e4}),
        Pseudonymiser(b"k" * 32),
    )
    assert out.get_column("total_price_yuan").to_list() == [12_345_000.0]
    assert out.get_column("unit_price_yuan_per_sqm").to_list() == [123_450.0]


def test_int_column_rejects_fractions():
    out = _normalise("presale", {"units": ["12.5"]})
    assert out.get_column("_reason").to_list() == ["bad_number"]


def test_bool_words():
    out = _normalise("rental", {"affordable": ["是", "否", "TRUE", "maybe"]})
    assert out.get_column("affordable").to_list() == [True, False, True, None]
    assert out.get_column("_reason").to_list()[3] == "bad_value"


def test_default_applies_when_missing():
    out = _normalise("resale", {"status": [None]})
    assert out.get_column("status").to_list() == ["已签约"]


def test_city_names_and_codes_resolve_and_default_to_nantong():
    out = _normalise("resale", {"city": ["上海", "210200", None, "火星"]})
    assert out.get_column("city_code").to_list() == ["310000", "210200", "320600", None]
    assert out.get_column("_reason").to_list()[3] == "unknown_city"


def test_other_cities_keep_their_district_names_without_codes():
    out = _normalise("resale", {"city": ["大连"], "district": ["shahekou"]})
    assert out.select("district", "district_code", "_reason").rows()[0][:2] == ("shahekou", None)


def test_unit_price_outside_plausible_band():
    n = 3
    out = _normalise(
        "new_home",
        {
            "contract_id": ["A", "B", "C"], "unit_id": ["u"] * n, "project_id": ["p"] * n,
            "district": ["崇川区"] * n, "usage": ["住宅"] * n, "sign_date": ["2021-04-01"] * n,
            "status": ["已备案"] * n, "area_sqm": ["100"] * n,
            "total_price_yuan": ["250", "2500000", "40000000"],
        },
    )  # fmt: skip
    assert out.get_column("_reason").to_list() == [
        "implausible_unit_price",  # 2.5 元/㎡: a 万元 figure under a 元 header
        None,
        "implausible_unit_price",  # 400,000 元/㎡
    ]


def test_rental_end_before_start_is_a_date_order_problem(home, tmp_path):
    path = tmp_path / "r.jsonl"
    base = {"registration_id": "R1", "community": "文峰", "district": "崇川区", "rent_type": "整租",
            "area_sqm": "80", "monthly_rent_yuan": "2600", "start_date": "2024-03-01",
            "end_date": "2023-03-01"}  # fmt: skip
    path.write_text(json.dumps(base, ensure_ascii=False) + "\n")
    batch = load_one(path, home)
    assert batch.reasons == {"date_order": 1}
    assert not (home.landing / "rental").exists() or landed(home, "rental").height == 0


def test_a_lease_may_end_in_the_future_but_not_start_there():
    out = _normalise(
        "rental",
        {"start_date": ["2025-12-01", "2026-06-01"], "end_date": ["2027-11-30", "2027-11-30"]},
        today=dt.date(2026, 1, 1),
    )
    assert out.get_column("end_date").to_list() == [dt.date(2027, 11, 30)] * 2
    assert out.get_column("_reason").to_list()[1] == "future_date"
