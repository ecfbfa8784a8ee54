{#
    The value of a presale-fund or construction indicator (alert_indicators) on a row of a
    relation holding the escrow signal columns (int_escrow__permit_months per permit,
    int_alerts__escrow_projects per project): one mapping for the alert evidence and the
    delivery-risk score.
#}
{% macro escrow_signal(indicator, alias) -%}
    case {{ indicator }}
        when 'escrow_deposit_ratio_3m_pct' then {{ alias }}.deposit_ratio_3m_pct
        when 'escrow_balance_vs_required_pct' then {{ alias }}.balance_vs_required_pct
        when 'escrow_release_excess_pct' then {{ alias }}.release_excess_pct_of_key
        when 'construction_months_overdue' then cast({{ alias }}.construction_months_overdue as double)
        when 'delivery_months_overdue' then cast({{ alias }}.delivery_months_overdue as double)
    end
{%- endmacro %}
