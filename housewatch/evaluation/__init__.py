"""Quarterly evaluation (季度评价) and annual assessment (年度考核): the configuration and its
checks; the scores and pass/fail items are dbt models (marts/evaluation)."""
