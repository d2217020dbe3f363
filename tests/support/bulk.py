"""Tests only: a branch of thousands of members written straight into the database in one transaction
(`executemany`), with their statuses, thought reports, duty logs and answers to a meeting, so the long-list
tests stay fast. The roster CSV path would check and upsert member by member."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.store import Store
from bot.store.db import iso, utcnow
from bot.store.notices import Draft

#: First Telegram id given to linked members of a big branch (far from the small roster's ids).
FIRST_TELEGRAM_ID = 50_000_000


def name(index: int) -> str:
    """The name of the index-th member of a big branch: 党员00000, 党员00001, …"""
    return f"党员{index:05d}"


@dataclass(frozen=True)
class Big:
    unit_id: int
    group_id: int
    ids: list[int]  # in index order


async def unit_id(store: Store, unit: str) -> int:
    row = await store.db.fetchone("SELECT id FROM units WHERE name = ?", (unit,))
    assert row is not None, unit
    return int(row[0])


async def big_branch(
    store: Store,
    count: int,
    *,
    branch: str = "一村党支部",
    group: str = "一组",
    in_group: Callable[[int], bool] = lambda i: i % 2 == 0,
    linked: Callable[[int], bool] = lambda i: i % 4 == 0,
    category: str | None = None,
    cadence: str | None = None,
    since: str | None = None,
    posts: Sequence[str] = (),
) -> Big:
    """`count` members added to `branch` (half of them in `group`, a quarter linked to Telegram by default)."""
    branch_id, group_id = await unit_id(store, branch), await unit_id(store, group)
    now = iso(utcnow())
    rows = [
        (
            name(i),
            branch_id,
            group_id if in_group(i) else None,
            category,
            cadence,
            since,
            now,
            now,
            FIRST_TELEGRAM_ID + i if linked(i) else None,
            now if linked(i) else None,
        )
        for i in range(count)
    ]
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO members (name, unit_id, group_id, category, report_cadence, migrant_since, created_at, "
            "updated_at, telegram_id, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        for post in posts:
            await conn.execute(
                "INSERT INTO member_posts (member_id, post) SELECT id, ? FROM members WHERE name LIKE '党员%'", (post,)
            )
    found = await store.db.fetchall("SELECT id FROM members WHERE name LIKE '党员%' ORDER BY name")
    return Big(branch_id, group_id, [int(r[0]) for r in found])


async def statuses(store: Store, rows: Sequence[tuple[int, str, str | None]], at: datetime) -> None:
    """(member id, state, place) as their latest status."""
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO status_reports (member_id, state, location, at) VALUES (?, ?, ?, ?)",
            [(m, state, place, iso(at)) for m, state, place in rows],
        )


async def thought_reports(store: Store, member_ids: Sequence[int], period: str, text: str, at: datetime) -> None:
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO thought_reports (member_id, period, text, submitted_at) VALUES (?, ?, ?, ?)",
            [(m, period, text, iso(at)) for m in member_ids],
        )


async def patrols(store: Store, member_ids: Sequence[int], times: int, at: datetime, local_date: str) -> None:
    """`times` patrols of 30 minutes for each member, all at `at`, approved (they count)."""
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO duty_logs (member_id, post, at, local_date, area, minutes, findings, review) "
            "VALUES (?, 'patrol', ?, ?, '村口', 30, '无异常', 'approved')",
            [(m, iso(at), local_date) for m in member_ids for _ in range(times)],
        )


async def meeting(
    store: Store, unit: int, created_by: int | None, creator_chat: int, starts_at: datetime, now: datetime
) -> int:
    """A lecture of `unit` expecting all its members (nothing queued to anyone): its id."""
    members = await store.members.in_units({unit})
    draft = Draft(kind="lecture", unit_id=unit, starts_at=starts_at, place="村委会", topic="学习党章")
    notice_id, _ = await store.notices.publish(draft, created_by, creator_chat, "zh", now, members, lambda _id: [])
    return notice_id


async def answers(store: Store, notice_id: int, rows: Sequence[tuple[int, str, str | None]], at: datetime) -> None:
    """(member id, attend | leave, reason) for the meeting."""
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO rsvps (notice_id, member_id, answer, reason, at) VALUES (?, ?, ?, ?, ?)",
            [(notice_id, m, answer, reason, iso(at)) for m, answer, reason in rows],
        )


async def checkins(store: Store, notice_id: int, member_ids: Sequence[int], at: datetime) -> None:
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO checkins (notice_id, member_id, how, at) VALUES (?, ?, 'self', ?)",
            [(notice_id, m, iso(at)) for m in member_ids],
        )
