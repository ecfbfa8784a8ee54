"""Presale-fund supervision sources (issue 13) from exports the generator never writes: a bank's
GBK return in 万元 naming its payers, a titled workbook of site milestones, a developer's return
in 亿元 without its optional column, an agreement register missing a key amount. Each loads with
exact counts (read = loaded + quarantined + duplicates), canonical units and values, and the
payers' names and ID numbers nowhere under HOUSEWATCH_HOME."""

from __future__ import annotations

import pytest

from tests.ingestion import escrow_exports
from tests.ingestion.helpers import assert_landed, everything_under, landed, load_one, quarantined

EXPORTS = {
    "statement": escrow_exports.escrow_statement_gbk,
    "construction": escrow_exports.construction_xlsx,
    "developer": escrow_exports.developer_return_yi,
    "agreements": escrow_exports.escrow_agreements,
}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_a_bureau_export_loads_with_exact_counts_and_canonical_values(name, home, tmp_path):
    export = EXPORTS[name](tmp_path)
    batch = load_one(export.path, home)
    assert (batch.source, batch.status) == (export.source, "loaded")
    assert (batch.read, batch.loaded, batch.quarantined) == (
        export.read,
        export.loaded,
        export.quarantined,
    )
    assert_landed(home, export)
    for secret in export.secrets:
        assert secret not in everything_under(home), secret


def test_reasons_name_what_is_wrong(home, tmp_path):
    reasons = {}
    for name in sorted(EXPORTS):
        batch = load_one(EXPORTS[name](tmp_path).path, home)
        reasons[batch.source] = batch.reasons
    assert reasons == {
        "construction": {"bad_value": 1},
        "developer_finance": {},
        "escrow_agreement": {"missing_required": 1},
        "escrow_statement": {"out_of_range": 1},
    }
    # the quarantined rows keep their file, row and field
    rows = quarantined(home).sort("source").select("source", "file_name", "row", "field").rows()
    assert rows == [
        ("construction", "形象进度台账.xlsx", 9, "node"),
        ("escrow_agreement", "监管协议台账.csv", 4, "key_amount_yuan"),
        ("escrow_statement", "监管账户收支月报_202404.csv", 5, "closing_balance_yuan"),
    ]


def test_the_statement_payers_never_land(home, tmp_path):
    export = escrow_exports.escrow_statement_gbk(tmp_path)
    batch = load_one(export.path, home)
    assert batch.duplicates == 1 and batch.unknown_columns == ["备注"]
    assert not {"payer_name", "payer_id"} & set(landed(home, "escrow_statement").columns)
