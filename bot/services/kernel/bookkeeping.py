"""The bot's own bookkeeping, for the handlers: which updates were applied (so a redelivered update is not applied
twice), the pointers given in groups to people not on the roster (once a day), and the command menus last
published. Handlers reach the store only through use cases; these are the ones of the gate and the menus."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.store import Store


def handling(store: Store, update_id: int) -> None:
    """This update is being handled: its writes record it as applied in their own transaction."""
    store.updates.handling(update_id)


def recorded(store: Store, update_id: int) -> bool:
    """Whether a write of this update already recorded it as applied."""
    return store.updates.recorded(update_id)


async def mark(store: Store, update_id: int) -> None:
    """Record the update as applied (one that wrote nothing, or was refused)."""
    await store.updates.mark(update_id)


async def point_once(store: Store, chat_id: int, user_id: int, day: date) -> bool:
    """Whether a pointer to the private chat may be given to this person in this group today (and count it)."""
    return await store.updates.point_once(chat_id, user_id, day)


async def unpoint(store: Store, chat_id: int, user_id: int, day: date) -> None:
    """The pointer could not be given (the group was busy): it does not count."""
    await store.updates.unpoint(chat_id, user_id, day)


async def published_menus(store: Store) -> dict[str, str]:
    """The command menus last published, by key, with the digest of their entries."""
    return await store.menus.published()


async def record_menus(store: Store, changes: Mapping[str, str | None]) -> None:
    """Remember the menus just published (None: a menu of one's own removed)."""
    await store.menus.record(changes)
