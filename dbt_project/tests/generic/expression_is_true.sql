{# In-house replacement for dbt_utils.expression_is_true: rows where the expression fails. #}
{% test expression_is_true(model, expression, where=none) %}
select *
from {{ model }}
where not ({{ expression }})
{% if where %}and ({{ where }}){% endif %}
{% endtest %}
