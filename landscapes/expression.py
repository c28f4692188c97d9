"""Typed objectives f(x, y), parsed safely: a whitelist tokenizer and a recursive-descent parser
that build a small immutable tree, and a JAX evaluator of that tree.

Nothing here hands user text to Python (no eval, exec, compile, ast): the tokenizer accepts only
ASCII numbers, names, `+ - * / ** ^ ( ) ,` and spaces, the parser only the grammar below, and
every name is looked up in fixed tables. The work is bounded: the text is at most MAX_LENGTH
characters, each character is read once, each token consumed once, and the parser counts its
steps (`Parser.steps`), so a parse costs O(MAX_LENGTH) whatever the input.

Grammar (precedence low to high; `^` and `**` are the same, right-associative):
    expr  := term (('+' | '-') term)*
    term  := unary (('*' | '/') unary)*
    unary := ('-' | '+') unary | power
    power := atom (('^' | '**') unary)?
    atom  := number | name | function '(' expr (',' expr)* ')' | '(' expr ')'
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from typing import Callable, Union

import jax
import jax.numpy as jnp

MAX_LENGTH = 500
MAX_DEPTH = 32
MAX_NODES = 200
MAX_LITERAL = 1e9
MIN_LITERAL = 1e-30  # smaller non-zero numbers are subnormal in float32 (and flushed to zero by XLA on CPU)
MAX_EXPONENT = 64.0
VARIABLES = ("x", "y")
ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul}  # the same in floats and arrays
CONSTANTS = {"pi": math.pi, "e": math.e}


def _softplus(z):
    return jnp.logaddexp(z, 0.0)


FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "sin": (1, jnp.sin), "cos": (1, jnp.cos), "tan": (1, jnp.tan), "exp": (1, jnp.exp), "log": (1, jnp.log),
    "log1p": (1, jnp.log1p), "sqrt": (1, jnp.sqrt), "abs": (1, jnp.abs), "tanh": (1, jnp.tanh),
    "sigmoid": (1, jax.nn.sigmoid), "softplus": (1, _softplus), "relu": (1, jax.nn.relu),
    "min": (2, jnp.minimum), "max": (2, jnp.maximum),
}


class ExpressionError(ValueError):
    """What was wrong with a typed expression, and where: `column` counts from 1 (0: the whole text)."""

    def __init__(self, message: str, column: int = 0) -> None:
        self.message = message
        self.column = column
        super().__init__(f"{message} (column {column})" if column else message)


# ---- the tree ----
@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Name:
    name: str  # a variable or a constant


@dataclass(frozen=True)
class Neg:
    arg: "Node"


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * / ^
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple["Node", ...]


@dataclass(frozen=True)
class Slot:
    """A number taken out of a tree (`split_numbers`): the `index`-th of the numbers f is evaluated with."""

    index: int


Node = Union[Num, Name, Neg, BinOp, Call, Slot]


# ---- tokens ----
@dataclass(frozen=True)
class Token:
    kind: str  # num, name, op, end, or bad (text: what is wrong; the parser raises when it gets there)
    text: str
    column: int


_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_OPERATORS = ("**", "+", "-", "*", "/", "^", "(", ")", ",")
_EXPLAIN = {
    ".": "attribute access ('.') is not allowed", "[": "subscripts ('[') are not allowed", "]": "subscripts are not allowed",
    "'": "strings are not allowed", '"': "strings are not allowed", "{": "braces are not allowed", "}": "braces are not allowed",
    "=": "'=' is not allowed: type only the right-hand side f(x, y)", ":": "':' is not allowed", ";": "';' is not allowed",
    "%": "'%' is not allowed", "@": "'@' is not allowed", "<": "comparisons are not allowed", ">": "comparisons are not allowed",
}


def describe_char(ch: str) -> str:
    if ch in _EXPLAIN:
        return _EXPLAIN[ch]
    if not ch.isascii():
        return f"the non-ASCII character U+{ord(ch):04X} is not allowed (type plain ASCII)"
    if not ch.isprintable():
        return f"the control character U+{ord(ch):04X} is not allowed"
    return f"the character '{ch}' is not allowed"


def tokenize(text: str) -> list[Token]:
    """The tokens of `text` (checked for length first), up to the first bad character, which ends the list
    as a `bad` token: so the first problem in reading order is the one reported."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is too long: {len(text)} characters (at most {MAX_LENGTH})")
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in " \t":
            i += 1
            continue
        column = i + 1
        if m := _NUMBER.match(text, i):
            tokens.append(Token("num", m.group(), column))
            i = m.end()
            if i < len(text) and (text[i].isalpha() or text[i] in "_."):
                tokens.append(Token("bad", f"'{text[column - 1:i + 1]}' is not a number: write '*' between a number and a name", column))
                return tokens
        elif m := _NAME.match(text, i):
            tokens.append(Token("name", m.group(), column))
            i = m.end()
        elif op := next((o for o in _OPERATORS if text.startswith(o, i)), None):
            tokens.append(Token("op", op, column))
            i += len(op)
        else:
            tokens.append(Token("bad", describe_char(ch), column))
            return tokens
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


