"""The check that nothing more was sent (tests/support/silence.py) can fail: it waits for the update being handled
and for the outbox being drained, so a reply or a queued message that comes late is caught, not missed."""

from __future__ import annotations

import pytest

from bot.store.outbox import Outgoing
from tests.support.harness import PLAIN, SECRETARY, Harness


async def test_it_fails_when_the_reply_to_an_update_comes(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/help")  # not yet handled: the check must wait for it, then see the reply
    with pytest.raises(AssertionError, match="expected nothing more"):
        await harness.nothing_more(member)


async def test_it_fails_when_the_outbox_sends_a_message(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/start")
    await member.next_message()
    await harness.store.outbox.enqueue([Outgoing(key="silence:1", kind="test", chat_id=PLAIN, text="还有一条")])
    harness.services.poke_sender()
    with pytest.raises(AssertionError, match="还有一条"):
        await harness.nothing_more(member)


async def test_it_passes_once_the_replies_were_read_and_only_for_the_chats_named(harness: Harness) -> None:
    member, other = harness.user(PLAIN), harness.user(SECRETARY)
    await member.send("/help")
    await other.send("/help")
    await member.expect("/lang")
    await harness.nothing_more(member)
    with pytest.raises(AssertionError, match="expected nothing more"):
        await harness.nothing_more(other)  # its reply is still unread
