"""The GitHub client against the double: pagination stays on the API's origin, what is
retried and what is not."""

from __future__ import annotations

import pytest
from github_double import Canned, serve
from github_support import TOKEN

from orchctl.github.client import GitHubClient, GitHubError

pytestmark = pytest.mark.socket


def client(api_url: str, waits: list[float]) -> GitHubClient:
    return GitHubClient(api_url, TOKEN, "acme/payments-flows", sleep=waits.append)


def test_a_next_page_on_another_host_is_not_followed() -> None:
    with serve(TOKEN) as (state, api_url):
        number = state.add_pull_request()
        state.canned.append(
            Canned(200, {"Link": '<https://elsewhere.test/steal?page=2>; rel="next"'}, [])
        )
        with client(api_url, []) as gh, pytest.raises(GitHubError) as caught:
            list(gh.issue_comments(number))
        assert str(caught.value) == (
            f"GitHub's next page of GET /repos/acme/payments-flows/issues/{number}/comments "
            "is on another host (https://elsewhere.test); not following it with the token"
        )
        assert len(state.requests) == 1


def test_reads_and_updates_are_retried_on_502_but_a_create_is_not() -> None:
    with serve(TOKEN) as (state, api_url):
        number = state.add_pull_request()
        waits: list[float] = []
        with client(api_url, waits) as gh:
            state.canned.append(Canned(502, {}, {"message": "Bad Gateway"}))
            assert list(gh.issue_comments(number)) == []
            assert waits == [2.0]
            state.canned.append(Canned(502, {}, {"message": "Bad Gateway"}))
            with pytest.raises(GitHubError) as caught:
                gh.create_comment(number, "hello")
            assert str(caught.value) == (
                f"GitHub rejected POST /repos/acme/payments-flows/issues/{number}/comments "
                "(502: Bad Gateway)"
            )
            assert state.comments_on(number) == []
            created = gh.create_comment(number, "hello")
            state.canned.append(Canned(503, {}, {"message": "Unavailable"}))
            assert gh.update_comment(created.id, "hello again").body == "hello again"
        assert [m for m, *_ in state.requests] == ["GET", "GET", "POST", "POST", "PATCH", "PATCH"]


def test_pages_are_followed_to_the_end() -> None:
    with serve(TOKEN) as (state, api_url):
        number = state.add_pull_request()
        for i in range(250):
            state.add_comment(number, f"c{i}")
        with client(api_url, []) as gh:
            bodies = [c.body for c in gh.issue_comments(number)]
        assert bodies == [f"c{i}" for i in range(250)]
        assert [q.get("per_page") for _, _, q, _ in state.requests] == [["100"]] * 3
