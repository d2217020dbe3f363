"""Meeting notices (三会一课): kinds, parsing of times and of the one-line form, the rules of replies,
check-in and quorum, the reminder stages, and the missed-summary source (the meeting reminders themselves
are a due chain: `bot.services.notices.due`).

Pure functions where possible; rendering lives in `bot.services.notices.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.presence import ONLINE, ONSITE, online_place
from bot.domain.rights import Actor, OrgTree
from bot.services.kernel.reminders import Due
from bot.services.kernel.text import clean_text
from bot.services.notices import text
from bot.services.notices.audience import KINDS as KINDS  # the button payloads check against it
from bot.services.notices.audience import any_callable, audience, callable_units, fits
from bot.store import Store
from bot.store.notices import Draft

_KIND_WORDS = {
    "general": ("general", "支部党员大会", "党员大会", "大会"),
    "committee": ("committee", "支委会", "支部委员会", "支委"),
    "group": ("group", "党小组会", "小组会", "党小组"),
    "lecture": ("lecture", "党课"),
    "partyday": ("partyday", "主题党日", "党日", "party day"),
    "life": ("life", "组织生活会", "生活会", "organisational life meeting"),
    "party_committee": ("party_committee", "党委会", "党委委员会", "party committee"),
    "other": ("other", "其他", "其它"),
    "hearing": ("hearing", "民情恳谈会", "恳谈会", "民情恳谈", "residents' hearing"),
}
CHECKIN_OPENS = timedelta(minutes=30)  # before the start
CHECKIN_CLOSES = timedelta(hours=2)  # after the start
URGENT_WITHIN = timedelta(hours=1)  # a reminder this close to the start ignores quiet hours
SUMMARY_LOOKBACK = timedelta(days=7)
#: The furthest a meeting may be announced: a year (a leap day's year included). Beyond it a time is a typo
#: (`2062` for `2026`), and near `9999-12-31` the check-in window would not even be a date.
MAX_AHEAD = timedelta(days=366)
PLACE_LIMIT, TOPIC_LIMIT, REASON_LIMIT, MINUTES_LIMIT = 100, 1000, 200, 3000
SPEAKER_LIMIT, NOTE_LIMIT = 40, 200
#: `/attendance <id> | 登记 | name` (书记登记到会, in the check-in window), `| 补学 | name | date | note`,
#: `| 准假 | name` or `| 不准 | name` (a pending leave, as its buttons do); 补签 (marking present after the window)
#: is no more: it is answered with how to record a 补学.
REGISTER_WORDS = {
    "登记": "register",
    "登记到会": "register",
    "代签": "register",
    "register": "register",
    "补学": "makeup",
    "makeup": "makeup",
    "补签": "late",
    "late": "late",
    "准假": "approve",
    "approve": "approve",
    "不准": "refuse",
    "refuse": "refuse",
}


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
#: `20分钟后` / `in 20 min`: a meeting called at short notice (and the sandbox tour, whose clock is real).
_SOON = re.compile(r"^(?:(\d{1,3})\s*分钟后|in\s*(\d{1,3})\s*min(?:utes?)?)$", re.IGNORECASE)


def example_time(now: datetime, tz: ZoneInfo) -> str:
    """A valid example: tomorrow at 15:00."""
    return (now.astimezone(tz) + timedelta(days=1)).strftime("%Y-%m-%d 15:00")


def parse_when(value: str, now: datetime, tz: ZoneInfo) -> datetime:
    """`YYYY-MM-DD HH:MM`, `MM-DD HH:MM`, `明天/tomorrow HH:MM` or `20分钟后/in 20 min` in `tz` → an aware
    datetime in the future, at most MAX_AHEAD away.

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
        elif match := _SOON.match(raw):
            minutes = int(match.group(1) or match.group(2))
            when = (local_now + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
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


_DAY = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?$")


def parse_makeup_day(value: str, starts_at: datetime, now: datetime, tz: ZoneInfo) -> date:
    """The day of a 补学: `YYYY-MM-DD` or `MM-DD` (this year), not before the meeting nor after today."""
    today = now.astimezone(tz).date()
    match = _DAY.match("".join(value.split()))
    try:
        if match is None:
            raise ValueError(value)
        year = int(match.group(1)) if match.group(1) else today.year
        day = date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise NoticeError("notice.err.day", {"value": value, "example": today.isoformat()}) from None
    first = starts_at.astimezone(tz).date()
    if not first <= day <= today:
        raise NoticeError(
            "notice.err.day_range", {"value": value, "first": first.isoformat(), "today": today.isoformat()}
        )
    return day


def check_text(value: str, field_name: str, limit: int) -> str:
    """A required free-text field, cleaned of invisible and control characters and trimmed; empty or too
    long is refused naming the field."""
    value = clean_text(value, multiline=True)
    if not value:
        raise NoticeError("notice.err.empty", {"field": field_name})
    if len(value) > limit:
        raise NoticeError("notice.err.too_long", {"field": field_name, "limit": limit})
    return value


def _squeezed(value: str) -> str:
    return "".join(value.split())


def resolve_unit(value: str, managed: set[int], tree: OrgTree) -> int:
    """The unit named `value` among those the person may call meetings for: by the name the refusals list
    (`白庙村党支部 2号楼党小组`, spaces or none), else by its own name (`2号楼党小组`, or the end of it)."""
    wanted = _squeezed(value)
    shown = [u for u in managed if _squeezed(text.unit_name(tree, tree.units.get(u))) == wanted]
    if len(shown) == 1:
        return shown[0]
    found = tree.find(" ".join(value.split()), within=managed)
    if len(found) != 1:
        names = sorted(text.unit_name(tree, tree.units.get(u)) for u in managed)
        key = "notice.err.unit_ambiguous" if found or shown else "notice.err.unit"
        raise NoticeError(key, {"value": value, "units": names})
    return found[0].id


def target_error(kind: str, callable_: set[int], tree: OrgTree) -> NoticeError:
    """A unit that does not fit the meeting type: the refusal names the right targets (those of this person
    first, else the kinds of unit the type is for)."""
    names = sorted(text.unit_name(tree, tree.units.get(u)) for u in callable_)
    if names:
        return NoticeError("notice.err.target", {"kind": kind, "units": names})
    return NoticeError("notice.err.no_target", {"kind": kind})


def choose_target(person: Actor, kind: str, value: str | None, tree: OrgTree) -> int:
    """The unit of a meeting: the one named (among the person's, and fitting the type), else the person's own
    when it fits, else their only fitting one."""
    fitting = callable_units(person, kind, tree)
    if value:
        unit_id = resolve_unit(value, any_callable(person, tree) or fitting, tree)
        if unit_id not in fitting:
            raise target_error(kind, fitting, tree)
        return unit_id
    own = own_unit(person, tree)
    if own is not None and own in fitting:
        return own
    if len(fitting) == 1:
        return next(iter(fitting))
    raise target_error(kind, fitting, tree)


def split_fields(text: str) -> list[str]:
    """The one-line forms: `a | b | c` (a full-width ｜ works too), each field trimmed."""
    return [p.strip() for p in text.replace("｜", "|").split("|")]


def own_unit(person: Actor, tree: OrgTree) -> int | None:
    """The unit a secretary acts for by default: their own; for an admin outside the roster, the top one."""
    if person.member is not None:
        return person.member.unit_id
    return next((u.id for u in tree.units.values() if u.parent_id is None), None)


def parse_one_line(fields: list[str], call: Call, tree: OrgTree, tz: ZoneInfo) -> Draft:
    """`type | YYYY-MM-DD HH:MM | place | topic [| unit [| speaker]]` from `call.actor` at `call.now`: the unit
    defaults to the person's own (or their only one that fits the type); a 党课's speaker (授课人, the sixth
    field) to the person."""
    person, now = call.actor, call.now
    if len(fields) not in (4, 5, 6):
        raise NoticeError("notice.err.fields", {"example": example_time(now, tz)})
    kind_word = check_text(fields[0], "kind", 20)
    kind = parse_kind(kind_word)
    if kind is None:
        raise NoticeError("notice.err.kind", {"value": kind_word})
    if len(fields) == 6 and kind != "lecture":
        raise NoticeError("notice.err.fields", {"example": example_time(now, tz)})
    when = parse_when(check_text(fields[1], "when", 40), now, tz)
    place = check_text(fields[2], "place", PLACE_LIMIT)
    topic = check_text(fields[3], "topic", TOPIC_LIMIT)
    unit_id = choose_target(person, kind, fields[4].strip() if len(fields) >= 5 else None, tree)
    speaker = None
    if kind == "lecture":
        given = fields[5] if len(fields) == 6 else ""
        speaker = check_text(given, "speaker", SPEAKER_LIMIT) if given.strip() else default_speaker(person)
    return Draft(
        kind=kind,
        unit_id=unit_id,
        starts_at=when,
        place=place,
        topic=topic,
        audience=audience(kind),
        speaker=speaker,
        mode=ONLINE if online_place(place) else ONSITE,
    )


def default_speaker(person: Actor) -> str:
    """党课 is most often given by the secretary who calls it (书记讲党课): their name, until they name another."""
    if person.member is None:
        raise NoticeError("notice.err.empty", {"field": "speaker"})
    return person.member.name


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
    """More than half of those expected (支部党员大会须有半数以上有表决权的党员到会; 支委会须有半数以上委员到会)."""
    return expected > 0 and present * 2 > expected


def fits_unit(kind: str, unit_id: int, tree: OrgTree) -> bool:
    return fits(kind, tree.units.get(unit_id))


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
