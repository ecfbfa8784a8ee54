"""The contracts are the source registry: every contract has its landing source entry and a
staging model that reads it, every landing table is a contract (or one of the exports `housewatch
build` writes beside the ledger), and every fact contract says what the data-quality marts expect
of it. A contract added without its dbt side (or dbt tables without a contract) fails here."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ingest.schemas import contracts, fact_sources
from pipeline.build import PROJECT_DIR

STAGING = PROJECT_DIR / "models" / "staging"
EXPORTS = {"ledger_batches", "ledger_batch_months", "registry_sources"}  # not contracts
READS = re.compile(r"""(?:committed_rows\(\s*|source\(\s*'landing'\s*,\s*)'(\w+)'""")


def _landing_tables() -> set[str]:
    spec = yaml.safe_load((STAGING / "_landing__sources.yml").read_text(encoding="utf-8"))
    (landing,) = [s for s in spec["sources"] if s["name"] == "landing"]
    return {t["name"] for t in landing["tables"]}


def _staging_reads() -> dict[str, list[Path]]:
    reads: dict[str, list[Path]] = {}
    for sql in sorted(STAGING.glob("*/stg_*.sql")):
        for name in READS.findall(sql.read_text(encoding="utf-8")):
            reads.setdefault(name, []).append(sql)
    return reads


def test_every_contract_has_a_landing_source_entry_and_every_entry_a_contract():
    assert set(contracts()) == _landing_tables() - EXPORTS


def test_every_contract_is_read_by_exactly_one_staging_model():
    reads = _staging_reads()
    for source in contracts():
        assert len(reads.get(source, [])) == 1, f"{source}: staging models {reads.get(source)}"
    assert set(reads) - EXPORTS == set(contracts())


def test_the_registry_lists_every_fact_contract_with_its_delivery():
    facts = {c.source for c in fact_sources()}
    assert facts == {
        "construction", "credit", "developer_finance", "escrow_agreement", "escrow_statement",
        "land", "new_home", "presale", "rental", "resale", "stock",
    }  # fmt: skip
    for c in fact_sources():
        assert c.delivery is not None and c.delivery.expectations
        assert c.period_column, f"{c.source}: the data-quality marts need a period column"


def test_no_model_names_the_sources_one_by_one():
    """The data-quality models read the registry; a per-source CTE would be a second list."""
    models = PROJECT_DIR / "models"
    for path in [
        *models.glob("intermediate/data_quality/*.sql"),
        *models.glob("marts/data_quality/*.sql"),
    ]:
        text = path.read_text(encoding="utf-8")
        named = [s for s in contracts() if re.search(rf"ref\('stg_{s}__", text)]
        assert not named, f"{path.name} names sources {named}"
