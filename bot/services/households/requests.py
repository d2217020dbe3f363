"""Residents' requests (民情诉求): `/request 户主 | 诉求`, `/requests` (open requests by age as pages, for the
person handling them and, for a secretary, their units) and one request with what this person may do with it.
Moving a request on is in `bot.services.households.requests_flow`; the rules in
`bot.services.households.requests_rules`."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.call import Call
from bot.domain.results import Buttons, Reply, Result, alert, say, shown
from bot.domain.rights import Actor, OrgTree, managed_units
from bot.i18n import t
from bot.services.households.agency import Telling, agency_told, agent_named
from bot.services.households.buttons import RequestAct, RequestOpen, RequestRate
from bot.services.households.common import address, find_named
from bot.services.households.requests_rules import (
    AGENCY_WORDS,
    HANDLER_AFTER,
    MAX_TEXT,
    SATISFACTION,
    RequestAction,
    Standing,
    actions_for,
    age_days,
    deadline_of,
    source_of,
)
from bot.services.kernel import dates, pages
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.deps import Deps
from bot.services.kernel.pages import Filter, clip
from bot.services.kernel.text import clean_text
from bot.store.households_requests import NewRequest, Request

log = logging.getLogger(__name__)

OPEN_PER_ROW = 5


def standing(person: Actor, request: Request, tree: OrgTree) -> Standing:
    me = person.member.id if person.member is not None else None
    return Standing(
        handler=me is not None and request.handler_id == me,
        manages=request.unit_id in managed_units(person, tree),
        agency=request.kind == "agency",
    )


def may_see(person: Actor, request: Request, tree: OrgTree) -> bool:
    """Its handler, who logged it, the household's member, a secretary over its unit."""
    me = person.member.id if person.member is not None else None
    return (me is not None and me in (request.handler_id, request.logged_by, request.household_member_id)) or standing(
        person, request, tree
    ).manages


def may_rate(person: Actor, request: Request, tree: OrgTree) -> bool:
    """Who records the resident's satisfaction: a secretary over it, or its handler or logger; for a 代办 the 回访 is
    not the agent's own (a secretary, or who logged it when that is someone else)."""
    me = person.member.id if person.member is not None else None
    if standing(person, request, tree).manages:
        return True
    if request.kind == "agency":
        return me is not None and me == request.logged_by and me != request.handler_id
    return me is not None and me in (request.handler_id, request.logged_by)


@dataclass(frozen=True)
class Asked:
    """What `/request` was given: the 户主, what is wanted, its source, and for a 代办 the deadline."""

    head: str
    wanted: str
    source: str
    kind: str = "request"
    deadline: date | None = None
    named: bool = False  # the source was written (else 联户走访 is taken)
    agent: str = ""  # a 代办's agent (代办员) as a secretary names them; empty: who logs it


def asked_request(text: str, today: date) -> Asked | Reply:
    """`户主 | 诉求 [| 来源]` or `户主 | 代办 | 事项 | YYYY-MM-DD [| 代办员] [| 来源]`; the source is 联户走访 when not
    given."""
    parts = [clean_text(p, multiline=True) for p in text.replace("｜", "|").split("|")]
    source, named = "visit", False
    if len(parts) >= 3 and source_of(parts[-1]) is not None:
        source, named = source_of(parts.pop()) or source, True
    if len(parts) < 2 or not parts[0] or not "".join(parts[1:]):
        return say("requests.usage")
    if parts[1].lower() in AGENCY_WORDS:
        if len(parts) not in (4, 5) or not parts[2]:
            return say("requests.agency_usage")
        deadline = deadline_of(parts[3], today)
        if isinstance(deadline, str):
            return say(deadline, value=parts[3][:20], example=(today + timedelta(days=7)).isoformat())
        agent = parts[4] if len(parts) == 5 else ""
        return Asked(parts[0], parts[2], source, "agency", deadline, named, agent)
    return Asked(parts[0], " | ".join(p for p in parts[1:] if p), source, named=named)


