{#
    Every record once for 'all' and once per band dimension it is classified in, as
    (band_type, band): `bands` maps a band type to the column holding its band code, e.g.
    {'size': 'size_band', 'total_price': 'total_price_band'}.
#}
{% macro explode_bands(relation, bands) -%}
    select banded.*, 'all' as band_type, 'all' as band from {{ relation }} as banded
    {% for band_type, column in bands.items() %}
    union all
    select banded.*, '{{ band_type }}' as band_type, {{ column }} as band from {{ relation }} as banded
    {% endfor %}
{%- endmacro %}
