"""The due table and the sweep that reads it: the rows are kept by triggers in the transaction of every
change, a sweep reads only the rows whose moment has come (a steady sweep reads none), it works in chunks,
a change made while a sweep works on a row is not lost, and changed settings look at every chain again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.services import registry as core
from bot.services.kernel import reminders
from bot.services.kernel.reminders import DueSource, Handled
from bot.services.reports import due as due_reports
from bot.store import Store
from bot.store.due import ASAP, PARKED, DueRow
from bot.store.duty import NewLog
from bot.store.notices import Draft
from bot.store.outbox import Outgoing
from tests.support.harness import LIAISON, MEDIATOR, MIGRANT, OTHER_MIGRANT, SECRETARY, SMALL_ROSTER, load_roster

TZ = ZoneInfo("Asia/Shanghai")
SETTINGS = Settings(_env_file=None, bot_token="1:x", quiet_hours="")  # type: ignore[call-arg]
REPORT = "本月在外务工期间，我认真学习了党的二十大精神，按时参加线上组织生活，遵守纪律。"


def at(day: int, hour: int = 10, month: int = 11, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


async def rows(store: Store) -> dict[tuple[str, int], str]:
    return {(r[0], r[1]): r[2] for r in await store.db.fetchall("SELECT kind, subject, due_at FROM due")}


async def ids(store: Store) -> dict[int, int]:
    """Telegram id → member id."""
    return {r[0]: r[1] for r in await store.db.fetchall("SELECT telegram_id, id FROM members")}


@pytest.fixture
async def roster(store: Store) -> AsyncIterator[Store]:
    await load_roster(store, SMALL_ROSTER)
    for telegram_id, member_id in (await ids(store)).items():
        if telegram_id is not None:
            await store.members.link(member_id, telegram_id)
    yield store


class Spy:
    """The report chains' due source, counting the rows it is given."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    async def __call__(
        self, store: Store, settings: Settings, now: datetime, due: Sequence[DueRow]
    ) -> dict[int, Handled]:
        self.calls.append(len(due))
        return await due_reports.report_chains(store, settings, now, due)


async def test_a_roster_import_starts_the_chains_of_mobile_members(roster: Store) -> None:
    member = await ids(roster)
    assert await rows(roster) == {("report", member[MIGRANT]): ASAP, ("report", member[OTHER_MIGRANT]): ASAP}


async def test_a_sweep_moves_each_chain_on_and_a_steady_sweep_reads_nothing(roster: Store) -> None:
    spy = Spy()
    sources = (DueSource("report", spy),)
    await reminders.sweep(roster, SETTINGS, at(20), sources)
    assert spy.calls == [2]
    assert all(moment > "2026-11-20T02:00:00+00:00" for moment in (await rows(roster)).values())
    for minute in range(1, 4):  # nothing due: the sweeps read no chain
        assert await reminders.sweep(roster, SETTINGS, at(20, minute=minute), sources) == 0
    assert spy.calls == [2]
    assert await roster.due.count_due(at(20, minute=3)) == 0
    # at the next look (the monthly member's next 30 days without contact: 16 × 30 days after 1 Aug 2025),
    # that chain only (October's overdue stages were on 1 and 15 Nov)
    await reminders.sweep(roster, SETTINGS, at(24, 0), sources)
    assert spy.calls == [2, 1]


