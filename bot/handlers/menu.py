"""The Telegram command menu (`set_my_commands`): every member's commands by default in private chats,
and a menu of their own for those with more (secretaries, liaisons, duty-post holders, reviewers). Rights
change while the bot runs (a reviewer named, a post given): the gate asks `stale` for each person who writes,
and publishes their menu again (`publish_for`) when it no longer matches what was published for them."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.config import Settings
from bot.i18n import LANGUAGES, t
from bot.runtime.scheduler import MENU_LANE
from bot.services.kernel import bookkeeping
from bot.services.kernel.commands import Command, menu, own_menu
from bot.services.members.people import Member, linked_members
from bot.store import Store

log = logging.getLogger(__name__)
#: `Services.state` key: member id → the commands of the menu published for them since the start.
MENUS = "menus_published"


def _entries(lang: str, commands: Iterable[Command]) -> list[BotCommand]:
    return [BotCommand(c.name, t(lang, f"cmd.{c.name}")[:256]) for c in commands]


def _names(member: Member, settings: Settings) -> tuple[str, ...]:
    """What a member's own menu holds (empty: the default menu is theirs)."""
    mine = own_menu(member, settings.admin_ids)
    return tuple(c.name for c in mine) if mine else ()


async def publish_for(
    bot: Bot, member: Member, settings: Settings, published: dict[int, tuple[str, ...]] | None = None
) -> None:
    """A member's own menu, when their rights give them more than the default one; with `published` (what
    was published for each member since the start), the default one again when they no longer have more.
    Remembered in `published`, so the gate calls Telegram only when the rights changed (`stale`)."""
    mine = own_menu(member, settings.admin_ids)
    if member.telegram_id is None or (mine is None and published is None):
        return
    if published is not None:
        published[member.id] = _names(member, settings)
    scope = BotCommandScopeChat(member.telegram_id)
    try:
        if mine is None:
            await bot.delete_my_commands(scope=scope)
        else:
            await bot.set_my_commands(_entries(member.language or settings.default_language, mine), scope=scope)
    except TelegramError as exc:  # e.g. they blocked the bot since
        log.warning("member=%s menu not published: %s", member.id, exc)


async def linked_now(bot: Bot, member: Member, settings: Settings, published: dict[int, tuple[str, ...]]) -> None:
    """A member just linked: their own menu if they have one (the default one is theirs already)."""
    if own_menu(member, settings.admin_ids) is None:
        published[member.id] = ()
        return
    await publish_for(bot, member, settings, published)


def stale(member: Member, settings: Settings, published: dict[int, tuple[str, ...]]) -> bool:
    """Whether a member's menu no longer matches their rights (named a reviewer, given a post, no longer a
    secretary…): what was published for them since the start differs. Asked for everyone who writes, so cheap."""
    return member.linked and published.get(member.id) != _names(member, settings)


#: Menus recorded per write.
_RECORD_BATCH = 200


def _digest(entries: list[BotCommand]) -> str:
    """What a menu holds, as the `menus` table remembers it."""
    text = json.dumps([(c.command, c.description) for c in entries], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


async def publish_all(bot: ExtBot[Any], store: Store, settings: Settings, published: dict[int, tuple[str, ...]]) -> int:
    """At start-up, in the background (polling has started): the default menus and each person's own, only
    those that changed since they were last published (`store.menus`), through the scheduler's menu lane (it
    gives way to every message). A person who no longer has a menu of their own gets the default one back.
    Returns how many calls were made."""
    done = await bookkeeping.published_menus(store)
    changes: dict[str, str | None] = {}  # recorded a batch at a time: one write, not one per menu
    calls = 0
    for lang in LANGUAGES:
        code = None if lang == settings.default_language else lang
        entries, key = _entries(lang, menu(False)), f"default:{lang}:{code or ''}"
        if done.get(key) == _digest(entries):
            continue
        try:
            await bot.set_my_commands(
                entries, scope=BotCommandScopeAllPrivateChats(), language_code=code, rate_limit_args=MENU_LANE
            )
        except TelegramError as exc:
            log.warning("default menu not published: %s", exc)
            continue
        calls += 1
        changes[key] = _digest(entries)
    async for member in linked_members(store):
        calls += await _publish_own(bot, member, settings, (done, published, changes))
        if len(changes) >= _RECORD_BATCH:
            await bookkeeping.record_menus(store, changes)
            changes.clear()
    await bookkeeping.record_menus(store, changes)
    return calls


async def _publish_own(
    bot: ExtBot[Any],
    member: Member,
    settings: Settings,
    known: tuple[dict[str, str], dict[int, tuple[str, ...]], dict[str, str | None]],
) -> int:
    """One person's own menu at start-up, when it changed (`known`: the digests published, the names published
    in this process, the changes to record); the default one back when they no longer have one of their own."""
    done, published, changes = known
    mine = own_menu(member, settings.admin_ids)
    assert member.telegram_id is not None
    key, scope = f"chat:{member.telegram_id}", BotCommandScopeChat(member.telegram_id)
    try:
        if mine is None:  # the default menu: looked at again when they write (`stale`)
            if key not in done:  # it is theirs already: nothing to call when they write
                published[member.id] = ()
                return 0
            await bot.delete_my_commands(scope=scope, rate_limit_args=MENU_LANE)
            changes[key] = None
            published[member.id] = ()
            return 1
        published[member.id] = _names(member, settings)
        entries = _entries(member.language or settings.default_language, mine)
        if done.get(key) == _digest(entries):
            return 0
        await bot.set_my_commands(entries, scope=scope, rate_limit_args=MENU_LANE)
    except TelegramError as exc:  # e.g. they blocked the bot since
        log.warning("member=%s menu not published: %s", member.id, exc)
        return 0
    changes[key] = _digest(entries)
    return 1
