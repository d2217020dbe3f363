"""What follows a notice's deliveries (a use case the sender calls after each row reaches a final state):
once no delivery of a notice is pending, the secretary's one summary is queued (outbox key
`notice:<id>:summary`, so it is once-only even when several deliveries finish together); a delivery that
finished after its notice was cancelled gets the cancellation too. No Telegram here."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.services.notices import text as view
from bot.store import Store
from bot.store.notices import Notice
from bot.store.outbox import OutboxRow, Outgoing

log = logging.getLogger(__name__)


def cancellation(notice: Notice, row: OutboxRow, wording: view.Wording) -> Outgoing:
    """Word that the meeting is cancelled, to the chat that got the notice (a member or the group), worded
    for its reader."""
    who = row.member_id if row.member_id is not None else "group"
    return Outgoing(
        key=f"notice:{notice.id}:cancel:{who}",
        kind="notice_cancel",
        chat_id=row.chat_id,
        member_id=row.member_id,
        ref=f"notice-cancel:{notice.id}",
        text=view.cancelled(wording, notice),
    )


async def after_delivery(store: Store, settings: Settings, row: OutboxRow, status: str) -> int:
    """The after-send hook of notices; returns how many messages it queued."""
    if row.kind != "notice" or not row.ref or not row.ref.startswith("notice:"):
        return 0
    notice_id = int(row.ref.split(":", 1)[1])
    state = await store.notices.broadcast_state(notice_id)
    if state is None:
        return 0
    cancelled, pending = state
    late_cancel = cancelled and status in ("sent", "uncertain")  # it went out while the cancel was written
    if not late_cancel and (cancelled or pending):
        return 0
    notice = await store.notices.get(notice_id)
    assert notice is not None
    if late_cancel:
        member = await store.members.get(row.member_id) if row.member_id is not None else None
        lang = (member.language if member else None) or settings.default_language
        tree = OrgTree.of(await store.units.all())
        return await store.outbox.enqueue([cancellation(notice, row, view.Wording(lang, tree, settings.tz))])
    queued = await store.outbox.enqueue([await view.summary_message(store, notice, settings.tz)])
    if queued:
        log.info("notice=%s broadcast finished, summary queued", notice.id)
    return queued
