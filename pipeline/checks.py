"""Every configuration check a build runs before dbt: each names the seed file and row at fault."""

from __future__ import annotations

from pathlib import Path

from pipeline.seedchecks.alerts import validate_alert_config
from pipeline.seedchecks.evaluation import validate_evaluation_config
from pipeline.seedchecks.flex import validate_concentration_flex


def validate_configuration(seeds_dir: Path) -> None:
    """Raise UserError for the first broken rule, threshold, cap flex, weight or band."""
    validate_alert_config(seeds_dir)
    validate_concentration_flex(seeds_dir)
    validate_evaluation_config(seeds_dir)
