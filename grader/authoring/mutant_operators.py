"""Mutation operators: small, plausible mistakes written into a copy of a reference solution.

``mutants_of`` parses the source with ``ast``, finds every place an operator applies, and writes
each mutant by rewriting only the characters of the changed node, so that the rest of the file
(comments, layout) stays as the author wrote it and the diff shows one change. Every mutant is
parsed again and must give exactly the intended tree (parentheses are added where precedence
needs them); a rewrite that cannot be written faithfully is left out rather than guessed.

A mutant's id is ``operator@line:column#hash``, the hash taken over the line before and after the
change: an id stays the same while that line and the number of lines above it do not change.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

# In the order they are listed (and applied at one spot): what each one does.
OPERATORS = {
    "index-end": "an index -1 becomes 0 and 0 becomes -1 (last and first element)",
    "index-shift": "an index or slice bound moves by one (i to i + 1 and i - 1)",
    "range-bound": "a bound of range() moves by one",
    "int-constant": "an integer literal moves by one",
    "bool-flip": "True becomes False and back",
    "zeros-ones": "zeros and ones swap (zeros_like, ones_like, jnp.zeros, jnp.ones, initializers)",
    "drop-statement": "an assignment or a call statement in a function is replaced by pass",
    "drop-copy": "x.copy(), copy(x), deepcopy(x) or clone(x) becomes x",
    "drop-cast": "int(x) or float(x) becomes x",
    "seed": "a seed or key changes (seed to seed + 1; seed + k to seed)",
    "swap-args": "two positional arguments of a call swap",
    "swap-targets": "two names unpacked by one assignment swap",
    "arith": "+ and -, * and / swap; // becomes /; a @ b becomes b @ a",
    "compare": "a comparison flips (== and !=, < to <= and >=, in and not in, ...)",
}
_RANK = {name: i for i, name in enumerate(OPERATORS)}

_SEED_NAME = re.compile(r"seed|(^|_)(sub)?(key|rng)\d*$", re.IGNORECASE)  # not rngs: an nnx.Rngs object
_ZEROS_ONES = {"zeros": "ones", "ones": "zeros", "zeros_like": "ones_like", "ones_like": "zeros_like"}
_COPIES = {"copy", "deepcopy", "clone"}
_ARITH = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div}
_SYMBOL = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_FLIPS = {
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Lt: (ast.LtE, ast.GtE),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
_MAX_SWAP_ARGS = 4  # beyond this many arguments, only neighbours swap


@dataclass(frozen=True)
class Mutant:
    """One rewritten copy of a source file."""

    id: str
    operator: str
    line: int  # 1-based, where the change starts
    column: int  # 1-based, in characters
    description: str  # `old` -> `new`, in the file's own words
    source: str  # the whole mutated file


@dataclass(frozen=True)
class _Edit:
    node: ast.AST  # the node replaced in the tree
    new: ast.AST  # what takes its place
    verbatim: bool = False  # write ``new`` as the file spells it (it is one of the file's nodes)
    operator_at: int | None = None  # rewrite only the operator symbol before operand k + 1
    symbol: str = ""  # the new operator symbol, with ``operator_at``


@dataclass(frozen=True)
class _Mutation:
    operator: str
    edits: tuple[_Edit, ...]


@dataclass(frozen=True)
class _Context:
    parents: dict  # id(node) -> (parent, field)
    tuple_indexes: frozenset  # ids of tuples used as a subscript's index
    in_function: frozenset  # ids of statements inside a function body
    string_names: frozenset  # names the file assigns a string to (dict keys, not positions)


def mutants_of(source: str) -> list[Mutant]:
    """Every mutant of ``source``, in file order, one per distinct resulting file.
    Raises SyntaxError when ``source`` does not parse."""
    tree = ast.parse(source)
    text = _Text(source)
    context = _context(tree)
    found = [m for node in ast.walk(tree) for m in _mutations(node, context)]
    order = sorted(range(len(found)), key=lambda i: (text.region(found[i])[0], _RANK[found[i].operator], i))
    seen, out = {source}, []
    ids: set[str] = set()
    for i in order:
        written = _write(tree, text, found[i])
        if written is None or written in seen:
            continue
        seen.add(written)
        out.append(_describe(text, found[i], written, ids))
    return out


# ---------------------------------------------------------------- operators


def _mutations(node: ast.AST, context: _Context) -> Iterator[_Mutation]:
    parent = context.parents.get(id(node))
    if isinstance(node, ast.Subscript):
        yield from _index(node.slice, context)
    if isinstance(node, ast.Call):
        yield from _call(node)
    k = _int_value(node)
    if k is not None and not _is_index(node, parent, context) and not _is_sign_operand(parent):
        for new in (k + 1, k - 1):
            yield _Mutation("int-constant", (_Edit(node, _int_node(new)),))
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield _Mutation("bool-flip", (_Edit(node, ast.Constant(not node.value)),))
    if isinstance(node, ast.Attribute) and node.attr in _ZEROS_ONES and isinstance(node.ctx, ast.Load):
        yield _Mutation(
            "zeros-ones", (_Edit(node, ast.Attribute(node.value, _ZEROS_ONES[node.attr], ast.Load())),)
        )
    if isinstance(node, ast.Name) and node.id in _ZEROS_ONES and isinstance(node.ctx, ast.Load):
        yield _Mutation("zeros-ones", (_Edit(node, ast.Name(_ZEROS_ONES[node.id], ast.Load())),))
    if id(node) in context.in_function and _droppable(node):
        yield _Mutation("drop-statement", (_Edit(node, ast.Pass()),))
    if _is_seed(node):
        yield _Mutation("seed", (_Edit(node, ast.BinOp(node, ast.Add(), ast.Constant(1))),))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)) and _is_seed(node.left):
        yield _Mutation("seed", (_Edit(node, node.left, verbatim=True),))
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], (ast.Tuple, ast.List))
    ):
        names = node.targets[0].elts
        if all(isinstance(n, ast.Name) for n in names):
            yield from _swaps("swap-targets", names)
    if isinstance(node, ast.BinOp):
        yield from _arith(node)
    if isinstance(node, ast.Compare):
        yield from _compare(node)


def _index(index: ast.AST, context: _Context) -> Iterator[_Mutation]:
    k = _int_value(index)
    if k is not None:
        if k in (-1, 0):
            yield _Mutation("index-end", (_Edit(index, _int_node(0 if k == -1 else -1)),))
        for new in (k + 1, k - 1):
            yield _Mutation("index-shift", (_Edit(index, _int_node(new)),))
    elif isinstance(index, (ast.Name, ast.Attribute)) and _unparsed(index) not in context.string_names:
        yield from _off_by_one("index-shift", index)
    elif isinstance(index, ast.Slice):
        for bound in (index.lower, index.upper):
            if isinstance(bound, (ast.Name, ast.Attribute)):
                yield from _off_by_one("index-shift", bound)
    elif isinstance(index, ast.Tuple):
        for element in index.elts:
            yield from _index(element, context)


def _call(node: ast.Call) -> Iterator[_Mutation]:
    name = _callee(node)
    plain = not any(isinstance(a, ast.Starred) for a in node.args)
    if name == "range" and isinstance(node.func, ast.Name) and plain:
        for bound in node.args[:2]:
            k = _int_value(bound)
            if k is not None:
                for new in (k + 1, k - 1):
                    yield _Mutation("range-bound", (_Edit(bound, _int_node(new)),))
            elif not (isinstance(bound, ast.BinOp) and _int_value(bound.right) is not None):
                yield from _off_by_one("range-bound", bound)  # in n - 1, int-constant moves the 1
    if name == "copy" and isinstance(node.func, ast.Attribute) and not node.args and not node.keywords:
        yield _Mutation("drop-copy", (_Edit(node, node.func.value, verbatim=True),))
    elif name in _COPIES and len(node.args) == 1 and not node.keywords and plain:
        yield _Mutation("drop-copy", (_Edit(node, node.args[0], verbatim=True),))
    if name in ("int", "float") and isinstance(node.func, ast.Name) and len(node.args) == 1 and plain:
        yield _Mutation("drop-cast", (_Edit(node, node.args[0], verbatim=True),))
    if plain and len(node.args) >= 2:
        yield from _swaps("swap-args", node.args)


def _swaps(operator: str, items: Sequence[ast.AST]) -> Iterator[_Mutation]:
    n = len(items)
    if n <= _MAX_SWAP_ARGS:
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    else:
        pairs = [(i, i + 1) for i in range(n - 1)]
    for i, j in pairs:
        a, b = items[i], items[j]
        if ast.dump(a) != ast.dump(b):
            yield _Mutation(operator, (_Edit(a, b, verbatim=True), _Edit(b, a, verbatim=True)))


def _arith(node: ast.BinOp) -> Iterator[_Mutation]:
    op = type(node.op)
    if op in _ARITH:
        new = ast.BinOp(node.left, _ARITH[op](), node.right)
        yield _Mutation("arith", (_Edit(node, new, operator_at=0, symbol=_SYMBOL[_ARITH[op]]),))
    elif op is ast.MatMult and ast.dump(node.left) != ast.dump(node.right):
        yield _Mutation(
            "arith",
            (_Edit(node.left, node.right, verbatim=True), _Edit(node.right, node.left, verbatim=True)),
        )


def _compare(node: ast.Compare) -> Iterator[_Mutation]:
    for k, op in enumerate(node.ops):
        for flipped in _FLIPS.get(type(op), ()):
            ops = list(node.ops)
            ops[k] = flipped()
            new = ast.Compare(node.left, ops, node.comparators)
            yield _Mutation("compare", (_Edit(node, new, operator_at=k, symbol=_SYMBOL[flipped]),))


def _off_by_one(operator: str, node: ast.expr) -> Iterator[_Mutation]:
    for op in (ast.Add(), ast.Sub()):
        yield _Mutation(operator, (_Edit(node, ast.BinOp(node, op, ast.Constant(1))),))


def _droppable(node: ast.AST) -> bool:
    if isinstance(node, (ast.Assign, ast.AugAssign)):
        return True
    if isinstance(node, ast.AnnAssign):
        return node.value is not None
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _is_seed(node: ast.AST) -> TypeGuard[ast.Name]:
    return isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and bool(_SEED_NAME.search(node.id))


def _int_value(node: ast.AST) -> int | None:
    """The value of an integer literal, signed (``-1`` parses as minus applied to 1)."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return None


