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

from bot.domain import dues
from bot.domain.models import INSPECTOR
from bot.domain.organisation import (
    ACTIVITY_LEADER,
    COMMITTEE,
    DEVELOPMENT,
    ELSEWHERE,
    FULL,
    GROUP_LEADER,
    HERE,
    OFFICE_WORDS,
    PROBATIONARY,
)
from bot.services.kernel.text import clean_text
from bot.services.members import roster_details
from bot.services.members.roster_headers import COLUMNS
from bot.services.members.roster_registers import dues_rule, not_yet_a_member
from bot.services.members.roster_values import (
    CADENCES,
    CATEGORIES,
    COMMITTEE_TITLES,
    MEMBERSHIPS,
    POSTS,
    RELATIONS,
    ROLES,
)

__all__ = [
    "CADENCES",
    "CATEGORIES",
    "COLUMNS",
    "MAX_FIELD",
    "POSTS",
    "ROLES",
    "VALIDATORS",
    "RosterError",
    "RosterRow",
    "parse_row",
]

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
    membership: str = FULL
    joined: date | None = None
    confirmed: date | None = None
    activity_group: str = ""
    relation: str = HERE
    note: str = ""
    duty: str = ""
    #: Committee seats as written (issue 23): (unit name, office), `白庙社区党委:委员;白庙村党支部:书记`.
    committee: tuple[tuple[str, str], ...] = ()
    #: 社区 (issue 28): the community of the row in a township deployment; empty: the deployment's own community.
    community: str = ""
    #: 党费 (issue 25): the category and the amounts in 分 as written; `dues` the rule they make (checked).
    dues_category: str | None = None
    dues_base: int | None = None
    dues_amount: int | None = None
    dues: dues.Rule | None = None
    #: The member file's fields the row fills (issue 27, roster_details): (column, value), in column order.
    details: tuple[tuple[str, str], ...] = ()

    @property
    def developing(self) -> bool:
        """入党申请人, 积极分子 or 发展对象: in the 发展党员 register, not a member."""
        return self.membership in DEVELOPMENT


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


def titles(value: str) -> list[str]:
    """The committee members' divisions of work written among the roles (组织委员, 宣传委员 …)."""
    return [p for p in split(value) if p in COMMITTEE_TITLES]


def roles(value: str) -> frozenset[str]:
    """Every role is named: each unknown one is a problem of its own. A committee title is the role
    `committee`."""
    found: set[str] = set()
    problems: list[tuple[str, dict[str, str]]] = []
    for part in split(value):
        role = COMMITTEE if part in COMMITTEE_TITLES else ROLES.get(part.lower())
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


def a_date(value: str) -> date | None:
    """`YYYY-MM-DD` (migrant_since, joined, confirmed)."""
    if not value:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("roster.err.date", value=value) from None


migrant_since = a_date


def membership(value: str) -> str:
    """正式党员 (the default), 预备党员, or on the way in: 入党申请人, 入党积极分子, 发展对象."""
    if not value:
        return FULL
    found = MEMBERSHIPS.get(value.lower())
    if found is None:
        raise Invalid("roster.err.membership", value=value)
    return found


def committee(value: str) -> tuple[tuple[str, str], ...]:
    """委员: `<unit>:<office>` pairs, `;`-separated (a full-width ： and ； too); the office in English or Chinese
    (书记, 副书记, 组织委员, 宣传委员, 纪检委员, 委员). The unit is found by name when the file is applied."""
    found: list[tuple[str, str]] = []
    problems: list[tuple[str, dict[str, str]]] = []
    for part in split(value):
        unit, colon, office = part.replace("：", ":").rpartition(":")
        word = OFFICE_WORDS.get(office.strip().lower()) if colon else None
        if not unit.strip() or word is None:
            problems.append(("roster.err.committee", {"value": part}))
        else:
            found.append((unit.strip(), word))
    if problems:
        raise Invalid.several(problems)
    return tuple(found)


def dues_category(value: str) -> str | None:
    """党费类别: 在职, 离退休, 农民, 学生, 困难 (or employed, retired, farmer, student, hardship)."""
    if not value:
        return None
    found = dues.category(value)
    if found is None:
        raise Invalid("roster.err.dues_category", value=value)
    return found.value


def money(value: str) -> int | None:
    """党费基数, 月交党费: yuan, at most two decimals (`4500`, `0.5`, `4500元`) → 分."""
    if not value:
        return None
    found = dues.parse_money(value)
    if found is None:
        raise Invalid("roster.err.money", value=value)
    return found


def relation(value: str) -> str:
    """组织关系: here (the default) or elsewhere."""
    if not value:
        return HERE
    found = RELATIONS.get(value.lower())
    if found is None:
        raise Invalid("roster.err.relation", value=value)
    return found


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
    "membership": membership,
    "joined": a_date,
    "confirmed": a_date,
    "activity_group": text,
    "relation": relation,
    "note": text,
    "duty": text,
    "committee": committee,
    "community": text,
    "dues_category": dues_category,
    "dues_base": money,
    "dues_amount": money,
}


