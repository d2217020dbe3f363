"""The Telegram command menu (`set_my_commands`): every member's commands by default in private chats,
and a menu of their own for those with more (secretaries, liaisons, duty-post holders)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from bot.config import Settings
from bot.i18n import LANGUAGES, t
from bot.services.kernel.commands import Command, menu, own_menu
from bot.services.members.people import Member, linked_members
from bot.store import Store

log = logging.getLogger(__name__)


def _entries(lang: str, commands: Iterable[Command]) -> list[BotCommand]:
    return [BotCommand(c.name, t(lang, f"cmd.{c.name}")[:256]) for c in commands]


async def publish_for(bot: Bot, member: Member, settings: Settings) -> None:
    """A member's own menu, when their rights give them more than the default one."""
    mine = own_menu(member, settings.admin_ids)
    if mine is None or member.telegram_id is None:
        return
    try:
        await bot.set_my_commands(
            _entries(member.language or settings.default_language, mine), scope=BotCommandScopeChat(member.telegram_id)
        )
    except TelegramError as exc:  # e.g. they blocked the bot since
        log.warning("member=%s menu not published: %s", member.id, exc)


async def publish_all(bot: Bot, store: Store, settings: Settings) -> None:
    try:
        for lang in LANGUAGES:
            code = None if lang == settings.default_language else lang
            await bot.set_my_commands(
                _entries(lang, menu(False)), scope=BotCommandScopeAllPrivateChats(), language_code=code
            )
    except TelegramError as exc:
        log.warning("default menu not published: %s", exc)
    async for member in linked_members(store):
        await publish_for(bot, member, settings)