def _int_node(k: int) -> ast.AST:
    return ast.UnaryOp(ast.USub(), ast.Constant(-k)) if k < 0 else ast.Constant(k)


def _is_index(node: ast.AST, parent: tuple | None, context: _Context) -> bool:
    """A literal that ``_index`` already moves: a subscript's index, or part of a tuple index."""
    if parent is None:
        return False
    owner, field = parent
    return (isinstance(owner, ast.Subscript) and field == "slice") or id(owner) in context.tuple_indexes


def _is_sign_operand(parent: tuple | None) -> bool:
    return parent is not None and isinstance(parent[0], ast.UnaryOp) and isinstance(parent[0].op, ast.USub)


# ---------------------------------------------------------------- writing a mutant


def _context(tree: ast.AST) -> _Context:
    parents: dict[int, tuple[ast.AST, str]] = {}
    tuples: set[int] = set()
    in_function: set[int] = set()
    strings: set[str] = set()
    for owner in ast.walk(tree):
        for field, value in ast.iter_fields(owner):
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    parents[id(child)] = (owner, field)
        if isinstance(owner, ast.Subscript) and isinstance(owner.slice, ast.Tuple):
            tuples.add(id(owner.slice))
        if isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function.update(id(n) for n in ast.walk(owner) if isinstance(n, ast.stmt) and n is not owner)
        if isinstance(owner, ast.Assign) and (
            isinstance(owner.value, ast.JoinedStr)
            or (isinstance(owner.value, ast.Constant) and isinstance(owner.value.value, str))
        ):
            strings.update(_unparsed(t) for t in owner.targets)
    return _Context(parents, frozenset(tuples), frozenset(in_function), frozenset(strings))


