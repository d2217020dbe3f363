"""Publishing a notice (issue 31): the notice first, then its expected members and one outbox row per
recipient in chunked transactions.

A notice to 100 000 members read every member as a model first (559 MB at its peak, collector pauses of a third of
a second): here the recipients are plain tuples of the few columns publishing needs, and each chunk of `_CHUNK`
has its seats and copies written with `executemany` in a transaction of its own, so a member's one-line write
waits for one chunk, not for the whole publish (2.7–4.9 s at 100 000 when it was one transaction).

The first transaction writes the notice with `publishing = 1` and the applied-once mark of the update that asked
for it (`Database.transaction`): Send pressed once publishes once, and a redelivered update is skipped. The last
chunk's transaction queues what goes after the recipients (the bound group's copy) and sets `publishing = 0`. A
process that stops between chunks leaves the notice publishing: `publish_seats` runs again from the first chunk
(at start-up and by the sweep, `services.notices.publishing`); seats are `INSERT OR IGNORE` and outbox keys
unique, so each recipient still gets one seat and one copy. A cancelled notice stops at its next chunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol, cast

import aiosqlite
from pydantic import BaseModel

from bot.domain.organisation import FULL, HERE, PROBATIONARY
from bot.store.db import Database, iso
from bot.store.members import units_members
from bot.store.notices_export import HEARING, OTHER
from bot.store.outbox import Outgoing, enqueue_in

#: Recipients seated and queued a transaction: a write of someone else waits for one chunk at most. At 100 000
#: members (`bench/scale.py --only broadcast`), 500 a chunk took the publish from 3.3 s in one transaction to
#: 10.2 s (a commit each, `synchronous = FULL`); 2 000 a chunk 6.4 s, the longest wait of a write the same (~0.1 s).
_CHUNK = 2000


class Draft(BaseModel):
    """A notice before Send: what the secretary entered."""

    kind: str
    unit_id: int
    starts_at: datetime
    place: str
    topic: str
    audience: str = "members"
    speaker: str | None = None
    to_group: bool = True  # a bound group gets a copy (never for a 支委会 / 党委会); the preview can skip it
    mode: str = "onsite"  # onsite 现场 | online 线上 (issue 23)


#: A seat already written (a publish run again after it stopped half-way) is skipped.
SEATS_SQL = (
    "INSERT OR IGNORE INTO notice_members (notice_id, member_id, linked, votes, committee) VALUES (?, ?, ?, ?, ?)"
)


class Recipient(NamedTuple):
    """A linked member who gets their own copy."""

    member_id: int
    chat_id: int
    language: str | None


@dataclass(frozen=True)
class Convener:
    """Who published the notice, and when."""

    member_id: int | None
    chat_id: int
    lang: str
    now: datetime


@dataclass(frozen=True)
class Among:
    """Who is expected, as the store finds them (`services.notices.audience.scope`): the active members whose
    unit, Party group or activity group is one of `units`; or, with `seated_on`, the active members holding a
    seat on that unit's committee."""

    units: frozenset[int]
    seated_on: int | None = None


class Copies(Protocol):
    """The outbox rows of a notice being published, made as the outbox takes them."""

    def of(self, notice_id: int, recipients: Sequence[Recipient]) -> Iterable[Outgoing]:
        """The copies of these recipients (one chunk)."""

    def rest(self, notice_id: int) -> Iterable[Outgoing]:
        """What goes after every recipient's copy (the bound group's)."""


@dataclass(frozen=True)
class Publication:
    notice_id: int
    recipients: int  # members who get their own copy
    queued: int  # outbox rows written
    finished: bool = True  # every chunk written (False: cancelled, or published by another task right now)


