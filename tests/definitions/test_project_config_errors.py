"""A broken orchctl.yaml shows itself: its own errors come first, alone, located; nothing
that follows only from them is reported (issue 10, item 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchctl.cli.main import run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    monkeypatch.chdir(tmp_path)
    return root


def edit(root: Path, old: str, new: str) -> None:
    path = root / "orchctl.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("env", [[], ["--env", "staging"], ["--env", "authed3"]])
def test_exclude_as_a_string(
    project: Path, capsys: pytest.CaptureFixture[str], env: list[str]
) -> None:
    (project / "orchctl.yaml").write_text(
        (project / "orchctl.yaml").read_text() + "exclude: docker-compose.yml\n"
    )
    code, out, err = orchctl(capsys, "-C", "repo", *env, "validate")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "repo/orchctl.yaml:36:10: exclude: expected a list, got string 'docker-compose.yml' "
        "(write a list: [docker-compose.yml])",
        "1 error, 0 warnings in 1 file",
    ]


def test_a_secret_under_auth_is_located_and_never_echoed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "  staging:\n", "  staging:\n    auth: {client_secret: s3cr3t-value}\n")
    code, out, err = orchctl(capsys, "-C", "repo", "--env", "staging", "validate")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "repo/orchctl.yaml:16:12: environments.staging.auth.client_secret: unknown key "
        "'client_secret' (credentials never go in orchctl.yaml: export them and, if the "
        "variable is not the default one, name it with `client_secret_env`)",
        "1 error, 0 warnings in 1 file",
    ]
    edit(project, "auth: {client_secret: s3cr3t-value}", "auth: s3cr3t-value")
    code, out, _ = orchctl(capsys, "-C", "repo", "--env", "staging", "validate")
    assert code == 1
    assert out.splitlines()[0] == (
        "repo/orchctl.yaml:16:11: environments.staging.auth: expected a mapping, got a string "
        "(its value is not shown)"
    )
    assert "s3cr3t" not in out


def test_a_misspelt_environments_key_reports_no_undefined_parameter(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "\nenvironments:", "\nenviroments:")
    code, out, err = orchctl(capsys, "-C", "repo", "validate")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "repo/orchctl.yaml:6:1: enviroments: unknown key 'enviroments' (did you mean "
        "`environments`?)",
        "1 error, 0 warnings in 1 file",
    ]


def test_plan_and_drift_stop_on_orchctl_yaml_alone(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "\nenvironments:", "\nenviroments:")
    for command in ("plan", "drift", "test"):
        code, out, err = orchctl(capsys, "-C", "repo", "--env", "staging", command)
        assert (code, out) == (1, "")
        stopped = (
            "no test was run"
            if command == "test"
            else ("nothing was read from or written to the stack")
        )
        assert err.splitlines() == [
            "repo/orchctl.yaml:6:1: enviroments: unknown key 'enviroments' (did you mean "
            "`environments`?)",
            f"orchctl: error: orchctl.yaml is invalid (1 error, 0 warnings in 1 file); {stopped}",
        ]


def test_a_valid_orchctl_yaml_still_names_an_unknown_environment(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "--env", "stagign", "validate")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: unknown environment 'stagign' (orchctl.yaml defines: local, "
        "production, staging) (hint: did you mean `staging`?)\n"
    )
