{#
    Current version of every rental registration (住房租赁备案), with rent per ㎡·month and the
    guide rent (住房租赁指导价格) of its block for the year the lease starts. Registrations in
    force or ended (有效 / 已终止) count as registered; 已注销 (cancelled) ones do not.
#}
with

registrations as (
    {{ latest_version(ref('stg_rental__registrations'), ['registration_id']) }}
),

guide_prices as (
    {{ latest_version(ref('stg_reference__rental_guide_prices'), ['district_code', 'block_name', 'year']) }}
),

enriched as (
    select
        registrations.registration_id,
        registrations.unit_id,
        registrations.community,
        registrations.city_code,
        registrations.district_code,
        registrations.district_name,
        registrations.block_name,
        registrations.rent_type,
        registrations.landlord_type,
        registrations.affordable,
        registrations.status,
        registrations.status in ('有效', '已终止') as is_registered,
        registrations.area_sqm,
        registrations.monthly_rent_yuan,
        registrations.monthly_rent_yuan / nullif(registrations.area_sqm, 0) as rent_yuan_per_sqm_month,
        guide_prices.guide_rent_yuan_per_sqm_month,
        registrations.start_date,
        registrations.end_date,
        cast({{ dbt.date_trunc('month', 'registrations.start_date') }} as date) as start_month,
        extract(year from registrations.start_date) as start_year,
        registrations.version_count,
        registrations.batch_id
    from registrations
    left join guide_prices
        on guide_prices.district_code = registrations.district_code
        and guide_prices.block_name = registrations.block_name
        and guide_prices.year = extract(year from registrations.start_date)
)

select * from enriched
