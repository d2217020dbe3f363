"""Two plain sources of `bot.services.registry.REMINDER_SOURCES` for members who move (issue 27):

* the 流动党员活动证: from CARD_NOTICE_DAYS before its last day, once to the secretaries of the member's branch and
  to their liaison (`transfers:card:soon:<member>:<until>:<recipient>`), and once more when it has run out
  (`…:expired:…`); a new 有效期 from the roster starts again;
* 人户分离 登记联系: a member living apart from their 户籍 (category `separated`) not heard from for
  SEPARATED_CONTACT_DAYS (a quarter: a contact logged with /contact, a thought report or a status) — their liaison
  is reminded once per spell (`transfers:separated:<liaison>:<member>:<last day heard from>:<spell>`);
* 在职党员 到社区报到: from SERVE_REMIND_FROM each year, an 在职党员 whose relation is with their employer's Party
  organisation and who has not reported to the community this year is reminded once
  (`transfers:serve:<year>:<member>`).

Each key is unique, so a reminder goes once, never a backlog after downtime. The messages hold names, the card's
number and dates only (never a 身份证号)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.i18n import t
from bot.services.kernel import dates
from bot.services.kernel.reminders import Due
from bot.services.transfers import rules
from bot.store import Store
from bot.store.outbox import Outgoing
from bot.store.reports import Person

#: 人户分离: the liaison keeps in touch at least once a quarter.
SEPARATED_CONTACT_DAYS = 90
#: The yearly 报到 reminder goes from this day (month, day) on: 报到 is done early in the year.
SERVE_REMIND_FROM = (3, 1)


def _message(person: Person, key: str, settings: Settings, words: tuple[str, dict[str, object]]) -> Outgoing | None:
    """The reminder to `person` under `key`: `words` is the catalogue key and its values."""
    if not person.reachable or person.telegram_id is None:
        return None
    lang = person.language or settings.default_language
    text_key, values = words
    return Outgoing(
        key=key,
        kind="reminder",
        ref=key.rsplit(":", 1)[0],
        member_id=person.id,
        chat_id=person.telegram_id,
        text=t(lang, text_key, **values),
    )


async def card_reminders(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    cards = [(c, s) for c in await store.moving.cards() if (s := rules.card_stage(c.until, today)) is not None]
    if not cards:
        return []
    tree = OrgTree.of(await store.units.all())
    keepers: dict[int, list[int]] = {}
    for member_id, unit_id in await store.reports.secretaries(sorted({c.unit_id for c, _ in cards})):
        keepers.setdefault(unit_id, []).append(member_id)
    members = await store.members.by_ids([c.member_id for c, _ in cards])
    liaisons = {c.member_id: members[c.member_id].liaison_id for c, _ in cards if c.member_id in members}
    wanted = {i for ids in keepers.values() for i in ids} | {i for i in liaisons.values() if i is not None}
    reach = await store.reports.people_index(sorted(wanted))
    due: list[Due] = []
    for card, stage in cards:
        recipients = [*keepers.get(card.unit_id, []), liaisons.get(card.member_id)]
        for recipient in dict.fromkeys(r for r in recipients if r is not None and r != card.member_id):
            person = reach.get(recipient)
            key = f"transfers:card:{stage}:{card.member_id}:{card.until.isoformat()}:{recipient}"
            lang = (person.language if person is not None else None) or settings.default_language
            values: dict[str, object] = {
                "name": card.name,
                "unit": tree.name(card.unit_id),
                "number": card.number or "—",
                "day": dates.day_near(lang, card.until, today),
            }
            words = (f"transfers.remind.card_{stage}", values)
            message = None if person is None else _message(person, key, settings, words)
            if message is not None:
                due.append(Due(message))
    return due


async def serve_reminders(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    if (today.month, today.day) < SERVE_REMIND_FROM:
        return []
    members = await store.moving.serving()
    if not members:
        return []
    first, last = date(today.year, 1, 1), date(today.year, 12, 31)
    service = await store.moving.service([i for i, _, _ in members], first, last)
    reported = {s.member_id for s in service if s.kind == "report"}
    reach = await store.reports.people_index(sorted(i for i, _, _ in members if i not in reported))
    tree = OrgTree.of(await store.units.all())
    due: list[Due] = []
    for member_id, name, unit_id in members:
        person = reach.get(member_id)
        if member_id in reported or person is None:
            continue
        key = f"transfers:serve:{today.year}:{member_id}"
        message = _message(
            person, key, settings, ("transfers.remind.serve", {"name": name, "unit": tree.name(unit_id)})
        )
        if message is not None:
            due.append(Due(message))
    return due


async def separated_reminders(store: Store, settings: Settings, now: datetime) -> list[Due]:
    members = await store.moving.separated()
    if not members:
        return []
    reach = await store.reports.people_index(sorted({liaison for _, _, _, liaison, _ in members}))
    tz = settings.tz
    due: list[Due] = []
    for member_id, name, _, liaison_id, seen in members:
        last = datetime.fromisoformat(seen)
        days = (now - last) // timedelta(days=1)
        person = reach.get(liaison_id)
        if days < SEPARATED_CONTACT_DAYS or person is None or liaison_id == member_id:
            continue
        spell = days // SEPARATED_CONTACT_DAYS
        heard = last.astimezone(tz).date()
        key = f"transfers:separated:{liaison_id}:{member_id}:{heard.isoformat()}:{spell}"
        said = dates.day_near(person.language or settings.default_language, heard, now.astimezone(tz).date())
        message = _message(
            person, key, settings, ("transfers.remind.separated", {"name": name, "days": days, "day": said})
        )
        if message is not None:
            due.append(Due(message))
    return due
