{#
    Every record once per reporting area it belongs to: 全市 (city), 市区 (urban, for urban
    districts) and its district (int_geography__levels), and its block (district_code:block) when
    it has one. Adds geo_level, geo_code, geo_name; marts then aggregate once for every level.
#}
{% macro explode_areas(relation, with_blocks=true) -%}
    select records.*, levels.geo_level, levels.geo_code, levels.geo_name
    from {{ relation }} as records
    inner join {{ ref('int_geography__levels') }} as levels
        on levels.district_code = records.district_code
    {% if with_blocks %}
    union all

    select
        records.*,
        'block' as geo_level,
        concat(records.district_code, ':', records.block_name) as geo_code,
        records.block_name as geo_name
    from {{ relation }} as records
    where records.block_name is not null
    {% endif %}
{%- endmacro %}
