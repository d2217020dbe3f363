"""Migrations: a database made by an earlier version, with data in it, upgrades without losing anything."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.services import registry as core
from bot.store import Store
from bot.store.db import migrations

NOW = "2026-01-05T08:00:00+00:00"


def build_v5(path: Path) -> None:
    """A database as version 5 of Zhibu left it (migrations 1–5), with a little of everything."""
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > 5:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部'), (3, 2, 'group', '1号楼党小组');
            INSERT INTO members (id, name, unit_id, group_id, category, report_cadence, migrant_since,
                telegram_id, linked_at, language, created_at, updated_at, last_seen_at)
                VALUES (1, '彭国华', 2, NULL, 'resident', NULL, NULL, 1001, '{NOW}', 'zh', '{NOW}', '{NOW}', NULL),
                       (2, '梁立新', 2, 3, 'migrant', 'monthly', '2025-08-01', 1002, NULL, NULL, '{NOW}', '{NOW}',
                        '{NOW}');
            UPDATE members SET liaison_id = 1 WHERE id = 2;
            INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary'), (1, 'liaison');
            INSERT INTO member_posts (member_id, post) VALUES (2, 'patrol');
            INSERT INTO invites (code, member_id, created_at) VALUES ('abc', 2, '{NOW}');
            INSERT INTO outbox (key, kind, member_id, chat_id, text, created_at)
                VALUES ('k1', 'reminder', 2, 1002, '提醒', '{NOW}');
            INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat,
                creator_lang, created_at) VALUES (1, 'general', 2, '{NOW}', '村委会', '学习', 1, 1001, 'zh', '{NOW}');
            INSERT INTO notice_members (notice_id, member_id, linked) VALUES (1, 1, 1), (1, 2, 0);
            INSERT INTO rsvps (notice_id, member_id, answer, reason, at) VALUES (1, 2, 'leave', '外出', '{NOW}');
            INSERT INTO duty_logs (member_id, post, at, local_date, area, minutes)
                VALUES (2, 'patrol', '{NOW}', '2026-01-05', '东区', 45);
            INSERT INTO thought_reports (member_id, period, text, submitted_at)
                VALUES (2, '2025-12', '汇报', '{NOW}');
            INSERT INTO status_reports (member_id, state, at) VALUES (2, 'away_work', '{NOW}');
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5


def counts(path: Path) -> dict[str, int]:
    tables = (
        "units",
        "members",
        "member_roles",
        "member_posts",
        "invites",
        "outbox",
        "notices",
        "notice_members",
        "rsvps",
        "duty_logs",
        "thought_reports",
        "status_reports",
    )
    with sqlite3.connect(path) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


async def test_a_version_5_database_with_data_upgrades_without_losing_anything(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    build_v5(path)
    before = counts(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations()) >= 6
        secretary, migrant = await store.members.get(1), await store.members.get(2)
        assert secretary is not None and migrant is not None
        assert secretary.active and migrant.active and secretary.deactivated_at is None
        assert secretary.roles == {"secretary", "liaison"} and secretary.linked and secretary.language == "zh"
        assert migrant.posts == {"patrol"} and migrant.liaison_id == 1 and migrant.group_id == 3
        assert migrant.report_cadence == "monthly" and str(migrant.migrant_since) == "2025-08-01"
        assert [m.name for m in await store.members.in_units({2})] == ["彭国华", "梁立新"]
        assert [m.name for m in await store.members.with_role("secretary")] == ["彭国华"]
        assert (await store.members.by_telegram_id(1001)) == secretary
        row = await store.db.fetchone("SELECT last_seen_at FROM members WHERE id = 2")
        assert row is not None and row[0] == NOW
    finally:
        await store.close()
    assert counts(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT active, deactivated_at FROM members ORDER BY id").fetchall() == [(1, None)] * 2
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_opening_again_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    build_v5(path)
    for _ in range(2):
        store = await Store.open(path)
        assert await store.db.schema_version() == len(migrations())
        await store.close()
    assert counts(path)["members"] == 2


# ---- version 7: the due table, backfilled so that the sweep sends what the sweep of version 6 sent
V6_CREATED = "2025-07-01T00:00:00+00:00"
SH = ZoneInfo("Asia/Shanghai")


def build_v6(path: Path) -> None:
    """A database as version 6 left it, with mobile members at every stage of their reports, notices in and
    out of their reminder windows (one cancelled), deliveries and reminders already sent, a member on leave,
    ongoing mediations (one already reminded, one of a member who left) and a member who left."""
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > 6:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        c = V6_CREATED
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部'), (3, 1, 'branch', '黄桥村党支部');
            INSERT INTO members (id, name, unit_id, category, report_cadence, migrant_since, telegram_id,
                linked_at, language, unreachable, created_at, updated_at, last_seen_at, mobile_recorded_at, active)
            VALUES
                (1, '彭书记', 2, 'resident', NULL, NULL, 1001, '{c}', 'zh', 0, '{c}', '{c}', NULL, NULL, 1),
                (2, '李联络', 2, 'resident', NULL, NULL, 1002, '{c}', NULL, 0, '{c}', '{c}', NULL, NULL, 1),
                (3, '张流动', 2, 'migrant', 'monthly', '2025-08-01', 1003, '{c}', 'zh', 0, '{c}', '{c}',
                    '2026-10-10T02:00:00+00:00', NULL, 1),
                (4, '陈外出', 2, 'migrant', 'quarterly', '2026-01-10', 1004, '{c}', 'en', 0, '{c}', '{c}',
                    NULL, NULL, 1),
                (5, '王未绑', 3, 'migrant', 'monthly', NULL, 1005, NULL, NULL, 0, '{c}', '{c}', NULL,
                    '2026-09-15T04:00:00+00:00', 1),
                (6, '赵离开', 2, 'migrant', 'monthly', '2025-08-01', 1006, '{c}', NULL, 0, '{c}', '{c}', NULL, NULL, 0),
                (7, '钱调解', 2, 'resident', NULL, NULL, 1007, '{c}', NULL, 0, '{c}', '{c}', NULL, NULL, 1),
                (8, 'Sun', 3, 'resident', NULL, NULL, 1008, '{c}', 'en', 0, '{c}', '{c}', NULL, NULL, 1),
                (9, '孙屏蔽', 3, 'migrant', 'monthly', '2026-03-01', 1009, '{c}', NULL, 1, '{c}', '{c}', NULL, NULL, 1);
            UPDATE members SET liaison_id = 2 WHERE id IN (3, 4, 6);
            UPDATE members SET liaison_id = 8 WHERE id = 9;
            INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary'), (2, 'liaison'), (8, 'secretary'),
                (8, 'liaison');
            INSERT INTO member_posts (member_id, post) VALUES (7, 'mediation');
            INSERT INTO thought_reports (member_id, period, text, submitted_at) VALUES
                (3, '2026-09', '汇报', '2026-09-20T02:00:00+00:00'),
                (3, '2026-10', '汇报', '2026-10-10T02:00:00+00:00'),
                (4, '2026-Q2', 'report', '2026-06-20T02:00:00+00:00');
            INSERT INTO contacts (member_id, liaison_id, note, at) VALUES (3, 2, '电话', '2026-10-10T02:00:00+00:00');
            INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang,
                created_at, cancelled_at) VALUES
                (1, 'general', 2, '2026-11-28T07:00:00+00:00', '村委会', '学习', 1, 1001, 'zh',
                    '2026-11-20T02:00:00+00:00', NULL),
                (2, 'lecture', 2, '2026-11-28T08:00:00+00:00', '村委会', '党课', 1, 1001, 'zh',
                    '2026-11-20T02:00:00+00:00', '2026-11-21T02:00:00+00:00'),
                (3, 'partyday', 3, '2026-12-01T02:00:00+00:00', '黄桥村', '主题党日', 8, 1008, 'en',
                    '2026-11-30T20:00:00+00:00', NULL);
            INSERT INTO notice_members (notice_id, member_id, linked) VALUES (1, 1, 1), (1, 2, 1), (1, 3, 1), (1, 7, 1),
                (2, 1, 1), (2, 2, 1), (3, 8, 1), (3, 5, 0);
            INSERT INTO outbox (key, kind, ref, member_id, chat_id, text, status, created_at) VALUES
                ('notice:1:1', 'notice', 'notice:1', 1, 1001, '通知', 'sent', '2026-11-20T02:00:00+00:00'),
                ('notice:1:2', 'notice', 'notice:1', 2, 1002, '通知', 'sent', '2026-11-20T02:00:00+00:00'),
                ('notice:1:3', 'notice', 'notice:1', 3, 1003, '通知', 'sent', '2026-11-20T02:00:00+00:00'),
                ('notice:1:7', 'notice', 'notice:1', 7, 1007, '通知', 'sent', '2026-11-20T02:00:00+00:00'),
                ('notice:1:summary', 'summary', 'notice:1', NULL, 1001, '汇总', 'sent', '2026-11-20T02:00:00+00:00'),
                ('notice:2:1', 'notice', 'notice:2', 1, 1001, '通知', 'sent', '2026-11-20T02:00:00+00:00'),
                ('notice:2:2', 'notice', 'notice:2', 2, 1002, '通知', 'cancelled', '2026-11-20T02:00:00+00:00'),
                ('notice:3:8', 'notice', 'notice:3', 8, 1008, 'notice', 'sent', '2026-11-30T20:00:00+00:00'),
                ('report:before:3:2026-11', 'reminder', 'report:2026-11', 3, 1003, '提醒', 'sent',
                    '2026-11-27T01:00:00+00:00'),
                ('mediation:followup:2:2026-11-20', 'reminder', 'duty:2', 7, 1007, '回访', 'sent',
                    '2026-11-20T00:00:00+00:00');
            INSERT INTO rsvps (notice_id, member_id, answer, reason, at) VALUES
                (1, 7, 'leave', '外出', '2026-11-21T02:00:00+00:00'),
                (1, 3, 'attend', NULL, '2026-11-21T02:00:00+00:00');
            INSERT INTO duty_logs (id, member_id, post, at, local_date, parties, kind, outcome, followup_on, summary)
            VALUES
                (1, 7, 'mediation', '2026-11-10T02:00:00+00:00', '2026-11-10', '张家、李家', 'neighbour', 'ongoing',
                    '2026-11-28', '宅前堆物'),
                (2, 7, 'mediation', '2026-11-05T02:00:00+00:00', '2026-11-05', '王家', 'land', 'ongoing',
                    '2026-11-20', '地界'),
                (3, 7, 'mediation', '2026-11-06T02:00:00+00:00', '2026-11-06', '刘家', 'family', 'resolved', NULL,
                    '家务'),
                (4, 6, 'mediation', '2026-11-06T02:00:00+00:00', '2026-11-06', '周家', 'other', 'ongoing',
                    '2026-11-25', '其他');
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 6


#: What the sweep of version 6 queued on that database at each moment, in turn (quiet hours 21:00-08:00): each
#: row as (key, kind, ref, recipient member, chat) — what is queued to whom, not its wording, so that rewording a
#: message does not touch this table. Recorded by running the version 6 code on it.
V6_SENT: list[tuple[datetime, list[tuple[str, str, str, int, int]]]] = [
    # issue 12: overdue reminders only the day after the deadline and two weeks later (no overdue-8 of Q3 now),
    # and the secretaries are reminded once of 组织关系转接 for members mobile six months or more (mobile:transfer)
    (
        datetime(2026, 11, 27, 10, tzinfo=SH),
        [
            ("contact:stale:2:3:2026-10-10:1", "reminder", "contact", 2, 1002),
            ("contact:stale:2:4:2026-01-10:10", "reminder", "contact", 2, 1002),
            ("contact:stale:8:9:2026-03-01:9", "reminder", "contact", 8, 1008),
            ("mobile:transfer:1:3:2025-08-01", "reminder", "mobile:3", 1, 1001),
            ("mobile:transfer:1:4:2026-01-10", "reminder", "mobile:4", 1, 1001),
            ("mobile:transfer:8:9:2026-03-01", "reminder", "mobile:9", 8, 1008),
            ("notice:3:summary", "summary", "notice-summary:3", 8, 1008),
            ("report:escalate:1:4:2026-Q3", "alert", "report:2026-Q3", 1, 1001),
            ("report:escalate:2:4:2026-Q3", "alert", "report:2026-Q3", 2, 1002),
            ("report:escalate:8:5:2026-10", "alert", "report:2026-10", 8, 1008),
            ("report:escalate:8:9:2026-10", "alert", "report:2026-10", 8, 1008),
        ],
    ),
    (datetime(2026, 11, 27, 22, tzinfo=SH), []),
    (
        datetime(2026, 11, 28, 8, 30, tzinfo=SH),
        [
            ("mediation:followup:1:2026-11-28", "reminder", "duty:1", 7, 1007),
            ("meeting:24h:1:1", "reminder", "meeting:1", 1, 1001),
            ("meeting:24h:1:2", "reminder", "meeting:1", 2, 1002),
            ("meeting:24h:1:3", "reminder", "meeting:1", 3, 1003),
        ],
    ),
    (
        datetime(2026, 11, 28, 14, 30, tzinfo=SH),
        [
            ("meeting:1h:1:1", "reminder", "meeting:1", 1, 1001),
            ("meeting:1h:1:2", "reminder", "meeting:1", 2, 1002),
            ("meeting:1h:1:3", "reminder", "meeting:1", 3, 1003),
        ],
    ),
    (datetime(2026, 11, 30, 23, 59, 30, tzinfo=SH), []),
    (
        datetime(2026, 12, 1, 9, 30, tzinfo=SH),
        [
            ("meeting:1h:3:8", "reminder", "meeting:3", 8, 1008),
            ("report:escalate:1:3:2026-11", "alert", "report:2026-11", 1, 1001),
            ("report:escalate:2:3:2026-11", "alert", "report:2026-11", 2, 1002),
            ("report:escalate:8:5:2026-11", "alert", "report:2026-11", 8, 1008),
            ("report:escalate:8:9:2026-11", "alert", "report:2026-11", 8, 1008),
            ("report:overdue-0:3:2026-11", "reminder", "report:2026-11", 3, 1003),
        ],
    ),
    # issue 12: no weekly overdue reminders (was also report:overdue-1:3:2026-11 and report:overdue-9:4:2026-Q3)
    (
        datetime(2026, 12, 9, 10, tzinfo=SH),
        [
            ("contact:stale:2:3:2026-10-10:2", "reminder", "contact", 2, 1002),
            ("contact:stale:2:4:2026-01-10:11", "reminder", "contact", 2, 1002),
        ],
    ),
    (
        datetime(2027, 1, 1, 9, tzinfo=SH),
        [
            ("contact:stale:8:9:2026-03-01:10", "reminder", "contact", 8, 1008),
            ("report:escalate:1:3:2026-12", "alert", "report:2026-12", 1, 1001),
            ("report:escalate:1:4:2026-Q4", "alert", "report:2026-Q4", 1, 1001),
            ("report:escalate:2:3:2026-12", "alert", "report:2026-12", 2, 1002),
            ("report:escalate:2:4:2026-Q4", "alert", "report:2026-Q4", 2, 1002),
            ("report:escalate:8:5:2026-12", "alert", "report:2026-12", 8, 1008),
            ("report:escalate:8:9:2026-12", "alert", "report:2026-12", 8, 1008),
            ("report:overdue-0:3:2026-12", "reminder", "report:2026-12", 3, 1003),
            ("report:overdue-0:4:2026-Q4", "reminder", "report:2026-Q4", 4, 1004),
        ],
    ),
]


#: The quarterly account prompts (issue 17) among what the sweep queued: the linked post-holders, once.
ACCOUNT_PROMPTS = {datetime(2027, 1, 1, 9, 0, tzinfo=SH): ["duty:account:2026Q4:7"]}


async def test_a_version_6_database_upgrades_and_the_sweep_sends_what_version_6_sent(tmp_path: Path) -> None:
    path = tmp_path / "v6.sqlite3"
    build_v6(path)
    settings = Settings(_env_file=None, bot_token="1:x", quiet_hours="21:00-08:00")  # type: ignore[call-arg]
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations()) >= 7
        due = {(r[0], r[1]) for r in await store.db.fetchall("SELECT kind, subject FROM due")}
        assert due == {
            ("report", 3),
            ("report", 4),
            ("report", 5),
            ("report", 9),
            ("meeting", 1),
            ("meeting", 3),
            ("mediation", 1),
            ("mediation", 2),
            ("mediation", 4),
        }
        for moment, queued in V6_SENT:
            before = {
                r[0] for r in await store.db.fetchall("SELECT key FROM outbox UNION SELECT key FROM digest_items")
            }
            await core.sweep(store, settings, moment)
            # escalations now wait for the recipient's daily digest: recorded as digest items with the very row
            # version 6 queued (kind, ref, recipient, chat, text), and carried by one digest message each
            rows = [
                r
                for r in await store.db.fetchall_tuples(
                    "SELECT id, key, kind, ref, member_id, chat_id, text, buttons FROM outbox "
                    "WHERE key NOT LIKE 'digest:%' "
                    "UNION ALL SELECT id, key, message_kind, ref, recipient_id, chat_id, text, NULL FROM digest_items "
                    "ORDER BY key"
                )
                if r[1] not in before
            ]
            # issue 17 added the quarterly 述职 prompt (from 25 December for the fourth quarter): apart
            prompts = sorted(str(r[1]) for r in rows if str(r[1]).startswith("duty:account:"))
            assert prompts == ACCOUNT_PROMPTS.get(moment, []), moment
            rows = [r for r in rows if not str(r[1]).startswith("duty:account:")]
            # issue 26 added the year's nudges (谈心谈话 from October, 党员承诺 in January) and the 谈心谈话 prompt
            # for a member two report periods behind: apart too
            rows = [r for r in rows if not str(r[1]).startswith(("talks:missing:", "pledge:ask:", "talks:prompt:"))]
            assert sorted((str(r[1]), str(r[2]), str(r[3]), r[4], r[5]) for r in rows) == queued, moment
            waiting = {
                r[0] for r in await store.db.fetchall("SELECT recipient_id FROM digest_items WHERE digest_key IS NULL")
            }
            assert not waiting or moment.astimezone(SH).hour < 9, moment  # after 09:00 none waits
        digests = [
            r[0] for r in await store.db.fetchall("SELECT key FROM outbox WHERE key LIKE 'digest:%' ORDER BY key")
        ]
        assert digests == sorted(
            [f"digest:{who}:{day}" for day in ("2026-11-27", "2026-12-01", "2027-01-01") for who in (1, 2, 8)]
            + ["digest:2:2026-12-09"]
        )
    finally:
        await store.close()
