"""The pure rules of the branch's year (issue 26; sources in docs/PRODUCT.md, "The branch's year"):

* 谈心谈话: each pair of 支部委员 and each 支部委员 with each member talk at least once a year; from the
  last quarter the secretary is nudged about pairs still missing.
* 民主测评: a voter (a member with 表决权) casts one ballot per other member, never on themselves, only while
  the 评议 is open; the tallies of a member are shown only once `MIN_SHOWN` ballots are in, so that the
  count of one or two ballots cannot tell a voter's choice.
* 整改清单: the responsible member is reminded `SOON_DAYS` before the deadline, on the day, then once a week
  while the item stays open; 对照检查材料: members without one are reminded `SOON_DAYS` before its deadline.
* 党员承诺: asked for in January; 评诺 grades.
* 谈心谈话 prompts: a member who falls ill, comes into hardship or care, is rated 基本合格 / 不合格, or has
  let LAPSE_PERIODS report periods in a row pass without a thought report is to be talked with by a 支部委员
  within PROMPT_DAYS; the prompt clears once such a talk is logged (a lapse also once a report breaks it).
* 践诺: a member with a pledge and no 践诺 in the current half year is reminded in its last month.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.domain import periods

#: The source of a 党务公开 item of the 民主评议 results: `appraisal:<year>` (`/publicity 评议`); the sheets read
#: its 公示期 through the store.
PUBLICITY_SOURCE = "appraisal:"
#: Ballots a member's tallies need before they are shown to anyone.
MIN_SHOWN = 3
#: Days before a deadline (整改 item, 对照检查材料) when the first reminder goes.
SOON_DAYS = 3
#: Overdue 整改 items are reminded once every this many days.
OVERDUE_EVERY = 7
#: The month from which missing 谈心谈话 pairs are nudged (the last quarter).
NUDGE_FROM_MONTH = 10

_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


class Grade(StrEnum):
    """民主评议 grades (测评 and 评定)."""

    EXCELLENT = "excellent"
    QUALIFIED = "qualified"
    BASIC = "basic"
    UNQUALIFIED = "unqualified"


class PledgeGrade(StrEnum):
    """评诺 grades."""

    GOOD = "good"
    FAIR = "fair"
    AVERAGE = "average"
    POOR = "poor"


GRADE_WORDS: dict[str, Grade] = {
    "优秀": Grade.EXCELLENT,
    "合格": Grade.QUALIFIED,
    "基本合格": Grade.BASIC,
    "不合格": Grade.UNQUALIFIED,
    **{g.value: g for g in Grade},
}
PLEDGE_WORDS: dict[str, PledgeGrade] = {
    "好": PledgeGrade.GOOD,
    "较好": PledgeGrade.FAIR,
    "一般": PledgeGrade.AVERAGE,
    "差": PledgeGrade.POOR,
    **{g.value: g for g in PledgeGrade},
}
#: Grades that need a follow-up (谈话, 限期改正 with a date).
FOLLOW_UP = frozenset({Grade.BASIC, Grade.UNQUALIFIED})

Pair = frozenset[int]


def parse_grade(text: str) -> Grade | None:
    return GRADE_WORDS.get(text.strip().lower())


def parse_pledge_grade(text: str) -> PledgeGrade | None:
    return PLEDGE_WORDS.get(text.strip().lower())


def parse_date(text: str) -> date | None:
    """A date as typed (YYYY-MM-DD, 2026-3-5 too), or None."""
    text = text.strip()
    if not _DAY.match(text):
        return None
    year, month, day = (int(p) for p in text.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        return None


_WORD_DAYS = {"今天": 0, "today": 0, "昨天": -1, "yesterday": -1, "前天": -2, "明天": 1, "tomorrow": 1, "后天": 2}
_IN_DAYS = re.compile(r"^(\d{1,3})\s*天后$|^in\s+(\d{1,3})\s+days?$", re.IGNORECASE)


def day_of(text: str, today: date) -> date | None:
    """A day as typed: a date (`parse_date`), or 今天 / 昨天 / 前天 / 明天 / 后天 / `N天后` (today, yesterday,
    tomorrow, in N days) counted from `today`; else None."""
    word = text.strip().lower()
    if word in _WORD_DAYS:
        return today + timedelta(days=_WORD_DAYS[word])
    found = _IN_DAYS.match(word)
    if found:
        return today + timedelta(days=int(found.group(1) or found.group(2)))
    return parse_date(text)


def talk_day(text: str, today: date) -> date | None:
    """The day of a talk: a date of this year up to today (a talk is logged once held)."""
    value = day_of(text, today)
    if value is None or value > today or value.year != today.year:
        return None
    return value


def future_day(text: str, today: date) -> date | None:
    """A deadline: today or later, within a year."""
    value = day_of(text, today)
    if value is None or value < today or (value - today).days > 366:
        return None
    return value


def required_pairs(committee: Iterable[int], members: Iterable[int]) -> set[Pair]:
    """Each pair of 支部委员, and each 支部委员 with each other member of the branch."""
    board = set(committee)
    everyone = board | set(members)
    return {frozenset((c, m)) for c in board for m in everyone if c != m}


def pair_status(required: set[Pair], talked: Iterable[tuple[int, int]]) -> tuple[set[Pair], set[Pair]]:
    """(done, missing) among the required pairs, given the pairs that talked this year."""
    had = {frozenset(p) for p in talked}
    done = required & had
    return done, required - done


def nudge_due(today: date) -> bool:
    """Missing pairs are nudged in the last quarter, once a month."""
    return today.month >= NUDGE_FROM_MONTH


def is_open(starts: date, ends: date, today: date) -> bool:
    """The 评议 takes 自评 and ballots from its first day to its last, both included."""
    return starts <= today <= ends


def may_vote(voter: int, subject: int, voters: set[int], subjects: set[int]) -> bool:
    return voter != subject and voter in voters and subject in subjects


def shown_tally(tally: dict[str, int]) -> dict[str, int] | None:
    """The counts to show, or None while fewer than MIN_SHOWN ballots are in."""
    return tally if sum(tally.values()) >= MIN_SHOWN else None


def item_stage(deadline: date, today: date) -> str | None:
    """Which reminder of an open 整改 item holds today: `soon` (the SOON_DAYS before the deadline), `due` (the
    deadline and the week after), `overdue-N` (each further week), or none (earlier). Each stage goes once."""
    days = (deadline - today).days
    if days > SOON_DAYS:
        return None
    if days > 0:
        return "soon"
    week = -days // OVERDUE_EVERY
    return "due" if week == 0 else f"overdue-{week}"


def material_due(deadline: date, today: date) -> bool:
    """Members without 对照检查材料 are reminded in the SOON_DAYS before the deadline (once, by its key)."""
    return 0 <= (deadline - today).days <= SOON_DAYS


def pledge_ask_due(today: date) -> bool:
    """Pledges are asked for in January."""
    return today.month == 1


#: Days within which a prompted 谈心谈话 is due (from the day the member fell ill, came into care or was rated).
PROMPT_DAYS = 15
#: A rating of 基本合格 / 不合格 prompts a talk for this many days at the most (a year: until the next 评议).
RATING_PROMPT_DAYS = 366


class PromptReason(StrEnum):
    """Why a 谈心谈话 is prompted: a care case's source (illness, hardship, the secretary's /care) or a rating."""

    ILL = "ill"
    HARDSHIP = "hardship"
    CARE = "care"
    BASIC = "basic"
    UNQUALIFIED = "unqualified"
    REPORTS = "reports"


@dataclass(frozen=True)
class Trigger:
    """A member whose circumstances call for a talk, since `since`; `ref` names what prompted it in its key
    (`care-<case>`, `rating-<appraisal>-<member>`), so that each prompt goes once."""

    member_id: int
    unit_id: int
    reason: PromptReason
    since: date
    ref: str

    @property
    def due(self) -> date:
        return self.since + timedelta(days=PROMPT_DAYS)


def cleared(trigger: Trigger, talks: Iterable[tuple[int, int, date]], committee: set[int]) -> bool:
    """A prompt clears once a talk of the member with a 支部委员 held on or after `since` is logged."""
    for a, b, held in talks:
        if held < trigger.since or trigger.member_id not in (a, b):
            continue
        other = b if a == trigger.member_id else a
        if other in committee:
            return True
    return False


def prompt_stage(trigger: Trigger, today: date) -> str | None:
    """Which prompt holds today: `new` from the day it arose to its due date, `late` after it (each once)."""
    if today < trigger.since:
        return None
    return "new" if today <= trigger.due else "late"


class TalkForm(StrEnum):
    """谈话形式."""

    FACE = "face"
    PHONE = "phone"
    VISIT = "visit"
    VIDEO = "video"


FORM_WORDS: dict[str, TalkForm] = {
    "面谈": TalkForm.FACE,
    "当面": TalkForm.FACE,
    "电话": TalkForm.PHONE,
    "上门": TalkForm.VISIT,
    "走访": TalkForm.VISIT,
    "视频": TalkForm.VIDEO,
    **{f.value: f for f in TalkForm},
}


def parse_form(name_field: str) -> tuple[TalkForm, str]:
    """`电话 王芳` → (phone, 王芳): a form word before the name; without one, 面谈."""
    head, _, rest = name_field.strip().partition(" ")
    form = FORM_WORDS.get(head.lower())
    if form is not None and rest.strip():
        return form, rest.strip()
    return TalkForm.FACE, name_field.strip()


#: Report periods in a row without a thought report that prompt a 谈心谈话 (one is a late report, two a lapse).
LAPSE_PERIODS = 2
#: The longest lapse walked back (a member away for years costs what one away for a season does).
_LAPSE_WALK = 36


def lapse(cadence: str, since: date | None, submitted: set[str], today: date) -> tuple[periods.Period, date] | None:
    """The current run of ended report periods without a report, when it is LAPSE_PERIODS long or longer: its
    first period (which names the prompt, so one run prompts once) and the day it became a lapse (the day after
    the LAPSE_PERIODS-th period's deadline). Only owed periods count (`periods.is_owed`)."""
    run: list[periods.Period] = []
    period = periods.previous_period(periods.period_of(today, cadence), cadence)
    while len(run) < _LAPSE_WALK and periods.is_owed(period, since) and period.label not in submitted:
        run.append(period)
        period = periods.previous_period(period, cadence)
    if len(run) < LAPSE_PERIODS:
        return None
    run.reverse()
    return run[0], run[LAPSE_PERIODS - 1].end + timedelta(days=1)


def half_of(day: date) -> int:
    """The half year of a day: 1 (January–June) or 2."""
    return 1 if day.month <= 6 else 2


def progress_ask_due(today: date) -> bool:
    """践诺 is asked for in the last month of each half year (June, December), before the half ends."""
    return today.month in (6, 12)
