{#
    One indicator's rows for int_alerts__observations: the entity columns come from its kind
    (an area, a bank, a parcel, a project, a pseudonymised buyer, a developer group, a data
    source), so each indicator states only what it
    measures. A data source and a developer group are judged city-wide (geo_code from a `city` relation in from_sql).
#}
{% macro alert_observation(indicator, kind, from_sql, value, alias, upper='null', lower='null', sample='1.0', grain='month') -%}
    select
        '{{ indicator }}' as indicator,
        '{{ grain }}' as period_grain,
    {%- if kind == 'area' %}
        {{ alias }}.period_start,
        {{ alias }}.geo_level,
        {{ alias }}.geo_code,
        {{ alias }}.geo_name,
        case when {{ alias }}.geo_level = 'district' then {{ alias }}.geo_code end as district_code,
        'area' as entity_type,
        {{ alias }}.geo_code as entity_id,
        {{ alias }}.geo_name as entity_name,
        cast(null as string) as institution_id,
        cast(null as string) as parcel_id,
    {%- elif kind == 'institution' %}
        {{ alias }}.period_start,
        'city' as geo_level,
        city.geo_code,
        city.geo_name,
        cast(null as string) as district_code,
        'institution' as entity_type,
        {{ alias }}.institution_id as entity_id,
        {{ alias }}.institution_name as entity_name,
        {{ alias }}.institution_id,
        cast(null as string) as parcel_id,
    {%- elif kind == 'parcel' %}
        {{ alias }}.deal_month as period_start,
        'district' as geo_level,
        {{ alias }}.district_code as geo_code,
        {{ alias }}.district_name as geo_name,
        {{ alias }}.district_code,
        'parcel' as entity_type,
        {{ alias }}.parcel_id as entity_id,
        {{ alias }}.parcel_name as entity_name,
        cast(null as string) as institution_id,
        {{ alias }}.parcel_id,
    {%- elif kind == 'buyer' %}
        {{ alias }}.period_start,
        'district' as geo_level,
        {{ alias }}.district_code as geo_code,
        {{ alias }}.district_name as geo_name,
        {{ alias }}.district_code,
        'buyer' as entity_type,
        {{ alias }}.buyer_key as entity_id,
        concat('买受人 ', substring({{ alias }}.buyer_key, 1, 8)) as entity_name,
        cast(null as string) as institution_id,
        cast(null as string) as parcel_id,
    {%- elif kind == 'project' %}
        {{ alias }}.period_start,
        'district' as geo_level,
        {{ alias }}.district_code as geo_code,
        {{ alias }}.district_name as geo_name,
        {{ alias }}.district_code,
        'project' as entity_type,
        {{ alias }}.project_id as entity_id,
        {{ alias }}.project_name as entity_name,
        cast(null as string) as institution_id,
        cast(null as string) as parcel_id,
    {%- elif kind == 'developer' %}
        {{ alias }}.period_start,
        'city' as geo_level,
        city.geo_code,
        city.geo_name,
        cast(null as string) as district_code,
        'developer' as entity_type,
        {{ alias }}.developer_id as entity_id,
        {{ alias }}.developer as entity_name,
        cast(null as string) as institution_id,
        cast(null as string) as parcel_id,
    {%- elif kind == 'source' %}
        {{ alias }}.period_start,
        'city' as geo_level,
        city.geo_code,
        city.geo_name,
        cast(null as string) as district_code,
        'source' as entity_type,
        {{ alias }}.data_source as entity_id,
        {{ alias }}.data_source_name_zh as entity_name,
        cast(null as string) as institution_id,
        cast(null as string) as parcel_id,
    {%- else %}
        {{ exceptions.raise_compiler_error("alert_observation: unknown entity kind " ~ kind) }}
    {%- endif %}
        cast({{ value }} as double) as observed_value,
        cast({{ upper }} as double) as upper_bound_value,
        cast({{ lower }} as double) as lower_bound_value,
        cast({{ sample }} as double) as sample_size
    from {{ from_sql }}
{%- endmacro %}
