"""The fused fold: each indicator's ``fold`` hook written into the one loop, so that a release costs
no function call per flag.

Each red flag keeps its code in its own module; calling those hooks once per release and reading
the shared :class:`~.base.Context` cost ≈ 7 % more CPU than the single function they replaced
(issue 14). The fused fold takes the source of :func:`.base.fold_calls` (the template) and puts in
place of each ``for hook in tender_hooks / award_hooks / bid_hooks: hook(ctx)`` the bodies of the
enabled indicators' ``fold`` methods of that phase, in fold order, rewritten:

- ``ctx.field`` reads the template's local of that name (the template's locals are named as the
  fields; its ``ctx.field = field`` statements are left out, except before the currency observers,
  which are still called with the context);
- ``self.attr`` reads a local bound once before the loop (``_r025_self_batch = parts[4].batch``):
  a hook never rebinds an attribute while folding (``flush`` empties its lists in place);
- the hook's own locals and the module names it uses get the indicator's prefix (``_r030_i``,
  ``_r030_g_flag``), builtins stay;
- ``return`` leaves a one-pass ``while True: ... break`` around the body.

What cannot be rewritten so (``ctx`` or ``self`` passed on, an attribute stored, ``return`` inside a
loop or with a value, a nested function or comprehension, a field its phase does not have) raises
:class:`NotInlinable`; :func:`fused_fold` then returns None and the fold calls the hooks
(:func:`.base.fold_calls`), with the same result. ``BIDWATCH_OCDS_FUSE=0`` always calls them.
Made once per process (≈ 10 ms: the functions' lines parsed by the C parser, the AST compiled as
it is); its code is kept in the package's ``__pycache__`` like a ``.pyc``
(``fused-<codes>.<python>.bin``, stamped with the classes and the size and time of the source
files that made it; not when Python writes no bytecode) and read from there by the next run.
:func:`fused_source` prints it. A traceback from it names the fused fold and the line in the
hook's own module; ``BIDWATCH_OCDS_FUSE=0`` gives the hook's own traceback.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import marshal
import os
import sys
import textwrap
from pathlib import Path

from bidwatch.ocds.cardinal import base

#: the template's hook loops and the phase whose hooks go there
_SITES = {"tender_hooks": base.TENDER, "award_hooks": base.AWARDS, "bid_hooks": base.BIDS}

_cache: dict[tuple, tuple] = {}  # classes -> (function or None, its AST, None, or why there is none)
_CACHE_DIR = Path(__file__).parent / "__pycache__"


class NotInlinable(Exception):
    """An indicator's ``fold`` that the fused fold cannot contain (the hooks are called instead)."""


def fused_fold(classes: tuple[type[base.Indicator], ...]):
    """The fused fold of these indicators (in fold order), or None when one cannot be inlined."""
    entry = _cache.get(classes)
    if entry is None:
        name = "+".join(c.code for c in classes)
        path = _CACHE_DIR / f"fused-{name}.{sys.implementation.cache_tag}.bin"
        stamp = _stamp(classes)
        try:
            kept, code, names = marshal.loads(path.read_bytes())
            if kept != stamp:
                raise ValueError("made of other sources")
            entry = (_function_of(code, names), None)
        except Exception:  # noqa: BLE001 - no file, another one, not one this Python reads: made again
            try:
                code, names, tree = _compile(classes)
            except NotInlinable as e:
                entry = (None, str(e))
            else:
                entry = (_function_of(code, names), tree)
                _write(path, marshal.dumps((stamp, code, names)))
        _cache[classes] = entry
    return entry[0]


def _stamp(classes: tuple[type[base.Indicator], ...]) -> tuple:
    """What the fused code is made of: the classes, and the size and time of the files of fuse, the
    template and the hooks (as a ``.pyc`` is stamped with its source's)."""
    files = {__file__, base.fold_calls.__code__.co_filename}
    files.update(cls.fold.__code__.co_filename for cls in classes)
    stats = []
    for name in sorted(files):
        st = os.stat(name)
        stats.append((name, st.st_size, st.st_mtime_ns))
    return tuple(f"{c.__module__}.{c.__qualname__}" for c in classes), tuple(stats)


def _write(path: Path, data: bytes) -> None:
    if sys.dont_write_bytecode:
        return
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:  # a read-only installation: made again next time
        with contextlib.suppress(OSError):
            tmp.unlink()


