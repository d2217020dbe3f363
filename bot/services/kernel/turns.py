"""Long loops on the event loop, a chunk at a time (issue 31): a sweep source over 100 000 members, or the
messages it found, must not hold the loop for more than a few milliseconds at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import TypeVar

T = TypeVar("T")

#: Items worked on between two turns of the event loop (a few milliseconds of rules and wording).
TURN = 500


async def in_turns(items: Sequence[T], size: int = TURN) -> AsyncIterator[Sequence[T]]:
    """`items` in slices of `size`, the event loop let go before each slice after the first."""
    for start in range(0, len(items), size):
        if start:
            await asyncio.sleep(0)
        yield items[start : start + size]
