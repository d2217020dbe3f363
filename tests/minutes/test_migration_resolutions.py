"""The resolutions migration (`NNNN_resolutions.sql`, issue 23 item 1): a database at the version before it, with
minutes whose resolutions were saved with their votes only, upgrades without losing anything — text and votes stay,
each resolution becomes 一般事项 and is judged by the record as it stands: at a 支部党员大会 against the members with a
vote expected, at a 党课 against those present."""

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
        (1, '彭国华', 2, 'resident', '{NOW}', '{NOW}'), (2, '刘海涛', 2, 'resident', '{NOW}', '{NOW}'),
        (3, '梁立新', 2, 'resident', '{NOW}', '{NOW}'), (4, '贾美玲', 2, 'resident', '{NOW}', '{NOW}'),
        (5, '钱预备', 2, 'resident', '{NOW}', '{NOW}');
    INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang,
        created_at) VALUES (1, 'general', 2, '2026-03-05T07:00:00+00:00', '村委会', '转正', 1, 1, 'zh', '{NOW}'),
        (2, 'lecture', 2, '2026-03-06T07:00:00+00:00', '村委会', '党章', 1, 1, 'zh', '{NOW}');
    INSERT INTO notice_members (notice_id, member_id, linked, votes, committee) VALUES
        (1, 1, 1, 1, 1), (1, 2, 1, 1, 0), (1, 3, 1, 1, 0), (1, 4, 1, 1, 0), (1, 5, 1, 0, 0),
        (2, 1, 1, 1, 1), (2, 2, 1, 1, 0), (2, 3, 1, 1, 0), (2, 4, 1, 1, 0);
    INSERT INTO checkins (notice_id, member_id, how, by_member, at) VALUES
        (1, 1, 'self', 1, '{NOW}'), (1, 2, 'self', 2, '{NOW}'), (1, 3, 'self', 3, '{NOW}'),
        (2, 1, 'self', 1, '{NOW}'), (2, 2, 'self', 2, '{NOW}'), (2, 3, 'self', 3, '{NOW}');
    INSERT INTO minutes (notice_id, host, recorder, content, saved_by, saved_at) VALUES
        (1, '彭国华', '刘海涛', '讨论转正', 1, '{NOW}'), (2, '彭国华', '刘海涛', '学习党章', 1, '{NOW}');
    INSERT INTO minute_resolutions (notice_id, seq, text, yes, no, abstain) VALUES
        (1, 1, '同意刘海涛同志转正', 2, 0, 1), (1, 2, '同意修缮活动室', 3, 0, 0), (2, 1, '开展学习', 2, 1, 0);
"""


async def test_old_resolutions_are_judged_by_the_record(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_resolutions.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        general = await store.minutes.get(1)
        assert general is not None and general.content == "讨论转正"
        assert [(r.text, r.yes, r.no, r.abstain) for r in general.resolutions] == [
            ("同意刘海涛同志转正", 2, 0, 1),
            ("同意修缮活动室", 3, 0, 0),
        ]
        # four with a vote expected: three 赞成 are needed
        assert [(r.kind, r.passed, r.rule, r.base, r.needed) for r in general.resolutions] == [
            ("ordinary", False, "expected_voters", 4, 3),
            ("ordinary", True, "expected_voters", 4, 3),
        ]
        assert [(r.written_yes, r.written_no, r.written_abstain) for r in general.resolutions] == [(0, 0, 0)] * 2
        lecture = await store.minutes.get(2)
        assert lecture is not None
        # three present: two is more than half of them
        assert [(r.passed, r.rule, r.base, r.needed) for r in lecture.resolutions] == [(True, "present_all", 3, 2)]
    finally:
        await store.close()
