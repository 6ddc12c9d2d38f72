"""More disagreements the Go oracle (tests/oracle) found, pinned as plain tests: the checker's
types for conditionals, filter and map keys, the order Go's sort.Sort compares in, the order
builtins assert their arguments in, and Go's whitespace. Each answer is expr-lang v1.17.7's,
run the way Formance runs it (no Go needed to run these)."""

from __future__ import annotations

from typing import Any

import pytest

from orchctl.expr import ExprCompileError, ExprRuntimeError, compile_expr
from orchctl.expr.gofmt import go_sprint
from orchctl.expr.gosort import go_sort
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


# --- the checker (checker.go conditionalNode, arrayNode, filter, `in`) ---


@pytest.mark.parametrize(
    ("source", "sprint"),
    [
        # two arrays whose elements are not assignable both ways: a plain []interface {}
        ('sortBy(false ? ["a", "b"] : [], #.x)', "[]"),
        ('true ? ["a"] : [1]', "[a]"),
        # nil elements are assignable to no untyped element: a plain []interface {} too
        ("(true ? [nil] : [nil])[0] in {}", "false"),
        # filter makes a []interface {} of the elements' type; last() of it is interface{}
        ('sortBy(last(filter(split("a", "a"), true)), 1)', "[]"),
        # an element typed interface{} (a map value) and nil are of different reflect kinds
        ("[{}.a, nil][0] in {}", "false"),
        # a groupBy map's key is interface{}: nil is assignable to it
        ("nil in groupBy([], 1)", "false"),
    ],
)
def test_checker_types_as_go(source: str, sprint: str) -> None:
    assert go_sprint(_value(source)) == sprint


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # same-typed arrays keep their element type
        ('sortBy(true ? ["a", "b"] : ["c"], #.x)', "type string has no field x"),
        ("(true ? [1] : [2])[0] + 'a'", "invalid operation: + (mismatched types int and string)"),
        # filter's result is a []interface {}, not the []string it filtered
        (
            'split("a", "a") | filter(true) >= 1',
            "invalid operation: >= (mismatched types []interface {} and int)",
        ),
        # nil (and an element typed nil) is not assignable to a map literal's string key
        ("sum([nil]) not in {}", "cannot use unknown as type string in map key"),
        ("nil in {}", "cannot use unknown as type string in map key"),
        ("find([nil], true) in {}", "cannot use unknown as type string in map key"),
        # []string and []interface {} are not assignable: the conditional is unknown, but two
        # []string stay []string
        (
            '(true ? split("a", "b") : split("a", "c")) + 1',
            "invalid operation: + (mismatched types []string and int)",
        ),
    ],
)
def test_checker_refuses_as_go(source: str, message: str) -> None:
    assert _compile_error(source) == message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # elements of different types: # is unknown, the failure comes at run time
        ('sortBy(true ? ["a", "b"] : [], #.x)', "invalid operation: int(string)"),
        ('map(true ? ["a", "b"] : [1], #.x)', "invalid operation: int(string)"),
        ("(true ? [1] : [1.5])[0] + 'a'", "invalid operation: int + string"),
        ('(true ? split("a", "b") : []) + 1', "invalid operation: []string + int"),
        ('(true ? [] : split("a", "b")) + 1', "invalid operation: []interface {} + int"),
    ],
)
def test_untyped_conditionals_fail_at_run_time_as_go(source: str, message: str) -> None:
    assert _run_error(source).message == message


# --- sort.Sort: pdqsort's comparisons and its order of equal keys ---


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # insertion sort: Less(1, 1e21) swaps them, then Less([], 1e21) fails
        ("sortBy([1e21, 1, []], #)", "invalid operation: []interface {} < float64"),
        ("sort([1e21, 1, []])", "invalid operation: []interface {} < float64"),
        ('sort([1e21, 1, []], "desc")', "invalid operation: int < []interface {}"),
        ('sortBy([1e21, 1, []], #, "desc")', "invalid operation: int < []interface {}"),
        ("sort(concat(1..20, 20..1, [nil]))", "invalid operation: <nil> < int"),
    ],
)
def test_sort_compares_in_go_order(source: str, message: str) -> None:
    assert _run_error(source).message == message


