"""Checks of the configuration seeds before dbt runs (alert rules, flexible caps, evaluation
weights): a bad seed stops the build with one line naming file, row and field. The engines
themselves are dbt models."""
