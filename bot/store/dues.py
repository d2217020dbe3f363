"""Party dues (党费): each member's rule for a year and the payments recorded. The only SQL of `dues`."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

import aiosqlite

from bot.store.db import Database, iso
from bot.store.outbox import Outgoing, enqueue_in


@dataclass(frozen=True)
class DuesRule:
    member_id: int
    year: int
    category: str
    base: int | None
    rate: int
    amount: int
    more: bool
    set_by: int | None
    set_at: datetime
    reviews: int


@dataclass(frozen=True)
class RuleValues:
    """A rule to write: category, base (分 or None), rate (basis points), amount (分 a month), 自愿多交."""

    category: str
    base: int | None
    rate: int
    amount: int
    more: bool


@dataclass(frozen=True)
class Payment:
    id: int
    member_id: int
    member_name: str
    unit_id: int
    first_month: str
    last_month: str
    amount: int
    means: str
    paid_on: date
    recorded_by: int | None
    recorded_by_name: str | None
    recorded_at: datetime
    corrects: int | None
    corrected: bool  # a later entry cancels this one


def _rule(r: aiosqlite.Row) -> DuesRule:
    return DuesRule(
        r["member_id"],
        r["year"],
        r["category"],
        r["base"],
        r["rate"],
        r["amount"],
        bool(r["more"]),
        r["set_by"],
        datetime.fromisoformat(r["set_at"]),
        r["reviews"],
    )


_PAYMENT_SQL = (
    "SELECT p.*, m.name AS member_name, m.unit_id AS member_unit, r.name AS recorder_name, "
    "EXISTS (SELECT 1 FROM dues_payments c WHERE c.corrects = p.id) AS corrected "
    "FROM dues_payments p JOIN members m ON m.id = p.member_id LEFT JOIN members r ON r.id = p.recorded_by "
)


def _payment(r: aiosqlite.Row) -> Payment:
    return Payment(
        r["id"],
        r["member_id"],
        r["member_name"],
        r["member_unit"],
        r["first_month"],
        r["last_month"],
        r["amount"],
        r["means"],
        date.fromisoformat(r["paid_on"]),
        r["recorded_by"],
        r["recorder_name"],
        datetime.fromisoformat(r["recorded_at"]),
        r["corrects"],
        bool(r["corrected"]),
    )


def _marks(ids: Sequence[object]) -> str:
    return ",".join("?" * len(ids))


def _units(units: Collection[int] | None) -> tuple[str, tuple[object, ...]]:
    if units is None:
        return "", ()
    ids = tuple(sorted(set(units))) or (-1,)
    return f"WHERE m.unit_id IN ({_marks(ids)}) ", ids


class DuesRepo:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.collectors = CollectorRepo(db)

    async def set_rule(
        self,
        member_id: int,
        year: int,
        category: str,
        base: int | None,
        rate: int,
        amount: int,
        more: bool,
        set_by: int | None,
        at: datetime,
    ) -> bool:
        """Set (or review) a member's rule for the year; True when it was set again (a review)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("SELECT 1 FROM dues_rules WHERE member_id = ? AND year = ?", (member_id, year))
            existed = await cur.fetchone() is not None
            await conn.execute(
                "INSERT INTO dues_rules (member_id, year, category, base, rate, amount, more, set_by, set_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (member_id, year) DO UPDATE SET "
                "category = excluded.category, base = excluded.base, rate = excluded.rate, "
                "amount = excluded.amount, more = excluded.more, set_by = excluded.set_by, "
                "set_at = excluded.set_at, reviews = reviews + 1",
                (member_id, year, category, base, rate, amount, int(more), set_by, iso(at)),
            )
        return existed

    async def rules_of(self, member_ids: Collection[int]) -> dict[int, list[DuesRule]]:
        """Every year's rule of these members, oldest year first."""
        ids = tuple(sorted(set(member_ids))) or (-1,)
        rows = await self.db.fetchall(
            f"SELECT * FROM dues_rules WHERE member_id IN ({_marks(ids)}) ORDER BY member_id, year", ids
        )
        found: dict[int, list[DuesRule]] = {}
        for r in rows:
            found.setdefault(r["member_id"], []).append(_rule(r))
        return found

    async def with_rules(self) -> list[int]:
        """The active members who have a dues rule of any year (the arrears sweep's population), one indexed
        read."""
        rows = await self.db.fetchall_tuples(
            "SELECT DISTINCT d.member_id FROM dues_rules d JOIN members m ON m.id = d.member_id WHERE m.active"
        )
        return [int(str(r[0])) for r in rows]

    async def add_payment(
        self,
        member_id: int,
        first_month: str,
        last_month: str,
        amount: int,
        means: str,
        paid_on: date,
        recorded_by: int | None,
        at: datetime,
        corrects: int | None = None,
        receipt: Outgoing | None = None,
    ) -> int | None:
        """Record a payment (or the correction of entry `corrects`); its id, or None when that entry was
        corrected already. `receipt`, the member's, is queued in the same transaction, its key ending in the id."""
        async with self.db.transaction() as conn:
            if corrects is not None:
                cur = await conn.execute("SELECT 1 FROM dues_payments WHERE corrects = ?", (corrects,))
                if await cur.fetchone() is not None:
                    return None
            cur = await conn.execute(
                "INSERT INTO dues_payments (member_id, first_month, last_month, amount, means, paid_on, "
                "recorded_by, recorded_at, corrects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    member_id,
                    first_month,
                    last_month,
                    amount,
                    means,
                    paid_on.isoformat(),
                    recorded_by,
                    iso(at),
                    corrects,
                ),
            )
            if receipt is not None and cur.lastrowid is not None:
                await enqueue_in(conn, [replace(receipt, key=f"{receipt.key}:{cur.lastrowid}")])
            return cur.lastrowid

    async def payment(self, payment_id: int) -> Payment | None:
        rows = await self.db.fetchall(_PAYMENT_SQL + "WHERE p.id = ?", (payment_id,))
        return _payment(rows[0]) if rows else None

    async def payments_of(self, member_ids: Collection[int]) -> list[Payment]:
        """Every entry of these members, corrections too, in the order recorded."""
        ids = tuple(sorted(set(member_ids))) or (-1,)
        rows = await self.db.fetchall(_PAYMENT_SQL + f"WHERE p.member_id IN ({_marks(ids)}) ORDER BY p.id", ids)
        return [_payment(r) for r in rows]

    async def payments_in(self, units: Collection[int] | None, year: int) -> list[Payment]:
        """Entries covering any month of `year`, of members whose branch is in `units` (all when None)."""
        cond, params = "", ()  # type: tuple[str, tuple[object, ...]]
        if units is not None:
            ids = tuple(sorted(set(units))) or (-1,)
            cond, params = f"AND m.unit_id IN ({_marks(ids)}) ", ids
        rows = await self.db.fetchall(
            _PAYMENT_SQL + f"WHERE p.last_month >= ? AND p.first_month <= ? {cond}ORDER BY p.id",
            (f"{year:04d}-01", f"{year:04d}-12", *params),
        )
        return [_payment(r) for r in rows]

    async def each_payment(self, units: Collection[int] | None = None) -> AsyncGenerator[Payment, None]:
        """Every entry of members whose branch is in `units` (all when None), in the order recorded, through a
        cursor (exports)."""
        cond, params = _units(units)
        async for row in self.db.stream(_PAYMENT_SQL + f"{cond}ORDER BY p.id", params):
            yield _payment(row)

    async def each_rule(self, units: Collection[int] | None = None) -> AsyncGenerator[tuple[DuesRule, str, int], None]:
        """Every rule of members whose branch is in `units` (all when None), with the member's name and branch,
        through a cursor (exports, the workbook)."""
        cond, params = _units(units)
        async for r in self.db.stream(
            "SELECT d.*, m.name AS member_name, m.unit_id AS member_unit FROM dues_rules d "
            f"JOIN members m ON m.id = d.member_id {cond}ORDER BY m.unit_id, m.id, d.year",
            params,
        ):
            yield _rule(r), r["member_name"], r["member_unit"]


