"""The presale-fund supervision sources the generator writes (escrow agreements and statements,
construction nodes, developer finance) and their planted events, checked from the raw files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from core.seeds import SEEDS_DIR, read_seed
from synthetic.runner import SUPERVISION_EVENTS, run

NEW_SOURCES = ("escrow_agreement", "escrow_statement", "construction", "developer_finance")
START, END, SCALE, SEED = "2023-01", "2024-06", 0.03, 11
MONEY = ("期初余额", "首付款入账", "按揭放款入账", "一次性付款入账", "重点监管资金拨付")
MONEY += ("一般监管资金使用", "退房退款", "期末余额")


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("supervision")
    run(out, START, END, SCALE, SEED, None)
    return out


@pytest.fixture(scope="module")
def without(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same market generated with the supervision sources switched off."""
    out = tmp_path_factory.mktemp("without")
    run(out, START, END, SCALE, SEED, None, supervision=False)
    return out


def _csvs(folder: Path, encoding: str = "utf-8-sig") -> pl.DataFrame:
    frames = [
        pl.read_csv(f.read_bytes().decode(encoding).encode(), infer_schema=False).with_columns(
            file=pl.lit(f.name)
        )
        for f in sorted(folder.glob("*.csv"))
    ]
    return pl.concat(frames)


def _events(market: Path) -> dict[tuple[str, str], dict]:
    ev = pl.read_csv(market / "truth/events.csv", infer_schema=False)
    return {(r["kind"], r["expected_rule"]): r for r in ev.iter_rows(named=True)}


def _month(text: str) -> int:
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def _policy() -> tuple[dict[str, tuple[int, float, float | None]], list[tuple]]:
    nodes = {
        r.get("node"): (
            int(r.get("node_order")),
            float(r.get("release_cum_pct")),
            float(r.get("max_months_to_next")) if r.get("max_months_to_next") else None,
        )
        for r in read_seed(SEEDS_DIR, "policy_escrow_nodes.csv", ("node",))
    }
    costs = [
        (
            r.get("valid_from"),
            r.get("valid_to") or "9999-12-31",
            float(r.get("cost_standard_yuan_per_sqm")),
        )
        for r in read_seed(SEEDS_DIR, "policy_escrow_cost_standards.csv", ("valid_from",))
    ]
    return nodes, costs


def _workbook(path: Path) -> pl.DataFrame:
    """A titled workbook's table (header on the third row) as strings."""
    rows = list(openpyxl.load_workbook(path).active.iter_rows(min_row=3, values_only=True))
    cols = [str(h) for h in rows[0]]
    return pl.DataFrame(
        [[None if v is None else str(v) for v in r] for r in rows[1:]],
        schema={c: pl.Utf8 for c in cols},
        orient="row",
    )


def _statements(market: Path) -> pl.DataFrame:
    st = _csvs(market / "raw/escrow_statement").with_columns(pl.col(MONEY).cast(pl.Float64))
    ag = _csvs(market / "raw/escrow_agreement").select(
        "监管账号", "预售许可证号", "项目编号", key=pl.col("重点监管资金额度").cast(pl.Float64)
    )
    return st.join(ag, on="监管账号", how="left").sort("监管账号", "报告期")


def _last_node_pct(market: Path) -> pl.DataFrame:
    """Per permit and month: cumulative release share of the last node all its buildings reached."""
    nodes, _ = _policy()
    con = _csvs(market / "raw/construction").with_columns(
        order=pl.col("形象进度节点").replace_strict({k: v[0] for k, v in nodes.items()}),
        month=pl.col("达到日期").str.slice(0, 7),
    )
    per = con.group_by("预售许可证号", "order").agg(pl.col("month").max())
    return per.with_columns(
        pct=pl.col("order").replace_strict(
            {v[0]: v[1] for v in nodes.values()}, return_dtype=pl.Float64
        )
    )


def _with_schedule(market: Path) -> pl.DataFrame:
    st = _statements(market)
    nodes = _last_node_pct(market)
    pct = []
    for permit, month in st.select("预售许可证号", "报告期").iter_rows():
        hit = nodes.filter((pl.col("预售许可证号") == permit) & (pl.col("month") <= month))
        pct.append(float(hit["pct"].max()) if hit.height else 0.0)
    st = st.with_columns(pct=pl.Series(pct) / 100)
    deposits = pl.col("首付款入账") + pl.col("按揭放款入账") + pl.col("一次性付款入账")
    st = st.with_columns(deposits=deposits).with_columns(
        net=(pl.col("deposits") - pl.col("退房退款")).cum_sum().over("监管账号"),
        released=pl.col("重点监管资金拨付").cum_sum().over("监管账号"),
    )
    return st.with_columns(
        required=pl.max_horizontal(
            pl.lit(0.0), pl.min_horizontal("key", "net") - pl.col("key") * pl.col("pct")
        ),
        allowed=pl.col("key") * pl.col("pct"),
    )


