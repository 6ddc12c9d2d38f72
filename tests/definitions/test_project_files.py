"""Discovery of definition files, orchctl.yaml, environments and parameters."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from orchctl.definitions.discovery import discover
from orchctl.definitions.loader import load_project
from orchctl.errors import ProjectError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "validation"))
from validation_support import diagnose, write

NOOP = "kind: Workflow\nname: {}\nstages: [{{noop: {{}}}}]\n"


def test_discovery_reads_yaml_and_yml_but_not_hidden_or_state(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "orchctl.yaml": "{}\n",
            "a.yaml": NOOP.format("a"),
            "deep/er/b.yml": NOOP.format("b"),
            "sub/orchctl.yaml": NOOP.format("c"),  # only the root orchctl.yaml is settings
            ".orchctl/state.yaml": "not: read\n",
            ".github/workflows/ci.yaml": "on: push\n",
            ".hidden.yaml": "x: 1\n",
            "notes.txt": "x",
        },
    )
    found, problems = discover(str(tmp_path))
    assert [Path(f.path).relative_to(tmp_path).as_posix() for f in found] == [
        "a.yaml",
        "deep/er/b.yml",
        "sub/orchctl.yaml",
    ]
    assert problems == []


def test_a_file_reached_through_a_link_is_read_once(tmp_path: Path) -> None:
    write(tmp_path, {"defs/a.yaml": NOOP.format("a")})
    (tmp_path / "current").symlink_to("defs")
    assert diagnose(tmp_path, {}) == []


def test_multi_document_files(tmp_path: Path) -> None:
    write(tmp_path, {"all.yaml": NOOP.format("a") + "---\n" + NOOP.format("b")})
    project = load_project(str(tmp_path))
    assert [w.name for w in project.workflows] == ["a", "b"]


PARAMS = """
environments:
  local:
    params:
      asset: USD/2
      overdraft: true
      floor: 500
      secret: {env: SECRET_PARAM, sensitive: true}
      missing: {env: NOT_SET_ANYWHERE}
  staging:
    params: {asset: EUR/2}
