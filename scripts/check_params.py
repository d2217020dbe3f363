"""List the functions in `bot/services` that take more than 4 parameters besides `self` / `cls`; exit 1 if any.

Run: `.venv/bin/python scripts/check_params.py [PATH ...]` (default: `bot/services`). `.ci/run` and
`tests/app/test_architecture.py` run it, so CI keeps it true. (`scripts/shape.py` prints issue 22's figures,
among them the same count for public functions only; this is the stricter check that fails.)

Why (issue 22, item 3): a use case takes `deps` (the store and the settings, `bot.services.kernel.deps.Deps`),
`call` (the actor, now and the language, `bot.domain.call.Call`) and at most two inputs of its own; a rule
with more inputs takes a small value object instead of a row of loose parameters that callers mix up.

Every function counts, private `_helpers`, nested functions and pure rules included: a helper with six
parameters is as easy to call wrongly as a use case, and exempting a leading underscore would only invite
renaming. Every parameter counts — positional, keyword-only, `*args` and `**kwargs` — whether it has a
default or not, since each one is something a reader must know at the call site.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 4


@dataclass(frozen=True)
class Found:
    path: Path
    line: int
    name: str
    params: tuple[str, ...]

    def __str__(self) -> str:
        where = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{where}:{self.line}: {self.name} takes {len(self.params)}: {', '.join(self.params)}"


def params(node: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> tuple[str, ...]:
    """The parameters a caller supplies: `self` / `cls` of a method left out."""
    args = node.args
    names = [a.arg for a in (*args.posonlyargs, *args.args)]
    if in_class and names and names[0] in ("self", "cls"):
        names = names[1:]
    names += [a.arg for a in args.kwonlyargs]
    if args.vararg is not None:
        names.append("*" + args.vararg.arg)
    if args.kwarg is not None:
        names.append("**" + args.kwarg.arg)
    return tuple(names)


def functions(tree: ast.AST, prefix: str = "", in_class: bool = False) -> Iterator[tuple[str, ast.AST, bool]]:
    """Every function and method, nested ones too, with its dotted name and whether it is a method."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield prefix + node.name, node, in_class
            yield from functions(node, f"{prefix}{node.name}.", False)
        elif isinstance(node, ast.ClassDef):
            yield from functions(node, f"{prefix}{node.name}.", True)
        else:
            yield from functions(node, prefix, in_class)


def too_many(path: Path) -> list[Found]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for name, node, in_class in functions(tree):
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        names = params(node, in_class)
        if len(names) > LIMIT:
            found.append(Found(path, node.lineno, name, names))
    return found


def scan(paths: list[Path]) -> list[Found]:
    files = sorted({f for p in paths for f in ([p] if p.is_file() else p.rglob("*.py"))})
    return [hit for f in files for hit in too_many(f)]


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or [ROOT / "bot" / "services"]
    found = scan(paths)
    for hit in found:
        print(hit)
    if found:
        print(f"{len(found)} function(s) take more than {LIMIT} parameters besides self/cls", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
