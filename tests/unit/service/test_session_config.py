"""The web app's absolute session lifetime from the environment."""

import pytest

from service.config import Config, ConfigError


@pytest.mark.parametrize(("value", "hours"), [(None, 12.0), ("8", 8.0), ("0.5", 0.5)])
def test_the_absolute_session_lifetime(value, hours):
    env = {} if value is None else {"SESSION_ABSOLUTE_HOURS": value}
    assert Config.from_env(env).session_absolute_hours == hours


@pytest.mark.parametrize("value", ["a day", "0", "-3"])
def test_an_absolute_lifetime_that_is_not_a_positive_number_is_refused_by_name(value):
    with pytest.raises(ConfigError, match="SESSION_ABSOLUTE_HOURS"):
        Config.from_env({"SESSION_ABSOLUTE_HOURS": value})
