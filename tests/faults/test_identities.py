"""After loading files full of shifted rows (an ID number, a name or a phone pushed into another
column), a header row that is really data and a file named by a buyer's ID number, and
building: no ID number, phone number or buyer name is anywhere under HOUSEWATCH_HOME in clear
(Parquet decoded, SQLite, DuckDB, logs, the dbt target), nor in what the commands print."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import duckdb
import polars as pl

from tests.faults.conftest import cli, ok

HEADERS = [
    "合同编号", "买受人姓名", "买受人证件号码", "联系电话", "不动产单元号", "项目编号", "项目名称",
    "区县", "房屋用途", "建筑面积(㎡)", "合同总价(万元)", "签约日期", "合同状态",
]  # fmt: skip
PEOPLE = [  # (name, ID number, phone)
    ("欧阳明轩", "320602199001011234", "13812345678"),
    ("司马静怡", "32060219851231567X", "0513-85123456"),
    ("诸葛文博", "320611870203123", "+86 139 0513 8888"),
    ("上官若曦", "E12345678", "15951234567"),
    ("慕容子墨", "C87654321", "18662001234"),
]


def _row(n: int, name: str, id_no: str, phone: str) -> list[str]:
    return [
        f"HT9{n:03d}", name, id_no, phone, f"U9{n:03d}", "P01", "濠河名邸", "崇川区", "住宅",
        "100", "250", "2021-03-15", "已备案",
    ]  # fmt: skip


def _shifted_file(path: Path) -> Path:
    """Every way a row breaks: commas in values (fields move right), fields left out (move left),
    an ID and a phone typed into a free-text column of an otherwise valid row (a name there
    cannot be told from a project name: only broken rows hide every text cell)."""
    lines = [",".join(HEADERS)]
    for n, (name, id_no, phone) in enumerate(PEOPLE):
        row = _row(n, name, id_no, phone)
        lines.append(",".join([*row[:1], "HT,补", *row[1:]]))  # unquoted comma: right by one
        lines.append(",".join(row[:1] + row[2:]))  # the name left out: left by one
        lines.append(",".join(row[:2] + row[3:]))  # the ID left out
        lines.append(",".join([*row[:6], f"{id_no}转{phone}", *row[7:]]))  # in 项目名称
        lines.append(",".join([*row[:3], "", "", "", *row[3:]]))  # right by three
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _headerless_file(path: Path) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for n, (name, id_no, phone) in enumerate(PEOPLE):
        writer.writerow([f"X{n}", name, id_no, phone, "崇川区"])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _secrets() -> list[str]:
    out = []
    for name, id_no, phone in PEOPLE:
        out += [name, id_no, id_no.lower(), phone, phone.replace("-", "").replace(" ", "")]
    return out


def _texts(home: Path) -> dict[str, str]:
    """Everything under `home` as text: files decoded by their kind, one string each."""
    found: dict[str, str] = {}
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        where = str(path.relative_to(home))
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            found[where] = frame.cast({c: pl.String for c in frame.columns}).write_csv()
        elif path.suffix == ".sqlite":
            con = sqlite3.connect(path)
            tables = [
                r[0] for r in con.execute("select name from sqlite_master where type='table'")
            ]
            found[where] = json.dumps(
                [list(con.execute(f"select * from {t}")) for t in tables], ensure_ascii=False
            )
            con.close()
        elif path.suffix == ".duckdb":
            con = duckdb.connect(str(path), read_only=True)
            parts = []
            for schema, table in con.sql(
                "select schema_name, table_name from duckdb_tables()"
                " where database_name = current_database()"
            ).fetchall():
                rows = con.sql(f'select * from "{schema}"."{table}"').fetchall()
                parts.append(json.dumps(rows, ensure_ascii=False, default=str))
            found[where] = "\n".join(parts)
            con.close()
        else:
            found[where] = path.read_bytes().decode("utf-8", errors="replace")
    return found


def test_no_identity_in_clear_anywhere_under_home(fault_world, tmp_path):
    home = fault_world.copy()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shifted = _shifted_file(inbox / "网签_320602199001011234.csv")  # a buyer's ID as file name
    headerless = _headerless_file(inbox / "无表头.csv")
    printed = [cli(home, "load", "-v", str(shifted)), cli(home, "load", "-v", str(headerless))]
    assert printed[0].returncode == 0, printed[0].stderr
    assert printed[1].returncode == 1  # rejected: no header, with a message that quotes it
    printed += [ok(cli(home, "status", "--json")), ok(cli(home, "build"))]
    batches = json.loads(printed[2].stdout)["batches"][-2:]
    shifted_batch = batches[0]
    assert shifted_batch["read"] == 5 * len(PEOPLE)
    assert shifted_batch["read"] == (
        shifted_batch["loaded"] + shifted_batch["quarantined"] + shifted_batch["duplicates"]
    )
    assert "[证件:" in shifted_batch["file_name"]  # the buyer in the file name is hashed
    texts = _texts(home.home)
    texts |= {f"printed {p.args[3:]}": p.stdout + p.stderr for p in printed}
    leaks = [(where, s) for where, text in texts.items() for s in _secrets() if s in text]
    assert leaks == []
    # what quarantine keeps still tells the analyst which row and why
    quarantine = pl.read_parquet(home.quarantine / f"{shifted_batch['batch_id']}.parquet")
    assert quarantine.height == shifted_batch["quarantined"] > 0
    assert set(quarantine.get_column("reason_code")) >= {"extra_fields", "truncated_row"}
