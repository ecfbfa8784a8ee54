{#
    Rent and second-hand price per community × year, and the gross yield and 租售比 of the
    communities with both registered rentals and second-hand sales that year (matched). Yields
    are never computed from city averages of different housing stocks.
#}
with

rentals as (
    select * from {{ ref('int_rental__registrations_current') }}
    where is_registered
),

resales as (
    select * from {{ ref('int_resale__contracts_current') }}
    where is_residential and not is_cancelled
),

rent_by_community as (
    select
        community,
        cast(start_year as bigint) as year,
        min(district_code) as district_code,
        min(block_name) as block_name,
        count(*) as registrations,
        sum(monthly_rent_yuan) as monthly_rent_yuan,
        sum(area_sqm) as rented_area_sqm
    from rentals
    group by community, cast(start_year as bigint)
),

price_by_community as (
    select
        community,
        cast(extract(year from sign_date) as bigint) as year,
        min(district_code) as district_code,
        min(block_name) as block_name,
        count(*) as resales,
        sum(total_price_yuan) as resale_amount_yuan,
        sum(area_sqm) as resale_area_sqm
    from resales
    group by community, cast(extract(year from sign_date) as bigint)
),

joined as (
    select
        coalesce(rent_by_community.community, price_by_community.community) as community,
        coalesce(rent_by_community.year, price_by_community.year) as year,
        coalesce(rent_by_community.district_code, price_by_community.district_code) as district_code,
        coalesce(rent_by_community.block_name, price_by_community.block_name) as block_name,
        coalesce(rent_by_community.registrations, 0) as registrations,
        rent_by_community.monthly_rent_yuan,
        rent_by_community.rented_area_sqm,
        coalesce(price_by_community.resales, 0) as resales,
        price_by_community.resale_amount_yuan,
        price_by_community.resale_area_sqm,
        rent_by_community.community is not null and price_by_community.community is not null as is_matched
    from rent_by_community
    full outer join price_by_community
        on price_by_community.community = rent_by_community.community
        and price_by_community.year = rent_by_community.year
),

with_yields as (
    select
        joined.*,
        monthly_rent_yuan / nullif(rented_area_sqm, 0) as rent_yuan_per_sqm_month,
        resale_amount_yuan / nullif(resale_area_sqm, 0) as resale_price_yuan_per_sqm,
        case when is_matched then 100.0 * 12 * (monthly_rent_yuan / nullif(rented_area_sqm, 0))
            / nullif(resale_amount_yuan / nullif(resale_area_sqm, 0), 0) end as gross_yield_pct,
        case when is_matched then (resale_amount_yuan / nullif(resale_area_sqm, 0))
            / nullif(monthly_rent_yuan / nullif(rented_area_sqm, 0), 0) end as price_to_monthly_rent_n
    from joined
)

select * from with_yields
