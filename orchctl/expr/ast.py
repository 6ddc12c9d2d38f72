"""Syntax tree of an expression (mirrors expr-lang's ast package)."""

from __future__ import annotations

from typing import Any, Self


class Node:
    __slots__ = ("depth", "loc")

    def __init__(self, loc: int) -> None:
        self.loc = loc
        self.depth = 1

    def children(self) -> list[Node]:
        return []

    def finish(self) -> Self:
        kids = self.children()
        self.depth = 1 + max((k.depth for k in kids), default=0)
        return self


class Nil(Node):
    __slots__ = ()


class Bool(Node):
    __slots__ = ("value",)

    def __init__(self, loc: int, value: bool) -> None:
        super().__init__(loc)
        self.value = value


class Int(Node):
    __slots__ = ("value",)

    def __init__(self, loc: int, value: int) -> None:
        super().__init__(loc)
        self.value = value


class Float(Node):
    __slots__ = ("value",)

    def __init__(self, loc: int, value: float) -> None:
        super().__init__(loc)
        self.value = value


class Str(Node):
    __slots__ = ("value",)

    def __init__(self, loc: int, value: str) -> None:
        super().__init__(loc)
        self.value = value


class Ident(Node):
    __slots__ = ("name",)

    def __init__(self, loc: int, name: str) -> None:
        super().__init__(loc)
        self.name = name


class Unary(Node):
    __slots__ = ("node", "op")

    def __init__(self, loc: int, op: str, node: Node) -> None:
        super().__init__(loc)
        self.op = op
        self.node = node

    def children(self) -> list[Node]:
        return [self.node]


class Binary(Node):
    __slots__ = ("left", "op", "right")

    def __init__(self, loc: int, op: str, left: Node, right: Node) -> None:
        super().__init__(loc)
        self.op = op
        self.left = left
        self.right = right

    def children(self) -> list[Node]:
        return [self.left, self.right]


class Chain(Node):
    __slots__ = ("node",)

    def __init__(self, loc: int, node: Node) -> None:
        super().__init__(loc)
        self.node = node

    def children(self) -> list[Node]:
        return [self.node]


class Member(Node):
    __slots__ = ("method", "node", "optional", "prop")

    def __init__(self, loc: int, node: Node, prop: Node, optional: bool) -> None:
        super().__init__(loc)
        self.node = node
        self.prop = prop
        self.optional = optional
        self.method = False

    def children(self) -> list[Node]:
        return [self.node, self.prop]


class Slice(Node):
    __slots__ = ("from_", "node", "to")

    def __init__(self, loc: int, node: Node, from_: Node | None, to: Node | None) -> None:
        super().__init__(loc)
        self.node = node
        self.from_ = from_
        self.to = to

    def children(self) -> list[Node]:
        return [n for n in (self.node, self.from_, self.to) if n is not None]


class Call(Node):
    __slots__ = ("args", "callee")

    def __init__(self, loc: int, callee: Node, args: list[Node]) -> None:
        super().__init__(loc)
        self.callee = callee
        self.args = args

    def children(self) -> list[Node]:
        return [self.callee, *self.args]


class Builtin(Node):
    __slots__ = ("args", "mapped", "name", "throws")

    def __init__(self, loc: int, name: str, args: list[Node]) -> None:
        super().__init__(loc)
        self.name = name
        self.args = args
        self.throws = False
        # filter/find/findLast: what a match yields instead of the element (expr's Map,
        # set by the optimizer's filter_map: `filter(a, p) | map(q)` is one loop)
        self.mapped: Node | None = None

    def children(self) -> list[Node]:
        return list(self.args) if self.mapped is None else [*self.args, self.mapped]


class Predicate(Node):
    __slots__ = ("node",)

    def __init__(self, loc: int, node: Node) -> None:
        super().__init__(loc)
        self.node = node

    def children(self) -> list[Node]:
        return [self.node]


class Pointer(Node):
    __slots__ = ("name",)

    def __init__(self, loc: int, name: str) -> None:
        super().__init__(loc)
        self.name = name


class Let(Node):
    __slots__ = ("body", "name", "value")

    def __init__(self, loc: int, name: str, value: Node, body: Node) -> None:
        super().__init__(loc)
        self.name = name
        self.value = value
        self.body = body

    def children(self) -> list[Node]:
        return [self.value, self.body]


class Cond(Node):
    __slots__ = ("cond", "exp1", "exp2")

    def __init__(self, loc: int, cond: Node, exp1: Node, exp2: Node) -> None:
        super().__init__(loc)
        self.cond = cond
        self.exp1 = exp1
        self.exp2 = exp2

    def children(self) -> list[Node]:
        return [self.cond, self.exp1, self.exp2]


class Array(Node):
    __slots__ = ("nodes",)

    def __init__(self, loc: int, nodes: list[Node]) -> None:
        super().__init__(loc)
        self.nodes = nodes

    def children(self) -> list[Node]:
        return list(self.nodes)


class Pair(Node):
    __slots__ = ("key", "value")

    def __init__(self, loc: int, key: Node, value: Node) -> None:
        super().__init__(loc)
        self.key = key
        self.value = value

    def children(self) -> list[Node]:
        return [self.key, self.value]


class Map(Node):
    __slots__ = ("pairs",)

    def __init__(self, loc: int, pairs: list[Pair]) -> None:
        super().__init__(loc)
        self.pairs = pairs

    def children(self) -> list[Node]:
        return list(self.pairs)


class Sequence(Node):
    __slots__ = ("nodes",)

    def __init__(self, loc: int, nodes: list[Node]) -> None:
        super().__init__(loc)
        self.nodes = nodes

    def children(self) -> list[Node]:
        return list(self.nodes)


def literal_value(node: Node) -> Any:
    """The constant value of a literal node (or raise KeyError)."""
    if isinstance(node, Nil):
        return None
    if isinstance(node, Bool | Int | Float | Str):
        return node.value
    raise KeyError(type(node).__name__)
