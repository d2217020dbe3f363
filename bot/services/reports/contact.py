"""`/contact <name> | note`: a liaison logs a contact with a member they keep in touch with."""

from __future__ import annotations

from bot.domain.call import Call
from bot.domain.results import Result, say
from bot.i18n import t
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text, name_key
from bot.services.reports.common import MAX_FIELD, member_of

MAX_NOTE = 500


async def log_contact(deps: Deps, call: Call, fields: list[str]) -> Result:
    """`fields`: the member's name, then the note (more `|` in the note are kept as written)."""
    now, store, lang = call.now, deps.store, call.lang
    liaison = member_of(call.actor)
    kept = await store.members.kept_by(liaison.id)
    names = t(lang, "members.separator").join(m.name for m in kept)
    if not fields or not fields[0]:
        return Result.of(
            say("contact.usage"), say("contact.your_members" if kept else "contact.none_kept", names=names)
        )
    wanted = name_key(fields[0])  # names are compared cleaned: 张\u200e三 and 张 三 are 张三
    member = next((m for m in kept if name_key(m.name) == wanted), None)
    if member is None:
        return Result.of(say("contact.not_yours", name=fields[0][:MAX_FIELD], names=names or "—"))
    note = clean_text(" | ".join(fields[1:]), multiline=True)
    if not note:
        return Result.of(say("contact.note_empty", name=member.name))
    if len(note) > MAX_NOTE:
        return Result.of(say("contact.too_long", limit=MAX_NOTE))
    await store.reports.add_contact(member.id, liaison.id, note, now)
    return Result.of(say("contact.saved", name=member.name, date=now.astimezone(deps.tz).strftime("%Y-%m-%d")))
