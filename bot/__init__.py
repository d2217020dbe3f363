"""Zhibu (支部): a Telegram bot for the Party organisation of a new-type rural community."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

_NAME = re.compile(r'^name\s*=\s*"zhibu"\s*$', re.MULTILINE)
_VERSION = re.compile(r'^version\s*=\s*"([^"]+)"', re.MULTILINE)


def version() -> str:
    """The one version, from pyproject.toml (CHANGELOG.md names it too). In a source tree, the file itself:
    an editable install keeps the version it had when installed, which lags behind after a bump. Installed
    from the wheel, the distribution's metadata."""
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        text = ""
    found = _VERSION.search(text) if _NAME.search(text) else None
    if found:
        return found.group(1)
    try:
        return metadata.version("zhibu")
    except metadata.PackageNotFoundError:
        return "unknown"
