{# The sales measures every transaction mart reports: average price is amount ÷ area, never a
   mean of unit prices. #}
{% macro sales_measures() -%}
        count(*) as units,
        sum(area_sqm) as area_sqm,
        sum(total_price_yuan) as amount_yuan,
        sum(total_price_yuan) / nullif(sum(area_sqm), 0) as avg_price_yuan_per_sqm,
        {{ median('unit_price_yuan_per_sqm') }} as median_price_yuan_per_sqm
{%- endmacro %}
