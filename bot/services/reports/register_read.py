"""Reading a 思想汇报 of the 发展党员 register and 已阅, as for a member's report (`bot.services.reports.read`): the
branch's secretary (or one over it) and the person's 培养联系人 may read it and mark it read; the person is told.
Anyone else — another member, a stranger — is refused, at every press."""

from __future__ import annotations

import secrets

from bot.domain.call import Call
from bot.domain.results import Result, alert, say
from bot.domain.rights import Actor, OrgTree
from bot.i18n import Html, t
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.reports import register
from bot.services.reports.buttons import RegisterComment, RegisterRead
from bot.services.reports.read import MAX_COMMENT, Commenting, Reading
from bot.services.reports.register import may_read
from bot.services.reports.view import day_text
from bot.services.reports.write import duration
from bot.store import Store
from bot.store.development import Person
from bot.store.development_reports import RegisterReport
from bot.store.outbox import Outgoing


async def _found(store: Store, person: Actor, report_id: int) -> tuple[Person, RegisterReport] | None:
    report = await store.development.report(report_id)
    owner = await store.development.get(report.person_id) if report is not None else None
    if report is None or owner is None:
        return None
    tree = OrgTree.of(await store.units.all())
    return (owner, report) if may_read(person, owner, tree) else None


async def read_register(deps: Deps, call: Call, report_id: int) -> Reading:
    """The report (its text, or its heading and then the voice message), who marked it 已阅, and 已阅 for a reader
    who has not marked it yet."""
    store, lang, tz = deps.store, call.lang, deps.tz
    today = call.now.astimezone(tz).date()
    found = await _found(store, call.actor, report_id)
    if found is None:
        return Reading(Result.of(alert("report.not_allowed")))
    owner, report = found
    marks = await store.development.report_reads(report.id)
    reads = "".join(
        t(
            lang,
            "report.read_line",
            reader=r.reader_name,
            date=day_text(lang, r.at, tz, today),
            comment=Html(t(lang, "report.read_comment", comment=r.comment) if r.comment else ""),
        )
        for r in marks
    )
    me = call.actor.member
    mine = me is not None and any(r.reader_id == me.id for r in marks)
    buttons = None
    if me is not None and not mine:
        buttons = [
            [
                {"text": t(lang, "report.button_read"), "data": RegisterRead(report.id).pack()},
                {"text": t(lang, "report.button_comment"), "data": RegisterComment(report.id).pack()},
            ]
        ]
    period = register.period_name(report.period, lang)
    name = f"{owner.name}（{register.stage_word(owner, lang)}）" if lang == "zh" else owner.name
    date = day_text(lang, report.submitted_at, tz, today)
    if report.voice is not None:
        text = say(
            "report.voice_text",
            buttons=buttons,
            name=name,
            period=period,
            date=date,
            duration=duration(report.seconds or 0, lang),
            reads=Html(reads),
        )
        caption = t(lang, "report.voice_caption", name=owner.name, period=period)
        return Reading(Result.of(text), voice=report.voice, caption=caption)
    text = say("report.text", buttons=buttons, name=name, period=period, date=date, text=report.text, reads=Html(reads))
    return Reading(Result.of(text))


async def mark_register(deps: Deps, call: Call, report_id: int, comment: str | None = None) -> Result:
    """已阅 (with the comment, if any): recorded, and the person told in their private chat (the register's), in one
    transaction. Marking again without a comment says it is done already; a comment is always sent."""
    store, settings = deps.store, deps.settings
    found = await _found(store, call.actor, report_id)
    reader = call.actor.member
    if found is None:
        return Result.of(alert("report.not_allowed"))
    if reader is None:
        return Result.of(alert("report.read_not_allowed"))
    owner, report = found
    if comment is None and any(r.reader_id == reader.id for r in await store.development.report_reads(report.id)):
        return Result.of(alert("report.read_already"))
    told: list[Outgoing] = []
    if owner.telegram_id is not None:
        lang = owner.language if owner.language in ("zh", "en") else settings.default_language
        period = register.period_name(report.period, lang)
        told.append(
            Outgoing(
                key=f"report:register:read:{report.id}:{reader.id}:{call.now.timestamp():.0f}-{secrets.token_hex(4)}",
                kind="notice",
                ref=f"report:register:{report.id}",
                chat_id=owner.telegram_id,
                text=t(lang, "report.read_told_comment", period=period, reader=reader.name, comment=comment)
                if comment
                else t(lang, "report.read_told", period=period, reader=reader.name),
            )
        )
    if not await store.development.mark_report_read(report.id, reader.id, call.now, (comment, told)):
        return Result.of(alert("report.read_already"))  # pressed twice at once: the first one marked it
    key = "report.read_done_comment" if comment else "report.read_done"
    return Result.of(say(key, name=owner.name), queued=len(told))


async def ask_comment(deps: Deps, call: Call, report_id: int) -> Commenting:
    """已阅并写意见 pressed: the comment is asked for (if this person may mark the report)."""
    found = await _found(deps.store, call.actor, report_id)
    if found is None or call.actor.member is None:
        return Commenting(Result.of(alert("report.not_allowed")), None)
    return Commenting(
        Result.of(say("report.ask_comment", name=found[0].name, limit=MAX_COMMENT)), report_id, of_register=True
    )


async def give_comment(deps: Deps, call: Call, report_id: int | None, text: str) -> Commenting:
    """The comment typed: checked, then the report marked read with it (the right checked again)."""
    if report_id is None:
        return Commenting(Result.of(), None)
    comment = clean_text(text, multiline=True)
    if not comment:
        return Commenting(Result.of(say("report.comment_empty")), report_id, of_register=True)
    if len(comment) > MAX_COMMENT:
        return Commenting(Result.of(say("report.comment_too_long", limit=MAX_COMMENT)), report_id, of_register=True)
    return Commenting(await mark_register(deps, call, report_id, comment), None)


async def comment_not_text(deps: Deps, call: Call, report_id: int | None) -> Commenting:
    """A photo, voice message or sticker where the comment is expected: say so, ask again."""
    if report_id is None:
        return Commenting(Result.of(), None)
    asked = await ask_comment(deps, call, report_id)
    return Commenting(Result.of(say("common.text_expected"), *asked.result.replies), asked.report_id, of_register=True)
