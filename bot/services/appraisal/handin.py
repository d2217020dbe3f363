"""对照检查材料 (`/rectify 材料`) and 自评 (`/appraisal 自评`) handed in as a voice message or a document — for a
member who would rather speak than type, or has it written on paper or in a file.

`/rectify 材料` or `/appraisal 自评` without words asks for the voice or file and waits WAIT for it (a draft, kept
across a restart); the file is kept by its Telegram file id (a later text or file replaces it). The secretary
sees who handed in what in `/rectify` and `/appraisal`, and gets a member's own back with `/rectify 看材料 姓名` or
`/appraisal 看自评 姓名` — the text, or the voice message or document sent again by its file id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.results import Result, say
from bot.i18n import t
from bot.services.appraisal.common import branch_members, branch_of, named
from bot.services.appraisal.rules import is_open
from bot.services.kernel.deps import Deps
from bot.store.db import iso

#: How long a voice message or file is waited for after it was asked.
WAIT = timedelta(minutes=30)
VIEW_MATERIAL_WORDS = ("看材料", "view")
VIEW_SELF_WORDS = ("看自评", "view")

What = Literal["material", "self"]


class HandIn(drafts.Draft):
    """A voice message or file awaited as a member's 对照检查材料 (for `unit_id`'s `year`) or 自评 (for
    `appraisal_id`), until `until` (UTC, ISO)."""

    flow: Literal["appraisal.handin"] = "appraisal.handin"
    what: What
    unit_id: int
    year: int
    appraisal_id: int | None = None
    until: str


@dataclass(frozen=True)
class Sent:
    """A voice message or a document as received: its kind and Telegram file id."""

    kind: Literal["voice", "document"]
    file_id: str


@dataclass(frozen=True)
class Outcome:
    """What `/rectify` or `/appraisal` answered: the replies, a hand-in to wait for, and a member's file to send
    back to the secretary (kind, file id, caption)."""

    result: Result
    waiting: HandIn | None = None
    file: tuple[str, str, str] | None = None


def ask(call: Call, what: What, scope: tuple[int, int, int | None]) -> Outcome:
    """Ask for the voice message or file, and wait for it."""
    unit, year, appraisal = scope
    draft = HandIn(what=what, unit_id=unit, year=year, appraisal_id=appraisal, until=iso(call.now + WAIT))
    return Outcome(Result.of(say(f"appraisal.handin_ask_{what}", minutes=int(WAIT.total_seconds() // 60))), draft)


async def received(deps: Deps, call: Call, draft: HandIn, sent: Sent) -> Result:
    """The voice message or file that was waited for, kept; too late or no longer open: said so."""
    member = call.actor.member
    if member is None or member.unit_id != draft.unit_id:
        return Result.of(say("appraisal.no_branch"))
    if call.now > datetime.fromisoformat(draft.until):
        return Result.of(say(f"appraisal.handin_late_{draft.what}"))
    kind = sent.kind
    store = deps.store
    if draft.what == "material":
        if await store.appraisal.round(draft.unit_id, draft.year) is None:
            return Result.of(say("appraisal.material_not_asked"))
        await store.year.material_file((draft.unit_id, draft.year, member.id), kind, sent.file_id, call.now)
        return Result.of(say("appraisal.handin_saved_material", kind=say_kind(call.lang, kind)))
    current = await store.appraisal.appraisal(draft.unit_id, draft.year)
    today = call.now.astimezone(deps.tz).date()
    if current is None or current.id != draft.appraisal_id or not is_open(current.starts_on, current.ends_on, today):
        return Result.of(say("appraisal.handin_late_self"))
    await store.year.self_file(current.id, member.id, kind, sent.file_id, call.now)
    return Result.of(say("appraisal.handin_saved_self", kind=say_kind(call.lang, kind)))


def say_kind(lang: str, kind: str) -> str:
    return t(lang, f"appraisal.file_kind.{kind}")


async def view(deps: Deps, call: Call, what: What, name: str) -> Outcome:
    """The secretary: a member's material or 自评 of this year — its text, or the file to send back."""
    person, store = call.actor, deps.store
    unit = branch_of(person)
    if not person.is_secretary or unit is None:
        return Outcome(Result.of(say("appraisal.secretary_only")))
    if not name.strip():
        return Outcome(Result.of(say(f"appraisal.view_usage_{what}")))
    found = named(await branch_members(store, unit), name)
    if len(found) != 1:
        key = "appraisal.unknown" if not found else "appraisal.ambiguous"
        return Outcome(Result.of(say(key, name=name.strip()[:40])))
    who = found[0]
    year = call.now.astimezone(deps.tz).year
    if what == "material":
        texts = await store.appraisal.materials(unit, year)
        files = await store.year.material_files(unit, year)
    else:
        current = await store.appraisal.appraisal(unit, year)
        texts = await store.appraisal.selfs(current.id) if current else {}
        files = await store.year.self_files(current.id) if current else []
    handed = next((f for f in files if f.member_id == who.id), None)
    if handed is not None:
        caption = say_kind(call.lang, handed.kind)
        head = say(f"appraisal.view_file_{what}", name=who.name, kind=caption)
        return Outcome(Result.of(head), file=(handed.kind, handed.file_id, f"{who.name} · {caption}"))
    text = texts.get(who.id)
    if not text:
        return Outcome(Result.of(say(f"appraisal.view_none_{what}", name=who.name)))
    return Outcome(Result.of(say(f"appraisal.view_text_{what}", name=who.name, text=text)))
