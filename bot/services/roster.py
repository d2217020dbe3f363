"""The roster (SPEC §2): parse and validate a CSV in full, then apply it in one transaction.

Parsing is pure: `parse_roster(text)` returns rows or errors, each error naming the line and column.
`apply_roster` writes nothing unless the whole file is valid, and re-importing the same file changes
nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from bot.store import Store
from bot.store.db import iso, utcnow

COLUMNS = (
    "name", "branch", "group", "category", "roles", "telegram_id", "liaison", "posts",
    "report_cadence", "migrant_since", "phone", "building",
)

CATEGORIES = {
    "resident": "resident", "在家": "resident", "在家党员": "resident",
    "employed": "employed", "在职": "employed", "在职党员": "employed",
    "unemployed": "unemployed", "无业": "unemployed", "无业党员": "unemployed",
    "migrant": "migrant", "流动": "migrant", "流动党员": "migrant",
    "separated": "separated", "人户分离": "separated",
    "incoming": "incoming", "外来": "incoming", "外来党员": "incoming",
}
ROLES = {
    "secretary": "secretary", "书记": "secretary", "支部书记": "secretary",
    "liaison": "liaison", "联系人": "liaison",
    "admin": "admin", "管理员": "admin",
}
POSTS = {
    "patrol": "patrol", "治安巡逻岗": "patrol", "巡逻": "patrol", "巡逻岗": "patrol",
    "mediation": "mediation", "矛盾调解岗": "mediation", "调解": "mediation", "调解岗": "mediation",
}
CADENCES = {
    "monthly": "monthly", "每月": "monthly", "按月": "monthly", "月": "monthly", "月度": "monthly",
    "quarterly": "quarterly", "每季度": "quarterly", "按季": "quarterly", "季度": "quarterly",
}
MAX_FIELD = 200
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class RosterError:
    """A problem in the file: `line`, `column` (or "" for the whole row), a catalogue key and values."""

    line: int
    column: str
    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    branch: str
    group: str
    category: str | None
    roles: frozenset[str]
    telegram_id: int | None
    liaison: str
    posts: frozenset[str]
    report_cadence: str | None
    migrant_since: date | None
    phone: str
    building: str


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: int = 0


def _split(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;；]", value) if p.strip()]


def _parse_row(line: int, raw: dict[str, str], errors: list[RosterError]) -> RosterRow | None:
    def err(column: str, key: str, **params: str) -> None:
        errors.append(RosterError(line, column, key, params))

    values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    before = len(errors)
    for column, value in values.items():
        if len(value) > MAX_FIELD:
            err(column, "roster.err.too_long", limit=str(MAX_FIELD))
        if any(ord(ch) < 32 for ch in value):
            err(column, "roster.err.control")
    if not values["name"]:
        err("name", "roster.err.required")
    category = None
    if values["category"]:
        category = CATEGORIES.get(values["category"].lower())
        if category is None:
            err("category", "roster.err.category", value=values["category"])
    roles: set[str] = set()
    for part in _split(values["roles"]):
        role = ROLES.get(part.lower())
        if role is None:
            err("roles", "roster.err.role", value=part)
        else:
            roles.add(role)
    telegram_id = None
    if values["telegram_id"]:
        if not values["telegram_id"].isdecimal() or not 0 < int(values["telegram_id"]) < 2**63:
            err("telegram_id", "roster.err.telegram_id", value=values["telegram_id"])
        else:
            telegram_id = int(values["telegram_id"])
    posts = frozenset(POSTS.get(p.lower(), p) for p in _split(values["posts"]))
    cadence = None
    if values["report_cadence"]:
        cadence = CADENCES.get(values["report_cadence"].lower())
        if cadence is None:
            err("report_cadence", "roster.err.cadence", value=values["report_cadence"])
    elif category == "migrant":
        cadence = "monthly"
    since = None
    if values["migrant_since"]:
        try:
            if not _DATE.match(values["migrant_since"]):
                raise ValueError
            since = date.fromisoformat(values["migrant_since"])
        except ValueError:
            err("migrant_since", "roster.err.date", value=values["migrant_since"])
    if values["liaison"] and values["liaison"] == values["name"]:
        err("liaison", "roster.err.self_liaison")
    if len(errors) > before:
        return None
    return RosterRow(
        line=line, name=values["name"], branch=values["branch"], group=values["group"],
        category=category, roles=frozenset(roles), telegram_id=telegram_id, liaison=values["liaison"],
        posts=posts, report_cadence=cadence, migrant_since=since, phone=values["phone"],
        building=values["building"],
    )


def parse_roster(text: str) -> tuple[list[RosterRow], list[RosterError]]:
    """Every row of the file, or every problem found in it (never both)."""
    text = text.lstrip("\ufeff")
    errors: list[RosterError] = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lstrip("\ufeff") for h in (reader.fieldnames or [])]
    except csv.Error as exc:  # e.g. a header cell longer than the csv module's field limit
        return [], [RosterError(1, "", "roster.err.csv", {"detail": str(exc)})]
    if "name" not in header:
        return [], [RosterError(1, "name", "roster.err.no_name_column")]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        return [], [RosterError(1, unknown[0], "roster.err.unknown_column",
                                {"columns": ", ".join(COLUMNS)})]
    reader.fieldnames = header
    rows: list[RosterRow] = []
    try:
        for raw in reader:
            if None in raw:
                errors.append(RosterError(reader.line_num, "", "roster.err.extra_fields"))
                continue
            if not any((v or "").strip() for v in raw.values()):
                continue
            row = _parse_row(reader.line_num, raw, errors)
            if row:
                rows.append(row)
    except csv.Error as exc:
        errors.append(RosterError(reader.line_num, "", "roster.err.csv", {"detail": str(exc)}))
    seen: dict[tuple[str, str], int] = {}
    ids: dict[int, int] = {}
    for row in rows:
        key = (row.branch, row.name)
        if key in seen:
            errors.append(RosterError(row.line, "name", "roster.err.duplicate", {"other": str(seen[key])}))
        seen[key] = row.line
        if row.telegram_id is not None:
            if row.telegram_id in ids:
                errors.append(RosterError(row.line, "telegram_id", "roster.err.duplicate_id",
                                          {"other": str(ids[row.telegram_id])}))
            ids[row.telegram_id] = row.line
    for row in rows:
        if row.liaison and (row.branch, row.liaison) not in seen:
            errors.append(RosterError(row.line, "liaison", "roster.err.liaison", {"value": row.liaison}))
    if not rows and not errors:
        errors.append(RosterError(2, "", "roster.err.empty"))
    return ([] if errors else rows), errors


def _fields(row: RosterRow, unit_id: int, group_id: int | None) -> dict[str, object]:
    return {
        "unit_id": unit_id, "group_id": group_id, "category": row.category,
        "report_cadence": row.report_cadence,
        "migrant_since": row.migrant_since.isoformat() if row.migrant_since else None,
        "phone": row.phone or None, "building": row.building or None,
    }


async def apply_roster(store: Store, rows: list[RosterRow], community_name: str) -> ImportSummary:
    """Create or update units and members from valid rows, all in one transaction."""
    summary = ImportSummary()
    now = iso(utcnow())
    async with store.db.transaction() as conn:
        committee_id, made = await store.units.ensure(conn, "committee", community_name, None)
        summary.units_created += made
        member_ids: dict[tuple[str, str], int] = {}
        changed: set[int] = set()
        created: set[int] = set()
        for row in rows:
            unit_id = committee_id
            if row.branch:
                unit_id, made = await store.units.ensure(conn, "branch", row.branch, committee_id)
                summary.units_created += made
            group_id = None
            if row.group:
                group_id, made = await store.units.ensure(conn, "group", row.group, unit_id)
                summary.units_created += made
            fields = _fields(row, unit_id, group_id)
            async with conn.execute(
                "SELECT * FROM members WHERE unit_id = ? AND name = ?", (unit_id, row.name)
            ) as cur:
                current = await cur.fetchone()
            if row.telegram_id is not None:
                async with conn.execute(
                    "SELECT name FROM members WHERE telegram_id = ? AND NOT (unit_id = ? AND name = ?)",
                    (row.telegram_id, unit_id, row.name),
                ) as cur:
                    other = await cur.fetchone()
                if other:
                    raise RosterConflict(RosterError(row.line, "telegram_id", "roster.err.id_taken",
                                                     {"other": str(other[0])}))
            if current is None:
                cur = await conn.execute(
                    "INSERT INTO members (name, unit_id, group_id, category, report_cadence, "
                    "migrant_since, mobile_recorded_at, phone, building, telegram_id, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (row.name, unit_id, group_id, row.category, row.report_cadence,
                     fields["migrant_since"], now if row.category == "migrant" else None,
                     fields["phone"], fields["building"], row.telegram_id, now, now),
                )
                assert cur.lastrowid is not None
                member_id = cur.lastrowid
                created.add(member_id)
                summary.created += 1
            else:
                member_id = int(current["id"])
                diff = {k: v for k, v in fields.items() if current[k] != v}
                if row.telegram_id is not None and current["telegram_id"] != row.telegram_id:
                    diff["telegram_id"] = row.telegram_id
                    diff["linked_at"] = None
                if row.category == "migrant" and current["mobile_recorded_at"] is None:
                    diff["mobile_recorded_at"] = now
                if diff:
                    diff["updated_at"] = now
                    sets = ", ".join(f"{k} = ?" for k in diff)
                    await conn.execute(f"UPDATE members SET {sets} WHERE id = ?", (*diff.values(), member_id))
                    changed.add(member_id)
            member_ids[(row.branch, row.name)] = member_id
            for table, column, wanted in (("member_roles", "role", row.roles),
                                          ("member_posts", "post", row.posts)):
                async with conn.execute(
                    f"SELECT {column} FROM {table} WHERE member_id = ?", (member_id,)
                ) as cur:
                    have = {r[0] for r in await cur.fetchall()}
                if have != set(wanted):
                    await conn.execute(f"DELETE FROM {table} WHERE member_id = ?", (member_id,))
                    await conn.executemany(
                        f"INSERT INTO {table} (member_id, {column}) VALUES (?, ?)",
                        [(member_id, v) for v in sorted(wanted)],
                    )
                    changed.add(member_id)
        for row in rows:
            member_id = member_ids[(row.branch, row.name)]
            liaison_id = member_ids[(row.branch, row.liaison)] if row.liaison else None
            cur = await conn.execute(
                "UPDATE members SET liaison_id = ?, updated_at = ? WHERE id = ? AND liaison_id IS NOT ?",
                (liaison_id, now, member_id, liaison_id),
            )
            if cur.rowcount:
                changed.add(member_id)
        summary.updated = len(changed - created)
        summary.unchanged = len(rows) - summary.created - summary.updated
    return summary


class RosterConflict(Exception):
    """A row that is valid on its own but clashes with the database (nothing was written)."""

    def __init__(self, error: RosterError) -> None:
        super().__init__(error.key)
        self.error = error
