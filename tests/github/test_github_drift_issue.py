"""`orchctl github drift-issue`: the drift issue's open -> update -> close, exit codes as drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from github_double import State
from github_support import TOKEN, converge, delete_live_trigger, orchctl, recreate_trigger

pytestmark = pytest.mark.socket

MARKER = "<!-- orchctl:drift env=local ns=payments -->"
TITLE = "orchctl: environment local (namespace payments) has drifted"


def drift_issue(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code, out, err = orchctl(capsys, "-C", "repo", "github", "drift-issue")
    assert TOKEN not in out + err
    return code, out, err


def open_issues(state: State) -> list[dict[str, object]]:
    return [i for i in state.issues.values() if i["state"] == "open" and "pull_request" not in i]


def test_open_update_close(
    project: Path, github: State, capsys: pytest.CaptureFixture[str]
) -> None:
    github.add_pull_request()  # the issue list also returns pull requests
    unrelated = github.next_number
    github.issues[unrelated] = {
        "number": unrelated,
        "title": "a bug",
        "body": "labelled, but not ours",
        "state": "open",
        "labels": ["orchctl-drift"],
    }
    github.next_number += 1
    converge(project)
    code, out, err = drift_issue(capsys)
    assert code == 0
    assert out.endswith("In sync: 9 workflows and 7 triggers match the repository.\n")
    assert err.endswith("Environment local is in sync; no drift issue is open.\n")
    assert github.writes == []

    # drift: opened
    delete_live_trigger(project, "credit-wallet-on-payin")
    code, out, err = drift_issue(capsys)
    assert code == 2
    assert "missing    Trigger credit-wallet-on-payin" in out
    (issue,) = [i for i in open_issues(github) if i["number"] != unrelated]
    assert err.endswith(
        f"Opened drift issue #{issue['number']}: "
        f"https://github.test/acme/payments-flows/issues/{issue['number']}\n"
    )
    assert issue["title"] == TITLE
    assert issue["labels"] == ["orchctl-drift"]
    body = str(issue["body"])
    assert body.split("\n")[:3] == [
        MARKER,
        "### :warning: orchctl drift — `local`",
        "",
    ]
    assert "| missing | Trigger | credit-wallet-on-payin | not on the stack |" in body

    # the same drift: nothing written
    writes = len(github.writes)
    code, _, err = drift_issue(capsys)
    assert code == 2
    assert err.endswith(f"Drift issue #{issue['number']} is up to date; nothing written.\n")
    assert len(github.writes) == writes

    # more drift: the same issue, updated
    delete_live_trigger(project, "payout-on-withdrawal")
    code, _, err = drift_issue(capsys)
    assert code == 2
    assert err.endswith(
        f"Updated drift issue #{issue['number']}: "
        f"https://github.test/acme/payments-flows/issues/{issue['number']}\n"
    )
    assert [i["number"] for i in open_issues(github) if i["number"] != unrelated] == [
        issue["number"]
    ]
    assert "| missing | Trigger | payout-on-withdrawal | not on the stack |" in str(issue["body"])

    # back in sync: a comment, then closed
    recreate_trigger(project, "credit-wallet-on-payin")
    recreate_trigger(project, "payout-on-withdrawal")
    code, _, err = drift_issue(capsys)
    assert code == 0
    assert err.endswith(f"Closed drift issue #{issue['number']}: local is back in sync.\n")
    assert issue["state"] == "closed"
    assert issue["state_reason"] == "completed"
    (closing,) = github.comments_on(int(str(issue["number"])))
    assert closing["body"] == (
        ":white_check_mark: Environment <code>local</code> is back in sync: 9 workflows and "
        "7 triggers match the repository. Closed by `orchctl github drift-issue`."
    )
    assert github.issues[unrelated]["state"] == "open"
    assert github.issues[unrelated]["body"] == "labelled, but not ours"

    # in sync again: nothing to do; drift again: a new issue
    writes = len(github.writes)
    assert drift_issue(capsys)[0] == 0
    assert len(github.writes) == writes
    delete_live_trigger(project, "credit-wallet-on-payin")
    assert drift_issue(capsys)[0] == 2
    assert len([i for i in open_issues(github) if i["number"] != unrelated]) == 1


def test_an_issue_whose_label_was_removed_is_still_found(
    project: Path, github: State, capsys: pytest.CaptureFixture[str]
) -> None:
    converge(project)
    delete_live_trigger(project, "credit-wallet-on-payin")
    drift_issue(capsys)
    (issue,) = open_issues(github)
    issue["labels"] = []
    delete_live_trigger(project, "payout-on-withdrawal")
    assert drift_issue(capsys)[0] == 2
    assert open_issues(github) == [issue]
    assert issue["labels"] == ["orchctl-drift"]


def test_invalid_definitions_exit_1_and_touch_no_issue(
    project: Path, github: State, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "workflows" / "broken.yaml").write_text("kind: Workflow\nname: broken\n")
    code, out, err = drift_issue(capsys)
    assert code == 1
    assert out == ""
    assert "the definitions are invalid" in err
    assert github.requests == []


def test_a_github_failure_is_exit_1_even_with_drift(
    project: Path,
    github: State,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/elsewhere")
    code, _, err = drift_issue(capsys)
    assert code == 1
    assert err.endswith(
        "orchctl: error: GitHub answered 404 to GET /repos/acme/elsewhere/issues: no such "
        "repository, issue or pull request, or the token cannot see it (hint: check "
        "GITHUB_REPOSITORY and the pull request number)\n"
    )
