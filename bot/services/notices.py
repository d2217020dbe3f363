"""Meeting notices (三会一课): kinds, parsing of times and of the one-line form, the rules of replies,
check-in and quorum, the reminder stages, and the missed-summary source (the meeting reminders themselves
are a due chain: `bot.services.due_meetings`).

Pure functions where possible; rendering lives in `bot.services.notices_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.services import notices_text as text
from bot.services.reminders import Due
from bot.services.rights import Actor, OrgTree
from bot.services.text import clean_text
from bot.store import Store
from bot.store.notices import Draft

KINDS = ("general", "committee", "group", "lecture", "partyday", "other")
_KIND_WORDS = {
    "general": ("general", "支部党员大会", "党员大会", "大会"),
    "committee": ("committee", "支委会", "支部委员会", "支委"),
    "group": ("group", "党小组会", "小组会", "党小组"),
    "lecture": ("lecture", "党课"),
    "partyday": ("partyday", "主题党日", "党日", "party day"),
    "other": ("other", "其他", "其它"),
}
CHECKIN_OPENS = timedelta(minutes=30)   # before the start
CHECKIN_CLOSES = timedelta(hours=2)     # after the start
URGENT_WITHIN = timedelta(hours=1)      # a reminder this close to the start ignores quiet hours
SUMMARY_LOOKBACK = timedelta(days=7)
#: The furthest a meeting may be announced: a year (a leap day's year included). Beyond it a time is a typo
#: (`2062` for `2026`), and near `9999-12-31` the check-in window would not even be a date.
MAX_AHEAD = timedelta(days=366)
PLACE_LIMIT, TOPIC_LIMIT, REASON_LIMIT, MINUTES_LIMIT = 100, 1000, 200, 3000
#: `/attendance <id> | 代签 | name` words.
PROXY_WORDS = {"代签": "proxy", "proxy": "proxy", "补签": "late", "late": "late"}


@dataclass
class NoticeError(Exception):
    """Input refused: `key` names the field in its message; `params` fill it in."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


def parse_kind(value: str) -> str | None:
    word = value.strip().lower()
    return next((kind for kind, words in _KIND_WORDS.items() if word in words), None)


_FULL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*(\d{1,2})[:：点](\d{2})分?$")
_SHORT = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})日?\s+(\d{1,2})[:：点](\d{2})分?$")
_RELATIVE = re.compile(r"^(今天|today|明天|tomorrow|后天)\s*(\d{1,2})[:：点](\d{2})分?$", re.IGNORECASE)
_OFFSETS = {"今天": 0, "today": 0, "明天": 1, "tomorrow": 1, "后天": 2}


def example_time(now: datetime, tz: ZoneInfo) -> str:
    """A valid example: tomorrow at 15:00."""
    return (now.astimezone(tz) + timedelta(days=1)).strftime("%Y-%m-%d 15:00")


def parse_when(value: str, now: datetime, tz: ZoneInfo) -> datetime:
    """`YYYY-MM-DD HH:MM`, `MM-DD HH:MM` or `明天/tomorrow HH:MM` in `tz` → an aware datetime in the future,
    at most MAX_AHEAD away.

    `MM-DD` is this year, or next year when that date is more than half a year gone (12-28 asks for
    January's 01-05)."""
    raw = " ".join(value.split())
    local_now = now.astimezone(tz)
    try:
        if match := _FULL.match(raw):
            y, mo, d, h, mi = (int(g) for g in match.groups())
            when = datetime(y, mo, d, h, mi, tzinfo=tz)
        elif match := _SHORT.match(raw):
            mo, d, h, mi = (int(g) for g in match.groups())
            when = datetime(local_now.year, mo, d, h, mi, tzinfo=tz)
            if when < local_now - timedelta(days=183):
                when = when.replace(year=local_now.year + 1)
        elif match := _RELATIVE.match(raw):
            day = local_now.date() + timedelta(days=_OFFSETS[match.group(1).lower()])
            when = datetime(day.year, day.month, day.day, int(match.group(2)), int(match.group(3)), tzinfo=tz)
        else:
            raise ValueError(raw)
    except ValueError:
        raise NoticeError("notice.err.when", {"value": value, "example": example_time(now, tz)}) from None
    if when <= now:
        raise NoticeError("notice.err.past", {"value": value, "example": example_time(now, tz)})
    if when > now + MAX_AHEAD:
        raise NoticeError("notice.err.too_far", {"value": value, "example": example_time(now, tz)})
    return when


