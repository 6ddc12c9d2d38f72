"""Parser following expr-lang v1.17's parser (precedence climbing, same error texts/positions)."""

from __future__ import annotations

import contextlib
import math
import re

from orchctl.expr import ast
from orchctl.expr.errors import ExprCompileError
from orchctl.expr.goquote import go_quote
from orchctl.expr.lexer import (
    BRACKET,
    EOF,
    IDENTIFIER,
    NEGATABLE,
    NUMBER,
    OPERATOR,
    STRING,
    LexError,
    Token,
    tokenize,
)

MAX_SOURCE_LENGTH = 64 * 1024
MAX_NESTING = 100
MAX_AST_DEPTH = 150
MAX_NODES = 10_000

_EXPR = 1
_PREDICATE = 2
_OPTIONAL = 128

PREDICATES: dict[str, list[int]] = {
    "all": [_EXPR, _PREDICATE],
    "none": [_EXPR, _PREDICATE],
    "any": [_EXPR, _PREDICATE],
    "one": [_EXPR, _PREDICATE],
    "filter": [_EXPR, _PREDICATE],
    "map": [_EXPR, _PREDICATE],
    "count": [_EXPR, _PREDICATE | _OPTIONAL],
    "sum": [_EXPR, _PREDICATE | _OPTIONAL],
    "find": [_EXPR, _PREDICATE],
    "findIndex": [_EXPR, _PREDICATE],
    "findLast": [_EXPR, _PREDICATE],
    "findLastIndex": [_EXPR, _PREDICATE],
    "groupBy": [_EXPR, _PREDICATE],
    "sortBy": [_EXPR, _PREDICATE, _EXPR | _OPTIONAL],
    "reduce": [_EXPR, _PREDICATE, _EXPR | _OPTIONAL],
}

BUILTIN_NAMES = frozenset(
    {
        *PREDICATES,
        "len",
        "type",
        "abs",
        "ceil",
        "floor",
        "round",
        "int",
        "float",
        "string",
        "trim",
        "trimPrefix",
        "trimSuffix",
        "upper",
        "lower",
        "split",
        "splitAfter",
        "replace",
        "repeat",
        "join",
        "indexOf",
        "lastIndexOf",
        "hasPrefix",
        "hasSuffix",
        "max",
        "min",
        "mean",
        "median",
        "toJSON",
        "fromJSON",
        "toBase64",
        "fromBase64",
        "now",
        "duration",
        "date",
        "timezone",
        "first",
        "last",
        "get",
        "take",
        "keys",
        "values",
        "toPairs",
        "fromPairs",
        "reverse",
        "uniq",
        "concat",
        "flatten",
        "sort",
        "bitand",
        "bitor",
        "bitxor",
        "bitnand",
        "bitshl",
        "bitshr",
        "bitushr",
        "bitnot",
    }
)

# precedence, right-associative
BINARY: dict[str, tuple[int, bool]] = {
    "|": (0, False),
    "or": (10, False),
    "||": (10, False),
    "and": (15, False),
    "&&": (15, False),
    "==": (20, False),
    "!=": (20, False),
    "<": (20, False),
    ">": (20, False),
    ">=": (20, False),
    "<=": (20, False),
    "in": (20, False),
    "matches": (20, False),
    "contains": (20, False),
    "startsWith": (20, False),
    "endsWith": (20, False),
    "..": (25, False),
    "+": (30, False),
    "-": (30, False),
    "*": (60, False),
    "/": (60, False),
    "%": (60, False),
    "**": (100, True),
    "^": (100, True),
    "??": (500, False),
}
_CHAINED = frozenset({"<", ">", "<=", ">="})
UNARY: dict[str, int] = {"not": 50, "!": 50, "-": 90, "+": 90}
_IDENT_RE = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


