"""Issue 22, item 3: one way to call a use case. No function in bot/services takes more than 4 parameters
besides self (scripts/check_params.py), and the database connection stays in bot/store: the rest of the bot
writes across repositories with `store.unit_of_work()`, never with a connection of its own."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check_params() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_params", ROOT / "scripts" / "check_params.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_no_function_in_the_services_takes_more_than_four_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert _check_params().main([]) == 0, capsys.readouterr().out


def test_the_parameter_check_counts_on_both_sides_of_the_limit(tmp_path: Path) -> None:
    """Four besides self pass; a fifth of any kind (keyword-only, *args, **kwargs, in a private or nested
    function) fails."""
    check = _check_params()
    fine = tmp_path / "fine.py"
    fine.write_text(
        "async def begin(deps, call, text, more): ...\n"
        "class Repo:\n    def add(self, a, b, c, d): ...\n    @classmethod\n    def of(cls, a, b, c, d): ...\n"
    )
    assert check.scan([fine]) == []
    over = tmp_path / "over.py"
    over.write_text(
        "async def begin(deps, call, text, more, *, lang): ...\n"
        "def _helper(a, b, c, d, *rest): ...\n"
        "def outer():\n    def inner(a, b, c, d, **kw): ...\n"
        "class Repo:\n    def add(self, a, b, c, d, e): ...\n"
    )
    found = {hit.name: len(hit.params) for hit in check.scan([over])}
    assert found == {"begin": 5, "_helper": 5, "outer.inner": 5, "Repo.add": 5}
    assert check.main([str(fine)]) == 0
    assert check.main([str(over)]) == 1


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _calls(path: Path, attribute: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == attribute
    ]


def test_no_connection_outside_the_store() -> None:
    """aiosqlite is imported in bot/store only, and only bot/store opens a transaction (which hands out the
    connection); the others use a repository method or `store.unit_of_work()`."""
    outside = [p for p in sorted((ROOT / "bot").rglob("*.py")) if "store" not in p.relative_to(ROOT / "bot").parts[:1]]
    assert outside
    importing = [str(p.relative_to(ROOT)) for p in outside if any(n.split(".")[0] == "aiosqlite" for n in _imports(p))]
    assert importing == []
    opening = {str(p.relative_to(ROOT)): _calls(p, "transaction") for p in outside}
    assert {path: lines for path, lines in opening.items() if lines} == {}
