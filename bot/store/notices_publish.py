"""Publishing a notice (issue 31): the notice, its expected members and one outbox row per recipient in ONE
transaction, the recipients streamed from a cursor in chunks.

A notice to 100 000 members read every member as a model first (559 MB at its peak, collector pauses of a third of
a second): here each chunk is `_CHUNK` plain tuples of the few columns publishing needs, their seats and copies
written with `executemany`, and the event loop goes on between chunks (every call to the database thread is a
turn). It is still one transaction: a crash half-way leaves nothing (no notice, no seat, no copy), and the update
that asked for it is marked applied in that same transaction (`Database.transaction`), so Send pressed once
publishes once — after a restart, the update is handled again from the start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

import aiosqlite
from pydantic import BaseModel

from bot.domain.organisation import FULL, HERE, PROBATIONARY
from bot.store.db import Database, iso
from bot.store.members import units_members
from bot.store.notices_export import HEARING, OTHER
from bot.store.outbox import Outgoing, enqueue_in

#: Recipients read, seated and queued between two turns of the event loop.
_CHUNK = 500


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


SEATS_SQL = "INSERT INTO notice_members (notice_id, member_id, linked, votes, committee) VALUES (?, ?, ?, ?, ?)"


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


async def insert_notice(conn: aiosqlite.Connection, draft: Draft, by: Convener) -> int:
    """The notice's own row, inside the caller's transaction; its id."""
    cur = await conn.execute(
        "INSERT INTO notices (kind, unit_id, starts_at, place, topic, created_by, creator_chat, "
        "creator_lang, created_at, audience, speaker, mode, hearing) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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


class PublishWrites:
    db: Database

    async def headcount(self, among: Among, shown: int) -> Headcount:
        """What the preview before Send shows of who a notice reaches (`headcount`)."""
        return await headcount(self.db, among, shown)

    async def publish_to(self, draft: Draft, by: Convener, among: Among, copies: Copies) -> Publication:
        """The notice, its expected members (`among`) and their copies in ONE transaction, `_CHUNK` recipients
        at a time from one cursor (plain tuples), the event loop let go between chunks."""
        sql, params = _expected_sql(among, draft.unit_id)
        recipients = queued = 0
        async with self.db.transaction() as conn:
            notice_id = await insert_notice(conn, draft, by)
            async with conn.execute(sql, params) as cur:
                cur.row_factory = None
                while rows := await cur.fetchmany(_CHUNK):
                    seats = [(notice_id, r[0], int(r[1] is not None), int(r[2]), int(r[3])) for r in rows]
                    await conn.executemany(SEATS_SQL, seats)
                    linked = [Recipient(r[0], r[1], r[4]) for r in rows if r[1] is not None]
                    recipients += len(linked)
                    queued += await enqueue_in(conn, copies.of(notice_id, linked))
            queued += await enqueue_in(conn, copies.rest(notice_id))
        return Publication(notice_id, recipients, queued)
