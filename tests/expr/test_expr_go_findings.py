"""Disagreements the Go oracle (tests/oracle) found, pinned as plain tests: each answer here is
the one expr-lang v1.17.7 gives, run the way Formance runs it (no Go needed to run these)."""

from __future__ import annotations

from typing import Any

import pytest

from orchctl.expr import ExprCompileError, ExprRuntimeError, compile_expr, stringify
from orchctl.expr.gofmt import go_sprint
from orchctl.expr.values import type_name


def _value(source: str, event: Any = None) -> Any:
    return compile_expr(source).run({"event": event}, go_types=True)


def _compile_error(source: str) -> str:
    with pytest.raises(ExprCompileError) as caught:
        compile_expr(source)
    return caught.value.message


def _run_error(source: str, event: Any = None) -> ExprRuntimeError:
    with pytest.raises(ExprRuntimeError) as caught:
        compile_expr(source).run({"event": event})
    return caught.value


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # nil's type prints as v1.17's "unknown"; a builtin's Validate prints a nil type as %s
        ("nil + 1", "invalid operation: + (mismatched types unknown and int)"),
        ("len(nil)", "invalid argument for len (type %!s(<nil>))"),
        ("values(nil)", "cannot get values from %!s(<nil>)"),
        # "unknown" (no type) and "interface {}" (a map value) print apart
        (
            "event.reference > []",
            "invalid operation: > (mismatched types unknown and []interface {})",
        ),
        (
            "{a: 1}.a > []",
            "invalid operation: > (mismatched types interface {} and []interface {})",
        ),
        # array literals are typed by their elements (and still print []interface {})
        ("filter([1], #)", "predicate should return boolean (got int)"),
        ("get([1, 2, 3], 1).x", "type int has no field x"),
        ("!(1..3)", "invalid operation: ! (mismatched type []interface {})"),
        ('"a"[1]', "type string[int] is undefined"),
        ("let x = 1; x.y", "type int has no field y"),
        # a nil-bodied predicate is not a predicate
        ("filter([], nil)", "predicate should has one input and one output param"),
        ("reduce([], nil, 1)", "predicate should has two input and one output param"),
        # typed builtin results
        ("last(first(split('a', '')))", "cannot get last element from string"),
        ("!(true ? 1 : min([], 1))", "invalid operation: ! (mismatched type int)"),
        ("sum([nil]) > 1", "invalid operation: > (mismatched types unknown and int)"),
        (
            "reduce([1, 2, 3], [], 1) % 1",
            "invalid operation: % (mismatched types []interface {} and int)",
        ),
        ("get(1, 1)", "type int does not support indexing"),
        # arguments are checked as they are visited; an inner call's error is final
        ('hasPrefix(1, "a"[1])', "cannot use int as argument (type string) to call hasPrefix "),
        ("replace(1, join(1, 1), 1)", "too many arguments to call join"),
        ("1 % 0", "integer divide by zero"),  # folded at compile time
        ("1 - [] ?? [1, 2, 3]", "invalid operation: - (mismatched types int and []interface {})"),
        ("map({}, 1)", "builtin map takes only array (got map[string]interface {})"),
        ("get([], nil)", "non-integer slice index unknown"),
        (
            "get(groupBy([], 1), 1) matches 'a'",
            "invalid operation: matches (mismatched types []interface {} and string)",
        ),
    ],
)
def test_checker_answers_as_go(source: str, message: str) -> None:
    assert _compile_error(source) == message


@pytest.mark.parametrize(
    "source",
    [
        "join([1, 2, 3], 'a')",  # any array is taken for []interface {}
        "1 in fromPairs([])",  # map[interface {}]interface {} takes any key
        "sprintf(replace(1, 1, 1))",  # an unknown callee's arguments are not checked
        "sortBy(event?.transactions, 1) + 1",  # sortBy keeps an unknown collection unknown
    ],
)
def test_checker_lets_through_what_go_lets_through(source: str) -> None:
    compile_expr(source)


