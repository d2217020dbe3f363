"""The summary counted in SQL (issue 31) says what the summary built from every delivery and expected member
said: over the generated community's meetings (deliveries sent, failed and uncertain, members not linked)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store.outbox import OutboxRow
from tests.support.dataset import dataset
from tests.support.db import open_store


@pytest.fixture
def community(tmp_path: Path) -> Path:
    path = tmp_path / "community.sqlite3"
    dataset().build(path, members=1_000, months=2, end=datetime(2026, 11, 20, 12, tzinfo=UTC))
    return path


async def test_the_counted_summary_says_what_the_loaded_one_said(community: Path) -> None:
    store = await open_store(community)
    try:
        notices = [int(r[0]) for r in await store.db.fetchall("SELECT id FROM notices ORDER BY id")]
        assert notices
        seen = {"failed": 0, "uncertain": 0, "unregistered": 0}
        for notice_id in notices:
            rows = await store.notices.deliveries(notice_id)
            expected = await store.notices.expected(notice_id)
            name_of = {e.member.id: e.member.name for e in expected}

            def named(status: str, rows: list[OutboxRow] = rows, name_of: dict[int, str] = name_of) -> list[str]:
                return [name_of.get(r.member_id, "?") for r in rows if r.member_id is not None and r.status == status]

            figures = await store.notices.summary_figures(notice_id)
            assert figures.sent == len(named("sent"))
            assert figures.failed == named("failed")
            assert figures.uncertain == named("uncertain")
            assert figures.unregistered == [e.member.name for e in expected if not e.linked]
            assert figures.group == [r.status for r in rows if r.member_id is None]
            seen["failed"] += len(figures.failed)
            seen["uncertain"] += len(figures.uncertain)
            seen["unregistered"] += len(figures.unregistered)
        assert all(seen.values()), seen  # the community has every kind, so the comparison means something
    finally:
        await store.close()
