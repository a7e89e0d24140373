"""Reading what students type: a safe calculator for numeric answers.

Students type ``0.25^10``, ``1/4``, ``sqrt(2/100)``, ``9.54e-7``, ``25%`` or a list
such as ``0.27, 0.53, -0.80``. The text is parsed with :mod:`ast` into an
expression tree and evaluated by walking a whitelist of nodes (numbers, + − × ÷,
powers, a few functions and constants, one flat list); nothing is ever ``eval``-ed
or compiled. Sizes are bounded before any work is done (characters, tree depth,
node count, list length, exponent size), and every intermediate result must be a
finite float, so ``9**9**9**9``, ``__import__('os')`` or a 100 kB paste fail at
once with an :class:`~quizzer.errors.AnswerError` saying what could not be read.

Percent: ``25%`` means 0.25, except where the family's unit is ``%`` (the answer
itself is in percent), where ``25%`` and ``25`` both mean 25.

Reading comes before marking, which is :mod:`quizzer.variants.check`'s job; this
module needs nothing but the standard library, so the checker imports it plainly.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from typing import Any

from ..errors import AnswerError

__all__ = ["parse_answer", "parse_expression", "MAX_CHARS", "YES", "NO"]

MAX_CHARS = 2000
MAX_NODES = 500
MAX_DEPTH = 40
MAX_EXPONENT = 1000
MAX_ELEMENTS = 100

YES = frozenset({"yes", "y", "true", "t", "1"})
NO = frozenset({"no", "n", "false", "f", "0"})

FUNCTIONS: dict[str, Callable[[float], float]] = {"sqrt": math.sqrt, "exp": math.exp, "log": math.log, "ln": math.log,
             "log10": math.log10, "log2": math.log2, "abs": abs}
CONSTANTS = {"pi": math.pi, "e": math.e}

_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}
_FORBIDDEN = {ast.Attribute: "attribute access (a.b)", ast.Subscript: "indexing (a[i])",
              ast.Lambda: "lambda", ast.Compare: "comparisons", ast.BoolOp: "and/or",
              ast.Dict: "dictionaries", ast.Set: "sets", ast.JoinedStr: "text",
              ast.Starred: "*-unpacking", ast.IfExp: "if/else", ast.NamedExpr: ":="}
_TRANSLATE = str.maketrans({"−": "-", "–": "-", "×": "*", "·": "*", "÷": "/", ";": ","})
# A % sign that ends a number (before the end, a comma, or a closing bracket).
_PERCENT = re.compile(r"%(?=\s*(?:$|[,\])]))")


def _unreadable(reason: str) -> AnswerError:
    return AnswerError(reason, "type a number such as 0.25, 1/4, 2.5e-3, sqrt(2/100), or a list like [0.1, 0.2]")


def _normalise(text: str, unit: str) -> str:
    """Calculator spellings to Python's: ^ is a power, Unicode minus and times, % as a suffix."""
    text = text.strip().translate(_TRANSLATE).replace("^", "**")
    text = _PERCENT.sub("" if unit == "%" else "/100", text)
    if "%" in text:
        raise _unreadable("a % sign may only follow a number")
    return text


def _parse_tree(text: str) -> ast.expr:
    if len(text) > MAX_CHARS:
        raise _unreadable(f"the answer is {len(text)} characters long; at most {MAX_CHARS} are read")
    if not text:
        raise _unreadable("the answer is empty")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise _unreadable(f"'{_excerpt(text)}' is not a number or a calculation") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise _unreadable(f"the calculation is too long ({nodes} parts; at most {MAX_NODES})")
    return tree.body