# ---- the parser ----
class Parser:
    """Recursive descent over the tokens; `steps` counts token reads and node builds (bounded work)."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0
        self.nodes = 0
        self.steps = 0

    @property
    def tok(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind == "bad":
            raise ExpressionError(tok.text, tok.column)
        return tok

    def advance(self) -> Token:
        self.steps += 1
        tok = self.tok
        self.pos += 1
        return tok

    def node(self, n: Node, column: int) -> Node:
        self.steps += 1
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(f"the expression has too many parts (more than {MAX_NODES} numbers, names and operations)", column)
        return n

    def nest(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)", column)

    def expect(self, text: str, what: str) -> Token:
        if not self.at(text):
            raise ExpressionError(f"expected {what}, found {self.found()}", self.tok.column)
        return self.advance()

    def found(self) -> str:
        return "the end of the expression" if self.tok.kind == "end" else f"'{self.tok.text[:20]}'"

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ExpressionError("the expression is empty: type f(x, y), e.g. x^2 + 3*y^2")
        tree = self.expr()
        if self.tok.kind != "end":
            hint = " (write '*' for a product)" if self.tok.kind in ("num", "name") or self.at("(") else ""
            raise ExpressionError(f"unexpected {self.found()}{hint}", self.tok.column)
        return tree

    def at(self, *ops: str) -> bool:
        """Whether the current token is one of the operators `ops`."""
        return self.tok.kind == "op" and self.tok.text in ops

    def chain(self, ops: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        """operand (op operand)*, left-associative: a loop, not recursion, so long sums cost no depth."""
        left = operand()
        while self.at(*ops):
            op = self.advance()
            left = self.node(BinOp(op.text, left, operand()), op.column)
        return left

    def expr(self) -> Node:
        return self.chain(("+", "-"), self.term)

    def term(self) -> Node:
        return self.chain(("*", "/"), self.unary)

    def unary(self) -> Node:
        if self.at("-", "+"):
            op = self.advance()
            self.nest(op.column)
            arg = self.unary()
            self.depth -= 1
            return arg if op.text == "+" else self.node(Neg(arg), op.column)
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.at("^", "**"):
            op = self.advance()
            self.nest(op.column)
            start = self.tok.column
            exponent = self.unary()
            self.depth -= 1
            check_exponent(exponent, start)
            return self.node(BinOp("^", base, exponent), op.column)
        return base

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            value = float(tok.text)
            if not math.isfinite(value) or value > MAX_LITERAL:
                raise ExpressionError(f"the number {tok.text[:20]} is too large (at most {MAX_LITERAL:g})", tok.column)
            if 0 < value < MIN_LITERAL:
                raise ExpressionError(f"the number {tok.text[:20]} is too small (non-zero numbers are at least {MIN_LITERAL:g})", tok.column)
            return self.node(Num(value), tok.column)
        if tok.kind == "name":
            self.advance()
            if tok.text in FUNCTIONS:
                return self.call(tok)
            if tok.text in VARIABLES or tok.text in CONSTANTS:
                if self.at("("):
                    raise ExpressionError(f"'{tok.text}' is not a function (write '*' for a product)", self.tok.column)
                return self.node(Name(tok.text), tok.column)
            raise ExpressionError(f"unknown name '{tok.text[:40]}' ({allowed_names()})", tok.column)
        if self.at("("):
            self.advance()
            self.nest(tok.column)
            inner = self.expr()
            self.depth -= 1
            self.expect(")", f"')' to close the '(' at column {tok.column}")
            return inner
        raise ExpressionError(f"expected a number, a name or '(', found {self.found()}", tok.column)

    def call(self, name: Token) -> Node:
        arity, _ = FUNCTIONS[name.text]
        self.expect("(", f"'(' after the function {name.text}")
        self.nest(name.column)
        args = [self.expr()]
        while self.at(","):
            self.advance()
            args.append(self.expr())
        self.depth -= 1
        self.expect(")", f"')' to close {name.text}(")
        if len(args) != arity:
            raise ExpressionError(f"{name.text} takes {arity} argument{'s' if arity > 1 else ''}, got {len(args)}", name.column)
        return self.node(Call(name.text, tuple(args)), name.column)


def allowed_names() -> str:
    return f"allowed: x, y, {', '.join(CONSTANTS)} and the functions {', '.join(FUNCTIONS)}"


def check_exponent(exponent: Node, column: int) -> None:
    """A constant exponent must be finite and at most MAX_EXPONENT in size (so x^1e6 and 9^9^9 are refused)."""
    if uses_variables(exponent):
        return
    value = constant_value(exponent, column)
    if not math.isfinite(value) or abs(value) > MAX_EXPONENT:
        raise ExpressionError(f"the exponent is too large (at most {MAX_EXPONENT:g} in size, got {value:.4g})", column)


def constant_value(n: Node, column: int) -> float:
    """A constant exponent's value in Python floats (overflow -> inf); only numbers, pi, e and + - * / ^,
    each power already bounded, so this is cheap and exact enough to judge the bound."""
    if isinstance(n, Num):
        return n.value
    if isinstance(n, Name):
        return CONSTANTS[n.name]
    if isinstance(n, Neg):
        return -constant_value(n.arg, column)
    if isinstance(n, Call):
        raise ExpressionError("a constant exponent may use only numbers, pi, e and + - * / ^", column)
    a, b = constant_value(n.left, column), constant_value(n.right, column)
    try:
        if n.op in ARITHMETIC:
            return ARITHMETIC[n.op](a, b)
        return a / b if n.op == "/" else float(a**b)
    except (ZeroDivisionError, OverflowError, TypeError):  # TypeError: a negative base to a fractional power is complex
        return math.inf


def parse(text: str) -> Node:
    """The tree of `text`; raises ExpressionError (message and column) for anything outside the grammar."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    tree = Parser(text).parse()
    if not uses_variables(tree):
        raise ExpressionError("the expression does not use x or y: it is not a function of x and y")
    return tree


