"""Small builders for test input files and a one-file load."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from core.settings import Paths
from ingest.ledger import Batch
from pipeline.load import load

if TYPE_CHECKING:
    from tests.ingestion.exports import Export

NEW_HOME_HEADERS = [
    "合同编号", "不动产单元号", "项目编号", "项目名称", "区县", "房屋用途", "建筑面积(㎡)",
    "合同总价(万元)", "备案单价(元/㎡)", "签约日期", "合同状态", "买受人证件号码", "联系电话",
]  # fmt: skip


def new_home_row(n: int, **changes: str) -> list[str]:
    """A valid 崇川 contract: 100㎡ at 250万 (25,000 元/㎡), filed at 26,000."""
    row = {
        "合同编号": f"HT{n:04d}", "不动产单元号": f"U{n:04d}", "项目编号": "P01",
        "项目名称": "濠河名邸", "区县": "崇川区", "房屋用途": "住宅", "建筑面积(㎡)": "100",
        "合同总价(万元)": "250", "备案单价(元/㎡)": "26000", "签约日期": "2021-04-01",
        "合同状态": "已备案", "买受人证件号码": f"32060219900101{n:04d}",
        "联系电话": f"138000{n:05d}",
    }  # fmt: skip
    row.update(changes)
    return [row[h] for h in NEW_HOME_HEADERS]


def csv_text(headers: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(
    path: Path, headers: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_text(headers, rows).encode(encoding))
    return path


def load_one(path: Path, home: Paths, **kwargs) -> Batch:
    report = load([path], home, **kwargs)
    assert len(report.batches) == 1, report
    batch = report.batches[0]
    if batch.status == "loaded":
        assert batch.read == batch.loaded + batch.quarantined + batch.duplicates
    return batch


def landed(home: Paths, source: str) -> pl.DataFrame:
    return pl.read_parquet(home.landing / source / "*" / "data.parquet")


def quarantined(home: Paths) -> pl.DataFrame:
    return pl.read_parquet(home.quarantine / "*.parquet")


def everything_under(home: Paths) -> str:
    """Every file under the home as text: Parquet decoded, the rest as bytes."""
    parts = []
    for path in home.home.rglob("*"):
        if path.suffix == ".parquet":
            parts.append(pl.read_parquet(path).write_csv())
        elif path.is_file():
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def assert_landed(home: Paths, export: Export) -> None:
    """The export's landed rows: as many as it loads, each keyed row holding its hand-computed
    values (floats to 1e-9 relative)."""
    frame = landed(home, export.source)
    assert frame.height == export.loaded
    for key, expected in export.values.items():
        rows = frame.filter(pl.col(export.key) == key)
        assert rows.height >= 1, key
        for column, value in expected.items():
            for got in rows.get_column(column).to_list():
                if isinstance(value, float):
                    assert math.isclose(got, value, rel_tol=1e-9), (key, column, got)
                else:
                    assert got == value, (key, column, got)
