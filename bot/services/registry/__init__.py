"""The core's wiring, listed once and read top to bottom: every reminder source the sweep runs, every hook
the sender calls after a delivery, each capability's button payloads (its `buttons` module) and the modules
that declare conversation drafts. Importing those registers their payload kinds and drafts, so `PAYLOADS` and
`FLOWS` are collected, never kept by hand.

A second front end (企业微信, say) uses the same lists: it runs `sweep` on a timer and calls the hooks
after each of its own deliveries.

Sources and hooks are called by the system, not by a person: they take `(store, settings, now)` and
`(store, settings, row, status)`, with no actor and no language, where the use cases a person starts take
`(deps, call, input)`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.config import Settings
from bot.domain import drafts, payload
from bot.domain.drafts import Draft
from bot.domain.payload import Payload
from bot.services.appraisal import buttons as appraisal_buttons
from bot.services.appraisal import handin as appraisal_handin
from bot.services.appraisal import prompts as appraisal_prompts
from bot.services.appraisal import reminders as appraisal_reminders
from bot.services.care import buttons as care_buttons
from bot.services.care import reminders as care_reminders
from bot.services.care import steps as care_steps
from bot.services.development import reminders as development_reminders
from bot.services.dues import reminders as dues_reminders
from bot.services.duty import accounts as duty_accounts
from bot.services.duty import buttons as duty_buttons
from bot.services.duty import common as duty
from bot.services.duty import flow as duty_flow
from bot.services.duty import review as duty_review
from bot.services.households import agency as households_agency
from bot.services.households import buttons as households_buttons
from bot.services.households import due as households_due
from bot.services.households import requests_flow
from bot.services.households import visit as households_visit
from bot.services.kernel import buttons as kernel_buttons
from bot.services.kernel import digest, reminders
from bot.services.kernel.reminders import DueSource, ReminderSource
from bot.services.ledger import buttons as ledger_buttons
from bot.services.ledger.nudges import ledger_nudges
from bot.services.members import buttons as members_buttons
from bot.services.members import committees as members_committees
from bot.services.minutes import buttons as minutes_buttons
from bot.services.minutes import rules as minutes_rules
from bot.services.notices import attendance as notices_attendance
from bot.services.notices import broadcast as notices_broadcast
from bot.services.notices import buttons as notices_buttons
from bot.services.notices import common as notices
from bot.services.notices import compose as notices_compose
from bot.services.notices import due as due_meetings
from bot.services.notices import presence as notices_presence
from bot.services.notices import publishing as notices_publishing
from bot.services.openness import buttons as openness_buttons
from bot.services.openness import reminders as openness_reminders
from bot.services.reports import buttons as reports_buttons
from bot.services.reports import due as due_reports
from bot.services.reports import read as reports_read
from bot.services.reports import register as reports_register
from bot.services.reports import status_steps
from bot.services.reports import write as reports_write
from bot.services.transfers import buttons as transfers_buttons
from bot.services.transfers import moving_reminders
from bot.services.transfers import out_steps as transfers_out
from bot.services.transfers import reminders as transfers_reminders
from bot.store import Store
from bot.store.outbox import OutboxRow

#: Called once an outbox row reached a final state (sent, failed, uncertain); returns how many messages
#: it queued in turn, so the sender knows to go on.
AfterSend = Callable[[Store, Settings, OutboxRow, str], Awaitable[int]]

#: Chains read through their due times (`bot.services.kernel.reminders`, the `due` table), and plain sources that
#: are cheap by an index of their own.
REMINDER_SOURCES: tuple[DueSource | ReminderSource, ...] = (
    DueSource("report", due_reports.report_chains),  # thought reports: before the deadline, overdue,
    # escalations, no contact
    DueSource("meeting", due_meetings.meeting_chains),  # MEETING_REMINDERS before each meeting
    notices.missed_summaries,  # a broadcast summary the process stopped before queueing
    DueSource("mediation", duty.mediation_followups),  # an ongoing mediation's follow-up date
    ledger_nudges,  # 三会一课: on the 20th, what a branch has not yet held
    members_committees.term_reminders,  # 换届: six months and one month before a committee's term ends
    duty_accounts.account_prompts,  # 述职: each post-holder once a quarter
    care_reminders.quiet_cases,  # a care case with no visit for CARE_QUIET_DAYS
    care_reminders.festival_lists,  # before 春节 and 七一: each secretary's visiting list
    development_reminders.development_reminders,  # 发展党员: the talk, 考察, 审批, the 转正 application
    reports_register.register_reports,  # 发展党员's 思想汇报: the person before the quarter ends, then (digest)
    # the secretaries and 培养联系人
    DueSource("dues", dues_reminders.arrears),  # 党费: the member at 2 months unpaid, the secretaries' digest
    # at 3 and 5 (one chain per member with a rule; it sleeps until the first of next month)
    transfers_reminders.transfer_reminders,  # 组织关系转接: the letter, its 有效期, the 回执, 编入党小组
    moving_reminders.card_reminders,  # 流动党员活动证: 30 days before its last day, and once run out
    moving_reminders.serve_reminders,  # 在职党员 到社区报到: from 1 March, once a year, who has not reported
    moving_reminders.separated_reminders,  # 人户分离: the liaison, after a quarter without contact
    appraisal_reminders.talk_nudges,  # from October, monthly, digest: a secretary's missing 谈心谈话 pairs
    appraisal_prompts.talk_prompts,  # illness, hardship, care, 基本合格/不合格: a talk due, in private
    appraisal_reminders.rectify_items,  # an open 整改 item: before, on and weekly after its deadline
    appraisal_reminders.material_reminders,  # 对照检查材料 not handed in, before the deadline
    appraisal_reminders.correction_followups,  # a 限期改正 date come, digest: the member's secretaries
    appraisal_reminders.pledge_asks,  # January: a member without this year's 党员承诺
    appraisal_reminders.progress_asks,  # June, December: a pledge without 践诺 this half year
    openness_reminders.period_ends,  # 党务公开: the day after a 公示期, whether objections came in, once
    digest.daily_digests,  # from DIGEST_TIME: each person's escalations in one
    # message (waiting items: a partial index); the last
    # plain source, so it carries what this sweep recorded
    DueSource("visit", households_due.visit_reminders),  # a member's weekly list of households to visit
    DueSource("request", households_due.request_reminders),  # an open resident's request: 7 and 15 days
    households_agency.agency_reminders,  # 代办: its agent before, on and weekly after the deadline
)

#: Each capability's button payloads (`bot/services/<capability>/buttons.py`).
BUTTONS = (
    appraisal_buttons,
    care_buttons,
    duty_buttons,
    households_buttons,
    kernel_buttons,
    ledger_buttons,
    members_buttons,
    minutes_buttons,
    notices_buttons,
    openness_buttons,
    reports_buttons,
    transfers_buttons,
)
#: Every payload kind, as their modules registered them (`bot.domain.payload`): for the tests (64 bytes at
#: the most, round trips, no two kinds taking the same data) and the docs.
PAYLOADS: tuple[type[Payload], ...] = payload.kinds()

#: The modules that declare the drafts of step-by-step conversations (`bot.domain.drafts`).
DRAFTS = (
    appraisal_handin,  # appraisal.handin
    care_steps,  # care.visit
    duty_accounts,  # duty.account
    duty_flow,  # duty.log
    duty_review,  # duty.reject
    households_visit,  # households.visit
    minutes_rules,  # minutes.record
    notices_attendance,  # notices.leave
    notices_compose,  # notices.compose
    notices_presence,  # notices.venue
    reports_read,  # reports.comment
    reports_write,  # reports.write
    requests_flow,  # households.request
    status_steps,  # reports.status
    transfers_out,  # transfers.out
)
#: Every conversation draft by its stable name: the only types a stored draft is ever rebuilt as.
FLOWS: dict[str, type[Draft]] = drafts.flows()

AFTER_SEND: tuple[AfterSend, ...] = (
    notices_broadcast.after_delivery,  # the broadcast summary; a cancellation to a late delivery
)


async def sweep(store: Store, settings: Settings, now: datetime) -> int:
    """One reminder sweep over every source, after finishing any notice left publishing; returns how many
    messages were queued."""
    return await resume_publishing(store, settings) + await reminders.sweep(store, settings, now, REMINDER_SOURCES)


async def resume_publishing(store: Store, settings: Settings) -> int:
    """Every notice whose publish stopped between chunks, published to its end (issue 31): at start-up and by
    the sweep."""
    return await notices_publishing.resume(store, settings)
