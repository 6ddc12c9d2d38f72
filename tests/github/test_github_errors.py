"""GitHub refusing or failing: one clear line, exit 1, no traceback, never the token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github_double import Canned, State
from github_support import TOKEN, orchctl

pytestmark = pytest.mark.socket


@pytest.fixture
def saved(project: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, _, err = orchctl(capsys, "-C", "repo", "plan", "--out", "plan.json")
    assert code == 0, err
    return "plan.json"


def comment(
    capsys: pytest.CaptureFixture[str], saved: str, number: int, *extra: str
) -> tuple[int, str, str]:
    code, out, err = orchctl(capsys, *extra, "github", "comment", saved, "--pr", str(number))
    assert TOKEN not in out + err
    return code, out, err


def test_a_wrong_token_is_one_line(
    saved: str, github: State, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    number = github.add_pull_request()
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_wrong_" + TOKEN)
    code, out, err = comment(capsys, saved, number, "-v")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: GitHub refused the token (401: Bad credentials) "
        "(hint: GITHUB_TOKEN is missing, expired or revoked)\n"
    )
    assert "ghs_wrong_" not in err


def test_a_missing_token_fails_before_anything(
    saved: str, github: State, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    code, _, err = comment(capsys, saved, 1)
    assert code == 1
    assert err == (
        "orchctl: error: GITHUB_TOKEN is not set "
        "(hint: in a workflow: `env: GITHUB_TOKEN: ${{ github.token }}`)\n"
    )
    assert github.requests == []


def test_forbidden(saved: str, github: State, capsys: pytest.CaptureFixture[str]) -> None:
    number = github.add_pull_request()
    github.canned.append(Canned(403, {}, {"message": "Resource not accessible by integration"}))
    code, _, err = comment(capsys, saved, number)
    assert code == 1
    assert err == (
        f"orchctl: error: GitHub denied GET /repos/acme/payments-flows/issues/{number}/comments "
        "(403: Resource not accessible by integration) (hint: the token needs "
        "`pull-requests: write` (comments) or `issues: write` (drift issues) in the "
        "workflow's `permissions:`)\n"
    )


def test_no_such_pull_request(
    saved: str, github: State, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = comment(capsys, saved, 99)
    assert code == 1
    assert err == (
        "orchctl: error: GitHub answered 404 to GET /repos/acme/payments-flows/issues/99/comments: "
        "no such repository, issue or pull request, or the token cannot see it "
        "(hint: check GITHUB_REPOSITORY and the pull request number)\n"
    )


def test_primary_rate_limit_says_when_it_resets(
    saved: str, github: State, capsys: pytest.CaptureFixture[str]
) -> None:
    number = github.add_pull_request()
    github.canned.append(
        Canned(
            403,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1796290200"},
            {"message": "API rate limit exceeded for installation ID 1."},
        )
    )
    code, _, err = comment(capsys, saved, number)
    assert code == 1
    assert err == (
        "orchctl: error: GitHub API rate limit exhausted "
        f"(GET /repos/acme/payments-flows/issues/{number}/comments); it resets at 09:30:00 UTC "
        "(hint: run the job again after the reset)\n"
    )


def test_secondary_rate_limits_are_waited_out_even_for_a_create(
    saved: str, github: State, capsys: pytest.CaptureFixture[str]
) -> None:
    number = github.add_pull_request()
    github.rate_limit_next(2, retry_after="0")  # the list, twice
    code, _, err = comment(capsys, saved, number)
    assert code == 0, err
    github.requests.clear()
    number = github.add_pull_request()
    github.canned.append(Canned(200, {}, []))  # the list of the new pull request
    github.rate_limit_next(1, retry_after="0")  # then the create is refused once
    code, _, err = comment(capsys, saved, number)
    assert code == 0, err
    assert [m for m, *_ in github.requests] == ["GET", "POST", "POST"]
    assert len(github.comments_on(number)) == 1


def test_a_secondary_rate_limit_longer_than_orchctl_waits(
    saved: str, github: State, capsys: pytest.CaptureFixture[str]
) -> None:
    number = github.add_pull_request()
    github.rate_limit_next(1, retry_after="3600")
    code, _, err = comment(capsys, saved, number)
    assert code == 1
    assert err == (
        "orchctl: error: GitHub's secondary rate limit: GET "
        f"/repos/acme/payments-flows/issues/{number}/comments may be retried in 3600 s, "
        "longer than orchctl waits (60 s) (hint: run the job again later)\n"
    )
    assert len(github.requests) == 1


def test_a_rejected_body_says_why(
    saved: str, github: State, capsys: pytest.CaptureFixture[str]
) -> None:
    number = github.add_pull_request()
    github.canned.append(Canned(200, {}, []))
    github.canned.append(
        Canned(
            422, {}, {"message": "Validation Failed", "errors": [{"message": "body is too long"}]}
        )
    )
    code, _, err = comment(capsys, saved, number)
    assert code == 1
    assert err == (
        f"orchctl: error: GitHub rejected POST /repos/acme/payments-flows/issues/{number}/comments "
        "(422: Validation Failed: body is too long)\n"
    )


def test_plain_http_is_refused_outside_loopback(
    saved: str, github: State, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "http://github.acme.test/api/v3")
    code, _, err = comment(capsys, saved, 1)
    assert code == 1
    assert err == (
        "orchctl: error: GITHUB_API_URL must be an https:// URL (got 'http://github.acme.test') "
        "(hint: GitHub Enterprise: https://HOST/api/v3)\n"
    )


def test_the_pull_request_comes_from_the_event(
    saved: str,
    github: State,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"ref": "refs/heads/main", "commits": []}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, _, err = orchctl(capsys, "github", "comment", saved)
    assert code == 1
    assert err == (
        "orchctl: error: no pull request in this workflow's event (a push or a schedule?) "
        "(hint: run it on `pull_request`, or pass --pr NUMBER)\n"
    )
    number = github.add_pull_request()
    event.write_text(json.dumps({"issue": {"number": number, "pull_request": {}}}))
    assert orchctl(capsys, "github", "comment", saved)[0] == 0
    assert len(github.comments_on(number)) == 1


def test_the_token_is_sent_only_as_a_header_and_never_saved(
    saved: str, github: State, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = github.add_pull_request()
    code, _out, _err = comment(capsys, saved, number, "-vv")
    assert code == 0
    for _method, path, query, headers in github.requests:
        assert headers["Authorization"] == f"Bearer {TOKEN}"
        assert TOKEN not in path + json.dumps(query)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and ".db" not in p.name]
    assert files
    for path in files:
        assert TOKEN not in path.read_text(errors="replace"), path
