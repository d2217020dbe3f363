"""Members, their roles and duty posts, and linking to Telegram accounts.

Lists of members are of active members only (those on the roster today) unless a method says otherwise:
a member deactivated by a roster import keeps their history (`get`, `all`) but is nobody's list entry,
secretary, liaison or admin. The roster import's own writes are in `bot.store.members_roster`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncGenerator, Collection, Iterable, Sequence
from datetime import date

import aiosqlite

from bot.domain.models import INSPECTOR, Member
from bot.store.db import Database, iso, utcnow

# A member's roles are their bot roles (member_roles) and their offices (member_offices: 支委, 党小组长); whether a
# secretary named them a reviewer of duty entries (post_reviewers) or the 党费收缴人 of the branch they are in
# (dues_collectors) comes with them.
_SELECT = (
    "SELECT m.*, "
    "(SELECT group_concat(role, ';') FROM member_roles r WHERE r.member_id = m.id) AS roles, "
    "(SELECT group_concat(office, ';') FROM member_offices o WHERE o.member_id = m.id) AS offices, "
    "(SELECT group_concat(post, ';') FROM member_posts p WHERE p.member_id = m.id) AS posts, "
    "EXISTS (SELECT 1 FROM post_reviewers v WHERE v.member_id = m.id) AS reviewer, "
    "EXISTS (SELECT 1 FROM dues_collectors c WHERE c.member_id = m.id AND c.unit_id = m.unit_id) AS collector, "
    "(SELECT group_concat(s.unit_id || ':' || s.office, ';') FROM committee_seats s WHERE s.member_id = m.id) "
    "AS seats, "
    "(SELECT i.unit_id FROM inspectors i WHERE i.member_id = m.id) AS oversees "
    "FROM members m"
)
# Every member id holding a role, whichever table keeps it.
_HOLDERS = (
    "SELECT member_id FROM member_roles WHERE role = ? UNION SELECT member_id FROM member_offices WHERE office = ?"
)
# `+`: the flag is checked on the rows an index found, never used to pick one (by itself it finds nearly every row).
#: Members built between two turns of the event loop (~5 ms of CPU on a slow core; 1 000 took 25–30 ms): a pass
#: of the collector falling in a chunk holds the loop for the chunk as well (issue 31, `/reports` at 100 000).
_BUILD_CHUNK = 200
_ACTIVE = "+m.active = 1"


def units_members(count: int) -> str:
    """The ids of members whose unit, Party group or activity group is one of `count` ids (the parameters: the
    ids three times): three index look-ups. An activity group's members are in it as well as in their branch;
    one OR over the three columns would read every member."""
    marks = ",".join("?" * count)
    return (
        f"SELECT id FROM members WHERE unit_id IN ({marks}) UNION SELECT id FROM members WHERE group_id IN ({marks}) "
        f"UNION SELECT id FROM members WHERE activity_group_id IN ({marks})"
    )


#: The one empty set of roles or posts most members share: a set of its own each was two more objects for the
#: collector to track per member (a list of 10 000 members set off its full passes sooner).
_NONE: frozenset[str] = frozenset()


def _split(value: str | None) -> frozenset[str]:
    found = frozenset(p for p in value.split(";") if p) if value else _NONE
    return found or _NONE


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _seats(value: str | None) -> tuple[tuple[int, str], ...]:
    """`3:secretary;1:member` → ((1, "member"), (3, "secretary")): the committee seats, by unit."""
    out = []
    for part in _split(value):
        unit, _, office = part.partition(":")
        if unit.isdigit() and office:
            out.append((int(unit), office))
    return tuple(sorted(out))


def member_from_row(row: aiosqlite.Row) -> Member:
    """Without pydantic's validation: every value is of its field's type already (SQLite's columns, the dates
    parsed, the flags made bools), and a list of thousands built with it costs a third of what it did."""
    keys = row.keys()
    oversees = row["oversees"] if "oversees" in keys else None
    roles = _split(row["roles"]) | _split(row["offices"]) | ({INSPECTOR} if oversees is not None else _NONE)
    return Member.model_construct(
        id=row["id"],
        name=row["name"],
        unit_id=row["unit_id"],
        group_id=row["group_id"],
        category=row["category"],
        roles=roles or _NONE,
        posts=_split(row["posts"]),
        liaison_id=row["liaison_id"],
        report_cadence=row["report_cadence"],
        migrant_since=_date(row["migrant_since"]),
        mobile_recorded_at=row["mobile_recorded_at"] or row["created_at"],
        phone=row["phone"],
        building=row["building"],
        telegram_id=row["telegram_id"],
        linked_at=row["linked_at"],
        language=row["language"],
        unreachable=bool(row["unreachable"]),
        active=bool(row["active"]),
        deactivated_at=row["deactivated_at"],
        membership=row["membership"],
        joined=_date(row["joined"]),
        confirmed=_date(row["confirmed"]),
        relation=row["relation"],
        note=row["note"],
        duty=row["duty"],
        activity_group_id=row["activity_group_id"],
        reviewer=bool(row["reviewer"]),
        collector=bool(row["collector"]) if "collector" in keys else False,
        seats=_seats(row["seats"]) if "seats" in keys else (),
        oversees=oversees,
    )


class MemberRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _many(self, where: str, params: tuple[object, ...] = ()) -> list[Member]:
        """The members, built `_BUILD_CHUNK` at a time with the event loop let go between chunks (a notice to
        100 000 members reads them all)."""
        rows = await self.db.fetchall(f"{_SELECT} {where}", params)
        if len(rows) <= _BUILD_CHUNK:
            return [member_from_row(r) for r in rows]
        out: list[Member] = []
        for start in range(0, len(rows), _BUILD_CHUNK):
            if start:
                await asyncio.sleep(0)
            out.extend(member_from_row(r) for r in rows[start : start + _BUILD_CHUNK])
        return out

    async def get(self, member_id: int) -> Member | None:
        """The member, active or not (records keep pointing at people who left)."""
        found = await self._many("WHERE m.id = ?", (member_id,))
        return found[0] if found else None

    async def seated(self, unit_id: int) -> list[Member]:
        """The active members holding a seat on this unit's committee, whatever their own unit."""
        return await self._many(
            f"WHERE {_ACTIVE} AND m.id IN (SELECT member_id FROM committee_seats WHERE unit_id = ?) ORDER BY m.id",
            (unit_id,),
        )

    async def by_ids(self, member_ids: Iterable[int]) -> dict[int, Member]:
        """These members (active or not), by id: one query for a page of a list."""
        wanted = list(dict.fromkeys(member_ids))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        return {m.id: m for m in await self._many(f"WHERE m.id IN ({marks})", tuple(wanted))}

    async def by_telegram_id(self, telegram_id: int, *, include_inactive: bool = False) -> Member | None:
        """Who this Telegram account is; an inactive member is nobody (refused like an unknown user)."""
        found = await self._many(
            "WHERE m.telegram_id = ?" + ("" if include_inactive else f" AND {_ACTIVE}"), (telegram_id,)
        )
        return found[0] if found else None

    async def all(self) -> list[Member]:
        """Every member ever on the roster, active or not: for names and records in history and exports.
        Lists of people to show, remind or expect use the methods below."""
        return await self._many("ORDER BY m.unit_id, m.id")

    async def each(self, units: Collection[int] | None = None) -> AsyncGenerator[tuple[Member, str | None], None]:
        """What `all` lists (only those whose branch is in `units`, when given), with each one's liaison's name,
        streamed from a cursor: for exports, which must not hold the whole roster in memory."""
        where = ""
        params: tuple[object, ...] = ()
        if units is not None:
            ids = tuple(sorted(set(units))) or (-1,)
            where, params = f"WHERE m.unit_id IN ({','.join('?' * len(ids))})", ids
        async for row in self.db.stream(
            f"SELECT b.*, l.name AS liaison_name FROM ({_SELECT} {where}) b "
            "LEFT JOIN members l ON l.id = b.liaison_id ORDER BY b.unit_id, b.id",
            params,
        ):
            yield member_from_row(row), row["liaison_name"]

    async def each_linked(self) -> AsyncGenerator[Member, None]:
        """What `linked` lists, streamed from a cursor (a chunk at a time): for going over all of them."""
        async for row in self.db.stream(
            f"{_SELECT} WHERE {_ACTIVE} AND m.linked_at IS NOT NULL AND m.telegram_id IS NOT NULL ORDER BY m.id"
        ):
            yield member_from_row(row)

    async def reachable_chats(self) -> list[tuple[int, int, str | None]]:
        """(id, Telegram id, language) of the active members linked to Telegram and reachable, by id: plain tuples,
        for a message to every member (a model each for 100 000 members made the collector's passes long)."""
        rows = await self.db.fetchall_tuples(
            f"SELECT m.id, m.telegram_id, m.language FROM members m WHERE {_ACTIVE} AND m.linked_at IS NOT NULL "
            "AND m.telegram_id IS NOT NULL AND NOT m.unreachable ORDER BY m.id"
        )
        return [(int(str(r[0])), int(str(r[1])), None if r[2] is None else str(r[2])) for r in rows]

    async def linked(self) -> list[Member]:
        """Active members linked to Telegram."""
        return await self._many(
            f"WHERE {_ACTIVE} AND m.linked_at IS NOT NULL AND m.telegram_id IS NOT NULL ORDER BY m.id"
        )

    async def in_units(self, unit_ids: Iterable[int], *, include_inactive: bool = False) -> list[Member]:
        return await self._in_units(unit_ids, "" if include_inactive else f"{_ACTIVE} AND ")

    async def post_holders_in_units(self, unit_ids: Iterable[int]) -> list[Member]:
        """The active members of `in_units` holding a duty post (`/dutyreport` lists no one else): a model for
        each of 100 000 members held the event loop for seconds, most of it in the collector's passes."""
        return await self._in_units(unit_ids, f"{_ACTIVE} AND m.id IN (SELECT member_id FROM member_posts) AND ")

    async def reporting_in_units(self, unit_ids: Iterable[int], periods: Sequence[str]) -> list[Member]:
        """The active members of `in_units` whom `/reports` may list for `periods`: the mobile members (who owe
        reports by a cadence: `reports.common.is_mobile`) and the others who handed one in for one of `periods`."""
        marks = ",".join("?" * len(periods)) or "NULL"
        return await self._in_units(
            unit_ids,
            f"{_ACTIVE} AND (m.category = 'migrant' AND m.report_cadence IS NOT NULL OR EXISTS "
            f"(SELECT 1 FROM thought_reports t WHERE t.member_id = m.id AND t.period IN ({marks}))) AND ",
            tuple(periods),
        )

    async def _in_units(self, unit_ids: Iterable[int], where: str, params: tuple[object, ...] = ()) -> list[Member]:
        """The members whose unit, Party group or activity group is one of `unit_ids` and who meet `where` (a
        condition ending in `AND`, its parameters `params`), by unit and id."""
        ids = sorted(set(unit_ids))
        if not ids:
            return []
        return await self._many(
            f"WHERE {where}m.id IN ({units_members(len(ids))}) ORDER BY m.unit_id, m.id", (*params, *ids, *ids, *ids)
        )

    async def named(self, name: str, *, include_inactive: bool = False) -> list[Member]:
        state = "" if include_inactive else f" AND {_ACTIVE}"
        return await self._many(f"WHERE m.name = ?{state} ORDER BY m.id", (name,))

    async def unlinked(self) -> list[Member]:
        return await self._many(f"WHERE {_ACTIVE} AND m.linked_at IS NULL ORDER BY m.unit_id, m.id")

    async def admins(self) -> list[Member]:
        return await self.with_role("admin")

    async def link(self, member_id: int, telegram_id: int) -> None:
        """Tie the member to the Telegram account that just wrote to the bot; their invite codes are spent."""
        now = iso(utcnow())
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE members SET telegram_id = ?, linked_at = ?, unreachable = 0 WHERE id = ?",
                (telegram_id, now, member_id),
            )
            await conn.execute(
                "UPDATE invites SET used_at = ?, used_by = ? WHERE member_id = ? AND used_at IS NULL",
                (now, telegram_id, member_id),
            )

    async def reachable_again(self, member_id: int) -> None:
        """They wrote to the bot in private: Telegram lets us write to them again."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE members SET unreachable = 0 WHERE id = ? AND unreachable", (member_id,))

    async def set_language(self, member_id: int, language: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE members SET language = ? WHERE id = ?", (language, member_id))

    async def roles_by_member(self) -> dict[int, set[str]]:
        """Roles and offices of active members (an inactive member's were taken when they were deactivated)."""
        out: dict[int, set[str]] = defaultdict(set)
        for row in await self.db.fetchall(
            "SELECT r.member_id, r.role FROM member_roles r JOIN members m ON m.id = r.member_id "
            f"WHERE {_ACTIVE} UNION ALL "
            "SELECT o.member_id, o.office FROM member_offices o JOIN members m ON m.id = o.member_id "
            f"WHERE {_ACTIVE}"
        ):
            out[row[0]].add(row[1])
        return out

    async def mark_unreachable(self, member_id: int) -> None:
        """Telegram refused delivery (blocked, or never started): no more sends until they write."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE members SET unreachable = 1 WHERE id = ?", (member_id,))

    async def with_role(self, role: str) -> list[Member]:
        """Active members with this role or office."""
        return await self._many(f"WHERE {_ACTIVE} AND m.id IN ({_HOLDERS}) ORDER BY m.id", (role, role))

    async def liaison_of(self, member: Member) -> Member | None:
        """Their liaison, while the liaison is active."""
        if member.liaison_id is None:
            return None
        found = await self._many(f"WHERE m.id = ? AND {_ACTIVE}", (member.liaison_id,))
        return found[0] if found else None

    async def kept_by(self, liaison_id: int) -> list[Member]:
        """The active members this liaison keeps contact with."""
        return await self._many(f"WHERE m.liaison_id = ? AND {_ACTIVE} ORDER BY m.id", (liaison_id,))
