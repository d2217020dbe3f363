"""组织关系转接: transfers out of and into the community, the steps recorded on them, and the member row following
them (a 转出 closed by its 回执 deactivates the member, history kept; a 转入 writes the member here)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.store.db import Database, iso
from bot.store.members_roster import RosterWrites
from bot.store.outbox import Outgoing, enqueue_in


@dataclass(frozen=True)
class StepRow:
    id: int
    step: str
    on: date
    note: str
    recorded_by_name: str | None


@dataclass(frozen=True)
class Transfer:
    """One transfer with its steps, oldest first. `name` is the member's."""

    id: int
    direction: str
    member_id: int
    name: str
    unit_id: int
    other_org: str
    letter_no: str
    issued: date
    valid_until: date
    received: date | None
    receipt: date | None
    placed: date | None
    group_id: int | None
    state: str
    closed_on: date | None
    steps: tuple[StepRow, ...]


@dataclass(frozen=True)
class Letter:
    """A 介绍信 as recorded: where to or from, its number, its day and its 有效期."""

    other_org: str
    letter_no: str
    issued: date
    valid_until: date


@dataclass(frozen=True)
class Change:
    """A step to record on an open transfer, and what it makes of it."""

    step: str
    on: date
    note: str
    state: str  # the state after the step
    group_id: int | None = None  # 编入党小组: the group


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class TransfersRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _many(self, where: str, params: tuple[object, ...]) -> list[Transfer]:
        rows = await self.db.fetchall(
            "SELECT t.*, m.name AS member_name FROM transfers t JOIN members m ON m.id = t.member_id "
            f"WHERE {where} ORDER BY t.unit_id, t.id",
            params,
        )
        if not rows:
            return []
        ids = tuple(r["id"] for r in rows)
        steps = await self.db.fetchall(
            "SELECT s.*, m.name AS recorder FROM transfer_steps s LEFT JOIN members m ON m.id = s.recorded_by "
            f"WHERE s.transfer_id IN ({','.join('?' * len(ids))}) ORDER BY s.id",
            ids,
        )
        by: dict[int, list[StepRow]] = {}
        for s in steps:
            by.setdefault(s["transfer_id"], []).append(
                StepRow(s["id"], s["step"], date.fromisoformat(s["on_day"]), s["note"], s["recorder"])
            )
        return [
            Transfer(
                r["id"],
                r["direction"],
                r["member_id"],
                r["member_name"],
                r["unit_id"],
                r["other_org"],
                r["letter_no"],
                date.fromisoformat(r["issued_on"]),
                date.fromisoformat(r["valid_until"]),
                _d(r["received_on"]),
                _d(r["receipt_on"]),
                _d(r["placed_on"]),
                r["group_id"],
                r["state"],
                _d(r["closed_on"]),
                tuple(by.get(r["id"], ())),
            )
            for r in rows
        ]

    async def open_all(self) -> list[Transfer]:
        """Every transfer not closed (through the state index): what the sweep reads."""
        return await self._many("t.state = 'open'", ())

    async def in_units(self, units: Collection[int] | None, *, open_only: bool = False) -> list[Transfer]:
        """The transfers of these branches (all when None), by branch then as entered."""
        state = " AND t.state = 'open'" if open_only else ""
        if units is None:
            return await self._many("1" + state, ())
        ids = tuple(sorted(set(units))) or (-1,)
        return await self._many(f"t.unit_id IN ({','.join('?' * len(ids))}){state}", ids)

    async def of_member(self, member_id: int) -> list[Transfer]:
        return await self._many("t.member_id = ?", (member_id,))

    async def get(self, transfer_id: int) -> Transfer | None:
        found = await self._many("t.id = ?", (transfer_id,))
        return found[0] if found else None

    async def issue(self, member_id: int, unit_id: int, letter: Letter, by: int | None, at: datetime) -> int | None:
        """A 转出 with its letter; None when the member has an open transfer already."""
        async with self.db.transaction() as conn:
            new = await self._insert(conn, "out", member_id, unit_id, letter, None, at)
            if new is not None:
                await self._step(conn, new, "issue", letter.issued, letter.letter_no, by, at)
            return new

    async def receive(
        self,
        unit_id: int,
        name: str,
        group_id: int | None,
        letter: Letter,
        received: date,
        by: int | None,
        at: datetime,
        messages: Sequence[Outgoing] = (),
    ) -> int | None:
        """A 转入: the member's row here written (a new 外来 member, or the one already listed: relation here,
        active again), the transfer opened with its letter received and, when a group is given, placed in it.
        None when the member has an open transfer already. `messages` (the welcome) are queued with it."""
        stamp = iso(at)
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO members (name, unit_id, group_id, category, relation, created_at, updated_at) "
                "VALUES (?, ?, ?, 'incoming', 'here', ?, ?) ON CONFLICT (unit_id, name) DO UPDATE SET "
                "relation = 'here', active = 1, deactivated_at = NULL, "
                "group_id = coalesce(excluded.group_id, members.group_id), updated_at = excluded.updated_at",
                (name, unit_id, group_id, stamp, stamp),
            )
            async with conn.execute("SELECT id FROM members WHERE unit_id = ? AND name = ?", (unit_id, name)) as cur:
                row = await cur.fetchone()
            assert row is not None
            member_id = int(row[0])
            new = await self._insert(conn, "in", member_id, unit_id, letter, received, at)
            if new is None:
                return None
            await self._step(conn, new, "received", received, letter.letter_no, by, at)
            if group_id is not None:
                await conn.execute(
                    "UPDATE transfers SET placed_on = ?, group_id = ? WHERE id = ?",
                    (received.isoformat(), group_id, new),
                )
                await self._step(conn, new, "place", received, "", by, at)
            await enqueue_in(conn, messages)
            return new

    async def _insert(
        self,
        conn: aiosqlite.Connection,
        direction: str,
        member_id: int,
        unit_id: int,
        letter: Letter,
        received: date | None,
        at: datetime,
    ) -> int | None:
        cur = await conn.execute(
            "INSERT OR IGNORE INTO transfers (direction, member_id, unit_id, other_org, letter_no, issued_on, "
            "valid_until, received_on, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)",
            (
                direction,
                member_id,
                unit_id,
                letter.other_org,
                letter.letter_no,
                letter.issued.isoformat(),
                letter.valid_until.isoformat(),
                received.isoformat() if received else None,
                iso(at),
            ),
        )
        return cur.lastrowid if cur.rowcount and cur.lastrowid is not None else None

    async def _step(
        self, conn: aiosqlite.Connection, transfer_id: int, step: str, on: date, note: str, by: int | None, at: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO transfer_steps (transfer_id, step, on_day, note, recorded_by, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (transfer_id, step, on.isoformat(), note, by, iso(at)),
        )

    async def record(self, transfer: Transfer, change: Change, by: int | None, at: datetime) -> bool:
        """Record a step on a transfer still as the caller read it (its last step the same) and make the member row
        follow: a 转出 closed deactivates the member (roles, posts and unsent messages go; history stays); 编入党小组
        sets their group. False when the transfer changed in between."""
        last = transfer.steps[-1].id if transfer.steps else 0
        column = {"received": "received_on", "receipt": "receipt_on", "place": "placed_on"}.get(change.step)
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT coalesce(max(id), 0) FROM transfer_steps WHERE transfer_id = ?", (transfer.id,)
            ) as cur:
                row = await cur.fetchone()
            if row is None or row[0] != last:
                return False
            await self._step(conn, transfer.id, change.step, change.on, change.note, by, at)
            if column is not None:
                await conn.execute(
                    f"UPDATE transfers SET {column} = ? WHERE id = ?", (change.on.isoformat(), transfer.id)
                )
            closed = change.on.isoformat() if change.state != "open" else None
            await conn.execute(
                "UPDATE transfers SET state = ?, closed_on = ?, group_id = coalesce(?, group_id) WHERE id = ?",
                (change.state, closed, change.group_id, transfer.id),
            )
            stamp = iso(at)
            if change.group_id is not None:
                await conn.execute(
                    "UPDATE members SET group_id = ?, updated_at = ? WHERE id = ?",
                    (change.group_id, stamp, transfer.member_id),
                )
            if transfer.direction == "out" and change.state == "closed":
                await RosterWrites(conn).deactivate([transfer.member_id], stamp)
            return True

    async def counts(self, member_id: int) -> FileCounts:
        """The member file's counts (`file_counts`)."""
        return await file_counts(self.db, member_id)


@dataclass(frozen=True)
class FileCounts:
    """What the member file counts of a member's record: thought reports (the last one's period), meetings they were
    at (checked in) and the last one's day."""

    reports: int
    last_report: str | None
    meetings: int
    last_meeting: str | None


async def file_counts(db: Database, member_id: int) -> FileCounts:
    reports = await db.fetchone(
        "SELECT count(*) AS n, max(period) AS last FROM thought_reports WHERE member_id = ?", (member_id,)
    )
    meetings = await db.fetchone(
        "SELECT count(*) AS n, max(n.starts_at) AS last FROM checkins c JOIN notices n ON n.id = c.notice_id "
        "WHERE c.member_id = ?",
        (member_id,),
    )
    assert reports is not None and meetings is not None
    return FileCounts(
        int(reports["n"]),
        reports["last"],
        int(meetings["n"]),
        str(meetings["last"])[:10] if meetings["last"] else None,
    )
