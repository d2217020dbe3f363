"""The due-driven sweep sends exactly what looking at everything at every sweep sends.

Over four months of irregular sweeps, with reports, statuses, contacts, links, blocked accounts, roster
changes (a new secretary, a liaison moved, a member leaving and coming back), accounts unlinked and linked
again, notices whose broadcast is still going across a stage, people changing their answer and a notice
cancelled, each sweep's new messages are compared
with what the full look finds at that moment: `reports.report_reminders` (every mobile member) and, for
meetings, the window query the sweep used before the due table (kept here as the reference).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.services import registry as core
from bot.services.kernel import reminders
from bot.services.kernel.reminders import in_quiet_hours
from bot.services.members.roster import apply_roster, parse_roster
from bot.services.notices import due as due_meetings
from bot.services.notices.common import URGENT_WITHIN, stage_label, stage_windows
from bot.services.reports.common import report_reminders
from bot.store import Store
from bot.store.db import iso
from bot.store.notices import Draft
from bot.store.outbox import Outgoing
from tests.support.harness import SMALL_ROSTER

TZ = ZoneInfo("Asia/Shanghai")
REPORT = "本月在外务工期间，我认真学习了党的二十大精神，按时参加线上组织生活，遵守纪律。"
BASE = SMALL_ROSTER.read_text(encoding="utf-8")
MORE = (
    "刘外出,一村党支部,流动党员党小组,流动,,1010,李联络,,quarterly,2026-05-20,13800000020,\n"
    "黄外出,二村党支部,,流动,,1011,冯联络,,monthly,2026-10-15,13800000021,\n"
    "马未绑,一村党支部,流动党员党小组,流动,,1012,李联络,,monthly,2026-03-01,13800000022,\n"
)
#: Roster variants an import switches between: 周普通 becomes a secretary; 刘外出's liaison moves; 黄外出 leaves.
VARIANTS = (
    BASE + MORE,
    BASE.replace("周普通,二村党支部,,在家,,", "周普通,二村党支部,,在家,secretary,") + MORE,
    BASE + MORE.replace("1010,李联络", "1010,"),
    BASE + "".join(line + "\n" for line in MORE.splitlines() if not line.startswith("黄外出")),
)
OLD_WINDOW = (  # the meeting reminder query of the sweep before the due table
    "SELECT n.id, n.starts_at, n.created_at, m.id, m.telegram_id FROM notices n "
    "JOIN outbox o ON o.ref = 'notice:' || n.id AND o.kind = 'notice' AND o.status = 'sent' "
    "JOIN members m ON m.id = o.member_id LEFT JOIN rsvps r ON r.notice_id = n.id AND r.member_id = m.id "
    "WHERE n.cancelled_at IS NULL AND n.starts_at > ? AND n.starts_at <= ? AND m.telegram_id IS NOT NULL "
    "AND (r.answer IS NULL OR r.answer != 'leave') "
    "AND NOT EXISTS (SELECT 1 FROM outbox q WHERE q.key = 'meeting:' || ? || ':' || n.id || ':' || m.id)"
)

Message = tuple[str, int, str]


async def apply(store: Store, text: str) -> None:
    rows, errors = parse_roster(text)
    assert not errors, errors
    await apply_roster(store, rows, "测试社区党委", deactivate_missing=True)


async def expected(store: Store, settings: Settings, now: datetime) -> set[Message]:
    """What the sweep before the due table queued at `now`: every report chain and meeting window looked at."""
    quiet = in_quiet_hours(now.astimezone(settings.tz).time(), settings.quiet)
    out = {
        (d.message.key, d.message.chat_id, d.message.text)
        for d in await report_reminders(store, settings, now)
        if not quiet
    }
    for stage, following in stage_windows(settings.meeting_stages):
        for notice_id, starts, created, member_id, chat in await store.db.fetchall(
            OLD_WINDOW, (iso(now + following), iso(now + stage), stage_label(stage))
        ):
            starts_at = datetime.fromisoformat(starts)
            if starts_at - stage < datetime.fromisoformat(created):
                continue
            if quiet and starts_at - now > URGENT_WITHIN:
                continue
            out.add((f"meeting:{stage_label(stage)}:{notice_id}:{member_id}", chat, ""))
    return out


async def queued(store: Store, after: int, after_item: int) -> set[Message]:
    """What a sweep queued, or recorded for the daily digest (escalations: the message each replaces)."""
    rows = await store.db.fetchall(
        "SELECT key, chat_id, text FROM outbox WHERE id > ? AND (key LIKE 'report:%' OR key LIKE 'contact:%' "
        "OR key LIKE 'meeting:%' OR key LIKE 'mobile:%') UNION ALL SELECT key, chat_id, text FROM digest_items "
        "WHERE id > ? AND key NOT LIKE 'talks:%'",  # issue 26's 谈心谈话 nudge is no chain of these
        (after, after_item),
    )
    return {(r[0], r[1], "" if r[0].startswith("meeting:") else r[2]) for r in rows}


class World:
    """Random changes, as people and secretaries make them."""

    def __init__(self, store: Store, rng: random.Random) -> None:
        self.store, self.rng = store, rng
        self.notices: list[int] = []

    async def members(self) -> dict[str, int]:
        return {r[0]: r[1] for r in await self.store.db.fetchall("SELECT name, id FROM members")}

    async def change(self, now: datetime) -> None:
        store, rng = self.store, self.rng
        named = await self.members()
        migrant = named[rng.choice(["张流动", "陈外出", "刘外出", "黄外出", "马未绑"])]
        action = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 9, 9, 10, 11, 12, 12])
        if action == 0:
            local = now.astimezone(TZ)
            label = rng.choice(
                [
                    f"{local.year}-{local.month:02d}",
                    f"{local.year}-Q{(local.month - 1) // 3 + 1}",
                    f"{(local.replace(day=1) - timedelta(days=1)).strftime('%Y-%m')}",
                ]
            )
            await store.reports.save_thought(migrant, label, REPORT, now)
        elif action == 1:
            await store.reports.add_status(migrant, "away_work", "东莞", None, now)
        elif action == 2:
            await store.reports.add_contact(migrant, named["李联络"], "电话", now)
        elif action == 3:  # a member links, or moves to a new account
            who, account = rng.choice([("马未绑", 1012), ("张流动", 1099), ("张流动", 1003)])
            await store.members.link(named[who], account)
        elif action == 11:  # a secretary unlinks a member from a lost account (they link again later)
            who = named[rng.choice(["张流动", "王书记"])]
            found = await store.members.get(who)
            if found is not None and found.telegram_id is not None:
                await store.invites.relink(who, found.telegram_id, lambda _: [])
        elif action == 12:
            await store.members.link(named["王书记"], 1001)
        elif action == 4:
            await store.members.mark_unreachable(named[rng.choice(["李联络", "王书记", "冯联络", "张流动"])])
        elif action == 5:
            await store.members.reachable_again(named[rng.choice(["李联络", "王书记", "冯联络", "张流动"])])
        elif action == 6:
            await apply(store, rng.choice(VARIANTS))
        elif action == 7:
            await self.publish(now, named)
        elif action in (8, 9) and self.notices:
            notice_id = rng.choice(self.notices)
            who = rng.choice([m for m in named.values()])
            if await store.notices.is_expected(notice_id, who):
                await store.notices.record_rsvp(notice_id, who, rng.choice(["attend", "leave"]), "外出", now)
        elif action == 10 and self.notices and rng.random() < 0.3:
            await store.notices.cancel(self.notices.pop(0), now, lambda _: [])

    async def deliver(self) -> None:
        """The sender at work: a few deliveries of each broadcast go out (some fail), in no strict order."""
        for notice_id in self.notices:
            pending = [r for r in await self.store.outbox.by_ref(f"notice:{notice_id}") if r.status == "pending"]
            if pending and self.rng.random() < (0.5 if notice_id % 2 else 0.03):  # some broadcasts take a day
                for row in self.rng.sample(pending, min(len(pending), self.rng.randrange(1, 3))):
                    await self.store.outbox.finish(row.id, "sent" if self.rng.random() < 0.85 else "failed")

    async def publish(self, now: datetime, named: dict[str, int]) -> None:
        expected = [m for m in await self.store.members.in_units({2}) if m.linked]
        starts = (now + timedelta(hours=self.rng.choice([3, 20, 30, 50]))).replace(minute=0, second=0, microsecond=0)

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
                for m in expected
            ]

        notice_id, _ = await self.store.notices.publish(
            Draft(kind="general", unit_id=2, starts_at=starts, place="村委会", topic="学习"),
            named["王书记"],
            1001,
            "zh",
            now,
            expected,
            deliveries,
        )
        self.notices.append(notice_id)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("quiet_hours", "days_before", "seed"),
    [
        ("21:00-08:00", 3, 1),
        ("", 40, 2),
        ("22:30-07:00", 0, 3),
    ],
)
async def test_the_due_sweep_sends_what_the_full_look_sends(
    store: Store, monkeypatch: pytest.MonkeyPatch, quiet_hours: str, days_before: int, seed: int
) -> None:
    monkeypatch.setattr(reminders, "CHUNK", 2)
    monkeypatch.setattr(due_meetings, "PAGE", 2)
    settings = Settings(
        _env_file=None,
        bot_token="1:x",
        quiet_hours=quiet_hours,  # type: ignore[call-arg]
        report_reminder_days_before=days_before,
        meeting_reminders="24h,1h",
    )
    await apply(store, VARIANTS[0])
    for telegram_id, member_id in await store.db.fetchall("SELECT telegram_id, id FROM members"):
        if telegram_id is not None and telegram_id != 1012:
            await store.members.link(member_id, telegram_id)
    rng = random.Random(seed)
    world = World(store, rng)
    now = datetime(2026, 10, 25, 0, 5, tzinfo=TZ)
    sweeps = sent = 0
    while now < datetime(2027, 2, 5, tzinfo=TZ):
        if rng.random() < 0.3:
            await world.change(now)
        await world.deliver()
        want = await expected(store, settings, now)
        last = await store.db.fetchone(
            "SELECT (SELECT COALESCE(max(id), 0) FROM outbox), (SELECT COALESCE(max(id), 0) FROM digest_items)"
        )
        assert last is not None
        await core.sweep(store, settings, now)
        assert await queued(store, last[0], last[1]) == want, now
        sweeps, sent = sweeps + 1, sent + len(want)
        now += timedelta(minutes=rng.choice([1, 7, 53, 130, 300, 540, 840]), seconds=rng.choice([0, 0, 30]))
    assert sweeps > 300 and sent > 50