def _excerpt(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(node: ast.expr, depth: int = 0) -> float:
    """Evaluate one whitelisted expression node to a finite float."""
    if depth > MAX_DEPTH:
        raise _unreadable(f"the calculation is nested too deeply (more than {MAX_DEPTH} levels)")
    try:
        value = _evaluate(node, depth)
    except ZeroDivisionError:
        raise _unreadable("it divides by zero") from None
    except OverflowError:
        raise _unreadable("a number in it is too large") from None
    except ValueError:
        raise _unreadable("it takes a root, power or logarithm that is not defined (such as sqrt(-1))") from None
    if not math.isfinite(value):
        raise _unreadable("a number in it is too large")
    return value


def _evaluate(node: ast.expr, depth: int) -> float:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise _unreadable(f"{node.value!r} is not a number")
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _number(node.operand, depth + 1)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        return _binary(node, depth)
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise _unreadable(f"unknown name '{node.id}'; you may use {', '.join(CONSTANTS)} and "
                          f"{', '.join(FUNCTIONS)}(…)")
    if isinstance(node, ast.Call):
        return _call(node, depth)
    if isinstance(node, (ast.List, ast.Tuple)):
        raise _unreadable("a list inside a list or a calculation; give one flat list of numbers")
    what = _FORBIDDEN.get(type(node), "this kind of expression")
    raise _unreadable(f"{what} is not allowed in an answer")


def _binary(node: ast.BinOp, depth: int) -> float:
    if isinstance(node.op, ast.Pow):
        exponent = _number(node.right, depth + 1)
        if abs(exponent) > MAX_EXPONENT:
            raise _unreadable(f"the exponent {exponent:g} is too large (at most {MAX_EXPONENT})")
        base = _number(node.left, depth + 1)
        if base == 0 and exponent < 0:
            raise ZeroDivisionError
        return math.pow(base, exponent)
    operation = _BINARY.get(type(node.op))
    if operation is None:
        raise _unreadable("only + − * / and ** (or ^) may be used")
    return operation(_number(node.left, depth + 1), _number(node.right, depth + 1))


def _call(node: ast.Call, depth: int) -> float:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in FUNCTIONS:
        shown = f"'{name}'" if name else "this"
        raise _unreadable(f"{shown} is not a function you may use; allowed: {', '.join(FUNCTIONS)}")
    if node.keywords or len(node.args) != 1:
        raise _unreadable(f"{name}(…) takes exactly one number")
    return float(FUNCTIONS[name](_number(node.args[0], depth + 1)))


def parse_expression(text: str, unit: str = "") -> list[float] | float:
    """One number, or a flat list of numbers for a top-level list or comma-separated values."""
    tree = _parse_tree(_normalise(text, unit))
    if isinstance(tree, (ast.List, ast.Tuple)):
        if len(tree.elts) > MAX_ELEMENTS:
            raise _unreadable(f"the list has {len(tree.elts)} numbers; at most {MAX_ELEMENTS} are read")
        return [_tidy(_number(element, 1)) for element in tree.elts]
    return _tidy(_number(tree))


def _tidy(value: float) -> float:
    """12 significant digits: 0.1 + 0.2 reads as 0.3, as the student meant."""
    return float(f"{value:.12g}") + 0.0


def _plural(count: int) -> str:
    return f"{count} number{'' if count == 1 else 's'}"


def parse_answer(text: str, answer_type: str, unit: str = "", length: int | None = None) -> Any:
    """Read ``text`` as an answer of ``answer_type``; raise ``AnswerError`` if it cannot be read.

    Returns a float (number), an int (integer; a non-whole value comes back as a
    float, so it can be marked wrong rather than refused), a list of floats
    (vector, pair: ``length`` values when given, 2 for a pair), or a bool (yes/no).
    """
    if text is None:
        raise _unreadable("the answer is empty")
    if answer_type == "yes/no":
        word = text.strip().lower().rstrip(".!")
        if word in YES or word in NO:
            return word in YES
        raise AnswerError(f"'{_excerpt(text.strip())}' is not yes or no", "answer yes or no (or true/false, 1/0)")
    value = parse_expression(text, unit)
    if answer_type in ("vector", "pair"):
        expected = 2 if answer_type == "pair" else length
        values = value if isinstance(value, list) else [value]
        if expected is not None and len(values) != expected:
            raise AnswerError(f"expected {_plural(expected)}, got {len(values)}",
                              f"give {_plural(expected)} separated by commas, e.g. [0.1, 0.2]")
        return values
    if isinstance(value, list):
        if len(value) != 1:
            raise AnswerError(f"expected one number, got {len(value)}",
                              "give a single number (use a decimal point, not a comma: 0.25)")
        value = value[0]
    if answer_type == "integer" and value == round(value) and abs(value) < 2**53:
        return round(value)
    return value
