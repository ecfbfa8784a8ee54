{#
    Current version of each record, incrementally: a full build ranks every landed version; an
    incremental build reads only batches newer than the table's latest (the hive partition
    prunes older files) and replaces the records they touch (unique_key), carrying the count of
    earlier versions forward. A monthly load therefore never re-reads ten years of contracts.
#}
{% macro current_versions(relation, key_columns) -%}
    with

    new_rows as (
        select * from {{ relation }}
        {% if is_incremental() %}
        where batch_id > (select coalesce(max(batch_id), '') from {{ this }})
        {% endif %}
    ),

    latest as (
        {{ latest_version('new_rows', key_columns) }}
    )

    {% if is_incremental() %}
    , prior as (
        select {{ key_columns | join(', ') }}, version_count as prior_version_count
        from {{ this }}
    )

    select latest.*, coalesce(prior.prior_version_count, 0) as prior_version_count
    from latest
    left join prior using ({{ key_columns | join(', ') }})
    {% else %}
    select latest.*, 0 as prior_version_count
    from latest
    {% endif %}
{%- endmacro %}

{# delete+insert on DuckDB; Spark (dbt-spark) has merge on Delta/Iceberg tables instead. #}
{% macro incremental_strategy() -%}
    {{ return('delete+insert' if target.type == 'duckdb' else 'merge') }}
{%- endmacro %}