async def test_every_write_marks_the_chains_it_changes(roster: Store) -> None:
    member = await ids(roster)
    migrant, liaison, secretary = member[MIGRANT], member[LIAISON], member[SECRETARY]

    async def marked(write: object) -> set[tuple[str, int]]:
        """Sweep (every row moves on), make the change, and say which rows are due now."""
        await core.sweep(roster, SETTINGS, at(20))
        assert await roster.due.count_due(at(20)) == 0
        await write  # type: ignore[misc]
        return {key for key, moment in (await rows(roster)).items() if moment == ASAP}

    report = ("report", migrant)
    assert await marked(roster.reports.save_thought(migrant, "2026-11", REPORT, at(20))) == {report}
    assert await marked(roster.reports.add_status(migrant, "home", None, None, at(20, 11))) == {report}
    assert await marked(roster.reports.add_contact(migrant, liaison, "电话", at(20, 12))) == {report}
    assert await marked(roster.members.mark_unreachable(liaison)) == {report}  # the liaison of
    assert await marked(roster.members.reachable_again(liaison)) == {report}
    assert await marked(roster.members.mark_unreachable(secretary)) == {report}  # the secretary of its unit
    # a notice published, someone on leave coming after all, the notice cancelled
    notice_id, _ = await roster.notices.publish(
        Draft(kind="general", unit_id=2, starts_at=at(28, 15), place="村委会", topic="学习"),
        secretary,
        SECRETARY,
        "zh",
        at(20),
        [],
        lambda _: [],
    )
    assert ("meeting", notice_id) in await rows(roster)
    await roster.notices.record_rsvp(notice_id, migrant, "leave", "外出", at(20))
    assert await marked(roster.notices.record_rsvp(notice_id, migrant, "attend", None, at(20))) == {
        ("meeting", notice_id)
    }
    await roster.notices.cancel(notice_id, at(20), lambda _: [])
    assert ("meeting", notice_id) not in await rows(roster)
    # an ongoing mediation, its follow-up recorded
    logged = await roster.duty.add(
        NewLog(
            member_id=member[MEDIATOR],
            post="mediation",
            at="2026-11-20T02:00:00+00:00",
            local_date=date(2026, 11, 20),
            parties="张家、李家",
            kind="neighbour",
            outcome="ongoing",
            followup_on=date(2026, 11, 25),
            summary="宅前堆物",
        )
    )
    assert ("mediation", logged.id) in await rows(roster)
    followed = roster.duty.record_followup(logged.id, "ongoing", date(2026, 12, 1), "2026-11-20T03:00:00+00:00")
    assert await marked(followed) == {("mediation", logged.id)}


async def test_chunks_of_due_rows_are_all_worked_in_one_sweep(roster: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reminders, "CHUNK", 1)
    spy = Spy()
    await reminders.sweep(roster, SETTINGS, at(27), (DueSource("report", spy),))
    assert spy.calls == [1, 1]
    assert await roster.due.count_due(at(27)) == 0


async def test_a_change_made_while_the_sweep_works_is_not_lost(roster: Store) -> None:
    migrant = (await ids(roster))[MIGRANT]

    async def racing(store: Store, settings: Settings, now: datetime, due: Sequence[DueRow]) -> dict[int, Handled]:
        found = await due_reports.report_chains(store, settings, now, due)
        await store.reports.add_status(migrant, "home", None, None, now)  # between the read and the settle
        return found

    await reminders.sweep(roster, SETTINGS, at(20), (DueSource("report", racing),))
    assert (await rows(roster))[("report", migrant)] == ASAP  # looked at again by the next sweep


async def test_changed_settings_look_at_every_chain_again(roster: Store) -> None:
    await core.sweep(roster, SETTINGS, at(20))
    assert await roster.due.count_due(at(20)) == 0
    await core.sweep(roster, SETTINGS, at(20, 11))
    assert await roster.due.count_due(at(20, 11)) == 0
    changed = Settings(
        _env_file=None,
        bot_token="1:x",
        quiet_hours="",  # type: ignore[call-arg]
        report_reminder_days_before=5,
    )
    assert await roster.due.check_rules(reminders.rules_fingerprint(changed))
    assert await roster.due.count_due(at(20, 11)) == 2
    await core.sweep(roster, changed, at(20, 11))
    assert await roster.due.count_due(at(20, 11)) == 0


