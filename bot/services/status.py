"""Recording a status report and deciding who is told (illness and hardship alert the liaison and the
secretaries of the member's unit, through the outbox, in the same transaction as the report)."""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.config import Settings
from bot.i18n import Html, t
from bot.services.people import unit_label
from bot.services.reports import ALERTING, StatusInput, alert_recipients
from bot.services.rights import OrgTree
from bot.store import Store
from bot.store.models import Member
from bot.store.outbox import Outgoing


def describe(state: str, location: str | None, lang: str) -> tuple[Html, Html]:
    """(state words, " (place)") in the reader's language, as HTML (the place escaped once, here)."""
    where = t(lang, "status.where", location=location) if location else ""
    return Html(t(lang, f"status.state.{state}")), Html(where)


async def record_status(store: Store, settings: Settings, tree: OrgTree, member: Member,
                        status: StatusInput, now: datetime) -> int:
    """Save the report; returns how many people were alerted."""
    alerts: list[Outgoing] = []
    stamp = f"{now.timestamp():.0f}-{secrets.token_hex(4)}"  # two reports in one second alert twice
    if status.state in ALERTING:
        liaison = await store.members.liaison_of(member)
        secretaries = await store.members.with_role("secretary")
        for person in alert_recipients(member, liaison, secretaries):
            assert person.telegram_id is not None
            lang = person.language or settings.default_language
            state, where = describe(status.state, status.location, lang)
            note = t(lang, "status.alert_note", note=status.note) if status.note else ""
            alerts.append(Outgoing(
                key=f"status:alert:{member.id}:{stamp}:{person.id}", kind="alert",
                ref=f"status:{member.id}", member_id=person.id, chat_id=person.telegram_id,
                text=t(lang, "status.alert", name=member.name, unit=unit_label(tree, member), state=state,
                       where=where, note=Html(note)),
            ))
    await store.reports.add_status(member.id, status.state, status.location, status.note, now, alerts)
    return len(alerts)