def check_text(value: str, field_name: str, limit: int) -> str:
    """A required free-text field, cleaned of invisible and control characters and trimmed; empty or too
    long is refused naming the field."""
    value = clean_text(value, multiline=True)
    if not value:
        raise NoticeError("notice.err.empty", {"field": field_name})
    if len(value) > limit:
        raise NoticeError("notice.err.too_long", {"field": field_name, "limit": limit})
    return value


def resolve_unit(value: str, managed: set[int], tree: OrgTree) -> int:
    """The unit named `value` among those the secretary manages."""
    found = tree.find(value, within=managed)
    if len(found) != 1:
        names = sorted(text.unit_name(tree, tree.units.get(u)) for u in managed)
        key = "notice.err.unit_ambiguous" if found else "notice.err.unit"
        raise NoticeError(key, {"value": value, "units": names})
    return found[0].id


def split_fields(text: str) -> list[str]:
    """The one-line forms: `a | b | c` (a full-width ｜ works too), each field trimmed."""
    return [p.strip() for p in text.replace("｜", "|").split("|")]


def own_unit(person: Actor, tree: OrgTree) -> int | None:
    """The unit a secretary acts for by default: their own; for an admin outside the roster, the top one."""
    if person.member is not None:
        return person.member.unit_id
    return next((u.id for u in tree.units.values() if u.parent_id is None), None)


def parse_one_line(
    fields: list[str], managed: set[int], default_unit: int | None, tree: OrgTree, now: datetime, tz: ZoneInfo,
) -> Draft:
    """`type | YYYY-MM-DD HH:MM | place | topic [| unit]`; the unit defaults to the secretary's own."""
    if len(fields) not in (4, 5):
        raise NoticeError("notice.err.fields", {"example": example_time(now, tz)})
    kind_word = check_text(fields[0], "kind", 20)
    kind = parse_kind(kind_word)
    if kind is None:
        raise NoticeError("notice.err.kind", {"value": kind_word})
    when = parse_when(check_text(fields[1], "when", 40), now, tz)
    place = check_text(fields[2], "place", PLACE_LIMIT)
    topic = check_text(fields[3], "topic", TOPIC_LIMIT)
    if len(fields) == 5 and fields[4].strip():
        unit_id = resolve_unit(fields[4], managed, tree)
    elif default_unit is not None and default_unit in managed:
        unit_id = default_unit
    else:
        raise NoticeError("notice.err.empty", {"field": "unit"})
    return Draft(kind=kind, unit_id=unit_id, starts_at=when, place=place, topic=topic)


# ---------------------------------------------------------------------- rules
def may_answer(starts_at: datetime, now: datetime) -> bool:
    """Attend / leave may be changed until the meeting starts."""
    return now < starts_at


def checkin_window(starts_at: datetime) -> tuple[datetime, datetime]:
    return starts_at - CHECKIN_OPENS, starts_at + CHECKIN_CLOSES


def may_check_in(starts_at: datetime, now: datetime) -> bool:
    opens, closes = checkin_window(starts_at)
    return opens <= now <= closes


def has_quorum(expected: int, present: int) -> bool:
    """More than half of those expected (支部党员大会须有半数以上党员到会)."""
    return expected > 0 and present * 2 > expected


def stage_label(stage: timedelta) -> str:
    seconds = int(stage.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"


def stage_windows(stages: list[timedelta]) -> list[tuple[timedelta, timedelta]]:
    """(stage, next smaller stage or 0): a stage is due while start-stage <= now < start-next. A stage
    whose window passed unseen (the bot was down) is not sent late on top of the next one."""
    ordered = sorted(stages, reverse=True)
    return [(s, ordered[i + 1] if i + 1 < len(ordered) else timedelta(0)) for i, s in enumerate(ordered)]


async def missed_summaries(store: Store, settings: Settings, now: datetime) -> list[Due]:
    """A broadcast that ended without its summary queued (the process stopped in between) gets it now."""
    due = []
    for notice in await store.notices.unsummarised(now - SUMMARY_LOOKBACK):
        due.append(Due(await text.summary_message(store, notice, settings.tz), urgent=True))
    return due
