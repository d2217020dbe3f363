"""The test suite mirrors the code (issue 22 item 7): a folder per capability of `bot/services/` (plus a few for the
rest of `bot/`), shared helpers in `tests/support/`, and no test module importing another."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
SERVICES = TESTS.parent / "bot" / "services"
#: Folders for what is not a capability: the domain layer, the store, the runtime, operations, the emulator, and the
#: application as a whole (wiring, gate, rights, buttons, fuzzing, packaging).
OTHERS = {"app", "domain", "emulator", "ops", "runtime", "store"}


def test_every_test_module_sits_in_a_capability_folder_or_one_of_the_others() -> None:
    capabilities = {p.name for p in SERVICES.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    folders = {p.parent.name for p in TESTS.rglob("test_*.py")}
    assert folders <= capabilities | OTHERS, folders - capabilities - OTHERS
    assert not list(TESTS.glob("test_*.py")), "a test module at the top of tests/"
    assert capabilities <= folders, capabilities - folders  # each capability has its tests


def test_no_test_module_imports_another() -> None:
    offenders = []
    for module in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names if node.module == "tests")]
                modules += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("test_")]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            parts = [m.split(".") for m in modules if m.split(".")[0] == "tests"]
            if any(p.startswith("test_") or p == "conftest" for path in parts for p in path):
                offenders.append(f"{module.relative_to(TESTS)}:{node.lineno}")
    assert offenders == []
