"""The hearings and agency migration (`NNNN_hearings_agency.sql`, issue 28 items 2 and 3): a database at the version
before it upgrades without losing a request, its steps or a notice; old requests are plain requests with no source
recorded (none is a 代办), old notices keep their kind (none is a 恳谈会)."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"
SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
        (2, 1, 'branch', '白庙村党支部');
    INSERT INTO members (id, name, unit_id, category, created_at, updated_at) VALUES
        (1, '彭国华', 2, 'resident', '{NOW}', '{NOW}');
    INSERT INTO households (id, head, building, entrance, room, member_id, created_at, updated_at)
        VALUES (1, '李大爷', '1号楼', '1单元', '101', 1, '{NOW}', '{NOW}');
    INSERT INTO requests (id, household_id, logged_by, handler_id, unit_id, text, state, satisfaction, created_at,
                          updated_at, resolved_at)
        VALUES (1, 1, 1, 1, 2, '楼道灯坏了', 'resolved', 'satisfied', '{NOW}', '{NOW}', '{NOW}'),
               (2, 1, 1, 1, 2, '想办低保', 'received', NULL, '{NOW}', '{NOW}', NULL);
    INSERT INTO request_steps (request_id, member_id, action, note, at) VALUES (1, 1, 'received', NULL, '{NOW}'),
        (1, 1, 'resolve', '换了灯泡', '{NOW}'), (2, 1, 'received', NULL, '{NOW}');
    INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang,
                         created_at)
        VALUES (1, 'other', 2, '{NOW}', '村委会', '听意见', 1, 1, 'zh', '{NOW}');
"""


async def test_requests_and_notices_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_hearings_agency.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        first, second = await store.requests.get(1), await store.requests.get(2)
        assert first is not None and second is not None
        assert (first.text, first.state, first.satisfaction, first.kind, first.source) == (
            "楼道灯坏了",
            "resolved",
            "satisfied",
            "request",
            None,
        )
        assert (second.state, second.kind, second.deadline, second.notice_id) == ("received", "request", None, None)
        assert [s.action for s in await store.requests.steps(1)] == ["received", "resolve"]
        notice = await store.notices.get(1)
        assert notice is not None and notice.kind == "other" and notice.topic == "听意见"
    finally:
        await store.close()
