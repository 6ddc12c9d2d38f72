"""orchctl.validation.plain: every text it calls plain is one the compiler finds no fault
with, calls nothing in and formats no number (tests/oracle holds the same texts to Go)."""

from __future__ import annotations

import random

import pytest

from orchctl.validation.expressions import analyse, analyse_compiling
from orchctl.validation.plain import is_plain

NAMES = (
    "status",
    "type",
    "id",
    "metadata",
    "shop",
    "amount",
    "a",
    "_x",
    "X1",
    "a$",
    "é",
    "in",
    "not",
    "true",
    "false",
    "nil",
    "and",
    "or",
    "if",
    "else",
    "let",
    "matches",
    "contains",
    "startsWith",
    "endsWith",
    "len",
    "string",
    "now",
    "date",
    "abs",
    "type2",
    "in_",
    "nil0",
)
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "=", "===", "<>", "in", "matches", "not in")
LITERALS = (
    '"SUCCEEDED"',
    "'PAY-IN'",
    '""',
    '"a\\"b"',
    '"é"',
    '"x\\ny"',
    "0",
    "7",
    "123456789",
    "1234567890",
    "99999999999999999999",
    "007",
    "08",
    "1.5",
    "1e3",
    "0x1F",
    "1_000",
    "-1",
    "true",
    "false",
    "nil",
    "True",
    "[1]",
    "event.b",
    "event",
    "nil.x",
    '"a" + "b"',
)
JOINS = ("&&", "||", "and", "or", "&", "|", "??", "", ",")  # the first of each: the language's
SPACES = ("", " ", " ", " ", "\t", "\n", "\r", "\v", "\u00a0", "  ")


class _Pick:
    """Half the texts are drawn from the language's own words (they are mostly plain), the
    others from all of the above (mostly not)."""

    def __init__(self, r: random.Random) -> None:
        self.r = r
        self.clean = r.random() < 0.5

    def __call__(self, words: tuple[str, ...], clean: int) -> str:
        return self.r.choice(words[:clean] if self.clean else words)


def _field(pick: _Pick, r: random.Random) -> str:
    root = pick(("event", "events", "Event", "$env", "e", "event_"), 1)
    return root + "".join(
        pick((".", "?.", "..", ". "), 2) + pick(NAMES, 8) for _ in range(r.randrange(4))
    )


def _comparison(pick: _Pick, r: random.Random) -> str:
    if r.random() < 0.1:
        return _field(pick, r)
    operator, literal = pick(OPERATORS, 6), pick(LITERALS, 13)
    return f"{_field(pick, r)}{pick(SPACES, 6)}{operator}{pick(SPACES, 6)}{literal}"


def _text(r: random.Random) -> str:
    pick = _Pick(r)
    parts = [_comparison(pick, r)]
    for _ in range(r.randrange(4)):
        parts.append(f"{pick(SPACES, 6)}{pick(JOINS, 2)}{pick(SPACES, 6)}{_comparison(pick, r)}")
    text = pick(SPACES, 6) + "".join(parts) + pick(SPACES, 6)
    for _ in range(r.choice((0, 0, 0, 1, 2))):  # a character lost, doubled or stray
        i = r.randrange(len(text) + 1)
        text = r.choice(
            (
                text[:i] + text[i + 1 :],
                text[:i] + text[i : i + 1] * 2 + text[i + 1 :],
                *(text[:i] + c + text[i:] for c in "()[]!.\"'`#"),
            )
        )
    return text


def texts(seed: int, count: int) -> list[str]:
    r = random.Random(seed)
    return [_text(r) for _ in range(count)]


COMMON = [
    'event.status == "SUCCEEDED" && event.type == "PAY-IN" && event.metadata?.shop == "s2950"',
    "event.id",
    "event.metadata.orderID",
    "event.amount > 100 || event.status != 'FAILED'",
    "event.payment?.status == nil",
    "event.in == 1",  # a word operator is a name after a dot; not recognised, still right
]


@pytest.mark.parametrize("text", COMMON)
def test_common_filters_and_vars_agree(text: str) -> None:
    assert analyse(text) == analyse_compiling(text)


def test_common_filters_and_vars_are_plain() -> None:
    assert [is_plain(t) for t in COMMON] == [True, True, True, True, True, False]


def test_every_plain_text_compiles_without_a_finding() -> None:
    plain = [t for t in texts(seed=14, count=20_000) if is_plain(t)]
    wrong = [t for t in plain if analyse_compiling(t) != (None, (), ())]
    assert not wrong, wrong[:10]
    assert len(plain) > 1_000  # the generator reaches the language, not only its outside


def test_near_misses_are_not_plain() -> None:
    for text in (
        "event.a == 1.5",
        "event.a < nil",
        "event.a == true && event.b < false",
        'event.a == "x\\"y"',
        "event.a == 99999999999999999999",
        "event.a == 007",
        "events.a == 1",
        "event.a == 1 and event.b == 2",
        "event.a == 1 &&",
        "(event.a == 1)",
        "event.a\u00a0== 1",
        "event.a$ == 1",
        "event.é == 1",
        "event.a == 1 // note",
    ):
        assert not is_plain(text), text