@pytest.mark.parametrize(
    ("source", "sprint"),
    [
        # more than 12 elements: pdqsort is not stable
        (
            "sortBy(1..30, # % 3)",
            "[12 30 3 27 24 6 21 18 9 15 22 7 13 28 10 16 4 25 19 1 20 11 23 5 8 26 17 14 29 2]",
        ),
        (
            'sortBy(1..30, # % 3, "desc")',
            "[11 2 29 26 5 23 20 8 17 14 22 7 13 10 28 16 4 25 19 1 21 12 6 24 18 9 27 15 3 30]",
        ),
        (
            "sortBy(map(1..60, # * 37 % 61), # % 5)",
            "[10 60 50 45 35 25 15 20 40 55 30 5 16 41 6 31 51 56 1 46 26 21 36 11 12 27 2 22 57 "
            "37 52 7 32 47 42 17 38 58 43 48 53 13 3 23 18 33 28 8 19 49 44 4 9 39 34 59 14 29 54 "
            "24]",
        ),
        # twelve or fewer: insertion sort, stable
        ("sortBy(1..12, # % 2)", "[2 4 6 8 10 12 1 3 5 7 9 11]"),
    ],
)
def test_equal_keys_come_out_in_pdqsort_order(source: str, sprint: str) -> None:
    assert go_sprint(_value(source)) == sprint


def test_go_sort_sorts_large_inputs_through_every_branch() -> None:
    # heapSort (limit exhausted), breakPatterns, partitionEqual and the reversed hint all run
    # on these; whatever path they take, the answer is sorted and a permutation.
    for keys in (
        [i % 7 for i in range(500)],
        list(range(300, 0, -1)),
        [(i * 7919) % 1009 for i in range(2000)],
        [0] * 100 + [1] * 100,
    ):
        perm = go_sort(len(keys), lambda i, j, keys=keys: keys[i] < keys[j])
        assert sorted(perm) == list(range(len(keys)))
        assert [keys[i] for i in perm] == sorted(keys)


# --- builtins assert their arguments in Go's order ---


@pytest.mark.parametrize(
    ("source", "event", "message"),
    [
        ("trim(1 ?? [], event?.sourceAccountID)", {}, "interface {} is int, not string"),
        ("trim(event.a, event.b)", {"a": True, "b": 2.5}, "interface {} is bool, not string"),
        # split asserts both strings before runtime.ToInt of its count
        (
            "split(event.a, event.b, event.c)",
            {"a": True, "b": 2.5, "c": "x"},
            "interface {} is bool, not string",
        ),
        (
            "splitAfter(event.a, event.b, event.c)",
            {"a": "s", "b": 2.5, "c": "x"},
            "interface {} is float64, not string",
        ),
        # findLast's stale `false` on the VM stack is trim's first argument
        ('trim("a", findLast([], true))', {}, "interface {} is bool, not string"),
    ],
)
def test_builtins_assert_arguments_in_go_order(source: str, event: Any, message: str) -> None:
    assert _run_error(source, event).message == "interface conversion: " + message


# --- unicode.IsSpace, and encoding/json's errors ---


def test_trim_strips_what_go_calls_space() -> None:
    assert _value('trim("\\x1fa\\x1c")') == "\x1fa\x1c"
    assert _value('trim(" \\t\\n\\v\\f\\ra\\u0085\\u00a0\\u2000\\u3000")') == "a"
    assert _value('trim("\\u200ba")') == "\u200ba"


