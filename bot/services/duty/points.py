"""设岗定责 as data — the pure rules: the catalogue of posts, the points of an entry of any post, the month
split into approved and pending entries (only approved ones count toward the minimum and the ranking), the
one-line forms of `/posts 新增` and `/posts 修改`, quarters and the panel's ratings.

治安巡逻岗 and 矛盾调解岗 keep today's scoring (a patrol 1 point, 2 from 60 minutes; a mediation by its current
outcome); every other post scores `per_entry` points an entry plus one for every full `per_minutes` minutes.
Every post's monthly minimum (approved entries) is data the secretary sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.duty.rules import (
    MEDIATION,
    PATROL,
    FieldError,
    MonthSummary,
    log_points,
    parse_minutes,
    summarize,
)
from bot.services.kernel.text import clean_text
from bot.services.members.roster import POSTS as POST_ALIASES
from bot.store.duty import DutyLog
from bot.store.posts import Post

NAME_LIMIT = 20  # characters of a post's name
MAX_SERVED = 10000
RATINGS = ("excellent", "competent", "basic", "incompetent")
_RATING_WORDS = {
    "excellent": ("优秀", "excellent"),
    "competent": ("称职", "competent"),
    "basic": ("基本称职", "basic", "basically competent"),
    "incompetent": ("不称职", "incompetent"),
}
_PER_ENTRY = re.compile(r"^(?:每条|每次|per entry)?\s*(\d{1,3})\s*(?:分|points?)?$", re.IGNORECASE)
_PER_MINUTES = re.compile(
    r"^(?:每|per|every)?\s*(\d{1,3})\s*(?:分钟|min|mins|minutes)?\s*(?:加)?\s*(?:1\s*分|1 point)?$", re.IGNORECASE
)
_RULE_SPLIT = re.compile(r"[+＋,，、;；]")
_INT = re.compile(r"^(\d{1,5})\s*(人|个|条|次|件)?$")
_QUARTER = re.compile(r"^(\d{4})\s*(?:[-/年]?\s*[Qq第]?\s*)([1-4])\s*(?:季度?)?$")
_NONE_WORDS = ("none", "无", "不限", "0")


# The catalogue ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """The posts of the community, found by key, by name, or by a roster alias (巡逻岗 → 治安巡逻岗)."""

    posts: tuple[Post, ...] = ()

    def by_key(self, key: str) -> Post | None:
        return next((p for p in self.posts if p.key == key), None)

    def find(self, text: str) -> Post | None:
        name = text.strip()
        key = POST_ALIASES.get(name.lower(), name)
        return next((p for p in self.posts if p.key == key or p.name == name), None)

    def name(self, key: str) -> str:
        post = self.by_key(key)
        return post.name if post else key

    def held(self, keys: Iterable[str]) -> list[Post]:
        """The catalogue's posts among `keys`, in catalogue order."""
        wanted = set(keys)
        return [p for p in self.posts if p.key in wanted]