async def insert_notice(conn: aiosqlite.Connection, draft: Draft, by: Convener, publishing: bool = False) -> int:
    """The notice's own row, inside the caller's transaction (`publishing`: its seats are still to be written);
    its id."""
    cur = await conn.execute(
        "INSERT INTO notices (kind, unit_id, starts_at, place, topic, created_by, creator_chat, "
        "creator_lang, created_at, audience, speaker, mode, hearing, publishing, to_group) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            OTHER if draft.kind == HEARING else draft.kind,
            draft.unit_id,
            iso(draft.starts_at),
            draft.place,
            draft.topic,
            by.member_id,
            by.chat_id,
            by.lang,
            iso(by.now),
            draft.audience,
            draft.speaker,
            draft.mode,
            int(draft.kind == HEARING),
            int(publishing),
            int(draft.to_group),
        ),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


class Headcount(NamedTuple):
    """Who a notice would reach, counted in SQL over the same members publishing seats (`_among_sql`): the
    preview before Send shows these figures, and Send publishes to exactly these members."""

    expected: int
    linked: int  # get their own copy
    unregistered: tuple[str, ...]  # the first names of those who cannot receive it (not linked), in delivery order
    probationary: int  # taking part without a vote: probationary members (预备党员)
    elsewhere: int  # ... and the others without a vote here (relation elsewhere)
    silent: tuple[str, ...]  # the first names of those without a vote, in delivery order
    named: tuple[str, ...] = ()  # a committee's: everyone's name, in office order (书记 first)


def _among_sql(among: Among) -> tuple[str, tuple[object, ...]]:
    """`FROM members m WHERE …`: the expected members, as publishing and the preview find them."""
    where: str
    params: tuple[object, ...]
    if among.seated_on is not None:
        where, params = "m.id IN (SELECT member_id FROM committee_seats WHERE unit_id = ?)", (among.seated_on,)
    else:
        ids = sorted(among.units) or [-1]
        where, params = f"m.id IN ({units_members(len(ids))})", (*ids, *ids, *ids)
    return f"FROM members m WHERE +m.active = 1 AND {where}", params


#: Linked (gets a copy) and has a vote, as SQL over `members m`.
_LINKED = "m.linked_at IS NOT NULL AND m.telegram_id IS NOT NULL"
_VOTES = "COALESCE(m.membership = ? AND m.relation = ?, 0)"


#: A recipient row of `_expected_sql`.
_Row = tuple[int, int | None, int, int, str | None]


def _expected_sql(among: Among, unit_id: int) -> tuple[str, tuple[object, ...]]:
    """id, telegram id when linked (else NULL), votes, on the unit's committee, language: in delivery order."""
    source, params = _among_sql(among)
    return (
        f"SELECT m.id, CASE WHEN {_LINKED} THEN m.telegram_id END, {_VOTES}, "
        "EXISTS (SELECT 1 FROM committee_seats s WHERE s.member_id = m.id AND s.unit_id = ?), m.language "
        f"{source} ORDER BY m.unit_id, m.id",
        (FULL, HERE, unit_id, *params),
    )


async def headcount(db: Database, among: Among, shown: int) -> Headcount:
    """The preview's figures of a notice to `among` without a row per member in Python: counts in SQL, and at
    most `shown` names of each list (a notice to 100 000 built every expected member as a model: 12.7 s, 561 MB)."""
    source, params = _among_sql(among)
    row = await db.fetchone(
        f"SELECT count(*), coalesce(sum({_LINKED}), 0), coalesce(sum(NOT {_VOTES} AND m.membership = ?), 0), "
        f"coalesce(sum(NOT {_VOTES}), 0) {source}",
        (FULL, HERE, PROBATIONARY, FULL, HERE, *params),
    )
    assert row is not None
    order = f"ORDER BY m.unit_id, m.id LIMIT {int(shown)}"
    unregistered = await db.fetchall_tuples(f"SELECT m.name {source} AND NOT ({_LINKED}) {order}", params)
    silent = await db.fetchall_tuples(f"SELECT m.name {source} AND NOT {_VOTES} {order}", (*params, FULL, HERE))
    return Headcount(
        row[0],
        row[1],
        tuple(str(r[0]) for r in unregistered),
        row[2],
        row[3] - row[2],
        tuple(str(r[0]) for r in silent),
    )