def _unparsed(node: ast.AST) -> str:
    return ast.unparse(node)


class _Text:
    """The source as bytes (``ast`` columns count UTF-8 bytes) with each line's offset."""

    def __init__(self, source: str):
        self.data = source.encode("utf-8")
        self.starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def span(self, node: ast.AST) -> tuple[int, int]:
        placed: Any = node  # ast.AST declares no position; every node edited here is an expr or a stmt
        return (
            self.starts[placed.lineno - 1] + placed.col_offset,
            self.starts[placed.end_lineno - 1] + placed.end_col_offset,
        )

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.data[start:end].decode("utf-8")

    def edit_span(self, edit: _Edit) -> tuple[int, int]:
        """The bytes an edit rewrites: the node, or only its operator symbol."""
        if edit.operator_at is None:
            return self.span(edit.node)
        node, k = edit.node, edit.operator_at
        assert isinstance(node, (ast.BinOp, ast.Compare))  # the nodes whose operator an edit rewrites
        before, after = (
            (node.left, node.right)
            if isinstance(node, ast.BinOp)
            else ((node.left, *node.comparators)[k], node.comparators[k])
        )
        gap_start, gap_end = self.span(before)[1], self.span(after)[0]
        gap = self.data[gap_start:gap_end].decode("utf-8")
        old = _SYMBOL[type(node.op if isinstance(node, ast.BinOp) else node.ops[k])]
        found = re.search(_symbol_pattern(old), gap)
        if found is None:
            return gap_start, gap_start  # writes nothing useful; the check in _write drops it
        return (
            gap_start + len(gap[: found.start()].encode("utf-8")),
            gap_start + len(gap[: found.end()].encode("utf-8")),
        )

    def region(self, mutation: _Mutation) -> tuple[int, int]:
        """The bytes of the original that a mutation touches, whole nodes for operator edits."""
        spans = [self.span(e.node) for e in mutation.edits]
        return min(s for s, _ in spans), max(e for _, e in spans)


