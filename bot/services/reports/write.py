"""`/report`: write the period's thought report (in one or several messages, or speak it in a voice message),
see a preview, Send or Cancel. A mobile member's report is for their open period, by its deadline; a member who
is not mobile may hand one in whenever they wish (it is filed under the month).

The draft lives with the front end between steps (`ReportDraft`). Each preview gets its own short random
id, carried by its Send and Cancel buttons: a button acts only on the preview it sits under, so pressing
Send on an older preview (the text has grown since) saves nothing and says the preview is out of date.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.config import Settings
from bot.domain import drafts, periods
from bot.domain.call import Call
from bot.domain.results import Reply, Result, alert, say, shown
from bot.i18n import Html, reply_text, t
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.reports import register
from bot.services.reports.buttons import ReportCancel, ReportSend
from bot.services.reports.common import MIN_REPORT, InputError, check_report, is_mobile, member_of, period_name
from bot.services.reports.view import report_period_for
from bot.store.development_reports import Saving

PREVIEW_CHARS = 1500
#: A voice report shorter than this is taken for a slip of the thumb.
MIN_VOICE_SECONDS = 5


class ReportDraft(drafts.Draft):
    """The report being written: its period, the question asked for it, the text so far, and the id of
    the preview that shows this text (None until a preview is shown)."""

    flow: Literal["reports.write"] = "reports.write"
    period: str
    ask: str  # report.ask, report.ask_overdue, report.ask_free (not mobile: no deadline), report.ask_probation
    deadline: str
    text: str = ""
    preview: str | None = None
    voice: str | None = None  # a voice report: Telegram's file id (then `text` is unused)
    seconds: int = 0
    person: int | None = None  # the 发展党员 register's record writing (an 积极分子, not a member): its quarter


@dataclass(frozen=True)
class Writing:
    """A step's outcome: the answers, the draft to keep (None: the conversation is over), and whether the
    pressed preview's buttons should go (it was sent or cancelled)."""

    result: Result
    draft: ReportDraft | None
    close_preview: bool = False


def _day(call: Call, moment: datetime, settings: Settings) -> str:
    """The day a report was handed in, in words (`5月5日（周二）`): the year when it was not this year's."""
    return dates.day_near(call.lang, moment.astimezone(settings.tz).date(), call.now.astimezone(settings.tz).date())


def question(draft: ReportDraft, lang: str) -> Reply:
    """What the step asks: the period's report, its deadline, the minimum length."""
    return say(draft.ask, period=period_name(draft.period, lang), deadline=_deadline(draft, lang), minimum=MIN_REPORT)


def _deadline(draft: ReportDraft, lang: str) -> str:
    """The draft keeps the deadline as local `YYYY-MM-DD HH:MM` (a draft saved by an older version too); shown
    as people read a date."""
    try:
        return dates.moment(lang, datetime.strptime(draft.deadline, "%Y-%m-%d %H:%M"))
    except ValueError:
        return draft.deadline


@dataclass(frozen=True)
class Voice:
    """A voice message: Telegram's file id and how long it is."""

    file_id: str
    seconds: int


async def begin(deps: Deps, call: Call, text: str) -> Writing:
    """`/report [text]` or a reminder's button: the period the report goes to, then the text if given."""
    person, store, settings, lang = call.actor, deps.store, deps.settings, call.lang
    if person.member is None:  # an 积极分子 or 发展对象 of the register writes the quarter's report
        return await _begin_register(deps, call, text)
    member = person.member
    target = await report_period_for(store, member, call.now, settings.tz)
    ask = "report.ask_free" if not is_mobile(member) else "report.ask_overdue" if target.overdue else "report.ask"
    if not is_mobile(member) and member.is_probationary:  # 预备期: at least one a quarter, filed under the quarter
        ask = "report.ask_probation"
    draft = ReportDraft(
        period=target.period.label,
        ask=ask,
        deadline=periods.deadline(target.period, settings.tz).strftime("%Y-%m-%d %H:%M"),
    )
    if text:
        return await add_text(deps, call, draft, text)
    replies = [question(draft, lang)]
    existing = await store.reports.thought(member.id, draft.period)
    if existing is not None:
        replies.append(
            say(
                "report.already",
                period=period_name(draft.period, lang),
                date=_day(call, existing.submitted_at, settings),
            )
        )
    # one message, as before: the question and the note that a new report replaces the old one
    return Writing(Result.of(shown("\n\n".join(reply_text(r, lang) for r in replies))), draft)