# ---------- nothing else changes


def test_existing_outputs_are_byte_identical_with_the_new_sources_on(
    market: Path, without: Path
) -> None:
    before = sorted(p.relative_to(without) for p in (without / "raw").rglob("*") if p.is_file())
    assert len(before) > 30
    for rel in before:
        assert (market / rel).read_bytes() == (without / rel).read_bytes(), rel
    assert not any((without / "raw" / s).exists() for s in NEW_SOURCES)
    for name in ("latent_index.csv", "months_of_supply.csv", "dirty_rows.csv"):
        assert (market / "truth" / name).read_bytes() == (without / "truth" / name).read_bytes()
    old = (without / "truth/events.csv").read_text().splitlines()
    new = (market / "truth/events.csv").read_text().splitlines()
    assert new[: len(old)] == old and len(new) == len(old) + 6
    m_old = json.loads((without / "truth/manifest.json").read_text())
    m_new = json.loads((market / "truth/manifest.json").read_text())
    for key in ("rows", "rows_total", "dirty_rows"):
        assert {k: v for k, v in m_new[key].items() if k not in NEW_SOURCES} == m_old[key]
    assert sorted(set(m_new["events"]) - set(m_old["events"])) == sorted(SUPERVISION_EVENTS)


def test_new_sources_load_with_no_rejected_file_and_no_quarantined_row(market: Path, home) -> None:
    from pipeline.load import load

    report = load([market / "raw"], home)
    mine = [b for b in report.batches if b.source in NEW_SOURCES]
    assert {b.source for b in mine} == set(NEW_SOURCES)
    assert not [r for r in report.rejected if any(s in str(r) for s in NEW_SOURCES)]
    assert [
        (b.file_name, b.quarantined) for b in mine if b.quarantined or b.status != "loaded"
    ] == []
    manifest = json.loads((market / "truth/manifest.json").read_text())
    for source in NEW_SOURCES:
        assert sum(b.loaded for b in mine if b.source == source) == manifest["rows_total"][source]


# ---------- agreements


def test_one_agreement_per_permit_with_key_amount_from_the_seed(market: Path) -> None:
    _, costs = _policy()
    ag = _csvs(market / "raw/escrow_agreement")
    permits = pl.concat(_workbook(f) for f in sorted((market / "raw/presale").glob("*.xlsx")))
    assert sorted(ag["预售许可证号"]) == sorted(permits["预售许可证号"])
    assert ag["监管账号"].n_unique() == ag.height and ag["监管账号"].str.len_chars().eq(19).all()
    assert ag["开发企业统一社会信用代码"].str.len_chars().eq(18).all()
    ids = ag.group_by("开发企业").agg(pl.col("开发企业统一社会信用代码").n_unique())
    assert ids["开发企业统一社会信用代码"].eq(1).all()
    area = dict(permits.select("预售许可证号", "预售面积(㎡)").iter_rows())
    for row in ag.iter_rows(named=True):
        day = row["协议签订日期"]
        standard = next(c for lo, hi, c in costs if lo <= day <= hi)
        assert float(row["监管面积(㎡)"]) == pytest.approx(float(area[row["预售许可证号"]]))
        assert float(row["重点监管资金标准(元/㎡)"]) == standard
        assert float(row["重点监管资金额度"]) == round(float(row["监管面积(㎡)"]) * standard)
        promised = dt.date.fromisoformat(row["约定交付日期"])
        assert _month(row["约定交付日期"]) - _month(day) == 30 and promised.day >= 28


# ---------- statements