async def log_request(deps: Deps, call: Call, text: str) -> Result:
    """`/request 户主 | 诉求 [| 来源]`: a request of one of this person's households, numbered, handled by them;
    `/request 户主 | 代办 | 事项 | YYYY-MM-DD [| 代办员] [| 来源]`: a 代办, this person its agent (代办员) or, for a
    secretary, a member of their units they name (told at once)."""
    person, now, store = call.actor, call.now, deps.store
    assert person.member is not None
    asked = asked_request(text, now.astimezone(deps.tz).date())
    if isinstance(asked, Reply):
        return Result.of(asked)
    wanted = asked.wanted
    if len(wanted) > MAX_TEXT:
        return Result.of(say("requests.too_long", limit=MAX_TEXT))
    tree = OrgTree.of(await store.units.all())
    found = await find_named(person, asked.head[:60], store, tree)
    if found.household is None:
        assert found.problem is not None
        return Result.of(found.problem)
    household = found.household
    unit_id = household.unit_id if household.unit_id is not None else person.member.unit_id
    agent = await agent_named(store, person, tree, asked.agent) if asked.agent else person.member
    if isinstance(agent, Reply):
        return Result.of(agent)
    async with store.unit_of_work() as uow:
        number = await uow.requests.add(
            NewRequest(
                household.id,
                None,
                person.member.id,
                agent.id,
                unit_id,
                wanted,
                source=asked.source,
                kind=asked.kind,
                deadline=asked.deadline,
            ),
            now,
        )
        told = agency_told(deps.settings, agent, Telling(number, household.head, wanted, asked.deadline, person))
        queued = await uow.requests.enqueue(told)
    log.info("request=%s household=%s member=%s logged kind=%s", number, household.id, person.member.id, asked.kind)
    source = t(call.lang, f"requests.source.{asked.source}")
    if asked.deadline is not None and agent.id != person.member.id:
        day = dates.day_near(call.lang, asked.deadline, call.now.astimezone(deps.tz).date())
        done = say("requests.agency_assigned", number=number, head=household.head, day=day, name=agent.name)
        return Result.of(done, queued=queued)
    if asked.deadline is not None:
        day = dates.day_near(call.lang, asked.deadline, call.now.astimezone(deps.tz).date())
        return Result.of(say("requests.agency_logged", number=number, head=household.head, day=day))
    if not asked.named:
        return Result.of(say("requests.logged", number=number, head=household.head))
    return Result.of(say("requests.logged_from", number=number, head=household.head, source=source))


