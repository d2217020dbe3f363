"""The sender gives no slot to a chat that Telegram's per-chat limit is pacing: hundreds of messages queued
to one chat do not hold back the messages to everyone else. Each chat's messages still go in the order
they were queued, a 429 given up on keeps that order, and a row held for a paced chat when the bot stops
goes out once after the restart (a chat's first burst goes at once, as before; from then on its messages go
one at a time, in the order queued). Plus the pure rules: `Lineup`, `SendScheduler.chat_wait`, and `claim`
with `skip` / `per_chat`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

from bot.app import running
from bot.config import Settings
from bot.emulator import BotApiEmulator, EmuUser
from bot.emulator.server import error_response
from bot.runtime.pacing import Lineup
from bot.runtime.scheduler import GROUP_PER_MINUTE, INTERACTIVE, OUTBOX, PRIVATE_BURST, SendScheduler
from bot.store import Store
from bot.store.outbox import Outgoing
from tests.support.faults import until
from tests.support.harness import SMALL_ROSTER, Harness, build_app, load_roster, stop_sweep_job

BUSY_CHAT = 880_000
OTHERS = [881_000 + i for i in range(50)]


# ------------------------------------------------------------------------------------------ Lineup (pure)
@dataclass(frozen=True)
class Row:
    id: int
    chat_id: int


def waits(table: dict[int, float], at_once: int = 1) -> Any:
    """A chat → until-when table as the wait rule: the seconds from `now` until the chat's time; a chat takes
    `at_once` sends on their way, a second more for each beyond."""
    return lambda chat, now, ahead: max(0.0, table.get(chat, 0.0) - now, float(ahead - at_once + 1))


def test_the_oldest_row_whose_chat_may_send_goes_first() -> None:
    lineup: Lineup[Row] = Lineup(waits({7: 5.0}))
    for row in (Row(1, 7), Row(2, 8), Row(3, 9)):
        lineup.add(row, now=0.0)
    assert lineup.ready(0.0) == 2
    assert lineup.next(0.0) == Row(2, 8)  # row 1 is older, but its chat is being paced
    assert lineup.next(0.0) == Row(3, 9)
    assert lineup.next(0.0) is None and lineup.next_at() == 5.0
    assert lineup.next(5.0) == Row(1, 7)  # its chat's time has come


def test_a_chat_s_rows_go_in_order_and_only_as_far_as_its_allowance_goes() -> None:
    lineup: Lineup[Row] = Lineup(waits({}, at_once=2))
    lineup.add(Row(1, 7), now=0.0)
    lineup.add(Row(2, 7), now=0.0)  # claimed together: held behind it
    lineup.add(Row(3, 7), now=0.0)
    with pytest.raises(ValueError):
        lineup.add(Row(0, 7), now=0.0)  # an older row behind a newer one: the order would break
    assert lineup.busy == {7}
    assert lineup.next(0.0) == Row(1, 7)
    assert lineup.next(0.0) == Row(2, 7)  # the allowance covers two at once
    lineup.add(Row(4, 8), now=0.0)
    assert lineup.next(0.0) == Row(4, 8)  # not row 3: two of its chat are on their way already
    assert lineup.next(0.0) is None
    lineup.done(Row(1, 7), now=0.1)
    lineup.done(Row(1, 7), now=0.1)  # told twice: nothing more
    assert lineup.next(0.1) == Row(3, 7)
    assert lineup.next(0.1) is None and lineup.busy == set() and lineup.flying == 3


def test_a_row_tried_again_goes_before_the_row_held_behind_it() -> None:
    lineup: Lineup[Row] = Lineup(waits({}))
    lineup.add(Row(1, 7), now=0.0)
    assert lineup.next(0.0) == Row(1, 7)
    lineup.add(Row(2, 7), now=0.0)
    lineup.retry(Row(1, 7), now=0.5, after=1.0)  # e.g. a 429 the scheduler gave up on
    assert lineup.busy == {7} and len(lineup) == 2 and lineup.flying == 0
    assert lineup.next(1.0) is None
    assert lineup.next(1.5) == Row(1, 7)
    assert lineup.next(1.5) is None  # row 2 waits for row 1's answer (one at once here)
    lineup.done(Row(1, 7), now=1.6)
    assert lineup.next(1.6) == Row(2, 7)


def test_the_wait_is_asked_again_when_the_row_is_handed_out() -> None:
    table: dict[int, float] = {}
    lineup: Lineup[Row] = Lineup(waits(table))
    lineup.add(Row(1, -100), now=0.0)  # a group, free when claimed
    lineup.add(Row(2, 8), now=0.0)
    table[-100] = 60.0  # answers in the group used its minute meanwhile
    assert lineup.next(1.0) == Row(2, 8)
    assert lineup.next(1.0) is None and lineup.next_at() == 60.0
    assert lineup.clear() == [Row(1, -100)] and len(lineup) == 0


# --------------------------------------------------------------------------- SendScheduler.chat_wait
async def test_chat_wait_tells_when_a_paced_chat_may_send_and_changes_nothing() -> None:
    scheduler = SendScheduler(1000)
    now = asyncio.get_running_loop().time()
    assert scheduler.chat_wait(7, now) == 0.0
    assert 7 not in scheduler._state.private  # a question: no allowance kept for a chat never sent to
    for _ in range(PRIVATE_BURST):  # the burst, as the outbox lane takes it
        scheduler.delays(OUTBOX, 7, now)
        scheduler._take(OUTBOX, 7, now)
    assert scheduler.chat_wait(7, now) == pytest.approx(1.0)
    assert scheduler.chat_wait(7, now + 0.4) == pytest.approx(0.6)
    assert scheduler.chat_wait(7, now + 1.0) == 0.0
    assert scheduler.chat_wait(7, now + 1.0, ahead=1) == pytest.approx(1.0)  # one more is on its way
    assert scheduler.chat_wait(8, now, ahead=PRIVATE_BURST - 1) == 0.0  # a fresh chat: its burst
    assert scheduler.chat_wait(8, now, ahead=PRIVATE_BURST) == pytest.approx(1.0)
    assert scheduler.chat_wait(7, now, lane=INTERACTIVE) == 0.0  # answers are not paced per chat
    for i in range(GROUP_PER_MINUTE):
        assert scheduler.delays(INTERACTIVE, -100, now + i * 0.01)[1] == 0.0
        scheduler._take(INTERACTIVE, -100, now + i * 0.01)  # answers count against a group's minute too
    assert scheduler.chat_wait(-100, now + 1.0) > 55
    assert scheduler.chat_wait(-100, now + 61.0) == 0.0
    assert scheduler.chat_wait(-100, now + 60.0, ahead=2) == pytest.approx(0.04)  # three must leave the minute


# ------------------------------------------------------------------------------------ claim (store)
def _to(chat: int, n: int, tag: str = "t") -> Outgoing:
    return Outgoing(key=f"fair:{tag}:{chat}:{n}", kind="test", chat_id=chat, text=f"{tag} {chat} {n:03d}")


async def test_claim_takes_a_few_rows_per_chat_oldest_first_and_skips_busy_chats(store: Store) -> None:
    await store.outbox.enqueue([_to(7, n) for n in range(5)] + [_to(8, 0), _to(9, 0)])
    first = await store.outbox.claim(10, per_chat=2)
    assert [r.text for r in first] == ["t 7 000", "t 7 001", "t 8 000", "t 9 000"]
    assert await store.outbox.claim(10, skip={7}, per_chat=2) == []
    again = await store.outbox.claim(10, per_chat=1)  # chat 7's first are on their way: the next, in order
    assert [r.text for r in again] == ["t 7 002"]
    await store.outbox.note(again[0].id, "429 retry after 1")  # to be tried again: stays with the sender
    row = await store.outbox.by_key("fair:t:7:2")
    assert row is not None and (row.status, row.error) == ("sending", "429 retry after 1")
    rest = await store.outbox.claim(10)  # without the options: as before, oldest first
    assert [r.text for r in rest] == ["t 7 003", "t 7 004"]


# ------------------------------------------------------------------------ through the real Application
def texts(user: EmuUser, tag: str) -> list[str]:
    return [m.text for m in user.received if m.kind == "message" and m.text.startswith(tag + " ")]


def in_order(got: list[str]) -> list[str]:
    """The busy chat's messages: each once, none skipped, and in the order queued once the chat is paced (one
    send at a time). Its first burst goes at once, as before: those requests may reach Telegram in either
    order (the scheduler takes them in order; the connections carry them as they do)."""
    queued = [f"busy {BUSY_CHAT} {n:03d}" for n in range(len(got))]
    assert sorted(got) == queued
    assert got[PRIVATE_BURST:] == queued[PRIVATE_BURST:]
    return got


def people(harness: Harness, *ids: int) -> list[EmuUser]:
    users = []
    for telegram_id in ids:
        user = harness.user(telegram_id)
        user.started = True
        users.append(user)
    return users


@pytest.mark.slow
async def test_messages_to_others_are_not_held_behind_a_chat_being_paced(harness: Harness) -> None:
    harness.emu.chat_limits = True  # the emulator answers 429 to a send over a chat's limit
    busy, *others = people(harness, BUSY_CHAT, *OTHERS)
    await harness.store.outbox.enqueue([_to(BUSY_CHAT, n, "busy") for n in range(200)])
    await harness.store.outbox.enqueue([_to(chat, 0, "other") for chat in OTHERS])  # queued after the 200
    harness.services.poke_sender()
    await until(lambda: all(texts(u, "other") for u in others), within=30)
    # everyone else has theirs while the one chat is still being paced, one a second after its burst
    assert len(texts(busy, "busy")) < 50
    await until(lambda: len(texts(busy, "busy")) >= PRIVATE_BURST + 2)
    in_order(texts(busy, "busy"))
    assert all(len(texts(u, "other")) == 1 for u in others)
    assert harness.emu.stats["429"] == 0


@pytest.mark.slow
async def test_a_429_given_up_on_keeps_the_chat_s_order(harness: Harness) -> None:
    busy, other = people(harness, BUSY_CHAT, OTHERS[0])
    refused: list[str] = []

    def flood(method: str, params: dict[str, Any]) -> web.StreamResponse | None:
        """Telegram refuses a message to the chat, sent once its burst is used (it is paced: one at a time),
        more times than the scheduler retries."""
        if method == "sendmessage" and str(params.get("text", "")).endswith(" 004") and len(refused) < 6:
            refused.append(str(params["text"]))
            return error_response(429, "Too Many Requests: retry after 0", {"retry_after": 0})
        return None

    harness.emu.fault_hook = flood
    await harness.store.outbox.enqueue([_to(BUSY_CHAT, n, "busy") for n in range(7)] + [_to(OTHERS[0], 0, "other")])
    harness.services.poke_sender()
    await until(lambda: len(texts(busy, "busy")) == 7, within=20)
    assert len(refused) == 6  # given up on by the scheduler: the sender tried it again, before the next
    in_order(texts(busy, "busy"))
    assert texts(other, "other") == [f"other {OTHERS[0]} 000"]
    await harness.settle()


@pytest.mark.slow
async def test_a_row_held_for_a_paced_chat_goes_once_after_a_restart(
    emulator: BotApiEmulator,
    store: Store,
    settings: Settings,
) -> None:
    await load_roster(store, SMALL_ROSTER)
    busy = emulator.add_user(BUSY_CHAT, "busy")
    busy.started = True
    await store.outbox.enqueue([_to(BUSY_CHAT, n, "busy") for n in range(8)])
    first = build_app(settings, store, emulator)
    async with running(first, poll_timeout=1):
        stop_sweep_job(first)
        await until(lambda: len(texts(busy, "busy")) >= PRIVATE_BURST + 1)  # paced now: its next row waits
    before = len(texts(busy, "busy"))
    assert before < 8
    second = build_app(settings, store, emulator)
    async with running(second, poll_timeout=1):
        stop_sweep_job(second)
        await until(lambda: len(texts(busy, "busy")) >= 8, within=20)
        await until(lambda: _settled(store))
    # each once (the new process starts the chat with a fresh burst: those may swap, as in the first burst)
    assert sorted(texts(busy, "busy")) == [f"busy {BUSY_CHAT} {n:03d}" for n in range(8)]


async def _settled(store: Store) -> bool:
    return await store.outbox.pending_count() == 0