def test_the_lexer_skips_what_go_calls_space() -> None:
    assert _value("1 +\u00a0\u3000 2") == 3
    assert _compile_error("1 +\x1c 2") == "unrecognized character: U+001C"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "unexpected end of JSON input"),
        ("1\x1c", "invalid character '\\x1c' after top-level value"),
        ("\x1c", "invalid character '\\x1c' looking for beginning of value"),
        # the byte at the error: a non-ASCII character's first UTF-8 byte
        ("\u00a0", "invalid character 'Â' looking for beginning of value"),
        ("1\u3000", "invalid character 'ã' after top-level value"),
        # scanner.go's states, and the space its eof() feeds
        ('"a', "unexpected end of JSON input"),
        ("tru", "invalid character ' ' in literal true (expecting 'e')"),
        ("nan", "invalid character 'a' in literal null (expecting 'u')"),
        ("1.", "invalid character ' ' after decimal point in numeric literal"),
        ("1ea", "invalid character 'a' in exponent of numeric literal"),
        ("-a", "invalid character 'a' in numeric literal"),
        ('"\\x"', "invalid character 'x' in string escape code"),
        ('"\\u12"', "invalid character '\"' in \\u hexadecimal character escape"),
        ('"\t"', "invalid character '\\t' in string literal"),
        ("{1:2}", "invalid character '1' looking for beginning of object key string"),
        ('{"a" 1}', "invalid character '1' after object key"),
        ('{"a":1 "b":2}', "invalid character '\"' after object key:value pair"),
        ("[1 2]", "invalid character '2' after array element"),
        ("[" * 11000, "invalid character '[' exceeded max depth"),
        ("NaN", "invalid character 'N' looking for beginning of value"),
        ("[1e400, 1e500]", "json: cannot unmarshal number 1e400 into Go value of type float64"),
    ],
)
def test_from_json_errors_are_go_s(text: str, message: str) -> None:
    error = _run_error("fromJSON(event.s)", {"s": text})
    assert error.message == message
    assert error.formance_message == message  # a Go error value: Formance reports it bare


@pytest.mark.parametrize(
    ("text", "sprint"),
    [
        ('"\\ud800A"', "\ufffdA"),  # a lone surrogate escape is U+FFFD
        ('"\\ud83d\\ude00"', "\U0001f600"),
        ('{"\\ud800":1,"\\udc00":2}', "map[\ufffd:2]"),  # both keys are U+FFFD: last wins
        ("-0", "-0"),
        ("123456789012345678901234567890", "1.2345678901234568e+29"),
    ],
)
def test_from_json_values_are_go_s(text: str, sprint: str) -> None:
    assert go_sprint(_value("fromJSON(event.s)", {"s": text})) == sprint


def test_from_json_makes_an_invalid_byte_u_fffd() -> None:
    assert _value('fromJSON("\\"" + "é"[1:2] + "\\"")') == "\ufffd"


def test_type_names_hold() -> None:
    assert type_name(_value('sortBy(false ? ["a", "b"] : [], #.x)')) == "[]interface {}"


# --- the optimizer (optimizer.go's passes, orchctl/expr/fold.py) ---


@pytest.mark.parametrize(
    ("source", "event", "sprint"),
    [
        # fold.go: `1 == 1` is true, then `x or true` is true without reading x
        ("event.missing or 1 == 1", {}, "true"),
        ('event.amount?.x and "a" == "a"', {}, "<nil>"),
        ("9223372036854775807 + 1", None, "-9223372036854775808"),
        # in_array.go: a set of the literals as written; nil looks up the zero key
        ('event.missing in ["", "a"]', {}, "true"),
        ("findIndex([], true) in [0, 1]", None, "true"),
        ("findLastIndex([], true) in [0, 1]", None, "true"),
        ("findIndex([], true) in [1, 2]", None, "false"),
        ("-1 in [-1, 2]", None, "true"),  # -1 is folded after in_array: a plain array
        # filter_len.go: len(filter(a, p)) is count(a, p): no element read, no map run
        ('len(["a", "b"] | filter(true) | map(event.transactions[-1]))', {}, "2"),
        ("len(filter(event, true))", {"a": 1}, "1"),
        # predicate_combination.go: one loop; `event?.a` is another collection
        ('all(event.a, # < 2) && all(event?.a, # + "a" == "")', {"a": [1, 2]}, "false"),
        ("sum(map(event, 1))", {"a": 1}, "1"),  # sum_map.go: sum(a, q)
        ("len(event) in -1..3", {}, "true"),
    ],
)
def test_optimizer_rewrites_as_go(source: str, event: Any, sprint: str) -> None:
    assert go_sprint(_value(source, event)) == sprint


