"""Geography dimension from the gazetteer the loader uses (ingest/geography/*.yml): one source of
truth for district codes, names, 市区 membership and blocks."""

import polars as pl


def model(dbt, session):
    dbt.config(materialized="table")
    from ingest.geography import gazetteer

    gaz = gazetteer("320600")
    rows = [
        {
            "city_code": gaz.city_code,
            "district_code": d.code,
            "district_name": d.name,
            "is_urban": d.urban,
            "is_admin_unit": d.admin,
            "sort_order": i,
        }
        for i, d in enumerate(gaz.districts, start=1)
    ]
    return pl.DataFrame(rows)