async def _still_publishing(conn: aiosqlite.Connection, notice_id: int) -> bool:
    """Whether the notice is still to be published, inside a chunk's transaction; a cancelled one stops here
    (and is publishing no more)."""
    sql = "SELECT publishing, cancelled_at IS NOT NULL FROM notices WHERE id = ?"
    async with conn.execute(sql, (notice_id,)) as cur:
        row = await cur.fetchone()
    if row is None or not row[0]:
        return False
    if row[1]:
        await conn.execute("UPDATE notices SET publishing = 0 WHERE id = ?", (notice_id,))
        return False
    return True


class PublishWrites:
    db: Database
    #: Notices this process is publishing right now: a resume (the sweep) leaves them to their publisher.
    publishing_now: set[int]

    async def headcount(self, among: Among, shown: int) -> Headcount:
        """What the preview before Send shows of who a notice reaches (`headcount`)."""
        return await headcount(self.db, among, shown)

    async def publish_to(self, draft: Draft, by: Convener, among: Among, copies: Copies) -> Publication:
        """The notice (publishing, with the update's applied-once mark) in one transaction, then its expected
        members (`among`) and their copies a chunk a transaction (`publish_seats`)."""
        notice_id = await self.open_publish(draft, by)
        return await self.publish_seats(notice_id, draft.unit_id, among, copies)

    async def open_publish(self, draft: Draft, by: Convener) -> int:
        """The notice alone, publishing, with the update's applied-once mark, in one transaction; its id. Its
        seats follow (`publish_seats`), in the background or, after a crash, from the sweep."""
        async with self.db.transaction() as conn:
            return await insert_notice(conn, draft, by, publishing=True)

    async def still_publishing(self) -> list[tuple[int, bool]]:
        """(id, whether its bound group gets a copy) of every notice whose publish has not finished."""
        rows = await self.db.fetchall_tuples("SELECT id, to_group FROM notices WHERE publishing = 1 ORDER BY id")
        return [(cast(int, r[0]), bool(r[1])) for r in rows]

    async def publish_seats(self, notice_id: int, unit_id: int, among: Among, copies: Copies) -> Publication:
        """Seat and queue the expected members of a publishing notice, `_CHUNK` a transaction, then what goes
        after them, and mark it published. Re-runnable: a seat or copy already written is skipped, so a publish
        that stopped half-way is finished by running this again (the audience as it is then). Not finished when
        the notice was cancelled meanwhile, or this process is publishing it already."""
        if notice_id in self.publishing_now:
            return Publication(notice_id, 0, 0, finished=False)
        self.publishing_now.add(notice_id)
        try:
            return await self._publish_seats(notice_id, unit_id, among, copies)
        finally:
            self.publishing_now.discard(notice_id)

    async def _publish_seats(self, notice_id: int, unit_id: int, among: Among, copies: Copies) -> Publication:
        sql, params = _expected_sql(among, unit_id)
        # plain tuples (id, telegram id when linked, votes, on the committee, language): ~12 MB at 84 000
        rows = cast(list[_Row], await self.db.fetchall_tuples(sql, params))
        recipients = queued = 0
        for start in range(0, len(rows), _CHUNK):
            async with self.db.transaction() as conn:
                if not await _still_publishing(conn, notice_id):
                    return Publication(notice_id, recipients, queued, finished=False)
                chunk = rows[start : start + _CHUNK]
                seats = [(notice_id, r[0], int(r[1] is not None), r[2], r[3]) for r in chunk]
                await conn.executemany(SEATS_SQL, seats)
                linked = [Recipient(r[0], r[1], r[4]) for r in chunk if r[1] is not None]
                recipients += len(linked)
                queued += await enqueue_in(conn, copies.of(notice_id, linked))
        async with self.db.transaction() as conn:
            if not await _still_publishing(conn, notice_id):
                return Publication(notice_id, recipients, queued, finished=False)
            queued += await enqueue_in(conn, copies.rest(notice_id))
            await conn.execute("UPDATE notices SET publishing = 0 WHERE id = ?", (notice_id,))
        return Publication(notice_id, recipients, queued)
