"""The reminders of the branch's year, plain sources of `bot.services.registry.REMINDER_SOURCES`, each under a
unique key so that it goes once, also across restarts, and each producing only the stage whose window holds now:

* `talk_nudges`: from October, once a month (`talks:missing:<secretary>:<YYYY-MM>`), each secretary whose branch
  still has required 谈心谈话 pairs missing gets their count, in the daily digest;
* `rectify_items`: an open 整改 item reminds its responsible member SOON_DAYS before the deadline, on it, then
  each week until closed (`rectify:<stage>:<item>:<deadline>`); read through the index of open items;
* `material_reminders`: in the SOON_DAYS before the 对照检查材料 deadline, each member who has not handed theirs
  in, once (`rectify:material:<unit>:<year>:<deadline>:<member>`);
* `correction_followups`: on a 限期改正 date, the secretaries of the member's branch, in the daily digest
  (`appraisal:correct:<member>:<date>:<secretary>`);
* `pledge_asks`: in January, each linked member without a pledge for the year (`pledge:ask:<member>:<year>`);
* `progress_asks`: in June and December, each linked member with a pledge not yet judged and no 践诺 since the
  half year began (`pledge:progress:<member>:<year>-H<1|2>`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.config import Settings
from bot.domain.models import Member
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.appraisal.common import branch_members, lang_of, reachable
from bot.services.appraisal.rules import (
    SOON_DAYS,
    half_of,
    item_stage,
    material_due,
    nudge_due,
    pledge_ask_due,
    progress_ask_due,
)
from bot.services.appraisal.talks import year_view
from bot.services.kernel import dates, digest
from bot.services.kernel.reminders import Due
from bot.services.kernel.turns import in_turns
from bot.store import Store
from bot.store.digest import DigestEntry
from bot.store.outbox import Outgoing

#: Daily-digest groups (`bot.services.kernel.digest`): escalations for a secretary wait for the digest.
TALKS_DIGEST = "appraisal.digest_talks"
CORRECT_DIGEST = "appraisal.digest_correct"
#: Missing pairs named in a nudge (the rest are counted; /talks lists them all).
NUDGE_PAIRS = 10


def _to(member: Member, key: str, text: str, entry: DigestEntry | None = None) -> Due:
    """A reminder to `member` under `key`; its reference is the key without the recipient."""
    assert member.telegram_id is not None
    ref = key.rsplit(":", 1)[0]
    message = Outgoing(key=key, kind="reminder", ref=ref, member_id=member.id, chat_id=member.telegram_id, text=text)
    return Due(message, digest=entry)


async def talk_nudges(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    if not nudge_due(today):
        return []
    month = f"{today.year}-{today.month:02d}"
    secretaries = await store.reports.secretaries()
    keys = {sid: f"talks:missing:{sid}:{month}" for sid, _ in secretaries}
    sent = await store.outbox.existing_keys(keys.values())
    wanted = [(sid, unit) for sid, unit in secretaries if keys[sid] not in sent]
    if not wanted:
        return []
    people = await store.members.by_ids([sid for sid, _ in wanted])
    tree = OrgTree.of(await store.units.all())
    due = []
    for sid, unit in wanted:
        person = people.get(sid)
        if person is None or not reachable(person):
            continue
        members, done, missing, _ = await year_view(store, unit, today.year)
        if not missing:
            continue
        names = {m.id: m.name for m in members}
        lang = lang_of(person, settings)
        pairs = sorted(tuple(names.get(i, "?") for i in sorted(p)) for p in missing)
        lines = [t(lang, "appraisal.nudge", year=today.year, missing=len(missing), done=len(done))]
        lines += [t(lang, "appraisal.talks_pair", a=a, b=b) for a, b in pairs[:NUDGE_PAIRS]]
        if len(pairs) > NUDGE_PAIRS:
            lines.append(t(lang, "appraisal.more", count=len(pairs) - NUDGE_PAIRS))
        lines.append(t(lang, "appraisal.nudge_foot"))
        entry = digest.entry(TALKS_DIGEST, tree.name(unit), missing=len(missing), done=len(done))
        due.append(_to(person, keys[sid], Html("\n".join(lines)), entry))
    return due


async def rectify_items(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    items = await store.appraisal.open_items_until(today + timedelta(days=SOON_DAYS))
    if not items:
        return []
    people = await store.members.by_ids(sorted({i.responsible_id for i in items}))
    due = []
    for item in items:
        stage = item_stage(item.deadline, today)
        person = people.get(item.responsible_id)
        if stage is None or person is None or not person.active or not reachable(person):
            continue
        lang = lang_of(person, settings)
        key = "appraisal.rectify_reminder_late" if item.deadline < today else "appraisal.rectify_reminder"
        day = dates.day_near(lang, item.deadline, today)
        text = t(lang, key, number=item.id, item=item.item, measure=item.measure, day=day)
        due.append(_to(person, f"rectify:{stage}:{item.id}:{item.deadline.isoformat()}", text))
    return due


async def material_reminders(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    rounds = await store.appraisal.rounds_between(today, today + timedelta(days=SOON_DAYS))
    due = []
    for found in rounds:
        if not material_due(found.deadline, today):
            continue
        handed = await store.appraisal.materials(found.unit_id, found.year)
        for member in await branch_members(store, found.unit_id):
            if member.id in handed or not reachable(member):
                continue
            key = f"rectify:material:{found.unit_id}:{found.year}:{found.deadline.isoformat()}:{member.id}"
            theirs = lang_of(member, settings)
            text = t(theirs, "appraisal.material_reminder", day=dates.day(theirs, found.deadline))
            due.append(_to(member, key, text))
    return due


async def correction_followups(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    corrections = await store.appraisal.corrections_due(today)
    if not corrections:
        return []
    secretaries = await store.reports.secretaries(sorted({u for _, u, _ in corrections}))
    people = await store.members.by_ids(sorted({s for s, _ in secretaries} | {m for m, _, _ in corrections}))
    due = []
    for member_id, unit, day in corrections:
        member = people.get(member_id)
        for sid, sunit in secretaries:
            person = people.get(sid)
            if sunit != unit or person is None or not reachable(person) or member is None:
                continue
            theirs = lang_of(person, settings)
            text = t(theirs, "appraisal.correct_due", name=member.name, day=dates.day(theirs, day))
            entry = digest.entry(CORRECT_DIGEST, member.name, day=dates.day(theirs, day))
            key = f"appraisal:correct:{member_id}:{day.isoformat()}:{sid}"
            due.append(_to(person, key, text, entry))
    return due


async def pledge_asks(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    if not pledge_ask_due(today):
        return []
    members = await store.members.reachable_chats()  # plain tuples: January asks every member
    pledged = await store.appraisal.pledged(today.year)
    asked: dict[str, str] = {}  # the ask in each language: the same words for everyone
    due: list[Due] = []
    async for part in in_turns(members):  # 100 000 members: a chunk between two turns of the loop
        keys = {i: f"pledge:ask:{i}:{today.year}" for i, _, _ in part if i not in pledged}
        sent = await store.outbox.existing_keys(keys.values())
        for member_id, chat_id, language in part:
            key = keys.get(member_id)
            if key is None or key in sent:
                continue
            lang = language or settings.default_language
            if lang not in asked:
                asked[lang] = t(lang, "appraisal.pledge_ask", year=today.year)
            ref, text = f"pledge:ask:{member_id}", asked[lang]  # the key without the year, as `_to` makes it
            message = Outgoing(key=key, kind="reminder", ref=ref, member_id=member_id, chat_id=chat_id, text=text)
            due.append(Due(message))
    return due


async def progress_asks(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    if not progress_ask_due(today):
        return []
    half = half_of(today)
    begun = datetime.combine(date(today.year, 1 if half == 1 else 7, 1), datetime.min.time(), tzinfo=settings.tz)
    last = await store.appraisal.last_progress(today.year)
    wanted = {i for i, at in last.items() if at is None or at < begun}
    if not wanted:
        return []
    keys = {i: f"pledge:progress:{i}:{today.year}-H{half}" for i in wanted}
    sent = await store.outbox.existing_keys(keys.values())
    people = await store.members.by_ids(sorted(i for i in wanted if keys[i] not in sent))
    return [
        _to(m, keys[m.id], t(lang_of(m, settings), f"appraisal.progress_ask_h{half}", year=today.year))
        for m in people.values()
        if m.active and reachable(m) and m.telegram_id is not None
    ]
