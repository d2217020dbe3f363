"""The checked restore's tests share these: a moment, a database of today's version (the fixture `current`,
registered in conftest.py), and a refusal that must change nothing."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.ops.restore import RestoreRefused, restore
from bot.store.db import migrations
from tests.support.migrations import build

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SH)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def current(tmp_path: Path) -> Path:
    path = tmp_path / "zhibu.sqlite3"
    build(path, len(migrations()), name="现在的支部")
    return path


async def refused(source: Path, database: Path, key: str) -> None:
    before = digest(database)
    with pytest.raises(RestoreRefused) as caught:
        await restore(source, database, NOW)
    assert caught.value.key == key
    assert digest(database) == before
    assert not list(database.parent.glob("*before-restore*"))
    assert not list(database.parent.glob("*.restoring*"))
