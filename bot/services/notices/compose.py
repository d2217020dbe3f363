"""`/notice` as use cases: a secretary's draft step by step (type, unit, time, place, topic) or in one line,
its preview, and publishing it. No Telegram here: each step takes the draft kept between messages and
returns the next one (`Step`), which the front end keeps and shows.

Every preview gets a draft id (a short random token) carried by its Send / Cancel buttons; only the
current draft's preview can send it, so a press on an older preview never sends what another one shows.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Literal

from bot.config import Settings
from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.payload import YesNo
from bot.domain.presence import ONLINE, ONSITE, online_place
from bot.domain.results import Reply, Result, alert, say, shown
from bot.domain.rights import Actor, OrgTree
from bot.i18n import t
from bot.services.appraisal.prepare import preparation
from bot.services.kernel.deps import Deps
from bot.services.notices import audience, publishing
from bot.services.notices import common as rules
from bot.services.notices import text as view
from bot.services.notices.buttons import NoticeGroupCopy, NoticeMode
from bot.services.notices.common import NoticeError
from bot.services.notices.copies import NoticeCopies
from bot.store import Store
from bot.store.notices import Draft, Expected
from bot.store.notices_publish import Convener, Headcount

log = logging.getLogger(__name__)


class Stage(IntEnum):
    """The step of /notice that waits for the secretary next."""

    DONE = -1  # the conversation is over (sent, dropped, refused)
    KIND = 1
    UNIT = 2
    WHEN = 3
    PLACE = 4
    TOPIC = 5
    CONFIRM = 6


class NoticeDraft(drafts.Draft):
    """/notice so far: what the secretary chose and typed, and the id of the preview that shows it (a short
    random token its Send / Cancel buttons carry)."""

    flow: Literal["notices.compose"] = "notices.compose"
    kind: str | None = None
    unit_id: int | None = None
    starts_at: datetime | None = None
    place: str | None = None
    topic: str | None = None
    audience: str | None = None
    speaker: str | None = None
    to_group: bool | None = None  # skipped on the preview (不发到群): no copy for the bound group
    mode: str | None = None  # onsite 现场 | online 线上 (issue 23)
    preview: str | None = None

    def notice(self) -> Draft:
        """The notice as the secretary entered it (a ValidationError when a step is missing)."""
        return Draft.model_validate(self.model_dump(exclude={"flow", "preview"}, exclude_none=True))


@dataclass(frozen=True)
class Step:
    """The outcome of one step: what to answer, the stage that waits next (None: the same one again, the
    input was refused), the draft to keep (None: forget it) and, for a pressed choice, the text its prompt
    keeps instead of its buttons."""

    result: Result
    stage: Stage | None
    draft: NoticeDraft | None = None
    chosen: Reply | None = None
    seats: Opened | None = None  # Send opened this notice: its seats are written after the answer (`seat`)


@dataclass(frozen=True)
class Choice:
    """A meeting type as the secretary gave it: pressed on its button (already one of KINDS) or typed."""

    value: str
    pressed: bool = False


@dataclass(frozen=True)
class Published:
    notice_id: int
    recipients: int  # members who get their own copy
    queued: int  # outbox rows written (their copies, the group post, or the summary at once)


@dataclass(frozen=True)
class Opened:
    """A notice Send has written, still publishing: its seats and copies are to follow (`seat`)."""

    notice_id: int
    recipients: int  # members who will get their own copy, as the preview counted them
    draft: Draft


def refusal(error: NoticeError, lang: str) -> Reply:
    """The message of a refused input: lists joined, the field named in the reader's language."""
    params: dict[str, object] = {}
    for key, value in error.params.items():
        params[key] = ("、" if lang == "zh" else ", ").join(map(str, value)) if isinstance(value, list) else value
    if "field" in params:
        params["field"] = t(lang, f"notice.field.{params['field']}")
    if "kind" in params and error.key in ("notice.err.target", "notice.err.no_target"):
        params["kind"] = t(lang, f"notice.kind.{params['kind']}")
    return Reply(key=error.key, params=params)


async def _tree(store: Store) -> OrgTree:
    return OrgTree.of(await store.units.all())


#: Expected members made between two turns of the event loop.
_CHUNK = 2000