@pytest.mark.parametrize(
    ("source", "event", "go_type", "var"),
    [
        ("1..3", None, "[]int", "[1 2 3]"),
        ("split('a,b', ',')", None, "[]string", "[a b]"),
        ("fromPairs([['a', 1]])", None, "map[interface {}]interface {}", "map[a:1]"),
        ("groupBy([1], #)", None, "map[interface {}][]interface {}", "map[1:[1]]"),
        ("event.s[0]", {"s": "abc"}, "uint8", "97"),
        ("event.s[0] + 1", {"s": "abc"}, "int", "98"),
        ("event.s[0] + event.s[0]", {"s": "~~"}, "int", "252"),
        ("let x = event.s[0]; -x", {"s": "F"}, "uint8", "186"),
        ("type(event.s[0])", {"s": "a"}, "string", "uint"),
        ("int(event.s[0])", {"s": "a"}, "int", "97"),
        ("findIndex([1, 2], # > 5)", None, "<nil>", "<nil>"),
        ("findLastIndex([1, 2], # > 5)", None, "<nil>", "<nil>"),
        ("event.n && true", {"n": 5}, "float64", "5"),  # the optimizer folds `&& true` away
        ("event.s || true", {"s": "x"}, "bool", "true"),
        ("1_000 ^ 0x1F", None, "float64", "9.999999999999999e+92"),  # Go's math.Pow
        # a fractional exponent: Exp(yf * Log(x)) as Go's amd64 assembly computes them
        ("map(1..3, # ** .25)", None, "[]interface {}", "[1 1.189207115002721 1.3160740129524924]"),
        ("event.x ^ 1.5", {"x": 1e-07}, "float64", "3.1622776601683775e-11"),
        ("46 ** 0.25", None, "float64", "2.6042906871402183"),
        ("6.658434672246023 ** 2.5", None, "float64", "114.40114147512654"),
        ("map(event, 1)", {}, "[]interface {}", "[]"),  # an empty map loops zero times
        ("get(event.n, 1)", {"n": 1}, "<nil>", "<nil>"),
        (
            "string(event)",
            {"a": [10**19, 2**53 + 1]},
            "string",
            "map[a:[1e+19 9.007199254740992e+15]]",
        ),
        ("event && !(true)", None, "bool", "false"),
        ("abs(-1e21 * 0)", None, "float64", "-0"),
        ("first(filter(event.s, true))", {"s": "a"}, "uint8", "97"),
        ("max(1, event.s[0])", {"s": "a"}, "uint8", "97"),
        ("get(event.s, 1)", {"s": "ab"}, "uint8", "98"),
    ],
)
def test_values_answer_as_go(source: str, event: Any, go_type: str, var: str) -> None:
    value = _value(source, event)
    assert type_name(value) == go_type
    assert stringify(value) == var


@pytest.mark.parametrize(
    ("source", "event", "message"),
    [
        ("int('a')", None, "invalid operation: int(a)"),
        ("float(' x ')", None, "invalid operation: float( x )"),
        ("int(event.x)", {}, "reflect: call of reflect.Value.Type on zero Value"),
        ("foo()", None, "invalid operation: cannot call nil"),
        ("event ^ 1", None, "invalid operation: float(<nil>)"),
        (
            "event.x matches 'a'",
            {"x": 1},
            "interface conversion: interface {} is float64, not []uint8",
        ),
        ("sum(['a'])", None, "invalid operation: string + int"),
        ("toJSON(groupBy([], 1))", None, "json: unsupported type: map[interface {}][]interface {}"),
        ("join(1..3, 'a')", None, "invalid argument for join (type []int)"),
        ("join(event.x, 'a')", {}, "invalid argument for join (type %!s(<nil>))"),
        ("groupBy([{}], #)", None, "hash of unhashable type: map[string]interface {}"),
        (
            "groupBy([1, {}], #)",
            None,
            "runtime error: hash of unhashable type map[string]interface {}",
        ),
        ("[] in fromPairs([])", None, "hash of unhashable type: []interface {}"),
        (
            "get(event, 1)",
            {},
            "reflect.Value.MapIndex: value of type int is not assignable to type string",
        ),
        ("get([], event)", {}, "invalid operation: int(map[string]interface {})"),
        (
            "event.n in ['a', 'b']",
            {"n": 5},
            "reflect.Value.MapIndex: value of type float64 is not assignable to type string",
        ),
        ("event.s[0][1:]", {"s": "ab"}, "invalid argument for len (type uint8)"),
        ("find(event.b, # == 1)", {"b": True}, "reflect: call of reflect.Value.Len on bool Value"),
        ("last([1.5, 2] | filter(#))", None, "interface conversion: interface {} is int, not bool"),
    ],
)
def test_run_errors_answer_as_go(source: str, event: Any, message: str) -> None:
    assert _run_error(source, event).message == message


