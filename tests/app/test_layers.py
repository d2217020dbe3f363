"""Issue 22: the layer contract holds and no two modules import each other (docs/ARCHITECTURE.md, "Layers").

The contract is [tool.importlinter] in pyproject.toml (.ci/run runs `lint-imports` too); the cycles are
scripts/import_cycles.py. Both read the source, so they take well under a second."""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def loggers_kept() -> Iterator[None]:
    """import-linter's command line sets logging up with dictConfig, which disables every logger that exists
    (the bot's included): they are given back, or a later test in this process would see no log records."""
    loggers = [one for one in logging.Logger.manager.loggerDict.values() if isinstance(one, logging.Logger)]
    disabled = [one.disabled for one in loggers]
    yield
    for one, was in zip(loggers, disabled, strict=True):
        one.disabled = was


@pytest.mark.usefixtures("loggers_kept")
def test_layer_contract_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_no_module_imports_itself_back(capsys: pytest.CaptureFixture[str]) -> None:
    assert _script("import_cycles").main(["bot"]) == 0, capsys.readouterr().out


def test_the_cycle_check_finds_a_cycle() -> None:
    """The check can fail: two modules importing each other (here only for typing) are one cycle."""
    cycles = _script("import_cycles").cycles
    edges = {"a.context": {"a.delivery", "a.store"}, "a.delivery": {"a.context"}, "a.store": set()}
    assert cycles(edges) == [["a.context", "a.delivery"]]
    assert cycles({"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}) == [["a.x", "a.y", "a.z"]]
    assert cycles({"a.x": {"a.y"}, "a.y": set()}) == []