def _day(lang: str, moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    return dates.day_near(lang, moment.astimezone(tz).date(), now.astimezone(tz).date())


def state_name(lang: str, state: str) -> str:
    return t(lang, f"requests.state.{state}")


def rating_buttons(request_id: int, lang: str) -> Buttons:
    return [
        [{"text": t(lang, f"requests.rating.{r}"), "data": RequestRate(request_id, r).pack()} for r in SATISFACTION]
    ]


def action_buttons(request: Request, who: Standing, lang: str) -> Buttons:
    keys = [
        {"text": t(lang, f"requests.action.{a}"), "data": RequestAct(request.id, RequestAction(a)).pack()}
        for a in actions_for(request.state, who)
    ]
    return [keys[i : i + 3] for i in range(0, len(keys), 3)]


async def show_request(deps: Deps, call: Call, request_id: int) -> Result:
    """One request: where it stands, its history, and the buttons this person may press now."""
    person, now, store, lang = call.actor, call.now, deps.store, call.lang
    request = await store.requests.get(request_id)
    tree = OrgTree.of(await store.units.all())
    if request is None or not may_see(person, request, tree):
        return Result.of(alert("requests.not_allowed"))
    tz = deps.tz
    household = await store.households.get(request.household_id)
    lines = [
        t(
            lang,
            "requests.view",
            number=request.id,
            state=state_name(lang, request.state),
            days=age_days(request.created_at, now),
            head=request.head,
            place=address(household) if household else "—",
            text=request.text,
            handler=request.handler_name or "—",
        )
    ]
    if request.source:
        lines.append(t(lang, "requests.view_source", source=t(lang, f"requests.source.{request.source}")))
    if request.kind == "agency":
        day = dates.day_near(lang, request.deadline, now.astimezone(tz).date()) if request.deadline else "—"
        lines.append(t(lang, "requests.view_agency", day=day, agent=request.handler_name or "—"))
    if request.advice:
        lines.append(t(lang, "requests.view_advice", advice=request.advice))
    if request.resolution:
        lines.append(t(lang, "requests.view_resolution", resolution=request.resolution))
    if request.satisfaction:
        rated = "requests.view_followup" if request.kind == "agency" else "requests.view_rating"
        lines.append(t(lang, rated, rating=t(lang, f"requests.rating.{request.satisfaction}")))
    lines.append(t(lang, "requests.history"))
    for step in await store.requests.steps(request.id):
        note = t(lang, f"requests.rating.{step.note}") if step.action == "rated" and step.note else step.note
        lines.append(
            t(
                lang,
                "requests.step",
                date=_day(lang, step.at, now, tz),
                name=step.member_name or "—",
                action=t(lang, f"requests.did.{step.action}"),
                note=f"：{note}" if note else "",
            )
        )
    keys = action_buttons(request, standing(person, request, tree), lang)
    if not request.open and not request.satisfaction and may_rate(person, request, tree):
        keys += rating_buttons(request.id, lang)
    return Result.of(shown(pages.shorten("\n".join(lines), pages.MESSAGE_ROOM), keys or None))


def _filters(now: datetime) -> tuple[Filter[Request], ...]:
    return (
        Filter("all", "requests.filter.all"),
        Filter("overdue", "requests.filter.overdue", lambda r: r.created_at + HANDLER_AFTER <= now),
        Filter("passedup", "requests.filter.passedup", lambda r: r.state in ("passed_up", "committee")),
    )


def _line(request: Request, lang: str, now: datetime, cap: int | None) -> str:
    return t(
        lang,
        "requests.line",
        number=request.id,
        days=age_days(request.created_at, now),
        head=clip(request.head, cap),
        text=clip(request.text, cap or 40),
        state=state_name(lang, request.state),
        handler=clip(request.handler_name or "—", cap),
    )


async def requests_page(deps: Deps, call: Call, pressed: ListPage) -> Reply:
    """A page of the open requests this person handles or (a secretary) their units have, the oldest first."""
    person, now, store, lang = call.actor, call.now, deps.store, call.lang
    tree = OrgTree.of(await store.units.all())
    me = person.member.id if person.member is not None else None
    items = await store.requests.open_for(me, managed_units(person, tree))
    if not items:
        return say("requests.none_open")
    filters = _filters(now)
    page = pages.paginate(items, filters, pages.Asked(pressed.filter, pressed.page))
    head = [
        t(lang, "requests.head", count=len(items), overdue=page.counts["overdue"], passedup=page.counts["passedup"]),
        *pages.narrowed(page, lang),
    ]
    foot = pages.footer(page, lang, export=person.is_secretary)

    def render(lines: list[str]) -> str:
        body = lines or [t(lang, "pages.nobody_here")]
        return "\n".join([*head, *body, t(lang, "requests.open_hint"), *(["", *foot] if foot else [])])

    text = pages.fit(render, lambda cap: [_line(r, lang, now, cap) for r in page.entries])
    opens = [
        {"text": html.unescape(t(lang, "requests.open_button", number=r.id)), "data": RequestOpen(r.id).pack()}
        for r in page.entries
    ]
    keys = pages.buttons(
        page,
        lambda f, n: ListPage(pages.PageList.REQUESTS, 0, f, n).pack(),
        lang,
        extra=[opens[i : i + OPEN_PER_ROW] for i in range(0, len(opens), OPEN_PER_ROW)],
    )
    return shown(text, keys)


async def list_requests(deps: Deps, call: Call) -> Result:
    """`/requests`: the first page of the open requests this person handles or their units have."""
    return Result.of(await requests_page(deps, call, ListPage(pages.PageList.REQUESTS, 0, pages.FilterWord.ALL, 1)))
