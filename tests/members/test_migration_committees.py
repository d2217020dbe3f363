"""The committees migration (`NNNN_committees.sql`, issue 23 item 5): a database at the version before it, whose
committees were the members of a unit holding the role `secretary` or the office `committee`, upgrades without
losing anything: each becomes a seat in their own unit (书记, or the office their 职务说明 names, else 委员), so a
committee and its quorum are what they were; nobody else gets a seat; no unit has a term yet."""

from __future__ import annotations

from pathlib import Path

from bot.services.members.organisation import committee_of
from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"

SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
        (2, 1, 'branch', '白庙村党支部');
    INSERT INTO members (id, name, unit_id, category, duty, created_at, updated_at) VALUES
        (1, '江建军', 1, 'resident', NULL, '{NOW}', '{NOW}'),
        (2, '彭国华', 2, 'resident', NULL, '{NOW}', '{NOW}'),
        (3, '顾振华', 2, 'resident', '组织委员', '{NOW}', '{NOW}'),
        (4, '江美玲', 2, 'resident', NULL, '{NOW}', '{NOW}'),
        (5, '贾美玲', 2, 'resident', NULL, '{NOW}', '{NOW}');
    INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary'), (2, 'secretary'), (5, 'liaison');
    INSERT INTO member_offices (member_id, office) VALUES (3, 'committee'), (4, 'committee'), (5, 'group_leader');
"""


async def test_roles_become_seats_in_their_own_unit(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_committees.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        seats = await store.db.fetchall("SELECT unit_id, member_id, office FROM committee_seats ORDER BY member_id")
        assert [tuple(r) for r in seats] == [
            (1, 1, "secretary"),
            (2, 2, "secretary"),
            (2, 3, "organisation"),
            (2, 4, "member"),
        ]
        branch = committee_of(2, await store.members.seated(2))
        assert [m.name for m in branch] == ["彭国华", "顾振华", "江美玲"]
        assert [m.name for m in committee_of(1, await store.members.seated(1))] == ["江建军"]
        assert all(u.term_start is None for u in await store.units.all())
        member = await store.members.get(5)
        assert member is not None and member.roles == frozenset({"liaison", "group_leader"}) and member.seats == ()
    finally:
        await store.close()