# ---- walks over the tree ----
def uses_variables(n: Node) -> bool:
    if isinstance(n, Name):
        return n.name in VARIABLES
    return any(uses_variables(c) for c in children(n))


def children(n: Node) -> tuple[Node, ...]:
    if isinstance(n, Neg):
        return (n.arg,)
    if isinstance(n, BinOp):
        return (n.left, n.right)
    if isinstance(n, Call):
        return n.args
    return ()


_LEVEL = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4, "atom": 5}


def _level(n: Node) -> int:
    if isinstance(n, BinOp):
        return _LEVEL[n.op]
    return _LEVEL["neg"] if isinstance(n, Neg) else _LEVEL["atom"]


def format_number(v: float) -> str:
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


def normalize(n: Node) -> str:
    """Canonical text with the fewest parentheses: parse(normalize(t)) == t, and equal trees give equal text
    (a Slot is written '#': the text of a form, not an expression)."""

    def wrap(child: Node, min_level: int) -> str:
        text = normalize(child)
        return text if _level(child) >= min_level else f"({text})"

    if isinstance(n, Num):
        return format_number(n.value)
    if isinstance(n, Slot):
        return "#"
    if isinstance(n, Name):
        return n.name
    if isinstance(n, Neg):
        return "-" + wrap(n.arg, _LEVEL["neg"])
    if isinstance(n, Call):
        return f"{n.fn}({','.join(normalize(a) for a in n.args)})"
    level = _LEVEL[n.op]
    if n.op == "^":
        return f"{wrap(n.left, _LEVEL['atom'])}^{wrap(n.right, _LEVEL['neg'])}"
    return f"{wrap(n.left, level)}{n.op}{wrap(n.right, level + 1)}"


_LATEX_FN = {
    "sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "exp": r"\exp", "log": r"\log", "tanh": r"\tanh", "min": r"\min",
    "max": r"\max", "log1p": r"\operatorname{log1p}", "sigmoid": r"\sigma", "softplus": r"\operatorname{softplus}",
    "relu": r"\operatorname{relu}",
}