@pytest.mark.parametrize(
    ("source", "event", "message"),
    [
        # in_range.go: `x in 1..3` on an int is `x >= 1 and x <= 3` at expr's zero location
        ("findLastIndex([], true) not in 1..3", None, "invalid operation: <nil> >= int (1:1)"),
        ("get([len(values({}))], 1) in 1..3", None, "invalid operation: <nil> >= int (1:1)"),
        # predicate_combination.go: p && q per element, so q fails on the first one
        (
            'all(event.a, # < 2) && all(event.a, # + "a" == "")',
            {"a": [1, 2]},
            "invalid operation: float64 + string (1:39)",
        ),
        (
            'none(event.a, # > 1) && none(event.a, # + "a" == "")',
            {"a": [1, 2]},
            "invalid operation: float64 + string (1:41)",
        ),
        ("sum(map(event, #))", {"a": 1}, "reflect: call of reflect.Value.Index on map Value"),
    ],
)
def test_optimizer_fails_where_go_does(source: str, event: Any, message: str) -> None:
    error = _run_error(source, event)
    assert error.formance_message.split("\n")[0] == message


@pytest.mark.parametrize(
    ("source", "loc"),
    [("+1 % 0", 3), ("-1 % 0", 3), ("1 % -0", 2), ("(1+1) % (1-1)", 6)],
)
def test_a_folded_zero_modulus_is_a_compile_error(source: str, loc: int) -> None:
    with pytest.raises(ExprCompileError) as caught:
        compile_expr(source)
    assert caught.value.message == "integer divide by zero"
    assert caught.value.column == loc + 1


def test_in_array_takes_the_literals_as_written() -> None:
    assert _compile_error('1 in ["a" + "b"]') == "cannot use int as type string in array"
    assert _value('"ab" in ["a" + "b"]') is True


# --- numbers ---


@pytest.mark.parametrize(
    ("source", "sprint"),
    [("ceil(-0.5)", "-0"), ("ceil(0.1 - 1)", "-0"), ("floor(-0.0)", "-0"), ("floor(0.5)", "0")],
)
def test_ceil_and_floor_keep_the_sign_of_zero(source: str, sprint: str) -> None:
    assert go_sprint(_value(source)) == sprint


def test_power_converts_each_side_as_runtime_to_float64() -> None:
    error = _run_error("event.provider[0] ^ event", {"provider": "WISE"})
    assert error.message == "invalid operation: float(map[string]interface {})"
    # a byte is a number to it (Go's math.Pow's answer, not C's)
    assert go_sprint(_value("event.p[0] ** event.p[1]", {"p": "WI"})) == "3.845080540776459e+141"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # Validate sees reflect types: an unknown argument is interface{}, and so is abs's result
        (
            "[] / abs(event?.amount)",
            "invalid operation: / (mismatched types []interface {} and interface {})",
        ),
        (
            "abs(event) + [1]",
            "invalid operation: + (mismatched types interface {} and []interface {})",
        ),
        # the map literal's string key takes no nil; groupBy's interface{} key takes it
        ("get({}, nil)", "cannot use unknown to get an element from map[string]interface {}"),
    ],
)
def test_builtin_results_are_typed_as_go(source: str, message: str) -> None:
    assert _compile_error(source) == message


