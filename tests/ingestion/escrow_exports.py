"""Presale-fund supervision exports as banks and bureaus send them, written by hand with their
answers (see exports.py): other wording, 万元 and 亿元, GBK, a titled workbook, synonyms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from tests.ingestion.exports import DISTRICTS, Export, _csv


def escrow_statement_gbk(folder: Path) -> Export:
    """A bank's monthly return in GBK, its own wording, every amount in 万元 (said in the
    headers), with the payer's name and ID of the month's largest deposit (personal data that
    must not land); one row with a negative balance (quarantined) and one repeated row."""
    headers = ["监管账户账号", "开户银行", "所属月份", "上月余额(万元)", "首付款(万元)",
               "按揭贷款(万元)", "全款(万元)", "节点拨付(万元)", "一般资金支取(万元)",
               "退款(万元)", "月末余额(万元)", "付款人", "付款人证件号码", "备注"]  # fmt: skip
    rows = [
        ["6228480000000000011", "农业银行南通分行", "2024-03", "0", "300", "0", "120.5", "0",
         "0", "0", "420.5", "王小明", "320602198001011234", ""],
        ["6228480000000000011", "农业银行南通分行", "2024-04", "420.5", "60", "700", "0", "84",
         "16.5", "20", "1060", "王小明", "320602198001011234", ""],
        ["6228480000000000029", "江苏银行南通分行", "2024-03", "50", "10", "0", "0", "0", "0",
         "0", "60", "", "", ""],
        ["6228480000000000029", "江苏银行南通分行", "2024-04", "60", "0", "0", "0", "0", "0",
         "0", "-5", "", "", "余额待核"],
    ]  # fmt: skip
    rows.append(rows[0])  # exported twice
    path = _csv(folder / "监管账户收支月报_202404.csv", headers, rows, "gbk")
    return Export(
        path, "escrow_statement", 5, 3, quarantined=1, key="period_month",
        values={dt.date(2024, 4, 1): {"opening_balance_yuan": 4_205_000.0,
                                      "deposit_mortgage_yuan": 7_000_000.0,
                                      "release_key_yuan": 840_000.0,
                                      "withdrawal_other_yuan": 165_000.0,
                                      "refund_yuan": 200_000.0,
                                      "closing_balance_yuan": 10_600_000.0}},
        secrets=["王小明", "320602198001011234"],
    )  # fmt: skip


def construction_xlsx(folder: Path) -> Export:
    """工程形象进度 in a titled workbook: node names as site reports spell them (±0, 主体结构1/2,
    结构封顶, 竣工验收备案, 首次登记), dates as 2023/05/06; one node no schedule knows (装修)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "形象进度"
    ws.append(["南通市商品房预售项目工程形象进度台账"])
    ws.append(["预售证号", "项目编号", "楼号", "工程节点", "完成日期", "监理单位"])
    nodes = ["开工", "±0", "主体结构1/2", "结构封顶", "竣工验收备案", "首次登记", "装修"]
    for n, node in enumerate(nodes):
        ws.append(["通房预售证第20230001号", "P01", "1幢", node, f"2023/{n + 1:02d}/06",
                   "南通建设监理有限公司"])  # fmt: skip
    path = folder / "形象进度台账.xlsx"
    wb.save(path)
    return Export(
        path, "construction", 7, 6, quarantined=1, key="node",
        values={"正负零": {"reached_date": dt.date(2023, 2, 6)},
                "主体结构二分之一": {"reached_date": dt.date(2023, 3, 6)},
                "主体封顶": {"reached_date": dt.date(2023, 4, 6)},
                "竣工验收": {"reached_date": dt.date(2023, 5, 6)},
                "交付": {"reached_date": dt.date(2023, 6, 6)}},
    )  # fmt: skip


def developer_return_yi(folder: Path) -> Export:
    """A developer group's quarterly return in 亿元, without the optional 商票逾期 column."""
    headers = ["企业信用代码", "集团名称", "报告期末", "总资产(亿元)", "总负债(亿元)",
               "合同负债(亿元)", "净资产(亿元)", "货币资金(亿元)", "一年内到期有息负债(亿元)",
               "有息负债总额(亿元)"]  # fmt: skip
    rows = [
        ["91320600MA1X000001", "某某控股集团", "2024-03-31", "1200", "960", "300", "240",
         "150", "120", "420"],
        ["91320600MA1X000001", "某某控股集团", "2024-06-30", "1180", "950", "280", "230",
         "110", "130", "430"],
    ]  # fmt: skip
    path = _csv(folder / "重点房企资金监测_2024Q2.csv", headers, rows, "utf-8")
    return Export(
        path, "developer_finance", 2, 2, key="period_quarter",
        values={dt.date(2024, 6, 30): {"total_assets_yuan": 1.18e11,
                                       "advance_receipts_yuan": 2.8e10,
                                       "short_term_debt_yuan": 1.3e10,
                                       "overdue_commercial_paper_yuan": None}},
    )  # fmt: skip


def escrow_agreements(folder: Path) -> Export:
    """监管协议台账 with the key amount in 万元 and a delivery date still ahead; one agreement
    without its key amount (a required field: quarantined)."""
    headers = ["协议编号", "预售许可证号", "项目编号", "开发商", "所在区", "开户行", "监管账号",
               "监管建筑面积(㎡)", "监管额度(万元)", "签订日期", "预计交付日期"]  # fmt: skip
    rows = [
        [f"JG2024{n:03d}", f"通房预字(2024)第{n:03d}号", f"P0{n}", "某某置业", DISTRICTS[n % 4],
         "农业银行南通分行", f"62284800000000000{n:02d}", f"{12000 + 100 * n}",
         "" if n == 3 else f"{3600 + 30 * n}", f"2024-0{n}-08", "2027-06-30"]
        for n in range(1, 5)
    ]  # fmt: skip
    path = _csv(folder / "监管协议台账.csv", headers, rows, "utf-8")
    return Export(
        path, "escrow_agreement", 4, 3, quarantined=1, key="agreement_id",
        values={"JG2024002": {"key_amount_yuan": 36_600_000.0, "supervised_area_sqm": 12_200.0,
                              "district_code": "320614",
                              "promised_delivery_date": dt.date(2027, 6, 30)}},
    )  # fmt: skip
