{#
    What the alert rules judge: one row per rule × entity (area, bank or parcel) × month, with the
    observed value, the bounds it is compared against (a bank's tier cap, a district's control
    band), the base the rule's thresholds refer to, and the sample behind the value. Every
    indicator is read from the intermediate model behind a published mart (or an intermediate
    model of its own) and registered in the alert_indicators seed; alert_rules picks indicators
    and levels, so a new rule on an existing indicator needs no SQL.
#}
with

rules as (
    select * from {{ ref('alert_rules') }}
),

city as (
    select distinct geo_code, geo_name
    from {{ ref('int_geography__levels') }}
    where geo_level = 'city'
),

supply as (
    select
        period_start,
        geo_level,
        geo_code,
        geo_name,
        months_of_supply_12m_months,
        sum(sold_units) over (
            partition by geo_level, geo_code
            order by period_start
            rows between 11 preceding and current row
        ) as sold_units_12m
    from {{ ref('int_supply__housing_supply') }}
    where period_grain = 'month' and geo_level in ('city', 'urban', 'district')
),

banks as (
    select * from {{ ref('int_credit__bank_concentration') }}
    where period_grain = 'month'
),

parcels as (
    select * from {{ ref('int_land__parcels') }}
    where status = '成交' and is_residential_use
),

price_indices as (
    -- headline series of both markets, with the control-target market label they are held to
    select
        fct_price_indices.*,
        case market when 'new_home' then '新建商品住宅' when 'resale' then '二手住宅' end as target_market
    from {{ ref('int_price_indices__typed') }} as fct_price_indices
    where market in ('new_home', 'resale') and is_headline and band = 'all'
        and period_grain = 'month' and geo_level in ('city', 'urban', 'district')
),

price_targets as (
    select
        price_indices.*,
        control_targets.target_min_pct,
        control_targets.target_max_pct
    from price_indices
    left join {{ ref('int_reference__control_targets_current') }} as control_targets
        on control_targets.district_code = price_indices.geo_code
        and control_targets.market = price_indices.target_market
        and control_targets.target_year = extract(year from price_indices.period_start)
),

price_zscores as (
    -- statistical band: this month's 同比 (the index de-trended by its 12-month difference)
    -- against the mean and s.d. of the 60 months before it
    select
        price_indices.*,
        (yoy_index - avg(yoy_index) over trailing_60) / nullif(stddev_samp(yoy_index) over trailing_60, 0) as yoy_z,
        count(yoy_index) over trailing_60 as yoy_history_months
    from price_indices
    window trailing_60 as (
        partition by market, geo_level, geo_code order by period_start
        rows between 60 preceding and 1 preceding
    )
),

rent_indices as (
    select * from {{ ref('int_price_indices__typed') }}
    where market = 'rent' and is_headline and band = 'all'
        and period_grain = 'month' and geo_level in ('city', 'urban', 'district')
),

rentals as (
    select * from {{ ref('int_rental__registrations_by_area') }}
    where period_grain = 'month' and geo_level in ('city', 'urban', 'district')
),

yields as (
    select * from {{ ref('int_rental__yields_by_area') }}
    where period_grain = 'year' and geo_level in ('city', 'urban', 'district')
),

price_to_income as (
    -- each year's ratio against the mean + 1 s.d. of the 5 years before it
    select
        fct_price_to_income.*,
        avg(price_to_income_small_ratio) over trailing_5y
            + stddev_samp(price_to_income_small_ratio) over trailing_5y as upper_band_ratio,
        count(price_to_income_small_ratio) over trailing_5y as history_years
    from {{ ref('int_affordability__price_to_income') }} as fct_price_to_income
    where period_grain = 'year' and geo_level in ('city', 'urban', 'district')
    window trailing_5y as (
        partition by geo_level, geo_code order by period_start
        rows between 5 preceding and 1 preceding
    )
),

land_batches as (
    select * from {{ ref('int_land__market') }}
    where period_grain = 'month' and use_group = 'residential' and geo_level in ('city', 'urban', 'district')
),

purchases as (
    select * from {{ ref('int_alerts__purchases') }}
),

flips as (
    -- a seller's resales within the month, judged by the shortest holding among them
    select
        sign_month as period_start,
        seller_key as buyer_key,
        arg_min(district_code, holding_months) as district_code,
        arg_min(district_name, holding_months) as district_name,
        min(holding_months) as min_holding_months,
        count(*) as resales
    from purchases
    where market = 'resale' and seller_key is not null and holding_months is not null
    group by sign_month, seller_key
),

buyer_months as (
    -- a buyer's purchases in the 6 months up to each month they bought
    select
        sign_month as period_start,
        buyer_key,
        arg_max(district_code, sign_date) as district_code,
        arg_max(district_name, sign_date) as district_name,
        max(buyer_purchases_6m) as purchases_6m
    from purchases
    where buyer_key is not null
    group by sign_month, buyer_key
),

project_stock as (
    select * from {{ ref('int_alerts__project_stock') }}
    where is_district_hot
),

volumes as (
    -- each month's new-home units against the mean of the 12 months before it (volume surge)
    select
        period_start,
        geo_level,
        geo_code,
        geo_name,
        units,
        avg(units) over (
            partition by geo_level, geo_code order by period_start
            rows between 12 preceding and 1 preceding
        ) as trailing_mean_units,
        count(*) over (
            partition by geo_level, geo_code order by period_start
            rows between 12 preceding and 1 preceding
        ) as trailing_months
    from {{ ref('int_new_home__sales') }}
    where period_grain = 'month' and band_type = 'all' and geo_level in ('city', 'urban', 'district')
),

project_months as (
    -- each project's residential contracts per month against their filed prices (备案价)
    select
        sign_month as period_start,
        district_code,
        max(district_name) as district_name,
        project_id,
        max(project_name) as project_name,
        max(100.0 * unit_price_yuan_per_sqm / nullif(filed_price_yuan_per_sqm, 0)) as max_ratio_pct,
        min(100.0 * unit_price_yuan_per_sqm / nullif(filed_price_yuan_per_sqm, 0)) as min_ratio_pct,
        count(*) as contracts
    from {{ ref('int_new_home__contracts_current') }}
    where is_residential and not is_cancelled and filed_price_yuan_per_sqm > 0
    group by sign_month, district_code, project_id
),

escrow_projects as (
    select * from {{ ref('int_alerts__escrow_projects') }}
),

developers as (
    -- a quarterly return is judged in the month its quarter ends
    select *, quarter_end_month as period_start from {{ ref('int_developer__quarters') }}
),

resale_escrow as (
    select * from {{ ref('int_resale__escrow') }}
    where period_grain = 'month' and geo_level = 'district'
),

observations as (
    {{ alert_observation('months_of_supply_12m', 'area', 'supply', 'supply.months_of_supply_12m_months',
                         alias='supply', sample='supply.sold_units_12m') }}

    union all

    {{ alert_observation('re_loan_share_pct', 'institution', 'banks cross join city',
                         'banks.re_loan_share_pct', alias='banks', upper='banks.re_loan_cap_pct') }}

    union all

    {{ alert_observation('personal_housing_share_pct', 'institution', 'banks cross join city',
                         'banks.personal_housing_share_pct', alias='banks',
                         upper='banks.personal_housing_cap_pct') }}

    union all

    -- 溢价率 as published, to 0.01 pp: a deal at exactly 1.15 × the start price reads 15.00
    -- although the 万元 amounts leave it a hair under.
    {{ alert_observation('land_premium_rate_pct', 'parcel', 'parcels',
                         'round(parcels.premium_rate_pct, 2)', alias='parcels') }}

    union all

    {{ alert_observation('land_to_house_price_ratio_pct', 'parcel',
                         'parcels where parcels.land_to_house_price_ratio_pct is not null',
                         'parcels.land_to_house_price_ratio_pct', alias='parcels') }}

    union all

    {{ alert_observation('land_lottery_parcel', 'parcel', 'parcels',
                         'case when parcels.is_lottery then 1.0 else 0.0 end', alias='parcels') }}

    union all

{%- for market in ['new_home', 'resale'] %}
    {{ alert_observation(market ~ '_price_yoy_pct', 'area',
                         "price_targets where price_targets.market = '" ~ market ~ "'",
                         'price_targets.yoy_index - 100', alias='price_targets',
                         upper='price_targets.target_max_pct',
                         lower='price_targets.target_min_pct', sample='price_targets.n') }}

    union all

    {{ alert_observation(market ~ '_price_yoy_z', 'area',
                         "price_zscores where price_zscores.market = '" ~ market ~ "'",
                         'price_zscores.yoy_z', alias='price_zscores',
                         sample='price_zscores.yoy_history_months') }}

    union all
{%- endfor %}

    {{ alert_observation('new_home_price_mom_index', 'area',
                         "price_indices where price_indices.market = 'new_home'",
                         'price_indices.mom_index', alias='price_indices', sample='price_indices.n') }}

    union all

    -- rents move slowly and a district's monthly repeat-rent index is noisy: judge the
    -- 3-month smoothed 同比
    {{ alert_observation('rent_index_yoy_3m_pct', 'area', 'rent_indices',
                         'rent_indices.yoy_index_3m - 100', alias='rent_indices', sample='rent_indices.n') }}

    union all

    {{ alert_observation('rent_vs_guide_pct', 'area', 'rentals',
                         'rentals.rent_vs_guide_pct', alias='rentals', sample='rentals.registrations') }}

    union all

    {{ alert_observation('price_to_monthly_rent_n', 'area', 'yields',
                         'yields.price_to_monthly_rent_n', alias='yields',
                         sample='yields.matched_communities', grain='year') }}

    union all

    {{ alert_observation('price_to_income_ratio', 'area', 'price_to_income',
                         'price_to_income.price_to_income_small_ratio', alias='price_to_income',
                         upper='price_to_income.upper_band_ratio',
                         sample='price_to_income.history_years', grain='year') }}

    union all

    {{ alert_observation('land_failed_share_pct', 'area', 'land_batches',
                         'land_batches.failed_share_pct', alias='land_batches',
                         sample='land_batches.parcels_offered') }}

    union all

    {{ alert_observation('resale_holding_months', 'buyer', 'flips',
                         'flips.min_holding_months', alias='flips', sample='flips.resales') }}

    union all

    {{ alert_observation('buyer_purchases_6m', 'buyer', 'buyer_months',
                         'buyer_months.purchases_6m', alias='buyer_months') }}

    union all

    {{ alert_observation('project_unsold_share_pct', 'project', 'project_stock',
                         'project_stock.unsold_share_pct', alias='project_stock',
                         sample='project_stock.permitted_units') }}

    union all

    {{ alert_observation('new_home_volume_vs_trailing_pct', 'area', 'volumes',
                         '100.0 * volumes.units / nullif(volumes.trailing_mean_units, 0)',
                         alias='volumes', sample='volumes.trailing_months') }}

    union all

    {{ alert_observation('filed_price_max_ratio_pct', 'project', 'project_months',
                         'project_months.max_ratio_pct', alias='project_months',
                         sample='project_months.contracts') }}

    union all

    {{ alert_observation('filed_price_min_ratio_pct', 'project', 'project_months',
                         'project_months.min_ratio_pct', alias='project_months',
                         sample='project_months.contracts') }}

    union all

    {{ alert_observation('escrow_deposit_ratio_3m_pct', 'project', 'escrow_projects',
                         'escrow_projects.deposit_ratio_3m_pct', alias='escrow_projects',
                         sample='escrow_projects.deposit_contracts') }}

    union all

    {{ alert_observation('escrow_balance_vs_required_pct', 'project', 'escrow_projects',
                         'escrow_projects.balance_vs_required_pct', alias='escrow_projects') }}

    union all

    {{ alert_observation('escrow_release_excess_pct', 'project', 'escrow_projects',
                         'escrow_projects.release_excess_pct_of_key', alias='escrow_projects') }}

    union all

    {{ alert_observation('construction_months_overdue', 'project', 'escrow_projects',
                         'escrow_projects.construction_months_overdue', alias='escrow_projects') }}

    union all

    {{ alert_observation('delivery_months_overdue', 'project', 'escrow_projects',
                         'escrow_projects.delivery_months_overdue', alias='escrow_projects') }}

    union all

    {{ alert_observation('developer_lines_breached', 'developer', 'developers cross join city',
                         'developers.lines_breached', alias='developers') }}

    union all

    {{ alert_observation('developer_debt_growth_above_cap_pp', 'developer', 'developers cross join city',
                         'developers.debt_growth_above_cap_pp', alias='developers',
                         upper='developers.debt_growth_cap_pct') }}

    union all

    {{ alert_observation('resale_outside_escrow_share_pct', 'area', 'resale_escrow',
                         'resale_escrow.outside_escrow_share_pct', alias='resale_escrow',
                         sample='resale_escrow.contracts_reported') }}

    union all

    select * from {{ ref('int_alerts__data_quality') }}
)

select
    rules.rule_id,
    rules.rule_family,
    rules.indicator,
    rules.direction,
    rules.threshold_basis,
    rules.persistence_months,
    rules.min_sample,
    observations.period_grain,
    observations.period_start,
    observations.geo_level,
    observations.geo_code,
    observations.geo_name,
    observations.district_code,
    observations.entity_type,
    observations.entity_id,
    observations.entity_name,
    observations.institution_id,
    observations.parcel_id,
    observations.observed_value,
    observations.upper_bound_value,
    observations.lower_bound_value,
    case rules.threshold_basis
        when 'pct_of_upper_bound' then observations.upper_bound_value
        when 'pct_of_lower_bound' then observations.lower_bound_value
    end as base_value,
    observations.sample_size,
    coalesce(observations.sample_size >= rules.min_sample, false) as is_sample_sufficient
from observations
inner join rules
    on rules.indicator = observations.indicator
    and rules.geo_level = observations.geo_level
    and observations.period_start >= rules.valid_from
    and (rules.valid_to is null or observations.period_start <= rules.valid_to)