def test_get_of_an_interface_keyed_map_takes_nil() -> None:
    assert _value("get(fromPairs([]), nil)") is None
    assert _value("get(groupBy([], 1), [nil][0])") is None


@pytest.mark.parametrize(
    ("source", "event", "message"),
    [
        (
            'repeat("a", -1)',
            None,
            "invalid argument for repeat (expected positive integer, got -1)",
        ),
        ("take(event, 1) + 1", {}, "cannot take from map"),
        ("take([1], event)", {}, "cannot take map elements"),
        ("fromPairs([1])", None, "invalid pair 1"),
        (
            "bitand(1, event)",
            {},
            "cannot use map[string]interface {} as argument (type int) to call bitand",
        ),
    ],
)
def test_builtin_go_errors_are_reported_bare(source: str, event: Any, message: str) -> None:
    assert _run_error(source, event).formance_message == message


# --- equality and order (runtime.Equal, runtime.Less, reflect.DeepEqual) ---


@pytest.mark.parametrize(
    ("source", "event", "sprint"),
    [
        # an int meets a float64 as float64(x)
        ("9223372036854775807 != float(9223372036854775807)", None, "false"),
        ("9223372036854775807 < float(9223372036854775807)", None, "false"),
        ("9007199254740993 > 9007199254740992.0", None, "false"),
        ("event.a == 9007199254740993", {"a": 9007199254740992}, "true"),
        ("9007199254740993 == 9007199254740992", None, "false"),  # two ints: exact
        ("[9007199254740993] == [9007199254740992]", None, "false"),
        # maps are reflect.DeepEqual: the same types all the way down
        ('{"a": 1} == {"a": 1.0}', None, "false"),
        ('event == {"a": 1}', {"a": 1}, "false"),  # the payload's 1 is a float64
        ('event == {"a": 1.0}', {"a": 1}, "true"),
        ('{"a": 1..2} == {"a": [1, 2]}', None, "false"),  # []int is not []interface {}
        ('[{"a": 1}] == [{"a": 1.0}]', None, "false"),
        ("[[1]] == [[1.0]]", None, "true"),  # arrays are runtime.Equal element by element
        ("{} != (false ? 1 : fromPairs([]))", None, "true"),
    ],
)
def test_equality_and_order_as_go(source: str, event: Any, sprint: str) -> None:
    assert go_sprint(_value(source, event)) == sprint


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "{} == fromPairs([])",
            "invalid operation: == (mismatched types map[string]interface {} and "
            "map[interface {}]interface {})",
        ),
        # ?? is the left type only when the right is assignable to it; first() is interface{}
        (
            "(first([]) ?? event?.links[0].name) + []",
            "invalid operation: + (mismatched types unknown and []interface {})",
        ),
        # slicing an unknown is unknown
        (
            'get({}, "a")[1:] endsWith 1',
            "invalid operation: endsWith (mismatched types unknown and int)",
        ),
    ],
)
def test_checker_types_these_as_go(source: str, message: str) -> None:
    assert _compile_error(source) == message


def test_a_conditional_of_int_and_float_is_unknown() -> None:
    # 2.5 is not assignable to int: (1 ?? 2.5) is unknown and + fails at run time
    assert _run_error("(1 ?? 2.5) + 'a'").message == "invalid operation: int + string"


def test_abs_keeps_a_byte() -> None:
    assert type_name(_value("abs(event.p[0])", {"p": "W"})) == "uint8"


# --- nil slices: concat of no elements, sort of no array ---


