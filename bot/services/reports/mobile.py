"""Going away is noticed (issue 12, item 5). A member who is not mobile and reports 外出务工 or 外出经商 is asked
whether it is for more than a month; on yes, each secretary of their branch gets one message with a button
to register them as a mobile member (流动党员): the secretary chooses the liaison with buttons, and the member
becomes mobile from that day with REPORT_CADENCE_DEFAULT. (Six months later the report chain reminds the
secretaries once to consider 组织关系转接: `bot.services.reports.common.member_candidates`.)"""

from __future__ import annotations

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Buttons, Reply, Result, alert, say
from bot.domain.rights import Actor, OrgTree, can_manage
from bot.i18n import Html, t
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.members.people import unit_label
from bot.services.reports.buttons import MobileLiaison, MobileRegister, StatusLong
from bot.services.reports.common import LEAVING, is_mobile
from bot.services.reports.status import describe
from bot.store import Store
from bot.store.outbox import Outgoing

#: Who may be chosen as the liaison of a new mobile member: these roles in the member's branch.
LIAISON_ROLES = ("liaison", "secretary", "committee", "group_leader")
MAX_CHOICES = 20


def _reader_lang(member: Member, settings: Settings) -> str:
    return member.language if member.language in ("zh", "en") else settings.default_language


async def answer_long(deps: Deps, call: Call, pressed: StatusLong) -> Result:
    """The member's answer. Only their own latest status of going away counts (an older question's buttons
    are expired); on yes each reachable secretary of their branch is sent one message (its key names the
    status, so a second press sends nothing more)."""
    store, settings, status_id, answer = deps.store, deps.settings, pressed.status_id, pressed.answer
    member = call.actor.member
    if member is None:
        return Result.of(alert("mobile.expired"))
    latest = (await store.reports.latest_status([member.id])).get(member.id)
    if latest is None or latest.id != status_id or latest.state not in LEAVING:
        return Result.of(alert("mobile.expired"))
    if answer != "yes" or is_mobile(member):
        return Result.of(say("mobile.short" if answer != "yes" else "mobile.noted"))
    tree = OrgTree.of(await store.units.all())
    messages = []
    for secretary in await store.members.with_role("secretary"):
        if secretary.unit_id != member.unit_id or secretary.id == member.id or not secretary.linked:
            continue
        assert secretary.telegram_id is not None
        lang = _reader_lang(secretary, settings)
        state, where = describe(latest.state, latest.location, lang)
        messages.append(
            Outgoing(
                key=f"mobile:propose:{member.id}:{status_id}:{secretary.id}",
                kind="alert",
                ref=f"mobile:{member.id}",
                member_id=secretary.id,
                chat_id=secretary.telegram_id,
                text=t(
                    lang,
                    "mobile.propose",
                    name=member.name,
                    unit=unit_label(tree, member),
                    state=state,
                    where=where,
                    cadence=t(lang, f"mobile.cadence.{settings.report_cadence_default}"),
                ),
                buttons=[[{"text": t(lang, "mobile.button_register"), "data": MobileRegister(member.id).pack()}]],
            )
        )
    queued = await store.outbox.enqueue(messages)
    return Result.of(say("mobile.told" if messages else "mobile.noted"), queued=queued)


async def _registrable(person: Actor, member_id: int, store: Store) -> Member | Reply:
    """The member a secretary over their branch may register; else the alert to answer with."""
    member = await store.members.get(member_id)
    tree = OrgTree.of(await store.units.all())
    if member is None or not member.active or not person.is_secretary or not can_manage(person, member.unit_id, tree):
        return alert("mobile.not_allowed")
    if is_mobile(member):
        return alert("mobile.already", name=member.name)
    return member


async def _choices(store: Store, member: Member) -> list[Member]:
    """The members of the branch who may keep in touch: liaisons first, then the secretary and committee."""
    found = [
        m
        for m in await store.members.in_units([member.unit_id])
        if m.id != member.id and any(role in m.roles for role in LIAISON_ROLES)
    ]
    found.sort(key=lambda m: (next(i for i, r in enumerate(LIAISON_ROLES) if r in m.roles), m.id))
    return found[:MAX_CHOICES]


async def offer_liaisons(deps: Deps, call: Call, member_id: int) -> Result:
    """注册 pressed: the liaison to choose, a button each (and 暂不指定)."""
    store, lang = deps.store, call.lang
    member = await _registrable(call.actor, member_id, store)
    if isinstance(member, Reply):
        return Result.of(member)
    keys: Buttons = [
        [{"text": m.name[:60], "data": MobileLiaison(member.id, m.id).pack()}] for m in await _choices(store, member)
    ]
    keys.append([{"text": t(lang, "mobile.no_liaison"), "data": MobileLiaison(member.id, 0).pack()}])
    return Result.of(say("mobile.choose_liaison", buttons=keys, name=member.name))


async def register(deps: Deps, call: Call, pressed: MobileLiaison) -> Result:
    """The liaison chosen (0: none for now): the member is registered as mobile from today, with the default
    cadence; they and the liaison are told (outbox, same transaction)."""
    person, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    liaison_id = pressed.liaison_id
    member = await _registrable(person, pressed.member_id, store)
    if isinstance(member, Reply):
        return Result.of(member)
    liaison = None
    if liaison_id:
        liaison = next((m for m in await _choices(store, member) if m.id == liaison_id), None)
        if liaison is None:
            return Result.of(alert("mobile.expired"))
    if liaison is None and member.liaison_id is not None:  # keeps the liaison they already have
        liaison = await store.members.get(member.liaison_id)
    today = now.astimezone(settings.tz).date()
    cadence = settings.report_cadence_default
    messages = []
    if member.linked and member.telegram_id is not None:
        own = _reader_lang(member, settings)
        messages.append(
            Outgoing(
                key=f"mobile:registered:{member.id}:{today.isoformat()}",
                kind="notice",
                ref=f"mobile:{member.id}",
                member_id=member.id,
                chat_id=member.telegram_id,
                text=t(
                    own,
                    "mobile.registered_member",
                    date=dates.day(own, today),
                    cadence=t(own, f"mobile.cadence.{cadence}"),
                    liaison=liaison.name if liaison else t(own, "mobile.nobody"),
                ),
            )
        )
    chooser = person.member.id if person.member is not None else None
    if liaison is not None and liaison.linked and liaison.telegram_id is not None and liaison.id != chooser:
        theirs = _reader_lang(liaison, settings)
        messages.append(
            Outgoing(
                key=f"mobile:liaison:{member.id}:{liaison.id}:{today.isoformat()}",
                kind="notice",
                ref=f"mobile:{member.id}",
                member_id=liaison.id,
                chat_id=liaison.telegram_id,
                text=t(theirs, "mobile.liaison_told", name=member.name, date=dates.day(theirs, today)),
            )
        )
    if not await store.reports.register_mobile(
        member.id, today, cadence, liaison.id if liaison else None, now, messages
    ):
        return Result.of(alert("mobile.already", name=member.name))
    return Result.of(
        say(
            "mobile.registered",
            name=member.name,
            date=dates.day(lang, today),
            cadence=Html(t(lang, f"mobile.cadence.{cadence}")),
            liaison=liaison.name if liaison else t(lang, "mobile.nobody"),
        ),
        queued=len(messages),
    )