@pytest.mark.parametrize(
    ("source", "formance"),
    [
        # expr wraps a Go error value and Formance unwraps it: no position
        ("duration('x')", 'time: invalid duration "x"'),
        ("max([1, '2'])", "invalid argument for max (type string)"),
        ("filter(1..9, # > 9)[0]", "reflect: slice index out of range"),
        # a formatted message has nothing to unwrap: the position stays
        ("[1][5]", "index out of range: 5 (array length is 1) (1:4)\n | [1][5]\n | ...^"),
        ("int('a')", "invalid operation: int(a) (1:1)\n | int('a')\n | ^"),
    ],
)
def test_formance_message_unwraps_as_formance_does(source: str, formance: str) -> None:
    error = _run_error(source)
    assert error.formance_message == formance
    assert str(error).startswith(error.message + " (1:")  # expr's own text keeps the position


def test_a_folded_operand_takes_the_operators_position() -> None:
    error = _run_error("false || event.x.y", {})
    assert (error.line, error.column) == (1, 7)


def test_if_expression_errors_point_at_1_1_as_expr_does() -> None:
    with pytest.raises(ExprCompileError) as caught:
        compile_expr("filter(if true { 1 } else { 1 }, 1)")
    assert (caught.value.line, caught.value.column) == (1, 1)


# expr-lang v1.17.7's findLast/findLastIndex leave their loop's `index >= 0` bools on the VM
# stack (compiler.go emitLoopBackwards); an op popping several values takes them. Every
# expected answer below is the Go oracle's (tests/oracle, expr-lang v1.17.7).
@pytest.mark.parametrize(
    ("source", "sprint"),
    [
        ("[1, findLast([1,2], # > 5)]", "[false <nil>]"),
        ("[1, 1, findLast([], true)]", "[1 false <nil>]"),
        ("[1, [2, findLast([1,2,3], # == 2)]]", "[true [true 2]]"),
        ("[findLast([1],true), 1, last(filter([1,2], # > 1))]", "[1 true 2]"),
        ("[1, findLast([1, 2], findLast([true], true))]", "[true 2]"),
        ("map([1,2], findLast([1], true))", "[true 1]"),  # OpArray pops the top len
        ("filter([1,2], findLast([true], true))", "[true 2]"),  # OpArray pops the top count
        ("findLast([1, 2], # > 5)", "<nil>"),  # alone, the stale values stay invisible
    ],
)
def test_findlast_stale_stack_values_reach_a_multi_operand_node(source: str, sprint: str) -> None:
    assert go_sprint(_value(source)) == sprint


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 + findLastIndex([1], true)", "invalid operation: bool + int"),
        ("1 * findLastIndex([], true)", "invalid operation: bool * <nil>"),
        ("findLast([1],true) + findLast([2], true)", "invalid operation: bool + int"),
        ("{a: findLast([], true)}", "interface conversion: interface {} is bool, not string"),
        (
            'hasPrefix("a", findLast([], true))',
            "interface conversion: interface {} is bool, not string",
        ),
        ("[1,2,3][1:findLastIndex([1], true)]", "cannot slice 1"),
        # OpMap pops the pairs and asserts each key from the last pair back
        (
            "{c: 1, amount: findLast([], true), a: 1}",
            "interface conversion: interface {} is bool, not string",
        ),
        ("[1,2,3][findLastIndex([1], true):]", "cannot slice 0"),  # `to` is OpLen of the array
    ],
)
def test_findlast_stale_stack_values_make_the_enclosing_op_fail(source: str, message: str) -> None:
    assert _run_error(source).message == message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 == findIndex([], true)", "interface conversion: interface {} is nil, not int"),
        ("findIndex([], true) == 1", "interface conversion: interface {} is nil, not int"),
        ("1 != findLastIndex([1], false)", "interface conversion: interface {} is bool, not int"),
        ('"a" == findLast(["a"], false)', "interface conversion: interface {} is bool, not string"),
    ],
)
def test_equality_of_two_ints_or_strings_asserts_both_as_opequalint_does(
    source: str, message: str
) -> None:
    assert _run_error(source).message == message


