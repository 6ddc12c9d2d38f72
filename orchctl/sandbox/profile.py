"""Which service the sandbox imitates: today's, or the one its unmerged fix branches make.

``current`` is formancehq/flows ``main`` (2026-06) as ``SERVER_BEHAVIOR.md`` describes it.
``patched`` turns on the four fix branches of that repository (see each flag). orchctl must
work against both; the test suites run the client, planner and CLI against each.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    #: ``fix/soft-deleted-workflows``: a deleted workflow is not readable or runnable,
    #: deleting it again is 404, and triggers pointing at it stop firing.
    soft_deleted_workflows: bool = False
    #: ``fix/api-error-mapping``: "no rows" and the not-found sentinels -> 404, an invalid
    #: workflow config -> 400, an undecodable trigger or test-trigger body -> 400.
    api_error_mapping: bool = False
    #: ``fix/triggers-name-filter-sql``: ``?name=`` filters triggers (ILIKE %name%).
    name_filter: bool = False
    #: ``fix/v1-list-pagination``: v1 workflows and instances lists return one page
    #: (``pageSize``, default 15, at most 100), like the v1 triggers list.
    v1_list_pagination: bool = False


CURRENT = Profile("current")
PATCHED = Profile(
    "patched",
    soft_deleted_workflows=True,
    api_error_mapping=True,
    name_filter=True,
    v1_list_pagination=True,
)
PROFILES: dict[str, Profile] = {p.name: p for p in (CURRENT, PATCHED)}
DEFAULT_PROFILE = CURRENT.name


def get_profile(name: str | Profile) -> Profile:
    """The profile called ``name`` (a :class:`Profile` passes through); ValueError if unknown."""
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"unknown sandbox profile {name!r} (known: {known})") from None
