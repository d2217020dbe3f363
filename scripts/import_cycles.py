"""No two modules of the bot import each other, directly or through others: prints each cycle and exits 1.

The layer contract (`lint-imports`, [tool.importlinter] in pyproject.toml) keeps layers and capabilities in
order but says nothing about two modules of one package, e.g. bot.runtime.context and bot.runtime.delivery;
this check does. Imports under `if TYPE_CHECKING:` and inside functions count: a cycle hidden from the
interpreter still ties the two modules together. Importing a.b.c also runs a/__init__.py and a/b/__init__.py,
so those count as imported too (except by modules inside them, which their package runs first).

Usage: python scripts/import_cycles.py [package ...]   (default: bot)
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import grimp


def import_graph(packages: Iterable[str]) -> dict[str, set[str]]:
    """Module → the modules of `packages` it imports, with the packages whose __init__ that runs."""
    names = list(packages)
    graph = grimp.build_graph(*names, cache_dir=None)  # no cache folder in the repository
    edges: dict[str, set[str]] = {module: set() for module in graph.modules}
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            edges[importer].add(imported)
            parts = imported.split(".")
            for n in range(1, len(parts)):
                parent = ".".join(parts[:n])
                if parent in edges and not (importer == parent or importer.startswith(parent + ".")):
                    edges[importer].add(parent)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module importing itself), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        # Tarjan's algorithm without recursion: (module, iterator over what it imports).
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            module, pending = work[-1]
            advanced = False
            for imported in pending:
                if imported not in index:
                    index[imported] = low[imported] = counter
                    counter += 1
                    stack.append(imported)
                    on_stack.add(imported)
                    work.append((imported, iter(sorted(edges[imported]))))
                    advanced = True
                    break
                if imported in on_stack:
                    low[module] = min(low[module], index[imported])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1 or module in edges[module]:
                    found.append(sorted(component))
    return sorted(found)


def main(argv: list[str]) -> int:
    packages = argv or ["bot"]
    edges = import_graph(packages)
    found = cycles(edges)
    for component in found:
        inside = set(component)
        print("import cycle:")
        for module in component:
            for imported in sorted(edges[module] & inside):
                print(f"  {module} -> {imported}")
    if found:
        print(f"{len(found)} import cycle(s) in {', '.join(packages)}")
        return 1
    print(f"import cycles: none among {len(edges)} modules of {', '.join(packages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