def _symbol_pattern(symbol: str) -> str:
    if symbol[0].isalpha():
        return r"\b" + r"\s+".join(symbol.split()) + r"\b"
    operators = re.escape("+-*/<>=!@%&|^")
    return rf"(?<![{operators}]){re.escape(symbol)}(?![{operators}])"


def _new_text(text: _Text, edit: _Edit, parenthesise: bool) -> str:
    if edit.operator_at is not None:
        return edit.symbol
    written = text.segment(edit.new) if edit.verbatim else ast.unparse(edit.new)
    if parenthesise and isinstance(edit.new, ast.expr):
        return f"({written})"
    return written


def _write(tree: ast.AST, text: _Text, mutation: _Mutation) -> str | None:
    """The mutated source, or None when no faithful spelling of the intended tree was found."""
    intended = ast.dump(_replaced(tree, mutation.edits))
    for parenthesise in (False, True):
        data = text.data
        for edit in sorted(mutation.edits, key=lambda e: text.edit_span(e), reverse=True):
            start, end = text.edit_span(edit)
            data = data[:start] + _new_text(text, edit, parenthesise).encode("utf-8") + data[end:]
        written = data.decode("utf-8")
        try:
            if ast.dump(ast.parse(written)) == intended:
                return written
        except SyntaxError:
            pass
    return None


def _replaced(tree: ast.AST, edits: tuple[_Edit, ...]) -> ast.AST:
    """A copy of ``tree`` with each edited node replaced."""
    twin = copy.deepcopy(tree)
    twins = {id(a): b for a, b in zip(ast.walk(tree), ast.walk(twin), strict=True)}
    wanted = {id(twins[id(e.node)]): copy.deepcopy(e.new) for e in edits}
    for owner in list(ast.walk(twin)):
        for field, value in ast.iter_fields(owner):
            if isinstance(value, list):
                value[:] = [wanted.get(id(child), child) for child in value]
            elif id(value) in wanted:
                setattr(owner, field, wanted[id(value)])
    return twin


def _describe(text: _Text, mutation: _Mutation, written: str, ids: set) -> Mutant:
    start, end = text.region(mutation)
    data = written.encode("utf-8")
    delta = len(data) - len(text.data)
    line = next(i for i, s in enumerate(text.starts) if s > start)  # 1-based: starts[0] is line 1
    column = len(text.data[text.starts[line - 1] : start].decode("utf-8")) + 1
    old = " ".join(text.data[start:end].decode("utf-8").split())
    new = " ".join(data[start : end + delta].decode("utf-8").split())
    hashed = hashlib.sha256(f"{_line(text.data.decode('utf-8'), line)}\n{_line(written, line)}".encode())
    digest = hashed.hexdigest()[:6]
    mutant_id = base = f"{mutation.operator}@{line}:{column}#{digest}"
    n = 2
    while mutant_id in ids:
        mutant_id, n = f"{base}-{n}", n + 1
    ids.add(mutant_id)
    return Mutant(mutant_id, mutation.operator, line, column, f"{_short(old)} -> {_short(new)}", written)


def _line(source: str, number: int) -> str:
    lines = source.splitlines()
    return lines[number - 1].strip() if number <= len(lines) else ""


def _short(code: str, width: int = 60) -> str:
    return code if len(code) <= width else code[: width - 1] + "…"
