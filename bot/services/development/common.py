"""What the 发展党员 use cases share: who may act on which branches, a record read for the rules, the words of the
one-line form (a date, names, 学时, a vote count)."""

from __future__ import annotations

import re
from datetime import date

from bot.domain import periods
from bot.i18n import t
from bot.services.development.rules import Record, Step, Taken, Vote
from bot.services.kernel.text import clean_text
from bot.store.development import Person, StepRow

MAX_NOTE = 200
MAX_NAME = 20
_DATE = re.compile(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?")
_NUMBER = r"(\d+(?:\.\d+)?)"


def split(text: str) -> list[str]:
    """The one-line form `a | b | c` (a full-width ｜ too), each part cleaned of invisible characters."""
    return [clean_text(p) for p in text.replace("｜", "|").split("|")]


def parse_day(value: str) -> date | None:
    """`2026-05-20`, `2026.5.20`, `2026年5月20日`; None when it is none of them or no real day."""
    found = _DATE.fullmatch(value.strip()) or _DATE.search(value)
    if found is None:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def names(value: str) -> list[str]:
    """`张三、李四`, `张三,李四`, `张三 李四` → the names, each once."""
    out: list[str] = []
    for part in re.split(r"[、,，;；\s]+", value):
        if part and part not in out:
            out.append(part)
    return out


def amount(value: str, *words: str) -> float | None:
    """The number written before one of `words`: `3天`, `24 学时`, `6个月`."""
    for word in words:
        found = re.search(_NUMBER + r"\s*" + re.escape(word), value, re.IGNORECASE)
        if found:
            return float(found[1])
    return None


def count(value: str, *words: str) -> int | None:
    """The whole number written after one of `words`: `应到 10`, `实到：8`."""
    for word in words:
        found = re.search(re.escape(word) + r"\s*[:：]?\s*(\d+)", value, re.IGNORECASE)
        if found:
            return int(found[1])
    return None


def vote(value: str) -> Vote | None:
    """`应到10 实到8 赞成7 书面1` (English `expected 10 present 8 for 7 written 1`); 书面 may be left out."""
    expected = count(value, "应到", "expected")
    present = count(value, "实到", "present")
    for_ = count(value, "赞成", "同意", "for")
    written = count(value, "书面", "written") or 0
    if expected is None or present is None or for_ is None:
        return None
    return Vote(expected, present, for_, written)


def listed(people: str, lang: str) -> str:
    """The names a step keeps (`李联络、赵巡逻`) joined as the language lists them (`李联络, 赵巡逻`)."""
    return t(lang, "development.and").join(n for n in people.split("、") if n)


def stage_of(person: Person) -> tuple[str, date, bool]:
    """The stage to show, since when, and whether it is the roster's only (a record the roster made, its steps
    not entered yet: the roster's stage stands until they are)."""
    if not entered(person):
        return person.stage, person.stage_on, True
    record = record_of(person)
    return record.stage.value, record.since or person.stage_on, False


def entered(person: Person) -> bool:
    """Whether a step of the process is entered: a 思想汇报 (one the person handed in through the bot, say) makes
    no stage, so a record the roster made with only reports still waits for its steps."""
    return any(s.step != Step.REPORT.value for s in person.steps)


def record_of(person: Person | None) -> Record:
    """The steps as the rules read them; a 思想汇报 handed in through the bot counts on its quarter's days (one begun
    on 30 June and sent on 1 July is the second quarter's)."""
    if person is None:
        return Record(())
    return Record(tuple(Taken(Step(s.step), _counted(s), s.months) for s in person.steps))


def _counted(step: StepRow) -> date:
    filed = periods.parse_period(step.period) if step.period else None
    return min(step.on, filed.end) if filed is not None else step.on