def test_typed_equality_still_compares() -> None:
    assert _value("1 == count([], true)") is False
    assert _value('"a" != trim(" a ")') is False


@pytest.mark.parametrize(
    "source", ["sort(event)", 'sort(event.missing, "desc")', "sort(event.a)", 'sort(event, "asc")']
)
def test_sort_of_anything_but_an_array_is_an_empty_array(source: str) -> None:
    # builtin.go's sort copies only []any/[]int/[]float64/[]string; anything else sorts nothing
    result = _value(source, {"a": 1})
    assert (type_name(result), go_sprint(result)) == ("[]interface {}", "[]")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("sort(nil)", "cannot use nil as argument (type []int) to call sort"),
        ("join(nil)", "cannot use nil as argument (type []string) to call join"),
    ],
)
def test_nil_is_no_array_argument(source: str, message: str) -> None:
    assert _compile_error(source) == message


@pytest.mark.parametrize("source", ['sort(event, "x")', 'sort([1], "x")'])
def test_sort_order_error_is_a_wrapped_go_error(source: str) -> None:
    error = _run_error(source, {"a": 1})
    assert error.formance_message == "invalid order x, expected asc or desc"


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        # optimizer/sum_array.go: sum([a, b, c]) is a + (b + c); the inner additions have
        # expr's zero location, the outer one sum's
        ("sum([1, 1, []])", "invalid operation: int + []interface {}", 1),
        ("sum([[], 1])", "invalid operation: []interface {} + int", 1),
        ("[sum([1, 1, nil])]", "invalid operation: int + <nil>", 1),
        ("[sum([nil, 1, 1])]", "invalid operation: <nil> + int", 2),
        ("sum([nil, 2 == 2])", "invalid operation: <nil> + bool", 1),
        # an array fold.go makes a constant is summed by the builtin (the total on the right)
        ('sum([1+1, -2, "a" + "b"])', "invalid operation: string + int", 1),
    ],
)
def test_sum_of_an_array_literal_is_right_nested_additions(
    source: str, message: str, column: int
) -> None:
    error = _run_error(source)
    assert (error.message, error.column) == (message, column)


