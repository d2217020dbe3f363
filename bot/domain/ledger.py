"""The rules of the 三会一课台账, pure: the required counts (《中国共产党支部工作条例（试行）》 by default, a
community may set its own with `LEDGER_REQUIRED`), the periods of a year (months, quarters, the year), the
mark of a period (met / not met / not yet due), and when the nudge of the 20th is due and what it names.

Meeting types are plain strings: the notices' own list grows (组织生活会 `life`, 党委会 `party_committee`)
and the ledger knows every type it may count, whether or not notices offer it yet. Nothing here imports the
rest of the bot (the settings validate `LEDGER_REQUIRED` with `parse_required`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

#: Every meeting type the ledger may count, in the order it shows them.


class LedgerKind(StrEnum):
    """Every meeting type the ledger may count, in the order it shows them (a `LedgerNotice` button's value)."""

    GENERAL = "general"
    COMMITTEE = "committee"
    GROUP = "group"
    LECTURE = "lecture"
    PARTYDAY = "partyday"
    LIFE = "life"
    PARTY_COMMITTEE = "party_committee"
    OTHER = "other"


LEDGER_KINDS: tuple[LedgerKind, ...] = tuple(LedgerKind)
#: Lengths of period a count may be required for.
PERS = ("month", "quarter", "year")
#: 《中国共产党支部工作条例（试行）》: 支部党员大会 at least once a quarter, 支委会 once a month, 党小组会 once a
#: month (each Party group), 党课 at least once a quarter, 主题党日 once a month, 组织生活会 at least once a year.
DEFAULT_REQUIRED = "general=1/quarter,committee=1/month,group=1/month,lecture=1/quarter,partyday=1/month,life=1/year"
#: The nudge: on this day of the month, from this local time.
NUDGE_DAY = 20
NUDGE_TIME = time(9, 0)


class Mark(StrEnum):
    """How a period stands against its required count."""

    MET = "met"  # held at least the required number
    MISSED = "missed"  # the period is over and fewer were held
    OPEN = "open"  # not yet due: the period is still open (or has not begun)
    NOT_KEPT = "not_kept"  # began before RECORDS_FROM: the bot does not hold its record (shown —, never ❌)


@dataclass(frozen=True)
class Requirement:
    """At least `count` meetings of `kind` in every `per` (month, quarter or year)."""

    kind: str
    count: int
    per: str


@dataclass(frozen=True, order=True)
class Period:
    """A month, quarter or the whole of a year: local dates from `start` up to, not including, `end`.
    `index` is the month (1–12), the quarter (1–4) or 1 for the year."""

    per: str
    year: int
    index: int

    @property
    def start(self) -> date:
        if self.per == "month":
            return date(self.year, self.index, 1)
        if self.per == "quarter":
            return date(self.year, 3 * self.index - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        last = {"month": self.index, "quarter": 3 * self.index, "year": 12}[self.per]
        return date(self.year + 1, 1, 1) if last == 12 else date(self.year, last + 1, 1)

    def holds(self, day: date) -> bool:
        return self.start <= day < self.end


def parse_required(text: str) -> tuple[Requirement, ...]:
    """`general=1/quarter,committee=1/month,…` → the requirements, in the order of LEDGER_KINDS. A count of
    0 (or a type left out) requires nothing. Anything else is refused with a message saying what is
    wrong and what a valid value looks like."""
    found: dict[str, Requirement] = {}
    example = f"e.g. LEDGER_REQUIRED={DEFAULT_REQUIRED}"
    for raw in text.replace("，", ",").replace(";", ",").split(","):
        part = raw.strip()
        if not part:
            continue
        kind, eq, rest = part.partition("=")
        count, slash, per = rest.partition("/")
        kind, count, per = kind.strip().lower(), count.strip(), per.strip().lower()
        if not eq or not slash:
            raise ValueError(f"LEDGER_REQUIRED: {part!r} is not type=count/period; {example}")
        if kind not in LEDGER_KINDS:
            raise ValueError(f"LEDGER_REQUIRED: unknown meeting type {kind!r} (one of {', '.join(LEDGER_KINDS)})")
        if not count.isascii() or not count.isdigit() or int(count) > 31:
            raise ValueError(f"LEDGER_REQUIRED: the count of {kind!r} must be a whole number 0-31, not {count!r}")
        if per not in PERS:
            raise ValueError(f"LEDGER_REQUIRED: the period of {kind!r} must be month, quarter or year, not {per!r}")
        if kind in found:
            raise ValueError(f"LEDGER_REQUIRED: {kind!r} is given twice")
        found[kind] = Requirement(kind, int(count), per)
    return tuple(found[k] for k in LEDGER_KINDS if k in found and found[k].count > 0)


def periods(year: int, per: str) -> list[Period]:
    """The periods of `per` in `year`, in order."""
    return [Period(per, year, i + 1) for i in range({"month": 12, "quarter": 4, "year": 1}[per])]


def period_of(day: date, per: str) -> Period:
    """The period of `per` that holds `day`."""
    index = {"month": day.month, "quarter": (day.month - 1) // 3 + 1, "year": 1}[per]
    return Period(per, day.year, index)


def mark(required: int, held: int, period: Period, today: date, kept_from: date | None = None) -> Mark:
    """Met once enough were held; else not kept when the period began before the bot kept the record
    (`RECORDS_FROM`: what happened on paper before is not known here, so it is never called not met); else not
    met once the period is over without them; else not yet due."""
    if held >= required:
        return Mark.MET
    if kept_from is not None and period.start < kept_from:
        return Mark.NOT_KEPT
    return Mark.MISSED if today >= period.end else Mark.OPEN


def nudge_due(local: datetime) -> bool:
    """Whether the nudge of the month may go now: on the 20th, from 09:00 local time. The cheap test every
    sweep makes before reading anything."""
    return local.day == NUDGE_DAY and local.time() >= NUDGE_TIME


def closing(today: date, per: str) -> bool:
    """Whether `today` falls in the last month of its period: a month always; a quarter in March, June,
    September, December; the year in December. The nudge names a period's shortfall only then."""
    return period_of(today, per).end.month == (today.month % 12) + 1


def shortfall(requirement: Requirement, held: int) -> int:
    return max(0, requirement.count - held)


def years_shown(asked: int | None, today: date) -> tuple[int, ...]:
    """The years of the ledger a view or an export holds, oldest first: the one asked for; else this year, and in
    January the previous one too — the year just closed, which is the one being inspected."""
    if asked is not None:
        return (asked,)
    if today.month == 1:
        return (today.year - 1, today.year)
    return (today.year,)
