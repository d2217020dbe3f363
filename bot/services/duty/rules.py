"""Duty posts (设岗定责): the rules of patrol (治安巡逻) and mediation (矛盾调解) logs.

Pure functions: the fields and the one-line forms, points, calendar months in TIMEZONE, the month
summary and its minimum (docs/PRODUCT.md §7). The store-facing operations, the follow-up reminder source and the
`duty_logs.csv` export live in `bot.services.duty.common`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.services.kernel.text import clean_text
from bot.services.members.roster import POSTS as POST_ALIASES
from bot.store.duty import DutyLog


class DutyPost(StrEnum):
    """The two built-in duty posts (a `DutyPostToggle` button's value)."""

    PATROL = "patrol"
    MEDIATION = "mediation"


class DisputeKind(StrEnum):
    """The kind of a mediated dispute (a `DutyKind` button's value)."""

    NEIGHBOUR = "neighbour"
    FAMILY = "family"
    SUPPORT = "support"
    RELOCATION = "relocation"
    LAND = "land"
    PROPERTY = "property"
    OTHER = "other"


class MediationOutcome(StrEnum):
    """How a mediation ended, or that it goes on (a `DutyOutcome` / `DutyFollowup` button's value)."""

    RESOLVED = "resolved"
    REFERRED = "referred"
    ONGOING = "ongoing"


PATROL = "patrol"
MEDIATION = "mediation"
DUTY_POSTS: tuple[DutyPost, ...] = tuple(DutyPost)
KINDS: tuple[DisputeKind, ...] = tuple(DisputeKind)
OUTCOMES: tuple[MediationOutcome, ...] = tuple(MediationOutcome)
MIN_MINUTES, MAX_MINUTES = 1, 720
LONG_PATROL = 60  # minutes from which a patrol scores 2
PATROL_MINIMUM = 4  # patrols a month for the patrol post
MEDIATION_MINIMUM = 1  # mediations a month for the mediation post
OUTCOME_POINTS = {"resolved": 3, "referred": 2, "ongoing": 1}
SHORT_LIMIT, LONG_LIMIT = 100, 1000  # characters: area/parties, findings/summary
FOLLOWUP_HORIZON = timedelta(days=366)
FOLLOWUP_AT = time(8, 0)  # an ongoing mediation's follow-up is reminded from this local time of its day

_KIND_WORDS = {
    "neighbour": ("neighbour", "neighbor", "neighbours", "neighbors", "邻里", "邻里纠纷", "邻居"),
    "family": ("family", "家庭", "家庭纠纷", "婚姻家庭", "婚姻家庭纠纷", "婚姻"),
    "support": ("support", "elder support", "赡养", "赡养纠纷", "养老"),
    "relocation": ("relocation", "拆迁", "拆迁安置", "征地拆迁", "安置", "征地"),
    "land": ("land", "土地", "土地纠纷", "宅基地"),
    "property": ("property", "物业", "物业纠纷"),
    "other": ("other", "其他", "其它"),
}
_OUTCOME_WORDS = {
    "resolved": ("resolved", "已化解", "化解", "调解成功", "成功", "已解决", "解决"),
    "referred": ("referred", "已上报", "上报", "已移交", "移交", "转交"),
    "ongoing": ("ongoing", "调解中", "进行中", "未化解", "继续", "跟进", "still ongoing"),
}
_MINUTES = re.compile(r"^(\d{1,6})\s*(分钟|分|min|mins|minutes)?$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_NONE_WORDS = ("none", "无", "-", "清空")


class FieldError(ValueError):
    """Invalid input: the message `duty.err.<problem>` names `field` and shows its example."""

    def __init__(self, field: str, problem: str, value: str = "") -> None:
        super().__init__(f"{field}: {problem} ({value!r})")
        self.field = field
        self.problem = problem
        self.value = value


# Fields ----------------------------------------------------------------------------------------------


def parse_text(text: str, field: str, limit: int) -> str:
    text = clean_text(text, multiline=True)
    value = " ".join(text.split()) if limit <= SHORT_LIMIT else text
    if not value:
        raise FieldError(field, "empty")
    if len(value) > limit:
        raise FieldError(field, "too_long", str(limit))
    return value


def parse_minutes(text: str) -> int:
    """A whole number of minutes from 1 to 720 (`45`, `45分钟`, `45 min`)."""
    value = text.strip()
    match = _MINUTES.match(value)
    if not match or not MIN_MINUTES <= int(match.group(1)) <= MAX_MINUTES:
        raise FieldError("minutes", "minutes", value)
    return int(match.group(1))


def _word(text: str, table: dict[str, tuple[str, ...]], field: str) -> str:
    value = " ".join(text.split()).lower()
    for key, words in table.items():
        if value in words:
            return key
    raise FieldError(field, field, text.strip())


def parse_kind(text: str) -> str:
    return _word(text, _KIND_WORDS, "kind")


def parse_outcome(text: str) -> str:
    return _word(text, _OUTCOME_WORDS, "outcome")


def parse_date(text: str) -> date:
    value = text.strip()
    match = _DATE.match(value)
    try:
        if match is None:
            raise ValueError(value)
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise FieldError("followup", "date", value) from None


def parse_followup(text: str, today: date, *, after_today: bool = False) -> date:
    """A follow-up date: today or later (strictly later when rescheduling), within a year."""
    day = parse_date(text)
    if day < today or (after_today and day == today):
        raise FieldError("followup", "date_later" if after_today else "date_past", text.strip())
    if day > today + FOLLOWUP_HORIZON:
        raise FieldError("followup", "date_far", text.strip())
    return day


def followup_is_due(followup_on: date, now: datetime, tz: ZoneInfo) -> bool:
    return now >= datetime.combine(followup_on, FOLLOWUP_AT, tzinfo=tz)


def parse_posts(text: str, known: Iterable[str]) -> tuple[set[str], list[str]]:
    """`patrol; 环境卫生岗` → (posts, unknown names). Known: patrol, mediation (or their Chinese
    names) and the other posts already on the roster. `none` / `无` clears."""
    names = [p.strip() for p in re.split(r"[;；,，、]", text) if p.strip()]
    if len(names) == 1 and names[0].lower() in _NONE_WORDS:
        return set(), []
    allowed = set(known) | set(DUTY_POSTS)
    posts: set[str] = set()
    unknown: list[str] = []
    for name in names:
        post = POST_ALIASES.get(name.lower(), name)
        if post in allowed:
            posts.add(post)
        else:
            unknown.append(name)
    return posts, unknown


# Months ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month in TIMEZONE."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def of(cls, moment: datetime, tz: ZoneInfo) -> Month:
        local = moment.astimezone(tz)
        return cls(local.year, local.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """`2026-03` (or `2026-3`, `2026年3月`)."""
        match = _MONTH.match(text.strip())
        if match is None or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
            raise FieldError("month", "month", text.strip())
        return cls(int(match.group(1)), int(match.group(2)))

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[first local midnight, next month's first local midnight), in UTC."""
        start = datetime(self.year, self.month, 1, tzinfo=tz)
        following = self.next()
        end = datetime(following.year, following.month, 1, tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)


def local_month(at_iso: str, tz: ZoneInfo) -> Month:
    """The month of a stored UTC timestamp, in local time."""
    return Month.of(datetime.fromisoformat(at_iso), tz)


# Points and the month --------------------------------------------------------------------------------


def patrol_points(minutes: int) -> int:
    return 2 if minutes >= LONG_PATROL else 1


def mediation_points(outcome: str) -> int:
    """By the mediation's current outcome (a follow-up that resolves it raises its points)."""
    return OUTCOME_POINTS.get(outcome, 0)


def log_points(log: DutyLog) -> int:
    if log.post == PATROL:
        return patrol_points(log.minutes or 0)
    return mediation_points(log.outcome or "")


@dataclass
class MonthSummary:
    """One member's month: what they did and the points it earns."""

    patrols: int = 0
    minutes: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    points: int = 0

    @property
    def mediations(self) -> int:
        return sum(self.outcomes.values())


def summarize(logs: Iterable[DutyLog]) -> MonthSummary:
    summary = MonthSummary()
    for log in logs:
        summary.points += log_points(log)
        if log.post == PATROL:
            summary.patrols += 1
            summary.minutes += log.minutes or 0
        elif log.outcome in summary.outcomes:
            summary.outcomes[log.outcome] += 1
    return summary


def minimum_met(summary: MonthSummary, posts: Iterable[str]) -> bool | None:
    """Whether the month's minimum was met for every post held; None when no held post has one."""
    held = set(posts)
    checks = []
    if PATROL in held:
        checks.append(summary.patrols >= PATROL_MINIMUM)
    if MEDIATION in held:
        checks.append(summary.mediations >= MEDIATION_MINIMUM)
    return all(checks) if checks else None


# One-line forms ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatrolDraft:
    area: str
    minutes: int
    findings: str
    photo: str | None = None


@dataclass(frozen=True)
class EntryDraft:
    """A generic post's entry: what was done, the time spent, the people served, and a photo's file id."""

    post: str
    done: str
    minutes: int
    served: int
    photo: str | None = None


@dataclass(frozen=True)
class MediationDraft:
    parties: str
    kind: str
    outcome: str
    summary: str
    followup_on: date | None = None
    photo: str | None = None


def parse_patrol_line(fields: list[str], photo: str | None = None) -> PatrolDraft:
    """`area | minutes | findings`."""
    if len(fields) != 3:
        raise FieldError("patrol", "form")
    return PatrolDraft(
        parse_text(fields[0], "area", SHORT_LIMIT),
        parse_minutes(fields[1]),
        parse_text(fields[2], "findings", LONG_LIMIT),
        photo,
    )


def parse_mediation_line(fields: list[str], today: date, photo: str | None = None) -> MediationDraft:
    """`parties | kind | outcome | summary` (+ `| YYYY-MM-DD` when the outcome is ongoing)."""
    if len(fields) not in (4, 5):
        raise FieldError("mediation", "form")
    parties = parse_text(fields[0], "parties", SHORT_LIMIT)
    kind = parse_kind(fields[1])
    outcome = parse_outcome(fields[2])
    summary = parse_text(fields[3], "summary", LONG_LIMIT)
    followup = fields[4] if len(fields) == 5 and fields[4] else ""
    if outcome == "ongoing" and not followup:
        raise FieldError("followup", "followup_needed")
    if outcome != "ongoing" and followup:
        raise FieldError("followup", "followup_unexpected", followup)
    day = parse_followup(followup, today) if followup else None
    return MediationDraft(parties, kind, outcome, summary, day, photo)
