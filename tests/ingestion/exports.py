"""Bureau-style exports the generator never makes, written by hand, with their answers.

Each builder writes one file and returns what a correct load holds: the source, the counts
and a few landed values computed by hand from the rows written here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

DISTRICTS = ["崇川区", "通州区", "海门区", "开发区"]
DISTRICT_CODES = {"崇川区": "320602", "通州区": "320612", "海门区": "320614", "开发区": "320600K01"}


@dataclass
class Export:
    path: Path
    source: str
    read: int
    loaded: int
    quarantined: int = 0
    values: dict[object, dict[str, object]] = field(default_factory=dict)  # key -> column -> value
    key: str = "contract_id"
    secrets: list[str] = field(default_factory=list)  # must not appear in clear anywhere


def _csv(path: Path, headers: list[str], rows: list[list[str]], encoding: str) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def bureau_new_home_gbk(folder: Path) -> Export:
    """GBK, the system's own wording, 成交金额 in 万元 with no unit, no unit or project id."""
    headers = ["网签合同号", "项目名称", "预售证号", "楼栋号", "房间号", "所在楼层", "所属区域",
               "房屋用途", "建筑面积(㎡)", "成交金额", "签约时间", "合同状态", "买受人",
               "证件号码", "联系方式", "经办人", "备注"]  # fmt: skip
    rows = []
    for n in range(1, 41):
        rows.append([
            f"NT2024{n:05d}", "紫琅府" if n % 2 else "星光名邸", f"通房预字(2023)第{10 + n % 3}号",
            str(1 + n % 4), f"{n % 20 + 1:02d}01", str(n % 20 + 1), DISTRICTS[n % 4], "住宅",
            f"{90 + n}.5", f"{150 + n}.00", f"2024-0{1 + n % 6}-1{n % 9} 10:20:00",
            "已撤销" if n == 7 else "已备案", "张三丰", f"32060219850101{n:04d}",
            f"1390000{n:04d}", "李经办", "",
        ])  # fmt: skip
    path = _csv(folder / "网签导出_2024.csv", headers, rows, "gbk")
    return Export(
        path, "new_home", 40, 40,
        values={
            "NT202400001": {"unit_id": "紫琅府-2-0201", "project_id": "紫琅府", "floor": 2,
                            "total_price_yuan": 1_510_000.0, "area_sqm": 91.5,
                            "district_code": "320612", "status": "已备案"},
            "NT202400007": {"status": "已撤销", "total_price_yuan": 1_570_000.0,
                            "unit_price_yuan_per_sqm": 1_570_000 / 97.5},
        },
        secrets=["320602198501010001", "13900000001"],
    )  # fmt: skip


