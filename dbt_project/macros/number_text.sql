{#
    A number as text for explanations: whole numbers without decimals (6, not 6.0), else rounded
    to `digits`. number_text_by takes the decimals from a column (DuckDB and Spark both need a
    literal scale for round(), hence one branch per supported count).
#}
{% macro number_text(expr, digits) -%}
    case
        when round({{ expr }}, {{ digits }}) = round({{ expr }}, 0) then cast(cast(round({{ expr }}, 0) as bigint) as string)
        else cast(round({{ expr }}, {{ digits }}) as string)
    end
{%- endmacro %}

{% macro number_text_by(expr, decimals_column) -%}
    case coalesce({{ decimals_column }}, 1)
        {%- for d in range(4) %}
        when {{ d }} then {{ number_text(expr, d) }}
        {%- endfor %}
        else {{ number_text(expr, 4) }}
    end
{%- endmacro %}
