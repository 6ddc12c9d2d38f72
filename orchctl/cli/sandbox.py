"""``orchctl sandbox``: serve the local Orchestration API over HTTP until Ctrl-C/SIGTERM."""

from __future__ import annotations

import ipaddress
import signal
import threading
from types import FrameType

import click

from orchctl.errors import UsageError, environment_errors


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("sandbox", short_help="Serve the local Orchestration API.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    default=0,
    type=click.IntRange(0, 65535),
    show_default=True,
    help="Port; 0 picks a free one.",
)
@click.option("--db", "db", default=":memory:", show_default=True, help="SQLite file for state.")
@click.option("--seed", default=0, type=int, show_default=True, help="Seed for order and faults.")
@click.option("--latency", default=0.0, type=float, help="Added latency per request (ms).")
@click.option("--jitter", default=0.0, type=float, help="Random extra latency, 0..N ms.")
@click.option("--fault-rate", default=0.0, type=float, help="Share of requests failed (0..1).")
@click.option(
    "--fault-kinds",
    default="500,502,503,429,reset,lost",
    show_default=True,
    help="Comma-separated kinds of injected faults.",
)
@click.option(
    "--auth-client",
    "auth_clients",
    multiple=True,
    metavar="ID:SECRET[:SCOPES]",
    help="Turn OAuth2 on with this client (repeatable; scopes comma-separated).",
)
@click.option("--time-scale", default=1.0, type=float, show_default=True, help="Delay factor.")
def sandbox(
    host: str,
    port: int,
    db: str,
    seed: int,
    latency: float,
    jitter: float,
    fault_rate: float,
    fault_kinds: str,
    auth_clients: tuple[str, ...],
    time_scale: float,
) -> None:
    """Serve the local Formance Orchestration API (v1 and v2) on HOST:PORT."""
    from orchctl.sandbox import Client, Faults, Latency, Sandbox

    try:
        clients = [Client.parse(spec) for spec in auth_clients]
        faults = Faults(
            rate=fault_rate,
            kinds=tuple(k.strip() for k in fault_kinds.split(",") if k.strip()),
            seed=seed,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if time_scale < 0:
        raise UsageError("--time-scale must not be negative")
    if not _is_loopback(host):
        click.echo(
            f"orchctl: warning: binding to {host}, a non-loopback address: the sandbox has no "
            "real security; anyone who can reach it can read and change it",
            err=True,
        )
    box = Sandbox(
        db,
        seed=seed,
        auth=clients or None,
        faults=faults,
        latency=Latency(latency, jitter),
        time_scale=time_scale,
    )
    try:
        with environment_errors("listen on", f"{host}:{port}"):
            server = box.serve(host, port)
        click.echo(f"Sandbox listening on {server.url}")
        stop = threading.Event()

        def _on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = signal.signal(signal.SIGTERM, _on_signal)
        try:
            while not stop.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        click.echo("Sandbox stopped", err=True)
    finally:
        box.close()
