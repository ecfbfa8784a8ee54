{# In-house replacement for dbt_utils.accepted_range (dbt deps cannot reach the hub here). #}
{#
    A check of data content, not of the code: it warns (kept in fct_data_tests, shown on the
    data-status page and in the brief) instead of failing the build, so a bureau's odd month or
    missing source still publishes. Keys, grain, relationships and contracts still fail it.
#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
{{ config(severity='warn') }}
select *
from {{ model }}
where {{ column_name }} is not null
  and (
    {% if min_value is not none %}{{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}{% else %}false{% endif %}
    or
    {% if max_value is not none %}{{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}{% else %}false{% endif %}
  )
{% endtest %}