async def _begin_register(deps: Deps, call: Call, text: str) -> Writing:
    """/report from a person of the 发展党员 register: this quarter's report, due at its end."""
    writing = await register.writers(deps.store, call.actor.telegram_id)
    if len(writing) > 1:  # in two branches' registers: which one is the secretaries' to sort out
        return Writing(
            Result.of(say("report.register_two", units=await register.branches(deps.store, writing, call.lang))), None
        )
    if not writing:  # a forged button, or an 入党申请人: nothing to write
        return Writing(Result.of(say("report.register_none")), None)
    found = writing[0]
    target = register.quarter(call.now.astimezone(deps.tz).date())
    draft = ReportDraft(
        period=target.label,
        ask="report.ask",
        deadline=periods.deadline(target, deps.tz).strftime("%Y-%m-%d %H:%M"),
        person=found.id,
    )
    if text:
        return await add_text(deps, call, draft, text)
    replies = [question(draft, call.lang)]
    existing = await deps.store.development.report_for(found.id, draft.period)
    if existing is not None:
        replies.append(
            say(
                "report.already",
                period=period_name(draft.period, call.lang),
                date=_day(call, existing.submitted_at, deps.settings),
            )
        )
    return Writing(Result.of(shown("\n\n".join(reply_text(r, call.lang) for r in replies))), draft)


async def _existing(deps: Deps, call: Call, draft: ReportDraft) -> datetime | None:
    """When the report this draft would replace was handed in (None: there is none)."""
    if draft.person is not None:
        found = await deps.store.development.report_for(draft.person, draft.period)
        return found.submitted_at if found else None
    report = await deps.store.reports.thought(member_of(call.actor).id, draft.period)
    return report.submitted_at if report else None


async def add_text(deps: Deps, call: Call, draft: ReportDraft | None, more: str) -> Writing:
    """More text: too short (kept, keep writing), too long (refused), or a new preview."""
    if draft is None:  # the draft was lost (a restart): the conversation is over
        return Writing(Result.of(), None)
    if draft.voice is not None:  # typing after a voice message: the report is written instead
        draft = draft.replace(voice=None, seconds=0, text="")
    combined = (draft.text + "\n" + more.strip()).strip() if draft.text else more.strip()
    try:
        check_report(combined)
    except InputError as exc:
        if exc.key == "report.too_short":
            draft = draft.replace(text=combined, preview=None)
        # too long: the draft stays as it was, and so does its last preview
        return Writing(Result.of(exc.reply()), draft)
    draft = draft.replace(text=combined, preview=secrets.token_hex(4))
    return Writing(Result.of(await _preview(deps, call, draft)), draft)


async def add_voice(deps: Deps, call: Call, draft: ReportDraft | None, voice: Voice) -> Writing:
    """A voice message as the report (it replaces what was typed or spoken before): a preview with its
    length, or — too short to be a report — the question again."""
    if draft is None:
        return Writing(Result.of(), None)
    file_id, seconds = voice.file_id, voice.seconds
    if seconds < MIN_VOICE_SECONDS:
        return Writing(Result.of(say("report.voice_too_short", seconds=seconds, minimum=MIN_VOICE_SECONDS)), draft)
    draft = draft.replace(voice=file_id, seconds=seconds, text="", preview=secrets.token_hex(4))
    return Writing(Result.of(await _preview(deps, call, draft)), draft)


def duration(seconds: int, lang: str) -> str:
    """`1分05秒` / `1 min 05 s`; `45秒` / `45 s`."""
    minutes, rest = divmod(max(seconds, 0), 60)
    return (
        t(lang, "report.duration_min", minutes=minutes, seconds=f"{rest:02d}")
        if minutes
        else t(lang, "report.duration_sec", seconds=rest)
    )


