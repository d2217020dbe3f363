"""What the use cases of the branch's year share: the branch a person acts in, its members, a member found
by name in it, the one-line form."""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.domain.models import Member
from bot.domain.rights import Actor
from bot.services.kernel.text import clean_text
from bot.store import Store

#: Longest free text kept (a topic, a note, a 自评, a material, a pledge).
MAX_TEXT = 500


def split(text: str) -> list[str]:
    """The one-line form `a | b | c` (a full-width ｜ too), each part cleaned of invisible characters."""
    return [clean_text(p) for p in text.replace("｜", "|").split("|")]


def today(now: datetime, settings: Settings) -> datetime:
    return now.astimezone(settings.tz)


def branch_of(person: Actor) -> int | None:
    """The unit a person acts in: their own (an admin off the roster has none)."""
    return person.member.unit_id if person.member is not None else None


async def branch_members(store: Store, unit_id: int) -> list[Member]:
    """The active members whose unit is this one."""
    return [m for m in await store.members.in_units([unit_id]) if m.unit_id == unit_id]


def named(members: list[Member], name: str) -> list[Member]:
    return [m for m in members if m.name == name.strip()]


def lang_of(member: Member, settings: Settings) -> str:
    return member.language or settings.default_language


def reachable(member: Member) -> bool:
    return member.linked and not member.unreachable and member.telegram_id is not None
