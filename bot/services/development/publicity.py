"""公示 as a step of the 发展党员 register (issue 24): a 发展对象 before the 支部党员大会 (拟接收预备党员) or a 预备党员
before 转正 is made public for at least five working days. Posted to the bound group through 党务公开
(`/publicity 发展 姓名`, `bot.services.openness`), it is recorded here with its 公示期 as posted; put up on the
notice board instead, the secretary records it with `/development 姓名 | 公示 | 日期 [| 工作日数]` and the 公示期 is
worked out the same way (`bot.domain.workdays`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.workdays import MAX_DAYS, period
from bot.services.development import common, rules
from bot.services.development.rules import Step, Taken
from bot.store import Store
from bot.store.development import Write

__all__ = ["MAX_DAYS", "Posted", "days_of", "record_posted", "span"]


@dataclass(frozen=True)
class Posted:
    """A 公示 to record: whose record, its 公示期, who posted it and when."""

    person_id: int
    starts: date
    ends: date
    by: int | None
    at: datetime


def days_of(note: str) -> int:
    """The working days a secretary wrote (`7个工作日`, `7天`, `7 days`); five when none."""
    found = common.amount(note, "个工作日", "工作日", "天", "days", "day")
    return int(found) if found else rules.PUBLICITY_DAYS


def span(posted: date, days: int) -> tuple[date, date]:
    """The 公示期 of a notice put up on `posted` for `days` working days (at least five)."""
    return period(posted, max(days, rules.PUBLICITY_DAYS))


async def record_posted(store: Store, posted: Posted, today: date) -> bool:
    """Record the 公示 on the person's record when the rules allow it (a 发展对象 or 预备党员, not before the record's
    last step); False when they do not, or the record changed meanwhile. The day is the 公示期's first."""
    person = await store.development.get(posted.person_id)
    if person is None:
        return False
    record = common.record_of(person)
    if rules.check(record, Taken(Step.PUBLICITY, posted.starts), max(today, posted.starts)) is not None:
        return False
    stage = record.stage.value
    write = Write(
        Step.PUBLICITY.value, posted.starts, 0, "", "", stage, record.since or person.stage_on, ends_on=posted.ends
    )
    return await store.development.record(person, write, posted.by, posted.at)
