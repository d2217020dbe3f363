"""The township above the communities (issue 28 item 4), shared by the tests of its readers: one deployment, two
communities under a 乡镇党委, and a reader from above (上级党委, read-only)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import running
from bot.emulator import BotApiEmulator
from bot.services.members.roster import parse_roster
from bot.services.members.roster_import import OrgNames, apply_roster
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import Harness, build_app, make_settings, stop_sweep_job
from tests.support.ledger import at, meeting

READER, EAST, WEST, EAST_MEMBER = 5009, 5001, 5003, 5002
ROSTER = """姓名,社区,支部,职务,TelegramID,类别
东书记,东湖社区党委,东一村党支部,书记,5001,在家
东党员,东湖社区党委,东一村党支部,,5002,在家
东湖书记,东湖社区党委,,书记,5010,在家
西书记,西山社区党委,西一村党支部,书记,5003,在家
西党员,西山社区党委,西一村党支部,,5004,在家
镇领导,,城关镇党委,上级党委,5009,
"""
NAMES = OrgNames("东湖社区党委", "城关镇党委")
#: Tables a write would change: a refused command must leave every count as it was.
TABLES = ("notices", "requests", "households", "visits", "status_reports", "thought_reports", "members", "outbox")


async def load(store: Store, text: str = ROSTER) -> None:
    rows, errors = parse_roster(text)
    assert not errors, errors
    await apply_roster(store, rows, NAMES)


@pytest.fixture
async def township(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Harness]:
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        await load(store)
        await meeting(store, "东一村党支部", "general", at(2, 10), present=2, topic="东村党员大会")
        await meeting(store, "西一村党支部", "committee", at(3, 12), present=1, topic="西村支委会")
        settings = make_settings(tmp_path, emulator, community_name="东湖社区党委")
        app = build_app(settings, store, emulator)
        async with running(app, poll_timeout=1):
            stop_sweep_job(app)
            harness = Harness(emulator, store, settings, app)
            harness.at(at(11, 20))
            yield harness
    finally:
        await store.close()