def _function_of(code, names: dict[str, tuple[str, str]]):
    """The function of the fused code, its hooks' module names bound (prefixed name -> (module, name))."""
    namespace = dict(vars(base))
    for prefixed, (module, name) in names.items():
        namespace[prefixed] = vars(sys.modules[module])[name]
    exec(code, namespace)  # noqa: S102 - our own indicators' code, rearranged
    return namespace["fused_fold"]


def fused_source(classes: tuple[type[base.Indicator], ...]) -> str:
    """The source of :func:`fused_fold` (or why there is none)."""
    fused_fold(classes)
    tree = _cache[classes][1]
    if tree is None:  # read from __pycache__
        tree = _compile(classes)[2]
    return tree if isinstance(tree, str) else ast.unparse(tree) + "\n"


def _function(fn) -> ast.FunctionDef:
    """The definition of a function or a method: its lines of its module's file, parsed with their
    line numbers (the C parser; only these lines, a fused fold is made at the start of every run)."""
    code = fn.__code__
    first = code.co_firstlineno
    last = max(line for _, _, line in code.co_lines() if line is not None)
    with open(code.co_filename, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)[first - 1:last]
    tree = ast.parse("\n" * (first - 1) + textwrap.dedent("".join(lines)), code.co_filename)
    fdef = tree.body[0]
    if not isinstance(fdef, ast.FunctionDef) or fdef.name != code.co_name:
        raise NotInlinable(f"{fn.__qualname__}: definition not found in {code.co_filename}")
    return fdef


class _Hook(ast.NodeTransformer):
    """Rewrites one indicator's ``fold`` body for the fused loop."""

    def __init__(self, cls: type[base.Indicator], index: int, template_locals: set[str]):
        code = cls.fold.__code__
        if code.co_varnames[:code.co_argcount] != ("self", "ctx") or code.co_flags & 0x0C or code.co_kwonlyargcount:
            raise NotInlinable(f"{cls.__name__}.fold: not (self, ctx)")
        if any(type(c) is type(code) for c in code.co_consts):
            raise NotInlinable(f"{cls.__name__}.fold: a nested function, class or comprehension")
        fdef = _function(cls.fold)
        self.cls = cls
        self.prefix = f"_{cls.code.lower()}_"
        self.index = index
        self.fields = base.PHASE_FIELDS[cls.phase]
        self.locals = set(code.co_varnames) - {"self", "ctx"}
        self.module = cls.fold.__globals__
        self.template_locals = template_locals
        self.globals: dict[str, tuple[str, str]] = {}  # prefixed name -> (module, name)
        self.attrs: dict[str, str] = {}  # prefixed name -> attribute of the indicator
        self.loops = 0
        self.returns = False
        body = fdef.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        self.body = [self.visit(stmt) for stmt in body]

    def fail(self, node: ast.AST, why: str):
        raise NotInlinable(f"{self.cls.__name__}.fold, line {getattr(node, 'lineno', '?')}: {why}")

    def statements(self) -> list[ast.stmt]:
        if not self.returns:
            return self.body
        first = self.body[0]
        test, end = ast.copy_location(ast.Constant(True), first), ast.copy_location(ast.Break(), first)
        return [ast.copy_location(ast.While(test=test, body=[*self.body, end], orelse=[]), first)]

    def visit_Attribute(self, node: ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id in ("ctx", "self"):
            if not isinstance(node.ctx, ast.Load):
                self.fail(node, f"stores {node.value.id}.{node.attr}")
            if node.value.id == "ctx":
                if node.attr not in self.fields:
                    self.fail(node, f"ctx.{node.attr} is not set before phase {self.cls.phase}'s hooks")
                return ast.copy_location(ast.Name(node.attr, ast.Load()), node)
            name = f"{self.prefix}self_{node.attr}"
            self.attrs[name] = node.attr
            return ast.copy_location(ast.Name(name, ast.Load()), node)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name):
        name = node.id
        if name in ("ctx", "self"):
            self.fail(node, f"uses {name} other than for an attribute")
        if name in self.locals:
            return ast.copy_location(ast.Name(self.prefix + name, node.ctx), node)
        if name in self.module:
            prefixed = f"{self.prefix}g_{name}"
            self.globals[prefixed] = (self.module["__name__"], name)
            return ast.copy_location(ast.Name(prefixed, node.ctx), node)
        if hasattr(builtins, name) and name not in self.template_locals:
            return node
        self.fail(node, f"name {name!r} not found (or hidden by the fold's locals)")

    def visit_Return(self, node: ast.Return):
        if node.value is not None:
            self.fail(node, "returns a value")
        if self.loops:
            self.fail(node, "returns from inside a loop")
        self.returns = True
        return ast.copy_location(ast.Break(), node)

    def _loop(self, node):
        # ``return`` in the loop's body would leave only that loop; in its ``else``, the hook.
        for field in ("target", "iter", "test"):
            if hasattr(node, field):
                setattr(node, field, self.visit(getattr(node, field)))
        self.loops += 1
        node.body = [self.visit(stmt) for stmt in node.body]
        self.loops -= 1
        node.orelse = [self.visit(stmt) for stmt in node.orelse]
        return node

    visit_For = visit_While = _loop

    def _refuse(self, node):
        self.fail(node, f"{type(node).__name__} is not inlined")

    visit_Global = visit_Nonlocal = visit_Yield = visit_YieldFrom = visit_Await = visit_AsyncFor = _refuse
    visit_Try = visit_TryStar = visit_With = visit_AsyncWith = visit_Match = _refuse