async def _preview(deps: Deps, call: Call, draft: ReportDraft) -> Reply:
    assert draft.preview is not None
    lang = call.lang
    existing = await _existing(deps, call, draft)
    note = t(lang, "report.replace_note", date=_day(call, existing, deps.settings)) if existing else ""
    buttons = [
        [
            {"text": t(lang, "report.send"), "data": ReportSend(draft.preview).pack()},
            {"text": t(lang, "report.cancel"), "data": ReportCancel(draft.preview).pack()},
        ]
    ]
    if draft.voice is not None:
        return say(
            "report.voice_preview",
            buttons=buttons,
            period=period_name(draft.period, lang),
            duration=duration(draft.seconds, lang),
            replace=Html(note),
        )
    text = draft.text
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS] + "\n" + t(lang, "report.preview_cut", shown=PREVIEW_CHARS)
    return say(
        "report.preview",
        buttons=buttons,
        period=period_name(draft.period, lang),
        length=len(draft.text),
        text=text,
        replace=Html(note),
    )


def not_text(draft: ReportDraft, lang: str) -> Writing:
    """A photo, voice message, sticker or file while the report is being written: say so, ask again."""
    return Writing(Result.of(say("common.text_expected"), question(draft, lang)), draft)


async def send(deps: Deps, call: Call, draft: ReportDraft | None, preview: str) -> Writing:
    """Send pressed under the preview `preview`: saved if that preview shows the current draft."""
    person, now, store, lang = call.actor, call.now, deps.store, call.lang
    if draft is None or (draft.voice is None and len(draft.text) < MIN_REPORT):
        return Writing(Result.of(alert("report.expired")), None)
    if person.member is None and draft.person is None:
        return Writing(Result.of(alert("report.expired")), None)
    if preview != draft.preview:
        return Writing(Result.of(alert("report.outdated")), draft)
    if draft.person is not None:
        return await _send_register(deps, call, draft)
    assert person.member is not None
    if draft.voice is not None:
        _, replaced = await store.reports.save_thought(
            person.member.id, draft.period, "", now, draft.voice, draft.seconds
        )
        return Writing(
            Result.of(
                say(
                    "report.voice_replaced" if replaced else "report.voice_saved",
                    period=period_name(draft.period, lang),
                    duration=duration(draft.seconds, lang),
                )
            ),
            None,
            close_preview=True,
        )
    _, replaced = await store.reports.save_thought(person.member.id, draft.period, draft.text, now)
    return Writing(
        Result.of(
            say(
                "report.replaced" if replaced else "report.saved",
                period=period_name(draft.period, lang),
                length=len(draft.text),
            )
        ),
        None,
        close_preview=True,
    )


async def _send_register(deps: Deps, call: Call, draft: ReportDraft) -> Writing:
    """The register's report saved for its quarter (and its 思想汇报 step), the secretaries told."""
    assert draft.person is not None
    writing = await register.writers(deps.store, call.actor.telegram_id)
    if [p.id for p in writing] != [draft.person]:  # no longer theirs alone to write (became a member, say)
        return Writing(Result.of(alert("report.expired")), None)
    saving = Saving(
        draft.person,
        draft.period,
        draft.text if draft.voice is None else "",
        draft.voice,
        draft.seconds if draft.voice is not None else None,
        call.now.astimezone(deps.tz).date(),
    )
    _, replaced, queued = await register.file(deps, call, saving)
    period, lang = period_name(draft.period, call.lang), call.lang
    if draft.voice is not None:
        key = "report.voice_replaced" if replaced else "report.voice_saved"
        answer = say(key, period=period, duration=duration(draft.seconds, lang))
    else:
        answer = say("report.replaced" if replaced else "report.saved", period=period, length=len(draft.text))
    return Writing(Result.of(answer, queued=queued), None, close_preview=True)


def cancel(draft: ReportDraft | None, preview: str | None) -> Writing:
    """Cancel under the preview `preview`, or /cancel (`preview` None): the draft is dropped."""
    if preview is None:
        return Writing(Result.of(say("common.cancelled")), None)
    if draft is None:
        return Writing(Result.of(alert("report.expired")), None)
    if preview != draft.preview:  # an older preview: this one's text is not what would be dropped
        return Writing(Result.of(alert("report.outdated")), draft)
    return Writing(Result.of(say("report.cancelled")), None, close_preview=True)