class _Fail(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        try:
            self.tokens = tokenize(source)
            self.lex_error: LexError | None = None
        except LexError as exc:
            self.tokens = []
            self.lex_error = exc
            self.tokens = _tokens_before_error(source)
        self.pos = 0
        self.depth = 0  # predicate depth
        self.nesting = 0
        self.nodes = 0
        if not self.tokens:
            assert self.lex_error is not None
            raise _Fail(self.lex_error.message, self.lex_error.offset)
        self.current = self.tokens[0]

    # --- helpers ---
    def fail(self, message: str, token: Token | None = None) -> _Fail:
        tok = token if token is not None else self.current
        return _Fail(message, tok.start)

    def next(self) -> None:
        self.pos += 1
        if self.pos >= len(self.tokens):
            if self.lex_error is not None:
                raise _Fail(self.lex_error.message, self.lex_error.offset)
            raise self.fail("unexpected end of expression")
        self.current = self.tokens[self.pos]

    def expect(self, kind: str, value: str | None = None) -> None:
        if self.current.is_(kind, value):
            self.next()
            return
        raise self.fail(f"unexpected token {self.current}")

    def node(self, n: ast.Node) -> ast.Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail("compilation failed: expression exceeds maximum allowed nodes")
        n.finish()
        if n.depth > MAX_AST_DEPTH:
            raise _Fail(
                f"expression is nested too deeply (more than {MAX_AST_DEPTH} levels)", n.loc
            )
        return n

    # --- grammar ---
    def parse(self) -> ast.Node:
        node = self.parse_sequence()
        if not self.current.is_(EOF):
            raise self.fail(f"unexpected token {self.current}")
        return node

    def parse_sequence(self) -> ast.Node:
        nodes = [self.parse_expression(0)]
        while self.current.is_(OPERATOR, ";"):
            self.next()
            if self.current.is_(EOF):
                break
            nodes.append(self.parse_expression(0))
        if len(nodes) == 1:
            return nodes[0]
        return self.node(ast.Sequence(nodes[0].loc, nodes))

    def parse_expression(self, precedence: int) -> ast.Node:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.fail(f"expression is nested too deeply (more than {MAX_NESTING} levels)")
        try:
            return self._parse_expression(precedence)
        finally:
            self.nesting -= 1

    def _parse_expression(self, precedence: int) -> ast.Node:
        if precedence == 0 and self.current.is_(OPERATOR, "let"):
            return self.parse_let()
        if precedence == 0 and self.current.is_(OPERATOR, "if"):
            return self.parse_if()
        left = self.parse_primary()
        prev_op = ""
        op_token = self.current
        while op_token.kind == OPERATOR:
            negate = op_token.value == "not"
            not_token: Token | None = None
            if negate:
                backup_pos = self.pos
                self.next()
                if self.current.value in NEGATABLE and self.current.kind == OPERATOR:
                    info = BINARY.get(self.current.value)
                    if info is not None and info[0] >= precedence:
                        not_token = self.current
                        op_token = self.current
                    else:
                        self.pos = backup_pos
                        self.current = op_token
                        break
                else:
                    raise self.fail(f"unexpected token {self.current}")
            info = BINARY.get(op_token.value)
            if info is None or info[0] < precedence:
                break
            self.next()
            if op_token.value == "|":
                ident = self.current
                self.expect(IDENTIFIER)
                left = self.parse_call(ident, [left])
            elif prev_op == "??" and op_token.value != "??":
                raise self.fail(
                    f"Operator ({op_token.value}) and coalesce expressions (??) cannot be "
                    "mixed. Wrap either by parentheses.",
                    op_token,
                )
            elif op_token.value in _CHAINED:
                left = self.parse_comparison(left, op_token, info[0])
            else:
                right = self.parse_expression(info[0] if info[1] else info[0] + 1)
                left = self.node(ast.Binary(op_token.start, op_token.value, left, right))
                if negate:
                    assert not_token is not None
                    left = self.node(ast.Unary(not_token.start, "not", left))
            prev_op = op_token.value
            op_token = self.current
        if precedence == 0:
            left = self.parse_conditional(left)
        return left

    def parse_comparison(self, left: ast.Node, token: Token, precedence: int) -> ast.Node:
        root: ast.Node | None = None
        while True:
            right = self.parse_expression(precedence + 1)
            cmp: ast.Node = self.node(ast.Binary(token.start, token.value, left, right))
            if root is None:
                root = cmp
            else:
                root = self.node(ast.Binary(token.start, "&&", root, cmp))
            left = right
            token = self.current
            if not (token.kind == OPERATOR and token.value in _CHAINED):
                break
            self.next()
        return root

    def parse_let(self) -> ast.Node:
        self.expect(OPERATOR, "let")
        name = self.current
        self.expect(IDENTIFIER)
        self.expect(OPERATOR, "=")
        value = self.parse_expression(0)
        self.expect(OPERATOR, ";")
        body = self.parse_sequence()
        return self.node(ast.Let(name.start, name.value, value, body))

    def parse_if(self) -> ast.Node:
        self.next()
        cond = self.parse_expression(0)
        self.expect(BRACKET, "{")
        exp1 = self.parse_sequence()
        self.expect(BRACKET, "}")
        self.expect(OPERATOR, "else")
        if self.current.is_(OPERATOR, "if"):
            exp2 = self.parse_if()
        else:
            self.expect(BRACKET, "{")
            exp2 = self.parse_sequence()
            self.expect(BRACKET, "}")
        # expr's parser gives an `if` node no location: its errors point at 1:1.
        return self.node(ast.Cond(0, cond, exp1, exp2))

    def parse_conditional(self, node: ast.Node) -> ast.Node:
        while self.current.is_(OPERATOR, "?"):
            self.next()
            if not self.current.is_(OPERATOR, ":"):
                exp1 = self.parse_expression(0)
                self.expect(OPERATOR, ":")
                exp2 = self.parse_expression(0)
            else:
                self.next()
                exp1 = node
                exp2 = self.parse_expression(0)
            node = self.node(ast.Cond(self.current.start, node, exp1, exp2))
        return node

    def parse_primary(self) -> ast.Node:
        token = self.current
        if token.kind == OPERATOR and token.value in UNARY:
            self.next()
            operand = self.parse_expression(UNARY[token.value])
            node = self.node(ast.Unary(token.start, token.value, operand))
            return self.parse_postfix(node)
        if token.is_(BRACKET, "("):
            self.next()
            inner = self.parse_sequence()
            self.expect(BRACKET, ")")
            return self.parse_postfix(inner)
        if self.depth > 0 and token.kind == OPERATOR and token.value in ("#", "."):
            name = ""
            if token.value == "#":
                self.next()
                if self.current.kind == IDENTIFIER:
                    name = self.current.value
                    self.next()
            return self.parse_postfix(self.node(ast.Pointer(token.start, name)))
        if token.is_(OPERATOR, "::"):
            self.next()
            ident = self.current
            self.expect(IDENTIFIER)
            return self.parse_postfix(self.parse_call(ident, []))
        return self.parse_secondary()

    def parse_secondary(self) -> ast.Node:
        token = self.current
        node: ast.Node
        if token.kind == IDENTIFIER:
            self.next()
            if token.value == "true":
                return self.node(ast.Bool(token.start, True))
            if token.value == "false":
                return self.node(ast.Bool(token.start, False))
            if token.value == "nil":
                return self.node(ast.Nil(token.start))
            if self.current.is_(BRACKET, "("):
                node = self.parse_call(token, [])
            else:
                node = self.node(ast.Ident(token.start, token.value))
        elif token.kind == NUMBER:
            self.next()
            return self.node(self.number(token))
        elif token.kind == STRING:
            self.next()
            node = self.node(ast.Str(token.start, token.value))
        elif token.is_(BRACKET, "["):
            node = self.parse_array(token)
        elif token.is_(BRACKET, "{"):
            node = self.parse_map(token)
        else:
            raise self.fail(f"unexpected token {token}")
        return self.parse_postfix(node)

    def number(self, token: Token) -> ast.Node:
        value = token.value.replace("_", "")
        low = value.lower()
        try:
            if low.startswith("0x"):
                kind = "hex"
                number = int(value[2:], 16)
            elif "." in low or "e" in low:
                try:
                    fvalue = float(value)
                except ValueError:
                    raise self.fail(
                        "invalid float literal: strconv.ParseFloat: parsing "
                        f"{go_quote(value)}: invalid syntax"
                    ) from None
                if math.isinf(fvalue):
                    raise self.fail(
                        "invalid float literal: strconv.ParseFloat: parsing "
                        f"{go_quote(value)}: value out of range"
                    )
                return ast.Float(token.start, fvalue)
            elif low.startswith("0b"):
                kind = "binary"
                number = int(value[2:], 2)
            elif low.startswith("0o"):
                kind = "octal"
                number = int(value[2:], 8)
            else:
                kind = "integer"
                number = int(value, 10)
        except ValueError:
            raise self.fail(
                f"invalid {kind} literal: strconv.ParseInt: parsing {go_quote(value)}: "
                "invalid syntax"
            ) from None
        if number > (1 << 63) - 1:
            raise self.fail(
                f"invalid {kind} literal: strconv.ParseInt: parsing {go_quote(value)}: "
                "value out of range"
            )
        return ast.Int(token.start, number)

    def parse_call(self, token: Token, arguments: list[ast.Node]) -> ast.Node:
        name = token.value
        spec = PREDICATES.get(name)
        if spec is not None:
            self.expect(BRACKET, "(")
            args = spec[len(arguments) :]
            for i, arg in enumerate(args):
                if arg & _OPTIONAL:
                    if self.current.is_(BRACKET, ")"):
                        break
                elif self.current.is_(BRACKET, ")"):
                    raise self.fail(f"expected at least {len(args)} arguments")
                if i > 0:
                    self.expect(OPERATOR, ",")
                if arg & _PREDICATE:
                    arguments.append(self.parse_predicate())
                else:
                    arguments.append(self.parse_expression(0))
            if self.current.is_(OPERATOR, ","):
                self.next()
            self.expect(BRACKET, ")")
            return self.node(ast.Builtin(token.start, name, arguments))
        if name in BUILTIN_NAMES:
            return self.node(ast.Builtin(token.start, name, self.parse_arguments(arguments)))
        callee = self.node(ast.Ident(token.start, name))
        return self.node(ast.Call(token.start, callee, self.parse_arguments(arguments)))

    def parse_arguments(self, arguments: list[ast.Node]) -> list[ast.Node]:
        offset = len(arguments)
        self.expect(BRACKET, "(")
        while not self.current.is_(BRACKET, ")"):
            if len(arguments) > offset:
                self.expect(OPERATOR, ",")
            if self.current.is_(BRACKET, ")"):
                break
            arguments.append(self.parse_expression(0))
        self.expect(BRACKET, ")")
        return arguments

    def parse_predicate(self) -> ast.Node:
        start = self.current
        with_brackets = False
        if self.current.is_(BRACKET, "{"):
            self.next()
            with_brackets = True
        self.depth += 1
        if with_brackets:
            node = self.parse_sequence()
        else:
            node = self.parse_expression(0)
            if self.current.is_(OPERATOR, ";"):
                raise self.fail("wrap predicate with brackets { and }")
        self.depth -= 1
        if with_brackets:
            self.expect(BRACKET, "}")
        return self.node(ast.Predicate(start.start, node))

    def parse_array(self, token: Token) -> ast.Node:
        nodes: list[ast.Node] = []
        self.expect(BRACKET, "[")
        while not self.current.is_(BRACKET, "]"):
            if nodes:
                self.expect(OPERATOR, ",")
                if self.current.is_(BRACKET, "]"):
                    break
            nodes.append(self.parse_expression(0))
        self.expect(BRACKET, "]")
        return self.node(ast.Array(token.start, nodes))

    def parse_map(self, token: Token) -> ast.Node:
        self.expect(BRACKET, "{")
        pairs: list[ast.Pair] = []
        while not self.current.is_(BRACKET, "}"):
            if pairs:
                self.expect(OPERATOR, ",")
                if self.current.is_(BRACKET, "}"):
                    break
                if self.current.is_(OPERATOR, ","):
                    raise self.fail(f"unexpected token {self.current}")
            key: ast.Node
            if self.current.kind in (NUMBER, STRING, IDENTIFIER):
                key = self.node(ast.Str(self.current.start, self.current.value))
                self.next()
            elif self.current.is_(BRACKET, "("):
                key = self.parse_expression(0)
            else:
                raise self.fail(
                    "a map key must be a quoted string, a number, a identifier, or an expression "
                    f"enclosed in parentheses (unexpected token {self.current})"
                )
            self.expect(OPERATOR, ":")
            value = self.parse_expression(0)
            pair = self.node(ast.Pair(token.start, key, value))
            assert isinstance(pair, ast.Pair)
            pairs.append(pair)
        self.expect(BRACKET, "}")
        return self.node(ast.Map(token.start, pairs))

    def parse_postfix(self, node: ast.Node) -> ast.Node:
        postfix = self.current
        while postfix.kind in (OPERATOR, BRACKET):
            optional = postfix.value == "?."
            if postfix.value in (".", "?."):
                self.next()
                prop_token = self.current
                if optional and prop_token.is_(BRACKET, "["):
                    node = self.parse_index(node, prop_token, optional=True)
                    postfix = self.current
                    continue
                self.next()
                if prop_token.kind != IDENTIFIER and (
                    prop_token.kind != OPERATOR or not _IDENT_RE.match(prop_token.value)
                ):
                    raise self.fail("expected name")
                prop = self.node(ast.Str(prop_token.start, prop_token.value))
                is_chain = isinstance(node, ast.Chain)
                if isinstance(node, ast.Chain):
                    node = node.node
                member = ast.Member(prop_token.start, node, prop, optional)
                self.node(member)
                if self.current.is_(BRACKET, "("):
                    member.method = True
                    node = self.node(ast.Call(prop_token.start, member, self.parse_arguments([])))
                else:
                    node = member
                if is_chain or optional:
                    node = self.node(ast.Chain(prop_token.start, node))
            elif postfix.value == "[":
                node = self.parse_index(node, postfix, optional=False)
            else:
                break
            postfix = self.current
        return node

    def parse_index(self, node: ast.Node, bracket: Token, *, optional: bool) -> ast.Node:
        self.next()
        if self.current.is_(OPERATOR, ":"):
            self.next()
            to = None
            if not self.current.is_(BRACKET, "]"):
                to = self.parse_expression(0)
            result = self.node(ast.Slice(bracket.start, node, None, to))
            self.expect(BRACKET, "]")
            return result
        from_ = self.parse_expression(0)
        if self.current.is_(OPERATOR, ":"):
            self.next()
            to = None
            if not self.current.is_(BRACKET, "]"):
                to = self.parse_expression(0)
            result = self.node(ast.Slice(bracket.start, node, from_, to))
            self.expect(BRACKET, "]")
            return result
        result = self.node(ast.Member(bracket.start, node, from_, optional))
        if optional:
            result = self.node(ast.Chain(bracket.start, result))
        self.expect(BRACKET, "]")
        return result


def _tokens_before_error(source: str) -> list[Token]:
    """Tokens up to a lexing error (the parser reports the error when it reaches it)."""
    from orchctl.expr.lexer import _Lexer

    lexer = _Lexer(source)
    with contextlib.suppress(LexError):
        lexer.run()
    return lexer.tokens


def parse(source: str) -> ast.Node:
    """Parse ``source``; raises :class:`ExprCompileError` with expr's message and position."""
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExprCompileError(
            f"expression is too long ({len(source)} characters, at most {MAX_SOURCE_LENGTH})",
            source,
            0,
        )
    try:
        return Parser(source).parse()
    except _Fail as fail:
        raise ExprCompileError(fail.message, source, fail.offset) from None
    except RecursionError:
        raise ExprCompileError("expression is nested too deeply", source, 0) from None
