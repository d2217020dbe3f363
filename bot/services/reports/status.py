"""Recording a status report and deciding who is told (illness, hardship and 外出就医 alert the liaison and the
secretaries of the member's unit, through the outbox, in the same transaction as the report). A member who is
not mobile and goes to work or trade away is asked whether for more than a month
(`bot.services.reports.mobile` takes the answer)."""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.payload import YesNo
from bot.domain.results import Reply, Result, say
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.care.common import care_statements
from bot.services.kernel.deps import Deps
from bot.services.members.people import unit_label
from bot.services.reports.buttons import StatusLong
from bot.services.reports.common import (
    ALERTING,
    LEAVING,
    InputError,
    StatusInput,
    alert_recipients,
    is_mobile,
    member_of,
    parse_status_line,
)
from bot.store.outbox import Outgoing


def describe(state: str, location: str | None, lang: str) -> tuple[Html, Html]:
    """(state words, " (place)") in the reader's language, as HTML (the place escaped once, here)."""
    where = t(lang, "status.where", location=location) if location else ""
    return Html(t(lang, f"status.state.{state}")), Html(where)


async def _alerts(deps: Deps, member: Member, status: StatusInput, now: datetime) -> list[Outgoing]:
    """The alert for each person told of an illness or hardship, in their own language."""
    store, settings = deps.store, deps.settings
    if status.state not in ALERTING:
        return []
    tree = OrgTree.of(await store.units.all())
    liaison = await store.members.liaison_of(member)
    secretaries = await store.members.with_role("secretary")
    stamp = f"{now.timestamp():.0f}-{secrets.token_hex(4)}"  # two reports in one second alert twice
    alerts: list[Outgoing] = []
    for person in alert_recipients(member, liaison, secretaries):
        assert person.telegram_id is not None  # alert_recipients keeps only reachable people
        lang = person.language or settings.default_language
        state, where = describe(status.state, status.location, lang)
        note = t(lang, "status.alert_note", note=status.note) if status.note else ""
        alerts.append(
            Outgoing(
                key=f"status:alert:{member.id}:{stamp}:{person.id}",
                kind="alert",
                ref=f"status:{member.id}",
                member_id=person.id,
                chat_id=person.telegram_id,
                text=t(
                    lang,
                    "status.alert",
                    name=member.name,
                    unit=unit_label(tree, member),
                    state=state,
                    where=where,
                    note=Html(note),
                ),
            )
        )
    return alerts


async def save_status(deps: Deps, call: Call, status: StatusInput) -> Result:
    """Save the member's status; an illness or hardship queues the alerts with it (one transaction)."""
    now, lang = call.now, call.lang
    member = member_of(call.actor)
    alerts = await _alerts(deps, member, status, now)
    care = care_statements(member.id, status, now, deps.tz)  # opens a care case
    status_id = await deps.store.reports.add_status(
        member.id, status.state, status.location, status.note, now, alerts, care
    )
    state, where = describe(status.state, status.location, lang)
    saved = say("status.saved_alerted" if alerts else "status.saved", state=state, where=where)
    if status.state in LEAVING and not is_mobile(member):
        return Result.of(saved, ask_long(status_id, lang), queued=len(alerts))
    return Result.of(saved, queued=len(alerts))


def ask_long(status_id: int, lang: str) -> Reply:
    """The question put after a 外出务工 / 外出经商 status of a member who is not mobile."""
    return say(
        "mobile.ask_long",
        buttons=[
            [
                {"text": t(lang, "mobile.long_yes"), "data": StatusLong(status_id, YesNo.YES).pack()},
                {"text": t(lang, "mobile.long_no"), "data": StatusLong(status_id, YesNo.NO).pack()},
            ]
        ],
    )


async def status_line(deps: Deps, call: Call, fields: list[str]) -> Result:
    """`/status state | place | note` in one line: saved, or the mistake explained with an example."""
    try:
        status = parse_status_line(fields)
    except InputError as exc:
        return Result.of(exc.reply())
    return await save_status(deps, call, status)
