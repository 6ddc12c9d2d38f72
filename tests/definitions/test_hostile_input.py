"""Hostile files: one clear located line each, never a traceback."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from orchctl.definitions.yamlsource import MAX_FILE_BYTES, parse_documents

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "validation"))
from validation_support import diagnose

BOMB = (
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
)

CASES: list[tuple[str, str | bytes, list[str]]] = [
    (
        "not YAML",
        "kind: Workflow\nname: [unclosed\n",
        [
            "f.yaml:3:1: invalid YAML: did not find expected ',' or ']' "
            "(while parsing a flow sequence at line 2)"
        ],
    ),
    (
        "tabs",
        "kind: Workflow\n\tname: x\n",
        [
            "f.yaml:2:1: invalid YAML: found a tab character that violates indentation "
            "(while scanning a plain scalar at line 1) (YAML does not allow tabs for indentation; "
            "use spaces)"
        ],
    ),
    (
        "non-UTF-8",
        b"kind: Workflow\nname: caf\xe9\n",
        ["f.yaml:2:10: file is not valid UTF-8 (byte 0xe9) (re-save it as UTF-8)"],
    ),
    (
        "UTF-16",
        "kind: Workflow\n".encode("utf-16"),
        ["f.yaml:1:1: file is UTF-16; orchctl reads UTF-8 (re-save it as UTF-8)"],
    ),
    (
        "NUL bytes",
        b"kind: Workflow\n\x00\x00",
        ["f.yaml:2:1: file contains a NUL character; is it binary?"],
    ),
    ("empty file", "", ["f.yaml:1:1: warning: file holds no definitions"]),
    ("only comments", "# nothing here\n", ["f.yaml:1:1: warning: file holds no definitions"]),
    (
        "empty document in a stream",
        "kind: Workflow\nname: w\nstages: [{noop: {}}]\n---\n---\nkind: Workflow\nname: v\n"
        "stages: [{noop: {}}]\n",
        ["f.yaml:5:1: warning: empty document"],
    ),
    (
        "not a mapping",
        "- kind: Workflow\n",
        ["f.yaml:1:1: a definition must be a mapping with a `kind`"],
    ),
    (
        "missing kind",
        "name: x\n",
        [
            "f.yaml:1:1: missing `kind` (Workflow or Trigger) (not an orchctl file? list it under `exclude:` in orchctl.yaml)"
        ],
    ),
    (
        "unknown kind",
        "kind: workflow\nname: x\n",
        ["f.yaml:1:7: kind: unknown kind 'workflow' (did you mean `Workflow`?)"],
    ),
    (
        "duplicate keys",
        "kind: Workflow\nname: a\nstages: [{noop: {}}]\nname: b\n",
        [
            "f.yaml:4:1: duplicate key 'name' (first defined at line 2, column 1) "
            "(YAML parsers keep only one of them silently; remove one)"
        ],
    ),
    (
        "duplicate keys deep inside",
        "kind: Workflow\nname: a\nstages:\n  - send: {amount: {amount: 1, amount: 2}}\n",
        [
            "f.yaml:4:32: duplicate key 'amount' (first defined at line 4, column 21) "
            "(YAML parsers keep only one of them silently; remove one)"
        ],
    ),
    (
        "alias bomb",
        BOMB,
        [
            "f.yaml:1:12: document expands to more than 100,000 values (aliases nested too "
            "deeply?) (an alias bomb is refused; write the values out)"
        ],
    ),
    (
        "recursive alias",
        "kind: Workflow\nname: a\nstages: &s [*s]\n",
        ["f.yaml:3:9: recursive alias: a value contains itself"],
    ),
    (
        "unquoted parameter",
        "kind: Workflow\nname: a\nstages: [{wait_event: {event: {{ params.e }}}}]\n",
        [
            "f.yaml:3:32: unquoted {{ ... }}: YAML reads it as a nested mapping "
            '(quote values that use parameters: "{{ params.NAME }}")'
        ],
    ),
    (
        "python tag",
        "kind: Workflow\nname: !!python/object:os.system x\n",
        [
            "f.yaml:2:7: unsupported YAML tag tag:yaml.org,2002:python/object:os.system "
            "(only plain YAML values are allowed (strings, numbers, booleans, null))"
        ],
    ),
    (
        "custom tag",
        "kind: Workflow\nname: !Ref x\n",
        [
            "f.yaml:2:7: unsupported YAML tag !Ref (only plain YAML values are allowed "
            "(strings, numbers, booleans, null))"
        ],
    ),
    (
        "NaN",
        "kind: Workflow\nname: a\nstages: [{send: {amount: {amount: .nan}}}]\n",
        ["f.yaml:3:35: .nan is not a number JSON can carry"],
    ),
    (
        "YAML 1.1 boolean",
        "kind: Workflow\nname: a\nstages: [{wait_event: {event: on}}]\n",
        [
            "f.yaml:3:31: Workflow 'a': stages[0].wait_event.event: expected a string, got "
            'boolean true (YAML 1.1 reads on as a boolean; quote it: "on")',
        ],
    ),
    (
        "YAML 1.1 boolean where a boolean fits",
        "kind: Workflow\nname: a\nstages:\n  - send: {source: {account: {id: a, "
        "throughAccount: b, allowOverdraft: yes}}, destination: {wallet: {id: w}}, "
        "amount: {amount: 1, asset: A}}\n",
        [],
    ),
    (
        "YAML 1.1 boolean in a test event (the Norway problem)",
        "kind: Workflow\nname: w\nstages: [{noop: {}}]\n---\nkind: Trigger\nname: t\n"
        "workflow: w\nevent: SAVED_ACCOUNT\ntests:\n  - name: n\n"
        "    event: {country: NO}\n    expect: {match: true}\n",
        [
            "f.yaml:11:22: Trigger 't': tests[0].event.country: warning: unquoted 'NO' is read "
            'as a boolean by YAML 1.1 (quote it ("NO") if you meant a string)'
        ],
    ),
]


@pytest.mark.parametrize(
    ("content", "expected"), [(c, e) for _, c, e in CASES], ids=[n for n, _, _ in CASES]
)
def test_hostile_file(tmp_path: Path, content: str | bytes, expected: list[str]) -> None:
    assert diagnose(tmp_path, {"f.yaml": content}) == expected


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    assert diagnose(tmp_path, {}) == [
        "big.yaml:1:1: file is larger than 5 MiB (definition files are small; is this the "
        "right file?)"
    ]


def test_symlink_loops_and_dangling_links(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    os.symlink("..", tmp_path / "sub" / "up")
    os.symlink("missing.yaml", tmp_path / "gone.yaml")
    os.symlink("self.yaml", tmp_path / "self.yaml")
    assert diagnose(tmp_path, {}) == [
        "gone.yaml:1:1: dangling symbolic link: target is missing",
        "self.yaml:1:1: symbolic link loop: not followed",
        "sub/up:1:1: symbolic link loop: not followed",
    ]


def test_deep_flow_nesting_is_refused_cleanly(tmp_path: Path) -> None:
    depth = 20_000
    [line] = diagnose(tmp_path, {"f.yaml": "[" * depth + "]" * depth})
    assert line.startswith("f.yaml:1:")
    assert "nest" in line


def test_values_keep_their_places() -> None:
    [doc] = parse_documents(
        "kind: Workflow\nstages:\n  - delay:\n      until: 2026-01-01T00:00:00Z\n", "x"
    )
    assert doc.data["stages"][0]["delay"]["until"] == "2026-01-01T00:00:00Z"  # kept as written
    mark = doc.mark(("stages", 0, "delay", "until"))
    assert (mark.line, mark.column) == (4, 14)
    key = doc.mark(("stages", 0, "delay", "until"), key=True)
    assert (key.line, key.column) == (4, 7)


def test_merge_keys_explicit_values_win() -> None:
    text = "base: &b {a: 1, b: 2}\nthing:\n  <<: *b\n  b: 3\n"
    [doc] = parse_documents(text, "x")
    assert doc.data["thing"] == {"a": 1, "b": 3}
    assert doc.mark(("thing", "b"), key=True).line == 4
