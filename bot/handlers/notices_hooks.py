"""The sender's after-send hook for notices: once no delivery of a notice is pending, the secretary's one
summary is queued (outbox key `notice:<id>:summary`, so it is once-only even when several deliveries
finish together); a delivery that finished after its notice was cancelled gets the cancellation too."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.context import Services
from bot.delivery import AFTER_SEND
from bot.services import notices_text as view
from bot.services.rights import OrgTree
from bot.store.notices import Notice
from bot.store.outbox import OutboxRow, Outgoing

log = logging.getLogger(__name__)


def cancellation(services: Services, notice: Notice, tree: OrgTree, row: OutboxRow, lang: str) -> Outgoing:
    """Word that the meeting is cancelled, to the chat that got the notice (a member or the group)."""
    who = row.member_id if row.member_id is not None else "group"
    return Outgoing(key=f"notice:{notice.id}:cancel:{who}", kind="notice_cancel", chat_id=row.chat_id,
                    member_id=row.member_id, ref=f"notice-cancel:{notice.id}",
                    text=view.cancelled(lang, notice, tree, services.settings.tz))


async def after_send(app: Application[Any, Any, Any, Any, Any, Any], row: OutboxRow, status: str) -> None:
    if row.kind != "notice" or not row.ref or not row.ref.startswith("notice:"):
        return
    services: Services = app.bot_data["services"]
    store = services.store
    notice_id = int(row.ref.split(":", 1)[1])
    state = await store.notices.broadcast_state(notice_id)
    if state is None:
        return
    cancelled, pending = state
    late_cancel = cancelled and status in ("sent", "uncertain")  # it went out while the cancel was written
    if not late_cancel and (cancelled or pending > 0):
        return
    notice = await store.notices.get(notice_id)
    assert notice is not None
    if late_cancel:
        member = await store.members.get(row.member_id) if row.member_id is not None else None
        lang = (member.language if member else None) or services.settings.default_language
        tree = OrgTree.of(await store.units.all())
        queued = await store.outbox.enqueue([cancellation(services, notice, tree, row, lang)])
    else:
        queued = await store.outbox.enqueue([await view.summary_message(store, notice, services.settings.tz)])
        if queued:
            log.info("notice=%s broadcast finished, summary queued", notice.id)
    if queued:
        services.poke_sender()


def register(app: Application) -> None:  # type: ignore[type-arg]
    if after_send not in AFTER_SEND:
        AFTER_SEND.append(after_send)