class _Template:
    """Rewrites :func:`.base.fold_calls` into the fused fold (its statements only: the expressions
    stay as they are)."""

    def __init__(self, hooks: dict[int, list[_Hook]]):
        self.hooks = hooks
        self.left_out: list[ast.stmt] = []  # the ``ctx.field = field`` seen so far

    def body(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for node in stmts:
            if isinstance(node, ast.Assign):
                if (len(node.targets) == 1 and isinstance(t := node.targets[0], ast.Attribute)
                        and isinstance(t.value, ast.Name) and t.value.id == "ctx"
                        and isinstance(node.value, ast.Name) and node.value.id == t.attr):
                    self.left_out.append(node)
                    continue
            elif isinstance(node, ast.For) and isinstance(node.iter, ast.Name) and node.iter.id in _SITES:
                out.extend(s for hook in self.hooks[_SITES[node.iter.id]] for s in hook.statements())
                continue
            elif isinstance(node, ast.For) and isinstance(node.iter, ast.Name) and node.iter.id == "observers":
                # The observers are still called with the context: fill it first (rarely run).
                out.extend(self.left_out)
            for field in ("body", "orelse", "finalbody"):
                if getattr(node, field, None):
                    setattr(node, field, self.body(getattr(node, field)) or [ast.copy_location(ast.Pass(), node)])
            out.append(node)
        return out


def build(classes: tuple[type[base.Indicator], ...]) -> tuple:
    """``(function, AST)`` of the fused fold of ``classes`` (their order is the fold order), made anew."""
    code, names, tree = _compile(classes)
    return _function_of(code, names), tree


def _compile(classes: tuple[type[base.Indicator], ...]) -> tuple:
    """``(code, names, AST)``: the fused fold's module code, the module names its hooks use."""
    fdef = _function(base.fold_calls)
    code = base.fold_calls.__code__
    template_locals = set(code.co_varnames) | set(code.co_cellvars)
    hooks: dict[int, list[_Hook]] = {phase: [] for phase in _SITES.values()}
    names: dict[str, tuple[str, str]] = {}
    hoists: list[ast.stmt] = []
    for index, cls in enumerate(classes):
        if cls.fold is base.Indicator.fold:
            continue
        hook = _Hook(cls, index, template_locals)
        hooks[cls.phase].append(hook)
        names.update(hook.globals)
        for name, attr in hook.attrs.items():
            hoists.append(ast.parse(f"{name} = parts[{index}].{attr}").body[0])
    fdef.body = _Template(hooks).body(fdef.body)
    fdef.name = "fused_fold"
    # The hooks' attributes are bound just before the release loop.
    loop = next(i for i, s in enumerate(fdef.body)
                if isinstance(s, ast.For) and isinstance(s.target, ast.Tuple)
                and [e.id for e in s.target.elts] == ["no", "release"])
    fdef.body[loop:loop] = hoists
    module = ast.Module(body=[fdef], type_ignores=[])  # (every node made has a location)
    code = compile(module, f"<cardinal fused fold {'+'.join(c.code for c in classes)}>", "exec")
    return code, names, module