async def expected_at(store: Store, tree: OrgTree, kind: str, unit_id: int) -> list[Expected]:
    """Who the meeting is for (`notices_audience.expected`), and whether they can receive the notice."""
    among = audience.scope(kind, unit_id, tree)
    # a committee may seat members of other units (a village's secretary on the community's 党委)
    if among.seated_on is not None:
        members = await store.members.seated(among.seated_on)
    else:
        members = await store.members.in_units(among.units)
    chosen = audience.expected(kind, unit_id, tree, members)
    out: list[Expected] = []
    for start in range(0, len(chosen), _CHUNK):  # a notice to everyone: the event loop let go between chunks
        if start:
            await asyncio.sleep(0)
        out += [  # typed values already: no validation (a third of the time)
            Expected.model_construct(member=m, linked=m.linked, votes=m.votes, committee=m.sits_on(unit_id))
            for m in chosen[start : start + _CHUNK]
        ]
    return out


def counted(expected: Sequence[Expected]) -> Headcount:
    """The preview's figures of a few expected members read as models (a committee's seats, in office order)."""
    silent = [e.member for e in expected if not e.votes]
    probationary = sum(1 for m in silent if m.is_probationary)
    return Headcount(
        len(expected),
        sum(1 for e in expected if e.linked),
        tuple(e.member.name for e in expected if not e.linked),
        probationary,
        len(silent) - probationary,
        tuple(m.name for m in silent),
        tuple(e.member.name for e in expected),
    )


async def reach(store: Store, tree: OrgTree, kind: str, unit_id: int) -> Headcount:
    """Who a notice would reach, as its preview says and Send publishes: counted in SQL over the members publishing
    seats (`store.notices.headcount`: a notice to everyone at 100 000 built every member as a model, 12.7 s and
    561 MB); a 支委会 / 党委会's few seats read as members, to name them in office order."""
    among = audience.scope(kind, unit_id, tree)
    if among.seated_on is not None:
        return counted(await expected_at(store, tree, kind, unit_id))
    return await store.notices.headcount(among, view.NAMES_SHOWN)


# ---------------------------------------------------------------------------------------- the steps
async def begin(deps: Deps, call: Call, text: str) -> Step:
    """`/notice` alone asks for the type; `/notice type | time | place | topic [| unit]` goes to the preview."""
    tree = await _tree(deps.store)
    if not text:
        return Step(Result.of(_ask_kind(call.actor, tree, call.lang)), Stage.KIND, NoticeDraft())
    try:
        draft = rules.parse_one_line(rules.split_fields(text), call, tree, deps.tz)
    except NoticeError as error:
        return Step(Result.of(refusal(error, call.lang)), Stage.DONE)
    return await preview(deps, call, draft, tree)


def _ask_kind(person: Actor, tree: OrgTree, lang: str) -> Reply:
    """The meeting types the person may call (三会一课 first), as buttons."""
    return say("notice.ask_kind", buttons=view.kind_buttons(lang, audience.kinds_for(person, tree)))


def ask(stage: Stage, lang: str, now: datetime, settings: Settings) -> Reply:
    """The question of a step that needs no store (time, place, topic)."""
    if stage is Stage.WHEN:
        return say("notice.ask_when", example=rules.example_time(now, settings.tz))
    return say("notice.ask_place" if stage is Stage.PLACE else "notice.ask_topic")


async def question(deps: Deps, call: Call, stage: Stage, draft: NoticeDraft | None = None) -> Reply:
    """The question of `stage` again (after a photo, a voice message… where typed text was expected)."""
    if stage not in (Stage.UNIT, Stage.KIND):
        return ask(stage, call.lang, call.now, deps.settings)
    tree = await _tree(deps.store)
    if stage is Stage.KIND:
        return _ask_kind(call.actor, tree, call.lang)
    return _ask_unit(call.actor, (draft.kind if draft else None) or "other", tree)


def _ask_unit(person: Actor, kind: str, tree: OrgTree) -> Reply:
    """The units this meeting type may be called for, among the person's."""
    fitting = audience.callable_units(person, kind, tree)
    units = sorted((tree.units[u] for u in fitting), key=lambda u: [p.id for p in tree.path(u.id)])
    return say("notice.ask_unit", buttons=view.unit_buttons(tree, units))


async def choose_kind(deps: Deps, call: Call, draft: NoticeDraft, choice: Choice) -> Step:
    """The type, from its button (already one of KINDS) or typed. The units it may be called for are offered
    next; when there is only one, it is taken; when there is none, the type is refused naming what it is for."""
    person, now, settings, lang = call.actor, call.now, deps.settings, call.lang
    value, pressed = choice.value, choice.pressed
    kind = value if pressed else rules.parse_kind(value)
    if kind not in audience.KINDS:
        return Step(Result.of(refusal(NoticeError("notice.err.kind", {"value": value}), lang)), None, draft)
    tree = await _tree(deps.store)
    fitting = audience.callable_units(person, kind, tree)
    if not fitting:
        return Step(Result.of(refusal(rules.target_error(kind, fitting, tree), lang)), None, draft)
    chosen = say("notice.chosen_kind", kind=view.kind_name(lang, kind)) if pressed else None
    kept = draft.replace(kind=kind)
    if len(fitting) == 1:
        kept = kept.replace(unit_id=next(iter(fitting)))
        return Step(Result.of(ask(Stage.WHEN, lang, now, settings)), Stage.WHEN, kept, chosen)
    return Step(Result.of(_ask_unit(person, kind, tree)), Stage.UNIT, kept, chosen)


