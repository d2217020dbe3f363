"""`python -m bot import-households FILE.csv` (党员联户名单): parse and check the whole file, find each
household's member on the roster, then write everything in ONE transaction — or nothing.

Headers may be Chinese or English (户主/head, 楼栋/building, 单元/unit, 房号/room, 电话/phone, 人口/people,
联户党员/member, 支部/branch, 备注/note); a household is known by 户主 and address, so importing the same file
again changes nothing and an edited file updates phone, people, member and note. The member is found by
name among the active members; when two members share the name the 支部 column says which. Residents'
names and phones are never logged.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from bot.domain.models import Change, Member
from bot.domain.rights import OrgTree
from bot.services.kernel.text import clean_text
from bot.store import Store
from bot.store.db import utcnow
from bot.store.households import HouseholdRecord

log = logging.getLogger(__name__)

COLUMNS = ("head", "building", "entrance", "room", "phone", "people", "member", "branch", "note")
CHINESE = {
    "head": "户主",
    "building": "楼栋",
    "entrance": "单元",
    "room": "房号",
    "phone": "电话",
    "people": "人口",
    "member": "联户党员",
    "branch": "支部",
    "note": "备注",
}
ENGLISH = {
    "head": "head",
    "building": "building",
    "entrance": "unit",
    "room": "room",
    "phone": "phone",
    "people": "people",
    "member": "member",
    "branch": "branch",
    "note": "note",
}
_ALIASES = {
    "户主姓名": "head",
    "联系电话": "phone",
    "手机": "phone",
    "人口数": "people",
    "党员": "member",
    "联系党员": "member",
    "所在支部": "branch",
    "entrance": "entrance",
}
HEADERS = {**{v.lower(): k for k, v in ENGLISH.items()}, **{v: k for k, v in CHINESE.items()}, **_ALIASES}
REQUIRED = ("head", "member")
MAX_FIELD = 100
MAX_PEOPLE = 99
_PHONE_CHARS = frozenset("0123456789-+ ()")


@dataclass(frozen=True)
class HouseholdError:
    """A problem in the file: `line`, `column` (English name, or "" for the whole row), catalogue key, values."""

    line: int
    column: str
    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HouseholdRow:
    line: int
    head: str
    building: str
    entrance: str
    room: str
    phone: str
    people: int | None
    member: str
    branch: str
    note: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.head, self.building, self.entrance, self.room)


@dataclass
class HouseholdSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unlisted: int = 0  # households recorded before that the file does not list (kept as they are)


def column_name(lang: str, column: str) -> str:
    return (CHINESE if lang == "zh" else ENGLISH).get(column, column)


def _header(cells: list[str]) -> tuple[list[str], HouseholdError | None]:
    columns: list[str] = []
    for cell in cells:
        column = HEADERS.get(clean_text(cell).lower())
        if column is None:
            return [], HouseholdError(1, "", "households.err.unknown_column", {"value": clean_text(cell)[:MAX_FIELD]})
        if column in columns:
            return [], HouseholdError(1, column, "households.err.repeated_column")
        columns.append(column)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        return [], HouseholdError(1, missing[0], "households.err.missing_column")
    return columns, None


def _row(line: int, raw: dict[str, str], errors: list[HouseholdError]) -> HouseholdRow | None:
    values: dict[str, str] = {}
    before = len(errors)
    for column in COLUMNS:
        value = clean_text(raw.get(column) or "")
        if not value and (raw.get(column) or "").strip():
            errors.append(HouseholdError(line, column, "households.err.invisible"))
        elif len(value) > MAX_FIELD:
            errors.append(HouseholdError(line, column, "households.err.too_long", {"limit": str(MAX_FIELD)}))
        values[column] = value
    for column in REQUIRED:
        if not values[column] and not any(e.column == column for e in errors[before:]):
            errors.append(HouseholdError(line, column, "households.err.required"))
    people: int | None = None
    if values["people"]:
        if not values["people"].isdecimal() or not 0 < int(values["people"]) <= MAX_PEOPLE:
            errors.append(HouseholdError(line, "people", "households.err.people", {"value": values["people"]}))
        else:
            people = int(values["people"])
    phone = values["phone"]
    if phone and (not set(phone) <= _PHONE_CHARS or sum(ch.isdigit() for ch in phone) < 5):
        errors.append(HouseholdError(line, "phone", "households.err.phone", {"value": phone}))
    if len(errors) > before:
        return None
    return HouseholdRow(
        line,
        values["head"],
        values["building"],
        values["entrance"],
        values["room"],
        phone,
        people,
        values["member"],
        values["branch"],
        values["note"],
    )


def parse_households(text: str) -> tuple[list[HouseholdRow], list[HouseholdError]]:
    """Every row, or every problem (never both). Pure: the members are looked up by `apply_households`."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    errors: list[HouseholdError] = []
    rows: list[HouseholdRow] = []
    try:
        header = next(reader, None)
        if header is None:
            return [], [HouseholdError(1, "", "households.err.empty")]
        columns, problem = _header(header)
        if problem is not None:
            return [], [problem]
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns):
                errors.append(HouseholdError(reader.line_num, "", "households.err.extra_fields"))
                continue
            row = _row(reader.line_num, dict(zip(columns, cells, strict=False)), errors)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        errors.append(HouseholdError(reader.line_num, "", "households.err.csv", {"detail": str(exc)}))
    seen: dict[tuple[str, str, str, str], int] = {}
    for row in rows:
        if row.key in seen:
            errors.append(HouseholdError(row.line, "head", "households.err.duplicate", {"other": str(seen[row.key])}))
        seen.setdefault(row.key, row.line)
    if not rows and not errors:
        errors.append(HouseholdError(2, "", "households.err.empty"))
    errors.sort(key=lambda e: e.line)
    return ([] if errors else rows), errors


