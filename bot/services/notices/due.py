"""A meeting's reminders as a due source: MEETING_REMINDERS before each live notice, to the recipients whose
delivery was sent and who are not on leave.

The notice's row comes due at each stage's start (and at the meeting's start, when it ends). In a stage's
window every such recipient is reminded, in delivery order, a page at a time (a notice to the whole
community is long). While the broadcast is still going, deliveries sent later are reminded at the next
sweeps: the row's `mark` is the lowest delivery that was not final when the stage was worked out — every
delivery below it is final and, if sent, reminded — so a sweep reads only the deliveries from there on. The
mark holds for the stage it was worked out in: a row that came due before the stage began starts afresh.
A stage already past when the notice went out is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.services.kernel.reminders import Due, Handled
from bot.services.notices import text
from bot.services.notices.common import URGENT_WITHIN, stage_label, stage_windows
from bot.store import Store
from bot.store.db import iso
from bot.store.due import DueRow
from bot.store.notices import Notice
from bot.store.notices_due import Recipient
from bot.store.outbox import Outgoing

PAGE = 250  # recipients reminded per step (a step's work on the event loop stays a few milliseconds)


def meeting_stage(starts_at: datetime, now: datetime, stages: list[timedelta]) -> timedelta | None:
    """The reminder stage whose window holds `now`, if any."""
    for stage, following in stage_windows(stages):
        if starts_at - stage <= now < starts_at - following:
            return stage
    return None


def next_meeting_look(starts_at: datetime, now: datetime, stages: Sequence[timedelta]) -> datetime | None:
    """The next stage's start, else the meeting's start (until then someone on leave may come after all);
    None once it has started."""
    later = [m for m in (*(starts_at - s for s in stages), starts_at) if m > now]
    return min(later) if later else None


async def meeting_chains(store: Store, settings: Settings, now: datetime, rows: Sequence[DueRow]) -> dict[int, Handled]:
    out: dict[int, Handled] = {}
    tree: OrgTree | None = None
    for row in rows:
        notice = await store.notices.get(row.subject)
        next_at = next_meeting_look(notice.starts_at, now, settings.meeting_stages) if notice else None
        if notice is None or notice.cancelled_at is not None or next_at is None:
            out[row.id] = Handled(next_at=None)
            continue
        stage = meeting_stage(notice.starts_at, now, settings.meeting_stages)
        if stage is None or notice.starts_at - stage < notice.created_at:
            out[row.id] = Handled(next_at=next_at)
            continue
        # where this step starts (a mark from before this stage began is an earlier stage's), and the lowest
        # delivery not final when the stage's work began
        began = notice.starts_at - stage
        mark = row.mark if row.mark is not None and row.due_at >= iso(began) else 0
        start, unfinished = row.cursor or (mark, await _unfinished(store, notice.id))
        recipients = await store.notices.stage_recipients(notice.id, stage_label(stage), start, PAGE)
        if recipients and tree is None:
            tree = OrgTree.of(await store.units.all())
        dues = _reminders(_Stage(notice, stage, now), recipients, tree, settings) if tree else []
        if len(recipients) == PAGE:  # more now; the row keeps its mark till the stage is worked through
            out[row.id] = Handled(dues, next_at=began, mark=mark, again=(recipients[-1].delivery_id + 1, unfinished))
        elif unfinished >= 0:  # the broadcast is still going: the next sweep goes on from there
            out[row.id] = Handled(dues, next_at=began, mark=unfinished)
        else:
            out[row.id] = Handled(dues, next_at=next_at)
    return out


async def _unfinished(store: Store, notice_id: int) -> int:
    found = await store.notices.first_unfinished(notice_id)
    return -1 if found is None else found


@dataclass(frozen=True)
class _Stage:
    """A stage of a meeting's reminders being worked through at `now`."""

    notice: Notice
    stage: timedelta
    now: datetime


def _reminders(at: _Stage, recipients: Sequence[Recipient], tree: OrgTree, settings: Settings) -> list[Due]:
    """One reminder per recipient, rendered once per language."""
    notice, stage = at.notice, at.stage
    rendered: dict[str, tuple[str, list[list[dict[str, str]]]]] = {}
    urgent = notice.starts_at - at.now <= URGENT_WITHIN
    out = []
    for r in recipients:
        lang = r.language or settings.default_language
        if lang not in rendered:
            rendered[lang] = (
                text.reminder(text.Wording(lang, tree, settings.tz), notice),
                text.buttons(lang, notice.id),
            )
        body, buttons = rendered[lang]
        out.append(
            Due(
                Outgoing(
                    key=f"meeting:{stage_label(stage)}:{notice.id}:{r.member_id}",
                    kind="reminder",
                    chat_id=r.telegram_id,
                    member_id=r.member_id,
                    ref=f"meeting:{notice.id}",
                    text=body,
                    buttons=buttons,
                ),
                urgent=urgent,
            )
        )
    return out