async def choose_unit(deps: Deps, call: Call, draft: NoticeDraft, value: str | int) -> Step:
    """The unit, from its button (an id: ignored unless the person may call this type there) or typed by
    name (refused naming the right ones when the type is not for it)."""
    person, now, settings, lang = call.actor, call.now, deps.settings, call.lang
    tree = await _tree(deps.store)
    kind = draft.kind or "other"
    if isinstance(value, int):
        if value not in audience.callable_units(person, kind, tree):
            return Step(Result.of(), None, draft)
        unit_id = value
        chosen: Reply | None = say("notice.chosen_unit", unit=view.unit_name(tree, tree.units.get(unit_id)))
    else:
        try:
            unit_id = rules.choose_target(person, kind, value, tree)
        except NoticeError as error:
            return Step(Result.of(refusal(error, lang)), None, draft)
        chosen = None
    return Step(Result.of(ask(Stage.WHEN, lang, now, settings)), Stage.WHEN, draft.replace(unit_id=unit_id), chosen)


def set_when(deps: Deps, call: Call, draft: NoticeDraft, value: str) -> Step:
    now, settings, lang = call.now, deps.settings, call.lang
    try:
        when = rules.parse_when(value, now, settings.tz)
    except NoticeError as error:
        return Step(Result.of(refusal(error, lang)), None, draft)
    return Step(Result.of(ask(Stage.PLACE, lang, now, settings)), Stage.PLACE, draft.replace(starts_at=when))


def set_place(deps: Deps, call: Call, draft: NoticeDraft, value: str) -> Step:
    now, settings, lang = call.now, deps.settings, call.lang
    try:
        place = rules.check_text(value, "place", rules.PLACE_LIMIT)
    except NoticeError as error:
        return Step(Result.of(refusal(error, lang)), None, draft)
    return Step(Result.of(ask(Stage.TOPIC, lang, now, settings)), Stage.TOPIC, draft.replace(place=place))


async def set_topic(deps: Deps, call: Call, draft: NoticeDraft, value: str) -> Step:
    """The topic (a 党课's 主题; its speaker is the person until the one-line form names another)."""
    person, lang = call.actor, call.lang
    try:
        topic = rules.check_text(value, "topic", rules.TOPIC_LIMIT)
        kind = draft.kind or "other"
        speaker = rules.default_speaker(person) if kind == "lecture" else None
    except NoticeError as error:
        return Step(Result.of(refusal(error, lang)), None, draft)
    mode = ONLINE if online_place(draft.place or "") else ONSITE
    whole = draft.replace(topic=topic, speaker=speaker, audience=audience.audience(kind), mode=mode)
    return await preview(deps, call, whole.notice())


async def preview(deps: Deps, call: Call, draft: Draft, tree: OrgTree | None = None) -> Step:
    """The notice as members will see it and who gets it, under Send / Cancel naming a new draft id; with a
    bound group, whether it gets a copy (never for a 支委会 / 党委会) and, when it may, a button to skip it."""
    lang = call.lang
    tree = tree or await _tree(deps.store)
    draft_id = secrets.token_hex(4)
    bound = tree.units[draft.unit_id].chat_id is not None
    text = view.preview(
        view.Wording(lang, tree, deps.tz, deps.settings.proofs),
        draft,
        await reach(deps.store, tree, draft.kind, draft.unit_id),
        group_bound=bound,
    )
    if draft.kind == audience.MeetingKind.LIFE:  # the preparation list, for the secretary's eyes only (issue 26)
        year = draft.starts_at.astimezone(deps.tz).year
        text += "\n\n" + "\n".join(await preparation(deps.store, draft.unit_id, year, lang))
    choice = draft.to_group if bound and draft.kind not in audience.PRIVATE else None
    return Step(
        Result.of(shown(text, view.preview_buttons(lang, draft_id, choice, draft.mode))),
        Stage.CONFIRM,
        NoticeDraft(**draft.model_dump(), preview=draft_id),
    )