def new_home_xlsx_second_sheet(folder: Path) -> Export:
    """UTF-8 XLSX: a notes sheet first, then a title row, a unit row and the data, 元."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["本表由网签备案系统导出，金额单位：元"])
    data = wb.create_sheet("成交明细")
    data.append(["南通市新建商品房成交明细（2024年3月）"])
    data.append(["合同编号", "不动产单元号", "项目编号", "项目名称", "区县名称", "规划用途",
                 "面积（平方米）", "总价（元）", "网签日期", "状态", "开发企业"])  # fmt: skip
    for n in range(1, 13):
        data.append([f"XS{n:03d}", f"3206020010{n:04d}", "P-0301", "海上明月", "崇川区",
                     "普通住宅", 120 + n, 2_400_000 + 10_000 * n, f"2024-03-{n:02d}", "已签约",
                     "某某置业"])  # fmt: skip
    data.append([None] * 11)  # blank line before a total row is common; it is not a record
    data.append(["XS099", "32060200109999", "P-0301", "海上明月", "崇川区", "普通住宅", "—",
                 2_500_000, "2024-03-20", "已签约", "某某置业"])  # fmt: skip
    path = folder / "成交明细.xlsx"
    wb.save(path)
    return Export(
        path, "new_home", 13, 12, quarantined=1,
        values={"XS001": {"usage": "住宅", "area_sqm": 121.0, "total_price_yuan": 2_410_000.0,
                          "district_code": "320602", "unit_id": "32060200100001"}},
    )  # fmt: skip


def resale_english(folder: Path) -> Export:
    """English headers, pinyin districts, price in 10k CNY named in a bracket we do not know."""
    headers = ["Contract No.", "Community", "District", "Use", "Floor area (sqm)",
               "Price (CNY 10k)", "Deal date", "Seller ID", "Agent"]  # fmt: skip
    names = ["chongchuan", "tongzhou", "haimen"]
    rows = [
        [f"R-{n}", f"Garden {n % 3}", names[n % 3], "住宅", f"{80 + n}", f"{100 + 2 * n}",
         f"2024/05/{n:02d}", f"32061219700101{n:03d}X", "Wang"]
        for n in range(1, 21)
    ]  # fmt: skip
    path = _csv(folder / "resale_deals_en.csv", headers, rows, "utf-8")
    return Export(
        path, "resale", 20, 20,
        values={"R-3": {"district_code": "320602", "total_price_yuan": 1_060_000.0,
                        "area_sqm": 83.0, "community": "Garden 0"}},
        secrets=["32061219700101003X"],
    )  # fmt: skip


def resale_yuan_extra_columns(folder: Path) -> Export:
    """UTF-8 with BOM, 元 in the header, columns we have no place for, one 万元 slip."""
    headers = ["存量房合同编号", "所属区县", "小区名称", "房屋用途", "建筑面积", "成交价格(元)",
               "合同签订日期", "中介机构", "经纪人", "房源核验编码", "楼层"]  # fmt: skip
    rows = [
        [f"CL{n:03d}", DISTRICTS[n % 4], "文峰小区", "住宅", f"{60 + n}", f"{900_000 + n * 1000}",
         f"2024-06-{n:02d}", "某某地产", "赵六", f"HY{n:05d}", f"{n}/18"]
        for n in range(1, 16)
    ]  # fmt: skip
    rows.append(["CL099", "崇川区", "文峰小区", "住宅", "70", "95", "2024-06-30", "", "", "", ""])
    path = _csv(folder / "存量房成交.csv", headers, rows, "utf-8-sig")
    return Export(
        path, "resale", 16, 15, quarantined=1,
        values={"CL004": {"district_code": "320602", "total_price_yuan": 904_000.0}},
    )  # fmt: skip


def land_results(folder: Path) -> Export:
    """A 土地出让结果公示 list: 公顷, 起始价 in 万元 with no unit, 挂牌出让, one 流拍."""
    headers = ["宗地编号", "宗地坐落", "行政区", "土地用途", "出让面积(公顷)", "容积率",
               "起始价", "成交价格(万元)", "供地方式", "土地使用权人", "合同签订日期",
               "结果"]  # fmt: skip
    rows = []
    for n in range(1, 9):
        sold = n != 5
        rows.append([
            f"R2024-{n:03d}", f"某路以东地块{n}", DISTRICTS[n % 4], "城镇住宅用地",
            f"{3 + n / 10:.1f}", "2.0", f"{30000 + 1000 * n}",
            f"{33000 + 1000 * n}" if sold else "", "挂牌出让", "某某置业有限公司" if sold else "",
            f"2024-0{n % 9 + 1}-15", "成交" if sold else "流拍",
        ])  # fmt: skip
    path = _csv(folder / "土地出让结果公示.csv", headers, rows, "gbk")
    return Export(
        path, "land", 8, 8, key="parcel_id",
        values={"R2024-002": {"site_area_sqm": 32_000.0, "start_price_yuan": 3.2e8,
                              "deal_price_yuan": 3.5e8, "method": "挂牌", "land_use": "住宅",
                              "district_code": "320614"},
                "R2024-005": {"status": "流拍", "deal_price_yuan": None}},
    )  # fmt: skip


def rental_register(folder: Path) -> Export:
    """A 租赁备案 register with its own wording, tenants' IDs and phones."""
    headers = ["租赁合同备案号", "小区", "所在区", "出租类型", "房屋面积", "月租金(元)",
               "租期开始", "租期结束", "承租人证件号码", "承租方电话", "出租人"]  # fmt: skip
    rows = [
        [f"ZL{n:04d}", "城东花苑", DISTRICTS[n % 4], "整套出租" if n % 3 else "分间出租",
         f"{50 + n}", f"{1800 + 50 * n}", f"2024-04-{n:02d}", f"2025-04-{n:02d}",
         f"32068419920202{n:04d}", f"137{n:08d}", "周房东"]
        for n in range(1, 25)
    ]  # fmt: skip
    path = _csv(folder / "租赁备案登记.csv", headers, rows, "gbk")
    return Export(
        path, "rental", 24, 24, key="registration_id",
        values={"ZL0003": {"rent_type": "合租", "monthly_rent_yuan": 1950.0, "area_sqm": 53.0,
                           "district_code": "320600K01"}},
        secrets=["320684199202020003", "13700000003"],
    )  # fmt: skip


