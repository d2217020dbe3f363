"""The roster (docs/PRODUCT.md §2): parse and validate a CSV in full, then apply it in one transaction.

Parsing is pure: `parse_roster(text)` returns rows or errors, each error naming the line and column (the
header may be Chinese or English: `bot.services.members.roster_headers`; the columns' validators are in
`bot.services.members.roster_columns`). `apply_roster` (`bot.services.members.roster_import`)
writes nothing unless the whole file is valid, and re-importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.domain.models import INSPECTOR
from bot.domain.organisation import ACTIVITY_LEADER, GROUP_LEADER
from bot.services.kernel.text import clean_text
from bot.services.members.roster_columns import (
    CADENCES,
    CATEGORIES,
    COLUMNS,
    MAX_FIELD,
    POSTS,
    ROLES,
    RosterError,
    RosterRow,
    RowRules,
    parse_row,
)
from bot.services.members.roster_headers import CHINESE, resolve
from bot.services.members.roster_import import ImportSummary, Missing, OrgNames, RosterConflict, apply_roster

__all__ = [
    "CADENCES",
    "CATEGORIES",
    "COLUMNS",
    "MAX_FIELD",
    "POSTS",
    "ROLES",
    "ImportSummary",
    "Missing",
    "OrgNames",
    "RosterConflict",
    "RosterError",
    "RosterRow",
    "apply_roster",
    "column_name",
    "parse_roster",
]


def column_name(lang: str, column: str) -> str:
    """A column as an error message names it: its Chinese header in Chinese, its English name otherwise;
    an unknown header as the file wrote it."""
    return CHINESE[column] if lang == "zh" and column in CHINESE else column


def quote_left_open(line: str) -> bool:
    """Whether a quoted field is still open at the end of this physical line (the CSV Excel writes: a field
    that starts with `"` ends at the next lone `"`; `""` inside is a quote). No roster value spans lines, so
    an open quote is a mistake of that line, reported there rather than where the csv module gives up."""
    quoted, at_start, index = False, True, 0
    while index < len(line):
        ch = line[index]
        if quoted:
            if ch == '"':
                if line[index + 1 : index + 2] == '"':
                    index += 1
                else:
                    quoted = False
        elif ch == '"' and at_start:
            quoted = True
        at_start = not quoted and ch == ","
        index += 1
    return quoted


def _close_quotes(text: str) -> tuple[str, list[RosterError]]:
    """The text with each line that leaves a quote open emptied (so the others keep their line numbers),
    and an error for each of them."""
    lines = io.StringIO(text, newline="").readlines()
    errors: list[RosterError] = []
    for number, line in enumerate(lines, start=1):
        if quote_left_open(line.rstrip("\r\n")):
            errors.append(RosterError(number, "", "roster.err.unclosed_quote"))
            lines[number - 1] = line[len(line.rstrip("\r\n")) :]
    return "".join(lines), errors


def parse_roster(
    text: str,
    today: date | None = None,
    cadence: str = "quarterly",
    store_ids: bool = False,
) -> tuple[list[RosterRow], list[RosterError]]:
    """Every row of the file, or every problem found in it (never both). `today` (the local date, by
    default the machine's) is when dates of joining and of becoming a full member must not be after;
    `cadence` (REPORT_CADENCE_DEFAULT) is a mobile member's when the row gives no 汇报周期."""
    today = today or date.today()
    text = text.lstrip("\ufeff")
    text, errors = _close_quotes(text)
    if errors and errors[0].line == 1:
        return [], errors[:1]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rules = RowRules(today, cadence, store_ids)
    try:
        header = [clean_text(h) for h in (reader.fieldnames or [])]
    except csv.Error as exc:  # e.g. a header cell longer than the csv module's field limit
        return [], [RosterError(1, "", "roster.err.csv", {"detail": str(exc)})]
    columns, problem = resolve(header)
    if problem is not None:
        return [], [RosterError(1, problem.column, problem.key, problem.params)]
    reader.fieldnames = columns
    rows: list[RosterRow] = []
    try:
        for raw in reader:
            if None in raw:
                errors.append(RosterError(reader.line_num, "", "roster.err.extra_fields"))
                continue
            if not any((v or "").strip() for v in raw.values()):
                continue
            row = parse_row(reader.line_num, raw, errors, rules)
            if row:
                rows.append(row)
    except csv.Error as exc:
        errors.append(RosterError(reader.line_num, "", "roster.err.csv", {"detail": str(exc)}))
    errors.extend(_across_rows(rows))
    if not rows and not errors:
        errors.append(RosterError(2, "", "roster.err.empty"))
    errors.sort(key=lambda e: e.line)
    return ([] if errors else rows), errors


def _across_rows(rows: list[RosterRow]) -> list[RosterError]:
    """Rules between rows: one member per name in a branch, one member per Telegram id, liaisons on the
    roster of the same branch, one leader per Party group, no activity group named like a branch."""
    errors: list[RosterError] = []
    leaders: dict[tuple[str, ...], int] = {}
    branches = {row.branch for row in rows}
    for row in rows:
        led: list[tuple[str, ...]] = [("group", row.branch, row.group)] if GROUP_LEADER in row.roles else []
        led += [("activity", row.activity_group)] if ACTIVITY_LEADER in row.roles else []
        for group in led:
            if group in leaders:
                errors.append(
                    RosterError(
                        row.line,
                        "roles",
                        "roster.err.second_leader",
                        {"group": group[-1], "other": str(leaders[group])},
                    )
                )
            leaders.setdefault(group, row.line)
        if row.activity_group and row.activity_group in branches:
            errors.append(
                RosterError(row.line, "activity_group", "roster.err.activity_is_branch", {"value": row.activity_group})
            )
    seen: dict[tuple[str, str, str], int] = {}
    ids: dict[int, int] = {}
    for row in rows:
        # readers from above are all members of the township: one name once among them
        key = ("", INSPECTOR, row.name) if INSPECTOR in row.roles else (row.community, row.branch, row.name)
        if key in seen:
            errors.append(RosterError(row.line, "name", "roster.err.duplicate", {"other": str(seen[key])}))
        seen[key] = row.line
        if row.telegram_id is not None:
            if row.telegram_id in ids:
                errors.append(
                    RosterError(
                        row.line, "telegram_id", "roster.err.duplicate_id", {"other": str(ids[row.telegram_id])}
                    )
                )
            ids[row.telegram_id] = row.line
    members = {(row.community, row.branch, row.name) for row in rows if not row.developing}
    for row in rows:
        if row.liaison and (row.community, row.branch, row.liaison) not in members:
            errors.append(RosterError(row.line, "liaison", "roster.err.liaison", {"value": row.liaison}))
    return errors