async def group_copy(deps: Deps, call: Call, draft: NoticeDraft | None, pressed: NoticeGroupCopy) -> Step:
    """不发到群 / 也发到群 pressed on a preview: the preview again (a new draft id, so Send on it sends what it
    shows), saying whether the bound group gets a copy; refused on an older preview."""
    if draft is None or draft.topic is None:
        return Step(Result.of(alert("notice.expired")), Stage.DONE)
    if not _is_current(draft, pressed.draft):
        return Step(Result.of(alert("notice.preview_outdated")), None, draft)
    return await preview(deps, call, draft.replace(to_group=pressed.on is YesNo.YES).notice())


# ---------------------------------------------------------------------------------------- Send / Cancel
def _is_current(draft: NoticeDraft | None, draft_id: str) -> bool:
    return draft is not None and draft.preview == draft_id


async def send(deps: Deps, call: Call, draft: NoticeDraft | None, draft_id: str) -> Step:
    """Send pressed on the preview of `draft_id`: publish the draft if that preview is the current one."""
    person, now, settings, lang = call.actor, call.now, deps.settings, call.lang
    if draft is None or draft.topic is None:
        return Step(Result.of(say("notice.expired")), Stage.DONE)
    if not _is_current(draft, draft_id):  # an older preview: it does not show what would go out
        return Step(Result.of(alert("notice.preview_outdated")), None, draft)
    notice = draft.notice()
    if notice.starts_at <= now:
        return Step(
            Result.of(
                say(
                    "notice.err.past",
                    value=view.when(lang, notice.starts_at, settings.tz),
                    example=rules.example_time(now, settings.tz),
                )
            ),
            Stage.DONE,
        )
    if notice.unit_id not in audience.callable_units(person, notice.kind, await _tree(deps.store)):  # roster changed
        return Step(Result.of(say("notice.expired")), Stage.DONE)
    opened = await open_notice(deps, call, notice)
    sending = say("notice.sending", id=opened.notice_id, count=opened.recipients)
    return Step(Result.of(sending), Stage.DONE, seats=opened)


async def set_mode(deps: Deps, call: Call, draft: NoticeDraft | None, pressed: NoticeMode) -> Step:
    """现场 / 线上 pressed on a preview: the preview again (a new draft id), the meeting held that way; refused on
    an older preview."""
    if draft is None or draft.topic is None:
        return Step(Result.of(alert("notice.expired")), Stage.DONE)
    if not _is_current(draft, pressed.draft):
        return Step(Result.of(alert("notice.preview_outdated")), None, draft)
    return await preview(deps, call, draft.replace(mode=pressed.mode.value).notice())


def drop(draft: NoticeDraft | None, draft_id: str) -> Step:
    """Cancel pressed on a preview: the draft is dropped, unless a newer preview replaced it."""
    if draft is not None and draft.topic is not None and not _is_current(draft, draft_id):
        return Step(Result.of(alert("notice.preview_outdated")), None, draft)
    return Step(Result.of(say("notice.dropped")), Stage.DONE)


async def open_notice(deps: Deps, call: Call, draft: Draft) -> Opened:
    """Send's first half (issue 31): the notice alone, publishing, with the update's applied-once mark, and how
    many will get it as the preview counts (`reach`). The answer does not wait for the seats (`seat`); a stop in
    between leaves the notice publishing, for the sweep to finish (`publishing.resume`)."""
    person, store = call.actor, deps.store
    headcount = await reach(store, await _tree(store), draft.kind, draft.unit_id)
    by = Convener(person.member.id if person.member else None, person.telegram_id, call.lang, call.now)
    notice_id = await store.notices.open_publish(draft, by)
    return Opened(notice_id, headcount.linked, draft)


async def seat(deps: Deps, opened: Opened) -> int:
    """Send's second half: the expected members and their copies, a chunk a transaction, then the summary when
    nothing is left to deliver; how many outbox rows were queued (none when the sweep is publishing it)."""
    store, settings, draft = deps.store, deps.settings, opened.draft
    tree = await _tree(store)
    among = audience.scope(draft.kind, draft.unit_id, tree)
    copies = NoticeCopies(draft, tree, settings)
    done = await store.notices.publish_seats(opened.notice_id, draft.unit_id, among, copies)
    log.info("notice=%s published: %s rows queued", done.notice_id, done.queued)
    return done.queued + await publishing.finished(store, settings, done)


async def publish(deps: Deps, call: Call, draft: Draft) -> Published:
    """Send's two halves in one go (the bench publishes so): the notice, then its members and their copies."""
    opened = await open_notice(deps, call, draft)
    return Published(opened.notice_id, opened.recipients, await seat(deps, opened))
