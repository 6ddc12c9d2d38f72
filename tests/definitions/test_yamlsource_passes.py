"""The value pass and the recording pass of yamlsource agree: same data, same refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orchctl.definitions.yamlsource import (
    Places,
    YamlFileError,
    _Builder,
    _nodes,
    _Values,
    parse_documents,
)

CASES = [
    "kind: Workflow\nstages:\n  - delay: {until: 2026-01-01T00:00:00Z}\n",
    "a: 1\nb: 1.5\nc: true\nd: ~\ne: yes\nf: 0x1f\ng: 1_000\n",
    "base: &b {a: 1, b: 2}\nthing:\n  <<: *b\n  b: 3\n",
    "base: &b {a: 1}\nthing:\n  <<: [*b, {c: 2}]\n",
    "a: 1\na: 2\n",
    "x: 0\n1: a\n1: b\n",
    "2026-01-01: a\n2026-01-01: b\n",
    "yes: 1\non: 2\ntrue: 3\n",
    "~: 1\nnull: 2\n",
    "? [x]\n: 1\n",
    "x: {{ params.a }}\n",
    "x: !!python/object:os.system ls\n",
    "x: !custom 1\n",
    "x: .nan\n",
    "x: -.inf\n",
    "a: &a [*a]\n",
    "<<: 1\n",
    "on: 1\n",
    "l: !!set {a: null}\n",
    "x: " + "[" * 120 + "]" * 120 + "\n",
    "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
    + "".join(f"{c}: &{c} [{', '.join(['*' + chr(ord(c) - 1)] * 10)}]\n" for c in "bcdef"),
]


def outcome(run: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("ok", run())
    except YamlFileError as exc:
        return ("error", exc.message, exc.line, exc.column, exc.hint)


@pytest.mark.parametrize("text", CASES)
def test_both_passes_agree(text: str) -> None:
    for node in _nodes(text, None):
        fast = outcome(lambda node=node: _Values().build(node, 0))
        slow = outcome(lambda node=node: _Builder(Places()).build(node))
        assert fast == slow


def test_places_are_found_on_demand_for_every_document_of_a_file() -> None:
    docs = list(parse_documents("a: 1\n---\nb:\n  c: yes\n", "f.yaml"))
    assert [d.notes for d in docs] == [[], [(("b", "c"), "yes")]]
    assert (docs[1].mark(("b", "c")).line, docs[1].mark(("b", "c")).column) == (4, 6)
    assert docs[1].mark(("b", "c"), key=True).column == 3
