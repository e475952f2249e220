"""Configuration from the environment and the payer directory file."""

from pathlib import Path

import pytest

from payers.directory import DirectoryError, load_directory
from service.config import DEFAULT_PAYERS_FILE, Config, ConfigError


def test_defaults_give_an_sqlite_file_under_instance_and_the_shipped_payers():
    cfg = Config.from_env({})
    assert cfg.database_url.startswith("sqlite:///") and "instance" in cfg.database_url
    assert cfg.payers_file == DEFAULT_PAYERS_FILE
    assert cfg.log_level == "INFO"


def test_environment_values_are_taken():
    cfg = Config.from_env({"DATABASE_URL": "postgresql+psycopg://db/x", "LOG_LEVEL": "debug",
                           "SECRET_KEY": "s3", "COVERWATCH_PAYERS": "/etc/payers.yaml"})
    assert cfg.database_url == "postgresql+psycopg://db/x"
    assert cfg.log_level == "DEBUG"
    assert cfg.secret_key == "s3"
    assert cfg.payers_file == Path("/etc/payers.yaml")


@pytest.mark.parametrize(("value", "size"), [(None, 2000), ("0", 0), ("50000", 50000)])
def test_the_verdict_cache_size(value, size):
    assert Config.from_env({} if value is None else {"VERDICT_CACHE_SIZE": value}
                           ).verdict_cache_size == size


@pytest.mark.parametrize("value", ["many", "-1", "2.5"])
def test_a_verdict_cache_size_that_is_not_a_count_is_refused_by_name(value):
    with pytest.raises(ConfigError, match="VERDICT_CACHE_SIZE"):
        Config.from_env({"VERDICT_CACHE_SIZE": value})


def test_the_body_limit_and_metrics_token_default_to_4_mib_and_none():
    cfg = Config.from_env({})
    assert (cfg.max_body_bytes, cfg.metrics_token) == (4 * 1024 * 1024, None)
    cfg = Config.from_env({"MAX_BODY_BYTES": "65536", "METRICS_TOKEN": "scrape-me"})
    assert (cfg.max_body_bytes, cfg.metrics_token) == (65536, "scrape-me")
    assert "scrape-me" not in repr(cfg)


@pytest.mark.parametrize("value", ["big", "1023", "-1", "1.5"])
def test_a_body_limit_that_is_not_a_sensible_count_is_refused_by_name(value):
    with pytest.raises(ConfigError, match="MAX_BODY_BYTES"):
        Config.from_env({"MAX_BODY_BYTES": value})


def test_the_pool_size_and_the_metrics_folder_are_read_with_the_other_settings():
    cfg = Config.from_env({})
    assert (cfg.db_pool_size, cfg.metrics_dir) == (20, None)
    cfg = Config.from_env({"DB_POOL_SIZE": "48", "PROMETHEUS_MULTIPROC_DIR": "/run/metrics"})
    assert (cfg.db_pool_size, cfg.metrics_dir) == (48, Path("/run/metrics"))


@pytest.mark.parametrize("value", ["lots", "-1", "2.5"])
def test_a_pool_size_that_is_not_a_count_is_refused_by_name(value):
    with pytest.raises(ConfigError, match="DB_POOL_SIZE"):
        Config.from_env({"DB_POOL_SIZE": value})


def test_an_unknown_log_level_is_refused_by_name():
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        Config.from_env({"LOG_LEVEL": "LOUD"})


def test_the_shipped_directory_lists_the_sandbox_payer():
    entries = load_directory(DEFAULT_PAYERS_FILE)
    assert entries["sandbox"].adapter == "sandbox"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("payers: 3", "top-level 'payers' list"),
        ("payers:\n  - {id: a, name: A, payer_id: P}", "missing adapter"),
        ("payers:\n  - {id: a, name: A, payer_id: P, adapter: fax}", "adapter must be one of"),
        ("payers:\n  - {id: A B, name: A, payer_id: P, adapter: sandbox}", "id must be"),
        ("payers:\n  - {id: a, name: A, payer_id: P, adapter: sandbox}\n"
         "  - {id: a, name: B, payer_id: Q, adapter: sandbox}", "listed twice"),
        ("payers: [", "not valid YAML"),
    ],
)
def test_a_broken_directory_is_refused_with_where_and_why(tmp_path, text, message):
    path = tmp_path / "payers.yaml"
    path.write_text(text)
    with pytest.raises(DirectoryError, match=message):
        load_directory(path)


def test_a_missing_directory_file_is_named(tmp_path):
    with pytest.raises(DirectoryError, match="does not exist"):
        load_directory(tmp_path / "nope.yaml")


@pytest.mark.parametrize(("env", "allowed", "base"), [
    ({}, False, None),
    ({"CDS_ALLOW_PRIVATE": "1", "CDS_BASE_URL": "https://cw.example.org/"}, True,
     "https://cw.example.org"),
    ({"CDS_ALLOW_PRIVATE": "off"}, False, None),
])
def test_the_cds_hooks_settings(env, allowed, base):
    cfg = Config.from_env(env)
    assert (cfg.cds_allow_private, cfg.cds_base_url) == (allowed, base)
