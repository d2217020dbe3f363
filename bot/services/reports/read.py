"""Reading a thought report from `/reports` (its text, or its voice message played again by file id) and
已阅: a secretary over the member, or the member's liaison, marks it read, with an optional comment; the member
is told through the outbox, in the transaction that records the mark."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal

from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Buttons, Result, alert, say
from bot.domain.rights import Actor, OrgTree, can_manage, can_see_member
from bot.i18n import Html, t
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.reports.buttons import ReportComment, ReportRead
from bot.services.reports.common import period_name
from bot.services.reports.view import day_text
from bot.services.reports.write import duration
from bot.store import Store
from bot.store.outbox import Outgoing
from bot.store.reports import ThoughtReport

MAX_COMMENT = 500


@dataclass(frozen=True)
class Reading:
    """A report shown: the answers (the text, or the heading of a voice report, with the 已阅 buttons) and the
    voice message to send after them (file id and caption), if it is one."""

    result: Result
    voice: str | None = None
    caption: str = ""


@dataclass(frozen=True)
class Commenting:
    """A step of writing a comment: the answers, and the report still waiting for its comment (None: done)."""

    result: Result
    report_id: int | None
    of_register: bool = False  # a report of the 发展党员 register (`bot.services.reports.register_read`)


class CommentDraft(drafts.Draft):
    """已阅并写意见 pressed: the report whose comment is being written (of the 发展党员 register when `of_register`)."""

    flow: Literal["reports.comment"] = "reports.comment"
    report_id: int
    of_register: bool = False


async def visible_report(
    store: Store, person: Actor, tree: OrgTree, report_id: int
) -> tuple[Member, ThoughtReport] | None:
    """The report and its author, if this person may read it (the author, their liaison, a secretary
    over them, an admin)."""
    report = await store.reports.thought_by_id(report_id)
    if report is None:
        return None
    member = await store.members.get(report.member_id)
    if member is None or not can_see_member(person, member, tree):
        return None
    return member, report


def may_mark(person: Actor, member: Member, tree: OrgTree) -> bool:
    """已阅 is for a secretary over the member's branch or the member's liaison — not the author."""
    me = person.member
    if me is None or me.id == member.id:
        return False
    return member.liaison_id == me.id or (me.is_secretary and can_manage(person, member.unit_id, tree))


def _read_buttons(report_id: int, lang: str) -> Buttons:
    return [
        [
            {"text": t(lang, "report.button_read"), "data": ReportRead(report_id).pack()},
            {"text": t(lang, "report.button_comment"), "data": ReportComment(report_id).pack()},
        ]
    ]


async def read_report(deps: Deps, call: Call, report_id: int) -> Reading:
    """A report, if this person may read it (the right is checked again at every press): its text, or its
    heading and then the voice message; who has marked it 已阅; and the 已阅 buttons for those who may."""
    person, store, lang = call.actor, deps.store, call.lang
    tree = OrgTree.of(await store.units.all())
    found = await visible_report(store, person, tree, report_id)
    if found is None:
        return Reading(Result.of(alert("report.not_allowed")))
    member, report = found
    tz = deps.tz
    today = call.now.astimezone(tz).date()
    reads = "".join(
        t(
            lang,
            "report.read_line",
            reader=r.reader_name,
            date=day_text(lang, r.at, tz, today),
            comment=Html(t(lang, "report.read_comment", comment=r.comment) if r.comment else ""),
        )
        for r in await store.reports.reads_of([report.id])
    )
    buttons = _read_buttons(report.id, lang) if may_mark(person, member, tree) else None
    period = period_name(report.period, lang)
    date = day_text(lang, report.submitted_at, tz, today)
    if report.voice is not None:
        return Reading(
            Result.of(
                say(
                    "report.voice_text",
                    buttons=buttons,
                    name=member.name,
                    period=period,
                    date=date,
                    duration=duration(report.seconds or 0, lang),
                    reads=Html(reads),
                )
            ),
            voice=report.voice,
            caption=t(lang, "report.voice_caption", name=member.name, period=period),
        )
    return Reading(
        Result.of(
            say(
                "report.text",
                buttons=buttons,
                name=member.name,
                period=period,
                date=date,
                text=report.text,
                reads=Html(reads),
            )
        )
    )


async def _markable(person: Actor, report_id: int, store: Store) -> tuple[Member, ThoughtReport] | str:
    """The report and its author when this person may mark it; else the alert's key."""
    tree = OrgTree.of(await store.units.all())
    found = await visible_report(store, person, tree, report_id)
    if found is None:
        return "report.not_allowed"
    if not may_mark(person, found[0], tree):
        return "report.read_not_allowed"
    return found


async def mark_read(deps: Deps, call: Call, report_id: int, comment: str | None = None) -> Result:
    """已阅 (with the comment, if any): recorded, and the member told in their language. Marking again
    without a comment says it is done already; a comment is always sent."""
    person, now, store, settings = call.actor, call.now, deps.store, deps.settings
    found = await _markable(person, report_id, store)
    if isinstance(found, str):
        return Result.of(alert(found))
    member, report = found
    assert person.member is not None  # may_mark
    reader = person.member
    if comment is None and any(r.reader_id == reader.id for r in await store.reports.reads_of([report.id])):
        return Result.of(alert("report.read_already"))
    told: list[Outgoing] = []
    if member.linked and member.telegram_id is not None:
        lang = member.language if member.language in ("zh", "en") else settings.default_language
        period = period_name(report.period, lang)
        text = (
            t(lang, "report.read_told_comment", period=period, reader=reader.name, comment=comment)
            if comment
            else t(lang, "report.read_told", period=period, reader=reader.name)
        )
        told.append(
            Outgoing(
                key=f"report:read:{report.id}:{reader.id}:{now.timestamp():.0f}-{secrets.token_hex(4)}",
                kind="notice",
                ref=f"report:{report.id}",
                member_id=member.id,
                chat_id=member.telegram_id,
                text=text,
            )
        )
    if not await store.reports.mark_read(report.id, reader.id, comment, now, told):
        return Result.of(alert("report.read_already"))
    return Result.of(
        say("report.read_done_comment" if comment else "report.read_done", name=member.name), queued=len(told)
    )


async def ask_comment(deps: Deps, call: Call, report_id: int) -> Commenting:
    """已阅并写意见 pressed: the comment is asked for (if this person may mark the report)."""
    found = await _markable(call.actor, report_id, deps.store)
    if isinstance(found, str):
        return Commenting(Result.of(alert(found)), None)
    return Commenting(Result.of(say("report.ask_comment", name=found[0].name, limit=MAX_COMMENT)), report_id)


async def give_comment(deps: Deps, call: Call, report_id: int | None, text: str) -> Commenting:
    """The comment typed: checked, then the report marked read with it (the right checked again)."""
    if report_id is None:  # the step was lost (a restart)
        return Commenting(Result.of(), None)
    comment = clean_text(text, multiline=True)
    if not comment:
        return Commenting(Result.of(say("report.comment_empty")), report_id)
    if len(comment) > MAX_COMMENT:
        return Commenting(Result.of(say("report.comment_too_long", limit=MAX_COMMENT)), report_id)
    return Commenting(await mark_read(deps, call, report_id, comment), None)


async def comment_not_text(deps: Deps, call: Call, report_id: int | None) -> Commenting:
    """A photo, voice message or sticker where the comment is expected: say so, ask again."""
    if report_id is None:
        return Commenting(Result.of(), None)
    asked = await ask_comment(deps, call, report_id)
    return Commenting(Result.of(say("common.text_expected"), *asked.result.replies), asked.report_id)
