"""The copies of a notice being published (`store.notices.publish_to` takes them a chunk of recipients at a time):
each recipient's in their language, then the bound group's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.services.notices import audience
from bot.services.notices import text as view
from bot.store.notices import Draft, notice_ref
from bot.store.notices_publish import Recipient
from bot.store.outbox import Outgoing


@dataclass(frozen=True)
class NoticeCopies:
    """The copies of one notice, made as the outbox takes them; the text and buttons are the same for every
    reader of one language, so made once each (`worded`)."""

    draft: Draft
    tree: OrgTree
    settings: Settings
    worded: dict[str, tuple[str, list[list[dict[str, str]]]]] = field(default_factory=dict)

    def of(self, notice_id: int, recipients: Sequence[Recipient]) -> Iterator[Outgoing]:
        ref = notice_ref(notice_id)
        for member_id, chat_id, language in recipients:
            text, keys = self._worded(notice_id, language or self.settings.default_language)
            yield Outgoing(
                key=f"notice:{notice_id}:{member_id}",
                kind="notice",
                chat_id=chat_id,
                member_id=member_id,
                ref=ref,
                text=text,
                buttons=keys,
            )

    def rest(self, notice_id: int) -> Iterator[Outgoing]:
        draft, settings = self.draft, self.settings
        unit = self.tree.units[draft.unit_id]
        if audience.group_copy(draft.kind, unit.chat_id is not None, draft.to_group):
            assert unit.chat_id is not None
            group_lang = settings.default_language
            yield Outgoing(
                key=f"notice:{notice_id}:group",
                kind="notice",
                chat_id=unit.chat_id,
                ref=notice_ref(notice_id),
                text=view.group_view(view.Wording(group_lang, self.tree, settings.tz, settings.proofs), draft, 0, 0),
                buttons=view.buttons(group_lang, notice_id),
            )

    def _worded(self, notice_id: int, lang: str) -> tuple[str, list[list[dict[str, str]]]]:
        if lang not in self.worded:
            wording = view.Wording(lang, self.tree, self.settings.tz, self.settings.proofs)
            self.worded[lang] = (view.body(wording, self.draft), view.buttons(lang, notice_id))
        return self.worded[lang]