@dataclass(frozen=True)
class Collector:
    """A branch's 党费收缴人, as `/dues 收缴人` lists them."""

    member_id: int
    name: str
    unit_id: int


class CollectorRepo:
    """The 收缴人 secretaries name (`dues_collectors`): whether a member is one comes with the member
    (`Member.collector`). Leaving the branch or the active roster ends the role for good (a trigger deletes the
    row, migration 0043): moving back does not restore it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def set(self, member_id: int, unit_id: int, by: int | None, at: datetime, told: Outgoing | None) -> None:
        """Name the member the 收缴人 of `unit_id` (a role left behind in another branch is replaced). `told`, the
        member's message, is queued in the same transaction."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO dues_collectors (member_id, unit_id, named_by, named_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (member_id) DO UPDATE SET unit_id = excluded.unit_id, named_by = excluded.named_by, "
                "named_at = excluded.named_at",
                (member_id, unit_id, by, iso(at)),
            )
            if told is not None:
                await enqueue_in(conn, [told])

    async def take_back(self, member_id: int, told: Outgoing | None) -> bool:
        """The member is no longer a 收缴人; whether they were one. `told` is queued only when they were."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("DELETE FROM dues_collectors WHERE member_id = ?", (member_id,))
            if cur.rowcount and told is not None:
                await enqueue_in(conn, [told])
            return bool(cur.rowcount)

    async def of_units(self, units: Collection[int]) -> list[Collector]:
        """The active 收缴人 of these branches, by branch and name."""
        ids = tuple(sorted(set(units))) or (-1,)
        rows = await self.db.fetchall(
            "SELECT m.id, m.name, c.unit_id FROM dues_collectors c JOIN members m ON m.id = c.member_id "
            f"WHERE c.unit_id IN ({_marks(ids)}) AND m.unit_id = c.unit_id AND m.active ORDER BY c.unit_id, m.name",
            ids,
        )
        return [Collector(r[0], r[1], r[2]) for r in rows]


class DuesWrites:
    """The roster's 党费 columns (issue 25), written in the import's transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def from_roster(self, member_id: int, year: int, rule: RuleValues, at: datetime) -> bool:
        """Set the member's rule for `year` as the roster gives it (a review when one was set already); nothing
        when it is the same. True when it changed."""
        async with self._conn.execute(
            "SELECT category, base, amount FROM dues_rules WHERE member_id = ? AND year = ?", (member_id, year)
        ) as cur:
            row = await cur.fetchone()
        if row is not None and tuple(row) == (rule.category, rule.base, rule.amount):
            return False
        await self._conn.execute(
            "INSERT INTO dues_rules (member_id, year, category, base, rate, amount, more, set_by, set_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT (member_id, year) DO UPDATE SET "
            "category = excluded.category, base = excluded.base, rate = excluded.rate, amount = excluded.amount, "
            "more = excluded.more, set_by = NULL, set_at = excluded.set_at, reviews = reviews + 1",
            (member_id, year, rule.category, rule.base, rule.rate, rule.amount, int(rule.more), iso(at)),
        )
        return True
