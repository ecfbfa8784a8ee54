{#
    The current version of each record: landing keeps every version (a cancellation arrives as a
    later version of its contract); the latest batch, then the latest row within it, wins.
#}
{% macro latest_version(relation, key_columns) -%}
    select * from (
        select
            versions.*,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by batch_id desc, source_row desc
            ) as version_rank,
            count(*) over (partition by {{ key_columns | join(', ') }}) as version_count
        from {{ relation }} as versions
    ) as ranked
    where version_rank = 1
{%- endmacro %}
