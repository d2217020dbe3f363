"""谈心谈话 prompts (issue 26): when a member falls ill, comes into hardship or care, is rated 基本合格 /
不合格, or lets two report periods in a row pass without a thought report, the secretaries of their branch
(and the 支部委员 who visits them, when their care case has one) are prompted in private to talk with them
within PROMPT_DAYS. Derived, not kept: each sweep reads the open care cases, the ratings of the last year and
the mobile members' thought reports owed (`rules.lapse`: a report breaking the run clears it too), drops
those a talk with a 支部委员 has cleared since, and records the stage that holds
(`talks:prompt:<ref>:<new|late>:<recipient>`, once each, also across restarts) for the recipient's
daily digest: a prompt is a task for the day, not an alarm (the illness itself was told at once).

Private: a prompt goes to a person's own chat, never a group; the reason (illness, hardship …) is written only
to a secretary — a committee member who is not one is told whom to talk with and by when, not why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.config import Settings
from bot.domain import periods
from bot.domain.models import Member
from bot.i18n import t
from bot.services.appraisal.common import lang_of, reachable
from bot.services.appraisal.rules import (
    RATING_PROMPT_DAYS,
    PromptReason,
    Trigger,
    cleared,
    lapse,
    prompt_stage,
)
from bot.services.kernel import digest
from bot.services.kernel.dates import day as day_text
from bot.services.kernel.reminders import Due
from bot.services.kernel.turns import in_turns
from bot.store import Store
from bot.store.outbox import Outgoing

#: Daily-digest groups (`bot.services.kernel.digest`): a secretary's lines carry the reason, a committee member's not.
PROMPT_DIGEST = "appraisal.digest_prompt"
PLAIN_DIGEST = "appraisal.digest_prompt_plain"
_CARE_REASONS = {"ill": PromptReason.ILL, "hardship": PromptReason.HARDSHIP}


@dataclass(frozen=True)
class Prompt:
    """An open prompt: what arose, and who is to talk — the secretaries of the branch and, for a care case,
    its visitor when they are a 支部委员 (`also`)."""

    trigger: Trigger
    also: int | None = None


async def open_prompts(store: Store, settings: Settings, today: date) -> tuple[list[Prompt], dict[int, Member]]:
    """The prompts not yet cleared by a talk, and their members (and visitors) by id."""
    found: list[Prompt] = []
    for case in await store.care.open_in_units(None):
        reason = _CARE_REASONS.get(case.source, PromptReason.CARE)
        since = case.opened_at.astimezone(settings.tz).date()
        trigger = Trigger(case.member_id, case.unit_id, reason, since, f"care-{case.id}")
        found.append(Prompt(trigger, case.visitor_id))
    found += await _lapses(store, settings, today)
    for appraisal, member, unit, grade, at in await store.year.follow_up_ratings(
        today - timedelta(days=RATING_PROMPT_DAYS)
    ):
        since = at.astimezone(settings.tz).date()
        found.append(Prompt(Trigger(member, unit, PromptReason(grade), since, f"rating-{appraisal}-{member}")))
    if not found:
        return [], {}
    units = {p.trigger.unit_id for p in found}
    talks: dict[int, list[tuple[int, int, date]]] = {}  # by member: each prompt looks at its member's only
    for talk in await store.year.talks_since(min(p.trigger.since for p in found)):
        for member_id in {talk[0], talk[1]}:
            talks.setdefault(member_id, []).append(talk)
    # only the members who matter: the subjects, the visitors, who talked (not every member of the branches, a
    # model each: 100 000 of them made the collector's passes long); of them, the active ones of these units
    wanted = {p.trigger.member_id for p in found} | {p.also for p in found if p.also is not None} | set(talks)
    members = {
        i: m
        for i, m in (await store.members.by_ids(sorted(wanted))).items()
        if m.active and units & {m.unit_id, m.group_id, m.activity_group_id}
    }
    committee = {i for i, m in members.items() if m.is_committee}
    still = []
    async for part in in_turns(found):
        still += [
            p
            for p in part
            if p.trigger.member_id in members and not cleared(p.trigger, talks.get(p.trigger.member_id, []), committee)
        ]
    return [p if p.also in committee else Prompt(p.trigger) for p in still], members


async def _lapses(store: Store, settings: Settings, today: date) -> list[Prompt]:
    """A mobile member with LAPSE_PERIODS report periods in a row unreported (what `bot.services.reports` owes
    them, read through the store): `reports-<member>-<first period>`, so one lapse prompts once."""
    found = []
    async for part in in_turns(await store.reports.mobile_members(since_year=today.year - 3), 200):
        for row in part:  # every mobile member's periods (10 000 at 100 000 members)
            since = periods.mobile_since(row.migrant_since, row.recorded_at, settings.tz)
            run = lapse(row.cadence, since, set(row.periods), today)
            if run is not None:
                first, day = run
                found.append(
                    Prompt(Trigger(row.id, row.unit_id, PromptReason.REPORTS, day, f"reports-{row.id}-{first.label}"))
                )
    return found


def reason_text(lang: str, reason: PromptReason) -> str:
    return t(lang, f"appraisal.prompt_reason.{reason.value}")


async def talk_prompts(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    prompts, members = await open_prompts(store, settings, today)
    if not prompts:
        return []
    secretaries: dict[int, list[int]] = {}
    for sid, unit in await store.reports.secretaries(sorted({p.trigger.unit_id for p in prompts})):
        secretaries.setdefault(unit, []).append(sid)
    people = {**members, **await store.members.by_ids(sorted({s for ids in secretaries.values() for s in ids}))}
    due = []
    async for part in in_turns(prompts, 200):  # a prompt is worded for each secretary told
        for prompt in part:
            due += _prompted(prompt, (members, people, secretaries), today, settings)
    return due


def _prompted(
    prompt: Prompt,
    known: tuple[dict[int, Member], dict[int, Member], dict[int, list[int]]],
    today: date,
    settings: Settings,
) -> list[Due]:
    """One open prompt's messages to the secretaries of its unit (and the one also told), at its stage now."""
    members, people, secretaries = known
    trigger = prompt.trigger
    stage = prompt_stage(trigger, today)
    subject = members.get(trigger.member_id)
    if stage is None or subject is None:
        return []
    told = {*secretaries.get(trigger.unit_id, []), *([prompt.also] if prompt.also is not None else [])}
    due = []
    for rid in sorted(told - {trigger.member_id}):
        person = people.get(rid)
        if person is None or not reachable(person) or person.telegram_id is None:
            continue
        due.append(_message(person, prompt, (subject, stage), settings))
    return due


def _message(person: Member, prompt: Prompt, about: tuple[Member, str], settings: Settings) -> Due:
    """The prompt, in the recipient's daily digest (their own chat): with the reason for a secretary, without it
    for anyone else."""
    subject, stage = about
    trigger, lang = prompt.trigger, lang_of(person, settings)
    day = day_text(lang, trigger.due)
    due = t(lang, f"appraisal.prompt_due_{stage}", day=day)
    if person.is_secretary:
        reason = reason_text(lang, trigger.reason)
        text = t(lang, f"appraisal.prompt_{stage}", name=subject.name, day=day, reason=reason)
        entry = digest.entry(PROMPT_DIGEST, subject.name, reason=reason, due=due)
    else:
        text = t(lang, f"appraisal.prompt_plain_{stage}", name=subject.name, day=day)
        entry = digest.entry(PLAIN_DIGEST, subject.name, due=due)
    assert person.telegram_id is not None
    key = f"talks:prompt:{trigger.ref}:{stage}:{person.id}"
    message = Outgoing(
        key=key, kind="reminder", ref=f"talks:prompt:{trigger.ref}", member_id=person.id, chat_id=person.telegram_id,
        text=text,
    )  # fmt: skip
    return Due(message, digest=entry)
