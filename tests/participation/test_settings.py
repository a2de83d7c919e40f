"""The participation and IV settings come from the environment and refuse nonsense."""

import pytest

from tests.panel.test_settings import run_manage


@pytest.mark.parametrize(
    "name", ["IV_VISIT_CADENCE_DAYS", "IV_MIN_MATCH_MONTHS", "IV_REVIEW_MONTHS", "FEEDBACK_OPEN_DAYS"]
)
def test_a_period_of_zero_stops_start_up(name):
    result = run_manage("check", **{name: "0"})
    assert result.returncode != 0
    assert f"{name} must be 1 or more." in result.stderr


def test_a_period_that_is_not_a_number_stops_start_up():
    result = run_manage("check", IV_RETENTION_DAYS="two years")
    assert result.returncode != 0
