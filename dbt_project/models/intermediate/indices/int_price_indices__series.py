"""Quality-adjusted price indices per market, method and reporting area (month/quarter/year);
the contracted mart fct_price_indices types and publishes them.

Thin wrapper: the estimators live in indices (tested against published references).
Only the columns the estimators use cross into Python, so memory stays proportional to them.
"""

NEW_HOME = "project_id, district_code, sign_date, area_sqm, floor, total_price_yuan"
RESALE = "unit_id, district_code, sign_date, area_sqm, total_price_yuan"
RENTAL = "unit_id, district_code, start_date, area_sqm, monthly_rent_yuan"


def model(dbt, session):
    dbt.config(materialized="table")
    import polars as pl

    from indices.series import price_index_series

    new_home = (
        dbt.ref("int_new_home__contracts_current")
        .filter("is_residential and not is_cancelled").project(NEW_HOME).pl()
    )  # fmt: skip
    resale = (
        dbt.ref("int_resale__contracts_current")
        .filter("is_residential and not is_cancelled").project(RESALE).pl()
    )  # fmt: skip
    rental = (
        dbt.ref("int_rental__registrations_current").filter("is_registered").project(RENTAL).pl()
    )
    levels = (
        dbt.ref("int_geography__levels")
        .project("district_code, geo_level, geo_code, geo_name")
        .pl()
    )
    series, _skipped = price_index_series(new_home, resale, rental, levels)
    methods = dbt.ref("policy_index_methods").project("market, method, is_headline").pl()
    return series.join(methods, on=["market", "method"], how="left").with_columns(
        pl.col("is_headline").fill_null(False)
    )
