"""The transfers migration (`NNNN_transfers.sql`, issue 27): a database at the version before it upgrades keeping
its members, gains the two tables, and allows one open transfer per member only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.store import Store
from bot.store.transfers import Letter
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"


async def test_upgrade_keeps_members_and_allows_one_open_transfer(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    build_before(
        path,
        number_of("_transfers.sql"),
        f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部');
            INSERT INTO members (id, name, unit_id, category, phone, created_at, updated_at)
                VALUES (1, '彭国华', 2, 'migrant', '13800000001', '{NOW}', '{NOW}');
        """,
    )
    store = await Store.open(path)
    try:
        [member] = await store.members.named("彭国华")
        assert member.phone == "13800000001" and member.active
        letter = Letter("某镇党委", "2026-001", date(2026, 3, 2), date(2026, 6, 1))
        at = datetime(2026, 3, 2, tzinfo=UTC)
        assert await store.transfers.issue(1, 2, letter, None, at) is not None
        assert await store.transfers.issue(1, 2, letter, None, at) is None  # one open transfer per member
        [transfer] = await store.transfers.of_member(1)
        assert transfer.state == "open" and [s.step for s in transfer.steps] == ["issue"]
    finally:
        await store.close()
