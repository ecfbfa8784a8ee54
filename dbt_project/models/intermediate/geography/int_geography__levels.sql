{#
    Every district belongs to several reporting areas: the city (全市), the urban area (市区, for
    urban districts) and itself. Marts join records here to report each level from one aggregation.
#}
with

districts as (
    select * from {{ ref('int_geography__districts') }}
),

levels as (
    select district_code, 'city' as geo_level, city_code as geo_code, '全市' as geo_name, 0 as geo_order
    from districts

    union all

    select district_code, 'urban' as geo_level, concat(city_code, 'U') as geo_code, '市区' as geo_name, 1 as geo_order
    from districts
    where is_urban

    union all

    select district_code, 'district' as geo_level, district_code as geo_code, district_name as geo_name, 1 + sort_order as geo_order
    from districts
)

select * from levels