def entry_points(log: DutyLog, catalogue: Catalogue) -> int:
    """The points of an entry: patrol and mediation by today's rules, any other post by its catalogue rule
    (1 an entry for a post no longer in the catalogue)."""
    if log.post in (PATROL, MEDIATION):
        return log_points(log)
    post = catalogue.by_key(log.post)
    per_entry, per_minutes = (post.per_entry, post.per_minutes) if post else (1, None)
    return per_entry + ((log.minutes or 0) // per_minutes if per_minutes else 0)


@dataclass
class PostFigures:
    """A generic post's approved entries in a month."""

    entries: int = 0
    minutes: int = 0
    served: int = 0


@dataclass
class Reviewed:
    """A member's month: the approved entries (what counts), and the pending ones apart."""

    approved: MonthSummary
    pending: int = 0
    pending_points: int = 0
    entries: dict[str, int] = field(default_factory=dict)  # approved entries by post key
    generic: dict[str, PostFigures] = field(default_factory=dict)

    @property
    def points(self) -> int:
        return self.approved.points


def summarize_reviewed(logs: Iterable[DutyLog], catalogue: Catalogue) -> Reviewed:
    approved = [log for log in logs if log.review == "approved"]
    pending = [log for log in logs if log.review == "pending"]
    summary = summarize(log for log in approved if log.post in (PATROL, MEDIATION))
    out = Reviewed(summary, len(pending), sum(entry_points(log, catalogue) for log in pending))
    for log in approved:
        out.entries[log.post] = out.entries.get(log.post, 0) + 1
        if log.post not in (PATROL, MEDIATION):
            summary.points += entry_points(log, catalogue)
            figures = out.generic.setdefault(log.post, PostFigures())
            figures.entries += 1
            figures.minutes += log.minutes or 0
            figures.served += log.served or 0
    return out


def minimum_checks(reviewed: Reviewed, held: Iterable[str], catalogue: Catalogue) -> list[tuple[Post, bool]]:
    """Each held post with a monthly minimum, and whether its approved entries reach it."""
    out = []
    for post in catalogue.held(held):
        if post.minimum > 0:
            out.append((post, reviewed.entries.get(post.key, 0) >= post.minimum))
    return out


def met(reviewed: Reviewed, held: Iterable[str], catalogue: Catalogue) -> bool | None:
    """Whether every held post's minimum is met by approved entries; None when no held post has one."""
    checks = minimum_checks(reviewed, held, catalogue)
    return all(ok for _, ok in checks) if checks else None


# One-line forms --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostRule:
    per_entry: int
    per_minutes: int | None
    minimum: int


def parse_name(text: str) -> str:
    name = " ".join(clean_text(text).split())
    if not name:
        raise FieldError("post_name", "empty")
    if len(name) > NAME_LIMIT or "|" in name:
        raise FieldError("post_name", "too_long", str(NAME_LIMIT))
    return name


def parse_rule(text: str) -> tuple[int, int | None]:
    """`每条2分` / `2` (points an entry), `每条1分+每30分钟1分` / `1+30` (and one for every 30 minutes)."""
    parts = [p.strip() for p in _RULE_SPLIT.split(text.strip())]
    entry = _PER_ENTRY.match(parts[0])
    minutes = _PER_MINUTES.match(parts[1]) if len(parts) == 2 else None
    if entry is None or len(parts) > 2 or (len(parts) == 2 and minutes is None):
        raise FieldError("post_rule", "rule", text.strip())
    per_entry = int(entry.group(1))
    per_minutes = int(minutes.group(1)) if minutes is not None else None
    if per_entry > 100 or (per_minutes is not None and not 1 <= per_minutes <= 720):
        raise FieldError("post_rule", "rule", text.strip())
    return per_entry, per_minutes


def parse_minimum(text: str) -> int:
    """Approved entries a month: 0 to 100 (`无` / `不限`: none)."""
    value = text.strip()
    if value.lower() in _NONE_WORDS:
        return 0
    match = _INT.match(value)
    if match is None or int(match.group(1)) > 100:
        raise FieldError("post_minimum", "minimum", value)
    return int(match.group(1))


def parse_time(text: str) -> int:
    """A generic entry's time spent, read as patrol minutes are (an error names it as time spent)."""
    try:
        return parse_minutes(text)
    except FieldError as err:
        raise FieldError("time", err.problem, err.value) from err


def parse_served(text: str) -> int:
    """People served by an entry: 0 to 10000."""
    value = text.strip()
    match = _INT.match(value)
    if match is None or int(match.group(1)) > MAX_SERVED:
        raise FieldError("served", "served", value)
    return int(match.group(1))


def parse_rating(text: str) -> str:
    value = text.strip().lower()
    for rating, words in _RATING_WORDS.items():
        if value in words:
            return rating
    raise FieldError("rating", "rating", text.strip())


def panel_outcome(ratings: Iterable[str], panel: int) -> str | None:
    """The 支委会's rating of a 述职 (each committee member rates once; a later rating of theirs replaces the
    earlier): the rating more than half of the committee's members gave, or None while none has that majority.
    `panel` is how many may rate: the committee but the post-holder, at least one."""
    counts: dict[str, int] = {}
    for rating in ratings:
        counts[rating] = counts.get(rating, 0) + 1
    best = max(counts.items(), key=lambda kv: kv[1], default=None)
    return best[0] if best is not None and best[1] * 2 > max(panel, 1) else None


def parse_post_line(fields: Sequence[str]) -> tuple[str, PostRule]:
    """`名称 | 积分规则 | 每月最低` (of /posts 新增 and /posts 修改)."""
    if len(fields) != 3:
        raise FieldError("post_line", "form")
    per_entry, per_minutes = parse_rule(fields[1])
    return parse_name(fields[0]), PostRule(per_entry, per_minutes, parse_minimum(fields[2]))


# Quarters --------------------------------------------------------------------------------------------

#: A quarter's account is asked from this day of its last month (local), and a quarter stays the one under
#: review until this long after it ended.
ASK_FROM_DAY = 25
REVIEW_GRACE = timedelta(days=31)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.number}"

    @property
    def key(self) -> int:
        """As a button carries it: `20261`."""
        return self.year * 10 + self.number

    @classmethod
    def of_key(cls, key: int) -> Quarter | None:
        year, number = divmod(key, 10)
        return cls(year, number) if 1 <= number <= 4 and 2000 <= year <= 2100 else None

    @classmethod
    def of(cls, moment: datetime, tz: ZoneInfo) -> Quarter:
        local = moment.astimezone(tz)
        return cls(local.year, (local.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """`2026Q1` (or `2026-Q1`, `2026年第1季度`, `2026-1`)."""
        match = _QUARTER.match(text.strip())
        if match is None or not 2000 <= int(match.group(1)) <= 2100:
            raise FieldError("quarter", "quarter", text.strip())
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def months(self) -> tuple[int, int, int]:
        first = (self.number - 1) * 3 + 1
        return first, first + 1, first + 2

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[first local midnight, next quarter's first local midnight), in UTC."""
        start = datetime(self.year, self.months[0], 1, tzinfo=tz)
        end = (
            datetime(self.year + 1, 1, 1, tzinfo=tz)
            if self.number == 4
            else datetime(self.year, self.months[2] + 1, 1, tzinfo=tz)
        )
        return start.astimezone(UTC), end.astimezone(UTC)

    def ask_window(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """When post-holders are asked for this quarter's account: from 08:00 on the 25th of its last month to
        the end of the grace month after it."""
        start = datetime(self.year, self.months[2], ASK_FROM_DAY, 8, tzinfo=tz)
        return start.astimezone(UTC), self.bounds(tz)[1] + REVIEW_GRACE


def under_review(now: datetime, tz: ZoneInfo) -> Quarter:
    """The quarter accounts are written and rated for: from the day its accounts are asked (the 25th of its
    last month) until a month after it ended."""
    local = now.astimezone(tz)
    if local.month % 3 == 0 and local.day >= ASK_FROM_DAY:
        return Quarter.of(now, tz)
    return Quarter.of(now - REVIEW_GRACE, tz)
