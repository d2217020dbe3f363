"""The organisation roster tests/data/org.csv, reading a roster text, and the command line run as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.services.members.roster import RosterRow, parse_roster
from tests.support.harness import DATA

ORG = DATA / "org.csv"
TODAY = date(2026, 11, 30)
COMMUNITY = "测试社区党委"


def rows_of(text: str) -> list[RosterRow]:
    rows, errors = parse_roster(text, TODAY)
    assert not errors, errors
    return rows


def run_cli(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN",)}
    environ.update({"DATABASE_PATH": str(tmp_path / "cli.sqlite3"), "DEFAULT_LANGUAGE": "en"})
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=environ, cwd=tmp_path, timeout=60
    )