def test_statements_reconcile_and_chain_month_to_month(market: Path) -> None:
    st = _statements(market)
    flow = (
        pl.col("期初余额")
        + pl.col("首付款入账")
        + pl.col("按揭放款入账")
        + pl.col("一次性付款入账")
        - pl.col("重点监管资金拨付")
        - pl.col("一般监管资金使用")
        - pl.col("退房退款")
    )
    assert st.filter(flow != pl.col("期末余额")).is_empty()
    assert st.filter(pl.col("期末余额") < 0).is_empty()
    chained = st.with_columns(prev=pl.col("期末余额").shift(1).over("监管账号"))
    assert chained.filter(
        pl.col("prev").is_not_null() & (pl.col("prev") != pl.col("期初余额"))
    ).is_empty()
    months = st.group_by("监管账号").agg(pl.col("报告期").sort())
    for acc, ms in months.iter_rows():
        nums = [_month(m) for m in ms]
        assert nums == list(range(nums[0], nums[0] + len(nums))), acc  # no gap until closed


def _next(month: str) -> str:
    n = _month(month) + 1
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def test_deposits_are_the_permits_contracts_in_the_new_home_files(market: Path) -> None:
    """Cash and instalment buyers pay in the sign month; loan buyers 30% then and the bank the
    rest the month after (params: ESCROW_DOWN_SHARE, ESCROW_MORTGAGE_LAG_MONTHS); the diverted
    permit's contracts of the window put half of each payment into the account."""
    raw = _csvs(market / "raw/new_home", encoding="gbk")
    raw = raw.with_columns(
        row=pl.int_range(1, pl.len() + 1).over("file"), month=pl.col("file").str.slice(8, 7)
    )
    dirty = pl.read_csv(market / "truth/dirty_rows.csv", infer_schema=False).filter(
        pl.col("source") == "new_home"
    )
    bad = {(f.split("/")[1], int(r)) for f, r in dirty.select("file", "row").iter_rows()}
    marked = raw.filter(
        pl.struct("file", "row").map_elements(lambda s: (s["file"], s["row"]) in bad, pl.Boolean)
    )
    # a faulty row's amount is unknown: skip its permit in its month and the next (its loan)
    spoiled = {(p, m) for p, m in marked.select("预售许可证号", "month").iter_rows()}
    spoiled |= {(p, _next(m)) for p, m in spoiled}
    raw = raw.join(marked.select("file", "row"), on=["file", "row"], how="anti")
    div = _events(market)[("escrow_diversion", "escrow_deposit_shortfall")]
    window = (div["start_month"][:7], div["end_month"][:7])
    expected: dict[tuple[str, str], float] = {}
    signed: dict[tuple[str, str], float] = {}
    diverted = [0, 0]  # the window's contracts of the diverted permit: signed, into the account
    for permit, month, total, pay in (
        raw.filter(pl.col("合同状态") != "已撤销")
        .select("预售许可证号", "month", "合同总价(万元)", "付款方式")
        .iter_rows()
    ):
        amount = round(float(total) * 1e4)
        share = 0.5 if permit == div["related_ids"] and window[0] <= month <= window[1] else 1
        signed[(permit, month)] = signed.get((permit, month), 0) + amount
        if share < 1:
            diverted[0] += amount
            diverted[1] += round(amount * share)
        if pay in ("商贷", "公积金", "组合贷"):
            down = round(amount * 0.3 * share)
            loan = round(amount * share) - down
            expected[(permit, month)] = expected.get((permit, month), 0) + down
            expected[(permit, _next(month))] = expected.get((permit, _next(month)), 0) + loan
        else:
            expected[(permit, month)] = expected.get((permit, month), 0) + round(amount * share)
    refunds: dict[tuple[str, str], float] = {}
    for permit, month, total in (
        raw.filter(pl.col("合同状态") == "已撤销")
        .select("预售许可证号", "month", "合同总价(万元)")
        .iter_rows()
    ):
        refunds[(permit, month)] = refunds.get((permit, month), 0) + round(float(total) * 1e4)
    st = _statements(market).with_columns(
        deposits=pl.col("首付款入账") + pl.col("按揭放款入账") + pl.col("一次性付款入账")
    )
    checked = 0
    for permit, month, deposits, refund in st.select(
        "预售许可证号", "报告期", "deposits", "退房退款"
    ).iter_rows():
        if (permit, month) in spoiled:
            continue
        assert deposits == expected.get((permit, month), 0), (permit, month)
        if permit != div["related_ids"]:
            assert refund == refunds.get((permit, month), 0), (permit, month)
        checked += 1
    assert checked > 400 and sum(refunds.values()) > 0
    # the diverted permit: the account got half of what its window's buyers paid
    assert diverted[0] > 0 and diverted[1] / diverted[0] == pytest.approx(0.5, abs=0.001)


