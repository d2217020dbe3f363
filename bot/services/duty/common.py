"""Duty posts (设岗定责): the store-facing operations the duty use cases share — saving patrol and mediation
logs, the month's logs and figures for a member and for a secretary's units, recording a follow-up of an
ongoing mediation — plus the follow-up reminders (a due chain per ongoing mediation) and `duty_logs.csv`.

The rules themselves (fields, one-line forms, points, months, minimum) are pure, in `duty_rules`; the use
cases the front end calls are in `duty_flow`, `duty_followup`, `duty_month` and `duty_posts`.
A mediation is scored by its *current* outcome, in the month it was logged; a follow-up that records
a new outcome updates the log (outcome, follow-up date, `outcome_changed_at`) and adds a row to the
follow-up history (`duty_followups`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.models import Member
from bot.domain.rights import OrgTree
from bot.i18n import resolve_language, t
from bot.services.duty.buttons import DutyFollowup
from bot.services.duty.points import Catalogue, Reviewed, entry_points, met, summarize_reviewed
from bot.services.duty.rules import (
    FOLLOWUP_AT,
    MEDIATION,
    PATROL,
    EntryDraft,
    MediationDraft,
    MediationOutcome,
    MonthSummary,
    PatrolDraft,
    followup_is_due,
)
from bot.services.kernel import dates
from bot.services.kernel.kept import chunks
from bot.services.kernel.reminders import Due, Handled
from bot.store import Store
from bot.store.db import iso
from bot.store.due import NEVER, DueRow
from bot.store.duty import DutyLog, NewLog
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Logged:
    """Who logs an entry and when: the member, the moment, and the zone its local day is taken in."""

    member_id: int
    at: datetime
    tz: ZoneInfo

    @property
    def day(self) -> date:
        return self.at.astimezone(self.tz).date()


async def save_patrol(store: Store, logged: Logged, draft: PatrolDraft) -> DutyLog:
    member_id = logged.member_id
    saved = await store.duty.add(
        NewLog(
            member_id=member_id,
            post=PATROL,
            at=iso(logged.at),
            local_date=logged.day,
            area=draft.area,
            minutes=draft.minutes,
            findings=draft.findings,
            photo_file_id=draft.photo,
        )
    )
    log.info("duty=%s member=%s patrol logged", saved.id, member_id)
    return saved


async def save_mediation(store: Store, logged: Logged, draft: MediationDraft) -> DutyLog:
    member_id = logged.member_id
    saved = await store.duty.add(
        NewLog(
            member_id=member_id,
            post=MEDIATION,
            at=iso(logged.at),
            local_date=logged.day,
            parties=draft.parties,
            kind=draft.kind,
            outcome=draft.outcome,
            summary=draft.summary,
            followup_on=draft.followup_on,
            photo_file_id=draft.photo,
        )
    )
    log.info("duty=%s member=%s mediation logged outcome=%s", saved.id, member_id, draft.outcome)
    return saved


async def month_logs(store: Store, member_ids: list[int], bounds: tuple[datetime, datetime]) -> list[DutyLog]:
    """The entries of these members between `bounds` (`Month.bounds`: a month of the community's days)."""
    start, end = bounds
    return await store.duty.between(iso(start), iso(end), member_ids)


async def catalogue(store: Store) -> Catalogue:
    """The community's posts (`bot.store.posts`)."""
    return Catalogue(tuple(await store.duty.posts.all()))


async def save_entry(store: Store, logged: Logged, entry: EntryDraft) -> DutyLog:
    """A generic post's entry: what was done, the time spent, the people served (pending review)."""
    member_id = logged.member_id
    saved = await store.duty.add(
        NewLog(
            member_id=member_id,
            post=entry.post,
            at=iso(logged.at),
            local_date=logged.day,
            summary=entry.done,
            minutes=entry.minutes,
            served=entry.served,
            photo_file_id=entry.photo,
        )
    )
    log.info("duty=%s member=%s entry logged", saved.id, member_id)
    return saved


async def member_month(
    store: Store, member_id: int, bounds: tuple[datetime, datetime], posts: Catalogue | None = None
) -> Reviewed:
    """The member's month (`Month.bounds`), approved entries and pending ones apart."""
    cat = posts if posts is not None else await catalogue(store)
    return summarize_reviewed(await month_logs(store, [member_id], bounds), cat)


@dataclass(frozen=True)
class ReportRow:
    member: Member
    reviewed: Reviewed
    met: bool | None

    @property
    def summary(self) -> MonthSummary:
        """What counts: the approved entries."""
        return self.reviewed.approved


async def units_month(
    store: Store, members: list[Member], bounds: tuple[datetime, datetime], posts: Catalogue | None = None
) -> list[ReportRow]:
    """Every post-holder among `members` with the month's figures (`Month.bounds`), most approved points first."""
    cat = posts if posts is not None else await catalogue(store)
    holders = [m for m in members if m.posts]
    logs: dict[int, list[DutyLog]] = {}
    for entry in await month_logs(store, [m.id for m in holders], bounds):  # by member: 10 000 holders
        logs.setdefault(entry.member_id, []).append(entry)
    rows = []
    async for part in chunks(holders, 500):  # a township's thousands of post-holders: the loop let go between chunks
        for member in part:
            reviewed = summarize_reviewed(logs.get(member.id, ()), cat)
            rows.append(ReportRow(member, reviewed, met(reviewed, member.posts, cat)))
    rows.sort(key=lambda r: (-r.summary.points, r.member.name, r.member.id))
    return rows


class Followup(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"  # no longer ongoing: a new outcome was recorded before
    NOT_YOURS = "not_yours"


@dataclass(frozen=True)
class FollowupChange:
    """A new outcome for an ongoing mediation (`next_on`: the new follow-up date, when still ongoing)."""

    log_id: int
    outcome: str
    next_on: date | None = None


async def record_followup(
    store: Store, member_id: int, change: FollowupChange, now: datetime
) -> tuple[Followup, DutyLog | None]:
    """The post-holder's new outcome for an ongoing mediation."""
    log_id, outcome, next_on = change.log_id, change.outcome, change.next_on
    current = await store.duty.get(log_id)
    if current is None or current.member_id != member_id or current.post != MEDIATION:
        return Followup.NOT_YOURS, current
    if not await store.duty.record_followup(log_id, outcome, next_on, iso(now)):
        return Followup.ALREADY, current
    log.info("duty=%s member=%s follow-up outcome=%s", log_id, member_id, outcome)
    return Followup.RECORDED, await store.duty.get(log_id)


def followup_key(entry: DutyLog) -> str:
    return f"mediation:followup:{entry.id}:{entry.followup_on}"


def followup_buttons(lang: str, log_id: int) -> list[list[dict[str, str]]]:
    def button(outcome: MediationOutcome) -> dict[str, str]:
        return {"text": t(lang, f"duty.followup.button_{outcome}"), "data": DutyFollowup(log_id, outcome).pack()}

    return [
        [button(MediationOutcome.RESOLVED), button(MediationOutcome.REFERRED)],
        [button(MediationOutcome.ONGOING)],
    ]


async def mediation_followups(
    store: Store, settings: Settings, now: datetime, rows: Sequence[DueRow]
) -> dict[int, Handled]:
    """A due source: an ongoing mediation's follow-up date reminds its post-holder from 08:00 local that day.
    Its row comes due then; it waits (parked) while the post-holder is not linked or has left the roster, and
    its chain ends with the reminder, or once the mediation is no longer ongoing (a new date starts it again)."""
    entries = {row.id: await store.duty.get(row.subject) for row in rows}
    out: dict[int, Handled] = {}
    due = []
    for row in rows:
        entry = entries[row.id]
        if entry is None or entry.post != MEDIATION or entry.outcome != "ongoing" or entry.followup_on is None:
            out[row.id] = Handled(next_at=None)
        elif not followup_is_due(entry.followup_on, now, settings.tz):
            out[row.id] = Handled(next_at=datetime.combine(entry.followup_on, FOLLOWUP_AT, tzinfo=settings.tz))
        else:
            due.append((row, entry))
    sent = await store.outbox.existing_keys(followup_key(e) for _, e in due)
    for row, entry in due:
        member = await store.members.get(entry.member_id)
        if followup_key(entry) in sent:
            out[row.id] = Handled(next_at=None)
        elif member is None or not member.active or not member.linked or member.telegram_id is None:
            out[row.id] = Handled(next_at=NEVER)
        else:
            out[row.id] = Handled([Due(_followup_reminder(entry, member, settings))], next_at=None)
    return out


def _followup_reminder(entry: DutyLog, member: Member, settings: Settings) -> Outgoing:
    assert member.telegram_id is not None
    lang = resolve_language(member.language, None, settings.default_language)
    text = t(
        lang,
        "duty.followup.reminder",
        id=entry.id,
        parties=entry.parties or "",
        kind=t(lang, f"duty.kind.{entry.kind or 'other'}"),
        logged=dates.day(lang, entry.local_date),
        summary=entry.summary or "",
    )
    return Outgoing(
        key=followup_key(entry),
        kind="reminder",
        chat_id=member.telegram_id,
        text=text,
        member_id=member.id,
        ref=f"duty:{entry.id}",
        buttons=followup_buttons(lang, entry.id),
    )


EXPORT_HEADER = [
    "id",
    "post",
    "member",
    "branch",
    "date",
    "area_or_parties",
    "details",
    "minutes",
    "kind",
    "outcome",
    "followup_on",
    "points",
    "photo_file_id",
    "logged_at_utc",
    "post_name",
    "served",
    "review",
    "reviewed_at_utc",
    "review_reason",
]


async def duty_logs_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    """`duty_logs.csv`: one row per entry of any post, streamed (`EXPORT_HEADER`), with its review; the photo
    by its Telegram file id. A generic entry's `details` is what was done."""
    cat = await catalogue(store)
    async with aclosing(store.duty.each(units)) as logs:
        async for entry, name, unit_id in logs:
            patrol = entry.post == PATROL
            yield [
                entry.id,
                entry.post,
                name,
                tree.name(unit_id),
                entry.local_date.isoformat(),
                entry.area if patrol else entry.parties,
                entry.findings if patrol else entry.summary,
                entry.minutes,
                entry.kind,
                entry.outcome,
                entry.followup_on.isoformat() if entry.followup_on else None,
                entry_points(entry, cat),
                entry.photo_file_id,
                entry.at,
                cat.name(entry.post),
                entry.served,
                entry.review,
                entry.reviewed_at,
                entry.review_reason,
            ]
