"""The end of a 公示期, a plain source of `bot.services.registry.REMINDER_SOURCES`: the day after an item's last day
(or the first sweep after it, within END_LOOKBACK_DAYS), whoever posted it — or, when they cannot be reached, the
secretaries of its unit — is told once (`publicity:end:<item>`) whether objections came in and how many
are still unanswered."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import Settings
from bot.i18n import Html, t
from bot.services.kernel.reminders import Due
from bot.services.openness.rules import END_LOOKBACK_DAYS
from bot.services.openness.text import period_text
from bot.store import Store
from bot.store.outbox import Outgoing


async def period_ends(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    items = await store.openness.ended_between(today - timedelta(days=END_LOOKBACK_DAYS), today - timedelta(days=1))
    if not items:
        return []
    sent = await store.outbox.existing_keys([f"publicity:end:{i.id}" for i in items])
    items = [i for i in items if f"publicity:end:{i.id}" not in sent]
    if not items:
        return []
    posters = await store.members.by_ids(sorted({i.posted_by for i in items if i.posted_by}))
    due = []
    for item in items:
        poster = posters.get(item.posted_by) if item.posted_by else None
        to = poster
        if to is None or not to.active or not to.linked or to.unreachable or to.telegram_id is None:
            secretaries = await store.reports.secretaries([item.unit_id])
            found = await store.members.by_ids([sid for sid, _ in secretaries])
            to = next(
                (m for m in found.values() if m.active and m.linked and not m.unreachable and m.telegram_id), None
            )
        if to is None or to.telegram_id is None:
            continue
        lang = to.language or settings.default_language
        key = "openness.ended_none" if not item.objections else "openness.ended_some"
        text = t(
            lang,
            key,
            title=item.title,
            period=Html(period_text(lang, item.starts_on, item.ends_on, item.days)),
            count=item.objections,
            open=item.objections - item.answered,
        )
        message = Outgoing(
            key=f"publicity:end:{item.id}",
            kind="reminder",
            ref=f"publicity:{item.id}",
            member_id=to.id,
            chat_id=to.telegram_id,
            text=text,
        )
        due.append(Due(message))
    return due
