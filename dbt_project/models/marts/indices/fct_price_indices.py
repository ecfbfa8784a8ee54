"""Quality-adjusted price indices per market, method and reporting area (monthly).

Thin wrapper: the estimators live in housewatch.indices (tested against published references).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import polars as pl

    from housewatch.indices.warehouse import price_index_series

    new_home = (
        dbt.ref("int_new_home__contracts_current")
        .pl()
        .filter(pl.col("is_residential") & ~pl.col("is_cancelled"))
    )
    resale = (
        dbt.ref("stg_resale__contracts")
        .pl()
        .sort("batch_id", "source_row")
        .group_by("contract_id", maintain_order=True)
        .last()
        .filter((pl.col("usage") == "住宅") & (pl.col("status") != "已撤销"))
    )
    rental = (
        dbt.ref("stg_rental__registrations")
        .pl()
        .sort("batch_id", "source_row")
        .group_by("registration_id", maintain_order=True)
        .last()
        .filter(pl.col("status") != "已注销")
    )
    levels = (
        dbt.ref("int_geography__levels")
        .pl()
        .select("district_code", "geo_level", "geo_code", "geo_name")
    )
    series, _skipped = price_index_series(new_home, resale, rental, levels)
    methods = dbt.ref("policy_index_methods").pl().select("market", "method", "is_headline")
    return series.join(methods, on=["market", "method"], how="left").with_columns(
        pl.col("is_headline").fill_null(False)
    )