def test_sum_of_an_array_literal_adds_strings() -> None:
    assert _value('sum(["a", event.s, "b"])', {"s": "x"}) == "axb"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # compiler.go compiles reduce's initial value and sortBy's order after OpBegin: their
        # `#` is the inner array's first element, `#index` 0, whatever predicate encloses them
        ("map([10, 20], reduce([1, 2], #acc + #, #))", "[4 4]"),
        ("map([10, 20], reduce([1, 2], #acc + #, #index))", "[3 3]"),
        ("map([10, 20], reduce([], #acc + #, #index))", "[0 0]"),
        ('map(["asc"], sortBy(["desc", "asc"], #, #))', "[[desc asc]]"),
    ],
)
def test_initial_value_and_order_read_the_inner_loop(source: str, expected: str) -> None:
    assert go_sprint(_value(source)) == expected


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        ("map([10, 20], reduce([], #acc + #, #))", "reflect: slice index out of range", 36),
        ('map(["asc"], sortBy([], #, #))', "reflect: slice index out of range", 28),
        ("reduce([10, 20], reduce([5], #acc + #, #acc), 1)", "invalid operation: <nil> + int", 35),
        # OpCreate takes sortBy's order before the loop, with vm.go's own text
        ('sortBy([1, "a"], # + 1, "x")', "unknown order, use asc or desc", 1),
    ],
)
def test_initial_value_and_order_fail_as_the_vm_does(
    source: str, message: str, column: int
) -> None:
    error = _run_error(source)
    assert (error.message, error.column) == (message, column)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # reflect.Value.Len works on a map: a loop over one runs len(map) times and fails only
        # where OpPointer, OpGroupBy or OpSortBy index it
        ("filter(event, false)", "[]"),
        ("map(event, 1)", "[1 1]"),
        ("all(event, true)", "true"),
        ("sum(event, 1)", "2"),
        ("reduce(event, #acc, 5)", "5"),
        ("filter(map(1..2, event), any(#, true))", "[map[a:1 b:2] map[a:1 b:2]]"),
    ],
)
def test_a_loop_over_a_map_never_indexes_it_unless_it_reads_an_element(
    source: str, expected: str
) -> None:
    assert go_sprint(_value(source, {"a": 1, "b": 2})) == expected


@pytest.mark.parametrize(
    "source",
    [
        "filter(event, true)",
        "map(event, #)",
        "any(event, # > 1)",
        "groupBy(event, 1)",
        "sortBy(event, 1)",
        "reduce(event, 1)",
        "sum(event)",
        "count(event)",
    ],
)
def test_reading_an_element_of_a_map_fails_as_reflect(source: str) -> None:
    error = _run_error(source, {"a": 1, "b": 2})
    assert error.formance_message == "reflect: call of reflect.Value.Index on map Value"


def test_a_map_loop_fails_where_it_reads_not_before() -> None:
    # reduce's initial value runs before any element is read
    error = _run_error("reduce(event, 1, findLastIndex(concat([1, 2, 3], []), #[0]))", {"a": 1})
    assert (error.message, error.column) == ("cannot fetch 0 from int", 56)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # optimizer/filter_map.go: filter(a, p) | map(q) is one loop yielding q per match,
        # so a map's elements are never indexed; filter_first/filter_last keep the Map
        ("event | filter(true) | map(1)", "[1]"),
        ("first(event | filter(true) | map([]))", "[]"),
        ("last([1, 2, 3] | filter(# > 1) | map(# * 10))", "30"),
        ("([1, 2, 3] | filter(# > 1) | map(# * 10))[0]", "20"),
        ("[1, 2, 3] | filter(# > 1) | map(#index)", "[0 1]"),  # `#index` blocks the fusion
    ],
)
def test_filter_then_map_is_one_loop(source: str, expected: str) -> None:
    assert go_sprint(_value(source, {"a": 1})) == expected


def test_fused_filter_map_fails_where_the_fused_loop_does() -> None:
    error = _run_error("last([1.5, 2] | filter(#?.x) | map(1))")
    assert (error.message, error.column) == ("cannot fetch x from int", 27)
    error = _run_error("filter(event, true) | map(#)", {"a": 1})
    assert error.formance_message == "reflect: call of reflect.Value.Index on map Value"


def test_filter_of_filter_is_one_loop_with_both_predicates() -> None:
    # fold.go: filter(filter(a, p), q) is filter(a, p && q), so q runs on 2 before p on "a"
    error = _run_error('filter(filter([2, "a"], # == 2 || # > 1), # > "b")')
    assert (error.message, error.column) == ("invalid operation: int > string", 45)
    assert go_sprint(_value("[1, 2, 3] | filter(# > 1) | filter(# < 3) | map(# * 2)")) == "[4]"


