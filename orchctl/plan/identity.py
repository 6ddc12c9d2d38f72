"""Which live objects belong to which definition (DESIGN §3).

On the stack a definition's name is ``<namespace>/<name>`` when a namespace is set, else
``<name>``. Names are not unique on the server and carry no labels, so the name is the
only handle: everything else is compared by content.
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = "/"


@dataclass(frozen=True)
class Namer:
    namespace: str | None

    def stack_name(self, name: str) -> str:
        return f"{self.namespace}{SEPARATOR}{name}" if self.namespace else name

    def plain_name(self, stack_name: str) -> str | None:
        """The definition name a live name stands for, or None when outside the namespace."""
        if not self.namespace:
            return stack_name or None
        prefix = self.namespace + SEPARATOR
        if stack_name.startswith(prefix) and len(stack_name) > len(prefix):
            return stack_name[len(prefix) :]
        return None

    def foreign(self, stack_name: str) -> bool:
        """A name in a namespace other than this project's (`other-team/report`): never this
        project's object, never its drift."""
        space, sep, rest = stack_name.partition(SEPARATOR)
        return bool(sep and space and rest) and space != self.namespace
