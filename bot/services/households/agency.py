"""为民服务代理 (issue 28 item 3): the reminders of an open 代办 to its agent (代办员), a plain reminder source listed
in `bot.services.registry.REMINDER_SOURCES`. Stages (`requests_rules.agency_stage`): `soon` (the days before the
deadline), `due` (the deadline and the week after), `overdue-N` (each further week); each goes once, under the unique
key `agency:<stage>:<request>:<deadline>` — a deadline moved later starts its stages again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.config import Settings
from bot.domain.models import Member
from bot.domain.results import Reply, say
from bot.domain.rights import Actor, OrgTree
from bot.i18n import resolve_language, t
from bot.services.households.buttons import RequestOpen
from bot.services.households.due import reachable
from bot.services.households.requests_rules import AGENCY_SOON, agency_stage
from bot.services.kernel import dates
from bot.services.kernel.reminders import Due
from bot.services.members.lookup import who
from bot.services.members.people import Named, find_managed
from bot.store import Store
from bot.store.outbox import Outgoing


def agency_key(stage: str, request_id: int, deadline: str) -> str:
    return f"agency:{stage}:{request_id}:{deadline}"


async def agency_reminders(store: Store, settings: Settings, now: datetime) -> list[Due]:
    """The reminders due now of open 代办 (by the partial index of their deadlines: cheap when there are none)."""
    today = now.astimezone(settings.tz).date()
    found = await store.requests.agencies_until(today + timedelta(days=AGENCY_SOON))
    if not found:
        return []
    people = await store.members.by_ids(sorted({r.handler_id for r in found if r.handler_id is not None}))
    due = []
    for request in found:
        agent = people.get(request.handler_id) if request.handler_id is not None else None
        stage = agency_stage(request.deadline, today) if request.deadline else None
        if stage is None or agent is None or not reachable(agent):
            continue
        assert agent.telegram_id is not None and request.deadline is not None
        lang = resolve_language(agent.language, None, settings.default_language)
        word = "soon" if stage == "soon" else "due" if stage == "due" else "overdue"
        text = t(
            lang,
            f"requests.agency_{word}",
            number=request.id,
            day=dates.day_near(lang, request.deadline, today),
            head=request.head,
            text=request.text,
        )
        button = [
            [{"text": t(lang, "requests.open_button", number=request.id), "data": RequestOpen(request.id).pack()}]
        ]
        key = agency_key(stage, request.id, request.deadline.isoformat())
        message = Outgoing(
            key=key,
            kind="reminder",
            chat_id=agent.telegram_id,
            text=text,
            member_id=agent.id,
            ref=f"request:{request.id}",
            buttons=button,
        )
        due.append(Due(message))
    return due


async def agent_named(store: Store, person: Actor, tree: OrgTree, typed: str) -> Member | Reply:
    """The agent (代办员) a secretary names for a 代办: one active member of their units (`姓名@支部` when names
    repeat); the person themselves by their own name."""
    name, branch = who(typed)
    if person.member is not None and name == person.member.name and not branch:
        return person.member
    found = [m for m in await find_managed(store, person, tree, Named(name[:40], branch[:40])) if m.active]
    if len(found) == 1:
        return found[0]
    key = "requests.agent_twice" if found else "requests.agent_unknown"
    return say(key, value=typed[:40])


@dataclass(frozen=True)
class Telling:
    """A 代办 just logged for an agent other than who logged it."""

    number: int
    head: str
    text: str
    deadline: date | None
    by: Actor


def agency_told(settings: Settings, agent: Member, told: Telling) -> list[Outgoing]:
    """The message to the agent a secretary named (none when they logged it for themselves or cannot be reached)."""
    me = told.by.member
    if told.deadline is None or me is None or agent.id == me.id or not reachable(agent):
        return []
    assert agent.telegram_id is not None
    lang = resolve_language(agent.language, None, settings.default_language)
    text = t(
        lang,
        "requests.agency_notice",
        number=told.number,
        name=me.name,
        head=told.head,
        text=told.text,
        day=dates.day(lang, told.deadline),
    )
    button = [[{"text": t(lang, "requests.open_button", number=told.number), "data": RequestOpen(told.number).pack()}]]
    return [
        Outgoing(
            key=f"agency:assigned:{told.number}:{agent.id}",
            kind="notice",
            chat_id=agent.telegram_id,
            text=text,
            member_id=agent.id,
            ref=f"request:{told.number}",
            buttons=button,
        )
    ]