def latex(n: Node) -> str:
    """LaTeX for st.latex: names and numbers come from the tables and the tree, never raw user text."""

    def wrap(child: Node, min_level: int) -> str:
        text = latex(child)
        return text if _level(child) >= min_level else rf"\left({text}\right)"

    if isinstance(n, Num):
        mantissa, _, exp = f"{n.value:.6g}".partition("e")
        return rf"{mantissa}\cdot 10^{{{int(exp)}}}" if exp else mantissa
    if isinstance(n, Name):
        return r"\pi" if n.name == "pi" else n.name
    if isinstance(n, Neg):
        return "-" + wrap(n.arg, _LEVEL["neg"])
    if isinstance(n, Call):
        args = [latex(a) for a in n.args]
        if n.fn == "abs":
            return rf"\left|{args[0]}\right|"
        if n.fn == "sqrt":
            return rf"\sqrt{{{args[0]}}}"
        return rf"{_LATEX_FN[n.fn]}\left({', '.join(args)}\right)"
    if n.op == "^":
        return f"{{{wrap(n.left, _LEVEL['atom'])}}}^{{{latex(n.right)}}}"
    if n.op == "/":
        return rf"\frac{{{latex(n.left)}}}{{{latex(n.right)}}}"
    level = _LEVEL[n.op]
    sep = r"\," if n.op == "*" else f" {n.op} "
    return f"{wrap(n.left, level)}{sep}{wrap(n.right, level + 1)}"


def whole_exponent(n: Node) -> int | None:
    """An exponent as a Python int when it is a literal whole number (then x^3 is exact for x < 0)."""
    if isinstance(n, Num) and n.value == int(n.value):
        return int(n.value)
    if isinstance(n, Neg) and (k := whole_exponent(n.arg)) is not None:
        return -k
    return None


def split_numbers(tree: Node) -> tuple[Node, tuple[float, ...]]:
    """The tree with its numbers taken out as Slots, in reading order, and those numbers: its form,
    which every tree differing from it in numbers only shares. A whole-number exponent stays in the
    form (x^3 is exact for x < 0, x^2 and x^3 are different programs)."""
    numbers: list[float] = []

    def walk(n: Node) -> Node:
        if isinstance(n, Num):
            numbers.append(n.value)
            return Slot(len(numbers) - 1)
        if isinstance(n, Neg):
            return Neg(walk(n.arg))
        if isinstance(n, Call):
            return Call(n.fn, tuple(walk(a) for a in n.args))
        if isinstance(n, BinOp):
            left = walk(n.left)
            return BinOp(n.op, left, n.right if n.op == "^" and whole_exponent(n.right) is not None else walk(n.right))
        return n

    form = walk(tree)
    return form, tuple(numbers)


def evaluate(n: Node, p, numbers=()):
    """f at p (coordinates on axis 0, element-wise over the rest), like the catalogue's functions;
    a Slot is `numbers[index]` (floats, or an array a compiled program takes as an argument)."""
    if isinstance(n, Num):
        return n.value
    if isinstance(n, Slot):
        return numbers[n.index]
    if isinstance(n, Name):
        return p[VARIABLES.index(n.name)] if n.name in VARIABLES else CONSTANTS[n.name]
    if isinstance(n, Neg):
        return -evaluate(n.arg, p, numbers)
    if isinstance(n, Call):
        return FUNCTIONS[n.fn][1](*(evaluate(a, p, numbers) for a in n.args))
    left = evaluate(n.left, p, numbers)
    if n.op == "^" and (k := whole_exponent(n.right)) is not None:
        return jnp.asarray(left) ** k
    right = evaluate(n.right, p, numbers)
    if n.op in ARITHMETIC:
        return ARITHMETIC[n.op](left, right)
    if n.op == "/":
        return jnp.asarray(left) / right
    return jnp.power(left, right)


def objective(tree: Node) -> Callable:
    """f(p) for a parsed tree: it uses x or y, and every operation broadcasts, so f has p's trailing shape."""
    return lambda p: evaluate(tree, p)


def form_objective(form: Node) -> Callable:
    """f(p, numbers) for a tree's form (`split_numbers`): it evaluates every tree of that form."""
    return lambda p, numbers: evaluate(form, p, numbers)