def test_balances_hold_the_required_key_funds_and_releases_follow_nodes(market: Path) -> None:
    st = _with_schedule(market)
    ev = _events(market)
    early = ev[("escrow_early_release", "escrow_release_ahead")]
    short = ev[("escrow_early_release", "escrow_balance_short")]
    others = st.filter(pl.col("预售许可证号") != early["related_ids"])
    assert others.filter(pl.col("期末余额") < pl.col("required") - 1).is_empty()
    assert others.filter(pl.col("released") > pl.col("allowed") + 1).is_empty()
    assert others["重点监管资金拨付"].sum() > 0 and others["一般监管资金使用"].sum() > 0
    mine = st.filter(pl.col("预售许可证号") == early["related_ids"])
    ahead = mine.filter(pl.col("released") > pl.col("allowed") + 1)["报告期"].to_list()
    low = mine.filter(pl.col("期末余额") < pl.col("required") - 1)["报告期"].to_list()
    window = [m for m in mine["报告期"] if early["start_month"][:7] <= m <= early["end_month"][:7]]
    assert ahead == window and low == window and len(window) >= 2
    assert short["start_month"] == early["start_month"]
    # at 主体结构二分之一 the bank paid the 封顶 share: 65% of the key amount, not 40%
    first = mine.filter(pl.col("报告期") == window[0]).row(0, named=True)
    paid = min(0.65 * first["key"], first["net"])
    assert first["pct"] == 0.4 and first["released"] == pytest.approx(paid, abs=1)
    assert first["released"] > 0.45 * first["key"]


def test_truth_escrow_permits_matches_the_statements(market: Path) -> None:
    truth = pl.read_csv(market / "truth/escrow_permits.csv", infer_schema=False)
    st = _with_schedule(market)
    assert truth.height == st.height
    joined = truth.with_columns(period=pl.col("period_month").str.slice(0, 7)).join(
        st, left_on=["account_no", "period"], right_on=["监管账号", "报告期"]
    )
    assert joined.height == truth.height
    for a, b in (
        ("closing_balance_yuan", "期末余额"),
        ("release_key_yuan", "重点监管资金拨付"),
        ("deposits_yuan", "deposits"),
        ("required_key_balance_yuan", "required"),
    ):
        diff = (joined[a].cast(pl.Float64) - joined[b]).abs().max()
        assert diff < 1.0, (a, diff)
    assert (joined["release_cum_pct"].cast(pl.Float64) == joined["pct"] * 100).all()


# ---------- construction


def test_node_gaps_stay_under_the_seed_except_the_stall(market: Path) -> None:
    nodes, _ = _policy()
    limit = {v[0]: v[2] for v in nodes.values()}
    con = _csvs(market / "raw/construction").with_columns(
        order=pl.col("形象进度节点").replace_strict({k: v[0] for k, v in nodes.items()}),
        day=pl.col("达到日期").str.to_date(),
    )
    assert con.select("预售许可证号", "幢号", "形象进度节点").is_duplicated().sum() == 0
    # every row sits in the file of the month it was reached (or the first month, if earlier)
    where = con.select(
        ok=pl.col("file").str.slice(7, 7)
        == pl.max_horizontal(pl.col("达到日期").str.slice(0, 7), pl.lit(START))
    )
    assert where["ok"].all()
    con = con.sort("预售许可证号", "幢号", "order").with_columns(
        prev_order=pl.col("order").shift(1).over("预售许可证号", "幢号"),
        months=(
            (pl.col("day").dt.year() * 12 + pl.col("day").dt.month())
            - (pl.col("day").dt.year() * 12 + pl.col("day").dt.month()).shift(1)
        ).over("预售许可证号", "幢号"),
        days=(pl.col("day") - pl.col("day").shift(1)).over("预售许可证号", "幢号").dt.total_days(),
    )
    gaps = con.filter(pl.col("prev_order").is_not_null())
    assert (gaps["order"] == gaps["prev_order"] + 1).all()  # no node skipped
    stall = _events(market)[("construction_stall", "construction_stalled")]
    stalled = stall["related_ids"].split(";")
    normal = gaps.filter(~pl.col("预售许可证号").is_in(stalled))
    lim = normal["prev_order"].replace_strict(limit, return_dtype=pl.Float64)
    assert (normal["months"] < lim).all() and (normal["days"] < lim * 30).all()
    # the stall: no node of the project in its window, at least 12 months long, while selling
    first, last = stall["start_month"][:7], stall["end_month"][:7]
    assert _month(last) - _month(first) >= 12
    mine = con.filter(pl.col("项目编号") == stall["entity_ids"])
    inside = mine.filter(
        (pl.col("达到日期").str.slice(0, 7) > first) & (pl.col("达到日期").str.slice(0, 7) <= last)
    )
    assert inside.is_empty()
    assert mine.filter(pl.col("达到日期").str.slice(0, 7) == first)[
        "形象进度节点"
    ].unique().to_list() == ["主体结构二分之一"]
    sales = _csvs(market / "raw/new_home", encoding="gbk").filter(
        (pl.col("项目编号") == stall["entity_ids"])
        & (pl.col("合同状态") != "已撤销")
        & pl.col("file").str.slice(8, 7).is_between(pl.lit(first), pl.lit(last))
    )
    assert sales.height >= 12