@dataclass(frozen=True)
class RowRules:
    """What a row is checked against: `today` (dates of joining must not be after it) and the report cadence
    of a mobile member whose row gives none (REPORT_CADENCE_DEFAULT)."""

    today: date
    cadence: str = "quarterly"
    #: STORE_ID_NUMBERS: when false the 身份证号 column is ignored unread.
    store_ids: bool = False


def parse_row(line: int, raw: dict[str, str], errors: list[RosterError], rules: RowRules) -> RosterRow | None:
    """The row, or None with its problems added to `errors` (every column is checked, then the rules
    between the columns of the row)."""
    today, cadence = rules.today, rules.cadence
    values: dict[str, Any] = {}
    before = len(errors)
    for column, validate in VALIDATORS.items():
        try:
            values[column] = validate(cell(raw.get(column) or ""))
        except Invalid as exc:
            errors.extend(RosterError(line, column, key, params) for key, params in exc.problems)
    errors.extend(RosterError(line, column, key, params) for column, key, params in across_columns(values, today))
    values["dues"] = None
    values["details"] = details(line, raw, errors, rules)
    if len(errors) > before:
        return None
    if values["dues_category"] is not None:
        values["dues"] = dues.make_rule(
            dues.Category(values["dues_category"]), values["dues_base"], values["dues_amount"]
        )
    if values["report_cadence"] is None and values["category"] == "migrant":
        values["report_cadence"] = cadence  # REPORT_CADENCE_DEFAULT unless the roster says otherwise
    if not values["duty"]:
        values["duty"] = "、".join(titles(cell(raw.get("roles") or "")))
    return RosterRow(line=line, **values)


def across_columns(values: dict[str, Any], today: date) -> list[tuple[str, str, dict[str, str]]]:
    """The rules between the columns of one row, over the columns that are valid: (column, catalogue key,
    values) of each problem."""
    out: list[tuple[str, str, dict[str, str]]] = []
    if values.get("liaison") and values.get("liaison") == values.get("name"):
        out.append(("liaison", "roster.err.self_liaison", {}))
    joined, confirmed = values.get("joined"), values.get("confirmed")
    for column, day in (("joined", joined), ("confirmed", confirmed)):
        if day is not None and day > today:
            out.append((column, "roster.err.future", {"value": day.isoformat()}))
    if joined is not None and confirmed is not None and confirmed <= joined:
        out.append(("confirmed", "roster.err.confirmed_early", {"joined": joined.isoformat()}))
    probationary = values.get("membership") == PROBATIONARY
    roles: frozenset[str] = values.get("roles", frozenset())
    if probationary and confirmed is not None:
        out.append(("confirmed", "roster.err.probationary_confirmed", {}))
    if probationary and values.get("committee"):  # 预备党员没有被选举权: no committee seat either
        out.append(("committee", "roster.err.probationary_committee", {}))
    if probationary and roles & {"secretary", COMMITTEE, GROUP_LEADER, ACTIVITY_LEADER}:  # 预备党员没有被选举权
        out.append(("roles", "roster.err.probationary_office", {}))
    if GROUP_LEADER in roles and values.get("group") == "":
        out.append(("roles", "roster.err.leader_without_group", {}))
    if ACTIVITY_LEADER in roles and values.get("activity_group") == "":
        out.append(("roles", "roster.err.leader_without_activity", {}))
    if INSPECTOR in roles and not values.get("branch"):  # 上级党委: the unit overseen is named in 支部
        out.append(("branch", "roster.err.inspector_unit", {}))
    if INSPECTOR in roles and roles - {INSPECTOR}:  # read-only: no other role beside it
        out.append(("roles", "roster.err.inspector_only", {}))
    if values.get("relation") == ELSEWHERE and "note" in values and not values["note"]:
        out.append(("note", "roster.err.home_unknown", {}))
    out += dues_rule(values)
    if values.get("membership") in DEVELOPMENT:
        out += not_yet_a_member(values)
    return out


def details(line: int, raw: dict[str, str], errors: list[RosterError], rules: RowRules) -> tuple[tuple[str, str], ...]:
    """The member file's cells of the row (roster_details), each checked; problems go to `errors`."""
    found: dict[str, str] = {}
    for column in roster_details.DETAIL_COLUMNS:
        if column == "id_number" and not rules.store_ids:
            continue
        try:
            value = cell(raw.get(column) or "")
            if value:
                found[column] = roster_details.DETAIL_VALIDATORS.get(column, roster_details.text)(value)
        except Invalid as exc:
            errors.extend(RosterError(line, column, key, params) for key, params in exc.problems)
        except roster_details.DetailInvalid as exc:
            errors.append(RosterError(line, column, exc.key, exc.params))
    errors.extend(RosterError(line, c, k, p) for c, k, p in roster_details.across(found))
    return tuple(found.items())
