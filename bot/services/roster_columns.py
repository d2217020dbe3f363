"""The roster's columns (docs/PRODUCT.md §2): one small validator per column, and the row they make.

Every cell is first cleaned (`clean_text`: control, bidi and zero-width characters removed, trimmed) and
checked for length; a cell that had something in it but is empty once cleaned is refused (a name of only
a zero-width space would otherwise be a member nobody can see). Then the column's validator turns the text
into its value or raises `Invalid` with the catalogue key(s) of the problem. Pure functions, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.services.text import clean_text

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


class Invalid(ValueError):
    """A cell's value is refused: one or more problems, each a catalogue key with its values."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.problems: list[tuple[str, dict[str, str]]] = [(key, params)]

    @classmethod
    def several(cls, problems: list[tuple[str, dict[str, str]]]) -> Invalid:
        error = cls(problems[0][0], **problems[0][1])
        error.problems = list(problems)
        return error


def cell(raw: str) -> str:
    """Any cell: cleaned, not emptied by the cleaning, not too long."""
    value = clean_text(raw)
    if not value and raw.strip():
        raise Invalid("roster.err.invisible")
    if len(value) > MAX_FIELD:
        raise Invalid("roster.err.too_long", limit=str(MAX_FIELD))
    return value


def split(value: str) -> list[str]:
    """`a;b；c` → the parts (ASCII or full-width semicolons)."""
    return [p.strip() for p in re.split(r"[;；]", value) if p.strip()]


# --------------------------------------------------------------------------- one validator per column

def required(value: str) -> str:
    if not value:
        raise Invalid("roster.err.required")
    return value


def text(value: str) -> str:
    """Free text (branch, group, liaison, phone, building): anything the cleaning left."""
    return value


def category(value: str) -> str | None:
    if not value:
        return None
    found = CATEGORIES.get(value.lower())
    if found is None:
        raise Invalid("roster.err.category", value=value)
    return found


def roles(value: str) -> frozenset[str]:
    """Every role is named: each unknown one is a problem of its own."""
    found: set[str] = set()
    problems: list[tuple[str, dict[str, str]]] = []
    for part in split(value):
        role = ROLES.get(part.lower())
        if role is None:
            problems.append(("roster.err.role", {"value": part}))
        else:
            found.add(role)
    if problems:
        raise Invalid.several(problems)
    return frozenset(found)


def telegram_id(value: str) -> int | None:
    if not value:
        return None
    # isdecimal: full-width digits (１２３) are digits; superscripts (²) are not. SQLite's INTEGER is 64-bit.
    if not value.isdecimal() or not 0 < int(value) < 2**63:
        raise Invalid("roster.err.telegram_id", value=value)
    return int(value)


def posts(value: str) -> frozenset[str]:
    """Known posts by any of their names; others are kept as written (the duty capability lists them)."""
    return frozenset(POSTS.get(p.lower(), p) for p in split(value))


def report_cadence(value: str) -> str | None:
    if not value:
        return None
    found = CADENCES.get(value.lower())
    if found is None:
        raise Invalid("roster.err.cadence", value=value)
    return found


def migrant_since(value: str) -> date | None:
    if not value:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("roster.err.date", value=value) from None


#: Column → validator. Every column of COLUMNS has one.
VALIDATORS: dict[str, Callable[[str], Any]] = {
    "name": required,
    "branch": text,
    "group": text,
    "category": category,
    "roles": roles,
    "telegram_id": telegram_id,
    "liaison": text,
    "posts": posts,
    "report_cadence": report_cadence,
    "migrant_since": migrant_since,
    "phone": text,
    "building": text,
}


def parse_row(line: int, raw: dict[str, str], errors: list[RosterError]) -> RosterRow | None:
    """The row, or None with its problems added to `errors` (every column is checked)."""
    values: dict[str, Any] = {}
    before = len(errors)
    for column, validate in VALIDATORS.items():
        try:
            values[column] = validate(cell(raw.get(column) or ""))
        except Invalid as exc:
            errors.extend(RosterError(line, column, key, params) for key, params in exc.problems)
    # Rules across columns.
    if values.get("liaison") and values.get("liaison") == values.get("name"):
        errors.append(RosterError(line, "liaison", "roster.err.self_liaison"))
    if len(errors) > before:
        return None
    if values["report_cadence"] is None and values["category"] == "migrant":
        values["report_cadence"] = "monthly"  # mobile members report monthly unless the roster says otherwise
    return RosterRow(line=line, **values)