def bank_return_xlsx(folder: Path) -> Export:
    """A 房地产贷款 return in 万元 (said only in the title), one row per bank and month."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "G01"
    ws.append(["房地产贷款专项统计表（单位：万元）"])
    ws.append(["机构编码", "金融机构", "报表期", "各项贷款", "房地产贷款", "个人住房贷款"])
    for n, bank in enumerate(["工商银行南通分行", "农业银行南通分行", "江苏银行南通分行"]):
        for month in ("2024-05", "2024-06"):
            ws.append([f"B{n:02d}", bank, month, 9_000_000 + n * 100_000, 2_500_000 + n * 1000,
                       1_800_000 + n * 1000])  # fmt: skip
    path = folder / "房地产贷款月报.xlsx"
    wb.save(path)
    return Export(
        path, "credit", 6, 6, key="institution_id",
        values={"B01": {"total_loans_yuan": 9.1e10, "re_loans_yuan": 2.501e10,
                        "personal_housing_loans_yuan": 1.801e10}},
    )  # fmt: skip


def presale_permits(folder: Path) -> Export:
    """A 预售许可 list without a project id: the project name stands in for it."""
    headers = ["许可证编号", "项目", "开发企业", "所属区域", "预售总套数", "预售建筑面积",
               "发证时间"]  # fmt: skip
    rows = [
        [f"通房预字(2024)第{n:03d}号", f"项目{n % 3}", "某某置业", DISTRICTS[n % 4],
         f"{100 + n}", f"{12000 + 100 * n}", f"2024-0{n}-08"]
        for n in range(1, 7)
    ]  # fmt: skip
    path = _csv(folder / "预售许可公示.csv", headers, rows, "utf-8")
    return Export(
        path, "presale", 6, 6, key="permit_id",
        values={"通房预字(2024)第004号": {"project_id": "项目1", "units": 104,
                                         "area_sqm": 12_400.0, "district_code": "320602"}},
    )  # fmt: skip


def stock_snapshot_gbk(folder: Path) -> Export:
    """A 可售存量 table as a bureau's system exports it: GBK, CRLF, its own wording, area in 万㎡
    (said in the header), months as 2024/3, a remarks column; one row with an unknown district
    whose unit count is negative (quarantined) and one repeated row (a duplicate)."""
    headers = ["行政区", "报告期", "可售住宅套数", "商品住宅可售面积(万㎡)", "备注"]
    rows = [
        [district, f"2024/{month}", str(1000 + 100 * n + month), f"{12 + n}.{month}5", ""]
        for n, district in enumerate(DISTRICTS)
        for month in (3, 4)
    ]  # 8 rows: 崇川区 2024-03 holds 1003 units on 12.35 万㎡
    rows.append(["如东县", "2024/3", "-12", "9.10", "系统更正中"])  # below min 0
    rows.append(rows[0])  # the system exported the first row twice
    path = _csv(folder / "可售存量统计_202404.csv", headers, rows, "gbk")
    return Export(
        path, "stock", 10, 8, quarantined=1, key="saleable_units",
        values={1103: {"district_code": "320612", "period_month": dt.date(2024, 3, 1),
                       "saleable_area_sqm": 133_500.0}},
    )  # fmt: skip


EXPORTS: dict[str, Callable[[Path], Export]] = {
    f.__name__: f
    for f in (bureau_new_home_gbk, new_home_xlsx_second_sheet, resale_english,
              resale_yuan_extra_columns, land_results, rental_register, bank_return_xlsx,
              presale_permits, stock_snapshot_gbk)
}  # fmt: skip