# ---------- developers


def _tiers() -> dict[int, tuple[str, float]]:
    return {
        int(r.get("lines_breached")): (r.get("tier"), float(r.get("debt_growth_cap_pct")))
        for r in read_seed(SEEDS_DIR, "policy_red_line_tiers.csv", ("tier",))
    }


def test_developer_ratios_give_the_tiers_in_truth(market: Path) -> None:
    lines = read_seed(SEEDS_DIR, "policy_red_lines.csv", ("line",))
    tiers = _tiers()
    raw = _csvs(market / "raw/developer_finance")
    num = (
        "资产总额",
        "负债总额",
        "预收款项",
        "所有者权益",
        "货币资金",
        "短期有息负债",
        "有息负债",
        "商票逾期",
    )
    raw = raw.with_columns(pl.col(num).cast(pl.Float64))
    assert (raw["资产总额"].is_between(2e10, 5e11)).all()
    assert (raw["所有者权益"] == raw["资产总额"] - raw["负债总额"]).all()
    assert raw["报告期"].str.slice(5).is_in(["03-31", "06-30", "09-30", "12-31"]).all()
    truth = pl.read_csv(market / "truth/developer_tiers.csv", infer_schema=False)
    assert truth.height == raw.height
    got = {}
    for r in raw.iter_rows(named=True):
        ratio = {
            "liability_ratio_ex_advance_pct": (r["负债总额"] - r["预收款项"])
            / (r["资产总额"] - r["预收款项"])
            * 100,
            "net_gearing_pct": (r["有息负债"] - r["货币资金"]) / r["所有者权益"] * 100,
            "cash_to_short_debt_ratio": r["货币资金"] / r["短期有息负债"],
        }
        n = 0
        for line in lines:
            v, th = ratio[line.get("ratio")], float(line.get("threshold"))
            n += v > th if line.get("comparator") == ">" else v < th
        got[(r["统一社会信用代码"], r["报告期"])] = (tiers[n][0], ratio)
    slide = _events(market)[("developer_red_slide", "developer_red_line_tier")]
    for t in truth.iter_rows(named=True):
        tier, ratio = got[(t["developer_id"], t["period_quarter"])]
        assert t["tier"] == tier
        if t["developer_id"] == slide["entity_ids"]:
            continue
        # normal groups keep a margin: 绿 or one line, and 0.8 × their tier's debt-growth cap
        margin = (ratio["liability_ratio_ex_advance_pct"] <= 66) + (ratio["net_gearing_pct"] <= 90)
        margin += ratio["cash_to_short_debt_ratio"] >= 1.15
        assert tier in ("green", "yellow") and margin >= 2
        if tier == "green":
            assert margin == 3
        if t["debt_growth_yoy_pct"]:
            assert float(t["debt_growth_yoy_pct"]) < 0.8 * tiers[0 if tier == "green" else 1][1]
    per_dev = truth.group_by("developer_id").agg(pl.col("tier").unique())
    yellow = per_dev.filter(
        pl.col("tier").list.contains("yellow") & (pl.col("developer_id") != slide["entity_ids"])
    )
    assert yellow["tier"].list.len().eq(1).all()  # stable 黄档
    assert 0 < yellow.height <= 0.2 * per_dev.height


