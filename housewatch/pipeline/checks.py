"""Every configuration check a build runs before dbt: each names the seed file and row at fault."""

from __future__ import annotations

from pathlib import Path

from housewatch.alerts.config import validate_alert_config
from housewatch.alerts.flex import validate_concentration_flex
from housewatch.evaluation.config import validate_evaluation_config


def validate_configuration(seeds_dir: Path) -> None:
    """Raise UserError for the first broken rule, threshold, cap flex, weight or band."""
    validate_alert_config(seeds_dir)
    validate_concentration_flex(seeds_dir)
    validate_evaluation_config(seeds_dir)