def match_members(
    rows: list[HouseholdRow], members: list[Member], tree: OrgTree
) -> tuple[dict[int, Member], list[HouseholdError]]:
    """Each row's member (by line), or the problems: nobody of that name, a name two members share and no
    branch to tell them apart, nobody of that name in the branch named."""
    named: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        named[member.name].append(member)
    found: dict[int, Member] = {}
    errors: list[HouseholdError] = []
    for row in rows:
        pool = named.get(row.member, [])
        if row.branch:
            units = {u.id for u in tree.find(row.branch)}
            pool = [m for m in pool if m.unit_id in units or any(m.unit_id in tree.subtree(u) for u in units)]
        if len(pool) == 1:
            found[row.line] = pool[0]
        elif not pool:
            key = "households.err.no_member_in_branch" if row.branch else "households.err.no_member"
            errors.append(HouseholdError(row.line, "member", key, {"value": row.member, "branch": row.branch}))
        else:
            branches = "、".join(sorted({tree.name(m.unit_id) for m in pool}))
            errors.append(
                HouseholdError(
                    row.line, "member", "households.err.same_name", {"value": row.member, "branches": branches}
                )
            )
    return found, errors


async def apply_households(store: Store, rows: list[HouseholdRow]) -> tuple[HouseholdSummary, list[HouseholdError]]:
    """Write every row in one transaction when every member is found; else write nothing and say why."""
    tree = OrgTree.of(await store.units.all())
    members = [m for m in await store.members.all() if m.active]
    found, errors = match_members(rows, members, tree)
    summary = HouseholdSummary()
    if errors:
        return summary, errors
    now = utcnow()
    async with store.unit_of_work() as uow:
        summary.unlisted = len(await uow.households.keys() - {row.key for row in rows})
        for row in rows:
            record = HouseholdRecord(
                row.head,
                row.building,
                row.entrance,
                row.room,
                row.phone or None,
                row.people,
                found[row.line].id,
                row.note or None,
            )
            change = await uow.households.upsert(record, now)
            summary.created += change is Change.CREATED
            summary.updated += change is Change.UPDATED
            summary.unchanged += change is Change.UNCHANGED
    log.info(
        "households imported created=%s updated=%s unchanged=%s", summary.created, summary.updated, summary.unchanged
    )
    return summary, []