"""


def test_params_are_typed_when_whole_and_spliced_otherwise(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "orchctl.yaml": PARAMS,
            "w.yaml": """
                kind: Workflow
                name: w
                stages:
                  - send:
                      source: {account: {id: "a:{{ params.secret }}", throughAccount: t, allowOverdraft: "{{ params.overdraft }}"}}
                      destination: {wallet: {id: "w-{{params.floor}}-${x}"}}
                      amount: {amount: "{{ params.floor }}", asset: "{{ params.asset }}"}
            """,
        },
    )
    project = load_project(str(tmp_path), environ={"SECRET_PARAM": "s3cret"})
    assert project.diagnostics == []
    send = project.workflows[0].stages[0]["send"]
    assert send["source"]["account"] == {
        "id": "a:s3cret",
        "throughAccount": "t",
        "allowOverdraft": True,
    }
    assert send["destination"]["wallet"]["id"] == "w-500-${x}"
    assert send["amount"] == {"amount": 500, "asset": "USD/2"}
    assert project.environment.params["secret"].sensitive


def test_param_problems(tmp_path: Path) -> None:
    files = {
        "orchctl.yaml": PARAMS,
        "w.yaml": 'kind: Workflow\nname: w\nstages:\n  - wait_event: {event: "{{ params.asett }}"}\n'
        '  - wait_event: {event: "{{ params.missing }}"}\n'
        '  - wait_event: {event: "{{ env.HOME }}"}\n',
    }
    assert diagnose(tmp_path, files) == [
        "w.yaml:4:25: Workflow 'w': stages[0].wait_event.event: undefined parameter 'asett' in "
        "environment 'local' (defined: asset, floor, missing, overdraft, secret) "
        "(did you mean `asset`?)",
        "w.yaml:5:25: Workflow 'w': stages[1].wait_event.event: parameter 'missing' reads "
        "environment variable NOT_SET_ANYWHERE, which is not set",
        "w.yaml:6:25: Workflow 'w': stages[2].wait_event.event: unsupported template "
        "'{{ env.HOME }}': only {{ params.NAME }} is substituted (Formance run-time variables "
        "are written ${name})",
    ]


def test_environment_selection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"orchctl.yaml": PARAMS})
    assert load_project(str(tmp_path)).environment.name == "local"
    assert load_project(str(tmp_path), "staging").environment.params["asset"].value == "EUR/2"
    with pytest.raises(ProjectError) as info:
        load_project(str(tmp_path), "stagin")
    assert str(info.value) == (
        "unknown environment 'stagin' (orchctl.yaml defines: local, staging) "
        "(hint: did you mean `staging`?)"
    )


def test_implicit_local_environment_without_settings(tmp_path: Path) -> None:
    env = load_project(str(tmp_path)).environment
    assert (env.name, env.sandbox, env.declared) == ("local", True, False)


def test_missing_project_directory(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="does not exist"):
        load_project(str(tmp_path / "nope"))


SETTINGS_CASES = [
    (
        "valid",
        "namespace: payments\nprune: true\nenvironments:\n  prod: {url: 'https://x.formance.cloud', api_version: v1}\n",
        [],
    ),
    (
        "unknown key",
        "namespaces: payments\n",
        ["orchctl.yaml:1:1: namespaces: unknown key 'namespaces' (did you mean `namespace`?)"],
    ),
    (
        "prune without namespace",
        "prune: true\n",
        [
            "orchctl.yaml:1:8: prune: prune needs a namespace: without one, orchctl cannot tell "
            "its objects apart"
        ],
    ),
    (
        "bad url",
        "environments:\n  prod: {url: acme.formance.cloud}\n",
        [
            "orchctl.yaml:2:15: environments.prod.url: must be an http(s) URL "
            "(got string 'acme.formance.cloud')"
        ],
    ),
    (
        "bad api version",
        "environments:\n  prod: {api_version: v3}\n",
        [
            "orchctl.yaml:2:23: environments.prod.api_version: must be one of v1, v2 "
            "(got string 'v3')"
        ],
    ),
    (
        "undefined default environment",
        "default_environment: prod\nenvironments:\n  production: {}\n",
        [
            "orchctl.yaml:1:22: default_environment: default environment 'prod' is not defined "
            "(did you mean `production`?)"
        ],
    ),
    (
        "secret in a committed file",
        "environments:\n  prod:\n    client_secret: abc\n",
        [
            "orchctl.yaml:3:5: environments.prod.client_secret: unknown key 'client_secret' "
            "(expected one of: url, api_version, params, parallelism, timeouts, retries, tls, auth, sandbox)"
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, e) for _, t, e in SETTINGS_CASES],
    ids=[n for n, _, _ in SETTINGS_CASES],
)
def test_project_settings(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert diagnose(tmp_path, {"orchctl.yaml": text}) == expected


def test_exclude_globs_skip_files_and_folders(tmp_path: Path) -> None:
    files = {
        "orchctl.yaml": "exclude: [docker-compose.yml, 'deploy/*', '*.tmpl.yaml']\n",
        "docker-compose.yml": "services: {db: {image: postgres}}\n",
        "deploy/k8s/app.yaml": "apiVersion: v1\nkind: ConfigMap\n",
        "w.tmpl.yaml": "{{ not yaml at all\n",
        "w.yaml": NOOP.format("a"),
    }
    assert diagnose(tmp_path, files) == []
    assert [w.name for w in load_project(str(tmp_path)).workflows] == ["a"]


def test_without_exclude_a_foreign_yaml_file_is_an_error(tmp_path: Path) -> None:
    assert diagnose(tmp_path, {"docker-compose.yml": "services: {}\n"}) == [
        "docker-compose.yml:1:1: missing `kind` (Workflow or Trigger) (not an orchctl file? list it under `exclude:` in orchctl.yaml)"
    ]
