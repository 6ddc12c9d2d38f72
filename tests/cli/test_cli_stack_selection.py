"""Which stack an environment talks to: the endpoint variable never redirects a sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchctl.definitions.project import Environment
from orchctl.stack import open_stack, uses_sandbox

PROD = "https://acme-prod.eu-west-1.formance.cloud"


def test_local_stays_the_sandbox_when_the_endpoint_variable_is_set() -> None:
    environ = {"FORMANCE_STACK_API_ENDPOINT": PROD}
    assert uses_sandbox(Environment("local", declared=False), environ)
    assert uses_sandbox(Environment("local", settings={"params": {}}), environ)


def test_an_environment_without_url_may_opt_in_to_a_variable() -> None:
    env = Environment("ci", settings={"auth": {"endpoint_env": "CI_STACK_URL"}})
    assert uses_sandbox(env, {})
    assert not uses_sandbox(env, {"CI_STACK_URL": PROD})


def test_sandbox_client_ignores_the_endpoint_variable(tmp_path: Path) -> None:
    environ = {"FORMANCE_STACK_API_ENDPOINT": PROD}
    with open_stack(str(tmp_path), Environment("local"), environ=environ) as (client, target):
        assert target.sandbox_state is not None
        assert client.config.url is None
        assert client.list_all().workflows == ()


def test_overriding_a_declared_url_warns(tmp_path: Path) -> None:
    warnings: list[str] = []
    env = Environment("staging", url="https://acme-staging.eu-west-1.formance.cloud")
    environ = {"FORMANCE_STACK_API_ENDPOINT": "http://127.0.0.1:9"}
    with open_stack(str(tmp_path), env, environ=environ, warn=warnings.append) as (_, target):
        assert target.url == "http://127.0.0.1:9"
    assert warnings == [
        "FORMANCE_STACK_API_ENDPOINT overrides the url of environment staging: "
        "http://127.0.0.1:9 instead of https://acme-staging.eu-west-1.formance.cloud"
    ]


@pytest.mark.parametrize("url", [PROD, PROD + "/"])
def test_no_warning_when_the_variable_repeats_the_url(tmp_path: Path, url: str) -> None:
    warnings: list[str] = []
    env = Environment("prod", url=PROD)
    with open_stack(
        str(tmp_path), env, environ={"FORMANCE_STACK_API_ENDPOINT": url}, warn=warnings.append
    ):
        pass
    assert warnings == []


def test_an_environment_picks_its_embedded_sandbox_profile(tmp_path: Path, profile: str) -> None:
    from orchctl.api import NotFound, WorkflowConfig

    env = Environment("local", settings={"sandbox": {"profile": profile}})
    with open_stack(str(tmp_path), env, environ={}) as (client, _):
        wf = client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="w"))
        client.delete_workflow(wf.id)
        if profile == "patched":  # fix/soft-deleted-workflows
            with pytest.raises(NotFound):
                client.get_workflow(wf.id)
        else:
            assert client.get_workflow(wf.id).deleted


def test_exported_credentials_never_reach_the_embedded_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A payments engineer exports a real stack's client for other tools; `local` still
    plans (it used to POST the sandbox's absent token endpoint: `not found (404)`)."""
    from orchctl.cli.main import run

    monkeypatch.setenv("FORMANCE_STACK_CLIENT_ID", "ci")
    monkeypatch.setenv("FORMANCE_STACK_CLIENT_SECRET", "s3cret")
    monkeypatch.chdir(tmp_path)
    assert run(["init", "repo"]) == 0
    capsys.readouterr()
    assert run(["-C", "repo", "plan", "--detailed-exitcode"]) == 2
    out, err = capsys.readouterr()
    assert (
        err == "Reading environment local (embedded sandbox, repo/.orchctl/sandbox-local.db)...\n"
    )
    assert out.splitlines()[-1] == "Plan: 2 to create, 0 to replace, 0 to delete."
    with open_stack(str(tmp_path), Environment("local")) as (client, _):
        assert client.config.credentials.kind == "none"
