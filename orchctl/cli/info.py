"""`orchctl info`: the selected environment's server, and what orchctl knows about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from orchctl.cli.common import stack_options, to_stack_options
from orchctl.cli.context import GlobalOptions
from orchctl.cli.live import connect, echo_json, output_option

if TYPE_CHECKING:
    from orchctl.api.config import ApiVersion

_MARK = {"ok": "", "warning": "WARNING: ", "unknown": "unknown: "}


@click.command(short_help="Server version and what orchctl knows about it.")
@output_option
@stack_options
@click.pass_obj
def info(
    opts: GlobalOptions,
    output: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """The server version of the selected environment, the API versions it answers, and
    what orchctl knows of that version. Read-only."""
    from orchctl.serverinfo import facts

    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        version = live.client.server_info().version
        layout = live.client.layout
        versions: dict[ApiVersion, bool] = {v: live.client.serves(v) for v in ("v1", "v2")}
        versioned = sum(1 for t in live.client.list_triggers() if t.version)
        used = live.client.api_version
    known = facts(version, versioned_triggers=versioned)
    if output == "json":
        echo_json(
            "info",
            {
                "environment": live.target.environment,
                "url": live.target.url,
                "sandbox_state": live.target.sandbox_state,
                "server_version": version,
                "layout": layout,
                "api_versions": versions,
                "api_version_used": used,
                "facts": [{"topic": f.topic, "level": f.level, "text": f.text} for f in known],
            },
        )
        return 0
    served = ", ".join(f"{v} {'yes' if ok else 'no'}" for v, ok in versions.items())
    where = "gateway, /api/orchestration" if layout == "gateway" else "service, no prefix"
    lines = [
        live.target.describe()[0].upper() + live.target.describe()[1:],
        f"  server version: {version or '(empty)'}",
        f"  API versions:   {served} (orchctl uses {used})",
        f"  address:        {where}",
        "What orchctl knows of this version:",
    ]
    lines.extend(f"  {f.topic}: {_MARK[f.level]}{f.text}" for f in known)
    for line in lines:
        click.echo(line)
    if not versions[used]:
        click.echo(
            f"warning: this environment uses api_version {used}, which the server does not "
            "answer; set `api_version` in orchctl.yaml",
            err=True,
        )
    return 0