@pytest.mark.parametrize(
    ("source", "event", "sprint"),
    [
        ("concat([], []) ?? 1", None, "1"),  # runtime.IsNil
        ("concat([]) == nil", None, "true"),
        ("concat([]) == []", None, "true"),
        ('{"a": concat([])} == {"a": []}', None, "false"),  # DeepEqual: nil is not empty
        ("toJSON(concat([], []))", None, "null"),
        ("toJSON([concat([])])", None, "[\n  null\n]"),
        ("(false ? 1 : concat([]))?.x", None, "<nil>"),
        ('(false ? 1 : concat([])) contains "a"', None, "false"),
        ("concat([])", None, "[]"),  # fmt prints it as any empty slice
        ('toJSON(sort(event?.accountMetadata["missing"]))', {"accountMetadata": {}}, "null"),
        ("concat(1..2) ?? 1", None, "[1 2]"),
    ],
)
def test_nil_slices_are_nil_where_go_checks(source: str, event: Any, sprint: str) -> None:
    assert go_sprint(_value(source, event)) == sprint


def test_a_nil_slice_is_still_typed_and_evaluated_lazily() -> None:
    assert type_name(_value("concat([])")) == "[]interface {}"
    # `??` evaluates its right side for a nil slice: the assertion there fails
    error = _run_error('concat([], []) ?? replace(event, "a", "a")', {})
    assert (
        error.message == "interface conversion: interface {} is map[string]interface {}, not string"
    )


# --- regexp and invalid UTF-8 (a string cut inside a character) ---


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ('"é"[-1:2]', "invalid UTF-8: `\udca9`"),
        ('"a" + "é"[1:2] + "b"', "invalid UTF-8: `\udca9b`"),
        ('"(" + "é"[1:2]', "invalid UTF-8: `\udca9`"),  # Go reads on into the byte
        ('"\\\\x{" + "é"[1:2]', "invalid UTF-8: `\udca9`"),
        ('"(?P<" + "é"[1:2] + ">a)"', "invalid UTF-8: `\udca9`"),  # the name's own check
        ('")" + "é"[1:2]', "unexpected ): `)\udca9`"),  # an error before the byte wins
        ('"\\\\q" + "é"[1:2]', "invalid escape sequence: `\\q`"),
    ],
)
def test_a_pattern_with_an_invalid_byte_fails_as_go(pattern: str, message: str) -> None:
    error = _run_error(f'"a" matches {pattern}')
    assert error.message == "error parsing regexp: " + message


@pytest.mark.parametrize(
    ("source", "matched"),
    [
        ('"é"[0:1] matches "\\\\x{FFFD}"', True),  # an invalid byte is utf8.RuneError
        ('("é"[0:1] + "é"[0:1]) matches "^..$"', True),
        ('("é"[1:] + "a") matches "^.a$"', True),
    ],
)
def test_an_invalid_byte_in_the_subject_is_a_rune_error(source: str, matched: bool) -> None:
    assert _value(source) is matched


# --- vm.memGrow: one memory budget over the whole run ---


@pytest.mark.parametrize(
    ("source", "formance"),
    [
        ("len(1..1000000)", "memory budget exceeded (1:6)"),  # >= 1e6 trips it
        ("len(1..500000) + len(1..500000)", "memory budget exceeded (1:23)"),  # summed
        ("len(map(1..400000, #)) + len(1..200000)", "memory budget exceeded (1:31)"),
        ('len(repeat("ab", 500000))', "memory budget exceeded (1:5)"),  # len(s) * n bytes
        ("len(concat(1..300000, 1..300000))", "memory budget exceeded (1:5)"),
        # repeat's own check (n > 1e6) is a Go error value: reported bare
        ('len(repeat("a", 1000001))', "memory budget exceeded"),
    ],
)
def test_the_memory_budget_is_counted_as_the_vm_does(source: str, formance: str) -> None:
    assert _run_error(source).formance_message.split("\n")[0] == formance


def test_under_the_memory_budget_all_is_well() -> None:
    assert _value("len(1..999999)") == 999999
    assert _value("len(reverse(1..300000)) + len([1, 2, 3])") == 300003  # a constant array


def test_a_map_literal_keeps_the_first_of_duplicate_keys() -> None:
    # OpMap pops the pairs from the last one back: the first one is set last
    assert go_sprint(_value('{"a": 1, "a": 2}')) == "map[a:1]"