def test_the_red_slide_goes_green_yellow_orange_red_with_debt_growth_and_overdue_paper(
    market: Path,
) -> None:
    ev = _events(market)
    slide = ev[("developer_red_slide", "developer_red_line_tier")]
    growth = ev[("developer_red_slide", "developer_debt_growth")]
    truth = pl.read_csv(market / "truth/developer_tiers.csv", infer_schema=False)
    mine = truth.filter(pl.col("developer_id") == slide["entity_ids"]).sort("period_quarter")
    tiers = mine["tier"].to_list()
    assert tiers == ["green", "yellow", "yellow", "orange", "orange", "red"]
    assert mine.filter(pl.col("tier") == "green")["period_quarter"][0] < slide["start_month"]
    assert (
        mine.filter(pl.col("tier") == "yellow")["period_quarter"][0][:7] == slide["start_month"][:7]
    )
    red = mine.filter(pl.col("tier") == "red")
    assert (red["overdue_commercial_paper_yuan"].cast(pl.Float64) > 0).all()
    assert (
        mine.filter(pl.col("tier") != "red")["overdue_commercial_paper_yuan"].cast(pl.Float64) == 0
    ).all()
    over = mine.filter(
        pl.col("debt_growth_yoy_pct").cast(pl.Float64)
        > pl.col("debt_growth_cap_pct").cast(pl.Float64)
    )
    assert over.height >= 1 and over["period_quarter"][0][:7] == growth["start_month"][:7]
    ag = _csvs(market / "raw/escrow_agreement")
    assert slide["entity_ids"] in set(ag["开发企业统一社会信用代码"])


# ---------- events


def test_every_supervision_event_is_planted_with_ids_in_the_raw_files(market: Path) -> None:
    ev = pl.read_csv(market / "truth/events.csv", infer_schema=False)
    rows = ev.filter(pl.col("kind").is_in(SUPERVISION_EVENTS))
    assert sorted(
        zip(rows["kind"], rows["expected_rule"], rows["expected_level"], strict=True)
    ) == [
        ("construction_stall", "construction_stalled", "red"),
        ("developer_red_slide", "developer_debt_growth", "red"),
        ("developer_red_slide", "developer_red_line_tier", "red"),
        ("escrow_diversion", "escrow_deposit_shortfall", "red"),
        ("escrow_early_release", "escrow_balance_short", "red"),
        ("escrow_early_release", "escrow_release_ahead", "red"),
    ]
    assert ev["event_id"].n_unique() == ev.height
    ag = _csvs(market / "raw/escrow_agreement")
    pairs = set(ag.select("项目编号", "预售许可证号").iter_rows())
    for r in rows.filter(pl.col("entity_type") == "project").iter_rows(named=True):
        for permit in r["related_ids"].split(";"):
            assert (r["entity_ids"], permit) in pairs
        assert r["district_code"] != "320600"
    projects = set(ag["项目编号"])
    slide = rows.filter(pl.col("kind") == "developer_red_slide").row(0, named=True)
    assert slide["entity_type"] == "developer" and set(slide["related_ids"].split(";")) <= projects


def test_a_short_range_leaves_out_what_does_not_fit(tmp_path: Path) -> None:
    run(tmp_path, "2023-01", "2023-08", SCALE, SEED, None)
    kinds = set(pl.read_csv(tmp_path / "truth/events.csv", infer_schema=False)["kind"])
    assert not kinds & {"construction_stall", "developer_red_slide"}
    assert {"escrow_diversion"} <= kinds


def test_a_long_stall_passes_the_promised_delivery_date(tmp_path: Path) -> None:
    run(tmp_path, "2020-01", "2024-12", SCALE, SEED, None)
    ev = _events(tmp_path)
    stall = ev[("construction_stall", "construction_stalled")]
    late = ev[("construction_stall", "delivery_overdue")]
    assert late["entity_ids"] == stall["entity_ids"] and late["event_id"] != stall["event_id"]
    ag = _csvs(tmp_path / "raw/escrow_agreement").filter(pl.col("项目编号") == stall["entity_ids"])
    con = _csvs(tmp_path / "raw/construction").filter(pl.col("形象进度节点") == "竣工验收")
    done = dict(con.group_by("预售许可证号").agg(pl.col("达到日期").max()).iter_rows())
    overdue = [
        r["预售许可证号"]
        for r in ag.iter_rows(named=True)
        if r["约定交付日期"][:7] < late["start_month"][:7]
        and done.get(r["预售许可证号"], "9999")[:7] > late["end_month"][:7]
    ]
    assert overdue and set(overdue) <= set(stall["related_ids"].split(";"))
    first, last = stall["start_month"][:7], stall["end_month"][:7]
    assert _month(last) - _month(first) >= 12
    nodes = _csvs(tmp_path / "raw/construction").filter(
        (pl.col("项目编号") == stall["entity_ids"])
        & pl.col("达到日期").str.slice(0, 7).is_between(pl.lit(first), pl.lit(last), closed="right")
    )
    assert nodes.is_empty()
