"""The roster's header row in Chinese or English (docs/PRODUCT.md §2).

Every column has one English name (what the code calls it) and a Chinese header; a file may use either
for each column. A column given twice — `name` and `姓名`, or `name` twice — is refused, naming both
headers as the file wrote them: which of the two was meant cannot be guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.members.roster_details import DETAIL_ALIASES, DETAIL_CHINESE, DETAIL_COLUMNS

#: The columns, in the order of the documented format (the new ones at the end).
COLUMNS = (
    "name",
    "branch",
    "group",
    "category",
    "roles",
    "telegram_id",
    "liaison",
    "posts",
    "report_cadence",
    "migrant_since",
    "phone",
    "building",
    "membership",
    "joined",
    "confirmed",
    "activity_group",
    "relation",
    "note",
    "duty",
    "committee",
    "community",
    "dues_category",
    "dues_base",
    "dues_amount",
    *DETAIL_COLUMNS,  # the member file (issue 27): bot/services/members/roster_details.py
)

#: The Chinese header of each column, as the documented Chinese format writes it.
CHINESE = {
    "name": "姓名",
    "branch": "支部",
    "group": "党小组",
    "category": "类别",
    "roles": "职务",
    "telegram_id": "TelegramID",
    "liaison": "联系人",
    "posts": "岗位",
    "report_cadence": "汇报周期",
    "migrant_since": "外出时间",
    "phone": "电话",
    "building": "楼栋",
    "membership": "党员类别",
    "joined": "入党时间",
    "confirmed": "转正时间",
    "activity_group": "活动小组",
    "relation": "组织关系",
    "note": "备注",
    "duty": "职务说明",
    "committee": "委员",
    "community": "社区",
    "dues_category": "党费类别",
    "dues_base": "党费基数",
    "dues_amount": "月交党费",
    **DETAIL_CHINESE,
}

#: Other ways village ledgers head the same column.
_ALIASES = {
    "telegram id": "telegram_id",
    "入党日期": "joined",
    "转正日期": "confirmed",
    "联系电话": "phone",
    "手机": "phone",
    "手机号": "phone",
    "所在支部": "branch",
    "党员类型": "membership",
    "所在社区": "community",
    "月交党费（元）": "dues_amount",
    "党费基数（元）": "dues_base",
    **DETAIL_ALIASES,
}

#: Every accepted header (compared in lower case, so `Name` and `telegramid` do too) → its column.
HEADERS: dict[str, str] = {
    **{c: c for c in COLUMNS},
    **{h.lower(): c for c, h in CHINESE.items()},
    **_ALIASES,
}


def column_of(header: str) -> str | None:
    """The column this header names, or None."""
    return HEADERS.get(header.lower())


#: The columns for an error message, in both languages (the catalogue puts the reader's language first).
LISTING = {"columns": ",".join(COLUMNS), "columns_zh": ",".join(CHINESE[c] for c in COLUMNS)}


@dataclass(frozen=True)
class HeaderProblem:
    """The header is refused: a catalogue key, the column it is about (a column's English name, or the
    unknown header as written), and the message's values."""

    key: str
    column: str
    params: dict[str, str]


def resolve(header: list[str]) -> tuple[list[str], HeaderProblem | None]:
    """The column of each header cell, or the first problem: no name column, an unknown header, a column
    given twice (in one language or in both)."""
    columns = [column_of(cell) for cell in header]
    if "name" not in columns:
        return [], HeaderProblem("roster.err.no_name_column", "name", {})
    seen: dict[str, str] = {}
    for cell, column in zip(header, columns, strict=True):
        if column is None:
            return [], HeaderProblem("roster.err.unknown_column", cell, LISTING)
        if column in seen:
            first = seen[column]
            key = "roster.err.repeated_column" if first.lower() == cell.lower() else "roster.err.mixed_column"
            return [], HeaderProblem(key, column, {"first": first, "second": cell})
        seen[column] = cell
    return [c for c in columns if c is not None], None
