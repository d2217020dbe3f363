"""Publishing a notice a chunk a transaction (issue 31), through the real Application: a process that stops
between chunks leaves the notice publishing and the next start finishes it (each recipient seated and queued once,
the summary once, after the last delivery); a repeated Send update does not publish twice; a member's /status
written during a large publish is not held until its end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite
import pytest

from bot.app import running
from bot.domain.rights import OrgTree
from bot.emulator import BotApiEmulator, EmuUser
from bot.services.notices import audience
from bot.services.notices.copies import NoticeCopies
from bot.store import Store, notices_publish
from bot.store.notices_publish import Among, Copies, Publication, Recipient
from bot.store.outbox import Outgoing
from tests.support import bulk
from tests.support.db import open_store
from tests.support.harness import (
    PATROL,
    SECRETARY,
    SMALL_ROSTER,
    Harness,
    build_app,
    load_roster,
    make_settings,
    stop_sweep_job,
)
from tests.support.notices import LECTURE, MEETING, T0, got, link, saw, until

#: A branch of 1 200 members (2–3 s a test): in the full round, like the other scale tests.
pytestmark = pytest.mark.slow

MEMBERS = 1_200
CHUNK = 100
SUMMARY = "通知发送完毕"


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 100: a notice to the branch's 1 200 members is published in more than ten transactions."""
    monkeypatch.setattr(notices_publish, "_CHUNK", CHUNK)


async def community(path: Path) -> Store:
    store = await open_store(path)
    await load_roster(store, SMALL_ROSTER)
    await bulk.big_branch(store, MEMBERS, linked=lambda i: i % 3 != 0)
    return store


@asynccontextmanager
async def app_on(emulator: BotApiEmulator, tmp_path: Path, store: Store) -> AsyncIterator[Harness]:
    """The real Application on `store`, polling the emulator, at T0."""
    settings = make_settings(tmp_path, emulator)
    app = build_app(settings, store, emulator)
    async with running(app, poll_timeout=1):
        stop_sweep_job(app)
        harness = Harness(emulator, store, settings, app)
        harness.at(T0)
        yield harness


async def last_notice(store: Store) -> int:
    row = await store.db.fetchone("SELECT max(id) FROM notices")
    assert row is not None and row[0] is not None
    return int(row[0])


async def figures(store: Store, notice_id: int) -> tuple[int, int, int, int]:
    """Seats, copies to members, distinct members with a copy, summaries."""
    ref = f"notice:{notice_id}"
    seats = await store.db.fetchone("SELECT count(*) FROM notice_members WHERE notice_id = ?", (notice_id,))
    copies = await store.db.fetchone(
        "SELECT count(*), count(DISTINCT member_id) FROM outbox WHERE ref = ? AND member_id IS NOT NULL", (ref,)
    )
    summary = await store.db.fetchone("SELECT count(*) FROM outbox WHERE key = ?", (f"{ref}:summary",))
    assert seats is not None and copies is not None and summary is not None
    return seats[0], copies[0], copies[1], summary[0]


async def expected(store: Store, notice_id: int) -> tuple[int, int]:
    """Whom the notice reaches as the roster stands: (expected, linked)."""
    notice = await store.notices.get(notice_id)
    assert notice is not None
    tree = OrgTree.of(await store.units.all())
    count = await store.notices.headcount(audience.scope(notice.kind, notice.unit_id, tree), 0)
    return count.expected, count.linked


async def send_lecture(harness: Harness) -> EmuUser:
    """The secretary, linked, sends the 党课 to the branch (Send pressed on its preview)."""
    await link(harness, SECRETARY)
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/notice {LECTURE}")
    await secretary.press("发送", await secretary.expect("预览"))
    return secretary


def failing_at(monkeypatch: pytest.MonkeyPatch, chunk: int) -> list[int]:
    """The copies of the `chunk`-th chunk fail (the machine stops, the disk is full); the chunks counted so far."""
    made = NoticeCopies.of
    chunks = [0]

    def failing(self: NoticeCopies, notice_id: int, recipients: Sequence[Recipient]) -> Iterator[Outgoing]:
        chunks[0] += 1
        if chunks[0] == chunk:
            raise RuntimeError("the machine stops between chunks")
        return made(self, notice_id, recipients)

    monkeypatch.setattr(NoticeCopies, "of", failing)
    return chunks


