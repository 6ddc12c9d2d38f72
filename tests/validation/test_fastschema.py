"""The jsonschema-rs fast path never accepts what jsonschema rejects."""

from __future__ import annotations

import copy
import re
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchctl.validation import fastschema, schemas

WORKFLOW: dict[str, Any] = {
    "kind": "Workflow",
    "name": "pay-in",
    "description": "Credit a wallet",
    "stages": [
        {
            "send": {
                "source": {"payment": {"id": "${paymentID}"}},
                "destination": {"wallet": {"id": "${walletID}", "balance": "main"}},
                "amount": {"amount": "${amount}", "asset": "USD/2"},
                "metadata": {"origin": "x"},
            }
        },
        {"wait_event": {"event": "shipped"}},
        {"delay": {"duration": "1h30m"}},
        {"noop": {}},
    ],
}
TRIGGER: dict[str, Any] = {
    "kind": "Trigger",
    "name": "on-pay-in",
    "workflow": "pay-in",
    "event": "SAVED_PAYMENT",
    "filter": 'event.status == "SUCCEEDED"',
    "vars": {"paymentID": "event.id", "amount": "event.amount"},
    "tests": [{"name": "t", "event": {"id": "p"}, "expect": {"match": True}}],
}


def agrees(name: str, instance: Any) -> None:
    check = schemas.fast_check(name)
    assert check is not None
    slow_valid = not list(schemas.validator(name).iter_errors(instance))
    if check(instance):
        assert slow_valid, instance
    assert (schemas.check(name, instance) == []) == slow_valid


def test_python_whitespace_is_what_str_isspace_says() -> None:
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1))
    members = re.findall(rf"[{fastschema.PY_WHITESPACE}]", everything)
    assert members == re.findall(r"\s", everything)


def test_every_shipped_schema_is_on_the_fast_path() -> None:
    for uri, _ in schemas._contents():
        name = uri.rsplit("/", 1)[1].removesuffix(".schema.json")
        assert schemas.fast_check(name) is not None, name


def test_backslash_s_gets_pythons_meaning() -> None:
    assert fastschema.python_pattern(r"^[^{}$\s]+$") == r"^[^{}$" + fastschema.PY_WHITESPACE + "]+$"
    assert fastschema.python_pattern(r"a\sb") == f"a[{fastschema.PY_WHITESPACE}]b"
    assert fastschema.python_pattern(r"\$\{[^}]+\}") == r"\$\{[^}]+\}"
    assert fastschema.python_pattern(r"[]\s]") == f"[]{fastschema.PY_WHITESPACE}]"


@pytest.mark.parametrize("pattern", [r"\w+", r"\bx", r"[\S]", r"[[:alpha:]]"])
def test_patterns_with_other_meanings_are_refused(pattern: str) -> None:
    with pytest.raises(fastschema.UnsafePattern):
        fastschema.python_pattern(pattern)


def test_a_schema_with_an_unsafe_pattern_and_those_using_it_stay_off_the_fast_path() -> None:
    base = "https://example.test/"
    checks = fastschema.compile_checks(
        [
            (base + "a.json", {"type": "string", "pattern": r"^\w+$"}),
            (base + "b.json", {"properties": {"x": {"$ref": "a.json"}}}),
            (base + "c.json", {"type": "string", "pattern": r"^\s*$"}),
        ]
    )
    assert checks is not None
    assert sorted(checks) == [base + "c.json"]
    assert checks[base + "c.json"]("\x1c") is True  # a space to Python, not to Rust's \s


@pytest.mark.parametrize(
    "name",
    ["a\x1cb", "a\u2028b", "ab\n", "x" * 101, "", "Ab", "a..b", "-a", "a-"],
)
def test_names_agree(name: str) -> None:
    agrees("workflow", {**WORKFLOW, "name": name})
    agrees("trigger", {**TRIGGER, "name": name})


def test_integers_beyond_64_bits_go_to_jsonschema() -> None:
    assert schemas.check("workflow", {**WORKFLOW, "name": 10**30})[0].message == (
        "expected a string, got integer 1000000000000000000000000000000"
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["${x}", "USD/2", "1h30m", "main", "SAVED_PAYMENT", "", "world", "1"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "amount", "asset", "name", "source", "stages", "event", "x"])
            | st.text(max_size=6),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


def _paths(value: Any, base: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [base]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*base, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*base, index))
    return found


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    out = copy.deepcopy(document)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from(["workflow", "trigger"]), json_values)
def test_mutated_documents_agree(data: st.DataObject, name: str, value: Any) -> None:
    document = WORKFLOW if name == "workflow" else TRIGGER
    path = data.draw(st.sampled_from(_paths(document)))
    agrees(name, _replace(document, path, value))
