"""Which notice messages to re-render after an answer, and as what: a member's own copy shows their current
answer, a bound group's post the tally. The use cases return these as plain `Edit`s; the front end only
makes the edit call. No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.domain.models import Member
from bot.domain.results import Buttons
from bot.domain.rights import OrgTree
from bot.services.notices import text as view
from bot.store import Store
from bot.store.notices import Notice


@dataclass(frozen=True)
class Edit:
    """Show `text` and `buttons` in the message `message_id` of `chat_id` (one the bot sent)."""

    chat_id: int
    message_id: int
    text: str
    buttons: Buttons


async def member_copy(store: Store, settings: Settings, notice: Notice, member: Member) -> Edit | None:
    """The member's delivered copy of the notice with their answer and check-in; None when it was not
    delivered (not registered, failed, still queued)."""
    row = await store.notices.delivery(f"notice:{notice.id}:{member.id}")
    if row is None or row.message_id is None:
        return None
    rsvp = await store.notices.rsvp(notice.id, member.id)
    checkin = (await store.notices.checkins(notice.id)).get(member.id)
    lang = member.language or settings.default_language
    tree = OrgTree.of(await store.units.all())
    return Edit(
        row.chat_id,
        row.message_id,
        view.member_view(view.Wording(lang, tree, settings.tz, settings.proofs), notice, rsvp, checkin),
        view.buttons(lang, notice.id),
    )


async def group_post(store: Store, settings: Settings, notice_id: int) -> Edit | None:
    """The notice's post in its bound group with the current tally; None when there is none (no group,
    not delivered, the notice gone)."""
    row = await store.notices.delivery(f"notice:{notice_id}:group")
    notice = await store.notices.get(notice_id)
    if row is None or row.message_id is None or notice is None:
        return None
    answers = [r.answer for r in (await store.notices.rsvps(notice_id)).values()]
    lang = settings.default_language
    tree = OrgTree.of(await store.units.all())
    wording = view.Wording(lang, tree, settings.tz, settings.proofs)
    text = view.group_view(wording, notice, answers.count("attend"), answers.count("leave"))
    return Edit(row.chat_id, row.message_id, text, view.buttons(lang, notice_id))
