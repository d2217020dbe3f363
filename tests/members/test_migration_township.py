"""The township migration (`NNNN_township.sql`, issue 28 item 4): a database at the version before it upgrades without
losing a unit or a member; every unit keeps its kind (none is a township), nobody is a reader from above, and a roster
naming a 社区 then hangs the existing community under a new township."""

from __future__ import annotations

from pathlib import Path

from bot.domain.models import TOWNSHIP_KIND
from bot.domain.rights import OrgTree
from bot.services.members.roster import parse_roster
from bot.services.members.roster_import import OrgNames, apply_roster
from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"
SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
        (2, 1, 'branch', '白庙村党支部');
    INSERT INTO members (id, name, unit_id, category, created_at, updated_at) VALUES
        (1, '江建军', 1, 'resident', '{NOW}', '{NOW}'),
        (2, '彭国华', 2, 'resident', '{NOW}', '{NOW}');
    INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary'), (2, 'secretary');
"""


async def test_units_and_members_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_township.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        units = await store.units.all()
        assert [(u.id, u.parent_id, u.kind, u.name) for u in units] == [
            (1, None, "committee", "白庙社区党委"),
            (2, 1, "branch", "白庙村党支部"),
        ]
        members = await store.members.all()
        assert [(m.name, m.is_secretary, m.oversees) for m in members] == [
            ("江建军", True, None),
            ("彭国华", True, None),
        ]
        rows, errors = parse_roster(
            "姓名,社区,支部,职务\n江建军,白庙社区党委,,书记\n彭国华,白庙社区党委,白庙村党支部,书记\n"
        )
        assert not errors
        await apply_roster(store, rows, OrgNames("白庙社区党委", "城关镇党委"))
        tree = OrgTree.of(await store.units.all())
        assert tree.units[1].parent_id is not None and tree.units[tree.units[1].parent_id].kind == TOWNSHIP_KIND
        assert len(await store.members.all()) == 2  # the same two, not new ones
    finally:
        await store.close()
