"""The posts migration (`NNNN_posts.sql`, issue 17): a database at the version before it, with duty data,
upgrades without losing anything. duty_logs is rebuilt (any post, people served, the review): every log keeps
its id and values and counts as approved, the follow-up history is kept row for row, the mediation due chains
still follow new logs and follow-ups; the catalogue holds the six posts, plus any post a roster gave under
another name."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.duty.common import catalogue, member_month
from bot.services.duty.rules import Month
from bot.store import Store
from bot.store.db import migrations
from bot.store.duty import NewLog

NOW = "2026-03-05T02:00:00+00:00"
TZ = ZoneInfo("Asia/Shanghai")
COLUMNS = (
    "id",
    "member_id",
    "post",
    "at",
    "local_date",
    "area",
    "minutes",
    "findings",
    "parties",
    "kind",
    "outcome",
    "followup_on",
    "summary",
    "photo_file_id",
    "outcome_changed_at",
)


def posts_number() -> int:
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_posts.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path) -> int:
    before = posts_number() - 1
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部');
            INSERT INTO members (id, name, unit_id, category, telegram_id, linked_at, created_at, updated_at)
                VALUES (1, '赵巡逻', 2, 'resident', 1004, '{NOW}', '{NOW}', '{NOW}'),
                       (2, '钱调解', 2, 'resident', 1005, '{NOW}', '{NOW}', '{NOW}'),
                       (3, '胡淑珍', 2, 'resident', NULL, NULL, '{NOW}', '{NOW}');
            INSERT INTO member_posts (member_id, post) VALUES (1, 'patrol'), (2, 'mediation'), (3, '环境卫生岗'),
                (3, '护河岗');
            INSERT INTO duty_logs (id, member_id, post, at, local_date, area, minutes, findings, photo_file_id)
                VALUES (1, 1, 'patrol', '{NOW}', '2026-03-05', '东区', 60, '路灯坏了', 'EMUphoto');
            INSERT INTO duty_logs (id, member_id, post, at, local_date, parties, kind, outcome, followup_on, summary,
                                   outcome_changed_at)
                VALUES (2, 2, 'mediation', '{NOW}', '2026-03-05', '张家、李家', 'neighbour', 'ongoing', '2026-03-20',
                        '宅前堆物', NULL),
                       (3, 2, 'mediation', '{NOW}', '2026-03-05', '王家', 'land', 'resolved', NULL, '地界',
                        '2026-03-06T02:00:00+00:00');
            INSERT INTO duty_followups (id, log_id, due_on, from_outcome, to_outcome, next_on, at)
                VALUES (1, 3, '2026-03-06', 'ongoing', 'resolved', NULL, '2026-03-06T02:00:00+00:00');
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == before
    return before


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return [tuple(r) for r in conn.execute(sql)]


async def test_a_database_with_duty_data_upgrades_without_losing_anything(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path)
    logs_before = rows(path, f"SELECT {', '.join(COLUMNS)} FROM duty_logs ORDER BY id")
    followups_before = rows(path, "SELECT * FROM duty_followups ORDER BY id")
    due_before = rows(path, "SELECT kind, subject, member_id FROM due ORDER BY kind, subject")
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        assert rows(path, f"SELECT {', '.join(COLUMNS)} FROM duty_logs ORDER BY id") == logs_before
        assert rows(path, "SELECT * FROM duty_followups ORDER BY id") == followups_before
        assert rows(path, "SELECT kind, subject, member_id FROM due ORDER BY kind, subject") == due_before
        assert {e.review for e in await store.duty.all()} == {"approved"}  # logged before: final, so approved
        cat = await catalogue(store)
        assert [p.name for p in cat.posts] == [
            "治安巡逻岗",
            "矛盾调解岗",
            "环境卫生岗",
            "政策宣传岗",
            "文明劝导岗",
            "关爱帮扶岗",
            "护河岗",
        ]
        patrol = cat.by_key("patrol")
        assert patrol is not None and (patrol.form, patrol.per_entry, patrol.per_minutes, patrol.minimum) == (
            "patrol",
            1,
            60,
            4,
        )
        river = cat.find("护河岗")
        assert river is not None and (river.form, river.per_entry, river.minimum) == ("generic", 1, 0)
        month = await member_month(store, 1, Month(2026, 3).bounds(TZ), cat)
        assert (month.points, month.pending, month.approved.patrols) == (2, 0, 1)

        # the rebuilt table takes any post and every dispute kind, and the due triggers follow it again
        entry = await store.duty.add(
            NewLog(
                member_id=3,
                post="环境卫生岗",
                at=NOW,
                local_date=date(2026, 3, 5),
                summary="清扫",
                minutes=30,
                served=4,
            )
        )
        assert entry.review == "pending" and entry.served == 4
        ongoing = await store.duty.add(
            NewLog(
                member_id=2,
                post="mediation",
                at=NOW,
                local_date=date(2026, 3, 5),
                parties="刘家",
                kind="support",
                outcome="ongoing",
                followup_on=date(2026, 3, 25),
                summary="赡养",
            )
        )
        due = rows(path, f"SELECT kind FROM due WHERE kind = 'mediation' AND subject = {ongoing.id}")
        assert due == [("mediation",)]
        assert await store.duty.record_followup(2, "resolved", None, datetime(2026, 3, 20, tzinfo=TZ).isoformat())
        assert len(await store.duty.followups(2)) == 1
    finally:
        await store.close()
