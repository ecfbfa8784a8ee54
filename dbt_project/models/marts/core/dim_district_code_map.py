"""Old district codes and names → today's unit (港闸区 → 崇川区, 海门市 → 海门区, 海安县 → 海安市),
from the gazetteer the loader resolves them with: historic files map to today's districts."""

import polars as pl


def model(dbt, session):
    dbt.config(materialized="table")
    from ingest.geography import gazetteer

    gaz = gazetteer("320600")
    return pl.DataFrame(
        [
            {
                "old_code": str(m["old"]),
                "old_name": m["old_name"],
                "current_code": str(m["new"]),
                "current_name": gaz.by_code(str(m["new"])).name,
                "valid_to": m["valid_to"],
                "note": m.get("note"),
            }
            for m in gaz.code_map
        ]
    )
