"""The generated community of `bench/dataset.py`, loaded as a module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def dataset() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_dataset", Path(__file__).parents[2] / "bench" / "dataset.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while it is being loaded
    spec.loader.exec_module(module)
    return module
