"""The month loop: supply, sales, resales, rentals, land, credit; each month written as it goes."""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from synthetic import credit, escrow, land, people, rentals, resale, sales, stock
from synthetic.calendar import month_str, parse_month, rng_for
from synthetic.developers import DeveloperBook
from synthetic.dirty import DirtySpec, inject
from synthetic.events import plan_events
from synthetic.geo import load_geography
from synthetic.market import Surge, build_latent
from synthetic.params import DIRTY_SHARE
from synthetic.presale import NUMERIC as PRESALE_NUMERIC
from synthetic.presale import PresaleBook, issue_permits
from synthetic.projects import build_old_stock
from synthetic.reference import write_reference
from synthetic.store import UnitStore
from synthetic.truth import finalise_events, months_of_supply, write_truth
from synthetic.world import World
from synthetic.writers import CsvSink, JsonlSink, write_titled_xlsx

W = {
    "missing_required": 0.18,
    "unknown_district": 0.14,
    "exact_duplicate": 0.2,
    "non_positive_area": 0.1,
    "bad_date": 0.12,
    "unit_confusion": 0.12,
    "bad_number": 0.14,
}
NEW_HOME_SPEC = DirtySpec(
    ("合同编号", "区县", "建筑面积(㎡)", "合同总价(万元)", "签约日期"),
    "区县",
    "建筑面积(㎡)",
    "签约日期",
    "合同总价(万元)",
    1e4,
    ("建筑面积(㎡)", "合同总价(万元)"),
    W,
)
RESALE_SPEC = DirtySpec(
    ("contract_id", "community", "district", "area_sqm", "total_price_yuan", "sign_date"),
    "district",
    "area_sqm",
    "sign_date",
    "total_price_yuan",
    1e-4,
    ("area_sqm", "total_price_yuan"),
    W,
)
RENTAL_SPEC = DirtySpec(
    ("registration_id", "community", "district", "area_sqm", "monthly_rent_yuan", "start_date"),
    "district",
    "area_sqm",
    "start_date",
    None,
    1.0,
    ("area_sqm", "monthly_rent_yuan"),
    {**W, "unit_confusion": 0.0},
)
LAND_SPEC = DirtySpec(
    ("地块编号", "区县", "起始价(万元)"),
    "区县",
    None,
    "成交日期",
    "成交价(万元)",
    1e4,
    (),
    {"missing_required": 1, "unknown_district": 1, "bad_date": 1, "unit_confusion": 1},
)
CREDIT_SPEC = DirtySpec(
    ("机构代码",),
    "",
    None,
    None,
    "房地产贷款余额(万元)",
    1e4,
    ("各项贷款余额(万元)",),
    {"missing_required": 1, "unit_confusion": 1, "bad_number": 1},
)


SUPERVISION_EVENTS = (
    "escrow_diversion",
    "escrow_early_release",
    "construction_stall",
    "developer_red_slide",
)


class Output:
    """Sinks, dirty bookkeeping and row counts for one generation run."""

    def __init__(self, out: Path) -> None:
        self.raw = out / "raw"
        self.csv: dict[str, CsvSink | JsonlSink] = {}
        self.dirty: list[tuple] = []
        self.rows: dict[str, dict[str, int]] = defaultdict(dict)
        self.prev_new_home: pl.DataFrame | None = None

    def emit(
        self,
        source: str,
        rel: str,
        sink_factory: Callable[[Path], CsvSink | JsonlSink],
        df: pl.DataFrame,
        spec: DirtySpec,
        rng: np.random.Generator,
        n_dirty: int,
        n_cross: int = 0,
    ) -> pl.DataFrame:
        """Inject faults into `df` (with a `_p` protected column), write it, record everything."""
        protected = df["_p"].to_numpy() if "_p" in df.columns else None
        df = df.with_columns(
            _p=pl.Series(protected if protected is not None else np.zeros(len(df), bool))
        )
        prev = self.prev_new_home if source == "new_home" else None
        out, records = inject(df, spec, rng, n_dirty, protected, prev, n_cross)
        if rel not in self.csv:
            self.csv[rel] = sink_factory(self.raw / rel)
        offset = self.csv[rel].write(out.drop("_p"))
        for row, kind, col, outcome in records:
            self.dirty.append((source, rel, offset + row, kind, col, outcome))
        self.rows[source][rel] = self.csv[rel].rows
        bad = {r[0] - 1 for r in records}
        keep = pl.Series([i not in bad for i in range(len(out))])
        return out.filter(keep & ~out["_p"])


