"""Alerts (预警): the rule configuration and its checks; the alerts themselves are dbt models
(int_alerts__observations, fct_alerts)."""
