"""The synthetic Nantong market: deterministic, bureau-shaped files, realistic, honest truth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import yaml

from ingest.schemas import fact_sources
from synthetic import generate
from synthetic.geo import load_geography

CONTRACTS = Path(__file__).resolve().parents[2] / "ingest" / "contracts"
SOURCES = tuple(c.source for c in fact_sources())  # the registry: every fact contract


@pytest.fixture(scope="module")
def short_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("short")
    generate(out, start="2020-11", end="2021-03", scale=0.2)
    return out


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("long")
    generate(out, start="2019-01", end="2021-12", scale=0.1)
    return out


# ---------- reading raw files back as rows of text


def _cell(v: object) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    return str(v)


def read_table(path: Path) -> tuple[list[str], list[list[str | None]]]:
    """Header and data rows (as written) of any raw file."""
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        header = list(rows[0])
        return header, [
            [
                _cell(r.get(h)) if not isinstance(r.get(h), bool) else str(r[h]).lower()
                for h in header
            ]
            for r in rows
        ]
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path).active
        values = list(ws.iter_rows(min_row=3, values_only=True))
        return [str(h) for h in values[0]], [[_cell(v) for v in r] for r in values[1:]]
    raw = path.read_bytes()
    text = raw.decode("gbk") if "new_home" in path.parts else raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], [[v if v != "" else None for v in r] for r in rows[1:]]


def _num(v: str | None) -> float:
    return float(v)  # type: ignore[arg-type]


def _valid_date(v: str | None) -> bool:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            dt.datetime.strptime(v or "", fmt)
            return True
        except ValueError:
            pass
    return False


# ---------- determinism and layout


def test_same_seed_gives_byte_identical_files(short_run: Path, tmp_path: Path) -> None:
    generate(tmp_path, start="2020-11", end="2021-03", scale=0.2)
    first = sorted(p.relative_to(short_run) for p in short_run.rglob("*") if p.is_file())
    second = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert first == second
    for rel in first:
        assert (short_run / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_other_seed_gives_other_contracts(short_run: Path, tmp_path: Path) -> None:
    generate(tmp_path, start="2020-11", end="2020-11", scale=0.2, seed=7)
    name = "raw/new_home/新建商品房网签_2020-11.csv"
    assert (short_run / name).read_bytes() != (tmp_path / name).read_bytes()


def test_every_source_arrives_in_its_bureau_format(short_run: Path) -> None:
    raw = short_run / "raw"
    for folder in (*SOURCES, "reference"):
        assert any((raw / folder).iterdir()), folder
    gbk = (raw / "new_home" / "新建商品房网签_2021-01.csv").read_bytes()
    assert b"\r\n" in gbk and gbk.decode("gbk").startswith("合同编号,")
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert (raw / "credit" / "信贷月报_2021.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (
        not (raw / "resale" / "resale_contracts_2021.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    )
    for book in ("presale/预售许可_2020.xlsx", "land/土地出让成交_2021.xlsx"):
        ws = openpyxl.load_workbook(raw / book).active
        assert str(ws["A1"].value).startswith("南通市") and any(
            str(r).startswith("A1:") for r in ws.merged_cells.ranges
        )
    assert ws.cell(3, 9).value == "起始价(万元)"


def test_headers_are_spellings_the_contracts_accept(short_run: Path) -> None:
    files = {
        "new_home": "new_home/新建商品房网签_2021-01.csv",
        "resale": "resale/resale_contracts_2021.csv",
        "presale": "presale/预售许可_2020.xlsx",
        "land": "land/土地出让成交_2021.xlsx",
        "rental": "rental/rental_registrations_2021.jsonl",
        "credit": "credit/信贷月报_2021.csv",
        "stock": "stock/商品住宅可售存量_2021.csv",
        "escrow_agreement": "escrow_agreement/预售资金监管协议_2020.csv",
        "escrow_statement": "escrow_statement/监管账户月报_2021-01.csv",
        "construction": "construction/工程形象进度_2021-01.csv",
        "developer_finance": "developer_finance/重点房企资金监测_2020Q4.csv",
    }
    assert set(files) == set(SOURCES)
    for source, rel in files.items():
        contract = yaml.safe_load((CONTRACTS / f"{source}.yml").read_text(encoding="utf-8"))
        aliases = {a.split("@")[0] for c in contract["columns"] for a in c["aliases"]}
        header, _ = read_table(short_run / "raw" / rel)
        unknown = [h for h in header if h.split("(")[0] not in aliases]
        assert not unknown, (source, unknown)


# ---------- realistic magnitudes


def _new_home(out: Path) -> pl.DataFrame:
    frames = []
    for f in sorted((out / "raw" / "new_home").glob("*.csv")):
        header, rows = read_table(f)
        frames.append(
            pl.DataFrame(rows, schema={h: pl.Utf8 for h in header}, orient="row").with_columns(
                file=pl.lit(f.stem[-7:])
            )
        )
    df = pl.concat(frames)
    num = lambda c: pl.col(c).cast(pl.Float64, strict=False)  # noqa: E731
    return df.with_columns(area=num("建筑面积(㎡)"), total=num("合同总价(万元)") * 1e4)


def _sold_homes(df: pl.DataFrame) -> pl.DataFrame:
    cancelled = df.filter(pl.col("合同状态") == "已撤销")["合同编号"].implode()
    return df.filter(
        (pl.col("房屋用途") == "住宅")
        & ~pl.col("合同编号").is_in(cancelled)
        & (pl.col("area") > 0)
        & (pl.col("total") / pl.col("area") < 1e5)
    ).unique("合同编号")


def test_new_home_prices_and_sizes_look_like_nantong(short_run: Path) -> None:
    homes = _sold_homes(_new_home(short_run))
    by = homes.group_by("区县").agg(avg=pl.col("total").sum() / pl.col("area").sum(), n=pl.len())
    price = dict(zip(by["区县"], by["avg"], strict=True))
    assert 22_000 < price["崇川区"] < 30_000
    assert 14_000 < price["通州区"] < 18_500
    assert 8_500 < price["如东县"] < 12_500
    area = homes["area"]
    assert 115 < area.mean() < 128
    assert 0.06 < (area <= 90).mean() < 0.14
    assert 0.64 < ((area > 90) & (area <= 144)).mean() < 0.80
    assert 0.13 < (area > 144).mean() < 0.23


def test_autumn_outsells_the_spring_festival(long_run: Path) -> None:
    homes = _sold_homes(_new_home(long_run))
    months = Counter(homes["file"].to_list())
    for year in (2019, 2020, 2021):
        feb = months[f"{year}-02"]
        assert (
            feb < months[f"{year}-09"] and feb < months[f"{year}-10"] and feb < months[f"{year}-12"]
        )


def test_cancellations_repeat_an_earlier_contract_as_a_later_version(long_run: Path) -> None:
    df = _new_home(long_run)
    cancelled = df.filter(pl.col("合同状态") == "已撤销")
    assert 0.01 < len(cancelled) / len(df) < 0.05
    first = (
        df.filter(pl.col("合同状态") != "已撤销")
        .unique("合同编号")
        .select("合同编号", sign_file="file")
    )
    joined = cancelled.join(first, on="合同编号", how="left")
    assert joined["sign_file"].null_count() == 0
    assert (joined["file"] > joined["sign_file"]).all()
    assert joined["撤销日期"].null_count() == 0


def test_resales_repeat_units_and_sellers_are_previous_buyers(long_run: Path) -> None:
    frames = [
        pl.read_csv(f, infer_schema=False) for f in sorted((long_run / "raw/resale").glob("*.csv"))
    ]
    rs = (
        pl.concat(frames)
        .filter(pl.col("unit_id").is_not_null())
        .unique("contract_id")
        .sort("contract_id")
    )
    counts = rs.group_by("unit_id").len()
    assert counts.filter(pl.col("len") >= 2).height > 100
    chain = rs.with_columns(prev_buyer=pl.col("buyer_id").shift(1).over("unit_id")).drop_nulls(
        "prev_buyer"
    )
    assert (chain["seller_id"] == chain["prev_buyer"]).mean() > 0.99


def test_latent_index_is_100_in_january_2016(short_run: Path) -> None:
    latent = pl.read_csv(
        short_run / "truth/latent_index.csv", schema_overrides={"district_code": pl.Utf8}
    )
    base = latent.filter(pl.col("period_month") == "2016-01-01")
    assert base.height == 10 * 4 and (base["index"] == 100).all()
    chongchuan = latent.filter(
        (pl.col("district_code") == "320602") & (pl.col("market") == "resale")
    )
    assert chongchuan["index"].max() > 125  # the 2016–2021 boom


# ---------- planted events


def test_events_list_every_required_kind_with_checkable_ids(long_run: Path) -> None:
    events = pl.read_csv(long_run / "truth/events.csv", infer_schema=False)
    kinds = set(events["kind"])
    assert kinds == {
        "price_surge",
        "filed_price_above",
        "filed_price_discount",
        "land_premium_cap",
        "land_lottery",
        "bank_concentration",
        "months_of_supply_low",
        "months_of_supply_high",
        "flipping_ring",
        "volume_surge",
        "withheld_supply",
        "escrow_diversion",
        "escrow_early_release",
        "construction_stall",
        "developer_red_slide",
    }
    ev = {r["kind"]: r for r in events.iter_rows(named=True)}
    df = _new_home(long_run).with_columns(
        up=pl.col("成交单价(元/㎡)").cast(pl.Float64), fp=pl.col("备案单价(元/㎡)").cast(pl.Float64)
    )
    above = df.filter(pl.col("合同编号").is_in(ev["filed_price_above"]["entity_ids"].split(";")))
    assert above.height >= 3 and (above["up"] > above["fp"]).all()
    below = df.filter(pl.col("合同编号").is_in(ev["filed_price_discount"]["entity_ids"].split(";")))
    assert below.height >= 3 and (below["up"] < 0.85 * below["fp"]).all()
    clean = df.filter(
        ~pl.col("合同编号").is_in([*above["合同编号"], *below["合同编号"]])
        & pl.col("up").is_not_null()
    )
    assert ((clean["up"] <= clean["fp"]) & (clean["up"] >= 0.85 * clean["fp"])).mean() > 0.99
    targets = pl.read_csv(long_run / "raw/reference/control_targets.csv", infer_schema=False)
    surge = ev["price_surge"]
    row = targets.filter(
        (pl.col("district") == surge["district_code"])
        & (pl.col("year") == "2021")
        & (pl.col("market") == "新建商品住宅")
    )
    assert float(row["target_max_pct"][0]) == 5.0 and float(surge["magnitude"]) > 10
    assert float(ev["months_of_supply_low"]["magnitude"]) < 6
    assert float(ev["months_of_supply_high"]["magnitude"]) > 36
    assert float(ev["volume_surge"]["magnitude"]) > 1.5
    # the withheld project: permitted in its first month, not one contract while it is held
    withheld = ev["withheld_supply"]
    header, rows = read_table(long_run / "raw/presale/预售许可_2020.xlsx")
    permits = [dict(zip(header, r, strict=True)) for r in rows]
    mine = [p for p in permits if p["项目编号"] == withheld["entity_ids"]]
    assert [p["预售许可证号"] for p in mine] == [withheld["related_ids"]]
    assert int(mine[0]["住宅套数"]) >= 40
    held = df.filter(
        (pl.col("项目编号") == withheld["entity_ids"])
        & pl.col("file").is_between(
            pl.lit(withheld["start_month"][:7]), pl.lit(withheld["end_month"][:7])
        )
    )
    assert held.is_empty()


def test_planted_land_bank_and_ring_are_in_the_files(long_run: Path) -> None:
    ev = {
        r["kind"]: r
        for r in pl.read_csv(long_run / "truth/events.csv", infer_schema=False).iter_rows(
            named=True
        )
    }
    header, rows = read_table(long_run / "raw/land/土地出让成交_2021.xlsx")
    land = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    cap = land[ev["land_premium_cap"]["entity_ids"]]
    assert cap["成交价(万元)"] == cap["最高限价(万元)"]
    assert abs(_num(cap["成交价(万元)"]) / _num(cap["起始价(万元)"]) - 1.15) < 1e-3
    assert land[ev["land_lottery"]["entity_ids"]]["出让方式"] == "限价摇号"
    credit = pl.read_csv(long_run / "raw/credit/信贷月报_2021.csv", infer_schema=False)
    bank = credit.filter(pl.col("机构代码") == ev["bank_concentration"]["entity_ids"])
    share = bank["房地产贷款余额(万元)"].cast(pl.Float64) / bank["各项贷款余额(万元)"].cast(
        pl.Float64
    )
    assert (share > 0.275).all()
    ring = ev["flipping_ring"]["entity_ids"].split(";")
    buys = _new_home(long_run).filter(pl.col("买受人证件号码").is_in(ring))
    assert len(ring) == 5 and buys.group_by("买受人证件号码").len()["len"].min() >= 3
    resales = pl.concat(
        [pl.read_csv(f, infer_schema=False) for f in (long_run / "raw/resale").glob("*.csv")]
    )
    assert resales.filter(pl.col("seller_id").is_in(ring)).height == buys.height


# ---------- dirty rows


def _is_dirty(
    kind: str, column: str, header: list[str], row: list[str | None], source: str
) -> bool:
    geo = load_geography()
    at = dict(zip(header, row, strict=True))
    v = at.get(column)
    if kind == "missing_required":
        return v is None
    if kind == "unknown_district":
        return v not in geo.known_names()
    if kind == "non_positive_area":
        return _num(v) <= 0
    if kind == "bad_date":
        return not _valid_date(v)
    if kind == "bad_number":
        try:
            float(v or "")
        except ValueError:
            return True
        return False
    if kind == "unit_confusion":
        if source == "new_home":
            return _num(v) * 1e4 / _num(at["建筑面积(㎡)"]) / _num(at["成交单价(元/㎡)"]) > 1000
        if source == "resale":
            return _num(v) / _num(at["area_sqm"]) / _num(at["unit_price_yuan_per_sqm"]) < 1e-3
        if source == "land":
            return _num(v) / _num(at["起始价(万元)"]) > 100
        return _num(v) > _num(at["各项贷款余额(万元)"])
    raise AssertionError(kind)


def test_dirty_rows_are_one_to_two_percent_and_really_dirty(long_run: Path) -> None:
    dirty = pl.read_csv(long_run / "truth/dirty_rows.csv", infer_schema=False)
    manifest = json.loads((long_run / "truth/manifest.json").read_text())
    for source in ("new_home", "resale", "rental"):
        share = dirty.filter(pl.col("source") == source).height / manifest["rows_total"][source]
        assert 0.01 <= share <= 0.02, (source, share)
    assert dirty.filter(pl.col("source").is_in(["land", "credit"])).height > 0
    assert dirty.filter(pl.col("kind") == "unknown_district").height > 0
    seen: dict[str, set[tuple]] = {}
    for rel in sorted(set(dirty["file"])):
        source = rel.split("/")[0]
        header, rows = read_table(long_run / "raw" / rel)
        listed = dirty.filter(pl.col("file") == rel)
        earlier = seen.setdefault(source, set())
        mine: set[tuple] = set()
        marks = {int(r["row"]): r for r in listed.iter_rows(named=True)}
        for i, row in enumerate(rows, start=1):
            key = tuple(row)
            mark = marks.get(i)
            if mark is not None and mark["kind"] == "exact_duplicate":
                assert key in mine or key in earlier, (rel, i)
            elif mark is not None:
                assert _is_dirty(mark["kind"], mark["column"], header, row, source), (rel, i, mark)
            else:
                assert key not in mine, (rel, i, "unlisted duplicate")
            mine.add(key)
        earlier |= mine


def test_clean_rows_pass_the_checks_dirty_rows_fail(long_run: Path) -> None:
    dirty = pl.read_csv(long_run / "truth/dirty_rows.csv", infer_schema=False)
    marked = {(r["file"], int(r["row"])) for r in dirty.iter_rows(named=True)}
    geo = load_geography()
    for f in sorted((long_run / "raw/new_home").glob("*.csv")):
        header, rows = read_table(f)
        rel = f"new_home/{f.name}"
        for i, row in enumerate(rows, start=1):
            if (rel, i) in marked:
                continue
            at = dict(zip(header, row, strict=True))
            assert at["区县"] in geo.known_names() and _valid_date(at["签约日期"])
            assert _num(at["建筑面积(㎡)"]) > 0 and not _is_dirty(
                "unit_confusion", "合同总价(万元)", header, row, "new_home"
            )


# ---------- arguments and progress


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": "2021-05", "end": "2021-04"}, "before"),
        ({"start": "2021-13"}, "YYYY-MM"),
        ({"end": "21-04"}, "YYYY-MM"),
        ({"scale": 0}, "scale"),
    ],
)
def test_bad_arguments_raise_one_line_value_errors(
    tmp_path: Path, kwargs: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as err:
        generate(tmp_path, **kwargs)
    assert "\n" not in str(err.value)


def test_progress_reports_every_month(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    summary = generate(
        tmp_path, start="2021-01", end="2021-02", scale=0.05, progress=lambda *a: calls.append(a)
    )
    assert calls == [("generate", 1, 2), ("generate", 2, 2)]
    assert summary["rows"]["new_home"] > 0 and summary["files"] > 0


def test_the_stock_snapshot_is_the_generators_stock_truth(short_run: Path) -> None:
    """At the last month no cancellation is still to come, so the month-end snapshot of saleable
    units equals the stock the truth derives from every permit and every (net) sale."""
    geo = load_geography()
    truth = pl.read_csv(short_run / "truth/months_of_supply.csv", infer_schema=False).filter(
        pl.col("period_month") == "2021-03-01"
    )
    expected = {r["district_code"]: float(r["stock_area_sqm"]) for r in truth.iter_rows(named=True)}
    header, rows = read_table(short_run / "raw/stock/商品住宅可售存量_2021.csv")
    assert header == ["区县", "统计月份", "可售套数", "可售面积(㎡)"]
    march = [r for r in rows if r[1] == "2021年3月"]
    assert len(march) == len(geo.codes) == len(expected)
    for name, _, units, area in march:
        code = geo.codes[geo.names.index(name)]
        assert float(area) == pytest.approx(expected[code], abs=0.02), name  # both to 0.01 ㎡
        assert int(units) > 0
