"""`orchctl unlock [LOCK-ID]`: show the apply lock of an environment, or break it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from orchctl.cli.common import stack_options, to_stack_options, warn
from orchctl.cli.context import GlobalOptions

if TYPE_CHECKING:
    from orchctl.apply.lock import Holder


@click.command(short_help="Show, or break, the apply lock of an environment.")
@click.argument("lock_id", required=False)
@stack_options
@click.pass_obj
def unlock(
    opts: GlobalOptions,
    lock_id: str | None,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Without LOCK-ID, show who holds the apply lock of the environment (holder, since
    when, lock id). With LOCK-ID, break that lock: its objects are deleted from the stack
    and, if its apply is still running, it stops before its next write.

    Break a lock only when its apply is gone (a killed CI job): a lock whose holder died
    also expires by itself within a minute. Exit status: 0, 1 on error.
    """
    from orchctl.apply.lock import break_lock, lock_holders
    from orchctl.definitions.loader import load_project
    from orchctl.stack import open_stack

    project = load_project(opts.directory, opts.env_name)
    environment = project.environment.name
    namespace = project.config.namespace
    options = to_stack_options(ca_bundle, insecure, parallelism)
    with open_stack(project.config.root, project.environment, options, warn=warn) as (client, _):
        if lock_id is None:
            holders = lock_holders(client, namespace)
            if not holders:
                click.echo(f"Environment {environment} is not locked.")
            now = datetime.now(UTC)
            for holder in holders:
                click.echo(describe(holder, environment, now))
            return 0
        for holder in break_lock(client, environment, namespace, lock_id):
            click.echo(
                f"Broke lock {holder.lock_id} of environment {environment} "
                f"(held by {holder.describe()} since {holder.since_text()})."
            )
    return 0


def describe(holder: Holder, environment: str, now: datetime) -> str:
    """``Lock ID of environment E: held by WHO since WHEN (renewed N s ago).``"""
    ago = ""
    if holder.renewed is not None:
        ago = f"{max(0.0, (now - holder.renewed).total_seconds()):.0f} s ago"
    head = f"Lock {holder.lock_id} of environment {environment}:"
    who = f"{holder.describe()} since {holder.since_text()}"
    if holder.expired(now):
        return (
            f"{head} expired, held by {who} (last renewed {ago or 'never'}); "
            "its holder is gone and it blocks nothing."
        )
    state = "held by" if holder.held else "being taken by"
    return f"{head} {state} {who}" + (f" (renewed {ago})." if ago else ".")
