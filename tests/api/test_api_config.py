from __future__ import annotations

import pytest

from orchctl.api.config import (
    ClientConfig,
    Secret,
    TlsSettings,
    client_config_from_environment,
)
from orchctl.api.errors import ConfigurationError

ENTRY = {
    "url": "https://acme-prod.eu-west-1.formance.cloud/",
    "api_version": "v1",
    "parallelism": 4,
    "timeouts": {"connect": 1, "read": 2, "total": 3},
    "retries": {"attempts": 2, "deadline": 9},
    "tls": {"ca_bundle": "ca.pem"},
    "auth": {"scopes": ["orchestration:read"]},
    "params": {"asset": "USD/2"},
}


def test_entry_and_environment_make_a_config() -> None:
    env = {"FORMANCE_STACK_CLIENT_ID": "cid", "FORMANCE_STACK_CLIENT_SECRET": "s3cr3t"}
    c = client_config_from_environment(ENTRY, env)
    assert c.url == "https://acme-prod.eu-west-1.formance.cloud"
    assert c.api_version == "v1"
    assert c.parallelism == 4
    assert (c.timeouts.connect, c.timeouts.read, c.timeouts.total) == (1.0, 2.0, 3.0)
    assert (c.retries.attempts, c.retries.deadline) == (2, 9.0)
    assert c.tls == TlsSettings(ca_bundle="ca.pem", insecure=False)
    assert c.credentials.kind == "client_credentials"
    assert c.credentials.client_id == "cid"
    assert c.credentials.scopes == ("orchestration:read",)
    assert "s3cr3t" not in repr(c)
    assert "s3cr3t" not in str(c)


def test_defaults() -> None:
    c = client_config_from_environment({}, {})
    assert c == ClientConfig()
    assert c.url is None
    assert c.api_version == "v2"
    assert c.parallelism == 8
    assert c.credentials.kind == "none"


def test_endpoint_variable_overrides_the_url_and_flags_override_the_file() -> None:
    env = {
        "FORMANCE_STACK_API_ENDPOINT": "http://127.0.0.1:9000",
        "FORMANCE_STACK_TOKEN": "tok-XYZZY",
    }
    c = client_config_from_environment(
        ENTRY, env, ca_bundle="other.pem", insecure=True, parallelism=2
    )
    assert c.url == "http://127.0.0.1:9000"
    assert c.tls == TlsSettings(ca_bundle="other.pem", insecure=True)
    assert c.parallelism == 2
    assert c.credentials.kind == "token"
    assert "XYZZY" not in repr(c.credentials)


def test_variable_names_can_be_overridden_per_environment() -> None:
    entry = {
        "url": "https://x.example",
        "auth": {
            "client_id_env": "PROD_ID",
            "client_secret_env": "PROD_SECRET",
            "token_env": "PROD_TOKEN",
            "endpoint_env": "PROD_URL",
        },
    }
    env = {
        "FORMANCE_STACK_CLIENT_ID": "ignored",
        "FORMANCE_STACK_CLIENT_SECRET": "ignored",
        "PROD_ID": "pid",
        "PROD_SECRET": "psecret",
        "PROD_URL": "https://y.example",
    }
    c = client_config_from_environment(entry, env)
    assert c.url == "https://y.example"
    assert c.credentials.client_id == "pid"
    assert c.credentials.client_secret == Secret("psecret")
    assert c.credentials.client_id_env == "PROD_ID"


def test_half_a_credential_pair_is_an_error_naming_the_variable_not_the_value() -> None:
    with pytest.raises(ConfigurationError) as info:
        client_config_from_environment({}, {"FORMANCE_STACK_CLIENT_ID": "cid-value"})
    assert "FORMANCE_STACK_CLIENT_SECRET" in str(info.value)
    assert "cid-value" not in str(info.value)


@pytest.mark.parametrize(
    "entry",
    [
        {"url": "ftp://x"},
        {"url": "not a url"},
        {"api_version": "v3"},
        {"parallelism": 0},
        {"timeouts": [1, 2]},
    ],
)
def test_bad_entries_are_configuration_errors(entry: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        client_config_from_environment(entry, {})


def test_secret_never_shows_itself() -> None:
    s = Secret("hunter2")
    assert repr(s) == "'***'"
    assert str(s) == "'***'"
    assert f"{s}" == "'***'"
    assert s.reveal() == "hunter2"
    assert "hunter2" not in repr({"k": s})


@pytest.mark.parametrize(
    ("url", "insecure", "expected"),
    [
        ("https://x.example", False, []),
        ("https://x.example", True, ["TLS certificate verification is DISABLED"]),
        ("http://x.example", False, ["PLAIN HTTP to non-loopback host x.example"]),
        ("http://127.0.0.1:8080", False, []),
        ("http://localhost:8080", False, []),
        ("http://[::1]:8080", False, []),
        ("http://10.0.0.1", False, ["PLAIN HTTP"]),
    ],
)
def test_security_warnings(url: str, insecure: bool, expected: list[str]) -> None:
    warnings = ClientConfig(url=url, tls=TlsSettings(insecure=insecure)).security_warnings()
    assert len(warnings) == len(expected)
    for w, start in zip(warnings, expected, strict=True):
        assert w.startswith(start)