def test_fused_filter_map_keeps_the_stale_values_its_map_leaves() -> None:
    # the fused loop's OpArray pops `count` values, stale findLast bools included
    assert go_sprint(_value("[1, 2] | filter(true) | map(findLast([1], true))")) == "[true 1]"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("event.asset[0] matches [] ?? 1", "interface {} is []interface {}, not string"),
        ('"2.5" matches (findLast([1], {false})) ?? false', "interface {} is bool, not string"),
    ],
)
def test_matches_asserts_its_pattern_before_its_subject(source: str, message: str) -> None:
    # vm.go OpMatches: regexp.Match(b.(string), a.([]byte)) asserts the pattern first
    assert _run_error(source, {"asset": "COIN"}).message == f"interface conversion: {message}"


@pytest.mark.parametrize(
    ("source", "event", "go_type", "var"),
    [
        # Go slices strings by bytes; a byte that is not valid UTF-8 prints as U+FFFD once
        # the variable travels as JSON
        ('"é"[1:2]', None, "string", "\ufffd"),
        ('"é"[-1:10]', None, "string", "\ufffd"),
        ("event.s[:-1]", {"s": "a€"}, "string", "a\ufffd\ufffd"),
        ("event.s[2:]", {"s": "aé"}, "string", "\ufffd"),
        ('len("é"[1:2])', None, "int", "1"),  # expr's len counts runes; a bad byte is one
        ("len(event.s[:-1])", {"s": "a€"}, "int", "3"),
        ("event.s[:-1][1]", {"s": "a€"}, "uint8", "226"),
        ('"é"[0:1] + "é"[1:2] == "é"', None, "bool", "true"),  # the bytes join again
        ("event.s[:-1] + event.s[3:]", {"s": "a€"}, "string", "a€"),
        ('join(["é"[:1], "é"[1:]]) == "é"', None, "bool", "true"),
        ('"é"[1:2] < "z"', None, "bool", "false"),  # bytes compare: 0xA9 > 'z'
        ('"é"[1:2] < "é"', None, "bool", "true"),  # 0xA9 < 0xC3
        ('["é"[1:2]]', None, "[]interface {}", "[\ufffd]"),
        ('{a: "é"[1:2]}', None, "map[string]interface {}", "map[a:\ufffd]"),
        ('toJSON("é"[1:2])', None, "string", '"\\ufffd"'),
        ('upper("é"[0:1])', None, "string", "\ufffd"),
        ("len(upper(event.s[:-1]))", {"s": "a€"}, "int", "3"),
        ("toBase64(event.s[:-1])", {"s": "a€"}, "string", "YeKC"),
        ('fromBase64("ww==") + fromBase64("qQ==") == "é"', None, "bool", "true"),
        ('"é" contains "é"[1:]', None, "bool", "true"),
        ('hasPrefix("é", "é"[0:1])', None, "bool", "true"),
        ('replace("é", "é"[1:], "x")', None, "string", "\ufffdx"),
        ('replace("é"[1:], "", "x")', None, "string", "x\ufffdx"),
        ('split("éa", "é"[1:])', None, "[]string", "[\ufffd a]"),
        ('repeat("é"[1:], 2)', None, "string", "\ufffd\ufffd"),
        ("indexOf(event.s, event.s[2:])", {"s": "a€"}, "int", "2"),
        # strings.Index answers a byte offset, also for valid UTF-8
        ('indexOf("é1", "1")', None, "int", "2"),
        ('lastIndexOf("é1é1", "1")', None, "int", "5"),
    ],
)
def test_strings_are_bytes_as_in_go(source: str, event: Any, go_type: str, var: str) -> None:
    value = _value(source, event)
    assert type_name(value) == go_type
    assert stringify(value) == var
