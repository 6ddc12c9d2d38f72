"""The text of an apply, made from its events (`orchctl/apply/events.py`): a line per
step, the swap windows, the summary line, and on failure what is done, failed and not
started."""

from __future__ import annotations

from typing import Any

SYMBOLS = {
    "create-workflow": "+",
    "shadow-test": "?",
    "create-trigger": "+",
    "swap-delete-first": "-/+",
    "swap-create-first": "+/-",
    "delete-trigger": "-",
    "delete-workflow": "-",
    "verify": "=",
}


def _subject(event: dict[str, Any]) -> str:
    if event["action"] == "delete-trigger" and not event.get("name"):
        return "leftover shadow trigger"
    return f"{event['kind']} {event['name']}"


def step_line(event: dict[str, Any]) -> str | None:
    """One line for a finished step (None: nothing worth a line)."""
    action = event["action"]
    if action == "gate":
        return None
    symbol = SYMBOLS.get(action, "·")
    seconds = event.get("seconds")
    took = f" ({seconds:.2f} s)" if isinstance(seconds, (int, float)) else ""
    if event["type"] == "step_errored":
        subject = _subject(event) if event.get("kind") else "final check"
        return f"  ! {subject}: failed: {event['error']}"
    created, deleted = event.get("created", []), event.get("deleted", [])
    if action in ("create-workflow", "create-trigger"):
        what = f"created {', '.join(created)}"
    elif action.startswith("swap-"):
        what = f"replaced {', '.join(deleted)} -> {', '.join(created)}"
    elif action == "shadow-test":
        what = "tests passed on a shadow trigger"
    elif action == "verify":
        return "  = re-read: the stack matches the repository"
    else:
        what = f"deleted {', '.join(deleted)}"
    return f"  {symbol} {_subject(event)}: {what}{took}"


def swap_line(event: dict[str, Any]) -> str:
    name, seconds = event["name"], event["seconds"]
    if event["swap"] != "create-first":
        return (
            f"  gap: Trigger {name} was absent for at most {seconds:.3f} s "
            "(events in that window were not caught)"
        )
    occurrences = event.get("occurrences")
    if occurrences is None:
        return (
            f"  overlap: Trigger {name}, old and new both live for at most {seconds:.3f} s "
            "(occurrences could not be read)"
        )
    both = len(event.get("both_started", []))
    return (
        f"  overlap: Trigger {name}, old and new both live for at most {seconds:.3f} s: "
        f"{occurrences['old']} occurrence(s) of the old, {occurrences['new']} of the new, "
        f"{both} event{'s' if both != 1 else ''} started both"
    )


def summary_line(event: dict[str, Any]) -> str:
    counts = f"{event['created']} created, {event['replaced']} replaced, {event['deleted']} deleted"
    if event["status"] == "complete":
        return f"Apply complete: {counts}."
    steps = event["steps"]
    return (
        f"Apply failed: {counts}; {steps['failed']} step{'s' if steps['failed'] != 1 else ''} "
        f"failed, {steps['not_started']} not started."
    )


def failure_lines(event: dict[str, Any]) -> list[str]:
    """Done / failed / not started, each with kind, name and ids (only after a failure)."""
    if event["status"] == "complete":
        return []
    out: list[str] = []
    for status, title in (("failed", "Failed"), ("done", "Done"), ("not-started", "Not started")):
        group = [o for o in event["outcomes"] if o["status"] == status and o["action"] != "gate"]
        if not group:
            continue
        out.append(f"{title}:")
        for entry in group:
            subject = _subject(entry) if entry.get("kind") else "final check"
            ids = f" [{', '.join(entry['ids'])}]" if entry["ids"] else ""
            error = f": {entry['error']}" if entry.get("error") else ""
            out.append(f"  {entry['action']} {subject}{ids}{error}")
    for name, failures in sorted(event.get("shadow_failures", {}).items()):
        out.append(f"Trigger {name}: tests failed on the stack (no live trigger was touched):")
        out.extend(f"  {line}" for line in failures)
    if event.get("cleaned_up"):
        out.append("Deleted what this apply had created: " + ", ".join(event["cleaned_up"]))
    return out