async def test_a_mediation_waits_for_its_unlinked_post_holder(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    unlinked = (await store.members.named("吴未绑定"))[0]
    logged = await store.duty.add(
        NewLog(
            member_id=unlinked.id,
            post="mediation",
            at="2026-11-20T02:00:00+00:00",
            local_date=date(2026, 11, 20),
            parties="王家",
            kind="land",
            outcome="ongoing",
            followup_on=date(2026, 11, 25),
            summary="地界",
        )
    )
    assert await core.sweep(store, SETTINGS, at(26)) == 0
    assert (await rows(store))[("mediation", logged.id)] == PARKED
    await store.members.link(unlinked.id, 1077)
    assert await core.sweep(store, SETTINGS, at(26, 11)) == 1
    assert await store.outbox.by_key(f"mediation:followup:{logged.id}:2026-11-25") is not None
    assert ("mediation", logged.id) not in await rows(store)  # the chain is over


async def test_a_long_list_of_recipients_goes_in_pages(roster: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.services.notices import due as due_meetings

    monkeypatch.setattr(due_meetings, "PAGE", 2)
    linked = [m for m in await roster.members.linked() if m.unit_id == 2]

    def deliveries(notice_id: int) -> list[Outgoing]:
        return [
            Outgoing(
                key=f"notice:{notice_id}:{m.id}",
                kind="notice",
                chat_id=m.telegram_id or 0,
                member_id=m.id,
                ref=f"notice:{notice_id}",
                text="通知",
            )
            for m in linked
        ]

    notice_id, queued = await roster.notices.publish(
        Draft(kind="general", unit_id=2, starts_at=at(28, 15), place="村委会", topic="学习"),
        None,
        SECRETARY,
        "zh",
        at(20),
        linked,
        deliveries,
    )
    assert queued == len(linked) >= 5
    for row in await roster.outbox.by_ref(f"notice:{notice_id}"):
        await roster.outbox.finish(row.id, "sent")
    await core.sweep(roster, SETTINGS, at(27, 16))
    keys = {r.key for r in await roster.outbox.by_ref(f"meeting:{notice_id}")}
    assert keys == {f"meeting:24h:{notice_id}:{m.id}" for m in linked}
    due = await roster.due.of("meeting", notice_id)
    assert due is not None and due.due_at == "2026-11-28T06:00:00+00:00" and due.mark is None  # the 1h stage


def test_the_core_lists_a_due_source_for_every_kind_of_chain() -> None:
    kinds = {s.kind for s in core.REMINDER_SOURCES if isinstance(s, DueSource)}
    assert kinds == {"report", "meeting", "mediation", "visit", "request", "dues"}


async def test_a_member_linked_again_during_a_stage_gets_its_reminder(roster: Store) -> None:
    linked = [m for m in await roster.members.linked() if m.unit_id == 2]
    migrant = next(m for m in linked if m.telegram_id == MIGRANT)

    def deliveries(notice_id: int) -> list[Outgoing]:
        return [
            Outgoing(
                key=f"notice:{notice_id}:{m.id}",
                kind="notice",
                chat_id=m.telegram_id or 0,
                member_id=m.id,
                ref=f"notice:{notice_id}",
                text="通知",
            )
            for m in linked
        ]

    notice_id, _ = await roster.notices.publish(
        Draft(kind="general", unit_id=2, starts_at=at(28, 15), place="村委会", topic="学习"),
        None,
        SECRETARY,
        "zh",
        at(20),
        linked,
        deliveries,
    )
    for row in await roster.outbox.by_ref(f"notice:{notice_id}"):
        await roster.outbox.finish(row.id, "sent")
    await roster.invites.relink(migrant.id, MIGRANT, lambda _: [])  # lost phone: unlinked by the secretary
    await core.sweep(roster, SETTINGS, at(27, 16))
    key = f"meeting:24h:{notice_id}:{migrant.id}"
    assert await roster.outbox.by_key(key) is None
    await roster.members.link(migrant.id, 1099)  # the new account
    await core.sweep(roster, SETTINGS, at(27, 17))
    reminder = await roster.outbox.by_key(key)
    assert reminder is not None and reminder.chat_id == 1099


async def test_a_plain_source_with_thousands_due_is_queued_a_chunk_at_a_time(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """January's 承诺 asks go to every member: the sweep queues them in a transaction per chunk of 500 (the event
    loop let go between them), and a sweep after it (or after a stop half-way) queues only what is missing."""
    settled: list[int] = []
    settle = store.digest.settle

    async def counted(messages: Sequence[Outgoing], *rest: Any) -> int:
        settled.append(len(messages))
        return await settle(messages, *rest)

    monkeypatch.setattr(store.digest, "settle", counted)

    async def everyone(store: Store, settings: Settings, now: datetime) -> list[reminders.Due]:
        return [
            reminders.Due(Outgoing(key=f"ask:{i}", kind="reminder", chat_id=10_000 + i, text="承诺"))
            for i in range(1_200)
        ]

    await store.outbox.enqueue([Outgoing(key="ask:7", kind="reminder", chat_id=10_007, text="承诺")])  # queued before
    assert await reminders.sweep(store, SETTINGS, at(5, month=1), [everyone]) == 1_199
    assert settled == [499, 500, 200]
    assert await reminders.sweep(store, SETTINGS, at(5, month=1), [everyone]) == 0
    count = await store.db.fetchone("SELECT count(*) FROM outbox WHERE key LIKE 'ask:%'")
    assert count is not None and count[0] == 1_200
