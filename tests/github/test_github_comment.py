"""`orchctl github comment` against the GitHub double over 127.0.0.1: one sticky comment
per environment, updated in place, nothing written when unchanged, others untouched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from github_double import State
from github_support import TOKEN, converge, orchctl

from orchctl.github.markers import carries

pytestmark = pytest.mark.socket

PLAN_MARKER = "<!-- orchctl:plan env=local ns=payments -->"


def plan(capsys: pytest.CaptureFixture[str], out: str = "plan.json", *extra: str) -> str:
    code, _, err = orchctl(capsys, "-C", "repo", "plan", "--out", out, *extra)
    assert code == 0, err
    return out


def ours(state: State, number: int) -> list[dict[str, object]]:
    return [c for c in state.comments_on(number) if carries(str(c["body"]), PLAN_MARKER)]


def test_one_comment_after_many_runs_and_nothing_written_when_unchanged(
    project: Path,
    github: State,
    pull_request_event: Callable[[int], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = github.add_pull_request()
    pull_request_event(number)
    saved = plan(capsys)
    code, out, err = orchctl(capsys, "github", "comment", saved)
    assert (code, out) == (0, "")
    (comment,) = ours(github, number)
    assert err == (
        f"Created the plan comment on pull request #{number} (environment local): "
        f"https://github.test/acme/payments-flows/pull/{number}#issuecomment-{comment['id']}\n"
    )
    writes_after_first = len(github.writes)
    for _ in range(4):
        saved = plan(capsys)  # a new plan file each time: same changes
        code, _, err = orchctl(capsys, "github", "comment", saved)
        assert code == 0
        assert err == (
            f"The plan comment on pull request #{number} (environment local) is up to date; "
            "nothing written.\n"
        )
    assert len(github.writes) == writes_after_first == 1
    assert len(ours(github, number)) == 1


def test_a_changed_plan_updates_the_same_comment_in_place(
    project: Path,
    github: State,
    pull_request_event: Callable[[int], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = github.add_pull_request()
    pull_request_event(number)
    orchctl(capsys, "github", "comment", plan(capsys))
    (first,) = ours(github, number)
    first_body = first["body"]
    converge(project)
    path = project / "triggers" / "credit-wallet-on-payin.yaml"
    path.write_text(path.read_text().replace('"SUCCEEDED"', '"SUCCEEDED" && event.amount > 0', 1))
    code, _, err = orchctl(capsys, "github", "comment", plan(capsys))
    assert code == 0
    (comment,) = ours(github, number)
    assert comment["id"] == first["id"]
    assert comment["body"] != first_body
    assert github.writes[-1] == (
        "PATCH",
        f"/repos/acme/payments-flows/issues/comments/{first['id']}",
    )
    assert err.startswith(f"Updated the plan comment on pull request #{number}")


def test_trigger_replacements_and_deletions_are_called_out_first(
    project: Path,
    github: State,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = github.add_pull_request()
    converge(project)
    path = project / "triggers" / "credit-wallet-on-payin.yaml"
    path.write_text(path.read_text().replace('"SUCCEEDED"', '"SUCCEEDED" && event.amount > 0', 1))
    (project / "triggers" / "refund-reverted-purchase.yaml").unlink()
    (project / "workflows" / "refund-after-cooling-off.yaml").unlink()
    orchctl(capsys, "github", "comment", plan(capsys, "plan.json", "--prune"), "--pr", str(number))
    (comment,) = ours(github, number)
    lines = str(comment["body"]).split("\n")
    assert lines[0] == PLAN_MARKER
    assert lines[1] == (
        "### orchctl plan — environment <code>local</code>, namespace <code>payments</code>"
    )
    assert lines[2:5] == [
        "",
        "> [!CAUTION]",
        "> **Triggers: 1 deleted, 1 replaced.** Events may be missed, or start a workflow twice.",
    ]
    assert lines[5].startswith(
        "> - <code>-/+</code> <b>credit-wallet-on-payin</b> — replace, delete-first: events "
        "between the delete and the create are NOT caught"
    )
    assert lines[6].startswith("> - <code>-</code> <b>refund-reverted-purchase</b> — delete")
    assert lines[7:9] == ["", "**Plan: 0 to create, 1 to replace, 2 to delete.**"]


def test_other_comments_are_left_untouched(
    project: Path,
    github: State,
    pull_request_event: Callable[[int], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = github.add_pull_request()
    pull_request_event(number)
    others = {
        github.add_comment(number, "LGTM"): "LGTM",
        github.add_comment(number, f"quoting:\n{PLAN_MARKER}\n"): f"quoting:\n{PLAN_MARKER}\n",
        github.add_comment(number, "<!-- orchctl:plan env=staging ns=payments -->\nstaging"): (
            "<!-- orchctl:plan env=staging ns=payments -->\nstaging"
        ),
    }
    other_pr = github.add_pull_request()
    github.add_comment(other_pr, PLAN_MARKER + "\nanother pull request")
    for _ in range(3):
        assert orchctl(capsys, "github", "comment", plan(capsys))[0] == 0
    for cid, body in others.items():
        assert github.comments[cid]["body"] == body
    assert [c["body"] for c in github.comments_on(other_pr)] == [
        PLAN_MARKER + "\nanother pull request"
    ]
    assert len(ours(github, number)) == 1
    assert [w for w in github.writes if w[0] == "PATCH"] == []


def test_the_marker_is_found_on_a_later_page(
    project: Path,
    github: State,
    pull_request_event: Callable[[int], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = github.add_pull_request()
    pull_request_event(number)
    for i in range(230):
        github.add_comment(number, f"comment {i}")
    orchctl(capsys, "github", "comment", plan(capsys))
    github.requests.clear()
    code, _, err = orchctl(capsys, "github", "comment", plan(capsys))
    assert code == 0
    assert "is up to date" in err
    pages = [q.get("page", ["1"])[0] for m, p, q, _ in github.requests if m == "GET"]
    assert pages == ["1", "2", "3"]  # 231 comments, 100 a page, followed by Link
    assert len(ours(github, number)) == 1


def test_the_plan_goes_to_the_step_summary(
    project: Path,
    github: State,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = github.add_pull_request()
    orchctl(capsys, "github", "comment", plan(capsys), "--pr", str(number))
    summary = (tmp_path / "step-summary.md").read_text()
    assert summary.startswith(
        "### orchctl plan — environment <code>local</code>, namespace <code>payments</code>\n"
    )
    assert "**Plan: 16 to create, 0 to replace, 0 to delete.**" in summary
    assert TOKEN not in summary


def test_github_enterprise_api_url_with_a_path(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from github_double import serve

    with serve(TOKEN, prefix="/api/v3") as (state, api_url):
        monkeypatch.setenv("GITHUB_API_URL", api_url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("GITHUB_REPOSITORY", state.repository)
        number = state.add_pull_request()
        code, _, err = orchctl(capsys, "github", "comment", plan(capsys), "--pr", str(number))
        assert code == 0, err
        assert state.requests[0][1] == f"/api/v3/repos/acme/payments-flows/issues/{number}/comments"
        assert len(state.comments_on(number)) == 1
