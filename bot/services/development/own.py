"""`/development` for the person on their way in (issue 24): an 入党申请人, 积极分子 or 发展对象 (not a member, known by
the Telegram id the roster gave them) or a 预备党员 sees their own record — the steps with their dates, the stage,
and what comes next by the 细则 — in the private chat only. Never anyone else's record, and no 政审 conclusion
(that is the branch's). Someone with no record is told how one begins."""

from __future__ import annotations

from datetime import date

from bot.domain.call import Call
from bot.domain.results import Result, say, shown
from bot.domain.rights import OrgTree
from bot.i18n import t
from bot.services.development import common, rules
from bot.services.development.rules import Record, Stage, Step
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.store import Store
from bot.store.development import Person

#: The stages a record is chosen by when a Telegram id has several: one where the person writes 思想汇报 (as
#: `bot.services.reports.register` does), else one still under way.
PREFERRED = (("activist", "candidate", "admitted"), ("applicant", "probationary"))


async def in_register(store: Store, telegram_id: int) -> bool:
    """Whether this Telegram user is in the 发展党员 register (the gate lets them ask for their own record)."""
    return bool(await store.development.by_telegram(telegram_id))


async def register_language(store: Store, telegram_id: int) -> str | None:
    """The language a person of the register (not a member) chose with /lang, if any."""
    return next((p.language for p in await store.development.by_telegram(telegram_id) if p.language), None)


def choose(found: list[Person]) -> list[Person]:
    """The person's record among those the roster gave their Telegram id: the only one, or the only one still
    under way (a person imported into another branch has two). More than one: the secretaries must sort it out."""
    if len(found) <= 1:
        return found
    for stages in PREFERRED:
        among = [p for p in found if p.stage in stages]
        if among:
            return among
    return found[-1:]


async def _mine(deps: Deps, call: Call) -> list[Person]:
    found = choose(await deps.store.development.by_telegram(call.actor.telegram_id))
    member = call.actor.member
    if not found and member is not None:
        found = (await deps.store.development.named(member.name, {member.unit_id}))[:1]
    return found


def next_step(record: Record, today: date, lang: str) -> str:
    """What comes next for the person, in their words: the stage's next step and its day when the 细则 gives one."""
    stage = record.stage
    if stage is Stage.APPLICANT:
        applied = record.day(Step.APPLY)
        assert applied is not None
        if record.last(Step.TALK) is None:
            return t(lang, "development.own.next.talk", day=dates.day_near(lang, rules.talk_deadline(applied), today))
        return t(lang, "development.own.next.activist")
    if stage is Stage.ACTIVIST:
        chosen = record.day(Step.ACTIVIST)
        assert chosen is not None
        return t(lang, "development.own.next.candidate", day=dates.day_near(lang, rules.candidate_from(chosen), today))
    if stage is Stage.CANDIDATE:
        return t(lang, "development.own.next.admit")
    if stage is Stage.ADMITTED:
        admitted = record.day(Step.ADMIT)
        assert admitted is not None
        return t(
            lang, "development.own.next.approve", day=dates.day_near(lang, rules.approval_deadline(admitted), today)
        )
    if stage is Stage.PROBATIONARY and record.probation_ends is not None:
        ends = record.probation_ends
        key = "development.own.next.confirm" if today < ends else "development.own.next.confirm_due"
        return t(
            lang,
            key,
            day=dates.day_near(lang, ends, today),
            ask=dates.day_near(lang, rules.add_months(ends, -1), today),
        )
    return ""


async def own_record(deps: Deps, call: Call) -> Result:
    """The person's own record and what comes next."""
    mine = await _mine(deps, call)
    lang = call.lang
    if not mine:
        return Result.of(say("development.own.none"))
    tree = OrgTree.of(await deps.store.units.all())
    if len(mine) > 1:
        units = t(lang, "development.and").join(dict.fromkeys(tree.name(p.unit_id) for p in mine))
        return Result.of(say("development.own.two", units=units))
    person = mine[0]
    today = call.now.astimezone(deps.tz).date()
    stage, since, roster = common.stage_of(person)
    lines = [
        t(
            lang,
            "development.own.head",
            unit=tree.name(person.unit_id),
            stage=t(lang, f"development.stage.{stage}"),
            since=dates.day_near(lang, since, today),
        )
    ]
    for s in person.steps:
        people = t(lang, "development.colon") + common.listed(s.people, lang) if s.people else ""
        step = t(lang, f"development.step.{s.step}")
        lines.append(t(lang, "development.own.step", day=dates.day_near(lang, s.on, today), step=step, people=people))
    record = common.record_of(person)
    after = next_step(record, today, lang) if not roster else t(lang, "development.own.roster")
    if after:
        lines.append(after)
    if record.stage in (Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY):
        lines.append(t(lang, "development.own.reports"))
    return Result.of(shown("\n".join(lines)))