def _emit_stock(o: Output, w: World, month: int) -> None:
    """The month-end saleable-stock snapshot (clean: it draws nothing from any random stream)."""
    rel = stock.file_name(month // 12)
    if rel not in o.csv:
        o.csv[rel] = CsvSink(o.raw / rel, bom=True)
    o.csv[rel].write(stock.snapshot(w, month))
    o.rows["stock"][rel] = o.csv[rel].rows


def _validate(start: str, end: str, scale: float) -> tuple[int, int]:
    s, e = parse_month(start), parse_month(end)
    if e < s:
        raise ValueError(f"end {end} is before start {start}")
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    return s, e


def _plant_ring(w: World) -> None:
    slot = w.events.get("flipping_ring")
    if slot is None:
        return
    rng = rng_for(w.seed, "ring")
    persons = w.new_persons(5)
    buys: dict[int, list[tuple[int, int]]] = defaultdict(list)
    districts = [w.geo.index("320602"), w.geo.index("320600K01")]
    for k, p in enumerate(persons.tolist()):
        for m in sorted(rng.choice(6, size=3 + int(k % 2 == 0), replace=False).tolist()):
            buys[slot.first + m].append((p, districts[k % 2]))
    slot.params["buys"] = dict(buys)
    slot.entity_ids.extend(people.id_numbers(persons, w.seed).to_list())


def run(
    out: Path,
    start: str,
    end: str,
    scale: float,
    seed: int,
    progress: Callable[[str, int, int], None] | None,
    supervision: bool = True,
) -> dict:
    """The month loop; `supervision=False` leaves out the escrow, construction and developer
    sources (and their events), which changes nothing else: tests compare both."""
    s, e = _validate(start, end, scale)
    out = Path(out)
    for sub in ("raw", "truth"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    geo = load_geography()
    events = plan_events(geo, s, e)
    if not supervision:
        for kind in SUPERVISION_EVENTS:
            events.pop(kind, None)
    surges = []
    if "price_surge" in events:
        ev = events["price_surge"]
        surges.append(
            Surge(ev.district, "new_home", ev.first, ev.last, extra_pct=1.15, revert_pct=0.35)
        )
    latent = build_latent(geo, s, e, seed, surges)
    store = UnitStore()
    build_old_stock(store, geo, rng_for(seed, "old_stock"), scale)
    w = World(
        geo=geo, latent=latent, store=store, seed=seed, scale=scale, start=s, end=e, events=events
    )
    w.next_person = int(store.owner.max()) + 1 if store.n else 0
    _plant_ring(w)
    o = Output(out)
    book = escrow.EscrowBook(o.raw) if supervision else None
    devs = DeveloperBook(o.raw) if supervision else None
    presale = PresaleBook()
    land_rows: list[pl.DataFrame] = []
    total = e - s + 1
    for month in range(s, e + 1):
        year, ym = month // 12, month_str(month)
        n_permits = len(store.permits)
        issue_permits(w, month, presale)
        if book is not None:
            new = list(enumerate(store.permits))[n_permits:]
            book.open_permits(w, month, new)
            escrow.plant(w, month, book)
        rng = rng_for(seed, "dirty", month)
        df = sales.sell_new_homes(w, month)
        raw = sales.to_raw(w, df, month).with_columns(_p=df["protected"])
        n_cross = int(rng.random() < 0.35) if o.prev_new_home is not None else 0
        o.prev_new_home = o.emit(
            "new_home",
            f"new_home/新建商品房网签_{ym}.csv",
            lambda p: CsvSink(p, encoding="gbk", crlf=True),
            raw,
            NEW_HOME_SPEC,
            rng,
            int(rng.binomial(len(raw), DIRTY_SHARE)),
            n_cross,
        )
        rs = resale.sell_resales(w, month).rename({"_protected": "_p"})
        o.emit(
            "resale",
            f"resale/resale_contracts_{year}.csv",
            lambda p: CsvSink(p),
            rs,
            RESALE_SPEC,
            rng,
            int(rng.binomial(len(rs), DIRTY_SHARE)),
        )
        rt = rentals.register_rentals(w, month)
        o.emit(
            "rental",
            f"rental/rental_registrations_{year}.jsonl",
            lambda p: JsonlSink(p, rentals.NUMERIC_KEYS, ("affordable",)),
            rt,
            RENTAL_SPEC,
            rng,
            int(rng.binomial(len(rt), DIRTY_SHARE)),
        )
        ld = land.offer_parcels(w, month)
        planted = [
            pid
            for k in ("land_premium_cap", "land_lottery")
            if k in events
            for pid in events[k].entity_ids
        ]
        ld = ld.with_columns(_p=pl.col("地块编号").is_in(planted))
        land_rows.append(ld)
        cr = credit.credit_rows(w, month)
        cr = cr.with_columns(_p=pl.col("机构代码") == credit.PLANTED_BANK)
        o.emit(
            "credit",
            f"credit/信贷月报_{year}.csv",
            lambda p: CsvSink(p, bom=True),
            cr,
            CREDIT_SPEC,
            rng,
            int(rng.random() < 0.2),
        )
        _emit_stock(o, w, month)
        if book is not None and devs is not None:
            book.month(w, month, df)
            devs.quarter(w, month)
        if month % 12 == 11 or month == e:
            _flush_year(o, w, year, land_rows, presale, rng_for(seed, "land_dirty", year))
            land_rows = []
        if progress is not None:
            progress("generate", month - s + 1, total)
    if book is not None and devs is not None:
        book.flush_construction()
        devs.finalise(w)
        escrow.finalise_stall(w, book)
        for kind in SUPERVISION_EVENTS[:3]:
            if kind in events and not events[kind].params.get("permits"):
                del events[kind]  # no permit fitted: the event is not listed
        for rows in (book.rows, devs.rows):
            for src, files in rows.items():
                o.rows[src].update(files)
    first_year = min(s // 12, 2016)
    ref_counts = write_reference(w, out, first_year, e // 12)
    finalise_events(w, months_of_supply(w))
    dirty_counts = {src: sum(1 for d in o.dirty if d[0] == src) for src in sorted(o.rows)}
    manifest = {
        "generator": "synthetic",
        "seed": seed,
        "scale": scale,
        "start": start,
        "end": end,
        "rows": {src: dict(sorted(files.items())) for src, files in sorted(o.rows.items())},
        "rows_total": {src: sum(files.values()) for src, files in sorted(o.rows.items())},
        "reference_rows": ref_counts,
        "dirty_rows": dirty_counts,
        "events": sorted(events),
    }
    write_truth(w, out, sorted(o.dirty, key=lambda d: (d[0], d[1], d[2])), manifest)
    if book is not None and devs is not None:
        book.write_truth(out / "truth")
        devs.write_truth(out / "truth")
    _copy_truth_doc(out)
    return {
        "out_dir": str(out),
        "rows": manifest["rows_total"],
        "files": sum(len(f) for f in o.rows.values()),
        "dirty_rows": dirty_counts,
        "events": sorted(events),
        "reference_rows": ref_counts,
    }


def _flush_year(
    o: Output,
    w: World,
    year: int,
    land_rows: list[pl.DataFrame],
    presale: PresaleBook,
    rng: np.random.Generator,
) -> None:
    """Write the year's Excel workbooks (land with a few planted faults, presale clean)."""
    if land_rows:
        df = pl.concat(land_rows)
        rel = f"land/土地出让成交_{year}.xlsx"
        n_dirty = min(3, max(1, len(df) // 40)) if len(df) >= 5 else 0
        out, records = inject(df, LAND_SPEC, rng, n_dirty, df["_p"].to_numpy())
        write_titled_xlsx(
            o.raw / rel,
            f"南通市国有建设用地使用权出让成交汇总表（{year}年）",
            "单位：面积㎡，金额万元",
            out.drop("_p"),
            numeric=land.NUMERIC,
        )
        o.dirty.extend(("land", rel, r, k, c, x) for r, k, c, x in records)
        o.rows["land"][rel] = len(out)
    presale_df = presale.take(year)
    if presale_df is not None:
        rel = f"presale/预售许可_{year}.xlsx"
        write_titled_xlsx(
            o.raw / rel,
            f"南通市商品房预售许可汇总表（{year}年）",
            "",
            presale_df,
            numeric=PRESALE_NUMERIC,
            dates=("发证日期",),
        )
        o.rows["presale"][rel] = len(presale_df)


def _copy_truth_doc(out: Path) -> None:
    doc = Path(__file__).resolve().parents[1] / "docs" / "TRUTH.md"
    if doc.exists():
        (out / "docs").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(doc, out / "docs" / "TRUTH.md")
