"""Shared by the household and request tests: the small roster's households, loaded into a store."""

from __future__ import annotations

from pathlib import Path

from bot.services.households.importing import apply_households, parse_households
from bot.store import Store

HOUSEHOLDS = Path(__file__).parents[1] / "data" / "households.csv"


async def load_households(store: Store, path: Path = HOUSEHOLDS) -> None:
    rows, errors = parse_households(path.read_text(encoding="utf-8"))
    assert not errors, errors
    _, problems = await apply_households(store, rows)
    assert not problems, problems


async def household_id(store: Store, head: str) -> int:
    found = await store.households.headed(head)
    assert len(found) == 1
    return found[0].id


async def link(store: Store, *telegram_ids: int) -> None:
    """As if these members had opened the bot (reminders go only to linked members)."""
    for telegram_id in telegram_ids:
        member = await store.members.by_telegram_id(telegram_id)
        assert member is not None
        await store.members.link(member.id, telegram_id)
