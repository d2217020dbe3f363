"""异议: anyone who opens the item's link (`start=oj_<id>`) in the private chat — a member, or a resident not on
the roster — is asked for their objection, and their next message is it. It is kept privately with who raised it
(their name as the roster or Telegram has it, and their Telegram id, so the answer can reach them), and the
secretaries of the item's unit are told in their private chats with how to answer (`/publicity 答复`). Nothing of
it goes to a group. The bot waits WAIT_HOURS for the text; any command ends the wait. No Telegram here."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.domain.call import Call
from bot.domain.results import Reply, Result, say
from bot.domain.rights import OrgTree
from bot.i18n import t
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.openness.rules import MAX_OBJECTION, WAIT_HOURS
from bot.store.openness import Item
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)


def _read_only(call: Call) -> Result | None:
    """A reader from above (上级党委) reads and never writes: not an objection either."""
    if not call.actor.read_only:
        return None
    return Result.of(say("common.read_only", what=f"「{t(call.lang, 'openness.object_button')}」"))


def _open(item: Item | None, deps: Deps, call: Call) -> bool:
    """Posted, and its 公示期 not over (its last day counted)."""
    today = call.now.astimezone(deps.tz).date()
    return item is not None and item.posted_at is not None and today <= item.ends_on


async def begin(deps: Deps, call: Call, payload: str) -> Result:
    """The link under a posted item was opened: ask for the objection."""
    if (refused := _read_only(call)) is not None:
        return refused
    number = payload.strip()
    valid = number.isascii() and number.isdigit() and len(number) < 12
    item = await deps.store.openness.item(int(number)) if valid else None
    if item is None or item.posted_at is None:
        return Result.of(say("openness.object_gone"))
    if not _open(item, deps, call):
        return Result.of(say("openness.object_closed", title=item.title, end=dates.day(call.lang, item.ends_on)))
    await deps.store.openness.wait_for(call.actor.telegram_id, item.id, call.now)
    return Result.of(say("openness.object_ask", title=item.title, limit=MAX_OBJECTION))


async def waiting(deps: Deps, telegram_id: int) -> bool:
    return await deps.store.openness.waiting(telegram_id) is not None


async def stop(deps: Deps, telegram_id: int) -> None:
    await deps.store.openness.stop_waiting(telegram_id)


async def take(deps: Deps, call: Call, text: str, name: str) -> Result | None:
    """The person's message, when the bot is waiting for their objection; None when it is not."""
    store, person = deps.store, call.actor
    found = await store.openness.waiting(person.telegram_id)
    if found is None:
        return None
    item_id, since = found
    if (refused := _read_only(call)) is not None:
        await store.openness.stop_waiting(person.telegram_id)
        return refused
    item = await store.openness.item(item_id)
    if call.now - since > timedelta(hours=WAIT_HOURS) or not _open(item, deps, call):
        await store.openness.stop_waiting(person.telegram_id)
        return None
    assert item is not None
    words = clean_text(text, multiline=True)
    if not words:
        return Result.of(say("openness.object_ask", title=item.title, limit=MAX_OBJECTION))
    if len(words) > MAX_OBJECTION:
        return Result.of(say("openness.object_too_long", limit=MAX_OBJECTION))
    who = person.member.name if person.member is not None else (clean_text(name)[:40] or str(person.telegram_id))
    member_id = person.member.id if person.member is not None else None
    ids, saved = await _answerers(deps, item, member_id)
    people = await store.members.by_ids(sorted(ids))
    recipients = [
        to
        for sid in sorted(ids)
        if (to := people.get(sid)) is not None and to.active and to.telegram_id not in (None, person.telegram_id)
    ]
    if not recipients and saved.key == "openness.object_saved_above":
        saved = say("openness.object_saved_nobody")

    def messages(number: int) -> list[Outgoing]:
        out = []
        for to in recipients:
            assert to.telegram_id is not None
            lang = to.language or deps.settings.default_language
            out.append(
                Outgoing(
                    key=f"publicity:objection:{number}:{to.id}",
                    kind="alert",
                    chat_id=to.telegram_id,
                    member_id=to.id,
                    ref=f"publicity:{item.id}",
                    text=t(
                        lang, "openness.objection_to_secretary", title=item.title, name=who, text=words, number=number
                    ),
                )
            )
        return out

    number, queued = await store.openness.object(
        item.id, (person.telegram_id, member_id, who), words, call.now, messages
    )
    log.info("objection=%s on publicity item=%s", number, item.id)
    return Result.of(Reply(saved.key, {**saved.params, "title": item.title, "number": number}), queued=queued)


async def _answerers(deps: Deps, item: Item, member_id: int | None) -> tuple[set[int], Reply]:
    """Who is told of an objection (member ids) and the reply's key: the item's unit's secretaries and its poster,
    or — when the objection is one of theirs, who may not answer it themselves — the secretaries of the unit above."""
    store = deps.store
    ids = {sid for sid, _ in await store.reports.secretaries([item.unit_id])} | (
        {item.posted_by} if item.posted_by else set()
    )
    if member_id is None or member_id not in ids:
        return ids, say("openness.object_saved")
    tree = OrgTree.of(await store.units.all())
    unit = tree.units.get(item.unit_id)
    above = tree.units.get(unit.parent_id) if unit is not None and unit.parent_id is not None else None
    if above is None:
        return set(), say("openness.object_saved_nobody")
    found = {sid for sid, _ in await store.reports.secretaries([above.id])} - {member_id}
    return found, say("openness.object_saved_above", unit=above.name)
