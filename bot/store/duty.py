"""Duty posts (设岗定责): entries of every post (patrol, mediation, generic) with their review, follow-ups of
ongoing mediations, and members' posts. The catalogue, claims, reviewers, accounts and 公示 are in
`bot.store.posts` (as `DutyRepo.posts`, so the shared `Store` needs no new attribute)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Collection, Iterable
from datetime import date

import aiosqlite
from pydantic import BaseModel, ConfigDict

from bot.store.db import Database
from bot.store.outbox import Outgoing, enqueue_in
from bot.store.posts import PostRepo


class DutyLog(BaseModel):
    """One entry logged by a post-holder: a patrol (治安巡逻), a mediation (矛盾调解) or a generic post's entry
    (what was done in `summary`, the time in `minutes`, the people served in `served`)."""

    model_config = ConfigDict(frozen=True)

    id: int
    member_id: int
    post: str  # posts.key: patrol | mediation | a post's name
    at: str  # UTC ISO
    local_date: date
    area: str | None = None
    minutes: int | None = None
    findings: str | None = None
    parties: str | None = None
    kind: str | None = None
    outcome: str | None = None
    followup_on: date | None = None
    summary: str | None = None
    photo_file_id: str | None = None
    outcome_changed_at: str | None = None
    served: int | None = None
    # pending | approved | rejected. Rows always carry it; a log built in code without it (a rules test) is a
    # final one, as every log was before review existed.
    review: str = "approved"
    reviewed_by: int | None = None
    reviewed_at: str | None = None
    review_reason: str | None = None

    @property
    def approved(self) -> bool:
        return self.review == "approved"


class NewLog(BaseModel):
    """A log about to be written (everything but the id)."""

    model_config = ConfigDict(frozen=True)

    member_id: int
    post: str
    at: str
    local_date: date
    area: str | None = None
    minutes: int | None = None
    findings: str | None = None
    parties: str | None = None
    kind: str | None = None
    outcome: str | None = None
    followup_on: date | None = None
    summary: str | None = None
    photo_file_id: str | None = None
    served: int | None = None


_COLUMNS = (
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
    "served",
)
#: A rejection's message to the post-holder, made from the entry as rejected (written in its transaction).
Messages = Callable[[DutyLog], list[Outgoing]]


#: Entries validated between two turns of the event loop (`between`): a few ms of CPU.
_BUILD_CHUNK = 250


def _log(row: aiosqlite.Row) -> DutyLog:
    return DutyLog.model_validate(dict(row))


def _marks(values: list[int]) -> str:
    return ",".join("?" * len(values))


def _in_units(units: Collection[int] | None) -> tuple[str, tuple[object, ...]]:
    """The WHERE clause keeping members whose branch or group is in `units` (all when None)."""
    if units is None:
        return "1", ()
    ids = sorted(set(units)) or [-1]
    return f"(m.unit_id IN ({_marks(ids)}) OR m.group_id IN ({_marks(ids)}))", (*ids, *ids)


class DutyRepo:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.posts = PostRepo(db)

    async def add(self, log: NewLog) -> DutyLog:
        values = [getattr(log, c) for c in _COLUMNS]
        values = [v.isoformat() if isinstance(v, date) else v for v in values]
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                f"INSERT INTO duty_logs ({', '.join(_COLUMNS)}) VALUES ({_marks(values)})", tuple(values)
            )
            log_id = cur.lastrowid
        assert log_id is not None
        found = await self.get(log_id)
        assert found is not None
        return found

    async def get(self, log_id: int) -> DutyLog | None:
        row = await self.db.fetchone("SELECT * FROM duty_logs WHERE id = ?", (log_id,))
        return _log(row) if row else None

    async def between(self, start: str, end: str, member_ids: Iterable[int]) -> list[DutyLog]:
        """Logs of these members with `start <= at < end` (UTC ISO), oldest first."""
        ids = sorted(set(member_ids))
        if not ids:
            return []
        rows = await self.db.fetchall(
            f"SELECT * FROM duty_logs WHERE at >= ? AND at < ? AND member_id IN ({_marks(ids)}) ORDER BY at, id",
            (start, end, *ids),
        )
        out: list[DutyLog] = []
        for begin in range(0, len(rows), _BUILD_CHUNK):  # a month of a township's posts: thousands of entries
            if begin:
                await asyncio.sleep(0)
            out.extend(_log(r) for r in rows[begin : begin + _BUILD_CHUNK])
        return out

    async def all(self) -> list[DutyLog]:
        return [_log(r) for r in await self.db.fetchall("SELECT * FROM duty_logs ORDER BY at, id")]

    async def each(self, units: Collection[int] | None = None) -> AsyncGenerator[tuple[DutyLog, str, int], None]:
        """What `all` lists (only logs of members whose branch or group is in `units`, when given), with the
        member's name and branch, streamed from a cursor: for the export."""
        where, params = _in_units(units)
        async for row in self.db.stream(
            "SELECT d.*, m.name AS member_name, m.unit_id AS member_unit FROM duty_logs d "
            f"JOIN members m ON m.id = d.member_id WHERE {where} ORDER BY d.at, d.id",
            params,
        ):
            yield _log(row), row["member_name"], row["member_unit"]

    async def in_units(
        self, units: Collection[int] | None, start: str | None = None, end: str | None = None, review: str | None = None
    ) -> list[tuple[DutyLog, str, int]]:
        """Entries of members whose branch or group is in `units` (every member when None), optionally with
        `start <= at < end` and in one review state, oldest first, with the member's name and branch."""
        where, params = _in_units(units)
        if start is not None and end is not None:
            where, params = f"{where} AND d.at >= ? AND d.at < ?", (*params, start, end)
        if review is not None:
            where, params = f"{where} AND d.review = ?", (*params, review)
        rows = await self.db.fetchall(
            "SELECT d.*, m.name AS member_name, m.unit_id AS member_unit FROM duty_logs d "
            f"JOIN members m ON m.id = d.member_id WHERE {where} ORDER BY d.id",
            params,
        )
        return [(_log(r), r["member_name"], r["member_unit"]) for r in rows]

    async def approve(self, ids: Iterable[int], by: int | None, at: str) -> int:
        """Approve these entries that are still pending and are not the reviewer's own; how many were."""
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                f"UPDATE duty_logs SET review = 'approved', reviewed_by = ?, reviewed_at = ?, review_reason = NULL "
                f"WHERE review = 'pending' AND member_id IS NOT ? AND id IN ({_marks(wanted)})",
                (by, at, by, *wanted),
            )
            return cur.rowcount

    async def reject(
        self, log_id: int, by: int | None, at: str, reason: str, messages: Messages
    ) -> tuple[DutyLog | None, int]:
        """Reject a pending entry with its reason and queue the post-holder's message in the same transaction;
        (the entry as rejected, messages queued), or (None, 0) when it is no longer pending or is the
        reviewer's own."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE duty_logs SET review = 'rejected', reviewed_by = ?, reviewed_at = ?, review_reason = ? "
                "WHERE id = ? AND review = 'pending' AND member_id IS NOT ?",
                (by, at, reason, log_id, by),
            )
            if cur.rowcount == 0:
                return None, 0
            async with conn.execute("SELECT * FROM duty_logs WHERE id = ?", (log_id,)) as rows:
                row = await rows.fetchone()
            assert row is not None
            entry = _log(row)
            return entry, await enqueue_in(conn, messages(entry))

    async def record_followup(self, log_id: int, outcome: str, next_on: date | None, at: str) -> bool:
        """Record a mediation's new outcome; False when it is no longer ongoing (already recorded)."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT outcome, followup_on FROM duty_logs WHERE id = ? AND post = 'mediation'", (log_id,)
            ) as cur:
                row = await cur.fetchone()
            if row is None or row["outcome"] != "ongoing":
                return False
            await conn.execute(
                "INSERT INTO duty_followups (log_id, due_on, from_outcome, to_outcome, next_on, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (log_id, row["followup_on"], row["outcome"], outcome, next_on.isoformat() if next_on else None, at),
            )
            await conn.execute(
                "UPDATE duty_logs SET outcome = ?, followup_on = ?, outcome_changed_at = ? WHERE id = ?",
                (outcome, next_on.isoformat() if next_on else None, at, log_id),
            )
        return True

    async def followups(self, log_id: int) -> list[aiosqlite.Row]:
        return await self.db.fetchall("SELECT * FROM duty_followups WHERE log_id = ? ORDER BY id", (log_id,))

    # Members' posts (member_posts, first filled by the roster).

    async def known_posts(self) -> set[str]:
        return {str(r[0]) for r in await self.db.fetchall("SELECT DISTINCT post FROM member_posts")}

    async def set_posts(self, member_id: int, posts: Iterable[str]) -> None:
        wanted = sorted(set(posts))
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM member_posts WHERE member_id = ?", (member_id,))
            await conn.executemany(
                "INSERT INTO member_posts (member_id, post) VALUES (?, ?)", [(member_id, p) for p in wanted]
            )

    async def toggle_post(self, member_id: int, post: str) -> set[str]:
        """Give the post if the member does not hold it, else take it away; returns the posts now held."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("DELETE FROM member_posts WHERE member_id = ? AND post = ?", (member_id, post))
            if cur.rowcount == 0:
                await conn.execute("INSERT INTO member_posts (member_id, post) VALUES (?, ?)", (member_id, post))
            async with conn.execute("SELECT post FROM member_posts WHERE member_id = ?", (member_id,)) as rows:
                return {str(r[0]) for r in await rows.fetchall()}
