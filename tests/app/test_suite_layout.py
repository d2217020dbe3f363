"""The test suite mirrors the code (issue 22 item 7): a folder per capability of `bot/services/` (plus a few for the
rest of `bot/`), shared helpers in `tests/support/`, and no test module importing another."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
SERVICES = TESTS.parent / "bot" / "services"
#: Folders for what is not a capability: the domain layer, the store, the runtime, operations, the emulator, and the
#: application as a whole (wiring, gate, rights, buttons, fuzzing, packaging).
OTHERS = {"app", "domain", "emulator", "ops", "runtime", "store"}
#: Packages of bot/services that are no capability: the registry's lists wire the capabilities together and are
#: tested where they are used (tests/app/test_buttons.py, tests/kernel/test_due_sweep.py, tests/runtime/test_drafts.py).
WIRING = {"registry"}
#: An import of something of the tests (`from tests.x.y import a, b` or `from tests import z`).
IMPORT = re.compile(r"^\s*(?:from|import)\s+(tests(?:\.\w+)*(?:\s+import\s+[\w, ()]+)?)")


def test_every_test_module_sits_in_a_capability_folder_or_one_of_the_others() -> None:
    capabilities = {p.name for p in SERVICES.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - WIRING
    folders = {p.parent.name for p in TESTS.rglob("test_*.py")}
    assert folders <= capabilities | OTHERS, folders - capabilities - OTHERS
    assert not list(TESTS.glob("test_*.py")), "a test module at the top of tests/"
    assert capabilities <= folders, capabilities - folders  # each capability has its tests


def test_no_test_module_imports_another() -> None:
    offenders = []
    for module in sorted(TESTS.rglob("*.py")):
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1):
            imported = IMPORT.match(line)
            if imported and any(p.startswith("test_") or p == "conftest" for p in re.split(r"[.,\s]+", imported[1])):
                offenders.append(f"{module.relative_to(TESTS)}:{number}")
    assert offenders == []
