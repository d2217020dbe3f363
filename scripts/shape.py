"""The size figures of issue 22's "Done when": entries at the top of bot/services/, source files over 400 lines,
use cases with more than 4 parameters besides `self`. Prints the figures and the offenders; with --check, exits
1 when a figure is over its limit (for CI or a test, once the figures are met).

A use case is a public function of bot/services/ (its name does not start with `_`), at module level or a method
of a public class, async or not; pure rules count too, since they are called the same way. Parameters are all
of them — positional, keyword-only, `*args`, `**kwargs` — except `self` and `cls`.

Usage: python scripts/shape.py [--check] [--brief] [--max-entries N] [--max-lines N] [--max-params N] [--root DIR]
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class UseCase:
    path: str
    line: int
    name: str
    params: int
    is_async: bool


def services_entries(root: Path) -> list[str]:
    """What a newcomer sees at the top of bot/services/ (caches and hidden files aside)."""
    folder = root / "bot" / "services"
    return sorted(p.name for p in folder.iterdir() if p.name != "__pycache__" and not p.name.startswith("."))


def long_files(root: Path, limit: int) -> list[tuple[str, int]]:
    """Python files under bot/ with more than `limit` lines, longest first."""
    out = []
    for path in sorted((root / "bot").rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            out.append((str(path.relative_to(root)), lines))
    return sorted(out, key=lambda item: (-item[1], item[0]))


def _count(args: ast.arguments, method: bool) -> int:
    named = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if method and named and named[0].arg in ("self", "cls"):
        named = named[1:]
    return len(named) + (args.vararg is not None) + (args.kwarg is not None)


def use_cases(root: Path) -> list[UseCase]:
    """Every public function of bot/services/ with its parameter count."""
    out: list[UseCase] = []
    for path in sorted((root / "bot" / "services").rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = str(path.relative_to(root))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
                is_async = isinstance(node, ast.AsyncFunctionDef)
                out.append(UseCase(where, node.lineno, node.name, _count(node.args, method=False), is_async))
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and not item.name.startswith("_"):
                        name = f"{node.name}.{item.name}"
                        is_async = isinstance(item, ast.AsyncFunctionDef)
                        out.append(UseCase(where, item.lineno, name, _count(item.args, method=True), is_async))
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure is over its limit")
    parser.add_argument("--brief", action="store_true", help="the figures only, not each use case over the limit")
    parser.add_argument("--max-entries", type=int, default=15, help="entries at the top of bot/services/")
    parser.add_argument("--max-lines", type=int, default=400, help="lines of one source file under bot/")
    parser.add_argument("--max-params", type=int, default=4, help="parameters of a use case besides self")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    args = parser.parse_args(argv)
    root: Path = args.root

    entries = services_entries(root)
    print(f"bot/services/ top-level entries: {len(entries)} (limit {args.max_entries}): {', '.join(entries)}")

    files = long_files(root, args.max_lines)
    print(f"source files under bot/ over {args.max_lines} lines: {len(files)}")
    for path, lines in files:
        print(f"  {lines:5d}  {path}")

    cases = use_cases(root)
    over = sorted((c for c in cases if c.params > args.max_params), key=lambda c: (-c.params, c.path, c.line))
    asynchronous = sum(c.is_async for c in over)
    print(
        f"use cases in bot/services/ with more than {args.max_params} parameters: {len(over)} of {len(cases)}"
        f" ({asynchronous} of them async)"
    )
    by_count: dict[int, int] = {}
    for case in over:
        by_count[case.params] = by_count.get(case.params, 0) + 1
    if by_count:
        print("  by count: " + ", ".join(f"{n} params: {k}" for n, k in sorted(by_count.items())))
    for case in [] if args.brief else over:
        print(f"  {case.params:2d}  {case.path}:{case.line}  {'async ' if case.is_async else ''}{case.name}")

    failed = len(entries) > args.max_entries or bool(files) or bool(over)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
