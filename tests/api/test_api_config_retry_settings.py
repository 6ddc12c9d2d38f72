"""orchctl.yaml's `retries:` reaches the client, and the schema accepts what the client reads."""

from __future__ import annotations

from orchctl.api import client_config_from_environment
from orchctl.validation import schemas


def test_retry_settings_from_an_environment_entry() -> None:
    entry = {
        "url": "https://acme.formance.cloud",
        "retries": {"attempts": 3, "deadline": 20, "base_delay": 0.5, "max_delay": 4},
    }
    assert schemas.check("orchctl", {"environments": {"prod": entry}}) == []
    retries = client_config_from_environment(entry, {}).retries
    assert (retries.attempts, retries.deadline, retries.base_delay, retries.max_delay) == (
        3,
        20.0,
        0.5,
        4.0,
    )


def test_unknown_retry_setting_is_refused_by_the_schema() -> None:
    [issue] = schemas.check("orchctl", {"environments": {"prod": {"retries": {"jitter": 1}}}})
    assert issue.message == "unknown key 'jitter'"
