"""The send scheduler, driven directly with recording callbacks: interactive answers go before waiting outbox
sends, no sliding second holds more than the rate, groups keep 20 a minute, a 429 pauses only its lane."""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.runtime import scheduler as scheduler_module
from bot.runtime.scheduler import GROUP_PER_MINUTE, INTERACTIVE, OUTBOX, GroupBusy, SendScheduler, counted
from tests.support.faults import until


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[float, str]] = []
        self.fail: dict[str, int] = {}  # label → 429s still to answer

    def call(self, label: str) -> Any:
        async def send() -> dict[str, Any]:
            if self.fail.get(label):
                self.fail[label] -= 1
                raise RetryAfter(timedelta(seconds=1))
            self.sent.append((asyncio.get_running_loop().time(), label))
            return {"ok": True}

        return send


async def _send(
    scheduler: SendScheduler, recorder: Recorder, label: str, lane: str, chat: int, endpoint: str = "sendMessage"
) -> None:
    await scheduler.process_request(
        recorder.call(label), (), {}, endpoint, {"chat_id": chat}, OUTBOX if lane == OUTBOX else None
    )


def test_only_methods_that_put_messages_in_chats_are_counted() -> None:
    assert counted("sendMessage") and counted("editMessageText") and counted("sendDocument")
    assert not counted("getUpdates") and not counted("answerCallbackQuery") and not counted("getChatMember")


@pytest.mark.slow
async def test_no_sliding_second_holds_more_sends_than_the_rate() -> None:
    scheduler, recorder = SendScheduler(10), Recorder()
    jobs = [_send(scheduler, recorder, f"o{i}", OUTBOX, 1000 + i) for i in range(25)]
    jobs += [_send(scheduler, recorder, f"i{i}", INTERACTIVE, 5000 + i) for i in range(10)]
    await asyncio.gather(*jobs)
    times = sorted(t for t, _ in recorder.sent)
    assert len(times) == 35
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t < start + 1.0) <= 10


@pytest.mark.slow
async def test_an_answer_goes_before_the_next_outbox_send_while_the_outbox_is_full() -> None:
    scheduler, recorder = SendScheduler(10), Recorder()
    broadcast = [asyncio.create_task(_send(scheduler, recorder, f"o{i}", OUTBOX, 1000 + i)) for i in range(30)]
    await until(lambda: len(recorder.sent) >= 12)  # the broadcast is under way, its next sends waiting
    asked = asyncio.get_running_loop().time()
    await _send(scheduler, recorder, "answer", INTERACTIVE, 42)
    answered = asyncio.get_running_loop().time()
    assert answered - asked < 0.25  # one outbox spacing (0.1 s) at most, plus scheduling
    await asyncio.gather(*broadcast)
    labels = [label for _, label in recorder.sent]
    assert 12 <= labels.index("answer") <= 14  # before the broadcast's next sends, which were waiting
    assert len(labels) == 31


@pytest.mark.slow
async def test_outbox_sends_to_one_private_chat_are_spaced_but_answers_are_not() -> None:
    scheduler, recorder = SendScheduler(100), Recorder()
    await asyncio.gather(*[_send(scheduler, recorder, f"o{i}", OUTBOX, 7) for i in range(5)])
    times = [t for t, _ in recorder.sent]
    assert times[4] - times[0] >= 1.9  # a burst of 3, then one a second
    recorder.sent.clear()
    await asyncio.gather(*[_send(scheduler, recorder, f"i{i}", INTERACTIVE, 8) for i in range(5)])
    times = [t for t, _ in recorder.sent]
    assert times[-1] - times[0] < 0.5


async def test_a_group_gets_at_most_twenty_a_minute() -> None:
    scheduler, recorder = SendScheduler(100), Recorder()
    jobs = [asyncio.create_task(_send(scheduler, recorder, f"g{i}", OUTBOX, -100)) for i in range(GROUP_PER_MINUTE + 1)]
    await until(lambda: len(recorder.sent) >= GROUP_PER_MINUTE)
    _, held = scheduler.delays(OUTBOX, -100, asyncio.get_running_loop().time())
    assert held > 55  # the 21st waits for the rest of the minute
    assert len(recorder.sent) == GROUP_PER_MINUTE
    for job in jobs:
        job.cancel()
    await asyncio.gather(*jobs, return_exceptions=True)


async def test_a_429_on_the_outbox_pauses_the_outbox_only() -> None:
    scheduler, recorder = SendScheduler(50), Recorder()
    recorder.fail["o0"] = 1
    outbox = asyncio.create_task(_send(scheduler, recorder, "o0", OUTBOX, 1))
    await until(lambda: scheduler.stats["outbox_429"] > 0)
    began = asyncio.get_running_loop().time()
    await _send(scheduler, recorder, "answer", INTERACTIVE, 2)
    assert asyncio.get_running_loop().time() - began < 0.2  # not held by the outbox's flood wait
    await outbox
    assert [label for _, label in recorder.sent] == ["answer", "o0"]
    assert recorder.sent[1][0] - began >= 0.8  # the outbox waited what Telegram said


async def test_a_429_given_up_on_is_raised_to_the_caller() -> None:
    scheduler, recorder = SendScheduler(50, max_retries=1), Recorder()
    recorder.fail["x"] = 99
    with pytest.raises(RetryAfter):
        await asyncio.wait_for(_send(scheduler, recorder, "x", INTERACTIVE, 3), 10)


def _fill_group(scheduler: SendScheduler, chat: int, oldest_leaves_in: float) -> None:
    """The group's minute is full: twenty sends, the oldest of which leaves the minute in `oldest_leaves_in` s."""
    now = asyncio.get_running_loop().time()
    oldest = now - 60.0 + oldest_leaves_in
    scheduler._state.groups[chat] = deque([oldest] + [now - 0.1] * (GROUP_PER_MINUTE - 1))


async def test_an_answer_in_a_full_group_waits_when_its_slot_is_near(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler_module, "GROUP_ANSWER_PATIENCE", 0.5)
    scheduler, recorder = SendScheduler(100), Recorder()
    _fill_group(scheduler, -200, 0.3)  # within the patience
    await _send(scheduler, recorder, "answer", INTERACTIVE, -200)
    assert [label for _, label in recorder.sent] == ["answer"]
    assert scheduler.stats["interactive_dropped"] == 0


async def test_an_answer_in_a_full_group_is_dropped_when_its_slot_is_far(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler_module, "GROUP_ANSWER_PATIENCE", 0.5)
    scheduler, recorder = SendScheduler(100), Recorder()
    _fill_group(scheduler, -200, 0.8)  # beyond the patience
    with pytest.raises(GroupBusy):
        await _send(scheduler, recorder, "answer", INTERACTIVE, -200)
    assert recorder.sent == [] and scheduler.stats["interactive_dropped"] == 1
    outbox = asyncio.create_task(_send(scheduler, recorder, "post", OUTBOX, -200))  # the outbox waits its turn
    await until(lambda: recorder.sent)
    await outbox
    await _send(scheduler, recorder, "private", INTERACTIVE, 7)  # and other chats were never concerned
    assert [label for _, label in recorder.sent] == ["post", "private"]