async def test_a_publish_stopped_between_chunks_is_finished_by_the_next_start(
    emulator: BotApiEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "zhibu.sqlite3"
    store = await community(path)
    made = NoticeCopies.of
    chunks = failing_at(monkeypatch, 4)
    try:
        async with app_on(emulator, tmp_path, store) as harness:
            secretary = await send_lecture(harness)
            await until(lambda: chunks[0] >= 4)
            notice_id = await last_notice(store)
            assert await store.notices.still_publishing() == [(notice_id, True)]
            seats, copies, _, summaries = await figures(store, notice_id)
            assert seats == 3 * CHUNK and copies < seats and summaries == 0
            await harness.settle()
            assert not got(secretary, SUMMARY)  # the first chunks' deliveries ended: no summary while publishing
            secretary.drain()
            await secretary.send(f"/attendance {notice_id}")
            await secretary.expect("还在发给党员")  # its seats are not all written: not a list of 300
    finally:
        await store.close()
    monkeypatch.setattr(NoticeCopies, "of", made)

    again = await Store.open(path)  # a fresh Application on the same database
    try:
        async with app_on(emulator, tmp_path, again) as harness:
            secretary = harness.user(SECRETARY)
            await saw(secretary, SUMMARY)  # resumed at start-up, delivered, summed up
            assert await again.notices.still_publishing() == []
            seats, copies, members, summaries = await figures(again, notice_id)
            assert (seats, copies) == await expected(again, notice_id) and seats > 10 * CHUNK
            assert members == copies and summaries == 1
            unfinished = await again.db.fetchone(
                "SELECT count(*) FROM outbox WHERE ref = ? AND status IN ('pending', 'sending')",
                (f"notice:{notice_id}",),
            )
            assert unfinished is not None and unfinished[0] == 0
            await harness.settle()
            assert len(got(secretary, SUMMARY)) == 1
            secretary.drain()
            await secretary.send(f"/attendance {notice_id}")
            assert "还在发给党员" not in (await secretary.next_message()).text
    finally:
        await again.close()


async def test_a_repeated_send_update_does_not_publish_twice(emulator: BotApiEmulator, tmp_path: Path) -> None:
    store = await community(tmp_path / "zhibu.sqlite3")
    try:
        async with app_on(emulator, tmp_path, store) as harness:
            await link(harness, SECRETARY)
            secretary = harness.user(SECRETARY)
            await secretary.send(f"/notice {LECTURE}")
            pressed = await secretary.press("发送", await secretary.expect("预览"))
            await saw(secretary, SUMMARY)
            notice_id = await last_notice(store)
            before = await figures(store, notice_id)
            await harness.settle()
            secretary.drain()
            await secretary.redeliver(pressed)
            await harness.settle()
            await harness.nothing_more(secretary)
            assert await last_notice(store) == notice_id
            assert await figures(store, notice_id) == before
            assert before[0] > 10 * CHUNK and before[3] == 1 and len(got(secretary, SUMMARY)) == 1
    finally:
        await store.close()


async def test_a_status_written_during_a_large_publish_is_not_held_until_its_end(
    emulator: BotApiEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The publisher waits, before its third chunk, for the member's /status to be answered: with one transaction
    for the whole publish the answer would come only after the last chunk (and this wait would never be asked)."""
    store = await community(tmp_path / "zhibu.sqlite3")
    events: list[str] = []
    made = NoticeCopies.of
    publisher: list[asyncio.Task[object]] = []
    try:
        async with app_on(emulator, tmp_path, store) as harness:
            await link(harness, SECRETARY, PATROL)
            secretary, member = harness.user(SECRETARY), harness.user(PATROL)
            answered = "已报备"
            writing: list[asyncio.Task[int]] = []

            def recorded(self: NoticeCopies, notice_id: int, recipients: Sequence[Recipient]) -> Iterator[Outgoing]:
                events.append("chunk")
                if not publisher:
                    task = asyncio.current_task()
                    assert task is not None
                    publisher.append(task)
                    writing.append(asyncio.ensure_future(member.send("/status away_work | 广东东莞 | 电子厂上班")))
                return made(self, notice_id, recipients)

            transaction = store.db.transaction

            @asynccontextmanager
            async def gated() -> AsyncIterator[aiosqlite.Connection]:
                if publisher and asyncio.current_task() is publisher[0] and events.count("chunk") == 2:
                    await until(lambda: got(member, answered), within=20.0)
                    events.append("status answered")
                async with transaction() as conn:
                    yield conn

            monkeypatch.setattr(NoticeCopies, "of", recorded)
            monkeypatch.setattr(store.db, "transaction", gated)
            await secretary.send(f"/notice {LECTURE}")
            await secretary.press("发送", await secretary.expect("预览"))
            await saw(secretary, SUMMARY)
            await saw(member, answered)
            assert "status answered" in events
            assert events.count("chunk") > 10 and events.index("status answered") == 2  # after 2 chunks of 12+
    finally:
        await store.close()


async def test_send_is_answered_before_the_seats_are_written(emulator: BotApiEmulator, tmp_path: Path) -> None:
    """The seats wait until the secretary has 「已开始发送」: were they written before the answer (as until this
    change, about 9 s at 100 000 members), the answer would never come and this wait would fail. The count in the
    answer is the one the seats then reach."""
    store = await community(tmp_path / "zhibu.sqlite3")
    try:
        async with app_on(emulator, tmp_path, store) as harness:
            await link(harness, SECRETARY)
            secretary = harness.user(SECRETARY)
            write_seats = store.notices.publish_seats

            async def after_the_answer(notice_id: int, unit_id: int, among: Among, copies: Copies) -> Publication:
                await until(lambda: got(secretary, "已开始发送"), within=20.0)
                return await write_seats(notice_id, unit_id, among, copies)

            store.notices.publish_seats = after_the_answer  # type: ignore[method-assign]
            await secretary.send(f"/notice {LECTURE}")
            await secretary.press("发送", await secretary.expect("预览"))
            answer = await saw(secretary, "已开始发送")
            await saw(secretary, SUMMARY)
            notice_id = await last_notice(store)
            seats, copies, _, summaries = await figures(store, notice_id)
            linked = (await expected(store, notice_id))[1]
            assert f"已开始发送给 {linked} 名党员" in answer.text and copies == linked and summaries == 1
            assert seats > 10 * CHUNK
    finally:
        await store.close()


async def test_a_background_publish_that_fails_is_finished_by_the_sweep(
    emulator: BotApiEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The secretary has the answer; the seats fail half-way in the background (logged, nothing shown to anyone);
    the next sweep publishes the rest, each member once, and the summary comes once."""
    store = await community(tmp_path / "zhibu.sqlite3")
    made = NoticeCopies.of
    failing_at(monkeypatch, 3)
    try:
        async with app_on(emulator, tmp_path, store) as harness:
            secretary = await send_lecture(harness)
            await saw(secretary, "已开始发送")
            await harness.settle()
            notice_id = await last_notice(store)
            assert await store.notices.still_publishing() == [(notice_id, True)]
            assert not got(secretary, SUMMARY)
            monkeypatch.setattr(NoticeCopies, "of", made)
            await harness.sweep()
            await saw(secretary, SUMMARY)
            assert await store.notices.still_publishing() == []
            seats, copies, members, summaries = await figures(store, notice_id)
            assert (seats, copies) == await expected(store, notice_id) and members == copies and summaries == 1
    finally:
        monkeypatch.setattr(NoticeCopies, "of", made)
        await store.close()


async def test_a_preview_whose_buttons_cannot_be_removed_still_sends_once(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Telegram refuses to take the preview's buttons away (the message is gone): the notice is sent all the same,
    now, not a minute later by the sweep; and the same 发送 pressed again is spent, so nobody gets it twice."""
    store = await community(tmp_path / "zhibu.sqlite3")
    try:
        async with app_on(emulator, tmp_path, store) as harness:
            await link(harness, SECRETARY)
            secretary = harness.user(SECRETARY)
            await secretary.send(f"/notice {LECTURE}")
            preview = await secretary.expect("预览")
            emulator.fail_next("editMessageReplyMarkup", 400, "Bad Request: message to edit not found")
            await secretary.press("发送", preview)
            await saw(secretary, "已开始发送")
            await saw(secretary, SUMMARY)
            notice_id = await last_notice(store)
            assert await store.notices.still_publishing() == []
            seats, copies, _, summaries = await figures(store, notice_id)
            assert (seats, copies) == await expected(store, notice_id) and summaries == 1
            await harness.settle()
            secretary.drain()
            await secretary.press("发送", preview)
            await secretary.expect("这个预览已经失效了", kind="alert")
            await harness.nothing_more(secretary)
            assert await last_notice(store) == notice_id and len(got(secretary, "已开始发送")) == 1
    finally:
        await store.close()


async def test_a_notice_that_cannot_be_resumed_does_not_hold_the_others(
    emulator: BotApiEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two notices left publishing; the first fails every time it is resumed. The second is published by the same
    sweep, and the sweep goes on to its reminders."""
    store = await community(tmp_path / "zhibu.sqlite3")
    made = NoticeCopies.of
    try:
        async with app_on(emulator, tmp_path, store) as harness:
            await link(harness, SECRETARY)
            secretary = harness.user(SECRETARY)
            failing_at(monkeypatch, 1)  # each Send stops at its first chunk: both are left publishing
            for sent, topic in enumerate(("学习党章", "学习准则"), start=1):
                await secretary.send(f"/notice 党课 | {MEETING} | 村委会会议室 | {topic}")
                await secretary.press("发送", await secretary.expect("预览"))
                await until(lambda n=sent: len(got(secretary, "已开始发送")) == n)  # type: ignore[misc]
                await harness.settle()
                secretary.drain()
                monkeypatch.setattr(NoticeCopies, "of", made)
                failing_at(monkeypatch, 1)
            first, second = [n for n, _ in await store.notices.still_publishing()]

            def only_the_first_fails(
                self: NoticeCopies, notice_id: int, recipients: Sequence[Recipient]
            ) -> Iterator[Outgoing]:
                if notice_id == first:
                    raise RuntimeError("this notice cannot be published")
                return made(self, notice_id, recipients)

            monkeypatch.setattr(NoticeCopies, "of", only_the_first_fails)
            await harness.sweep()
            await saw(secretary, SUMMARY)
            assert await store.notices.still_publishing() == [(first, True)]
            assert (await figures(store, second))[:2] == await expected(store, second)
    finally:
        monkeypatch.setattr(NoticeCopies, "of", made)
        await store.close()
