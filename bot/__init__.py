"""Zhibu (支部): a Telegram bot for the Party organisation of a new-type rural community."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path


def version() -> str:
    """The one version, from pyproject.toml: the installed distribution's metadata, or the file itself
    in a source tree that was never installed."""
    try:
        return metadata.version("zhibu")
    except metadata.PackageNotFoundError:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        found = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text(encoding="utf-8"), re.MULTILINE)
        return found.group(1) if found else "unknown"
