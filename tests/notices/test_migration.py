"""The meetings migration (issue 13, `*_meetings.sql`) rebuilds the notices tables to allow the new meeting
types: a database at the version before it, with notices, expected members, replies, check-ins and a reminder
chain, upgrades without losing a row; each expected member's vote and committee seat are filled from the
roster, old leaves become pending requests, and the reminder triggers still work on the rebuilt tables."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations

NOW = "2026-03-01T02:00:00+00:00"
OLD = {
    "notices": [
        "id",
        "kind",
        "unit_id",
        "starts_at",
        "place",
        "topic",
        "created_by",
        "creator_chat",
        "creator_lang",
        "created_at",
        "cancelled_at",
        "minutes",
        "minutes_at",
    ],
    "notice_members": ["notice_id", "member_id", "linked"],
    "rsvps": ["notice_id", "member_id", "answer", "reason", "at"],
    "checkins": ["notice_id", "member_id", "how", "by_member", "at"],
}


def meetings_number() -> int:
    """The number of the meetings migration, whatever it is renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_meetings.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path) -> int:
    before = meetings_number() - 1
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部'), (3, 2, 'group', '1号楼党小组');
            INSERT INTO members (id, name, unit_id, group_id, category, telegram_id, linked_at, created_at,
                updated_at, membership, relation)
                VALUES (1, '彭国华', 2, 3, 'resident', 1001, '{NOW}', '{NOW}', '{NOW}', 'full', 'here'),
                       (2, '丁美玲', 2, 3, 'resident', 1002, '{NOW}', '{NOW}', '{NOW}', 'probationary', 'here'),
                       (3, '顾振华', 2, NULL, 'resident', NULL, NULL, '{NOW}', '{NOW}', 'full', 'here');
            INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary');
            INSERT INTO member_offices (member_id, office) VALUES (3, 'committee');
            INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat,
                creator_lang, created_at, minutes, minutes_at)
                VALUES (1, 'general', 2, '2026-03-05T07:00:00+00:00', '村委会', '学习', 1, 1001, 'zh', '{NOW}',
                        '到会 2 人', '{NOW}'),
                       (2, 'lecture', 3, '2026-04-05T07:00:00+00:00', '1号楼', '党章', 1, 1001, 'zh', '{NOW}',
                        NULL, NULL);
            INSERT INTO notice_members (notice_id, member_id, linked) VALUES (1, 1, 1), (1, 2, 1), (1, 3, 0),
                (2, 1, 1), (2, 2, 1);
            INSERT INTO rsvps (notice_id, member_id, answer, reason, at) VALUES (1, 2, 'leave', '外出', '{NOW}'),
                (1, 1, 'attend', NULL, '{NOW}'), (2, 2, 'leave', '生病', '{NOW}');
            INSERT INTO checkins (notice_id, member_id, how, by_member, at) VALUES (1, 1, 'self', 1, '{NOW}'),
                (1, 3, 'late', 1, '{NOW}');
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == before
    return before


def rows(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.execute(f"SELECT {', '.join(OLD[table])} FROM {table} ORDER BY rowid")]


async def test_the_notices_survive_the_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    before_version = build_before(path)
    with sqlite3.connect(path) as conn:
        before = {table: rows(conn, table) for table in OLD}
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations()) > before_version
        notice = await store.notices.get(1)
        assert notice is not None and notice.kind == "general" and notice.minutes == "到会 2 人"
        assert (notice.audience, notice.speaker) == ("members", None)
        expected = {e.member.name: (e.linked, e.votes, e.committee) for e in await store.notices.expected(1)}
        assert expected == {"彭国华": (True, True, True), "丁美玲": (True, False, False), "顾振华": (False, True, True)}
        rsvps = await store.notices.rsvps(1)
        assert (rsvps[2].answer, rsvps[2].approval) == ("leave", "pending")
        assert (rsvps[1].answer, rsvps[1].approval) == ("attend", None)
        assert {m: c.how for m, c in (await store.notices.checkins(1)).items()} == {1: "self", 3: "late"}
        # the new types are allowed now; the old ones still are
        await store.db.conn.execute("UPDATE notices SET kind = 'life' WHERE id = 2")
        await store.db.conn.execute("UPDATE notices SET kind = 'lecture' WHERE id = 2")
        await store.db.conn.commit()
    finally:
        await store.close()
    with sqlite3.connect(path) as conn:
        assert {table: rows(conn, table) for table in OLD} == before
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {
            "due_recipient_linked",
            "due_notice_published",
            "due_notice_changed",
            "due_rsvp_changed",
            "due_rsvp_deleted",
        } <= triggers
        # a refused leave brings the meeting's reminder chain back to be looked at
        conn.execute("UPDATE due SET due_at = '2999-01-01T00:00:00+00:00' WHERE kind = 'meeting' AND subject = 2")
        conn.execute("UPDATE rsvps SET approval = 'refused' WHERE notice_id = 2 AND member_id = 2")
        due = conn.execute("SELECT due_at FROM due WHERE kind = 'meeting' AND subject = 2").fetchone()
        assert due is not None and due[0] == "0001-01-01T00:00:00+00:00"
        # deleting a member still cascades into the rebuilt tables
        conn.commit()
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM members WHERE id = 2")
        assert conn.execute("SELECT count(*) FROM rsvps WHERE member_id = 2").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM notice_members WHERE member_id = 2").fetchone()[0] == 0
